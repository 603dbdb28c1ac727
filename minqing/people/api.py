"""/api/v1/people/: deputies, handling units and deputy groups, through the same
selectors and actions as the staff pages.

Lists answer 403 to callers who hold the view permission nowhere and are otherwise
scoped; a single object outside the caller's scope is 404. Deputy output holds public
fields only; ``GET deputies/{id}`` adds ``contact`` for holders of
``people.view_deputy_contact`` on that deputy.
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from minqing.core.api_pagination import Pagination
from minqing.core.models import Region
from minqing.core.permissions import require
from minqing.people import actions, selectors
from minqing.people.models import Deputy
from minqing.people.schemas import (
    DeputyDetailOut,
    DeputyFilter,
    DeputyIn,
    DeputyOut,
    GroupFilter,
    GroupOut,
    UnitFilter,
    UnitIn,
    UnitOut,
)
from minqing.people.selectors import MANAGE_DEPUTY, VIEW_DEPUTY, VIEW_UNIT

router = Router(tags=["people"])


def _region(code: str | None, *, field: str | None = None) -> Region | None:
    """The region with ``code`` (None for no code). Unknown codes are 404 in filters and
    a 422 field error in request bodies (``field`` given), where a code is required."""
    code = (code or "").strip()
    if not code:
        if field:
            raise ValidationError({field: _("请填写区划代码")})
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        if field:
            raise ValidationError({field: _("区划代码“%(code)s”不存在") % {"code": code}})
        raise Http404("region")
    return region


def _deputy_detail(request: HttpRequest, deputy: Deputy) -> Deputy:
    """Attach what DeputyDetailOut shows beyond the public fields: the groups and, for
    holders of ``people.view_deputy_contact`` on the deputy, the private contact."""
    deputy.visible_memberships = selectors.deputy_groups_of(deputy)
    deputy.visible_contact = selectors.deputy_contact_visible(request.user, deputy)
    return deputy


@router.get("/deputies", response=list[DeputyOut])
@paginate(Pagination)
def list_deputies(request: HttpRequest, filters: Query[DeputyFilter]):
    """Deputies the caller may see (public fields only), filtered like the list page."""
    require(request.user, VIEW_DEPUTY)
    return selectors.deputy_list_visible(
        request.user,
        q=filters.q,
        level=filters.level,
        term=selectors.term_get_visible(request.user, filters.term) if filters.term else None,
        region=_region(filters.region),
        sector=filters.sector,
        group=selectors.group_get_visible(request.user, filters.group) if filters.group else None,
        status=filters.status or "",
    )


@router.get("/deputies/{int:deputy_id}", response=DeputyDetailOut)
def get_deputy(request: HttpRequest, deputy_id: int):
    """One deputy; ``contact`` only with ``people.view_deputy_contact`` on them."""
    return _deputy_detail(request, selectors.deputy_get_visible(request.user, deputy_id))


@router.post("/deputies", response={201: DeputyDetailOut})
def create_deputy(request: HttpRequest, payload: DeputyIn):
    """Add a deputy to a term the caller manages (``people.manage_deputy``)."""
    require(request.user, MANAGE_DEPUTY)
    term = selectors.term_get_visible(request.user, payload.term_id, perm=MANAGE_DEPUTY)
    region = _region(payload.region_code, field="region_code")
    data = payload.dict(exclude={"term_id", "region_code", "contact"})
    deputy = actions.deputy_create(
        actor=request.user,
        term=term,
        region=region,
        contact=payload.contact.dict() if payload.contact else None,
        **data,
    )
    return Status(
        201, _deputy_detail(request, selectors.deputy_get_visible(request.user, deputy.pk))
    )


@router.get("/units", response=list[UnitOut])
@paginate(Pagination)
def list_units(request: HttpRequest, filters: Query[UnitFilter]):
    """Handling units the caller may see."""
    require(request.user, VIEW_UNIT)
    return selectors.unit_list_visible(
        request.user,
        q=filters.q,
        region=_region(filters.region),
        kind=filters.kind or "",
        active=filters.active,
    )


@router.get("/units/{int:unit_id}", response=UnitOut)
def get_unit(request: HttpRequest, unit_id: int):
    """One handling unit the caller may see."""
    return selectors.unit_get_visible(request.user, unit_id)


@router.post("/units", response={201: UnitOut})
def create_unit(request: HttpRequest, payload: UnitIn):
    """Create a handling unit in a region the caller manages (``people.manage_unit``)."""
    require(request.user, selectors.MANAGE_UNIT)
    region = _region(payload.region_code, field="region_code")
    parent = None
    if payload.parent_id is not None:
        parent = selectors.unit_list_visible(request.user).filter(pk=payload.parent_id).first()
        if parent is None:
            raise ValidationError({"parent_id": _("找不到该上级单位")})
    unit = actions.unit_create(
        actor=request.user,
        region=region,
        parent=parent,
        **payload.dict(exclude={"region_code", "parent_id"}),
    )
    return Status(201, selectors.unit_get_visible(request.user, unit.pk))


@router.get("/groups", response=list[GroupOut])
@paginate(Pagination)
def list_groups(request: HttpRequest, filters: Query[GroupFilter]):
    """Deputy groups the caller may see, with member counts."""
    require(request.user, VIEW_DEPUTY)
    return selectors.group_list_visible(
        request.user, q=filters.q, kind=filters.kind or "", region=_region(filters.region)
    )
