"""The builder's state and plans: every city congress's sessions, who raises what and
when, and which units handle it (each item an ``Item`` with a ``Plan``, played by
``flows`` and written by ``build``)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from minqing.accounts.models import User
from minqing.core.config import RegionConfig, settings_for
from minqing.core.demo import names, places
from minqing.core.demo import opinion_texts as OT
from minqing.core.demo import suggestion_texts as T
from minqing.core.demo.deputies import DeputyInfo
from minqing.core.demo.profiles import Profile
from minqing.core.demo.rand import Weighted, station_code
from minqing.core.demo.regions import Tree
from minqing.core.demo.suggestion_texts import notes as N
from minqing.core.demo.suggestions import compose
from minqing.core.demo.suggestions.clock import Clock, chinese_number, term_sessions
from minqing.core.demo.suggestions.flows import Flow, Plan, SessionBatch
from minqing.core.demo.suggestions.item import Item
from minqing.core.demo.units import Units
from minqing.core.models import Region
from minqing.people.models import CongressLevel, Deputy, DeputyContact, HandlingUnit, Term
from minqing.suggestions.models import (
    PUBLIC_CODE_LENGTH,
    AssignmentBatch,
    CongressSession,
    Disclosure,
    HandlingMode,
    Kind,
    Suggestion,
    SuggestionState,
    SupervisionKind,
    Timing,
    UnitRole,
)

CATEGORY_WEIGHTS = Weighted(
    [
        ("urban", 11),
        ("utilities", 4),
        ("transport", 10),
        ("education", 10),
        ("health", 9),
        ("elderly", 7),
        ("social", 6),
        ("housing", 8),
        ("environment", 8),
        ("market", 3),
        ("safety", 3),
        ("culture", 4),
        ("agriculture", 7),
        ("business", 8),
        ("other", 2),
    ]
)
# What a deputy's occupation suggests they raise (the word, the category).
OCCUPATION_HINTS = (
    ("医", "health"),
    ("卫生", "health"),
    ("疾控", "health"),
    ("学校", "education"),
    ("教师", "education"),
    ("中学", "education"),
    ("小学", "education"),
    ("幼儿园", "education"),
    ("合作社", "agriculture"),
    ("农", "agriculture"),
    ("村", "agriculture"),
    ("有限公司", "business"),
    ("社区", "housing"),
    ("律师", "safety"),
    ("养老", "elderly"),
)
# How many items of the work in progress the city of ~300 session items holds, by the
# stage its story pauses at (``Plan.stop``); smaller cities scale down, never below one.
RECENT = {
    "draft": 6,
    "submitted": 8,
    "accepted": 26,
    "assigned": 6,
    "handling": 16,
    "overdue": 4,
    "reassigning": 3,
    "extension": 3,
    "replied": 12,
    "replied_overdue": 3,
    "rehandling": 5,
    "withdraw_request": 1,
}
REJECT_SHARE, WITHDRAW_SHARE, JOINT_SHARE, PAPER_SHARE = 0.03, 0.012, 0.42, 0.2
CORE_FALLBACK = ("city:zhujian", "county:gov")
# Where a part goes when the office agrees it is not the unit's, after the topic's own.
SPARE_FALLBACK = ("city:zhujian", "county:gov", "city:chengguan", "city:jiaotong", "city:fagai")


class CityPlan:
    """One city congress: its term, sessions and deputies."""

    def __init__(self, city: Region, term: Term, sessions: list[CongressSession]) -> None:
        self.city, self.term, self.sessions = city, term, sessions
        self.current = sessions[-1]
        self.previous = sessions[-2] if len(sessions) > 1 else None
        self.deputies: list[DeputyInfo] = []
        self.weights: list[int] = []
        self.by_county: dict[str, list[DeputyInfo]] = defaultdict(list)
        self.leaders: dict[str, list[str]] = {}  # vice-chairs ("key") and vice-mayors ("lead")


class SuggestionBuilder:
    """Plans and plays the motions and suggestions of every city congress and holds what
    their items share (clock, codes, settings, units, who acts); ``build.save`` writes
    them."""

    def __init__(
        self,
        rng: random.Random,
        *,
        tree: Tree,
        profile: Profile,
        units: Units,
        infos: list[DeputyInfo],
        terms: dict[str, Term],
        targets,
        users: dict[str, User],
        now: dt.datetime,
    ) -> None:
        self.rng, self.tree, self.profile, self.units = rng, tree, profile, units
        self.targets, self.users = targets, users
        self.demo_city = tree.cities[0]
        self.cities: list[CityPlan] = []
        for i, city in enumerate(tree.cities):
            term = terms[city.code]
            offset = 0 if i == 0 else rng.choice((0, 1))
            rows = term_sessions(term.start_date, now.date(), offset)
            number = chinese_number(term.number)
            sessions = [
                CongressSession(
                    congress=term.congress,
                    term=term,
                    number=k,
                    name=f"{city.name}第{number}届人民代表大会第{chinese_number(k)}次会议",
                    start_date=start,
                    end_date=end,
                )
                for k, start, end in rows
            ]
            self.cities.append(CityPlan(city, term, sessions))
        since = min((c.previous or c.current).start_date for c in self.cities) - dt.timedelta(
            days=10
        )
        self.clock = Clock(now, since)
        self.code_rng = random.Random(rng.getrandbits(64))
        self.people_rng = random.Random(rng.getrandbits(64))
        self.codes = set(Suggestion.objects.values_list("code", flat=True))
        self.items: list[Item] = []
        self.batches: list[AssignmentBatch] = []
        self.session_batches: dict[int, SessionBatch] = {}  # id(session) -> its batch
        self._seq = 0
        self._config: dict[int, RegionConfig] = {}
        self._people: dict[int, tuple[str, str]] = {}
        self.unit_keys = {u.pk: key for key, u in units.key.items()}
        by_city = {c.city.code: c for c in self.cities}
        for info in infos:
            if info.level == CongressLevel.CITY and info.active and info.city in by_city:
                c = by_city[info.city]
                c.deputies.append(info)
                c.weights.append(rng.choice((1, 1, 1, 2, 2, 3, 5)))
                c.by_county[info.county].append(info)
        ids = [i.deputy.pk for c in self.cities for i in c.deputies]
        self.phones = dict(
            DeputyContact.objects.filter(deputy_id__in=ids).values_list("deputy_id", "mobile")
        )

    # -- shared helpers ---------------------------------------------------------------

    def seq(self) -> int:
        self._seq += 1
        return self._seq

    def new_code(self) -> str:
        return station_code(self.code_rng, self.codes, PUBLIC_CODE_LENGTH)

    def config(self, s: Suggestion) -> RegionConfig:
        """``settings_for`` the item's region, read once per city congress."""
        return self.region_config(s.region)

    def region_config(self, region: Region) -> RegionConfig:
        if region.pk not in self._config:
            self._config[region.pk] = settings_for(region)
        return self._config[region.pk]

    def adopt(self, it: Item) -> None:
        self.items.append(it)

    def office(self, s: Suggestion) -> User | None:
        """The congress staff who screen and assign: ``renda`` in the demo city."""
        return self.users.get("renda") if s.region.pk == self.demo_city.pk else None

    def unit_actor(self, unit: HandlingUnit | None) -> User | None:
        return self.users.get("chengban") if unit and unit.pk == self.targets.unit.pk else None

    def deputy_actor(self, deputy: Deputy | None) -> User | None:
        return self.users.get("daibiao") if deputy and deputy.pk == self.targets.deputy.pk else None

    def unit_key(self, unit: HandlingUnit) -> str:
        return self.unit_keys.get(unit.pk, "")

    def unit_people(self, unit: HandlingUnit) -> tuple[str, str]:
        """Who signs a unit's replies (its head) and who it names as contact."""
        if unit.pk not in self._people:
            r = self.people_rng
            head = names.person_name(r, "M" if r.random() < 0.75 else "F", r.randint(1966, 1980))
            person = names.person_name(r, r.choice("MF"), r.randint(1978, 1998))
            clerk = self.users.get("chengban")
            if unit.pk == self.targets.unit.pk and clerk is not None:
                person = clerk.display_name
            self._people[unit.pk] = (head, person)
        return self._people[unit.pk]

    def unit(self, key: str, county: str, township: str) -> HandlingUnit | None:
        scope, _, name = key.partition(":")
        city = county[:4] + "00"
        found = {
            "city": f"{city}:{name}",
            "county": f"{county}:{name}",
            "township": f"{township}:office",
        }.get(scope)
        return self.units.key.get(found) if found else None

    # -- places, deputies, topics -----------------------------------------------------

    def place(self, r: random.Random, county: Region, where: str) -> dict[str, str]:
        """The names an item's texts use, around ``county``."""
        tree = self.tree
        city = tree.city_of(county)
        townships = tree.townships[county.code]
        kind = {"rural": "村", "urban": "社区"}.get(where)
        villages = [v for t in townships for v in tree.villages[t.code]]
        fitting = [v for v in villages if kind is None or v.kind == kind] or villages
        village = r.choice(fitting)
        township = tree.township_of(village)

        def stem() -> str:
            return r.choice(places.FIRST) + r.choice(places.ROAD_SECOND)

        def road() -> str:
            return stem() + r.choice(places.ROAD_SUFFIX)

        schools = [
            f"{county.name}实验小学",
            f"{township.name}中心小学",
            f"{city.name}第{r.choice('二三四五六七八九')}中学",
        ]
        return {
            "city": city.name,
            "city_short": tree.city_short[city.code],
            "county": county.name,
            "township": township.name,
            "village": village.name,
            "road": road(),
            "road2": road(),
            "estate": r.choice(places.FIRST)
            + r.choice(places.SECOND_COMMUNITY)
            + r.choice(OT.ESTATES),
            "river": stem()[0] + r.choice(["溪", "江", "河"]),
            "school": r.choice(schools),
            "hospital": r.choice([f"{city.name}第一人民医院", f"{county.name}人民医院"]),
            "market": r.choice([f"{township.name}农贸市场", f"{stem()}菜市场"]),
            "park": r.choice([f"{stem()}公园", f"{township.name}文化广场"]),
            "bus": f"{r.randint(1, 128)}路",
            "n": str(r.randint(2, 9)),
            "cn": r.choice("二三四五六七八九"),
            "year": str(self.clock.now.year),
            "next_year": str(self.clock.now.year + 1),
        }

    def lead(self, r: random.Random, c: CityPlan) -> DeputyInfo:
        return r.choices(c.deputies, weights=c.weights)[0]

    def cosigners(self, r: random.Random, c: CityPlan, lead: DeputyInfo, n: int) -> list[Deputy]:
        """``n`` co-signers, from the lead's delegation (county) first."""
        pool = [i for i in c.by_county.get(lead.county, []) if i is not lead]
        picked = r.sample(pool, min(n, len(pool)))
        if len(picked) < n:
            rest = [i for i in c.deputies if i is not lead and i not in picked]
            picked += r.sample(rest, min(n - len(picked), len(rest)))
        return [i.deputy for i in picked]

    def topic(self, r: random.Random, info: DeputyInfo, county: Region) -> T.Topic:
        category = None
        occupation = info.deputy.occupation
        hints = [cat for word, cat in OCCUPATION_HINTS if word in occupation]
        if hints and r.random() < 0.35:
            category = hints[0]
        category = category or CATEGORY_WEIGHTS(r)
        rural = any(
            v.kind == "村"
            for t in self.tree.townships[county.code]
            for v in self.tree.villages[t.code]
        )
        pool = [t for t in T.TOPICS if t.category == category and (rural or t.where != "rural")]
        return r.choice(pool or T.TOPICS)

    def disclosure(self, r: random.Random, topic: T.Topic | None) -> str:
        roll = r.random()
        if roll < (0.3 if topic is not None and topic.secret else 0.015):
            return Disclosure.SECRET
        if roll > 0.95:
            return Disclosure.PRIVATE
        return Disclosure.PUBLIC

    def session_on(self, c: CityPlan, d: dt.date) -> CongressSession | None:
        return next((s for s in c.sessions if s.start_date <= d <= s.end_date), None)

    def roles(
        self, r: random.Random, topic: T.Topic | None, county: str, township: str, mode: str = ""
    ) -> tuple[str, list[tuple[HandlingUnit, str]], list[HandlingUnit]]:
        """The handling mode (drawn unless ``mode`` is given), the (unit, role) pairs and
        spare units for a reassignment."""

        def found(keys) -> list[HandlingUnit]:
            out = [u for k in keys if (u := self.unit(k, county, township)) is not None]
            return list(dict.fromkeys(out))

        leads = found(topic.lead if topic else ()) or found(CORE_FALLBACK)
        lead = leads[0] if len(leads) == 1 or r.random() < 0.85 else r.choice(leads[1:])
        co = [u for u in found(topic.co if topic else ()) if u.pk != lead.pk]
        spare = [u for u in [*leads, *co, *found(SPARE_FALLBACK)] if u.pk != lead.pk]
        if mode and not co:
            co = list(dict.fromkeys(spare))
        roll = {HandlingMode.SEPARATE: 0.0, HandlingMode.LEAD: 0.2}.get(mode, r.random())
        if co and roll < 0.1:
            pair = [(lead, UnitRole.SEPARATE), (co[0], UnitRole.SEPARATE)]
            return HandlingMode.SEPARATE, pair, [u for u in spare if u.pk != co[0].pk]
        if co and roll < 0.48:
            chosen = r.sample(co, min(len(co), r.choice((1, 1, 2))))
            roles = [(lead, UnitRole.LEAD), *((u, UnitRole.CO) for u in chosen)]
            return HandlingMode.LEAD, roles, [u for u in spare if u not in chosen]
        return HandlingMode.LEAD, [(lead, UnitRole.LEAD)], spare

    # -- items ------------------------------------------------------------------------

    def item(
        self,
        r: random.Random,
        c: CityPlan,
        *,
        created: dt.datetime,
        lead: DeputyInfo,
        cosigners: list[Deputy] = (),
        kind: str = Kind.SUGGESTION,
        topic: T.Topic | None = None,
        reject: T.Reject | None = None,
        by_office: bool = False,
        opening: str = "",
        values: dict[str, str] | None = None,
    ) -> Item:
        """A new item (draft), created by its lead deputy or entered by the office."""
        county = self.tree.by_code[lead.county]
        topic = topic if topic is not None or reject is not None else self.topic(r, lead, county)
        values = values or self.place(r, county, topic.where if topic else "any")
        session = self.session_on(c, created.date())
        s = Suggestion(
            code=self.new_code(),
            kind=kind,
            congress=c.term.congress,
            region=c.city,
            session=session,
            timing=Timing.SESSION if session else Timing.INTERIM,
            year=session.start_date.year if session else created.year,
            lead_deputy=lead.deputy,
            contact_name=lead.deputy.name,
            contact_phone=self.phones.get(lead.deputy.pk, ""),
            disclosure=self.disclosure(r, topic),
            state=SuggestionState.DRAFT,
        )
        if reject is not None:
            s.title = compose.fill(reject.title, values)
            s.category = reject.category
            s.grounds = compose.fill(reject.grounds, values)
            s.proposal = compose.fill(reject.proposal, values)
        else:
            s.title = compose.title(r, topic, values)
            s.category = topic.category
            s.grounds = compose.grounds(r, topic, values, opening)
            s.proposal = compose.proposal(r, topic, values)
        actor = self.deputy_actor(lead.deputy)
        if by_office and actor is None:
            s.created_by = self.office(s)
        else:
            s.created_by = actor
            by_office = False
        it = Item(self, r, s, topic=topic, values=values, created=created, by_office=by_office)
        it.create(s.created_by, list(cosigners))
        self.items.append(it)
        return it

    def play(self, it: Item, plan: Plan) -> Item:
        Flow(self, it, plan).play()
        return it

    def plan(self, r: random.Random, it: Item, mode: str = "", **kw) -> Plan:
        """A plan with the units drawn for the item's topic and place (``mode`` forces
        separate handling, or a lead unit with co-handlers); ``kw`` overrides."""
        county = self.county_of(it)
        township = self.township_code(it)
        mode, roles, spare = self.roles(r, it.topic, county, township, mode)
        p = Plan(mode=mode, roles=roles, spare=spare)
        if r.random() < 0.07:
            p.unrated = r.choice(("office", "system"))
        if r.random() < 0.035:
            p.reassign = r.randrange(len(roles))
            p.reassign_approve = r.random() < 0.6
        answering = [i for i, (_, role) in enumerate(roles) if role != UnitRole.CO]
        if r.random() < 0.05:
            p.extension = r.choice(answering)
            p.extension_approve = r.random() < 0.8
        for key, value in kw.items():
            setattr(p, key, value)
        return p

    def county_of(self, it: Item) -> str:
        name = it.values.get("county")
        city = it.s.region.code
        for county in self.tree.counties[city]:
            if county.name == name:
                return county.code
        return self.tree.counties[city][0].code

    def township_code(self, it: Item) -> str:
        name = it.values.get("township")
        for t in self.tree.townships[self.county_of(it)]:
            if t.name == name:
                return t.code
        return ""

    def supervision(
        self, r: random.Random, c: CityPlan, it: Item, kind: str
    ) -> tuple[str, str, str, User | None, str]:
        """Who supervises: a vice-chair of the standing committee (``lingdao`` for the
        city-building items of the demo city) or a vice-mayor who leads the handling."""
        leaders = self.leaders_of(c)
        if kind == SupervisionKind.KEY:
            cat = it.s.category
            demo = c.city.pk == self.demo_city.pk and self.users.get("lingdao") is not None
            ours = cat in ("urban", "utilities", "housing", "environment", "transport")
            if demo and ours:
                user = self.users["lingdao"]
                leader = f"{user.display_name}（{N.LEADER_TITLE_KEY}）"
            else:
                user, leader = None, f"{r.choice(leaders['key'])}（{N.LEADER_TITLE_KEY}）"
            body = N.COMMITTEES.get(cat, N.COMMITTEES["other"])
            return (kind, leader, body, user, r.choice(N.KEY_NOTES))
        leader = f"{r.choice(leaders['lead'])}（{N.LEADER_TITLE_LEAD}）"
        return (kind, leader, N.LEADER_BODY_LEAD, None, r.choice(N.LEAD_NOTES))

    def leaders_of(self, c: CityPlan) -> dict[str, list[str]]:
        if not c.leaders:
            r = self.people_rng

            def name(born: tuple[int, int]) -> str:
                return names.person_name(r, "M" if r.random() < 0.7 else "F", r.randint(*born))

            c.leaders = {
                "key": [name((1963, 1972)) for _ in range(3)],
                "lead": [name((1968, 1978)) for _ in range(3)],
            }
        return c.leaders

    def batch(self, c: CityPlan, session: CongressSession, r: random.Random) -> SessionBatch:
        """The session's 交办会, some working days after its close."""
        close = dt.datetime.combine(session.end_date, dt.time(17, 30))
        when = self.clock.work(close, r.uniform(4, 5.5))
        office = self.users.get("renda") if c.city.pk == self.demo_city.pk else None
        obj = AssignmentBatch(
            congress=c.term.congress,
            region=c.city,
            session=session,
            created_by=office,
            created_at=self.clock.aware(when),
        )
        self.batches.append(obj)
        return SessionBatch(obj, when)

    def numbers(self) -> None:
        """The serial of every submitted item within its congress, year and kind, in the
        order of submission (``actions._common.next_number``)."""
        groups: dict[tuple, list[Item]] = defaultdict(list)
        for it in self.items:
            s = it.s
            if it.submitted_seq is not None and s.submitted_at is not None:
                groups[(s.congress.pk, s.year, s.kind)].append(it)
        for group in groups.values():
            group.sort(key=lambda it: (it.s.submitted_at, it.submitted_seq))
            for n, it in enumerate(group, 1):
                it.s.number = n
