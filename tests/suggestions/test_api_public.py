"""/api/v1/suggestions/public/…: the published list and one published item, for anyone.
Secret and private items, drafts and items not past screening never appear; no answer
ever holds the private contact, a reply's signer or a unit's contact person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minqing.suggestions import actions
from minqing.suggestions.models import Commitment, Suggestion
from tests.opinions.helpers import as_user
from tests.suggestions.factories import REPLY, TEXT, pdf_document
from tests.suggestions.factories_api import BASE, PHONE, item

pytestmark = pytest.mark.django_db
PUBLIC = BASE + "public/"


def public_get(client, path: str = "", params: dict | None = None):
    return as_user(client, None).get(PUBLIC + path, params or {})


def codes_of(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["items"]}


def closed_with_commitment(sw) -> Suggestion:
    """A public item answered class B (signed by 张局长, contact person 王科长) with a
    commitment, rated 满意 and the commitment fulfilled; under key supervision."""
    s = item(sw, "assigned")
    actions.suggestion_supervise(
        actor=sw.office, suggestion=s, kind="key", leader="王副主任", body="财经委"
    )
    part = s.assignments.get(unit=sw.lead_unit)
    actions.assignment_accept(actor=sw.lead_staff, assignment=part)
    part.refresh_from_db()
    actions.assignment_contact(
        actor=sw.lead_staff, assignment=part, method="phone", note=f"电话联系 {PHONE} 李秘书"
    )
    part.refresh_from_db()
    actions.suggestion_reply(
        actor=sw.lead_staff,
        assignment=part,
        result_class="B",
        text=REPLY,
        signed_by="张局长",
        contact_person="王科长",
        document=pdf_document(),
        commitments=[("年内完成补贴办法修订", dt.date(2026, 12, 31))],
    )
    s.refresh_from_db()
    actions.suggestion_feedback(
        actor=sw.lead_user,
        reply=s.replies.get(),
        result_level="satisfied",
        contact_level="satisfied",
    )
    actions.commitment_fulfil(
        actor=sw.lead_staff, commitment=Commitment.objects.get(), note="新补贴办法已印发实施。"
    )
    s.refresh_from_db()
    assert s.state == "closed"
    return s


def test_only_published_public_items_are_listed(client, sw):
    shown = item(sw, "accepted")
    secret = item(sw, "accepted", disclosure="secret")
    private = item(sw, "assigned", disclosure="private")
    draft_ = item(sw)
    submitted = item(sw, "submitted")
    rejected = item(sw, "not_accepted")
    assert codes_of(public_get(client)) == {shown.code}
    for hidden in (secret, private, draft_, submitted, rejected):
        response = public_get(client, hidden.code)
        assert response.status_code == 404, hidden.state
    # Signed-in callers read the same public list, nothing more.
    as_user(client, sw.office)
    assert codes_of(client.get(PUBLIC)) == {shown.code}


def test_the_public_detail_shows_replies_and_commitments(client, sw):
    s = closed_with_commitment(sw)
    response = public_get(client, s.code.lower())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == TEXT["title"] and body["state"] == "closed"
    assert body["display_number"] == s.display_number and body["category_label"] == "住房与物业"
    assert body["deputies"] == [sw.lead.name]
    assert {u["name"] for u in body["units"]} == {sw.lead_unit.name, sw.co_unit.name}
    assert body["supervisions"] == ["重点督办：王副主任"]
    [reply] = body["replies"]
    assert reply["unit_name"] == sw.lead_unit.name and reply["result_class"] == "B"
    assert reply["text"] == REPLY and reply["result_class_label"].startswith("B类")
    assert reply["date"] == timezone.localtime(s.replies.get().created_at).date().isoformat()
    [commitment] = reply["commitments"]
    assert commitment["text"] == "年内完成补贴办法修订" and commitment["state"] == "fulfilled"
    verbs = [e["verb"] for e in body["events"]]
    assert verbs[:3] == ["submit", "accept", "assign"] and verbs[-1] == "commitment_fulfil"
    assigned = next(e for e in body["events"] if e["verb"] == "assign")
    assert sw.lead_unit.name in assigned["note"]


def test_no_public_answer_holds_contact_data(client, sw):
    s = closed_with_commitment(sw)
    responses = [
        public_get(client),
        public_get(client, "", {"q": "电梯"}),
        public_get(client, "", {"unit_id": sw.lead_unit.pk, "result_class": "B"}),
        public_get(client, s.code),
    ]
    for response in responses:
        assert response.status_code == 200
        text = response.content.decode()
        for secret in (PHONE, "李秘书", "张局长", "王科长", "电话联系"):
            assert secret not in text, secret
    detail = responses[-1].json()
    assert not {"contact_name", "contact_phone", "signed_by", "contact_person"} & set(detail)
    assert not {"signed_by", "contact_person"} & set(detail["replies"][0])


def test_public_filters(client, sw):
    answered = item(sw, "replied")  # class A by the lead unit, year of today
    motion_text = {"title": "关于制定城市绿化条例的议案"}
    motion = item(sw, "accepted", **motion_text)
    Suggestion.objects.filter(pk=motion.pk).update(kind="motion", year=2025)
    year = answered.year

    def codes(**params):
        return codes_of(public_get(client, "", params))

    assert codes() == {answered.code, motion.code}
    assert codes(q="绿化") == {motion.code}
    assert codes(q=answered.code) == {answered.code}
    assert codes(year=2025) == {motion.code} and codes(year=year) == {answered.code}
    assert codes(kind="motion") == {motion.code}
    assert codes(unit_id=sw.lead_unit.pk) == {answered.code}
    assert codes(unit_id=sw.spare_unit.pk) == set()
    assert codes(result_class="A") == {answered.code} and codes(result_class="C") == set()
    for bad in ({"unit_id": 10**30}, {"year": 99999}, {"year": "去年"}, {"limit": 10**6}):
        response = public_get(client, "", bad)
        assert response.status_code == 422, bad
    row = public_get(client).json()["items"][0]
    assert "contact_phone" not in row and "id" not in row


def test_unknown_and_malformed_codes_are_404(client, sw):
    s = item(sw, "accepted")
    assert public_get(client, s.code).status_code == 200
    for code in ("NOPE", s.code[:-1] + ("2" if s.code[-1] != "2" else "3"), "x" * 200):
        assert public_get(client, code).status_code == 404, code
    # A NUL never reaches the database (PostgreSQL refuses it in text).
    assert public_get(client, "AB%00CD").status_code in (400, 404)


def test_the_public_list_queries_do_not_grow(client, sw):
    def queries(n: int) -> int:
        Suggestion.objects.all().delete()
        ids = [item(sw).pk for _ in range(n)]
        Suggestion.objects.filter(pk__in=ids).update(state="accepted", session=sw.session)
        as_user(client, None)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(PUBLIC, {"limit": 50})
        assert response.status_code == 200 and response.json()["count"] == n
        return len(ctx.captured_queries)

    assert queries(3) == queries(30) == 2  # count, page
