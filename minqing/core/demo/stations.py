"""Liaison stations of every kind, the deputies who sit there (五级代表进站), recurring
reception schedules and one-off reception days in the coming month.

Per county a 代表之家; per street/town a 代表联络站; 代表联系点 in a share of the
communities and villages; 行业联络站 in towns with a sector; a 网上联络站 per city (and
some counties); 流动联络站 (market-day booths) per county.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from minqing.core.demo import places, texts
from minqing.core.demo.deputies import DeputyInfo
from minqing.core.demo.profiles import Profile
from minqing.core.demo.rand import Weighted, coordinate, pick_range, station_code
from minqing.core.demo.regions import BATCH, Tree
from minqing.core.models import Region, RegionLevel
from minqing.people.models import CongressLevel as CL
from minqing.stations.models import (
    ReceptionDay,
    ReceptionSchedule,
    ScheduleRule,
    Station,
    StationDeputy,
    StationKind,
)
from minqing.stations.states import StationStatus

SEATS = (5, 17)
STATUS = Weighted(
    [(StationStatus.ACTIVE, 92), (StationStatus.PLANNED, 5), (StationStatus.SUSPENDED, 3)]
)
# (rule, day_of_month, weekday, week_of_month, start, end, note)
_DAY, _WEEK, _NTH = ScheduleRule.MONTHLY_DAY, ScheduleRule.WEEKLY, ScheduleRule.MONTHLY_WEEKDAY
SCHEDULES = Weighted(
    [
        ((_DAY, 10, None, None, "09:00", "11:30", "每月10日人大代表接待选民日"), 40),
        ((_DAY, 15, None, None, "09:00", "11:30", "每月15日代表进站接待"), 8),
        ((_DAY, 20, None, None, "14:30", "17:00", "每月20日代表进站接待"), 7),
        ((_WEEK, None, 2, None, "14:30", "17:00", "每周三下午代表值班接待"), 20),
        ((_WEEK, None, 1, None, "09:00", "11:30", "每周二上午代表值班接待"), 10),
        ((_NTH, None, 4, 1, "14:30", "17:00", "每月第一个星期五下午接待"), 15),
    ]
)
ONLINE_SCHEDULE = (_WEEK, None, 3, None, "19:30", "21:00", "每周四晚网上视频接待")
MOBILE_SCHEDULE = (_NTH, None, 5, 2, "09:00", "11:30", "每月第二个星期六集市摆摊接待")
FIRST_SCHEDULE = SCHEDULES.values[0]
SECOND_SCHEDULE = SCHEDULES.values[3]
SLOTS = [("09:00", "11:30"), ("14:30", "17:00")]


def _time(hhmm: str) -> dt.time:
    h, m = hhmm.split(":")
    return dt.time(int(h), int(m))


@dataclass
class Planned:
    station: Station
    tiers: list[tuple[list[int], int]]  # (pool of deputy indices, how many from it; -1 = rest)
    members: list[int] = field(default_factory=list)


@dataclass
class StationResult:
    stations: list[Station]
    members: dict[int, list[int]]  # id(station) -> deputy indices, in seating order
    staff_station: Station  # the station of the demo 联络员 (江滨街道人大代表联络站)
    counts: dict[str, int]


class _Index:
    """Active deputies by the places and trades the stations draw on."""

    def __init__(self, infos: list[DeputyInfo]):
        self.by_region: dict[str, list[int]] = defaultdict(list)
        self.county_level: dict[str, list[int]] = defaultdict(list)  # county code
        self.township_level: dict[str, list[int]] = defaultdict(list)  # county code
        self.city_level: dict[str, list[int]] = defaultdict(list)  # city code
        self.upper: dict[str, list[int]] = defaultdict(list)  # national+provincial, city code
        self.industry: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.sector: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, info in enumerate(infos):
            if not info.active:
                continue
            self.by_region[info.region].append(i)
            if info.level == CL.COUNTY:
                self.county_level[info.county].append(i)
            elif info.level == CL.TOWNSHIP:
                self.township_level[info.county].append(i)
                self.by_region[info.region[:9] + "*"].append(i)  # all of a township
            elif info.level == CL.CITY:
                self.city_level[info.city].append(i)
            else:
                self.upper[info.city].append(i)
            if info.industry:
                self.industry[(info.city, info.industry)].append(i)
            self.sector[(info.city, info.sector)].append(i)


class StationBuilder:
    def __init__(self, rng: random.Random, tree: Tree, profile: Profile, infos: list[DeputyInfo]):
        self.rng = rng
        self.tree = tree
        self.profile = profile
        self.infos = infos
        self.index = _Index(infos)
        self.planned: list[Planned] = []
        self.codes = set(Station.objects.values_list("code", flat=True))
        self.centres: dict[str, tuple[float, float]] = {}

    # -- stations ---------------------------------------------------------------------

    def _station(self, kind: str, name: str, region: Region, description: str, **extra) -> Station:
        rng = self.rng
        city = self.tree.city_of(region)
        lat0, lon0 = self.centres[city.code]
        online = kind == StationKind.ONLINE
        county = self.tree.county_of(region) if region.level >= RegionLevel.COUNTY else None
        township = self.tree.township_of(region) if region.level >= RegionLevel.TOWNSHIP else None
        prefix = city.name + (county.name if county else "") + (township.name if township else "")
        address = "" if online else f"{prefix}{self._road()}{rng.randint(1, 299)}号"
        if kind in (StationKind.STATION, StationKind.POINT) and not online:
            address += "党群服务中心" if kind == StationKind.STATION else "党群服务站"
        return Station(
            code=station_code(rng, self.codes),
            name=name,
            kind=kind,
            region=region,
            address=address,
            latitude=None if online else coordinate(lat0 + rng.uniform(-0.25, 0.25)),
            longitude=None if online else coordinate(lon0 + rng.uniform(-0.3, 0.3)),
            opening_hours=rng.choice(texts.OPENING_HOURS[kind]),
            description=description,
            status=STATUS(rng),
            **extra,
        )

    def _road(self) -> str:
        rng = self.rng
        return (
            rng.choice(places.FIRST)
            + rng.choice(places.ROAD_SECOND)
            + rng.choice(places.ROAD_SUFFIX)
        )

    def _add(self, station: Station, tiers: list[tuple[list[int], int]]) -> Planned:
        p = Planned(station, tiers)
        self.planned.append(p)
        return p

    def plan(self) -> Planned:
        """Lay out every station; returns the demo 联络员's station."""
        rng, tree, ix, profile = self.rng, self.tree, self.index, self.profile
        staff: Planned | None = None
        for ci, city in enumerate(tree.cities):
            self.centres[city.code] = (27.2 + (ci % 4) * 0.7, 117.6 + (ci // 4) * 0.8)
        for city in tree.cities:
            counties = tree.counties[city.code]
            self._add(
                self._station(
                    StationKind.ONLINE,
                    f"{city.name}网上人大代表联络站",
                    city,
                    rng.choice(texts.ONLINE_DESCRIPTIONS),
                ),
                [(ix.city_level[city.code], -1)],
            )
            for county in counties:
                self._add(
                    self._station(
                        StationKind.HOME,
                        f"{county.name}人大代表之家",
                        county,
                        rng.choice(texts.HOME_DESCRIPTIONS),
                    ),
                    [
                        (ix.upper[city.code], 2),
                        (ix.by_region[county.code], 6),
                        (ix.county_level[county.code], -1),
                    ],
                )
                if rng.random() < profile.online_county_share:
                    self._add(
                        self._station(
                            StationKind.ONLINE,
                            f"{county.name}网上人大代表联络站",
                            county,
                            rng.choice(texts.ONLINE_DESCRIPTIONS),
                        ),
                        [(ix.county_level[county.code], -1)],
                    )
                for _ in range(pick_range(rng, profile.mobile_per_county)):
                    township = rng.choice(tree.townships[county.code])
                    self._add(
                        self._station(
                            StationKind.MOBILE,
                            f"{township.name}{rng.choice(texts.MOBILE_NAMES)}",
                            township,
                            rng.choice(texts.MOBILE_DESCRIPTIONS),
                        ),
                        [
                            (ix.county_level[county.code], 4),
                            (ix.township_level[county.code], -1),
                        ],
                    )
                for township in tree.townships[county.code]:
                    p = self._add(
                        self._station(
                            StationKind.STATION,
                            f"{township.name}人大代表联络站",
                            township,
                            rng.choice(texts.STATION_DESCRIPTIONS),
                        ),
                        [
                            (ix.upper[city.code], 1 if rng.random() < 0.3 else 0),
                            (ix.by_region[county.code], 2),
                            (ix.by_region[township.code], 6),
                            (ix.by_region[township.code + "*"], -1),
                        ],
                    )
                    if staff is None and county.code == "990102":
                        staff = p
                    for village in tree.villages[township.code]:
                        if rng.random() >= profile.point_share:
                            continue
                        self._add(
                            self._station(
                                StationKind.POINT,
                                f"{village.name}人大代表联系点",
                                village,
                                rng.choice(texts.POINT_DESCRIPTIONS),
                            ),
                            [(ix.by_region[township.code], 2), (ix.by_region[village.code], -1)],
                        )
            self._plan_industry(city)
        assert staff is not None
        staff.station.status = StationStatus.ACTIVE
        return staff

    def _plan_industry(self, city: Region) -> None:
        rng, tree, ix = self.rng, self.tree, self.index
        industries = list(texts.INDUSTRY_NAMES)
        rng.shuffle(industries)
        towns = [
            t for c in tree.counties[city.code] for t in tree.townships[c.code] if t.kind != "街道"
        ] or [t for c in tree.counties[city.code] for t in tree.townships[c.code]]
        used: set[str] = set()
        for n in range(self.profile.industry_per_city):
            industry = industries[n % len(industries)]
            township = rng.choice(towns)
            name = f"{township.name}{industry}行业人大代表联络站"
            if name in used:
                continue
            used.add(name)
            self._add(
                self._station(
                    StationKind.INDUSTRY,
                    name,
                    township,
                    rng.choice(texts.INDUSTRY_DESCRIPTIONS),
                    sector=industry,
                ),
                [
                    (ix.industry[(city.code, industry)], 12),
                    (ix.sector[(city.code, "企业负责人")], -1),
                ],
            )

    # -- seats ------------------------------------------------------------------------

    def seat(self) -> None:
        """Fill every station with 5–17 deputies from its tiers, preferring deputies who
        have no seat yet so that as many deputies as possible sit somewhere."""
        rng = self.rng
        seated = [False] * len(self.infos)
        for p in self.planned:
            want = rng.randint(*SEATS)
            chosen: list[int] = []
            taken: set[int] = set()
            for pool, n in p.tiers:
                n = want - len(chosen) if n < 0 else min(n, want - len(chosen))
                chosen += self._take(pool, n, taken, seated)
            if len(chosen) < want:
                union = [i for pool, _ in p.tiers for i in pool]
                chosen += self._take(union, want - len(chosen), taken, seated)
            p.members = chosen
            for i in chosen:
                seated[i] = True
        self._seat_the_rest(seated)

    def _seat_the_rest(self, seated: list[bool]) -> None:
        """Give each deputy still without a seat one at the nearest station with room:
        their village's 联系点, their township's 联络站, their county's 代表之家."""
        near: dict[str, list[Planned]] = defaultdict(list)
        for p in self.planned:
            if p.station.kind != StationKind.ONLINE:
                near[p.station.region.code].append(p)
        for i, info in enumerate(self.infos):
            if seated[i] or not info.active:
                continue
            code = info.region
            chain = [code[:12], code[:9], code[:6]] if len(code) > 6 else [code]
            for region_code in chain:
                room = [p for p in near.get(region_code, ()) if len(p.members) < SEATS[1]]
                if room:
                    room[0].members.append(i)
                    seated[i] = True
                    break

    def _take(self, pool: list[int], n: int, taken: set[int], seated: list[bool]) -> list[int]:
        if n <= 0 or not pool:
            return []
        free = [i for i in pool if not seated[i] and i not in taken]
        if len(free) >= n:
            picks = self.rng.sample(free, n)
        else:
            rest = [i for i in pool if seated[i] and i not in taken]
            picks = free + self.rng.sample(rest, min(len(rest), n - len(free)))
        taken.update(picks)
        return picks

    # -- writing ----------------------------------------------------------------------

    def save(self, today: dt.date, staff: Planned) -> StationResult:
        rng = self.rng
        stations = [p.station for p in self.planned]
        Station.objects.bulk_create(stations, batch_size=BATCH)
        seats: list[StationDeputy] = []
        schedules: list[ReceptionSchedule] = []
        days: list[tuple[ReceptionDay, list[int]]] = []
        unified: dict[str, dt.date] = {}
        for city in self.tree.cities:
            unified[city.code] = _weekday(today + dt.timedelta(days=rng.randint(12, 25)))
        for p in self.planned:
            s = p.station
            for n, i in enumerate(p.members):
                seats.append(
                    StationDeputy(
                        station_id=s.pk,
                        deputy_id=self.infos[i].deputy.pk,
                        since=dt.date(2022, 3, 1) + dt.timedelta(days=rng.randint(0, 900)),
                        is_convener=n == 0,
                    )
                )
            if s.status == StationStatus.PLANNED:
                continue
            active = s.status == StationStatus.ACTIVE
            if s.kind == StationKind.ONLINE:
                rules = [ONLINE_SCHEDULE]
            elif s.kind == StationKind.MOBILE:
                rules = [MOBILE_SCHEDULE]
            else:
                rules = [FIRST_SCHEDULE if p is staff else SCHEDULES(rng)]
                if rng.random() < 0.2 and rules[0] is not SECOND_SCHEDULE:
                    rules.append(SECOND_SCHEDULE)
            for rule, day, weekday, week, start, end, note in rules:
                schedules.append(
                    ReceptionSchedule(
                        station=s,
                        rule=rule,
                        day_of_month=day,
                        weekday=weekday,
                        week_of_month=week,
                        start_time=_time(start),
                        end_time=_time(end),
                        skip_non_working_days=s.kind != StationKind.MOBILE,
                        note=note,
                        is_active=active,
                    )
                )
            if not active or not p.members:
                continue
            on_unified = s.kind != StationKind.ONLINE and rng.random() < 0.25
            if on_unified or p is staff:
                city = self.tree.city_of(s.region)
                days.append(self._day(s, p, unified[city.code], texts.UNIFIED_DAY_TITLE))
            if rng.random() < 0.15 or p is staff:
                offset = rng.randint(1, 30)
                day = _weekday(today + dt.timedelta(days=offset))
                days.append(self._day(s, p, day, rng.choice(texts.RECEPTION_TITLES)))
        StationDeputy.objects.bulk_create(seats, batch_size=BATCH)
        ReceptionSchedule.objects.bulk_create(schedules, batch_size=BATCH)
        ReceptionDay.objects.bulk_create([d for d, _ in days], batch_size=BATCH)
        through = ReceptionDay.deputies.through
        on_duty = [
            through(receptionday_id=d.pk, deputy_id=self.infos[i].deputy.pk)
            for d, who in days
            for i in who
        ]
        through.objects.bulk_create(on_duty, batch_size=BATCH)
        kinds = defaultdict(int)
        for s in stations:
            kinds[s.kind] += 1
        return StationResult(
            stations=stations,
            members={id(p.station): p.members for p in self.planned},
            staff_station=staff.station,
            counts={
                "stations": len(stations),
                **{f"stations.{k}": v for k, v in sorted(kinds.items())},
                "station_deputies": len(seats),
                "reception_schedules": len(schedules),
                "reception_days": len(days),
                "reception_day_deputies": len(on_duty),
            },
        )

    def _day(self, s: Station, p: Planned, date: dt.date, title: str):
        rng = self.rng
        start, end = rng.choice(SLOTS)
        who = rng.sample(p.members, min(len(p.members), rng.randint(2, 4)))
        day = ReceptionDay(
            station=s,
            date=date,
            start_time=_time(start),
            end_time=_time(end),
            title=title,
            note="请携带相关材料，也可提前扫“民情码”预约代表。",
        )
        return day, who


def _weekday(date: dt.date) -> dt.date:
    """Receptions are held on working days: move a weekend date to the Monday."""
    while date.weekday() >= 5:
        date += dt.timedelta(days=1)
    return date
