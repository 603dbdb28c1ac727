"""Staff pages for a deputy's grids (联系网格): the add and remove buttons of the deputy
detail page. Thin: look up what was posted within the user's scope, run one action,
come back to the deputy with a flash message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minqing.core.permissions import require
from minqing.core.web import run_action
from minqing.people import actions, selectors
from minqing.people.models import Deputy
from minqing.people.selectors import MANAGE_DEPUTY


def _deputy_url(deputy: Deputy) -> str:
    return reverse("people:deputy_detail", kwargs={"pk": deputy.pk})


@login_required
@require_POST
def deputy_grid_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    deputy = selectors.deputy_get_visible(user, pk)
    require(user, MANAGE_DEPUTY, deputy)
    region = selectors.grid_region_for(user, deputy, request.POST.get("region", ""))
    if region is None:
        messages.error(request, _("未找到该区划，请选择或填写本代表选区内的村（社区）或网格"))
        return redirect(_deputy_url(deputy))
    return run_action(
        request,
        lambda: actions.deputy_grid_assign(actor=user, deputy=deputy, region=region),
        success=_("已为%(name)s分配联系网格：%(region)s")
        % {"name": deputy.name, "region": region.name},
        next_url=_deputy_url(deputy),
    )


@login_required
@require_POST
def deputy_grid_remove(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.deputy_grid_get_visible(request.user, pk)
    return run_action(
        request,
        lambda: actions.deputy_grid_remove(actor=request.user, assignment=assignment),
        success=_("已取消联系网格：%(region)s") % {"region": assignment.region.name},
        next_url=_deputy_url(assignment.deputy),
    )
