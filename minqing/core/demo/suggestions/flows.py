"""How an item's story plays out: who acts when, drawn from the item's own RNG within what
its ``Plan`` fixes (the outcome, the units, fixed moments, and where the story pauses).

Several units work on one item at once, so the steps go through a ``Runner``: a queue of
callbacks by time, run in order until the next one would fall after now.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

from minqing.core.calendar import add_months
from minqing.core.demo.opinions.clock import SWEEP
from minqing.core.demo.opinions.story import Cut
from minqing.core.demo.suggestion_texts import notes as N
from minqing.core.demo.suggestions import compose
from minqing.core.demo.suggestions.item import Item
from minqing.people.models import HandlingUnit
from minqing.suggestions.models import (
    ANSWERING_ROLES,
    Assignment,
    AssignmentBatch,
    AssignmentState,
    Commitment,
    CommitmentState,
    Kind,
    Level,
    PresidiumDecision,
    ResultClass,
    SignerState,
    SuggestionState,
    UnitRole,
)

A = AssignmentState
S = SuggestionState
# The deputy's rating of a reply's result, by its class: (满意, 基本满意, 不满意).
LEVELS_BY_CLASS = {
    ResultClass.A: (86, 12, 2),
    ResultClass.B: (70, 25, 5),
    ResultClass.C: (42, 42, 16),
    ResultClass.D: (32, 43, 25),
}
LEVELS_AGAIN = (56, 34, 10)
CONTACT_LEVELS = (80, 17, 3)
LEVELS = (Level.SATISFIED, Level.BASIC, Level.UNSATISFIED)


@dataclass
class SessionBatch:
    """The session's batch assignment (交办会): its row and when the office confirms it."""

    obj: AssignmentBatch
    time: dt.datetime


@dataclass
class Plan:
    """What the planner fixes about an item; the flow draws the rest.

    ``stop`` pauses the story at a stage (``draft``, ``submitted``, ``accepted``,
    ``withdraw_request``, ``assigned``, ``handling``, ``reassigning``, ``extension``,
    ``replied``, ``rehandling``); ``at`` fixes moments (``submit``, ``accept``,
    ``assign``, ``reply`` — the last answering reply —, ``feedback``, ``reassign``,
    ``extension``, ``withdraw``, ``decide``).
    """

    stop: str | None = None
    at: dict[str, dt.datetime] = field(default_factory=dict)
    # accept | reject | withdraw | withdraw_joint | withdraw_refused | withdraw_request
    # | agenda | not_placed | converted
    outcome: str = "accept"
    reason: str = ""  # the reject reason
    reject_note: str = ""
    pending: int = 0  # a draft's invitations left unanswered
    mode: str = "lead"
    roles: list[tuple[HandlingUnit, str]] = field(default_factory=list)
    spare: list[HandlingUnit] = field(default_factory=list)  # where a reassignment goes
    classes: list[str] = field(default_factory=list)  # per answering part, in order
    levels: list[str] = field(default_factory=list)  # round one, per answering part
    again: list[str] = field(default_factory=list)  # round two (after re-handling)
    unrated: str = ""  # "office" or "system": the deputy never rates
    batch: SessionBatch | None = None
    supervise: tuple | None = None  # (kind, leader, body, user, note)
    reassign: int | None = None  # index into roles of the part that applies
    reassign_approve: bool = True
    extension: int | None = None  # index into roles of the part asking for more time
    extension_approve: bool = True
    decline: bool = True  # invited co-signers may decline


class Runner:
    """Callbacks by time for one item; ``run`` stops at the first one after now."""

    def __init__(self, it: Item) -> None:
        self.it = it
        self.queue: list[tuple[dt.datetime, int, Callable[[dt.datetime], None]]] = []
        self.n = 0

    def at(self, t: dt.datetime, fn: Callable[[dt.datetime], None]) -> None:
        heapq.heappush(self.queue, (t, self.n, fn))
        self.n += 1

    def run(self) -> None:
        while self.queue:
            t, _, fn = heapq.heappop(self.queue)
            try:
                self.it.at(t)
                fn(max(t, self.it.t))
            except Cut:
                return


class Flow:
    """Plays one item under its plan."""

    def __init__(self, b, it: Item, p: Plan) -> None:
        self.b, self.it, self.p = b, it, p
        self.r, self.clock = it.r, b.clock
        self.run = Runner(it)
        self.office = b.office(it.s)
        self.view_at: dict[int, dt.datetime] = {}

    def play(self) -> None:
        self.drafting()
        self.run.run()

    # -- helpers ----------------------------------------------------------------------

    def u(self, lo: float, hi: float) -> float:
        return self.r.uniform(lo, hi)

    def work(self, t: dt.datetime, days: float) -> dt.datetime:
        return self.clock.work(t, days)

    def deputy_later(self, t: dt.datetime, lo: float, hi: float) -> dt.datetime:
        return self.clock.deputy(t + dt.timedelta(hours=self.u(lo, hi)), self.r)

    def lead_actor(self):
        it = self.it
        return self.b.deputy_actor(it.lead) or (self.office if it.by_office else None)

    def before(self, t: dt.datetime, limit: dt.datetime | None, floor: dt.datetime) -> dt.datetime:
        """``t``, or a working moment shortly before ``limit`` when ``t`` would pass it."""
        if limit is None or t < limit:
            return t
        t = self.clock.back_from(limit, self.u(0.1, 0.6))
        return max(t, floor + dt.timedelta(minutes=self.r.randint(5, 40)))

    # -- drafting, submission, screening ----------------------------------------------

    def drafting(self) -> None:
        it, p = self.it, self.p
        t0 = it.t
        invited = [g for g in it.signers if g.state == SignerState.INVITED]
        keep = invited[len(invited) - p.pending :] if p.pending else []
        last = t0
        for g in invited:
            if g in keep:
                continue
            t = self.deputy_later(t0, 0.2, 26)
            if "submit" in p.at:
                t = min(t, p.at["submit"] - dt.timedelta(minutes=self.r.randint(5, 90)))
            t = max(t, t0 + dt.timedelta(minutes=self.r.randint(2, 30)))
            confirm = not (p.decline and it.s.kind == Kind.SUGGESTION and self.r.random() < 0.05)
            self.run.at(t, lambda t, g=g, c=confirm: it.answer(t, g, c))
            last = max(last, t)
        if p.stop == "draft":
            return
        t_submit = p.at.get("submit") or self.default_submit(t0)
        self.run.at(max(t_submit, last + dt.timedelta(minutes=5)), self.submitted)

    def default_submit(self, t0: dt.datetime) -> dt.datetime:
        s = self.it.s
        t = self.deputy_later(t0, 0.3, 30 if s.session is None else 16)
        if s.session is not None:  # session items are in by the close of the session
            close = dt.datetime.combine(s.session.end_date, dt.time(17))
            if t > close:
                t = max(t0 + dt.timedelta(minutes=self.r.randint(10, 60)), close)
        return t

    def submitted(self, t: dt.datetime) -> None:
        it, p = self.it, self.p
        it.submit(t, self.lead_actor())
        if p.stop == "submitted":
            return
        if it.s.kind == Kind.MOTION:
            self.run.at(p.at.get("decide") or self.work(t, self.u(0.3, 1.2)), self.decided)
            return
        screen = p.at.get("accept") or self.screen_time(t)
        if p.outcome == "withdraw":
            self.run.at(min(screen, self.deputy_later(t, 2, 60)), self.withdraw_alone)
        elif p.outcome in ("withdraw_joint", "withdraw_refused"):
            self.run.at(min(screen, self.deputy_later(t, 2, 40)), self.withdraw_joint)
        elif p.outcome == "reject":
            self.run.at(screen, lambda t: it.reject(t, self.office, p.reason, p.reject_note))
        else:
            self.run.at(screen, self.accepted)

    def screen_time(self, t: dt.datetime) -> dt.datetime:
        s = self.it.s
        if s.session is not None:
            t = max(t, dt.datetime.combine(s.session.end_date, dt.time(9)))
        return self.work(t, self.u(0.2, 3.2))

    def withdraw_alone(self, t: dt.datetime) -> None:
        self.it.withdraw(t, self.lead_actor(), self.r.choice(N.WITHDRAW_REASONS))

    def withdraw_joint(self, t: dt.datetime) -> None:
        it, p = self.it, self.p
        others = [g for g in it.confirmed() if not g.is_lead]
        if not others:  # nobody else signed: withdrawn at once
            return self.withdraw_alone(t)
        it.withdraw_request(t, self.lead_actor(), self.r.choice(N.WITHDRAW_REASONS))
        if p.outcome == "withdraw_refused":
            g = others[-1]
            self.run.at(
                self.deputy_later(t, 2, 30),
                lambda t: it.withdraw_refuse(t, g, self.r.choice(N.WITHDRAW_REFUSALS)),
            )
            self.run.at(self.work(t, self.u(2.5, 4)), self.accepted)
            return
        agree = others if p.outcome == "withdraw_joint" else others[:-1]
        for g in agree:
            self.run.at(self.deputy_later(t, 0.5, 30), lambda t, g=g: it.withdraw_agree(t, g))

    def decided(self, t: dt.datetime) -> None:
        it, p = self.it, self.p
        decision = {
            "agenda": PresidiumDecision.AGENDA,
            "not_placed": PresidiumDecision.NOT_PLACED,
            "converted": PresidiumDecision.CONVERTED,
        }[p.outcome]
        notes = {
            "agenda": N.AGENDA_NOTES,
            "not_placed": N.NOT_PLACED_NOTES,
            "converted": N.CONVERTED_NOTES,
        }[p.outcome]
        new = it.decide(t, self.office, decision, self.r.choice(notes))
        if new is not None:
            self.b.adopt(new)
            follow = Plan(
                mode=p.mode,
                roles=p.roles,
                spare=p.spare,
                classes=p.classes,
                levels=p.levels,
                batch=p.batch,
                supervise=p.supervise,
            )
            flow = Flow(self.b, new, follow)
            flow.run.at(flow.screen_time(t), flow.accepted)
            flow.run.run()

    # -- assignment -------------------------------------------------------------------

    def accepted(self, t: dt.datetime) -> None:
        it, p = self.it, self.p
        it.accept(t, self.office, self.r.choice(N.ACCEPT_NOTES))
        if p.stop == "accepted":
            return
        if p.outcome == "withdraw_request":
            self.run.at(p.at.get("withdraw") or self.deputy_later(t, 2, 40), self.withdraw_joint)
            return
        batch = None
        if p.batch is not None and p.batch.time >= t and "assign" not in p.at:
            when, batch = p.batch.time, p.batch
        else:
            late = self.r.random() < 0.08
            when = p.at.get("assign") or self.work(t, self.u(6, 10) if late else self.u(0.3, 4))
        self.run.at(when, lambda t: self.assigned(t, batch))

    def assigned(self, t: dt.datetime, batch: SessionBatch | None) -> None:
        it, p = self.it, self.p
        parts = it.assign(
            t,
            self.office,
            p.mode,
            p.roles,
            self.r.choice(N.INSTRUCTIONS),
            batch.obj if batch else None,
        )
        if p.supervise is not None:
            self.run.at(p.at.get("supervise") or self.work(t, self.u(1, 8)), self.supervise)
        if p.stop == "assigned":
            return
        for a in parts:
            if a.role == UnitRole.CO:
                late = self.r.random() < 0.08
                self.view_at[id(a)] = self.work(t, self.u(23, 32) if late else self.u(5, 20))
        for i, a in enumerate(parts):
            self.part(a, t, index=i)

    def supervise(self, t: dt.datetime) -> None:
        kind, leader, body, user, note = self.p.supervise
        self.it.supervise(t, self.office, kind, leader, body, user, note)

    def part(self, a: Assignment, t0: dt.datetime, index: int | None) -> None:
        """One unit's part from the moment it was assigned."""
        p, r = self.p, self.r
        actor = self.b.unit_actor(a.unit)
        sign = self.work(t0, self.u(2.5, 6) if r.random() < 0.1 else self.u(0.05, 2))
        if "reply" in p.at:
            sign = self.before(sign, self.clock.back_from(p.at["reply"], 20), t0)
        if index is not None and index == p.reassign:
            request = p.at.get("reassign") or self.work(t0, self.u(0.3, 4.5))
            if sign < request and r.random() < 0.5:
                self.run.at(sign, lambda t: self.it.unit_accept(t, a, actor))
            self.run.at(request, lambda t: self.apply(t, a, actor))
            return
        self.run.at(sign, lambda t: (self.it.unit_accept(t, a, actor), self.handle(t, a, index)))

    def apply(self, t: dt.datetime, a: Assignment, actor) -> None:
        it, p, r = self.it, self.p, self.r
        spare = [u for u in p.spare if all(x.unit.pk != u.pk for x in it.live_parts())]
        reason = r.choice(N.REASSIGN_REASONS).format(
            name=it.topic.name if it.topic else "该事项",
            unit=spare[0].name if spare else "其他单位",
        )
        req = it.reassign_request(t, a, actor, reason, spare[0] if spare else None)
        if p.stop == "reassigning":
            return
        approve = p.reassign_approve and bool(spare)
        when = self.work(t, self.u(1, 8))

        def decide(t: dt.datetime) -> None:
            if approve:
                note = r.choice(N.REASSIGN_APPROVED).format(unit=spare[0].name)
                new = it.reassign_decide(t, req, self.office, True, spare[0], note)
                if new.role == UnitRole.CO:
                    self.view_at[id(new)] = self.work(t, self.u(5, 20))
                self.part(new, t, index=None)
            else:
                it.reassign_decide(t, req, self.office, False, None, r.choice(N.REASSIGN_REFUSED))
                self.handle(t, a, None)

        self.run.at(when, decide)

    def handle(self, t: dt.datetime, a: Assignment, index: int | None) -> None:
        """After signing: a co-handler sends its view; an answering unit contacts the
        deputies, may ask for more time, and replies."""
        it, p, r = self.it, self.p, self.r
        actor = self.b.unit_actor(a.unit)
        t0 = dt.datetime.combine(self.clock.local_date(a.assigned_at), dt.time(9))
        if a.role == UnitRole.CO:
            when = max(self.view_at.get(id(a)) or self.work(t, self.u(5, 20)), t)
            if "reply" in p.at:
                when = self.before(when, p.at["reply"], t)
            if p.stop in ("handling", "extension", "reassigning") and r.random() < 0.4:
                return  # not yet sent
            text = compose.view_text(r, it.topic, it.s.title, self.b.unit_key(a.unit))
            self.run.at(when, lambda t: it.view(t, a, actor, text))
            return
        reply = p.at.get("reply")
        fixed = reply is not None
        contact = self.work(t, self.u(1, 12))
        if reply is not None:
            contact = self.before(contact, self.clock.back_from(reply, self.u(0.3, 3)), t)
        if not (p.stop in ("handling", "reassigning") and r.random() < 0.2):
            self.run.at(contact, lambda t: self.contact(t, a))
            if r.random() < 0.35 and reply is None:
                self.run.at(self.work(contact, self.u(5, 25)), lambda t: self.contact(t, a))
        if index is not None and index == p.extension:
            ask = p.at.get("extension") or self.work(t0, self.u(45, 58))
            months = r.choice((4, 5))
            new_due = add_months(self.clock.local_date(a.assigned_at), months)
            reason = r.choice(N.EXTENSION_REASONS).format(
                name=it.topic.name if it.topic else "该事项"
            )
            self.run.at(ask, lambda t: self.extend(t, a, actor, new_due, reason))
            if p.stop == "extension":
                return
            if reply is None:
                days = self.u(6, 18 * (months - 3)) if p.extension_approve else self.u(1, 8)
                reply = self.work(ask, days)
        if p.stop in ("handling", "extension", "reassigning", "assigned"):
            return
        if reply is None:
            late = r.random() < 0.05
            reply = self.work(t0, self.u(64, 78) if late else self.u(28, 60))
            views = [v for k, v in self.view_at.items() if k != id(a)]
            if a.role == UnitRole.LEAD and views and max(views) < reply + dt.timedelta(days=30):
                reply = max(reply, self.work(max(views), self.u(0.5, 3)))
        elif fixed:
            others = [x for x in it.parts if x.role in ANSWERING_ROLES and x is not a]
            if others and a is not self.last_answering():
                reply = self.clock.back_from(reply, self.u(0.5, 6))
        reply = max(reply, contact + dt.timedelta(hours=2))
        self.run.at(reply, lambda t: self.answer(t, a, index))

    def last_answering(self) -> Assignment | None:
        parts = [x for x in self.it.parts if x.role in ANSWERING_ROLES and x.state != A.REMOVED]
        return parts[-1] if parts else None

    def contact(self, t: dt.datetime, a: Assignment) -> None:
        it = self.it
        method, note = compose.contact(self.r, it.topic, it.lead.name, self.place())
        it.contact(t, a, self.b.unit_actor(a.unit), method, note)

    def place(self) -> str:
        v = self.it.values
        return v.get("village") if self.r.random() < 0.5 else v.get("township", "")

    def extend(self, t: dt.datetime, a: Assignment, actor, new_due: dt.date, reason: str) -> None:
        it, p = self.it, self.p
        if a.state != A.ACCEPTED:
            return
        e = it.extension_request(t, a, actor, new_due, reason)
        if p.stop == "extension":
            return
        note = self.r.choice(N.EXTENSION_APPROVED if p.extension_approve else N.EXTENSION_REFUSED)
        self.run.at(
            self.work(t, self.u(0.5, 4)),
            lambda t: it.extension_decide(t, e, self.office, p.extension_approve, note),
        )

    # -- replies, feedback, commitments -----------------------------------------------

    def result_class(self, a: Assignment, index: int | None) -> str:
        answering = [i for i, (_, role) in enumerate(self.p.roles) if role in ANSWERING_ROLES]
        if index is not None and index in answering and self.p.classes:
            k = answering.index(index)
            if k < len(self.p.classes):
                return self.p.classes[k]
        weights = self.it.topic.classes if self.it.topic else (40, 35, 15, 10)
        return self.r.choices(ResultClass.values, weights=weights)[0]

    def answer(self, t: dt.datetime, a: Assignment, index: int | None, again: bool = False) -> None:
        it, r, b = self.it, self.r, self.b
        if a.state != A.ACCEPTED:
            return  # still asking to be reassigned: the office decides first
        if a.contacted_at is None:
            self.contact(t, a)
        cls = self.result_class(a, index) if not again else self.again_class()
        on = t.date()
        promised = compose.promises(r, it.topic, it.values, on) if cls == ResultClass.B else []
        joint = len(it.confirmed()) > 1
        text = compose.reply_text(
            r,
            it.topic,
            it.values,
            result_class=cls,
            lead=it.lead.name,
            joint=joint,
            item_title=it.s.title,
            unit_name=a.unit.name,
            on=on,
            commitments=promised,
            again=again,
        )
        signed_by, person = b.unit_people(a.unit)
        reply = it.reply(t, a, b.unit_actor(a.unit), cls, text, signed_by, person, promised)
        for c in [c for c in it.commitments if c.reply is reply]:
            self.follow(c, t)
        if it.s.state == S.REPLIED:
            self.feedback(t)

    def again_class(self) -> str:
        return self.r.choices(ResultClass.values, weights=(50, 38, 10, 2))[0]

    def feedback(self, t_replied: dt.datetime) -> None:
        it, p, r = self.it, self.p, self.r
        if p.stop == "replied":
            return
        if it.s.round == 1 and p.unrated:
            self.unrated(p.unrated)
            return
        replies = it.round_replies()
        fixed = p.at.get("feedback") if it.s.round == 1 else None
        times = sorted(
            self.deputy_later(self.work(t_replied, self.u(0.5, 12)), 0, 3) for _ in replies
        )
        if fixed is not None:
            times = [min(x, fixed - dt.timedelta(hours=1)) for x in times[:-1]] + [fixed]
        for i, (reply, when) in enumerate(zip(replies, times, strict=True)):
            level = self.level(reply, i)
            contact_level = r.choices(LEVELS, weights=CONTACT_LEVELS)[0]
            if level == Level.UNSATISFIED and contact_level == Level.SATISFIED:
                contact_level = Level.BASIC
            self.run.at(
                max(when, t_replied),
                lambda t, x=reply, lv=level, cl=contact_level: self.rate(t, x, lv, cl),
            )

    def level(self, reply, i: int) -> str:
        p, r = self.p, self.r
        fixed = p.levels if self.it.s.round == 1 else p.again
        if i < len(fixed):
            return fixed[i]
        weights = LEVELS_AGAIN if self.it.s.round > 1 else LEVELS_BY_CLASS[reply.result_class]
        return r.choices(LEVELS, weights=weights)[0]

    def rate(self, t: dt.datetime, reply, level: str, contact_level: str) -> None:
        it = self.it
        actor = self.b.deputy_actor(it.lead) or (self.office if it.by_office else None)
        outcome = it.feedback_on(
            t, reply, actor, level, contact_level, compose.comment(self.r, level)
        )
        if outcome == "rehandle":
            self.rehandle(t)

    def rehandle(self, t: dt.datetime) -> None:
        it, p, r = self.it, self.p, self.r
        parts = [a for a in it.parts if a.state == A.ACCEPTED and a.role in ANSWERING_ROLES]
        for a in parts:
            if r.random() < 0.85:
                self.run.at(self.work(t, self.u(1, 6)), lambda t, a=a: self.contact(t, a))
            if p.stop == "rehandling":
                continue
            late = r.random() < 0.1
            when = self.work(t, self.u(23, 30) if late else self.u(8, 20))
            self.run.at(when, lambda t, a=a: self.answer(t, a, None, again=True))

    def unrated(self, how: str) -> None:
        it, r, clock = self.it, self.r, self.clock
        due = it.s.feedback_due
        if how == "system":
            before = it.cfg["suggestion.remind_before_working_days"]
            d = it.t.date()
            while clock.deadline(d, before).due < due:
                d += dt.timedelta(days=1)
            reminded = dt.datetime.combine(d, SWEEP) + dt.timedelta(seconds=r.randint(0, 50))
            reminded = max(reminded, it.t + dt.timedelta(minutes=1))
            when = dt.datetime.combine(due + dt.timedelta(days=1), SWEEP)
            when += dt.timedelta(seconds=r.randint(0, 50))
            self.run.at(when, lambda t: it.close_unrated(t, reminded))
        else:
            when = self.work(
                dt.datetime.combine(due + dt.timedelta(days=1), dt.time(8)), self.u(0.1, 8)
            )
            note = r.choice(N.OFFICE_CLOSE_NOTES)
            self.run.at(when, lambda t: it.close(t, self.office, note))

    def follow(self, c: Commitment, t: dt.datetime) -> None:
        """A commitment's life: progress reports, often its fulfilment, and the new
        year's carry-over while it is still open."""
        it, r, clock = self.it, self.r, self.clock
        actor = self.b.unit_actor(c.unit)
        start, due = t.date(), c.due_date
        span = max((due - start).days, 20)
        reports = r.randint(1, 3)
        stages = sorted(r.sample(range(len(N.PROGRESS_NOTES)), reports))
        last = t
        for k, stage in enumerate(stages, 1):
            day = start + dt.timedelta(days=int(span * k / (reports + 1.5)))
            when = clock.open_at(dt.datetime.combine(day, dt.time(9))) + dt.timedelta(
                minutes=r.randint(0, 400)
            )
            percent, note = N.PROGRESS_NOTES[stage]
            self.run.at(when, lambda t, n=note, pc=percent: it.progress_on(t, c, actor, n, pc))
            last = max(last, when)
        if r.random() < 0.72:
            day = due - dt.timedelta(days=r.randint(0, 25))
            when = max(clock.open_at(dt.datetime.combine(day, dt.time(10))), last)
            when += dt.timedelta(minutes=r.randint(30, 300))
            note = r.choice(N.FULFIL_NOTES)
            self.run.at(when, lambda t: it.fulfil(t, c, actor, note))
        for year in range(c.first_year + 1, clock.now.year + 1):
            when = dt.datetime(year, 1, 1, 0, 5) + dt.timedelta(seconds=r.randint(0, 50))
            self.run.at(when, lambda t, y=year: self.carry(t, c, y))

    def carry(self, t: dt.datetime, c: Commitment, year: int) -> None:
        if c.state == CommitmentState.OPEN and c.year < year:
            self.it.carry_over(t, c, year)
