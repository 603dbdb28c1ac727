import pytest

from tests.duties.factories import make_dworld


@pytest.fixture
def dw(tree):
    return make_dworld(tree)
