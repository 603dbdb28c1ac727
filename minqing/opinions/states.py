"""The state tables of the 民情 loop (DOMAIN.md §3).

Opinion::

    received ─┬─ escalate ──→ triage ─┬─ forward ─→ forwarded ─ sign ─→ handling ─ reply ─→ replied
              ├─ forward ───────────→─┘             │ return            │ return             │
              ├─ answer / merge / decline / to_suggestion (also from triage)                  │
              │                      triage ←───────┴───────────────────┘                    │
              │                                   handling ←─ rehandle (不满意, once) ─────────┤
              └──────────────────────────────────────────────────── closed ←─ rate / close ──┘

Extension requests: pending → approved | refused. Meeting requests: requested → accepted |
declined.
"""

from minqing.core.states import StateTable
from minqing.opinions.models import ExtensionState, MeetingState, OpinionState

S = OpinionState
OPINION_STATES = StateTable(
    name="opinion",
    states=OpinionState,
    initial=S.RECEIVED,
    edges={
        (S.RECEIVED, S.TRIAGE): "escalate",
        (S.RECEIVED, S.FORWARDED): "forward",
        (S.RECEIVED, S.CLOSED): "answer",
        (S.RECEIVED, S.MERGED): "merge",
        (S.RECEIVED, S.DECLINED): "decline",
        (S.RECEIVED, S.SUGGESTION): "to_suggestion",
        (S.TRIAGE, S.FORWARDED): "forward",
        (S.TRIAGE, S.CLOSED): "answer",
        (S.TRIAGE, S.MERGED): "merge",
        (S.TRIAGE, S.DECLINED): "decline",
        (S.TRIAGE, S.SUGGESTION): "to_suggestion",
        (S.FORWARDED, S.HANDLING): "sign",
        (S.FORWARDED, S.TRIAGE): "return",
        (S.HANDLING, S.TRIAGE): "return",
        (S.HANDLING, S.REPLIED): "reply",
        (S.REPLIED, S.CLOSED): "rate",
        (S.REPLIED, S.HANDLING): "rehandle",
    },
)

E = ExtensionState
EXTENSION_STATES = StateTable(
    name="opinion_extension",
    states=ExtensionState,
    initial=E.PENDING,
    edges={(E.PENDING, E.APPROVED): "approve", (E.PENDING, E.REFUSED): "refuse"},
)

M = MeetingState
MEETING_STATES = StateTable(
    name="meeting",
    states=MeetingState,
    initial=M.REQUESTED,
    edges={(M.REQUESTED, M.ACCEPTED): "accept", (M.REQUESTED, M.DECLINED): "decline"},
)
