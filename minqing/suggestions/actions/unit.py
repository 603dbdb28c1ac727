"""What handling units do: sign, ask for reassignment, send a co-handler's view, contact
the deputies, reply with a result class and the signed document, ask for more time,
and keep the class-B commitments until they are fulfilled.

Every action here needs ``suggestions.handle`` on the assignment (its unit's staff).
A unit never passes an item on itself: it applies, and the office decides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core import audit
from minqing.core.calendar import add_months
from minqing.core.config import settings_for
from minqing.core.states import log_event, transition
from minqing.people.models import HandlingUnit
from minqing.suggestions import permissions as perms
from minqing.suggestions.actions._common import (
    deputy_users,
    lock,
    lock_assignment,
    notify_later,
    office_users,
    require_text,
    staff_url,
    store_files,
    today,
    unit_users,
    working_deadline,
)
from minqing.suggestions.actions.feedback import feedback_due_for
from minqing.suggestions.models import (
    ANSWERING_ROLES,
    Assignment,
    AssignmentState,
    Commitment,
    CommitmentProgress,
    CommitmentState,
    Contact,
    ContactMethod,
    Extension,
    FileKind,
    ReassignRequest,
    Reply,
    RequestState,
    ResultClass,
    Suggestion,
    SuggestionState,
    UnitRole,
)
from minqing.suggestions.states import (
    ASSIGNMENT_STATES,
    COMMITMENT_STATES,
    SUGGESTION_STATES,
)


def _locked(actor, assignment: Assignment) -> Assignment:
    perms.require_handle(actor, assignment)
    return lock_assignment(assignment)


def _require_in_handling(assignment: Assignment) -> None:
    if assignment.suggestion.state not in (
        SuggestionState.ASSIGNED,
        SuggestionState.REPLIED,
        SuggestionState.REHANDLING,
    ):
        raise ValidationError(_("这件议案建议已经办结，不能再办理"))


@transaction.atomic(durable=True)
def assignment_accept(*, actor, assignment: Assignment) -> Assignment:
    """The unit signs for its part (签收) while it is pending."""
    assignment = _locked(actor, assignment)
    _require_in_handling(assignment)
    assignment.accepted_at = timezone.now()
    transition(
        assignment,
        table=ASSIGNMENT_STATES,
        to=AssignmentState.ACCEPTED,
        actor=actor,
        verb="accept",
        update_fields=("accepted_at",),
    )
    log_event(
        assignment.suggestion,
        workflow=SUGGESTION_STATES.name,
        verb="unit_accept",
        actor=actor,
        public=True,
        note=assignment.unit.name,
    )
    audit.record(
        actor=actor,
        verb="suggestion.unit_accept",
        obj=assignment.suggestion,
        after={"assignment": assignment.pk, "unit": assignment.unit_id},
    )
    return assignment


@transaction.atomic(durable=True)
def reassign_request(
    *,
    actor,
    assignment: Assignment,
    reason: str,
    suggested_unit: HandlingUnit | None = None,
) -> ReassignRequest:
    """Apply for reassignment (申请调整交办) within ``suggestion.reassign_apply_working_days``
    of assignment, while pending or accepted and not yet answered. The unit keeps the
    item until the office decides within ``suggestion.reassign_decide_working_days``.
    Notifies the office."""
    assignment = _locked(actor, assignment)
    if today() > assignment.reassign_due:
        raise ValidationError(
            _("申请调整交办的期限（%(due)s）已过，请继续办理")
            % {"due": assignment.reassign_due.isoformat()}
        )
    reason = require_text(reason, "reason", _("申请理由"), minimum=10, maximum=2000)
    cfg = settings_for(assignment.suggestion.region)
    due = working_deadline(today(), cfg["suggestion.reassign_decide_working_days"])
    transition(
        assignment,
        table=ASSIGNMENT_STATES,
        to=AssignmentState.REASSIGNING,
        actor=actor,
        note=reason,
    )
    request = ReassignRequest.objects.create(
        assignment=assignment,
        reason=reason,
        suggested_unit=suggested_unit,
        requested_by=actor,
        decide_due=due.due,
    )
    audit.record(
        actor=actor,
        verb="suggestion.reassign_request",
        obj=assignment.suggestion,
        after={"assignment": assignment.pk, "request": request.pk},
    )
    suggestion = assignment.suggestion
    notify_later(
        office_users(suggestion),
        verb="suggestion.reassign_request",
        title=_("%(unit)s申请调整交办「%(title)s」，请在%(due)s前决定")
        % {"unit": assignment.unit.name, "title": suggestion.title, "due": due.due.isoformat()},
        url=staff_url(suggestion),
    )
    return request


@transaction.atomic(durable=True)
def cohandler_view(*, actor, assignment: Assignment, text: str) -> Assignment:
    """A co-handling unit sends its view to the lead unit (会办意见), once accepted;
    due within ``suggestion.cohandler_view_months``. Notifies the lead unit."""
    assignment = _locked(actor, assignment)
    _require_in_handling(assignment)
    if assignment.role != UnitRole.CO:
        raise ValidationError(_("只有会办单位向主办单位提出会办意见"))
    assignment.view_text = require_text(text, "text", _("会办意见"), minimum=10)
    assignment.answered_at = timezone.now()
    assignment.on_time = assignment.view_due is None or today() <= assignment.view_due
    transition(
        assignment,
        table=ASSIGNMENT_STATES,
        to=AssignmentState.ANSWERED,
        actor=actor,
        update_fields=("view_text", "answered_at", "on_time"),
    )
    audit.record(
        actor=actor,
        verb="suggestion.cohandler_view",
        obj=assignment.suggestion,
        after={"assignment": assignment.pk, "on_time": assignment.on_time},
    )
    leads = [
        a.unit
        for a in assignment.suggestion.assignments.filter(role=UnitRole.LEAD)
        .exclude(state=AssignmentState.REMOVED)
        .select_related("unit")
    ]
    notify_later(
        unit_users(*leads),
        verb="suggestion.cohandler_view",
        title=_("%(unit)s对「%(title)s」提出了会办意见")
        % {"unit": assignment.unit.name, "title": assignment.suggestion.title},
        url=staff_url(assignment.suggestion),
    )
    return assignment


@transaction.atomic(durable=True)
def assignment_contact(
    *,
    actor,
    assignment: Assignment,
    method: str,
    note: str,
    contacted_at: dt.datetime | None = None,
) -> Contact:
    """Record a contact with the deputies (走访、座谈、电话…) while the unit holds the
    item. The first one sets ``contacted_at``; a reply needs at least one."""
    assignment = _locked(actor, assignment)
    if assignment.state not in (AssignmentState.ACCEPTED, AssignmentState.ANSWERED):
        raise ValidationError(_("请先签收，再记录与代表的联系"))
    if method not in ContactMethod.values:
        raise ValidationError({"method": [_("请选择联系方式")]})
    note = require_text(note, "note", _("沟通情况"), minimum=5, maximum=2000)
    when = contacted_at or timezone.now()
    if when > timezone.now():
        raise ValidationError({"contacted_at": [_("联系时间不能晚于现在")]})
    contact = Contact.objects.create(
        assignment=assignment, method=method, contacted_at=when, note=note, recorded_by=actor
    )
    if assignment.contacted_at is None or when < assignment.contacted_at:
        assignment.contacted_at = when
        assignment.save(update_fields=["contacted_at"])
    log_event(
        assignment.suggestion,
        workflow=SUGGESTION_STATES.name,
        verb="contact",
        actor=actor,
        public=True,
        note=assignment.unit.name,
    )
    audit.record(
        actor=actor,
        verb="suggestion.contact",
        obj=assignment.suggestion,
        after={"assignment": assignment.pk, "method": method},
    )
    return contact


def _clean_commitments(result_class: str, commitments: Sequence[tuple[str, dt.date | None]]):
    items = [((t or "").strip(), d) for t, d in commitments if (t or "").strip()]
    if result_class == ResultClass.B and not items:
        raise ValidationError(
            {"commitments": [_("B类答复须列明承诺事项及计划完成时间，纳入承诺事项台账")]}
        )
    return items


@transaction.atomic(durable=True)
def suggestion_reply(
    *,
    actor,
    assignment: Assignment,
    result_class: str,
    text: str,
    signed_by: str,
    document,
    contact_person: str = "",
    commitments: Sequence[tuple[str, dt.date | None]] = (),
) -> Reply:
    """The lead or a separate unit answers (答复), after signing and contacting the
    deputies: result class A/B/C/D, the text, the signer (签发人) and the signed PDF
    (``opinions.uploads.CleanFile``). Class B lists its promises, which go into the
    commitment ledger. When every answering unit has replied, the item is 已答复 and the
    deputies' feedback is due within ``suggestion.feedback_working_days``. Notifies the
    deputies."""
    assignment = _locked(actor, assignment)
    suggestion = lock(assignment.suggestion)
    if assignment.role not in ANSWERING_ROLES:
        raise ValidationError(_("会办单位不直接答复代表，请向主办单位提出会办意见"))
    errors: dict[str, list[str]] = {}
    if result_class not in ResultClass.values:
        errors["result_class"] = [_("请选择办理结果分类")]
    if not (signed_by or "").strip():
        errors["signed_by"] = [_("请填写签发人")]
    if document is None or getattr(document, "content_type", "") != "application/pdf":
        errors["document"] = [_("请上传加盖公章的答复函（PDF）")]
    if assignment.state == AssignmentState.ACCEPTED and assignment.contacted_at is None:
        errors["__all__"] = [_("答复前须与代表沟通联系，请先记录联系情况")]
    if errors:
        raise ValidationError(errors)
    text = require_text(text, "text", _("答复内容"), minimum=20, maximum=20000)
    items = _clean_commitments(result_class, commitments)
    now = timezone.now()
    assignment.answered_at = now
    assignment.on_time = today() <= assignment.reply_due
    transition(
        assignment,
        table=ASSIGNMENT_STATES,
        to=AssignmentState.ANSWERED,
        actor=actor,
        verb="answer",
        update_fields=("answered_at", "on_time"),
    )
    reply = Reply.objects.create(
        suggestion=suggestion,
        assignment=assignment,
        round=suggestion.round,
        result_class=result_class,
        text=text,
        signed_by=signed_by.strip()[:40],
        contact_person=(contact_person or "").strip()[:40],
        author=actor,
    )
    store_files(suggestion, [document], kind=FileKind.REPLY, reply=reply)
    year = today().year
    Commitment.objects.bulk_create(
        Commitment(
            suggestion=suggestion,
            reply=reply,
            unit=assignment.unit,
            text=t[:2000],
            due_date=d,
            first_year=year,
            year=year,
        )
        for t, d in items
    )
    waiting = (
        suggestion.assignments.filter(role__in=ANSWERING_ROLES)
        .exclude(state__in=(AssignmentState.REMOVED, AssignmentState.ANSWERED))
        .exists()
    )
    suggestion.result_class = result_class
    log_event(
        suggestion,
        workflow=SUGGESTION_STATES.name,
        verb="unit_reply",
        actor=actor,
        public=True,
        note=assignment.unit.name,
    )
    if waiting:
        suggestion.save(update_fields=["result_class"])
    else:
        due = feedback_due_for(suggestion)
        suggestion.replied_at = now
        suggestion.feedback_due = due.due
        transition(
            suggestion,
            table=SUGGESTION_STATES,
            to=SuggestionState.REPLIED,
            actor=actor,
            public=True,
            update_fields=("result_class", "replied_at", "feedback_due"),
        )
    audit.record(
        actor=actor,
        verb="suggestion.reply",
        obj=suggestion,
        after={
            "assignment": assignment.pk,
            "result_class": result_class,
            "round": reply.round,
            "on_time": assignment.on_time,
            "commitments": len(items),
        },
    )
    notify_later(
        deputy_users(suggestion),
        verb="suggestion.reply",
        title=_("%(unit)s答复了「%(title)s」，请评价")
        % {"unit": assignment.unit.name, "title": suggestion.title},
        url=staff_url(suggestion),
    )
    return reply


@transaction.atomic(durable=True)
def extension_request(*, actor, assignment: Assignment, new_due: dt.date, reason: str) -> Extension:
    """Ask the office to reply later (延期答复): a lead or separate unit holding the item,
    one request pending at a time, no later than ``suggestion.reply_max_months`` after
    assignment. Notifies the office."""
    assignment = _locked(actor, assignment)
    if assignment.role not in ANSWERING_ROLES or assignment.state != AssignmentState.ACCEPTED:
        raise ValidationError(_("只有正在办理的主办或分办单位可以申请延期"))
    if assignment.extensions.filter(state=RequestState.PENDING).exists():
        raise ValidationError(_("已有一项延期申请等待审批"))
    cap = add_months(
        timezone.localtime(assignment.assigned_at).date(),
        settings_for(assignment.suggestion.region)["suggestion.reply_max_months"],
    )
    if new_due is None or new_due <= assignment.reply_due:
        raise ValidationError({"new_due": [_("延期后的日期须晚于现在的答复期限")]})
    if new_due > cap:
        raise ValidationError(
            {"new_due": [_("最长只能延至 %(cap)s（交办之日起满期限）") % {"cap": cap.isoformat()}]}
        )
    reason = require_text(reason, "reason", _("理由"), minimum=10, maximum=2000)
    extension = Extension.objects.create(
        assignment=assignment, new_due=new_due, reason=reason, requested_by=actor
    )
    log_event(
        assignment.suggestion,
        workflow=SUGGESTION_STATES.name,
        verb="extension_request",
        actor=actor,
    )
    audit.record(
        actor=actor,
        verb="suggestion.extension_request",
        obj=assignment.suggestion,
        after={"assignment": assignment.pk, "new_due": new_due},
    )
    notify_later(
        office_users(assignment.suggestion),
        verb="suggestion.extension_request",
        title=_("%(unit)s申请延期答复「%(title)s」")
        % {"unit": assignment.unit.name, "title": assignment.suggestion.title},
        url=staff_url(assignment.suggestion),
    )
    return extension


def _lock_commitment(actor, commitment: Commitment) -> Commitment:
    commitment = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("suggestion", "suggestion__region", "unit")
        .get(pk=commitment.pk)
    )
    from minqing.core.permissions import require

    require(actor, perms.HANDLE, commitment)
    return commitment


@transaction.atomic(durable=True)
def commitment_progress(
    *, actor, commitment: Commitment, note: str, percent: int
) -> CommitmentProgress:
    """Report progress on an open commitment (承诺事项进展): the unit that made it."""
    commitment = _lock_commitment(actor, commitment)
    if commitment.state != CommitmentState.OPEN:
        raise ValidationError(_("该承诺事项已经兑现"))
    note = require_text(note, "note", _("进展情况"), minimum=5, maximum=2000)
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ValidationError({"percent": [_("完成进度须在 0 到 100 之间")]})
    progress = CommitmentProgress.objects.create(
        commitment=commitment, note=note, percent=percent, author=actor
    )
    audit.record(
        actor=actor,
        verb="suggestion.commitment_progress",
        obj=commitment.suggestion,
        after={"commitment": commitment.pk, "percent": percent},
    )
    return progress


@transaction.atomic(durable=True)
def commitment_fulfil(*, actor, commitment: Commitment, note: str) -> Commitment:
    """Mark a commitment fulfilled (已兑现) with what was done: the unit that made it.
    Notifies the deputies."""
    commitment = _lock_commitment(actor, commitment)
    note = require_text(note, "note", _("兑现情况"), minimum=5, maximum=2000)
    commitment.fulfilled_at = timezone.now()
    transition(
        commitment,
        table=COMMITMENT_STATES,
        to=CommitmentState.FULFILLED,
        actor=actor,
        note=note,
        update_fields=("fulfilled_at",),
    )
    CommitmentProgress.objects.create(commitment=commitment, note=note, percent=100, author=actor)
    suggestion: Suggestion = commitment.suggestion
    log_event(
        suggestion,
        workflow=SUGGESTION_STATES.name,
        verb="commitment_fulfil",
        actor=actor,
        public=True,
        note=commitment.unit.name,
    )
    audit.record(
        actor=actor,
        verb="suggestion.commitment_fulfil",
        obj=suggestion,
        after={"commitment": commitment.pk},
    )
    notify_later(
        deputy_users(suggestion),
        verb="suggestion.commitment_fulfil",
        title=_("%(unit)s已兑现「%(title)s」答复中的承诺")
        % {"unit": commitment.unit.name, "title": suggestion.title},
        url=staff_url(suggestion),
    )
    return commitment


__all__ = [
    "assignment_accept",
    "assignment_contact",
    "cohandler_view",
    "commitment_fulfil",
    "commitment_progress",
    "extension_request",
    "reassign_request",
    "suggestion_reply",
]
