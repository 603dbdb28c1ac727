"""The session's batch-assignment screen in headless Chromium: pick a unit by typing part
of its name, apply one choice to the checked rows, and confirm."""

from __future__ import annotations

import pytest

from minqing.suggestions.models import Assignment, AssignmentBatch
from tests.suggestions.factories import make_sworld
from tests.suggestions.factories_office import bulk_accepted, u

LEAD = "澜州市住房和城乡建设局"
CO = "澜州市交通运输局"
SPARE = "澜州市城市管理局"


@pytest.fixture
def sw(tree):
    return make_sworld(tree)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_batch_screen_in_a_browser(browser, live_server, sw):
    """Pick a unit by typing part of its name, apply one choice to the checked rows, and
    confirm: the page's script, end to end."""
    a, b, c = bulk_accepted(sw, 3)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", sw.office.username)
        page.fill("#id_password", "pw-minqing-test")
        page.press("#id_password", "Enter")
        page.wait_for_load_state()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{live_server.url}{u('batch_assign')}")
        first = page.locator(f'input[name="u-{a.pk}"]')
        first.click()
        first.type("住建")
        page.get_by_role("option", name=LEAD).click()
        assert first.input_value() == f"{LEAD}、"
        assert page.locator(f"#row-{a.pk} [data-summary]").inner_text() == f"主办：{LEAD}"
        page.locator(f"#row-{b.pk} input[data-check]").check()
        page.locator(f"#row-{c.pk} input[data-check]").check()
        page.locator("select[data-bulk-mode]").select_option("separate")
        bulk = page.locator("input[data-bulk-units]")
        bulk.click()
        bulk.type("交通")
        bulk.press("ArrowDown")
        bulk.press("Enter")
        bulk.type("城市")
        page.get_by_role("option", name=SPARE).click()
        page.locator("[data-bulk-apply]").click()
        for item in (b, c):
            assert page.locator(f'input[name="u-{item.pk}"]').input_value() == f"{CO}、{SPARE}、"
            assert page.locator(f'select[name="m-{item.pk}"]').input_value() == "separate"
        button = page.locator("button[data-confirm-button]")
        assert button.inner_text() == "确认交办（3 件）"
        page.once("dialog", lambda dialog: dialog.accept())
        button.click()
        page.wait_for_url("**/batches/*/")
        assert "批量交办结果" in page.content()
        assert errors == []
    finally:
        context.close()
    batch = AssignmentBatch.objects.get()
    assert batch.size == 3
    roles = set(Assignment.objects.filter(batch=batch).values_list("suggestion_id", "role"))
    assert roles == {(a.pk, "lead"), (b.pk, "separate"), (c.pk, "separate")}
