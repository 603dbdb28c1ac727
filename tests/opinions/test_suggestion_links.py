"""An opinion that went into a deputy's suggestion: the citizen's track page shows the
suggestion's number and state (and, for a public item once answered, its result and
reply), and the staff opinion page lists the suggestions and offers 起草代表建议."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from minqing.suggestions import actions
from tests.opinions.helpers import get_as
from tests.suggestions.factories import REPLY, drive, make_sworld
from tests.suggestions.factories_pages import CITIZEN_PHONE, citizen_opinion, station_for_lead

pytestmark = pytest.mark.django_db

TEXT = {
    "title": "关于修复望江社区路灯的建议",
    "grounds": "望江社区多处路灯损坏两个多月，居民夜间出行不便，存在安全隐患。",
    "proposal": "建议城管部门全面排查并修复社区路灯，建立定期巡查和快速维修机制。",
}


@pytest.fixture
def sw(tree):
    return make_sworld(tree)


@pytest.fixture
def opinion(sw):
    return citizen_opinion(station_for_lead(sw))


def suggestion_from(sw, opinion, **data):
    return actions.suggestion_create(
        actor=sw.lead_user, kind="suggestion", data={**TEXT, **data}, opinions=[opinion]
    )


def track_page(opinion) -> str:
    citizen = Client()
    response = citizen.post(
        reverse("citizen:track"), {"code": opinion.code, "last4": CITIZEN_PHONE[-4:]}
    )
    assert response.status_code == 302
    page = citizen.get(response.url)
    assert page.status_code == 200
    return page.content.decode()


def test_track_page_shows_the_suggestion_number_and_state(sw, opinion):
    s = suggestion_from(sw, opinion)
    assert 'id="suggestions"' not in track_page(opinion)  # a draft is not told
    drive(sw, s, "submitted")
    s.refresh_from_db()
    page = track_page(opinion)
    assert f"您反映的事项已纳入人大代表建议第 {s.display_number} 号「{TEXT['title']}」" in page
    assert "人大常委会工作机构正在审查" in page
    assert sw.lead.name not in page  # no names of deputies or citizens on the public page


def test_track_page_shows_a_public_reply_once_answered(sw, opinion):
    s = drive(sw, suggestion_from(sw, opinion), "assigned")
    page = track_page(opinion)
    assert "已交有关单位办理" in page and REPLY not in page
    drive_to_closed(sw, s)
    page = track_page(opinion)
    assert "已办结" in page and "A类：已经解决或基本解决" in page and REPLY in page
    assert sw.lead_unit.name in page


def drive_to_closed(sw, s):
    from tests.suggestions.factories import reply_as_lead

    reply_as_lead(sw, s)
    s.refresh_from_db()
    actions.suggestion_feedback(
        actor=sw.lead_user,
        reply=s.replies.get(),
        result_level="satisfied",
        contact_level="satisfied",
    )


def test_track_page_hides_a_secret_items_title_and_reply(sw, opinion):
    s = drive(sw, suggestion_from(sw, opinion, disclosure="secret"), "assigned")
    drive_to_closed(sw, s)
    s.refresh_from_db()
    page = track_page(opinion)
    assert f"您反映的事项已纳入人大代表建议第 {s.display_number} 号" in page
    assert "已办结" in page
    assert TEXT["title"] not in page and REPLY not in page and "A类" not in page


def test_withdrawn_suggestions_are_not_told(sw, opinion):
    s = drive(sw, suggestion_from(sw, opinion), "submitted")
    actions.suggestion_withdraw(actor=sw.lead_user, suggestion=s)
    assert 'id="suggestions"' not in track_page(opinion)


def test_staff_opinion_page_lists_suggestions_and_offers_a_draft(client, sw, opinion):
    target = reverse("opinions:detail", args=[opinion.pk])
    draft_url = reverse("suggestions:create") + f"?opinion={opinion.pk}"
    page = get_as(client, sw.lead_user, target).content.decode()
    assert 'id="draft-suggestion"' in page and draft_url in page
    page = get_as(client, sw.office, target).content.decode()
    assert 'id="draft-suggestion"' in page
    # Unit staff and leaders may not draft.
    page = get_as(client, sw.leader, target).content.decode()
    assert 'id="draft-suggestion"' not in page and 'id="suggestion-links"' not in page
    s = drive(sw, suggestion_from(sw, opinion), "submitted")
    s.refresh_from_db()
    page = get_as(client, sw.lead_user, target).content.decode()
    assert reverse("suggestions:detail", args=[s.pk]) in page and s.display_number in page
    page = get_as(client, sw.leader, target).content.decode()
    assert reverse("suggestions:detail", args=[s.pk]) in page
