"""Output shapes of points, rules, rankings and awards for signed-in readers (the
``points`` routes of the duty work API)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from minqing.duties.schemas.outputs import RefOut, _label


class PointLineOut(Schema):
    date: dt.date
    title: str
    points: float = Field(description="规则分值")
    counted: float = Field(description="计入的分值（年度上限后）")
    capped: bool
    url: str = Field(description="来源记录的页面地址")


class SourceGroupOut(Schema):
    source: str = Field(description="积分项目；base 为年度基础分")
    label: str
    rule_points: float | None = Field(description="每次分值（基础分为 null）")
    rule_annual_cap: float | None
    subtotal: float
    capped: bool
    lines: list[PointLineOut]

    @staticmethod
    def resolve_rule_points(obj) -> float | None:
        return obj.rule.points if obj.rule is not None else None

    @staticmethod
    def resolve_rule_annual_cap(obj) -> float | None:
        return obj.rule.annual_cap if obj.rule is not None else None


class DeputyPointsOut(Schema):
    """A deputy's points of one year, grouped by source (``points_breakdown``)."""

    deputy: RefOut
    year: int
    region_code: str = Field(description="适用规则的区域（代表所属人大）")
    total: float
    groups: list[SourceGroupOut]

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code


class RuleOut(Schema):
    source: str
    label: str
    points: float
    annual_cap: float | None
    defined_in: str | None = Field(description="规则所在区域的区划代码；null 为系统默认")
    here: bool = Field(description="本区域自设（可删除以恢复继承）")
    rule_id: int | None


class RulesOut(Schema):
    region_code: str
    region_name: str
    base_points_per_year: float
    base_defined_in: str | None
    rules: list[RuleOut]


class StandingOut(Schema):
    rank: int
    deputy: RefOut
    points: float
    quarter_points: float


class RankingOut(Schema):
    id: int
    code: str = Field(description="公开码：GET /public/rankings/{code}")
    region_code: str
    region_name: str
    level: int
    level_label: str
    group: RefOut | None
    year: int
    quarter: int
    state: str
    state_label: str
    published_at: dt.datetime

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_level_label(obj) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return _label(obj, "state")


class RankingRowOut(Schema):
    rank: int
    deputy: RefOut
    points: float
    quarter_points: float


class RankingDetailOut(RankingOut):
    rows: list[RankingRowOut]

    @staticmethod
    def resolve_rows(obj) -> list:
        return list(obj.rows.all())


class AwardOut(Schema):
    id: int
    deputy: RefOut
    region_code: str
    date: dt.date
    title: str
    issuer: str
    note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code
