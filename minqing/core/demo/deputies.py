"""Congresses, terms, deputies of all five levels, their private contacts and their
groups (regional, industry, and one mixed-level group like seed 000's bio-medicine
point).

Where a deputy "is" (``Deputy.region``) follows who elects them: national deputies are
elected by the provincial congress and provincial deputies by the city congress (region:
the city they are from), city deputies by a county congress (region: that county),
county and township deputies directly in constituencies (region: the township, resp. the
village, of their 选区).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from minqing.core.demo import names, places, texts
from minqing.core.demo.rand import Weighted, pick_range, spread
from minqing.core.demo.regions import BATCH, Tree
from minqing.core.models import Region, RegionLevel
from minqing.people.models import (
    Congress,
    CongressLevel,
    Deputy,
    DeputyContact,
    DeputyGroup,
    DeputyGroupMembership,
    DeputyStatus,
    GroupKind,
    Term,
)

CL = CongressLevel
FEMALE_SHARE = {
    CL.NATIONAL: 0.27,
    CL.PROVINCIAL: 0.3,
    CL.CITY: 0.32,
    CL.COUNTY: 0.31,
    CL.TOWNSHIP: 0.28,
}
BIRTH_YEARS = {
    CL.NATIONAL: (1962, 1985),
    CL.PROVINCIAL: (1962, 1988),
    CL.CITY: (1963, 1992),
    CL.COUNTY: (1963, 1995),
    CL.TOWNSHIP: (1962, 1998),
}
# (number of the current term, its first day); the term before it ended the day before.
TERMS = {
    CL.NATIONAL: (14, dt.date(2023, 3, 5)),
    CL.PROVINCIAL: (14, dt.date(2023, 1, 12)),
    CL.CITY: (16, dt.date(2022, 1, 8)),
    CL.COUNTY: (18, dt.date(2021, 12, 20)),
    CL.TOWNSHIP: (19, dt.date(2021, 12, 10)),
}
OVERLAP_SHARE = 0.1  # share of township deputies who also hold a county seat

_party = Weighted(texts.PARTIES)
_ethnicity = Weighted(texts.ETHNICITIES)
_ethnicity_autonomous = Weighted(texts.AUTONOMOUS_ETHNICITIES)
_education = Weighted(texts.EDUCATION)
_sector = {
    level: Weighted(list(zip(texts.SECTORS, w, strict=True)))
    for level, w in texts.SECTOR_WEIGHTS.items()
}


@dataclass
class Person:
    name: str
    gender: str
    birth_year: int
    ethnicity: str
    party: str
    education: str
    sector: str
    occupation: str
    industry: str
    mobile: str


@dataclass
class DeputyInfo:
    """What the station and group builders need to know about a deputy."""

    deputy: Deputy
    level: int
    region: str  # region code
    city: str  # city code
    county: str  # county code, "" for national/provincial deputies
    industry: str
    sector: str
    active: bool


@dataclass
class Congresses:
    terms: dict[str, Term]  # region code -> current term
    congresses: int
    term_rows: int


def plan_congresses(tree: Tree) -> list[tuple[Region, int]]:
    """Every region with a congress: the nation, the province, cities, counties and the
    towns and 乡 (streets and villages have none)."""
    out: list[tuple[Region, int]] = [(tree.nation, CL.NATIONAL), (tree.province, CL.PROVINCIAL)]
    for city in tree.cities:
        out.append((city, CL.CITY))
        for county in tree.counties[city.code]:
            out.append((county, CL.COUNTY))
            for township in tree.townships[county.code]:
                if township.kind != "街道":
                    out.append((township, CL.TOWNSHIP))
    return out


def save_congresses(rng: random.Random, tree: Tree) -> Congresses:
    plan = plan_congresses(tree)
    nation_congress, _ = Congress.objects.get_or_create(
        region=tree.nation, defaults={"name": "全国人民代表大会", "level": CL.NATIONAL}
    )
    congresses = [nation_congress]
    new = []
    for region, level in plan[1:]:
        c = Congress(region=region, name=f"{region.name}人民代表大会", level=level)
        new.append(c)
        congresses.append(c)
    Congress.objects.bulk_create(new, batch_size=BATCH)
    terms: dict[str, Term] = {}
    rows: list[Term] = []
    for congress, (region, level) in zip(congresses, plan, strict=True):
        number, start = TERMS[level]
        if level in (CL.CITY, CL.COUNTY, CL.TOWNSHIP) and region.code != "990100":
            number += rng.choice((-1, 0, 0, 1))
            start += dt.timedelta(days=rng.randint(-20, 20))
        if level == CL.NATIONAL:
            current, _ = Term.objects.get_or_create(
                congress=congress, number=number, defaults={"start_date": start}
            )
            Term.objects.get_or_create(
                congress=congress,
                number=number - 1,
                defaults={
                    "start_date": start.replace(year=start.year - 5),
                    "end_date": start - dt.timedelta(days=1),
                    "is_current": False,
                },
            )
        else:
            current = Term(congress=congress, number=number, start_date=start, is_current=True)
            rows.append(current)
            rows.append(
                Term(
                    congress=congress,
                    number=number - 1,
                    start_date=start.replace(year=start.year - 5),
                    end_date=start - dt.timedelta(days=1),
                    is_current=False,
                )
            )
        terms[region.code] = current
    Term.objects.bulk_create(rows, batch_size=BATCH)
    return Congresses(terms=terms, congresses=len(new), term_rows=len(rows))


class PersonMaker:
    def __init__(self, rng: random.Random, tree: Tree):
        self.rng = rng
        self.tree = tree
        self.mobiles = 0
        self.rural: dict[str, list[str]] = {}

    def mobile(self) -> str:
        # 199 00 nnnnnn: a clearly fictional block, one number per person
        self.mobiles += 1
        return f"19900{self.mobiles:06d}"

    def make(self, level: int, region: Region) -> Person:
        rng = self.rng
        gender = "F" if rng.random() < FEMALE_SHARE[level] else "M"
        birth_year = rng.randint(*BIRTH_YEARS[level])
        city = self.tree.city_of(region) if region.level >= RegionLevel.CITY else None
        autonomous = city is not None and city.kind == "自治州"
        ethnicity = (_ethnicity_autonomous if autonomous else _ethnicity)(rng)
        sector = _sector[level](rng)
        party = "中共党员" if sector in ("解放军", "党政干部") else _party(rng)
        occupation, industry = self.occupation(sector, region)
        return Person(
            name=names.person_name(rng, gender, birth_year),
            gender=gender,
            birth_year=birth_year,
            ethnicity=ethnicity,
            party=party,
            education=_education(rng),
            sector=sector,
            occupation=occupation,
            industry=industry,
            mobile=self.mobile(),
        )

    def _context(self, region: Region) -> dict[str, str]:
        """Place names around ``region`` for the post templates (a village or township
        deputy talks about their own village; a city deputy about some place in the city)."""
        tree, rng = self.tree, self.rng
        city = tree.city_of(region) if region.level >= RegionLevel.CITY else rng.choice(tree.cities)
        county = (
            tree.county_of(region)
            if region.level >= RegionLevel.COUNTY
            else rng.choice(tree.counties[city.code])
        )
        township = (
            tree.township_of(region)
            if region.level >= RegionLevel.TOWNSHIP
            else rng.choice(tree.townships[county.code])
        )
        villages = tree.villages[township.code]
        village = region if region.level == RegionLevel.VILLAGE else rng.choice(villages)
        farm = village if village.kind == "村" else self._rural(township, county, city)
        bureau, head = rng.choice(texts.BUREAUS)
        return {
            "city": city.name,
            "city_short": tree.city_short[city.code],
            "county": county.name,
            "county_head": {"市辖区": "区长", "县级市": "市长"}.get(county.kind, "县长"),
            "township": township.name,
            "township_head": {"街道": "办事处主任", "镇": "镇长", "乡": "乡长"}[township.kind],
            "village": village.name,
            "village_head": "村委会主任" if village.kind == "村" else "居委会主任",
            "farm": farm,
            "bureau": bureau,
            "bureau_head": head,
        }

    def _rural(self, township: Region, county: Region, city: Region) -> str:
        """A village (村) as close to ``township`` as there is one."""
        if not self.rural:
            for v in self.tree.by_code.values():
                if v.level == RegionLevel.VILLAGE and v.kind == "村":
                    for scope in (v.code[:9], v.code[:6], v.code[:4]):
                        self.rural.setdefault(scope, []).append(v.name)
        for scope in (township.code, county.code, city.code[:4]):
            if scope in self.rural:
                return self.rng.choice(self.rural[scope])
        return township.name

    def occupation(self, sector: str, region: Region) -> tuple[str, str]:
        rng = self.rng
        ctx = self._context(region)
        if sector == "党政干部":
            return rng.choice(texts.CADRE_POSTS).format(**ctx), ""
        if sector == "解放军":
            return rng.choice(texts.PLA_POSTS), ""
        if sector == "农民":
            return rng.choice(texts.FARMER_POSTS).format(**ctx), ""
        if sector == "其他":
            return rng.choice(texts.OTHER_POSTS).format(**ctx), ""
        if sector == "专业技术人员" and rng.random() < 0.75:
            place, posts = rng.choice(texts.PROFESSIONAL_POSTS)
            return place.format(**ctx) + rng.choice(posts), ""
        if sector == "工人" and rng.random() < 0.4:
            return rng.choice(texts.WORKER_POSTS).format(**ctx), ""
        industry, stems, posts = rng.choice(texts.INDUSTRIES)
        firm = (
            ctx["city_short"]
            + rng.choice(texts.FIRM_WORDS)
            + rng.choice(stems)
            + rng.choice(texts.COMPANY_FORMS)
        )
        if sector == "企业负责人":
            post = rng.choice(["董事长", "总经理", "董事长、总经理", "党委书记、董事长"])
        else:
            post = rng.choice(posts)
        return firm + post, industry


def _bio(p: Person) -> str:
    gender = "男" if p.gender == "M" else "女"
    return (
        f"{p.name}，{gender}，{p.ethnicity}，{p.birth_year}年生，{p.party}，{p.education}学历。"
        f"现任{p.occupation}。"
    )


class DeputyBuilder:
    """Generates every deputy in memory, then writes deputies and contacts in bulk."""

    def __init__(self, rng: random.Random, tree: Tree, terms: dict[str, Term]):
        self.rng = rng
        self.tree = tree
        self.terms = terms
        self.people = PersonMaker(rng, tree)
        self.infos: list[DeputyInfo] = []
        self.persons: list[Person] = []
        self.next_number: dict[int, int] = {}

    def _add(
        self, term: Term, level: int, region: Region, constituency: str, prefix: str, person: Person
    ) -> None:
        seq = self.next_number.get(id(term), 0) + 1
        self.next_number[id(term)] = seq
        ended = self.rng.random() < 0.005
        deputy = Deputy(
            # ids rather than instances: setting a FK through its descriptor is a
            # measurable share of a 100,000-deputy run
            term_id=term.pk,
            level=level,
            region_id=region.pk,
            name=person.name,
            gender=person.gender,
            ethnicity=person.ethnicity,
            birth_year=person.birth_year,
            party=person.party,
            occupation=person.occupation[:200],
            sector=person.sector,
            deputy_number=f"{prefix}-{seq:04d}",
            constituency=constituency,
            bio=_bio(person),
            status=DeputyStatus.ENDED if ended else DeputyStatus.ACTIVE,
        )
        city = self.tree.city_of(region)
        county = region.code[:6] if region.level >= RegionLevel.COUNTY else ""
        self.infos.append(
            DeputyInfo(
                deputy,
                level,
                region.code,
                city.code,
                county,
                person.industry,
                person.sector,
                not ended,
            )
        )
        self.persons.append(person)

    def plan(self, profile) -> None:
        rng, tree, terms = self.rng, self.tree, self.terms
        national = terms[tree.nation.code]
        provincial = terms[tree.province.code]
        for city in tree.cities:
            for _ in range(pick_range(rng, profile.national_per_city)):
                p = self.people.make(CL.NATIONAL, city)
                self._add(national, CL.NATIONAL, city, f"{tree.province.name}人民代表大会", "99", p)
            for _ in range(pick_range(rng, profile.provincial_per_city)):
                p = self.people.make(CL.PROVINCIAL, city)
                self._add(provincial, CL.PROVINCIAL, city, f"{city.name}人民代表大会", "99", p)
            counties = tree.counties[city.code]
            city_term = terms[city.code]
            for county in spread(rng, counties, pick_range(rng, profile.city_deputies)):
                p = self.people.make(CL.CITY, county)
                self._add(
                    city_term, CL.CITY, county, f"{county.name}人民代表大会", city.code[:4], p
                )
            for county in counties:
                self._plan_county(profile, county)

    def _plan_county(self, profile, county: Region) -> None:
        rng, tree = self.rng, self.tree
        term = self.terms[county.code]
        townships = tree.townships[county.code]
        by_township: dict[str, list[Person]] = {}
        for i, township in enumerate(
            spread(rng, townships, pick_range(rng, profile.county_deputies))
        ):
            p = self.people.make(CL.COUNTY, township)
            constituency = f"{township.name}第{i % 9 + 1}选区"
            self._add(term, CL.COUNTY, township, constituency, county.code, p)
            by_township.setdefault(township.code, []).append(p)
        for township in townships:
            if township.kind == "街道":
                continue
            t_term = self.terms[township.code]
            villages = tree.villages[township.code]
            county_people = by_township.get(township.code, [])
            for village in spread(rng, villages, pick_range(rng, profile.township_deputies)):
                if county_people and rng.random() < OVERLAP_SHARE:
                    # the same person holds a county seat too (五级代表 share stations)
                    p = county_people.pop(rng.randrange(len(county_people)))
                else:
                    p = self.people.make(CL.TOWNSHIP, village)
                self._add(t_term, CL.TOWNSHIP, village, f"{village.name}选区", township.code, p)

    def save(self) -> tuple[int, int]:
        deputies = [i.deputy for i in self.infos]
        Deputy.objects.bulk_create(deputies, batch_size=BATCH)
        contacts = []
        for info, person in zip(self.infos, self.persons, strict=True):
            county = self.tree.by_code.get(info.county) if info.county else None
            city = self.tree.by_code[info.city]
            where = (county or city).name
            contacts.append(
                DeputyContact(
                    deputy_id=info.deputy.pk,
                    mobile=person.mobile,
                    email=f"d{person.mobile[-6:]}@example.org" if self.rng.random() < 0.25 else "",
                    address=f"{city.name}{where if county else ''}"
                    + f"{self.rng.choice(places.FIRST)}{self.rng.choice(places.SECOND_COMMUNITY)}"
                    + f"{self.rng.randint(1, 30)}幢",
                )
            )
        DeputyContact.objects.bulk_create(contacts, batch_size=BATCH)
        return len(deputies), len(contacts)


def save_groups(rng: random.Random, tree: Tree, infos: list[DeputyInfo]) -> tuple[int, int]:
    """Regional groups (city deputies per county, county deputies per township), industry
    groups of city deputies, and one mixed-level group per city."""
    groups: list[DeputyGroup] = []
    members: list[list[DeputyInfo]] = []

    def add(name: str, kind: str, region: Region, who: list[DeputyInfo], description: str = ""):
        if who:
            groups.append(DeputyGroup(name=name, kind=kind, region=region, description=description))
            members.append(who)

    by_region: dict[str, list[DeputyInfo]] = {}
    by_city_level: dict[tuple[str, int], list[DeputyInfo]] = {}
    for info in infos:
        if info.active:
            by_region.setdefault(info.region, []).append(info)
            by_city_level.setdefault((info.city, info.level), []).append(info)
    for city in tree.cities:
        city_deps = by_city_level.get((city.code, CL.CITY), [])
        for county in tree.counties[city.code]:
            add(
                f"{city.name}人大代表{county.name}代表小组",
                GroupKind.REGIONAL,
                county,
                by_region.get(county.code, []),
            )
            for township in tree.townships[county.code]:
                add(
                    f"{county.name}人大代表{township.name}代表小组",
                    GroupKind.REGIONAL,
                    township,
                    by_region.get(township.code, []),
                )
        for name, sector in texts.GROUP_INDUSTRIES:
            add(
                f"{city.name}人大{name}",
                GroupKind.INDUSTRY,
                city,
                [i for i in city_deps if i.sector == sector],
            )
        group_name, industry = texts.MIXED_GROUP
        mixed: list[DeputyInfo] = []
        for level in (CL.NATIONAL, CL.PROVINCIAL, CL.CITY, CL.COUNTY):
            pool = by_city_level.get((city.code, level), [])
            fits = [i for i in pool if i.industry == industry]
            others = [i for i in pool if i.sector == "专业技术人员" and i.industry != industry]
            want = {CL.NATIONAL: 2, CL.PROVINCIAL: 5, CL.CITY: 12, CL.COUNTY: 20}[level]
            chosen = fits[:want]
            if len(chosen) < want:
                chosen += rng.sample(others, min(len(others), want - len(chosen)))
            mixed += chosen
        add(
            f"{city.name}{group_name}",
            GroupKind.MIXED,
            city,
            mixed,
            "打破层级按产业混合编组：全国、省、市、县四级人大代表共同进点履职。",
        )
    DeputyGroup.objects.bulk_create(groups, batch_size=BATCH)
    rows = []
    for group, who in zip(groups, members, strict=True):
        for n, info in enumerate(who):
            rows.append(
                DeputyGroupMembership(group_id=group.pk, deputy_id=info.deputy.pk, is_leader=n == 0)
            )
    DeputyGroupMembership.objects.bulk_create(rows, batch_size=BATCH)
    return len(groups), len(rows)
