"""Helpers of the suggestion API tests: requests as a given user, the audit delta of a
call, and items in the states the steps start from (walked through the real actions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from minqing.core.models import AuditEntry
from minqing.suggestions import actions
from minqing.suggestions.models import Assignment, Suggestion
from tests.opinions.helpers import as_user
from tests.suggestions.factories import TEXT, draft, drive

BASE = "/api/v1/suggestions/"
PHONE = "13700009999"
CONTACT = {"contact_name": "李秘书", "contact_phone": PHONE}


def get(client, user, path: str, params: dict | None = None):
    return as_user(client, user).get(BASE + path, params or {})


def post(client, user, path: str, data: dict | None = None):
    return as_user(client, user).post(BASE + path, data or {}, content_type="application/json")


def patch(client, user, path: str, data: dict):
    return as_user(client, user).patch(BASE + path, data, content_type="application/json")


def post_form(client, user, path: str, data: dict):
    """A multipart POST (files as file objects in ``data``)."""
    return as_user(client, user).post(BASE + path, data)


def audit_delta(fn):
    before = AuditEntry.objects.count()
    response = fn()
    return response, AuditEntry.objects.count() - before


def item(sw, to: str = "draft", *, kind: str = "suggestion", joint: bool = False, **data):
    """An item with the private contact (``PHONE``) walked to state ``to``."""
    s = draft(sw, kind=kind, joint=joint, **{**CONTACT, **data})
    return s if to == "draft" else drive(sw, s, to)


def motion_submitted(sw) -> Suggestion:
    """A submitted motion with the ten signers the city level needs, entered from paper
    by the office (代录: the signatures count as confirmed)."""
    m = actions.suggestion_create(
        actor=sw.office,
        kind="motion",
        data={**TEXT, **CONTACT},
        lead_deputy=sw.lead,
        cosigners=sw.more[:9],
    )
    actions.suggestion_submit(actor=sw.office, suggestion=m)
    m.refresh_from_db()
    return m


def part(s: Suggestion, unit) -> Assignment:
    return s.assignments.exclude(state="removed").get(unit=unit)


def accepted_part(sw, s: Suggestion, unit, staff) -> Assignment:
    a = part(s, unit)
    if a.state == "pending":
        actions.assignment_accept(actor=staff, assignment=a)
        a.refresh_from_db()
    return a


def contacted_lead_part(sw, s: Suggestion) -> Assignment:
    a = accepted_part(sw, s, sw.lead_unit, sw.lead_staff)
    actions.assignment_contact(
        actor=sw.lead_staff, assignment=a, method="visit", note="登门走访领衔代表，听取意见。"
    )
    a.refresh_from_db()
    return a


def feedback_overdue(s: Suggestion) -> None:
    """Move a replied item's feedback deadline into the past (the close step's start)."""
    Suggestion.objects.filter(pk=s.pk).update(feedback_due=dt.date(2020, 1, 1))


@dataclass
class Step:
    """A step's start: ``setup(sw)`` gives (path, body); ``inside`` may take it,
    ``outside`` users (and the user with no role) get 404, ``onlooker`` sees the item
    but may not act (403). ``check(sw, body)`` looks at the answer."""

    setup: Callable
    inside: str
    outside: tuple[str, ...]
    onlooker: str
    check: Callable


def check_step_matrix(client, sw, step: Step) -> dict:
    """Run ``step`` as every kind of caller: anonymous 401; no role and ``outside`` 404;
    ``onlooker`` 403 — none of them writing an audit entry; then ``inside`` 200 with
    exactly one entry and an answer ``step.check`` accepts. Returns that answer."""
    path, body = step.setup(sw)
    assert post(client, None, path, body).status_code == 401
    for user in (sw.nobody, *(getattr(sw, u) for u in step.outside)):
        response, delta = audit_delta(lambda u=user: post(client, u, path, body))
        assert (response.status_code, delta) == (404, 0), (user, response.content)
    response, delta = audit_delta(lambda: post(client, getattr(sw, step.onlooker), path, body))
    assert (response.status_code, delta) == (403, 0), response.content
    response, delta = audit_delta(lambda: post(client, getattr(sw, step.inside), path, body))
    assert response.status_code == 200, response.content
    assert delta == 1
    assert step.check(sw, response.json()), response.json()
    return response.json()
