"""履职积分: what each source earns, yearly caps, the base, absences, rule inheritance
down the region tree, what counts (confirmed participations of recorded activities),
quarterly standings and published rankings; and the points pages (a deputy's points,
the office's rules, the rankings) with their permission matrices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from minqing.accounts.models import Role
from minqing.core.actions import region_setting_set
from minqing.core.models import AuditEntry
from minqing.duties import actions
from minqing.duties.models import (
    ActivityKind,
    Participation,
    PointsRanking,
    PointsRule,
    RankingState,
)
from minqing.duties.points import DEFAULT_RULES, points_for, rules_for, standings
from minqing.opinions.actions import opinion_report
from minqing.opinions.models import Opinion
from minqing.people.models import Deputy
from minqing.suggestions import actions as s_actions
from tests.duties.record_helpers import award, done, one_audit, report_given, report_pdf, suggestion
from tests.factories import user_with_role
from tests.people.factories import CongressFactory, DeputyFactory, TermFactory

pytestmark = pytest.mark.django_db

YEAR = 2025
D = Decimal


def day(month: int, d: int = 10) -> dt.date:
    return dt.date(YEAR, month, d)


def points(deputy, year: int = YEAR):
    d = Deputy.objects.select_related("term__congress__region").get(pk=deputy.pk)
    return points_for([d], year=year)[d.pk]


def lines_of(p, source: str) -> list:
    return [line for line in p.lines if line.source == source]


# ---- what each source earns --------------------------------------------------------------


@pytest.mark.parametrize("kind", ActivityKind.values)
def test_each_activity_kind_earns_its_rule(dw, kind):
    done(dw, kind=kind, on=day(3))
    p = points(dw.dep)
    (line,) = lines_of(p, kind)
    value = DEFAULT_RULES[kind][0]
    assert (line.points, line.counted, line.capped) == (value, value, False)
    assert line.date == day(3)
    assert p.total == D(60) + value


def test_report_award_and_opinion_earn_their_rules(dw):
    report_given(dw, on=day(5))
    award(dw, on=day(6))
    op = opinion_report(
        actor=dw.dep_user,
        data={"text": "小区门口路灯已坏多日，夜间出行不便，请尽快修复。", "kind": "help"},
    )
    at = dt.datetime(YEAR, 7, 1, 10, tzinfo=timezone.get_current_timezone())
    Opinion.objects.filter(pk=op.pk).update(created_at=at)
    p = points(dw.dep)
    assert [line.counted for line in lines_of(p, "report")] == [D(10)]
    assert [line.counted for line in lines_of(p, "award")] == [D(5)]
    assert [line.counted for line in lines_of(p, "opinion")] == [D(1)]
    assert p.total == D(60 + 10 + 5 + 1)


def test_lead_cosign_and_motion(dw):
    suggestion(dw, lead=dw.dep, cosigners=[dw.dep2], on=day(2))
    extra = [DeputyFactory(term=dw.term, region=dw.tree.binjiang) for _ in range(3)]
    signers = [dw.dep2, dw.leader_dep, *dw.more, *extra][:9]
    suggestion(dw, lead=dw.dep, cosigners=signers, kind="motion", on=day(2, 20))
    # Neither a draft nor a withdrawn item earns anything.
    suggestion(dw, lead=dw.dep, cosigners=[dw.dep2], submit=False, title="关于仍是草稿的建议")
    gone = suggestion(dw, lead=dw.dep, on=day(3), title="关于已撤回的建议")
    s_actions.suggestion_withdraw(actor=dw.dep_user, suggestion=gone)
    lead = points(dw.dep)
    assert [line.counted for line in lines_of(lead, "suggestion")] == [D(5)]
    assert [line.counted for line in lines_of(lead, "motion")] == [D(10)]
    assert lines_of(lead, "cosign") == []
    co = points(dw.dep2)
    assert [line.counted for line in lines_of(co, "cosign")] == [D(1), D(1)]
    assert lines_of(co, "suggestion") == [] and lines_of(co, "motion") == []
    assert points(dw.leader_dep).total == D(60 + 1)


def test_research_report_bonus_needs_a_report_attached(dw):
    done(dw, kind="research", deputies=[dw.dep, dw.dep2], reports=[report_pdf()], on=day(4))
    done(dw, kind="research", deputies=[dw.leader_dep], on=day(4))
    for deputy in (dw.dep, dw.dep2):
        p = points(deputy)
        assert [line.counted for line in lines_of(p, "research")] == [D(3)]
        assert [line.counted for line in lines_of(p, "research_report")] == [D(5)]
    p = points(dw.leader_dep)
    assert lines_of(p, "research_report") == []
    assert p.total == D(63)


def test_absence_is_negative_and_leave_earns_nothing(dw):
    attendance = {dw.dep.pk: "absent", dw.dep2.pk: "leave", dw.leader_dep.pk: "present"}
    for month in (3, 6, 9):
        done(
            dw,
            kind="meeting",
            deputies=[dw.dep, dw.dep2, dw.leader_dep],
            attendance=attendance,
            on=day(month),
        )
    absent = points(dw.dep)
    assert [line.counted for line in lines_of(absent, "absence")] == [D(-5)] * 3
    assert lines_of(absent, "meeting") == []
    assert absent.total == D(60 - 15)  # no cap on a deduction
    on_leave = points(dw.dep2)
    assert [line.source for line in on_leave.lines] == ["base"]
    assert points(dw.leader_dep).total == D(60 + 6)


def test_annual_cap_counts_the_crossing_occurrence_in_part(dw):
    actions.points_rule_set(
        actor=dw.office, region=dw.tree.city, source="inspection", points="3", annual_cap="7"
    )
    for month in (1, 2, 3, 4):
        done(dw, kind="inspection", on=day(month))
    p = points(dw.dep)
    by_date = sorted(lines_of(p, "inspection"), key=lambda line: line.date)
    assert [line.points for line in by_date] == [D(3)] * 4
    assert [line.counted for line in by_date] == [D(3), D(3), D(1), D(0)]
    assert [line.capped for line in by_date] == [False, False, True, True]
    assert p.total == D(60 + 7)
    # Caps are per year: next year starts again.
    done(dw, kind="inspection", on=dt.date(YEAR + 1, 1, 5))
    assert points(dw.dep, YEAR + 1).total == D(60 + 3)


def test_base_counts_once_a_year_from_the_region_setting(dw):
    done(dw, kind="inspection", on=day(1, 1))
    p = points(dw.dep)
    (base,) = lines_of(p, "base")
    assert (base.date, base.counted) == (dt.date(YEAR, 1, 1), D(60))
    assert len(lines_of(points(dw.dep, YEAR - 1), "base")) == 1
    region_setting_set(
        actor=dw.office, region=dw.tree.city, key="duty.base_points_per_year", value="50"
    )
    assert [line.counted for line in lines_of(points(dw.dep), "base")] == [D(50)]
    region_setting_set(
        actor=dw.office, region=dw.tree.city, key="duty.base_points_per_year", value="0"
    )
    assert lines_of(points(dw.dep), "base") == []
    assert points(dw.dep).total == D(3)


def test_rule_inheritance_down_the_region_tree(dw):
    county = CongressFactory(region=dw.tree.binjiang)
    county_dep = DeputyFactory(term=TermFactory(congress=county), region=dw.tree.street)
    county_office = user_with_role(Role.CONGRESS_STAFF, dw.tree.binjiang)
    done(dw, kind="inspection", deputies=[dw.dep, county_dep], on=day(5))

    def inspection(deputy) -> Decimal:
        return lines_of(points(deputy), "inspection")[0].counted

    assert (inspection(dw.dep), inspection(county_dep)) == (D(3), D(3))  # defaults
    city_rule = one_audit(
        actions.points_rule_set,
        actor=dw.office,
        region=dw.tree.city,
        source="inspection",
        points="4",
        annual_cap="",
    )
    assert rules_for(dw.tree.binjiang)["inspection"].region == dw.tree.city
    assert (inspection(dw.dep), inspection(county_dep)) == (D(4), D(4))
    with pytest.raises(PermissionDenied):
        actions.points_rule_set(
            actor=county_office, region=dw.tree.city, source="inspection", points="9"
        )
    county_rule = one_audit(
        actions.points_rule_set,
        actor=county_office,
        region=dw.tree.binjiang,
        source="inspection",
        points="6",
        annual_cap="30",
    )
    assert (inspection(dw.dep), inspection(county_dep)) == (D(4), D(6))
    one_audit(actions.points_rule_clear, actor=county_office, rule=county_rule)
    assert (inspection(dw.dep), inspection(county_dep)) == (D(4), D(4))
    one_audit(actions.points_rule_clear, actor=dw.office, rule=city_rule)
    assert (inspection(dw.dep), inspection(county_dep)) == (D(3), D(3))
    assert not PointsRule.objects.exists()


# ---- what counts ---------------------------------------------------------------------------


def test_only_confirmed_participations_of_recorded_activities_count(dw):
    a = done(dw, kind="inspection", deputies=[dw.dep, dw.dep2, dw.leader_dep], confirm=False)
    parts = {p.deputy_id: p for p in a.participations.all()}
    actions.participation_confirm(actor=dw.dep_user, participation=parts[dw.dep.pk])
    actions.participation_dispute(
        actor=dw.dep2_user, participation=parts[dw.dep2.pk], reason="当天我在外地出差"
    )
    year = timezone.localdate().year

    def has_inspection(deputy) -> bool:
        return bool(lines_of(points(deputy, year), "inspection"))

    assert has_inspection(dw.dep)
    assert not has_inspection(dw.dep2)  # disputed
    assert not has_inspection(dw.leader_dep)  # still pending
    actions.participation_remove(actor=dw.office, participation=parts[dw.dep2.pk])
    assert not has_inspection(dw.dep2)  # removed
    actions.participations_autoconfirm(participation=parts[dw.leader_dep.pk])
    assert has_inspection(dw.leader_dep)
    # A deputy's own report counts once approved, not while pending.
    own = actions.activity_report(
        actor=dw.dep2_user,
        kind="mediation",
        data={"title": "调解邻里漏水纠纷", "date": timezone.localdate(), "place": "柳岸社区"},
        station=dw.station2,
    )
    for p in Participation.objects.filter(activity=own, state="pending"):
        actions.participation_confirm(actor=p.deputy.user, participation=p)
    assert not lines_of(points(dw.dep2, year), "mediation")
    actions.activity_approve(actor=dw.station2_staff, activity=own)
    assert lines_of(points(dw.dep2, year), "mediation")


def test_cancelled_activity_drops_its_points(dw):
    a = done(dw, kind="lecture", deputies=[dw.dep])
    year = timezone.localdate().year
    assert points(dw.dep, year).total == D(60 + 3)
    one_audit(actions.activity_cancel, actor=dw.office, activity=a, note="重复登记")
    assert points(dw.dep, year).total == D(60)
    assert not lines_of(points(dw.dep, year), "lecture")


# ---- standings and rankings ---------------------------------------------------------------


@pytest.fixture
def ranked(dw):
    """In YEAR: dep two awards (Q1, Q2), dep2 one (Q2), leader_dep one (Q1), the five
    others none: Q2 standings 70, 65, 65, 60 … → ranks 1, 2, 2, 4."""
    award(dw, deputy=dw.dep, on=day(2))
    award(dw, deputy=dw.dep, on=day(5), title="优秀代表建议奖")
    award(dw, deputy=dw.dep2, on=day(5))
    award(dw, deputy=dw.leader_dep, on=day(1, 20))
    award(dw, deputy=dw.dep2, on=day(8))  # Q3: not in Q2's standings
    return dw


def _deputies(dw):
    pks = [dw.dep.pk, dw.dep2.pk, dw.leader_dep.pk, dw.more[0].pk]
    return list(Deputy.objects.select_related("term__congress__region").filter(pk__in=pks))


def test_quarterly_standings_share_ranks_and_give_quarter_points(ranked):
    dw = ranked
    rows = standings(_deputies(dw), year=YEAR, quarter=2)
    table = [(r.rank, r.deputy.pk, r.points, r.quarter_points) for r in rows]
    tied = sorted([dw.dep2, dw.leader_dep], key=lambda d: (d.name, d.pk))
    assert table == [
        (1, dw.dep.pk, D(70), D(5)),
        (2, tied[0].pk, D(65), D(5) if tied[0] == dw.dep2 else D(0)),
        (2, tied[1].pk, D(65), D(5) if tied[1] == dw.dep2 else D(0)),
        (4, dw.more[0].pk, D(60), D(0)),
    ]
    q1 = {
        r.deputy.pk: (r.rank, r.points, r.quarter_points)
        for r in standings(_deputies(dw), year=YEAR, quarter=1)
    }
    # The base is dated 1 January: it is part of the first quarter's points.
    assert q1[dw.dep.pk] == (1, D(65), D(65))
    assert q1[dw.dep2.pk] == (3, D(60), D(60))
    q3 = {r.deputy.pk: r for r in standings(_deputies(dw), year=YEAR, quarter=3)}
    assert (q3[dw.dep2.pk].points, q3[dw.dep2.pk].quarter_points) == (D(70), D(5))
    assert q3[dw.dep2.pk].rank == 1 and q3[dw.dep.pk].rank == 1


def test_publishing_twice_withdraws_the_earlier_ranking(ranked, client):
    dw = ranked
    first = one_audit(
        actions.ranking_publish,
        actor=dw.office,
        region=dw.tree.city,
        level=dw.term.congress.level,
        year=YEAR,
        quarter=2,
    )
    rows = {r.deputy_id: (r.rank, r.points, r.quarter_points) for r in first.rows.all()}
    assert len(rows) == 8  # the city's serving deputies; 临川's are not in it
    assert rows[dw.dep.pk] == (1, D(70), D(5))
    assert rows[dw.dep2.pk][0] == rows[dw.leader_dep.pk][0] == 2
    award(dw, deputy=dw.more[0], on=day(4))
    second = one_audit(
        actions.ranking_publish,
        actor=dw.office,
        region=dw.tree.city,
        level=dw.term.congress.level,
        year=YEAR,
        quarter=2,
    )
    first.refresh_from_db()
    assert (first.state, second.state) == (RankingState.WITHDRAWN, RankingState.PUBLISHED)
    assert second.rows.get(deputy=dw.more[0]).points == D(65)
    # Another quarter is another ranking: nothing withdrawn.
    actions.ranking_publish(
        actor=dw.office, region=dw.tree.city, level=dw.term.congress.level, year=YEAR, quarter=1
    )
    second.refresh_from_db()
    assert second.state == RankingState.PUBLISHED
    public = reverse("duties_public:ranking", args=[first.code])
    assert client.get(public).status_code == 404
    assert client.get(reverse("duties_public:ranking", args=[second.code])).status_code == 200


def test_ranking_publish_refusals(dw):
    with pytest.raises(PermissionDenied):
        actions.ranking_publish(
            actor=dw.leader, region=dw.tree.city, level=dw.term.congress.level, year=YEAR, quarter=2
        )
    with pytest.raises(PermissionDenied):
        actions.ranking_publish(
            actor=dw.far_office,
            region=dw.tree.city,
            level=dw.term.congress.level,
            year=2025,
            quarter=2,
        )


def test_withdrawn_ranking_is_404_publicly(ranked, client):
    dw = ranked
    ranking = actions.ranking_publish(
        actor=dw.office, region=dw.tree.city, level=dw.term.congress.level, year=YEAR, quarter=2
    )
    url = reverse("duties_public:ranking", args=[ranking.code])
    assert client.get(url).status_code == 200
    one_audit(actions.ranking_withdraw, actor=dw.office, ranking=ranking, note="积分数据有误")
    assert client.get(url).status_code == 404
    assert ranking.code not in client.get(reverse("duties_public:rankings")).content.decode()


# ---- pages: a deputy's points ---------------------------------------------------------------


def points_url(deputy, year: int | None = None) -> str:
    url = reverse("duties:deputy_points", args=[deputy.pk])
    return f"{url}?year={year}" if year else url


def test_deputy_points_page_permission_matrix(dw, client):
    url = points_url(dw.dep)
    assert client.get(url).status_code == 302  # anonymous → login
    for user, status in (
        (dw.nobody, 404),
        (dw.unit_staff, 404),
        (dw.dep_user, 200),  # their own
        (dw.dep2_user, 404),  # another deputy's
        (dw.leader_dep_user, 200),  # the group's leader
        (dw.office, 200),
        (dw.district_office, 200),
        (dw.leader, 200),
        (dw.station_staff, 200),  # dep sits at their station
        (dw.station2_staff, 404),
        (dw.far_office, 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_deputy_points_page_shows_every_line(dw, client):
    this_year = timezone.localdate().year
    actions.points_rule_set(
        actor=dw.office, region=dw.tree.city, source="training", points="2", annual_cap="3"
    )
    done(dw, kind="training", title="代表履职能力培训班（第一期）")
    done(dw, kind="training", title="代表履职能力培训班（第二期）")
    client.force_login(dw.dep_user)
    html = client.get(points_url(dw.dep, this_year)).content.decode()
    assert "代表履职能力培训班（第一期）" in html and "代表履职能力培训班（第二期）" in html
    assert "已达年度上限" in html
    assert "年度基础分" in html
    assert 'id="total">63<' in html  # 60 + 2 + 1
    assert 'id="sum-training"' in html
    assert reverse("duties:activity_detail", args=[dw.dep.activities.first().pk]) in html


# ---- pages: rules ---------------------------------------------------------------------------


RULES = reverse("duties:points_rules")


def rule_url(region, source: str) -> str:
    return reverse("duties:points_rule_edit", args=[region.code, source])


def test_rules_page_permission_matrix(dw, client):
    assert client.get(RULES).status_code == 302
    for user, status in (
        (dw.nobody, 403),
        (dw.dep_user, 403),
        (dw.leader, 403),
        (dw.station_staff, 403),
        (dw.office, 200),
        (dw.far_office, 200),
    ):
        client.force_login(user)
        assert client.get(RULES).status_code == status, user
    client.force_login(dw.far_office)
    assert client.get(f"{RULES}?region={dw.tree.city.code}").status_code == 404
    assert client.get(rule_url(dw.tree.city, "inspection")).status_code == 404
    client.force_login(dw.office)
    assert client.get(rule_url(dw.tree.city, "nonsense")).status_code == 404
    assert client.get(rule_url(dw.tree.street, "inspection")).status_code == 404  # no congress


def test_rules_page_shows_where_each_rule_comes_from(dw, client):
    county = CongressFactory(region=dw.tree.binjiang)
    actions.points_rule_set(
        actor=dw.office, region=dw.tree.city, source="inspection", points="4", annual_cap=""
    )
    actions.points_rule_set(
        actor=dw.office, region=dw.tree.binjiang, source="research", points="6", annual_cap="12"
    )
    client.force_login(dw.office)
    html = client.get(f"{RULES}?region={dw.tree.binjiang.code}").content.decode()
    assert county.name in html
    assert "继承自澜州市" in html  # inspection
    assert "本级设置" in html  # research
    assert "默认" in html  # the others
    assert "恢复上级规则" in html
    assert reverse("duties:points_rule_clear", args=[dw.tree.binjiang.code, "research"]) in html
    assert (
        reverse("duties:points_rule_clear", args=[dw.tree.binjiang.code, "inspection"]) not in html
    )
    assert "年度基础分" in html
    setting = reverse(
        "core:setting_edit", args=[dw.tree.binjiang.code, "duty.base_points_per_year"]
    )
    assert setting in html
    for source in ("reception", "research_report", "absence", "cosign"):
        assert f'id="{source}"' in html


def test_rule_edit_and_clear_through_the_pages(dw, client):
    client.force_login(dw.office)
    url = rule_url(dw.tree.city, "reception")
    assert client.get(url).status_code == 200
    before = AuditEntry.objects.count()
    response = client.post(url, {"points": "2.5", "annual_cap": "20"})
    assert response.status_code == 302
    assert AuditEntry.objects.count() == before + 1
    rule = PointsRule.objects.get(region=dw.tree.city, source="reception")
    assert (rule.points, rule.annual_cap) == (D("2.5"), D(20))
    # Refusals come back on the form, in Chinese, and write nothing.
    for data, message in (
        ({"points": "abc", "annual_cap": ""}, "每次分值须为数字"),
        ({"points": "2.55", "annual_cap": ""}, "最多一位小数"),
        ({"points": "500", "annual_cap": ""}, "每次分值须在"),
        ({"points": "", "annual_cap": ""}, "请填写每次分值"),
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in response.content.decode(), data
    absence = rule_url(dw.tree.city, "absence")
    assert 'name="annual_cap"' not in client.get(absence).content.decode()
    response = client.post(absence, {"points": "3"})
    assert "每次分值须在 -100 到 0 之间" in response.content.decode()
    assert AuditEntry.objects.count() == before + 1
    clear = reverse("duties:points_rule_clear", args=[dw.tree.city.code, "reception"])
    assert client.get(clear).status_code == 405
    client.force_login(dw.leader)
    assert client.post(clear).status_code == 403
    client.force_login(dw.far_office)
    assert client.post(clear).status_code == 404
    client.force_login(dw.office)
    response = client.post(clear)
    assert response.status_code == 302
    assert AuditEntry.objects.count() == before + 2
    assert not PointsRule.objects.exists()
    assert client.post(clear).status_code == 404  # nothing left to clear


# ---- pages: rankings ------------------------------------------------------------------------


RANKINGS = reverse("duties:rankings")


def test_rankings_page_permission_matrix(dw, client):
    assert client.get(RANKINGS).status_code == 302
    for user, status in (
        (dw.nobody, 403),
        (dw.dep_user, 403),
        (dw.unit_staff, 403),
        (dw.office, 200),
        (dw.leader, 200),
        (dw.far_office, 200),
        (dw.station_staff, 200),
    ):
        client.force_login(user)
        assert client.get(RANKINGS).status_code == status, user


def test_rankings_page_shows_live_standings_and_publishes(ranked, client):
    dw = ranked
    query = f"?region={dw.tree.city.code}&level={dw.term.congress.level}&year={YEAR}&quarter=2"
    client.force_login(dw.leader)
    html = client.get(RANKINGS + query).content.decode()
    assert dw.dep.name in html and dw.far_dep.name not in html
    assert 'id="publish"' not in html  # a leader reads, the office publishes
    client.force_login(dw.far_office)
    html = client.get(RANKINGS + query).content.decode()
    assert dw.dep.name not in html  # the city is not theirs: their own region is shown
    client.force_login(dw.office)
    html = client.get(RANKINGS + query).content.decode()
    assert 'id="publish"' in html
    form = {
        "region": dw.tree.city.code,
        "level": dw.term.congress.level,
        "group": "",
        "year": YEAR,
        "quarter": 2,
    }
    client.force_login(dw.leader)
    assert client.post(reverse("duties:ranking_publish"), form).status_code == 403
    client.force_login(dw.office)
    before = AuditEntry.objects.count()
    response = client.post(reverse("duties:ranking_publish"), form)
    assert response.status_code == 302
    assert AuditEntry.objects.count() == before + 1
    ranking = PointsRanking.objects.get()
    assert ranking.rows.count() == 8
    html = client.get(RANKINGS).content.decode()
    assert reverse("duties_public:ranking", args=[ranking.code]) in html
    withdraw = reverse("duties:ranking_withdraw", args=[ranking.pk])
    assert withdraw in html
    # The group's ranking: its three members only.
    form["group"] = dw.group.pk
    client.post(reverse("duties:ranking_publish"), form)
    grouped = PointsRanking.objects.get(group=dw.group)
    assert grouped.rows.count() == 3 and grouped.region == dw.group.region
    # Withdraw: a reason is needed; leaders and other cities may not.
    client.force_login(dw.leader)
    assert client.post(withdraw, {"note": "数据有误"}).status_code == 403
    client.force_login(dw.far_office)
    assert client.post(withdraw, {"note": "数据有误"}).status_code == 404
    client.force_login(dw.office)
    before = AuditEntry.objects.count()
    client.post(withdraw, {"note": ""})
    assert AuditEntry.objects.count() == before
    response = client.post(withdraw, {"note": "积分数据有误，重新核对"}, follow=True)
    assert AuditEntry.objects.count() == before + 1
    ranking.refresh_from_db()
    assert ranking.state == RankingState.WITHDRAWN
    assert "排名已撤回" in response.content.decode()
    response = client.post(withdraw, {"note": "再次撤回"}, follow=True)
    assert "该排名已经撤回" in response.content.decode()
    assert AuditEntry.objects.count() == before + 1


def test_rankings_page_refuses_a_quarter_not_started(dw, client, monkeypatch):
    feb = dt.date(2026, 2, 10)
    monkeypatch.setattr("minqing.duties.selectors_points.today", lambda: feb)
    monkeypatch.setattr("minqing.duties.actions.points.today", lambda: feb)
    client.force_login(dw.office)
    form = {"region": dw.tree.city.code, "level": dw.term.congress.level, "year": 2026}
    assert 'id="publish"' in client.get(RANKINGS, form | {"quarter": 1}).content.decode()
    assert 'id="publish"' not in client.get(RANKINGS, form | {"quarter": 2}).content.decode()
    publish = reverse("duties:ranking_publish")
    response = client.post(publish, form | {"quarter": 2}, follow=True)
    assert "该季度尚未开始" in response.content.decode()
    # A value the page never offers is refused, not replaced by a default.
    for bad in ({"quarter": 5}, {"year": 1990, "quarter": 1}, {"region": "990200", "quarter": 1}):
        response = client.post(publish, form | bad, follow=True)
        assert "发布条件无效" in response.content.decode(), bad
    assert PointsRanking.objects.count() == 0
    client.post(publish, form | {"quarter": 1})
    assert PointsRanking.objects.count() == 1


def test_rankings_page_query_count_does_not_grow(ranked, client, django_assert_num_queries):
    dw = ranked
    client.force_login(dw.office)
    query = f"?region={dw.tree.city.code}&level={dw.term.congress.level}&year={YEAR}&quarter=2"
    for quarter in (1, 2):
        actions.ranking_publish(
            actor=dw.office,
            region=dw.tree.city,
            level=dw.term.congress.level,
            year=YEAR,
            quarter=quarter,
        )
    client.get(RANKINGS + query)  # warm the per-process caches
    with django_assert_num_queries(QUERIES_RANKINGS):
        client.get(RANKINGS + query)
    for _ in range(3):
        actions.ranking_publish(
            actor=dw.office,
            region=dw.tree.city,
            level=dw.term.congress.level,
            year=YEAR,
            quarter=3,
        )
        DeputyFactory(term=dw.term, region=dw.tree.binjiang)
    with django_assert_num_queries(QUERIES_RANKINGS):
        client.get(RANKINGS + query)


QUERIES_RANKINGS = 16


def test_points_posts_need_sign_in_and_a_role(dw, client):
    ranking = actions.ranking_publish(
        actor=dw.office, region=dw.tree.city, level=dw.term.congress.level, year=YEAR, quarter=1
    )
    actions.points_rule_set(actor=dw.office, region=dw.tree.city, source="photo", points="2")
    posts = {
        reverse("duties:ranking_publish"): {"region": dw.tree.city.code, "quarter": 1},
        reverse("duties:ranking_withdraw", args=[ranking.pk]): {"note": "数据有误"},
        rule_url(dw.tree.city, "photo"): {"points": "3"},
        reverse("duties:points_rule_clear", args=[dw.tree.city.code, "photo"]): {},
    }
    before = AuditEntry.objects.count()
    for url, data in posts.items():
        client.logout()
        response = client.post(url, data)
        assert response.status_code == 302 and reverse("login") in response["Location"], url
        for user in (dw.nobody, dw.dep_user):
            client.force_login(user)
            assert client.post(url, data).status_code == 403, (url, user)
    assert AuditEntry.objects.count() == before
    ranking.refresh_from_db()
    assert ranking.state == RankingState.PUBLISHED
