"""A citizen scans a station's QR code: on a phone, the page shows the deputies and the
next reception day, and fits the screen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from minqing.stations import qr
from tests.stations.factories import (
    DeputyFactory,
    ReceptionDayFactory,
    ScheduleFactory,
    StationFactory,
    seat,
    term_for,
)

# serialized_rollback: the flush after a transactional test would otherwise wipe the
# holiday calendar that a data migration seeds, for every test that runs after this one.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_qr_url_opens_the_public_page_on_a_phone(live_server, settings, tree, phone_page):
    settings.MINQING_PUBLIC_URL = live_server.url
    station = StationFactory(
        region=tree.wangjiang,
        name="望江社区人大代表联络站",
        address="澜州市滨江区望江路8号望江社区党群服务中心二楼",
    )
    seat(
        station,
        DeputyFactory(region=tree.wangjiang, term=term_for(tree.city), name="林海燕"),
        is_convener=True,
    )
    seat(station, DeputyFactory(region=tree.wangjiang, name="周立新"))
    ScheduleFactory(station=station, day_of_month=10)
    when = timezone.localdate() + dt.timedelta(days=1)
    ReceptionDayFactory(station=station, date=when, title="代表集中接待日")

    url = qr.public_url(station)  # exactly what the QR code encodes
    assert url == f"{live_server.url}/s/{station.code}/"
    response = phone_page.goto(url)
    assert response is not None and response.status == 200

    deputies = phone_page.locator("#deputies")
    assert "林海燕" in deputies.inner_text()
    assert "周立新" in deputies.inner_text()
    assert "澜州市人大代表" in deputies.inner_text()

    next_reception = phone_page.locator("#next-reception")
    assert next_reception.is_visible()
    text = next_reception.inner_text()
    assert f"{when.year}年{when.month}月{when.day}日" in text
    assert "代表集中接待日" in text

    fits = phone_page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, phone_page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert phone_page.evaluate("() => window.innerWidth") == 390


def test_the_calendar_seed_survives_the_browser_test():
    from minqing.core.models import CalendarYear

    assert CalendarYear.objects.filter(year=2026).exists()
