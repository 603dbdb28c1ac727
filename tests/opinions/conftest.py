import pytest

from tests.opinions.factories import make_world


@pytest.fixture
def world(tree):
    return make_world(tree)
