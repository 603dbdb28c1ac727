"""/api/v1/opinions/public/…: a citizen submits (JSON or multipart with photos), follows
with the tracking code, rates, and asks to meet a deputy — idempotent, rate-limited, in
Chinese, and never echoing a name or a phone number."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from django.core.cache import caches
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from minqing.core import codes
from minqing.core.models import AuditEntry
from minqing.opinions import actions
from minqing.opinions.models import MeetingRequest, Opinion, OpinionFile, OpinionState
from tests.opinions.factories import VALID_TEXT, drive, submit
from tests.opinions.helpers import jpeg_with_gps, named
from tests.stations.factories import StationFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/opinions/public/"
NAME, PHONE = "王秀英", "13812345678"
HAN = re.compile(r"[\u4e00-\u9fff]")


def body(world, **overrides) -> dict:
    data = {
        "station_code": world.station.code,
        "channel": "qr",
        "client_token": str(uuid.uuid4()),
        "text": VALID_TEXT,
        "kind": "help",
        "category": "urban",
        "address": "望江社区3号楼",
        "citizen_name": NAME,
        "citizen_phone": PHONE,
        "consent": True,
    }
    data.update(overrides)
    return data


def post_json(client, path: str, data: dict):
    return client.post(BASE + path, data, content_type="application/json")


def chinese(detail) -> bool:
    """Every message of a 422 detail (either shape) is Chinese."""
    if isinstance(detail, dict):
        messages = [m for ms in detail.values() for m in ms]
    else:
        messages = [e["msg"] for e in detail]
    return bool(messages) and all(HAN.search(m) for m in messages)


# --- submit --------------------------------------------------------------------------


def test_submit_json_is_201_and_a_replay_is_200_with_the_same_code(client, world):
    data = body(world)
    before = AuditEntry.objects.count()
    first = post_json(client, "opinions", data)
    assert first.status_code == 201, first.content
    assert AuditEntry.objects.count() == before + 1
    code = first.json()["code"]
    assert codes.is_valid(code) and first.json()["state"] == "received"
    opinion = Opinion.objects.get(code=code)
    assert opinion.station == world.station and opinion.channel == "qr"
    assert opinion.citizen_phone == PHONE and opinion.consent_at is not None

    again = post_json(client, "opinions", data)
    assert again.status_code == 200 and again.json()["code"] == code
    # Even a replay sent as a form (the page's double click) finds the first one.
    as_form = client.post(BASE + "opinions", data)
    assert as_form.status_code == 200 and as_form.json()["code"] == code
    assert Opinion.objects.filter(client_token=data["client_token"]).count() == 1
    assert AuditEntry.objects.count() == before + 1


def test_submit_by_region_code_from_the_web_form(client, world):
    response = post_json(
        client,
        "opinions",
        body(world, station_code="", region_code=world.tree.wangjiang.code, channel="web"),
    )
    assert response.status_code == 201, response.content
    opinion = Opinion.objects.get(code=response.json()["code"])
    assert opinion.station is None and opinion.region == world.tree.wangjiang
    assert opinion.channel == "web"


def test_submit_as_a_form_without_files(client, world):
    data = body(world, latitude="", longitude="", consent="true")
    response = client.post(BASE + "opinions", data)
    assert response.status_code == 201, response.content
    assert Opinion.objects.get(code=response.json()["code"]).latitude is None


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"text": "太短了"}, "text"),
        ({"text": "字" * 2001}, "text"),
        ({"kind": "gossip"}, "kind"),
        ({"category": "nonsense"}, "category"),
        ({"citizen_phone": "12345"}, "citizen_phone"),
        ({"citizen_name": ""}, "citizen_name"),
        ({"consent": False}, "consent"),
        ({"latitude": 95, "longitude": 120}, "latitude"),
        ({"latitude": 30}, "longitude"),
        ({"channel": "visit"}, "channel"),
        ({"station_code": "NOTACODE"}, "station_code"),
        ({"station_code": ""}, "station_code"),
        ({"station_code": "", "region_code": "123"}, "region_code"),
    ],
)
def test_bad_fields_are_422_with_chinese_messages(client, world, overrides, field):
    response = post_json(client, "opinions", body(world, **overrides))
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert field in detail and chinese(detail)
    assert not Opinion.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"client_token": "not-a-uuid"}, "client_token"),
        ({"client_token": None}, "client_token"),
        ({"latitude": "北纬三十度", "longitude": 120}, "latitude"),
        ({"consent": "perhaps"}, "consent"),
        ({"text": 12345}, "text"),
    ],
)
def test_schema_errors_are_422_with_chinese_messages_too(client, world, overrides, field):
    response = post_json(client, "opinions", body(world, **overrides))
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert [e["loc"][-1] for e in detail] == [field] and chinese(detail)


def test_malformed_json_is_a_client_error(client, world):
    for raw in ("{not json", "[1, 2]", '"text"'):
        response = client.post(BASE + "opinions", raw, content_type="application/json")
        assert response.status_code in (400, 422), raw
    assert not Opinion.objects.exists()


def test_a_suspended_station_refuses_with_a_message(client, world):
    world.station.status = "suspended"
    world.station.save()
    response = post_json(client, "opinions", body(world))
    assert response.status_code == 422 and chinese(response.json()["detail"])


def test_multipart_with_a_real_jpeg_stores_it_without_exif(client, world):
    data = body(world)
    data["photos"] = [
        named(jpeg_with_gps(), "IMG_0001.jpg"),
        named(jpeg_with_gps((80, 60)), "街道.JPG"),
    ]
    response = client.post(BASE + "opinions", data)
    assert response.status_code == 201, response.content
    opinion = Opinion.objects.get(code=response.json()["code"])
    files = list(OpinionFile.objects.filter(opinion=opinion))
    assert [f.kind for f in files] == ["photo", "photo"]
    for f in files:
        assert "IMG_0001" not in f.file.name and "街道" not in f.file.name
        with f.file.open("rb") as fh:
            stored = fh.read()
        assert b"MinqingCam" not in stored
        assert not Image.open(io.BytesIO(stored)).getexif()


def test_multipart_with_a_fake_jpeg_is_422_and_creates_nothing(client, world):
    data = body(world, text="短")
    data["photos"] = [named(b"<html><script>alert(1)</script></html>", "photo.jpg")]
    response = client.post(BASE + "opinions", data)
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    # The photo and the other fields are reported together.
    assert set(detail) == {"photos", "text"} and chinese(detail)
    assert "photo.jpg" in detail["photos"][0]
    assert not Opinion.objects.exists() and not OpinionFile.objects.exists()


def test_multipart_with_a_truncated_jpeg_or_too_many_photos_is_422(client, world, settings):
    data = body(world)
    data["photos"] = [named(jpeg_with_gps()[:200], "cut.jpg")]
    assert client.post(BASE + "opinions", data).status_code == 422
    settings.MINQING_PHOTO_MAX_COUNT = 2
    data = body(world)
    data["photos"] = [named(jpeg_with_gps(), f"{i}.jpg") for i in range(3)]
    response = client.post(BASE + "opinions", data)
    assert response.status_code == 422 and "photos" in response.json()["detail"]
    assert not Opinion.objects.exists()


def test_the_openapi_document_describes_json_and_multipart(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"][
        "/api/v1/opinions/public/opinions"
    ]["post"]
    content = operation["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(content)
    assert content["multipart/form-data"]["schema"]["properties"]["photos"]["type"] == "array"
    assert "multipart/form-data" in operation["description"]


# --- track -----------------------------------------------------------------------------


def test_track_shows_the_public_view_without_personal_data(client, world):
    opinion = drive(world, submit(world), OpinionState.REPLIED)
    response = post_json(client, "track", {"code": opinion.code, "last4": PHONE[-4:]})
    assert response.status_code == 200, response.content
    view = response.json()
    assert view["code"] == opinion.code and view["state"] == "replied" and view["can_rate"]
    verbs = [e["verb"] for e in view["events"]]
    assert verbs == ["receive", "forward", "sign", "reply"]
    forward = view["events"][1]
    assert forward["unit"] == world.unit.name and forward["label"]
    assert view["replies"][0]["responder"] == world.unit.name
    assert view["reply_due"] and view["provisional"] in (True, False)
    assert view["category_label"] == "城乡建设" and not view["merged_into"]
    text = response.content.decode()
    for secret in (NAME, PHONE, PHONE[-4:], str(world.unit_staff), str(world.office)):
        assert secret not in text


def test_track_accepts_the_code_as_people_type_it(client, world):
    opinion = submit(world)
    typed = codes.display(opinion.code).lower()
    response = post_json(client, "track", {"code": typed, "last4": PHONE[-4:]})
    assert response.status_code == 200


def test_a_failed_lookup_does_not_tell_whether_the_code_exists(client, world):
    opinion = submit(world)
    unknown = codes.generate(10)
    while unknown == opinion.code:
        unknown = codes.generate(10)
    answers = [
        post_json(client, "track", {"code": opinion.code, "last4": "0000"}),
        post_json(client, "track", {"code": unknown, "last4": PHONE[-4:]}),
        post_json(client, "track", {"code": "garbage", "last4": "12"}),
    ]
    assert {r.status_code for r in answers} == {404}
    assert {r.content for r in answers} == {answers[0].content}
    assert answers[0].json() == {"detail": "查询码或手机号后四位不正确"}


def test_a_merged_opinion_follows_its_master(client, world):
    opinion = drive(world, submit(world), OpinionState.MERGED)
    master = opinion.master
    drive(world, master, OpinionState.REPLIED)
    view = post_json(client, "track", {"code": opinion.code, "last4": PHONE[-4:]}).json()
    assert view["merged_into"] and view["state"] == "merged"
    assert view["followed_state"] == "replied" and view["replies"]
    assert not view["can_rate"]


def test_a_declined_opinion_shows_where_to_go(client, world):
    opinion = drive(world, submit(world), OpinionState.DECLINED)
    view = post_json(client, "track", {"code": opinion.code, "last4": PHONE[-4:]}).json()
    assert view["decline_reason"] == "litigation" and "诉讼" in view["decline_note"]


# --- rate ------------------------------------------------------------------------------


def test_rate_closes_a_replied_opinion(client, world):
    opinion = drive(world, submit(world), OpinionState.REPLIED)
    before = AuditEntry.objects.count()
    response = post_json(
        client,
        "rate",
        {"code": opinion.code, "last4": PHONE[-4:], "level": "satisfied", "comment": "很快"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "closed"
    assert response.json()["replies"][-1]["rating"]["level"] == "satisfied"
    assert AuditEntry.objects.count() == before + 1


def test_rate_is_409_when_there_is_nothing_to_rate(client, world):
    opinion = submit(world)
    response = post_json(
        client, "rate", {"code": opinion.code, "last4": PHONE[-4:], "level": "satisfied"}
    )
    assert response.status_code == 409 and HAN.search(response.json()["detail"])


def test_rate_with_wrong_digits_is_the_same_404(client, world):
    opinion = drive(world, submit(world), OpinionState.REPLIED)
    response = post_json(
        client, "rate", {"code": opinion.code, "last4": "9999", "level": "satisfied"}
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "查询码或手机号后四位不正确"}
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.REPLIED


def test_rate_unsatisfied_needs_a_reason(client, world):
    opinion = drive(world, submit(world), OpinionState.REPLIED)
    response = post_json(
        client, "rate", {"code": opinion.code, "last4": PHONE[-4:], "level": "unsatisfied"}
    )
    assert response.status_code == 422 and "comment" in response.json()["detail"]
    response = post_json(
        client, "rate", {"code": opinion.code, "last4": PHONE[-4:], "level": "great"}
    )
    assert response.status_code == 422 and "level" in response.json()["detail"]


# --- meetings --------------------------------------------------------------------------


def meeting_body(world, **overrides) -> dict:
    data = body(world, preferred_time="周六上午", deputy_id=world.deputy.pk)
    for key in ("channel", "address"):
        data.pop(key)
    data.update(overrides)
    return data


def test_ask_to_meet_a_deputy(client, world):
    data = meeting_body(world)
    before = AuditEntry.objects.count()
    response = post_json(client, "meetings", data)
    assert response.status_code == 201, response.content
    assert AuditEntry.objects.count() == before + 1
    meeting = MeetingRequest.objects.get(opinion__code=response.json()["code"])
    assert meeting.deputy == world.deputy and meeting.preferred_time == "周六上午"
    again = post_json(client, "meetings", data)
    assert again.status_code == 200 and again.json()["code"] == response.json()["code"]
    assert MeetingRequest.objects.count() == 1

    view = post_json(client, "track", {"code": response.json()["code"], "last4": PHONE[-4:]})
    assert view.json()["meeting"]["state"] == "requested"
    assert view.json()["meeting"]["deputy_name"] == world.deputy.name


def test_meeting_with_a_deputy_of_another_station_is_422(client, world):
    for deputy_id in (world.other_deputy.pk, 10**6):
        response = post_json(client, "meetings", meeting_body(world, deputy_id=deputy_id))
        assert response.status_code == 422
        assert set(response.json()["detail"]) & {"deputy", "deputy_id"}
    response = post_json(client, "meetings", meeting_body(world, station_code="NOTACODE"))
    assert response.status_code == 422
    assert not MeetingRequest.objects.exists()


def test_meeting_at_any_deputy_of_the_station(client, world):
    response = post_json(client, "meetings", meeting_body(world, deputy_id=None))
    assert response.status_code == 201
    assert MeetingRequest.objects.get().deputy is None


# --- rate limits -----------------------------------------------------------------------


@pytest.fixture
def limits(settings):
    settings.MINQING_RATELIMIT_ENABLED = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "opinions-api-ratelimit",
        }
    }
    caches["default"].clear()
    yield settings
    caches["default"].clear()


def test_submissions_are_limited_per_phone_with_a_friendly_429(client, world, limits):
    limits.MINQING_RATELIMIT_PHONE = "2/d"
    assert post_json(client, "opinions", body(world)).status_code == 201
    assert post_json(client, "opinions", body(world)).status_code == 201
    response = post_json(client, "opinions", body(world))
    assert response.status_code == 429
    assert "提交过于频繁" in response.json()["detail"] and int(response["Retry-After"]) > 0
    # Another phone from the same place is still heard.
    assert (
        post_json(client, "opinions", body(world, citizen_phone="13900002222")).status_code == 201
    )
    assert Opinion.objects.count() == 3


def test_tracking_is_limited_per_code(client, world, limits):
    limits.MINQING_RATELIMIT_TRACK_CODE = "3/h"
    opinion = submit(world)
    for last4 in ("0001", "0002", "0003"):
        assert post_json(client, "track", {"code": opinion.code, "last4": last4}).status_code == 404
    response = post_json(client, "track", {"code": opinion.code, "last4": PHONE[-4:]})
    assert response.status_code == 429 and "查询过于频繁" in response.json()["detail"]
    response = post_json(
        client, "rate", {"code": opinion.code, "last4": PHONE[-4:], "level": "satisfied"}
    )
    assert response.status_code == 429


def test_meeting_requests_are_limited_with_submissions(client, world, limits):
    limits.MINQING_RATELIMIT_IP = "1/h"
    assert post_json(client, "opinions", body(world)).status_code == 201
    assert post_json(client, "meetings", meeting_body(world)).status_code == 429


def test_public_endpoints_need_no_login(client, world):
    opinion = actions.opinion_submit(
        data={**body(world), "photos": []},
        station=world.station,
        channel="qr",
        client_token=uuid.uuid4(),
    )
    response = post_json(client, "track", {"code": opinion.code, "last4": PHONE[-4:]})
    assert response.status_code == 200
    other = StationFactory(region=world.tree.liuan)
    assert post_json(client, "opinions", body(world, station_code=other.code)).status_code == 201


# --- never a 500 -------------------------------------------------------------------------

_anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=2),
)


@given(
    overrides=st.dictionaries(
        st.sampled_from(
            [
                "text",
                "kind",
                "category",
                "address",
                "latitude",
                "longitude",
                "citizen_name",
                "citizen_phone",
                "consent",
                "channel",
                "region_code",
                "client_token",
            ]
        ),
        st.one_of(
            _anything, st.sampled_from(["help", "qr", "web", "urban", "30.5", "13812345678"])
        ),
        max_size=5,
    ),
    photo=st.one_of(st.none(), st.binary(max_size=300)),
)
@hypothesis_settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_submit_never_answers_with_a_server_error(client, world, overrides, photo):
    data = {**body(world), **overrides}
    if photo is None:
        response = client.post(BASE + "opinions", data, content_type="application/json")
    else:
        form = {k: "" if v is None else str(v) for k, v in data.items()}
        form["photos"] = [named(photo, "x.jpg")]
        response = client.post(BASE + "opinions", form)
    assert response.status_code in (200, 201, 400, 422), response.content
    if response.status_code == 422:
        assert chinese(response.json()["detail"])
