"""Input shapes of the duty work API.

They derive from the opinions API's :class:`~minqing.opinions.schemas.In`, so every
schema-level refusal (a missing field, a word where a number belongs) is worded in
Chinese. The rules of the matter (lengths, dates, choices, who may do what) are the
actions': their Chinese messages come back as ``422 {"detail": {field: [message]}}``.
Ids, years, dates, counts and list sizes are bounded here so that no value reaches the
database as an overflow.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field
from pydantic import BeforeValidator

from minqing.duties.models import (
    ActivityKind,
    ActivityState,
    Attendance,
    BallotChoice,
    MeetingType,
    OrganiserKind,
    ParticipationState,
    PointSource,
    ReportState,
    UnifiedDayState,
)
from minqing.opinions.schemas import In
from minqing.people.models import CongressLevel
from minqing.suggestions.schemas.inputs import (
    MAX_IDS,
    Date,
    Id,
    Ids,
    OptionalDate,
    OptionalId,
    OptionalYear,
    Year,
    choices,
)

# A report meeting has at most 2000 representatives (actions.reports); a count beyond
# this is a typing slip, refused before it reaches a loop or the database.
MAX_COUNT = 10_000
MAX_SERIAL = 2**31 - 1


def _blank_is_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


OptionalTime = Annotated[dt.time | None, BeforeValidator(_blank_is_none)]
OptionalDecimal = Annotated[Decimal | None, BeforeValidator(_blank_is_none)]
Count = Annotated[int, Field(ge=-MAX_COUNT, le=MAX_COUNT)]
Quarter = Annotated[int, Field(ge=1, le=4, description="季度（1–4）")]
Level = Annotated[int, Field(ge=0, le=9)]


# --- activities ------------------------------------------------------------------------


class _ActivityFields(In):
    kind: str = choices(ActivityKind, "活动类型")
    title: str = Field(description="活动名称（2–120 字）")
    date: Date = Field(description="活动日期（不晚于今天，400 天以内）")
    end_date: OptionalDate = Field(None, description="结束日期（多日活动）")
    place: str = Field("", description="活动地点")
    summary: str = Field("", description="活动内容")

    def data(self) -> dict[str, Any]:
        return self.model_dump(include={"title", "date", "end_date", "place", "summary"})


class ActivityRecordIn(_ActivityFields):
    """An activity an organiser records: the office (``region_code``), a station's staff
    (``station_id``) or a group leader (``group_id``). Each listed deputy confirms it.
    Attendance: the deputies in ``leave_ids`` were on leave, those in ``absent_ids``
    absent, everyone else present."""

    meeting_type: str = choices(MeetingType, "会议类型（参加会议时必填）", "")
    deputy_ids: Ids = Field([], description="参加代表 ID")
    leave_ids: Ids = Field([], description="请假的代表 ID（须在 deputy_ids 中）")
    absent_ids: Ids = Field([], description="缺席的代表 ID（须在 deputy_ids 中）")
    station_id: OptionalId = Field(None, description="联络站组织：联络站 ID")
    group_id: OptionalId = Field(None, description="代表小组组织：小组 ID")
    region_code: str = Field("", max_length=24, description="人大机关组织：区划代码")

    def data(self) -> dict[str, Any]:
        return {**super().data(), "meeting_type": self.meeting_type}


class ActivityReportIn(_ActivityFields):
    """A deputy's own activity, for approval (not meetings: the office records those)."""

    station_id: OptionalId = Field(None, description="在联络站开展：联络站 ID（由其工作人员审核）")
    group_id: OptionalId = Field(None, description="代表小组活动：小组 ID（由组长审核）")
    codeputy_ids: Ids = Field([], description="一同参加的代表 ID（各自确认）")


class ActivityUpdateIn(In):
    """Corrections: only the fields sent change (``end_date: null`` clears it)."""

    title: str | None = None
    date: OptionalDate = None
    end_date: OptionalDate = None
    place: str | None = None
    summary: str | None = None
    meeting_type: str | None = None


class ActivityFilter(In):
    q: str = Field("", max_length=100, description="活动名称或地点")
    kind: str = choices(ActivityKind, "活动类型", "")
    state: str = choices(ActivityState, "状态", "")
    organiser_kind: str = choices(OrganiserKind, "组织方", "")
    station_id: OptionalId = Field(None, description="联络站 ID")
    group_id: OptionalId = Field(None, description="代表小组 ID")
    deputy_id: OptionalId = Field(None, description="参加代表 ID")
    region_code: str = Field("", max_length=24, description="区划代码：本区域及下级")
    date_from: OptionalDate = Field(None, description="活动日期起")
    date_to: OptionalDate = Field(None, description="活动日期止")
    inbox: Literal["", "approvals"] = Field("", description="approvals 待我审核的代表自行登记")


class NoteIn(In):
    note: str = Field("", description="说明")


class AddDeputiesIn(In):
    deputy_ids: Ids = Field(description="增加的代表 ID")
    attendance: str = choices(Attendance, "出席情况", Attendance.PRESENT)


class ReasonIn(In):
    reason: str = Field(description="异议理由（至少 5 个字）")


class AttendanceIn(In):
    attendance: str = choices(Attendance, "出席情况")


class ParticipationFilter(In):
    state: str = choices(ParticipationState, "确认状态", "")


# --- reception -------------------------------------------------------------------------


class UnifiedDayCreateIn(In):
    region_code: str = Field(max_length=24, description="区划代码：本区域运行中的线下联络站")
    title: str = Field(description="主题")
    date: Date = Field(description="接待日期（不早于今天）")
    start_time: dt.time = Field(description="开始时间，如 09:00")
    end_time: dt.time = Field(description="结束时间，如 11:30")
    note: str = Field("", description="工作要求")
    station_ids: Annotated[list[Id], Field(max_length=5000)] | None = Field(
        None, description="参加的联络站 ID；不填为区域内全部运行中的线下联络站"
    )


class UnifiedDayUpdateIn(In):
    title: str | None = None
    date: OptionalDate = None
    start_time: OptionalTime = None
    end_time: OptionalTime = None
    note: str | None = None


class UnifiedDayFilter(In):
    q: str = Field("", max_length=50, description="主题")
    state: str = choices(UnifiedDayState, "状态", "")
    region_code: str = Field("", max_length=24, description="区划代码：本区域及下级")
    date_from: OptionalDate = None
    date_to: OptionalDate = None


class SlotAssignIn(In):
    post_id: Id = Field(description="接待站点 ID（见接待日详情的 posts）")
    deputy_ids: Ids = Field(description="值班代表 ID")
    start_time: OptionalTime = Field(None, description="值班开始时间；不填为接待日开始时间")
    end_time: OptionalTime = Field(None, description="值班结束时间；不填为接待日结束时间")


class CheckInIn(In):
    deputy_id: OptionalId = Field(None, description="工作人员代为签到的代表 ID；代表本人签到不填")


class VisitorsIn(In):
    count: Count = Field(description="增加（负数为更正减少）的接待人次")


# --- reports to voters -----------------------------------------------------------------


class ReportScheduleIn(In):
    deputy_id: Id = Field(description="述职代表 ID")
    station_id: OptionalId = Field(None, description="在联络站召开：联络站 ID")
    title: str = Field(description="会议名称")
    date: Date = Field(description="会议日期")
    start_time: OptionalTime = Field(None, description="开始时间")
    place: str = Field(description="会议地点")
    voter_count: Annotated[int, Field(ge=0, le=MAX_COUNT)] = Field(
        description="选民代表人数（1–2000）"
    )


class ReportUpdateIn(In):
    title: str | None = None
    date: OptionalDate = None
    start_time: OptionalTime = None
    place: str | None = None
    voter_count: Annotated[int, Field(ge=0, le=MAX_COUNT)] | None = None


class ReportRecordIn(In):
    report_text: str = Field(description="述职报告（至少 20 字）")


class CodesIssueIn(In):
    count: Annotated[int, Field(ge=0, le=MAX_COUNT)] = Field(description="发放测评码的数量")


class CodeVoidIn(In):
    serial: Annotated[int, Field(ge=1, le=MAX_SERIAL)] = Field(description="测评码序号")
    reason: str = Field(description="作废原因")


class PaperIn(In):
    competent: Annotated[int, Field(ge=0, le=MAX_COUNT)] = Field(0, description="称职")
    basic: Annotated[int, Field(ge=0, le=MAX_COUNT)] = Field(0, description="基本称职")
    incompetent: Annotated[int, Field(ge=0, le=MAX_COUNT)] = Field(0, description="不称职")
    void: Annotated[int, Field(ge=0, le=MAX_COUNT)] = Field(0, description="废票")


class ReportFilter(In):
    q: str = Field("", max_length=40, description="会议名称或代表姓名")
    state: str = choices(ReportState, "状态", "")
    when: Literal["", "upcoming", "past"] = Field(
        "", description="upcoming 尚未结束的会议（由近及远）| past 已过去的"
    )
    deputy_id: OptionalId = None
    station_id: OptionalId = None
    year: OptionalYear = None
    region_code: str = Field("", max_length=24, description="区划代码：本区域及下级")


# --- points, rankings, awards ----------------------------------------------------------


class YearQuery(In):
    year: OptionalYear = Field(None, description="年度；不填为今年")


class RulesQuery(In):
    region_code: str = Field(max_length=24, description="区划代码")


class RuleSetIn(In):
    region_code: str = Field(max_length=24, description="区划代码：本区域及下级适用")
    source: str = choices(PointSource, "积分项目")
    points: Decimal = Field(description="每次分值（一位小数；缺席扣分为负数）")
    annual_cap: OptionalDecimal = Field(None, description="年度上限；不填为不设上限")


class RankingScopeIn(In):
    region_code: str = Field("", max_length=24, description="区划代码（按小组排名时可空）")
    level: Level = choices(CongressLevel, "代表层级")
    year: Year = Field(description="年度")
    quarter: Quarter
    group_id: OptionalId = Field(None, description="代表小组 ID（按小组排名）")


class RankingFilter(In):
    year: OptionalYear = None
    quarter: Annotated[int, Field(ge=1, le=4)] | None = None
    level: Level | None = choices(CongressLevel, "代表层级", None)
    state: str = Field("", description="published | withdrawn")


class AwardIn(In):
    deputy_id: Id = Field(description="代表 ID")
    title: str = Field(description="表彰名称")
    issuer: str = Field(description="授予单位")
    date: Date = Field(description="表彰日期（不晚于今天）")
    note: str = Field("", description="说明")


class AwardFilter(In):
    deputy_id: OptionalId = None
    year: OptionalYear = None


# --- public ----------------------------------------------------------------------------


class PublicRankingFilter(In):
    year: OptionalYear = None
    quarter: Annotated[int, Field(ge=1, le=4)] | None = None
    level: Level | None = choices(CongressLevel, "代表层级", None)
    region_code: str = Field("", max_length=24, description="区划代码：本区域及下级")


class BallotIn(In):
    code: str = Field(max_length=64, description="测评票上的测评码")
    choice: str = choices(
        [BallotChoice.COMPETENT, BallotChoice.BASIC, BallotChoice.INCOMPETENT], "评议意见"
    )


__all__ = [
    "MAX_IDS",
    "ActivityFilter",
    "ActivityRecordIn",
    "ActivityReportIn",
    "ActivityUpdateIn",
    "AddDeputiesIn",
    "AttendanceIn",
    "AwardFilter",
    "AwardIn",
    "BallotIn",
    "CheckInIn",
    "CodeVoidIn",
    "CodesIssueIn",
    "NoteIn",
    "PaperIn",
    "ParticipationFilter",
    "PublicRankingFilter",
    "RankingFilter",
    "RankingScopeIn",
    "ReasonIn",
    "ReportFilter",
    "ReportRecordIn",
    "ReportScheduleIn",
    "ReportUpdateIn",
    "RuleSetIn",
    "RulesQuery",
    "SlotAssignIn",
    "UnifiedDayCreateIn",
    "UnifiedDayFilter",
    "UnifiedDayUpdateIn",
    "VisitorsIn",
    "YearQuery",
]
