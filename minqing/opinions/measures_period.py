"""The period of a measures request: "YYYY-MM" or "YYYY-MM-DD" bounds parsed with
Chinese messages, the default period (the last twelve months) and month arithmetic."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# The longest period one request may ask for (months), so a month table stays readable.
MAX_MONTHS = 120
MIN_YEAR, MAX_YEAR = 1990, 2099


def parse_period(start: str | None, end: str | None) -> tuple[dt.date, dt.date]:
    """The period of a request: ``start`` and ``end`` as "YYYY-MM" (a whole month: from
    its first day, to its last) or "YYYY-MM-DD"; either may be empty (the default
    period's bound). Raises ValidationError (Chinese, by field) for anything else, an
    end before the start or a span of more than ``MAX_MONTHS`` months."""
    default_start, default_end = default_period()
    errors: dict[str, list[str]] = {}
    out = {}
    for name, raw, default, is_end in (
        ("start", start, default_start, False),
        ("end", end, default_end, True),
    ):
        raw = (raw or "").strip()
        if not raw:
            out[name] = default
            continue
        day = _parse_day(raw, is_end)
        if day is None:
            errors[name] = [
                _("日期格式应为“年-月”（如 2026-03）或“年-月-日”，年份在 %(lo)s 至 %(hi)s 之间")
                % {"lo": MIN_YEAR, "hi": MAX_YEAR}
            ]
        else:
            out[name] = day
    if not errors:
        if out["end"] < out["start"]:
            errors["end"] = [_("结束日期不能早于开始日期")]
        elif len(months_between(out["start"], out["end"])) > MAX_MONTHS:
            errors["end"] = [_("统计期最长 %(n)s 个月") % {"n": MAX_MONTHS}]
    if errors:
        raise ValidationError(errors)
    return out["start"], out["end"]


def _parse_day(raw: str, is_end: bool) -> dt.date | None:
    parts = raw.split("-")
    if len(parts) not in (2, 3) or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    if len(parts[0]) != 4 or not all(1 <= len(p) <= 2 for p in parts[1:]):
        return None
    try:
        year, month = int(parts[0]), int(parts[1])
        if not MIN_YEAR <= year <= MAX_YEAR:
            return None
        if len(parts) == 3:
            return dt.date(year, month, int(parts[2]))
        first = dt.date(year, month, 1)
    except ValueError:
        return None
    return month_end(first) if is_end else first


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last twelve months, this one included."""
    today = today or timezone.localdate()
    y, m = today.year, today.month - 11
    if m <= 0:
        y, m = y - 1, m + 12
    return dt.date(y, m, 1), month_end(today)


def month_end(day: dt.date) -> dt.date:
    nxt = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def months_between(start: dt.date, end: dt.date) -> list[str]:
    """Every month from ``start`` to ``end`` as "YYYY-MM"."""
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
