"""Reads of notifications. Everyone may read their own inbox and nobody else's: every
query is filtered by ``recipient=user``, so no role or region scope is involved."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404

from minqing.accounts.models import User
from minqing.notify.models import Notification


def notification_list_for(user: User, *, unread: bool | None = None) -> QuerySet[Notification]:
    """``user``'s notifications, newest first; ``unread=True`` keeps the unread ones,
    ``unread=False`` the read ones. Any signed-in user; no side effects."""
    qs = Notification.objects.filter(recipient=user)
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    return qs.order_by("-created_at", "-pk")


def notification_get_for(user: User, pk: int) -> Notification:
    """``user``'s notification ``pk``; Http404 for anyone else's (or none), so ids of
    other people's notifications reveal nothing."""
    try:
        return Notification.objects.get(recipient=user, pk=pk)
    except Notification.DoesNotExist:
        raise Http404 from None


def notifications_check_own(user: User, ids: Iterable[int]) -> list[int]:
    """The distinct ``ids``, after checking that each is one of ``user``'s notifications:
    Http404 if any is not (the whole request is refused, nothing is marked)."""
    wanted = sorted(set(ids))
    if wanted and Notification.objects.filter(recipient=user, pk__in=wanted).count() != len(wanted):
        raise Http404
    return wanted
