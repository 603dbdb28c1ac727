"""Reads of the report-to-voters pages (述职评议) beyond the core selectors: the list with
its filters, who may schedule and for whom, the ``can_*`` flags of the detail page, the
figures of codes and ballots, the result shares shown on the big screen, and the lookup
of a phone ballot's code.

Every read starts from ``selectors.reports_visible`` (404 outside scope) or from the
scoped pools of ``permissions``; none writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from minqing.core import codes
from minqing.core.permissions import has_perm, scope
from minqing.duties import permissions as perms
from minqing.duties import selectors
from minqing.duties.actions.reports import CODE_LENGTH, code_hash
from minqing.duties.models import (
    BallotChannel,
    BallotChoice,
    BallotCode,
    DutyReport,
    ReportState,
)
from minqing.opinions.permissions import deputy_of
from minqing.people.models import Deputy, DeputyStatus
from minqing.stations.models import Station
from minqing.stations.states import StationStatus

PICKER_LIMIT = 20
# States of a meeting still ahead or under way; the rest are past.
OPEN_STATES = (ReportState.SCHEDULED, ReportState.REPORTED, ReportState.VOTING)


def can_list(user) -> bool:
    """Staff who read duty work, or a deputy (who sees their own reports)."""
    return has_perm(user, perms.VIEW) or deputy_of(user) is not None


def can_schedule(user) -> bool:
    """The office (``duties.manage``) or station staff (``duties.record``) somewhere."""
    return has_perm(user, perms.MANAGE) or has_perm(user, perms.RECORD)


def reports_filtered(
    user, *, q: str = "", state: str = "", when: str = "", year: int | None = None
) -> QuerySet[DutyReport]:
    """The reports ``user`` may read, narrowed by a search ``q`` (meeting title or the
    deputy's name), ``state``, ``when`` (``upcoming``: meetings from today on that are
    not over, soonest first; ``past``: the rest) and ``year``; newest first otherwise."""
    qs = selectors.reports_visible(user)
    q = (q or "").strip()[:40]
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(deputy__name__contains=q))
    if state:
        qs = qs.filter(state=state)
    if year:
        qs = qs.filter(date__year=year)
    today = timezone.localdate()
    if when == "upcoming":
        return qs.filter(date__gte=today, state__in=OPEN_STATES).order_by("date", "start_time")
    if when == "past":
        qs = qs.filter(Q(date__lt=today) | ~Q(state__in=OPEN_STATES))
    return qs.order_by("-date", "-id")


def schedulable_deputies(user) -> QuerySet[Deputy]:
    """Active deputies whose duty records ``user`` reads (the office's region, a
    station's seated deputies): those the create form offers."""
    return selectors.deputies_visible(user).filter(status=DeputyStatus.ACTIVE)


def search_deputies(user, text: str) -> list[Deputy]:
    """At most ``PICKER_LIMIT`` schedulable deputies by name or deputy number."""
    text = (text or "").strip()[:40]
    if not text:
        return []
    found = schedulable_deputies(user).filter(
        Q(name__contains=text) | Q(deputy_number__startswith=text)
    )
    return list(found.order_by("name", "id")[:PICKER_LIMIT])


def runnable_stations(user) -> QuerySet[Station]:
    """Active stations whose meetings ``user`` may run (station staff: their station;
    the office: every station of its region)."""
    qs = Station.objects.filter(status=StationStatus.ACTIVE).select_related("region")
    return scope(qs, user, perms.RECORD).order_by("name", "id")


def can_schedule_without_station(user) -> bool:
    """Whether ``user`` is office staff somewhere (station staff are not)."""
    return has_perm(user, perms.MANAGE)


def may_schedule_without_station(user, deputy: Deputy) -> bool:
    """The office of the deputy's region may hold a meeting of no station."""
    return has_perm(user, perms.MANAGE, deputy.region)


@dataclass
class Figures:
    """Codes and ballots of one report, read in two queries."""

    voter_count: int
    issued: int = 0
    used: int = 0
    voided: int = 0
    usable: int = 0
    phone: int = 0
    paper: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ballots(self) -> int:
        return self.phone + self.paper

    @property
    def seats_left(self) -> int:
        """Representatives without a usable code or a ballot yet (the action's rule)."""
        return max(0, self.voter_count - self.usable - self.ballots)

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        return [(c, label, self.counts.get(c, 0)) for c, label in BallotChoice.choices]


def report_figures(report: DutyReport) -> Figures:
    """How many codes were issued, used and voided, and the ballots by channel and choice."""
    c = BallotCode.objects.filter(report=report).aggregate(
        issued=Count("pk"),
        used=Count("pk", filter=Q(used_at__isnull=False)),
        voided=Count("pk", filter=Q(voided_at__isnull=False)),
        usable=Count("pk", filter=Q(used_at__isnull=True, voided_at__isnull=True)),
    )
    figures = Figures(voter_count=report.voter_count, **c)
    rows = report.ballots.values("channel", "choice").annotate(n=Count("pk"))
    for row in rows:
        if row["channel"] == BallotChannel.PHONE:
            figures.phone += row["n"]
        else:
            figures.paper += row["n"]
        figures.counts[row["choice"]] = figures.counts.get(row["choice"], 0) + row["n"]
    return figures


def voided_codes(report: DutyReport) -> QuerySet[BallotCode]:
    """The report's voided codes (serial, time, reason), for the detail page."""
    return report.codes.filter(voided_at__isnull=False).order_by("serial")


def report_flags(user, report: DutyReport) -> dict[str, bool]:
    """The ``can_*`` flags of the detail page. Staff who run the meeting (the office, the
    station's staff) do everything; the deputy records their own report text; everyone
    who reads the report sees the result once closed, and the running split of the
    ballots only if they run the meeting."""
    run = perms.can_run_report(user, report)
    own = deputy_of(user)
    is_deputy = own is not None and own.pk == report.deputy_id
    state = report.state
    return {
        "run": run,
        "is_deputy": is_deputy,
        "edit": run and state == ReportState.SCHEDULED,
        "record": (run or is_deputy) and state == ReportState.SCHEDULED,
        "issue": run and state in (ReportState.REPORTED, ReportState.VOTING),
        "void": run and state in (ReportState.REPORTED, ReportState.VOTING),
        "open": run and state == ReportState.REPORTED,
        "paper": run and state == ReportState.VOTING,
        "close": run and state == ReportState.VOTING,
        "cancel": run and state in (ReportState.SCHEDULED, ReportState.REPORTED),
        "split": run or state == ReportState.CLOSED,
    }


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Result:
    """The stored result of a closed report with the shares of the valid ballots."""

    rows: list[tuple[str, int, Decimal | None]]
    valid: int
    void: int
    total: int


def report_result(report: DutyReport) -> Result:
    """The counts stored at close, each with its share of the valid ballots (废票 are
    counted apart and take no share)."""
    valid = report.valid_ballots
    rows = [
        (label, n, _share(n, valid))
        for label, n in (
            (BallotChoice.COMPETENT.label, report.competent),
            (BallotChoice.BASIC.label, report.basic),
            (BallotChoice.INCOMPETENT.label, report.incompetent),
        )
    ]
    return Result(rows=rows, valid=valid, void=report.void, total=valid + report.void)


def ballots_received(report: DutyReport) -> int:
    """The number of ballots in so far (what the big screen shows while voting)."""
    return report.ballots.count()


def ballot_code_open(raw: str) -> DutyReport | None:
    """The meeting a phone ballot's code may vote at now, or None when the code is
    malformed, unknown, used, voided or its meeting is not voting (one answer for all,
    so the page can refuse them alike)."""
    if not codes.is_valid(raw or "", length=CODE_LENGTH):
        return None
    row = (
        BallotCode.objects.select_related("report__deputy")
        .filter(
            code_hash=code_hash(raw),
            used_at__isnull=True,
            voided_at__isnull=True,
            report__state=ReportState.VOTING,
        )
        .first()
    )
    return row.report if row is not None else None


def years_of(qs: QuerySet[DutyReport]) -> list[int]:
    """The years with meetings in ``qs`` (for the year filter), newest first, and the
    current year always."""
    years = {d.year for d in qs.dates("date", "year")}
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)
