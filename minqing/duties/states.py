"""The state tables of duty work (DOMAIN §5).

- ``ACTIVITY_STATES``: an activity. Organisers record it at once (``recorded``); a
  deputy's own report waits for approval (``pending``).
- ``PARTICIPATION_STATES``: a deputy's confirmation of an activity recorded for them.
- ``REPORT_STATES``: a report to voters, from the scheduled meeting to its verdict.
- ``UNIFIED_DAY_STATES``: a unified reception day.
- ``SLOT_STATES``: a deputy's duty slot on that day.
- ``RANKING_STATES``: a published points ranking.
"""

from __future__ import annotations

from minqing.core.states import StateTable
from minqing.duties.models import (
    ActivityState,
    ParticipationState,
    RankingState,
    ReportState,
    SlotState,
    UnifiedDayState,
)

A = ActivityState
ACTIVITY_STATES = StateTable(
    name="activity",
    states=ActivityState,
    initial=A.PENDING,
    edges={
        (A.PENDING, A.RECORDED): "approve",
        (A.PENDING, A.REJECTED): "reject",
        # The reporting deputy corrects a rejected report and sends it again.
        (A.REJECTED, A.PENDING): "resubmit",
        (A.PENDING, A.CANCELLED): "cancel",
        (A.RECORDED, A.CANCELLED): "cancel",
    },
)

P = ParticipationState
PARTICIPATION_STATES = StateTable(
    name="participation",
    states=ParticipationState,
    initial=P.PENDING,
    edges={
        (P.PENDING, P.CONFIRMED): "confirm",
        (P.PENDING, P.DISPUTED): "dispute",
        # After the organiser explains, the deputy may still confirm.
        (P.DISPUTED, P.CONFIRMED): "confirm",
        # The organiser accepts the dispute (or corrects the list) and takes them off.
        (P.DISPUTED, P.REMOVED): "remove",
        (P.PENDING, P.REMOVED): "remove",
        # The organiser upholds the record against the dispute.
        (P.DISPUTED, P.PENDING): "uphold",
        # The organiser corrects a confirmed record (attendance): the deputy confirms again.
        (P.CONFIRMED, P.PENDING): "reopen",
        # The organiser adds a removed deputy back (a mistaken removal).
        (P.REMOVED, P.PENDING): "add",
    },
)

R = ReportState
REPORT_STATES = StateTable(
    name="duty_report",
    states=ReportState,
    initial=R.SCHEDULED,
    edges={
        (R.SCHEDULED, R.REPORTED): "report",
        (R.REPORTED, R.VOTING): "open_voting",
        (R.VOTING, R.CLOSED): "close_voting",
        (R.SCHEDULED, R.CANCELLED): "cancel",
        (R.REPORTED, R.CANCELLED): "cancel",
    },
)

U = UnifiedDayState
UNIFIED_DAY_STATES = StateTable(
    name="unified_day",
    states=UnifiedDayState,
    initial=U.PLANNED,
    edges={
        (U.PLANNED, U.ONGOING): "start",
        (U.ONGOING, U.CLOSED): "close",
        (U.PLANNED, U.CANCELLED): "cancel",
    },
)

S = SlotState
SLOT_STATES = StateTable(
    name="duty_slot",
    states=SlotState,
    initial=S.ASSIGNED,
    edges={
        (S.ASSIGNED, S.PRESENT): "check_in",
        (S.ASSIGNED, S.ABSENT): "mark_absent",
    },
)

K = RankingState
RANKING_STATES = StateTable(
    name="points_ranking",
    states=RankingState,
    initial=K.PUBLISHED,
    edges={(K.PUBLISHED, K.WITHDRAWN): "withdraw"},
)
