"""The deputy roster and unit list import formats, and the row checks that need the
database (region codes, scope, uniqueness, parent units).

The actions in ``people.actions`` run them; nothing here writes. Cross-row checks work
on the raw text of every row, so one upload reports every problem, including those on
rows that also have a bad cell.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minqing.core.importing import (
    Column,
    RowError,
    parse_choice,
    parse_mobile,
)
from minqing.core.models import Region
from minqing.people.models import Deputy, Gender, HandlingUnit, Term, UnitKind
from minqing.people.selectors import (
    MANAGE_DEPUTY,
    VIEW_CONTACT,
    path_covered,
    region_paths,
    unit_list_visible,
)

Raw = list[tuple[int, dict[str, str]]]
Cleaned = list[tuple[int, dict[str, Any]]]


def text(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise ValidationError(_("不能超过 %(n)s 个字") % {"n": max_length})
        return value

    return parse


def parse_birth_year(value: str) -> int:
    cleaned = value.removesuffix("年").removesuffix(".0")
    if not cleaned.isdigit():
        raise ValidationError(_("出生年份应为四位数字，如 1975"))
    year = int(cleaned)
    latest = dt.date.today().year - 18
    if not 1900 <= year <= latest:
        raise ValidationError(_("出生年份应在 1900 至 %(latest)s 之间") % {"latest": latest})
    return year


def parse_email(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(_("电子邮箱格式不正确")) from None
    return value


GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE}

DEPUTY_COLUMNS: list[Column] = [
    Column("name", "姓名", parse=text(40), help=gettext_lazy("代表姓名")),
    Column(
        "gender", "性别", parse=parse_choice(GENDERS, label="性别"), help=gettext_lazy("男 或 女")
    ),
    Column(
        "deputy_number",
        "代表证号",
        aliases=("代表编号",),
        parse=text(30),
        help=gettext_lazy("本届内唯一，文件内也不能重复"),
    ),
    Column(
        "region_code",
        "选区区划代码",
        aliases=("区划代码", "选区代码"),
        help=gettext_lazy("代表选区或选举单位所在区域的区划代码，须在本届人大的行政区域内"),
    ),
    Column(
        "constituency",
        "选区/选举单位",
        required=False,
        aliases=("选区", "选举单位"),
        parse=text(100),
        help=gettext_lazy("如：第三选区、解放军代表团"),
    ),
    Column("sector", "界别/行业", required=False, aliases=("界别", "行业"), parse=text(40)),
    Column(
        "occupation",
        "工作单位及职务",
        required=False,
        aliases=("工作单位", "单位及职务"),
        parse=text(200),
    ),
    Column(
        "ethnicity", "民族", required=False, parse=text(20), help=gettext_lazy("不填默认为汉族")
    ),
    Column(
        "birth_year",
        "出生年份",
        required=False,
        parse=parse_birth_year,
        help=gettext_lazy("如 1975"),
    ),
    Column(
        "party", "政治面貌", required=False, parse=text(30), help=gettext_lazy("如：中共党员、群众")
    ),
    Column(
        "mobile",
        "手机号码",
        required=False,
        aliases=("手机", "联系电话"),
        parse=parse_mobile,
        help=gettext_lazy("11 位手机号码；属于代表个人联系方式，不会公开"),
    ),
    Column("email", "电子邮箱", required=False, aliases=("邮箱",), parse=parse_email),
    Column("address", "通讯地址", required=False, aliases=("地址",), parse=text(200)),
    Column("bio", "简介", required=False),
]

DEPUTY_EXAMPLES = [
    {
        "name": "王建国",
        "gender": "男",
        "deputy_number": "0001",
        "region_code": "990102001",
        "constituency": "第一选区",
        "sector": "教育",
        "occupation": "滨江实验小学校长",
        "ethnicity": "汉族",
        "birth_year": "1972",
        "party": "中共党员",
        "mobile": "13800138000",
        "email": "",
        "address": "",
        "bio": "",
    }
]

CONTACT_KEYS = ("mobile", "email", "address")

UNIT_KINDS = {
    "政府部门": UnitKind.GOVERNMENT,
    "乡镇政府/街道办事处": UnitKind.TOWNSHIP,
    "乡镇政府": UnitKind.TOWNSHIP,
    "街道办事处": UnitKind.TOWNSHIP,
    "法院": UnitKind.COURT,
    "检察院": UnitKind.PROCURATORATE,
    "国有企业": UnitKind.ENTERPRISE,
    "公用事业单位": UnitKind.UTILITY,
    "其他": UnitKind.OTHER,
}

UNIT_COLUMNS: list[Column] = [
    Column("name", "单位名称", aliases=("名称",), parse=text(100)),
    Column("short_name", "简称", required=False, parse=text(40)),
    Column(
        "kind",
        "类别",
        aliases=("单位类别",),
        parse=parse_choice(UNIT_KINDS, label="类别"),
        help=gettext_lazy(
            "政府部门、乡镇政府/街道办事处、法院、检察院、国有企业、公用事业单位、其他"
        ),
    ),
    Column(
        "region_code",
        "区划代码",
        required=False,
        help=gettext_lazy("单位所属区域的区划代码；不填则为导入时选择的区域"),
    ),
    Column(
        "parent",
        "上级单位",
        required=False,
        parse=text(100),
        help=gettext_lazy(
            "上级单位的名称：可以是本文件中的单位，也可以是系统中已有的本级或上级区域的单位"
        ),
    ),
    Column("phone", "办公电话", required=False, parse=text(30)),
    Column("address", "地址", required=False, parse=text(200)),
]

UNIT_EXAMPLES = [
    {"name": "澜州市住房和城乡建设局", "short_name": "市住建局", "kind": "政府部门"},
    {
        "name": "澜州市住建局物业管理处",
        "kind": "其他",
        "parent": "澜州市住房和城乡建设局",
        "phone": "0571-88880000",
    },
]


# --- deputy roster -------------------------------------------------------------------------


@dataclass
class DeputyPlan:
    deputies: list[Deputy]
    contacts: list[dict[str, str] | None]


def _chunks(values: set[str], size: int = 500) -> list[list[str]]:
    """Split large IN lists: SQLite caps the number of query parameters."""
    ordered = sorted(values)
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def _regions_by_code(codes: set[str]) -> dict[str, Region]:
    return {
        region.code: region
        for chunk in _chunks(codes)
        for region in Region.objects.filter(code__in=chunk)
    }


def check_deputy_rows(
    *, actor, term: Term, raw: Raw, cleaned: Cleaned
) -> tuple[DeputyPlan, list[RowError]]:
    """The database checks of a roster: region code exists, is active, inside the actor's
    ``people.manage_deputy`` scope and inside the term's congress region; deputy number
    unique in the file and the term; contact cells only from holders of
    ``people.view_deputy_contact`` on the region. Returns unsaved deputies (for the
    rows in ``cleaned``) and the errors."""
    errors: list[RowError] = []
    congress_region = term.congress.region
    manage_paths = region_paths(actor, MANAGE_DEPUTY)
    contact_paths = region_paths(actor, VIEW_CONTACT)
    regions = _regions_by_code({r["region_code"] for _, r in raw if r["region_code"]})
    # A term has at most a few thousand deputies: fetching its numbers is cheaper and
    # safer than an IN list as long as the file.
    taken = set(Deputy.objects.filter(term=term).values_list("deputy_number", flat=True))
    first_row_of_number: dict[str, int] = {}
    region_of_row: dict[int, Region] = {}
    for number, row in raw:
        code = row["region_code"]
        if code:
            region = regions.get(code)
            if region is None:
                errors.append(
                    RowError(number, "选区区划代码", _("区划代码“%(code)s”不存在") % {"code": code})
                )
            elif not region.is_active:
                errors.append(
                    RowError(
                        number, "选区区划代码", _("区划“%(name)s”已撤销") % {"name": region.name}
                    )
                )
            elif not path_covered(region.path, manage_paths):
                errors.append(
                    RowError(
                        number,
                        "选区区划代码",
                        _("区划“%(name)s”不在您的管理范围内") % {"name": region.name},
                    )
                )
            elif not region.path.startswith(congress_region.path):
                errors.append(
                    RowError(
                        number,
                        "选区区划代码",
                        _("区划“%(name)s”不在%(congress)s的行政区域内")
                        % {"name": region.name, "congress": term.congress.name},
                    )
                )
            else:
                region_of_row[number] = region
                has_contact = any(row[key] for key in CONTACT_KEYS)
                if has_contact and not path_covered(region.path, contact_paths):
                    errors.append(
                        RowError(
                            number, "手机号码", _("您没有录入代表联系方式的权限，请删除联系方式列")
                        )
                    )
        deputy_number = row["deputy_number"]
        if deputy_number:
            if deputy_number in first_row_of_number:
                first = first_row_of_number[deputy_number]
                errors.append(
                    RowError(
                        number,
                        "代表证号",
                        _("代表证号“%(number)s”与第 %(first)s 行重复")
                        % {"number": deputy_number, "first": first},
                    )
                )
            else:
                first_row_of_number[deputy_number] = number
            if deputy_number in taken:
                errors.append(
                    RowError(
                        number,
                        "代表证号",
                        _("代表证号“%(number)s”在本届中已存在") % {"number": deputy_number},
                    )
                )

    plan = DeputyPlan(deputies=[], contacts=[])
    if errors:
        return plan, errors
    for number, values in cleaned:
        plan.deputies.append(
            Deputy(
                term=term,
                level=term.congress.level,
                region=region_of_row[number],
                name=values["name"] or "",
                gender=values["gender"],
                deputy_number=values["deputy_number"] or "",
                constituency=values["constituency"] or "",
                sector=values["sector"] or "",
                occupation=values["occupation"] or "",
                ethnicity=values["ethnicity"] or "汉族",
                birth_year=values["birth_year"],
                party=values["party"] or "",
                bio=values["bio"] or "",
            )
        )
        contact = {key: values[key] or "" for key in CONTACT_KEYS}
        plan.contacts.append(contact if any(contact.values()) else None)
    return plan, errors


# --- unit list -----------------------------------------------------------------------------


@dataclass
class UnitPlan:
    units: list[HandlingUnit]
    # index into ``units`` of each unit's parent when that parent is in the same file
    file_parents: dict[int, int]


def _is_ancestor_or_self(candidate: Region, region: Region) -> bool:
    return region.path.startswith(candidate.path)


def check_unit_rows(
    *, actor, region: Region, raw: Raw, cleaned: Cleaned
) -> tuple[UnitPlan, list[RowError]]:
    """The database checks of a unit list: region code exists, is active and lies within
    ``region`` (blank means ``region``); (region, name) unique in the file and the
    database; the parent unit, by name, is a unit of the file or a unit the actor may
    see, in the row's region or an ancestor (the nearest one wins; two at the same
    distance is an error); no unit is its own ancestor."""
    errors: list[RowError] = []
    regions = _regions_by_code({r["region_code"] for _, r in raw if r["region_code"]})
    region_of_row: dict[int, Region] = {}
    for number, row in raw:
        code = row["region_code"]
        if not code:
            region_of_row[number] = region
            continue
        found = regions.get(code)
        if found is None:
            errors.append(
                RowError(number, "区划代码", _("区划代码“%(code)s”不存在") % {"code": code})
            )
        elif not found.is_active:
            errors.append(
                RowError(number, "区划代码", _("区划“%(name)s”已撤销") % {"name": found.name})
            )
        elif not found.path.startswith(region.path):
            errors.append(
                RowError(
                    number,
                    "区划代码",
                    _("区划“%(name)s”不在%(region)s范围内")
                    % {"name": found.name, "region": region.name},
                )
            )
        else:
            region_of_row[number] = found

    names = {row["name"] for _, row in raw if row["name"]}
    region_ids = {r.pk for r in region_of_row.values()}
    existing: set[tuple[int, str]] = set()
    for chunk in _chunks(names):
        existing.update(
            HandlingUnit.objects.filter(region__in=region_ids, name__in=chunk).values_list(
                "region_id", "name"
            )
        )
    first_row_of_key: dict[tuple[int, str], int] = {}
    file_by_name: dict[str, list[int]] = defaultdict(list)
    for number, row in raw:
        found = region_of_row.get(number)
        name = row["name"]
        if found is None or not name:
            continue
        key = (found.pk, name)
        if key in first_row_of_key:
            errors.append(
                RowError(
                    number,
                    "单位名称",
                    _("与第 %(first)s 行重复（同一区域内单位名称不能重复）")
                    % {"first": first_row_of_key[key]},
                )
            )
            continue
        first_row_of_key[key] = number
        file_by_name[name].append(number)
        if key in existing:
            errors.append(
                RowError(
                    number,
                    "单位名称",
                    _("%(region)s已有同名单位“%(name)s”") % {"region": found.name, "name": name},
                )
            )

    parent_names = {row["parent"] for _, row in raw if row["parent"]}
    db_parents: dict[str, list[HandlingUnit]] = defaultdict(list)
    for chunk in _chunks(parent_names):
        for unit in unit_list_visible(actor).filter(name__in=chunk):
            db_parents[unit.name].append(unit)

    parent_of_row: dict[int, HandlingUnit | int] = {}
    for number, row in raw:
        parent_name = row["parent"]
        found = region_of_row.get(number)
        if not parent_name or found is None:
            continue
        candidates: list[tuple[int, HandlingUnit | int]] = []
        for other in file_by_name.get(parent_name, []):
            other_region = region_of_row[other]
            if other != number and _is_ancestor_or_self(other_region, found):
                candidates.append((other_region.level, other))
        for unit in db_parents.get(parent_name, []):
            if _is_ancestor_or_self(unit.region, found):
                candidates.append((unit.region.level, unit))
        if not candidates and parent_name == row["name"]:
            errors.append(RowError(number, "上级单位", _("上级单位不能是本单位")))
            continue
        if not candidates:
            errors.append(
                RowError(
                    number,
                    "上级单位",
                    _("找不到上级单位“%(name)s”（须在本文件中或系统中已有，且属于本级或上级区域）")
                    % {"name": parent_name},
                )
            )
            continue
        candidates.sort(key=lambda c: -c[0])
        if len(candidates) > 1 and candidates[0][0] == candidates[1][0]:
            errors.append(
                RowError(
                    number,
                    "上级单位",
                    _("上级单位“%(name)s”有多个同名单位，无法确定") % {"name": parent_name},
                )
            )
            continue
        parent_of_row[number] = candidates[0][1]

    # A chain of parents inside the file must end outside it.
    for start in parent_of_row:
        seen = {start}
        current = parent_of_row.get(start)
        while isinstance(current, int):
            if current in seen:
                errors.append(RowError(start, "上级单位", _("上级单位关系形成了循环")))
                break
            seen.add(current)
            current = parent_of_row.get(current)

    plan = UnitPlan(units=[], file_parents={})
    if errors:
        return plan, errors
    index_of_row: dict[int, int] = {}
    for index, (number, values) in enumerate(cleaned):
        index_of_row[number] = index
        parent = parent_of_row.get(number)
        plan.units.append(
            HandlingUnit(
                name=values["name"] or "",
                short_name=values["short_name"] or "",
                kind=values["kind"],
                region=region_of_row[number],
                parent=parent if isinstance(parent, HandlingUnit) else None,
                phone=values["phone"] or "",
                address=values["address"] or "",
            )
        )
    for number, parent in parent_of_row.items():
        if isinstance(parent, int):
            plan.file_parents[index_of_row[number]] = index_of_row[parent]
    return plan, errors
