"""Role grants and API tokens: scope, validation, exactly one audit entry each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from minqing.accounts import actions
from minqing.accounts.models import ApiToken, Role, RoleGrant, hash_token
from minqing.core.models import AuditEntry
from minqing.core.permissions import has_perm
from tests.accounts.factories import token_for
from tests.factories import UserFactory, grant, user_with_role
from tests.people.factories import UnitFactory
from tests.stations.factories import StationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tree):
    return user_with_role(Role.ADMIN, tree.city)


def _delta(before: int) -> int:
    return AuditEntry.objects.count() - before


def test_role_grant_gives_the_permission_and_audits_once(tree, admin):
    user = UserFactory()
    before = AuditEntry.objects.count()
    g = actions.role_grant(actor=admin, user=user, role=Role.CONGRESS_STAFF, region=tree.binjiang)
    assert _delta(before) == 1
    entry = AuditEntry.objects.latest("id")
    assert (entry.verb, entry.region, entry.actor) == ("role.grant", tree.binjiang, admin)
    assert entry.after["role"] == "congress_staff" and entry.after["username"] == user.username
    assert g.granted_by == admin
    assert has_perm(user, "people.manage_deputy", tree.wangjiang)


def test_role_grant_outside_scope_is_refused(tree, admin):
    user = UserFactory()
    with pytest.raises(PermissionDenied):
        actions.role_grant(actor=admin, user=user, role=Role.LEADER, region=tree.donghu)
    with pytest.raises(PermissionDenied):
        actions.role_grant(actor=admin, user=user, role=Role.ADMIN, region=tree.province)
    staff = user_with_role(Role.CONGRESS_STAFF, tree.city)  # no manage_users
    with pytest.raises(PermissionDenied):
        actions.role_grant(actor=staff, user=user, role=Role.DEPUTY, region=tree.street)
    assert not RoleGrant.objects.filter(user=user).exists()
    assert not AuditEntry.objects.exists()


def test_unit_and_station_grants(tree, admin):
    unit = UnitFactory(region=tree.binjiang)
    station = StationFactory(region=tree.street)
    user = UserFactory()
    g = actions.role_grant(
        actor=admin, user=user, role=Role.UNIT_STAFF, region=tree.binjiang, unit=unit
    )
    assert g.unit == unit
    s = actions.role_grant(
        actor=admin, user=user, role=Role.STATION_STAFF, region=tree.street, station=station
    )
    assert s.station == station
    assert has_perm(user, "stations.manage_station", station)


@pytest.mark.parametrize(
    ("role", "target", "message"),
    [
        ("unit_staff", None, "须指定所在承办单位"),
        ("leader", "unit", "只有承办单位工作人员"),
        ("deputy", "station", "只有联络站工作人员"),
        ("unit_staff", "far_unit", "不在所选区域"),
        ("nonsense", None, "角色无效"),
    ],
)
def test_role_grant_validation_in_chinese(tree, admin, role, target, message):
    unit = UnitFactory(region=tree.binjiang)
    far_unit = UnitFactory(region=tree.yunxi)
    station = StationFactory(region=tree.binjiang)
    kw = {"unit": unit if target == "unit" else far_unit if target == "far_unit" else None}
    kw["station"] = station if target == "station" else None
    with pytest.raises(ValidationError) as exc:
        actions.role_grant(actor=admin, user=UserFactory(), role=role, region=tree.binjiang, **kw)
    assert message in " ".join(exc.value.messages)


def test_duplicate_grant_is_refused(tree, admin):
    user = UserFactory()
    actions.role_grant(actor=admin, user=user, role=Role.LEADER, region=tree.binjiang)
    with pytest.raises(ValidationError, match="已有这一授权"):
        actions.role_grant(actor=admin, user=user, role=Role.LEADER, region=tree.binjiang)


def test_role_revoke_removes_the_permission_and_audits_once(tree, admin):
    user = UserFactory()
    g = actions.role_grant(actor=admin, user=user, role=Role.LEADER, region=tree.binjiang)
    assert has_perm(user, "core.view_audit")
    before = AuditEntry.objects.count()
    actions.role_revoke(actor=admin, grant=g)
    assert _delta(before) == 1
    assert AuditEntry.objects.latest("id").verb == "role.revoke"
    assert not has_perm(user, "core.view_audit")
    with pytest.raises(ValidationError, match="已撤销"):
        actions.role_revoke(actor=admin, grant=g)
    outside = grant(UserFactory(), Role.LEADER, tree.donghu)
    with pytest.raises(PermissionDenied):
        actions.role_revoke(actor=admin, grant=outside)


def test_token_create_stores_only_the_hash(tree, admin):
    user = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    before = AuditEntry.objects.count()
    token, key = actions.api_token_create(actor=admin, user=user, name="热线对接")
    assert _delta(before) == 1
    assert len(key) >= 43 and token.prefix == key[:8]
    assert token.key_hash == hash_token(key) and key not in token.key_hash
    entry = AuditEntry.objects.latest("id")
    assert entry.verb == "api_token.create" and entry.region == tree.binjiang
    assert key not in str(entry.after) and entry.after["prefix"] == key[:8]
    assert ApiToken.objects.get().created_by == admin


def test_token_for_a_user_outside_the_admin_s_cover_is_refused(tree, admin):
    wider = user_with_role(Role.CONGRESS_STAFF, tree.province)  # reaches beyond 澜州市
    with pytest.raises(PermissionDenied):
        actions.api_token_create(actor=admin, user=wider, name="越权")
    partly = user_with_role(Role.LEADER, tree.binjiang)
    grant(partly, Role.LEADER, tree.donghu)
    with pytest.raises(PermissionDenied):
        actions.api_token_create(actor=admin, user=partly, name="越权")
    superuser = UserFactory(is_superuser=True)
    with pytest.raises(PermissionDenied):
        actions.api_token_create(actor=admin, user=superuser, name="越权")
    nobody = UserFactory()
    with pytest.raises(PermissionDenied):
        actions.api_token_create(actor=nobody, user=nobody, name="无权")
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.exists()


def test_token_validation(tree, admin):
    with pytest.raises(ValidationError, match="名称"):
        actions.api_token_create(actor=admin, user=admin, name="  ")
    past = timezone.now() - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="到期时间"):
        actions.api_token_create(actor=admin, user=admin, name="旧", expires_at=past)


def test_token_revoke_by_admin_or_owner_audits_once(tree, admin):
    user = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    token, _ = token_for(user)
    before = AuditEntry.objects.count()
    actions.api_token_revoke(actor=admin, token=token)
    assert _delta(before) == 1
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_active
    with pytest.raises(ValidationError):
        actions.api_token_revoke(actor=admin, token=token)
    own, _ = token_for(user)
    actions.api_token_revoke(actor=user, token=own)  # owners may always revoke
    outsider = user_with_role(Role.ADMIN, tree.other_city)
    third, _ = token_for(user)
    with pytest.raises(PermissionDenied):
        actions.api_token_revoke(actor=outsider, token=third)
