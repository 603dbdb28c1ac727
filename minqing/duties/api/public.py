"""/api/v1/duties/public/…: what anyone may read or do without an account.

- A deputy's public profile by its public code (Deputies Law Art 58): basic data and
  the year's duty record. Never contact data: ``people.DeputyContact`` is not read here
  and ``schemas.public`` has no field for it.
- Published rankings (withdrawn ones disappear) and one ranking's rows.
- A voters' representative's phone ballot with the code on their slip: one neutral
  refusal (422) whatever is wrong with the code, rate-limited per client IP in the
  ``ballot`` bucket the vote page counts in too (``MINQING_RATELIMIT_BALLOT``: a meeting
  votes from one venue network).
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from minqing.core import codes, ratelimit
from minqing.core.api_pagination import Pagination
from minqing.core.i18n import join_list
from minqing.duties import actions, selectors
from minqing.duties.api._common import region_by_code
from minqing.duties.record import public_record, record_years
from minqing.duties.schemas.inputs import BallotIn, PublicRankingFilter, YearQuery
from minqing.duties.schemas.public import (
    BallotOut,
    PublicDeputyOut,
    PublicRankingDetailOut,
    PublicRankingOut,
)
from minqing.opinions.schemas import ErrorOut

router = Router(tags=["duties-public"])

PUBLIC_CODE_LENGTH = 10


def _code(raw: str) -> str:
    """The normalised public code, or 404 for one that cannot exist (no query)."""
    code = codes.normalise(raw or "")
    if not codes.is_valid(code, length=PUBLIC_CODE_LENGTH):
        raise Http404
    return code


@router.get("/public/deputies/{code}", auth=None, response=PublicDeputyOut)
def public_deputy(request: HttpRequest, code: str, query: Query[YearQuery]):
    """A deputy's public profile by public code, as the public page shows it: basic
    data, the stations they sit at, and the duty record of ``year`` (default this year;
    one of the term's years, else 422). No contact data. 404 for an unknown or
    malformed code."""
    deputy = selectors.deputy_public_get(_code(code))
    years = record_years(deputy)
    year = query.year if query.year is not None else years[0]
    if year not in years:
        raise ValidationError(
            {"year": [_("只能查询本届任期内的年度：%(years)s") % {"years": join_list(years)}]}
        )
    return public_record(deputy, year=year, years=years)


@router.get("/public/rankings", auth=None, response=list[PublicRankingOut])
@paginate(Pagination)
def public_rankings(request: HttpRequest, filters: Query[PublicRankingFilter]):
    """Published quarterly rankings, newest first (withdrawn ones never appear)."""
    qs = selectors.rankings_public().order_by("-published_at", "-pk")
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.quarter is not None:
        qs = qs.filter(quarter=filters.quarter)
    if filters.level is not None:
        qs = qs.filter(level=filters.level)
    if filters.region_code.strip():
        qs = qs.filter(region__path__startswith=region_by_code(filters.region_code).path)
    return qs


@router.get("/public/rankings/{code}", auth=None, response=PublicRankingDetailOut)
def public_ranking(request: HttpRequest, code: str):
    """One published ranking by its public code, with its frozen rows (rank, deputy's
    name and public code, points of the year so far and of the quarter)."""
    return selectors.ranking_public_get(_code(code))


@router.post(
    "/public/ballots",
    auth=None,
    response={200: BallotOut, 429: ErrorOut},
)
def cast_ballot(request: HttpRequest, payload: BallotIn):
    """A voters' representative rates the deputy's report on their phone with the code
    on their slip: ``competent`` (称职), ``basic`` (基本称职) or ``incompetent`` (不称职).
    The same 422 whether the code is unknown, mistyped, used, voided or its meeting not
    voting, so codes cannot be probed; 429 when the venue's IP sent too many (the
    ``ballot`` limit the vote page shares)."""
    ratelimit.enforce(request, bucket="ballot")
    report = actions.ballot_cast(actor=None, code=payload.code, choice=payload.choice)
    return {
        "detail": _("投票成功，感谢您的参与"),
        "report_title": report.title,
        "deputy_name": report.deputy.name,
    }
