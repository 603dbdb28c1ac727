"""Staff pages for stations and the public station page behind the QR code.

Thin: parse with forms, call one selector or action, render. Permission checks live in
the selectors (scope → 404) and actions (require → 403).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST, require_safe

from minqing.core.codes import display as display_code
from minqing.core.pagination import render_list
from minqing.core.permissions import has_perm
from minqing.core.states import InvalidTransition
from minqing.core.web import apply_error_line, run_action, submit_form
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
from minqing.stations.permissions import MANAGE, can_manage_region, can_manage_region_anywhere
from minqing.stations.poster import render_poster
from minqing.stations.schedule import describe
from minqing.stations.states import STATION_STATES, StationStatus

VIEW = selectors.VIEW

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


def _data(request: HttpRequest):
    """The POST data to bind a form to (even when empty), or None on GET."""
    return request.POST if request.method == "POST" else None


def _detail_url(station: Station) -> str:
    return reverse("stations:station_detail", kwargs={"pk": station.pk})


def _station_fields(form: StationForm) -> dict:
    """The fields of a valid StationForm that the station actions take."""
    return {name: form.cleaned_data[name] for name in actions.STATION_FIELDS}


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
    return render_list(
        request,
        "stations/station_list.html",
        stations,
        {
            "form": form,
            "can_create": can_manage_region_anywhere(request.user),
        },
    )


@login_required
@require_GET
def station_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    station = selectors.station_get_visible(user, pk)
    can_manage = has_perm(user, MANAGE, station) and station.status != StationStatus.CLOSED
    can_transition = has_perm(user, MANAGE, station)
    can_manage_staff = can_manage and can_manage_region(user, station.region)
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
    if not can_manage_region_anywhere(request.user):
        raise PermissionDenied(_("您没有新建联络站的权限"))
    form = StationForm(_data(request), user=request.user)
    saved = submit_form(
        request,
        form,
        lambda: actions.station_create(actor=request.user, **_station_fields(form)),
        success=_("联络站已创建，状态为「筹建中」。"),
        next_url=_detail_url,
        on_error=apply_error_line,
    )
    if saved:
        return saved
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
    saved = submit_form(
        request,
        form,
        lambda: actions.station_update(
            actor=request.user, station=station, changes=_station_fields(form)
        ),
        success=_("已保存。"),
        next_url=_detail_url(station),
        on_error=apply_error_line,
    )
    if saved:
        return saved
    return render(request, "stations/station_form.html", {"form": form, "station": station})


@login_required
@require_POST
def station_transition(request: HttpRequest, pk: int) -> HttpResponse:
    station = _managed_station(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("无效的状态。"))
        return redirect(_detail_url(station))
    try:
        actions.station_transition(
            actor=request.user,
            station=station,
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"],
        )
    except InvalidTransition as exc:
        messages.error(request, str(exc))
        return redirect(_detail_url(station))
    messages.success(
        request, _("状态已改为「%(status)s」。") % {"status": station.get_status_display()}
    )
    return redirect(_detail_url(station))


# --- sub-actions on the detail page ---------------------------------------------------


@login_required
@require_POST
def station_deputy_add(request: HttpRequest, pk: int) -> HttpResponse:
    station = _managed_station(request, pk)
    form = DeputyAddForm(request.POST, deputies=selectors.visible_deputies(request.user))
    return run_action(
        request,
        lambda: actions.station_deputy_add(
            actor=request.user,
            station=station,
            deputy=form.cleaned_data["deputy"],
            is_convener=form.cleaned_data["is_convener"],
        ),
        form=form,
        success=lambda membership: _("已添加代表 %(name)s。") % {"name": membership.deputy.name},
        next_url=_detail_url(station),
    )


@login_required
@require_POST
def station_deputy_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    station = _managed_station(request, pk)
    membership = selectors.membership_get(station, membership_pk)
    return run_action(
        request,
        lambda: actions.station_deputy_remove(actor=request.user, membership=membership),
        success=_("已移除代表 %(name)s。") % {"name": membership.deputy.name},
        next_url=_detail_url(station),
    )


@login_required
@require_POST
def station_staff_grant(request: HttpRequest, pk: int) -> HttpResponse:
    station = _managed_station(request, pk)
    form = StaffGrantForm(request.POST)
    return run_action(
        request,
        lambda: actions.station_staff_grant(
            actor=request.user, station=station, user=form.cleaned_data["username"]
        ),
        form=form,
        success=lambda grant: _("已将 %(user)s 设为本站工作人员。") % {"user": grant.user},
        next_url=_detail_url(station),
    )


@login_required
@require_POST
def station_staff_revoke(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    station = _managed_station(request, pk)
    role_grant = selectors.staff_grant_get(station, grant_pk)
    return run_action(
        request,
        lambda: actions.station_staff_revoke(actor=request.user, role_grant=role_grant),
        success=_("已撤销 %(user)s 的工作人员权限。") % {"user": role_grant.user},
        next_url=_detail_url(station),
    )


@login_required
@require_POST
def schedule_create(request: HttpRequest, pk: int) -> HttpResponse:
    station = _managed_station(request, pk)
    form = ReceptionScheduleForm(request.POST, prefix="schedule")

    def create() -> None:
        data = form.changes()
        data.pop("is_active")
        actions.reception_schedule_create(actor=request.user, station=station, **data)

    return run_action(
        request,
        create,
        form=form,
        success=_("已添加固定接待安排。"),
        next_url=_detail_url(station),
    )


def _reception_edit(
    request: HttpRequest,
    station: Station,
    form: ReceptionScheduleForm | ReceptionDayForm,
    call: Callable[[], object],
    *,
    title: str,
) -> HttpResponse:
    """The edit page of a recurring rule or a reception day: saved through ``call``, back
    to the station; refused, the form again with the reason."""
    saved = submit_form(
        request,
        form,
        call,
        success=_("已保存。"),
        next_url=_detail_url(station),
        on_error=apply_error_line,
    )
    if saved:
        return saved
    return render(
        request,
        "stations/reception_form.html",
        {"form": form, "station": station, "title": title},
    )


@login_required
def schedule_edit(request: HttpRequest, pk: int, schedule_pk: int) -> HttpResponse:
    station = _managed_station(request, pk)
    schedule = selectors.schedule_get(station, schedule_pk)
    form = ReceptionScheduleForm(
        _data(request), instance=selectors.schedule_get(station, schedule_pk)
    )
    return _reception_edit(
        request,
        station,
        form,
        lambda: actions.reception_schedule_update(
            actor=request.user, schedule=schedule, changes=form.changes()
        ),
        title=_("修改固定接待安排"),
    )


@login_required
@require_POST
def schedule_delete(request: HttpRequest, pk: int, schedule_pk: int) -> HttpResponse:
    station = _managed_station(request, pk)
    schedule = selectors.schedule_get(station, schedule_pk)
    return run_action(
        request,
        lambda: actions.reception_schedule_delete(actor=request.user, schedule=schedule),
        success=_("已删除固定接待安排。"),
        next_url=_detail_url(station),
    )


@login_required
@require_POST
def reception_day_create(request: HttpRequest, pk: int) -> HttpResponse:
    station = _managed_station(request, pk)
    form = ReceptionDayForm(request.POST, prefix="day", station=station)
    return run_action(
        request,
        lambda: actions.reception_day_create(
            actor=request.user,
            station=station,
            deputies=list(form.cleaned_data["deputies"]),
            **form.changes(),
        ),
        form=form,
        success=_("已添加接待日。"),
        next_url=_detail_url(station),
    )


@login_required
def reception_day_edit(request: HttpRequest, pk: int, day_pk: int) -> HttpResponse:
    station = _managed_station(request, pk)
    day = selectors.reception_day_get(station, day_pk)
    form = ReceptionDayForm(
        _data(request),
        instance=selectors.reception_day_get(station, day_pk),
        station=station,
    )
    return _reception_edit(
        request,
        station,
        form,
        lambda: actions.reception_day_update(
            actor=request.user,
            day=day,
            changes=form.changes(),
            deputies=list(form.cleaned_data["deputies"]),
        ),
        title=_("修改接待日"),
    )


@login_required
@require_POST
def reception_day_cancel(request: HttpRequest, pk: int, day_pk: int) -> HttpResponse:
    station = _managed_station(request, pk)
    day = selectors.reception_day_get(station, day_pk)
    form = CancelForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return run_action(
        request,
        lambda: actions.reception_day_cancel(actor=request.user, day=day, note=note),
        success=_("已取消接待日。"),
        next_url=_detail_url(station),
    )


# --- QR code and poster ---------------------------------------------------------------


def _download(content: bytes, content_type: str, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _qr_download(
    request: HttpRequest, pk: int, draw: Callable[[str], bytes], content_type: str, extension: str
) -> HttpResponse:
    """The station's QR code as a file (shown in the browser with ``?inline``)."""
    station = selectors.station_get_visible(request.user, pk)
    return _download(
        draw(qr.public_url(station, request)),
        content_type,
        f"minqing-{station.code}.{extension}",
        inline="inline" in request.GET,
    )


@login_required
@require_GET
@cache_control(private=True, max_age=3600)
def station_qr_svg(request: HttpRequest, pk: int) -> HttpResponse:
    return _qr_download(request, pk, qr.svg_bytes, "image/svg+xml", "svg")


@login_required
@require_GET
@cache_control(private=True, max_age=3600)
def station_qr_png(request: HttpRequest, pk: int) -> HttpResponse:
    return _qr_download(request, pk, qr.png_bytes, "image/png", "png")


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
