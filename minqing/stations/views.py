"""Staff pages for stations and the public station page behind the QR code.

Thin: parse with forms, call one selector or action, render. Permission checks live in
the selectors (scope → 404) and actions (require → 403).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST, require_safe

from minqing.core.codes import display as display_code
from minqing.core.i18n import join_clauses
from minqing.core.pagination import paginate
from minqing.core.permissions import has_perm
from minqing.core.states import InvalidTransition
from minqing.stations import actions, qr, selectors
from minqing.stations.forms import (
    CancelForm,
    DeputyAddForm,
    ReceptionDayForm,
    ReceptionScheduleForm,
    StaffGrantForm,
    StationFilterForm,
    StationForm,
    TransitionForm,
)
from minqing.stations.models import Station
from minqing.stations.poster import render_poster
from minqing.stations.schedule import describe
from minqing.stations.states import STATION_STATES, StationStatus

VIEW = selectors.VIEW
MANAGE = actions.MANAGE

TRANSITION_LABELS = {
    "open": gettext_lazy("启用"),
    "suspend": pgettext_lazy("按钮", "暂停接待"),
    "resume": gettext_lazy("恢复接待"),
    "close": gettext_lazy("撤销"),
}
TRANSITION_STYLES = {
    "open": "btn-success",
    "suspend": "btn-warning",
    "resume": "btn-success",
    "close": "btn-outline-danger",
}


def _error_text(exc: ValidationError) -> str:
    return join_clauses(exc.messages)


def _data(request: HttpRequest):
    """The POST data to bind a form to (even when empty), or None on GET."""
    return request.POST if request.method == "POST" else None


def _detail(station: Station) -> HttpResponse:
    return redirect("stations:station_detail", pk=station.pk)


def _managed_station(request: HttpRequest, pk: int) -> Station:
    """A station the user sees (else 404) and manages (else 403)."""
    station = selectors.station_get_visible(request.user, pk)
    if not has_perm(request.user, MANAGE, station):
        raise PermissionDenied(_("您没有管理该联络站的权限"))
    return station


# --- list, detail, create, edit -------------------------------------------------------


@login_required
@require_GET
def station_list(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, VIEW):
        raise PermissionDenied(_("您没有查看联络站的权限"))
    regions = list(selectors.station_filter_regions(request.user))
    form = StationFilterForm(request.GET or None, regions=regions)
    params = form.cleaned_data if form.is_valid() else {}
    region_code = params.get("region") or ""
    # Usually one of the offered regions (no query); any other code is looked up.
    region = next((r for r in regions if r.code == region_code), region_code)
    stations = selectors.station_list_visible(
        request.user,
        q=params.get("q", ""),
        kind=params.get("kind", ""),
        status=params.get("status", ""),
        region=region,
    )
    page_obj, querystring = paginate(request, stations)
    return render(
        request,
        "stations/station_list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "querystring_without_page": querystring,
            "can_create": actions.can_manage_region_anywhere(request.user),
        },
    )


@login_required
@require_GET
def station_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    station = selectors.station_get_visible(user, pk)
    can_manage = has_perm(user, MANAGE, station) and station.status != StationStatus.CLOSED
    can_transition = has_perm(user, MANAGE, station)
    can_manage_staff = can_manage and actions.can_manage_region(user, station.region)
    today = timezone.localdate()
    url = qr.public_url(station, request)
    dq = request.GET.get("dq", "").strip()[:50]
    transitions = [
        {
            "to": target,
            "label": TRANSITION_LABELS[STATION_STATES.verb(station.status, target)],
            "style": TRANSITION_STYLES[STATION_STATES.verb(station.status, target)],
        }
        for target in STATION_STATES.targets(station.status)
    ]
    schedules = [(s, describe(s)) for s in selectors.station_schedules(station)]
    context = {
        "station": station,
        "code_display": display_code(station.code),
        "public_url": url,
        "is_public": station.status in selectors.PUBLIC_STATUSES,
        "qr_svg": qr.svg_inline(url, scale=4, border=2),
        "memberships": [
            (m, selectors.deputy_title(m.deputy)) for m in selectors.station_memberships(station)
        ],
        "staff": list(selectors.station_staff(station)),
        "schedules": schedules,
        "reception_days": list(selectors.station_reception_days(station, since=today)),
        "receptions": selectors.station_next_receptions(station, today=today),
        "timeline": [
            (event, STATION_STATES.label(event.from_state), STATION_STATES.label(event.to_state))
            for event in selectors.station_timeline(station)
        ],
        "transitions": transitions if can_transition else [],
        "can_manage": can_manage,
        "can_transition": can_transition,
        "can_edit": can_manage,
        "can_manage_staff": can_manage_staff,
        "dq": dq,
        "candidates": selectors.deputy_candidates(user, station, dq) if can_manage else [],
        "grant_form": StaffGrantForm(),
        "schedule_form": ReceptionScheduleForm(prefix="schedule"),
        "day_form": ReceptionDayForm(prefix="day", station=station),
    }
    return render(request, "stations/station_detail.html", context)


@login_required
def station_create(request: HttpRequest) -> HttpResponse:
    if not actions.can_manage_region_anywhere(request.user):
        raise PermissionDenied(_("您没有新建联络站的权限"))
    form = StationForm(_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in actions.STATION_FIELDS}
        try:
            station = actions.station_create(actor=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("联络站已创建，状态为「筹建中」。"))
            return _detail(station)
    return render(request, "stations/station_form.html", {"form": form, "station": None})


@login_required
def station_edit(request: HttpRequest, pk: int) -> HttpResponse:
    station = _managed_station(request, pk)
    if station.status == StationStatus.CLOSED:
        raise PermissionDenied(_("联络站已撤销，不能再修改。"))
    # The form gets its own copy: ModelForm validation writes into its instance, and the
    # action must see the stored values to tell what changed.
    form = StationForm(
        _data(request),
        instance=selectors.station_get_visible(request.user, pk),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in actions.STATION_FIELDS}
        try:
            actions.station_update(actor=request.user, station=station, changes=changes)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("已保存。"))
            return _detail(station)
    return render(request, "stations/station_form.html", {"form": form, "station": station})


@login_required
@require_POST
def station_transition(request: HttpRequest, pk: int) -> HttpResponse:
    station = _managed_station(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("无效的状态。"))
        return _detail(station)
    try:
        actions.station_transition(
            actor=request.user,
            station=station,
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"],
        )
    except InvalidTransition as exc:
        messages.error(request, str(exc))
        return _detail(station)
    messages.success(
        request, _("状态已改为「%(status)s」。") % {"status": station.get_status_display()}
    )
    return _detail(station)


# --- sub-actions on the detail page ---------------------------------------------------


def _post_action(
    request: HttpRequest, pk: int, run: Callable[[Station], str | None]
) -> HttpResponse:
    """Run one POSTed sub-action of a managed station and come back to its page with a
    message (the error's text when the action refuses)."""
    station = _managed_station(request, pk)
    try:
        message = run(station)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        if message:
            messages.success(request, message)
    return _detail(station)


@login_required
@require_POST
def station_deputy_add(request: HttpRequest, pk: int) -> HttpResponse:
    def run(station: Station) -> str:
        form = DeputyAddForm(request.POST, deputies=selectors.visible_deputies(request.user))
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        deputy = form.cleaned_data["deputy"]
        actions.station_deputy_add(
            actor=request.user,
            station=station,
            deputy=deputy,
            is_convener=form.cleaned_data["is_convener"],
        )
        return _("已添加代表 %(name)s。") % {"name": deputy.name}

    return _post_action(request, pk, run)


@login_required
@require_POST
def station_deputy_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    def run(station: Station) -> str:
        membership = selectors.membership_get(station, membership_pk)
        actions.station_deputy_remove(actor=request.user, membership=membership)
        return _("已移除代表 %(name)s。") % {"name": membership.deputy.name}

    return _post_action(request, pk, run)


@login_required
@require_POST
def station_staff_grant(request: HttpRequest, pk: int) -> HttpResponse:
    def run(station: Station) -> str:
        form = StaffGrantForm(request.POST)
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        user = form.cleaned_data["username"]
        actions.station_staff_grant(actor=request.user, station=station, user=user)
        return _("已将 %(user)s 设为本站工作人员。") % {"user": user}

    return _post_action(request, pk, run)


@login_required
@require_POST
def station_staff_revoke(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    def run(station: Station) -> str:
        role_grant = selectors.staff_grant_get(station, grant_pk)
        actions.station_staff_revoke(actor=request.user, role_grant=role_grant)
        return _("已撤销 %(user)s 的工作人员权限。") % {"user": role_grant.user}

    return _post_action(request, pk, run)


@login_required
@require_POST
def schedule_create(request: HttpRequest, pk: int) -> HttpResponse:
    def run(station: Station) -> str:
        form = ReceptionScheduleForm(request.POST, prefix="schedule")
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        data = form.changes()
        data.pop("is_active")
        actions.reception_schedule_create(actor=request.user, station=station, **data)
        return _("已添加固定接待安排。")

    return _post_action(request, pk, run)


@login_required
def schedule_edit(request: HttpRequest, pk: int, schedule_pk: int) -> HttpResponse:
    station = _managed_station(request, pk)
    schedule = selectors.schedule_get(station, schedule_pk)
    form = ReceptionScheduleForm(
        _data(request), instance=selectors.schedule_get(station, schedule_pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.reception_schedule_update(
                actor=request.user, schedule=schedule, changes=form.changes()
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("已保存。"))
            return _detail(station)
    return render(
        request,
        "stations/reception_form.html",
        {"form": form, "station": station, "title": _("修改固定接待安排")},
    )


@login_required
@require_POST
def schedule_delete(request: HttpRequest, pk: int, schedule_pk: int) -> HttpResponse:
    def run(station: Station) -> str:
        schedule = selectors.schedule_get(station, schedule_pk)
        actions.reception_schedule_delete(actor=request.user, schedule=schedule)
        return _("已删除固定接待安排。")

    return _post_action(request, pk, run)


@login_required
@require_POST
def reception_day_create(request: HttpRequest, pk: int) -> HttpResponse:
    def run(station: Station) -> str:
        form = ReceptionDayForm(request.POST, prefix="day", station=station)
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        actions.reception_day_create(
            actor=request.user,
            station=station,
            deputies=list(form.cleaned_data["deputies"]),
            **form.changes(),
        )
        return _("已添加接待日。")

    return _post_action(request, pk, run)


@login_required
def reception_day_edit(request: HttpRequest, pk: int, day_pk: int) -> HttpResponse:
    station = _managed_station(request, pk)
    day = selectors.reception_day_get(station, day_pk)
    form = ReceptionDayForm(
        _data(request),
        instance=selectors.reception_day_get(station, day_pk),
        station=station,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.reception_day_update(
                actor=request.user,
                day=day,
                changes=form.changes(),
                deputies=list(form.cleaned_data["deputies"]),
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("已保存。"))
            return _detail(station)
    return render(
        request,
        "stations/reception_form.html",
        {"form": form, "station": station, "title": _("修改接待日")},
    )


@login_required
@require_POST
def reception_day_cancel(request: HttpRequest, pk: int, day_pk: int) -> HttpResponse:
    def run(station: Station) -> str:
        day = selectors.reception_day_get(station, day_pk)
        form = CancelForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        actions.reception_day_cancel(actor=request.user, day=day, note=note)
        return _("已取消接待日。")

    return _post_action(request, pk, run)


# --- QR code and poster ---------------------------------------------------------------


def _download(content: bytes, content_type: str, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@login_required
@require_GET
@cache_control(private=True, max_age=3600)
def station_qr_svg(request: HttpRequest, pk: int) -> HttpResponse:
    station = selectors.station_get_visible(request.user, pk)
    body = qr.svg_bytes(qr.public_url(station, request))
    return _download(
        body, "image/svg+xml", f"minqing-{station.code}.svg", inline="inline" in request.GET
    )


@login_required
@require_GET
@cache_control(private=True, max_age=3600)
def station_qr_png(request: HttpRequest, pk: int) -> HttpResponse:
    station = selectors.station_get_visible(request.user, pk)
    body = qr.png_bytes(qr.public_url(station, request))
    return _download(
        body, "image/png", f"minqing-{station.code}.png", inline="inline" in request.GET
    )


@login_required
@require_GET
def station_poster(request: HttpRequest, pk: int) -> HttpResponse:
    station = selectors.station_get_visible(request.user, pk)
    pdf = render_poster(station, url=qr.public_url(station, request), today=timezone.localdate())
    return _download(pdf, "application/pdf", f"minqing-{station.code}.pdf", inline=True)


# --- public page ----------------------------------------------------------------------


@require_safe
def public_station(request: HttpRequest, code: str) -> HttpResponse:
    """The page a citizen's phone opens from the QR code: who sits there, when the next
    reception is, how to raise an opinion. No personal contact data."""
    station = selectors.station_public_get(code)
    if code != station.code:
        # Hand-typed codes (lower case, dashes) land on the one canonical address.
        return redirect("public:station", code=station.code, permanent=True)
    today = timezone.localdate()
    suspended = station.status == StationStatus.SUSPENDED
    context = {
        "station": station,
        "code_display": display_code(station.code),
        "deputies": selectors.station_public_deputies(station),
        "receptions": [] if suspended else selectors.station_next_receptions(station, today=today),
        "suspended": suspended,
        "today": today,
    }
    response = render(request, "stations/public_station.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
