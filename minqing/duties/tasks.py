"""Background work of duty work (DOMAIN §5): the periodic sweep that confirms the
records deputies leave unanswered, and reminds deputies before it does and before
their duty slots.

=============================== =============================================== ======
what                            when                                            once
=============================== =============================================== ======
autoconfirm a participation     pending ``duty.confirm_days`` (the activity's   —
(``participations_autoconfirm``) region) since the deputy was asked: recorded
                                 activities only
remind the deputy to confirm    half that period after they were asked          per
(:func:`participation_remind`)                                                  round
remind a deputy on duty         the day before a planned unified reception      per
(:func:`duty_slot_remind`)      day, for a slot still to check in               date
=============================== =============================================== ======

A deputy is "asked" when the organiser records them, adds them again, upholds the
record against their dispute or corrects their attendance: each starts a new round
with its own reminder and its own autoconfirm date. Deputies without an account are
not reminded (they are confirmed all the same).

``sweep`` is idempotent: every reminder is keyed by its object and date (the
participation's autoconfirm date, the slot's day), so running it twice sends nothing
twice, and autoconfirming is a state change. ``manage.py scheduler`` enqueues
:func:`duties_sweep` hourly (``MINQING_PERIODIC_TASKS``); ``manage.py duties_sweep``
runs it once (cron).

Until the duties models carry the sweep's own records (``Participation.asked_at`` and a
``DutyReminder`` row per reminder), both are read from what the actions already
write: the audit entry of each reminder (its verb, object and ``after["due"]``), the
participations' timeline rows back to pending, and the ``activity.add_deputies``
entries. :func:`asked_at` and :func:`reminders_sent` are the only two readers to
change then.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from minqing.core import audit
from minqing.core.config import RegionConfig
from minqing.core.models import AuditEntry, TimelineEvent
from minqing.core.states import InvalidTransition
from minqing.duties.actions import participations_autoconfirm
from minqing.duties.actions._common import deputy_accounts, notify_later
from minqing.duties.actions.activities import activity_url
from minqing.duties.models import (
    Activity,
    ActivityState,
    DutySlot,
    Participation,
    ParticipationState,
    SlotState,
    UnifiedDayState,
)
from minqing.duties.quotas import region_configs

log = logging.getLogger(__name__)

# Audit verbs of the two reminders (and their notifications' verbs).
CONFIRM_REMINDER = "participation.remind"
SLOT_REMINDER = "duty_slot.remind"
CONFIRM_DAYS = "duty.confirm_days"
# The shortest confirm period a region may set (``duty.confirm_days`` ≥ 1), halved: no
# row asked more recently can be due for anything.
MIN_WAIT = dt.timedelta(hours=12)
CHUNK = 500


@dataclass
class SweepReport:
    autoconfirmed: int = 0
    confirm_reminders: int = 0
    slot_reminders: int = 0
    # Participations answered since the rows were read.
    skipped: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"autoconfirmed={self.autoconfirmed} confirm_reminders={self.confirm_reminders}"
            f" slot_reminders={self.slot_reminders}"
        )


# ---------------------------------------------------------------- the records read


def asked_at(rows: Sequence[Participation]) -> dict[int, dt.datetime]:
    """When each participation's deputy was last asked to confirm: the activity's
    recording, a later ``activity.add_deputies`` naming them, or the participation's
    last move back to pending (uphold, corrected attendance) — two queries for the
    lot. ``rows`` need ``activity`` loaded."""
    out = {p.pk: p.activity.created_at for p in rows}
    if not rows:
        return out
    events = (
        TimelineEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Participation),
            object_id__in=[str(p.pk) for p in rows],
            to_state=ParticipationState.PENDING,
        )
        .values_list("object_id")
        .annotate(at=Max("created_at"))
        .order_by()
    )
    for oid, at in events:
        out[int(oid)] = max(out[int(oid)], at)
    added: dict[tuple[int, int], dt.datetime] = {}
    entries = AuditEntry.objects.filter(
        verb="activity.add_deputies",
        content_type=ContentType.objects.get_for_model(Activity),
        object_id__in={str(p.activity_id) for p in rows},
    ).values_list("object_id", "created_at", "after")
    for oid, at, after in entries:
        for deputy_id in (after or {}).get("deputies", []):
            key = (int(oid), deputy_id)
            added[key] = max(added.get(key, at), at)
    for p in rows:
        at = added.get((p.activity_id, p.deputy_id))
        if at is not None:
            out[p.pk] = max(out[p.pk], at)
    return out


def reminders_sent(verb: str, model: type[models.Model], pks: Iterable[int]) -> set[tuple]:
    """(object pk, due date in ISO form) of every reminder ``verb`` already sent about
    the rows ``pks`` of ``model``: one query."""
    ids = [str(pk) for pk in pks]
    if not ids:
        return set()
    rows = AuditEntry.objects.filter(
        verb=verb,
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=ids,
    ).values_list("object_id", "after")
    return {(int(oid), (after or {}).get("due")) for oid, after in rows}


def confirm_due(asked: dt.datetime, days: int) -> tuple[dt.datetime, dt.datetime]:
    """(remind from, autoconfirm from) for a deputy asked at ``asked``."""
    period = dt.timedelta(days=days)
    return asked + period / 2, asked + period


# ---------------------------------------------------------------- the reminders


@transaction.atomic(durable=True)
def participation_remind(*, actor=None, participation: Participation, due: dt.date) -> bool:
    """Remind the deputy to confirm or dispute a record of a recorded activity still
    waiting for them, saying it counts as confirmed on ``due``. Once per participation
    and ``due`` (a new round of asking has a new date); a second call is a no-op
    returning False. Run by the periodic sweep, not by people: pending participations
    of recorded activities only, and deputies with an account. Writes one audit entry
    and notifies the deputy after the commit."""
    participation = (
        Participation.objects.select_for_update(of=("self",))
        .select_related("activity", "activity__region", "deputy__user")
        .get(pk=participation.pk)
    )
    if (
        participation.state != ParticipationState.PENDING
        or participation.activity.state != ActivityState.RECORDED
    ):
        raise ValidationError(_("该记录不在待确认状态"))
    user = participation.deputy.user
    if user is None or not user.is_active:
        raise ValidationError(_("该代表没有可用的账号"))
    if (participation.pk, due.isoformat()) in reminders_sent(
        CONFIRM_REMINDER, Participation, [participation.pk]
    ):
        return False
    activity = participation.activity
    audit.record(
        actor=actor,
        verb=CONFIRM_REMINDER,
        obj=participation,
        region=activity.region,
        after={"due": due, "activity": activity.pk, "deputy": participation.deputy_id},
    )
    notify_later(
        deputy_accounts([participation.deputy]),
        verb=CONFIRM_REMINDER,
        title=_("请确认履职活动「%(title)s」（%(date)s），%(due)s 起未确认的将视为确认")
        % {
            "title": activity.title,
            "date": f"{activity.date:%Y-%m-%d}",
            "due": f"{due:%Y-%m-%d}",
        },
        url=activity_url(activity),
    )
    return True


@transaction.atomic(durable=True)
def duty_slot_remind(*, actor=None, slot: DutySlot) -> bool:
    """Remind a deputy of their duty slot at a unified reception day still being
    planned and not yet come: the station, its address, the hours and the day's note.
    Once per slot and day's date (a day moved to another date is reminded again); a
    second call is a no-op returning False. Run by the periodic sweep the day before.
    Writes one audit entry and notifies the deputy after the commit."""
    slot = (
        DutySlot.objects.select_for_update(of=("self",))
        .select_related("post__day", "post__station__region", "deputy__user")
        .get(pk=slot.pk)
    )
    day = slot.post.day
    if (
        slot.state != SlotState.ASSIGNED
        or day.state != UnifiedDayState.PLANNED
        or day.date <= timezone.localdate()
    ):
        raise ValidationError(_("该值班安排无需提醒"))
    user = slot.deputy.user
    if user is None or not user.is_active:
        raise ValidationError(_("该代表没有可用的账号"))
    if (slot.pk, day.date.isoformat()) in reminders_sent(SLOT_REMINDER, DutySlot, [slot.pk]):
        return False
    station = slot.post.station
    audit.record(
        actor=actor,
        verb=SLOT_REMINDER,
        obj=slot,
        region=station.region,
        after={"due": day.date, "day": day.pk, "station": station.pk, "deputy": slot.deputy_id},
    )
    notify_later(
        deputy_accounts([slot.deputy]),
        verb=SLOT_REMINDER,
        title=_("提醒：%(date)s 统一接待日值班 %(start)s–%(end)s，%(station)s")
        % {
            "date": f"{day.date:%Y-%m-%d}",
            "start": f"{slot.start_time:%H:%M}",
            "end": f"{slot.end_time:%H:%M}",
            "station": station.name,
        },
        body=" ".join(x for x in (station.address, day.note) if x),
        url=reverse("duties:my_duties"),
    )
    return True


# ---------------------------------------------------------------- the sweep


def _chunks(rows: Iterator, size: int = CHUNK) -> Iterator[list]:
    while chunk := list(islice(rows, size)):
        yield chunk


class _Sweep:
    def __init__(self, now: dt.datetime):
        self.now = now
        self.today = timezone.localdate(now)
        self.report = SweepReport()
        self._configs: dict[int, RegionConfig] = {}

    def days(self, region) -> int:
        return int(self._configs[region.pk][CONFIRM_DAYS])

    def participations(self) -> None:
        """Autoconfirm what is due, remind what is half-way."""
        rows = (
            Participation.objects.filter(
                state=ParticipationState.PENDING,
                activity__state=ActivityState.RECORDED,
                activity__created_at__lte=self.now - MIN_WAIT,
            )
            .select_related("activity__region", "deputy__user")
            .order_by("pk")
        )
        for chunk in _chunks(rows.iterator(chunk_size=CHUNK)):
            regions = {p.activity.region.pk: p.activity.region for p in chunk}
            missing = [r for pk, r in regions.items() if pk not in self._configs]
            self._configs.update(region_configs(missing))
            asked = asked_at(chunk)
            sent = reminders_sent(CONFIRM_REMINDER, Participation, [p.pk for p in chunk])
            for p in chunk:
                remind_from, confirm_from = confirm_due(asked[p.pk], self.days(p.activity.region))
                if self.now >= confirm_from:
                    self._autoconfirm(p)
                elif self.now >= remind_from:
                    due = timezone.localdate(confirm_from)
                    user = p.deputy.user
                    if user is None or not user.is_active:
                        continue
                    if (p.pk, due.isoformat()) in sent:
                        continue
                    if self._try(participation_remind, participation=p, due=due):
                        self.report.confirm_reminders += 1

    def _autoconfirm(self, p: Participation) -> None:
        try:
            participations_autoconfirm(participation=p)
        except (ValidationError, InvalidTransition):
            # The deputy or the organiser answered since the rows were read.
            self.report.skipped.append(p.pk)
        else:
            self.report.autoconfirmed += 1

    @staticmethod
    def _try(remind, **kw) -> bool:
        try:
            return remind(**kw)
        except ValidationError:
            return False  # answered, checked in or cancelled since the rows were read

    def slots(self) -> None:
        """Tomorrow's duty slots at planned days, for deputies with an account."""
        tomorrow = self.today + dt.timedelta(days=1)
        rows = (
            DutySlot.objects.filter(
                state=SlotState.ASSIGNED,
                post__day__date=tomorrow,
                post__day__state=UnifiedDayState.PLANNED,
                deputy__user__isnull=False,
                deputy__user__is_active=True,
            )
            .select_related("post__day", "post__station")
            .order_by("pk")
        )
        for chunk in _chunks(rows.iterator(chunk_size=CHUNK)):
            sent = reminders_sent(SLOT_REMINDER, DutySlot, [s.pk for s in chunk])
            for slot in chunk:
                if (slot.pk, tomorrow.isoformat()) in sent:
                    continue
                if self._try(duty_slot_remind, slot=slot):
                    self.report.slot_reminders += 1


def sweep() -> SweepReport:
    """Autoconfirm the records left unanswered, remind the deputies half-way, remind
    tomorrow's deputies on duty. Safe to run at any frequency."""
    run = _Sweep(timezone.now())
    run.participations()
    run.slots()
    log.info("duties sweep %s: %s", run.now.isoformat(), run.report)
    return run.report


@task()
def duties_sweep() -> str:
    """The scheduled entry point (a django-tasks task, run by the worker)."""
    return str(sweep())
