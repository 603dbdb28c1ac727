"""Writes of core data: local regions, per-region settings, the holiday calendar.

Each action checks its own permission, changes the data, and writes exactly one audit
entry, so pages, the API and commands behave the same.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minqing.core import audit
from minqing.core.config import REGISTRY, settings_for
from minqing.core.i18n import join_list
from minqing.core.importing import ImportReport, RowError
from minqing.core.models import (
    CalendarDay,
    CalendarDayKind,
    CalendarYear,
    Region,
    RegionSetting,
)
from minqing.core.permissions import has_perm, require
from minqing.core.selectors import (
    EDITABLE_LEVELS,
    KINDS_BY_LEVEL,
    LEVEL_OF_KIND,
    common_ancestor,
    holds_at_root,
)

REGION_CODE_RE = re.compile(r"^[0-9A-Za-z]{1,24}$")
REGION_FIELDS = ["code", "name", "level", "kind", "parent", "path", "is_active"]


def _check_region_code(code: str) -> str:
    code = code.strip()
    if not REGION_CODE_RE.match(code):
        raise ValidationError({"code": _("区划代码只能由字母和数字组成，最长24位")})
    return code


def _check_kind(kind: str, level: int) -> str:
    kind = kind.strip()
    allowed = KINDS_BY_LEVEL.get(level, ())
    if kind not in allowed:
        raise ValidationError(
            {"kind": _("该层级的类型只能是：%(kinds)s") % {"kinds": join_list(allowed)}}
        )
    return kind


@transaction.atomic(durable=True)
def region_create(*, actor, parent: Region, code: str, name: str, kind: str) -> Region:
    """Create a township/street, village/community or grid under ``parent``.

    Who: holders of ``core.manage_region`` on ``parent``. The level is always
    ``parent.level + 1`` and must be an editable level (GB/T 2260 province, city and
    county rows come from the code list, not from here). Raises ValidationError (in
    Chinese) on a taken code or a kind that does not fit the level.
    Side effects: one audit entry ``region.create``.
    """
    require(actor, "core.manage_region", parent)
    level = parent.level + 1
    if level not in EDITABLE_LEVELS:
        raise ValidationError({"parent": _("只能在县级及以下区划下新增乡镇/街道、村/社区和网格")})
    code = _check_region_code(code)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写名称")})
    kind = _check_kind(kind, level)
    if Region.objects.filter(code=code).exists():
        raise ValidationError({"code": _("区划代码 %(code)s 已存在") % {"code": code}})
    region = Region(
        code=code,
        name=name,
        level=level,
        kind=kind,
        parent=parent,
        path=Region.path_for(parent, code),
    )
    region.save()
    audit.record(
        actor=actor,
        verb="region.create",
        obj=region,
        region=region,
        after=audit.snapshot(region, REGION_FIELDS),
    )
    return region


@transaction.atomic(durable=True)
def region_update(*, actor, region: Region, name: str, kind: str, is_active: bool = True) -> Region:
    """Rename a local region, change its kind (within its level) or mark it inactive.

    Who: holders of ``core.manage_region`` on ``region``; only editable levels. The
    code and parent never change here (the path of every descendant hangs on them).
    Side effects: one audit entry ``region.update`` with before/after.
    """
    require(actor, "core.manage_region", region)
    if region.level not in EDITABLE_LEVELS:
        raise ValidationError(_("省、市、县级区划按国家标准代码维护，不能在此修改"))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写名称")})
    kind = _check_kind(kind, region.level)
    fields = ["name", "kind", "is_active"]
    before = audit.snapshot(region, fields)
    region.name, region.kind, region.is_active = name, kind, is_active
    region.save(update_fields=fields)
    audit.record(
        actor=actor,
        verb="region.update",
        obj=region,
        region=region,
        before=before,
        after=audit.snapshot(region, fields),
    )
    return region


@dataclass(frozen=True)
class RegionRow:
    """One cleaned row of a region import (1-based ``row`` as the user sees it)."""

    row: int
    code: str
    name: str
    parent_code: str
    kind: str


def region_import_errors(
    actor, rows: list[RegionRow], *, pending: frozenset[str] = frozenset()
) -> list[RowError]:
    """Check every row against the database and the rows above it (a read: nothing is
    written). ``pending`` are codes of rows that failed earlier checks: their children
    are not reported again as having an unknown parent."""
    errors: list[RowError] = []
    codes = [r.code for r in rows] + [r.parent_code for r in rows]
    existing = {r.code: r for r in Region.objects.filter(code__in=set(codes))}
    planned: dict[str, tuple[int, str]] = {}  # code -> (level, path) of rows accepted so far
    seen: set[str] = set()
    for r in rows:
        if not REGION_CODE_RE.match(r.code):
            errors.append(RowError(r.row, "区划代码", _("区划代码只能由字母和数字组成，最长24位")))
            continue
        if r.code in seen:
            errors.append(
                RowError(r.row, "区划代码", _("区划代码 %(code)s 在文件中重复") % {"code": r.code})
            )
            continue
        seen.add(r.code)
        level = LEVEL_OF_KIND.get(r.kind)
        if level is None:
            allowed = join_list(LEVEL_OF_KIND)
            errors.append(
                RowError(
                    r.row,
                    "类型",
                    _("类型「%(kind)s」无效，应为：%(allowed)s")
                    % {"kind": r.kind, "allowed": allowed},
                )
            )
            continue
        if r.parent_code in planned:
            parent_level, parent_path = planned[r.parent_code]
            parent_ok = True
        elif r.parent_code in existing:
            parent = existing[r.parent_code]
            parent_level, parent_path = parent.level, parent.path
            parent_ok = has_perm(actor, "core.manage_region", parent)
        elif r.parent_code in pending:
            continue
        else:
            msg = _("上级区划 %(code)s 不存在（须已存在或在本行之前）") % {"code": r.parent_code}
            errors.append(RowError(r.row, "上级区划代码", msg))
            continue
        if not parent_ok:
            errors.append(
                RowError(
                    r.row,
                    "上级区划代码",
                    _("您无权在上级区划 %(code)s 下导入") % {"code": r.parent_code},
                )
            )
            continue
        if level != parent_level + 1:
            msg = _("类型「%(kind)s」与上级区划的层级不符（应比上级低一级）") % {"kind": r.kind}
            errors.append(RowError(r.row, "类型", msg))
            continue
        path = f"{parent_path}{r.code}/"
        current = existing.get(r.code)
        if current is not None:
            if current.path != path:
                msg = _("区划代码 %(code)s 已存在，且上级不同（不能移动区划）") % {"code": r.code}
                errors.append(RowError(r.row, "上级区划代码", msg))
                continue
            if current.level not in EDITABLE_LEVELS:
                errors.append(
                    RowError(
                        r.row,
                        "区划代码",
                        _("区划代码 %(code)s 是国家标准区划，不能修改") % {"code": r.code},
                    )
                )
                continue
        planned[r.code] = (level, path)
    return errors


@transaction.atomic(durable=True)
def region_import(*, actor, rows: list[RegionRow], filename: str = "") -> ImportReport:
    """Create (or rename) local regions from an imported table, all or nothing.

    Who: holders of ``core.manage_region``; every row's parent must be in the actor's
    scope or appear earlier in the same file. A row whose code exists under the same
    parent updates its name and kind. When any row is invalid nothing is written and
    the errors are returned row by row (in Chinese).
    Side effects: one audit entry ``region.import`` (region = the deepest region that
    contains every parent) when anything was imported.
    """
    require(actor, "core.manage_region")
    errors = region_import_errors(actor, rows)
    if errors or not rows:
        return ImportReport(errors=errors)
    by_code = {r.code: r for r in Region.objects.filter(code__in=[r.code for r in rows])}
    parents = {r.code: r for r in Region.objects.filter(code__in=[r.parent_code for r in rows])}
    created = updated = 0
    touched_parents: list[Region] = []
    for r in rows:
        parent = parents.get(r.parent_code) or by_code[r.parent_code]
        if parent.pk not in {p.pk for p in touched_parents}:
            touched_parents.append(parent)
        current = by_code.get(r.code)
        if current is not None:
            if (current.name, current.kind) != (r.name, r.kind):
                current.name, current.kind = r.name, r.kind
                current.save(update_fields=["name", "kind"])
                updated += 1
            continue
        region = Region(
            code=r.code,
            name=r.name,
            level=parent.level + 1,
            kind=r.kind,
            parent=parent,
            path=Region.path_for(parent, r.code),
        )
        region.save()
        by_code[r.code] = region
        created += 1
    audit.record(
        actor=actor,
        verb="region.import",
        region=common_ancestor(touched_parents),
        after={"created": created, "updated": updated, "rows": len(rows)},
        note=filename[:200],
    )
    return ImportReport(created=created, updated=updated)


def _effective(region: Region, key: str) -> Any:
    return settings_for(region)[key]


@transaction.atomic(durable=True)
def region_setting_set(*, actor, region: Region, key: str, value: Any) -> RegionSetting:
    """Set ``key`` for ``region`` (and, by inheritance, the regions below it).

    Who: holders of ``core.manage_settings`` on ``region``. ``value`` is parsed and
    validated by the registry's ``Setting.parse`` (ValidationError in Chinese).
    Side effects: one audit entry ``region_setting.set`` with the value set here and
    the effective value, before and after.
    """
    require(actor, "core.manage_settings", region)
    setting = REGISTRY.get(key)
    if setting is None:
        raise ValidationError(_("未知的设置项：%(key)s") % {"key": key})
    parsed = setting.parse(value)
    row = RegionSetting.objects.select_for_update().filter(region=region, key=key).first()
    before = {
        "key": key,
        "value": row.value if row else None,
        "effective": _effective(region, key),
    }
    if row is None:
        row = RegionSetting(region=region, key=key)
    row.value = parsed
    row.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    row.save()
    audit.record(
        actor=actor,
        verb="region_setting.set",
        obj=region,
        region=region,
        before=before,
        after={"key": key, "value": parsed, "effective": parsed},
        note=key,
    )
    return row


@transaction.atomic(durable=True)
def region_setting_reset(*, actor, region: Region, key: str) -> Any:
    """Remove ``region``'s own value of ``key`` so it inherits again; returns the new
    effective value. Who: holders of ``core.manage_settings`` on ``region``.
    Raises ValidationError when the region has no value of its own.
    Side effects: one audit entry ``region_setting.reset`` with before/after.
    """
    require(actor, "core.manage_settings", region)
    if key not in REGISTRY:
        raise ValidationError(_("未知的设置项：%(key)s") % {"key": key})
    row = RegionSetting.objects.select_for_update().filter(region=region, key=key).first()
    if row is None:
        raise ValidationError(_("本级没有单独设置此项，无需恢复"))
    before = {"key": key, "value": row.value, "effective": row.value}
    row.delete()
    effective = _effective(region, key)
    audit.record(
        actor=actor,
        verb="region_setting.reset",
        obj=region,
        region=region,
        before=before,
        after={"key": key, "value": None, "effective": effective},
        note=key,
    )
    return effective


@dataclass(frozen=True)
class CalendarRow:
    row: int
    date: dt.date
    kind: str  # CalendarDayKind value
    name: str


def _calendar_row_errors(year: int, rows: list[CalendarRow]) -> list[RowError]:
    errors: list[RowError] = []
    seen: set[dt.date] = set()
    for r in rows:
        if r.date.year != year:
            errors.append(
                RowError(
                    r.row,
                    "日期",
                    _("日期 %(date)s 不在 %(year)s 年")
                    % {"date": r.date.isoformat(), "year": year},
                )
            )
        elif r.date in seen:
            errors.append(
                RowError(r.row, "日期", _("日期 %(date)s 重复") % {"date": r.date.isoformat()})
            )
        elif r.kind == CalendarDayKind.WORKDAY and r.date.weekday() < 5:
            errors.append(
                RowError(
                    r.row,
                    "类型",
                    _("%(date)s 是工作日，不必列为调休上班") % {"date": r.date.isoformat()},
                )
            )
        seen.add(r.date)
    if not rows:
        errors.append(RowError(0, "", _("文件中没有任何日期")))
    return errors


@transaction.atomic(durable=True)
def calendar_year_import(
    *, actor, year: int, rows: list[CalendarRow], source: str
) -> tuple[CalendarYear | None, list[RowError]]:
    """Replace ``year``'s holiday schedule with an official notice's days and mark the
    year loaded, so deadlines in it stop being provisional.

    Who: superusers and holders of ``core.manage_calendar`` on a root region (the
    calendar is national data; a county admin must not change everyone's deadlines).
    All or nothing: returns (None, errors) and writes nothing when any row is wrong.
    Side effects: one audit entry ``calendar.import``.
    """
    if not holds_at_root(actor, "core.manage_calendar"):
        raise PermissionDenied(_("您没有执行此操作的权限"))
    if not 2000 <= year <= 2100:
        raise ValidationError(_("年份超出范围"))
    errors = _calendar_row_errors(year, rows)
    if errors:
        return None, errors
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    before_qs = CalendarDay.objects.filter(date__range=(first, last))
    before = {"days": before_qs.count(), "loaded": CalendarYear.objects.filter(year=year).exists()}
    before_qs.delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=r.date, kind=r.kind, name=r.name[:40]) for r in rows]
    )
    loaded, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source[:200] or _("管理员导入")}
    )
    audit.record(
        actor=actor,
        verb="calendar.import",
        obj=loaded,
        before=before,
        after={
            "days": len(rows),
            "rest_days": sum(r.kind == CalendarDayKind.HOLIDAY for r in rows),
            "workdays": sum(r.kind == CalendarDayKind.WORKDAY for r in rows),
            "source": loaded.source,
        },
    )
    return loaded, []
