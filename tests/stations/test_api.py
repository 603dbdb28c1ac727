"""/api/v1/stations/: the permission matrix, transitions (409), the public endpoint."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from minqing.core.models import AuditEntry
from minqing.stations.models import Station
from minqing.stations.states import STATION_STATES, StationStatus
from tests.stations.factories import DeputyFactory, ReceptionDayFactory, StationFactory, seat

BASE = "/api/v1/stations/"


def as_user(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def test_list_matrix(client, users, stations):
    assert as_user(client, None).get(BASE).status_code == 401
    assert as_user(client, users.nobody).get(BASE).status_code == 403

    def codes(user, **params):
        response = as_user(client, user).get(BASE, params)
        assert response.status_code == 200
        return {item["code"] for item in response.json()["items"]}

    assert codes(users.inscope) == {stations.a.code, stations.b.code}
    assert codes(users.outscope) == {stations.far.code}
    assert codes(users.staff_a) == {stations.a.code}
    assert codes(users.inscope, q="柳岸") == {stations.b.code}
    assert codes(users.inscope, region=stations.a.region.code) == {stations.a.code}
    assert codes(users.inscope, region="999999999") == set()


def test_list_is_paginated(client, tree, users, stations):
    for _ in range(4):
        StationFactory(region=tree.wangjiang)
    body = as_user(client, users.inscope).get(BASE, {"limit": 2, "offset": 0}).json()
    assert body["count"] == 6 and len(body["items"]) == 2


def test_get_matrix(client, users, stations):
    url = f"{BASE}{stations.a.pk}"
    assert as_user(client, None).get(url).status_code == 401
    assert as_user(client, users.nobody).get(url).status_code == 404
    assert as_user(client, users.outscope).get(url).status_code == 404
    assert as_user(client, users.staff_a).get(f"{BASE}{stations.b.pk}").status_code == 404
    response = as_user(client, users.inscope).get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == stations.a.code
    assert body["region_name"] == "望江社区" and body["status_label"] == "运行中"


def test_create_matrix(client, tree, users):
    payload = {"region": tree.wangjiang.code, "name": "接口新建站", "kind": "point"}
    assert (
        as_user(client, None).post(BASE, payload, content_type="application/json").status_code
        == 401
    )
    for user in (users.nobody, users.outscope, users.viewer, users.staff_a):
        response = as_user(client, user).post(BASE, payload, content_type="application/json")
        assert response.status_code == 403
    assert not Station.objects.filter(name="接口新建站").exists()
    response = as_user(client, users.inscope).post(BASE, payload, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "planned" and len(body["code"]) == 8
    assert AuditEntry.objects.filter(verb="station.create").count() == 1


def test_create_validation_is_422(client, tree, users):
    client = as_user(client, users.inscope)
    bad_kind = {"region": tree.wangjiang.code, "name": "站", "kind": "castle"}
    assert client.post(BASE, bad_kind, content_type="application/json").status_code == 422
    no_region = {"region": "123456", "name": "站", "kind": "point"}
    assert client.post(BASE, no_region, content_type="application/json").status_code == 422
    assert not Station.objects.filter(name="站").exists()


def test_transition_matrix(client, users, stations):
    url = f"{BASE}{stations.a.pk}/transition"
    payload = {"to": "suspended"}
    assert (
        as_user(client, None).post(url, payload, content_type="application/json").status_code == 401
    )
    for user, status in ((users.nobody, 404), (users.outscope, 404), (users.viewer, 403)):
        response = as_user(client, user).post(url, payload, content_type="application/json")
        assert response.status_code == status
    other = f"{BASE}{stations.b.pk}/transition"
    assert (
        as_user(client, users.staff_a)
        .post(other, payload, content_type="application/json")
        .status_code
        == 404
    )
    response = as_user(client, users.staff_a).post(url, payload, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "suspended"


EDGES = list(itertools.product(StationStatus.values, repeat=2))


@pytest.mark.parametrize(("from_state", "to_state"), EDGES)
def test_transition_edges_over_the_api(client, tree, users, from_state, to_state):
    station = StationFactory(region=tree.wangjiang, status=from_state)
    before = AuditEntry.objects.count()
    response = as_user(client, users.inscope).post(
        f"{BASE}{station.pk}/transition", {"to": to_state}, content_type="application/json"
    )
    station.refresh_from_db()
    if STATION_STATES.allows(from_state, to_state):
        assert response.status_code == 200
        assert station.status == to_state
        assert AuditEntry.objects.count() - before == 1
    else:
        assert response.status_code == 409
        assert "不能从" in response.json()["detail"]
        assert station.status == from_state
        assert AuditEntry.objects.count() == before


def test_transition_to_an_unknown_state_is_422(client, users, stations):
    response = as_user(client, users.inscope).post(
        f"{BASE}{stations.a.pk}/transition", {"to": "exploded"}, content_type="application/json"
    )
    assert response.status_code == 422


def test_qr_svg_matrix(client, users, stations):
    url = f"{BASE}{stations.a.pk}/qr.svg"
    assert as_user(client, None).get(url).status_code == 401
    assert as_user(client, users.nobody).get(url).status_code == 404
    assert as_user(client, users.outscope).get(url).status_code == 404
    response = as_user(client, users.staff_a).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content


def test_public_endpoint(client, tree, stations):
    deputy = DeputyFactory(
        region=tree.wangjiang,
        name="郑玉兰",
        contact={"mobile": "13700137000", "email": "zyl@example.cn"},
    )
    seat(stations.a, deputy)
    when = timezone.localdate() + dt.timedelta(days=2)
    ReceptionDayFactory(station=stations.a, date=when)
    response = client.get(f"{BASE}public/{stations.a.code}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "望江社区代表联络站"
    assert body["deputies"] == [
        {
            "id": deputy.pk,  # what a client sends to ask to meet this deputy
            "name": "郑玉兰",
            "title": "江滨街道人大代表",
            "sector": "教育",
            "is_convener": False,
        }
    ]
    assert body["next_receptions"][0]["date"] == when.isoformat()
    assert body["url"].endswith(f"/s/{stations.a.code}/")
    raw = response.content.decode()
    assert "13700137000" not in raw and "zyl@example.cn" not in raw


def test_public_endpoint_hides_planned_closed_and_malformed(client, tree):
    for status in (StationStatus.PLANNED, StationStatus.CLOSED):
        station = StationFactory(region=tree.wangjiang, status=status)
        assert client.get(f"{BASE}public/{station.code}").status_code == 404
    assert client.get(f"{BASE}public/NOTACODE").status_code == 404


def test_openapi_lists_the_station_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/stations/" in paths
    assert "/api/v1/stations/public/{code}" in paths
    assert paths["/api/v1/stations/public/{code}"]["get"].get("security") in (None, [])
