"""Who is told about an opinion: the people behind a station, a unit, an office.

Read-only helpers used by the actions' on-commit notifications and by the reminder
tasks. The office of a region is the congress staff granted on the nearest region up
the tree that has any, so a village's matter reaches its street or district office and
not every province clerk.
"""

from __future__ import annotations

from django.db.models import Q

from minqing.accounts.models import Role, RoleGrant, User
from minqing.core.models import Region


def _users(grants) -> list[User]:
    seen: dict[int, User] = {}
    for g in grants.select_related("user"):
        if g.user.is_active:
            seen.setdefault(g.user_id, g.user)
    return list(seen.values())


def unit_staff(unit) -> list[User]:
    """Unit staff granted on this unit."""
    return _users(RoleGrant.objects.active().filter(role=Role.UNIT_STAFF, unit=unit))


def unit_leaders(unit) -> list[User]:
    """Leaders granted on this unit (分管领导); else the staff of its parent unit."""
    leaders = _users(RoleGrant.objects.active().filter(role=Role.LEADER, unit=unit))
    if not leaders and unit.parent_id:
        leaders = unit_staff(unit.parent)
    return leaders


def office_staff(region: Region) -> list[User]:
    """Congress staff of the nearest region, from ``region`` up, that has any."""
    codes = [c for c in region.path.strip("/").split("/") if c]
    grants = (
        RoleGrant.objects.active()
        .filter(role=Role.CONGRESS_STAFF, region__code__in=codes, unit__isnull=True)
        .filter(station__isnull=True)
        .select_related("region", "user")
    )
    by_depth: dict[int, list[RoleGrant]] = {}
    for g in grants:
        by_depth.setdefault(len(g.region.path), []).append(g)
    if not by_depth:
        return []
    nearest = by_depth[max(by_depth)]
    return list({g.user_id: g.user for g in nearest if g.user.is_active}.values())


def station_people(station) -> list[User]:
    """The station's staff and the deputies who sit there and have an account."""
    from minqing.people.models import DeputyStatus

    staff = _users(
        RoleGrant.objects.active().filter(
            Q(station=station) | Q(station__isnull=True, unit__isnull=True, region=station.region),
            role=Role.STATION_STAFF,
        )
    )
    deputies = [
        m.deputy.user
        for m in station.memberships.select_related("deputy__user").filter(
            deputy__user__isnull=False, deputy__status=DeputyStatus.ACTIVE
        )
        if m.deputy.user.is_active
    ]
    return list({u.pk: u for u in [*staff, *deputies]}.values())
