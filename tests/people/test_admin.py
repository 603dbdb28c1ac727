"""The people admin: deputies, groups and units are read-only there; congresses and terms
are saved through the actions (one audit entry, the actions' validation on the form)."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from minqing.core.models import AuditEntry
from minqing.people.models import Congress, Term
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model,attr", [("deputy", "wang"), ("deputygroup", "group"), ("handlingunit", "unit")]
)
def test_workflow_models_are_read_only(admin_client, people, model, attr):
    obj = getattr(people, attr)
    changelist = admin_client.get(reverse(f"admin:people_{model}_changelist"))
    assert changelist.status_code == 200
    assert obj.name in changelist.content.decode()
    assert admin_client.get(reverse(f"admin:people_{model}_add")).status_code == 403
    change_url = reverse(f"admin:people_{model}_change", args=[obj.pk])
    page = admin_client.get(change_url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.post(change_url, {"name": "改名"}).status_code == 403
    assert (
        admin_client.get(reverse(f"admin:people_{model}_delete", args=[obj.pk])).status_code == 403
    )


def test_contact_is_not_in_the_admin(admin_client, people):
    content = admin_client.get(reverse("admin:people_deputy_change", args=[people.wang.pk]))
    assert "13812345678" not in content.content.decode()
    with pytest.raises(NoReverseMatch):  # not registered at all
        reverse("admin:people_deputycontact_changelist")


def test_term_saved_through_the_action(admin_client, people):
    before = AuditEntry.objects.count()
    response = admin_client.post(
        reverse("admin:people_term_add"),
        {
            "congress": people.term.congress.pk,
            "number": 17,
            "start_date": "2027-01-01",
            "is_current": "on",
        },
    )
    assert response.status_code == 302
    term = Term.objects.get(congress=people.term.congress, number=17)
    assert term.is_current
    people.term.refresh_from_db()
    assert not people.term.is_current  # the action moved the current flag
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.order_by("-id").first().verb == "term.create"


def test_term_admin_shows_action_errors_on_the_form(admin_client, people):
    response = admin_client.post(
        reverse("admin:people_term_add"),
        {
            "congress": people.term.congress.pk,
            "number": 18,
            "start_date": "2027-01-01",
            "end_date": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not Term.objects.filter(number=18).exists()


def test_congress_admin(admin_client, tree):
    before = AuditEntry.objects.count()
    response = admin_client.post(reverse("admin:people_congress_add"), {"region": tree.street.pk})
    assert response.status_code == 200
    assert "只有乡镇级及以上行政区域设立人民代表大会" in response.content.decode()
    response = admin_client.post(
        reverse("admin:people_congress_add"), {"region": tree.yunxi.pk, "name": ""}
    )
    assert response.status_code == 200  # the name is required by the model form
    response = admin_client.post(
        reverse("admin:people_congress_add"), {"region": tree.yunxi.pk, "name": "云溪区人大"}
    )
    assert response.status_code == 302
    congress = Congress.objects.get(region=tree.yunxi)
    assert congress.level == tree.yunxi.level
    response = admin_client.post(
        reverse("admin:people_congress_change", args=[congress.pk]), {"name": "云溪区人民代表大会"}
    )
    assert response.status_code == 302
    congress.refresh_from_db()
    assert congress.name == "云溪区人民代表大会"
    assert AuditEntry.objects.count() == before + 2
