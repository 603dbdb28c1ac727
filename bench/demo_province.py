#!/usr/bin/env python3
"""Benchmark: ``manage.py demo_city --size province`` on a fresh database.

    .venv/bin/python bench/demo_province.py                  # SQLite (a fresh file in /tmp)
    .venv/bin/python bench/demo_province.py --postgres       # and a throwaway PostgreSQL
    .venv/bin/python bench/demo_province.py --size city      # a smaller run

Each run migrates an empty database, then times ``demo_city`` in its own process (the
figure includes Django's start-up) and prints the row counts, the time and rows per
second. PostgreSQL uses the throwaway cluster of scripts/pg_test.py, with durable
settings (fsync on) rather than the test suite's speed settings. Results go into
docs/benchmarks.md by hand.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LIMIT_SECONDS = 600
# Counts printed by ``demo_city -v2`` that are rows of their own table (the dotted keys
# are breakdowns of these).
ROW_KEYS = (
    "regions",
    "congresses",
    "terms",
    "deputies",
    "deputy_contacts",
    "deputy_groups",
    "deputy_group_members",
    "units",
    "stations",
    "station_deputies",
    "reception_schedules",
    "reception_days",
    "reception_day_deputies",
    "users",
    "opinions",
    "opinion_assignments",
    "opinion_replies",
    "opinion_ratings",
    "opinion_contacts",
    "opinion_extensions",
    "opinion_reminders",
    "meeting_requests",
    "suggestion_sessions",
    "suggestions",
    "suggestion_signers",
    "suggestion_sources",
    "suggestion_batches",
    "suggestion_assignments",
    "suggestion_reassign_requests",
    "suggestion_extensions",
    "suggestion_contacts",
    "suggestion_replies",
    "suggestion_files",
    "suggestion_feedback",
    "suggestion_commitments",
    "suggestion_commitment_progress",
    "suggestion_supervisions",
    "suggestion_reminders",
    "activities",
    "participations",
    "activity_files",
    "unified_days",
    "unified_posts",
    "duty_slots",
    "duty_reports",
    "ballot_codes",
    "ballots",
    "awards",
    "points_rules",
    "rankings",
    "ranking_rows",
    "timeline_events",
)


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *args, "--skip-checks"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def run_once(label: str, env: dict[str, str], size: str, seed: int) -> dict:
    migrated = manage(env, "migrate", "-v0")
    if migrated.returncode != 0:
        raise SystemExit(f"[{label}] migrate failed:\n{migrated.stderr}")
    started = time.monotonic()
    result = manage(env, "demo_city", "--size", size, "--seed", str(seed), "-v2")
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"[{label}] demo_city failed:\n{result.stdout}\n{result.stderr}")
    counts = {
        key: int(value)
        for key, value in re.findall(r"^\s+([\w.]+): (\d+)$", result.stdout, flags=re.M)
    }
    rows = sum(counts.get(k, 0) for k in ROW_KEYS)
    inner = re.search(r"用时 ([\d.]+) 秒", result.stdout)
    return {
        "label": label,
        "seconds": seconds,
        "inner": float(inner.group(1)) if inner else seconds,
        "rows": rows,
        "counts": counts,
        "phases": re.findall(r"^\s+(\S+): ([\d.]+) 秒$", result.stdout, flags=re.M),
    }


def sqlite_run(size: str, seed: int) -> dict:
    var = Path(tempfile.mkdtemp(prefix="minqing-bench-"))
    try:
        env = {k: v for k, v in os.environ.items() if k != "MINQING_DATABASE_URL"}
        env["MINQING_VAR_DIR"] = str(var)
        return run_once("SQLite", env, size, seed)
    finally:
        shutil.rmtree(var, ignore_errors=True)


def postgres_run(size: str, seed: int) -> dict | None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import pg_test

    bindir = pg_test.find_bindir(override=os.environ.get("MINQING_PG_BINDIR"))
    if bindir is None:
        print("no PostgreSQL server binaries: PostgreSQL run skipped", file=sys.stderr)
        return None
    # A benchmark measures durable writes, not the test suite's fsync=off.
    pg_test.SPEED_OPTIONS = ()
    cluster = pg_test.Cluster(bindir, pg_test.Runner.for_uid(os.geteuid()))
    var = Path(tempfile.mkdtemp(prefix="minqing-bench-"))
    try:
        cluster.init()
        cluster.start()
        version = cluster.create_database()
        env = dict(os.environ)
        env["MINQING_DATABASE_URL"] = cluster.url
        env["MINQING_VAR_DIR"] = str(var)
        return run_once(f"PostgreSQL {version}", env, size, seed)
    finally:
        cluster.stop()
        shutil.rmtree(var, ignore_errors=True)


def report(run: dict) -> None:
    c = run["counts"]
    print(f"\n== {run['label']} ==")
    print(
        f"regions {c.get('regions')}, deputies {c.get('deputies')}, "
        f"stations {c.get('stations')}, station seats {c.get('station_deputies')}, "
        f"units {c.get('units')}"
    )
    print("rows: " + ", ".join(f"{k} {c[k]}" for k in ROW_KEYS if k in c))
    print("phases: " + ", ".join(f"{name} {sec}s" for name, sec in run["phases"]))
    print(
        f"demo_city: {run['seconds']:.1f} s wall (process), {run['inner']:.1f} s inside; "
        f"{run['rows']} rows, {run['rows'] / run['inner']:.0f} rows/s"
    )
    verdict = "OK" if run["seconds"] < LIMIT_SECONDS else "TOO SLOW"
    print(f"limit {LIMIT_SECONDS} s: {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="province", choices=["small", "city", "province"])
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    args = parser.parse_args(argv)
    print(
        f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.node()} · {os.cpu_count()} CPUs · "
        f"Python {platform.python_version()} · size={args.size} seed={args.seed}"
    )
    runs = []
    if not args.no_sqlite:
        runs.append(sqlite_run(args.size, args.seed))
        report(runs[-1])
    if args.postgres:
        pg = postgres_run(args.size, args.seed)
        if pg:
            runs.append(pg)
            report(pg)
    return 0 if all(r["seconds"] < LIMIT_SECONDS for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
