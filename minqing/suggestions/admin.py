"""Read-only admin views: suggestions change only through their actions."""

from django.contrib import admin

from minqing.core.admin import ReadOnlyAdmin
from minqing.suggestions.models import CongressSession, Suggestion


@admin.register(CongressSession)
class CongressSessionAdmin(ReadOnlyAdmin):
    list_display = ["name", "congress", "start_date", "end_date"]
    list_select_related = ["congress"]
    search_fields = ["name"]


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = ["code", "number", "kind", "title", "state", "year", "lead_deputy"]
    list_filter = ["kind", "state", "year", "timing"]
    list_select_related = ["lead_deputy"]
    search_fields = ["code", "title"]
    show_full_result_count = False
    # Never list the private contact fields.
    exclude = ["contact_name", "contact_phone"]
