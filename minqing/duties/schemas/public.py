"""Public output shapes: what anyone may read without an account.

A deputy's public profile (Deputies Law Art 58): basic data and the duty record in the
sections of DOMAIN §5. It never carries contact data (mobile, email, address — those
live in ``people.DeputyContact``, which nothing here reads), the deputy's account, the
sequential id, nor what people wrote in an activity's summary or a dispute. Published
rankings: the rows as frozen. A ballot's answer says only that it was counted.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class PublicStationOut(Schema):
    code: str = Field(description="联络站公开码：/s/{code}/")
    name: str
    region: str
    is_convener: bool


class PublicActivityOut(Schema):
    date: dt.date
    end_date: dt.date | None
    kind: str
    kind_label: str
    title: str
    place: str
    organiser: str
    meeting_type_label: str
    attendance: str
    attendance_label: str


class PublicSectionOut(Schema):
    key: str = Field(description="meetings | inspections | training | group")
    title: str
    count: int
    entries: list[PublicActivityOut]


class PublicSuggestionOut(Schema):
    code: str = Field(description="公开编号：GET /api/v1/suggestions/public/{code}")
    display_number: str
    kind: str
    kind_label: str
    title: str
    is_lead: bool
    state: str
    state_label: str
    result_class: str
    result_label: str
    submitted: dt.date | None


class PublicReportOut(Schema):
    date: dt.date
    title: str
    place: str
    state: str
    state_label: str
    verdict: str
    verdict_label: str
    valid_ballots: int


class PublicAwardOut(Schema):
    date: dt.date
    title: str
    issuer: str
    note: str


class PublicBasicsOut(Schema):
    """Section 1, 基本情况: the Art 58 profile fields."""

    public_code: str
    name: str
    title: str = Field(description="如“澜州市人大代表”")
    gender: str
    ethnicity: str
    birth_year: int | None
    party: str
    occupation: str
    sector: str
    level: str
    term: str
    constituency: str
    region: str
    status: str
    status_label: str
    bio: str


class PublicDeputyOut(Schema):
    """A deputy's public profile and duty record of one year, in the eight sections of
    DOMAIN §5 (``record.public_record``, as the public page shows it). Only recorded
    activities the deputy confirmed, published suggestions and reports once given."""

    year: int
    years: list[int] = Field(description="本届任期内可查询的年度")
    basics: PublicBasicsOut
    stations: list[PublicStationOut] = Field(description="进站的联络站")
    activities: list[PublicSectionOut] = Field(
        description="参加会议、视察调研、学习培训、小组活动（含接待选民等）"
    )
    suggestions: list[PublicSuggestionOut] = Field(description="领衔或联名的议案建议（已公开的）")
    reports: list[PublicReportOut] = Field(description="向选民述职")
    awards: list[PublicAwardOut] = Field(description="获奖表彰")


class PublicRankingOut(Schema):
    code: str
    region_name: str
    level: int
    level_label: str
    group_name: str | None
    year: int
    quarter: int
    published_at: dt.datetime

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_level_label(obj) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_group_name(obj) -> str | None:
        return obj.group.name if obj.group_id else None


class PublicRankingRowOut(Schema):
    rank: int
    deputy_name: str
    deputy_code: str = Field(description="代表公开码：GET /public/deputies/{code}")
    points: float
    quarter_points: float

    @staticmethod
    def resolve_deputy_name(obj) -> str:
        return obj.deputy.name

    @staticmethod
    def resolve_deputy_code(obj) -> str:
        return obj.deputy.public_code


class PublicRankingDetailOut(PublicRankingOut):
    rows: list[PublicRankingRowOut]

    @staticmethod
    def resolve_rows(obj) -> list:
        return list(obj.rows.all())


class BallotOut(Schema):
    detail: str
    report_title: str
    deputy_name: str
