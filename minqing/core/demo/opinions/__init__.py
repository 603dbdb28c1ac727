"""The demo's 民情: about a year of citizens' opinions in every state of the loop.

Each opinion is a *story*: it comes in by one channel, and then the station, the office,
the handling unit and the citizen act on it at realistic moments (units in working
hours on working days, citizens in the evening and at weekends) until the story ends or
its next step would fall after *now*, where it stops — so the recent ones are still
waiting in the inboxes and the old ones are closed. Every step writes what its action
in ``minqing.opinions.actions`` writes (fields, assignment, reply, rating, contact,
extension, meeting, reminder and timeline rows, deadlines from
``core.calendar.working_deadline`` and the region's settings), but in bulk and without
the actions' per-row audit entries: the builder's one ``demo.load`` entry covers it.

A handful of scripted stories (``Showcase``) make sure the demo logins find work: the
station of ``lianluoyuan`` and ``daibiao`` has new opinions and meeting requests, the
office of ``renda`` has triage, returned items, an extension to decide and overdue
items, the unit of ``chengban`` has opinions to sign and handle, and one replied opinion
waits to be rated with a known phone number (``showcase_tracking``).

Determinism: each story draws from its own RNG seeded from the builder's, and the
tracking codes from a dedicated one, so the same seed gives the same codes, people,
places and texts; only where a story has got to depends on the day of the build.

Split by concern: ``clock`` (working hours, calendar, deadlines), ``story`` (one
opinion and its steps, one per action), ``planner`` (``OpinionBuilder``: what each city
gets, by which channel, where and about what), ``flows`` (how an unscripted story plays
out), ``showcase`` (the scripted stories and ``showcase_tracking``), ``build``
(``build_opinions`` and the bulk writer).
"""

from minqing.core.demo.opinions.build import OpinionsResult, build_opinions
from minqing.core.demo.opinions.planner import Targets
from minqing.core.demo.opinions.showcase import SHOWCASE_PHONE, showcase_tracking

__all__ = ["SHOWCASE_PHONE", "OpinionsResult", "Targets", "build_opinions", "showcase_tracking"]
