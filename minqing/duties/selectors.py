"""Reads of duty work, scoped: activities, participations, reception days and their
live tally, reports to voters, rankings. ``*_get_visible`` answer 404 outside scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from minqing.accounts.models import Role, RoleGrant
from minqing.core.permissions import has_perm, scope
from minqing.duties import permissions as perms
from minqing.duties.models import (
    Activity,
    ActivityState,
    DutyReport,
    DutySlot,
    Participation,
    ParticipationState,
    PointsRanking,
    RankingState,
    SlotState,
    UnifiedDay,
    UnifiedPost,
)
from minqing.opinions.permissions import deputy_of
from minqing.opinions.recipients import office_staff
from minqing.people.models import Deputy, DeputyGroupMembership, DeputyStatus


def activities_visible(user) -> QuerySet[Activity]:
    """Activities ``user`` may read (see ``permissions.activities_q``), newest first."""
    qs = Activity.objects.select_related("region", "station", "group", "reported_by")
    return perms.filter_q(qs, perms.activities_q(user))


def activity_get_visible(user, pk: int) -> Activity:
    """One activity with its participations and files, or 404."""
    qs = activities_visible(user).prefetch_related(
        Prefetch("participations", Participation.objects.select_related("deputy")),
        "files",
    )
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def activity_flags(user, activity: Activity) -> dict[str, bool]:
    """The ``can_*`` flags of the activity page."""
    organiser = perms.can_manage_activity(user, activity)
    reporter = perms.is_reporter(user, activity)
    state = activity.state
    return {
        "can_manage": organiser and state == ActivityState.RECORDED,
        "can_review": organiser and not reporter and state == ActivityState.PENDING,
        "can_edit": (organiser and state in (ActivityState.RECORDED, ActivityState.PENDING))
        or (reporter and state in (ActivityState.PENDING, ActivityState.REJECTED)),
        "can_resubmit": reporter and state == ActivityState.REJECTED,
        "can_cancel": (organiser and state in (ActivityState.RECORDED, ActivityState.PENDING))
        or (reporter and state == ActivityState.PENDING),
    }


def _users(grants) -> list:
    return [g.user for g in grants if g.user.is_active]


def activity_organisers(activity: Activity) -> list:
    """Accounts that organise ``activity``: its station's staff, its group's leader, or
    the office of its region (the nearest that has staff)."""
    users = []
    if activity.station_id:
        users = _users(
            RoleGrant.objects.active()
            .filter(role=Role.STATION_STAFF, station_id=activity.station_id)
            .select_related("user")
        )
    elif activity.group_id:
        users = [
            m.deputy.user
            for m in DeputyGroupMembership.objects.filter(
                group_id=activity.group_id, is_leader=True, deputy__user__isnull=False
            ).select_related("deputy__user")
            if m.deputy.user.is_active
        ]
    return users or office_staff(activity.region)


def activity_approvers(activity: Activity) -> list:
    """Who is asked to approve a deputy's report: its organisers, never the reporter."""
    reporter = activity.reported_by.user_id if activity.reported_by_id else None
    return [u for u in activity_organisers(activity) if u.pk != reporter]


def approvals_waiting(user) -> QuerySet[Activity]:
    """Deputies' reports ``user`` may approve, oldest first."""
    qs = activities_visible(user).filter(state=ActivityState.PENDING)
    deputy = deputy_of(user)
    if deputy is not None:
        qs = qs.exclude(reported_by=deputy)
    return perms.filter_q(qs, perms.manageable_q(user)).order_by("created_at")


def my_participations(deputy: Deputy) -> QuerySet[Participation]:
    """The deputy's activities (not removed), newest first."""
    return (
        Participation.objects.filter(deputy=deputy)
        .exclude(state=ParticipationState.REMOVED)
        .exclude(activity__state=ActivityState.CANCELLED)
        .select_related("activity", "activity__station", "activity__group")
        .order_by("-activity__date", "-activity_id")
    )


def deputies_visible(user) -> QuerySet[Deputy]:
    """Deputies whose full duty record ``user`` may read."""
    qs = Deputy.objects.select_related("term__congress__region", "region")
    return perms.filter_q(qs, perms.deputies_q(user))


def deputy_get_visible(user, pk: int) -> Deputy:
    obj = deputies_visible(user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def deputy_public_get(code: str) -> Deputy:
    """A deputy's public profile (Deputies Law Art 58): active or past, by public code."""
    obj = (
        Deputy.objects.select_related("term__congress__region", "region")
        .filter(public_code=code)
        .first()
    )
    if obj is None:
        raise Http404
    return obj


# ---- reception days ---------------------------------------------------------------


def unified_days_visible(user) -> QuerySet[UnifiedDay]:
    return scope(UnifiedDay.objects.select_related("region"), user, perms.VIEW)


def unified_day_get_visible(user, pk: int) -> UnifiedDay:
    obj = unified_days_visible(user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def posts_of(day: UnifiedDay) -> QuerySet[UnifiedPost]:
    return day.posts.select_related("station", "station__region").prefetch_related(
        Prefetch("slots", DutySlot.objects.select_related("deputy").order_by("start_time", "id"))
    )


@dataclass
class PostTally:
    post_id: int
    station_id: int
    station: str
    deputies: int = 0
    present: int = 0
    voters: int = 0
    items: int = 0
    answered: int = 0


@dataclass
class Tally:
    """The live figures of a unified reception day (seed 002's: deputies present,
    voters received, items taken, answered on the spot), for the day and per station."""

    stations: int = 0
    stations_open: int = 0
    deputies: int = 0
    present: int = 0
    voters: int = 0
    items: int = 0
    answered: int = 0
    at: str = ""
    posts: list[PostTally] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _day_range(date: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def reception_figures(station_ids: list[int], date: dt.date) -> dict[int, tuple[int, int]]:
    """(items taken, answered on the spot) per station on ``date``: opinions raised at
    the station that day, and those closed there with an on-the-spot answer."""
    from minqing.opinions.models import Opinion, OpinionReply, ReplyKind

    start, end = _day_range(date)
    on_spot = OpinionReply.objects.filter(opinion=OuterRef("pk"), kind=ReplyKind.ON_SPOT)
    rows = (
        Opinion.objects.filter(
            station_id__in=station_ids, created_at__gte=start, created_at__lt=end
        )
        .annotate(on_spot=Exists(on_spot))
        .values("station_id")
        .annotate(items=Count("pk"), answered=Count("pk", filter=Q(on_spot=True)))
    )
    return {r["station_id"]: (r["items"], r["answered"]) for r in rows}


def unified_tally(day: UnifiedDay) -> Tally:
    """Live tally of ``day`` in four queries whatever the number of stations."""
    posts = list(day.posts.select_related("station").order_by("station__name"))
    slots = (
        DutySlot.objects.filter(post__day=day)
        .values("post_id")
        .annotate(n=Count("pk"), present=Count("pk", filter=Q(state=SlotState.PRESENT)))
    )
    by_post = {r["post_id"]: r for r in slots}
    extra = dict(
        Activity.objects.filter(unified_post__day=day, state=ActivityState.RECORDED)
        .values_list("unified_post_id")
        .annotate(v=Sum("extra_visitors"))
    )
    figures = reception_figures([p.station_id for p in posts], day.date)
    tally = Tally(at=timezone.localtime().strftime("%H:%M:%S"))
    for p in posts:
        s = by_post.get(p.pk, {})
        items, answered = figures.get(p.station_id, (0, 0))
        row = PostTally(
            post_id=p.pk,
            station_id=p.station_id,
            station=p.station.name,
            deputies=s.get("n", 0),
            present=s.get("present", 0),
            items=items,
            answered=answered,
            voters=items + (extra.get(p.pk) or 0),
        )
        tally.posts.append(row)
        tally.stations += 1
        tally.stations_open += 1 if row.present else 0
        tally.deputies += row.deputies
        tally.present += row.present
        tally.voters += row.voters
        tally.items += row.items
        tally.answered += row.answered
    return tally


def my_duty_slots(deputy: Deputy) -> QuerySet[DutySlot]:
    """The deputy's duty slots from today on, and today's, soonest first."""
    return (
        DutySlot.objects.filter(deputy=deputy, post__day__date__gte=timezone.localdate())
        .exclude(post__day__state="cancelled")
        .select_related("post__station", "post__day")
        .order_by("post__day__date", "start_time")
    )


def station_reception_today(user, station) -> dict:
    """What a station's staff (or a deputy sitting there) sees on a reception day: the
    day's reception activity, the deputies on duty and checked in, and the figures."""
    today = timezone.localdate()
    activities = list(
        Activity.objects.filter(
            station=station, kind="reception", date=today, state=ActivityState.RECORDED
        ).prefetch_related(
            Prefetch("participations", Participation.objects.select_related("deputy"))
        )
    )
    slots = list(
        DutySlot.objects.filter(post__station=station, post__day__date=today)
        .exclude(post__day__state="cancelled")
        .select_related("deputy", "post__day")
        .order_by("start_time", "id")
    )
    items, answered = reception_figures([station.pk], today).get(station.pk, (0, 0))
    extra = sum(a.extra_visitors for a in activities)
    return {
        "activities": activities,
        "slots": slots,
        "items": items,
        "answered": answered,
        "voters": items + extra,
        "can_record": has_perm(user, perms.RECORD, station),
    }


# ---- reports to voters --------------------------------------------------------------


def reports_visible(user) -> QuerySet[DutyReport]:
    """Reports to voters in the user's scope, and a deputy's own."""
    qs = DutyReport.objects.select_related("deputy", "station", "region")
    base = scope(qs, user, perms.VIEW)
    deputy = deputy_of(user)
    if deputy is not None:
        base = base | qs.filter(deputy=deputy)
    return base


def report_get_visible(user, pk: int) -> DutyReport:
    obj = reports_visible(user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


# ---- rankings ------------------------------------------------------------------------


def rankings_public() -> QuerySet[PointsRanking]:
    return PointsRanking.objects.filter(state=RankingState.PUBLISHED).select_related(
        "region", "group"
    )


def ranking_public_get(code: str) -> PointsRanking:
    obj = rankings_public().prefetch_related("rows__deputy").filter(code=code).first()
    if obj is None:
        raise Http404
    return obj


def rankings_visible(user) -> QuerySet[PointsRanking]:
    return scope(PointsRanking.objects.select_related("region", "group"), user, perms.VIEW)


def active_deputies() -> QuerySet[Deputy]:
    return Deputy.objects.filter(status=DeputyStatus.ACTIVE)
