"""The station and deputy pages: the home redirect, the station inbox, the list of
every visible opinion, registering for a citizen (one at a time or in a fast row form
on a reception day) and a deputy's photo report (随手拍)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from minqing.accounts.models import Role
from minqing.core.pagination import paginate
from minqing.core.permissions import has_perm, roles_of
from minqing.core.web import apply_errors, submit_form
from minqing.opinions import actions, selectors
from minqing.opinions import permissions as perms
from minqing.opinions.forms import (
    FastEntryRowForm,
    FastEntrySetupForm,
    InboxFilterForm,
    OpinionFilterForm,
    RegisterForm,
    ReportForm,
    can_register_anywhere,
    category_choices,
    reader_region,
    viewable_stations,
)
from minqing.opinions.models import Channel, Opinion
from minqing.opinions.views import decorate, is_htmx, with_photo_count

GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])
# Short fields of the register form, two to a row on a wide screen.
HALF_WIDTH = frozenset({"station", "channel", "kind", "category", "citizen_name", "citizen_phone"})


def _detail_url(opinion: Opinion) -> str:
    return reverse("opinions:detail", args=[opinion.pk])


def _reverse_or(name: str, fallback: str) -> str:
    # The office and unit inboxes live in urls_office.py; until they are mounted the
    # reader lands on the list instead of a NoReverseMatch.
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse(fallback)


def _is_station_reader(user) -> bool:
    return perms.deputy_of(user) is not None or has_perm(user, "opinions.answer")


def _is_opinion_reader(user) -> bool:
    return perms.deputy_of(user) is not None or has_perm(user, "opinions.view_opinion")


def _render_list(
    request: HttpRequest, template: str, form, qs, categories: list, **context
) -> HttpResponse:
    """One page of the opinions ``qs``, with their photo counts and category names,
    under the filter ``form``."""
    page_obj, querystring = paginate(request, with_photo_count(qs))
    page_obj.object_list = decorate(page_obj.object_list, dict(categories))
    return render(
        request,
        template,
        {"form": form, "page_obj": page_obj, "querystring_without_page": querystring, **context},
    )


# --- home, inbox, list ------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send the reader to the inbox of the work they do."""
    user = request.user
    if perms.deputy_of(user) is not None or Role.STATION_STAFF in roles_of(user):
        return redirect("opinions:station_inbox")
    if has_perm(user, "opinions.triage"):
        return redirect(_reverse_or("opinions:office_inbox", "opinions:list"))
    if has_perm(user, "opinions.handle"):
        return redirect(_reverse_or("opinions:unit_inbox", "opinions:list"))
    if has_perm(user, "opinions.view_opinion"):
        return redirect("opinions:list")
    raise PermissionDenied(_("您没有查看民情的权限"))


@login_required
@require_GET
def station_inbox(request: HttpRequest) -> HttpResponse:
    """What waits at the reader's stations: received and not yet settled, oldest first."""
    user = request.user
    if not _is_station_reader(user):
        raise PermissionDenied(_("您没有处理联络站民情的权限"))
    categories = category_choices(reader_region(user))
    form = InboxFilterForm(request.GET or None, categories=categories)
    qs = selectors.filter_opinions(selectors.inbox_station(user), **form.params())
    return _render_list(
        request,
        "opinions/station_inbox.html",
        form,
        qs,
        categories,
        open_meetings=selectors.open_meetings(user).count(),
        can_register=can_register_anywhere(user),
        can_report=perms.can_raise_as_deputy(user),
    )


@login_required
@require_GET
def opinion_list(request: HttpRequest) -> HttpResponse:
    """Every opinion the reader may see, newest first, with the shared filters."""
    user = request.user
    if not _is_opinion_reader(user):
        raise PermissionDenied(_("您没有查看民情的权限"))
    categories = category_choices(reader_region(user))
    form = OpinionFilterForm(
        request.GET or None, categories=categories, stations=viewable_stations(user)
    )
    params = form.params()
    station = form.cleaned_data.get("station") if hasattr(form, "cleaned_data") else None
    qs = selectors.filter_opinions(
        selectors.opinions_visible(user),
        station_id=station.pk if station else None,
        **params,
    )
    return _render_list(
        request,
        "opinions/list.html",
        form,
        qs,
        categories,
        can_register=can_register_anywhere(user),
    )


# --- registering --------------------------------------------------------------------


def _require_register(user) -> None:
    if not can_register_anywhere(user):
        raise PermissionDenied(_("您没有登记民情的权限"))


def _intake_form(
    request: HttpRequest, form_class: type[RegisterForm] | type[ReportForm]
) -> RegisterForm | ReportForm:
    """``form_class`` bound to the POST and its files (unbound on a GET), offering the
    stations and the categories of the reader."""
    posted = request.method == "POST"
    return form_class(
        request.POST if posted else None,
        request.FILES if posted else None,
        user=request.user,
        categories=category_choices(reader_region(request.user)),
    )


def _intake_data(cleaned: dict, **extra) -> dict:
    keys = ("text", "kind", "category", "address", "citizen_name", "citizen_phone", "consent")
    data = {k: cleaned[k] for k in keys if k in cleaned}
    data["photos"] = cleaned.get("photos") or []
    data.update(extra)
    return data


@login_required
@GET_OR_POST
def register(request: HttpRequest) -> HttpResponse:
    """Register one opinion a citizen brought in (walk-in, booth, phone, letter …)."""
    user = request.user
    _require_register(user)
    form = _intake_form(request, RegisterForm)
    saved = submit_form(
        request,
        form,
        lambda: actions.opinion_register(
            actor=user,
            data=_intake_data(form.cleaned_data),
            channel=form.cleaned_data["channel"],
            station=form.cleaned_data["station"],
            client_token=form.cleaned_data["client_token"],
        ),
        success=lambda o: _("已登记，查询码 %(code)s") % {"code": o.code},
        next_url=_detail_url,
    )
    if saved:
        return saved
    return render(request, "opinions/register.html", {"form": form, "half_width": HALF_WIDTH})


def _fast_rows(user, setup: dict) -> list[Opinion]:
    """The rows this user has entered today in this station and channel (the sheet
    above the form), oldest first."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    qs = selectors.opinions_visible(user).filter(
        created_by=user,
        station=setup["station"],
        channel=setup["channel"],
        created_at__gte=start,
    )
    return list(qs.order_by("created_at", "id")[:500])


def _fast_query(setup: dict) -> str:
    return urlencode(
        {
            "station": setup["station"].pk,
            "channel": setup["channel"],
            "date": setup["date"].isoformat(),
            **({"consent": "on"} if setup.get("consent") else {}),
        }
    )


@login_required
@GET_OR_POST
def fast_entry(request: HttpRequest) -> HttpResponse:
    """The reception-day sheet: one station, channel and day, then one compact row per
    citizen. With htmx a row is saved in place and the form comes back empty; without
    JavaScript it is a plain POST followed by a redirect to the same sheet."""
    user = request.user
    _require_register(user)
    source = request.POST if request.method == "POST" else request.GET
    setup_form = FastEntrySetupForm(source or None, user=user)
    if not setup_form.is_valid():
        if request.method == "POST":
            messages.error(request, _("接待登记信息不完整，请重新选择联络站和渠道"))
            if is_htmx(request):
                # The row form's target is not on the setup page: reload the whole page.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = reverse("opinions:fast_entry")
                return response
        return render(request, "opinions/fast_entry.html", {"setup_form": setup_form})
    setup = setup_form.cleaned_data
    row_form = FastEntryRowForm(request.POST if request.method == "POST" else None)
    last_saved = None
    if request.method == "POST" and row_form.is_valid():
        started = timezone.now()
        try:
            opinion = actions.opinion_register(
                actor=user,
                data=_intake_data(row_form.cleaned_data, consent=setup.get("consent", False)),
                channel=setup["channel"],
                station=setup["station"],
                client_token=row_form.cleaned_data["client_token"],
            )
        except ValidationError as exc:
            apply_errors(row_form, exc)
        else:
            replayed = opinion.created_at < started
            text = (
                _("这一行已保存过，查询码 %(code)s")
                if replayed
                else _("已登记 %(name)s，查询码 %(code)s")
            ) % {"name": opinion.citizen_name, "code": opinion.code}
            if not is_htmx(request):
                messages.success(request, text)
                return redirect(f"{reverse('opinions:fast_entry')}?{_fast_query(setup)}")
            last_saved = text
            row_form = FastEntryRowForm()
    row_form.set_focus()
    return render(
        request,
        "opinions/fast_entry.html",
        {
            "setup_form": setup_form,
            "setup": setup,
            "row_form": row_form,
            "rows": _fast_rows(user, setup),
            "last_saved": last_saved,
            "channel_label": Channel(setup["channel"]).label,
            "restart_url": reverse("opinions:fast_entry"),
        },
    )


@login_required
@GET_OR_POST
def report(request: HttpRequest) -> HttpResponse:
    """A deputy's photo report (代表随手拍): what they saw, with photos and the place."""
    user = request.user
    if not perms.can_raise_as_deputy(user):
        raise PermissionDenied(_("只有人大代表可以随手拍"))
    form = _intake_form(request, ReportForm)
    saved = submit_form(
        request,
        form,
        lambda: actions.opinion_report(
            actor=user,
            data={
                "text": form.cleaned_data["text"],
                "kind": form.cleaned_data["kind"],
                "category": form.cleaned_data["category"],
                "address": form.cleaned_data["address"],
                "latitude": form.cleaned_data["latitude"],
                "longitude": form.cleaned_data["longitude"],
                "photos": form.cleaned_data["photos"],
            },
            station=form.cleaned_data["station"],
            client_token=form.cleaned_data["client_token"],
        ),
        success=lambda o: _("随手拍已提交，查询码 %(code)s") % {"code": o.code},
        next_url=_detail_url,
    )
    if saved:
        return saved
    return render(
        request,
        "opinions/report.html",
        {"form": form, "choose_station": form.fields["station"].queryset.count() > 1},
    )
