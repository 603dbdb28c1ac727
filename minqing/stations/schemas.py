"""API shapes of stations. Public shapes carry public fields only (no contact data)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from minqing.stations.models import Station


class StationOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    region_code: str
    region_name: str
    address: str
    opening_hours: str
    phone: str
    sector: str
    description: str
    latitude: Decimal | None
    longitude: Decimal | None
    status: str
    status_label: str

    @staticmethod
    def resolve_kind_label(obj: Station) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Station) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_region_code(obj: Station) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj: Station) -> str:
        return obj.region.name


class StationListOut(StationOut):
    deputy_count: int = 0


class StationFilter(Schema):
    q: str = ""
    kind: str = ""
    status: str = ""
    region: str = Field("", description="区划代码：含其下级区域")


class StationIn(Schema):
    region: str = Field(..., description="区划代码")
    name: str = Field(..., max_length=100)
    kind: str
    address: str = ""
    opening_hours: str = ""
    phone: str = ""
    description: str = ""
    sector: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class TransitionIn(Schema):
    to: str
    note: str = Field("", max_length=500)


class PublicDeputyOut(Schema):
    id: int
    name: str
    title: str
    sector: str
    is_convener: bool


class ReceptionOut(Schema):
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    title: str
    note: str
    shifted_from: dt.date | None


class PublicStationOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    region_name: str
    address: str
    opening_hours: str
    phone: str = Field(description="站点电话（不是代表个人电话）")
    status: str
    status_label: str
    url: str
    deputies: list[PublicDeputyOut]
    next_receptions: list[ReceptionOut]
