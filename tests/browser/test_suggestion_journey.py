"""The 议案建议 loop end to end in headless Chromium, as the issue names it:

two deputies co-sign → the office assigns to a lead and a co-handler → the co-handler
sends its view → the lead replies class B → the deputy rates 不满意 → re-handled → 满意
→ the commitment is fulfilled → the public page shows the reply.

Every step is taken on the pages (forms, htmx pickers, uploads), by the user whose step
it is, each in their own signed-in session.
"""

from __future__ import annotations

import datetime as dt

import pytest

from minqing.suggestions.models import Commitment, Suggestion, SuggestionState
from tests.browser.conftest import PHONE
from tests.opinions.helpers import minimal_pdf
from tests.suggestions.factories import make_sworld

# serialized_rollback: keep the calendar a data migration seeds (see conftest).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "pw-minqing-test"  # tests.factories.UserFactory
TITLE = "关于加快老旧小区加装电梯的建议"
GROUNDS = "我市建成于2000年以前的老旧小区多为六层以下住宅，老年住户上下楼困难，群众反映强烈。"
PROPOSAL = "建议简化加装电梯审批流程，提高财政补贴标准，由街道牵头协调低层住户意见。"
VIEW = "建议同步优化小区周边公交站点设置，方便老年人出行，我局将配合做好道路占用审批。"
FIRST_REPLY = (
    "经研究，我局已会同市财政局起草老旧小区加装电梯补贴办法修订稿，拟将补贴标准由每台"
    "20万元提高到25万元，并压缩审批时限，计划年内印发实施。"
)
SECOND_REPLY = (
    "根据代表意见，我局进一步简化审批：加装电梯由街道一窗受理、并联审批，15个工作日内"
    "办结；补贴办法修订稿已报市政府常务会议审议，计划年内印发实施，今年完成加装120台。"
)
PHONE_NUMBER = "13900001234"
PROMISE = "年内印发老旧小区加装电梯补贴办法并组织实施"


def _fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def sw(tree):
    return make_sworld(tree)


class Desk:
    """One browser context per user, so each acts in their own session."""

    def __init__(self, browser, live_server):
        self.browser, self.live_server, self.contexts = browser, live_server, []

    def page_for(self, user, *, phone: bool = False):
        viewport = PHONE if phone else {"width": 1280, "height": 900}
        context = self.browser.new_context(viewport=viewport, locale="zh-CN")
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


def _submit(form) -> None:
    form.locator("[type=submit]").first.click()
    form.page.wait_for_load_state()


def _open(page, url: str, suggestion: Suggestion) -> None:
    page.goto(f"{url}/suggestions/{suggestion.pk}/")


def _unit_reply(page, part_pk: int, text: str, promise: str) -> None:
    form = page.locator(f"#reply-form-{part_pk}")
    form.locator("input[type=radio][value=B]").check()
    form.locator("textarea[name$='reply-text']").fill(text)
    form.locator("input[name$='reply-signed_by']").fill("张建国")
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "答复函.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf()}]
    )
    form.locator("textarea[name$='commit-0-text']").fill(promise)
    form.locator("input[name$='commit-0-due_date']").fill(f"{dt.date.today().year}-12-31")
    _submit(form)


def _rate(page, level: str, comment: str = "") -> None:
    form = page.locator("form[id^=feedback-form-]").first
    form.locator(f"input[name$=result_level][value={level}]").check()
    form.locator("input[name$=contact_level][value=satisfied]").check()
    if comment:
        form.locator("textarea[name$=comment]").fill(comment)
    _submit(form)


def test_two_deputies_cosign_and_the_reply_goes_public(sw, desk, live_server):
    url = live_server.url

    # The lead deputy drafts on a phone and invites a co-signer through the picker.
    lead = desk.page_for(sw.lead_user, phone=True)
    lead.goto(f"{url}/suggestions/new/")
    lead.fill("input[name=title]", TITLE)
    lead.fill("textarea[name=grounds]", GROUNDS)
    lead.fill("textarea[name=proposal]", PROPOSAL)
    lead.fill("input[name=contact_phone]", PHONE_NUMBER)
    lead.fill("#cosigner-search", sw.co.name)
    lead.locator("#cosigner-results button").first.click()
    lead.locator(f"#cosigner-chips input[value='{sw.co.pk}']").wait_for()
    assert _fits(lead)
    lead.locator("form[method=post] [type=submit]").last.click()
    lead.wait_for_load_state()
    s = Suggestion.objects.get(title=TITLE)
    assert s.signers.count() == 2

    # The co-signer confirms in their own account, from their workbench.
    co = desk.page_for(sw.co_user)
    co.goto(f"{url}/suggestions/mine/")
    co.get_by_role("button", name="同意联名").click()
    co.wait_for_load_state()
    assert s.signers.filter(state="confirmed").count() == 2

    # The lead submits.
    _open(lead, url, s)
    _submit(lead.locator("#submit-form"))
    s.refresh_from_db()
    assert s.state == SuggestionState.SUBMITTED and s.number == 1

    # The office accepts and assigns to a lead unit with a co-handler.
    office = desk.page_for(sw.office)
    _open(office, url, s)
    _submit(office.locator("form[action$='/accept/']"))
    assign = office.locator("form[action$='/assign/']")
    assign.locator("select[name$=lead_unit]").select_option(str(sw.lead_unit.pk))
    assign.locator("select[name$=co_units]").select_option([str(sw.co_unit.pk)])
    _submit(assign)
    s.refresh_from_db()
    assert s.state == SuggestionState.ASSIGNED
    lead_part = s.assignments.get(unit=sw.lead_unit)
    co_part = s.assignments.get(unit=sw.co_unit)

    # The co-handler signs and sends its view to the lead unit.
    co_unit = desk.page_for(sw.co_staff)
    _open(co_unit, url, s)
    _submit(co_unit.locator(f"form[action$='/parts/{co_part.pk}/accept/']"))
    view = co_unit.locator(f"form[action$='/parts/{co_part.pk}/view/']")
    view.locator("textarea").fill(VIEW)
    _submit(view)
    co_part.refresh_from_db()
    assert co_part.state == "answered"

    # The lead unit signs, records its contact with the deputy, reads the view and
    # replies class B with a promise and the signed PDF.
    unit = desk.page_for(sw.lead_staff)
    _open(unit, url, s)
    _submit(unit.locator(f"form[action$='/parts/{lead_part.pk}/accept/']"))
    assert VIEW in unit.content()
    contact = unit.locator(f"form[action$='/parts/{lead_part.pk}/contact/']")
    unit.evaluate(f"document.getElementById('contact-{lead_part.pk}').open = true")
    contact.locator("select[name$=method]").select_option("visit")
    contact.locator("textarea[name$=note]").fill("登门走访领衔代表，听取对补贴标准的意见。")
    _submit(contact)
    _unit_reply(unit, lead_part.pk, FIRST_REPLY, PROMISE)
    s.refresh_from_db()
    assert s.state == SuggestionState.REPLIED and s.result_class == "B"

    # The deputy reads the reply and rates 不满意: the item is handled again.
    _open(lead, url, s)
    assert FIRST_REPLY[:20] in lead.content()
    _rate(lead, "unsatisfied", "补贴标准仍然偏低，审批仍需多个部门盖章。")
    s.refresh_from_db()
    assert s.state == SuggestionState.REHANDLING and s.round == 2

    # The lead unit answers again; the deputy is satisfied and the item is closed.
    _open(unit, url, s)
    _unit_reply(unit, lead_part.pk, SECOND_REPLY, PROMISE)
    s.refresh_from_db()
    assert s.state == SuggestionState.REPLIED
    _open(lead, url, s)
    _rate(lead, "satisfied")
    s.refresh_from_db()
    assert s.state == SuggestionState.CLOSED and s.satisfaction == "satisfied"

    # The unit keeps its promise in the commitment ledger.
    commitment = Commitment.objects.filter(suggestion=s, reply__round=2).get()
    unit.goto(f"{url}/suggestions/commitments/")
    assert PROMISE in unit.content()
    unit.goto(f"{url}/suggestions/commitments/{commitment.pk}/")
    fulfil = unit.locator("form[action$='/fulfil/']")
    fulfil.locator("textarea").fill("补贴办法已印发实施，全年完成加装电梯126台。")
    _submit(fulfil)
    commitment.refresh_from_db()
    assert commitment.state == "fulfilled"

    # Anyone reads the suggestion and its reply on the public page, on a phone,
    # without the contact data.
    public = desk.browser.new_context(viewport=PHONE, locale="zh-CN")
    desk.contexts.append(public)
    page = public.new_page()
    page.goto(f"{url}/public/suggestions/")
    page.get_by_text(TITLE).first.click()
    page.wait_for_load_state()
    html = page.content()
    assert SECOND_REPLY[:20] in html and sw.lead_unit.name in html
    assert s.contact_phone == PHONE_NUMBER and PHONE_NUMBER not in html
    assert _fits(page)
