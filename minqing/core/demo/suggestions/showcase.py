"""The scripted items the demo logins open first, placed relative to now so that every
inbox has work on any day: ``daibiao`` leads items (one waiting for his rating, one
built from a citizen's opinion at his station), has an invitation to co-sign and a
withdrawal to agree to; ``chengban``'s unit has parts to sign, to contact about, to
reply to (one overdue), a view to send, an extension and a reassignment waiting for the
office, a re-handling, and commitments to report on (one carried over from last year);
``lingdao`` supervises an item in handling."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db.models import Q

from minqing.core.demo import suggestion_texts as T
from minqing.core.demo.opinions.story import Cut
from minqing.core.demo.suggestion_texts import notes as N
from minqing.core.demo.suggestion_texts import replies as R
from minqing.core.demo.suggestions import compose
from minqing.core.demo.suggestions.item import Item
from minqing.core.demo.suggestions.planner import CityPlan, SuggestionBuilder
from minqing.people.models import HandlingUnit
from minqing.suggestions.models import (
    Assignment,
    Disclosure,
    HandlingMode,
    Level,
    ResultClass,
    SignerState,
    SourceOpinion,
    SupervisionKind,
    UnitRole,
)


def showcase_source() -> tuple[str, str, str] | None:
    """A citizen's opinion that went into a suggestion of the demo deputy: (tracking
    code, the phone's last four digits, the suggestion's number), for the banners —
    its track page shows 纳入代表建议第 N 号. None without the demo."""
    link = (
        SourceOpinion.objects.filter(
            suggestion__lead_deputy__user__username="daibiao", suggestion__number__isnull=False
        )
        .exclude(Q(opinion__citizen_phone="") | Q(suggestion__state="withdrawn"))
        .select_related("opinion", "suggestion")
        .order_by("pk")
        .first()
    )
    if link is None:
        return None
    op, s = link.opinion, link.suggestion
    return op.code, op.citizen_phone[-4:], s.display_number


class Showcase:
    def __init__(self, b: SuggestionBuilder, c: CityPlan) -> None:
        self.b, self.c, self.clock = b, c, b.clock
        self.r = random.Random(b.rng.getrandbits(64))
        self.office = b.users.get("renda")
        self.unit: HandlingUnit = b.targets.unit
        self.me = next((i for i in c.deputies if i.deputy.pk == b.targets.deputy.pk), None)
        county = self.me.county if self.me else c.deputies[0].county
        self.peers = [i for i in c.by_county.get(county, []) if i is not self.me] or [
            i for i in c.deputies if i is not self.me
        ]

    def back(self, days: float) -> dt.datetime:
        return self.clock.back(days + self.r.uniform(-0.03, 0.03))

    def key_unit(self, key: str) -> HandlingUnit | None:
        city = self.c.city.code
        return self.b.units.key.get(f"{city}:{key}")

    def new(self, key: str, created: dt.datetime, lead=None, cosigners=()) -> Item:
        r = random.Random(self.r.getrandbits(64))
        it = self.b.item(
            r,
            self.c,
            created=created,
            lead=lead or self.me,
            cosigners=list(cosigners),
            topic=T.TOPIC_BY_KEY[key],
        )
        it.s.disclosure = Disclosure.PUBLIC  # the showcase is for everyone to read
        return it

    def peer(self, i: int):
        """The ``i``-th other deputy of daibiao's delegation (round the list if short)."""
        return self.peers[i % len(self.peers)]

    def peers_of(self, i: int, n: int) -> list:
        return [self.peer(k).deputy for k in range(i, i + n)]

    def play(self, it: Item, *steps: Callable[[], object]) -> Item:
        try:
            for step in steps:
                step()
        except Cut:
            pass
        return it

    # -- steps ------------------------------------------------------------------------

    def opened(
        self,
        it: Item,
        t: dt.datetime,
        accepted: float,
        assigned: float,
        units: list[tuple[HandlingUnit, str]],
    ) -> list[Callable[[], object]]:
        """Co-signers confirm, the lead submits, the office accepts and assigns."""
        b = self.b

        def confirm() -> None:
            for g in [g for g in it.signers if g.state == SignerState.INVITED]:
                it.answer(t + dt.timedelta(minutes=self.r.randint(20, 200)), g, True)

        separate = bool(units) and units[0][1] == UnitRole.SEPARATE
        mode = HandlingMode.SEPARATE if separate else HandlingMode.LEAD
        return [
            confirm,
            lambda: it.submit(it.t + dt.timedelta(minutes=30), b.deputy_actor(it.lead)),
            lambda: it.accept(self.back(accepted), self.office, N.ACCEPT_NOTES[2]),
            lambda: it.assign(self.back(assigned), self.office, mode, units, N.INSTRUCTIONS[2]),
        ]

    def part(self, it: Item, unit: HandlingUnit) -> Assignment:
        return next(a for a in it.live_parts() if a.unit.pk == unit.pk)

    def sign(self, it: Item, unit: HandlingUnit, days: float) -> Callable[[], None]:
        return lambda: it.unit_accept(self.back(days), self.part(it, unit), self.b.unit_actor(unit))

    def contact(self, it: Item, unit: HandlingUnit, days: float) -> Callable[[], None]:
        def step() -> None:
            method, note = compose.contact(self.r, it.topic, it.lead.name, it.values["township"])
            a = self.part(it, unit)
            it.contact(self.back(days), a, self.b.unit_actor(unit), method, note)

        return step

    def reply(
        self, it: Item, unit: HandlingUnit, when: dt.datetime, cls: str, again: bool = False
    ) -> Callable[[], None]:
        def step() -> None:
            a, r = self.part(it, unit), self.r
            promised = compose.promises(r, it.topic, it.values, when.date()) if cls == "B" else []
            text = compose.reply_text(
                r,
                it.topic,
                it.values,
                result_class=cls,
                lead=it.lead.name,
                joint=len(it.confirmed()) > 1,
                item_title=it.s.title,
                unit_name=unit.name,
                on=when.date(),
                commitments=promised,
                again=again,
            )
            signed_by, person = self.b.unit_people(unit)
            it.reply(when, a, self.b.unit_actor(unit), cls, text, signed_by, person, promised)

        return step

    def rate(self, it: Item, when: dt.datetime, level: str) -> Callable[[], None]:
        def step() -> None:
            reply = it.round_replies()[-1]
            comment = R.UNSATISFIED_COMMENTS[0] if level == Level.UNSATISFIED else ""
            it.feedback_on(
                when,
                reply,
                self.b.deputy_actor(it.lead),
                level,
                Level.SATISFIED if level != Level.UNSATISFIED else Level.BASIC,
                comment,
            )

        return step

    # -- the stories ------------------------------------------------------------------

    def run(self, opinion: dict | None) -> bool:
        """Play the scripted items; returns whether ``opinion`` went into one (not when
        the demo deputy is no deputy of the city congress, or there is no office login)."""
        if self.me is None or self.office is None:
            return False
        b, back, zhujian = self.b, self.back, self.unit
        me = self.me
        unit = self.key_unit
        # daibiao: an item waiting for his rating (the office's and units' work is done)
        health = unit("weijian") or zhujian
        co = unit("renshe") or unit("fagai")
        it = self.new("disease_control", back(76), cosigners=self.peers_of(0, 3))
        roles = [(health, UnitRole.LEAD)] + ([(co, UnitRole.CO)] if co else [])
        steps = self.opened(it, back(75.8), 74, 72, roles)
        steps += [self.sign(it, health, 71.5), self.contact(it, health, 66)]
        if co:
            text = compose.view_text(self.r, it.topic, it.s.title, b.unit_key(co))
            steps += [
                self.sign(it, co, 71),
                lambda: it.view(back(55), self.part(it, co), None, text),
            ]
        steps += [self.contact(it, health, 20), self.reply(it, health, back(3), ResultClass.B)]
        self.play(it, *steps)
        # daibiao with chengban: an old-estate lift, just assigned, under key supervision
        ziran, district = unit("ziran"), b.units.key.get(f"{me.county}:gov")
        it = self.new("elevators", back(9), cosigners=self.peers_of(3, 2))
        roles = [(zhujian, UnitRole.LEAD)] + [(u, UnitRole.CO) for u in (ziran, district) if u]
        steps = self.opened(it, back(8.9), 6, 0.6, roles)
        steps.append(lambda: it.supervise(back(0.3), self.office, *self.key(it)))
        self.play(it, *steps)
        # daibiao's draft waiting for one co-signer, and another deputy's draft inviting him
        it = self.new("emergency_care", back(1), cosigners=self.peers_of(5, 2))
        self.play(it, lambda: it.answer(back(0.8), it.signers[1], True))
        it = self.new(
            "school_traffic",
            back(0.4),
            lead=self.peer(7),
            cosigners=[me.deputy, self.peer(8).deputy],
        )
        self.play(it, lambda: it.answer(back(0.2), it.signers[2], True))
        # another deputy asks to withdraw an accepted joint item: daibiao has to agree
        it = self.new(
            "bus_lines", back(12), lead=self.peer(9), cosigners=[self.peer(10).deputy, me.deputy]
        )
        steps = self.opened(it, back(11.9), 9, 0, [])[:3]
        steps += [
            lambda: it.withdraw_request(back(0.5), None, N.WITHDRAW_REASONS[2]),
            lambda: it.withdraw_agree(back(0.2), it.signers[1]),
        ]
        self.play(it, *steps)
        if opinion is not None:
            self.from_opinion(opinion)
        self.for_the_unit()
        return opinion is not None

    def key(self, it: Item) -> tuple:
        kind, leader, body, user, note = self.b.supervision(self.r, self.c, it, SupervisionKind.KEY)
        return kind, leader, body, user, note

    def led(self, it: Item) -> tuple:
        user = self.b.users.get("lingdao")
        if user is None:
            return self.key(it)
        leader = f"{user.display_name}（{N.LEADER_TITLE_KEY}）"
        return SupervisionKind.LEAD, leader, N.CONGRESS_LEAD_BODY, user, N.CONGRESS_LEAD_NOTE

    def from_opinion(self, row: dict) -> None:
        """The citizen's parking complaint at daibiao's station, in his suggestion (the
        citizen's track page shows its number), now with the traffic police."""
        b = self.b
        start = row["closed_at"]
        created = self.clock.deputy(start + dt.timedelta(hours=20), self.r)
        if created >= self.clock.now:
            created = start + (self.clock.now - start) / 2
        topic = T.TOPIC_BY_KEY["parking"]
        opening = R.FROM_OPINIONS[1].format(station=row["station"], name=topic.name)
        r = random.Random(self.r.getrandbits(64))
        it = b.item(r, self.c, created=created, lead=self.me, topic=topic, opening=opening)
        it.s.disclosure = Disclosure.PUBLIC
        it.link(row["pk"])
        police = self.key_unit("jiaojing") or self.key_unit("jiaotong") or self.unit
        city_mgmt = self.key_unit("chengguan")
        roles = [(police, UnitRole.LEAD)] + ([(city_mgmt, UnitRole.CO)] if city_mgmt else [])
        t = it.t
        steps = [
            lambda: it.submit(t + dt.timedelta(hours=1), b.deputy_actor(it.lead)),
            lambda: it.accept(self.clock.work(t, 1.2), self.office, ""),
            lambda: it.assign(
                self.clock.work(t, 3), self.office, HandlingMode.LEAD, roles, N.INSTRUCTIONS[0]
            ),
            lambda: it.unit_accept(self.clock.work(t, 3.4), self.part(it, police), None),
        ]
        self.play(it, *steps)

    def for_the_unit(self) -> None:
        """chengban's 住建局: every kind of work a handling unit has."""
        back, zhujian, unit = self.back, self.unit, self.key_unit
        chengguan = unit("chengguan") or unit("jiaotong")
        # a co-handling part to sign
        it = self.new("illegal_building", back(7), lead=self.peer(11))
        self.play(
            it,
            *self.opened(
                it, back(6.9), 4, 0.8, [(chengguan, UnitRole.LEAD), (zhujian, UnitRole.CO)]
            ),
        )
        # signed, no contact yet
        it = self.new("old_estates", back(12), lead=self.peer(12))
        self.play(
            it,
            *self.opened(it, back(11.9), 10, 8, [(zhujian, UnitRole.LEAD)]),
            self.sign(it, zhujian, 7.5),
        )
        # contacted, ready to reply; led by lingdao himself (领衔督办)
        it = self.new("rental_housing", back(44), lead=self.peer(13))
        self.play(
            it,
            *self.opened(it, back(43.9), 42, 40, [(zhujian, UnitRole.LEAD)]),
            lambda: it.supervise(back(38), self.office, *self.led(it)),
            self.sign(it, zhujian, 39.5),
            self.contact(it, zhujian, 30),
            self.contact(it, zhujian, 10),
        )
        # past its reply deadline
        it = self.new("maintenance_fund", back(74), lead=self.peer(14))
        self.play(
            it,
            *self.opened(it, back(73.9), 72, 70, [(zhujian, UnitRole.LEAD)]),
            self.sign(it, zhujian, 69),
            self.contact(it, zhujian, 50),
        )
        # more time asked, waiting for the office
        it = self.new("gas_safety", back(62), lead=self.peer(15))

        def extend() -> None:
            a = self.part(it, zhujian)
            new_due = compose.add_months(self.clock.local_date(a.assigned_at), 5)
            reason = N.EXTENSION_REASONS[0].format(name=it.topic.name)
            it.extension_request(back(1.5), a, self.b.unit_actor(zhujian), new_due, reason)

        self.play(
            it,
            *self.opened(it, back(61.9), 60, 58, [(zhujian, UnitRole.LEAD)]),
            self.sign(it, zhujian, 57.5),
            self.contact(it, zhujian, 40),
            extend,
        )
        # not ours: a reassignment asked, waiting for the office
        it = self.new("public_toilets", back(6), lead=self.peer(16))

        def apply() -> None:
            reason = N.REASSIGN_REASONS[0].format(name=it.topic.name, unit=chengguan.name)
            a = self.part(it, zhujian)
            it.reassign_request(back(1), a, self.b.unit_actor(zhujian), reason, chengguan)

        self.play(it, *self.opened(it, back(5.9), 4.5, 3, [(zhujian, UnitRole.LEAD)]), apply)
        # a co-handler's view still to send
        police = unit("jiaojing") or unit("jiaotong")
        it = self.new("parking", back(16), lead=self.peer(17))
        roles = [(police, UnitRole.LEAD), (zhujian, UnitRole.CO)]
        self.play(
            it,
            *self.opened(it, back(15.9), 14, 12, roles),
            self.sign(it, police, 11.8),
            self.sign(it, zhujian, 11),
        )
        # rated 不满意: back for re-handling
        it = self.new("elevators", back(80), lead=self.peer(18))
        self.play(
            it,
            *self.opened(it, back(79.9), 78, 75, [(zhujian, UnitRole.LEAD)]),
            self.sign(it, zhujian, 74.5),
            self.contact(it, zhujian, 60),
            self.reply(it, zhujian, back(25), ResultClass.C),
            self.rate(it, back(5), Level.UNSATISFIED),
            self.contact(it, zhujian, 2),
        )
        # class B promises in the ledger: this year's, and one carried over from last year
        it = self.new("property_service", back(130), lead=self.peer(19))
        self.play(
            it,
            *self.opened(it, back(129.9), 127, 120, [(zhujian, UnitRole.LEAD)]),
            self.sign(it, zhujian, 119),
            self.contact(it, zhujian, 100),
            self.reply(it, zhujian, back(60), ResultClass.B),
            self.rate(it, back(55), Level.SATISFIED),
            lambda: it.progress_on(
                back(30), it.commitments[0], self.b.unit_actor(zhujian), N.PROGRESS_NOTES[1][1], 40
            ),
        )
        self.carried_over(self.peer(20))

    def carried_over(self, lead) -> None:
        clock, zhujian = self.clock, self.unit
        last_year = clock.now.year - 1
        replied = clock.open_at(dt.datetime(last_year, 10, 20, 10))
        assigned = clock.back_from(replied, 45)
        it = self.new("elevators", clock.back_from(assigned, 6), lead=lead)
        actor = self.b.unit_actor(zhujian)

        def steps() -> None:
            it.answer(it.t + dt.timedelta(hours=2), it.signers[1], True) if len(
                it.signers
            ) > 1 else None
            it.submit(it.t + dt.timedelta(hours=3), None)
            it.accept(clock.work(it.t, 1), self.office, "")
            it.assign(
                assigned,
                self.office,
                HandlingMode.LEAD,
                [(zhujian, UnitRole.LEAD)],
                N.INSTRUCTIONS[0],
            )
            a = it.parts[0]
            it.unit_accept(clock.work(assigned, 0.5), a, actor)
            method, note = compose.contact(self.r, it.topic, it.lead.name, it.values["township"])
            it.contact(clock.work(assigned, 6), a, actor, method, note)
            self.reply(it, zhujian, replied, ResultClass.B)()
            it.feedback_on(
                clock.work(replied, 6),
                it.replies[-1],
                None,
                Level.BASIC,
                Level.SATISFIED,
                R.BASIC_COMMENTS[1],
            )
            c = it.commitments[0]
            it.progress_on(clock.work(replied, 30), c, actor, N.PROGRESS_NOTES[0][1], 20)
            for year in range(last_year + 1, clock.now.year + 1):
                for x in it.commitments:
                    it.carry_over(dt.datetime(year, 1, 1, 0, 5), x, year)
            it.progress_on(clock.back(20), c, actor, N.PROGRESS_NOTES[2][1], 60)

        self.play(it, steps)
