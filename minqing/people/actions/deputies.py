"""Deputies (代表): adding, editing, ending a mandate, linking a login account."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from minqing.accounts.models import Role, RoleGrant, User
from minqing.core import audit
from minqing.core.changes import apply_changes, check_editable, stripped
from minqing.core.importing import parse_mobile
from minqing.core.models import Region
from minqing.core.permissions import clear_cache, require
from minqing.people.actions._checks import clean_fields, refuse_taken
from minqing.people.models import Deputy, DeputyContact, DeputyStatus, Gender, Term
from minqing.people.selectors import MANAGE_DEPUTY, VIEW_CONTACT

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
# Fields deputy_update may change; term and level are fixed (a new term is a new record),
# status and user change through deputy_end_term and deputy_link_user.
DEPUTY_EDITABLE = set(DEPUTY_FIELDS) - {"term", "level", "status", "user"}
CONTACT_FIELDS = ("mobile", "email", "address")


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
    clean_fields(deputy, exclude=["user", "term", "region"])
    refuse_taken(
        Deputy.objects.filter(term=deputy.term, deputy_number=deputy.deputy_number),
        exclude_pk=exclude_pk,
        field="deputy_number",
        message=_("代表证号“%(number)s”在本届中已存在") % {"number": deputy.deputy_number},
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
        name=stripped(name),
        gender=gender,
        deputy_number=stripped(deputy_number),
        ethnicity=stripped(ethnicity) or "汉族",
        birth_year=birth_year,
        party=stripped(party),
        occupation=stripped(occupation),
        sector=stripped(sector),
        constituency=stripped(constituency),
        bio=stripped(bio),
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
    check_editable(changes, DEPUTY_EDITABLE)
    deputy = (
        Deputy.objects.select_for_update(of=("self",))
        .select_related("term__congress__region")
        .get(pk=deputy.pk)
    )
    before = audit.snapshot(deputy, DEPUTY_FIELDS)
    apply_changes(deputy, changes)
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
    before, after = audit.changed(before, after)
    audit.record(
        actor=actor,
        verb="deputy.update",
        obj=deputy,
        before=before,
        after={**after, **({"contact_changed": changed_contact} if changed_contact else {})},
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
