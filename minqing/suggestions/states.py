"""The state tables of the motion and suggestion workflow (DOMAIN §4).

- ``SUGGESTION_STATES``: the item, from the deputy's draft to 办结.
- ``ASSIGNMENT_STATES``: one unit's part in it (签收, 调整交办, 答复/会办意见, 重办).
- ``SIGNER_STATES``: a co-signer's confirmation.
- ``REQUEST_STATES``: a reassignment or extension request (one table, two models).
- ``COMMITMENT_STATES``: a class-B promise until it is kept.
"""

from __future__ import annotations

from minqing.core.states import StateTable
from minqing.suggestions.models import (
    AssignmentState,
    CommitmentState,
    RequestState,
    SignerState,
    SuggestionState,
)

S = SuggestionState
SUGGESTION_STATES = StateTable(
    name="suggestion",
    states=SuggestionState,
    initial=S.DRAFT,
    edges={
        (S.DRAFT, S.SUBMITTED): "submit",
        (S.DRAFT, S.WITHDRAWN): "withdraw",
        (S.SUBMITTED, S.WITHDRAWN): "withdraw",
        (S.ACCEPTED, S.WITHDRAWN): "withdraw",
        # Screening of suggestions by the office.
        (S.SUBMITTED, S.ACCEPTED): "accept",
        (S.SUBMITTED, S.NOT_ACCEPTED): "reject",
        # The presidium's decision on a motion.
        (S.SUBMITTED, S.ON_AGENDA): "place_on_agenda",
        (S.SUBMITTED, S.NOT_PLACED): "not_place",
        (S.SUBMITTED, S.CONVERTED): "convert",
        (S.ACCEPTED, S.ASSIGNED): "assign",
        (S.ASSIGNED, S.REPLIED): "reply",
        (S.REHANDLING, S.REPLIED): "reply",
        # 满意/基本满意, or the office closing it (feedback overdue, re-handling used up).
        (S.REPLIED, S.CLOSED): "close",
        (S.REPLIED, S.REHANDLING): "rehandle",
    },
)

A = AssignmentState
ASSIGNMENT_STATES = StateTable(
    name="suggestion_assignment",
    states=AssignmentState,
    initial=A.PENDING,
    edges={
        (A.PENDING, A.ACCEPTED): "accept",
        (A.PENDING, A.REASSIGNING): "request_reassign",
        (A.ACCEPTED, A.REASSIGNING): "request_reassign",
        # The office refuses: the unit keeps the item and handles it.
        (A.REASSIGNING, A.ACCEPTED): "keep",
        (A.REASSIGNING, A.REMOVED): "reassign",
        # A lead or separate unit's reply, or a co-handler's view to the lead.
        (A.ACCEPTED, A.ANSWERED): "answer",
        (A.ANSWERED, A.ACCEPTED): "rehandle",
    },
)

SIGNER_STATES = StateTable(
    name="suggestion_signer",
    states=SignerState,
    initial=SignerState.INVITED,
    edges={
        (SignerState.INVITED, SignerState.CONFIRMED): "confirm",
        (SignerState.INVITED, SignerState.DECLINED): "decline",
    },
)

REQUEST_STATES = StateTable(
    name="suggestion_request",
    states=RequestState,
    initial=RequestState.PENDING,
    edges={
        (RequestState.PENDING, RequestState.APPROVED): "approve",
        (RequestState.PENDING, RequestState.REFUSED): "refuse",
    },
)

COMMITMENT_STATES = StateTable(
    name="suggestion_commitment",
    states=CommitmentState,
    initial=CommitmentState.OPEN,
    edges={(CommitmentState.OPEN, CommitmentState.FULFILLED): "fulfil"},
)
