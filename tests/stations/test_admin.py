"""The admin browses stations and runs lifecycle actions through the station actions."""

from __future__ import annotations

from django.urls import reverse

from minqing.core.models import AuditEntry, TimelineEvent
from minqing.stations.states import StationStatus
from tests.factories import UserFactory
from tests.stations.factories import ReceptionDayFactory, ScheduleFactory, StationFactory, seat


def test_admin_pages_render_read_only(client, tree):
    admin = UserFactory(is_staff=True, is_superuser=True)
    station = StationFactory(region=tree.wangjiang)
    seat(station)
    ScheduleFactory(station=station)
    ReceptionDayFactory(station=station)
    client.force_login(admin)
    for name in ("station", "receptionday", "receptionschedule"):
        assert client.get(reverse(f"admin:stations_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:stations_station_add")).status_code == 403
    change = client.get(reverse("admin:stations_station_change", args=[station.pk]))
    assert change.status_code == 200
    assert b'name="name"' not in change.content  # shown, not editable


def test_admin_action_goes_through_the_station_action(client, tree):
    admin = UserFactory(is_staff=True, is_superuser=True)
    planned = StationFactory(region=tree.wangjiang, status=StationStatus.PLANNED)
    closed = StationFactory(region=tree.wangjiang, status=StationStatus.CLOSED)
    client.force_login(admin)
    response = client.post(
        reverse("admin:stations_station_changelist"),
        {"action": "open_stations", "_selected_action": [planned.pk, closed.pk]},
        follow=True,
    )
    assert response.status_code == 200
    planned.refresh_from_db()
    closed.refresh_from_db()
    assert planned.status == StationStatus.ACTIVE
    assert closed.status == StationStatus.CLOSED  # refused edge, reported as a warning
    assert AuditEntry.objects.filter(verb="station.open").count() == 1
    assert TimelineEvent.objects.count() == 1
