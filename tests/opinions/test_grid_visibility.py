"""A deputy sees the opinions raised in the villages and grids they keep in touch with
(联系网格): in the visible list, in the station inbox, and may answer them; a deputy not
assigned does not, and removing the assignment takes the sight away."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from minqing.accounts.models import Role, User
from minqing.core.models import RegionLevel
from minqing.opinions import actions as opinion_actions
from minqing.opinions import permissions as perms
from minqing.opinions import selectors
from minqing.opinions.models import Channel, OpinionState
from minqing.people import actions as people_actions
from tests.factories import UserFactory, grant, region
from tests.opinions.factories import citizen_data
from tests.people.factories import DeputyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid(world):
    return region("990102001001901", "望江第一网格", RegionLevel.GRID, world.tree.wangjiang, "网格")


@pytest.fixture
def grid_deputy(world):
    """A deputy of 江滨街道 with an account, sitting at no station, assigned to 望江社区."""
    user = UserFactory(username="daibiao_grid")
    deputy = DeputyFactory(region=world.tree.street, user=user)
    grant(user, Role.DEPUTY, world.tree.street)
    assignment = people_actions.deputy_grid_assign(
        actor=world.office, deputy=deputy, region=world.tree.wangjiang
    )
    return assignment


def fresh(user: User) -> User:
    """The user re-read, without the per-request caches of grants and deputy."""
    return User.objects.get(pk=user.pk)


def web_opinion(region):
    """A citizen's web-form opinion: no station, only a region."""
    return opinion_actions.opinion_submit(
        data=citizen_data(), region=region, channel=Channel.WEB, client_token=uuid.uuid4()
    )


@pytest.mark.parametrize("where", ["wangjiang", "grid"])
def test_a_grid_deputy_sees_and_answers_opinions_of_their_grid(world, grid, grid_deputy, where):
    opinion = web_opinion(grid if where == "grid" else world.tree.wangjiang)
    assert opinion.station_id is None
    user = fresh(grid_deputy.deputy.user)
    assert opinion in selectors.opinions_visible(user)
    assert opinion in selectors.inbox_station(user)
    assert perms.can(user, "opinions.answer", opinion)
    assert selectors.opinion_get_visible(user, opinion.pk) == opinion
    opinion_actions.opinion_answer(
        actor=user, opinion=opinion, public_text="已联系社区物业，三日内修复，请您留意。"
    )
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.CLOSED


def test_opinions_outside_the_grid_stay_hidden(world, grid_deputy):
    elsewhere = web_opinion(world.tree.liuan)
    user = fresh(grid_deputy.deputy.user)
    assert elsewhere not in selectors.opinions_visible(user)
    assert elsewhere not in selectors.inbox_station(user)
    assert not perms.can(user, "opinions.view_opinion", elsewhere)


def test_a_deputy_not_assigned_does_not_see_grid_opinions(world, grid_deputy):
    opinion = web_opinion(world.tree.wangjiang)
    for user in (world.deputy_user, world.other_deputy_user):
        user = fresh(user)
        assert opinion not in selectors.opinions_visible(user)
        assert opinion not in selectors.inbox_station(user)
        assert not perms.can(user, "opinions.answer", opinion)


def test_removing_the_assignment_removes_sight(client, world, grid_deputy):
    opinion = web_opinion(world.tree.wangjiang)
    client.force_login(grid_deputy.deputy.user)
    detail = reverse("opinions:detail", args=[opinion.pk])
    assert client.get(detail).status_code == 200
    inbox = client.get(reverse("opinions:station_inbox"))
    assert opinion in inbox.context["page_obj"]
    people_actions.deputy_grid_remove(actor=world.office, assignment=grid_deputy)
    user = fresh(grid_deputy.deputy.user)
    assert opinion not in selectors.opinions_visible(user)
    assert not perms.can(user, "opinions.view_opinion", opinion)
    assert client.get(detail).status_code == 404
    inbox = client.get(reverse("opinions:station_inbox"))
    assert opinion not in inbox.context["page_obj"]


def test_web_opinions_stay_out_of_the_office_station_inbox(world, grid_deputy):
    """Staff read the station inbox as before: only opinions received at stations."""
    opinion = web_opinion(world.tree.wangjiang)
    office = fresh(world.office)
    assert opinion in selectors.opinions_visible(office)
    assert opinion not in selectors.inbox_station(office)
    assert opinion in selectors.inbox_office(office)
