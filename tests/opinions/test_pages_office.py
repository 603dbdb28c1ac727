"""The office's pages: the triage inbox, the triage panel's endpoints (classify,
forward, merge, decline), extension decisions, the extension list and the overdue list.
Permission matrices, one audit entry per POST, deadlines across a holiday, query-count
pins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from minqing.core.models import AuditEntry
from minqing.opinions import actions
from minqing.opinions.forms_office import office_panel_context
from minqing.opinions.models import (
    ExtensionState,
    Kind,
    Opinion,
    OpinionAssignment,
    OpinionExtension,
    OpinionState,
)
from tests.opinions.factories import OpinionFactory, drive, submit
from tests.opinions.helpers import (
    assert_login_redirect,
    assert_post_refused,
    audits,
    detail,
    flashes,
    freeze,
    get_as,
    held,
    post_as,
    render_panel,
    url,
)
from tests.people.factories import UnitFactory

D = dt.date
pytestmark = pytest.mark.django_db

DECLINE_NOTE = "该纠纷已进入诉讼程序，请关注法院审理结果。"
RETURN_REASON = "此事属于区城市管理局职责，请转交滨江区城市管理局办理。"


# --- helpers -------------------------------------------------------------------------------


def pending(opinion: Opinion, days: int = 5) -> OpinionExtension:
    return OpinionExtension.objects.create(
        opinion=opinion,
        assignment=opinion.assignment,
        working_days=days,
        reason="需要协调多个部门现场勘查，时间较长。",
        old_due=opinion.reply_due,
    )


# --- the triage inbox -------------------------------------------------------------------------


def test_office_inbox_matrix(client, world):
    opinion = submit(world)
    far = OpinionFactory(region=world.tree.donghu)
    page = reverse("opinions:office_inbox")
    assert_login_redirect(client.get(page))
    for user in (world.nobody, world.unit_staff, world.leader, world.station_staff):
        assert get_as(client, user, page).status_code == 403

    def codes(user):
        response = get_as(client, user, page)
        assert response.status_code == 200
        return {o.code for o, _ in response.context["rows"]}

    assert codes(world.office) == {opinion.code}
    assert codes(world.district_office) == {opinion.code}
    assert codes(world.far_office) == {far.code}


def test_office_inbox_lists_received_and_triage_oldest_first(client, world):
    first = submit(world)
    second = drive(world, submit(world), OpinionState.TRIAGE)
    drive(world, submit(world), OpinionState.FORWARDED)
    drive(world, submit(world), OpinionState.DECLINED)
    response = get_as(client, world.office, reverse("opinions:office_inbox"))
    assert [o.pk for o, _ in response.context["rows"]] == [first.pk, second.pk]
    html = response.content.decode()
    assert first.code in html and detail(first) in html


def test_office_inbox_marks_a_returned_opinion_with_its_reason(client, world):
    opinion = drive(world, submit(world), OpinionState.HANDLING)
    fresh = submit(world)
    actions.opinion_return(actor=world.unit_staff, opinion=opinion, reason=RETURN_REASON)
    response = get_as(client, world.office, reverse("opinions:office_inbox"))
    rows = {o.pk: o for o, _ in response.context["rows"]}
    assert rows[opinion.pk].last_return_reason == RETURN_REASON
    assert rows[fresh.pk].last_returned_at is None
    html = response.content.decode()
    assert "退回" in html and RETURN_REASON in html and world.unit.name in html


def test_office_inbox_filters(client, world):
    tree = world.tree
    lamp = submit(world, kind=Kind.HELP, category="urban")
    noise = submit(
        world,
        kind=Kind.COMPLAINT,
        category="environment",
        text="夜间工地施工噪音很大，影响居民休息。",
    )
    village = OpinionFactory(region=tree.village, kind=Kind.SUGGESTION, category="agriculture")
    triaged = drive(world, submit(world), OpinionState.TRIAGE)
    page = reverse("opinions:office_inbox")

    def pks(**params):
        response = get_as(client, world.office, page, params)
        assert response.status_code == 200
        return {o.pk for o, _ in response.context["rows"]}

    assert pks() == {lamp.pk, noise.pk, village.pk, triaged.pk}
    assert pks(kind="complaint") == {noise.pk}
    assert pks(category="agriculture") == {village.pk}
    assert pks(q="噪音") == {noise.pk}
    assert pks(q=lamp.code.lower()) == {lamp.pk}
    assert pks(state="triage") == {triaged.pk}
    assert pks(station=str(world.station.pk)) == {lamp.pk, noise.pk, triaged.pk}
    assert pks(region=tree.yunxi.code) == {village.pk}
    assert pks(region=tree.street.code) == {lamp.pk, noise.pk, triaged.pk}
    # A region outside the reader's scope or an unknown code matches nothing.
    assert pks(region=tree.other_city.code) == set()
    assert pks(region="nowhere") == set()
    # The region choices are the reader's own subtree (city, counties, townships).
    form = get_as(client, world.office, page).context["form"]
    assert {r.code for r in form.regions} == {
        tree.city.code,
        tree.binjiang.code,
        tree.street.code,
        tree.yunxi.code,
        tree.town.code,
    }


@pytest.mark.parametrize("n", [3, 30])
def test_office_inbox_query_count_is_pinned(client, world, django_assert_num_queries, n):
    for i in range(n):
        opinion = OpinionFactory(station=world.station, state=OpinionState.TRIAGE)
        if i % 2:
            OpinionAssignment.objects.create(
                opinion=opinion,
                unit=world.unit,
                forwarded_at=timezone.now(),
                sign_due=D(2026, 10, 8),
                contact_due=D(2026, 10, 10),
                reply_due=D(2026, 10, 27),
                returned_at=timezone.now(),
                return_reason=RETURN_REASON,
            )
    client.force_login(world.office)
    page = reverse("opinions:office_inbox")
    client.get(page)
    # session, user, grants, stations, regions, categories, count, page.
    with django_assert_num_queries(8):
        response = client.get(page)
    assert len(response.context["rows"]) == n


# --- the panel ---------------------------------------------------------------------------------


def panel(rf, user, opinion) -> tuple[dict, str]:
    return render_panel(
        rf, user, opinion, office_panel_context, "opinions/includes/office_panel.html"
    )


def test_office_panel_shows_for_triage_only(rf, world):
    opinion = submit(world)
    ctx, html = panel(rf, world.office, opinion)
    assert ctx["office_panel"] and ctx["can_forward"] and ctx["can_merge"] and ctx["can_decline"]
    assert url("forward", opinion) in html and url("decline", opinion) in html
    for user in (world.leader, world.station_staff, world.unit_staff):
        ctx, html = panel(rf, user, opinion)
        assert not ctx["office_panel"] and html.strip() == ""
    drive(world, opinion, OpinionState.FORWARDED)
    ctx, html = panel(rf, world.office, opinion)
    assert not ctx["office_panel"] and not ctx["can_forward"]


def test_office_panel_offers_units_in_scope_only(rf, world):
    inactive = UnitFactory(name="澜州市已撤销局", region=world.tree.city, is_active=False)
    ctx, html = panel(rf, world.office, submit(world))
    units = set(ctx["forward_form"].fields["unit"].queryset)
    assert units == {world.unit, world.district_unit}
    assert world.far_unit.name not in html and inactive.name not in html
    ctx, _ = panel(rf, world.district_office, submit(world))
    assert set(ctx["forward_form"].fields["unit"].queryset) == {world.district_unit}


def test_office_panel_previews_the_deadlines_across_national_day(rf, world, monkeypatch):
    freeze(monkeypatch, D(2026, 9, 30))
    ctx, html = panel(rf, world.office, submit(world))
    preview = ctx["forward_preview"]
    assert (preview.sign.due, preview.contact.due, preview.reply.due) == (
        D(2026, 10, 8),
        D(2026, 10, 10),
        D(2026, 10, 27),
    )
    assert not preview.provisional
    assert "2026年10月27日" in html


def test_office_panel_warns_when_the_calendar_is_provisional(rf, world, monkeypatch):
    freeze(monkeypatch, D(2027, 12, 20))  # 2028 is not loaded: the reply due falls in it
    ctx, html = panel(rf, world.office, submit(world))
    assert ctx["forward_preview"].provisional
    assert "尚未载入" in html


def test_office_panel_shows_why_a_unit_returned_it(rf, world):
    opinion = drive(world, submit(world), OpinionState.HANDLING)
    actions.opinion_return(actor=world.unit_staff, opinion=opinion, reason=RETURN_REASON)
    ctx, html = panel(rf, world.office, opinion)
    assert ctx["returned_assignment"].unit == world.unit
    assert RETURN_REASON in html


# --- POST endpoints: the permission matrix ----------------------------------------------------

VALID_POSTS = {
    "classify": lambda world: {"kind": "complaint", "category": "environment"},
    "forward": lambda world: {"unit": world.unit.pk, "instructions": "请尽快现场核实。"},
    "decline": lambda world: {"reason": "litigation", "note": DECLINE_NOTE},
    "merge": lambda world: {"master_code": submit(world).code, "confirm": "1"},
}


@pytest.mark.parametrize("name", sorted(VALID_POSTS))
def test_office_post_matrix(client, world, name):
    opinion = submit(world)
    data = VALID_POSTS[name](world)
    target = url(name, opinion)
    before = audits()
    assert_post_refused(
        client,
        target,
        data,
        # Not visible: 404, whether no role, another city's office or an unrelated unit.
        hidden=(world.nobody, world.far_office, world.unit_staff, world.far_unit_staff),
        # Visible but not theirs to triage.
        forbidden=(world.leader, world.station_staff),
    )
    assert client.get(target).status_code == 405
    response = post_as(client, world.office, target, data)
    assert response.status_code == 302 and response.url == detail(opinion)
    assert audits() == before + 1


def test_far_office_cannot_reach_an_opinion_of_lanzhou_at_all(client, world):
    opinion = submit(world)
    data = {"unit": world.far_unit.pk}
    assert post_as(client, world.far_office, url("forward", opinion), data).status_code == 404
    assert get_as(client, world.far_office, detail(opinion)).status_code == 404
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.RECEIVED


# --- classify ----------------------------------------------------------------------------------


def test_classify_sets_kind_and_category(client, world):
    opinion = submit(world)
    response = post_as(
        client, world.office, url("classify", opinion), {"kind": "report", "category": "market"}
    )
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert (opinion.kind, opinion.category) == ("report", "market")
    assert AuditEntry.objects.filter(verb="opinion.classify").count() == 1
    assert "已保存类型和分类。" in flashes(response)


def test_classify_refuses_an_unknown_category_in_chinese(client, world):
    opinion = submit(world)
    before = audits()
    response = post_as(
        client, world.office, url("classify", opinion), {"kind": "nonsense", "category": "zzz"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "所选项不存在，请重新选择" in html
    assert audits() == before


# --- forward -----------------------------------------------------------------------------------


def test_forward_computes_the_deadlines_across_national_day(client, world, monkeypatch):
    freeze(monkeypatch, D(2026, 9, 30))
    opinion = submit(world)
    before = audits()
    response = post_as(
        client,
        world.office,
        url("forward", opinion),
        {"unit": world.unit.pk, "instructions": "请尽快现场核实。"},
    )
    assert response.status_code == 302 and response.url == detail(opinion)
    opinion.refresh_from_db()
    assignment = opinion.assignment
    assert opinion.state == OpinionState.FORWARDED and opinion.unit == world.unit
    # Oct 1–7 are holidays and Sat Oct 10 an adjusted workday.
    assert assignment.sign_due == D(2026, 10, 8)
    assert assignment.contact_due == D(2026, 10, 10)
    assert assignment.reply_due == opinion.reply_due == D(2026, 10, 27)
    assert not assignment.deadline_provisional
    assert assignment.instructions == "请尽快现场核实。"
    assert audits() == before + 1
    assert any("2026年10月27日" in m and world.unit.name in m for m in flashes(response))


def test_forward_to_a_unit_out_of_scope_is_refused_and_keeps_the_text(client, world):
    opinion = submit(world)
    before = audits()
    for unit in (world.far_unit, UnitFactory(region=world.tree.city, is_active=False)):
        response = post_as(
            client,
            world.office,
            url("forward", opinion),
            {"unit": unit.pk, "instructions": "请核实后答复群众。"},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "所选承办单位不存在、已停用或不在您的管辖范围内" in html
        assert "请核实后答复群众。" in html
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.RECEIVED
    assert audits() == before


def test_forward_without_a_unit_says_so(client, world):
    response = post_as(client, world.office, url("forward", submit(world)), {})
    assert response.status_code == 200
    assert "请选择承办单位" in response.content.decode()


def test_forward_of_an_opinion_already_forwarded_is_a_stale_click(client, world):
    opinion = drive(world, submit(world), OpinionState.FORWARDED)
    before = audits()
    # The office still sees it (region scope) but it is no longer in triage.
    response = post_as(
        client, world.office, url("forward", opinion), {"unit": world.district_unit.pk}
    )
    assert response.status_code == 302 and response.url == detail(opinion)
    assert any("状态已经变化" in m for m in flashes(response))
    opinion.refresh_from_db()
    assert opinion.unit == world.unit
    assert audits() == before


def test_forward_again_after_a_return(client, world):
    opinion = drive(world, submit(world), OpinionState.HANDLING)
    actions.opinion_return(actor=world.unit_staff, opinion=opinion, reason=RETURN_REASON)
    response = post_as(
        client, world.office, url("forward", opinion), {"unit": world.district_unit.pk}
    )
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.FORWARDED and opinion.unit == world.district_unit
    assert opinion.assignments.count() == 2


# --- merge -------------------------------------------------------------------------------------


def test_merge_shows_the_master_first_and_merges_on_confirmation(client, world):
    duplicate = submit(world)
    master = submit(world, text="望江社区3号楼附近两盏路灯不亮，已经反映过一次，希望尽快修好。")
    before = audits()
    response = post_as(client, world.office, url("merge", duplicate), {"master_code": master.code})
    assert response.status_code == 200
    assert response.context["master"] == master
    html = response.content.decode()
    assert master.text in html and "确认合并" in html
    assert audits() == before
    duplicate.refresh_from_db()
    assert duplicate.state == OpinionState.RECEIVED
    response = post_as(
        client,
        world.office,
        url("merge", duplicate),
        {"master_code": master.code.lower(), "confirm": "1"},
    )
    assert response.status_code == 302 and response.url == detail(duplicate)
    duplicate.refresh_from_db()
    assert duplicate.state == OpinionState.MERGED and duplicate.master == master
    assert audits() == before + 1


@pytest.mark.parametrize(
    ("make_code", "message"),
    [
        (lambda world, me: me.code, "不能与自身合并"),
        (lambda world, me: "ABC", "查询码格式不正确"),
        (lambda world, me: OpinionFactory(region=world.tree.donghu).code, "未找到该查询码"),
        (lambda world, me: drive(world, submit(world), "declined").code, "主件已合并或不予受理"),
    ],
    ids=["self", "malformed", "out-of-scope", "declined"],
)
def test_merge_refuses_a_bad_master(client, world, make_code, message):
    opinion = submit(world)
    code = make_code(world, opinion)
    before = audits()
    for confirm in ("", "1"):
        response = post_as(
            client, world.office, url("merge", opinion), {"master_code": code, "confirm": confirm}
        )
        assert response.status_code == 200
        assert message in response.content.decode()
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.RECEIVED
    assert audits() == before


# --- decline -----------------------------------------------------------------------------------


def test_decline_with_a_referral(client, world):
    opinion = submit(world)
    before = audits()
    response = post_as(
        client,
        world.office,
        url("decline", opinion),
        {"reason": "litigation", "note": DECLINE_NOTE},
    )
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.DECLINED
    assert (opinion.decline_reason, opinion.decline_note) == ("litigation", DECLINE_NOTE)
    assert audits() == before + 1


def test_decline_refusal_keeps_what_was_typed(client, world):
    opinion = submit(world)
    before = audits()
    response = post_as(
        client, world.office, url("decline", opinion), {"reason": "emergency", "note": "打110"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "请告诉群众应通过什么途径解决" in html
    assert "打110" in html
    assert 'value="emergency" selected' in html
    response = post_as(client, world.office, url("decline", opinion), {"note": DECLINE_NOTE})
    assert "请选择" in response.content.decode()
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.RECEIVED
    assert audits() == before


# --- extension decisions ---------------------------------------------------------------------


def requested(world, monkeypatch, days: int = 5) -> Opinion:
    """Forwarded on 2026-09-30 (reply due 10-27), then the unit asks for ``days``."""
    freeze(monkeypatch, D(2026, 9, 30))
    opinion = drive(world, submit(world), OpinionState.HANDLING)
    actions.extension_request(
        actor=world.unit_staff,
        opinion=opinion,
        working_days=days,
        reason="需要协调多个部门现场勘查，时间较长。",
    )
    opinion.refresh_from_db()
    assert opinion.reply_due == D(2026, 10, 27)
    return opinion


def test_extension_approval_moves_the_reply_deadline(client, world, monkeypatch):
    opinion = requested(world, monkeypatch, days=5)
    extension = opinion.extensions.get()
    before = audits()
    response = post_as(
        client,
        world.office,
        url("extension_decide", extension),
        {"decision": "approve", "note": "同意，请抓紧办理。"},
    )
    assert response.status_code == 302 and response.url == detail(opinion)
    opinion.refresh_from_db()
    extension.refresh_from_db()
    # 10-28, 29, 30, 11-02, 11-03.
    assert opinion.reply_due == extension.new_due == D(2026, 11, 3)
    assert opinion.assignment.reply_due == D(2026, 11, 3)
    assert extension.state == ExtensionState.APPROVED
    assert extension.decision_note == "同意，请抓紧办理。"
    assert audits() == before + 1
    assert any("2026年11月3日" in m for m in flashes(response))


def test_extension_refusal_keeps_the_reply_deadline(client, world, monkeypatch):
    opinion = requested(world, monkeypatch)
    extension = opinion.extensions.get()
    before = audits()
    response = post_as(
        client,
        world.office,
        url("extension_decide", extension),
        {"decision": "refuse", "note": "理由不充分。"},
    )
    assert response.status_code == 302
    opinion.refresh_from_db()
    extension.refresh_from_db()
    assert opinion.reply_due == D(2026, 10, 27)
    assert extension.state == ExtensionState.REFUSED and extension.new_due is None
    assert audits() == before + 1
    # Deciding twice is a stale click, not a second decision.
    response = post_as(
        client, world.office, url("extension_decide", extension), {"decision": "approve"}
    )
    assert response.status_code == 302
    assert any("状态已经变化" in m for m in flashes(response))
    assert audits() == before + 1


def test_extension_decide_matrix(client, world, monkeypatch):
    opinion = requested(world, monkeypatch)
    extension = opinion.extensions.get()
    target = url("extension_decide", extension)
    data = {"decision": "approve"}
    before = audits()
    assert_post_refused(
        client,
        target,
        data,
        hidden=(world.nobody, world.far_office, world.far_unit_staff, world.district_unit_staff),
        # The requesting unit and a leader see the opinion but may not decide.
        forbidden=(world.unit_staff, world.leader),
    )
    response = post_as(client, world.district_office, target, data)
    assert response.status_code == 302
    assert audits() == before + 1


def test_extension_decision_without_a_choice_is_shown_again(client, world, monkeypatch):
    opinion = requested(world, monkeypatch)
    extension = opinion.extensions.get()
    response = post_as(
        client, world.office, url("extension_decide", extension), {"note": "再补充材料"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "请选择同意或不同意" in html and "再补充材料" in html


def test_extension_decision_returns_to_a_safe_next_only(client, world, monkeypatch):
    opinion = requested(world, monkeypatch)
    extension = opinion.extensions.get()
    response = post_as(
        client,
        world.office,
        url("extension_decide", extension),
        {"decision": "refuse", "next": "https://evil.example/"},
    )
    assert response.url == detail(opinion)


def test_office_panel_offers_the_pending_decision(rf, world, monkeypatch):
    opinion = requested(world, monkeypatch, days=5)
    ctx, html = panel(rf, world.office, opinion)
    assert ctx["office_panel"] and ctx["can_decide_extension"] and not ctx["can_forward"]
    assert ctx["extension_preview"].due == D(2026, 11, 3)
    assert url("extension_decide", ctx["pending_extension"]) in html


# --- the extension list ------------------------------------------------------------------------


def test_extension_list_matrix_and_decision(client, world, monkeypatch):
    opinion = requested(world, monkeypatch, days=5)
    extension = opinion.extensions.get()
    page = reverse("opinions:extensions")
    assert_login_redirect(client.get(page))
    for user in (world.nobody, world.unit_staff, world.leader, world.station_staff):
        assert get_as(client, user, page).status_code == 403
    assert get_as(client, world.far_office, page).context["rows"] == []
    response = get_as(client, world.office, page)
    assert response.context["rows"] == [(extension, D(2026, 11, 3))]
    html = response.content.decode()
    assert url("extension_decide", extension) in html and "2026年11月3日" in html
    response = post_as(
        client,
        world.office,
        url("extension_decide", extension),
        {"decision": "approve", "next": page},
    )
    assert response.url == page
    assert get_as(client, world.office, page).context["rows"] == []


@pytest.mark.parametrize("n", [3, 30])
def test_extension_list_query_count_is_pinned(client, world, django_assert_num_queries, n):
    for i in range(n):
        pending(held(world, reply_due=D(2026, 12, 1) + dt.timedelta(days=i)), days=1 + i % 10)
    client.force_login(world.office)
    page = reverse("opinions:extensions")
    client.get(page)
    # session, user, grants, count, page, calendar years, calendar days.
    with django_assert_num_queries(7):
        response = client.get(page)
    assert len(response.context["rows"]) == n


# --- overdue -----------------------------------------------------------------------------------


def test_overdue_matrix_and_working_days(client, world, monkeypatch):
    freeze(monkeypatch, D(2026, 11, 20))
    late = held(world, reply_due=D(2026, 11, 10))
    held(world, reply_due=D(2026, 11, 20))  # due today: not overdue yet
    far = held(world, reply_due=D(2026, 11, 1), unit=world.far_unit)
    far.region = world.tree.donghu
    far.station = None
    far.save(update_fields=["region", "station"])
    page = reverse("opinions:overdue")
    assert_login_redirect(client.get(page))
    for user in (world.nobody, world.unit_staff, world.station_staff):
        assert get_as(client, user, page).status_code == 403
    for user in (world.office, world.leader):
        response = get_as(client, user, page)
        assert response.status_code == 200
        # 11-11 … 11-20 holds 8 working days (10 calendar days).
        assert response.context["rows"] == [(late, 8, 10)]
    html = response.content.decode()
    assert world.unit.name in html and "8 个工作日" in html and "（10 天）" in html
    response = get_as(client, world.far_office, page)
    assert [o for o, *_ in response.context["rows"]] == [far]


def test_overdue_filter_by_unit(client, world, monkeypatch):
    freeze(monkeypatch, D(2026, 11, 20))
    city = held(world, reply_due=D(2026, 11, 10))
    district = held(world, reply_due=D(2026, 11, 12), unit=world.district_unit)
    page = reverse("opinions:overdue")

    def pks(**params):
        return [o.pk for o, *_ in get_as(client, world.office, page, params).context["rows"]]

    assert pks() == [city.pk, district.pk]
    assert pks(unit=str(world.district_unit.pk)) == [district.pk]
    response = get_as(client, world.office, page)
    choices = dict(response.context["form"].fields["unit"].choices)
    assert set(choices) == {"", str(world.unit.pk), str(world.district_unit.pk)}


@pytest.mark.parametrize("n", [3, 30])
def test_overdue_query_count_is_pinned(client, world, django_assert_num_queries, monkeypatch, n):
    freeze(monkeypatch, D(2026, 11, 20))
    for i in range(n):
        held(
            world,
            reply_due=D(2026, 11, 1) + dt.timedelta(days=i % 15),
            unit=world.unit if i % 2 else world.district_unit,
        )
    client.force_login(world.leader)
    page = reverse("opinions:overdue")
    client.get(page)
    # session, user, grants (x2: triage, measures), units, count, page, calendar x2.
    with django_assert_num_queries(8):
        response = client.get(page)
    assert len(response.context["rows"]) == n
