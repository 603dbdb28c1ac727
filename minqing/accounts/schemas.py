"""Pydantic schemas of the accounts API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class RoleOut(Schema):
    role: str
    role_label: str
    region_code: str
    region_name: str
    unit_id: int | None
    unit_name: str | None
    station_id: int | None
    station_name: str | None


class MeOut(Schema):
    username: str
    display_name: str
    is_superuser: bool
    roles: list[RoleOut]


class TokenIn(Schema):
    name: str
    username: str | None = None  # the user the token acts as; default: the caller
    expires_at: dt.datetime | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    username: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.get_username()


class TokenCreatedOut(TokenOut):
    key: str  # shown only in this response
