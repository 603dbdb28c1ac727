"""The duty sweep: records left unanswered are confirmed after ``duty.confirm_days``
(7 by default) counted from when the deputy was last asked, the deputy is reminded
once half-way, and deputies on duty are reminded the day before a unified reception
day — each reminder once, each step one audit entry.

Times are pinned: the office records on Monday 2026-05-04 at 10:00 (``T0``); ``at(T0 +
n days)`` runs the sweep then.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from minqing.core.actions import region_setting_set
from minqing.core.models import AuditEntry
from minqing.duties import actions
from minqing.duties.models import ParticipationState
from minqing.duties.tasks import (
    CONFIRM_REMINDER,
    SLOT_REMINDER,
    duties_sweep,
    duty_slot_remind,
    participation_remind,
    sweep,
)
from minqing.notify.models import Notification
from tests.duties.factories import record, unified_day
from tests.suggestions.factories_core import SHANGHAI, at

pytestmark = pytest.mark.django_db
D = dt.date
T0 = dt.datetime(2026, 5, 4, 10, 0, tzinfo=SHANGHAI)


class _At:
    """``at(moment)`` for a datetime: the suggestions helper takes a date and an hour."""

    def __call__(self, moment: dt.datetime):
        return at(moment.date(), moment.hour)


when = _At()


def after(days: float) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Sweep at ``moment``, delivering the notifications (they go on commit)."""

    def sweep_at(moment: dt.datetime):
        with when(moment), django_capture_on_commit_callbacks(execute=True):
            return sweep()

    return sweep_at


def told(verb: str) -> list[int]:
    return sorted(Notification.objects.filter(verb=verb).values_list("recipient_id", flat=True))


def state(p) -> str:
    p.refresh_from_db()
    return p.state


def audits(verb: str) -> int:
    return AuditEntry.objects.filter(verb=verb).count()


def recorded(dw, moment: dt.datetime = T0, **kw):
    with when(moment):
        return record(dw, days_ago=1, **kw)


# ---------------------------------------------------------------- autoconfirm


def test_reminded_half_way_then_confirmed_after_the_period(dw, run):
    a = recorded(dw)
    mine, theirs = a.participations.get(deputy=dw.dep), a.participations.get(deputy=dw.dep2)
    with when(after(1)):
        actions.participation_confirm(actor=dw.dep_user, participation=mine)
    assert str(run(after(3))) == "autoconfirmed=0 confirm_reminders=0 slot_reminders=0"
    # Half of seven days: from T0 + 3.5 days, dep2 alone (dep has answered).
    assert run(after(3.5)).confirm_reminders == 1
    assert told(CONFIRM_REMINDER) == [dw.dep2_user.pk]
    title = Notification.objects.get(verb=CONFIRM_REMINDER).title
    assert a.title in title and "2026-05-11" in title
    assert run(after(4)).confirm_reminders == 0  # once
    assert run(after(6.9)).autoconfirmed == 0
    assert state(theirs) == ParticipationState.PENDING
    report = run(after(7))
    assert (report.autoconfirmed, report.confirm_reminders) == (1, 0)
    assert state(theirs) == ParticipationState.CONFIRMED and state(mine) == "confirmed"
    assert audits("participation.autoconfirm") == 1 and audits(CONFIRM_REMINDER) == 1
    assert str(run(after(8))) == "autoconfirmed=0 confirm_reminders=0 slot_reminders=0"


def test_a_sweep_that_was_down_confirms_without_reminding(dw, run):
    a = recorded(dw)
    assert run(after(9)).autoconfirmed == 2
    assert audits(CONFIRM_REMINDER) == 0
    assert {p.state for p in a.participations.all()} == {ParticipationState.CONFIRMED}


def test_the_period_is_the_activitys_region_setting(dw, run):
    with when(T0):
        region_setting_set(
            actor=dw.office, region=dw.tree.wangjiang, key="duty.confirm_days", value=2
        )
    at_station = recorded(dw, station=dw.station, deputies=[dw.dep])  # 望江社区: 2 days
    by_office = recorded(dw, deputies=[dw.dep])  # 滨江区: the default 7
    assert run(after(1)).confirm_reminders == 1  # half of two days
    assert run(after(2)).autoconfirmed == 1
    assert state(at_station.participations.get()) == ParticipationState.CONFIRMED
    assert state(by_office.participations.get()) == ParticipationState.PENDING
    assert run(after(7)).autoconfirmed == 1


def test_disputed_removed_and_unrecorded_records_are_left_alone(dw, run):
    a = recorded(dw)
    disputed, removed = a.participations.get(deputy=dw.dep), a.participations.get(deputy=dw.dep2)
    with when(after(1)):
        actions.participation_dispute(
            actor=dw.dep_user, participation=disputed, reason="当天我在外地出差"
        )
        actions.participation_remove(actor=dw.office, participation=removed)
        cancelled = record(dw, days_ago=2)
        actions.activity_cancel(actor=dw.office, activity=cancelled, note="重复登记")
        pending = actions.activity_report(
            actor=dw.dep_user,
            kind="mediation",
            data={"title": "调解邻里漏水纠纷", "date": D(2026, 5, 3), "place": "望江社区"},
            station=dw.station,
            codeputies=[dw.dep2],
        )
    assert str(run(after(30))) == "autoconfirmed=0 confirm_reminders=0 slot_reminders=0"
    assert (state(disputed), state(removed)) == ("disputed", "removed")
    assert state(pending.participations.get(deputy=dw.dep2)) == ParticipationState.PENDING
    assert {p.state for p in cancelled.participations.all()} == {ParticipationState.PENDING}


def test_an_upheld_record_starts_a_new_round(dw, run):
    a = recorded(dw, deputies=[dw.dep])
    p = a.participations.get()
    assert run(after(4)).confirm_reminders == 1  # round one, due 05-11
    with when(after(5)):
        actions.participation_dispute(actor=dw.dep_user, participation=p, reason="当天我在外地出差")
    with when(after(6)):
        actions.participation_uphold(actor=dw.office, participation=p, note="签到表上有您的签名")
    assert run(after(7)).autoconfirmed == 0  # asked again at T0 + 6
    assert run(after(9)).confirm_reminders == 0
    assert run(after(9.5)).confirm_reminders == 1  # round two, due 05-17
    dues = sorted(e.after["due"] for e in AuditEntry.objects.filter(verb=CONFIRM_REMINDER))
    assert dues == ["2026-05-11", "2026-05-17"]
    assert run(after(12.9)).autoconfirmed == 0
    assert run(after(13)).autoconfirmed == 1


def test_deputies_added_later_and_corrected_attendance_have_their_own_clock(dw, run):
    a = recorded(dw, deputies=[dw.dep])
    mine = a.participations.get()
    with when(after(1)):
        actions.participation_confirm(actor=dw.dep_user, participation=mine)
    with when(after(5)):
        [added] = actions.activity_add_deputies(actor=dw.office, activity=a, deputies=[dw.dep2])
    with when(after(6)):
        actions.participation_set_attendance(
            actor=dw.office, participation=mine, attendance="leave"
        )
    assert state(mine) == ParticipationState.PENDING
    assert str(run(after(7))) == "autoconfirmed=0 confirm_reminders=0 slot_reminders=0"
    assert run(after(9.5)).confirm_reminders == 2  # added at +5 (+8.5), reopened at +6
    assert run(after(12)).autoconfirmed == 1
    assert state(added) == ParticipationState.CONFIRMED and state(mine) == "pending"
    assert run(after(13)).autoconfirmed == 1


def test_a_deputy_removed_and_added_again_is_asked_again(dw, run):
    a = recorded(dw, deputies=[dw.dep])
    p = a.participations.get()
    with when(after(1)):
        actions.participation_remove(actor=dw.office, participation=p)
    with when(after(5)):
        actions.activity_add_deputies(actor=dw.office, activity=a, deputies=[dw.dep])
    assert state(p) == ParticipationState.PENDING
    assert run(after(7)).autoconfirmed == 0
    assert run(after(12)).autoconfirmed == 1


def test_a_deputy_without_an_account_is_confirmed_but_not_reminded(dw, run):
    a = recorded(dw, deputies=[dw.more[0]])
    assert run(after(4)).confirm_reminders == 0
    assert run(after(7)).autoconfirmed == 1
    assert state(a.participations.get()) == ParticipationState.CONFIRMED


# ---------------------------------------------------------------- duty slots


def _day_with_slots(dw, date: D):
    with when(T0):
        day = unified_day(dw, date=date)
        posts = {p.station_id: p for p in day.posts.all()}
        actions.duty_slot_assign(
            actor=dw.office, post=posts[dw.station.pk], deputies=[dw.dep, dw.more[0]]
        )
        actions.duty_slot_assign(actor=dw.office, post=posts[dw.station2.pk], deputies=[dw.dep2])
    return day


def test_deputies_on_duty_are_reminded_the_day_before_once(dw, run):
    day = _day_with_slots(dw, D(2026, 5, 10))
    assert run(dt.datetime(2026, 5, 8, 20, tzinfo=SHANGHAI)).slot_reminders == 0
    report = run(dt.datetime(2026, 5, 9, 0, tzinfo=SHANGHAI))
    assert report.slot_reminders == 2  # dep and dep2; the deputy without an account is not
    assert told(SLOT_REMINDER) == sorted([dw.dep_user.pk, dw.dep2_user.pk])
    n = Notification.objects.filter(verb=SLOT_REMINDER, recipient=dw.dep_user).get()
    assert "2026-05-10" in n.title and "09:00–11:30" in n.title and dw.station.name in n.title
    assert "请提前十分钟到站" in n.body
    assert run(dt.datetime(2026, 5, 9, 18, tzinfo=SHANGHAI)).slot_reminders == 0
    assert run(dt.datetime(2026, 5, 10, 8, tzinfo=SHANGHAI)).slot_reminders == 0  # the day
    assert audits(SLOT_REMINDER) == 2
    # Moved to another date: reminded again before it.
    with at(D(2026, 5, 10), 9):
        actions.unified_day_update(
            actor=dw.office,
            day=day,
            data={
                "title": day.title,
                "date": D(2026, 5, 16),
                "start_time": day.start_time,
                "end_time": day.end_time,
                "note": day.note,
            },
        )
    assert run(dt.datetime(2026, 5, 15, 9, tzinfo=SHANGHAI)).slot_reminders == 2
    assert audits(SLOT_REMINDER) == 4


def test_a_cancelled_day_is_not_reminded(dw, run):
    day = _day_with_slots(dw, D(2026, 5, 10))
    with when(after(1)):
        actions.unified_day_cancel(actor=dw.office, day=day, note="因台风取消")
    assert run(dt.datetime(2026, 5, 9, 9, tzinfo=SHANGHAI)).slot_reminders == 0


# ---------------------------------------------------------------- the reminders as actions


def test_each_reminder_is_one_audit_entry_and_refuses_what_is_not_due(dw):
    a = recorded(dw, deputies=[dw.dep, dw.more[0]])
    p = a.participations.get(deputy=dw.dep)
    before = AuditEntry.objects.count()
    with when(after(4)):
        assert participation_remind(participation=p, due=D(2026, 5, 11)) is True
        assert AuditEntry.objects.count() == before + 1
        assert participation_remind(participation=p, due=D(2026, 5, 11)) is False
        no_account = a.participations.get(deputy=dw.more[0])
        with pytest.raises(ValidationError):
            participation_remind(participation=no_account, due=D(2026, 5, 11))
        actions.participation_confirm(actor=dw.dep_user, participation=p)
        before = AuditEntry.objects.count()
        with pytest.raises(ValidationError):
            participation_remind(participation=p, due=D(2026, 5, 12))
    assert AuditEntry.objects.count() == before
    entry = AuditEntry.objects.filter(verb=CONFIRM_REMINDER).get()
    assert entry.actor is None and entry.actor_label == "系统"
    day = _day_with_slots(dw, D(2026, 5, 10))
    slot = day.posts.get(station=dw.station).slots.get(deputy=dw.dep)
    before = AuditEntry.objects.count()
    with at(D(2026, 5, 10), 8), pytest.raises(ValidationError):  # the day itself: too late
        duty_slot_remind(slot=slot)
    assert AuditEntry.objects.count() == before
    with at(D(2026, 5, 9), 8):
        assert duty_slot_remind(slot=slot) is True
        assert duty_slot_remind(slot=slot) is False
    assert AuditEntry.objects.count() == before + 1


# ---------------------------------------------------------------- running it


def test_the_sweep_reads_a_fixed_number_of_queries_when_nothing_is_due(dw):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with when(after(1)), CaptureQueriesContext(connection) as ctx:
            assert str(sweep()) == "autoconfirmed=0 confirm_reminders=0 slot_reminders=0"
        return len(ctx.captured_queries)

    for _ in range(3):
        recorded(dw, station=dw.station)
    few = queries()
    for _ in range(27):
        recorded(dw, station=dw.station)
    recorded(dw, station=dw.station2, deputies=[dw.dep2], actor=dw.station2_staff)
    assert queries() == few


def test_the_task_and_the_command_run_the_sweep(dw, capsys):
    recorded(dw)
    with when(after(8)):
        assert "autoconfirmed=2" in duties_sweep.enqueue().return_value
        call_command("duties_sweep")
    assert "autoconfirmed=0 confirm_reminders=0 slot_reminders=0" in capsys.readouterr().out


def test_scheduler_enqueues_the_sweep(settings, capsys):
    # settings.py is to register it as "minqing.duties.tasks.duties_sweep": 3600.
    settings.MINQING_PERIODIC_TASKS = {"minqing.duties.tasks.duties_sweep": 3600}
    call_command("scheduler", "--once")
    assert "enqueued minqing.duties.tasks.duties_sweep" in capsys.readouterr().out
