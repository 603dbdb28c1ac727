"""/api/v1/opinions/: the staff side of the 民情 loop — permission matrix of every
endpoint (anonymous 401, no role 403/404/empty, in scope 2xx, out of scope 404), one audit
entry per write, the whole loop through the API, and the contact-data rule."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minqing.core.models import AuditEntry
from minqing.opinions import actions
from minqing.opinions.models import (
    MeetingRequest,
    Opinion,
    OpinionExtension,
    OpinionFile,
    OpinionState,
)
from tests.opinions.factories import (
    REPLY_TEXT,
    VALID_TEXT,
    OpinionFactory,
    citizen_data,
    drive,
    submit,
)
from tests.opinions.helpers import as_user, minimal_pdf, named

pytestmark = pytest.mark.django_db
S = OpinionState
BASE = "/api/v1/opinions/"
NAME, PHONE = "王秀英", "13812345678"


def post(client, user, path: str, data: dict | None = None):
    return as_user(client, user).post(BASE + path, data or {}, content_type="application/json")


def get(client, user, path: str, params: dict | None = None):
    return as_user(client, user).get(BASE + path, params or {})


def audit_delta(fn):
    before = AuditEntry.objects.count()
    response = fn()
    return response, AuditEntry.objects.count() - before


# --- list ------------------------------------------------------------------------------


def codes_of(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["code"] for item in response.json()["items"]}


def test_list_matrix(client, world):
    mine = submit(world)
    far_station_opinion = OpinionFactory(region=world.tree.donghu)
    assert get(client, None, "opinions").status_code == 401
    assert codes_of(get(client, world.nobody, "opinions")) == set()
    assert codes_of(get(client, world.office, "opinions")) == {mine.code}
    assert codes_of(get(client, world.station_staff, "opinions")) == {mine.code}
    assert codes_of(get(client, world.deputy_user, "opinions")) == {mine.code}
    assert codes_of(get(client, world.far_office, "opinions")) == {far_station_opinion.code}
    assert codes_of(get(client, world.unit_staff, "opinions")) == set()
    assert codes_of(get(client, world.other_deputy_user, "opinions")) == set()


def test_list_inboxes_and_filters(client, world):
    received = submit(world)
    forwarded = drive(world, submit(world, kind="complaint", text=VALID_TEXT + "噪音"), S.FORWARDED)
    overdue = drive(world, submit(world), S.HANDLING)
    Opinion.objects.filter(pk=overdue.pk).update(reply_due=dt.date(2020, 1, 1))

    def codes(user, **params):
        return codes_of(get(client, user, "opinions", params))

    assert codes(world.station_staff, inbox="station") == {received.code}
    assert codes(world.office, inbox="office") == {received.code}
    assert codes(world.unit_staff, inbox="unit") == {forwarded.code, overdue.code}
    assert codes(world.office, inbox="overdue") == {overdue.code}
    assert codes(world.office, state="forwarded") == {forwarded.code}
    assert codes(world.office, kind="complaint") == {forwarded.code}
    assert codes(world.office, q="噪音") == {forwarded.code}
    assert codes(world.office, q=received.code.lower()) == {received.code}
    assert codes(world.office, unit_id=world.unit.pk) == {forwarded.code, overdue.code}
    assert codes(world.office, station_id=world.station.pk, channel="qr") == {
        received.code,
        forwarded.code,
        overdue.code,
    }
    response = get(client, world.office, "opinions", {"inbox": "everything"})
    assert response.status_code == 422 and "取值" in response.json()["detail"][0]["msg"]
    # Found by fuzzing: an id beyond 64 bits is a 422, not an overflow in SQLite.
    response = get(client, world.office, "opinions", {"station_id": 10**30})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "station_id"
    item = get(client, world.office, "opinions", {"state": "forwarded"}).json()["items"][0]
    assert item["unit_name"] == world.unit.name and item["state_label"] == "已转办"
    assert "citizen_phone" not in item and "citizen_name" not in item


def test_list_is_paginated_and_its_queries_do_not_grow(client, world):
    def queries(n: int) -> int:
        Opinion.objects.all().delete()
        for _ in range(n):
            OpinionFactory(station=world.station, unit=world.unit)
        as_user(client, world.office)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(BASE + "opinions", {"limit": 50})
        assert response.status_code == 200 and response.json()["count"] == n
        return len(ctx.captured_queries)

    assert queries(3) == queries(30)
    as_user(client, world.office)
    body = client.get(BASE + "opinions", {"limit": 10, "offset": 20}).json()
    assert body["count"] == 30 and len(body["items"]) == 10


def test_list_query_count_is_pinned(client, world, django_assert_num_queries):
    for _ in range(5):
        OpinionFactory(station=world.station)
    as_user(client, world.office)
    client.get(BASE + "opinions")  # warm the session and the content types
    # session, user, role grants, count, page: the same for 5 rows or 500
    with django_assert_num_queries(5):
        assert client.get(BASE + "opinions").status_code == 200


# --- detail ----------------------------------------------------------------------------


def test_detail_matrix_and_contact_data(client, world):
    opinion = drive(world, submit(world), S.REPLIED)
    path = f"opinions/{opinion.pk}"
    assert get(client, None, path).status_code == 401
    for outsider in (world.nobody, world.far_office, world.district_unit_staff):
        assert get(client, outsider, path).status_code == 404
    body = get(client, world.office, path).json()
    assert body["citizen_name"] == NAME and body["citizen_phone"] == PHONE
    assert body["assignments"][0]["unit_name"] == world.unit.name
    assert body["replies"][0]["public_text"] == REPLY_TEXT
    assert [e["verb"] for e in body["timeline"]] == ["receive", "forward", "sign", "reply"]
    assert "triage" in body["permissions"] and "view_contact" in body["permissions"]
    assert body["category_label"] == "城乡建设"
    unit_view = get(client, world.unit_staff, path).json()
    assert unit_view["citizen_phone"] == PHONE and "triage" not in unit_view["permissions"]
    # The leader reads the matter but not the person.
    leader_view = get(client, world.leader, path)
    assert leader_view.status_code == 200
    assert leader_view.json()["citizen_name"] is None
    assert leader_view.json()["citizen_phone"] is None
    assert NAME not in leader_view.content.decode() and PHONE not in leader_view.content.decode()
    assert get(client, world.office, "opinions/999999").status_code == 404


# --- register and report -----------------------------------------------------------------


def register_body(world, **overrides) -> dict:
    data = {
        "station_id": world.station.pk,
        "channel": "visit",
        "client_token": str(uuid.uuid4()),
        "text": VALID_TEXT,
        "kind": "help",
        "category": "urban",
        "citizen_name": "李建国",
        "citizen_phone": "13900001111",
        "consent": True,
    }
    data.update(overrides)
    return data


def test_register_matrix(client, world):
    data = register_body(world)
    assert post(client, None, "opinions", data).status_code == 401
    assert post(client, world.nobody, "opinions", data).status_code == 404
    assert post(client, world.far_office, "opinions", data).status_code == 404
    assert post(client, world.unit_staff, "opinions", data).status_code == 404
    response, delta = audit_delta(lambda: post(client, world.station_staff, "opinions", data))
    assert response.status_code == 201 and delta == 1
    body = response.json()
    assert body["channel"] == "visit" and body["citizen_name"] == "李建国"
    again, delta = audit_delta(lambda: post(client, world.station_staff, "opinions", data))
    assert again.status_code == 200 and again.json()["code"] == body["code"] and delta == 0
    # Someone else replaying that token learns nothing about it.
    assert post(client, world.far_office, "opinions", data).status_code == 404
    assert Opinion.objects.count() == 1


def test_register_on_a_region_and_without_a_phone(client, world):
    data = register_body(world, station_id=None, region_code=world.tree.town.code, channel="letter")
    data["citizen_phone"] = ""
    response = post(client, world.office, "opinions", data)
    assert response.status_code == 201, response.content
    assert response.json()["region_code"] == world.tree.town.code
    data["client_token"] = str(uuid.uuid4())
    assert post(client, world.far_office, "opinions", data).status_code == 403
    assert post(client, world.nobody, "opinions", data).status_code == 403
    bad = register_body(world, channel="qr", citizen_name="")
    response = post(client, world.station_staff, "opinions", bad)
    assert response.status_code == 422
    neither = register_body(world, station_id=None)
    assert "station_id" in post(client, world.office, "opinions", neither).json()["detail"]


def test_report_matrix(client, world):
    data = {"client_token": str(uuid.uuid4()), "text": VALID_TEXT, "kind": "report"}
    assert post(client, None, "opinions/report", data).status_code == 401
    assert post(client, world.nobody, "opinions/report", data).status_code == 403
    assert post(client, world.station_staff, "opinions/report", data).status_code == 403
    other = {**data, "station_id": world.station.pk, "client_token": str(uuid.uuid4())}
    assert post(client, world.other_deputy_user, "opinions/report", other).status_code == 403
    response, delta = audit_delta(lambda: post(client, world.deputy_user, "opinions/report", data))
    assert response.status_code == 201 and delta == 1
    body = response.json()
    assert body["channel"] == "deputy_photo" and body["raised_by_deputy"]["id"] == world.deputy.pk
    assert body["station_id"] == world.station.pk
    again = post(client, world.deputy_user, "opinions/report", data)
    assert again.status_code == 200 and again.json()["id"] == body["id"]


# --- the steps on one opinion --------------------------------------------------------------


def _master_code(world):
    return {"master_code": submit(world).code}


STEPS = {
    # name: (start state, body, in scope, out of scope, sees but may not act, end state)
    "answer": (
        S.RECEIVED,
        {"public_text": REPLY_TEXT, "resolution": "solved", "internal_note": "现场已处理"},
        "station_staff",
        "far_office",
        "leader",
        S.CLOSED,
    ),
    "escalate": (
        S.RECEIVED,
        {"note": "需区里协调"},
        "deputy_user",
        "other_deputy_user",
        "leader",
        S.TRIAGE,
    ),
    "to-suggestion": (S.RECEIVED, {}, "deputy_user", "far_office", "leader", S.SUGGESTION),
    "classify": (
        S.RECEIVED,
        {"kind": "complaint", "category": "housing"},
        "office",
        "far_office",
        "station_staff",
        S.RECEIVED,
    ),
    "merge": (S.RECEIVED, _master_code, "office", "far_office", "station_staff", S.MERGED),
    "decline": (
        S.RECEIVED,
        {"reason": "litigation", "note": "该纠纷已进入诉讼程序，请关注法院审理结果。"},
        "office",
        "far_office",
        "station_staff",
        S.DECLINED,
    ),
    "forward": (
        S.RECEIVED,
        lambda world: {"unit_id": world.unit.pk, "instructions": "请尽快办理"},
        "office",
        "far_office",
        "station_staff",
        S.FORWARDED,
    ),
    "sign": (S.FORWARDED, {}, "unit_staff", "far_unit_staff", "office", S.HANDLING),
    "return": (
        S.HANDLING,
        {"reason": "应由区城管局负责路灯维护"},
        "unit_staff",
        "district_unit_staff",
        "office",
        S.TRIAGE,
    ),
    "contact": (
        S.HANDLING,
        {"method": "phone", "note": "已电话联系群众，约定周五现场查看"},
        "unit_staff",
        "far_unit_staff",
        "office",
        S.HANDLING,
    ),
    "reply": (
        S.HANDLING,
        {"public_text": REPLY_TEXT, "resolution": "solved"},
        "unit_staff",
        "far_unit_staff",
        "office",
        S.REPLIED,
    ),
    "extensions": (
        S.HANDLING,
        {"working_days": 5, "reason": "需协调供电公司停电施工"},
        "unit_staff",
        "far_unit_staff",
        "office",
        S.HANDLING,
    ),
}


@pytest.mark.parametrize("step", sorted(STEPS))
def test_step_matrix(client, world, step):
    start, data, inside, outside, onlooker, end = STEPS[step]
    opinion = drive(world, submit(world), start)
    data = data(world) if callable(data) else data
    path = f"opinions/{opinion.pk}/{step}"
    assert post(client, None, path, data).status_code == 401
    for user, status in ((world.nobody, 404), (getattr(world, outside), 404)):
        response, delta = audit_delta(lambda u=user: post(client, u, path, data))
        assert (response.status_code, delta) == (status, 0), (user, response.content)
    response, delta = audit_delta(lambda: post(client, getattr(world, onlooker), path, data))
    assert (response.status_code, delta) == (403, 0), response.content
    response, delta = audit_delta(lambda: post(client, getattr(world, inside), path, data))
    assert response.status_code == 200, response.content
    assert delta == 1
    assert response.json()["state"] == end and response.json()["id"] == opinion.pk
    opinion.refresh_from_db()
    assert opinion.state == end


def test_a_step_the_state_table_refuses_is_409(client, world):
    closed = drive(world, submit(world), S.CLOSED)
    body = {"public_text": REPLY_TEXT, "resolution": "solved"}
    response, delta = audit_delta(
        lambda: post(client, world.office, f"opinions/{closed.pk}/answer", body)
    )
    assert (response.status_code, delta) == (409, 0)
    handling = drive(world, submit(world), S.HANDLING)
    assert post(client, world.unit_staff, f"opinions/{handling.pk}/sign").status_code == 409


def test_step_field_errors_are_422_in_chinese(client, world):
    opinion = submit(world)
    cases = [
        ("forward", {"unit_id": 10**6}, "unit_id"),
        ("merge", {"master_code": "NOPE"}, "master_code"),
        ("merge", {"master_code": opinion.code}, "master"),
        ("decline", {"reason": "bored", "note": "该纠纷已进入诉讼程序。"}, "reason"),
        ("classify", {"kind": "x", "category": "y"}, "kind"),
        ("answer", {"public_text": "好", "resolution": "solved"}, "__all__"),
    ]
    for step, data, field in cases:
        response = post(client, world.office, f"opinions/{opinion.pk}/{step}", data)
        assert response.status_code == 422, (step, response.content)
        assert field in response.json()["detail"], (step, response.json())
    response = post(client, world.office, f"opinions/{opinion.pk}/forward", {"unit_id": "市局"})
    assert response.status_code == 422 and response.json()["detail"][0]["msg"] == "须为整数"
    response = post(client, world.office, f"opinions/{opinion.pk}/forward", {})
    assert response.json()["detail"][0]["msg"] == "此项为必填项"


def test_forward_to_a_unit_out_of_sight_is_403(client, world):
    opinion = submit(world)
    response = post(
        client, world.office, f"opinions/{opinion.pk}/forward", {"unit_id": world.far_unit.pk}
    )
    assert response.status_code == 403


def test_contact_time_is_checked(client, world):
    opinion = drive(world, submit(world), S.HANDLING)
    path = f"opinions/{opinion.pk}/contact"
    naive = timezone.localtime().replace(tzinfo=None) + dt.timedelta(minutes=1)
    response = post(
        client,
        world.unit_staff,
        path,
        {"method": "visit", "note": "上门", "contacted_at": naive.isoformat()},
    )
    assert response.status_code == 200, response.content
    assert response.json()["contacts"][0]["method"] == "visit"
    for when in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "昨天"):
        response = post(
            client,
            world.unit_staff,
            path,
            {"method": "phone", "note": "电话", "contacted_at": when},
        )
        assert response.status_code == 422, when
    future = (timezone.now() + dt.timedelta(days=2)).isoformat()
    response = post(
        client, world.unit_staff, path, {"method": "phone", "note": "电话", "contacted_at": future}
    )
    assert response.status_code == 422 and "contacted_at" in response.json()["detail"]


def test_reply_with_attachments_as_multipart(client, world):
    opinion = drive(world, submit(world), S.HANDLING)
    as_user(client, world.unit_staff)
    data = {"public_text": REPLY_TEXT, "resolution": "partly", "internal_note": "附现场照片"}
    fake = client.post(
        BASE + f"opinions/{opinion.pk}/reply",
        {**data, "attachments": [named(b"MZ\x90\x00 not a pdf", "回复.pdf")]},
    )
    assert fake.status_code == 422 and "attachments" in fake.json()["detail"]
    opinion.refresh_from_db()
    assert opinion.state == S.HANDLING
    response, delta = audit_delta(
        lambda: client.post(
            BASE + f"opinions/{opinion.pk}/reply",
            {**data, "attachments": [named(minimal_pdf(), "办理结果.pdf")]},
        )
    )
    assert response.status_code == 200, response.content
    assert delta == 1
    reply = response.json()["replies"][0]
    assert reply["internal_note"] == "附现场照片"
    assert [a["content_type"] for a in reply["attachments"]] == ["application/pdf"]
    assert OpinionFile.objects.get().name == "办理结果.pdf"


# --- extensions ---------------------------------------------------------------------------


def test_extension_decide_matrix(client, world):
    opinion = drive(world, submit(world), S.HANDLING)
    extension = actions.extension_request(
        actor=world.unit_staff, opinion=opinion, working_days=5, reason="需协调供电公司停电施工"
    )
    path = f"extensions/{extension.pk}/decide"
    data = {"approve": True, "note": "同意"}
    assert post(client, None, path, data).status_code == 401
    for outsider in (world.nobody, world.far_office, world.far_unit_staff):
        assert post(client, outsider, path, data).status_code == 404
    assert post(client, world.unit_staff, path, data).status_code == 403
    old_due = opinion.reply_due
    response, delta = audit_delta(lambda: post(client, world.office, path, data))
    assert response.status_code == 200 and delta == 1
    body = response.json()
    assert body["extensions"][0]["state"] == "approved"
    assert dt.date.fromisoformat(body["reply_due"]) > old_due
    assert post(client, world.office, path, {"approve": False}).status_code == 409
    assert post(client, world.office, "extensions/999999/decide", data).status_code == 404
    assert OpinionExtension.objects.get().state == "approved"


# --- meetings -------------------------------------------------------------------------------


def meeting(world, deputy=None) -> MeetingRequest:
    opinion = actions.meeting_request(
        station=world.station,
        data=citizen_data(),
        deputy=deputy,
        preferred_time="周六上午",
        client_token=uuid.uuid4(),
    )
    return opinion.meeting


def test_meeting_list_matrix(client, world):
    m = meeting(world, deputy=world.deputy)
    assert get(client, None, "meetings").status_code == 401

    def ids(user, **params):
        response = get(client, user, "meetings", params)
        assert response.status_code == 200
        return {item["id"] for item in response.json()["items"]}

    assert ids(world.nobody) == set() and ids(world.other_deputy_user) == set()
    assert ids(world.far_office) == set()
    assert ids(world.deputy_user) == {m.pk} and ids(world.station_staff) == {m.pk}
    assert ids(world.deputy_user, state="accepted") == set()
    item = get(client, world.deputy_user, "meetings").json()["items"][0]
    assert item["deputy"]["name"] == world.deputy.name and item["code"] == m.opinion.code
    assert PHONE not in str(item) and NAME not in str(item)


def test_meeting_list_queries_do_not_grow(client, world):
    def queries(n: int) -> int:
        MeetingRequest.objects.all().delete()
        for _ in range(n):
            opinion = OpinionFactory(station=world.station)
            MeetingRequest.objects.create(
                opinion=opinion, station=world.station, deputy=world.deputy
            )
        as_user(client, world.deputy_user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(BASE + "meetings", {"limit": 50})
        assert response.status_code == 200 and response.json()["count"] == n
        return len(ctx.captured_queries)

    assert queries(3) == queries(30)


def test_meeting_accept_and_decline_matrix(client, world):
    m = meeting(world)
    when = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    data = {"meet_at": when.isoformat(), "place": "联络站二楼接待室"}
    path = f"meetings/{m.pk}/accept"
    assert post(client, None, path, data).status_code == 401
    for outsider in (world.nobody, world.other_deputy_user, world.far_office):
        assert post(client, outsider, path, data).status_code == 404
    past = {"meet_at": (timezone.now() - dt.timedelta(hours=1)).isoformat()}
    assert post(client, world.deputy_user, path, past).status_code == 422
    response, delta = audit_delta(lambda: post(client, world.deputy_user, path, data))
    assert response.status_code == 200 and delta == 1, response.content
    body = response.json()
    assert body["state"] == "accepted" and body["place"] == "联络站二楼接待室"
    assert body["deputy"]["id"] == world.deputy.pk
    response = post(client, world.deputy_user, f"meetings/{m.pk}/decline", {"reason": "时间冲突"})
    assert response.status_code == 409

    other = meeting(world)
    path = f"meetings/{other.pk}/decline"
    assert post(client, world.nobody, path, {"reason": "出差"}).status_code == 404
    assert post(client, world.station_staff, path, {"reason": ""}).status_code == 422
    response, delta = audit_delta(
        lambda: post(client, world.station_staff, path, {"reason": "代表近期外出学习，请改约"})
    )
    assert response.status_code == 200 and delta == 1
    assert response.json()["decline_reason"] == "代表近期外出学习，请改约"


# --- the whole loop through the API only --------------------------------------------------


def test_the_whole_loop_through_the_api(client, world):
    public_texts: list[str] = []

    def public(path, data):
        response = as_user(client, None).post(
            BASE + "public/" + path, data, content_type="application/json"
        )
        public_texts.append(response.content.decode())
        return response

    def step(fn, status=200):
        response, delta = audit_delta(fn)
        assert response.status_code == status, response.content
        assert delta == 1
        return response.json()

    submitted = step(
        lambda: public(
            "opinions",
            {
                "station_code": world.station.code,
                "client_token": str(uuid.uuid4()),
                "text": VALID_TEXT,
                "kind": "help",
                "citizen_name": NAME,
                "citizen_phone": PHONE,
                "consent": True,
            },
        ),
        status=201,
    )
    code, last4 = submitted["code"], PHONE[-4:]
    pk = Opinion.objects.get(code=code).pk
    step(lambda: post(client, world.office, f"opinions/{pk}/forward", {"unit_id": world.unit.pk}))
    step(lambda: post(client, world.unit_staff, f"opinions/{pk}/sign"))
    step(
        lambda: post(
            client,
            world.unit_staff,
            f"opinions/{pk}/contact",
            {"method": "phone", "note": "已联系"},
        )
    )
    step(
        lambda: post(
            client,
            world.unit_staff,
            f"opinions/{pk}/reply",
            {
                "public_text": REPLY_TEXT,
                "resolution": "partly",
                "internal_note": "内部：需追加预算",
            },
        )
    )
    view = step(
        lambda: public(
            "rate", {"code": code, "last4": last4, "level": "unsatisfied", "comment": "只修好一个"}
        )
    )
    assert view["state"] == "handling" and view["events"][-1]["verb"] == "rehandle"
    step(
        lambda: post(
            client,
            world.unit_staff,
            f"opinions/{pk}/reply",
            {"public_text": REPLY_TEXT + "另一处也已修复。", "resolution": "solved"},
        )
    )
    view = step(lambda: public("rate", {"code": code, "last4": last4, "level": "satisfied"}))
    assert view["state"] == "closed" and not view["can_rate"]
    assert [r["rating"]["level"] for r in view["replies"]] == ["unsatisfied", "satisfied"]
    assert [e["verb"] for e in view["events"]] == [
        "receive",
        "forward",
        "sign",
        "contact",
        "reply",
        "rehandle",
        "reply",
        "rate",
    ]
    tracked = public("track", {"code": code, "last4": last4})
    assert tracked.status_code == 200 and tracked.json()["state"] == "closed"
    assert public("rate", {"code": code, "last4": last4, "level": "satisfied"}).status_code == 409

    staff = get(client, world.office, f"opinions/{pk}").json()
    assert staff["state"] == "closed" and staff["rehandle_count"] == 1
    assert [a["round"] for a in staff["assignments"]] == [1, 2]
    # No public answer ever named the citizen, the phone, a staff member or a note.
    for text in public_texts:
        for secret in (NAME, PHONE, "内部：需追加预算", str(world.unit_staff), str(world.office)):
            assert secret not in text
