"""Who may see and record duty work.

- Congress staff (``duties.manage``) organise and approve activities, keep points rules,
  publish rankings, run reports to voters and unified reception days in their region.
- Station staff (``duties.record``, usually granted on one station) record the
  station's activities, approve what its deputies report, check deputies in and count
  visitors on reception days, and enter paper ballots at their station's meetings.
- Leaders and every staff role above read the ledgers (``duties.view``).
- A deputy reads their own record, confirms or disputes what was recorded for them and
  reports their own activities; a group leader (组长) organises the group's activities
  and reads the group's ledgers.

Actions, selectors and pages all ask here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from minqing.core.permissions import grants_for, has_perm, is_unrestricted, scope
from minqing.duties.models import Activity, DutyReport, OrganiserKind
from minqing.opinions.permissions import deputy_of
from minqing.people.models import Deputy, DeputyGroup, DeputyGroupMembership
from minqing.stations.models import Station, StationDeputy

VIEW = "duties.view"
MANAGE = "duties.manage"
RECORD = "duties.record"


def deny(message: str | None = None) -> PermissionDenied:
    return PermissionDenied(message or _("您没有执行此操作的权限"))


def led_group_ids(user) -> set[int]:
    """Groups whose leader (组长) is the user's deputy."""
    deputy = deputy_of(user)
    if deputy is None:
        return set()
    cached = getattr(user, "_minqing_led_groups", None)
    if cached is None:
        cached = set(
            DeputyGroupMembership.objects.filter(deputy=deputy, is_leader=True).values_list(
                "group_id", flat=True
            )
        )
        user._minqing_led_groups = cached
    return cached


def recorder_station_ids(user) -> QuerySet:
    """Stations where the user may record (station staff grants, or region grants)."""
    return scope(Station.objects.all(), user, RECORD).values("pk")


def can_organise(
    user, *, region=None, station: Station | None = None, group: DeputyGroup | None = None
) -> bool:
    """Whether ``user`` may record an activity organised at ``station``, by ``group``
    or (with neither) by the office in ``region``."""
    if is_unrestricted(user):
        return True
    if station is not None:
        return has_perm(user, RECORD, station) or has_perm(user, MANAGE, station.region)
    if group is not None:
        return group.pk in led_group_ids(user) or has_perm(user, MANAGE, group.region)
    return region is not None and has_perm(user, MANAGE, region)


def can_manage_activity(user, activity: Activity) -> bool:
    """The organiser's rights on an activity (edit, cancel, add or remove deputies,
    approve or reject a deputy's report, settle disputes)."""
    if activity.station_id is not None:
        return can_organise(user, station=activity.station)
    if activity.group_id is not None:
        return can_organise(user, group=activity.group)
    return has_perm(user, MANAGE, activity)


def manageable_q(user) -> Q | None:
    """The activities whose organiser rights ``user`` holds (``can_manage_activity``) as
    one filter, so a list asks once and not per row; None means all (superuser)."""
    if is_unrestricted(user):
        return None
    q = Q(station__in=recorder_station_ids(user))
    office = Q(station__isnull=True, group__isnull=True)
    for g in grants_for(user, MANAGE):
        if g.unit_id:
            continue
        q |= Q(station__region__path__startswith=g.region.path)
        q |= Q(station__isnull=True, group__region__path__startswith=g.region.path)
        if not g.station_id:  # a station grant never covers an office activity
            q |= office & Q(region__path__startswith=g.region.path)
    groups = led_group_ids(user)
    if groups:
        q |= Q(station__isnull=True, group_id__in=groups)
    return q


def is_reporter(user, activity: Activity) -> bool:
    deputy = deputy_of(user)
    return deputy is not None and activity.reported_by_id == deputy.pk


def activities_q(user) -> Q | None:
    """The activities ``user`` may read; None means all (superuser)."""
    if is_unrestricted(user):
        return None
    q = Q(pk__in=[])
    for g in grants_for(user, VIEW):
        if g.station_id:
            q |= Q(station_id=g.station_id)
        elif not g.unit_id:
            q |= Q(region__path__startswith=g.region.path)
    deputy = deputy_of(user)
    if deputy is not None:
        q |= Q(reported_by=deputy) | Q(participations__deputy=deputy)
        groups = led_group_ids(user)
        if groups:
            q |= Q(group_id__in=groups)
    return q


def deputies_q(user) -> Q | None:
    """The deputies whose duty records ``user`` may read beyond the public profile:
    staff by region (station staff: the station's deputies), a deputy themself, a group
    leader the group's members. None means all."""
    if is_unrestricted(user):
        return None
    q = Q(pk__in=[])
    for g in grants_for(user, VIEW):
        if g.station_id:
            q |= Q(pk__in=StationDeputy.objects.filter(station_id=g.station_id).values("deputy_id"))
        elif not g.unit_id:
            q |= Q(region__path__startswith=g.region.path)
    deputy = deputy_of(user)
    if deputy is not None:
        q |= Q(pk=deputy.pk)
        groups = led_group_ids(user)
        if groups:
            q |= Q(
                pk__in=DeputyGroupMembership.objects.filter(group_id__in=groups).values("deputy_id")
            )
    return q


def filter_q(qs: QuerySet, q: Q | None) -> QuerySet:
    return qs if q is None else qs.filter(q).distinct()


def can_view_deputy(user, deputy: Deputy) -> bool:
    return filter_q(Deputy.objects.filter(pk=deputy.pk), deputies_q(user)).exists()


def can_run_report(user, report: DutyReport) -> bool:
    """Staff who run a report meeting: the office, or the staff of its station."""
    if has_perm(user, MANAGE, report):
        return True
    return report.station_id is not None and has_perm(user, RECORD, report.station)


def organiser_kind_for(*, station=None, group=None) -> str:
    if station is not None:
        return OrganiserKind.STATION
    if group is not None:
        return OrganiserKind.GROUP
    return OrganiserKind.OFFICE
