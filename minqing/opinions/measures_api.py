"""/api/v1/opinions/measures/: the measures of the 民情 loop (DOMAIN.md §8) with their
definitions, through the same selector as the staff page (minqing.opinions.measures).

Only holders of ``opinions.view_measures`` (403 otherwise; 401 without credentials); a
``region_code`` unknown or outside the caller's scope is 404; a malformed period is a
422 with Chinese messages by field.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from minqing.core.permissions import require
from minqing.opinions import measures as m

router = Router(tags=["opinions"])


class MeasuresQuery(Schema):
    group_by: Literal["unit", "region", "category", "month"] = Field(
        "unit", description="统计维度：unit 承办单位、region 下级区域、category 分类、month 月份"
    )
    start: str = Field("", description="起始：YYYY-MM（当月 1 日起）或 YYYY-MM-DD；默认近 12 个月")
    end: str = Field("", description="截止：YYYY-MM（至当月末）或 YYYY-MM-DD；默认本月末")
    region_code: str = Field(
        "", description="区划代码：统计该区域，按区域统计时列出其下级；默认本人负责的最高区域"
    )


class DefinitionOut(Schema):
    name: str
    numerator: str = Field(description="分子的口径")
    denominator: str = Field(description="分母的口径")
    base: str = Field(description="统计对象与期间的归属")
    lower_is_better: bool
    note: str


class FigureOut(Schema):
    numerator: int
    denominator: int
    rate: float | None = Field(
        description="numerator / denominator（0–1，保留 4 位）；分母为 0 时为 null"
    )


class RowOut(Schema):
    key: str = Field(description="单位 id、区划代码、分类代码或 YYYY-MM；空串表示无承办单位/未分类")
    label: str
    measures: dict[str, FigureOut]


class MeasuresOut(Schema):
    group_by: str
    start: dt.date
    end: dt.date
    region_code: str | None
    scope_note: str
    definitions: dict[str, DefinitionOut]
    rows: list[RowOut]
    total: RowOut


def _row(row: m.Row) -> dict:
    return {
        "key": row.key,
        "label": row.label,
        "measures": {
            key: {
                "numerator": r.numerator,
                "denominator": r.denominator,
                "rate": None if r.rate is None else round(r.rate, 4),
            }
            for key, r in row.measures.items()
        },
    }


@router.get("/", response=MeasuresOut)
def get_measures(request: HttpRequest, filters: Query[MeasuresQuery]):
    """响应率, 解决率, 满意率, 办结率, 按期办结率, 重办率 and 回退率 of the opinions the caller
    may count, one row per unit, child region, category or month, with the 合计 row
    and each measure's definition (numerator, denominator, base rows)."""
    user = request.user
    require(user, m.VIEW_MEASURES)
    region = m.region_for_code(user, filters.region_code)
    start, end = m.parse_period(filters.start, filters.end)
    rows = m.measures(user, group_by=filters.group_by, start=start, end=end, region=region)
    return {
        "group_by": filters.group_by,
        "start": start,
        "end": end,
        "region_code": region.code if region else None,
        "scope_note": str(m.SCOPE_NOTE),
        "definitions": {key: d.as_dict() for key, d in m.DEFINITIONS.items()},
        "rows": [_row(r) for r in rows],
        "total": _row(m.total(rows)),
    }
