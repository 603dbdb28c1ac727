"""Two submissions with one client token at the same moment make one opinion.

Runs on PostgreSQL (``make test``'s second half) against the test database, where the
loser of the race meets the unique index on ``client_token``. On SQLite the test
database is in memory, which threads cannot share for writing (its shared-cache mode
answers "database table is locked" at once instead of waiting), so the threads work
on a file copy of it, made with SQLite's backup API and opened with the production
settings (WAL, busy timeout, IMMEDIATE transactions): the SQLite a deployment runs on.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from minqing.core.models import AuditEntry
from minqing.opinions import actions
from minqing.opinions.models import Channel, Opinion
from tests.opinions.factories import citizen_data

# serialized_rollback: after another transactional test's flush (one that itself used
# serialized_rollback, like the browser tests) the content types and the holiday calendar
# that migrations seed are gone; restore them, or the timeline rows' foreign key fails.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

THREADS = 2


@pytest.fixture
def database(world, tmp_path) -> str | None:
    """The database the threads use: None for the test database itself, or the path
    of a file copy of the in-memory SQLite test database (taken after ``world``)."""
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        return None
    path = tmp_path / "concurrency.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return str(path)


def run_at_once(database: str | None, work: Callable[[int], Any], n: int = THREADS) -> list:
    """Run ``work(i)`` in ``n`` threads released together by a barrier; return each
    result (or the exception it raised)."""
    barrier = threading.Barrier(n, timeout=30)
    results: list[Any] = [None] * n

    def target(i: int) -> None:
        wrapper = connections["default"]  # this thread's own connection
        if database is not None:
            wrapper.settings_dict = {**wrapper.settings_dict, "NAME": database}
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as exc:  # reported by the caller
            results[i] = exc
        finally:
            wrapper.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return results


def count(database: str | None, **filters) -> int:
    return run_at_once(database, lambda _i: Opinion.objects.filter(**filters).count(), n=1)[0]


def test_two_posts_with_one_token_make_one_opinion(world, database):
    url = reverse("citizen:station_submit", args=[world.station.code])
    token = str(uuid.uuid4())
    data = {k: v for k, v in citizen_data(consent="on").items() if k != "photos"}
    data["client_token"] = token

    def post(_i: int) -> tuple[int, str]:
        client = Client()
        response = client.post(url, data)
        done = client.get(reverse("citizen:done")).content.decode()
        return response.status_code, done

    results = run_at_once(database, post)
    assert [status for status, _ in results] == [302] * THREADS
    assert count(database, client_token=token) == 1
    assert count(database) == 1
    code = run_at_once(database, lambda _i: Opinion.objects.get().code, n=1)[0]
    # Both browsers were shown the same tracking code.
    for _, done in results:
        assert code[:4] in done and code[4:8] in done


def test_two_action_calls_with_one_token_return_one_opinion(world, database):
    token = uuid.uuid4()

    def call(_i: int) -> str:
        opinion = actions.opinion_submit(
            data=citizen_data(), station=world.station, channel=Channel.QR, client_token=token
        )
        return opinion.code

    codes = run_at_once(database, call)
    assert len(set(codes)) == 1
    assert count(database, client_token=token) == 1
    # The loser of the race audits nothing: one submission, one entry.
    audits = run_at_once(
        database,
        lambda _i: AuditEntry.objects.filter(verb="opinion.submit").count(),
        n=1,
    )[0]
    assert audits == 1
