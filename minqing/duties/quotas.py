"""Quotas of liaison stations and deputy groups (DOMAIN §2; seed 001: at least one
activity a quarter, one research report a year, one or two suggestions per deputy a
year), tracked as compliance per quarter and per year, with who is behind.

The quotas are region settings (``core.config``), read for each station's or group's
own region, so a district may ask more than its city:

======================================== ============================================
setting                                  counted against
======================================== ============================================
``station.activities_per_quarter``       recorded activities of the station (or
                                         group) dated in the quarter
``station.research_reports_per_year``    recorded research activities (调研) of the
                                         station or group with a report attached,
                                         dated in the year
``station.suggestions_per_year_min``     for each member deputy (a station's seated
                                         deputies, a group's members; active ones):
                                         motions and suggestions they led or
                                         co-signed (confirmed) submitted in the year,
                                         not withdrawn — as the points count them
======================================== ============================================

Figures read "actual/required" ("2/1"). In the view of a whole year the activity
figure is the quarters that met the quota out of the quarters begun so far ("3/4"),
each quarter's count alongside; a quarter under way counts as it stands ("behind so
far"). The suggestion figure of a station or group is its members at the minimum out
of its members. A station or group is behind when one of its figures is short.

Scope: the active stations and the groups ``user`` reads with ``duties.view`` — station
staff their station only (their grant names no region of groups) — under ``region``.
Everything is read in a fixed number of queries whatever the number of stations,
groups and deputies (the rows, one for the settings of all their regions, one for the
activities, two for the members, one for the suggestions).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractQuarter
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core.config import RegionConfig
from minqing.core.models import Region, RegionSetting
from minqing.core.permissions import grants_for, is_unrestricted, scope
from minqing.duties.models import (
    Activity,
    ActivityFile,
    ActivityFileKind,
    ActivityKind,
    ActivityState,
)
from minqing.duties.permissions import VIEW
from minqing.duties.points import quarter_bounds
from minqing.people.models import DeputyGroup, DeputyGroupMembership, DeputyStatus
from minqing.stations.models import Station, StationDeputy
from minqing.stations.states import StationStatus

ACTIVITIES = "station.activities_per_quarter"
REPORTS = "station.research_reports_per_year"
SUGGESTIONS = "station.suggestions_per_year_min"
KEYS = (ACTIVITIES, REPORTS, SUGGESTIONS)
STATION = "station"
GROUP = "group"


# ---------------------------------------------------------------- settings, in bulk


def region_configs(regions: Iterable[Region]) -> dict[int, RegionConfig]:
    """``core.config.settings_for(region)`` for many regions in one query: each
    region's overrides are its ancestors' rows, the deeper winning, exactly as
    ``settings_for`` reads them."""
    regions = {r.pk: r for r in regions}
    codes = {c for r in regions.values() for c in r.ancestor_codes}
    if not codes:
        return {}
    rows = list(
        RegionSetting.objects.filter(region__code__in=codes)
        .select_related("region")
        .order_by("region__level")
    )
    out = {}
    for pk, region in regions.items():
        mine = set(region.ancestor_codes)
        overrides: dict[str, tuple[Any, Region]] = {}
        for row in rows:  # deeper regions come later and win
            if row.region.code in mine:
                overrides[row.key] = (row.value, row.region)
        out[pk] = RegionConfig(region, overrides)
    return out


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class Figure:
    """``actual`` against ``required``; met when actual ≥ required."""

    actual: int
    required: int

    @property
    def ok(self) -> bool:
        return self.actual >= self.required

    def __str__(self) -> str:
        return f"{self.actual}/{self.required}"


@dataclass(frozen=True)
class Member:
    """A member deputy's motions and suggestions of the year against the minimum."""

    deputy_id: int
    name: str
    count: int
    required: int
    is_leader: bool = False

    @property
    def figure(self) -> Figure:
        return Figure(self.count, self.required)

    @property
    def ok(self) -> bool:
        return self.count >= self.required


@dataclass
class Row:
    """One station or group: its three figures and its members."""

    kind: str  # STATION | GROUP
    pk: int
    name: str
    region: Region
    activities: Figure
    reports: Figure
    suggestions: Figure
    # (quarter, Figure) for every quarter counted: one in a quarter's view, the quarters
    # begun so far in a year's.
    quarters: list[tuple[int, Figure]] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.activities.ok and self.reports.ok and self.suggestions.ok

    @property
    def members_behind(self) -> list[Member]:
        return [m for m in self.members if not m.ok]

    @property
    def shortfalls(self) -> list[str]:
        """What the row is behind on, in words."""
        out = []
        if not self.activities.ok:
            out.append(_("活动 %(f)s") % {"f": self.activities})
        if not self.reports.ok:
            out.append(_("调研报告 %(f)s") % {"f": self.reports})
        if not self.suggestions.ok:
            out.append(_("建议达标代表 %(f)s") % {"f": self.suggestions})
        return out

    @property
    def kind_label(self) -> str:
        return _("联络站") if self.kind == STATION else _("代表小组")


@dataclass
class DeputyBehind:
    """A deputy short of the suggestion minimum, with where they are counted."""

    deputy_id: int
    name: str
    count: int
    required: int
    places: list[str] = field(default_factory=list)

    @property
    def figure(self) -> Figure:
        return Figure(self.count, self.required)


@dataclass
class Compliance:
    year: int
    quarter: int | None  # None: the whole year
    rows: list[Row]
    # The quarters counted (1..4); fewer in the current year.
    quarters: list[int] = field(default_factory=list)

    @property
    def stations(self) -> list[Row]:
        return [r for r in self.rows if r.kind == STATION]

    @property
    def groups(self) -> list[Row]:
        return [r for r in self.rows if r.kind == GROUP]

    @property
    def behind(self) -> list[Row]:
        return [r for r in self.rows if not r.ok]

    @property
    def deputies_behind(self) -> list[DeputyBehind]:
        """Each deputy short of the minimum once, with the stations and groups that
        count them (the strictest minimum where two regions differ)."""
        acc: dict[int, DeputyBehind] = {}
        for row in self.rows:
            for m in row.members_behind:
                d = acc.get(m.deputy_id)
                if d is None:
                    d = acc[m.deputy_id] = DeputyBehind(m.deputy_id, m.name, m.count, m.required)
                d.required = max(d.required, m.required)
                d.places.append(row.name)
        return sorted(acc.values(), key=lambda d: (d.count - d.required, d.name, d.deputy_id))


# ---------------------------------------------------------------- scope


def stations_in_scope(user, region: Region | None = None) -> QuerySet[Station]:
    """The active stations ``user`` reads with ``duties.view`` (station staff: theirs),
    under ``region``."""
    qs = scope(
        Station.objects.filter(status=StationStatus.ACTIVE).select_related("region"), user, VIEW
    )
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    return qs.order_by("region__path", "name", "pk")


def groups_in_scope(user, region: Region | None = None) -> QuerySet[DeputyGroup]:
    """The deputy groups under the regions where ``user`` holds ``duties.view`` without
    a station or unit narrowing the grant (station staff see no groups)."""
    qs = DeputyGroup.objects.select_related("region")
    if not is_unrestricted(user):
        q = Q(pk__in=[])
        for g in grants_for(user, VIEW):
            if not g.station_id and not g.unit_id:
                q |= Q(region__path__startswith=g.region.path)
        qs = qs.filter(q)
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    return qs.order_by("region__path", "name", "pk")


# ---------------------------------------------------------------- computation


def quarters_begun(year: int, today: dt.date | None = None) -> list[int]:
    """The quarters of ``year`` that have begun by ``today``."""
    today = today or timezone.localdate()
    if year < today.year:
        return [1, 2, 3, 4]
    if year > today.year:
        return []
    return list(range(1, (today.month - 1) // 3 + 2))


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=tz),
        dt.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def _activity_counts(
    station_ids: list[int], group_ids: list[int], year: int
) -> tuple[dict, dict, dict, dict]:
    """Recorded activities per (station, quarter) and (group, quarter), and research
    activities with a report per station and per group, over ``year``: one query."""
    per_station: dict[tuple[int, int], int] = defaultdict(int)
    per_group: dict[tuple[int, int], int] = defaultdict(int)
    reports_station: dict[int, int] = defaultdict(int)
    reports_group: dict[int, int] = defaultdict(int)
    if not station_ids and not group_ids:
        return per_station, per_group, reports_station, reports_group
    with_report = ActivityFile.objects.filter(activity=OuterRef("pk"), kind=ActivityFileKind.REPORT)
    rows = (
        Activity.objects.filter(
            state=ActivityState.RECORDED,
            date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)),
        )
        .filter(Q(station_id__in=station_ids) | Q(group_id__in=group_ids))
        .annotate(with_report=Exists(with_report))
        .values("station_id", "group_id", q=ExtractQuarter("date"))
        .annotate(
            n=Count("pk"),
            reports=Count("pk", filter=Q(kind=ActivityKind.RESEARCH, with_report=True)),
        )
        .order_by()
    )
    stations, groups = set(station_ids), set(group_ids)
    for r in rows:
        # An activity of a station and a group at once counts for both.
        if r["station_id"] in stations:
            per_station[r["station_id"], r["q"]] += r["n"]
            reports_station[r["station_id"]] += r["reports"]
        if r["group_id"] in groups:
            per_group[r["group_id"], r["q"]] += r["n"]
            reports_group[r["group_id"]] += r["reports"]
    return per_station, per_group, reports_station, reports_group


def _suggestion_counts(deputy_ids: set[int], year: int) -> dict[int, int]:
    """Motions and suggestions each deputy led or co-signed (confirmed), submitted in
    ``year`` and not withdrawn: one query."""
    from minqing.suggestions.models import Signer, SignerState, SuggestionState

    if not deputy_ids:
        return {}
    start, end = _year_bounds(year)
    rows = (
        Signer.objects.filter(
            deputy_id__in=deputy_ids,
            state=SignerState.CONFIRMED,
            suggestion__submitted_at__gte=start,
            suggestion__submitted_at__lt=end,
        )
        .exclude(suggestion__state__in=(SuggestionState.DRAFT, SuggestionState.WITHDRAWN))
        .values("deputy_id")
        .annotate(n=Count("suggestion_id", distinct=True))
        .order_by()
    )
    return {r["deputy_id"]: r["n"] for r in rows}


def _activity_figure(
    counts: dict[tuple[int, int], int], pk: int, quarters: list[int], required: int
) -> tuple[Figure, list[tuple[int, Figure]]]:
    per = [(q, Figure(counts.get((pk, q), 0), required)) for q in quarters]
    if len(quarters) == 1:
        return per[0][1], per
    return Figure(sum(1 for _q, f in per if f.ok), len(quarters)), per


def compliance(
    user,
    *,
    year: int,
    quarter: int | None = None,
    region: Region | None = None,
    today: dt.date | None = None,
) -> Compliance:
    """The quota compliance of the stations and groups ``user`` reads (see the module
    docstring) in ``quarter`` of ``year`` (the whole year when None), under
    ``region``. The caller checks ``duties.view`` first. Writes nothing."""
    if quarter is not None:
        quarter_bounds(year, quarter)  # ValueError for anything but 1–4
        quarters = [quarter]
    else:
        quarters = quarters_begun(year, today)
    stations = list(stations_in_scope(user, region))
    groups = list(groups_in_scope(user, region))
    configs = region_configs([s.region for s in stations] + [g.region for g in groups])
    per_station, per_group, reports_station, reports_group = _activity_counts(
        [s.pk for s in stations], [g.pk for g in groups], year
    )
    seats: dict[int, list[tuple[int, str, bool]]] = defaultdict(list)
    for station_id, deputy_id, name, convener in (
        StationDeputy.objects.filter(
            station_id__in=[s.pk for s in stations], deputy__status=DeputyStatus.ACTIVE
        )
        .order_by("deputy__name", "deputy_id")
        .values_list("station_id", "deputy_id", "deputy__name", "is_convener")
    ):
        seats[station_id].append((deputy_id, name, convener))
    members: dict[int, list[tuple[int, str, bool]]] = defaultdict(list)
    for group_id, deputy_id, name, leader in (
        DeputyGroupMembership.objects.filter(
            group_id__in=[g.pk for g in groups], deputy__status=DeputyStatus.ACTIVE
        )
        .order_by("-is_leader", "deputy__name", "deputy_id")
        .values_list("group_id", "deputy_id", "deputy__name", "is_leader")
    ):
        members[group_id].append((deputy_id, name, leader))
    everyone = {d for rows in (*seats.values(), *members.values()) for d, _n, _l in rows}
    suggestions = _suggestion_counts(everyone, year)

    rows: list[Row] = []
    for kind, objs, counts, reports, people in (
        (STATION, stations, per_station, reports_station, seats),
        (GROUP, groups, per_group, reports_group, members),
    ):
        for obj in objs:
            cfg = configs[obj.region.pk]
            minimum = int(cfg[SUGGESTIONS])
            activities, per_quarter = _activity_figure(
                counts, obj.pk, quarters, int(cfg[ACTIVITIES])
            )
            crew = [
                Member(d, name, suggestions.get(d, 0), minimum, flag)
                for d, name, flag in people.get(obj.pk, [])
            ]
            rows.append(
                Row(
                    kind=kind,
                    pk=obj.pk,
                    name=obj.name,
                    region=obj.region,
                    activities=activities,
                    reports=Figure(reports.get(obj.pk, 0), int(cfg[REPORTS])),
                    suggestions=Figure(sum(1 for m in crew if m.ok), len(crew)),
                    quarters=per_quarter,
                    members=crew,
                )
            )
    return Compliance(year=year, quarter=quarter, rows=rows, quarters=quarters)
