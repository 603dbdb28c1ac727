"""The congress office's pages: the office inbox (tabs, counts, deadline marks), the
overdue list, and the office panel on the item's page with its POST endpoints (screen,
presidium decision, assign, decide reassignment and extension requests, supervise,
close). Permission matrices, one audit entry per POST, Chinese refusals that keep what
was typed, deadlines shown exactly as the action sets them, query-count pins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from minqing.core.models import AuditEntry
from minqing.people.models import HandlingUnit
from minqing.suggestions import actions
from minqing.suggestions.models import (
    Assignment,
    AssignmentState,
    Extension,
    ReassignRequest,
    RequestState,
    Suggestion,
    SuggestionState,
    Supervision,
)
from tests.factories import UserFactory, grant, user_with_role
from tests.opinions.helpers import assert_login_redirect, audits, flashes, get_as, post_as
from tests.suggestions.factories import draft, drive, lead_part
from tests.suggestions.factories_office import (
    REJECT_NOTE,
    accepted,
    assigned,
    bulk_accepted,
    bulk_assigned,
    detail_url,
    freeze,
    render_panel,
    replied_unrated,
    submitted,
    u,
    with_extension,
    with_reassign_request,
)

D = dt.date
pytestmark = pytest.mark.django_db


def outsiders(sw):
    """Users who may not open a city item at all: 404."""
    return (sw.nobody, sw.district_office, sw.far_office, sw.far_staff)


def assert_refused(client, target: str, data: dict, *, hidden, forbidden) -> None:
    """Anonymous → login; ``hidden`` users → 404; ``forbidden`` → 403; no audit entry."""
    before = audits()
    assert_login_redirect(client.post(target, data))
    for user in hidden:
        assert post_as(client, user, target, data).status_code == 404, user
    for user in forbidden:
        assert post_as(client, user, target, data).status_code == 403, user
    assert audits() == before


# --- the office inbox -------------------------------------------------------------------


def test_office_inbox_matrix(client, sw):
    s = submitted(sw)
    page = u("office_inbox")
    assert_login_redirect(client.get(page))
    for user in (sw.nobody, sw.lead_staff, sw.lead_user, sw.leader):
        assert get_as(client, user, page).status_code == 403, user
    response = get_as(client, sw.office, page)
    assert response.status_code == 200
    assert [r["obj"].pk for r in response.context["rows"]] == [s.pk]
    # Offices elsewhere have the page but not this item.
    for user in (sw.district_office, sw.far_office):
        response = get_as(client, user, page)
        assert response.status_code == 200
        assert response.context["rows"] == []
        assert set(response.context["counts"].values()) == {0}


def test_office_inbox_has_one_tab_per_kind_of_work_with_counts(client, sw, monkeypatch):
    freeze(monkeypatch, D(2026, 6, 1))
    suggestion = submitted(sw)
    motion = submitted(sw, kind="motion", title="关于制定澜州市养老服务条例的议案")
    waiting = accepted(sw, title="关于增设社区食堂的建议")
    request = with_reassign_request(sw)
    extension = with_extension(sw)
    closable = replied_unrated(sw)
    actions.suggestion_supervise(
        actor=sw.office, suggestion=waiting, kind="key", leader="王建国 副主任", body="财经委"
    )
    drive(sw, draft(sw), SuggestionState.REPLIED)  # feedback still open: not closable
    response = get_as(client, sw.office, u("office_inbox"))
    assert response.context["counts"] == {
        "screen": 2,
        "assign": 1,
        "reassign": 1,
        "extensions": 1,
        "overdue": 0,
        "close": 1,
        "supervised": 1,
    }

    def tab(name):
        r = get_as(client, sw.office, u("office_inbox"), {"tab": name})
        assert r.status_code == 200 and r.context["tab"] == name
        return r, [row["obj"].pk for row in r.context["rows"]]

    r, pks = tab("screen")
    assert set(pks) == {suggestion.pk, motion.pk}
    html = r.content.decode()
    assert "议案 · 待主席团决定" in html and motion.title in html
    assert html.count("议案 · 待主席团决定") == 1
    assert tab("assign")[1] == [waiting.pk]
    r, pks = tab("reassign")
    assert pks == [request.pk]
    assert "澜州市城市管理局" in r.content.decode()  # the unit suggested instead
    assert tab("extensions")[1] == [extension.pk]
    r, pks = tab("close")
    assert pks == [closable.pk]
    assert reverse("suggestions:close", args=[closable.pk]) in r.content.decode()
    r, pks = tab("supervised")
    assert pks == [waiting.pk]
    assert "王建国 副主任" in r.content.decode()
    # The overdue tab is a link to the overdue list.
    assert u("overdue") in html


def test_office_inbox_opens_on_the_first_tab_with_work(client, sw):
    waiting = accepted(sw)
    response = get_as(client, sw.office, u("office_inbox"))
    assert response.context["tab"] == "assign"
    assert [r["obj"].pk for r in response.context["rows"]] == [waiting.pk]
    # An unknown tab falls back the same way, never an error.
    assert get_as(client, sw.office, u("office_inbox"), {"tab": "nope"}).context["tab"] == "assign"


def test_office_inbox_marks_items_past_the_assignment_deadline(client, sw, monkeypatch):
    freeze(monkeypatch, D(2026, 6, 8))  # a Monday
    late, fresh = bulk_accepted(sw, 2, first_number=10)
    Suggestion.objects.filter(pk=late.pk).update(assign_due=D(2026, 6, 1))
    Suggestion.objects.filter(pk=fresh.pk).update(assign_due=D(2026, 6, 10))
    response = get_as(client, sw.office, u("office_inbox"), {"tab": "assign"})
    rows = {r["obj"].pk: r for r in response.context["rows"]}
    # 2–5 June and 8 June: five working days.
    assert rows[late.pk]["overdue"] and rows[late.pk]["late"] == 5
    assert not rows[fresh.pk]["overdue"]
    assert "超期 5 个工作日" in response.content.decode()


def test_close_from_the_inbox_returns_to_it(client, sw):
    s = replied_unrated(sw)
    back = u("office_inbox") + "?tab=close"
    before = audits()
    response = post_as(client, sw.office, u("close", s), {"next": back})
    assert response.status_code == 302 and response.url == back
    assert audits() == before + 1
    s.refresh_from_db()
    assert s.state == SuggestionState.CLOSED
    # Another site is never a target.
    other = replied_unrated(sw)
    response = post_as(client, sw.office, u("close", other), {"next": "https://evil.example/"})
    assert response.url == detail_url(other)


@pytest.mark.parametrize("n", [3, 30])
def test_office_inbox_query_count_is_pinned(client, sw, monkeypatch, django_assert_num_queries, n):
    freeze(monkeypatch, D(2026, 6, 8))
    bulk_accepted(sw, n, first_number=100, assign_due=D(2026, 6, 1))
    client.force_login(sw.office)
    # session, user, grants; 7 counts; the page's rows and their count; the taxonomy;
    # the calendar (years, days).
    with django_assert_num_queries(15):
        response = client.get(u("office_inbox"), {"tab": "assign"})
    assert len(response.context["rows"]) == n


@pytest.mark.parametrize("n", [3, 30])
def test_office_inbox_supervised_tab_query_count(client, sw, django_assert_num_queries, n):
    from minqing.suggestions.models import Supervision

    items = bulk_accepted(sw, n, first_number=200)
    Supervision.objects.bulk_create(
        Supervision(suggestion=s, kind="key", leader="王建国 副主任") for s in items
    )
    client.force_login(sw.office)
    # As the assign tab, with the supervisions' prefetch instead of the calendar.
    with django_assert_num_queries(14):
        response = client.get(u("office_inbox"), {"tab": "supervised"})
    assert len(response.context["rows"]) == n


# --- the overdue list ------------------------------------------------------------------------


def test_overdue_matrix(client, sw):
    page = u("overdue")
    assert_login_redirect(client.get(page))
    for user in (sw.nobody, sw.lead_staff, sw.lead_user, sw.leader):
        assert get_as(client, user, page).status_code == 403, user
    bulk_assigned(sw, 1, reply_due=D(2026, 1, 5), first_number=300)
    assert len(get_as(client, sw.office, page).context["rows"]) == 1
    for user in (sw.district_office, sw.far_office):
        response = get_as(client, user, page)
        assert response.status_code == 200 and response.context["rows"] == []


def test_overdue_lists_open_parts_by_unit_in_working_days(client, sw, monkeypatch):
    freeze(monkeypatch, D(2026, 6, 8))
    lead_late = bulk_assigned(sw, 2, reply_due=D(2026, 6, 1), first_number=10)
    co_late = bulk_assigned(
        sw, 1, unit=sw.co_unit, role="co", reply_due=D(2026, 6, 5), first_number=20
    )
    bulk_assigned(sw, 1, reply_due=D(2026, 6, 8), first_number=30)  # due today: not late
    answered = bulk_assigned(sw, 1, reply_due=D(2026, 6, 1), first_number=40)
    Assignment.objects.filter(suggestion=answered[0]).update(state=AssignmentState.ANSWERED)
    response = get_as(client, sw.office, u("overdue"))
    rows = response.context["rows"]
    assert {r["part"].suggestion_id for r in rows} == {s.pk for s in lead_late + co_late}
    by_item = {r["part"].suggestion_id: r for r in rows}
    assert by_item[lead_late[0].pk]["working"] == 5 and by_item[lead_late[0].pk]["days"] == 7
    assert by_item[co_late[0].pk]["working"] == 1  # its view deadline, Friday
    assert response.context["summary"] == [
        {"unit_id": sw.lead_unit.pk, "unit__name": sw.lead_unit.name, "n": 2},
        {"unit_id": sw.co_unit.pk, "unit__name": sw.co_unit.name, "n": 1},
    ]
    # Rows come unit by unit.
    assert [r["part"].unit_id for r in rows] == sorted(
        (r["part"].unit_id for r in rows), key=lambda pk: HandlingUnit.objects.get(pk=pk).name
    )
    html = response.content.decode()
    assert "5 个工作日" in html and "会办意见" in html
    filtered = get_as(client, sw.office, u("overdue"), {"unit": sw.co_unit.pk})
    assert [r["part"].suggestion_id for r in filtered.context["rows"]] == [co_late[0].pk]
    # An unknown unit is ignored, not an error.
    assert get_as(client, sw.office, u("overdue"), {"unit": "x"}).status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_overdue_query_count_is_pinned(client, sw, monkeypatch, django_assert_num_queries, n):
    freeze(monkeypatch, D(2026, 6, 8))
    bulk_assigned(sw, n, reply_due=D(2026, 6, 1), first_number=100)
    bulk_assigned(sw, n, unit=sw.co_unit, role="co", reply_due=D(2026, 6, 2), first_number=500)
    client.force_login(sw.office)
    # session, user, grants; per-unit summary; rows and their count; calendar.
    with django_assert_num_queries(8):
        response = client.get(u("overdue"))
    assert len(response.context["rows"]) == min(2 * n, 50)  # one page


# --- the panel on the item's page ---------------------------------------------------------


def test_panel_only_for_readers_who_manage_the_item(rf, sw):
    s = submitted(sw)
    for user in (sw.lead_user, sw.leader):
        assert render_panel(rf, user, s)[0] == {}
    ctx, html = render_panel(rf, sw.office, s)
    assert ctx["office_panel"] and ctx["can_screen"] and not ctx["can_assign"]
    assert 'id="office-panel"' in html
    assert reverse("suggestions:accept", args=[s.pk]) in html
    assert reverse("suggestions:reject", args=[s.pk]) in html


def test_panel_flags_follow_the_state(rf, sw, monkeypatch):
    freeze(monkeypatch, D(2026, 6, 1))
    motion = submitted(sw, kind="motion")
    ctx, html = render_panel(rf, sw.office, motion)
    assert ctx["can_decide"] and not ctx["can_screen"]
    assert "主席团决定" in html and "列入会议议程" in html
    ctx, _html = render_panel(rf, sw.office, accepted(sw))
    assert ctx["can_assign"] and ctx["can_supervise"] and not ctx["can_close"]
    replied = drive(sw, draft(sw), SuggestionState.REPLIED)
    ctx, html = render_panel(rf, sw.office, replied)
    assert ctx["close_waits"] and not ctx["can_close"]
    assert "等待代表反馈" in html
    closed = drive(sw, draft(sw), SuggestionState.CLOSED)
    ctx, html = render_panel(rf, sw.office, closed)
    assert ctx["office_panel"] and not ctx["can_supervise"] and not ctx["can_close"]
    assert "没有需要人大办公室处理的事项" in html


def test_panel_shows_the_deadlines_an_assignment_will_set(rf, client, sw, monkeypatch):
    freeze(monkeypatch, D(2026, 4, 28))  # before 劳动节: the holiday counts
    s = accepted(sw)
    ctx, html = render_panel(rf, sw.office, s)
    preview = ctx["assign_preview"]
    assert not preview.provisional and 'id="assign-provisional"' not in html
    response = post_as(
        client,
        sw.office,
        u("assign", s),
        {
            "assign-mode": "lead",
            "assign-lead_unit": sw.lead_unit.pk,
            "assign-co_units": [sw.co_unit.pk],
        },
    )
    assert response.status_code == 302
    lead = s.assignments.get(unit=sw.lead_unit)
    co = s.assignments.get(unit=sw.co_unit)
    # 7 working days: 29, 30 April; 1–5 May off; 6–9 May (Saturday 9th worked), 11 May.
    assert lead.reassign_due == preview.reassign.due == D(2026, 5, 11)
    assert lead.reply_due == preview.reply.due == D(2026, 7, 28)
    assert co.view_due == preview.view.due == D(2026, 5, 28)
    assert "2026年5月11日" in html and "2026年7月28日" in html


def test_panel_warns_when_a_deadline_falls_in_a_year_not_loaded(rf, sw, monkeypatch):
    freeze(monkeypatch, D(2026, 11, 20))  # the reply falls in 2027, not loaded yet
    s = accepted(sw)
    ctx, html = render_panel(rf, sw.office, s)
    assert ctx["assign_preview"].provisional
    assert "2027年节假日安排尚未载入" in html


def test_panel_unit_choices_are_the_active_units_in_scope_with_a_filter(rf, sw):
    HandlingUnit.objects.bulk_create(
        HandlingUnit(name=f"澜州市测试局{i:03d}", kind=sw.lead_unit.kind, region=sw.tree.city)
        for i in range(400)
    )
    HandlingUnit.objects.filter(pk=sw.spare_unit.pk).update(is_active=False)
    ctx, html = render_panel(rf, sw.office, accepted(sw))
    choices = {pk.value for pk, _label in ctx["assign_form"].fields["lead_unit"].choices if pk}
    assert sw.lead_unit.pk in choices and len(choices) == 402
    assert sw.far_unit.pk not in choices and sw.spare_unit.pk not in choices
    # A box filters each unit select (shown by the page's script).
    assert 'data-filter-for="id_assign-lead_unit"' in html
    assert 'data-filter-for="id_assign-co_units"' in html
    assert "澜州市测试局399" in html


# --- screening ---------------------------------------------------------------------------------


def test_accept_matrix(client, sw):
    s = submitted(sw)
    assert_refused(
        client,
        u("accept", s),
        {},
        hidden=(*outsiders(sw), sw.other_deputy_user),
        forbidden=(sw.lead_user, sw.leader),
    )


def test_accept_with_a_category(client, sw):
    s = submitted(sw)
    before = audits()
    response = post_as(
        client, sw.office, u("accept", s), {"accept-category": "transport", "accept-note": "同意"}
    )
    assert response.status_code == 302 and response.url == detail_url(s)
    assert audits() == before + 1
    assert AuditEntry.objects.latest("id").verb == "suggestion.accept"
    s.refresh_from_db()
    assert s.state == SuggestionState.ACCEPTED and s.category == "transport"
    assert flashes(response) == ["已受理，等待交办。"]


def test_accept_refuses_an_unknown_category_in_chinese(client, sw):
    s = submitted(sw)
    before = audits()
    response = post_as(client, sw.office, u("accept", s), {"accept-category": "nonsense"})
    assert response.status_code == 200
    assert "所选项不存在，请重新选择" in response.content.decode()
    assert audits() == before
    s.refresh_from_db()
    assert s.state == SuggestionState.SUBMITTED


def test_accept_on_a_motion_says_why_on_the_page(client, sw):
    motion = submitted(sw, kind="motion")
    response = post_as(client, sw.office, u("accept", motion), {})
    assert response.status_code == 302 and response.url == detail_url(motion)
    assert flashes(response) == ["议案由大会主席团决定是否列入会议议程"]


def test_reject_tells_the_deputies_why(client, sw):
    s = submitted(sw)
    before = audits()
    response = post_as(
        client,
        sw.office,
        u("reject", s),
        {"reject-reason": "personal", "reject-note": REJECT_NOTE},
    )
    assert response.status_code == 302
    assert audits() == before + 1
    s.refresh_from_db()
    assert s.state == SuggestionState.NOT_ACCEPTED
    assert s.reject_reason == "personal" and s.screen_note == REJECT_NOTE


def test_reject_without_an_explanation_keeps_the_form(client, sw):
    s = submitted(sw)
    before = audits()
    response = post_as(
        client, sw.office, u("reject", s), {"reject-reason": "personal", "reject-note": "不行"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "请向代表说明不予受理的具体情况（至少 5 个字）" in html
    form = response.context["reject_form"]
    assert form.data["reject-note"] == "不行" and form.errors
    assert audits() == before
    response = post_as(client, sw.office, u("reject", s), {"reject-note": REJECT_NOTE})
    assert "请选择" in str(response.context["reject_form"].errors["reason"])


# --- the presidium's decision on a motion ----------------------------------------------------


def test_decide_matrix(client, sw):
    motion = submitted(sw, kind="motion")
    assert_refused(
        client,
        u("decide", motion),
        {"decide-decision": "agenda"},
        hidden=(*outsiders(sw), sw.other_deputy_user),
        forbidden=(sw.lead_user, sw.leader),
    )


def test_decide_places_a_motion_on_the_agenda(client, sw):
    motion = submitted(sw, kind="motion")
    before = audits()
    response = post_as(client, sw.office, u("decide", motion), {"decide-decision": "agenda"})
    assert response.status_code == 302
    assert audits() == before + 1
    motion.refresh_from_db()
    assert motion.state == SuggestionState.ON_AGENDA
    assert flashes(response) == ["已记录主席团决定：列入会议议程。"]


def test_decide_converted_names_and_links_the_new_suggestion(client, rf, sw):
    motion = submitted(sw, kind="motion")
    before = audits()
    response = post_as(
        client,
        sw.office,
        u("decide", motion),
        {"decide-decision": "converted", "decide-note": "不符合议案条件，转为建议办理。"},
    )
    assert audits() == before + 1
    new = Suggestion.objects.get(converted_from=motion)
    assert new.state == SuggestionState.SUBMITTED and new.kind == "suggestion"
    [message] = flashes(response)
    assert new.display_number in message and detail_url(new) in message
    # The motion's page says it too, with the link.
    ctx, html = render_panel(rf, sw.office, motion)
    assert ctx["office_converted_to"] == new
    assert new.display_number in html and detail_url(new) in html
    # Without a choice the form says so in Chinese.
    other = submitted(sw, kind="motion", title="关于制定物业管理条例的议案")
    response = post_as(client, sw.office, u("decide", other), {})
    assert response.status_code == 200
    assert "请选择" in response.content.decode()


# --- assigning one item -------------------------------------------------------------------------


def test_assign_matrix(client, sw):
    s = accepted(sw)
    data = {"assign-mode": "lead", "assign-lead_unit": sw.lead_unit.pk}
    assert_refused(
        client,
        u("assign", s),
        data,
        hidden=outsiders(sw),
        # Deputies read accepted public items; leaders read the city's items.
        forbidden=(sw.lead_user, sw.other_deputy_user, sw.leader),
    )


def test_assign_lead_and_co_units(client, sw):
    s = accepted(sw)
    before = audits()
    response = post_as(
        client,
        sw.office,
        u("assign", s),
        {
            "assign-mode": "lead",
            "assign-lead_unit": sw.lead_unit.pk,
            # The lead chosen again as co-handler counts once.
            "assign-co_units": [sw.co_unit.pk, sw.lead_unit.pk],
            "assign-instructions": "请于三个月内答复。",
        },
    )
    assert response.status_code == 302 and response.url == detail_url(s)
    assert audits() == before + 1
    parts = {(a.unit_id, a.role) for a in s.assignments.all()}
    assert parts == {(sw.lead_unit.pk, "lead"), (sw.co_unit.pk, "co")}
    [message] = flashes(response)
    assert message.startswith("已交办：") and "澜州市住房和城乡建设局（主办）" in message


def test_assign_separately_needs_two_units(client, sw):
    s = accepted(sw)
    response = post_as(
        client,
        sw.office,
        u("assign", s),
        {"assign-mode": "separate", "assign-units": [sw.lead_unit.pk]},
    )
    assert response.status_code == 200
    assert "分办须选择两个以上承办单位" in response.content.decode()
    assert not s.assignments.exists()
    before = audits()
    response = post_as(
        client,
        sw.office,
        u("assign", s),
        {"assign-mode": "separate", "assign-units": [sw.lead_unit.pk, sw.spare_unit.pk]},
    )
    assert response.status_code == 302 and audits() == before + 1
    assert set(s.assignments.values_list("role", flat=True)) == {"separate"}


def test_assign_refuses_units_outside_scope_and_keeps_the_choice(client, sw):
    s = accepted(sw)
    response = post_as(
        client,
        sw.office,
        u("assign", s),
        {
            "assign-mode": "lead",
            "assign-lead_unit": sw.far_unit.pk,
            "assign-co_units": [sw.co_unit.pk],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "所选承办单位不存在、已停用或不在您的管辖范围内" in html
    form = response.context["assign_form"]
    assert form.data.getlist("assign-co_units") == [str(sw.co_unit.pk)]
    response = post_as(client, sw.office, u("assign", s), {"assign-mode": "lead"})
    assert "请选择主办单位" in response.content.decode()
    assert not s.assignments.exists()


def test_assign_after_the_item_moved_on_says_so(client, sw):
    s = assigned(sw)
    response = post_as(
        client,
        sw.office,
        u("assign", s),
        {"assign-mode": "lead", "assign-lead_unit": sw.lead_unit.pk},
    )
    assert response.status_code == 302 and response.url == detail_url(s)
    assert "状态已经变化" in flashes(response)[0]


# --- reassignment and extension requests ----------------------------------------------------------


def test_reassign_decide_matrix(client, sw):
    request = with_reassign_request(sw)
    assert_refused(
        client,
        u("reassign_decide", request),
        {f"reassign-{request.pk}-decision": "refuse", f"reassign-{request.pk}-note": "不同意"},
        hidden=outsiders(sw),
        # The unit that asked sees the item; so do its deputies and leaders.
        forbidden=(sw.lead_staff, sw.co_staff, sw.lead_user, sw.leader),
    )


def test_reassign_panel_preselects_the_suggested_unit(rf, sw):
    request = with_reassign_request(sw)
    ctx, html = render_panel(rf, sw.office, request.assignment.suggestion)
    [(row, form, late)] = ctx["reassign_rows"]
    assert row == request and not late
    assert form["new_unit"].value() == sw.spare_unit.pk
    assert reverse("suggestions:reassign_decide", args=[request.pk]) in html
    assert f'id="reassign-{request.pk}"' in html


def test_reassign_approve_moves_the_part(client, sw):
    request = with_reassign_request(sw)
    p = f"reassign-{request.pk}-"
    before = audits()
    response = post_as(
        client,
        sw.office,
        u("reassign_decide", request),
        {p + "decision": "approve", p + "new_unit": sw.spare_unit.pk},
    )
    assert response.status_code == 302
    assert audits() == before + 1
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED and request.new_unit == sw.spare_unit
    s = request.assignment.suggestion
    assert s.assignments.get(unit=sw.spare_unit).role == "lead"
    assert s.assignments.get(unit=sw.lead_unit).state == AssignmentState.REMOVED
    assert flashes(response) == ["已同意调整交办，改由澜州市城市管理局承办。"]


def test_reassign_refuse_needs_a_reason(client, sw):
    request = with_reassign_request(sw)
    p = f"reassign-{request.pk}-"
    response = post_as(client, sw.office, u("reassign_decide", request), {p + "decision": "refuse"})
    assert response.status_code == 200
    assert "不同意调整时请说明理由" in response.content.decode()
    before = audits()
    response = post_as(
        client,
        sw.office,
        u("reassign_decide", request),
        {p + "decision": "refuse", p + "note": "经研究，该事项属于住建部门职责。"},
    )
    assert response.status_code == 302 and audits() == before + 1
    request.refresh_from_db()
    assert request.state == RequestState.REFUSED
    assert lead_part(sw, request.assignment.suggestion).state == AssignmentState.ACCEPTED


def test_reassign_approve_to_a_unit_already_handling_is_refused(client, sw):
    request = with_reassign_request(sw)
    p = f"reassign-{request.pk}-"
    before = audits()
    response = post_as(
        client,
        sw.office,
        u("reassign_decide", request),
        {p + "decision": "approve", p + "new_unit": sw.co_unit.pk},
    )
    assert response.status_code == 200
    assert "该单位已经在承办这件建议" in response.content.decode()
    assert audits() == before


def test_extension_decide_matrix(client, sw):
    extension = with_extension(sw)
    assert_refused(
        client,
        u("extension_decide", extension),
        {f"extension-{extension.pk}-decision": "approve"},
        hidden=outsiders(sw),
        forbidden=(sw.lead_staff, sw.lead_user, sw.leader),
    )


def test_extension_approve_moves_the_reply_deadline(client, rf, sw):
    extension = with_extension(sw)
    ctx, html = render_panel(rf, sw.office, extension.assignment.suggestion)
    assert [e for e, _f, _cap in ctx["extension_rows"]] == [extension]
    assert reverse("suggestions:extension_decide", args=[extension.pk]) in html
    before = audits()
    response = post_as(
        client,
        sw.office,
        u("extension_decide", extension),
        {f"extension-{extension.pk}-decision": "approve", f"extension-{extension.pk}-note": "同意"},
    )
    assert response.status_code == 302 and audits() == before + 1
    part = Assignment.objects.get(pk=extension.assignment_id)
    assert part.reply_due == extension.new_due
    assert flashes(response)[0].startswith("已同意延期")
    assert Extension.objects.get(pk=extension.pk).state == RequestState.APPROVED


def test_extension_decision_must_be_chosen(client, sw):
    extension = with_extension(sw)
    response = post_as(client, sw.office, u("extension_decide", extension), {})
    assert response.status_code == 200
    assert "请选择同意或不同意" in response.content.decode()
    before = audits()
    response = post_as(
        client,
        sw.office,
        u("extension_decide", extension),
        {f"extension-{extension.pk}-decision": "refuse"},
    )
    assert response.status_code == 302 and audits() == before + 1
    assert flashes(response)[0].startswith("已不同意延期")


def test_a_decided_request_cannot_be_decided_again(client, sw):
    request = with_reassign_request(sw)
    p = f"reassign-{request.pk}-"
    data = {p + "decision": "refuse", p + "note": "经研究，该事项属于住建部门职责。"}
    post_as(client, sw.office, u("reassign_decide", request), data)
    before = audits()
    response = post_as(client, sw.office, u("reassign_decide", request), data)
    assert response.status_code == 302
    assert "状态已经变化" in flashes(response)[0]
    assert audits() == before


# --- supervision and closing ----------------------------------------------------------------------


def test_supervise_matrix(client, sw):
    s = accepted(sw)
    assert_refused(
        client,
        u("supervise", s),
        {"supervise-kind": "key", "supervise-leader": "王建国 副主任"},
        hidden=outsiders(sw),
        forbidden=(sw.lead_user, sw.leader),
    )


def test_supervise_names_the_leader_and_links_the_account(client, rf, sw):
    s = accepted(sw)
    far_leader = user_with_role("leader", sw.tree.other_city)
    ctx, _html = render_panel(rf, sw.office, s)
    leaders = list(ctx["supervise_form"].fields["user"].queryset)
    assert leaders == [sw.leader]
    assert far_leader not in leaders
    before = audits()
    response = post_as(
        client,
        sw.office,
        u("supervise", s),
        {
            "supervise-kind": "lead",
            "supervise-leader": "李明 副市长",
            "supervise-body": "市政府",
            "supervise-user": sw.leader.pk,
        },
    )
    assert response.status_code == 302 and audits() == before + 1
    supervision = Supervision.objects.get(suggestion=s)
    assert supervision.kind == "lead" and supervision.user == sw.leader
    assert flashes(response) == ["已确定领导领办：李明 副市长。"]
    # A leader out of scope is not a choice.
    response = post_as(
        client,
        sw.office,
        u("supervise", s),
        {"supervise-kind": "key", "supervise-leader": "赵六 主任", "supervise-user": far_leader.pk},
    )
    assert response.status_code == 200
    assert "所选项不存在，请重新选择" in response.content.decode()


def test_supervise_needs_a_leader(client, sw):
    s = accepted(sw)
    response = post_as(client, sw.office, u("supervise", s), {"supervise-kind": "key"})
    assert response.status_code == 200
    assert "请填写督办（领办）领导" in response.content.decode()
    assert not Supervision.objects.exists()


def test_close_matrix(client, sw):
    s = replied_unrated(sw)
    assert_refused(
        client,
        u("close", s),
        {},
        hidden=outsiders(sw),
        forbidden=(sw.lead_user, sw.lead_staff, sw.leader),
    )


def test_close_after_the_feedback_deadline(client, rf, sw):
    s = replied_unrated(sw)
    ctx, html = render_panel(rf, sw.office, s)
    assert ctx["can_close"] and reverse("suggestions:close", args=[s.pk]) in html
    before = audits()
    response = post_as(client, sw.office, u("close", s), {"close-note": "代表逾期未反馈。"})
    assert response.status_code == 302 and response.url == detail_url(s)
    assert audits() == before + 1
    s.refresh_from_db()
    assert s.state == SuggestionState.CLOSED
    assert flashes(response) == ["已办结。"]


def test_close_before_the_feedback_deadline_is_refused(client, sw):
    s = drive(sw, draft(sw), SuggestionState.REPLIED)
    before = audits()
    response = post_as(client, sw.office, u("close", s), {})
    assert response.status_code == 302 and response.url == detail_url(s)
    assert "暂不能办结" in flashes(response)[0]
    assert audits() == before


def test_a_user_with_two_offices_acts_only_where_in_scope(client, sw):
    """An office granted in the district and in the other city still never reaches a
    city item."""
    user = UserFactory()
    grant(user, "congress_staff", sw.tree.binjiang)
    grant(user, "congress_staff", sw.tree.other_city)
    s = submitted(sw)
    assert post_as(client, user, u("accept", s), {}).status_code == 404


def test_reassign_request_rows_link_to_their_panel(client, sw):
    request = with_reassign_request(sw)
    response = get_as(client, sw.office, u("office_inbox"), {"tab": "reassign"})
    assert f"#reassign-{request.pk}" in response.content.decode()
    assert ReassignRequest.objects.filter(state="pending").count() == 1
