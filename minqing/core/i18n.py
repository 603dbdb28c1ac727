"""Punctuation that depends on the language: a Chinese enumeration is 甲、乙 and several
messages are joined with "；", English uses ", " and "; ". Join through these helpers (or,
in templates, ``{% translate "；" context "分句" as sep %}…|join:sep``) so an English page
shows no full-width punctuation between translated texts.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import pgettext


def join_list(items: Iterable[object]) -> str:
    """Items as an enumeration in the active language: "街道、镇" / "街道, 镇"."""
    return pgettext("列举", "、").join(str(item) for item in items)


def join_clauses(items: Iterable[object]) -> str:
    """Several messages as one line in the active language: "甲；乙" / "A; B"."""
    return pgettext("分句", "；").join(str(item) for item in items)


def join_errors(error: ValidationError) -> str:
    """Every message of a ValidationError as one line (a flash message, a form's error)."""
    return join_clauses(error.messages)
