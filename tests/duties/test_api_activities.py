"""/api/v1/duties/ activities, participations and the caller's own lists: the permission
matrix of every endpoint (anonymous 401, no role 403/404, in scope 2xx, out of scope
404, seen but not theirs 403), one audit entry per write, 409 on a step the state table
refuses, 422 with Chinese messages, multipart uploads, and pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest

from minqing.duties import actions
from minqing.duties.models import Activity, ActivityFile, Participation
from tests.duties.factories import record
from tests.duties.factories_api import (
    TODAY,
    Step,
    audit_delta,
    call,
    check_step,
    day_with_slot,
    disputed,
    get,
    ids_of,
    list_queries,
    own_report,
    pdf,
    png,
    post,
    rejected_report,
)
from tests.opinions.helpers import as_user

pytestmark = pytest.mark.django_db
NEW = {
    "kind": "research",
    "title": "调研社区养老服务",
    "place": "柳岸社区",
    "summary": "走访两家养老服务站，听取老人意见。",
}


def _date(days_ago: int = 2) -> str:
    return (TODAY() - dt.timedelta(days=days_ago)).isoformat()


# --- list -------------------------------------------------------------------------------------


def test_list_matrix(client, dw):
    office_a = record(dw)
    station_a = record(dw, station=dw.station, deputies=[dw.dep])
    far_a = actions.activity_record(
        actor=dw.far_office,
        kind="inspection",
        data={"title": "视察东湖水质", "date": TODAY()},
        deputies=[dw.far_dep],
        region=dw.tree.donghu,
    )
    assert get(client, None, "activities").status_code == 401
    assert ids_of(get(client, dw.nobody, "activities")) == set()
    assert ids_of(get(client, dw.unit_staff, "activities")) == set()
    for reader in (dw.office, dw.leader, dw.district_office):
        assert ids_of(get(client, reader, "activities")) == {office_a.pk, station_a.pk}
    assert ids_of(get(client, dw.far_office, "activities")) == {far_a.pk}
    assert ids_of(get(client, dw.station_staff, "activities")) == {station_a.pk}
    assert ids_of(get(client, dw.station2_staff, "activities")) == set()
    assert ids_of(get(client, dw.dep_user, "activities")) == {office_a.pk, station_a.pk}
    assert ids_of(get(client, dw.dep2_user, "activities")) == {office_a.pk}
    rows = get(client, dw.office, "activities").json()["items"]
    row = next(r for r in rows if r["id"] == office_a.pk)
    assert row["kind_label"] == "视察" and row["region_code"] == dw.tree.binjiang.code
    assert row["deputy_count"] == 2


def test_list_filters_and_approvals_inbox(client, dw):
    a = record(dw, kind="training", days_ago=10)
    b = record(dw, station=dw.station, deputies=[dw.dep2], title="接待选民")
    pending = own_report(dw)

    def ids(user, **params):
        return ids_of(get(client, user, "activities", params))

    assert ids(dw.office, kind="training") == {a.pk}
    assert ids(dw.office, station_id=dw.station.pk) == {b.pk, pending.pk}
    assert ids(dw.office, deputy_id=dw.dep2.pk) == {a.pk, b.pk}
    assert ids(dw.office, q="接待") == {b.pk}
    assert ids(dw.office, state="pending") == {pending.pk}
    assert ids(dw.office, date_to=_date(5)) == {a.pk}
    assert ids(dw.office, region_code=dw.tree.wangjiang.code) == {b.pk, pending.pk}
    assert ids(dw.office, organiser_kind="deputy") == {pending.pk}
    assert ids(dw.station_staff, inbox="approvals") == {pending.pk}
    assert ids(dw.dep_user, inbox="approvals") == set()
    for bad in ({"inbox": "all"}, {"station_id": 0}, {"deputy_id": 10**30}, {"offset": 10**24}):
        assert get(client, dw.office, "activities", bad).status_code == 422, bad
    response = get(client, dw.office, "activities", {"region_code": "999999"})
    assert response.status_code == 422
    assert response.json()["detail"] == {"region_code": ["区划代码“999999”不存在"]}


def test_list_queries_do_not_grow(client, dw):
    def queries(user, n: int) -> int:
        Participation.objects.all().delete()
        Activity.objects.all().delete()
        for i in range(n):
            record(dw, station=dw.station if i % 2 else None)
        return list_queries(client, user, "activities")

    for user in (dw.office, dw.dep_user):
        assert queries(user, 3) == queries(user, 30)


def test_list_query_count_is_pinned(client, dw, django_assert_num_queries):
    for _ in range(4):
        record(dw)
    as_user(client, dw.office)
    client.get("/api/v1/duties/activities")
    # session, user, role grants, count, page
    with django_assert_num_queries(5):
        assert client.get("/api/v1/duties/activities").status_code == 200


# --- detail -----------------------------------------------------------------------------------


def test_detail_matrix(client, dw):
    a = record(dw)
    path = f"activities/{a.pk}"
    assert get(client, None, path).status_code == 401
    for outsider in (dw.nobody, dw.far_office, dw.station_staff, dw.unit_staff, dw.far_dep_user):
        assert get(client, outsider, path).status_code == 404, outsider
    assert get(client, dw.office, "activities/99999999").status_code == 404
    body = get(client, dw.office, path).json()
    assert {p["deputy"]["id"] for p in body["participations"]} == {dw.dep.pk, dw.dep2.pk}
    assert body["permissions"] == ["manage", "edit", "cancel", "attach", "add"]
    assert body["my_participation_id"] is None
    assert [e["verb"] for e in body["timeline"]] == []
    mine = get(client, dw.dep_user, path).json()
    assert mine["permissions"] == []
    assert mine["my_participation_id"] == a.participations.get(deputy=dw.dep).pk
    assert get(client, dw.leader, path).json()["permissions"] == []


# --- recording --------------------------------------------------------------------------------


def test_record_matrix(client, dw):
    body = {
        **NEW,
        "date": _date(),
        "deputy_ids": [dw.dep.pk, dw.dep2.pk],
        "region_code": dw.tree.binjiang.code,
    }
    data = check_step(
        client,
        dw,
        Step(
            lambda dw: ("activities", body),
            "district_office",
            ("far_office", "station_staff", "dep_user"),
            "leader",
            lambda dw, b: b["state"] == "recorded" and b["organiser_kind"] == "office",
            ok=201,
            hidden=403,
        ),
    )
    assert {p["state"] for p in data["participations"]} == {"pending"}


def test_record_by_station_staff_and_group_leader(client, dw):
    body = {**NEW, "date": _date(), "deputy_ids": [dw.dep.pk]}
    response = post(client, dw.station_staff, "activities", {**body, "station_id": dw.station.pk})
    assert response.status_code == 201 and response.json()["station"]["id"] == dw.station.pk
    refused = post(client, dw.station2_staff, "activities", {**body, "station_id": dw.station.pk})
    assert refused.status_code == 403
    group = post(client, dw.leader_dep_user, "activities", {**body, "group_id": dw.group.pk})
    assert group.status_code == 201 and group.json()["organiser_kind"] == "group"


def test_record_a_meeting_with_attendance(client, dw):
    body = {
        "kind": "meeting",
        "meeting_type": "standing",
        "title": "列席常委会第十二次会议",
        "date": _date(),
        "deputy_ids": [dw.dep.pk, dw.dep2.pk, dw.more[0].pk],
        "leave_ids": [dw.dep2.pk],
        "absent_ids": [dw.more[0].pk],
        "region_code": dw.tree.city.code,
    }
    response = post(client, dw.office, "activities", body)
    assert response.status_code == 201, response.content
    attendance = {p["deputy"]["id"]: p["attendance"] for p in response.json()["participations"]}
    assert attendance == {dw.dep.pk: "present", dw.dep2.pk: "leave", dw.more[0].pk: "absent"}


def test_record_validation_in_chinese(client, dw):
    def detail(body):
        response = post(client, dw.office, "activities", body)
        assert response.status_code == 422, response.content
        return response.json()["detail"]

    base = {**NEW, "date": _date(), "deputy_ids": [dw.dep.pk], "region_code": dw.tree.city.code}
    assert detail({**base, "date": (TODAY() + dt.timedelta(days=1)).isoformat()}) == {
        "date": ["活动日期不能晚于今天"]
    }
    assert detail({**base, "kind": "meeting"}) == {"meeting_type": ["请选择会议类型"]}
    assert detail({**base, "deputy_ids": []}) == {"deputies": ["请至少选择一名参加代表"]}
    assert detail({**base, "deputy_ids": [999999]}) == {"deputy_ids": ["找不到代表：999999"]}
    assert detail({**base, "leave_ids": [dw.dep2.pk]}) == {
        "leave_ids": ["请假或缺席的代表须在参加代表名单中"]
    }
    assert "region_code" in detail({**base, "region_code": ""})
    assert detail({**base, "station_id": 999999}) == {"station_id": ["找不到联络站：999999"]}
    assert "title" in detail({**base, "title": "视"})
    # Schema-level refusals speak Chinese too.
    response = post(client, dw.office, "activities", {**base, "date": "昨天"})
    assert response.status_code == 422
    assert [e["msg"] for e in response.json()["detail"]] == ["格式不正确"]


def test_record_multipart_with_photos_and_report(client, dw):
    data = {
        **NEW,
        "date": _date(),
        "deputy_ids": [dw.dep.pk, dw.dep2.pk],
        "region_code": dw.tree.binjiang.code,
        "photos": [png("a.png"), png("b.png")],
        "reports": [pdf("调研报告.pdf")],
    }
    response, delta = audit_delta(lambda: call(client, dw.office, "form", "activities", data))
    assert response.status_code == 201, response.content
    assert delta == 1
    body = response.json()
    assert sorted(f["kind"] for f in body["files"]) == ["photo", "photo", "report"]
    assert len(body["participations"]) == 2
    report = next(f for f in body["files"] if f["kind"] == "report")
    download = as_user(client, dw.dep_user).get(report["url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    for outsider in (dw.far_office, dw.station_staff, dw.nobody):
        assert as_user(client, outsider).get(report["url"]).status_code == 404
    other = record(dw)
    wrong_activity = report["url"].replace(f"/{body['id']}/", f"/{other.pk}/")
    assert as_user(client, dw.office).get(wrong_activity).status_code == 404
    assert as_user(client, None).get(report["url"]).status_code == 401
    bad = call(
        client,
        dw.office,
        "form",
        "activities",
        {**data, "photos": [pdf("fake.png")], "reports": []},
    )
    assert bad.status_code == 422 and list(bad.json()["detail"]) == ["photos"]


def test_attach_files(client, dw):
    a = record(dw)
    path = f"activities/{a.pk}/files"
    assert call(client, None, "form", path, {"photos": [png()]}).status_code == 401
    for outsider in (dw.nobody, dw.far_office, dw.station_staff):
        assert call(client, outsider, "form", path, {"photos": [png()]}).status_code == 404
    assert call(client, dw.leader, "form", path, {"photos": [png()]}).status_code == 403
    response, delta = audit_delta(
        lambda: call(client, dw.office, "form", path, {"photos": [png()], "reports": [pdf()]})
    )
    assert response.status_code == 200 and delta == 1
    assert ActivityFile.objects.filter(activity=a).count() == 2
    empty = call(client, dw.office, "form", path, {})
    assert empty.status_code == 422
    assert empty.json()["detail"] == {"photos": ["请选择要上传的照片或报告"]}


def test_report_own_activity_matrix(client, dw):
    body = {
        "kind": "mediation",
        "title": "调解邻里漏水纠纷",
        "date": _date(0),
        "station_id": dw.station.pk,
    }
    check_step(
        client,
        dw,
        Step(
            lambda dw: ("activities/report", body),
            "dep_user",
            ("office", "station_staff"),
            None,
            lambda dw, b: (
                b["state"] == "pending"
                and b["reported_by"]["id"] == dw.dep.pk
                and b["permissions"] == ["edit", "cancel", "attach"]
            ),
            ok=201,
            hidden=403,
        ),
    )
    meeting = post(client, dw.dep_user, "activities/report", {**body, "kind": "meeting"})
    assert meeting.status_code == 422
    assert meeting.json()["detail"] == {"kind": ["会议出席情况由人大机关登记"]}


# --- the steps on an activity -----------------------------------------------------------------

OUTSIDERS = ("far_office", "station2_staff", "unit_staff")


def _pk_path(verb: str, make, body: dict | None = None):
    return lambda dw: (f"activities/{make(dw).pk}/{verb}", body or {})


STEPS = {
    "approve": Step(
        _pk_path("approve", own_report, {"note": "情况属实"}),
        "station_staff",
        OUTSIDERS,
        "leader",
        lambda dw, b: b["state"] == "recorded" and b["review_note"] == "情况属实",
    ),
    "reject": Step(
        _pk_path("reject", own_report, {"note": "请补充活动照片和经过"}),
        "station_staff",
        OUTSIDERS,
        "leader",
        lambda dw, b: b["state"] == "rejected" and "resubmit" not in b["permissions"],
    ),
    "resubmit": Step(
        _pk_path("resubmit", rejected_report),
        "dep_user",
        OUTSIDERS,
        "station_staff",
        lambda dw, b: b["state"] == "pending",
    ),
    "cancel": Step(
        _pk_path("cancel", record, {"note": "重复登记"}),
        "office",
        (*OUTSIDERS, "station_staff"),
        "leader",
        lambda dw, b: b["state"] == "cancelled",
    ),
    "deputies": Step(
        lambda dw: (f"activities/{record(dw).pk}/deputies", {"deputy_ids": [dw.more[0].pk]}),
        "office",
        (*OUTSIDERS, "station_staff"),
        "dep_user",
        lambda dw, b: len(b["participations"]) == 3,
    ),
    "update": Step(
        lambda dw: (f"activities/{record(dw).pk}", {"title": "视察加装电梯（更正）"}),
        "district_office",
        (*OUTSIDERS, "station_staff"),
        "leader",
        lambda dw, b: b["title"] == "视察加装电梯（更正）" and b["place"] == "望江社区",
        method="patch",
    ),
}


@pytest.mark.parametrize("name", sorted(STEPS))
def test_activity_step_matrix(client, dw, name):
    check_step(client, dw, STEPS[name])


def test_steps_refused_by_the_state_table_are_409(client, dw):
    recorded = record(dw)
    response = post(client, dw.office, f"activities/{recorded.pk}/approve")
    assert response.status_code == 409  # recorded at once: nothing to approve
    pending = own_report(dw)
    post(client, dw.station_staff, f"activities/{pending.pk}/approve")
    again, delta = audit_delta(
        lambda: post(client, dw.station_staff, f"activities/{pending.pk}/approve")
    )
    assert (again.status_code, delta) == (409, 0)
    assert "不能从「已登记」变为「已登记」" in again.json()["detail"]
    assert post(client, dw.dep_user, f"activities/{pending.pk}/resubmit").status_code == 409
    post(client, dw.office, f"activities/{recorded.pk}/cancel", {"note": "重复登记"})
    twice = post(client, dw.office, f"activities/{recorded.pk}/cancel", {"note": "重复登记"})
    assert twice.status_code == 409


def test_reject_needs_a_reason(client, dw):
    a = own_report(dw)
    response = post(client, dw.station_staff, f"activities/{a.pk}/reject", {"note": "不行"})
    assert response.status_code == 422
    assert response.json()["detail"] == {"__all__": ["请填写退回理由（至少 5 个字）"]}


# --- participations ---------------------------------------------------------------------------


def _part(dw, deputy="dep"):
    a = record(dw)
    return a.participations.get(deputy=getattr(dw, deputy))


PART_OUTSIDERS = ("far_office", "station_staff", "far_dep_user", "unit_staff")

PART_STEPS = {
    "confirm": Step(
        lambda dw: (f"participations/{_part(dw).pk}/confirm", {}),
        "dep_user",
        PART_OUTSIDERS,
        "dep2_user",
        lambda dw, b: b["state"] == "confirmed" and b["answered_at"],
    ),
    "dispute": Step(
        lambda dw: (f"participations/{_part(dw).pk}/dispute", {"reason": "当天我在外地出差"}),
        "dep_user",
        PART_OUTSIDERS,
        "office",
        lambda dw, b: b["state"] == "disputed" and b["dispute_reason"] == "当天我在外地出差",
    ),
    "remove": Step(
        lambda dw: (f"participations/{disputed(dw).pk}/remove", {"note": "核实后移除"}),
        "office",
        PART_OUTSIDERS,
        "dep_user",
        lambda dw, b: b["state"] == "removed",
    ),
    "uphold": Step(
        lambda dw: (f"participations/{disputed(dw).pk}/uphold", {"note": "签到表上有您的签名"}),
        "office",
        PART_OUTSIDERS,
        "leader",
        lambda dw, b: b["state"] == "pending",
    ),
    "attendance": Step(
        lambda dw: (f"participations/{_part(dw).pk}/attendance", {"attendance": "leave"}),
        "office",
        PART_OUTSIDERS,
        "dep2_user",
        lambda dw, b: b["attendance"] == "leave" and b["attendance_label"] == "请假",
    ),
}


@pytest.mark.parametrize("name", sorted(PART_STEPS))
def test_participation_step_matrix(client, dw, name):
    check_step(client, dw, PART_STEPS[name])


def test_participation_refusals(client, dw):
    p = _part(dw)
    post(client, dw.dep_user, f"participations/{p.pk}/confirm")
    response = post(client, dw.dep_user, f"participations/{p.pk}/confirm")
    assert response.status_code == 409
    short = post(client, dw.dep_user, f"participations/{_part(dw).pk}/dispute", {"reason": "不"})
    assert short.status_code == 422 and short.json()["detail"] == {
        "__all__": ["请填写异议理由（至少 5 个字）"]
    }
    bad = post(client, dw.office, f"participations/{p.pk}/attendance", {"attendance": "late"})
    assert bad.status_code == 422 and bad.json()["detail"] == {"attendance": ["出席情况无效"]}
    missing = post(client, dw.dep_user, f"participations/{p.pk}/dispute", {})
    assert missing.status_code == 422
    assert [e["msg"] for e in missing.json()["detail"]] == ["此项为必填项"]


# --- the caller's own lists -------------------------------------------------------------------


def test_my_participations(client, dw):
    a = record(dw)
    b = record(dw, deputies=[dw.dep2])
    for path in ("mine/participations", "mine/slots"):
        assert get(client, None, path).status_code == 401
        for user in (dw.nobody, dw.office, dw.station_staff):
            assert get(client, user, path).status_code == 403, (path, user)
    rows = get(client, dw.dep_user, "mine/participations").json()["items"]
    assert [r["activity"]["id"] for r in rows] == [a.pk]
    assert rows[0]["state"] == "pending" and rows[0]["activity"]["title"] == a.title
    assert (
        get(client, dw.dep2_user, "mine/participations", {"state": "pending"}).json()["count"] == 2
    )
    assert b.pk in {
        r["activity"]["id"]
        for r in get(client, dw.dep2_user, "mine/participations").json()["items"]
    }


def test_my_slots(client, dw):
    day = day_with_slot(dw, notify=True)
    [slot] = get(client, dw.dep_user, "mine/slots").json()["items"]
    assert slot["day"]["id"] == day.pk and slot["station"]["id"] == dw.station.pk
    assert slot["notified_at"] and slot["state"] == "assigned"
    assert get(client, dw.dep2_user, "mine/slots").json()["items"] == []


def test_my_lists_queries_do_not_grow(client, dw):
    def participations(n: int) -> int:
        Participation.objects.all().delete()
        Activity.objects.all().delete()
        for _ in range(n):
            record(dw, deputies=[dw.dep])
        return list_queries(client, dw.dep_user, "mine/participations")

    assert participations(3) == participations(30)
