"""Pydantic schemas of /api/v1/people/. Output schemas carry public fields only;
``DeputyDetailOut.contact`` is filled solely for callers holding
``people.view_deputy_contact`` on the deputy."""

from __future__ import annotations

from django.utils.translation import gettext
from ninja import Field, Schema

from minqing.people.models import (
    CongressLevel,
    Deputy,
    DeputyGroup,
    DeputyStatus,
    Gender,
    GroupKind,
    HandlingUnit,
    UnitKind,
)


class DeputyFilter(Schema):
    q: str = Field("", description="姓名（包含）或代表证号（前缀）")
    level: CongressLevel | None = Field(None, description="层级：0 全国 … 4 乡镇级")
    term: int | None = Field(None, description="届次 id")
    region: str | None = Field(None, description="区划代码：该区域及下级")
    sector: str = Field("", description="界别/行业")
    group: int | None = Field(None, description="代表小组 id")
    status: DeputyStatus | None = None


class DeputyOut(Schema):
    id: int
    name: str
    gender: str
    gender_label: str
    level: int
    level_label: str
    term_id: int
    term_label: str
    region_code: str
    region_name: str
    deputy_number: str
    constituency: str
    sector: str
    occupation: str
    ethnicity: str
    birth_year: int | None
    party: str
    status: str

    @staticmethod
    def resolve_gender_label(obj: Deputy) -> str:
        return str(obj.get_gender_display())

    @staticmethod
    def resolve_level_label(obj: Deputy) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_term_label(obj: Deputy) -> str:
        return gettext("%(c)s第%(n)s届") % {"c": obj.term.congress.name, "n": obj.term.number}

    @staticmethod
    def resolve_region_code(obj: Deputy) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj: Deputy) -> str:
        return obj.region.name


class ContactOut(Schema):
    mobile: str
    email: str
    address: str


class GroupRef(Schema):
    id: int
    name: str
    kind: str
    is_leader: bool


class DeputyDetailOut(DeputyOut):
    """A deputy with groups, and ``contact`` only when the API handler attached the
    selector's answer as ``visible_contact``. The resolvers never touch ``obj.contact``
    (the model's reverse accessor), so private data cannot leak by field name."""

    bio: str
    groups: list[GroupRef] = []
    contact: ContactOut | None = None

    @staticmethod
    def resolve_groups(obj) -> list[dict]:
        return [
            {"id": m.group.pk, "name": m.group.name, "kind": m.group.kind, "is_leader": m.is_leader}
            for m in getattr(obj, "visible_memberships", [])
        ]

    @staticmethod
    def resolve_contact(obj):
        return getattr(obj, "visible_contact", None)


class ContactIn(Schema):
    mobile: str = ""
    email: str = ""
    address: str = ""


class DeputyIn(Schema):
    term_id: int
    region_code: str = Field(..., description="选区所在区域的区划代码")
    name: str
    gender: Gender
    deputy_number: str
    constituency: str = ""
    sector: str = ""
    occupation: str = ""
    ethnicity: str = "汉族"
    birth_year: int | None = None
    party: str = ""
    bio: str = ""
    contact: ContactIn | None = Field(None, description="需要查看代表联系方式的权限")


class UnitFilter(Schema):
    q: str = Field("", description="名称或简称（包含）")
    region: str | None = Field(None, description="区划代码：该区域及下级")
    kind: UnitKind | None = None
    active: bool | None = None


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    kind_label: str
    region_code: str
    region_name: str
    parent_id: int | None
    parent_name: str | None
    phone: str
    address: str
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj: HandlingUnit) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_region_code(obj: HandlingUnit) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj: HandlingUnit) -> str:
        return obj.region.name

    @staticmethod
    def resolve_parent_name(obj: HandlingUnit) -> str | None:
        return obj.parent.name if obj.parent_id else None


class UnitIn(Schema):
    region_code: str
    name: str
    kind: UnitKind
    short_name: str = ""
    parent_id: int | None = None
    phone: str = ""
    address: str = ""


class GroupFilter(Schema):
    q: str = ""
    kind: GroupKind | None = None
    region: str | None = Field(None, description="区划代码：该区域及下级")


class GroupOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    region_code: str
    region_name: str
    member_count: int

    @staticmethod
    def resolve_kind_label(obj: DeputyGroup) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_region_code(obj: DeputyGroup) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj: DeputyGroup) -> str:
        return obj.region.name
