"""What each measure of ``minqing.opinions.measures`` counts, in the words shown next to
every figure of it (page, Excel download, API), and the groupings a table may use.

The reasoning behind each definition is in the docstring of ``measures``; keep the two
in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

GROUP_BYS = ("unit", "region", "category", "month")
GROUP_LABELS: dict[str, Promise] = {
    "unit": gettext_lazy("承办单位"),
    "region": gettext_lazy("区域"),
    "category": gettext_lazy("分类"),
    "month": gettext_lazy("月份"),
}


@dataclass(frozen=True)
class Definition:
    """What one measure counts: shown next to every figure of it."""

    key: str
    name: Promise
    numerator: Promise
    denominator: Promise
    base: Promise
    lower_is_better: bool = False
    note: Promise | str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": str(self.name),
            "numerator": str(self.numerator),
            "denominator": str(self.denominator),
            "base": str(self.base),
            "lower_is_better": self.lower_is_better,
            "note": str(self.note),
        }


_HANDOVERS = gettext_lazy(
    "统计期内转办的交办记录（含因群众不满意而重办的轮次；退回的交办保留记录），"
    "按承办单位、民情所在区域和分类、转办月份归属"
)
_OPINIONS = gettext_lazy(
    "统计期内受理的民情（合并件随主件统计，本身不计），按民情当前或最后的承办单位、"
    "所在区域、分类、受理月份归属"
)

DEFINITIONS: dict[str, Definition] = {
    d.key: d
    for d in (
        Definition(
            key="response_rate",
            name=gettext_lazy("响应率"),
            numerator=gettext_lazy(
                "签收日期不晚于签收期限、且首次联系群众的日期不晚于联系期限的交办数"
            ),
            denominator=gettext_lazy(
                "联系期限早于今天或已联系过群众的交办数；已退回且未联系群众的交办，"
                "仅当退回日期晚于联系期限时计入"
            ),
            base=_HANDOVERS,
        ),
        Definition(
            key="resolution_rate",
            name=gettext_lazy("解决率"),
            numerator=gettext_lazy(
                "最后一次答复（当场答复或承办单位答复中时间最晚的一次）的解决情况为“已解决”的民情件数"
            ),
            denominator=gettext_lazy("已有答复（含当场答复）的民情件数"),
            base=_OPINIONS,
        ),
        Definition(
            key="satisfaction_rate",
            name=gettext_lazy("满意率"),
            numerator=gettext_lazy("评价为“满意”或“基本满意”的评价次数"),
            denominator=gettext_lazy(
                "全部评价次数：每次答复的评价各计一次，重办后再次评价另计一次；"
                "逾期未评价自动办结的不计"
            ),
            base=gettext_lazy(
                "统计期内受理的民情（合并件除外）收到的全部评价，不论评价时间，按民情归属"
            ),
        ),
        Definition(
            key="completion_rate",
            name=gettext_lazy("办结率"),
            numerator=gettext_lazy("已办结（含转为代表建议）的民情件数"),
            denominator=gettext_lazy("受理的民情件数，不含已合并和不予受理的"),
            base=_OPINIONS,
        ),
        Definition(
            key="on_time_rate",
            name=gettext_lazy("按期办结率"),
            numerator=gettext_lazy(
                "答复日期不晚于答复期限（经批准延期的，按延期后的期限）的交办数"
            ),
            denominator=gettext_lazy("已答复的交办数"),
            base=_HANDOVERS,
        ),
        Definition(
            key="rehandle_rate",
            name=gettext_lazy("重办率"),
            numerator=gettext_lazy("因群众评价“不满意”而重新办理过（重办次数大于 0）的民情件数"),
            denominator=gettext_lazy("群众至少评价过一次的民情件数"),
            base=_OPINIONS,
            lower_is_better=True,
            note=gettext_lazy("越低越好"),
        ),
        Definition(
            key="return_rate",
            name=gettext_lazy("回退率"),
            numerator=gettext_lazy("被承办单位退回人大重新分办的交办数"),
            denominator=gettext_lazy("全部交办数"),
            base=_HANDOVERS,
            lower_is_better=True,
            note=gettext_lazy("越低越好"),
        ),
    )
}

SCOPE_NOTE = gettext_lazy(
    "统计范围：您有权查看的民情，限于所选区域。日期按本地时间计算；"
    "按区域统计时，民情计入其所在区域所属的下一级区域，直接属于所选区域的列为“本级”；"
    "按承办单位统计时，尚无承办单位的民情（当场答复、待分办、不予受理等）列为“无承办单位”。"
    "分母为 0 时显示“—”。"
)
