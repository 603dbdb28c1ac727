"""Builds the demo province in one transaction, from one seeded RNG."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from minqing.core import audit
from minqing.core.demo import (
    accounts,
    deputies,
    duties,
    opinions,
    places,
    regions,
    stations,
    suggestions,
    units,
)
from minqing.core.demo.profiles import SIZES
from minqing.core.models import Region, RegionLevel
from minqing.people.models import CongressLevel

DEFAULT_SEED = 20261121
NATION_CODE = "000000"


class DemoExists(Exception):
    """The demo province is already in the database."""


@dataclass
class DemoResult:
    size: str
    seed: int
    counts: dict[str, int]
    logins: list[accounts.DemoLogin]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    # a demo opinion to track and rate: (tracking code, last four digits of the phone)
    tracking: tuple[str, str] | None = None
    # a demo opinion that went into a suggestion of the demo deputy: (tracking code, last
    # four digits of the phone, the suggestion's number)
    source: tuple[str, str, str] | None = None


def demo_exists() -> bool:
    return Region.objects.filter(code=places.PROVINCE_CODE).exists()


def _nation() -> Region:
    nation, _ = Region.objects.get_or_create(
        code=NATION_CODE,
        defaults={
            "name": "中华人民共和国",
            "level": RegionLevel.NATION,
            "kind": "国家",
            "path": Region.path_for(None, NATION_CODE),
        },
    )
    return nation


def build_demo(
    size: str = "city",
    *,
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Create the fictional 澜江省 at ``size`` ("small", "city" or "province").

    Deterministic: the same seed gives the same regions, names, codes and seats (dates of
    one-off reception days are relative to ``today``). Raises :class:`DemoExists` when
    澜江省 (990000) is already there. Bulk inserts only, one transaction, one audit entry
    ``demo.load`` with the counts.
    """
    profile = SIZES[size]
    rng = random.Random(seed)
    today = today or timezone.localdate()
    started = time.monotonic()
    timings: dict[str, float] = {}
    say = progress or (lambda _msg: None)

    def lap(label: str, mark: float) -> float:
        now = time.monotonic()
        timings[label] = round(now - mark, 2)
        say(f"{label}: {now - mark:.1f} 秒")
        return now

    with transaction.atomic():
        if demo_exists():
            raise DemoExists(places.PROVINCE_NAME)
        nation = _nation()
        tree = regions.plan_tree(rng, profile, nation)
        counts = {"regions": regions.save_tree(tree)}
        for level in (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP,
                      RegionLevel.VILLAGE, RegionLevel.GRID):  # fmt: skip
            counts[f"regions.{level.label}"] = sum(
                1 for r in tree.by_code.values() if r.level == level
            )
        mark = lap("区划", started)

        congresses = deputies.save_congresses(rng, tree)
        counts["congresses"] = congresses.congresses
        counts["terms"] = congresses.term_rows
        built = deputies.DeputyBuilder(rng, tree, congresses.terms)
        built.plan(profile)
        counts["deputies"], counts["deputy_contacts"] = built.save()
        for level in CongressLevel:
            counts[f"deputies.{level.label}"] = sum(1 for i in built.infos if i.level == level)
        counts["deputy_groups"], counts["deputy_group_members"] = deputies.save_groups(
            rng, tree, built.infos
        )
        mark = lap("人大与代表", mark)

        unit_set = units.save_units(tree, profile)
        counts["units"] = len(unit_set.all)
        mark = lap("承办单位", mark)

        builder = stations.StationBuilder(rng, tree, profile, built.infos)
        staff = builder.plan()
        builder.seat()
        result = builder.save(today, staff)
        counts.update(result.counts)
        mark = lap("联络站", mark)

        city = tree.cities[0]
        members = [built.infos[i] for i in result.members[id(result.staff_station)]]
        preferred = sorted(
            members, key=lambda i: (i.level != CongressLevel.CITY, i.level != CongressLevel.COUNTY)
        )
        logins = accounts.create_demo_users(
            nation=nation,
            city=city,
            station=result.staff_station,
            unit=unit_set.key[f"{city.code}:zhujian"],
            deputy=preferred[0].deputy,
        )
        counts["users"] = len(logins)
        mark = lap("账号", mark)

        targets = opinions.Targets(
            station=result.staff_station,
            unit=unit_set.key[f"{city.code}:zhujian"],
            deputy=preferred[0].deputy,
        )
        made = opinions.build_opinions(
            rng,
            tree=tree,
            profile=profile,
            units=unit_set,
            stations=result,
            infos=built.infos,
            targets=targets,
            usernames=[login.username for login in logins],
            today=today,
        )
        counts.update(made.counts)
        mark = lap("民情", mark)

        raised = suggestions.build_suggestions(
            rng,
            tree=tree,
            profile=profile,
            units=unit_set,
            infos=built.infos,
            terms=congresses.terms,
            targets=targets,
            usernames=[login.username for login in logins],
            today=today,
        )
        # one total of timeline rows (opinions' and suggestions'), as the bench counts rows
        counts["timeline_events"] += raised.counts.pop("timeline_events")
        counts.update(raised.counts)
        mark = lap("议案建议", mark)

        done = duties.build_duties(
            rng,
            tree=tree,
            profile=profile,
            units=unit_set,
            stations=result,
            infos=built.infos,
            terms=congresses.terms,
            targets=targets,
            usernames=[login.username for login in logins],
            today=today,
        )
        for key, n in done.counts.items():  # its visits and reception days add to the others
            counts[key] = counts.get(key, 0) + n
        audit.record(
            actor=None,
            verb="demo.load",
            region=tree.province,
            after={"size": size, "seed": seed, **counts},
            note=f"演示数据 {places.PROVINCE_NAME}（{size}，种子 {seed}）",
        )
        lap("履职", mark)
        if connection.vendor == "postgresql":
            # Hundreds of thousands of rows just arrived in tables the planner last saw
            # (if ever) nearly empty: without fresh statistics it picks nested loops
            # over sequential scans and a measures query runs for minutes.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    return DemoResult(
        size=size,
        seed=seed,
        counts=counts,
        logins=logins,
        seconds=time.monotonic() - started,
        timings=timings,
        tracking=made.tracking,
        source=raised.source,
    )
