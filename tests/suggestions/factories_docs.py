"""Helpers for the tests of the documents, the ledger export and the public pages, on
top of ``make_sworld`` (fixture ``sw``) and the action walks of ``factories``.

``batch(sw, n)`` assigns ``n`` accepted items in one batch (lead ``sw.lead_unit``, co
``sw.co_unit``); ``pdf_text`` and ``xlsx_rows`` read what a response carries;
``bare_published(sw, n)`` writes ``n`` published items directly (for query pins).
"""

from __future__ import annotations

import datetime as dt
import io

import pypdf
from django.utils import timezone

from minqing.core import codes
from minqing.suggestions import actions
from minqing.suggestions.models import Assignment, AssignmentBatch, Suggestion
from tests.suggestions.factories import TEXT, draft, drive

INSTRUCTIONS = "请认真研究办理，按期答复代表。"
PHONE = "13912345678"
CONTACT = "联络员李小梅"


def accepted(sw, **data) -> Suggestion:
    """A suggestion by ``sw.lead`` walked to 待交办, with a private contact."""
    data = {"contact_name": CONTACT, "contact_phone": PHONE, **data}
    return drive(sw, draft(sw, **data), "accepted")


def batch(sw, n: int = 2, *, titles: list[str] | None = None, **data) -> AssignmentBatch:
    """``n`` accepted items assigned together: lead ``sw.lead_unit``, co ``sw.co_unit``."""
    titles = titles or [f"关于第{i + 1}件民生实事的建议" for i in range(n)]
    items = [accepted(sw, title=t, **data) for t in titles]
    return actions.suggestions_assign_batch(
        actor=sw.office,
        plans=[
            actions.Plan(
                s, lead_unit=sw.lead_unit, co_units=[sw.co_unit], instructions=INSTRUCTIONS
            )
            for s in items
        ],
    )


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages)


def pdf_pages(content: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return [page.extract_text() for page in reader.pages]


def pdf_fonts(content: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return {
        str(font.get_object().get("/BaseFont"))
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def xlsx_rows(response) -> list[tuple]:
    """The rows of the first sheet of an .xlsx response (header first)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body(response)), read_only=True)
    return [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def bare_published(sw, n: int, *, year: int = 2026, unit=None) -> list[Suggestion]:
    """``n`` public items in 办理中 with a lead part each, written directly: list pages
    only read them, and walking hundreds of items through the actions is slow."""
    top = Suggestion.objects.filter(congress=sw.congress, year=year).count()
    now = timezone.now()
    items = Suggestion.objects.bulk_create(
        Suggestion(
            code=codes.generate(8),
            kind="suggestion",
            congress=sw.congress,
            region=sw.congress.region,
            timing="interim",
            year=year,
            number=top + i + 1,
            title=f"关于改善第{top + i + 1}号片区停车难的建议",
            grounds=TEXT["grounds"],
            proposal=TEXT["proposal"],
            lead_deputy=sw.lead,
            contact_phone=PHONE,
            state="assigned",
            assigned_at=now,
        )
        for i in range(n)
    )
    due = dt.date(year, 12, 31)
    Assignment.objects.bulk_create(
        Assignment(
            suggestion=s,
            unit=unit or sw.lead_unit,
            role="lead",
            assigned_at=now,
            reassign_due=due,
            reply_due=due,
            reply_due_original=due,
        )
        for s in items
    )
    return items
