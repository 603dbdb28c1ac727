"""/api/v1/suggestions/ for signed-in readers and deputies: the permission matrix of the
list, the detail and every deputy step (anonymous 401, no role 403/404, in scope 2xx,
out of scope 404), one audit entry per write, the detail as each reader may see it
(a co-handler only its part; contact data only for the office and the units), drafting
as JSON and as multipart with attachments."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minqing.opinions.models import OpinionState
from minqing.suggestions import actions, selectors
from minqing.suggestions.models import Suggestion, SuggestionFile
from tests.opinions.helpers import as_user, minimal_pdf, named
from tests.suggestions.factories import TEXT, reply_as_lead
from tests.suggestions.factories_api import (
    BASE,
    CONTACT,
    PHONE,
    Step,
    audit_delta,
    check_step_matrix,
    get,
    item,
    patch,
    post,
    post_form,
)
from tests.suggestions.factories_pages import CITIZEN_PHONE, citizen_opinion, station_for_lead

pytestmark = pytest.mark.django_db


def ids_of(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


# --- list ------------------------------------------------------------------------------


def test_list_matrix(client, sw):
    draft_ = item(sw)
    assigned = item(sw, "assigned")
    secret = item(sw, "accepted", disclosure="secret")
    assert get(client, None, "").status_code == 401
    assert ids_of(get(client, sw.nobody, "")) == set()
    # The office and leaders list what the selector lets them see (a deputy's draft or
    # not is the permissions' rule, not the API's).
    for reader in (sw.office, sw.leader):
        expected = set(selectors.suggestions_visible(reader).values_list("pk", flat=True))
        assert {assigned.pk, secret.pk} <= expected
        assert ids_of(get(client, reader, "")) == expected
    assert ids_of(get(client, sw.far_office, "")) == set()
    assert ids_of(get(client, sw.district_office, "")) == set()
    assert ids_of(get(client, sw.lead_user, "")) == {draft_.pk, assigned.pk, secret.pk}
    # Another deputy reads what is published: public and past screening.
    assert ids_of(get(client, sw.other_deputy_user, "")) == {assigned.pk}
    assert ids_of(get(client, sw.lead_staff, "")) == {assigned.pk}
    assert ids_of(get(client, sw.co_staff, "")) == {assigned.pk}
    assert ids_of(get(client, sw.spare_staff, "")) == set()
    row = get(client, sw.office, "").json()["items"][0]
    assert "contact_phone" not in row and PHONE not in str(row)


def test_list_filters_and_inboxes(client, sw):
    submitted = item(sw, "submitted")
    accepted = item(sw, "accepted", title="关于增设公交线路的建议")
    replied = item(sw, "replied")

    def ids(user, **params):
        return ids_of(get(client, user, "", params))

    assert ids(sw.office, inbox="screen") == {submitted.pk}
    assert ids(sw.office, inbox="assign") == {accepted.pk}
    assert ids(sw.lead_user, inbox="feedback") == {replied.pk}
    assert ids(sw.office, state="replied") == {replied.pk}
    assert ids(sw.office, q="公交") == {accepted.pk}
    assert ids(sw.office, unit_id=sw.lead_unit.pk) == {replied.pk}
    assert ids(sw.office, deputy_id=sw.lead.pk) == {submitted.pk, accepted.pk, replied.pk}
    assert ids(sw.office, region_code=sw.tree.city.code) == {submitted.pk, accepted.pk, replied.pk}
    assert ids(sw.office, region_code=sw.tree.binjiang.code) == set()
    assert ids(sw.office, result_class="A", kind="suggestion") == {replied.pk}
    for bad in (
        {"inbox": "everything"},
        {"unit_id": 10**30},
        {"deputy_id": 0},
        {"session_id": -1},
        {"year": 10**6},
        {"region_code": "999999"},
        {"offset": 10**24},
    ):
        response = get(client, sw.office, "", bad)
        assert response.status_code == 422, (bad, response.content)
    response = get(client, sw.office, "", {"region_code": "999999"})
    assert response.json()["detail"] == {"region_code": ["区划代码“999999”不存在"]}


def test_list_queries_do_not_grow(client, sw):
    def queries(n: int) -> int:
        Suggestion.objects.all().delete()
        for _ in range(n):
            item(sw)
        as_user(client, sw.lead_user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(BASE, {"limit": 50})
        assert response.status_code == 200 and response.json()["count"] == n
        return len(ctx.captured_queries)

    assert queries(3) == queries(30)


def test_list_query_count_is_pinned(client, sw, django_assert_num_queries):
    for _ in range(4):
        item(sw)
    as_user(client, sw.lead_user)
    client.get(BASE)  # warm the session and the content types
    # session, user, role grants, the deputy with its stations and grids, count, page
    with django_assert_num_queries(8):
        assert client.get(BASE).status_code == 200


def test_role_lists_are_for_their_roles(client, sw):
    mine = item(sw, joint=True)
    for path in ("mine", "invitations", "withdraw-requests"):
        assert get(client, None, path).status_code == 401
        assert get(client, sw.nobody, path).status_code == 403
        assert get(client, sw.office, path).status_code == 403
    assert ids_of(get(client, sw.lead_user, "mine")) == {mine.pk}
    assert ids_of(get(client, sw.co_user, "mine")) == {mine.pk}
    assert ids_of(get(client, sw.other_deputy_user, "mine")) == set()
    [invitation] = get(client, sw.co_user, "invitations").json()["items"]
    assert invitation["suggestion"]["id"] == mine.pk and invitation["state"] == "invited"
    assert get(client, sw.lead_user, "invitations").json()["count"] == 0


def test_sessions_in_scope(client, sw):
    assert get(client, None, "sessions").status_code == 401
    assert get(client, sw.nobody, "sessions").json()["items"] == []
    assert get(client, sw.far_office, "sessions").json()["items"] == []
    for user in (sw.office, sw.lead_user, sw.leader):
        [session] = get(client, user, "sessions").json()["items"]
        assert session["id"] == sw.session.pk and session["name"] == sw.session.name


# --- detail ----------------------------------------------------------------------------


def test_detail_matrix_and_contact_data(client, sw):
    s = item(sw, "replied")
    path = str(s.pk)
    assert get(client, None, path).status_code == 401
    for outsider in (sw.nobody, sw.far_office, sw.district_office, sw.spare_staff, sw.far_staff):
        assert get(client, outsider, path).status_code == 404, outsider
    assert get(client, sw.office, str(10**30)).status_code == 404
    office = get(client, sw.office, path).json()
    assert office["contact_phone"] == PHONE and office["contact_name"] == "李秘书"
    assert "manage" in office["permissions"] and office["grounds"] == TEXT["grounds"]
    assert {a["unit"]["id"] for a in office["assignments"]} == {sw.lead_unit.pk, sw.co_unit.pk}
    assert office["replies"][0]["signed_by"] == "张局长"
    assert office["replies"][0]["files"][0]["content_type"] == "application/pdf"
    assert [e["verb"] for e in office["timeline"]][:3] == ["create", "submit", "accept"]
    lead_unit = get(client, sw.lead_staff, path).json()
    assert lead_unit["contact_phone"] == PHONE and lead_unit["permissions"] == [
        "handle",
        "view_contact",
    ]
    # Readers who do not handle it read no contact data.
    for reader in (sw.leader, sw.lead_user, sw.co_user, sw.other_deputy_user):
        response = get(client, reader, path)
        assert response.status_code == 200, reader
        assert response.json()["contact_phone"] is None and PHONE not in response.content.decode()
    assert "lead" in get(client, sw.lead_user, path).json()["permissions"]


def test_a_co_handler_sees_only_its_part(client, sw):
    s = item(sw, "assigned", disclosure="private")
    co_part = s.assignments.get(unit=sw.co_unit)
    actions.assignment_accept(actor=sw.co_staff, assignment=co_part)
    actions.cohandler_view(
        actor=sw.co_staff, assignment=co_part, text="建议同步优化公交站点设置，方便老年人出行。"
    )
    reply_as_lead(sw, s)
    body = get(client, sw.co_staff, str(s.pk)).json()
    assert [a["unit"]["id"] for a in body["assignments"]] == [sw.co_unit.pk]
    assert body["own_assignment_ids"] == [co_part.pk]
    assert body["replies"] == [] and body["contact_phone"] == PHONE
    lead_view = get(client, sw.lead_staff, str(s.pk)).json()
    assert {a["unit"]["id"] for a in lead_view["assignments"]} == {sw.lead_unit.pk, sw.co_unit.pk}
    co_seen = next(a for a in lead_view["assignments"] if a["unit"]["id"] == sw.co_unit.pk)
    assert co_seen["view_text"].startswith("建议同步优化")
    reply_file = lead_view["replies"][0]["files"][0]
    # The co-handler cannot fetch the lead unit's reply document either.
    assert as_user(client, sw.co_staff).get(reply_file["url"]).status_code == 404
    download = as_user(client, sw.lead_staff).get(reply_file["url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert as_user(client, None).get(reply_file["url"]).status_code == 401


# --- drafting ----------------------------------------------------------------------------


def create_body(sw, **overrides) -> dict:
    return {"kind": "suggestion", **TEXT, **CONTACT, **overrides}


def test_create_matrix(client, sw):
    body = create_body(sw, cosigner_ids=[sw.co.pk], session_id=sw.session.pk)
    assert post(client, None, "", body).status_code == 401
    for user in (sw.nobody, sw.office, sw.lead_staff):  # not deputies, no lead named
        response, delta = audit_delta(lambda u=user: post(client, u, "", body))
        assert (response.status_code, delta) == (403, 0), user
    response, delta = audit_delta(lambda: post(client, sw.lead_user, "", body))
    assert (response.status_code, delta) == (201, 1), response.content
    created = response.json()
    assert created["state"] == "draft" and created["lead_deputy"]["id"] == sw.lead.pk
    assert created["timing"] == "session" and created["session_id"] == sw.session.pk
    assert [(x["deputy"]["id"], x["state"]) for x in created["signers"]] == [
        (sw.lead.pk, "confirmed"),
        (sw.co.pk, "invited"),
    ]
    # The office enters a paper item for a deputy (代录); out of scope it may not.
    paper = create_body(sw, lead_deputy_id=sw.lead.pk, cosigner_ids=[sw.co.pk])
    response = post(client, sw.far_office, "", paper)
    assert response.status_code == 403
    response, delta = audit_delta(lambda: post(client, sw.office, "", paper))
    assert (response.status_code, delta) == (201, 1), response.content
    assert {x["state"] for x in response.json()["signers"]} == {"confirmed"}


def test_create_field_errors_are_422_in_chinese(client, sw):
    cases = [
        (create_body(sw, kind="petition"), "kind"),
        (create_body(sw, title="电梯"), "title"),
        (create_body(sw, contact_phone="电话"), "contact_phone"),
        (create_body(sw, cosigner_ids=[10**6]), "cosigner_ids"),
        (create_body(sw, opinion_ids=[10**6]), "opinion_ids"),
        (create_body(sw, session_id=10**6), "session_id"),
        (create_body(sw, disclosure="hidden"), "disclosure"),
    ]
    for body, field in cases:
        response, delta = audit_delta(lambda b=body: post(client, sw.lead_user, "", b))
        assert (response.status_code, delta) == (422, 0), (field, response.content)
        assert field in response.json()["detail"], (field, response.json())
    response = post(client, sw.lead_user, "", {**create_body(sw), "cosigner_ids": [2**70]})
    assert (
        response.status_code == 422
        and response.json()["detail"][0]["msg"] == "须不大于 9223372036854775807"
    )
    response = post(client, sw.lead_user, "", {"kind": "suggestion"})
    assert response.status_code == 422 and response.json()["detail"][0]["msg"] == "此项为必填项"
    assert Suggestion.objects.count() == 0


def test_create_as_multipart_with_attachments(client, sw):
    body = create_body(sw, cosigner_ids=[sw.co.pk, sw.other_deputy.pk])
    fake = post_form(
        client, sw.lead_user, "", {**body, "attachments": [named(b"<html>hi</html>", "材料.pdf")]}
    )
    assert fake.status_code == 422 and "attachments" in fake.json()["detail"]
    assert Suggestion.objects.count() == 0
    response, delta = audit_delta(
        lambda: post_form(
            client,
            sw.lead_user,
            "",
            {**body, "attachments": [named(minimal_pdf(), "调研报告.pdf")]},
        )
    )
    assert (response.status_code, delta) == (201, 1), response.content
    created = response.json()
    assert len(created["signers"]) == 3
    assert [(f["name"], f["kind"]) for f in created["files"]] == [("调研报告.pdf", "draft")]
    assert SuggestionFile.objects.get().suggestion_id == created["id"]


def test_update_and_attachments_on_a_draft(client, sw):
    s = item(sw, joint=True)
    path = str(s.pk)
    body = {"title": "关于加快老旧小区加装电梯和适老化改造的建议", "session_id": sw.session.pk}
    assert patch(client, None, path, body).status_code == 401
    for outsider in (sw.nobody, sw.other_deputy_user, sw.far_office, sw.spare_staff):
        assert patch(client, outsider, path, body).status_code == 404, outsider
    response, delta = audit_delta(lambda: patch(client, sw.co_user, path, body))
    assert (response.status_code, delta) == (403, 0)
    response, delta = audit_delta(lambda: patch(client, sw.lead_user, path, body))
    assert (response.status_code, delta) == (200, 1), response.content
    updated = response.json()
    assert updated["title"] == body["title"] and updated["timing"] == "session"
    assert updated["grounds"] == TEXT["grounds"]  # not sent, not changed
    response = patch(client, sw.lead_user, path, {"session_id": None})
    assert response.json()["timing"] == "interim" and response.json()["title"] == body["title"]
    assert patch(client, sw.lead_user, path, {"title": "短"}).status_code == 422

    def files():
        return {"attachments": [named(minimal_pdf(), "附件一.pdf")]}

    response, delta = audit_delta(
        lambda: post_form(client, sw.lead_user, f"{s.pk}/attachments", files())
    )
    assert (response.status_code, delta) == (200, 1)
    assert [f["name"] for f in response.json()["files"]] == ["附件一.pdf"]
    assert post_form(client, sw.co_user, f"{s.pk}/attachments", files()).status_code == 403
    actions.signer_confirm(actor=sw.co_user, signer=s.signers.get(deputy=sw.co))
    actions.suggestion_submit(actor=sw.lead_user, suggestion=s)
    response = patch(client, sw.lead_user, path, {"title": "关于加装电梯的又一建议"})
    assert response.status_code == 422 and response.json()["detail"] == {
        "__all__": ["只有草稿可以修改"]
    }


# --- deputy steps ----------------------------------------------------------------------


def _signer(sw, s, deputy):
    return s.signers.get(deputy=deputy)


def _cosigned(sw):
    s = item(sw, joint=True)
    actions.signer_confirm(actor=sw.co_user, signer=_signer(sw, s, sw.co))
    return s


def _withdraw_requested(sw):
    s = item(sw, "submitted", joint=True)
    actions.suggestion_withdraw(actor=sw.lead_user, suggestion=s, reason="情况已发生变化")
    return s


DEPUTY_STEPS = {
    "invite": Step(
        lambda sw: (f"{item(sw, joint=True).pk}/invite", {"deputy_ids": [sw.other_deputy.pk]}),
        "lead_user",
        ("far_office", "other_deputy_user", "spare_staff"),
        "co_user",
        lambda sw, b: [x["state"] for x in b["signers"]] == ["confirmed", "invited", "invited"],
    ),
    "submit": Step(
        lambda sw: (f"{_cosigned(sw).pk}/submit", {}),
        "lead_user",
        ("district_office", "other_deputy_user"),
        "co_user",
        lambda sw, b: b["state"] == "submitted" and b["number"] == 1,
    ),
    "withdraw": Step(
        lambda sw: (f"{item(sw, 'submitted').pk}/withdraw", {"reason": "已通过其他渠道解决"}),
        "lead_user",
        ("far_office", "other_deputy_user"),
        "office",
        lambda sw, b: b["state"] == "withdrawn",
    ),
    "confirm": Step(
        lambda sw: (f"signers/{_signer(sw, item(sw, joint=True), sw.co).pk}/confirm", {}),
        "co_user",
        ("other_deputy_user", "far_office"),
        "lead_user",
        lambda sw, b: b["state"] == "confirmed" and b["deputy"]["id"] == sw.co.pk,
    ),
    "decline": Step(
        lambda sw: (f"signers/{_signer(sw, item(sw, joint=True), sw.co).pk}/decline", {}),
        "co_user",
        ("other_deputy_user", "far_office"),
        "lead_user",
        lambda sw, b: b["state"] == "declined" and b["suggestion"]["state"] == "draft",
    ),
    "withdraw-agree": Step(
        lambda sw: (f"signers/{_signer(sw, _withdraw_requested(sw), sw.co).pk}/withdraw-agree", {}),
        "co_user",
        ("other_deputy_user", "far_office"),
        "lead_user",
        lambda sw, b: b["state"] == "withdrawn",
    ),
    "withdraw-refuse": Step(
        lambda sw: (
            f"signers/{_signer(sw, _withdraw_requested(sw), sw.co).pk}/withdraw-refuse",
            {"reason": "问题仍未解决"},
        ),
        "co_user",
        ("other_deputy_user", "far_office"),
        "lead_user",
        lambda sw, b: b["state"] == "submitted" and b["withdraw_requested_at"] is None,
    ),
    "feedback": Step(
        lambda sw: (
            f"replies/{item(sw, 'replied').replies.get().pk}/feedback",
            {"result_level": "satisfied", "contact_level": "basic"},
        ),
        "lead_user",
        ("far_office", "spare_staff", "far_staff"),
        "lead_staff",
        lambda sw, b: (
            b["state"] == "closed" and b["replies"][0]["feedback"]["contact_level"] == "basic"
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(DEPUTY_STEPS))
def test_deputy_step_matrix(client, sw, name):
    check_step_matrix(client, sw, DEPUTY_STEPS[name])


def test_steps_the_workflow_refuses(client, sw):
    s = item(sw, "assigned")
    response, delta = audit_delta(lambda: post(client, sw.lead_user, f"{s.pk}/submit"))
    assert (response.status_code, delta) == (409, 0), response.content
    response = post(client, sw.lead_user, f"{s.pk}/withdraw", {})
    assert response.status_code == 422 and response.json()["detail"] == {
        "__all__": ["交办以后不能撤回"]
    }
    joint = item(sw, joint=True)
    response = post(client, sw.lead_user, f"{joint.pk}/submit")
    assert response.status_code == 422 and "尚未确认联名" in response.json()["detail"]["__all__"][0]
    replied = item(sw, "replied")
    body = {"result_level": "unsatisfied", "contact_level": "basic", "comment": "差"}
    response = post(client, sw.lead_user, f"replies/{replied.replies.get().pk}/feedback", body)
    assert response.status_code == 422 and "comment" in response.json()["detail"]
    assert post(client, sw.lead_user, "replies/999999/feedback", body).status_code == 404


def test_a_suggestion_from_a_citizen_opinion(client, sw):
    opinion = citizen_opinion(station_for_lead(sw))
    body = create_body(sw, opinion_ids=[opinion.pk])
    # A deputy who may not answer it learns nothing about it, not even its code.
    response, delta = audit_delta(lambda: post(client, sw.other_deputy_user, "", body))
    assert (response.status_code, delta) == (422, 0)
    assert response.json()["detail"] == {"opinion_ids": [f"找不到民情：{opinion.pk}"]}
    assert opinion.code not in response.content.decode()
    response, delta = audit_delta(lambda: post(client, sw.lead_user, "", body))
    assert (response.status_code, delta) == (201, 1), response.content
    assert [x["code"] for x in response.json()["sources"]] == [opinion.code]
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.SUGGESTION
    s = Suggestion.objects.get()
    actions.suggestion_submit(actor=sw.lead_user, suggestion=s)
    assert [x["code"] for x in get(client, sw.office, str(s.pk)).json()["sources"]] == [
        opinion.code
    ]
    actions.suggestion_accept(actor=sw.office, suggestion=s)
    actions.suggestion_assign(actor=sw.office, suggestion=s, lead_unit=sw.lead_unit)
    # Readers of the item who may not open the opinion (the leader reads the region's).
    assert len(get(client, sw.leader, str(s.pk)).json()["sources"]) == 1
    for reader in (sw.lead_staff, sw.other_deputy_user):
        response = get(client, reader, str(s.pk))
        assert response.status_code == 200 and response.json()["sources"] == [], reader
        assert opinion.code not in response.content.decode()
    for reader in (sw.office, sw.lead_user, sw.lead_staff):
        assert CITIZEN_PHONE not in get(client, reader, str(s.pk)).content.decode()


def test_ids_beyond_64_bits_in_a_path_are_404(client, sw):
    huge = 10**30
    for path, body in (
        (f"{huge}/submit", {}),
        (f"{huge}/accept", {}),
        (f"signers/{huge}/confirm", {}),
        (f"replies/{huge}/feedback", {"result_level": "satisfied", "contact_level": "basic"}),
        (f"parts/{huge}/accept", {}),
        (f"reassign-requests/{huge}/decide", {"approve": False, "note": "不同意"}),
        (f"extensions/{huge}/decide", {"approve": True}),
        (f"commitments/{huge}/fulfil", {"note": "已经全部完成"}),
    ):
        assert post(client, sw.office, path, body).status_code == 404, path
    for path in (f"{huge}", f"batches/{huge}", f"commitments/{huge}", f"files/{huge}"):
        assert get(client, sw.office, path).status_code == 404, path
