"""The printed documents of the motion and suggestion workflow, as A4 PDFs: the
assignment notice (交办单) of each unit, the deputy's feedback form (征询意见表) and the
annual handling report (年度办理工作报告).

Rendered by WeasyPrint with the Noto CJK fonts of the system (fonts-noto-cjk), as the
station poster is: no external resource is ever fetched, and a test checks that the
text extracts back as Chinese (without the fonts it would print empty boxes).

WeasyPrint's layout costs about a millisecond per line of text, whatever its length,
so documents that grow with the data print few lines per row: a notice lists each item
in two lines (a seven-cell table row took four times as long). A session of 300 items
(about 450 parts, 60 pages) renders in about 3 s of CPU, in the request; ``notices.pdf``
refuses more than ``selectors_docs.MAX_NOTICE_PARTS`` parts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from minqing.core.config import settings_for
from minqing.people.models import Congress, CongressLevel
from minqing.suggestions.models import CommitmentState, Kind, Level, ResultClass, UnitRole
from minqing.suggestions.selectors_docs import FeedbackFormData, NoticeSection

PDF = "application/pdf"


def issuer_name(congress: Congress | None) -> str:
    """Who issues the documents of ``congress``'s items: its standing committee's office
    (a township congress has none; its presidium does the work)."""
    if congress is None:
        return _("人民代表大会常务委员会办公室")
    if congress.level == CongressLevel.TOWNSHIP:
        return _("%(congress)s主席团") % {"congress": congress.name}
    return _("%(congress)s常务委员会办公室") % {"congress": congress.name}


def _refuse_fetch(url: str, *args, **kwargs):
    # Everything a document needs is inline (CSS in the template, system fonts): never
    # let a title or reply text make the server fetch a URL or read a file.
    raise ValueError(f"documents may not load external resources: {url[:80]}")


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render ``template`` (HTML for print) to PDF bytes."""
    from PIL import ImageFile
    from weasyprint import HTML

    # Importing WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on for the whole
    # process; the upload checks (opinions.uploads) rely on it staying off.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()


# ---------------------------------------------------------------- assignment notices


def _kinds_text(section: NoticeSection) -> str:
    kinds = {r.suggestion.kind for r in section.rows}
    if kinds == {Kind.MOTION}:
        return _("议案")
    if Kind.MOTION in kinds:
        return _("议案、建议")
    return _("建议")


def _role_counts_text(section: NoticeSection) -> str:
    parts = []
    for role in (UnitRole.LEAD, UnitRole.CO, UnitRole.SEPARATE):
        n = section.counts.get(role, 0)
        if n:
            parts.append(_("%(role)s%(n)s件") % {"role": UnitRole(role).label, "n": n})
    return "，".join(parts)


def notices_context(
    sections: list[NoticeSection], *, issued_on: dt.date, heading: str = ""
) -> dict[str, Any]:
    """What ``suggestions/pdf/notices.html`` prints: one notice per section."""
    notices = []
    for section in sections:
        sessions = {r.suggestion.session for r in section.rows if r.suggestion.session}
        reassign_dues = {r.part.reassign_due for r in section.rows}
        notices.append(
            {
                "section": section,
                "issuer": issuer_name(section.congress),
                "kinds": _kinds_text(section),
                "role_counts": _role_counts_text(section),
                "session": sessions.pop() if len(sessions) == 1 else None,
                "total": len(section.rows),
                "reassign_due": reassign_dues.pop() if len(reassign_dues) == 1 else None,
                "provisional": any(r.part.deadline_provisional for r in section.rows),
                "has_co": UnitRole.CO in section.counts,
            }
        )
    return {"notices": notices, "issued_on": issued_on, "heading": heading}


def render_notices(
    sections: list[NoticeSection], *, issued_on: dt.date, heading: str = ""
) -> bytes:
    """The assignment notices as one PDF, a unit per section (each starts a page)."""
    return render_pdf(
        "suggestions/pdf/notices.html",
        notices_context(sections, issued_on=issued_on, heading=heading),
    )


# ---------------------------------------------------------------- feedback form


LEVELS = [(value, label) for value, label in Level.choices]


def feedback_context(data: FeedbackFormData, *, printed_on: dt.date) -> dict[str, Any]:
    s = data.suggestion
    lead = next((x.deputy for x in data.signers if x.is_lead), s.lead_deputy)
    cosigners = [x.deputy.name for x in data.signers if not x.is_lead]
    sections = []
    for sec in data.sections:
        feedback = sec.feedback
        sections.append(
            {
                "part": sec.part,
                "reply": sec.reply,
                "commitments": sec.commitments,
                "result": [
                    (label, feedback is not None and feedback.result_level == value)
                    for value, label in LEVELS
                ],
                "contact": [
                    (label, feedback is not None and feedback.contact_level == value)
                    for value, label in LEVELS
                ],
                "comment": feedback.comment if feedback is not None else "",
                "rated": feedback is not None,
            }
        )
    return {
        "s": s,
        "issuer": issuer_name(s.congress),
        "lead": lead,
        "cosigners": "、".join(cosigners),
        "sections": sections,
        "cohandlers": "、".join(p.unit.name for p in data.cohandlers),
        "printed_on": printed_on,
        "comment_lines": range(5),
        "feedback_days": settings_for(s.region)["suggestion.feedback_working_days"],
    }


def render_feedback_form(data: FeedbackFormData, *, printed_on: dt.date) -> bytes:
    """The deputy's feedback form of one item: a block per answering unit with boxes
    for 满意/基本满意/不满意 on the result and on the contact (ticked where the deputy
    has already rated), lines for comments, signature and date."""
    return render_pdf(
        "suggestions/pdf/feedback_form.html", feedback_context(data, printed_on=printed_on)
    )


# ---------------------------------------------------------------- annual report

# The per-unit table's figures, in column order (keys of the statistics' DEFINITIONS).
UNIT_COLUMNS = (
    "parts",
    "answered_parts",
    "reply_rate",
    "on_time_rate",
    "class_a",
    "class_b",
    "class_c",
    "class_d",
    "done_rate",
    "satisfaction_rate",
    "rehandle_rate",
)
# The workflow's counts (by kind and state), in the order the report lists them.
COUNT_ROWS = (
    "submitted",
    "motions",
    "on_agenda",
    "not_placed",
    "converted",
    "accepted",
    "not_accepted",
    "withdrawn",
    "assigned",
    "replied",
    "closed",
    "rehandled_items",
    "reassigned",
)


def _cell(figure) -> str:
    """A table cell: a count's number, a rate's percentage (— when nothing to divide)."""
    return figure.percent if figure.is_rate else str(figure.numerator)


def _congress_of(region) -> Congress | None:
    if region is None:
        return None
    return Congress.objects.filter(region=region).first()


def report_context(
    summary: dict[str, Any], supervised: list, *, printed_on: dt.date
) -> dict[str, Any]:
    """What ``suggestions/pdf/report.html`` prints, from ``statistics.annual_summary``
    (the figures and their definitions) and ``selectors_docs.report_supervised``."""
    total = summary["total"]
    definitions = summary["definitions"]
    congress = _congress_of(summary["region"])
    units = [
        {"label": row.label, "cells": [_cell(row.figures[k]) for k in UNIT_COLUMNS]}
        for row in summary["units"]
    ]
    key_items = []
    for s in supervised:
        answering = [p for p in s.parts if p.role != UnitRole.CO]
        commitments = s.all_commits
        done = sum(1 for c in commitments if c.state == CommitmentState.FULFILLED)
        key_items.append(
            {
                "s": s,
                "supervisions": list(s.supervisions.all()),
                "units": "、".join(p.unit.name for p in answering) or "—",
                "commitments_done": done,
                "commitments": len(commitments),
            }
        )
    submitted = total["submitted"].numerator
    motions = total["motions"].numerator
    return {
        "year": summary["year"],
        "region": summary["region"],
        "issuer": issuer_name(congress) if congress else "",
        "printed_on": printed_on,
        "submitted": submitted,
        "motions": motions,
        "suggestions": submitted - motions,
        "total": {k: _cell(f) for k, f in total.items()},
        "ab_count": total["ab_share"].numerator,
        "headline": [(d, f) for d, f in summary["headline"]],
        "counts": [(definitions[k], total[k].numerator) for k in COUNT_ROWS],
        "classes": [
            (label, figure)
            for (_value, label), (_d, figure) in zip(
                ResultClass.choices, summary["classes"], strict=True
            )
        ],
        "pct": {
            k: f.percent if f.denominator else _("暂无") for k, f in total.items() if f.is_rate
        },
        "unit_heads": [definitions[k] for k in UNIT_COLUMNS],
        "units": units,
        "key_items": key_items,
        "commitments": summary["commitments"],
        "ledger": summary["ledger"],
        "definitions": [d for d in definitions.values() if d.is_rate],
        "scope_note": summary["scope_note"],
    }


def render_report(summary: dict[str, Any], supervised: list, *, printed_on: dt.date) -> bytes:
    """The annual handling report (年度办理工作报告) as a PDF."""
    return render_pdf(
        "suggestions/pdf/report.html",
        report_context(summary, supervised, printed_on=printed_on),
    )
