"""The demo city's 履职 (core/demo/duties/): a year of activities, reception work, unified
reception days, reports to voters, awards, rules and rankings, with the rows the duty
actions would have written, and work waiting for every demo login.

The small demo is built once for the module (in a transaction rolled back at its end);
each test runs in a savepoint of it, so the actions a test calls leave the next test
the same data."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from minqing.accounts.models import User
from minqing.core.config import settings_for
from minqing.core.demo import build_demo, demo_exists
from minqing.core.models import AuditEntry
from minqing.duties import actions, selectors
from minqing.duties.actions.reports import tally, verdict_for
from minqing.duties.models import (
    Activity,
    ActivityFile,
    ActivityKind,
    ActivityState,
    Attendance,
    Ballot,
    BallotChannel,
    BallotCode,
    DutyReport,
    DutySlot,
    MeetingType,
    OrganiserKind,
    Participation,
    ParticipationState,
    PointsRanking,
    PointsRule,
    RankingState,
    ReportState,
    SlotState,
    UnifiedDay,
    UnifiedDayState,
)
from minqing.duties.points import standings
from minqing.opinions.models import Opinion
from minqing.people.models import Deputy, DeputyStatus
from minqing.stations.models import ReceptionDay, Station, StationKind
from minqing.stations.states import StationStatus

pytestmark = pytest.mark.django_db
A, P, R = ActivityState, ParticipationState, ReportState
HOLIDAY = dt.date(2026, 10, 5)  # the National Day holidays


def _build_and_check(seed: int, today: dt.date) -> tuple[dict, list]:
    """A small demo as of ``today`` (6 p.m.), checked, then rolled back."""
    with transaction.atomic():
        result = build_demo("small", seed=seed, today=today)
        now = timezone.make_aware(dt.datetime.combine(today, dt.time(18)))
        check_states(today)
        check_participations(today, now)
        check_unified()
        check_reports()
        check_rankings(now)
        rows = list(
            Activity.objects.order_by("date", "title", "station_id").values_list(
                "title", "date", "state", "extra_visitors"
            )
        )
        transaction.set_rollback(True)
    return result.counts, rows


# First in the module: these build the demo themselves, before the module's build.


def test_same_seed_gives_the_same_duty_work():
    assert not demo_exists()
    first, rows = _build_and_check(20261121, HOLIDAY)
    assert Activity.objects.count() == 0  # rolled back
    second, again = _build_and_check(20261121, HOLIDAY)
    assert first == second and rows == again
    assert first["activities"] > 300 and first["participations"] > 1000


def test_every_state_the_week_after_the_session():
    """Right after the city congress's January session (its attendance still being
    confirmed), the year's first quarter not yet over."""
    _build_and_check(20261121, dt.date(2026, 1, 20))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        result = build_demo("small")
        result.media = media
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def users(demo) -> dict[str, User]:
    return {u.username: u for u in User.objects.all()}


def check_states(today: dt.date) -> None:
    """Every kind, organiser and state of the duty models is there."""
    kinds = set(Activity.objects.values_list("kind", flat=True))
    assert kinds == set(ActivityKind.values)
    assert set(Activity.objects.values_list("state", flat=True)) == set(A.values)
    organisers = set(Activity.objects.values_list("organiser_kind", flat=True))
    assert organisers == set(OrganiserKind.values)
    recorded = Activity.objects.filter(state=A.RECORDED)
    for kind in ActivityKind.values:  # every kind counts somewhere
        assert recorded.filter(kind=kind).exists(), kind
    assert set(Participation.objects.values_list("state", flat=True)) == set(P.values)
    assert set(Participation.objects.values_list("attendance", flat=True)) == set(Attendance.values)
    meetings = set(Activity.objects.filter(kind="meeting").values_list("meeting_type", flat=True))
    assert meetings == set(MeetingType.values)
    assert set(DutyReport.objects.values_list("state", flat=True)) == set(R.values)
    assert set(DutySlot.objects.values_list("state", flat=True)) == set(SlotState.values)
    days = set(UnifiedDay.objects.values_list("state", flat=True))
    assert days >= {UnifiedDayState.PLANNED, UnifiedDayState.CLOSED, UnifiedDayState.CANCELLED}
    assert UnifiedDay.objects.filter(date=today).exists()
    assert set(PointsRanking.objects.values_list("state", flat=True)) == set(RankingState.values)
    assert PointsRule.objects.count() >= 2


def test_every_kind_and_state_is_there(demo):
    check_states(timezone.localdate())
    today = UnifiedDay.objects.get(date=timezone.localdate())
    if timezone.localtime().time() >= dt.time(0, 30):  # a deputy has checked in by now
        assert today.state == UnifiedDayState.ONGOING
    assert demo.counts["activities"] == Activity.objects.count()
    assert demo.counts["participations"] == Participation.objects.count()
    # the reception days and citizens' visits of the unified days add to the others'
    assert demo.counts["reception_days"] == ReceptionDay.objects.count()
    on_duty = ReceptionDay.deputies.through.objects.count()
    assert demo.counts["reception_day_deputies"] == on_duty
    assert demo.counts["opinions"] == Opinion.objects.count()
    # the builder's one audit entry covers every row
    assert AuditEntry.objects.get().after["activities"] == Activity.objects.count()


def check_participations(today: dt.date, now: dt.datetime) -> None:
    """What the activity actions keep: who takes part, states, dates, answers."""
    rows = Participation.objects.select_related(
        "deputy__term__congress", "activity", "activity__region"
    )
    per_activity: dict[int, list[Participation]] = defaultdict(list)
    for p in rows:
        a, d = p.activity, p.deputy
        per_activity[a.pk].append(p)
        assert d.status == DeputyStatus.ACTIVE and d.term.is_current, (a.title, d.name)
        if a.kind == "meeting" and a.meeting_type == MeetingType.CONGRESS:
            assert d.term.congress.region_id == a.region_id
        if p.state == P.PENDING and a.state == A.RECORDED:  # not yet past the sweep
            days = settings_for(a.region)["duty.confirm_days"]
            assert a.created_at > now - dt.timedelta(days=days), a.title
        if p.state in (P.CONFIRMED, P.DISPUTED, P.REMOVED):
            assert p.answered_at is not None and a.created_at <= p.answered_at <= now
        else:
            assert p.answered_at is None
        if p.state in (P.DISPUTED, P.REMOVED) and p.dispute_reason:
            assert len(p.dispute_reason) >= 5
        if p.state == P.DISPUTED:
            assert p.dispute_reason
        if p.attendance != Attendance.PRESENT:
            assert a.kind == "meeting"
        if p.checked_in_at is not None:
            assert a.kind == "reception" and p.state == P.CONFIRMED
            assert timezone.localtime(p.checked_in_at).date() == a.date
    for a in Activity.objects.all():
        assert today - dt.timedelta(days=400) <= a.date <= today
        assert a.end_date is None or a.end_date >= a.date
        assert a.created_at <= now
        assert (a.meeting_type != "") == (a.kind == "meeting")
        assert (a.reported_by_id is not None) == (a.organiser_kind == OrganiserKind.DEPUTY)
        if a.organiser_kind == OrganiserKind.STATION:
            assert a.station_id and not a.group_id
        elif a.organiser_kind == OrganiserKind.GROUP:
            assert a.group_id and not a.station_id
        elif a.organiser_kind == OrganiserKind.OFFICE:
            assert not a.station_id and not a.group_id
        parts = per_activity[a.pk]
        assert parts, a.title
        if a.reported_by_id:
            mine = [p for p in parts if p.deputy_id == a.reported_by_id]
            assert mine and mine[0].state == P.CONFIRMED
            assert a.kind != "meeting"
        if a.state == A.REJECTED:
            assert len(a.review_note) >= 5
        if a.kind == "reception":
            assert a.station_id and a.extra_visitors >= 0
            assert all(p.checked_in_at for p in parts)


def test_participations_keep_the_action_invariants(demo):
    check_participations(timezone.localdate(), timezone.now())


def test_reception_figures_come_from_the_opinions_of_the_day(demo):
    receptions = Activity.objects.filter(kind="reception", state=A.RECORDED)
    assert receptions.filter(unified_post__isnull=True).count() > 20
    assert receptions.filter(extra_visitors__gt=0).exists()
    with_items = 0
    for a in receptions.select_related("station"):
        items, answered = selectors.reception_figures([a.station_id], a.date).get(
            a.station_id, (0, 0)
        )
        assert 0 <= answered <= items
        with_items += items > 0
    assert with_items >= 5


def check_unified() -> None:
    """Posts at every active station, one station a day per deputy, reception days and
    check-ins as the reception actions keep them, closed days' tallies as stored."""
    for day in UnifiedDay.objects.select_related("region"):
        stations = Station.objects.filter(
            region__path__startswith=day.region.path, status=StationStatus.ACTIVE
        ).exclude(kind=StationKind.ONLINE)
        posts = list(selectors.posts_of(day))
        assert {p.station_id for p in posts} == set(stations.values_list("pk", flat=True))
        deputies = [s.deputy_id for p in posts for s in p.slots.all()]
        assert len(deputies) == len(set(deputies))  # one station a day
        for post in posts:
            rday = ReceptionDay.objects.get(pk=post.reception_day_id)
            assert (rday.station_id, rday.date) == (post.station_id, day.date)
            assert (rday.start_time, rday.end_time) == (day.start_time, day.end_time)
            assert rday.cancelled == (day.state == UnifiedDayState.CANCELLED)
            on_duty = set(rday.deputies.values_list("pk", flat=True))
            assert on_duty == {s.deputy_id for s in post.slots.all()}
            present = [s for s in post.slots.all() if s.state == SlotState.PRESENT]
            for s in post.slots.all():
                assert day.start_time <= s.start_time < s.end_time <= day.end_time
                assert (s.checked_in_at is not None) == (s.state == SlotState.PRESENT)
            act = Activity.objects.filter(unified_post=post).first()
            if present:
                checked = set(
                    act.participations.filter(checked_in_at__isnull=False).values_list(
                        "deputy_id", flat=True
                    )
                )
                assert checked == {s.deputy_id for s in present}
            else:
                assert act is None
        if day.state == UnifiedDayState.CLOSED:
            assert not DutySlot.objects.filter(post__day=day, state=SlotState.ASSIGNED).exists()
            live = selectors.unified_tally(day).as_dict()
            stored = dict(day.tally)
            assert stored.pop("at") and live.pop("at")
            assert stored == live and stored["present"] > 0 and stored["voters"] > 0
        else:
            assert day.tally == {}
        if day.state in (UnifiedDayState.PLANNED, UnifiedDayState.CANCELLED):
            assert not DutySlot.objects.filter(post__day=day, state=SlotState.PRESENT).exists()


def test_unified_days_have_posts_slots_and_tallies(demo):
    check_unified()
    today = UnifiedDay.objects.get(date=timezone.localdate())
    tally = selectors.unified_tally(today)
    assert tally.stations > 5 and tally.deputies > 5
    if today.state == UnifiedDayState.ONGOING:
        assert tally.present >= 2 and tally.voters > 0


def check_reports() -> None:
    """Ballot rules, counts and verdicts as the report actions keep them."""
    for report in DutyReport.objects.select_related("region"):
        codes = list(report.codes.all())
        ballots = list(report.ballots.all())
        usable = [c for c in codes if c.used_at is None and c.voided_at is None]
        assert len(usable) + len(ballots) <= report.voter_count
        assert [c.serial for c in codes] == list(range(1, len(codes) + 1))
        used = [c for c in codes if c.used_at is not None]
        phone = [b for b in ballots if b.channel == BallotChannel.PHONE]
        assert len(used) == len(phone)  # one ballot per used code, linked to neither
        for c in used:  # dated at the opening, never at the moment of the vote
            assert c.voided_at is None and c.used_at == report.voting_opened_at
        for b in phone:
            assert b.entered_by_id is None and b.choice != "void"
        if report.state in (R.SCHEDULED, R.CANCELLED):
            assert not codes and not ballots and report.reported_at is None
        else:
            assert len(report.report_text) >= 20 and report.reported_at is not None
        if report.state == R.REPORTED:
            assert not ballots and report.voting_opened_at is None
        if report.state == R.CLOSED:
            counts = tally(report)
            assert (report.competent, report.basic, report.incompetent, report.void) == (
                counts["competent"],
                counts["basic"],
                counts["incompetent"],
                counts["void"],
            )
            cfg = settings_for(report.region)
            assert report.competent_percent == cfg["duty.competent_percent"]
            assert report.basic_percent == cfg["duty.basic_competent_percent"]
            assert report.verdict == verdict_for(
                report.competent,
                report.basic,
                report.incompetent,
                competent_percent=report.competent_percent,
                basic_percent=report.basic_percent,
            )
            assert report.verdict and not usable
            assert report.reported_at < report.voting_opened_at < report.closed_at
            assert any(b.channel == BallotChannel.PAPER for b in ballots)
        else:
            assert report.verdict == "" and report.valid_ballots == 0
    closed = DutyReport.objects.filter(state=R.CLOSED)
    assert closed.filter(void__gt=0).exists() or Ballot.objects.filter(choice="void").exists()
    assert BallotCode.objects.filter(voided_at__isnull=False).exists()
    assert BallotCode.objects.filter(void_reason="测评码遗失").exists()
    assert set(closed.values_list("verdict", flat=True)) >= {"competent", "basic"}


def test_reports_to_voters_count_their_ballots(demo):
    check_reports()


def check_rankings(now: dt.datetime) -> None:
    """Each ranking's rows are ``points.standings`` of its deputies and quarter."""
    rankings = list(PointsRanking.objects.select_related("region", "group"))
    assert rankings
    for ranking in rankings:
        deputies = Deputy.objects.filter(level=ranking.level, status=DeputyStatus.ACTIVE)
        if ranking.group_id:
            deputies = deputies.filter(group_memberships__group=ranking.group)
        else:
            deputies = deputies.filter(region__path__startswith=ranking.region.path)
        expected = standings(
            list(deputies.select_related("term__congress__region")),
            year=ranking.year,
            quarter=ranking.quarter,
        )
        rows = list(ranking.rows.order_by("rank", "id"))
        assert [(r.deputy_id, r.rank, r.points, r.quarter_points) for r in rows] == [
            (s.deputy.pk, s.rank, s.points, s.quarter_points) for s in expected
        ]
        assert ranking.published_at <= now
        assert timezone.localtime(ranking.published_at).date() > dt.date(
            ranking.year, 3 * ranking.quarter, 28
        )
    withdrawn = [r for r in rankings if r.state == RankingState.WITHDRAWN]
    for old in withdrawn:  # published again later, for the same quarter
        assert any(
            r.state == RankingState.PUBLISHED
            and (r.region_id, r.level, r.year, r.quarter) == (old.region_id, old.level, old.year,
                                                               old.quarter)
            and r.published_at > old.published_at
            for r in rankings
        )  # fmt: skip
    assert Counter(r.level for r in rankings)


def test_rankings_are_the_standings_at_publication(demo):
    check_rankings(timezone.now())


def test_research_reports_are_pdfs(demo):
    files = list(ActivityFile.objects.select_related("activity"))
    assert files and all(f.kind == "report" and f.activity.kind == "research" for f in files)
    with override_settings(MEDIA_ROOT=demo.media):
        f = files[0]
        data = f.file.open("rb").read()
        f.file.close()
        assert data.startswith(b"%PDF-") and len(data) == f.size
        text = "".join(page.extract_text() for page in PdfReader(f.file.path).pages)
    assert f.activity.title[:10] in text


def test_every_demo_login_finds_duty_work(demo, users):
    deputy, staff, office, leader = (
        users[n] for n in ("daibiao", "lianluoyuan", "renda", "lingdao")
    )
    me = Deputy.objects.get(user=deputy)
    today = timezone.localdate()
    waiting = selectors.my_participations(me).filter(state=P.PENDING)
    assert waiting.count() >= 3
    assert selectors.my_participations(me).filter(state=P.DISPUTED).exists()
    slots = list(selectors.my_duty_slots(me))
    assert any(s.post.day.date == today for s in slots)
    assert Activity.objects.filter(reported_by=me, state=A.REJECTED).exists()
    assert selectors.reports_visible(deputy).filter(deputy=me, state=R.SCHEDULED).exists()

    station = Station.objects.get(name="江滨街道人大代表联络站")
    assert selectors.approvals_waiting(staff).count() >= 2
    desk = selectors.station_reception_today(staff, station)
    assert desk["can_record"] and len(desk["slots"]) >= 3
    if UnifiedDay.objects.get(date=today).state == UnifiedDayState.ONGOING:
        assert desk["activities"] and desk["voters"] > 0
        if timezone.localtime().time() >= dt.time(2):  # time enough to answer one
            assert desk["items"] >= 2 and desk["answered"] >= 1
    assert selectors.reports_visible(staff).filter(state=R.VOTING, station=station).exists()

    days = selectors.unified_days_visible(office)
    assert days.filter(state=UnifiedDayState.PLANNED, date__gt=today).exists()
    assert days.filter(date=today).exists()
    assert selectors.approvals_waiting(office).count() > selectors.approvals_waiting(staff).count()
    assert selectors.reports_visible(office).filter(state=R.VOTING).exists()

    assert selectors.unified_days_visible(leader).filter(date=today).exists()
    assert selectors.reports_visible(leader).filter(state=R.CLOSED).exists()
    assert selectors.rankings_visible(leader).exists()
    assert selectors.rankings_public().exists()


def test_the_real_actions_carry_the_work_on(demo, users):
    """The rows are what the actions write: the actions accept them as they are."""
    deputy, staff, office = users["daibiao"], users["lianluoyuan"], users["renda"]
    me = Deputy.objects.get(user=deputy)
    station = Station.objects.get(name="江滨街道人大代表联络站")
    pending = selectors.my_participations(me).filter(state=P.PENDING).first()
    actions.participation_confirm(actor=deputy, participation=pending)
    part = actions.reception_check_in(actor=deputy, station=station)
    assert part.activity.unified_post.day.date == timezone.localdate()
    slot = DutySlot.objects.get(deputy=me, post__day__date=timezone.localdate())
    assert slot.state == SlotState.PRESENT
    actions.reception_visitors_add(actor=staff, activity=part.activity, count=2)
    report = selectors.approvals_waiting(staff).first()
    actions.activity_approve(actor=staff, activity=report)
    disputed = Participation.objects.filter(
        state=P.DISPUTED, activity__station=station, activity__state=A.RECORDED
    ).first()
    actions.participation_uphold(actor=staff, participation=disputed, note="签到表上有您的签名")
    voting = DutyReport.objects.get(state=R.VOTING, station=station)
    actions.ballot_enter_paper(actor=staff, report=voting, counts={"competent": 3, "void": 1})
    closed = actions.voting_close(actor=office, report=voting)
    assert closed.verdict and closed.valid_ballots > 0
    coming = selectors.unified_days_visible(office).get(
        state=UnifiedDayState.PLANNED, date__gt=timezone.localdate()
    )
    post = coming.posts.exclude(slots__isnull=False).first() or coming.posts.first()
    free = (
        Deputy.objects.filter(station_memberships__station=post.station, status="active")
        .exclude(duty_slots__post__day=coming)
        .first()
    )
    if free is not None:
        actions.duty_slot_assign(actor=office, post=post, deputies=[free])
    assert actions.unified_day_notify(actor=office, day=coming) > 0
    scheduled = DutyReport.objects.filter(state=R.SCHEDULED, deputy=me).first()
    actions.report_record(
        actor=deputy, report=scheduled, report_text="一年来我认真履行代表职责，进站接待选民十余次。"
    )
    # new rows after the builder's own ids (PostgreSQL's sequences were moved past them)
    city = office.grants.get().region
    actions.activity_record(
        actor=office,
        kind="inspection",
        data={"title": "视察城市内涝治理工程", "date": timezone.localdate()},
        deputies=[me],
        region=city,
    )
    later = actions.unified_day_create(
        actor=office,
        region=city,
        data={
            "title": "元旦前统一接待日",
            "date": timezone.localdate() + dt.timedelta(days=40),
            "start_time": dt.time(9),
            "end_time": dt.time(11, 30),
        },
    )
    assert later.posts.count() == coming.posts.count()
    today = UnifiedDay.objects.get(date=timezone.localdate())
    actions.unified_day_close(actor=office, day=today)  # ongoing since the check-in
    today.refresh_from_db()
    assert today.tally["present"] >= 1
