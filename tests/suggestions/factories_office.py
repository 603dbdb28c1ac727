"""Helpers for the congress office's page tests: items at each office step through the
real actions, bare accepted rows in bulk (the batch screen's hundreds), the panel as a
reader sees it, and a frozen workflow day."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from minqing.core import codes
from minqing.suggestions import actions, selectors
from minqing.suggestions.actions import _common
from minqing.suggestions.forms_office import office_panel_context
from minqing.suggestions.models import (
    Assignment,
    AssignmentBatch,
    Extension,
    ReassignRequest,
    Signer,
    SignerState,
    Suggestion,
    SuggestionState,
)
from tests.suggestions.factories import TEXT, draft, drive, lead_part

REASSIGN_REASON = "本件所涉公交线路调整属于交通运输部门职责，不属于本单位职能范围。"
EXTENSION_REASON = "需要会同财政部门测算补贴资金，预计还需一个月。"
REJECT_NOTE = "该事项属于代表本人亲属的个人事项，请通过其他渠道反映。"


def u(name: str, obj=None) -> str:
    return reverse(f"suggestions:{name}", args=[obj.pk] if obj is not None else [])


def detail_url(suggestion: Suggestion) -> str:
    return reverse("suggestions:detail", args=[suggestion.pk])


def freeze(monkeypatch, day: dt.date) -> None:
    """Freeze the workflow's "today" for the actions and for the office's pages."""
    for module in ("_common", "deputy", "office", "unit"):
        monkeypatch.setattr(f"minqing.suggestions.actions.{module}.today", lambda: day)


# --- items through the real actions -----------------------------------------------------


def submitted(sw, *, kind: str = "suggestion", **data) -> Suggestion:
    """A submitted suggestion, or a motion with enough signers (ten)."""
    s = draft(sw, kind=kind, **data)
    if kind == "motion":
        actions.suggestion_invite(actor=sw.office, suggestion=s, deputies=sw.more[:9])
    actions.suggestion_submit(actor=sw.lead_user, suggestion=s)
    s.refresh_from_db()
    return s


def accepted(sw, **data) -> Suggestion:
    return drive(sw, draft(sw, **data), SuggestionState.ACCEPTED)


def assigned(sw, **data) -> Suggestion:
    return drive(sw, draft(sw, **data), SuggestionState.ASSIGNED)


def with_reassign_request(sw, suggestion: Suggestion | None = None) -> ReassignRequest:
    """The lead unit asks to have the item assigned elsewhere (suggesting 城管局)."""
    suggestion = suggestion or assigned(sw)
    return actions.reassign_request(
        actor=sw.lead_staff,
        assignment=lead_part(sw, suggestion),
        reason=REASSIGN_REASON,
        suggested_unit=sw.spare_unit,
    )


def with_extension(sw, suggestion: Suggestion | None = None) -> Extension:
    """The lead unit (signed, contacted) asks for one more month."""
    suggestion = suggestion or assigned(sw)
    part = lead_part(sw, suggestion)
    if part.state == "pending":
        actions.assignment_accept(actor=sw.lead_staff, assignment=part)
        part.refresh_from_db()
    return actions.extension_request(
        actor=sw.lead_staff,
        assignment=part,
        new_due=part.reply_due + dt.timedelta(days=30),
        reason=EXTENSION_REASON,
    )


def replied_unrated(sw, *, days_past: int = 3) -> Suggestion:
    """A replied item whose feedback deadline passed ``days_past`` days ago."""
    s = drive(sw, draft(sw), SuggestionState.REPLIED)
    Suggestion.objects.filter(pk=s.pk).update(
        feedback_due=_common.today() - dt.timedelta(days=days_past)
    )
    s.refresh_from_db()
    return s


# --- bare rows in bulk (list pages, the batch screen) ----------------------------------


def bulk_accepted(
    sw,
    n: int,
    *,
    category: str = "housing",
    session=None,
    first_number: int = 1,
    year: int = 2026,
    assign_due: dt.date | None = None,
    congress=None,
    region=None,
) -> list[Suggestion]:
    """``n`` accepted items created directly (no actions: list and batch tests need
    hundreds), numbered from ``first_number``, each with its lead as a signer."""
    now = timezone.now()
    congress = congress or sw.congress
    rows = [
        Suggestion(
            code=codes.generate(8),
            kind="suggestion",
            congress=congress,
            region=region or congress.region,
            session=session,
            timing="session" if session else "interim",
            year=year,
            number=first_number + i,
            title=f"关于第{first_number + i}件民生事项的建议",
            category=category,
            grounds=TEXT["grounds"],
            proposal=TEXT["proposal"],
            lead_deputy=sw.lead,
            state=SuggestionState.ACCEPTED,
            submitted_at=now,
            accepted_at=now,
            assign_due=assign_due or dt.date(2026, 12, 31),
        )
        for i in range(n)
    ]
    Suggestion.objects.bulk_create(rows)
    made = list(
        Suggestion.objects.filter(congress=congress, year=year, number__gte=first_number)
        .filter(number__lt=first_number + n, kind="suggestion")
        .order_by("number")
    )
    Signer.objects.bulk_create(
        Signer(suggestion=s, deputy=sw.lead, is_lead=True, state=SignerState.CONFIRMED)
        for s in made
    )
    return made


def bulk_assigned(sw, n: int, *, unit=None, reply_due: dt.date, role: str = "lead", **kw):
    """``n`` assigned items with one open part each (for the overdue and batch pages)."""
    items = bulk_accepted(sw, n, **kw)
    Suggestion.objects.filter(pk__in=[s.pk for s in items]).update(
        state=SuggestionState.ASSIGNED, assigned_at=timezone.now(), handling_mode="lead"
    )
    Assignment.objects.bulk_create(
        Assignment(
            suggestion=s,
            unit=unit or sw.lead_unit,
            role=role,
            assigned_at=timezone.now(),
            reassign_due=reply_due,
            view_due=reply_due if role == "co" else None,
            reply_due=reply_due,
            reply_due_original=reply_due,
        )
        for s in items
    )
    return items


def bulk_batch(sw, n: int) -> AssignmentBatch:
    """A batch of ``n`` items, each to the lead unit with the co unit as co-handler."""
    batch = AssignmentBatch.objects.create(
        congress=sw.congress, region=sw.congress.region, created_by=sw.office, size=n
    )
    items = bulk_accepted(sw, n, first_number=5000)
    due = dt.date(2026, 12, 31)
    Assignment.objects.bulk_create(
        Assignment(
            suggestion=s,
            unit=unit,
            role=role,
            batch=batch,
            assigned_at=timezone.now(),
            reassign_due=due,
            view_due=due if role == "co" else None,
            reply_due=due,
            reply_due_original=due,
        )
        for s in items
        for unit, role in ((sw.lead_unit, "lead"), (sw.co_unit, "co"))
    )
    return batch


# --- the panel ------------------------------------------------------------------------


def render_panel(rf, user, suggestion: Suggestion, **bound) -> tuple[dict, str]:
    """The office panel as ``user`` sees it: its context and its HTML."""
    request = rf.get("/")
    request.user = user
    view = selectors.detail_for(user, Suggestion.objects.get(pk=suggestion.pk))
    ctx = office_panel_context(request, view)
    html = render_to_string("suggestions/includes/office_panel.html", ctx, request=request)
    return ctx, html
