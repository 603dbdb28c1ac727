"""The duty work loop through the actions: an activity recorded and confirmed, a
deputy's own report approved, a unified reception day with check-in and the live tally,
a report to voters with phone and paper ballots, and the points that follow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from minqing.core.models import AuditEntry
from minqing.duties import actions, selectors
from minqing.duties.models import (
    ActivityState,
    ParticipationState,
    ReportState,
    SlotState,
    UnifiedDayState,
    Verdict,
)
from minqing.duties.points import points_for
from minqing.opinions.actions import opinion_answer, opinion_register
from tests.duties.factories import record, unified_day

pytestmark = pytest.mark.django_db


def one_audit(fn, **kw):
    before = AuditEntry.objects.count()
    out = fn(**kw)
    assert AuditEntry.objects.count() == before + 1
    return out


def test_activity_confirmed_counts_in_points(dw):
    a = record(dw)
    p = a.participations.get(deputy=dw.dep)
    assert p.state == ParticipationState.PENDING
    one_audit(actions.participation_confirm, actor=dw.dep_user, participation=p)
    year = timezone.localdate().year
    lines = points_for([dw.dep, dw.dep2], year=year)
    dep_sources = [line.source for line in lines[dw.dep.pk].lines]
    assert "inspection" in dep_sources and "base" in dep_sources
    assert "inspection" not in [line.source for line in lines[dw.dep2.pk].lines]
    assert lines[dw.dep.pk].total == Decimal(60 + 3)


def test_dispute_and_uphold(dw):
    a = record(dw)
    p = a.participations.get(deputy=dw.dep2)
    one_audit(
        actions.participation_dispute,
        actor=dw.dep2_user,
        participation=p,
        reason="当天我在外地出差",
    )
    with pytest.raises(PermissionDenied):
        actions.participation_uphold(actor=dw.dep_user, participation=p, note="签到表上有您的签名")
    one_audit(
        actions.participation_uphold, actor=dw.office, participation=p, note="签到表上有您的签名"
    )
    p.refresh_from_db()
    assert p.state == ParticipationState.PENDING


def test_deputy_report_needs_approval_by_station_staff(dw):
    a = one_audit(
        actions.activity_report,
        actor=dw.dep_user,
        kind="mediation",
        data={"title": "调解邻里漏水纠纷", "date": timezone.localdate(), "place": "望江社区"},
        station=dw.station,
    )
    assert a.state == ActivityState.PENDING
    with pytest.raises(PermissionDenied):
        actions.activity_approve(actor=dw.dep_user, activity=a)
    with pytest.raises(PermissionDenied):
        actions.activity_approve(actor=dw.station2_staff, activity=a)
    one_audit(actions.activity_approve, actor=dw.station_staff, activity=a)
    a.refresh_from_db()
    assert a.state == ActivityState.RECORDED


def test_unified_day_check_in_and_tally(dw):
    day = one_audit(unified_day, dw=dw)
    posts = {p.station_id: p for p in day.posts.all()}
    assert set(posts) == {dw.station.pk, dw.station2.pk}  # online and far stations left out
    one_audit(
        actions.duty_slot_assign, actor=dw.office, post=posts[dw.station.pk], deputies=[dw.dep]
    )
    with pytest.raises(ValidationError):
        actions.duty_slot_assign(actor=dw.office, post=posts[dw.station2.pk], deputies=[dw.dep])
    assert one_audit(actions.unified_day_notify, actor=dw.office, day=day) == 1
    part = one_audit(actions.reception_check_in, actor=dw.dep_user, station=dw.station)
    day.refresh_from_db()
    assert day.state == UnifiedDayState.ONGOING
    assert part.activity.unified_post_id == posts[dw.station.pk].pk
    with pytest.raises(ValidationError):
        actions.reception_check_in(actor=dw.dep_user, station=dw.station)
    ops = []
    for i in range(3):
        ops.append(
            opinion_register(
                actor=dw.station_staff,
                data={
                    "citizen_name": "张王李"[i] + "先生",
                    "text": f"小区第{i}号楼前路灯不亮，晚上出行不便，请尽快修复。",
                    "kind": "help",
                },
                channel="visit",
                station=dw.station,
            )
        )
    opinion_answer(actor=dw.dep_user, opinion=ops[0], public_text="已联系物业当场报修，今晚修复。")
    one_audit(
        actions.reception_visitors_add, actor=dw.station_staff, activity=part.activity, count=2
    )
    tally = selectors.unified_tally(day)
    assert (tally.stations, tally.present, tally.items, tally.answered, tally.voters) == (
        2,
        1,
        3,
        1,
        5,
    )
    one_audit(actions.unified_day_close, actor=dw.office, day=day)
    day.refresh_from_db()
    assert day.tally["items"] == 3
    slot = posts[dw.station.pk].slots.get()
    assert slot.state == SlotState.PRESENT
    lines = points_for([dw.dep], year=timezone.localdate().year)[dw.dep.pk].lines
    assert any(line.source == "reception" for line in lines)


def test_report_to_voters_ballots(dw):
    report = one_audit(
        actions.report_schedule,
        actor=dw.station_staff,
        deputy=dw.dep,
        station=dw.station,
        data={
            "title": "2026年度代表述职评议会",
            "date": timezone.localdate(),
            "place": "望江社区会议室",
            "voter_count": 10,
            "start_time": dt.time(14, 0),
        },
    )
    one_audit(
        actions.report_record,
        actor=dw.dep_user,
        report=report,
        report_text="本人一年来参加视察调研六次，接待选民四十余人次，提出建议三件，均已办结。",
    )
    issued = one_audit(actions.ballot_codes_issue, actor=dw.station_staff, report=report, count=6)
    assert len(issued) == 6
    with pytest.raises(ValidationError):
        actions.ballot_cast(code=issued[0][1], choice="competent")  # not open yet
    one_audit(actions.voting_open, actor=dw.station_staff, report=report)
    for _serial, code in issued[:4]:
        one_audit(actions.ballot_cast, code=code, choice="competent")
    with pytest.raises(ValidationError):
        actions.ballot_cast(code=issued[0][1], choice="incompetent")  # used
    one_audit(
        actions.ballot_code_void,
        actor=dw.station_staff,
        report=report,
        serial=issued[4][0],
        reason="选票遗失",
    )
    with pytest.raises(ValidationError):
        actions.ballot_cast(code=issued[4][1], choice="competent")  # voided
    with pytest.raises(ValidationError):
        actions.ballot_enter_paper(actor=dw.station_staff, report=report, counts={"basic": 6})
    one_audit(
        actions.ballot_enter_paper,
        actor=dw.station_staff,
        report=report,
        counts={"basic": 4, "void": 1},
    )
    one_audit(actions.voting_close, actor=dw.station_staff, report=report)
    report.refresh_from_db()
    assert report.state == ReportState.CLOSED
    assert (report.competent, report.basic, report.void) == (4, 4, 1)
    assert report.verdict == Verdict.BASIC  # 4/8 competent < 80%; 8/8 ≥ 50%
    assert report.codes.filter(voided_at__isnull=False).count() == 2  # lost one + unused one
