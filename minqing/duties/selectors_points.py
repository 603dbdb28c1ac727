"""Reads of the points pages: the effective rules of a region and where each comes
from, a deputy's points grouped by source, the deputies a ranking covers, and the
rankings and awards staff reach. Scoped like ``selectors``: 404 outside scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from minqing.core.config import settings_for
from minqing.core.models import Region
from minqing.core.permissions import scope
from minqing.duties import permissions as perms
from minqing.duties.models import Award, PointSource, PointsRanking, PointsRule
from minqing.duties.points import BASE, PointLine, Rule, points_for, rules_for
from minqing.duties.selectors import deputies_visible, rankings_visible
from minqing.people.models import Deputy, DeputyGroup, DeputyStatus

BASE_KEY = "duty.base_points_per_year"


# ---- rules ---------------------------------------------------------------------------


def congress_regions(user, perm: str) -> QuerySet[Region]:
    """Regions in ``user``'s scope for ``perm`` that have a congress (a deputy's rules
    are those of their congress's region), by path."""
    qs = Region.objects.filter(congress__isnull=False).select_related("congress")
    return scope(qs, user, perm).order_by("path")


def congress_region_get(user, code: str, perm: str) -> Region:
    """One region of ``congress_regions``, by code, or 404."""
    region = congress_regions(user, perm).filter(code=code).first()
    if region is None:
        raise Http404
    return region


@dataclass(frozen=True)
class RuleRow:
    source: str
    label: str
    points: Decimal
    annual_cap: Decimal | None
    origin: Region | None  # None: the built-in default
    here: bool  # set in this region (it can be cleared here)


def rule_rows(region: Region) -> list[RuleRow]:
    """Every source's effective rule in ``region``, in the order of ``PointSource``."""
    rules = rules_for(region)
    return [
        RuleRow(
            source=source,
            label=str(PointSource(source).label),
            points=rules[source].points,
            annual_cap=rules[source].annual_cap,
            origin=rules[source].region,
            here=rules[source].region is not None and rules[source].region.pk == region.pk,
        )
        for source in PointSource.values
    ]


def rule_of(region: Region, source: str) -> Rule:
    """The effective rule of ``source`` in ``region`` (404 for an unknown source)."""
    if source not in PointSource.values:
        raise Http404
    return rules_for(region)[source]


def rule_get_own(user, region: Region, source: str) -> PointsRule:
    """``region``'s own rule row for ``source`` if ``user`` may read it; else 404."""
    row = (
        scope(PointsRule.objects.select_related("region"), user, perms.VIEW)
        .filter(region=region, source=source)
        .first()
    )
    if row is None:
        raise Http404
    return row


@dataclass(frozen=True)
class BaseRow:
    value: int
    origin: Region | None


def base_points(region: Region) -> BaseRow:
    """The yearly base (a region setting) and the region it comes from."""
    for eff in settings_for(region).explain():
        if eff.setting.key == BASE_KEY:
            return BaseRow(int(eff.value), eff.source)
    raise KeyError(BASE_KEY)  # pragma: no cover - the registry always holds it


# ---- one deputy's points ----------------------------------------------------------------


@dataclass
class SourceGroup:
    source: str
    label: str
    rule: Rule | None  # None for the base
    lines: list[PointLine] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.counted for line in self.lines), Decimal(0))

    @property
    def capped(self) -> bool:
        return any(line.capped for line in self.lines)


@dataclass
class PointsBreakdown:
    deputy: Deputy
    year: int
    region: Region
    groups: list[SourceGroup]

    @property
    def total(self) -> Decimal:
        return sum((g.subtotal for g in self.groups), Decimal(0))

    @property
    def lines(self) -> int:
        return sum(len(g.lines) for g in self.groups)


def points_breakdown(deputy: Deputy, *, year: int) -> PointsBreakdown:
    """Every points line of ``deputy`` in ``year`` (``points.points_for``), grouped by
    source in the order of ``PointSource`` after the base, newest line first. The
    caller has already checked the deputy is visible."""
    region = deputy.term.congress.region
    table = points_for([deputy], year=year)[deputy.pk]
    rules = rules_for(region)
    order = [BASE, *PointSource.values]
    groups: dict[str, SourceGroup] = {}
    for line in table.lines:
        group = groups.get(line.source)
        if group is None:
            group = groups[line.source] = SourceGroup(
                source=line.source, label=line.label, rule=rules.get(line.source)
            )
        group.lines.append(line)
    return PointsBreakdown(
        deputy=deputy,
        year=year,
        region=region,
        groups=sorted(groups.values(), key=lambda g: order.index(g.source)),
    )


# ---- rankings ------------------------------------------------------------------------------


def ranking_deputies(region: Region, level: int, group: DeputyGroup | None) -> QuerySet[Deputy]:
    """The deputies a ranking covers, as ``actions.ranking_publish`` chooses them: the
    serving deputies of congress ``level`` elected in ``region``, or ``group``'s."""
    qs = Deputy.objects.filter(level=level, status=DeputyStatus.ACTIVE).select_related(
        "term__congress__region"
    )
    if group is not None:
        return qs.filter(group_memberships__group=group)
    return qs.filter(region__path__startswith=region.path)


def ranking_groups(user, region: Region) -> QuerySet[DeputyGroup]:
    """Deputy groups in ``region`` (and below) that ``user`` reads duty work of."""
    qs = DeputyGroup.objects.filter(region__path__startswith=region.path)
    return scope(qs, user, perms.VIEW).order_by("name", "pk")


def rankings_list(user) -> QuerySet[PointsRanking]:
    """Rankings published in ``user``'s scope (withdrawn ones too), newest first."""
    return rankings_visible(user).order_by("-published_at", "-pk")


def ranking_get_visible(user, pk: int) -> PointsRanking:
    obj = rankings_visible(user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def today() -> dt.date:
    return timezone.localdate()


def current_quarter() -> tuple[int, int]:
    """(year, quarter) of today."""
    day = today()
    return day.year, (day.month - 1) // 3 + 1


# ---- awards ----------------------------------------------------------------------------------


def award_get_visible(user, pk: int) -> Award:
    """An award of a deputy whose record ``user`` may read; else 404."""
    award = (
        Award.objects.select_related("deputy", "region")
        .filter(pk=pk, deputy__in=deputies_visible(user).values("pk"))
        .first()
    )
    if award is None:
        raise Http404
    return award
