"""The POST steps of the activity page: approve, reject, resubmit, cancel, attach, add
deputies, and on one deputy's row confirm, dispute, remove, uphold and attendance.
Each has its permission matrix (anonymous → login, outside scope → 404, in scope
without the right → 403, nothing written), writes exactly one audit entry, and shows
a refusal in Chinese next to its form; a stale page gets a message."""

from __future__ import annotations

import pytest
from django.test import Client

from minqing.duties import actions
from minqing.duties.models import ActivityState, Attendance, ParticipationState
from tests.duties.factories import record
from tests.duties.test_pages_activities import audits, fake_pdf, pdf, photo, report, url
from tests.opinions.helpers import assert_post_refused, flashes, post_as

pytestmark = pytest.mark.django_db


def done(client, user, target, data=None):
    """POST as ``user``: a redirect and exactly one audit entry."""
    before = audits()
    response = post_as(client, user, target, data or {})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert audits() - before == 1
    return response


def refused_on_page(client, user, target, data, *messages_):
    """POST as ``user``: the activity page again with the messages, nothing written."""
    before = audits()
    response = post_as(client, user, target, data)
    assert response.status_code == 200
    page = response.content.decode()
    for m in messages_:
        assert m in page, m
    assert audits() == before
    return page


# --- review of a deputy's report -----------------------------------------------------------------


def test_approve_matrix_and_stale_page(client, dw):
    a = report(dw, station=dw.station)
    target = url("activity_approve", a.pk)
    assert_post_refused(
        client,
        target,
        {},
        hidden=[dw.nobody, dw.unit_staff, dw.far_office, dw.station2_staff, dw.dep2_user],
        forbidden=[dw.leader, dw.dep_user],
    )
    response = done(client, dw.station_staff, target, {"approve-note": "情况属实"})
    assert response.url == url("activity_detail", a.pk)
    a.refresh_from_db()
    assert a.state == ActivityState.RECORDED and a.review_note == "情况属实"
    before = audits()
    response = post_as(client, dw.station_staff, target)
    assert response.status_code == 302 and audits() == before
    assert "状态已经变化" in flashes(response)[0]


def test_reject_matrix_and_reason(client, dw):
    a = report(dw, station=dw.station)
    target = url("activity_reject", a.pk)
    data = {"reject-note": "请补充调解协议"}
    assert_post_refused(
        client,
        target,
        data,
        hidden=[dw.nobody, dw.far_office, dw.station2_staff],
        forbidden=[dw.leader, dw.dep_user],
    )
    refused_on_page(
        client, dw.station_staff, target, {"reject-note": "不行"}, "请填写退回理由（至少 5 个字）"
    )
    done(client, dw.station_staff, target, data)
    a.refresh_from_db()
    assert a.state == ActivityState.REJECTED and a.review_note == "请补充调解协议"


def test_resubmit_matrix(client, dw):
    a = report(dw, station=dw.station)
    actions.activity_reject(actor=dw.station_staff, activity=a, note="请补充调解协议")
    target = url("activity_resubmit", a.pk)
    assert_post_refused(
        client,
        target,
        {},
        hidden=[dw.nobody, dw.far_office, dw.station2_staff],
        forbidden=[dw.station_staff, dw.leader],
    )
    done(client, dw.dep_user, target)
    a.refresh_from_db()
    assert a.state == ActivityState.PENDING


# --- the organiser's steps ------------------------------------------------------------------------


def test_cancel_matrix_and_note(client, dw):
    a = record(dw)
    target = url("activity_cancel", a.pk)
    data = {"cancel-note": "重复登记"}
    assert_post_refused(
        client,
        target,
        data,
        hidden=[dw.nobody, dw.far_office, dw.station_staff, dw.far_dep_user],
        forbidden=[dw.leader, dw.dep_user],
    )
    refused_on_page(client, dw.office, target, {"cancel-note": ""}, "请填写撤销理由")
    done(client, dw.office, target, data)
    a.refresh_from_db()
    assert a.state == ActivityState.CANCELLED


def test_reporter_cancels_their_pending_report(client, dw):
    a = report(dw, station=dw.station)
    done(client, dw.dep_user, url("activity_cancel", a.pk), {"cancel-note": "登记错了"})
    a.refresh_from_db()
    assert a.state == ActivityState.CANCELLED


def test_attach_matrix_and_upload_check(client, dw):
    a = record(dw)
    target = url("activity_attach", a.pk)
    assert_post_refused(
        client,
        target,
        {"photos": [photo()]},
        hidden=[dw.nobody, dw.far_office, dw.station_staff],
        forbidden=[dw.leader, dw.dep_user],
    )
    refused_on_page(
        client, dw.office, target, {"reports": [fake_pdf()]}, "附件「假报告.pdf」不是 PDF 文件"
    )
    refused_on_page(client, dw.office, target, {}, "请选择要上传的照片或报告")
    done(client, dw.office, target, {"photos": [photo()], "reports": [pdf()]})
    assert sorted(a.files.values_list("kind", flat=True)) == ["photo", "report"]


def test_reporter_attaches_to_their_report(client, dw):
    a = report(dw, station=dw.station)
    done(client, dw.dep_user, url("activity_attach", a.pk), {"reports": [pdf()]})
    assert a.files.count() == 1


def test_add_deputies_matrix(client, dw):
    a = record(dw, deputies=[dw.dep])
    target = url("activity_add", a.pk)
    data = {"deputies": [dw.dep2.pk], "attendance": "present"}
    assert_post_refused(
        client,
        target,
        data,
        hidden=[dw.nobody, dw.far_office, dw.station_staff],
        forbidden=[dw.leader, dw.dep_user],
    )
    refused_on_page(client, dw.office, target, {"attendance": "present"}, "请至少选择一名参加代表")
    refused_on_page(
        client,
        dw.office,
        target,
        {"deputies": [dw.far_dep.pk], "attendance": "present"},
        "所选代表不存在或不在您可以选择的范围内",
    )
    response = done(client, dw.office, target, {**data, "attendance": "leave"})
    assert "已添加 1 位代表" in flashes(response)[0]
    p = a.participations.get(deputy=dw.dep2)
    assert (p.state, p.attendance) == (ParticipationState.PENDING, Attendance.LEAVE)


# --- one deputy's row ----------------------------------------------------------------------------


def test_confirm_matrix(client, dw):
    a = record(dw)
    p = a.participations.get(deputy=dw.dep)
    target = url("participation_confirm", p.pk)
    assert_post_refused(
        client,
        target,
        {},
        hidden=[dw.nobody, dw.far_office, dw.far_dep_user, dw.station2_staff],
        forbidden=[dw.office, dw.leader, dw.dep2_user],
    )
    done(client, dw.dep_user, target)
    p.refresh_from_db()
    assert p.state == ParticipationState.CONFIRMED


def test_dispute_matrix_and_reason(client, dw):
    a = record(dw)
    p = a.participations.get(deputy=dw.dep2)
    target = url("participation_dispute", p.pk)
    data = {"dispute-note": "当天我在外地出差"}
    assert_post_refused(
        client,
        target,
        data,
        hidden=[dw.nobody, dw.far_office, dw.far_dep_user],
        forbidden=[dw.office, dw.dep_user],
    )
    refused_on_page(
        client, dw.dep2_user, target, {"dispute-note": "没去"}, "请填写异议理由（至少 5 个字）"
    )
    done(client, dw.dep2_user, target, data)
    p.refresh_from_db()
    assert (p.state, p.dispute_reason) == (ParticipationState.DISPUTED, "当天我在外地出差")


def _disputed(dw):
    a = record(dw)
    p = a.participations.get(deputy=dw.dep2)
    actions.participation_dispute(actor=dw.dep2_user, participation=p, reason="当天我在外地出差")
    return p


def test_remove_matrix(client, dw):
    p = _disputed(dw)
    target = url("participation_remove", p.pk)
    assert_post_refused(
        client,
        target,
        {},
        hidden=[dw.nobody, dw.far_office, dw.station_staff],
        forbidden=[dw.leader, dw.dep_user, dw.dep2_user],
    )
    done(client, dw.office, target, {"remove-note": ""})
    p.refresh_from_db()
    assert p.state == ParticipationState.REMOVED


def test_uphold_matrix_and_note(client, dw):
    p = _disputed(dw)
    target = url("participation_uphold", p.pk)
    data = {"uphold-note": "签到表上有您的签名"}
    assert_post_refused(
        client,
        target,
        data,
        hidden=[dw.nobody, dw.far_office],
        forbidden=[dw.leader, dw.dep2_user],
    )
    page = refused_on_page(client, dw.office, target, {"uphold-note": "有"}, "至少 5 个字")
    assert f'id="uphold-{p.pk}"' in page
    done(client, dw.office, target, data)
    p.refresh_from_db()
    assert p.state == ParticipationState.PENDING


def test_attendance_matrix(client, dw):
    a = record(dw, kind="meeting", meeting_type="standing")
    p = a.participations.get(deputy=dw.dep)
    target = url("participation_attendance", p.pk)
    assert_post_refused(
        client,
        target,
        {"attendance": "leave"},
        hidden=[dw.nobody, dw.far_office, dw.far_dep_user],
        forbidden=[dw.leader, dw.dep_user],
    )
    before = audits()
    response = post_as(client, dw.office, target, {"attendance": "holiday"})
    assert response.status_code == 302 and audits() == before
    assert "出席情况无效" in flashes(response)[0]
    done(client, dw.office, target, {"attendance": "leave"})
    p.refresh_from_db()
    assert p.attendance == Attendance.LEAVE


def test_steps_need_the_csrf_token(dw):
    a = record(dw)
    p = a.participations.get(deputy=dw.dep)
    client = Client(enforce_csrf_checks=True)
    client.force_login(dw.dep_user)
    before = audits()
    assert client.post(url("participation_confirm", p.pk)).status_code == 403
    client.force_login(dw.office)
    assert client.post(url("activity_cancel", a.pk), {"cancel-note": "重复"}).status_code == 403
    assert audits() == before
