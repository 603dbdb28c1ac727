"""People actions: permission, validation, exactly one audit entry each, no contact
values in the audit log."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minqing.accounts.models import Role, RoleGrant
from minqing.core.models import AuditEntry
from minqing.core.permissions import has_perm
from minqing.people import actions
from minqing.people.models import (
    Congress,
    Deputy,
    DeputyContact,
    DeputyGroupMembership,
    DeputyStatus,
    GroupKind,
    HandlingUnit,
    Term,
    UnitKind,
)
from tests.factories import UserFactory, user_with_role


class Audits:
    """Counts audit entries around a block: ``with audits.one("verb"): ...``."""

    def __init__(self):
        self.verb = ""

    def one(self, verb: str):
        self.verb = verb
        return self

    def __enter__(self):
        self.before = AuditEntry.objects.count()
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            assert AuditEntry.objects.count() - self.before == 1
            self.entry = AuditEntry.objects.order_by("-id").first()
            assert self.entry.verb == self.verb
        return False


@pytest.fixture
def audits():
    return Audits()


def no_audit():
    return AuditEntry.objects.count()


# --- deputies ------------------------------------------------------------------------------


def test_deputy_create_writes_one_audit_without_contact_values(tree, people, users, audits):
    with audits.one("deputy.create"):
        deputy = actions.deputy_create(
            actor=users.inscope,
            term=people.term,
            region=tree.wangjiang,
            name=" 李秀英 ",
            gender="F",
            deputy_number="LZ0100",
            sector="医疗",
            contact={"mobile": "138-1111-2222", "email": "", "address": ""},
        )
    assert deputy.name == "李秀英"
    assert deputy.level == people.term.congress.level
    assert deputy.contact.mobile == "13811112222"
    assert "13811112222" not in json.dumps(audits.entry.after)
    assert audits.entry.after["contact"] == ["mobile"]
    assert audits.entry.region == tree.wangjiang


def test_deputy_create_refuses_taken_number_and_outside_region(tree, people, users):
    before = no_audit()
    with pytest.raises(ValidationError) as exc:
        actions.deputy_create(
            actor=users.inscope,
            term=people.term,
            region=tree.wangjiang,
            name="重复",
            gender="M",
            deputy_number="LZ0001",
        )
    assert exc.value.message_dict == {"deputy_number": ["代表证号“LZ0001”在本届中已存在"]}
    # A superuser may act anywhere, but 东湖区 is not in 澜州市's congress.
    admin = UserFactory(is_superuser=True)
    with pytest.raises(ValidationError) as exc:
        actions.deputy_create(
            actor=admin,
            term=people.term,
            region=tree.donghu,
            name="越界",
            gender="M",
            deputy_number="LZ0999",
        )
    assert "行政区域内" in exc.value.message_dict["region"][0]
    assert no_audit() == before


def test_deputy_create_permission(tree, people, users):
    for actor in (users.outscope, users.nobody, users.leader):
        with pytest.raises(PermissionDenied):
            actions.deputy_create(
                actor=actor,
                term=people.term,
                region=tree.wangjiang,
                name="某某",
                gender="M",
                deputy_number="X1",
            )


@pytest.fixture
def staff_without_contact(tree, monkeypatch):
    """Congress staff of 澜州市 whose role (in this test) lacks people.view_deputy_contact:
    no shipped role has manage without contact, but the actions must not rely on that."""
    from minqing.core import permissions

    reduced = permissions.ROLE_PERMISSIONS[Role.CONGRESS_STAFF] - {"people.view_deputy_contact"}
    monkeypatch.setitem(permissions.ROLE_PERMISSIONS, Role.CONGRESS_STAFF, reduced)
    return user_with_role(Role.CONGRESS_STAFF, tree.city)


def test_contact_changes_need_contact_permission(tree, people, staff_without_contact):
    actor = staff_without_contact
    with pytest.raises(PermissionDenied):
        actions.deputy_create(
            actor=actor,
            term=people.term,
            region=tree.wangjiang,
            name="某某",
            gender="M",
            deputy_number="X2",
            contact={"mobile": "13800000000"},
        )
    # Without contact the same call is fine.
    actions.deputy_create(
        actor=actor,
        term=people.term,
        region=tree.wangjiang,
        name="某某",
        gender="M",
        deputy_number="X2",
    )
    with pytest.raises(PermissionDenied):
        actions.deputy_update(actor=actor, deputy=people.wang, contact={"mobile": "13900001111"})
    actions.deputy_update(actor=actor, deputy=people.wang, changes={"sector": "农业"})
    assert DeputyContact.objects.get(deputy=people.wang).mobile == "13812345678"


def test_deputy_update_public_and_contact(tree, people, users, audits):
    with audits.one("deputy.update"):
        actions.deputy_update(
            actor=users.inscope,
            deputy=people.wang,
            changes={"sector": "科技", "region": tree.liuan},
            contact={"mobile": "13900001111", "email": "wangjg@example.cn", "address": ""},
        )
    people.wang.refresh_from_db()
    assert people.wang.sector == "科技"
    assert people.wang.region == tree.liuan
    assert people.wang.contact.mobile == "13900001111"
    assert audits.entry.before == {"region": tree.street.pk, "sector": "教育"}
    assert audits.entry.after == {
        "region": tree.liuan.pk,
        "sector": "科技",
        "contact_changed": ["mobile", "address"],
    }
    assert "13900001111" not in json.dumps(audits.entry.after)


def test_deputy_update_refuses_unknown_fields_and_out_of_scope(people, users, tree):
    with pytest.raises(ValueError):
        actions.deputy_update(actor=users.inscope, deputy=people.wang, changes={"status": "x"})
    with pytest.raises(PermissionDenied):
        actions.deputy_update(actor=users.outscope, deputy=people.wang, changes={"name": "x"})
    # Leaders see deputies but change nothing, contact least of all.
    with pytest.raises(PermissionDenied):
        actions.deputy_update(
            actor=users.leader, deputy=people.wang, contact={"mobile": "13900001111"}
        )
    # Moving a deputy out of the congress region is refused.
    with pytest.raises(ValidationError):
        actions.deputy_update(
            actor=UserFactory(is_superuser=True),
            deputy=people.wang,
            changes={"region": tree.donghu},
        )


def test_deputy_end_term(people, users, audits):
    with audits.one("deputy.end_term"):
        actions.deputy_end_term(actor=users.inscope, deputy=people.wang, note="调离本市")
    people.wang.refresh_from_db()
    assert people.wang.status == DeputyStatus.ENDED
    with pytest.raises(ValidationError):
        actions.deputy_end_term(actor=users.inscope, deputy=people.wang)
    with pytest.raises(PermissionDenied):
        actions.deputy_end_term(actor=users.inscope, deputy=people.far)


def test_deputy_link_user_grants_deputy_role(tree, people, users, audits):
    account = UserFactory()
    with audits.one("deputy.link_user"):
        grant = actions.deputy_link_user(actor=users.inscope, deputy=people.wang, user=account)
    assert grant.role == Role.DEPUTY and grant.region == tree.street
    people.wang.refresh_from_db()
    assert people.wang.user == account
    assert has_perm(account, "people.view_deputy", people.wang)
    other = Deputy.objects.create(
        term=people.term,
        level=2,
        region=tree.street,
        name="另一位",
        gender="M",
        deputy_number="LZ0002",
    )
    with pytest.raises(ValidationError) as exc:
        actions.deputy_link_user(actor=users.inscope, deputy=other, user=account)
    assert "已关联代表" in exc.value.message_dict["user"][0]


# --- groups --------------------------------------------------------------------------------


def test_group_create_update_and_members(tree, people, users, audits):
    with audits.one("deputy_group.create"):
        group = actions.deputy_group_create(
            actor=users.inscope, region=tree.binjiang, name="滨江区小组", kind=GroupKind.REGIONAL
        )
    with audits.one("deputy_group.update"):
        actions.deputy_group_update(
            actor=users.inscope, group=group, name="滨江片区小组", kind=GroupKind.MIXED
        )
    with audits.one("deputy_group.member_add"):
        actions.deputy_group_member_add(
            actor=users.inscope, group=group, deputy=people.wang, is_leader=True
        )
    assert DeputyGroupMembership.objects.get(group=group, deputy=people.wang).is_leader
    with audits.one("deputy_group.member_remove"):
        actions.deputy_group_member_remove(actor=users.inscope, group=group, deputy=people.wang)
    assert not DeputyGroupMembership.objects.filter(group=group).exists()
    with pytest.raises(ValidationError):
        actions.deputy_group_member_remove(actor=users.inscope, group=group, deputy=people.wang)
    with pytest.raises(ValidationError) as exc:
        actions.deputy_group_create(
            actor=users.inscope, region=tree.binjiang, name="滨江片区小组", kind="regional"
        )
    assert exc.value.message_dict["name"] == ["滨江区已有同名代表小组"]


def test_group_member_add_needs_sight_of_the_deputy(people, users):
    with pytest.raises(PermissionDenied):
        actions.deputy_group_member_add(actor=users.inscope, group=people.group, deputy=people.far)
    with pytest.raises(PermissionDenied):
        actions.deputy_group_member_add(actor=users.outscope, group=people.group, deputy=people.far)


# --- units ---------------------------------------------------------------------------------


def test_unit_create_update_deactivate(tree, people, users, audits):
    with audits.one("unit.create"):
        unit = actions.unit_create(
            actor=users.inscope,
            region=tree.binjiang,
            name="滨江区水务局",
            kind=UnitKind.GOVERNMENT,
            parent=people.unit,
        )
    assert unit.parent == people.unit
    with audits.one("unit.update"):
        actions.unit_update(actor=users.inscope, unit=unit, changes={"short_name": "区水务局"})
    assert audits.entry.after == {"short_name": "区水务局"}
    with audits.one("unit.deactivate"):
        actions.unit_deactivate(actor=users.inscope, unit=unit)
    unit.refresh_from_db()
    assert not unit.is_active
    with pytest.raises(ValidationError):
        actions.unit_deactivate(actor=users.inscope, unit=unit)


def test_unit_validation(tree, people, users):
    before = no_audit()
    with pytest.raises(ValidationError) as exc:
        actions.unit_create(
            actor=users.inscope, region=tree.city, name="澜州市住房和城乡建设局", kind="government"
        )
    assert "已有同名单位" in exc.value.message_dict["name"][0]
    # A parent below the unit's own region is refused.
    with pytest.raises(ValidationError) as exc:
        actions.unit_create(
            actor=users.inscope,
            region=tree.city,
            name="新单位",
            kind="government",
            parent=people.sub,
        )
    assert exc.value.message_dict["parent"] == ["上级单位须属于本级或上级区域"]
    # A unit cannot become its own descendant's child.
    with pytest.raises(ValidationError) as exc:
        actions.unit_update(actor=users.inscope, unit=people.unit, changes={"parent": people.sub})
    assert exc.value.message_dict["parent"]
    with pytest.raises(PermissionDenied):
        actions.unit_create(actor=users.outscope, region=tree.city, name="X", kind="government")
    assert no_audit() == before


def test_unit_staff_grant_and_revoke(tree, people, users, audits):
    staff = UserFactory()
    with audits.one("unit.staff_grant"):
        grant = actions.unit_staff_grant(actor=users.inscope, unit=people.sub, user=staff)
    assert (grant.role, grant.unit, grant.region) == (Role.UNIT_STAFF, people.sub, tree.binjiang)
    assert has_perm(staff, "people.view_unit", people.sub)
    assert not has_perm(staff, "people.view_unit", people.unit)
    with pytest.raises(ValidationError):
        actions.unit_staff_grant(actor=users.inscope, unit=people.sub, user=staff)
    with pytest.raises(PermissionDenied):
        actions.unit_staff_grant(actor=users.outscope, unit=people.sub, user=UserFactory())
    with audits.one("unit.staff_revoke"):
        actions.unit_staff_revoke(actor=users.inscope, grant=grant)
    assert RoleGrant.objects.get(pk=grant.pk).revoked_at is not None


# --- congresses and terms ------------------------------------------------------------------


def test_congress_and_term_actions(tree, users, audits):
    with audits.one("congress.create"):
        congress = actions.congress_create(actor=users.inscope, region=tree.binjiang)
    assert congress.name == "滨江区人民代表大会" and congress.level == 3
    with pytest.raises(ValidationError):
        actions.congress_create(actor=users.inscope, region=tree.street)  # streets have none
    with audits.one("congress.rename"):
        actions.congress_rename(actor=users.inscope, congress=congress, name="滨江区人大")
    with audits.one("term.create"):
        first = actions.term_create(
            actor=users.inscope, congress=congress, number=1, start_date=dt.date(2021, 1, 1)
        )
    with audits.one("term.create"):
        second = actions.term_create(
            actor=users.inscope, congress=congress, number=2, start_date=dt.date(2026, 1, 1)
        )
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    with audits.one("term.update"):
        actions.term_update(
            actor=users.inscope, term=first, changes={"end_date": dt.date(2025, 12, 31)}
        )
    with pytest.raises(ValidationError):
        actions.term_update(actor=users.inscope, term=first, changes={"number": 2})
    with pytest.raises(PermissionDenied):
        actions.congress_create(actor=users.outscope, region=tree.yunxi)
    assert Congress.objects.filter(region=tree.binjiang).count() == 1
    assert Term.objects.filter(congress=congress).count() == 2


def test_models_untouched_by_failed_actions(people, users):
    counts = (Deputy.objects.count(), DeputyContact.objects.count(), HandlingUnit.objects.count())
    with pytest.raises(ValidationError):
        actions.deputy_update(actor=users.inscope, deputy=people.wang, contact={"mobile": "12345"})
    assert DeputyContact.objects.get(deputy=people.wang).mobile == "13812345678"
    assert counts == (
        Deputy.objects.count(),
        DeputyContact.objects.count(),
        HandlingUnit.objects.count(),
    )
