"""Unified reception days (统一接待日), duty slots, check-in at a station and the count of
voters received. A check-in is what puts a reception into the deputy's ledger: it
creates (or joins) the station's reception activity of the day, confirmed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core import audit
from minqing.core.permissions import has_perm, require, scope
from minqing.core.states import log_event, transition
from minqing.duties import permissions as perms
from minqing.duties.actions._common import deputy_accounts, lock, notify_later, text, today
from minqing.duties.models import (
    Activity,
    ActivityKind,
    ActivityState,
    Attendance,
    DutySlot,
    OrganiserKind,
    Participation,
    ParticipationState,
    SlotState,
    UnifiedDay,
    UnifiedDayState,
    UnifiedPost,
)
from minqing.duties.states import PARTICIPATION_STATES, SLOT_STATES, UNIFIED_DAY_STATES
from minqing.opinions.permissions import deputy_of
from minqing.people.models import Deputy, DeputyStatus
from minqing.stations.models import ReceptionDay, Station, StationDeputy
from minqing.stations.states import StationStatus

DAY_FIELDS = ["title", "date", "start_time", "end_time", "note", "state"]
# Stations that receive voters in person on a unified day.
IN_PERSON_EXCLUDED = ("online",)


def _clean_day(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    try:
        out["title"] = text(data.get("title", ""), label=_("主题"), maximum=100)
    except ValidationError as e:
        errors["title"] = e.messages
    try:
        out["note"] = text(data.get("note", ""), label=_("工作要求"), required=False, maximum=300)
    except ValidationError as e:
        errors["note"] = e.messages
    date = data.get("date")
    if not isinstance(date, dt.date):
        errors["date"] = [_("请填写接待日期")]
    elif creating and date < today():
        errors["date"] = [_("接待日期不能早于今天")]
    out["date"] = date
    start, end = data.get("start_time"), data.get("end_time")
    if not isinstance(start, dt.time):
        errors["start_time"] = [_("请填写开始时间")]
    if not isinstance(end, dt.time):
        errors["end_time"] = [_("请填写结束时间")]
    elif isinstance(start, dt.time) and end <= start:
        errors["end_time"] = [_("结束时间须晚于开始时间")]
    out["start_time"], out["end_time"] = start, end
    if errors:
        raise ValidationError(errors)
    return out


def day_url(day: UnifiedDay) -> str:
    return reverse("duties:unified_day_detail", args=[day.pk])


@transaction.atomic(durable=True)
def unified_day_create(
    *, actor, region, data: dict[str, Any], stations: Sequence[Station] | None = None
) -> UnifiedDay:
    """The office (``duties.manage`` on ``region``) sets a unified reception day for the
    stations of ``region``: every active in-person station in it, or those listed. Each
    gets a post and a reception day on its public schedule."""
    require(actor, perms.MANAGE, region)
    fields = _clean_day(data, creating=True)
    candidates = scope(
        Station.objects.filter(
            region__path__startswith=region.path, status=StationStatus.ACTIVE
        ).exclude(kind__in=IN_PERSON_EXCLUDED),
        actor,
        perms.MANAGE,
    )
    if stations is not None:
        ids = {s.pk for s in stations}
        chosen = list(candidates.filter(pk__in=ids))
        if len(chosen) != len(ids):
            raise ValidationError({"stations": [_("所选联络站须是本区域运行中的线下站点")]})
    else:
        chosen = list(candidates)
    if not chosen:
        raise ValidationError({"stations": [_("该区域没有运行中的联络站")]})
    day = UnifiedDay.objects.create(region=region, created_by=actor, **fields)
    # The stations' own reception days, so each station's public page shows the day.
    # Written here in bulk (a city has hundreds of stations) rather than through one
    # stations action per station; they carry no workflow state of their own.
    rdays = ReceptionDay.objects.bulk_create(
        ReceptionDay(
            station=s,
            date=day.date,
            start_time=day.start_time,
            end_time=day.end_time,
            title=day.title[:100],
            note=_("统一接待日"),
        )
        for s in chosen
    )
    if rdays and rdays[0].pk is None:  # backends without RETURNING ids
        by_station = {
            r.station_id: r for r in ReceptionDay.objects.filter(station__in=chosen, date=day.date)
        }
        rdays = [by_station[s.pk] for s in chosen]
    UnifiedPost.objects.bulk_create(
        UnifiedPost(day=day, station=s, reception_day=r) for s, r in zip(chosen, rdays, strict=True)
    )
    audit.record(
        actor=actor,
        verb="unified_day.create",
        obj=day,
        region=region,
        after={**audit.snapshot(day, DAY_FIELDS), "stations": len(chosen)},
    )
    return day


def _manage_day(actor, day: UnifiedDay) -> UnifiedDay:
    require(actor, perms.MANAGE, day)
    return lock(day)


@transaction.atomic(durable=True)
def unified_day_update(*, actor, day: UnifiedDay, data: dict[str, Any]) -> UnifiedDay:
    """The office changes the title, date, hours or note while the day is being planned;
    the stations' reception days follow."""
    day = _manage_day(actor, day)
    if day.state != UnifiedDayState.PLANNED:
        raise ValidationError(_("接待日已开始，不能修改"))
    before = audit.snapshot(day, DAY_FIELDS)
    fields = _clean_day(data, creating=data.get("date") != day.date)
    for key, value in fields.items():
        setattr(day, key, value)
    day.save()
    ReceptionDay.objects.filter(unified_post__day=day).update(
        date=day.date, start_time=day.start_time, end_time=day.end_time, title=day.title[:100]
    )
    audit.record(
        actor=actor,
        verb="unified_day.update",
        obj=day,
        region=day.region,
        before=before,
        after=audit.snapshot(day, DAY_FIELDS),
    )
    return day


def _slot_times(day: UnifiedDay, start, end) -> tuple[dt.time, dt.time]:
    start = start or day.start_time
    end = end or day.end_time
    if end <= start:
        raise ValidationError({"end_time": [_("结束时间须晚于开始时间")]})
    if start < day.start_time or end > day.end_time:
        raise ValidationError(
            {
                "start_time": [
                    _("值班时段须在接待日时间 %(s)s–%(e)s 之内")
                    % {"s": f"{day.start_time:%H:%M}", "e": f"{day.end_time:%H:%M}"}
                ]
            }
        )
    return start, end


@transaction.atomic(durable=True)
def duty_slot_assign(
    *,
    actor,
    post: UnifiedPost,
    deputies: Sequence[Deputy],
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
) -> list[DutySlot]:
    """The office puts deputies on duty at a station for a time slot (the whole day by
    default). A deputy serves at one station per day. They are told when the office
    sends the day's notices (:func:`unified_day_notify`)."""
    day = _manage_day(actor, post.day)
    if day.state not in (UnifiedDayState.PLANNED, UnifiedDayState.ONGOING):
        raise ValidationError(_("接待日已结束或取消"))
    start, end = _slot_times(day, start_time, end_time)
    deputies = list(dict.fromkeys(deputies))
    if not deputies:
        raise ValidationError({"deputies": [_("请选择代表")]})
    inactive = [d.name for d in deputies if d.status != DeputyStatus.ACTIVE]
    if inactive:
        raise ValidationError(
            {"deputies": [_("以下代表已终止代表资格：%(names)s") % {"names": "、".join(inactive)}]}
        )
    busy = dict(
        DutySlot.objects.filter(post__day=day, deputy__in=deputies).values_list(
            "deputy__name", "post__station__name"
        )
    )
    if busy:
        raise ValidationError(
            {
                "deputies": [
                    _("%(name)s当天已安排在%(station)s") % {"name": n, "station": s}
                    for n, s in busy.items()
                ]
            }
        )
    slots = [
        DutySlot.objects.create(post=post, deputy=d, start_time=start, end_time=end)
        for d in deputies
    ]
    if post.reception_day_id:
        post.reception_day.deputies.add(*deputies)
    audit.record(
        actor=actor,
        verb="duty_slot.assign",
        obj=day,
        region=day.region,
        after={"station_id": post.station_id, "deputies": [d.pk for d in deputies]},
    )
    return slots


@transaction.atomic(durable=True)
def duty_slot_remove(*, actor, slot: DutySlot) -> None:
    """The office takes a deputy off duty before they checked in; a notified deputy is
    told."""
    slot = DutySlot.objects.select_related("post", "post__day", "deputy").get(pk=slot.pk)
    day = _manage_day(actor, slot.post.day)
    if day.state not in (UnifiedDayState.PLANNED, UnifiedDayState.ONGOING):
        raise ValidationError(_("接待日已结束或取消"))
    if slot.state != SlotState.ASSIGNED:
        raise ValidationError(_("代表已签到，不能取消安排"))
    if slot.post.reception_day_id:
        slot.post.reception_day.deputies.remove(slot.deputy)
    notified = slot.notified_at is not None
    deputy = slot.deputy
    slot.delete()
    audit.record(
        actor=actor,
        verb="duty_slot.remove",
        obj=day,
        region=day.region,
        before={"station_id": slot.post.station_id, "deputy": deputy.pk},
    )
    if notified:
        notify_later(
            deputy_accounts([deputy]),
            verb="duty_slot.remove",
            title=_("您在%(date)s的统一接待日值班安排已取消") % {"date": f"{day.date:%m-%d}"},
            url=reverse("duties:my_duties"),
        )


@transaction.atomic(durable=True)
def unified_day_notify(*, actor, day: UnifiedDay) -> int:
    """Send each assigned deputy not yet told their station, address and time slot.
    Returns how many were notified (0 refuses: nothing new to send)."""
    day = _manage_day(actor, day)
    if day.state not in (UnifiedDayState.PLANNED, UnifiedDayState.ONGOING):
        raise ValidationError(_("接待日已结束或取消"))
    slots = list(
        DutySlot.objects.filter(post__day=day, notified_at__isnull=True).select_related(
            "post__station", "deputy"
        )
    )
    if not slots:
        raise ValidationError(_("没有需要通知的代表（均已通知或尚未安排）"))
    now = timezone.now()
    DutySlot.objects.filter(pk__in=[s.pk for s in slots]).update(notified_at=now)
    day.notified_at = now
    day.save(update_fields=["notified_at"])
    audit.record(
        actor=actor,
        verb="unified_day.notify",
        obj=day,
        region=day.region,
        after={"deputies": len(slots)},
    )
    for slot in slots:
        station = slot.post.station
        notify_later(
            deputy_accounts([slot.deputy]),
            verb="duty_slot.notify",
            title=_("统一接待日值班：%(date)s %(start)s–%(end)s，%(station)s")
            % {
                "date": f"{day.date:%Y-%m-%d}",
                "start": f"{slot.start_time:%H:%M}",
                "end": f"{slot.end_time:%H:%M}",
                "station": station.name,
            },
            body=" ".join(x for x in (station.address, day.note) if x),
            url=reverse("duties:my_duties"),
        )
    return len(slots)


@transaction.atomic(durable=True)
def unified_day_start(*, actor, day: UnifiedDay) -> UnifiedDay:
    """The office opens the day (planned → ongoing); the first check-in does it too."""
    day = _manage_day(actor, day)
    if day.date != today():
        raise ValidationError(_("只能在接待日当天开始"))
    transition(day, table=UNIFIED_DAY_STATES, to=UnifiedDayState.ONGOING, actor=actor, verb="start")
    audit.record(actor=actor, verb="unified_day.start", obj=day, region=day.region)
    return day


@transaction.atomic(durable=True)
def unified_day_close(*, actor, day: UnifiedDay) -> UnifiedDay:
    """The office ends the day (ongoing → closed): deputies who never checked in are
    marked absent, and the final tally is stored with the day."""
    from minqing.duties.selectors import unified_tally

    day = _manage_day(actor, day)
    day.closed_at = timezone.now()
    transition(
        day,
        table=UNIFIED_DAY_STATES,
        to=UnifiedDayState.CLOSED,
        actor=actor,
        verb="close",
        update_fields=("closed_at",),
    )
    DutySlot.objects.filter(post__day=day, state=SlotState.ASSIGNED).update(state=SlotState.ABSENT)
    day.tally = unified_tally(day).as_dict()
    day.save(update_fields=["tally"])
    audit.record(actor=actor, verb="unified_day.close", obj=day, region=day.region, after=day.tally)
    return day


@transaction.atomic(durable=True)
def unified_day_cancel(*, actor, day: UnifiedDay, note: str) -> UnifiedDay:
    """The office calls off a planned day; the stations' reception days are cancelled
    and notified deputies told."""
    day = _manage_day(actor, day)
    note = text(note, label=_("取消原因"), maximum=300)
    transition(
        day,
        table=UNIFIED_DAY_STATES,
        to=UnifiedDayState.CANCELLED,
        actor=actor,
        verb="cancel",
        note=note,
    )
    ReceptionDay.objects.filter(unified_post__day=day).update(cancelled=True)
    notified = list(
        Deputy.objects.filter(duty_slots__post__day=day, duty_slots__notified_at__isnull=False)
    )
    audit.record(actor=actor, verb="unified_day.cancel", obj=day, region=day.region, note=note)
    if notified:
        notify_later(
            deputy_accounts(notified),
            verb="unified_day.cancel",
            title=_("%(date)s的统一接待日已取消") % {"date": f"{day.date:%Y-%m-%d}"},
            body=note,
            url=reverse("duties:my_duties"),
        )
    return day


def _reception_activity(station: Station, *, post: UnifiedPost | None, actor) -> Activity:
    """The station's reception activity of today, created on the first check-in."""
    date = today()
    qs = Activity.objects.select_for_update().filter(
        station=station, kind=ActivityKind.RECEPTION, date=date, state=ActivityState.RECORDED
    )
    activity = (
        qs.filter(unified_post=post).first()
        if post
        else qs.filter(unified_post__isnull=True).first()
    )
    if activity is not None:
        return activity
    title = (
        _("统一接待日：%(title)s") % {"title": post.day.title}
        if post is not None
        else _("%(station)s接待选民") % {"station": station.name}
    )
    return Activity.objects.create(
        region=station.region,
        kind=ActivityKind.RECEPTION,
        title=title[:120],
        date=date,
        place=station.address or station.name,
        organiser_kind=OrganiserKind.STATION,
        station=station,
        unified_post=post,
        state=ActivityState.RECORDED,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic(durable=True)
def reception_check_in(*, actor, station: Station, deputy: Deputy | None = None) -> Participation:
    """A deputy checks in for today's reception at ``station``: themself (``deputy``
    None) or through the station's staff (``duties.record`` there). The deputy must be
    on duty there today (a unified day's slot) or sit at the station (its regular
    reception). The check-in is the deputy's confirmed attendance at the station's
    reception activity of the day; on a unified day it also marks the slot present and
    opens the day. Checking in twice is refused."""
    own = deputy_of(actor)
    if deputy is None:
        if own is None:
            raise perms.deny(_("只有代表本人或联络站工作人员可以签到"))
        deputy = own
    elif (own is None or own.pk != deputy.pk) and not has_perm(actor, perms.RECORD, station):
        raise perms.deny(_("只有代表本人或联络站工作人员可以签到"))
    if station.status != StationStatus.ACTIVE:
        raise ValidationError(_("该联络站未在运行，不能签到"))
    slot = (
        DutySlot.objects.select_for_update(of=("self",))
        .select_related("post", "post__day")
        .filter(
            deputy=deputy,
            post__station=station,
            post__day__date=today(),
            post__day__state__in=(UnifiedDayState.PLANNED, UnifiedDayState.ONGOING),
        )
        .first()
    )
    if slot is None and not StationDeputy.objects.filter(station=station, deputy=deputy).exists():
        raise ValidationError(_("%(name)s今天没有在本站的接待安排") % {"name": deputy.name})
    post = slot.post if slot is not None else None
    activity = _reception_activity(station, post=post, actor=actor)
    now = timezone.now()
    participation = Participation.objects.filter(activity=activity, deputy=deputy).first()
    if participation is not None and participation.checked_in_at is not None:
        raise ValidationError(_("%(name)s今天已签到") % {"name": deputy.name})
    if participation is None:
        participation = Participation.objects.create(
            activity=activity,
            deputy=deputy,
            attendance=Attendance.PRESENT,
            state=ParticipationState.CONFIRMED,
            answered_at=now,
            checked_in_at=now,
        )
    else:
        participation.checked_in_at = now
        participation.attendance = Attendance.PRESENT
        participation.save(update_fields=["checked_in_at", "attendance"])
        if participation.state != ParticipationState.CONFIRMED:
            participation.answered_at = now
            transition(
                participation,
                table=PARTICIPATION_STATES,
                to=ParticipationState.CONFIRMED,
                actor=actor,
                verb="confirm",
                update_fields=("answered_at",),
            )
    if slot is not None:
        slot.checked_in_at = now
        transition(
            slot,
            table=SLOT_STATES,
            to=SlotState.PRESENT,
            actor=actor,
            verb="check_in",
            update_fields=("checked_in_at",),
        )
        day = slot.post.day
        if day.state == UnifiedDayState.PLANNED:
            transition(
                day, table=UNIFIED_DAY_STATES, to=UnifiedDayState.ONGOING, actor=actor, verb="start"
            )
    else:
        log_event(activity, workflow="activity", verb="check_in", actor=actor, note=deputy.name)
    audit.record(
        actor=actor,
        verb="reception.check_in",
        obj=participation,
        region=station.region,
        after={
            "station_id": station.pk,
            "deputy_id": deputy.pk,
            "slot_id": slot.pk if slot else None,
        },
    )
    return participation


@transaction.atomic(durable=True)
def reception_visitors_add(*, actor, activity: Activity, count: int) -> Activity:
    """Count voters received whose matters were not registered as opinions (answered
    as a question at the desk, a group visit): station staff or a deputy checked in at
    the reception, on the day. ``count`` may be negative to correct a slip; the total
    never goes below zero."""
    activity = lock(activity)
    if activity.kind != ActivityKind.RECEPTION or activity.station_id is None:
        raise ValidationError(_("只有接待活动可以登记接待人次"))
    own = deputy_of(actor)
    present = (
        own is not None
        and activity.participations.filter(deputy=own, checked_in_at__isnull=False).exists()
    )
    if not (present or has_perm(actor, perms.RECORD, activity.station)):
        raise perms.deny()
    if activity.state != ActivityState.RECORDED:
        raise ValidationError(_("该活动已撤销"))
    if activity.date != today():
        raise ValidationError(_("只能在接待当天登记接待人次"))
    if not isinstance(count, int) or count == 0 or abs(count) > 500:
        raise ValidationError({"count": [_("人次须为 -500 到 500 之间的非零整数")]})
    before = activity.extra_visitors
    activity.extra_visitors = max(0, before + count)
    activity.save(update_fields=["extra_visitors"])
    audit.record(
        actor=actor,
        verb="reception.visitors",
        obj=activity,
        region=activity.region,
        before={"extra_visitors": before},
        after={"extra_visitors": activity.extra_visitors},
    )
    return activity


__all__ = [
    "duty_slot_assign",
    "duty_slot_remove",
    "reception_check_in",
    "reception_visitors_add",
    "unified_day_cancel",
    "unified_day_close",
    "unified_day_create",
    "unified_day_notify",
    "unified_day_start",
    "unified_day_update",
]
