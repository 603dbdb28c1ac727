"""Input shapes of the motion and suggestion API.

They derive from the opinions API's :class:`~minqing.opinions.schemas.In`, so every
schema-level refusal (a missing field, a word where a number belongs) is worded in
Chinese. The rules of the matter (lengths, choices, who may do what) are the actions':
their Chinese messages come back as ``422 {"detail": {field: [message]}}``. Ids, years,
dates and list sizes are bounded here so that no value reaches the database as an
overflow. (A NUL character anywhere in a request is refused before it gets here, by
``core.middleware``.)
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from django.db import models
from django.utils.translation import gettext as _
from ninja import Field
from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from minqing.opinions.schemas import In, OptionalDatetime
from minqing.suggestions.models import (
    CommitmentState,
    ContactMethod,
    Disclosure,
    HandlingMode,
    Kind,
    Level,
    PresidiumDecision,
    RejectReason,
    ResultClass,
    SuggestionState,
    SupervisionKind,
    Timing,
)

MAX_ID = 2**63 - 1
# A session's batch screen holds a few hundred items; a longer list is a mistake.
MAX_PLANS = 1000
MAX_IDS = 200


def _blank_is_none(value: Any) -> Any:
    # A form posts an empty optional field as "", which means "not given".
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _year(value: int) -> int:
    if not 1949 <= value <= 2100:
        raise PydanticCustomError("zh_year", _("年度须在 1949 年至 2100 年之间"))
    return value


def _bounded_date(value: dt.date) -> dt.date:
    if not 2000 <= value.year <= 2100:
        raise PydanticCustomError("zh_date_range", _("日期须在 2000 年至 2100 年之间"))
    return value


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise PydanticCustomError("zh_json", _("须为 JSON 数组")) from None


def _json_list(value: Any) -> Any:
    """A list given as JSON text. A multipart form carries ``commitments`` as one field
    holding a JSON array, or as one field per item holding a JSON object; a JSON body
    carries the array itself."""
    if isinstance(value, str):
        return _loads(value) if value.strip() else []
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        items = [_loads(v) for v in value if v.strip()]
        if len(items) == 1 and isinstance(items[0], list):
            return items[0]
        return items
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
OptionalId = Annotated[Id | None, BeforeValidator(_blank_is_none)]
Ids = Annotated[list[Id], Field(max_length=MAX_IDS)]
Year = Annotated[int, AfterValidator(_year)]
OptionalYear = Annotated[Year | None, BeforeValidator(_blank_is_none)]
Date = Annotated[dt.date, AfterValidator(_bounded_date)]
OptionalDate = Annotated[Date | None, BeforeValidator(_blank_is_none)]


def choices(choices: type[models.TextChoices] | list, description: str, default: Any = ...):
    """A plain string documented with its allowed values; the action checks it and
    answers with its own Chinese message (422)."""
    values = [str(c) for c in (choices.values if hasattr(choices, "values") else choices)]
    return Field(default, description=f"{description}（{' | '.join(values)}）")


# --- deputies ---------------------------------------------------------------------------


class SuggestionCreateIn(In):
    """A new draft. A deputy drafts as its lead; the office enters a paper item for
    ``lead_deputy_id`` (代录), its co-signers then count as confirmed."""

    kind: str = choices(Kind, "类型：建议或议案")
    title: str = Field(description="标题（4–200 字）")
    grounds: str = Field(description="案由与理由（至少 10 字）")
    proposal: str = Field(description="建议与办法（至少 10 字）")
    category: str = Field("", description="类别代码（民情分类），可空")
    disclosure: str = choices(Disclosure, "公开属性", Disclosure.PUBLIC)
    contact_name: str = Field("", description="联系人（只给人大工作人员和承办单位看）")
    contact_phone: str = Field("", description="联系电话（同上）")
    session_id: OptionalId = Field(None, description="大会会议 ID；空为闭会期间")
    cosigner_ids: Ids = Field([], description="邀请联名的代表 ID")
    opinion_ids: Ids = Field([], description="引用的民情 ID（须有权答复）")
    lead_deputy_id: OptionalId = Field(None, description="代录时的领衔代表 ID（人大工作人员）")


class SuggestionUpdateIn(In):
    """Changes to a draft: only the fields sent change (``session_id: null`` makes it a
    闭会期间 item); ``opinion_ids`` are added to the linked ones."""

    title: str | None = None
    grounds: str | None = None
    proposal: str | None = None
    category: str | None = None
    disclosure: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    session_id: OptionalId = Field(None, description="大会会议 ID；null 为闭会期间")
    opinion_ids: Ids = Field([], description="增加引用的民情 ID")


class InviteIn(In):
    deputy_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_IDS)] = Field(
        description="邀请联名的代表 ID（人大工作人员代录时直接确认）"
    )


class ReasonIn(In):
    reason: str = Field("", description="理由（可空）")


class FeedbackIn(In):
    result_level: str = choices(Level, "对办理结果的评价")
    contact_level: str = choices(Level, "对沟通联系的评价")
    comment: str = Field("", description="意见；对结果不满意时至少 5 个字")


# --- office -----------------------------------------------------------------------------


class AcceptIn(In):
    category: str = Field("", description="类别代码（可空：不变）")
    note: str = Field("", description="审查意见")


class RejectIn(In):
    reason: str = choices(RejectReason, "不予受理理由")
    note: str = Field(description="告知代表的具体情况（至少 5 个字）")


class DecideIn(In):
    decision: str = choices(PresidiumDecision, "主席团决定")
    note: str = Field("", description="说明")


class AssignIn(In):
    mode: str = choices(HandlingMode, "办理方式", HandlingMode.LEAD)
    lead_unit_id: OptionalId = Field(None, description="主办单位 ID（mode=lead）")
    co_unit_ids: Ids = Field([], description="会办单位 ID（mode=lead）")
    unit_ids: Ids = Field([], description="分办单位 ID（mode=separate，两个以上）")
    instructions: str = Field("", description="交办意见")


class PlanIn(AssignIn):
    suggestion_id: Id = Field(description="待交办的建议 ID")


class BatchIn(In):
    plans: Annotated[list[PlanIn], Field(min_length=1, max_length=MAX_PLANS)] = Field(
        description="每件建议的交办方案；一件不成则全部不交办"
    )
    session_id: OptionalId = Field(None, description="大会会议 ID（可空）")


class RequestDecideIn(In):
    approve: bool = Field(description="true 同意 / false 不同意")
    new_unit_id: OptionalId = Field(None, description="同意调整时改由的单位 ID")
    note: str = Field("", description="决定意见；不同意时必填")


class ExtensionDecideIn(In):
    approve: bool = Field(description="true 同意 / false 不同意")
    note: str = Field("", description="审批意见")


class SuperviseIn(In):
    kind: str = choices(SupervisionKind, "督办类型")
    leader: str = Field(description="督办（领办）领导：姓名和职务")
    body: str = Field("", description="督办机构，如财经委")
    user_id: OptionalId = Field(None, description="领导的账号 ID（可空；有账号时可查阅并收到通知）")
    note: str = Field("", description="督办要求")


class NoteIn(In):
    note: str = Field("", description="说明（可空）")


# --- units ------------------------------------------------------------------------------


class ReassignIn(In):
    reason: str = Field(description="申请调整的理由（至少 10 个字）")
    suggested_unit_id: OptionalId = Field(None, description="建议改由的单位 ID（可空）")


class ViewIn(In):
    text: str = Field(description="会办意见（至少 10 个字）")


class ContactIn(In):
    method: str = choices(ContactMethod, "联系方式")
    note: str = Field(description="沟通情况（至少 5 个字）")
    contacted_at: OptionalDatetime = Field(None, description="联系时间（可空：现在）")


class CommitmentIn(In):
    text: str = Field(description="承诺事项")
    due_date: OptionalDate = Field(None, description="计划完成时间（可空）")


class ReplyIn(In):
    """A unit's reply. Sent as multipart with the signed PDF under ``document``;
    ``commitments`` is then one form field holding a JSON array."""

    result_class: str = choices(ResultClass, "办理结果分类")
    text: str = Field(description="答复内容（至少 20 字）")
    signed_by: str = Field(description="签发人")
    contact_person: str = Field("", description="承办联系人")
    commitments: Annotated[
        list[CommitmentIn], BeforeValidator(_json_list), Field(max_length=50)
    ] = Field([], description='B 类答复的承诺事项：[{"text": …, "due_date": "2026-12-31"}]')


class ExtensionIn(In):
    new_due: Date = Field(description="申请延至的日期")
    reason: str = Field(description="理由（至少 10 个字）")


class ProgressIn(In):
    note: str = Field(description="进展情况（至少 5 个字）")
    percent: int = Field(ge=0, le=100, description="完成进度（0–100）")


class FulfilIn(In):
    note: str = Field(description="兑现情况（至少 5 个字）")


# --- filters ----------------------------------------------------------------------------


class SuggestionFilter(In):
    q: str = Field("", max_length=100, description="标题、内容或公开编号")
    kind: str = choices(Kind, "类型", "")
    state: str = choices(SuggestionState, "状态", "")
    year: OptionalYear = Field(None, description="年度")
    session_id: OptionalId = None
    timing: str = choices(Timing, "提出时间", "")
    category: str = Field("", max_length=40)
    result_class: str = choices(ResultClass, "办理结果", "")
    unit_id: OptionalId = Field(None, description="承办单位 ID")
    deputy_id: OptionalId = Field(None, description="提出代表 ID")
    region_code: str = Field("", max_length=20, description="区划代码：本区域及下级")
    supervised: str = choices(SupervisionKind, "督办类型", "")
    inbox: Literal["", "screen", "assign", "feedback"] = Field(
        "", description="screen 待审查 | assign 待交办 | feedback 待代表评价"
    )


class PublicFilter(In):
    q: str = Field("", max_length=100, description="标题、内容或公开编号")
    kind: str = choices(Kind, "类型", "")
    year: OptionalYear = Field(None, description="年度")
    category: str = Field("", max_length=40, description="类别代码")
    unit_id: OptionalId = Field(None, description="承办单位 ID")
    result_class: str = choices(ResultClass, "办理结果", "")


class CommitmentFilter(In):
    state: str = choices(CommitmentState, "状态", "")
    year: OptionalYear = Field(None, description="台账年度")
    unit_id: OptionalId = Field(None, description="承办单位 ID")


__all__ = [
    "AcceptIn",
    "AssignIn",
    "BatchIn",
    "CommitmentFilter",
    "CommitmentIn",
    "ContactIn",
    "DecideIn",
    "ExtensionDecideIn",
    "ExtensionIn",
    "FeedbackIn",
    "FulfilIn",
    "InviteIn",
    "NoteIn",
    "PlanIn",
    "ProgressIn",
    "PublicFilter",
    "ReasonIn",
    "ReassignIn",
    "RejectIn",
    "ReplyIn",
    "RequestDecideIn",
    "SuggestionCreateIn",
    "SuggestionFilter",
    "SuggestionUpdateIn",
    "SuperviseIn",
    "ViewIn",
]
