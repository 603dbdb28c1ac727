"""/api/v1/suggestions/stats/: the statistics of motions and suggestions (DOMAIN.md §4)
with their definitions, through the same selector as the staff page
(minqing.suggestions.statistics) and with the same parameters.

Only holders of ``suggestions.view_stats`` (403 otherwise; 401 without credentials); a
``region`` or ``session`` unknown or outside the caller's scope is 404; a malformed
parameter is a 422.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from minqing.core.permissions import require
from minqing.suggestions import statistics as st

router = Router(tags=["议案建议统计"])


class StatsQuery(Schema):
    group_by: Literal["unit", "region", "deputy", "year"] = Field(
        "unit", description="统计维度：unit 承办单位、region 下级区域、deputy 代表、year 年度"
    )
    year: int | None = Field(None, ge=st.MIN_YEAR, le=st.MAX_YEAR, description="年度")
    session: int | None = Field(None, description="大会会议 id")
    kind: Literal["", "suggestion", "motion"] = Field(
        "", description="suggestion 建议、motion 议案"
    )
    timing: Literal["", "session", "interim"] = Field(
        "", description="session 大会期间、interim 闭会期间"
    )
    region: str = Field(
        "", description="区划代码：统计该区域，按区域统计时列出其下级；默认本人负责的最高区域"
    )
    signers: bool = Field(
        False, description="按代表统计时计入每位确认联名的代表（默认只计领衔代表）"
    )


class DefinitionOut(Schema):
    name: str
    kind: Literal["count", "rate"]
    base: str = Field(
        description="统计对象：items 件、parts 件次、replies 最近一次答复、commitments"
    )
    base_text: str = Field(description="统计对象的口径")
    numerator: str = Field(description="分子（计数）的口径")
    denominator: str = Field(description="分母的口径；计数为空串")
    lower_is_better: bool
    note: str


class FigureOut(Schema):
    numerator: int = Field(description="分子；计数时即件数")
    denominator: int | None = Field(description="分母；计数时为 null")
    value: int | float | None = Field(
        description="比率为 numerator / denominator（0–1，保留 4 位，分母为 0 时为 null）；"
        "计数为件数"
    )


class RowOut(Schema):
    key: str = Field(description="单位 id、区划代码、代表 id 或年度；空串表示未交办")
    label: str
    figures: dict[str, FigureOut]


class StatsOut(Schema):
    group_by: str
    year: int | None
    session: int | None
    kind: str
    timing: str
    region: str | None
    signers: bool
    scope_note: str
    definitions: dict[str, DefinitionOut]
    rows: list[RowOut]
    total: RowOut


def _figure(f: st.Figure) -> dict:
    value = f.value
    if isinstance(value, float):
        value = round(value, 4)
    return {"numerator": f.numerator, "denominator": f.denominator, "value": value}


def _row(row: st.Row) -> dict:
    return {
        "key": row.key,
        "label": row.label,
        "figures": {key: _figure(f) for key, f in row.figures.items()},
    }


@router.get("", response=StatsOut)
def get_stats(request: HttpRequest, params: Query[StatsQuery]):
    """Counts, 办复率, 按期办复率, class shares, A+B, 办成率, 满意率 (result and contact),
    重办率 and 承诺兑现率 of the items the caller may count, one row per unit, child
    region, deputy or year, with the 合计 row and each figure's definition."""
    user = request.user
    require(user, st.STATS)
    region = st.region_for_code(user, params.region)
    session = st.session_for_id(user, params.session)
    filters = st.Filters(
        year=params.year,
        session=session,
        kind=params.kind,
        timing=params.timing,
        region=region,
        signers=params.signers,
    )
    table = st.statistics(user, group_by=params.group_by, filters=filters)
    return {
        "group_by": params.group_by,
        "year": params.year,
        "session": session.pk if session else None,
        "kind": params.kind,
        "timing": params.timing,
        "region": region.code if region else None,
        "signers": filters.signers,
        "scope_note": str(st.SCOPE_NOTE),
        "definitions": {key: d.as_dict() for key, d in st.DEFINITIONS.items()},
        "rows": [_row(r) for r in table.rows],
        "total": _row(table.total),
    }
