"""When a station next receives voters: recurring rules plus one-off reception days.

A rule ("the 10th of every month", "the 2nd Wednesday", "every Friday") gives dates; a
date that is not a working day moves to the next working day when the rule says so
(statutory holidays and 调休 come from the calendar table, read once per call). One-off
:class:`ReceptionDay` rows are added as they are; a *cancelled* one-off day on the date
of a rule occurrence cancels that occurrence, which is how staff call off one reception
of a recurring schedule.
"""

from __future__ import annotations

import calendar as _pycal
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from minqing.core.calendar import WorkingCalendar, add_months
from minqing.stations.models import ReceptionDay, ReceptionSchedule, ScheduleRule, Station

# Whole msgids, Monday first (date.weekday()): a translation cannot be assembled from
# "星期" and a numeral.
WEEKDAY_NAMES = (
    gettext_lazy("星期一"),
    gettext_lazy("星期二"),
    gettext_lazy("星期三"),
    gettext_lazy("星期四"),
    gettext_lazy("星期五"),
    gettext_lazy("星期六"),
    gettext_lazy("星期日"),
)
# Chinese says 每周一, not 每周星期一, so the weekly rule is a whole text per weekday too.
EVERY_WEEKDAY = (
    gettext_lazy("每周一"),
    gettext_lazy("每周二"),
    gettext_lazy("每周三"),
    gettext_lazy("每周四"),
    gettext_lazy("每周五"),
    gettext_lazy("每周六"),
    gettext_lazy("每周日"),
)
LAST_WEEK = 5  # week_of_month 5 means "the last such weekday of the month"
# The ordinal inside "每月第2个星期三"; the form's choice labels are separate msgids.
WEEK_ORDINALS = {
    1: pgettext_lazy("每月第几个星期几", "第1个"),
    2: pgettext_lazy("每月第几个星期几", "第2个"),
    3: pgettext_lazy("每月第几个星期几", "第3个"),
    4: pgettext_lazy("每月第几个星期几", "第4个"),
    LAST_WEEK: pgettext_lazy("每月第几个星期几", "最后一个"),
}
# A rule date that is a rest day moves forward; the longest Chinese holiday block plus its
# weekend is under two weeks, so looking back this far finds occurrences moved into view.
_LOOKBACK = dt.timedelta(days=15)


@dataclass(frozen=True)
class Reception:
    """One upcoming reception, from a rule or a one-off day."""

    date: dt.date
    start_time: dt.time
    end_time: dt.time
    title: str = ""
    note: str = ""
    schedule_id: int | None = None
    day_id: int | None = None
    shifted_from: dt.date | None = None

    @property
    def time_range(self) -> str:
        return f"{format_time(self.start_time)}–{format_time(self.end_time)}"

    @property
    def is_shifted(self) -> bool:
        return self.shifted_from is not None


def format_time(value: dt.time) -> str:
    return f"{value.hour}:{value.minute:02d}"


def weekday_name(weekday: int) -> str:
    return str(WEEKDAY_NAMES[weekday])


def describe(schedule: ReceptionSchedule) -> str:
    """A human description of a rule in the active language, e.g. "每月10日 9:00–11:30"."""
    times = f"{format_time(schedule.start_time)}–{format_time(schedule.end_time)}"
    if schedule.rule == ScheduleRule.MONTHLY_DAY:
        text = _("每月%(day)s日") % {"day": schedule.day_of_month}
    elif schedule.rule == ScheduleRule.MONTHLY_WEEKDAY:
        text = _("每月%(ordinal)s%(weekday)s") % {
            "ordinal": WEEK_ORDINALS.get(schedule.week_of_month, schedule.week_of_month),
            "weekday": weekday_name(schedule.weekday),
        }
    else:
        text = str(EVERY_WEEKDAY[schedule.weekday])
    text = f"{text} {times}"
    if schedule.skip_non_working_days:
        text += _("（遇节假日顺延）")
    return text


def validate_schedule(schedule: ReceptionSchedule) -> None:
    """Field rules a recurring schedule must meet; raises ValidationError in Chinese."""
    errors: dict[str, str] = {}
    if schedule.rule not in ScheduleRule.values:
        errors["rule"] = _("请选择接待规则。")
    elif schedule.rule == ScheduleRule.MONTHLY_DAY:
        if schedule.day_of_month is None or not 1 <= schedule.day_of_month <= 31:
            errors["day_of_month"] = _("每月几日须在1到31之间。")
    else:
        if schedule.weekday is None or not 0 <= schedule.weekday <= 6:
            errors["weekday"] = _("请选择星期几。")
        if schedule.rule == ScheduleRule.MONTHLY_WEEKDAY and (
            schedule.week_of_month is None or not 1 <= schedule.week_of_month <= 5
        ):
            errors["week_of_month"] = _("请选择第几周（1–4，或最后一周）。")
    if schedule.start_time and schedule.end_time and schedule.end_time <= schedule.start_time:
        errors["end_time"] = _("结束时间须晚于开始时间。")
    if errors:
        raise ValidationError(errors)
    # Fields the rule does not use are cleared, so the description never lies.
    if schedule.rule == ScheduleRule.MONTHLY_DAY:
        schedule.weekday = schedule.week_of_month = None
    else:
        schedule.day_of_month = None
        if schedule.rule == ScheduleRule.WEEKLY:
            schedule.week_of_month = None


def _month_starts(start: dt.date, end: dt.date):
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = add_months(month, 1)


def rule_dates(schedule: ReceptionSchedule, start: dt.date, end: dt.date) -> list[dt.date]:
    """The dates a rule names within [start, end], before any holiday shift.

    A monthly day past the end of a short month is clamped to its last day (the 31st is
    Feb 28/29, Apr 30 …), so the rule never skips a month.
    """
    dates: list[dt.date] = []
    if schedule.rule == ScheduleRule.WEEKLY:
        day = start + dt.timedelta(days=(schedule.weekday - start.weekday()) % 7)
        while day <= end:
            dates.append(day)
            day += dt.timedelta(days=7)
        return dates
    for month in _month_starts(start, end):
        length = _pycal.monthrange(month.year, month.month)[1]
        if schedule.rule == ScheduleRule.MONTHLY_DAY:
            day = month.replace(day=min(schedule.day_of_month, length))
        else:
            first = month + dt.timedelta(days=(schedule.weekday - month.weekday()) % 7)
            if schedule.week_of_month == LAST_WEEK:
                day = first + dt.timedelta(days=7 * ((length - first.day) // 7))
            else:
                day = first + dt.timedelta(days=7 * (schedule.week_of_month - 1))
                if day.month != month.month:
                    continue
        if start <= day <= end:
            dates.append(day)
    return dates


def _next_working_day(cal: WorkingCalendar, day: dt.date) -> dt.date:
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def receptions_from(
    schedules: list[ReceptionSchedule],
    days: list[ReceptionDay],
    *,
    today: dt.date,
    count: int = 3,
) -> list[Reception]:
    """The next ``count`` receptions from already-loaded rules and days (dates >= today).

    Pure apart from one calendar read, so callers that prefetch (lists, the public page)
    pay no query per station.
    """
    end = add_months(today, count + 1)
    cancelled = {d.date for d in days if d.cancelled}
    found: dict[tuple[dt.date, dt.time], Reception] = {}
    active = [s for s in schedules if s.is_active]
    if active:
        cal = WorkingCalendar(today - _LOOKBACK, end + dt.timedelta(days=31))
        for schedule in active:
            for day in rule_dates(schedule, today - _LOOKBACK, end):
                if day in cancelled:
                    continue
                actual = day
                if schedule.skip_non_working_days:
                    actual = _next_working_day(cal, day)
                if actual < today or actual in cancelled:
                    continue
                key = (actual, schedule.start_time)
                found.setdefault(
                    key,
                    Reception(
                        date=actual,
                        start_time=schedule.start_time,
                        end_time=schedule.end_time,
                        note=schedule.note,
                        schedule_id=schedule.pk,
                        shifted_from=day if actual != day else None,
                    ),
                )
    for reception_day in days:
        if reception_day.cancelled or reception_day.date < today:
            continue
        # A one-off day replaces a rule occurrence at the same date and time: it says more.
        found[(reception_day.date, reception_day.start_time)] = Reception(
            date=reception_day.date,
            start_time=reception_day.start_time,
            end_time=reception_day.end_time,
            title=reception_day.title,
            note=reception_day.note,
            day_id=reception_day.pk,
        )
    return sorted(found.values(), key=lambda r: (r.date, r.start_time))[:count]


def next_receptions(station: Station, *, today: dt.date, count: int = 3) -> list[Reception]:
    """The next ``count`` receptions of ``station`` on or after ``today``, sorted.

    Reads the station's rules, its reception days from ``today`` on, and the calendar
    (a fixed number of queries, whatever the horizon).
    """
    schedules = list(ReceptionSchedule.objects.filter(station=station, is_active=True))
    days = list(
        ReceptionDay.objects.filter(station=station, date__gte=today).order_by("date", "start_time")
    )
    return receptions_from(schedules, days, today=today, count=count)
