"""Reception schedules: rule dates, holiday shifts (2026 National Day), clamping."""

from __future__ import annotations

import datetime as dt

import pytest

from minqing.stations.models import ReceptionSchedule, ScheduleRule
from minqing.stations.schedule import describe, next_receptions, rule_dates
from tests.stations.factories import ReceptionDayFactory, ScheduleFactory, StationFactory

D = dt.date
T = dt.time


def rule(**kw) -> ReceptionSchedule:
    defaults = {"start_time": T(9, 0), "end_time": T(11, 30), "skip_non_working_days": True}
    return ReceptionSchedule(**{**defaults, **kw})


def test_monthly_day_clamps_to_the_end_of_short_months():
    r = rule(rule=ScheduleRule.MONTHLY_DAY, day_of_month=31)
    assert rule_dates(r, D(2027, 1, 1), D(2027, 4, 30)) == [
        D(2027, 1, 31),
        D(2027, 2, 28),
        D(2027, 3, 31),
        D(2027, 4, 30),
    ]


def test_monthly_day_30_in_february_of_a_leap_year():
    r = rule(rule=ScheduleRule.MONTHLY_DAY, day_of_month=30)
    assert rule_dates(r, D(2028, 2, 1), D(2028, 3, 31)) == [D(2028, 2, 29), D(2028, 3, 30)]


def test_nth_and_last_weekday_of_the_month():
    second_wednesday = rule(rule=ScheduleRule.MONTHLY_WEEKDAY, weekday=2, week_of_month=2)
    assert rule_dates(second_wednesday, D(2026, 10, 1), D(2026, 11, 30)) == [
        D(2026, 10, 14),
        D(2026, 11, 11),
    ]
    last_friday = rule(rule=ScheduleRule.MONTHLY_WEEKDAY, weekday=4, week_of_month=5)
    assert rule_dates(last_friday, D(2026, 10, 1), D(2026, 11, 30)) == [
        D(2026, 10, 30),
        D(2026, 11, 27),
    ]


def test_weekly_rule():
    friday = rule(rule=ScheduleRule.WEEKLY, weekday=4)
    assert rule_dates(friday, D(2026, 11, 1), D(2026, 11, 20)) == [
        D(2026, 11, 6),
        D(2026, 11, 13),
        D(2026, 11, 20),
    ]


def test_describe_in_chinese():
    assert describe(rule(rule=ScheduleRule.MONTHLY_DAY, day_of_month=10)) == (
        "每月10日 9:00–11:30（遇节假日顺延）"
    )
    assert (
        describe(
            rule(
                rule=ScheduleRule.MONTHLY_WEEKDAY,
                weekday=2,
                week_of_month=2,
                skip_non_working_days=False,
                start_time=T(14, 30),
                end_time=T(17, 0),
            )
        )
        == "每月第2个星期三 14:30–17:00"
    )
    assert describe(rule(rule=ScheduleRule.MONTHLY_WEEKDAY, weekday=4, week_of_month=5)).startswith(
        "每月最后一个星期五 "
    )
    assert describe(rule(rule=ScheduleRule.WEEKLY, weekday=6, skip_non_working_days=False)) == (
        "每周日 9:00–11:30"
    )


@pytest.mark.django_db
def test_a_rule_date_inside_the_national_day_holiday_moves_to_the_next_working_day():
    # 2026-10-05 (Monday) lies in the National Day holiday (Oct 1–7); Oct 8 is the next
    # working day. Dec 5 2026 is a Saturday → Monday Dec 7.
    station = StationFactory()
    ScheduleFactory(station=station, day_of_month=5)
    got = next_receptions(station, today=D(2026, 9, 20), count=3)
    assert [r.date for r in got] == [D(2026, 10, 8), D(2026, 11, 5), D(2026, 12, 7)]
    assert got[0].shifted_from == D(2026, 10, 5)
    assert got[1].shifted_from is None


@pytest.mark.django_db
def test_an_adjusted_workday_on_a_saturday_is_kept():
    # Saturday Oct 10 2026 is a 调休 workday after National Day: the 10th stays the 10th.
    station = StationFactory()
    ScheduleFactory(station=station, day_of_month=10)
    got = next_receptions(station, today=D(2026, 10, 1), count=1)
    assert [r.date for r in got] == [D(2026, 10, 10)]
    assert not got[0].is_shifted


@pytest.mark.django_db
def test_without_skip_the_holiday_date_is_kept():
    station = StationFactory()
    ScheduleFactory(station=station, day_of_month=5, skip_non_working_days=False)
    got = next_receptions(station, today=D(2026, 9, 20), count=1)
    assert got[0].date == D(2026, 10, 5)


@pytest.mark.django_db
def test_a_shifted_occurrence_is_found_from_inside_the_holiday():
    # Today is Oct 6: the Oct 5 reception has moved to Oct 8, which is still ahead.
    station = StationFactory()
    ScheduleFactory(station=station, day_of_month=5)
    got = next_receptions(station, today=D(2026, 10, 6), count=1)
    assert got[0].date == D(2026, 10, 8)


@pytest.mark.django_db
def test_rules_and_one_off_days_are_merged_and_sorted_and_cancelled_ones_left_out():
    station = StationFactory()
    ScheduleFactory(station=station, day_of_month=10)  # Nov 10, Dec 10 2026 (Tue, Thu)
    ReceptionDayFactory(station=station, date=D(2026, 11, 21), title="统一接待日")
    ReceptionDayFactory(station=station, date=D(2026, 11, 3), cancelled=True)
    ScheduleFactory(station=station, day_of_month=20, is_active=False)
    got = next_receptions(station, today=D(2026, 11, 1), count=3)
    assert [(r.date, r.title) for r in got] == [
        (D(2026, 11, 10), ""),
        (D(2026, 11, 21), "统一接待日"),
        (D(2026, 12, 10), ""),
    ]


@pytest.mark.django_db
def test_a_cancelled_day_on_a_rule_date_cancels_that_occurrence():
    station = StationFactory()
    ScheduleFactory(station=station, day_of_month=10)
    ReceptionDayFactory(station=station, date=D(2026, 11, 10), cancelled=True)
    got = next_receptions(station, today=D(2026, 11, 1), count=2)
    assert [r.date for r in got] == [D(2026, 12, 10), D(2027, 1, 11)]  # Jan 10 2027: Sunday


@pytest.mark.django_db
def test_a_one_off_day_at_the_same_time_replaces_the_rule_occurrence():
    station = StationFactory()
    ScheduleFactory(station=station, day_of_month=10)
    ReceptionDayFactory(
        station=station,
        date=D(2026, 11, 10),
        start_time=T(9, 0),
        end_time=T(11, 30),
        title="人大代表接待选民日",
    )
    got = next_receptions(station, today=D(2026, 11, 1), count=2)
    assert [(r.date, r.title) for r in got] == [
        (D(2026, 11, 10), "人大代表接待选民日"),
        (D(2026, 12, 10), ""),
    ]


@pytest.mark.django_db
def test_next_receptions_reads_the_calendar_once(django_assert_num_queries):
    station = StationFactory()
    for day in (1, 5, 10, 15, 20):
        ScheduleFactory(station=station, day_of_month=day)
    ScheduleFactory(station=station, rule=ScheduleRule.WEEKLY, weekday=2, day_of_month=None)
    # schedules, days, calendar years, calendar days: whatever the number of rules.
    with django_assert_num_queries(4):
        got = next_receptions(station, today=D(2026, 9, 25), count=10)
    assert len(got) == 10
    assert got == sorted(got, key=lambda r: (r.date, r.start_time))
