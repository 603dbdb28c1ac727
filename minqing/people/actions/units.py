"""Handling units (承办单位): creating, editing, deactivating, and their staff."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minqing.accounts.actions import create_grant, end_grant
from minqing.accounts.models import Role, RoleGrant, User
from minqing.core import audit
from minqing.core.changes import apply_changes, check_editable, stripped
from minqing.core.models import Region
from minqing.core.permissions import has_perm, require
from minqing.people.actions._checks import clean_fields, refuse_taken
from minqing.people.models import HandlingUnit, UnitKind
from minqing.people.selectors import MANAGE_UNIT

UNIT_FIELDS = ["name", "short_name", "kind", "region", "parent", "phone", "address", "is_active"]
# is_active changes only through unit_deactivate.
UNIT_EDITABLE = set(UNIT_FIELDS) - {"is_active"}


def _check_unit(unit: HandlingUnit, *, actor: User) -> None:
    if not unit.name:
        raise ValidationError({"name": _("请填写单位名称")})
    if unit.kind not in UnitKind.values:
        raise ValidationError({"kind": _("请选择单位类别")})
    clean_fields(unit, exclude=["region", "parent"])
    if unit.parent_id is not None:
        parent = unit.parent
        if unit.pk is not None and parent.pk == unit.pk:
            raise ValidationError({"parent": _("上级单位不能是本单位")})
        if not unit.region.path.startswith(parent.region.path):
            raise ValidationError({"parent": _("上级单位须属于本级或上级区域")})
        if not has_perm(actor, "people.view_unit", parent):
            raise ValidationError({"parent": _("找不到该上级单位")})
        # Walk up from the parent: reaching this unit would make a loop.
        seen: set[int] = set()
        node = parent
        while node is not None and unit.pk is not None:
            if node.pk == unit.pk:
                raise ValidationError({"parent": _("上级单位不能是本单位的下级单位")})
            if node.pk in seen:
                break
            seen.add(node.pk)
            node = node.parent
    refuse_taken(
        HandlingUnit.objects.filter(region=unit.region, name=unit.name),
        exclude_pk=unit.pk,
        field="name",
        message=_("%(region)s已有同名单位“%(name)s”")
        % {"region": unit.region.name, "name": unit.name},
    )


@transaction.atomic(durable=True)
def unit_create(
    *,
    actor: User,
    region: Region,
    name: str,
    kind: str,
    short_name: str = "",
    parent: HandlingUnit | None = None,
    phone: str = "",
    address: str = "",
) -> HandlingUnit:
    """Create a handling unit (承办单位) in ``region``, optionally under ``parent`` (a unit
    the actor can see, in ``region`` or an ancestor).

    Who: ``people.manage_unit`` on ``region``. Names are unique within a region.
    Side effects: one audit entry ``unit.create``.
    """
    require(actor, MANAGE_UNIT, region)
    unit = HandlingUnit(
        region=region,
        name=stripped(name),
        kind=kind,
        short_name=stripped(short_name),
        parent=parent,
        phone=stripped(phone),
        address=stripped(address),
    )
    _check_unit(unit, actor=actor)
    unit.save()
    audit.record(actor=actor, verb="unit.create", obj=unit, after=audit.snapshot(unit, UNIT_FIELDS))
    return unit


@transaction.atomic(durable=True)
def unit_update(*, actor: User, unit: HandlingUnit, changes: Mapping[str, Any]) -> HandlingUnit:
    """Change a unit's name, short name, kind, region, parent, phone or address.

    Who: ``people.manage_unit`` on the unit (and on the new region when it moves).
    Side effects: one audit entry ``unit.update`` with the changed fields.
    """
    require(actor, MANAGE_UNIT, unit)
    check_editable(changes, UNIT_EDITABLE)
    unit = (
        HandlingUnit.objects.select_for_update(of=("self",))
        .select_related("region", "parent")
        .get(pk=unit.pk)
    )
    before = audit.snapshot(unit, UNIT_FIELDS)
    apply_changes(unit, changes)
    if "region" in changes and changes["region"].pk != before["region"]:
        require(actor, MANAGE_UNIT, changes["region"])
    _check_unit(unit, actor=actor)
    unit.save()
    before, after = audit.changed(before, audit.snapshot(unit, UNIT_FIELDS))
    audit.record(actor=actor, verb="unit.update", obj=unit, before=before, after=after)
    return unit


@transaction.atomic(durable=True)
def unit_deactivate(*, actor: User, unit: HandlingUnit, note: str = "") -> HandlingUnit:
    """Mark a unit no longer active (merged or dissolved); its history stays.

    Who: ``people.manage_unit`` on the unit. Only an active unit. Its staff grants are
    kept so its people can still read past work. Side effects: one audit entry
    ``unit.deactivate``.
    """
    require(actor, MANAGE_UNIT, unit)
    unit = HandlingUnit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_active:
        raise ValidationError({"is_active": _("该单位已经停用")})
    unit.is_active = False
    unit.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        verb="unit.deactivate",
        obj=unit,
        before={"is_active": True},
        after={"is_active": False},
        note=note,
    )
    return unit


@transaction.atomic(durable=True)
def unit_staff_grant(*, actor: User, unit: HandlingUnit, user: User) -> RoleGrant:
    """Grant ``user`` the unit-staff role on ``unit`` (region = the unit's region).

    Who: ``people.manage_unit`` on the unit. The unit must be active, the account active
    and not already staff of this unit. Side effects: a RoleGrant; one audit entry
    ``unit.staff_grant``.
    """
    require(actor, MANAGE_UNIT, unit)
    if not unit.is_active:
        raise ValidationError({"unit": _("该单位已停用")})
    grant = create_grant(
        actor=actor,
        user=user,
        role=Role.UNIT_STAFF,
        region=unit.region,
        unit=unit,
        duplicate_message=_("该账号已是本单位工作人员"),
    )
    audit.record(
        actor=actor,
        verb="unit.staff_grant",
        obj=unit,
        after={"user": user.pk, "grant": grant.pk},
    )
    return grant


@transaction.atomic(durable=True)
def unit_staff_revoke(*, actor: User, grant: RoleGrant) -> RoleGrant:
    """Revoke an active unit-staff grant. Who: ``people.manage_unit`` on its unit.
    Side effects: sets ``revoked_at``; one audit entry ``unit.staff_revoke``."""
    if grant.unit_id is None or grant.role != Role.UNIT_STAFF:
        raise ValidationError({"grant": _("这不是承办单位工作人员授权")})
    require(actor, MANAGE_UNIT, grant.unit)
    grant = end_grant(grant)
    audit.record(
        actor=actor,
        verb="unit.staff_revoke",
        obj=grant.unit,
        before={"user": grant.user_id, "grant": grant.pk},
    )
    return grant
