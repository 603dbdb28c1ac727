"""Reads of accounts: users an admin manages, their role grants, API tokens.

Scope rules (see docs in each selector):

* a user is *visible* to an admin (``accounts.manage_users``) when one of the user's
  active grants lies in the admin's subtrees, or the user has no active grant yet (so a
  fresh account can be given its first role); superusers are visible to superusers only;
* a user is *covered* by an admin for ``perm`` when every active grant of the user lies
  in the admin's subtrees. Creating an API token acts as the user, so it needs cover:
  otherwise a county admin could mint a key for a provincial account and act as it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from minqing.accounts.models import ApiToken, RoleGrant, User
from minqing.core.permissions import has_perm, is_unrestricted
from minqing.core.selectors import scope_paths


def _inside(paths: list[str], prefix: str = "region__path__startswith") -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{prefix: path})
    return q


def users_visible(actor, *, q: str = "") -> QuerySet[User]:
    """Users ``actor`` may open on the user pages (``accounts.manage_users``), with
    their active grants prefetched; empty without the permission."""
    active = RoleGrant.objects.active().select_related("region", "unit", "station")
    qs = User.objects.prefetch_related(Prefetch("grants", queryset=active, to_attr="active_grants"))
    paths = scope_paths(actor, "accounts.manage_users")
    if paths is not None:
        if not paths:
            return qs.none()
        in_scope = RoleGrant.objects.active().filter(_inside(paths)).values("user")
        any_grant = RoleGrant.objects.active().values("user")
        qs = qs.filter(is_superuser=False).filter(Q(pk__in=in_scope) | ~Q(pk__in=any_grant))
    q = q.strip()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    return qs.order_by("username")


def user_get_visible(actor, pk: int) -> User:
    """One user visible to ``actor`` (see :func:`users_visible`); Http404 otherwise."""
    user = users_visible(actor).filter(pk=pk).first()
    if user is None:
        raise Http404("user not visible")
    return user


def users_covered(actor, perm: str) -> QuerySet[User]:
    """Users every one of whose active grants lies in ``actor``'s subtrees for ``perm``
    (users without grants included); superusers only for superusers."""
    paths = scope_paths(actor, perm)
    if paths is None:
        return User.objects.all()
    if not paths:
        return User.objects.none()
    outside = RoleGrant.objects.active().exclude(_inside(paths)).values("user")
    return User.objects.filter(is_superuser=False).exclude(pk__in=outside)


def user_is_covered(actor, user: User, perm: str) -> bool:
    return users_covered(actor, perm).filter(pk=user.pk).exists()


def grant_get_visible(actor, pk: int) -> RoleGrant:
    """An active or revoked grant on a region in ``actor``'s ``accounts.manage_users``
    scope; Http404 otherwise."""
    paths = scope_paths(actor, "accounts.manage_users")
    qs = RoleGrant.objects.select_related("region", "user", "unit", "station")
    if paths is not None:
        qs = qs.filter(_inside(paths))
    grant = qs.filter(pk=pk).first()
    if grant is None:
        raise Http404("grant not visible")
    return grant


def grants_of(user: User) -> QuerySet[RoleGrant]:
    """All grants of ``user`` (active first, then revoked), for the user page."""
    return (
        RoleGrant.objects.filter(user=user)
        .select_related("region", "unit", "station", "granted_by")
        .order_by("revoked_at", "-granted_at")
    )


def tokens_visible(actor) -> QuerySet[ApiToken]:
    """Tokens ``actor`` may list: their own, those they created, and those of users they
    cover for ``accounts.manage_tokens``. Empty without the permission (own tokens
    are then still listed, so a user can see and revoke what acts as them)."""
    qs = ApiToken.objects.select_related("user", "created_by")
    if is_unrestricted(actor):
        return qs
    mine = Q(user=actor) | Q(created_by=actor)
    if has_perm(actor, "accounts.manage_tokens"):
        covered = users_covered(actor, "accounts.manage_tokens").values("pk")
        return qs.filter(mine | Q(user__in=covered))
    return qs.filter(mine)


def token_get_visible(actor, pk: int) -> ApiToken:
    token = tokens_visible(actor).filter(pk=pk).first()
    if token is None:
        raise Http404("token not visible")
    return token


@dataclass
class RoleView:
    role: str
    role_label: str
    region_code: str
    region_name: str
    unit_id: int | None
    unit_name: str | None
    station_id: int | None
    station_name: str | None


@dataclass
class Me:
    username: str
    display_name: str
    is_superuser: bool
    roles: list[RoleView]


def me(user: User) -> Me:
    """The signed-in user and their active roles (anyone signed in)."""
    grants = (
        RoleGrant.objects.active()
        .filter(user=user)
        .select_related("region", "unit", "station")
        .order_by("region__path", "role")
    )
    return Me(
        username=user.get_username(),
        display_name=user.display_name,
        is_superuser=user.is_superuser,
        roles=[
            RoleView(
                role=g.role,
                role_label=str(g.get_role_display()),
                region_code=g.region.code,
                region_name=g.region.name,
                unit_id=g.unit_id,
                unit_name=g.unit.name if g.unit_id else None,
                station_id=g.station_id,
                station_name=g.station.name if g.station_id else None,
            )
            for g in grants
        ],
    )
