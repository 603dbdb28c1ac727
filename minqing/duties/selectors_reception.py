"""Reads of the reception pages (统一接待日 and a station's reception day) beyond the
core selectors: the office's list with its counts, a post or a slot of a visible day,
the deputies the office may put on duty (the station's own first), and who may open a
station's reception page today. Scoped like every selector: 404 outside scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from minqing.core.permissions import grants_for, has_perm
from minqing.duties import permissions as perms
from minqing.duties.models import (
    Activity,
    DutySlot,
    SlotState,
    UnifiedDay,
    UnifiedDayState,
    UnifiedPost,
)
from minqing.duties.selectors import deputies_visible, unified_days_visible
from minqing.opinions.permissions import deputy_of
from minqing.people.models import Deputy, DeputyStatus
from minqing.stations.models import Station, StationDeputy, StationKind
from minqing.stations.states import StationStatus

PICKER_LIMIT = 20


def unified_day_rows(user, *, state: str = "", q: str = "") -> QuerySet[UnifiedDay]:
    """The office's list: visible days, newest first, each with its number of stations
    (``n_stations``), deputies on duty (``n_assigned``) and checked in (``n_present``),
    counted in the list's one query."""
    qs = unified_days_visible(user)
    if state:
        qs = qs.filter(state=state)
    q = (q or "").strip()[:50]
    if q:
        qs = qs.filter(title__contains=q)
    return qs.annotate(
        n_stations=Count("posts", distinct=True),
        n_assigned=Count("posts__slots", distinct=True),
        n_present=Count(
            "posts__slots", filter=Q(posts__slots__state=SlotState.PRESENT), distinct=True
        ),
    ).order_by("-date", "-id")


def post_get_visible(user, pk: int) -> UnifiedPost:
    """One post of a day ``user`` sees (with its day and station), or 404."""
    post = (
        UnifiedPost.objects.select_related("day", "day__region", "station", "reception_day")
        .filter(pk=pk, day__in=unified_days_visible(user).values("pk"))
        .first()
    )
    if post is None:
        raise Http404
    return post


def slot_get_visible(user, pk: int) -> DutySlot:
    """One duty slot of a day ``user`` sees, or 404."""
    slot = (
        DutySlot.objects.select_related("post", "post__day", "post__station", "deputy")
        .filter(pk=pk, post__day__in=unified_days_visible(user).values("pk"))
        .first()
    )
    if slot is None:
        raise Http404
    return slot


def candidate_stations(regions) -> QuerySet[Station]:
    """Active in-person stations under ``regions`` (those a unified day may take part
    of), in tree order."""
    q = Q(pk__in=[])
    for region in regions:
        q |= Q(region__path__startswith=region.path)
    return (
        Station.objects.filter(q, status=StationStatus.ACTIVE)
        .exclude(kind=StationKind.ONLINE)
        .select_related("region")
        .order_by("region__path", "name")
    )


def assignable_deputies(user) -> QuerySet[Deputy]:
    """Active deputies whose record ``user`` reads: those the office may put on duty."""
    return deputies_visible(user).filter(status=DeputyStatus.ACTIVE)


def busy_deputy_ids(day: UnifiedDay) -> set[int]:
    """Deputies already on duty somewhere on ``day`` (one station per deputy per day)."""
    return set(DutySlot.objects.filter(post__day=day).values_list("deputy_id", flat=True))


def seated_by_station(station_ids: list[int], *, exclude: set[int]) -> dict[int, list[Deputy]]:
    """The active deputies sitting at each station (进站代表), minus ``exclude``: the
    first suggestions of the duty picker, in one query."""
    out: dict[int, list[Deputy]] = {}
    rows = (
        StationDeputy.objects.filter(station_id__in=station_ids, deputy__status=DeputyStatus.ACTIVE)
        .exclude(deputy_id__in=exclude)
        .select_related("deputy")
        .order_by("station_id", "deputy__name", "deputy_id")
    )
    for row in rows:
        out.setdefault(row.station_id, []).append(row.deputy)
    return out


def picker_deputies(user, post: UnifiedPost, text: str) -> list[Deputy]:
    """At most ``PICKER_LIMIT`` deputies ``user`` may put on duty at ``post``, by name
    or deputy number, those sitting at the station first; deputies already on duty that
    day are left out."""
    text = (text or "").strip()[:40]
    if not text:
        return []
    found = (
        assignable_deputies(user)
        .filter(Q(name__contains=text) | Q(deputy_number__startswith=text))
        .exclude(pk__in=DutySlot.objects.filter(post__day_id=post.day_id).values("deputy_id"))
        .annotate(
            seated_here=Exists(
                StationDeputy.objects.filter(station_id=post.station_id, deputy=OuterRef("pk"))
            )
        )
    )
    return list(found.order_by("-seated_here", "name", "id")[:PICKER_LIMIT])


# ---- a station's reception day --------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def on_duty_today(deputy: Deputy, station: Station) -> bool:
    """Whether ``deputy`` has a duty slot at ``station`` today (a day not cancelled)."""
    return (
        DutySlot.objects.filter(deputy=deputy, post__station=station, post__day__date=_today())
        .exclude(post__day__state=UnifiedDayState.CANCELLED)
        .exists()
    )


def station_reception_get(user, pk: int) -> Station:
    """The station whose reception page ``user`` may open, or 404: its staff (and the
    office) who record there, readers of duty work in scope, a deputy who sits there or
    is on duty there today."""
    station = Station.objects.select_related("region").filter(pk=pk).first()
    if station is None or not getattr(user, "is_authenticated", False):
        raise Http404
    if has_perm(user, perms.RECORD, station) or has_perm(user, perms.VIEW, station):
        return station
    deputy = deputy_of(user)
    if deputy is not None and (
        StationDeputy.objects.filter(station=station, deputy=deputy).exists()
        or on_duty_today(deputy, station)
    ):
        return station
    raise Http404


def reception_stations(user) -> list[Station]:
    """Stations whose reception page ``user`` would use today: where they record (a
    station grant), where their deputy sits or is on duty today."""
    ids: set[int] = set()
    for g in grants_for(user, perms.RECORD):
        if g.station_id:
            ids.add(g.station_id)
    deputy = deputy_of(user)
    if deputy is not None:
        ids |= {m.station_id for m in deputy.station_memberships.all()}
        ids |= set(
            DutySlot.objects.filter(deputy=deputy, post__day__date=_today())
            .exclude(post__day__state=UnifiedDayState.CANCELLED)
            .values_list("post__station_id", flat=True)
        )
    return list(
        Station.objects.filter(pk__in=ids).select_related("region").order_by("region__path", "name")
    )


@dataclass
class DeputyRow:
    """A deputy on the station's reception page: on duty today (with the slot) or
    sitting at the station, and when they checked in (None: not yet)."""

    deputy: Deputy
    slot: DutySlot | None = None
    checked_in_at: dt.datetime | None = None
    seated: bool = False


@dataclass
class StationDay:
    station: Station
    activities: list[Activity]
    slots: list[DutySlot]
    rows: list[DeputyRow] = field(default_factory=list)
    items: int = 0
    answered: int = 0
    voters: int = 0
    extra: int = 0
    can_record: bool = False
    day: UnifiedDay | None = None


def station_day(user, station: Station, base: dict) -> StationDay:
    """The station's reception day from ``selectors.station_reception_today`` (``base``),
    with one row per deputy on duty today or sitting at the station and their check-in
    time, the unified day of today if any, and the extra visitors counted."""
    checked: dict[int, dt.datetime] = {}
    for activity in base["activities"]:
        for p in activity.participations.all():
            if p.checked_in_at is not None:
                checked.setdefault(p.deputy_id, p.checked_in_at)
    rows: dict[int, DeputyRow] = {}
    day = None
    for slot in base["slots"]:
        day = day or slot.post.day
        rows.setdefault(slot.deputy_id, DeputyRow(deputy=slot.deputy, slot=slot))
    seated = (
        StationDeputy.objects.filter(station=station, deputy__status=DeputyStatus.ACTIVE)
        .select_related("deputy")
        .order_by("deputy__name", "deputy_id")
    )
    for m in seated:
        row = rows.setdefault(m.deputy_id, DeputyRow(deputy=m.deputy))
        row.seated = True
    for deputy_id, when in checked.items():
        if deputy_id in rows:
            rows[deputy_id].checked_in_at = when
    for activity in base["activities"]:
        for p in activity.participations.all():
            if p.checked_in_at is not None and p.deputy_id not in rows:
                rows[p.deputy_id] = DeputyRow(deputy=p.deputy, checked_in_at=p.checked_in_at)
    ordered = sorted(
        rows.values(),
        key=lambda r: (r.slot is None, r.slot.start_time if r.slot else dt.time.min, r.deputy.name),
    )
    return StationDay(
        station=station,
        activities=base["activities"],
        slots=base["slots"],
        rows=ordered,
        items=base["items"],
        answered=base["answered"],
        voters=base["voters"],
        extra=sum(a.extra_visitors for a in base["activities"]),
        can_record=base["can_record"],
        day=day,
    )
