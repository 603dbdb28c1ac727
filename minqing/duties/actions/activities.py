"""Recording activities and attendance, and the deputies' confirmation of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core import audit
from minqing.core.states import transition
from minqing.duties import permissions as perms
from minqing.duties.actions._common import (
    deputy_accounts,
    lock,
    notify_later,
    store_files,
    text,
    today,
)
from minqing.duties.models import (
    Activity,
    ActivityFileKind,
    ActivityKind,
    ActivityState,
    Attendance,
    MeetingType,
    OrganiserKind,
    Participation,
    ParticipationState,
)
from minqing.duties.states import ACTIVITY_STATES, PARTICIPATION_STATES
from minqing.opinions.permissions import deputy_of
from minqing.people.models import Deputy, DeputyGroup, DeputyStatus
from minqing.stations.models import Station

AUDIT_FIELDS = ["kind", "meeting_type", "title", "date", "end_date", "place", "state"]
# How far back an activity may be dated: last year's ledger is closed in the spring.
MAX_AGE_DAYS = 400
PHOTO_LIMIT = 9


def _clean(data: dict[str, Any], *, kind: str) -> dict[str, Any]:
    """Validate an activity's fields; errors are keyed by field, in Chinese."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    if kind not in ActivityKind.values:
        errors["kind"] = [_("请选择活动类型")]
    try:
        out["title"] = text(data.get("title", ""), label=_("活动名称"), maximum=120)
    except ValidationError as e:
        errors["title"] = e.messages
    try:
        out["summary"] = text(
            data.get("summary", ""), label=_("活动内容"), required=False, maximum=5000
        )
    except ValidationError as e:
        errors["summary"] = e.messages
    try:
        out["place"] = text(data.get("place", ""), label=_("活动地点"), required=False, maximum=200)
    except ValidationError as e:
        errors["place"] = e.messages
    date = data.get("date")
    if not isinstance(date, dt.date):
        errors["date"] = [_("请填写活动日期")]
    elif date > today():
        errors["date"] = [_("活动日期不能晚于今天")]
    elif (today() - date).days > MAX_AGE_DAYS:
        errors["date"] = [_("只能登记 %(n)s 天以内的活动") % {"n": MAX_AGE_DAYS}]
    out["date"] = date
    end = data.get("end_date")
    if end is not None and isinstance(date, dt.date) and end < date:
        errors["end_date"] = [_("结束日期不能早于活动日期")]
    out["end_date"] = end
    meeting_type = data.get("meeting_type") or ""
    if kind == ActivityKind.MEETING:
        if meeting_type not in MeetingType.values:
            errors["meeting_type"] = [_("请选择会议类型")]
    else:
        meeting_type = ""
    out["meeting_type"] = meeting_type
    if errors:
        raise ValidationError(errors)
    return out


def _check_deputies(deputies: Iterable[Deputy]) -> list[Deputy]:
    out = list(dict.fromkeys(deputies))
    inactive = [d.name for d in out if d.status != DeputyStatus.ACTIVE]
    if inactive:
        raise ValidationError(
            {"deputies": [_("以下代表已终止代表资格：%(names)s") % {"names": "、".join(inactive)}]}
        )
    return out


def _region_for(actor, *, station, group, region):
    if station is not None:
        return station.region
    if group is not None:
        return group.region
    if region is None:
        raise ValidationError({"region": [_("请选择区域")]})
    return region


def activity_url(activity: Activity) -> str:
    return reverse("duties:activity_detail", args=[activity.pk])


def _ask_to_confirm(activity: Activity, deputies: Sequence[Deputy]) -> None:
    notify_later(
        deputy_accounts(deputies),
        verb="activity.confirm",
        title=_("请确认履职活动：%(title)s") % {"title": activity.title},
        url=activity_url(activity),
    )


@transaction.atomic(durable=True)
def activity_record(
    *,
    actor,
    kind: str,
    data: dict[str, Any],
    deputies: Sequence[Deputy] = (),
    attendance: dict[int, str] | None = None,
    station: Station | None = None,
    group: DeputyGroup | None = None,
    region=None,
    photos: Sequence = (),
    reports: Sequence = (),
) -> Activity:
    """An organiser records an activity or a meeting's attendance: the office
    (``duties.manage`` on ``region``), the staff of ``station`` (``duties.record``) or
    the leader of ``group``. It is recorded at once; each deputy listed gets a pending
    participation to confirm or dispute and a notification. ``attendance`` maps a
    deputy's pk to 出席/请假/缺席 (meetings). ``photos`` are ``CleanImage``,
    ``reports`` ``CleanFile`` results of ``opinions.uploads``.
    """
    if not perms.can_organise(actor, station=station, group=group, region=region):
        raise perms.deny()
    fields = _clean(data, kind=kind)
    deputies = _check_deputies(deputies)
    if not deputies:
        raise ValidationError({"deputies": [_("请至少选择一名参加代表")]})
    if len(photos) > PHOTO_LIMIT:
        raise ValidationError({"photos": [_("照片最多 %(n)s 张") % {"n": PHOTO_LIMIT}]})
    attendance = attendance or {}
    bad = [v for v in attendance.values() if v not in Attendance.values]
    if bad:
        raise ValidationError({"attendance": [_("出席情况无效")]})
    activity = Activity.objects.create(
        region=_region_for(actor, station=station, group=group, region=region),
        kind=kind,
        organiser_kind=perms.organiser_kind_for(station=station, group=group),
        station=station,
        group=group,
        state=ActivityState.RECORDED,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    Participation.objects.bulk_create(
        Participation(
            activity=activity,
            deputy=d,
            attendance=attendance.get(d.pk, Attendance.PRESENT),
        )
        for d in deputies
    )
    store_files(activity, photos, kind=ActivityFileKind.PHOTO)
    store_files(activity, reports, kind=ActivityFileKind.REPORT)
    audit.record(
        actor=actor,
        verb="activity.record",
        obj=activity,
        region=activity.region,
        after={**audit.snapshot(activity, AUDIT_FIELDS), "deputies": len(deputies)},
    )
    _ask_to_confirm(activity, deputies)
    return activity


@transaction.atomic(durable=True)
def activity_report(
    *,
    actor,
    kind: str,
    data: dict[str, Any],
    station: Station | None = None,
    group: DeputyGroup | None = None,
    codeputies: Sequence[Deputy] = (),
    photos: Sequence = (),
    reports: Sequence = (),
) -> Activity:
    """A deputy records their own activity for approval (pending). The reporter's
    participation is confirmed; co-deputies confirm theirs. It is approved by the
    station's staff (when a station is named), the group leader (a group) or the office
    of the deputy's region.
    """
    deputy = deputy_of(actor)
    if deputy is None:
        raise perms.deny(_("只有代表本人可以登记自己的履职活动"))
    if kind == ActivityKind.MEETING:
        raise ValidationError({"kind": [_("会议出席情况由人大机关登记")]})
    fields = _clean(data, kind=kind)
    others = [d for d in _check_deputies(codeputies) if d.pk != deputy.pk]
    if len(photos) > PHOTO_LIMIT:
        raise ValidationError({"photos": [_("照片最多 %(n)s 张") % {"n": PHOTO_LIMIT}]})
    activity = Activity.objects.create(
        region=_region_for(actor, station=station, group=group, region=deputy.region),
        kind=kind,
        organiser_kind=OrganiserKind.DEPUTY,
        station=station,
        group=group,
        reported_by=deputy,
        state=ActivityState.PENDING,
        created_by=actor,
        **fields,
    )
    now = timezone.now()
    Participation.objects.bulk_create(
        [
            Participation(
                activity=activity,
                deputy=deputy,
                state=ParticipationState.CONFIRMED,
                answered_at=now,
            ),
            *(Participation(activity=activity, deputy=d) for d in others),
        ]
    )
    store_files(activity, photos, kind=ActivityFileKind.PHOTO)
    store_files(activity, reports, kind=ActivityFileKind.REPORT)
    audit.record(
        actor=actor,
        verb="activity.report",
        obj=activity,
        region=activity.region,
        after=audit.snapshot(activity, AUDIT_FIELDS),
    )
    from minqing.duties.selectors import activity_approvers

    notify_later(
        lambda: activity_approvers(activity),
        verb="activity.approve",
        title=_("代表%(name)s登记了履职活动，请审核：%(title)s")
        % {"name": deputy.name, "title": activity.title},
        url=activity_url(activity),
    )
    if others:
        _ask_to_confirm(activity, others)
    return activity


@transaction.atomic(durable=True)
def activity_update(*, actor, activity: Activity, data: dict[str, Any]) -> Activity:
    """Correct an activity's fields: the organiser while it is recorded or pending, or
    the reporting deputy while their report is pending or was rejected."""
    activity = lock(activity)
    organiser = perms.can_manage_activity(actor, activity)
    reporter = perms.is_reporter(actor, activity) and activity.state in (
        ActivityState.PENDING,
        ActivityState.REJECTED,
    )
    if not (organiser or reporter):
        raise perms.deny()
    if activity.state not in (
        ActivityState.RECORDED,
        ActivityState.PENDING,
        ActivityState.REJECTED,
    ):
        raise ValidationError(_("已撤销的活动不能修改"))
    before = audit.snapshot(activity, AUDIT_FIELDS)
    for key, value in _clean(data, kind=activity.kind).items():
        setattr(activity, key, value)
    activity.save()
    audit.record(
        actor=actor,
        verb="activity.update",
        obj=activity,
        region=activity.region,
        before=before,
        after=audit.snapshot(activity, AUDIT_FIELDS),
    )
    return activity


@transaction.atomic(durable=True)
def activity_attach(
    *, actor, activity: Activity, photos: Sequence = (), reports: Sequence = ()
) -> Activity:
    """Add photos or a report to an activity: its organiser, or its reporting deputy
    while pending. Photos are capped per activity."""
    activity = lock(activity)
    if not (
        perms.can_manage_activity(actor, activity)
        or (perms.is_reporter(actor, activity) and activity.state != ActivityState.CANCELLED)
    ):
        raise perms.deny()
    if activity.state == ActivityState.CANCELLED:
        raise ValidationError(_("已撤销的活动不能添加附件"))
    if not photos and not reports:
        raise ValidationError({"photos": [_("请选择要上传的照片或报告")]})
    have = activity.files.filter(kind=ActivityFileKind.PHOTO).count()
    if have + len(photos) > PHOTO_LIMIT:
        raise ValidationError({"photos": [_("照片最多 %(n)s 张") % {"n": PHOTO_LIMIT}]})
    saved = store_files(activity, photos, kind=ActivityFileKind.PHOTO)
    saved += store_files(activity, reports, kind=ActivityFileKind.REPORT)
    audit.record(
        actor=actor,
        verb="activity.attach",
        obj=activity,
        region=activity.region,
        after={"files": [f.kind for f in saved]},
    )
    return activity


def _review(actor, activity: Activity) -> Activity:
    activity = lock(activity)
    if not perms.can_manage_activity(actor, activity) or perms.is_reporter(actor, activity):
        raise perms.deny(_("您不能审核该活动"))
    return activity


@transaction.atomic(durable=True)
def activity_approve(*, actor, activity: Activity, note: str = "") -> Activity:
    """Approve a deputy's report (pending → recorded): the station staff, group leader or
    office that organises where it was reported; never the reporter themself."""
    activity = _review(actor, activity)
    activity.review_note = text(note, label=_("审核意见"), required=False, maximum=300)
    transition(
        activity,
        table=ACTIVITY_STATES,
        to=ActivityState.RECORDED,
        actor=actor,
        verb="approve",
        update_fields=("review_note",),
    )
    audit.record(actor=actor, verb="activity.approve", obj=activity, region=activity.region)
    notify_later(
        deputy_accounts([activity.reported_by]),
        verb="activity.approved",
        title=_("您登记的履职活动已通过审核：%(title)s") % {"title": activity.title},
        url=activity_url(activity),
    )
    return activity


@transaction.atomic(durable=True)
def activity_reject(*, actor, activity: Activity, note: str) -> Activity:
    """Send a deputy's report back (pending → rejected) with a reason the deputy reads;
    they may correct it and submit again."""
    activity = _review(actor, activity)
    activity.review_note = text(note, label=_("退回理由"), minimum=5, maximum=300)
    transition(
        activity,
        table=ACTIVITY_STATES,
        to=ActivityState.REJECTED,
        actor=actor,
        verb="reject",
        note=activity.review_note,
        update_fields=("review_note",),
    )
    audit.record(
        actor=actor,
        verb="activity.reject",
        obj=activity,
        region=activity.region,
        note=activity.review_note,
    )
    notify_later(
        deputy_accounts([activity.reported_by]),
        verb="activity.rejected",
        title=_("您登记的履职活动被退回：%(title)s") % {"title": activity.title},
        body=activity.review_note,
        url=activity_url(activity),
    )
    return activity


@transaction.atomic(durable=True)
def activity_resubmit(*, actor, activity: Activity) -> Activity:
    """The reporting deputy sends a rejected report again (rejected → pending)."""
    activity = lock(activity)
    if not perms.is_reporter(actor, activity):
        raise perms.deny()
    transition(
        activity, table=ACTIVITY_STATES, to=ActivityState.PENDING, actor=actor, verb="resubmit"
    )
    audit.record(actor=actor, verb="activity.resubmit", obj=activity, region=activity.region)
    return activity


@transaction.atomic(durable=True)
def activity_cancel(*, actor, activity: Activity, note: str) -> Activity:
    """Void an activity recorded in error (it leaves every ledger and the points): its
    organiser, or the reporting deputy while it is still pending."""
    activity = lock(activity)
    reporter_pending = (
        perms.is_reporter(actor, activity) and activity.state == ActivityState.PENDING
    )
    if not (perms.can_manage_activity(actor, activity) or reporter_pending):
        raise perms.deny()
    note = text(note, label=_("撤销理由"), minimum=2, maximum=300)
    transition(
        activity,
        table=ACTIVITY_STATES,
        to=ActivityState.CANCELLED,
        actor=actor,
        verb="cancel",
        note=note,
    )
    audit.record(
        actor=actor, verb="activity.cancel", obj=activity, region=activity.region, note=note
    )
    return activity


@transaction.atomic(durable=True)
def activity_add_deputies(
    *, actor, activity: Activity, deputies: Sequence[Deputy], attendance: str = Attendance.PRESENT
) -> list[Participation]:
    """The organiser adds deputies to a recorded activity; each confirms. A deputy who
    was removed earlier is added again as pending."""
    activity = lock(activity)
    if not perms.can_manage_activity(actor, activity):
        raise perms.deny()
    if activity.state != ActivityState.RECORDED:
        raise ValidationError(_("只有已登记的活动可以添加代表"))
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": [_("出席情况无效")]})
    deputies = _check_deputies(deputies)
    if not deputies:
        raise ValidationError({"deputies": [_("请至少选择一名参加代表")]})
    existing = {p.deputy_id: p for p in activity.participations.all()}
    added = []
    for d in deputies:
        p = existing.get(d.pk)
        if p is None:
            added.append(
                Participation.objects.create(activity=activity, deputy=d, attendance=attendance)
            )
        elif p.state == ParticipationState.REMOVED:
            p.attendance = attendance
            p.dispute_reason = ""
            p.answered_at = None
            transition(
                p,
                table=PARTICIPATION_STATES,
                to=ParticipationState.PENDING,
                actor=actor,
                verb="add",
                update_fields=("attendance", "dispute_reason", "answered_at"),
            )
            added.append(p)
    if not added:
        raise ValidationError({"deputies": [_("所选代表已在活动中")]})
    audit.record(
        actor=actor,
        verb="activity.add_deputies",
        obj=activity,
        region=activity.region,
        after={"deputies": [p.deputy_id for p in added]},
    )
    _ask_to_confirm(activity, [p.deputy for p in added])
    return added


def _lock_participation(participation: Participation) -> Participation:
    return (
        Participation.objects.select_for_update(of=("self",))
        .select_related(
            "activity", "activity__region", "activity__station", "activity__group", "deputy"
        )
        .get(pk=participation.pk)
    )


def _own(actor, participation: Participation) -> None:
    deputy = deputy_of(actor)
    if deputy is None or deputy.pk != participation.deputy_id:
        raise perms.deny(_("只有代表本人可以确认"))
    if participation.activity.state == ActivityState.CANCELLED:
        raise ValidationError(_("该活动已撤销"))


@transaction.atomic(durable=True)
def participation_confirm(*, actor, participation: Participation) -> Participation:
    """The deputy confirms what was recorded for them (pending or disputed → confirmed)."""
    participation = _lock_participation(participation)
    _own(actor, participation)
    participation.answered_at = timezone.now()
    participation.dispute_reason = ""
    transition(
        participation,
        table=PARTICIPATION_STATES,
        to=ParticipationState.CONFIRMED,
        actor=actor,
        verb="confirm",
        update_fields=("answered_at", "dispute_reason"),
    )
    audit.record(
        actor=actor,
        verb="participation.confirm",
        obj=participation,
        region=participation.activity.region,
    )
    return participation


@transaction.atomic(durable=True)
def participation_dispute(*, actor, participation: Participation, reason: str) -> Participation:
    """The deputy disputes a record (not there, wrong attendance, wrong facts) with a
    reason the organiser reads (pending → disputed)."""
    participation = _lock_participation(participation)
    _own(actor, participation)
    participation.dispute_reason = text(reason, label=_("异议理由"), minimum=5, maximum=300)
    participation.answered_at = timezone.now()
    transition(
        participation,
        table=PARTICIPATION_STATES,
        to=ParticipationState.DISPUTED,
        actor=actor,
        verb="dispute",
        note=participation.dispute_reason,
        update_fields=("dispute_reason", "answered_at"),
    )
    audit.record(
        actor=actor,
        verb="participation.dispute",
        obj=participation,
        region=participation.activity.region,
        note=participation.dispute_reason,
    )
    from minqing.duties.selectors import activity_organisers

    activity = participation.activity
    notify_later(
        lambda: activity_organisers(activity),
        verb="participation.dispute",
        title=_("代表%(name)s对活动「%(title)s」的记录有异议")
        % {"name": participation.deputy.name, "title": activity.title},
        body=participation.dispute_reason,
        url=activity_url(activity),
    )
    return participation


def _organiser(actor, participation: Participation) -> None:
    if not perms.can_manage_activity(actor, participation.activity):
        raise perms.deny()
    if participation.activity.state == ActivityState.CANCELLED:
        raise ValidationError(_("该活动已撤销"))


@transaction.atomic(durable=True)
def participation_remove(*, actor, participation: Participation, note: str = "") -> Participation:
    """The organiser takes a deputy off an activity (accepting a dispute or correcting
    the list): pending or disputed → removed. The deputy's own report's reporter row
    cannot be removed."""
    participation = _lock_participation(participation)
    _organiser(actor, participation)
    if participation.activity.reported_by_id == participation.deputy_id:
        raise ValidationError(_("不能移除登记该活动的代表本人"))
    note = text(note, label=_("说明"), required=False, maximum=300)
    transition(
        participation,
        table=PARTICIPATION_STATES,
        to=ParticipationState.REMOVED,
        actor=actor,
        verb="remove",
        note=note,
    )
    audit.record(
        actor=actor,
        verb="participation.remove",
        obj=participation,
        region=participation.activity.region,
        note=note,
    )
    return participation


@transaction.atomic(durable=True)
def participation_uphold(*, actor, participation: Participation, note: str) -> Participation:
    """The organiser keeps the record against a dispute, with an explanation the deputy
    reads (disputed → pending); the deputy may then confirm."""
    participation = _lock_participation(participation)
    _organiser(actor, participation)
    note = text(note, label=_("说明"), minimum=5, maximum=300)
    transition(
        participation,
        table=PARTICIPATION_STATES,
        to=ParticipationState.PENDING,
        actor=actor,
        verb="uphold",
        note=note,
    )
    audit.record(
        actor=actor,
        verb="participation.uphold",
        obj=participation,
        region=participation.activity.region,
        note=note,
    )
    notify_later(
        deputy_accounts([participation.deputy]),
        verb="participation.uphold",
        title=_("活动「%(title)s」的记录维持不变，请再次确认")
        % {"title": participation.activity.title},
        body=note,
        url=activity_url(participation.activity),
    )
    return participation


@transaction.atomic(durable=True)
def participation_set_attendance(
    *, actor, participation: Participation, attendance: str
) -> Participation:
    """The organiser corrects a deputy's attendance (出席/请假/缺席); the deputy confirms
    again."""
    participation = _lock_participation(participation)
    _organiser(actor, participation)
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": [_("出席情况无效")]})
    if participation.state == ParticipationState.REMOVED:
        raise ValidationError(_("该代表已移除"))
    before = {"attendance": participation.attendance, "state": participation.state}
    participation.attendance = attendance
    if participation.state == ParticipationState.CONFIRMED:
        participation.answered_at = None
        transition(
            participation,
            table=PARTICIPATION_STATES,
            to=ParticipationState.PENDING,
            actor=actor,
            verb="reopen",
            update_fields=("attendance", "answered_at"),
        )
    else:
        participation.save(update_fields=["attendance"])
    audit.record(
        actor=actor,
        verb="participation.attendance",
        obj=participation,
        region=participation.activity.region,
        before=before,
        after={"attendance": attendance, "state": participation.state},
    )
    return participation


@transaction.atomic(durable=True)
def participations_autoconfirm(*, actor=None, participation: Participation) -> Participation:
    """The system confirms a participation the deputy left unanswered past
    ``duty.confirm_days`` (the organiser's record stands). Only pending rows of
    recorded activities."""
    if getattr(actor, "is_authenticated", False):
        raise perms.deny(_("只有系统可以自动确认"))
    participation = _lock_participation(participation)
    if participation.activity.state != ActivityState.RECORDED:
        raise ValidationError(_("活动未登记"))
    if participation.state != ParticipationState.PENDING:
        raise ValidationError(_("代表已答复，不再自动确认"))
    participation.answered_at = timezone.now()
    transition(
        participation,
        table=PARTICIPATION_STATES,
        to=ParticipationState.CONFIRMED,
        actor=actor,
        verb="confirm",
        note=_("逾期未确认，系统自动确认"),
        update_fields=("answered_at",),
    )
    audit.record(
        actor=actor,
        verb="participation.autoconfirm",
        obj=participation,
        region=participation.activity.region,
    )
    return participation


__all__ = [
    "activity_add_deputies",
    "activity_approve",
    "activity_attach",
    "activity_cancel",
    "activity_record",
    "activity_reject",
    "activity_report",
    "activity_resubmit",
    "activity_update",
    "participation_confirm",
    "participation_dispute",
    "participation_remove",
    "participation_set_attendance",
    "participation_uphold",
    "participations_autoconfirm",
]
