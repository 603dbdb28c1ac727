"""Every write of the motion and suggestion workflow (DOMAIN §4), by who takes it.

Each action checks permission, moves the state through ``states.py``, writes exactly
one audit entry and notifies on commit.
"""

from minqing.suggestions.actions.deputy import (
    signer_confirm,
    signer_decline,
    suggestion_create,
    suggestion_invite,
    suggestion_submit,
    suggestion_update,
)
from minqing.suggestions.actions.feedback import suggestion_feedback
from minqing.suggestions.actions.office import (
    Plan,
    motion_decide,
    suggestion_accept,
    suggestion_assign,
    suggestion_close,
    suggestion_reject,
    suggestion_supervise,
    suggestions_assign_batch,
)
from minqing.suggestions.actions.requests import extension_decide, reassign_decide
from minqing.suggestions.actions.sessions import session_create, session_update
from minqing.suggestions.actions.system import (
    commitments_carry_over,
    suggestion_close_unrated,
    suggestion_remind,
)
from minqing.suggestions.actions.unit import (
    assignment_accept,
    assignment_contact,
    cohandler_view,
    commitment_fulfil,
    commitment_progress,
    extension_request,
    reassign_request,
    suggestion_reply,
)
from minqing.suggestions.actions.withdraw import (
    signer_agree_withdraw,
    signer_refuse_withdraw,
    suggestion_withdraw,
)

__all__ = [
    "Plan",
    "assignment_accept",
    "assignment_contact",
    "cohandler_view",
    "commitment_fulfil",
    "commitment_progress",
    "commitments_carry_over",
    "extension_decide",
    "extension_request",
    "motion_decide",
    "reassign_decide",
    "reassign_request",
    "session_create",
    "session_update",
    "signer_agree_withdraw",
    "signer_confirm",
    "signer_decline",
    "signer_refuse_withdraw",
    "suggestion_accept",
    "suggestion_assign",
    "suggestion_close",
    "suggestion_close_unrated",
    "suggestion_create",
    "suggestion_feedback",
    "suggestion_invite",
    "suggestion_reject",
    "suggestion_remind",
    "suggestion_reply",
    "suggestion_submit",
    "suggestion_supervise",
    "suggestion_update",
    "suggestion_withdraw",
    "suggestions_assign_batch",
]
