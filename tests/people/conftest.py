"""Fixtures for the people tests: the 澜州市 congress with a current term, deputies,
units and a group in and out of scope, and the users of the permission matrix."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from minqing.accounts.models import Role
from tests.factories import UserFactory, user_with_role
from tests.people.factories import (
    DeputyFactory,
    DeputyGroupFactory,
    TermFactory,
    UnitFactory,
    term_for,
)


@pytest.fixture
def people(tree):
    """``term`` of 澜州市 (16th), ``far_term`` of 临川市; deputy ``wang`` in 江滨街道 with
    private contact, ``far`` in 东湖区; units ``unit`` (澜州市) with child ``sub``
    (滨江区), ``far_unit`` (临川市); group ``group`` (澜州市) with wang as member."""
    term = term_for(tree.city)
    far_term = term_for(tree.other_city)
    wang = DeputyFactory(
        term=term,
        region=tree.street,
        name="王建国",
        deputy_number="LZ0001",
        sector="教育",
        contact={"mobile": "13812345678", "email": "wangjg@example.cn", "address": "滨江路8号"},
    )
    far = DeputyFactory(term=far_term, region=tree.donghu, name="赵临川", deputy_number="LC0001")
    unit = UnitFactory(region=tree.city, name="澜州市住房和城乡建设局", short_name="市住建局")
    sub = UnitFactory(region=tree.binjiang, name="滨江区住建局", parent=unit)
    far_unit = UnitFactory(region=tree.other_city, name="临川市水务局")
    group = DeputyGroupFactory(region=tree.city, name="教育界代表小组", members=[wang])
    far_group = DeputyGroupFactory(region=tree.other_city, name="临川代表小组", members=[far])
    return SimpleNamespace(
        term=term,
        far_term=far_term,
        old_term=TermFactory(congress=term.congress, number=15, is_current=False),
        wang=wang,
        far=far,
        unit=unit,
        sub=sub,
        far_unit=far_unit,
        group=group,
        far_group=far_group,
    )


@pytest.fixture
def users(tree):
    """``inscope`` congress staff of 澜州市, ``outscope`` congress staff of 临川市,
    ``leader`` of 澜州市 (views deputies, no contact permission), ``nobody`` with no role."""
    return SimpleNamespace(
        nobody=UserFactory(),
        inscope=user_with_role(Role.CONGRESS_STAFF, tree.city),
        outscope=user_with_role(Role.CONGRESS_STAFF, tree.other_city),
        leader=user_with_role(Role.LEADER, tree.city),
    )
