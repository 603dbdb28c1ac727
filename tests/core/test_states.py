"""core.states.transition on the station lifecycle (STATION_STATES, read only)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from minqing.core.models import TimelineEvent
from minqing.core.states import InvalidTransition, timeline, transition
from minqing.stations.models import Station
from minqing.stations.states import STATION_STATES, StationStatus
from tests.factories import UserFactory
from tests.stations.factories import StationFactory

pytestmark = pytest.mark.django_db(transaction=False)
S = StationStatus


def test_allowed_edge_moves_the_state_and_writes_a_timeline_row(tree):
    station = StationFactory(region=tree.street, status=S.PLANNED)
    actor = UserFactory()
    with transaction.atomic():
        event = transition(
            station, table=STATION_STATES, to=S.ACTIVE, actor=actor, note="开站", field="status"
        )
    station.refresh_from_db()
    assert station.status == S.ACTIVE
    assert (event.from_state, event.to_state, event.verb) == (S.PLANNED, S.ACTIVE, "open")
    assert event.workflow == "station" and event.actor == actor and event.note == "开站"
    assert list(timeline(station)) == [event]
    assert not timeline(station, public_only=True).exists()


@pytest.mark.parametrize(
    ("start", "to"),
    [(a, b) for a in S.values for b in S.values if (a, b) not in STATION_STATES.edges],
)
def test_every_edge_not_in_the_table_is_refused_in_chinese(tree, start, to):
    station = StationFactory(region=tree.street, status=start)
    with transaction.atomic(), pytest.raises(InvalidTransition) as exc:
        transition(station, table=STATION_STATES, to=to, actor=None, field="status")
    assert str(exc.value) == f"不能从「{S(start).label}」变为「{S(to).label}」"
    station.refresh_from_db()
    assert station.status == start
    assert not TimelineEvent.objects.exists()


@pytest.mark.parametrize(("start", "to"), list(STATION_STATES.edges))
def test_every_edge_in_the_table_is_allowed(tree, start, to):
    station = StationFactory(region=tree.street, status=start)
    with transaction.atomic():
        transition(station, table=STATION_STATES, to=to, actor=None, field="status")
    assert Station.objects.get(pk=station.pk).status == to


def test_the_state_is_read_under_the_lock_not_from_the_stale_object(tree):
    station = StationFactory(region=tree.street, status=S.ACTIVE)
    Station.objects.filter(pk=station.pk).update(status=S.CLOSED)  # someone else closed it
    assert station.status == S.ACTIVE
    with transaction.atomic(), pytest.raises(InvalidTransition):
        transition(station, table=STATION_STATES, to=S.SUSPENDED, actor=None, field="status")
    assert Station.objects.get(pk=station.pk).status == S.CLOSED


def test_the_row_is_locked_where_the_database_can(tree):
    station = StationFactory(region=tree.street, status=S.ACTIVE)
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        transition(station, table=STATION_STATES, to=S.SUSPENDED, actor=None, field="status")
    sql = [q["sql"].upper() for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert sql[0].startswith("SELECT")  # the state is read first …
    assert sql[1].startswith("UPDATE")  # … then written
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in sql[0]
    # SQLite has no row locks; its IMMEDIATE transactions (settings) lock the database.


# serialized_rollback like every transactional test here: a plain flush re-creates the
# content types, and the next serialized test's restore then collides with them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_refuses_to_run_outside_a_transaction(tree):
    # (The plain ``db`` fixture wraps every test in a transaction, so this one can't.)
    station = StationFactory(region=tree.street, status=S.ACTIVE)
    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError):
        transition(station, table=STATION_STATES, to=S.SUSPENDED, actor=None, field="status")
    assert Station.objects.get(pk=station.pk).status == S.ACTIVE
