"""Writing the duty rows fast: plain tuples inserted with ``executemany`` under ids the
builder hands out itself, so rows that point to each other (activities and their
participations, posts and their slots) need no reading back of ids. PostgreSQL's
sequences are moved past the ids used afterwards; SQLite's follow on their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

from minqing.core.demo.regions import BATCH
from minqing.duties.models import (
    Activity,
    ActivityFile,
    Award,
    BallotCode,
    DutyReport,
    UnifiedDay,
)


class Ids:
    """The next free primary key of a table, handed out in order."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.next = (model.objects.aggregate(n=Max("pk"))["n"] or 0) + 1

    def __call__(self) -> int:
        n = self.next
        self.next += 1
        return n


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """INSERT ``rows`` (tuples in the order of ``fields``, attribute names) into
    ``model``'s table; dates, times and decimals are adapted as the ORM adapts them."""
    ops = connection.ops
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    adapters = []
    for i, name in enumerate(fields):
        f = by_attname[name]
        if isinstance(f, models.DateTimeField):
            adapters.append((i, _datetime_adapter()))
        elif isinstance(f, models.DateField):
            adapters.append((i, ops.adapt_datefield_value))
        elif isinstance(f, models.TimeField):
            adapters.append((i, ops.adapt_timefield_value))
        elif isinstance(f, models.DecimalField):
            adapters.append(
                (i, lambda v, f=f: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places))
            )
    columns = [by_attname[name].column for name in fields]
    rows = [_adapt(row, adapters) for row in rows] if adapters else list(rows)
    qn = ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(meta.db_table), ", ".join(qn(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    with connection.cursor() as cursor:
        for i in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[i : i + BATCH])
    return len(rows)


def _datetime_adapter():
    """``adapt_datetimefield_value``, without its settings lookup per value on SQLite
    (a third of the time of a hundred thousand rows): aware times as UTC text."""
    if connection.vendor != "sqlite" or connection.timezone != dt.UTC:
        return connection.ops.adapt_datetimefield_value

    offsets: dict[tuple, dt.timedelta] = {}  # the zone's offset by hour (DST changes on one)

    def adapt(value: dt.datetime) -> str:
        if value.tzinfo is not None:
            key = (value.tzinfo, value.year, value.month, value.day, value.hour)
            offset = offsets.get(key)
            if offset is None:
                offset = offsets[key] = value.utcoffset()
            value = value.replace(tzinfo=None) - offset
        return str(value)

    return adapt


def _adapt(row: tuple, adapters) -> list:
    out = list(row)
    for i, fn in adapters:
        if out[i] is not None:
            out[i] = fn(out[i])
    return out


def reset_sequences(models_: Sequence[type[models.Model]]) -> None:
    """Move the id sequences past the ids the builder gave (PostgreSQL; a no-op where
    the backend keeps no sequence)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


@contextmanager
def own_timestamps() -> Iterator[None]:
    """Let ORM inserts keep the builder's times in ``auto_now_add`` fields."""
    fields = [
        model._meta.get_field(name)
        for model, name in (
            (Activity, "created_at"),
            (ActivityFile, "created_at"),
            (Award, "created_at"),
            (DutyReport, "created_at"),
            (BallotCode, "issued_at"),
            (UnifiedDay, "created_at"),
        )
    ]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


__all__ = ["Ids", "insert", "own_timestamps", "reset_sequences"]
