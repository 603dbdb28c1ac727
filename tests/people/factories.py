"""Factories for congresses, terms, deputies, deputy groups and handling units.

Usage that other apps' tests rely on::

    DeputyFactory(region=tree.wangjiang)        # term of the nearest congress (≤ 乡镇), made
    DeputyFactory(term=term)                    # region = the term's congress region
    DeputyFactory(region=tree.city, contact=True)   # with a private DeputyContact
    UnitFactory(region=tree.binjiang)
    DeputyGroupFactory(region=tree.city, members=[d1, d2])
    CongressFactory(region=tree.city); TermFactory(congress=congress)   # get-or-create
"""

from __future__ import annotations

import datetime as dt

import factory

from minqing.core.models import Region, RegionLevel
from minqing.people.models import (
    Congress,
    CongressLevel,
    Deputy,
    DeputyContact,
    DeputyGroup,
    DeputyGroupMembership,
    Gender,
    GroupKind,
    HandlingUnit,
    UnitKind,
)
from tests.factories import RegionFactory

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = [
    "建国",
    "丽华",
    "志强",
    "秀英",
    "海燕",
    "文军",
    "晓明",
    "红梅",
    "国栋",
    "春燕",
    "立新",
    "玉兰",
]


def chinese_name(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES)) % len(GIVEN)]


def congress_region(region: Region) -> Region:
    """The region whose congress a deputy elected in ``region`` most plausibly sits in:
    the region itself, or its nearest ancestor at 乡镇 level or above."""
    if region.level <= RegionLevel.TOWNSHIP:
        return region
    return region.ancestors().filter(level__lte=RegionLevel.TOWNSHIP).order_by("-level").first()


class CongressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Congress
        django_get_or_create = ("region",)

    region = factory.SubFactory(RegionFactory, level=RegionLevel.CITY)
    name = factory.LazyAttribute(lambda o: f"{o.region.name}人民代表大会")
    level = factory.LazyAttribute(lambda o: min(o.region.level, CongressLevel.TOWNSHIP))


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.Term"
        django_get_or_create = ("congress", "number")

    congress = factory.SubFactory(CongressFactory)
    number = 16
    start_date = dt.date(2022, 1, 1)
    is_current = True


def term_for(region: Region):
    return TermFactory(congress=CongressFactory(region=congress_region(region)))


class DeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deputy
        skip_postgeneration_save = True

    name = factory.Sequence(chinese_name)
    gender = factory.Iterator([Gender.MALE, Gender.FEMALE])
    deputy_number = factory.Sequence(lambda n: f"D{n:06d}")
    level = factory.LazyAttribute(lambda o: o.term.congress.level)
    sector = "教育"
    occupation = factory.LazyAttribute(lambda o: f"{o.region.name}某单位职工")
    constituency = factory.LazyAttribute(lambda o: f"{o.region.name}选区")

    @classmethod
    def _generate(cls, strategy, params):
        # region and term default to each other; fill whichever is missing before the
        # declarations resolve so neither needs a stray root region.
        if "term" not in params:
            region = params.get("region") or RegionFactory(level=RegionLevel.CITY)
            params = {**params, "region": region, "term": term_for(region)}
        elif "region" not in params:
            params = {**params, "region": params["term"].congress.region}
        return super()._generate(strategy, params)

    @factory.post_generation
    def contact(obj, create, extracted, **kwargs):
        if not create or not extracted:
            return
        values = extracted if isinstance(extracted, dict) else {}
        DeputyContact.objects.create(
            deputy=obj,
            mobile=values.get("mobile", "13912345678"),
            email=values.get("email", f"deputy{obj.pk}@example.cn"),
            address=values.get("address", "澜州市滨江路1号"),
        )


class DeputyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeputyContact

    deputy = factory.SubFactory(DeputyFactory)
    mobile = "13912345678"
    email = factory.Sequence(lambda n: f"deputy{n}@example.cn")
    address = "澜州市滨江路1号"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandlingUnit

    name = factory.Sequence(lambda n: f"测试局{n}")
    short_name = ""
    kind = UnitKind.GOVERNMENT
    region = factory.SubFactory(RegionFactory, level=RegionLevel.CITY)
    phone = "0571-88886666"
    address = "澜州市人民路100号"


class DeputyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeputyGroup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"第{n}代表小组")
    kind = GroupKind.REGIONAL
    region = factory.SubFactory(RegionFactory, level=RegionLevel.COUNTY)
    description = ""

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if not create or not extracted:
            return
        DeputyGroupMembership.objects.bulk_create(
            DeputyGroupMembership(group=obj, deputy=deputy) for deputy in extracted
        )
