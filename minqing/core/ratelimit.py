"""Rate limits for the public endpoints: per client IP, per phone number, per tracking code.

A fixed-window counter on the Django cache. A window is aligned to the local clock
(``TIME_ZONE``), so "5/d" means five per calendar day and the citizen is told to come back
after midnight, not after an arbitrary 24 hours. The identifying value (IP, phone, code)
goes into the cache only as an HMAC with ``SECRET_KEY``: the cache table holds no phone
number or address in plain text.

Views and API handlers call :func:`enforce` once the input is parsed (the per-phone limit
needs the phone) and before the action; it raises :class:`RateLimited`, which
:class:`RateLimitMiddleware` turns into the friendly 429 page (``errors/ratelimited.html``)
and the API's exception handler into ``429 {"detail": …}``, both with ``Retry-After``.

Settings (all optional):

``MINQING_RATELIMIT_ENABLED``     True; False switches every limit off.
``MINQING_RATELIMIT_IP``          "20/h"  submissions per client IP (opinions, meetings, …)
``MINQING_RATELIMIT_PHONE``       "5/d"   submissions per phone number
``MINQING_RATELIMIT_TRACK``       "30/h"  tracking-page lookups per client IP
``MINQING_RATELIMIT_TRACK_CODE``  "10/h"  lookups per tracking code (guessing the last 4 digits)
``MINQING_RATELIMIT_BALLOT``      "300/h" phone ballots per client IP (a meeting's representatives
                                          share one venue network; a code has 31^7 values)
``MINQING_RATELIMIT_CACHE``       "default"  the cache alias holding the counters

The counters need a cache shared by every web process whose ``add`` and ``incr`` are
atomic and whose ``incr`` keeps the entry's expiry: memcached, Redis, or the
:class:`DatabaseCache` below. Django's own DatabaseCache and FileBasedCache are neither
(their ``incr`` is a get-then-set that also resets the expiry to the default timeout), and
LocMemCache is per process; the system check ``minqing.ratelimit.W001`` says so.
"""

from __future__ import annotations

import base64
import ipaddress
import logging
import math
import pickle
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import now as tz_now
from django.utils.translation import ngettext

from minqing.core import middleware

logger = logging.getLogger(__name__)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_BUCKET = re.compile(r"^[a-z0-9_.:-]{1,64}$")
# The cache entry outlives its window a little, so a clock step between web processes
# never lets a counter vanish while its window is still running.
_EXPIRY_MARGIN = 60


@dataclass(frozen=True)
class Limit:
    """``count`` requests per ``period`` seconds, parsed from "20/h", "5/d", "3/m", "100/2h"."""

    count: int
    period: int

    @classmethod
    def parse(cls, rate: str) -> Limit:
        return _parse(rate)

    def __str__(self) -> str:
        for unit, seconds in sorted(_UNITS.items(), key=lambda item: -item[1]):
            if self.period % seconds == 0:
                n = self.period // seconds
                return f"{self.count}/{'' if n == 1 else n}{unit}"
        raise AssertionError("unreachable: every period is a whole number of seconds")


@lru_cache(maxsize=64)
def _parse(rate: str) -> Limit:
    match = _RATE.match(rate) if isinstance(rate, str) else None
    if match is None:
        raise ValueError(
            f"bad rate {rate!r}: expected '<count>/<unit>' with unit s, m, h or d, e.g. '20/h'"
        )
    count, multiplier, unit = int(match[1]), int(match[2] or 1), match[3]
    if count < 1 or multiplier < 1:
        raise ValueError(f"bad rate {rate!r}: the count and the period must be at least 1")
    return Limit(count=count, period=multiplier * _UNITS[unit])


@dataclass(frozen=True)
class RateResult:
    allowed: bool
    retry_after: int  # seconds until the window ends; 0 when allowed


# --- the counter ------------------------------------------------------------------------


def _now() -> float:
    # The one clock of this module; tests replace it to walk across windows.
    return time.time()


def _window(now: float, period: int) -> tuple[int, float]:
    """The index of the window holding ``now`` and the time (epoch seconds) it ends."""
    offset = datetime.fromtimestamp(now, ZoneInfo(settings.TIME_ZONE)).utcoffset()
    shift = offset.total_seconds() if offset is not None else 0.0
    index = math.floor((now + shift) / period)
    return index, (index + 1) * period - shift


def hash_key(bucket: str, key: str) -> str:
    """The HMAC (SHA-256, ``SECRET_KEY``) under which ``key`` is counted in ``bucket``."""
    return salted_hmac(
        "minqing.core.ratelimit", f"{bucket}\x00{key}", algorithm="sha256"
    ).hexdigest()


def _cache():
    return caches[getattr(settings, "MINQING_RATELIMIT_CACHE", "default")]


def enabled() -> bool:
    return bool(getattr(settings, "MINQING_RATELIMIT_ENABLED", True))


def check(bucket: str, key: str, rate: str | Limit) -> RateResult:
    """Count one request for ``key`` in ``bucket`` and say whether it is within ``rate``.

    Every call counts, refused ones included; the (N+1)-th call of a window is the first
    refused. A cache failure lets the request through (and is logged): a broken cache
    must not stop citizens from reaching the congress.
    """
    if not enabled():
        return RateResult(True, 0)
    if not _BUCKET.match(bucket):
        raise ValueError(f"bad rate-limit bucket {bucket!r}: use [a-z0-9_.:-], at most 64")
    limit = rate if isinstance(rate, Limit) else _parse(rate)
    now = _now()
    index, ends = _window(now, limit.period)
    cache_key = f"minqing:rl:{bucket}:{limit.period}:{index}:{hash_key(bucket, key)}"
    timeout = math.ceil(ends - now) + _EXPIRY_MARGIN
    cache = _cache()
    try:
        count = 1 if cache.add(cache_key, 1, timeout) else _incr(cache, cache_key, timeout)
    except Exception:
        logger.exception("rate limit counter unavailable (bucket %s); request let through", bucket)
        return RateResult(True, 0)
    if count <= limit.count:
        return RateResult(True, 0)
    return RateResult(False, max(1, math.ceil(ends - now)))


def _incr(cache, cache_key: str, timeout: int) -> int:
    try:
        return cache.incr(cache_key)
    except ValueError:
        # Expired or culled between add() and incr(): start the count again.
        if cache.add(cache_key, 1, timeout):
            return 1
        return cache.incr(cache_key)


# --- who is asking ----------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The client's address as the rate limits count it.

    The IP that core.middleware computed for this request (it honours
    ``MINQING_TRUST_X_FORWARDED_FOR``), else the same computation on ``request``. An IPv6
    address counts as its /64 network: one home or phone gets a whole /64 and could
    otherwise step through it.
    """
    ctx = middleware.current()
    ip = ctx.ip if ctx.request_id and ctx.ip else middleware.client_ip(request)
    if not ip:
        return "unknown"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:64]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    if isinstance(address, ipaddress.IPv6Address):
        return str(address.ipv4_mapped)
    return str(address)


def normalise_phone(phone: str) -> str:
    """Digits only, without the +86 country code: "+86 138-0000-1234" → "13800001234"."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def _normalise_code(code: str) -> str:
    from minqing.core.codes import normalise

    return normalise(code)


# --- policies ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """Which limits a bucket applies: (setting name, default rate) per kind of key."""

    ip: tuple[str, str]
    phone: tuple[str, str] | None = None
    code: tuple[str, str] | None = None
    lookup: bool = False  # words the message as "查询" rather than "提交"

    def rate(self, kind: str) -> str | None:
        entry = getattr(self, kind)
        return None if entry is None else getattr(settings, entry[0], entry[1])


SUBMISSION = Policy(
    ip=("MINQING_RATELIMIT_IP", "20/h"),
    phone=("MINQING_RATELIMIT_PHONE", "5/d"),
)
# Buckets with their own policy. Every other bucket name (e.g. "opinion", "meeting") uses
# SUBMISSION with counters of its own.
POLICIES: dict[str, Policy] = {
    "track": Policy(
        ip=("MINQING_RATELIMIT_TRACK", "30/h"),
        code=("MINQING_RATELIMIT_TRACK_CODE", "10/h"),
        lookup=True,
    ),
    # Phone ballots at a meeting come from one venue network (one IP), two requests per
    # representative; a code has 31^7 values, so guessing stays hopeless.
    "ballot": Policy(ip=("MINQING_RATELIMIT_BALLOT", "300/h")),
}


def policy_for(bucket: str) -> Policy:
    return POLICIES.get(bucket, SUBMISSION)


class RateLimited(Exception):
    """A public request over its limit; ``message`` is for the citizen, in Chinese."""

    def __init__(self, *, retry_after: int, bucket: str = "", lookup: bool = False):
        self.retry_after = retry_after
        self.bucket = bucket
        self.lookup = lookup
        super().__init__(retry_after)

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))

    @property
    def hours(self) -> int:
        return max(1, math.ceil(self.retry_after / 3600))

    @property
    def message(self) -> str:
        # Computed when read, so it speaks the language active for the response.
        if self.retry_after <= 3600:
            n = self.minutes
            if self.lookup:
                text = ngettext(
                    "查询过于频繁，请 %(minutes)s 分钟后再试。",
                    "查询过于频繁，请 %(minutes)s 分钟后再试。",
                    n,
                )
            else:
                text = ngettext(
                    "提交过于频繁，请 %(minutes)s 分钟后再试。如有急事请直接拨打联络站电话。",
                    "提交过于频繁，请 %(minutes)s 分钟后再试。如有急事请直接拨打联络站电话。",
                    n,
                )
            return text % {"minutes": n}
        n = self.hours
        if self.lookup:
            text = ngettext(
                "查询过于频繁，请 %(hours)s 小时后再试。",
                "查询过于频繁，请 %(hours)s 小时后再试。",
                n,
            )
        else:
            text = ngettext(
                "提交过于频繁，请 %(hours)s 小时后再试。如有急事请直接拨打联络站电话。",
                "提交过于频繁，请 %(hours)s 小时后再试。如有急事请直接拨打联络站电话。",
                n,
            )
        return text % {"hours": n}

    def __str__(self) -> str:
        return self.message


def enforce(
    request: HttpRequest, *, bucket: str, phone: str | None = None, code: str | None = None
) -> None:
    """Count this request against ``bucket``'s limits; raise :class:`RateLimited` if over.

    The client IP always counts; ``phone`` (a citizen's mobile number, any spelling) and
    ``code`` (a tracking code) count when given, and only if the bucket's policy limits
    them ("track" limits per code, every other bucket per phone) — passing a key the
    policy has no limit for is a programming error (ValueError). The IP is checked first;
    a request refused on it does not use up the phone's or the code's allowance.
    Call it on the submitting request only (POST, or the lookup), not on the form's GET.
    """
    if not enabled():
        return
    policy = policy_for(bucket)
    keys: list[tuple[str, str]] = [("ip", client_ip(request))]
    if phone is not None:
        keys.append(("phone", normalise_phone(phone)))
    if code is not None:
        keys.append(("code", _normalise_code(code)))
    limits: list[tuple[str, str, Limit]] = []
    for kind, value in keys:
        rate = policy.rate(kind)
        if rate is None:
            raise ValueError(f"rate-limit bucket {bucket!r} has no per-{kind} limit")
        limits.append((kind, value, _parse(rate)))
    for kind, value, limit in limits:
        if not value:
            continue
        result = check(f"{bucket}:{kind}", value, limit)
        if not result.allowed:
            logger.info("rate limit: bucket %s, per %s, %s", bucket, kind, limit)
            raise RateLimited(retry_after=result.retry_after, bucket=bucket, lookup=policy.lookup)


# --- responses --------------------------------------------------------------------------


def ratelimited_response(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    """The friendly 429 page, or 429 JSON for the API, with ``Retry-After``."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": exc.message}, status=429)
    else:
        referer = request.META.get("HTTP_REFERER", "")
        back_url = (
            referer
            if url_has_allowed_host_and_scheme(
                referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            else ""
        )
        response = render(
            request,
            "errors/ratelimited.html",
            {
                "message": exc.message,
                "retry_after": exc.retry_after,
                "lookup": exc.lookup,
                "back_url": back_url,
            },
            status=429,
        )
    response["Retry-After"] = str(exc.retry_after)
    return response


class RateLimitMiddleware:
    """Turns a :class:`RateLimited` raised by a view into :func:`ratelimited_response`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RateLimited):
            return ratelimited_response(request, exception)
        return None


# --- a database cache fit for counters ----------------------------------------------------


class DatabaseCache(DjangoDatabaseCache):
    """Django's DatabaseCache with an ``incr`` that is atomic and keeps the expiry.

    Django's own ``incr`` reads, adds and writes back with the *default* timeout: two
    processes can both write the same count, and a daily counter touched more than
    ``TIMEOUT`` seconds after its last increment vanishes mid-window. Here the row is
    locked (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the IMMEDIATE transaction
    that settings.py configures takes the write lock) and only its value is rewritten.
    """

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')} FROM {table} "
                f"WHERE {quote('cache_key')} = %s AND {quote('expires')} > %s{lock}",
                [key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(row[0].encode())) + delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s",
                [encoded, key],
            )
        return value


# --- system checks ------------------------------------------------------------------------

_SETTINGS = sorted(
    {
        entry
        for policy in (SUBMISSION, *POLICIES.values())
        for entry in (policy.ip, policy.phone, policy.code)
        if entry is not None
    }
)
# The defaults are code: a typo in one fails at import, not on the first citizen's POST.
for _name, _default in _SETTINGS:
    _parse(_default)

_UNFIT_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache": "每个进程各自计数，多进程时限额成倍放宽",
    "django.core.cache.backends.dummy.DummyCache": "不保存任何数据（限流不起作用）",
    "django.core.cache.backends.filebased.FileBasedCache": "incr 不是原子操作且会重置过期时间",
    "django.core.cache.backends.db.DatabaseCache": "incr 不是原子操作且会重置过期时间",
}


@checks.register(checks.Tags.caches)
def check_ratelimit_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    messages: list[checks.CheckMessage] = []
    for name, default in _SETTINGS:
        value = getattr(settings, name, default)
        try:
            _parse(value)
        except (ValueError, TypeError) as exc:
            messages.append(
                checks.Error(
                    f"{name}: {exc}",
                    hint="例如 '20/h'、'5/d'、'3/m'。",
                    id="minqing.ratelimit.E001",
                )
            )
    if not enabled():
        return messages
    alias = getattr(settings, "MINQING_RATELIMIT_CACHE", "default")
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    if not backend:
        messages.append(
            checks.Error(
                f"MINQING_RATELIMIT_CACHE: 没有名为 {alias!r} 的缓存", id="minqing.ratelimit.E002"
            )
        )
    elif backend in _UNFIT_CACHES:
        messages.append(
            checks.Warning(
                f"限流计数使用的缓存 {backend}：{_UNFIT_CACHES[backend]}。",
                hint="使用 minqing.core.ratelimit.DatabaseCache、Redis 或 memcached。",
                id="minqing.ratelimit.W001",
            )
        )
    return messages
