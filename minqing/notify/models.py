"""In-app notifications of staff users (citizens have no account: they get SMS, see sms.py).

A notification belongs to exactly one recipient and is only ever read through a
``recipient=user`` filter, so it needs no region scope.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 200
URL_MAX = 500


def is_safe_relative_url(url: str) -> bool:
    """True for a same-site path such as ``/opinions/12/``: a leading "/" and no host or
    scheme (``//evil.example``, ``/\\evil.example`` and ``javascript:`` are refused), so
    a notification can never send its reader to another site."""
    return (
        bool(url)
        and url.startswith("/")
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Dotted like audit verbs ("opinion.overdue") so clients can filter or pick an icon.
    verb = models.CharField(_("类型"), max_length=100)
    title = models.CharField(_("标题"), max_length=TITLE_MAX)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=URL_MAX, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The inbox and the navbar badge: "my unread, newest first".
            models.Index(
                fields=["recipient", "read_at", "created_at"], name="notify_recipient_read_idx"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def safe_url(self) -> str:
        """The url if it stays on this site, else "" (templates link only to this)."""
        return self.url if is_safe_relative_url(self.url) else ""
