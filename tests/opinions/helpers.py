"""Plain helpers the 民情 page and API tests share: requests as a given user, the login
redirect, flash messages, staff URLs, the audit count, a frozen "today", an opinion a
unit holds, and small files made in memory."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from minqing.core.models import AuditEntry
from minqing.opinions.models import Opinion, OpinionAssignment, OpinionState
from tests.opinions.factories import OpinionFactory

# --- requests --------------------------------------------------------------------------


def as_user(client, user):
    """``client`` signed in as ``user`` alone (anonymous when ``user`` is None)."""
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def get_as(client, user, url, data=None, **extra):
    return as_user(client, user).get(url, data or {}, **extra)


def post_as(client, user, url, data=None, **extra):
    return as_user(client, user).post(url, data or {}, **extra)


def assert_login_redirect(response) -> None:
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def assert_post_refused(client, target: str, data: dict, *, hidden, forbidden) -> None:
    """POST ``data`` to ``target``: the login page for an anonymous visitor, 404 for each
    user of ``hidden`` (they cannot see it), 403 for each of ``forbidden`` (they see it
    but may not act), and not one audit entry written."""
    before = audits()
    assert_login_redirect(client.post(target, data))
    for user in hidden:
        assert post_as(client, user, target, data).status_code == 404, user
    for user in forbidden:
        assert post_as(client, user, target, data).status_code == 403, user
    assert audits() == before


def flashes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def detail(opinion: Opinion) -> str:
    return reverse("opinions:detail", args=[opinion.pk])


def url(name: str, obj) -> str:
    return reverse(f"opinions:{name}", args=[obj.pk])


def audits() -> int:
    return AuditEntry.objects.count()


def render_panel(rf, user, opinion: Opinion, context, template: str) -> tuple[dict, str]:
    """A panel of the detail page as ``user`` sees it: the context ``context(request,
    opinion)`` gives it, and ``template`` rendered with that context."""
    request = rf.get("/")
    request.user = user
    opinion = Opinion.objects.select_related("assignment", "unit", "region").get(pk=opinion.pk)
    ctx = context(request, opinion)
    return ctx, render_to_string(template, {"opinion": opinion, **ctx}, request=request)


# --- state -----------------------------------------------------------------------------


def freeze(monkeypatch, day: dt.date) -> None:
    """Freeze the opinions' "today" (deadlines, inbox colours, overdue)."""
    monkeypatch.setattr("minqing.opinions.actions._common.today", lambda: day)


def held(world, *, state=OpinionState.HANDLING, reply_due=None, unit=None, **kw) -> Opinion:
    """A bare opinion a unit holds, with its assignment (for bulk list tests); ``kw``
    goes to the opinion."""
    unit = unit or world.unit
    reply_due = reply_due or dt.date(2026, 12, 31)
    opinion = OpinionFactory(
        station=world.station, state=state, unit=unit, reply_due=reply_due, **kw
    )
    assignment = OpinionAssignment.objects.create(
        opinion=opinion,
        unit=unit,
        forwarded_at=timezone.now(),
        sign_due=reply_due - dt.timedelta(days=20),
        contact_due=reply_due - dt.timedelta(days=18),
        reply_due=reply_due,
        signed_at=timezone.now() if state == OpinionState.HANDLING else None,
    )
    opinion.assignment = assignment
    opinion.save(update_fields=["assignment"])
    return opinion


# --- files -----------------------------------------------------------------------------


def image(fmt: str = "PNG", size=(24, 16), color=(200, 30, 30)) -> bytes:
    """A small plain image, encoded as ``fmt``."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def jpeg_with_gps(size=(64, 48)) -> bytes:
    """A real small JPEG carrying EXIF with a camera make (``MinqingCam``) and a GPS
    position: neither may survive the upload."""
    im = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "MinqingCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (30.0, 15.0, 10.5), "E", (120.0, 5.0, 1.25)
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif)
    return out.getvalue()


def minimal_pdf() -> bytes:
    """A one-page PDF written by hand, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def named(data: bytes, name: str) -> io.BytesIO:
    """``data`` as an uploaded file called ``name``."""
    f = io.BytesIO(data)
    f.name = name
    return f
