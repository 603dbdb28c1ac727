"""core.permissions: scope() for region, unit and station grants."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from minqing.accounts.models import Role
from minqing.core.models import Region
from minqing.core.permissions import has_perm, require, scope
from minqing.people.models import Deputy, HandlingUnit
from minqing.stations.models import Station
from tests.factories import UserFactory, grant, user_with_role
from tests.people.factories import DeputyFactory, UnitFactory
from tests.stations.factories import StationFactory

pytestmark = pytest.mark.django_db


def _codes(qs):
    return set(qs.values_list("code", flat=True))


def test_region_grant_covers_its_descendants_only(tree):
    user = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    visible = _codes(scope(Region.objects.all(), user, "core.view_region"))
    assert visible == {"990102", "990102001", "990102001001", "990102001002"}
    assert has_perm(user, "core.view_region", tree.wangjiang)
    assert not has_perm(user, "core.view_region", tree.city)
    assert not has_perm(user, "core.view_region", tree.yunxi)


def test_rows_are_scoped_through_their_region(tree):
    user = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    inside = DeputyFactory(region=tree.wangjiang)
    outside = DeputyFactory(region=tree.donghu)
    assert list(scope(Deputy.objects.all(), user, "people.view_deputy")) == [inside]
    assert has_perm(user, "people.manage_deputy", inside)
    assert not has_perm(user, "people.manage_deputy", outside)


def test_permission_follows_the_role(tree):
    leader = user_with_role(Role.LEADER, tree.city)
    assert has_perm(leader, "core.view_audit", tree.binjiang)
    assert not has_perm(leader, "core.manage_settings", tree.binjiang)
    assert not scope(Region.objects.all(), leader, "core.manage_region").exists()
    with pytest.raises(PermissionDenied):
        require(leader, "people.manage_deputy")
    with pytest.raises(ValueError):
        has_perm(leader, "core.no_such_permission")


def test_unit_grant_sees_its_unit_only(tree):
    unit = UnitFactory(region=tree.binjiang)
    sibling = UnitFactory(region=tree.binjiang)
    user = user_with_role(Role.UNIT_STAFF, unit=unit)
    assert list(scope(HandlingUnit.objects.all(), user, "people.view_unit")) == [unit]
    assert has_perm(user, "people.view_unit", unit)
    assert not has_perm(user, "people.view_unit", sibling)
    # Regions are scoped by the grant's region (the unit's).
    assert has_perm(user, "core.view_region", tree.street)
    assert not has_perm(user, "core.view_region", tree.yunxi)


def test_station_grant_sees_its_station_only(tree):
    station = StationFactory(region=tree.street)
    other = StationFactory(region=tree.street)
    user = user_with_role(Role.STATION_STAFF, station=station)
    assert list(scope(Station.objects.all(), user, "stations.manage_station")) == [station]
    assert not has_perm(user, "stations.manage_station", other)


def test_several_grants_add_up(tree):
    user = UserFactory()
    grant(user, Role.CONGRESS_STAFF, tree.street)
    grant(user, Role.CONGRESS_STAFF, tree.town)
    visible = _codes(scope(Region.objects.all(), user, "core.view_region"))
    assert visible == {"990102001", "990102001001", "990102001002", "990103101", "990103101201"}


def test_revoked_grants_are_ignored(tree):
    user = UserFactory()
    g = grant(user, Role.CONGRESS_STAFF, tree.binjiang)
    g.revoked_at = timezone.now()
    g.save()
    assert not has_perm(user, "core.view_region")
    assert not scope(Region.objects.all(), user, "core.view_region").exists()


def test_no_role_and_inactive_users_get_nothing(tree):
    nobody = UserFactory()
    assert not has_perm(nobody, "core.view_region")
    assert not scope(Region.objects.all(), nobody, "core.view_region").exists()
    inactive = user_with_role(Role.ADMIN, tree.nation)
    inactive.is_active = False
    inactive.save()
    assert not has_perm(inactive, "core.view_region", tree.city)


def test_superuser_is_unrestricted(tree):
    root = UserFactory(is_superuser=True)
    assert has_perm(root, "accounts.manage_tokens")
    assert has_perm(root, "core.manage_region", tree.donghu)
    assert scope(Region.objects.all(), root, "core.view_region").count() == Region.objects.count()
    require(root, "core.manage_calendar")


def test_admin_holds_every_key_in_scope(tree):
    admin = user_with_role(Role.ADMIN, tree.city)
    for perm in ("accounts.manage_users", "core.manage_settings", "stations.manage_station"):
        assert has_perm(admin, perm, tree.wangjiang)
        assert not has_perm(admin, perm, tree.province)
