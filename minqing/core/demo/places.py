"""Names of the fictional 澜江省: its cities, counties, townships, villages and roads.

The first city and its first districts are fixed so that every size, the tests' ``tree``
fixture and the documentation talk about the same places (澜州市, 滨江区 江滨街道 望江社区,
云溪区 云溪镇 石桥村); everything else is composed from the character pools below.
"""

from __future__ import annotations

import random

PROVINCE_CODE = "990000"
PROVINCE_NAME = "澜江省"

# (name, kind, short name used in unit names such as 国网澜州供电公司)
CITIES: list[tuple[str, str, str]] = [
    ("澜州市", "地级市", "澜州"),
    ("临川市", "地级市", "临川"),
    ("青屿市", "地级市", "青屿"),
    ("桐江市", "地级市", "桐江"),
    ("云岭市", "地级市", "云岭"),
    ("安澜市", "地级市", "安澜"),
    ("柳城市", "地级市", "柳城"),
    ("梧川市", "地级市", "梧川"),
    ("碧溪市", "地级市", "碧溪"),
    ("望海市", "地级市", "望海"),
    ("澜西土家族苗族自治州", "自治州", "澜西州"),
    ("北岭地区", "地区", "北岭"),
]

# The fixed counties of 澜州市: (code suffix, name, kind). Districts are numbered from 02,
# counties from 21 and county-level cities from 81, as GB/T 2260 does.
LANZHOU_COUNTIES: list[tuple[str, str, str]] = [
    ("02", "滨江区", "市辖区"),
    ("03", "云溪区", "市辖区"),
    ("04", "澜湖区", "市辖区"),
    ("21", "青山县", "县"),
    ("22", "白石县", "县"),
    ("81", "澜溪市", "县级市"),
]
# Other cities' fixed first district (the tests' out-of-scope 临川市 东湖区).
FIXED_FIRST_DISTRICT = {"990200": "东湖区"}
# The fixed first township of a fixed county, and its fixed villages.
FIXED_TOWNSHIPS: dict[str, tuple[str, str, str, list[tuple[str, str, str]]]] = {
    "990102": (
        "001",
        "江滨街道",
        "街道",
        [("001", "望江社区", "社区"), ("002", "柳岸社区", "社区")],
    ),
    "990103": ("101", "云溪镇", "镇", [("201", "石桥村", "村")]),
}

FIRST = (
    "江滨云溪青山石桥柳岸望湖松竹梅兰桂枫桃杏莲荷清泉白沙金银玉龙凤安宁永和平康乐福"
    "新丰东西南北长春秋明德兴华光文朝阳月星河海岭峰凌翠碧双鹤雁鹿崇仁嘉瑞祥泰盛隆昌"
)
SECOND_PLACE = "江溪山湖桥岭湾洲川源田林园塘坪坞口门港浦渡阳峰岗泉滩堰埠冈亭关"
SECOND_COMMUNITY = "苑园里坊庭湾城庄苑景华馨悦锦阳桥路台"
ROAD_SECOND = "江溪山湖桥岭湾洲川源林园塘康宁安和平兴华光明德"
ROAD_SUFFIX = ["路", "路", "大道", "街", "巷"]
VILLAGE_SURNAMES = "陈王李张刘杨黄吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈"
VILLAGE_SECOND = "家坞湾岭桥塘坪村庄店铺垄"
ETHNIC_COUNTY = ["土家族自治县", "苗族自治县", "侗族自治县"]


class PlaceNamer:
    """Hands out names unique within a scope (the province for counties, a parent for
    townships and villages)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: dict[str, set[str]] = {}

    def _unique(self, scope: str, make) -> str:
        used = self.used.setdefault(scope, set())
        for _ in range(200):
            name = make()
            if name not in used:
                used.add(name)
                return name
        raise RuntimeError(f"ran out of place names in {scope}")

    def reserve(self, scope: str, name: str) -> None:
        self.used.setdefault(scope, set()).add(name)

    def stem(self) -> str:
        first = self.rng.choice(FIRST)
        second = self.rng.choice(SECOND_PLACE)
        while second == first:
            second = self.rng.choice(SECOND_PLACE)
        return first + second

    def county(self, kind: str) -> str:
        suffix = {"市辖区": "区", "县": "县", "县级市": "市"}.get(kind)
        if suffix is None:  # 自治县
            suffix = self.rng.choice(ETHNIC_COUNTY)
        return self._unique("county", lambda: self.stem() + suffix)

    def township(self, parent_code: str, kind: str) -> str:
        return self._unique(parent_code, lambda: self.stem() + kind)

    def village(self, parent_code: str, kind: str) -> str:
        rng = self.rng

        def make() -> str:
            if kind == "社区":
                return rng.choice(FIRST) + rng.choice(SECOND_COMMUNITY) + "社区"
            if rng.random() < 0.35:
                return rng.choice(VILLAGE_SURNAMES) + rng.choice(VILLAGE_SECOND) + "村"
            return self.stem() + "村"

        return self._unique(parent_code, make)

    def road(self) -> str:
        return self.rng.choice(FIRST) + self.rng.choice(ROAD_SECOND) + self.rng.choice(ROAD_SUFFIX)

    def address(self, prefix: str) -> str:
        return f"{prefix}{self.road()}{self.rng.randint(1, 299)}号"


CHINESE_NUMERALS = "一二三四五六七八九十"


def grid_name(village_name: str, index: int) -> str:
    """望江社区第一网格 …"""
    n = CHINESE_NUMERALS[index - 1] if index <= 10 else str(index)
    return f"{village_name}第{n}网格"
