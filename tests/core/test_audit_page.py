"""The audit log page: scope, filters, query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from minqing.accounts.models import Role
from minqing.core import audit
from minqing.core.selectors import audit_list_visible
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db
URL = reverse("core:audit_list")


def _entries(tree, actor=None):
    audit.record(
        actor=actor, verb="region.create", obj=tree.wangjiang, before={"a": 1}, after={"a": 2}
    )
    audit.record(actor=actor, verb="region_setting.set", obj=tree.binjiang)
    audit.record(actor=actor, verb="region.update", obj=tree.donghu)
    audit.record(actor=actor, verb="calendar.import")  # no region: system-wide


def test_audit_page_permission_matrix(client, tree):
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
    client.force_login(user_with_role(Role.STATION_STAFF, tree.binjiang))  # no view_audit
    assert client.get(URL).status_code == 403
    client.force_login(user_with_role(Role.LEADER, tree.binjiang))
    assert client.get(URL).status_code == 200
    client.force_login(user_with_role(Role.LEADER, tree.other_city))
    assert client.get(URL + "?region=990102").status_code == 200  # filter refused, not leaked
    assert client.get(URL + "?region=990102").context["form"].errors["region"]


def test_scope_hides_other_regions_and_system_entries(client, tree):
    _entries(tree)
    client.force_login(user_with_role(Role.CONGRESS_STAFF, tree.binjiang))
    verbs = [e.verb for e in client.get(URL).context["page_obj"]]
    assert sorted(verbs) == ["region.create", "region_setting.set"]


def test_root_holders_and_superusers_see_system_entries(tree):
    _entries(tree)
    root = user_with_role(Role.LEADER, tree.nation)
    assert audit_list_visible(root).count() == 4
    assert audit_list_visible(UserFactory(is_superuser=True)).count() == 4
    province = user_with_role(Role.LEADER, tree.province)
    assert audit_list_visible(province).count() == 3


def test_filters(client, tree):
    actor = UserFactory(username="zhangsan")
    _entries(tree, actor=actor)
    audit.record(actor=None, verb="region.create", obj=tree.village)
    client.force_login(user_with_role(Role.LEADER, tree.nation))

    def verbs(query):
        response = client.get(URL + query)
        assert response.status_code == 200
        return sorted(e.verb for e in response.context["page_obj"])

    assert verbs("?verb=region.") == ["region.create", "region.create", "region.update"]
    assert verbs("?actor=zhangsan") == sorted(
        ["region.create", "region_setting.set", "region.update", "calendar.import"]
    )
    assert verbs("?region=990102") == ["region.create", "region_setting.set"]
    assert verbs("?object_type=core.region&region=990103") == ["region.create"]
    today = dt.date.today().isoformat()
    assert len(verbs(f"?date_from={today}&date_to={today}")) == 5
    assert verbs("?date_to=2020-01-01") == []
    bad = client.get(URL + "?date_from=2026-02-01&date_to=2026-01-01")
    assert "起始日期不能晚于截止日期" in bad.content.decode()


def test_page_shows_request_id_ip_and_changes(client, tree):
    entry = audit.record(
        actor=None, verb="region.create", obj=tree.wangjiang, after={"name": "望江社区"}
    )
    client.force_login(user_with_role(Role.LEADER, tree.nation))
    html = client.get(URL).content.decode()
    assert "<details>" in html and "望江社区" in html and entry.verb in html


def test_audit_list_query_count_does_not_grow(client, tree, django_assert_num_queries):
    actor = UserFactory()
    client.force_login(user_with_role(Role.LEADER, tree.city))

    def add(n):
        for i in range(n):
            region = (tree.wangjiang, tree.binjiang, tree.village)[i % 3]
            audit.record(actor=actor, verb="region.update", obj=region, before={"i": i})

    add(3)
    client.get(URL)
    with django_assert_num_queries(6):
        assert len(client.get(URL).context["page_obj"]) == 3
    add(27)
    with django_assert_num_queries(6):
        assert len(client.get(URL).context["page_obj"]) == 30
