"""More helpers for the workflow's core tests (states, actions, tasks), on top of
``tests/suggestions/factories.py``.

- ``at(day)``: run the actions as if it were ``day`` (10:00 in Shanghai). Every
  suggestion action reads the date through ``django.utils.timezone``, so one patch moves
  them all, and the timestamps they store agree with the deadlines they compute.
- ``item(sw, state)``: a fresh item in any state of SUGGESTION_STATES, through the
  real actions; motions for the presidium's states (and ``MOTION_SUBMITTED``, a motion
  waiting for the presidium).
- ``motion(sw)``, ``separate(sw, s)``, ``reply(sw, part)``, ``part(s, unit)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

from minqing.suggestions import actions
from minqing.suggestions.models import Assignment, Suggestion, SuggestionState
from tests.suggestions.factories import REPLY, draft, drive, pdf_document

S = SuggestionState
SHANGHAI = ZoneInfo("Asia/Shanghai")
# A pseudo-state for the parametrised walks: a motion waiting for the presidium.
MOTION_SUBMITTED = "motion_submitted"
MOTION_DECISION = {
    S.ON_AGENDA: "agenda",
    S.NOT_PLACED: "not_placed",
    S.CONVERTED: "converted",
}
# Every state an item can be in, plus the motion waiting for its decision.
ALL_STATES = [*S.values, MOTION_SUBMITTED]


def moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


@contextmanager
def at(day: dt.date, hour: int = 10) -> Iterator[None]:
    """Run the block as if it were ``day``, ``hour`` o'clock in Shanghai."""
    with mock.patch("django.utils.timezone.now", return_value=moment(day, hour)):
        yield


def motion(sw, *, signers: int = 9) -> Suggestion:
    """A motion drafted by ``sw.lead`` with ``signers`` co-signers confirmed (the office
    adds paper signatures): 9 make the city level's 10."""
    m = draft(sw, kind="motion")
    if signers:
        actions.suggestion_invite(actor=sw.office, suggestion=m, deputies=sw.more[:signers])
    return m


def item(sw, state: str, *, joint: bool = False, co_unit: bool = True) -> Suggestion:
    """A fresh item in ``state`` (any value of SuggestionState, or MOTION_SUBMITTED)."""
    if state == MOTION_SUBMITTED or state in MOTION_DECISION:
        m = motion(sw)
        actions.suggestion_submit(actor=sw.lead_user, suggestion=m)
        if state in MOTION_DECISION:
            actions.motion_decide(actor=sw.office, suggestion=m, decision=MOTION_DECISION[state])
        m.refresh_from_db()
        return m
    return drive(sw, draft(sw, joint=joint), state, co_unit=co_unit)


def part(suggestion: Suggestion, unit) -> Assignment:
    """The unit's live part of the item."""
    return suggestion.assignments.exclude(state="removed").get(unit=unit)


def staff_of(sw, unit):
    return {
        sw.lead_unit.pk: sw.lead_staff,
        sw.co_unit.pk: sw.co_staff,
        sw.spare_unit.pk: sw.spare_staff,
        sw.far_unit.pk: sw.far_staff,
    }[unit.pk]


def reply(sw, assignment: Assignment, *, result_class: str = "A", commitments=()):
    """The part's unit signs (if pending), contacts the deputy (if it has not) and
    replies."""
    staff = staff_of(sw, assignment.unit)
    if assignment.state == "pending":
        actions.assignment_accept(actor=staff, assignment=assignment)
        assignment.refresh_from_db()
    if assignment.contacted_at is None:
        actions.assignment_contact(
            actor=staff, assignment=assignment, method="phone", note="电话联系领衔代表。"
        )
        assignment.refresh_from_db()
    return actions.suggestion_reply(
        actor=staff,
        assignment=assignment,
        result_class=result_class,
        text=REPLY,
        signed_by="王主任",
        document=pdf_document(),
        commitments=commitments,
    )


def separate(sw, suggestion: Suggestion, units=None) -> list[Assignment]:
    """Assign an accepted item for separate handling (分办) to ``units`` (default:
    the lead and co units)."""
    units = units or [sw.lead_unit, sw.co_unit]
    return actions.suggestion_assign(
        actor=sw.office, suggestion=suggestion, mode="separate", units=units
    )
