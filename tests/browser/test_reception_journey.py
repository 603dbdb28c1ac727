"""The issue's reception journey end to end in headless Chromium:

the office creates a unified reception day for today → puts a deputy on duty at a
station (the station's own deputy ticked, a second one found with the htmx picker) →
sends the notices → the deputy, on a phone, opens 我的履职 and checks in at the station
→ the station's staff register three opinions there through the opinions fast-entry
sheet → the office's live tally (htmx polling) shows 3 items and 1 deputy present →
the reception is in the deputy's activities and earns points.

Every step is taken on the pages, by the user whose step it is, each in their own
signed-in browser context.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from minqing.duties import views_reception
from minqing.duties.models import (
    Activity,
    DutySlot,
    ParticipationState,
    SlotState,
    UnifiedDay,
    UnifiedDayState,
)
from minqing.opinions.models import Opinion
from tests.browser.conftest import PHONE
from tests.duties.factories import make_dworld

# serialized_rollback: keep the calendar a data migration seeds (see conftest).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "pw-minqing-test"  # tests.factories.UserFactory
TITLE = "全市人大代表统一接待日"
CITIZENS = [
    ("张先生", "望江路与滨江路口红绿灯时间太短，老人过马路来不及，请延长绿灯时间。"),
    ("李女士", "小区南门外垃圾站夏天异味很大，希望增加清运次数并加装除臭设施。"),
    ("王大爷", "社区卫生服务站周末不开门，希望周末安排半天门诊方便老年人看病。"),
]


@pytest.fixture
def dw(tree):
    return make_dworld(tree)


class Desk:
    """One browser context per user, so each acts in their own session."""

    def __init__(self, browser, live_server):
        self.browser, self.live_server, self.contexts = browser, live_server, []

    def page_for(self, user, *, phone: bool = False):
        viewport = PHONE if phone else {"width": 1280, "height": 900}
        context = self.browser.new_context(
            viewport=viewport,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            is_mobile=phone,
            has_touch=phone,
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{self.live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url
        return page

    def close(self):
        for c in self.contexts:
            c.close()


@pytest.fixture
def desk(browser, live_server):
    d = Desk(browser, live_server)
    try:
        yield d
    finally:
        d.close()


def _fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def _text(page, selector: str) -> str:
    return page.locator(selector).first.inner_text().strip()


def test_unified_day_from_planning_to_the_deputys_points(dw, desk, live_server, monkeypatch):
    url = live_server.url
    # The day's page polls its tally every TALLY_POLL_SECONDS; a second keeps the wait
    # short while still going through htmx's polling (the live server shares the module).
    monkeypatch.setattr(views_reception, "TALLY_POLL_SECONDS", 1)

    # The office creates today's unified reception day for the whole city.
    office = desk.page_for(dw.office)
    office.goto(f"{url}/duties/unified/")
    office.locator("#new-day").click()
    office.wait_for_load_state()
    form = office.locator("#day-form")
    assert form.locator("select[name=region]").input_value() == str(dw.tree.city.pk)
    assert form.locator("input[name=date]").input_value() == timezone.localdate().isoformat()
    form.locator("input[name=title]").fill(TITLE)
    form.locator("textarea[name=note]").fill("请提前十分钟到站，佩戴代表证。")
    form.locator("[type=submit]").click()
    office.wait_for_load_state()
    day = UnifiedDay.objects.get()
    assert office.url.endswith(f"/duties/unified/{day.pk}/")
    assert day.posts.count() == 2 and day.date == timezone.localdate()
    assert "共 2 个联络站" in office.content()

    # It puts the station's own deputy on duty, and a second deputy found by number
    # through the htmx picker.
    post = day.posts.get(station=dw.station)
    panel = office.locator(f"#post-{post.pk} details[data-assign-panel]")
    panel.locator("summary").click()
    panel.locator(f"#seat-{post.pk}-{dw.dep.pk}").check()
    extra = dw.more[0]
    panel.locator(f"#search-{post.pk}").fill(extra.deputy_number)
    panel.locator(f"[data-found-deputy='{extra.pk}'] input").check()
    panel.locator("button[type=submit]").click()
    office.wait_for_load_state()
    assert set(DutySlot.objects.values_list("deputy_id", flat=True)) == {dw.dep.pk, extra.pk}
    assert "望江社区代表联络站值班" in office.content()

    # It notifies them: the button says how many are still to be told.
    notify = office.locator("#notify-button")
    assert "2 人未通知" in notify.inner_text()
    notify.click()
    office.wait_for_load_state()
    assert "已向 2 名代表发送值班通知。" in office.content()
    assert not DutySlot.objects.filter(notified_at__isnull=True).exists()
    # The tally shows the day before anyone came: 0 of 2 deputies present.
    assert _text(office, "[data-figure=present]") == "0"

    # The deputy, on a phone, opens 我的履职 and goes to today's reception.
    deputy = desk.page_for(dw.dep_user, phone=True)
    deputy.goto(f"{url}/duties/mine/duty/")
    slot = DutySlot.objects.get(deputy=dw.dep)
    deputy.locator(f"#slot-{slot.pk} a", has_text="今日接待").click()
    deputy.wait_for_load_state()
    assert deputy.url.endswith(f"/duties/reception/{dw.station.pk}/")
    assert "今天是统一接待日" in deputy.content()
    assert _fits(deputy)
    deputy.locator("#check-in-self").click()
    deputy.locator("#my-checked-in").wait_for()
    assert f"{dw.dep.name}已签到" in _text(deputy, "#station-notice")
    assert _fits(deputy)
    slot.refresh_from_db()
    assert slot.state == SlotState.PRESENT
    day.refresh_from_db()
    assert day.state == UnifiedDayState.ONGOING  # the first check-in opened the day

    # The station's staff open the station's page and register three opinions
    # through the fast-entry sheet it links to.
    staff = desk.page_for(dw.station_staff)
    staff.goto(f"{url}/duties/reception/")
    assert staff.url.endswith(f"/duties/reception/{dw.station.pk}/")
    assert staff.locator(f"[data-deputy='{dw.dep.pk}'] [data-checked-in]").count() == 1
    staff.locator("#fast-entry-link").click()
    staff.wait_for_load_state()
    assert dw.station.name in _text(staff, "#fast-session")
    for i, (name, text) in enumerate(CITIZENS, start=1):
        row = staff.locator("#fast-form")
        row.locator("input[name=citizen_name]").fill(name)
        row.locator("[name=text]").fill(text)
        row.locator("[name=text]").press("Enter")
        staff.locator("#fast-saved tr[id^=fast-row-]").nth(i - 1).wait_for()
        assert name in _text(staff, "#fast-status")
    assert Opinion.objects.filter(station=dw.station, channel="visit").count() == 3

    # The office's page, still open, follows the day: its polled tally shows the three
    # items and the deputy present, without a reload.
    office.wait_for_function(
        "() => document.querySelector('[data-figure=items]').textContent.trim() === '3'",
        timeout=15_000,
    )
    assert _text(office, "[data-figure=present]") == "1"
    assert _text(office, "#tally-present") == "1/2"
    assert _text(office, "#tally-stations") == "1/2"
    assert _text(office, "[data-figure=voters]") == "3"
    station_row = office.locator(f"[data-tally-station='{dw.station.pk}']")
    assert re.sub(r"\s+", " ", station_row.inner_text()).strip().endswith("1/2 3 3 0")

    # The staff count a visitor who only asked a question; the station's figures follow.
    staff.goto(f"{url}/duties/reception/{dw.station.pk}/")
    staff.locator("button[data-visitors='1']").click()
    staff.locator("#station-notice").wait_for()
    assert _text(staff, "#figure-voters") == "4" and _text(staff, "#figure-items") == "3"

    # The reception is in the deputy's activities, confirmed, and earns points.
    activity = Activity.objects.get(kind="reception", station=dw.station)
    assert activity.unified_post_id == post.pk and activity.extra_visitors == 1
    assert activity.participations.get(deputy=dw.dep).state == ParticipationState.CONFIRMED
    deputy.goto(f"{url}/duties/mine/duty/")
    recent = deputy.locator("#recent")
    assert recent.get_by_text(activity.title).count() == 1
    assert _fits(deputy)
    # The deputy's 选民接待台账 (their ledger of receptions) has the day's row.
    deputy.goto(f"{url}{reverse('duties:ledger')}?subject=deputy&id={dw.dep.pk}&book=receptions")
    row = deputy.locator("#ledger-table tbody tr", has_text=activity.title)
    assert row.count() == 1
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    assert cells[1:] == [dw.station.name, activity.title, "统一接待日", dw.dep.name, "4", "3", "0"]
    deputy.goto(f"{url}/duties/mine/duty/")
    deputy.locator("#points-link").click()
    deputy.wait_for_load_state()
    assert deputy.url.endswith(f"/duties/deputies/{dw.dep.pk}/points/")
    reception = deputy.locator("#source-reception")
    assert reception.get_by_text(activity.title).count() == 1
    assert deputy.locator("#sum-reception").count() == 1
