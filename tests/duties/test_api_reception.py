"""/api/v1/duties/ unified reception days and a station's reception: the permission
matrix of every endpoint, one audit entry per write, 409 on a step the state table
refuses, 422 with Chinese messages, the live tally, and pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest

from minqing.duties import actions
from minqing.duties.models import UnifiedDay
from minqing.opinions.actions import opinion_answer, opinion_register
from tests.duties.factories import unified_day
from tests.duties.factories_api import (
    BASE,
    TODAY,
    Step,
    audit_delta,
    call,
    check_step,
    checked_in,
    day_with_slot,
    get,
    ids_of,
    list_queries,
    post,
)
from tests.opinions.helpers import as_user

pytestmark = pytest.mark.django_db
DAY = {"title": "全市人大代表统一接待日", "start_time": "09:00", "end_time": "11:30"}
DAY_OUTSIDERS = ("far_office", "station_staff", "district_office", "dep_user")


def _started(dw) -> UnifiedDay:
    day = day_with_slot(dw)
    actions.unified_day_start(actor=dw.office, day=day)
    return day


# --- reading ----------------------------------------------------------------------------------


def test_list_and_detail_matrix(client, dw):
    day = day_with_slot(dw)
    later = unified_day(dw, date=TODAY() + dt.timedelta(days=30), title="第二次统一接待日")
    assert get(client, None, "unified-days").status_code == 401
    for outsider in (dw.nobody, dw.far_office, dw.station_staff, dw.dep_user, dw.unit_staff):
        assert ids_of(get(client, outsider, "unified-days")) == set()
    for reader in (dw.office, dw.leader):
        assert ids_of(get(client, reader, "unified-days")) == {day.pk, later.pk}
    rows = {r["id"]: r for r in get(client, dw.office, "unified-days").json()["items"]}
    assert (rows[day.pk]["n_stations"], rows[day.pk]["n_assigned"]) == (2, 1)
    assert ids_of(get(client, dw.office, "unified-days", {"q": "第二次"})) == {later.pk}
    assert ids_of(
        get(client, dw.office, "unified-days", {"date_from": TODAY() + dt.timedelta(1)})
    ) == {later.pk}
    assert ids_of(get(client, dw.office, "unified-days", {"state": "ongoing"})) == set()
    path = f"unified-days/{day.pk}"
    for suffix in ("", "/tally"):
        assert get(client, None, path + suffix).status_code == 401
        for outsider in (dw.nobody, dw.far_office, dw.station_staff, dw.dep_user):
            assert get(client, outsider, path + suffix).status_code == 404, outsider
    body = get(client, dw.office, path).json()
    assert body["permissions"] == ["manage"] and body["final_tally"] == {}
    post_ = next(p for p in body["posts"] if p["station"]["id"] == dw.station.pk)
    assert [s["deputy"]["id"] for s in post_["slots"]] == [dw.dep.pk]
    assert {p["station"]["id"] for p in body["posts"]} == {dw.station.pk, dw.station2.pk}
    assert get(client, dw.leader, path).json()["permissions"] == []


def test_list_queries_do_not_grow(client, dw):
    def queries(n: int) -> int:
        UnifiedDay.objects.all().delete()
        for i in range(n):
            unified_day(dw, date=TODAY() + dt.timedelta(days=i))
        return list_queries(client, dw.office, "unified-days")

    assert queries(3) == queries(30)


def test_detail_queries_do_not_grow_with_slots(client, dw, django_assert_num_queries):
    day = day_with_slot(dw)
    as_user(client, dw.office)
    url = f"{BASE}unified-days/{day.pk}"
    client.get(url)
    # session, user, grants, the day, the manage flag, its posts, their slots: the same
    # with one deputy on duty or six
    with django_assert_num_queries(7):
        client.get(url)
    post_ = day.posts.get(station=dw.station2)
    actions.duty_slot_assign(actor=dw.office, post=post_, deputies=dw.more)
    with django_assert_num_queries(7):
        response = client.get(url)
    assert sum(len(p["slots"]) for p in response.json()["posts"]) == 6


# --- writes -----------------------------------------------------------------------------------


def test_create_matrix(client, dw):
    body = {**DAY, "region_code": dw.tree.city.code, "date": TODAY().isoformat()}
    check_step(
        client,
        dw,
        Step(
            lambda dw: ("unified-days", body),
            "office",
            ("far_office", "district_office", "station_staff", "dep_user"),
            "leader",
            lambda dw, b: b["state"] == "planned" and len(b["posts"]) == 2,
            ok=201,
            hidden=403,
        ),
    )


def test_create_validation(client, dw):
    def detail(body):
        response = post(client, dw.office, "unified-days", body)
        assert response.status_code == 422, response.content
        return response.json()["detail"]

    base = {**DAY, "region_code": dw.tree.city.code, "date": TODAY().isoformat()}
    assert detail({**base, "end_time": "08:00"}) == {"end_time": ["结束时间须晚于开始时间"]}
    assert detail({**base, "date": (TODAY() - dt.timedelta(days=1)).isoformat()}) == {
        "date": ["接待日期不能早于今天"]
    }
    assert detail({**base, "station_ids": [dw.online.pk]}) == {
        "stations": ["所选联络站须是本区域运行中的线下站点"]
    }
    assert detail({**base, "region_code": "000"}) == {"region_code": ["区划代码“000”不存在"]}
    one = post(client, dw.office, "unified-days", {**base, "station_ids": [dw.station.pk]})
    assert one.status_code == 201 and len(one.json()["posts"]) == 1


def _slot_path(dw):
    day = day_with_slot(dw)
    slot = day.posts.get(station=dw.station).slots.get()
    return f"unified-days/{day.pk}/slots/{slot.pk}", {}


def _assign(dw):
    day = unified_day(dw)
    post_ = day.posts.get(station=dw.station2)
    return f"unified-days/{day.pk}/slots", {
        "post_id": post_.pk,
        "deputy_ids": [dw.dep2.pk],
        "start_time": "09:30",
        "end_time": "10:30",
    }


def _slots(b) -> list:
    return [s for p in b["posts"] for s in p["slots"]]


STEPS = {
    "assign": Step(
        _assign,
        "office",
        DAY_OUTSIDERS,
        "leader",
        lambda dw, b: (
            [(s["deputy"]["id"], s["start_time"]) for s in _slots(b)] == [(dw.dep2.pk, "09:30:00")]
        ),
    ),
    "remove": Step(
        _slot_path, "office", DAY_OUTSIDERS, "leader", lambda dw, b: _slots(b) == [], "delete"
    ),
    "notify": Step(
        lambda dw: (f"unified-days/{day_with_slot(dw).pk}/notify", {}),
        "office",
        DAY_OUTSIDERS,
        "leader",
        lambda dw, b: b["notified"] == 1 and b["day"]["notified_at"],
    ),
    "start": Step(
        lambda dw: (f"unified-days/{day_with_slot(dw).pk}/start", {}),
        "office",
        DAY_OUTSIDERS,
        "leader",
        lambda dw, b: b["state"] == "ongoing",
    ),
    "close": Step(
        lambda dw: (f"unified-days/{_started(dw).pk}/close", {}),
        "office",
        DAY_OUTSIDERS,
        "leader",
        lambda dw, b: (
            b["state"] == "closed"
            and b["final_tally"]["deputies"] == 1
            and _slots(b)[0]["state"] == "absent"
        ),
    ),
    "cancel": Step(
        lambda dw: (f"unified-days/{unified_day(dw).pk}/cancel", {"note": "台风预警，改期举行"}),
        "office",
        DAY_OUTSIDERS,
        "leader",
        lambda dw, b: b["state"] == "cancelled",
    ),
    "update": Step(
        lambda dw: (f"unified-days/{unified_day(dw).pk}", {"end_time": "12:00"}),
        "office",
        DAY_OUTSIDERS,
        "leader",
        lambda dw, b: b["end_time"] == "12:00:00" and b["title"] == "全市人大代表统一接待日",
        "patch",
    ),
}


@pytest.mark.parametrize("name", sorted(STEPS))
def test_day_step_matrix(client, dw, name):
    check_step(client, dw, STEPS[name])


def test_day_refusals(client, dw):
    day = _started(dw)
    again, delta = audit_delta(lambda: post(client, dw.office, f"unified-days/{day.pk}/start"))
    assert (again.status_code, delta) == (409, 0)
    assert (
        post(client, dw.office, f"unified-days/{day.pk}/cancel", {"note": "取消"}).status_code
        == 409
    )
    _path, body = _assign(dw)
    bad_post = post(client, dw.office, f"unified-days/{day.pk}/slots", body)
    assert bad_post.status_code == 422
    assert bad_post.json()["detail"] == {"post_id": ["该接待日没有这个接待站点"]}
    busy = post(
        client,
        dw.office,
        f"unified-days/{day.pk}/slots",
        {"post_id": day.posts.get(station=dw.station2).pk, "deputy_ids": [dw.dep.pk]},
    )
    assert busy.status_code == 422
    assert busy.json()["detail"]["deputies"][0].endswith("当天已安排在望江社区代表联络站")
    nothing = post(client, dw.office, f"unified-days/{unified_day(dw).pk}/notify")
    assert nothing.status_code == 422
    assert nothing.json()["detail"] == {"__all__": ["没有需要通知的代表（均已通知或尚未安排）"]}
    assert (
        call(client, dw.office, "delete", f"unified-days/{day.pk}/slots/999999").status_code == 404
    )


# --- the live tally and a station's reception -------------------------------------------------


def test_live_tally_follows_the_day(client, dw):
    day = day_with_slot(dw)
    check = post(client, dw.dep_user, f"stations/{dw.station.pk}/check-in")
    assert check.status_code == 200, check.content
    activity_id = check.json()["activity_id"]
    ops = [
        opinion_register(
            actor=dw.station_staff,
            data={
                "citizen_name": "张王李"[i] + "先生",
                "text": f"小区第{i}号楼前路灯不亮，晚上出行不便，请尽快修复。",
                "kind": "help",
            },
            channel="visit",
            station=dw.station,
        )
        for i in range(3)
    ]
    opinion_answer(actor=dw.dep_user, opinion=ops[0], public_text="已联系物业当场报修，今晚修复。")
    post(client, dw.station_staff, f"activities/{activity_id}/visitors", {"count": 2})
    tally = get(client, dw.leader, f"unified-days/{day.pk}/tally").json()
    assert (tally["present"], tally["items"], tally["answered"], tally["voters"]) == (1, 3, 1, 5)
    assert tally["final"] is False and tally["stations"] == 2
    row = next(p for p in tally["posts"] if p["station_id"] == dw.station.pk)
    assert (row["present"], row["items"]) == (1, 3)
    post(client, dw.office, f"unified-days/{day.pk}/close")
    final = get(client, dw.office, f"unified-days/{day.pk}/tally").json()
    assert final["final"] is True and final["items"] == 3


def test_station_reception_matrix(client, dw):
    checked_in(dw)
    path = f"stations/{dw.station.pk}/reception"
    assert get(client, None, path).status_code == 401
    for outsider in (dw.nobody, dw.far_office, dw.station2_staff, dw.dep2_user, dw.unit_staff):
        assert get(client, outsider, path).status_code == 404, outsider
    for reader in (dw.station_staff, dw.office, dw.dep_user, dw.leader):
        response = get(client, reader, path)
        assert response.status_code == 200, reader
    body = get(client, dw.station_staff, path).json()
    assert body["can_record"] is True and body["date"] == TODAY().isoformat()
    [activity] = body["activities"]
    assert [p["deputy"]["id"] for p in activity["participations"]] == [dw.dep.pk]
    [row] = body["deputies"]
    assert row["deputy"]["id"] == dw.dep.pk and row["seated"] and row["checked_in_at"]
    assert body["day_id"] is None and body["slots"] == []
    assert get(client, dw.dep_user, path).json()["can_record"] is False
    assert get(client, dw.office, "stations/99999999/reception").status_code == 404


def test_check_in_matrix(client, dw):
    check_step(
        client,
        dw,
        Step(
            lambda dw: (f"stations/{dw.station.pk}/check-in", {}),
            "dep_user",
            ("far_office", "station2_staff", "dep2_user", "far_dep_user"),
            "leader",
            lambda dw, b: b["state"] == "confirmed" and b["checked_in_at"],
        ),
    )
    twice = post(client, dw.dep_user, f"stations/{dw.station.pk}/check-in")
    assert twice.status_code == 422
    assert twice.json()["detail"] == {"__all__": [f"{dw.dep.name}今天已签到"]}


def test_staff_check_a_deputy_in(client, dw):
    path = f"stations/{dw.station.pk}/check-in"
    response, delta = audit_delta(
        lambda: post(client, dw.station_staff, path, {"deputy_id": dw.dep.pk})
    )
    assert (response.status_code, delta) == (200, 1)
    assert response.json()["deputy"]["id"] == dw.dep.pk
    stranger = post(client, dw.station_staff, path, {"deputy_id": dw.dep2.pk})
    assert stranger.status_code == 422
    assert stranger.json()["detail"] == {"__all__": [f"{dw.dep2.name}今天没有在本站的接待安排"]}
    unknown = post(client, dw.station_staff, path, {"deputy_id": 999999})
    assert unknown.json()["detail"] == {"deputy_id": ["找不到代表：999999"]}


def test_visitors_matrix(client, dw):
    check_step(
        client,
        dw,
        Step(
            lambda dw: (f"activities/{checked_in(dw).activity_id}/visitors", {"count": 3}),
            "station_staff",
            ("far_office", "station2_staff", "dep2_user"),
            "leader",
            lambda dw, b: b["extra_visitors"] == 3,
        ),
    )


def test_visitors_validation(client, dw):
    activity_id = checked_in(dw).activity_id
    path = f"activities/{activity_id}/visitors"
    zero = post(client, dw.dep_user, path, {"count": 0})
    assert zero.status_code == 422
    assert zero.json()["detail"] == {"count": ["人次须为 -500 到 500 之间的非零整数"]}
    huge = post(client, dw.dep_user, path, {"count": 10**20})
    assert huge.status_code == 422
    assert post(client, dw.dep_user, path, {"count": 1}).json()["extra_visitors"] == 1


def test_my_slots_queries_do_not_grow(client, dw):
    def queries(n: int) -> int:
        UnifiedDay.objects.all().delete()
        for i in range(n):
            day = unified_day(dw, date=TODAY() + dt.timedelta(days=i))
            actions.duty_slot_assign(
                actor=dw.office, post=day.posts.get(station=dw.station), deputies=[dw.dep]
            )
        return list_queries(client, dw.dep_user, "mine/slots")

    assert queries(3) == queries(20)
