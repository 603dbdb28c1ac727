"""The fictional 澜江省 region tree: cities, counties, townships/streets (9-digit codes),
communities/villages (12-digit) and grids (village code + 3 digits).

Code ranges follow GB/T 2260 and the NBS extension: districts 02–20, counties 21–80,
county-level cities 81–99; streets 001–099, towns 101–199, 乡 201–299; communities
001–199, villages 201–399.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from minqing.core.demo import places
from minqing.core.demo.profiles import Profile
from minqing.core.demo.rand import Weighted, pick_range
from minqing.core.models import Region, RegionLevel

BATCH = 5000

COUNTY_CODE_START = {"市辖区": 2, "县": 21, "自治县": 21, "县级市": 81}
TOWNSHIP_CODE_START = {"街道": 1, "镇": 101, "乡": 201}
VILLAGE_CODE_START = {"社区": 1, "村": 201}
TOWNSHIP_MIX = {
    "市辖区": Weighted([("街道", 70), ("镇", 30)]),
    "县": Weighted([("街道", 15), ("镇", 65), ("乡", 20)]),
    "自治县": Weighted([("街道", 10), ("镇", 55), ("乡", 35)]),
    "县级市": Weighted([("街道", 35), ("镇", 55), ("乡", 10)]),
}
COMMUNITY_SHARE = {"街道": 1.0, "镇": 0.25, "乡": 0.1}
KIND_ORDER = {"街道": 0, "镇": 1, "乡": 2, "社区": 0, "村": 1}


@dataclass
class Tree:
    """The demo regions, in generation order, with the lookups the other builders need."""

    nation: Region
    province: Region
    cities: list[Region] = field(default_factory=list)
    city_short: dict[str, str] = field(default_factory=dict)  # city code -> 澜州
    counties: dict[str, list[Region]] = field(default_factory=dict)  # city code -> …
    townships: dict[str, list[Region]] = field(default_factory=dict)  # county code -> …
    villages: dict[str, list[Region]] = field(default_factory=dict)  # township code -> …
    grids: dict[str, list[Region]] = field(default_factory=dict)  # village code -> …
    by_code: dict[str, Region] = field(default_factory=dict)

    def all_counties(self) -> list[Region]:
        return [c for city in self.cities for c in self.counties[city.code]]

    def all_townships(self) -> list[Region]:
        return [t for c in self.all_counties() for t in self.townships[c.code]]

    def all_villages(self) -> list[Region]:
        return [v for t in self.all_townships() for v in self.villages[t.code]]

    def city_of(self, region: Region) -> Region:
        return self.by_code[region.code[:4] + "00"]

    def county_of(self, region: Region) -> Region:
        return self.by_code[region.code[:6]]

    def township_of(self, region: Region) -> Region:
        return self.by_code[region.code[:9]]

    def count(self) -> int:
        return len(self.by_code)


def _region(code: str, name: str, level: int, kind: str, parent: Region) -> Region:
    return Region(
        code=code,
        name=name,
        level=level,
        kind=kind,
        parent=parent,
        path=Region.path_for(parent, code),
    )


def _county_kinds(rng: random.Random, n: int, city_kind: str) -> list[str]:
    if city_kind == "自治州":
        return ["县级市"] + [rng.choice(["县", "自治县"]) for _ in range(n - 1)]
    if city_kind == "地区":
        return ["县级市"] + ["县"] * (n - 1)
    districts = max(2, round(n * rng.uniform(0.3, 0.45)))
    cities = 1 if n - districts > 2 else 0
    return ["市辖区"] * districts + ["县"] * (n - districts - cities) + ["县级市"] * cities


def _numbered(items: list[tuple[str, str]], start: dict[str, int], taken: set[int]) -> list:
    """Give each (kind, name) the next free number of its kind's range."""
    counters = dict(start)
    out = []
    for kind, name in sorted(items, key=lambda kn: KIND_ORDER.get(kn[0], 0)):
        while counters[kind] in taken:
            counters[kind] += 1
        out.append((counters[kind], kind, name))
        counters[kind] += 1
    return out


def plan_tree(rng: random.Random, profile: Profile, nation: Region) -> Tree:
    """Lay out every region in memory (unsaved), deterministically from ``rng``."""
    namer = places.PlaceNamer(rng)
    province = _region(
        places.PROVINCE_CODE, places.PROVINCE_NAME, RegionLevel.PROVINCE, "省", nation
    )
    tree = Tree(nation=nation, province=province)
    tree.by_code[province.code] = province
    for fixed in places.LANZHOU_COUNTIES:
        namer.reserve("county", fixed[1])
    for fixed_name in places.FIXED_FIRST_DISTRICT.values():
        namer.reserve("county", fixed_name)
    for ci in range(profile.cities):
        name, kind, short = places.CITIES[ci]
        city = _region(f"99{ci + 1:02d}00", name, RegionLevel.CITY, kind, province)
        tree.cities.append(city)
        tree.city_short[city.code] = short
        tree.by_code[city.code] = city
        n = pick_range(rng, profile.counties_per_city)
        if ci == 0:
            specs = [(int(s), nm, k) for s, nm, k in places.LANZHOU_COUNTIES[:n]]
        else:
            kinds = _county_kinds(rng, n, kind)
            counters = dict(COUNTY_CODE_START)
            specs = []
            for k in kinds:
                start_key = "县" if k == "自治县" else k
                specs.append((counters[start_key], namer.county(k), k))
                counters[start_key] += 1
            fixed_name = places.FIXED_FIRST_DISTRICT.get(city.code)
            if fixed_name and specs[0][2] == "市辖区":
                specs[0] = (specs[0][0], fixed_name, specs[0][2])
        tree.counties[city.code] = []
        for number, county_name, county_kind in specs:
            county = _region(
                f"{city.code[:4]}{number:02d}", county_name, RegionLevel.COUNTY, county_kind, city
            )
            tree.counties[city.code].append(county)
            tree.by_code[county.code] = county
            _plan_townships(rng, profile, namer, tree, county)
    return tree


def _plan_townships(
    rng: random.Random, profile: Profile, namer: places.PlaceNamer, tree: Tree, county: Region
) -> None:
    n = pick_range(rng, profile.townships_per_county)
    fixed = places.FIXED_TOWNSHIPS.get(county.code)
    taken: set[int] = set()
    specs: list[tuple[int, str, str]] = []
    if fixed:
        suffix, name, kind, _ = fixed
        namer.reserve(county.code, name)
        taken.add(int(suffix))
        specs.append((int(suffix), kind, name))
        n -= 1
    mix = TOWNSHIP_MIX[county.kind]
    drawn = []
    for _ in range(n):
        kind = mix(rng)
        drawn.append((kind, namer.township(county.code, kind)))
    specs += _numbered(drawn, TOWNSHIP_CODE_START, taken)
    specs.sort()
    tree.townships[county.code] = []
    for number, kind, name in specs:
        township = _region(f"{county.code}{number:03d}", name, RegionLevel.TOWNSHIP, kind, county)
        tree.townships[county.code].append(township)
        tree.by_code[township.code] = township
        own_fixed = fixed if fixed and number == int(fixed[0]) else None
        _plan_villages(rng, profile, namer, tree, township, own_fixed)


def _plan_villages(
    rng: random.Random,
    profile: Profile,
    namer: places.PlaceNamer,
    tree: Tree,
    township: Region,
    fixed: tuple | None,
) -> None:
    n = pick_range(rng, profile.villages_per_township)
    taken: set[int] = set()
    specs: list[tuple[int, str, str]] = []
    if fixed:
        for suffix, name, kind in fixed[3]:
            namer.reserve(township.code, name)
            taken.add(int(suffix))
            specs.append((int(suffix), kind, name))
        n -= len(fixed[3])
    share = COMMUNITY_SHARE[township.kind]
    drawn = []
    for _ in range(max(n, 0)):
        kind = "社区" if rng.random() < share else "村"
        drawn.append((kind, namer.village(township.code, kind)))
    specs += _numbered(drawn, VILLAGE_CODE_START, taken)
    specs.sort()
    tree.villages[township.code] = []
    grids_n = profile.grids_per_village
    for number, kind, name in specs:
        village = _region(f"{township.code}{number:03d}", name, RegionLevel.VILLAGE, kind, township)
        tree.villages[township.code].append(village)
        tree.by_code[village.code] = village
        tree.grids[village.code] = []
        for g in range(1, pick_range(rng, grids_n) + 1):
            grid = _region(
                f"{village.code}{g:03d}",
                places.grid_name(name, g),
                RegionLevel.GRID,
                "网格",
                village,
            )
            tree.grids[village.code].append(grid)
            tree.by_code[grid.code] = grid


def save_tree(tree: Tree) -> int:
    """Insert the planned regions level by level (parents first, so children get their
    parent's id): a few hundred bulk INSERTs for a whole province."""
    tree.province.save()
    levels: dict[int, list[Region]] = {}
    for region in tree.by_code.values():
        if region is not tree.province:
            levels.setdefault(region.level, []).append(region)
    for level in sorted(levels):
        Region.objects.bulk_create(levels[level], batch_size=BATCH)
    return tree.count()
