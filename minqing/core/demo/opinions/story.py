"""One opinion's story: its place, and the steps that move it exactly as the actions in
``minqing.opinions.actions`` would (fields, rows and timeline events, in memory; the
builder writes them in bulk). A step that would fall after *now* raises ``Cut``."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from minqing.accounts.models import User
from minqing.core.config import RegionConfig
from minqing.core.demo import opinion_texts as T
from minqing.core.demo.opinions.clock import SWEEP
from minqing.core.demo.rand import Weighted
from minqing.core.models import Region
from minqing.opinions.models import (
    ExtensionState,
    MeetingRequest,
    MeetingState,
    Opinion,
    OpinionAssignment,
    OpinionContact,
    OpinionExtension,
    OpinionRating,
    OpinionReminder,
    OpinionReply,
    OpinionState,
    ReminderKind,
    ReplyKind,
    Satisfaction,
)
from minqing.people.models import Deputy, HandlingUnit

if TYPE_CHECKING:
    from minqing.core.demo.opinions.planner import OpinionBuilder

S = OpinionState


class Cut(Exception):
    """The story's next step would happen after now: it stays where it is."""


@dataclass
class Place:
    city: Region
    county: Region
    township: Region
    village: Region
    values: dict[str, str]
    address: str

    @property
    def rural(self) -> bool:
        return self.village.kind == "村"


@dataclass
class _Event:
    t: dt.datetime
    seq: int
    obj: object
    workflow: str
    verb: str
    frm: str
    to: str
    public: bool
    note: str
    actor: object


@dataclass
class _Live:
    """When an assignment was the opinion's current one, for the reminder sweep."""

    assignment: OpinionAssignment
    start: dt.datetime
    signed: dt.datetime | None
    end: dt.datetime | None = None
    dues: list[tuple[dt.datetime, dt.date]] = field(default_factory=list)


class Story:
    """One opinion, moved step by step exactly as its actions would move it."""

    def __init__(
        self, b: OpinionBuilder, r: random.Random, op: Opinion, place: Place, **kw
    ) -> None:
        self.b, self.r, self.op, self.place = b, r, op, place
        self.matter: T.Matter | None = kw.get("matter")
        self.decline: T.Decline | None = kw.get("decline")
        self.dup_of: Opinion | None = kw.get("dup_of")  # to be merged into it
        self.master: Opinion | None = None  # once merged
        self.text_index: int | None = None  # which of the matter's texts: replies fit it
        self.meeting: MeetingRequest | None = None
        self.t: dt.datetime = kw["created"]
        self.created = self.t
        self.events: list[_Event] = []
        self.assignment: OpinionAssignment | None = None
        self.assignments: list[OpinionAssignment] = []
        self.lives: list[_Live] = []
        self.replies: list[OpinionReply] = []
        self.ratings: list[OpinionRating] = []
        self.contacts: list[OpinionContact] = []
        self.extensions: list[OpinionExtension] = []
        self.reminders: list[OpinionReminder] = []

    # -- plumbing ---------------------------------------------------------------------

    def at(self, t: dt.datetime) -> None:
        t = max(t, self.t)
        if t > self.b.clock.now:
            raise Cut
        self.t = t

    def log(
        self,
        verb: str,
        to: str | None = None,
        *,
        public: bool = False,
        note: str = "",
        actor: User | None = None,
        obj: Opinion | OpinionExtension | MeetingRequest | None = None,
        wf: str = "opinion",
    ) -> None:
        """A timeline row as ``transition``/``log_event`` write it, at the story's now."""
        obj = obj or self.op
        frm = obj.state
        to = to or frm
        self.events.append(
            _Event(self.t, self.b.seq(), obj, wf, verb, frm, to, public, note, actor)
        )
        obj.state = to

    def fill(self, text: str, **extra) -> str:
        return text.format_map({**self.place.values, **extra})

    @property
    def cfg(self) -> RegionConfig:
        return self.b.config(self.op.region)

    def fitting_replies(self) -> list[tuple]:
        """The matter's replies that answer the text this citizen wrote."""
        i = self.text_index
        return [x for x in self.matter.replies if len(x) == 2 or i is None or i in x[2]]

    def _open(self, unit, actor, instructions: str, signed: bool) -> OpinionAssignment:
        """``actions._common.new_assignment``: deadlines counted from today's date."""
        cfg, clock, start = self.cfg, self.b.clock, self.t.date()
        sign = clock.deadline(start, cfg["opinion.sign_working_days"])
        contact = clock.deadline(start, cfg["opinion.contact_working_days"])
        reply = clock.deadline(start, cfg["opinion.reply_working_days"])
        a = OpinionAssignment(
            opinion=self.op,
            unit=unit,
            round=self.op.rehandle_count + 1,
            forwarded_by=actor,
            forwarded_at=clock.aware(self.t),
            instructions=instructions,
            sign_due=sign.due,
            contact_due=contact.due,
            reply_due=reply.due,
            deadline_provisional=sign.provisional or contact.provisional or reply.provisional,
            signed_at=clock.aware(self.t) if signed else None,
        )
        self.assignment = a
        self.assignments.append(a)
        signed_at = self.t if signed else None
        self.lives.append(_Live(a, self.t, signed_at, dues=[(self.t, a.reply_due)]))
        self.op.reply_due = a.reply_due
        return a

    def _reply(
        self, kind: str, responder: str, text: str, resolution: str, note: str, actor: User | None
    ) -> None:
        self.replies.append(
            OpinionReply(
                opinion=self.op,
                assignment=self.assignment if kind == ReplyKind.UNIT else None,
                kind=kind,
                author=actor,
                responder=responder[:100],
                public_text=text,
                internal_note=note,
                resolution=resolution,
                created_at=self.b.clock.aware(self.t),
            )
        )

    # -- the steps (one per action) ---------------------------------------------------

    def receive(self, actor: User | None = None) -> None:
        self.log("receive", public=True, actor=actor)

    def escalate(self, t: dt.datetime, actor: User | None, note: str = "") -> None:
        self.at(t)
        self.log("escalate", S.TRIAGE, public=True, note=note, actor=actor)

    def classify(self, t: dt.datetime, actor: User | None) -> None:
        self.at(t)
        if not self.op.category:
            self.op.category = self.matter.category if self.matter else "other"
        self.log("classify", actor=actor)

    def forward(
        self, t: dt.datetime, actor: User | None, unit: HandlingUnit, instructions: str = ""
    ) -> None:
        self.at(t)
        self._open(unit, actor, instructions, signed=False)
        self.op.unit = unit
        self.log("forward", S.FORWARDED, public=True, note=unit.name, actor=actor)

    def sign(self, t: dt.datetime, actor: User | None) -> None:
        self.at(t)
        self.log("sign", S.HANDLING, public=True, actor=actor)
        self.assignment.signed_at = self.b.clock.aware(self.t)
        self.lives[-1].signed = self.t

    def contact(self, t: dt.datetime, actor: User | None) -> None:
        self.at(t)
        r, a = self.r, self.assignment
        when = self.b.clock.aware(self.t)
        title = self.matter.title if self.matter else "反映事项"
        self.contacts.append(
            OpinionContact(
                opinion=self.op,
                assignment=a,
                author=actor,
                method=Weighted(T.CONTACT_METHODS)(r),
                contacted_at=when,
                note=r.choice(T.CONTACT_NOTES).format(title=title),
                created_at=when,
            )
        )
        if a.contacted_at is None:
            a.contacted_at = when
        self.log("contact", public=True, actor=actor)

    def request_extension(self, t: dt.datetime, actor: User | None, days: int) -> OpinionExtension:
        self.at(t)
        e = OpinionExtension(
            opinion=self.op,
            assignment=self.assignment,
            requested_by=actor,
            working_days=days,
            reason=self.r.choice(T.EXTENSION_REASONS).format(days=days),
            state=ExtensionState.PENDING,
            old_due=self.assignment.reply_due,
            created_at=self.b.clock.aware(self.t),
        )
        self.extensions.append(e)
        self.log("extension_request", actor=actor)
        return e

    def decide_extension(
        self, t: dt.datetime, actor: User | None, e: OpinionExtension, approve: bool
    ) -> None:
        self.at(t)
        r, a = self.r, self.assignment
        e.decided_by, e.decided_at = actor, self.b.clock.aware(self.t)
        e.decision_note = r.choice(T.EXTENSION_APPROVED if approve else T.EXTENSION_REFUSED)
        if approve:
            d = self.b.clock.deadline(e.old_due, e.working_days)
            e.new_due = a.reply_due = self.op.reply_due = d.due
            a.extended_days += e.working_days
            a.deadline_provisional = a.deadline_provisional or d.provisional
            self.lives[-1].dues.append((self.t, d.due))
            self.log("extend", public=True, note=d.due.isoformat(), actor=actor)
        to = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
        self.log(
            "approve" if approve else "refuse",
            to,
            note=e.decision_note,
            actor=actor,
            obj=e,
            wf="opinion_extension",
        )

    def return_(self, t: dt.datetime, actor: User | None, reason: str) -> None:
        self.at(t)
        a = self.assignment
        self.op.unit, self.op.reply_due, self.assignment = None, None, None
        self.log("return", S.TRIAGE, note=reason, actor=actor)
        a.returned_at, a.return_reason = self.b.clock.aware(self.t), reason
        self.lives[-1].end = self.t
        for e in self.extensions:
            if e.assignment is a and e.state == ExtensionState.PENDING:
                e.state, e.decided_at = ExtensionState.REFUSED, a.returned_at
                e.decision_note = "已退回，申请作废"

    def reply(self, t: dt.datetime, actor: User | None, text: str, resolution: str) -> None:
        self.at(t)
        a = self.assignment
        a.replied_at = self.b.clock.aware(self.t)
        self.lives[-1].end = self.t
        self.log("reply", S.REPLIED, public=True, actor=actor)
        note = self.r.choice(T.INTERNAL_NOTES)
        self._reply(ReplyKind.UNIT, a.unit.name, text, resolution, note, actor)

    def rate(self, t: dt.datetime, level: str, comment: str) -> bool:
        """Returns whether it went back for re-handling."""
        self.at(t)
        when = self.b.clock.aware(self.t)
        reply = self.replies[-1]
        self.ratings.append(
            OpinionRating(
                opinion=self.op, reply=reply, level=level, comment=comment, created_at=when
            )
        )
        self.op.satisfaction = level
        limit = self.cfg["opinion.rehandle_limit"]
        if level == Satisfaction.UNSATISFIED and self.op.rehandle_count < limit:
            self.op.rehandle_count += 1
            self._open(self.op.unit, None, comment, signed=True)
            self.log("rehandle", S.HANDLING, public=True)
            return True
        self.op.closed_at = when
        self.log("rate", S.CLOSED, public=True)
        return False

    def close_unrated(self) -> None:
        """The sweep's ``opinion_close_unrated`` on the first day it is due."""
        day = self.replies[-1].created_at.date() + dt.timedelta(days=self.cfg["opinion.rate_days"])
        self.at(dt.datetime.combine(day, SWEEP) + dt.timedelta(seconds=self.r.randint(0, 90)))
        self.op.closed_at = self.b.clock.aware(self.t)
        self.log("rate", S.CLOSED, public=True, note="unrated")

    def answer(self, t: dt.datetime, actor: User | None, text: str, resolution: str) -> None:
        self.at(t)
        self.op.closed_at = self.b.clock.aware(self.t)
        self.log("answer", S.CLOSED, public=True, actor=actor)
        station = self.op.station
        responder = station.name if station else f"{self.op.region.name}人大"
        self._reply(ReplyKind.ON_SPOT, responder, text, resolution, "", actor)

    def merge(self, t: dt.datetime, actor: User | None, master: Opinion) -> None:
        self.at(t)
        self.master = master
        self.log("merge", S.MERGED, public=True, actor=actor)

    def decline_(self, t: dt.datetime, actor: User | None) -> None:
        self.at(t)
        d = self.decline
        self.op.decline_reason, self.op.decline_note = d.reason, self.fill(d.note)
        self.op.closed_at = self.b.clock.aware(self.t)
        self.log("decline", S.DECLINED, public=True, actor=actor)

    def to_suggestion(self, t: dt.datetime, actor: User | None) -> None:
        self.at(t)
        self.op.closed_at = self.b.clock.aware(self.t)
        note = self.r.choice(T.SUGGESTION_NOTES)
        self.log("to_suggestion", S.SUGGESTION, public=True, note=note, actor=actor)

    def meeting_accept(
        self, t: dt.datetime, actor: User | None, deputy: Deputy, meet_at: dt.datetime
    ) -> None:
        self.at(t)
        m = self.meeting
        m.meet_at, m.decided_by = self.b.clock.aware(meet_at), actor
        m.place = self.fill(self.r.choice(T.MEETING_PLACES)) or m.station.address
        m.decided_at = self.b.clock.aware(self.t)
        m.deputy = m.deputy or deputy
        self.log("accept", MeetingState.ACCEPTED, public=True, actor=actor, obj=m, wf="meeting")

    def meeting_decline(self, t: dt.datetime, actor: User | None) -> None:
        self.at(t)
        m = self.meeting
        m.decline_reason = self.r.choice(T.MEETING_DECLINES)
        m.decided_by, m.decided_at = actor, self.b.clock.aware(self.t)
        self.log("decline", MeetingState.DECLINED, public=True, actor=actor, obj=m, wf="meeting")

    # -- what the hourly sweep would have sent -----------------------------------------

    def sweep(self) -> None:
        """``tasks.sweep``'s reminders: once per kind per live assignment, at the first
        run of the day on which it became due."""
        clock, now = self.b.clock, self.b.clock.now
        before = self.cfg["opinion.remind_working_days_before"]
        for live in self.lives:
            a, end = live.assignment, min(live.end or now, now)
            first = (live.start + dt.timedelta(hours=1)).replace(minute=1, second=0)
            sent: set[str] = set()
            d = live.start.date()
            while d <= end.date():
                f = max(dt.datetime.combine(d, SWEEP), first)
                if f >= end:
                    break
                due = [due for since, due in live.dues if since <= f][-1]
                signed = live.signed is not None and live.signed <= f
                kinds = []
                if not signed and a.sign_due < d:
                    kinds.append(ReminderKind.SIGN_OVERDUE)
                if due < d:
                    kinds += [ReminderKind.OVERDUE_UNIT, ReminderKind.OVERDUE_ESCALATED]
                elif clock.deadline(d, before).due >= due:
                    kinds.append(ReminderKind.DUE_SOON)
                for kind in kinds:
                    if kind in sent:
                        continue
                    sent.add(kind)
                    self.reminders.append(
                        OpinionReminder(
                            assignment=a,
                            kind=kind,
                            sent_at=clock.aware(f),
                            recipients=self.b.recipients(a, kind),
                        )
                    )
                    state = S.HANDLING if signed else S.FORWARDED
                    verb = f"remind_{kind}"
                    event = _Event(f, self.b.seq(), self.op, "opinion", verb, state, state,
                                   False, "", None)  # fmt: skip
                    self.events.append(event)
                d += dt.timedelta(days=1)
