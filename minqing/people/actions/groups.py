"""Deputy groups (代表小组): creating, editing and their members."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minqing.accounts.models import User
from minqing.core import audit
from minqing.core.changes import stripped
from minqing.core.models import Region
from minqing.core.permissions import require
from minqing.people.actions._checks import clean_fields, refuse_taken
from minqing.people.models import (
    Deputy,
    DeputyGroup,
    DeputyGroupMembership,
    DeputyStatus,
    GroupKind,
)
from minqing.people.selectors import MANAGE_DEPUTY, VIEW_DEPUTY

GROUP_FIELDS = ["name", "kind", "region", "description"]


def _check_group(group: DeputyGroup, *, exclude_pk: int | None = None) -> None:
    if not group.name:
        raise ValidationError({"name": _("请填写名称")})
    if group.kind not in GroupKind.values:
        raise ValidationError({"kind": _("请选择小组类型")})
    clean_fields(group, exclude=["region"])
    refuse_taken(
        DeputyGroup.objects.filter(region=group.region, name=group.name),
        exclude_pk=exclude_pk,
        field="name",
        message=_("%(region)s已有同名代表小组") % {"region": group.region.name},
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
        region=region, name=stripped(name), kind=kind, description=stripped(description)
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
    group.name, group.kind, group.description = stripped(name), kind, stripped(description)
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
