"""``manage.py demo_city``: the fictional 澜江省 at ``--size small``."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from minqing.accounts.models import Role, RoleGrant, User
from minqing.core import codes
from minqing.core.demo import DEMO_PASSWORD, build_demo
from minqing.core.demo.names import FAMOUS
from minqing.core.management.commands.load_regions import load_regions
from minqing.core.models import AuditEntry, Region, RegionLevel
from minqing.people.models import (
    Congress,
    CongressLevel,
    Deputy,
    DeputyContact,
    DeputyGroup,
    GroupKind,
    HandlingUnit,
    Term,
)
from minqing.stations.models import ReceptionDay, ReceptionSchedule, Station, StationKind
from minqing.stations.states import StationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    out = StringIO()
    started = time.monotonic()
    call_command("demo_city", "--size", "small", stdout=out)
    return out.getvalue(), time.monotonic() - started


def test_small_runs_in_seconds_and_prints_the_logins(demo):
    output, seconds = demo
    assert seconds < 15
    assert DEMO_PASSWORD in output
    for username in ("admin", "renda", "lingdao", "lianluoyuan", "chengban", "daibiao"):
        assert username in output


def test_region_tree_is_fictional_and_follows_the_code_conventions(demo):
    province = Region.objects.get(code="990000")
    assert province.name == "澜江省"
    assert province.parent.code == "000000"
    assert Region.objects.get(code="990100").name == "澜州市"
    assert Region.objects.get(code="990102").name == "滨江区"
    assert Region.objects.get(code="990102001").name == "江滨街道"
    assert Region.objects.get(code="990102001001").name == "望江社区"
    below = Region.objects.within(province, include_self=False)
    lengths = {RegionLevel.CITY: 6, RegionLevel.COUNTY: 6, RegionLevel.TOWNSHIP: 9,
               RegionLevel.VILLAGE: 12, RegionLevel.GRID: 15}  # fmt: skip
    for region in below.select_related("parent"):
        assert len(region.code) == lengths[region.level], region.code
        prefix = {RegionLevel.CITY: 2, RegionLevel.COUNTY: 4}.get(region.level)
        parent_code = region.parent.code
        assert region.code.startswith(parent_code[:prefix] if prefix else parent_code)
        assert region.path == Region.path_for(region.parent, region.code)
    counts = {level: below.filter(level=level).count() for level in lengths}
    assert counts[RegionLevel.COUNTY] == 2
    assert 5 <= counts[RegionLevel.TOWNSHIP] <= 8
    assert 15 <= counts[RegionLevel.VILLAGE] <= 30
    assert counts[RegionLevel.GRID] >= counts[RegionLevel.VILLAGE]
    kinds = set(below.values_list("kind", flat=True))
    assert {"地级市", "市辖区", "街道", "镇", "社区", "村", "网格"} <= kinds


def test_deputies_at_all_five_levels_with_congresses_and_terms(demo):
    levels = set(Deputy.objects.values_list("level", flat=True))
    assert levels == set(CongressLevel.values)
    assert 150 <= Deputy.objects.count() <= 260
    # a congress per province/city/county/town, none for streets
    congress_regions = set(Congress.objects.values_list("region__kind", flat=True))
    assert "街道" not in congress_regions and "镇" in congress_regions
    assert Term.objects.filter(is_current=True, congress__region__code="990100", number=16).exists()
    for term in Term.objects.filter(deputies__isnull=False).distinct():
        numbers = list(term.deputies.values_list("deputy_number", flat=True))
        assert len(numbers) == len(set(numbers))
        assert term.is_current
    assert DeputyContact.objects.count() == Deputy.objects.count()
    mobiles = DeputyContact.objects.values_list("mobile", flat=True)
    assert all(m.startswith("19900") and len(m) == 11 for m in mobiles)
    names = set(Deputy.objects.values_list("name", flat=True))
    assert not names & FAMOUS
    assert all(2 <= len(n) <= 4 for n in names)
    assert set(Deputy.objects.values_list("gender", flat=True)) == {"M", "F"}
    assert {"工人", "农民", "党政干部"} <= set(Deputy.objects.values_list("sector", flat=True))
    assert Deputy.objects.filter(party="中共党员").exists()
    assert Deputy.objects.exclude(party="中共党员").exists()


def test_groups_units_and_stations(demo):
    assert set(DeputyGroup.objects.values_list("kind", flat=True)) == set(GroupKind.values)
    mixed = DeputyGroup.objects.get(kind=GroupKind.MIXED)
    assert mixed.members.values("level").distinct().count() >= 3

    assert 10 <= HandlingUnit.objects.count() <= 16
    assert HandlingUnit.objects.filter(parent__isnull=False).exists()
    zhujian = HandlingUnit.objects.get(short_name="市住建局")
    assert zhujian.region.code == "990100"

    assert set(Station.objects.values_list("kind", flat=True)) == set(StationKind.values)
    assert 15 <= Station.objects.count() <= 28
    assert Station.objects.filter(kind=StationKind.INDUSTRY).exclude(sector="").exists()
    assert (
        Station.objects.filter(status=StationStatus.ACTIVE).count() > Station.objects.count() // 2
    )
    for station in Station.objects.exclude(status=StationStatus.PLANNED):
        assert codes.is_valid(station.code, length=8)
        assert 1 <= station.deputies.count() <= 17
    assert ReceptionSchedule.objects.filter(rule="monthly_day", day_of_month=10).exists()
    assert ReceptionDay.objects.exists()


def test_demo_users_hold_their_roles(demo):
    users = {u.username: u for u in User.objects.all()}
    assert set(users) == {"admin", "renda", "lingdao", "lianluoyuan", "chengban", "daibiao"}
    for user in users.values():
        assert user.check_password(DEMO_PASSWORD)
        assert user.display_name
    assert users["admin"].is_superuser and users["admin"].is_staff

    def grant(username: str) -> RoleGrant:
        (g,) = RoleGrant.objects.filter(user=users[username]).select_related(
            "region", "station", "unit"
        )
        return g

    assert (grant("admin").role, grant("admin").region.code) == (Role.ADMIN, "000000")
    assert (grant("renda").role, grant("renda").region.code) == (Role.CONGRESS_STAFF, "990100")
    assert (grant("lingdao").role, grant("lingdao").region.code) == (Role.LEADER, "990100")
    staff = grant("lianluoyuan")
    assert staff.role == Role.STATION_STAFF
    assert staff.station.kind == StationKind.STATION
    assert staff.station.status == StationStatus.ACTIVE
    assert staff.station.region.path.startswith("000000/990000/990100/990102/")
    assert staff.region == staff.station.region
    unit = grant("chengban")
    assert (unit.role, unit.unit.short_name) == (Role.UNIT_STAFF, "市住建局")
    deputy_grant = grant("daibiao")
    deputy = Deputy.objects.get(user=users["daibiao"])
    assert deputy_grant.role == Role.DEPUTY
    assert deputy_grant.region == deputy.region
    assert users["daibiao"].display_name == deputy.name
    assert staff.station.deputies.filter(pk=deputy.pk).exists()


def test_one_audit_entry_for_the_whole_load(demo):
    (entry,) = AuditEntry.objects.all()
    assert entry.verb == "demo.load"
    assert entry.region.code == "990000"
    assert entry.after["deputies"] == Deputy.objects.count()
    assert entry.after["stations"] == Station.objects.count()


def _fingerprint(seed: int) -> tuple[list, list]:
    with transaction.atomic():
        build_demo("small", seed=seed)
        deputies = list(Deputy.objects.order_by("id").values_list("name", "deputy_number"))
        stations = list(Station.objects.order_by("id").values_list("code", "name"))
        transaction.set_rollback(True)
    return deputies, stations


def test_same_seed_gives_the_same_data():
    first = _fingerprint(20261121)
    assert Region.objects.count() == 0  # rolled back
    second = _fingerprint(20261121)
    other = _fingerprint(7)

    assert first == second
    assert first[0] and first[1]
    assert [n for n, _ in other[0]] != [n for n, _ in first[0]]
    assert [c for c, _ in other[1]] != [c for c, _ in first[1]]


def test_second_run_refuses(demo):
    deputies = Deputy.objects.count()
    with pytest.raises(CommandError, match="已存在"):
        call_command("demo_city", "--size", "small", stdout=StringIO())
    assert Deputy.objects.count() == deputies
    assert AuditEntry.objects.filter(verb="demo.load").count() == 1


def test_builds_under_the_loaded_gbt2260_tree():
    load_regions()
    nation = Region.objects.get(code="000000")

    build_demo("small")

    assert Region.objects.filter(code="000000").count() == 1
    assert Region.objects.get(code="990000").parent == nation
    assert Region.objects.within(nation).filter(code="330100").exists()


@pytest.mark.slow
def test_city_size_matches_the_make_run_targets():
    result = build_demo("city")

    c = result.counts
    assert 1300 <= c["deputies"] <= 1700
    assert all(c[f"deputies.{level.label}"] > 0 for level in CongressLevel)
    assert 100 <= c["stations"] <= 140
    assert all(c[f"stations.{kind}"] > 0 for kind in StationKind.values)
    assert 35 <= c["units"] <= 48
    assert c["regions.县级"] == 6
    assert 45 <= c["regions.乡镇/街道"] <= 60
    assert 350 <= c["regions.村/社区"] <= 500
    assert c["regions.网格"] == 2 * c["regions.村/社区"]
    assert Station.objects.count() == c["stations"]
    assert HandlingUnit.objects.filter(parent__isnull=False).count() >= 6
    assert result.seconds < 60
