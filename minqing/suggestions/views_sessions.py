"""The office's list of plenary sessions (大会会议), with create and edit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minqing.core.pagination import paginate
from minqing.core.permissions import require
from minqing.core.web import submit_form
from minqing.suggestions import actions, selectors
from minqing.suggestions.forms_sessions import SessionForm
from minqing.suggestions.permissions import MANAGE


@login_required
@require_http_methods(["GET", "POST"])
def session_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, MANAGE)
    form = SessionForm(request.POST or None, congresses=selectors.congresses_managed(user))
    saved = submit_form(
        request,
        form,
        lambda: actions.session_create(
            actor=user,
            congress=form.cleaned_data["congress"],
            term=form.cleaned_data["term"],
            number=form.cleaned_data["number"],
            name=form.cleaned_data["name"],
            start_date=form.cleaned_data["start_date"],
            end_date=form.cleaned_data["end_date"],
        ),
        success=_("已添加大会会议"),
        next_url=reverse("suggestions:sessions"),
    )
    if saved:
        return saved
    page_obj, querystring = paginate(request, selectors.sessions_visible(user))
    return render(
        request,
        "suggestions/sessions.html",
        {"form": form, "page_obj": page_obj, "querystring": querystring},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    session = selectors.session_get_visible(user, pk)
    initial = {"name": session.name, "start_date": session.start_date, "end_date": session.end_date}
    form = SessionForm(request.POST or None, initial=initial, editing=True)
    saved = submit_form(
        request,
        form,
        lambda: actions.session_update(actor=user, session=session, **form.cleaned_data),
        success=_("已保存"),
        next_url=reverse("suggestions:sessions"),
    )
    if saved:
        return saved
    return render(request, "suggestions/session_form.html", {"form": form, "session": session})
