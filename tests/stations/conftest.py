"""Fixtures for the stations tests: two stations in 澜州市 and the users of the
permission matrix."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from minqing.accounts.models import Role
from tests.factories import UserFactory, user_with_role
from tests.stations.factories import StationFactory


@pytest.fixture
def stations(tree):
    """Station ``a`` in 望江社区, ``b`` in 柳岸社区 (both in 澜州市), ``far`` in 东湖区."""
    return SimpleNamespace(
        a=StationFactory(region=tree.wangjiang, name="望江社区代表联络站"),
        b=StationFactory(region=tree.liuan, name="柳岸社区代表联络站"),
        far=StationFactory(region=tree.donghu, name="东湖区代表之家"),
    )


@pytest.fixture
def users(tree, stations):
    """The permission matrix: ``inscope`` manages 澜州市, ``outscope`` manages 临川市,
    ``staff_a`` is staff of station a only, ``viewer`` may only view (unit staff), and
    ``nobody`` holds no role."""
    return SimpleNamespace(
        nobody=UserFactory(),
        inscope=user_with_role(Role.CONGRESS_STAFF, tree.city),
        outscope=user_with_role(Role.CONGRESS_STAFF, tree.other_city),
        staff_a=user_with_role(Role.STATION_STAFF, station=stations.a),
        viewer=user_with_role(Role.UNIT_STAFF, tree.city),
    )
