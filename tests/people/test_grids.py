"""Deputies' grids (联系网格): the assign/remove actions (permission, level, duplicate,
one audit entry each) and the deputy page's grid section and buttons."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from minqing.accounts.models import Role
from minqing.core.models import AuditEntry, RegionLevel
from minqing.people import actions, selectors
from minqing.people.models import DeputyGrid, DeputyStatus
from tests.factories import region, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid(tree):
    """A grid (网格) under 望江社区."""
    return region("990102001001901", "望江第一网格", RegionLevel.GRID, tree.wangjiang, "网格")


@pytest.fixture
def district_staff(tree):
    """Congress staff of 滨江区: manages 王建国 (江滨街道) but cannot see 云溪区."""
    return user_with_role(Role.CONGRESS_STAFF, tree.binjiang)


def audit_delta(before: int) -> int:
    return AuditEntry.objects.count() - before


# --- actions -------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["wangjiang", "grid"])
def test_assign_a_village_or_a_grid_writes_one_audit_entry(tree, people, users, grid, where):
    target = grid if where == "grid" else tree.wangjiang
    before = AuditEntry.objects.count()
    assignment = actions.deputy_grid_assign(actor=users.inscope, deputy=people.wang, region=target)
    assert audit_delta(before) == 1
    entry = AuditEntry.objects.latest("id")
    assert entry.verb == "deputy.grid_assign"
    assert entry.after["region"] == target.pk
    assert assignment.deputy == people.wang and assignment.region == target
    assert assignment.since is not None


def test_remove_writes_one_audit_entry(tree, people, users):
    assignment = actions.deputy_grid_assign(
        actor=users.inscope, deputy=people.wang, region=tree.wangjiang
    )
    before = AuditEntry.objects.count()
    actions.deputy_grid_remove(actor=users.inscope, assignment=assignment)
    assert audit_delta(before) == 1
    entry = AuditEntry.objects.latest("id")
    assert entry.verb == "deputy.grid_remove"
    assert entry.before["region"] == tree.wangjiang.pk
    assert not DeputyGrid.objects.exists()
    with pytest.raises(ValidationError):
        actions.deputy_grid_remove(actor=users.inscope, assignment=assignment)


@pytest.mark.parametrize("who", ["outscope", "leader", "nobody"])
def test_assign_needs_manage_deputy_on_the_deputy(tree, people, users, who):
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        actions.deputy_grid_assign(
            actor=getattr(users, who), deputy=people.wang, region=tree.wangjiang
        )
    assert audit_delta(before) == 0
    assert not DeputyGrid.objects.exists()


def test_assign_refuses_a_region_outside_the_actors_scope(tree, people, district_staff):
    actions.deputy_grid_assign(actor=district_staff, deputy=people.wang, region=tree.liuan)
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        actions.deputy_grid_assign(actor=district_staff, deputy=people.wang, region=tree.village)
    assert audit_delta(before) == 0
    assert list(DeputyGrid.objects.values_list("region", flat=True)) == [tree.liuan.pk]


@pytest.mark.parametrize("level", ["street", "binjiang", "city"])
def test_assign_only_to_a_village_or_a_grid(tree, people, users, level):
    with pytest.raises(ValidationError) as exc:
        actions.deputy_grid_assign(
            actor=users.inscope, deputy=people.wang, region=getattr(tree, level)
        )
    assert exc.value.message_dict == {"region": ["只能分配到村（社区）或网格"]}
    assert not DeputyGrid.objects.exists()


def test_assign_twice_is_refused(tree, people, users):
    actions.deputy_grid_assign(actor=users.inscope, deputy=people.wang, region=tree.wangjiang)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        actions.deputy_grid_assign(actor=users.inscope, deputy=people.wang, region=tree.wangjiang)
    assert "望江社区" in exc.value.message_dict["region"][0]
    assert audit_delta(before) == 0
    assert DeputyGrid.objects.count() == 1


def test_an_ended_deputy_gets_no_grid(tree, people, users):
    actions.deputy_end_term(actor=users.inscope, deputy=people.wang)
    with pytest.raises(ValidationError):
        actions.deputy_grid_assign(actor=users.inscope, deputy=people.wang, region=tree.wangjiang)


@pytest.mark.parametrize("who", ["outscope", "leader"])
def test_remove_needs_manage_deputy(tree, people, users, who):
    assignment = actions.deputy_grid_assign(
        actor=users.inscope, deputy=people.wang, region=tree.wangjiang
    )
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        actions.deputy_grid_remove(actor=getattr(users, who), assignment=assignment)
    assert audit_delta(before) == 0
    assert DeputyGrid.objects.count() == 1


# --- selectors -----------------------------------------------------------------------------


def test_grid_choices_are_villages_and_grids_under_the_deputy(tree, people, users, grid):
    regions = selectors.grid_regions_choosable(users.inscope, people.wang)
    assert [r.name for r in regions] == ["望江社区", "望江第一网格", "柳岸社区"]
    assert selectors.grid_regions_choosable(users.inscope, people.wang, limit=2) is None
    assert selectors.grid_regions_choosable(users.outscope, people.wang) == []


# --- pages ---------------------------------------------------------------------------------


def detail_url(deputy) -> str:
    return reverse("people:deputy_detail", args=[deputy.pk])


def add_url(deputy) -> str:
    return reverse("people:deputy_grid_add", args=[deputy.pk])


def remove_url(assignment) -> str:
    return reverse("people:deputy_grid_remove", args=[assignment.pk])


def flashes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_detail_lists_grids_and_offers_the_form_to_managers(client, tree, people, users, grid):
    DeputyGrid.objects.create(deputy=people.wang, region=grid)
    client.force_login(users.inscope)
    html = client.get(detail_url(people.wang)).content.decode()
    assert "联系网格" in html and "望江第一网格" in html
    assert "望江社区" in html  # the grid's parent
    assert add_url(people.wang) in html
    assert 'value="990102001002"' in html  # 柳岸社区 offered in the select
    assert remove_url(people.wang.grid_assignments.get()) in html
    client.force_login(users.leader)
    html = client.get(detail_url(people.wang)).content.decode()
    assert "望江第一网格" in html
    assert add_url(people.wang) not in html
    assert "/remove/" not in html


def test_detail_of_an_ended_deputy_has_no_add_form(client, tree, people, users):
    people.wang.status = DeputyStatus.ENDED
    people.wang.save()
    client.force_login(users.inscope)
    assert add_url(people.wang) not in client.get(detail_url(people.wang)).content.decode()


def test_add_matrix(client, tree, people, users):
    url = add_url(people.wang)
    data = {"region": tree.wangjiang.code}
    response = client.post(url, data)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(users.nobody)
    assert client.post(url, data).status_code == 404
    client.force_login(users.outscope)
    assert client.post(url, data).status_code == 404
    client.force_login(users.leader)
    assert client.post(url, data).status_code == 403
    client.force_login(users.inscope)
    assert client.get(url).status_code == 405
    assert not DeputyGrid.objects.exists()
    before = AuditEntry.objects.count()
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == detail_url(people.wang)
    assert audit_delta(before) == 1
    assert people.wang.grid_assignments.get().region == tree.wangjiang
    assert flashes(response) == ["已为王建国分配联系网格：望江社区"]


@pytest.mark.parametrize("code", ["990103101001", "990102001", "nonsense", ""])
def test_add_refuses_codes_outside_the_deputys_villages(client, tree, people, users, code):
    """石桥村 (another district), the street itself (a level check), junk, nothing."""
    client.force_login(users.inscope)
    response = client.post(add_url(people.wang), {"region": code})
    assert response.status_code == 302
    assert not DeputyGrid.objects.exists()
    (message,) = flashes(response)
    assert "村（社区）或网格" in message


def test_add_twice_flashes_the_refusal(client, tree, people, users):
    client.force_login(users.inscope)
    client.post(add_url(people.wang), {"region": tree.wangjiang.code})
    response = client.post(add_url(people.wang), {"region": tree.wangjiang.code})
    assert flashes(response)[-1] == "该代表已联系望江社区"
    assert DeputyGrid.objects.count() == 1


def test_remove_matrix(client, tree, people, users):
    assignment = DeputyGrid.objects.create(deputy=people.wang, region=tree.wangjiang)
    url = remove_url(assignment)
    response = client.post(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(users.nobody)
    assert client.post(url).status_code == 404
    client.force_login(users.outscope)
    assert client.post(url).status_code == 404
    client.force_login(users.leader)
    assert client.post(url).status_code == 403
    assert DeputyGrid.objects.count() == 1
    client.force_login(users.inscope)
    before = AuditEntry.objects.count()
    response = client.post(url)
    assert response.status_code == 302 and response.url == detail_url(people.wang)
    assert audit_delta(before) == 1
    assert not DeputyGrid.objects.exists()
    assert client.post(url).status_code == 404
