"""Delivering notifications to staff users: the in-app inbox plus an e-mail copy.

These are infrastructure writes, like sessions, not workflow actions: they live here and
not in an ``actions.py``, write no audit entry and check no permission. The workflow
action that decides someone must be told has already been checked and audited; it calls
:func:`notify` from ``transaction.on_commit`` so nobody is told about a change that was
rolled back::

    transaction.on_commit(lambda: notify(
        [unit_leader], verb="opinion.overdue", title=..., url=opinion_url))

Citizens have no account; text them with :func:`minqing.notify.sms.send_sms`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from minqing.accounts.models import User
from minqing.notify.models import TITLE_MAX, URL_MAX, Notification, is_safe_relative_url

__all__ = ["mark_read", "notify", "unread_count"]

logger = logging.getLogger(__name__)


def notify(
    recipients: Iterable[User], *, verb: str, title: str, body: str = "", url: str = ""
) -> None:
    """Put one notification in the inbox of each active recipient (each user once, in
    one ``bulk_create``) and queue a task that e-mails those with an e-mail address.

    ``url`` is a path on this site ("/opinions/12/"); anything else (an absolute or
    protocol-relative URL) is dropped with a warning, because a notification must never
    lead out of the site. ``title`` is cut to 200 characters. Lazy strings are
    evaluated here.
    """
    from minqing.notify.tasks import send_notification_emails

    # Callers may pass lazy strings (reverse_lazy, gettext_lazy): fix them now, in the
    # language active at the call.
    title, body, url = str(title), str(body), str(url)
    if url and (len(url) > URL_MAX or not is_safe_relative_url(url)):
        logger.warning("notify %s: dropped a url that is not a path on this site", verb)
        url = ""
    title = Truncator(title).chars(TITLE_MAX)
    now = timezone.now()
    seen: set[int] = set()
    rows: list[Notification] = []
    to_email: set[int] = set()
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(recipient=user, verb=verb, title=title, body=body, url=url, created_at=now)
        )
        if user.email:
            to_email.add(user.pk)
    if not rows:
        return
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows)
        email_ids = [n.pk for n in created if n.recipient_id in to_email]
        if email_ids:
            # The task row commits with the notifications: a worker never sees ids that
            # do not exist yet, and a rollback takes both away.
            send_notification_emails.enqueue(notification_ids=email_ids)


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s unread notifications ``ids`` (all of them when None) as read now;
    ids of other users' notifications are ignored. Returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def unread_count(user: User) -> int:
    """How many unread notifications ``user`` has: one COUNT over the inbox index."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
