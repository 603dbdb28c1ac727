"""Writes of accounts: role grants and API tokens. Each checks its own permission and
writes exactly one audit entry; neither grants nor tokens change anywhere else (the
Django admin shows them read-only)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.accounts.models import ApiToken, Role, RoleGrant, User, hash_token
from minqing.accounts.selectors import user_is_covered
from minqing.core import audit
from minqing.core.models import Region
from minqing.core.permissions import clear_cache, grants_for, has_perm, require
from minqing.core.selectors import common_ancestor

GRANT_FIELDS = ["user", "role", "region", "unit", "station", "granted_by", "revoked_at"]


def _check_target(role: str, region: Region, unit, station) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("角色无效")})
    if unit is not None and station is not None:
        raise ValidationError(_("一项授权只能限定到一个承办单位或一个联络站"))
    if unit is not None:
        if role != Role.UNIT_STAFF:
            raise ValidationError({"unit": _("只有承办单位工作人员可以限定到承办单位")})
        if unit.region_id != region.pk:
            raise ValidationError({"unit": _("承办单位不在所选区域")})
    elif role == Role.UNIT_STAFF:
        raise ValidationError({"unit": _("承办单位工作人员须指定所在承办单位")})
    if station is not None:
        if role != Role.STATION_STAFF:
            raise ValidationError({"station": _("只有联络站工作人员可以限定到联络站")})
        if station.region_id != region.pk:
            raise ValidationError({"station": _("联络站不在所选区域")})


def create_grant(
    *,
    actor,
    user: User,
    role: str,
    region: Region,
    unit=None,
    station=None,
    duplicate_message: str | None = None,
) -> RoleGrant:
    """Building block of every action that gives a role (``role_grant``,
    ``unit_staff_grant``, ``station_staff_grant``): validates the target, refuses
    inactive accounts and duplicates of an active grant, creates the grant and resets
    the user's permission cache. Not an action: the caller checks permission, holds
    the transaction and writes the audit entry."""
    _check_target(role, region, unit, station)
    if not user.is_active:
        raise ValidationError({"user": _("该账号已停用")})
    duplicate = (
        RoleGrant.objects.active()
        .filter(user=user, role=role, region=region, unit=unit, station=station)
        .exists()
    )
    if duplicate:
        raise ValidationError({"user": duplicate_message or _("该用户已有这一授权")})
    grant = RoleGrant.objects.create(
        user=user,
        role=role,
        region=region,
        unit=unit,
        station=station,
        granted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    clear_cache(user)
    return grant


def end_grant(grant: RoleGrant) -> RoleGrant:
    """Building block of every action that takes a role away: locks the grant, refuses
    one already revoked, stamps ``revoked_at`` and resets the permission cache. Returns
    the locked row (the caller's copy gets ``revoked_at`` too). Not an action: the
    caller checks permission and writes the audit entry."""
    locked = (
        RoleGrant.objects.select_for_update(of=("self",))
        .select_related("region", "user")
        .get(pk=grant.pk)
    )
    if locked.revoked_at is not None:
        raise ValidationError(_("该授权已撤销"))
    locked.revoked_at = grant.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    clear_cache(locked.user)
    if "user" in grant._state.fields_cache:  # the caller's copy of the user, if loaded
        clear_cache(grant.user)
    return locked


@transaction.atomic(durable=True)
def role_grant(
    *, actor, user: User, role: str, region: Region, unit=None, station=None
) -> RoleGrant:
    """Give ``user`` ``role`` on ``region`` (and its descendants), optionally narrowed to
    one handling unit (unit staff, required for them) or one station (station staff).

    Who: holders of ``accounts.manage_users`` on ``region``; nobody may grant outside
    their own subtrees (PermissionDenied). A unit's or station's grant is on its own
    region. Refuses a duplicate of an active grant (ValidationError in Chinese).
    Side effects: one audit entry ``role.grant``; the user's permission cache is reset.
    """
    require(actor, "accounts.manage_users", region)
    if user.is_superuser and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("您没有执行此操作的权限"))
    grant = create_grant(
        actor=actor, user=user, role=role, region=region, unit=unit, station=station
    )
    audit.record(
        actor=actor,
        verb="role.grant",
        obj=grant,
        region=region,
        after={**audit.snapshot(grant, GRANT_FIELDS), "username": user.get_username()},
    )
    return grant


@transaction.atomic(durable=True)
def role_revoke(*, actor, grant: RoleGrant) -> RoleGrant:
    """End an active grant (it stays on record with ``revoked_at``).

    Who: holders of ``accounts.manage_users`` on the grant's region. Raises
    ValidationError when already revoked.
    Side effects: one audit entry ``role.revoke``; the user's permission cache is reset.
    """
    require(actor, "accounts.manage_users", grant.region)
    before = {**audit.snapshot(grant, GRANT_FIELDS), "revoked_at": None}
    grant = end_grant(grant)
    audit.record(
        actor=actor,
        verb="role.revoke",
        obj=grant,
        region=grant.region,
        before=before,
        after={**audit.snapshot(grant, GRANT_FIELDS), "username": grant.user.get_username()},
    )
    return grant


def _token_region(actor, user: User) -> Region | None:
    """Where a token's audit entry belongs: the smallest region holding all of the
    user's grants, else the actor's (so the admins who manage it can see it)."""
    regions = [
        g.region for g in RoleGrant.objects.active().filter(user=user).select_related("region")
    ]
    if not regions:
        regions = [g.region for g in grants_for(actor, "accounts.manage_tokens")]
    return common_ancestor(regions)


def _token_after(token: ApiToken) -> dict:
    return {
        "user": token.user.get_username(),
        "name": token.name,
        "prefix": token.prefix,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


@transaction.atomic(durable=True)
def api_token_create(
    *, actor, user: User, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a bearer token that acts as ``user``; returns (token, raw_key). The raw
    key is returned only here: only its SHA-256 is stored.

    Who: holders of ``accounts.manage_tokens`` whose subtrees cover every active grant
    of ``user`` (a token impersonates its user), or any holder for themselves.
    Side effects: one audit entry ``api_token.create`` (never with the key).
    """
    require(actor, "accounts.manage_tokens")
    if user.pk != getattr(actor, "pk", None) and not user_is_covered(
        actor, user, "accounts.manage_tokens"
    ):
        raise PermissionDenied(_("该用户的权限超出您的管理范围，不能为其创建令牌"))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌名称")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("到期时间须晚于现在")})
    raw_key = secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name[:100],
        prefix=raw_key[:8],
        key_hash=hash_token(raw_key),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires_at=expires_at,
    )
    token.save()
    audit.record(
        actor=actor,
        verb="api_token.create",
        obj=token,
        region=_token_region(actor, user),
        after=_token_after(token),
    )
    return token, raw_key


@transaction.atomic(durable=True)
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token at once (requests with it answer 401 from then on).

    Who: the token's own user, or holders of ``accounts.manage_tokens`` who cover the
    token's user (as for creation). Raises ValidationError when already revoked.
    Side effects: one audit entry ``api_token.revoke``.
    """
    own = token.user_id == getattr(actor, "pk", None)
    if not own and not (
        has_perm(actor, "accounts.manage_tokens")
        and user_is_covered(actor, token.user, "accounts.manage_tokens")
    ):
        raise PermissionDenied(_("您没有执行此操作的权限"))
    token = ApiToken.objects.select_for_update(of=("self",)).select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(_("该令牌已撤销"))
    before = _token_after(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        verb="api_token.revoke",
        obj=token,
        region=_token_region(actor, token.user),
        before=before,
        after=_token_after(token),
    )
    return token
