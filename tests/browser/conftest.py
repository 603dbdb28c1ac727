"""Shared Playwright fixtures: Debian's Chromium (never `playwright install`), headless,
on a phone-sized viewport, against pytest-django's ``live_server``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}

# Playwright's sync API runs an event loop in the test thread; the ORM must stay usable
# there (the live server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium package to run browser tests")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API moves the test thread into its own greenlet, where Django's
    # context-local connection objects are new ones, without the data that
    # serialized_rollback restores after a transactional test's flush (e.g. the holiday
    # calendar a data migration seeds). Carry it over.
    serialized = {
        conn.alias: conn._test_serialized_contents
        for conn in connections.all()
        if hasattr(conn, "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def phone(browser):
    """A fresh phone-sized browser context (390×844, touch, zh-CN)."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def phone_page(phone):
    page = phone.new_page()
    page.set_default_timeout(15_000)
    return page
