"""The scripted stories the demo logins open first, and the one a visitor can track."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from minqing.core.demo import opinion_texts as T
from minqing.core.demo.opinions import flows
from minqing.core.demo.opinions.planner import OpinionBuilder
from minqing.core.demo.opinions.story import Cut, Story
from minqing.opinions.models import Channel, Opinion
from minqing.people.models import HandlingUnit

# The phone of the showcase citizen: the banner prints its last four digits with the code.
SHOWCASE_PHONE = "19901001234"


def showcase_tracking() -> tuple[str, str] | None:
    """The demo opinion a visitor can track and rate: (tracking code, phone's last four
    digits), or None when the demo has no opinions. For the ``make run`` banner."""
    code = (
        Opinion.objects.filter(citizen_phone=SHOWCASE_PHONE)
        .order_by("pk")
        .values_list("code", flat=True)
        .first()
    )
    return (code, SHOWCASE_PHONE[-4:]) if code else None


class Showcase:
    """A fixed set of stories at the demo station, office and unit, placed relative to
    now so that every inbox of the demo logins has work in it on any day."""

    def __init__(self, b: OpinionBuilder) -> None:
        self.b, self.clock = b, b.clock
        self.r = random.Random(b.rng.getrandbits(64))
        t = b.targets
        self.station, self.unit, self.deputy = t.station, t.unit, t.deputy
        self.office = b.users.get("renda")
        self.staff = b.users.get("lianluoyuan")
        self.clerk = b.users.get("chengban")
        self.me = b.users.get("daibiao")

    def story(
        self, key: str | None, created: dt.datetime, channel: str = Channel.QR, **kw
    ) -> Story:
        r = random.Random(self.r.getrandbits(64))
        at_station = kw.pop("at_station", channel not in (Channel.WEB, Channel.PHONE))
        if not at_station and "village" not in kw and "master" not in kw:
            kw["village"] = r.choice(self.b.tree.villages[self.station.region.code])
        s = self.b.new_story(
            r,
            channel=channel,
            created=min(created, self.clock.now - dt.timedelta(minutes=5)),
            station=self.station if at_station else None,
            matter=T.MATTER_BY_KEY[key] if key else None,
            **kw,
        )
        s.op.category = s.op.category or (s.matter or s.decline).category  # no classify here
        return s

    def back(self, days: float) -> dt.datetime:
        """``days`` working days before now, give or take a quarter of an hour."""
        return self.clock.back(days + self.r.uniform(-0.03, 0.03))

    def hours(self, h: float) -> dt.datetime:
        return (self.clock.now - dt.timedelta(hours=h)).replace(microsecond=0)

    def play(self, s: Story, *steps) -> Story:
        """Run ``steps`` (callables taking the story) until one would pass now."""
        try:
            for step in steps:
                step(s)
        except Cut:
            pass
        s.sweep()
        return s

    def handled(
        self, fwd: float, unit: HandlingUnit | None = None, *, contact: bool = True
    ) -> list[Callable[[Story], None]]:
        """Forwarded ``fwd`` working days ago, signed soon after, the citizen called."""
        b, back, unit = self.b, self.back, unit or self.unit
        actor = b.unit_actor(unit)
        steps = [
            lambda s: s.forward(back(fwd), self.office, unit, T.INSTRUCTIONS[0]),
            lambda s: s.sign(back(fwd - 0.2), actor),
        ]
        if contact:
            steps.append(lambda s: s.contact(back(fwd - 0.7), actor))
        return steps

    def reply(self, when: dt.datetime, resolution: str | None = None) -> Callable[[Story], None]:
        def step(s: Story) -> None:
            actor = self.b.unit_actor(s.assignment.unit)
            if resolution is None:
                return flows.reply(self.b, s, when, actor)
            fits = s.fitting_replies()
            res, text = next((x for x in fits if x[0] == resolution), fits[0])[:2]
            text = s.fill(text, date=flows.date_words(s, when), unit=s.assignment.unit.name)
            s.reply(when, actor, text, res)

        return step

    def right_unit(self, s: Story, wrong: HandlingUnit) -> HandlingUnit:
        units = [*self.b.candidates(s), self.b.unit("county:gov", s.place)]
        return next(u for u in units if u is not None and u.pk != wrong.pk)

    def returned(self, by: HandlingUnit, when: float) -> Callable[[Story], None]:
        def step(s: Story) -> None:
            right = self.right_unit(s, by).name
            reason = T.RETURN_REASONS[0].format(title=s.matter.title, unit=right)
            s.return_(self.back(when), self.b.unit_actor(by), reason)

        return step

    def run(self) -> tuple[str, str]:
        b, back, hours = self.b, self.back, self.hours
        D, staff, me, office, clerk = self.deputy, self.staff, self.me, self.office, self.clerk
        after_now = self.clock.work(self.clock.now, 1).date()
        # new at the station: the 联络员's and the deputy's inbox
        self.play(self.story("elevator", hours(3)))
        self.play(self.story("meal", back(0.6), Channel.VISIT, actor=staff))
        self.play(self.story("streetlight", hours(20), Channel.DEPUTY_PHOTO, deputy=D, actor=me))
        self.play(self.story("parking", hours(5), meeting=True, deputy=D))
        meet_at = dt.datetime.combine(after_now, dt.time(15))
        self.play(
            self.story("old_estate", back(2), meeting=True, deputy=D),
            lambda s: s.meeting_accept(back(1), me, D, meet_at),
        )
        self.play(
            self.story("property_dispute", back(25), meeting=True, deputy=D),
            lambda s: s.meeting_decline(back(24.5), me),
            lambda s: s.escalate(back(24.3), staff, T.ESCALATE_NOTES[0]),
            lambda s: flows.office_flow(b, s),
        )
        # the office's triage: escalated, new without a station, returned by units
        self.play(
            self.story("parking", back(1.5)),
            lambda s: s.escalate(back(1.2), staff, T.ESCALATE_NOTES[1]),
        )
        wangjiang = b.tree.by_code.get(self.station.region.code + "001")
        self.play(self.story("noise_construction", hours(26), Channel.WEB, village=wangjiang))
        self.play(self.story("wage_arrears", back(0.3), Channel.PHONE, actor=office))
        self.play(
            self.story("streetlight", back(6), Channel.WEB),
            lambda s: s.forward(back(5), office, self.unit, T.INSTRUCTIONS[0]),
            self.returned(self.unit, 4),
        )
        transport = b.units.key[f"{b.demo_city.code}:jiaotong"]
        self.play(
            self.story("parking", back(7), Channel.PHONE, actor=office),
            lambda s: s.forward(back(6.5), office, transport, T.INSTRUCTIONS[3]),
            lambda s: s.sign(back(6.2), None),
            self.returned(transport, 5),
        )
        # the unit's inbox: to sign, handling, overdue, extensions, re-handling
        self.play(
            self.story("old_estate", back(1.5), Channel.WEB),
            lambda s: s.forward(back(0.4), office, self.unit, T.INSTRUCTIONS[2]),
        )
        self.play(
            self.story("maintenance_fund", back(5), Channel.WEB),
            lambda s: s.forward(back(4), office, self.unit, T.INSTRUCTIONS[0]),
        )
        master = self.play(
            self.story("elevator", back(5.5)),
            lambda s: s.escalate(back(5.3), staff, T.ESCALATE_NOTES[0]),
            *self.handled(4.5),
        )
        self.play(
            self.story(None, back(3), master=master),
            lambda s: s.merge(back(2.5), office, master.op),
        )

        def refused(s: Story) -> None:  # asked for more time too late, and overdue now
            e = s.request_extension(back(6), clerk, 5)
            s.decide_extension(back(5.6), office, e, False)

        self.play(self.story("property_dispute", back(20), Channel.WEB), *self.handled(19), refused)
        self.play(
            self.story("old_estate", back(12)),
            lambda s: s.escalate(back(11.8), staff),
            *self.handled(11.5),
            lambda s: s.request_extension(back(1), clerk, 10),
        )

        def extend(s: Story) -> None:
            e = s.request_extension(back(12), clerk, 10)
            s.decide_extension(back(11), office, e, True)

        self.play(
            self.story("pothole", back(25), Channel.PHONE, actor=office),
            *self.handled(24),
            extend,
        )
        self.play(
            self.story("property_certificate", back(18), Channel.WEB),
            *self.handled(17),
            self.reply(back(5)),
            lambda s: s.rate(hours(40), "unsatisfied", T.UNSATISFIED_COMMENTS[1]),
            lambda s: s.contact(back(0.5), clerk),
        )
        # the one a visitor can track and rate (the banner prints its code)
        showcase = self.play(
            self.story("elevator", back(14), phone=SHOWCASE_PHONE),
            lambda s: s.escalate(back(13.9), staff, T.ESCALATE_NOTES[0]),
            *self.handled(13.5),
            self.reply(back(1), "solved"),
        )
        # overdue elsewhere, declined, a suggestion, answered, re-handled and closed
        power = b.units.key[f"{b.demo_city.code}:gongdian"]
        shiqiao = b.tree.by_code.get("990103101201") or b.tree.all_villages()[-1]
        self.play(
            self.story("voltage", back(22), Channel.PHONE, village=shiqiao, actor=office),
            *self.handled(21, power),
        )
        self.play(
            self.story(None, back(9), Channel.WEB, decline=T.DECLINES[0]),
            lambda s: s.decline_(back(8), office),
        )
        self.play(
            self.story("parking", back(30), Channel.VISIT, actor=staff),
            lambda s: s.to_suggestion(s.t + dt.timedelta(minutes=30), me),
        )
        self.play(
            self.story("medical_insurance", back(16), Channel.VISIT, actor=staff),
            lambda s: s.answer(
                s.t + dt.timedelta(minutes=20), me, s.fill(s.matter.answer), "explained"
            ),
        )
        self.play(
            self.story("elevator", back(60), Channel.WEB),
            *self.handled(59),
            self.reply(back(50), "partly"),
            lambda s: s.rate(back(48), "unsatisfied", T.UNSATISFIED_COMMENTS[0]),
            lambda s: s.contact(back(47.5), clerk),
            self.reply(back(40), "solved"),
            lambda s: s.rate(back(38), "basic", T.BASIC_COMMENTS[0]),
        )
        self.play(
            self.story("pothole", back(40), Channel.DEPUTY_PHOTO, deputy=D, actor=me),
            lambda s: s.escalate(back(39.8), me),
            *self.handled(39, contact=False),
            self.reply(back(30)),
            lambda s: s.close_unrated(),
        )
        return showcase.op.code, SHOWCASE_PHONE[-4:]
