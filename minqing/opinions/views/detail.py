"""The opinion page every staff role shares, with its action panels, the station's
POST steps (answer on the spot, escalate, mark for a suggestion) and the scoped
download of an opinion's photos and attachments.

The office and unit panels come from ``forms_office`` and ``forms_unit``: this page
includes them when the reader holds ``opinions.triage`` / ``opinions.handle`` on the
opinion and merges ``office_panel_context`` / ``unit_panel_context`` into its
context. Their POST views re-render this page through :func:`render_detail` with their
bound forms when an action refuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from minqing.core import states as core_states
from minqing.core.calendar import Deadline
from minqing.core.states import InvalidTransition
from minqing.core.web import submit_form
from minqing.opinions import actions, selectors
from minqing.opinions import permissions as perms
from minqing.opinions.forms import AnswerForm, NoteForm
from minqing.opinions.forms_office import office_panel_context
from minqing.opinions.forms_unit import unit_panel_context
from minqing.opinions.models import (
    UNIT_STATES,
    FileKind,
    MeetingRequest,
    Opinion,
    OpinionFile,
    OpinionState,
)
from minqing.opinions.views import STATE_BADGES, category_names

# States in which a station may still settle the opinion itself.
STATION_STATES = (OpinionState.RECEIVED, OpinionState.TRIAGE)
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})

# What each timeline verb means, as staff read it: (workflow, verb) → label.
TIMELINE_LABELS = {
    ("opinion", "receive"): gettext_lazy("收到反映"),
    ("opinion", "escalate"): gettext_lazy("提交人大办公室分办"),
    ("opinion", "forward"): gettext_lazy("转交承办单位办理"),
    ("opinion", "answer"): gettext_lazy("当场答复，已办结"),
    ("opinion", "merge"): gettext_lazy("作为重复件合并"),
    ("opinion", "decline"): gettext_lazy("不予受理，已告知反映渠道"),
    ("opinion", "to_suggestion"): gettext_lazy("转为代表建议"),
    ("opinion", "sign"): gettext_lazy("承办单位签收"),
    ("opinion", "return"): gettext_lazy("承办单位退回人大办公室"),
    ("opinion", "reply"): gettext_lazy("承办单位答复"),
    ("opinion", "rate"): gettext_lazy("群众评价，已办结"),
    ("opinion", "rehandle"): gettext_lazy("群众不满意，重新办理"),
    ("opinion", "classify"): gettext_lazy("调整类型和分类"),
    ("opinion", "contact"): gettext_lazy("承办单位联系群众"),
    ("opinion", "extension_request"): gettext_lazy("承办单位申请延期"),
    ("opinion", "extend"): gettext_lazy("同意延期"),
    ("meeting", "accept"): gettext_lazy("代表同意约见"),
    ("meeting", "decline"): gettext_lazy("代表婉拒约见"),
}
# Steps without an account behind them: the citizen's own, or the system's.
CITIZEN_VERBS = frozenset({"receive", "rate", "rehandle"})


def detail_url(opinion: Opinion) -> str:
    return reverse("opinions:detail", args=[opinion.pk])


# --- reading ------------------------------------------------------------------------


def _meeting_of(opinion: Opinion) -> MeetingRequest | None:
    # Part of the opinion the reader already may see, whoever may answer it.
    return (
        MeetingRequest.objects.select_related("deputy", "station")
        .filter(opinion_id=opinion.pk)
        .first()
    )


def _who(event) -> str:
    if event.actor_id:
        return event.actor.display_name or event.actor.username
    if event.workflow == "opinion" and event.verb in CITIZEN_VERBS:
        return _("群众")
    return _("系统")


def _event_note(event) -> str:
    note = event.note
    if event.workflow == "opinion" and event.verb == "extend" and note:
        try:
            day = dt.date.fromisoformat(note)
        except ValueError:
            return note
        return _("新答复期限：%(date)s") % {"date": formats.date_format(day, "DATE_FORMAT")}
    if event.workflow == "opinion" and event.verb == "return" and note:
        return _("退回理由：%(reason)s") % {"reason": note}
    return note


def _event_label(event) -> str:
    if event.workflow == "opinion" and event.verb == "rate" and event.note == "unrated":
        return _("逾期未评价，自动办结")
    label = TIMELINE_LABELS.get((event.workflow, event.verb))
    return str(label) if label else event.verb


def timeline_rows(opinion: Opinion, meeting: MeetingRequest | None) -> list[dict[str, Any]]:
    """The full staff timeline: every row of the opinion (and of its meeting request),
    oldest first, each with a readable Chinese label, who did it and its note."""
    events = list(selectors.timeline(opinion))
    if meeting is not None:
        events += list(core_states.timeline(meeting).select_related("actor"))
        events.sort(key=lambda e: (e.created_at, e.pk))
    return [
        {
            "event": e,
            "label": _event_label(e),
            "who": _who(e),
            "note": "" if (e.verb == "rate" and e.note == "unrated") else _event_note(e),
        }
        for e in events
    ]


def _deadlines(opinion: Opinion) -> tuple[list[dict[str, Any]], str]:
    """The current assignment's three deadlines while a unit holds the opinion, and
    the provisional-calendar warning when one was computed without a loaded year."""
    a = opinion.assignment
    if a is None or opinion.state not in UNIT_STATES:
        return [], ""
    today = timezone.localdate()
    rows = [
        (_("签收期限"), a.sign_due, a.signed_at),
        (_("联系群众期限"), a.contact_due, a.contacted_at),
        (_("答复期限"), a.reply_due, a.replied_at),
    ]
    out = [
        {"label": label, "due": due, "done_at": done, "overdue": done is None and due < today}
        for label, due, done in rows
    ]
    warning = Deadline(a.reply_due, True).warning if a.deadline_provisional else ""
    return out, warning


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _panels(request: HttpRequest, opinion: Opinion, can: dict[str, bool]) -> dict[str, Any]:
    """The office and unit panels, when their templates exist and the reader may use
    them. Their helpers may set ``show_office_panel`` / ``show_unit_panel`` themselves
    to hide a panel with nothing to do."""
    out: dict[str, Any] = {"show_office_panel": False, "show_unit_panel": False}
    for key, flag, make, template in (
        ("triage", "show_office_panel", office_panel_context, "office_panel.html"),
        ("handle", "show_unit_panel", unit_panel_context, "unit_panel.html"),
    ):
        if can[key] and _template_exists(f"opinions/includes/{template}"):
            out[flag] = True
            out.update(make(request, opinion))
    return out


def _context(request: HttpRequest, opinion: Opinion) -> dict[str, Any]:
    user = request.user
    opinion = selectors.opinion_detail(opinion)
    may_answer = perms.can(user, "opinions.answer", opinion)
    can = {
        "view_contact": perms.can(user, "opinions.view_contact", opinion),
        "answer": may_answer and opinion.state in STATION_STATES,
        "escalate": may_answer and opinion.state == OpinionState.RECEIVED,
        "to_suggestion": may_answer and opinion.state in STATION_STATES,
        "triage": perms.can(user, "opinions.triage", opinion),
        "handle": perms.can(user, "opinions.handle", opinion),
    }
    can["station_panel"] = can["answer"] or can["escalate"] or can["to_suggestion"]
    meeting = _meeting_of(opinion)
    deadlines, provisional_warning = _deadlines(opinion)
    files = list(opinion.files.all())
    context = {
        "opinion": opinion,
        "can": can,
        "state_badge": STATE_BADGES.get(opinion.state, "text-bg-light"),
        "category_name": category_names(opinion.region).get(opinion.category, opinion.category),
        "photos": [f for f in files if f.kind == FileKind.PHOTO and f.reply_id is None],
        "assignments": list(opinion.assignments.all()),
        "replies": list(opinion.replies.all()),
        "contacts": list(opinion.contacts.all()),
        "extensions": list(opinion.extensions.all()),
        "duplicates": list(opinion.duplicates.all()),
        "meeting": meeting,
        "can_open_meeting": meeting is not None
        and selectors.meetings_visible(user).filter(pk=meeting.pk).exists(),
        "deadlines": deadlines,
        "provisional_warning": provisional_warning,
        "timeline": timeline_rows(opinion, meeting),
        "answer_form": AnswerForm(),
        "escalate_form": NoteForm(prefix="escalate"),
        "suggestion_form": NoteForm(prefix="suggest"),
    }
    context.update(_panels(request, opinion, can))
    context.update(_suggestion_links(user, opinion, may_answer))
    return context


def _suggestion_links(user, opinion: Opinion, may_answer: bool) -> dict[str, Any]:
    """The deputies' suggestions this opinion went into (those the reader may open),
    and whether the reader may start one from it (起草代表建议)."""
    from minqing.suggestions import permissions as suggestion_perms
    from minqing.suggestions.selectors_deputy import linked_suggestions

    return {
        "linked_suggestions": linked_suggestions(user, opinion),
        "can_draft_suggestion": may_answer and suggestion_perms.can_draft(user),
    }


def render_detail(
    request: HttpRequest, opinion: Opinion, *, status: int = 200, **extra: Any
) -> HttpResponse:
    """The detail page; ``extra`` (bound forms with errors, say) overrides the defaults."""
    context = _context(request, opinion)
    context.update(extra)
    return render(request, "opinions/detail.html", context, status=status)


@login_required
@require_safe
def opinion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, selectors.opinion_get_visible(request.user, pk))


# --- the station's steps --------------------------------------------------------------


def _station_step(
    request: HttpRequest,
    pk: int,
    *,
    form: forms.Form,
    form_key: str,
    call: Callable[[Opinion, dict], Any],
    success: str,
) -> HttpResponse:
    """Run one station action from the detail page: 404 outside the reader's scope, 403
    without ``opinions.answer``; a refusal re-renders the page with the form's errors,
    success redirects back with a message. A stale page (the opinion moved on) gets
    the state table's message instead of an error page."""
    opinion = selectors.opinion_get_visible(request.user, pk)
    if not perms.can(request.user, "opinions.answer", opinion):
        raise PermissionDenied(_("您没有办理这件民情的权限"))
    try:
        done = submit_form(
            request,
            form,
            lambda: call(opinion, form.cleaned_data),
            success=success,
            next_url=detail_url(opinion),
        )
    except InvalidTransition as exc:
        messages.error(request, str(exc))
        return redirect(detail_url(opinion))
    return done or render_detail(request, opinion, **{form_key: form})


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _station_step(
        request,
        pk,
        form=AnswerForm(request.POST),
        form_key="answer_form",
        call=lambda o, d: actions.opinion_answer(
            actor=request.user,
            opinion=o,
            public_text=d["public_text"],
            resolution=d["resolution"],
            internal_note=d["internal_note"],
        ),
        success=_("已当场答复，事项已办结。"),
    )


@login_required
@require_POST
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    return _station_step(
        request,
        pk,
        form=NoteForm(request.POST, prefix="escalate"),
        form_key="escalate_form",
        call=lambda o, d: actions.opinion_escalate(actor=request.user, opinion=o, note=d["note"]),
        success=_("已提交人大办公室分办。"),
    )


@login_required
@require_POST
def to_suggestion(request: HttpRequest, pk: int) -> HttpResponse:
    return _station_step(
        request,
        pk,
        form=NoteForm(request.POST, prefix="suggest"),
        form_key="suggestion_form",
        call=lambda o, d: actions.opinion_to_suggestion(
            actor=request.user, opinion=o, note=d["note"]
        ),
        success=_("已标记为转为代表建议。"),
    )


# --- files --------------------------------------------------------------------------


def _file_visible(user, pk: int) -> OpinionFile:
    """A photo or attachment of an opinion the reader may see, else Http404."""
    f = OpinionFile.objects.filter(
        pk=pk, opinion__in=selectors.opinions_visible(user).values("pk")
    ).first()
    if f is None:
        raise Http404
    return f


@login_required
@require_safe
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Stream a stored photo (inline) or attachment (download). Never public: the
    reader must see the opinion; the bytes were verified and re-encoded on upload, and
    the headers stop a browser from treating them as anything else."""
    f = _file_visible(request.user, pk)
    try:
        handle = f.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    inline = f.content_type in INLINE_TYPES
    response = FileResponse(
        handle, content_type=f.content_type, as_attachment=not inline, filename=f.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, max_age=3600)
    return response
