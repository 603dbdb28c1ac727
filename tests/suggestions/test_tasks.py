"""Reminders before every deadline of DOMAIN §4, escalation after it, closing the items
left unrated after the deputy's reminder, and the new year's commitment carry-over.

The dates are real 2026 dates: assignment on Wednesday 2026-09-30, just before 国庆
(1–7 October off, Saturday 10 October an adjusted workday), so every count in working
days crosses the holiday. ``suggestion.remind_before_working_days`` is 5.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from minqing.accounts.models import Role
from minqing.core.models import AuditEntry
from minqing.notify.models import Notification
from minqing.suggestions import actions
from minqing.suggestions.models import Commitment, Reminder, SuggestionState
from minqing.suggestions.tasks import (
    ASSIGN_DUE_SOON,
    ASSIGN_OVERDUE,
    COMMITMENT_OVERDUE,
    DECIDE_DUE_SOON,
    DECIDE_OVERDUE,
    EXTENSION_PENDING,
    FEEDBACK_DUE_SOON,
    REPLY_DUE_SOON,
    REPLY_ESCALATED,
    REPLY_OVERDUE,
    VIEW_DUE_SOON,
    VIEW_OVERDUE,
    suggestion_remind,
    sweep,
    sweep_suggestions,
)
from tests.factories import user_with_role
from tests.suggestions.factories import TEXT, draft, drive, reply_as_lead
from tests.suggestions.factories_core import at, item, part

pytestmark = pytest.mark.django_db
S = SuggestionState
D = dt.date
ASSIGN_DAY = D(2026, 9, 30)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Sweep as if it were ``day``, delivering the notifications (they go on commit)."""

    def sweep_on(day: dt.date):
        with at(day), django_capture_on_commit_callbacks(execute=True):
            return sweep()

    return sweep_on


def told(kind: str) -> set[int]:
    return set(
        Notification.objects.filter(verb=f"suggestion.{kind}").values_list(
            "recipient_id", flat=True
        )
    )


def assigned(sw, day: dt.date = ASSIGN_DAY, **kw):
    with at(day):
        return drive(sw, draft(sw), S.ASSIGNED, **kw)


def replied(sw, day: dt.date, **kw):
    """An item assigned on ASSIGN_DAY to the lead unit alone and answered on ``day``."""
    s = assigned(sw, co_unit=False)
    with at(day):
        reply_as_lead(sw, s, **kw)
    s.refresh_from_db()
    return s


def test_assign_deadline_counts_working_days_over_national_day(sw, run):
    with at(ASSIGN_DAY):
        s = drive(sw, draft(sw), S.SUBMITTED)
    # 7 working days: 10-08, 10-09, 10-10 (Saturday, worked), 10-12 … 10-15.
    assert s.assign_due == D(2026, 10, 15)
    # Five working days before: from 10-09 (10-10 counts, 10-01…10-07 do not).
    assert run(D(2026, 10, 8)).reminders == 0
    assert run(D(2026, 10, 9)).by_kind == {ASSIGN_DUE_SOON: 1}
    assert told(ASSIGN_DUE_SOON) == {sw.office.pk}  # not the district or far office
    assert run(D(2026, 10, 9)).reminders == 0
    with at(D(2026, 10, 12)):
        actions.suggestion_accept(actor=sw.office, suggestion=s)
    assert run(D(2026, 10, 15)).reminders == 0  # due today: already reminded
    assert run(D(2026, 10, 16)).by_kind == {ASSIGN_OVERDUE: 1}
    assert told(ASSIGN_OVERDUE) == {sw.office.pk}
    assert run(D(2026, 10, 30)).reminders == 0
    # Assigned at last: its own deadlines are the units' now.
    with at(D(2026, 11, 2)):
        actions.suggestion_assign(actor=sw.office, suggestion=s, lead_unit=sw.lead_unit)
    assert ASSIGN_OVERDUE not in run(D(2026, 11, 3)).by_kind


def test_session_items_are_due_after_the_session_and_motions_are_not_reminded(sw, run):
    with at(D(2026, 1, 12)):  # during the session (10–14 January)
        s = draft(sw, session=sw.session)
        actions.suggestion_submit(actor=sw.lead_user, suggestion=s)
        m = item(sw, "motion_submitted")
    s.refresh_from_db()
    assert s.assign_due == D(2026, 1, 23)  # 7 working days after the close on 01-14
    assert run(D(2026, 1, 15)).reminders == 0
    assert run(D(2026, 1, 16)).by_kind == {ASSIGN_DUE_SOON: 1}
    assert run(D(2026, 2, 2)).by_kind == {ASSIGN_OVERDUE: 1}
    # The presidium decides on a motion during the session: no 交办 reminder for it.
    assert not Reminder.objects.filter(suggestion=m).exists()


def test_reply_and_view_reminders_then_escalation(sw, run):
    unit_leader = user_with_role(Role.LEADER, unit=sw.lead_unit)
    s = assigned(sw)
    with at(ASSIGN_DAY):
        actions.suggestion_supervise(
            actor=sw.office, suggestion=s, kind="key", leader="李副主任", user=sw.leader
        )
    lead, co = part(s, sw.lead_unit), part(s, sw.co_unit)
    assert (co.view_due, lead.reply_due) == (D(2026, 10, 30), D(2026, 12, 30))
    # The co-handler's view: due soon from 10-23, overdue after 10-30 (the lead is told).
    assert run(D(2026, 10, 22)).reminders == 0
    assert run(D(2026, 10, 23)).by_kind == {VIEW_DUE_SOON: 1}
    assert told(VIEW_DUE_SOON) == {sw.co_staff.pk}
    assert run(D(2026, 10, 31)).by_kind == {VIEW_OVERDUE: 1}
    assert told(VIEW_OVERDUE) == {sw.co_staff.pk, sw.lead_staff.pk}
    # The reply: due soon from 12-23 (five working days before 12-30), to the unit only.
    assert run(D(2026, 12, 22)).reminders == 0
    assert run(D(2026, 12, 23)).by_kind == {REPLY_DUE_SOON: 1}
    assert told(REPLY_DUE_SOON) == {sw.lead_staff.pk}
    # After it: the unit and its leader; escalated to the office and the supervisor.
    assert run(D(2026, 12, 31)).by_kind == {REPLY_OVERDUE: 1, REPLY_ESCALATED: 1}
    assert told(REPLY_OVERDUE) == {sw.lead_staff.pk, unit_leader.pk}
    assert told(REPLY_ESCALATED) == {sw.office.pk, sw.leader.pk}
    assert run(D(2027, 1, 4)).reminders == 0
    assert not Notification.objects.filter(
        recipient__in=[sw.district_office, sw.far_office, sw.spare_staff, sw.far_staff]
    ).exists()


def test_each_reminder_is_sent_once(sw, run):
    s = assigned(sw)
    days = [D(2026, 10, 23), D(2026, 10, 31), D(2026, 12, 23), D(2026, 12, 31)]
    total = sum(run(day).reminders for day in days)
    assert total == 5
    rows, audits = Reminder.objects.count(), AuditEntry.objects.filter(verb="suggestion.remind")
    assert rows == 5 and audits.count() == 5
    notes = Notification.objects.count()
    assert sum(run(day).reminders for day in days) == 0  # the sweep, run again
    assert Reminder.objects.count() == 5 and audits.count() == 5
    assert Notification.objects.count() == notes
    # The action itself refuses a second identical reminder.
    lead = part(s, sw.lead_unit)
    kw = {
        "suggestion": s,
        "assignment": lead,
        "kind": REPLY_DUE_SOON,
        "due": lead.reply_due,
        "recipients": list,
        "title": "x",
    }
    assert suggestion_remind(**kw) is False
    assert suggestion_remind(**{**kw, "assignment": None, "kind": ASSIGN_DUE_SOON}) is True
    assert suggestion_remind(**{**kw, "assignment": None, "kind": ASSIGN_DUE_SOON}) is False
    assert audits.count() == 6


def test_a_co_handler_that_sent_its_view_is_not_reminded(sw, run):
    s = assigned(sw)
    co = part(s, sw.co_unit)
    with at(D(2026, 10, 12)):
        actions.assignment_accept(actor=sw.co_staff, assignment=co)
        actions.cohandler_view(
            actor=sw.co_staff, assignment=co, text="建议同步优化公交站点设置，方便老年人出行。"
        )
    assert run(D(2026, 10, 23)).reminders == 0
    assert run(D(2026, 10, 31)).reminders == 0


def test_reassignment_request_to_decide(sw, run):
    s = assigned(sw, co_unit=False)
    with at(D(2026, 10, 9)):
        request = actions.reassign_request(
            actor=sw.lead_staff,
            assignment=part(s, sw.lead_unit),
            reason="加装电梯补贴属于城市管理局的职责范围，建议调整。",
            suggested_unit=sw.spare_unit,
        )
    # 10 working days from 10-09: 10-10 (Saturday, worked), 10-12 … 10-16, 10-19 … 10-22.
    assert request.decide_due == D(2026, 10, 22)
    assert run(D(2026, 10, 14)).reminders == 0
    assert run(D(2026, 10, 15)).by_kind == {DECIDE_DUE_SOON: 1}
    assert told(DECIDE_DUE_SOON) == {sw.office.pk}
    assert run(D(2026, 10, 23)).by_kind == {DECIDE_OVERDUE: 1}
    with at(D(2026, 10, 26)):
        actions.reassign_decide(
            actor=sw.office, request=request, approve=True, new_unit=sw.spare_unit
        )
    assert run(D(2026, 10, 27)).reminders == 0
    # The new unit's deadlines run from the reassignment: reply by 2027-01-26.
    new = part(s, sw.spare_unit)
    assert new.reply_due == D(2027, 1, 26)
    assert run(D(2027, 1, 19)).by_kind == {REPLY_DUE_SOON: 1}
    assert told(REPLY_DUE_SOON) == {sw.spare_staff.pk}


def test_pending_extension_reminds_the_office_and_the_new_deadline_is_reminded(sw, run):
    s = assigned(sw, co_unit=False)
    lead = part(s, sw.lead_unit)
    with at(D(2026, 10, 12)):
        actions.assignment_accept(actor=sw.lead_staff, assignment=lead)
        extension = actions.extension_request(
            actor=sw.lead_staff,
            assignment=lead,
            new_due=D(2027, 3, 30),
            reason="补贴办法须经市政府常务会议审议，需延期答复。",
        )
    assert run(D(2026, 12, 22)).reminders == 0
    assert run(D(2026, 12, 23)).by_kind == {REPLY_DUE_SOON: 1, EXTENSION_PENDING: 1}
    assert told(EXTENSION_PENDING) == {sw.office.pk}
    with at(D(2026, 12, 24)):
        actions.extension_decide(actor=sw.office, extension=extension, approve=True)
    assert run(D(2026, 12, 31)).reminders == 0  # no longer overdue
    assert run(D(2027, 3, 22)).reminders == 0
    assert run(D(2027, 3, 23)).by_kind == {REPLY_DUE_SOON: 1}
    assert Reminder.objects.filter(kind=REPLY_DUE_SOON).count() == 2  # one per deadline


def test_feedback_reminder_then_closed_unrated(sw, run):
    s = replied(sw, D(2026, 11, 2))
    # 15 working days after Monday 11-02.
    assert s.feedback_due == D(2026, 11, 23)
    assert run(D(2026, 11, 13)).reminders == 0
    assert run(D(2026, 11, 16)).by_kind == {FEEDBACK_DUE_SOON: 1}
    assert told(FEEDBACK_DUE_SOON) == {sw.lead_user.pk}
    assert run(D(2026, 11, 23)).closed == 0  # the last day
    report = run(D(2026, 11, 24))
    assert (report.closed, report.reminders) == (1, 0)
    s.refresh_from_db()
    assert s.state == S.CLOSED and s.satisfaction == ""
    assert AuditEntry.objects.filter(verb="suggestion.close_unrated").count() == 1
    assert run(D(2026, 12, 1)).closed == 0


def test_no_close_before_the_reminder_even_when_the_sweep_missed_the_window(sw, run):
    s = replied(sw, D(2026, 11, 2))
    assert actions.suggestion_close_unrated(suggestion=s, on=D(2026, 11, 30)) is None
    # The sweep first sees the item after its deadline: remind now, then wait the
    # reminder window (5 working days) before closing.
    report = run(D(2026, 11, 25))
    assert (report.reminders, report.closed) == (1, 0)
    assert "已过" in Notification.objects.get(verb="suggestion.feedback_due_soon").title
    assert run(D(2026, 12, 2)).closed == 0
    assert run(D(2026, 12, 3)).closed == 1


def test_a_rated_item_is_not_closed_unrated(sw, run):
    s = replied(sw, D(2026, 11, 2))
    run(D(2026, 11, 16))
    with at(D(2026, 11, 17)):
        actions.suggestion_feedback(
            actor=sw.lead_user,
            reply=s.replies.get(),
            result_level="basic",
            contact_level="satisfied",
        )
    assert run(D(2026, 11, 30)).closed == 0
    s.refresh_from_db()
    assert s.state == S.CLOSED and s.satisfaction == "basic"


def test_rehandling_has_its_own_reminders(sw, run):
    s = replied(sw, D(2026, 11, 2))
    with at(D(2026, 11, 4)):
        actions.suggestion_feedback(
            actor=sw.lead_user,
            reply=s.replies.get(),
            result_level="unsatisfied",
            contact_level="basic",
            comment="补贴标准仍然偏低，审批仍需多个部门盖章。",
        )
    lead = part(s, sw.lead_unit)
    assert lead.reply_due == D(2026, 12, 4)  # one month
    assert run(D(2026, 11, 26)).reminders == 0
    assert run(D(2026, 11, 27)).by_kind == {REPLY_DUE_SOON: 1}
    assert "重新办理" in Notification.objects.get(verb="suggestion.reply_due_soon").title
    assert run(D(2026, 12, 7)).by_kind == {REPLY_OVERDUE: 1, REPLY_ESCALATED: 1}
    # Round 2 answered: its own feedback deadline and reminder.
    with at(D(2026, 12, 8)):
        reply_as_lead(sw, s)
    s.refresh_from_db()
    assert s.round == 2 and s.feedback_due == D(2026, 12, 29)
    assert run(D(2026, 12, 22)).by_kind == {FEEDBACK_DUE_SOON: 1}
    assert Reminder.objects.filter(kind=FEEDBACK_DUE_SOON, due=s.feedback_due).exists()


def test_each_round_needs_its_own_feedback_reminder_before_closing(sw, run):
    s = replied(sw, D(2026, 11, 2))
    run(D(2026, 11, 16))  # round 1 reminded
    with at(D(2026, 11, 17)):
        actions.suggestion_feedback(
            actor=sw.lead_user,
            reply=s.replies.get(),
            result_level="unsatisfied",
            contact_level="basic",
            comment="补贴标准仍然偏低。",
        )
    with at(D(2026, 11, 18)):
        reply_as_lead(sw, s)
    s.refresh_from_db()
    assert s.feedback_due == D(2026, 12, 9)
    # First seen after round 2's deadline: reminded, not closed on round 1's reminder.
    report = run(D(2026, 12, 10))
    assert (report.reminders, report.closed) == (1, 0)
    assert run(D(2026, 12, 18)).closed == 1


def test_close_unrated_needs_the_reminder_of_the_current_round(sw, run):
    s = replied(sw, D(2026, 11, 2))
    run(D(2026, 11, 16))
    with at(D(2026, 11, 17)):
        actions.suggestion_feedback(
            actor=sw.lead_user,
            reply=s.replies.get(),
            result_level="unsatisfied",
            contact_level="basic",
            comment="补贴标准仍然偏低。",
        )
    with at(D(2026, 11, 18)):
        reply_as_lead(sw, s)
    s.refresh_from_db()
    with at(D(2026, 12, 10)):
        assert actions.suggestion_close_unrated(suggestion=s, on=D(2026, 12, 10)) is None


def test_a_deputy_without_account_has_the_office_reminded(sw, run):
    paper = sw.more[0]
    with at(ASSIGN_DAY):
        s = actions.suggestion_create(
            actor=sw.office, kind="suggestion", data=TEXT, lead_deputy=paper
        )
        actions.suggestion_submit(actor=sw.office, suggestion=s)
        actions.suggestion_accept(actor=sw.office, suggestion=s)
        actions.suggestion_assign(actor=sw.office, suggestion=s, lead_unit=sw.lead_unit)
    with at(D(2026, 11, 2)):
        reply_as_lead(sw, s)
    assert run(D(2026, 11, 16)).by_kind == {FEEDBACK_DUE_SOON: 1}
    assert told(FEEDBACK_DUE_SOON) == {sw.office.pk}


def test_overdue_commitments_remind_the_unit_and_the_office_once(sw, run):
    s = replied(
        sw,
        D(2026, 11, 2),
        result_class="B",
        commitments=[
            ("年内完成补贴办法修订", D(2026, 12, 31)),
            ("同步压缩审批时限", D(2026, 12, 31)),
            ("明年出台加装电梯导则", None),
        ],
    )
    with at(D(2026, 11, 10)):
        actions.suggestion_feedback(
            actor=sw.lead_user,
            reply=s.replies.get(),
            result_level="satisfied",
            contact_level="satisfied",
        )
    assert run(D(2026, 12, 31)).reminders == 0
    report = run(D(2027, 1, 4))
    assert report.by_kind == {COMMITMENT_OVERDUE: 1}  # one message for both
    assert told(COMMITMENT_OVERDUE) == {sw.lead_staff.pk, sw.office.pk}
    note = Notification.objects.filter(verb="suggestion.commitment_overdue").first()
    assert "2 项" in note.title
    first = Commitment.objects.filter(suggestion=s, due_date__isnull=False).first()
    with at(D(2027, 1, 5)):
        actions.commitment_fulfil(actor=sw.lead_staff, commitment=first, note="补贴办法已印发。")
    assert run(D(2027, 1, 6)).reminders == 0
    with at(D(2027, 1, 7)):
        for c in Commitment.objects.filter(suggestion=s, state="open"):
            actions.commitment_fulfil(actor=sw.lead_staff, commitment=c, note="已全部完成。")
    assert run(D(2027, 6, 1)).reminders == 0


def test_open_commitments_carry_over_at_the_new_year_once(sw, run):
    s = replied(
        sw,
        D(2026, 11, 2),
        result_class="B",
        commitments=[("明年出台加装电梯导则", None), ("年内修订补贴办法", None)],
    )
    done = s.commitments.order_by("pk").last()
    with at(D(2026, 12, 1)):
        actions.commitment_fulfil(actor=sw.lead_staff, commitment=done, note="补贴办法已印发。")
    assert run(D(2026, 12, 31)).carried == 0
    assert run(D(2027, 1, 1)).carried == 1
    open_one = s.commitments.get(state="open")
    assert (open_one.first_year, open_one.year, open_one.carried_over) == (2026, 2027, True)
    assert s.commitments.get(state="fulfilled").year == 2026
    assert run(D(2027, 1, 2)).carried == 0
    assert AuditEntry.objects.filter(verb="suggestion.commitments_carry_over").count() == 1


@pytest.mark.parametrize("state", [S.DRAFT, S.WITHDRAWN, S.NOT_ACCEPTED, S.CLOSED])
def test_nothing_is_sent_for_finished_items(sw, run, state):
    with at(ASSIGN_DAY):
        item(sw, state)
    for day in (D(2026, 10, 9), D(2026, 10, 31), D(2026, 12, 31), D(2027, 6, 1)):
        report = run(day)
        assert (report.reminders, report.closed) == (0, 0)
    assert not Reminder.objects.exists()


def test_the_sweep_reads_a_fixed_number_of_queries_when_nothing_is_due(sw):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert sweep(D(2026, 10, 8)).reminders == 0
        return len(ctx.captured_queries)

    with at(ASSIGN_DAY):
        for state in (S.SUBMITTED, S.ASSIGNED, S.REPLIED):
            item(sw, state)
    few = queries()
    with at(ASSIGN_DAY):
        for _ in range(3):
            for state in (S.SUBMITTED, S.ASSIGNED, S.REPLIED):
                item(sw, state)
    assert queries() == few


def test_the_task_and_the_command_run_the_sweep(sw, capsys):
    with at(ASSIGN_DAY):
        drive(sw, draft(sw), S.SUBMITTED)
        assert "reminders=0" in sweep_suggestions.enqueue().return_value
    call_command("suggestion_sweep", "--date", "2026-10-16")
    assert "reminders=1 closed_unrated=0 carried_over=0" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("suggestion_sweep", "--date", "16.10.2026")


def test_scheduler_enqueues_the_sweep(settings, capsys):
    # settings.py registers it as "minqing.suggestions.tasks.sweep_suggestions": 3600.
    settings.MINQING_PERIODIC_TASKS = {"minqing.suggestions.tasks.sweep_suggestions": 3600}
    call_command("scheduler", "--once")
    assert "enqueued minqing.suggestions.tasks.sweep_suggestions" in capsys.readouterr().out


def test_reminder_row_is_unique_for_an_items_own_deadline(sw):
    s = item(sw, S.SUBMITTED)
    Reminder.objects.create(suggestion=s, kind=ASSIGN_DUE_SOON, due=s.assign_due)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(suggestion=s, kind=ASSIGN_DUE_SOON, due=s.assign_due)
