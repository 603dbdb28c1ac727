"""What every part of the duty demo shares: the clock and the year it covers, who sits
where, the groups, the demo logins, the rows planned so far (activities and their
participations, as plain tuples) and the rules by which deputies answer what an
organiser recorded for them (as ``participation_confirm``/``_dispute`` and the
organiser's ``participation_remove`` would leave it)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from minqing.accounts.models import User
from minqing.core.config import RegionConfig, settings_for
from minqing.core.demo.deputies import DeputyInfo
from minqing.core.demo.duties import texts
from minqing.core.demo.duties.write import Ids
from minqing.core.demo.opinions.clock import Clock
from minqing.core.demo.profiles import Profile
from minqing.core.demo.regions import Tree
from minqing.core.demo.stations import StationResult
from minqing.core.demo.units import Units
from minqing.core.models import Region
from minqing.duties.models import (
    Activity,
    ActivityState,
    Attendance,
    ParticipationState,
)
from minqing.people.models import DeputyGroup, DeputyGroupMembership, Term
from minqing.stations.models import Station
from minqing.stations.states import StationStatus

P = ParticipationState
# The year of duty work: the last twelve months up to today.
YEAR_DAYS = 364
CN_QUARTERS = "一二三四"


@dataclass(frozen=True)
class Scale:
    """How much duty work each demo size gets (per station, group or deputy, so a bigger
    size grows with its stations and deputies, damped where there are thousands)."""

    held: float = 0.85  # share of monthly scheduled receptions held and recorded
    weekly_held: float = 0.3  # share of weekly ones
    point_held: float = 0.85  # share at 代表联系点 (the province has nine thousand)
    # non-reception activities a station organises in a year, by station kind
    station_activities: tuple[tuple[str, float], ...] = (
        ("home", 6),
        ("station", 4),
        ("point", 1.5),
        ("industry", 3),
        ("mobile", 1),
    )
    group_meetings: int = 4  # a group's own meetings in a year
    reporters: float = 0.04  # share of deputies who record activities of their own
    closed_days: int = 2  # past unified reception days in the demo city (others: 1)
    reports_elsewhere: int = 4  # closed reports to voters in each other city
    award_share: float = 0.012


SCALES = {
    "small": Scale(reporters=0.08, closed_days=1),
    "city": Scale(),
    # ten thousand stations and a hundred thousand deputies: fewer of each one's rows
    "province": Scale(
        held=0.6,
        weekly_held=0.1,
        point_held=0.15,
        station_activities=(
            ("home", 5),
            ("station", 3),
            ("point", 0.4),
            ("industry", 2),
            ("mobile", 1),
        ),
        group_meetings=2,
        reporters=0.01,
        closed_days=1,
        award_share=0.004,
    ),
}


@dataclass(slots=True)
class Act:
    """An activity row in the making (local naive times)."""

    id: int
    region_id: int
    kind: str
    title: str
    date: dt.date
    organiser_kind: str
    created_at: dt.datetime
    meeting_type: str = ""
    end_date: dt.date | None = None
    place: str = ""
    summary: str = ""
    station_id: int | None = None
    group_id: int | None = None
    reported_by_id: int | None = None
    unified_post_id: int | None = None
    extra_visitors: int = 0
    state: str = ActivityState.RECORDED
    review_note: str = ""
    created_by_id: int | None = None


ACT_FIELDS = [
    "id",
    "region_id",
    "kind",
    "meeting_type",
    "title",
    "date",
    "end_date",
    "place",
    "summary",
    "organiser_kind",
    "station_id",
    "group_id",
    "reported_by_id",
    "unified_post_id",
    "extra_visitors",
    "state",
    "review_note",
    "created_by_id",
    "created_at",
    "updated_at",
]
PART_FIELDS = [
    "activity_id",
    "deputy_id",
    "attendance",
    "state",
    "dispute_reason",
    "answered_at",
    "checked_in_at",
]


@dataclass
class Group:
    """A deputy group (代表小组) with its active members and its leader (组长)."""

    pk: int
    name: str
    kind: str
    region: Region
    members: list[DeputyInfo] = field(default_factory=list)
    leader: DeputyInfo | None = None


class World:
    """The shared state of one build (see the module docstring)."""

    def __init__(
        self,
        rng: random.Random,
        *,
        tree: Tree,
        profile: Profile,
        stations: StationResult,
        infos: list[DeputyInfo],
        terms: dict[str, Term],
        units: Units,
        targets,
        users: dict[str, User],
        today: dt.date,
    ) -> None:
        self.rng, self.tree, self.profile = rng, tree, profile
        self.station_result, self.infos, self.terms, self.units = stations, infos, terms, units
        self.targets, self.users = targets, users
        self.scale = SCALES.get(profile.name, SCALES["city"])
        now = timezone.localtime().replace(tzinfo=None, microsecond=0)
        if now.date() != today:
            now = dt.datetime.combine(today, dt.time(18))
        self.now, self.today = now, today
        self.start = today - dt.timedelta(days=YEAR_DAYS)
        self.clock = Clock(now)
        self._workdays: dict[dt.date, bool] = {}
        self.tz = timezone.get_current_timezone()
        self.demo_city = tree.cities[0]
        self.acts: list[Act] = []
        self.papers: list[Act] = []  # research activities with a report PDF
        self.parts: list[tuple] = []
        self.activity_ids = Ids(Activity)
        self._config: dict[str, RegionConfig] = {}
        self.by_pk = {i.deputy.pk: i for i in infos}
        self.members: dict[int, list[DeputyInfo]] = {}
        self.stations_of: dict[int, list[Station]] = defaultdict(list)
        self.city_stations: dict[str, list[Station]] = defaultdict(list)
        for s in stations.stations:
            seated = [infos[i] for i in stations.members[id(s)] if infos[i].active]
            self.members[s.pk] = seated
            self.city_stations[s.region.code[:4] + "00"].append(s)
            if s.status == StationStatus.ACTIVE:
                for info in seated:
                    self.stations_of[info.deputy.pk].append(s)
        self.staff_station: Station = targets.station
        self.me: DeputyInfo = self.by_pk[targets.deputy.pk]
        self.office = users.get("renda")
        self.clerk = users.get("lianluoyuan")
        self.me_user = users.get("daibiao")
        self.groups = self._groups()
        self.groups_of: dict[int, list[Group]] = defaultdict(list)
        for g in self.groups:
            for info in g.members:
                self.groups_of[info.deputy.pk].append(g)

    def _groups(self) -> list[Group]:
        groups = {
            g.pk: Group(g.pk, g.name, g.kind, self.tree.by_code[g.region.code])
            for g in DeputyGroup.objects.filter(
                region__path__startswith=self.tree.province.path
            ).select_related("region")
        }
        rows = DeputyGroupMembership.objects.filter(group_id__in=list(groups)).order_by("pk")
        for group_id, deputy_id, is_leader in rows.values_list(
            "group_id", "deputy_id", "is_leader"
        ):
            info = self.by_pk.get(deputy_id)
            if info is None or not info.active:
                continue
            g = groups[group_id]
            g.members.append(info)
            if is_leader:
                g.leader = info
        return [groups[k] for k in sorted(groups)]

    # -- settings, people and places --------------------------------------------------

    def config(self, region: Region) -> RegionConfig:
        """The settings of ``region``'s city: the demo's regions have none of their own."""
        city = self.tree.city_of(region)
        if city.code not in self._config:
            self._config[city.code] = settings_for(city)
        return self._config[city.code]

    def confirm_days(self, region: Region) -> int:
        return int(self.config(region)["duty.confirm_days"])

    def user_of(self, info: DeputyInfo | None) -> int | None:
        return self.me_user.pk if info is self.me and self.me_user else None

    def office_user(self, region: Region) -> int | None:
        """``renda`` records the demo city congress's own activities; no one else has an
        account."""
        return self.office.pk if self.office and region.pk == self.demo_city.pk else None

    def station_user(self, station: Station | None) -> int | None:
        if station is not None and station.pk == self.staff_station.pk and self.clerk:
            return self.clerk.pk
        return None

    def in_demo_city(self, region: Region) -> bool:
        return region.code.startswith(self.demo_city.code[:4])

    def values(self, r: random.Random, region: Region, **extra) -> dict[str, str]:
        """Place names around ``region`` and one topic, for an activity's title and its
        summary alike."""
        tree = self.tree
        city = tree.city_of(region)
        county = (
            tree.county_of(region) if len(region.code) >= 6 and region.code[4:6] != "00"
            else r.choice(tree.counties[city.code])
        )  # fmt: skip
        township = (
            tree.township_of(region) if len(region.code) >= 9
            else r.choice(tree.townships[county.code])
        )  # fmt: skip
        village = (
            tree.by_code[region.code[:12]] if len(region.code) >= 12
            else r.choice(tree.villages[township.code])
        )  # fmt: skip
        topic, what = r.choice(texts.TOPICS)
        return {
            "city": city.name,
            "county": county.name,
            "township": township.name,
            "village": village.name,
            "topic": topic,
            "what": what,
            "law": r.choice(texts.LAWS),
            "thing": r.choice(texts.PHOTO_THINGS),
            **extra,
        }

    def fill(self, r: random.Random, template: str, region: Region, **extra) -> str:
        return template.format_map(self.values(r, region, **extra))

    # -- time -------------------------------------------------------------------------

    def aware(self, t: dt.datetime | None) -> dt.datetime | None:
        return None if t is None else t.replace(tzinfo=self.tz)

    def workday(self, d: dt.date) -> bool:
        known = self._workdays.get(d)
        if known is None:
            known = self._workdays[d] = self.clock.workday(d)
        return known

    def working_day(self, d: dt.date, *, back: bool = False) -> dt.date:
        """``d`` or the nearest working day after it (before it with ``back``)."""
        step = dt.timedelta(days=-1 if back else 1)
        while not self.workday(d):
            d += step
        return d

    def day_in(self, r: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
        """A working day in [lo, hi] (a day of it when none is a working day)."""
        d = lo + dt.timedelta(days=r.randint(0, max((hi - lo).days, 0)))
        after = self.working_day(d)
        if after <= hi:
            return after
        before = self.working_day(d, back=True)
        return before if before >= lo else d

    def spread(self, r: random.Random, n: int, lo: dt.date | None = None) -> list[dt.date]:
        """``n`` working days spread over the year (one in each n-th of it)."""
        lo = lo or self.start
        hi = self.today - dt.timedelta(days=1)
        span = (hi - lo).days
        out = []
        for i in range(n):
            a = lo + dt.timedelta(days=span * i // n)
            b = lo + dt.timedelta(days=span * (i + 1) // n - 1)
            out.append(self.day_in(r, a, max(a, b)))
        return out

    def at(self, d: dt.date, r: random.Random, lo: int = 9, hi: int = 17) -> dt.datetime:
        return dt.datetime.combine(d, dt.time(r.randint(lo, hi - 1), r.randint(0, 59)))

    def recorded(self, r: random.Random, d: dt.date) -> dt.datetime:
        """When an organiser records what happened on ``d``: that afternoon or within two
        working days, never after now."""
        day = d
        for _ in range(r.choice((0, 0, 1, 2))):
            day = self.working_day(day + dt.timedelta(days=1))
        t = dt.datetime.combine(day, dt.time(r.randint(15, 17), r.randint(0, 59)))
        if t >= self.now:
            t = self.now - dt.timedelta(minutes=r.randint(5, 90))
        return max(t, dt.datetime.combine(d, dt.time(8)))

    # -- rows -------------------------------------------------------------------------

    def add(self, **kw) -> Act:
        act = Act(id=self.activity_ids(), **kw)
        self.acts.append(act)
        return act

    def answer(
        self, r: random.Random, act: Act, region: Region
    ) -> tuple[str, dt.datetime | None, str]:
        """How a deputy has answered a record by now: (state, answered_at, reason)."""
        age = (self.now - act.created_at).total_seconds() / 86400
        return self._answer(r, act.created_at, self.confirm_days(region), age)

    def _answer(
        self, r: random.Random, created: dt.datetime, days: int, age: float
    ) -> tuple[str, dt.datetime | None, str]:
        roll = r.random()
        if age < days:  # still within the time to answer
            if roll < 0.5:
                return P.PENDING, None, ""
            t = created + dt.timedelta(days=r.uniform(0, age))
            if roll < 0.95:
                return P.CONFIRMED, t, ""
            return P.DISPUTED, t, r.choice(texts.DISPUTES)
        if roll < 0.012:  # disputed, and the organiser took them off
            t = created + dt.timedelta(days=r.uniform(0, days))
            return P.REMOVED, t, r.choice(texts.DISPUTES)
        if roll < 0.02 and age < 60:
            t = created + dt.timedelta(days=r.uniform(0, days))
            return P.DISPUTED, t, r.choice(texts.DISPUTES)
        if roll < 0.3:  # left unanswered: the sweep confirmed it when the time ran out
            t = created + dt.timedelta(days=days, minutes=r.randint(1, 59))
            return P.CONFIRMED, min(t, self.now - dt.timedelta(minutes=1)), ""
        return P.CONFIRMED, created + dt.timedelta(days=r.uniform(0.01, days * 0.8)), ""

    def join(
        self,
        r: random.Random,
        act: Act,
        region: Region,
        deputies: list[DeputyInfo],
        attendance=None,
    ) -> None:
        """Participations as ``activity_record`` writes them, answered as of now."""
        days = self.confirm_days(region)
        age = (self.now - act.created_at).total_seconds() / 86400
        aware, parts, seen = self.aware, self.parts, set()
        for info in deputies:
            pk = info.deputy.pk
            if pk in seen or not info.active:
                continue
            seen.add(pk)
            state, at, reason = self._answer(r, act.created_at, days, age)
            mark = attendance(r) if attendance else Attendance.PRESENT
            parts.append((act.id, pk, mark, state, reason, aware(at), None))

    def part(
        self,
        act: Act,
        info: DeputyInfo,
        state: str,
        *,
        at: dt.datetime | None = None,
        reason: str = "",
        attendance: str = Attendance.PRESENT,
        checked_in: dt.datetime | None = None,
    ) -> None:
        """One participation in a given state (scripted ones, check-ins, reporters)."""
        self.parts.append(
            (
                act.id,
                info.deputy.pk,
                attendance,
                state,
                reason,
                self.aware(at),
                self.aware(checked_in),
            )
        )

    def act_rows(self) -> list[tuple]:
        aware = self.aware
        return [
            (
                a.id,
                a.region_id,
                a.kind,
                a.meeting_type,
                a.title[:120],
                a.date,
                a.end_date,
                a.place[:200],
                a.summary,
                a.organiser_kind,
                a.station_id,
                a.group_id,
                a.reported_by_id,
                a.unified_post_id,
                a.extra_visitors,
                a.state,
                a.review_note,
                a.created_by_id,
                aware(a.created_at),
                aware(a.created_at),
            )
            for a in self.acts
        ]


def quarter_name(d: dt.date) -> str:
    return CN_QUARTERS[(d.month - 1) // 3]
