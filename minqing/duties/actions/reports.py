"""Reports to voters (述职) and the voters' representatives' evaluation (评议): the
meeting, the single-use ballot codes, phone and paper ballots, and the verdict.

Ballot rules (the "void rules"):

* a code is used once; a used, voided or unknown code casts nothing, with one neutral
  message, so codes cannot be probed;
* codes are accepted only while voting is open; closing voids every unused code;
* staff void a lost or spoiled slip (the serial on it); a voided code never votes;
* a paper ballot left blank or marked twice is entered as 废票 and counted as void;
* codes still usable plus ballots cast never exceed the number of representatives;
* the verdict counts valid ballots only: 称职 when the 称职 share reaches
  ``duty.competent_percent``; otherwise 基本称职 when 称职 + 基本称职 reach
  ``duty.basic_competent_percent``; otherwise 不称职. No valid ballot, no verdict.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core import audit, codes
from minqing.core.config import settings_for
from minqing.core.permissions import require
from minqing.core.states import transition
from minqing.duties import permissions as perms
from minqing.duties.actions._common import deputy_accounts, lock, notify_later, text
from minqing.duties.models import (
    Ballot,
    BallotChannel,
    BallotChoice,
    BallotCode,
    DutyReport,
    ReportState,
    Verdict,
)
from minqing.duties.states import REPORT_STATES
from minqing.people.models import Deputy, DeputyStatus
from minqing.stations.models import Station

CODE_LENGTH = 8
MAX_REPRESENTATIVES = 2000
REPORT_FIELDS = ["title", "date", "start_time", "place", "voter_count", "state", "station_id"]


def code_hash(raw: str) -> str:
    return hashlib.sha256(codes.normalise(raw).encode()).hexdigest()


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    try:
        out["title"] = text(data.get("title", ""), label=_("会议名称"), maximum=120)
    except ValidationError as e:
        errors["title"] = e.messages
    try:
        out["place"] = text(data.get("place", ""), label=_("会议地点"), maximum=200)
    except ValidationError as e:
        errors["place"] = e.messages
    if not isinstance(data.get("date"), dt.date):
        errors["date"] = [_("请填写会议日期")]
    out["date"] = data.get("date")
    out["start_time"] = data.get("start_time")
    count = data.get("voter_count")
    if not isinstance(count, int) or not 1 <= count <= MAX_REPRESENTATIVES:
        errors["voter_count"] = [
            _("选民代表人数须为 1 到 %(n)s 之间的整数") % {"n": MAX_REPRESENTATIVES}
        ]
    out["voter_count"] = count
    if errors:
        raise ValidationError(errors)
    return out


def _require_run(actor, report: DutyReport) -> None:
    if not perms.can_run_report(actor, report):
        raise perms.deny()


@transaction.atomic(durable=True)
def report_schedule(
    *, actor, deputy: Deputy, data: dict[str, Any], station: Station | None = None
) -> DutyReport:
    """The office (``duties.manage`` over the deputy's region) or the staff of
    ``station`` schedules a deputy's report to voters; the deputy is told."""
    if deputy.status != DeputyStatus.ACTIVE:
        raise ValidationError({"deputy": [_("该代表已终止代表资格")]})
    region = station.region if station is not None else deputy.region
    if station is not None:
        if not perms.can_organise(actor, station=station):
            raise perms.deny()
    else:
        require(actor, perms.MANAGE, deputy.region)
    fields = _clean(data)
    report = DutyReport.objects.create(
        deputy=deputy, region=region, station=station, created_by=actor, **fields
    )
    audit.record(
        actor=actor,
        verb="duty_report.schedule",
        obj=report,
        region=region,
        after=audit.snapshot(report, REPORT_FIELDS),
    )
    notify_later(
        deputy_accounts([deputy]),
        verb="duty_report.schedule",
        title=_("已安排您向选民述职：%(date)s %(place)s")
        % {"date": f"{report.date:%Y-%m-%d}", "place": report.place},
    )
    return report


@transaction.atomic(durable=True)
def report_update(*, actor, report: DutyReport, data: dict[str, Any]) -> DutyReport:
    """Change the meeting's details while it is scheduled."""
    report = lock(report)
    _require_run(actor, report)
    if report.state != ReportState.SCHEDULED:
        raise ValidationError(_("述职已进行，不能修改会议安排"))
    before = audit.snapshot(report, REPORT_FIELDS)
    for key, value in _clean(data).items():
        setattr(report, key, value)
    report.save()
    audit.record(
        actor=actor,
        verb="duty_report.update",
        obj=report,
        region=report.region,
        before=before,
        after=audit.snapshot(report, REPORT_FIELDS),
    )
    return report


@transaction.atomic(durable=True)
def report_record(*, actor, report: DutyReport, report_text: str) -> DutyReport:
    """Record the report the deputy gave (scheduled → reported): staff who run the
    meeting, or the deputy themself entering their written report."""
    report = lock(report)
    from minqing.opinions.permissions import deputy_of

    own = deputy_of(actor)
    if not (own is not None and own.pk == report.deputy_id) and not perms.can_run_report(
        actor, report
    ):
        raise perms.deny()
    report.report_text = text(report_text, label=_("述职报告"), minimum=20, maximum=20000)
    report.reported_at = timezone.now()
    transition(
        report,
        table=REPORT_STATES,
        to=ReportState.REPORTED,
        actor=actor,
        verb="report",
        public=True,
        update_fields=("report_text", "reported_at"),
    )
    audit.record(actor=actor, verb="duty_report.record", obj=report, region=report.region)
    return report


@transaction.atomic(durable=True)
def report_cancel(*, actor, report: DutyReport, note: str) -> DutyReport:
    """Call off a meeting before voting opens; unused codes are voided."""
    report = lock(report)
    _require_run(actor, report)
    note = text(note, label=_("取消原因"), maximum=300)
    transition(
        report, table=REPORT_STATES, to=ReportState.CANCELLED, actor=actor, verb="cancel", note=note
    )
    report.codes.filter(used_at__isnull=True, voided_at__isnull=True).update(
        voided_at=timezone.now(), void_reason=_("会议取消")
    )
    audit.record(
        actor=actor, verb="duty_report.cancel", obj=report, region=report.region, note=note
    )
    return report


def _usable_codes(report: DutyReport) -> int:
    return report.codes.filter(used_at__isnull=True, voided_at__isnull=True).count()


def _seats_left(report: DutyReport) -> int:
    """Representatives without a usable code or a ballot yet."""
    return report.voter_count - _usable_codes(report) - report.ballots.count()


@transaction.atomic(durable=True)
def ballot_codes_issue(*, actor, report: DutyReport, count: int) -> list[tuple[int, str]]:
    """Issue ``count`` single-use codes for phone voting, once the report is recorded or
    while voting is open. Returns (serial, code) pairs for printing now: only the
    hashes are kept, so the plain codes can never be shown again."""
    report = lock(report)
    _require_run(actor, report)
    if report.state not in (ReportState.REPORTED, ReportState.VOTING):
        raise ValidationError(_("述职后才能发放测评码"))
    left = _seats_left(report)
    if not isinstance(count, int) or count < 1:
        raise ValidationError({"count": [_("请填写发放数量")]})
    if count > left:
        raise ValidationError(
            {
                "count": [
                    _("最多还能发放 %(n)s 个（测评码和已投票数不能超过选民代表人数）") % {"n": left}
                ]
            }
        )
    start = (report.codes.order_by("-serial").values_list("serial", flat=True).first() or 0) + 1
    issued: list[tuple[int, str]] = []
    rows = []
    seen: set[str] = set()
    while len(issued) < count:
        raw = codes.generate(CODE_LENGTH)
        digest = code_hash(raw)
        if digest in seen or BallotCode.objects.filter(code_hash=digest).exists():
            continue
        seen.add(digest)
        serial = start + len(issued)
        issued.append((serial, raw))
        rows.append(BallotCode(report=report, serial=serial, code_hash=digest))
    BallotCode.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        verb="ballot_code.issue",
        obj=report,
        region=report.region,
        after={"count": count, "serials": [start, start + count - 1]},
    )
    return issued


@transaction.atomic(durable=True)
def ballot_code_void(*, actor, report: DutyReport, serial: int, reason: str) -> BallotCode:
    """Void an unused code by the serial printed on its slip (lost, spoiled, handed to
    the wrong person); its seat may then be given a new code or a paper ballot."""
    report = lock(report)
    _require_run(actor, report)
    code = report.codes.select_for_update().filter(serial=serial).first()
    if code is None:
        raise ValidationError({"serial": [_("没有序号为 %(n)s 的测评码") % {"n": serial}]})
    if code.used_at is not None:
        raise ValidationError({"serial": [_("该测评码已投票，不能作废")]})
    if code.voided_at is not None:
        raise ValidationError({"serial": [_("该测评码已作废")]})
    code.void_reason = text(reason, label=_("作废原因"), maximum=100)
    code.voided_at = timezone.now()
    code.save(update_fields=["void_reason", "voided_at"])
    audit.record(
        actor=actor,
        verb="ballot_code.void",
        obj=report,
        region=report.region,
        after={"serial": serial},
        note=code.void_reason,
    )
    return code


@transaction.atomic(durable=True)
def voting_open(*, actor, report: DutyReport) -> DutyReport:
    """Open the evaluation (reported → voting) at the meeting."""
    report = lock(report)
    _require_run(actor, report)
    report.voting_opened_at = timezone.now()
    transition(
        report,
        table=REPORT_STATES,
        to=ReportState.VOTING,
        actor=actor,
        verb="open_voting",
        update_fields=("voting_opened_at",),
    )
    audit.record(actor=actor, verb="duty_report.open_voting", obj=report, region=report.region)
    return report


class BallotRefused(ValidationError):
    """The one neutral refusal of a phone ballot."""


def _refuse() -> BallotRefused:
    return BallotRefused(_("测评码无效、已使用或测评未开始，请核对后重试或联系工作人员"))


@transaction.atomic(durable=True)
def ballot_cast(*, actor=None, code: str, choice: str) -> DutyReport:
    """A voters' representative votes on their phone with the code on their slip (no
    account). Refused with one neutral message when the code is unknown, used, voided,
    or its meeting is not voting. The ballot is linked to no person and no code, and the
    audit entry records neither the code, the choice, nor the phone's address."""
    if choice not in (BallotChoice.COMPETENT, BallotChoice.BASIC, BallotChoice.INCOMPETENT):
        raise ValidationError({"choice": [_("请选择称职、基本称职或不称职")]})
    if not codes.is_valid(code or "", length=CODE_LENGTH):
        raise _refuse()
    row = (
        BallotCode.objects.select_for_update(of=("self",))
        .select_related("report")
        .filter(code_hash=code_hash(code))
        .first()
    )
    if (
        row is None
        or row.used_at is not None
        or row.voided_at is not None
        or row.report.state != ReportState.VOTING
    ):
        raise _refuse()
    row.used_at = row.report.voting_opened_at or timezone.now()
    row.save(update_fields=["used_at"])
    Ballot.objects.create(report=row.report, choice=choice, channel=BallotChannel.PHONE)
    audit.record(
        secret=True,
        actor=actor,
        verb="ballot.cast",
        obj=row.report,
        region=row.report.region,
        after={"channel": "phone"},
    )
    return row.report


@transaction.atomic(durable=True)
def ballot_enter_paper(*, actor, report: DutyReport, counts: dict[str, int]) -> DutyReport:
    """Staff enter a pile of paper ballots counted at the meeting, by choice (废票 for
    blank or spoiled ones), while voting is open. The total may not exceed the seats
    without a usable code or a ballot."""
    report = lock(report)
    _require_run(actor, report)
    if report.state != ReportState.VOTING:
        raise ValidationError(_("测评未开始或已结束"))
    clean: dict[str, int] = {}
    for choice, n in counts.items():
        if choice not in BallotChoice.values or not isinstance(n, int) or n < 0:
            raise ValidationError({"counts": [_("票数须为不小于 0 的整数")]})
        if n:
            clean[choice] = n
    total = sum(clean.values())
    if total == 0:
        raise ValidationError({"counts": [_("请填写票数")]})
    left = _seats_left(report)
    if total > left:
        raise ValidationError(
            {
                "counts": [
                    _("本次录入 %(n)s 张，超过尚未投票的选民代表人数 %(left)s")
                    % {"n": total, "left": left}
                ]
            }
        )
    Ballot.objects.bulk_create(
        Ballot(report=report, choice=choice, channel=BallotChannel.PAPER, entered_by=actor)
        for choice, n in clean.items()
        for _i in range(n)
    )
    audit.record(
        actor=actor, verb="ballot.enter_paper", obj=report, region=report.region, after=clean
    )
    return report


def verdict_for(
    competent: int, basic: int, incompetent: int, *, competent_percent, basic_percent
) -> str:
    """The verdict from valid ballots (see the module docstring); "" with none."""
    valid = competent + basic + incompetent
    if valid == 0:
        return ""
    if Decimal(competent) * 100 >= Decimal(str(competent_percent)) * valid:
        return Verdict.COMPETENT
    if Decimal(competent + basic) * 100 >= Decimal(str(basic_percent)) * valid:
        return Verdict.BASIC
    return Verdict.INCOMPETENT


def tally(report: DutyReport) -> dict[str, int]:
    agg = report.ballots.aggregate(
        **{c: Count("pk", filter=Q(choice=c)) for c in BallotChoice.values}
    )
    return {c: agg[c] for c in BallotChoice.values}


@transaction.atomic(durable=True)
def voting_close(*, actor, report: DutyReport) -> DutyReport:
    """Close the evaluation (voting → closed): unused codes are voided, the counts and the
    verdict are stored with the thresholds of the region's settings, and the deputy is
    told the result."""
    report = lock(report)
    _require_run(actor, report)
    if report.state == ReportState.VOTING and not report.ballots.exists():
        raise ValidationError(_("还没有任何选票，不能结束测评"))
    cfg = settings_for(report.region)
    counts = tally(report)
    report.competent = counts[BallotChoice.COMPETENT]
    report.basic = counts[BallotChoice.BASIC]
    report.incompetent = counts[BallotChoice.INCOMPETENT]
    report.void = counts[BallotChoice.VOID]
    report.competent_percent = Decimal(str(cfg["duty.competent_percent"]))
    report.basic_percent = Decimal(str(cfg["duty.basic_competent_percent"]))
    report.verdict = verdict_for(
        report.competent,
        report.basic,
        report.incompetent,
        competent_percent=report.competent_percent,
        basic_percent=report.basic_percent,
    )
    report.closed_at = timezone.now()
    transition(
        report,
        table=REPORT_STATES,
        to=ReportState.CLOSED,
        actor=actor,
        verb="close_voting",
        public=True,
        update_fields=(
            "competent",
            "basic",
            "incompetent",
            "void",
            "verdict",
            "competent_percent",
            "basic_percent",
            "closed_at",
        ),
    )
    unused = report.codes.filter(used_at__isnull=True, voided_at__isnull=True).update(
        voided_at=report.closed_at, void_reason=_("测评结束未使用")
    )
    audit.record(
        actor=actor,
        verb="duty_report.close_voting",
        obj=report,
        region=report.region,
        after={**counts, "verdict": report.verdict, "unused_codes": unused},
    )
    notify_later(
        deputy_accounts([report.deputy]),
        verb="duty_report.result",
        title=_("述职评议结果：%(verdict)s") % {"verdict": report.get_verdict_display() or "—"},
    )
    return report


__all__ = [
    "BallotRefused",
    "ballot_cast",
    "ballot_code_void",
    "ballot_codes_issue",
    "ballot_enter_paper",
    "report_cancel",
    "report_record",
    "report_schedule",
    "report_update",
    "tally",
    "verdict_for",
    "voting_close",
    "voting_open",
]
