"""The item page every role shares (deputies, the office, units, leaders), with its
action panels, and the scoped download of attachments and signed replies.

What a reader sees comes from ``selectors.detail_for`` (a co-handler only its part,
contact data only to the office and the units handling it). The deputy panel is
built by ``forms_deputy.deputy_panel_context``; the office and unit panels by
``office_panel_context`` / ``unit_panel_context`` in ``forms_office`` / ``forms_unit``
(other parts of the work), merged in when those modules and their templates exist.
Their POST views re-render this page with their bound forms through
:func:`render_detail`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from minqing.core.calendar import Deadline
from minqing.suggestions import selectors
from minqing.suggestions import selectors_deputy as reads
from minqing.suggestions.forms_deputy import category_choices, deputy_panel_context
from minqing.suggestions.models import (
    ANSWERING_ROLES,
    AssignmentState,
    Suggestion,
    SuggestionState,
    UnitRole,
)
from minqing.suggestions.selectors import DetailView

# Bootstrap badge classes per state: with the deputy or waiting (amber), with the
# office or the units (blue), answered and done (green), ended otherwise (grey).
STATE_BADGES = {
    SuggestionState.DRAFT: "text-bg-light border",
    SuggestionState.SUBMITTED: "text-bg-warning",
    SuggestionState.ACCEPTED: "text-bg-info",
    SuggestionState.ASSIGNED: "text-bg-primary",
    SuggestionState.REPLIED: "text-bg-success",
    SuggestionState.REHANDLING: "text-bg-danger",
    SuggestionState.CLOSED: "text-bg-success",
    SuggestionState.NOT_ACCEPTED: "text-bg-secondary",
    SuggestionState.WITHDRAWN: "text-bg-secondary",
    SuggestionState.ON_AGENDA: "text-bg-success",
    SuggestionState.NOT_PLACED: "text-bg-secondary",
    SuggestionState.CONVERTED: "text-bg-secondary",
}
PART_BADGES = {
    AssignmentState.PENDING: "text-bg-warning",
    AssignmentState.ACCEPTED: "text-bg-primary",
    AssignmentState.REASSIGNING: "text-bg-danger",
    AssignmentState.ANSWERED: "text-bg-success",
    AssignmentState.REMOVED: "text-bg-secondary",
}
# Answering units first, then co-handlers; parts moved away last.
ROLE_ORDER = {UnitRole.LEAD: 0, UnitRole.SEPARATE: 1, UnitRole.CO: 2}
# What each timeline verb means, as staff and deputies read it.
TIMELINE_LABELS = {
    "create": gettext_lazy("起草"),
    "submit": gettext_lazy("提交"),
    "withdraw": gettext_lazy("撤回"),
    "withdraw_request": gettext_lazy("领衔代表申请撤回"),
    "withdraw_agree": gettext_lazy("联名代表同意撤回"),
    "withdraw_refuse": gettext_lazy("联名代表不同意撤回"),
    "accept": gettext_lazy("审查受理"),
    "reject": gettext_lazy("不予受理"),
    "place_on_agenda": gettext_lazy("主席团决定列入会议议程"),
    "not_place": gettext_lazy("主席团决定不列入会议议程"),
    "convert": gettext_lazy("议案转为代表建议"),
    "assign": gettext_lazy("交办承办单位"),
    "unit_accept": gettext_lazy("承办单位签收"),
    "contact": gettext_lazy("承办单位联系代表"),
    "unit_reply": gettext_lazy("承办单位答复"),
    "reply": gettext_lazy("全部答复，征询代表意见"),
    "feedback": gettext_lazy("代表评价答复"),
    "rehandle": gettext_lazy("代表不满意，重新办理"),
    "close": gettext_lazy("办结"),
    "extension_request": gettext_lazy("承办单位申请延期"),
    "extend": gettext_lazy("同意延期答复"),
    "reassign": gettext_lazy("调整交办"),
    "supervise_key": gettext_lazy("列为重点督办"),
    "supervise_lead": gettext_lazy("领导领办"),
    "commitment_fulfil": gettext_lazy("承诺事项已兑现"),
}
# The panels other parts of the work provide: (module, function, template).
PANELS = (
    (
        "minqing.suggestions.forms_office",
        "office_panel_context",
        "suggestions/includes/office_panel.html",
    ),
    (
        "minqing.suggestions.forms_unit",
        "unit_panel_context",
        "suggestions/includes/unit_panel.html",
    ),
)
# Served as downloads only; anything else as bytes.
SERVED_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/webp"})


# Characters no desktop file system accepts in a name, and control characters.
_UNSAFE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def download_name(name: str, pk: int) -> str:
    """The stored display name, made safe to save on any system."""
    cleaned = _UNSAFE_NAME.sub("_", name or "").strip(" .")
    return cleaned[:100] or f"file-{pk}"


def detail_url(suggestion: Suggestion) -> str:
    return reverse("suggestions:detail", args=[suggestion.pk])


# --- presentation ------------------------------------------------------------------------


def _event_note(event) -> str:
    note = event.note
    if event.verb == "extend" and note:
        try:
            day = dt.date.fromisoformat(note)
        except ValueError:
            return note
        return _("新答复期限：%(date)s") % {"date": formats.date_format(day, "DATE_FORMAT")}
    return note


def timeline_rows(events: list, *, public_only: bool) -> list[dict[str, Any]]:
    """The timeline as the reader may read it, each row with its Chinese label and who
    took the step."""
    rows = []
    for e in events:
        if public_only and not e.public:
            continue
        if e.verb == "close" and not e.actor_id and e.to_state == SuggestionState.CLOSED:
            label = _("反馈期满未评价，办结")
        else:
            label = str(TIMELINE_LABELS.get(e.verb, e.verb))
        who = (e.actor.display_name or e.actor.username) if e.actor_id else _("系统")
        rows.append({"event": e, "label": label, "who": who, "note": _event_note(e)})
    return rows


def _parts(view: DetailView) -> list:
    """The visible assignments with the flags their rows show."""
    today = timezone.localdate()
    out = []
    parts = sorted(
        view.assignments,
        key=lambda a: (a.state == AssignmentState.REMOVED, ROLE_ORDER.get(a.role, 9), a.pk),
    )
    for a in parts:
        open_ = a.state in selectors.OPEN_ASSIGNMENT_STATES
        a.badge = PART_BADGES.get(a.state, "text-bg-light")
        a.answers = a.role in ANSWERING_ROLES
        a.is_co = a.role == UnitRole.CO
        a.reply_overdue = open_ and a.answers and a.reply_due < today
        a.view_overdue = open_ and a.is_co and a.view_due is not None and a.view_due < today
        a.extended = a.reply_due != a.reply_due_original
        a.provisional_warning = (
            Deadline(a.reply_due, True).warning if a.deadline_provisional else ""
        )
        out.append(a)
    return out


def _replies(view: DetailView) -> list:
    """The visible replies with their files, commitments (and their progress) and the
    deputy's rating; one query for every commitment's progress."""
    progress = reads.progress_by_commitment(view.commitments)
    out = []
    for r in view.replies:
        try:
            r.rating = r.feedback
        except ObjectDoesNotExist:
            r.rating = None
        r.documents = list(r.files.all())
        r.promises = list(r.commitments.all())
        for c in r.promises:
            c.progress_rows = progress.get(c.pk, [])
            c.percent = c.progress_rows[-1].percent if c.progress_rows else 0
        out.append(r)
    return out


def _sources(user, view: DetailView) -> list[dict[str, Any]]:
    openable = reads.openable_opinion_ids(user, [link.opinion_id for link in view.sources])
    return [
        {"opinion": link.opinion, "can_open": link.opinion_id in openable} for link in view.sources
    ]


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _panels(request: HttpRequest, view: DetailView) -> dict[str, Any]:
    """The office and unit panels, once their modules and templates exist; they set
    ``office_panel`` / ``unit_panel`` themselves when they have something to show."""
    out: dict[str, Any] = {}
    for module, name, template in PANELS:
        try:
            make = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue
        if _template_exists(template):
            out.update(make(request, view) or {})
    return out


def _context(request: HttpRequest, suggestion: Suggestion, bound: dict) -> dict[str, Any]:
    user = request.user
    view = selectors.detail_for(user, suggestion)
    s = view.suggestion
    public_only = reads.reads_as_public(user, view)
    names = dict(category_choices(s.region))
    context: dict[str, Any] = {
        "view": view,
        "suggestion": s,
        "state_badge": STATE_BADGES.get(s.state, "text-bg-light"),
        "category_name": names.get(s.category, s.category),
        "signers": view.signers,
        "supervisions": view.supervisions,
        "attachments": view.files,
        "sources": _sources(user, view),
        "assignments": _parts(view),
        "replies": _replies(view),
        "timeline": timeline_rows(view.events, public_only=public_only),
        "show_contact": view.show_contact,
        "internal": not public_only,
        "converted_to": _converted_to(s),
        "now": timezone.localdate(),
    }
    context.update(deputy_panel_context(request, view, bound))
    context.update(_panels(request, view))
    return context


def _converted_to(s: Suggestion) -> Suggestion | None:
    if s.state != SuggestionState.CONVERTED:
        return None
    try:
        return s.converted_to
    except ObjectDoesNotExist:
        return None


def render_detail(
    request: HttpRequest,
    suggestion: Suggestion,
    extra_context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The item page; ``extra_context`` (bound forms with their errors, say) is merged
    over the defaults. The office and unit POST views call this to show a refusal."""
    extra = extra_context or {}
    context = _context(request, suggestion, extra)
    context.update(extra)
    return render(request, "suggestions/detail.html", context, status=status)


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The item as the reader may see it; 404 outside their scope."""
    return render_detail(request, selectors.suggestion_get_visible(request.user, pk))


@login_required
@require_safe
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An attachment or a signed reply, to a reader who may see it (404 otherwise).
    Always a download under its sanitised name, never a public media URL."""
    f = selectors.file_get_visible(request.user, pk)
    try:
        handle = f.file.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    content_type = f.content_type if f.content_type in SERVED_TYPES else ""
    response = FileResponse(
        handle,
        content_type=content_type or "application/octet-stream",
        as_attachment=True,
        filename=download_name(f.name, f.pk),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, max_age=3600)
    return response
