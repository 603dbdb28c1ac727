"""The entry point: plan every city's opinions, play the scripted and the planned
stories, then write all their rows in bulk."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from minqing.accounts.models import User
from minqing.core.demo.deputies import DeputyInfo
from minqing.core.demo.opinions import flows
from minqing.core.demo.opinions.planner import OpinionBuilder, Targets
from minqing.core.demo.opinions.showcase import Showcase
from minqing.core.demo.profiles import Profile
from minqing.core.demo.rand import pick_range
from minqing.core.demo.regions import BATCH, Tree
from minqing.core.demo.stations import StationResult
from minqing.core.demo.units import Units
from minqing.core.models import TimelineEvent
from minqing.opinions.models import (
    MeetingRequest,
    Opinion,
    OpinionAssignment,
    OpinionContact,
    OpinionExtension,
    OpinionRating,
    OpinionReminder,
    OpinionReply,
    OpinionState,
)

S = OpinionState


@dataclass
class OpinionsResult:
    counts: dict[str, int]
    tracking: tuple[str, str] | None  # (code, last four digits of the phone)


def build_opinions(
    rng: random.Random,
    *,
    tree: Tree,
    profile: Profile,
    units: Units,
    stations: StationResult,
    infos: list[DeputyInfo],
    targets: Targets,
    usernames: list[str],
    today: dt.date,
) -> OpinionsResult:
    """Plan, play and write the opinions of every city (``profile.opinions_*``); the
    demo logins act as themselves where their grants reach (``usernames``)."""
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    now = timezone.localtime().replace(tzinfo=None, microsecond=0)
    if now.date() != today:
        now = dt.datetime.combine(today, dt.time(18))
    b = OpinionBuilder(rng, tree, profile, units, stations, infos, targets, users, now)
    for i, city in enumerate(tree.cities):
        bounds = profile.opinions_first_city if i == 0 else profile.opinions_per_city
        b.plan_city(city, pick_range(rng, bounds))
    planned = list(b.stories)
    tracking = Showcase(b).run()
    for s in planned:
        flows.run(b, s)
    return OpinionsResult(save(b), tracking)


def save(b: OpinionBuilder) -> dict[str, int]:
    """Write every story's rows in bulk with the stories' own times (masters before their
    merged duplicates); returns the counts for the ``demo.load`` entry."""
    stories = sorted(b.stories, key=lambda s: s.created)
    with _own_timestamps():
        # masters first, so that merged duplicates are inserted pointing at them
        for merged in (False, True):
            batch = [s for s in stories if (s.master is not None) == merged]
            for s in batch:
                s.op.master = s.master
            Opinion.objects.bulk_create([s.op for s in batch], batch_size=BATCH)
        assignments = [a for s in stories for a in s.assignments]
        OpinionAssignment.objects.bulk_create(assignments, batch_size=BATCH)
        # the current assignment is the opinion's latest one (ids follow insertion)
        held = [s.op.pk for s in stories if s.assignment is not None]
        latest = OpinionAssignment.objects.filter(opinion=OuterRef("pk")).order_by("-pk")
        for i in range(0, len(held), BATCH):
            Opinion.objects.filter(pk__in=held[i : i + BATCH]).update(
                assignment=Subquery(latest.values("pk")[:1])
            )
        for s in stories:
            s.op.assignment = s.assignment
        rows: dict[str, list] = {
            "opinion_replies": [x for s in stories for x in s.replies],
            "opinion_ratings": [x for s in stories for x in s.ratings],
            "opinion_contacts": [x for s in stories for x in s.contacts],
            "opinion_extensions": [x for s in stories for x in s.extensions],
            "opinion_reminders": [x for s in stories for x in s.reminders],
            "meeting_requests": [s.meeting for s in stories if s.meeting is not None],
        }
        for objs in rows.values():
            if objs:
                type(objs[0]).objects.bulk_create(objs, batch_size=BATCH)
        events = sorted((e for s in stories for e in s.events), key=lambda e: (e.t, e.seq))
        types = {m: ContentType.objects.get_for_model(m).pk
                 for m in (Opinion, OpinionExtension, MeetingRequest)}  # fmt: skip
        TimelineEvent.objects.bulk_create(
            [
                TimelineEvent(
                    created_at=b.clock.aware(e.t),
                    content_type_id=types[type(e.obj)],
                    object_id=str(e.obj.pk),
                    workflow=e.workflow,
                    verb=e.verb,
                    from_state=e.frm,
                    to_state=e.to,
                    actor=e.actor,
                    note=e.note,
                    public=e.public,
                )
                for e in events
            ],
            batch_size=BATCH,
        )
    states = Counter(s.op.state for s in stories)
    return {
        "opinions": len(stories),
        **{f"opinions.{state}": states[state] for state in S.values},
        "opinion_assignments": len(assignments),
        **{k: len(v) for k, v in rows.items()},
        "timeline_events": len(events),
    }


@contextmanager
def _own_timestamps() -> Iterator[None]:
    """Let bulk inserts keep the story's times in ``auto_now_add`` fields."""
    fields = [
        model._meta.get_field(name)
        for model, name in (
            (Opinion, "created_at"),
            (OpinionReply, "created_at"),
            (OpinionRating, "created_at"),
            (OpinionContact, "created_at"),
            (OpinionExtension, "created_at"),
            (MeetingRequest, "created_at"),
            (OpinionReminder, "sent_at"),
            (TimelineEvent, "created_at"),
        )
    ]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True
