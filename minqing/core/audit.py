"""The one way to write the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from minqing.core.middleware import current
from minqing.core.models import AuditEntry, Region


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """JSON-safe copy of ``fields`` of ``obj`` (FKs as their ids), for before/after."""
    import json

    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        data[name] = value
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _json_safe(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """Dates, decimals and UUIDs as the strings JSON keeps them as."""
    import json

    if data is None:
        return None
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """The entries of two snapshots that differ, as (before, after): what an update's
    audit entry keeps."""
    return (
        {key: value for key, value in before.items() if after[key] != value},
        {key: value for key, value in after.items() if before[key] != value},
    )


def record(
    *,
    actor,
    verb: str,
    obj: models.Model | None = None,
    region: Region | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    secret: bool = False,
) -> AuditEntry:
    """Append one audit entry. Called once by every action, inside its transaction.

    ``region`` defaults to ``obj.region`` when the object has one (to ``obj`` for a
    Region). Never put citizens'
    names or phone numbers into ``note``. ``secret`` leaves out the request id and the
    client's address (a secret ballot: the entry must not identify the voter).
    """
    if region is None and isinstance(obj, Region):
        region = obj  # a region is scoped by itself (Region.SCOPE)
    elif region is None and obj is not None:
        region = (
            getattr(obj, "region", None)
            if isinstance(getattr(obj, "region", None), Region)
            else None
        )
    ctx = current()
    before, after = _json_safe(before), _json_safe(after)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_label=(user.get_username() if user else str(actor or "系统"))[:150],
        verb=verb,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        region=region,
        before=before,
        after=after,
        note=note[:500],
        request_id="" if secret else ctx.request_id,
        ip=None if secret else ctx.ip,
        channel=ctx.channel,
    )
