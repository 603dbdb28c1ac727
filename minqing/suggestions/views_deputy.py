"""The deputies' pages of the motion and suggestion workflow: the home redirect, the
deputy's workbench (我的议案建议), the draft form (a deputy's own, or the office's
entry of a paper item 代录), the list of every item the reader may see, the POST steps
of the deputy panel, and the htmx pickers of the draft form.

Thin, like every view: parse with ``forms_deputy``, call one selector or action,
render. A step that the item's state no longer allows (a stale page) answers with a
Chinese message, never an error page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minqing.core.config import settings_for
from minqing.core.i18n import join_errors
from minqing.core.pagination import paginate
from minqing.core.permissions import has_perm, scope
from minqing.core.states import InvalidTransition
from minqing.core.web import apply_errors, run_action, submit_form
from minqing.opinions.permissions import deputy_of
from minqing.people.models import HandlingUnit
from minqing.suggestions import actions, selectors
from minqing.suggestions import permissions as perms
from minqing.suggestions import selectors_deputy as reads
from minqing.suggestions.forms_deputy import (
    FeedbackForm,
    InviteForm,
    ListFilterForm,
    MineFilterForm,
    ReasonForm,
    SuggestionForm,
    category_choices,
    deputy_label,
    initial_for_opinion,
    initial_from,
    reader_region,
)
from minqing.suggestions.models import (
    Assignment,
    AssignmentState,
    SignerState,
    Suggestion,
    SuggestionState,
)
from minqing.suggestions.views_detail import STATE_BADGES, detail_url, render_detail

GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])


def _decorate(rows, names: dict[str, str]) -> list[Suggestion]:
    out = list(rows)
    for s in out:
        s.badge = STATE_BADGES.get(s.state, "text-bg-light")
        s.category_name = names.get(s.category, s.category)
    return out


def _next_url(request: HttpRequest, default: str) -> str:
    """``next`` from the POST when it points into this site, else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def stale_message(exc: InvalidTransition) -> str:
    return _("该件状态已经变化（%(detail)s），请查看最新情况。") % {"detail": exc}


# --- home, workbench, list -------------------------------------------------------------------


def _reverse_or_list(name: str) -> str:
    # The office and unit inboxes belong to other parts of the work; until they are
    # mounted the reader lands on the list instead of a NoReverseMatch.
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse("suggestions:list")


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Send the reader to the page of the work they do."""
    user = request.user
    if deputy_of(user) is not None:
        return redirect("suggestions:mine")
    if has_perm(user, perms.MANAGE):
        return redirect(_reverse_or_list("suggestions:office_inbox"))
    if perms.unit_ids(user):
        return redirect(_reverse_or_list("suggestions:unit_inbox"))
    return redirect("suggestions:list")


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    """The deputy's workbench: invitations to co-sign, withdrawal requests waiting for
    their consent, replies waiting for their rating, and every item of theirs."""
    user = request.user
    if deputy_of(user) is None:
        raise PermissionDenied(_("只有人大代表可以查看本人的议案建议"))
    form = MineFilterForm(request.GET or None)
    qs = selectors.filter_suggestions(reads.mine_rows(user), **form.params())
    page_obj, querystring = paginate(request, qs)
    names = dict(category_choices(reader_region(user)))
    page_obj.object_list = _decorate(page_obj.object_list, names)
    return render(
        request,
        "suggestions/mine.html",
        {
            "form": form,
            "page_obj": page_obj,
            "querystring_without_page": querystring,
            "invitations": list(selectors.invitations(user)),
            "withdraw_requests": list(selectors.withdraw_requests(user)),
            "awaiting_feedback": list(selectors.awaiting_feedback(user)),
            "refuse_form": ReasonForm(prefix="refuse"),
            "mine_url": request.get_full_path(),
            "today": timezone.localdate(),
        },
    )


def _may_list(user) -> bool:
    return deputy_of(user) is not None or has_perm(user, perms.VIEW)


@login_required
@require_safe
def suggestion_list(request: HttpRequest) -> HttpResponse:
    """Every item the reader may see, newest first, with the shared filters."""
    user = request.user
    if not _may_list(user):
        raise PermissionDenied(_("您没有查看议案建议的权限"))
    categories = category_choices(reader_region(user))
    units = scope(HandlingUnit.objects.filter(is_active=True), user, "people.view_unit")
    form = ListFilterForm(
        request.GET or None,
        categories=categories,
        sessions=reads.sessions_visible(user),
        units=units.order_by("name"),
    )
    parts = Assignment.objects.exclude(state=AssignmentState.REMOVED).select_related("unit")
    qs = selectors.filter_suggestions(
        selectors.suggestions_visible(user), **form.params()
    ).prefetch_related(Prefetch("assignments", queryset=parts), "supervisions")
    page_obj, querystring = paginate(request, qs)
    page_obj.object_list = _decorate(page_obj.object_list, dict(categories))
    return render(
        request,
        "suggestions/list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "querystring_without_page": querystring,
            "export_query": querystring.rstrip("&"),
            "can_export": has_perm(user, perms.VIEW),
            "can_draft": perms.can_draft(user),
        },
    )


# --- the draft form --------------------------------------------------------------------------


def _form_context(form: SuggestionForm, region, **extra: Any) -> dict[str, Any]:
    return {
        "form": form,
        "min_signers": settings_for(region)["motion.min_signers"],
        "picked_cosigners": form.picked_cosigners(),
        "picked_opinions": form.picked_opinions(),
        "picked_lead": form.picked_lead(),
        **extra,
    }


@login_required
@GET_OR_POST
def create(request: HttpRequest) -> HttpResponse:
    """A new draft: a deputy's own (they lead it, co-signers are invited), or the
    office's entry of a paper item for a lead deputy it chooses (代录). ``?opinion=``
    starts it from a citizen's opinion the reader may answer."""
    user = request.user
    if not perms.can_draft(user):
        raise PermissionDenied(_("只有人大代表或人大工作人员可以起草议案建议"))
    region = reader_region(user)
    if request.method == "POST":
        form = SuggestionForm(request.POST, request.FILES, user=user, region=region)
    else:
        opinion = _prefill_opinion(request)
        categories = category_choices(region)
        initial = initial_for_opinion(opinion, deputy_of(user), categories)
        form = SuggestionForm(user=user, region=region, initial=initial)

    def call() -> Suggestion:
        d = form.cleaned_data
        return actions.suggestion_create(
            actor=user,
            kind=d["kind"],
            data=form.action_data(),
            lead_deputy=d.get("lead_deputy"),
            cosigners=list(d.get("cosigners") or []),
            opinions=list(d.get("opinions") or []),
            attachments=d.get("attachments") or [],
        )

    try:
        done = submit_form(request, form, call, success=_draft_saved, next_url=detail_url)
    except InvalidTransition:
        # A source opinion moved on while the form was open (another deputy took it up).
        form.add_error("opinions", _("所选民情的状态已经变化，请重新选择"))
        done = None
    if done is not None:
        return done
    return render(request, "suggestions/form.html", _form_context(form, region, suggestion=None))


def _draft_saved(s: Suggestion) -> str:
    invited = s.signers.filter(state=SignerState.INVITED).count()
    if invited:
        return ngettext(
            "草稿已保存，已邀请 %(n)s 位代表联名，请等待确认后提交。",
            "草稿已保存，已邀请 %(n)s 位代表联名，请等待确认后提交。",
            invited,
        ) % {"n": invited}
    return _("草稿已保存。确认无误后请提交。")


def _prefill_opinion(request: HttpRequest):
    raw = request.GET.get("opinion", "")
    if not raw.isdigit():
        return None
    return reads.answerable_opinions(request.user).filter(pk=int(raw)).first()


@login_required
@GET_OR_POST
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft (the lead deputy or the office): its text, source opinions and
    more attachments. Co-signers are invited from the item page."""
    user = request.user
    s = selectors.suggestion_get_visible(user, pk)
    perms.require_lead_or_office(user, s)
    if s.state != SuggestionState.DRAFT:
        messages.error(request, _("只有草稿可以修改"))
        return redirect(detail_url(s))
    region = s.region
    if request.method == "POST":
        form = SuggestionForm(request.POST, request.FILES, user=user, region=region, suggestion=s)
    else:
        form = SuggestionForm(user=user, region=region, suggestion=s, initial=initial_from(s))
    try:
        done = submit_form(
            request,
            form,
            lambda: actions.suggestion_update(
                actor=user,
                suggestion=s,
                data=form.action_data(),
                opinions=list(form.cleaned_data.get("opinions") or []),
                attachments=form.cleaned_data.get("attachments") or [],
            ),
            success=_("草稿已保存。"),
            next_url=detail_url(s),
        )
    except InvalidTransition as exc:
        messages.error(request, stale_message(exc))
        return redirect(detail_url(s))
    if done is not None:
        return done
    linked = list(s.sources.select_related("opinion"))
    return render(
        request,
        "suggestions/form.html",
        _form_context(
            form,
            region,
            suggestion=s,
            linked_opinions=[link.opinion for link in linked],
            files=list(s.files.filter(reply__isnull=True)),
        ),
    )


# --- the deputy panel's steps --------------------------------------------------------------


def _step(
    request: HttpRequest,
    suggestion: Suggestion,
    call: Callable[[], Any],
    *,
    success: str | Callable[[Any], str],
    form: forms.Form | None = None,
    form_key: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Run one deputy action and go back (to ``next`` or the item page) with a
    message. With ``form``: an invalid form, or a refusal about its fields, shows the
    item page again with the form's errors; any other refusal is an error message, as
    it is without a form. A stale page (the item moved on) gets a message, never an
    error page; 403/404 pass through."""
    target = _next_url(request, detail_url(suggestion))
    if form is None:
        try:
            return run_action(request, call, success=success, next_url=target)
        except InvalidTransition as exc:
            messages.error(request, stale_message(exc))
            return redirect(target)
    if form.is_valid():
        try:
            result = call()
        except InvalidTransition as exc:
            messages.error(request, stale_message(exc))
            return redirect(target)
        except ValidationError as exc:
            if not _about_fields(form, exc):
                messages.error(request, join_errors(exc))
                return redirect(target)
            apply_errors(form, exc)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(target)
    return render_detail(request, suggestion, extra_context={form_key: form, **(extra or {})})


def _about_fields(form: forms.Form, exc: ValidationError) -> bool:
    """Whether a refusal names fields of ``form`` (it then shows next to them)."""
    return hasattr(exc, "error_dict") and any(k in form.fields for k in exc.error_dict)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.suggestion_get_visible(request.user, pk)
    return _step(
        request,
        s,
        lambda: actions.suggestion_submit(actor=request.user, suggestion=s),
        success=lambda r: _("已提交，编号为 %(number)s。") % {"number": r.display_number},
    )


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.suggestion_get_visible(request.user, pk)
    form = InviteForm(request.POST, suggestion=s)
    return _step(
        request,
        s,
        lambda: actions.suggestion_invite(
            actor=request.user, suggestion=s, deputies=list(form.cleaned_data["cosigners"])
        ),
        success=_invited_message,
        form=form,
        form_key="invite_form",
    )


def _invited_message(signers: list) -> str:
    n = len(signers)
    if signers and signers[0].state == SignerState.CONFIRMED:
        return ngettext("已添加 %(n)s 位联名代表。", "已添加 %(n)s 位联名代表。", n) % {"n": n}
    return ngettext(
        "已邀请 %(n)s 位代表联名，等待其确认。", "已邀请 %(n)s 位代表联名，等待其确认。", n
    ) % {"n": n}


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.suggestion_get_visible(request.user, pk)
    form = ReasonForm(request.POST, prefix="withdraw")
    return _step(
        request,
        s,
        lambda: actions.suggestion_withdraw(
            actor=request.user, suggestion=s, reason=form.cleaned_data["reason"]
        ),
        success=lambda r: (
            _("已撤回。")
            if r.state == SuggestionState.WITHDRAWN
            else _("已申请撤回，等待联名代表同意。")
        ),
        form=form,
        form_key="withdraw_form",
    )


@login_required
@require_POST
def signer_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    signer = reads.signer_get_visible(request.user, pk)
    return _step(
        request,
        signer.suggestion,
        lambda: actions.signer_confirm(actor=request.user, signer=signer),
        success=_("已同意联名。"),
    )


@login_required
@require_POST
def signer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    signer = reads.signer_get_visible(request.user, pk)
    return _step(
        request,
        signer.suggestion,
        lambda: actions.signer_decline(actor=request.user, signer=signer),
        success=_("已谢绝联名。"),
    )


@login_required
@require_POST
def signer_withdraw_agree(request: HttpRequest, pk: int) -> HttpResponse:
    signer = reads.signer_get_visible(request.user, pk)
    return _step(
        request,
        signer.suggestion,
        lambda: actions.signer_agree_withdraw(actor=request.user, signer=signer),
        success=lambda r: (
            _("已同意撤回，该件已撤回。")
            if r.state == SuggestionState.WITHDRAWN
            else _("已同意撤回，等待其他联名代表表态。")
        ),
    )


@login_required
@require_POST
def signer_withdraw_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    signer = reads.signer_get_visible(request.user, pk)
    form = ReasonForm(request.POST, prefix="refuse")
    return _step(
        request,
        signer.suggestion,
        lambda: actions.signer_refuse_withdraw(
            actor=request.user, signer=signer, reason=form.cleaned_data["reason"]
        ),
        success=_("已表示不同意撤回，该件继续办理。"),
        form=form,
        form_key="refuse_form",
    )


@login_required
@require_POST
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead deputy rates a reply (the office enters a paper form)."""
    reply = reads.reply_get_visible(request.user, pk)
    form = FeedbackForm(request.POST, prefix=f"fb{reply.pk}")

    def call():
        d = form.cleaned_data
        return actions.suggestion_feedback(
            actor=request.user,
            reply=reply,
            result_level=d["result_level"],
            contact_level=d["contact_level"],
            comment=d["comment"],
        )

    return _step(
        request,
        reply.suggestion,
        call,
        success=_("评价已提交，感谢您的意见。"),
        form=form,
        form_key="feedback_form",
        extra={"feedback_reply_id": reply.pk},
    )


# --- pickers (htmx fragments of the draft form) ------------------------------------------------


def _require_drafter(user) -> None:
    if not perms.can_draft(user):
        raise PermissionDenied(_("只有人大代表或人大工作人员可以起草议案建议"))


def _int(value: str) -> int | None:
    return int(value) if value and value.isdigit() else None


def _picker_pool(request: HttpRequest, mode: str):
    """The deputies the picker searches: lead deputies the office manages (``lead``),
    or co-signers of the item's, the chosen lead's or the reader's term."""
    user = request.user
    if mode == "lead":
        return reads.managed_deputies(user)
    pool = reads.cosigner_pool(user)
    term_id = None
    item = _int(request.GET.get("suggestion", ""))
    lead = _int(request.GET.get("lead_deputy", ""))
    if item is not None:
        s = selectors.suggestion_get_visible(user, item)
        term_id = s.lead_deputy.term_id
        pool = pool.exclude(pk=s.lead_deputy_id).exclude(signatures__suggestion=s)
    elif lead is not None:
        chosen = reads.managed_deputies(user).filter(pk=lead).first()
        if chosen is not None:
            term_id = chosen.term_id
            pool = pool.exclude(pk=chosen.pk)
    if term_id is None:
        me = deputy_of(user)
        if me is not None:
            term_id = me.term_id
            pool = pool.exclude(pk=me.pk)
    return pool.filter(term_id=term_id) if term_id is not None else pool


@login_required
@require_safe
def deputy_picker(request: HttpRequest) -> HttpResponse:
    """Search deputies by name or deputy number (an htmx fragment): at most
    ``PICKER_LIMIT`` results, each a button that adds the deputy's chip."""
    _require_drafter(request.user)
    mode = "lead" if request.GET.get("mode") == "lead" else "cosign"
    text = request.GET.get("deputy_q", "")
    chosen = {v for v in request.GET.getlist("cosigners") if v.isdigit()}
    found = [
        d
        for d in reads.search_deputies(_picker_pool(request, mode), text)
        if str(d.pk) not in chosen
    ]
    return render(
        request,
        "suggestions/includes/_picker_deputies.html",
        {
            "found": [(d, deputy_label(d)) for d in found],
            "mode": mode,
            "text": text.strip(),
            "limit": reads.PICKER_LIMIT,
            "full": len(found) >= reads.PICKER_LIMIT,
        },
    )


@login_required
@require_safe
def deputy_chip(request: HttpRequest, pk: int) -> HttpResponse:
    """The chip of one chosen deputy (a checked box named ``cosigners``, or the
    ``lead_deputy`` value), from the same pool the search used."""
    _require_drafter(request.user)
    mode = "lead" if request.GET.get("mode") == "lead" else "cosign"
    deputy = _picker_pool(request, mode).filter(pk=pk).first()
    if deputy is None:
        return HttpResponse(status=404)
    return render(
        request,
        "suggestions/includes/_picker_chip.html",
        {"deputy": deputy, "label": deputy_label(deputy), "mode": mode},
    )


@login_required
@require_safe
def opinion_picker(request: HttpRequest) -> HttpResponse:
    """Search citizen opinions the reader may answer, by tracking code or text."""
    _require_drafter(request.user)
    text = request.GET.get("opinion_q", "")
    chosen = {v for v in request.GET.getlist("opinions") if v.isdigit()}
    found = [o for o in reads.search_opinions(request.user, text) if str(o.pk) not in chosen]
    return render(
        request,
        "suggestions/includes/_picker_opinions.html",
        {
            "found": found,
            "text": text.strip(),
            "limit": reads.PICKER_LIMIT,
            "full": len(found) >= reads.PICKER_LIMIT,
        },
    )


@login_required
@require_safe
def opinion_chip(request: HttpRequest, pk: int) -> HttpResponse:
    _require_drafter(request.user)
    opinion = reads.answerable_opinions(request.user).filter(pk=pk).first()
    if opinion is None:
        return HttpResponse(status=404)
    return render(request, "suggestions/includes/_picker_chip.html", {"opinion": opinion})


__all__ = [
    "create",
    "deputy_chip",
    "deputy_picker",
    "edit",
    "feedback",
    "home",
    "invite",
    "mine",
    "opinion_chip",
    "opinion_picker",
    "signer_confirm",
    "signer_decline",
    "signer_withdraw_agree",
    "signer_withdraw_refuse",
    "submit",
    "suggestion_list",
    "withdraw",
]
