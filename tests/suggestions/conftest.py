import pytest

from tests.suggestions.factories import make_sworld


@pytest.fixture
def sw(tree):
    return make_sworld(tree)
