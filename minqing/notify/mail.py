"""An e-mail backend for development and for deployments without a mail server.

Django's console backend prints whole messages, addresses included, to stdout, which
ends up in the log; this one logs each message (logger ``minqing.notify.mail``, INFO)
with the recipients masked as ``l***@example.cn``. Set
``EMAIL_BACKEND = "minqing.notify.mail.ConsoleBackend"``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)


def mask_email(address: str) -> str:
    """``leader@example.cn`` → ``l***@example.cn``: the domain stays (it tells which
    organisation), the person does not."""
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"


class ConsoleBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            recipients = ", ".join(mask_email(a) for a in message.recipients())
            logger.info("E-mail to %s: %s\n%s", recipients, message.subject, message.body)
        return len(email_messages)
