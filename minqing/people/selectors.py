"""Reads of people data: deputies, their private contacts, deputy groups, handling units,
congresses and terms.

Every selector starts from ``core.permissions.scope``; ``*_get_visible`` raises Http404
for rows outside the caller's scope, so a stranger cannot learn that an id exists.
Deputies and deputy groups are read with ``people.view_deputy``, units with
``people.view_unit`` (a unit-staff grant narrows that to its own unit), private contact
data only with ``people.view_deputy_contact``.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from minqing.accounts.models import Role, RoleGrant
from minqing.core.models import Region, RegionLevel
from minqing.core.permissions import grants_for, is_unrestricted, scope
from minqing.people.models import (
    Congress,
    Deputy,
    DeputyContact,
    DeputyGrid,
    DeputyGroup,
    DeputyGroupMembership,
    HandlingUnit,
    Term,
)

VIEW_DEPUTY = "people.view_deputy"
VIEW_CONTACT = "people.view_deputy_contact"
MANAGE_DEPUTY = "people.manage_deputy"
VIEW_UNIT = "people.view_unit"
MANAGE_UNIT = "people.manage_unit"


# --- scope helpers -----------------------------------------------------------------------


def region_paths(user, perm: str) -> list[str] | None:
    """Region paths under which ``user`` holds ``perm`` through region-wide grants;
    None means everywhere (superuser). Unit- and station-narrowed grants are left out:
    they never cover a whole region. No query beyond the cached grants."""
    if is_unrestricted(user):
        return None
    return [g.region.path for g in grants_for(user, perm) if not g.unit_id and not g.station_id]


def path_covered(path: str, paths: list[str] | None) -> bool:
    return paths is None or any(path.startswith(p) for p in paths)


def regions_choosable(user, perm: str, *, max_level: int = RegionLevel.VILLAGE) -> QuerySet[Region]:
    """Regions ``user`` may place a deputy, group or unit in (``perm`` on the region),
    down to ``max_level``, ordered as a tree."""
    qs = Region.objects.filter(level__lte=max_level, is_active=True)
    return scope(qs, user, perm).order_by("path")


# --- congresses and terms ----------------------------------------------------------------


def congress_list_visible(user) -> QuerySet[Congress]:
    """Congresses whose region ``user`` may see deputies in (``people.view_deputy``)."""
    return scope(Congress.objects.select_related("region"), user, VIEW_DEPUTY)


def term_list_visible(user, *, perm: str = VIEW_DEPUTY, current_only: bool = False):
    """Terms of the congresses ``user`` holds ``perm`` in (default ``people.view_deputy``),
    newest first within each level; ``current_only`` keeps the sitting terms."""
    qs = scope(Term.objects.select_related("congress__region"), user, perm)
    if current_only:
        qs = qs.filter(is_current=True)
    return qs.order_by("congress__level", "congress__region__path", "-number")


def term_get_visible(user, pk: int, *, perm: str = VIEW_DEPUTY) -> Term:
    """One term ``user`` holds ``perm`` on; Http404 otherwise."""
    try:
        return term_list_visible(user, perm=perm).get(pk=pk)
    except Term.DoesNotExist:
        raise Http404("term") from None


# --- deputies ----------------------------------------------------------------------------


def deputy_list_visible(
    user,
    *,
    q: str = "",
    level: int | None = None,
    term: Term | None = None,
    region: Region | None = None,
    sector: str = "",
    group: DeputyGroup | None = None,
    status: str = "",
) -> QuerySet[Deputy]:
    """Deputies ``user`` may see (``people.view_deputy`` on the deputy's region), searched
    by name (contains) or deputy number (prefix), filtered by level, term, region
    subtree, sector, group membership and status. Public fields only: the contact is
    not joined. Anyone may call it; without the permission the result is empty."""
    qs = scope(Deputy.objects.select_related("term__congress", "region"), user, VIEW_DEPUTY)
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(deputy_number__istartswith=q))
    if level is not None:
        qs = qs.filter(level=level)
    if term is not None:
        qs = qs.filter(term=term)
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if sector:
        qs = qs.filter(sector=sector)
    if group is not None:
        qs = qs.filter(group_memberships__group=group)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("level", "name", "id")


def deputy_get_visible(user, pk: int) -> Deputy:
    """One deputy ``user`` may see, with term, region and linked account; Http404 when
    absent or outside the user's ``people.view_deputy`` scope."""
    qs = scope(
        Deputy.objects.select_related("term__congress__region", "region", "user"),
        user,
        VIEW_DEPUTY,
    )
    try:
        return qs.get(pk=pk)
    except Deputy.DoesNotExist:
        raise Http404("deputy") from None


def deputy_contact_visible(user, deputy: Deputy) -> DeputyContact | None:
    """The deputy's private contact, or None unless ``user`` holds
    ``people.view_deputy_contact`` on the deputy (or the deputy has no contact row).
    Callers must never put the result on a public page or in public API output."""
    qs = scope(DeputyContact.objects.filter(deputy=deputy), user, VIEW_CONTACT)
    return qs.first()


def deputy_groups_of(deputy: Deputy) -> list[DeputyGroupMembership]:
    """The group memberships of a deputy the caller already may see (groups are
    shown with the deputy: their names are public profile data)."""
    return list(
        DeputyGroupMembership.objects.filter(deputy=deputy)
        .select_related("group__region")
        .order_by("group__name")
    )


def deputy_stations_of(deputy: Deputy) -> list:
    """The stations the deputy sits at (StationDeputy rows with their station), for a
    caller who may already see the deputy. Read only: the stations app owns them."""
    return list(
        deputy.station_memberships.select_related("station__region").order_by("station__name")
    )


GRID_CHOICES_LIMIT = 300


def deputy_grids_of(deputy: Deputy) -> list[DeputyGrid]:
    """The villages and grids the deputy keeps in touch with (联系网格), with each
    region's parent, for a caller who may already see the deputy."""
    return list(DeputyGrid.objects.filter(deputy=deputy).select_related("region__parent"))


def grid_regions_choosable(
    user, deputy: Deputy, *, limit: int = GRID_CHOICES_LIMIT
) -> list[Region] | None:
    """Villages and grids under the deputy's own region that ``user`` may see
    (``core.view_region``) and could assign the deputy to, as a tree. None when there
    are more than ``limit``: the page then asks for a region code instead."""
    qs = scope(
        Region.objects.within(deputy.region)
        .filter(level__in=(RegionLevel.VILLAGE, RegionLevel.GRID), is_active=True)
        .select_related("parent"),
        user,
        "core.view_region",
    ).order_by("path")
    regions = list(qs[: limit + 1])
    return None if len(regions) > limit else regions


def grid_region_for(user, deputy: Deputy, code: str) -> Region | None:
    """The region with ``code`` under the deputy's own region that ``user`` may see, or
    None (absent, elsewhere or out of scope alike: existence is not revealed)."""
    code = code.strip()
    if not code:
        return None
    qs = scope(Region.objects.within(deputy.region).filter(code=code), user, "core.view_region")
    return qs.first()


def deputy_grid_get_visible(user, pk: int) -> DeputyGrid:
    """One grid assignment of a deputy ``user`` may see (``people.view_deputy``);
    Http404 otherwise."""
    visible = scope(Deputy.objects.all(), user, VIEW_DEPUTY)
    try:
        return DeputyGrid.objects.select_related("deputy", "region").get(pk=pk, deputy__in=visible)
    except DeputyGrid.DoesNotExist:
        raise Http404("grid") from None


def sector_choices(user) -> list[str]:
    """Distinct non-empty sectors among the deputies ``user`` may see (filter options)."""
    qs = scope(Deputy.objects.exclude(sector=""), user, VIEW_DEPUTY)
    return list(qs.order_by("sector").values_list("sector", flat=True).distinct())


# --- deputy groups -----------------------------------------------------------------------


def group_list_visible(
    user, *, q: str = "", kind: str = "", region: Region | None = None
) -> QuerySet[DeputyGroup]:
    """Deputy groups ``user`` may see (``people.view_deputy`` on the group's region),
    with their member count, searched by name and filtered by kind and region subtree."""
    qs = scope(DeputyGroup.objects.select_related("region"), user, VIEW_DEPUTY).annotate(
        member_count=Count("memberships")
    )
    q = q.strip()
    if q:
        qs = qs.filter(name__contains=q)
    if kind:
        qs = qs.filter(kind=kind)
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    return qs.order_by("region__path", "name", "id")


def group_get_visible(user, pk: int) -> DeputyGroup:
    """One deputy group ``user`` may see; Http404 otherwise."""
    qs = scope(DeputyGroup.objects.select_related("region"), user, VIEW_DEPUTY)
    try:
        return qs.get(pk=pk)
    except DeputyGroup.DoesNotExist:
        raise Http404("group") from None


def group_members(group: DeputyGroup) -> list[DeputyGroupMembership]:
    """The members of a group the caller may see, leaders first. Members come from any
    level (混合编组), so they are listed with the group even if a member's own region is
    outside the caller's scope; only public profile fields are shown."""
    return list(
        DeputyGroupMembership.objects.filter(group=group)
        .select_related("deputy__region", "deputy__term__congress")
        .order_by("-is_leader", "deputy__level", "deputy__name")
    )


# --- handling units ----------------------------------------------------------------------


def unit_list_visible(
    user,
    *,
    q: str = "",
    region: Region | None = None,
    kind: str = "",
    active: bool | None = None,
) -> QuerySet[HandlingUnit]:
    """Handling units ``user`` may see (``people.view_unit``; a unit-staff grant shows
    only that unit), searched by name or short name, filtered by region subtree, kind
    and active flag."""
    qs = scope(HandlingUnit.objects.select_related("region", "parent"), user, VIEW_UNIT)
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(short_name__contains=q))
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if kind:
        qs = qs.filter(kind=kind)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("region__path", "name", "id")


def unit_get_visible(user, pk: int) -> HandlingUnit:
    """One handling unit ``user`` may see; Http404 otherwise."""
    qs = scope(HandlingUnit.objects.select_related("region", "parent"), user, VIEW_UNIT)
    try:
        return qs.get(pk=pk)
    except HandlingUnit.DoesNotExist:
        raise Http404("unit") from None


def unit_staff(unit: HandlingUnit) -> list[RoleGrant]:
    """Active unit-staff grants on ``unit`` with their users, for a caller who may see it."""
    return list(
        RoleGrant.objects.active()
        .filter(unit=unit, role=Role.UNIT_STAFF)
        .select_related("user")
        .order_by("user__username")
    )


def unit_children_visible(user, unit: HandlingUnit) -> list[HandlingUnit]:
    """The sub-units of ``unit`` that ``user`` may see."""
    return list(unit_list_visible(user).filter(parent=unit))


def unit_parent_choices(user) -> QuerySet[HandlingUnit]:
    """Active units ``user`` may see, offered as parent units on forms."""
    return unit_list_visible(user, active=True).select_related(None).select_related("region")


__all__ = [
    "congress_list_visible",
    "deputy_contact_visible",
    "deputy_get_visible",
    "deputy_groups_of",
    "deputy_list_visible",
    "deputy_stations_of",
    "group_get_visible",
    "group_list_visible",
    "group_members",
    "path_covered",
    "region_paths",
    "regions_choosable",
    "sector_choices",
    "term_get_visible",
    "term_list_visible",
    "unit_children_visible",
    "unit_get_visible",
    "unit_list_visible",
    "unit_parent_choices",
    "unit_staff",
]
