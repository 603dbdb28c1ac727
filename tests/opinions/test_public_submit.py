"""The citizen raises an opinion or asks to meet a deputy: station form, general web
form with the cascading region picker, errors in Chinese, idempotent resends, the
confirmation page, rate limits and hostile uploads."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from PIL import Image

from minqing.core.models import AuditEntry
from minqing.opinions.models import Channel, MeetingRequest, Opinion, OpinionFile
from minqing.stations.states import StationStatus
from tests.opinions.factories import VALID_TEXT
from tests.opinions.helpers import jpeg_with_gps, named
from tests.stations.factories import StationFactory

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def station_url(world) -> str:
    return reverse("citizen:station_submit", args=[world.station.code])


def form_data(**overrides) -> dict:
    data = {
        "client_token": str(uuid.uuid4()),
        "text": VALID_TEXT,
        "kind": "help",
        "category": "urban",
        "address": "望江社区3号楼",
        "latitude": "",
        "longitude": "",
        "citizen_name": "王秀英",
        "citizen_phone": "138 1234 5678",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- the station form ---------------------------------------------------------------


def test_station_form_renders_for_a_phone(client, world):
    response = client.get(station_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert world.station.name in page
    token = re.search(r'name="client_token" value="([0-9a-f-]{36})"', page)
    assert token and uuid.UUID(token[1]).version == 4
    assert 'accept="image/jpeg,image/png,image/webp"' in page and "multiple" in page
    assert "capture=" in page
    for kind in ("咨询", "求助", "投诉", "举报", "建议"):
        assert kind in page
    assert "城乡建设" in page  # categories from the region's taxonomy
    assert "使用当前位置" in page and "minqing/js/opinion_form.js" in page
    assert 'name="consent"' in page
    # A fresh token on every rendering: two tabs are two submissions.
    again = client.get(station_url(world)).content.decode()
    assert re.search(r'name="client_token" value="([0-9a-f-]{36})"', again)[1] != token[1]


def test_station_submit_with_a_photo_stores_it_without_exif(client, world):
    data = form_data(latitude="30.251234", longitude="120.161234")
    data["photos"] = [named(jpeg_with_gps(), "现场.jpg")]
    before = AuditEntry.objects.count()
    response = client.post(station_url(world), data)
    assert response.status_code == 302
    assert response.url == reverse("citizen:done")
    opinion = Opinion.objects.get()
    assert opinion.station == world.station and opinion.region == world.station.region
    assert opinion.channel == Channel.QR
    assert opinion.citizen_phone == "13812345678" and opinion.consent_at is not None
    assert str(opinion.latitude) == "30.251234"
    assert str(opinion.client_token) == data["client_token"]
    assert AuditEntry.objects.count() - before == 1
    photo = OpinionFile.objects.get(opinion=opinion)
    stored = photo.file.read()
    assert photo.content_type == "image/jpeg"
    assert b"MinqingCam" not in stored and b"Exif" not in stored
    im = Image.open(io.BytesIO(stored))
    assert dict(im.getexif()) == {}
    assert "现场" not in photo.file.name  # random stored name


def test_done_page_shows_the_code_from_the_session_only(client, world):
    client.post(station_url(world), form_data())
    opinion = Opinion.objects.get()
    page = client.get(reverse("citizen:done")).content.decode()
    assert opinion.code[:4] in page and "凭查询码和手机号后四位查询" in page
    assert f'data-copy="{opinion.code}"' in page
    assert "王秀英" not in page and "13812345678" not in page
    # Another browser (no session) sees no code, whatever it puts in the URL.
    other = type(client)()
    response = other.get(reverse("citizen:done") + f"?code={opinion.code}")
    assert response.status_code == 302 and response.url == reverse("citizen:track")


def test_resending_the_same_token_returns_the_same_opinion(client, world):
    data = form_data()
    first = client.post(station_url(world), data)
    code = Opinion.objects.get().code
    # The double click arrives from another connection without the session.
    other = type(client)()
    again = other.post(station_url(world), data)
    assert first.status_code == again.status_code == 302
    assert Opinion.objects.count() == 1
    assert code in other.get(reverse("citizen:done")).content.decode().replace("-", "")


def test_web_form_with_a_region(client, world):
    tree = world.tree
    page = client.get(reverse("citizen:submit")).content.decode()
    # One province in this tree: the picker starts inside it, showing its cities.
    assert "澜江省" in page and "澜州市" in page and "临川市" in page
    assert "htmx.min.js" in page
    data = form_data(region=tree.wangjiang.code, category="")
    response = client.post(reverse("citizen:submit"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    opinion = Opinion.objects.get()
    assert opinion.region == tree.wangjiang and opinion.station is None
    assert opinion.channel == Channel.WEB


def test_web_form_takes_the_deepest_region_of_the_cascade(client, world):
    tree = world.tree
    data = form_data()
    # The selects post province, city, district, street and an unchosen community
    # ("请选择" carries its parent's code): the last one wins.
    data["region"] = [tree.province.code, tree.city.code, tree.binjiang.code, tree.street.code]
    data["region"].append(tree.street.code)
    assert client.post(reverse("citizen:submit"), data).status_code == 302
    assert Opinion.objects.get().region == tree.street


@pytest.mark.parametrize(
    "region, message",
    [
        ("", "请选择事项所在的区域"),
        ("city", "请继续选择下一级区域"),
        ("999999", "请选择事项所在的区域"),
    ],
)
def test_web_form_region_errors(client, world, region, message):
    code = world.tree.city.code if region == "city" else region
    response = client.post(reverse("citizen:submit"), form_data(region=code))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Opinion.objects.exists()


def test_region_picker_endpoint_lists_children(client, world):
    tree = world.tree
    html = client.get(reverse("citizen:regions"), {"region": tree.street.code}).content.decode()
    for name in ("澜江省", "澜州市", "滨江区", "江滨街道", "望江社区", "柳岸社区"):
        assert name in html
    assert "云溪镇" not in html  # another district's township
    assert html.count("<select") == 5  # province, city, district, street, community
    assert f'<option value="{tree.street.code}">' in html  # "请选择" goes back to the street
    # An unknown or malformed code starts again from the provinces.
    top = client.get(reverse("citizen:regions"), {"region": "<x>"}).content.decode()
    assert top.count("<select") == 1 and "澜江省" in top


def test_web_form_starts_from_a_region_in_the_query(client, world):
    tree = world.tree
    page = client.get(reverse("citizen:submit"), {"region": tree.street.code}).content.decode()
    assert f'<option value="{tree.street.code}" selected>' in page
    assert "望江社区" in page and "柳岸社区" in page


def test_inactive_regions_are_neither_listed_nor_accepted(client, world):
    tree = world.tree
    type(tree.liuan).objects.filter(pk=tree.liuan.pk).update(is_active=False)
    html = client.get(reverse("citizen:regions"), {"region": tree.street.code}).content.decode()
    assert "望江社区" in html and "柳岸社区" not in html
    response = client.post(reverse("citizen:submit"), form_data(region=tree.liuan.code))
    assert "请选择事项所在的区域" in response.content.decode()
    assert not Opinion.objects.exists()


def test_region_picker_query_count_does_not_grow(client, world, django_assert_num_queries):
    with django_assert_num_queries(3):  # region, its ancestors, the options
        client.get(reverse("citizen:regions"), {"region": world.tree.wangjiang.code})


# --- bad input ----------------------------------------------------------------------

FIELD_ERRORS = [
    ({"text": ""}, "text", "请填写反映内容"),
    ({"text": "太短了"}, "text", "至少需要 10 个字"),
    ({"text": "长" * 2001}, "text", "不能超过 2000 个字"),
    ({"kind": None}, "kind", "请选择反映类型"),
    ({"kind": "other"}, "kind", "请选择反映类型"),
    ({"category": "nonsense"}, "category", "所选分类不存在"),
    ({"address": "路" * 201}, "address", "地址不能超过 200 个字"),
    ({"latitude": "91", "longitude": "120"}, "latitude", "坐标超出范围"),
    ({"latitude": "abc", "longitude": "120"}, "latitude", "坐标须为数字"),
    ({"latitude": "30.1", "longitude": ""}, "longitude", "经度和纬度须同时填写"),
    ({"citizen_name": ""}, "citizen_name", "请填写姓名"),
    ({"citizen_name": "王2"}, "citizen_name", "姓名中不能含有数字"),
    ({"citizen_phone": ""}, "citizen_phone", "请填写手机号码"),
    ({"citizen_phone": "12345"}, "citizen_phone", "请填写正确的 11 位手机号码"),
    ({"consent": None}, "consent", "请阅读并同意个人信息处理说明"),
    ({"client_token": "not-a-uuid"}, "client_token", "页面已过期"),
]


@pytest.mark.parametrize(
    "overrides, field, message", FIELD_ERRORS, ids=[f[1] for f in FIELD_ERRORS]
)
def test_every_field_error_is_in_chinese_and_keeps_the_input(
    client, world, overrides, field, message
):
    data = form_data(**overrides)
    response = client.post(station_url(world), data)
    assert response.status_code == 200
    assert not Opinion.objects.exists()
    errors = response.context["form"].errors[field]
    assert any(message in e for e in errors), errors
    assert all(CJK.search(e) for errors in response.context["form"].errors.values() for e in errors)
    page = response.content.decode()
    assert message in page
    # What the citizen typed is still there.
    if field != "citizen_name":
        assert "王秀英" in page
    if field != "text":
        assert VALID_TEXT in page
    # The token survives a re-render when it was valid, so a later resend still matches.
    if field != "client_token":
        assert data["client_token"] in page
    else:
        assert re.search(r'name="client_token" value="[0-9a-f-]{36}"', page)


def test_all_errors_at_once_and_photos_must_be_chosen_again(client, world):
    data = form_data(text="", kind=None, citizen_phone="1", consent=None)
    data["photos"] = [named(jpeg_with_gps(), "现场.jpg")]
    response = client.post(station_url(world), data)
    errors = response.context["form"].errors
    assert {"text", "kind", "citizen_phone", "consent"} <= set(errors)
    assert "请重新选择照片" in response.content.decode()


@pytest.mark.parametrize(
    "payload, message",
    [
        (b"%PDF-1.4 not a photo", "不是 JPEG、PNG 或 WebP 图片"),
        (None, "已损坏或不完整"),  # a truncated JPEG
        (b"", "是空文件"),
    ],
)
def test_bad_photos_are_refused_with_a_message(client, world, payload, message):
    if payload is None:
        payload = jpeg_with_gps((300, 200))[:200]
    data = form_data()
    data["photos"] = [named(payload, "a.jpg")]
    response = client.post(station_url(world), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["photos"])
    assert "a.jpg" in response.content.decode()  # the message names the file
    assert not Opinion.objects.exists()


def test_more_than_six_photos_are_refused(client, world):
    data = form_data()
    data["photos"] = [named(jpeg_with_gps(), f"{i}.jpg") for i in range(7)]
    response = client.post(station_url(world), data)
    assert response.status_code == 200
    assert "最多上传 6 张照片" in response.content.decode()
    assert not Opinion.objects.exists()


def test_suspended_station_refuses(client, world):
    station = StationFactory(region=world.tree.street, status=StationStatus.SUSPENDED)
    url = reverse("citizen:station_submit", args=[station.code])
    page = client.get(url).content.decode()
    assert "目前不在接待期" in page and 'id="opinion-form"' not in page
    response = client.post(url, form_data())
    assert response.status_code == 200
    assert "目前不在接待期" in response.content.decode()
    assert not Opinion.objects.exists()
    meet = reverse("citizen:meet", args=[station.code])
    assert "目前不在接待期" in client.post(meet, form_data()).content.decode()
    assert not MeetingRequest.objects.exists()


@pytest.mark.parametrize("status", [StationStatus.PLANNED, StationStatus.CLOSED])
def test_unpublished_stations_are_404(client, world, status):
    station = StationFactory(region=world.tree.street, status=status)
    assert client.get(reverse("citizen:station_submit", args=[station.code])).status_code == 404
    assert client.get(reverse("citizen:meet", args=[station.code])).status_code == 404


def test_hand_typed_station_code_redirects(client, world):
    typed = world.station.code.lower()
    response = client.get(f"/o/s/{typed}/")
    assert response.status_code == 302 and response.url == station_url(world)


def test_station_page_links_to_the_citizen_pages(client, world):
    page = client.get(reverse("public:station", args=[world.station.code])).content.decode()
    section = page.split('id="raise-opinion"', 1)[1].split("</section>", 1)[0]
    assert station_url(world) in section and "在线反映" in section
    assert reverse("citizen:meet", args=[world.station.code]) in section
    assert reverse("citizen:track") in section
    assert "即将在本页开通" not in section
    assert "在接待时间到站" in section and "拨打站点电话" in section


def test_suspended_station_page_offers_the_web_form_instead(client, world):
    station = StationFactory(region=world.tree.street, status=StationStatus.SUSPENDED)
    page = client.get(reverse("public:station", args=[station.code])).content.decode()
    section = page.split('id="raise-opinion"', 1)[1].split("</section>", 1)[0]
    assert reverse("citizen:submit") in section
    assert reverse("citizen:station_submit", args=[station.code]) not in section


# --- meeting a deputy ---------------------------------------------------------------


def test_meet_form_lists_the_station_deputies_by_name_only(client, world):
    page = client.get(reverse("citizen:meet", args=[world.station.code])).content.decode()
    assert world.deputy.name in page and "任一代表" in page
    assert world.other_deputy.name not in page  # not seated here


def test_meeting_request_with_a_named_deputy(client, world):
    url = reverse("citizen:meet", args=[world.station.code])
    data = form_data(deputy=str(world.deputy.pk), preferred_time="下周三上午")
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == reverse("citizen:done")
    meeting = MeetingRequest.objects.select_related("opinion").get()
    assert meeting.deputy == world.deputy and meeting.preferred_time == "下周三上午"
    assert meeting.opinion.station == world.station
    assert "约见申请已提交" in client.get(reverse("citizen:done")).content.decode()


def test_meeting_request_errors(client, world):
    url = reverse("citizen:meet", args=[world.station.code])
    data = form_data(deputy=str(world.other_deputy.pk), text="短", preferred_time="时" * 101)
    response = client.post(url, data)
    errors = response.context["form"].errors
    assert "该代表不在本联络站" in errors["deputy"][0]
    assert "约见事由至少需要 10 个字" in errors["text"][0]
    assert "希望时间不能超过 100 个字" in errors["preferred_time"][0]
    assert not MeetingRequest.objects.exists()


# --- rate limits --------------------------------------------------------------------


def test_the_n_plus_first_submission_is_refused_with_429(client, world, settings):
    settings.MINQING_RATELIMIT_ENABLED = True
    settings.MINQING_RATELIMIT_IP = "100/h"
    settings.MINQING_RATELIMIT_PHONE = "2/d"
    cache.clear()
    first = form_data()
    assert client.post(station_url(world), first).status_code == 302
    assert client.post(station_url(world), form_data()).status_code == 302
    response = client.post(station_url(world), form_data())
    assert response.status_code == 429
    page = response.content.decode()
    assert "提交过于频繁" in page and "如有急事请直接拨打联络站电话" in page
    assert int(response["Retry-After"]) > 0
    assert Opinion.objects.count() == 2
    # A resend of a stored submission is answered without counting against the limit.
    assert client.post(station_url(world), first).status_code == 302
    # Another phone from the same IP is still welcome.
    other_phone = form_data(citizen_phone="13900001111")
    assert client.post(station_url(world), other_phone).status_code == 302
    cache.clear()


def test_meeting_requests_share_the_submission_limit(client, world, settings):
    settings.MINQING_RATELIMIT_ENABLED = True
    settings.MINQING_RATELIMIT_PHONE = "1/d"
    cache.clear()
    assert client.post(station_url(world), form_data()).status_code == 302
    meet = reverse("citizen:meet", args=[world.station.code])
    assert client.post(meet, form_data()).status_code == 429
    cache.clear()


def test_invalid_forms_do_not_use_up_the_allowance(client, world, settings):
    settings.MINQING_RATELIMIT_ENABLED = True
    settings.MINQING_RATELIMIT_PHONE = "1/d"
    cache.clear()
    for _ in range(3):
        assert client.post(station_url(world), form_data(text="短")).status_code == 200
    assert client.post(station_url(world), form_data()).status_code == 302
    cache.clear()


# --- hostile uploads ----------------------------------------------------------------

_JPEG = jpeg_with_gps((40, 30))


@hsettings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    blobs=st.lists(
        st.one_of(
            st.binary(max_size=300),
            st.integers(min_value=0, max_value=len(_JPEG)).map(lambda n: _JPEG[:n]),
            st.binary(max_size=64).map(lambda b: b"\xff\xd8\xff" + b),
            st.binary(max_size=64).map(lambda b: b"\x89PNG\r\n\x1a\n" + b),
            st.binary(max_size=64).map(lambda b: b"RIFF\x00\x00\x00\x00WEBP" + b),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_random_and_truncated_photos_never_give_a_500(client, world, blobs):
    data = form_data()
    data["photos"] = [named(b, f"{i}.jpg") for i, b in enumerate(blobs)]
    response = client.post(station_url(world), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors
