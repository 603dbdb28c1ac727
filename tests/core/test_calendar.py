"""Working days across real holiday schedules (chinese-calendar data, seeded by the
core migration) and the provisional fallback for a year not loaded yet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from minqing.core import calendar as cal
from minqing.core.actions import CalendarRow, calendar_year_import
from minqing.core.models import AuditEntry, CalendarDay, CalendarYear
from tests.factories import UserFactory, grant

D = dt.date
pytestmark = pytest.mark.django_db


def test_package_data_matches_the_2026_spring_festival_notice():
    # The State Council notice: 2026-02-15..23 off, 02-14 and 02-28 (Saturdays) worked.
    days = dict(
        CalendarDay.objects.filter(date__range=(D(2026, 2, 1), D(2026, 3, 1))).values_list(
            "date", "kind"
        )
    )
    assert days[D(2026, 2, 14)] == "workday"
    assert days[D(2026, 2, 28)] == "workday"
    for day in range(16, 21):  # the weekdays inside the holiday
        assert days[D(2026, 2, day)] == "holiday"
    assert days[D(2026, 2, 23)] == "holiday"


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Friday → the adjusted Saturday workday
        (D(2026, 2, 14), 1, D(2026, 2, 24)),  # skips Feb 15–23
        (D(2026, 2, 12), 3, D(2026, 2, 24)),
        (D(2026, 2, 24), 4, D(2026, 2, 28)),  # the second adjusted Saturday counts
        (D(2026, 2, 10), 15, D(2026, 3, 9)),
        (D(2026, 2, 20), 0, D(2026, 2, 20)),
    ],
)
def test_add_working_days_across_the_2026_spring_festival(start, n, due):
    assert cal.add_working_days(start, n) == due


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # 2025: Oct 1–8 off; Sun Sep 28 and Sat Oct 11 worked.
        (D(2025, 9, 26), 1, D(2025, 9, 28)),
        (D(2025, 9, 28), 1, D(2025, 9, 29)),
        (D(2025, 9, 30), 1, D(2025, 10, 9)),
        (D(2025, 9, 30), 3, D(2025, 10, 11)),
        (D(2025, 9, 30), 15, D(2025, 10, 28)),
        # 2026: Sep 25 (Mid-autumn) and Oct 1–7 off; Sun Sep 20 and Sat Oct 10 worked.
        (D(2026, 9, 18), 1, D(2026, 9, 20)),
        (D(2026, 9, 24), 1, D(2026, 9, 28)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 10, 8), 2, D(2026, 10, 10)),
    ],
)
def test_add_working_days_across_national_day_weeks(start, n, due):
    assert cal.add_working_days(start, n) == due


def test_is_working_day_follows_the_exceptions():
    assert cal.is_working_day(D(2026, 2, 14))  # Saturday, adjusted workday
    assert not cal.is_working_day(D(2026, 2, 16))  # Monday, Spring Festival
    assert not cal.is_working_day(D(2026, 2, 21))  # Saturday inside the holiday
    assert cal.is_working_day(D(2026, 3, 2))


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2027, 1, 31), 13, D(2028, 2, 29)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 8, 31), 3, D(2026, 11, 30)),
    ],
)
def test_add_months_clamps_to_the_month_end(start, n, due):
    assert cal.add_months(start, n) == due


def test_a_deadline_inside_loaded_years_is_not_provisional():
    deadline = cal.working_deadline(D(2026, 11, 21), 15)
    assert deadline.provisional is False
    assert deadline.warning == ""
    assert deadline.due == D(2026, 12, 11)


def test_a_deadline_into_2027_is_provisional_with_a_warning():
    assert not CalendarYear.objects.filter(year=2027).exists()
    deadline = cal.working_deadline(D(2026, 12, 20), 15)
    # Dec 21–31: 9 working days; Jan 1 2027 is the statutory New Year holiday; then
    # Jan 4–8 and Jan 11.
    assert deadline.due == D(2027, 1, 11)
    assert deadline.provisional is True
    assert "2027年节假日安排尚未载入" in deadline.warning
    assert cal.month_deadline(D(2026, 11, 30), 3).provisional is True


def _root_admin(tree):
    user = UserFactory()
    grant(user, "admin", tree.nation)
    return user


def test_an_imported_2027_schedule_removes_the_provisional_flag(tree):
    admin = _root_admin(tree)
    rows = [
        CalendarRow(1, D(2027, 1, 1), "holiday", "元旦"),
        CalendarRow(2, D(2027, 1, 4), "holiday", "演示调休"),  # a made-up extra rest day
        CalendarRow(3, D(2027, 1, 9), "workday", "演示调休上班"),
    ]
    before = AuditEntry.objects.count()
    loaded, errors = calendar_year_import(actor=admin, year=2027, rows=rows, source="测试通知")
    assert errors == []
    assert loaded.year == 2027
    assert AuditEntry.objects.count() - before == 1
    deadline = cal.working_deadline(D(2026, 12, 20), 15)
    assert deadline.provisional is False
    # Jan 4 is now a rest day and Saturday Jan 9 a workday: 9 in Dec, Jan 5–8 (13),
    # Jan 9 (14), Jan 11 (15).
    assert deadline.due == D(2027, 1, 11)
    assert cal.working_deadline(D(2026, 12, 20), 14).due == D(2027, 1, 9)


def test_calendar_import_is_all_or_nothing(tree):
    admin = _root_admin(tree)
    rows = [
        CalendarRow(2, D(2027, 1, 1), "holiday", "元旦"),
        CalendarRow(3, D(2026, 1, 2), "holiday", "错年"),
        CalendarRow(4, D(2027, 1, 5), "workday", "周二不是周末"),
        CalendarRow(5, D(2027, 1, 1), "holiday", "重复"),
    ]
    before = AuditEntry.objects.count()
    loaded, errors = calendar_year_import(actor=admin, year=2027, rows=rows, source="x")
    assert loaded is None
    assert [(e.row, e.column) for e in errors] == [(3, "日期"), (4, "类型"), (5, "日期")]
    assert "不在 2027 年" in errors[0].message
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert AuditEntry.objects.count() == before


def test_calendar_import_needs_the_permission_at_the_root(tree):
    from django.core.exceptions import PermissionDenied

    county_admin = UserFactory()
    grant(county_admin, "admin", tree.binjiang)
    rows = [CalendarRow(2, D(2027, 1, 1), "holiday", "元旦")]
    with pytest.raises(PermissionDenied):
        calendar_year_import(actor=county_admin, year=2027, rows=rows, source="x")
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_load_calendar_command_restores_a_year_and_audits_it(db):
    CalendarDay.objects.filter(date__year=2025).delete()
    CalendarYear.objects.filter(year=2025).delete()
    before = AuditEntry.objects.count()
    call_command("load_calendar", "--years", "2025")
    assert CalendarYear.objects.filter(year=2025).exists()
    assert CalendarDay.objects.get(date=D(2025, 10, 8)).kind == "holiday"
    assert CalendarDay.objects.get(date=D(2025, 10, 11)).kind == "workday"
    assert AuditEntry.objects.count() - before == 1
    assert AuditEntry.objects.latest("id").verb == "calendar.load"


def test_load_calendar_command_does_not_invent_unknown_years(db, capsys):
    days = CalendarDay.objects.count()
    call_command("load_calendar", "--years", "2027")
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert CalendarDay.objects.count() == days
    assert "2027" in capsys.readouterr().err
