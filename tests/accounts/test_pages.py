"""Token, user and grant pages: permission matrix, key shown once, forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minqing.accounts.models import ApiToken, Role, RoleGrant, hash_token
from minqing.core.models import AuditEntry
from tests.accounts.factories import token_for
from tests.factories import UserFactory, grant, user_with_role
from tests.people.factories import UnitFactory
from tests.stations.factories import StationFactory

pytestmark = pytest.mark.django_db
TOKENS = reverse("accounts:token_list")
USERS = reverse("accounts:user_list")


def test_token_page_permission_matrix(client, tree):
    assert client.get(TOKENS).status_code == 302
    client.force_login(UserFactory())
    assert client.get(TOKENS).status_code == 403
    client.force_login(user_with_role(Role.CONGRESS_STAFF, tree.city))
    assert client.get(TOKENS).status_code == 403
    client.force_login(user_with_role(Role.ADMIN, tree.city))
    assert client.get(TOKENS).status_code == 200


def test_token_list_is_scoped(client, tree):
    inside = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    outside = user_with_role(Role.CONGRESS_STAFF, tree.donghu)
    mine, _ = token_for(inside, name="区内令牌")
    token_for(outside, name="区外令牌")
    client.force_login(user_with_role(Role.ADMIN, tree.city))
    response = client.get(TOKENS)
    assert [t.name for t in response.context["page_obj"]] == ["区内令牌"]
    revoke = reverse("accounts:token_revoke", args=[ApiToken.objects.get(name="区外令牌").pk])
    assert client.post(revoke).status_code == 404
    assert client.post(reverse("accounts:token_revoke", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_at is not None


def test_key_is_shown_exactly_once(client, tree):
    target = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    admin = user_with_role(Role.ADMIN, tree.city)
    client.force_login(admin)
    response = client.post(
        TOKENS, {"name": "热线对接", "username": target.username, "expires_on": "2030-01-01"}
    )
    assert response.status_code == 200
    key = response.context["new_key"]
    token = ApiToken.objects.get()
    assert token.key_hash == hash_token(key) and token.user == target
    html = response.content.decode()
    assert key in html and "只显示这一次" in html and "复制" in html
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert key not in client.get(TOKENS).content.decode()
    assert AuditEntry.objects.get().verb == "api_token.create"


def test_token_form_errors(client, tree):
    client.force_login(user_with_role(Role.ADMIN, tree.binjiang))
    wider = user_with_role(Role.LEADER, tree.city)
    response = client.post(TOKENS, {"name": "x", "username": wider.username})
    assert "权限超出您的管理范围" in response.content.decode()
    response = client.post(TOKENS, {"name": "", "expires_on": "2020-01-01"})
    html = response.content.decode()
    assert "此项为必填项" in html and "到期日期须晚于今天" in html
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("page", ["list", "detail"])
def test_user_pages_permission_matrix(client, tree, page):
    target = user_with_role(Role.LEADER, tree.binjiang)
    url = USERS if page == "list" else reverse("accounts:user_detail", args=[target.pk])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(user_with_role(Role.ADMIN, tree.city))
    assert client.get(url).status_code == 200
    client.force_login(user_with_role(Role.ADMIN, tree.other_city))
    assert client.get(url).status_code == (200 if page == "list" else 404)


def test_user_list_shows_users_in_scope_and_new_accounts(client, tree):
    inside = user_with_role(Role.LEADER, tree.binjiang)
    outside = user_with_role(Role.LEADER, tree.donghu)
    fresh = UserFactory(username="xinzhanghao")
    UserFactory(username="root", is_superuser=True)
    admin = user_with_role(Role.ADMIN, tree.city)
    client.force_login(admin)
    names = {u.username for u in client.get(USERS).context["page_obj"]}
    assert {inside.username, fresh.username, admin.username} <= names
    assert outside.username not in names and "root" not in names
    found = client.get(USERS + "?q=xinzhang").context["page_obj"]
    assert [u.username for u in found] == ["xinzhanghao"]


def test_user_list_query_count_does_not_grow(client, tree, django_assert_num_queries):
    client.force_login(user_with_role(Role.ADMIN, tree.city))

    def users(n):
        for _ in range(n):
            grant(UserFactory(), Role.LEADER, tree.binjiang)

    users(2)
    client.get(USERS)
    with django_assert_num_queries(6):
        client.get(USERS)
    users(27)
    with django_assert_num_queries(6):
        assert len(client.get(USERS).context["page_obj"]) == 30


def test_grant_and_revoke_through_the_user_page(client, tree):
    target = UserFactory()
    unit = UnitFactory(region=tree.binjiang, name="滨江区住建局")
    station = StationFactory(region=tree.street)
    client.force_login(user_with_role(Role.ADMIN, tree.city))
    url = reverse("accounts:grant_create", args=[target.pk])
    assert client.post(url, {"role": "leader", "region": "990102"}).status_code == 302
    assert client.post(url, {"role": "unit_staff", "unit": unit.pk}).status_code == 302
    assert (
        client.post(url, {"role": "station_staff", "station": station.code.lower()}).status_code
        == 302
    )
    grants = RoleGrant.objects.filter(user=target).order_by("pk")
    assert [(g.role, g.region, g.unit, g.station) for g in grants] == [
        ("leader", tree.binjiang, None, None),
        ("unit_staff", tree.binjiang, unit, None),
        ("station_staff", tree.street, None, station),
    ]
    page = client.get(reverse("accounts:user_detail", args=[target.pk]))
    assert "滨江区住建局" in page.content.decode()
    revoke = reverse("accounts:grant_revoke", args=[grants[0].pk])
    assert client.post(revoke).status_code == 302
    assert RoleGrant.objects.active().filter(user=target).count() == 2
    assert list(AuditEntry.objects.values_list("verb", flat=True).order_by("id")) == [
        "role.grant",
        "role.grant",
        "role.grant",
        "role.revoke",
    ]


def test_grant_form_refuses_regions_outside_scope(client, tree):
    target = UserFactory()
    client.force_login(user_with_role(Role.ADMIN, tree.city))
    url = reverse("accounts:grant_create", args=[target.pk])
    response = client.post(url, {"role": "leader", "region": "990202"})
    assert response.status_code == 400
    assert "区域不存在或不在您的管理范围内" in response.content.decode()
    response = client.post(url, {"role": "unit_staff", "region": "990102"})
    assert "须指定所在承办单位" in response.content.decode()
    assert not RoleGrant.objects.filter(user=target).exists()
    outside = grant(UserFactory(), Role.LEADER, tree.donghu)
    assert client.post(reverse("accounts:grant_revoke", args=[outside.pk])).status_code == 404
    assert client.get(reverse("accounts:grant_revoke", args=[outside.pk])).status_code == 405


def test_admin_site_shows_grants_and_tokens_read_only(client, tree):
    root = UserFactory(is_superuser=True, is_staff=True)
    g = grant(UserFactory(), Role.LEADER, tree.binjiang)
    token, _ = token_for(g.user)
    client.force_login(root)
    assert client.get("/admin/accounts/rolegrant/").status_code == 200
    assert client.get("/admin/accounts/rolegrant/add/").status_code == 403
    assert client.get(f"/admin/accounts/apitoken/{token.pk}/change/").status_code == 200
    client.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert client.get(f"/admin/accounts/user/{g.user.pk}/change/").status_code == 200


def test_token_list_query_count_does_not_grow(client, tree, django_assert_num_queries):
    admin = user_with_role(Role.ADMIN, tree.city)
    client.force_login(admin)

    def tokens(n):
        for i in range(n):
            token_for(user_with_role(Role.LEADER, tree.binjiang), name=f"令牌{i}")

    tokens(3)
    client.get(TOKENS)
    with django_assert_num_queries(5):
        client.get(TOKENS)
    tokens(27)
    with django_assert_num_queries(5):
        assert len(client.get(TOKENS).context["page_obj"]) == 30


@pytest.mark.parametrize("endpoint", ["token_revoke", "grant_create", "grant_revoke"])
def test_post_endpoints_permission_matrix(client, tree, endpoint):
    target = user_with_role(Role.LEADER, tree.binjiang)
    token, _ = token_for(target)
    the_grant = target.grants.get()
    pk = {"token_revoke": token.pk, "grant_create": target.pk, "grant_revoke": the_grant.pk}
    url = reverse(f"accounts:{endpoint}", args=[pk[endpoint]])
    data = {"role": "deputy", "region": "990102"} if endpoint == "grant_create" else {}
    response = client.post(url, data)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())
    assert client.post(url, data).status_code in (403, 404)
    client.force_login(user_with_role(Role.ADMIN, tree.other_city))
    assert client.post(url, data).status_code == 404
    assert not AuditEntry.objects.exclude(verb="api_token.create").exists()
    client.force_login(user_with_role(Role.ADMIN, tree.city))
    assert client.post(url, data).status_code == 302
    assert AuditEntry.objects.exclude(verb="api_token.create").count() == 1
