"""/api/v1/people/: the permission matrix for every endpoint, public-only deputy output,
contact only with the contact permission, writes through the actions."""

from __future__ import annotations

import json

import pytest

from minqing.accounts.models import ApiToken, hash_token
from minqing.core.models import AuditEntry
from minqing.people.models import Deputy, HandlingUnit

API = "/api/v1/people"

GETS = [
    ("deputies", None),
    ("deputies/{}", "wang"),
    ("units", None),
    ("units/{}", "unit"),
    ("groups", None),
]


def path(template: str, people, attr: str | None) -> str:
    return f"{API}/{template.format(getattr(people, attr).pk) if attr else template}"


def deputy_body(people, tree, **overrides) -> dict:
    body = {
        "term_id": people.term.pk,
        "region_code": tree.wangjiang.code,
        "name": "李秀英",
        "gender": "F",
        "deputy_number": "API001",
        "sector": "医疗",
        "contact": {"mobile": "13900003333"},
    }
    return {**body, **overrides}


def unit_body(tree, **overrides) -> dict:
    return {
        "region_code": tree.binjiang.code,
        "name": "滨江区卫健局",
        "kind": "government",
        **overrides,
    }


def post(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


# --- the permission matrix ------------------------------------------------------------------


@pytest.mark.parametrize("template,attr", GETS)
def test_anonymous_gets_401(client, people, template, attr):
    assert client.get(path(template, people, attr)).status_code == 401


def test_anonymous_posts_get_401(client, tree, people):
    assert post(client, f"{API}/deputies", deputy_body(people, tree)).status_code == 401
    assert post(client, f"{API}/units", unit_body(tree)).status_code == 401


@pytest.mark.parametrize(
    "template,attr,expected",
    [
        ("deputies", None, 403),
        ("deputies/{}", "wang", 404),
        ("units", None, 403),
        ("units/{}", "unit", 404),
        ("groups", None, 403),
    ],
)
def test_no_role(client, people, users, template, attr, expected):
    client.force_login(users.nobody)
    assert client.get(path(template, people, attr)).status_code == expected


def test_no_role_cannot_post(client, tree, people, users):
    client.force_login(users.nobody)
    assert post(client, f"{API}/deputies", deputy_body(people, tree)).status_code == 403
    assert post(client, f"{API}/units", unit_body(tree)).status_code == 403


@pytest.mark.parametrize("template,attr", GETS)
def test_in_scope(client, people, users, template, attr):
    client.force_login(users.inscope)
    assert client.get(path(template, people, attr)).status_code == 200


@pytest.mark.parametrize("template,attr", [g for g in GETS if g[1]])
def test_out_of_scope_objects_are_404(client, people, users, template, attr):
    client.force_login(users.outscope)
    assert client.get(path(template, people, attr)).status_code == 404


@pytest.mark.parametrize(
    "endpoint,inside,outside",
    [
        ("deputies", "王建国", "赵临川"),
        ("units", "滨江区住建局", "临川市水务局"),
        ("groups", "教育界代表小组", "临川代表小组"),
    ],
)
def test_lists_are_scoped(client, people, users, endpoint, inside, outside):
    client.force_login(users.outscope)
    names = [item["name"] for item in client.get(f"{API}/{endpoint}").json()["items"]]
    assert outside in names and inside not in names
    client.force_login(users.inscope)
    names = [item["name"] for item in client.get(f"{API}/{endpoint}").json()["items"]]
    assert inside in names and outside not in names


def test_out_of_scope_posts_are_refused(client, tree, people, users):
    client.force_login(users.outscope)
    # The 澜州市 term is not among the terms they manage: 404, as for any unseen object.
    assert post(client, f"{API}/deputies", deputy_body(people, tree)).status_code == 404
    # Region codes are public reference data; writing into another city is 403.
    assert post(client, f"{API}/units", unit_body(tree)).status_code == 403
    assert not HandlingUnit.objects.filter(name="滨江区卫健局").exists()


def test_token_auth_is_scoped_like_its_user(client, people, users):
    ApiToken.objects.create(
        user=users.outscope, name="外部系统", prefix="abcd1234", key_hash=hash_token("secret-key")
    )
    response = client.get(f"{API}/deputies", HTTP_AUTHORIZATION="Bearer secret-key")
    assert [d["name"] for d in response.json()["items"]] == ["赵临川"]
    response = client.get(
        f"{API}/deputies/{people.wang.pk}", HTTP_AUTHORIZATION="Bearer secret-key"
    )
    assert response.status_code == 404


# --- contact privacy -----------------------------------------------------------------------


def test_list_output_never_holds_contact_data(client, people, users):
    client.force_login(users.inscope)  # even for holders of the contact permission
    response = client.get(f"{API}/deputies")
    raw = response.content.decode("unicode_escape")
    assert "王建国" in raw
    assert "13812345678" not in raw and "wangjg@example.cn" not in raw
    assert "contact" not in response.json()["items"][0]


def test_detail_contact_only_with_contact_permission(client, people, users):
    url = f"{API}/deputies/{people.wang.pk}"
    client.force_login(users.inscope)
    data = client.get(url).json()
    assert data["contact"] == {
        "mobile": "13812345678",
        "email": "wangjg@example.cn",
        "address": "滨江路8号",
    }
    assert data["groups"] == [
        {"id": people.group.pk, "name": "教育界代表小组", "kind": "regional", "is_leader": False}
    ]
    client.force_login(users.leader)
    response = client.get(url)
    assert response.status_code == 200
    assert response.json()["contact"] is None
    assert "13812345678" not in response.content.decode("unicode_escape")


# --- filters, pagination and writes ---------------------------------------------------------


def test_deputy_filters_and_pagination(client, tree, people, users):
    from tests.people.factories import DeputyFactory

    # Fixed names: the factory's sequence of names depends on what ran before in this
    # process, and a generated "王…" would make the name search below count two.
    for name in ("赵一鸣", "钱立新", "孙春燕"):
        DeputyFactory(name=name, term=people.term, region=tree.yunxi, sector="农业")
    client.force_login(users.inscope)
    data = client.get(f"{API}/deputies", {"limit": 2, "offset": 0}).json()
    assert data["count"] == 4 and len(data["items"]) == 2
    assert client.get(f"{API}/deputies", {"sector": "农业"}).json()["count"] == 3
    assert client.get(f"{API}/deputies", {"region": "990102"}).json()["count"] == 1
    assert client.get(f"{API}/deputies", {"group": people.group.pk}).json()["count"] == 1
    assert client.get(f"{API}/deputies", {"q": "王"}).json()["count"] == 1
    assert client.get(f"{API}/deputies", {"term": people.far_term.pk}).status_code == 404
    assert client.get(f"{API}/deputies", {"region": "nope"}).status_code == 404


def test_post_deputy(client, tree, people, users):
    client.force_login(users.inscope)
    before = AuditEntry.objects.count()
    response = post(client, f"{API}/deputies", deputy_body(people, tree))
    assert response.status_code == 201
    data = response.json()
    assert data["name"] == "李秀英" and data["region_code"] == tree.wangjiang.code
    assert data["contact"]["mobile"] == "13900003333"
    assert AuditEntry.objects.count() == before + 1
    again = post(client, f"{API}/deputies", deputy_body(people, tree))
    assert again.status_code == 422
    assert again.json()["detail"] == {"deputy_number": ["代表证号“API001”在本届中已存在"]}
    bad = post(client, f"{API}/deputies", deputy_body(people, tree, region_code="000"))
    assert bad.status_code == 422
    assert Deputy.objects.filter(deputy_number="API001").count() == 1


def test_post_unit(client, tree, people, users):
    client.force_login(users.inscope)
    response = post(client, f"{API}/units", unit_body(tree, parent_id=people.unit.pk))
    assert response.status_code == 201
    assert response.json()["parent_name"] == "澜州市住房和城乡建设局"
    hidden = post(client, f"{API}/units", unit_body(tree, name="X", parent_id=people.far_unit.pk))
    assert hidden.status_code == 422
    data = client.get(f"{API}/units", {"region": "990102"}).json()
    assert {u["name"] for u in data["items"]} == {"滨江区住建局", "滨江区卫健局"}
