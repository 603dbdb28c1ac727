"""/api/v1/suggestions/ for handling units: the permission matrix of every unit step (a
co-handler cannot reach the lead unit's part: 404), the inbox, the reply as multipart
with the signed PDF (a file that is not a PDF is a 422), and the commitment ledger."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from minqing.suggestions.models import Commitment, SuggestionFile
from tests.opinions.helpers import as_user, image, minimal_pdf, named
from tests.suggestions.factories import REPLY, reply_as_lead
from tests.suggestions.factories_api import (
    BASE,
    Step,
    accepted_part,
    audit_delta,
    check_step_matrix,
    contacted_lead_part,
    get,
    item,
    part,
    post,
)

pytestmark = pytest.mark.django_db


def _lead_part(sw, *, accepted: bool = False):
    s = item(sw, "assigned")
    return accepted_part(sw, s, sw.lead_unit, sw.lead_staff) if accepted else part(s, sw.lead_unit)


def _commitment(sw) -> Commitment:
    s = item(sw, "assigned")
    reply_as_lead(sw, s, result_class="B", commitments=[("年内完成补贴办法修订", None)])
    return Commitment.objects.get(suggestion=s)


def _mine(sw, body, unit) -> dict:
    return next(a for a in body["assignments"] if a["unit"]["id"] == unit.pk)


UNIT_STEPS = {
    "accept": Step(
        lambda sw: (f"parts/{_lead_part(sw).pk}/accept", {}),
        "lead_staff",
        ("co_staff", "spare_staff", "far_staff", "far_office"),
        "office",
        lambda sw, b: _mine(sw, b, sw.lead_unit)["state"] == "accepted",
    ),
    "reassign": Step(
        lambda sw: (
            f"parts/{_lead_part(sw).pk}/reassign",
            {"reason": "该事项属于城市管理部门的职责范围。", "suggested_unit_id": sw.spare_unit.pk},
        ),
        "lead_staff",
        ("co_staff", "spare_staff", "far_staff"),
        "office",
        lambda sw, b: (
            _mine(sw, b, sw.lead_unit)["reassign_requests"][0]["suggested_unit"]["id"]
            == sw.spare_unit.pk
        ),
    ),
    "view": Step(
        lambda sw: (
            f"parts/{accepted_part(sw, item(sw, 'assigned'), sw.co_unit, sw.co_staff).pk}/view",
            {"text": "建议同步优化公交站点设置，方便老年人出行。"},
        ),
        "co_staff",
        ("spare_staff", "far_staff", "far_office"),
        "lead_staff",  # the lead unit reads the co-handler's view but cannot write it
        lambda sw, b: _mine(sw, b, sw.co_unit)["state"] == "answered",
    ),
    "contact": Step(
        lambda sw: (
            f"parts/{_lead_part(sw, accepted=True).pk}/contact",
            {"method": "meeting", "note": "召开座谈会听取领衔代表意见。"},
        ),
        "lead_staff",
        ("co_staff", "spare_staff", "far_staff"),
        "office",
        lambda sw, b: [c["method"] for c in _mine(sw, b, sw.lead_unit)["contacts"]] == ["meeting"],
    ),
    "extension": Step(
        lambda sw: (
            f"parts/{(p := _lead_part(sw, accepted=True)).pk}/extension",
            {
                "new_due": (p.reply_due + dt.timedelta(days=20)).isoformat(),
                "reason": "需协调市财政局落实补贴资金，申请延期答复。",
            },
        ),
        "lead_staff",
        ("co_staff", "spare_staff", "far_staff"),
        "office",
        lambda sw, b: _mine(sw, b, sw.lead_unit)["extensions"][0]["state"] == "pending",
    ),
    "progress": Step(
        lambda sw: (
            f"commitments/{_commitment(sw).pk}/progress",
            {"note": "补贴办法已送市政府审议。", "percent": 60},
        ),
        "lead_staff",
        ("co_staff", "spare_staff", "far_staff", "far_office"),
        "office",
        lambda sw, b: [p["percent"] for p in b["progress"]] == [60] and b["state"] == "open",
    ),
    "fulfil": Step(
        lambda sw: (f"commitments/{_commitment(sw).pk}/fulfil", {"note": "新补贴办法已印发实施。"}),
        "lead_staff",
        ("co_staff", "spare_staff", "far_staff", "far_office"),
        "lead_user",  # the deputy follows the ledger of their item but does not keep it
        lambda sw, b: b["state"] == "fulfilled" and b["progress"][-1]["percent"] == 100,
    ),
}


@pytest.mark.parametrize("name", sorted(UNIT_STEPS))
def test_unit_step_matrix(client, sw, name):
    check_step_matrix(client, sw, UNIT_STEPS[name])


def test_unit_step_refusals(client, sw):
    lead = _lead_part(sw)
    view = {"text": "同意主办单位意见，建议加快办理。"}
    response = post(client, sw.lead_staff, f"parts/{lead.pk}/view", view)
    assert response.status_code == 422  # only a co-handler sends a view
    co = part(lead.suggestion, sw.co_unit)
    assert post(client, sw.co_staff, f"parts/{co.pk}/view", view).status_code == 409  # unsigned
    response = post(client, sw.lead_staff, f"parts/{lead.pk}/reassign", {"reason": "不归我们"})
    assert response.status_code == 422 and "reason" in response.json()["detail"]
    accepted = _lead_part(sw, accepted=True)
    path = f"parts/{accepted.pk}/extension"
    for new_due in ("2020-01-01", "2200-01-01", "明年"):
        body = {"new_due": new_due, "reason": "需协调市财政局落实补贴资金，申请延期答复。"}
        assert post(client, sw.lead_staff, path, body).status_code == 422, new_due
    path = f"parts/{accepted.pk}/contact"
    later = "2100-01-01T09:00:00+08:00"
    response = post(
        client,
        sw.lead_staff,
        path,
        {"method": "phone", "note": "电话沟通领衔代表", "contacted_at": later},
    )
    assert response.status_code == 422 and "contacted_at" in response.json()["detail"]
    assert post(client, sw.lead_staff, "parts/999999/accept").status_code == 404
    commitment = _commitment(sw)
    path = f"commitments/{commitment.pk}/progress"
    assert (
        post(client, sw.lead_staff, path, {"note": "进展顺利推进", "percent": 101}).status_code
        == 422
    )


# --- the reply ------------------------------------------------------------------------------


def reply_form(**overrides) -> dict:
    data = {
        "result_class": "B",
        "text": REPLY,
        "signed_by": "张局长",
        "contact_person": "王科长",
        "commitments": json.dumps(
            [{"text": "年内完成补贴办法修订", "due_date": "2026-12-31"}], ensure_ascii=False
        ),
        "document": named(minimal_pdf(), "答复函.pdf"),
    }
    data.update(overrides)
    return data


def send(client, user, path, data):
    response, delta = audit_delta(lambda: as_user(client, user).post(BASE + path, data))
    return response, delta


def test_reply_as_multipart_with_the_signed_pdf(client, sw):
    s = item(sw, "assigned")
    lead = contacted_lead_part(sw, s)
    co = part(s, sw.co_unit)
    path = f"parts/{lead.pk}/reply"
    assert send(client, None, path, reply_form())[0].status_code == 401
    for outsider in (sw.nobody, sw.co_staff, sw.far_staff, sw.spare_staff):
        response, delta = send(client, outsider, path, reply_form())
        assert (response.status_code, delta) == (404, 0), outsider
    response, delta = send(client, sw.office, path, reply_form())
    assert (response.status_code, delta) == (403, 0)
    # Not a PDF: bytes that are no file type at all, and a real picture.
    for fake in (named(b"MZ\x90\x00 not a pdf", "答复函.pdf"), named(image(), "答复函.png")):
        response, delta = send(client, sw.lead_staff, path, reply_form(document=fake))
        assert (response.status_code, delta) == (422, 0), response.content
        assert "document" in response.json()["detail"]
    response, delta = send(client, sw.lead_staff, path, reply_form(commitments=""))
    assert (response.status_code, delta) == (422, 0) and "commitments" in response.json()["detail"]
    response, delta = send(client, sw.lead_staff, path, reply_form(commitments="[{"))
    assert (response.status_code, delta) == (422, 0)
    assert response.json()["detail"][0]["msg"] == "须为 JSON 数组"
    # The co-handler never answers the deputy, even on its own part.
    co_path = f"parts/{co.pk}/reply"
    accepted_part(sw, s, sw.co_unit, sw.co_staff)
    response, delta = send(client, sw.co_staff, co_path, reply_form())
    assert (response.status_code, delta) == (422, 0)
    assert not SuggestionFile.objects.filter(kind="reply").exists()
    response, delta = send(client, sw.lead_staff, path, reply_form())
    assert (response.status_code, delta) == (200, 1), response.content
    body = response.json()
    assert body["state"] == "replied" and body["result_class"] == "B"
    [reply] = body["replies"]
    assert reply["signed_by"] == "张局长" and reply["contact_person"] == "王科长"
    assert [(f["name"], f["content_type"]) for f in reply["files"]] == [
        ("答复函.pdf", "application/pdf")
    ]
    assert [(c["text"], c["due_date"]) for c in reply["commitments"]] == [
        ("年内完成补贴办法修订", "2026-12-31")
    ]
    stored = SuggestionFile.objects.get(kind="reply")
    assert stored.file.read().startswith(b"%PDF-") and not stored.file.name.endswith("答复函.pdf")


def test_reply_as_json_needs_the_document_and_a_contact(client, sw):
    s = item(sw, "assigned")
    lead = accepted_part(sw, s, sw.lead_unit, sw.lead_staff)
    body = {
        "result_class": "B",
        "text": REPLY,
        "signed_by": "张局长",
        "commitments": [{"text": "年内完成补贴办法修订", "due_date": None}],
    }
    response = post(client, sw.lead_staff, f"parts/{lead.pk}/reply", body)
    assert response.status_code == 422
    assert set(response.json()["detail"]) == {"document", "__all__"}


# --- inbox and ledger -----------------------------------------------------------------------


def test_unit_inbox(client, sw):
    s = item(sw, "assigned")
    assert get(client, None, "unit/inbox").status_code == 401
    for user in (sw.nobody, sw.office, sw.lead_user, sw.leader):
        assert get(client, user, "unit/inbox").status_code == 403, user
    rows = get(client, sw.lead_staff, "unit/inbox").json()["items"]
    assert [(r["id"], r["role"]) for r in rows] == [(part(s, sw.lead_unit).pk, "lead")]
    assert rows[0]["suggestion"]["id"] == s.pk and "contact_phone" not in rows[0]["suggestion"]
    rows = get(client, sw.co_staff, "unit/inbox").json()["items"]
    assert [(r["id"], r["role"]) for r in rows] == [(part(s, sw.co_unit).pk, "co")]
    assert get(client, sw.far_staff, "unit/inbox").json()["items"] == []


def test_commitment_ledger_matrix(client, sw):
    c = _commitment(sw)
    assert get(client, None, "commitments").status_code == 401

    def ids(user, **params):
        response = get(client, user, "commitments", params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["items"]}

    # Every deputy reads the published items, and so their commitments.
    for reader in (sw.lead_staff, sw.office, sw.leader, sw.lead_user, sw.other_deputy_user):
        assert ids(reader) == {c.pk}, reader
    for outsider in (sw.nobody, sw.co_staff, sw.far_staff, sw.far_office):
        assert ids(outsider) == set(), outsider
    assert ids(sw.office, state="fulfilled") == set() and ids(sw.office, state="open") == {c.pk}
    assert ids(sw.office, unit_id=sw.co_unit.pk) == set()
    assert ids(sw.office, year=c.year) == {c.pk}
    path = f"commitments/{c.pk}"
    assert get(client, None, path).status_code == 401
    for outsider in (sw.nobody, sw.co_staff, sw.far_staff, sw.far_office):
        assert get(client, outsider, path).status_code == 404, outsider
    body = get(client, sw.lead_staff, path).json()
    assert body["text"] == "年内完成补贴办法修订" and body["unit"]["id"] == sw.lead_unit.pk
    assert body["suggestion_id"] == c.suggestion_id and body["progress"] == []


def test_reply_commitments_as_one_form_field_per_item(client, sw):
    s = item(sw, "assigned")
    lead = contacted_lead_part(sw, s)
    items = [
        json.dumps({"text": "年内修订补贴办法", "due_date": "2026-12-31"}, ensure_ascii=False),
        json.dumps({"text": "明年完成加装电梯120台"}, ensure_ascii=False),
    ]
    response, delta = send(
        client, sw.lead_staff, f"parts/{lead.pk}/reply", reply_form(commitments=items)
    )
    assert (response.status_code, delta) == (200, 1), response.content
    assert sorted(Commitment.objects.values_list("text", flat=True)) == [
        "年内修订补贴办法",
        "明年完成加装电梯120台",
    ]
