"""The demo logins, one per role. Usernames and the password are fixed: the README
prints them."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from minqing.accounts.models import Role, RoleGrant, User
from minqing.core.models import Region, RegionLevel
from minqing.people.models import Deputy, DeputyGrid, HandlingUnit
from minqing.stations.models import Station

DEMO_PASSWORD = "minqing-demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: str
    where: str  # what the grant covers, for the printed table


def create_demo_users(
    *,
    nation: Region,
    city: Region,
    station: Station,
    unit: HandlingUnit,
    deputy: Deputy,
) -> list[DemoLogin]:
    """Create the six demo users and their grants. A username that already exists keeps
    its password and gets the grant added; the demo never overwrites a real account."""
    # One hash for all six: hashing is deliberately slow and the password is public.
    password = make_password(DEMO_PASSWORD)
    specs = [
        ("admin", "系统管理员", Role.ADMIN, nation, {}),
        ("renda", "林晓岚", Role.CONGRESS_STAFF, city, {}),
        ("lingdao", "郑国平", Role.LEADER, city, {}),
        ("lianluoyuan", "吴静", Role.STATION_STAFF, station.region, {"station": station}),
        ("chengban", "何志强", Role.UNIT_STAFF, unit.region, {"unit": unit}),
        ("daibiao", deputy.name, Role.DEPUTY, deputy.region, {}),
    ]
    existing = {u.username: u for u in User.objects.filter(username__in=[s[0] for s in specs])}
    logins = []
    for username, display_name, role, region, target in specs:
        user = existing.get(username)
        if user is None:
            user = User.objects.create(
                username=username,
                display_name=display_name,
                password=password,
                is_staff=username == "admin",
                is_superuser=username == "admin",
            )
        RoleGrant.objects.create(user=user, role=role, region=region, **target)
        where = (target.get("station") or target.get("unit") or region).name
        logins.append(DemoLogin(username, user.display_name, str(Role(role).label), where))
        if username == "daibiao":
            Deputy.objects.filter(pk=deputy.pk).update(user=user)
            deputy.user = user
            _assign_demo_grid(deputy, station)
    return logins


def _assign_demo_grid(deputy: Deputy, station: Station) -> None:
    """The demo deputy also keeps in touch with one village of the station's street
    (联系网格), so web-form opinions from there reach their inbox."""
    village = (
        Region.objects.within(station.region)
        .filter(level=RegionLevel.VILLAGE, is_active=True)
        .order_by("path")
        .first()
    )
    if village is not None:
        DeputyGrid.objects.get_or_create(deputy=deputy, region=village)
