#!/usr/bin/env python3
"""Benchmark: staff list pages and the public station page at province scale.

    MINQING_VAR_DIR=/tmp/bench-province .venv/bin/python bench/list_pages.py

Builds the province demo (103k deputies, 10.7k stations) in that directory's SQLite
database if it is empty, then, through Django's test client (no network, no server
process), requests each page as the province-wide admin and as city congress staff
(renda): first page, a deep page, and a name search. Prints the median of ``--runs``
requests in milliseconds and the number of SQL queries per request. Set
MINQING_DATABASE_URL to measure PostgreSQL instead.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minqing.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from minqing.accounts.models import User
    from minqing.people.models import Deputy
    from minqing.stations.models import Station

    call_command("migrate", verbosity=0)
    if not Deputy.objects.exists():
        started = time.perf_counter()
        call_command("demo_city", size="province", verbosity=0)
        print(f"built the province demo in {time.perf_counter() - started:.1f} s")
    print(
        f"database: {connection.vendor}, deputies {Deputy.objects.count():,}, "
        f"stations {Station.objects.count():,}"
    )
    station = Station.objects.filter(status="active").order_by("pk").first()
    pages = [
        ("deputy list", "/people/deputies/"),
        ("deputy list, page 40", "/people/deputies/?page=40"),
        ("deputy search 王", "/people/deputies/?q=王"),
        ("station list", "/stations/"),
        ("station list, page 40", "/stations/?page=40"),
        ("unit list", "/people/units/"),
        ("region list", "/regions/"),
        ("audit log", "/audit/"),
        ("API deputies (100)", "/api/v1/people/deputies?limit=100"),
    ]
    print(f"{'page':28} {'user':8} {'median ms':>10} {'queries':>8}")
    for username in ("admin", "renda"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for label, url in pages:
            _measure(client, label, username, url, args.runs, CaptureQueriesContext, connection)
    anonymous = Client()
    _measure(
        anonymous,
        "public station page",
        "-",
        f"/s/{station.code}/",
        args.runs,
        CaptureQueriesContext,
        connection,
    )


def _measure(client, label, username, url, runs, capture, connection) -> None:
    timings = []
    queries = 0
    for _ in range(runs):
        with capture(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    print(f"{label:28} {username:8} {statistics.median(timings):10.1f} {queries:8d}")


if __name__ == "__main__":
    main()
