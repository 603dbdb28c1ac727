"""Factories shared by every app's tests: regions, users and role grants.

App-specific factories live in tests/<app>/factories.py and build on these.
"""

from __future__ import annotations

import factory

from minqing.accounts.models import Role, RoleGrant, User
from minqing.core.models import Region, RegionLevel


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"T{n:08d}")
    name = factory.Sequence(lambda n: f"测试区域{n}")
    level = RegionLevel.COUNTY
    parent = None
    path = factory.LazyAttribute(lambda o: Region.path_for(o.parent, o.code))


def region(code: str, name: str, level: int, parent: Region | None, kind: str = "") -> Region:
    return Region.objects.create(
        code=code,
        name=name,
        level=level,
        parent=parent,
        kind=kind,
        path=Region.path_for(parent, code),
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"工作人员{n}")
    password = factory.django.Password("pw-minqing-test")


def grant(
    user: User, role: str, region: Region | None = None, *, unit=None, station=None
) -> RoleGrant:
    if region is None:
        region = (station or unit).region
    return RoleGrant.objects.create(user=user, role=role, region=region, unit=unit, station=station)


def user_with_role(role: str | Role, region: Region | None = None, **kw) -> User:
    user = UserFactory()
    grant(user, role, region, **kw)
    return user
