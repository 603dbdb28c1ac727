"""The activity pages (履职活动): the list, the organiser's form (the office, station
staff, a group leader), the activity page with its steps, the edit form, the scoped
download of photos and reports, and the htmx deputy picker.

Thin, like every view: parse with ``forms_activities``, call one selector or action,
render. A page never decides whether a step is allowed — the selector answers 404
outside the reader's scope and the action 403 or a Chinese refusal — but each POST
turns away a reader who could never take that step (403) before reading the form.
A stale page (the activity moved on) gets a message, never an error page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minqing.core.i18n import join_errors
from minqing.core.pagination import paginate
from minqing.core.permissions import has_perm
from minqing.core.states import InvalidTransition
from minqing.core.web import apply_errors, submit_form
from minqing.duties import actions, selectors
from minqing.duties import permissions as perms
from minqing.duties import selectors_activities as reads
from minqing.duties.forms_activities import (
    AddDeputiesForm,
    ApproveForm,
    AttachForm,
    CancelForm,
    DisputeForm,
    EditForm,
    FilterForm,
    RecordForm,
    RejectForm,
    RemoveForm,
    UpholdForm,
)
from minqing.duties.models import (
    Activity,
    ActivityFileKind,
    ActivityState,
    Attendance,
    Participation,
    ParticipationState,
)
from minqing.opinions.permissions import deputy_of

GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])

STATE_BADGES = {
    ActivityState.PENDING: "text-bg-warning",
    ActivityState.RECORDED: "text-bg-success",
    ActivityState.REJECTED: "text-bg-danger",
    ActivityState.CANCELLED: "text-bg-secondary",
}
PARTICIPATION_BADGES = {
    ParticipationState.PENDING: "text-bg-warning",
    ParticipationState.CONFIRMED: "text-bg-success",
    ParticipationState.DISPUTED: "text-bg-danger",
    ParticipationState.REMOVED: "text-bg-secondary",
}
ATTENDANCE_BADGES = {
    Attendance.PRESENT: "text-bg-light border",
    Attendance.LEAVE: "text-bg-info",
    Attendance.ABSENT: "text-bg-dark",
}
# What each timeline step means, as staff and deputies read it: (workflow, verb).
TIMELINE_LABELS = {
    ("activity", "approve"): gettext_lazy("审核通过"),
    ("activity", "reject"): gettext_lazy("退回"),
    ("activity", "resubmit"): gettext_lazy("代表修改后重新提交"),
    ("activity", "cancel"): gettext_lazy("撤销"),
    ("participation", "confirm"): gettext_lazy("代表确认"),
    ("participation", "dispute"): gettext_lazy("代表提出异议"),
    ("participation", "remove"): gettext_lazy("移除代表"),
    ("participation", "uphold"): gettext_lazy("维持记录，请代表再次确认"),
    ("participation", "reopen"): gettext_lazy("修改出席情况，请代表再次确认"),
}
# Served as downloads only; anything else as bytes.
SERVED_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/webp"})
# What the form page's chips need besides the form.
FORM_EXTRA = {"attendance_choices": Attendance.choices}
_UNSAFE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def detail_url(activity: Activity) -> str:
    return reverse("duties:activity_detail", args=[activity.pk])


def optional_url(name: str, *args: Any) -> str:
    """The URL of a page another part of the work provides, or "" while it is not
    mounted (the link is then left out)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def next_url(request: HttpRequest, default: str) -> str:
    """``next`` from the POST when it points into this site, else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def stale_message(exc: InvalidTransition) -> str:
    return _("该活动的状态已经变化（%(detail)s），请查看最新情况。") % {"detail": exc}


def decorate(rows) -> list[Activity]:
    out = list(rows)
    for a in out:
        a.badge = STATE_BADGES.get(a.state, "text-bg-light")
    return out


def _may_list(user) -> bool:
    return deputy_of(user) is not None or has_perm(user, perms.VIEW) or reads.may_organise(user)


# --- the list -----------------------------------------------------------------------------


@login_required
@require_safe
def activity_list(request: HttpRequest) -> HttpResponse:
    """The activities the reader may see (a deputy: their own), newest first, with the
    filters of the GET form."""
    user = request.user
    if not _may_list(user):
        raise PermissionDenied(_("您没有查看履职活动的权限"))
    form = FilterForm(request.GET or None, user=user)
    qs = reads.filter_activities(reads.activity_rows(user), **form.params())
    page_obj, querystring = paginate(request, qs)
    page_obj.object_list = decorate(page_obj.object_list)
    return render(
        request,
        "duties/activities/list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "querystring_without_page": querystring,
            "can_record": reads.may_organise(user),
            "can_report": deputy_of(user) is not None,
        },
    )


# --- the organiser's form ----------------------------------------------------------------------


def _recorded_message(activity: Activity) -> str:
    n = activity.participations.count()
    return ngettext(
        "活动已登记，已通知 %(n)s 位代表确认。",
        "活动已登记，已通知 %(n)s 位代表确认。",
        n,
    ) % {"n": n}


@login_required
@GET_OR_POST
def activity_create(request: HttpRequest) -> HttpResponse:
    """An organiser records an activity or a meeting's attendance: the office picks the
    region, station staff their station, a group leader their group."""
    user = request.user
    if not reads.may_organise(user):
        raise PermissionDenied(_("只有人大机关、联络站工作人员或代表小组组长可以登记活动"))
    if request.method == "POST":
        form = RecordForm(request.POST, request.FILES, user=user)
    else:
        form = RecordForm(user=user)
    done = submit_form(
        request,
        form,
        lambda: actions.activity_record(actor=user, **form.action_kwargs()),
        success=_recorded_message,
        next_url=detail_url,
    )
    if done is not None:
        return done
    return render(
        request,
        "duties/activities/form.html",
        {"form": form, "mode": "record", "picked": form.picked(), "activity": None, **FORM_EXTRA},
    )


@login_required
@GET_OR_POST
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an activity's fields: its organiser while recorded or pending, the
    reporting deputy while their report is pending or was sent back."""
    user = request.user
    activity = selectors.activity_get_visible(user, pk)
    if not (perms.is_reporter(user, activity) or perms.can_manage_activity(user, activity)):
        raise PermissionDenied(_("您不能修改该活动"))
    if not selectors.activity_flags(user, activity)["can_edit"]:
        # The activity moved on (cancelled, or the report was approved meanwhile).
        messages.error(request, _("该活动当前的状态不能修改"))
        return redirect(detail_url(activity))
    if request.method == "POST":
        form = EditForm(request.POST, activity=activity)
    else:
        form = EditForm(activity=activity)
    done = submit_form(
        request,
        form,
        lambda: actions.activity_update(actor=user, activity=activity, data=form.action_data()),
        success=_("活动信息已修改。"),
        next_url=detail_url(activity),
    )
    if done is not None:
        return done
    return render(
        request,
        "duties/activities/form.html",
        {"form": form, "mode": "edit", "picked": [], "activity": activity, **FORM_EXTRA},
    )


# --- the activity page --------------------------------------------------------------------


def _timeline(activity: Activity) -> list[dict[str, Any]]:
    names = {str(p.pk): p.deputy.name for p in activity.participations.all()}
    rows = [
        {
            "at": activity.created_at,
            "label": _("代表登记，提交审核") if activity.reported_by_id else _("登记活动"),
            "who": _who(activity.created_by),
            "note": "",
            "deputy": "",
        }
    ]
    for e in reads.activity_timeline(activity):
        label = TIMELINE_LABELS.get((e.workflow, e.verb), e.verb)
        rows.append(
            {
                "at": e.created_at,
                "label": str(label),
                "who": _who(e.actor) if e.actor_id else _("系统"),
                "note": e.note,
                "deputy": names.get(e.object_id, "") if e.workflow == "participation" else "",
            }
        )
    return rows


def _who(user) -> str:
    if user is None:
        return ""
    return user.display_name or user.username


def _participations(activity: Activity) -> list[Participation]:
    rows = sorted(
        activity.participations.all(),
        key=lambda p: (p.state == ParticipationState.REMOVED, p.deputy.name, p.pk),
    )
    for p in rows:
        p.badge = PARTICIPATION_BADGES.get(p.state, "text-bg-light")
        p.attendance_badge = ATTENDANCE_BADGES.get(p.attendance, "text-bg-light")
        p.is_reporter = p.deputy_id == activity.reported_by_id
    return rows


def _context(request: HttpRequest, activity: Activity) -> dict[str, Any]:
    user = request.user
    flags = selectors.activity_flags(user, activity)
    page = reads.page_flags(user, activity, flags)
    files = list(activity.files.all())
    organiser = perms.can_manage_activity(user, activity)
    mine = page.mine
    return {
        "activity": activity,
        "state_badge": STATE_BADGES.get(activity.state, "text-bg-light"),
        "flags": flags,
        "can_attach": page.can_attach,
        "can_add": page.can_add,
        "can_settle": organiser and activity.state != ActivityState.CANCELLED,
        "mine": mine,
        "can_confirm": mine is not None
        and activity.state != ActivityState.CANCELLED
        and mine.state in (ParticipationState.PENDING, ParticipationState.DISPUTED),
        "can_dispute": mine is not None
        and activity.state != ActivityState.CANCELLED
        and mine.state == ParticipationState.PENDING,
        "participations": _participations(activity),
        "photos": [f for f in files if f.kind == ActivityFileKind.PHOTO],
        "reports": [f for f in files if f.kind == ActivityFileKind.REPORT],
        "timeline": _timeline(activity),
        "attendance_choices": Attendance.choices,
        "approve_form": ApproveForm(prefix="approve"),
        "reject_form": RejectForm(prefix="reject"),
        "cancel_form": CancelForm(prefix="cancel"),
        "attach_form": AttachForm(),
        "add_form": AddDeputiesForm(user=user, activity=activity),
        "dispute_form": DisputeForm(prefix="dispute"),
        "uphold_form": UpholdForm(prefix="uphold"),
        "remove_form": RemoveForm(prefix="remove"),
        "bound_pid": None,
        "picked": [],
    }


def render_detail(
    request: HttpRequest, activity: Activity, extra: dict[str, Any] | None = None
) -> HttpResponse:
    """The activity page; ``extra`` (a bound form with its errors) is merged over the
    defaults."""
    context = _context(request, activity)
    context.update(extra or {})
    return render(request, "duties/activities/detail.html", context)


@login_required
@require_safe
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The activity as the reader may see it; 404 outside their scope."""
    return render_detail(request, selectors.activity_get_visible(request.user, pk))


# --- the steps ----------------------------------------------------------------------------


def _about_fields(form: forms.Form, exc: ValidationError) -> bool:
    return hasattr(exc, "error_dict") and any(k in form.fields for k in exc.error_dict)


def step(
    request: HttpRequest,
    activity: Activity,
    call: Callable[[], Any],
    *,
    success: str | Callable[[Any], str],
    form: forms.Form | None = None,
    form_key: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Run one action and go back (to ``next`` or the activity page) with a message.
    With ``form``: an invalid form, or a refusal about its fields, shows the activity
    page again with the form's errors; any other refusal is an error message."""
    target = next_url(request, detail_url(activity))
    if form is not None and not form.is_valid():
        return render_detail(request, activity, {form_key: form, **(extra or {})})
    try:
        result = call()
    except InvalidTransition as exc:
        messages.error(request, stale_message(exc))
    except ValidationError as exc:
        if form is not None and _about_fields(form, exc):
            apply_errors(form, exc)
            return render_detail(request, activity, {form_key: form, **(extra or {})})
        messages.error(request, join_errors(exc))
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(target)


def organiser_only(user, activity: Activity) -> None:
    if not perms.can_manage_activity(user, activity):
        raise PermissionDenied(_("只有活动的组织方可以进行此操作"))


def _reviewer(user, activity: Activity) -> None:
    organiser_only(user, activity)
    if perms.is_reporter(user, activity):
        raise PermissionDenied(_("您不能审核该活动"))


def _organiser_or_reporter(user, activity: Activity) -> None:
    if not (perms.is_reporter(user, activity) or perms.can_manage_activity(user, activity)):
        raise PermissionDenied(_("您不能进行此操作"))


@login_required
@require_POST
def activity_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    activity = selectors.activity_get_visible(user, pk)
    _reviewer(user, activity)
    form = ApproveForm(request.POST, prefix="approve")
    return step(
        request,
        activity,
        lambda: actions.activity_approve(
            actor=user, activity=activity, note=form.cleaned_data["note"]
        ),
        success=_("已审核通过，活动已登记。"),
        form=form,
        form_key="approve_form",
    )


@login_required
@require_POST
def activity_reject(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    activity = selectors.activity_get_visible(user, pk)
    _reviewer(user, activity)
    form = RejectForm(request.POST, prefix="reject")
    return step(
        request,
        activity,
        lambda: actions.activity_reject(
            actor=user, activity=activity, note=form.cleaned_data["note"]
        ),
        success=_("已退回，代表可以修改后重新提交。"),
        form=form,
        form_key="reject_form",
    )


@login_required
@require_POST
def activity_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    activity = selectors.activity_get_visible(user, pk)
    if not perms.is_reporter(user, activity):
        raise PermissionDenied(_("只有登记该活动的代表本人可以重新提交"))
    return step(
        request,
        activity,
        lambda: actions.activity_resubmit(actor=user, activity=activity),
        success=_("已重新提交，等待审核。"),
    )


@login_required
@require_POST
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    activity = selectors.activity_get_visible(user, pk)
    _organiser_or_reporter(user, activity)
    form = CancelForm(request.POST, prefix="cancel")
    return step(
        request,
        activity,
        lambda: actions.activity_cancel(
            actor=user, activity=activity, note=form.cleaned_data["note"]
        ),
        success=_("活动已撤销，不再计入台账和积分。"),
        form=form,
        form_key="cancel_form",
    )


@login_required
@require_POST
def activity_attach(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    activity = selectors.activity_get_visible(user, pk)
    _organiser_or_reporter(user, activity)
    form = AttachForm(request.POST, request.FILES)
    return step(
        request,
        activity,
        lambda: actions.activity_attach(
            actor=user,
            activity=activity,
            photos=form.cleaned_data.get("photos") or [],
            reports=form.cleaned_data.get("reports") or [],
        ),
        success=_("附件已上传。"),
        form=form,
        form_key="attach_form",
    )


@login_required
@require_POST
def activity_add_deputies(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    activity = selectors.activity_get_visible(user, pk)
    organiser_only(user, activity)
    form = AddDeputiesForm(request.POST, user=user, activity=activity)
    return step(
        request,
        activity,
        lambda: actions.activity_add_deputies(
            actor=user,
            activity=activity,
            deputies=list(form.cleaned_data["deputies"]),
            attendance=form.cleaned_data["attendance"],
        ),
        success=lambda added: (
            ngettext(
                "已添加 %(n)s 位代表，等待其确认。", "已添加 %(n)s 位代表，等待其确认。", len(added)
            )
            % {"n": len(added)}
        ),
        form=form,
        form_key="add_form",
        extra={"picked": form.picked()},
    )


# --- files --------------------------------------------------------------------------------


def download_name(name: str, pk: int) -> str:
    """The stored display name, made safe to save on any system."""
    cleaned = _UNSAFE_NAME.sub("_", name or "").strip(" .")
    return cleaned[:100] or f"file-{pk}"


@login_required
@require_safe
def activity_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    """A photo or report of an activity, to a reader who may see the activity (404
    otherwise). Always an attachment with ``nosniff``, never a public media URL; an
    ``<img>`` still shows a photo."""
    f = reads.activity_file_get_visible(request.user, pk, file_pk)
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
