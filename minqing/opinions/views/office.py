"""The office's triage pages (分办) and the handling unit's pages (承办).

Thin, like every page: the selectors answer 404 outside the reader's scope, the
actions answer 403 or refuse with a Chinese ValidationError. Each POST parses one form
and calls one action. On success it goes back to the opinion's page with a message; on
a refusal the opinion's page is shown again with the bound form in its panel, so
nothing the person typed is lost. Merging shows the master on a page of its own
(opinions/action_form.html) before anything changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minqing.core.calendar import WorkingCalendar, working_deadline
from minqing.core.config import settings_for
from minqing.core.i18n import join_errors
from minqing.core.pagination import paginate
from minqing.core.permissions import has_perm
from minqing.core.states import InvalidTransition
from minqing.core.web import apply_errors, form_errors_text
from minqing.opinions import actions, selectors
from minqing.opinions import permissions as perms
from minqing.opinions.actions import _common
from minqing.opinions.forms_common import keep_bound
from minqing.opinions.forms_office import (
    ClassifyForm,
    DeclineForm,
    ExtensionDecisionForm,
    ForwardForm,
    MergeForm,
    OfficeFilterForm,
    OverdueFilterForm,
    add_working_days_with,
    category_names,
    office_panel_context,
    reader_region,
    working_days_between,
)
from minqing.opinions.forms_unit import (
    DUE_SOON_WORKING_DAYS,
    ContactForm,
    ExtensionRequestForm,
    ReplyForm,
    ReturnForm,
    UnitFilterForm,
    unit_panel_context,
)
from minqing.opinions.models import (
    ExtensionState,
    Opinion,
    OpinionAssignment,
    OpinionExtension,
)
from minqing.people.models import HandlingUnit

TRIAGE = "opinions.triage"
HANDLE = "opinions.handle"
MEASURES = "opinions.view_measures"

# url name → (the panel's context key for the form, the flag that shows it, its panel).
PANEL_FORMS: dict[str, tuple[str, str, str]] = {
    "classify": ("classify_form", "can_classify", "office"),
    "forward": ("forward_form", "can_forward", "office"),
    "merge": ("merge_form", "can_merge", "office"),
    "decline": ("decline_form", "can_decline", "office"),
    "extension_decide": ("decide_form", "can_decide_extension", "office"),
    "return": ("return_form", "can_return", "unit"),
    "contact": ("contact_form", "can_contact", "unit"),
    "reply": ("reply_form", "can_reply", "unit"),
    "extension_request": ("extension_form", "can_request_extension", "unit"),
}


# --- helpers ------------------------------------------------------------------------------


def _detail_url(opinion: Opinion) -> str:
    return reverse("opinions:detail", args=[opinion.pk])


def _opinion(request: HttpRequest, pk: int, perm: str) -> Opinion:
    """An opinion the reader sees (else 404) and may act on with ``perm`` (else 403),
    checked before the form so a refusal never shows a form to the wrong person."""
    opinion = selectors.opinion_get_visible(request.user, pk)
    perms.require(request.user, perm, opinion)
    return opinion


def _show_again(
    request: HttpRequest, opinion: Opinion, name: str, form: forms.Form
) -> HttpResponse:
    """Show a refused form on the opinion's page with what was typed and why it was
    refused. When the page would not show that form any more (the opinion moved on
    since it was loaded), the reasons come as a message instead."""
    from minqing.opinions.views.detail import render_detail

    key, flag, panel = PANEL_FORMS[name]
    keep_bound(request, key, form)
    context = (office_panel_context if panel == "office" else unit_panel_context)(request, opinion)
    if not context.get(flag):
        messages.error(request, form_errors_text(form))
        return redirect(_detail_url(opinion))
    return render_detail(request, opinion, **{key: form})


def _stale(request: HttpRequest, exc: InvalidTransition) -> None:
    # Someone else (or a second click) moved the opinion on since the page was shown.
    messages.error(
        request,
        _("这件民情的状态已经变化，本次操作未执行（%(reason)s）。请查看最新情况。")
        % {"reason": exc},
    )


def _submit(
    request: HttpRequest,
    opinion: Opinion,
    name: str,
    form: forms.Form,
    call: Callable[[], Any],
    *,
    success: str | Callable[[Any], str],
    next_url: str | None = None,
    back_url: str | None = None,
    error_field: str | None = None,
) -> HttpResponse:
    """Validate ``form``, run ``call`` (one action) and go to ``next_url`` (default: the
    opinion's page) with a message.

    A refusal about what was typed (a field error, or any error when ``error_field``
    names the field it belongs to) shows the form again with the input kept. A refusal
    about the opinion itself (its state moved on, a request already pending) is not
    something to retype: it goes back to ``back_url`` (default: the opinion's page)
    with the reason as a message, since that form may no longer be on the page.
    """
    back_url = back_url or _detail_url(opinion)
    if form.is_valid():
        try:
            result = call()
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_errors(form, exc)
            elif error_field:
                form.add_error(error_field, exc)
            else:
                messages.error(request, join_errors(exc))
                return redirect(back_url)
        except InvalidTransition as exc:
            _stale(request, exc)
            return redirect(back_url)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(next_url or _detail_url(opinion))
    return _show_again(request, opinion, name, form)


def _date(day: dt.date | None) -> str:
    return date_format(day, "DATE_FORMAT") if day else ""


def _safe_next(request: HttpRequest, url: str) -> str | None:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def _with_last_return(qs: QuerySet[Opinion]) -> QuerySet[Opinion]:
    """Annotate the latest assignment's return (when, why, by whom) in the same query:
    the triage inbox marks what a unit sent back."""
    latest = OpinionAssignment.objects.filter(opinion=OuterRef("pk")).order_by(
        "-forwarded_at", "-id"
    )
    return qs.annotate(
        last_returned_at=Subquery(latest.values("returned_at")[:1]),
        last_return_reason=Subquery(latest.values("return_reason")[:1]),
        last_return_unit=Subquery(latest.values("unit__name")[:1]),
    )


def _with_pending_extension(qs: QuerySet[Opinion]) -> QuerySet[Opinion]:
    pending = OpinionExtension.objects.filter(
        assignment_id=OuterRef("assignment_id"), state=ExtensionState.PENDING
    )
    return qs.annotate(has_pending_extension=Exists(pending))


def _extension_visible(user, pk: int) -> OpinionExtension:
    """An extension request on an opinion the reader sees, or 404."""
    visible = selectors.opinions_visible(user).values("pk")
    extension = (
        OpinionExtension.objects.select_related("opinion", "assignment__unit")
        .filter(pk=pk, opinion_id__in=visible)
        .first()
    )
    if extension is None:
        raise Http404
    return extension


# --- lists --------------------------------------------------------------------------------


@login_required
@require_GET
def office_inbox(request: HttpRequest) -> HttpResponse:
    """Received and returned opinions waiting for triage in the reader's regions."""
    user = request.user
    if not has_perm(user, TRIAGE):
        raise PermissionDenied(_("您没有分办民情的权限"))
    names = category_names(reader_region(user))
    form = OfficeFilterForm(request.GET or None, user=user, category_map=names)
    qs = selectors.filter_opinions(selectors.inbox_office(user), **form.filters())
    qs = _with_last_return(qs)
    page_obj, querystring = paginate(request, qs)
    return render(
        request,
        "opinions/office_inbox.html",
        {
            "form": form,
            "page_obj": page_obj,
            "querystring_without_page": querystring,
            "rows": [(o, names.get(o.category, o.category)) for o in page_obj],
        },
    )


@login_required
@require_GET
def unit_inbox(request: HttpRequest) -> HttpResponse:
    """What the reader's unit holds, the earliest reply deadline first."""
    user = request.user
    if not has_perm(user, HANDLE):
        raise PermissionDenied(_("您没有办理民情的权限"))
    form = UnitFilterForm(request.GET or None)
    qs = selectors.inbox_unit(user)
    if form.is_valid():
        qs = selectors.filter_opinions(
            qs, q=form.cleaned_data["q"], state=form.cleaned_data["state"]
        )
    page_obj, querystring = paginate(request, _with_pending_extension(qs))
    today = _common.today()
    due_soon = working_deadline(today, DUE_SOON_WORKING_DAYS).due
    for opinion in page_obj:
        due = opinion.reply_due
        opinion.due_status = (
            "" if due is None else "overdue" if due < today else "soon" if due <= due_soon else ""
        )
        opinion.sign_overdue = bool(opinion.assignment and opinion.assignment.sign_due < today)
    return render(
        request,
        "opinions/unit_inbox.html",
        {
            "form": form,
            "page_obj": page_obj,
            "querystring_without_page": querystring,
            "today": today,
            "due_soon": due_soon,
            "due_soon_days": DUE_SOON_WORKING_DAYS,
        },
    )


@login_required
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    """Opinions held past their reply deadline, for the office and leaders."""
    user = request.user
    if not (has_perm(user, TRIAGE) or has_perm(user, MEASURES)):
        raise PermissionDenied(_("您没有查看超期民情的权限"))
    today = _common.today()
    qs = selectors.overdue(user, today=today)
    units = HandlingUnit.objects.filter(pk__in=qs.values("unit_id")).order_by("name")
    form = OverdueFilterForm(request.GET or None, units=units)
    unit_id = form.unit_id()
    if unit_id:
        qs = selectors.filter_opinions(qs, unit_id=unit_id)
    page_obj, querystring = paginate(request, qs)
    items = list(page_obj)
    rows = []
    if items:
        cal = WorkingCalendar(min(o.reply_due for o in items), today)
        rows = [
            (o, working_days_between(cal, o.reply_due, today), (today - o.reply_due).days)
            for o in items
        ]
    return render(
        request,
        "opinions/overdue.html",
        {
            "form": form,
            "page_obj": page_obj,
            "querystring_without_page": querystring,
            "rows": rows,
            "today": today,
        },
    )


@login_required
@require_GET
def extension_list(request: HttpRequest) -> HttpResponse:
    """Units' extension requests waiting for the reader's decision."""
    user = request.user
    if not has_perm(user, TRIAGE):
        raise PermissionDenied(_("您没有审批延期申请的权限"))
    page_obj, querystring = paginate(request, selectors.pending_extensions(user))
    items = list(page_obj)
    rows = []
    if items:
        reach = max(e.working_days for e in items) * 2 + 30
        cal = WorkingCalendar(
            min(e.old_due for e in items),
            max(e.old_due for e in items) + dt.timedelta(days=reach),
        )
        rows = [(e, add_working_days_with(cal, e.old_due, e.working_days)) for e in items]
    return render(
        request,
        "opinions/extensions.html",
        {
            "page_obj": page_obj,
            "querystring_without_page": querystring,
            "rows": rows,
            "next_url": request.get_full_path(),
        },
    )


# --- the office's actions -------------------------------------------------------------------


@login_required
@require_POST
def classify(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = _opinion(request, pk, TRIAGE)
    form = ClassifyForm(request.POST, opinion=opinion)
    return _submit(
        request,
        opinion,
        "classify",
        form,
        lambda: actions.opinion_classify(
            actor=request.user,
            opinion=opinion,
            kind=form.cleaned_data["kind"],
            category=form.cleaned_data["category"],
        ),
        success=_("已保存类型和分类。"),
    )


@login_required
@require_POST
def forward(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = _opinion(request, pk, TRIAGE)
    form = ForwardForm(request.POST, user=request.user)
    return _submit(
        request,
        opinion,
        "forward",
        form,
        lambda: actions.opinion_forward(
            actor=request.user,
            opinion=opinion,
            unit=form.cleaned_data["unit"],
            instructions=form.cleaned_data["instructions"],
        ),
        success=lambda o: (
            _("已转交%(unit)s办理，答复期限为 %(due)s。")
            % {"unit": o.unit.name, "due": _date(o.reply_due)}
        ),
    )


@login_required
@require_POST
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Two steps: the code first shows the master; the confirmation merges."""
    opinion = _opinion(request, pk, TRIAGE)
    form = MergeForm(request.POST, user=request.user, opinion=opinion)
    if form.is_valid() and request.POST.get("confirm") != "1":
        return render(
            request,
            "opinions/action_form.html",
            {
                "opinion": opinion,
                "master": form.master,
                "action_url": reverse("opinions:merge", args=[opinion.pk]),
                "detail_url": _detail_url(opinion),
            },
        )
    return _submit(
        request,
        opinion,
        "merge",
        form,
        lambda: actions.opinion_merge(actor=request.user, opinion=opinion, master=form.master),
        success=lambda o: (
            _("已并入主件 %(code)s，本件群众将随主件获知办理结果。") % {"code": o.master.code}
        ),
        error_field="master_code",
    )


@login_required
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = _opinion(request, pk, TRIAGE)
    form = DeclineForm(request.POST)
    return _submit(
        request,
        opinion,
        "decline",
        form,
        lambda: actions.opinion_decline(
            actor=request.user,
            opinion=opinion,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        ),
        success=_("已作不予受理处理，并告知群众处理途径。"),
        error_field="note",
    )


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    extension = _extension_visible(request.user, pk)
    opinion = extension.opinion
    perms.require(request.user, TRIAGE, opinion)
    form = ExtensionDecisionForm(request.POST)
    next_url = _safe_next(request, request.POST.get("next", ""))

    def done(ext: OpinionExtension) -> str:
        if ext.state == ExtensionState.APPROVED:
            return _("已同意延期，新的答复期限为 %(due)s。") % {"due": _date(ext.new_due)}
        return _("已不同意延期，承办单位须按原期限答复。")

    return _submit(
        request,
        opinion,
        "extension_decide",
        form,
        lambda: actions.extension_decide(
            actor=request.user,
            extension=extension,
            approve=form.approve,
            note=form.cleaned_data["note"],
        ),
        success=done,
        next_url=next_url,
        back_url=next_url,
    )


# --- the unit's actions ------------------------------------------------------------------


@login_required
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = _opinion(request, pk, HANDLE)
    try:
        actions.opinion_sign(actor=request.user, opinion=opinion)
    except ValidationError as exc:
        messages.error(request, join_errors(exc))
    except InvalidTransition as exc:
        _stale(request, exc)
    else:
        due = opinion.assignment.contact_due if opinion.assignment else None
        messages.success(request, _("已签收。请于 %(due)s 前联系群众。") % {"due": _date(due)})
    return redirect(_detail_url(opinion))


@login_required
@require_POST
def return_to_office(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = _opinion(request, pk, HANDLE)
    form = ReturnForm(request.POST)
    # Once returned the unit no longer sees the opinion: back to the unit's inbox.
    return _submit(
        request,
        opinion,
        "return",
        form,
        lambda: actions.opinion_return(
            actor=request.user, opinion=opinion, reason=form.cleaned_data["reason"]
        ),
        success=_("已退回人大办公室重新分办。"),
        next_url=reverse("opinions:unit_inbox"),
        error_field="reason",
    )


@login_required
@require_POST
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = _opinion(request, pk, HANDLE)
    form = ContactForm(request.POST)
    return _submit(
        request,
        opinion,
        "contact",
        form,
        lambda: actions.opinion_contact(
            actor=request.user,
            opinion=opinion,
            method=form.cleaned_data["method"],
            note=form.cleaned_data["note"],
            contacted_at=form.cleaned_data["contacted_at"],
        ),
        success=_("已记录联系情况。"),
    )


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = _opinion(request, pk, HANDLE)
    form = ReplyForm(request.POST, request.FILES)
    return _submit(
        request,
        opinion,
        "reply",
        form,
        lambda: actions.opinion_reply(
            actor=request.user,
            opinion=opinion,
            public_text=form.cleaned_data["public_text"],
            resolution=form.cleaned_data["resolution"],
            internal_note=form.cleaned_data["internal_note"],
            attachments=form.cleaned_data["attachments"],
        ),
        success=_("已答复，群众将收到短信提醒查看并评价。"),
        error_field="public_text",
    )


@login_required
@require_POST
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = _opinion(request, pk, HANDLE)
    max_days = settings_for(opinion.region)["opinion.extension_max_working_days"]
    form = ExtensionRequestForm(request.POST, max_days=max_days)
    return _submit(
        request,
        opinion,
        "extension_request",
        form,
        lambda: actions.extension_request(
            actor=request.user,
            opinion=opinion,
            working_days=form.cleaned_data["working_days"],
            reason=form.cleaned_data["reason"],
        ),
        success=_("已提交延期申请，请等待人大办公室审批。"),
    )
