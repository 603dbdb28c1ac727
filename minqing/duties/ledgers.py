"""The five ledgers (五本台账, DOMAIN §5 / seed 004) of a deputy, a deputy group, a
liaison station or a region, over a period: 活动, 选民接待, 述职评议, 建议办理, 履职情况.

Each :class:`Book` is one definition that feeds both the page and the Excel export:
its columns, a ``base`` queryset (``values_list``, ordered, paginated on the page and
read with ``.iterator(chunk_size=…)`` by the export) and a ``fill`` step that turns a
batch of base rows into ledger rows with a fixed number of bulk queries per batch, so
an export's memory stays flat and a page's query count does not grow with its rows.

What each subject's books hold (``Subject``):

============ =================== ================ ================ ===================
book         deputy              group            station          region
============ =================== ================ ================ ===================
活动         activities they     activities the   activities the   activities of the
             took part in        group organised  station held     region and below
             (confirmed)
选民接待     receptions they     receptions a     receptions at    receptions in the
             were at             member was at    the station      region and below
述职评议     their reports       members'         reports held at  reports in the
                                 reports          the station      region and below
建议办理     suggestions and motions signed (confirmed) by the subject's deputies,
             submitted in the period, that the reader may read in the suggestions
             app or that it publishes (station staff: the published ones)
履职情况     one row per deputy: the deputy, the group's members, the station's
             seated deputies, the region's deputies (active ones for the last three)
============ =================== ================ ================ ===================

Only recorded activities and confirmed participations count (as in points). Voters
received at a reception = opinions registered at the station that day + the extra
visitors counted on the activity (``selectors.reception_figures``, one query per date
of a batch). No contact data (phones, e-mails, addresses of people) appears anywhere.

Who may read a subject's ledgers (404 otherwise): a deputy their own; a group leader
their group and its members; station staff their station and its deputies; congress
staff and leaders (``duties.view`` on a region) every subject in their region.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from minqing.core.exports import Column, Sheet
from minqing.core.models import Region
from minqing.core.permissions import grants_for, is_unrestricted
from minqing.duties import selectors
from minqing.duties.models import (
    Activity,
    ActivityFile,
    ActivityFileKind,
    ActivityKind,
    ActivityState,
    Attendance,
    DutyReport,
    MeetingType,
    OrganiserKind,
    Participation,
    ParticipationState,
    ReportState,
    Verdict,
)
from minqing.duties.permissions import VIEW, led_group_ids
from minqing.duties.points import points_for
from minqing.opinions.permissions import deputy_of
from minqing.people.models import (
    CongressLevel,
    Deputy,
    DeputyGroup,
    DeputyGroupMembership,
    DeputyStatus,
)
from minqing.stations.models import Station, StationDeputy

EXPORT_KIND = "duties.ledger"
# Rows per batch: one ``fill`` (a few IN queries) per batch.
CHUNK = 1000
MAX_YEARS = 10

# ---------------------------------------------------------------- subjects

SUBJECT_KINDS: dict[str, Promise] = {
    "deputy": gettext_lazy("代表"),
    "group": gettext_lazy("代表小组"),
    "station": gettext_lazy("联络站"),
    "region": gettext_lazy("区域"),
}


@dataclass(frozen=True)
class Subject:
    """Whose ledgers: a Deputy, DeputyGroup, Station or Region (``kind`` says which)."""

    kind: str
    obj: Any

    @property
    def pk(self) -> int:
        return self.obj.pk

    @property
    def label(self) -> str:
        return self.obj.name

    @property
    def kind_label(self) -> str:
        return str(SUBJECT_KINDS[self.kind])

    @property
    def region(self) -> Region:
        return self.obj if self.kind == "region" else self.obj.region

    def deputy_ids(self) -> QuerySet:
        """The subject's deputies, as a subquery of ids."""
        if self.kind == "deputy":
            return Deputy.objects.filter(pk=self.obj.pk).values("pk")
        if self.kind == "group":
            return DeputyGroupMembership.objects.filter(group=self.obj).values("deputy_id")
        if self.kind == "station":
            return StationDeputy.objects.filter(station=self.obj).values("deputy_id")
        return Deputy.objects.filter(region__path__startswith=self.obj.path).values("pk")

    def params(self) -> dict[str, Any]:
        return {"subject": self.kind, "id": self.pk}


def _region_paths(user) -> list[str]:
    """Regions where ``user`` reads duty work by a region grant (not a station's)."""
    return [g.region.path for g in grants_for(user, VIEW) if not g.station_id and not g.unit_id]


def _station_ids(user) -> list[int]:
    return sorted({g.station_id for g in grants_for(user, VIEW) if g.station_id})


def _under(paths: list[str], lookup: str) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{lookup: path})
    return q


def subject_get_visible(user, kind: str, pk: int) -> Subject:
    """The subject ``kind``/``pk`` if ``user`` may read its ledgers, else Http404."""
    if kind == "deputy":
        return Subject(kind, selectors.deputy_get_visible(user, pk))
    if kind == "group":
        qs = DeputyGroup.objects.select_related("region").filter(pk=pk)
        q = Q(pk__in=led_group_ids(user)) | _under(_region_paths(user), "region__path__startswith")
    elif kind == "station":
        qs = Station.objects.select_related("region").filter(pk=pk)
        q = Q(pk__in=_station_ids(user)) | _under(_region_paths(user), "region__path__startswith")
    elif kind == "region":
        qs = Region.objects.filter(pk=pk)
        q = _under(_region_paths(user), "path__startswith")
    else:
        raise Http404
    obj = (qs if is_unrestricted(user) else qs.filter(q)).first()
    if obj is None:
        raise Http404
    return Subject(kind, obj)


def my_subjects(user) -> list[Subject]:
    """The subjects a reader starts from (their own deputy record, the groups they
    lead, their stations, their regions), in that order."""
    out: list[Subject] = []
    deputy = deputy_of(user)
    if deputy is not None:
        out.append(Subject("deputy", deputy))
    groups = led_group_ids(user)
    if groups:
        out += [
            Subject("group", g)
            for g in DeputyGroup.objects.select_related("region").filter(pk__in=groups)
        ]
    stations = _station_ids(user)
    if stations:
        out += [
            Subject("station", s)
            for s in Station.objects.select_related("region").filter(pk__in=stations)
        ]
    grants = sorted(
        {
            g.region.path: g.region
            for g in grants_for(user, VIEW)
            if not g.station_id and not g.unit_id
        }.items()
    )
    if is_unrestricted(user) and not grants:
        root = Region.objects.filter(parent__isnull=True).order_by("path").first()
        grants = [(root.path, root)] if root else []
    out += [Subject("region", r) for _path, r in grants]
    return out


def default_subject(user, subjects: Sequence[Subject]) -> Subject:
    """What the ledger page shows without a subject: the widest of ``subjects``
    (region, then station, then the deputy's own); PermissionDenied when none."""
    for kind in ("region", "station", "deputy", "group"):
        for s in subjects:
            if s.kind == kind:
                return s
    raise PermissionDenied(_("您没有查看履职台账的权限"))


# ---------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @property
    def label(self) -> str:
        return _("%(a)s 至 %(b)s") % {"a": self.start.isoformat(), "b": self.end.isoformat()}

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start 00:00, the day after end 00:00) in the local time zone."""
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.start, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end

    def params(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def _date(value: str, field_name: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            {field_name: _("日期格式应为“年-月-日”，如 2026-03-31")}, code="invalid"
        ) from None
    if not 1990 <= day.year <= 2100:
        raise ValidationError({field_name: _("日期超出范围")}, code="invalid")
    return day


def parse_period(data: Mapping[str, Any], *, today: dt.date | None = None) -> Period:
    """The period of ``data``'s ``from``/``to`` (ISO dates). Missing both: this year;
    one missing: its year's first or last day. ValidationError (Chinese) when a date
    is malformed, the start is after the end, or the span passes ten years."""
    today = today or timezone.localdate()
    raw_from = (data.get("from") or "").strip()
    raw_to = (data.get("to") or "").strip()
    if not raw_from and not raw_to:
        return Period.year(today.year)
    start = _date(raw_from, "from") if raw_from else None
    end = _date(raw_to, "to") if raw_to else None
    start = start or dt.date(end.year, 1, 1)
    end = end or dt.date(start.year, 12, 31)
    if start > end:
        raise ValidationError({"to": _("结束日期不能早于开始日期")}, code="order")
    if end.year - start.year >= MAX_YEARS:
        raise ValidationError({"to": _("查询时间段不能超过十年")}, code="span")
    return Period(start, end)


# ---------------------------------------------------------------- rows and books


class Link(NamedTuple):
    """Where a row leads on the page (reversed by the view, never for exports)."""

    url_name: str
    args: tuple = ()
    query: tuple[tuple[str, Any], ...] = ()


class Row(NamedTuple):
    values: list
    link: Link | None = None


@dataclass(frozen=True)
class Book:
    key: str
    title: Promise
    columns: tuple[tuple[Promise, int], ...]
    base: Callable[[LedgerQuery], QuerySet]
    fill: Callable[[LedgerQuery, list[tuple]], list[Row]]
    # Which column (0-based) carries the row's link on the page.
    link_column: int = 0


@dataclass(frozen=True)
class LedgerQuery:
    """One book of one subject over one period, as ``user`` reads it."""

    user: Any
    subject: Subject
    book: Book
    period: Period

    def base(self) -> QuerySet:
        return self.book.base(self)

    def fill(self, rows: list[tuple]) -> list[Row]:
        return self.book.fill(self, rows) if rows else []

    def count(self) -> int:
        return self.base().count()

    def rows(self, chunk: int = CHUNK) -> Iterator[Row]:
        """Every row, reading the base ``chunk`` rows at a time (memory stays flat)."""
        batch: list[tuple] = []
        for raw in self.base().iterator(chunk_size=chunk):
            batch.append(raw)
            if len(batch) >= chunk:
                yield from self.fill(batch)
                batch = []
        yield from self.fill(batch)

    def params(self) -> dict[str, Any]:
        return {**self.subject.params(), "book": self.book.key, **self.period.params()}

    @property
    def title(self) -> str:
        return _("%(subject)s%(book)s（%(period)s）") % {
            "subject": self.subject.label,
            "book": self.book.title,
            "period": self.period.label,
        }

    @property
    def filename(self) -> str:
        start, end = self.period.start, self.period.end
        return f"{self.book.title}_{self.subject.label}_{start:%Y%m%d}-{end:%Y%m%d}.xlsx"


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _sep() -> str:
    return pgettext("列举", "、")


def _in_subject(q: LedgerQuery, *, station: str, region: str, group: str | None) -> Q:
    """The filter for a station's, a region's or (``group`` given) a group's own rows."""
    s = q.subject
    if s.kind == "station":
        return Q(**{station: s.obj})
    if s.kind == "region":
        return Q(**{f"{region}__path__startswith": s.obj.path})
    if s.kind == "group" and group is not None:
        return Q(**{group: s.obj})
    raise AssertionError(s.kind)


def _took_part(q: LedgerQuery) -> Exists:
    """A confirmed participation of one of the subject's deputies in the activity."""
    return Exists(
        Participation.objects.filter(
            activity=OuterRef("pk"),
            state=ParticipationState.CONFIRMED,
            deputy_id__in=q.subject.deputy_ids(),
        )
    )


def _names(ids: list[int], *, present_only: bool) -> dict[int, list[str]]:
    """Confirmed deputies of each activity (absence or leave noted after the name).

    Batches are looked up with ``<fk>__pk__in``, not ``<fk>_id__in``: the same SQL
    (the join is trimmed) without the related lookup's per-value normalisation, a
    third of an export's time at 1,000 ids per batch."""
    attendance = _labels(Attendance)
    out: dict[int, list[str]] = defaultdict(list)
    parts = Participation.objects.filter(activity__pk__in=ids, state=ParticipationState.CONFIRMED)
    if present_only:
        parts = parts.filter(attendance=Attendance.PRESENT)
    for activity_id, name, att in parts.order_by("activity_id", "pk").values_list(
        "activity_id", "deputy__name", "attendance"
    ):
        out[activity_id].append(
            name if att == Attendance.PRESENT else f"{name}（{attendance[att]}）"
        )
    return out


# ---- 活动台账


def _activities_base(q: LedgerQuery) -> QuerySet:
    qs = Activity.objects.filter(
        state=ActivityState.RECORDED, date__range=(q.period.start, q.period.end)
    )
    if q.subject.kind == "deputy":
        qs = qs.filter(
            participations__deputy=q.subject.obj,
            participations__state=ParticipationState.CONFIRMED,
        )
    else:
        qs = qs.filter(_in_subject(q, station="station", region="region", group="group"))
    return qs.order_by("date", "pk").values_list(
        "pk",
        "date",
        "kind",
        "meeting_type",
        "title",
        "place",
        "organiser_kind",
        "region__name",
        "station__name",
        "group__name",
        "reported_by__name",
    )


def _organiser(kind: str, region: str, station: str, group: str, reporter: str) -> str:
    if kind == OrganiserKind.STATION:
        return station or ""
    if kind == OrganiserKind.GROUP:
        return group or ""
    if kind == OrganiserKind.DEPUTY:
        return _("%(name)s（代表自行登记）") % {"name": reporter or ""}
    return _("人大机关（%(region)s）") % {"region": region}


def _activities_fill(q: LedgerQuery, rows: list[tuple]) -> list[Row]:
    ids = [r[0] for r in rows]
    names = _names(ids, present_only=False)
    files: dict[int, dict[str, int]] = defaultdict(dict)
    counted = (
        ActivityFile.objects.filter(activity__pk__in=ids)
        .order_by()
        .values("activity_id", "kind")
        .annotate(n=Count("pk"))
        .values_list("activity_id", "kind", "n")
    )
    for activity_id, kind, n in counted:
        files[activity_id][kind] = n
    kinds, meetings, sep = _labels(ActivityKind), _labels(MeetingType), _sep()
    photo, report, none = ActivityFileKind.PHOTO.value, ActivityFileKind.REPORT.value, {}
    out = []
    for pk, date, kind, meeting, title, place, org, region, station, group, reporter in rows:
        label = kinds.get(kind, kind)
        if meeting:
            label = f"{label}·{meetings.get(meeting, meeting)}"
        attached = files.get(pk, none)
        out.append(
            Row(
                [
                    date,
                    label,
                    title,
                    place,
                    station
                    if org == OrganiserKind.STATION
                    else _organiser(org, region, station, group, reporter),
                    sep.join(names.get(pk, ())),
                    attached.get(photo, 0),
                    attached.get(report, 0),
                ],
                Link("duties:activity_detail", (pk,)),
            )
        )
    return out


# ---- 选民接待台账


def _receptions_base(q: LedgerQuery) -> QuerySet:
    qs = Activity.objects.filter(
        kind=ActivityKind.RECEPTION,
        state=ActivityState.RECORDED,
        date__range=(q.period.start, q.period.end),
    )
    if q.subject.kind in ("deputy", "group"):
        qs = qs.filter(_took_part(q))
    else:
        qs = qs.filter(_in_subject(q, station="station", region="region", group=None))
    return qs.order_by("date", "pk").values_list(
        "pk", "date", "station_id", "station__name", "title", "extra_visitors", "unified_post_id"
    )


def _receptions_fill(q: LedgerQuery, rows: list[tuple]) -> list[Row]:
    names = _names([r[0] for r in rows], present_only=True)
    by_date: dict[dt.date, set[int]] = defaultdict(set)
    for _pk, date, station_id, *_rest in rows:
        if station_id is not None:
            by_date[date].add(station_id)
    figures = {
        (station_id, date): value
        for date, stations in by_date.items()
        for station_id, value in selectors.reception_figures(sorted(stations), date).items()
    }
    unified, regular, sep = _("统一接待日"), _("日常接待"), _sep()
    out = []
    for pk, date, station_id, station, title, extra, post in rows:
        items, answered = figures.get((station_id, date), (0, 0))
        out.append(
            Row(
                [
                    date,
                    station or "",
                    title,
                    unified if post else regular,
                    sep.join(names.get(pk, ())),
                    items + extra,
                    items,
                    answered,
                ],
                Link("duties:activity_detail", (pk,)),
            )
        )
    return out


# ---- 述职评议台账


def _reports_base(q: LedgerQuery) -> QuerySet:
    qs = DutyReport.objects.exclude(state=ReportState.CANCELLED).filter(
        date__range=(q.period.start, q.period.end)
    )
    if q.subject.kind in ("deputy", "group"):
        qs = qs.filter(deputy_id__in=q.subject.deputy_ids())
    else:
        qs = qs.filter(_in_subject(q, station="station", region="region", group=None))
    return qs.order_by("date", "pk").values_list(
        "pk",
        "date",
        "deputy__name",
        "title",
        "place",
        "station__name",
        "voter_count",
        "state",
        "competent",
        "basic",
        "incompetent",
        "void",
        "verdict",
    )


def _reports_fill(q: LedgerQuery, rows: list[tuple]) -> list[Row]:
    states, verdicts = _labels(ReportState), _labels(Verdict)
    out = []
    for pk, date, deputy, title, place, station, voters, state, c, b, i, v, verdict in rows:
        closed = state == ReportState.CLOSED
        counts = [c, b, i, v] if closed else [None] * 4
        out.append(
            Row(
                [
                    date,
                    deputy,
                    title,
                    place,
                    station or "",
                    voters,
                    states.get(state, state),
                    *counts,
                    verdicts.get(verdict, "") if closed else "",
                ],
                Link("duties:report_detail", (pk,)),
            )
        )
    return out


# ---- 建议办理台账


def _suggestions_base(q: LedgerQuery) -> QuerySet:
    from minqing.suggestions.models import Signer, SignerState, Suggestion, SuggestionState
    from minqing.suggestions.permissions import published_q
    from minqing.suggestions.selectors import suggestions_visible

    start, end = q.period.bounds()
    signed = Signer.objects.filter(
        suggestion=OuterRef("pk"),
        state=SignerState.CONFIRMED,
        deputy_id__in=q.subject.deputy_ids(),
    )
    # What the reader may read of the suggestions app, or what it publishes to all.
    readable = published_q() | Q(pk__in=suggestions_visible(q.user).values("pk"))
    qs = (
        Suggestion.objects.filter(readable)
        .exclude(state=SuggestionState.DRAFT)
        .filter(Exists(signed), submitted_at__gte=start, submitted_at__lt=end)
    )
    return qs.order_by("submitted_at", "pk").values_list(
        "pk",
        "year",
        "number",
        "code",
        "kind",
        "title",
        "lead_deputy__name",
        "state",
        "result_class",
        "satisfaction",
    )


def _suggestions_fill(q: LedgerQuery, rows: list[tuple]) -> list[Row]:
    from minqing.suggestions.models import (
        Assignment,
        AssignmentState,
        Kind,
        Level,
        ResultClass,
        Signer,
        SignerState,
        SuggestionState,
        UnitRole,
    )

    ids = [r[0] for r in rows]
    cosigners: dict[int, list[str]] = defaultdict(list)
    for sid, name in (
        Signer.objects.filter(suggestion__pk__in=ids, state=SignerState.CONFIRMED, is_lead=False)
        .order_by("suggestion_id", "invited_at", "pk")
        .values_list("suggestion_id", "deputy__name")
    ):
        cosigners[sid].append(name)
    roles = _labels(UnitRole)
    units: dict[int, list[str]] = defaultdict(list)
    for sid, unit, role in (
        Assignment.objects.filter(suggestion__pk__in=ids)
        .exclude(state=AssignmentState.REMOVED)
        .order_by("suggestion_id", "role", "pk")
        .values_list("suggestion_id", "unit__name", "role")
    ):
        units[sid].append(f"{unit}（{roles.get(role, role)}）")
    kinds, states = _labels(Kind), _labels(SuggestionState)
    classes, levels, sep = _labels(ResultClass), _labels(Level), _sep()
    out = []
    for pk, year, number, code, kind, title, lead, state, result, satisfaction in rows:
        out.append(
            Row(
                [
                    f"{year}-{number:04d}" if number is not None else code,
                    kinds.get(kind, kind),
                    title,
                    lead,
                    sep.join(cosigners.get(pk, ())),
                    states.get(state, state),
                    sep.join(units.get(pk, ())),
                    classes.get(result, ""),
                    levels.get(satisfaction, ""),
                ],
                Link("suggestions:detail", (pk,)),
            )
        )
    return out


# ---- 履职情况台账

# Activity kinds counted one column each (meetings get present / leave / absent).
PERFORMANCE_KINDS = [k for k in ActivityKind if k != ActivityKind.MEETING]


def _performance_base(q: LedgerQuery) -> QuerySet:
    qs = Deputy.objects.filter(pk__in=q.subject.deputy_ids())
    if q.subject.kind != "deputy":
        qs = qs.filter(status=DeputyStatus.ACTIVE)
    return qs.order_by("name", "pk").values_list("pk", "name", "level")


def _period_points(deputies: list[Deputy], period: Period) -> dict[int, Decimal]:
    """Points each deputy earned inside ``period`` (annual caps applied per year)."""
    total: dict[int, Decimal] = defaultdict(Decimal)
    for year in range(period.start.year, period.end.year + 1):
        for pk, points in points_for(deputies, year=year, until=period.end).items():
            total[pk] += sum(
                (line.counted for line in points.lines if period.start <= line.date <= period.end),
                Decimal(0),
            )
    return total


def _performance_fill(q: LedgerQuery, rows: list[tuple]) -> list[Row]:
    from minqing.opinions.models import Opinion
    from minqing.suggestions.models import Signer, SignerState, SuggestionState

    ids = [r[0] for r in rows]
    period = q.period
    start, end = period.bounds()
    acts: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for deputy_id, kind, attendance, n in (
        Participation.objects.filter(
            deputy__pk__in=ids,
            state=ParticipationState.CONFIRMED,
            activity__state=ActivityState.RECORDED,
            activity__date__range=(period.start, period.end),
        )
        .order_by()
        .values("deputy_id", "activity__kind", "attendance")
        .annotate(n=Count("pk"))
        .values_list("deputy_id", "activity__kind", "attendance", "n")
    ):
        acts[deputy_id][(kind, attendance)] = n
    signed: dict[int, dict[bool, int]] = defaultdict(dict)
    for deputy_id, is_lead, n in (
        Signer.objects.filter(
            deputy__pk__in=ids,
            state=SignerState.CONFIRMED,
            suggestion__submitted_at__gte=start,
            suggestion__submitted_at__lt=end,
        )
        .exclude(suggestion__state__in=(SuggestionState.DRAFT, SuggestionState.WITHDRAWN))
        .order_by()
        .values("deputy_id", "is_lead")
        .annotate(n=Count("pk"))
        .values_list("deputy_id", "is_lead", "n")
    ):
        signed[deputy_id][is_lead] = n
    opinions = dict(
        Opinion.objects.filter(
            raised_by_deputy__pk__in=ids, created_at__gte=start, created_at__lt=end
        )
        .order_by()
        .values("raised_by_deputy_id")
        .annotate(n=Count("pk"))
        .values_list("raised_by_deputy_id", "n")
    )
    verdicts, states = _labels(Verdict), _labels(ReportState)
    reports: dict[int, str] = {}
    for deputy_id, state, verdict in (
        DutyReport.objects.filter(deputy__pk__in=ids, date__range=(period.start, period.end))
        .exclude(state=ReportState.CANCELLED)
        .order_by("deputy_id", "date", "pk")
        .values_list("deputy_id", "state", "verdict")
    ):
        # The latest report of the period wins.
        reports[deputy_id] = (
            verdicts.get(verdict, "") if state == ReportState.CLOSED else states[state]
        )
    deputies = list(
        Deputy.objects.filter(pk__in=ids).select_related("term__congress__region").order_by("pk")
    )
    points = _period_points(deputies, period)
    levels = _labels(CongressLevel)
    out = []
    for pk, name, level in rows:
        counts = acts.get(pk, {})
        meeting = [counts.get((ActivityKind.MEETING.value, a.value), 0) for a in Attendance]
        out.append(
            Row(
                [
                    name,
                    levels.get(level, level),
                    *(
                        counts.get((k.value, Attendance.PRESENT.value), 0)
                        for k in PERFORMANCE_KINDS
                    ),
                    *meeting,
                    signed[pk].get(True, 0),
                    signed[pk].get(False, 0),
                    opinions.get(pk, 0),
                    reports.get(pk, ""),
                    points.get(pk, Decimal(0)),
                ],
                Link(
                    "duties:ledger",
                    (),
                    (
                        ("subject", "deputy"),
                        ("id", pk),
                        ("book", "activities"),
                        *period.params().items(),
                    ),
                ),
            )
        )
    return out


def _performance_columns() -> tuple[tuple[Promise, int], ...]:
    kinds = tuple((ActivityKind(k).label, 8) for k in PERFORMANCE_KINDS)
    return (
        (gettext_lazy("代表"), 10),
        (gettext_lazy("代表层级"), 10),
        *kinds,
        (gettext_lazy("会议出席"), 8),
        (gettext_lazy("会议请假"), 8),
        (gettext_lazy("会议缺席"), 8),
        (gettext_lazy("领衔议案建议"), 10),
        (gettext_lazy("联名议案建议"), 10),
        (gettext_lazy("反映社情民意"), 10),
        (gettext_lazy("述职评议"), 10),
        (gettext_lazy("履职积分"), 8),
    )


BOOKS: dict[str, Book] = {
    b.key: b
    for b in (
        Book(
            "activities",
            gettext_lazy("活动台账"),
            (
                (gettext_lazy("活动日期"), 11),
                (gettext_lazy("活动类型"), 14),
                (gettext_lazy("活动名称"), 36),
                (gettext_lazy("活动地点"), 20),
                (gettext_lazy("组织方"), 22),
                (gettext_lazy("参加代表"), 30),
                (gettext_lazy("照片"), 6),
                (gettext_lazy("活动报告"), 8),
            ),
            _activities_base,
            _activities_fill,
            link_column=2,
        ),
        Book(
            "receptions",
            gettext_lazy("选民接待台账"),
            (
                (gettext_lazy("接待日期"), 11),
                (gettext_lazy("联络站"), 24),
                (gettext_lazy("活动名称"), 30),
                (gettext_lazy("接待类型"), 10),
                (gettext_lazy("接待代表"), 30),
                (gettext_lazy("接待群众（人次）"), 10),
                (gettext_lazy("收集意见建议（件）"), 10),
                (gettext_lazy("当场答复（件）"), 10),
            ),
            _receptions_base,
            _receptions_fill,
            link_column=2,
        ),
        Book(
            "reports",
            gettext_lazy("述职评议台账"),
            (
                (gettext_lazy("述职日期"), 11),
                (gettext_lazy("述职代表"), 10),
                (gettext_lazy("会议名称"), 30),
                (gettext_lazy("会议地点"), 20),
                (gettext_lazy("联络站"), 22),
                (gettext_lazy("选民代表人数"), 10),
                (gettext_lazy("状态"), 10),
                (gettext_lazy("称职票"), 8),
                (gettext_lazy("基本称职票"), 8),
                (gettext_lazy("不称职票"), 8),
                (gettext_lazy("废票"), 6),
                (gettext_lazy("评议结果"), 10),
            ),
            _reports_base,
            _reports_fill,
            link_column=2,
        ),
        Book(
            "suggestions",
            gettext_lazy("建议办理台账"),
            (
                (gettext_lazy("编号"), 11),
                (gettext_lazy("类型"), 6),
                (gettext_lazy("标题"), 40),
                (gettext_lazy("领衔代表"), 10),
                (gettext_lazy("联名代表"), 24),
                (gettext_lazy("办理状态"), 10),
                (gettext_lazy("承办单位"), 30),
                (gettext_lazy("办理结果"), 24),
                (gettext_lazy("代表评价"), 10),
            ),
            _suggestions_base,
            _suggestions_fill,
            link_column=2,
        ),
        Book(
            "performance",
            gettext_lazy("履职情况台账"),
            _performance_columns(),
            _performance_base,
            _performance_fill,
            link_column=0,
        ),
    )
}


def book_get(key: str | None) -> Book:
    book = BOOKS.get(key or "activities")
    if book is None:
        raise Http404
    return book


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def ledger_query(user, data: Mapping[str, Any], *, period: Period | None = None) -> LedgerQuery:
    """The ledger ``data`` asks for (``subject``, ``id``, ``book``, ``from``, ``to``),
    as ``user`` may read it: Http404 for a subject outside their scope or an unknown
    book, PermissionDenied when ``data`` names no subject and the user has none of
    their own, ValidationError for a bad period (unless ``period`` is given)."""
    kind = data.get("subject")
    if kind:
        subject = subject_get_visible(user, kind, _int(data.get("id")))
    else:
        subject = default_subject(user, my_subjects(user))
    book = book_get(data.get("book"))
    return LedgerQuery(user, subject, book, period or parse_period(data))


def export_sheet(user, params: dict) -> Sheet:
    """The exporter of ``core.exports`` (kind ``duties.ledger``): the ledger of
    ``params`` as ``user`` may read it (Http404 otherwise), rows read in batches."""
    q = ledger_query(user, params)
    return Sheet(
        title=q.title,
        sheet_name=str(q.book.title),
        filename=q.filename,
        columns=[Column(str(h), w) for h, w in q.book.columns],
        rows=(row.values for row in q.rows()),
        total=q.count(),
        region=q.subject.region,
    )
