"""The handling units' pages of the motion and suggestion workflow: the unit inbox, the
unit's panel on the item's page and its POST steps (sign, reassignment request,
co-handler's view, contact, reply with the signed PDF, extension). Permission matrices,
one audit entry per step, refusals in Chinese, query-count pins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from minqing.suggestions import actions, selectors
from minqing.suggestions.forms_unit import unit_panel_context
from minqing.suggestions.models import (
    Commitment,
    Contact,
    Extension,
    ReassignRequest,
    Reply,
    SuggestionFile,
    SuggestionState,
)
from tests.suggestions.factories import REPLY, reply_as_lead
from tests.suggestions.factories_unit import (
    CONTACT_NOTE,
    REASON,
    VIEW_TEXT,
    accepted,
    assert_login_redirect,
    assigned,
    audits,
    bare_part,
    detail_url,
    flashes,
    get_as,
    jpeg_upload,
    part_of,
    pdf_upload,
    post_as,
    u,
)

D = dt.date
pytestmark = pytest.mark.django_db


def freeze(monkeypatch, day: dt.date) -> None:
    """Freeze the workflow's "today" for the pages and the unit actions."""
    monkeypatch.setattr("minqing.suggestions.actions._common.today", lambda: day)
    monkeypatch.setattr("minqing.suggestions.actions.unit.today", lambda: day)


# --- the unit inbox ----------------------------------------------------------------------------


def test_unit_inbox_matrix(client, sw):
    s = assigned(sw)
    lead, co = part_of(s, sw.lead_unit), part_of(s, sw.co_unit)
    far = bare_part(sw, unit=sw.far_unit)
    page = u("unit_inbox")
    assert_login_redirect(client.get(page))
    for user in (sw.nobody, sw.office, sw.leader, sw.lead_user):
        assert get_as(client, user, page).status_code == 403, user

    def pks(user):
        response = get_as(client, user, page)
        assert response.status_code == 200
        return [a.pk for a in response.context["page_obj"]]

    assert pks(sw.lead_staff) == [lead.pk]
    assert pks(sw.co_staff) == [co.pk]
    assert pks(sw.spare_staff) == []
    assert pks(sw.far_staff) == [far.pk]


def test_unit_inbox_deadlines_overdue_and_rehandling(client, sw, monkeypatch):
    freeze(monkeypatch, D(2026, 11, 20))  # a Friday
    late = bare_part(sw, reply_due=D(2026, 11, 16), title="超期的建议")  # Monday before
    co = bare_part(
        sw, role="co", view_due=D(2026, 11, 25), reply_due=D(2027, 2, 1), title="会办的建议"
    )
    pending = bare_part(
        sw,
        state="pending",
        reply_due=D(2027, 2, 20),
        reassign_due=D(2026, 11, 27),
        title="待签收的建议",
    )
    moving = bare_part(sw, state="reassigning", reply_due=D(2027, 3, 1), title="申请调整的建议")
    ReassignRequest.objects.create(
        assignment=moving, reason=REASON, decide_due=D(2026, 12, 4), requested_by=sw.lead_staff
    )
    again = bare_part(
        sw,
        reply_due=D(2027, 3, 10),
        title="重新办理的建议",
        round=2,
        rehandle_count=1,
    )
    again.suggestion.state = SuggestionState.REHANDLING
    again.suggestion.save(update_fields=["state"])
    bare_part(sw, state="answered", title="已答复的建议")  # answered: not in the inbox
    response = get_as(client, sw.lead_staff, u("unit_inbox"))
    rows = list(response.context["page_obj"])
    assert [a.pk for a in rows] == [late.pk, co.pk, pending.pk, moving.pk, again.pk]
    assert rows[0].late_days == 4  # Tue, Wed, Thu, Fri
    assert [a.late_days for a in rows[1:]] == [None] * 4
    html = response.content.decode()
    tbody = html[html.index("<tbody>") : html.index("</tbody>")]
    chunks = tbody.split("<tr")[1:]
    assert "text-bg-danger" in chunks[0] and "超期 4 个工作日" in chunks[0]
    assert "会办意见" in chunks[1] and "2026年11月25日" in chunks[1]
    assert "待签收" in chunks[2] and "申请调整" in chunks[2] and "2026年11月27日" in chunks[2]
    assert "申请调整中" in chunks[3] and "2026年12月4日" in chunks[3]
    assert "table-warning" in chunks[4] and "第 2 轮重新办理" in chunks[4]
    assert "超期" not in "".join(chunks[1:])
    overdue = get_as(client, sw.lead_staff, u("unit_inbox"), {"state": "overdue"})
    assert [a.pk for a in overdue.context["page_obj"]] == [late.pk]


def test_unit_inbox_filters(client, sw):
    waiting = bare_part(sw, state="pending")
    working = bare_part(sw, year=2025)
    co = bare_part(sw, role="co", view_due=D(2026, 12, 1))
    page = u("unit_inbox")

    def pks(**params):
        response = get_as(client, sw.lead_staff, page, params)
        return {a.pk for a in response.context["page_obj"]}

    assert pks(state="pending") == {waiting.pk}
    assert pks(state="accepted") == {working.pk, co.pk}
    assert pks(role="co") == {co.pk}
    assert pks(year=2025) == {working.pk}
    assert pks(state="overdue") == set()
    assert pks(state="bogus", year="x") == {waiting.pk, working.pk, co.pk}
    form = get_as(client, sw.lead_staff, page).context["form"]
    assert [y for y, _ in form.fields["year"].choices][1:] == [2026, 2025]


@pytest.mark.parametrize("n", [3, 30])
def test_unit_inbox_query_count_is_pinned(client, sw, django_assert_num_queries, n):
    for i in range(n):
        part = bare_part(
            sw,
            reply_due=D(2026, 11, 2) + dt.timedelta(days=i * 3),
            state=("pending", "accepted", "reassigning")[i % 3],
            role="co" if i % 4 == 1 else "lead",
            view_due=D(2026, 11, 10) if i % 4 == 1 else None,
        )
        if i % 3 == 2:
            ReassignRequest.objects.create(
                assignment=part, reason=REASON, decide_due=D(2026, 12, 1)
            )
        if i % 5 == 0:
            Extension.objects.create(assignment=part, new_due=D(2027, 4, 1), reason=REASON)
    client.force_login(sw.lead_staff)
    page = u("unit_inbox")
    client.get(page)
    # session, user, grants, years, count, page, calendar years, calendar days.
    with django_assert_num_queries(8):
        response = client.get(page)
    assert len(response.context["page_obj"]) == n
    assert any(a.late_days for a in response.context["page_obj"])


# --- the panel -----------------------------------------------------------------------------------


def panel(rf, user, suggestion) -> tuple[dict, str]:
    request = rf.get("/")
    request.user = user
    view = selectors.detail_for(user, suggestion)
    ctx = unit_panel_context(request, view)
    html = render_to_string("suggestions/includes/unit_panel.html", ctx, request=request)
    return ctx, html


def test_panel_only_for_a_unit_holding_a_part(rf, sw):
    s = assigned(sw)
    for user in (sw.office, sw.leader, sw.lead_user):
        ctx, html = panel(rf, user, s)
        assert ctx == {} and html.strip() == ""
    ctx, _ = panel(rf, sw.lead_staff, s)
    assert ctx["unit_panel"] and [p["part"].unit for p in ctx["unit_parts"]] == [sw.lead_unit]


def test_panel_follows_the_lead_units_part(rf, sw):
    s = assigned(sw)
    lead = part_of(s, sw.lead_unit)
    ctx, html = panel(rf, sw.lead_staff, s)
    assert ctx["can_unit_accept"] and ctx["can_unit_reassign"]
    assert not (ctx["can_unit_reply"] or ctx["can_unit_contact"] or ctx["can_unit_view"])
    assert u("unit_accept", lead) in html and u("unit_reassign", lead) in html
    assert "仍由本单位承办" in html and "不得自行将建议转交其他单位" in html
    actions.assignment_accept(actor=sw.lead_staff, assignment=lead)
    ctx, html = panel(rf, sw.lead_staff, s)
    assert not ctx["can_unit_accept"] and ctx["can_unit_reply"] and ctx["can_unit_contact"]
    assert ctx["can_unit_extend"] and not ctx["can_unit_view"]
    assert "答复前须先与代表沟通联系" in html and u("unit_reply", lead) not in html
    actions.assignment_contact(
        actor=sw.lead_staff, assignment=lead, method="visit", note=CONTACT_NOTE
    )
    ctx, html = panel(rf, sw.lead_staff, s)
    assert u("unit_reply", lead) in html and "答复前须先与代表沟通联系" not in html
    for label in (
        "A类：已经解决或基本解决",
        "B类：正在解决或列入计划解决",
        "C类：因条件限制需待以后解决",
        "D类：留作参考",
    ):
        assert label in html
    assert CONTACT_NOTE in html and "签发人" in html and "承办联系人" in html
    assert f'name="p{lead.pk}-commit-TOTAL_FORMS"' in html
    assert u("unit_commitment_row", lead) in html
    cap = ctx["unit_parts"][0]["extension_cap"]
    assert cap == actions_cap(lead)
    assert cap.strftime("%Y年%-m月%-d日") in html
    # The co-handler has not sent its view yet: the lead sees that.
    assert [a.unit for a in ctx["unit_co_views"]] == [sw.co_unit] and "尚未提出会办意见" in html


def actions_cap(part):
    from minqing.core.calendar import add_months

    return add_months(timezone.localtime(part.assigned_at).date(), 6)


def test_panel_of_a_co_handler(rf, sw):
    s = assigned(sw)
    co = accepted(sw, s, sw.co_unit, sw.co_staff)
    ctx, html = panel(rf, sw.co_staff, s)
    assert ctx["can_unit_view"] and not ctx["can_unit_reply"] and not ctx["can_unit_extend"]
    assert u("unit_view", co) in html and u("unit_reply", co) not in html
    assert u("unit_extension", co) not in html and ctx["unit_co_views"] == []
    actions.cohandler_view(actor=sw.co_staff, assignment=co, text=VIEW_TEXT)
    ctx, html = panel(rf, sw.co_staff, s)
    assert not ctx["can_unit_view"] and VIEW_TEXT in html
    _, lead_html = panel(rf, sw.lead_staff, s)
    assert VIEW_TEXT in lead_html


def test_panel_while_reassignment_is_pending(rf, sw):
    s = assigned(sw)
    lead = part_of(s, sw.lead_unit)
    request = actions.reassign_request(actor=sw.lead_staff, assignment=lead, reason=REASON)
    ctx, html = panel(rf, sw.lead_staff, s)
    assert not any(ctx[k] for k in ctx if k.startswith("can_unit_"))
    assert "决定前本件仍由本单位承办" in html
    assert request.decide_due.strftime("%Y年%-m月%-d日") in html


# --- POST matrix ---------------------------------------------------------------------------------

STEPS = ["unit_accept", "unit_reassign", "unit_contact", "unit_reply", "unit_extension"]


@pytest.mark.parametrize("name", [*STEPS, "unit_view"])
def test_unit_post_matrix(client, sw, name):
    s = assigned(sw)
    part = part_of(s, sw.co_unit if name == "unit_view" else sw.lead_unit)
    target = u(name, part)
    other_unit = sw.lead_staff if name == "unit_view" else sw.co_staff
    before = audits()
    assert_login_redirect(client.post(target, {}))
    for user in (sw.nobody, sw.office, sw.leader, sw.lead_user, sw.spare_staff, sw.far_staff):
        assert post_as(client, user, target, {}).status_code == 404, user
    assert post_as(client, other_unit, target, {}).status_code == 404
    assert get_as(client, part_staff(sw, part), target).status_code == 405
    assert audits() == before


def part_staff(sw, part):
    return sw.co_staff if part.unit == sw.co_unit else sw.lead_staff


@pytest.mark.parametrize("name", ["unit_reply", "unit_extension"])
def test_a_co_handler_can_neither_reply_nor_extend(client, sw, name):
    s = assigned(sw)
    co = accepted(sw, s, sw.co_unit, sw.co_staff, contact=True)
    before = audits()
    data = {f"p{co.pk}-reply-result_class": "A", f"p{co.pk}-extension-new_due": "2027-01-10"}
    response = post_as(client, sw.co_staff, u(name, co), data)
    assert response.status_code == 403
    assert audits() == before and not Reply.objects.exists() and not Extension.objects.exists()


def test_the_lead_cannot_send_a_co_handlers_view(client, sw):
    s = assigned(sw)
    lead = accepted(sw, s, sw.lead_unit, sw.lead_staff)
    response = post_as(client, sw.lead_staff, u("unit_view", lead), {"text": VIEW_TEXT})
    assert response.status_code == 403


# --- the steps -----------------------------------------------------------------------------------


def test_sign(client, sw):
    s = assigned(sw)
    lead = part_of(s, sw.lead_unit)
    before = audits()
    response = post_as(client, sw.lead_staff, u("unit_accept", lead))
    assert response.status_code == 302 and response.url == detail_url(s)
    assert audits() == before + 1
    lead.refresh_from_db()
    assert lead.state == "accepted" and lead.accepted_at is not None
    assert "已签收" in flashes(response)[0]
    again = post_as(client, sw.lead_staff, u("unit_accept", lead))
    assert again.status_code == 302 and audits() == before + 1
    assert "状态已经变化" in flashes(again)[0]


def test_reassignment_request_keeps_the_item_with_the_unit(client, sw):
    s = assigned(sw)
    lead = part_of(s, sw.lead_unit)
    prefix = f"p{lead.pk}-reassign"
    before = audits()
    response = post_as(
        client,
        sw.lead_staff,
        u("unit_reassign", lead),
        {f"{prefix}-reason": REASON, f"{prefix}-suggested_unit": sw.spare_unit.pk},
    )
    assert response.status_code == 302 and response.url == detail_url(s)
    assert audits() == before + 1
    request = ReassignRequest.objects.get()
    assert request.suggested_unit == sw.spare_unit and request.state == "pending"
    lead.refresh_from_db()
    assert lead.state == "reassigning" and lead.unit == sw.lead_unit
    assert "决定前本件仍由本单位承办" in flashes(response)[0]
    # Still the unit's: the item's page and its inbox show it; nobody else got it.
    assert get_as(client, sw.lead_staff, detail_url(s)).status_code == 200
    assert get_as(client, sw.spare_staff, detail_url(s)).status_code == 404


def test_reassignment_request_refusals_in_chinese(client, sw, monkeypatch):
    s = assigned(sw)
    lead = part_of(s, sw.lead_unit)
    prefix = f"p{lead.pk}-reassign"
    before = audits()
    response = post_as(
        client, sw.lead_staff, u("unit_reassign", lead), {f"{prefix}-reason": "不归我"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "至少写 10 个字" in html and "不归我" in html
    freeze(monkeypatch, lead.reassign_due + dt.timedelta(days=1))
    response = post_as(
        client, sw.lead_staff, u("unit_reassign", lead), {f"{prefix}-reason": REASON}
    )
    assert response.status_code == 302
    assert "期限" in flashes(response)[0] and "已过" in flashes(response)[0]
    assert audits() == before and not ReassignRequest.objects.exists()


def test_a_unit_moved_away_loses_the_item(client, sw):
    s = assigned(sw)
    lead = part_of(s, sw.lead_unit)
    request = actions.reassign_request(actor=sw.lead_staff, assignment=lead, reason=REASON)
    actions.reassign_decide(actor=sw.office, request=request, approve=True, new_unit=sw.spare_unit)
    assert get_as(client, sw.lead_staff, detail_url(s)).status_code == 404
    assert get_as(client, sw.lead_staff, u("unit_inbox")).context["page_obj"].object_list == []
    for name in STEPS:
        assert post_as(client, sw.lead_staff, u(name, lead), {}).status_code == 404
    new = part_of(s, sw.spare_unit)
    assert [a.pk for a in get_as(client, sw.spare_staff, u("unit_inbox")).context["page_obj"]] == [
        new.pk
    ]


def test_co_handler_sends_its_view(client, sw):
    s = assigned(sw)
    co = accepted(sw, s, sw.co_unit, sw.co_staff)
    before = audits()
    response = post_as(client, sw.co_staff, u("unit_view", co), {f"p{co.pk}-view-text": VIEW_TEXT})
    assert response.status_code == 302 and audits() == before + 1
    co.refresh_from_db()
    assert co.state == "answered" and co.view_text == VIEW_TEXT
    assert "会办意见已送主办单位" in flashes(response)[0]


def test_contact_is_recorded_and_checked(client, sw):
    s = assigned(sw)
    lead = accepted(sw, s, sw.lead_unit, sw.lead_staff)
    prefix = f"p{lead.pk}-contact"
    before = audits()
    future = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = post_as(
        client,
        sw.lead_staff,
        u("unit_contact", lead),
        {
            f"{prefix}-method": "phone",
            f"{prefix}-contacted_at": future,
            f"{prefix}-note": CONTACT_NOTE,
        },
    )
    assert response.status_code == 200 and "联系时间不能晚于现在" in response.content.decode()
    response = post_as(
        client,
        sw.lead_staff,
        u("unit_contact", lead),
        {f"{prefix}-method": "", f"{prefix}-note": CONTACT_NOTE},
    )
    assert response.status_code == 200 and "请选择" in response.content.decode()
    assert audits() == before
    response = post_as(
        client,
        sw.lead_staff,
        u("unit_contact", lead),
        {f"{prefix}-method": "visit", f"{prefix}-note": CONTACT_NOTE},
    )
    assert response.status_code == 302 and audits() == before + 1
    assert Contact.objects.get().note == CONTACT_NOTE
    lead.refresh_from_db()
    assert lead.contacted_at is not None


def reply_data(part, *, result_class="A", commitments=(), **overrides) -> dict:
    p, c = f"p{part.pk}-reply", f"p{part.pk}-commit"
    data = {
        f"{p}-result_class": result_class,
        f"{p}-text": REPLY,
        f"{p}-signed_by": "张局长",
        f"{p}-contact_person": "李科长",
        f"{c}-TOTAL_FORMS": str(max(3, len(commitments))),
        f"{c}-INITIAL_FORMS": "0",
        f"{c}-MIN_NUM_FORMS": "0",
        f"{c}-MAX_NUM_FORMS": "20",
    }
    for i, (text, due) in enumerate(commitments):
        data[f"{c}-{i}-text"] = text
        data[f"{c}-{i}-due_date"] = due
    data.update({k if k.startswith("p") else f"{p}-{k}": v for k, v in overrides.items()})
    return data


def test_reply_with_the_signed_pdf(client, sw, django_capture_on_commit_callbacks):
    s = assigned(sw, co_unit=False)
    lead = accepted(sw, s, sw.lead_unit, sw.lead_staff, contact=True)
    before = audits()
    data = reply_data(lead)
    data[f"p{lead.pk}-reply-document"] = pdf_upload()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_as(client, sw.lead_staff, u("unit_reply", lead), data)
    assert response.status_code == 302 and response.url == detail_url(s)
    assert audits() == before + 1
    reply = Reply.objects.get()
    assert (
        reply.result_class == "A"
        and reply.signed_by == "张局长"
        and reply.contact_person == "李科长"
    )
    f = SuggestionFile.objects.get(reply=reply)
    assert f.content_type == "application/pdf" and f.kind == "reply"
    s.refresh_from_db()
    assert s.state == "replied" and "代表将收到通知" in flashes(response)[0]
    assert not Commitment.objects.exists()


def test_reply_refuses_a_jpeg_in_chinese_and_keeps_the_text(client, sw):
    s = assigned(sw)
    lead = accepted(sw, s, sw.lead_unit, sw.lead_staff, contact=True)
    before = audits()
    data = reply_data(lead)
    data[f"p{lead.pk}-reply-document"] = jpeg_upload()
    response = post_as(client, sw.lead_staff, u("unit_reply", lead), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "答复函须为 PDF 文件" in html and REPLY in html
    assert audits() == before and not Reply.objects.exists()
    response = post_as(client, sw.lead_staff, u("unit_reply", lead), reply_data(lead))
    assert "请上传加盖公章的答复函（PDF）" in response.content.decode()


def test_class_b_needs_a_commitment(client, sw):
    s = assigned(sw)
    lead = accepted(sw, s, sw.lead_unit, sw.lead_staff, contact=True)
    before = audits()
    data = reply_data(lead, result_class="B")
    data[f"p{lead.pk}-reply-document"] = pdf_upload()
    response = post_as(client, sw.lead_staff, u("unit_reply", lead), data)
    assert response.status_code == 200
    assert "B类答复须列明至少一项承诺事项" in response.content.decode()
    assert audits() == before and not Reply.objects.exists()
    # A due date without the promise itself is refused on the row.
    data = reply_data(lead, result_class="B", commitments=[("", "2027-06-30")])
    data[f"p{lead.pk}-reply-document"] = pdf_upload()
    response = post_as(client, sw.lead_staff, u("unit_reply", lead), data)
    assert response.status_code == 200 and "请填写承诺事项" in response.content.decode()
    promises = [("年内修订加装电梯补贴办法", "2027-06-30"), ("简化审批流程", ""), ("", "")]
    data = reply_data(lead, result_class="B", commitments=promises)
    data[f"p{lead.pk}-reply-document"] = pdf_upload()
    response = post_as(client, sw.lead_staff, u("unit_reply", lead), data)
    assert response.status_code == 302 and audits() == before + 1
    rows = list(Commitment.objects.order_by("id").values_list("text", "due_date", "unit"))
    assert rows == [
        ("年内修订加装电梯补贴办法", D(2027, 6, 30), sw.lead_unit.pk),
        ("简化审批流程", None, sw.lead_unit.pk),
    ]


def test_commitments_are_only_for_class_b(client, sw):
    s = assigned(sw)
    lead = accepted(sw, s, sw.lead_unit, sw.lead_staff, contact=True)
    data = reply_data(lead, result_class="A", commitments=[("年内完成", "2027-06-30")])
    data[f"p{lead.pk}-reply-document"] = pdf_upload()
    response = post_as(client, sw.lead_staff, u("unit_reply", lead), data)
    assert response.status_code == 200 and "只有B类答复" in response.content.decode()
    assert not Reply.objects.exists()


def test_reply_before_any_contact_is_refused(client, sw):
    s = assigned(sw)
    lead = accepted(sw, s, sw.lead_unit, sw.lead_staff)
    data = reply_data(lead)
    data[f"p{lead.pk}-reply-document"] = pdf_upload()
    before = audits()
    response = post_as(client, sw.lead_staff, u("unit_reply", lead), data)
    assert response.status_code == 302
    assert "答复前须与代表沟通联系" in flashes(response)[0]
    assert audits() == before and not Reply.objects.exists()


def test_commitment_row_for_htmx(client, sw):
    s = assigned(sw)
    lead = accepted(sw, s, sw.lead_unit, sw.lead_staff, contact=True)
    target = u("unit_commitment_row", lead)
    response = get_as(client, sw.lead_staff, target, {"index": 3}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="p{lead.pk}-commit-3-text"' in html
    assert f'name="p{lead.pk}-commit-TOTAL_FORMS" value="4"' in html
    assert "index=4" in html and 'hx-swap-oob="true"' in html
    assert get_as(client, sw.lead_staff, target, {"index": 20}).status_code == 404
    assert get_as(client, sw.lead_staff, target, {"index": "x"}).status_code == 404
    assert get_as(client, sw.co_staff, target, {"index": 3}).status_code == 404
    assert_login_redirect(get_as(client, None, target, {"index": 3}))


def extension_data(part, new_due, reason=REASON) -> dict:
    p = f"p{part.pk}-extension"
    return {f"{p}-new_due": new_due, f"{p}-reason": reason}


def test_extension_request_up_to_the_cap(client, sw):
    s = assigned(sw)
    lead = accepted(sw, s, sw.lead_unit, sw.lead_staff)
    cap = actions_cap(lead)
    before = audits()
    response = post_as(
        client,
        sw.lead_staff,
        u("unit_extension", lead),
        extension_data(lead, (cap + dt.timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 200
    assert "最长只能延至 " + cap.strftime("%Y年%-m月%-d日") in response.content.decode()
    response = post_as(
        client, sw.lead_staff, u("unit_extension", lead), extension_data(lead, lead.reply_due)
    )
    assert "延期后的日期须晚于现在的答复期限" in response.content.decode()
    assert audits() == before
    response = post_as(
        client, sw.lead_staff, u("unit_extension", lead), extension_data(lead, cap.isoformat())
    )
    assert response.status_code == 302 and audits() == before + 1
    assert Extension.objects.get().new_due == cap
    assert "等待人大办公室审批" in flashes(response)[0]
    # One at a time: the form is gone, a second request comes back as a message.
    response = post_as(
        client, sw.lead_staff, u("unit_extension", lead), extension_data(lead, cap.isoformat())
    )
    assert response.status_code == 302 and "已有一项延期申请" in flashes(response)[0]
    assert audits() == before + 1


def test_re_handling_round_is_highlighted(client, sw):
    s = assigned(sw, co_unit=False)
    reply_as_lead(sw, s)
    reply = s.replies.get()
    actions.suggestion_feedback(
        actor=sw.lead_user,
        reply=reply,
        result_level="unsatisfied",
        contact_level="basic",
        comment="补贴标准仍然偏低，审批仍需多个部门盖章。",
    )
    response = get_as(client, sw.lead_staff, u("unit_inbox"))
    html = response.content.decode()
    assert "第 2 轮重新办理" in html
    page = get_as(client, sw.lead_staff, detail_url(s)).content.decode()
    assert "正在第 2 轮重新办理" in page
