"""Awards, the demo city's own points rules (the rest are the defaults), and the
quarterly rankings each city's office published, frozen as ``ranking_publish`` freezes
them: the standings of ``duties.points`` over the records as they now stand."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from minqing.core.demo.duties import texts
from minqing.core.demo.duties.world import World
from minqing.core.demo.rand import station_code
from minqing.duties.models import (
    Award,
    PointSource,
    PointsRanking,
    PointsRankingRow,
    PointsRule,
    RankingState,
)
from minqing.duties.points import Standing, quarter_bounds, standings
from minqing.people.models import CongressLevel, Deputy, DeputyStatus

D = Decimal
# The demo city's own rules: (source, points, annual cap); the first county's: research.
CITY_RULES = [(PointSource.RECEPTION, D(3), D(36)), (PointSource.TRAINING, D("1.5"), D(15))]
COUNTY_RULES = [(PointSource.RESEARCH, D(4), D(40))]


class Points:
    def __init__(self, w: World) -> None:
        self.w = w
        self.r = random.Random(w.rng.getrandbits(64))
        self.code_rng = random.Random(self.r.getrandbits(64))
        self.counts: dict[str, int] = {}

    def awards(self) -> None:
        """``award_record``: a few deputies of each city and county congress commended
        in the year, the demo deputy among them."""
        w, r = self.w, self.r
        rows = []
        for info in w.infos:
            if not info.active or info.level not in (CongressLevel.CITY, CongressLevel.COUNTY):
                continue
            if info is not w.me and r.random() >= w.scale.award_share:
                continue
            city = w.tree.by_code[info.city]
            body = (
                f"{city.name}人大常委会" if info.level == CongressLevel.CITY
                else f"{w.tree.by_code[info.county].name}人大常委会"
            )  # fmt: skip
            d = w.day_in(r, w.start, w.today - dt.timedelta(days=1))
            title, issuer = r.choice(texts.AWARDS)
            rows.append(
                Award(
                    deputy_id=info.deputy.pk,
                    region_id=info.deputy.region_id,
                    date=d,
                    title=title.format(year=d.year - (d.month < 3)),
                    issuer=issuer.format(body=body),
                    note="",
                    created_at=w.aware(w.recorded(r, d)),
                )
            )
        Award.objects.bulk_create(rows)
        self.counts["awards"] = len(rows)

    def rules(self) -> None:
        """``points_rule_set`` by the demo city's office, for the city and one county."""
        w = self.w
        county = w.tree.county_of(w.staff_station.region)
        rows = [
            PointsRule(region=region, source=source, points=points, annual_cap=cap)
            for region, spec in ((w.demo_city, CITY_RULES), (county, COUNTY_RULES))
            for source, points, cap in spec
        ]
        PointsRule.objects.bulk_create(rows)
        self.counts["points_rules"] = len(rows)

    def rankings(self) -> None:
        """Each city's city-level ranking of the last quarter; in the demo city every
        quarter of the year, the demo county's and a group's, and one published twice
        (the first withdrawn)."""
        w = self.w
        quarters = []
        for year in (w.today.year - 1, w.today.year):
            for q in (1, 2, 3, 4):
                end = quarter_bounds(year, q)[1]
                if w.start <= end < w.today:
                    quarters.append((year, q))
        if not quarters:
            return
        taken = set(PointsRanking.objects.values_list("code", flat=True))
        rankings: list[PointsRanking] = []
        rows: list[list[Standing]] = []

        def publish(region, level: int, group=None, *, every: bool = False) -> None:
            people = self.people(region, level, group)
            for year, q in quarters if every else quarters[-1:]:
                table = standings(people, year=year, quarter=q)
                if table:
                    rankings.append(self.ranking(region, level, group, year, q, taken))
                    rows.append(table)

        for city in w.tree.cities:
            publish(city, CongressLevel.CITY, every=city.pk == w.demo_city.pk)
        year, q = quarters[-1]
        publish(w.tree.county_of(w.staff_station.region), CongressLevel.COUNTY)
        groups = w.groups_of.get(w.me.deputy.pk) or [g for g in w.groups if len(g.members) > 2]
        if groups:
            g = groups[0]
            publish(g.region, w.me.level if w.me in g.members else g.members[0].level, g)
        # the city's last quarter was published once too early and published again
        first = next(
            (i for i, x in enumerate(rankings)
             if x.region_id == w.demo_city.pk and (x.year, x.quarter) == (year, q)),
            None,
        )  # fmt: skip
        if first is not None:
            again = PointsRanking(
                **{
                    f: getattr(rankings[first], f)
                    for f in ("region_id", "level", "year", "quarter")
                },
                code=station_code(self.code_rng, taken, 10),
                published_at=min(
                    rankings[first].published_at + dt.timedelta(days=2),
                    w.aware(w.now - dt.timedelta(hours=1)),
                ),
                published_by_id=rankings[first].published_by_id,
            )
            rankings[first].state = RankingState.WITHDRAWN
            rankings.append(again)
            rows.append(rows[first])
        PointsRanking.objects.bulk_create(rankings)
        PointsRankingRow.objects.bulk_create(
            [
                PointsRankingRow(
                    ranking=ranking,
                    deputy=s.deputy,
                    rank=s.rank,
                    points=s.points,
                    quarter_points=s.quarter_points,
                )
                for ranking, table in zip(rankings, rows, strict=True)
                for s in table
            ]
        )
        self.counts["rankings"] = len(rankings)
        self.counts["ranking_rows"] = sum(len(t) for t in rows)

    def people(self, region, level: int, group) -> list[Deputy]:
        """Whom ``ranking_publish`` ranks: the active deputies of ``level`` elected in
        ``region``, or the group's."""
        deputies = Deputy.objects.filter(level=level, status=DeputyStatus.ACTIVE)
        if group is not None:
            deputies = deputies.filter(group_memberships__group_id=group.pk)
        else:
            deputies = deputies.filter(region__path__startswith=region.path)
        return list(deputies.select_related("term__congress__region").order_by("pk"))

    def ranking(self, region, level: int, group, year: int, q: int, taken) -> PointsRanking:
        """The ranking as ``ranking_publish`` stores it, ten days after the quarter."""
        w = self.w
        end = quarter_bounds(year, q)[1]
        day = w.working_day(end + dt.timedelta(days=10))
        at = min(dt.datetime.combine(day, dt.time(10)), w.now - dt.timedelta(hours=3))
        return PointsRanking(
            region_id=region.pk,
            level=level,
            group_id=group.pk if group else None,
            year=year,
            quarter=q,
            code=station_code(self.code_rng, taken, 10),
            published_at=w.aware(at),
            published_by_id=w.office_user(w.tree.city_of(region)),
        )
