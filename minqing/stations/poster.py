"""The printable A4 poster of a station: name, QR code, deputies, hours, receptions.

Rendered by WeasyPrint with the Noto CJK fonts of the system (fonts-noto-cjk); without
them every Chinese character would print as an empty box, which a test guards against.
"""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string

from minqing.stations import qr
from minqing.stations.models import Station
from minqing.stations.schedule import describe
from minqing.stations.selectors import (
    station_next_receptions,
    station_public_deputies,
    station_schedules,
)


def poster_context(station: Station, *, url: str, today: dt.date) -> dict:
    return {
        "station": station,
        "url": url,
        "qr_svg": qr.svg_inline(url, scale=4, border=2),
        "deputies": station_public_deputies(station),
        "receptions": station_next_receptions(station, today=today, count=3),
        "schedules": [describe(s) for s in station_schedules(station) if s.is_active],
    }


def _refuse_fetch(url: str, *args, **kwargs):
    # The poster is self-contained (inline SVG, system fonts): never let rendered text
    # make the server fetch a URL or read a file.
    raise ValueError(f"poster may not load external resources: {url[:80]}")


def render_poster(station: Station, *, url: str, today: dt.date) -> bytes:
    """The poster as PDF bytes (one A4 page for a typical station)."""
    from PIL import ImageFile
    from weasyprint import HTML

    # Importing WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on for the whole
    # process; the upload checks (opinions.uploads) rely on it staying off.
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    html = render_to_string("stations/poster.html", poster_context(station, url=url, today=today))
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
