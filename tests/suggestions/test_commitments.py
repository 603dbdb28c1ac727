"""The commitment ledger (承诺事项台账) and a commitment's page: who reads which unit's
promises, the filters and what each row shows, progress reports and fulfilment by the
unit that made the promise only (one audit entry each), query-count pins."""

from __future__ import annotations

import datetime as dt

import pytest

from minqing.accounts.models import Role
from minqing.suggestions.models import CommitmentProgress
from tests.factories import user_with_role
from tests.suggestions.factories import reply_as_lead
from tests.suggestions.factories_unit import (
    assert_login_redirect,
    assigned,
    audits,
    bare_commitment,
    flashes,
    get_as,
    post_as,
    u,
)

D = dt.date
pytestmark = pytest.mark.django_db

PROGRESS = "补贴办法已起草完成，正在征求财政部门意见。"
DONE = "新补贴办法已于本月印发实施。"


def ledger_pks(client, user, **params) -> set[int]:
    response = get_as(client, user, u("commitments"), params)
    assert response.status_code == 200
    return {c.pk for c in response.context["page_obj"]}


# --- the ledger ---------------------------------------------------------------------------------


def test_ledger_matrix(client, sw):
    mine = bare_commitment(sw)
    spare = bare_commitment(sw, unit=sw.spare_unit)
    far_unit_commitment = bare_commitment(sw, unit=sw.far_unit)
    page = u("commitments")
    assert_login_redirect(client.get(page))
    for user in (sw.nobody, sw.lead_user):
        assert get_as(client, user, page).status_code == 403, user
    everything = {mine.pk, spare.pk, far_unit_commitment.pk}
    # The office and leaders read every unit's promises on the items of their region.
    assert ledger_pks(client, sw.office) == everything
    assert ledger_pks(client, sw.leader) == everything
    # Units only their own.
    assert ledger_pks(client, sw.lead_staff) == {mine.pk}
    assert ledger_pks(client, sw.spare_staff) == {spare.pk}
    assert ledger_pks(client, sw.co_staff) == set()
    # Out of scope: another city's office, a district's office.
    assert ledger_pks(client, sw.far_office) == set()
    assert ledger_pks(client, sw.district_office) == set()


def test_ledger_rows_show_progress_overdue_and_carry_over(client, sw, monkeypatch):
    monkeypatch.setattr("minqing.suggestions.actions._common.today", lambda: D(2026, 11, 20))
    late = bare_commitment(sw, due_date=D(2026, 10, 31), percents=(20, 60))
    carried = bare_commitment(sw, first_year=2025, year=2026, due_date=D(2026, 12, 31))
    done = bare_commitment(sw, state="fulfilled", due_date=D(2026, 3, 1), percents=(100,))
    response = get_as(client, sw.office, u("commitments"))
    # Open promises first, the earliest planned date first; fulfilled ones after.
    assert [c.pk for c in response.context["page_obj"]] == [late.pk, carried.pk, done.pk]
    rows = {c.pk: c for c in response.context["page_obj"]}
    assert rows[late.pk].latest_percent == 60 and rows[late.pk].overdue
    assert rows[carried.pk].latest_percent is None and not rows[carried.pk].overdue
    assert not rows[done.pk].overdue
    html = response.content.decode()
    assert "2025→2026 结转" in html and "已逾期" in html and "60%" in html
    assert "已兑现" in html and "推进中" in html
    assert html.count("已逾期") == 2  # the wide and the phone column of one row
    assert late.suggestion.title in html and late.suggestion.display_number in html


def test_ledger_filters(client, sw):
    this_year = bare_commitment(sw)
    carried = bare_commitment(sw, first_year=2025, year=2026)
    last_year = bare_commitment(sw, year=2025, state="fulfilled")
    spare = bare_commitment(sw, unit=sw.spare_unit)
    assert ledger_pks(client, sw.office, year=2025) == {last_year.pk}
    assert ledger_pks(client, sw.office, state="fulfilled") == {last_year.pk}
    assert ledger_pks(client, sw.office, unit=sw.spare_unit.pk) == {spare.pk}
    assert ledger_pks(client, sw.office, carried="yes") == {carried.pk}
    assert ledger_pks(client, sw.office, carried="no", year=2026) == {this_year.pk, spare.pk}
    assert ledger_pks(client, sw.office, year="x", unit="y", state="z") == {
        this_year.pk,
        carried.pk,
        last_year.pk,
        spare.pk,
    }
    # A unit gets no unit filter (one unit), the office one with the units it reads.
    response = get_as(client, sw.lead_staff, u("commitments"))
    assert not response.context["form"].show_unit
    response = get_as(client, sw.office, u("commitments"))
    assert response.context["form"].show_unit


@pytest.mark.parametrize("n", [3, 30])
def test_ledger_query_count_is_pinned(client, sw, django_assert_num_queries, n):
    units = [sw.lead_unit, sw.spare_unit, sw.co_unit]
    for i in range(n):
        bare_commitment(
            sw,
            unit=units[i % 3],
            first_year=2025 if i % 4 == 0 else 2026,
            due_date=D(2026, 1, 1) + dt.timedelta(days=i * 10),
            percents=(10, 30) if i % 2 else (),
            state="fulfilled" if i % 5 == 0 else "open",
        )
    client.force_login(sw.office)
    page = u("commitments")
    client.get(page)
    # session, user, grants, years, units, count, page.
    with django_assert_num_queries(7):
        response = client.get(page)
    assert len(response.context["page_obj"]) == n


# --- a commitment's page -----------------------------------------------------------------------


def test_commitment_page_matrix(client, sw):
    c = bare_commitment(sw, percents=(30,))
    page = u("commitment_detail", c)
    assert_login_redirect(client.get(page))
    for user in (sw.nobody, sw.spare_staff, sw.co_staff, sw.far_staff, sw.far_office):
        assert get_as(client, user, page).status_code == 404, user
    for user in (sw.office, sw.leader):
        response = get_as(client, user, page)
        assert response.status_code == 200 and not response.context["can_report"]
        assert u("commitment_progress", c) not in response.content.decode()
    # The item's deputy follows the promise made to them, without the unit's forms.
    response = get_as(client, sw.lead_user, page)
    assert response.status_code == 200 and not response.context["can_report"]
    response = get_as(client, sw.lead_staff, page)
    assert response.status_code == 200 and response.context["can_report"]
    html = response.content.decode()
    assert u("commitment_progress", c) in html and u("commitment_fulfil", c) in html
    assert "按计划推进中。" in html and "30%" in html


@pytest.mark.parametrize("name", ["commitment_progress", "commitment_fulfil"])
def test_commitment_post_matrix(client, sw, name):
    c = bare_commitment(sw)
    target = u(name, c)
    data = {"progress-note": PROGRESS, "progress-percent": "40", "fulfil-note": DONE}
    before = audits()
    assert_login_redirect(client.post(target, data))
    for user in (sw.nobody, sw.spare_staff, sw.co_staff, sw.far_staff, sw.far_office):
        assert post_as(client, user, target, data).status_code == 404, user
    for user in (sw.office, sw.leader):
        assert post_as(client, user, target, data).status_code == 403, user
    assert get_as(client, sw.lead_staff, target).status_code == 405
    assert audits() == before
    c.refresh_from_db()
    assert c.state == "open" and not c.progress.exists()


def test_progress_then_fulfil_through_the_pages(client, sw, django_capture_on_commit_callbacks):
    s = assigned(sw)
    reply_as_lead(sw, s, result_class="B", commitments=[("年内修订补贴办法", D(2027, 6, 30))])
    c = s.commitments.get()
    before = audits()
    response = post_as(
        client,
        sw.lead_staff,
        u("commitment_progress", c),
        {"progress-note": PROGRESS, "progress-percent": "40"},
    )
    assert response.status_code == 302 and response.url == u("commitment_detail", c)
    assert audits() == before + 1 and "已报告承诺事项进展" in flashes(response)[0]
    assert list(c.progress.values_list("percent", flat=True)) == [40]
    with django_capture_on_commit_callbacks(execute=True):
        response = post_as(client, sw.lead_staff, u("commitment_fulfil", c), {"fulfil-note": DONE})
    assert response.status_code == 302 and audits() == before + 2
    c.refresh_from_db()
    assert c.state == "fulfilled" and c.fulfilled_at is not None
    assert list(c.progress.values_list("percent", flat=True)) == [40, 100]
    page = get_as(client, sw.lead_staff, u("commitment_detail", c))
    assert not page.context["can_report"] and DONE in page.content.decode()
    # Once fulfilled, nothing more: the message says why, nothing is written.
    response = post_as(
        client,
        sw.lead_staff,
        u("commitment_progress", c),
        {"progress-note": PROGRESS, "progress-percent": "50"},
    )
    assert response.status_code == 302 and "已经兑现" in flashes(response)[0]
    response = post_as(client, sw.lead_staff, u("commitment_fulfil", c), {"fulfil-note": DONE})
    assert response.status_code == 302 and "状态已经变化" in flashes(response)[0]
    assert audits() == before + 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"progress-note": PROGRESS, "progress-percent": "140"}, "完成进度须在 0 到 100 之间"),
        ({"progress-note": PROGRESS, "progress-percent": "四十"}, "请填写 0 到 100 之间的整数"),
        ({"progress-note": "", "progress-percent": "10"}, "请填写此项"),
        ({"progress-note": "推进", "progress-percent": "10"}, "至少写 5 个字"),
    ],
)
def test_progress_refusals_in_chinese(client, sw, data, message):
    c = bare_commitment(sw)
    before = audits()
    response = post_as(client, sw.lead_staff, u("commitment_progress", c), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert audits() == before and not CommitmentProgress.objects.exists()


def test_fulfil_needs_a_note(client, sw):
    c = bare_commitment(sw)
    response = post_as(client, sw.lead_staff, u("commitment_fulfil", c), {"fulfil-note": ""})
    assert response.status_code == 200 and "请填写此项" in response.content.decode()
    c.refresh_from_db()
    assert c.state == "open"


def test_a_unit_admin_reads_only_its_unit(client, sw):
    # A second staff account of the same unit reports too; a deputy never reads the ledger.
    colleague = user_with_role(Role.UNIT_STAFF, unit=sw.lead_unit)
    c = bare_commitment(sw)
    assert ledger_pks(client, colleague) == {c.pk}
    response = post_as(
        client,
        colleague,
        u("commitment_progress", c),
        {"progress-note": PROGRESS, "progress-percent": "10"},
    )
    assert response.status_code == 302
    assert get_as(client, sw.lead_user, u("commitments")).status_code == 403
