"""The session's batch assignment screen and the batch it creates: permission matrices,
filters, rows pre-filled from the category's last assignment, all or nothing with the
failing row named and every choice kept, a whole session (300 items) in one POST under
DATA_UPLOAD_MAX_NUMBER_FIELDS, the per-unit result with its print links, query pins."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from minqing.core.models import AuditEntry
from minqing.people.models import HandlingUnit
from minqing.suggestions import actions
from minqing.suggestions.actions import office as office_actions
from minqing.suggestions.forms_office import BatchGrid, UnitDirectory, max_batch_rows
from minqing.suggestions.models import Assignment, AssignmentBatch, Suggestion, SuggestionState
from tests.opinions.helpers import assert_login_redirect, audits, flashes, get_as, post_as
from tests.people.factories import CongressFactory, UnitFactory
from tests.suggestions.factories_office import (
    accepted,
    bulk_accepted,
    bulk_batch,
    freeze,
    u,
)

D = dt.date
pytestmark = pytest.mark.django_db

LEAD = "澜州市住房和城乡建设局"
CO = "澜州市交通运输局"
SPARE = "澜州市城市管理局"


def rows(response) -> list:
    return response.context["grid"].rows


def texts(response) -> dict[int, tuple[str, str, bool]]:
    return {r.suggestion.pk: (r.mode, r.units_text, r.suggested) for r in rows(response)}


def batch_form_fields(html: str) -> list[str]:
    """The names a browser submits with the batch form (every named control in it)."""
    form = html[
        html.index('id="batch-form"') : html.index("</form>", html.index('id="batch-form"'))
    ]
    return re.findall(r'\sname="([^"]+)"', form)


# --- who may use it ----------------------------------------------------------------------------


def test_batch_page_matrix(client, sw):
    item = bulk_accepted(sw, 1)[0]
    page = u("batch_assign")
    data = {f"m-{item.pk}": "lead", f"u-{item.pk}": LEAD}
    assert_login_redirect(client.get(page))
    assert_login_redirect(client.post(page, data))
    for user in (sw.nobody, sw.lead_staff, sw.lead_user, sw.leader):
        assert get_as(client, user, page).status_code == 403, user
        assert post_as(client, user, page, data).status_code == 403, user
    assert [r.suggestion.pk for r in rows(get_as(client, sw.office, page))] == [item.pk]
    before = audits()
    for user in (sw.district_office, sw.far_office):
        assert rows(get_as(client, user, page)) == []
        # A city item posted from elsewhere is not on their screen: nothing happens.
        response = post_as(client, user, page, data)
        assert response.status_code == 200
        assert "有 1 件已不在待交办之列" in response.content.decode()
    assert audits() == before
    item.refresh_from_db()
    assert item.state == SuggestionState.ACCEPTED


def test_batch_detail_matrix(client, sw):
    batch = bulk_batch(sw, 2)
    page = u("batch_detail", batch)
    assert_login_redirect(client.get(page))
    for user in (sw.nobody, sw.lead_staff, sw.lead_user, sw.leader):
        assert get_as(client, user, page).status_code == 403, user
    for user in (sw.district_office, sw.far_office):
        assert get_as(client, user, page).status_code == 404, user
    assert get_as(client, sw.office, page).status_code == 200


# --- the rows ----------------------------------------------------------------------------------


def test_batch_filters(client, sw):
    interim = bulk_accepted(sw, 3, category="housing", first_number=1)
    session = bulk_accepted(sw, 2, category="transport", session=sw.session, first_number=10)
    Suggestion.objects.filter(pk=interim[1].pk).update(title="关于整治江滨路噪音扰民的建议")
    [last_year] = bulk_accepted(sw, 1, first_number=20, year=2025)
    district = CongressFactory(region=sw.tree.binjiang)
    theirs = bulk_accepted(sw, 1, congress=district, first_number=1)
    page = u("batch_assign")

    def pks(**params):
        response = get_as(client, sw.office, page, params)
        assert response.status_code == 200
        return [r.suggestion.pk for r in rows(response)]

    # One congress at a time (the reader's first: the city's), by year and number.
    assert pks() == [last_year.pk] + [s.pk for s in interim + session]
    assert pks(session=sw.session.pk) == [s.pk for s in session]
    assert pks(timing="interim") == [last_year.pk] + [s.pk for s in interim]
    assert pks(category="transport") == [s.pk for s in session]
    assert pks(q="噪音") == [interim[1].pk]
    assert pks(number_from=2, number_to=10) == [interim[1].pk, interim[2].pk, session[0].pk]
    assert pks(congress=district.pk) == [theirs[0].pk]
    # A session of another congress matches nothing there.
    assert pks(congress=district.pk, session=sw.session.pk) == [theirs[0].pk]
    # Nonsense is ignored, never an error page.
    assert get_as(client, sw.office, page, {"number_from": "x", "session": "y"}).status_code == 200


def test_rows_are_prefilled_from_the_last_assignment_of_the_category(client, sw):
    older = accepted(sw)
    actions.suggestion_assign(
        actor=sw.office, suggestion=older, lead_unit=sw.spare_unit, co_units=[sw.co_unit]
    )
    latest = accepted(sw)
    actions.suggestion_assign(
        actor=sw.office, suggestion=latest, lead_unit=sw.lead_unit, co_units=[sw.co_unit]
    )
    road = accepted(sw, category="transport", title="关于改造江滨路的建议")
    actions.suggestion_assign(
        actor=sw.office, suggestion=road, mode="separate", units=[sw.co_unit, sw.spare_unit]
    )
    housing = bulk_accepted(sw, 2, category="housing", first_number=100)
    transport = bulk_accepted(sw, 1, category="transport", first_number=200)
    school = bulk_accepted(sw, 1, category="education", first_number=300)
    response = get_as(client, sw.office, u("batch_assign"))
    got = texts(response)
    assert got[housing[0].pk] == ("lead", f"{LEAD}、{CO}", True)
    assert got[housing[1].pk] == ("lead", f"{LEAD}、{CO}", True)
    assert got[transport[0].pk] == ("separate", f"{CO}、{SPARE}", True)
    assert got[school[0].pk] == ("lead", "", False)
    html = response.content.decode()
    assert "按同类建议上次交办预填" in html
    assert f'value="{LEAD}、{CO}"' in html


def test_prefill_follows_a_reassignment_and_skips_inactive_units(client, sw):
    s = accepted(sw)
    actions.suggestion_assign(actor=sw.office, suggestion=s, lead_unit=sw.lead_unit)
    part = s.assignments.get()
    request = actions.reassign_request(
        actor=sw.lead_staff,
        assignment=part,
        reason="本件属于城市管理部门职责，不属于本单位职能范围。",
        suggested_unit=sw.spare_unit,
    )
    actions.reassign_decide(actor=sw.office, request=request, approve=True, new_unit=sw.spare_unit)
    [item] = bulk_accepted(sw, 1, first_number=100)
    assert texts(get_as(client, sw.office, u("batch_assign")))[item.pk] == (
        "lead",
        SPARE,
        True,
    )
    HandlingUnit.objects.filter(pk=sw.spare_unit.pk).update(is_active=False)
    assert texts(get_as(client, sw.office, u("batch_assign")))[item.pk] == ("lead", "", False)


def test_batch_page_shows_the_deadlines_that_will_apply(client, sw, monkeypatch):
    bulk_accepted(sw, 1)
    freeze(monkeypatch, D(2026, 4, 28))
    response = get_as(client, sw.office, u("batch_assign"))
    preview = response.context["preview"]
    assert preview.reassign.due == D(2026, 5, 11) and preview.reply.due == D(2026, 7, 28)
    html = response.content.decode()
    assert "2026年5月11日" in html and 'id="batch-provisional"' not in html
    freeze(monkeypatch, D(2026, 11, 20))
    html = get_as(client, sw.office, u("batch_assign")).content.decode()
    assert "2027年节假日安排尚未载入" in html


# --- confirming --------------------------------------------------------------------------------


def test_confirm_assigns_the_filled_rows_at_once(client, sw):
    spare = HandlingUnit.objects.get(pk=sw.spare_unit.pk)
    HandlingUnit.objects.filter(pk=spare.pk).update(short_name="市城管局")
    a, b, c = bulk_accepted(sw, 3, session=sw.session)
    data = {
        f"m-{a.pk}": "lead",
        f"u-{a.pk}": f"{LEAD}、{CO}",
        f"m-{b.pk}": "separate",
        f"u-{b.pk}": f"{LEAD}，市城管局",  # any separator; the short name works too
        f"m-{c.pk}": "lead",
        f"u-{c.pk}": "",
    }
    before = audits()
    response = post_as(client, sw.office, u("batch_assign"), data)
    batch = AssignmentBatch.objects.get()
    assert response.status_code == 302 and response.url == u("batch_detail", batch)
    assert audits() == before + 1
    assert AuditEntry.objects.latest("id").verb == "suggestion.assign_batch"
    assert batch.size == 2 and batch.session == sw.session and batch.created_by == sw.office
    assert flashes(response) == ["已批量交办 2 件，可以打印交办通知。"]
    parts = {(p.suggestion_id, p.unit_id, p.role) for p in Assignment.objects.filter(batch=batch)}
    assert parts == {
        (a.pk, sw.lead_unit.pk, "lead"),
        (a.pk, sw.co_unit.pk, "co"),
        (b.pk, sw.lead_unit.pk, "separate"),
        (b.pk, sw.spare_unit.pk, "separate"),
    }
    states = dict(Suggestion.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("pk", "state"))
    assert states == {a.pk: "assigned", b.pk: "assigned", c.pk: "accepted"}


def test_a_row_with_an_error_stops_the_whole_batch_and_keeps_every_choice(client, sw):
    a, b, c = bulk_accepted(sw, 3)
    data = {
        f"m-{a.pk}": "lead",
        f"u-{a.pk}": f"{LEAD}、{CO}",
        f"m-{b.pk}": "lead",
        f"u-{b.pk}": "澜州市不存在局",
        f"m-{c.pk}": "separate",
        f"u-{c.pk}": SPARE,
    }
    before = audits()
    response = post_as(client, sw.office, u("batch_assign"), data)
    assert response.status_code == 200
    assert audits() == before
    assert not Assignment.objects.exists() and not AssignmentBatch.objects.exists()
    grid = response.context["grid"]
    assert [r.suggestion.pk for r in grid.row_errors] == [b.pk, c.pk]
    html = response.content.decode()
    assert "本次没有交办任何事项" in html
    assert "未找到承办单位：澜州市不存在局（请从列表中选择）" in html
    assert "分办须选择两个以上承办单位" in html
    assert re.search(rf'<tr id="row-{b.pk}" data-row class="table-danger"', html)
    assert re.search(rf'<tr id="row-{a.pk}" data-row>', html)
    assert f'href="#row-{b.pk}"' in html
    # What was typed comes back, row by row.
    assert texts(response) == {
        a.pk: ("lead", f"{LEAD}、{CO}", False),
        b.pk: ("lead", "澜州市不存在局", False),
        c.pk: ("separate", SPARE, False),
    }
    assert f'value="{LEAD}、{CO}"' in html
    assert re.search(rf'name="m-{c.pk}"[^>]*>.*?<option value="separate" selected>', html)


def test_a_refusal_by_the_action_rolls_back_and_names_the_row(client, sw, monkeypatch):
    a, b, c = bulk_accepted(sw, 3)
    check = office_actions._check_plan

    def refuse_the_third(actor, plan):
        if plan.suggestion.pk == c.pk:
            raise ValidationError({"lead_unit": ["不能交办给澜州市交通运输局"]})
        return check(actor, plan)

    monkeypatch.setattr(office_actions, "_check_plan", refuse_the_third)
    data = {f"m-{s.pk}": "lead" for s in (a, b, c)} | {
        f"u-{s.pk}": f"{LEAD}、{CO}" for s in (a, b, c)
    }
    before = audits()
    response = post_as(client, sw.office, u("batch_assign"), data)
    assert response.status_code == 200
    assert audits() == before
    # The first two were assigned inside the action, then rolled back with the third.
    assert not Assignment.objects.exists() and not AssignmentBatch.objects.exists()
    assert set(Suggestion.objects.values_list("state", flat=True)) == {"accepted"}
    [row] = response.context["grid"].row_errors
    assert row.suggestion.pk == c.pk
    assert row.errors == [f"{c.display_number}「{c.title}」：不能交办给澜州市交通运输局"]
    assert texts(response)[a.pk] == ("lead", f"{LEAD}、{CO}", False)


def test_confirm_with_nothing_filled_in_says_so(client, sw):
    [item] = bulk_accepted(sw, 1)
    response = post_as(
        client, sw.office, u("batch_assign"), {f"m-{item.pk}": "lead", f"u-{item.pk}": ""}
    )
    assert response.status_code == 200
    assert "请至少为一件建议填写承办单位" in response.content.decode()
    assert not AssignmentBatch.objects.exists()


def test_a_row_assigned_meanwhile_stops_the_batch(client, sw):
    gone, kept = bulk_accepted(sw, 2)
    actions.suggestion_assign(actor=sw.office, suggestion=gone, lead_unit=sw.spare_unit)
    before = audits()
    response = post_as(
        client,
        sw.office,
        u("batch_assign"),
        {f"u-{gone.pk}": LEAD, f"u-{kept.pk}": LEAD, f"m-{kept.pk}": "lead"},
    )
    assert response.status_code == 200
    assert "有 1 件已不在待交办之列（可能已由他人交办），请刷新页面后重新确认" in (
        response.content.decode()
    )
    assert audits() == before
    kept.refresh_from_db()
    assert kept.state == SuggestionState.ACCEPTED


def test_a_whole_session_in_one_post(client, sw):
    """300 accepted items: one page, one POST that a browser can send under
    DATA_UPLOAD_MAX_NUMBER_FIELDS, one batch, one audit entry."""
    items = bulk_accepted(sw, 300, session=sw.session)
    page = u("batch_assign") + f"?session={sw.session.pk}"
    response = get_as(client, sw.office, page)
    assert len(rows(response)) == 300
    fields = batch_form_fields(response.content.decode())
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert len(fields) == 2 * 300 + 1 < limit  # mode and units per row, the CSRF token
    assert max_batch_rows() >= 300
    data = {f"m-{s.pk}": "lead" for s in items} | {f"u-{s.pk}": f"{LEAD}、{CO}" for s in items}
    before = audits()
    response = post_as(client, sw.office, page, data)
    assert response.status_code == 302
    assert audits() == before + 1
    batch = AssignmentBatch.objects.get()
    assert batch.size == 300
    assert Assignment.objects.filter(batch=batch).count() == 600
    assert not Suggestion.objects.filter(state=SuggestionState.ACCEPTED).exists()


def test_more_rows_than_one_post_can_carry_are_cut_with_a_warning(client, sw, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 60  # room for (60 - 50) / 2 = 5 rows
    items = bulk_accepted(sw, 8)
    response = get_as(client, sw.office, u("batch_assign"))
    assert [r.suggestion.pk for r in rows(response)] == [s.pk for s in items[:5]]
    assert response.context["truncated"]
    assert "符合条件的建议超过 5 件" in response.content.decode()
    data = {f"m-{s.pk}": "lead" for s in items[:5]} | {f"u-{s.pk}": LEAD for s in items[:5]}
    assert post_as(client, sw.office, u("batch_assign"), data).status_code == 302


@pytest.mark.parametrize("n", [3, 30])
def test_batch_page_query_count_is_pinned(client, sw, monkeypatch, django_assert_num_queries, n):
    freeze(monkeypatch, D(2026, 6, 1))
    earlier = accepted(sw)
    actions.suggestion_assign(
        actor=sw.office, suggestion=earlier, lead_unit=sw.lead_unit, co_units=[sw.co_unit]
    )
    bulk_accepted(sw, n, first_number=100)
    client.force_login(sw.office)
    # session, user, grants; congresses, sessions; the rows; the units; the categories'
    # last assignments; the taxonomy; the deadlines (settings, calendar years and days,
    # two month deadlines' years).
    with django_assert_num_queries(14):
        response = client.get(u("batch_assign"))
    assert len(rows(response)) == n
    assert all(r.suggested for r in rows(response))


# --- the result --------------------------------------------------------------------------------


def test_batch_detail_lists_what_each_unit_got_with_print_links(client, sw):
    a, b = bulk_accepted(sw, 2)
    post_as(
        client,
        sw.office,
        u("batch_assign"),
        {
            f"m-{a.pk}": "lead",
            f"u-{a.pk}": f"{LEAD}、{CO}",
            f"m-{b.pk}": "lead",
            f"u-{b.pk}": SPARE,
        },
    )
    batch = AssignmentBatch.objects.get()
    response = get_as(client, sw.office, u("batch_detail", batch))
    groups = {
        g["unit"].name: [(p.suggestion_id, p.role) for p in g["parts"]]
        for g in response.context["groups"]
    }
    assert groups == {LEAD: [(a.pk, "lead")], CO: [(a.pk, "co")], SPARE: [(b.pk, "lead")]}
    assert response.context["item_count"] == 2
    html = response.content.decode()
    assert u("batch_notices_pdf", batch) in html
    assert f"{u('notices_pdf')}?unit={sw.co_unit.pk}&amp;batch={batch.pk}" in html
    assert a.display_number in html and "会办" in html


@pytest.mark.parametrize("n", [3, 30])
def test_batch_detail_query_count_is_pinned(client, sw, django_assert_num_queries, n):
    batch = bulk_batch(sw, n)
    client.force_login(sw.office)
    # session, user, grants; the batch; its parts with units and items.
    with django_assert_num_queries(5):
        response = client.get(u("batch_detail", batch))
    assert sum(len(g["parts"]) for g in response.context["groups"]) == 2 * n


# --- parsing (no request) ------------------------------------------------------------------------


def test_unit_directory_labels_and_lookup(sw):
    twin = UnitFactory(name=SPARE, region=sw.tree.binjiang, short_name="区城管局")
    units = HandlingUnit.objects.select_related("region").filter(
        pk__in=[sw.lead_unit.pk, sw.spare_unit.pk, twin.pk]
    )
    directory = UnitDirectory(units)
    assert directory.label(sw.lead_unit.pk) == LEAD
    # Two units share a name: each is labelled with its region.
    assert directory.label(sw.spare_unit.pk) == f"{SPARE}（澜州市）"
    assert directory.label(twin.pk) == f"{SPARE}（滨江区）"
    found, missing = directory.parse(f"{LEAD}、{SPARE}（滨江区）；区城管局 {SPARE}")
    assert found == [sw.lead_unit, twin] and missing == [SPARE]


def test_blame_finds_the_row_by_its_whole_number(sw):
    short = Suggestion(year=2026, number=1000, title="甲")
    long = Suggestion(year=2026, number=10001, title="乙")
    grid = BatchGrid([short, long], UnitDirectory([]), categories={})
    assert grid.blame("2026-10001「乙」：请选择主办单位") is grid.rows[1]
    assert grid.blame("一次批量交办只能包含同一人民代表大会的建议") is None
    assert grid.errors == ["一次批量交办只能包含同一人民代表大会的建议"]
