"""Helpers for the handling units' page tests: items in a unit's hands through the real
actions, bare rows for list tests (many at once), requests and small uploads."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from minqing.core import codes
from minqing.core.models import AuditEntry
from minqing.suggestions import actions
from minqing.suggestions.models import (
    Assignment,
    Commitment,
    CommitmentProgress,
    Reply,
    Suggestion,
    SuggestionState,
)
from tests.opinions.helpers import minimal_pdf
from tests.suggestions.factories import TEXT, draft, drive

REASON = "本件所涉公交线路调整属于交通运输部门职责，不属于本单位职能范围。"
VIEW_TEXT = "建议同步优化公交站点设置，方便老年人出行，我局可配合做好站点调整。"
CONTACT_NOTE = "登门走访领衔代表，听取意见，介绍办理思路。"


# --- requests --------------------------------------------------------------------------


def as_user(client, user):
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


def flashes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def audits() -> int:
    return AuditEntry.objects.count()


def u(name: str, obj=None) -> str:
    return reverse(f"suggestions:{name}", args=[obj.pk] if obj is not None else [])


def detail_url(suggestion: Suggestion) -> str:
    return reverse("suggestions:detail", args=[suggestion.pk])


# --- uploads ---------------------------------------------------------------------------


def pdf_upload(name: str = "答复函.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf(), content_type="application/pdf")


def jpeg_upload(name: str = "答复函.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


# --- items through the actions -----------------------------------------------------------


def assigned(sw, *, co_unit: bool = True, **data) -> Suggestion:
    """An item assigned to ``sw.lead_unit`` (lead) and ``sw.co_unit`` (co-handler)."""
    return drive(sw, draft(sw, **data), SuggestionState.ASSIGNED, co_unit=co_unit)


def part_of(suggestion: Suggestion, unit) -> Assignment:
    return suggestion.assignments.exclude(state="removed").get(unit=unit)


def accepted(sw, suggestion: Suggestion, unit, staff, *, contact: bool = False) -> Assignment:
    part = part_of(suggestion, unit)
    actions.assignment_accept(actor=staff, assignment=part)
    if contact:
        actions.assignment_contact(actor=staff, assignment=part, method="visit", note=CONTACT_NOTE)
    part.refresh_from_db()
    return part


# --- bare rows for list tests ------------------------------------------------------------


def bare_item(sw, *, year: int = 2026, state: str = SuggestionState.ASSIGNED, **kw) -> Suggestion:
    number = Suggestion.objects.filter(congress=sw.congress).count() + 1
    return Suggestion.objects.create(
        code=codes.generate(8),
        kind=kw.pop("kind", "suggestion"),
        congress=sw.congress,
        region=sw.congress.region,
        timing="interim",
        year=year,
        number=number,
        title=kw.pop("title", TEXT["title"]),
        grounds=TEXT["grounds"],
        proposal=TEXT["proposal"],
        lead_deputy=sw.lead,
        state=state,
        assigned_at=timezone.now(),
        **kw,
    )


def bare_part(
    sw,
    *,
    unit=None,
    role: str = "lead",
    state: str = "accepted",
    reply_due: dt.date | None = None,
    view_due: dt.date | None = None,
    reassign_due: dt.date | None = None,
    item: Suggestion | None = None,
    **item_kw,
) -> Assignment:
    """One part in a unit's hands, written directly (for lists of many rows)."""
    reply_due = reply_due or dt.date(2026, 12, 31)
    item = item or bare_item(sw, **item_kw)
    return Assignment.objects.create(
        suggestion=item,
        unit=unit or sw.lead_unit,
        role=role,
        state=state,
        assigned_at=timezone.now(),
        reassign_due=reassign_due or reply_due - dt.timedelta(days=60),
        view_due=view_due,
        reply_due=reply_due,
        reply_due_original=reply_due,
        accepted_at=None if state == "pending" else timezone.now(),
    )


def bare_commitment(
    sw,
    *,
    unit=None,
    year: int = 2026,
    first_year: int | None = None,
    state: str = "open",
    due_date: dt.date | None = None,
    percents: tuple[int, ...] = (),
    item: Suggestion | None = None,
) -> Commitment:
    """A class-B commitment with its reply and optional progress notes, written directly."""
    unit = unit or sw.lead_unit
    item = item or bare_item(sw, state=SuggestionState.REPLIED)
    part = Assignment.objects.filter(suggestion=item, unit=unit).first() or bare_part(
        sw, unit=unit, state="answered", item=item
    )
    reply = Reply.objects.create(
        suggestion=item,
        assignment=part,
        result_class="B",
        text="已列入年度计划，正在推进。" * 3,
        signed_by="张局长",
    )
    c = Commitment.objects.create(
        suggestion=item,
        reply=reply,
        unit=unit,
        text="年内完成老旧小区加装电梯补贴办法修订",
        due_date=due_date,
        state=state,
        first_year=first_year or year,
        year=year,
        fulfilled_at=timezone.now() if state == "fulfilled" else None,
    )
    for p in percents:
        CommitmentProgress.objects.create(commitment=c, note="按计划推进中。", percent=p)
    return c
