"""Core API: regions, settings, audit, working days — permission matrix and payloads."""

from __future__ import annotations

import pytest

from minqing.accounts.actions import api_token_create
from minqing.accounts.models import Role
from minqing.core import audit
from minqing.core.models import AuditEntry
from tests.factories import UserFactory, user_with_role
from tests.people.factories import DeputyFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/core"


@pytest.mark.parametrize(
    ("path", "in_scope_status"),
    [
        ("/regions", 200),
        ("/regions?parent=990102", 200),
        ("/regions/990102", 200),
        ("/regions/990102/children", 200),
        ("/regions/990102/settings", 200),
        ("/audit?region=990102", 200),
    ],
)
def test_get_endpoints_permission_matrix(client, tree, path, in_scope_status):
    url = API + path
    assert client.get(url).status_code == 401
    client.force_login(UserFactory())
    assert client.get(url).status_code in (403, 404)
    client.force_login(user_with_role(Role.CONGRESS_STAFF, tree.binjiang))
    assert client.get(url).status_code == in_scope_status
    client.force_login(user_with_role(Role.CONGRESS_STAFF, tree.other_city))
    expected = 200 if path == "/regions" else 404
    assert client.get(url).status_code == expected


def test_region_list_filters_and_pagination(client, tree):
    client.force_login(user_with_role(Role.CONGRESS_STAFF, tree.city))
    body = client.get(API + "/regions?within=990102&limit=2").json()
    assert body["count"] == 4
    assert [r["code"] for r in body["items"]] == ["990102", "990102001"]
    assert body["items"][1] == {
        "code": "990102001",
        "name": "江滨街道",
        "level": 4,
        "level_label": "乡镇/街道",
        "kind": "街道",
        "parent_code": "990102",
        "is_active": True,
    }
    assert client.get(API + "/regions?q=社区").json()["count"] == 2
    assert client.get(API + "/regions?level=5").json()["count"] == 3
    children = client.get(API + "/regions/990103/children").json()
    assert [r["code"] for r in children["items"]] == ["990103101"]
    assert client.get(API + "/regions?within=990202").status_code == 404  # out of scope


def test_region_detail_counts(client, tree):
    DeputyFactory(region=tree.wangjiang)
    client.force_login(user_with_role(Role.CONGRESS_STAFF, tree.binjiang))
    body = client.get(API + "/regions/990102001").json()
    assert body["full_name"] == "澜江省澜州市滨江区江滨街道"
    assert (body["descendants"], body["deputies"]) == (2, 1)


def test_settings_read_put_delete(client, tree):
    staff = user_with_role(Role.CONGRESS_STAFF, tree.city)
    client.force_login(staff)
    url = API + "/regions/990102/settings/opinion.reply_working_days"
    put = client.put(url, {"value": 9}, content_type="application/json")
    assert put.status_code == 200
    assert put.json()["source"] == "here" and put.json()["value"] == 9
    assert AuditEntry.objects.get().verb == "region_setting.set"
    rows = {r["key"]: r for r in client.get(API + "/regions/990102001/settings").json()}
    assert rows["opinion.reply_working_days"]["source"] == "inherited"
    assert rows["opinion.reply_working_days"]["source_region"] == "990102"
    assert rows["motion.min_signers"] == {
        **rows["motion.min_signers"],
        "value": 5,
        "source": "default",
    }
    bad = client.put(url, {"value": "很多"}, content_type="application/json")
    assert bad.status_code == 422
    assert "须为数字" in str(bad.json()["detail"])
    unknown = client.put(
        API + "/regions/990102/settings/no.such", {"value": 1}, content_type="application/json"
    )
    assert unknown.status_code == 404
    deleted = client.delete(url)
    assert deleted.status_code == 200 and deleted.json()["source"] == "default"
    assert AuditEntry.objects.count() == 2


def test_settings_put_permission_matrix(client, tree):
    url = API + "/regions/990102/settings/opinion.reply_working_days"

    def put():
        return client.put(url, {"value": 9}, content_type="application/json").status_code

    assert put() == 401
    client.force_login(UserFactory())
    assert put() == 404
    client.force_login(user_with_role(Role.LEADER, tree.binjiang))  # may read, not write
    assert put() == 404
    client.force_login(user_with_role(Role.CONGRESS_STAFF, tree.other_city))
    assert put() == 404
    client.force_login(user_with_role(Role.CONGRESS_STAFF, tree.binjiang))
    assert put() == 200


def test_audit_endpoint(client, tree):
    audit.record(actor=None, verb="region.create", obj=tree.wangjiang, after={"x": 1})
    audit.record(actor=None, verb="region.create", obj=tree.donghu)
    client.force_login(user_with_role(Role.LEADER, tree.city))
    body = client.get(API + "/audit").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["verb"], item["region"], item["object_type"], item["after"]) == (
        "region.create",
        "990102001001",
        "core.region",
        {"x": 1},
    )
    assert client.get(API + "/audit?verb=deputy.").json()["count"] == 0
    client.force_login(user_with_role(Role.DEPUTY, tree.city))
    assert client.get(API + "/audit").status_code == 403


def test_working_days_endpoint(client, tree):
    url = API + "/calendar/working-days?start=2026-02-13&n=2"
    assert client.get(url).status_code == 401
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(user_with_role(Role.DEPUTY, tree.wangjiang))
    assert client.get(url).json() == {
        "start": "2026-02-13",
        "n": 2,
        "due": "2026-02-24",
        "provisional": False,
        "warning": "",
    }
    later = client.get(API + "/calendar/working-days?start=2026-12-20").json()
    assert later["n"] == 15 and later["due"] == "2027-01-11" and later["provisional"]
    assert "2027年" in later["warning"]
    assert client.get(API + "/calendar/working-days?start=2026-12-20&n=-1").status_code == 422
    assert client.get(API + "/calendar/working-days?start=bad").status_code == 422


def test_api_writes_record_the_api_channel_through_a_token(client, tree):
    staff = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    root = UserFactory(is_superuser=True)
    _, key = api_token_create(actor=root, user=staff, name="外部系统")
    response = client.put(
        API + "/regions/990102/settings/opinion.reply_working_days",
        {"value": 11},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", "X-Request-ID": "ext-42"},
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(verb="region_setting.set")
    assert (entry.actor, entry.channel, entry.request_id, entry.ip) == (
        staff,
        "api",
        "ext-42",
        "192.0.2.7",
    )


def test_openapi_document_lists_the_core_and_accounts_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/core/regions",
        "/api/v1/core/regions/{code}",
        "/api/v1/core/regions/{code}/children",
        "/api/v1/core/regions/{code}/settings",
        "/api/v1/core/regions/{code}/settings/{key}",
        "/api/v1/core/audit",
        "/api/v1/core/calendar/working-days",
        "/api/v1/accounts/me",
        "/api/v1/accounts/tokens",
        "/api/v1/accounts/tokens/{token_id}/revoke",
    ):
        assert path in paths, path
