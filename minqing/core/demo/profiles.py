"""How big each demo size is. Every number is a range drawn with the seeded RNG."""

from __future__ import annotations

from dataclasses import dataclass

Range = tuple[int, int]


@dataclass(frozen=True)
class Profile:
    name: str
    cities: int
    counties_per_city: Range  # the first city uses the fixed list in places.py
    townships_per_county: Range
    villages_per_township: Range
    grids_per_village: Range
    # deputies per congress (national and provincial: elected in each city)
    national_per_city: Range
    provincial_per_city: Range
    city_deputies: Range
    county_deputies: Range
    township_deputies: Range
    # stations
    point_share: float  # share of villages/communities with a 代表联系点
    industry_per_city: int
    online_county_share: float  # besides one 网上联络站 per city
    mobile_per_county: Range
    # handling units: "core" (small) or "full"; street offices/township governments
    # for the first N townships of the first county, or -1 for every township (and
    # then every county also gets its departments)
    units: str
    township_units: int
    # 民情: opinions over the past year in the first city (the demo logins' city) and in
    # each other city
    opinions_first_city: Range
    opinions_per_city: Range
    # 议案建议: suggestions raised during the current session of the first city's
    # congress and of each other city's; last year's session, the items between
    # sessions, the motions and the work in progress scale with it
    suggestions_first_city: Range = (0, 0)
    suggestions_per_city: Range = (0, 0)


SIZES: dict[str, Profile] = {
    "small": Profile(
        name="small",
        cities=1,
        counties_per_city=(2, 2),
        townships_per_county=(3, 3),
        villages_per_township=(3, 4),
        grids_per_village=(1, 1),
        national_per_city=(3, 3),
        provincial_per_city=(10, 10),
        city_deputies=(60, 60),
        county_deputies=(38, 42),
        township_deputies=(38, 45),
        point_share=0.4,
        industry_per_city=1,
        online_county_share=0.0,
        mobile_per_county=(1, 1),
        units="core",
        township_units=1,
        opinions_first_city=(130, 130),
        opinions_per_city=(0, 0),
        suggestions_first_city=(40, 40),
    ),
    "city": Profile(
        name="city",
        cities=1,
        counties_per_city=(6, 6),
        townships_per_county=(7, 10),
        villages_per_township=(6, 10),
        grids_per_village=(2, 2),
        national_per_city=(10, 10),
        provincial_per_city=(45, 45),
        city_deputies=(300, 300),
        county_deputies=(95, 125),
        township_deputies=(15, 22),
        point_share=0.09,
        industry_per_city=8,
        online_county_share=0.34,
        mobile_per_county=(1, 1),
        units="full",
        township_units=3,
        opinions_first_city=(480, 520),
        opinions_per_city=(0, 0),
        suggestions_first_city=(290, 310),
    ),
    "province": Profile(
        name="province",
        cities=12,
        counties_per_city=(7, 11),
        townships_per_county=(10, 14),
        villages_per_township=(14, 18),
        grids_per_village=(2, 2),
        national_per_city=(11, 14),
        provincial_per_city=(60, 72),
        city_deputies=(420, 560),
        county_deputies=(200, 260),
        township_deputies=(62, 88),
        point_share=0.39,
        industry_per_city=15,
        online_county_share=0.5,
        mobile_per_county=(2, 2),
        units="full",
        township_units=-1,
        opinions_first_city=(480, 520),
        opinions_per_city=(220, 260),
        suggestions_first_city=(290, 310),
        suggestions_per_city=(240, 300),
    ),
}
