"""Background work of the motion and suggestion workflow (DOMAIN §4 deadlines): the
periodic sweep that reminds before every deadline, escalates after it, closes items
whose feedback never came after the deputy was reminded, and carries unfinished
commitments into the new year.

Who is told what (``suggestion.remind_before_working_days`` working days ahead counts
as "due soon"):

======================== ================================ ===============================
deadline                 before (due soon)                after (overdue)
======================== ================================ ===============================
assign_due (交办)        office                           office
decide_due (调整交办)    office                           office
view_due (会办意见)      the co-handling unit             the co-handler and the lead unit
reply_due (答复, 重办)   the answering unit               unit + its leaders; escalated to
                                                          the office and supervisors
extension pending        office, once the reply is due soon or late
feedback_due (反馈)      the lead deputy (kind            the item is closed unrated
                         ``feedback_due_soon``)           (``suggestion_close_unrated``)
commitment due_date      —                                the unit and the office
======================== ================================ ===============================

``sweep`` is idempotent: each reminder is one :class:`Reminder` row per (item, part,
kind, due date), so a moved deadline (an extension, a re-handling round) is reminded
again and an unchanged one never twice; closing and carrying over are state changes
made by the actions. ``manage.py scheduler`` enqueues :func:`sweep_suggestions` hourly
(``MINQING_PERIODIC_TASKS``) and ``manage.py suggestion_sweep`` runs it once (cron).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from minqing.core.calendar import add_working_days
from minqing.core.config import settings_for
from minqing.opinions.recipients import office_staff, unit_leaders, unit_staff
from minqing.suggestions.actions import suggestion_remind
from minqing.suggestions.models import (
    ANSWERING_ROLES,
    Assignment,
    AssignmentState,
    Commitment,
    CommitmentState,
    Extension,
    Kind,
    ReassignRequest,
    Reminder,
    RequestState,
    Suggestion,
    SuggestionState,
    Supervision,
    UnitRole,
)

log = logging.getLogger(__name__)

# Reminder kinds (``Reminder.kind``; the notification verb is "suggestion.<kind>").
ASSIGN_DUE_SOON = "assign_due_soon"
ASSIGN_OVERDUE = "assign_overdue"
DECIDE_DUE_SOON = "reassign_decide_due_soon"
DECIDE_OVERDUE = "reassign_decide_overdue"
VIEW_DUE_SOON = "view_due_soon"
VIEW_OVERDUE = "view_overdue"
REPLY_DUE_SOON = "reply_due_soon"
REPLY_OVERDUE = "reply_overdue"
REPLY_ESCALATED = "reply_escalated"
EXTENSION_PENDING = "extension_pending"
# suggestion_close_unrated requires this kind to have been sent.
FEEDBACK_DUE_SOON = "feedback_due_soon"
COMMITMENT_OVERDUE = "commitment_overdue"

KINDS = (
    ASSIGN_DUE_SOON,
    ASSIGN_OVERDUE,
    DECIDE_DUE_SOON,
    DECIDE_OVERDUE,
    VIEW_DUE_SOON,
    VIEW_OVERDUE,
    REPLY_DUE_SOON,
    REPLY_OVERDUE,
    REPLY_ESCALATED,
    EXTENSION_PENDING,
    FEEDBACK_DUE_SOON,
    COMMITMENT_OVERDUE,
)

# Items with a unit at work on them.
_HANDLING = (SuggestionState.ASSIGNED, SuggestionState.REHANDLING)
# A unit's part that still owes something (reassigning: it keeps the item meanwhile).
_OPEN_PARTS = (AssignmentState.PENDING, AssignmentState.ACCEPTED, AssignmentState.REASSIGNING)

Recipients = Callable[[], list]


@dataclass
class SweepReport:
    reminders: int = 0
    closed: int = 0
    carried: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return (
            f"reminders={self.reminders} closed_unrated={self.closed} carried_over={self.carried}"
        )


def _office(suggestion: Suggestion) -> Recipients:
    region = suggestion.region
    return lambda: office_staff(region)


def _units(*units, leaders: bool = False) -> Recipients:
    def users() -> list:
        out = []
        for unit in units:
            out += unit_staff(unit)
            if leaders:
                out += unit_leaders(unit)
        return out

    return users


def _with_lead_units(suggestion: Suggestion, co: Assignment) -> Recipients:
    """A late co-handler and the lead unit waiting for its view."""

    def users() -> list:
        leads = (
            suggestion.assignments.filter(role=UnitRole.LEAD)
            .exclude(state=AssignmentState.REMOVED)
            .select_related("unit")
        )
        return _units(co.unit, *[x.unit for x in leads])()

    return users


def _escalation(suggestion: Suggestion, assignment: Assignment) -> Recipients:
    """The office of the item's congress, whoever assigned it, and the leaders named to
    supervise it (重点督办/领办)."""
    region, assigner = suggestion.region, assignment.assigned_by

    def users() -> list:
        out = list(office_staff(region))
        if assigner is not None:
            out.append(assigner)
        out += [
            s.user
            for s in Supervision.objects.filter(suggestion_id=suggestion.pk, user__isnull=False)
            .select_related("user")
            .order_by("id")
        ]
        return list({u.pk: u for u in out if u.is_active}.values())

    return users


def _lead_deputy(suggestion: Suggestion) -> Recipients:
    """The lead deputy's account; the office (which enters paper forms) when the deputy
    has none."""
    user = suggestion.lead_deputy.user
    if user is not None and user.is_active:
        return lambda: [user]
    return _office(suggestion)


class _Sweep:
    def __init__(self, today: dt.date):
        self.today = today
        self.report = SweepReport()
        self._before: dict[int, int] = {}
        self._horizon: dict[int, dt.date] = {}
        self.sent: set[tuple[int, int | None, str, dt.date]] = set()

    # ------------------------------------------------------------ deadlines

    def before(self, region) -> int:
        if region.pk not in self._before:
            self._before[region.pk] = settings_for(region)["suggestion.remind_before_working_days"]
        return self._before[region.pk]

    def soon(self, region, due: dt.date) -> bool:
        """Due today or within the region's reminder window (not yet passed)."""
        n = self.before(region)
        if n not in self._horizon:
            self._horizon[n] = add_working_days(self.today, n)
        return self.today <= due <= self._horizon[n]

    def late(self, due: dt.date) -> bool:
        return due < self.today

    # ------------------------------------------------------------ sending

    def load_sent(self, reminders) -> None:
        self.sent |= set(reminders.values_list("suggestion_id", "assignment_id", "kind", "due"))

    def send(
        self,
        suggestion: Suggestion,
        kind: str,
        due: dt.date,
        recipients: Recipients,
        title: str,
        assignment: Assignment | None = None,
    ) -> None:
        key = (suggestion.pk, assignment.pk if assignment else None, kind, due)
        if key in self.sent:
            return
        self.sent.add(key)
        if suggestion_remind(
            suggestion=suggestion,
            assignment=assignment,
            kind=kind,
            due=due,
            recipients=recipients,
            title=title,
        ):
            self.report.reminders += 1
            self.report.by_kind[kind] = self.report.by_kind.get(kind, 0) + 1

    # ------------------------------------------------------------ phases

    def carry_over(self) -> None:
        """The first sweep of a year carries the open commitments of earlier ledgers."""
        from minqing.suggestions.actions import commitments_carry_over

        year = self.today.year
        if Commitment.objects.filter(state=CommitmentState.OPEN, year__lt=year).exists():
            self.report.carried = commitments_carry_over(year=year)

    def assignment_deadlines(self) -> None:
        """Items waiting to be assigned (交办期限): the office."""
        items = (
            Suggestion.objects.filter(
                kind=Kind.SUGGESTION,
                state__in=(SuggestionState.SUBMITTED, SuggestionState.ACCEPTED),
                assign_due__isnull=False,
            )
            .select_related("region")
            .order_by("pk")
        )
        self.load_sent(Reminder.objects.filter(suggestion__in=items, assignment__isnull=True))
        for s in items.iterator(chunk_size=500):
            due = s.assign_due
            values = {"title": s.title, "number": s.display_number, "due": due.isoformat()}
            if self.late(due):
                self.send(
                    s,
                    ASSIGN_OVERDUE,
                    due,
                    _office(s),
                    _("「%(title)s」（%(number)s）已超过交办期限 %(due)s，请尽快审查交办") % values,
                )
            elif self.soon(s.region, due):
                self.send(
                    s,
                    ASSIGN_DUE_SOON,
                    due,
                    _office(s),
                    _("「%(title)s」（%(number)s）须于 %(due)s 前交办") % values,
                )

    def parts(self) -> None:
        """The units' parts: reply (and re-handling) deadlines, co-handlers' views."""
        parts = (
            Assignment.objects.filter(state__in=_OPEN_PARTS, suggestion__state__in=_HANDLING)
            .select_related("suggestion", "suggestion__region", "unit", "assigned_by")
            .order_by("pk")
        )
        self.load_sent(Reminder.objects.filter(assignment__in=parts))
        for a in parts.iterator(chunk_size=500):
            s = a.suggestion
            if a.role in ANSWERING_ROLES:
                self._reply(s, a)
            elif a.role == UnitRole.CO and a.view_due and s.state == SuggestionState.ASSIGNED:
                self._view(s, a)

    def _reply(self, s: Suggestion, a: Assignment) -> None:
        due = a.reply_due
        values = {"title": s.title, "unit": a.unit.name, "due": due.isoformat()}
        again = s.state == SuggestionState.REHANDLING
        if self.late(due):
            self.send(
                s,
                REPLY_OVERDUE,
                due,
                _units(a.unit, leaders=True),
                (
                    _("已超过重新办理答复期限 %(due)s，请立即答复「%(title)s」")
                    if again
                    else _("已超过答复期限 %(due)s，请立即答复「%(title)s」")
                )
                % values,
                a,
            )
            self.send(
                s,
                REPLY_ESCALATED,
                due,
                _escalation(s, a),
                _("督办：%(unit)s超过答复期限 %(due)s，尚未答复「%(title)s」") % values,
                a,
            )
        elif self.soon(s.region, due):
            self.send(
                s,
                REPLY_DUE_SOON,
                due,
                _units(a.unit),
                (
                    _("重新办理即将到期，请于 %(due)s 前答复「%(title)s」")
                    if again
                    else _("即将到期，请于 %(due)s 前答复「%(title)s」")
                )
                % values,
                a,
            )

    def _view(self, s: Suggestion, a: Assignment) -> None:
        due = a.view_due
        values = {"title": s.title, "unit": a.unit.name, "due": due.isoformat()}
        if self.late(due):
            self.send(
                s,
                VIEW_OVERDUE,
                due,
                _with_lead_units(s, a),
                _("%(unit)s已超过会办意见期限 %(due)s，尚未对「%(title)s」提出会办意见") % values,
                a,
            )
        elif self.soon(s.region, due):
            self.send(
                s,
                VIEW_DUE_SOON,
                due,
                _units(a.unit),
                _("请于 %(due)s 前向主办单位提出对「%(title)s」的会办意见") % values,
                a,
            )

    def requests(self) -> None:
        """Reassignment requests to decide and extension requests to approve: the office."""
        pending = (
            ReassignRequest.objects.filter(
                state=RequestState.PENDING, assignment__suggestion__state__in=_HANDLING
            )
            .select_related("assignment__unit", "assignment__suggestion__region")
            .order_by("pk")
        )
        self.load_sent(
            Reminder.objects.filter(
                kind__in=(DECIDE_DUE_SOON, DECIDE_OVERDUE),
                assignment__reassign_requests__in=pending,
            )
        )
        for r in pending.iterator(chunk_size=500):
            a, s, due = r.assignment, r.assignment.suggestion, r.decide_due
            values = {"title": s.title, "unit": a.unit.name, "due": due.isoformat()}
            if self.late(due):
                self.send(
                    s,
                    DECIDE_OVERDUE,
                    due,
                    _office(s),
                    _("%(unit)s申请调整交办「%(title)s」，已超过决定期限 %(due)s，请尽快决定")
                    % values,
                    a,
                )
            elif self.soon(s.region, due):
                self.send(
                    s,
                    DECIDE_DUE_SOON,
                    due,
                    _office(s),
                    _("%(unit)s申请调整交办「%(title)s」，请于 %(due)s 前决定") % values,
                    a,
                )
        extensions = (
            Extension.objects.filter(
                state=RequestState.PENDING,
                assignment__state=AssignmentState.ACCEPTED,
                assignment__suggestion__state__in=_HANDLING,
            )
            .select_related("assignment__unit", "assignment__suggestion__region")
            .order_by("pk")
        )
        self.load_sent(
            Reminder.objects.filter(kind=EXTENSION_PENDING, assignment__extensions__in=extensions)
        )
        for e in extensions.iterator(chunk_size=500):
            a, s = e.assignment, e.assignment.suggestion
            # The unit waits for the answer: decide before its current deadline.
            if self.late(a.reply_due) or self.soon(s.region, a.reply_due):
                self.send(
                    s,
                    EXTENSION_PENDING,
                    a.reply_due,
                    _office(s),
                    _("%(unit)s申请将「%(title)s」延期至 %(new)s，现答复期限 %(due)s，请及时审批")
                    % {
                        "unit": a.unit.name,
                        "title": s.title,
                        "new": e.new_due.isoformat(),
                        "due": a.reply_due.isoformat(),
                    },
                    a,
                )

    def feedback(self) -> None:
        """Remind the lead deputy before the feedback deadline; after it, close the
        item unrated — but never before the deputy was reminded (a reminder sent only
        after the deadline, say the sweep was down, still leaves the reminder window)."""
        from minqing.suggestions.actions import suggestion_close_unrated

        items = (
            Suggestion.objects.filter(state=SuggestionState.REPLIED, feedback_due__isnull=False)
            .select_related("region", "lead_deputy__user")
            .order_by("pk")
        )
        rows = Reminder.objects.filter(suggestion__in=items, kind=FEEDBACK_DUE_SOON)
        reminded = {
            (sid, due): sent_at
            for sid, due, sent_at in rows.values_list("suggestion_id", "due", "sent_at")
        }
        for s in items.iterator(chunk_size=500):
            due = s.feedback_due
            sent_at = reminded.get((s.pk, due))
            if sent_at is None:
                if self.late(due) or self.soon(s.region, due):
                    values = {"title": s.title, "due": due.isoformat()}
                    self.send(
                        s,
                        FEEDBACK_DUE_SOON,
                        due,
                        _lead_deputy(s),
                        (
                            _(
                                "「%(title)s」的反馈期限 %(due)s 已过，请尽快评价办理答复，"
                                "逾期未评价的将作办结处理"
                            )
                            if self.late(due)
                            else _("请于 %(due)s 前对「%(title)s」的办理答复提出评价意见")
                        )
                        % values,
                    )
                continue
            if not self.late(due):
                continue
            sent_on = timezone.localdate(sent_at)
            if sent_on > due and add_working_days(sent_on, self.before(s.region)) >= self.today:
                continue
            if suggestion_close_unrated(suggestion=s, on=self.today):
                self.report.closed += 1

    def commitments(self) -> None:
        """Open commitments past their planned date: the unit and the office, once per
        item, unit and date (one message lists them all)."""
        rows = (
            Commitment.objects.filter(state=CommitmentState.OPEN, due_date__lt=self.today)
            .select_related("suggestion__region", "unit", "reply__assignment")
            .order_by("suggestion_id", "reply__assignment_id", "due_date", "pk")
        )
        self.load_sent(
            Reminder.objects.filter(
                kind=COMMITMENT_OVERDUE, suggestion__commitments__in=rows
            ).distinct()
        )
        groups: dict[tuple[int, int, dt.date], list[Commitment]] = {}
        for c in rows:
            groups.setdefault((c.suggestion_id, c.reply.assignment_id, c.due_date), []).append(c)
        for (_sid, _aid, due), items in groups.items():
            c = items[0]
            s, a = c.suggestion, c.reply.assignment
            self.send(
                s,
                COMMITMENT_OVERDUE,
                due,
                lambda u=c.unit, s=s: [*unit_staff(u), *office_staff(s.region)],
                _(
                    "%(unit)s在「%(title)s」答复中承诺的 %(n)s 项事项"
                    "已过计划完成时间 %(due)s，尚未兑现"
                )
                % {"unit": c.unit.name, "title": s.title, "n": len(items), "due": due.isoformat()},
                a,
            )


def sweep(today: dt.date | None = None) -> SweepReport:
    """Carry over commitments at the new year, remind and escalate every deadline, then
    close the items left unrated after their reminder. Safe to run at any frequency."""
    run = _Sweep(today or timezone.localdate())
    run.carry_over()
    run.assignment_deadlines()
    run.parts()
    run.requests()
    run.feedback()
    run.commitments()
    log.info("suggestion sweep %s: %s", run.today, run.report)
    return run.report


@task()
def sweep_suggestions() -> str:
    """The scheduled entry point (a django-tasks task, run by the worker)."""
    return str(sweep())
