"""The entry point: plan the year's activities and reception work, register the citizens'
visits of those days as opinions, write everything in bulk, then what reads it back
(the closed days' tallies, reports to voters, awards, rules and the rankings)."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import Counter
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from minqing.accounts.models import User
from minqing.core.demo.deputies import DeputyInfo
from minqing.core.demo.duties import activities, texts
from minqing.core.demo.duties.points import Points
from minqing.core.demo.duties.reception import Reception
from minqing.core.demo.duties.reports import Reports
from minqing.core.demo.duties.world import ACT_FIELDS, PART_FIELDS, World
from minqing.core.demo.duties.write import insert, own_timestamps, reset_sequences
from minqing.core.demo.profiles import Profile
from minqing.core.demo.regions import Tree
from minqing.core.demo.stations import StationResult
from minqing.core.demo.suggestions import pdf
from minqing.core.demo.units import Units
from minqing.duties.models import (
    Activity,
    ActivityFile,
    ActivityFileKind,
    ActivityKind,
    ActivityState,
    Participation,
    ParticipationState,
    UnifiedDay,
    UnifiedPost,
)
from minqing.people.models import Term
from minqing.stations.models import ReceptionDay


@dataclass
class DutiesResult:
    # counts for the ``demo.load`` entry; those of opinions and timeline rows are the
    # citizens' visits registered on reception days, to add to the opinions demo's
    counts: dict[str, int]


def build_duties(
    rng: random.Random,
    *,
    tree: Tree,
    profile: Profile,
    units: Units,
    stations: StationResult,
    infos: list[DeputyInfo],
    terms: dict[str, Term],
    targets,
    usernames: list[str],
    today: dt.date,
) -> DutiesResult:
    """A year of duty work in every city of the demo (see the package docstring); the
    demo logins act as themselves (``usernames``)."""
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    w = World(
        random.Random(rng.getrandbits(64)),
        tree=tree,
        profile=profile,
        stations=stations,
        infos=infos,
        terms=terms,
        units=units,
        targets=targets,
        users=users,
        today=today,
    )
    activities.plan(w)
    reception = Reception(w)
    reception.plan()
    reports = Reports(w)
    reports.plan()
    counts: dict[str, int] = dict(reception.register_visits())
    with own_timestamps():
        insert(Activity, ACT_FIELDS, w.act_rows())
        insert(Participation, PART_FIELDS, w.parts)
        reception.write()
        reset_sequences([Activity, UnifiedDay, UnifiedPost, ReceptionDay])
        counts["activity_files"] = _papers(w)
        reception.close()
        counts.update(reports.write())
        points = Points(w)
        points.awards()
    points.rules()
    points.rankings()
    counts.update(_counts(w))
    counts.update(reception.counts())
    counts.update(points.counts)
    return DutiesResult(counts)


def _papers(w: World) -> int:
    """Each research report as a small PDF (the suggestions demo's letter), stored under
    a random name like an upload's."""
    city = w.demo_city
    rows = []
    leads = {}
    for activity_id, deputy_id, *_rest in w.parts:
        leads.setdefault(activity_id, deputy_id)
    for act in w.papers:
        on = min(act.created_at.date() + dt.timedelta(days=5), w.today)
        lead = w.by_pk.get(leads.get(act.id))
        data = pdf.letter(
            unit=f"{city.name}人大代表调研组",
            heading=f"{act.title}报告",
            body=texts.RESEARCH_REPORT.format(city=city.name, title=act.title),
            signed_by=lead.deputy.name if lead else f"{city.name}人大常委会",
            contact="",
            on=on,
        )
        name = f"duties/{act.date:%Y/%m}/{w.rng.getrandbits(128):032x}.pdf"
        stored = default_storage.save(name, ContentFile(data))
        at = min(dt.datetime.combine(on, dt.time(16)), w.now - dt.timedelta(minutes=30))
        rows.append(
            (act.id, ActivityFileKind.REPORT, stored, "调研报告.pdf", "application/pdf", len(data),
             hashlib.sha256(data).hexdigest(), w.aware(max(at, act.created_at)))
        )  # fmt: skip
    fields = ["activity_id", "kind", "file", "name", "content_type", "size", "sha256", "created_at"]
    return insert(ActivityFile, fields, rows)


def _counts(w: World) -> dict[str, int]:
    kinds = Counter(a.kind for a in w.acts)
    states = Counter(a.state for a in w.acts)
    parts = Counter(p[3] for p in w.parts)
    return {
        "activities": len(w.acts),
        **{f"activities.{k}": kinds[k] for k in ActivityKind.values},
        **{f"activities.{s}": states[s] for s in ActivityState.values},
        "participations": len(w.parts),
        **{f"participations.{s}": parts[s] for s in ParticipationState.values},
    }
