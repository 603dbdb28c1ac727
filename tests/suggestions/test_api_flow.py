"""The issue's journey through the JSON API alone: two deputies co-sign → the office
assigns to a lead and a co-handler → the co-handler sends its view → the lead unit
contacts the deputy and replies class B with a commitment → the deputy rates 不满意 →
re-handled → 满意 → the commitment is fulfilled → the public API shows the reply.
Every write answers 2xx and writes exactly one audit entry."""

from __future__ import annotations

import json

import pytest

from tests.opinions.helpers import as_user, minimal_pdf, named
from tests.suggestions.factories import REPLY, TEXT
from tests.suggestions.factories_api import BASE, CONTACT, PHONE, audit_delta, get, post

pytestmark = pytest.mark.django_db


def test_the_whole_loop_through_the_api(client, sw):
    def step(user, path, data=None, *, status=200, form=False):
        if form:
            call = lambda: as_user(client, user).post(BASE + path, data)  # noqa: E731
        else:
            call = lambda: post(client, user, path, data)  # noqa: E731
        response, delta = audit_delta(call)
        assert response.status_code == status, (path, response.content)
        assert delta == 1, path
        return response.json()

    s = step(
        sw.lead_user,
        "",
        {"kind": "suggestion", **TEXT, **CONTACT, "cosigner_ids": [sw.co.pk]},
        status=201,
    )
    pk = s["id"]
    [invitation] = get(client, sw.co_user, "invitations").json()["items"]
    step(sw.co_user, f"signers/{invitation['id']}/confirm")
    s = step(sw.lead_user, f"{pk}/submit")
    assert s["state"] == "submitted" and s["display_number"].endswith("-0001")
    assert [
        row["id"] for row in get(client, sw.office, "", {"inbox": "screen"}).json()["items"]
    ] == [pk]
    step(sw.office, f"{pk}/accept")
    s = step(
        sw.office,
        f"{pk}/assign",
        {"lead_unit_id": sw.lead_unit.pk, "co_unit_ids": [sw.co_unit.pk]},
    )
    parts = {a["unit"]["id"]: a["id"] for a in s["assignments"]}
    lead, co = parts[sw.lead_unit.pk], parts[sw.co_unit.pk]

    # The co-handler: its own part only, and the private contact (it handles the item).
    step(sw.co_staff, f"parts/{co}/accept")
    co_view = step(
        sw.co_staff, f"parts/{co}/view", {"text": "建议同步优化公交站点，方便老年人出行。"}
    )
    assert [a["id"] for a in co_view["assignments"]] == [co]
    assert co_view["contact_phone"] == PHONE
    assert post(client, sw.co_staff, f"parts/{lead}/accept").status_code == 404

    # The lead unit reads the co-handler's view, contacts the deputy and replies class B.
    inbox = get(client, sw.lead_staff, "unit/inbox").json()["items"]
    assert [row["id"] for row in inbox] == [lead]
    step(sw.lead_staff, f"parts/{lead}/accept")
    step(sw.lead_staff, f"parts/{lead}/contact", {"method": "visit", "note": "登门走访领衔代表。"})
    reply_form = {
        "result_class": "B",
        "text": REPLY,
        "signed_by": "张局长",
        "commitments": json.dumps([{"text": "年内完成补贴办法修订", "due_date": "2026-12-31"}]),
        "document": named(minimal_pdf(), "答复函.pdf"),
    }
    s = step(sw.lead_staff, f"parts/{lead}/reply", reply_form, form=True)
    assert s["state"] == "replied"
    lead_seen = next(a for a in s["assignments"] if a["id"] == co)
    assert lead_seen["view_text"].startswith("建议同步优化")

    # The deputy is not satisfied: the lead unit handles it again.
    [first] = s["replies"]
    s = step(
        sw.lead_user,
        f"replies/{first['id']}/feedback",
        {"result_level": "unsatisfied", "contact_level": "basic", "comment": "补贴标准仍然偏低。"},
    )
    assert s["state"] == "rehandling" and s["round"] == 2
    reply_form["document"] = named(minimal_pdf(), "答复函（重新办理）.pdf")
    reply_form["commitments"] = json.dumps([{"text": "明年一季度出台新办法"}], ensure_ascii=False)
    s = step(sw.lead_staff, f"parts/{lead}/reply", reply_form, form=True)
    second = next(r for r in s["replies"] if r["round"] == 2)
    s = step(
        sw.lead_user,
        f"replies/{second['id']}/feedback",
        {"result_level": "satisfied", "contact_level": "satisfied"},
    )
    assert s["state"] == "closed" and s["satisfaction"] == "satisfied"

    # The commitments are kept until fulfilled.
    ledger = get(client, sw.lead_staff, "commitments").json()["items"]
    assert len(ledger) == 2
    for commitment in ledger:
        done = step(
            sw.lead_staff, f"commitments/{commitment['id']}/fulfil", {"note": "已印发实施新办法。"}
        )
        assert done["state"] == "fulfilled"

    # The public sees the item with both replies, and never the contact.
    code = s["code"]
    public = as_user(client, None).get(f"{BASE}public/{code}")
    assert public.status_code == 200
    body = public.json()
    assert body["state"] == "closed" and [r["round"] for r in body["replies"]] == [1, 2]
    assert all(c["state"] == "fulfilled" for r in body["replies"] for c in r["commitments"])
    assert PHONE not in public.content.decode()
    listed = as_user(client, None).get(f"{BASE}public/", {"q": TEXT["title"][:6]}).json()
    assert [row["code"] for row in listed["items"]] == [code]
