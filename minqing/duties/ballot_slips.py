"""The printed slips of phone-ballot codes (测评码) for a report to voters, as an A4 PDF:
eight slips a page to cut apart, each with its serial, the code, the address of the
ballot page and a QR code of that address with the code filled in.

The plain codes exist only here: the action returns them once and keeps their hashes,
so this PDF is the one chance to print them. Rendered by WeasyPrint with the Noto CJK
fonts of the system, like the station poster; no external resource is ever fetched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from minqing.core import codes
from minqing.duties.models import DutyReport
from minqing.stations import qr

PDF = "application/pdf"
PER_ROW = 2
ROWS_PER_PAGE = 4


def vote_path() -> str:
    return reverse("duties_public:vote")


def vote_url(request: HttpRequest | None = None, code: str = "") -> str:
    """The ballot page's absolute address (``MINQING_PUBLIC_URL`` when set, the address
    voters reach from outside; else the requesting host), with ``code`` filled in."""
    path = vote_path()
    base = getattr(settings, "MINQING_PUBLIC_URL", "")
    if base:
        url = base.rstrip("/") + path
    elif request is not None:
        url = request.build_absolute_uri(path)
    else:
        url = path
    return f"{url}?{urlencode({'code': code})}" if code else url


@dataclass(frozen=True)
class Slip:
    serial: int
    number: str  # the serial as printed: 007
    code: str  # grouped for reading: ABCD-EFGH
    url: str  # the QR's address, code included
    qr_svg: SafeString


def slips_context(
    report: DutyReport,
    issued: list[tuple[int, str]],
    *,
    request: HttpRequest | None,
    printed_on: dt.date,
) -> dict:
    """What ``duties/reports/pdf/slips.html`` prints: the slips in rows of two, four
    rows a page."""
    slips = [
        Slip(
            serial=serial,
            number=f"{serial:03d}",
            code=codes.display(code),
            url=(url := vote_url(request, code)),
            qr_svg=qr.svg_inline(url, scale=3, border=1),
        )
        for serial, code in issued
    ]
    rows = [slips[i : i + PER_ROW] for i in range(0, len(slips), PER_ROW)]
    pages = [rows[i : i + ROWS_PER_PAGE] for i in range(0, len(rows), ROWS_PER_PAGE)]
    return {
        "report": report,
        "deputy": report.deputy,
        "pages": pages,
        "count": len(slips),
        "vote_url": vote_url(request),
        "printed_on": printed_on,
    }


def _refuse_fetch(url: str, *args, **kwargs):
    # Everything the slips need is inline (SVG, CSS, system fonts): never let a title
    # make the server fetch a URL or read a file.
    raise ValueError(f"slips may not load external resources: {url[:80]}")


def render_slips(
    report: DutyReport,
    issued: list[tuple[int, str]],
    *,
    request: HttpRequest | None,
    printed_on: dt.date,
) -> bytes:
    """The slips of ``issued`` (serial, plain code) as PDF bytes."""
    from PIL import ImageFile
    from weasyprint import HTML

    # Importing WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on for the whole
    # process; the upload checks (opinions.uploads) rely on it staying off.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    html = render_to_string(
        "duties/reports/pdf/slips.html",
        slips_context(report, issued, request=request, printed_on=printed_on),
    )
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
