"""The regions a reader's grants of one permission reach, for region filters on
statistics pages (民情 measures, suggestion statistics): the tops of the reader's
subtrees, the choices below them, and a code checked against them."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from minqing.core.models import Region
from minqing.core.permissions import grants_for, is_unrestricted


def top_regions(user, perm: str) -> list[Region]:
    """The highest regions in which ``user`` holds ``perm`` (nested grants fold into the
    outer one), in tree order. No query beyond the cached grants, except for a superuser
    (the roots of the tree)."""
    if is_unrestricted(user):
        return list(Region.objects.filter(parent__isnull=True).order_by("path"))
    regions = sorted({g.region.path: g.region for g in grants_for(user, perm)}.items())
    tops: list[Region] = []
    for path, region in regions:
        if not any(path.startswith(t.path) for t in tops):
            tops.append(region)
    return tops


def region_choices(user, perm: str, *, depth: int) -> list[Region]:
    """Regions the reader may pick: each top region and its descendants down to
    ``depth`` levels, in tree order (one query)."""
    tops = top_regions(user, perm)
    if not tops:
        return []
    q = Q()
    for top in tops:
        q |= Q(path__startswith=top.path, level__lte=top.level + depth)
    return list(Region.objects.filter(q, is_active=True).order_by("path"))


def region_for_code(user, perm: str, code: str | None) -> Region | None:
    """The region with ``code`` if it lies within the reader's scope for ``perm``; None
    for no code; Http404 for an unknown code or one outside (never 403, so a stranger
    learns nothing)."""
    code = (code or "").strip()
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None or not any(region.path.startswith(t.path) for t in top_regions(user, perm)):
        raise Http404("region")
    return region
