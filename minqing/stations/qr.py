"""The station QR code (民情码): it encodes the absolute URL of the public page."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from minqing.stations.models import Station

# Medium error correction survives a smudged or partly covered printed poster.
ERROR_LEVEL = "m"


def public_path(station: Station) -> str:
    return reverse("public:station", args=[station.code])


def public_url(station: Station, request: HttpRequest | None = None) -> str:
    """The URL printed into the QR code: ``MINQING_PUBLIC_URL`` + ``/s/<code>/`` when that
    setting is set (the address citizens reach from outside), else the requesting host."""
    path = public_path(station)
    base = getattr(settings, "MINQING_PUBLIC_URL", "")
    if base:
        return base.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def make(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR_LEVEL, micro=False)


def svg_bytes(url: str, *, scale: int = 8, border: int = 4) -> bytes:
    """A standalone SVG document (for download and printing shops)."""
    buf = io.BytesIO()
    make(url).save(buf, kind="svg", scale=scale, border=border, title=url, xmldecl=True)
    return buf.getvalue()


def png_bytes(url: str, *, scale: int = 10, border: int = 4) -> bytes:
    buf = io.BytesIO()
    make(url).save(buf, kind="png", scale=scale, border=border)
    return buf.getvalue()


def svg_inline(url: str, *, scale: int = 4, border: int = 2) -> SafeString:
    """An ``<svg>`` element for embedding in a page or the poster. segno builds it from
    the URL only (no user text), so it is safe to mark safe."""
    return mark_safe(make(url).svg_inline(scale=scale, border=border, omitsize=True))
