"""Background work of the 民情 loop: the periodic sweep that reminds units before their
deadlines, escalates after them, and closes replies the citizen left unrated.

``sweep`` is idempotent (each reminder is sent once, closing is a state change), so the
scheduler may run it as often as it likes; ``manage.py scheduler`` enqueues it hourly and
``manage.py opinion_sweep`` runs it once (for cron).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.utils import timezone
from django_tasks import task

from minqing.core.calendar import add_working_days
from minqing.core.config import settings_for
from minqing.opinions.models import (
    UNIT_STATES,
    Opinion,
    OpinionAssignment,
    OpinionReminder,
    OpinionState,
    ReminderKind,
)

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    reminders: int = 0
    closed: int = 0

    def __str__(self) -> str:
        return f"reminders={self.reminders} closed_unrated={self.closed}"


def _due_kinds(assignment: OpinionAssignment, opinion: Opinion, today: dt.date) -> list[str]:
    kinds = []
    if opinion.state == OpinionState.FORWARDED and assignment.sign_due < today:
        kinds.append(ReminderKind.SIGN_OVERDUE)
    if assignment.reply_due < today:
        kinds += [ReminderKind.OVERDUE_UNIT, ReminderKind.OVERDUE_ESCALATED]
    else:
        before = settings_for(opinion.region)["opinion.remind_working_days_before"]
        if add_working_days(today, before) >= assignment.reply_due:
            kinds.append(ReminderKind.DUE_SOON)
    return kinds


def sweep(today: dt.date | None = None) -> SweepReport:
    """Remind and escalate every live assignment, then close unrated replies."""
    from minqing.opinions.actions import opinion_close_unrated, opinion_remind

    today = today or timezone.localdate()
    report = SweepReport()
    live = (
        Opinion.objects.filter(state__in=UNIT_STATES, assignment__isnull=False)
        .select_related("assignment__unit", "region")
        .order_by("pk")
    )
    sent = set(
        OpinionReminder.objects.filter(assignment__opinion__in=live).values_list(
            "assignment_id", "kind"
        )
    )
    for opinion in live.iterator(chunk_size=500):
        assignment = opinion.assignment
        assignment.opinion = opinion
        for kind in _due_kinds(assignment, opinion, today):
            if (assignment.pk, kind) in sent:
                continue
            if opinion_remind(assignment=assignment, kind=kind):
                report.reminders += 1
    replied = Opinion.objects.filter(state=OpinionState.REPLIED).order_by("pk")
    for opinion in replied.iterator(chunk_size=500):
        if opinion_close_unrated(opinion=opinion, today=today):
            report.closed += 1
    log.info("opinion sweep %s: %s", today, report)
    return report


@task()
def sweep_opinions() -> str:
    """The scheduled entry point (a django-tasks task, run by the worker)."""
    return str(sweep())
