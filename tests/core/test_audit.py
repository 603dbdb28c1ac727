"""The audit log is append-only and records where a change came from."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minqing.accounts.models import Role
from minqing.core import audit
from minqing.core.models import AuditEntry, Region
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_entries_are_append_only(tree):
    entry = audit.record(actor=None, verb="test.thing", obj=tree.city, note="说明")
    assert entry.actor_label == "系统" and entry.region == tree.city
    entry.note = "改写"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(note="改写")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).note == "说明"


def test_record_takes_region_from_the_object_and_snapshots_json(tree):
    entry = audit.record(
        actor=None,
        verb="test.region",
        obj=tree.street,
        after=audit.snapshot(tree.street, ["code", "parent", "level"]),
    )
    assert entry.object_id == str(tree.street.pk)
    assert entry.content_type.model == "region"
    assert entry.after == {"code": "990102001", "parent": tree.binjiang.pk, "level": 4}


def test_a_page_action_records_request_id_ip_and_actor(client, tree):
    staff = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    client.force_login(staff)
    response = client.post(
        reverse("core:region_create", args=[tree.street.code]),
        {"code": "990102001003", "name": "新港社区", "kind": "社区"},
        headers={"X-Request-ID": "req-audit-1"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == "req-audit-1"
    entry = AuditEntry.objects.get(verb="region.create")
    assert entry.request_id == "req-audit-1"
    assert entry.ip == "203.0.113.9"
    assert entry.channel == "web"
    assert entry.actor == staff and entry.actor_label == staff.username
    assert entry.region == Region.objects.get(code="990102001003")


def test_forwarded_for_is_ignored_unless_trusted(client, tree, settings):
    staff = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    client.force_login(staff)
    url = reverse("core:region_create", args=[tree.street.code])
    forged = {"X-Forwarded-For": "198.51.100.1"}
    client.post(url, {"code": "A1", "name": "甲", "kind": "社区"}, headers=forged)
    assert AuditEntry.objects.get(verb="region.create").ip == "127.0.0.1"
    settings.MINQING_TRUST_X_FORWARDED_FOR = True
    client.post(url, {"code": "A2", "name": "乙", "kind": "社区"}, headers=forged)
    assert AuditEntry.objects.latest("id").ip == "198.51.100.1"
    assert AuditEntry.objects.latest("id").request_id  # generated when not sent
