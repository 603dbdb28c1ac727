"""Steps the system takes on its own: reminders before a deadline and escalation after."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from minqing.core import audit
from minqing.core.states import log_event
from minqing.opinions import recipients
from minqing.opinions.actions._common import notify_later, staff_url
from minqing.opinions.models import OpinionAssignment, OpinionReminder, ReminderKind
from minqing.opinions.states import OPINION_STATES


def _who(assignment: OpinionAssignment, kind: str):
    unit, region = assignment.unit, assignment.opinion.region
    if kind in (ReminderKind.SIGN_OVERDUE, ReminderKind.DUE_SOON):
        return lambda: recipients.unit_staff(unit)
    if kind == ReminderKind.OVERDUE_UNIT:
        return lambda: [*recipients.unit_staff(unit), *recipients.unit_leaders(unit)]
    # The office that forwarded it follows it up, with the office nearest the matter.
    forwarder = assignment.forwarded_by

    def office():
        users = recipients.office_staff(region)
        if forwarder is not None and forwarder.is_active:
            users = [forwarder, *[u for u in users if u.pk != forwarder.pk]]
        return users

    return office


def _title(assignment: OpinionAssignment, kind: str) -> str:
    opinion = assignment.opinion
    values = {
        "summary": opinion.summary,
        "unit": assignment.unit.name,
        "sign_due": assignment.sign_due,
        "reply_due": assignment.reply_due,
    }
    titles = {
        ReminderKind.SIGN_OVERDUE: _("请尽快签收（签收期限 %(sign_due)s 已过）：%(summary)s"),
        ReminderKind.DUE_SOON: _("即将到期，请于 %(reply_due)s 前答复：%(summary)s"),
        ReminderKind.OVERDUE_UNIT: _("已超过答复期限 %(reply_due)s，请立即办理：%(summary)s"),
        ReminderKind.OVERDUE_ESCALATED: _(
            "督办：%(unit)s超过答复期限 %(reply_due)s 未答复：%(summary)s"
        ),
    }
    return titles[kind] % values


@transaction.atomic(durable=True)
def opinion_remind(*, actor=None, assignment: OpinionAssignment, kind: str) -> bool:
    """Send one reminder or escalation for an assignment, once per kind (the reminder
    table's unique row makes a second run a no-op and returns False). Run by the
    periodic sweep (``tasks.sweep``), not by people: before the reply deadline to the
    unit's staff, after the sign-off or reply deadline to the unit and its leaders,
    and to the office. Writes a staff-only timeline row (催办)."""
    try:
        with transaction.atomic():
            reminder = OpinionReminder.objects.create(assignment=assignment, kind=kind)
    except IntegrityError:
        return False
    opinion = assignment.opinion
    log_event(opinion, workflow=OPINION_STATES.name, verb=f"remind_{kind}", actor=actor)
    audit.record(
        actor=actor or "系统",
        verb="opinion.remind",
        obj=opinion,
        after={"kind": kind, "unit_id": assignment.unit_id, "reminder_id": reminder.pk},
    )
    notify_later(
        _who(assignment, kind),
        verb=f"opinion.{kind}",
        title=_title(assignment, kind),
        url=staff_url(opinion),
    )
    return True
