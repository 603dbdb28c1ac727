"""Working days with China's public holidays and adjusted workdays (调休).

The calendar is data (``CalendarDay`` rows), because each year's official schedule is
published only a month or two before the year starts. ``load_from_package`` seeds the
years that the ``chinese-calendar`` package knows; admins import newer notices. For a
year with no loaded schedule, weekends and the statutory holiday dates (from the
``holidays`` package) are used and the result is marked provisional, so every deadline
computed from it can carry a visible warning.
"""

from __future__ import annotations

import calendar as _pycal
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _

from minqing.core.models import CalendarDay, CalendarDayKind, CalendarYear

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    provisional: bool

    @property
    def warning(self) -> str:
        if not self.provisional:
            return ""
        return _("%(year)s年节假日安排尚未载入，此期限按周末和法定节日暂算，载入后将重新计算。") % {
            "year": self.due.year
        }


@lru_cache(maxsize=64)
def _statutory_holidays(year: int) -> frozenset[dt.date]:
    import holidays

    days = holidays.China(years=year)
    # "(observed)" days are the package's guess at the in-lieu arrangement, which only
    # the State Council's notice decides; the fallback counts statutory dates only.
    return frozenset(d for d, name in days.items() if "observed" not in name.lower())


class WorkingCalendar:
    """A snapshot of the calendar over a date range: one query for the exceptions and
    one for the loaded years, then pure arithmetic."""

    def __init__(self, start: dt.date, end: dt.date):
        self.start, self.end = start, end
        self.loaded_years = set(CalendarYear.objects.values_list("year", flat=True))
        rows = CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind")
        self.exceptions = dict(rows)

    def is_provisional(self, day: dt.date) -> bool:
        return day.year not in self.loaded_years

    def is_working_day(self, day: dt.date) -> bool:
        if day.year in self.loaded_years:
            kind = self.exceptions.get(day)
            if kind == CalendarDayKind.HOLIDAY:
                return False
            if kind == CalendarDayKind.WORKDAY:
                return True
            return day.weekday() < 5
        return day.weekday() < 5 and day not in _statutory_holidays(day.year)


def _calendar_for(start: dt.date, days: int) -> WorkingCalendar:
    # Long holidays never take more than ~9 rest days in a row, so 2x + 30 covers n days.
    return WorkingCalendar(start, start + dt.timedelta(days=days * 2 + 30))


def is_working_day(day: dt.date) -> bool:
    return WorkingCalendar(day, day).is_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after ``start`` (``start`` itself never counts)."""
    return working_deadline(start, n).due


def working_deadline(start: dt.date, n: int) -> Deadline:
    """Like :func:`add_working_days`, telling also whether an unloaded year was crossed."""
    if n < 0:
        raise ValueError("n must be >= 0")
    cal = _calendar_for(start, n)
    day, counted, provisional = start, 0, False
    while counted < n:
        day += dt.timedelta(days=1)
        if day > cal.end:
            cal = _calendar_for(day, n - counted)
        provisional = provisional or cal.is_provisional(day)
        if cal.is_working_day(day):
            counted += 1
    return Deadline(day, provisional)


def add_months(start: dt.date, n: int) -> dt.date:
    """Calendar months: Jan 31 + 1 month is the last day of February."""
    month_index = start.month - 1 + n
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, _pycal.monthrange(year, month)[1])
    return dt.date(year, month, day)


def month_deadline(start: dt.date, n: int) -> Deadline:
    due = add_months(start, n)
    return Deadline(due, due.year not in set(CalendarYear.objects.values_list("year", flat=True)))


def package_years() -> list[int]:
    from chinese_calendar import constants

    return sorted({d.year for d in constants.holidays})


def load_from_package(years: list[int] | None = None) -> list[int]:
    """Seed CalendarDay rows for ``years`` (default: all the package knows) and mark
    them loaded. Idempotent; rows edited by admins for other years are untouched."""
    from chinese_calendar import constants

    years = years or package_years()
    loaded = []
    for year in years:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        rows = []
        for day, holiday in constants.holidays.items():
            if first <= day <= last and day.weekday() < 5:
                rows.append(
                    CalendarDay(
                        date=day,
                        kind=CalendarDayKind.HOLIDAY,
                        name=HOLIDAY_NAMES.get(str(holiday), str(holiday)),
                    )
                )
        for day, holiday in constants.workdays.items():
            if first <= day <= last:
                name = HOLIDAY_NAMES.get(str(holiday), str(holiday))
                rows.append(
                    CalendarDay(date=day, kind=CalendarDayKind.WORKDAY, name=f"{name}调休上班")
                )
        if not rows:
            continue
        CalendarDay.objects.filter(date__range=(first, last)).delete()
        CalendarDay.objects.bulk_create(rows)
        CalendarYear.objects.update_or_create(
            year=year, defaults={"source": "chinese-calendar 软件包（国务院办公厅节假日安排通知）"}
        )
        loaded.append(year)
    return loaded
