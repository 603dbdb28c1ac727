"""Background work of notify: e-mail copies of notifications, and text messages.

Both run in the task worker (``manage.py db_worker``) so a slow mail server or SMS
gateway never holds up a web request. Arguments are JSON: ids, and for SMS the phone
number and text, which the database task backend keeps in its result table until
``prune_db_task_results`` removes them.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from minqing.notify.models import Notification

logger = logging.getLogger(__name__)


def _email_for(notification: Notification) -> mail.EmailMessage:
    lines = [notification.body] if notification.body else []
    public_url = getattr(settings, "MINQING_PUBLIC_URL", "")
    link = notification.safe_url
    if link and public_url:
        lines.append(_("查看详情：%(url)s") % {"url": public_url + link})
    lines.append(_("此邮件由民情平台自动发送，请勿直接回复。"))
    return mail.EmailMessage(
        subject=_("【民情】%(title)s") % {"title": notification.title},
        body="\n\n".join(lines),
        to=[notification.recipient.email],
    )


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail each notification in ``notification_ids`` not e-mailed yet to its active
    recipient with an address (through EMAIL_BACKEND), stamping ``emailed_at`` after each
    one, so a retried task sends nothing twice. A failed message is logged (without the
    address) and left unstamped. Returns how many were sent."""
    rows = (
        Notification.objects.filter(
            pk__in=notification_ids, emailed_at__isnull=True, recipient__is_active=True
        )
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("pk")
    )
    sent = 0
    with translation.override(settings.LANGUAGE_CODE), mail.get_connection() as connection:
        for notification in rows:
            try:
                connection.send_messages([_email_for(notification)])
            except Exception as exc:  # one bad address or a hiccup must not stop the rest
                logger.warning(
                    "notification %s: e-mail failed (%s)", notification.pk, type(exc).__name__
                )
                continue
            Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
            sent += 1
    return sent


@task()
def send_sms_task(phone: str, text: str) -> bool:
    """Hand one text message to the configured SMS backend (MINQING_SMS_BACKEND).
    Backends log failures themselves and never raise. Returns whether it was accepted."""
    from minqing.notify.sms import get_backend

    return get_backend().send(phone, text)


@task()
def prune_task_results() -> str:
    """Delete finished task results older than a day: an SMS task keeps the citizen's
    number among its arguments, which must not outlive the sending. A no-op unless the
    database task backend is in use."""
    import io

    from django.core.management import call_command

    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if backend != "django_tasks_db.DatabaseBackend":
        return "skipped"
    out = io.StringIO()
    call_command("prune_db_task_results", "--min-age-days", "1", "--queue-name", "*", stdout=out)
    return out.getvalue().strip()
