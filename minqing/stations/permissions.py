"""Who manages stations where, beyond ``core.permissions``' object checks.

A ``stations.manage_station`` grant narrowed to one station lets its staff run that
station; founding stations, moving them between regions and handing out station roles
need a grant on the region itself. Actions, forms and pages ask the same questions here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from minqing.accounts.models import RoleGrant
from minqing.core.models import Region
from minqing.core.permissions import grants_for, is_unrestricted

MANAGE = "stations.manage_station"


def region_wide_grants(actor) -> list[RoleGrant]:
    """``actor``'s manage grants on whole regions (not narrowed to a station or unit)."""
    return [g for g in grants_for(actor, MANAGE) if g.station_id is None and g.unit_id is None]


def can_manage_region(actor, region: Region) -> bool:
    """Whether ``actor`` manages stations across ``region`` itself, not just one station
    in it. Creating stations, moving them between regions and granting station roles
    need this: a station's own staff (a grant narrowed to that station) may run their
    station but not found new ones or hand out roles."""
    if is_unrestricted(actor):
        return True
    return any(region.path.startswith(g.region.path) for g in region_wide_grants(actor))


def can_manage_region_anywhere(actor) -> bool:
    """Whether ``actor`` may found stations somewhere (shows the "new station" button)."""
    if is_unrestricted(actor):
        return True
    return bool(region_wide_grants(actor))


def require_manage_region(actor, region: Region) -> None:
    if not can_manage_region(actor, region):
        raise PermissionDenied(_("您没有在该区域管理联络站的权限"))
