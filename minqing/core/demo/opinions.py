"""The demo's 民情: about a year of citizens' opinions in every state of the loop.

Each opinion is a *story*: it comes in by one channel, and then the station, the office,
the handling unit and the citizen act on it at realistic moments (units in working
hours on working days, citizens in the evening and at weekends) until the story ends or
its next step would fall after *now*, where it stops — so the recent ones are still
waiting in the inboxes and the old ones are closed. Every step writes what its action
in ``minqing.opinions.actions`` writes (fields, assignment, reply, rating, contact,
extension, meeting, reminder and timeline rows, deadlines from
``core.calendar.working_deadline`` and the region's settings), but in bulk and without
the actions' per-row audit entries: the builder's one ``demo.load`` entry covers it.

A handful of scripted stories (``Showcase``) make sure the demo logins find work: the
station of ``lianluoyuan`` and ``daibiao`` has new opinions and meeting requests, the
office of ``renda`` has triage, returned items, an extension to decide and overdue
items, the unit of ``chengban`` has opinions to sign and handle, and one replied opinion
waits to be rated with a known phone number (``showcase_tracking``).

Determinism: each story draws from its own RNG seeded from the builder's, and the
tracking codes from a dedicated one, so the same seed gives the same codes, people,
places and texts; only where a story has got to depends on the day of the build.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from minqing.accounts.models import User
from minqing.core.calendar import Deadline, WorkingCalendar, working_deadline
from minqing.core.config import RegionConfig, settings_for
from minqing.core.demo import names, places, texts
from minqing.core.demo import opinion_texts as T
from minqing.core.demo.deputies import DeputyInfo
from minqing.core.demo.profiles import Profile
from minqing.core.demo.rand import Weighted, coordinate, pick_range, station_code
from minqing.core.demo.regions import BATCH, Tree
from minqing.core.demo.stations import StationResult
from minqing.core.demo.units import Units
from minqing.core.models import Region, TimelineEvent
from minqing.opinions.models import (
    TRACKING_CODE_LENGTH,
    Channel,
    ExtensionState,
    MeetingRequest,
    MeetingState,
    Opinion,
    OpinionAssignment,
    OpinionContact,
    OpinionExtension,
    OpinionRating,
    OpinionReminder,
    OpinionReply,
    OpinionState,
    ReminderKind,
    ReplyKind,
    Satisfaction,
)
from minqing.people.models import Deputy, HandlingUnit
from minqing.stations.models import Station, StationKind
from minqing.stations.states import StationStatus

S = OpinionState
# The phone of the showcase citizen: the banner prints its last four digits with the code.
SHOWCASE_PHONE = "19901001234"
PHONE_PREFIX = "19901"  # fictional like the deputies' 19900…; counter from 100000
HISTORY_DAYS = 365
WORK_START, WORK_END = dt.time(8, 30), dt.time(17, 30)
WORK_MINUTES = 540
SWEEP = dt.time(0, 1)  # the hourly sweep's first run of a day

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
LEVELS_AFTER = {  # citizen's rating by the reply's resolution: (满意, 基本满意, 不满意)
    "solved": (76, 17, 7),
    "partly": (36, 40, 24),
    "explained": (34, 36, 30),
}
CN_DIGITS = "二三四五六七八九"
# What a firm in a citizen's complaint makes (not the co-operatives: they are no 有限公司).
FIRM_STEMS = [w for _, stems, _ in texts.INDUSTRIES for w in stems if "合作社" not in w]


class _Cut(Exception):
    """The story's next step would happen after now: it stays where it is."""


@dataclass
class Targets:
    """The demo logins' places: the station of 联络员 and 代表, the unit of 承办单位."""

    station: Station
    unit: HandlingUnit
    deputy: Deputy


@dataclass
class OpinionsResult:
    counts: dict[str, int]
    tracking: tuple[str, str] | None  # (code, last four digits of the phone)


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


# --- time -----------------------------------------------------------------------------


class Clock:
    """Local wall-clock time over the demo's year: working hours on working days (one
    calendar snapshot) and deadlines through ``working_deadline`` (memoised)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now  # naive, local
        today = now.date()
        self.cal = WorkingCalendar(
            today - dt.timedelta(days=HISTORY_DAYS + 90), today + dt.timedelta(days=400)
        )
        self.tz = timezone.get_current_timezone()
        self._deadlines: dict[tuple[dt.date, int], Deadline] = {}

    def deadline(self, start: dt.date, n: int) -> Deadline:
        """``core.calendar.working_deadline(start, n)``, counted over the snapshot: the
        same loop without its two queries per call (thousands of calls per city; the
        tests check every stored deadline against ``working_deadline`` itself)."""
        key = (start, n)
        if key not in self._deadlines:
            day, counted, provisional = start, 0, False
            while counted < n:
                day += dt.timedelta(days=1)
                if day > self.cal.end:
                    return working_deadline(start, n)
                provisional = provisional or self.cal.is_provisional(day)
                counted += self.cal.is_working_day(day)
            self._deadlines[key] = Deadline(day, provisional)
        return self._deadlines[key]

    def aware(self, t: dt.datetime) -> dt.datetime:
        return t.replace(tzinfo=self.tz)

    def workday(self, d: dt.date) -> bool:
        return self.cal.is_working_day(d)

    def open_at(self, t: dt.datetime) -> dt.datetime:
        """``t`` if it falls in working hours, else the next opening."""
        d = t.date()
        if self.workday(d):
            if t < dt.datetime.combine(d, WORK_START):
                return dt.datetime.combine(d, WORK_START)
            if t < dt.datetime.combine(d, WORK_END):
                return t
        d += dt.timedelta(days=1)
        while not self.workday(d):
            d += dt.timedelta(days=1)
        return dt.datetime.combine(d, WORK_START)

    def work(self, t: dt.datetime, days: float) -> dt.datetime:
        """The moment ``days`` working days (of working hours) after ``t``."""
        t = self.open_at(t)
        minutes = days * WORK_MINUTES
        while True:
            left = (dt.datetime.combine(t.date(), WORK_END) - t).total_seconds() / 60
            if minutes < left:
                return (t + dt.timedelta(minutes=minutes)).replace(microsecond=0)
            minutes -= left
            t = self.open_at(dt.datetime.combine(t.date(), WORK_END))

    def close_before(self, t: dt.datetime) -> dt.datetime:
        """``t`` if it falls in working hours, else the last closing before it."""
        d = t.date()
        if self.workday(d):
            if t > dt.datetime.combine(d, WORK_END):
                return dt.datetime.combine(d, WORK_END)
            if t > dt.datetime.combine(d, WORK_START):
                return t
        d -= dt.timedelta(days=1)
        while not self.workday(d):
            d -= dt.timedelta(days=1)
        return dt.datetime.combine(d, WORK_END)

    def back(self, days: float) -> dt.datetime:
        """The moment ``days`` working days (of working hours) before now."""
        t = self.close_before(self.now)
        minutes = days * WORK_MINUTES
        while True:
            left = (t - dt.datetime.combine(t.date(), WORK_START)).total_seconds() / 60
            if minutes <= left:
                return (t - dt.timedelta(minutes=minutes)).replace(microsecond=0)
            minutes -= left
            t = self.close_before(dt.datetime.combine(t.date(), WORK_START))

    def citizen(self, t: dt.datetime, r: random.Random) -> dt.datetime:
        """``t`` moved into the hours people are up (7:00–23:00)."""
        if t.hour < 7:
            t = t.replace(hour=7) + dt.timedelta(minutes=r.randint(0, 120))
        elif t.hour >= 23:
            t = dt.datetime.combine(t.date() + dt.timedelta(days=1), dt.time(7)) + dt.timedelta(
                minutes=r.randint(0, 120)
            )
        return t.replace(microsecond=0)


# --- one opinion's life --------------------------------------------------------------


@dataclass
class Place:
    city: Region
    county: Region
    township: Region
    village: Region
    values: dict[str, str]
    address: str

    @property
    def rural(self) -> bool:
        return self.village.kind == "村"


@dataclass
class _Event:
    t: dt.datetime
    seq: int
    obj: object
    workflow: str
    verb: str
    frm: str
    to: str
    public: bool
    note: str
    actor: object


@dataclass
class _Live:
    """When an assignment was the opinion's current one, for the reminder sweep."""

    assignment: OpinionAssignment
    start: dt.datetime
    signed: dt.datetime | None
    end: dt.datetime | None = None
    dues: list[tuple[dt.datetime, dt.date]] = field(default_factory=list)


class Story:
    """One opinion, moved step by step exactly as its actions would move it."""

    def __init__(
        self, b: OpinionBuilder, r: random.Random, op: Opinion, place: Place, **kw
    ) -> None:
        self.b, self.r, self.op, self.place = b, r, op, place
        self.matter: T.Matter | None = kw.get("matter")
        self.decline: T.Decline | None = kw.get("decline")
        self.dup_of: Opinion | None = kw.get("dup_of")  # to be merged into it
        self.master: Opinion | None = None  # once merged
        self.text_index: int | None = None  # which of the matter's texts: replies fit it
        self.meeting: MeetingRequest | None = None
        self.t: dt.datetime = kw["created"]
        self.created = self.t
        self.events: list[_Event] = []
        self.assignment: OpinionAssignment | None = None
        self.assignments: list[OpinionAssignment] = []
        self.lives: list[_Live] = []
        self.replies: list[OpinionReply] = []
        self.ratings: list[OpinionRating] = []
        self.contacts: list[OpinionContact] = []
        self.extensions: list[OpinionExtension] = []
        self.reminders: list[OpinionReminder] = []

    # -- plumbing ---------------------------------------------------------------------

    def at(self, t: dt.datetime) -> None:
        t = max(t, self.t)
        if t > self.b.clock.now:
            raise _Cut
        self.t = t

    def log(
        self,
        verb: str,
        to: str | None = None,
        *,
        public: bool = False,
        note: str = "",
        actor: User | None = None,
        obj: Opinion | OpinionExtension | MeetingRequest | None = None,
        wf: str = "opinion",
    ) -> None:
        """A timeline row as ``transition``/``log_event`` write it, at the story's now."""
        obj = obj or self.op
        frm = obj.state
        to = to or frm
        self.events.append(
            _Event(self.t, self.b.seq(), obj, wf, verb, frm, to, public, note, actor)
        )
        obj.state = to

    def fill(self, text: str, **extra) -> str:
        return text.format_map({**self.place.values, **extra})

    @property
    def cfg(self) -> RegionConfig:
        return self.b.config(self.op.region)

    def fitting_replies(self) -> list[tuple]:
        """The matter's replies that answer the text this citizen wrote."""
        i = self.text_index
        return [x for x in self.matter.replies if len(x) == 2 or i is None or i in x[2]]

    def _open(self, unit, actor, instructions: str, signed: bool) -> OpinionAssignment:
        """``actions._common.new_assignment``: deadlines counted from today's date."""
        cfg, clock, start = self.cfg, self.b.clock, self.t.date()
        sign = clock.deadline(start, cfg["opinion.sign_working_days"])
        contact = clock.deadline(start, cfg["opinion.contact_working_days"])
        reply = clock.deadline(start, cfg["opinion.reply_working_days"])
        a = OpinionAssignment(
            opinion=self.op,
            unit=unit,
            round=self.op.rehandle_count + 1,
            forwarded_by=actor,
            forwarded_at=clock.aware(self.t),
            instructions=instructions,
            sign_due=sign.due,
            contact_due=contact.due,
            reply_due=reply.due,
            deadline_provisional=sign.provisional or contact.provisional or reply.provisional,
            signed_at=clock.aware(self.t) if signed else None,
        )
        self.assignment = a
        self.assignments.append(a)
        signed_at = self.t if signed else None
        self.lives.append(_Live(a, self.t, signed_at, dues=[(self.t, a.reply_due)]))
        self.op.reply_due = a.reply_due
        return a

    def _reply(
        self, kind: str, responder: str, text: str, resolution: str, note: str, actor: User | None
    ) -> None:
        self.replies.append(
            OpinionReply(
                opinion=self.op,
                assignment=self.assignment if kind == ReplyKind.UNIT else None,
                kind=kind,
                author=actor,
                responder=responder[:100],
                public_text=text,
                internal_note=note,
                resolution=resolution,
                created_at=self.b.clock.aware(self.t),
            )
        )

    # -- the steps (one per action) ---------------------------------------------------

    def receive(self, actor: User | None = None) -> None:
        self.log("receive", public=True, actor=actor)

    def escalate(self, t: dt.datetime, actor: User | None, note: str = "") -> None:
        self.at(t)
        self.log("escalate", S.TRIAGE, public=True, note=note, actor=actor)

    def classify(self, t: dt.datetime, actor: User | None) -> None:
        self.at(t)
        if not self.op.category:
            self.op.category = self.matter.category if self.matter else "other"
        self.log("classify", actor=actor)

    def forward(
        self, t: dt.datetime, actor: User | None, unit: HandlingUnit, instructions: str = ""
    ) -> None:
        self.at(t)
        self._open(unit, actor, instructions, signed=False)
        self.op.unit = unit
        self.log("forward", S.FORWARDED, public=True, note=unit.name, actor=actor)

    def sign(self, t: dt.datetime, actor: User | None) -> None:
        self.at(t)
        self.log("sign", S.HANDLING, public=True, actor=actor)
        self.assignment.signed_at = self.b.clock.aware(self.t)
        self.lives[-1].signed = self.t

    def contact(self, t: dt.datetime, actor: User | None) -> None:
        self.at(t)
        r, a = self.r, self.assignment
        when = self.b.clock.aware(self.t)
        title = self.matter.title if self.matter else "反映事项"
        self.contacts.append(
            OpinionContact(
                opinion=self.op,
                assignment=a,
                author=actor,
                method=Weighted(T.CONTACT_METHODS)(r),
                contacted_at=when,
                note=r.choice(T.CONTACT_NOTES).format(title=title),
                created_at=when,
            )
        )
        if a.contacted_at is None:
            a.contacted_at = when
        self.log("contact", public=True, actor=actor)

    def request_extension(self, t: dt.datetime, actor: User | None, days: int) -> OpinionExtension:
        self.at(t)
        e = OpinionExtension(
            opinion=self.op,
            assignment=self.assignment,
            requested_by=actor,
            working_days=days,
            reason=self.r.choice(T.EXTENSION_REASONS).format(days=days),
            state=ExtensionState.PENDING,
            old_due=self.assignment.reply_due,
            created_at=self.b.clock.aware(self.t),
        )
        self.extensions.append(e)
        self.log("extension_request", actor=actor)
        return e

    def decide_extension(
        self, t: dt.datetime, actor: User | None, e: OpinionExtension, approve: bool
    ) -> None:
        self.at(t)
        r, a = self.r, self.assignment
        e.decided_by, e.decided_at = actor, self.b.clock.aware(self.t)
        e.decision_note = r.choice(T.EXTENSION_APPROVED if approve else T.EXTENSION_REFUSED)
        if approve:
            d = self.b.clock.deadline(e.old_due, e.working_days)
            e.new_due = a.reply_due = self.op.reply_due = d.due
            a.extended_days += e.working_days
            a.deadline_provisional = a.deadline_provisional or d.provisional
            self.lives[-1].dues.append((self.t, d.due))
            self.log("extend", public=True, note=d.due.isoformat(), actor=actor)
        to = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
        self.log(
            "approve" if approve else "refuse",
            to,
            note=e.decision_note,
            actor=actor,
            obj=e,
            wf="opinion_extension",
        )

    def return_(self, t: dt.datetime, actor: User | None, reason: str) -> None:
        self.at(t)
        a = self.assignment
        self.op.unit, self.op.reply_due, self.assignment = None, None, None
        self.log("return", S.TRIAGE, note=reason, actor=actor)
        a.returned_at, a.return_reason = self.b.clock.aware(self.t), reason
        self.lives[-1].end = self.t
        for e in self.extensions:
            if e.assignment is a and e.state == ExtensionState.PENDING:
                e.state, e.decided_at = ExtensionState.REFUSED, a.returned_at
                e.decision_note = "已退回，申请作废"

    def reply(self, t: dt.datetime, actor: User | None, text: str, resolution: str) -> None:
        self.at(t)
        a = self.assignment
        a.replied_at = self.b.clock.aware(self.t)
        self.lives[-1].end = self.t
        self.log("reply", S.REPLIED, public=True, actor=actor)
        note = self.r.choice(T.INTERNAL_NOTES)
        self._reply(ReplyKind.UNIT, a.unit.name, text, resolution, note, actor)

    def rate(self, t: dt.datetime, level: str, comment: str) -> bool:
        """Returns whether it went back for re-handling."""
        self.at(t)
        when = self.b.clock.aware(self.t)
        reply = self.replies[-1]
        self.ratings.append(
            OpinionRating(
                opinion=self.op, reply=reply, level=level, comment=comment, created_at=when
            )
        )
        self.op.satisfaction = level
        limit = self.cfg["opinion.rehandle_limit"]
        if level == Satisfaction.UNSATISFIED and self.op.rehandle_count < limit:
            self.op.rehandle_count += 1
            self._open(self.op.unit, None, comment, signed=True)
            self.log("rehandle", S.HANDLING, public=True)
            return True
        self.op.closed_at = when
        self.log("rate", S.CLOSED, public=True)
        return False

    def close_unrated(self) -> None:
        """The sweep's ``opinion_close_unrated`` on the first day it is due."""
        day = self.replies[-1].created_at.date() + dt.timedelta(days=self.cfg["opinion.rate_days"])
        self.at(dt.datetime.combine(day, SWEEP) + dt.timedelta(seconds=self.r.randint(0, 90)))
        self.op.closed_at = self.b.clock.aware(self.t)
        self.log("rate", S.CLOSED, public=True, note="unrated")

    def answer(self, t: dt.datetime, actor: User | None, text: str, resolution: str) -> None:
        self.at(t)
        self.op.closed_at = self.b.clock.aware(self.t)
        self.log("answer", S.CLOSED, public=True, actor=actor)
        station = self.op.station
        responder = station.name if station else f"{self.op.region.name}人大"
        self._reply(ReplyKind.ON_SPOT, responder, text, resolution, "", actor)

    def merge(self, t: dt.datetime, actor: User | None, master: Opinion) -> None:
        self.at(t)
        self.master = master
        self.log("merge", S.MERGED, public=True, actor=actor)

    def decline_(self, t: dt.datetime, actor: User | None) -> None:
        self.at(t)
        d = self.decline
        self.op.decline_reason, self.op.decline_note = d.reason, self.fill(d.note)
        self.op.closed_at = self.b.clock.aware(self.t)
        self.log("decline", S.DECLINED, public=True, actor=actor)

    def to_suggestion(self, t: dt.datetime, actor: User | None) -> None:
        self.at(t)
        self.op.closed_at = self.b.clock.aware(self.t)
        note = self.r.choice(T.SUGGESTION_NOTES)
        self.log("to_suggestion", S.SUGGESTION, public=True, note=note, actor=actor)

    def meeting_accept(
        self, t: dt.datetime, actor: User | None, deputy: Deputy, meet_at: dt.datetime
    ) -> None:
        self.at(t)
        m = self.meeting
        m.meet_at, m.decided_by = self.b.clock.aware(meet_at), actor
        m.place = self.fill(self.r.choice(T.MEETING_PLACES)) or m.station.address
        m.decided_at = self.b.clock.aware(self.t)
        m.deputy = m.deputy or deputy
        self.log("accept", MeetingState.ACCEPTED, public=True, actor=actor, obj=m, wf="meeting")

    def meeting_decline(self, t: dt.datetime, actor: User | None) -> None:
        self.at(t)
        m = self.meeting
        m.decline_reason = self.r.choice(T.MEETING_DECLINES)
        m.decided_by, m.decided_at = actor, self.b.clock.aware(self.t)
        self.log("decline", MeetingState.DECLINED, public=True, actor=actor, obj=m, wf="meeting")

    # -- what the hourly sweep would have sent -----------------------------------------

    def sweep(self) -> None:
        """``tasks.sweep``'s reminders: once per kind per live assignment, at the first
        run of the day on which it became due."""
        clock, now = self.b.clock, self.b.clock.now
        before = self.cfg["opinion.remind_working_days_before"]
        for live in self.lives:
            a, end = live.assignment, min(live.end or now, now)
            first = (live.start + dt.timedelta(hours=1)).replace(minute=1, second=0)
            sent: set[str] = set()
            d = live.start.date()
            while d <= end.date():
                f = max(dt.datetime.combine(d, SWEEP), first)
                if f >= end:
                    break
                due = [due for since, due in live.dues if since <= f][-1]
                signed = live.signed is not None and live.signed <= f
                kinds = []
                if not signed and a.sign_due < d:
                    kinds.append(ReminderKind.SIGN_OVERDUE)
                if due < d:
                    kinds += [ReminderKind.OVERDUE_UNIT, ReminderKind.OVERDUE_ESCALATED]
                elif clock.deadline(d, before).due >= due:
                    kinds.append(ReminderKind.DUE_SOON)
                for kind in kinds:
                    if kind in sent:
                        continue
                    sent.add(kind)
                    self.reminders.append(
                        OpinionReminder(
                            assignment=a,
                            kind=kind,
                            sent_at=clock.aware(f),
                            recipients=self.b.recipients(a, kind),
                        )
                    )
                    state = S.HANDLING if signed else S.FORWARDED
                    verb = f"remind_{kind}"
                    event = _Event(f, self.b.seq(), self.op, "opinion", verb, state, state,
                                   False, "", None)  # fmt: skip
                    self.events.append(event)
                d += dt.timedelta(days=1)


# --- the builder -----------------------------------------------------------------------


class OpinionBuilder:
    """Plans and writes the opinions of every city of the demo."""

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

    # -- running the stories ----------------------------------------------------------

    def run(self, s: Story) -> None:
        try:
            if s.meeting is not None:
                self.meeting_flow(s)
            elif s.op.station_id is not None:
                self.station_flow(s)
            else:
                self.office_flow(s)
        except _Cut:
            pass
        s.sweep()

    def station_flow(self, s: Story) -> None:
        r, op, clock = s.r, s.op, self.clock
        if op.channel in STAFF_CHANNELS:
            t = s.t + dt.timedelta(minutes=r.randint(3, 40))
        else:
            t = clock.work(s.t, r.uniform(0.05, 2.0))
        deputy = r.choice(self.members[op.station.pk])
        actor = self.station_actor(op.station) or self.deputy_actor(deputy)
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
        self.office_flow(s)

    def meeting_flow(self, s: Story) -> None:
        r, clock, m = s.r, self.clock, s.meeting
        deputy = m.deputy or r.choice(self.members[m.station.pk])
        actor = self.deputy_actor(deputy)
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
            actor = self.station_actor(m.station)
        s.escalate(t, actor, r.choice(T.ESCALATE_NOTES))
        self.office_flow(s)

    def office_flow(self, s: Story) -> None:
        r, clock = s.r, self.clock
        actor = self.office(s.op)
        t = clock.work(s.t, r.uniform(0.1, 1.8))
        if s.decline is not None:
            return s.decline_(t, actor)
        if s.dup_of is not None:
            return s.merge(t, actor, s.dup_of)
        if not s.op.category or r.random() < 0.2:
            s.classify(t, actor)
        if s.matter.suggestion and r.random() < 0.04:
            return s.to_suggestion(t, actor)
        found = self.candidates(s)
        unit = found[0] if len(found) == 1 or r.random() < 0.8 else r.choice(found[1:])
        wrong = None
        if len(found) > 1 and r.random() < 0.07:
            wrong = r.choice([u for u in found if u is not unit])
        s.forward(t, actor, wrong or unit, r.choice(T.INSTRUCTIONS))
        self.unit_flow(s, right=unit if wrong else None)

    def unit_flow(self, s: Story, right: HandlingUnit | None = None) -> None:
        r, clock, a = s.r, self.clock, s.assignment
        actor, office = self.unit_actor(a.unit), self.office(s.op)
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
            return self.unit_flow(s)
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
        self.reply(s, max(t, clock.work(s.t, 0.2)), actor)
        self.rating_flow(s)

    def reply(self, s: Story, t: dt.datetime, actor, again: bool = False) -> None:
        r = s.r
        resolution, text = r.choice(s.fitting_replies())[:2]
        text = s.fill(text, date=self.date_words(s, t), unit=s.assignment.unit.name)
        if again:
            text = r.choice(T.REHANDLE_PREFIXES) + text
        s.reply(t, actor, text, resolution)

    def date_words(self, s: Story, t: dt.datetime) -> str:
        """When the work was done, as a reply says it: a few days before the reply, but
        not before the unit had the opinion."""
        handed = s.lives[-1].start.date()
        d = max(t.date() - dt.timedelta(days=s.r.randint(1, 5)), handed)
        return f"{d.month}月{d.day}日"

    def rating_flow(self, s: Story) -> None:
        r, clock = s.r, self.clock
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
        actor = self.unit_actor(s.assignment.unit)
        if r.random() < 0.85:
            s.contact(clock.work(s.t, r.uniform(0.1, 2)), actor)
        self.reply(s, clock.work(s.t, r.uniform(2, 12)), actor, again=True)
        self.rating_flow(s)

    # -- writing ----------------------------------------------------------------------

    def save(self) -> dict[str, int]:
        stories = sorted(self.stories, key=lambda s: s.created)
        with _own_timestamps():
            # masters first, so that merged duplicates are inserted pointing at them
            for merged in (False, True):
                batch = [s for s in stories if (s.master is not None) == merged]
                for s in batch:
                    s.op.master = s.master
                Opinion.objects.bulk_create([s.op for s in batch], batch_size=BATCH)
            assignments = [a for s in stories for a in s.assignments]
            OpinionAssignment.objects.bulk_create(assignments, batch_size=BATCH)
            # the current assignment is the opinion's latest one (ids follow insertion)
            held = [s.op.pk for s in stories if s.assignment is not None]
            latest = OpinionAssignment.objects.filter(opinion=OuterRef("pk")).order_by("-pk")
            for i in range(0, len(held), BATCH):
                Opinion.objects.filter(pk__in=held[i : i + BATCH]).update(
                    assignment=Subquery(latest.values("pk")[:1])
                )
            for s in stories:
                s.op.assignment = s.assignment
            rows: dict[str, list] = {
                "opinion_replies": [x for s in stories for x in s.replies],
                "opinion_ratings": [x for s in stories for x in s.ratings],
                "opinion_contacts": [x for s in stories for x in s.contacts],
                "opinion_extensions": [x for s in stories for x in s.extensions],
                "opinion_reminders": [x for s in stories for x in s.reminders],
                "meeting_requests": [s.meeting for s in stories if s.meeting is not None],
            }
            for objs in rows.values():
                if objs:
                    type(objs[0]).objects.bulk_create(objs, batch_size=BATCH)
            events = sorted((e for s in stories for e in s.events), key=lambda e: (e.t, e.seq))
            types = {m: ContentType.objects.get_for_model(m).pk
                     for m in (Opinion, OpinionExtension, MeetingRequest)}  # fmt: skip
            TimelineEvent.objects.bulk_create(
                [
                    TimelineEvent(
                        created_at=self.clock.aware(e.t),
                        content_type_id=types[type(e.obj)],
                        object_id=str(e.obj.pk),
                        workflow=e.workflow,
                        verb=e.verb,
                        from_state=e.frm,
                        to_state=e.to,
                        actor=e.actor,
                        note=e.note,
                        public=e.public,
                    )
                    for e in events
                ],
                batch_size=BATCH,
            )
        states = Counter(s.op.state for s in stories)
        return {
            "opinions": len(stories),
            **{f"opinions.{state}": states[state] for state in S.values},
            "opinion_assignments": len(assignments),
            **{k: len(v) for k, v in rows.items()},
            "timeline_events": len(events),
        }


@contextmanager
def _own_timestamps() -> Iterator[None]:
    """Let bulk inserts keep the story's times in ``auto_now_add`` fields."""
    fields = [
        model._meta.get_field(name)
        for model, name in (
            (Opinion, "created_at"),
            (OpinionReply, "created_at"),
            (OpinionRating, "created_at"),
            (OpinionContact, "created_at"),
            (OpinionExtension, "created_at"),
            (MeetingRequest, "created_at"),
            (OpinionReminder, "sent_at"),
            (TimelineEvent, "created_at"),
        )
    ]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


# --- the scripted stories the demo logins open first -----------------------------------


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
        except _Cut:
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
                return self.b.reply(s, when, actor)
            fits = s.fitting_replies()
            res, text = next((x for x in fits if x[0] == resolution), fits[0])[:2]
            text = s.fill(text, date=self.b.date_words(s, when), unit=s.assignment.unit.name)
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
            lambda s: b.office_flow(s),
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


def build_opinions(
    rng: random.Random,
    *,
    tree: Tree,
    profile: Profile,
    units: Units,
    stations: StationResult,
    infos: list[DeputyInfo],
    targets: Targets,
    usernames: list[str],
    today: dt.date,
) -> OpinionsResult:
    """Plan, play and write the opinions of every city (``profile.opinions_*``); the
    demo logins act as themselves where their grants reach (``usernames``)."""
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    now = timezone.localtime().replace(tzinfo=None, microsecond=0)
    if now.date() != today:
        now = dt.datetime.combine(today, dt.time(18))
    b = OpinionBuilder(rng, tree, profile, units, stations, infos, targets, users, now)
    for i, city in enumerate(tree.cities):
        bounds = profile.opinions_first_city if i == 0 else profile.opinions_per_city
        b.plan_city(city, pick_range(rng, bounds))
    planned = list(b.stories)
    tracking = Showcase(b).run()
    for s in planned:
        b.run(s)
    return OpinionsResult(b.save(), tracking)
