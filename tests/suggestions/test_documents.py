"""The printed documents: assignment notices (交办单), the deputy's feedback form (征询意见表)
and the annual handling report, as A4 PDFs whose text extracts back as Chinese."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from minqing.suggestions import actions, documents
from minqing.suggestions import selectors_docs as reads
from minqing.suggestions.models import CongressSession
from tests.people.factories import CongressFactory, TermFactory
from tests.suggestions.factories import draft, drive, reply_as_lead
from tests.suggestions.factories_docs import (
    CONTACT,
    INSTRUCTIONS,
    PHONE,
    accepted,
    batch,
    pdf_fonts,
    pdf_pages,
    pdf_text,
)

LEAD = "澜州市住房和城乡建设局"
CO = "澜州市交通运输局"


def get_as(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def assert_login(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def assert_pdf(response) -> str:
    """The response is a PDF: its extracted text (or, under ``html_pdf``, its HTML)."""
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    if response.content.startswith(STUB):
        return response.content[len(STUB) :].decode()
    return pdf_text(response.content)


STUB = b"%PDF-stub\n"


@pytest.fixture
def html_pdf(monkeypatch):
    """Skip WeasyPrint where a test is about who gets which rows, not about print: the
    template still renders, and the response carries its HTML after a PDF marker."""

    def render(template: str, context: dict) -> bytes:
        return STUB + render_to_string(template, context).encode()

    monkeypatch.setattr(documents, "render_pdf", render)


# --- assignment notices ---------------------------------------------------------------------


def test_batch_notices_print_one_a4_notice_per_unit_in_chinese(sw, client):
    b = batch(sw, 2, titles=["关于加快老旧小区加装电梯的建议", "关于增设滨江公园公共厕所的建议"])
    client.force_login(sw.office)
    response = client.get(reverse("suggestions:batch_notices_pdf", args=[b.pk]))
    text = assert_pdf(response)
    assert "inline" in response["Content-Disposition"]
    for expected in (
        "澜州市人民代表大会常务委员会办公室",
        "代表建议交办单",
        f"{LEAD}：",
        f"{CO}：",
        "关于加快老旧小区加装电梯的建议",
        "关于增设滨江公园公共厕所的建议",
        sw.lead.name,
        INSTRUCTIONS,
        "（盖章）",
        "签收人",
    ):
        assert expected in text, (expected, text)
    assert "主办2件" in text and "会办2件" in text
    # Each unit's notice starts on its own page: the two receipts are on different pages.
    pages = pdf_pages(response.content)
    lead_pages = [i for i, p in enumerate(pages) if f"签收单位：{LEAD}" in p]
    co_pages = [i for i, p in enumerate(pages) if f"签收单位：{CO}" in p]
    assert len(lead_pages) == 1 and len(co_pages) == 1 and lead_pages != co_pages
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert round(width / 72 * 25.4) == 210 and round(height / 72 * 25.4) == 297
    fonts = pdf_fonts(response.content)
    assert any("Noto-Sans-CJK-SC" in f for f in fonts), fonts
    assert any("Noto-Serif-CJK-SC" in f for f in fonts), fonts
    # The deputies' private contact never reaches a unit's notice.
    assert PHONE not in text and CONTACT not in text


def test_batch_notices_permission_matrix(sw, client, html_pdf):
    b = batch(sw, 1)
    url = reverse("suggestions:batch_notices_pdf", args=[b.pk])
    assert_login(get_as(client, None, url))
    assert get_as(client, sw.nobody, url).status_code == 403
    assert get_as(client, sw.lead_staff, url).status_code == 403
    assert get_as(client, sw.leader, url).status_code == 403
    assert get_as(client, sw.lead_user, url).status_code == 403
    assert get_as(client, sw.district_office, url).status_code == 404
    assert get_as(client, sw.far_office, url).status_code == 404
    assert get_as(client, sw.office, url).status_code == 200
    missing = reverse("suggestions:batch_notices_pdf", args=[b.pk + 1000])
    assert get_as(client, sw.office, missing).status_code == 404


def test_batch_notices_follow_an_approved_reassignment(sw, client, html_pdf):
    b = batch(sw, 1, titles=["关于治理滨江路噪声扰民的建议"])
    part = b.items.get(unit=sw.co_unit)
    request = actions.reassign_request(
        actor=sw.co_staff, assignment=part, reason="该事项属于城市管理部门职责范围，请调整交办。"
    )
    actions.reassign_decide(actor=sw.office, request=request, approve=True, new_unit=sw.spare_unit)
    client.force_login(sw.office)
    text = assert_pdf(client.get(reverse("suggestions:batch_notices_pdf", args=[b.pk])))
    # The moved part no longer prints in the batch; the lead's notice names no co-handler.
    assert f"{CO}：" not in text and f"{LEAD}：" in text
    url = reverse("suggestions:notices_pdf") + f"?unit={sw.spare_unit.pk}"
    text = assert_pdf(client.get(url))
    assert "澜州市城市管理局：" in text and "关于治理滨江路噪声扰民的建议" in text
    assert f"{LEAD}（主办）" in text


def test_notices_filter_by_unit_session_and_year(sw, client, html_pdf):
    in_session = accepted(sw, title="关于大会期间提出的农贸市场改造的建议", session=sw.session)
    actions.suggestion_assign(
        actor=sw.office, suggestion=in_session, lead_unit=sw.spare_unit, instructions="抓紧办理"
    )
    batch(sw, 1, titles=["关于闭会期间提出的背街小巷照明的建议"])
    client.force_login(sw.office)
    url = reverse("suggestions:notices_pdf")

    text = assert_pdf(client.get(f"{url}?unit={sw.lead_unit.pk}"))
    assert f"{LEAD}：" in text and f"{CO}：" not in text
    assert "背街小巷照明" in text and "农贸市场改造" not in text

    text = assert_pdf(client.get(f"{url}?session={sw.session.pk}"))
    assert "农贸市场改造" in text and "背街小巷照明" not in text
    assert sw.session.name in text and "交办意见：抓紧办理" in text

    year = in_session.year
    text = assert_pdf(client.get(f"{url}?year={year}"))
    assert "农贸市场改造" in text and "背街小巷照明" in text
    # No filter: this year's notices.
    assert "背街小巷照明" in assert_pdf(client.get(url))
    text = assert_pdf(client.get(f"{url}?year={year - 5}"))
    assert "没有符合条件的交办事项" in text


def test_notices_permission_matrix_and_scope(sw, client, html_pdf):
    batch(sw, 1)
    url = reverse("suggestions:notices_pdf")
    assert_login(get_as(client, None, url))
    assert get_as(client, sw.nobody, url).status_code == 403
    assert get_as(client, sw.lead_staff, url).status_code == 403
    assert get_as(client, sw.leader, url).status_code == 403
    assert "签收单位" in assert_pdf(get_as(client, sw.office, url))
    # Out of scope: a unit or session the reader cannot see is 404, never 403.
    assert get_as(client, sw.far_office, f"{url}?unit={sw.lead_unit.pk}").status_code == 404
    assert get_as(client, sw.office, f"{url}?unit={sw.far_unit.pk}").status_code == 404
    far_congress = CongressFactory(region=sw.tree.other_city)
    far_session = CongressSession.objects.create(
        congress=far_congress,
        term=TermFactory(congress=far_congress),
        number=1,
        name="临川市第十六届人民代表大会第一次会议",
        start_date=sw.session.start_date,
        end_date=sw.session.end_date,
    )
    assert get_as(client, sw.office, f"{url}?session={far_session.pk}").status_code == 404
    assert get_as(client, sw.office, f"{url}?unit=abc").status_code == 404
    # The far office sees none of the city's parts.
    text = assert_pdf(get_as(client, sw.far_office, url))
    assert LEAD not in text and "没有符合条件的交办事项" in text


def test_notices_refuse_more_parts_than_a_printable_document(sw, client, monkeypatch):
    batch(sw, 2)
    monkeypatch.setattr(reads, "MAX_NOTICE_PARTS", 3)
    client.force_login(sw.office)
    response = client.get(reverse("suggestions:notices_pdf"))
    assert response.status_code == 400
    assert "请按会议、承办单位或年度缩小范围" in response.content.decode()


# --- feedback form --------------------------------------------------------------------------


def _replied(sw, **data):
    s = drive(sw, draft(sw, joint=True, contact_phone=PHONE, **data), "assigned")
    reply_as_lead(
        sw, s, result_class="B", commitments=[("年内完成老旧小区加装电梯补贴办法修订", None)]
    )
    s.refresh_from_db()
    return s


def test_feedback_form_prints_units_replies_and_rating_boxes(sw, client):
    s = _replied(sw, title="关于加快老旧小区加装电梯的建议")
    client.force_login(sw.lead_user)
    response = client.get(reverse("suggestions:feedback_form_pdf", args=[s.pk]))
    text = assert_pdf(response)
    for expected in (
        "代表建议办理情况征询意见表",
        s.display_number,
        "关于加快老旧小区加装电梯的建议",
        sw.lead.name,
        sw.co.name,
        f"{LEAD}（主办）",
        CO,
        "B类：正在解决或列入计划解决",
        "年内完成老旧小区加装电梯补贴办法修订",
        "对办理结果",
        "对沟通联系",
        "基本满意",
        "不满意",
        "代表签名",
    ):
        assert expected in text, (expected, text)
    assert PHONE not in text
    assert "请于" in text  # the feedback deadline


def test_feedback_form_shows_the_given_rating_and_comment(sw, client, html_pdf):
    s = drive(sw, draft(sw), "rehandling")
    client.force_login(sw.office)
    text = assert_pdf(client.get(reverse("suggestions:feedback_form_pdf", args=[s.pk])))
    assert "补贴标准仍然偏低，审批仍需多个部门盖章。" in text


def test_feedback_form_permission_matrix(sw, client, html_pdf):
    s = _replied(sw)
    url = reverse("suggestions:feedback_form_pdf", args=[s.pk])
    assert_login(get_as(client, None, url))
    assert get_as(client, sw.nobody, url).status_code == 404
    for reader in (sw.office, sw.lead_user, sw.co_user):
        assert get_as(client, reader, url).status_code == 200, reader
    # They may see the (public) item, but the form is the office's and the deputies'.
    for reader in (sw.other_deputy_user, sw.lead_staff, sw.leader):
        assert get_as(client, reader, url).status_code == 403, reader
    for reader in (sw.district_office, sw.far_office, sw.far_staff):
        assert get_as(client, reader, url).status_code == 404, reader
    waiting = accepted(sw)
    url = reverse("suggestions:feedback_form_pdf", args=[waiting.pk])
    assert get_as(client, sw.office, url).status_code == 404


# --- annual report ----------------------------------------------------------------------------


@pytest.fixture
def report_world(sw):
    done = drive(sw, draft(sw, title="关于加快老旧小区加装电梯的建议"), "closed")
    promised = _replied(sw, title="关于优化城区公交线路的建议")
    key = drive(sw, draft(sw, title="关于治理滨江水体黑臭的建议"), "assigned")
    actions.suggestion_supervise(
        actor=sw.office, suggestion=key, kind="key", leader="李明副市长", body="财政经济委员会"
    )
    sw.items = [done, promised, key]
    return sw


def test_report_prints_the_statistics_of_the_year(report_world, client):
    sw = report_world
    year = sw.items[0].year
    client.force_login(sw.office)
    response = client.get(reverse("suggestions:report_pdf") + f"?year={year}")
    text = assert_pdf(response)
    flat = text.replace("\n", "")
    for expected in (
        f"关于{year}年度代表议案建议办理工作情况的报告",
        "一、总体情况",
        "办复率",
        "按期办复率",
        "办成率",
        "满意率",
        "重办率",
        "A类：已经解决或基本解决",
        LEAD,
        "关于治理滨江水体黑臭的建议",
        "重点督办：李明副市长（财政经济委员会）",
        "承诺事项",
        "附：指标口径",
    ):
        assert expected in flat, (expected, text)
    # Three answering parts, two answered: the figure statistics computes, with its count.
    assert "66.7%（2/3）" in flat
    assert "代表共提出议案、建议3件" in flat
    # One class-A and one class-B final reply (its commitment still open): half done.
    assert "办成率50.0%" in flat


def test_report_permission_matrix_and_scope(report_world, client, html_pdf):
    sw = report_world
    url = reverse("suggestions:report_pdf")
    assert_login(get_as(client, None, url))
    for reader in (sw.nobody, sw.lead_staff, sw.lead_user):
        assert get_as(client, reader, url).status_code == 403, reader
    assert LEAD in assert_pdf(get_as(client, sw.leader, url))
    assert LEAD in assert_pdf(get_as(client, sw.office, url))
    city = f"{url}?region={sw.tree.city.code}"
    assert get_as(client, sw.far_office, city).status_code == 404
    assert get_as(client, sw.district_office, city).status_code == 404
    assert LEAD not in assert_pdf(get_as(client, sw.far_office, url))
    assert get_as(client, sw.office, f"{url}?year=abc").status_code == 404
    assert get_as(client, sw.office, f"{url}?year=1800").status_code == 404
