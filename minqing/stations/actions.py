"""Every write to stations, their deputies, staff, schedules and reception days.

Each public function is an outermost action: it checks permission, makes the change,
writes exactly one audit entry and returns the changed object. Pages, the API and the
admin call these and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.accounts.actions import create_grant, end_grant
from minqing.accounts.models import Role, RoleGrant, User
from minqing.core import audit, codes
from minqing.core.changes import apply_changes, check_editable
from minqing.core.models import Region
from minqing.core.permissions import require
from minqing.core.states import transition
from minqing.people.models import Deputy, DeputyStatus
from minqing.stations.models import (
    ReceptionDay,
    ReceptionSchedule,
    Station,
    StationDeputy,
)
from minqing.stations.permissions import MANAGE, require_manage_region
from minqing.stations.schedule import validate_schedule
from minqing.stations.states import STATION_STATES, StationStatus

CODE_LENGTH = 8
_CODE_ATTEMPTS = 8

STATION_FIELDS = [
    "name",
    "kind",
    "region",
    "address",
    "latitude",
    "longitude",
    "opening_hours",
    "phone",
    "description",
    "sector",
]
SCHEDULE_FIELDS = [
    "rule",
    "day_of_month",
    "weekday",
    "week_of_month",
    "start_time",
    "end_time",
    "skip_non_working_days",
    "note",
    "is_active",
]
DAY_FIELDS = ["date", "start_time", "end_time", "title", "note", "cancelled"]


def _require_open(station: Station) -> None:
    if station.status == StationStatus.CLOSED:
        raise ValidationError(_("联络站已撤销，不能再修改。"))


# --- stations -----------------------------------------------------------------------


def _new_code() -> str:
    return codes.generate(CODE_LENGTH)


@transaction.atomic(durable=True)
def station_create(
    *,
    actor: User,
    region: Region,
    name: str,
    kind: str,
    address: str = "",
    opening_hours: str = "",
    phone: str = "",
    description: str = "",
    sector: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Station:
    """Create a station in the ``planned`` state with a fresh public code.

    Who: holders of ``stations.manage_station`` on ``region`` (not a station-narrowed
    grant). Side effects: one ``station.create`` audit entry. The code is random; on the
    rare collision with an existing code a new one is drawn.
    """
    require_manage_region(actor, region)
    station = Station(
        region=region,
        name=name.strip(),
        kind=kind,
        address=address.strip(),
        opening_hours=opening_hours.strip(),
        phone=phone.strip(),
        description=description.strip(),
        sector=sector.strip(),
        latitude=latitude,
        longitude=longitude,
        status=STATION_STATES.initial,
    )
    station.code = "PENDING"
    station.full_clean(exclude=["code"])
    for _attempt in range(_CODE_ATTEMPTS):
        station.code = _new_code()
        if Station.objects.filter(code=station.code).exists():
            continue
        try:
            # A savepoint, so a concurrent insert of the same code leaves the outer
            # transaction usable for the next attempt.
            with transaction.atomic():
                station.save(force_insert=True)
        except IntegrityError:
            station.pk = None
            continue
        break
    else:  # pragma: no cover - 31^7 codes make this practically unreachable
        raise RuntimeError("could not draw an unused station code")
    audit.record(
        actor=actor,
        verb="station.create",
        obj=station,
        after=audit.snapshot(station, ["code", "status", *STATION_FIELDS]),
    )
    return station


@transaction.atomic(durable=True)
def station_update(*, actor: User, station: Station, changes: Mapping[str, Any]) -> Station:
    """Change a station's descriptive fields (``STATION_FIELDS``; never code or status).

    Who: ``stations.manage_station`` on the station; moving it to another region also
    needs that permission on the new region itself. Not allowed once closed. Side
    effects: one ``station.update`` audit entry with before/after of the changed fields;
    the region of its station-staff grants follows the station.
    """
    require(actor, MANAGE, station)
    _require_open(station)
    check_editable(changes, STATION_FIELDS)
    changed = [name for name, value in changes.items() if getattr(station, name) != value]
    if not changed:
        return station
    new_region = changes.get("region")
    if "region" in changed:
        require_manage_region(actor, station.region)
        require_manage_region(actor, new_region)
    before = audit.snapshot(station, changed)
    apply_changes(station, {name: changes[name] for name in changed})
    station.full_clean()
    station.save(update_fields=changed)
    if "region" in changed:
        # Station grants carry the station's region (see accounts.RoleGrant).
        RoleGrant.objects.filter(station=station).update(region=new_region)
    audit.record(
        actor=actor,
        verb="station.update",
        obj=station,
        before=before,
        after=audit.snapshot(station, changed),
    )
    return station


def _move(*, actor: User, station: Station, to: str, note: str) -> Station:
    require(actor, MANAGE, station)
    event = transition(station, table=STATION_STATES, to=to, actor=actor, note=note, field="status")
    audit.record(
        actor=actor,
        verb=f"station.{event.verb}",
        obj=station,
        before={"status": event.from_state},
        after={"status": event.to_state},
        note=note,
    )
    return station


@transaction.atomic(durable=True)
def station_transition(*, actor: User, station: Station, to: str, note: str = "") -> Station:
    """Move a station along STATION_STATES to ``to`` (the API's entry point).

    Who: ``stations.manage_station`` on the station. Raises InvalidTransition for an
    edge not in the table. Side effects: one timeline row, one ``station.<verb>`` audit
    entry.
    """
    return _move(actor=actor, station=station, to=to, note=note)


@transaction.atomic(durable=True)
def station_open(*, actor: User, station: Station, note: str = "") -> Station:
    """planned → active: the station starts receiving voters. As station_transition."""
    return _move(actor=actor, station=station, to=StationStatus.ACTIVE, note=note)


@transaction.atomic(durable=True)
def station_suspend(*, actor: User, station: Station, note: str = "") -> Station:
    """active → suspended (e.g. renovation); its public page says so. As
    station_transition."""
    return _move(actor=actor, station=station, to=StationStatus.SUSPENDED, note=note)


@transaction.atomic(durable=True)
def station_resume(*, actor: User, station: Station, note: str = "") -> Station:
    """suspended → active. As station_transition."""
    return _move(actor=actor, station=station, to=StationStatus.ACTIVE, note=note)


@transaction.atomic(durable=True)
def station_close(*, actor: User, station: Station, note: str = "") -> Station:
    """planned/active/suspended → closed (final); its public page disappears. As
    station_transition."""
    return _move(actor=actor, station=station, to=StationStatus.CLOSED, note=note)


# --- deputies sitting at a station --------------------------------------------------


@transaction.atomic(durable=True)
def station_deputy_add(
    *,
    actor: User,
    station: Station,
    deputy: Deputy,
    is_convener: bool = False,
    since: dt.date | None = None,
) -> StationDeputy:
    """Seat a deputy at a station (进站代表).

    Who: ``stations.manage_station`` on the station and ``people.view_deputy`` on the
    deputy. The deputy must be serving and not already seated; the station not closed.
    Side effects: one ``station.deputy_add`` audit entry.
    """
    require(actor, MANAGE, station)
    require(actor, "people.view_deputy", deputy)
    _require_open(station)
    if deputy.status != DeputyStatus.ACTIVE:
        raise ValidationError({"deputy": _("该代表的代表资格已终止。")})
    if StationDeputy.objects.filter(station=station, deputy=deputy).exists():
        raise ValidationError({"deputy": _("该代表已在本站。")})
    membership = StationDeputy.objects.create(
        station=station,
        deputy=deputy,
        is_convener=is_convener,
        since=since or timezone.localdate(),
    )
    audit.record(
        actor=actor,
        verb="station.deputy_add",
        obj=station,
        after={"deputy": deputy.pk, "is_convener": is_convener},
        note=deputy.name,
    )
    return membership


@transaction.atomic(durable=True)
def station_deputy_remove(*, actor: User, membership: StationDeputy) -> None:
    """Take a deputy off a station.

    Who: ``stations.manage_station`` on the station and ``people.view_deputy`` on the
    deputy. Side effects: one ``station.deputy_remove`` audit entry.
    """
    station = membership.station
    require(actor, MANAGE, station)
    require(actor, "people.view_deputy", membership.deputy)
    before = {"deputy": membership.deputy_id, "is_convener": membership.is_convener}
    membership.delete()
    audit.record(
        actor=actor,
        verb="station.deputy_remove",
        obj=station,
        before=before,
        note=membership.deputy.name,
    )


# --- station staff (联络员) -----------------------------------------------------------


@transaction.atomic(durable=True)
def station_staff_grant(*, actor: User, station: Station, user: User) -> RoleGrant:
    """Make ``user`` staff of ``station`` (a ``station_staff`` grant narrowed to it).

    Who: ``stations.manage_station`` on the station's region (not a station-narrowed
    grant, so staff cannot co-opt others). Side effects: one ``station.staff_grant``
    audit entry.
    """
    require(actor, MANAGE, station)
    require_manage_region(actor, station.region)
    _require_open(station)
    role_grant = create_grant(
        actor=actor,
        user=user,
        role=Role.STATION_STAFF,
        region=station.region,
        station=station,
        duplicate_message=_("该用户已是本站工作人员。"),
    )
    audit.record(
        actor=actor,
        verb="station.staff_grant",
        obj=station,
        after={"user": user.pk, "grant": role_grant.pk, "role": Role.STATION_STAFF},
        note=user.get_username(),
    )
    return role_grant


@transaction.atomic(durable=True)
def station_staff_revoke(*, actor: User, role_grant: RoleGrant) -> RoleGrant:
    """Revoke a station-staff grant (kept, with ``revoked_at``, for the record).

    Who: as station_staff_grant. Side effects: one ``station.staff_revoke`` audit entry.
    """
    station = role_grant.station
    if station is None or role_grant.role != Role.STATION_STAFF:
        raise ValidationError(_("这不是联络站工作人员授权。"))
    require(actor, MANAGE, station)
    require_manage_region(actor, station.region)
    role_grant = end_grant(role_grant)
    audit.record(
        actor=actor,
        verb="station.staff_revoke",
        obj=station,
        before={"user": role_grant.user_id, "grant": role_grant.pk},
        note=role_grant.user.get_username(),
    )
    return role_grant


# --- reception schedules ------------------------------------------------------------


@transaction.atomic(durable=True)
def reception_schedule_create(
    *,
    actor: User,
    station: Station,
    rule: str,
    start_time: dt.time,
    end_time: dt.time,
    day_of_month: int | None = None,
    weekday: int | None = None,
    week_of_month: int | None = None,
    skip_non_working_days: bool = True,
    note: str = "",
) -> ReceptionSchedule:
    """Add a recurring reception rule to a station.

    Who: ``stations.manage_station`` on the station; not on a closed station. Side
    effects: one ``reception_schedule.create`` audit entry.
    """
    require(actor, MANAGE, station)
    _require_open(station)
    schedule = ReceptionSchedule(
        station=station,
        rule=rule,
        day_of_month=day_of_month,
        weekday=weekday,
        week_of_month=week_of_month,
        start_time=start_time,
        end_time=end_time,
        skip_non_working_days=skip_non_working_days,
        note=note.strip(),
    )
    validate_schedule(schedule)
    schedule.full_clean()
    schedule.save()
    audit.record(
        actor=actor,
        verb="reception_schedule.create",
        obj=schedule,
        region=station.region,
        after=audit.snapshot(schedule, SCHEDULE_FIELDS),
    )
    return schedule


@transaction.atomic(durable=True)
def reception_schedule_update(
    *, actor: User, schedule: ReceptionSchedule, changes: Mapping[str, Any]
) -> ReceptionSchedule:
    """Change a recurring rule (``SCHEDULE_FIELDS``), e.g. pause it with is_active.

    Who: ``stations.manage_station`` on its station. Side effects: one
    ``reception_schedule.update`` audit entry.
    """
    station = schedule.station
    require(actor, MANAGE, station)
    _require_open(station)
    check_editable(changes, SCHEDULE_FIELDS)
    before = audit.snapshot(schedule, SCHEDULE_FIELDS)
    apply_changes(schedule, changes)
    validate_schedule(schedule)
    schedule.full_clean()
    schedule.save()
    audit.record(
        actor=actor,
        verb="reception_schedule.update",
        obj=schedule,
        region=station.region,
        before=before,
        after=audit.snapshot(schedule, SCHEDULE_FIELDS),
    )
    return schedule


@transaction.atomic(durable=True)
def reception_schedule_delete(*, actor: User, schedule: ReceptionSchedule) -> None:
    """Delete a recurring rule (its past receptions are not records; nothing is lost).

    Who: ``stations.manage_station`` on its station. Side effects: one
    ``reception_schedule.delete`` audit entry holding the deleted rule.
    """
    station = schedule.station
    require(actor, MANAGE, station)
    audit.record(
        actor=actor,
        verb="reception_schedule.delete",
        obj=schedule,
        region=station.region,
        before=audit.snapshot(schedule, SCHEDULE_FIELDS),
    )
    schedule.delete()


# --- one-off reception days ---------------------------------------------------------


def _check_day(day: ReceptionDay, deputies: Sequence[Deputy] | None) -> None:
    errors: dict[str, str] = {}
    if day.end_time and day.start_time and day.end_time <= day.start_time:
        errors["end_time"] = _("结束时间须晚于开始时间。")
    if deputies:
        seated = set(
            StationDeputy.objects.filter(station=day.station).values_list("deputy_id", flat=True)
        )
        if any(d.pk not in seated for d in deputies):
            errors["deputies"] = _("值班代表须是本站的进站代表。")
    if errors:
        raise ValidationError(errors)


def _day_snapshot(day: ReceptionDay) -> dict[str, Any]:
    return {
        **audit.snapshot(day, DAY_FIELDS),
        "deputies": sorted(day.deputies.values_list("pk", flat=True)),
    }


@transaction.atomic(durable=True)
def reception_day_create(
    *,
    actor: User,
    station: Station,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    title: str = "",
    note: str = "",
    deputies: Sequence[Deputy] = (),
) -> ReceptionDay:
    """Add a one-off reception day (e.g. a city-wide 统一接待日), with deputies on duty.

    Who: ``stations.manage_station`` on the station; not on a closed station; not in the
    past; deputies on duty must sit at the station. Side effects: one
    ``reception_day.create`` audit entry.
    """
    require(actor, MANAGE, station)
    _require_open(station)
    if date < timezone.localdate():
        raise ValidationError({"date": _("接待日不能早于今天。")})
    day = ReceptionDay(
        station=station,
        date=date,
        start_time=start_time,
        end_time=end_time,
        title=title.strip(),
        note=note.strip(),
    )
    _check_day(day, deputies)
    day.full_clean()
    day.save()
    if deputies:
        day.deputies.set(deputies)
    audit.record(
        actor=actor,
        verb="reception_day.create",
        obj=day,
        region=station.region,
        after={**audit.snapshot(day, DAY_FIELDS), "deputies": [d.pk for d in deputies]},
    )
    return day


@transaction.atomic(durable=True)
def reception_day_update(
    *,
    actor: User,
    day: ReceptionDay,
    changes: Mapping[str, Any],
    deputies: Sequence[Deputy] | None = None,
) -> ReceptionDay:
    """Change a reception day's date, times, title, note or deputies on duty
    (``deputies`` None leaves them as they are). Cancel with reception_day_cancel.

    Who: ``stations.manage_station`` on its station; not once cancelled. Side effects:
    one ``reception_day.update`` audit entry.
    """
    station = day.station
    require(actor, MANAGE, station)
    _require_open(station)
    if day.cancelled:
        raise ValidationError(_("该接待日已取消，不能再修改。"))
    check_editable(changes, set(DAY_FIELDS) - {"cancelled"})
    if "date" in changes and changes["date"] < timezone.localdate():
        raise ValidationError({"date": _("接待日不能早于今天。")})
    before = _day_snapshot(day)
    apply_changes(day, changes)
    _check_day(day, deputies)
    day.full_clean()
    day.save()
    if deputies is not None:
        day.deputies.set(deputies)
    audit.record(
        actor=actor,
        verb="reception_day.update",
        obj=day,
        region=station.region,
        before=before,
        after=_day_snapshot(day),
    )
    return day


@transaction.atomic(durable=True)
def reception_day_cancel(*, actor: User, day: ReceptionDay, note: str = "") -> ReceptionDay:
    """Cancel a reception day. A cancelled day on the date of a recurring rule's
    occurrence also cancels that occurrence (see stations.schedule).

    Who: ``stations.manage_station`` on its station; only days not yet past and not
    already cancelled. Side effects: one ``reception_day.cancel`` audit entry.
    """
    station = day.station
    require(actor, MANAGE, station)
    if day.cancelled:
        raise ValidationError(_("该接待日已取消。"))
    if day.date < timezone.localdate():
        raise ValidationError(_("已过去的接待日不能取消。"))
    day.cancelled = True
    if note:
        day.note = note.strip()[:200]
    day.save(update_fields=["cancelled", "note"])
    audit.record(
        actor=actor,
        verb="reception_day.cancel",
        obj=day,
        region=station.region,
        before={"cancelled": False},
        after={"cancelled": True},
        note=note,
    )
    return day
