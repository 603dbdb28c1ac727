"""The duty record (履职档案) of a deputy, and the office's awards in it.

Who sees it: ``permissions.deputies_q`` — staff by region (station staff: the deputies
of their station), the deputy themself, a group leader the group's members; 404 for
anyone else. The office (``duties.manage`` on the deputy's region) adds and deletes
awards (403 for other readers).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from minqing.core.permissions import has_perm, require
from minqing.core.web import run_action, submit_form
from minqing.duties import actions, selectors, selectors_points
from minqing.duties import permissions as perms
from minqing.duties.forms_points import AwardForm
from minqing.duties.record import duty_record, pick_year


def record_url(deputy_pk: int, year: int | None = None) -> str:
    url = reverse("duties:deputy_record", args=[deputy_pk])
    return f"{url}?year={year}" if year else url


@login_required
def deputy_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The eight sections of the deputy's record for one year (``?year=``)."""
    deputy = selectors.deputy_get_visible(request.user, pk)
    year, years = pick_year(deputy, request.GET.get("year"))
    can_manage = has_perm(request.user, perms.MANAGE, deputy.region)
    return render(
        request,
        "duties/record/record.html",
        {
            "deputy": deputy,
            "record": duty_record(deputy, year=year, years=years),
            "year": year,
            "can_manage_awards": can_manage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def award_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The office records an award of the deputy (section 8)."""
    deputy = selectors.deputy_get_visible(request.user, pk)
    require(request.user, perms.MANAGE, deputy.region)
    form = AwardForm(request.POST or None)
    saved = submit_form(
        request,
        form,
        lambda: actions.award_record(actor=request.user, deputy=deputy, data=form.cleaned_data),
        success=lambda award: _("已记入获奖表彰：%(title)s") % {"title": award.title},
        next_url=lambda award: record_url(deputy.pk, award.date.year) + "#awards",
    )
    if saved:
        return saved
    return render(
        request,
        "duties/record/award_form.html",
        {"deputy": deputy, "form": form, "back": record_url(deputy.pk) + "#awards"},
    )


@login_required
@require_POST
def award_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The office removes an award entered in error."""
    award = selectors_points.award_get_visible(request.user, pk)
    return run_action(
        request,
        lambda: actions.award_delete(actor=request.user, award=award),
        success=_("已删除获奖表彰：%(title)s") % {"title": award.title},
        next_url=record_url(award.deputy_id, award.date.year) + "#awards",
    )
