"""Public pages of deputies' duty work (namespace ``duties_public``, mounted at
/public/duties/, no login): a deputy's public profile with the duty record (Deputies
Law Art 58), the published points rankings and one ranking.

What these pages never show: a deputy's contact data (``DeputyContact``), an activity's
photos or files, a citizen's opinion, a suggestion that is secret, private or not past
screening, a withdrawn ranking. The profile is built from plain value objects
(``record.public_record``) so a template cannot reach anything else. Codes are checked
for their check character before any query; an unknown code is 404.

The pages are the same for everyone (signed in or not), read a fixed number of rows
and may be kept for a few minutes by the phone's own cache (``private, max-age``). Not by
shared caches: ``public_base.html``'s language switcher carries a CSRF token, so each
response may set the visitor's CSRF cookie, which a proxy must never hand to another.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from minqing.core import codes
from minqing.core.pagination import paginate
from minqing.duties import selectors
from minqing.duties.record import pick_year, public_record

MAX_AGE = 300
PER_PAGE = 20


def _code(raw: str) -> str:
    """The normalised code, or 404 for one that cannot exist (no query)."""
    code = codes.normalise(raw or "")
    if len(code) > 12 or not codes.is_valid(code):
        raise Http404
    return code


@require_safe
@cache_control(max_age=MAX_AGE, private=True)
def deputy(request: HttpRequest, code: str) -> HttpResponse:
    """A deputy's public profile and duty record for one year of the term (``?year=``,
    the current year by default)."""
    normalised = _code(code)
    d = selectors.deputy_public_get(normalised)
    if code != normalised:
        return redirect("duties_public:deputy", code=normalised, permanent=True)
    year, years = pick_year(d, request.GET.get("year"))
    return render(
        request,
        "duties/public/deputy.html",
        {"record": public_record(d, year=year, years=years), "year": year},
    )


@require_safe
@cache_control(max_age=MAX_AGE, private=True)
def rankings(request: HttpRequest) -> HttpResponse:
    """The published rankings, newest first."""
    qs = selectors.rankings_public().order_by("-published_at", "-pk")
    page_obj, querystring = paginate(request, qs, PER_PAGE)
    return render(
        request,
        "duties/public/rankings.html",
        {"page_obj": page_obj, "querystring_without_page": querystring},
    )


@require_safe
@cache_control(max_age=MAX_AGE, private=True)
def ranking(request: HttpRequest, code: str) -> HttpResponse:
    """One published ranking: rank, deputy (linking to the profile), points."""
    normalised = _code(code)
    obj = selectors.ranking_public_get(normalised)
    if code != normalised:
        return redirect("duties_public:ranking", code=normalised, permanent=True)
    return render(
        request,
        "duties/public/ranking.html",
        {"ranking": obj, "rows": list(obj.rows.all())},
    )
