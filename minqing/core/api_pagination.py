"""The one pagination of every API list: limit/offset, bounded.

django-ninja's LimitOffsetPagination accepts any offset, and an integer beyond 64 bits
reaches the database as an overflow (a 500). Bounding both parameters turns that into
a 422 with the usual validation message.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 500
MAX_OFFSET = 2**31 - 1


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description="每页条数（1–500）")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数")

    def __init__(self, max_limit: int = MAX_LIMIT, **kwargs) -> None:
        super().__init__(max_limit=max_limit, **kwargs)
