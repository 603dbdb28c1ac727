"""How an opinion's story plays out when nobody scripts it: who at the station, the office,
the unit and the citizen acts, how soon, and with what result, drawn from the story's
own RNG until the story ends or its next step would fall after now."""

from __future__ import annotations

import datetime as dt

from minqing.core.demo import opinion_texts as T
from minqing.core.demo.opinions.clock import WORK_END
from minqing.core.demo.opinions.planner import STAFF_CHANNELS, OpinionBuilder
from minqing.core.demo.opinions.story import Cut, Story
from minqing.opinions.models import Satisfaction
from minqing.people.models import HandlingUnit

LEVELS_AFTER = {  # citizen's rating by the reply's resolution: (满意, 基本满意, 不满意)
    "solved": (76, 17, 7),
    "partly": (36, 40, 24),
    "explained": (34, 36, 30),
}


def run(b: OpinionBuilder, s: Story) -> None:
    """Play ``s`` on from its intake until it ends or its next step would pass now, then
    add the reminders the hourly sweep would have sent it."""
    try:
        if s.meeting is not None:
            meeting_flow(b, s)
        elif s.op.station_id is not None:
            station_flow(b, s)
        else:
            office_flow(b, s)
    except Cut:
        pass
    s.sweep()


def station_flow(b: OpinionBuilder, s: Story) -> None:
    r, op, clock = s.r, s.op, b.clock
    if op.channel in STAFF_CHANNELS:
        t = s.t + dt.timedelta(minutes=r.randint(3, 40))
    else:
        t = clock.work(s.t, r.uniform(0.05, 2.0))
    deputy = r.choice(b.members[op.station.pk])
    actor = b.station_actor(op.station) or b.deputy_actor(deputy)
    roll = r.random()
    m = s.matter
    if s.decline is None and s.dup_of is None:
        if m.answer and roll < 0.6:
            res = "explained" if r.random() < 0.6 else "solved"
            return s.answer(t, actor, s.fill(m.answer), res)
        if m.suggestion and roll > 0.93:
            return s.to_suggestion(t, actor)
    if roll < 0.8:
        s.escalate(t, actor, r.choice(T.ESCALATE_NOTES))
    office_flow(b, s)


def meeting_flow(b: OpinionBuilder, s: Story) -> None:
    r, clock, m = s.r, b.clock, s.meeting
    deputy = m.deputy or r.choice(b.members[m.station.pk])
    actor = b.deputy_actor(deputy)
    t = clock.work(s.t, r.uniform(0.2, 2.5))
    if r.random() < 0.8:
        day = clock.work(t, r.uniform(1, 6)).date()
        meet_at = dt.datetime.combine(day, r.choice([dt.time(9), dt.time(14, 30), dt.time(15)]))
        meet_at = max(meet_at, t + dt.timedelta(hours=20))  # a time still ahead
        s.meeting_accept(t, actor, deputy, meet_at)
        t = clock.work(meet_at, r.uniform(0.05, 0.2))
        if r.random() < 0.55:
            text = s.fill(s.matter.answer or r.choice(T.MEETING_ANSWERS))
            return s.answer(t, actor, text, "explained" if r.random() < 0.5 else "solved")
    else:
        s.meeting_decline(t, actor)
        t = clock.work(t, r.uniform(0.05, 1))
        actor = b.station_actor(m.station)
    s.escalate(t, actor, r.choice(T.ESCALATE_NOTES))
    office_flow(b, s)


def office_flow(b: OpinionBuilder, s: Story) -> None:
    r, clock = s.r, b.clock
    actor = b.office(s.op)
    t = clock.work(s.t, r.uniform(0.1, 1.8))
    if s.decline is not None:
        return s.decline_(t, actor)
    if s.dup_of is not None:
        return s.merge(t, actor, s.dup_of)
    if not s.op.category or r.random() < 0.2:
        s.classify(t, actor)
    if s.matter.suggestion and r.random() < 0.04:
        return s.to_suggestion(t, actor)
    found = b.candidates(s)
    unit = found[0] if len(found) == 1 or r.random() < 0.8 else r.choice(found[1:])
    wrong = None
    if len(found) > 1 and r.random() < 0.07:
        wrong = r.choice([u for u in found if u is not unit])
    s.forward(t, actor, wrong or unit, r.choice(T.INSTRUCTIONS))
    unit_flow(b, s, right=unit if wrong else None)


def unit_flow(b: OpinionBuilder, s: Story, right: HandlingUnit | None = None) -> None:
    r, clock, a = s.r, b.clock, s.assignment
    actor, office = b.unit_actor(a.unit), b.office(s.op)
    start = s.t
    late_sign = r.random() < 0.12
    t_sign = clock.work(start, r.uniform(1.1, 4) if late_sign else r.uniform(0.02, 0.9))
    if right is not None:  # not ours: back to the office, which sends it on
        if r.random() < 0.5:
            s.sign(t_sign, actor)
        title = s.matter.title
        reason = r.choice(T.RETURN_REASONS).format(title=title, unit=right.name)
        s.return_(clock.work(s.t, r.uniform(0.2, 1.5)), actor, reason)
        s.forward(clock.work(s.t, r.uniform(0.1, 1.5)), office, right, r.choice(T.INSTRUCTIONS))
        return unit_flow(b, s)
    s.sign(t_sign, actor)
    roll = r.random()
    if roll < 0.9:
        s.contact(clock.work(s.t, r.uniform(0.05, 1.8)), actor)
    elif roll < 0.97:
        s.contact(clock.work(start, r.uniform(3.2, 6)), actor)
    extra = 0
    if r.random() < 0.08:
        days = r.choice([5, 10, 15])
        e = s.request_extension(clock.work(start, r.uniform(6, 12)), actor, days)
        approve = r.random() < 0.75
        s.decide_extension(clock.work(s.t, r.uniform(0.1, 1.5)), office, e, approve)
        extra = days if approve else 0
    if r.random() < 0.12:
        due = dt.datetime.combine(a.reply_due, WORK_END)
        t = clock.work(due, r.uniform(0.3, 8))
    else:
        t = clock.work(start, r.uniform(2.5, 13.5 + extra))
    reply(b, s, max(t, clock.work(s.t, 0.2)), actor)
    rating_flow(b, s)


def reply(b: OpinionBuilder, s: Story, t: dt.datetime, actor, again: bool = False) -> None:
    r = s.r
    resolution, text = r.choice(s.fitting_replies())[:2]
    text = s.fill(text, date=date_words(s, t), unit=s.assignment.unit.name)
    if again:
        text = r.choice(T.REHANDLE_PREFIXES) + text
    s.reply(t, actor, text, resolution)


def date_words(s: Story, t: dt.datetime) -> str:
    """When the work was done, as a reply says it: a few days before the reply, but
    not before the unit had the opinion."""
    handed = s.lives[-1].start.date()
    d = max(t.date() - dt.timedelta(days=s.r.randint(1, 5)), handed)
    return f"{d.month}月{d.day}日"


def rating_flow(b: OpinionBuilder, s: Story) -> None:
    r, clock = s.r, b.clock
    if not s.op.citizen_phone or r.random() >= 0.75:
        return s.close_unrated()
    t = clock.citizen(s.t + dt.timedelta(hours=r.uniform(1, 220)), r)
    weights = LEVELS_AFTER[s.replies[-1].resolution]
    if s.op.rehandle_count:
        weights = (weights[0] + 10, weights[1] + 10, weights[2])
    level = r.choices(Satisfaction.values, weights=weights)[0]
    comments = {
        Satisfaction.SATISFIED: T.SATISFIED_COMMENTS,
        Satisfaction.BASIC: T.BASIC_COMMENTS,
        Satisfaction.UNSATISFIED: T.UNSATISFIED_COMMENTS,
    }[level]
    if not s.rate(t, level, r.choice(comments)):
        return None
    actor = b.unit_actor(s.assignment.unit)
    if r.random() < 0.85:
        s.contact(clock.work(s.t, r.uniform(0.1, 2)), actor)
    reply(b, s, clock.work(s.t, r.uniform(2, 12)), actor, again=True)
    rating_flow(b, s)
