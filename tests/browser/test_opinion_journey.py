"""The 民情 loop end to end in headless Chromium, the citizen on a phone:

a citizen opens a station's QR URL → submits with a photo → gets a tracking code; the
office forwards it; the unit signs and replies; the citizen rates 不满意; the unit
replies again; the citizen rates 满意 → closed.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from minqing.opinions.models import Opinion, OpinionFile, OpinionState
from minqing.stations import qr
from tests.browser.conftest import PHONE
from tests.opinions.factories import make_world

# serialized_rollback: keep the calendar a data migration seeds (see conftest).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "pw-minqing-test"  # tests.factories.UserFactory
MATTER = "望江社区3号楼前的两盏路灯坏了两个多月，晚上老人出行很不方便，请尽快修复。"
FIRST_REPLY = "已派维修班组到现场查看，两盏路灯灯头损坏，已于本周更换，恢复照明。"
SECOND_REPLY = "经复查发现线路老化导致灯头反复烧坏，已整段更换线路，并纳入每月巡查。"


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (160, 120), (200, 60, 40)).save(buf, "JPEG")
    return buf.getvalue()


def _fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def desk(browser):
    """A desktop browser context for the staff."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        yield context
    finally:
        context.close()


def _staff_page(desk, live_server, user):
    desk.clear_cookies()
    page = desk.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url
    return page


def _detail(page, live_server, opinion):
    page.goto(f"{live_server.url}/opinions/{opinion.pk}/")
    return page


def _rate(phone_page, level_label: str, comment: str = "") -> None:
    form = phone_page.locator("form[data-rate]")
    form.get_by_text(level_label, exact=True).click()
    if comment:
        form.locator("textarea[name=comment]").fill(comment)
    form.locator("[type=submit]").click()
    phone_page.wait_for_load_state()


def _unit_reply(page, text: str) -> None:
    form = page.locator("form[action$='/reply/']")
    form.locator("textarea[name=public_text]").fill(text)
    form.locator("select[name=resolution]").select_option("solved")
    form.locator("[type=submit]").click()
    page.wait_for_load_state()


def test_citizen_to_unit_and_back_until_closed(
    live_server, settings, tree, browser, desk, tmp_path
):
    settings.MINQING_PUBLIC_URL = live_server.url
    world = make_world(tree)
    citizen = browser.new_context(
        viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    phone_page = citizen.new_page()
    phone_page.set_default_timeout(15_000)
    try:
        # 1. The citizen scans the station's code and raises the matter with a photo.
        phone_page.goto(qr.public_url(world.station))
        phone_page.get_by_role("link", name="在线反映").click()
        phone_page.wait_for_load_state()
        assert _fits(phone_page)
        phone_page.fill("textarea[name=text]", MATTER)
        phone_page.locator("#field-kind").get_by_text("求助", exact=True).click()
        photo = tmp_path / "路灯.jpg"
        photo.write_bytes(_jpeg())
        phone_page.set_input_files("input[name=photos]", str(photo))
        phone_page.fill("input[name=address]", "望江社区3号楼")
        phone_page.fill("input[name=citizen_name]", "王秀英")
        phone_page.fill("input[name=citizen_phone]", "13812345678")
        phone_page.check("input[name=consent]")
        phone_page.click("#opinion-form [type=submit]")
        phone_page.wait_for_load_state()
        code_shown = phone_page.locator("#tracking-code").inner_text().replace("-", "")
        opinion = Opinion.objects.get()
        assert code_shown == opinion.code and opinion.station == world.station
        assert OpinionFile.objects.filter(opinion=opinion, kind="photo").count() == 1

        # 2. The office forwards it to the city's housing bureau.
        office = _detail(_staff_page(desk, live_server, world.office), live_server, opinion)
        assert MATTER in office.content()
        forward = office.locator("form[action$='/forward/']")
        forward.locator("select[name=unit]").select_option(str(world.unit.pk))
        forward.locator("[type=submit]").click()
        office.wait_for_load_state()
        opinion.refresh_from_db()
        assert opinion.state == OpinionState.FORWARDED and opinion.unit == world.unit

        # 3. The unit signs and replies.
        unit = _detail(_staff_page(desk, live_server, world.unit_staff), live_server, opinion)
        unit.locator("form[action$='/sign/'] [type=submit]").click()
        unit.wait_for_load_state()
        _unit_reply(unit, FIRST_REPLY)
        opinion.refresh_from_db()
        assert opinion.state == OpinionState.REPLIED

        # 4. Days later, from the texted link in a fresh browser, the citizen looks it up
        #    with the code and the last four digits of the phone, and rates 不满意.
        citizen.close()
        citizen = browser.new_context(
            viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True, locale="zh-CN"
        )
        phone_page = citizen.new_page()
        phone_page.set_default_timeout(15_000)
        phone_page.goto(f"{live_server.url}/o/track/?code={opinion.code}")
        phone_page.fill("input[name=last4]", "5678")
        phone_page.click("#track-form [type=submit]")
        phone_page.wait_for_load_state()
        page_text = phone_page.content()
        assert FIRST_REPLY in page_text and world.unit.name in page_text
        assert "王秀英" not in page_text and "13812345678" not in page_text
        assert _fits(phone_page)
        _rate(phone_page, "不满意", "灯修好两天又不亮了，希望彻底解决。")
        opinion.refresh_from_db()
        assert opinion.state == OpinionState.HANDLING and opinion.rehandle_count == 1

        # 5. The unit handles it again and replies.
        unit = _detail(_staff_page(desk, live_server, world.unit_staff), live_server, opinion)
        _unit_reply(unit, SECOND_REPLY)
        opinion.refresh_from_db()
        assert opinion.state == OpinionState.REPLIED

        # 6. The citizen is satisfied: closed.
        phone_page.reload()
        assert SECOND_REPLY in phone_page.content()
        _rate(phone_page, "满意")
        opinion.refresh_from_db()
        assert opinion.state == OpinionState.CLOSED and opinion.satisfaction == "satisfied"
        assert "已办结" in phone_page.content()
    finally:
        citizen.close()
