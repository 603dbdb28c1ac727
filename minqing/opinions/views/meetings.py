"""Citizens' requests to meet a deputy (约见代表): the list of open requests of the
reader's stations, one request's page, and its answer — accept with a time and place,
or decline with a reason the citizen reads on the track page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minqing.core.pagination import paginate
from minqing.core.permissions import has_perm
from minqing.core.states import InvalidTransition
from minqing.core.web import submit_form
from minqing.opinions import actions, selectors
from minqing.opinions import permissions as perms
from minqing.opinions.forms import MeetingAcceptForm, MeetingDeclineForm, MeetingFilterForm
from minqing.opinions.models import MeetingRequest, MeetingState, Opinion
from minqing.opinions.views import age_label
from minqing.opinions.views.detail import timeline_rows


def _meeting_url(meeting: MeetingRequest) -> str:
    return reverse("opinions:meeting_detail", args=[meeting.pk])


def _contact_ids(user, opinion_ids: list[int]) -> set[int]:
    """Of these opinions, the ones whose citizen the reader may see: one query."""
    if not opinion_ids:
        return set()
    qs = perms.visible(Opinion.objects.filter(pk__in=opinion_ids), user, "opinions.view_contact")
    return set(qs.values_list("pk", flat=True))


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Open meeting requests at the reader's stations (or all of them with ?state=)."""
    user = request.user
    if perms.deputy_of(user) is None and not has_perm(user, "opinions.meet"):
        raise PermissionDenied(_("您没有处理约见的权限"))
    form = MeetingFilterForm(request.GET or None)
    form.is_valid()
    state = getattr(form, "cleaned_data", {}).get("state", "")
    if state == "all":
        qs = selectors.meetings_visible(user).order_by("-created_at", "-id")
    elif state:
        qs = selectors.meetings_visible(user).filter(state=state).order_by("-created_at", "-id")
    else:
        qs = selectors.open_meetings(user)
    page_obj, querystring = paginate(request, qs)
    rows = list(page_obj.object_list)
    shown = _contact_ids(user, [m.opinion_id for m in rows])
    for m in rows:
        m.show_contact = m.opinion_id in shown
        m.age = age_label(m.created_at)
    page_obj.object_list = rows
    return render(
        request,
        "opinions/meeting_list.html",
        {"form": form, "page_obj": page_obj, "querystring_without_page": querystring},
    )


def _context(request: HttpRequest, meeting: MeetingRequest, **forms_: forms.Form) -> dict:
    user = request.user
    opinion = meeting.opinion
    open_ = meeting.state == MeetingState.REQUESTED
    context: dict[str, Any] = {
        "meeting": meeting,
        "opinion": opinion,
        "can": {
            "view_contact": perms.can(user, "opinions.view_contact", opinion),
            # meetings_visible already holds only those who may answer it.
            "decide": open_,
            "open_opinion": selectors.opinions_visible(user).filter(pk=opinion.pk).exists(),
        },
        "timeline": timeline_rows(opinion, meeting),
        "accept_form": MeetingAcceptForm(initial={"place": meeting.station.address}),
        "decline_form": MeetingDeclineForm(),
    }
    context.update(forms_)
    return context


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_visible(request.user, pk)
    return render(request, "opinions/meeting_detail.html", _context(request, meeting))


def _decide(request: HttpRequest, pk: int, form: forms.Form, form_key: str, call, success: str):
    meeting = selectors.meeting_get_visible(request.user, pk)
    try:
        done = submit_form(
            request, form, lambda: call(meeting), success=success, next_url=_meeting_url(meeting)
        )
    except InvalidTransition as exc:
        messages.error(request, str(exc))
        return redirect(_meeting_url(meeting))
    if done:
        return done
    return render(
        request, "opinions/meeting_detail.html", _context(request, meeting, **{form_key: form})
    )


@login_required
@require_POST
def meeting_accept(request: HttpRequest, pk: int) -> HttpResponse:
    form = MeetingAcceptForm(request.POST)
    return _decide(
        request,
        pk,
        form,
        "accept_form",
        lambda m: actions.meeting_accept(
            actor=request.user,
            meeting=m,
            meet_at=form.cleaned_data["meet_at"],
            place=form.cleaned_data["place"],
        ),
        _("已同意约见，群众将收到短信通知。"),
    )


@login_required
@require_POST
def meeting_decline(request: HttpRequest, pk: int) -> HttpResponse:
    form = MeetingDeclineForm(request.POST)
    return _decide(
        request,
        pk,
        form,
        "decline_form",
        lambda m: actions.meeting_decline(
            actor=request.user, meeting=m, reason=form.cleaned_data["reason"]
        ),
        _("已婉拒约见，群众可在查询页看到理由。"),
    )
