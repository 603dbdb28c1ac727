"""Pydantic schemas of the core API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class RegionOut(Schema):
    code: str
    name: str
    level: int
    level_label: str
    kind: str
    parent_code: str | None
    is_active: bool

    @staticmethod
    def resolve_level_label(obj) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class RegionDetailOut(Schema):
    code: str
    name: str
    level: int
    level_label: str
    kind: str
    parent_code: str | None
    is_active: bool
    full_name: str
    descendants: int
    deputies: int | None
    stations: int | None
    units: int | None


class SettingOut(Schema):
    key: str
    label: str
    group: str
    kind: str
    unit: str
    help: str
    value: Any
    source: str  # "default" | "inherited" | "here"
    source_region: str | None  # code of the region the value comes from


class SettingIn(Schema):
    value: Any


class AuditOut(Schema):
    id: int
    created_at: dt.datetime
    actor: str
    verb: str
    object_type: str | None
    object_id: str
    object_repr: str
    region: str | None
    before: Any
    after: Any
    note: str
    request_id: str
    ip: str | None
    channel: str

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor.get_username() if obj.actor_id else obj.actor_label

    @staticmethod
    def resolve_object_type(obj) -> str | None:
        ct = obj.content_type
        return f"{ct.app_label}.{ct.model}" if ct else None

    @staticmethod
    def resolve_region(obj) -> str | None:
        return obj.region.code if obj.region_id else None


class WorkingDaysOut(Schema):
    start: dt.date
    n: int
    due: dt.date
    provisional: bool
    warning: str
