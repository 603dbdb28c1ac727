"""Staff pages: the permission matrix, sub-actions, query-count pins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from minqing.accounts.models import Role, RoleGrant
from minqing.core.models import AuditEntry
from minqing.stations.models import ReceptionDay, ReceptionSchedule, Station, StationDeputy
from minqing.stations.states import StationStatus
from tests.factories import UserFactory
from tests.stations.factories import (
    DeputyFactory,
    ReceptionDayFactory,
    ScheduleFactory,
    StationFactory,
    seat,
)


def get_as(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


def post_as(client, user, url, data=None):
    if user is not None:
        client.force_login(user)
    return client.post(url, data or {})


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- GET pages ----------------------------------------------------------------------------

STATION_PAGES = [
    "stations:station_detail",
    "stations:station_edit",
    "stations:station_qr_svg",
    "stations:station_qr_png",
    "stations:station_poster",
]


@pytest.mark.parametrize("name", STATION_PAGES)
def test_station_page_matrix(client, users, stations, name):
    url = reverse(name, args=[stations.a.pk])
    assert_login_redirect(client.get(url))
    assert get_as(client, users.nobody, url).status_code == 404
    assert get_as(client, users.outscope, url).status_code == 404
    assert get_as(client, users.inscope, url).status_code == 200
    assert get_as(client, users.staff_a, url).status_code == 200
    # Station staff of a do not see station b at all.
    assert get_as(client, users.staff_a, reverse(name, args=[stations.b.pk])).status_code == 404
    # View-only roles see the station but may not edit it.
    expected = 403 if name == "stations:station_edit" else 200
    assert get_as(client, users.viewer, url).status_code == expected


def test_list_matrix(client, users, stations):
    url = reverse("stations:station_list")
    assert_login_redirect(client.get(url))
    assert get_as(client, users.nobody, url).status_code == 403

    def names(user):
        response = get_as(client, user, url)
        assert response.status_code == 200
        return {s.name for s in response.context["page_obj"]}

    assert names(users.inscope) == {stations.a.name, stations.b.name}
    assert names(users.outscope) == {stations.far.name}
    assert names(users.staff_a) == {stations.a.name}


def test_list_search_and_filters(client, tree, users, stations):
    StationFactory(region=tree.village, name="石桥村代表联系点", kind="point", status="planned")
    client.force_login(users.inscope)
    url = reverse("stations:station_list")

    def names(**params):
        return {s.name for s in client.get(url, params).context["page_obj"]}

    assert names(q="望江") == {"望江社区代表联络站"}
    assert names(q=stations.b.code.lower()[:5]) == {"柳岸社区代表联络站"}
    assert names(q=stations.a.address) == {"望江社区代表联络站"}
    assert names(kind="point") == {"石桥村代表联系点"}
    assert names(status="planned") == {"石桥村代表联系点"}
    assert names(region=tree.yunxi.code) == {"石桥村代表联系点"}
    assert names(region=tree.street.code) == {"望江社区代表联络站", "柳岸社区代表联络站"}
    # A region outside the user's scope filters to nothing rather than leaking.
    assert names(region=tree.donghu.code) == set()
    response = client.get(url)
    region_options = [c[0] for c in response.context["form"].fields["region"].widget.choices]
    assert tree.city.code in region_options and tree.donghu.code not in region_options


def _fill_list(tree, n):
    for i in range(n):
        station = StationFactory(region=tree.wangjiang if i % 2 else tree.village)
        seat(station, DeputyFactory(region=tree.wangjiang))


@pytest.mark.parametrize("n", [3, 30])
def test_list_query_count_does_not_grow(client, tree, users, django_assert_num_queries, n):
    _fill_list(tree, n)
    client.force_login(users.inscope)
    url = reverse("stations:station_list")
    client.get(url)  # warm the content-type and session caches
    # session, user, grants, filter regions (2), count, page.
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["page_obj"]) == n + 2  # and stations a and b


def test_create_page_matrix(client, tree, users):
    url = reverse("stations:station_create")
    assert_login_redirect(client.get(url))
    assert get_as(client, users.nobody, url).status_code == 403
    assert get_as(client, users.viewer, url).status_code == 403
    assert get_as(client, users.staff_a, url).status_code == 403
    assert get_as(client, users.inscope, url).status_code == 200
    response = get_as(client, users.outscope, url)
    assert response.status_code == 200
    # The out-of-scope user cannot pick a region of 澜州市.
    regions = response.context["form"].fields["region"].queryset
    assert tree.donghu in regions and tree.wangjiang not in regions


def test_create_station(client, tree, users):
    client.force_login(users.inscope)
    data = {"name": "望江社区代表联系点", "kind": "point", "region": tree.wangjiang.code}
    response = client.post(reverse("stations:station_create"), data)
    station = Station.objects.get(name="望江社区代表联系点")
    assert response.status_code == 302
    assert response.url == reverse("stations:station_detail", args=[station.pk])
    assert station.status == StationStatus.PLANNED
    assert AuditEntry.objects.filter(verb="station.create").count() == 1


def test_create_station_out_of_scope_region_is_refused(client, tree, users):
    client.force_login(users.outscope)
    data = {"name": "越界", "kind": "point", "region": tree.wangjiang.code}
    response = client.post(reverse("stations:station_create"), data)
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not Station.objects.filter(name="越界").exists()


def test_create_form_errors_in_chinese(client, users):
    client.force_login(users.inscope)
    response = client.post(reverse("stations:station_create"), {})
    errors = response.context["form"].errors
    assert errors["name"] == ["请填写名称。"]
    assert errors["region"] == ["请选择所在区域。"]


def test_edit_station(client, tree, users, stations):
    client.force_login(users.staff_a)
    url = reverse("stations:station_edit", args=[stations.a.pk])
    data = {
        "name": "望江社区人大代表联络站",
        "kind": "station",
        "region": tree.wangjiang.code,
        "address": "望江路8号",
        "opening_hours": "每天 9:00–17:00",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    stations.a.refresh_from_db()
    assert stations.a.name == "望江社区人大代表联络站"
    entry = AuditEntry.objects.get(verb="station.update")
    assert entry.before["name"] == "望江社区代表联络站"


def test_detail_shows_flags(client, users, stations):
    seat(stations.a)
    response = get_as(
        client, users.inscope, reverse("stations:station_detail", args=[stations.a.pk])
    )
    ctx = response.context
    assert ctx["can_manage"] and ctx["can_manage_staff"]
    assert {t["to"] for t in ctx["transitions"]} == {"suspended", "closed"}
    assert len(ctx["memberships"]) == 1
    assert b"<svg" in response.content
    # Station staff manage the station but not its staff grants.
    ctx = get_as(
        client, users.staff_a, reverse("stations:station_detail", args=[stations.a.pk])
    ).context
    assert ctx["can_manage"] and not ctx["can_manage_staff"]
    ctx = get_as(
        client, users.viewer, reverse("stations:station_detail", args=[stations.a.pk])
    ).context
    assert not ctx["can_manage"] and ctx["transitions"] == []


def test_detail_deputy_search(client, tree, users, stations):
    seated = seat(stations.a, DeputyFactory(region=tree.wangjiang, name="王建国")).deputy
    free = DeputyFactory(region=tree.wangjiang, name="王丽华")
    DeputyFactory(region=tree.donghu, name="王志强")  # outside the user's scope
    url = reverse("stations:station_detail", args=[stations.a.pk])
    response = get_as(client, users.inscope, url + "?dq=王")
    assert response.context["candidates"] == [free]
    assert seated not in response.context["candidates"]


# --- POSTed sub-actions ---------------------------------------------------------------------


def _sub_actions(tree, stations):
    """(url name, url args, POST data, check) for every sub-action on station a."""
    a = stations.a
    deputy = DeputyFactory(region=tree.wangjiang)
    membership = seat(a)
    newcomer = UserFactory(username="newcomer")
    staff_grant = RoleGrant.objects.create(
        user=UserFactory(), role=Role.STATION_STAFF, region=a.region, station=a
    )
    schedule = ScheduleFactory(station=a)
    day = ReceptionDayFactory(station=a)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    return [
        (
            "stations:station_transition",
            [a.pk],
            {"to": "suspended"},
            lambda: Station.objects.get(pk=a.pk).status == "suspended",
        ),
        (
            "stations:station_deputy_add",
            [a.pk],
            {"deputy": deputy.pk},
            lambda: StationDeputy.objects.filter(station=a, deputy=deputy).exists(),
        ),
        (
            "stations:station_deputy_remove",
            [a.pk, membership.pk],
            {},
            lambda: not StationDeputy.objects.filter(pk=membership.pk).exists(),
        ),
        (
            "stations:station_staff_grant",
            [a.pk],
            {"username": "newcomer"},
            lambda: RoleGrant.objects.filter(user=newcomer, station=a).exists(),
        ),
        (
            "stations:station_staff_revoke",
            [a.pk, staff_grant.pk],
            {},
            lambda: RoleGrant.objects.get(pk=staff_grant.pk).revoked_at is not None,
        ),
        (
            "stations:schedule_create",
            [a.pk],
            {
                "schedule-rule": "weekly",
                "schedule-weekday": "2",
                "schedule-start_time": "14:00",
                "schedule-end_time": "16:00",
            },
            lambda: ReceptionSchedule.objects.filter(station=a, rule="weekly").exists(),
        ),
        (
            "stations:schedule_edit",
            [a.pk, schedule.pk],
            {
                "rule": "monthly_day",
                "day_of_month": "15",
                "start_time": "09:00",
                "end_time": "11:30",
                "is_active": "on",
            },
            lambda: ReceptionSchedule.objects.get(pk=schedule.pk).day_of_month == 15,
        ),
        (
            "stations:schedule_delete",
            [a.pk, schedule.pk],
            {},
            lambda: not ReceptionSchedule.objects.filter(pk=schedule.pk).exists(),
        ),
        (
            "stations:reception_day_create",
            [a.pk],
            {
                "day-date": future,
                "day-start_time": "09:00",
                "day-end_time": "11:00",
                "day-title": "统一接待日",
            },
            lambda: ReceptionDay.objects.filter(station=a, title="统一接待日").exists(),
        ),
        (
            "stations:reception_day_edit",
            [a.pk, day.pk],
            {"date": future, "start_time": "15:00", "end_time": "17:00", "title": "改期"},
            lambda: ReceptionDay.objects.get(pk=day.pk).title == "改期",
        ),
        (
            "stations:reception_day_cancel",
            [a.pk, day.pk],
            {"note": "暴雨"},
            lambda: ReceptionDay.objects.get(pk=day.pk).cancelled,
        ),
    ]


SUB_ACTIONS = [
    "stations:station_transition",
    "stations:station_deputy_add",
    "stations:station_deputy_remove",
    "stations:station_staff_grant",
    "stations:station_staff_revoke",
    "stations:schedule_create",
    "stations:schedule_edit",
    "stations:schedule_delete",
    "stations:reception_day_create",
    "stations:reception_day_edit",
    "stations:reception_day_cancel",
]


@pytest.mark.parametrize("name", SUB_ACTIONS)
def test_sub_action_matrix(client, tree, users, stations, name):
    url_name, args, data, done = next(s for s in _sub_actions(tree, stations) if s[0] == name)
    url = reverse(url_name, args=args)
    assert_login_redirect(client.post(url, data))
    assert post_as(client, users.nobody, url, data).status_code == 404
    assert post_as(client, users.outscope, url, data).status_code == 404
    assert post_as(client, users.viewer, url, data).status_code == 403
    # Station staff of a cannot reach the same sub-action on station b.
    other = reverse(url_name, args=[stations.b.pk, *args[1:]])
    assert post_as(client, users.staff_a, other, data).status_code == 404
    assert not done()
    audit_before = AuditEntry.objects.count()
    response = post_as(client, users.inscope, url, data)
    assert response.status_code == 302
    assert response.url == reverse("stations:station_detail", args=[stations.a.pk])
    assert done(), [m.message for m in response.wsgi_request._messages]
    assert AuditEntry.objects.count() - audit_before == 1


@pytest.mark.parametrize("name", ["stations:schedule_edit", "stations:reception_day_edit"])
def test_edit_pages_render(client, tree, users, stations, name):
    _, args, _, _ = next(s for s in _sub_actions(tree, stations) if s[0] == name)
    response = get_as(client, users.staff_a, reverse(name, args=args))
    assert response.status_code == 200
    assert get_as(client, users.outscope, reverse(name, args=args)).status_code == 404


def test_sub_actions_need_post(client, users, stations):
    url = reverse("stations:station_transition", args=[stations.a.pk])
    assert get_as(client, users.inscope, url).status_code == 405


def test_forbidden_transition_shows_an_error(client, users, stations):
    client.force_login(users.inscope)
    url = reverse("stations:station_transition", args=[stations.a.pk])
    response = client.post(url, {"to": "planned"}, follow=True)
    assert "不能从「运行中」变为「筹建中」" in response.content.decode()
    stations.a.refresh_from_db()
    assert stations.a.status == "active"


def test_station_staff_cannot_grant_staff_through_the_page(client, users, stations):
    UserFactory(username="friend")
    client.force_login(users.staff_a)
    url = reverse("stations:station_staff_grant", args=[stations.a.pk])
    assert client.post(url, {"username": "friend"}).status_code == 403
    assert not RoleGrant.objects.filter(user__username="friend").exists()


def test_invalid_schedule_post_shows_chinese_errors(client, users, stations):
    client.force_login(users.inscope)
    url = reverse("stations:schedule_create", args=[stations.a.pk])
    data = {
        "schedule-rule": "monthly_day",
        "schedule-start_time": "09:00",
        "schedule-end_time": "08:00",
    }
    page = client.post(url, data, follow=True).content.decode()
    assert "每月几日须在1到31之间。" in page
    assert "结束时间须晚于开始时间。" in page
    assert not ReceptionSchedule.objects.exists()


def test_list_with_an_unknown_region_code_is_empty(client, users, stations):
    client.force_login(users.inscope)
    response = client.get(reverse("stations:station_list"), {"region": "000000000000"})
    assert list(response.context["page_obj"]) == []


def test_detail_of_planned_and_closed_stations(client, tree, users):
    client.force_login(users.inscope)
    planned = StationFactory(region=tree.wangjiang, status=StationStatus.PLANNED)
    response = client.get(reverse("stations:station_detail", args=[planned.pk]))
    assert [t["label"] for t in response.context["transitions"]] == ["启用", "撤销"]
    assert not response.context["is_public"]
    closed = StationFactory(region=tree.wangjiang, status=StationStatus.CLOSED)
    response = client.get(reverse("stations:station_detail", args=[closed.pk]))
    assert response.status_code == 200
    assert response.context["transitions"] == []
    assert not response.context["can_manage"]
    assert reverse("stations:schedule_create", args=[closed.pk]) not in response.content.decode()
    edit = client.get(reverse("stations:station_edit", args=[closed.pk]))
    assert edit.status_code == 403


def test_detail_timeline_lists_status_changes(client, tree, users, stations):
    client.force_login(users.inscope)
    url = reverse("stations:station_transition", args=[stations.a.pk])
    client.post(url, {"to": "suspended"})
    client.post(url, {"to": "active"})
    response = client.get(reverse("stations:station_detail", args=[stations.a.pk]))
    labels = [(f, t) for _, f, t in response.context["timeline"]]
    assert labels == [("运行中", "暂停接待"), ("暂停接待", "运行中")]
