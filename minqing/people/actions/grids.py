"""Deputies' grids (联系网格): the villages and grids a deputy keeps in touch with.

A deputy assigned to a village (社区/村) or grid (网格) sees the opinions raised there, as
for the stations they sit at (``opinions.permissions``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minqing.accounts.models import User
from minqing.core import audit
from minqing.core.models import Region, RegionLevel
from minqing.core.permissions import require
from minqing.people.models import Deputy, DeputyGrid, DeputyStatus
from minqing.people.selectors import MANAGE_DEPUTY

VIEW_REGION = "core.view_region"
GRID_LEVELS = (RegionLevel.VILLAGE, RegionLevel.GRID)


@transaction.atomic(durable=True)
def deputy_grid_assign(*, actor: User, deputy: Deputy, region: Region) -> DeputyGrid:
    """Assign ``deputy`` to ``region`` (a village/社区 or a grid/网格) they keep in touch
    with; from then on the deputy sees the opinions raised in that region and below.

    Who: ``people.manage_deputy`` on the deputy and ``core.view_region`` on ``region``
    (the region must be within the actor's scope). Only active deputies, only active
    regions of level village or grid, once per deputy and region (ValidationError
    otherwise). Side effects: one audit entry ``deputy.grid_assign``.
    """
    require(actor, MANAGE_DEPUTY, deputy)
    require(actor, VIEW_REGION, region)
    deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
    if deputy.status != DeputyStatus.ACTIVE:
        raise ValidationError({"deputy": _("代表资格已终止的代表不能分配网格")})
    if region.level not in GRID_LEVELS:
        raise ValidationError({"region": _("只能分配到村（社区）或网格")})
    if not region.is_active:
        raise ValidationError({"region": _("该区域已停用")})
    if DeputyGrid.objects.filter(deputy=deputy, region=region).exists():
        raise ValidationError({"region": _("该代表已联系%(region)s") % {"region": region.name}})
    assignment = DeputyGrid.objects.create(deputy=deputy, region=region)
    audit.record(
        actor=actor,
        verb="deputy.grid_assign",
        obj=deputy,
        after={"region": region.pk, "region_code": region.code, "since": assignment.since},
    )
    return assignment


@transaction.atomic(durable=True)
def deputy_grid_remove(*, actor: User, assignment: DeputyGrid) -> None:
    """End a deputy's assignment to a village or grid: the deputy no longer sees the
    opinions raised there (unless a station or another grid still covers them).

    Who: ``people.manage_deputy`` on the deputy. Raises ValidationError when the
    assignment is already gone. Side effects: one audit entry ``deputy.grid_remove``.
    """
    deputy = assignment.deputy
    require(actor, MANAGE_DEPUTY, deputy)
    deleted, _rows = DeputyGrid.objects.filter(pk=assignment.pk).delete()
    if not deleted:
        raise ValidationError({"region": _("该代表已不再联系这个网格")})
    audit.record(
        actor=actor,
        verb="deputy.grid_remove",
        obj=deputy,
        before={
            "region": assignment.region_id,
            "region_code": assignment.region.code,
            "since": assignment.since,
        },
    )
