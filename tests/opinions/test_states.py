"""The opinion state table, walked edge by edge, and every action against every state."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from minqing.core.models import AuditEntry, TimelineEvent
from minqing.core.states import InvalidTransition, transition
from minqing.opinions import actions
from minqing.opinions.models import (
    ExtensionState,
    MeetingState,
    OpinionExtension,
    OpinionState,
)
from minqing.opinions.states import EXTENSION_STATES, MEETING_STATES, OPINION_STATES
from tests.opinions.factories import REPLY_TEXT, drive, submit

pytestmark = pytest.mark.django_db
S = OpinionState


def test_table_lists_every_state_and_terminal_states_have_no_exit():
    assert OPINION_STATES.initial == S.RECEIVED
    for final in (S.CLOSED, S.MERGED, S.DECLINED, S.SUGGESTION):
        assert OPINION_STATES.targets(final) == []
    reachable = {b for (_, b) in OPINION_STATES.edges} | {S.RECEIVED}
    assert reachable == set(S.values)


@pytest.mark.parametrize("from_state", list(S))
def test_every_edge_from_state(world, from_state):
    opinion = drive(world, submit(world), from_state)
    for to_state in S:
        allowed = OPINION_STATES.allows(from_state, to_state)
        with transaction.atomic():
            sid = transaction.savepoint()
            if allowed:
                event = transition(opinion, table=OPINION_STATES, to=to_state, actor=world.office)
                assert (event.from_state, event.to_state) == (from_state, to_state)
            else:
                with pytest.raises(InvalidTransition):
                    transition(opinion, table=OPINION_STATES, to=to_state, actor=world.office)
            transaction.savepoint_rollback(sid)
        opinion.state = from_state


def _do(world, name, opinion):
    """Call action ``name`` on ``opinion`` as the right actor with valid input."""
    if name == "answer":
        return actions.opinion_answer(
            actor=world.station_staff, opinion=opinion, public_text=REPLY_TEXT
        )
    if name == "escalate":
        return actions.opinion_escalate(actor=world.station_staff, opinion=opinion)
    if name == "to_suggestion":
        return actions.opinion_to_suggestion(actor=world.deputy_user, opinion=opinion)
    if name == "classify":
        return actions.opinion_classify(
            actor=world.office, opinion=opinion, kind="complaint", category="housing"
        )
    if name == "merge":
        return actions.opinion_merge(actor=world.office, opinion=opinion, master=submit(world))
    if name == "decline":
        return actions.opinion_decline(
            actor=world.office,
            opinion=opinion,
            reason="arbitration",
            note="请向劳动仲裁委员会申请仲裁。",
        )
    if name == "forward":
        return actions.opinion_forward(
            actor=world.office, opinion=opinion, unit=world.district_unit
        )
    if name == "sign":
        return actions.opinion_sign(actor=world.unit_staff, opinion=opinion)
    if name == "return":
        return actions.opinion_return(
            actor=world.unit_staff, opinion=opinion, reason="此事属于区城管局职责，请改交。"
        )
    if name == "contact":
        return actions.opinion_contact(
            actor=world.unit_staff, opinion=opinion, method="phone", note="已电话联系群众"
        )
    if name == "reply":
        return actions.opinion_reply(
            actor=world.unit_staff, opinion=opinion, public_text=REPLY_TEXT, resolution="solved"
        )
    if name == "extension":
        return actions.extension_request(
            actor=world.unit_staff, opinion=opinion, working_days=5, reason="需协调供电部门施工"
        )
    if name == "rate":
        return actions.opinion_rate(opinion=opinion, level="basic")
    raise AssertionError(name)


ALLOWED = {
    "answer": {S.RECEIVED, S.TRIAGE},
    "escalate": {S.RECEIVED},
    "to_suggestion": {S.RECEIVED, S.TRIAGE},
    "classify": {S.RECEIVED, S.TRIAGE},
    "merge": {S.RECEIVED, S.TRIAGE},
    "decline": {S.RECEIVED, S.TRIAGE},
    "forward": {S.RECEIVED, S.TRIAGE},
    "sign": {S.FORWARDED},
    "return": {S.FORWARDED, S.HANDLING},
    "contact": {S.HANDLING},
    "reply": {S.HANDLING},
    "extension": {S.FORWARDED, S.HANDLING},
    "rate": {S.REPLIED},
}


@pytest.mark.parametrize(
    ("name", "state"), list(itertools.product(sorted(ALLOWED), list(S))), ids=lambda v: str(v)
)
def test_action_in_state(world, name, state):
    opinion = drive(world, submit(world), state)
    audits = AuditEntry.objects.count()
    if state in ALLOWED[name]:
        _do(world, name, opinion)
        # exactly one audit entry per action (merge makes its master first: one more)
        assert AuditEntry.objects.count() - audits == (2 if name == "merge" else 1)
    else:
        with pytest.raises((InvalidTransition, ValidationError, PermissionDenied)):
            _do(world, name, opinion)
        assert AuditEntry.objects.count() - audits == (1 if name == "merge" else 0)


def test_rehandle_once_then_close(world):
    opinion = drive(world, submit(world), S.REPLIED)
    actions.opinion_rate(opinion=opinion, level="unsatisfied", comment="路灯修了又坏，没有根治")
    opinion.refresh_from_db()
    assert opinion.state == S.HANDLING and opinion.rehandle_count == 1
    assert opinion.assignment.round == 2 and opinion.assignment.signed_at is not None
    actions.opinion_reply(
        actor=world.unit_staff, opinion=opinion, public_text=REPLY_TEXT, resolution="solved"
    )
    opinion.refresh_from_db()
    actions.opinion_rate(opinion=opinion, level="unsatisfied", comment="仍然不满意，问题没解决")
    opinion.refresh_from_db()
    assert opinion.state == S.CLOSED and opinion.satisfaction == "unsatisfied"
    assert opinion.ratings.count() == 2


def test_unsatisfied_needs_a_reason(world):
    opinion = drive(world, submit(world), S.REPLIED)
    with pytest.raises(ValidationError) as exc:
        actions.opinion_rate(opinion=opinion, level="unsatisfied")
    assert "不满意的原因" in str(exc.value)


def test_extension_table_walk(world):
    for approve, final in ((True, ExtensionState.APPROVED), (False, ExtensionState.REFUSED)):
        opinion = drive(world, submit(world), S.HANDLING)
        ext = _do(world, "extension", opinion)
        actions.extension_decide(actor=world.office, extension=ext, approve=approve)
        ext.refresh_from_db()
        assert ext.state == final
        with pytest.raises(InvalidTransition):
            actions.extension_decide(actor=world.office, extension=ext, approve=not approve)
    assert set(EXTENSION_STATES.edges) == {
        (ExtensionState.PENDING, ExtensionState.APPROVED),
        (ExtensionState.PENDING, ExtensionState.REFUSED),
    }


def test_one_pending_extension_at_a_time(world):
    opinion = drive(world, submit(world), S.HANDLING)
    _do(world, "extension", opinion)
    with pytest.raises(ValidationError):
        _do(world, "extension", opinion)
    assert OpinionExtension.objects.filter(opinion=opinion).count() == 1


def test_meeting_table_walk(world):
    later = timezone.now() + dt.timedelta(days=3)
    for accept in (True, False):
        opinion = actions.meeting_request(
            station=world.station,
            data=__import__("tests.opinions.factories").opinions.factories.citizen_data(),
            deputy=world.deputy,
        )
        meeting = opinion.meeting
        if accept:
            actions.meeting_accept(actor=world.deputy_user, meeting=meeting, meet_at=later)
            expected = MeetingState.ACCEPTED
        else:
            actions.meeting_decline(actor=world.deputy_user, meeting=meeting, reason="本周外出调研")
            expected = MeetingState.DECLINED
        meeting.refresh_from_db()
        assert meeting.state == expected
        with pytest.raises(InvalidTransition):
            actions.meeting_decline(actor=world.deputy_user, meeting=meeting, reason="重复操作")
    assert len(MEETING_STATES.edges) == 2


def test_every_step_writes_a_timeline_row(world):
    opinion = drive(world, submit(world), S.CLOSED)
    verbs = list(
        TimelineEvent.objects.filter(workflow="opinion", object_id=str(opinion.pk)).values_list(
            "verb", flat=True
        )
    )
    assert verbs == ["receive", "forward", "sign", "reply", "rate"]
