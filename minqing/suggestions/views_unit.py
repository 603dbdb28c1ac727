"""The handling units' pages (承办单位) of the motion and suggestion workflow: the unit
inbox, the POST steps of the unit's panel on the item's page (sign, apply for
reassignment, co-handler's view, contact, reply, extension) and the commitment ledger
(承诺事项台账) with each commitment's progress.

Thin, like every page. A part (Assignment) is looked up among the reader's units' own
parts (``selectors.unit_assignments``): anyone else, and a unit whose part was moved
away, gets 404. The actions check the permission again and refuse in Chinese. On
success a step goes back to the item's page with a message; a refusal shows the item's
page again (``views_detail.render_detail``) with the bound form in the unit's panel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minqing.core.i18n import join_clauses, join_errors
from minqing.core.pagination import paginate
from minqing.core.permissions import has_perm
from minqing.core.states import InvalidTransition
from minqing.suggestions import actions, selectors, selectors_unit
from minqing.suggestions import permissions as perms
from minqing.suggestions.forms_unit import (
    MAX_COMMITMENTS,
    CohandlerViewForm,
    CommitmentFilterForm,
    CommitmentForm,
    ContactForm,
    ExtensionForm,
    FulfilForm,
    InboxFilterForm,
    ProgressForm,
    ReassignForm,
    ReplyForms,
    extension_cap,
    keep_bound,
    part_flags,
    workflow_today,
)
from minqing.suggestions.models import (
    ANSWERING_ROLES,
    Assignment,
    AssignmentState,
    Commitment,
    CommitmentState,
    ResultClass,
    SuggestionState,
    UnitRole,
)

# The panel's flag that shows each step's form.
STEP_FLAGS = {
    "reassign": "can_reassign",
    "view": "can_view",
    "contact": "can_contact",
    "reply": "can_reply",
    "extension": "can_extend",
}


def _date(day) -> str:
    return date_format(day, "DATE_FORMAT") if day else ""


def _detail_url(suggestion_id: int) -> str:
    return reverse("suggestions:detail", args=[suggestion_id])


def _part(request: HttpRequest, pk: int) -> Assignment:
    """A part the reader's unit holds (not moved away), else 404: other units, the
    office and outsiders never learn whether it exists."""
    part = selectors.unit_assignments(request.user).filter(pk=pk).first()
    if part is None:
        raise Http404
    return part


def _errors_text(holder: Any) -> str:
    forms = [holder.form, *holder.commitments.forms] if hasattr(holder, "form") else [holder]
    return join_clauses(e for f in forms for errs in f.errors.values() for e in errs)


def _add_errors(holder: Any, exc: ValidationError) -> None:
    if hasattr(holder, "add_action_errors"):
        holder.add_action_errors(exc)
    elif hasattr(exc, "error_dict"):
        for name, errs in exc.message_dict.items():
            holder.add_error(name if name in holder.fields else None, errs)
    else:
        holder.add_error(None, exc.messages)


def _stale(request: HttpRequest, exc: InvalidTransition) -> None:
    # Someone else (or a second click) moved the part on since the page was shown.
    messages.error(
        request,
        _("这件议案建议的办理状态已经变化，本次操作未执行（%(reason)s）。请查看最新情况。")
        % {"reason": exc},
    )


def _show_again(request: HttpRequest, part: Assignment, name: str, holder: Any) -> HttpResponse:
    """The item's page with the refused form in the unit's panel; when the panel no
    longer shows that form (the part moved on meanwhile), the reasons as a message."""
    suggestion = selectors.suggestion_get_visible(request.user, part.suggestion_id)
    flags = part_flags(part, suggestion, today=workflow_today())
    shown = flags[STEP_FLAGS[name]] and not (name == "reply" and flags["needs_contact"])
    if not shown:
        messages.error(request, _errors_text(holder))
        return redirect(_detail_url(suggestion.pk))
    keep_bound(request, f"{name}:{part.pk}", holder)
    from minqing.suggestions.views_detail import render_detail

    return render_detail(request, suggestion)


def _step(
    request: HttpRequest,
    part: Assignment,
    name: str,
    holder: Any,
    call: Callable[[], Any],
    *,
    success: str | Callable[[Any], str],
) -> HttpResponse:
    """Validate ``holder`` (a form, or the reply's form and formset), run ``call`` (one
    action) and go back to the item's page with a message; a refusal shows the form
    again with what was typed and why."""
    if holder.is_valid():
        try:
            result = call()
        except ValidationError as exc:
            _add_errors(holder, exc)
        except InvalidTransition as exc:
            _stale(request, exc)
            return redirect(_detail_url(part.suggestion_id))
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(_detail_url(part.suggestion_id))
    return _show_again(request, part, name, holder)


# --- the inbox -------------------------------------------------------------------------------


@login_required
@require_GET
def unit_inbox(request: HttpRequest) -> HttpResponse:
    """The parts the reader's units hold, the earliest deadline first: to sign, in
    handling, reassignment pending, re-handling; overdue ones in red with the working
    days they are late."""
    user = request.user
    if not has_perm(user, perms.HANDLE):
        raise PermissionDenied(_("您没有办理议案建议的权限"))
    today = workflow_today()
    form = InboxFilterForm(request.GET or None, years=selectors_unit.inbox_years(user))
    qs = selectors_unit.inbox(user, today=today, **form.filters())
    page_obj, querystring = paginate(request, qs)
    rows = list(page_obj)
    late = selectors_unit.working_days_late(
        [a for a in rows if a.state in selectors.OPEN_ASSIGNMENT_STATES], today
    )
    for a in rows:
        a.late_days = late.get(a.pk)
        a.rehandling = a.suggestion.state == SuggestionState.REHANDLING
        a.answered_this_round = a.state == AssignmentState.ANSWERED
        a.reassign_open = a.state == AssignmentState.PENDING and today <= a.reassign_due
    return render(
        request,
        "suggestions/unit/inbox.html",
        {
            "form": form,
            "page_obj": page_obj,
            "rows": rows,
            "querystring_without_page": querystring,
            "today": today,
        },
    )


# --- the unit's steps on its part ---------------------------------------------------------------


@login_required
@require_POST
def part_accept(request: HttpRequest, pk: int) -> HttpResponse:
    part = _part(request, pk)
    try:
        actions.assignment_accept(actor=request.user, assignment=part)
    except ValidationError as exc:
        messages.error(request, join_errors(exc))
    except InvalidTransition as exc:
        _stale(request, exc)
    else:
        if part.role == UnitRole.CO and part.view_due:
            text = _("已签收。请于 %(due)s 前向主办单位提出会办意见。")
            due = part.view_due
        else:
            text = _("已签收。请与代表沟通联系，并于 %(due)s 前答复。")
            due = part.reply_due
        messages.success(request, text % {"due": _date(due)})
    return redirect(_detail_url(part.suggestion_id))


@login_required
@require_POST
def part_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    part = _part(request, pk)
    form = ReassignForm(
        request.POST, part=part, suggestion=part.suggestion, prefix=f"p{part.pk}-reassign"
    )
    return _step(
        request,
        part,
        "reassign",
        form,
        lambda: actions.reassign_request(
            actor=request.user,
            assignment=part,
            reason=form.cleaned_data["reason"],
            suggested_unit=form.cleaned_data["suggested_unit"],
        ),
        success=lambda r: (
            _("已提交调整交办申请，人大办公室将于 %(due)s 前决定；决定前本件仍由本单位承办。")
            % {"due": _date(r.decide_due)}
        ),
    )


@login_required
@require_POST
def part_view(request: HttpRequest, pk: int) -> HttpResponse:
    part = _part(request, pk)
    if part.role != UnitRole.CO:
        raise PermissionDenied(_("只有会办单位向主办单位提出会办意见"))
    form = CohandlerViewForm(request.POST, prefix=f"p{part.pk}-view")
    return _step(
        request,
        part,
        "view",
        form,
        lambda: actions.cohandler_view(
            actor=request.user, assignment=part, text=form.cleaned_data["text"]
        ),
        success=_("会办意见已送主办单位。"),
    )


@login_required
@require_POST
def part_contact(request: HttpRequest, pk: int) -> HttpResponse:
    part = _part(request, pk)
    form = ContactForm(request.POST, prefix=f"p{part.pk}-contact")
    return _step(
        request,
        part,
        "contact",
        form,
        lambda: actions.assignment_contact(
            actor=request.user,
            assignment=part,
            method=form.cleaned_data["method"],
            note=form.cleaned_data["note"],
            contacted_at=form.cleaned_data["contacted_at"],
        ),
        success=_("已记录与代表的沟通联系。"),
    )


def _require_answering(part: Assignment) -> None:
    if part.role not in ANSWERING_ROLES:
        raise PermissionDenied(_("会办单位不直接答复代表，请向主办单位提出会办意见"))


@login_required
@require_POST
def part_reply(request: HttpRequest, pk: int) -> HttpResponse:
    part = _part(request, pk)
    _require_answering(part)
    bundle = ReplyForms(request.POST, request.FILES, part=part)

    def call():
        data = bundle.form.cleaned_data
        b_class = data["result_class"] == ResultClass.B
        return actions.suggestion_reply(
            actor=request.user,
            assignment=part,
            result_class=data["result_class"],
            text=data["text"],
            signed_by=data["signed_by"],
            document=data["document"],
            contact_person=data["contact_person"],
            commitments=bundle.commitments.items() if b_class else [],
        )

    def done(reply) -> str:
        if reply.suggestion.state == SuggestionState.REPLIED:
            return _("已答复代表。代表将收到通知，并对办理结果和沟通联系作出评价。")
        return _("已答复代表。其他分办单位答复后，代表将收到通知并作出评价。")

    return _step(request, part, "reply", bundle, call, success=done)


@login_required
@require_GET
def commitment_row(request: HttpRequest, pk: int) -> HttpResponse:
    """One more blank commitment row for the reply form (htmx), with the formset's
    new total and the next "add" button swapped in out of band."""
    part = _part(request, pk)
    _require_answering(part)
    try:
        index = int(request.GET.get("index", ""))
    except ValueError:
        raise Http404 from None
    if not 0 <= index < MAX_COMMITMENTS:
        raise Http404
    prefix = f"p{part.pk}-commit"
    return render(
        request,
        "suggestions/unit/_commitment_row.html",
        {
            "part": part,
            "form": CommitmentForm(prefix=f"{prefix}-{index}"),
            "prefix": prefix,
            "index": index,
            "total": index + 1,
            "more": index + 1 < MAX_COMMITMENTS,
        },
    )


@login_required
@require_POST
def part_extension(request: HttpRequest, pk: int) -> HttpResponse:
    part = _part(request, pk)
    _require_answering(part)
    form = ExtensionForm(
        request.POST,
        part=part,
        cap=extension_cap(part, part.suggestion),
        prefix=f"p{part.pk}-extension",
    )
    return _step(
        request,
        part,
        "extension",
        form,
        lambda: actions.extension_request(
            actor=request.user,
            assignment=part,
            new_due=form.cleaned_data["new_due"],
            reason=form.cleaned_data["reason"],
        ),
        success=lambda e: (
            _("已申请延期至 %(due)s，请等待人大办公室审批；审批前仍按原期限办理。")
            % {"due": _date(e.new_due)}
        ),
    )


# --- the commitment ledger ---------------------------------------------------------------------


@login_required
@require_GET
def commitment_list(request: HttpRequest) -> HttpResponse:
    """The commitment ledger: the reader's unit's promises, or for the office and
    leaders every unit's on the items in their scope."""
    user = request.user
    if not has_perm(user, perms.VIEW):
        raise PermissionDenied(_("您没有查看承诺事项台账的权限"))
    today = workflow_today()
    form = CommitmentFilterForm(
        request.GET or None,
        years=selectors_unit.ledger_years(user),
        units=selectors_unit.ledger_units(user),
    )
    page_obj, querystring = paginate(request, selectors_unit.ledger(user, **form.filters()))
    rows = list(page_obj)
    for c in rows:
        c.overdue = c.state == CommitmentState.OPEN and bool(c.due_date and c.due_date < today)
    return render(
        request,
        "suggestions/unit/commitments.html",
        {
            "form": form,
            "page_obj": page_obj,
            "rows": rows,
            "querystring_without_page": querystring,
            "today": today,
        },
    )


def _render_commitment(
    request: HttpRequest, commitment: Commitment, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    is_open = commitment.state == CommitmentState.OPEN
    can_report = is_open and has_perm(user, perms.HANDLE, commitment)
    progress = selectors_unit.commitment_progress(commitment)
    today = workflow_today()
    return render(
        request,
        "suggestions/unit/commitment_detail.html",
        {
            "commitment": commitment,
            "progress": progress,
            "latest_percent": progress[-1].percent if progress else None,
            "overdue": is_open and commitment.due_date is not None and commitment.due_date < today,
            "can_report": can_report,
            "progress_form": forms.get("progress_form") or ProgressForm(prefix="progress"),
            "fulfil_form": forms.get("fulfil_form") or FulfilForm(prefix="fulfil"),
        },
        status=status,
    )


@login_required
@require_GET
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_commitment(request, selectors.commitment_get_visible(request.user, pk))


def _commitment_step(
    request: HttpRequest,
    pk: int,
    form_key: str,
    make_form: Callable[[], Any],
    call: Callable[[Commitment, dict], Any],
    success: str,
) -> HttpResponse:
    """Run one commitment action for the unit that made it: 404 outside the reader's
    ledger, 403 for readers who may not report (office, leaders)."""
    commitment = selectors.commitment_get_visible(request.user, pk)
    if not has_perm(request.user, perms.HANDLE, commitment):
        raise PermissionDenied(_("只有作出承诺的承办单位可以报告进展"))
    back = reverse("suggestions:commitment_detail", args=[commitment.pk])
    form = make_form()
    if form.is_valid():
        try:
            call(commitment, form.cleaned_data)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                messages.error(request, join_errors(exc))
                return redirect(back)
            _add_errors(form, exc)
        except InvalidTransition as exc:
            _stale(request, exc)
            return redirect(back)
        else:
            messages.success(request, success)
            return redirect(back)
    return _render_commitment(request, commitment, **{form_key: form})


@login_required
@require_POST
def commitment_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return _commitment_step(
        request,
        pk,
        "progress_form",
        lambda: ProgressForm(request.POST, prefix="progress"),
        lambda c, d: actions.commitment_progress(
            actor=request.user, commitment=c, note=d["note"], percent=d["percent"]
        ),
        _("已报告承诺事项进展。"),
    )


@login_required
@require_POST
def commitment_fulfil(request: HttpRequest, pk: int) -> HttpResponse:
    return _commitment_step(
        request,
        pk,
        "fulfil_form",
        lambda: FulfilForm(request.POST, prefix="fulfil"),
        lambda c, d: actions.commitment_fulfil(actor=request.user, commitment=c, note=d["note"]),
        _("已标记为兑现，代表将收到通知。"),
    )
