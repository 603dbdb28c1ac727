"""The stations' reception work of the year: the scheduled receptions (每月10日 …) held
and the days citizens' visits were registered, each a reception activity with the
deputies who checked in and the voters received besides the registered opinions; and
the unified reception days (统一接待日) of each city — past ones closed with their
tally, today's under way in the demo city (deputies checked in, voters coming: the live
tally has figures from the first page), and the coming one the stations demo put on
every station's schedule, still being planned by the office.

A few citizens' visits are registered as opinions on those days through the opinions
demo's own stories (``opinions.planner``/``flows``), so the tally's items and on-the-spot
answers are real rows; the rest of a day's figures are the activities' extra visitors."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from minqing.core.demo import opinion_texts
from minqing.core.demo import texts as station_texts
from minqing.core.demo.deputies import DeputyInfo
from minqing.core.demo.duties import texts
from minqing.core.demo.duties.world import Act, World
from minqing.core.demo.duties.write import Ids, insert
from minqing.core.demo.opinions import build as opinion_build
from minqing.core.demo.opinions import flows
from minqing.core.demo.opinions.planner import OpinionBuilder
from minqing.core.demo.opinions.story import Cut
from minqing.core.demo.rand import Weighted
from minqing.core.models import Region
from minqing.duties.models import (
    ActivityKind,
    DutySlot,
    OrganiserKind,
    ParticipationState,
    SlotState,
    UnifiedDay,
    UnifiedDayState,
    UnifiedPost,
)
from minqing.opinions.models import Channel, Opinion
from minqing.stations.models import ReceptionDay, ReceptionSchedule, ScheduleRule, Station
from minqing.stations.schedule import rule_dates
from minqing.stations.states import StationStatus

T = dt.time
EXTRA = Weighted([(0, 20), (1, 14), (2, 14), (3, 12), (4, 10), (5, 8), (6, 7), (8, 6), (10, 5),
                  (12, 3), (15, 1)])  # fmt: skip
SLOTS = Weighted([("day", 40), ("morning", 30), ("afternoon", 30)])
DAY_START, DAY_END, NOON, AFTERNOON = T(9), T(17), T(12), T(14)


@dataclass
class Post:
    id: int
    station: Station
    reception_day_id: int
    new_day: bool  # the reception day is written here (not the stations demo's)
    slots: list[tuple] = field(default_factory=list)  # DutySlot rows


@dataclass
class Day:
    obj: UnifiedDay
    posts: list[Post] = field(default_factory=list)


class Reception:
    """Plans the receptions and unified days into the world's activities, and the posts,
    slots and reception days of its own tables; ``write`` saves them."""

    def __init__(self, w: World) -> None:
        self.w = w
        self.r = random.Random(w.rng.getrandbits(64))
        # opinions to register: (station, when, answered on the spot)
        self.visits: list[tuple[Station, dt.datetime, bool]] = []
        self.days: list[Day] = []
        self.day_ids = Ids(UnifiedDay)
        self.post_ids = Ids(UnifiedPost)
        self.rday_ids = Ids(ReceptionDay)
        self.rday_rows: list[tuple] = []
        self.on_duty: list[tuple[int, int]] = []  # reception day deputies (through rows)
        self.dropped: list[tuple[int, int]] = []  # their deputies already on duty elsewhere
        self.held: dict[int, set[dt.date]] = defaultdict(set)
        self.cancelled: set[int] = set()  # reception days of a cancelled unified day

    def plan(self) -> None:
        w, r = self.w, self.r
        cities = []
        for city in w.tree.cities:
            stations = [
                s
                for s in w.city_stations[city.code]
                if s.status == StationStatus.ACTIVE and s.kind != "online"
            ]
            demo = city.pk == w.demo_city.pk
            dates = [
                w.working_day(w.today - dt.timedelta(days=90 + 150 * k + r.randint(-10, 10)))
                for k in range(w.scale.closed_days if demo else 1)
            ]
            cities.append((city, stations, demo, dates))
            for s in stations:  # on a unified day the stations receive as its posts
                self.held[s.pk].update(dates)
        self.scheduled()
        self.visited()
        for city, stations, demo, dates in cities:
            if not stations:
                continue
            for k, d in enumerate(dates):
                self.closed_day(city, stations, d, texts.UNIFIED_TITLES[k % 3], demo)
            self.coming_day(city, stations)
            if demo:
                self.todays_day(city, stations)
                back = 200 + r.randint(-10, 10)
                self.cancelled_day(city, stations, w.working_day(w.today - dt.timedelta(days=back)))

    # -- the stations' own receptions ---------------------------------------------------

    def reception(
        self,
        s: Station,
        d: dt.date,
        start: T,
        who: list[DeputyInfo],
        *,
        post: Post | None = None,
        title: str = "",
        checked: list[dt.datetime] | None = None,
    ) -> Act:
        """The station's reception activity of the day, as the first check-in creates it
        (``reception_check_in``): every deputy in it checked in, confirmed."""
        w, r = self.w, self.r
        if checked is None:
            base = dt.datetime.combine(d, start)
            checked = sorted(base + dt.timedelta(minutes=r.randint(-10, 15)) for _ in who)
        first = who[checked.index(min(checked))]
        act = w.add(
            region_id=s.region.pk,
            kind=ActivityKind.RECEPTION,
            title=title or f"{s.name}接待选民",
            date=d,
            place=s.address or s.name,
            summary=texts.SUMMARIES["reception"],
            organiser_kind=OrganiserKind.STATION,
            station_id=s.pk,
            unified_post_id=post.id if post else None,
            extra_visitors=EXTRA(r),
            created_at=min(checked),
            created_by_id=w.station_user(s) or w.user_of(first),
        )
        for info, t in zip(who, checked, strict=True):
            w.part(act, info, ParticipationState.CONFIRMED, at=t, checked_in=t)
        self.held[s.pk].add(d)
        return act

    def scheduled(self) -> None:
        """The scheduled receptions of the year that were held (most of them)."""
        w, r, scale = self.w, self.r, self.w.scale
        stations = {s.pk: s for s in w.station_result.stations}
        rows = ReceptionSchedule.objects.filter(
            is_active=True, station__region__path__startswith=w.tree.province.path
        ).order_by("pk")
        yesterday = w.today - dt.timedelta(days=1)
        for sch in rows:
            s = stations.get(sch.station_id)
            members = w.members.get(sch.station_id)
            if s is None or s.status != StationStatus.ACTIVE or not members:
                continue
            if sch.rule == ScheduleRule.WEEKLY:
                share = scale.weekly_held
            else:
                share = scale.point_held if s.kind == "point" else scale.held
            ours = s.pk == w.staff_station.pk
            held = self.held[s.pk]
            for day in rule_dates(sch, w.start, yesterday):
                if r.random() >= share:
                    continue
                actual = w.working_day(day) if sch.skip_non_working_days else day
                if actual > yesterday or actual in held:
                    continue
                who = r.sample(members, min(len(members), r.randint(1, 3)))
                act = self.reception(s, actual, sch.start_time, who)
                if ours and r.random() < 0.5:  # a citizen's matter registered there
                    self.visit(s, act.created_at, sch.end_time, r.randint(1, 2))

    def visited(self) -> None:
        """Days a citizen's visit was registered at a station (the opinions demo's 来访)
        and no scheduled reception was recorded: the deputies received them that day."""
        w, r = self.w, self.r
        stations = {s.pk: s for s in w.station_result.stations}
        first: dict[tuple[int, dt.date], dt.datetime] = {}
        rows = Opinion.objects.filter(
            channel=Channel.VISIT,
            station__isnull=False,
            region__path__startswith=w.tree.province.path,
        ).order_by("pk")
        for station_id, created in rows.values_list("station_id", "created_at"):
            t = created.astimezone(w.tz).replace(tzinfo=None)
            key = (station_id, t.date())
            if key not in first or t < first[key]:
                first[key] = t
        for (station_id, d), t in sorted(first.items()):
            s, members = stations.get(station_id), w.members.get(station_id)
            if s is None or not members or d in self.held[station_id] or d < w.start:
                continue
            if d >= w.today:  # today's visits are the unified day's (a post's figures)
                continue
            start = max(t - dt.timedelta(minutes=r.randint(15, 90)), dt.datetime.combine(d, T(8)))
            who = r.sample(members, min(len(members), r.randint(1, 2)))
            checked = sorted(start + dt.timedelta(minutes=r.randint(0, 10)) for _ in who)
            self.reception(s, d, start.time(), who, checked=checked)

    def visit(self, s: Station, after: dt.datetime, until: T, n: int, *, answered: int = 0) -> None:
        """``n`` citizens' visits registered at ``s`` between ``after`` and ``until``
        (and before now), the first ``answered`` of them answered on the spot by the
        deputies (a question of policy they can answer there)."""
        w, r = self.w, self.r
        end = min(dt.datetime.combine(after.date(), until), w.now - dt.timedelta(minutes=5))
        for i in range(n):
            last = end - dt.timedelta(minutes=30) if i < answered else end  # time to answer
            span = int((last - after).total_seconds() // 60)
            if span >= 5:
                t = after + dt.timedelta(minutes=r.randint(3, span))
                self.visits.append((s, t, i < answered))

    # -- unified reception days ---------------------------------------------------------

    def day(self, city: Region, d: dt.date, title: str, state: str, **kw) -> Day:
        w = self.w
        obj = UnifiedDay(
            pk=self.day_ids(),
            region=city,
            date=d,
            title=title,
            start_time=kw.pop("start", DAY_START),
            end_time=kw.pop("end", DAY_END),
            note=texts.UNIFIED_NOTE,
            state=state,
            created_by_id=w.office_user(city),
            **kw,
        )
        day = Day(obj)
        self.days.append(day)
        return day

    def post(self, day: Day, s: Station) -> Post:
        d = day.obj
        post = Post(self.post_ids(), s, self.rday_ids(), True)
        self.rday_rows.append(
            (post.reception_day_id, s.pk, d.date, d.start_time, d.end_time, d.title[:100],
             "统一接待日", False)
        )  # fmt: skip
        day.posts.append(post)
        return post

    def slot(
        self,
        day: Day,
        post: Post,
        info: DeputyInfo,
        kind: str,
        *,
        state: str = SlotState.ASSIGNED,
        notified: dt.datetime | None = None,
        checked_in: dt.datetime | None = None,
    ) -> None:
        start, end = slot_times(day.obj, kind)
        post.slots.append(
            (post.id, info.deputy.pk, start, end, state, notified, self.w.aware(checked_in))
        )
        self.on_duty.append((post.reception_day_id, info.deputy.pk))

    def closed_day(self, city: Region, stations, d: dt.date, title: str, demo: bool) -> None:
        """A past unified day: slots at every station, most deputies came, the office
        closed it (the absent marked so) and its tally was stored."""
        w, r = self.w, self.r
        notified = w.aware(dt.datetime.combine(d - dt.timedelta(days=5), T(10, 12)))
        closed = dt.datetime.combine(d, T(17, 30)) + dt.timedelta(minutes=r.randint(0, 40))
        day = self.day(
            city,
            d,
            title,
            UnifiedDayState.CLOSED,
            notified_at=notified,
            closed_at=w.aware(closed),
            created_at=w.aware(dt.datetime.combine(d - dt.timedelta(days=20), T(10))),
        )
        used: set[int] = set()
        absent = False
        for s in stations:
            post = self.post(day, s)
            free = [x for x in w.members[s.pk] if x.deputy.pk not in used]
            who, times = [], []
            for info in r.sample(free, min(len(free), r.randint(1, 3))):
                used.add(info.deputy.pk)
                kind = SLOTS(r)
                came = r.random() < 0.88 and (absent or not who)  # someone never comes
                if came:
                    start = slot_times(day.obj, kind)[0]
                    t = dt.datetime.combine(d, start) + dt.timedelta(minutes=r.randint(-10, 20))
                    self.slot(day, post, info, kind, state=SlotState.PRESENT, notified=notified,
                              checked_in=t)  # fmt: skip
                    who.append(info)
                    times.append(t)
                else:
                    absent = True
                    self.slot(day, post, info, kind, state=SlotState.ABSENT, notified=notified)
            if who:
                self.reception(s, d, DAY_START, who, post=post, title=f"统一接待日：{title}",
                               checked=times)  # fmt: skip
                if demo and r.random() < 0.12:
                    self.visit(s, min(times), T(16, 30), r.randint(1, 2), answered=r.choice((0, 1)))

    def todays_day(self, city: Region, stations) -> None:
        """Today's unified day in the demo city: deputies on duty at every station, some
        checked in (which opened the day), the demo deputy expected at the station."""
        w, r = self.w, self.r
        now = w.now
        start = DAY_START
        if now.time() < T(10, 15):  # built early: the day began before now
            early = now - dt.timedelta(minutes=75)
            early = early.replace(minute=early.minute // 30 * 30, second=0)
            start = early.time() if early.date() == w.today else T(0)
        notified = w.aware(dt.datetime.combine(w.today - dt.timedelta(days=3), T(10)))
        day = self.day(
            city,
            w.today,
            texts.UNIFIED_TITLES[0],
            UnifiedDayState.PLANNED,
            start=start,
            notified_at=notified,
            created_at=w.aware(dt.datetime.combine(w.today - dt.timedelta(days=14), T(10))),
        )
        me, ours = w.me, w.staff_station
        used = {me.deputy.pk}
        for s in sorted(stations, key=lambda x: x.pk != ours.pk):  # the demo station first
            post = self.post(day, s)
            free = [x for x in w.members[s.pk] if x.deputy.pk not in used]
            who, times = [], []
            if s.pk == ours.pk:
                self.slot(day, post, me, "day", notified=notified)
            picks = r.sample(free, min(len(free), r.randint(2 if s.pk == ours.pk else 1, 3)))
            for n, info in enumerate(picks):
                used.add(info.deputy.pk)
                kind = "day" if s.pk == ours.pk else SLOTS(r)
                opened = dt.datetime.combine(w.today, slot_times(day.obj, kind)[0])
                room = int((now - opened).total_seconds() // 60) - 2
                must = s.pk == ours.pk and n < 2
                if room > 0 and (must or r.random() < 0.75):
                    t = opened + dt.timedelta(minutes=r.randint(0, min(room, 25)))
                    self.slot(day, post, info, kind, state=SlotState.PRESENT, notified=notified,
                              checked_in=t)  # fmt: skip
                    who.append(info)
                    times.append(t)
                else:
                    self.slot(day, post, info, kind, notified=notified)
            if who:
                act = self.reception(
                    s, w.today, start, who, post=post, title=f"统一接待日：{day.obj.title}",
                    checked=times,
                )  # fmt: skip
                act.extra_visitors = r.randint(1, 4) if s.pk == ours.pk else r.randint(0, 3)
                if s.pk == ours.pk:
                    self.visit(s, min(times), day.obj.end_time, 3, answered=1)
                elif r.random() < 0.1:
                    self.visit(s, min(times), day.obj.end_time, 1)
        if any(p.slots and any(x[4] == SlotState.PRESENT for x in p.slots) for p in day.posts):
            day.obj.state = UnifiedDayState.ONGOING

    def cancelled_day(self, city: Region, stations, d: dt.date) -> None:
        """A day the office called off a week ahead (``unified_day_cancel``): the
        stations' reception days cancelled, the deputies told; their slots stay as
        they were."""
        w, r = self.w, self.r
        notified = w.aware(dt.datetime.combine(d - dt.timedelta(days=12), T(10)))
        day = self.day(
            city,
            d,
            texts.UNIFIED_TITLES[2],
            UnifiedDayState.CANCELLED,
            notified_at=notified,
            created_at=w.aware(dt.datetime.combine(d - dt.timedelta(days=25), T(10))),
        )
        used: set[int] = set()
        for s in stations:
            post = self.post(day, s)
            free = [x for x in w.members[s.pk] if x.deputy.pk not in used]
            for info in r.sample(free, min(len(free), r.randint(1, 2))):
                used.add(info.deputy.pk)
                self.slot(day, post, info, SLOTS(r), notified=notified)
        self.cancelled.update(p.reception_day_id for p in day.posts)

    def coming_day(self, city: Region, stations) -> None:
        """The unified day the stations demo already put on the stations' schedules (its
        reception days named after it): the office set it and is assigning deputies,
        who have not been told yet. Those reception days become the posts'."""
        w, r = self.w, self.r
        ids = [s.pk for s in stations]
        found = list(
            ReceptionDay.objects.filter(
                station_id__in=ids, date__gt=w.today, title=station_texts.UNIFIED_DAY_TITLE
            ).order_by("date", "pk")
        )
        d = found[0].date if found else w.working_day(w.today + dt.timedelta(days=18))
        mine = {x.station_id: x for x in found if x.date == d}
        duty: dict[int, list[int]] = defaultdict(list)
        through = ReceptionDay.deputies.through
        for rday_id, deputy_id in (
            through.objects.filter(receptionday_id__in=[x.pk for x in mine.values()])
            .order_by("pk")
            .values_list("receptionday_id", "deputy_id")
        ):
            duty[rday_id].append(deputy_id)
        created = max(w.now - dt.timedelta(days=2, hours=r.randint(0, 20)),
                      dt.datetime.combine(w.today, T(0)))  # fmt: skip
        day = self.day(city, d, station_texts.UNIFIED_DAY_TITLE, UnifiedDayState.PLANNED,
                       created_at=w.aware(created))  # fmt: skip
        used: set[int] = set()
        for s in stations:
            rday = mine.get(s.pk)
            if rday is None:
                self.post(day, s)
                continue
            post = Post(self.post_ids(), s, rday.pk, False)
            day.posts.append(post)
            for deputy_id in duty[rday.pk]:
                if deputy_id in used:  # one station a day: the stations demo did not know
                    self.dropped.append((rday.pk, deputy_id))
                    continue
                used.add(deputy_id)
                post.slots.append((post.id, deputy_id, day.obj.start_time, day.obj.end_time,
                                   SlotState.ASSIGNED, None, None))  # fmt: skip

    # -- writing ------------------------------------------------------------------------

    def register_visits(self) -> dict[str, int]:
        """The citizens' visits as opinions, through the opinions demo's stories."""
        w = self.w
        if not self.visits:
            return {}
        ob = OpinionBuilder(
            random.Random(self.r.getrandbits(64)),
            w.tree,
            w.profile,
            w.units,
            w.station_result,
            w.infos,
            w.targets,
            w.users,
            w.now,
        )
        ob.phones = 700000  # numbers of their own, past the opinions demo's
        questions = [m for m in opinion_texts.MATTERS if m.answer and m.where == "any"]
        for s, t, answered in sorted(self.visits, key=lambda v: (v[1], v[0].pk)):
            r = random.Random(ob.rng.getrandbits(64))
            actor = ob.station_actor(s)
            matter = r.choice(questions) if answered else None
            story = ob.new_story(
                r, channel=Channel.VISIT, created=t, station=s, matter=matter, actor=actor
            )
            if answered:  # as the opinions demo's showcase answers at the desk
                at = t + dt.timedelta(minutes=r.randint(10, 25))
                with contextlib.suppress(Cut):
                    story.answer(at, actor, story.fill(matter.answer), "explained")
                story.sweep()
            else:
                flows.run(ob, story)
        return opinion_build.save(ob)

    def write(self) -> None:
        UnifiedDay.objects.bulk_create([d.obj for d in self.days])
        insert(
            ReceptionDay,
            ["id", "station_id", "date", "start_time", "end_time", "title", "note", "cancelled"],
            [(*x[:7], x[0] in self.cancelled) for x in self.rday_rows],
        )
        for day in self.days:
            reused = [p.reception_day_id for p in day.posts if not p.new_day]
            if reused:  # as unified_day_create would have written them
                ReceptionDay.objects.filter(pk__in=reused).update(
                    start_time=day.obj.start_time,
                    end_time=day.obj.end_time,
                    title=day.obj.title[:100],
                    note="统一接待日",
                )
        through = ReceptionDay.deputies.through
        for rday_id, deputy_id in self.dropped:
            through.objects.filter(receptionday_id=rday_id, deputy_id=deputy_id).delete()
        insert(through, ["receptionday_id", "deputy_id"], self.on_duty)
        insert(
            UnifiedPost,
            ["id", "day_id", "station_id", "reception_day_id"],
            [
                (p.id, d.obj.pk, p.station.pk, p.reception_day_id)
                for d in self.days
                for p in d.posts
            ],
        )
        insert(
            DutySlot,
            ["post_id", "deputy_id", "start_time", "end_time", "state", "notified_at",
             "checked_in_at"],
            [x for d in self.days for p in d.posts for x in p.slots],
        )  # fmt: skip

    def close(self) -> None:
        """Store each closed day's tally as ``unified_day_close`` does, at its close."""
        from minqing.duties.selectors import unified_tally

        for day in self.days:
            d = day.obj
            if d.state != UnifiedDayState.CLOSED:
                continue
            tally = unified_tally(d).as_dict()
            tally["at"] = d.closed_at.strftime("%H:%M:%S")
            UnifiedDay.objects.filter(pk=d.pk).update(tally=tally)
            d.tally = tally

    def counts(self) -> dict[str, int]:
        slots = [x for d in self.days for p in d.posts for x in p.slots]
        out = {
            # the stations' reception days the unified days added (the stations demo
            # counts its own under the same keys)
            "reception_days": len(self.rday_rows),
            "reception_day_deputies": len(self.on_duty) - len(self.dropped),
            "unified_days": len(self.days),
            "unified_posts": sum(len(d.posts) for d in self.days),
            "duty_slots": len(slots),
        }
        for state in UnifiedDayState.values:
            out[f"unified_days.{state}"] = sum(d.obj.state == state for d in self.days)
        for state in SlotState.values:
            out[f"duty_slots.{state}"] = sum(x[4] == state for x in slots)
        return out


def slot_times(day: UnifiedDay, kind: str) -> tuple[T, T]:
    """A whole day's duty, or its morning or afternoon."""
    return {
        "day": (day.start_time, day.end_time),
        "morning": (day.start_time, NOON),
        "afternoon": (AFTERNOON, day.end_time),
    }[kind]
