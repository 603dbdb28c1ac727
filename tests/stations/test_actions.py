"""Station actions: the state-table walk, permissions, one audit entry per action."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from minqing.accounts.models import Role, RoleGrant
from minqing.core import codes
from minqing.core.models import AuditEntry, TimelineEvent
from minqing.core.permissions import clear_cache, has_perm
from minqing.core.states import InvalidTransition
from minqing.stations import actions
from minqing.stations.models import (
    ReceptionDay,
    ReceptionSchedule,
    ScheduleRule,
    Station,
    StationDeputy,
    StationKind,
)
from minqing.stations.states import STATION_STATES, StationStatus
from tests.factories import UserFactory
from tests.stations.factories import (
    DeputyFactory,
    ReceptionDayFactory,
    ScheduleFactory,
    StationFactory,
    seat,
)

T = dt.time
ALL_EDGES = list(itertools.product(StationStatus.values, repeat=2))
ALLOWED = [e for e in ALL_EDGES if STATION_STATES.allows(*e)]
FORBIDDEN = [e for e in ALL_EDGES if not STATION_STATES.allows(*e)]


@pytest.fixture
def audit_delta():
    """Call with a callable; returns (its result, number of audit entries it wrote)."""

    def run(fn, *args, **kw):
        before = AuditEntry.objects.count()
        result = fn(*args, **kw)
        return result, AuditEntry.objects.count() - before

    return run


# --- the state table ------------------------------------------------------------------


def test_the_walk_covers_every_edge():
    assert len(ALLOWED) == 6
    assert len(ALLOWED) + len(FORBIDDEN) == 16


@pytest.mark.parametrize(("from_state", "to_state"), ALLOWED)
def test_every_allowed_edge_moves_writes_one_timeline_row_and_one_audit_entry(
    tree, users, from_state, to_state
):
    station = StationFactory(region=tree.wangjiang, status=from_state)
    timeline_before = TimelineEvent.objects.count()
    audit_before = AuditEntry.objects.count()
    actions.station_transition(actor=users.inscope, station=station, to=to_state, note="测试")
    station.refresh_from_db()
    assert station.status == to_state
    assert TimelineEvent.objects.count() - timeline_before == 1
    assert AuditEntry.objects.count() - audit_before == 1
    event = TimelineEvent.objects.latest("id")
    assert (event.from_state, event.to_state, event.actor) == (from_state, to_state, users.inscope)
    entry = AuditEntry.objects.latest("id")
    assert entry.verb == f"station.{STATION_STATES.verb(from_state, to_state)}"
    assert entry.region == tree.wangjiang
    assert entry.before == {"status": from_state}
    assert entry.after == {"status": to_state}


@pytest.mark.parametrize(("from_state", "to_state"), FORBIDDEN)
def test_every_forbidden_edge_raises_and_writes_nothing(tree, users, from_state, to_state):
    station = StationFactory(region=tree.wangjiang, status=from_state)
    timeline_before = TimelineEvent.objects.count()
    audit_before = AuditEntry.objects.count()
    with pytest.raises(InvalidTransition):
        actions.station_transition(actor=users.inscope, station=station, to=to_state)
    station.refresh_from_db()
    assert station.status == from_state
    assert TimelineEvent.objects.count() == timeline_before
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize(
    ("action", "from_state", "to_state"),
    [
        (actions.station_open, StationStatus.PLANNED, StationStatus.ACTIVE),
        (actions.station_suspend, StationStatus.ACTIVE, StationStatus.SUSPENDED),
        (actions.station_resume, StationStatus.SUSPENDED, StationStatus.ACTIVE),
        (actions.station_close, StationStatus.SUSPENDED, StationStatus.CLOSED),
    ],
)
def test_named_transition_actions(tree, users, audit_delta, action, from_state, to_state):
    station = StationFactory(region=tree.wangjiang, status=from_state)
    _, delta = audit_delta(action, actor=users.inscope, station=station)
    assert delta == 1
    station.refresh_from_db()
    assert station.status == to_state


def test_named_transition_refuses_the_wrong_state(tree, users):
    station = StationFactory(region=tree.wangjiang, status=StationStatus.PLANNED)
    with pytest.raises(InvalidTransition):
        actions.station_suspend(actor=users.inscope, station=station)


def test_transition_permission(tree, users, stations):
    for user in (users.outscope, users.nobody, users.viewer):
        with pytest.raises(PermissionDenied):
            actions.station_suspend(actor=user, station=stations.a)
    # Station staff run their own station, not another.
    actions.station_suspend(actor=users.staff_a, station=stations.a)
    with pytest.raises(PermissionDenied):
        actions.station_suspend(actor=users.staff_a, station=stations.b)


# --- create / update ------------------------------------------------------------------


def test_station_create(tree, users, audit_delta):
    station, delta = audit_delta(
        actions.station_create,
        actor=users.inscope,
        region=tree.wangjiang,
        name=" 望江社区代表联络点 ",
        kind=StationKind.POINT,
        address="望江路8号",
        opening_hours="工作日 9:00–17:00",
    )
    assert delta == 1
    assert station.pk and station.name == "望江社区代表联络点"
    assert station.status == StationStatus.PLANNED
    assert len(station.code) == 8 and codes.is_valid(station.code)
    entry = AuditEntry.objects.latest("id")
    assert entry.verb == "station.create" and entry.region == tree.wangjiang
    assert entry.after["code"] == station.code


def test_station_create_draws_a_new_code_on_collision(tree, users, monkeypatch):
    taken = StationFactory(region=tree.wangjiang).code
    fresh = codes.generate(8)
    drawn = iter([taken, fresh])
    monkeypatch.setattr(actions, "_new_code", lambda: next(drawn))
    station = actions.station_create(
        actor=users.inscope, region=tree.wangjiang, name="新站", kind=StationKind.STATION
    )
    assert station.code == fresh


def test_station_create_permission(tree, users):
    kw = {"name": "新站", "kind": StationKind.STATION}
    for user in (users.outscope, users.nobody, users.viewer):
        with pytest.raises(PermissionDenied):
            actions.station_create(actor=user, region=tree.wangjiang, **kw)
    # A grant narrowed to one station does not let its staff found new stations, even in
    # that station's own region.
    assert has_perm(users.staff_a, "stations.manage_station", tree.wangjiang)
    with pytest.raises(PermissionDenied):
        actions.station_create(actor=users.staff_a, region=tree.wangjiang, **kw)
    assert not Station.objects.filter(name="新站").exists()


def test_station_create_validates(tree, users):
    with pytest.raises(ValidationError) as exc:
        actions.station_create(actor=users.inscope, region=tree.wangjiang, name="", kind="bogus")
    assert set(exc.value.message_dict) == {"name", "kind"}
    assert AuditEntry.objects.count() == 0


def test_station_update(tree, users, stations, audit_delta):
    station, delta = audit_delta(
        actions.station_update,
        actor=users.staff_a,
        station=stations.a,
        changes={"opening_hours": "每天 8:30–18:00", "name": stations.a.name},
    )
    assert delta == 1
    entry = AuditEntry.objects.latest("id")
    assert entry.verb == "station.update"
    assert entry.before == {"opening_hours": "工作日 9:00–17:00"}
    assert entry.after == {"opening_hours": "每天 8:30–18:00"}
    # Nothing changed: nothing written.
    _, delta = audit_delta(
        actions.station_update,
        actor=users.staff_a,
        station=station,
        changes={"opening_hours": "每天 8:30–18:00"},
    )
    assert delta == 0


def test_station_update_refuses_code_and_status(stations, users):
    with pytest.raises(ValueError):
        actions.station_update(
            actor=users.inscope, station=stations.a, changes={"status": StationStatus.CLOSED}
        )


def test_moving_a_station_needs_both_regions_and_moves_its_staff_grants(tree, users, stations):
    with pytest.raises(PermissionDenied):
        actions.station_update(
            actor=users.staff_a, station=stations.a, changes={"region": tree.liuan}
        )
    with pytest.raises(PermissionDenied):
        actions.station_update(
            actor=users.inscope, station=stations.a, changes={"region": tree.donghu}
        )
    actions.station_update(actor=users.inscope, station=stations.a, changes={"region": tree.liuan})
    assert RoleGrant.objects.get(user=users.staff_a).region == tree.liuan


def test_closed_station_cannot_be_edited(tree, users):
    station = StationFactory(region=tree.wangjiang, status=StationStatus.CLOSED)
    with pytest.raises(ValidationError):
        actions.station_update(actor=users.inscope, station=station, changes={"name": "新名"})


# --- deputies ---------------------------------------------------------------------------


def test_deputy_add_and_remove(tree, users, stations, audit_delta):
    deputy = DeputyFactory(region=tree.wangjiang)
    membership, delta = audit_delta(
        actions.station_deputy_add,
        actor=users.staff_a,
        station=stations.a,
        deputy=deputy,
        is_convener=True,
    )
    assert delta == 1
    assert membership.is_convener and membership.since == timezone.localdate()
    assert AuditEntry.objects.latest("id").verb == "station.deputy_add"
    with pytest.raises(ValidationError):
        actions.station_deputy_add(actor=users.staff_a, station=stations.a, deputy=deputy)
    _, delta = audit_delta(
        actions.station_deputy_remove, actor=users.staff_a, membership=membership
    )
    assert delta == 1
    assert AuditEntry.objects.latest("id").verb == "station.deputy_remove"
    assert not StationDeputy.objects.exists()


def test_deputy_must_be_visible_to_the_actor(tree, users, stations):
    far_deputy = DeputyFactory(region=tree.donghu)
    with pytest.raises(PermissionDenied):
        actions.station_deputy_add(actor=users.inscope, station=stations.a, deputy=far_deputy)
    # Station staff see the deputies of their station's region only.
    street_deputy = DeputyFactory(region=tree.liuan)
    with pytest.raises(PermissionDenied):
        actions.station_deputy_add(actor=users.staff_a, station=stations.a, deputy=street_deputy)
    with pytest.raises(PermissionDenied):
        actions.station_deputy_add(actor=users.outscope, station=stations.a, deputy=far_deputy)
    assert not StationDeputy.objects.exists()


def test_deputy_add_refuses_ended_deputies(tree, users, stations):
    deputy = DeputyFactory(region=tree.wangjiang, status="ended")
    with pytest.raises(ValidationError):
        actions.station_deputy_add(actor=users.inscope, station=stations.a, deputy=deputy)


# --- staff ------------------------------------------------------------------------------


def test_staff_grant_and_revoke(tree, users, stations, audit_delta):
    newcomer = UserFactory()
    role_grant, delta = audit_delta(
        actions.station_staff_grant, actor=users.inscope, station=stations.b, user=newcomer
    )
    assert delta == 1
    assert (role_grant.role, role_grant.station, role_grant.region) == (
        Role.STATION_STAFF,
        stations.b,
        tree.liuan,
    )
    assert AuditEntry.objects.latest("id").verb == "station.staff_grant"
    assert has_perm(newcomer, "stations.manage_station", stations.b)
    assert not has_perm(newcomer, "stations.manage_station", stations.a)
    with pytest.raises(ValidationError):
        actions.station_staff_grant(actor=users.inscope, station=stations.b, user=newcomer)

    _, delta = audit_delta(actions.station_staff_revoke, actor=users.inscope, role_grant=role_grant)
    assert delta == 1
    assert AuditEntry.objects.latest("id").verb == "station.staff_revoke"
    clear_cache(newcomer)
    assert not has_perm(newcomer, "stations.manage_station", stations.b)
    with pytest.raises(ValidationError):
        actions.station_staff_revoke(actor=users.inscope, role_grant=role_grant)


def test_station_staff_cannot_grant_or_revoke_staff(users, stations):
    with pytest.raises(PermissionDenied):
        actions.station_staff_grant(actor=users.staff_a, station=stations.a, user=UserFactory())
    own = RoleGrant.objects.get(user=users.staff_a)
    with pytest.raises(PermissionDenied):
        actions.station_staff_revoke(actor=users.staff_a, role_grant=own)
    with pytest.raises(PermissionDenied):
        actions.station_staff_grant(actor=users.outscope, station=stations.a, user=UserFactory())


# --- schedules and reception days ---------------------------------------------------------


def test_schedule_create_update_delete(users, stations, audit_delta):
    schedule, delta = audit_delta(
        actions.reception_schedule_create,
        actor=users.staff_a,
        station=stations.a,
        rule=ScheduleRule.MONTHLY_DAY,
        day_of_month=10,
        weekday=3,  # not used by the rule: cleared
        start_time=T(9, 0),
        end_time=T(11, 30),
    )
    assert delta == 1
    assert schedule.weekday is None
    assert AuditEntry.objects.latest("id").verb == "reception_schedule.create"
    _, delta = audit_delta(
        actions.reception_schedule_update,
        actor=users.staff_a,
        schedule=schedule,
        changes={"rule": ScheduleRule.WEEKLY, "weekday": 4},
    )
    assert delta == 1
    schedule.refresh_from_db()
    assert (schedule.rule, schedule.weekday, schedule.day_of_month) == ("weekly", 4, None)
    _, delta = audit_delta(
        actions.reception_schedule_delete, actor=users.staff_a, schedule=schedule
    )
    assert delta == 1
    entry = AuditEntry.objects.latest("id")
    assert entry.verb == "reception_schedule.delete" and entry.before["weekday"] == 4
    assert not ReceptionSchedule.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"rule": ScheduleRule.MONTHLY_DAY, "day_of_month": 32}, "day_of_month"),
        ({"rule": ScheduleRule.MONTHLY_DAY}, "day_of_month"),
        ({"rule": ScheduleRule.WEEKLY}, "weekday"),
        ({"rule": ScheduleRule.MONTHLY_WEEKDAY, "weekday": 2}, "week_of_month"),
        (
            {"rule": ScheduleRule.WEEKLY, "weekday": 2, "end_time": T(8, 0)},
            "end_time",
        ),
    ],
)
def test_schedule_validation(users, stations, fields, error_field):
    kw = {"start_time": T(9, 0), "end_time": T(11, 0), **fields}
    with pytest.raises(ValidationError) as exc:
        actions.reception_schedule_create(actor=users.inscope, station=stations.a, **kw)
    assert error_field in exc.value.message_dict
    assert not ReceptionSchedule.objects.exists()


def test_schedule_permission(users, stations):
    schedule = ScheduleFactory(station=stations.b)
    with pytest.raises(PermissionDenied):
        actions.reception_schedule_delete(actor=users.staff_a, schedule=schedule)
    with pytest.raises(PermissionDenied):
        actions.reception_schedule_create(
            actor=users.outscope,
            station=stations.a,
            rule=ScheduleRule.WEEKLY,
            weekday=1,
            start_time=T(9, 0),
            end_time=T(10, 0),
        )


def test_reception_day_create_update_cancel(tree, users, stations, audit_delta):
    deputy = seat(stations.a).deputy
    outsider = DeputyFactory(region=tree.wangjiang)
    when = timezone.localdate() + dt.timedelta(days=10)
    day, delta = audit_delta(
        actions.reception_day_create,
        actor=users.staff_a,
        station=stations.a,
        date=when,
        start_time=T(9, 0),
        end_time=T(11, 0),
        title="统一接待日",
        deputies=[deputy],
    )
    assert delta == 1
    assert list(day.deputies.all()) == [deputy]
    assert AuditEntry.objects.latest("id").verb == "reception_day.create"
    with pytest.raises(ValidationError):
        actions.reception_day_update(
            actor=users.staff_a, day=day, changes={}, deputies=[deputy, outsider]
        )
    _, delta = audit_delta(
        actions.reception_day_update,
        actor=users.staff_a,
        day=day,
        changes={"end_time": T(12, 0)},
    )
    assert delta == 1
    assert AuditEntry.objects.latest("id").after["end_time"] == "12:00:00"
    _, delta = audit_delta(actions.reception_day_cancel, actor=users.staff_a, day=day, note="暴雨")
    assert delta == 1
    day.refresh_from_db()
    assert day.cancelled and day.note == "暴雨"
    assert AuditEntry.objects.latest("id").verb == "reception_day.cancel"
    with pytest.raises(ValidationError):
        actions.reception_day_cancel(actor=users.staff_a, day=day)


def test_reception_day_refuses_the_past_and_other_stations(users, stations):
    with pytest.raises(ValidationError):
        actions.reception_day_create(
            actor=users.inscope,
            station=stations.a,
            date=timezone.localdate() - dt.timedelta(days=1),
            start_time=T(9, 0),
            end_time=T(11, 0),
        )
    day = ReceptionDayFactory(station=stations.b)
    with pytest.raises(PermissionDenied):
        actions.reception_day_cancel(actor=users.staff_a, day=day)
    assert not ReceptionDay.objects.filter(cancelled=True).exists()
