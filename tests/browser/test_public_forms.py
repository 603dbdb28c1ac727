"""The citizen's pages in headless Chromium on a 390 px phone: the forms fit the screen,
the counter, location button, region cascade (htmx) and double-tap guard work, and a
photo goes through to a tracking code."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from minqing.opinions.models import Opinion, OpinionFile
from tests.browser.conftest import PHONE
from tests.opinions.factories import make_world

# serialized_rollback: keep the calendar a data migration seeds (see tests/browser).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def world(tree):
    return make_world(tree)


TEXT = "望江社区3号楼前的路灯坏了两个多月，晚上出行很不方便，请尽快修复。"


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        geolocation={"latitude": 30.251234, "longitude": 120.161234, "accuracy": 20},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (120, 90), (180, 40, 40)).save(buf, "JPEG")
    return buf.getvalue()


def test_station_form_on_a_phone_with_photo_and_location(live_server, world, phone_page):
    page = phone_page
    page.goto(f"{live_server.url}/s/{world.station.code}/")
    page.get_by_role("link", name="在线反映").click()
    page.wait_for_url("**/o/s/**")
    assert fits(page)
    page.fill("#id_text", TEXT)
    counter = page.locator('[data-counter-for="id_text"]')
    assert counter.inner_text() == str(len(TEXT))
    page.locator('label[for="id_kind_1"]').click()  # 求助
    page.set_input_files(
        "#id_photos", files=[{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    page.get_by_role("button", name="使用当前位置").click()
    page.wait_for_function("() => document.querySelector('[name=latitude]').value !== ''")
    page.fill("#id_citizen_name", "王秀英")
    page.fill("#id_citizen_phone", "13812345678")
    page.check("#id_consent")
    assert fits(page)
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/o/done/")
    assert fits(page)
    opinion = Opinion.objects.get()
    code_text = page.locator("#tracking-code").inner_text().replace("-", "")
    assert code_text == opinion.code
    assert str(opinion.latitude) == "30.251234"
    assert OpinionFile.objects.filter(opinion=opinion).count() == 1

    page.get_by_role("link", name="查看办理进度").click()
    page.wait_for_url("**/o/track/view/**")
    assert "已受理" in page.locator("#timeline").inner_text()
    assert page.locator("#matter img").count() == 1
    # The thumbnail loads lazily: bring it on screen, then it must decode (served by
    # citizen:photo to this session).
    page.locator("#matter img").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('#matter img'); "
        "return i.complete && i.naturalWidth > 0; }"
    )
    assert fits(page)


def _picker_levels(page, n: int) -> None:
    """Wait for the picker to show ``n`` selects and for htmx to have settled it: a change
    made before htmx processes the swapped-in selects sends no request (a race that a
    loaded machine exposes)."""
    page.wait_for_function(
        "n => document.querySelectorAll('#region-picker select').length === n"
        " && !document.querySelector('.htmx-added, .htmx-settling, .htmx-swapping, .htmx-request')",
        arg=n,
    )


def test_web_form_region_cascade_and_errors_on_a_phone(live_server, world, phone_page):
    page = phone_page
    page.goto(f"{live_server.url}/o/")
    assert fits(page)
    picker = page.locator("#region-picker select")
    assert picker.count() == 2  # 澜江省 (the only province) and its cities
    picker.nth(1).select_option(label="澜州市")
    _picker_levels(page, 3)
    page.locator("#region-picker select").nth(2).select_option(label="滨江区")
    _picker_levels(page, 4)
    page.locator("#region-picker select").nth(3).select_option(label="江滨街道")
    _picker_levels(page, 5)
    page.locator("#region-picker select").nth(4).select_option(label="柳岸社区")
    page.wait_for_load_state("networkidle")

    # First with a mistake: the page comes back with the errors and what was typed.
    page.fill("#id_text", "太短")
    page.locator('label[for="id_kind_4"]').click()  # 建议
    page.fill("#id_citizen_name", "王秀英")
    page.fill("#id_citizen_phone", "13812345678")
    page.check("#id_consent")
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("#form-errors")
    assert "至少需要 10 个字" in page.inner_text("#field-text")
    assert page.input_value("#id_citizen_name") == "王秀英"
    assert page.locator("#region-picker select").count() == 5  # the cascade is kept
    assert fits(page)

    page.fill("#id_text", TEXT)
    page.check("#id_consent")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/o/done/")
    assert Opinion.objects.get().region == world.tree.liuan


def test_track_page_fits_a_phone(live_server, world, phone_page):
    from tests.opinions.factories import drive, submit

    opinion = drive(world, submit(world), "replied")
    page = phone_page
    page.goto(f"{live_server.url}/o/track/?code={opinion.code}")
    page.fill("#id_last4", "5678")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/o/track/view/**")
    assert page.locator("#rate").is_visible()
    assert fits(page)
    page.locator('label[for="id_level_2"]').click()  # 不满意
    assert page.locator("[data-unsatisfied-hint]").is_visible()
