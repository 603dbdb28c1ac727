"""Rate limits of the public endpoints: counting, windows, keys, the 429 answers."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, connections
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import include, path
from ninja import NinjaAPI

from minqing.core import ratelimit
from minqing.core.ratelimit import Limit, RateLimited, check, enforce

SHANGHAI = ZoneInfo("Asia/Shanghai")
PHONE = "13800001234"


def at(*args: int) -> float:
    """An epoch timestamp from a Shanghai wall-clock time."""
    return datetime(*args, tzinfo=SHANGHAI).timestamp()


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ratelimit-tests",
        }
    }
    settings.TIME_ZONE = "Asia/Shanghai"
    settings.MINQING_RATELIMIT_ENABLED = True
    locmem = caches["default"]
    locmem.clear()
    yield
    locmem.clear()  # caches["default"] may be another backend by now


@pytest.fixture
def clock(monkeypatch):
    """A settable clock for the limiter: ``clock.now = at(…)``."""

    class Clock:
        now = at(2026, 3, 10, 15, 0, 0)

    monkeypatch.setattr(ratelimit, "_now", lambda: Clock.now)
    return Clock


def post(ip: str = "203.0.113.7", **meta: str) -> HttpRequest:
    return RequestFactory().post("/s/ABCD/", REMOTE_ADDR=ip, **meta)


# --- rate strings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "count", "period"),
    [
        ("20/h", 20, 3600),
        ("5/d", 5, 86400),
        ("3/m", 3, 60),
        ("10/s", 10, 1),
        ("100/2h", 100, 7200),
        (" 7 / d ", 7, 86400),
    ],
)
def test_rates_parse(rate, count, period):
    assert Limit.parse(rate) == Limit(count=count, period=period)


@pytest.mark.parametrize("rate", ["20/h", "5/d", "3/m", "100/2h", "90/s"])
def test_a_limit_prints_back_as_a_rate(rate):
    assert str(Limit.parse(rate)) == rate


@pytest.mark.parametrize(
    "rate", ["", "20", "20/", "/h", "20/x", "20/H", "0/h", "-1/h", "20/0h", "h/20", "2.5/h", None]
)
def test_bad_rates_are_refused(rate):
    with pytest.raises(ValueError, match="bad rate"):
        Limit.parse(rate)


def test_a_bad_rate_in_the_settings_is_a_system_check_error(settings):
    settings.CACHES = {"default": {"BACKEND": "minqing.core.ratelimit.DatabaseCache"}}
    assert ratelimit.check_ratelimit_settings() == []
    settings.MINQING_RATELIMIT_PHONE = "5 per day"
    settings.MINQING_RATELIMIT_TRACK = 30
    errors = ratelimit.check_ratelimit_settings()
    assert [e.id for e in errors] == ["minqing.ratelimit.E001"] * 2
    assert {e.msg.split(":")[0] for e in errors} == {
        "MINQING_RATELIMIT_PHONE",
        "MINQING_RATELIMIT_TRACK",
    }
    with pytest.raises(ValueError):
        enforce(post(), bucket="opinion", phone=PHONE)


def test_an_unshared_or_non_atomic_cache_is_a_system_check_warning(settings):
    # LocMemCache (the autouse fixture) counts per process: a warning, not an error.
    assert [m.id for m in ratelimit.check_ratelimit_settings()] == ["minqing.ratelimit.W001"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache"}}
    assert [m.id for m in ratelimit.check_ratelimit_settings()] == ["minqing.ratelimit.W001"]
    settings.CACHES = {"default": {"BACKEND": "minqing.core.ratelimit.DatabaseCache"}}
    assert ratelimit.check_ratelimit_settings() == []
    settings.MINQING_RATELIMIT_CACHE = "counters"
    assert [m.id for m in ratelimit.check_ratelimit_settings()] == ["minqing.ratelimit.E002"]
    settings.MINQING_RATELIMIT_ENABLED = False
    assert ratelimit.check_ratelimit_settings() == []


# --- the counter --------------------------------------------------------------------------


def test_the_limit_is_hit_exactly_at_n_plus_one(clock):
    results = [check("opinion:ip", "203.0.113.7", "3/m") for _ in range(5)]
    assert [r.allowed for r in results] == [True, True, True, False, False]
    assert [r.retry_after for r in results[:3]] == [0, 0, 0]
    assert results[3].retry_after == 60  # the minute window started at 15:00:00


def test_retry_after_counts_down_to_the_end_of_the_window(clock):
    clock.now = at(2026, 3, 10, 15, 20, 0)
    for _ in range(2):
        check("opinion:ip", "a", "2/h")
    assert check("opinion:ip", "a", "2/h").retry_after == 40 * 60
    clock.now += 0.5
    assert check("opinion:ip", "a", "2/h").retry_after == 40 * 60  # rounded up, never 0
    clock.now = at(2026, 3, 10, 15, 59, 59)
    assert check("opinion:ip", "a", "2/h").retry_after == 1


def test_the_count_starts_again_in_the_next_window(clock):
    clock.now = at(2026, 3, 10, 15, 59, 0)
    assert [check("b", "k", "2/h").allowed for _ in range(3)] == [True, True, False]
    clock.now = at(2026, 3, 10, 16, 0, 0)
    assert [check("b", "k", "2/h").allowed for _ in range(3)] == [True, True, False]


def test_a_day_is_a_calendar_day_in_the_local_time_zone(clock):
    # 07:59 in Shanghai is 23:59 UTC: a UTC-aligned day would reset a minute later.
    clock.now = at(2026, 3, 10, 7, 59, 0)
    assert [check("b", "k", "1/d").allowed for _ in range(2)] == [True, False]
    clock.now = at(2026, 3, 10, 8, 1, 0)
    result = check("b", "k", "1/d")
    assert not result.allowed
    assert result.retry_after == 16 * 3600 - 60  # until midnight in Shanghai
    clock.now = at(2026, 3, 11, 0, 0, 0)
    assert check("b", "k", "1/d").allowed


def test_buckets_and_keys_count_separately(clock):
    assert check("b", "one", "1/h").allowed
    assert check("b", "two", "1/h").allowed
    assert check("c", "one", "1/h").allowed
    assert not check("b", "one", "1/h").allowed


def test_keys_are_stored_only_as_hmacs(clock, settings):
    request = post("198.51.100.23")
    enforce(request, bucket="opinion", phone="+86 138-0000-1234")
    keys = list(caches["default"]._cache)
    assert len(keys) == 2
    for key in keys:
        for secret in ("13800001234", "0000", "1234", "198.51.100.23", "198.51"):
            assert secret not in key
    assert any(ratelimit.hash_key("opinion:phone", PHONE) in key for key in keys)
    # The HMAC depends on SECRET_KEY: a copy of the cache cannot be matched to a phone
    # by hashing every mobile number without the key.
    digest = ratelimit.hash_key("opinion:phone", PHONE)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert ratelimit.hash_key("opinion:phone", PHONE) != digest


def test_a_bad_bucket_name_is_refused():
    with pytest.raises(ValueError, match="bucket"):
        check("has space", "k", "1/h")


def test_when_disabled_nothing_is_counted_or_refused(clock, settings):
    settings.MINQING_RATELIMIT_ENABLED = False
    for _ in range(30):
        enforce(post(), bucket="opinion", phone=PHONE)
        assert check("b", "k", "1/h").allowed
    assert list(caches["default"]._cache) == []


def test_a_broken_cache_lets_the_request_through(clock, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(caches["default"], "add", broken)
    assert check("b", "k", "1/h").allowed
    assert check("b", "k", "1/h").allowed
    assert "rate limit counter unavailable" in caplog.text


# --- enforce: the policies ------------------------------------------------------------------


def test_the_ip_limit_applies_to_every_phone(clock, settings):
    settings.MINQING_RATELIMIT_IP = "3/h"
    for i in range(3):
        enforce(post(), bucket="opinion", phone=f"1380000000{i}")
    with pytest.raises(RateLimited) as caught:
        enforce(post(), bucket="opinion", phone="13800000009")
    assert caught.value.retry_after == 3600
    enforce(post("203.0.113.8"), bucket="opinion", phone="13800000009")  # another IP


def test_the_phone_limit_applies_across_ips(clock):
    # Default 5/d per phone: five networks, then the sixth is refused.
    for i in range(5):
        enforce(post(f"203.0.113.{i}"), bucket="opinion", phone="138 0000 1234")
    with pytest.raises(RateLimited) as caught:
        enforce(post("203.0.113.99"), bucket="opinion", phone="+8613800001234")
    assert caught.value.retry_after == 9 * 3600  # 15:00 → midnight
    enforce(post("203.0.113.99"), bucket="opinion", phone="13900001234")  # another phone


def test_a_request_refused_on_its_ip_does_not_use_up_the_phone(clock, settings):
    settings.MINQING_RATELIMIT_IP = "1/h"
    settings.MINQING_RATELIMIT_PHONE = "2/d"
    enforce(post(), bucket="opinion", phone="13900000000")
    for _ in range(5):
        with pytest.raises(RateLimited):
            enforce(post(), bucket="opinion", phone=PHONE)
    enforce(post("203.0.113.8"), bucket="opinion", phone=PHONE)
    enforce(post("203.0.113.9"), bucket="opinion", phone=PHONE)


def test_each_submission_bucket_has_its_own_counters(clock, settings):
    settings.MINQING_RATELIMIT_IP = "1/h"
    enforce(post(), bucket="opinion")
    enforce(post(), bucket="meeting")
    with pytest.raises(RateLimited):
        enforce(post(), bucket="opinion")


def test_the_track_bucket_has_its_own_ip_and_code_limits(clock, settings):
    settings.MINQING_RATELIMIT_IP = "1/h"  # the submission limit does not apply
    for i in range(30):
        enforce(post(), bucket="track", code=f"code{i}")
    with pytest.raises(RateLimited) as caught:
        enforce(post(), bucket="track", code="other")
    assert caught.value.lookup
    assert caught.value.message.startswith("查询过于频繁")


def test_one_tracking_code_cannot_be_tried_from_many_ips(clock):
    # Guessing the last four digits of the phone from a botnet: 10/h per code.
    for i in range(10):
        enforce(post(f"203.0.113.{i}"), bucket="track", code="abcd-efgh-jk")
    with pytest.raises(RateLimited):
        enforce(post("198.51.100.1"), bucket="track", code="ABCDEFGHJK")


def test_a_key_the_policy_does_not_limit_is_a_programming_error(clock):
    with pytest.raises(ValueError, match="no per-phone limit"):
        enforce(post(), bucket="track", code="ABCD", phone=PHONE)
    with pytest.raises(ValueError, match="no per-code limit"):
        enforce(post(), bucket="opinion", code="ABCD")
    assert list(caches["default"]._cache) == []  # nothing was counted


# --- the client's address -------------------------------------------------------------------


def test_client_ip_is_remote_addr_unless_the_proxy_is_trusted(settings):
    request = post("10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.1")
    assert ratelimit.client_ip(request) == "10.0.0.1"
    settings.MINQING_TRUST_X_FORWARDED_FOR = True
    assert ratelimit.client_ip(request) == "203.0.113.5"


def test_an_ipv6_client_counts_as_its_slash_64():
    a = ratelimit.client_ip(post("2001:db8:1:2::1"))
    b = ratelimit.client_ip(post("2001:db8:1:2:ffff:ffff:ffff:ffff"))
    c = ratelimit.client_ip(post("2001:db8:1:3::1"))
    assert a == b == "2001:db8:1:2::/64"
    assert c != a
    assert ratelimit.client_ip(post("::ffff:203.0.113.7")) == "203.0.113.7"
    assert ratelimit.client_ip(RequestFactory().post("/", REMOTE_ADDR="")) == "unknown"


# --- the answers ----------------------------------------------------------------------------


def _submit(request: HttpRequest) -> HttpResponse:
    enforce(request, bucket="opinion", phone=request.POST.get("phone"))
    return HttpResponse("ok")


_api = NinjaAPI(urls_namespace="ratelimit-test-api")


@_api.exception_handler(RateLimited)
def _rate_limited(request, exc):
    # The handler minqing/api.py registers (see the module docstring of ratelimit).
    response = _api.create_response(request, {"detail": exc.message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@_api.post("/track", auth=None)
def _track(request, code: str):
    enforce(request, bucket="track", code=code)
    return {"ok": True}


urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),  # the language switcher of the layout
    path("submit/", _submit),
    path("api/", _api.urls),
    path("api/raw/", _submit),  # an /api/ path without the ninja handler
]


@pytest.fixture
def with_middleware(settings):
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "minqing.core.ratelimit.RateLimitMiddleware"]


def test_the_page_is_a_friendly_429_in_chinese_with_retry_after(client, clock, with_middleware):
    clock.now = at(2026, 3, 10, 15, 50, 0)
    for _ in range(5):
        assert client.post("/submit/", {"phone": PHONE}).status_code == 200
    response = client.post("/submit/", {"phone": PHONE}, HTTP_REFERER="http://testserver/s/ABCD/")
    assert response.status_code == 429
    assert response["Retry-After"] == str(8 * 3600 + 10 * 60)
    page = response.content.decode()
    assert "提交过于频繁，请 9 小时后再试。如有急事请直接拨打联络站电话。" in page
    assert "您刚才填写的内容还没有提交" in page
    assert 'href="http://testserver/s/ABCD/"' in page  # back to the form
    assert PHONE not in page
    assert "人大代表联络站" in page  # the public layout


def test_the_page_says_minutes_for_short_waits_and_never_links_offsite(
    client, clock, settings, with_middleware
):
    settings.MINQING_RATELIMIT_IP = "1/h"
    clock.now = at(2026, 3, 10, 15, 45, 30)
    client.post("/submit/")
    response = client.post("/submit/", HTTP_REFERER="https://evil.example/phish")
    assert response.status_code == 429
    assert response["Retry-After"] == str(14 * 60 + 30)
    page = response.content.decode()
    assert "提交过于频繁，请 15 分钟后再试。" in page
    assert "evil.example" not in page


def test_the_page_follows_the_language(client, clock, settings, with_middleware):
    settings.MINQING_RATELIMIT_IP = "1/h"
    client.post("/submit/")
    response = client.post("/submit/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert 'lang="en"' in response.content.decode()


def test_the_api_answers_429_json_with_retry_after(client, clock, with_middleware):
    for _ in range(10):
        assert client.post("/api/track?code=ABCD").status_code == 200
    response = client.post("/api/track?code=ABCD")
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert response.json() == {"detail": "查询过于频繁，请 60 分钟后再试。"}


def test_an_api_path_without_the_handler_still_gets_json(client, clock, settings, with_middleware):
    settings.MINQING_RATELIMIT_IP = "1/h"
    client.post("/api/raw/")
    response = client.post("/api/raw/")
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert response.json()["detail"].startswith("提交过于频繁")


def test_without_the_middleware_the_exception_is_not_swallowed(client, clock, settings):
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "minqing.core.ratelimit.RateLimitMiddleware"
    ]
    settings.MINQING_RATELIMIT_IP = "1/h"
    client.raise_request_exception = True
    client.post("/submit/")
    with pytest.raises(RateLimited):
        client.post("/submit/")


# --- the database cache -----------------------------------------------------------------------


@pytest.fixture
def db_cache(settings, db):
    settings.CACHES = {
        "default": {
            "BACKEND": "minqing.core.ratelimit.DatabaseCache",
            "LOCATION": "minqing_cache_test",
            "TIMEOUT": 300,
        }
    }
    call_command("createcachetable", verbosity=0)
    return caches["default"]


def _expires(key: str):
    cache = caches["default"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT expires FROM minqing_cache_test WHERE cache_key = %s",
            [cache.make_and_validate_key(key)],
        )
        return cursor.fetchone()[0]


def test_the_database_cache_incr_keeps_the_expiry(db_cache):
    db_cache.add("counter", 1, 86400)
    before = _expires("counter")
    assert db_cache.incr("counter") == 2
    assert db_cache.incr("counter", 5) == 7
    assert db_cache.decr("counter") == 6
    assert db_cache.get("counter") == 6
    # Django's own incr would have rewritten it to now + TIMEOUT (300 s).
    assert _expires("counter") == before


def test_the_database_cache_incr_refuses_missing_and_expired_keys(db_cache):
    with pytest.raises(ValueError):
        db_cache.incr("missing")
    db_cache.set("old", 1, -1)
    with pytest.raises(ValueError):
        db_cache.incr("old")


def test_the_limiter_counts_in_the_database_cache_across_a_day(db_cache, clock):
    # Increments 301 s apart: with Django's stock DatabaseCache (TIMEOUT 300) the counter
    # would expire between them and the daily limit would never be reached.
    clock.now = at(2026, 3, 10, 9, 0, 0)
    results = []
    for _ in range(6):
        results.append(check("opinion:phone", PHONE, "5/d").allowed)
        clock.now += 301
    assert results == [True] * 5 + [False]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_increments_are_not_lost(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot take concurrent writers")
    settings.CACHES = {
        "default": {
            "BACKEND": "minqing.core.ratelimit.DatabaseCache",
            "LOCATION": "minqing_cache_test",
        }
    }
    call_command("createcachetable", verbosity=0)
    caches["default"].add("counter", 0, 3600)
    threads, per_thread = 8, 25
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(per_thread):
                caches["default"].incr("counter")
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    try:
        assert errors == []
        assert caches["default"].get("counter") == threads * per_thread
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE minqing_cache_test")
