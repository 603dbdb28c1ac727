"""The six state tables of duty work, walked edge by edge, with every state reached
through the real actions; every action against every state of its object — exactly one
audit entry and the table's next state when it is allowed, a refusal that leaves no
trace when it is not; and every edge of every table taken by some action.

Every test runs on Wednesday 2026-05-20, 10:00 (unified reception days are "today").
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from minqing.core import codes
from minqing.core.models import AuditEntry, TimelineEvent
from minqing.core.states import InvalidTransition, StateTable, transition
from minqing.duties import actions
from minqing.duties.models import (
    ActivityState,
    DutySlot,
    ParticipationState,
    RankingState,
    ReportState,
    SlotState,
    UnifiedDayState,
)
from minqing.duties.states import (
    ACTIVITY_STATES,
    PARTICIPATION_STATES,
    RANKING_STATES,
    REPORT_STATES,
    SLOT_STATES,
    UNIFIED_DAY_STATES,
)
from minqing.opinions.uploads.images import clean_photo
from tests.duties.factories import record, unified_day
from tests.opinions.helpers import image
from tests.people.factories import DeputyFactory
from tests.suggestions.factories_core import at

pytestmark = pytest.mark.django_db
A = ActivityState
P = ParticipationState
R = ReportState
U = UnifiedDayState
S = SlotState
K = RankingState
DAY = dt.date(2026, 5, 20)
# A pseudo-state of the participation walk: pending, in an activity that was cancelled.
ACTIVITY_CANCELLED = "activity_cancelled"
# What an object "is in" once an action deleted it (a duty slot taken off).
DELETED = "(deleted)"


@pytest.fixture(autouse=True)
def _on_day():
    with at(DAY):
        yield


def walk(table: StateTable, obj, from_state: str, actor) -> None:
    """Try every edge out of ``from_state`` on ``obj`` through core.states.transition:
    the table's edges pass, every other target raises InvalidTransition."""
    assert obj.state == from_state
    for to_state in table.states.values:
        with transaction.atomic():
            sid = transaction.savepoint()
            if table.allows(from_state, to_state):
                event = transition(obj, table=table, to=to_state, actor=actor)
                assert (event.from_state, event.to_state) == (from_state, to_state)
                assert event.verb == table.verb(from_state, to_state)
            else:
                with pytest.raises(InvalidTransition):
                    transition(obj, table=table, to=to_state, actor=actor)
            transaction.savepoint_rollback(sid)
        obj.state = from_state


# ---------------------------------------------------------------- objects in every state

REPORT = {"title": "调解邻里漏水纠纷", "date": DAY - dt.timedelta(days=1), "place": "望江社区"}
REPORT_TEXT = "本人一年来参加视察调研六次，接待选民四十余人次，提出建议三件，均已办结。"


def photo():
    data = io.BytesIO(image())
    data.name = "活动照片.png"
    return clean_photo(data)


def fresh_deputy(dw):
    """A deputy of the city congress without an account, sitting nowhere."""
    return DeputyFactory(term=dw.term, region=dw.tree.binjiang)


def activity_in(dw, state: str):
    """dep's own report at 望江 with dep2 as co-deputy, in ``state``."""
    a = actions.activity_report(
        actor=dw.dep_user, kind="mediation", data=REPORT, station=dw.station, codeputies=[dw.dep2]
    )
    if state in (A.RECORDED, A.CANCELLED):
        actions.activity_approve(actor=dw.station_staff, activity=a)
    if state == A.REJECTED:
        actions.activity_reject(actor=dw.station_staff, activity=a, note="请补充参加人员和照片")
    if state == A.CANCELLED:
        actions.activity_cancel(actor=dw.station_staff, activity=a, note="重复登记")
    a.refresh_from_db()
    return a


def participation_in(dw, state: str):
    """dep's participation in an activity the office recorded in 滨江区."""
    a = record(dw)
    p = a.participations.get(deputy=dw.dep)
    if state == P.CONFIRMED:
        actions.participation_confirm(actor=dw.dep_user, participation=p)
    elif state == P.DISPUTED:
        actions.participation_dispute(actor=dw.dep_user, participation=p, reason="当天我在外地出差")
    elif state == P.REMOVED:
        actions.participation_remove(actor=dw.office, participation=p, note="名单有误")
    elif state == ACTIVITY_CANCELLED:
        actions.activity_cancel(actor=dw.office, activity=a, note="重复登记")
    p.refresh_from_db()
    return p


@dataclass
class Meeting:
    """A report to voters at 望江 (ten representatives) and the codes issued for it."""

    report: Any
    codes: list[tuple[int, str]] = field(default_factory=list)
    state: str = ""

    def refresh_from_db(self) -> None:
        self.report.refresh_from_db()
        self.state = self.report.state

    def unused(self) -> tuple[int, str]:
        """A code never cast (voided, once the meeting is over); a well-formed unknown
        one before any was issued."""
        return self.codes[1] if self.codes else (1, codes.generate(8))


def report_in(dw, state: str) -> Meeting:
    report = actions.report_schedule(
        actor=dw.station_staff,
        deputy=dw.dep,
        station=dw.station,
        data={"title": "代表述职评议会", "date": DAY, "place": "望江社区会议室", "voter_count": 10},
    )
    m = Meeting(report)
    if state != R.SCHEDULED:
        actions.report_record(actor=dw.dep_user, report=report, report_text=REPORT_TEXT)
        m.codes = actions.ballot_codes_issue(actor=dw.station_staff, report=report, count=3)
    if state in (R.VOTING, R.CLOSED):
        actions.voting_open(actor=dw.station_staff, report=report)
        actions.ballot_cast(code=m.codes[0][1], choice="competent")
    if state == R.CLOSED:
        actions.voting_close(actor=dw.station_staff, report=report)
    if state == R.CANCELLED:
        actions.report_cancel(actor=dw.station_staff, report=report, note="代表因公出差")
    m.refresh_from_db()
    return m


def day_in(dw, state: str):
    """A unified reception day today across the city's stations, with a fresh deputy
    (sitting nowhere) on duty at 望江."""
    day = unified_day(dw)
    post = day.posts.get(station=dw.station)
    actions.duty_slot_assign(actor=dw.office, post=post, deputies=[fresh_deputy(dw)])
    if state in (U.ONGOING, U.CLOSED):
        actions.unified_day_start(actor=dw.office, day=day)
    if state == U.CLOSED:
        actions.unified_day_close(actor=dw.office, day=day)
    if state == U.CANCELLED:
        actions.unified_day_cancel(actor=dw.office, day=day, note="因台风取消")
    day.refresh_from_db()
    return day


def slot_of(day):
    return DutySlot.objects.select_related("post__day", "deputy").get(post__day=day)


def slot_in(dw, state: str):
    """The fresh deputy's slot at 望江 on a day under way (closed for ``absent``)."""
    day = day_in(dw, U.ONGOING)
    slot = slot_of(day)
    if state == S.PRESENT:
        actions.reception_check_in(actor=dw.station_staff, station=dw.station, deputy=slot.deputy)
    elif state == S.ABSENT:
        actions.unified_day_close(actor=dw.office, day=day)
    slot.refresh_from_db()
    return slot


def publish(dw):
    return actions.ranking_publish(
        actor=dw.office, region=dw.tree.city, level=dw.dep.level, year=2026, quarter=2
    )


def ranking_in(dw, state: str):
    ranking = publish(dw)
    if state == K.WITHDRAWN:
        actions.ranking_withdraw(actor=dw.office, ranking=ranking, note="数据有误，重新核对")
    ranking.refresh_from_db()
    return ranking


# ---------------------------------------------------------------- the tables


TABLES = {
    "activity": (ACTIVITY_STATES, {A.CANCELLED}, activity_in),
    "participation": (PARTICIPATION_STATES, set(), participation_in),
    "duty_report": (REPORT_STATES, {R.CLOSED, R.CANCELLED}, report_in),
    "unified_day": (UNIFIED_DAY_STATES, {U.CLOSED, U.CANCELLED}, day_in),
    "duty_slot": (SLOT_STATES, {S.PRESENT, S.ABSENT}, slot_in),
    "points_ranking": (RANKING_STATES, {K.WITHDRAWN}, ranking_in),
}


def test_tables_name_every_state_and_their_terminal_states():
    for name, (table, terminal, _setup) in TABLES.items():
        assert table.name == name
        reachable = {b for (_a, b) in table.edges} | {table.initial}
        assert reachable == set(table.states.values), name
        assert {s for s in table.states.values if not table.targets(s)} == terminal, name
    # An organiser's activity is recorded at once; only a deputy's report waits.
    assert ACTIVITY_STATES.initial == A.PENDING and REPORT_STATES.initial == R.SCHEDULED


@pytest.mark.parametrize(
    ("name", "from_state"),
    [(name, s) for name, (table, _t, _s) in TABLES.items() for s in table.states.values],
)
def test_every_edge(dw, name, from_state):
    table, _terminal, setup = TABLES[name]
    obj = setup(dw, from_state)
    target = obj.report if isinstance(obj, Meeting) else obj
    assert target.state == from_state  # reached through the real actions
    walk(table, target, from_state, dw.office)


# ---------------------------------------------------------------- every action, every state


@dataclass
class Step:
    call: Callable[[Any, Any], Any]
    allowed: set[str]
    # The state an allowed call leaves the object in, by the state it started from
    # (absent: unchanged).
    result: dict[str, str] = field(default_factory=dict)


@dataclass
class Family:
    table: StateTable
    setup: Callable[[Any, str], Any]
    states: list[str]
    steps: dict[str, Step]
    stored: dict[str, str] = field(default_factory=dict)  # pseudo-state → stored state


def _to(state: str, *froms: str) -> dict[str, str]:
    return dict.fromkeys(froms, state)


ACTIVITY = Family(
    ACTIVITY_STATES,
    activity_in,
    A.values,
    {
        "activity_update": Step(
            lambda dw, a: actions.activity_update(
                actor=dw.station_staff, activity=a, data={**REPORT, "place": "望江社区三号楼"}
            ),
            {A.PENDING, A.RECORDED, A.REJECTED},
        ),
        "activity_attach": Step(
            lambda dw, a: actions.activity_attach(
                actor=dw.station_staff, activity=a, photos=[photo()]
            ),
            {A.PENDING, A.RECORDED, A.REJECTED},
        ),
        "activity_approve": Step(
            lambda dw, a: actions.activity_approve(actor=dw.station_staff, activity=a),
            {A.PENDING},
            _to(A.RECORDED, A.PENDING),
        ),
        "activity_reject": Step(
            lambda dw, a: actions.activity_reject(
                actor=dw.station_staff, activity=a, note="请补充参加人员和照片"
            ),
            {A.PENDING},
            _to(A.REJECTED, A.PENDING),
        ),
        "activity_resubmit": Step(
            lambda dw, a: actions.activity_resubmit(actor=dw.dep_user, activity=a),
            {A.REJECTED},
            _to(A.PENDING, A.REJECTED),
        ),
        "activity_cancel": Step(
            lambda dw, a: actions.activity_cancel(
                actor=dw.station_staff, activity=a, note="重复登记"
            ),
            {A.PENDING, A.RECORDED},
            _to(A.CANCELLED, A.PENDING, A.RECORDED),
        ),
        "activity_add_deputies": Step(
            lambda dw, a: actions.activity_add_deputies(
                actor=dw.station_staff, activity=a, deputies=[fresh_deputy(dw)]
            ),
            {A.RECORDED},
        ),
    },
)

PARTICIPATION = Family(
    PARTICIPATION_STATES,
    participation_in,
    [*P.values, ACTIVITY_CANCELLED],
    {
        "participation_confirm": Step(
            lambda dw, p: actions.participation_confirm(actor=dw.dep_user, participation=p),
            {P.PENDING, P.DISPUTED},
            _to(P.CONFIRMED, P.PENDING, P.DISPUTED),
        ),
        "participation_dispute": Step(
            lambda dw, p: actions.participation_dispute(
                actor=dw.dep_user, participation=p, reason="当天我在外地出差"
            ),
            {P.PENDING},
            _to(P.DISPUTED, P.PENDING),
        ),
        "participation_remove": Step(
            lambda dw, p: actions.participation_remove(actor=dw.office, participation=p),
            {P.PENDING, P.DISPUTED},
            _to(P.REMOVED, P.PENDING, P.DISPUTED),
        ),
        "participation_uphold": Step(
            lambda dw, p: actions.participation_uphold(
                actor=dw.office, participation=p, note="签到表上有您的签名"
            ),
            {P.DISPUTED},
            _to(P.PENDING, P.DISPUTED),
        ),
        "participation_set_attendance": Step(
            lambda dw, p: actions.participation_set_attendance(
                actor=dw.office, participation=p, attendance="leave"
            ),
            {P.PENDING, P.DISPUTED, P.CONFIRMED},
            _to(P.PENDING, P.CONFIRMED),
        ),
        "participations_autoconfirm": Step(
            lambda dw, p: actions.participations_autoconfirm(participation=p),
            {P.PENDING},
            _to(P.CONFIRMED, P.PENDING),
        ),
        # The organiser adds a removed deputy again (the others are in it already).
        "activity_add_deputies": Step(
            lambda dw, p: actions.activity_add_deputies(
                actor=dw.office, activity=p.activity, deputies=[dw.dep]
            ),
            {P.REMOVED},
            _to(P.PENDING, P.REMOVED),
        ),
    },
    stored={ACTIVITY_CANCELLED: P.PENDING},
)

REPORT_FAMILY = Family(
    REPORT_STATES,
    report_in,
    R.values,
    {
        "report_update": Step(
            lambda dw, m: actions.report_update(
                actor=dw.station_staff,
                report=m.report,
                data={
                    "title": "代表述职评议会",
                    "date": DAY,
                    "place": "社区礼堂",
                    "voter_count": 12,
                },
            ),
            {R.SCHEDULED},
        ),
        "report_record": Step(
            lambda dw, m: actions.report_record(
                actor=dw.dep_user, report=m.report, report_text=REPORT_TEXT
            ),
            {R.SCHEDULED},
            _to(R.REPORTED, R.SCHEDULED),
        ),
        "report_cancel": Step(
            lambda dw, m: actions.report_cancel(
                actor=dw.station_staff, report=m.report, note="代表因公出差"
            ),
            {R.SCHEDULED, R.REPORTED},
            _to(R.CANCELLED, R.SCHEDULED, R.REPORTED),
        ),
        "ballot_codes_issue": Step(
            lambda dw, m: actions.ballot_codes_issue(
                actor=dw.station_staff, report=m.report, count=1
            ),
            {R.REPORTED, R.VOTING},
        ),
        "ballot_code_void": Step(
            lambda dw, m: actions.ballot_code_void(
                actor=dw.station_staff, report=m.report, serial=m.unused()[0], reason="选票遗失"
            ),
            {R.REPORTED, R.VOTING},
        ),
        "voting_open": Step(
            lambda dw, m: actions.voting_open(actor=dw.station_staff, report=m.report),
            {R.REPORTED},
            _to(R.VOTING, R.REPORTED),
        ),
        "ballot_cast": Step(
            lambda dw, m: actions.ballot_cast(code=m.unused()[1], choice="basic"),
            {R.VOTING},
        ),
        "ballot_enter_paper": Step(
            lambda dw, m: actions.ballot_enter_paper(
                actor=dw.station_staff, report=m.report, counts={"basic": 1}
            ),
            {R.VOTING},
        ),
        "voting_close": Step(
            lambda dw, m: actions.voting_close(actor=dw.station_staff, report=m.report),
            {R.VOTING},
            _to(R.CLOSED, R.VOTING),
        ),
    },
)


def _day_data(day) -> dict:
    return {
        "title": "全市人大代表统一接待日（调整）",
        "date": day.date,
        "start_time": day.start_time,
        "end_time": day.end_time,
        "note": day.note,
    }


DAY_FAMILY = Family(
    UNIFIED_DAY_STATES,
    day_in,
    U.values,
    {
        "unified_day_update": Step(
            lambda dw, d: actions.unified_day_update(actor=dw.office, day=d, data=_day_data(d)),
            {U.PLANNED},
        ),
        "duty_slot_assign": Step(
            lambda dw, d: actions.duty_slot_assign(
                actor=dw.office, post=d.posts.get(station=dw.station2), deputies=[fresh_deputy(dw)]
            ),
            {U.PLANNED, U.ONGOING},
        ),
        "duty_slot_remove": Step(
            lambda dw, d: actions.duty_slot_remove(actor=dw.office, slot=slot_of(d)),
            {U.PLANNED, U.ONGOING},
        ),
        "unified_day_notify": Step(
            lambda dw, d: actions.unified_day_notify(actor=dw.office, day=d),
            {U.PLANNED, U.ONGOING},
        ),
        "unified_day_start": Step(
            lambda dw, d: actions.unified_day_start(actor=dw.office, day=d),
            {U.PLANNED},
            _to(U.ONGOING, U.PLANNED),
        ),
        "unified_day_close": Step(
            lambda dw, d: actions.unified_day_close(actor=dw.office, day=d),
            {U.ONGOING},
            _to(U.CLOSED, U.ONGOING),
        ),
        "unified_day_cancel": Step(
            lambda dw, d: actions.unified_day_cancel(actor=dw.office, day=d, note="因台风取消"),
            {U.PLANNED},
            _to(U.CANCELLED, U.PLANNED),
        ),
        # The first check-in opens a planned day.
        "reception_check_in": Step(
            lambda dw, d: actions.reception_check_in(
                actor=dw.station_staff, station=dw.station, deputy=slot_of(d).deputy
            ),
            {U.PLANNED, U.ONGOING},
            _to(U.ONGOING, U.PLANNED),
        ),
    },
)

SLOT_FAMILY = Family(
    SLOT_STATES,
    slot_in,
    S.values,
    {
        "reception_check_in": Step(
            lambda dw, s: actions.reception_check_in(
                actor=dw.station_staff, station=dw.station, deputy=s.deputy
            ),
            {S.ASSIGNED},
            _to(S.PRESENT, S.ASSIGNED),
        ),
        "duty_slot_remove": Step(
            lambda dw, s: actions.duty_slot_remove(actor=dw.office, slot=s),
            {S.ASSIGNED},
            _to(DELETED, S.ASSIGNED),
        ),
        # Closing the day marks those who never came absent.
        "unified_day_close": Step(
            lambda dw, s: actions.unified_day_close(actor=dw.office, day=s.post.day),
            {S.ASSIGNED, S.PRESENT},
            _to(S.ABSENT, S.ASSIGNED),
        ),
    },
)

RANKING_FAMILY = Family(
    RANKING_STATES,
    ranking_in,
    K.values,
    {
        "ranking_withdraw": Step(
            lambda dw, r: actions.ranking_withdraw(actor=dw.office, ranking=r, note="数据有误"),
            {K.PUBLISHED},
            _to(K.WITHDRAWN, K.PUBLISHED),
        ),
        # Publishing the same quarter again replaces (withdraws) the earlier ranking.
        "ranking_publish": Step(
            lambda dw, r: publish(dw),
            {K.PUBLISHED, K.WITHDRAWN},
            _to(K.WITHDRAWN, K.PUBLISHED),
        ),
    },
)

FAMILIES = {
    "activity": ACTIVITY,
    "participation": PARTICIPATION,
    "duty_report": REPORT_FAMILY,
    "unified_day": DAY_FAMILY,
    "duty_slot": SLOT_FAMILY,
    "points_ranking": RANKING_FAMILY,
}

# Cases the walk leaves to the dedicated (failing, reported) tests below.
KNOWN_BUGS: set[tuple[str, str]] = set()


def _stored_state(obj) -> str:
    try:
        obj.refresh_from_db()
    except type(obj).DoesNotExist:
        return DELETED
    return obj.state


@pytest.mark.parametrize(
    ("family", "state"), [(name, s) for name, f in FAMILIES.items() for s in f.states]
)
def test_every_action_in_state(dw, family, state):
    """Each action once against an object in ``state``: refusals share one object (and
    leave no trace: no audit entry, no change of state); each allowed action gets a
    fresh one, writes one audit entry and leaves it in the table's next state."""
    fam = FAMILIES[family]
    stored = fam.stored.get(state, state)
    shared = fam.setup(dw, state)
    problems = []
    for name, step in fam.steps.items():
        if (name, state) in KNOWN_BUGS:
            continue
        allowed = state in step.allowed
        obj = fam.setup(dw, state) if allowed else shared
        before = AuditEntry.objects.count()
        try:
            step.call(dw, obj)
        except (InvalidTransition, ValidationError, PermissionDenied) as exc:
            if allowed:
                problems.append(f"{name}: refused ({exc})")
        else:
            if not allowed:
                problems.append(f"{name}: allowed")
                shared = fam.setup(dw, state)
                continue
        delta = AuditEntry.objects.count() - before
        if delta != (1 if allowed else 0):
            problems.append(f"{name}: {delta} audit entries")
        expected = step.result.get(stored, stored) if allowed else stored
        if _stored_state(obj) != expected:
            problems.append(f"{name}: left in {obj.state}, expected {expected}")
    assert not problems, problems


def test_every_edge_is_taken_by_some_action():
    """The allowed steps above (each checked against the real actions) move objects
    along every edge of every table, and along no other."""
    untaken: dict[str, set] = {}
    outside: dict[str, set] = {}
    for name, fam in FAMILIES.items():
        taken = {
            (f, to)
            for step in fam.steps.values()
            for f, to in step.result.items()
            if f in step.allowed and to not in (f, DELETED)
        }
        edges = set(fam.table.edges)
        assert taken - edges == outside.get(name, set()), name
        assert edges - taken == untaken.get(name, set()), name


WALKED_ELSEWHERE = {
    # Creating objects (every walk starts with them) and reference data without a state
    # table: tests/duties/test_actions.py.
    "activity_record",
    "activity_report",
    "report_schedule",
    "unified_day_create",
    "reception_visitors_add",
    "points_rule_set",
    "points_rule_clear",
    "award_record",
    "award_delete",
}


def test_every_workflow_action_is_walked():
    every = {name for name in actions.__all__ if hasattr(getattr(actions, name), "__wrapped__")}
    here = {name for fam in FAMILIES.values() for name in fam.steps}
    assert here <= every, here - every
    assert every - here == WALKED_ELSEWHERE


# ---------------------------------------------------------------- timeline


def test_every_step_of_a_report_to_voters_writes_a_timeline_row(dw):
    m = report_in(dw, R.CLOSED)
    rows = TimelineEvent.objects.filter(workflow="duty_report", object_id=str(m.report.pk))
    # The public sees that the deputy reported and the result.
    assert list(rows.order_by("id").values_list("verb", "public")) == [
        ("report", True),
        ("open_voting", False),
        ("close_voting", True),
    ]


# ---------------------------------------------------------------- core bugs (reported)


def test_autoconfirm_refuses_a_disputed_record(dw):
    """The sweep reads pending rows, but a deputy may dispute between the read and the
    autoconfirm: the action itself must keep to pending rows, as its docstring says
    (the table's disputed → confirmed edge is the deputy's own confirmation)."""
    p = participation_in(dw, P.DISPUTED)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        actions.participations_autoconfirm(participation=p)
    assert _stored_state(p) == P.DISPUTED and AuditEntry.objects.count() == before


def test_a_slot_of_a_cancelled_day_cannot_be_removed(dw):
    """Like assigning, removing a deputy from a day that was called off changes a
    finished record (and notifies the deputy twice)."""
    day = day_in(dw, U.CANCELLED)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        actions.duty_slot_remove(actor=dw.office, slot=slot_of(day))
    assert AuditEntry.objects.count() == before


def test_visitors_cannot_be_added_to_a_cancelled_reception(dw):
    """A cancelled activity leaves every ledger and refuses edits (update, attach);
    counting visitors on it is an edit too."""
    part = actions.reception_check_in(actor=dw.dep_user, station=dw.station)
    activity = part.activity
    actions.reception_visitors_add(actor=dw.station_staff, activity=activity, count=2)
    actions.activity_cancel(actor=dw.station_staff, activity=activity, note="误签到")
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        actions.reception_visitors_add(actor=dw.station_staff, activity=activity, count=1)
    assert AuditEntry.objects.count() == before


def test_adding_a_removed_deputy_again_goes_through_the_state_table(dw):
    """activity_add_deputies moves a removed participation back to pending with a plain
    save: no edge of PARTICIPATION_STATES allows it and no timeline row tells it."""
    p = participation_in(dw, P.REMOVED)
    actions.activity_add_deputies(actor=dw.office, activity=p.activity, deputies=[dw.dep])
    assert _stored_state(p) == P.PENDING
    assert PARTICIPATION_STATES.allows(P.REMOVED, P.PENDING)
    assert TimelineEvent.objects.filter(
        workflow="participation", object_id=str(p.pk), from_state=P.REMOVED, to_state=P.PENDING
    ).exists()
