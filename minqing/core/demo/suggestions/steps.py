"""The office's and the units' steps of an item (mixed into ``item.Item``), each writing
what its action in ``minqing.suggestions.actions.office`` or ``.unit`` writes."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from minqing.accounts.models import User
from minqing.people.models import HandlingUnit
from minqing.suggestions.models import (
    ANSWERING_ROLES,
    Assignment,
    AssignmentBatch,
    AssignmentState,
    Commitment,
    CommitmentProgress,
    CommitmentState,
    Contact,
    Extension,
    Kind,
    PresidiumDecision,
    ReassignRequest,
    RejectReason,
    Reminder,
    Reply,
    RequestState,
    Signer,
    SignerState,
    SourceOpinion,
    Suggestion,
    SuggestionState,
    Supervision,
    UnitRole,
)

if TYPE_CHECKING:
    from minqing.core.demo.suggestions.item import Item

S = SuggestionState
A = AssignmentState
DECISION_STATE = {
    PresidiumDecision.AGENDA: S.ON_AGENDA,
    PresidiumDecision.NOT_PLACED: S.NOT_PLACED,
    PresidiumDecision.CONVERTED: S.CONVERTED,
}
DECISION_VERB = {S.ON_AGENDA: "place_on_agenda", S.NOT_PLACED: "not_place", S.CONVERTED: "convert"}


@dataclass
class PdfSpec:
    """What the reply's signed document says (written when the item is saved)."""

    reply: Reply
    unit: HandlingUnit
    signed_on: dt.date


class OfficeSteps:
    """Screening, the presidium's decisions, assignment, requests, supervision, closing."""

    def accept(self, t: dt.datetime, actor: User | None, note: str = "") -> None:
        """``suggestion_accept`` after screening."""
        self.at(t)
        self.s.accepted_at = self.aware()
        self.s.screen_note = note
        self.log("accept", S.ACCEPTED, public=True, actor=actor)

    def reject(self, t: dt.datetime, actor: User | None, reason: str, note: str) -> None:
        """``suggestion_reject`` for one of DOMAIN's reasons (the timeline note is its label,
        not public)."""
        self.at(t)
        self.s.reject_reason, self.s.screen_note = reason, note
        self.log("reject", S.NOT_ACCEPTED, note=str(RejectReason(reason).label), actor=actor)

    def decide(self, t: dt.datetime, actor: User | None, decision: str, note: str) -> Item | None:
        """``motion_decide``; a conversion returns the new suggestion's item (submitted,
        same deputies and sources, its serial at conversion, deadline from today)."""
        self.at(t)
        s = self.s
        s.presidium_decision, s.screen_note = decision, note
        to = DECISION_STATE[decision]
        self.log(DECISION_VERB[to], to, public=True, note=note, actor=actor)
        if decision != PresidiumDecision.CONVERTED:
            return None
        new = Suggestion(
            code=self.b.new_code(),
            kind=Kind.SUGGESTION,
            congress=s.congress,
            region=s.region,
            session=s.session,
            timing=s.timing,
            year=s.year,
            title=s.title,
            category=s.category,
            grounds=s.grounds,
            proposal=s.proposal,
            lead_deputy=s.lead_deputy,
            contact_name=s.contact_name,
            contact_phone=s.contact_phone,
            disclosure=s.disclosure,
            converted_from=s,
            created_by=actor,
            state=S.SUBMITTED,
            submitted_at=self.aware(),
            created_at=self.aware(),
        )
        due = self.b.clock.deadline(self.t.date(), self.cfg["suggestion.assign_working_days"])
        new.assign_due, new.deadline_provisional = due.due, due.provisional
        it = type(self)(
            self.b,
            random.Random(self.r.getrandbits(64)),
            new,
            topic=self.topic,
            values=self.values,
            created=self.t,
            by_office=True,
        )
        it.submitted_seq = self.b.seq()
        for g in self.confirmed():
            it.signers.append(
                Signer(
                    suggestion=new,
                    deputy=g.deputy,
                    is_lead=g.is_lead,
                    state=SignerState.CONFIRMED,
                    invited_at=self.aware(),
                    answered_at=g.answered_at,
                )
            )
        for link in self.sources:
            it.sources.append(
                SourceOpinion(suggestion=new, opinion_id=link.opinion_id, linked_at=self.aware())
            )
        it.log("convert", public=True, actor=actor)
        self.converted = it
        return it

    def open_part(
        self,
        unit: HandlingUnit,
        role: str,
        actor: User | None,
        instructions: str,
        batch: AssignmentBatch | None,
    ) -> Assignment:
        """``office._open_assignment``: deadlines counted from today's date."""
        cfg, clock, start = self.cfg, self.b.clock, self.t.date()
        reassign = clock.deadline(start, cfg["suggestion.reassign_apply_working_days"])
        reply = clock.month(start, cfg["suggestion.reply_months"])
        view = clock.month(start, cfg["suggestion.cohandler_view_months"])
        a = Assignment(
            suggestion=self.s,
            unit=unit,
            role=role,
            batch=batch,
            instructions=instructions,
            assigned_by=actor,
            assigned_at=self.aware(),
            reassign_due=reassign.due,
            view_due=view.due if role == UnitRole.CO else None,
            reply_due=reply.due,
            reply_due_original=reply.due,
            deadline_provisional=reassign.provisional or reply.provisional,
            state=A.PENDING,
        )
        self.parts.append(a)
        return a

    def assign(
        self,
        t: dt.datetime,
        actor: User | None,
        mode: str,
        roles: list[tuple[HandlingUnit, str]],
        instructions: str,
        batch: AssignmentBatch | None = None,
    ) -> list[Assignment]:
        """``suggestion_assign`` (or one plan of ``suggestions_assign_batch``)."""
        self.at(t)
        s = self.s
        s.handling_mode = mode
        s.assigned_at = self.aware()
        names = "、".join(u.name for u, _ in roles)
        self.log("assign", S.ASSIGNED, public=True, note=names, actor=actor)
        return [self.open_part(u, role, actor, instructions, batch) for u, role in roles]

    def reassign_decide(
        self,
        t: dt.datetime,
        req: ReassignRequest,
        actor: User | None,
        approve: bool,
        new_unit: HandlingUnit | None,
        note: str,
    ) -> Assignment | None:
        """``reassign_decide``: approving moves the part, same role, fresh deadlines."""
        self.at(t)
        old = req.assignment
        req.decided_by, req.decided_at, req.decision_note = actor, self.aware(), note
        req.new_unit = new_unit if approve else None
        self.log(
            "approve" if approve else "refuse",
            RequestState.APPROVED if approve else RequestState.REFUSED,
            obj=req,
            actor=actor,
        )
        if approve:
            old.removed_at = self.aware()
            self.log("reassign", A.REMOVED, obj=old, note=note, actor=actor)
            new = self.open_part(new_unit, old.role, actor, old.instructions, None)
            self.log(
                "reassign", public=True, note=f"{old.unit.name} → {new_unit.name}", actor=actor
            )
            return new
        if old.accepted_at is None:
            old.accepted_at = self.aware()
        self.log("keep", A.ACCEPTED, obj=old, note=note, actor=actor)
        return None

    def extension_decide(
        self, t: dt.datetime, e: Extension, actor: User | None, approve: bool, note: str
    ) -> None:
        """``extension_decide``: approval moves the reply deadline, never past the cap."""
        self.at(t)
        e.decided_by, e.decided_at, e.decision_note = actor, self.aware(), note
        self.log(
            "approve" if approve else "refuse",
            RequestState.APPROVED if approve else RequestState.REFUSED,
            obj=e,
            actor=actor,
        )
        if approve:
            a = e.assignment
            cap = self.b.clock.month(
                self.b.clock.local_date(a.assigned_at), self.cfg["suggestion.reply_max_months"]
            ).due
            a.reply_due = min(e.new_due, cap)
            self.log("extend", public=True, note=a.reply_due.isoformat(), actor=actor)

    def supervise(
        self,
        t: dt.datetime,
        actor: User | None,
        kind: str,
        leader: str,
        body: str,
        user: User | None,
        note: str,
    ) -> None:
        """``suggestion_supervise``: who supervises (重点督办) or leads (领办) it."""
        self.at(t)
        self.supervisions.append(
            Supervision(
                suggestion=self.s,
                kind=kind,
                leader=leader,
                body=body,
                user=user,
                note=note,
                created_at=self.aware(),
            )
        )
        self.log(f"supervise_{kind}", public=True, note=leader, actor=actor)

    def close(self, t: dt.datetime, actor: User | None, note: str) -> None:
        """``suggestion_close`` once the feedback deadline has passed unrated."""
        self.at(t)
        assert self.s.feedback_due is not None and self.s.feedback_due < self.t.date()
        self.s.closed_at = self.aware()
        self.log("close", S.CLOSED, public=True, note=note, actor=actor)

    def close_unrated(self, t: dt.datetime, reminded: dt.datetime) -> None:
        """The sweep's ``suggestion_close_unrated``, after its ``suggestion_remind`` of
        kind ``feedback_due_soon`` (both written here, once the close is in the past)."""
        s = self.s
        self.at(t)
        self.reminders.append(
            Reminder(
                suggestion=s,
                kind="feedback_due_soon",
                due=s.feedback_due,
                sent_at=self.b.clock.aware(reminded),
            )
        )
        self.log("remind_feedback_due_soon", at=reminded)
        s.closed_at = self.aware()
        self.log("close", S.CLOSED, public=True)


class UnitSteps:
    """Signing, reassignment requests, views, contacts, replies, extensions, commitments."""

    def unit_accept(self, t: dt.datetime, a: Assignment, actor: User | None) -> None:
        """``assignment_accept`` (签收)."""
        self.at(t)
        a.accepted_at = self.aware()
        self.log("accept", A.ACCEPTED, obj=a, actor=actor)
        self.log("unit_accept", public=True, note=a.unit.name, actor=actor)

    def reassign_request(
        self,
        t: dt.datetime,
        a: Assignment,
        actor: User | None,
        reason: str,
        suggested: HandlingUnit | None,
    ) -> ReassignRequest:
        """``reassign_request`` within the deadline; the unit keeps the item meanwhile."""
        self.at(t)
        assert self.t.date() <= a.reassign_due
        due = self.b.clock.deadline(
            self.t.date(), self.cfg["suggestion.reassign_decide_working_days"]
        )
        self.log("request_reassign", A.REASSIGNING, obj=a, note=reason, actor=actor)
        req = ReassignRequest(
            assignment=a,
            reason=reason,
            suggested_unit=suggested,
            requested_by=actor,
            requested_at=self.aware(),
            decide_due=due.due,
            state=RequestState.PENDING,
        )
        self.requests.append(req)
        return req

    def view(self, t: dt.datetime, a: Assignment, actor: User | None, text: str) -> None:
        """``cohandler_view``: the co-handler's view to the lead unit."""
        self.at(t)
        a.view_text, a.answered_at = text, self.aware()
        a.on_time = a.view_due is None or self.t.date() <= a.view_due
        self.log("answer", A.ANSWERED, obj=a, actor=actor)

    def contact(
        self, t: dt.datetime, a: Assignment, actor: User | None, method: str, note: str
    ) -> None:
        """``assignment_contact``: the first one sets ``contacted_at``."""
        self.at(t)
        when = self.aware()
        self.contacts.append(
            Contact(
                assignment=a,
                method=method,
                contacted_at=when,
                note=note,
                recorded_by=actor,
                created_at=when,
            )
        )
        if a.contacted_at is None or when < a.contacted_at:
            a.contacted_at = when
        self.log("contact", public=True, note=a.unit.name, actor=actor)

    def reply(
        self,
        t: dt.datetime,
        a: Assignment,
        actor: User | None,
        result_class: str,
        text: str,
        signed_by: str,
        contact_person: str,
        promises: list[tuple[str, dt.date | None]],
    ) -> Reply:
        """``suggestion_reply``: the part answered, the reply with its signed PDF and its
        commitments; when no answering part is left, the item is 已答复 and the feedback
        deadline runs."""
        self.at(t)
        s, now = self.s, self.aware()
        assert a.role in ANSWERING_ROLES and a.state == A.ACCEPTED
        assert a.contacted_at is not None
        a.answered_at = now
        a.on_time = self.t.date() <= a.reply_due
        self.log("answer", A.ANSWERED, obj=a, actor=actor)
        reply = Reply(
            suggestion=s,
            assignment=a,
            round=s.round,
            result_class=result_class,
            text=text,
            signed_by=signed_by,
            contact_person=contact_person,
            author=actor,
            created_at=now,
        )
        self.replies.append(reply)
        self.pdfs.append(PdfSpec(reply, a.unit, self.t.date()))
        year = self.t.year
        for text_, due in promises:
            self.commitments.append(
                Commitment(
                    suggestion=s,
                    reply=reply,
                    unit=a.unit,
                    text=text_,
                    due_date=due,
                    first_year=year,
                    year=year,
                    created_at=now,
                    state=CommitmentState.OPEN,
                )
            )
        s.result_class = result_class
        self.log("unit_reply", public=True, note=a.unit.name, actor=actor)
        waiting = [
            p
            for p in self.parts
            if p.role in ANSWERING_ROLES and p.state not in (A.REMOVED, A.ANSWERED)
        ]
        if not waiting:
            due = self.b.clock.deadline(self.t.date(), self.cfg["suggestion.feedback_working_days"])
            s.replied_at, s.feedback_due = now, due.due
            self.log("reply", S.REPLIED, public=True, actor=actor)
        return reply

    def extension_request(
        self, t: dt.datetime, a: Assignment, actor: User | None, new_due: dt.date, reason: str
    ) -> Extension:
        """``extension_request`` by a lead or separate unit holding the item."""
        self.at(t)
        assert a.role in ANSWERING_ROLES and a.state == A.ACCEPTED and new_due > a.reply_due
        e = Extension(
            assignment=a,
            new_due=new_due,
            reason=reason,
            requested_by=actor,
            requested_at=self.aware(),
            state=RequestState.PENDING,
        )
        self.extensions.append(e)
        self.log("extension_request", actor=actor)
        return e

    def progress_on(
        self, t: dt.datetime, c: Commitment, actor: User | None, note: str, percent: int
    ) -> None:
        """``commitment_progress`` (no timeline row)."""
        self.at(t)
        self.progress.append(
            CommitmentProgress(
                commitment=c, note=note, percent=percent, author=actor, created_at=self.aware()
            )
        )

    def fulfil(self, t: dt.datetime, c: Commitment, actor: User | None, note: str) -> None:
        """``commitment_fulfil``."""
        self.at(t)
        c.fulfilled_at = self.aware()
        self.log("fulfil", CommitmentState.FULFILLED, obj=c, note=note, actor=actor)
        self.progress.append(
            CommitmentProgress(
                commitment=c, note=note, percent=100, author=actor, created_at=self.aware()
            )
        )
        self.log("commitment_fulfil", public=True, note=c.unit.name, actor=actor)

    def carry_over(self, t: dt.datetime, c: Commitment, year: int) -> None:
        """``commitments_carry_over`` at the new year, for a commitment still open."""
        self.at(t)
        previous, c.year = c.year, year
        self.log("carry_over", obj=c, note=f"{previous} → {year}")
