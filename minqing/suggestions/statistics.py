"""Statistics of the motion and suggestion workflow (DOMAIN.md §4 "Statistics"): counts,
办复率, 按期办复率, the A/B/C/D shares and A+B, 办成率, 满意率 (result and contact), 重办率
and 承诺兑现率, by handling unit, region, deputy or year, each with its definition.

``DEFINITIONS`` (in ``statistics_definitions``) is the one place that says what each
figure counts; the page, the Excel download, the API and the annual report print it
next to the figures. The choices, and why:

Four bases, each a count in SQL (``Count(filter=Q(...))``), never a loop over rows.
    *Items* (件): the submitted motions and suggestions (drafts never count; a motion
    converted into a suggestion is two items, a motion and a suggestion). The counts of
    the workflow (submitted, accepted, not accepted, withdrawn, the presidium's
    decisions, assigned, replied, closed, re-handled) count items.
    *Answering parts* (件次): the ``Assignment`` rows of a lead (主办) or separate (分办)
    unit that were not moved away (调整交办). Every rate counts parts, because the
    deputy rates each unit's reply and each unit answers for its own part: for the
    usual item with one lead unit, a part is the item; an item handled separately by
    three units is three parts. Co-handlers (会办) send a view to the lead and never
    answer the deputy, so they are left out (their moved-away parts still count in
    调整交办).
    *Final replies*: per answered part, its latest reply (the re-handled answer replaces
    the first). Class shares, 办成率 and satisfaction read these.
    *Commitments*: the promises of class-B replies (every round's), by the year of their
    item; 承诺兑现率 = fulfilled / made.
办复率
    parts answered at least once (``answered_at``) / parts assigned.
按期办复率
    ``Assignment.on_time`` (the latest answer by the reply deadline, an approved
    extension or the re-handling deadline included) true / set. A part being re-handled
    has no ``on_time`` until it answers again, so it is out of both.
Class shares, A+B (解决或计划逐步解决)
    the class of each part's final reply / final replies.
办成率 (done)
    final replies of class A, plus class B whose own commitments (at least one) are all
    fulfilled / final replies. A B reply is a promise; it is "done" once kept.
满意率, 沟通联系满意率
    final replies rated 满意 or 基本满意 (on the result; on the contact) / final replies
    rated. A reply never rated — the item closed after the reminder without feedback
    (``suggestion_close_unrated`` or the office's close), or still waiting — is out of
    both: missing feedback is not dissatisfaction.
重办率
    parts re-handled / parts answered: a part was re-handled when one of its replies was
    rated 不满意 in an earlier round than the item's current one (that is exactly when
    ``suggestion_feedback`` re-opens it; a 不满意 after the re-handling limit closes the
    item in the same round and is not a re-handling).

Grouping.
    unit — a part, a final reply and a commitment belong to their unit; an item counts
    under every unit holding a part of it (lead, co or separate, not moved away), and
    under "" (未交办) when none. region — the children of the chosen region (by default
    the reader's top region); items belong to their congress's region, cut from the
    materialised path in SQL; the region's own congress is 本级. deputy — the lead
    deputy, or with ``signers`` every confirmed signer. year — the item's year.
    The 合计 row counts every item, part, reply and commitment once: the sum of the rows
    where each base row lands in exactly one group, one more aggregate per base where
    not (items by unit; every base by signer).

Scope: the items on which the reader holds ``suggestions.view_stats``
(``permissions.visible``), under the chosen region, filtered by year, session, kind and
timing. A fixed number of queries whatever the data (four aggregates, the row labels,
four more for a 合计 that is not a sum).

For the annual report (``documents.py``)::

    annual_summary(user, year, *, region=None, kind="") -> dict

with ``year``; ``region`` (the Region reported on, or None for several); ``headline``,
a list of (Definition, Figure) for 办复率, 按期办复率, A+B, 办成率, 满意率 and 重办率;
``classes``, (Definition, Figure) for the A/B/C/D shares; ``total``, every figure by
key; ``units``, one :class:`Row` per handling unit (by name; ``row.label``,
``row.figures[key]``); ``commitments``, {made, fulfilled, open, overdue, carried} of
that year's items; ``ledger``, {total, fulfilled, open, carried_in} of that year's
commitment ledger (``Commitment.year``, with promises carried in from earlier years);
``definitions`` (key → Definition: name, numerator, denominator, base_text) and
``scope_note``. A :class:`Figure` has ``numerator``, ``denominator`` (None for a
count), ``value``, ``percent`` ("87.5%", "—" when the denominator is 0) and prints as
"87.5%（35/40）". The caller checks ``suggestions.view_stats`` first (a reader without it
gets zeros).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import StrIndex, Substr
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from minqing.core import region_scope
from minqing.core.models import Region
from minqing.core.permissions import scope
from minqing.people.models import Deputy, HandlingUnit
from minqing.suggestions import permissions as perms
from minqing.suggestions.models import (
    ANSWERING_ROLES,
    Assignment,
    AssignmentState,
    Commitment,
    CommitmentState,
    CongressSession,
    Kind,
    Level,
    PresidiumDecision,
    Reply,
    ResultClass,
    SignerState,
    Suggestion,
    SuggestionState,
)
from minqing.suggestions.statistics_definitions import (
    BAR_KEYS as BAR_KEYS,
)
from minqing.suggestions.statistics_definitions import (
    BASE_NAMES as BASE_NAMES,
)
from minqing.suggestions.statistics_definitions import (
    BASES as BASES,
)
from minqing.suggestions.statistics_definitions import (
    CLASS_KEYS,
    COUNT_KEYS,
    DEFINITIONS,
    GROUP_BYS,
    GROUP_LABELS,
    HEADLINE_KEYS,
    RATE_KEYS,
    SIGNERS_LABEL,
    Definition,
)
from minqing.suggestions.statistics_definitions import (
    SCOPE_NOTE as SCOPE_NOTE,
)

STATS = perms.STATS
# How far below the reader's top region the region filter offers.
REGION_CHOICE_DEPTH = 2
MIN_YEAR, MAX_YEAR = 1990, 2099
NO_UNIT = ""


# --- figures and rows --------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure: a count (``denominator`` None) or numerator over denominator."""

    numerator: int
    denominator: int | None = None

    @property
    def is_rate(self) -> bool:
        return self.denominator is not None

    @property
    def rate(self) -> float | None:
        """The share (0–1) of a rate, None when there is nothing to divide by (or for
        a count)."""
        return self.numerator / self.denominator if self.denominator else None

    @property
    def value(self) -> int | float | None:
        """A count's number, or a rate's share (None when the denominator is 0)."""
        return self.rate if self.is_rate else self.numerator

    @property
    def percent(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{rate * 100:.1f}%"

    def __str__(self) -> str:
        if not self.is_rate:
            return str(self.numerator)
        if not self.denominator:
            return "—"
        return _("%(rate)s（%(num)s/%(den)s）") % {
            "rate": self.percent,
            "num": self.numerator,
            "den": self.denominator,
        }

    def __add__(self, other: Figure) -> Figure:
        if self.denominator is None or other.denominator is None:
            return Figure(self.numerator + other.numerator)
        return Figure(self.numerator + other.numerator, self.denominator + other.denominator)


@dataclass
class Row:
    """One line of the tables: a unit, a region, a deputy or a year (or 合计)."""

    key: str
    label: str
    figures: dict[str, Figure] = field(default_factory=dict)

    @property
    def rate_cells(self) -> list[tuple[Definition, Figure]]:
        return [(DEFINITIONS[k], self.figures[k]) for k in RATE_KEYS]

    @property
    def count_cells(self) -> list[tuple[Definition, Figure]]:
        return [(DEFINITIONS[k], self.figures[k]) for k in COUNT_KEYS]


@dataclass
class Table:
    """The rows of one grouping and the 合计 row over the whole scope."""

    group_by: str
    rows: list[Row]
    total: Row
    parent: Region | None = None  # region grouping: the region whose children are rows


@dataclass(frozen=True)
class Filters:
    """What the reader narrows the statistics to. ``region`` and ``session`` must have
    been checked with :func:`region_for_code` and :func:`session_for_id`."""

    year: int | None = None
    session: CongressSession | None = None
    kind: str = ""
    timing: str = ""
    region: Region | None = None
    signers: bool = False


# Which count of which base makes each figure: (base, numerator, denominator or None).
_PARTS: dict[str, tuple[str, str, str | None]] = {
    "reply_rate": ("parts", "n_answered", "n_parts"),
    "on_time_rate": ("parts", "n_on_time", "n_timed"),
    "class_a": ("replies", "n_a", "n_replied"),
    "class_b": ("replies", "n_b", "n_replied"),
    "class_c": ("replies", "n_c", "n_replied"),
    "class_d": ("replies", "n_d", "n_replied"),
    "ab_share": ("replies", "n_ab", "n_replied"),
    "done_rate": ("replies", "n_done", "n_replied"),
    "satisfaction_rate": ("replies", "n_satisfied", "n_rated"),
    "contact_satisfaction_rate": ("replies", "n_contact_satisfied", "n_rated"),
    "rehandle_rate": ("parts", "n_rehandled", "n_answered"),
    "commitment_rate": ("commitments", "n_fulfilled", "n_made"),
    "submitted": ("items", "n_submitted", None),
    "accepted": ("items", "n_accepted", None),
    "not_accepted": ("items", "n_not_accepted", None),
    "withdrawn": ("items", "n_withdrawn", None),
    "motions": ("items", "n_motions", None),
    "on_agenda": ("items", "n_on_agenda", None),
    "not_placed": ("items", "n_not_placed", None),
    "converted": ("items", "n_converted", None),
    "assigned": ("items", "n_assigned", None),
    "replied": ("items", "n_replied", None),
    "closed": ("items", "n_closed", None),
    "rehandled_items": ("items", "n_rehandled", None),
    "parts": ("parts", "n_parts", None),
    "answered_parts": ("parts", "n_answered", None),
    "reassigned": ("parts", "n_reassigned", None),
    "commitments": ("commitments", "n_made", None),
    "commitments_open": ("commitments", "n_open", None),
    "commitments_overdue": ("commitments", "n_overdue", None),
    "commitments_carried": ("commitments", "n_carried", None),
}
assert set(_PARTS) == set(DEFINITIONS)


def _figures(counts: dict[str, dict[str, int]]) -> dict[str, Figure]:
    out = {}
    for key, (base, num, den) in _PARTS.items():
        c = counts.get(base, {})
        out[key] = Figure(c.get(num, 0), None if den is None else c.get(den, 0))
    return out


# --- scope, regions, sessions --------------------------------------------------------------


def top_regions(user) -> list[Region]:
    """The highest regions in which ``user`` holds ``suggestions.view_stats``."""
    return region_scope.top_regions(user, STATS)


def region_choices(user) -> list[Region]:
    """Regions the reader may pick for the page's region filter (one query)."""
    return region_scope.region_choices(user, STATS, depth=REGION_CHOICE_DEPTH)


def region_for_code(user, code: str | None) -> Region | None:
    """The region with ``code`` within the reader's scope; None for no code; Http404
    otherwise (never 403)."""
    return region_scope.region_for_code(user, STATS, code)


def sessions_in_scope(user) -> QuerySet[CongressSession]:
    """The plenary sessions of the congresses in the reader's statistics scope, newest
    first (the session filter's options)."""
    return scope(CongressSession.objects.select_related("congress"), user, STATS).order_by(
        "-start_date", "-id"
    )


def session_for_id(user, session_id: int | str | None) -> CongressSession | None:
    """The session with ``session_id`` if it is in the reader's scope; None for none;
    Http404 otherwise (an unknown or foreign session)."""
    if session_id in (None, ""):
        return None
    try:
        pk = int(session_id)
    except (TypeError, ValueError):
        raise Http404("session") from None
    if not 0 < pk < 2**63:
        raise Http404("session")
    session = sessions_in_scope(user).filter(pk=pk).first()
    if session is None:
        raise Http404("session")
    return session


def items_in_scope(user, filters: Filters = Filters()) -> QuerySet[Suggestion]:
    """The submitted items ``user`` may count (``suggestions.view_stats``), under the
    chosen region (or the reader's top regions), narrowed by ``filters``."""
    qs = perms.visible(Suggestion.objects.filter(submitted_at__isnull=False), user, STATS)
    paths = [filters.region.path] if filters.region else [t.path for t in top_regions(user)]
    area = Q()
    for path in paths:
        area |= Q(region__path__startswith=path)
    qs = qs.filter(area) if area else qs.none()
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.session is not None:
        qs = qs.filter(session=filters.session)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.timing:
        qs = qs.filter(timing=filters.timing)
    return qs


def years_in_scope(user) -> list[int]:
    """The years of the reader's items, newest first (the year filter's options)."""
    qs = items_in_scope(user).values_list("year", flat=True).distinct().order_by("-year")
    return list(qs)


# --- grouping --------------------------------------------------------------------------------


@dataclass
class _Grouping:
    group_by: str
    signers: bool
    parent: Region | None  # region grouping: rows are its children (and itself, 本级)
    regions: list[Region]  # region grouping without a parent: the top regions

    def partitions(self, base: str) -> bool:
        """Whether each row of ``base`` lands in exactly one group (then 合计 = sum)."""
        if self.group_by == "deputy" and self.signers:
            return False
        return not (self.group_by == "unit" and base == "items")

    def keyed(self, qs: QuerySet, base: str) -> QuerySet:
        """``qs`` annotated with ``_k``, the group key, for rows of ``base``."""
        prefix = "" if base == "items" else "suggestion__"
        if self.group_by == "unit":
            if base == "items":
                live = FilteredRelation(
                    "assignments", condition=~Q(assignments__state=AssignmentState.REMOVED)
                )
                return qs.annotate(live=live).annotate(_k=F("live__unit_id"))
            unit = "assignment__unit_id" if base == "replies" else "unit_id"
            return qs.annotate(_k=F(unit))
        if self.group_by == "deputy":
            if self.signers:
                signed = FilteredRelation(
                    f"{prefix}signers",
                    condition=Q(**{f"{prefix}signers__state": SignerState.CONFIRMED}),
                )
                return qs.annotate(signed=signed).annotate(_k=F("signed__deputy_id"))
            return qs.annotate(_k=F(f"{prefix}lead_deputy_id"))
        if self.group_by == "year":
            return qs.annotate(_k=F(f"{prefix}year"))
        path = f"{prefix}region__path"
        if self.parent is not None:
            # The child's code: the path segment after the parent's (variable width, so
            # cut at the next "/"); empty for an item of the parent's own congress.
            rest = Substr(path, len(self.parent.path) + 1)
            expr = Substr(rest, 1, StrIndex(rest, Value("/")), output_field=CharField())
        else:
            expr = Case(
                *(
                    When(**{f"{path}__startswith": r.path}, then=Value(r.code))
                    for r in self.regions
                ),
                default=Value(""),
                output_field=CharField(),
            )
        return qs.annotate(_k=expr)

    def normalise(self, value: Any) -> str:
        if value is None:
            return NO_UNIT
        if self.group_by == "region" and self.parent is not None:
            return str(value).rstrip("/") or self.parent.code
        return str(value)


def _grouping(group_by: str, filters: Filters, tops: list[Region]) -> _Grouping:
    if group_by not in GROUP_BYS:
        raise ValueError(f"group_by must be one of {GROUP_BYS}")
    signers = filters.signers and group_by == "deputy"
    if group_by != "region":
        return _Grouping(group_by, signers, None, [])
    parent = filters.region or (tops[0] if len(tops) == 1 else None)
    if parent is None:
        return _Grouping(group_by, signers, None, tops)
    return _Grouping(group_by, signers, parent, [])


# --- the four bases ----------------------------------------------------------------------------


def _item_counts() -> dict[str, Count]:
    S = SuggestionState
    return {
        "n_submitted": Count("pk"),
        "n_accepted": Count("pk", filter=Q(accepted_at__isnull=False)),
        "n_not_accepted": Count("pk", filter=Q(state=S.NOT_ACCEPTED)),
        "n_withdrawn": Count("pk", filter=Q(state=S.WITHDRAWN)),
        "n_motions": Count("pk", filter=Q(kind=Kind.MOTION)),
        "n_on_agenda": Count("pk", filter=Q(presidium_decision=PresidiumDecision.AGENDA)),
        "n_not_placed": Count("pk", filter=Q(presidium_decision=PresidiumDecision.NOT_PLACED)),
        "n_converted": Count("pk", filter=Q(presidium_decision=PresidiumDecision.CONVERTED)),
        "n_assigned": Count("pk", filter=Q(assigned_at__isnull=False)),
        "n_replied": Count("pk", filter=Q(replied_at__isnull=False)),
        "n_closed": Count("pk", filter=Q(state=S.CLOSED)),
        "n_rehandled": Count("pk", filter=Q(rehandle_count__gt=0)),
    }


def _parts(items: QuerySet) -> QuerySet[Assignment]:
    return Assignment.objects.filter(suggestion__in=items.values("pk"))


def _part_counts(items: QuerySet) -> dict[str, Count]:
    answering = Q(role__in=ANSWERING_ROLES) & ~Q(state=AssignmentState.REMOVED)
    answered = answering & Q(answered_at__isnull=False)
    # Re-opened by a 不满意 of an earlier round than the item's current one. An IN over
    # an uncorrelated subquery, not EXISTS: inside an aggregate's FILTER, PostgreSQL runs
    # a correlated EXISTS once per row (and its cost estimate switches JIT on), while it
    # hashes an uncorrelated IN list once.
    rehandled = Reply.objects.filter(
        suggestion__in=items.values("pk"),
        round__lt=F("suggestion__round"),
        feedback__result_level=Level.UNSATISFIED,
    ).values("assignment_id")
    return {
        "n_parts": Count("pk", filter=answering),
        "n_answered": Count("pk", filter=answered),
        "n_timed": Count("pk", filter=answering & Q(on_time__isnull=False)),
        "n_on_time": Count("pk", filter=answering & Q(on_time=True)),
        "n_rehandled": Count("pk", filter=answered & Q(pk__in=rehandled)),
        "n_reassigned": Count("pk", filter=Q(state=AssignmentState.REMOVED)),
    }


def _final_replies(items: QuerySet) -> QuerySet[Reply]:
    """The latest reply of each answering part (not moved away)."""
    newer = Reply.objects.filter(assignment_id=OuterRef("assignment_id")).filter(
        Q(round__gt=OuterRef("round")) | Q(round=OuterRef("round"), pk__gt=OuterRef("pk"))
    )
    return (
        Reply.objects.filter(
            suggestion__in=items.values("pk"), assignment__role__in=ANSWERING_ROLES
        )
        .exclude(assignment__state=AssignmentState.REMOVED)
        .exclude(Exists(newer))
    )


def _reply_counts(items: QuerySet) -> dict[str, Count]:
    good = (Level.SATISFIED, Level.BASIC)
    # Uncorrelated IN lists, as in _part_counts: replies with commitments, with open ones.
    promised = Commitment.objects.filter(suggestion__in=items.values("pk"))
    kept = Q(pk__in=promised.values("reply_id")) & ~Q(
        pk__in=promised.filter(state=CommitmentState.OPEN).values("reply_id")
    )
    return {
        "n_replied": Count("pk"),
        "n_a": Count("pk", filter=Q(result_class=ResultClass.A)),
        "n_b": Count("pk", filter=Q(result_class=ResultClass.B)),
        "n_c": Count("pk", filter=Q(result_class=ResultClass.C)),
        "n_d": Count("pk", filter=Q(result_class=ResultClass.D)),
        "n_ab": Count("pk", filter=Q(result_class__in=(ResultClass.A, ResultClass.B))),
        "n_done": Count(
            "pk", filter=Q(result_class=ResultClass.A) | (Q(result_class=ResultClass.B) & kept)
        ),
        "n_rated": Count("pk", filter=Q(feedback__isnull=False)),
        "n_satisfied": Count("pk", filter=Q(feedback__result_level__in=good)),
        "n_contact_satisfied": Count("pk", filter=Q(feedback__contact_level__in=good)),
    }


def _commitments(items: QuerySet) -> QuerySet[Commitment]:
    return Commitment.objects.filter(suggestion__in=items.values("pk"))


def _commitment_counts(today: dt.date) -> dict[str, Count]:
    is_open = Q(state=CommitmentState.OPEN)
    return {
        "n_made": Count("pk"),
        "n_fulfilled": Count("pk", filter=Q(state=CommitmentState.FULFILLED)),
        "n_open": Count("pk", filter=is_open),
        "n_overdue": Count("pk", filter=is_open & Q(due_date__lt=today)),
        "n_carried": Count("pk", filter=Q(year__gt=F("first_year"))),
    }


def _bases(items: QuerySet, today: dt.date) -> dict[str, tuple[QuerySet, dict[str, Count]]]:
    return {
        "items": (items, _item_counts()),
        "parts": (_parts(items), _part_counts(items)),
        "replies": (_final_replies(items), _reply_counts(items)),
        "commitments": (_commitments(items), _commitment_counts(today)),
    }


# --- the selector --------------------------------------------------------------------------------


def statistics(
    user,
    *,
    group_by: str = "unit",
    filters: Filters = Filters(),
    today: dt.date | None = None,
) -> Table:
    """The figures of the items ``user`` may count, one row per group, and the 合计 row.

    Anyone may call it; a reader without ``suggestions.view_stats`` gets no rows and a
    合计 of zeros (the page and the API answer 403 before). ``filters.region`` and
    ``filters.session`` must be checked first (:func:`region_for_code`,
    :func:`session_for_id`). Rows: the units, deputies and years that occur (units and
    deputies by name, years ascending, 未交办 last), or every child region of the
    chosen one (and 本级 when it has items). ``today`` (default: now) decides which
    commitments are overdue. Side effects: none.
    """
    today = today or timezone.localdate()
    tops = top_regions(user)
    g = _grouping(group_by, filters, tops)
    items = items_in_scope(user, filters)
    if g.parent is not None:
        g.regions = list(
            Region.objects.filter(parent=g.parent)
            .order_by("path")
            .only("code", "name", "path", "is_active")
        )
    bases = _bases(items, today)
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for base, (qs, aggregates) in bases.items():
        grouped = g.keyed(qs, base).values("_k").annotate(**aggregates).order_by()
        for r in grouped:
            key = g.normalise(r.pop("_k"))
            bucket = counts.setdefault(key, {}).setdefault(base, {})
            for alias, n in r.items():
                bucket[alias] = bucket.get(alias, 0) + n
    rows = [
        Row(key=key, label=label, figures=_figures(counts.get(key, {})))
        for key, label in _row_labels(g, counts)
    ]
    total_counts: dict[str, dict[str, int]] = {}
    for base, (qs, aggregates) in bases.items():
        if g.partitions(base):
            total_counts[base] = {
                alias: sum(c.get(base, {}).get(alias, 0) for c in counts.values())
                for alias in aggregates
            }
        else:
            total_counts[base] = qs.aggregate(**aggregates)
    total = Row(key="total", label=_("合计"), figures=_figures(total_counts))
    return Table(group_by=group_by, rows=rows, total=total, parent=g.parent)


def _row_labels(g: _Grouping, counts: dict) -> list[tuple[str, str]]:
    """The rows, in order, as (key, label)."""
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
    if g.group_by == "year":
        return [(k, k) for k in sorted(counts)]
    ids = [int(k) for k in counts if k]
    model = HandlingUnit if g.group_by == "unit" else Deputy
    names = dict(model.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    rows = sorted(((k, names.get(int(k), k)) for k in counts if k), key=lambda kv: kv[1])
    if NO_UNIT in counts:
        rows.append((NO_UNIT, _("未交办") if g.group_by == "unit" else _("其他")))
    return rows


def group_label(group_by: str, signers: bool = False) -> str:
    """The heading of the rows' column."""
    if group_by == "deputy" and signers:
        return str(SIGNERS_LABEL)
    return str(GROUP_LABELS[group_by])


# --- the monthly trend ---------------------------------------------------------------------------


@dataclass
class Trend:
    """Per month: items submitted, parts answered (by the month of their latest answer)
    and the on-time rate of those answers."""

    months: list[str]  # "YYYY-MM"
    labels: list[str]
    submitted: list[int]
    answered: list[int]
    on_time: list[Figure]


def trend_months(filters: Filters, today: dt.date) -> list[str]:
    """The trend's window: January to December of the chosen year (up to this month),
    or the last twelve months."""
    if filters.year:
        first, last = (filters.year, 1), min((filters.year, 12), (today.year, today.month))
    else:
        y, m = today.year, today.month - 11
        if m <= 0:
            y, m = y - 1, m + 12
        first, last = (y, m), (today.year, today.month)
    out, (y, m) = [], first
    while (y, m) <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _month_bounds(months: list[str]) -> list[tuple[dt.datetime, dt.datetime]]:
    """[first day 00:00, next month's first day 00:00) of each month, local time."""
    tz = timezone.get_current_timezone()
    out = []
    for month in months:
        y, m = (int(p) for p in month.split("-"))
        lo = dt.datetime(y, m, 1, tzinfo=tz)
        hi = dt.datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=tz)
        out.append((lo, hi))
    return out


def trend(user, *, filters: Filters = Filters(), today: dt.date | None = None) -> Trend:
    """The monthly trend of the items ``user`` may count (see :class:`Trend` and
    :func:`trend_months`): two aggregate queries, one conditional count per month (no
    per-row date truncation, which SQLite runs in Python). Side effects: none."""
    today = today or timezone.localdate()
    months = trend_months(filters, today)
    if not months:
        return Trend([], [], [], [], [])
    bounds = _month_bounds(months)
    lo, hi = bounds[0][0], bounds[-1][1]
    items = items_in_scope(user, filters)
    submitted = items.filter(submitted_at__gte=lo, submitted_at__lt=hi).aggregate(
        **{
            f"s{i}": Count("pk", filter=Q(submitted_at__gte=a, submitted_at__lt=b))
            for i, (a, b) in enumerate(bounds)
        }
    )
    counts: dict[str, Count] = {}
    for i, (a, b) in enumerate(bounds):
        month = Q(answered_at__gte=a, answered_at__lt=b)
        counts[f"a{i}"] = Count("pk", filter=month)
        counts[f"t{i}"] = Count("pk", filter=month & Q(on_time__isnull=False))
        counts[f"o{i}"] = Count("pk", filter=month & Q(on_time=True))
    answered = (
        _parts(items)
        .filter(role__in=ANSWERING_ROLES, answered_at__gte=lo, answered_at__lt=hi)
        .exclude(state=AssignmentState.REMOVED)
        .aggregate(**counts)
    )
    n = range(len(months))
    return Trend(
        months=months,
        labels=[_month_label(m) for m in months],
        submitted=[submitted[f"s{i}"] for i in n],
        answered=[answered[f"a{i}"] for i in n],
        on_time=[Figure(answered[f"o{i}"], answered[f"t{i}"]) for i in n],
    )


def _month_label(month: str) -> str:
    y, m = (int(p) for p in month.split("-"))
    return date_format(dt.date(y, m, 1), "YEAR_MONTH_FORMAT")


# --- the annual report -------------------------------------------------------------------------


def annual_summary(
    user,
    year: int,
    *,
    region: Region | None = None,
    kind: str = "",
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The headline figures, per-unit rows and commitment counts of ``year``'s items (of
    one ``kind`` if given: "suggestion" or "motion") for the annual handling report (see
    the module docstring for the keys). The caller checks ``suggestions.view_stats``
    (and ``region`` with :func:`region_for_code`). Side effects: none."""
    today = today or timezone.localdate()
    filters = Filters(year=year, region=region, kind=kind)
    table = statistics(user, group_by="unit", filters=filters, today=today)
    total = table.total.figures
    items = items_in_scope(user, Filters(region=region, kind=kind))
    ledger = Commitment.objects.filter(suggestion__in=items.values("pk"), year=year).aggregate(
        total=Count("pk"),
        fulfilled=Count("pk", filter=Q(state=CommitmentState.FULFILLED)),
        open=Count("pk", filter=Q(state=CommitmentState.OPEN)),
        carried_in=Count("pk", filter=Q(first_year__lt=year)),
    )
    tops = top_regions(user)
    return {
        "year": year,
        "region": region or (tops[0] if len(tops) == 1 else None),
        "headline": [(DEFINITIONS[k], total[k]) for k in HEADLINE_KEYS],
        "total": total,
        "units": [r for r in table.rows if r.key != NO_UNIT],
        "classes": [(DEFINITIONS[k], total[k]) for k in CLASS_KEYS],
        "commitments": {
            "made": total["commitments"].numerator,
            "fulfilled": total["commitment_rate"].numerator,
            "open": total["commitments_open"].numerator,
            "overdue": total["commitments_overdue"].numerator,
            "carried": total["commitments_carried"].numerator,
        },
        "ledger": ledger,
        "definitions": DEFINITIONS,
        "scope_note": SCOPE_NOTE,
    }


def class_shares(row: Row) -> list[tuple[str, str, int]]:
    """(class letter, label, count of final replies) for the pie chart."""
    return [
        (c.value, str(c.label), row.figures[f"class_{c.value.lower()}"].numerator)
        for c in ResultClass
    ]


def headline(row: Row) -> list[tuple[Definition, Figure]]:
    return [(DEFINITIONS[k], row.figures[k]) for k in HEADLINE_KEYS]
