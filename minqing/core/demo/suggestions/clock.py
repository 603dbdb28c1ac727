"""The demo's time for motions and suggestions: the opinions' clock over a longer calendar
(last year's session is nearly two years back), calendar-month deadlines like
``core.calendar.month_deadline``, moments counted back from any time, and the plenary
sessions of a congress's term."""

from __future__ import annotations

import datetime as dt
import random

from minqing.core.calendar import Deadline, WorkingCalendar, add_months
from minqing.core.demo.opinions.clock import WORK_END, WORK_START
from minqing.core.demo.opinions.clock import Clock as OpinionClock

SESSION_DAYS = 4  # a city congress sits four days (Monday to Thursday)
TERM_SESSIONS = 5
CN_DIGITS = "零一二三四五六七八九"


class Clock(OpinionClock):
    """``opinions.clock.Clock`` with a calendar snapshot from ``since`` on."""

    def __init__(self, now: dt.datetime, since: dt.date) -> None:
        super().__init__(now)
        start = min(since, now.date() - dt.timedelta(days=30)) - dt.timedelta(days=30)
        self.cal = WorkingCalendar(start, now.date() + dt.timedelta(days=400))
        self._deadlines.clear()
        # Moments past this day are after now whatever they are exactly: every step at
        # them is cut, so they need no calendar (which would load next year's holidays).
        self.horizon = now.date() + dt.timedelta(days=2)
        self._workdays: dict[dt.date, bool] = {}
        self._days: tuple[list[dt.date], dict[dt.date, int]] | None = None

    def workday(self, d: dt.date) -> bool:
        known = self._workdays.get(d)
        if known is None:
            known = self._workdays[d] = self.cal.is_working_day(d)
        return known

    def open_at(self, t: dt.datetime) -> dt.datetime:
        return t if t.date() > self.horizon else super().open_at(t)

    def work(self, t: dt.datetime, days: float) -> dt.datetime:
        """``days`` working days (of working hours) after ``t``, like the opinions' clock
        but jumping whole days along a list of working days; only roughly once past the
        horizon."""
        t = self.open_at(t)
        if t.date() > self.horizon:
            return (t + dt.timedelta(minutes=days * 540 * 2.7)).replace(microsecond=0)
        minutes = days * 540
        left = (dt.datetime.combine(t.date(), WORK_END) - t).total_seconds() / 60
        if minutes < left:
            return (t + dt.timedelta(minutes=minutes)).replace(microsecond=0)
        full, rest = divmod(minutes - left, 540)
        days_list, index = self._working_days()
        i = index[t.date()] + 1 + int(full)
        if i >= len(days_list):  # past the horizon: some day after it
            beyond = i - len(days_list) + 1
            day = days_list[-1] + dt.timedelta(days=beyond + beyond // 5 * 2)
        else:
            day = days_list[i]
        start = dt.datetime.combine(day, WORK_START)
        return (start + dt.timedelta(minutes=rest)).replace(microsecond=0)

    def _working_days(self) -> tuple[list[dt.date], dict[dt.date, int]]:
        """The working days of the snapshot up to the horizon, and each one's index."""
        if self._days is None:
            day, days = self.cal.start, []
            while day <= self.horizon:
                if self.workday(day):
                    days.append(day)
                day += dt.timedelta(days=1)
            self._days = (days, {d: i for i, d in enumerate(days)})
        return self._days

    def month(self, start: dt.date, n: int) -> Deadline:
        """``core.calendar.month_deadline(start, n)`` over the snapshot's loaded years."""
        due = add_months(start, n)
        return Deadline(due, due.year not in self.cal.loaded_years)

    def back_from(self, t: dt.datetime, days: float) -> dt.datetime:
        """The moment ``days`` working days (of working hours) before ``t``."""
        t = self.close_before(t)
        minutes = days * 540
        while True:
            left = (t - dt.datetime.combine(t.date(), WORK_START)).total_seconds() / 60
            if minutes <= left:
                return (t - dt.timedelta(minutes=minutes)).replace(microsecond=0)
            minutes -= left
            t = self.close_before(dt.datetime.combine(t.date(), WORK_START))

    def back(self, days: float) -> dt.datetime:
        return self.back_from(self.now, days)

    def deputy(self, t: dt.datetime, r: random.Random) -> dt.datetime:
        """``t`` moved into the hours deputies work on their items (7:00–23:00)."""
        return self.citizen(t, r)

    def evening(self, d: dt.date, r: random.Random) -> dt.datetime:
        return dt.datetime.combine(d, dt.time(r.randint(8, 21), r.randint(0, 59)))

    def local_date(self, t: dt.datetime) -> dt.date:
        """The local date of an aware moment (as ``timezone.localtime(t).date()``)."""
        return t.astimezone(self.tz).date()

    def office_hours(self, t: dt.datetime) -> dt.datetime:
        """``t`` if in working hours, else the last closing before it (never later)."""
        return self.close_before(t)


def chinese_number(n: int) -> str:
    """1–99 as Chinese numerals: 5 → 五, 16 → 十六, 20 → 二十."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    head = "" if tens == 1 else CN_DIGITS[tens]
    return head + "十" + (CN_DIGITS[ones] if ones else "")


def session_start(year: int, offset_weeks: int = 0) -> dt.date:
    """The opening day of a yearly session: the first Monday from 6 January (city
    congresses meet before the Spring Festival), moved on by ``offset_weeks``."""
    base = dt.date(year, 1, 6)
    return base + dt.timedelta(days=(7 - base.weekday()) % 7 + 7 * offset_weeks)


def term_sessions(
    term_start: dt.date, today: dt.date, offset_weeks: int = 0
) -> list[tuple[int, dt.date, dt.date]]:
    """(number, start, end) of every session of a term that has opened by ``today``: the
    first at the term's start, then one each January (not within half a year of it), five
    in all (a term is five years)."""
    out = [(1, term_start, term_start + dt.timedelta(days=SESSION_DAYS))]
    year = term_start.year + (2 if term_start.month >= 7 else 1)
    while len(out) < TERM_SESSIONS:
        start = session_start(year, offset_weeks)
        if start > today:
            return out
        out.append((len(out) + 1, start, start + dt.timedelta(days=SESSION_DAYS - 1)))
        year += 1
    return out


__all__ = [
    "WORK_END",
    "WORK_START",
    "Clock",
    "chinese_number",
    "session_start",
    "term_sessions",
]
