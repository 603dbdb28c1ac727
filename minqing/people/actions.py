"""Writes of people data: deputies, deputy groups, handling units and their staff,
congresses and terms, and the roster / unit-list imports.

Each action checks its own permission (``core.permissions.require``), validates (raising
``ValidationError`` with Chinese messages keyed by field), writes, and records exactly
one audit entry, so pages, the API, the admin and commands behave the same. Private
contact values never go into the audit log: only which contact fields changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from minqing.accounts.actions import create_grant, end_grant
from minqing.accounts.models import Role, RoleGrant, User
from minqing.core import audit
from minqing.core.importing import ImportReport, parse_mobile, parse_rows, read_table
from minqing.core.models import Region, RegionLevel
from minqing.core.permissions import clear_cache, has_perm, require
from minqing.people import imports
from minqing.people.models import (
    Congress,
    Deputy,
    DeputyContact,
    DeputyGroup,
    DeputyGroupMembership,
    DeputyStatus,
    Gender,
    GroupKind,
    HandlingUnit,
    Term,
    UnitKind,
)
from minqing.people.selectors import MANAGE_DEPUTY, MANAGE_UNIT, VIEW_CONTACT, VIEW_DEPUTY

DEPUTY_FIELDS = [
    "term",
    "level",
    "region",
    "name",
    "gender",
    "ethnicity",
    "birth_year",
    "party",
    "occupation",
    "sector",
    "deputy_number",
    "constituency",
    "bio",
    "status",
    "user",
]
# Fields deputy_update may change; term and level are fixed (a new term is a new record).
DEPUTY_EDITABLE = {
    "region",
    "name",
    "gender",
    "ethnicity",
    "birth_year",
    "party",
    "occupation",
    "sector",
    "deputy_number",
    "constituency",
    "bio",
}
CONTACT_FIELDS = ("mobile", "email", "address")
GROUP_FIELDS = ["name", "kind", "region", "description"]
UNIT_FIELDS = ["name", "short_name", "kind", "region", "parent", "phone", "address", "is_active"]
UNIT_EDITABLE = {"name", "short_name", "kind", "region", "parent", "phone", "address"}
TERM_FIELDS = ["congress", "number", "start_date", "end_date", "is_current"]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _full_clean(obj, exclude: list[str] | None = None) -> None:
    """Field checks (lengths, choices, blanks) without Django's English-ish unique
    messages: uniqueness is checked by the actions with their own Chinese messages."""
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


# --- deputies ------------------------------------------------------------------------------


def _check_deputy(deputy: Deputy, *, exclude_pk: int | None = None) -> None:
    congress = deputy.term.congress
    if not deputy.region.path.startswith(congress.region.path):
        raise ValidationError(
            {"region": _("选区所在区域须在%(congress)s的行政区域内") % {"congress": congress.name}}
        )
    if deputy.gender not in Gender.values:
        raise ValidationError({"gender": _("性别只能是男或女")})
    if not deputy.name:
        raise ValidationError({"name": _("请填写姓名")})
    if not deputy.deputy_number:
        raise ValidationError({"deputy_number": _("请填写代表证号")})
    _full_clean(deputy, exclude=["user", "term", "region"])
    taken = Deputy.objects.filter(term=deputy.term, deputy_number=deputy.deputy_number)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            {
                "deputy_number": _("代表证号“%(number)s”在本届中已存在")
                % {"number": deputy.deputy_number}
            }
        )


def _clean_contact(contact: Mapping[str, str]) -> dict[str, str]:
    unknown = set(contact) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"unknown contact fields {sorted(unknown)}")
    data = {key: (contact.get(key) or "").strip() for key in CONTACT_FIELDS}
    if data["mobile"]:
        try:
            data["mobile"] = parse_mobile(data["mobile"])
        except ValidationError as exc:
            raise ValidationError({"mobile": exc.messages}) from None
    if data["email"]:
        try:
            validate_email(data["email"])
        except ValidationError:
            raise ValidationError({"email": _("电子邮箱格式不正确")}) from None
    if len(data["address"]) > 200:
        raise ValidationError({"address": _("通讯地址不能超过 200 个字")})
    return data


@transaction.atomic(durable=True)
def deputy_create(
    *,
    actor: User,
    term: Term,
    region: Region,
    name: str,
    gender: str,
    deputy_number: str,
    ethnicity: str = "汉族",
    birth_year: int | None = None,
    party: str = "",
    occupation: str = "",
    sector: str = "",
    constituency: str = "",
    bio: str = "",
    contact: Mapping[str, str] | None = None,
) -> Deputy:
    """Add a deputy to ``term``, elected in ``region`` (within the term's congress region).

    Who: holders of ``people.manage_deputy`` on the term's congress region (the
    congress's own staff or above) and on ``region``; a non-empty ``contact``
    (mobile/email/address) also needs ``people.view_deputy_contact`` there.
    Raises ValidationError for a region outside the congress, a deputy number taken in
    the term, or bad field values. Side effects: one audit entry ``deputy.create``
    (contact values are not logged).
    """
    require(actor, MANAGE_DEPUTY, term)
    require(actor, MANAGE_DEPUTY, region)
    contact_data = _clean_contact(contact or {})
    has_contact = any(contact_data.values())
    if has_contact:
        require(actor, VIEW_CONTACT, region)
    deputy = Deputy(
        term=term,
        level=term.congress.level,
        region=region,
        name=_strip(name),
        gender=gender,
        deputy_number=_strip(deputy_number),
        ethnicity=_strip(ethnicity) or "汉族",
        birth_year=birth_year,
        party=_strip(party),
        occupation=_strip(occupation),
        sector=_strip(sector),
        constituency=_strip(constituency),
        bio=_strip(bio),
    )
    _check_deputy(deputy)
    deputy.save()
    if has_contact:
        DeputyContact.objects.create(deputy=deputy, **contact_data)
    audit.record(
        actor=actor,
        verb="deputy.create",
        obj=deputy,
        after={
            **audit.snapshot(deputy, DEPUTY_FIELDS),
            "contact": sorted(k for k, v in contact_data.items() if v),
        },
    )
    return deputy


@transaction.atomic(durable=True)
def deputy_update(
    *,
    actor: User,
    deputy: Deputy,
    changes: Mapping[str, Any] | None = None,
    contact: Mapping[str, str] | None = None,
) -> Deputy:
    """Change a deputy's public profile (``changes``: any of DEPUTY_EDITABLE) and/or
    private contact (``contact``: mobile, email, address; None leaves it untouched).

    Who: ``people.manage_deputy`` on the deputy (and on the new region when it moves);
    contact changes also need ``people.view_deputy_contact`` on the deputy. Any status.
    Side effects: one audit entry ``deputy.update`` with the public before/after and
    only the names of changed contact fields.
    """
    require(actor, MANAGE_DEPUTY, deputy)
    changes = dict(changes or {})
    unknown = set(changes) - DEPUTY_EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    deputy = (
        Deputy.objects.select_for_update(of=("self",))
        .select_related("term__congress__region")
        .get(pk=deputy.pk)
    )
    before = audit.snapshot(deputy, DEPUTY_FIELDS)
    for key, value in changes.items():
        setattr(deputy, key, _strip(value))
    if "region" in changes and changes["region"].pk != before["region"]:
        require(actor, MANAGE_DEPUTY, changes["region"])
    if not deputy.ethnicity:
        deputy.ethnicity = "汉族"
    _check_deputy(deputy, exclude_pk=deputy.pk)
    deputy.save()
    after = audit.snapshot(deputy, DEPUTY_FIELDS)
    changed_contact: list[str] = []
    if contact is not None:
        require(actor, VIEW_CONTACT, deputy)
        data = _clean_contact(contact)
        current = DeputyContact.objects.filter(deputy=deputy).first()
        old = {key: getattr(current, key) if current else "" for key in CONTACT_FIELDS}
        changed_contact = [key for key in CONTACT_FIELDS if old[key] != data[key]]
        if changed_contact:
            DeputyContact.objects.update_or_create(deputy=deputy, defaults=data)
    audit.record(
        actor=actor,
        verb="deputy.update",
        obj=deputy,
        before={k: v for k, v in before.items() if after[k] != v},
        after={
            **{k: v for k, v in after.items() if before[k] != v},
            **({"contact_changed": changed_contact} if changed_contact else {}),
        },
    )
    return deputy


@transaction.atomic(durable=True)
def deputy_end_term(*, actor: User, deputy: Deputy, note: str = "") -> Deputy:
    """End a deputy's mandate (代表资格终止): status active → ended.

    Who: ``people.manage_deputy`` on the deputy. Only from ``active``. The deputy's
    login account and role grants are left alone (they may sit at another level too).
    Side effects: one audit entry ``deputy.end_term``.
    """
    require(actor, MANAGE_DEPUTY, deputy)
    deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
    if deputy.status != DeputyStatus.ACTIVE:
        raise ValidationError({"status": _("该代表的代表资格已经终止")})
    deputy.status = DeputyStatus.ENDED
    deputy.save(update_fields=["status"])
    audit.record(
        actor=actor,
        verb="deputy.end_term",
        obj=deputy,
        before={"status": DeputyStatus.ACTIVE},
        after={"status": DeputyStatus.ENDED},
        note=note,
    )
    return deputy


@transaction.atomic(durable=True)
def deputy_link_user(*, actor: User, deputy: Deputy, user: User) -> RoleGrant:
    """Link a deputy to a login account and grant that account the deputy role on the
    deputy's region (reusing an active one if it exists).

    Who: ``people.manage_deputy`` on the deputy. The account must be active and not
    linked to another deputy; a deputy already linked to another account is relinked.
    Side effects: sets ``deputy.user``; creates a RoleGrant; one audit entry
    ``deputy.link_user``.
    """
    require(actor, MANAGE_DEPUTY, deputy)
    deputy = (
        Deputy.objects.select_for_update(of=("self",)).select_related("region").get(pk=deputy.pk)
    )
    if not user.is_active:
        raise ValidationError({"user": _("该账号已停用")})
    other = Deputy.objects.filter(user=user).exclude(pk=deputy.pk).first()
    if other is not None:
        raise ValidationError({"user": _("该账号已关联代表“%(name)s”") % {"name": other.name}})
    before = {"user": deputy.user_id}
    deputy.user = user
    deputy.save(update_fields=["user"])
    grant = (
        RoleGrant.objects.active()
        .filter(user=user, role=Role.DEPUTY, region=deputy.region, unit=None, station=None)
        .first()
    )
    if grant is None:
        grant = RoleGrant.objects.create(
            user=user, role=Role.DEPUTY, region=deputy.region, granted_by=actor
        )
    clear_cache(user)
    audit.record(
        actor=actor,
        verb="deputy.link_user",
        obj=deputy,
        before=before,
        after={"user": user.pk, "grant": grant.pk},
    )
    return grant


# --- deputy groups -------------------------------------------------------------------------


def _check_group(group: DeputyGroup, *, exclude_pk: int | None = None) -> None:
    if not group.name:
        raise ValidationError({"name": _("请填写名称")})
    if group.kind not in GroupKind.values:
        raise ValidationError({"kind": _("请选择小组类型")})
    _full_clean(group, exclude=["region"])
    same = DeputyGroup.objects.filter(region=group.region, name=group.name)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError(
            {"name": _("%(region)s已有同名代表小组") % {"region": group.region.name}}
        )


@transaction.atomic(durable=True)
def deputy_group_create(
    *, actor: User, region: Region, name: str, kind: str, description: str = ""
) -> DeputyGroup:
    """Create a deputy group (代表小组) in ``region``: regional, industry or mixed-level.

    Who: ``people.manage_deputy`` on ``region``. Names are unique within a region.
    Side effects: one audit entry ``deputy_group.create``.
    """
    require(actor, MANAGE_DEPUTY, region)
    group = DeputyGroup(
        region=region, name=_strip(name), kind=kind, description=_strip(description)
    )
    _check_group(group)
    group.save()
    audit.record(
        actor=actor,
        verb="deputy_group.create",
        obj=group,
        after=audit.snapshot(group, GROUP_FIELDS),
    )
    return group


@transaction.atomic(durable=True)
def deputy_group_update(
    *, actor: User, group: DeputyGroup, name: str, kind: str, description: str = ""
) -> DeputyGroup:
    """Rename a deputy group or change its kind or description (not its region).

    Who: ``people.manage_deputy`` on the group. Side effects: one audit entry
    ``deputy_group.update``.
    """
    require(actor, MANAGE_DEPUTY, group)
    group = (
        DeputyGroup.objects.select_for_update(of=("self",))
        .select_related("region")
        .get(pk=group.pk)
    )
    before = audit.snapshot(group, GROUP_FIELDS)
    group.name, group.kind, group.description = _strip(name), kind, _strip(description)
    _check_group(group, exclude_pk=group.pk)
    group.save()
    audit.record(
        actor=actor,
        verb="deputy_group.update",
        obj=group,
        before=before,
        after=audit.snapshot(group, GROUP_FIELDS),
    )
    return group


@transaction.atomic(durable=True)
def deputy_group_member_add(
    *, actor: User, group: DeputyGroup, deputy: Deputy, is_leader: bool = False
) -> DeputyGroupMembership:
    """Add a deputy to a group (or change their leader flag if already a member).

    Who: ``people.manage_deputy`` on the group and ``people.view_deputy`` on the deputy
    (mixed groups take deputies of any level the actor can see). Only active deputies
    join. Side effects: one audit entry ``deputy_group.member_add``.
    """
    require(actor, MANAGE_DEPUTY, group)
    require(actor, VIEW_DEPUTY, deputy)
    if deputy.status != DeputyStatus.ACTIVE:
        raise ValidationError({"deputy": _("代表资格已终止的代表不能加入小组")})
    membership, created = DeputyGroupMembership.objects.update_or_create(
        group=group, deputy=deputy, defaults={"is_leader": is_leader}
    )
    audit.record(
        actor=actor,
        verb="deputy_group.member_add",
        obj=group,
        after={"deputy": deputy.pk, "is_leader": is_leader, "new": created},
    )
    return membership


@transaction.atomic(durable=True)
def deputy_group_member_remove(*, actor: User, group: DeputyGroup, deputy: Deputy) -> None:
    """Remove a deputy from a group. Who: ``people.manage_deputy`` on the group.
    Raises ValidationError when the deputy is not a member. Side effects: one audit
    entry ``deputy_group.member_remove``."""
    require(actor, MANAGE_DEPUTY, group)
    deleted, _rows = DeputyGroupMembership.objects.filter(group=group, deputy=deputy).delete()
    if not deleted:
        raise ValidationError({"deputy": _("该代表不是本小组成员")})
    audit.record(
        actor=actor,
        verb="deputy_group.member_remove",
        obj=group,
        before={"deputy": deputy.pk},
    )


# --- handling units ------------------------------------------------------------------------


def _check_unit(unit: HandlingUnit, *, actor: User) -> None:
    if not unit.name:
        raise ValidationError({"name": _("请填写单位名称")})
    if unit.kind not in UnitKind.values:
        raise ValidationError({"kind": _("请选择单位类别")})
    _full_clean(unit, exclude=["region", "parent"])
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
    same = HandlingUnit.objects.filter(region=unit.region, name=unit.name)
    if unit.pk is not None:
        same = same.exclude(pk=unit.pk)
    if same.exists():
        raise ValidationError(
            {
                "name": _("%(region)s已有同名单位“%(name)s”")
                % {"region": unit.region.name, "name": unit.name}
            }
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
        name=_strip(name),
        kind=kind,
        short_name=_strip(short_name),
        parent=parent,
        phone=_strip(phone),
        address=_strip(address),
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
    unknown = set(changes) - UNIT_EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    unit = (
        HandlingUnit.objects.select_for_update(of=("self",))
        .select_related("region", "parent")
        .get(pk=unit.pk)
    )
    before = audit.snapshot(unit, UNIT_FIELDS)
    for key, value in changes.items():
        setattr(unit, key, _strip(value))
    if "region" in changes and changes["region"].pk != before["region"]:
        require(actor, MANAGE_UNIT, changes["region"])
    _check_unit(unit, actor=actor)
    unit.save()
    after = audit.snapshot(unit, UNIT_FIELDS)
    audit.record(
        actor=actor,
        verb="unit.update",
        obj=unit,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
    )
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


# --- congresses and terms (reference data, edited in the admin) ----------------------------


def check_congress_region(region: Region) -> None:
    """Raise ValidationError unless ``region`` may have a congress and has none yet."""
    if region.level > RegionLevel.TOWNSHIP or region.kind == "街道":
        raise ValidationError({"region": _("只有乡镇级及以上行政区域设立人民代表大会")})
    if Congress.objects.filter(region=region).exists():
        raise ValidationError(
            {"region": _("%(region)s的人民代表大会已存在") % {"region": region.name}}
        )


@transaction.atomic(durable=True)
def congress_create(*, actor: User, region: Region, name: str = "") -> Congress:
    """Register the people's congress of ``region`` (province down to township; streets
    and villages have none). Who: ``people.manage_deputy`` on ``region``. Side effects:
    one audit entry ``congress.create``."""
    require(actor, MANAGE_DEPUTY, region)
    check_congress_region(region)
    congress = Congress.objects.create(
        region=region, name=_strip(name) or f"{region.name}人民代表大会", level=region.level
    )
    audit.record(
        actor=actor,
        verb="congress.create",
        obj=congress,
        after=audit.snapshot(congress, ["region", "name", "level"]),
    )
    return congress


@transaction.atomic(durable=True)
def congress_rename(*, actor: User, congress: Congress, name: str) -> Congress:
    """Rename a congress (its region and level are fixed). Who: ``people.manage_deputy``
    on the congress. Side effects: one audit entry ``congress.rename``."""
    require(actor, MANAGE_DEPUTY, congress)
    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    name = _strip(name)
    if not name:
        raise ValidationError({"name": _("请填写名称")})
    before = {"name": congress.name}
    congress.name = name
    congress.save(update_fields=["name"])
    audit.record(
        actor=actor, verb="congress.rename", obj=congress, before=before, after={"name": name}
    )
    return congress


def check_term(term: Term, *, exclude_pk: int | None = None) -> None:
    """Raise ValidationError for an end before the start or a number taken in the congress."""
    if term.end_date and term.end_date < term.start_date:
        raise ValidationError({"end_date": _("结束日期不能早于开始日期")})
    same = Term.objects.filter(congress=term.congress, number=term.number)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError(
            {
                "number": _("%(congress)s第%(number)s届已存在")
                % {"congress": term.congress.name, "number": term.number}
            }
        )


@transaction.atomic(durable=True)
def term_create(
    *,
    actor: User,
    congress: Congress,
    number: int,
    start_date: dt.date,
    end_date: dt.date | None = None,
    is_current: bool = True,
) -> Term:
    """Open a term (届) of ``congress``. A current term makes the congress's other terms
    not current. Who: ``people.manage_deputy`` on the congress. Side effects: one audit
    entry ``term.create``."""
    require(actor, MANAGE_DEPUTY, congress)
    term = Term(
        congress=congress,
        number=number,
        start_date=start_date,
        end_date=end_date,
        is_current=is_current,
    )
    check_term(term)
    if is_current:
        Term.objects.filter(congress=congress, is_current=True).update(is_current=False)
    term.save()
    audit.record(
        actor=actor,
        verb="term.create",
        obj=term,
        region=congress.region,
        after=audit.snapshot(term, TERM_FIELDS),
    )
    return term


@transaction.atomic(durable=True)
def term_update(*, actor: User, term: Term, changes: Mapping[str, Any]) -> Term:
    """Change a term's number, dates or current flag. Who: ``people.manage_deputy`` on
    the term's congress. Side effects: one audit entry ``term.update``."""
    require(actor, MANAGE_DEPUTY, term)
    unknown = set(changes) - {"number", "start_date", "end_date", "is_current"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    term = (
        Term.objects.select_for_update(of=("self",))
        .select_related("congress__region")
        .get(pk=term.pk)
    )
    before = audit.snapshot(term, TERM_FIELDS)
    for key, value in changes.items():
        setattr(term, key, value)
    check_term(term, exclude_pk=term.pk)
    if term.is_current and not before["is_current"]:
        Term.objects.filter(congress=term.congress, is_current=True).update(is_current=False)
    term.save()
    audit.record(
        actor=actor,
        verb="term.update",
        obj=term,
        region=term.congress.region,
        before=before,
        after=audit.snapshot(term, TERM_FIELDS),
    )
    return term


# --- imports -------------------------------------------------------------------------------


def deputy_roster_import(*, actor: User, term: Term, upload) -> ImportReport:
    """Import a deputy roster (.xlsx or .csv, columns in ``people.imports.DEPUTY_COLUMNS``)
    into ``term``: all rows or none.

    Who: ``people.manage_deputy`` on the term's congress region; each row's region must
    be inside the actor's scope and the congress region; contact columns need
    ``people.view_deputy_contact``. Every row is checked and every problem returned as
    ``report.errors`` (row, column, Chinese message); if there is any, nothing is
    written and no audit entry is made. Otherwise all deputies (and their contacts)
    are bulk-created in one transaction with one audit entry ``deputy.import``.
    The file is read and parsed before the transaction opens so a large upload does
    not hold the database write lock.
    """
    require(actor, MANAGE_DEPUTY, term)
    raw, errors = read_table(upload, imports.DEPUTY_COLUMNS)
    if errors:
        return ImportReport(errors=errors)
    cleaned, errors = parse_rows(raw, imports.DEPUTY_COLUMNS)
    with transaction.atomic(durable=True):
        plan, more = imports.check_deputy_rows(actor=actor, term=term, raw=raw, cleaned=cleaned)
        errors = sorted(errors + more, key=lambda e: (e.row, _column_order(e.column)))
        if errors:
            return ImportReport(errors=errors)
        created = Deputy.objects.bulk_create(plan.deputies, batch_size=500)
        contacts = [
            DeputyContact(deputy=deputy, **data)
            for deputy, data in zip(created, plan.contacts, strict=True)
            if data is not None
        ]
        DeputyContact.objects.bulk_create(contacts, batch_size=500)
        audit.record(
            actor=actor,
            verb="deputy.import",
            obj=term,
            region=term.congress.region,
            after={
                "created": len(created),
                "contacts": len(contacts),
                "term": term.pk,
                "file": str(getattr(upload, "name", ""))[:100],
            },
        )
    return ImportReport(created=len(created))


def unit_list_import(*, actor: User, region: Region, upload) -> ImportReport:
    """Import a list of handling units (columns in ``people.imports.UNIT_COLUMNS``) into
    ``region`` and its sub-regions: all rows or none.

    Who: ``people.manage_unit`` on ``region``. Parent units are named and resolved in
    the file first or among existing units the actor can see (same or ancestor region).
    Any error → ``report.errors`` with every problem, nothing written, no audit entry.
    Otherwise all units are bulk-created in one transaction with one audit entry
    ``unit.import``.
    """
    require(actor, MANAGE_UNIT, region)
    raw, errors = read_table(upload, imports.UNIT_COLUMNS)
    if errors:
        return ImportReport(errors=errors)
    cleaned, errors = parse_rows(raw, imports.UNIT_COLUMNS)
    with transaction.atomic(durable=True):
        plan, more = imports.check_unit_rows(actor=actor, region=region, raw=raw, cleaned=cleaned)
        errors = sorted(errors + more, key=lambda e: (e.row, _column_order(e.column)))
        if errors:
            return ImportReport(errors=errors)
        created = HandlingUnit.objects.bulk_create(plan.units, batch_size=500)
        children = []
        for child, parent in plan.file_parents.items():
            created[child].parent = created[parent]
            children.append(created[child])
        HandlingUnit.objects.bulk_update(children, ["parent"], batch_size=500)
        audit.record(
            actor=actor,
            verb="unit.import",
            region=region,
            after={
                "created": len(created),
                "region": region.pk,
                "file": str(getattr(upload, "name", ""))[:100],
            },
        )
    return ImportReport(created=len(created))


_ORDER = {c.header: i for i, c in enumerate(imports.DEPUTY_COLUMNS)} | {
    c.header: i for i, c in enumerate(imports.UNIT_COLUMNS)
}


def _column_order(header: str) -> int:
    return _ORDER.get(header, -1)
