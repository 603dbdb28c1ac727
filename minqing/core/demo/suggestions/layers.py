"""What each city congress gets: last year's session and this year's (suggestions raised
during it, the motions and the presidium's decisions, the batch assignment after it),
items raised between sessions, the work in progress right now (every stage of the loop
waiting in some inbox), and the suggestions built from citizens' opinions."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from minqing.core.demo import suggestion_texts as T
from minqing.core.demo.suggestion_texts import replies as R
from minqing.core.demo.suggestions.planner import (
    JOINT_SHARE,
    PAPER_SHARE,
    RECENT,
    REJECT_SHARE,
    WITHDRAW_SHARE,
    CityPlan,
    SuggestionBuilder,
)
from minqing.suggestions.models import (
    CongressSession,
    Disclosure,
    HandlingMode,
    Kind,
    Level,
    RejectReason,
    SupervisionKind,
)

U = Level.UNSATISFIED
# The days of a session deputies hand in their suggestions (most in the first two).
SESSION_DAY_WEIGHTS = (36, 34, 22, 8)
# Where a story pauses for each stage of RECENT.
STOPS = {
    "overdue": "handling",
    "replied_overdue": "replied",
    "withdraw_request": None,
}


def plan_city(b: SuggestionBuilder, c: CityPlan, n: int) -> None:
    """``n`` suggestions in the current session and everything around them."""
    if n <= 0 or not c.deputies:
        return
    if c.previous is not None:
        session(b, c, c.previous, round(n * 0.15), motions=max(3, round(n / 100)), forced=False)
    session(b, c, c.current, n, motions=max(3, round(n / 30)), forced=True)
    interim(b, c, round(n * 0.15))
    scale = n / 300
    for target, quota in RECENT.items():
        for _ in range(max(1, round(quota * scale))):
            recent(b, c, random.Random(b.rng.getrandbits(64)), target)


def _joint(r: random.Random) -> int:
    return r.choice((1, 1, 2, 2, 3, 3, 4, 5, 6, 8))


def session(
    b: SuggestionBuilder,
    c: CityPlan,
    sess: CongressSession,
    n: int,
    *,
    motions: int,
    forced: bool,
) -> None:
    """The items of one session, from the first day to wherever their stories are now.
    ``forced`` makes sure the demo shows every ending at least once (each reason not to
    accept, the withdrawals, a second 不满意, closes without a rating, reassignment and
    extension decisions both ways, secret and private items, both handling modes, and two
    items of the demo deputy); last year's session has one item not accepted and one
    withdrawn, so there are such items while this year's are still being screened."""
    r0 = random.Random(b.rng.getrandbits(64))
    batch = b.batch(c, sess, r0)
    b.session_batches[id(sess)] = batch
    now = b.clock.now
    special: list[dict] = [
        {"outcome": "reject", "reason": r0.choice(RejectReason.values)},
        {"outcome": "withdraw"},
    ]
    if forced:
        special = [{"outcome": "reject", "reason": reason} for reason in RejectReason.values]
        special += [
            {"outcome": "withdraw"},
            {"outcome": "withdraw_joint"},
            {"outcome": "withdraw_refused"},
            {"levels": [U, U, U], "again": [U, U, U]},
            {"unrated": "office"},
            {"unrated": "system"},
            {"reassign": True},
            {"reassign": False},
            {"extension": True},
            {"extension": False},
            {"disclosure": Disclosure.SECRET},
            {"disclosure": Disclosure.PRIVATE},
            {"mode": HandlingMode.SEPARATE},
            {"mode": HandlingMode.LEAD},
        ]
        demo = b.targets.deputy.pk
        mine = next((i for i in c.deputies if i.deputy.pk == demo), None)
        if mine is not None:
            special += [{"lead": mine, "topic": "community_health"}, {"lead": mine}]
    keys, leads = max(1, round(n * 0.03)), max(1, round(n * 0.015))
    chosen = r0.sample(range(len(special), max(n, len(special) + keys + leads)), keys + leads)
    supervised = {
        i: SupervisionKind.KEY if k < keys else SupervisionKind.LEAD for k, i in enumerate(chosen)
    }
    days = (sess.end_date - sess.start_date).days + 1
    weights = SESSION_DAY_WEIGHTS[:days] + (5,) * max(0, days - len(SESSION_DAY_WEIGHTS))
    for i in range(n):
        r = random.Random(b.rng.getrandbits(64))
        day = r.choices(range(days), weights=weights)[0]
        created = dt.datetime.combine(
            sess.start_date + dt.timedelta(days=day), dt.time(r.randint(8, 21), r.randint(0, 59))
        )
        if created >= now:
            continue  # not yet raised
        extra = special[i] if i < len(special) else {}
        outcome = extra.get("outcome") or ("accept" if extra else _outcome(r))
        info = extra.get("lead") or b.lead(r, c)
        joint = outcome in ("withdraw_joint", "withdraw_refused") or (
            outcome != "withdraw" and r.random() < JOINT_SHARE
        )
        cosigners = b.cosigners(r, c, info, _joint(r)) if joint else []
        reject = None
        if outcome == "reject":
            reason = extra.get("reason") or r.choice(RejectReason.values)
            reject = r.choice([x for x in T.REJECTS if x.reason == reason])
        topic = T.TOPIC_BY_KEY.get(extra.get("topic", ""))
        it = b.item(
            r,
            c,
            created=created,
            lead=info,
            cosigners=cosigners,
            topic=topic,
            reject=reject,
            by_office=r.random() < PAPER_SHARE,
        )
        if "disclosure" in extra:
            it.s.disclosure = extra["disclosure"]
        p = b.plan(r, it, extra.get("mode", ""), batch=batch, outcome=outcome)
        if reject is not None:
            p.reason, p.reject_note = reject.reason, reject.note
        p.decline = outcome not in ("withdraw_joint", "withdraw_refused")
        if "levels" in extra:
            p.levels, p.again, p.unrated = extra["levels"], extra["again"], ""
        if "unrated" in extra:
            p.unrated = extra["unrated"]
        if "reassign" in extra:
            p.reassign, p.reassign_approve, p.extension = 0, extra["reassign"], None
        if "extension" in extra:
            p.extension, p.extension_approve, p.reassign = 0, extra["extension"], None
        if outcome == "accept" and i in supervised:
            p.supervise = b.supervision(r, c, it, supervised[i])
            p.at["supervise"] = b.clock.work(batch.time, r.uniform(3, 12))
        b.play(it, p)
    _motions(b, c, sess, motions, batch, r0)


def _outcome(r: random.Random) -> str:
    roll = r.random()
    if roll < REJECT_SHARE:
        return "reject"
    if roll < REJECT_SHARE + WITHDRAW_SHARE:
        return "withdraw"
    return "accept"


def _motions(b, c: CityPlan, sess: CongressSession, n: int, batch, r0: random.Random) -> None:
    """Motions of ten or more deputies, handed in on the first two days; the presidium
    decides on the third."""
    need = b.region_config(c.city)["motion.min_signers"]
    outcomes = ["agenda"] + ["not_placed"] * max(1, n // 3)
    outcomes += ["converted"] * max(1, n - len(outcomes))
    r0.shuffle(outcomes)
    topics = r0.sample(T.MOTIONS, min(len(T.MOTIONS), n))
    decide = dt.datetime.combine(sess.start_date + dt.timedelta(days=2), dt.time(15))
    for k, outcome in enumerate(outcomes[:n]):
        r = random.Random(b.rng.getrandbits(64))
        created = dt.datetime.combine(
            sess.start_date + dt.timedelta(days=r.choice((0, 0, 1))),
            dt.time(r.randint(8, 12), r.randint(0, 59)),
        )
        if created >= b.clock.now:
            continue
        info = b.lead(r, c)
        cosigners = b.cosigners(r, c, info, r.randint(need - 1, need + 5))
        it = b.item(
            r,
            c,
            created=created,
            lead=info,
            cosigners=cosigners,
            kind=Kind.MOTION,
            topic=topics[k % len(topics)],
            by_office=r.random() < 0.5,
        )
        at = {"decide": decide + dt.timedelta(minutes=r.randint(0, 90))}
        b.play(it, b.plan(r, it, batch=batch, outcome=outcome, at=at, decline=False))


def interim(b: SuggestionBuilder, c: CityPlan, n: int) -> None:
    """Items raised between sessions since last year's (more of them lately)."""
    clock = b.clock
    first = (c.previous or c.current).end_date + dt.timedelta(days=10)
    span = max((clock.now.date() - first).days, 1)
    for _ in range(n):
        r = random.Random(b.rng.getrandbits(64))
        d = first + dt.timedelta(days=int(span * r.triangular(0, 1, 1)))
        sitting = b.session_on(c, d)
        if sitting is not None:
            d = sitting.start_date - dt.timedelta(days=r.randint(3, 20))
        created = clock.evening(d, r)
        if created >= clock.now:
            created = clock.now - dt.timedelta(hours=r.uniform(1, 30))
        info = b.lead(r, c)
        cosigners = b.cosigners(r, c, info, _joint(r)) if r.random() < 0.3 else []
        it = b.item(r, c, created=created, lead=info, cosigners=cosigners)
        b.play(it, b.plan(r, it))


def recent(b: SuggestionBuilder, c: CityPlan, r: random.Random, target: str) -> None:
    """One item whose story pauses at ``target`` now: its steps are counted back from now
    so that every inbox has work on any day the demo is built."""
    clock, u = b.clock, r.uniform
    back, before = clock.back, clock.back_from
    at: dict[str, dt.datetime] = {}
    kw: dict = {
        "stop": STOPS.get(target, target),
        "unrated": "",
        "reassign": None,
        "extension": None,
    }
    joint = r.random() < 0.35
    if target == "draft":
        created = clock.deputy(back(u(0.05, 4)), r)
        joint = r.random() < 0.7
        kw["pending"] = r.choice((0, 1, 1, 2))
    elif target == "submitted":
        at["submit"] = back(u(0.05, 5))
    elif target == "accepted":
        at["submit"] = back(u(7.3, 9.5) if r.random() < 0.15 else u(0.4, 6.5))
        at["accept"] = min(clock.work(at["submit"], u(0.2, 1.8)), back(0.02))
    elif target == "withdraw_request":
        joint = True
        at["submit"] = back(u(2.5, 5))
        at["accept"] = clock.work(at["submit"], u(0.3, 1.5))
        at["withdraw"] = back(u(0.05, 0.8))
        kw["outcome"] = "withdraw_request"
    else:
        if target == "assigned":
            assign = back(u(0.05, 2.2))
        elif target == "handling":
            assign = back(u(4, 55))
        elif target == "overdue":
            assign = back(u(64, 74))
        elif target == "reassigning":
            assign = back(u(1, 5.5))
            at["reassign"] = back(u(0.05, 0.8))
            kw["reassign"] = 0
        elif target == "extension":
            assign = back(u(52, 61))
            at["extension"] = back(u(0.1, 3))
            kw["extension"] = 0
        else:
            if target == "rehandling":
                at["feedback"] = back(u(0.3, 15))
                at["reply"] = before(at["feedback"], u(1, 12))
                kw["levels"] = [U, Level.SATISFIED]
            else:
                at["reply"] = back(u(16.5, 21) if target == "replied_overdue" else u(0.1, 13))
            assign = before(at["reply"], u(28, 58))
        at["assign"] = assign
        at["accept"] = before(assign, u(0.3, 4))
        at["submit"] = before(at["accept"], u(0.2, 3))
    if "submit" in at:
        created = at["submit"] - dt.timedelta(hours=u(1, 48))
        created = min(clock.deputy(created, r), at["submit"] - dt.timedelta(minutes=30))
    info = b.lead(r, c)
    cosigners = b.cosigners(r, c, info, _joint(r) + (1 if target == "withdraw_request" else 0))
    it = b.item(
        r,
        c,
        created=created,
        lead=info,
        cosigners=cosigners if joint else [],
        by_office=target != "draft" and r.random() < PAPER_SHARE,
    )
    p = b.plan(r, it, at=at, decline=target != "withdraw_request", **kw)
    if target == "extension" and p.roles[0][1] == "co":
        p.extension = None
    b.play(it, p)


def opinions(b: SuggestionBuilder, c: CityPlan, rows: list[dict], skip: set[int]) -> None:
    """Citizens' opinions that went into 转为代表建议: one suggestion per station (or
    county) and category, by a deputy of that county, raised after them."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        if row["pk"] in skip:
            continue
        groups[(row["station_id"] or row["county"], row["category"])].append(row)
    clock = b.clock
    for (_, category), group in groups.items():
        r = random.Random(b.rng.getrandbits(64))
        county = group[0]["county"]
        pool = c.by_county.get(county) or c.deputies
        info = r.choice(pool)
        latest = max(row["closed_at"] for row in group)
        created = clock.deputy(latest + dt.timedelta(hours=r.uniform(4, 96)), r)
        if created >= clock.now:
            created = latest + (clock.now - latest) / 2
        topic = match_topic(r, category, " ".join(row["text"] for row in group))
        where = group[0]["station"] or f"{group[0]['county_name']}人大代表联络站"
        opening = r.choice(R.FROM_OPINIONS).format(station=where, name=topic.name)
        cosigners = b.cosigners(r, c, info, r.choice((0, 1, 2))) if r.random() < 0.4 else []
        it = b.item(
            r, c, created=created, lead=info, cosigners=cosigners, topic=topic, opening=opening
        )
        for row in group:
            it.link(row["pk"])
        b.play(it, b.plan(r, it, outcome="accept"))


def match_topic(r: random.Random, category: str, text: str) -> T.Topic:
    """The topic of ``category`` whose keywords the citizens' words use most."""
    pool = [t for t in T.TOPICS if t.category == category] or list(T.TOPICS)
    scored = [(sum(text.count(k) for k in t.keywords), i) for i, t in enumerate(pool)]
    best = max(scored)[0]
    return r.choice([pool[i] for score, i in scored if score == best])
