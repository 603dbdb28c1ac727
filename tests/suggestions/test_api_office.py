"""/api/v1/suggestions/ for the congress office: the permission matrix of every office
step (anonymous 401, no role 404, in scope 200 with one audit entry, out of scope 404,
seen but not theirs 403), the batch assignment, the request lists and decisions."""

from __future__ import annotations

import datetime as dt

import pytest

from minqing.suggestions import actions
from minqing.suggestions.models import Assignment, AssignmentBatch
from tests.suggestions.factories_api import (
    Step,
    accepted_part,
    audit_delta,
    check_step_matrix,
    feedback_overdue,
    get,
    item,
    motion_submitted,
    part,
    post,
)

pytestmark = pytest.mark.django_db
OUTSIDERS = ("district_office", "far_office", "spare_staff", "far_staff")


def _reassign_request(sw):
    s = item(sw, "assigned")
    return actions.reassign_request(
        actor=sw.lead_staff,
        assignment=part(s, sw.lead_unit),
        reason="该事项属于城市管理部门的职责范围，建议调整交办。",
        suggested_unit=sw.spare_unit,
    )


def _extension(sw):
    s = item(sw, "assigned")
    lead = accepted_part(sw, s, sw.lead_unit, sw.lead_staff)
    return actions.extension_request(
        actor=sw.lead_staff,
        assignment=lead,
        new_due=lead.reply_due + dt.timedelta(days=30),
        reason="需协调市财政局落实补贴资金，申请延期答复。",
    )


def _replied_overdue(sw):
    s = item(sw, "replied")
    feedback_overdue(s)
    return s


def _units(body) -> dict[int, str]:
    return {a["unit"]["id"]: a["state"] for a in body["assignments"]}


OFFICE_STEPS = {
    "accept": Step(
        lambda sw: (f"{item(sw, 'submitted').pk}/accept", {"category": "urban", "note": "受理"}),
        "office",
        OUTSIDERS,
        "leader",
        lambda sw, b: b["state"] == "accepted" and b["category"] == "urban",
    ),
    "reject": Step(
        lambda sw: (
            f"{item(sw, 'submitted').pk}/reject",
            {"reason": "personal", "note": "属于代表本人亲属的个人事项。"},
        ),
        "office",
        OUTSIDERS,
        "lead_user",
        lambda sw, b: b["state"] == "not_accepted" and b["reject_reason"] == "personal",
    ),
    "decide": Step(
        lambda sw: (f"{motion_submitted(sw).pk}/decide", {"decision": "converted"}),
        "office",
        OUTSIDERS,
        "leader",
        lambda sw, b: b["state"] == "converted" and b["converted_to_id"] is not None,
    ),
    "assign": Step(
        lambda sw: (
            f"{item(sw, 'accepted').pk}/assign",
            {"lead_unit_id": sw.lead_unit.pk, "co_unit_ids": [sw.co_unit.pk]},
        ),
        "office",
        OUTSIDERS,
        "leader",
        lambda sw, b: (
            b["state"] == "assigned"
            and _units(b) == {sw.lead_unit.pk: "pending", sw.co_unit.pk: "pending"}
        ),
    ),
    "supervise": Step(
        lambda sw: (
            f"{item(sw, 'assigned').pk}/supervise",
            {"kind": "lead", "leader": "陈副市长", "user_id": sw.leader.pk},
        ),
        "office",
        ("district_office", "far_office", "spare_staff"),
        "lead_staff",
        lambda sw, b: (
            [(x["kind"], x["user_id"]) for x in b["supervisions"]] == [("lead", sw.leader.pk)]
        ),
    ),
    "close": Step(
        lambda sw: (f"{_replied_overdue(sw).pk}/close", {"note": "逾期未反馈"}),
        "office",
        OUTSIDERS,
        "lead_user",
        lambda sw, b: b["state"] == "closed" and b["satisfaction"] == "",
    ),
    "reassign-decide": Step(
        lambda sw: (
            f"reassign-requests/{_reassign_request(sw).pk}/decide",
            {"approve": True, "new_unit_id": sw.spare_unit.pk, "note": "同意"},
        ),
        "office",
        # The co-handler sees the item but not the lead unit's part or its request.
        ("co_staff", "far_office", "spare_staff", "district_office"),
        "lead_staff",
        lambda sw, b: (
            _units(b)[sw.lead_unit.pk] == "removed" and _units(b)[sw.spare_unit.pk] == "pending"
        ),
    ),
    "extension-decide": Step(
        lambda sw: (f"extensions/{_extension(sw).pk}/decide", {"approve": True, "note": "同意"}),
        "office",
        ("co_staff", "far_office", "spare_staff"),
        "lead_staff",
        lambda sw, b: (
            next(a for a in b["assignments"] if a["unit"]["id"] == sw.lead_unit.pk)["extensions"][
                0
            ]["state"]
            == "approved"
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(OFFICE_STEPS))
def test_office_step_matrix(client, sw, name):
    check_step_matrix(client, sw, OFFICE_STEPS[name])


def test_office_refusals(client, sw):
    accepted = item(sw, "accepted")
    response, delta = audit_delta(lambda: post(client, sw.office, f"{accepted.pk}/accept"))
    assert (response.status_code, delta) == (409, 0)
    path = f"{accepted.pk}/assign"
    far = post(client, sw.office, path, {"lead_unit_id": sw.far_unit.pk})
    assert far.status_code == 422 and "lead_unit" in far.json()["detail"]
    unknown = post(client, sw.office, path, {"lead_unit_id": 10**6})
    assert unknown.json()["detail"] == {"lead_unit_id": ["找不到承办单位：1000000"]}
    separate = post(client, sw.office, path, {"mode": "separate", "unit_ids": [sw.lead_unit.pk]})
    assert separate.status_code == 422 and "units" in separate.json()["detail"]
    assert post(client, sw.office, path, {"lead_unit_id": 2**64}).status_code == 422
    reject = post(client, sw.office, f"{item(sw, 'submitted').pk}/reject", {"reason": "x"})
    assert reject.status_code == 422
    extension = _extension(sw)
    decide = f"extensions/{extension.pk}/decide"
    assert post(client, sw.office, decide, {"approve": False, "note": "不同意"}).status_code == 200
    assert post(client, sw.office, decide, {"approve": True}).status_code == 409
    request = _reassign_request(sw)
    decide = f"reassign-requests/{request.pk}/decide"
    refused = post(client, sw.office, decide, {"approve": False})
    assert refused.status_code == 422 and "note" in refused.json()["detail"]
    open_ = item(sw, "replied")
    early = post(client, sw.office, f"{open_.pk}/close")
    assert early.status_code == 422 and "反馈期限" in early.json()["detail"]["__all__"][0]


# --- batch assignment ---------------------------------------------------------------------


def test_batch_assignment(client, sw):
    items = [item(sw, "accepted") for _ in range(3)]
    plans = [
        {"suggestion_id": items[0].pk, "lead_unit_id": sw.lead_unit.pk},
        {
            "suggestion_id": items[1].pk,
            "lead_unit_id": sw.lead_unit.pk,
            "co_unit_ids": [sw.co_unit.pk],
        },
        {
            "suggestion_id": items[2].pk,
            "mode": "separate",
            "unit_ids": [sw.co_unit.pk, sw.spare_unit.pk],
        },
    ]
    body = {"plans": plans, "session_id": sw.session.pk}
    assert post(client, None, "batches", body).status_code == 401
    for outsider in (sw.nobody, sw.far_office, sw.district_office, sw.spare_staff):
        response, delta = audit_delta(lambda u=outsider: post(client, u, "batches", body))
        assert (response.status_code, delta) == (404, 0), outsider
    response, delta = audit_delta(lambda: post(client, sw.leader, "batches", body))
    assert (response.status_code, delta) == (403, 0)
    # All or nothing: one unit out of the office's sight refuses the whole batch.
    bad = {"plans": [*plans[:2], {**plans[2], "unit_ids": [sw.co_unit.pk, sw.far_unit.pk]}]}
    response, delta = audit_delta(lambda: post(client, sw.office, "batches", bad))
    assert (response.status_code, delta) == (422, 0)
    assert items[2].display_number in response.json()["detail"]["__all__"][0]
    assert not Assignment.objects.exists() and not AssignmentBatch.objects.exists()
    twice = {"plans": [plans[0], plans[0]]}
    assert post(client, sw.office, "batches", twice).json()["detail"] == {
        "plans": ["同一件建议在批量交办中只能出现一次"]
    }
    assert post(client, sw.office, "batches", {"plans": []}).status_code == 422
    response, delta = audit_delta(lambda: post(client, sw.office, "batches", body))
    assert (response.status_code, delta) == (201, 1), response.content
    batch = response.json()
    assert batch["size"] == 3 and batch["session_id"] == sw.session.pk
    rows = {(r["suggestion_id"], r["unit"]["id"], r["role"]) for r in batch["items"]}
    assert rows == {
        (items[0].pk, sw.lead_unit.pk, "lead"),
        (items[1].pk, sw.lead_unit.pk, "lead"),
        (items[1].pk, sw.co_unit.pk, "co"),
        (items[2].pk, sw.co_unit.pk, "separate"),
        (items[2].pk, sw.spare_unit.pk, "separate"),
    }
    path = f"batches/{batch['id']}"
    assert get(client, None, path).status_code == 401
    for outsider in (sw.nobody, sw.far_office, sw.leader, sw.lead_staff, sw.lead_user):
        assert get(client, outsider, path).status_code == 404, outsider
    assert get(client, sw.office, path).json() == batch
    assert get(client, sw.office, "batches/999999").status_code == 404


# --- the office's lists --------------------------------------------------------------------


def test_office_lists(client, sw):
    request = _reassign_request(sw)
    extension = _extension(sw)
    late = item(sw, "assigned")
    Assignment.objects.filter(suggestion=late, unit=sw.lead_unit).update(
        reply_due=dt.date(2020, 1, 1)
    )
    expected = {
        "reassign-requests": {request.pk},
        "extensions": {extension.pk},
        "overdue": {part(late, sw.lead_unit).pk},
    }
    for path, ids in expected.items():
        assert get(client, None, path).status_code == 401
        for user in (sw.nobody, sw.lead_staff, sw.lead_user):
            assert get(client, user, path).status_code == 403, (path, user)
        response = get(client, sw.office, path)
        assert response.status_code == 200
        assert {row["id"] for row in response.json()["items"]} == ids, path
        assert get(client, sw.far_office, path).json()["items"] == []
    row = get(client, sw.office, "reassign-requests").json()["items"][0]
    assert row["suggested_unit"]["id"] == sw.spare_unit.pk and row["unit"]["id"] == sw.lead_unit.pk
    row = get(client, sw.office, "overdue").json()["items"][0]
    assert row["suggestion"]["id"] == late.pk and row["reply_due"] == "2020-01-01"
