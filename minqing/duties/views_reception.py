"""The reception pages: the office's unified reception days (统一接待日) — list, create,
edit, the day's page with its posts and duty slots, the duty picker, the notices, start,
close, cancel and the live tally polled by htmx — and a station's reception day, where
a deputy checks in on a phone, the staff check deputies in, count the voters received
and open the opinions fast-entry sheet.

Thin, like every page: the selectors answer 404 outside the reader's scope, a reader
who sees a day but does not run it gets 403, and the actions refuse with a Chinese
ValidationError, shown as a message (buttons) or on the form (create, edit, assign).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minqing.core.i18n import join_errors, join_list
from minqing.core.pagination import paginate
from minqing.core.permissions import grants_for, has_perm
from minqing.core.region_scope import region_choices
from minqing.core.states import InvalidTransition
from minqing.core.web import apply_errors, form_errors_text, submit_form
from minqing.duties import actions, selectors
from minqing.duties import permissions as perms
from minqing.duties import selectors_reception as reads
from minqing.duties.forms_reception import (
    AssignForm,
    CancelForm,
    CheckInForm,
    DayCreateForm,
    DayFilterForm,
    DayForm,
    VisitorsForm,
)
from minqing.duties.models import UnifiedDay, UnifiedDayState, UnifiedPost
from minqing.opinions.forms import registrable_stations
from minqing.opinions.models import Channel
from minqing.opinions.permissions import deputy_of

# How often the day's page asks for the live tally (seconds).
TALLY_POLL_SECONDS = 10
LIVE_STATES = (UnifiedDayState.PLANNED, UnifiedDayState.ONGOING)
# Above this many stations in the chosen region the form offers no station-by-station
# choice: the office picks a smaller region instead.
STATION_PICK_LIMIT = 400


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _require_view(user) -> None:
    if not has_perm(user, perms.VIEW):
        raise PermissionDenied(_("您没有查看代表履职工作的权限"))


def _require_manage(user, obj=None) -> None:
    if not has_perm(user, perms.MANAGE, obj):
        raise PermissionDenied(_("只有人大机关工作人员可以安排统一接待日"))


def _day_url(day: UnifiedDay, anchor: str = "") -> str:
    url = reverse("duties:unified_day_detail", args=[day.pk])
    return f"{url}#{anchor}" if anchor else url


def _managed_day(request: HttpRequest, pk: int) -> UnifiedDay:
    """A day the reader sees (else 404) and runs (else 403)."""
    day = selectors.unified_day_get_visible(request.user, pk)
    _require_manage(request.user, day)
    return day


def _run(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    success: str | Callable[[Any], str],
    next_url: str,
) -> HttpResponse:
    """Run one action from a button and go back with a message: the success text, the
    Chinese refusal, or a note that the day moved on meanwhile."""
    try:
        result = call()
    except ValidationError as exc:
        messages.error(request, join_errors(exc))
    except InvalidTransition as exc:
        messages.error(
            request,
            _("接待日的状态已经变化，本次操作未执行（%(reason)s）。") % {"reason": exc},
        )
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(next_url)


# --- the office's list and the create/edit pages ---------------------------------------


@login_required
@require_GET
def unified_day_list(request: HttpRequest) -> HttpResponse:
    """The unified reception days the reader sees, newest first, with their state,
    date, stations and deputies present/assigned; filters by state and title."""
    user = request.user
    _require_view(user)
    form = DayFilterForm(request.GET or None)
    page_obj, querystring = paginate(request, reads.unified_day_rows(user, **form.params()))
    return render(
        request,
        "duties/reception/list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "querystring_without_page": querystring,
            "can_create": has_perm(user, perms.MANAGE),
            "today": timezone.localdate(),
        },
    )


def _created(day: UnifiedDay) -> str:
    n = day.posts.count()
    return ngettext(
        "已创建统一接待日，共 %(n)s 个联络站。请为各站安排值班代表。",
        "已创建统一接待日，共 %(n)s 个联络站。请为各站安排值班代表。",
        n,
    ) % {"n": n}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def unified_day_create(request: HttpRequest) -> HttpResponse:
    """The office sets a unified reception day for one of its regions: every active
    in-person station there, or the ones ticked."""
    user = request.user
    _require_manage(user)
    regions = region_choices(user, perms.MANAGE, depth=1)
    posted = request.method == "POST"
    # The stations offered are those of the region chosen (the first by default); the
    # region select reloads the list with htmx.
    wanted = (request.POST if posted else request.GET).get("region", "")
    chosen = next((r for r in regions if str(r.pk) == wanted), regions[0] if regions else None)
    stations = reads.candidate_stations([chosen] if chosen else [])
    count = stations.count()
    form = DayCreateForm(
        request.POST if posted else None,
        regions=regions,
        stations=stations,
        initial={"region": chosen.pk if chosen else None},
    )
    form.fields["region"].widget.attrs.update(
        {
            "hx-get": reverse("duties:unified_day_create"),
            "hx-trigger": "change",
            "hx-target": "#station-choice",
            "hx-select": "#station-choice",
            "hx-swap": "outerHTML",
        }
    )
    saved = submit_form(
        request,
        form,
        lambda: actions.unified_day_create(
            actor=user,
            region=form.cleaned_data["region"],
            data=form.data_for_action(),
            stations=list(form.cleaned_data["stations"]) or None,
        ),
        success=_created,
        next_url=_day_url,
    )
    if saved:
        return saved
    return render(
        request,
        "duties/reception/form.html",
        {
            "form": form,
            "creating": True,
            "station_count": count,
            "station_pick": 0 < count <= STATION_PICK_LIMIT,
            "chosen_region": chosen,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def unified_day_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The office changes the title, date, hours or note while the day is planned."""
    day = _managed_day(request, pk)
    if day.state != UnifiedDayState.PLANNED:
        messages.error(request, _("接待日已开始，不能修改"))
        return redirect(_day_url(day))
    initial = {
        "title": day.title,
        "date": day.date,
        "start_time": day.start_time,
        "end_time": day.end_time,
        "note": day.note,
    }
    form = DayForm(request.POST if request.method == "POST" else None, initial=initial)
    saved = submit_form(
        request,
        form,
        lambda: actions.unified_day_update(
            actor=request.user, day=day, data=form.data_for_action()
        ),
        success=_("已保存接待日安排。"),
        next_url=_day_url,
    )
    if saved:
        return saved
    return render(
        request, "duties/reception/form.html", {"form": form, "creating": False, "day": day}
    )


# --- the day's page ------------------------------------------------------------------------


def _tally_context(day: UnifiedDay) -> dict[str, Any]:
    # Polled only on the day itself: a day weeks ahead has nothing to follow yet.
    live = day.state == UnifiedDayState.ONGOING or (
        day.state == UnifiedDayState.PLANNED and day.date == timezone.localdate()
    )
    if day.state == UnifiedDayState.CLOSED and day.tally:
        tally: Any = day.tally
    else:
        tally = selectors.unified_tally(day)
    return {"day": day, "tally": tally, "live": live, "poll": TALLY_POLL_SECONDS}


def _detail_context(
    request: HttpRequest,
    day: UnifiedDay,
    *,
    assign_post: int | None = None,
    assign_form: AssignForm | None = None,
    cancel_form: CancelForm | None = None,
) -> dict[str, Any]:
    user = request.user
    can_manage = has_perm(user, perms.MANAGE, day)
    state = day.state
    today = timezone.localdate()
    posts: list[UnifiedPost] = list(selectors.posts_of(day))
    slots = [s for p in posts for s in p.slots.all()]
    can_assign = can_manage and state in LIVE_STATES
    seated: dict[int, list] = {}
    if can_assign:
        seated = reads.seated_by_station(
            [p.station_id for p in posts], exclude={s.deputy_id for s in slots}
        )
    # A refused assignment keeps what was ticked: the station's own deputies in their
    # list, the others found by search in the picker.
    ticked_ids: set[int] = set()
    ticked_others: list = []
    if assign_form is not None:
        ticked_ids = {int(v) for v in assign_form.data.getlist("deputies") if v.isdigit()}
    rows = []
    for p in posts:
        own = seated.get(p.station_id, [])
        if assign_post == p.pk and ticked_ids:
            own_ids = {d.pk for d in own}
            ticked_others = list(
                reads.assignable_deputies(user)
                .filter(pk__in=ticked_ids - own_ids)
                .order_by("name", "id")
            )
        rows.append(
            {
                "post": p,
                "slots": list(p.slots.all()),
                "seated": own,
                "form": assign_form if assign_post == p.pk else None,
                "ticked_ids": ticked_ids if assign_post == p.pk else set(),
                "ticked": ticked_others if assign_post == p.pk else [],
            }
        )
    unnotified = sum(1 for s in slots if s.notified_at is None)
    return {
        "day": day,
        "rows": rows,
        "slot_count": len(slots),
        "unnotified": unnotified,
        "can_manage": can_manage,
        "can_edit": can_manage and state == UnifiedDayState.PLANNED,
        "can_assign": can_assign,
        "can_notify": can_assign and unnotified > 0,
        "can_start": can_manage and state == UnifiedDayState.PLANNED and day.date == today,
        "can_close": can_manage and state == UnifiedDayState.ONGOING,
        "can_cancel": can_manage and state == UnifiedDayState.PLANNED,
        "cancel_form": cancel_form or CancelForm(),
        "assign_post": assign_post,
        "is_today": day.date == today,
        **_tally_context(day),
    }


@login_required
@require_GET
def unified_day_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A unified day: its live tally, and each station's post with the deputies on
    duty; the office assigns deputies, sends the notices, starts, closes or cancels."""
    day = selectors.unified_day_get_visible(request.user, pk)
    return render(request, "duties/reception/detail.html", _detail_context(request, day))


@login_required
@require_GET
def unified_day_tally(request: HttpRequest, pk: int) -> HttpResponse:
    """The tally block of the day's page (an htmx partial, polled while the day is
    live; a closed day answers its stored tally and stops the polling)."""
    day = selectors.unified_day_get_visible(request.user, pk)
    return render(request, "duties/reception/_tally.html", _tally_context(day))


@login_required
@require_POST
def unified_day_notify(request: HttpRequest, pk: int) -> HttpResponse:
    day = _managed_day(request, pk)
    return _run(
        request,
        lambda: actions.unified_day_notify(actor=request.user, day=day),
        success=lambda n: (
            ngettext("已向 %(n)s 名代表发送值班通知。", "已向 %(n)s 名代表发送值班通知。", n)
            % {"n": n}
        ),
        next_url=_day_url(day),
    )


@login_required
@require_POST
def unified_day_start(request: HttpRequest, pk: int) -> HttpResponse:
    day = _managed_day(request, pk)
    return _run(
        request,
        lambda: actions.unified_day_start(actor=request.user, day=day),
        success=_("接待日已开始，各站可以签到。"),
        next_url=_day_url(day),
    )


@login_required
@require_POST
def unified_day_close(request: HttpRequest, pk: int) -> HttpResponse:
    day = _managed_day(request, pk)
    return _run(
        request,
        lambda: actions.unified_day_close(actor=request.user, day=day),
        success=_("接待日已结束，最终统计已保存；未签到的代表记为未到岗。"),
        next_url=_day_url(day),
    )


@login_required
@require_POST
def unified_day_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    day = _managed_day(request, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            actions.unified_day_cancel(actor=request.user, day=day, note=form.cleaned_data["note"])
        except ValidationError as exc:
            # The action's one refusal of the text is about the reason.
            form.add_error("note", exc.messages)
        except InvalidTransition as exc:
            messages.error(
                request,
                _("接待日的状态已经变化，本次操作未执行（%(reason)s）。") % {"reason": exc},
            )
            return redirect(_day_url(day))
        else:
            messages.success(request, _("接待日已取消，已通知的代表将收到取消通知。"))
            return redirect(_day_url(day))
    context = _detail_context(request, day, cancel_form=form)
    if not context["can_cancel"]:
        messages.error(request, form_errors_text(form))
        return redirect(_day_url(day))
    return render(request, "duties/reception/detail.html", context)


# --- duty slots ----------------------------------------------------------------------------


@login_required
@require_POST
def duty_slot_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Put the ticked deputies on duty at one post; a refusal shows the day's page
    again with the choice kept under that post."""
    user = request.user
    post = reads.post_get_visible(user, pk)
    day = post.day
    _require_manage(user, day)
    form = AssignForm(request.POST, pool=reads.assignable_deputies(user))
    if form.is_valid():
        try:
            slots = actions.duty_slot_assign(
                actor=user,
                post=post,
                deputies=list(form.cleaned_data["deputies"]),
                start_time=form.cleaned_data["start_time"],
                end_time=form.cleaned_data["end_time"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except InvalidTransition:
            messages.error(request, _("接待日的状态已经变化，本次操作未执行。"))
            return redirect(_day_url(day))
        else:
            messages.success(
                request,
                _("已安排%(names)s在%(station)s值班。")
                % {"names": join_list(s.deputy.name for s in slots), "station": post.station.name},
            )
            return redirect(_day_url(day, f"post-{post.pk}"))
    context = _detail_context(request, day, assign_post=post.pk, assign_form=form)
    if not context["can_assign"]:
        messages.error(request, form_errors_text(form))
        return redirect(_day_url(day))
    return render(request, "duties/reception/detail.html", context)


@login_required
@require_POST
def duty_slot_remove(request: HttpRequest, pk: int) -> HttpResponse:
    slot = reads.slot_get_visible(request.user, pk)
    day = slot.post.day
    _require_manage(request.user, day)
    return _run(
        request,
        lambda: actions.duty_slot_remove(actor=request.user, slot=slot),
        success=_("已取消%(name)s在%(station)s的值班安排。")
        % {"name": slot.deputy.name, "station": slot.post.station.name},
        next_url=_day_url(day, f"post-{slot.post_id}"),
    )


@login_required
@require_GET
def duty_picker(request: HttpRequest, pk: int) -> HttpResponse:
    """Search deputies to put on duty at a post (an htmx fragment): the ones already
    ticked stay, then at most ``PICKER_LIMIT`` found by name or deputy number, the
    station's own first; deputies on duty elsewhere that day are left out."""
    user = request.user
    post = reads.post_get_visible(user, pk)
    _require_manage(user, post.day)
    text = request.GET.get("q", "")
    ticked_ids = {int(v) for v in request.GET.getlist("deputies") if v.isdigit()}
    ticked = list(
        reads.assignable_deputies(user).filter(pk__in=list(ticked_ids)[:50]).order_by("name", "id")
    )
    found = [d for d in reads.picker_deputies(user, post, text) if d.pk not in ticked_ids]
    return render(
        request,
        "duties/reception/_picker.html",
        {
            "post": post,
            "ticked": ticked,
            "found": found,
            "text": text.strip(),
            "limit": reads.PICKER_LIMIT,
            "full": len(found) >= reads.PICKER_LIMIT,
        },
    )


# --- a station's reception day --------------------------------------------------------------


@login_required
@require_GET
def reception_home(request: HttpRequest) -> HttpResponse:
    """Where a deputy or a station's staff member receives voters today: straight to
    the station when there is one, else a short list to choose from."""
    user = request.user
    if deputy_of(user) is None and not grants_for(user, perms.VIEW):
        raise PermissionDenied(_("只有联络站工作人员和人大代表可以使用接待签到"))
    stations = reads.reception_stations(user)
    if len(stations) == 1:
        return redirect("duties:station_today", station_pk=stations[0].pk)
    return render(request, "duties/reception/home.html", {"stations": stations})


def _station_context(request: HttpRequest, station, **extra) -> dict[str, Any]:
    user = request.user
    base = selectors.station_reception_today(user, station)
    day = reads.station_day(user, station, base)
    me = deputy_of(user)
    my_row = next((r for r in day.rows if me is not None and r.deputy.pk == me.pk), None)
    checked_in = my_row is not None and my_row.checked_in_at is not None
    today = timezone.localdate()
    can_register = registrable_stations(user).filter(pk=station.pk).exists()
    fast_entry = ""
    if can_register:
        fast_entry = "{}?{}".format(
            reverse("opinions:fast_entry"),
            urlencode({"station": station.pk, "channel": Channel.VISIT, "date": today.isoformat()}),
        )
    return {
        "station": station,
        "sd": day,
        "today": today,
        "me": me,
        "my_row": my_row,
        "can_check_in_self": my_row is not None and not checked_in,
        "can_count": bool(day.activities) and (day.can_record or checked_in),
        "fast_entry_url": fast_entry,
        **extra,
    }


def _station_page(request: HttpRequest, station, **extra) -> HttpResponse:
    return render(
        request, "duties/reception/station.html", _station_context(request, station, **extra)
    )


def _station_step(request: HttpRequest, station, call: Callable[[], str]) -> HttpResponse:
    """Run one step of the station page (``call`` runs the action and returns the
    success text). With htmx the page comes back at once with the result on it;
    without, a redirect with a message."""
    notice = error = ""
    try:
        notice = call()
    except ValidationError as exc:
        error = join_errors(exc)
    except InvalidTransition as exc:
        error = _("状态已经变化，本次操作未执行（%(reason)s）。") % {"reason": exc}
    if _is_htmx(request):
        return _station_page(request, station, notice=notice, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect("duties:station_today", station_pk=station.pk)


@login_required
@require_GET
def station_today(request: HttpRequest, station_pk: int) -> HttpResponse:
    """A station's reception today, on a phone: the deputies on duty (or sitting
    there) and who checked in, the 签到 button, the day's figures, the visitor count
    and the way to the opinions fast-entry sheet."""
    station = reads.station_reception_get(request.user, station_pk)
    return _station_page(request, station)


@login_required
@require_POST
def reception_check_in(request: HttpRequest, station_pk: int) -> HttpResponse:
    """A deputy checks in (no ``deputy``), or the staff check a listed deputy in."""
    user = request.user
    station = reads.station_reception_get(user, station_pk)
    base = selectors.station_reception_today(user, station)
    rows = reads.station_day(user, station, base).rows
    form = CheckInForm(request.POST, candidates={r.deputy.pk: r.deputy for r in rows})

    def call() -> str:
        if not form.is_valid():
            raise ValidationError(form_errors_text(form))
        p = actions.reception_check_in(
            actor=user, station=station, deputy=form.cleaned_data["deputy"]
        )
        return _("%(name)s已签到（%(time)s）。") % {
            "name": p.deputy.name,
            "time": timezone.localtime(p.checked_in_at).strftime("%H:%M"),
        }

    return _station_step(request, station, call)


@login_required
@require_POST
def reception_visitors_add(request: HttpRequest, station_pk: int) -> HttpResponse:
    """Count one more (``count`` 1) or one fewer (-1) voter received at today's
    reception whose matter was not registered as an opinion."""
    user = request.user
    station = reads.station_reception_get(user, station_pk)
    base = selectors.station_reception_today(user, station)
    form = VisitorsForm(request.POST, activities=base["activities"])

    def call() -> str:
        if not form.is_valid():
            raise ValidationError(form_errors_text(form))
        activity = actions.reception_visitors_add(
            actor=user, activity=form.cleaned_data["activity"], count=form.cleaned_data["count"]
        )
        return _("已更新其他接待人次：%(n)s 人次。") % {"n": activity.extra_visitors}

    return _station_step(request, station, call)


__all__ = [
    "duty_picker",
    "duty_slot_assign",
    "duty_slot_remove",
    "reception_check_in",
    "reception_home",
    "reception_visitors_add",
    "station_today",
    "unified_day_cancel",
    "unified_day_close",
    "unified_day_create",
    "unified_day_detail",
    "unified_day_edit",
    "unified_day_list",
    "unified_day_notify",
    "unified_day_start",
    "unified_day_tally",
]
