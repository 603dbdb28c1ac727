"""The item page every role shares and the scoped file download: who may open it (404
outside scope), what each reader sees (a co-handler only its part, contact data only
for the office and the units handling it, the public timeline for a deputy reading a
published item), the sections it shows, and the panels of other parts of the work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory

from minqing.suggestions import actions
from minqing.suggestions.views_detail import render_detail
from tests.opinions.helpers import assert_login_redirect, get_as
from tests.suggestions.factories import REPLY, draft, drive, reply_as_lead
from tests.suggestions.factories_pages import citizen_opinion, station_for_lead, url

pytestmark = pytest.mark.django_db

PHONE = "13900007777"


def assigned(sw, **data):
    return drive(sw, draft(sw, joint=True, contact_phone=PHONE, **data), "assigned")


def page_of(client, user, s) -> str:
    response = get_as(client, user, url("detail", s.pk))
    assert response.status_code == 200, user
    return response.content.decode()


def test_detail_permission_matrix_of_a_draft(client, sw):
    s = draft(sw, joint=True)
    target = url("detail", s.pk)
    assert_login_redirect(client.get(target))
    for user in (sw.nobody, sw.far_office, sw.district_office, sw.other_deputy_user, sw.lead_staff):
        assert get_as(client, user, target).status_code == 404, user
    for user in (sw.lead_user, sw.co_user, sw.office, sw.leader):
        assert get_as(client, user, target).status_code == 200, user


def test_detail_permission_matrix_of_an_assigned_item(client, sw):
    s = assigned(sw)
    target = url("detail", s.pk)
    for user in (sw.nobody, sw.far_office, sw.spare_staff, sw.far_staff):
        assert get_as(client, user, target).status_code == 404, user
    for user in (sw.lead_staff, sw.co_staff, sw.other_deputy_user, sw.office, sw.leader):
        assert get_as(client, user, target).status_code == 200, user
    # Secret: other deputies no longer see it; the units and signers still do.
    secret = assigned(sw, disclosure="secret", title="关于某涉密事项的建议")
    assert get_as(client, sw.other_deputy_user, url("detail", secret.pk)).status_code == 404
    assert get_as(client, sw.co_staff, url("detail", secret.pk)).status_code == 200


def test_a_cohandler_sees_only_its_part(client, sw):
    s = assigned(sw, disclosure="secret")
    reply_as_lead(sw, s)
    lead_part = s.assignments.get(unit=sw.lead_unit)
    co_part = s.assignments.get(unit=sw.co_unit)
    page = page_of(client, sw.co_staff, s)
    assert f'id="assignment-{co_part.pk}"' in page
    assert f'id="assignment-{lead_part.pk}"' not in page
    assert REPLY not in page and 'id="replies"' not in page
    # The lead unit sees both parts (the co-handler's view included) and its reply.
    actions.assignment_accept(actor=sw.co_staff, assignment=co_part)
    actions.cohandler_view(actor=sw.co_staff, assignment=co_part, text="建议同步优化公交站点设置。")
    page = page_of(client, sw.lead_staff, s)
    assert f'id="assignment-{co_part.pk}"' in page and "建议同步优化公交站点设置" in page
    assert REPLY in page
    # A public item's replies are read by every unit on it.
    public = assigned(sw, title="关于增设公交线路的建议")
    reply_as_lead(sw, public)
    assert REPLY in page_of(client, sw.co_staff, public)


def test_contact_data_only_for_the_office_and_the_units(client, sw):
    s = assigned(sw)
    for user in (sw.office, sw.lead_staff, sw.co_staff):
        page = page_of(client, user, s)
        assert 'id="contact"' in page and PHONE in page, user
    for user in (sw.lead_user, sw.co_user, sw.other_deputy_user, sw.leader):
        page = page_of(client, user, s)
        assert PHONE not in page and 'id="contact"' not in page, user


def test_a_deputy_reading_a_published_item_sees_the_public_timeline(client, sw):
    s = assigned(sw)
    page = page_of(client, sw.other_deputy_user, s)
    assert 'data-verb="assign"' in page and 'data-verb="create"' not in page
    assert "申请调整交办期限" not in page
    page = page_of(client, sw.co_user, s)
    assert 'data-verb="create"' in page and "申请调整交办期限" in page


def test_header_signers_supervision_and_deadlines(client, sw):
    s = assigned(sw, category="transport")
    actions.suggestion_supervise(
        actor=sw.office, suggestion=s, kind="key", leader="赵明 常委会副主任", body="财经委"
    )
    page = page_of(client, sw.lead_user, s)
    assert s.display_number in page and "办理中" in page and "闭会期间" in page
    assert "重点督办：赵明 常委会副主任 · 财经委" in page
    assert f'id="signer-{s.signers.get(is_lead=True).pk}"' in page and "领衔" in page
    assert "交通出行" in page
    part = s.assignments.get(unit=sw.lead_unit)
    assert part.reply_due.strftime("%Y年%-m月%-d日") in page
    if part.deadline_provisional:
        assert "节假日安排尚未载入" in page


def test_provisional_deadline_warning(client, sw):
    s = assigned(sw)
    part = s.assignments.get(unit=sw.lead_unit)
    type(part).objects.filter(pk=part.pk).update(deadline_provisional=True)
    page = page_of(client, sw.lead_user, s)
    assert "节假日安排尚未载入" in page
    type(part).objects.filter(suggestion=s).update(deadline_provisional=False)
    assert "节假日安排尚未载入" not in page_of(client, sw.lead_user, s)


def test_replies_commitments_progress_and_feedback(client, sw):
    s = drive(sw, draft(sw), "assigned", co_unit=False)
    reply_as_lead(
        sw, s, result_class="B", commitments=[("年内完成补贴办法修订", dt.date(2026, 12, 31))]
    )
    c = s.commitments.get()
    actions.commitment_progress(
        actor=sw.lead_staff, commitment=c, note="已完成征求意见稿", percent=40
    )
    reply = s.replies.get()
    actions.suggestion_feedback(
        actor=sw.lead_user,
        reply=reply,
        result_level="basic",
        contact_level="satisfied",
        comment="希望加快进度。",
    )
    page = page_of(client, sw.lead_user, s)
    assert "B类：正在解决或列入计划解决" in page and REPLY in page
    assert "年内完成补贴办法修订" in page and "已完成征求意见稿" in page and "进度 40%" in page
    assert "办理结果：基本满意" in page and "希望加快进度。" in page
    doc = reply.files.get()
    assert url("file", doc.pk) in page


def test_source_opinions_link_for_readers_who_may_open_them(client, sw):
    station = station_for_lead(sw)
    opinion = citizen_opinion(station)
    s = actions.suggestion_create(
        actor=sw.lead_user,
        kind="suggestion",
        data={
            "title": "关于修复望江社区路灯的建议",
            "grounds": "望江社区多处路灯损坏两个多月，居民夜间出行不便。",
            "proposal": "建议城管部门全面排查并修复社区路灯，建立巡查机制。",
        },
        opinions=[opinion],
    )
    drive(sw, s, "assigned")
    opinion_url = f'href="/opinions/{opinion.pk}/"'
    page = page_of(client, sw.lead_user, s)
    assert opinion.code in page and opinion_url in page
    page = page_of(client, sw.lead_staff, s)
    assert opinion.code in page and opinion_url not in page


def test_deputy_panel_flags(client, sw):
    s = draft(sw, joint=True)
    lead_page = page_of(client, sw.lead_user, s)
    assert 'id="submit-form"' in lead_page and 'id="invite-form"' in lead_page
    assert 'id="edit-link"' in lead_page and 'id="withdraw-form"' in lead_page
    assert "还有 1 位代表尚未确认联名" in lead_page
    co_page = page_of(client, sw.co_user, s)
    assert 'id="answer-invitation"' in co_page and 'id="submit-form"' not in co_page
    office_page = page_of(client, sw.office, s)
    assert "代代表办理" in office_page and 'id="withdraw-form"' not in office_page
    assert 'id="deputy-panel"' not in page_of(client, sw.leader, s)
    drive(sw, s, "assigned")
    lead_page = page_of(client, sw.lead_user, s)
    assert 'id="deputy-panel"' not in lead_page


def test_render_detail_merges_extra_context_and_status(sw):
    s = draft(sw)
    request = RequestFactory().get("/")
    request.user = sw.office
    request.session = {}
    from django.contrib.messages.storage.fallback import FallbackStorage

    request._messages = FallbackStorage(request)
    response = render_detail(request, s, extra_context={"deputy_panel": False}, status=422)
    assert response.status_code == 422
    page = response.content.decode()
    assert s.title in page and 'id="deputy-panel"' not in page


# --- files -----------------------------------------------------------------------------------


def test_file_download_is_scoped_and_served_as_attachment(client, sw):
    from tests.suggestions.factories import pdf_document

    s = actions.suggestion_create(
        actor=sw.lead_user,
        kind="suggestion",
        data={
            "title": "关于加快老旧小区改造的建议",
            "grounds": "老旧小区管网老化、设施陈旧，群众改造意愿强烈。",
            "proposal": "建议统筹资金分批改造，建立居民议事机制。",
        },
        attachments=[pdf_document("调研<报告>.pdf")],
    )
    f = s.files.get()
    target = url("file", f.pk)
    assert_login_redirect(client.get(target))
    for user in (sw.nobody, sw.other_deputy_user, sw.lead_staff, sw.far_office):
        assert get_as(client, user, target).status_code == 404, user
    response = get_as(client, sw.lead_user, target)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    disposition = response["Content-Disposition"]
    assert "%3C" not in disposition and "<" not in disposition
    assert "%E8%B0%83%E7%A0%94_%E6%8A%A5%E5%91%8A_.pdf" in disposition  # 调研_报告_.pdf
    assert get_as(client, sw.office, target).status_code == 200


def test_reply_document_follows_the_reply_visibility(client, sw):
    s = assigned(sw, disclosure="secret")
    reply = reply_as_lead(sw, s)
    doc = reply.files.get()
    assert get_as(client, sw.co_staff, url("file", doc.pk)).status_code == 404
    assert get_as(client, sw.lead_staff, url("file", doc.pk)).status_code == 200
    assert get_as(client, sw.lead_user, url("file", doc.pk)).status_code == 200
    assert get_as(client, sw.spare_staff, url("file", doc.pk)).status_code == 404


def test_screening_and_presidium_outcomes_are_shown(client, sw):
    rejected = drive(sw, draft(sw), "not_accepted")
    page = page_of(client, sw.lead_user, rejected)
    assert 'id="rejected"' in page and "属于代表本人及其亲属的个人事项" in page
    assert "属于代表个人事项。" in page
    motion = draft(sw, kind="motion", title="关于制定养老服务条例的议案")
    actions.suggestion_invite(actor=sw.office, suggestion=motion, deputies=sw.more[:9])
    actions.suggestion_submit(actor=sw.lead_user, suggestion=motion)
    actions.motion_decide(actor=sw.office, suggestion=motion, decision="converted")
    motion.refresh_from_db()
    page = page_of(client, sw.lead_user, motion)
    new = motion.converted_to
    assert "主席团决定：转为代表建议" in page and url("detail", new.pk) in page
    page = page_of(client, sw.lead_user, new)
    assert url("detail", motion.pk) in page and "本件由" in page
