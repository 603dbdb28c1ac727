"""Handling units (承办单位): city departments, courts, procuratorate, utilities and state
enterprises, district governments with their departments, street offices and township
governments — with parent units where the organisation has one."""

from __future__ import annotations

from dataclasses import dataclass

from minqing.core.demo.profiles import Profile
from minqing.core.demo.regions import BATCH, Tree
from minqing.core.models import Region
from minqing.people.models import HandlingUnit, UnitKind

K = UnitKind


@dataclass(frozen=True)
class UnitSpec:
    key: str
    name: str  # template: {city} 澜州市, {short} 澜州, {county} 滨江区
    short: str
    kind: str
    parent: str = ""
    tier: str = "full"  # "core" units exist at every size


CITY_UNITS = [
    UnitSpec("zhujian", "{city}住房和城乡建设局", "市住建局", K.GOVERNMENT, tier="core"),
    UnitSpec("jiaotong", "{city}交通运输局", "市交通运输局", K.GOVERNMENT, tier="core"),
    UnitSpec("jiaoyu", "{city}教育局", "市教育局", K.GOVERNMENT, tier="core"),
    UnitSpec("weijian", "{city}卫生健康委员会", "市卫健委", K.GOVERNMENT, tier="core"),
    UnitSpec("shengtai", "{city}生态环境局", "市生态环境局", K.GOVERNMENT, tier="core"),
    UnitSpec("shichang", "{city}市场监督管理局", "市市场监管局", K.GOVERNMENT, tier="core"),
    UnitSpec("gongan", "{city}公安局", "市公安局", K.GOVERNMENT, tier="core"),
    UnitSpec("shuiwu", "{short}水务集团有限公司", "市水务集团", K.UTILITY, tier="core"),
    UnitSpec("gongdian", "国网{short}供电公司", "国网{short}供电公司", K.UTILITY, tier="core"),
    UnitSpec("fayuan", "{city}中级人民法院", "市中级人民法院", K.COURT, tier="core"),
    UnitSpec("fagai", "{city}发展和改革委员会", "市发改委", K.GOVERNMENT),
    UnitSpec("minzheng", "{city}民政局", "市民政局", K.GOVERNMENT),
    UnitSpec("renshe", "{city}人力资源和社会保障局", "市人社局", K.GOVERNMENT),
    UnitSpec("ziran", "{city}自然资源和规划局", "市自然资源规划局", K.GOVERNMENT),
    UnitSpec("chengguan", "{city}城市管理局", "市城管局", K.GOVERNMENT),
    UnitSpec("nongye", "{city}农业农村局", "市农业农村局", K.GOVERNMENT),
    UnitSpec("wenlv", "{city}文化广电旅游局", "市文广旅局", K.GOVERNMENT),
    UnitSpec("yingji", "{city}应急管理局", "市应急管理局", K.GOVERNMENT),
    UnitSpec("yibao", "{city}医疗保障局", "市医保局", K.GOVERNMENT),
    UnitSpec("shuili", "{city}水利局", "市水利局", K.GOVERNMENT),
    UnitSpec("shangwu", "{city}商务局", "市商务局", K.GOVERNMENT),
    UnitSpec("jianchayuan", "{city}人民检察院", "市人民检察院", K.PROCURATORATE),
    UnitSpec("ranqi", "{short}燃气集团有限公司", "市燃气集团", K.UTILITY),
    UnitSpec("gongjiao", "{short}公共交通集团有限公司", "市公交集团", K.ENTERPRISE),
    UnitSpec("jiaojing", "{city}公安局交通警察支队", "市交警支队", K.GOVERNMENT, "gongan"),
    UnitSpec("fangguan", "{city}住房保障和房产管理中心", "市房管中心", K.OTHER, "zhujian"),
    UnitSpec("zilaishui", "{short}自来水有限公司", "市自来水公司", K.UTILITY, "shuiwu"),
    UnitSpec("paishui", "{short}排水有限公司", "市排水公司", K.UTILITY, "shuiwu"),
    UnitSpec("yiyuan", "{city}第一人民医院", "市一医院", K.OTHER, "weijian"),
    UnitSpec("yuanlin", "{city}园林绿化管理中心", "市园林中心", K.OTHER, "chengguan"),
]
# Departments of a district/county government (region: the county). The police branch
# belongs to the city's 公安局 even though it sits in the district.
COUNTY_UNITS = [
    UnitSpec("gov", "{county}人民政府", "{county}政府", K.GOVERNMENT, tier="core"),
    UnitSpec("zhujian", "{county}住房和城乡建设局", "{county}住建局", K.GOVERNMENT, "gov"),
    UnitSpec("jiaoyu", "{county}教育局", "{county}教育局", K.GOVERNMENT, "gov"),
    UnitSpec("fenju", "{city}公安局{county}分局", "{county}公安分局", K.GOVERNMENT, "city:gongan"),
]
PROVINCE_UNITS = [
    UnitSpec("zhujian", "澜江省住房和城乡建设厅", "省住建厅", K.GOVERNMENT),
    UnitSpec("jiaotong", "澜江省交通运输厅", "省交通运输厅", K.GOVERNMENT),
    UnitSpec("jiaoyu", "澜江省教育厅", "省教育厅", K.GOVERNMENT),
    UnitSpec("weijian", "澜江省卫生健康委员会", "省卫健委", K.GOVERNMENT),
    UnitSpec("shengtai", "澜江省生态环境厅", "省生态环境厅", K.GOVERNMENT),
    UnitSpec("fayuan", "澜江省高级人民法院", "省高级人民法院", K.COURT),
]


@dataclass
class Units:
    all: list[HandlingUnit]
    key: dict[str, HandlingUnit]  # "990100:zhujian", "990102:gov", "990102001:office"


def save_units(tree: Tree, profile: Profile) -> Units:
    """Write the units level by level (parents before children)."""
    core_only = profile.units == "core"
    units: dict[str, HandlingUnit] = {}
    parents: dict[str, str] = {}  # unit key -> parent unit key

    def add(key: str, spec: UnitSpec, region: Region, ctx: dict[str, str], parent: str = ""):
        units[key] = HandlingUnit(
            name=spec.name.format(**ctx),
            short_name=spec.short.format(**ctx),
            kind=spec.kind,
            region=region,
            address=f"{ctx.get('county') or ctx.get('city', '')}行政中心",
        )
        if parent:
            parents[key] = parent

    if profile.cities > 1:
        for spec in PROVINCE_UNITS:
            add(f"{tree.province.code}:{spec.key}", spec, tree.province, {"city": "澜江省"})
    for city in tree.cities:
        ctx = {"city": city.name, "short": tree.city_short[city.code]}
        for spec in CITY_UNITS:
            if core_only and spec.tier != "core":
                continue
            parent = f"{city.code}:{spec.parent}" if spec.parent else ""
            add(f"{city.code}:{spec.key}", spec, city, ctx, parent)
        counties = tree.counties[city.code]
        for ci, county in enumerate(counties):
            cctx = {**ctx, "county": county.name}
            # every county has its government; departments where the size asks for them
            departments = not core_only and (profile.township_units == -1 or ci == 0)
            for spec in COUNTY_UNITS:
                if spec.tier != "core" and not departments:
                    continue
                if spec.parent.startswith("city:"):
                    parent = f"{city.code}:{spec.parent[5:]}"
                elif spec.parent:
                    parent = f"{county.code}:{spec.parent}"
                else:
                    parent = ""
                if core_only and ci > 0:
                    continue
                add(f"{county.code}:{spec.key}", spec, county, cctx, parent)
            townships = tree.townships[county.code]
            if profile.township_units != -1:
                townships = townships[: profile.township_units] if ci == 0 else []
            for township in townships:
                suffix = "办事处" if township.kind == "街道" else "人民政府"
                spec = UnitSpec("office", "{t}" + suffix, "{t}", K.TOWNSHIP)
                if core_only and ci > 0:
                    continue
                add(
                    f"{township.code}:office",
                    spec,
                    township,
                    {**cctx, "t": township.name},
                    f"{county.code}:gov",
                )
    # parents first: a unit's depth is at most 2 here (city → 交警支队, county gov → office)
    depth = {key: 0 for key in units}
    for key in units:
        d, k = 0, key
        while k in parents:
            k = parents[k]
            d += 1
        depth[key] = d
    for level in sorted(set(depth.values())):
        batch = [units[k] for k in units if depth[k] == level]
        for k in units:
            if depth[k] == level and k in parents:
                units[k].parent = units[parents[k]]
        HandlingUnit.objects.bulk_create(batch, batch_size=BATCH)
    return Units(all=list(units.values()), key=units)
