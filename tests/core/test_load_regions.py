"""``manage.py load_regions``: the GB/T 2260 provinces, cities and counties."""

from __future__ import annotations

import csv
import time
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from minqing.core.management.commands.load_regions import DATA_FILE, load_regions
from minqing.core.models import AuditEntry, Region, RegionLevel

pytestmark = pytest.mark.django_db


def _csv_rows() -> list[dict[str, str]]:
    with DATA_FILE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_data_file_is_a_consistent_tree():
    rows = _csv_rows()
    codes = {r["code"] for r in rows}
    assert len(codes) == len(rows)
    assert 3300 <= len(rows) <= 3500
    for r in rows:
        assert len(r["code"]) == 6 and r["code"].isdigit(), r
        assert r["kind"], r
        level = int(r["level"])
        if level == 1:
            assert r["parent"] == "" and r["code"].endswith("0000")
        else:
            assert r["parent"] in codes, r
            assert r["code"].startswith(r["parent"][: 2 * (level - 1)]), r
    by_code = {r["code"]: r for r in rows}
    # the special cases of docs/regions.md
    assert by_code["110100"]["name"] == "市辖区" and by_code["110100"]["kind"] == "汇总码"
    assert by_code["419001"]["parent"] == "419000"  # 济源市 under 省直辖县级行政区划
    assert by_code["441900"]["level"] == "2" and by_code["441900"]["name"] == "东莞市"
    assert not any(r["parent"] in {"441900", "442000", "460400", "620200"} for r in rows)
    assert by_code["810000"]["kind"] == "特别行政区"
    assert "990000" not in codes  # the demo's fictional province stays free


def test_load_creates_the_tree_with_the_nation_root():
    call_command("load_regions", stdout=StringIO())

    expected = Counter(int(r["level"]) for r in _csv_rows())
    counts = Counter(Region.objects.values_list("level", flat=True))
    assert counts[RegionLevel.NATION] == 1
    assert counts[RegionLevel.PROVINCE] == expected[1] == 34
    assert counts[RegionLevel.CITY] == expected[2]
    assert counts[RegionLevel.COUNTY] == expected[3]

    nation = Region.objects.get(code="000000")
    assert (nation.name, nation.level, nation.path) == ("中华人民共和国", 0, "000000/")
    hangzhou = Region.objects.select_related("parent").get(code="330100")
    assert hangzhou.name == "杭州市"
    assert hangzhou.parent.code == "330000" and hangzhou.parent.name == "浙江省"
    assert hangzhou.path == "000000/330000/330100/"
    assert hangzhou.kind == "地级市"
    xihu = Region.objects.get(code="330106")
    assert (xihu.name, xihu.level, xihu.kind) == ("西湖区", RegionLevel.COUNTY, "市辖区")
    assert xihu.parent_id == hangzhou.pk
    assert Region.objects.get(code="330782").kind == "县级市"  # 义乌市
    assert [r.name for r in xihu.ancestors()] == ["中华人民共和国", "浙江省", "杭州市", "西湖区"]
    assert AuditEntry.objects.filter(verb="region.load").count() == 1


def test_descendants_of_a_province_in_one_query(django_assert_num_queries):
    load_regions()
    zhejiang = Region.objects.get(code="330000")
    expected = sum(1 for r in _csv_rows() if r["code"].startswith("33"))

    with django_assert_num_queries(1):
        below = list(Region.objects.within(zhejiang))

    assert len(below) == expected
    assert {r.code[:2] for r in below} == {"33"}
    assert "330100" in {r.code for r in below}


def test_reload_is_idempotent_updates_names_and_never_deletes():
    first = load_regions()
    assert first.created == Region.objects.count() - 1  # all but the nation root
    total = Region.objects.count()
    hangzhou = Region.objects.get(code="330100")
    # a township added by an admin below a loaded county, and a stale name
    xihu = Region.objects.get(code="330106")
    Region.objects.create(
        code="330106001",
        name="北山街道",
        level=RegionLevel.TOWNSHIP,
        kind="街道",
        parent=xihu,
        path=Region.path_for(xihu, "330106001"),
    )
    Region.objects.filter(code="330100").update(name="旧名称")
    audits = AuditEntry.objects.count()

    second = load_regions()

    assert (second.created, second.updated) == (0, 1)
    assert second.conflicts == []
    assert Region.objects.count() == total + 1
    hangzhou.refresh_from_db()
    assert hangzhou.name == "杭州市"
    assert Region.objects.filter(code="330106001").exists()
    assert AuditEntry.objects.count() == audits + 1

    third = load_regions()
    assert (third.created, third.updated) == (0, 0)
    assert AuditEntry.objects.count() == audits + 1  # nothing changed, nothing recorded


def test_load_is_fast():
    started = time.monotonic()
    load_regions()
    assert time.monotonic() - started < 10
