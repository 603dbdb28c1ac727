"""Django admin for the people reference data.

The choice, per model:

* **Congress** and **Term** are reference data with no staff page: the admin is where
  system admins enter them, so it is editable, but ``save_model`` goes through the
  actions (``congress_create``, ``term_create``/``term_update``) so the same
  permission checks, validation and single audit entry apply as everywhere else.
  Deleting is disabled: deputies hang off terms (PROTECT) and the audit trail must
  stay meaningful; end a term by unticking "本届" instead.
* **Deputy**, **DeputyGroup** and **HandlingUnit** have staff pages whose actions also
  check region scope, manage private contact data and unit staff grants. The admin
  shows them read-only (searchable, filterable, for support and inspection) with a
  link to the staff page where changes are made, so there is only one write path.
  Private contact data (DeputyContact) is not registered at all.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from minqing.core.admin import ReadOnlyAdmin
from minqing.core.permissions import require
from minqing.people import actions
from minqing.people.models import Congress, Deputy, DeputyGroup, HandlingUnit, Term
from minqing.people.selectors import MANAGE_DEPUTY


class StaffPageAdmin(ReadOnlyAdmin):
    """View-only admin: changes happen on the staff pages through the actions."""

    staff_url_name = ""

    @admin.display(description=_("工作页面"))
    def staff_page(self, obj) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse(self.staff_url_name, args=[obj.pk]), _("打开")
        )


class ActionAdmin(admin.ModelAdmin):
    """Editable admin whose saves call the app's actions (see the module docstring).

    ``check_action`` runs the action's permission and validation on the form, so errors show
    on the form in Chinese; ``save_through_action`` then calls the action.
    """

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Django wraps admin POSTs in transaction.atomic; our actions are the outermost
        # (durable) transaction and would refuse to nest, so the wrapper is skipped.
        return self._changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ActionForm(base):
            def clean(self):
                cleaned = super().clean()
                try:
                    model_admin.check_action(request, obj, cleaned)
                except ValidationError as exc:
                    for field, errors in exc.message_dict.items():
                        self.add_error(field if field in self.fields else None, errors)
                except PermissionDenied as exc:
                    self.add_error(None, str(exc))
                return cleaned

        return ActionForm

    def save_model(self, request, obj, form, change) -> None:
        saved = self.save_through_action(request, obj, form, change)
        obj.pk = saved.pk
        obj._state.adding = False

    def check_action(self, request, obj, cleaned: dict) -> None:  # pragma: no cover
        raise NotImplementedError

    def save_through_action(self, request, obj, form, change):  # pragma: no cover
        raise NotImplementedError


@admin.register(Congress)
class CongressAdmin(ActionAdmin):
    list_display = ["name", "level", "region"]
    list_filter = ["level"]
    search_fields = ["name", "region__name", "region__code"]
    raw_id_fields = ["region"]
    fields = ["region", "name"]

    def get_readonly_fields(self, request, obj=None):
        return ["region"] if obj else []

    def check_action(self, request, obj, cleaned: dict) -> None:
        if obj is not None:
            require(request.user, MANAGE_DEPUTY, obj)
        elif cleaned.get("region") is not None:
            require(request.user, MANAGE_DEPUTY, cleaned["region"])
            actions.check_congress_region(cleaned["region"])

    def save_through_action(self, request, obj, form, change):
        if change:
            # Only the name is editable once the congress exists.
            return actions.congress_rename(actor=request.user, congress=obj, name=obj.name)
        return actions.congress_create(actor=request.user, region=obj.region, name=obj.name)


@admin.register(Term)
class TermAdmin(ActionAdmin):
    list_display = ["__str__", "number", "start_date", "end_date", "is_current"]
    list_filter = ["is_current", "congress__level"]
    search_fields = ["congress__name"]
    raw_id_fields = ["congress"]
    fields = ["congress", "number", "start_date", "end_date", "is_current"]

    def get_readonly_fields(self, request, obj=None):
        return ["congress"] if obj else []

    def check_action(self, request, obj, cleaned: dict) -> None:
        congress = obj.congress if obj is not None else cleaned.get("congress")
        if congress is None or cleaned.get("number") is None or not cleaned.get("start_date"):
            return  # the field errors already say what is missing
        require(request.user, MANAGE_DEPUTY, congress)
        candidate = Term(
            congress=congress,
            number=cleaned["number"],
            start_date=cleaned["start_date"],
            end_date=cleaned.get("end_date"),
        )
        actions.check_term(candidate, exclude_pk=obj.pk if obj is not None else None)

    def save_through_action(self, request, obj, form, change):
        if change:
            return actions.term_update(
                actor=request.user,
                term=obj,
                changes={f: form.cleaned_data[f] for f in form.changed_data},
            )
        return actions.term_create(
            actor=request.user,
            congress=obj.congress,
            number=obj.number,
            start_date=obj.start_date,
            end_date=obj.end_date,
            is_current=obj.is_current,
        )


@admin.register(Deputy)
class DeputyAdmin(StaffPageAdmin):
    staff_url_name = "people:deputy_detail"
    list_display = ["name", "deputy_number", "level", "term", "region", "status", "staff_page"]
    list_filter = ["level", "status", "term__congress"]
    search_fields = ["name", "deputy_number"]
    list_select_related = ["term__congress", "region"]
    exclude = ["user"]


@admin.register(DeputyGroup)
class DeputyGroupAdmin(StaffPageAdmin):
    staff_url_name = "people:group_detail"
    list_display = ["name", "kind", "region", "staff_page"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["region"]


@admin.register(HandlingUnit)
class HandlingUnitAdmin(StaffPageAdmin):
    staff_url_name = "people:unit_detail"
    list_display = ["name", "kind", "region", "parent", "is_active", "staff_page"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    list_select_related = ["region", "parent"]
