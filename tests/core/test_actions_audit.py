"""Every core and accounts action writes exactly one audit entry, with its verb."""

from __future__ import annotations

import datetime as dt

import pytest

from minqing.accounts import actions as account_actions
from minqing.accounts.models import Role
from minqing.core import actions
from minqing.core.actions import CalendarRow, RegionRow
from minqing.core.models import AuditEntry
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_every_action_writes_exactly_one_audit_entry(tree):
    admin = user_with_role(Role.ADMIN, tree.nation)
    user = UserFactory()
    steps = []

    def step(verb, call):
        before = AuditEntry.objects.count()
        result = call()
        assert AuditEntry.objects.count() - before == 1, verb
        assert AuditEntry.objects.latest("id").verb == verb
        steps.append(verb)
        return result

    region = step(
        "region.create",
        lambda: actions.region_create(
            actor=admin, parent=tree.street, code="990102001009", name="新社区", kind="社区"
        ),
    )
    step(
        "region.update",
        lambda: actions.region_update(actor=admin, region=region, name="新社区二", kind="社区"),
    )
    step(
        "region.import",
        lambda: actions.region_import(
            actor=admin, rows=[RegionRow(2, "990102001009G1", "一网格", "990102001009", "网格")]
        ),
    )
    key = "opinion.contact_working_days"
    step(
        "region_setting.set",
        lambda: actions.region_setting_set(actor=admin, region=tree.city, key=key, value=2),
    )
    step(
        "region_setting.reset",
        lambda: actions.region_setting_reset(actor=admin, region=tree.city, key=key),
    )
    step(
        "calendar.import",
        lambda: actions.calendar_year_import(
            actor=admin,
            year=2027,
            rows=[CalendarRow(2, dt.date(2027, 1, 1), "holiday", "元旦")],
            source="测试",
        ),
    )
    grant = step(
        "role.grant",
        lambda: account_actions.role_grant(
            actor=admin, user=user, role=Role.LEADER, region=tree.binjiang
        ),
    )
    step("role.revoke", lambda: account_actions.role_revoke(actor=admin, grant=grant))
    token, _ = step(
        "api_token.create",
        lambda: account_actions.api_token_create(actor=admin, user=user, name="令牌"),
    )
    step("api_token.revoke", lambda: account_actions.api_token_revoke(actor=admin, token=token))
    assert len(steps) == 10
