"""The office's plenary sessions page and its two actions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from minqing.core.models import AuditEntry
from minqing.suggestions import actions
from minqing.suggestions.models import CongressSession

LIST = reverse("suggestions:sessions")


def _post(sw, **over):
    data = {
        "congress": sw.congress.pk,
        "number": 6,
        "name": "澜州市第十六届人民代表大会第六次会议",
        "start_date": "2027-01-12",
        "end_date": "2027-01-16",
        **over,
    }
    return data


def test_anonymous_is_sent_to_login(client, sw):
    assert client.get(LIST).status_code == 302


@pytest.mark.parametrize("who", ["nobody", "lead_user", "lead_staff", "leader"])
def test_only_the_office_opens_the_page(client, sw, who):
    client.force_login(getattr(sw, who))
    assert client.get(LIST).status_code == 403


def test_office_adds_a_session_with_one_audit_entry(client, sw):
    client.force_login(sw.office)
    page = client.get(LIST)
    assert page.status_code == 200 and sw.session.name in page.content.decode()
    before = AuditEntry.objects.count()
    response = client.post(LIST, _post(sw))
    assert response.status_code == 302
    assert CongressSession.objects.filter(number=6, congress=sw.congress).exists()
    assert AuditEntry.objects.count() == before + 1


def test_duplicate_number_and_reversed_dates_are_refused_in_chinese(client, sw):
    client.force_login(sw.office)
    html = client.post(LIST, _post(sw, number=5)).content.decode()
    assert "本届已有这一次会议" in html
    html = client.post(LIST, _post(sw, end_date="2027-01-01")).content.decode()
    assert "闭幕日期不能早于开幕日期" in html
    assert CongressSession.objects.count() == 1


def test_out_of_scope_office_cannot_choose_the_congress_or_edit(client, sw):
    client.force_login(sw.far_office)
    response = client.post(LIST, _post(sw))
    assert response.status_code == 200 and not CongressSession.objects.filter(number=6).exists()
    edit = reverse("suggestions:session_edit", args=[sw.session.pk])
    assert client.get(edit).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.session_update(
            actor=sw.far_office,
            session=sw.session,
            name="改名",
            start_date=dt.date(2026, 1, 10),
            end_date=dt.date(2026, 1, 14),
        )


def test_office_edits_dates(client, sw):
    client.force_login(sw.office)
    edit = reverse("suggestions:session_edit", args=[sw.session.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit, {"name": sw.session.name, "start_date": "2026-01-11", "end_date": "2026-01-15"}
    )
    assert response.status_code == 302
    sw.session.refresh_from_db()
    assert sw.session.end_date == dt.date(2026, 1, 15)
    with pytest.raises(ValidationError):
        actions.session_update(
            actor=sw.office,
            session=sw.session,
            name="",
            start_date=dt.date(2026, 1, 10),
            end_date=dt.date(2026, 1, 14),
        )
