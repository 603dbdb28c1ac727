"""Output shapes of the motion and suggestion API for signed-in readers.

What a reader sees is decided by the selectors (``detail_for``: a co-handler only its
part; contact data only when ``show_contact``); these shapes only render it. The
private contact fields are null unless the caller may read them, and no list carries
them at all.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from minqing.opinions.schemas import EventOut


class RefOut(Schema):
    id: int
    name: str


class SessionOut(Schema):
    id: int
    congress_id: int
    congress_name: str
    number: int
    name: str
    start_date: dt.date
    end_date: dt.date

    @staticmethod
    def resolve_congress_name(obj) -> str:
        return obj.congress.name


class SuggestionListOut(Schema):
    id: int
    code: str = Field(description="公开编号（公开页面的地址用它）")
    number: int | None = Field(description="提交后的序号")
    display_number: str = Field(description="如 2026-0012；草稿为公开编号")
    kind: str
    kind_label: str
    state: str
    state_label: str
    title: str
    category: str
    year: int
    timing: str
    session_id: int | None
    session_name: str | None
    region_code: str
    region_name: str
    lead_deputy: RefOut
    disclosure: str
    handling_mode: str
    result_class: str
    satisfaction: str
    assign_due: dt.date | None
    feedback_due: dt.date | None
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    assigned_at: dt.datetime | None
    replied_at: dt.datetime | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_session_name(obj) -> str | None:
        return obj.session.name if obj.session_id else None

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name


class SignerOut(Schema):
    id: int
    deputy: RefOut
    is_lead: bool
    state: str
    state_label: str
    invited_at: dt.datetime
    answered_at: dt.datetime | None
    withdraw_agreed_at: dt.datetime | None

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class InvitationOut(SignerOut):
    """An invitation to co-sign (or a withdrawal to agree to), with its item."""

    suggestion: SuggestionListOut


class ContactOut(Schema):
    id: int
    method: str
    method_label: str
    contacted_at: dt.datetime
    note: str

    @staticmethod
    def resolve_method_label(obj) -> str:
        return str(obj.get_method_display())


class ExtensionOut(Schema):
    id: int
    assignment_id: int
    new_due: dt.date
    reason: str
    state: str
    decided_at: dt.datetime | None
    decision_note: str
    requested_at: dt.datetime


class ReassignRequestOut(Schema):
    id: int
    assignment_id: int
    reason: str
    suggested_unit: RefOut | None
    state: str
    requested_at: dt.datetime
    decide_due: dt.date
    decided_at: dt.datetime | None
    decision_note: str
    new_unit: RefOut | None


class PartListOut(Schema):
    """One unit's part of an item, without its records (lists)."""

    id: int
    unit: RefOut
    role: str
    role_label: str
    state: str
    state_label: str
    batch_id: int | None
    instructions: str
    assigned_at: dt.datetime
    reassign_due: dt.date
    view_due: dt.date | None
    reply_due: dt.date
    reply_due_original: dt.date
    deadline_provisional: bool
    accepted_at: dt.datetime | None
    contacted_at: dt.datetime | None
    answered_at: dt.datetime | None
    removed_at: dt.datetime | None
    on_time: bool | None

    @staticmethod
    def resolve_role_label(obj) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class AssignmentOut(PartListOut):
    """One unit's part as the item's page shows it, with its records."""

    view_text: str = Field(description="会办意见（会办单位写给主办单位）")
    contacts: list[ContactOut]
    extensions: list[ExtensionOut]
    reassign_requests: list[ReassignRequestOut]

    @staticmethod
    def resolve_contacts(obj) -> list:
        return list(obj.contacts.all())

    @staticmethod
    def resolve_extensions(obj) -> list:
        return list(obj.extensions.all())

    @staticmethod
    def resolve_reassign_requests(obj) -> list:
        return list(obj.reassign_requests.all())


class PartOut(PartListOut):
    """A unit's part with its item (the unit inbox, the office's overdue list)."""

    suggestion: SuggestionListOut


class FileOut(Schema):
    id: int
    kind: str
    name: str
    content_type: str
    size: int
    created_at: dt.datetime
    url: str = Field(description="下载地址（须登录且有权查看）")

    @staticmethod
    def resolve_url(obj) -> str:
        return f"/api/v1/suggestions/files/{obj.pk}"


class ProgressOut(Schema):
    note: str
    percent: int
    created_at: dt.datetime


class CommitmentOut(Schema):
    id: int
    suggestion_id: int
    reply_id: int
    unit: RefOut
    text: str
    due_date: dt.date | None
    state: str
    state_label: str
    first_year: int
    year: int
    carried_over: bool
    fulfilled_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class CommitmentListOut(CommitmentOut):
    suggestion_code: str
    suggestion_number: str
    suggestion_title: str

    @staticmethod
    def resolve_suggestion_code(obj) -> str:
        return obj.suggestion.code

    @staticmethod
    def resolve_suggestion_number(obj) -> str:
        return obj.suggestion.display_number

    @staticmethod
    def resolve_suggestion_title(obj) -> str:
        return obj.suggestion.title


class CommitmentDetailOut(CommitmentListOut):
    progress: list[ProgressOut]

    @staticmethod
    def resolve_progress(obj) -> list:
        return list(obj.progress.all())


class FeedbackOut(Schema):
    result_level: str
    contact_level: str
    comment: str
    created_at: dt.datetime


class ReplyOut(Schema):
    id: int
    assignment_id: int
    unit: RefOut
    round: int
    result_class: str
    result_class_label: str
    text: str
    signed_by: str
    contact_person: str
    created_at: dt.datetime
    files: list[FileOut]
    commitments: list[CommitmentOut]
    feedback: FeedbackOut | None

    @staticmethod
    def resolve_unit(obj):
        return obj.assignment.unit

    @staticmethod
    def resolve_result_class_label(obj) -> str:
        return str(obj.get_result_class_display())

    @staticmethod
    def resolve_files(obj) -> list:
        return list(obj.files.all())

    @staticmethod
    def resolve_commitments(obj) -> list:
        return list(obj.commitments.all())

    @staticmethod
    def resolve_feedback(obj):
        return getattr(obj, "feedback", None)


class SupervisionOut(Schema):
    id: int
    kind: str
    kind_label: str
    leader: str
    body: str
    user_id: int | None
    note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class SourceOut(Schema):
    opinion_id: int
    code: str
    state: str
    summary: str

    @staticmethod
    def resolve_code(obj) -> str:
        return obj.opinion.code

    @staticmethod
    def resolve_state(obj) -> str:
        return obj.opinion.state

    @staticmethod
    def resolve_summary(obj) -> str:
        return obj.opinion.summary


class SuggestionDetailOut(SuggestionListOut):
    """One item as the caller may see it (``selectors.detail_for``)."""

    grounds: str
    proposal: str
    disclosure_label: str
    contact_name: str | None = Field(description="仅人大工作人员和承办单位可见，否则为 null")
    contact_phone: str | None = Field(description="同上")
    reject_reason: str
    screen_note: str
    presidium_decision: str
    round: int
    rehandle_count: int
    withdraw_requested_at: dt.datetime | None
    deadline_provisional: bool
    accepted_at: dt.datetime | None
    converted_from_id: int | None
    converted_to_id: int | None
    permissions: list[str] = Field(
        description="当前用户在此件上的身份：manage（人大工作人员）、handle（承办单位）、"
        "view_contact、lead（领衔代表）、signer（联名代表）"
    )
    own_assignment_ids: list[int] = Field(description="当前用户所在单位承办的部分")
    signers: list[SignerOut]
    assignments: list[AssignmentOut] = Field(description="当前用户可见的承办部分")
    replies: list[ReplyOut]
    files: list[FileOut]
    supervisions: list[SupervisionOut]
    sources: list[SourceOut] = Field(description="来源民情（仅列出当前用户有权查看的）")
    commitments: list[CommitmentOut]
    timeline: list[EventOut]

    @staticmethod
    def resolve_disclosure_label(obj) -> str:
        return str(obj.get_disclosure_display())

    @staticmethod
    def resolve_contact_name(obj) -> str | None:
        return obj.contact_name if obj.api_view.show_contact else None

    @staticmethod
    def resolve_contact_phone(obj) -> str | None:
        return obj.contact_phone if obj.api_view.show_contact else None

    @staticmethod
    def resolve_converted_to_id(obj) -> int | None:
        converted = getattr(obj, "converted_to", None)
        return converted.pk if converted is not None else None

    @staticmethod
    def resolve_permissions(obj) -> list[str]:
        return obj.api_permissions

    @staticmethod
    def resolve_own_assignment_ids(obj) -> list[int]:
        return [a.pk for a in obj.api_view.own_assignments]

    @staticmethod
    def resolve_signers(obj) -> list:
        return obj.api_view.signers

    @staticmethod
    def resolve_assignments(obj) -> list:
        return obj.api_view.assignments

    @staticmethod
    def resolve_replies(obj) -> list:
        return obj.api_view.replies

    @staticmethod
    def resolve_files(obj) -> list:
        return obj.api_view.files

    @staticmethod
    def resolve_supervisions(obj) -> list:
        return obj.api_view.supervisions

    @staticmethod
    def resolve_sources(obj) -> list:
        return obj.api_sources

    @staticmethod
    def resolve_commitments(obj) -> list:
        return obj.api_view.commitments

    @staticmethod
    def resolve_timeline(obj) -> list:
        return obj.api_view.events


class BatchItemOut(Schema):
    assignment_id: int
    suggestion_id: int
    display_number: str
    title: str
    unit: RefOut
    role: str
    reply_due: dt.date


class BatchOut(Schema):
    id: int
    congress_id: int
    session_id: int | None
    created_at: dt.datetime
    size: int
    items: list[BatchItemOut]

    @staticmethod
    def resolve_items(obj) -> list[dict]:
        # The handler reads the batch's assignments (with item and unit) beforehand.
        return [
            {
                "assignment_id": a.pk,
                "suggestion_id": a.suggestion_id,
                "display_number": a.suggestion.display_number,
                "title": a.suggestion.title,
                "unit": a.unit,
                "role": a.role,
                "reply_due": a.reply_due,
            }
            for a in obj.api_items
        ]


class RequestOut(Schema):
    """A pending reassignment or extension request in the office's list."""

    id: int
    assignment_id: int
    unit: RefOut
    suggestion_id: int
    display_number: str
    title: str
    reason: str
    state: str
    requested_at: dt.datetime

    @staticmethod
    def resolve_unit(obj):
        return obj.assignment.unit

    @staticmethod
    def resolve_suggestion_id(obj) -> int:
        return obj.assignment.suggestion_id

    @staticmethod
    def resolve_display_number(obj) -> str:
        return obj.assignment.suggestion.display_number

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.assignment.suggestion.title


class ReassignListOut(RequestOut):
    suggested_unit: RefOut | None
    decide_due: dt.date


class ExtensionListOut(RequestOut):
    new_due: dt.date
    reply_due: dt.date

    @staticmethod
    def resolve_reply_due(obj) -> dt.date:
        return obj.assignment.reply_due
