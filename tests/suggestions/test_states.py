"""The state tables of the motion and suggestion workflow, walked edge by edge, with
every state reached through the real actions; and every action against every state of
an item: exactly one audit entry when it is allowed, none when it is refused."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from minqing.core.models import AuditEntry, TimelineEvent
from minqing.core.states import InvalidTransition, StateTable, transition
from minqing.suggestions import actions
from minqing.suggestions.models import (
    AssignmentState,
    CommitmentState,
    RequestState,
    SignerState,
    SuggestionState,
)
from minqing.suggestions.states import (
    ASSIGNMENT_STATES,
    COMMITMENT_STATES,
    REQUEST_STATES,
    SIGNER_STATES,
    SUGGESTION_STATES,
)
from tests.suggestions.factories import draft, drive, pdf_document, reply_as_lead
from tests.suggestions.factories_core import ALL_STATES, MOTION_SUBMITTED, at, item, part, reply

pytestmark = pytest.mark.django_db
S = SuggestionState
A = AssignmentState
DAY = dt.date(2026, 3, 2)  # a Monday; every item of a test lives on this day
LATER = dt.date(2026, 6, 1)  # past every feedback deadline of DAY


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


# ---------------------------------------------------------------- the tables


def test_tables_name_every_state_and_their_terminal_states():
    tables = [
        (
            SUGGESTION_STATES,
            {S.WITHDRAWN, S.NOT_ACCEPTED, S.CLOSED, S.ON_AGENDA, S.NOT_PLACED, S.CONVERTED},
        ),
        (ASSIGNMENT_STATES, {A.REMOVED}),
        (SIGNER_STATES, {SignerState.CONFIRMED, SignerState.DECLINED}),
        (REQUEST_STATES, {RequestState.APPROVED, RequestState.REFUSED}),
        (COMMITMENT_STATES, {CommitmentState.FULFILLED}),
    ]
    for table, terminal in tables:
        reachable = {b for (_a, b) in table.edges} | {table.initial}
        assert reachable == set(table.states.values), table.name
        assert {s for s in table.states.values if not table.targets(s)} == terminal, table.name
    assert SUGGESTION_STATES.initial == S.DRAFT and ASSIGNMENT_STATES.initial == A.PENDING
    # Nothing goes back before assignment once assigned, and a withdrawal is only before.
    assert {a for (a, b) in SUGGESTION_STATES.edges if b == S.WITHDRAWN} == {
        S.DRAFT,
        S.SUBMITTED,
        S.ACCEPTED,
    }


@pytest.mark.parametrize("from_state", S.values)
def test_every_suggestion_edge(sw, from_state):
    s = item(sw, from_state)
    assert s.state == from_state
    walk(SUGGESTION_STATES, s, from_state, sw.office)


def _assignment_in(sw, state: str):
    s = item(sw, S.ASSIGNED, co_unit=False)
    lead = part(s, sw.lead_unit)
    if state == A.ACCEPTED:
        actions.assignment_accept(actor=sw.lead_staff, assignment=lead)
    elif state in (A.REASSIGNING, A.REMOVED):
        request = actions.reassign_request(
            actor=sw.lead_staff, assignment=lead, reason="此事属于城市管理局的职责，申请调整。"
        )
        if state == A.REMOVED:
            actions.reassign_decide(
                actor=sw.office, request=request, approve=True, new_unit=sw.spare_unit
            )
    elif state == A.ANSWERED:
        reply(sw, lead)
    lead.refresh_from_db()
    return lead


@pytest.mark.parametrize("from_state", A.values)
def test_every_assignment_edge(sw, from_state):
    walk(ASSIGNMENT_STATES, _assignment_in(sw, from_state), from_state, sw.office)


@pytest.mark.parametrize("from_state", SignerState.values)
def test_every_signer_edge(sw, from_state):
    s = draft(sw, joint=True)
    signer = s.signers.get(deputy=sw.co)
    if from_state == SignerState.CONFIRMED:
        actions.signer_confirm(actor=sw.co_user, signer=signer)
    elif from_state == SignerState.DECLINED:
        actions.signer_decline(actor=sw.co_user, signer=signer)
    signer.refresh_from_db()
    walk(SIGNER_STATES, signer, from_state, sw.co_user)


def _request_in(sw, kind: str, state: str):
    s = item(sw, S.ASSIGNED, co_unit=False)
    lead = part(s, sw.lead_unit)
    if kind == "reassign":
        obj = actions.reassign_request(
            actor=sw.lead_staff, assignment=lead, reason="此事属于城市管理局的职责，申请调整。"
        )
        if state != RequestState.PENDING:
            actions.reassign_decide(
                actor=sw.office,
                request=obj,
                approve=state == RequestState.APPROVED,
                new_unit=sw.spare_unit,
                note="经研究，仍由住建局办理。",
            )
    else:
        actions.assignment_accept(actor=sw.lead_staff, assignment=lead)
        lead.refresh_from_db()
        obj = actions.extension_request(
            actor=sw.lead_staff,
            assignment=lead,
            new_due=lead.reply_due + dt.timedelta(days=30),
            reason="需会同财政部门测算补贴资金。",
        )
        if state != RequestState.PENDING:
            actions.extension_decide(
                actor=sw.office, extension=obj, approve=state == RequestState.APPROVED
            )
    obj.refresh_from_db()
    return obj


@pytest.mark.parametrize("kind", ["reassign", "extension"])
@pytest.mark.parametrize("from_state", RequestState.values)
def test_every_request_edge(sw, kind, from_state):
    walk(REQUEST_STATES, _request_in(sw, kind, from_state), from_state, sw.office)


@pytest.mark.parametrize("from_state", CommitmentState.values)
def test_every_commitment_edge(sw, from_state):
    s = drive(sw, draft(sw), S.ASSIGNED, co_unit=False)
    reply_as_lead(sw, s, result_class="B", commitments=[("年内完成补贴办法修订", None)])
    c = s.commitments.get()
    if from_state == CommitmentState.FULFILLED:
        actions.commitment_fulfil(actor=sw.lead_staff, commitment=c, note="补贴办法已印发。")
    c.refresh_from_db()
    walk(COMMITMENT_STATES, c, from_state, sw.lead_staff)


def test_a_decided_request_cannot_be_decided_again(sw):
    for kind, approve in itertools.product(["reassign", "extension"], [True, False]):
        state = RequestState.APPROVED if approve else RequestState.REFUSED
        obj = _request_in(sw, kind, state)
        before = AuditEntry.objects.count()
        with pytest.raises(InvalidTransition):
            if kind == "reassign":
                actions.reassign_decide(
                    actor=sw.office,
                    request=obj,
                    approve=not approve,
                    new_unit=sw.co_unit,
                    note="重复决定。",
                )
            else:
                actions.extension_decide(actor=sw.office, extension=obj, approve=not approve)
        assert AuditEntry.objects.count() == before


# ---------------------------------------------------------------- timeline


def test_every_step_writes_a_timeline_row(sw):
    s = drive(sw, draft(sw, joint=True), S.CLOSED)
    verbs = list(
        TimelineEvent.objects.filter(workflow="suggestion", object_id=str(s.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "create",
        "submit",
        "accept",
        "assign",
        "unit_accept",
        "contact",
        "unit_reply",
        "reply",
        "feedback",
        "close",
    ]


# ---------------------------------------------------------------- every action, every state


def _later(fn):
    with at(LATER):
        return fn()


def _do(sw, name: str, s):
    """Call action ``name`` on item ``s`` as the right actor with valid input."""
    o, lead_user = sw.office, sw.lead_user
    calls = {
        "submit": lambda: actions.suggestion_submit(actor=lead_user, suggestion=s),
        "update": lambda: actions.suggestion_update(
            actor=lead_user, suggestion=s, data={"title": "关于老旧小区加装电梯的建议（修改稿）"}
        ),
        "invite": lambda: actions.suggestion_invite(
            actor=lead_user, suggestion=s, deputies=[sw.other_deputy]
        ),
        "withdraw": lambda: actions.suggestion_withdraw(
            actor=lead_user, suggestion=s, reason="已通过其他渠道解决。"
        ),
        "accept": lambda: actions.suggestion_accept(actor=o, suggestion=s),
        "reject": lambda: actions.suggestion_reject(
            actor=o, suggestion=s, reason="personal", note="属于代表个人事项。"
        ),
        "motion_decide": lambda: actions.motion_decide(actor=o, suggestion=s, decision="agenda"),
        "assign": lambda: actions.suggestion_assign(actor=o, suggestion=s, lead_unit=sw.spare_unit),
        "supervise": lambda: actions.suggestion_supervise(
            actor=o, suggestion=s, kind="key", leader="李副主任", body="财经委"
        ),
        "close": lambda: _later(lambda: actions.suggestion_close(actor=o, suggestion=s)),
        "feedback": lambda: actions.suggestion_feedback(
            actor=lead_user,
            reply=s.replies.order_by("-round", "-id").first(),
            result_level="satisfied",
            contact_level="satisfied",
        ),
        "assignment_accept": lambda: actions.assignment_accept(
            actor=sw.lead_staff, assignment=part(s, sw.lead_unit)
        ),
        "reassign_request": lambda: actions.reassign_request(
            actor=sw.lead_staff,
            assignment=part(s, sw.lead_unit),
            reason="此事属于城市管理局的职责，申请调整。",
        ),
        "contact": lambda: actions.assignment_contact(
            actor=sw.lead_staff,
            assignment=part(s, sw.lead_unit),
            method="phone",
            note="电话联系领衔代表。",
        ),
        "reply": lambda: actions.suggestion_reply(
            actor=sw.lead_staff,
            assignment=part(s, sw.lead_unit),
            result_class="A",
            text="经研究，我局已修订加装电梯补贴办法，提高补贴标准并简化审批流程。",
            signed_by="张局长",
            document=pdf_document(),
        ),
        "extension_request": lambda: actions.extension_request(
            actor=sw.lead_staff,
            assignment=part(s, sw.lead_unit),
            new_due=part(s, sw.lead_unit).reply_due + dt.timedelta(days=20),
            reason="需会同财政部门测算补贴资金。",
        ),
        "cohandler_view": lambda: actions.cohandler_view(
            actor=sw.co_staff,
            assignment=part(s, sw.co_unit),
            text="建议同步优化公交站点设置，方便老年人出行。",
        ),
    }
    return calls[name]()


PUBLISHED = {S.SUBMITTED, S.ACCEPTED, S.ASSIGNED, S.REPLIED, S.REHANDLING}
MOTION_DONE = {S.ON_AGENDA, S.NOT_PLACED, S.CONVERTED}
ALLOWED = {
    "submit": {S.DRAFT},
    "update": {S.DRAFT},
    "invite": {S.DRAFT},
    # A motion with co-signers: the lead's request to withdraw (one audit entry).
    "withdraw": {S.DRAFT, S.SUBMITTED, S.ACCEPTED, MOTION_SUBMITTED},
    "accept": {S.SUBMITTED},
    "reject": {S.SUBMITTED},
    "motion_decide": {MOTION_SUBMITTED},
    "assign": {S.ACCEPTED},
    # Not for finished items: closed, or a motion not placed on the agenda or converted.
    "supervise": (PUBLISHED - {S.CLOSED}) | {S.ON_AGENDA, MOTION_SUBMITTED},
    "close": {S.REPLIED},
    "feedback": {S.REPLIED},
    "assignment_accept": {S.ASSIGNED},
    # Within the 7 working days of the assignment (everything here happens on DAY).
    "reassign_request": {S.ASSIGNED, S.REHANDLING},
    "contact": {S.REPLIED, S.REHANDLING, S.CLOSED},
    "reply": {S.REHANDLING},
    "extension_request": {S.REHANDLING},
    "cohandler_view": {S.ASSIGNED, S.REPLIED, S.REHANDLING},
}
# The states in which the action's object exists: replies for feedback, units' parts for
# the unit actions; the item itself for the rest.
WITH_REPLIES = {S.REPLIED, S.REHANDLING, S.CLOSED}
WITH_PARTS = {S.ASSIGNED} | WITH_REPLIES
UNIT_ACTIONS = {
    "assignment_accept",
    "reassign_request",
    "contact",
    "reply",
    "extension_request",
    "cohandler_view",
}


def _applicable(name: str) -> set[str]:
    if name == "feedback":
        return WITH_REPLIES
    if name in UNIT_ACTIONS:
        return WITH_PARTS
    return set(ALL_STATES)


# Cases the walk leaves to dedicated tests (none at present).
KNOWN_BUGS: set[tuple[str, str]] = set()


def _fresh(sw, name: str, state: str):
    s = item(sw, state)
    if name == "cohandler_view":
        co = part(s, sw.co_unit)
        # The co-handler signs first (its own audit entry) while the item is in handling.
        if co.state == A.PENDING and state != S.CLOSED:
            actions.assignment_accept(actor=sw.co_staff, assignment=co)
    return s


@pytest.mark.parametrize("state", ALL_STATES)
def test_every_action_in_state(sw, state):
    """Each action once against an item in ``state``: refusals share one item (they
    leave no trace: that is checked too); each allowed action gets a fresh one."""
    shared = item(sw, state)
    expected_state = S.SUBMITTED if state == MOTION_SUBMITTED else state
    problems = []
    for name in sorted(ALLOWED):
        if state not in _applicable(name) or (name, state) in KNOWN_BUGS:
            continue
        allowed = state in ALLOWED[name]
        s = _fresh(sw, name, state) if allowed or name == "cohandler_view" else shared
        audits = AuditEntry.objects.count()
        try:
            _do(sw, name, s)
        except (InvalidTransition, ValidationError, PermissionDenied) as exc:
            if allowed:
                problems.append(f"{name}: refused ({exc})")
        else:
            if not allowed:
                problems.append(f"{name}: allowed")
                shared = item(sw, state)
                continue
        delta = AuditEntry.objects.count() - audits
        if delta != (1 if allowed else 0):
            problems.append(f"{name}: {delta} audit entries")
        if not allowed:
            shared.refresh_from_db()
            if shared.state != expected_state:
                problems.append(f"{name}: refused but moved the item to {shared.state}")
    assert not problems, problems


@pytest.mark.parametrize("state", [S.REPLIED, S.CLOSED, "reassigning"])
def test_a_unit_cannot_sign_again_for_an_answered_or_reassigning_part(sw, state):
    if state == "reassigning":
        s = item(sw, S.ASSIGNED)
        actions.reassign_request(
            actor=sw.lead_staff,
            assignment=part(s, sw.lead_unit),
            reason="此事属于城市管理局的职责，申请调整。",
        )
    else:
        s = item(sw, state)
    lead = part(s, sw.lead_unit)
    # A closed item is refused before the state table is asked.
    with pytest.raises(ValidationError if state == S.CLOSED else InvalidTransition):
        actions.assignment_accept(actor=sw.lead_staff, assignment=lead)


# Action names of ALLOWED that are not "suggestion_<name>".
_FULL = {"contact": "assignment_contact"}
WALKED_ELSEWHERE = {
    # Every item starts with it; the tables' walks above; test_actions.py, test_tasks.py.
    "suggestion_create",
    "signer_confirm",
    "signer_decline",
    "signer_agree_withdraw",
    "signer_refuse_withdraw",
    "reassign_decide",
    "extension_decide",
    "commitment_fulfil",
    "commitment_progress",
    "suggestions_assign_batch",
    "suggestion_close_unrated",
    "commitments_carry_over",
    # Plenary sessions: reference data without a state table (test_sessions.py).
    "session_create",
    "session_update",
}


def test_every_workflow_action_is_walked():
    from minqing.suggestions import actions as package

    # Every action the package exports, whichever module it lives in.
    every = {
        name
        for name in package.__all__
        if hasattr(getattr(package, name), "__wrapped__")  # @transaction.atomic actions
    }
    here = set()
    for name in ALLOWED:
        full = _FULL.get(name, name)
        here.add(full if full in every else f"suggestion_{full}")
    assert here <= every, here - every
    # suggestion_remind lives in tasks.py until it moves into actions/system.py.
    assert every - here == WALKED_ELSEWHERE | ({"suggestion_remind"} & every)
