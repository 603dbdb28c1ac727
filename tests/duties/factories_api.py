"""Helpers of the duty work API tests: requests as a given user, the audit delta of a
call, the permission matrix of one step, and objects in the states the steps start from
(walked through the real actions, on the ``dw`` world of ``tests.duties.factories``)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from minqing.core.models import AuditEntry
from minqing.duties import actions
from minqing.duties.models import Activity, DutyReport
from tests.duties.factories import record, unified_day
from tests.opinions.helpers import as_user, minimal_pdf, named

BASE = "/api/v1/duties/"
TODAY = timezone.localdate
REPORT_TEXT = "本人一年来参加视察调研六次，接待选民四十余人次，提出建议三件，均已办结。"


def call(client, user, method: str, path: str, data: dict | None = None):
    c = as_user(client, user)
    if method == "get":
        return c.get(BASE + path, data or {})
    if method == "form":
        return c.post(BASE + path, data or {})
    return getattr(c, method)(BASE + path, data or {}, content_type="application/json")


def get(client, user, path: str, params: dict | None = None):
    return call(client, user, "get", path, params)


def post(client, user, path: str, data: dict | None = None):
    return call(client, user, "post", path, data)


def audit_delta(fn):
    before = AuditEntry.objects.count()
    response = fn()
    return response, AuditEntry.objects.count() - before


def ids_of(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def list_queries(client, user, path: str, params: dict | None = None) -> int:
    """The number of queries of one list request (after a warm-up request)."""
    as_user(client, user)
    client.get(BASE + path, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(BASE + path, {"limit": 50, **(params or {})})
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@dataclass
class Step:
    """A write's start: ``setup(dw)`` gives (path, body). ``inside`` may take it (status
    ``ok``, one audit entry, an answer ``check(dw, body)`` accepts). The user with no role
    and every ``outside`` user get ``hidden`` (404: they cannot see the object; 403 for
    a create, whose target is named in the body), ``onlooker`` sees it but may not act
    (403). None of the refused calls writes an audit entry."""

    setup: Callable
    inside: str
    outside: tuple[str, ...]
    onlooker: str | None
    check: Callable
    method: str = "post"
    ok: int = 200
    hidden: int = 404


def check_step(client, dw, step: Step):
    path, body = step.setup(dw)
    assert call(client, None, step.method, path, body).status_code == 401
    for user in (dw.nobody, *(getattr(dw, u) for u in step.outside)):
        response, delta = audit_delta(lambda u=user: call(client, u, step.method, path, body))
        assert (response.status_code, delta) == (step.hidden, 0), (user, response.content)
    if step.onlooker is not None:
        onlooker = getattr(dw, step.onlooker)
        response, delta = audit_delta(lambda: call(client, onlooker, step.method, path, body))
        assert (response.status_code, delta) == (403, 0), response.content
    response, delta = audit_delta(
        lambda: call(client, getattr(dw, step.inside), step.method, path, body)
    )
    assert response.status_code == step.ok, response.content
    assert delta == 1
    data = response.json() if response.content else None
    assert step.check(dw, data), data
    return data


# --- objects in the states the steps start from -------------------------------------------


def own_report(dw, *, station=True) -> Activity:
    """A deputy's own report (dep, at 望江 when ``station``), pending."""
    return actions.activity_report(
        actor=dw.dep_user,
        kind="mediation",
        data={"title": "调解邻里漏水纠纷", "date": TODAY(), "place": "望江社区"},
        station=dw.station if station else None,
    )


def rejected_report(dw) -> Activity:
    a = own_report(dw)
    actions.activity_reject(actor=dw.station_staff, activity=a, note="请补充活动照片和经过")
    return a


def disputed(dw):
    a = record(dw)
    p = a.participations.get(deputy=dw.dep)
    actions.participation_dispute(actor=dw.dep_user, participation=p, reason="当天我在外地出差")
    return p


def checked_in(dw):
    """dep checked in at 望江 today (regular reception): the participation."""
    return actions.reception_check_in(actor=dw.dep_user, station=dw.station)


def day_with_slot(dw, *, notify: bool = False):
    day = unified_day(dw)
    post = day.posts.get(station=dw.station)
    actions.duty_slot_assign(actor=dw.office, post=post, deputies=[dw.dep])
    if notify:
        actions.unified_day_notify(actor=dw.office, day=day)
    return day


def scheduled(dw, **data) -> DutyReport:
    return actions.report_schedule(
        actor=dw.station_staff,
        deputy=dw.dep,
        station=dw.station,
        data={
            "title": "2026年度代表述职评议会",
            "date": TODAY(),
            "place": "望江社区会议室",
            "voter_count": 10,
            "start_time": dt.time(14, 0),
            **data,
        },
    )


def reported(dw) -> DutyReport:
    r = scheduled(dw)
    actions.report_record(actor=dw.dep_user, report=r, report_text=REPORT_TEXT)
    r.refresh_from_db()
    return r


def voting(dw, codes: int = 0) -> tuple[DutyReport, list[tuple[int, str]]]:
    r = reported(dw)
    issued = (
        actions.ballot_codes_issue(actor=dw.station_staff, report=r, count=codes) if codes else []
    )
    actions.voting_open(actor=dw.station_staff, report=r)
    r.refresh_from_db()
    return r, issued


def png(name: str = "photo.png") -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "PNG")
    buf.seek(0)
    buf.name = name
    return buf


def pdf(name: str = "report.pdf") -> io.BytesIO:
    return named(minimal_pdf(), name)
