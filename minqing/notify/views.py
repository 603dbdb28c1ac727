"""The signed-in user's notification inbox. Thin: one selector or delivery call each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from minqing.core.pagination import render_list
from minqing.notify import delivery, selectors


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    """Newest first; ``?unread=1`` shows only the unread ones."""
    unread_only = request.GET.get("unread") == "1"
    qs = selectors.notification_list_for(request.user, unread=True if unread_only else None)
    return render_list(request, "notify/inbox.html", qs, {"unread_only": unread_only})


@login_required
@require_safe
def badge(request: HttpRequest) -> HttpResponse:
    """The bell's unread count, fetched by htmx after the page has loaded."""
    count = delivery.unread_count(request.user)
    response = render(request, "notify/badge.html", {"count": count})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = delivery.mark_read(request.user, None)
    if count:
        messages.success(request, _("已将 %(n)d 条通知标为已读。") % {"n": count})
    return redirect("notify:inbox")


@login_required
@require_POST
def read_one(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the user's notifications read (404 for anyone else's) and go to its
    link when that stays on this site, else back to the inbox."""
    notification = selectors.notification_get_for(request.user, pk)
    delivery.mark_read(request.user, [notification.pk])
    target = notification.safe_url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notify:inbox")
