"""What each figure of ``minqing.suggestions.statistics`` counts, in the words shown next
to every figure of it (page, Excel download, API, annual report), and the groupings a
table may use.

The reasoning behind each definition is in the docstring of ``statistics``; keep the
two in step. Every figure is a count over one of four bases (``BASES``): items (件),
answering parts (件次), final replies (one per answered part) and commitments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

GROUP_BYS = ("unit", "region", "deputy", "year")
GROUP_LABELS: dict[str, Promise] = {
    "unit": gettext_lazy("承办单位"),
    "region": gettext_lazy("区域"),
    "deputy": gettext_lazy("领衔代表"),
    "year": gettext_lazy("年度"),
}
# Grouping by deputy with ``signers``: every confirmed signer, not only the lead.
SIGNERS_LABEL = gettext_lazy("提出代表（含联名）")

BASE_NAMES: dict[str, Promise] = {
    "items": gettext_lazy("件"),
    "parts": gettext_lazy("件次"),
    "replies": gettext_lazy("最近一次答复"),
    "commitments": gettext_lazy("承诺事项"),
}
BASES: dict[str, Promise] = {
    "items": gettext_lazy(
        "已提交的议案、建议（不含草稿；由议案转来的建议另计一件），按所选年度、大会会议、"
        "类型和提出时间筛选。按承办单位统计时，一件计入每个承办单位（主办、会办、分办，"
        "经调整交办移出的单位除外），尚未交办的列为“未交办”"
    ),
    "parts": gettext_lazy(
        "答复代表的承办件次：主办单位或分办单位承办一件议案建议，各计一件次；会办单位向"
        "主办单位提出会办意见、不直接答复代表，不计入；经调整交办移出的单位不计，改由的"
        "单位计入。只由一个主办单位办理的，一件即一件次"
    ),
    "replies": gettext_lazy(
        "已答复的件次，各以其最近一次答复为准（重新办理后以重新答复为准；分办的，每个"
        "分办单位的答复各计一次）"
    ),
    "commitments": gettext_lazy(
        "B类答复中列明的承诺事项（各轮答复的都计入），按承诺事项所属议案建议的年度统计，"
        "按承办单位统计时计入作出承诺的单位"
    ),
}


@dataclass(frozen=True)
class Definition:
    """What one figure counts: shown next to every figure of it.

    A count (``denominator`` empty) is a number of items, parts or commitments; a rate
    is ``numerator`` over ``denominator`` of the same base.
    """

    key: str
    name: Promise
    base: str  # a key of BASES
    numerator: Promise
    denominator: Promise | str = ""
    lower_is_better: bool = False
    note: Promise | str = ""

    @property
    def is_rate(self) -> bool:
        return bool(self.denominator)

    @property
    def base_text(self) -> Promise:
        return BASES[self.base]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": str(self.name),
            "kind": "rate" if self.is_rate else "count",
            "base": self.base,
            "base_text": str(self.base_text),
            "numerator": str(self.numerator),
            "denominator": str(self.denominator),
            "lower_is_better": self.lower_is_better,
            "note": str(self.note),
        }


_LOWER = gettext_lazy("越低越好")
_REPLIED_PARTS = gettext_lazy("已答复的件次（主办、分办单位至少答复过一次）")
_RATED = gettext_lazy(
    "代表已评价的件次，以每个件次最近一次答复的评价为准；反馈期满经提醒仍未反馈而办结的"
    "不计入，尚在征询意见的也不计入"
)


def _class_share(key: str, name: Promise, numerator: Promise) -> Definition:
    return Definition(
        key=key, name=name, base="replies", numerator=numerator, denominator=_REPLIED_PARTS
    )


RATES: tuple[Definition, ...] = (
    Definition(
        key="reply_rate",
        name=gettext_lazy("办复率"),
        base="parts",
        numerator=_REPLIED_PARTS,
        denominator=gettext_lazy("交办的答复件次（主办、分办）"),
    ),
    Definition(
        key="on_time_rate",
        name=gettext_lazy("按期办复率"),
        base="parts",
        numerator=gettext_lazy(
            "最近一次答复不晚于答复期限的件次（经批准延期的，按延期后的期限；重新办理的，"
            "按重新办理的期限）"
        ),
        denominator=gettext_lazy("已答复且不在重新办理中的件次"),
    ),
    _class_share(
        "class_a",
        gettext_lazy("A类占比"),
        gettext_lazy("最近一次答复为A类（已经解决或基本解决）的件次"),
    ),
    _class_share(
        "class_b",
        gettext_lazy("B类占比"),
        gettext_lazy("最近一次答复为B类（正在解决或列入计划解决）的件次"),
    ),
    _class_share(
        "class_c",
        gettext_lazy("C类占比"),
        gettext_lazy("最近一次答复为C类（因条件限制需待以后解决）的件次"),
    ),
    _class_share(
        "class_d",
        gettext_lazy("D类占比"),
        gettext_lazy("最近一次答复为D类（留作参考）的件次"),
    ),
    Definition(
        key="ab_share",
        name=gettext_lazy("A+B类占比"),
        base="replies",
        numerator=gettext_lazy("最近一次答复为A类或B类（解决或计划逐步解决）的件次"),
        denominator=_REPLIED_PARTS,
        note=gettext_lazy("解决或计划逐步解决"),
    ),
    Definition(
        key="done_rate",
        name=gettext_lazy("办成率"),
        base="replies",
        numerator=gettext_lazy(
            "最近一次答复为A类的件次，加上为B类且该次答复列明的承诺事项已全部兑现的件次"
        ),
        denominator=_REPLIED_PARTS,
        note=gettext_lazy("已经办成的事"),
    ),
    Definition(
        key="satisfaction_rate",
        name=gettext_lazy("满意率"),
        base="replies",
        numerator=gettext_lazy("代表对办理结果评价为“满意”或“基本满意”的件次"),
        denominator=_RATED,
    ),
    Definition(
        key="contact_satisfaction_rate",
        name=gettext_lazy("沟通联系满意率"),
        base="replies",
        numerator=gettext_lazy("代表对沟通联系评价为“满意”或“基本满意”的件次"),
        denominator=_RATED,
    ),
    Definition(
        key="rehandle_rate",
        name=gettext_lazy("重办率"),
        base="parts",
        numerator=gettext_lazy("代表对答复不满意、重新办理过的件次"),
        denominator=_REPLIED_PARTS,
        lower_is_better=True,
        note=_LOWER,
    ),
    Definition(
        key="commitment_rate",
        name=gettext_lazy("承诺兑现率"),
        base="commitments",
        numerator=gettext_lazy("已兑现的承诺事项数"),
        denominator=gettext_lazy("B类答复列明的承诺事项数"),
    ),
)

COUNTS: tuple[Definition, ...] = (
    Definition(
        key="submitted",
        name=gettext_lazy("提交件数"),
        base="items",
        numerator=gettext_lazy("已提交的议案、建议件数"),
    ),
    Definition(
        key="accepted",
        name=gettext_lazy("受理"),
        base="items",
        numerator=gettext_lazy("经审查受理的建议件数（含受理后撤回的）"),
    ),
    Definition(
        key="not_accepted",
        name=gettext_lazy("不予受理"),
        base="items",
        numerator=gettext_lazy("经审查不予受理的建议件数"),
    ),
    Definition(
        key="withdrawn",
        name=gettext_lazy("撤回"),
        base="items",
        numerator=gettext_lazy("提交后由代表撤回的件数"),
    ),
    Definition(
        key="motions",
        name=gettext_lazy("议案"),
        base="items",
        numerator=gettext_lazy("已提交的议案件数"),
    ),
    Definition(
        key="on_agenda",
        name=gettext_lazy("列入会议议程"),
        base="items",
        numerator=gettext_lazy("大会主席团决定列入会议议程的议案件数"),
    ),
    Definition(
        key="not_placed",
        name=gettext_lazy("不列入会议议程"),
        base="items",
        numerator=gettext_lazy("大会主席团决定不列入会议议程的议案件数"),
    ),
    Definition(
        key="converted",
        name=gettext_lazy("转为建议"),
        base="items",
        numerator=gettext_lazy("大会主席团决定转为代表建议处理的议案件数"),
    ),
    Definition(
        key="assigned",
        name=gettext_lazy("交办"),
        base="items",
        numerator=gettext_lazy("已交办承办单位的件数"),
    ),
    Definition(
        key="replied",
        name=gettext_lazy("已答复"),
        base="items",
        numerator=gettext_lazy("全部主办（分办）单位都已答复过的件数"),
    ),
    Definition(
        key="closed",
        name=gettext_lazy("办结"),
        base="items",
        numerator=gettext_lazy("已办结的件数（代表评价后办结，或反馈期满经提醒未反馈而办结）"),
    ),
    Definition(
        key="rehandled_items",
        name=gettext_lazy("重新办理"),
        base="items",
        numerator=gettext_lazy("代表对答复不满意而重新办理过的件数"),
    ),
    Definition(
        key="parts",
        name=gettext_lazy("答复件次"),
        base="parts",
        numerator=gettext_lazy("交办的答复件次（主办、分办）"),
    ),
    Definition(
        key="answered_parts",
        name=gettext_lazy("已答复件次"),
        base="parts",
        numerator=_REPLIED_PARTS,
    ),
    Definition(
        key="reassigned",
        name=gettext_lazy("调整交办"),
        base="parts",
        numerator=gettext_lazy(
            "经承办单位申请、人大同意调整交办而移出的承办件次（含会办），计入原承办单位"
        ),
        lower_is_better=True,
    ),
    Definition(
        key="commitments",
        name=gettext_lazy("承诺事项"),
        base="commitments",
        numerator=gettext_lazy("B类答复列明的承诺事项数"),
    ),
    Definition(
        key="commitments_open",
        name=gettext_lazy("推进中的承诺"),
        base="commitments",
        numerator=gettext_lazy("尚未兑现的承诺事项数"),
    ),
    Definition(
        key="commitments_overdue",
        name=gettext_lazy("逾期未兑现"),
        base="commitments",
        numerator=gettext_lazy("计划完成时间早于今天、仍未兑现的承诺事项数"),
        lower_is_better=True,
    ),
    Definition(
        key="commitments_carried",
        name=gettext_lazy("结转承诺"),
        base="commitments",
        numerator=gettext_lazy("未在承诺当年兑现、结转到以后年度台账的承诺事项数"),
    ),
)

DEFINITIONS: dict[str, Definition] = {d.key: d for d in (*RATES, *COUNTS)}
RATE_KEYS = tuple(d.key for d in RATES)
COUNT_KEYS = tuple(d.key for d in COUNTS)
CLASS_KEYS = ("class_a", "class_b", "class_c", "class_d")
# The figures of the headline cards and of the annual report's first paragraph.
HEADLINE_KEYS = (
    "reply_rate",
    "on_time_rate",
    "ab_share",
    "done_rate",
    "satisfaction_rate",
    "rehandle_rate",
)
# What the per-row bar chart compares.
BAR_KEYS = ("reply_rate", "on_time_rate", "done_rate", "satisfaction_rate")

SCOPE_NOTE = gettext_lazy(
    "统计范围：您有权查看统计的议案、建议，限于所选区域（议案、建议归属于提出代表所在的"
    "人民代表大会的区域）。各项比率按“件次”计算：只由一个主办单位办理的议案建议，一件即"
    "一件次；分办的，每个分办单位各计一件次。按区域统计时，计入所选区域的下一级区域，"
    "本级人大的列为“本级”；按代表统计时，默认计入领衔代表，选择“含联名代表”时计入每位"
    "确认联名的代表（各行之和因此可能大于合计）；按承办单位统计时，件数计入每个承办"
    "单位。合计各按全部范围计算，每件（件次）只计一次。分母为 0 时显示“—”。"
)
