"""API shapes of the 民情 loop.

Input shapes derive from :class:`In`, which words every schema-level refusal (a missing
field, a token that is not a UUID, a number that is not a number) in Chinese; the rules
of the matter itself (text length, mobile number, consent, categories …) are checked by
the actions, whose Chinese messages come back as ``422 {"detail": {field: [message]}}``.

Public output shapes (``Public*``) carry the matter, its public timeline and replies and
never a name, a phone number, an internal note or a staff member's name.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_core import ValidationError as PydanticValidationError

from minqing.opinions.models import (
    STAFF_CHANNELS,
    ContactMethod,
    DeclineReason,
    FileKind,
    Kind,
    Resolution,
    Satisfaction,
)

# --- Chinese messages for schema-level errors ----------------------------------------

_GENERIC = {
    "missing": gettext_lazy("此项为必填项"),
    "string_type": gettext_lazy("须为文字"),
    "bool_type": gettext_lazy("须为 true 或 false"),
    "bool_parsing": gettext_lazy("须为 true 或 false"),
    "int_type": gettext_lazy("须为整数"),
    "int_parsing": gettext_lazy("须为整数"),
    "int_from_float": gettext_lazy("须为整数"),
    "uuid_type": gettext_lazy("须为 UUID，例如 0b0e5c6a-3f7e-4e55-9d55-2f1f5a7c1e42"),
    "uuid_parsing": gettext_lazy("须为 UUID，例如 0b0e5c6a-3f7e-4e55-9d55-2f1f5a7c1e42"),
    "decimal_type": gettext_lazy("须为数字"),
    "decimal_parsing": gettext_lazy("须为数字"),
    "float_type": gettext_lazy("须为数字"),
    "float_parsing": gettext_lazy("须为数字"),
    "datetime_type": gettext_lazy("须为日期时间，例如 2026-05-08T09:30:00+08:00"),
    "datetime_parsing": gettext_lazy("须为日期时间，例如 2026-05-08T09:30:00+08:00"),
    "datetime_from_date_parsing": gettext_lazy("须为日期时间，例如 2026-05-08T09:30:00+08:00"),
    "literal_error": gettext_lazy("取值不在可选范围内"),
    "enum": gettext_lazy("取值不在可选范围内"),
    "model_type": gettext_lazy("须为 JSON 对象"),
    "dict_type": gettext_lazy("须为 JSON 对象"),
}


def _zh(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "string_too_long":
        return _("不能超过 %(n)s 个字") % {"n": ctx.get("max_length")}
    if kind in ("greater_than_equal", "greater_than"):
        return _("须不小于 %(n)s") % {"n": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("须不大于 %(n)s") % {"n": ctx.get("le", ctx.get("lt"))}
    if kind.startswith("zh_"):  # raised below, already in Chinese
        return error["msg"]
    return str(_GENERIC.get(kind, gettext_lazy("格式不正确")))


class In(Schema):
    """Base of every input shape: schema-level errors in Chinese, same locations."""

    @model_validator(mode="wrap")
    @classmethod
    def _chinese_errors(cls, data: Any, handler):
        try:
            return handler(data)
        except PydanticValidationError as exc:
            errors = [
                {
                    "type": PydanticCustomError(
                        e["type"], _zh(e).replace("{", "(").replace("}", ")")
                    ),
                    "loc": e["loc"],
                    "input": e.get("input"),
                }
                for e in exc.errors(include_url=False)
            ]
            raise PydanticValidationError.from_exception_data(exc.title, errors) from None


def _blank_is_none(value: Any) -> Any:
    # A form posts an empty optional field as "", which means "not given".
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _coordinate(value: Any) -> Any:
    value = _blank_is_none(value)
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise PydanticCustomError("zh_coordinate", _("坐标须为数字"))
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise PydanticCustomError("zh_coordinate", _("坐标须为数字")) from None
    if not number.is_finite():
        raise PydanticCustomError("zh_coordinate", _("坐标须为数字"))
    return number


def _bounded_datetime(value: Any) -> Any:
    # Outside these years a time zone shift overflows Python's datetime on the way to
    # the database; no meeting or phone call of this platform is that far away.
    if isinstance(value, dt.datetime) and not (2000 <= value.year <= 2100):
        raise PydanticCustomError("zh_datetime_range", _("日期须在 2000 年至 2100 年之间"))
    return value


Token = Annotated[
    uuid.UUID,
    Field(description="客户端生成的 UUID；重发同一请求时带同一个值，不会重复登记"),
]
Coordinate = Annotated[Decimal | None, BeforeValidator(_coordinate)]
# Ids fit a 64-bit column: a larger number is a 422 here, not an overflow in the database.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
OptionalId = Annotated[Id | None, BeforeValidator(_blank_is_none)]


BoundedDatetime = Annotated[dt.datetime, AfterValidator(_bounded_datetime)]
OptionalDatetime = Annotated[
    dt.datetime | None, BeforeValidator(_blank_is_none), AfterValidator(_bounded_datetime)
]


def _choices(choices: type[models.TextChoices] | list, description: str) -> Any:
    """A plain string documented with its allowed values. The action checks the value
    and answers with its own Chinese message (422), so the OpenAPI enum documents, and
    the action decides."""
    values = [str(c) for c in (choices.values if hasattr(choices, "values") else choices)]
    return Field(description=f"{description}（{' | '.join(values)}）")


# --- citizens' input -------------------------------------------------------------------


class _Matter(In):
    text: str = Field(description="反映内容，10–2000 字")
    kind: str = _choices(Kind, "类型：咨询、求助、投诉、举报、建议")
    category: str = Field("", description="分类代码（见区域设置的民情分类），可空")
    address: str = Field("", description="事发地址，可空")
    latitude: Coordinate = Field(None, description="纬度（-90–90），与经度同时填写")
    longitude: Coordinate = Field(None, description="经度（-180–180）")


class _Citizen(In):
    citizen_name: str = Field(description="姓名（只给办理人员看）")
    citizen_phone: str = Field(description="11 位手机号码（只给办理人员看；后四位用于查询）")
    consent: bool = Field(False, description="同意个人信息处理说明：必须为 true")


class OpinionSubmitIn(_Matter, _Citizen):
    """A citizen's opinion. Give ``station_code`` (the code on the station's QR poster)
    or ``region_code`` (a 行政区划 code, for the general web form)."""

    station_code: str = Field("", description="联络站代码（扫码反映）")
    region_code: str = Field("", description="区划代码（网上反映，未经联络站时）")
    channel: str = Field("qr", description="渠道：qr（扫码）| web（网上）")
    client_token: Token


class MeetingRequestIn(_Matter, _Citizen):
    station_code: str = Field(description="联络站代码")
    deputy_id: OptionalId = Field(None, description="希望约见的代表（可空：该站任一代表）")
    preferred_time: str = Field("", description="希望约见的时间，如“周六上午”，可空")
    client_token: Token


class TrackIn(In):
    code: str = Field(description="查询码")
    last4: str = Field(description="手机号后四位")


class RateIn(TrackIn):
    level: str = _choices(Satisfaction, "评价")
    comment: str = Field("", description="评价意见；不满意时必填")


# --- staff input -----------------------------------------------------------------------


class OpinionRegisterIn(_Matter):
    """An opinion staff register for a citizen (walk-in, booth, phone, letter …)."""

    station_id: OptionalId = Field(None, description="联络站 ID（与 region_code 二选一）")
    region_code: str = Field("", description="区划代码（不经联络站时）")
    channel: str = _choices(list(STAFF_CHANNELS), "登记渠道")
    client_token: Token
    citizen_name: str = Field("", description="群众姓名（必填）")
    citizen_phone: str = Field("", description="手机号码（来信可空）")
    consent: bool = False


class OpinionReportIn(_Matter):
    """A deputy's photo report (随手拍)."""

    station_id: OptionalId = Field(None, description="联络站 ID（可空：代表所在的第一个联络站）")
    client_token: Token


class AnswerIn(In):
    public_text: str = Field(description="当场答复内容（公开）")
    resolution: str = _choices(Resolution, "解决情况")
    internal_note: str = Field("", description="内部备注（仅工作人员可见）")


class NoteIn(In):
    note: str = Field("", description="说明（可空）")


class ClassifyIn(In):
    kind: str = _choices(Kind, "类型")
    category: str = Field("", description="分类代码，可空")


class MergeIn(In):
    master_code: str = Field(description="主件的查询码")


class DeclineIn(In):
    reason: str = _choices(DeclineReason, "不予受理原因")
    note: str = Field(description="告知群众的处理途径（公开，至少 5 个字）")


class ForwardIn(In):
    unit_id: Id = Field(description="承办单位 ID")
    instructions: str = Field("", description="交办意见")


class ReturnIn(In):
    reason: str = Field(description="退回理由（仅工作人员可见，至少 5 个字）")


class ContactIn(In):
    method: str = _choices(ContactMethod, "联系方式")
    note: str = Field(description="联系情况")
    contacted_at: OptionalDatetime = Field(None, description="联系时间（可空：现在）")


# A unit's reply carries what an answer on the spot does; only its text reads otherwise.
class ReplyIn(AnswerIn):
    public_text: str = Field(description="答复内容（公开，署承办单位名称）")


class ExtensionIn(In):
    working_days: int = Field(description="申请延长的工作日数")
    reason: str = Field(description="延期理由")


class DecideIn(In):
    approve: bool = Field(description="true 同意 / false 不同意")
    note: str = Field("", description="审批意见")


class MeetingAcceptIn(In):
    meet_at: BoundedDatetime = Field(description="约见时间（须晚于现在）")
    place: str = Field("", description="约见地点（可空：联络站地址）")


class MeetingDeclineIn(In):
    reason: str = Field(description="婉拒理由（群众可见）")


class OpinionFilter(In):
    q: str = Field("", description="内容、地址或查询码")
    state: str = ""
    kind: str = ""
    category: str = ""
    channel: str = ""
    station_id: OptionalId = None
    unit_id: OptionalId = None
    inbox: Literal["", "station", "office", "unit", "overdue"] = Field(
        "",
        description="station 联络站待处理 | office 待分办 | unit 本单位办理 | overdue 超期",
    )


class MeetingFilter(In):
    state: str = Field("", description="requested | accepted | declined")


# --- output ----------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


class SubmittedOut(Schema):
    code: str = Field(description="查询码：凭它和手机号后四位查看办理进度")
    state: str
    created_at: dt.datetime


class PublicEventOut(Schema):
    verb: str
    label: str
    created_at: dt.datetime
    unit: str | None = Field(None, description="转办时：承办单位名称")
    new_due: dt.date | None = Field(None, description="延期时：新的答复期限")


class PublicRatingOut(Schema):
    level: str
    level_label: str
    comment: str
    created_at: dt.datetime


class PublicReplyOut(Schema):
    responder: str = Field(description="答复单位（联络站、人大或承办单位的名称）")
    public_text: str
    resolution: str
    resolution_label: str
    created_at: dt.datetime
    rating: PublicRatingOut | None


class PublicMeetingOut(Schema):
    state: str
    state_label: str
    preferred_time: str
    meet_at: dt.datetime | None
    place: str
    decline_reason: str
    deputy_name: str | None


class PublicOpinionOut(Schema):
    code: str
    state: str
    state_label: str
    kind: str
    kind_label: str
    category: str
    category_label: str
    text: str
    station_name: str | None
    created_at: dt.datetime
    closed_at: dt.datetime | None
    merged_into: bool = Field(description="已与同类诉求合并：进度和答复为主件的")
    followed_state: str = Field(description="办理进度所跟随的事项（合并时为主件）的状态")
    reply_due: dt.date | None
    provisional: bool = Field(description="答复期限按尚未公布的节假日安排暂定")
    can_rate: bool
    decline_reason: str
    decline_reason_label: str
    decline_note: str
    photo_count: int
    events: list[PublicEventOut]
    replies: list[PublicReplyOut]
    meeting: PublicMeetingOut | None


class OpinionListOut(Schema):
    id: int
    code: str
    state: str
    state_label: str
    kind: str
    kind_label: str
    category: str
    channel: str
    channel_label: str
    summary: str
    region_code: str
    region_name: str
    station_id: int | None
    station_name: str | None
    unit_id: int | None
    unit_name: str | None
    reply_due: dt.date | None
    rehandle_count: int
    created_at: dt.datetime
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_channel_label(obj) -> str:
        return str(obj.get_channel_display())

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_station_name(obj) -> str | None:
        return obj.station.name if obj.station_id else None

    @staticmethod
    def resolve_unit_name(obj) -> str | None:
        return obj.unit.name if obj.unit_id else None


class AssignmentOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    round: int
    forwarded_at: dt.datetime
    instructions: str
    sign_due: dt.date
    contact_due: dt.date
    reply_due: dt.date
    deadline_provisional: bool
    extended_days: int
    signed_at: dt.datetime | None
    contacted_at: dt.datetime | None
    replied_at: dt.datetime | None
    returned_at: dt.datetime | None
    return_reason: str

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name


class FileOut(Schema):
    id: int
    kind: str
    name: str
    content_type: str
    size: int
    width: int | None
    height: int | None


class RatingOut(Schema):
    level: str
    comment: str
    created_at: dt.datetime


class ReplyOut(Schema):
    id: int
    kind: str
    responder: str
    public_text: str
    internal_note: str
    resolution: str
    assignment_id: int | None
    created_at: dt.datetime
    rating: RatingOut | None
    attachments: list[FileOut]

    @staticmethod
    def resolve_rating(obj):
        return getattr(obj, "rating", None)

    @staticmethod
    def resolve_attachments(obj):
        return list(obj.files.all())


class ContactOut(Schema):
    id: int
    assignment_id: int
    method: str
    contacted_at: dt.datetime
    note: str


class ExtensionOut(Schema):
    id: int
    assignment_id: int
    working_days: int
    reason: str
    state: str
    old_due: dt.date
    new_due: dt.date | None
    decided_at: dt.datetime | None
    decision_note: str
    created_at: dt.datetime


class EventOut(Schema):
    verb: str
    from_state: str
    to_state: str
    actor_name: str | None = Field(description="办理人员（仅工作人员可见）")
    note: str
    public: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_actor_name(obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class DeputyRefOut(Schema):
    id: int
    name: str


class MeetingOut(Schema):
    id: int
    opinion_id: int
    code: str
    summary: str
    station_id: int
    station_name: str
    deputy: DeputyRefOut | None
    preferred_time: str
    state: str
    state_label: str
    meet_at: dt.datetime | None
    place: str
    decline_reason: str
    decided_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_code(obj) -> str:
        return obj.opinion.code

    @staticmethod
    def resolve_summary(obj) -> str:
        return obj.opinion.summary

    @staticmethod
    def resolve_station_name(obj) -> str:
        return obj.station.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class OpinionDetailOut(OpinionListOut):
    text: str
    category_label: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    citizen_name: str | None = Field(description="仅对有权查看联系方式的人员返回，否则为 null")
    citizen_phone: str | None = Field(description="同上")
    consent_at: dt.datetime | None
    raised_by_deputy: DeputyRefOut | None
    master_code: str | None
    duplicate_codes: list[str]
    decline_reason: str
    decline_note: str
    satisfaction: str
    permissions: list[str] = Field(
        description="当前用户在此件上的权限：answer、triage、handle、view_contact"
    )
    assignments: list[AssignmentOut]
    replies: list[ReplyOut]
    contacts: list[ContactOut]
    extensions: list[ExtensionOut]
    photos: list[FileOut]
    timeline: list[EventOut]
    meeting: MeetingOut | None

    @staticmethod
    def resolve_category_label(obj) -> str:
        return getattr(obj, "api_category_label", "")

    @staticmethod
    def resolve_citizen_name(obj) -> str | None:
        # Only when the caller computed the right to see it (opinions.view_contact).
        return obj.citizen_name if getattr(obj, "api_view_contact", False) else None

    @staticmethod
    def resolve_citizen_phone(obj) -> str | None:
        return obj.citizen_phone if getattr(obj, "api_view_contact", False) else None

    @staticmethod
    def resolve_consent_at(obj) -> dt.datetime | None:
        return obj.consent_at if getattr(obj, "api_view_contact", False) else None

    @staticmethod
    def resolve_master_code(obj) -> str | None:
        return obj.master.code if obj.master_id else None

    @staticmethod
    def resolve_duplicate_codes(obj) -> list[str]:
        return [d.code for d in obj.duplicates.all()]

    @staticmethod
    def resolve_permissions(obj) -> list[str]:
        return getattr(obj, "api_permissions", [])

    @staticmethod
    def resolve_assignments(obj) -> list:
        return list(obj.assignments.all())

    @staticmethod
    def resolve_replies(obj) -> list:
        return list(obj.replies.all())

    @staticmethod
    def resolve_contacts(obj) -> list:
        return list(obj.contacts.all())

    @staticmethod
    def resolve_extensions(obj) -> list:
        return list(obj.extensions.all())

    @staticmethod
    def resolve_photos(obj) -> list:
        return [f for f in obj.files.all() if f.kind == FileKind.PHOTO]

    @staticmethod
    def resolve_timeline(obj) -> list:
        return getattr(obj, "api_timeline", [])

    @staticmethod
    def resolve_meeting(obj):
        return getattr(obj, "api_meeting", None)
