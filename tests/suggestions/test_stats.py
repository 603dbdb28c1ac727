"""The statistics of motions and suggestions (minqing.suggestions.statistics) and their
staff page: a varied dataset built through the real actions (tests/suggestions/
factories_stats.py: joint, co-handled, separate handling, late replies, a reassignment,
B with commitments kept and not, re-handling, the re-handling limit, an unrated closure,
motions, a session item, last year's item, a district and an out-of-scope congress);
every figure recomputed from the raw rows in plain Python for every grouping and filter;
hand-counted totals; the permission matrix of the page; pinned query counts; the charts,
definitions and the Excel download."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from collections import defaultdict
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minqing.core.models import Region
from minqing.suggestions import statistics as st
from minqing.suggestions.models import (
    Assignment,
    Commitment,
    Reply,
    Suggestion,
)
from tests.factories import UserFactory
from tests.suggestions.factories_stats import build, bulk

pytestmark = pytest.mark.django_db

GOOD = ("satisfied", "basic")


@pytest.fixture
def data(sw):
    return build(sw)


# --- the independent recount ----------------------------------------------------------------


def _matches(s: Suggestion, f: st.Filters) -> bool:
    return (
        (not f.year or s.year == f.year)
        and (f.session is None or s.session_id == f.session.pk)
        and (not f.kind or s.kind == f.kind)
        and (not f.timing or s.timing == f.timing)
    )


@dataclass
class Raw:
    """Every row the figures come from, read once (plain queries, no aggregates)."""

    items: list[Suggestion]
    parts: list[Assignment]
    replies: dict[int, list[Reply]]  # by assignment
    commitments: list[Commitment]
    by_reply: dict[int, list[Commitment]]

    @classmethod
    def load(cls) -> Raw:
        replies = defaultdict(list)
        for r in Reply.objects.select_related("feedback"):
            replies[r.assignment_id].append(r)
        commitments = list(Commitment.objects.all())
        by_reply = defaultdict(list)
        for c in commitments:
            by_reply[c.reply_id].append(c)
        return cls(
            items=list(Suggestion.objects.select_related("region").prefetch_related("signers")),
            parts=list(Assignment.objects.all()),
            replies=replies,
            commitments=commitments,
            by_reply=by_reply,
        )


def recount(
    raw: Raw, *, parent: Region, group_by: str, filters: st.Filters, today: dt.date
) -> dict:
    """Every figure from the raw rows, in plain Python: {key: {figure: [num, den]}}, with
    the whole scope under the key "total" (each row once)."""
    items = [
        s
        for s in raw.items
        if s.submitted_at is not None
        and s.region.path.startswith(parent.path)
        and _matches(s, filters)
    ]
    by_pk = {s.pk: s for s in items}
    parts = [a for a in raw.parts if a.suggestion_id in by_pk]
    replies, by_reply = raw.replies, raw.by_reply
    commitments = [c for c in raw.commitments if c.suggestion_id in by_pk]

    def keys(s: Suggestion, unit_id: int | None = None, item: bool = False) -> list[str]:
        if group_by == "unit":
            if not item:
                return [str(unit_id)]
            live = [a for a in parts if a.suggestion_id == s.pk and a.state != "removed"]
            units = {str(a.unit_id) for a in live}
            return sorted(units) or [""]
        if group_by == "region":
            return [s.region.path[len(parent.path) :].split("/")[0] or parent.code]
        if group_by == "deputy":
            if filters.signers:
                return [str(x.deputy_id) for x in s.signers.all() if x.state == "confirmed"]
            return [str(s.lead_deputy_id)]
        return [str(s.year)]

    out = defaultdict(lambda: defaultdict(lambda: [0, 0]))

    def add(ks, figure, num, den=None):
        for k in [*ks, "total"]:
            if den is None:
                out[k][figure][0] += int(num)
            elif den:
                out[k][figure][0] += int(num)
                out[k][figure][1] += 1

    for s in items:
        ks = keys(s, item=True)
        add(ks, "submitted", True)
        add(ks, "accepted", s.accepted_at is not None)
        add(ks, "not_accepted", s.state == "not_accepted")
        add(ks, "withdrawn", s.state == "withdrawn")
        add(ks, "motions", s.kind == "motion")
        add(ks, "on_agenda", s.presidium_decision == "agenda")
        add(ks, "not_placed", s.presidium_decision == "not_placed")
        add(ks, "converted", s.presidium_decision == "converted")
        add(ks, "assigned", s.assigned_at is not None)
        add(ks, "replied", s.replied_at is not None)
        add(ks, "closed", s.state == "closed")
        add(ks, "rehandled_items", s.rehandle_count > 0)
    for a in parts:
        s = by_pk[a.suggestion_id]
        ks = keys(s, a.unit_id)
        add(ks, "reassigned", a.state == "removed")
        if a.role not in ("lead", "separate") or a.state == "removed":
            continue
        answered = a.answered_at is not None
        mine = sorted(replies[a.pk], key=lambda r: (r.round, r.pk))
        rehandled = any(
            r.round < s.round
            and hasattr(r, "feedback")
            and r.feedback.result_level == "unsatisfied"
            for r in mine
        )
        add(ks, "parts", True)
        add(ks, "answered_parts", answered)
        add(ks, "reply_rate", answered, True)
        add(ks, "on_time_rate", a.on_time is True, a.on_time is not None)
        add(ks, "rehandle_rate", rehandled, answered)
        if not mine:
            continue
        final = mine[-1]
        kept = by_reply[final.pk]
        for letter in "ABCD":
            add(ks, f"class_{letter.lower()}", final.result_class == letter, True)
        add(ks, "ab_share", final.result_class in "AB", True)
        done = final.result_class == "A" or (
            final.result_class == "B" and kept and all(c.state == "fulfilled" for c in kept)
        )
        add(ks, "done_rate", done, True)
        rated = hasattr(final, "feedback")
        add(ks, "satisfaction_rate", rated and final.feedback.result_level in GOOD, rated)
        add(ks, "contact_satisfaction_rate", rated and final.feedback.contact_level in GOOD, rated)
    for c in commitments:
        ks = keys(by_pk[c.suggestion_id], c.unit_id)
        add(ks, "commitments", True)
        add(ks, "commitment_rate", c.state == "fulfilled", True)
        add(ks, "commitments_open", c.state == "open")
        overdue = c.state == "open" and c.due_date is not None and c.due_date < today
        add(ks, "commitments_overdue", overdue)
        add(ks, "commitments_carried", c.year > c.first_year)
    return out


def as_pairs(row: st.Row) -> dict[str, list[int]]:
    return {k: [f.numerator, f.denominator or 0] for k, f in row.figures.items()}


def check(table: st.Table, expected: dict, context) -> None:
    got = {r.key: as_pairs(r) for r in table.rows}
    assert len(got) == len(table.rows), context  # keys are unique
    for key, figures in expected.items():
        if key == "total":
            continue
        assert key in got, (context, key)
        for figure, pair in figures.items():
            assert got[key][figure] == pair, (context, key, figure)
    for key, figures in got.items():
        for figure, pair in figures.items():
            assert pair == expected.get(key, {}).get(figure, [0, 0]), (context, key, figure)
    total = as_pairs(table.total)
    for figure, pair in total.items():
        assert pair == expected["total"].get(figure, [0, 0]), (context, "total", figure)


def test_every_figure_matches_a_recount_from_the_raw_rows(sw, data):
    t = sw.tree
    today = timezone.localdate()
    this_year = today.year
    readers = [
        (sw.office, t.city, None),
        (sw.office, t.city, t.binjiang),
        (sw.district_office, t.binjiang, None),
        (sw.far_office, t.other_city, None),
        (sw.leader, t.city, t.city),
    ]
    variants = [
        {},
        {"year": this_year},
        {"year": this_year - 1},
        {"kind": "motion"},
        {"kind": "suggestion", "timing": "interim"},
        {"session": sw.session},
        {"timing": "session"},
    ]
    groupings = [(g, False) for g in st.GROUP_BYS] + [("deputy", True)]
    raw = Raw.load()
    # Every reader unfiltered, and the office with every filter, by every grouping.
    cases = [(reader, {}) for reader in readers]
    cases += [(readers[0], extra) for extra in variants[1:]]
    for ((user, top, region), extra), (group_by, signers) in itertools.product(cases, groupings):
        filters = st.Filters(region=region, signers=signers, **extra)
        table = st.statistics(user, group_by=group_by, filters=filters)
        expected = recount(
            raw, parent=region or top, group_by=group_by, filters=filters, today=today
        )
        check(table, expected, (user.pk, region, extra, group_by, signers))
    # The recount is not vacuous: it sees the dataset (hand counts in the next test).
    whole = recount(raw, parent=t.city, group_by="unit", filters=st.Filters(), today=today)
    assert whole["total"]["reply_rate"] == [10, 11] and whole["total"]["submitted"] == [18, 0]


def test_totals_are_the_hand_counted_figures(sw, data):
    """The dataset's figures, counted by hand from build()'s docstring (office: the city
    and 滨江区 congresses; 临川市 is out of scope)."""
    expected_rates = {
        # parts: s1 s2 s3 s4住建 s4城管 s5城管 s6 s10 s11 s12 d1; s6 never answered
        "reply_rate": (10, 11),
        # late: s2, s3's re-handled answer; s4城管's late D was replaced by an on-time C
        "on_time_rate": (8, 10),
        # finals: A s1 s4住建 s5 s10 s12 d1 · B s2 s3 s11 · C s4城管
        "class_a": (6, 10),
        "class_b": (3, 10),
        "class_c": (1, 10),
        "class_d": (0, 10),
        "ab_share": (9, 10),
        # the six A, and s3 (its one commitment fulfilled); s2 and s11 keep open ones
        "done_rate": (7, 10),
        # rated finals: all but s4城管 (closed unrated) and s5 (awaiting); s12 不满意
        "satisfaction_rate": (7, 8),
        # contact: s2 不满意
        "contact_satisfaction_rate": (7, 8),
        # s3, s4城管, s12 (once: the second 不满意 hit the limit)
        "rehandle_rate": (3, 10),
        # s2 ×2 (one kept), s3 (kept), s11 (open)
        "commitment_rate": (2, 4),
    }
    expected_counts = {
        "submitted": 18,  # s1–s12, m1–m3, c1, d1, d2
        "accepted": 11,
        "not_accepted": 1,
        "withdrawn": 1,
        "motions": 3,
        "on_agenda": 1,
        "not_placed": 1,
        "converted": 1,
        "assigned": 10,
        "replied": 9,
        "closed": 8,
        "rehandled_items": 3,
        "parts": 11,
        "answered_parts": 10,
        "reassigned": 1,  # s5, from 交通
        "commitments": 4,
        "commitments_open": 2,
        "commitments_overdue": 1,  # s11's, due a month ago
        "commitments_carried": 1,  # s11's, into this year
    }
    for group_by in st.GROUP_BYS:
        total = st.statistics(sw.office, group_by=group_by).total
        assert {
            k: (total.figures[k].numerator, total.figures[k].denominator) for k in expected_rates
        } == expected_rates, group_by
        assert {k: total.figures[k].numerator for k in expected_counts} == expected_counts

    # Rows: units by name, 未交办 last; the co-handler counts the items it helps with.
    table = st.statistics(sw.office, group_by="unit")
    labels = [r.label for r in table.rows]
    assert labels == [*sorted(labels[:-1]), "未交办"]
    assert sw.far_unit.name not in labels
    co = next(r for r in table.rows if r.key == str(sw.co_unit.pk))
    assert co.figures["submitted"].numerator == 1  # s1 (co); s5 was moved away
    assert co.figures["reassigned"].numerator == 1
    assert co.figures["reply_rate"] == st.Figure(0, 0)
    spare = next(r for r in table.rows if r.key == str(sw.spare_unit.pk))
    assert spare.figures["rehandle_rate"] == st.Figure(1, 2)
    assert spare.figures["satisfaction_rate"] == st.Figure(0, 0)  # unrated and awaiting
    # Items by unit overlap (s1, s4): the 合计 counts each once.
    assert sum(r.figures["submitted"].numerator for r in table.rows) > 18

    # Regions: the city's own congress is 本级; 云溪区 has none but is listed.
    t = sw.tree
    table = st.statistics(sw.office, group_by="region")
    assert [(r.key, r.label) for r in table.rows] == [
        (t.city.code, "澜州市（本级）"),
        (t.binjiang.code, "滨江区"),
        (t.yunxi.code, "云溪区"),
    ]
    # Deputies: lead only, or every confirmed signer (s1's co-signer, the motions' ten).
    table = st.statistics(sw.office, group_by="deputy")
    assert {r.key for r in table.rows} == {str(sw.lead.pk), str(sw.district_deputy.pk)}
    table = st.statistics(sw.office, group_by="deputy", filters=st.Filters(signers=True))
    co = next(r for r in table.rows if r.key == str(sw.co.pk))
    assert co.figures["submitted"].numerator == 1
    assert sum(r.figures["submitted"].numerator for r in table.rows) > 18
    assert table.total.figures["submitted"].numerator == 18
    # Years: last year's s11.
    table = st.statistics(sw.office, group_by="year")
    this_year = timezone.localdate().year
    assert [r.key for r in table.rows] == [str(this_year - 1), str(this_year)]
    assert table.rows[0].figures["commitments_carried"].numerator == 1

    # The district office: its congress only.
    table = st.statistics(sw.district_office, group_by="unit")
    assert [r.label for r in table.rows] == [sw.district_unit.name, "未交办"]
    assert table.total.figures["submitted"].numerator == 2
    # The far office: 临川市 only.
    table = st.statistics(sw.far_office, group_by="unit")
    assert [r.label for r in table.rows] == [sw.far_unit.name]
    # Without suggestions.view_stats: nothing.
    for user in (sw.lead_staff, sw.lead_user, sw.nobody):
        table = st.statistics(user, group_by="unit")
        assert table.rows == [] and table.total.figures["submitted"].numerator == 0
    # A superuser: the root's children (the province), every congress.
    admin = UserFactory(is_superuser=True)
    table = st.statistics(admin, group_by="region")
    assert [r.label for r in table.rows] == ["澜江省"]
    assert table.total.figures["submitted"].numerator == 19


def test_annual_summary_and_monthly_trend(sw, data):
    year = timezone.localdate().year
    summary = st.annual_summary(sw.office, year)
    table = st.statistics(sw.office, group_by="unit", filters=st.Filters(year=year))
    assert summary["year"] == year and summary["region"] == sw.tree.city
    assert [d.key for d, _f in summary["headline"]] == list(st.HEADLINE_KEYS)
    assert dict((d.key, f) for d, f in summary["headline"]) == {
        k: table.total.figures[k] for k in st.HEADLINE_KEYS
    }
    assert [r.key for r in summary["units"]] == [r.key for r in table.rows if r.key]
    assert summary["commitments"] == {
        "made": 3,
        "fulfilled": 2,
        "open": 1,
        "overdue": 0,
        "carried": 0,
    }
    # This year's ledger also holds s11's promise, carried in from last year.
    assert summary["ledger"] == {"total": 4, "fulfilled": 2, "open": 2, "carried_in": 1}
    assert [d.key for d, _f in summary["classes"]] == list(st.CLASS_KEYS)

    today = timezone.localdate()
    trend = st.trend(sw.office)
    assert len(trend.months) == 12 and trend.months[-1] == f"{today:%Y-%m}"
    assert sum(trend.submitted) == 18  # s1 three months back, the rest this month
    assert trend.submitted[-4] == 1 and trend.submitted[-1] == 17
    # answers: s1 s2 two months back, s3 one month back (late), the rest this month
    assert trend.answered[-3:] == [2, 1, 7]
    assert trend.on_time[-3] == st.Figure(1, 2) and trend.on_time[-2] == st.Figure(0, 1)
    assert trend.on_time[0] == st.Figure(0, 0)
    past = st.trend(sw.office, filters=st.Filters(year=today.year - 1))
    assert len(past.months) == 12 and past.months[0] == f"{today.year - 1}-01"
    assert sum(past.submitted) == 0  # s11 was moved to last year, not its dates


def test_figure_display():
    assert str(st.Figure(35, 40)) == "87.5%（35/40）"
    assert str(st.Figure(0, 0)) == "—" and st.Figure(0, 0).value is None
    assert str(st.Figure(7)) == "7" and st.Figure(7).value == 7
    assert st.Figure(1, 2) + st.Figure(1, 3) == st.Figure(2, 5)
    assert st.Figure(1) + st.Figure(2) == st.Figure(3)


# --- queries -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "group_by,signers,expected",
    [
        ("unit", False, 6),  # 4 aggregates, unit names, the items' 合计 (they overlap)
        ("region", False, 5),  # child regions, 4 aggregates
        ("deputy", False, 5),  # 4 aggregates, deputy names
        ("deputy", True, 9),  # 4 aggregates, deputy names, 4 totals (signers overlap)
        ("year", False, 4),
    ],
)
def test_statistics_take_a_fixed_number_of_queries(
    sw, group_by, signers, expected, django_assert_num_queries
):
    filters = st.Filters(signers=signers)
    bulk(sw, 3)
    st.top_regions(sw.office)  # the grants, cached on the user as in a request
    with django_assert_num_queries(expected):
        st.statistics(sw.office, group_by=group_by, filters=filters)
    bulk(sw, 27)
    with django_assert_num_queries(expected):
        table = st.statistics(sw.office, group_by=group_by, filters=filters)
    assert table.total.figures["parts"].numerator == 30
    assert table.total.figures["commitments"].numerator == 14


def test_page_query_count_is_pinned(client, sw):
    client.force_login(sw.office)
    url = reverse("suggestions:stats")
    bulk(sw, 3)
    client.get(url)

    def count(params) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params).status_code == 200
        return len(ctx.captured_queries)

    for params in ({}, {"group_by": "region"}, {"group_by": "deputy", "signers": "1"}):
        few = count(params)
        bulk(sw, 9)
        assert count(params) == few, params
    # 30 in all
    response = client.get(url, {"group_by": "year"})
    assert "（30/30）" in response.content.decode()  # 办复率 of the 合计 row
    # session, user, grants, region options, years, sessions, 4 aggregates, 2 trend
    assert count({"group_by": "year"}) == 12


# --- the page ------------------------------------------------------------------------------


def page(client, user, name="suggestions:stats", **params):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(reverse(name), params)


def test_page_permission_matrix(client, sw, data):
    t = sw.tree
    for name in ("suggestions:stats", "suggestions:stats_xlsx"):
        response = page(client, None, name)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        for user in (sw.nobody, sw.lead_staff, sw.co_staff, sw.lead_user):
            assert page(client, user, name).status_code == 403, (name, user)
        assert page(client, sw.office, name).status_code == 200
        assert page(client, sw.leader, name, group_by="region").status_code == 200
        assert page(client, sw.office, name, region=t.binjiang.code).status_code == 200
        assert page(client, sw.office, name, region=t.other_city.code).status_code == 404
        assert page(client, sw.office, name, region="nope").status_code == 404
        assert page(client, sw.district_office, name, region=t.city.code).status_code == 404
        assert page(client, sw.office, name, session=sw.session.pk).status_code == 200
        assert page(client, sw.far_office, name, session=sw.session.pk).status_code == 404
        assert page(client, sw.office, name, session="x").status_code == 404
        assert page(client, sw.office, name, session=str(2**70)).status_code == 404
    # Out of scope: each office sees its own congress's figures only.
    far = page(client, sw.far_office).content.decode()
    assert sw.far_unit.name in far and sw.lead_unit.name not in far
    district = page(client, sw.district_office).content.decode()
    assert sw.district_unit.name in district and sw.lead_unit.name not in district
    assert sw.far_unit.name not in page(client, sw.office).content.decode()


def test_page_shows_figures_definitions_charts_and_the_download(client, sw, data):
    t = sw.tree
    html = page(client, sw.office, group_by="region").content.decode()
    for d in st.DEFINITIONS.values():
        assert str(d.name) in html
        assert str(d.numerator) in html  # tooltip and the definitions list
        if d.is_rate:
            assert html.count(str(d.denominator)) >= 2
    assert "90.9%" in html and "（10/11）" in html  # 办复率 of the 合计 row
    assert "vendor/echarts/echarts.min.js" in html and "minqing/js/suggestion-stats.js" in html
    assert 'id="stats-definitions"' in html and 'id="stats-classes"' in html
    assert f"region={t.binjiang.code}" in html  # drill down
    raw = html.split('id="stats-data" type="application/json">')[1].split("</script>")[0]
    chart = json.loads(raw)
    assert chart["labels"] == ["澜州市（本级）", "滨江区", "云溪区"]
    assert [c["value"] for c in chart["classes"]] == [6, 3, 1, 0]
    assert [s["key"] for s in chart["bars"]] == list(st.BAR_KEYS)
    assert chart["bars"][0]["rates"] == [90.0, 100.0, None]  # 云溪区: a gap, not 0
    assert len(chart["trend"]["labels"]) == 12 and sum(chart["trend"]["submitted"]) == 18
    # The download link carries the filters.
    year = timezone.localdate().year
    html = page(client, sw.office, group_by="deputy", signers="1", year=year).content.decode()
    assert f"stats.xlsx?group_by=deputy&amp;year={year}&amp;signers=1" in html
    assert "提出代表（含联名）" in html

    # The same table as an Excel download.
    from openpyxl import load_workbook

    response = page(client, sw.office, "suggestions:stats_xlsx", group_by="region")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["办理指标", "办理件数", "指标口径"]
    rows = list(book["办理指标"].iter_rows(values_only=True))
    assert rows[1][:4] == ("区域", "办复率", "办复率分子", "办复率分母")
    assert [r[0] for r in rows[2:]] == ["澜州市（本级）", "滨江区", "云溪区", "合计"]
    assert rows[-1][1:4] == (pytest.approx(10 / 11), 10, 11)
    assert rows[-2][1] is None  # 云溪区: no parts, an empty cell
    counts = list(book["办理件数"].iter_rows(values_only=True))
    assert counts[1][1] == "提交件数" and counts[-1][:2] == ("合计", 18)
    defs = [r[0] for r in book["指标口径"].iter_rows(values_only=True)]
    assert {str(d.name) for d in st.DEFINITIONS.values()} <= set(defs)


def test_bad_filters_fall_back_to_the_defaults(client, sw):
    response = page(client, sw.office, group_by="nonsense", year="3000", kind="x")
    assert response.status_code == 200
    assert "部分筛选条件无效" in response.content.decode()
