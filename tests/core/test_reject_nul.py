"""A NUL character anywhere in a request's input is a 400 before any view runs
(PostgreSQL text cannot hold NUL, so it would otherwise be a 500 there)."""

from __future__ import annotations

import pytest

from minqing.accounts.models import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_nul_in_a_query_parameter_is_refused_on_pages_and_api(client, tree):
    client.force_login(user_with_role(Role.CONGRESS_STAFF, tree.city))
    page = client.get("/people/deputies/", {"q": "王\x00"})
    assert page.status_code == 400
    assert "空字符" in page.content.decode()
    api = client.get("/api/v1/core/regions", {"q": "a\x00b"})
    assert api.status_code == 400
    assert "空字符" in api.json()["detail"]
    # The same requests without the NUL are fine.
    assert client.get("/people/deputies/", {"q": "王"}).status_code == 200
    assert client.get("/api/v1/core/regions", {"q": "ab"}).status_code == 200


def test_nul_in_a_json_or_form_body_is_refused(client, tree):
    client.force_login(user_with_role(Role.CONGRESS_STAFF, tree.city))
    response = client.post(
        "/api/v1/people/units",
        {"name": "单位\x00", "kind": "government", "region_code": "990100"},
        content_type="application/json",
    )
    assert response.status_code == 400
    response = client.post("/accounts/login/", {"username": "x\x00", "password": "y"})
    assert response.status_code == 400


def test_uploaded_files_may_contain_nul(client, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(user_with_role(Role.ADMIN, tree.nation))
    garbage = SimpleUploadedFile("regions.xlsx", b"PK\x03\x04\x00\x00garbage")
    response = client.post("/regions/import/", {"parent": "990100", "file": garbage})
    assert response.status_code != 400
