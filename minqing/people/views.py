"""Staff pages for deputies, deputy groups and handling units, and the two imports.

Thin: each view parses (people.forms), calls one selector or action, and renders with
precomputed ``can_*`` flags. Lists answer 403 to users who hold the view permission
nowhere; details answer 404 outside the user's scope (from the ``*_get_visible``
selectors).
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minqing.accounts.models import Role, RoleGrant
from minqing.core.importing import template_workbook
from minqing.core.models import RegionLevel
from minqing.core.pagination import render_list
from minqing.core.permissions import has_perm, require
from minqing.core.web import run_action, submit_form
from minqing.people import actions, imports, selectors
from minqing.people.forms import (
    ContactForm,
    DeputyFilterForm,
    DeputyForm,
    DeputyImportForm,
    GroupFilterForm,
    GroupForm,
    UnitFilterForm,
    UnitForm,
    UnitImportForm,
    UsernameForm,
)
from minqing.people.models import Deputy, DeputyGroup, DeputyStatus, HandlingUnit
from minqing.people.selectors import (
    MANAGE_DEPUTY,
    MANAGE_UNIT,
    VIEW_CONTACT,
    VIEW_DEPUTY,
    VIEW_UNIT,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _deputy_url(deputy: Deputy) -> str:
    return reverse("people:deputy_detail", kwargs={"pk": deputy.pk})


def _group_url(group: DeputyGroup) -> str:
    return reverse("people:group_detail", kwargs={"pk": group.pk})


def _unit_url(unit: HandlingUnit) -> str:
    return reverse("people:unit_detail", kwargs={"pk": unit.pk})


# --- deputies ------------------------------------------------------------------------------


@login_required
@require_GET
def deputy_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, VIEW_DEPUTY)
    form = DeputyFilterForm(
        request.GET or None,
        terms=selectors.term_list_visible(user),
        regions=selectors.regions_choosable(user, VIEW_DEPUTY, max_level=RegionLevel.TOWNSHIP),
        sectors=selectors.sector_choices(user),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    group = None
    if filters.get("group"):
        group = selectors.group_list_visible(user).filter(pk=filters["group"]).first()
    deputies = selectors.deputy_list_visible(
        user,
        q=filters.get("q") or "",
        level=filters.get("level"),
        term=filters.get("term"),
        region=filters.get("region"),
        sector=filters.get("sector") or "",
        group=group,
        status=filters.get("status") or "",
    )
    return render_list(
        request,
        "people/deputy_list.html",
        deputies,
        {
            "form": form,
            "group": group,
            "can_create": has_perm(user, MANAGE_DEPUTY),
        },
    )


@login_required
@require_GET
def deputy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    deputy = selectors.deputy_get_visible(user, pk)
    can_edit = has_perm(user, MANAGE_DEPUTY, deputy)
    can_see_contact = has_perm(user, VIEW_CONTACT, deputy)
    can_manage_grids = can_edit and deputy.status == DeputyStatus.ACTIVE
    # Duty records sit above this app; a deputy may read only their own (404 otherwise).
    from minqing.duties.permissions import can_view_deputy

    return render(
        request,
        "people/deputy_detail.html",
        {
            "deputy": deputy,
            "can_see_contact": can_see_contact,
            "contact": selectors.deputy_contact_visible(user, deputy) if can_see_contact else None,
            "memberships": selectors.deputy_groups_of(deputy),
            "station_memberships": selectors.deputy_stations_of(deputy),
            "grids": selectors.deputy_grids_of(deputy),
            "can_manage_grids": can_manage_grids,
            "grid_choices": (
                selectors.grid_regions_choosable(user, deputy) if can_manage_grids else None
            ),
            "can_edit": can_edit,
            "can_see_record": can_view_deputy(user, deputy),
            "can_end_term": can_edit and deputy.status == DeputyStatus.ACTIVE,
            "link_form": UsernameForm() if can_edit else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def deputy_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, MANAGE_DEPUTY)
    terms = selectors.term_list_visible(user, perm=MANAGE_DEPUTY)
    regions = selectors.regions_choosable(user, MANAGE_DEPUTY)
    can_edit_contact = has_perm(user, VIEW_CONTACT)
    form = DeputyForm(request.POST or None, terms=terms, regions=regions)
    contact_form = ContactForm(request.POST or None) if can_edit_contact else None
    saved = submit_form(
        request,
        form,
        lambda: actions.deputy_create(
            actor=user,
            **form.cleaned_data,
            contact=contact_form.cleaned_data if contact_form else None,
        ),
        also=[contact_form],
        success=lambda deputy: _("已添加代表“%(name)s”") % {"name": deputy.name},
        next_url=_deputy_url,
    )
    if saved:
        return saved
    return render(
        request,
        "people/deputy_form.html",
        {"form": form, "contact_form": contact_form, "deputy": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def deputy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    deputy = selectors.deputy_get_visible(user, pk)
    require(user, MANAGE_DEPUTY, deputy)
    can_edit_contact = has_perm(user, VIEW_CONTACT, deputy)
    regions = selectors.regions_choosable(user, MANAGE_DEPUTY)
    initial = {field: getattr(deputy, field) for field in actions.DEPUTY_EDITABLE}
    form = DeputyForm(request.POST or None, initial=initial, regions=regions, editing=True)
    contact_form = None
    if can_edit_contact:
        contact = selectors.deputy_contact_visible(user, deputy)
        contact_initial = (
            {f: getattr(contact, f) for f in actions.CONTACT_FIELDS} if contact else {}
        )
        contact_form = ContactForm(request.POST or None, initial=contact_initial)
    saved = submit_form(
        request,
        form,
        lambda: actions.deputy_update(
            actor=user,
            deputy=deputy,
            changes=form.cleaned_data,
            contact=contact_form.cleaned_data if contact_form else None,
        ),
        also=[contact_form],
        success=_("已保存"),
        next_url=_deputy_url(deputy),
    )
    if saved:
        return saved
    return render(
        request,
        "people/deputy_form.html",
        {"form": form, "contact_form": contact_form, "deputy": deputy},
    )


@login_required
@require_POST
def deputy_end_term(request: HttpRequest, pk: int) -> HttpResponse:
    deputy = selectors.deputy_get_visible(request.user, pk)
    return run_action(
        request,
        lambda: actions.deputy_end_term(actor=request.user, deputy=deputy),
        success=_("已终止该代表的代表资格"),
        next_url=_deputy_url(deputy),
    )


@login_required
@require_POST
def deputy_link_user(request: HttpRequest, pk: int) -> HttpResponse:
    deputy = selectors.deputy_get_visible(request.user, pk)
    require(request.user, MANAGE_DEPUTY, deputy)
    form = UsernameForm(request.POST)
    return run_action(
        request,
        lambda: actions.deputy_link_user(
            actor=request.user, deputy=deputy, user=form.cleaned_data["username"]
        ),
        form=form,
        success=_("已关联登录账号并授予代表角色"),
        next_url=_deputy_url(deputy),
    )


# --- imports -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def deputy_import(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, MANAGE_DEPUTY)
    terms = selectors.term_list_visible(user, perm=MANAGE_DEPUTY)
    form = DeputyImportForm(request.POST or None, request.FILES or None, terms=terms)
    report = None
    if request.method == "POST" and form.is_valid():
        report = actions.deputy_roster_import(
            actor=user, term=form.cleaned_data["term"], upload=form.cleaned_data["file"]
        )
        if report.ok:
            messages.success(request, _("导入成功：新增 %(n)s 名代表") % {"n": report.created})
            url = reverse("people:deputy_list") + f"?term={form.cleaned_data['term'].pk}"
            return redirect(url)
    return render(
        request,
        "people/import.html",
        {
            "title": _("导入代表名单"),
            "form": form,
            "report": report,
            "columns": imports.DEPUTY_COLUMNS,
            "template_url": reverse("people:deputy_import_template"),
            "back_url": reverse("people:deputy_list"),
        },
    )


@login_required
@require_GET
def deputy_import_template(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE_DEPUTY)
    data = template_workbook(imports.DEPUTY_COLUMNS, imports.DEPUTY_EXAMPLES)
    return _xlsx_response(data, _("代表名单导入模板.xlsx"))


@login_required
@require_http_methods(["GET", "POST"])
def unit_import(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, MANAGE_UNIT)
    regions = selectors.regions_choosable(user, MANAGE_UNIT, max_level=RegionLevel.TOWNSHIP)
    form = UnitImportForm(request.POST or None, request.FILES or None, regions=regions)
    report = None
    if request.method == "POST" and form.is_valid():
        report = actions.unit_list_import(
            actor=user, region=form.cleaned_data["region"], upload=form.cleaned_data["file"]
        )
        if report.ok:
            messages.success(request, _("导入成功：新增 %(n)s 个承办单位") % {"n": report.created})
            url = reverse("people:unit_list") + f"?region={form.cleaned_data['region'].code}"
            return redirect(url)
    return render(
        request,
        "people/import.html",
        {
            "title": _("导入承办单位"),
            "form": form,
            "report": report,
            "columns": imports.UNIT_COLUMNS,
            "template_url": reverse("people:unit_import_template"),
            "back_url": reverse("people:unit_list"),
        },
    )


@login_required
@require_GET
def unit_import_template(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE_UNIT)
    data = template_workbook(imports.UNIT_COLUMNS, imports.UNIT_EXAMPLES)
    return _xlsx_response(data, _("承办单位导入模板.xlsx"))


# --- deputy groups -------------------------------------------------------------------------


@login_required
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, VIEW_DEPUTY)
    form = GroupFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    groups = selectors.group_list_visible(
        user, q=filters.get("q") or "", kind=filters.get("kind") or ""
    )
    return render_list(
        request,
        "people/group_list.html",
        groups,
        {
            "form": form,
            "can_create": has_perm(user, MANAGE_DEPUTY),
        },
    )


@login_required
@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    group = selectors.group_get_visible(user, pk)
    can_edit = has_perm(user, MANAGE_DEPUTY, group)
    memberships = selectors.group_members(group)
    add_q = request.GET.get("add_q", "").strip() if can_edit else ""
    candidates: list[Deputy] = []
    if add_q:
        member_ids = [m.deputy_id for m in memberships]
        candidates = list(
            selectors.deputy_list_visible(user, q=add_q, status=DeputyStatus.ACTIVE).exclude(
                pk__in=member_ids
            )[:20]
        )
    return render(
        request,
        "people/group_detail.html",
        {
            "group": group,
            "memberships": memberships,
            "can_edit": can_edit,
            "add_q": add_q,
            "candidates": candidates,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, MANAGE_DEPUTY)
    regions = selectors.regions_choosable(user, MANAGE_DEPUTY)
    form = GroupForm(request.POST or None, regions=regions)
    saved = submit_form(
        request,
        form,
        lambda: actions.deputy_group_create(actor=user, **form.cleaned_data),
        success=_("已创建代表小组"),
        next_url=_group_url,
    )
    if saved:
        return saved
    return render(request, "people/group_form.html", {"form": form, "group": None})


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    group = selectors.group_get_visible(user, pk)
    require(user, MANAGE_DEPUTY, group)
    initial = {"name": group.name, "kind": group.kind, "description": group.description}
    form = GroupForm(request.POST or None, initial=initial, editing=True)
    saved = submit_form(
        request,
        form,
        lambda: actions.deputy_group_update(actor=user, group=group, **form.cleaned_data),
        success=_("已保存"),
        next_url=_group_url(group),
    )
    if saved:
        return saved
    return render(request, "people/group_form.html", {"form": form, "group": group})


def _posted_deputy(request: HttpRequest) -> Deputy:
    try:
        pk = int(request.POST.get("deputy", ""))
    except ValueError:
        pk = 0
    return selectors.deputy_get_visible(request.user, pk)


@login_required
@require_POST
def group_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_get_visible(request.user, pk)
    deputy = _posted_deputy(request)
    return run_action(
        request,
        lambda: actions.deputy_group_member_add(
            actor=request.user,
            group=group,
            deputy=deputy,
            is_leader=request.POST.get("is_leader") == "1",
        ),
        success=_("已将%(name)s加入小组") % {"name": deputy.name},
        next_url=_group_url(group),
    )


@login_required
@require_POST
def group_member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_get_visible(request.user, pk)
    deputy = _posted_deputy(request)
    return run_action(
        request,
        lambda: actions.deputy_group_member_remove(actor=request.user, group=group, deputy=deputy),
        success=_("已将%(name)s移出小组") % {"name": deputy.name},
        next_url=_group_url(group),
    )


# --- handling units ------------------------------------------------------------------------


@login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, VIEW_UNIT)
    form = UnitFilterForm(
        request.GET or None,
        regions=selectors.regions_choosable(user, VIEW_UNIT, max_level=RegionLevel.TOWNSHIP),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    units = selectors.unit_list_visible(
        user,
        q=filters.get("q") or "",
        region=filters.get("region"),
        kind=filters.get("kind") or "",
        active=filters.get("active"),
    )
    return render_list(
        request,
        "people/unit_list.html",
        units,
        {
            "form": form,
            "can_create": has_perm(user, MANAGE_UNIT),
        },
    )


@login_required
@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    unit = selectors.unit_get_visible(user, pk)
    can_edit = has_perm(user, MANAGE_UNIT, unit)
    return render(
        request,
        "people/unit_detail.html",
        {
            "unit": unit,
            "staff": selectors.unit_staff(unit),
            "children": selectors.unit_children_visible(user, unit),
            "can_edit": can_edit,
            "can_deactivate": can_edit and unit.is_active,
            "can_manage_staff": can_edit and unit.is_active,
            "staff_form": UsernameForm() if can_edit and unit.is_active else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, MANAGE_UNIT)
    form = UnitForm(
        request.POST or None,
        regions=selectors.regions_choosable(user, MANAGE_UNIT),
        parents=selectors.unit_parent_choices(user),
    )
    saved = submit_form(
        request,
        form,
        lambda: actions.unit_create(actor=user, **form.cleaned_data),
        success=lambda unit: _("已添加承办单位“%(name)s”") % {"name": unit.name},
        next_url=_unit_url,
    )
    if saved:
        return saved
    return render(request, "people/unit_form.html", {"form": form, "unit": None})


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    unit = selectors.unit_get_visible(user, pk)
    require(user, MANAGE_UNIT, unit)
    initial = {field: getattr(unit, field) for field in actions.UNIT_EDITABLE}
    form = UnitForm(
        request.POST or None,
        initial=initial,
        regions=selectors.regions_choosable(user, MANAGE_UNIT),
        parents=selectors.unit_parent_choices(user).exclude(pk=unit.pk),
    )
    saved = submit_form(
        request,
        form,
        lambda: actions.unit_update(actor=user, unit=unit, changes=form.cleaned_data),
        success=_("已保存"),
        next_url=_unit_url(unit),
    )
    if saved:
        return saved
    return render(request, "people/unit_form.html", {"form": form, "unit": unit})


@login_required
@require_POST
def unit_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get_visible(request.user, pk)
    return run_action(
        request,
        lambda: actions.unit_deactivate(actor=request.user, unit=unit),
        success=_("已停用该单位"),
        next_url=_unit_url(unit),
    )


@login_required
@require_POST
def unit_staff_grant(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get_visible(request.user, pk)
    require(request.user, MANAGE_UNIT, unit)
    form = UsernameForm(request.POST)
    return run_action(
        request,
        lambda: actions.unit_staff_grant(
            actor=request.user, unit=unit, user=form.cleaned_data["username"]
        ),
        form=form,
        success=_("已添加单位工作人员"),
        next_url=_unit_url(unit),
    )


@login_required
@require_POST
def unit_staff_revoke(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    unit = selectors.unit_get_visible(request.user, pk)
    grant = RoleGrant.objects.active().filter(pk=grant_pk, unit=unit, role=Role.UNIT_STAFF).first()
    if grant is None:
        messages.error(request, _("该授权不存在或已撤销"))
        return redirect(_unit_url(unit))
    return run_action(
        request,
        lambda: actions.unit_staff_revoke(actor=request.user, grant=grant),
        success=_("已撤销该工作人员的授权"),
        next_url=_unit_url(unit),
    )
