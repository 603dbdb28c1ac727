"""Property-based fuzzing of the whole JSON API from its own OpenAPI document.

schemathesis generates requests for every operation of /api/v1/openapi.json (valid and
invalid parameters and bodies) and sends them through the WSGI application with an
admin's bearer token: whatever it sends, the API must answer with a 2xx/4xx, never a 5xx.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from minqing.accounts.actions import api_token_create
from minqing.accounts.models import Role
from minqing.wsgi import application
from tests.factories import grant

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go straight to the WSGI handler, whose request signals close "old"
    connections, and inside the test's transaction that is the test's own connection
    (PostgreSQL then fails every later query). Django's test Client disconnects the same
    handler for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_key(tree, django_user_model):
    """A bearer key of an admin on the nation root, created through the action."""
    admin = django_user_model.objects.create_user("fuzz-admin", password="x")
    grant(admin, Role.ADMIN, tree.nation)
    _, key = api_token_create(actor=admin, user=admin, name="fuzz")
    return key


@schema.parametrize()
@settings(
    # A few examples per operation keep the suite fast; MINQING_FUZZ_EXAMPLES=200 digs deeper.
    max_examples=int(os.environ.get("MINQING_FUZZ_EXAMPLES", "12")),
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_answers_with_a_server_error(case, admin_key):
    response = case.call(headers={"Authorization": f"Bearer {admin_key}"})
    case.validate_response(response, checks=[not_a_server_error])


# Regressions the fuzzer found, pinned so they never depend on its random draws.


def test_an_offset_beyond_64_bits_is_refused_not_a_server_error(client, admin_key):
    auth = {"Authorization": f"Bearer {admin_key}"}
    for path in ("/api/v1/people/groups", "/api/v1/accounts/tokens", "/api/v1/core/regions"):
        response = client.get(path, {"offset": 10**24}, headers=auth)
        assert response.status_code == 422, path
        response = client.get(path, {"limit": 10**24}, headers=auth)
        assert response.status_code == 422, path
    assert client.get("/api/v1/core/regions", {"limit": 500}, headers=auth).status_code == 200


def test_creating_a_unit_without_a_region_code_is_a_field_error(client, admin_key):
    response = client.post(
        "/api/v1/people/units",
        {"name": "测试单位", "kind": "government", "region_code": "  "},
        content_type="application/json",
        headers={"Authorization": f"Bearer {admin_key}"},
    )
    assert response.status_code == 422
    assert "region_code" in response.json()["detail"]
