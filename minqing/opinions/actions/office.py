"""The office's triage (分办): classify, merge duplicates, decline with a referral,
forward to a handling unit with deadlines, and decide units' extension requests."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core import audit
from minqing.core.calendar import working_deadline
from minqing.core.permissions import has_perm
from minqing.core.states import log_event, transition
from minqing.opinions import permissions as perms
from minqing.opinions import recipients
from minqing.opinions.actions._common import (
    lock,
    new_assignment,
    notify_later,
    sms_later,
    staff_url,
    track_url,
)
from minqing.opinions.models import (
    DeclineReason,
    ExtensionState,
    Opinion,
    OpinionAssignment,
    OpinionExtension,
    OpinionState,
)
from minqing.opinions.states import EXTENSION_STATES, OPINION_STATES
from minqing.opinions.validation import clean_category, clean_kind, normalise_text
from minqing.people.models import HandlingUnit

TRIAGE_STATES = (OpinionState.RECEIVED, OpinionState.TRIAGE)


@transaction.atomic(durable=True)
def opinion_classify(*, actor, opinion: Opinion, kind: str, category: str) -> Opinion:
    """Set the type and category of an open opinion (``opinions.triage``). Writes a
    staff-only timeline row; the citizen's words are never edited."""
    perms.require(actor, "opinions.triage", opinion)
    opinion = lock(opinion)
    if opinion.state not in TRIAGE_STATES:
        raise ValidationError(_("只能在分办前调整类型和分类"))
    errors = {}
    try:
        kind = clean_kind(kind)
    except ValidationError as exc:
        errors["kind"] = exc.messages
    try:
        category = clean_category(category, opinion.region)
    except ValidationError as exc:
        errors["category"] = exc.messages
    if errors:
        raise ValidationError(errors)
    before = {"kind": opinion.kind, "category": opinion.category}
    opinion.kind, opinion.category = kind, category
    opinion.save(update_fields=["kind", "category"])
    log_event(opinion, workflow=OPINION_STATES.name, verb="classify", actor=actor)
    audit.record(
        actor=actor,
        verb="opinion.classify",
        obj=opinion,
        before=before,
        after={"kind": kind, "category": category},
    )
    return opinion


@transaction.atomic(durable=True)
def opinion_merge(*, actor, opinion: Opinion, master: Opinion) -> Opinion:
    """Merge a duplicate into ``master`` (``opinions.triage`` on both). The duplicate's
    citizen follows the master on the track page and is texted its answer; earlier
    duplicates of the duplicate move to the master too."""
    perms.require(actor, "opinions.triage", opinion)
    perms.require(actor, "opinions.triage", master)
    if master.pk == opinion.pk:
        raise ValidationError({"master": [_("不能与自身合并")]})
    opinion = lock(opinion)
    master = Opinion.objects.select_for_update(of=("self",)).get(pk=master.pk)
    if master.state in (OpinionState.MERGED, OpinionState.DECLINED):
        raise ValidationError({"master": [_("主件已合并或不予受理，请选择其他主件")]})
    opinion.master = master
    transition(
        opinion,
        table=OPINION_STATES,
        to=OpinionState.MERGED,
        actor=actor,
        public=True,
        update_fields=("master",),
    )
    Opinion.objects.filter(master=opinion).update(master=master)
    audit.record(
        actor=actor,
        verb="opinion.merge",
        obj=opinion,
        after={"master_id": master.pk, "master_code": master.code},
    )
    sms_later(
        opinion.citizen_phone,
        _("您反映的事项（查询码 %(code)s）已与同类诉求合并办理，办理结果将同步告知：%(url)s")
        % {"code": opinion.code, "url": track_url(opinion)},
    )
    return opinion


@transaction.atomic(durable=True)
def opinion_decline(*, actor, opinion: Opinion, reason: str, note: str = "") -> Opinion:
    """Decline a matter that belongs elsewhere, telling the citizen where to go
    (litigation, arbitration, petitions in legal channels, emergencies …).
    ``opinions.triage``; received or in triage. The reason and note are public."""
    perms.require(actor, "opinions.triage", opinion)
    opinion = lock(opinion)
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": [_("请选择不予受理的原因")]})
    note = normalise_text(note)
    if len(note) < 5:
        raise ValidationError({"note": [_("请告诉群众应通过什么途径解决（至少 5 个字）")]})
    if len(note) > 1000:
        raise ValidationError({"note": [_("告知说明不能超过 1000 个字")]})
    opinion.decline_reason, opinion.decline_note = reason, note
    opinion.closed_at = timezone.now()
    transition(
        opinion,
        table=OPINION_STATES,
        to=OpinionState.DECLINED,
        actor=actor,
        public=True,
        update_fields=("decline_reason", "decline_note", "closed_at"),
    )
    audit.record(actor=actor, verb="opinion.decline", obj=opinion, after={"reason": reason})
    sms_later(
        opinion.citizen_phone,
        _("您反映的事项（查询码 %(code)s）不属于本渠道受理范围，处理途径请见：%(url)s")
        % {"code": opinion.code, "url": track_url(opinion)},
    )
    return opinion


@transaction.atomic(durable=True)
def opinion_forward(
    *, actor, opinion: Opinion, unit: HandlingUnit, instructions: str = ""
) -> Opinion:
    """Forward to a handling unit (or a township/street office, which is a unit too)
    with sign-off, contact and reply deadlines counted in working days from today by
    the region's settings. ``opinions.triage`` on the opinion and sight of the unit;
    received or in triage (also after a unit returned it). Notifies the unit's staff.
    """
    perms.require(actor, "opinions.triage", opinion)
    if not unit.is_active or not has_perm(actor, "people.view_unit", unit):
        raise PermissionDenied(_("不能转交给该承办单位"))
    opinion = lock(opinion)
    if opinion.assignment_id and opinion.unit_id == unit.pk and opinion.state != "triage":
        raise ValidationError({"unit": [_("该单位正在办理此件")]})
    assignment = new_assignment(
        opinion,
        unit=unit,
        actor=actor,
        instructions=normalise_text(instructions)[:2000],
        round=opinion.rehandle_count + 1,
    )
    opinion.unit, opinion.assignment, opinion.reply_due = unit, assignment, assignment.reply_due
    transition(
        opinion,
        table=OPINION_STATES,
        to=OpinionState.FORWARDED,
        actor=actor,
        note=unit.name,
        public=True,
        update_fields=("unit", "assignment", "reply_due"),
    )
    audit.record(
        actor=actor,
        verb="opinion.forward",
        obj=opinion,
        after={
            "unit_id": unit.pk,
            "sign_due": assignment.sign_due,
            "reply_due": assignment.reply_due,
        },
    )
    notify_later(
        lambda: recipients.unit_staff(unit),
        verb="opinion.forwarded",
        title=_("新交办民情，请于 %(due)s 前签收：%(summary)s")
        % {"due": assignment.sign_due, "summary": opinion.summary},
        url=staff_url(opinion),
    )
    return opinion


@transaction.atomic(durable=True)
def extension_decide(
    *, actor, extension: OpinionExtension, approve: bool, note: str = ""
) -> OpinionExtension:
    """The office approves or refuses a unit's extension request (``opinions.triage``
    on the opinion), while pending and while the unit still holds the opinion. An
    approval moves the reply deadline by the working days asked, counted from the old
    deadline; the citizen sees the new deadline. The unit's staff are notified."""
    perms.require(actor, "opinions.triage", extension.opinion)
    extension = (
        OpinionExtension.objects.select_for_update(of=("self",))
        .select_related("assignment__unit", "opinion")
        .get(pk=extension.pk)
    )
    opinion = lock(extension.opinion)
    extension.decided_by, extension.decided_at = actor, timezone.now()
    extension.decision_note = normalise_text(note)[:1000]
    fields = ["decided_by", "decided_at", "decision_note"]
    if approve:
        if opinion.assignment_id != extension.assignment_id or opinion.state not in (
            OpinionState.FORWARDED,
            OpinionState.HANDLING,
        ):
            raise ValidationError(_("该单位已不在办理此件，无法延期"))
        deadline = working_deadline(extension.old_due, extension.working_days)
        extension.new_due = deadline.due
        fields.append("new_due")
        assignment = OpinionAssignment.objects.select_for_update().get(pk=extension.assignment_id)
        assignment.reply_due = deadline.due
        assignment.extended_days += extension.working_days
        assignment.deadline_provisional = assignment.deadline_provisional or deadline.provisional
        assignment.save(update_fields=["reply_due", "extended_days", "deadline_provisional"])
        opinion.reply_due = deadline.due
        opinion.save(update_fields=["reply_due"])
        log_event(
            opinion,
            workflow=OPINION_STATES.name,
            verb="extend",
            actor=actor,
            note=deadline.due.isoformat(),
            public=True,
        )
    transition(
        extension,
        table=EXTENSION_STATES,
        to=ExtensionState.APPROVED if approve else ExtensionState.REFUSED,
        actor=actor,
        note=extension.decision_note,
        update_fields=tuple(fields),
    )
    audit.record(
        actor=actor,
        verb="opinion.extension_approve" if approve else "opinion.extension_refuse",
        obj=opinion,
        after={"extension_id": extension.pk, "new_due": extension.new_due},
    )
    unit = extension.assignment.unit
    notify_later(
        lambda: recipients.unit_staff(unit),
        verb="opinion.extension_decided",
        title=(
            _("延期申请已同意，新答复期限 %(due)s") % {"due": extension.new_due}
            if approve
            else _("延期申请未获同意，请按原期限答复")
        ),
        url=staff_url(opinion),
    )
    return extension
