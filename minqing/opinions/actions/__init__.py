"""The opinion actions: every write of the 民情 loop goes through one of these.

Each checks permission, moves the state through ``states.OPINION_STATES`` (or the
extension and meeting tables), writes one audit entry and queues notifications on
commit. Grouped by who acts: intake (citizens, staff, deputies), station, office,
unit, citizen.
"""

from minqing.opinions.actions.citizen import opinion_close_unrated, opinion_rate
from minqing.opinions.actions.intake import (
    meeting_request,
    opinion_register,
    opinion_report,
    opinion_submit,
)
from minqing.opinions.actions.office import (
    extension_decide,
    opinion_classify,
    opinion_decline,
    opinion_forward,
    opinion_merge,
)
from minqing.opinions.actions.station import (
    meeting_accept,
    meeting_decline,
    opinion_answer,
    opinion_escalate,
    opinion_to_suggestion,
)
from minqing.opinions.actions.system import opinion_remind
from minqing.opinions.actions.unit import (
    extension_request,
    opinion_contact,
    opinion_reply,
    opinion_return,
    opinion_sign,
)

__all__ = [
    "extension_decide",
    "extension_request",
    "meeting_accept",
    "meeting_decline",
    "meeting_request",
    "opinion_answer",
    "opinion_classify",
    "opinion_close_unrated",
    "opinion_contact",
    "opinion_decline",
    "opinion_escalate",
    "opinion_forward",
    "opinion_merge",
    "opinion_rate",
    "opinion_register",
    "opinion_remind",
    "opinion_reply",
    "opinion_report",
    "opinion_return",
    "opinion_sign",
    "opinion_submit",
    "opinion_to_suggestion",
]
