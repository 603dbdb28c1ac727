"""/api/v1/opinions/: the 民情 loop through the same actions and selectors as the pages.

Public endpoints (``/public/…``, no authentication, rate-limited per IP, phone and
tracking code) let a citizen raise an opinion, ask to meet a deputy, follow it with the
tracking code and the last four digits of the phone, and rate the reply. Their answers
never hold a name, a phone number, an internal note or a staff member's name.

Staff endpoints (token or session) are scoped like the pages: an opinion outside the
caller's sight is 404; one they see but may not act on is 403; a step the state table
refuses is 409; a bad field is 422 with a Chinese message.

Uploads: the endpoints that take files (``POST /public/opinions``, ``POST /opinions``,
``POST /opinions/report`` and ``POST /opinions/{id}/reply``) accept either a JSON body
without files or ``multipart/form-data`` with the same fields as form fields plus the
files, in one request, so a retried submission stays idempotent and no one can add
photos to an opinion afterwards.
"""

from ninja import Router

from minqing.opinions.api import public, staff

router = Router()
router.add_router("", public.router)
router.add_router("", staff.router)
