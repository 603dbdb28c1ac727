"""履职积分: points rules per region and the points each deputy earned, line by line.

Rules: each source (an activity kind, a suggestion, a report to voters …) is worth
``points`` per occurrence, at most ``annual_cap`` a year. A region's rule for a source
applies to it and below unless a descendant region sets its own (as region settings
do); the built-in defaults stand where no region has one. A deputy's rules are those
of their congress's region. The base (``duty.base_points_per_year``) counts once a
year, dated 1 January.

Points are computed from the records, never stored, so a corrected record corrects
the points; a published ranking freezes its figures.

What counts, in a year:

* a confirmed participation in a recorded activity, present: its kind; absent from a
  meeting without leave: ``absence`` (negative); on leave: nothing;
* a research activity with a report attached: ``research_report`` for each deputy in it;
* a suggestion or motion submitted that year (not withdrawn, not refused at screening):
  ``suggestion`` or
  ``motion`` for the lead, ``cosign`` for each confirmed co-signer;
* an opinion a deputy raised themself (随手拍) that was not merged or declined:
  ``opinion``;
* a report to voters recorded that year: ``report``; an award: ``award``.

Caps apply in date order: the occurrence that crosses the cap counts in part, the rest
count nothing and say so.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from minqing.core.config import settings_for
from minqing.core.models import Region
from minqing.duties.models import (
    ActivityFile,
    ActivityFileKind,
    ActivityKind,
    ActivityState,
    Attendance,
    Award,
    DutyReport,
    Participation,
    ParticipationState,
    PointSource,
    PointsRule,
    ReportState,
)
from minqing.people.models import Deputy

D = Decimal
DEFAULT_RULES: dict[str, tuple[Decimal, Decimal | None]] = {
    PointSource.RECEPTION: (D(2), D(24)),
    PointSource.INSPECTION: (D(3), D(30)),
    PointSource.RESEARCH: (D(3), D(30)),
    PointSource.LAW_INSPECTION: (D(3), D(30)),
    PointSource.MEETING: (D(2), None),
    PointSource.TRAINING: (D(2), D(20)),
    PointSource.LECTURE: (D(3), D(15)),
    PointSource.GROUP: (D(2), D(20)),
    PointSource.PHOTO: (D(1), D(10)),
    PointSource.MEDIATION: (D(2), D(20)),
    PointSource.OTHER: (D(1), D(10)),
    PointSource.RESEARCH_REPORT: (D(5), D(20)),
    PointSource.SUGGESTION: (D(5), D(25)),
    PointSource.MOTION: (D(10), D(30)),
    PointSource.COSIGN: (D(1), D(5)),
    PointSource.OPINION: (D(1), D(20)),
    PointSource.REPORT: (D(10), D(10)),
    PointSource.AWARD: (D(5), D(20)),
    PointSource.ABSENCE: (D(-5), None),
}
BASE = "base"


@dataclass(frozen=True)
class Rule:
    source: str
    points: Decimal
    annual_cap: Decimal | None
    region: Region | None  # None: the built-in default

    @property
    def label(self) -> str:
        return str(PointSource(self.source).label)


def rules_for(region: Region | None) -> dict[str, Rule]:
    """The effective rule of every source in ``region`` (nearest region's row wins)."""
    rules = {s: Rule(s, p, cap, None) for s, (p, cap) in DEFAULT_RULES.items()}
    if region is None:
        return rules
    rows = PointsRule.objects.filter(region__in=region.ancestors(include_self=True)).select_related(
        "region"
    )
    for row in sorted(rows, key=lambda r: len(r.region.path)):
        rules[row.source] = Rule(row.source, row.points, row.annual_cap, row.region)
    return rules


@dataclass
class PointLine:
    date: dt.date
    source: str
    title: str
    points: Decimal  # what the rule gives
    counted: Decimal = Decimal(0)  # after the annual cap
    capped: bool = False
    url: str = ""

    @property
    def label(self) -> str:
        if self.source == BASE:
            return _("年度基础分")
        return str(PointSource(self.source).label)


@dataclass
class DeputyPoints:
    deputy: Deputy
    year: int
    lines: list[PointLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.counted for line in self.lines), D(0))

    def total_until(self, day: dt.date) -> Decimal:
        return sum((line.counted for line in self.lines if line.date <= day), D(0))

    def by_source(self) -> list[tuple[str, int, Decimal]]:
        """(label, occurrences, points counted) per source, largest first."""
        acc: dict[str, list] = {}
        for line in self.lines:
            row = acc.setdefault(line.label, [0, D(0)])
            row[0] += 1
            row[1] += line.counted
        return sorted(((k, n, p) for k, (n, p) in acc.items()), key=lambda r: -r[2])


def _congress_region(deputy: Deputy) -> Region:
    return deputy.term.congress.region


def _collect(
    deputies: Sequence[Deputy], start: dt.date, end: dt.date
) -> dict[int, list[PointLine]]:
    """Raw lines (before caps) of every deputy between ``start`` and ``end``, in a fixed
    number of queries whatever the number of deputies."""
    from minqing.opinions.models import Opinion, OpinionState
    from minqing.suggestions.models import Kind as SuggestionKind
    from minqing.suggestions.models import Signer, SignerState, SuggestionState

    ids = [d.pk for d in deputies]
    out: dict[int, list[PointLine]] = defaultdict(list)
    has_report = ActivityFile.objects.filter(
        activity=OuterRef("activity"), kind=ActivityFileKind.REPORT
    )
    parts = (
        Participation.objects.filter(
            deputy_id__in=ids,
            state=ParticipationState.CONFIRMED,
            activity__state=ActivityState.RECORDED,
            activity__date__range=(start, end),
        )
        .annotate(with_report=Exists(has_report))
        .values_list(
            "deputy_id",
            "attendance",
            "with_report",
            "activity_id",
            "activity__kind",
            "activity__date",
            "activity__title",
        )
    )
    for deputy_id, attendance, with_report, activity_id, kind, date, title in parts:
        url = f"/duties/activities/{activity_id}/"
        if attendance == Attendance.PRESENT:
            out[deputy_id].append(PointLine(date, kind, title, D(0), url=url))
            if kind == ActivityKind.RESEARCH and with_report:
                out[deputy_id].append(
                    PointLine(date, PointSource.RESEARCH_REPORT, title, D(0), url=url)
                )
        elif attendance == Attendance.ABSENT and kind == ActivityKind.MEETING:
            out[deputy_id].append(PointLine(date, PointSource.ABSENCE, title, D(0), url=url))
    signers = Signer.objects.filter(
        deputy_id__in=ids,
        state=SignerState.CONFIRMED,
        suggestion__submitted_at__date__range=(start, end),
    ).exclude(
        # Not accepted (a personal matter, a complaint …): not a suggestion that counts.
        suggestion__state__in=(
            SuggestionState.DRAFT,
            SuggestionState.WITHDRAWN,
            SuggestionState.NOT_ACCEPTED,
        )
    )
    for deputy_id, is_lead, kind, submitted, title, pk in signers.values_list(
        "deputy_id",
        "is_lead",
        "suggestion__kind",
        "suggestion__submitted_at",
        "suggestion__title",
        "suggestion_id",
    ):
        if is_lead:
            source = PointSource.MOTION if kind == SuggestionKind.MOTION else PointSource.SUGGESTION
        else:
            source = PointSource.COSIGN
        out[deputy_id].append(
            PointLine(_local(submitted), source, title, D(0), url=f"/suggestions/{pk}/")
        )
    opinions = Opinion.objects.filter(
        raised_by_deputy_id__in=ids, created_at__date__range=(start, end)
    ).exclude(state__in=(OpinionState.MERGED, OpinionState.DECLINED))
    for deputy_id, created, text, pk in opinions.values_list(
        "raised_by_deputy_id", "created_at", "text", "pk"
    ):
        out[deputy_id].append(
            PointLine(_local(created), PointSource.OPINION, text[:40], D(0), url=f"/opinions/{pk}/")
        )
    reports = DutyReport.objects.filter(
        deputy_id__in=ids,
        state__in=(ReportState.REPORTED, ReportState.VOTING, ReportState.CLOSED),
        date__range=(start, end),
    )
    for deputy_id, date, title, pk in reports.values_list("deputy_id", "date", "title", "pk"):
        out[deputy_id].append(
            PointLine(date, PointSource.REPORT, title, D(0), url=f"/duties/reports/{pk}/")
        )
    for deputy_id, date, title in Award.objects.filter(
        deputy_id__in=ids, date__range=(start, end)
    ).values_list("deputy_id", "date", "title"):
        out[deputy_id].append(PointLine(date, PointSource.AWARD, title, D(0)))
    return out


def _local(value: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def _apply(lines: list[PointLine], rules: dict[str, Rule]) -> None:
    used: dict[str, Decimal] = defaultdict(lambda: D(0))
    for line in sorted(lines, key=lambda x: (x.date, x.source, x.title)):
        if line.source == BASE:
            line.counted = line.points
            continue
        rule = rules[line.source]
        line.points = rule.points
        if rule.annual_cap is None or rule.points <= 0:
            line.counted = rule.points
            continue
        room = max(D(0), rule.annual_cap - used[line.source])
        line.counted = min(rule.points, room)
        line.capped = line.counted < rule.points
        used[line.source] += line.counted


def points_for(
    deputies: Iterable[Deputy], *, year: int, until: dt.date | None = None
) -> dict[int, DeputyPoints]:
    """Each deputy's points lines for ``year`` (up to ``until``), caps applied, keyed by
    deputy pk. Deputies need ``term__congress__region`` loaded (or it is fetched)."""
    deputies = list(deputies)
    start = dt.date(year, 1, 1)
    end = min(until or dt.date(year, 12, 31), dt.date(year, 12, 31))
    raw = _collect(deputies, start, end)
    rules_cache: dict[int, dict[str, Rule]] = {}
    base_cache: dict[int, Decimal] = {}
    out: dict[int, DeputyPoints] = {}
    for deputy in deputies:
        region = _congress_region(deputy)
        if region.pk not in rules_cache:
            rules_cache[region.pk] = rules_for(region)
            base_cache[region.pk] = D(str(settings_for(region)["duty.base_points_per_year"]))
        lines = raw.get(deputy.pk, [])
        base = base_cache[region.pk]
        if base:
            lines.append(PointLine(start, BASE, _("年度基础分"), base))
        _apply(lines, rules_cache[region.pk])
        lines.sort(key=lambda x: (x.date, x.source), reverse=True)
        out[deputy.pk] = DeputyPoints(deputy=deputy, year=year, lines=lines)
    return out


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    if quarter not in (1, 2, 3, 4):
        raise ValueError(quarter)
    start = dt.date(year, 3 * quarter - 2, 1)
    end = (
        dt.date(year, 12, 31)
        if quarter == 4
        else dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)
    )
    return start, end


@dataclass(frozen=True)
class Standing:
    rank: int
    deputy: Deputy
    points: Decimal
    quarter_points: Decimal


def standings(deputies: Iterable[Deputy], *, year: int, quarter: int) -> list[Standing]:
    """The ranking by points earned in ``year`` up to the end of ``quarter``; equal
    points share a rank (1, 2, 2, 4). ``quarter_points`` are those of the quarter."""
    start, end = quarter_bounds(year, quarter)
    table = points_for(deputies, year=year, until=end)
    rows = []
    for p in table.values():
        total = p.total_until(end)
        before = p.total_until(start - dt.timedelta(days=1)) if quarter > 1 else D(0)
        rows.append((total, total - before, p.deputy))
    rows.sort(key=lambda r: (-r[0], r[2].name, r[2].pk))
    out: list[Standing] = []
    for i, (total, q, deputy) in enumerate(rows):
        rank = out[-1].rank if out and out[-1].points == total else i + 1
        out.append(Standing(rank, deputy, total, q))
    return out
