"""Reports to voters (述职) and their evaluation (评议): meetings of the past year closed
with phone ballots (single-use codes, stored hashed) and paper ballots (some spoiled),
counts and a verdict as ``voting_close`` stores them; and, in the demo city, one in
every other state — voting at the demo station now, reported and waiting for the vote,
scheduled (one for the demo deputy), and called off."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from minqing.core.demo.deputies import DeputyInfo
from minqing.core.demo.duties import texts
from minqing.core.demo.duties.world import World
from minqing.core.demo.rand import station_code
from minqing.duties.actions.reports import CODE_LENGTH, code_hash, verdict_for
from minqing.duties.models import (
    Ballot,
    BallotChannel,
    BallotChoice,
    BallotCode,
    DutyReport,
    ReportState,
)
from minqing.people.models import CongressLevel
from minqing.stations.models import Station
from minqing.stations.states import StationStatus

R, C = ReportState, BallotChoice
T = dt.time
LEVEL_NAMES = {
    CongressLevel.NATIONAL: "全国",
    CongressLevel.PROVINCIAL: "省",
    CongressLevel.CITY: "市",
    CongressLevel.COUNTY: "县（区）",
    CongressLevel.TOWNSHIP: "乡镇",
}


@dataclass
class Meeting:
    report: DutyReport
    codes: list[BallotCode] = field(default_factory=list)
    # (choice, channel, entered by): no code, no person, no time (a secret ballot)
    ballots: list[tuple[str, str, int | None]] = field(default_factory=list)


class Reports:
    def __init__(self, w: World) -> None:
        self.w = w
        self.r = random.Random(w.rng.getrandbits(64))
        self.code_rng = random.Random(self.r.getrandbits(64))
        self.raw: set[str] = set()
        self.meetings: list[Meeting] = []
        self.lost = False  # a lost slip voided somewhere yet

    def plan(self) -> None:
        w, r = self.w, self.r
        for city in w.tree.cities:
            demo = city.pk == w.demo_city.pk
            pool = self.candidates(city.code)
            if not pool:
                continue
            closed = 7 if demo else w.scale.reports_elsewhere
            for i, d in enumerate(w.spread(r, closed, lo=w.start + dt.timedelta(days=20))):
                info, s = r.choice(pool)
                self.closed(info, s, d, basic=demo and i == 2, first=i == 0)
            info, s = r.choice(pool)
            self.scheduled(info, s, w.working_day(w.today + dt.timedelta(days=r.randint(7, 30))))
            if not demo:
                continue
            ours = w.staff_station
            members = [x for x in w.members[ours.pk] if x is not w.me]
            self.voting(r.choice(members) if members else w.me, ours)
            info, s = r.choice(pool)
            self.reported(info, s, w.working_day(w.today - dt.timedelta(days=2), back=True))
            info, s = r.choice(pool)
            self.cancelled(info, s, w.working_day(w.today - dt.timedelta(days=r.randint(20, 60))))
            if members:
                self.scheduled(members[-1], ours, w.working_day(w.today + dt.timedelta(days=9)))
            self.scheduled(w.me, ours, w.working_day(w.today + dt.timedelta(days=23)))

    def candidates(self, city_code: str) -> list[tuple[DeputyInfo, Station]]:
        """County and township deputies (elected by the voters) and a station they sit
        at, where they report."""
        w = self.w
        out = []
        for s in w.city_stations[city_code]:
            if s.status != StationStatus.ACTIVE or s.kind == "online":
                continue
            for info in w.members[s.pk]:
                if info.level in (CongressLevel.COUNTY, CongressLevel.TOWNSHIP):
                    out.append((info, s))
        return out

    # -- one meeting in each state ------------------------------------------------------

    def report(self, info: DeputyInfo, s: Station, d: dt.date, state: str, start: T) -> Meeting:
        w, r = self.w, self.r
        name = info.deputy.name
        title = r.choice(texts.REPORT_TITLES).format(name=name, year=d.year)
        place = w.fill(r, r.choice(texts.REPORT_PLACES), s.region, station=s.name)
        created = min(
            dt.datetime.combine(d - dt.timedelta(days=r.randint(10, 25)), T(10, r.randint(0, 59))),
            w.now - dt.timedelta(hours=2),
        )
        report = DutyReport(
            deputy_id=info.deputy.pk,
            region=s.region,
            station=s,
            title=title[:120],
            date=d,
            start_time=start,
            place=place[:200],
            voter_count=r.randint(18, 45),
            state=state,
            created_by_id=w.station_user(s) or w.office_user(w.tree.city_of(s.region)),
            created_at=w.aware(created),
        )
        m = Meeting(report)
        self.meetings.append(m)
        return m

    def speak(self, m: Meeting, info: DeputyInfo, at: dt.datetime) -> None:
        """``report_record``: the report given at the meeting."""
        w, r = self.w, self.r
        level = LEVEL_NAMES.get(info.level, "")
        m.report.report_text = texts.REPORT_TEXT.format(
            level=level, n=r.randint(6, 14), m=r.randint(4, 12), topic=r.choice(texts.TOPICS)[0]
        )
        m.report.reported_at = w.aware(at)

    def issue(self, m: Meeting, n: int, at: dt.datetime) -> None:
        """``ballot_codes_issue``: ``n`` codes, only their hashes kept."""
        start = len(m.codes) + 1
        for i in range(n):
            raw = station_code(self.code_rng, self.raw, CODE_LENGTH)
            m.codes.append(
                BallotCode(serial=start + i, code_hash=code_hash(raw), issued_at=self.w.aware(at))
            )

    def vote(self, m: Meeting, *, opened: dt.datetime, share: float, voids: int) -> None:
        """Phone ballots on the issued codes (each used once; a code's use is dated at the
        opening, as ``ballot_cast`` dates it), then the paper pile (``voids`` of it
        spoiled): all but a few seats. ``share`` of the valid ballots say 称职, most of
        the rest 基本称职."""
        w, r = self.w, self.r
        report = m.report
        report.voting_opened_at = w.aware(opened)
        if len(m.codes) > 4 and (not self.lost or r.random() < 0.5):
            self.lost = True  # a lost slip voided by its serial before the vote
            m.codes[0].voided_at, m.codes[0].void_reason = w.aware(opened), texts.VOID_CODE
        phone = 0
        for code in m.codes:
            if code.voided_at is None and r.random() < 0.92:
                code.used_at = report.voting_opened_at
                phone += 1
        usable = sum(1 for c in m.codes if c.used_at is None and c.voided_at is None)
        paper = max(0, report.voter_count - usable - phone - r.randint(0, 3))
        voids = min(voids, paper)
        valid = phone + paper - voids
        competent = round(valid * share)
        basic = round((valid - competent) * 0.8)
        deck = [C.COMPETENT] * competent + [C.BASIC] * basic
        deck += [C.INCOMPETENT] * (valid - competent - basic)
        r.shuffle(deck)
        clerk = w.station_user(report.station)
        m.ballots += [(choice, BallotChannel.PHONE, None) for choice in deck[:phone]]
        m.ballots += [(choice, BallotChannel.PAPER, clerk) for choice in deck[phone:]]
        m.ballots += [(C.VOID, BallotChannel.PAPER, clerk)] * voids

    def choice(self, share: float) -> str:
        roll = self.r.random()
        if roll < share:
            return C.COMPETENT
        return C.BASIC if roll < share + (1 - share) * 0.8 else C.INCOMPETENT

    def close(self, m: Meeting, at: dt.datetime) -> None:
        """``voting_close``: counts, verdict with the region's thresholds, unused codes
        voided."""
        w = self.w
        report = m.report
        cfg = w.config(report.region)
        counts = {c: sum(1 for b in m.ballots if b[0] == c) for c in C.values}
        report.competent, report.basic = counts[C.COMPETENT], counts[C.BASIC]
        report.incompetent, report.void = counts[C.INCOMPETENT], counts[C.VOID]
        report.competent_percent = Decimal(str(cfg["duty.competent_percent"]))
        report.basic_percent = Decimal(str(cfg["duty.basic_competent_percent"]))
        report.verdict = verdict_for(
            report.competent,
            report.basic,
            report.incompetent,
            competent_percent=report.competent_percent,
            basic_percent=report.basic_percent,
        )
        report.closed_at = w.aware(at)
        report.state = R.CLOSED
        for code in m.codes:
            if code.used_at is None and code.voided_at is None:
                code.voided_at, code.void_reason = report.closed_at, "测评结束未使用"

    def closed(
        self, info: DeputyInfo, s: Station, d: dt.date, *, basic: bool = False, first: bool = False
    ) -> None:
        r = self.r
        start = r.choice((T(9, 30), T(14, 30)))
        m = self.report(info, s, d, R.CLOSED, start)
        begin = dt.datetime.combine(d, start)
        self.speak(m, info, begin + dt.timedelta(minutes=35))
        self.issue(m, round(m.report.voter_count * r.uniform(0.4, 0.7)), begin)
        opened = begin + dt.timedelta(minutes=50)
        share = r.uniform(0.55, 0.72) if basic else r.uniform(0.86, 0.97)
        self.vote(m, opened=opened, share=share, voids=max(r.choice((0, 0, 1, 2)), int(first)))
        self.close(m, opened + dt.timedelta(minutes=r.randint(20, 30)))

    def voting(self, info: DeputyInfo, s: Station) -> None:
        """At the demo station: reported, codes out, phones voting now; the paper
        ballots are for the station's staff to enter, and the office to close."""
        w, r = self.w, self.r
        begin = (w.now - dt.timedelta(minutes=80)).replace(second=0)
        if begin.date() != w.today or begin.time() < T(8):  # early: yesterday afternoon's
            d = w.working_day(w.today - dt.timedelta(days=1), back=True)
            begin = dt.datetime.combine(d, T(14, 30))
        m = self.report(info, s, begin.date(), R.VOTING, begin.time())
        self.speak(m, info, begin + dt.timedelta(minutes=35))
        self.issue(m, round(m.report.voter_count * 0.6), begin)
        opened = begin + dt.timedelta(minutes=50)
        m.report.voting_opened_at = w.aware(opened)
        for code in m.codes:
            if r.random() < 0.6:
                code.used_at = m.report.voting_opened_at
                m.ballots.append((self.choice(0.9), BallotChannel.PHONE, None))

    def reported(self, info: DeputyInfo, s: Station, d: dt.date) -> None:
        """Reported, codes printed, the vote not opened yet."""
        m = self.report(info, s, d, R.REPORTED, T(14, 30))
        begin = dt.datetime.combine(d, T(14, 30))
        self.speak(m, info, begin + dt.timedelta(minutes=35))
        self.issue(m, round(m.report.voter_count * 0.5), begin + dt.timedelta(minutes=40))

    def scheduled(self, info: DeputyInfo, s: Station, d: dt.date) -> None:
        self.report(info, s, d, R.SCHEDULED, self.r.choice((T(9, 30), T(14, 30))))

    def cancelled(self, info: DeputyInfo, s: Station, d: dt.date) -> None:
        self.report(info, s, d, R.CANCELLED, T(14, 30))

    # -- writing ------------------------------------------------------------------------

    def write(self) -> dict[str, int]:
        reports = [m.report for m in self.meetings]
        DutyReport.objects.bulk_create(reports)
        codes = []
        for m in self.meetings:
            for c in m.codes:
                c.report = m.report
                codes.append(c)
        BallotCode.objects.bulk_create(codes)
        ballots = []
        for m in self.meetings:
            cast = list(m.ballots)
            self.r.shuffle(cast)  # the rows' order tells nothing either
            ballots += [
                Ballot(report=m.report, choice=choice, channel=channel, entered_by_id=clerk)
                for choice, channel, clerk in cast
            ]
        Ballot.objects.bulk_create(ballots)
        out = {"duty_reports": len(reports), "ballot_codes": len(codes), "ballots": len(ballots)}
        for state in R.values:
            out[f"duty_reports.{state}"] = sum(x.state == state for x in reports)
        return out
