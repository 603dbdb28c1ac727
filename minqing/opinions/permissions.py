"""Who may see and act on an opinion.

Staff reach opinions through ``core.permissions`` grants: congress staff across their
region, station staff at their station (or region), unit staff for the opinions their
unit currently holds. A deputy reaches them by sitting at a station: the opinions of
the stations they sit at (进站代表), those raised in the villages and grids they keep in
touch with (联系网格), the ones they raised themselves (随手拍), and the meetings citizens
asked of them. Actions, selectors and pages all ask here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from minqing.accounts.models import Role
from minqing.core.permissions import grants_for, has_perm, is_unrestricted, roles_of, scope
from minqing.opinions.models import MeetingRequest, Opinion

# What a deputy may do on the opinions of their stations.
DEPUTY_PERMISSIONS = frozenset(
    {
        "opinions.view_opinion",
        "opinions.view_contact",
        "opinions.answer",
        "opinions.register",
        "opinions.meet",
    }
)


def deputy_of(user):
    """The active deputy record linked to ``user`` who holds a deputy role, or None."""
    if not getattr(user, "is_authenticated", False) or Role.DEPUTY not in roles_of(user):
        return None
    cached = getattr(user, "_minqing_deputy", False)
    if cached is False:
        from minqing.people.models import Deputy, DeputyGrid, DeputyStatus

        grids = DeputyGrid.objects.select_related("region")
        cached = (
            Deputy.objects.filter(user=user, status=DeputyStatus.ACTIVE)
            .prefetch_related("station_memberships", Prefetch("grid_assignments", grids))
            .first()
        )
        user._minqing_deputy = cached
    return cached


def deputy_station_ids(user) -> set[int]:
    deputy = deputy_of(user)
    if deputy is None:
        return set()
    return {m.station_id for m in deputy.station_memberships.all()}


def deputy_grid_paths(user) -> list[str]:
    """Region paths of the villages and grids the user's deputy keeps in touch with."""
    deputy = deputy_of(user)
    if deputy is None:
        return []
    return [g.region.path for g in deputy.grid_assignments.all()]


def grid_q(user) -> Q:
    """Opinions raised in the deputy's grids (an always-false Q when there are none)."""
    q = Q(pk__in=[])
    for path in deputy_grid_paths(user):
        q |= Q(region__path__startswith=path)
    return q


def _deputy_q(user) -> Q | None:
    deputy = deputy_of(user)
    if deputy is None:
        return None
    return (
        Q(station_id__in=deputy_station_ids(user))
        | Q(raised_by_deputy=deputy)
        | Q(meeting__deputy=deputy)
        | grid_q(user)
    )


def visible(qs: QuerySet[Opinion], user, perm: str = "opinions.view_opinion") -> QuerySet:
    """The opinions of ``qs`` on which ``user`` holds ``perm``, by grant or as a deputy."""
    scoped = scope(qs, user, perm)
    q = _deputy_q(user) if perm in DEPUTY_PERMISSIONS else None
    if q is None:
        return scoped
    return qs.filter(Q(pk__in=scoped.values("pk")) | q)


def can(user, perm: str, opinion: Opinion) -> bool:
    """Whether ``user`` holds ``perm`` on ``opinion`` (grant, or deputy of its station or
    of a grid it was raised in)."""
    if has_perm(user, perm, opinion):
        return True
    if perm not in DEPUTY_PERMISSIONS:
        return False
    deputy = deputy_of(user)
    if deputy is None:
        return False
    if opinion.station_id in deputy_station_ids(user) or opinion.raised_by_deputy_id == deputy.pk:
        return True
    if any(opinion.region.path.startswith(p) for p in deputy_grid_paths(user)):
        return True
    meeting = MeetingRequest.objects.filter(opinion=opinion).only("deputy_id").first()
    return meeting is not None and meeting.deputy_id == deputy.pk


def require(user, perm: str, opinion: Opinion) -> None:
    if not can(user, perm, opinion):
        raise PermissionDenied(_("您没有办理这件民情的权限"))


def can_raise_as_deputy(user) -> bool:
    """A deputy's photo report (随手拍) needs a deputy account."""
    return deputy_of(user) is not None


def can_at_station(user, perm: str, station) -> bool:
    """Whether ``user`` may ``perm`` at ``station`` (register opinions there, answer its
    meetings): a grant covering the station, or a deputy who sits there."""
    if grant_allows_station(user, perm, station):
        return True
    return perm in DEPUTY_PERMISSIONS and station.pk in deputy_station_ids(user)


def grant_allows_station(user, perm: str, station) -> bool:
    if is_unrestricted(user):
        return True
    for g in grants_for(user, perm):
        if g.station_id is not None:
            if g.station_id == station.pk:
                return True
        elif g.unit_id is None and station.region.path.startswith(g.region.path):
            return True
    return False
