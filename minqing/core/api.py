"""Core API (/api/v1/core/): regions, per-region settings, the audit log, working days.

Handlers call the same selectors and actions as the pages; outside a caller's scope a
region answers 404.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from minqing.core import actions, selectors
from minqing.core.api_pagination import Pagination
from minqing.core.config import REGISTRY
from minqing.core.models import Region
from minqing.core.permissions import has_perm
from minqing.core.schemas import (
    AuditOut,
    RegionDetailOut,
    RegionOut,
    SettingIn,
    SettingOut,
    WorkingDaysOut,
)

router = Router(tags=["core"])


def _need(request: HttpRequest, perm: str) -> None:
    if not has_perm(request.user, perm):
        raise PermissionDenied(_("您没有执行此操作的权限"))


def _setting_out(row: selectors.SettingRow) -> SettingOut:
    return SettingOut(
        key=row.key,
        label=row.label,
        group=REGISTRY[row.key].group,
        kind=row.kind,
        unit=row.unit,
        help=row.help,
        value=row.value,
        source=row.source,
        source_region=row.source_region.code if row.source_region else None,
    )


class RegionFilters(Schema):
    q: str = ""
    level: int | None = None
    parent: str = ""
    within: str = ""


@router.get("/regions", response=list[RegionOut], summary="区划列表")
@paginate(Pagination)
def region_list(request: HttpRequest, filters: Query[RegionFilters]):
    """Regions in the caller's scope (core.view_region): q (name or code prefix), level,
    parent (children of that code), within (the subtree of that code)."""
    _need(request, "core.view_region")
    parent = selectors.region_get_visible(request.user, filters.parent) if filters.parent else None
    qs = selectors.region_list_visible(
        request.user, q=filters.q, level=filters.level, parent=parent
    )
    if filters.within:
        qs = qs.filter(path__startswith=_region(request, filters.within).path)
    return qs


def _region(request: HttpRequest, code: str, perm: str = "core.view_region") -> Region:
    return selectors.region_get_visible(request.user, code, perm)


@router.get("/regions/{code}", response=RegionDetailOut, summary="区划详情")
def region_detail(request: HttpRequest, code: str):
    region = _region(request, code)
    counts = selectors.region_counts(request.user, region)
    return dict(
        code=region.code,
        name=region.name,
        level=region.level,
        level_label=str(region.get_level_display()),
        kind=region.kind,
        parent_code=region.parent.code if region.parent_id else None,
        is_active=region.is_active,
        full_name=region.full_name,
        descendants=counts.descendants,
        deputies=counts.deputies,
        stations=counts.stations,
        units=counts.units,
    )


@router.get("/regions/{code}/children", response=list[RegionOut], summary="下级区划")
@paginate(Pagination)
def region_children(request: HttpRequest, code: str):
    region = _region(request, code)
    return selectors.region_list_visible(request.user, parent=region)


@router.get("/regions/{code}/settings", response=list[SettingOut], summary="区域设置（生效值）")
def region_settings(request: HttpRequest, code: str):
    """Every setting's effective value and its source. Readable with core.view_region
    on the region: deadlines and thresholds are rules, not secrets."""
    region = _region(request, code)
    return [_setting_out(row) for row in selectors.region_settings(region)]


def _one_setting(region: Region, key: str) -> SettingOut:
    return _setting_out(next(r for r in selectors.region_settings(region) if r.key == key))


@router.put(
    "/regions/{code}/settings/{key}",
    response=SettingOut,
    summary="设置本级取值",
)
def region_setting_put(request: HttpRequest, code: str, key: str, payload: SettingIn):
    """Set ``key`` on the region (core.manage_settings there); 422 with Chinese messages
    when the value is invalid."""
    region = _region(request, code, "core.manage_settings")
    if key not in REGISTRY:
        raise Http404("unknown setting")
    actions.region_setting_set(actor=request.user, region=region, key=key, value=payload.value)
    return _one_setting(region, key)


@router.delete(
    "/regions/{code}/settings/{key}",
    response=SettingOut,
    summary="删除本级取值，恢复继承",
)
def region_setting_delete(request: HttpRequest, code: str, key: str):
    region = _region(request, code, "core.manage_settings")
    if key not in REGISTRY:
        raise Http404("unknown setting")
    actions.region_setting_reset(actor=request.user, region=region, key=key)
    return _one_setting(region, key)


class AuditFilters(Schema):
    verb: str = ""
    actor: str = ""
    region: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    object_type: str = ""


@router.get("/audit", response=list[AuditOut], summary="审计日志")
@paginate(Pagination)
def audit_list(request: HttpRequest, filters: Query[AuditFilters]):
    """Audit entries in the caller's scope (core.view_audit), newest first."""
    _need(request, "core.view_audit")
    region = _region(request, filters.region, "core.view_audit") if filters.region else None
    return selectors.audit_list_visible(
        request.user,
        verb=filters.verb,
        actor=filters.actor,
        region=region,
        date_from=filters.date_from,
        date_to=filters.date_to,
        object_type=filters.object_type,
    )


@router.get("/calendar/working-days", response=WorkingDaysOut, summary="工作日期限计算")
def working_days(request: HttpRequest, start: dt.date, n: int = 15):
    """The n-th working day after ``start`` (holidays and 调休 counted). ``provisional``
    is true when the count crosses a year whose official schedule is not loaded yet;
    ``warning`` then says so in Chinese. Any user with a role may ask."""
    _need(request, "core.view_region")
    if not 0 <= n <= 366:
        raise ValidationError({"n": [_("n 须在 0 到 366 之间")]})
    deadline = selectors.working_days_deadline(start, n)
    return WorkingDaysOut(
        start=start,
        n=n,
        due=deadline.due,
        provisional=deadline.provisional,
        warning=deadline.warning,
    )
