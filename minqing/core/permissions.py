"""The one place that says who may do what, where.

A role is granted on a region and covers its descendants; a grant may be narrowed to
one handling unit or one station. Models say how a row is scoped by a ``SCOPE``
class attribute naming the lookups to its region, unit and station::

    class Deputy(models.Model):
        SCOPE = Scope(region="region")

    scope(Deputy.objects.all(), user, "people.view_deputy")   # the rows user may see
    require(user, "people.manage_deputy", deputy)             # or PermissionDenied
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from minqing.accounts.models import Role, RoleGrant
from minqing.core.scoping import Scope

VIEW_REFERENCE = {
    "core.view_region",
    "people.view_deputy",
    "people.view_unit",
    "stations.view_station",
}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.CONGRESS_STAFF: VIEW_REFERENCE
    | {
        "core.manage_region",
        "core.view_audit",
        "core.manage_settings",
        "people.manage_deputy",
        "people.view_deputy_contact",
        "people.manage_unit",
        "stations.manage_station",
        "opinions.view_opinion",
        "opinions.view_contact",
        "opinions.register",
        "opinions.answer",
        "opinions.triage",
        "opinions.view_measures",
        "suggestions.view_suggestion",
        "suggestions.view_contact",
        "suggestions.manage",
        "suggestions.view_stats",
        "duties.view",
        "duties.manage",
        "duties.record",
    },
    Role.LEADER: VIEW_REFERENCE
    | {
        "core.view_audit",
        "opinions.view_opinion",
        "opinions.view_measures",
        "suggestions.view_suggestion",
        "suggestions.view_stats",
        "duties.view",
    },
    Role.STATION_STAFF: VIEW_REFERENCE
    | {
        "duties.view",
        "duties.record",
        "stations.manage_station",
        "people.view_deputy_contact",
        "opinions.view_opinion",
        "opinions.view_contact",
        "opinions.register",
        "opinions.answer",
        "opinions.meet",
    },
    Role.UNIT_STAFF: {
        "core.view_region",
        "people.view_unit",
        "stations.view_station",
        "opinions.view_opinion",
        "opinions.view_contact",
        "opinions.handle",
        "suggestions.view_suggestion",
        "suggestions.view_contact",
        "suggestions.handle",
    },
    # A deputy's opinions are those of the stations they sit at (opinions.permissions).
    Role.DEPUTY: VIEW_REFERENCE,
}
# Admin: everything the other roles have, plus the system's own keys.
ROLE_PERMISSIONS[Role.ADMIN] = set().union(*ROLE_PERMISSIONS.values()) | {
    "accounts.manage_tokens",
    "accounts.manage_users",
    "core.manage_calendar",
}
ALL_PERMISSIONS = frozenset(ROLE_PERMISSIONS[Role.ADMIN])


def _grants(user) -> list[RoleGrant]:
    """The user's active grants, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_minqing_grants", None)
    if cached is None:
        cached = list(RoleGrant.objects.active().filter(user=user).select_related("region"))
        user._minqing_grants = cached
    return cached


def clear_cache(user) -> None:
    if hasattr(user, "_minqing_grants"):
        del user._minqing_grants


def grants_for(user, perm: str) -> list[RoleGrant]:
    if perm not in ALL_PERMISSIONS:
        raise ValueError(f"unknown permission {perm!r}")
    return [g for g in _grants(user) if perm in ROLE_PERMISSIONS.get(g.role, ())]


def is_unrestricted(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def roles_of(user) -> set[str]:
    return {g.role for g in _grants(user)}


def _grant_q(grant: RoleGrant, spec: Scope) -> Q:
    if spec.self_kind == "unit" and grant.unit_id:
        return Q(pk=grant.unit_id)
    if spec.self_kind == "station" and grant.station_id:
        return Q(pk=grant.station_id)
    if grant.unit_id and spec.unit:
        return Q(**{spec.unit: grant.unit_id})
    if grant.station_id and spec.station:
        return Q(**{spec.station: grant.station_id})
    lookup = (
        "path__startswith" if spec.self_kind == "region" else f"{spec.region}__path__startswith"
    )
    return Q(**{lookup: grant.region.path})


def scope(qs: models.QuerySet, user, perm: str) -> models.QuerySet:
    """The rows of ``qs`` that ``user`` holds ``perm`` on; empty when none."""
    if is_unrestricted(user):
        return qs
    spec: Scope = qs.model.SCOPE
    grants = grants_for(user, perm)
    if not grants:
        return qs.none()
    q = Q()
    for grant in grants:
        q |= _grant_q(grant, spec)
    return qs.filter(q)


def has_perm(user, perm: str, obj: models.Model | None = None) -> bool:
    """Whether ``user`` holds ``perm`` anywhere (``obj`` None) or on ``obj``."""
    if is_unrestricted(user):
        return True
    if obj is None:
        return bool(grants_for(user, perm))
    return scope(type(obj)._default_manager.filter(pk=obj.pk), user, perm).exists()


def require(user, perm: str, obj: models.Model | None = None) -> None:
    """Raise PermissionDenied unless ``user`` holds ``perm`` (on ``obj``)."""
    if not has_perm(user, perm, obj):
        raise PermissionDenied(_("您没有执行此操作的权限"))


def regions_for(user, perm: str):
    """The regions a user holds ``perm`` in (the tops of their subtrees)."""
    from minqing.core.models import Region

    if is_unrestricted(user):
        return Region.objects.filter(parent__isnull=True)
    ids = {g.region_id for g in grants_for(user, perm)}
    return Region.objects.filter(pk__in=ids)
