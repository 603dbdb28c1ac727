"""/api/v1/suggestions/: motions and suggestions through the same actions and selectors
as the pages.

Public endpoints (``/public/…``, no authentication) list the published items and show
one with its replies and commitments; they never hold contact data, and secret or
private items never appear.

Staff endpoints (token or session) are scoped like the pages: an item, part, reply,
request or commitment outside the caller's sight is 404 (a co-handler sees only its
part); one they see but may not act on is 403; a step the state table refuses is 409;
a bad field is 422 with a Chinese message, by field.

- ``deputy``: the list and detail for every reader, sessions, files; drafting (JSON or
  multipart with attachments), co-signing, submitting, withdrawing, rating.
- ``office``: screening, the presidium's decision, assignment (one or a batch),
  reassignment and extension requests, supervision, closing, overdue parts.
- ``unit``: the inbox, signing, reassignment requests, the co-handler's view, contacts,
  the reply with its signed PDF (multipart), extensions, the commitment ledger.
"""

from ninja import Router

from minqing.suggestions.api import deputy, office, public, unit

router = Router()
router.add_router("", public.router)
router.add_router("", deputy.router)
router.add_router("", office.router)
router.add_router("", unit.router)
