"""Factories for accounts tests, on top of tests/factories.py."""

from __future__ import annotations

from minqing.accounts.actions import api_token_create
from minqing.accounts.models import ApiToken, User
from tests.factories import UserFactory


def token_for(user: User, name: str = "测试令牌", **kw) -> tuple[ApiToken, str]:
    """A token for ``user`` created through the action by a superuser."""
    return api_token_create(actor=UserFactory(is_superuser=True), user=user, name=name, **kw)
