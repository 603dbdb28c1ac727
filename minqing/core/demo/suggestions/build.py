"""The entry point: plan every city congress's items, play them and the scripted ones,
give the serials, then write all their rows in bulk (and each reply's signed PDF)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import secrets
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, models
from django.utils import timezone

from minqing.accounts.models import User
from minqing.core.demo.deputies import DeputyInfo
from minqing.core.demo.profiles import Profile
from minqing.core.demo.rand import pick_range
from minqing.core.demo.regions import BATCH, Tree
from minqing.core.demo.suggestions import layers, pdf
from minqing.core.demo.suggestions.planner import SuggestionBuilder
from minqing.core.demo.suggestions.showcase import Showcase, showcase_source
from minqing.core.demo.units import Units
from minqing.core.models import TimelineEvent
from minqing.opinions.models import Opinion, OpinionState
from minqing.people.models import Term
from minqing.suggestions.models import (
    Assignment,
    AssignmentBatch,
    AssignmentState,
    Commitment,
    CommitmentProgress,
    CongressSession,
    Contact,
    Extension,
    Feedback,
    FileKind,
    ReassignRequest,
    Reminder,
    Reply,
    Signer,
    SourceOpinion,
    Suggestion,
    SuggestionFile,
    SuggestionState,
    Supervision,
)


@dataclass
class SuggestionsResult:
    counts: dict[str, int]
    # a citizen's opinion in a suggestion of the demo deputy: (tracking code, the
    # phone's last four digits, the suggestion's number)
    source: tuple[str, str, str] | None


def build_suggestions(
    rng: random.Random,
    *,
    tree: Tree,
    profile: Profile,
    units: Units,
    infos: list[DeputyInfo],
    terms: dict[str, Term],
    targets,
    usernames: list[str],
    today: dt.date,
) -> SuggestionsResult:
    """Plan, play and write the motions and suggestions of every city congress
    (``profile.suggestions_*``); the demo logins act as themselves (``usernames``)."""
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    now = timezone.localtime().replace(tzinfo=None, microsecond=0)
    if now.date() != today:
        now = dt.datetime.combine(today, dt.time(18))
    b = SuggestionBuilder(
        rng,
        tree=tree,
        profile=profile,
        units=units,
        infos=infos,
        terms=terms,
        targets=targets,
        users=users,
        now=now,
    )
    rows = _opinions(tree)
    for i, c in enumerate(b.cities):
        bounds = profile.suggestions_first_city if i == 0 else profile.suggestions_per_city
        layers.plan_city(b, c, pick_range(rng, bounds))
    demo = b.cities[0]
    mine = [
        row
        for row in rows.get(demo.city.code, [])
        if row["station_id"] == targets.station.pk and row["citizen_phone"]
    ]
    showcase = max(mine, key=lambda row: row["closed_at"]) if mine else None
    used = demo.deputies and Showcase(b, demo).run(showcase)
    skip = {showcase["pk"]} if showcase and used else set()
    for c in b.cities:
        if c.deputies:
            layers.opinions(b, c, rows.get(c.city.code, []), skip)
    b.numbers()
    return SuggestionsResult(save(b), showcase_source())


def _opinions(tree: Tree) -> dict[str, list[dict]]:
    """The demo's opinions in 转为代表建议, by city code, with local naive times."""
    out: dict[str, list[dict]] = {}
    qs = Opinion.objects.filter(
        state=OpinionState.SUGGESTION, region__path__startswith=tree.province.path
    ).values(
        "pk",
        "category",
        "text",
        "station_id",
        "station__name",
        "closed_at",
        "citizen_phone",
        "region__code",
    )
    for row in qs.order_by("pk"):
        code = row["region__code"]
        county = code[:6]
        row["county"], row["station"] = county, row["station__name"] or ""
        row["county_name"] = tree.by_code[county].name
        row["closed_at"] = timezone.localtime(row["closed_at"]).replace(tzinfo=None)
        out.setdefault(code[:4] + "00", []).append(row)
    return out


def save(b: SuggestionBuilder) -> dict[str, int]:
    """Write every item's rows in bulk with the stories' own times; returns the counts
    for the ``demo.load`` entry."""
    items = sorted(b.items, key=lambda it: it.created)
    with _own_timestamps():
        sessions = [s for c in b.cities for s in c.sessions]
        CongressSession.objects.bulk_create(sessions, batch_size=BATCH)
        for converted in (False, True):  # motions before the suggestions made of them
            rows = [it.s for it in items if (it.s.converted_from is not None) == converted]
            Suggestion.objects.bulk_create(rows, batch_size=BATCH)
        signers = [x for it in items for x in it.signers]
        Signer.objects.bulk_create(signers, batch_size=BATCH)
        sources = [x for it in items for x in it.sources]
        _insert(SourceOpinion, sources)
        parts = [a for it in items for a in it.parts]
        sizes: Counter = Counter()
        for it in items:
            for batch in {id(a.batch) for a in it.parts if a.batch is not None}:
                sizes[batch] += 1
        batches = [x for x in b.batches if sizes[id(x)]]
        for x in batches:
            x.size = sizes[id(x)]
        AssignmentBatch.objects.bulk_create(batches, batch_size=BATCH)
        Assignment.objects.bulk_create(parts, batch_size=BATCH)
        kept = {  # rows other rows point to: inserted reading back their ids
            "suggestion_reassign_requests": [x for it in items for x in it.requests],
            "suggestion_extensions": [x for it in items for x in it.extensions],
            "suggestion_replies": [x for it in items for x in it.replies],
            "suggestion_commitments": [x for it in items for x in it.commitments],
        }
        for objs in kept.values():
            if objs:
                type(objs[0]).objects.bulk_create(objs, batch_size=BATCH)
        leaves = {
            "suggestion_contacts": [x for it in items for x in it.contacts],
            "suggestion_files": _files(items),
            "suggestion_feedback": [x for it in items for x in it.feedback],
            "suggestion_commitment_progress": [x for it in items for x in it.progress],
            "suggestion_supervisions": [x for it in items for x in it.supervisions],
            "suggestion_reminders": [x for it in items for x in it.reminders],
        }
        for objs in leaves.values():
            if objs:
                _insert(type(objs[0]), objs)
        events = sorted((e for it in items for e in it.events), key=lambda e: (e.t, e.seq))
        _insert_events(b, events)
    states = Counter(it.s.state for it in items)
    part_states = Counter(a.state for a in parts)
    classes = Counter(x.result_class for x in kept["suggestion_replies"])
    return {
        "suggestions": len(items),
        **{f"suggestions.{s}": states[s] for s in SuggestionState.values},
        "suggestions.motion": sum(it.s.kind == "motion" for it in items),
        "suggestion_sessions": len(sessions),
        "suggestion_signers": len(signers),
        "suggestion_sources": len(sources),
        "suggestion_batches": len(batches),
        "suggestion_assignments": len(parts),
        **{f"suggestion_assignments.{s}": part_states[s] for s in AssignmentState.values},
        **{k: len(v) for k, v in kept.items()},
        **{f"suggestion_replies.{k}": classes[k] for k in "ABCD"},
        **{k: len(v) for k, v in leaves.items()},
        "timeline_events": len(events),
    }


def _insert(model, objs: list) -> None:
    """INSERT rows nothing points to without reading back their ids: several times
    faster than ``bulk_create`` for the demo's many thousand rows. Values are adapted as
    the ORM adapts them (dates and times per backend, foreign keys from the related
    objects saved meanwhile, file names)."""
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    adapt = []
    for f in fields:
        if isinstance(f, models.DateTimeField):
            adapt.append(ops.adapt_datetimefield_value)
        elif isinstance(f, models.DateField):
            adapt.append(ops.adapt_datefield_value)
        elif isinstance(f, models.FileField):
            adapt.append(lambda v, f=f: f.get_prep_value(v))
        else:
            adapt.append(None)
    rows = []
    for obj in objs:
        row = []
        for f, fn in zip(fields, adapt, strict=True):
            value = getattr(obj, f.attname)
            if value is None and f.is_relation and f.is_cached(obj):
                related = getattr(obj, f.name)
                value = related.pk if related is not None else None
            row.append(fn(value) if fn is not None and value is not None else value)
        rows.append(row)
    _execute(model, [f.column for f in fields], rows)


def _insert_events(b: SuggestionBuilder, events: list) -> None:
    """The timeline rows, straight from the stories' events."""
    adapt = connection.ops.adapt_datetimefield_value
    types = {m: ContentType.objects.get_for_model(m).pk for m in {type(e.obj) for e in events}}
    rows = [
        (
            adapt(b.clock.aware(e.t)),
            types[type(e.obj)],
            str(e.obj.pk),
            e.workflow,
            e.verb,
            e.frm,
            e.to,
            e.actor.pk if e.actor is not None else None,
            e.note,
            e.public,
        )
        for e in events
    ]
    columns = [
        "created_at",
        "content_type_id",
        "object_id",
        "workflow",
        "verb",
        "from_state",
        "to_state",
        "actor_id",
        "note",
        "public",
    ]
    _execute(TimelineEvent, columns, rows)


def _execute(model, columns: list[str], rows: list) -> None:
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(model._meta.db_table),
        ", ".join(qn(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        for i in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[i : i + BATCH])


def _files(items) -> list[SuggestionFile]:
    """Each reply's signed letter, written to storage under a random name like an
    upload's (``opinions.uploads``)."""
    out: list[SuggestionFile] = []
    made: set[str] = set()
    for it in items:
        s = it.s
        for spec in it.pdfs:
            reply = spec.reply
            heading = f"关于第{s.display_number}号代表{s.get_kind_display()}的答复"
            data = pdf.letter(
                unit=spec.unit.name,
                heading=heading,
                body=reply.text,
                signed_by=reply.signed_by,
                contact=reply.contact_person,
                on=spec.signed_on,
            )
            local = timezone.localtime(s.created_at)
            name = f"suggestions/{local:%Y/%m}/{secrets.token_hex(16)}.pdf"
            stored = _store(name, data, made)
            out.append(
                SuggestionFile(
                    suggestion=s,
                    reply=reply,
                    kind=FileKind.REPLY,
                    file=stored,
                    name=f"{spec.unit.short_name or spec.unit.name}答复函.pdf"[:100],
                    content_type="application/pdf",
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    created_at=reply.created_at,
                )
            )
    return out


def _store(name: str, data: bytes, made: set[str]) -> str:
    """Save ``data`` under ``name``; on the file system without the storage's probing of
    every name (the names are random and new)."""
    if not isinstance(default_storage, FileSystemStorage):
        return default_storage.save(name, ContentFile(data))
    path = default_storage.path(name)
    folder = os.path.dirname(path)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)
    with open(path, "xb") as fh:
        fh.write(data)
    return name


@contextmanager
def _own_timestamps() -> Iterator[None]:
    """Let bulk inserts keep the stories' times in ``auto_now_add`` fields."""
    fields = [
        model._meta.get_field(name)
        for model, name in (
            (Suggestion, "created_at"),
            (Signer, "invited_at"),
            (SourceOpinion, "linked_at"),
            (AssignmentBatch, "created_at"),
            (ReassignRequest, "requested_at"),
            (Extension, "requested_at"),
            (Contact, "created_at"),
            (Reply, "created_at"),
            (Feedback, "created_at"),
            (Supervision, "created_at"),
            (Commitment, "created_at"),
            (CommitmentProgress, "created_at"),
            (SuggestionFile, "created_at"),
            (Reminder, "sent_at"),
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
