"""The demo's 议案建议: each city congress's current session — about three hundred
suggestions raised during it and a handful of motions with the presidium's decisions —
last year's session, items raised between sessions and the work in progress right now,
in every state of the loop (DOMAIN §4).

Each item is a *story*: its deputies draft and co-sign it, the office screens and
assigns it (the session's items in one batch after the session), the units sign, ask
for reassignment or more time, send co-handlers' views, contact the deputies and reply
with a class and a signed PDF, the deputy rates the replies (不满意 sends it back once),
class-B promises are followed until kept or carried into the next year — each step at a
realistic moment, until the story ends or its next step would fall after *now*. Every
step writes what its action in ``minqing.suggestions.actions`` writes (fields, rows,
timeline rows, deadlines from the region's settings through the calendar), in bulk and
without the actions' per-row audit entries: the builder's one ``demo.load`` entry covers
it. Some stories are counted back from now instead (``layers.recent``) so that every
stage waits in some inbox on any day the demo is built, and a few are scripted for the
demo logins (``showcase``). Suggestions are also built from the citizens' opinions that
went into 转为代表建议; the citizen's track page then shows the suggestion's number
(``showcase_source``).

Determinism: each item draws from its own RNG seeded from the builder's, and the public
codes from a dedicated one, so the same seed gives the same titles, deputies, units and
serials; only where a story has got to depends on the day of the build.

Split by concern: ``clock`` (calendar, deadlines, sessions), ``item`` (one item and its
steps, one per action), ``flows`` (how a story plays out under its ``Plan``),
``compose`` (its texts, from ``suggestion_texts``), ``planner`` (``SuggestionBuilder``:
what each city congress shares), ``layers`` (what each gets), ``showcase``, ``pdf`` (the
reply letters), ``build`` (``build_suggestions`` and the bulk writer).
"""

from minqing.core.demo.suggestions.build import SuggestionsResult, build_suggestions
from minqing.core.demo.suggestions.showcase import showcase_source

__all__ = ["SuggestionsResult", "build_suggestions", "showcase_source"]
