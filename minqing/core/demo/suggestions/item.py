"""One motion or suggestion and the steps that move it exactly as the actions in
``minqing.suggestions.actions`` would: the fields they set, the rows they add and the
timeline rows ``transition``/``log_event`` write, in memory (the builder writes them in
bulk). A step that would fall after *now* raises ``Cut``. The deputies' steps are here,
the office's and the units' in ``steps``."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from minqing.accounts.models import User
from minqing.core.demo.opinions.story import Cut
from minqing.core.demo.suggestion_texts import Topic
from minqing.core.demo.suggestions.steps import OfficeSteps, PdfSpec, UnitSteps
from minqing.people.models import Deputy
from minqing.suggestions.models import (
    Assignment,
    AssignmentState,
    Commitment,
    CommitmentProgress,
    Contact,
    Extension,
    Feedback,
    Level,
    ReassignRequest,
    Reminder,
    Reply,
    Signer,
    SignerState,
    SourceOpinion,
    Suggestion,
    SuggestionState,
    Supervision,
)

if TYPE_CHECKING:
    from minqing.core.demo.suggestions.planner import SuggestionBuilder

S = SuggestionState
A = AssignmentState
WORKFLOW = {
    Suggestion: "suggestion",
    Assignment: "suggestion_assignment",
    Signer: "suggestion_signer",
    ReassignRequest: "suggestion_request",
    Extension: "suggestion_request",
    Commitment: "suggestion_commitment",
}


@dataclass
class Event:
    t: dt.datetime
    seq: int
    obj: object
    workflow: str
    verb: str
    frm: str
    to: str
    public: bool
    note: str
    actor: User | None


def _overall(levels: list[str]) -> str:
    if Level.UNSATISFIED in levels:
        return Level.UNSATISFIED
    if Level.BASIC in levels:
        return Level.BASIC
    return Level.SATISFIED


class Item(OfficeSteps, UnitSteps):
    """One motion or suggestion, moved step by step as its actions would move it (the
    deputies' steps here, the office's and the units' in ``steps``)."""

    def __init__(
        self,
        b: SuggestionBuilder,
        r: random.Random,
        s: Suggestion,
        *,
        topic: Topic | None,
        values: dict[str, str],
        created: dt.datetime,
        by_office: bool = False,
    ) -> None:
        self.b, self.r, self.s = b, r, s
        self.topic, self.values, self.by_office = topic, values, by_office
        self.t = created = created.replace(microsecond=0)
        self.created = created
        self.signers: list[Signer] = []
        self.sources: list[SourceOpinion] = []
        self.parts: list[Assignment] = []
        self.requests: list[ReassignRequest] = []
        self.extensions: list[Extension] = []
        self.contacts: list[Contact] = []
        self.replies: list[Reply] = []
        self.feedback: list[Feedback] = []
        self.commitments: list[Commitment] = []
        self.progress: list[CommitmentProgress] = []
        self.supervisions: list[Supervision] = []
        self.reminders: list[Reminder] = []
        self.pdfs: list[PdfSpec] = []
        self.events: list[Event] = []
        self.converted: Item | None = None
        self.submitted_seq: int | None = None  # the order of submission (for the serial)
        self.levels: dict[int, str] = {}  # id(reply) -> the deputy's rating of its result

    # -- plumbing ---------------------------------------------------------------------

    def at(self, t: dt.datetime) -> None:
        t = max(t.replace(microsecond=0), self.t)
        if t > self.b.clock.now:
            raise Cut
        self.t = t

    def aware(self, t: dt.datetime | None = None) -> dt.datetime:
        return self.b.clock.aware(t or self.t)

    def log(
        self,
        verb: str,
        to: str | None = None,
        *,
        obj=None,
        public: bool = False,
        note: str = "",
        actor: User | None = None,
        at: dt.datetime | None = None,
    ) -> None:
        """A timeline row as ``transition``/``log_event`` write it, at the story's now
        (or ``at``, for a step of the sweep that happened in between)."""
        obj = obj if obj is not None else self.s
        frm = obj.state
        to = to or frm
        self.events.append(
            Event(
                at or self.t,
                self.b.seq(),
                obj,
                WORKFLOW[type(obj)],
                verb,
                frm,
                to,
                public,
                note,
                actor,
            )
        )
        obj.state = to

    @property
    def cfg(self):
        return self.b.config(self.s)

    @property
    def lead(self) -> Deputy:
        return self.s.lead_deputy

    def confirmed(self) -> list[Signer]:
        return [g for g in self.signers if g.state == SignerState.CONFIRMED]

    def live_parts(self) -> list[Assignment]:
        return [a for a in self.parts if a.state != A.REMOVED]

    def round_replies(self) -> list[Reply]:
        return [x for x in self.replies if x.round == self.s.round]

    # -- the deputy's steps -----------------------------------------------------------

    def create(self, actor: User | None, cosigners: list[Deputy]) -> None:
        """``suggestion_create``: the lead's signature confirmed; co-signers invited, or
        confirmed at once when the office enters a paper item (代录)."""
        s, when = self.s, self.aware()
        s.created_at = when
        self.signers.append(
            Signer(
                suggestion=s,
                deputy=s.lead_deputy,
                is_lead=True,
                state=SignerState.CONFIRMED,
                invited_at=when,
                answered_at=when,
            )
        )
        for d in cosigners:
            self.signers.append(
                Signer(
                    suggestion=s,
                    deputy=d,
                    state=SignerState.CONFIRMED if self.by_office else SignerState.INVITED,
                    invited_at=when,
                    answered_at=when if self.by_office else None,
                )
            )
        self.log("create", actor=actor)

    def invite(self, t: dt.datetime, deputies: list[Deputy]) -> None:
        """``suggestion_invite``: more co-signers on a draft (no timeline row)."""
        self.at(t)
        for d in deputies:
            self.signers.append(
                Signer(
                    suggestion=self.s, deputy=d, state=SignerState.INVITED, invited_at=self.aware()
                )
            )

    def answer(self, t: dt.datetime, signer: Signer, confirm: bool) -> None:
        """``signer_confirm`` / ``signer_decline`` in the invited deputy's account."""
        self.at(t)
        signer.answered_at = self.aware()
        to = SignerState.CONFIRMED if confirm else SignerState.DECLINED
        actor = self.b.deputy_actor(signer.deputy)
        self.log("confirm" if confirm else "decline", to, obj=signer, actor=actor)

    def link(self, opinion_id: int) -> None:
        self.sources.append(
            SourceOpinion(suggestion=self.s, opinion_id=opinion_id, linked_at=self.aware())
        )

    def submit(self, t: dt.datetime, actor: User | None) -> None:
        """``suggestion_submit``: the serial is given when the builder saves (in this
        order); the assignment deadline runs from the session's close or from today."""
        self.at(t)
        s = self.s
        s.submitted_at = self.aware()
        start = self.t.date()
        if s.session is not None and s.session.end_date > start:
            start = s.session.end_date
        due = self.b.clock.deadline(start, self.cfg["suggestion.assign_working_days"])
        s.assign_due, s.deadline_provisional = due.due, due.provisional
        self.submitted_seq = self.b.seq()
        self.log("submit", S.SUBMITTED, public=True, actor=actor)

    def withdraw(self, t: dt.datetime, actor: User | None, reason: str) -> None:
        """``suggestion_withdraw`` by the lead of an item nobody else signed."""
        self.at(t)
        self.log("withdraw", S.WITHDRAWN, note=reason, actor=actor)

    def withdraw_request(self, t: dt.datetime, actor: User | None, reason: str) -> None:
        """``suggestion_withdraw`` of a joint item: the request; every co-signer must agree."""
        self.at(t)
        self.s.withdraw_requested_at = self.aware()
        for g in self.signers:
            if g.is_lead:
                g.withdraw_agreed_at = self.aware()
        self.log("withdraw_request", note=reason, actor=actor)

    def withdraw_agree(self, t: dt.datetime, signer: Signer) -> None:
        """``signer_agree_withdraw``: the last consent withdraws the item."""
        self.at(t)
        signer.withdraw_agreed_at = self.aware()
        actor = self.b.deputy_actor(signer.deputy)
        waiting = [g for g in self.confirmed() if g.withdraw_agreed_at is None]
        if waiting:
            self.log("withdraw_agree", actor=actor)
        else:
            self.log("withdraw", S.WITHDRAWN, actor=actor)

    def withdraw_refuse(self, t: dt.datetime, signer: Signer, reason: str) -> None:
        """``signer_refuse_withdraw``: the request lapses and the item goes on."""
        self.at(t)
        self.s.withdraw_requested_at = None
        for g in self.signers:
            g.withdraw_agreed_at = None
        self.log("withdraw_refuse", note=reason, actor=self.b.deputy_actor(signer.deputy))

    def feedback_on(
        self,
        t: dt.datetime,
        reply: Reply,
        actor: User | None,
        result: str,
        contact: str,
        comment: str,
    ) -> str:
        """``suggestion_feedback``; returns "waiting", "rehandle" or "closed"."""
        self.at(t)
        s = self.s
        self.feedback.append(
            Feedback(
                reply=reply,
                deputy=s.lead_deputy,
                result_level=result,
                contact_level=contact,
                comment=comment,
                created_at=self.aware(),
            )
        )
        self.levels[id(reply)] = result
        self.log("feedback", actor=actor)
        round_replies = self.round_replies()
        rated = [x for x in round_replies if id(x) in self.levels]
        if len(rated) < len(round_replies):
            return "waiting"
        levels = [self.levels[id(x)] for x in rated]
        unhappy = [x.assignment for x in rated if self.levels[id(x)] == Level.UNSATISFIED]
        if unhappy and s.rehandle_count < self.cfg["suggestion.rehandle_limit"]:
            due = self.b.clock.month(self.t.date(), self.cfg["suggestion.rehandle_months"])
            s.round += 1
            s.rehandle_count += 1
            s.feedback_due = None
            self.log("rehandle", S.REHANDLING, public=True, note=comment[:1000], actor=actor)
            for a in unhappy:
                a.reply_due = a.reply_due_original = due.due
                a.deadline_provisional = due.provisional
                a.on_time = None
                self.log("rehandle", A.ACCEPTED, obj=a, actor=actor)
            return "rehandle"
        s.satisfaction = _overall(levels)
        s.closed_at = self.aware()
        self.log("close", S.CLOSED, public=True, actor=actor)
        return "closed"
