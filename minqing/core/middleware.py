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


class RejectNulMiddleware:
    """Answer 400 to any request carrying a NUL character in its path, query string or
    (non-file) body.

    PostgreSQL text cannot hold NUL, so such a value reaching a query is a 500 there
    (SQLite accepts it): the fuzzer found this on API filters. Django's form fields
    already refuse NUL; this closes every other door (API query and JSON parameters)
    in one place. Uploaded files are not inspected: binary content may contain NUL.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            from django.http import HttpResponseBadRequest, JsonResponse

            message = "请求中含有不允许的空字符（NUL）。"
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if any("\x00" in value for values in request.GET.lists() for value in values[1]):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/json"):
            body = request.body
            return b"\\u0000" in body or b"\x00" in body
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            # request.POST holds the text fields only; files stay in request.FILES.
            return any("\x00" in v for values in request.POST.lists() for v in values[1])
        return False
