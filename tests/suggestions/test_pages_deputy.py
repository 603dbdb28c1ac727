"""The deputies' pages: the home redirect, the workbench (mine/), the draft form (a
deputy's own and the office's 代录, with the pickers and ?opinion= prefill), and the
deputy panel's POST steps — each with its permission matrix, one audit entry per
step, Chinese errors on the form, and a stale page answered with a message."""

from __future__ import annotations

import pytest

from minqing.opinions.models import OpinionState
from minqing.people.models import DeputyStatus
from minqing.suggestions import actions
from minqing.suggestions.models import Signer, Suggestion
from tests.opinions.helpers import assert_login_redirect, flashes, get_as, post_as
from tests.people.factories import CongressFactory, DeputyFactory, TermFactory
from tests.suggestions.factories import TEXT, draft, drive
from tests.suggestions.factories_pages import (
    audits,
    bare_items,
    citizen_opinion,
    fake_pdf_upload,
    pdf_upload,
    reverse_or_none,
    station_for_lead,
    url,
)

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = {
        "kind": "suggestion",
        **TEXT,
        "session": "",
        "disclosure": "public",
        "contact_name": "王代表",
        "contact_phone": "0571-88886666",
    }
    data.update(overrides)
    return data


# --- home -----------------------------------------------------------------------------------


def test_home_sends_each_reader_to_their_page(client, sw):
    assert_login_redirect(client.get(url("home")))
    assert get_as(client, sw.lead_user, url("home")).url == url("mine")
    office = get_as(client, sw.office, url("home")).url
    assert office == (reverse_or_none("suggestions:office_inbox") or url("list"))
    unit = get_as(client, sw.lead_staff, url("home")).url
    assert unit == (reverse_or_none("suggestions:unit_inbox") or url("list"))
    assert get_as(client, sw.leader, url("home")).url == url("list")


# --- mine/ ------------------------------------------------------------------------------------


def test_mine_permission_matrix(client, sw):
    assert_login_redirect(client.get(url("mine")))
    assert get_as(client, sw.nobody, url("mine")).status_code == 403
    assert get_as(client, sw.office, url("mine")).status_code == 403
    assert get_as(client, sw.lead_staff, url("mine")).status_code == 403
    assert get_as(client, sw.lead_user, url("mine")).status_code == 200


def test_mine_shows_invitations_withdraw_requests_and_ratings_due(client, sw):
    invited = draft(sw, joint=True, title="关于增设社区养老服务站的建议")
    page = get_as(client, sw.co_user, url("mine")).content.decode()
    signer = invited.signers.get(deputy=sw.co)
    assert 'id="invitations"' in page and url("signer_confirm", signer.pk) in page
    assert url("signer_decline", signer.pk) in page and "待确认联名" in page

    joint = drive(sw, draft(sw, joint=True, title="关于治理背街小巷停车的建议"), "submitted")
    actions.suggestion_withdraw(actor=sw.lead_user, suggestion=joint)
    page = get_as(client, sw.co_user, url("mine")).content.decode()
    co_signer = joint.signers.get(deputy=sw.co)
    assert 'id="withdraw-requests"' in page
    assert url("signer_withdraw_agree", co_signer.pk) in page
    assert url("signer_withdraw_refuse", co_signer.pk) in page

    replied = drive(sw, draft(sw, title="关于完善夜间公交线路的建议"), "replied")
    page = get_as(client, sw.lead_user, url("mine")).content.decode()
    assert 'id="awaiting-feedback"' in page and replied.display_number in page
    # The lead's own list: the three items with their states and numbers.
    assert "已答复" in page and "待审查" in page and "草稿" in page
    # Another deputy has none of it.
    page = get_as(client, sw.other_deputy_user, url("mine")).content.decode()
    assert "关于增设社区养老服务站的建议" not in page and 'id="invitations"' not in page


def test_mine_filters_by_state_and_text(client, sw):
    draft(sw, title="关于建设口袋公园的建议")
    drive(sw, draft(sw, title="关于规范共享单车停放的建议"), "submitted")
    page = get_as(client, sw.lead_user, url("mine"), {"state": "submitted"}).content.decode()
    assert "共享单车" in page and "口袋公园" not in page
    page = get_as(client, sw.lead_user, url("mine"), {"q": "口袋"}).content.decode()
    assert "口袋公园" in page and "共享单车" not in page
    page = get_as(client, sw.lead_user, url("mine"), {"state": "nonsense"}).content.decode()
    assert "筛选条件无效" in page and "口袋公园" in page


@pytest.mark.parametrize("n", [3, 30])
def test_mine_query_count_is_pinned(client, sw, django_assert_num_queries, n):
    bare_items(sw, n)
    client.force_login(sw.lead_user)
    # Session, user, grants, deputy (+ stations, grids), count, congress, settings, the
    # page, invitations, withdrawal requests, ratings due: the same for 3 and 30 rows.
    with django_assert_num_queries(14):
        response = client.get(url("mine"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/suggestions/') >= min(n, 30)


# --- the draft form ----------------------------------------------------------------------------


def test_create_page_permission_matrix(client, sw):
    assert_login_redirect(client.get(url("create")))
    assert get_as(client, sw.nobody, url("create")).status_code == 403
    assert get_as(client, sw.lead_staff, url("create")).status_code == 403
    assert get_as(client, sw.leader, url("create")).status_code == 403
    page = get_as(client, sw.lead_user, url("create")).content.decode()
    assert 'id="cosigner-picker"' in page and 'id="lead-picker"' not in page
    assert "议案须由 10 名以上代表联名提出" in page
    page = get_as(client, sw.office, url("create")).content.decode()
    assert 'id="lead-picker"' in page


def test_deputy_drafts_with_a_cosigner_and_an_attachment(
    client, sw, django_capture_on_commit_callbacks
):
    before = audits()
    data = form_data(cosigners=[sw.co.pk], attachments=[pdf_upload()])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_as(client, sw.lead_user, url("create"), data)
    assert response.status_code == 302
    s = Suggestion.objects.get(title=TEXT["title"])
    assert response.url == url("detail", s.pk)
    assert audits() - before == 1
    assert s.lead_deputy == sw.lead and s.state == "draft" and s.contact_phone == "0571-88886666"
    assert s.signers.get(deputy=sw.co).state == "invited"
    assert [f.name for f in s.files.all()] == ["调研报告.pdf"]
    assert "已邀请 1 位代表联名" in flashes(response)[0]


def test_draft_form_errors_are_in_chinese_and_nothing_is_written(client, sw):
    before = audits()
    data = form_data(title="", grounds="太短", contact_phone="phone", kind="decree")
    response = post_as(client, sw.lead_user, url("create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "此项为必填项" in page
    assert "至少填写 10 个字" in page
    assert "请填写正确的联系电话" in page
    assert "请选择议案或建议" in page
    assert "is-invalid" in page
    assert audits() == before and not Suggestion.objects.exists()


def test_a_refused_upload_shows_the_upload_checks_message(client, sw):
    response = post_as(
        client, sw.lead_user, url("create"), form_data(attachments=[fake_pdf_upload()])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "假文件.pdf" in page and not Suggestion.objects.exists()


def test_a_cosigner_of_another_term_is_refused(client, sw):
    stranger = DeputyFactory(term=TermFactory(congress=sw.congress, number=15, is_current=False))
    response = post_as(client, sw.lead_user, url("create"), form_data(cosigners=[stranger.pk]))
    assert response.status_code == 200
    assert "所选代表不存在或不能联名" in response.content.decode()
    # Chips of valid choices come back on the re-rendered form.
    response = post_as(
        client, sw.lead_user, url("create"), form_data(title="", cosigners=[sw.co.pk])
    )
    assert f'name="cosigners" value="{sw.co.pk}" checked' in response.content.decode()


def test_office_enters_a_paper_item_for_a_lead_deputy(client, sw):
    CongressFactory(region=sw.tree.other_city)  # far_office manages a congress of its own
    page = post_as(client, sw.office, url("create"), form_data()).content.decode()
    assert "请选择领衔代表" in page
    before = audits()
    response = post_as(
        client,
        sw.office,
        url("create"),
        form_data(lead_deputy=sw.lead.pk, cosigners=[sw.co.pk], session=sw.session.pk),
    )
    assert response.status_code == 302 and audits() - before == 1
    s = Suggestion.objects.get()
    assert s.lead_deputy == sw.lead and s.created_by == sw.office
    assert s.session == sw.session and s.timing == "session"
    assert s.signers.get(deputy=sw.co).state == "confirmed"
    # An office outside the deputy's congress cannot pick them.
    page = post_as(
        client, sw.far_office, url("create"), form_data(lead_deputy=sw.lead.pk)
    ).content.decode()
    assert "所选代表不存在或不在您的管理范围内" in page
    assert Suggestion.objects.count() == 1


def test_draft_from_a_citizen_opinion(client, sw):
    station = station_for_lead(sw)
    opinion = citizen_opinion(station)
    page = get_as(client, sw.lead_user, url("create"), {"opinion": opinion.pk}).content.decode()
    assert f'name="opinions" value="{opinion.pk}" checked' in page
    assert opinion.code in page and "群众反映：" in page
    # Another deputy may not take it up: no prefill, and a forged id is refused.
    page = get_as(
        client, sw.other_deputy_user, url("create"), {"opinion": opinion.pk}
    ).content.decode()
    assert opinion.code not in page
    page = post_as(
        client, sw.other_deputy_user, url("create"), form_data(opinions=[opinion.pk])
    ).content.decode()
    assert "所选民情不存在或您无权引用" in page
    response = post_as(client, sw.lead_user, url("create"), form_data(opinions=[opinion.pk]))
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.SUGGESTION
    assert list(Suggestion.objects.get().opinions.all()) == [opinion]


# --- edit --------------------------------------------------------------------------------------


def test_edit_permission_matrix(client, sw):
    s = draft(sw, joint=True)
    target = url("edit", s.pk)
    assert_login_redirect(client.get(target))
    assert get_as(client, sw.nobody, target).status_code == 404
    assert get_as(client, sw.other_deputy_user, target).status_code == 404
    assert get_as(client, sw.far_office, target).status_code == 404
    assert get_as(client, sw.co_user, target).status_code == 403
    assert get_as(client, sw.lead_user, target).status_code == 200
    assert get_as(client, sw.office, target).status_code == 200


def test_edit_saves_the_draft_and_refuses_after_submission(client, sw):
    s = draft(sw)
    before = audits()
    response = post_as(
        client, sw.lead_user, url("edit", s.pk), form_data(title="关于加快加装电梯审批的建议")
    )
    assert response.status_code == 302 and audits() - before == 1
    s.refresh_from_db()
    assert s.title == "关于加快加装电梯审批的建议"
    drive(sw, s, "submitted")
    response = get_as(client, sw.lead_user, url("edit", s.pk))
    assert response.status_code == 302 and response.url == url("detail", s.pk)
    assert flashes(response) == ["只有草稿可以修改"]


# --- the deputy panel's steps ---------------------------------------------------------------


def assert_refused(client, target, data=None, *, hidden=(), forbidden=()):
    before = audits()
    client.logout()
    assert_login_redirect(client.post(target, data or {}))
    for user in hidden:
        assert post_as(client, user, target, data).status_code == 404, user
    for user in forbidden:
        assert post_as(client, user, target, data).status_code == 403, user
    assert audits() == before


def test_submit_matrix_and_number(client, sw):
    s = draft(sw)
    target = url("submit", s.pk)
    assert_refused(
        client,
        target,
        hidden=[sw.nobody, sw.far_office, sw.other_deputy_user, sw.lead_staff],
        forbidden=[sw.leader],
    )
    before = audits()
    response = post_as(client, sw.lead_user, target)
    assert response.status_code == 302 and response.url == url("detail", s.pk)
    s.refresh_from_db()
    assert s.state == "submitted" and audits() - before == 1
    assert flashes(response) == [f"已提交，编号为 {s.display_number}。"]
    # A second press on the stale page: a message, not an error page.
    response = post_as(client, sw.lead_user, target)
    assert response.status_code == 302
    assert "状态已经变化" in flashes(response)[0]
    assert audits() - before == 1


def test_submit_waits_for_invitations_and_the_motion_threshold(client, sw):
    s = draft(sw, joint=True)
    response = post_as(client, sw.lead_user, url("submit", s.pk))
    assert "尚未确认联名" in flashes(response)[0]
    motion = draft(sw, kind="motion")
    page = get_as(client, sw.lead_user, url("detail", motion.pk)).content.decode()
    assert "议案须由 10 名以上代表联名提出，目前已确认 1 名" in page
    response = post_as(client, sw.lead_user, url("submit", motion.pk))
    assert "议案须由 10 名以上代表联名提出" in flashes(response)[0]
    motion.refresh_from_db()
    assert motion.state == "draft"


def test_co_signer_may_not_submit(client, sw):
    s = draft(sw, joint=True)
    assert_refused(client, url("submit", s.pk), forbidden=[sw.co_user])


def test_invite_puts_the_actions_refusal_on_the_form(client, sw):
    s = draft(sw)
    target = url("invite", s.pk)
    assert_refused(
        client,
        target,
        {"cosigners": [sw.co.pk]},
        hidden=[sw.nobody, sw.other_deputy_user, sw.lead_staff],
        forbidden=[sw.leader],
    )
    page = post_as(client, sw.lead_user, target, {}).content.decode()
    assert "请选择要邀请联名的代表" in page
    retired = DeputyFactory(term=sw.term, status=DeputyStatus.ENDED)
    before = audits()
    page = post_as(client, sw.lead_user, target, {"cosigners": [retired.pk]}).content.decode()
    assert f"{retired.name}不是本届在任代表，不能联名" in page and 'id="invite-form"' in page
    response = post_as(client, sw.lead_user, target, {"cosigners": [sw.co.pk]})
    assert response.status_code == 302 and audits() - before == 1
    assert flashes(response) == ["已邀请 1 位代表联名，等待其确认。"]
    assert s.signers.get(deputy=sw.co).state == "invited"
    # The office adds paper signatures, confirmed at once.
    other = sw.more[0]
    response = post_as(client, sw.office, target, {"cosigners": [other.pk]})
    assert flashes(response) == ["已添加 1 位联名代表。"]
    assert s.signers.get(deputy=other).state == "confirmed"


def test_signer_confirm_and_decline(client, sw):
    s = draft(sw, joint=True)
    signer = s.signers.get(deputy=sw.co)
    assert_refused(
        client,
        url("signer_confirm", signer.pk),
        hidden=[sw.nobody, sw.other_deputy_user, sw.far_office],
        forbidden=[sw.lead_user, sw.office],
    )
    before = audits()
    response = post_as(client, sw.co_user, url("signer_confirm", signer.pk), {"next": url("mine")})
    assert response.status_code == 302 and response.url == url("mine")
    assert flashes(response) == ["已同意联名。"] and audits() - before == 1
    signer.refresh_from_db()
    assert signer.state == "confirmed"
    # Answered already: the state table refuses, the page says so.
    response = post_as(client, sw.co_user, url("signer_decline", signer.pk))
    assert response.status_code == 302 and flashes(response)
    assert audits() - before == 1

    s2 = draft(sw, joint=True, title="关于增加学校周边交通协管的建议")
    signer2 = s2.signers.get(deputy=sw.co)
    before = audits() - 1
    response = post_as(
        client, sw.co_user, url("signer_decline", signer2.pk), {"next": "https://evil.example/"}
    )
    assert response.url == url("detail", s2.pk)
    assert flashes(response) == ["已谢绝联名。"] and audits() - before == 2


def test_joint_withdrawal_needs_the_cosigner(client, sw):
    s = drive(sw, draft(sw, joint=True), "submitted")
    assert_refused(
        client,
        url("withdraw", s.pk),
        hidden=[sw.nobody, sw.far_office],
        forbidden=[sw.co_user, sw.office],
    )
    before = audits()
    response = post_as(
        client, sw.lead_user, url("withdraw", s.pk), {"withdraw-reason": "已另行反映"}
    )
    assert flashes(response) == ["已申请撤回，等待联名代表同意。"] and audits() - before == 1
    page = get_as(client, sw.lead_user, url("detail", s.pk)).content.decode()
    assert 'id="withdraw-pending"' in page and sw.co.name in page
    signer = s.signers.get(deputy=sw.co)
    assert_refused(client, url("signer_withdraw_agree", signer.pk), forbidden=[sw.lead_user])
    response = post_as(client, sw.co_user, url("signer_withdraw_agree", signer.pk))
    assert flashes(response) == ["已同意撤回，该件已撤回。"] and audits() - before == 2
    s.refresh_from_db()
    assert s.state == "withdrawn"


def test_a_cosigner_refuses_the_withdrawal_with_a_reason(client, sw):
    s = drive(sw, draft(sw, joint=True), "submitted")
    actions.suggestion_withdraw(actor=sw.lead_user, suggestion=s)
    signer = s.signers.get(deputy=sw.co)
    before = audits()
    page = post_as(
        client, sw.co_user, url("signer_withdraw_refuse", signer.pk), {"refuse-reason": "长" * 501}
    ).content.decode()
    assert "不能超过 500 个字" in page and audits() == before
    response = post_as(
        client,
        sw.co_user,
        url("signer_withdraw_refuse", signer.pk),
        {"refuse-reason": "群众十分关心此事", "next": url("mine")},
    )
    assert response.url == url("mine")
    assert flashes(response) == ["已表示不同意撤回，该件继续办理。"] and audits() - before == 1
    s.refresh_from_db()
    assert s.withdraw_requested_at is None and s.state == "submitted"


def test_lone_withdrawal_is_immediate(client, sw):
    s = draft(sw)
    response = post_as(client, sw.lead_user, url("withdraw", s.pk))
    assert flashes(response) == ["已撤回。"]
    s.refresh_from_db()
    assert s.state == "withdrawn"


def test_feedback_matrix_errors_and_outcome(client, sw):
    s = drive(sw, draft(sw), "replied")
    reply = s.replies.get()
    target = url("feedback", reply.pk)
    ok = {f"fb{reply.pk}-result_level": "satisfied", f"fb{reply.pk}-contact_level": "satisfied"}
    assert_refused(
        client,
        target,
        ok,
        hidden=[sw.nobody, sw.far_office, sw.spare_staff],
        forbidden=[sw.lead_staff, sw.leader],
    )
    before = audits()
    page = post_as(
        client,
        sw.lead_user,
        target,
        {f"fb{reply.pk}-result_level": "unsatisfied", f"fb{reply.pk}-contact_level": "basic"},
    ).content.decode()
    assert "不满意时请说明理由（至少 5 个字）" in page and 'id="deputy-panel"' in page
    page = post_as(client, sw.lead_user, target, {}).content.decode()
    assert "请评价办理结果" in page and "请评价沟通联系情况" in page
    assert audits() == before
    response = post_as(client, sw.lead_user, target, ok)
    assert response.status_code == 302 and audits() - before == 1
    assert flashes(response) == ["评价已提交，感谢您的意见。"]
    s.refresh_from_db()
    assert s.state == "closed" and s.satisfaction == "satisfied"
    response = post_as(client, sw.lead_user, target, ok)
    assert response.status_code == 302 and flashes(response) and audits() - before == 1


def test_office_enters_a_paper_feedback_form(client, sw):
    s = drive(sw, draft(sw), "replied")
    reply = s.replies.get()
    page = get_as(client, sw.office, url("detail", s.pk)).content.decode()
    assert "录入代表意见（征询意见表）" in page
    response = post_as(
        client,
        sw.office,
        url("feedback", reply.pk),
        {
            f"fb{reply.pk}-result_level": "unsatisfied",
            f"fb{reply.pk}-contact_level": "basic",
            f"fb{reply.pk}-comment": "补贴标准仍然偏低。",
        },
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.state == "rehandling"


# --- pickers ---------------------------------------------------------------------------------


def test_deputy_picker_searches_the_lead_term_only(client, sw):
    target = url("deputy_picker")
    assert_login_redirect(client.get(target, {"deputy_q": "李"}))
    assert get_as(client, sw.nobody, target, {"deputy_q": "李"}).status_code == 403
    stranger = DeputyFactory(name=sw.co.name, deputy_number="Z999")
    page = get_as(client, sw.lead_user, target, {"deputy_q": sw.co.name}).content.decode()
    assert f'data-pick-deputy="{sw.co.pk}"' in page
    assert f'data-pick-deputy="{stranger.pk}"' not in page
    assert f'data-pick-deputy="{sw.lead.pk}"' not in page
    page = get_as(client, sw.lead_user, target, {"deputy_q": sw.co.deputy_number}).content.decode()
    assert f'data-pick-deputy="{sw.co.pk}"' in page
    # Already chosen ones are not offered again.
    page = get_as(
        client, sw.lead_user, target, {"deputy_q": sw.co.name, "cosigners": [sw.co.pk]}
    ).content.decode()
    assert f'data-pick-deputy="{sw.co.pk}"' not in page
    assert get_as(client, sw.lead_user, target, {"deputy_q": ""}).content.strip() == b""


def test_deputy_picker_is_bounded(client, sw):
    for i in range(25):
        DeputyFactory(term=sw.term, name=f"张{i:02d}")
    page = get_as(client, sw.lead_user, url("deputy_picker"), {"deputy_q": "张"}).content.decode()
    assert page.count("data-pick-deputy=") == 20 and "只显示前 20 名" in page


def test_lead_picker_for_the_office(client, sw):
    params = {"deputy_q": sw.lead.name, "mode": "lead"}
    page = get_as(client, sw.office, url("deputy_picker"), params).content.decode()
    assert f'data-pick-deputy="{sw.lead.pk}"' in page and 'hx-target="#lead-chip"' in page
    page = get_as(client, sw.far_office, url("deputy_picker"), params).content.decode()
    assert f'data-pick-deputy="{sw.lead.pk}"' not in page
    chip = get_as(client, sw.office, url("deputy_chip", sw.lead.pk), {"mode": "lead"})
    assert f'name="lead_deputy" value="{sw.lead.pk}"' in chip.content.decode()
    assert (
        get_as(client, sw.far_office, url("deputy_chip", sw.lead.pk), {"mode": "lead"}).status_code
        == 404
    )
    chip = get_as(client, sw.lead_user, url("deputy_chip", sw.co.pk)).content.decode()
    assert f'name="cosigners" value="{sw.co.pk}" checked' in chip
    assert 'id="cosigner-results" hx-swap-oob="true"' in chip


def test_invite_picker_skips_those_already_on_the_item(client, sw):
    s = draft(sw, joint=True)
    params = {"deputy_q": sw.co.name, "suggestion": s.pk}
    page = get_as(client, sw.lead_user, url("deputy_picker"), params).content.decode()
    assert f'data-pick-deputy="{sw.co.pk}"' not in page
    other = sw.other_deputy
    params = {"deputy_q": other.name, "suggestion": s.pk}
    page = get_as(client, sw.lead_user, url("deputy_picker"), params).content.decode()
    assert f'data-pick-deputy="{other.pk}"' in page
    hidden = drive(sw, draft(sw, title="关于整治河道污染的建议"), "submitted")
    params = {"deputy_q": other.name, "suggestion": hidden.pk}
    assert get_as(client, sw.other_deputy_user, url("deputy_picker"), params).status_code == 404


def test_opinion_picker_finds_answerable_opinions(client, sw):
    station = station_for_lead(sw)
    opinion = citizen_opinion(station)
    target = url("opinion_picker")
    assert get_as(client, sw.nobody, target, {"opinion_q": opinion.code}).status_code == 403
    for q in (opinion.code, "路灯"):
        page = get_as(client, sw.lead_user, target, {"opinion_q": q}).content.decode()
        assert f'data-pick-opinion="{opinion.pk}"' in page
    page = get_as(
        client, sw.other_deputy_user, target, {"opinion_q": opinion.code}
    ).content.decode()
    assert f'data-pick-opinion="{opinion.pk}"' not in page
    chip = get_as(client, sw.lead_user, url("opinion_chip", opinion.pk)).content.decode()
    assert f'name="opinions" value="{opinion.pk}" checked' in chip
    assert get_as(client, sw.other_deputy_user, url("opinion_chip", opinion.pk)).status_code == 404


def test_signer_rows_are_scoped(client, sw):
    s = draft(sw, joint=True)
    signer = Signer.objects.get(suggestion=s, deputy=sw.co)
    assert post_as(client, sw.spare_staff, url("signer_decline", signer.pk)).status_code == 404


def test_a_source_opinion_that_moved_on_is_an_error_on_the_form(client, sw, monkeypatch):
    from minqing.core.states import InvalidTransition
    from minqing.opinions.states import OPINION_STATES

    def moved_on(**kwargs):
        raise InvalidTransition(OPINION_STATES, "closed", "suggestion")

    monkeypatch.setattr("minqing.suggestions.views_deputy.actions.suggestion_create", moved_on)
    response = post_as(client, sw.lead_user, url("create"), form_data())
    assert response.status_code == 200
    assert "所选民情的状态已经变化，请重新选择" in response.content.decode()
