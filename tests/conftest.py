"""Fixtures every test may use.

``tree`` is a small region tree, fictional like the demo city:

    000000 中华人民共和国
      990000 澜江省
        990100 澜州市
          990102 滨江区
            990102001 江滨街道
              990102001001 望江社区
              990102001002 柳岸社区
          990103 云溪区
            990103101 云溪镇
              990103101201 石桥村
        990200 临川市            (outside 澜州市: the "out of scope" region)
          990202 东湖区
"""

from __future__ import annotations

import logging
import os
from types import SimpleNamespace

import pytest
from django.utils import translation

from minqing.core.models import RegionLevel as L
from tests.factories import region

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be
# usable there (the live server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The permission matrices provoke hundreds of 401/403/404s on purpose; Django logs each
# as a warning to the real stderr, which buries real failures in the test output.
logging.getLogger("django.request").setLevel(logging.ERROR)
logging.getLogger("django.server").setLevel(logging.ERROR)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "minqing-tests",
        }
    }
    # Every test client is 127.0.0.1: counters must not add up across tests, and fuzzers
    # post far more than 20/h. Tests of the limits switch them on themselves.
    settings.MINQING_RATELIMIT_ENABLED = False
    settings.MINQING_SMS_BACKEND = "minqing.notify.sms.LocmemBackend"
    from minqing.notify import sms

    sms.outbox.clear()
    from django.core.cache import caches

    cache = caches["default"]
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # LocaleMiddleware activates a request's language in the thread and leaves it there: a
    # test that requests an English page would otherwise make the next test on the same
    # worker (calling gettext directly) see English instead of the default Chinese.
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def tree(db):
    nation = region("000000", "中华人民共和国", L.NATION, None)
    province = region("990000", "澜江省", L.PROVINCE, nation, "省")
    city = region("990100", "澜州市", L.CITY, province, "地级市")
    binjiang = region("990102", "滨江区", L.COUNTY, city, "市辖区")
    street = region("990102001", "江滨街道", L.TOWNSHIP, binjiang, "街道")
    wangjiang = region("990102001001", "望江社区", L.VILLAGE, street, "社区")
    liuan = region("990102001002", "柳岸社区", L.VILLAGE, street, "社区")
    yunxi = region("990103", "云溪区", L.COUNTY, city, "市辖区")
    town = region("990103101", "云溪镇", L.TOWNSHIP, yunxi, "镇")
    village = region("990103101201", "石桥村", L.VILLAGE, town, "村")
    other_city = region("990200", "临川市", L.CITY, province, "地级市")
    donghu = region("990202", "东湖区", L.COUNTY, other_city, "市辖区")
    return SimpleNamespace(
        nation=nation,
        province=province,
        city=city,
        binjiang=binjiang,
        street=street,
        wangjiang=wangjiang,
        liuan=liuan,
        yunxi=yunxi,
        town=town,
        village=village,
        other_city=other_city,
        donghu=donghu,
    )


def pytest_collection_modifyitems(config, items):
    """Every transactional test must use serialized_rollback. A plain flush re-creates
    the content types and empties the data migrations' rows (the holiday calendar); the
    next serialized test's restore then collides with those content types (an
    IntegrityError that depends on which tests share a worker)."""
    wrong = []
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = "transactional_db" in getattr(item, "fixturenames", ())
        if marker is not None:
            transactional = transactional or marker.kwargs.get("transaction", False)
            serialized = marker.kwargs.get("serialized_rollback", False)
        else:
            serialized = False
        if transactional and not serialized:
            wrong.append(item.nodeid)
    if wrong:
        raise pytest.UsageError(
            "transactional tests without serialized_rollback=True:\n  " + "\n  ".join(wrong)
        )
