"""/api/v1/notify/: the caller's own notifications (any signed-in user or token)."""

# No ``from __future__ import annotations`` here: ninja resolves ``Query[...]`` at import.

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from minqing.core.api_pagination import Pagination
from minqing.notify import delivery, selectors
from minqing.notify.schemas import MarkReadIn, MarkReadOut, NotificationFilter, NotificationOut

router = Router(tags=["notify"])


@router.get("", response=list[NotificationOut])
@paginate(Pagination)
def list_notifications(request: HttpRequest, filters: Query[NotificationFilter]):
    """The caller's notifications, newest first; `unread=true` for the unread ones."""
    return selectors.notification_list_for(request.user, unread=filters.unread)


@router.post("/read", response=MarkReadOut)
def mark_read(request: HttpRequest, payload: MarkReadIn):
    """Mark the caller's notifications `ids` read (`null`: all of them). 404 if any id is
    not the caller's; nothing is marked then."""
    ids = payload.ids
    if ids is not None:
        ids = selectors.notifications_check_own(request.user, ids)
    updated = delivery.mark_read(request.user, ids)
    return {"updated": updated, "unread": delivery.unread_count(request.user)}
