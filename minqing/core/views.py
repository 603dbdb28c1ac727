"""Core pages: home, regions, per-region settings, audit log, holiday calendar.

Views only parse (forms), call one selector or action, and render; permission checks
live in the selectors (scope → 404) and actions (require → 403).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from minqing.core import actions, selectors
from minqing.core.config import REGISTRY
from minqing.core.forms import (
    AuditFilterForm,
    CalendarImportForm,
    RegionCreateForm,
    RegionEditForm,
    RegionFilterForm,
    SettingForm,
    UploadForm,
    calendar_template,
    read_calendar_upload,
    read_region_upload,
    region_template,
)
from minqing.core.models import Region, RegionLevel
from minqing.core.pagination import render_list
from minqing.core.permissions import has_perm
from minqing.core.web import run_action, submit_form

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def perm_required(perm: str) -> Callable:
    """Sign-in required (→ login page), then ``perm`` somewhere (→ 403); the object
    checks stay in the selectors and actions."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not has_perm(request.user, perm):
                raise PermissionDenied(_("您没有访问此页面的权限"))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def calendar_required(view: Callable) -> Callable:
    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not selectors.holds_at_root(request.user, "core.manage_calendar"):
            raise PermissionDenied(_("节假日安排是全国数据，只有全国层级的系统管理员可以维护"))
        return view(request, *args, **kwargs)

    return wrapped


def _download(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- home ------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    summary = selectors.home_summary(request.user)
    return render(request, "core/home.html", {"summary": summary})


# --- regions ---------------------------------------------------------------------------


@perm_required("core.view_region")
def region_list(request: HttpRequest) -> HttpResponse:
    form = RegionFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    parent = None
    if data.get("parent"):
        parent = selectors.region_get_visible(request.user, data["parent"])
    q, level = data.get("q") or "", data.get("level")
    if parent is None and not q and level is None:
        qs = selectors.region_tops_visible(request.user)
    else:
        qs = selectors.region_list_visible(request.user, q=q, level=level, parent=parent)
    return render_list(
        request,
        "core/region_list.html",
        qs,
        {
            "form": form,
            "parent": parent,
            "crumbs": selectors.region_breadcrumbs(request.user, parent) if parent else [],
            "can_add_child": bool(parent and selectors.region_can_add_child(request.user, parent)),
            "can_import": has_perm(request.user, "core.manage_region"),
        },
    )


@perm_required("core.view_region")
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get_visible(request.user, code)
    children = selectors.region_list_visible(request.user, parent=region)
    return render_list(
        request,
        "core/region_detail.html",
        children,
        {
            "region": region,
            "crumbs": selectors.region_breadcrumbs(request.user, region),
            "counts": selectors.region_counts(request.user, region),
            "can_edit": selectors.region_can_manage(request.user, region),
            "can_add_child": selectors.region_can_add_child(request.user, region),
            "can_settings": has_perm(request.user, "core.manage_settings", region),
            "child_level_label": RegionLevel(region.level + 1).label
            if region.level < RegionLevel.GRID
            else "",
        },
    )


def _region_url(region: Region) -> str:
    return reverse("core:region_detail", kwargs={"code": region.code})


@perm_required("core.manage_region")
@require_http_methods(["GET", "POST"])
def region_create(request: HttpRequest, code: str) -> HttpResponse:
    parent = selectors.region_get_visible(request.user, code, "core.manage_region")
    if not selectors.region_can_add_child(request.user, parent):
        raise PermissionDenied(_("只能在县级及以下区划下新增下级区划"))
    level = parent.level + 1
    form = RegionCreateForm(request.POST or None, level=level)
    saved = submit_form(
        request,
        form,
        lambda: actions.region_create(actor=request.user, parent=parent, **form.cleaned_data),
        success=lambda region: _("已新增「%(name)s」") % {"name": region.name},
        next_url=_region_url,
    )
    if saved:
        return saved
    return render(
        request,
        "core/region_form.html",
        {
            "form": form,
            "parent": parent,
            "region": None,
            "level_label": RegionLevel(level).label,
        },
    )


@perm_required("core.manage_region")
@require_http_methods(["GET", "POST"])
def region_edit(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get_visible(request.user, code, "core.manage_region")
    if not selectors.region_can_manage(request.user, region):
        raise PermissionDenied(_("省、市、县级区划按国家标准代码维护，不能在此修改"))
    initial = {"name": region.name, "kind": region.kind, "is_active": region.is_active}
    form = RegionEditForm(request.POST or None, initial=initial, level=region.level)
    saved = submit_form(
        request,
        form,
        lambda: actions.region_update(actor=request.user, region=region, **form.cleaned_data),
        success=_("已保存"),
        next_url=_region_url(region),
    )
    if saved:
        return saved
    return render(
        request,
        "core/region_form.html",
        {
            "form": form,
            "parent": region.parent,
            "region": region,
            "level_label": region.get_level_display(),
        },
    )


@perm_required("core.manage_region")
@require_http_methods(["GET", "POST"])
def region_import(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and request.GET.get("template"):
        return _download(region_template(), "region-import-template.xlsx")
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        rows, errors = read_region_upload(upload, request.user)
        if not errors:
            report = actions.region_import(actor=request.user, rows=rows, filename=upload.name)
            errors = report.sorted_errors()
            if report.ok:
                messages.success(
                    request,
                    _("导入成功：新增 %(created)s 个，更新 %(updated)s 个区划")
                    % {"created": report.created, "updated": report.updated},
                )
                return redirect("core:region_list")
        errors = sorted(errors, key=lambda e: (e.row, e.column))
    return render(request, "core/region_import.html", {"form": form, "errors": errors})


# --- settings --------------------------------------------------------------------------


@perm_required("core.manage_settings")
def settings_page(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("region", "").strip()
    tops = list(selectors.region_tops_visible(request.user, "core.manage_settings"))
    if code:
        region = selectors.region_get_visible(request.user, code, "core.manage_settings")
    elif tops:
        region = tops[0]
    else:
        raise Http404("no region")
    return render(
        request,
        "core/settings.html",
        {
            "region": region,
            "tops": tops,
            "crumbs": selectors.region_breadcrumbs(request.user, region),
            "children": selectors.region_list_visible(
                request.user, parent=region, perm="core.manage_settings"
            )[:200],
            "groups": selectors.region_settings_grouped(region),
        },
    )


@perm_required("core.manage_settings")
@require_http_methods(["GET", "POST"])
def setting_edit(request: HttpRequest, code: str, key: str) -> HttpResponse:
    region = selectors.region_get_visible(request.user, code, "core.manage_settings")
    setting = REGISTRY.get(key)
    if setting is None:
        raise Http404("unknown setting")
    row = next(r for r in selectors.region_settings(region) if r.key == key)
    back = reverse("core:settings") + f"?region={region.code}#{key}"
    if request.method == "POST" and request.POST.get("action") == "reset":
        return run_action(
            request,
            lambda: actions.region_setting_reset(actor=request.user, region=region, key=key),
            success=_("「%(label)s」已恢复为继承值") % {"label": setting.label},
            next_url=back,
        )
    form = SettingForm(request.POST or None, setting=setting, current=row.value)
    saved = submit_form(
        request,
        form,
        lambda: actions.region_setting_set(
            actor=request.user, region=region, key=key, value=form.cleaned_data["value"]
        ),
        success=_("「%(label)s」已保存") % {"label": setting.label},
        next_url=back,
        on_error=lambda form, exc: form.add_error("value", exc.messages),
    )
    if saved:
        return saved
    return render(
        request,
        "core/setting_edit.html",
        {"region": region, "setting": setting, "row": row, "form": form, "back": back},
    )


# --- audit ----------------------------------------------------------------------------


@perm_required("core.view_audit")
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    region = None
    if data.get("region"):
        region = (
            selectors.region_list_visible(request.user, perm="core.view_audit")
            .filter(code=data["region"])
            .first()
        )
        if region is None:
            form.add_error("region", _("区域不存在或不在您的范围内"))
    if form.is_bound and form.errors:
        qs = selectors.audit_scope(request.user).none()
    else:
        qs = selectors.audit_list_visible(
            request.user,
            verb=data.get("verb", ""),
            actor=data.get("actor", ""),
            region=region,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            object_type=data.get("object_type", ""),
        )
    return render_list(
        request,
        "core/audit_list.html",
        qs,
        {
            "form": form,
            "object_types": selectors.audit_object_types(),
        },
    )


# --- calendar -------------------------------------------------------------------------


@calendar_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    if request.GET.get("template"):
        return _download(calendar_template(), "holiday-calendar-template.xlsx")
    today = timezone.localdate()
    years = list(selectors.calendar_years())
    year_field = CalendarImportForm.base_fields["year"]
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    if not year_field.min_value <= year <= year_field.max_value:
        year = today.year  # a year no schedule can exist for: show this year instead
    form = CalendarImportForm(initial={"year": today.year + 1})
    return render(
        request,
        "core/calendar.html",
        {
            "years": years,
            "chosen": selectors.calendar_year_days(year),
            "warning": selectors.calendar_next_year_warning(today=today),
            "form": form,
            "errors": [],
        },
    )


@calendar_required
@require_POST
def calendar_import(request: HttpRequest) -> HttpResponse:
    form = CalendarImportForm(request.POST, request.FILES)
    errors: list = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        year = form.cleaned_data["year"]
        rows, errors = read_calendar_upload(upload)
        if not errors:
            source = form.cleaned_data["source"] or _("管理员导入（%(file)s）") % {
                "file": upload.name
            }
            loaded, errors = actions.calendar_year_import(
                actor=request.user, year=year, rows=rows, source=source
            )
            if loaded is not None:
                messages.success(
                    request,
                    _("已导入%(year)s年节假日安排（%(n)s 天）") % {"year": year, "n": len(rows)},
                )
                return redirect(reverse("core:calendar") + f"?year={year}")
        errors = sorted(errors, key=lambda e: (e.row, e.column))
    today = timezone.localdate()
    year = form.cleaned_data.get("year") if form.is_valid() else today.year
    return render(
        request,
        "core/calendar.html",
        {
            "years": list(selectors.calendar_years()),
            "chosen": selectors.calendar_year_days(year or today.year),
            "warning": selectors.calendar_next_year_warning(today=today),
            "form": form,
            "errors": errors,
        },
        status=200 if not (errors or form.errors) else 400,
    )
