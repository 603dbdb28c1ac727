"""The congress office's pages of the motion and suggestion workflow: the office inbox,
the session's batch assignment screen and its result, the overdue list, and the POST
endpoints of the office panel on the item's page (screen, presidium decision, assign,
supervise, close, decide reassignment and extension requests).

Thin, like every page: the selectors answer 404 outside the reader's scope, a reader
who sees the item but does not manage it gets 403, and the actions refuse with a
Chinese ValidationError. Each POST parses one form and calls one action; on success it
goes back to the item's page (``suggestions:detail``) with a message, on a refusal the
item's page is shown again (``views_detail.render_detail``) with the bound form in the
office panel, so nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minqing.core.calendar import WorkingCalendar
from minqing.core.i18n import join_list
from minqing.core.pagination import paginate
from minqing.core.permissions import grants_for, has_perm, is_unrestricted
from minqing.core.states import InvalidTransition
from minqing.core.web import apply_errors, form_errors_text
from minqing.suggestions import actions, selectors, selectors_office
from minqing.suggestions import permissions as perms
from minqing.suggestions.actions import office as office_actions
from minqing.suggestions.forms_office import (
    AcceptForm,
    AssignForm,
    BatchFilterForm,
    BatchGrid,
    CloseForm,
    DecideForm,
    ExtensionDecisionForm,
    OverdueFilterForm,
    ReassignDecisionForm,
    RejectForm,
    SuperviseForm,
    UnitDirectory,
    assign_preview,
    category_choices,
    keep_bound,
    max_batch_rows,
    panel_flags,
)
from minqing.suggestions.models import (
    Assignment,
    Extension,
    HandlingMode,
    PresidiumDecision,
    ReassignRequest,
    RequestState,
    Suggestion,
    SupervisionKind,
    UnitRole,
)

TABS = (
    ("screen", gettext_lazy("待审查")),
    ("assign", gettext_lazy("待交办")),
    ("reassign", gettext_lazy("调整交办申请")),
    ("extensions", gettext_lazy("延期申请")),
    ("overdue", gettext_lazy("超期")),
    ("close", gettext_lazy("待反馈/可办结")),
    ("supervised", gettext_lazy("重点督办/领办")),
)


# --- helpers ------------------------------------------------------------------------------


def _require_manage(user) -> None:
    if not has_perm(user, perms.MANAGE):
        raise PermissionDenied(_("您没有办理议案建议的权限"))


def _detail_url(suggestion: Suggestion) -> str:
    return reverse("suggestions:detail", args=[suggestion.pk])


def _date(day: dt.date | None) -> str:
    return date_format(day, "DATE_FORMAT") if day else ""


def _item(request: HttpRequest, pk: int) -> Suggestion:
    """An item the reader sees (else 404) and manages (else 403), checked before the
    form so a refusal never shows a form to the wrong person."""
    suggestion = selectors.suggestion_get_visible(request.user, pk)
    perms.require(request.user, perms.MANAGE, suggestion)
    return suggestion


def _request_row(request: HttpRequest, model: type[Model], pk: int):
    """A reassignment or extension request on an item the reader sees (else 404) and
    manages (else 403)."""
    visible = selectors.suggestions_visible(request.user).values("pk")
    row = (
        model.objects.select_related(
            "assignment", "assignment__unit", "assignment__suggestion__region"
        )
        .filter(pk=pk, assignment__suggestion__in=visible)
        .first()
    )
    if row is None:
        raise Http404
    perms.require(request.user, perms.MANAGE, row.assignment.suggestion)
    return row


def _safe_next(request: HttpRequest) -> str | None:
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def _stale(request: HttpRequest, exc: InvalidTransition) -> None:
    # Someone else (or a second click) moved the item on since the page was shown.
    messages.error(
        request,
        _("这件议案建议的状态已经变化，本次操作未执行（%(reason)s）。请查看最新情况。")
        % {"reason": exc},
    )


def _show_again(
    request: HttpRequest, suggestion: Suggestion, key: str, form: forms.Form, still_shown: bool
) -> HttpResponse:
    """The item's page again with the refused form in the office panel. When the panel
    would not show that form any more (the item moved on), the reasons come as a
    message on the page instead."""
    if not still_shown:
        messages.error(request, form_errors_text(form))
        return redirect(_detail_url(suggestion))
    keep_bound(request, key, form)
    from minqing.suggestions.views_detail import render_detail

    return render_detail(request, suggestion, extra_context={key: form})


def _step(
    request: HttpRequest,
    suggestion: Suggestion,
    *,
    key: str,
    form: forms.Form,
    call: Callable[[], Any],
    success: str | Callable[[Any], str],
    shown: Callable[[], bool],
    on_error: Callable[[forms.Form, ValidationError], None] = apply_errors,
    next_url: str | None = None,
) -> HttpResponse:
    """Validate ``form``, run ``call`` (one action) and go back to the item's page (or
    ``next_url``) with ``success``; a refusal shows the form again with the input kept
    (``shown()`` says whether the panel still offers that form)."""
    if form.is_valid():
        try:
            result = call()
        except ValidationError as exc:
            on_error(form, exc)
        except InvalidTransition as exc:
            _stale(request, exc)
            return redirect(_detail_url(suggestion))
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(next_url or _detail_url(suggestion))
    return _show_again(request, suggestion, key, form, shown())


def _flag(suggestion: Suggestion, name: str) -> Callable[[], bool]:
    return lambda: panel_flags(suggestion, today=office_actions.today())[name]


def _reader_region(user):
    """The region of the reader's first office grant (its taxonomy names categories);
    None for a superuser (the defaults). No query."""
    if is_unrestricted(user):
        return None
    grants = grants_for(user, perms.MANAGE)
    return grants[0].region if grants else None


def _working_days_between(cal: WorkingCalendar, after: dt.date, until: dt.date) -> int:
    """Working days d with after < d <= until (0 when ``until`` is not later)."""
    count, day = 0, after
    while day < until:
        day += dt.timedelta(days=1)
        if cal.is_working_day(day):
            count += 1
    return count


def _late_days(dues: list[dt.date], today: dt.date) -> dict[dt.date, int]:
    """Working days past each overdue date, from one calendar snapshot (two queries)."""
    late = sorted({d for d in dues if d and d < today})
    if not late:
        return {}
    cal = WorkingCalendar(late[0], today)
    return {d: _working_days_between(cal, d, today) for d in late}


# --- the office inbox ---------------------------------------------------------------------


def _inbox_lists(user, today: dt.date) -> dict[str, Any]:
    return {
        "screen": selectors.to_screen(user),
        "assign": selectors.to_assign(user),
        "reassign": selectors.managed_requests(user),
        "extensions": selectors.pending_extensions(user),
        "overdue": selectors.overdue_assignments(user, today=today),
        "close": selectors_office.closable(user, today=today),
        "supervised": selectors_office.supervised(user),
    }


@login_required
@require_GET
def office_inbox(request: HttpRequest) -> HttpResponse:
    """What waits for the office, one tab per kind of work with its count: items to
    screen (motions: the presidium's decision), to assign (with the assignment
    deadline), reassignment and extension requests, overdue parts (a link to the
    overdue list), items to close after the feedback deadline, supervised items."""
    user = request.user
    _require_manage(user)
    today = office_actions.today()
    lists = _inbox_lists(user, today)
    counts = {key: qs.count() for key, qs in lists.items()}
    tab = request.GET.get("tab", "")
    if tab not in lists or tab == "overdue":
        tab = next((k for k, _label in TABS if counts[k] and k != "overdue"), "screen")
    page_obj, querystring = paginate(request, lists[tab])
    items = list(page_obj)
    names = dict(category_choices(_reader_region(user)))
    late: dict[dt.date, int] = {}
    if tab == "assign":
        late = _late_days([s.assign_due for s in items], today)
    elif tab == "reassign":
        late = _late_days([r.decide_due for r in items], today)
    rows = []
    for obj in items:
        due = getattr(obj, "assign_due", None) if tab == "assign" else None
        if tab == "reassign":
            due = obj.decide_due
        rows.append(
            {
                "obj": obj,
                "category": names.get(getattr(obj, "category", ""), getattr(obj, "category", "")),
                "late": late.get(due, 0) if due else 0,
                "overdue": bool(due and due < today),
            }
        )
    return render(
        request,
        "suggestions/office/inbox.html",
        {
            "tabs": [(key, label, counts[key]) for key, label in TABS],
            "tab": tab,
            "counts": counts,
            "rows": rows,
            "page_obj": page_obj,
            "querystring_without_page": querystring,
            "today": today,
            "next_url": request.get_full_path(),
        },
    )


# --- the overdue list -----------------------------------------------------------------------


@login_required
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    """Parts still open past their deadline (reply; a co-handler's view), by unit, with
    the working days overdue."""
    user = request.user
    _require_manage(user)
    today = office_actions.today()
    qs = selectors.overdue_assignments(user, today=today)
    summary = selectors_office.overdue_by_unit(qs)
    form = OverdueFilterForm(
        request.GET or None, units=[(r["unit_id"], r["unit__name"]) for r in summary]
    )
    unit_id = form.unit_id()
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    qs = qs.order_by("unit__name", "unit_id", "reply_due", "id")
    page_obj, querystring = paginate(request, qs)
    parts: list[Assignment] = list(page_obj)
    dues = {a.pk: (a.view_due if a.role == UnitRole.CO else a.reply_due) for a in parts}
    late = _late_days(list(dues.values()), today)
    rows = [
        {
            "part": a,
            "due": dues[a.pk],
            "working": late.get(dues[a.pk], 0),
            "days": (today - dues[a.pk]).days,
        }
        for a in parts
    ]
    return render(
        request,
        "suggestions/office/overdue.html",
        {
            "form": form,
            "summary": summary,
            "unit_id": unit_id,
            "rows": rows,
            "page_obj": page_obj,
            "querystring_without_page": querystring,
            "today": today,
        },
    )


# --- batch assignment -------------------------------------------------------------------------


def _detail_base() -> str:
    url = reverse("suggestions:detail", args=[1])
    return url[: -len("1/")] if url.endswith("/1/") else ""


def _shared_session(plans) -> Any:
    sessions = {p.suggestion.session_id for p in plans}
    if len(sessions) == 1 and None not in sessions:
        return plans[0].suggestion.session
    return None


@login_required
@require_http_methods(["GET", "POST"])
def batch_assign(request: HttpRequest) -> HttpResponse:
    """The session's batch assignment screen: the accepted items of one congress that
    match the filters, one row each, pre-filled from how the category was last
    assigned; confirming assigns every filled-in row at once (all or nothing). A
    refusal shows the grid again with every choice kept and the failing row marked."""
    user = request.user
    _require_manage(user)
    form = BatchFilterForm(
        request.GET or None,
        congresses=selectors.congresses_managed(user),
        sessions=selectors.sessions_visible(user),
    )
    limit = max_batch_rows()
    items = list(selectors_office.batch_rows(user, **form.filters())[: limit + 1])
    truncated = len(items) > limit
    items = items[:limit]
    directory = UnitDirectory(selectors_office.units_for_assign(user))
    region = form.congress.region if form.congress else None
    categories = form.category_names
    if request.method == "POST":
        grid = BatchGrid(items, directory, categories=categories, data=request.POST)
        if grid.is_valid():
            try:
                batch = actions.suggestions_assign_batch(
                    actor=user,
                    plans=grid.plans,
                    session=form.chosen_session or _shared_session(grid.plans),
                )
            except ValidationError as exc:
                for message in exc.messages:
                    grid.blame(message)
            except InvalidTransition as exc:
                grid.errors.append(
                    _("有事项的状态已经变化，本次未交办任何事项（%(reason)s）。请刷新后重试。")
                    % {"reason": exc}
                )
            else:
                messages.success(
                    request,
                    _("已批量交办 %(n)s 件，可以打印交办通知。") % {"n": batch.size},
                )
                return redirect("suggestions:batch_detail", pk=batch.pk)
    else:
        past = selectors_office.last_plans_by_category(user, {s.category for s in items})
        grid = BatchGrid(items, directory, categories=categories, past=past)
    return render(
        request,
        "suggestions/office/batch_assign.html",
        {
            "form": form,
            "grid": grid,
            "truncated": truncated,
            "limit": limit,
            "unit_options": directory.options(),
            "preview": assign_preview(region) if region is not None else None,
            "modes": [(value, str(label)) for value, label in HandlingMode.choices],
            # "/suggestions/": each row links to "<base><pk>/" without a reverse() per row.
            "detail_base": _detail_base(),
        },
    )


@login_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One confirmed batch: what each unit was given, with the notices to print."""
    user = request.user
    _require_manage(user)
    batch = selectors_office.batch_get_visible(user, pk)
    groups: list[dict[str, Any]] = []
    for part in selectors_office.batch_items(batch):
        if not groups or groups[-1]["unit"].pk != part.unit_id:
            groups.append({"unit": part.unit, "parts": []})
        groups[-1]["parts"].append(part)
    items = {p.suggestion_id for g in groups for p in g["parts"]}
    return render(
        request,
        "suggestions/office/batch_detail.html",
        {"batch": batch, "groups": groups, "item_count": len(items)},
    )


# --- the office panel's steps on one item ---------------------------------------------------


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _item(request, pk)
    form = AcceptForm(request.POST, suggestion=suggestion, prefix="accept")
    return _step(
        request,
        suggestion,
        key="accept_form",
        form=form,
        call=lambda: actions.suggestion_accept(
            actor=request.user,
            suggestion=suggestion,
            category=form.cleaned_data["category"],
            note=form.cleaned_data["note"],
        ),
        success=_("已受理，等待交办。"),
        shown=_flag(suggestion, "can_screen"),
    )


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _item(request, pk)
    form = RejectForm(request.POST, prefix="reject")
    return _step(
        request,
        suggestion,
        key="reject_form",
        form=form,
        call=lambda: actions.suggestion_reject(
            actor=request.user,
            suggestion=suggestion,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        ),
        success=_("已作不予受理处理，提出建议的代表将收到理由。"),
        shown=_flag(suggestion, "can_screen"),
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _item(request, pk)
    form = DecideForm(request.POST, prefix="decide")

    def done(motion: Suggestion) -> str:
        decision = PresidiumDecision(motion.presidium_decision)
        if decision != PresidiumDecision.CONVERTED:
            return _("已记录主席团决定：%(decision)s。") % {"decision": decision.label}
        new = Suggestion.objects.filter(converted_from=motion).first()
        return format_html(
            '{} <a href="{}" class="alert-link">{}</a>',
            _("已记录主席团决定：转为代表建议，编号 %(number)s，已进入审查。")
            % {"number": new.display_number},
            _detail_url(new),
            _("查看该建议"),
        )

    return _step(
        request,
        suggestion,
        key="decide_form",
        form=form,
        call=lambda: actions.motion_decide(
            actor=request.user,
            suggestion=suggestion,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        ),
        success=done,
        shown=_flag(suggestion, "can_decide"),
    )


def _assign_errors(form: forms.Form, exc: ValidationError) -> None:
    # The action names "lead_unit" for any unit it refuses; in 分办 that field is not
    # on screen, so the message goes under the units chosen.
    if hasattr(exc, "error_dict") and form.cleaned_data.get("mode") == HandlingMode.SEPARATE:
        for name, errors in exc.message_dict.items():
            form.add_error("units" if name == "lead_unit" else None, errors)
        return
    apply_errors(form, exc)


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _item(request, pk)
    form = AssignForm(
        request.POST, units=selectors_office.units_for_assign(request.user), prefix="assign"
    )

    def done(made: list[Assignment]) -> str:
        units = join_list(
            _("%(unit)s（%(role)s）") % {"unit": a.unit.name, "role": a.get_role_display()}
            for a in made
        )
        due = min(a.reply_due for a in made)
        return _("已交办：%(units)s。答复期限为 %(due)s。") % {"units": units, "due": _date(due)}

    return _step(
        request,
        suggestion,
        key="assign_form",
        form=form,
        call=lambda: actions.suggestion_assign(
            actor=request.user,
            suggestion=suggestion,
            mode=form.cleaned_data["mode"],
            lead_unit=form.cleaned_data["lead_unit"],
            co_units=form.cleaned_data["co_units"],
            units=form.cleaned_data["units"],
            instructions=form.cleaned_data["instructions"],
        ),
        success=done,
        shown=_flag(suggestion, "can_assign"),
        on_error=_assign_errors,
    )


@login_required
@require_POST
def supervise(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _item(request, pk)
    form = SuperviseForm(
        request.POST, leaders=selectors_office.leaders_for(request.user), prefix="supervise"
    )

    def done(supervision) -> str:
        if supervision.kind == SupervisionKind.KEY:
            return _("已列为重点督办，督办领导：%(leader)s。") % {"leader": supervision.leader}
        return _("已确定领导领办：%(leader)s。") % {"leader": supervision.leader}

    return _step(
        request,
        suggestion,
        key="supervise_form",
        form=form,
        call=lambda: actions.suggestion_supervise(
            actor=request.user,
            suggestion=suggestion,
            kind=form.cleaned_data["kind"],
            leader=form.cleaned_data["leader"],
            body=form.cleaned_data["body"],
            user=form.cleaned_data["user"],
            note=form.cleaned_data["note"],
        ),
        success=done,
        shown=_flag(suggestion, "can_supervise"),
    )


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a replied item once the feedback deadline passed (from the item's page or
    the inbox's 可办结 list, which passes ``next``)."""
    suggestion = _item(request, pk)
    form = CloseForm(request.POST, prefix="close")
    return _step(
        request,
        suggestion,
        key="close_form",
        form=form,
        call=lambda: actions.suggestion_close(
            actor=request.user, suggestion=suggestion, note=form.cleaned_data["note"]
        ),
        success=_("已办结。"),
        shown=_flag(suggestion, "can_close"),
        next_url=_safe_next(request),
    )


@login_required
@require_POST
def reassign_decide(request: HttpRequest, pk: int) -> HttpResponse:
    row: ReassignRequest = _request_row(request, ReassignRequest, pk)
    suggestion = row.assignment.suggestion
    form = ReassignDecisionForm(
        request.POST,
        request_obj=row,
        units=selectors_office.units_for_assign(request.user),
        prefix=f"reassign-{row.pk}",
    )
    old = row.assignment.unit.name

    def done(decided: ReassignRequest) -> str:
        if decided.state == RequestState.APPROVED:
            return _("已同意调整交办，改由%(unit)s承办。") % {"unit": decided.new_unit.name}
        return _("已不同意调整，%(unit)s须继续办理。") % {"unit": old}

    return _step(
        request,
        suggestion,
        key=f"reassign_form:{row.pk}",
        form=form,
        call=lambda: actions.reassign_decide(
            actor=request.user,
            request=row,
            approve=form.approve,
            new_unit=form.cleaned_data["new_unit"] if form.approve else None,
            note=form.cleaned_data["note"],
        ),
        success=done,
        shown=lambda: row.state == RequestState.PENDING,
        next_url=_safe_next(request),
    )


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    row: Extension = _request_row(request, Extension, pk)
    suggestion = row.assignment.suggestion
    form = ExtensionDecisionForm(request.POST, prefix=f"extension-{row.pk}")

    def done(decided: Extension) -> str:
        if decided.state == RequestState.APPROVED:
            part = Assignment.objects.only("reply_due").get(pk=decided.assignment_id)
            return _("已同意延期，%(unit)s的答复期限延至 %(due)s。") % {
                "unit": row.assignment.unit.name,
                "due": _date(part.reply_due),
            }
        return _("已不同意延期，%(unit)s须按原期限答复。") % {"unit": row.assignment.unit.name}

    return _step(
        request,
        suggestion,
        key=f"extension_form:{row.pk}",
        form=form,
        call=lambda: actions.extension_decide(
            actor=request.user,
            extension=row,
            approve=form.approve,
            note=form.cleaned_data["note"],
        ),
        success=done,
        shown=lambda: row.state == RequestState.PENDING,
        next_url=_safe_next(request),
    )


__all__ = [
    "accept",
    "assign",
    "batch_assign",
    "batch_detail",
    "close",
    "decide",
    "extension_decide",
    "office_inbox",
    "overdue",
    "reassign_decide",
    "reject",
    "supervise",
]
