"""Django admin for accounts.

Users are edited here (Django's UserAdmin: passwords, active flag, staff flag). Role
grants and API tokens are shown read-only on purpose: they change only through
``accounts.actions`` (``role_grant``/``role_revoke``, ``api_token_create``/
``api_token_revoke``), which check the actor's scope and write the audit log — an
admin form would bypass both. Use the 用户与角色 and 接口令牌 pages instead.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from minqing.accounts.models import ApiToken, RoleGrant, User
from minqing.core.admin import ReadOnlyAdmin


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    fields = ["role", "region", "unit", "station", "granted_at", "revoked_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("民情"), {"fields": ("display_name",)}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "display_name", "password1", "password2"),
            },
        ),
    )
    list_display = [
        "username",
        "display_name",
        "is_active",
        "is_staff",
        "is_superuser",
        "last_login",
    ]
    search_fields = ["username", "display_name", "email"]
    inlines = [RoleGrantInline]


@admin.register(RoleGrant)
class RoleGrantAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "region", "unit", "station", "granted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "region__name", "region__code"]
    list_select_related = ["user", "region", "unit", "station"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "prefix",
        "user",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    exclude = ["key_hash"]
