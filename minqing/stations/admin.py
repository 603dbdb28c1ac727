"""Django admin for stations: browsing, plus lifecycle actions that go through the
station actions (so they are permission-checked, time-lined and audited).

Editing happens on the staff pages, which audit every change; the admin forms are
read-only because the admin's own save path would bypass the actions.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minqing.core.admin import ReadOnlyMixin
from minqing.core.states import InvalidTransition
from minqing.stations import actions
from minqing.stations.models import ReceptionDay, ReceptionSchedule, Station, StationDeputy


class StationDeputyInline(ReadOnlyMixin, admin.TabularInline):
    model = StationDeputy
    fields = ["deputy", "is_convener", "since"]
    readonly_fields = fields
    extra = 0


class ReceptionScheduleInline(ReadOnlyMixin, admin.TabularInline):
    model = ReceptionSchedule
    fields = ["rule", "day_of_month", "week_of_month", "weekday", "start_time", "end_time",
              "skip_non_working_days", "is_active"]  # fmt: skip
    readonly_fields = fields
    extra = 0


def _run(modeladmin, request, queryset, action, done: str) -> None:
    count = 0
    for station in queryset:
        try:
            action(actor=request.user, station=station)
        except (InvalidTransition, PermissionDenied) as exc:
            modeladmin.message_user(
                request,
                gettext("%(station)s：%(error)s") % {"station": station, "error": exc},
                messages.WARNING,
            )
        else:
            count += 1
    if count:
        modeladmin.message_user(request, done % {"n": count}, messages.SUCCESS)


@admin.action(description=_("启用所选联络站"))
def open_stations(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, actions.station_open, _("已启用 %(n)s 个联络站。"))


@admin.action(description=_("暂停所选联络站的接待"))
def suspend_stations(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, actions.station_suspend, _("已暂停 %(n)s 个联络站。"))


@admin.action(description=_("恢复所选联络站的接待"))
def resume_stations(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, actions.station_resume, _("已恢复 %(n)s 个联络站。"))


@admin.action(description=_("撤销所选联络站"))
def close_stations(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, actions.station_close, _("已撤销 %(n)s 个联络站。"))


@admin.register(Station)
class StationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "region", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "code", "address", "region__name"]
    list_select_related = ["region"]
    readonly_fields = ["code", "name", "kind", "region", "address", "latitude", "longitude",
                       "opening_hours", "phone", "description", "sector", "status",
                       "created_at"]  # fmt: skip
    inlines = [StationDeputyInline, ReceptionScheduleInline]
    actions = [open_stations, suspend_stations, resume_stations, close_stations]


@admin.register(ReceptionDay)
class ReceptionDayAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["station", "date", "start_time", "end_time", "title", "cancelled"]
    list_filter = ["cancelled"]
    search_fields = ["station__name", "title"]
    list_select_related = ["station"]
    date_hierarchy = "date"


@admin.register(ReceptionSchedule)
class ReceptionScheduleAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["station", "rule", "day_of_month", "weekday", "start_time", "is_active"]
    list_filter = ["rule", "is_active"]
    search_fields = ["station__name"]
    list_select_related = ["station"]
