"""Text messages to citizens, who have no account: pluggable like Django's EMAIL_BACKEND.

Call :func:`send_sms` (usually from ``transaction.on_commit``); it queues a task, so a
slow gateway never blocks a request, and the task hands the message to the backend.

Settings (read from the environment in settings.py):

``MINQING_SMS_BACKEND``
    Dotted path of the backend class. Default ``"minqing.notify.sms.ConsoleBackend"``.

    - ``minqing.notify.sms.ConsoleBackend`` logs each message (logger
      ``minqing.notify.sms``, level INFO) with the phone masked as ``138****5678``:
      for development and for deployments without a gateway yet.
    - ``minqing.notify.sms.LocmemBackend`` appends each message to
      ``minqing.notify.sms.outbox`` (like ``django.core.mail.outbox``): for tests.
    - ``minqing.notify.sms.HttpGatewayBackend`` POSTs ``{"phone": ..., "text": ...}`` as
      JSON to ``MINQING_SMS_GATEWAY_URL``: the generic adapter that a city's SMS
      platform (政务短信平台) or a small relay in front of a carrier's API accepts.

``MINQING_SMS_GATEWAY_URL``
    http(s) URL the gateway backend posts to. Empty: messages are dropped with an error
    in the log.

``MINQING_SMS_GATEWAY_TOKEN``
    Sent as ``Authorization: Bearer <token>`` when set.

A full phone number never goes to the log: backends log the masked number or none.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "minqing.notify.sms.ConsoleBackend"
GATEWAY_TIMEOUT = 5  # seconds; the task worker waits this long at most per message


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


# LocmemBackend's sent messages, oldest first (tests clear it).
outbox: list[SmsMessage] = []


def mask_phone(phone: str) -> str:
    """A phone number fit for a log line: ``13812345678`` → ``138********``.

    No trailing digits: a tracking code plus the phone's last four open the citizen's
    tracking page, and the texts carry the code, so a log must never hold both."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) >= 11:
        return f"{digits[:3]}********"
    return "****"


class BaseSmsBackend:
    """A backend sends one message and reports whether it was accepted; it never raises
    (the caller is a task that has nobody to show an error to) and never logs a full
    phone number."""

    def send(self, phone: str, text: str) -> bool:
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    def send(self, phone: str, text: str) -> bool:
        logger.info("SMS to %s: %s", mask_phone(phone), text)
        return True


class LocmemBackend(BaseSmsBackend):
    def send(self, phone: str, text: str) -> bool:
        outbox.append(SmsMessage(phone=phone, text=text))
        return True


class HttpGatewayBackend(BaseSmsBackend):
    def __init__(self, url: str | None = None, token: str | None = None) -> None:
        self.url = url if url is not None else getattr(settings, "MINQING_SMS_GATEWAY_URL", "")
        self.token = (
            token if token is not None else getattr(settings, "MINQING_SMS_GATEWAY_TOKEN", "")
        )

    def send(self, phone: str, text: str) -> bool:
        # urllib also opens file:// and ftp:// URLs; a gateway is only ever http(s).
        if urllib.parse.urlsplit(self.url).scheme not in {"http", "https"}:
            logger.error("SMS not sent: MINQING_SMS_GATEWAY_URL is not an http(s) URL")
            return False
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(
            self.url,
            data=json.dumps({"phone": phone, "text": text}, ensure_ascii=False).encode(),
            headers=headers,
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=GATEWAY_TIMEOUT) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            logger.warning("SMS gateway refused a message: HTTP %s", exc.code)
            return False
        except Exception as exc:  # timeouts, DNS, TLS, refused connections…
            # The exception's text is not logged: it may echo parts of the request.
            logger.warning("SMS gateway unreachable: %s", type(exc).__name__)
            return False
        if not 200 <= status < 300:
            logger.warning("SMS gateway refused a message: HTTP %s", status)
            return False
        return True


def get_backend() -> BaseSmsBackend:
    """An instance of the backend named by settings.MINQING_SMS_BACKEND."""
    return import_string(getattr(settings, "MINQING_SMS_BACKEND", DEFAULT_BACKEND))()


def send_sms(phone: str, text: str) -> None:
    """Queue ``text`` for ``phone``; the task worker hands it to the backend. Call it
    after the change being announced has committed (``transaction.on_commit``)."""
    from minqing.notify.tasks import send_sms_task

    send_sms_task.enqueue(phone=phone.strip(), text=text)
