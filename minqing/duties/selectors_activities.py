"""Reads of the activity pages beyond the core selectors: the list with its filters,
the choices of the forms (where a user may organise, whom they may list), a
participation or a file the reader may reach (404 otherwise), the activity's timeline
and the deputy's 我的履职 home. Every read starts from a scoped selector or from the
permission rules in ``duties.permissions``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from minqing.core.models import Region, RegionLevel, TimelineEvent
from minqing.core.permissions import grants_for, is_unrestricted, scope
from minqing.duties import permissions as perms
from minqing.duties import selectors
from minqing.duties.models import (
    Activity,
    ActivityFile,
    ActivityState,
    Participation,
    ParticipationState,
)
from minqing.opinions.permissions import deputy_of
from minqing.people.models import Deputy, DeputyGroup, DeputyStatus
from minqing.stations.models import Station
from minqing.stations.states import StationStatus

PICKER_LIMIT = 20
# The office picks the region an activity belongs to down to the street/township: a
# community's activities are organised by its station.
OFFICE_REGION_LEVELS = RegionLevel.TOWNSHIP
RECENT_LIMIT = 10


# ---- the list -----------------------------------------------------------------------


def activity_rows(user) -> QuerySet[Activity]:
    """``selectors.activities_visible`` with the number of deputies listed (not removed)
    as one correlated subquery, so the list costs no query per row."""
    listed = (
        Participation.objects.filter(activity=OuterRef("pk"))
        .exclude(state=ParticipationState.REMOVED)
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return selectors.activities_visible(user).annotate(
        deputy_count=Coalesce(Subquery(listed, output_field=IntegerField()), 0)
    )


def filter_activities(
    qs: QuerySet[Activity],
    *,
    q: str = "",
    kind: str = "",
    state: str = "",
    station: Station | None = None,
    group: DeputyGroup | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Activity]:
    """The list's filters: text in the title or place, kind, state, station, group and
    a date range (an activity counts on its date)."""
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(place__contains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if station is not None:
        qs = qs.filter(station=station)
    if group is not None:
        qs = qs.filter(group=group)
    if date_from is not None:
        qs = qs.filter(date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(date__lte=date_to)
    return qs


def filter_stations(user) -> QuerySet[Station]:
    """Stations offered in the list's filter: those of the reader's grants and the
    stations a deputy sits at."""
    qs = Station.objects.order_by("region__path", "name")
    if is_unrestricted(user):
        return qs
    q = Q(pk__in=scope(Station.objects.all(), user, perms.VIEW).values("pk"))
    deputy = deputy_of(user)
    if deputy is not None:
        q |= Q(pk__in=deputy.station_memberships.values("station_id"))
    return qs.filter(q)


def filter_groups(user) -> QuerySet[DeputyGroup]:
    """Groups offered in the list's filter: those in the reader's regions and a deputy's
    own groups."""
    qs = DeputyGroup.objects.order_by("region__path", "name")
    if is_unrestricted(user):
        return qs
    q = Q(pk__in=scope(DeputyGroup.objects.all(), user, perms.VIEW).values("pk"))
    deputy = deputy_of(user)
    if deputy is not None:
        q |= Q(pk__in=deputy.group_memberships.values("group_id"))
    return qs.filter(q)


# ---- who organises, whom they list ----------------------------------------------------


def office_regions(user) -> QuerySet[Region]:
    """Regions the office (``duties.manage``) may record an activity in, down to the
    township level."""
    qs = Region.objects.filter(level__lte=OFFICE_REGION_LEVELS)
    if is_unrestricted(user):
        return qs.order_by("path")
    paths = [g.region.path for g in grants_for(user, perms.MANAGE) if not g.station_id]
    if not paths:
        return Region.objects.none()
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return qs.filter(q).order_by("path")


def organiser_stations(user) -> QuerySet[Station]:
    """Stations whose activities the user records (their staff, or the office)."""
    qs = Station.objects.exclude(status=StationStatus.CLOSED).select_related("region")
    return scope(qs, user, perms.RECORD).order_by("region__path", "name")


def organiser_groups(user) -> QuerySet[DeputyGroup]:
    """Groups whose activities the user records: the groups they lead, and for the
    office the groups of its regions."""
    q = Q(pk__in=perms.led_group_ids(user))
    q |= Q(pk__in=scope(DeputyGroup.objects.all(), user, perms.MANAGE).values("pk"))
    return DeputyGroup.objects.filter(q).order_by("region__path", "name")


def may_organise(user) -> bool:
    """Whether ``user`` organises anything (the create and approvals pages)."""
    return bool(
        is_unrestricted(user)
        or grants_for(user, perms.MANAGE)
        or grants_for(user, perms.RECORD)
        or perms.led_group_ids(user)
    )


def pickable_deputies(user) -> QuerySet[Deputy]:
    """Active deputies the user may list on an activity: those whose records they read
    (``permissions.deputies_q``: staff by region or station, a leader the group's
    members) and, for a deputy, the deputies of their own term (co-participants of a
    report)."""
    q = perms.deputies_q(user)
    deputy = deputy_of(user)
    qs = Deputy.objects.filter(status=DeputyStatus.ACTIVE)
    if q is None:
        return qs
    if deputy is not None:
        q |= Q(term_id=deputy.term_id)
    return qs.filter(pk__in=Deputy.objects.filter(q).values("pk"))


def search_deputies(qs: QuerySet[Deputy], text: str) -> list[Deputy]:
    """At most ``PICKER_LIMIT`` deputies of ``qs`` by name or deputy number."""
    text = (text or "").strip()[:40]
    if not text:
        return []
    found = qs.filter(Q(name__contains=text) | Q(deputy_number__startswith=text))
    return list(found.order_by("name", "id")[:PICKER_LIMIT])


def report_stations(deputy: Deputy) -> QuerySet[Station]:
    """The stations a deputy may name on their own report: where they sit."""
    return (
        Station.objects.filter(memberships__deputy=deputy)
        .exclude(status=StationStatus.CLOSED)
        .order_by("name")
    )


def report_groups(deputy: Deputy) -> QuerySet[DeputyGroup]:
    """The groups a deputy may name on their own report: their own."""
    return DeputyGroup.objects.filter(memberships__deputy=deputy).order_by("name")


# ---- one activity ---------------------------------------------------------------------


def participation_get_visible(user, pk: int) -> Participation:
    """A participation of an activity ``user`` may read, or 404."""
    obj = (
        Participation.objects.select_related("activity", "deputy")
        .filter(pk=pk, activity__in=selectors.activities_visible(user).values("pk"))
        .first()
    )
    if obj is None:
        raise Http404
    return obj


def activity_file_get_visible(user, activity_pk: int, file_pk: int) -> ActivityFile:
    """A photo or report of an activity ``user`` may read, or 404."""
    activity = selectors.activity_get_visible(user, activity_pk)
    f = ActivityFile.objects.filter(pk=file_pk, activity=activity).first()
    if f is None:
        raise Http404
    return f


def activity_timeline(activity: Activity) -> list[TimelineEvent]:
    """The state changes of the activity and of its participations, oldest first, in
    one query (the participations must be prefetched)."""
    types = ContentType.objects.get_for_models(Activity, Participation)
    ids = [str(p.pk) for p in activity.participations.all()]
    q = Q(content_type=types[Activity], object_id=str(activity.pk))
    if ids:
        q |= Q(content_type=types[Participation], object_id__in=ids)
    return list(TimelineEvent.objects.filter(q).select_related("actor").order_by("created_at"))


@dataclass
class PageFlags:
    """What the reader may do on the activity page besides ``selectors.activity_flags``."""

    can_attach: bool
    can_add: bool
    mine: Participation | None


def page_flags(user, activity: Activity, flags: dict[str, bool]) -> PageFlags:
    """The attach and add-deputies rights and the reader's own participation (to confirm
    or dispute), as the actions decide them."""
    live = activity.state != ActivityState.CANCELLED
    can_attach = live and (
        perms.is_reporter(user, activity) or perms.can_manage_activity(user, activity)
    )
    deputy = deputy_of(user)
    mine = None
    if deputy is not None:
        mine = next((p for p in activity.participations.all() if p.deputy_id == deputy.pk), None)
    return PageFlags(can_attach=can_attach, can_add=flags["can_manage"], mine=mine)


# ---- the deputy's home ------------------------------------------------------------------


def to_confirm(deputy: Deputy) -> QuerySet[Participation]:
    """The deputy's participations waiting for their answer (pending) or disputed by
    them, in activities not cancelled, oldest first."""
    return (
        selectors.my_participations(deputy)
        .filter(state__in=(ParticipationState.PENDING, ParticipationState.DISPUTED))
        .order_by("activity__date", "activity_id")
    )


def my_reports(deputy: Deputy) -> QuerySet[Activity]:
    """The deputy's own reports still waiting for approval or sent back."""
    return Activity.objects.filter(
        reported_by=deputy, state__in=(ActivityState.PENDING, ActivityState.REJECTED)
    ).order_by("-date", "-id")


def recent_participations(deputy: Deputy) -> list[Participation]:
    """The deputy's latest activities."""
    return list(selectors.my_participations(deputy)[:RECENT_LIMIT])


__all__ = [
    "PICKER_LIMIT",
    "PageFlags",
    "activity_file_get_visible",
    "activity_rows",
    "activity_timeline",
    "filter_activities",
    "filter_groups",
    "filter_stations",
    "may_organise",
    "my_reports",
    "office_regions",
    "organiser_groups",
    "organiser_stations",
    "page_flags",
    "participation_get_visible",
    "pickable_deputies",
    "recent_participations",
    "report_groups",
    "report_stations",
    "search_deputies",
    "to_confirm",
]
