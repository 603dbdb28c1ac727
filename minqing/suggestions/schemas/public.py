"""Public output shapes: what anyone may read of a published motion or suggestion (公开,
past screening; never secret or private items). They carry the matter, its deputies'
names, the units handling it, the replies (unit, class, text, date) and the
commitments — never a contact name or phone number, a signer of a reply, a unit's
contact person, an internal note or a staff member's name."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Schema


class PublicSuggestionOut(Schema):
    code: str = Field(description="公开编号：GET /public/{code}")
    display_number: str
    kind: str
    kind_label: str
    title: str
    category: str
    year: int
    timing: str
    timing_label: str
    session_name: str | None
    region_name: str
    lead_deputy_name: str
    state: str
    state_label: str
    result_class: str
    result_class_label: str
    submitted_at: dt.datetime | None
    replied_at: dt.datetime | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_timing_label(obj) -> str:
        return str(obj.get_timing_display())

    @staticmethod
    def resolve_session_name(obj) -> str | None:
        return obj.session.name if obj.session_id else None

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_lead_deputy_name(obj) -> str:
        return obj.lead_deputy.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_result_class_label(obj) -> str:
        return str(obj.get_result_class_display()) if obj.result_class else ""


class PublicCommitmentOut(Schema):
    text: str
    due_date: dt.date | None
    state: str
    state_label: str
    fulfilled_at: dt.datetime | None

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class PublicReplyOut(Schema):
    unit_name: str
    round: int
    result_class: str
    result_class_label: str
    text: str
    date: dt.date
    commitments: list[PublicCommitmentOut]

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.assignment.unit.name

    @staticmethod
    def resolve_result_class_label(obj) -> str:
        return str(obj.get_result_class_display())

    @staticmethod
    def resolve_date(obj) -> dt.date:
        return timezone.localtime(obj.created_at).date()

    @staticmethod
    def resolve_commitments(obj) -> list:
        return list(obj.commitments.all())


class PublicUnitOut(Schema):
    name: str
    role: str
    role_label: str


class PublicEventOut(Schema):
    verb: str
    label: str
    date: dt.date
    note: str = Field(description="单位名称、新的答复期限或督办领导；其余步骤为空")


class PublicSuggestionDetailOut(PublicSuggestionOut):
    category_label: str
    grounds: str
    proposal: str
    deputies: list[str] = Field(description="提出代表（领衔代表在前）")
    units: list[PublicUnitOut] = Field(description="承办单位")
    supervisions: list[str] = Field(description="督办：类型和领导")
    replies: list[PublicReplyOut]
    events: list[PublicEventOut]

    @staticmethod
    def resolve_category_label(obj) -> str:
        return obj.api_category_label

    @staticmethod
    def resolve_deputies(obj) -> list[str]:
        return obj.api_deputies

    @staticmethod
    def resolve_units(obj) -> list:
        return obj.api_units

    @staticmethod
    def resolve_supervisions(obj) -> list[str]:
        return obj.api_supervisions

    @staticmethod
    def resolve_replies(obj) -> list:
        return obj.api_replies

    @staticmethod
    def resolve_events(obj) -> list:
        return obj.api_events
