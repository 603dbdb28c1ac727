"""Notifications in the Django admin: for looking up what someone was told and whether
the e-mail went out. Read-only; the inbox and the API change read state."""

from __future__ import annotations

from django.contrib import admin

from minqing.core.admin import ReadOnlyAdmin
from minqing.notify.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "verb", "title", "read_at", "emailed_at"]
    list_filter = ["verb"]
    search_fields = ["title", "verb", "recipient__username", "recipient__display_name"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
