"""A small world for duty work.

``make_dworld(tree)`` (fixture ``dw``): the 澜州市 congress (city level) with a term;
stations 望江 (``dw.station``, in 望江社区) and 柳岸 (``dw.station2``, 柳岸社区), an online
station, and 临川's ``dw.far_station``; deputies with accounts ``dw.dep`` (sits at 望江,
user ``dw.dep_user``), ``dw.dep2`` (sits at 柳岸), ``dw.leader_dep`` (leader of group
``dw.group`` with dep and dep2 as members); ``dw.more`` five deputies without accounts;
``dw.far_dep`` in 临川. Users: ``office`` (city congress staff), ``district_office``
(滨江区), ``far_office`` (临川市), ``station_staff`` (望江 only), ``station2_staff``,
``leader`` (city leader role), ``unit_staff``, ``nobody``.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from minqing.accounts.models import Role
from minqing.duties import actions
from minqing.duties.models import Activity
from minqing.people.models import DeputyGroupMembership
from minqing.stations.models import StationKind
from tests.factories import UserFactory, grant, user_with_role
from tests.people.factories import (
    CongressFactory,
    DeputyFactory,
    DeputyGroupFactory,
    TermFactory,
    UnitFactory,
)
from tests.stations.factories import StationFactory, seat


def make_dworld(tree) -> SimpleNamespace:
    congress = CongressFactory(region=tree.city)
    term = TermFactory(congress=congress)
    far_congress = CongressFactory(region=tree.other_city)
    far_term = TermFactory(congress=far_congress)

    def deputy(username: str | None = None, region=tree.binjiang, t=term):
        user = UserFactory(username=username) if username else None
        d = DeputyFactory(term=t, region=region, user=user)
        if user is not None:
            grant(user, Role.DEPUTY, region)
        return d

    station = StationFactory(name="望江社区代表联络站", region=tree.wangjiang)
    station2 = StationFactory(name="柳岸社区代表联络站", region=tree.liuan)
    online = StationFactory(name="网上代表联络站", region=tree.street, kind=StationKind.ONLINE)
    far_station = StationFactory(name="东湖代表联络站", region=tree.donghu)
    dep = deputy("dep")
    dep2 = deputy("dep2")
    leader_dep = deputy("leader_dep")
    more = [deputy() for _ in range(5)]
    far_dep = deputy("far_dep", region=tree.donghu, t=far_term)
    seat(station, dep)
    seat(station2, dep2)
    seat(far_station, far_dep)
    group = DeputyGroupFactory(name="滨江区第一代表小组", region=tree.binjiang)
    DeputyGroupMembership.objects.bulk_create(
        [
            DeputyGroupMembership(group=group, deputy=leader_dep, is_leader=True),
            DeputyGroupMembership(group=group, deputy=dep),
            DeputyGroupMembership(group=group, deputy=dep2),
        ]
    )
    unit = UnitFactory(name="澜州市住房和城乡建设局", region=tree.city)
    return SimpleNamespace(
        tree=tree,
        congress=congress,
        term=term,
        station=station,
        station2=station2,
        online=online,
        far_station=far_station,
        dep=dep,
        dep_user=dep.user,
        dep2=dep2,
        dep2_user=dep2.user,
        leader_dep=leader_dep,
        leader_dep_user=leader_dep.user,
        more=more,
        far_dep=far_dep,
        far_dep_user=far_dep.user,
        group=group,
        unit=unit,
        office=user_with_role(Role.CONGRESS_STAFF, tree.city),
        district_office=user_with_role(Role.CONGRESS_STAFF, tree.binjiang),
        far_office=user_with_role(Role.CONGRESS_STAFF, tree.other_city),
        station_staff=user_with_role(Role.STATION_STAFF, station=station),
        station2_staff=user_with_role(Role.STATION_STAFF, station=station2),
        leader=user_with_role(Role.LEADER, tree.city),
        unit_staff=user_with_role(Role.UNIT_STAFF, unit=unit),
        nobody=UserFactory(),
    )


ACTIVITY = {
    "title": "视察老旧小区加装电梯工作",
    "place": "望江社区",
    "summary": "实地察看三个小区加装电梯进展，听取住户意见。",
}


def record(dw, *, kind: str = "inspection", deputies=None, days_ago: int = 3, **kw) -> Activity:
    """An activity recorded by the office (or ``kw["station"]``'s staff) through the action."""
    station = kw.pop("station", None)
    actor = kw.pop("actor", None) or (dw.station_staff if station is not None else dw.office)
    data = {**ACTIVITY, "date": timezone.localdate() - dt.timedelta(days=days_ago), **kw}
    return actions.activity_record(
        actor=actor,
        kind=kind,
        data=data,
        deputies=deputies if deputies is not None else [dw.dep, dw.dep2],
        station=station,
        region=None if station is not None else dw.tree.binjiang,
    )


def unified_day(dw, *, date=None, title: str = "全市人大代表统一接待日"):
    return actions.unified_day_create(
        actor=dw.office,
        region=dw.tree.city,
        data={
            "title": title,
            "date": date or timezone.localdate(),
            "start_time": dt.time(9, 0),
            "end_time": dt.time(11, 30),
            "note": "请提前十分钟到站",
        },
    )
