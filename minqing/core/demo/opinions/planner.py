"""The builder's state and plans: which opinions each city gets, by which channel, at which
station, about what and where (each a ``Story``, not yet played or saved)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from minqing.accounts.models import User
from minqing.core.config import RegionConfig, settings_for
from minqing.core.demo import names, places, texts
from minqing.core.demo import opinion_texts as T
from minqing.core.demo.deputies import DeputyInfo
from minqing.core.demo.opinions.clock import HISTORY_DAYS, WORK_START, Clock
from minqing.core.demo.opinions.story import Place, Story
from minqing.core.demo.profiles import Profile
from minqing.core.demo.rand import Weighted, coordinate, station_code
from minqing.core.demo.regions import Tree
from minqing.core.demo.stations import StationResult
from minqing.core.demo.units import Units
from minqing.core.models import Region
from minqing.opinions.models import (
    TRACKING_CODE_LENGTH,
    Channel,
    MeetingRequest,
    MeetingState,
    Opinion,
    OpinionAssignment,
    OpinionState,
    ReminderKind,
)
from minqing.people.models import Deputy, HandlingUnit
from minqing.stations.models import Station, StationKind
from minqing.stations.states import StationStatus

S = OpinionState
PHONE_PREFIX = "19901"  # fictional like the deputies' 19900…; counter from 100000

CHANNELS = Weighted(
    [
        (Channel.QR, 27),
        (Channel.WEB, 14),
        (Channel.VISIT, 15),
        (Channel.BOOTH, 7),
        (Channel.PHONE, 12),
        (Channel.LETTER, 4),
        (Channel.ONLINE_DAY, 5),
        (Channel.DEPUTY_PHOTO, 8),
        (Channel.QUESTIONNAIRE, 2),
    ]
)
STAFF_CHANNELS = {Channel.VISIT, Channel.BOOTH, Channel.QUESTIONNAIRE}
# Which stations take which channel (stationless channels pick a place instead).
CHANNEL_STATIONS = {
    Channel.QR: (StationKind.STATION, StationKind.POINT, StationKind.HOME, StationKind.INDUSTRY),
    Channel.VISIT: (StationKind.STATION, StationKind.HOME, StationKind.POINT, StationKind.INDUSTRY),
    Channel.BOOTH: (StationKind.MOBILE,),
    Channel.ONLINE_DAY: (StationKind.ONLINE,),
    Channel.DEPUTY_PHOTO: (StationKind.STATION, StationKind.POINT, StationKind.HOME),
    Channel.QUESTIONNAIRE: (StationKind.STATION, StationKind.HOME),
}
CN_DIGITS = "二三四五六七八九"
# What a firm in a citizen's complaint makes (not the co-operatives: they are no 有限公司).
FIRM_STEMS = [w for _, stems, _ in texts.INDUSTRIES for w in stems if "合作社" not in w]


@dataclass
class Targets:
    """The demo logins' places: the station of 联络员 and 代表, the unit of 承办单位."""

    station: Station
    unit: HandlingUnit
    deputy: Deputy


class OpinionBuilder:
    """Plans the opinions of every city of the demo and holds what their stories share
    (clock, codes, phones, settings, who acts); ``flows`` plays them, ``build.save``
    writes them."""

    def __init__(
        self,
        rng: random.Random,
        tree: Tree,
        profile: Profile,
        units: Units,
        stations: StationResult,
        infos: list[DeputyInfo],
        targets: Targets,
        users: dict[str, User],
        now: dt.datetime,
    ) -> None:
        self.rng, self.tree, self.profile, self.units = rng, tree, profile, units
        self.targets, self.users = targets, users
        self.clock = Clock(now)
        self.code_rng = random.Random(rng.getrandbits(64))
        self.codes = set(Opinion.objects.values_list("code", flat=True))
        self.phones = 100000
        self._seq = 0
        self._config: dict[str, RegionConfig] = {}
        self.stories: list[Story] = []
        self.members = {
            s.pk: [infos[i].deputy for i in stations.members[id(s)] if infos[i].active]
            for s in stations.stations
        }
        self.by_city: dict[str, dict[str, list[Station]]] = {}
        for s in stations.stations:
            if s.status == StationStatus.ACTIVE and self.members[s.pk]:
                city = self.by_city.setdefault(s.region.code[:4], {})
                city.setdefault(s.kind, []).append(s)
        self.demo_city = tree.cities[0]

    # -- helpers ----------------------------------------------------------------------

    def seq(self) -> int:
        self._seq += 1
        return self._seq

    def config(self, region: Region) -> RegionConfig:
        """``settings_for(region)``, read once per city: the demo's regions were created
        in this transaction, so none has settings of its own and every region of a city
        inherits the same ones (from the nation, if an admin set any)."""
        city = self.tree.city_of(region)
        if city.code not in self._config:
            self._config[city.code] = settings_for(city)
        return self._config[city.code]

    def office(self, op: Opinion) -> User | None:
        """The congress staff who triage: ``renda`` in the demo city."""
        ours = op.region.code.startswith(self.demo_city.code[:4])
        return self.users.get("renda") if ours else None

    def unit_actor(self, unit: HandlingUnit | None) -> User | None:
        return self.users.get("chengban") if unit and unit.pk == self.targets.unit.pk else None

    def station_actor(self, station: Station | None) -> User | None:
        if station is not None and station.pk == self.targets.station.pk:
            return self.users.get("lianluoyuan")
        return None

    def deputy_actor(self, deputy: Deputy | None) -> User | None:
        return self.users.get("daibiao") if deputy and deputy.pk == self.targets.deputy.pk else None

    def recipients(self, a: OpinionAssignment, kind: str) -> int:
        if kind == ReminderKind.OVERDUE_ESCALATED:
            return int(self.office(a.opinion) is not None)
        return int(self.unit_actor(a.unit) is not None)

    def phone(self) -> str:
        self.phones += 1
        return f"{PHONE_PREFIX}{self.phones:06d}"

    def unit(self, key: str, place: Place) -> HandlingUnit | None:
        scope, _, name = key.partition(":")
        code = {"city": place.city.code, "county": place.county.code}.get(scope)
        if scope == "township":
            return self.units.key.get(f"{place.township.code}:office")
        return self.units.key.get(f"{code}:{name}")

    def candidates(self, s: Story) -> list[HandlingUnit]:
        keys = s.matter.units if s.matter else ()
        found = [u for k in keys if (u := self.unit(k, s.place)) is not None]
        for k in ("county:gov", "city:zhujian"):
            if not found and (u := self.unit(k, s.place)) is not None:
                found.append(u)
        return list(dict.fromkeys(found))

    # -- planning ---------------------------------------------------------------------

    def place(self, r: random.Random, village: Region) -> Place:
        """Where the matter is, with the names its texts use (roads, estates, schools …)."""
        tree = self.tree
        township = tree.township_of(village)
        county, city = tree.county_of(village), tree.city_of(village)
        short = tree.city_short[city.code]

        def stem() -> str:
            return r.choice(places.FIRST) + r.choice(places.ROAD_SECOND)

        def road() -> str:
            return stem() + r.choice(places.ROAD_SUFFIX)

        estate = r.choice(places.FIRST) + r.choice(places.SECOND_COMMUNITY) + r.choice(T.ESTATES)
        firm = r.choice(texts.FIRM_WORDS) + r.choice(FIRM_STEMS)
        rural = village.kind == "村"
        school = f"{city.name}第{r.choice(CN_DIGITS)}中学"
        values = {
            "city": city.name,
            "city_short": short,
            "county": county.name,
            "township": township.name,
            "village": village.name,
            "road": road(),
            "road2": road(),
            "estate": estate,
            "building": str(r.randint(1, 36)),
            "n": str(r.randint(2, 9)),
            "cn": r.choice(CN_DIGITS),
            "group": f"{r.randint(1, 12)}组",
            "school": r.choice([f"{county.name}实验小学", f"{township.name}中心小学", school]),
            "kindergarten": f"{township.name}中心幼儿园",
            "hospital": r.choice([f"{city.name}第一人民医院", f"{county.name}人民医院"]),
            "clinic": f"{township.name}卫生院" if rural else f"{township.name}社区卫生服务中心",
            "market": r.choice([f"{township.name}农贸市场", f"{stem()}菜市场"]),
            "plaza": r.choice([f"{village.name}文化广场", f"{stem()}公园"]),
            "bus": f"{r.choice(['', '', 'K', 'B'])}{r.randint(1, 128)}路",
            "river": stem()[0] + r.choice(["溪河", "家河", "港", "溪"]),
            "company": f"{short}{firm}有限公司",
        }
        if rural:
            address = f"{county.name}{township.name}{village.name}{values['group']}"
        elif r.random() < 0.5:
            address = f"{county.name}{township.name}{values['estate']}{values['building']}栋"
        else:
            address = f"{county.name}{township.name}{values['road']}{r.randint(1, 299)}号附近"
        return Place(city, county, township, village, values, address)

    def village_in(self, r: random.Random, region: Region) -> Region:
        """A village or community at or under ``region``."""
        tree = self.tree
        if len(region.code) >= 12:
            return tree.by_code[region.code[:12]]
        if len(region.code) == 9:
            return r.choice(tree.villages[region.code])
        counties = [region] if region.code[4:] != "00" else tree.counties[tree.city_of(region).code]
        county = counties[0] if len(counties) == 1 else r.choice(counties)
        return r.choice(tree.villages[r.choice(tree.townships[county.code]).code])

    def matter(self, r: random.Random, place: Place, channel: str) -> T.Matter:
        pool = [
            m
            for m in T.MATTERS
            if (m.where == "any" or (m.where == "rural") == place.rural)
            and (channel != Channel.DEPUTY_PHOTO or m.photo)
        ]
        return r.choice(pool)

    def created(self, r: random.Random, channel: str) -> dt.datetime:
        clock = self.clock
        # a year, more of it lately (the platform caught on), and the last three weeks full
        roll = r.random()
        if roll < 0.15:
            age = r.uniform(0, 21)
        elif roll < 0.55:
            age = r.triangular(0, HISTORY_DAYS, 0)
        else:
            age = r.uniform(0, HISTORY_DAYS)
        day = clock.now.date() - dt.timedelta(days=int(age))
        if channel in (Channel.QR, Channel.WEB):
            t = dt.datetime.combine(day, dt.time(r.choice([7, 8, 9, 12, 13, 18, 19, 20, 21, 22])))
            t += dt.timedelta(minutes=r.randint(0, 59))
        elif channel == Channel.DEPUTY_PHOTO:
            t = dt.datetime.combine(day, dt.time(r.randint(7, 18), r.randint(0, 59)))
        elif channel == Channel.BOOTH:  # the market-day booth on Saturday mornings
            day -= dt.timedelta(days=(day.weekday() - 5) % 7)
            t = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=r.randint(0, 150))
        elif channel == Channel.ONLINE_DAY:  # Thursday evening video receptions
            day -= dt.timedelta(days=(day.weekday() - 3) % 7)
            t = dt.datetime.combine(day, dt.time(19, 30)) + dt.timedelta(minutes=r.randint(0, 90))
        else:
            t = dt.datetime.combine(day, WORK_START) + dt.timedelta(minutes=r.randint(0, 530))
            t = clock.open_at(t)
        while t >= clock.now:
            t -= dt.timedelta(days=7)
        return t

    def text(self, r: random.Random, s: Story, channel: str, same_as: Story | None) -> str:
        if s.decline is not None:
            body = s.fill(s.decline.text)
        elif channel == Channel.DEPUTY_PHOTO:
            s.text_index = s.matter.photo_text
            return s.fill(s.matter.photo)
        elif same_as is not None:  # a duplicate: the same matter in other words
            s.text_index = same_as.text_index or 0
            body = r.choice(T.DUPLICATE_OPENINGS) + s.fill(s.matter.texts[s.text_index])
        else:
            s.text_index = r.randrange(len(s.matter.texts))
            body = s.fill(s.matter.texts[s.text_index])
        if channel == Channel.LETTER:
            return r.choice(T.LETTER_OPENINGS) + body + r.choice(T.LETTER_CLOSINGS)
        prefixes = T.CHANNEL_PREFIXES.get(channel)
        return (r.choice(prefixes) if prefixes else "") + body

    def new_story(
        self,
        r: random.Random,
        *,
        channel: str,
        created: dt.datetime,
        station: Station | None = None,
        village: Region | None = None,
        matter: T.Matter | None = None,
        decline: T.Decline | None = None,
        master: Story | None = None,
        deputy: Deputy | None = None,
        phone: str | None = None,
        meeting: bool = False,
        actor=None,
    ) -> Story:
        """Plan an opinion (not yet saved) and write its first timeline row."""
        if master is not None:
            place, matter = master.place, master.matter
        else:
            village = village or self.village_in(r, station.region if station else None)
            place = self.place(r, village)
            if matter is None and decline is None:
                matter = self.matter(r, place, channel)
        region = station.region if station else (
            place.village if r.random() < 0.8 else place.township
        )  # fmt: skip
        photo = channel == Channel.DEPUTY_PHOTO
        public = channel in (Channel.QR, Channel.WEB)
        has_phone = not photo and (channel != Channel.LETTER or r.random() < 0.7)
        born = r.randint(1942, 2004)
        op = Opinion(
            code=station_code(self.code_rng, self.codes, TRACKING_CODE_LENGTH),
            region=region,
            station=station,
            channel=channel,
            kind=decline.kind if decline else r.choice((*matter.kinds, matter.kinds[0])),
            category=decline.category if decline else matter.category,
            address=place.address if (photo or r.random() < 0.65) else "",
            citizen_name="" if photo else names.person_name(r, r.choice("MF"), born),
            citizen_phone=(phone or self.phone()) if has_phone else "",
            raised_by_deputy=deputy if photo else None,
            created_by=actor,
            state=S.RECEIVED,
            created_at=self.clock.aware(created),
        )
        if public or (not photo and r.random() < 0.8):
            op.consent_at = op.created_at
        if public and r.random() < 0.25 and not meeting:
            op.category = ""  # the citizen left it for the office (opinion_classify)
        if station is not None and station.latitude is not None and r.random() < 0.4:
            op.latitude = coordinate(float(station.latitude) + r.uniform(-0.01, 0.01))
            op.longitude = coordinate(float(station.longitude) + r.uniform(-0.01, 0.01))
        dup_of = master.op if master is not None else None
        s = Story(
            self, r, op, place, matter=matter, decline=decline, created=created, dup_of=dup_of
        )
        op.text = self.text(r, s, channel, master)
        if meeting:
            op.text = r.choice(T.MEETING_OPENINGS) + op.text
            s.meeting = MeetingRequest(
                opinion=op,
                station=station,
                deputy=deputy,
                preferred_time=r.choice(T.PREFERRED_TIMES),
                state=MeetingState.REQUESTED,
                created_at=op.created_at,
            )
        s.receive(actor)
        self.stories.append(s)
        return s

    def plan_city(self, city: Region, n: int) -> None:
        """``n`` opinions of ``city`` by every channel, with a few duplicates."""
        stations = self.by_city.get(city.code[:4], {})
        demo = city.pk == self.demo_city.pk
        counties = self.tree.counties[city.code]
        for _ in range(n):
            r = random.Random(self.rng.getrandbits(64))
            channel = CHANNELS(r)
            pool = [s for k in CHANNEL_STATIONS.get(channel, ()) for s in stations.get(k, ())]
            station = village = deputy = None
            if channel in CHANNEL_STATIONS:
                ours = self.targets.station.kind in CHANNEL_STATIONS[channel]
                if not pool:
                    channel = Channel.WEB
                elif r.random() < 0.08 and demo and ours:
                    station = self.targets.station
                else:
                    station = r.choice(pool)
            if station is None:
                county = counties[0] if demo and r.random() < 0.3 else r.choice(counties)
                township = r.choice(self.tree.townships[county.code])
                village = r.choice(self.tree.villages[township.code])
            else:
                deputy = r.choice(self.members[station.pk])
            created = self.created(r, channel)
            decline = r.choice(T.DECLINES) if r.random() < 0.035 else None
            meeting = channel == Channel.QR and not decline and r.random() < 0.06
            actor = self.intake_actor(channel, station, deputy)
            named = meeting and r.random() < 0.7
            s = self.new_story(
                r,
                channel=channel,
                created=created,
                station=station,
                village=village,
                decline=decline,
                deputy=deputy if named or channel == Channel.DEPUTY_PHOTO else None,
                meeting=meeting,
                actor=actor,
            )
            if decline is None and not meeting and r.random() < 0.06:
                for _ in range(r.randint(1, 2)):
                    self._duplicate(s, stations)

    def intake_actor(
        self, channel: str, station: Station | None, deputy: Deputy | None
    ) -> User | None:
        if channel == Channel.DEPUTY_PHOTO:
            return self.deputy_actor(deputy)
        if channel in STAFF_CHANNELS or channel == Channel.ONLINE_DAY:
            return self.station_actor(station)
        return None

    def _duplicate(self, master: Story, stations: dict[str, list[Station]]) -> None:
        r = random.Random(master.r.getrandbits(64))
        channel = r.choice([Channel.QR, Channel.WEB, Channel.PHONE])
        station = None
        if channel == Channel.QR:
            township = master.place.township.pk
            near = [s for s in stations.get(StationKind.STATION, ()) if s.region.pk == township]
            station = near[0] if near else None
            channel = channel if station else Channel.WEB
        created = master.created + dt.timedelta(hours=r.uniform(8, 360))
        created = min(created, self.clock.now - dt.timedelta(minutes=r.randint(30, 600)))
        created = max(created, master.created + dt.timedelta(minutes=5))
        self.new_story(r, channel=channel, created=created, station=station, master=master)
