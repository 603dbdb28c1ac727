"""A year of activities other than receptions: each congress's session and the meetings
deputies attend (列席), what the offices of the city and county congresses organise
(视察, 调研, 执法检查, 培训, 代表讲坛), what stations and group leaders organise, and
what deputies record themselves for approval — each answered by its deputies as of now.
``showcase`` puts work in the demo logins' lists (the deputy's records to confirm, the
station's reports to approve, a dispute for the office)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from minqing.core.demo.deputies import DeputyInfo
from minqing.core.demo.duties import texts
from minqing.core.demo.duties.world import Act, Group, World, quarter_name
from minqing.core.demo.rand import Weighted
from minqing.core.demo.suggestions.clock import chinese_number, term_sessions
from minqing.core.models import Region
from minqing.duties.models import (
    ActivityKind,
    ActivityState,
    Attendance,
    MeetingType,
    OrganiserKind,
    ParticipationState,
)
from minqing.people.models import CongressLevel, GroupKind
from minqing.stations.models import Station, StationKind
from minqing.stations.states import StationStatus
from minqing.suggestions.models import CongressSession

K, P, ORG = ActivityKind, ParticipationState, OrganiserKind
ATTENDANCE = Weighted([(Attendance.PRESENT, 95.5), (Attendance.LEAVE, 3.5), (Attendance.ABSENT, 1)])
SMALL_MEETING = Weighted([(Attendance.PRESENT, 92), (Attendance.LEAVE, 7), (Attendance.ABSENT, 1)])
# (kind, how many a year, how many deputies: a range, or a share of the congress's)
CITY_OFFICE = [
    (K.INSPECTION, 6, (8, 20)),
    (K.RESEARCH, 5, (5, 12)),
    (K.LAW_INSPECTION, 3, (6, 14)),
    (K.TRAINING, 3, (0.35, 0.6)),
    (K.LECTURE, 2, (1, 3)),
    (K.OTHER, 2, (15, 40)),
]
COUNTY_OFFICE = [
    (K.INSPECTION, 3, (6, 15)),
    (K.RESEARCH, 2, (4, 10)),
    (K.LAW_INSPECTION, 1, (5, 10)),
    (K.TRAINING, 1, (0.4, 0.7)),
    (K.LECTURE, 1, (1, 2)),
]
CITY_MEETINGS = [(MeetingType.STANDING, 6, (3, 8)), (MeetingType.COMMITTEE, 4, (3, 6)),
                 (MeetingType.OTHER, 2, (10, 30))]  # fmt: skip
COUNTY_MEETINGS = [(MeetingType.STANDING, 4, (3, 6)), (MeetingType.OTHER, 1, (8, 20))]
STATION_KINDS = Weighted(
    [(K.MEDIATION, 30), (K.RESEARCH, 15), (K.INSPECTION, 12), (K.OTHER, 25), (K.LECTURE, 10),
     (K.PHOTO, 8)]
)  # fmt: skip
REPORT_KINDS = Weighted(
    [(K.PHOTO, 35), (K.MEDIATION, 25), (K.RESEARCH, 15), (K.OTHER, 20), (K.INSPECTION, 5)]
)


def plan(w: World) -> None:
    r = random.Random(w.rng.getrandbits(64))
    pools = _pools(w)
    sessions = _sessions(w)
    for city in w.tree.cities:
        _congress(w, r, city, pools, sessions)
    _stations(w, r)
    _groups(w, r)
    _reports(w, r)
    _showcase(w, r, pools)
    _papers(w)


def _pools(w: World) -> dict[str, list[DeputyInfo]]:
    """Active deputies by the congress that elected them: city code for city deputies,
    county code for county deputies, township code for township deputies."""
    pools: dict[str, list[DeputyInfo]] = defaultdict(list)
    for info in w.infos:
        if not info.active:
            continue
        if info.level == CongressLevel.CITY:
            pools[info.city].append(info)
        elif info.level == CongressLevel.COUNTY:
            pools[info.county].append(info)
        elif info.level == CongressLevel.TOWNSHIP:
            pools[info.region[:9]].append(info)
    return pools


def _sessions(w: World) -> dict[int, list[tuple[int, dt.date, dt.date]]]:
    """The plenary sessions the suggestions demo gave the city congresses, by term."""
    out: dict[int, list[tuple[int, dt.date, dt.date]]] = defaultdict(list)
    ids = [t.pk for t in w.terms.values()]
    rows = CongressSession.objects.filter(term_id__in=ids).order_by("start_date", "pk")
    for term_id, number, start, end in rows.values_list(
        "term_id", "number", "start_date", "end_date"
    ):
        out[term_id].append((number, start, end))
    return out


def _last_session(w: World, term, known, offset: int) -> tuple[int, dt.date, dt.date] | None:
    rows = known.get(term.pk) or term_sessions(term.start_date, w.today, offset)
    done = [s for s in rows if s[2] < w.today]
    inside = [s for s in done if s[1] >= w.start]
    return inside[-1] if inside else None


def _size(r: random.Random, spec, pool: list) -> int:
    lo, hi = spec
    if isinstance(lo, float):
        return max(1, round(len(pool) * r.uniform(lo, hi)))
    return r.randint(lo, hi)


def _sample(r: random.Random, pool: list, n: int) -> list:
    return r.sample(pool, min(n, len(pool)))


def _congress(w: World, r: random.Random, city: Region, pools, sessions) -> None:
    tree = w.tree
    _session(w, r, city, w.terms[city.code], pools[city.code], sessions, 0, f"{city.name}人民会堂")
    _office(w, r, city, pools[city.code], CITY_OFFICE, CITY_MEETINGS, texts.MEETING_TITLES)
    for county in tree.counties[city.code]:
        pool = pools[county.code]
        place = f"{county.name}会议中心"
        _session(w, r, county, w.terms[county.code], pool, sessions, -1, place)
        _office(w, r, county, pool, COUNTY_OFFICE, COUNTY_MEETINGS, texts.COUNTY_MEETING_TITLES)
        for township in tree.townships[county.code]:
            term = w.terms.get(township.code)
            if term is not None:
                place = f"{township.name}人民政府大会议室"
                _session(w, r, township, term, pools[township.code], sessions, -2, place)


def _session(w, r, region: Region, term, pool, sessions, offset: int, place: str) -> None:
    """The congress's plenary session of the year: every deputy, with attendance."""
    found = _last_session(w, term, sessions, offset)
    if found is None or not pool:
        return
    number, start, end = found
    title = (
        f"{region.name}第{chinese_number(term.number)}届人民代表大会"
        f"第{chinese_number(number)}次会议"
    )
    act = w.add(
        region_id=region.pk,
        kind=K.MEETING,
        meeting_type=MeetingType.CONGRESS,
        title=title,
        date=start,
        end_date=end,
        place=place,
        summary=texts.SUMMARIES["meeting"],
        organiser_kind=ORG.OFFICE,
        created_at=w.recorded(r, end),
        created_by_id=w.office_user(region),
    )
    first = len(w.parts)
    w.join(r, act, region, pool, ATTENDANCE)
    rows = w.parts[first:]
    for i, mark in ((-1, Attendance.LEAVE), (-2, Attendance.ABSENT)):
        if len(rows) > 2 and all(p[2] != mark for p in rows):  # a session is never full
            w.parts[i] = (*w.parts[i][:2], mark, *w.parts[i][3:])


def _office(w, r, region: Region, pool, kinds, meetings, titles) -> None:
    if not pool:
        return
    user = w.office_user(region)
    n = r.randint(12, 30)
    for meeting_type, count, spec in meetings:
        for d in w.spread(r, count):
            n += 1
            title = w.fill(r, r.choice(titles[meeting_type]), region, n=chinese_number(n))
            act = w.add(
                region_id=region.pk,
                kind=K.MEETING,
                meeting_type=meeting_type,
                title=title,
                date=d,
                place=f"{region.name}人大常委会会议室",
                summary=texts.SUMMARIES["meeting"],
                organiser_kind=ORG.OFFICE,
                created_at=w.recorded(r, d),
                created_by_id=user,
            )
            w.join(r, act, region, _sample(r, pool, _size(r, spec, pool)), SMALL_MEETING)
    for kind, count, spec in kinds:
        for d in w.spread(r, count):
            act = _activity(w, r, region, kind, d, user)
            w.join(r, act, region, _sample(r, pool, _size(r, spec, pool)))
    if r.random() < 0.5:  # recorded in error and voided
        d = w.day_in(r, w.start, w.today - dt.timedelta(days=2))
        act = _activity(w, r, region, K.OTHER, d, user)
        w.join(r, act, region, _sample(r, pool, r.randint(3, 8)))
        act.state = ActivityState.CANCELLED


OFFICE_TITLES = {
    K.INSPECTION: texts.INSPECTIONS,
    K.RESEARCH: texts.RESEARCH,
    K.LAW_INSPECTION: texts.LAW_INSPECTIONS,
    K.TRAINING: texts.TRAININGS,
    K.LECTURE: texts.LECTURES,
    K.OTHER: texts.OTHER_OFFICE,
}


def _values(w: World, r: random.Random, kind: str, region: Region, **extra) -> dict[str, str]:
    if kind == K.LECTURE:
        extra.setdefault("topic", r.choice(texts.LECTURE_TOPICS))
    return w.values(r, region, **extra)


def _activity(
    w: World,
    r: random.Random,
    region: Region,
    kind: str,
    d: dt.date,
    user,
    *,
    titles: list[str] | None = None,
    prefix: str = "",
    vals: dict[str, str] | None = None,
    **kw,
) -> Act:
    """An activity whose title and summary speak of the same topic and places."""
    vals = vals or _values(w, r, kind, region)
    end = None
    if kind in (K.LAW_INSPECTION, K.RESEARCH, K.TRAINING) and r.random() < 0.4:
        end = min(d + dt.timedelta(days=r.randint(1, 2)), w.today - dt.timedelta(days=1))
        end = end if end > d else None
    title = prefix + r.choice(titles or OFFICE_TITLES[kind]).format_map(vals)
    place = f"{region.name}人大代表之家" if kind == K.LECTURE else f"{region.name}人大常委会"
    return w.add(
        region_id=region.pk,
        kind=kind,
        title=title,
        date=d,
        end_date=end,
        place=kw.pop("place", None) or place,
        summary=texts.SUMMARIES[kind].format_map(vals),
        organiser_kind=kw.pop("organiser_kind", ORG.OFFICE),
        created_at=w.recorded(r, end or d),
        created_by_id=user,
        **kw,
    )


# -- stations and groups ----------------------------------------------------------------


def _stations(w: World, r: random.Random) -> None:
    rates = dict(w.scale.station_activities)
    for s in w.station_result.stations:
        members = w.members[s.pk]
        rate = rates.get(s.kind, 0)
        if s.status != StationStatus.ACTIVE or not members or not rate:
            continue
        n = int(rate) + (r.random() < rate % 1)
        for d in w.spread(r, n):
            kind = STATION_KINDS(r)
            if kind == K.LECTURE and s.kind not in (StationKind.HOME, StationKind.STATION):
                kind = K.OTHER
            act = station_activity(w, r, s, kind, d)
            w.join(r, act, s.region, _sample(r, members, r.randint(2, 5)))


def station_activity(w: World, r, s: Station, kind: str, d: dt.date) -> Act:
    return _activity(
        w,
        r,
        s.region,
        kind,
        d,
        w.station_user(s),
        titles=texts.STATION_TITLES[kind],
        vals=_values(w, r, kind, s.region, station=s.name),
        place=s.address or s.name,
        organiser_kind=ORG.STATION,
        station_id=s.pk,
    )


def _groups(w: World, r: random.Random) -> None:
    for g in w.groups:
        if len(g.members) < 2:
            continue
        for d in w.spread(r, w.scale.group_meetings):
            act = group_activity(w, r, g, K.GROUP, d)
            n = max(2, round(len(g.members) * r.uniform(0.55, 0.9)))
            w.join(r, act, g.region, _sample(r, g.members, n))
        if g.kind in (GroupKind.INDUSTRY, GroupKind.MIXED):
            for kind in (K.RESEARCH, K.INSPECTION):
                d = w.day_in(r, w.start, w.today - dt.timedelta(days=1))
                act = group_activity(w, r, g, kind, d)
                w.join(r, act, g.region, _sample(r, g.members, r.randint(3, 8)))


def group_activity(w: World, r, g: Group, kind: str, d: dt.date) -> Act:
    grouped = kind == K.GROUP
    vals = _values(w, r, kind, g.region, group=g.name, q=quarter_name(d), place=g.region.name)
    return _activity(
        w,
        r,
        g.region,
        kind,
        d,
        w.user_of(g.leader),
        titles=texts.GROUP_TITLES if grouped else None,
        prefix="" if grouped else g.name + "：",
        vals=vals,
        place=f"{g.region.name}人大代表之家",
        organiser_kind=ORG.GROUP,
        group_id=g.pk,
    )


# -- deputies' own records ----------------------------------------------------------------


def _reports(w: World, r: random.Random) -> None:
    share = w.scale.reporters
    for info in w.infos:
        if not info.active or info is w.me or r.random() >= share:
            continue
        for _ in range(r.choice((1, 1, 2))):
            d = w.day_in(r, w.start, w.today - dt.timedelta(days=1))
            report(w, r, info, REPORT_KINDS(r), d)


def report(
    w: World,
    r: random.Random,
    info: DeputyInfo,
    kind: str,
    d: dt.date,
    *,
    state: str | None = None,
    station: Station | None = None,
    where: str = "",
) -> Act:
    """``activity_report``: the deputy's own record (pending), then approved, rejected or
    cancelled as its age makes likely (or ``state``)."""
    stations, groups = w.stations_of.get(info.deputy.pk, []), w.groups_of.get(info.deputy.pk, [])
    group = None
    if station is None and where != "office":
        roll = r.random()
        if stations and roll < 0.7:
            station = r.choice(stations)
        elif groups and roll < 0.85:
            group = r.choice(groups)
    region = station.region if station else group.region if group else w.tree.by_code[info.region]
    created = dt.datetime.combine(
        min(d + dt.timedelta(days=r.choice((0, 0, 1, 3))), w.today),
        dt.time(r.randint(19, 22), r.randint(0, 59)),
    )
    if created >= w.now:
        created = w.now - dt.timedelta(minutes=r.randint(10, 120))
    if state is None:
        roll, recent = r.random(), (w.now - created).days <= 30
        if recent:
            state = (
                ActivityState.PENDING if roll < 0.45
                else ActivityState.RECORDED if roll < 0.9
                else ActivityState.REJECTED if roll < 0.95
                else ActivityState.CANCELLED
            )  # fmt: skip
        else:
            state = (
                ActivityState.RECORDED if roll < 0.9
                else ActivityState.REJECTED if roll < 0.94
                else ActivityState.CANCELLED
            )  # fmt: skip
    village = region if len(region.code) >= 12 else None
    vals = _values(w, r, kind, village or w.tree.by_code[info.region])
    act = w.add(
        region_id=region.pk,
        kind=kind,
        title=r.choice(texts.REPORTS[kind]).format_map(vals),
        date=d,
        place=(station.address if station else "") or region.name,
        summary=texts.SUMMARIES[kind].format_map(vals),
        organiser_kind=ORG.DEPUTY,
        station_id=station.pk if station else None,
        group_id=group.pk if group else None,
        reported_by_id=info.deputy.pk,
        state=state,
        review_note=r.choice(texts.REJECTIONS) if state == ActivityState.REJECTED else "",
        created_at=created,
        created_by_id=w.user_of(info),
    )
    w.part(act, info, P.CONFIRMED, at=created)
    pool = w.members.get(station.pk, []) if station else group.members if group else []
    others = [x for x in pool if x is not info]
    if others and r.random() < 0.25:
        w.join(r, act, region, _sample(r, others, r.randint(1, 2)))
    return act


# -- the demo logins' work ----------------------------------------------------------------


def _ago(w: World, days: int) -> dt.date:
    d = w.today
    for _ in range(days):
        d = w.working_day(d - dt.timedelta(days=1), back=True)
    return d


def _showcase(w: World, r: random.Random, pools) -> None:
    """The demo deputy's records to confirm and one in dispute, the station's reports to
    approve and a dispute to settle, and a report for the office to approve."""
    me, s, city = w.me, w.staff_station, w.demo_city
    mine = [x for x in pools[city.code] if x is not me]
    members = [x for x in w.members[s.pk] if x is not me]
    user = w.office_user(city)
    # records waiting for the deputy's confirmation
    act = _activity(w, r, city, K.INSPECTION, _ago(w, 2), user)
    act.created_at = min(act.created_at, w.now - dt.timedelta(hours=3))
    w.part(act, me, P.PENDING)
    w.join(r, act, city, _sample(r, mine, 10))
    act = station_activity(w, r, s, K.LECTURE, _ago(w, 1))
    act.created_at = min(act.created_at, w.now - dt.timedelta(hours=1))
    w.part(act, me, P.PENDING)
    w.join(r, act, s.region, _sample(r, members, 2))
    act = _activity(w, r, city, K.TRAINING, _ago(w, 4), user)
    act.created_at = min(act.created_at, w.now - dt.timedelta(hours=6))
    w.part(act, me, P.PENDING)
    w.join(r, act, city, _sample(r, mine, 20))
    groups = [g for g in w.groups_of.get(me.deputy.pk, []) if len(g.members) > 2]
    if groups:
        g = groups[0]
        act = group_activity(w, r, g, K.GROUP, _ago(w, 3))
        act.created_at = min(act.created_at, w.now - dt.timedelta(hours=5))
        w.part(act, me, P.PENDING)
        w.join(r, act, g.region, [x for x in g.members if x is not me])
    # the deputy disputes an office record; a member disputes one of the station's
    act = _activity(w, r, city, K.RESEARCH, _ago(w, 12), user)
    w.part(act, me, P.DISPUTED, at=act.created_at + dt.timedelta(days=1), reason=texts.DISPUTES[0])
    w.join(r, act, city, _sample(r, mine, 6))
    act = station_activity(w, r, s, K.MEDIATION, _ago(w, 8))
    w.part(act, me, P.CONFIRMED, at=act.created_at + dt.timedelta(hours=20))
    if members:
        reason = texts.DISPUTES[3]
        w.part(act, members[0], P.DISPUTED, at=act.created_at + dt.timedelta(days=1), reason=reason)
    # the deputy's own records: approved, waiting, sent back
    report(w, r, me, K.PHOTO, _ago(w, 30), state=ActivityState.RECORDED, station=s)
    report(w, r, me, K.MEDIATION, _ago(w, 70), state=ActivityState.RECORDED, station=s)
    report(w, r, me, K.PHOTO, _ago(w, 2), state=ActivityState.PENDING, station=s)
    report(w, r, me, K.RESEARCH, _ago(w, 9), state=ActivityState.REJECTED, station=s)
    # the station's and the office's approvals
    for info, kind, days in zip(members, (K.MEDIATION, K.OTHER), (1, 4), strict=False):
        report(w, r, info, kind, _ago(w, days), state=ActivityState.PENDING, station=s)
    if mine:
        report(w, r, mine[0], K.OTHER, _ago(w, 3), state=ActivityState.PENDING, where="office")
        report(w, r, mine[-1], K.PHOTO, _ago(w, 20), state=ActivityState.CANCELLED, where="office")


def _papers(w: World) -> None:
    """The research report (调研报告) attached to a few of the demo city office's research
    activities (it earns their deputies the research-report points)."""
    done = [
        a
        for a in w.acts
        if a.kind == K.RESEARCH
        and a.organiser_kind == ORG.OFFICE
        and a.region_id == w.demo_city.pk
        and a.state == ActivityState.RECORDED
        and a.created_at < w.now - dt.timedelta(days=10)
    ]
    w.papers.extend(done[:3])
