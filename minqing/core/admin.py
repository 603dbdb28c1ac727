"""Django admin for core reference data, read-only.

Regions, per-region settings, the holiday calendar and the audit log are changed only
through ``core.actions`` (which check scope and write the audit log) or, for GB/T 2260
regions and the packaged calendar, through management commands. The admin is a place
to look things up; the staff pages (行政区划, 区域设置, 节假日, 审计日志) do the editing.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from minqing.core.models import AuditEntry, CalendarDay, CalendarYear, Region, RegionSetting


class ReadOnlyMixin:
    """Lists and shows rows; never adds, changes or deletes them (for admins and
    inlines of every app whose rows change only through its actions)."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A ModelAdmin that lists and shows rows only."""


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    show_full_result_count = False


@admin.register(RegionSetting)
class RegionSettingAdmin(ReadOnlyAdmin):
    list_display = ["region", "key", "value", "updated_by", "updated_at"]
    search_fields = ["region__code", "region__name", "key"]
    list_select_related = ["region", "updated_by"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_label", "verb", "object_repr", "region", "ip"]
    list_filter = ["channel"]
    search_fields = ["verb", "actor_label", "object_repr", "request_id"]
    list_select_related = ["region"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "source", "loaded_at"]
