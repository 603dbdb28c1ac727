"""Meeting requests (约见代表) on the staff side: the list of open requests, one
request's page, accepting with a time and declining with a reason."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from minqing.accounts.models import Role
from minqing.core.models import AuditEntry
from minqing.opinions import actions
from minqing.opinions.models import MeetingRequest, MeetingState
from tests.factories import user_with_role
from tests.opinions.factories import OpinionFactory, citizen_data
from tests.opinions.helpers import assert_login_redirect, flashes, get_as, post_as
from tests.people.factories import DeputyFactory
from tests.stations.factories import StationFactory, seat

pytestmark = pytest.mark.django_db


def ask(world, *, deputy=None, station=None) -> MeetingRequest:
    opinion = actions.meeting_request(
        station=station or world.station,
        data=citizen_data(),
        deputy=deputy,
        preferred_time="下周二下午",
        client_token=uuid.uuid4(),
    )
    return MeetingRequest.objects.get(opinion=opinion)


def meeting_url(meeting, name="meeting_detail") -> str:
    return reverse(f"opinions:{name}", args=[meeting.pk])


def later(days=3) -> str:
    return (timezone.localtime() + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def far_staff(world):
    return user_with_role(
        Role.STATION_STAFF, station=StationFactory(region=world.tree.donghu, name="东湖联络站")
    )


@pytest.fixture
def colleague(world):
    """Another deputy seated at the world's station, with an account."""
    from tests.factories import UserFactory, grant

    user = UserFactory()
    deputy = DeputyFactory(region=world.tree.street, user=user)
    seat(world.station, deputy)
    grant(user, Role.DEPUTY, world.tree.street)
    return user


def pks(response) -> set[int]:
    return {m.pk for m in response.context["page_obj"]}


# --- list ----------------------------------------------------------------------------------


def test_meeting_list_matrix(client, world, far_staff, colleague):
    open_any = ask(world)
    named = ask(world, deputy=world.deputy)
    url = reverse("opinions:meeting_list")
    assert_login_redirect(client.get(url))
    # Without the meet permission (or a seat), no way in.
    for user in (world.nobody, world.leader, world.office, world.unit_staff):
        assert get_as(client, user, url).status_code == 403, user
    assert pks(get_as(client, world.station_staff, url)) == {open_any.pk, named.pk}
    assert pks(get_as(client, world.deputy_user, url)) == {open_any.pk, named.pk}
    # Another deputy of the station sees the open one, not the one naming a colleague.
    assert pks(get_as(client, colleague, url)) == {open_any.pk}
    # Out of scope: the page opens, empty.
    assert pks(get_as(client, far_staff, url)) == set()
    assert pks(get_as(client, world.other_deputy_user, url)) == set()


def test_meeting_list_shows_open_requests_and_the_citizen(client, world):
    waiting = ask(world)
    done = ask(world)
    actions.meeting_decline(
        actor=world.deputy_user, meeting=done, reason="近期外出学习，请改约其他代表。"
    )
    response = get_as(client, world.station_staff, reverse("opinions:meeting_list"))
    assert pks(response) == {waiting.pk}
    html = response.content.decode()
    assert waiting.opinion.code in html and "王秀英" in html and "下周二下午" in html
    assert pks(client.get(reverse("opinions:meeting_list"), {"state": "all"})) == {
        waiting.pk,
        done.pk,
    }
    assert pks(client.get(reverse("opinions:meeting_list"), {"state": "declined"})) == {done.pk}


@pytest.mark.parametrize("n", [3, 30])
def test_meeting_list_query_count_is_pinned(client, world, django_assert_num_queries, n):
    for _ in range(n):
        opinion = OpinionFactory(station=world.station)
        MeetingRequest.objects.create(opinion=opinion, station=world.station)
    client.force_login(world.station_staff)
    url = reverse("opinions:meeting_list")
    client.get(url)
    # session, user, grants, count, page, whose contact may be shown.
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["page_obj"]) == n


# --- detail ---------------------------------------------------------------------------------


def test_meeting_detail_matrix(client, world, far_staff, colleague):
    meeting = ask(world, deputy=world.deputy)
    url = meeting_url(meeting)
    assert_login_redirect(client.get(url))
    for user in (
        world.nobody,
        world.leader,
        world.office,
        world.other_deputy_user,
        far_staff,
        colleague,  # the citizen asked for another deputy
    ):
        assert get_as(client, user, url).status_code == 404, user
    for user in (world.deputy_user, world.station_staff):
        response = get_as(client, user, url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "王秀英" in html and "13812345678" in html
        assert response.context["can"]["decide"]
    # The place defaults to the station's address.
    assert response.context["accept_form"]["place"].value() == world.station.address


# --- accept and decline -------------------------------------------------------------------


def test_accept_matrix_and_one_audit_entry(client, world, far_staff):
    meeting = ask(world)
    url = meeting_url(meeting, "meeting_accept")
    data = {"accept-meet_at": later(), "accept-place": ""}
    assert_login_redirect(client.post(url, data))
    assert get_as(client, world.deputy_user, url).status_code == 405
    for user in (world.nobody, world.leader, world.other_deputy_user, far_staff):
        assert post_as(client, user, url, data).status_code == 404, user
    before = AuditEntry.objects.count()
    response = post_as(client, world.deputy_user, url, data)
    assert response.status_code == 302 and response.url == meeting_url(meeting)
    assert AuditEntry.objects.count() - before == 1
    assert AuditEntry.objects.latest("id").verb == "meeting.accept"
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.ACCEPTED
    assert meeting.deputy == world.deputy and meeting.place == world.station.address
    assert "已同意约见" in flashes(response)[0]
    # Answered: no form any more; answering again is a message, not an error page.
    page = client.get(meeting_url(meeting))
    assert not page.context["can"]["decide"] and "同意并通知群众" not in page.content.decode()
    again = client.post(url, data)
    assert again.status_code == 302 and flashes(again)
    assert AuditEntry.objects.count() - before == 1


def test_accept_refuses_a_time_in_the_past(client, world):
    meeting = ask(world)
    past = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = post_as(
        client,
        world.station_staff,
        meeting_url(meeting, "meeting_accept"),
        {"accept-meet_at": past},
    )
    assert response.status_code == 200
    assert response.context["accept_form"].errors["meet_at"] == ["约见时间须晚于现在"]
    response = client.post(meeting_url(meeting, "meeting_accept"), {"accept-meet_at": "明天"})
    assert response.context["accept_form"].errors["meet_at"] == ["时间格式不正确"]
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.REQUESTED


def test_station_staff_accept_with_a_place(client, world):
    meeting = ask(world, deputy=world.deputy)
    response = post_as(
        client,
        world.station_staff,
        meeting_url(meeting, "meeting_accept"),
        {"accept-meet_at": later(5), "accept-place": "联络站二楼接待室"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "联络站二楼接待室" and meeting.decided_by == world.station_staff


def test_decline_with_a_reason_and_one_audit_entry(client, world, far_staff):
    meeting = ask(world)
    url = meeting_url(meeting, "meeting_decline")
    assert_login_redirect(client.post(url, {}))
    assert get_as(client, world.deputy_user, url).status_code == 405
    for user in (world.nobody, world.leader, world.other_deputy_user, far_staff):
        assert post_as(client, user, url, {"decline-reason": "不便"}).status_code == 404
    before = AuditEntry.objects.count()
    response = post_as(client, world.deputy_user, url, {"decline-reason": ""})
    assert response.status_code == 200
    assert response.context["decline_form"].errors["reason"] == ["请填写婉拒理由"]
    assert AuditEntry.objects.count() == before
    response = client.post(url, {"decline-reason": "本人近期住院治疗，请约见本站其他代表。"})
    assert response.status_code == 302
    assert AuditEntry.objects.count() - before == 1
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.DECLINED
    assert meeting.decline_reason == "本人近期住院治疗，请约见本站其他代表。"
    # The opinion page tells the story with the meeting's steps.
    html = client.get(reverse("opinions:detail", args=[meeting.opinion_id])).content.decode()
    assert "代表婉拒约见" in html and "本人近期住院治疗" in html
