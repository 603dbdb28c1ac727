"""The station and deputy pages: home redirect, station inbox, list, register, fast
entry and 随手拍. Permission matrices, one audit entry per write, idempotent rows,
query-count pins."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from minqing.accounts.models import Role
from minqing.core.models import AuditEntry
from minqing.opinions.models import (
    Channel,
    FileKind,
    Kind,
    Opinion,
    OpinionFile,
    OpinionState,
)
from tests.factories import user_with_role
from tests.opinions.factories import OpinionFactory, drive, submit
from tests.opinions.helpers import assert_login_redirect, flashes, get_as, image, post_as
from tests.stations.factories import StationFactory

pytestmark = pytest.mark.django_db

TEXT = "柳岸社区东门外的人行道砖块松动，老人经过时容易绊倒，希望尽快修补。"


# --- helpers -------------------------------------------------------------------------


def codes_on(response) -> set[str]:
    return {o.code for o in response.context["page_obj"]}


@pytest.fixture
def far_station(world):
    return StationFactory(region=world.tree.donghu, name="东湖区代表联络站")


@pytest.fixture
def other_station(world):
    """A station in the same district where the world's deputy does not sit."""
    return StationFactory(region=world.tree.liuan, name="柳岸社区代表联络点")


# --- home ----------------------------------------------------------------------------


def test_home_sends_each_role_to_its_inbox(client, world):
    url = reverse("opinions:home")
    assert_login_redirect(client.get(url))
    assert get_as(client, world.nobody, url).status_code == 403
    expected = {
        world.deputy_user: reverse("opinions:station_inbox"),
        world.station_staff: reverse("opinions:station_inbox"),
        world.office: reverse("opinions:office_inbox"),
        world.unit_staff: reverse("opinions:unit_inbox"),
        world.leader: reverse("opinions:list"),
    }
    for user, target in expected.items():
        response = get_as(client, user, url)
        assert response.status_code == 302, user
        assert response.url == target, user


# --- station inbox ---------------------------------------------------------------------


def test_station_inbox_matrix(client, world, far_station):
    here = submit(world)
    far = OpinionFactory(station=far_station)
    url = reverse("opinions:station_inbox")
    assert_login_redirect(client.get(url))
    for user in (world.nobody, world.leader, world.unit_staff):
        assert get_as(client, user, url).status_code == 403
    for user in (world.station_staff, world.deputy_user, world.office):
        response = get_as(client, user, url)
        assert response.status_code == 200
        assert codes_on(response) == {here.code}
    # Out of scope: the page opens, the other region's opinions never show.
    assert codes_on(get_as(client, world.far_office, url)) == {far.code}
    assert codes_on(get_as(client, world.other_deputy_user, url)) == set()


def test_station_inbox_holds_only_unsettled_opinions_with_row_details(client, world):
    waiting = submit(world, kind=Kind.COMPLAINT)
    drive(world, submit(world), OpinionState.TRIAGE)
    drive(world, submit(world), OpinionState.SUGGESTION)
    Opinion.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    for _ in range(2):
        OpinionFile.objects.create(
            opinion=waiting,
            kind=FileKind.PHOTO,
            file=SimpleUploadedFile("a.png", image()),
            name="照片",
            content_type="image/png",
            size=10,
            sha256="0" * 64,
        )
    response = get_as(client, world.station_staff, reverse("opinions:station_inbox"))
    assert codes_on(response) == {waiting.code}
    html = response.content.decode()
    assert waiting.code in html and waiting.summary in html
    assert "投诉" in html and "扫码反映" in html and "城乡建设" in html
    assert "3天前" in html
    assert "📷 2" in html
    # The citizen's phone is not part of an inbox row.
    assert "13812345678" not in html


def test_station_inbox_filters(client, world):
    a = submit(world, text="望江社区菜市场门口占道经营严重，早上出行拥堵不堪。", category="market")
    b = submit(world, kind=Kind.CONSULT, category="housing")
    url = reverse("opinions:station_inbox")
    client.force_login(world.station_staff)
    assert codes_on(client.get(url, {"q": "菜市场"})) == {a.code}
    assert codes_on(client.get(url, {"q": b.code})) == {b.code}
    assert codes_on(client.get(url, {"kind": Kind.CONSULT})) == {b.code}
    assert codes_on(client.get(url, {"category": "market"})) == {a.code}
    # An unknown filter value is dropped, not an error.
    assert codes_on(client.get(url, {"kind": "nonsense"})) == {a.code, b.code}


def test_station_inbox_counts_open_meeting_requests(client, world):
    from minqing.opinions import actions
    from tests.opinions.factories import citizen_data

    actions.meeting_request(station=world.station, data=citizen_data(), client_token=uuid.uuid4())
    response = get_as(client, world.deputy_user, reverse("opinions:station_inbox"))
    assert response.context["open_meetings"] == 1
    assert "有 1 项约见代表申请待答复" in response.content.decode()


@pytest.mark.parametrize("n", [3, 30])
def test_station_inbox_query_count_is_pinned(client, world, django_assert_num_queries, n):
    for _ in range(n):
        OpinionFactory(station=world.station)
    client.force_login(world.station_staff)
    url = reverse("opinions:station_inbox")
    client.get(url)
    # session, user, grants, count, page, open meetings, region settings.
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["page_obj"]) == n


@pytest.mark.parametrize("n", [3, 30])
def test_station_inbox_query_count_for_a_deputy(client, world, django_assert_num_queries, n):
    for _ in range(n):
        OpinionFactory(station=world.station)
    client.force_login(world.deputy_user)
    url = reverse("opinions:station_inbox")
    client.get(url)
    # session, user, grants, deputy + seats + grids (联系网格), count, page, open meetings,
    # region settings, the groups the deputy leads (代表履职 menu).
    with django_assert_num_queries(11):
        response = client.get(url)
    assert len(response.context["page_obj"]) == n


# --- list -------------------------------------------------------------------------------


def test_list_matrix_and_scope(client, world, far_station, other_station):
    here = submit(world)
    there = OpinionFactory(station=other_station)
    far = OpinionFactory(station=far_station)
    url = reverse("opinions:list")
    assert_login_redirect(client.get(url))
    assert get_as(client, world.nobody, url).status_code == 403
    assert codes_on(get_as(client, world.office, url)) == {here.code, there.code}
    assert codes_on(get_as(client, world.leader, url)) == {here.code, there.code}
    assert codes_on(get_as(client, world.far_office, url)) == {far.code}
    # Station staff and deputies see their own station's opinions only.
    assert codes_on(get_as(client, world.station_staff, url)) == {here.code}
    assert codes_on(get_as(client, world.deputy_user, url)) == {here.code}
    assert codes_on(get_as(client, world.other_deputy_user, url)) == set()
    # Unit staff see what their unit holds.
    assert codes_on(get_as(client, world.unit_staff, url)) == set()
    drive(world, here, OpinionState.FORWARDED)
    assert codes_on(get_as(client, world.unit_staff, url)) == {here.code}
    assert codes_on(get_as(client, world.far_unit_staff, url)) == set()


def test_list_filters(client, world, other_station):
    a = submit(world, category="transport", kind=Kind.SUGGESTION)
    b = drive(world, submit(world), OpinionState.TRIAGE)
    c = OpinionFactory(station=other_station, channel=Channel.PHONE)
    url = reverse("opinions:list")
    client.force_login(world.office)

    def codes(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return codes_on(response)

    assert codes(state=OpinionState.TRIAGE) == {b.code}
    assert codes(kind=Kind.SUGGESTION) == {a.code}
    assert codes(category="transport") == {a.code}
    assert codes(channel=Channel.PHONE) == {c.code}
    assert codes(station=other_station.pk) == {c.code}
    assert codes(station=world.station.pk) == {a.code, b.code}
    assert codes(q=c.code) == {c.code}
    assert codes(state="triage", station=world.station.pk) == {b.code}


def test_list_station_filter_offers_only_visible_stations(client, world, far_station):
    response = get_as(client, world.office, reverse("opinions:list"))
    offered = {s.pk for s in response.context["form"].fields["station"].queryset}
    assert world.station.pk in offered and far_station.pk not in offered
    # A station outside the reader's scope cannot be chosen.
    response = client.get(reverse("opinions:list"), {"station": far_station.pk})
    assert "station" in response.context["form"].errors


@pytest.mark.parametrize("n", [3, 30])
def test_list_query_count_is_pinned(client, world, django_assert_num_queries, n):
    for i in range(n):
        OpinionFactory(station=world.station, state="triage" if i % 2 else "received")
    client.force_login(world.office)
    url = reverse("opinions:list")
    client.get(url)
    # session, user, grants, count, page, region settings, station filter options.
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["page_obj"]) == n


# --- register ---------------------------------------------------------------------------


def register_data(world, **overrides) -> dict:
    data = {
        "station": world.station.pk,
        "channel": Channel.VISIT,
        "kind": Kind.HELP,
        "category": "urban",
        "text": TEXT,
        "address": "柳岸社区东门",
        "citizen_name": "赵桂兰",
        "citizen_phone": "13711112222",
        "consent": "on",
        "client_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_register_page_matrix(client, world, far_station):
    url = reverse("opinions:register")
    assert_login_redirect(client.get(url))
    for user in (world.nobody, world.leader, world.unit_staff):
        assert get_as(client, user, url).status_code == 403

    def offered(user):
        response = get_as(client, user, url)
        assert response.status_code == 200
        return set(response.context["form"].fields["station"].queryset)

    assert offered(world.station_staff) == {world.station}
    assert offered(world.deputy_user) == {world.station}
    assert world.station in offered(world.office) and far_station not in offered(world.office)
    assert offered(world.far_office) == {far_station}


def test_register_post_matrix(client, world, far_station):
    url = reverse("opinions:register")
    assert_login_redirect(client.post(url, register_data(world)))
    for user in (world.nobody, world.leader, world.unit_staff):
        assert post_as(client, user, url, register_data(world)).status_code == 403
    # Out of scope: the far office cannot register at this station.
    response = post_as(client, world.far_office, url, register_data(world))
    assert response.status_code == 200 and response.context["form"].errors["station"]
    assert not Opinion.objects.exists()


def test_register_creates_one_opinion_with_one_audit_entry(client, world):
    client.force_login(world.station_staff)
    data = register_data(world)
    before = AuditEntry.objects.count()
    response = client.post(reverse("opinions:register"), data)
    opinion = Opinion.objects.get(client_token=data["client_token"])
    assert response.status_code == 302
    assert response.url == reverse("opinions:detail", args=[opinion.pk])
    assert AuditEntry.objects.count() - before == 1
    assert AuditEntry.objects.latest("id").verb == "opinion.register"
    assert (opinion.channel, opinion.station, opinion.created_by) == (
        Channel.VISIT,
        world.station,
        world.station_staff,
    )
    assert opinion.citizen_phone == "13711112222" and opinion.consent_at is not None
    assert any(opinion.code in m for m in flashes(response))
    # The same form sent again (a double click, a reload) keeps the one opinion.
    again = client.post(reverse("opinions:register"), data)
    assert again.status_code == 302 and again.url == response.url
    assert Opinion.objects.filter(text=TEXT).count() == 1
    assert AuditEntry.objects.count() - before == 1


def test_register_without_mobile_and_consent(client, world):
    client.force_login(world.deputy_user)
    data = register_data(world, citizen_phone="", consent="", channel=Channel.LETTER)
    assert client.post(reverse("opinions:register"), data).status_code == 302
    opinion = Opinion.objects.get(client_token=data["client_token"])
    assert opinion.citizen_phone == "" and opinion.consent_at is None
    assert opinion.created_by == world.deputy_user


def test_register_refuses_bad_input_in_chinese(client, world):
    client.force_login(world.station_staff)
    response = client.post(
        reverse("opinions:register"),
        register_data(
            world, text="太短", citizen_name="", citizen_phone="123", kind="", channel="qr"
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "至少需要 10 个字" in errors["text"][0]
    assert errors["citizen_name"] == ["请填写群众姓名"]
    assert errors["citizen_phone"] == ["请填写正确的 11 位手机号码"]
    assert "请选择反映类型" in errors["kind"][0]
    assert errors["channel"] == ["请选择登记渠道"]
    assert not Opinion.objects.exists()


def test_register_at_a_station_outside_scope_is_refused(client, world, far_station):
    client.force_login(world.station_staff)
    response = client.post(
        reverse("opinions:register"), register_data(world, station=far_station.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["station"] == ["所选联络站不存在或您不能在该站登记"]
    assert not Opinion.objects.exists()


def test_register_refuses_a_disguised_photo_without_a_500(client, world):
    client.force_login(world.station_staff)
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = client.post(reverse("opinions:register"), {**register_data(world), "photos": fake})
    assert response.status_code == 200
    assert "不是 JPEG、PNG 或 WebP 图片" in response.context["form"].errors["photos"][0]
    assert not Opinion.objects.exists()


def test_register_stores_a_photo(client, world):
    client.force_login(world.station_staff)
    data = register_data(world)
    photo = SimpleUploadedFile("门口.png", image(), content_type="image/png")
    response = client.post(reverse("opinions:register"), {**data, "photos": [photo]})
    assert response.status_code == 302
    opinion = Opinion.objects.get(client_token=data["client_token"])
    stored = opinion.files.get()
    assert stored.kind == FileKind.PHOTO and stored.content_type == "image/png"
    assert "门口" not in stored.file.name


# --- fast entry -------------------------------------------------------------------------


def setup_params(world, **overrides) -> dict:
    params = {
        "station": world.station.pk,
        "channel": Channel.BOOTH,
        "date": timezone.localdate().isoformat(),
    }
    params.update(overrides)
    return params


def row(world, name: str, **overrides) -> dict:
    data = {
        **setup_params(world),
        "citizen_name": name,
        "citizen_phone": "",
        "kind": Kind.HELP,
        "text": f"{name}反映：小区门前的排水沟堵塞，下雨天积水没过脚踝。",
        "client_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


HTMX = {"HTTP_HX_REQUEST": "true"}


def test_fast_entry_matrix(client, world, far_station):
    url = reverse("opinions:fast_entry")
    assert_login_redirect(client.get(url))
    for user in (world.nobody, world.leader, world.unit_staff):
        assert get_as(client, user, url).status_code == 403
        assert post_as(client, user, url, row(world, "张三")).status_code == 403
    # Without a session, the setup form; with one, the row form.
    response = get_as(client, world.station_staff, url)
    assert response.status_code == 200 and "row_form" not in response.context
    response = client.get(url, setup_params(world))
    assert response.status_code == 200 and "row_form" in response.context
    # A station outside the reader's scope is not a session.
    response = client.get(url, setup_params(world, station=far_station.pk))
    assert "row_form" not in response.context
    assert response.context["setup_form"].errors["station"]
    response = post_as(client, world.station_staff, url, row(world, "张三", station=far_station.pk))
    assert "row_form" not in response.context
    # Sent by htmx, the whole page reloads to the setup form.
    response = client.post(url, row(world, "张三", station=far_station.pk), **HTMX)
    assert response["HX-Redirect"] == url
    assert not Opinion.objects.exists()
    # A future reception day is refused.
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.get(url, setup_params(world, date=tomorrow))
    assert response.context["setup_form"].errors["date"] == ["接待日期不能晚于今天"]


def test_fast_entry_three_rows_make_three_opinions_and_a_resent_row_is_kept_once(client, world):
    client.force_login(world.station_staff)
    url = reverse("opinions:fast_entry")
    before = AuditEntry.objects.count()
    rows = [row(world, name) for name in ("张建国", "李秀梅", "王德明")]
    for i, data in enumerate(rows, start=1):
        response = client.post(url, data, **HTMX)
        assert response.status_code == 200
        saved = response.context["rows"]
        assert len(saved) == i
        html = response.content.decode()
        assert saved[-1].code in html and f"已登记 {data['citizen_name']}" in html
        # The form comes back empty, on a fresh token, focused on the name.
        form = response.context["row_form"]
        assert not form.is_bound
        assert str(form["client_token"].value()) != data["client_token"]
        assert form.fields["citizen_name"].widget.attrs.get("autofocus")
    opinions = Opinion.objects.filter(created_by=world.station_staff)
    assert opinions.count() == 3
    assert {o.channel for o in opinions} == {Channel.BOOTH}
    assert all(o.code and o.station == world.station for o in opinions)
    assert AuditEntry.objects.count() - before == 3
    # The second row again (a network retry): kept once, and the list shows it once.
    response = client.post(url, rows[1], **HTMX)
    assert Opinion.objects.filter(created_by=world.station_staff).count() == 3
    assert AuditEntry.objects.count() - before == 3
    assert len(response.context["rows"]) == 3
    assert "这一行已保存过" in response.content.decode()


def test_fast_entry_row_errors_are_inline_in_chinese(client, world):
    client.force_login(world.station_staff)
    url = reverse("opinions:fast_entry")
    response = client.post(url, row(world, "", text="短", citizen_phone="12"), **HTMX)
    assert response.status_code == 200
    form = response.context["row_form"]
    assert form.errors["citizen_name"] == ["请填写群众姓名"]
    assert form.errors["citizen_phone"] == ["请填写正确的 11 位手机号码"]
    assert "至少需要 10 个字" in form.errors["text"][0]
    html = response.content.decode()
    assert "请填写群众姓名" in html
    # The first field in error takes the focus; nothing was saved.
    assert form.fields["citizen_name"].widget.attrs.get("autofocus")
    assert not Opinion.objects.exists()
    response = client.post(url, row(world, "张三", text="短"), **HTMX)
    assert response.context["row_form"].fields["text"].widget.attrs.get("autofocus")


def test_fast_entry_works_without_javascript(client, world):
    client.force_login(world.deputy_user)
    url = reverse("opinions:fast_entry")
    data = row(world, "陈志强", citizen_phone="13600001111")
    response = client.post(url, {**data, "consent": "on"})
    assert response.status_code == 302
    assert response.url.startswith(url + "?") and f"station={world.station.pk}" in response.url
    opinion = Opinion.objects.get()
    assert opinion.citizen_phone == "13600001111" and opinion.consent_at is not None
    assert any(opinion.code in m for m in flashes(response))
    page = client.get(response.url)
    assert [o.code for o in page.context["rows"]] == [opinion.code]


# --- 随手拍 -------------------------------------------------------------------------------


def report_data(**overrides) -> dict:
    data = {
        "kind": Kind.SUGGESTION,
        "category": "transport",
        "text": "滨江路与望江路口的红绿灯时长太短，行人过街来不及，建议延长。",
        "address": "滨江路与望江路口",
        "latitude": "30.123456",
        "longitude": "120.654321",
        "client_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_report_matrix(client, world):
    url = reverse("opinions:report")
    assert_login_redirect(client.get(url))
    for user in (world.nobody, world.station_staff, world.office, world.leader):
        assert get_as(client, user, url).status_code == 403
        assert post_as(client, user, url, report_data()).status_code == 403
    response = get_as(client, world.deputy_user, url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "使用当前位置" in html and "minqing/js/report.js" in html
    assert 'capture="environment"' in html
    # A deputy without a station may still report (to their region's office).
    assert get_as(client, world.other_deputy_user, url).status_code == 200


def test_report_creates_the_deputys_opinion(client, world):
    client.force_login(world.deputy_user)
    data = report_data()
    photo = SimpleUploadedFile("路口.png", image(), content_type="image/png")
    before = AuditEntry.objects.count()
    response = client.post(reverse("opinions:report"), {**data, "photos": photo})
    opinion = Opinion.objects.get(client_token=data["client_token"])
    assert response.status_code == 302
    assert response.url == reverse("opinions:detail", args=[opinion.pk])
    assert AuditEntry.objects.count() - before == 1
    assert opinion.channel == Channel.DEPUTY_PHOTO
    assert opinion.raised_by_deputy == world.deputy and opinion.station == world.station
    assert str(opinion.latitude) == "30.123456" and opinion.files.count() == 1
    # The deputy reaches it afterwards.
    assert client.get(response.url).status_code == 200


def test_a_deputy_without_a_station_reports_to_their_regions_office(client, world):
    client.force_login(world.other_deputy_user)
    data = report_data(latitude="", longitude="")
    response = client.post(reverse("opinions:report"), data)
    opinion = Opinion.objects.get(client_token=data["client_token"])
    assert response.status_code == 302
    assert opinion.station is None and opinion.region == world.tree.town
    assert client.get(response.url).status_code == 200
    assert get_as(client, world.office, response.url).status_code == 200


def test_report_refuses_half_a_position_and_short_text(client, world):
    client.force_login(world.deputy_user)
    response = client.post(reverse("opinions:report"), report_data(longitude="", text="太短了"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["longitude"] == ["经度和纬度须同时填写"]
    assert "至少需要 10 个字" in errors["text"][0]
    response = client.post(reverse("opinions:report"), report_data(latitude="95"))
    assert response.context["form"].errors["latitude"] == ["坐标超出范围"]
    assert not Opinion.objects.exists()


def test_report_at_a_station_where_the_deputy_does_not_sit(client, world, other_station):
    client.force_login(world.deputy_user)
    response = client.post(reverse("opinions:report"), report_data(station=other_station.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["station"] == ["您不是该联络站的进站代表"]
    assert not Opinion.objects.exists()


def test_station_staff_of_another_station_is_out_of_scope(client, world, other_station):
    staff = user_with_role(Role.STATION_STAFF, station=other_station)
    mine = OpinionFactory(station=other_station)
    submit(world)
    response = get_as(client, staff, reverse("opinions:station_inbox"))
    assert codes_on(response) == {mine.code}
