"""Reads of core data: regions, per-region settings, the audit log and the calendar.

Every selector starts from a scoped queryset (``core.permissions.scope``); the
``*_get_visible`` ones raise Http404 for objects outside the caller's scope, so a
stranger cannot even learn that a code exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.accounts.models import Role
from minqing.core import calendar as workcal
from minqing.core.config import GROUPS, EffectiveSetting, settings_for
from minqing.core.i18n import join_list
from minqing.core.models import (
    AuditEntry,
    CalendarDay,
    CalendarDayKind,
    CalendarYear,
    Region,
    RegionLevel,
)
from minqing.core.permissions import grants_for, has_perm, is_unrestricted, roles_of, scope

# Levels whose regions are created and edited on the pages (and imported): the GB/T
# 2260 province/city/county levels come from the published code list only.
EDITABLE_LEVELS = (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE, RegionLevel.GRID)
# Region "kinds" that staff may choose, per level.
KINDS_BY_LEVEL: dict[int, tuple[str, ...]] = {
    RegionLevel.TOWNSHIP: ("街道", "镇", "乡"),
    RegionLevel.VILLAGE: ("社区", "村"),
    RegionLevel.GRID: ("网格",),
}
LEVEL_OF_KIND = {kind: level for level, kinds in KINDS_BY_LEVEL.items() for kind in kinds}


# --- scope helpers -----------------------------------------------------------------


def scope_paths(user, perm: str) -> list[str] | None:
    """The region paths under which ``user`` holds ``perm``; None means everywhere."""
    if is_unrestricted(user):
        return None
    return [g.region.path for g in grants_for(user, perm)]


def path_in_scope(path: str, paths: list[str] | None) -> bool:
    return paths is None or any(path.startswith(p) for p in paths)


def holds_at_root(user, perm: str) -> bool:
    """Whether ``user`` holds ``perm`` over the whole region tree (a grant on a root
    region, or superuser). System-wide data (the holiday calendar, audit entries that
    belong to no region) needs this; no query beyond the cached grants."""
    if is_unrestricted(user):
        return True
    return any(g.region.parent_id is None for g in grants_for(user, perm))


# --- regions -----------------------------------------------------------------------


def region_list_visible(
    user,
    *,
    q: str = "",
    level: int | None = None,
    parent: Region | None = None,
    perm: str = "core.view_region",
) -> QuerySet[Region]:
    """Regions ``user`` may see (``core.view_region``), searched by name or code prefix,
    filtered by level and/or parent; ordered by path. Anyone signed in may call it: a
    user without the permission gets an empty queryset."""
    qs = scope(Region.objects.select_related("parent"), user, perm)
    if parent is not None:
        qs = qs.filter(parent=parent)
    if level is not None:
        qs = qs.filter(level=level)
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q))
    return qs.annotate(child_count=Count("children")).order_by("path")


def region_tops_visible(user, perm: str = "core.view_region") -> QuerySet[Region]:
    """The tops of ``user``'s subtrees for ``perm`` (where browsing starts)."""
    if is_unrestricted(user):
        qs = Region.objects.filter(parent__isnull=True)
    else:
        paths = scope_paths(user, perm) or []
        # A grant inside another grant's subtree is not a top of its own.
        tops = [p for p in paths if not any(p != o and p.startswith(o) for o in paths)]
        qs = Region.objects.filter(path__in=tops)
    return qs.select_related("parent").annotate(child_count=Count("children")).order_by("path")


def region_get_visible(user, code: str, perm: str = "core.view_region") -> Region:
    """The region with ``code`` if ``user`` holds ``perm`` on it; Http404 otherwise."""
    region = scope(Region.objects.select_related("parent"), user, perm).filter(code=code).first()
    if region is None:
        raise Http404("region not visible")
    return region


@dataclass
class Crumb:
    region: Region
    linked: bool


def region_breadcrumbs(user, region: Region) -> list[Crumb]:
    """Ancestors of ``region`` from the root down; those outside the user's scope are
    shown as plain names (an ancestor's name is no secret, its page is)."""
    paths = scope_paths(user, "core.view_region")
    return [Crumb(r, path_in_scope(r.path, paths)) for r in region.ancestors()]


@dataclass
class RegionCounts:
    descendants: int
    deputies: int | None
    stations: int | None
    units: int | None


def region_counts(user, region: Region) -> RegionCounts:
    """Sizes of ``region``'s subtree as ``user`` may see them; None where the user may
    not see that kind of row at all."""
    from minqing.people.models import Deputy, HandlingUnit
    from minqing.stations.models import Station

    def count(model, perm: str) -> int | None:
        if not has_perm(user, perm):
            return None
        qs = model.objects.filter(region__path__startswith=region.path)
        return scope(qs, user, perm).count()

    return RegionCounts(
        descendants=Region.objects.within(region, include_self=False).count(),
        deputies=count(Deputy, "people.view_deputy"),
        stations=count(Station, "stations.view_station"),
        units=count(HandlingUnit, "people.view_unit"),
    )


def region_can_manage(user, region: Region) -> bool:
    """Whether ``user`` may edit ``region`` itself (editable levels only)."""
    return region.level in EDITABLE_LEVELS and has_perm(user, "core.manage_region", region)


def region_can_add_child(user, region: Region) -> bool:
    """Whether ``user`` may create a child region under ``region``."""
    return region.level + 1 in EDITABLE_LEVELS and has_perm(user, "core.manage_region", region)


def common_ancestor(regions: list[Region]) -> Region | None:
    """The deepest region containing all ``regions`` (one query), or None."""
    if not regions:
        return None
    split = [r.ancestor_codes for r in regions]
    shared: list[str] = []
    for codes in zip(*split, strict=False):
        if len(set(codes)) != 1:
            break
        shared.append(codes[0])
    if not shared:
        return None
    return Region.objects.filter(code=shared[-1]).first()


# --- home ----------------------------------------------------------------------------


@dataclass
class RegionSummary:
    region: Region
    deputies: int
    stations: int
    units: int


@dataclass
class HomeSummary:
    roles: list[str]
    role_labels: list[str]
    regions: list[RegionSummary] = field(default_factory=list)
    stations: list[Any] = field(default_factory=list)
    units: list[Any] = field(default_factory=list)
    deputy: Any = None
    deputy_stations: list[Any] = field(default_factory=list)
    is_admin: bool = False
    can_users: bool = False
    can_tokens: bool = False
    can_calendar: bool = False
    can_settings: bool = False
    can_audit: bool = False
    calendar_warning: str = ""


def home_summary(user, *, today: dt.date | None = None) -> HomeSummary:
    """What the home page shows to ``user`` (any signed-in user): per role held, the
    regions with counts, the stations, the units, the deputy profile, the system links.
    Counts go through ``scope`` so they never exceed what the user may open."""
    from minqing.people.models import Deputy, HandlingUnit
    from minqing.stations.models import Station

    grants = grants_for(user, "core.view_region")
    roles = roles_of(user)
    summary = HomeSummary(
        roles=sorted(roles),
        role_labels=[str(Role(r).label) for r in sorted(roles)],
    )
    if user.is_superuser:
        summary.is_admin = True
    region_roles = {Role.CONGRESS_STAFF, Role.LEADER, Role.ADMIN}
    seen: set[str] = set()
    region_grants = [g for g in grants if g.role in region_roles and not g.unit_id]
    if user.is_superuser and not region_grants:
        tops = list(Region.objects.filter(parent__isnull=True))
    else:
        tops = [g.region for g in region_grants]
    for region in sorted(tops, key=lambda r: r.path):
        if region.path in seen or any(region.path.startswith(p) for p in seen):
            continue
        seen.add(region.path)
        within = {"region__path__startswith": region.path}
        summary.regions.append(
            RegionSummary(
                region=region,
                deputies=scope(Deputy.objects.filter(**within), user, "people.view_deputy").count(),
                stations=scope(
                    Station.objects.filter(**within), user, "stations.view_station"
                ).count(),
                units=scope(
                    HandlingUnit.objects.filter(**within), user, "people.view_unit"
                ).count(),
            )
        )
    station_grants = [g for g in grants if g.role == Role.STATION_STAFF]
    if station_grants:
        q = Q()
        for g in station_grants:
            q |= Q(pk=g.station_id) if g.station_id else Q(region__path__startswith=g.region.path)
        summary.stations = list(Station.objects.filter(q).select_related("region")[:20])
    unit_grants = [g for g in grants if g.role == Role.UNIT_STAFF]
    if unit_grants:
        q = Q()
        for g in unit_grants:
            q |= Q(pk=g.unit_id) if g.unit_id else Q(region__path__startswith=g.region.path)
        summary.units = list(HandlingUnit.objects.filter(q).select_related("region")[:20])
    if Role.DEPUTY in roles:
        summary.deputy = Deputy.objects.filter(user=user).select_related("region", "term").first()
        if summary.deputy is not None:
            summary.deputy_stations = list(summary.deputy.stations.select_related("region"))
    summary.is_admin = summary.is_admin or Role.ADMIN in roles
    summary.can_users = has_perm(user, "accounts.manage_users")
    summary.can_tokens = has_perm(user, "accounts.manage_tokens")
    summary.can_calendar = holds_at_root(user, "core.manage_calendar")
    summary.can_settings = has_perm(user, "core.manage_settings")
    summary.can_audit = has_perm(user, "core.view_audit")
    if summary.can_calendar:
        summary.calendar_warning = calendar_next_year_warning(today=today)
    return summary


# --- settings --------------------------------------------------------------------------


@dataclass
class SettingRow:
    key: str
    label: str
    unit: str
    help: str
    kind: str
    value: Any
    display: str
    source: str  # "default" | "inherited" | "here"
    source_region: Region | None


@dataclass
class SettingGroup:
    key: str
    label: str
    rows: list[SettingRow]


def display_setting_value(kind: str, value: Any) -> str:
    if kind == "bool":
        return _("是") if value else _("否")
    if kind == "categories":
        return join_list(f"{c.get('name', '')}" for c in value if isinstance(c, dict))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def setting_row(region: Region, eff: EffectiveSetting) -> SettingRow:
    if eff.source is None:
        source = "default"
    elif eff.overridden_here:
        source = "here"
    else:
        source = "inherited"
    return SettingRow(
        key=eff.setting.key,
        label=str(eff.setting.label),
        unit=str(eff.setting.unit),
        help=str(eff.setting.help),
        kind=eff.setting.kind,
        value=eff.value,
        display=display_setting_value(eff.setting.kind, eff.value),
        source=source,
        source_region=eff.source,
    )


def region_settings(region: Region) -> list[SettingRow]:
    """Every registered setting of ``region`` with its effective value and where it
    comes from (one query). Callers check ``core.manage_settings`` on the region."""
    return [setting_row(region, eff) for eff in settings_for(region).explain()]


def region_settings_grouped(region: Region) -> list[SettingGroup]:
    rows = region_settings(region)
    groups = []
    for key, label in GROUPS.items():
        members = [r for r in rows if r.key.split(".", 1)[0] == key]
        if members:
            groups.append(SettingGroup(key, str(label), members))
    return groups


# --- audit -----------------------------------------------------------------------------


def audit_scope(user) -> QuerySet[AuditEntry]:
    """Audit entries ``user`` may read (``core.view_audit``): those whose region lies in
    the user's subtrees. Entries that belong to no region (system-wide changes: the
    holiday calendar, API tokens of users without roles) are visible only to
    superusers and to holders of ``core.view_audit`` on a root region, because only
    they oversee the whole system."""
    qs = AuditEntry.objects.all()
    if is_unrestricted(user):
        return qs
    scoped = scope(qs, user, "core.view_audit")
    if holds_at_root(user, "core.view_audit"):
        return qs.filter(Q(pk__in=scoped.values("pk")) | Q(region__isnull=True))
    return scoped


def audit_list_visible(
    user,
    *,
    verb: str = "",
    actor: str = "",
    region: Region | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    object_type: str = "",
) -> QuerySet[AuditEntry]:
    """The audit entries ``user`` may read, newest first, filtered by verb prefix,
    actor username, region subtree, date range (local dates, inclusive) and object
    type ("app_label.model")."""
    qs = audit_scope(user).select_related("actor", "region", "content_type")
    if verb.strip():
        qs = qs.filter(verb__startswith=verb.strip())
    if actor.strip():
        qs = qs.filter(Q(actor__username=actor.strip()) | Q(actor_label=actor.strip()))
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    tz = timezone.get_current_timezone()
    if date_from is not None:
        qs = qs.filter(created_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to is not None:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        qs = qs.filter(created_at__lt=end)
    if object_type.strip():
        app_label, _dot, model = object_type.strip().lower().partition(".")
        qs = qs.filter(content_type__app_label=app_label, content_type__model=model)
    return qs.order_by("-created_at", "-id")


def audit_object_types() -> list[tuple[str, str]]:
    """(value, label) of the object types that appear in the audit log."""
    from django.contrib.contenttypes.models import ContentType

    ids = AuditEntry.objects.exclude(content_type=None).values("content_type").distinct()
    out = []
    for ct in ContentType.objects.filter(pk__in=ids).order_by("app_label", "model"):
        model = ct.model_class()
        label = str(model._meta.verbose_name) if model else ct.model
        out.append((f"{ct.app_label}.{ct.model}", label))
    return out


# --- calendar --------------------------------------------------------------------------


def calendar_years() -> QuerySet[CalendarYear]:
    """The years whose official schedule is loaded (read by anyone; the page itself
    needs ``core.manage_calendar`` at the root)."""
    return CalendarYear.objects.order_by("-year")


@dataclass
class CalendarYearDays:
    year: int
    loaded: CalendarYear | None
    rest_days: list[CalendarDay]
    workdays: list[CalendarDay]


def calendar_year_days(year: int) -> CalendarYearDays:
    """The rest days and adjusted workdays recorded for ``year``."""
    days = list(CalendarDay.objects.filter(date__year=year).order_by("date"))
    return CalendarYearDays(
        year=year,
        loaded=CalendarYear.objects.filter(year=year).first(),
        rest_days=[d for d in days if d.kind == CalendarDayKind.HOLIDAY],
        workdays=[d for d in days if d.kind == CalendarDayKind.WORKDAY],
    )


def calendar_next_year_warning(*, today: dt.date | None = None) -> str:
    """A warning when next year's official schedule is not loaded yet, so deadlines
    that run into it are only provisional; "" when it is loaded."""
    today = today or timezone.localdate()
    year = today.year + 1
    if CalendarYear.objects.filter(year=year).exists():
        return ""
    return _(
        "%(year)s年节假日安排尚未载入：跨入%(year)s年的期限按周末和法定节日暂算，"
        "国务院办公厅通知发布后请在此导入。"
    ) % {"year": year}


def working_days_deadline(start: dt.date, n: int) -> workcal.Deadline:
    """The n-th working day after ``start`` and whether it is provisional."""
    return workcal.working_deadline(start, n)
