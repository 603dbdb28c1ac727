"""Checks shared by the people actions (not actions themselves)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


def clean_fields(obj: models.Model, exclude: list[str] | None = None) -> None:
    """Field checks (lengths, choices, blanks) without Django's English-ish unique
    messages: uniqueness is checked by the actions with their own Chinese messages."""
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def refuse_taken(
    same: models.QuerySet, *, exclude_pk: int | None, field: str, message: str
) -> None:
    """Raise ValidationError ``{field: message}`` when a row other than ``exclude_pk``
    (the one being edited, if any) is in ``same``: a name or number already taken."""
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError({field: message})
