"""What a handling unit does: sign off (签收), return to the office, record contact with
the citizen, reply, and ask for more time. Each needs ``opinions.handle`` on the
opinion, which a unit's staff hold only while their unit holds it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core import audit
from minqing.core.config import settings_for
from minqing.core.states import log_event, transition
from minqing.opinions import permissions as perms
from minqing.opinions import recipients
from minqing.opinions.actions._common import (
    add_reply,
    lock,
    notify_later,
    sms_later,
    staff_url,
    track_url,
)
from minqing.opinions.models import (
    ContactMethod,
    ExtensionState,
    Opinion,
    OpinionAssignment,
    OpinionContact,
    OpinionExtension,
    OpinionState,
    ReplyKind,
    Resolution,
)
from minqing.opinions.states import OPINION_STATES
from minqing.opinions.validation import clean_text, normalise_text


def _assignment(opinion: Opinion) -> OpinionAssignment:
    return OpinionAssignment.objects.select_for_update().get(pk=opinion.assignment_id)


@transaction.atomic(durable=True)
def opinion_sign(*, actor, opinion: Opinion) -> Opinion:
    """Sign off a forwarded opinion (签收), starting the handling. Unit staff only."""
    perms.require(actor, "opinions.handle", opinion)
    opinion = lock(opinion)
    transition(
        opinion,
        table=OPINION_STATES,
        to=OpinionState.HANDLING,
        actor=actor,
        public=True,
        verb="sign",
    )
    assignment = _assignment(opinion)
    assignment.signed_at = timezone.now()
    assignment.save(update_fields=["signed_at"])
    audit.record(
        actor=actor,
        verb="opinion.sign",
        obj=opinion,
        after={
            "unit_id": opinion.unit_id,
            "on_time": assignment.signed_at.date() <= assignment.sign_due,
        },
    )
    return opinion


@transaction.atomic(durable=True)
def opinion_return(*, actor, opinion: Opinion, reason: str) -> Opinion:
    """Return an opinion that is not the unit's to handle — to the office only, never
    straight to another unit. Forwarded or handling. The reason is kept for the office
    (staff-only); the office is notified and re-triages it."""
    perms.require(actor, "opinions.handle", opinion)
    opinion = lock(opinion)
    reason = normalise_text(reason)
    if len(reason) < 5:
        raise ValidationError({"reason": [_("请说明退回理由（至少 5 个字），如应由哪个单位办理")]})
    if len(reason) > 1000:
        raise ValidationError({"reason": [_("退回理由不能超过 1000 个字")]})
    assignment = _assignment(opinion)
    unit = opinion.unit
    opinion.unit, opinion.assignment, opinion.reply_due = None, None, None
    transition(
        opinion,
        table=OPINION_STATES,
        to=OpinionState.TRIAGE,
        verb="return",
        actor=actor,
        note=reason,
        update_fields=("unit", "assignment", "reply_due"),
    )
    assignment.returned_at, assignment.return_reason = timezone.now(), reason
    assignment.save(update_fields=["returned_at", "return_reason"])
    OpinionExtension.objects.filter(assignment=assignment, state=ExtensionState.PENDING).update(
        state=ExtensionState.REFUSED, decision_note=_("已退回，申请作废"), decided_at=timezone.now()
    )
    audit.record(
        actor=actor,
        verb="opinion.return",
        obj=opinion,
        before={"unit_id": unit.pk},
        after={"state": opinion.state},
        note=reason,
    )
    notify_later(
        lambda: recipients.office_staff(opinion.region),
        verb="opinion.returned",
        title=_("%(unit)s退回民情，请重新分办：%(summary)s")
        % {"unit": unit.name, "summary": opinion.summary},
        url=staff_url(opinion),
    )
    return opinion


@transaction.atomic(durable=True)
def opinion_contact(
    *, actor, opinion: Opinion, method: str, note: str, contacted_at: dt.datetime | None = None
) -> OpinionContact:
    """Record the unit's contact with the citizen (call, visit …) while handling; the
    first one counts for 响应率. The citizen's timeline says a contact was made."""
    perms.require(actor, "opinions.handle", opinion)
    opinion = lock(opinion)
    if opinion.state != OpinionState.HANDLING:
        raise ValidationError(_("请先签收再记录联系情况"))
    if method not in ContactMethod.values:
        raise ValidationError({"method": [_("请选择联系方式")]})
    note = normalise_text(note)
    if len(note) < 2:
        raise ValidationError({"note": [_("请填写联系情况")]})
    now = timezone.now()
    contacted_at = contacted_at or now
    if contacted_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"contacted_at": [_("联系时间不能晚于现在")]})
    assignment = _assignment(opinion)
    # Forms give minutes: a contact logged in the minute of the forward is not "before" it.
    if contacted_at < assignment.forwarded_at.replace(second=0, microsecond=0):
        raise ValidationError({"contacted_at": [_("联系时间不能早于转办时间")]})
    contact = OpinionContact.objects.create(
        opinion=opinion,
        assignment=assignment,
        author=actor,
        method=method,
        contacted_at=contacted_at,
        note=note[:2000],
    )
    if assignment.contacted_at is None or contacted_at < assignment.contacted_at:
        assignment.contacted_at = contacted_at
        assignment.save(update_fields=["contacted_at"])
    log_event(opinion, workflow=OPINION_STATES.name, verb="contact", actor=actor, public=True)
    audit.record(
        actor=actor,
        verb="opinion.contact",
        obj=opinion,
        after={"method": method, "contacted_at": contacted_at},
    )
    return contact


@transaction.atomic(durable=True)
def opinion_reply(
    *,
    actor,
    opinion: Opinion,
    public_text: str,
    resolution: str,
    internal_note: str = "",
    attachments: Iterable = (),
) -> Opinion:
    """The unit's reply (答复): public text shown on the track page under the unit's
    name, a staff-only note and attachments (already validated). Handling only. The
    citizen, and the citizens of merged duplicates, are texted to read and rate it."""
    perms.require(actor, "opinions.handle", opinion)
    opinion = lock(opinion)
    public_text = clean_text(public_text, label=_("答复内容"))
    if resolution not in Resolution.values:
        raise ValidationError({"resolution": [_("请选择解决情况")]})
    assignment = _assignment(opinion)
    assignment.replied_at = timezone.now()
    assignment.save(update_fields=["replied_at"])
    transition(opinion, table=OPINION_STATES, to=OpinionState.REPLIED, actor=actor, public=True)
    add_reply(
        opinion,
        actor=actor,
        kind=ReplyKind.UNIT,
        responder=assignment.unit.name,
        public_text=public_text,
        internal_note=normalise_text(internal_note)[:2000],
        resolution=resolution,
        assignment=assignment,
        attachments=attachments,
    )
    audit.record(
        actor=actor,
        verb="opinion.reply",
        obj=opinion,
        after={
            "resolution": resolution,
            "round": assignment.round,
            "on_time": assignment.replied_at.date() <= assignment.reply_due,
        },
    )
    text = _("您反映的事项（查询码 %(code)s）已有答复，请查看并评价：%(url)s")
    sms_later(opinion.citizen_phone, text % {"code": opinion.code, "url": track_url(opinion)})
    for dup in opinion.duplicates.exclude(citizen_phone=""):
        sms_later(dup.citizen_phone, text % {"code": dup.code, "url": track_url(dup)})
    return opinion


@transaction.atomic(durable=True)
def extension_request(
    *, actor, opinion: Opinion, working_days: int, reason: str
) -> OpinionExtension:
    """Ask the office for more working days (forwarded or handling; one pending request
    at a time; at most the region's ``opinion.extension_max_working_days``). The office
    is notified and decides with :func:`extension_decide`."""
    perms.require(actor, "opinions.handle", opinion)
    opinion = lock(opinion)
    if opinion.state not in (OpinionState.FORWARDED, OpinionState.HANDLING):
        raise ValidationError(_("只有办理中的民情可以申请延期"))
    limit = settings_for(opinion.region)["opinion.extension_max_working_days"]
    errors = {}
    if not isinstance(working_days, int) or not 1 <= working_days <= limit:
        errors["working_days"] = [_("延期天数须为 1 至 %(max)s 个工作日") % {"max": limit}]
    reason = normalise_text(reason)
    if len(reason) < 5:
        errors["reason"] = [_("请说明延期理由（至少 5 个字）")]
    elif len(reason) > 1000:
        errors["reason"] = [_("延期理由不能超过 1000 个字")]
    if errors:
        raise ValidationError(errors)
    assignment = _assignment(opinion)
    if OpinionExtension.objects.filter(
        assignment=assignment, state=ExtensionState.PENDING
    ).exists():
        raise ValidationError(_("已有一项延期申请待审批"))
    extension = OpinionExtension.objects.create(
        opinion=opinion,
        assignment=assignment,
        requested_by=actor,
        working_days=working_days,
        reason=reason,
        old_due=assignment.reply_due,
    )
    log_event(opinion, workflow=OPINION_STATES.name, verb="extension_request", actor=actor)
    audit.record(
        actor=actor,
        verb="opinion.extension_request",
        obj=opinion,
        after={"extension_id": extension.pk, "working_days": working_days},
    )
    notify_later(
        lambda: recipients.office_staff(opinion.region),
        verb="opinion.extension_requested",
        title=_("%(unit)s申请延期 %(n)s 个工作日：%(summary)s")
        % {"unit": assignment.unit.name, "n": working_days, "summary": opinion.summary},
        url=staff_url(opinion),
    )
    return extension
