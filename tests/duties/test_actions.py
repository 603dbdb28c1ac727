"""Who may take each step of duty work: every action of ``minqing.duties.actions``
against every kind of actor — the permission matrix of the actions, one audit entry
per allowed step, a PermissionDenied that leaves no trace for everyone else.

The actors are those of ``make_dworld``: the city office, the 滨江区 office (the
district of both stations and the group), the 临川市 office, the staff of 望江 and of
柳岸, a city leader, a unit's staff, a user without a role, the deputy concerned (dep,
seated at 望江, a member of the group), another deputy (dep2, seated at 柳岸, a member
too), the group's leader (leader_dep) and an anonymous visitor. Every step runs on
Wednesday 2026-05-20, 10:00.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from minqing.core.models import AuditEntry
from minqing.core.states import InvalidTransition
from minqing.duties import actions
from minqing.duties.models import Activity, ActivityState, PointsRule
from tests.duties.factories import ACTIVITY, record
from tests.duties.test_states import (
    DAY,
    REPORT,
    REPORT_TEXT,
    activity_in,
    day_in,
    fresh_deputy,
    participation_in,
    photo,
    ranking_in,
    report_in,
    slot_of,
)
from tests.suggestions.factories_core import at

pytestmark = pytest.mark.django_db

ACTORS = {
    "office": "office",  # city congress staff
    "district_office": "district_office",  # 滨江区 congress staff
    "far_office": "far_office",  # 临川市 congress staff
    "station_staff": "station_staff",  # 望江's staff
    "station2_staff": "station2_staff",  # 柳岸's staff
    "leader": "leader",  # a city leader: reads, never acts
    "unit_staff": "unit_staff",  # a handling unit's staff
    "nobody": "nobody",  # signed in, no role
    "deputy": "dep_user",  # the deputy concerned
    "other_deputy": "dep2_user",  # another deputy of the same congress
    "group_leader": "leader_dep_user",  # the group's leader (组长)
    "anonymous": None,
}
EVERYONE = set(ACTORS)
OFFICES = {"office", "district_office"}  # congress staff over 滨江区
STATION = OFFICES | {"station_staff"}  # who runs 望江's work
CITY = {"office"}  # the city's own days and rankings


@pytest.fixture(autouse=True)
def _on_day():
    with at(DAY):
        yield


def actor(dw, who: str):
    name = ACTORS[who]
    return AnonymousUser() if name is None else getattr(dw, name)


def audits() -> int:
    return AuditEntry.objects.count()


# ---------------------------------------------------------------- targets


def _data(**kw) -> dict:
    return {**ACTIVITY, "date": DAY - dt.timedelta(days=2), **kw}


def group_activity(dw) -> Activity:
    """Recorded by the group's leader for the group, with dep."""
    return actions.activity_record(
        actor=dw.leader_dep_user, kind="group", data=_data(), deputies=[dw.dep], group=dw.group
    )


def group_report(dw) -> Activity:
    """dep's own report of a group activity, waiting for the leader's approval."""
    return actions.activity_report(actor=dw.dep_user, kind="group", data=REPORT, group=dw.group)


def station_participation(dw, *, disputed: bool = False):
    a = record(dw, station=dw.station, deputies=[dw.dep])
    p = a.participations.get()
    if disputed:
        actions.participation_dispute(actor=dw.dep_user, participation=p, reason="当天我在外地出差")
    return p


def reception_cleared(dw):
    """望江 with no reception under way today (earlier check-ins' activities voided), so
    dep may check in afresh."""
    for a in Activity.objects.filter(
        station=dw.station, kind="reception", date=DAY, state=ActivityState.RECORDED
    ):
        actions.activity_cancel(actor=dw.station_staff, activity=a, note="重新签到")
    return dw.station


def reception_under_way(dw) -> Activity:
    reception_cleared(dw)
    return actions.reception_check_in(actor=dw.dep_user, station=dw.station).activity


def rule(dw) -> PointsRule:
    return actions.points_rule_set(
        actor=dw.office, region=dw.tree.binjiang, source="lecture", points=4
    )


def award(dw):
    return actions.award_record(
        actor=dw.office,
        deputy=dw.dep,
        data={"title": "优秀人大代表", "issuer": "澜州市人大常委会", "date": DAY},
    )


def report_data(**kw) -> dict:
    return {
        "title": "代表述职评议会",
        "date": DAY,
        "place": "望江社区会议室",
        "voter_count": 10,
        **kw,
    }


DAY_DATA = {
    "title": "全市人大代表统一接待日",
    "date": DAY + dt.timedelta(days=7),
    "start_time": dt.time(9, 0),
    "end_time": dt.time(11, 30),
    "note": "",
}


# ---------------------------------------------------------------- the matrix


@dataclass
class Step:
    setup: Callable[[Any], Any]
    call: Callable[[Any, Any, Any], Any]
    may: set[str]


def _none(dw) -> None:
    return None


STEPS: dict[str, Step] = {
    # Activities: organisers record at once (the office, a station's staff, a group's
    # leader); a deputy reports their own for approval.
    "activity_record@station": Step(
        _none,
        lambda dw, a, _x: actions.activity_record(
            actor=a, kind="inspection", data=_data(), deputies=[dw.dep], station=dw.station
        ),
        STATION,
    ),
    "activity_record@group": Step(
        _none,
        lambda dw, a, _x: actions.activity_record(
            actor=a, kind="group", data=_data(), deputies=[dw.dep], group=dw.group
        ),
        OFFICES | {"group_leader"},
    ),
    "activity_record@office": Step(
        _none,
        lambda dw, a, _x: actions.activity_record(
            actor=a,
            kind="meeting",
            data=_data(meeting_type="standing"),
            deputies=[dw.dep],
            attendance={dw.dep.pk: "leave"},
            region=dw.tree.binjiang,
        ),
        OFFICES,
    ),
    "activity_report": Step(
        _none,
        lambda dw, a, _x: actions.activity_report(
            actor=a, kind="mediation", data=REPORT, station=dw.station
        ),
        {"deputy", "other_deputy", "group_leader"},
    ),
    "activity_update": Step(
        lambda dw: activity_in(dw, ActivityState.PENDING),
        lambda dw, a, x: actions.activity_update(
            actor=a, activity=x, data={**REPORT, "place": "望江社区三号楼"}
        ),
        STATION | {"deputy"},
    ),
    "activity_attach": Step(
        lambda dw: activity_in(dw, ActivityState.PENDING),
        lambda dw, a, x: actions.activity_attach(actor=a, activity=x, photos=[photo()]),
        STATION | {"deputy"},
    ),
    "activity_approve": Step(
        lambda dw: activity_in(dw, ActivityState.PENDING),
        lambda dw, a, x: actions.activity_approve(actor=a, activity=x),
        STATION,  # never the reporter
    ),
    "activity_reject": Step(
        group_report,
        lambda dw, a, x: actions.activity_reject(actor=a, activity=x, note="请补充参加人员和照片"),
        OFFICES | {"group_leader"},
    ),
    "activity_resubmit": Step(
        lambda dw: activity_in(dw, ActivityState.REJECTED),
        lambda dw, a, x: actions.activity_resubmit(actor=a, activity=x),
        {"deputy"},
    ),
    "activity_cancel@group": Step(
        group_activity,
        lambda dw, a, x: actions.activity_cancel(actor=a, activity=x, note="重复登记"),
        OFFICES | {"group_leader"},
    ),
    "activity_cancel@report": Step(
        lambda dw: activity_in(dw, ActivityState.PENDING),
        lambda dw, a, x: actions.activity_cancel(actor=a, activity=x, note="重复登记"),
        STATION | {"deputy"},
    ),
    "activity_add_deputies": Step(
        lambda dw: record(dw, station=dw.station, deputies=[dw.dep]),
        lambda dw, a, x: actions.activity_add_deputies(
            actor=a, activity=x, deputies=[fresh_deputy(dw)]
        ),
        STATION,
    ),
    # Participations: the deputy answers; the organiser settles.
    "participation_confirm": Step(
        lambda dw: participation_in(dw, "pending"),
        lambda dw, a, p: actions.participation_confirm(actor=a, participation=p),
        {"deputy"},
    ),
    "participation_dispute": Step(
        lambda dw: participation_in(dw, "pending"),
        lambda dw, a, p: actions.participation_dispute(
            actor=a, participation=p, reason="当天我在外地出差"
        ),
        {"deputy"},
    ),
    "participation_remove": Step(
        lambda dw: participation_in(dw, "disputed"),  # the office's activity in 滨江区
        lambda dw, a, p: actions.participation_remove(actor=a, participation=p, note="核实未参加"),
        OFFICES,
    ),
    "participation_uphold": Step(
        lambda dw: station_participation(dw, disputed=True),
        lambda dw, a, p: actions.participation_uphold(
            actor=a, participation=p, note="签到表上有您的签名"
        ),
        STATION,
    ),
    "participation_set_attendance": Step(
        lambda dw: group_activity(dw).participations.get(),
        lambda dw, a, p: actions.participation_set_attendance(
            actor=a, participation=p, attendance="leave"
        ),
        OFFICES | {"group_leader"},
    ),
    # The sweep's own step: only the system (actor None) may take it.
    "participations_autoconfirm": Step(
        lambda dw: participation_in(dw, "pending"),
        lambda dw, a, p: actions.participations_autoconfirm(actor=a, participation=p),
        {"anonymous"},
    ),
    # Points and awards: the office over the region.
    "points_rule_set": Step(
        _none,
        lambda dw, a, _x: actions.points_rule_set(
            actor=a, region=dw.tree.binjiang, source="lecture", points=4, annual_cap=12
        ),
        OFFICES,
    ),
    "points_rule_clear": Step(
        rule,
        lambda dw, a, r: actions.points_rule_clear(actor=a, rule=r),
        OFFICES,
    ),
    "ranking_publish": Step(
        _none,
        lambda dw, a, _x: actions.ranking_publish(
            actor=a, region=dw.tree.city, level=dw.dep.level, year=2026, quarter=2
        ),
        CITY,
    ),
    "ranking_withdraw": Step(
        lambda dw: ranking_in(dw, "published"),
        lambda dw, a, r: actions.ranking_withdraw(actor=a, ranking=r, note="数据有误，重新核对"),
        CITY,
    ),
    "award_record": Step(
        _none,
        lambda dw, a, _x: actions.award_record(
            actor=a,
            deputy=dw.dep,
            data={"title": "优秀人大代表", "issuer": "澜州市人大常委会", "date": DAY},
        ),
        OFFICES,
    ),
    "award_delete": Step(
        award,
        lambda dw, a, x: actions.award_delete(actor=a, award=x),
        OFFICES,
    ),
    # Unified reception days: the office of the city that set the day.
    "unified_day_create": Step(
        _none,
        lambda dw, a, _x: actions.unified_day_create(actor=a, region=dw.tree.city, data=DAY_DATA),
        CITY,
    ),
    "unified_day_update": Step(
        lambda dw: day_in(dw, "planned"),
        lambda dw, a, d: actions.unified_day_update(
            actor=a, day=d, data={**DAY_DATA, "date": d.date, "title": "统一接待日（调整）"}
        ),
        CITY,
    ),
    "duty_slot_assign": Step(
        lambda dw: day_in(dw, "planned"),
        lambda dw, a, d: actions.duty_slot_assign(
            actor=a, post=d.posts.get(station=dw.station2), deputies=[fresh_deputy(dw)]
        ),
        CITY,
    ),
    "duty_slot_remove": Step(
        lambda dw: slot_of(day_in(dw, "planned")),
        lambda dw, a, s: actions.duty_slot_remove(actor=a, slot=s),
        CITY,
    ),
    "unified_day_notify": Step(
        lambda dw: day_in(dw, "planned"),
        lambda dw, a, d: actions.unified_day_notify(actor=a, day=d),
        CITY,
    ),
    "unified_day_start": Step(
        lambda dw: day_in(dw, "planned"),
        lambda dw, a, d: actions.unified_day_start(actor=a, day=d),
        CITY,
    ),
    "unified_day_close": Step(
        lambda dw: day_in(dw, "ongoing"),
        lambda dw, a, d: actions.unified_day_close(actor=a, day=d),
        CITY,
    ),
    "unified_day_cancel": Step(
        lambda dw: day_in(dw, "planned"),
        lambda dw, a, d: actions.unified_day_cancel(actor=a, day=d, note="因台风取消"),
        CITY,
    ),
    # Reception at 望江: the deputy themself, or staff who record there.
    "reception_check_in": Step(
        reception_cleared,
        lambda dw, a, station: actions.reception_check_in(actor=a, station=station, deputy=dw.dep),
        STATION | {"deputy"},
    ),
    "reception_visitors_add": Step(
        reception_under_way,
        lambda dw, a, x: actions.reception_visitors_add(actor=a, activity=x, count=2),
        STATION | {"deputy"},  # dep is checked in there
    ),
    # Reports to voters at 望江: the office or the station's staff run the meeting.
    "report_schedule@station": Step(
        _none,
        lambda dw, a, _x: actions.report_schedule(
            actor=a, deputy=dw.dep, station=dw.station, data=report_data()
        ),
        STATION,
    ),
    "report_schedule@office": Step(
        _none,
        lambda dw, a, _x: actions.report_schedule(actor=a, deputy=dw.dep, data=report_data()),
        OFFICES,
    ),
    "report_update": Step(
        lambda dw: report_in(dw, "scheduled").report,
        lambda dw, a, r: actions.report_update(actor=a, report=r, data=report_data(voter_count=12)),
        STATION,
    ),
    "report_record": Step(
        lambda dw: report_in(dw, "scheduled").report,
        lambda dw, a, r: actions.report_record(actor=a, report=r, report_text=REPORT_TEXT),
        STATION | {"deputy"},
    ),
    "report_cancel": Step(
        lambda dw: report_in(dw, "reported").report,
        lambda dw, a, r: actions.report_cancel(actor=a, report=r, note="代表因公出差"),
        STATION,
    ),
    "ballot_codes_issue": Step(
        lambda dw: report_in(dw, "reported").report,
        lambda dw, a, r: actions.ballot_codes_issue(actor=a, report=r, count=2),
        STATION,
    ),
    "ballot_code_void": Step(
        lambda dw: report_in(dw, "reported"),
        lambda dw, a, m: actions.ballot_code_void(
            actor=a, report=m.report, serial=m.unused()[0], reason="选票遗失"
        ),
        STATION,
    ),
    "voting_open": Step(
        lambda dw: report_in(dw, "reported").report,
        lambda dw, a, r: actions.voting_open(actor=a, report=r),
        STATION,
    ),
    # Public: the single-use code is the only credential.
    "ballot_cast": Step(
        lambda dw: report_in(dw, "voting"),
        lambda dw, a, m: actions.ballot_cast(actor=a, code=m.unused()[1], choice="competent"),
        EVERYONE,
    ),
    "ballot_enter_paper": Step(
        lambda dw: report_in(dw, "voting").report,
        lambda dw, a, r: actions.ballot_enter_paper(actor=a, report=r, counts={"basic": 2}),
        STATION,
    ),
    "voting_close": Step(
        lambda dw: report_in(dw, "voting").report,
        lambda dw, a, r: actions.voting_close(actor=a, report=r),
        STATION,
    ),
}


@pytest.mark.parametrize("name", sorted(STEPS))
def test_permission_matrix(dw, name):
    """Every actor tries the step: those who may take it succeed with one audit entry
    (each on a fresh object); everyone else gets PermissionDenied and leaves no trace."""
    step = STEPS[name]
    shared = step.setup(dw)
    problems = []
    for who in ACTORS:
        allowed = who in step.may
        target = step.setup(dw) if allowed else shared
        before = audits()
        try:
            step.call(dw, actor(dw, who), target)
        except PermissionDenied:
            if allowed:
                problems.append(f"{who}: refused")
        except (ValidationError, InvalidTransition) as exc:
            problems.append(f"{who}: {type(exc).__name__} {exc}")
        else:
            if not allowed:
                problems.append(f"{who}: allowed")
                shared = step.setup(dw)
                continue
        delta = audits() - before
        if delta != (1 if allowed else 0):
            problems.append(f"{who}: {delta} audit entries")
    assert not problems, problems


# Exported names that are not actions: the live count, the verdict rule, the refusal.
HELPERS = {"tally", "verdict_for", "BallotRefused"}


def test_the_matrix_covers_every_exported_action():
    every = set(actions.__all__) - HELPERS
    assert all(hasattr(getattr(actions, n), "__wrapped__") for n in every)  # atomic actions
    covered = {name.split("@")[0] for name in STEPS}
    assert covered == every, (every - covered, covered - every)
    assert set(ACTORS) == {
        "office",
        "district_office",
        "far_office",
        "station_staff",
        "station2_staff",
        "leader",
        "unit_staff",
        "nobody",
        "deputy",
        "other_deputy",
        "group_leader",
        "anonymous",
    }
