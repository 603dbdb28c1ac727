#!/usr/bin/env python3
"""Benchmark: the 民情 pages at province scale with a large opinion table.

    .venv/bin/python bench/opinion_pages.py                      # SQLite in /tmp/bench-opinions
    .venv/bin/python bench/opinion_pages.py --postgres           # a throwaway PostgreSQL 15
    MINQING_DATABASE_URL=postgres://… .venv/bin/python bench/opinion_pages.py
    .venv/bin/python bench/opinion_pages.py --explain            # + the slowest query's plan

Uses the database of ``MINQING_VAR_DIR`` (default /tmp/bench-opinions; or
``MINQING_DATABASE_URL``; or, with ``--postgres``, a throwaway cluster started with
scripts/pg_test.py's harness and removed afterwards). It migrates, builds the province
demo if the database is empty (``demo_city --size province``, about a minute), then,
while there are fewer than ``--opinions`` opinions (default 300,000: a year of a
province), adds synthetic ones by cloning the demo's: each clone copies a demo opinion
(region, station, unit, channel, kind, category, text, state …) with its assignments,
replies, ratings, contacts and extension requests, a fresh tracking code, and every
time and deadline moved back by the same random 0–7 days, so the states keep the
demo's mix and their ages (the demo's year: new ones still open, old ones closed).
Timeline rows, files and meeting requests are not cloned. This is bench code: it
writes in bulk (``bulk_create`` in batches of 5,000, explicit ids, one transaction per
batch), not through the actions.

Then, through Django's test client (no server, no network), it requests every page as
the province-wide admin (superuser), renda (city congress staff), chengban (unit staff)
and lianluoyuan (station staff) where the page applies to them, and the public track
lookup anonymously, and prints the median of ``--runs`` requests in milliseconds and
the SQL queries of one request. Rate limits are switched off for the run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minqing.settings")
os.environ.setdefault("MINQING_VAR_DIR", "/tmp/bench-opinions")

BATCH = 5000
SHIFT_DAYS = 7  # clones move back in time by up to this much
TEMPLATES = 20_000  # at most this many existing opinions serve as templates
SEARCH = "路灯"
USERS = ("admin", "renda", "chengban", "lianluoyuan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opinions", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument(
        "--postgres", action="store_true", help="start a throwaway PostgreSQL cluster"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="with --postgres: leave the cluster running afterwards (prints how to stop it)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the plan of each page's slowest query"
    )
    parser.add_argument("--only", default="", help="measure only pages whose label has this")
    args = parser.parse_args()
    with _postgres(keep=args.keep) if args.postgres else contextlib.nullcontext():
        run(args)
    return 0


@contextlib.contextmanager
def _postgres(*, keep: bool = False) -> Iterator[None]:
    """A throwaway cluster of scripts/pg_test.py (fsync off: this measures reads), removed
    afterwards unless ``keep``."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import pg_test

    bindir = pg_test.find_bindir(override=os.environ.get("MINQING_PG_BINDIR"))
    if bindir is None:
        raise SystemExit("no PostgreSQL server binaries (initdb, pg_ctl) found")
    cluster = pg_test.Cluster(bindir, pg_test.Runner.for_uid(os.geteuid()))
    try:
        cluster.init()
        cluster.start()
        version = cluster.create_database()
        print(f"PostgreSQL {version} (throwaway cluster, {cluster.base})", flush=True)
        os.environ["MINQING_DATABASE_URL"] = cluster.url
        yield
    finally:
        if keep and cluster.started:
            stop = cluster.runner.command(
                [cluster._bin("pg_ctl"), "-D", str(cluster.data), "-m", "fast", "stop"]
            )
            print(f"kept: MINQING_DATABASE_URL={cluster.url}")
            print(f"stop it with: {' '.join(stop)} && rm -rf {cluster.base}")
        else:
            cluster.stop()


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from minqing.opinions.models import Opinion
    from minqing.people.models import Deputy

    override_settings(MINQING_RATELIMIT_ENABLED=False).enable()
    call_command("migrate", verbosity=0)
    if not Deputy.objects.exists():
        started = time.perf_counter()
        call_command("demo_city", size="province", verbosity=0)
        print(f"built the province demo in {time.perf_counter() - started:.1f} s", flush=True)
    have = Opinion.objects.count()
    if have < args.opinions:
        started = time.perf_counter()
        grow(args.opinions - have, random.Random(args.seed))
        print(
            f"added {args.opinions - have:,} opinions in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    describe()
    measure_all(args)


# --- the data -----------------------------------------------------------------------------


def _shift(value, delta: dt.timedelta):
    """Move a datetime by ``delta``, a date by the whole days of it (rounded down)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value + delta
    return value + dt.timedelta(days=delta.days)


def _clone(obj, delta: dt.timedelta, **ids):
    """A copy of ``obj`` (unsaved) with its times moved by ``delta`` and ``ids`` set."""
    from django.db import models

    values = {}
    for f in type(obj)._meta.concrete_fields:
        if f.primary_key:
            continue
        value = getattr(obj, f.attname)
        if isinstance(f, models.DateField):  # DateTimeField too
            value = _shift(value, delta)
        values[f.attname] = value
    values.update(ids)
    return type(obj)(**values)


@contextlib.contextmanager
def _own_timestamps(models_fields) -> Iterator[None]:
    """Let bulk inserts keep the clones' times in ``auto_now_add`` fields."""
    fields = [m._meta.get_field(name) for m, name in models_fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def grow(count: int, rng: random.Random) -> None:
    """Add ``count`` clones of existing opinions with their handling rows (see the module
    docstring)."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Max

    from minqing.core import codes
    from minqing.opinions.models import (
        TRACKING_CODE_LENGTH,
        Opinion,
        OpinionAssignment,
        OpinionContact,
        OpinionExtension,
        OpinionRating,
        OpinionReply,
    )

    models = (
        Opinion,
        OpinionAssignment,
        OpinionReply,
        OpinionRating,
        OpinionContact,
        OpinionExtension,
    )
    templates = list(Opinion.objects.order_by("pk")[:TEMPLATES])
    pks = [t.pk for t in templates]
    by_opinion: dict[str, dict[int, list]] = {}
    for name, model in (
        ("assignments", OpinionAssignment),
        ("replies", OpinionReply),
        ("contacts", OpinionContact),
        ("extensions", OpinionExtension),
    ):
        rows: dict[int, list] = {}
        for row in model.objects.filter(opinion_id__in=pks).order_by("pk"):
            rows.setdefault(row.opinion_id, []).append(row)
        by_opinion[name] = rows
    ratings = {r.reply_id: r for r in OpinionRating.objects.filter(opinion_id__in=pks)}
    next_id = {m: (m.objects.aggregate(n=Max("pk"))["n"] or 0) + 1 for m in models}
    taken = set(Opinion.objects.values_list("code", flat=True))
    now = dt.datetime.now(dt.UTC)

    def new_id(model) -> int:
        next_id[model] += 1
        return next_id[model] - 1

    def new_code() -> str:
        while True:
            code = codes.generate(TRACKING_CODE_LENGTH)
            if code not in taken:
                taken.add(code)
                return code

    stamps = [
        (Opinion, "created_at"),
        (OpinionReply, "created_at"),
        (OpinionRating, "created_at"),
        (OpinionContact, "created_at"),
        (OpinionExtension, "created_at"),
    ]
    done = 0
    with _own_timestamps(stamps):
        while done < count:
            n = min(BATCH, count - done)
            out: dict[type, list] = {m: [] for m in models}
            for _ in range(n):
                t = rng.choice(templates)
                delta = -dt.timedelta(seconds=rng.uniform(0, SHIFT_DAYS * 86400))
                if t.created_at + delta > now:
                    delta = dt.timedelta(0)
                oid = new_id(Opinion)
                amap = {}
                for a in by_opinion["assignments"].get(t.pk, []):
                    amap[a.pk] = new_id(OpinionAssignment)
                    out[OpinionAssignment].append(_clone(a, delta, id=amap[a.pk], opinion_id=oid))
                out[Opinion].append(
                    _clone(
                        t,
                        delta,
                        id=oid,
                        code=new_code(),
                        client_token=None,
                        assignment_id=amap.get(t.assignment_id),
                    )
                )
                for r in by_opinion["replies"].get(t.pk, []):
                    rid = new_id(OpinionReply)
                    aid = amap.get(r.assignment_id)
                    out[OpinionReply].append(
                        _clone(r, delta, id=rid, opinion_id=oid, assignment_id=aid)
                    )
                    if r.pk in ratings:
                        out[OpinionRating].append(
                            _clone(
                                ratings[r.pk],
                                delta,
                                id=new_id(OpinionRating),
                                opinion_id=oid,
                                reply_id=rid,
                            )
                        )
                for name, model in (("contacts", OpinionContact), ("extensions", OpinionExtension)):
                    for x in by_opinion[name].get(t.pk, []):
                        out[model].append(
                            _clone(
                                x,
                                delta,
                                id=new_id(model),
                                opinion_id=oid,
                                assignment_id=amap[x.assignment_id],
                            )
                        )
            # One transaction: the opinions point at their current assignment, inserted
            # after them (the foreign keys are deferred to the commit).
            with transaction.atomic():
                for model in models:
                    if out[model]:
                        model.objects.bulk_create(out[model], batch_size=BATCH)
            done += n
            print(f"  {done:,} / {count:,}", end="\r", flush=True)
    print()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
                cursor.execute(sql)


def describe() -> None:
    from django.db import connection
    from django.db.models import Count, Max, Min

    from minqing.opinions.models import (
        Opinion,
        OpinionAssignment,
        OpinionRating,
        OpinionReply,
    )
    from minqing.people.models import Deputy
    from minqing.stations.models import Station

    span = Opinion.objects.aggregate(lo=Min("created_at"), hi=Max("created_at"))
    print(
        f"database: {connection.vendor}, deputies {Deputy.objects.count():,}, "
        f"stations {Station.objects.count():,}, opinions {Opinion.objects.count():,} "
        f"({span['lo']:%Y-%m-%d} – {span['hi']:%Y-%m-%d}), "
        f"assignments {OpinionAssignment.objects.count():,}, "
        f"replies {OpinionReply.objects.count():,}, ratings {OpinionRating.objects.count():,}"
    )
    states = Counter(dict(Opinion.objects.order_by().values_list("state").annotate(n=Count("pk"))))
    print("states: " + ", ".join(f"{s} {n:,}" for s, n in states.most_common()))


# --- the pages ------------------------------------------------------------------------------


def pages(users: dict) -> list[tuple[str, str, tuple[str, ...], int]]:
    """(label, url, who, expected status) of every measured request."""
    from django.urls import reverse

    from minqing.core.pagination import PER_PAGE
    from minqing.opinions import selectors

    office, unit = reverse("opinions:office_inbox"), reverse("opinions:unit_inbox")
    listing, measures = reverse("opinions:list"), reverse("opinions:measures")
    staff = ("admin", "renda")
    out = [
        ("office inbox", office, staff, 200),
    ]
    for name in staff:
        last = max(1, -(-selectors.inbox_office(users[name]).count() // PER_PAGE))
        print(f"office inbox of {name}: last page = page {last}")
        out.append(("office inbox, last page", f"{office}?page={last}", (name,), 200))
    out += [
        ("unit inbox", unit, ("admin", "chengban"), 200),
        ("overdue", reverse("opinions:overdue"), staff, 200),
        ("list", listing, USERS, 200),
        (f"list, q={SEARCH}", f"{listing}?q={SEARCH}", USERS, 200),
        ("list, state=handling", f"{listing}?state=handling", USERS, 200),
        ("station inbox", reverse("opinions:station_inbox"), ("admin", "lianluoyuan"), 200),
    ]
    for group in ("unit", "region", "category", "month"):
        out.append((f"measures by {group}", f"{measures}?group_by={group}", staff, 200))
    out.append(("API office inbox, limit 100", "/api/v1/opinions/opinions?inbox=office&limit=100",
                staff, 200))  # fmt: skip
    return out


def measure_all(args: argparse.Namespace) -> None:
    from django.test import Client
    from django.urls import reverse

    from minqing.accounts.models import User
    from minqing.core.demo.opinions import showcase_tracking

    users = {u.username: u for u in User.objects.filter(username__in=USERS)}
    clients = {}
    for name in USERS:
        clients[name] = Client()
        clients[name].force_login(users[name])
    results: dict[tuple[str, str], tuple[float, int]] = {}
    print(f"{'page':36} {'user':12} {'median ms':>10} {'queries':>8}", flush=True)
    for label, url, who, status in pages(users):
        if args.only and args.only not in label:
            continue
        for name in who:
            results[label, name] = _measure(clients[name], "get", url, {}, status, args)
            _print(label, name, results[label, name])
    code, last4 = showcase_tracking()
    track = reverse("citizen:track")
    citizen = Client()
    for label, method, url, data, status in (
        ("public track lookup (POST)", "post", track, {"code": code, "last4": last4}, 302),
        ("public track view", "get", f"{reverse('citizen:track_view')}?code={code}", {}, 200),
    ):
        if args.only and args.only not in label:
            continue
        results[label, "anonymous"] = _measure(citizen, method, url, data, status, args)
        _print(label, "anonymous", results[label, "anonymous"])
    _markdown(results)


def _print(label: str, name: str, result: tuple[float, int]) -> None:
    print(f"{label:36} {name:12} {result[0]:10.1f} {result[1]:8d}", flush=True)


def _measure(client, method, url, data, status, args) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = getattr(client, method)(url, data)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == status, (url, response.status_code)
    if args.explain:
        _explain(ctx.captured_queries)
    return statistics.median(timings), len(ctx.captured_queries)


def _explain(queries: list[dict]) -> None:
    """The plan of the slowest query of the last request."""
    from django.db import connection

    slowest = max(queries, key=lambda q: float(q["time"]))
    sql = slowest["sql"]
    print(f"    slowest query {float(slowest['time']) * 1000:.0f} ms: {sql[:600]}")
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        for row in cursor.fetchall():
            print("    | " + " ".join(str(c) for c in row))


def _markdown(results: dict[tuple[str, str], tuple[float, int]]) -> None:
    """The same figures as a Markdown table: one row per page, a column pair per user."""
    if not results:
        return
    who = [u for u in (*USERS, "anonymous") if any(k[1] == u for k in results)]
    labels = list(dict.fromkeys(k[0] for k in results))
    print()
    print("| page | " + " | ".join(f"{u} ms | queries" for u in who) + " |")
    print("| --- | " + " | ".join("---: | ---:" for _ in who) + " |")
    for label in labels:
        cells = []
        for u in who:
            r = results.get((label, u))
            cells.append(f"{r[0]:.0f} | {r[1]}" if r else " | ")
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
