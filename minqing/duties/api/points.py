"""/api/v1/duties/deputies/{id}/points, /points/rules…, /rankings…, /awards…: 履职积分
— how every point of a deputy was earned, the rules per region (inherited down the tree,
set and cleared by the office), the quarterly standings computed live, rankings
published (frozen) and withdrawn, and awards (duty record section 8).

Identifiers in the path or the query answer 404 outside the caller's sight; ids in a
body answer 422 when unknown, and the action's 403 when the caller may not use them."""

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from minqing.core.api_pagination import Pagination
from minqing.core.models import Region
from minqing.duties import actions, selectors, selectors_points
from minqing.duties import permissions as perms
from minqing.duties.api._common import (
    awards_visible,
    deputy_by_id,
    group_by_id,
    region_by_code,
    region_visible,
    this_year,
)
from minqing.duties.models import PointsRanking, PointsRule
from minqing.duties.points import standings
from minqing.duties.schemas.inputs import (
    AwardFilter,
    AwardIn,
    NoteIn,
    RankingFilter,
    RankingScopeIn,
    RuleSetIn,
    RulesQuery,
    YearQuery,
)
from minqing.duties.schemas.points import (
    AwardOut,
    DeputyPointsOut,
    RankingDetailOut,
    RankingOut,
    RulesOut,
    StandingOut,
)

router = Router(tags=["duties-points"])


# --- a deputy's points -----------------------------------------------------------------------


@router.get("/deputies/{int:deputy_id}/points", response=DeputyPointsOut)
def deputy_points(request: HttpRequest, deputy_id: int, query: Query[YearQuery]):
    """Every point a deputy earned in ``year`` (default this year), grouped by source as
    on the points page: the rule, each line's value and what counted after the annual
    cap. For the deputy themself, their group leader and staff of their region or
    station."""
    deputy = selectors.deputy_get_visible(request.user, deputy_id)
    return selectors_points.points_breakdown(deputy, year=this_year(query.year))


# --- rules ------------------------------------------------------------------------------------


def _rules_out(region: Region) -> dict:
    own = dict(PointsRule.objects.filter(region=region).values_list("source", "pk"))
    base = selectors_points.base_points(region)
    return {
        "region_code": region.code,
        "region_name": region.name,
        "base_points_per_year": base.value,
        "base_defined_in": base.origin.code if base.origin is not None else None,
        "rules": [
            {
                "source": row.source,
                "label": row.label,
                "points": row.points,
                "annual_cap": row.annual_cap,
                "defined_in": row.origin.code if row.origin is not None else None,
                "here": row.here,
                "rule_id": own.get(row.source) if row.here else None,
            }
            for row in selectors_points.rule_rows(region)
        ],
    }


@router.get("/points/rules", response=RulesOut)
def list_rules(request: HttpRequest, query: Query[RulesQuery]):
    """The effective rule of every source in the region of a congress (its own, inherited
    from the nearest region above that sets one, or the built-in default) and the
    yearly base. 404 for a region outside the caller's sight or without a congress."""
    region = selectors_points.congress_region_get(
        request.user, query.region_code.strip(), perms.VIEW
    )
    return _rules_out(region)


@router.post("/points/rules", response=RulesOut)
def set_rule(request: HttpRequest, payload: RuleSetIn):
    """The office sets what a source is worth in its region and below (a blank cap: no
    cap; negative points only for 无故缺席)."""
    region = region_by_code(payload.region_code)
    actions.points_rule_set(
        actor=request.user,
        region=region,
        source=payload.source,
        points=payload.points,
        annual_cap=payload.annual_cap,
    )
    return _rules_out(region)


@router.delete("/points/rules/{code}/{source}", response=RulesOut)
def clear_rule(request: HttpRequest, code: str, source: str):
    """The office removes its region's own rule for ``source``: the inherited one
    applies again. 404 when the region sets none."""
    region = selectors_points.congress_region_get(request.user, code.strip(), perms.VIEW)
    rule = selectors_points.rule_get_own(request.user, region, source)
    actions.points_rule_clear(actor=request.user, rule=rule)
    return _rules_out(region)


# --- rankings ---------------------------------------------------------------------------------


def _ranking_scope(request: HttpRequest, payload: RankingScopeIn, *, visible: bool):
    group = group_by_id(payload.group_id)
    if group is not None:
        region = group.region
    elif not payload.region_code.strip():
        raise ValidationError({"region_code": [_("请填写区划代码，或选择代表小组")]})
    else:
        region = region_by_code(payload.region_code)
    if visible:
        region_visible(request.user, region.code)
    return region, group


def _ranking(request: HttpRequest, pk: int) -> PointsRanking:
    ranking = selectors_points.ranking_get_visible(request.user, pk)
    prefetch_related_objects([ranking], "rows__deputy")
    return ranking


@router.get("/rankings", response=list[RankingOut])
@paginate(Pagination)
def list_rankings(request: HttpRequest, filters: Query[RankingFilter]):
    """Rankings published in the caller's region (withdrawn ones too), newest first."""
    qs = selectors_points.rankings_list(request.user)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.quarter is not None:
        qs = qs.filter(quarter=filters.quarter)
    if filters.level is not None:
        qs = qs.filter(level=filters.level)
    if filters.state:
        qs = qs.filter(state=filters.state)
    return qs


@router.get("/rankings/standings", response=list[StandingOut])
def compute_standings(request: HttpRequest, query: Query[RankingScopeIn]):
    """The standings as they are now (not published): the active deputies of ``level``
    elected in ``region_code`` (or of ``group_id``), by points earned in ``year`` up to
    the end of ``quarter``; equal points share a rank."""
    region, group = _ranking_scope(request, query, visible=True)
    deputies = list(selectors_points.ranking_deputies(region, query.level, group))
    return standings(deputies, year=query.year, quarter=query.quarter)


@router.post("/rankings", response={201: RankingDetailOut})
def publish(request: HttpRequest, payload: RankingScopeIn):
    """The office publishes the quarter's ranking, frozen as computed now; publishing
    the same scope and quarter again withdraws the earlier one. **201**; anyone reads it
    at ``GET /public/rankings/{code}``."""
    region, group = _ranking_scope(request, payload, visible=False)
    ranking = actions.ranking_publish(
        actor=request.user,
        region=region,
        level=payload.level,
        year=payload.year,
        quarter=payload.quarter,
        group=group,
    )
    return Status(201, _ranking(request, ranking.pk))


@router.get("/rankings/{int:ranking_id}", response=RankingDetailOut)
def get_ranking(request: HttpRequest, ranking_id: int):
    """One ranking of the caller's region with its rows."""
    return _ranking(request, ranking_id)


@router.post("/rankings/{int:ranking_id}/withdraw", response=RankingDetailOut)
def withdraw(request: HttpRequest, ranking_id: int, payload: NoteIn):
    """The office takes a published ranking off the public pages, with a reason."""
    ranking = selectors_points.ranking_get_visible(request.user, ranking_id)
    actions.ranking_withdraw(actor=request.user, ranking=ranking, note=payload.note)
    return _ranking(request, ranking_id)


# --- awards -----------------------------------------------------------------------------------


@router.get("/awards", response=list[AwardOut])
@paginate(Pagination)
def list_awards(request: HttpRequest, filters: Query[AwardFilter]):
    """Awards of the deputies whose duty record the caller reads, newest first."""
    qs = awards_visible(request.user).select_related("deputy", "region")
    if filters.deputy_id is not None:
        qs = qs.filter(deputy_id=filters.deputy_id)
    if filters.year is not None:
        qs = qs.filter(date__year=filters.year)
    return qs


@router.post("/awards", response={201: AwardOut})
def create_award(request: HttpRequest, payload: AwardIn):
    """The office records an award or commendation of a deputy. **201**."""
    award = actions.award_record(
        actor=request.user,
        deputy=deputy_by_id(payload.deputy_id),
        data=payload.model_dump(include={"title", "issuer", "date", "note"}),
    )
    return Status(201, award)


@router.delete("/awards/{int:award_id}", response={204: None})
def delete_award(request: HttpRequest, award_id: int):
    """The office removes an award entered in error. **204**."""
    award = selectors_points.award_get_visible(request.user, award_id)
    actions.award_delete(actor=request.user, award=award)
    return Status(204, None)
