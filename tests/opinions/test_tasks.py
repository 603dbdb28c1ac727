"""Reminders before a deadline, escalation after it, and closing unrated replies."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from minqing.accounts.models import Role
from minqing.core.models import AuditEntry
from minqing.opinions.models import OpinionReminder, OpinionState, ReminderKind
from minqing.opinions.tasks import sweep, sweep_opinions
from tests.factories import user_with_role
from tests.opinions.factories import drive, submit

pytestmark = pytest.mark.django_db
S = OpinionState
FORWARD_DAY = dt.date(2026, 11, 2)  # a Monday: sign by 11-03, reply by 11-23


def _forwarded(world, to=S.FORWARDED):
    with mock.patch("minqing.opinions.actions._common.today", return_value=FORWARD_DAY):
        return drive(world, submit(world), to)


def _kinds(opinion):
    return set(
        OpinionReminder.objects.filter(assignment__opinion=opinion).values_list("kind", flat=True)
    )


def test_nothing_before_anything_is_due(world):
    opinion = _forwarded(world)
    assert sweep(dt.date(2026, 11, 3)).reminders == 0
    assert _kinds(opinion) == set()


def test_sign_overdue_then_due_soon_then_overdue(world, django_capture_on_commit_callbacks):
    from minqing.notify.models import Notification

    opinion = _forwarded(world)
    leader = user_with_role(Role.LEADER, unit=world.unit)
    with django_capture_on_commit_callbacks(execute=True):
        sweep(dt.date(2026, 11, 4))
    assert _kinds(opinion) == {ReminderKind.SIGN_OVERDUE}
    assert Notification.objects.filter(recipient=world.unit_staff, verb="opinion.sign_overdue")
    # two working days before 11-23 (Monday): Thursday 11-19
    with django_capture_on_commit_callbacks(execute=True):
        sweep(dt.date(2026, 11, 19))
    assert ReminderKind.DUE_SOON in _kinds(opinion)
    with django_capture_on_commit_callbacks(execute=True):
        sweep(dt.date(2026, 11, 24))
    assert _kinds(opinion) >= {ReminderKind.OVERDUE_UNIT, ReminderKind.OVERDUE_ESCALATED}
    assert Notification.objects.filter(recipient=leader, verb="opinion.overdue_unit").exists()
    for office in (world.office, world.district_office):  # who forwarded it; nearest office
        assert Notification.objects.filter(
            recipient=office, verb="opinion.overdue_escalated"
        ).exists()
    assert not Notification.objects.filter(recipient=world.far_office).exists()


def test_each_reminder_is_sent_once(world):
    _forwarded(world)
    first = sweep(dt.date(2026, 11, 24)).reminders
    audits = AuditEntry.objects.filter(verb="opinion.remind").count()
    assert first == 3 and audits == 3
    assert sweep(dt.date(2026, 11, 25)).reminders == 0
    assert AuditEntry.objects.filter(verb="opinion.remind").count() == 3


def test_replied_and_closed_are_not_reminded(world):
    _forwarded(world, S.REPLIED)
    assert sweep(dt.date(2026, 12, 1)).reminders == 0


def test_unrated_replies_close_after_the_rating_period(world):
    opinion = drive(world, submit(world), S.REPLIED)
    replied_on = timezone.localdate(opinion.replies.get().created_at)
    assert sweep(replied_on + dt.timedelta(days=14)).closed == 0
    assert sweep(replied_on + dt.timedelta(days=15)).closed == 1
    opinion.refresh_from_db()
    assert opinion.state == S.CLOSED and opinion.satisfaction == ""


def test_the_task_and_the_command_run_the_sweep(world, capsys):
    _forwarded(world)
    assert "reminders=" in sweep_opinions.enqueue().return_value
    call_command("opinion_sweep", "--date", "2026-11-24")
    assert "reminders=" in capsys.readouterr().out


def test_scheduler_enqueues_once(settings, capsys):
    settings.MINQING_PERIODIC_TASKS = {"minqing.opinions.tasks.sweep_opinions": 3600}
    call_command("scheduler", "--once")
    assert "enqueued minqing.opinions.tasks.sweep_opinions" in capsys.readouterr().out
