"""Carries the request id, client IP and channel to the audit log and the logs."""

from __future__ import annotations

import contextvars
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None
    channel: str = "cli"


_DEFAULT = RequestContext()
_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "minqing_request",
    default=_DEFAULT,
)


def current() -> RequestContext:
    return _current.get()


def set_channel(channel: str) -> None:
    ctx = _current.get()
    _current.set(RequestContext(ctx.request_id, ctx.ip, channel))


def client_ip(request: HttpRequest) -> str | None:
    # Behind a reverse proxy set MINQING_TRUST_X_FORWARDED_FOR (see docs/operations.md).
    from django.conf import settings

    if getattr(settings, "MINQING_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")[:36] or uuid.uuid4().hex
        channel = "api" if request.path.startswith("/api/") else "web"
        token = _current.set(RequestContext(request_id, client_ip(request), channel))
        request.request_id = request_id
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get().request_id or "-"
        return True
