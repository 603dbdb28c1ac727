"""Every read of stations: scoped querysets for staff, public-safe data for citizens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from minqing.accounts.models import Role, RoleGrant
from minqing.core import codes
from minqing.core.models import Region, RegionLevel
from minqing.core.permissions import scope
from minqing.core.states import timeline
from minqing.people.models import CongressLevel, Deputy, DeputyStatus
from minqing.stations.models import ReceptionDay, ReceptionSchedule, Station, StationDeputy
from minqing.stations.schedule import Reception, next_receptions
from minqing.stations.states import StationStatus

VIEW = "stations.view_station"
PUBLIC_STATUSES = (StationStatus.ACTIVE, StationStatus.SUSPENDED)


def station_list_visible(
    user,
    *,
    q: str = "",
    kind: str = "",
    status: str = "",
    region: Region | str | None = None,
) -> QuerySet[Station]:
    """Stations ``user`` may view (``stations.view_station``), filtered and ordered for a
    list: ``q`` matches name, address or code; ``region`` (a Region or its code) includes
    its descendants, and an unknown code matches nothing. Each row carries
    ``deputy_count``."""
    qs = scope(Station.objects.select_related("region"), user, VIEW)
    q = q.strip()
    if q:
        match = Q(name__icontains=q) | Q(address__icontains=q)
        code = codes.normalise(q)
        if code:
            match |= Q(code__startswith=code)
        qs = qs.filter(match)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if isinstance(region, str) and region:
        region = region_by_code(region)
        if region is None:
            return qs.none()
    if isinstance(region, Region):
        qs = qs.filter(region__path__startswith=region.path)
    return qs.annotate(deputy_count=Count("memberships")).order_by("region__path", "name", "pk")


def station_get_visible(user, pk: int) -> Station:
    """The station ``pk`` if ``user`` may view it; Http404 otherwise (never 403, so ids
    outside the user's scope are not confirmed to exist)."""
    try:
        return scope(Station.objects.select_related("region"), user, VIEW).get(pk=pk)
    except (Station.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到该联络站")) from None


def station_filter_regions(user) -> QuerySet[Region]:
    """Regions worth offering as a list filter: the city, county and township regions
    that contain at least one station the user may view (two queries at any scale)."""
    paths = (
        scope(Station.objects.all(), user, VIEW)
        .order_by()
        .values_list("region__path", flat=True)
        .distinct()
    )
    wanted = {c for path in paths for c in path.split("/") if c}
    return Region.objects.filter(
        code__in=wanted, level__gte=RegionLevel.CITY, level__lte=RegionLevel.TOWNSHIP
    ).order_by("path")


def region_by_code(code: str) -> Region | None:
    """The region with GB/T 2260 ``code`` (a list filter value), or None."""
    if not code:
        return None
    return Region.objects.filter(code=code).first()


def station_public_get(code: str) -> Station:
    """The station behind a QR code, for anyone: only ``active`` and ``suspended``
    stations; planned, closed, unknown or malformed codes (refused by the check
    character before any query) are Http404."""
    normalised = codes.normalise(code or "")
    if len(normalised) > 12 or not codes.is_valid(normalised):
        raise Http404(_("未找到该联络站"))
    try:
        return Station.objects.select_related("region").get(
            code=normalised, status__in=PUBLIC_STATUSES
        )
    except Station.DoesNotExist:
        raise Http404(_("未找到该联络站")) from None


@dataclass(frozen=True)
class PublicDeputy:
    """What a citizen may see of a deputy: public profile fields only, never contact
    data (a plain value object so templates cannot reach ``deputy.contact``)."""

    id: int  # so a public client can ask to meet this deputy (opinions.meeting_request)
    name: str
    title: str
    sector: str
    is_convener: bool
    level: int


def deputy_title(deputy: Deputy) -> str:
    """ "澜州市人大代表", "全国人大代表": the congress the deputy belongs to."""
    if deputy.level == CongressLevel.NATIONAL:
        return _("全国人大代表")
    return _("%(region)s人大代表") % {"region": deputy.term.congress.region.name}


def _memberships(station: Station) -> QuerySet[StationDeputy]:
    return (
        StationDeputy.objects.filter(station=station, deputy__status=DeputyStatus.ACTIVE)
        .select_related("deputy__term__congress__region")
        .order_by("-is_convener", "deputy__level", "deputy__name", "deputy__pk")
    )


def station_public_deputies(station: Station) -> list[PublicDeputy]:
    """Serving deputies who sit at ``station``, conveners first, then by level (national
    down) and name. One query, whatever their number."""
    return [
        PublicDeputy(
            id=m.deputy.pk,
            name=m.deputy.name,
            title=deputy_title(m.deputy),
            sector=m.deputy.sector,
            is_convener=m.is_convener,
            level=m.deputy.level,
        )
        for m in _memberships(station)
    ]


def station_memberships(station: Station) -> QuerySet[StationDeputy]:
    """Staff view of the deputies at a station (all statuses), for the detail page;
    the caller has already checked the station is visible."""
    return (
        StationDeputy.objects.filter(station=station)
        .select_related("deputy__term__congress__region")
        .order_by("-is_convener", "deputy__level", "deputy__name", "deputy__pk")
    )


def station_next_receptions(station: Station, *, today: dt.date, count: int = 3) -> list[Reception]:
    """The next receptions (rules and one-off days) of a station the caller already may
    see (staff-visible or public). A fixed number of queries."""
    return next_receptions(station, today=today, count=count)


def station_schedules(station: Station) -> QuerySet[ReceptionSchedule]:
    """All recurring rules of a station (active first), for staff."""
    return ReceptionSchedule.objects.filter(station=station).order_by("-is_active", "pk")


def station_reception_days(
    station: Station, *, since: dt.date, limit: int = 50
) -> QuerySet[ReceptionDay]:
    """Reception days from ``since`` on (cancelled ones included, for staff), with
    their deputies on duty."""
    return (
        ReceptionDay.objects.filter(station=station, date__gte=since)
        .prefetch_related(Prefetch("deputies", queryset=Deputy.objects.only("pk", "name")))
        .order_by("date", "start_time")[:limit]
    )


def station_staff(station: Station) -> QuerySet[RoleGrant]:
    """Active station-staff grants narrowed to ``station``."""
    return (
        RoleGrant.objects.active()
        .filter(station=station, role=Role.STATION_STAFF)
        .select_related("user")
        .order_by("granted_at", "pk")
    )


def station_timeline(station: Station):
    """Status changes of a station, oldest first, with their actors."""
    return timeline(station).select_related("actor")


def deputy_candidates(user, station: Station, q: str, *, limit: int = 20) -> list[Deputy]:
    """Serving deputies ``user`` may view whose name or deputy number matches ``q`` and
    who do not sit at ``station`` yet: the choices of the detail page's add form."""
    q = q.strip()
    if not q:
        return []
    qs = (
        scope(Deputy.objects.all(), user, "people.view_deputy")
        .filter(status=DeputyStatus.ACTIVE)
        .filter(Q(name__icontains=q) | Q(deputy_number__startswith=q))
        .exclude(station_memberships__station=station)
        .select_related("term__congress__region", "region")
        .order_by("level", "name", "pk")
    )
    return list(qs[:limit])


def visible_deputies(user) -> QuerySet[Deputy]:
    """Deputies ``user`` may view: what the add form validates a chosen deputy against."""
    return scope(Deputy.objects.all(), user, "people.view_deputy")


def membership_get(station: Station, pk: int) -> StationDeputy:
    """A deputy's seat at ``station``; Http404 for ids of other stations. The caller has checked
    that the station is visible."""
    try:
        return StationDeputy.objects.select_related("station", "deputy").get(station=station, pk=pk)
    except (StationDeputy.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def staff_grant_get(station: Station, pk: int) -> RoleGrant:
    """A station-staff grant (active or revoked) of ``station``; Http404 for ids of
    other stations. The caller has checked that the station is visible."""
    try:
        return RoleGrant.objects.select_related("station__region", "user").get(
            station=station, role=Role.STATION_STAFF, pk=pk
        )
    except (RoleGrant.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def schedule_get(station: Station, pk: int) -> ReceptionSchedule:
    """A recurring rule of ``station``; Http404 for ids of other stations. The caller has checked
    that the station is visible."""
    try:
        return ReceptionSchedule.objects.select_related("station__region").get(
            station=station, pk=pk
        )
    except (ReceptionSchedule.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def reception_day_get(station: Station, pk: int) -> ReceptionDay:
    """A reception day of ``station``; Http404 for ids of other stations. The caller has checked
    that the station is visible."""
    try:
        return ReceptionDay.objects.select_related("station__region").get(station=station, pk=pk)
    except (ReceptionDay.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
