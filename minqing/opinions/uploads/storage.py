"""Storing a checked upload: the one way every app saves a ``CleanImage``/``CleanFile``."""

from __future__ import annotations

from typing import Any

from django.db import models

from minqing.opinions.uploads.results import CleanFile, CleanImage


def save_clean(
    model: type[models.Model], item: CleanImage | CleanFile, *, fallback_name: str, **fields: Any
) -> models.Model:
    """Create a ``model`` row for ``item`` under its random storage name, with the safe
    display name (or ``fallback_name``), type, size and digest; ``fields`` are the row's
    own (its parent, kind …). The model needs ``file``, ``name``, ``content_type``,
    ``size`` and ``sha256`` fields."""
    row = model(
        name=getattr(item, "display_name", "") or fallback_name,
        content_type=item.content_type,
        size=item.size,
        sha256=item.sha256,
        **fields,
    )
    row.file.save(item.storage_name(), item.as_content_file(), save=False)
    row.save()
    return row
