"""The measures of the 民情 loop (DOMAIN.md §8): 响应率, 解决率, 满意率, 办结率, 按期办结率,
重办率 and 回退率, by handling unit, region, category or month, each with its definition.

``DEFINITIONS`` (in ``measures_definitions``) is the one place that says what each
measure counts; the page, the Excel download and the API all print it next to the
figures. The period parsing is in ``measures_period``; both are re-exported here.
The choices, and why:

Two kinds of base rows.
    A measure of how a *unit* behaved (响应率, 按期办结率, 回退率) counts handovers: the
    ``OpinionAssignment`` rows *forwarded* in the period (every round — a re-handling
    after 不满意 is a round of its own, with its own deadlines; a returned handover keeps
    its row). A measure of how an *opinion* ended (解决率, 满意率, 办结率, 重办率) counts the
    opinions *received* (``created_at``) in the period, and their replies and ratings,
    whenever those came. Both follow a cohort: a figure for March does not change
    because of what happens to February's opinions.
Merged opinions (已合并) follow their master and are left out of every opinion measure.
响应率
    signed by ``sign_due`` AND first contact with the citizen by ``contact_due`` (local
    dates), over handovers whose contact deadline has passed (before today) or that
    were contacted anyway. A handover returned to the office counts only if its contact
    deadline had already passed when it was returned (a unit that returns a wrong
    handover in time is not unresponsive; one that sat on it is).
解决率
    per opinion, the *final* reply (the latest, on the spot or by a unit) says 已解决,
    over opinions with at least one reply. The outcome counts, not the first attempt.
满意率
    every rating counts once (a rating is of one reply): 满意 + 基本满意 over all ratings.
    A 不满意 that sent the opinion back stays counted next to the later rating of the
    second reply; replies closed unrated after the rating window are not ratings.
办结率
    已办结 (closed, and 转为代表建议 — the matter left this loop for the deputy's
    suggestion) over opinions received, without the merged (counted in their master)
    and the declined (不予受理: never accepted, so never to be concluded here).
按期办结率
    handovers replied on or before their reply deadline (which an approved extension
    moved) over handovers replied.
重办率
    opinions re-handled at least once (``rehandle_count`` > 0) over opinions rated.
回退率
    handovers returned by the unit over all handovers.

Grouping.
    unit — a handover belongs to its unit; an opinion to the unit that holds it or
    last held it (``Opinion.unit``), "" when none (answered on the spot, not yet
    forwarded, returned, declined …). region — the children of the chosen region (by
    default the reader's top region); an opinion counts in the child whose subtree
    holds it (a prefix of the materialised ``region.path``, cut in SQL), or in the
    region itself (本级) when it sits there. category — the opinion's category code.
    month — the month received (opinions) or forwarded (handovers), local time.

Scope: the opinions on which the reader holds ``opinions.view_measures`` and may see
(``opinions.view_opinion``), under the chosen region. The measures take three
aggregate queries in all (``Count(filter=Q(...))``), whatever the amount of data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import StrIndex, Substr, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from minqing.core import region_scope
from minqing.core.config import settings_for
from minqing.core.models import Region
from minqing.core.permissions import scope
from minqing.opinions import permissions as perms
from minqing.opinions.measures_definitions import DEFINITIONS, GROUP_BYS, Definition
from minqing.opinions.measures_definitions import GROUP_LABELS as GROUP_LABELS
from minqing.opinions.measures_definitions import SCOPE_NOTE as SCOPE_NOTE
from minqing.opinions.measures_period import MAX_MONTHS as MAX_MONTHS
from minqing.opinions.measures_period import MAX_YEAR as MAX_YEAR
from minqing.opinions.measures_period import MIN_YEAR as MIN_YEAR
from minqing.opinions.measures_period import default_period as default_period
from minqing.opinions.measures_period import month_end as month_end
from minqing.opinions.measures_period import months_between
from minqing.opinions.measures_period import parse_period as parse_period
from minqing.opinions.models import (
    Opinion,
    OpinionAssignment,
    OpinionRating,
    OpinionReply,
    OpinionState,
    Resolution,
    Satisfaction,
)

VIEW_MEASURES = "opinions.view_measures"
VIEW_OPINION = "opinions.view_opinion"
# How far below the reader's top region the region filter offers (the table links on).
REGION_CHOICE_DEPTH = 2


@dataclass(frozen=True)
class Ratio:
    """One figure: numerator over denominator."""

    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        """The share (0–1), or None when there is nothing to divide by."""
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{rate * 100:.1f}%"

    def __str__(self) -> str:
        if not self.denominator:
            return "—"
        return _("%(rate)s（%(num)s/%(den)s）") % {
            "rate": self.percent,
            "num": self.numerator,
            "den": self.denominator,
        }

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.numerator + other.numerator, self.denominator + other.denominator)


ZERO = Ratio(0, 0)


@dataclass
class Row:
    """One line of the table: a unit, a region, a category or a month."""

    key: str
    label: str
    measures: dict[str, Ratio] = field(default_factory=dict)

    @property
    def cells(self) -> list[tuple[Definition, Ratio]]:
        return [(d, self.measures[k]) for k, d in DEFINITIONS.items()]


# Which count of which query makes each measure: (query, numerator alias, denominator alias).
_PARTS: dict[str, tuple[str, str, str]] = {
    "response_rate": ("a", "responded", "response_due"),
    "resolution_rate": ("o", "solved", "replied"),
    "satisfaction_rate": ("r", "satisfied", "ratings"),
    "completion_rate": ("o", "completed", "accepted"),
    "on_time_rate": ("a", "replied_on_time", "replied"),
    "rehandle_rate": ("o", "rehandled", "rated"),
    "return_rate": ("a", "returned", "handovers"),
}


# --- scope and regions ------------------------------------------------------------------


def top_regions(user) -> list[Region]:
    """The highest regions in which ``user`` holds ``opinions.view_measures``."""
    return region_scope.top_regions(user, VIEW_MEASURES)


def region_choices(user) -> list[Region]:
    """Regions the reader may pick for the page's region filter (one query)."""
    return region_scope.region_choices(user, VIEW_MEASURES, depth=REGION_CHOICE_DEPTH)


def region_for_code(user, code: str | None) -> Region | None:
    """The region with ``code`` within the reader's scope; None for no code; Http404
    otherwise (never 403)."""
    return region_scope.region_for_code(user, VIEW_MEASURES, code)


def opinions_in_scope(user, paths: Iterable[str]) -> QuerySet[Opinion]:
    """Opinions ``user`` may count: ``opinions.view_measures`` on them, also visible to
    the reader (``opinions.view_opinion``), under one of ``paths``."""
    qs = scope(Opinion.objects.all(), user, VIEW_MEASURES)
    qs = perms.visible(qs, user, VIEW_OPINION)
    area = Q()
    for path in paths:
        area |= Q(region__path__startswith=path)
    return qs.filter(area) if area else qs.none()


# --- grouping -----------------------------------------------------------------------------


@dataclass
class _Grouping:
    group_by: str
    parent: Region | None  # region grouping: rows are its children (and itself, 本级)
    regions: list[Region]  # region grouping: the rows, in order

    def key(self, *, prefix: str, unit: str, month: str) -> Any:
        """The SQL expression of the group key for rows whose opinion is at ``prefix``
        (``""`` for Opinion, ``"opinion__"`` otherwise)."""
        if self.group_by == "unit":
            return F(unit)
        if self.group_by == "category":
            return F(f"{prefix}category")
        if self.group_by == "month":
            return TruncMonth(month)
        path = f"{prefix}region__path"
        if self.parent is not None:
            # The child's code: the path segment after the parent's path (variable width,
            # so cut at the next "/"); empty for an opinion of the parent itself.
            rest = Substr(path, len(self.parent.path) + 1)
            return Substr(rest, 1, StrIndex(rest, Value("/")), output_field=CharField())
        return Case(
            *(When(**{f"{path}__startswith": r.path}, then=Value(r.code)) for r in self.regions),
            default=Value(""),
            output_field=CharField(),
        )

    def normalise(self, value: Any) -> str:
        if value is None:
            return ""
        if self.group_by == "month":
            value = timezone.localtime(value) if isinstance(value, dt.datetime) else value
            return f"{value.year:04d}-{value.month:02d}"
        if self.group_by == "region" and self.parent is not None:
            return str(value).rstrip("/") or self.parent.code
        return str(value)


def _grouping(group_by: str, paths_region: Region | None, tops: list[Region]) -> _Grouping:
    if group_by != "region":
        return _Grouping(group_by, None, [])
    parent = paths_region or (tops[0] if len(tops) == 1 else None)
    if parent is None:
        return _Grouping(group_by, None, tops)
    return _Grouping(group_by, parent, [])


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in local time."""
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi


# --- the queries ----------------------------------------------------------------------------


def _group(qs: QuerySet, expr: Any, label: str | None, counts: dict[str, Count]) -> list[dict]:
    qs = qs.annotate(_k=expr)
    fields = ["_k"] + ([label] if label else [])
    return list(qs.values(*fields).annotate(**counts).order_by())


def _handover_counts(opinions: QuerySet, g: _Grouping, lo, hi, today: dt.date) -> list[dict]:
    qs = OpinionAssignment.objects.filter(
        opinion__in=opinions.values("pk"), forwarded_at__gte=lo, forwarded_at__lt=hi
    )
    response_due = (
        Q(contacted_at__isnull=False)
        | Q(returned_at__isnull=True, contact_due__lt=today)
        | Q(returned_at__date__gt=F("contact_due"))
    )
    responded = Q(signed_at__date__lte=F("sign_due"), contacted_at__date__lte=F("contact_due"))
    counts = {
        "handovers": Count("pk"),
        "returned": Count("pk", filter=Q(returned_at__isnull=False)),
        "response_due": Count("pk", filter=response_due),
        "responded": Count("pk", filter=response_due & responded),
        "replied": Count("pk", filter=Q(replied_at__isnull=False)),
        "replied_on_time": Count("pk", filter=Q(replied_at__date__lte=F("reply_due"))),
    }
    expr = g.key(prefix="opinion__", unit="unit_id", month="forwarded_at")
    return _group(qs, expr, "unit__name" if g.group_by == "unit" else None, counts)


def _opinion_counts(opinions: QuerySet, g: _Grouping, lo, hi) -> list[dict]:
    qs = opinions.filter(created_at__gte=lo, created_at__lt=hi).exclude(state=OpinionState.MERGED)
    final = OpinionReply.objects.filter(opinion=OuterRef("pk")).order_by("-created_at", "-pk")
    qs = qs.annotate(_final=Subquery(final.values("resolution")[:1]))
    rated = Q(Exists(OpinionRating.objects.filter(opinion=OuterRef("pk"))))
    replied = Q(Exists(OpinionReply.objects.filter(opinion=OuterRef("pk"))))
    counts = {
        "accepted": Count("pk", filter=~Q(state=OpinionState.DECLINED)),
        "completed": Count(
            "pk", filter=Q(state__in=(OpinionState.CLOSED, OpinionState.SUGGESTION))
        ),
        "replied": Count("pk", filter=replied),
        "solved": Count("pk", filter=Q(_final=Resolution.SOLVED)),
        "rated": Count("pk", filter=rated),
        "rehandled": Count("pk", filter=rated & Q(rehandle_count__gt=0)),
    }
    expr = g.key(prefix="", unit="unit_id", month="created_at")
    return _group(qs, expr, "unit__name" if g.group_by == "unit" else None, counts)


def _rating_counts(opinions: QuerySet, g: _Grouping, lo, hi) -> list[dict]:
    cohort = opinions.filter(created_at__gte=lo, created_at__lt=hi).exclude(
        state=OpinionState.MERGED
    )
    qs = OpinionRating.objects.filter(opinion__in=cohort.values("pk"))
    counts = {
        "ratings": Count("pk"),
        "satisfied": Count("pk", filter=Q(level__in=(Satisfaction.SATISFIED, Satisfaction.BASIC))),
    }
    expr = g.key(prefix="opinion__", unit="opinion__unit_id", month="opinion__created_at")
    label = "opinion__unit__name" if g.group_by == "unit" else None
    return _group(qs, expr, label, counts)


# --- the selector -----------------------------------------------------------------------------


def measures(
    user,
    *,
    group_by: str,
    start: dt.date,
    end: dt.date,
    region: Region | None = None,
    today: dt.date | None = None,
) -> list[Row]:
    """The measures of the opinions ``user`` may count, one row per group.

    Anyone may call it; a reader without ``opinions.view_measures`` gets rows of zeros
    (the page and the API answer 403 before). ``region`` must already be checked with
    :func:`region_for_code`; None means the reader's top region(s). The period runs
    from ``start`` to ``end`` inclusive, local dates; ``today`` (default: now) decides
    whose contact deadline has passed. Rows: every child region (region), every month
    of the period (month), the units and categories that occur (unit, category). A
    fixed number of queries whatever the data: three aggregates plus the region
    children or the category names. Side effects: none.
    """
    if group_by not in GROUP_BYS:
        raise ValueError(f"group_by must be one of {GROUP_BYS}")
    today = today or timezone.localdate()
    tops = top_regions(user)
    paths = [region.path] if region is not None else [t.path for t in tops]
    opinions = opinions_in_scope(user, paths)
    g = _grouping(group_by, region, tops)
    if g.parent is not None:
        g.regions = list(
            Region.objects.filter(parent=g.parent)
            .order_by("path")
            .only("code", "name", "path", "is_active")
        )
    lo, hi = _bounds(start, end)
    results = {
        "a": _handover_counts(opinions, g, lo, hi, today),
        "o": _opinion_counts(opinions, g, lo, hi),
        "r": _rating_counts(opinions, g, lo, hi),
    }
    counts: dict[str, dict[str, dict[str, int]]] = {}
    names: dict[str, str] = {}
    for source, rows in results.items():
        for r in rows:
            key = g.normalise(r.pop("_k"))
            name = r.pop("unit__name", None) or r.pop("opinion__unit__name", None)
            if name:
                names[key] = name
            bucket = counts.setdefault(key, {}).setdefault(source, {})
            for alias, n in r.items():
                bucket[alias] = bucket.get(alias, 0) + n
    out = []
    for key, label in _row_labels(g, counts, names, start, end, region or _only(tops)):
        c = counts.get(key, {})
        out.append(
            Row(
                key=key,
                label=label,
                measures={
                    m: Ratio(c.get(src, {}).get(num, 0), c.get(src, {}).get(den, 0))
                    for m, (src, num, den) in _PARTS.items()
                },
            )
        )
    return out


def _only(tops: list[Region]) -> Region | None:
    return tops[0] if len(tops) == 1 else None


def _row_labels(
    g: _Grouping,
    counts: dict,
    names: dict[str, str],
    start: dt.date,
    end: dt.date,
    taxonomy_region: Region | None,
) -> list[tuple[str, str]]:
    """The rows, in order, as (key, label)."""
    if g.group_by == "month":
        return [(m, _month_label(m)) for m in months_between(start, end)]
    if g.group_by == "region":
        rows = []
        if g.parent is not None and g.parent.code in counts:
            rows.append((g.parent.code, _("%(name)s（本级）") % {"name": g.parent.name}))
        for r in g.regions:
            if r.is_active or r.code in counts:
                rows.append((r.code, r.name))
        known = {k for k, _label in rows}
        rows += [(k, k or _("其他区域")) for k in sorted(counts) if k not in known]
        return rows
    if g.group_by == "unit":
        rows = sorted(((k, names.get(k, k)) for k in counts if k), key=lambda kv: kv[1])
        if "" in counts:
            rows.append(("", _("无承办单位")))
        return rows
    taxonomy = settings_for(taxonomy_region)["taxonomy.opinion_categories"] if counts else []
    ordered = [(c["code"], c["name"]) for c in taxonomy if c["code"] in counts]
    known = {k for k, _label in ordered}
    ordered += [(k, k) for k in sorted(counts) if k and k not in known]
    if "" in counts:
        ordered.append(("", _("未分类")))
    return ordered


def _month_label(month: str) -> str:
    y, m = (int(p) for p in month.split("-"))
    return date_format(dt.date(y, m, 1), "YEAR_MONTH_FORMAT")


def total(rows: Iterable[Row]) -> Row:
    """The 合计 row: every base row belongs to exactly one group, so the sums of the
    numerators and denominators are the figures over the whole scope."""
    out = Row(key="total", label=_("合计"), measures={k: ZERO for k in DEFINITIONS})
    for row in rows:
        out.measures = {k: out.measures[k] + row.measures[k] for k in DEFINITIONS}
    return out
