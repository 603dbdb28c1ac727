import pytest

from minqing.opinions.models import OpinionState
from tests.opinions.factories import drive, submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", list(OpinionState))
def test_drive_reaches_every_state(world, state):
    drive(world, submit(world), state)
