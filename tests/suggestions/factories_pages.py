"""Helpers of the deputies' pages and item page tests: URLs, requests as a user, many
bare items for query-count pins, a station where the lead deputy sits (so citizens'
opinions there are theirs to answer), and small uploads."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from minqing.core import codes
from minqing.core.models import AuditEntry
from minqing.opinions import actions as opinion_actions
from minqing.opinions.models import Channel, Opinion
from minqing.suggestions.models import (
    Assignment,
    Signer,
    SignerState,
    Suggestion,
    Supervision,
)
from tests.opinions.factories import citizen_data
from tests.opinions.helpers import minimal_pdf
from tests.stations.factories import StationFactory, seat

CITIZEN_PHONE = "13812345678"


def url(name: str, *args) -> str:
    return reverse(f"suggestions:{name}", args=args)


def reverse_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def audits() -> int:
    return AuditEntry.objects.count()


def station_for_lead(sw):
    """A station in 江滨街道 where ``sw.lead`` sits: its opinions are the lead's to answer."""
    station = StationFactory(region=sw.tree.street, name="江滨街道代表联络站")
    seat(station, sw.lead)
    return station


def citizen_opinion(station, **overrides) -> Opinion:
    """A citizen's QR submission at ``station`` (phone ``CITIZEN_PHONE``)."""
    return opinion_actions.opinion_submit(
        data=citizen_data(citizen_phone=CITIZEN_PHONE, **overrides),
        station=station,
        channel=Channel.QR,
        client_token=uuid.uuid4(),
    )


def bare_items(
    sw,
    n: int,
    *,
    state: str = "assigned",
    lead=None,
    with_parts: bool = True,
    start: int = 1,
) -> list[Suggestion]:
    """``n`` bare items (no actions, no audit) led by ``lead`` (``sw.lead``), each with
    a confirmed co-signer, and when ``with_parts`` a lead and a co-handling part and a
    key supervision: rows for list pages and their query-count pins."""
    lead = lead or sw.lead
    today = dt.date(2026, 3, 1)
    items = []
    for i in range(n):
        s = Suggestion.objects.create(
            code=codes.generate(8),
            kind="suggestion",
            congress=sw.congress,
            region=sw.congress.region,
            timing="interim",
            year=2026,
            number=start + i,
            title=f"关于改善城市交通的建议{start + i}",
            category="transport",
            grounds="早晚高峰主干道拥堵严重，公交准点率低，群众出行不便。",
            proposal="建议优化信号灯配时，增设公交专用道，完善慢行系统。",
            lead_deputy=lead,
            state=state,
            assign_due=today,
            feedback_due=today,
        )
        Signer.objects.create(suggestion=s, deputy=lead, is_lead=True, state=SignerState.CONFIRMED)
        Signer.objects.create(suggestion=s, deputy=sw.co, state=SignerState.CONFIRMED)
        if with_parts:
            for unit, role in ((sw.lead_unit, "lead"), (sw.co_unit, "co")):
                Assignment.objects.create(
                    suggestion=s,
                    unit=unit,
                    role=role,
                    state="accepted",
                    assigned_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
                    reassign_due=today,
                    reply_due=today,
                    reply_due_original=today,
                )
            Supervision.objects.create(suggestion=s, kind="key", leader="赵主任")
        items.append(s)
    return items


def pdf_upload(name: str = "调研报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf(), content_type="application/pdf")


def fake_pdf_upload(name: str = "假文件.pdf") -> SimpleUploadedFile:
    """An HTML page named like a PDF: the upload check judges the bytes, not the name."""
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", "application/pdf")
