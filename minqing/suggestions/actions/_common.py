"""Private helpers shared by the suggestion actions: locking, deadlines, numbers,
notifications. Nothing here writes an audit entry; the calling action does, once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core import codes
from minqing.core.calendar import Deadline, month_deadline, working_deadline
from minqing.core.config import settings_for
from minqing.opinions.actions._common import notify_later, sms_later
from minqing.opinions.recipients import office_staff, unit_staff
from minqing.suggestions.models import (
    PUBLIC_CODE_LENGTH,
    Assignment,
    FileKind,
    Suggestion,
    SuggestionFile,
)

# Never put phones or names of contacts in an audit snapshot.
AUDIT_FIELDS = ["state", "kind", "title", "category", "disclosure", "handling_mode", "round"]

__all__ = [
    "AUDIT_FIELDS",
    "Deadline",
    "cfg",
    "deputy_users",
    "lock",
    "month_deadline",
    "new_code",
    "next_number",
    "notify_later",
    "office_users",
    "sms_later",
    "snapshot",
    "staff_url",
    "store_files",
    "today",
    "unit_users",
    "working_deadline",
]


def today() -> dt.date:
    return timezone.localdate()


def cfg(suggestion: Suggestion) -> dict:
    return settings_for(suggestion.region)


def lock(suggestion: Suggestion) -> Suggestion:
    """Re-read ``suggestion`` under a row lock so concurrent steps serialise."""
    return (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("region", "congress", "lead_deputy")
        .get(pk=suggestion.pk)
    )


def lock_assignment(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("suggestion", "suggestion__region", "unit")
        .get(pk=assignment.pk)
    )


def snapshot(suggestion: Suggestion) -> dict:
    return {k: getattr(suggestion, k) for k in AUDIT_FIELDS}


def new_code() -> str:
    while True:
        code = codes.generate(PUBLIC_CODE_LENGTH)
        if not Suggestion.objects.filter(code=code).exists():
            return code


def next_number(suggestion: Suggestion) -> int:
    """The next serial of the item's congress, year and kind. The caller holds a lock
    on the congress's items (see ``submit``), so two submissions never share one."""
    top = Suggestion.objects.filter(
        congress_id=suggestion.congress_id, year=suggestion.year, kind=suggestion.kind
    ).aggregate(m=Max("number"))["m"]
    return (top or 0) + 1


def store_files(
    suggestion: Suggestion, files: Iterable, *, kind: str = FileKind.DRAFT, reply=None
) -> list[SuggestionFile]:
    """Save validated uploads (``opinions.uploads.CleanFile``) under random names."""
    from minqing.opinions.uploads import save_clean

    return [
        save_clean(
            SuggestionFile,
            item,
            fallback_name=_("附件"),
            suggestion=suggestion,
            reply=reply,
            kind=kind,
        )
        for item in files
    ]


def staff_url(suggestion: Suggestion):
    return reverse_lazy("suggestions:detail", args=[suggestion.pk])


def office_users(suggestion: Suggestion) -> Callable[[], list]:
    return lambda: office_staff(suggestion.region)


def unit_users(*units) -> Callable[[], list]:
    def users() -> list:
        out = []
        for unit in units:
            out.extend(unit_staff(unit))
        return out

    return users


def deputy_users(suggestion: Suggestion, *, lead_only: bool = False) -> Callable[[], list]:
    """The accounts of the item's deputies (confirmed signers; or only the lead)."""

    def users() -> list:
        from minqing.suggestions.models import SignerState

        signers = suggestion.signers.select_related("deputy__user")
        if lead_only:
            signers = signers.filter(is_lead=True)
        else:
            signers = signers.filter(state=SignerState.CONFIRMED)
        return [s.deputy.user for s in signers if s.deputy.user_id]

    return users


def require_text(value: str, field: str, label: str, *, minimum: int = 1, maximum: int = 20000):
    value = (value or "").strip()
    if len(value) < minimum:
        raise ValidationError({field: [_("请填写%(label)s") % {"label": label}]})
    if len(value) > maximum:
        raise ValidationError(
            {field: [_("%(label)s不能超过 %(n)s 字") % {"label": label, "n": maximum}]}
        )
    return value
