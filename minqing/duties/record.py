"""履职档案: a deputy's duty record in the eight sections of DOMAIN §5, for one year.

1. 基本情况 — the public profile fields, the stations the deputy sits at, the groups;
2. 参加会议 — meetings, with attendance (出席/请假/缺席);
3. 视察调研 — inspections, research, law-enforcement inspections;
4. 学习培训 — training and lectures (代表讲坛);
5. 小组活动 — group activities, receptions of voters, mediation, photo reports, others;
6. 议案建议 — the motions and suggestions the deputy led or co-signed, with their state
   and result class;
7. 述职评议 — reports to voters and the voters' verdict;
8. 获奖表彰 — awards.

What counts is what the points count: confirmed participations in recorded activities.
The staff record (``duty_record``) is read by those ``permissions.deputies_q`` lets
through; the public record (``public_record``) is built from plain value objects so a
template cannot reach a deputy's contact data, and holds only what Deputies Law Art 58
makes public: no contact data, no files or photos, no citizen's opinion, no secret or
private suggestion (``suggestions.permissions.published_q``).

Every function here runs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minqing.duties.models import (
    ActivityKind,
    ActivityState,
    Attendance,
    Award,
    DutyReport,
    Participation,
    ParticipationState,
    ReportState,
)
from minqing.people.models import Deputy, DeputyGroupMembership
from minqing.stations.models import StationDeputy
from minqing.stations.selectors import PUBLIC_STATUSES, deputy_title

# Sections 2–5: which activity kinds each holds (every kind is in exactly one).
ACTIVITY_SECTIONS: tuple[tuple[str, object, tuple[str, ...]], ...] = (
    ("meetings", gettext_lazy("参加会议"), (ActivityKind.MEETING,)),
    (
        "inspections",
        gettext_lazy("视察调研"),
        (ActivityKind.INSPECTION, ActivityKind.RESEARCH, ActivityKind.LAW_INSPECTION),
    ),
    ("training", gettext_lazy("学习培训"), (ActivityKind.TRAINING, ActivityKind.LECTURE)),
    (
        "group",
        gettext_lazy("小组活动"),
        (
            ActivityKind.GROUP,
            ActivityKind.RECEPTION,
            ActivityKind.MEDIATION,
            ActivityKind.PHOTO,
            ActivityKind.OTHER,
        ),
    ),
)
# A report to voters appears once it has been given; scheduled or cancelled meetings
# are staff business.
PUBLIC_REPORT_STATES = (ReportState.REPORTED, ReportState.VOTING, ReportState.CLOSED)


@dataclass(frozen=True)
class ActivityEntry:
    activity_id: int
    date: dt.date
    end_date: dt.date | None
    kind: str
    kind_label: str
    title: str
    place: str
    meeting_type_label: str
    attendance: str
    attendance_label: str
    organiser: str


@dataclass
class ActivitySection:
    key: str
    title: str
    entries: list[ActivityEntry] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.entries)

    def attendance_count(self, value: str) -> int:
        return sum(1 for e in self.entries if e.attendance == value)

    @property
    def present(self) -> int:
        return self.attendance_count(Attendance.PRESENT)

    @property
    def leave(self) -> int:
        return self.attendance_count(Attendance.LEAVE)

    @property
    def absent(self) -> int:
        return self.attendance_count(Attendance.ABSENT)


@dataclass(frozen=True)
class SuggestionEntry:
    pk: int
    code: str
    kind: str
    kind_label: str
    title: str
    display_number: str
    is_lead: bool
    state: str
    state_label: str
    result_class: str
    result_label: str
    submitted: dt.date | None
    is_public: bool


@dataclass(frozen=True)
class ReportEntry:
    pk: int
    date: dt.date
    title: str
    place: str
    state: str
    state_label: str
    verdict: str
    verdict_label: str
    valid_ballots: int


@dataclass(frozen=True)
class AwardEntry:
    pk: int
    date: dt.date
    title: str
    issuer: str
    note: str


@dataclass(frozen=True)
class StationEntry:
    pk: int
    code: str
    name: str
    region: str
    is_convener: bool
    is_public: bool


@dataclass(frozen=True)
class GroupEntry:
    pk: int
    name: str
    kind_label: str
    is_leader: bool


@dataclass(frozen=True)
class PublicBasics:
    """What the public may read of a deputy (Deputies Law Art 58): never contact data."""

    public_code: str
    name: str
    title: str
    gender: str
    ethnicity: str
    birth_year: int | None
    party: str
    occupation: str
    sector: str
    level: str
    term: str
    constituency: str
    region: str
    status: str
    status_label: str
    bio: str


@dataclass
class DutyRecord:
    year: int
    years: list[int]
    stations: list[StationEntry]
    groups: list[GroupEntry]
    activities: list[ActivitySection]
    suggestions: list[SuggestionEntry]
    reports: list[ReportEntry]
    awards: list[AwardEntry]
    pending: int = 0  # staff only: participations still to confirm or disputed
    basics: PublicBasics | None = None  # public record only

    @property
    def meetings(self) -> ActivitySection:
        return self.activities[0]

    @property
    def suggestions_led(self) -> int:
        return sum(1 for s in self.suggestions if s.is_lead)

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """(anchor, section title, rows) of sections 2–8, for the summary line."""
        rows = [(s.key, s.title, s.count) for s in self.activities]
        rows += [
            ("suggestions", str(_("议案建议")), len(self.suggestions)),
            ("reports", str(_("述职评议")), len(self.reports)),
            ("awards", str(_("获奖表彰")), len(self.awards)),
        ]
        return rows


def record_years(deputy: Deputy, today: dt.date | None = None) -> list[int]:
    """The years of the deputy's term up to now, latest first (the year filter)."""
    today = today or timezone.localdate()
    term = deputy.term
    last = today.year
    if term.end_date is not None:
        last = min(last, term.end_date.year)
    first = min(term.start_date.year, last)
    return list(range(last, first - 1, -1))


def pick_year(deputy: Deputy, raw: str | None) -> tuple[int, list[int]]:
    """The year asked for (``?year=``) if it is one of the term's, else the latest."""
    years = record_years(deputy)
    try:
        year = int(raw or "")
    except ValueError:
        year = years[0]
    if year not in years:
        year = years[0]
    return year, years


def _bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _organiser(activity) -> str:
    if activity.station_id is not None:
        return activity.station.name
    if activity.group_id is not None:
        return activity.group.name
    return str(activity.get_organiser_kind_display())


def _activities(deputy: Deputy, year: int) -> list[ActivitySection]:
    start, end = _bounds(year)
    parts = (
        Participation.objects.filter(
            deputy=deputy,
            state=ParticipationState.CONFIRMED,
            activity__state=ActivityState.RECORDED,
            activity__date__range=(start, end),
        )
        .select_related("activity__station", "activity__group")
        .order_by("-activity__date", "-activity_id")
    )
    sections = [ActivitySection(key, str(title)) for key, title, _kinds in ACTIVITY_SECTIONS]
    where = {kind: i for i, (_k, _t, kinds) in enumerate(ACTIVITY_SECTIONS) for kind in kinds}
    for p in parts:
        a = p.activity
        sections[where[a.kind]].entries.append(
            ActivityEntry(
                activity_id=a.pk,
                date=a.date,
                end_date=a.end_date,
                kind=a.kind,
                kind_label=str(a.get_kind_display()),
                title=a.title,
                place=a.place,
                meeting_type_label=str(a.get_meeting_type_display()) if a.meeting_type else "",
                attendance=p.attendance,
                attendance_label=str(p.get_attendance_display()),
                organiser=_organiser(a),
            )
        )
    return sections


def _local_date(value: dt.datetime | None) -> dt.date | None:
    if value is None:
        return None
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def _suggestions(deputy: Deputy, year: int, *, public: bool) -> list[SuggestionEntry]:
    from minqing.suggestions.models import Signer, SignerState, Suggestion, SuggestionState
    from minqing.suggestions.permissions import published_q

    start, end = _bounds(year)
    signers = (
        Signer.objects.filter(
            deputy=deputy,
            state=SignerState.CONFIRMED,
            suggestion__submitted_at__date__range=(start, end),
        )
        .exclude(suggestion__state__in=(SuggestionState.DRAFT, SuggestionState.WITHDRAWN))
        .select_related("suggestion")
        .order_by("-suggestion__submitted_at", "-suggestion_id")
    )
    if public:
        signers = signers.filter(
            suggestion__in=Suggestion.objects.filter(published_q()).values("pk")
        )
    out = []
    for signer in signers:
        s = signer.suggestion
        out.append(
            SuggestionEntry(
                pk=s.pk,
                code=s.code,
                kind=s.kind,
                kind_label=str(s.get_kind_display()),
                title=s.title,
                display_number=s.display_number,
                is_lead=signer.is_lead,
                state=s.state,
                state_label=str(s.get_state_display()),
                result_class=s.result_class,
                result_label=str(s.get_result_class_display()) if s.result_class else "",
                submitted=_local_date(s.submitted_at),
                is_public=public or _is_published(s),
            )
        )
    return out


def _is_published(suggestion) -> bool:
    from minqing.suggestions.models import Disclosure
    from minqing.suggestions.permissions import PUBLISHED_STATES

    return suggestion.disclosure == Disclosure.PUBLIC and suggestion.state in PUBLISHED_STATES


def _reports(deputy: Deputy, year: int, *, public: bool) -> list[ReportEntry]:
    start, end = _bounds(year)
    qs = DutyReport.objects.filter(deputy=deputy, date__range=(start, end))
    if public:
        qs = qs.filter(state__in=PUBLIC_REPORT_STATES)
    else:
        qs = qs.exclude(state=ReportState.CANCELLED)
    return [
        ReportEntry(
            pk=r.pk,
            date=r.date,
            title=r.title,
            place=r.place,
            state=r.state,
            state_label=str(r.get_state_display()),
            # The verdict is stored at close; before that there is none to show.
            verdict=r.verdict if r.state == ReportState.CLOSED else "",
            verdict_label=(
                str(r.get_verdict_display()) if r.state == ReportState.CLOSED and r.verdict else ""
            ),
            valid_ballots=r.valid_ballots,
        )
        for r in qs.order_by("-date", "-id")
    ]


def _awards(deputy: Deputy, year: int) -> list[AwardEntry]:
    start, end = _bounds(year)
    return [
        AwardEntry(pk=a.pk, date=a.date, title=a.title, issuer=a.issuer, note=a.note)
        for a in Award.objects.filter(deputy=deputy, date__range=(start, end)).order_by(
            "-date", "-id"
        )
    ]


def _stations(deputy: Deputy, *, public: bool) -> list[StationEntry]:
    qs = StationDeputy.objects.filter(deputy=deputy).select_related("station__region")
    if public:
        qs = qs.filter(station__status__in=PUBLIC_STATUSES)
    return [
        StationEntry(
            pk=m.station.pk,
            code=m.station.code,
            name=m.station.name,
            region=m.station.region.name,
            is_convener=m.is_convener,
            is_public=m.station.status in PUBLIC_STATUSES,
        )
        for m in qs.order_by("station__name", "station_id")
    ]


def _groups(deputy: Deputy) -> list[GroupEntry]:
    return [
        GroupEntry(
            pk=m.group.pk,
            name=m.group.name,
            kind_label=str(m.group.get_kind_display()),
            is_leader=m.is_leader,
        )
        for m in DeputyGroupMembership.objects.filter(deputy=deputy)
        .select_related("group")
        .order_by("group__name", "group_id")
    ]


def duty_record(deputy: Deputy, *, year: int, years: list[int] | None = None) -> DutyRecord:
    """The staff duty record of ``deputy`` for ``year``: the caller has already checked
    the deputy is visible (``selectors.deputy_get_visible``). Seven queries."""
    start, end = _bounds(year)
    pending = Participation.objects.filter(
        deputy=deputy,
        state__in=(ParticipationState.PENDING, ParticipationState.DISPUTED),
        activity__state=ActivityState.RECORDED,
        activity__date__range=(start, end),
    ).count()
    return DutyRecord(
        year=year,
        years=years if years is not None else record_years(deputy),
        stations=_stations(deputy, public=False),
        groups=_groups(deputy),
        activities=_activities(deputy, year),
        suggestions=_suggestions(deputy, year, public=False),
        reports=_reports(deputy, year, public=False),
        awards=_awards(deputy, year),
        pending=pending,
    )


def public_basics(deputy: Deputy) -> PublicBasics:
    """The Art 58 profile fields of ``deputy`` (``term__congress__region`` loaded)."""
    term = deputy.term
    return PublicBasics(
        public_code=deputy.public_code,
        name=deputy.name,
        title=deputy_title(deputy),
        gender=str(deputy.get_gender_display()),
        ethnicity=deputy.ethnicity,
        birth_year=deputy.birth_year,
        party=deputy.party,
        occupation=deputy.occupation,
        sector=deputy.sector,
        level=str(deputy.get_level_display()),
        term=_("%(c)s第%(n)s届") % {"c": term.congress.name, "n": term.number},
        constituency=deputy.constituency,
        region=deputy.region.name,
        status=deputy.status,
        status_label=str(deputy.get_status_display()),
        bio=deputy.bio,
    )


def public_record(deputy: Deputy, *, year: int, years: list[int] | None = None) -> DutyRecord:
    """The public duty record of ``deputy`` for ``year`` (the public profile): public
    stations only, published suggestions only, reports once given, no pending count.
    Five queries."""
    return DutyRecord(
        year=year,
        years=years if years is not None else record_years(deputy),
        stations=_stations(deputy, public=True),
        groups=[],
        activities=_activities(deputy, year),
        suggestions=_suggestions(deputy, year, public=True),
        reports=_reports(deputy, year, public=True),
        awards=_awards(deputy, year),
        basics=public_basics(deputy),
    )
