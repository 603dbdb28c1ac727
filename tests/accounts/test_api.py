"""Accounts API: /me, tokens; token auth end to end."""

from __future__ import annotations

import pytest

from minqing.accounts.actions import api_token_create, api_token_revoke
from minqing.accounts.models import ApiToken, Role
from minqing.core.models import AuditEntry
from tests.accounts.factories import token_for
from tests.factories import UserFactory, user_with_role
from tests.stations.factories import StationFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/accounts"


def _bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_a_token_authenticates_until_it_is_revoked(client, tree):
    staff = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    admin = user_with_role(Role.ADMIN, tree.city)
    token, key = api_token_create(actor=admin, user=staff, name="12345热线")
    response = client.get(API + "/me", headers=_bearer(key))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == staff.username
    assert body["roles"] == [
        {
            "role": "congress_staff",
            "role_label": "人大工作人员",
            "region_code": "990102",
            "region_name": "滨江区",
            "unit_id": None,
            "unit_name": None,
            "station_id": None,
            "station_name": None,
        }
    ]
    token.refresh_from_db()
    assert token.last_used_at is not None
    api_token_revoke(actor=admin, token=token)
    assert client.get(API + "/me", headers=_bearer(key)).status_code == 401
    assert client.get(API + "/me", headers=_bearer("not-a-key")).status_code == 401


def test_an_expired_token_or_inactive_user_is_refused(client, tree):
    import datetime as dt

    from django.utils import timezone

    staff = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    token, key = token_for(staff)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(API + "/me", headers=_bearer(key)).status_code == 401
    _, key2 = token_for(staff)
    staff.is_active = False
    staff.save()
    assert client.get(API + "/me", headers=_bearer(key2)).status_code == 401


def test_a_token_is_scoped_like_its_user(client, tree):
    staff = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    _, key = token_for(staff)
    assert client.get("/api/v1/core/regions/990102", headers=_bearer(key)).status_code == 200
    assert client.get("/api/v1/core/regions/990202", headers=_bearer(key)).status_code == 404


def test_me_matrix_and_station_roles(client, tree):
    assert client.get(API + "/me").status_code == 401
    nobody = UserFactory()
    client.force_login(nobody)
    assert client.get(API + "/me").json()["roles"] == []  # anyone signed in may ask who they are
    station = StationFactory(region=tree.street, name="江滨站")
    client.force_login(user_with_role(Role.STATION_STAFF, station=station))
    [role] = client.get(API + "/me").json()["roles"]
    assert (role["region_code"], role["station_name"]) == ("990102001", "江滨站")


def test_create_token_endpoint_matrix(client, tree):
    target = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    payload = {"name": "外部系统", "username": target.username}

    def post():
        return client.post(API + "/tokens", payload, content_type="application/json")

    assert post().status_code == 401
    client.force_login(UserFactory())
    assert post().status_code == 403
    client.force_login(user_with_role(Role.ADMIN, tree.other_city))
    assert post().status_code == 404  # target not covered
    client.force_login(user_with_role(Role.ADMIN, tree.city))
    before = AuditEntry.objects.count()
    response = post()
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == target.username and body["prefix"] == body["key"][:8]
    assert AuditEntry.objects.count() - before == 1
    me = client.get(API + "/me", headers=_bearer(body["key"]))
    assert me.json()["username"] == target.username
    listed = client.get(API + "/tokens").json()
    assert listed["count"] == 1 and "key" not in listed["items"][0]
    bad = client.post(API + "/tokens", {"name": " "}, content_type="application/json")
    assert bad.status_code == 422


def test_revoke_token_endpoint_matrix(client, tree):
    target = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    token, key = token_for(target)
    url = f"{API}/tokens/{token.pk}/revoke"
    assert client.post(url).status_code == 401
    client.force_login(UserFactory())
    assert client.post(url).status_code == 404
    client.force_login(user_with_role(Role.ADMIN, tree.other_city))
    assert client.post(url).status_code == 404
    client.force_login(user_with_role(Role.ADMIN, tree.city))
    response = client.post(url)
    assert response.status_code == 200 and response.json()["revoked_at"]
    assert client.post(url).status_code == 422
    client.logout()  # otherwise the session would answer for the dead token
    assert client.get(API + "/me", headers=_bearer(key)).status_code == 401


def test_a_user_may_revoke_their_own_token_with_it(client, tree):
    staff = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    token, key = token_for(staff)
    response = client.post(f"{API}/tokens/{token.pk}/revoke", headers=_bearer(key))
    assert response.status_code == 200
    assert client.get(API + "/me", headers=_bearer(key)).status_code == 401


def test_token_list_endpoint(client, tree):
    assert client.get(API + "/tokens").status_code == 401
    staff = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    token_for(staff, name="区内")
    token_for(user_with_role(Role.CONGRESS_STAFF, tree.donghu), name="区外")
    client.force_login(UserFactory())
    assert client.get(API + "/tokens").json()["count"] == 0
    client.force_login(staff)  # no manage_tokens: sees only what acts as them
    assert [t["name"] for t in client.get(API + "/tokens").json()["items"]] == ["区内"]
    client.force_login(user_with_role(Role.ADMIN, tree.city))
    assert [t["name"] for t in client.get(API + "/tokens").json()["items"]] == ["区内"]
