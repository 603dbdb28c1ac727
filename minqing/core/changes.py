"""Building blocks of the ``*_update`` actions: which fields a caller may change, and
how the submitted values land on the object (text without surrounding blanks)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any


def stripped(value: Any) -> Any:
    """``value`` without surrounding blanks when it is text; anything else as it is."""
    return value.strip() if isinstance(value, str) else value


def check_editable(changes: Mapping[str, Any], editable: Collection[str]) -> None:
    """Raise ValueError for a field outside ``editable``: a programming error in the
    caller (forms and schemas offer only editable fields), not a user's mistake."""
    unknown = set(changes) - set(editable)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")


def apply_changes(obj: object, changes: Mapping[str, Any]) -> None:
    """Set each changed field on ``obj``, text stripped. Nothing is saved."""
    for name, value in changes.items():
        setattr(obj, name, stripped(value))
