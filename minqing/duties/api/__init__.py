"""/api/v1/duties/: duty work (履职) through the same actions and selectors as the pages.

Public endpoints (``/public/…``, no authentication): a deputy's public profile and duty
record by public code (never contact data), the published rankings, and the phone
ballot of a report to voters (one neutral refusal, rate-limited per IP).

Staff and deputy endpoints (token or session) are scoped like the pages: an object
outside the caller's sight is 404; one they see but may not act on is 403; a step the
state table refuses is 409; a bad field is 422 with a Chinese message, by field. Ids
sent in a body are 422 when unknown and the action's 403 when not the caller's to use.

- ``activities``: the activities ledger — list, detail, record (JSON or multipart with
  photos and reports), a deputy's own report, corrections, review, cancellation,
  deputies added, each deputy's confirmation or dispute and the organiser's answer;
  the caller's own participations and duty slots.
- ``reception``: unified reception days — create, posts and slots, notify, start,
  close, cancel, live tally — and a station's reception: check-in, visitors.
- ``reports``: reports to voters — schedule, record, ballot codes (shown once), void,
  open, paper ballots, close, live counts.
- ``points``: a deputy's points lines, rules per region, standings, rankings published
  and withdrawn, awards.
- ``public``: the endpoints above without authentication.
"""

from ninja import Router

from minqing.duties.api import activities, points, public, reception, reports

router = Router(tags=["duties"])
router.add_router("", public.router)
router.add_router("", activities.router)
router.add_router("", reception.router)
router.add_router("", reports.router)
router.add_router("", points.router)
