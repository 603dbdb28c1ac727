"""Quotas of stations and deputy groups (DOMAIN §2): the figures of a small world
recomputed by hand, region overrides that change the verdict, the page's permission
matrix and scope, the 落后名单, and the query counts.

The world of ``dw`` on Wednesday 2026-05-20 (the second quarter), default settings (one
activity a quarter, one research report a year, one suggestion per deputy a year):

============== ================================== ======== ========== ===============
               recorded activities                Q1  Q2   reports    members ≥ 1
============== ================================== ======== ========== ===============
望江 (station) 02-15 · 04-10 · 05-06 research+PDF  1   2    1          dep 2 → 1/1
柳岸 (station2) —                                   0   0    0          dep2 1 → 1/1
网上 (online)  —                                   0   0    0          none → 0/0
第一小组       05-12 group activity                0   1    0          leader 0, dep 2,
                                                                       dep2 1 → 2/3
============== ================================== ======== ========== ===============

Not counted: a cancelled 望江 activity, a pending deputy report at 望江, a research
activity of 望江 without a report file (counts as an activity, not a report), a
suggestion dep submitted in 2025, one leader_dep withdrew, one dep2 declined to
co-sign (dep led it: dep has two).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from minqing.core.actions import region_setting_set
from minqing.core.config import settings_for
from minqing.duties import actions, quotas
from minqing.duties.models import Activity, ActivityState
from minqing.opinions.uploads import clean_attachment
from minqing.suggestions import actions as suggestion_actions
from tests.duties.factories import ACTIVITY
from tests.factories import RegionFactory
from tests.opinions.helpers import assert_login_redirect, get_as, minimal_pdf
from tests.stations.factories import StationFactory, seat
from tests.suggestions.factories import TEXT
from tests.suggestions.factories_core import at

pytestmark = pytest.mark.django_db
D = dt.date
DAY = D(2026, 5, 20)
URL = "/duties/quotas/"


def report_pdf():
    data = io.BytesIO(minimal_pdf())
    data.name = "调研报告.pdf"
    return clean_attachment(data)


def _record(dw, day: D, *, kind: str = "inspection", title: str = "", **kw):
    station = kw.get("station")
    group = kw.get("group")
    actor = dw.office
    if station is not None:
        actor = dw.station2_staff if station == dw.station2 else dw.station_staff
    if group is not None:
        actor = dw.leader_dep_user
    return actions.activity_record(
        actor=actor,
        kind=kind,
        data={**ACTIVITY, "title": title or ACTIVITY["title"], "date": day},
        deputies=[dw.dep2 if station == dw.station2 else dw.dep],
        region=None if (station or group) else dw.tree.binjiang,
        **kw,
    )


def _suggestion(actor, *, cosigners=(), confirm=True, title: str = ""):
    s = suggestion_actions.suggestion_create(
        actor=actor,
        kind="suggestion",
        data={**TEXT, "title": title or TEXT["title"]},
        cosigners=list(cosigners),
    )
    answer = suggestion_actions.signer_confirm if confirm else suggestion_actions.signer_decline
    for signer in s.signers.filter(state="invited"):
        answer(actor=signer.deputy.user, signer=signer)
    suggestion_actions.suggestion_submit(actor=actor, suggestion=s)
    return s


@pytest.fixture
def world(dw):
    """The table of the module docstring, through the real actions."""
    with at(D(2025, 11, 10)):
        _suggestion(dw.dep_user, title="关于去年的建议")
    with at(DAY):
        _record(dw, D(2026, 2, 15), station=dw.station, title="一季度视察")
        _record(dw, D(2026, 4, 10), station=dw.station, title="二季度视察")
        _record(
            dw,
            D(2026, 5, 6),
            station=dw.station,
            kind="research",
            title="养老服务调研",
            reports=[report_pdf()],
        )
        cancelled = _record(dw, D(2026, 5, 7), station=dw.station, title="误登记的活动")
        actions.activity_cancel(actor=dw.station_staff, activity=cancelled, note="重复登记")
        actions.activity_report(
            actor=dw.dep_user,
            kind="mediation",
            data={"title": "调解邻里纠纷", "date": D(2026, 5, 8), "place": "望江社区"},
            station=dw.station,
        )
        _record(dw, D(2026, 5, 12), group=dw.group, kind="group", title="小组集中活动")
        # dep leads two: dep2 co-signs the first and declines the second; leader_dep's
        # is withdrawn.
        _suggestion(dw.dep_user, cosigners=[dw.dep2])
        withdrawn = _suggestion(dw.leader_dep_user, title="关于撤回的建议")
        suggestion_actions.suggestion_withdraw(
            actor=dw.leader_dep_user, suggestion=withdrawn, reason="已通过其他渠道解决。"
        )
        _suggestion(dw.dep_user, cosigners=[dw.dep2], confirm=False, title="关于拒绝联名的建议")
    # A research activity without a report: an activity, not a report.
    with at(DAY):
        _record(dw, D(2026, 1, 20), station=dw.station2, kind="research", title="无报告调研")
    return dw


def figures(result) -> dict[str, tuple[str, str, str]]:
    return {r.name: (str(r.activities), str(r.reports), str(r.suggestions)) for r in result.rows}


def compute(user, **kw):
    with at(DAY):
        return quotas.compliance(user, year=2026, **kw)


# ---------------------------------------------------------------- the figures


def test_quarter_figures_recomputed_by_hand(world):
    dw = world
    result = compute(dw.office, quarter=2)
    assert figures(result) == {
        dw.station.name: ("2/1", "1/1", "1/1"),
        dw.station2.name: ("0/1", "0/1", "1/1"),
        dw.online.name: ("0/1", "0/1", "0/0"),
        dw.group.name: ("1/1", "0/1", "2/3"),
    }
    ok = {r.name: r.ok for r in result.rows}
    assert ok == {dw.station.name: True, dw.station2.name: False, dw.online.name: False,
                  dw.group.name: False}  # fmt: skip
    group = next(r for r in result.rows if r.kind == quotas.GROUP)
    assert [(m.name, m.count, m.ok) for m in group.members] == [
        (dw.leader_dep.name, 0, False),  # the leader first
        *sorted([(dw.dep.name, 2, True), (dw.dep2.name, 1, True)]),
    ]
    [behind] = result.deputies_behind
    assert (behind.deputy_id, str(behind.figure), behind.places) == (
        dw.leader_dep.pk,
        "0/1",
        [dw.group.name],
    )
    # The first quarter: 柳岸's research without a report counts as an activity.
    q1 = figures(compute(dw.office, quarter=1))
    assert q1[dw.station.name][0] == "1/1" and q1[dw.station2.name][0] == "1/1"
    assert q1[dw.group.name][0] == "0/1"


def test_year_figures_count_the_quarters_begun(world):
    dw = world
    result = compute(dw.office)
    assert result.quarter is None and result.quarters == [1, 2]
    got = {r.name: (str(r.activities), [(q, f.actual) for q, f in r.quarters]) for r in result.rows}
    assert got == {
        dw.station.name: ("2/2", [(1, 1), (2, 2)]),
        dw.station2.name: ("1/2", [(1, 1), (2, 0)]),
        dw.online.name: ("0/2", [(1, 0), (2, 0)]),
        dw.group.name: ("1/2", [(1, 0), (2, 1)]),
    }
    # Last year: four quarters, nothing recorded; dep's 2025 suggestion counts there.
    with at(DAY):
        last = quotas.compliance(dw.office, year=2025)
    assert last.quarters == [1, 2, 3, 4]
    station = next(r for r in last.rows if r.pk == dw.station.pk)
    assert (str(station.activities), str(station.suggestions)) == ("0/4", "1/1")
    assert quotas.quarters_begun(2027, DAY) == []


def test_region_overrides_change_the_verdict(world):
    dw = world
    with at(DAY):
        # 滨江区 asks three activities a quarter; 柳岸社区 needs no report; 望江社区 three
        # suggestions per deputy (the group, in 滨江区, keeps one).
        region_setting_set(actor=dw.office, region=dw.tree.binjiang, key=quotas.ACTIVITIES, value=3)
        region_setting_set(actor=dw.office, region=dw.tree.liuan, key=quotas.REPORTS, value=0)
        region_setting_set(
            actor=dw.office, region=dw.tree.wangjiang, key=quotas.SUGGESTIONS, value=3
        )
    result = compute(dw.office, quarter=2)
    assert figures(result) == {
        dw.station.name: ("2/3", "1/1", "0/1"),
        dw.station2.name: ("0/3", "0/0", "1/1"),
        dw.online.name: ("0/3", "0/1", "0/0"),
        dw.group.name: ("1/3", "0/1", "2/3"),
    }
    assert not next(r for r in result.rows if r.pk == dw.station.pk).ok
    behind = {d.deputy_id: (str(d.figure), d.places) for d in result.deputies_behind}
    assert behind == {
        dw.dep.pk: ("2/3", [dw.station.name]),
        dw.leader_dep.pk: ("0/1", [dw.group.name]),
    }
    # A deeper override wins over its parent's.
    with at(DAY):
        region_setting_set(
            actor=dw.office, region=dw.tree.wangjiang, key=quotas.ACTIVITIES, value=2
        )
    assert figures(compute(dw.office, quarter=2))[dw.station.name][0] == "2/2"


def test_bulk_settings_read_as_settings_for(dw):
    region_setting_set(actor=dw.office, region=dw.tree.city, key=quotas.ACTIVITIES, value=4)
    region_setting_set(actor=dw.office, region=dw.tree.street, key=quotas.ACTIVITIES, value=2)
    region_setting_set(actor=dw.office, region=dw.tree.liuan, key=quotas.SUGGESTIONS, value=3)
    regions = [dw.tree.city, dw.tree.binjiang, dw.tree.wangjiang, dw.tree.liuan, dw.tree.donghu]
    configs = quotas.region_configs(regions)
    for r in regions:
        assert {k: configs[r.pk][k] for k in quotas.KEYS} == {
            k: settings_for(r)[k] for k in quotas.KEYS
        }, r.name
    assert configs[dw.tree.liuan.pk][quotas.ACTIVITIES] == 2
    assert configs[dw.tree.donghu.pk][quotas.ACTIVITIES] == 1


def test_scope_of_the_computation(world):
    dw = world
    names = lambda user, **kw: {r.name for r in compute(user, quarter=2, **kw).rows}  # noqa: E731
    assert names(dw.station_staff) == {dw.station.name}  # no groups, no other station
    assert names(dw.district_office) == {
        dw.station.name,
        dw.station2.name,
        dw.online.name,
        dw.group.name,
    }
    assert names(dw.office, region=dw.tree.liuan) == {dw.station2.name}
    assert names(dw.far_office) == {dw.far_station.name}
    assert names(dw.nobody) == set()
    # A suspended station is not held to its quotas.
    from minqing.stations.models import Station

    Station.objects.filter(pk=dw.online.pk).update(status="suspended")
    assert dw.online.name not in names(dw.office)


# ---------------------------------------------------------------- the page


def page(client, user, **params) -> str:
    with at(DAY):
        response = get_as(client, user, URL, params)
    assert response.status_code == 200, user
    return response.content.decode()


def test_url_name():
    assert reverse("duties:quotas") == URL


def test_page_permission_matrix(client, world):
    dw = world
    with at(DAY):
        assert_login_redirect(client.get(URL))
        for user in (dw.nobody, dw.dep_user, dw.unit_staff):
            assert get_as(client, user, URL).status_code == 403, user
        # A region outside the reader's scope: 404, never 403.
        city = {"region": dw.tree.city.code}
        assert get_as(client, dw.far_office, URL, city).status_code == 404
        liuan = {"region": dw.tree.liuan.code}
        assert get_as(client, dw.station_staff, URL, liuan).status_code == 404
        assert get_as(client, dw.office, URL, {"region": "nope"}).status_code == 404
    for user in (dw.office, dw.district_office, dw.leader):
        html = page(client, user)
        assert dw.station.name in html and dw.group.name in html and "落后名单" in html
    html = page(client, dw.station_staff)
    assert dw.station.name in html
    assert dw.station2.name not in html and dw.group.name not in html
    html = page(client, dw.far_office)
    assert dw.far_station.name in html and dw.station.name not in html


def test_page_shows_the_figures_and_the_behind_list(client, world):
    dw = world
    html = page(client, dw.office, year=2026, quarter=2)
    assert "2026年第2季度" in html
    row = html.split(f'data-quota-row="station-{dw.station.pk}"')[1].split("</tr>")[0]
    assert row.count("✓") == 3 and "2/1" in row and "达标" in row
    row = html.split(f'data-quota-row="group-{dw.group.pk}"')[1].split("</tr>")[0]
    assert '✓</span><span class="visually-hidden">达标</span> 1/1' in row.replace("\n", "")
    assert "2/3" in row and "未达标" in row
    behind = html.split('id="quota-behind"')[1]
    for r in (dw.station2, dw.online):
        assert f'data-behind-row="station-{r.pk}"' in behind
    assert f'data-behind-row="station-{dw.station.pk}"' not in behind
    assert f'data-behind-row="group-{dw.group.pk}"' in behind
    assert "调研报告 0/1" in behind and "建议达标代表 2/3" in behind
    assert f'data-behind-deputy="{dw.leader_dep.pk}"' in behind
    assert f'data-behind-deputy="{dw.dep.pk}"' not in behind
    assert reverse("people:deputy_detail", args=[dw.leader_dep.pk]) in behind


def test_page_filters(client, world):
    dw = world
    html = page(client, dw.office, behind="1", quarter=2)
    tables = html.split('id="quota-behind"')[0]
    assert f'data-quota-row="station-{dw.station.pk}"' not in tables
    assert f'data-quota-row="station-{dw.station2.pk}"' in tables
    # The whole year, with each quarter's count.
    html = page(client, dw.office, year=2026, quarter=0)
    assert "2026年度" in html and "活动达标季度" in html and "Q1：1" in html
    # Default: the current quarter.
    assert "2026年第2季度" in page(client, dw.office)
    # An earlier year: the whole year by default.
    assert "2025年度" in page(client, dw.office, year=2025)
    # A quarter or year not begun: a warning and the defaults.
    html = page(client, dw.office, quarter=3)
    assert "该季度尚未开始" in html and "2026年第2季度" in html
    html = page(client, dw.office, year=2027)
    assert "不能选择尚未开始的年度" in html and "2026年第2季度" in html
    # A region narrows both tables.
    html = page(client, dw.office, region=dw.tree.liuan.code)
    assert dw.station2.name in html and dw.station.name not in html
    assert f'data-quota-row="group-{dw.group.pk}"' not in html


# ---------------------------------------------------------------- query counts


def _many(dw, n: int) -> None:
    """``n`` stations, each in a region of its own with a setting of its own, a seated
    deputy, a recorded activity with a report; and one group per station."""
    from minqing.people.models import DeputyGroupMembership
    from minqing.suggestions.models import Signer  # noqa: F401  (the counts read it)
    from tests.people.factories import DeputyFactory, DeputyGroupFactory

    for i in range(n):
        region = RegionFactory(parent=dw.tree.street, level=5)
        region_setting_set(actor=dw.office, region=region, key=quotas.ACTIVITIES, value=1 + i % 3)
        station = StationFactory(region=region)
        deputy = DeputyFactory(term=dw.term, region=dw.tree.binjiang)
        seat(station, deputy)
        group = DeputyGroupFactory(region=region)
        DeputyGroupMembership.objects.create(group=group, deputy=deputy, is_leader=True)
        Activity.objects.create(
            region=region,
            kind="research",
            title="调研",
            date=D(2026, 4, 1),
            organiser_kind="station",
            station=station,
            group=group,
            state=ActivityState.RECORDED,
        )


@pytest.mark.parametrize("n", [3, 30])
def test_the_computation_takes_a_fixed_number_of_queries(dw, django_assert_num_queries, n):
    _many(dw, n)
    from minqing.core.permissions import grants_for

    grants_for(dw.office, "duties.view")  # the grants, cached on the user as in a request
    # Stations, groups, settings, activities, seats, memberships, suggestions.
    with django_assert_num_queries(7), at(DAY):
        result = quotas.compliance(dw.office, year=2026, quarter=2)
    assert len(result.stations) == n + 3 and len(result.groups) == n + 1


@pytest.mark.parametrize("n", [3, 30])
def test_page_query_count_is_pinned(client, dw, django_assert_num_queries, n):
    _many(dw, n)
    client.force_login(dw.office)
    # Session, user, grants, the seven of the computation, the region choices.
    with django_assert_num_queries(11), at(DAY):
        response = client.get(URL, {"quarter": 2})
    assert response.status_code == 200
    assert response.content.decode().count("data-quota-row=") == 2 * n + 4
