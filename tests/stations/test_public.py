"""The public station page behind the QR code: who, when, how — and nothing private."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from minqing.core import codes
from minqing.stations.states import StationStatus
from tests.stations.factories import (
    DeputyFactory,
    ReceptionDayFactory,
    ScheduleFactory,
    StationFactory,
    seat,
    term_for,
)


def public_url(station) -> str:
    return reverse("public:station", args=[station.code])


def test_public_url_shape(db):
    assert reverse("public:station", args=["ABCDEFGH"]) == "/s/ABCDEFGH/"


def test_public_page_shows_station_deputies_and_next_reception(client, tree):
    station = StationFactory(region=tree.wangjiang, name="望江社区代表联络站")
    seat(
        station,
        DeputyFactory(
            region=tree.wangjiang, term=term_for(tree.city), name="林海燕", sector="教育"
        ),
        is_convener=True,
    )
    seat(station, DeputyFactory(region=tree.wangjiang, name="周立新", sector="医疗卫生"))
    when = timezone.localdate() + dt.timedelta(days=5)
    ReceptionDayFactory(station=station, date=when, title="代表集中接待日")
    response = client.get(public_url(station))
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    page = response.content.decode()
    assert "望江社区代表联络站" in page
    assert "林海燕" in page and "澜州市人大代表" in page and "教育" in page
    assert "周立新" in page and "江滨街道人大代表" in page
    assert f"{when.year}年{when.month}月{when.day}日" in page
    assert "代表集中接待日" in page
    assert "0571-86001234" in page  # the station's own phone is public
    # The opinion section links to the citizen pages (links, not a form).
    assert 'id="raise-opinion"' in page
    opinion = page.split('id="raise-opinion"', 1)[1].split("</section>", 1)[0]
    assert f"/o/s/{station.code}/" in opinion and "在线反映" in opinion
    assert f"/o/s/{station.code}/meet/" in opinion and "/o/track/" in opinion
    assert "<form" not in opinion


def test_public_page_never_shows_deputy_contact_data(client, tree):
    station = StationFactory(region=tree.wangjiang)
    deputy = DeputyFactory(
        region=tree.wangjiang,
        name="陈秀英",
        contact={"mobile": "13800138000", "email": "chenxy@example.cn", "address": "秘密路9号"},
    )
    seat(station, deputy)
    page = client.get(public_url(station)).content.decode()
    assert "陈秀英" in page
    for secret in ("13800138000", "chenxy@example.cn", "秘密路9号", deputy.deputy_number):
        assert secret not in page


def test_public_page_leaves_out_ended_deputies(client, tree):
    station = StationFactory(region=tree.wangjiang)
    seat(station, DeputyFactory(region=tree.wangjiang, name="吴文军", status="ended"))
    assert "吴文军" not in client.get(public_url(station)).content.decode()


def test_suspended_station_says_so_and_shows_no_receptions(client, tree):
    station = StationFactory(region=tree.wangjiang, status=StationStatus.SUSPENDED)
    ScheduleFactory(station=station)
    response = client.get(public_url(station))
    assert response.status_code == 200
    assert response.context["receptions"] == []
    assert "本站暂停接待" in response.content.decode()


@pytest.mark.parametrize("status", [StationStatus.PLANNED, StationStatus.CLOSED])
def test_planned_and_closed_stations_are_not_public(client, tree, status):
    station = StationFactory(region=tree.wangjiang, status=status)
    assert client.get(public_url(station)).status_code == 404


def test_malformed_codes_are_refused_before_any_query(client, tree, django_assert_num_queries):
    station = StationFactory(region=tree.wangjiang)
    body = station.code[:-1]
    wrong_check = next(c for c in codes.ALPHABET if c != station.code[-1])
    for bad in (body + wrong_check, "0OIL1234", "x" * 40, "ab"):
        with django_assert_num_queries(0):
            assert client.get(f"/s/{bad}/").status_code == 404


def test_unknown_valid_code_is_404(client, tree):
    assert client.get(f"/s/{codes.generate(8)}/").status_code == 404


def test_hand_typed_code_redirects_to_the_canonical_address(client, tree):
    station = StationFactory(region=tree.wangjiang)
    typed = codes.display(station.code).lower()  # "abcd-efgh"
    response = client.get(f"/s/{typed}/")
    assert response.status_code == 301
    assert response.url == public_url(station)


@pytest.mark.parametrize("n", [3, 30])
def test_public_page_query_count_does_not_grow_with_deputies(
    client, tree, django_assert_num_queries, n
):
    station = StationFactory(region=tree.wangjiang)
    ScheduleFactory(station=station)
    ReceptionDayFactory(station=station)
    for _ in range(n):
        seat(station, DeputyFactory(region=tree.wangjiang))
    # station, deputies, schedules, days, calendar years, calendar days.
    with django_assert_num_queries(6):
        response = client.get(public_url(station))
    assert len(response.context["deputies"]) == n


def test_raise_opinion_is_a_block_the_next_issue_can_fill(rf, tree):
    station = StationFactory(region=tree.wangjiang)
    template = Template(
        '{% extends "stations/public_station.html" %}'
        "{% block raise_opinion %}ONLINE-FORM-HERE{% endblock %}"
    )
    html = template.render(
        Context({"station": station, "deputies": [], "receptions": [], "request": rf.get("/")})
    )
    assert "ONLINE-FORM-HERE" in html
    assert "在线反映功能即将在本页开通" not in html
