"""The demo's time: working hours on working days, the hours citizens are up, and
deadlines counted like ``core.calendar.working_deadline``."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from minqing.core.calendar import Deadline, WorkingCalendar, working_deadline

HISTORY_DAYS = 365
WORK_START, WORK_END = dt.time(8, 30), dt.time(17, 30)
WORK_MINUTES = 540
SWEEP = dt.time(0, 1)  # the hourly sweep's first run of a day


class Clock:
    """Local wall-clock time over the demo's year: working hours on working days (one
    calendar snapshot) and deadlines through ``working_deadline`` (memoised)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now  # naive, local
        today = now.date()
        self.cal = WorkingCalendar(
            today - dt.timedelta(days=HISTORY_DAYS + 90), today + dt.timedelta(days=400)
        )
        self.tz = timezone.get_current_timezone()
        self._deadlines: dict[tuple[dt.date, int], Deadline] = {}

    def deadline(self, start: dt.date, n: int) -> Deadline:
        """``core.calendar.working_deadline(start, n)``, counted over the snapshot: the
        same loop without its two queries per call (thousands of calls per city; the
        tests check every stored deadline against ``working_deadline`` itself)."""
        key = (start, n)
        if key not in self._deadlines:
            day, counted, provisional = start, 0, False
            while counted < n:
                day += dt.timedelta(days=1)
                if day > self.cal.end:
                    return working_deadline(start, n)
                provisional = provisional or self.cal.is_provisional(day)
                counted += self.cal.is_working_day(day)
            self._deadlines[key] = Deadline(day, provisional)
        return self._deadlines[key]

    def aware(self, t: dt.datetime) -> dt.datetime:
        return t.replace(tzinfo=self.tz)

    def workday(self, d: dt.date) -> bool:
        return self.cal.is_working_day(d)

    def open_at(self, t: dt.datetime) -> dt.datetime:
        """``t`` if it falls in working hours, else the next opening."""
        d = t.date()
        if self.workday(d):
            if t < dt.datetime.combine(d, WORK_START):
                return dt.datetime.combine(d, WORK_START)
            if t < dt.datetime.combine(d, WORK_END):
                return t
        d += dt.timedelta(days=1)
        while not self.workday(d):
            d += dt.timedelta(days=1)
        return dt.datetime.combine(d, WORK_START)

    def work(self, t: dt.datetime, days: float) -> dt.datetime:
        """The moment ``days`` working days (of working hours) after ``t``."""
        t = self.open_at(t)
        minutes = days * WORK_MINUTES
        while True:
            left = (dt.datetime.combine(t.date(), WORK_END) - t).total_seconds() / 60
            if minutes < left:
                return (t + dt.timedelta(minutes=minutes)).replace(microsecond=0)
            minutes -= left
            t = self.open_at(dt.datetime.combine(t.date(), WORK_END))

    def close_before(self, t: dt.datetime) -> dt.datetime:
        """``t`` if it falls in working hours, else the last closing before it."""
        d = t.date()
        if self.workday(d):
            if t > dt.datetime.combine(d, WORK_END):
                return dt.datetime.combine(d, WORK_END)
            if t > dt.datetime.combine(d, WORK_START):
                return t
        d -= dt.timedelta(days=1)
        while not self.workday(d):
            d -= dt.timedelta(days=1)
        return dt.datetime.combine(d, WORK_END)

    def back(self, days: float) -> dt.datetime:
        """The moment ``days`` working days (of working hours) before now."""
        t = self.close_before(self.now)
        minutes = days * WORK_MINUTES
        while True:
            left = (t - dt.datetime.combine(t.date(), WORK_START)).total_seconds() / 60
            if minutes <= left:
                return (t - dt.timedelta(minutes=minutes)).replace(microsecond=0)
            minutes -= left
            t = self.close_before(dt.datetime.combine(t.date(), WORK_START))

    def citizen(self, t: dt.datetime, r: random.Random) -> dt.datetime:
        """``t`` moved into the hours people are up (7:00–23:00)."""
        if t.hour < 7:
            t = t.replace(hour=7) + dt.timedelta(minutes=r.randint(0, 120))
        elif t.hour >= 23:
            t = dt.datetime.combine(t.date() + dt.timedelta(days=1), dt.time(7)) + dt.timedelta(
                minutes=r.randint(0, 120)
            )
        return t.replace(microsecond=0)
