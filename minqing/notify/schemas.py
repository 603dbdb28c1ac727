"""API shapes of notifications."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from minqing.notify.models import Notification

MAX_IDS = 500


class NotificationOut(Schema):
    id: int
    verb: str
    title: str
    body: str
    url: str = Field(description="站内路径；不是站内路径时为空")
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_url(obj: Notification) -> str:
        return obj.safe_url


class NotificationFilter(Schema):
    unread: bool | None = Field(None, description="true：只看未读；false：只看已读")


class MarkReadIn(Schema):
    # Required even though it may be null: a client that forgets it must not mark
    # everything read by accident.
    ids: list[int] | None = Field(
        ..., max_length=MAX_IDS, description="要标为已读的通知编号；null 表示全部"
    )


class MarkReadOut(Schema):
    updated: int
    unread: int
