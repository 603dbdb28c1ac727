"""Output shapes of the duty work API for signed-in readers.

What a reader sees is decided by the selectors (``activities_visible``,
``reports_visible`` …); these shapes only render it. No shape here carries a deputy's
contact data, a plain ballot code (except :class:`IssuedCodesOut`, the one answer that
prints them) or which ballot a code cast.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from minqing.opinions.schemas import EventOut


class RefOut(Schema):
    id: int
    name: str


class StationRefOut(Schema):
    id: int
    name: str
    code: str = Field(description="联络站公开码（民情码）")
    address: str


def _label(obj, field: str) -> str:
    return str(getattr(obj, f"get_{field}_display")()) if getattr(obj, field) else ""


# --- activities ------------------------------------------------------------------------


class ActivityListOut(Schema):
    id: int
    kind: str
    kind_label: str
    meeting_type: str
    meeting_type_label: str
    title: str
    date: dt.date
    end_date: dt.date | None
    place: str
    organiser_kind: str
    organiser_kind_label: str
    station: RefOut | None
    group: RefOut | None
    reported_by: RefOut | None = Field(description="自行登记的代表")
    region_code: str
    region_name: str
    state: str
    state_label: str
    extra_visitors: int = Field(description="接待活动：未登记为民情的来访群众人次")
    deputy_count: int | None = Field(None, description="参加代表人数（列表中；已移除的不计）")
    unified_post_id: int | None = Field(description="统一接待日的接待站点")
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return _label(obj, "kind")

    @staticmethod
    def resolve_deputy_count(obj) -> int | None:
        return getattr(obj, "deputy_count", None)

    @staticmethod
    def resolve_meeting_type_label(obj) -> str:
        return _label(obj, "meeting_type")

    @staticmethod
    def resolve_organiser_kind_label(obj) -> str:
        return _label(obj, "organiser_kind")

    @staticmethod
    def resolve_state_label(obj) -> str:
        return _label(obj, "state")

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name


class ParticipationOut(Schema):
    id: int
    activity_id: int
    deputy: RefOut
    attendance: str
    attendance_label: str
    state: str
    state_label: str
    dispute_reason: str
    answered_at: dt.datetime | None
    checked_in_at: dt.datetime | None

    @staticmethod
    def resolve_attendance_label(obj) -> str:
        return _label(obj, "attendance")

    @staticmethod
    def resolve_state_label(obj) -> str:
        return _label(obj, "state")


class MyParticipationOut(ParticipationOut):
    """One of the caller's own participations, with its activity."""

    activity: ActivityListOut


class FileOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    content_type: str
    size: int
    created_at: dt.datetime
    url: str = Field(description="下载地址（须登录且能查看该活动）")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return _label(obj, "kind")

    @staticmethod
    def resolve_url(obj) -> str:
        return f"/api/v1/duties/activities/{obj.activity_id}/files/{obj.pk}"


class ActivityDetailOut(ActivityListOut):
    """One activity as the caller may see it, with its deputies, files and timeline."""

    summary: str
    review_note: str
    permissions: list[str] = Field(
        description="当前用户可做的操作：manage（组织方管理）、review（审核）、edit、"
        "resubmit、cancel、attach（上传照片和报告）、add（增加代表）"
    )
    my_participation_id: int | None = Field(description="当前用户（代表）在该活动中的记录")
    participations: list[ParticipationOut]
    files: list[FileOut]
    timeline: list[EventOut]

    @staticmethod
    def resolve_permissions(obj) -> list[str]:
        return obj.api_permissions

    @staticmethod
    def resolve_my_participation_id(obj) -> int | None:
        return obj.api_my_participation_id

    @staticmethod
    def resolve_participations(obj) -> list:
        return list(obj.participations.all())

    @staticmethod
    def resolve_files(obj) -> list:
        return list(obj.files.all())

    @staticmethod
    def resolve_timeline(obj) -> list:
        return obj.api_timeline


# --- reception -------------------------------------------------------------------------


class SlotOut(Schema):
    id: int
    post_id: int
    deputy: RefOut
    start_time: dt.time
    end_time: dt.time
    state: str
    state_label: str
    notified_at: dt.datetime | None
    checked_in_at: dt.datetime | None

    @staticmethod
    def resolve_state_label(obj) -> str:
        return _label(obj, "state")


class PostOut(Schema):
    id: int
    station: StationRefOut
    reception_day_id: int | None
    slots: list[SlotOut]

    @staticmethod
    def resolve_slots(obj) -> list:
        return list(obj.slots.all())


class UnifiedDayOut(Schema):
    id: int
    region_code: str
    region_name: str
    date: dt.date
    title: str
    start_time: dt.time
    end_time: dt.time
    note: str
    state: str
    state_label: str
    notified_at: dt.datetime | None
    closed_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return _label(obj, "state")


class UnifiedDayListOut(UnifiedDayOut):
    n_stations: int = Field(description="接待站点数")
    n_assigned: int = Field(description="值班代表数")
    n_present: int = Field(description="已签到代表数")


class UnifiedDayDetailOut(UnifiedDayOut):
    """A unified reception day with its stations (posts) and the deputies on duty."""

    permissions: list[str] = Field(description="manage：当前用户可安排、通知、开始、结束、取消")
    final_tally: dict = Field(description="结束时保存的最终统计（未结束为空）")
    posts: list[PostOut]

    @staticmethod
    def resolve_permissions(obj) -> list[str]:
        return obj.api_permissions

    @staticmethod
    def resolve_final_tally(obj) -> dict:
        return obj.tally or {}

    @staticmethod
    def resolve_posts(obj) -> list:
        return obj.api_posts


class NotifiedOut(Schema):
    notified: int = Field(description="本次通知的代表人数")
    day: UnifiedDayDetailOut


class PostTallyOut(Schema):
    post_id: int
    station_id: int
    station: str
    deputies: int
    present: int
    voters: int
    items: int
    answered: int


class TallyOut(Schema):
    """The figures of a unified reception day (seed 002): deputies on duty and present,
    voters received, items taken, answered on the spot — for the day and per station."""

    stations: int
    stations_open: int
    deputies: int
    present: int
    voters: int
    items: int
    answered: int
    at: str = Field(description="统计时刻（HH:MM:SS）")
    final: bool = Field(description="true：接待日已结束，为保存的最终统计")
    posts: list[PostTallyOut]


class MySlotOut(SlotOut):
    """One of the caller's duty slots, with its day and station."""

    day: UnifiedDayOut
    station: StationRefOut

    @staticmethod
    def resolve_day(obj):
        return obj.post.day

    @staticmethod
    def resolve_station(obj):
        return obj.post.station


class ReceptionActivityOut(ActivityListOut):
    participations: list[ParticipationOut]

    @staticmethod
    def resolve_participations(obj) -> list:
        return list(obj.participations.all())


class ReceptionDeputyOut(Schema):
    """A deputy on the station's reception day: on duty (with the slot) or sitting at
    the station, and when they checked in (null: not yet)."""

    deputy: RefOut
    slot_id: int | None
    start_time: dt.time | None
    end_time: dt.time | None
    seated: bool = Field(description="进站代表")
    checked_in_at: dt.datetime | None

    @staticmethod
    def resolve_slot_id(obj) -> int | None:
        return obj.slot.pk if obj.slot is not None else None

    @staticmethod
    def resolve_start_time(obj) -> dt.time | None:
        return obj.slot.start_time if obj.slot is not None else None

    @staticmethod
    def resolve_end_time(obj) -> dt.time | None:
        return obj.slot.end_time if obj.slot is not None else None


class StationReceptionOut(Schema):
    """What a station sees on a reception day (the station's reception page): today's
    reception activities with who checked in, the deputies on duty or sitting there,
    and the figures."""

    station: StationRefOut
    date: dt.date
    day_id: int | None = Field(description="今天的统一接待日（如有）")
    activities: list[ReceptionActivityOut]
    slots: list[SlotOut]
    deputies: list[ReceptionDeputyOut]
    items: int = Field(description="今日登记的民情件数")
    answered: int = Field(description="当场答复件数")
    voters: int = Field(description="接待人次")
    extra_visitors: int = Field(description="其中未登记为民情的来访人次")
    can_record: bool


# --- reports to voters -----------------------------------------------------------------


class ReportListOut(Schema):
    id: int
    deputy: RefOut
    station: RefOut | None
    region_code: str
    region_name: str
    title: str
    date: dt.date
    start_time: dt.time | None
    place: str
    voter_count: int
    state: str
    state_label: str
    verdict: str
    verdict_label: str
    reported_at: dt.datetime | None
    voting_opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return _label(obj, "state")

    @staticmethod
    def resolve_verdict_label(obj) -> str:
        return _label(obj, "verdict")


class FiguresOut(Schema):
    """Codes and ballots of a report (``selectors_reports.report_figures``). Which serial
    voted is never shown, nor any ballot's choice; the running split by choice only to
    the staff running the meeting, and to every reader once closed."""

    issued: int
    used: int
    voided: int
    usable: int
    phone: int = Field(description="手机投票数")
    paper: int = Field(description="纸质票数")
    ballots: int = Field(description="已投票数")
    seats_left: int = Field(description="尚未发码也未投票的选民代表")
    split: dict[str, int] | None = Field(
        description="各评议意见票数（主持会议的工作人员可见；结束后所有可见者可见）"
    )


def figures_out(figures, flags: dict[str, bool]) -> dict:
    return {
        "issued": figures.issued,
        "used": figures.used,
        "voided": figures.voided,
        "usable": figures.usable,
        "phone": figures.phone,
        "paper": figures.paper,
        "ballots": figures.ballots,
        "seats_left": figures.seats_left,
        "split": {c: n for c, _label, n in figures.rows} if flags["split"] else None,
    }


class VoidedCodeOut(Schema):
    serial: int
    void_reason: str
    voided_at: dt.datetime


class ReportDetailOut(ReportListOut):
    """A report to voters with its stored result (after closing) and its figures."""

    report_text: str
    competent: int = Field(description="称职票（结束时保存）")
    basic: int
    incompetent: int
    void: int
    valid_ballots: int
    competent_percent: float | None = Field(description="结束时适用的称职线（%）")
    basic_percent: float | None = Field(description="结束时适用的基本称职线（%）")
    figures: FiguresOut
    voided_codes: list[VoidedCodeOut]
    permissions: list[str] = Field(
        description="run（主持会议）、is_deputy（述职代表本人）、edit、record、issue、"
        "void、open、paper、close、cancel、split（可见各意见票数）"
    )
    timeline: list[EventOut]

    @staticmethod
    def resolve_figures(obj) -> dict:
        return figures_out(obj.api_figures, obj.api_flags)

    @staticmethod
    def resolve_voided_codes(obj) -> list:
        return obj.api_voided

    @staticmethod
    def resolve_permissions(obj) -> list[str]:
        return [k for k, v in obj.api_flags.items() if v]

    @staticmethod
    def resolve_timeline(obj) -> list:
        return obj.api_timeline


class CountsOut(FiguresOut):
    """The live figures of a report's ballots (what the big screen shows), and the
    verdict once closed."""

    state: str
    voter_count: int
    verdict: str = Field(description="结束后的评议结果；评议中为空")


class IssuedCodeOut(Schema):
    serial: int
    code: str = Field(description="测评码原文（只在本次答复中出现）")
    display: str = Field(description="分组显示，便于打印和朗读")


class IssuedCodesOut(Schema):
    report_id: int
    count: int
    codes: list[IssuedCodeOut]
    notice: str
