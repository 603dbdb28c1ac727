"""The shared opinion page: who reaches it, what it shows to whom (contact data only
with view_contact), its station steps (answer, escalate, to-suggestion) with one audit
entry each, and the scoped file download."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from minqing.core.models import AuditEntry
from minqing.opinions import actions
from minqing.opinions.models import (
    FileKind,
    MeetingRequest,
    OpinionAssignment,
    OpinionFile,
    OpinionState,
)
from tests.opinions.factories import REPLY_TEXT, citizen_data, drive, submit
from tests.opinions.helpers import (
    assert_login_redirect,
    audits,
    detail,
    flashes,
    get_as,
    image,
    post_as,
)

pytestmark = pytest.mark.django_db

ANSWER = "已联系社区物业，两盏路灯本周内更换完毕，今后每月巡查一次，请您放心。"
PHONE = "13812345678"


# --- who reaches the page --------------------------------------------------------------


def test_detail_matrix(client, world):
    opinion = submit(world)
    url = detail(opinion)
    assert_login_redirect(client.get(url))
    for user in (world.station_staff, world.deputy_user, world.office, world.leader):
        assert get_as(client, user, url).status_code == 200
    for user in (
        world.nobody,
        world.other_deputy_user,  # a deputy not seated at the station
        world.far_office,
        world.unit_staff,  # not yet forwarded to the unit
        world.far_unit_staff,
    ):
        assert get_as(client, user, url).status_code == 404, user
    drive(world, opinion, OpinionState.FORWARDED)
    assert get_as(client, world.unit_staff, url).status_code == 200
    assert get_as(client, world.district_unit_staff, url).status_code == 404
    assert get_as(client, world.far_unit_staff, url).status_code == 404


def test_a_deputy_reaches_only_their_stations_opinions(client, world):
    from tests.opinions.factories import OpinionFactory
    from tests.stations.factories import StationFactory

    elsewhere = OpinionFactory(station=StationFactory(region=world.tree.liuan))
    assert get_as(client, world.deputy_user, detail(elsewhere)).status_code == 404
    assert get_as(client, world.deputy_user, detail(submit(world))).status_code == 200


def test_contact_data_only_for_view_contact(client, world):
    opinion = submit(world)
    for user in (world.station_staff, world.deputy_user, world.office):
        html = get_as(client, user, detail(opinion)).content.decode()
        assert "王秀英" in html and PHONE in html
    # The leader reads the matter, never the person.
    response = get_as(client, world.leader, detail(opinion))
    html = response.content.decode()
    assert response.context["can"]["view_contact"] is False
    assert "王秀英" not in html and PHONE not in html and PHONE[-4:] not in html
    assert "已隐藏" in html
    assert opinion.text in html


# --- what it shows ------------------------------------------------------------------------


def test_detail_shows_the_whole_story(client, world):
    opinion = drive(world, submit(world), OpinionState.CLOSED)
    response = get_as(client, world.office, detail(opinion))
    html = response.content.decode()
    assert response.context["opinion"].state == OpinionState.CLOSED
    for label in (
        "收到反映",
        "转交承办单位办理",
        "承办单位签收",
        "承办单位答复",
        "群众评价，已办结",
    ):
        assert label in html, label
    assert world.unit.name in html and REPLY_TEXT in html
    assert "群众评价：满意" in html
    assert "已办结" in html
    # Staff-only parts are there for staff.
    assert "群众可见" in html


def test_detail_deadlines_overdue_and_provisional_warning(client, world):
    opinion = drive(world, submit(world), OpinionState.FORWARDED)
    OpinionAssignment.objects.filter(pk=opinion.assignment_id).update(
        sign_due=dt.date(2020, 1, 2), deadline_provisional=True
    )
    response = get_as(client, world.unit_staff, detail(opinion))
    rows = {str(d["label"]): d for d in response.context["deadlines"]}
    assert rows["签收期限"]["overdue"] is True
    assert rows["答复期限"]["overdue"] is False
    html = response.content.decode()
    assert "已超期" in html and "text-danger" in html
    assert "节假日安排尚未载入" in html


def test_detail_shows_replies_with_internal_note_and_returned_assignments(client, world):
    opinion = drive(world, submit(world), OpinionState.HANDLING)
    actions.opinion_return(
        actor=world.unit_staff, opinion=opinion, reason="此事属于区城市管理局职责，请改派。"
    )
    opinion.refresh_from_db()
    actions.opinion_answer(
        actor=world.office, opinion=opinion, public_text=ANSWER, internal_note="已电话沟通"
    )
    html = get_as(client, world.station_staff, detail(opinion)).content.decode()
    assert "退回" in html and "此事属于区城市管理局职责" in html
    assert ANSWER in html and "已电话沟通" in html and "内部备注" in html


def test_detail_links_merged_duplicates_and_meeting(client, world):
    master = submit(world)
    dup = submit(world)
    actions.opinion_merge(actor=world.office, opinion=dup, master=master)
    html = get_as(client, world.office, detail(dup)).content.decode()
    assert detail(master) in html and "已合并至主件" in html
    html = get_as(client, world.office, detail(master)).content.decode()
    assert detail(dup) in html
    asked = actions.meeting_request(
        station=world.station,
        data=citizen_data(),
        deputy=world.deputy,
        preferred_time="周六上午",
        client_token=uuid.uuid4(),
    )
    response = get_as(client, world.deputy_user, detail(asked))
    meeting = MeetingRequest.objects.get(opinion=asked)
    assert response.context["meeting"] == meeting and response.context["can_open_meeting"]
    html = response.content.decode()
    assert "周六上午" in html and reverse("opinions:meeting_detail", args=[meeting.pk]) in html


def test_panels_follow_the_readers_role_and_the_state(client, world):
    opinion = submit(world)
    html = get_as(client, world.station_staff, detail(opinion)).content.decode()
    assert 'id="station-panel"' in html and reverse("opinions:answer", args=[opinion.pk]) in html
    assert reverse("opinions:escalate", args=[opinion.pk]) in html
    # The leader reads; no panel.
    response = get_as(client, world.leader, detail(opinion))
    assert not response.context["can"]["station_panel"]
    assert 'id="station-panel"' not in response.content.decode()
    # In triage, the station may still answer but no longer escalate; the office triages.
    drive(world, opinion, OpinionState.TRIAGE)
    response = get_as(client, world.deputy_user, detail(opinion))
    assert response.context["can"]["answer"] and not response.context["can"]["escalate"]
    response = get_as(client, world.office, detail(opinion))
    assert response.context["show_office_panel"]
    assert 'id="office-panel"' in response.content.decode()
    # With the unit, its panel; the station's is gone.
    drive(world, opinion, OpinionState.FORWARDED)
    response = get_as(client, world.unit_staff, detail(opinion))
    assert response.context["show_unit_panel"]
    assert 'id="unit-panel"' in response.content.decode()
    response = get_as(client, world.station_staff, detail(opinion))
    assert not response.context["can"]["station_panel"]


# --- the station's steps ------------------------------------------------------------------

STEPS = {
    "answer": (
        {"answer-public_text": ANSWER, "answer-resolution": "solved"},
        OpinionState.CLOSED,
        "opinion.answer",
    ),
    "escalate": ({"escalate-note": "涉及多个部门"}, OpinionState.TRIAGE, "opinion.escalate"),
    "to_suggestion": (
        {"suggest-note": "可形成代表建议"},
        OpinionState.SUGGESTION,
        "opinion.to_suggestion",
    ),
}


@pytest.mark.parametrize("step", list(STEPS))
def test_station_step_matrix_and_one_audit_entry(client, world, step):
    data, to_state, verb = STEPS[step]
    opinion = submit(world)
    url = reverse(f"opinions:{step}", args=[opinion.pk])
    assert_login_redirect(client.post(url, data))
    # GET is not a way in.
    assert get_as(client, world.station_staff, url).status_code == 405
    for user in (world.nobody, world.other_deputy_user, world.far_office, world.unit_staff):
        assert post_as(client, user, url, data).status_code == 404, user
    # Sees it, may not act on it.
    assert post_as(client, world.leader, url, data).status_code == 403
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.RECEIVED
    before = audits()
    response = post_as(client, world.deputy_user, url, data)
    assert response.status_code == 302 and response.url == detail(opinion)
    assert audits() - before == 1
    assert AuditEntry.objects.latest("id").verb == verb
    opinion.refresh_from_db()
    assert opinion.state == to_state
    assert flashes(response)


def test_station_staff_answers_on_the_spot(client, world):
    opinion = submit(world)
    response = post_as(
        client,
        world.station_staff,
        reverse("opinions:answer", args=[opinion.pk]),
        {
            "answer-public_text": ANSWER,
            "answer-resolution": "explained",
            "answer-internal_note": "当面解释",
        },
    )
    assert response.status_code == 302
    reply = opinion.replies.get()
    assert reply.public_text == ANSWER and reply.resolution == "explained"
    assert reply.internal_note == "当面解释" and reply.responder == world.station.name
    assert "已当场答复" in flashes(response)[0]


def test_refused_answer_re_renders_the_page_with_errors(client, world):
    opinion = submit(world)
    before = audits()
    response = post_as(
        client,
        world.station_staff,
        reverse("opinions:answer", args=[opinion.pk]),
        {"answer-public_text": "好的", "answer-resolution": "bogus"},
    )
    assert response.status_code == 200
    form = response.context["answer_form"]
    assert "至少需要 10 个字" in form.errors["public_text"][0]
    assert form.errors["resolution"] == ["请选择解决情况"]
    assert "至少需要 10 个字" in response.content.decode()
    assert audits() == before
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.RECEIVED


def test_a_stale_page_gets_a_message_not_an_error(client, world):
    opinion = drive(world, submit(world), OpinionState.TRIAGE)
    before = audits()
    response = post_as(
        client, world.station_staff, reverse("opinions:escalate", args=[opinion.pk]), {}
    )
    assert response.status_code == 302 and response.url == detail(opinion)
    assert "不能从「待分办」变为「待分办」" in flashes(response)[0]
    assert audits() == before


def test_station_steps_need_the_csrf_token(world):
    opinion = submit(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.station_staff)
    response = client.post(
        reverse("opinions:answer", args=[opinion.pk]),
        {"answer-public_text": ANSWER, "answer-resolution": "solved"},
    )
    assert response.status_code == 403
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.RECEIVED


# --- files ----------------------------------------------------------------------------------

PHOTO = image(size=(8, 8), color=(10, 200, 10))


def stored(opinion, *, content: bytes, content_type: str, name: str, kind=FileKind.PHOTO):
    f = OpinionFile(
        opinion=opinion,
        kind=kind,
        name=name,
        content_type=content_type,
        size=len(content),
        sha256="0" * 64,
    )
    f.file.save("f0123456789abcdef." + content_type.split("/")[1], ContentFile(content))
    return f


def test_file_access_control(client, world):
    opinion = submit(world)
    photo = stored(opinion, content=PHOTO, content_type="image/png", name="照片")
    url = reverse("opinions:file", args=[photo.pk])
    assert_login_redirect(client.get(url))
    for user in (world.nobody, world.other_deputy_user, world.far_office, world.unit_staff):
        assert get_as(client, user, url).status_code == 404, user
    missing = reverse("opinions:file", args=[999999])
    assert get_as(client, world.station_staff, missing).status_code == 404
    for user in (world.station_staff, world.deputy_user, world.office, world.leader):
        response = get_as(client, user, url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PHOTO
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    # The detail page shows it as a thumbnail through this view.
    assert url in get_as(client, world.office, detail(opinion)).content.decode()


def test_pdf_attachment_is_downloaded_not_shown(client, world):
    opinion = submit(world)
    pdf = stored(
        opinion,
        content=b"%PDF-1.4\n%%EOF\n",
        content_type="application/pdf",
        name="答复函.pdf",
        kind=FileKind.ATTACHMENT,
    )
    response = get_as(client, world.station_staff, reverse("opinions:file", args=[pdf.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
