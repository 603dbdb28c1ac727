"""/api/v1/duties/ points, rules, rankings and awards: the permission matrix of every
endpoint, one audit entry per write, 409 on a step the state table refuses, 422 with
Chinese messages, and pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest

from minqing.duties import actions
from minqing.duties.models import Award, PointsRanking
from tests.duties.factories import record
from tests.duties.factories_api import (
    TODAY,
    Step,
    audit_delta,
    call,
    check_step,
    get,
    ids_of,
    list_queries,
    post,
)

pytestmark = pytest.mark.django_db


def _confirmed(dw, kind="inspection"):
    a = record(dw, kind=kind)
    for p in a.participations.all():
        actions.participation_confirm(
            actor=dw.dep_user if p.deputy_id == dw.dep.pk else dw.dep2_user, participation=p
        )
    return a


def _scope(dw, **kw) -> dict:
    today = TODAY()
    return {
        "region_code": dw.tree.city.code,
        "level": dw.dep.level,
        "year": today.year,
        "quarter": (today.month - 1) // 3 + 1,
        **kw,
    }


def _published(dw) -> PointsRanking:
    s = _scope(dw)
    return actions.ranking_publish(
        actor=dw.office,
        region=dw.tree.city,
        level=s["level"],
        year=s["year"],
        quarter=s["quarter"],
    )


# --- a deputy's points ------------------------------------------------------------------------


def test_points_matrix_and_lines(client, dw):
    _confirmed(dw)
    path = f"deputies/{dw.dep.pk}/points"
    assert get(client, None, path).status_code == 401
    for outsider in (dw.nobody, dw.far_office, dw.dep2_user, dw.station2_staff, dw.unit_staff):
        assert get(client, outsider, path).status_code == 404, outsider
    for reader in (dw.office, dw.leader, dw.dep_user, dw.leader_dep_user, dw.station_staff):
        assert get(client, reader, path).status_code == 200, reader
    body = get(client, dw.dep_user, path).json()
    assert body["year"] == TODAY().year and body["total"] == 63.0
    assert body["region_code"] == dw.tree.city.code
    groups = {g["source"]: g for g in body["groups"]}
    assert [g["source"] for g in body["groups"]] == ["base", "inspection"]
    assert (groups["inspection"]["rule_points"], groups["inspection"]["subtotal"]) == (3.0, 3.0)
    assert groups["base"]["rule_points"] is None and groups["base"]["label"] == "年度基础分"
    assert groups["inspection"]["lines"][0]["url"].startswith("/duties/activities/")
    last_year = get(client, dw.dep_user, path, {"year": TODAY().year - 1}).json()
    assert [g["source"] for g in last_year["groups"]] == ["base"]
    assert get(client, dw.dep_user, path, {"year": 3000}).status_code == 422


# --- rules ------------------------------------------------------------------------------------


def test_rules_matrix(client, dw):
    params = {"region_code": dw.tree.city.code}
    assert get(client, None, "points/rules", params).status_code == 401
    for outsider in (dw.nobody, dw.far_office, dw.unit_staff, dw.dep_user, dw.district_office):
        assert get(client, outsider, "points/rules", params).status_code == 404, outsider
    # A region without a congress has no rules of its own to read.
    no_congress = {"region_code": dw.tree.binjiang.code}
    assert get(client, dw.office, "points/rules", no_congress).status_code == 404
    body = get(client, dw.leader, "points/rules", params).json()
    rules = {r["source"]: r for r in body["rules"]}
    assert rules["reception"] == {
        "source": "reception",
        "label": "接待选民",
        "points": 2.0,
        "annual_cap": 24.0,
        "defined_in": None,
        "here": False,
        "rule_id": None,
    }
    assert body["base_points_per_year"] == 60.0 and body["base_defined_in"] is None


def test_set_rule_matrix(client, dw):
    body = {
        "region_code": dw.tree.city.code,
        "source": "reception",
        "points": "3",
        "annual_cap": "",
    }
    data = check_step(
        client,
        dw,
        Step(
            lambda dw: ("points/rules", body),
            "office",
            ("far_office", "district_office", "station_staff", "dep_user"),
            "leader",
            lambda dw, b: b["region_code"] == dw.tree.city.code,
            hidden=403,
        ),
    )
    rule = next(r for r in data["rules"] if r["source"] == "reception")
    assert (rule["points"], rule["annual_cap"], rule["defined_in"]) == (
        3.0,
        None,
        dw.tree.city.code,
    )
    assert rule["here"] and rule["rule_id"]


def test_set_rule_validation(client, dw):
    def detail(**kw):
        body = {"region_code": dw.tree.city.code, "source": "reception", "points": 2, **kw}
        response = post(client, dw.office, "points/rules", body)
        assert response.status_code == 422, response.content
        return response.json()["detail"]

    assert detail(points="2.25") == {"points": ["每次分值最多一位小数"]}
    assert detail(points=500) == {"points": ["每次分值须在 0 到 100 之间"]}
    assert detail(source="absence", points=-5, annual_cap=10) == {
        "annual_cap": ["扣分项目不设年度上限"]
    }
    assert detail(source="lottery") == {"source": ["积分项目无效"]}


def test_clear_rule_matrix(client, dw):
    def setup(dw):
        actions.points_rule_set(actor=dw.office, region=dw.tree.city, source="training", points=4)
        return f"points/rules/{dw.tree.city.code}/training", {}

    data = check_step(
        client,
        dw,
        Step(
            setup,
            "office",
            ("far_office", "district_office", "station_staff", "dep_user"),
            "leader",
            lambda dw, b: b["region_code"] == dw.tree.city.code,
            method="delete",
        ),
    )
    training = next(r for r in data["rules"] if r["source"] == "training")
    assert (training["points"], training["defined_in"], training["here"]) == (2.0, None, False)
    again = call(client, dw.office, "delete", f"points/rules/{dw.tree.city.code}/training")
    assert again.status_code == 404


# --- rankings ---------------------------------------------------------------------------------


def test_standings_matrix(client, dw):
    _confirmed(dw)
    params = _scope(dw)
    assert get(client, None, "rankings/standings", params).status_code == 401
    for outsider in (dw.nobody, dw.far_office, dw.unit_staff):
        assert get(client, outsider, "rankings/standings", params).status_code == 404
    rows = get(client, dw.leader, "rankings/standings", params).json()
    assert rows[0]["points"] == 63.0 and rows[0]["rank"] == 1
    assert {r["deputy"]["id"] for r in rows[:2]} == {dw.dep.pk, dw.dep2.pk}
    assert rows[2]["rank"] == 3 and rows[2]["points"] == 60.0
    group = get(
        client, dw.office, "rankings/standings", _scope(dw, region_code="", group_id=dw.group.pk)
    ).json()
    assert {r["deputy"]["id"] for r in group} == {dw.dep.pk, dw.dep2.pk, dw.leader_dep.pk}
    bad = get(client, dw.office, "rankings/standings", _scope(dw, region_code=""))
    assert bad.status_code == 422
    assert bad.json()["detail"] == {"region_code": ["请填写区划代码，或选择代表小组"]}
    assert get(client, dw.office, "rankings/standings", _scope(dw, quarter=5)).status_code == 422


def test_publish_matrix(client, dw):
    _confirmed(dw)
    data = check_step(
        client,
        dw,
        Step(
            lambda dw: ("rankings", _scope(dw)),
            "office",
            ("far_office", "district_office", "station_staff", "dep_user"),
            "leader",
            lambda dw, b: b["state"] == "published" and len(b["code"]) == 10,
            ok=201,
            hidden=403,
        ),
    )
    assert data["rows"][0]["points"] == 63.0
    again = post(client, dw.office, "rankings", _scope(dw))
    assert again.status_code == 201
    first = get(client, dw.office, f"rankings/{data['id']}").json()
    assert first["state"] == "withdrawn"  # replaced by the second publication
    future = post(client, dw.office, "rankings", _scope(dw, year=TODAY().year + 1))
    assert future.status_code == 422
    assert future.json()["detail"] == {"quarter": ["该季度尚未开始"]}


def test_withdraw_matrix_and_409(client, dw):
    data = check_step(
        client,
        dw,
        Step(
            lambda dw: (f"rankings/{_published(dw).pk}/withdraw", {"note": "数据有误，重新核对"}),
            "office",
            ("far_office", "station_staff", "dep_user", "unit_staff"),
            "leader",
            lambda dw, b: b["state"] == "withdrawn",
        ),
    )
    again, delta = audit_delta(
        lambda: post(client, dw.office, f"rankings/{data['id']}/withdraw", {"note": "再次撤回"})
    )
    assert (again.status_code, delta) == (409, 0)


def test_rankings_list_and_detail(client, dw):
    ranking = _published(dw)
    assert get(client, None, "rankings").status_code == 401
    for outsider in (dw.nobody, dw.far_office, dw.dep_user):
        assert ids_of(get(client, outsider, "rankings")) == set()
    assert ids_of(get(client, dw.leader, "rankings")) == {ranking.pk}
    assert ids_of(get(client, dw.office, "rankings", {"year": TODAY().year - 1})) == set()
    path = f"rankings/{ranking.pk}"
    for outsider in (dw.nobody, dw.far_office, dw.dep_user):
        assert get(client, outsider, path).status_code == 404
    body = get(client, dw.leader, path).json()
    assert len(body["rows"]) == ranking.rows.count() and body["level_label"]


def test_rankings_list_queries_do_not_grow(client, dw):
    def queries(n: int) -> int:
        PointsRanking.objects.all().delete()
        for _ in range(n):
            _published(dw)
        return list_queries(client, dw.office, "rankings")

    assert queries(3) == queries(12)


# --- awards -----------------------------------------------------------------------------------


AWARD = {"title": "优秀人大代表", "issuer": "澜州市人大常委会", "note": "履职成绩突出"}


def test_award_create_matrix(client, dw):
    body = {**AWARD, "date": (TODAY() - dt.timedelta(days=5)).isoformat()}
    check_step(
        client,
        dw,
        Step(
            lambda dw: ("awards", {**body, "deputy_id": dw.dep.pk}),
            "office",
            ("far_office", "station_staff", "dep_user"),
            "leader",
            lambda dw, b: b["deputy"]["id"] == dw.dep.pk and b["title"] == "优秀人大代表",
            ok=201,
            hidden=403,
        ),
    )
    future = post(
        client,
        dw.office,
        "awards",
        {**body, "deputy_id": dw.dep.pk, "date": (TODAY() + dt.timedelta(days=1)).isoformat()},
    )
    assert future.json()["detail"] == {"date": ["请填写表彰日期（不晚于今天）"]}


def test_award_list_and_delete(client, dw):
    award = actions.award_record(actor=dw.office, deputy=dw.dep, data={**AWARD, "date": TODAY()})
    assert get(client, None, "awards").status_code == 401
    for outsider in (dw.nobody, dw.far_office, dw.dep2_user):
        assert ids_of(get(client, outsider, "awards")) == set()
    for reader in (dw.office, dw.leader, dw.dep_user, dw.station_staff):
        assert ids_of(get(client, reader, "awards")) == {award.pk}
    check_step(
        client,
        dw,
        Step(
            lambda dw: (f"awards/{award.pk}", {}),
            "office",
            ("far_office", "dep2_user", "station2_staff"),
            "leader",
            lambda dw, b: b is None,
            method="delete",
            ok=204,
        ),
    )
    assert not Award.objects.exists()
    assert call(client, dw.office, "delete", f"awards/{award.pk}").status_code == 404


def test_award_list_queries_do_not_grow(client, dw):
    def queries(n: int) -> int:
        Award.objects.all().delete()
        for i in range(n):
            actions.award_record(
                actor=dw.office, deputy=dw.more[i % 5], data={**AWARD, "date": TODAY()}
            )
        return list_queries(client, dw.office, "awards")

    assert queries(3) == queries(30)


def test_ranking_publish_without_region_or_group_is_a_validation_error(dw):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.ranking_publish(
            actor=dw.office, region=None, level=dw.dep.level, year=TODAY().year, quarter=1
        )
