"""QR codes point at the public page; the A4 poster prints Chinese text, not boxes."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
from django.urls import reverse
from django.utils import timezone

from minqing.stations import qr
from minqing.stations.poster import render_poster
from tests.stations.factories import (
    DeputyFactory,
    ReceptionDayFactory,
    ScheduleFactory,
    StationFactory,
    seat,
    term_for,
)


def test_public_url_uses_the_configured_base(settings, rf, tree):
    station = StationFactory(region=tree.wangjiang)
    settings.ALLOWED_HOSTS = ["intranet.local"]
    settings.MINQING_PUBLIC_URL = "https://minqing.lanzhou.example.cn"
    request = rf.get("/", HTTP_HOST="intranet.local")
    assert qr.public_url(station, request) == (
        f"https://minqing.lanzhou.example.cn/s/{station.code}/"
    )
    settings.MINQING_PUBLIC_URL = ""
    assert qr.public_url(station, request) == f"http://intranet.local/s/{station.code}/"


def test_qr_downloads_encode_the_public_url(client, settings, tree, users, stations):
    settings.MINQING_PUBLIC_URL = "https://minqing.example.cn"
    client.force_login(users.inscope)
    url = f"https://minqing.example.cn/s/{stations.a.code}/"
    svg = client.get(reverse("stations:station_qr_svg", args=[stations.a.pk]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert "attachment" in svg["Content-Disposition"]
    assert svg.content == qr.svg_bytes(url)
    assert b"<svg" in svg.content
    png = client.get(reverse("stations:station_qr_png", args=[stations.a.pk]))
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert png.content == qr.png_bytes(url)
    assert "private" in png["Cache-Control"]
    # Another URL gives another code: the content really depends on the station.
    assert qr.svg_bytes(f"https://minqing.example.cn/s/{stations.b.code}/") != svg.content


def _poster_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() for page in reader.pages)


def test_poster_prints_chinese_with_embedded_cjk_fonts(tree):
    station = StationFactory(
        region=tree.wangjiang,
        name="望江社区人大代表联络站",
        address="澜州市滨江区望江路8号",
        opening_hours="工作日 9:00–17:00",
    )
    seat(station, DeputyFactory(region=tree.wangjiang, term=term_for(tree.city), name="林海燕"))
    seat(station, DeputyFactory(region=tree.wangjiang, name="周立新"))
    ScheduleFactory(station=station, day_of_month=10)
    ReceptionDayFactory(station=station, date=timezone.localdate() + dt.timedelta(days=3))
    pdf = render_poster(
        station, url=f"https://m.example.cn/s/{station.code}/", today=dt.date.today()
    )
    assert pdf.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert round(width / 72 * 25.4) == 210 and round(height / 72 * 25.4) == 297  # A4 in mm
    text = _poster_text(pdf)
    for expected in (
        "望江社区人大代表联络站",
        "林海燕",
        "周立新",
        "澜州市人大代表",
        "扫码反映民情",
    ):
        assert expected in text, text
    assert "每月10日" in text
    fonts = {
        str(font.get_object().get("/BaseFont"))
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Noto-Sans-CJK-SC" in f for f in fonts), fonts
    assert any("Noto-Serif-CJK-SC" in f for f in fonts), fonts


def test_poster_view_matrix_and_content(client, users, stations):
    seat(stations.a, DeputyFactory(region=stations.a.region, name="黄春燕"))
    url = reverse("stations:station_poster", args=[stations.a.pk])
    client.force_login(users.staff_a)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _poster_text(response.content)
    assert "望江社区代表联络站" in text and "黄春燕" in text
    client.force_login(users.outscope)
    assert client.get(url).status_code == 404
