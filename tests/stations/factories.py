"""Factories for stations, seats, schedules and reception days (on tests/people's)."""

from __future__ import annotations

import datetime as dt

import factory

from minqing.core import codes
from minqing.stations.models import (
    ReceptionDay,
    ReceptionSchedule,
    ScheduleRule,
    Station,
    StationDeputy,
    StationKind,
)
from minqing.stations.states import StationStatus
from tests.factories import RegionFactory
from tests.people.factories import DeputyFactory, term_for

__all__ = [
    "DeputyFactory",
    "ReceptionDayFactory",
    "ScheduleFactory",
    "StationFactory",
    "seat",
    "term_for",
]


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Station

    code = factory.LazyFunction(lambda: codes.generate(8))
    name = factory.Sequence(lambda n: f"测试代表联络站{n}")
    kind = StationKind.STATION
    region = factory.SubFactory(RegionFactory)
    address = factory.Sequence(lambda n: f"滨江路{n}号")
    opening_hours = "工作日 9:00–17:00"
    phone = "0571-86001234"
    status = StationStatus.ACTIVE


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReceptionSchedule

    station = factory.SubFactory(StationFactory)
    rule = ScheduleRule.MONTHLY_DAY
    day_of_month = 10
    start_time = dt.time(9, 0)
    end_time = dt.time(11, 30)
    skip_non_working_days = True


class ReceptionDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReceptionDay

    station = factory.SubFactory(StationFactory)
    date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=7))
    start_time = dt.time(14, 0)
    end_time = dt.time(17, 0)
    title = "代表集中接待日"


def seat(station: Station, deputy=None, **kw) -> StationDeputy:
    """Seat ``deputy`` (default: a new deputy of the station's region) at ``station``."""
    if deputy is None:
        deputy = DeputyFactory(region=station.region)
    return StationDeputy.objects.create(station=station, deputy=deputy, **kw)
