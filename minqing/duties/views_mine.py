"""The deputies on an activity, and the deputy's side of the work: 我的履职
(activities to confirm, duty slots, own reports, recent activities), a deputy's own
report for approval, the reports waiting for the reader's approval, the steps on one
deputy's participation (the deputy confirms or disputes; the organiser removes,
upholds or corrects the attendance), and the htmx deputy picker of the forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from minqing.core.pagination import paginate
from minqing.core.web import submit_form
from minqing.duties import actions, selectors
from minqing.duties import selectors_activities as reads
from minqing.duties.forms_activities import (
    ApproveForm,
    AttendanceForm,
    DisputeForm,
    RemoveForm,
    ReportForm,
    UpholdForm,
    deputy_label,
)
from minqing.duties.models import Activity, Attendance, Participation, ParticipationState
from minqing.duties.views_activities import (
    FORM_EXTRA,
    GET_OR_POST,
    PARTICIPATION_BADGES,
    STATE_BADGES,
    decorate,
    detail_url,
    next_url,
    optional_url,
    organiser_only,
    step,
)
from minqing.opinions.permissions import deputy_of


def _deputy(user):
    deputy = deputy_of(user)
    if deputy is None:
        raise PermissionDenied(_("只有人大代表可以使用该页面"))
    return deputy


def _reported_message(activity: Activity) -> str:
    return _("已登记，等待审核：%(title)s") % {"title": activity.title}


@login_required
@GET_OR_POST
def activity_report(request: HttpRequest) -> HttpResponse:
    """A deputy records their own activity for approval, optionally at one of their
    stations or with one of their groups (whose staff or leader approve it)."""
    user = request.user
    deputy = _deputy(user)
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, user=user, deputy=deputy)
    else:
        form = ReportForm(user=user, deputy=deputy)
    done = submit_form(
        request,
        form,
        lambda: actions.activity_report(actor=user, **form.action_kwargs()),
        success=_reported_message,
        next_url=detail_url,
    )
    if done is not None:
        return done
    return render(
        request,
        "duties/activities/form.html",
        {"form": form, "mode": "report", "picked": form.picked(), "activity": None, **FORM_EXTRA},
    )


@login_required
@require_safe
def my_duties(request: HttpRequest) -> HttpResponse:
    """The deputy's 我的履职: what waits for their confirmation, their duty slots on
    reception days, their own reports under review, their latest activities, and the
    links to their duty record and points."""
    deputy = _deputy(request.user)
    waiting = list(reads.to_confirm(deputy))
    for p in waiting:
        p.badge = PARTICIPATION_BADGES.get(p.state, "text-bg-light")
    recent = reads.recent_participations(deputy)
    for p in recent:
        p.badge = PARTICIPATION_BADGES.get(p.state, "text-bg-light")
        p.activity.badge = STATE_BADGES.get(p.activity.state, "text-bg-light")
    return render(
        request,
        "duties/activities/my_duties.html",
        {
            "deputy": deputy,
            "waiting": waiting,
            "slots": list(selectors.my_duty_slots(deputy)),
            "reports": decorate(reads.my_reports(deputy)),
            "recent": recent,
            "record_url": optional_url("duties:deputy_record", deputy.pk),
            "points_url": optional_url("duties:deputy_points", deputy.pk),
            "dispute_form": DisputeForm(prefix="dispute"),
            "here": request.get_full_path(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_safe
def approvals(request: HttpRequest) -> HttpResponse:
    """Deputies' reports waiting for the reader's approval, oldest first: the station
    staff, group leaders and offices that organise where they were reported."""
    user = request.user
    if not reads.may_organise(user):
        raise PermissionDenied(_("您没有审核履职活动的权限"))
    page_obj, querystring = paginate(request, selectors.approvals_waiting(user))
    page_obj.object_list = decorate(page_obj.object_list)
    return render(
        request,
        "duties/activities/approvals.html",
        {
            "page_obj": page_obj,
            "querystring_without_page": querystring,
            "approve_form": ApproveForm(prefix="approve"),
            "here": request.get_full_path(),
        },
    )


# --- the participations -------------------------------------------------------------------


def _own(user, participation: Participation) -> None:
    deputy = deputy_of(user)
    if deputy is None or deputy.pk != participation.deputy_id:
        raise PermissionDenied(_("只有代表本人可以确认"))


@login_required
@require_POST
def participation_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    p = reads.participation_get_visible(user, pk)
    _own(user, p)
    return step(
        request,
        p.activity,
        lambda: actions.participation_confirm(actor=user, participation=p),
        success=_("已确认参加该活动。"),
    )


@login_required
@require_POST
def participation_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    p = reads.participation_get_visible(user, pk)
    _own(user, p)
    form = DisputeForm(request.POST, prefix="dispute")
    return step(
        request,
        p.activity,
        lambda: actions.participation_dispute(
            actor=user, participation=p, reason=form.cleaned_data["note"]
        ),
        success=_("已提出异议，等待组织方处理。"),
        form=form,
        form_key="dispute_form",
    )


def _settle(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[forms.Form],
    key: str,
    run: Callable[[Any, Participation, forms.Form], Any],
    success: str,
) -> HttpResponse:
    """A step of the organiser on one deputy's row."""
    user = request.user
    p = reads.participation_get_visible(user, pk)
    organiser_only(user, p.activity)
    form = form_class(request.POST, prefix=key.removesuffix("_form"))
    return step(
        request,
        p.activity,
        lambda: run(user, p, form),
        success=success,
        form=form,
        form_key=key,
        extra={"bound_pid": p.pk},
    )


@login_required
@require_POST
def participation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    return _settle(
        request,
        pk,
        form_class=RemoveForm,
        key="remove_form",
        run=lambda user, p, form: actions.participation_remove(
            actor=user, participation=p, note=form.cleaned_data["note"]
        ),
        success=_("已将该代表移出活动。"),
    )


@login_required
@require_POST
def participation_uphold(request: HttpRequest, pk: int) -> HttpResponse:
    return _settle(
        request,
        pk,
        form_class=UpholdForm,
        key="uphold_form",
        run=lambda user, p, form: actions.participation_uphold(
            actor=user, participation=p, note=form.cleaned_data["note"]
        ),
        success=_("已维持记录，等待代表再次确认。"),
    )


@login_required
@require_POST
def participation_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    p = reads.participation_get_visible(user, pk)
    organiser_only(user, p.activity)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("出席情况无效"))
        return redirect(next_url(request, detail_url(p.activity)))
    return step(
        request,
        p.activity,
        lambda: actions.participation_set_attendance(
            actor=user, participation=p, attendance=form.cleaned_data["attendance"]
        ),
        success=_("出席情况已修改。"),
    )


# --- the deputy picker (htmx) ------------------------------------------------------------------


def _picker_mode(request: HttpRequest) -> str:
    mode = request.GET.get("mode", "")
    return mode if mode in ("record", "report", "add") else "report"


def _picker_pool(request: HttpRequest):
    """Active deputies the reader may list; on an activity (``activity``), those not
    listed yet."""
    user = request.user
    if not (reads.may_organise(user) or deputy_of(user) is not None):
        raise PermissionDenied(_("您不能选择代表"))
    pool = reads.pickable_deputies(user)
    raw = request.GET.get("activity", "")
    if raw.isdigit():
        activity = selectors.activity_get_visible(user, int(raw))
        listed = [
            p.deputy_id
            for p in activity.participations.all()
            if p.state != ParticipationState.REMOVED
        ]
        pool = pool.exclude(pk__in=listed)
    if _picker_mode(request) == "report":
        me = deputy_of(user)
        if me is not None:
            pool = pool.exclude(pk=me.pk)
    return pool


@login_required
@require_safe
def deputy_search(request: HttpRequest) -> HttpResponse:
    """Search the deputies the reader may list by name or deputy number (an htmx
    fragment): at most ``PICKER_LIMIT``, each a button that adds the deputy's chip."""
    pool = _picker_pool(request)
    text = request.GET.get("deputy_q", "")
    chosen = {v for v in request.GET.getlist("deputies") if v.isdigit()}
    found = [d for d in reads.search_deputies(pool, text) if str(d.pk) not in chosen]
    return render(
        request,
        "duties/activities/_picker_deputies.html",
        {
            "found": [(d, deputy_label(d)) for d in found],
            "mode": _picker_mode(request),
            "activity_pk": raw if (raw := request.GET.get("activity", "")).isdigit() else "",
            "text": text.strip(),
            "limit": reads.PICKER_LIMIT,
            "full": len(found) >= reads.PICKER_LIMIT,
        },
    )


@login_required
@require_safe
def deputy_chip(request: HttpRequest, pk: int) -> HttpResponse:
    """The chip of one chosen deputy (a checked box named ``deputies``; on the
    organiser's form with its attendance), from the same pool the search used."""
    deputy = _picker_pool(request).filter(pk=pk).first()
    if deputy is None:
        raise Http404
    return render(
        request,
        "duties/activities/_picker_chip.html",
        {
            "deputy": deputy,
            "label": deputy_label(deputy),
            "mode": _picker_mode(request),
            "attendance": Attendance.PRESENT,
            "attendance_choices": Attendance.choices,
        },
    )
