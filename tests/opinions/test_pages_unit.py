"""The handling unit's pages: the unit inbox and the unit panel's endpoints (sign,
return, contact, reply with attachments, extension request). Permission matrices, one
audit entry per POST, a return that can only go back to the office, query-count pins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from minqing.opinions import actions
from minqing.opinions.forms_office import unit_panel_context
from minqing.opinions.models import (
    ExtensionState,
    FileKind,
    OpinionExtension,
    OpinionState,
)
from tests.opinions.factories import REPLY_TEXT, drive, submit
from tests.opinions.helpers import (
    assert_login_redirect,
    assert_post_refused,
    audits,
    detail,
    flashes,
    freeze,
    get_as,
    held,
    image,
    minimal_pdf,
    post_as,
    render_panel,
    url,
)

D = dt.date
pytestmark = pytest.mark.django_db

RETURN_REASON = "此事属于区城市管理局职责，请转交滨江区城市管理局办理。"
EXTENSION_REASON = "需要协调供电公司更换线路，材料采购需要时间。"


# --- helpers -------------------------------------------------------------------------------


def reply_data(**overrides) -> dict:
    data = {"public_text": REPLY_TEXT, "resolution": "solved", "internal_note": "已派维修班组。"}
    data.update(overrides)
    return data


# --- the unit inbox ----------------------------------------------------------------------------


def test_unit_inbox_matrix(client, world):
    opinion = drive(world, submit(world), OpinionState.FORWARDED)
    far = held(world, unit=world.far_unit)
    page = reverse("opinions:unit_inbox")
    assert_login_redirect(client.get(page))
    for user in (world.nobody, world.office, world.leader, world.station_staff):
        assert get_as(client, user, page).status_code == 403

    def pks(user):
        response = get_as(client, user, page)
        assert response.status_code == 200
        return [o.pk for o in response.context["page_obj"]]

    assert pks(world.unit_staff) == [opinion.pk]
    assert pks(world.district_unit_staff) == []
    assert pks(world.far_unit_staff) == [far.pk]


def test_unit_inbox_columns_and_colours(client, world, monkeypatch):
    freeze(monkeypatch, D(2026, 11, 20))  # a Friday
    late = held(world, reply_due=D(2026, 11, 19))
    soon = held(world, reply_due=D(2026, 11, 24))  # 2 working days ahead
    later = held(world, reply_due=D(2026, 11, 25), state=OpinionState.FORWARDED)
    rehandled = held(world, reply_due=D(2026, 12, 20), rehandle_count=1)
    OpinionExtension.objects.create(
        opinion=rehandled,
        assignment=rehandled.assignment,
        working_days=3,
        reason=EXTENSION_REASON,
        old_due=rehandled.reply_due,
    )
    held(world, state=OpinionState.REPLIED)  # answered: no longer in the inbox
    response = get_as(client, world.unit_staff, reverse("opinions:unit_inbox"))
    rows = list(response.context["page_obj"])
    assert [o.pk for o in rows] == [late.pk, soon.pk, later.pk, rehandled.pk]
    assert [o.has_pending_extension for o in rows] == [False, False, False, True]
    assert response.context["due_soon"] == D(2026, 11, 24)
    html = response.content.decode()
    tbody = html[html.index("<tbody>") : html.index("</tbody>")]
    chunks = tbody.split("<tr>")[1:]
    assert "text-bg-danger" in chunks[0] and "已超期" in chunks[0]
    assert "text-bg-warning" in chunks[1] and "即将到期" in chunks[1]
    assert "即将到期" not in chunks[2] and "已超期" not in chunks[2]
    assert "待签收" in chunks[2] and "办理中" in chunks[0]
    assert "重办" in chunks[3] and "延期审批中" in chunks[3]
    assert "重办" not in chunks[0]


def test_unit_inbox_filters(client, world):
    waiting = held(world, state=OpinionState.FORWARDED)
    working = held(world, text="小区门口下水道堵塞，下雨天积水严重，请尽快疏通。")
    page = reverse("opinions:unit_inbox")

    def pks(**params):
        return {o.pk for o in get_as(client, world.unit_staff, page, params).context["page_obj"]}

    assert pks(state="forwarded") == {waiting.pk}
    assert pks(state="handling") == {working.pk}
    assert pks(q="下水道") == {working.pk}
    assert pks(state="bogus") == {waiting.pk, working.pk}


@pytest.mark.parametrize("n", [3, 30])
def test_unit_inbox_query_count_is_pinned(client, world, django_assert_num_queries, n):
    for i in range(n):
        opinion = held(
            world,
            reply_due=D(2026, 12, 1) + dt.timedelta(days=i),
            state=OpinionState.FORWARDED if i % 3 else OpinionState.HANDLING,
        )
        if i % 4 == 0:
            OpinionExtension.objects.create(
                opinion=opinion,
                assignment=opinion.assignment,
                working_days=2,
                reason=EXTENSION_REASON,
                old_due=opinion.reply_due,
            )
    client.force_login(world.unit_staff)
    page = reverse("opinions:unit_inbox")
    client.get(page)
    # session, user, grants, count, page, calendar years, calendar days.
    with django_assert_num_queries(7):
        response = client.get(page)
    assert len(response.context["page_obj"]) == n


# --- the panel ---------------------------------------------------------------------------------


def panel(rf, user, opinion) -> tuple[dict, str]:
    return render_panel(rf, user, opinion, unit_panel_context, "opinions/includes/unit_panel.html")


def test_unit_panel_follows_the_state(rf, world):
    opinion = drive(world, submit(world), OpinionState.FORWARDED)
    ctx, html = panel(rf, world.unit_staff, opinion)
    assert ctx["unit_panel"] and ctx["can_sign"] and ctx["can_return"]
    assert not ctx["can_reply"] and not ctx["can_contact"] and ctx["can_request_extension"]
    assert url("sign", opinion) in html and url("reply", opinion) not in html
    assert "不会直接转给其他单位" in html
    actions.opinion_sign(actor=world.unit_staff, opinion=opinion)
    ctx, html = panel(rf, world.unit_staff, opinion)
    assert not ctx["can_sign"] and ctx["can_reply"] and ctx["can_contact"]
    assert url("reply", opinion) in html and 'enctype="multipart/form-data"' in html
    for user in (world.office, world.district_unit_staff, world.leader):
        ctx, html = panel(rf, user, opinion)
        assert not ctx["unit_panel"] and html.strip() == ""
    actions.opinion_reply(
        actor=world.unit_staff, opinion=opinion, public_text=REPLY_TEXT, resolution="solved"
    )
    ctx, html = panel(rf, world.unit_staff, opinion)
    assert not ctx["unit_panel"] and html.strip() == ""


def test_unit_panel_hides_the_extension_form_while_one_is_pending(rf, world):
    opinion = drive(world, submit(world), OpinionState.HANDLING)
    actions.extension_request(
        actor=world.unit_staff, opinion=opinion, working_days=3, reason=EXTENSION_REASON
    )
    ctx, html = panel(rf, world.unit_staff, opinion)
    assert not ctx["can_request_extension"] and ctx["pending_extension"] is not None
    assert url("extension_request", opinion) not in html
    assert "等待人大办公室审批" in html


# --- POST endpoints: the permission matrix ----------------------------------------------------

ENDPOINTS = {
    "sign": (OpinionState.FORWARDED, lambda: {}),
    "return": (OpinionState.HANDLING, lambda: {"reason": RETURN_REASON}),
    "contact": (OpinionState.HANDLING, lambda: {"method": "phone", "note": "已电话联系群众。"}),
    "reply": (OpinionState.HANDLING, reply_data),
    "extension_request": (
        OpinionState.HANDLING,
        lambda: {"working_days": "5", "reason": EXTENSION_REASON},
    ),
}


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_unit_post_matrix(client, world, name):
    state, data = ENDPOINTS[name]
    opinion = drive(world, submit(world), state)
    target = url(name, opinion)
    before = audits()
    assert_post_refused(
        client,
        target,
        data(),
        # Not visible: no role, another unit (near or far), another city's office.
        hidden=(world.nobody, world.district_unit_staff, world.far_unit_staff, world.far_office),
        # Visible but not theirs to handle.
        forbidden=(world.office, world.leader, world.station_staff),
    )
    assert get_as(client, world.unit_staff, target).status_code == 405
    response = post_as(client, world.unit_staff, target, data())
    assert response.status_code == 302
    expected = reverse("opinions:unit_inbox") if name == "return" else detail(opinion)
    assert response.url == expected
    assert audits() == before + 1


# --- sign ---------------------------------------------------------------------------------------


def test_sign_starts_handling_once(client, world):
    opinion = drive(world, submit(world), OpinionState.FORWARDED)
    before = audits()
    response = post_as(client, world.unit_staff, url("sign", opinion))
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.HANDLING
    assert opinion.assignment.signed_at is not None
    assert any(m.startswith("已签收") for m in flashes(response))
    page = get_as(client, world.unit_staff, detail(opinion)).content.decode()
    assert 'id="unit-panel"' in page and url("reply", opinion) in page
    assert url("sign", opinion) not in page
    # A second click finds the opinion already signed: nothing happens, and it says so.
    response = post_as(client, world.unit_staff, url("sign", opinion))
    assert response.status_code == 302
    assert any("状态已经变化" in m for m in flashes(response))
    assert audits() == before + 1


# --- return -------------------------------------------------------------------------------------


def test_return_goes_to_the_office_and_never_to_another_unit(client, world):
    opinion = drive(world, submit(world), OpinionState.HANDLING)
    before = audits()
    # There is no field for a unit: a smuggled one is ignored.
    response = post_as(
        client,
        world.unit_staff,
        url("return", opinion),
        {"reason": RETURN_REASON, "unit": world.district_unit.pk},
    )
    assert response.status_code == 302 and response.url == reverse("opinions:unit_inbox")
    assert "已退回人大办公室重新分办。" in flashes(response)
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.TRIAGE
    assert opinion.unit is None and opinion.assignment is None
    assert opinion.assignments.count() == 1
    assignment = opinion.assignments.get()
    assert assignment.return_reason == RETURN_REASON and assignment.returned_at
    assert audits() == before + 1
    # The unit has lost sight of it; the other unit never got it; the office has it back.
    assert get_as(client, world.unit_staff, detail(opinion)).status_code == 404
    assert get_as(client, world.district_unit_staff, detail(opinion)).status_code == 404
    assert (
        get_as(client, world.unit_staff, reverse("opinions:unit_inbox"))
        .context["page_obj"]
        .paginator.count
        == 0
    )
    assert (
        get_as(client, world.district_unit_staff, reverse("opinions:unit_inbox"))
        .context["page_obj"]
        .paginator.count
        == 0
    )
    inbox = get_as(client, world.office, reverse("opinions:office_inbox"))
    assert [o.pk for o, _ in inbox.context["rows"]] == [opinion.pk]
    page = get_as(client, world.office, detail(opinion))
    assert page.status_code == 200
    # The office panel on the opinion's page says who returned it and why.
    assert 'id="office-panel"' in page.content.decode()
    assert page.context["returned_assignment"].return_reason == RETURN_REASON


def test_return_without_a_reason_keeps_the_text_and_says_why(client, world):
    opinion = drive(world, submit(world), OpinionState.FORWARDED)
    before = audits()
    response = post_as(client, world.unit_staff, url("return", opinion), {"reason": "不归我"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "请说明退回理由（至少 5 个字）" in html and "不归我" in html
    response = post_as(client, world.unit_staff, url("return", opinion), {})
    assert "请填写此项" in response.content.decode()
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.FORWARDED
    assert audits() == before


# --- contact ------------------------------------------------------------------------------------


def test_contact_is_recorded(client, world):
    opinion = drive(world, submit(world), OpinionState.HANDLING)
    before = audits()
    # The input has minute precision; a minute ahead stays after the forwarding time.
    when = (timezone.localtime() + dt.timedelta(minutes=1)).replace(second=0, microsecond=0)
    response = post_as(
        client,
        world.unit_staff,
        url("contact", opinion),
        {
            "method": "visit",
            "contacted_at": when.strftime("%Y-%m-%dT%H:%M"),
            "note": "上门查看了路灯情况。",
        },
    )
    assert response.status_code == 302 and response.url == detail(opinion)
    contact = opinion.contacts.get()
    assert (contact.method, contact.note, contact.contacted_at) == (
        "visit",
        "上门查看了路灯情况。",
        when,
    )
    opinion.assignment.refresh_from_db()
    assert opinion.assignment.contacted_at == when
    assert audits() == before + 1


def test_contact_refusals_are_in_chinese_and_keep_the_note(client, world):
    opinion = drive(world, submit(world), OpinionState.FORWARDED)
    before = audits()
    # Not signed yet.
    response = post_as(
        client, world.unit_staff, url("contact", opinion), {"method": "phone", "note": "电话沟通"}
    )
    # About the opinion, not the input: back to its page with the reason.
    assert response.status_code == 302 and response.url == detail(opinion)
    assert "请先签收再记录联系情况" in flashes(response)
    actions.opinion_sign(actor=world.unit_staff, opinion=opinion)
    before = audits()
    for contacted_at, message in [
        ("昨天下午", "请填写正确的联系时间"),
        ((timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"), "不能晚于现在"),
        ("2020-01-01T09:00", "不能早于转办时间"),
    ]:
        response = post_as(
            client,
            world.unit_staff,
            url("contact", opinion),
            {"method": "phone", "note": "电话沟通", "contacted_at": contacted_at},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert message in html and "电话沟通" in html
    assert not opinion.contacts.exists()
    assert audits() == before


# --- reply --------------------------------------------------------------------------------------


def test_reply_with_attachments(client, world, settings):
    opinion = drive(world, submit(world), OpinionState.HANDLING)
    before = audits()
    client.force_login(world.unit_staff)
    response = client.post(
        url("reply", opinion),
        {
            **reply_data(),
            "attachments": [
                SimpleUploadedFile("回复函.pdf", minimal_pdf(), "application/pdf"),
                SimpleUploadedFile("现场.png", image(size=(40, 20)), "image/png"),
            ],
        },
    )
    assert response.status_code == 302 and response.url == detail(opinion)
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.REPLIED
    reply = opinion.replies.get()
    assert (reply.public_text, reply.resolution, reply.internal_note) == (
        REPLY_TEXT,
        "solved",
        "已派维修班组。",
    )
    assert reply.responder == world.unit.name
    files = list(reply.files.order_by("id"))
    assert [(f.kind, f.content_type, f.name) for f in files] == [
        (FileKind.ATTACHMENT, "application/pdf", "回复函.pdf"),
        (FileKind.ATTACHMENT, "image/png", "现场.png"),
    ]
    assert "回复函" not in files[0].file.name  # stored under a random name
    assert audits() == before + 1


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            lambda: [SimpleUploadedFile(f"{i}.pdf", minimal_pdf()) for i in range(6)],
            "最多上传 5 个附件",
        ),
        (lambda: [SimpleUploadedFile("报告.pdf", b"<html>not a pdf</html>")], "报告.pdf"),
        (lambda: [SimpleUploadedFile("空.pdf", b"")], "空.pdf"),
    ],
    ids=["six-files", "disguised", "empty"],
)
def test_reply_refuses_bad_attachments_and_keeps_the_text(client, world, files, message):
    opinion = drive(world, submit(world), OpinionState.HANDLING)
    before = audits()
    client.force_login(world.unit_staff)
    response = client.post(url("reply", opinion), {**reply_data(), "attachments": files()})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and REPLY_TEXT in html
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.HANDLING
    assert not opinion.replies.exists()
    assert audits() == before


def test_reply_too_short_is_refused_on_the_field(client, world):
    opinion = drive(world, submit(world), OpinionState.HANDLING)
    before = audits()
    response = post_as(
        client, world.unit_staff, url("reply", opinion), reply_data(public_text="已修好")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "答复内容至少需要 10 个字" in html and "已修好" in html
    response = post_as(client, world.unit_staff, url("reply", opinion), reply_data(resolution=""))
    assert "请选择" in response.content.decode()
    assert audits() == before


# --- extension request --------------------------------------------------------------------------


def test_extension_request_then_approval_moves_the_deadline(client, world, monkeypatch):
    freeze(monkeypatch, D(2026, 9, 30))
    opinion = drive(world, submit(world), OpinionState.HANDLING)
    assert opinion.reply_due == D(2026, 10, 27)
    before = audits()
    response = post_as(
        client,
        world.unit_staff,
        url("extension_request", opinion),
        {"working_days": "10", "reason": EXTENSION_REASON},
    )
    assert response.status_code == 302
    extension = opinion.extensions.get()
    assert (extension.working_days, extension.state, extension.old_due) == (
        10,
        ExtensionState.PENDING,
        D(2026, 10, 27),
    )
    assert audits() == before + 1
    # A second request while one is pending is refused.
    response = post_as(
        client,
        world.unit_staff,
        url("extension_request", opinion),
        {"working_days": "2", "reason": EXTENSION_REASON},
    )
    assert response.status_code == 302 and response.url == detail(opinion)
    assert "已有一项延期申请待审批" in flashes(response)
    assert audits() == before + 1
    post_as(client, world.office, url("extension_decide", extension), {"decision": "approve"})
    opinion.refresh_from_db()
    # 10 working days after 10-27: 10-28 … 11-10.
    assert opinion.reply_due == D(2026, 11, 10)


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("0", "延期天数须为 1 至 15 个工作日"),
        ("16", "延期天数须为 1 至 15 个工作日"),
        ("两天", "请填写整数"),
    ],
)
def test_extension_request_bounds_in_chinese(client, world, days, message):
    opinion = drive(world, submit(world), OpinionState.HANDLING)
    before = audits()
    response = post_as(
        client,
        world.unit_staff,
        url("extension_request", opinion),
        {"working_days": days, "reason": EXTENSION_REASON},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and EXTENSION_REASON in html
    assert audits() == before


def test_a_refused_form_no_longer_on_the_page_comes_back_as_a_message(client, world):
    # The contact form is only on the page once the opinion is signed: a refusal of a
    # form the page does not show is told as a message.
    opinion = drive(world, submit(world), OpinionState.FORWARDED)
    response = post_as(client, world.unit_staff, url("contact", opinion), {"method": "phone"})
    assert response.status_code == 302 and response.url == detail(opinion)
    assert "请填写此项" in flashes(response)
