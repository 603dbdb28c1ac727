"""The home page adapts to every role a user holds."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minqing.accounts.models import Role
from tests.factories import UserFactory, grant, user_with_role
from tests.people.factories import DeputyFactory, UnitFactory
from tests.stations.factories import StationFactory, seat

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_role_gets_a_friendly_explanation(client, tree):
    user = UserFactory(username="xinren")
    client.force_login(user)
    response = client.get(reverse("core:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "您的账号还没有分配角色" in html
    assert "系统管理员" in html and "xinren" in html


def test_congress_staff_see_counts_of_their_regions_only(client, tree):
    DeputyFactory(region=tree.wangjiang)
    DeputyFactory(region=tree.donghu)
    StationFactory(region=tree.street)
    UnitFactory(region=tree.binjiang)
    UnitFactory(region=tree.other_city)
    staff = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    client.force_login(staff)
    response = client.get(reverse("core:home"))
    [item] = response.context["summary"].regions
    assert (item.region, item.deputies, item.stations, item.units) == (tree.binjiang, 1, 1, 1)
    html = response.content.decode()
    assert reverse("core:region_detail", args=["990102"]) in html
    assert "您的账号还没有分配角色" not in html


def test_station_staff_see_their_station(client, tree):
    station = StationFactory(region=tree.street, name="江滨街道代表联络站")
    StationFactory(region=tree.street, name="别的站")
    client.force_login(user_with_role(Role.STATION_STAFF, station=station))
    response = client.get(reverse("core:home"))
    assert response.context["summary"].stations == [station]
    assert reverse("stations:station_detail", args=[station.pk]) in response.content.decode()


def test_unit_staff_see_their_unit(client, tree):
    unit = UnitFactory(region=tree.binjiang, name="滨江区住建局")
    client.force_login(user_with_role(Role.UNIT_STAFF, unit=unit))
    response = client.get(reverse("core:home"))
    assert response.context["summary"].units == [unit]
    assert reverse("people:unit_detail", args=[unit.pk]) in response.content.decode()


def test_a_deputy_sees_their_profile_and_stations(client, tree):
    user = UserFactory()
    deputy = DeputyFactory(region=tree.wangjiang, user=user)
    station = StationFactory(region=tree.street)
    seat(station, deputy)
    grant(user, Role.DEPUTY, tree.wangjiang)
    client.force_login(user)
    response = client.get(reverse("core:home"))
    html = response.content.decode()
    assert reverse("people:deputy_detail", args=[deputy.pk]) in html
    assert reverse("stations:station_detail", args=[station.pk]) in html


def test_several_roles_show_several_sections(client, tree):
    user = UserFactory()
    station = StationFactory(region=tree.street)
    grant(user, Role.LEADER, tree.city)
    grant(user, Role.STATION_STAFF, station=station)
    client.force_login(user)
    summary = client.get(reverse("core:home")).context["summary"]
    assert [r.region for r in summary.regions] == [tree.city]
    assert summary.stations == [station]
    assert not summary.can_tokens


def test_root_admin_sees_the_system_links_and_next_year_warning(client, tree):
    admin = user_with_role(Role.ADMIN, tree.nation)
    client.force_login(admin)
    response = client.get(reverse("core:home"))
    html = response.content.decode()
    for name in ("accounts:token_list", "accounts:user_list", "core:calendar"):
        assert reverse(name) in html
    # Today is in 2026 and 2027's schedule is not loaded: the warning shows.
    assert "年节假日安排尚未载入" in html


def test_a_county_admin_gets_no_calendar_link(client, tree):
    client.force_login(user_with_role(Role.ADMIN, tree.binjiang))
    response = client.get(reverse("core:home"))
    assert reverse("core:calendar") not in response.content.decode()
    assert reverse("accounts:user_list") in response.content.decode()
