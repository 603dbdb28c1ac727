"""The demo's 履职: a year of duty work up to today (DOMAIN §2 and §5).

Each congress's plenary session with every deputy's attendance (the city congresses'
dates are the suggestions demo's sessions), the meetings deputies attended (列席), what
the offices of the city and county congresses organised (视察, 调研 — a few with a
report PDF —, 执法检查, 培训, 代表讲坛), the stations' and the group leaders' activities,
and the activities deputies recorded themselves (approved, waiting, sent back or
withdrawn); every deputy's answer to what was recorded for them as of now (confirmed —
by themselves or by the sweep when the time ran out —, waiting, disputed, taken off).

The stations' reception work: scheduled receptions held, and the days the opinions
demo's citizens' visits were registered, each a reception activity with the deputies
checked in and the voters received besides the registered opinions; the unified
reception days of each city (closed ones with their stored tally, today's under way in
the demo city so the live tally has figures from the start, and the coming one being
planned). A few citizens' visits of those days are registered as opinions through the
opinions demo's stories. Reports to voters in every state, the closed ones with their
ballots, counts and verdict; awards; the demo city's own points rules; and the quarterly
rankings each city published.

Rows are what the duty actions (``minqing.duties.actions``) would have written —
states, counts, dates and the invariants they keep — written in bulk without per-row
audit entries or timeline rows: the builder's one ``demo.load`` entry covers them. The
demo logins find work: the deputy records to confirm, a dispute, a report sent back and
a duty slot today; the station's staff reports to approve, a dispute, today's reception
and a vote to count; the office a unified day to plan, today's tally, approvals and a
dispute; the leader the tally, reports and rankings.

Determinism: everything draws from one RNG seeded from the builder's (ballot and ranking
codes from their own), so the same seed gives the same rows; what depends on the day of
the build is where the year starts and what is still waiting.

Split by concern: ``world`` (shared state, time, the answer rules, the sizes),
``activities``, ``reception``, ``reports``, ``points`` (awards, rules, rankings),
``texts`` (the words), ``write`` (bulk inserts), ``build`` (``build_duties``).
"""

from minqing.core.demo.duties.build import DutiesResult, build_duties

__all__ = ["DutiesResult", "build_duties"]
