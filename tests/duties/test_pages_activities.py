"""The activity pages (履职活动): the list with its filters and query pins, the
organiser's form (office, station staff, group leader; a meeting's attendance), the
activity page, the edit form, the scoped file download, a deputy's own report, 我的履职,
the approvals queue and the deputy picker — each with its permission matrix, one audit
entry per write, Chinese errors on the form and the upload check's refusal.

The POST steps of the activity page are in ``test_pages_activity_steps.py``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from minqing.core.models import AuditEntry
from minqing.duties import actions
from minqing.duties.models import (
    Activity,
    ActivityState,
    Participation,
    ParticipationState,
)
from minqing.people.models import Deputy, DeputyStatus
from tests.duties.factories import record, unified_day
from tests.opinions.helpers import (
    assert_login_redirect,
    flashes,
    get_as,
    image,
    minimal_pdf,
    post_as,
)

pytestmark = pytest.mark.django_db


# --- helpers ---------------------------------------------------------------------------------


def url(name: str, *args) -> str:
    return reverse(f"duties:{name}", args=args)


def audits() -> int:
    return AuditEntry.objects.count()


def today() -> dt.date:
    return timezone.localdate()


def photo(name: str = "现场.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image("PNG"), content_type="image/png")


def pdf(name: str = "调研报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf(), content_type="application/pdf")


def fake_pdf(name: str = "假报告.pdf") -> SimpleUploadedFile:
    """An HTML page named like a PDF: the upload check judges the bytes."""
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", "application/pdf")


def report(dw, *, station=None, group=None, title: str = "调解邻里漏水纠纷", **kw) -> Activity:
    """``dw.dep``'s own report (pending), at ``station`` or with ``group``."""
    return actions.activity_report(
        actor=kw.pop("actor", dw.dep_user),
        kind=kw.pop("kind", "mediation"),
        data={"title": title, "date": today() - dt.timedelta(days=1), "place": "望江社区"},
        station=station,
        group=group,
        **kw,
    )


def form_data(**overrides) -> dict:
    data = {
        "kind": "inspection",
        "meeting_type": "",
        "title": "视察背街小巷改造",
        "date": (today() - dt.timedelta(days=2)).isoformat(),
        "end_date": "",
        "place": "江滨街道",
        "summary": "察看五条背街小巷改造进展，听取沿街居民意见。",
    }
    data.update(overrides)
    return data


def bare_activities(dw, n: int, **kw) -> list[Activity]:
    """``n`` recorded office activities in 滨江区 (no actions, no audit), each with two
    deputies and a photo row: rows for the query-count pins."""
    out = []
    for i in range(n):
        a = Activity.objects.create(
            region=dw.tree.binjiang,
            kind="research",
            organiser_kind="office",
            title=f"调研第{i}号课题",
            date=today() - dt.timedelta(days=i % 50),
            place="滨江区",
            **kw,
        )
        Participation.objects.bulk_create(
            [Participation(activity=a, deputy=dw.dep), Participation(activity=a, deputy=dw.dep2)]
        )
        out.append(a)
    return out


def reverse_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- the list --------------------------------------------------------------------------------


def test_list_permission_matrix(client, dw):
    a = record(dw, title="视察老旧小区加装电梯")
    target = url("activity_list")
    assert_login_redirect(client.get(target))
    assert get_as(client, dw.nobody, target).status_code == 403
    assert get_as(client, dw.unit_staff, target).status_code == 403
    for user in (dw.office, dw.district_office, dw.leader, dw.dep_user):
        page = get_as(client, user, target)
        assert page.status_code == 200, user
        assert url("activity_detail", a.pk) in page.content.decode(), user
    # In their scope they see nothing of it: another city, another station, another deputy.
    for user in (dw.far_office, dw.station_staff, dw.far_dep_user):
        page = get_as(client, user, target)
        assert page.status_code == 200, user
        assert url("activity_detail", a.pk) not in page.content.decode(), user


def test_deputy_list_shows_their_own(client, dw):
    mine = record(dw, deputies=[dw.dep], title="参加执法检查")
    other = record(dw, deputies=[dw.dep2], title="参加代表培训")
    page = get_as(client, dw.dep_user, url("activity_list")).content.decode()
    assert mine.title in page and other.title not in page
    assert url("activity_report") in page and url("activity_create") not in page
    page = get_as(client, dw.office, url("activity_list")).content.decode()
    assert mine.title in page and other.title in page and url("activity_create") in page


def test_list_filters(client, dw):
    record(dw, kind="inspection", title="视察污水管网", days_ago=30)
    record(dw, kind="research", title="调研养老服务", days_ago=3)
    at_station = record(dw, kind="reception", title="周三站内接待", station=dw.station, days_ago=1)
    actions.activity_cancel(actor=dw.station_staff, activity=at_station, note="重复登记")
    group = actions.activity_record(
        actor=dw.leader_dep_user,
        kind="group",
        data={"title": "小组集中学习", "date": today()},
        deputies=[dw.dep],
        group=dw.group,
    )
    target = url("activity_list")

    def titles(**params) -> set[str]:
        page = get_as(client, dw.office, target, params).content.decode()
        return {
            t for t in ("视察污水管网", "调研养老服务", "周三站内接待", "小组集中学习") if t in page
        }

    assert titles() == {"视察污水管网", "调研养老服务", "周三站内接待", "小组集中学习"}
    assert titles(q="养老") == {"调研养老服务"}
    assert titles(kind="inspection") == {"视察污水管网"}
    assert titles(state="cancelled") == {"周三站内接待"}
    assert titles(station=dw.station.pk) == {"周三站内接待"}
    assert titles(group=group.group_id) == {"小组集中学习"}
    since = (today() - dt.timedelta(days=10)).isoformat()
    assert titles(date_from=since) == {"调研养老服务", "周三站内接待", "小组集中学习"}
    assert titles(date_to=since) == {"视察污水管网"}
    # A bad value is named and ignored, the other filters still apply.
    page = get_as(client, dw.office, target, {"kind": "party", "q": "养老"}).content.decode()
    assert "筛选条件无效" in page and "调研养老服务" in page and "视察污水管网" not in page
    page = get_as(client, dw.office, target, {"date_from": "昨天"}).content.decode()
    assert "筛选条件无效" in page


@pytest.mark.parametrize("n", [3, 30])
def test_list_query_count_is_pinned(client, dw, django_assert_num_queries, n):
    bare_activities(dw, n)
    client.force_login(dw.office)
    # Session, user, grants, count, the page (deputies counted in a subquery), the
    # station and group filters: the same for 3 and 30 rows.
    with django_assert_num_queries(7):
        response = client.get(url("activity_list"))
    assert response.status_code == 200
    assert response.content.decode().count("/duties/activities/") >= n


@pytest.mark.parametrize("n", [3, 30])
def test_deputy_list_query_count_is_pinned(client, dw, django_assert_num_queries, n):
    bare_activities(dw, n)
    client.force_login(dw.dep_user)
    # As above, plus the deputy record (its stations and grids) and the groups it leads.
    with django_assert_num_queries(11):
        response = client.get(url("activity_list"))
    assert response.status_code == 200
    assert response.content.decode().count("调研第") == n


# --- the organiser's form --------------------------------------------------------------------


def test_create_page_permission_matrix(client, dw):
    target = url("activity_create")
    assert_login_redirect(client.get(target))
    for user in (dw.nobody, dw.unit_staff, dw.leader, dw.dep_user):
        assert get_as(client, user, target).status_code == 403, user
    page = get_as(client, dw.office, target).content.decode()
    assert "滨江区" in page and dw.station.name in page and dw.group.name in page
    assert dw.far_station.name not in page
    page = get_as(client, dw.station_staff, target).content.decode()
    assert f'value="station:{dw.station.pk}"' in page and dw.station2.name not in page
    assert 'value="region:' not in page
    page = get_as(client, dw.leader_dep_user, target).content.decode()
    assert f'value="group:{dw.group.pk}"' in page and 'value="station:' not in page


def test_office_records_a_meeting_with_attendance(client, dw, django_capture_on_commit_callbacks):
    before = audits()
    data = form_data(
        kind="meeting",
        meeting_type="standing",
        title="列席市人大常委会第十二次会议",
        organiser=f"region:{dw.tree.binjiang.pk}",
        deputies=[dw.dep.pk, dw.dep2.pk, dw.leader_dep.pk],
        **{f"attendance_{dw.dep2.pk}": "leave", f"attendance_{dw.leader_dep.pk}": "absent"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = post_as(client, dw.office, url("activity_create"), data)
    assert response.status_code == 302
    a = Activity.objects.get(title="列席市人大常委会第十二次会议")
    assert response.url == url("activity_detail", a.pk)
    assert audits() - before == 1
    assert (a.region, a.state, a.organiser_kind, a.meeting_type) == (
        dw.tree.binjiang,
        "recorded",
        "office",
        "standing",
    )
    assert dict(a.participations.values_list("deputy_id", "attendance")) == {
        dw.dep.pk: "present",
        dw.dep2.pk: "leave",
        dw.leader_dep.pk: "absent",
    }
    assert "已通知 3 位代表确认" in flashes(response)[0]


def test_station_staff_record_with_photo_and_report(client, dw):
    before = audits()
    data = form_data(
        kind="reception",
        organiser=f"station:{dw.station.pk}",
        deputies=[dw.dep.pk],
        photos=[photo()],
        reports=[pdf()],
    )
    response = post_as(client, dw.station_staff, url("activity_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    a = Activity.objects.get(title=data["title"])
    assert audits() - before == 1
    assert a.station == dw.station and a.organiser_kind == "station"
    assert sorted(a.files.values_list("kind", flat=True)) == ["photo", "report"]
    assert a.files.get(kind="report").name == "调研报告.pdf"


def test_group_leader_records_for_the_group(client, dw):
    data = form_data(kind="group", organiser=f"group:{dw.group.pk}", deputies=[dw.dep.pk])
    response = post_as(client, dw.leader_dep_user, url("activity_create"), data)
    assert response.status_code == 302
    a = Activity.objects.get(title=data["title"])
    assert a.group == dw.group and a.region == dw.group.region


def test_create_refuses_out_of_scope_organiser_and_deputies(client, dw):
    before = audits()
    # 柳岸's staff cannot record for 望江; the office of 滨江 cannot list 临川's deputy.
    data = form_data(organiser=f"station:{dw.station.pk}", deputies=[dw.dep2.pk])
    page = post_as(client, dw.station2_staff, url("activity_create"), data).content.decode()
    assert "请选择您可以登记活动的区域、联络站或代表小组" in page
    data = form_data(organiser=f"region:{dw.tree.binjiang.pk}", deputies=[dw.far_dep.pk])
    page = post_as(client, dw.district_office, url("activity_create"), data).content.decode()
    assert "所选代表不存在或不在您可以选择的范围内" in page
    data = form_data(organiser=f"region:{dw.tree.donghu.pk}", deputies=[dw.dep.pk])
    page = post_as(client, dw.office, url("activity_create"), data).content.decode()
    assert "请选择您可以登记活动的区域、联络站或代表小组" in page
    assert audits() == before and not Activity.objects.exists()


def test_create_form_errors_are_in_chinese_on_the_form(client, dw):
    before = audits()
    data = form_data(
        kind="meeting",
        title="",
        date="2026-13-40",
        organiser=f"region:{dw.tree.binjiang.pk}",
    )
    page = post_as(client, dw.office, url("activity_create"), data).content.decode()
    assert "此项为必填项" in page  # title
    assert "请填写正确的日期" in page
    assert "请选择会议类型" in page
    assert "请至少选择一名参加代表" in page
    assert 'id="activity-form"' in page and "is-invalid" in page
    # The action's own refusal (a date in the future) lands next to its field.
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    data = form_data(date=tomorrow, organiser=f"region:{dw.tree.binjiang.pk}")
    data["deputies"] = [dw.dep.pk]
    page = post_as(client, dw.office, url("activity_create"), data).content.decode()
    assert "活动日期不能晚于今天" in page
    # The chosen deputy's chip is shown again.
    assert f'name="deputies" value="{dw.dep.pk}" checked' in page
    assert audits() == before


def test_create_upload_refusal_is_shown(client, dw):
    data = form_data(
        organiser=f"station:{dw.station.pk}",
        deputies=[dw.dep.pk],
        reports=[fake_pdf()],
        photos=[SimpleUploadedFile("图.jpg", b"GIF89a....", "image/jpeg")],
    )
    page = post_as(client, dw.station_staff, url("activity_create"), data).content.decode()
    assert "附件「假报告.pdf」不是 PDF 文件" in page
    assert "照片「图.jpg」不是 JPEG、PNG 或 WebP 图片" in page
    assert not Activity.objects.exists()


# --- the activity page ------------------------------------------------------------------------


def test_detail_permission_matrix(client, dw):
    a = record(dw, station=dw.station, deputies=[dw.dep])
    target = url("activity_detail", a.pk)
    assert_login_redirect(client.get(target))
    hidden = (
        dw.nobody,
        dw.unit_staff,
        dw.far_office,
        dw.station2_staff,
        dw.dep2_user,
        dw.far_dep_user,
    )
    for user in hidden:
        assert get_as(client, user, target).status_code == 404, user
    for user in (dw.office, dw.district_office, dw.station_staff, dw.leader, dw.dep_user):
        assert get_as(client, user, target).status_code == 200, user


def test_detail_shows_participations_files_timeline_and_buttons(client, dw):
    a = actions.activity_record(
        actor=dw.office,
        kind="meeting",
        data={"title": "列席常委会会议", "date": today(), "meeting_type": "standing"},
        deputies=[dw.dep, dw.dep2],
        attendance={dw.dep2.pk: "leave"},
        region=dw.tree.binjiang,
    )
    actions.activity_attach(
        actor=dw.office,
        activity=a,
        photos=[_clean_photo()],
    )
    p2 = a.participations.get(deputy=dw.dep2)
    actions.participation_dispute(actor=dw.dep2_user, participation=p2, reason="当天我在外地出差")
    target = url("activity_detail", a.pk)
    page = get_as(client, dw.office, target).content.decode()
    f = a.files.get()
    assert f'<img src="{url("activity_file", a.pk, f.pk)}"' in page
    assert "请假" in page and "代表有异议" in page and "当天我在外地出差" in page
    assert "代表提出异议" in page and "登记活动" in page  # timeline
    for name in ("activity_cancel", "activity_attach", "activity_add", "activity_edit"):
        assert url(name, a.pk) in page, name
    assert url("participation_uphold", p2.pk) in page
    assert url("participation_remove", p2.pk) in page
    assert url("participation_attendance", p2.pk) in page
    # A leader reads it and has no button.
    page = get_as(client, dw.leader, target).content.decode()
    assert "当天我在外地出差" in page and 'method="post" action="/duties/' not in page
    # The deputy sees their own confirm and dispute buttons.
    p1 = a.participations.get(deputy=dw.dep)
    page = get_as(client, dw.dep_user, target).content.decode()
    assert url("participation_confirm", p1.pk) in page
    assert url("participation_dispute", p1.pk) in page
    assert url("activity_cancel", a.pk) not in page
    # The disputing deputy may still confirm, not dispute again.
    page = get_as(client, dw.dep2_user, target).content.decode()
    assert url("participation_confirm", p2.pk) in page
    assert url("participation_dispute", p2.pk) not in page


def _clean_photo():
    from minqing.opinions import uploads

    return uploads.clean_photo(photo())


# --- edit ---------------------------------------------------------------------------------------


def test_edit_permission_matrix_and_save(client, dw):
    a = record(dw)
    target = url("activity_edit", a.pk)
    assert_login_redirect(client.get(target))
    for user in (dw.nobody, dw.far_office, dw.station_staff, dw.far_dep_user):
        assert get_as(client, user, target).status_code == 404, user
    for user in (dw.leader, dw.dep_user):
        assert get_as(client, user, target).status_code == 403, user
        assert post_as(client, user, target, form_data()).status_code == 403, user
    page = get_as(client, dw.office, target).content.decode()
    assert a.title in page and 'name="kind"' not in page
    before = audits()
    response = post_as(client, dw.office, target, form_data(title="视察老旧小区加装电梯（更正）"))
    assert response.status_code == 302 and response.url == url("activity_detail", a.pk)
    assert audits() - before == 1
    a.refresh_from_db()
    assert a.title == "视察老旧小区加装电梯（更正）"


def test_edit_errors_in_chinese(client, dw):
    a = record(dw)
    before = audits()
    data = form_data(title="", end_date=(today() - dt.timedelta(days=30)).isoformat())
    page = post_as(client, dw.office, url("activity_edit", a.pk), data).content.decode()
    assert "此项为必填项" in page and "结束日期不能早于活动日期" in page
    assert audits() == before


def test_reporter_edits_a_rejected_report(client, dw):
    a = report(dw, station=dw.station)
    actions.activity_reject(actor=dw.station_staff, activity=a, note="请补充调解结果")
    response = post_as(client, dw.dep_user, url("activity_edit", a.pk), form_data(kind="x"))
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.title == "视察背街小巷改造" and a.kind == "mediation"


# --- files --------------------------------------------------------------------------------------


def test_file_download_is_scoped_and_an_attachment(client, dw):
    from minqing.opinions import uploads

    a = record(dw, station=dw.station, deputies=[dw.dep])
    actions.activity_attach(
        actor=dw.station_staff, activity=a, reports=uploads.clean_attachments([pdf("总结<1>.pdf")])
    )
    f = a.files.get()
    target = url("activity_file", a.pk, f.pk)
    assert_login_redirect(client.get(target))
    for user in (dw.nobody, dw.far_office, dw.station2_staff, dw.dep2_user):
        assert get_as(client, user, target).status_code == 404, user
    other = record(dw)
    assert get_as(client, dw.office, url("activity_file", other.pk, f.pk)).status_code == 404
    for user in (dw.station_staff, dw.office, dw.leader, dw.dep_user):
        response = get_as(client, user, target)
        assert response.status_code == 200, user
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "<" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


# --- a deputy's own report --------------------------------------------------------------------


def test_report_page_permission_matrix(client, dw):
    target = url("activity_report")
    assert_login_redirect(client.get(target))
    for user in (dw.nobody, dw.office, dw.station_staff, dw.leader):
        assert get_as(client, user, target).status_code == 403, user
    page = get_as(client, dw.dep_user, target).content.decode()
    assert f'value="station:{dw.station.pk}"' in page and f'value="group:{dw.group.pk}"' in page
    assert dw.station2.name not in page and 'value="meeting"' not in page


def test_deputy_reports_at_their_station(client, dw, django_capture_on_commit_callbacks):
    before = audits()
    data = form_data(
        kind="mediation",
        where=f"station:{dw.station.pk}",
        deputies=[dw.dep2.pk],
        photos=[photo()],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = post_as(client, dw.dep_user, url("activity_report"), data)
    assert response.status_code == 302
    a = Activity.objects.get(title=data["title"])
    assert response.url == url("activity_detail", a.pk)
    assert audits() - before == 1
    assert (a.state, a.station, a.reported_by) == (ActivityState.PENDING, dw.station, dw.dep)
    states = dict(a.participations.values_list("deputy_id", "state"))
    assert states == {dw.dep.pk: "confirmed", dw.dep2.pk: "pending"}
    assert a.files.filter(kind="photo").count() == 1


def test_report_refuses_others_stations_meetings_and_bad_uploads(client, dw):
    before = audits()
    data = form_data(kind="meeting", where=f"station:{dw.station2.pk}", reports=[fake_pdf()])
    page = post_as(client, dw.dep_user, url("activity_report"), data).content.decode()
    assert "请选择活动类型" in page
    assert "请选择您所在的联络站或代表小组" in page
    assert "不是 PDF 文件" in page
    assert audits() == before and not Activity.objects.exists()


# --- 我的履职 -----------------------------------------------------------------------------------


def test_my_duties_permission_matrix(client, dw):
    target = url("my_duties")
    assert_login_redirect(client.get(target))
    for user in (dw.nobody, dw.office, dw.station_staff, dw.leader, dw.unit_staff):
        assert get_as(client, user, target).status_code == 403, user
    assert get_as(client, dw.dep_user, target).status_code == 200


def test_my_duties_shows_what_to_confirm_slots_and_links(client, dw):
    a = record(dw, title="视察河道整治")
    confirmed = record(dw, title="调研社区食堂", kind="research")
    actions.participation_confirm(
        actor=dw.dep_user, participation=confirmed.participations.get(deputy=dw.dep)
    )
    pending = report(dw, station=dw.station, title="接待来访群众")
    day = unified_day(dw)
    post = day.posts.get(station=dw.station)
    actions.duty_slot_assign(actor=dw.office, post=post, deputies=[dw.dep])
    page = get_as(client, dw.dep_user, url("my_duties")).content.decode()
    p = a.participations.get(deputy=dw.dep)
    assert 'id="to-confirm"' in page and url("participation_confirm", p.pk) in page
    assert url("participation_dispute", p.pk) in page
    assert url("participation_confirm", confirmed.participations.get(deputy=dw.dep).pk) not in page
    assert dw.station.name in page and dw.station.address in page and "09:00" in page
    assert url("station_today", dw.station.pk) in page and "今日接待签到" in page
    assert pending.title in page and "待审核" in page  # my reports under review
    assert "调研社区食堂" in page  # recent
    # The duty record and points pages of another part of the work (linked when mounted).
    for name in ("duties:deputy_record", "duties:deputy_points"):
        link = reverse_or_none(name, dw.dep.pk)
        assert link is not None and link in page, name
    # Another deputy sees none of it.
    page = get_as(client, dw.dep2_user, url("my_duties")).content.decode()
    assert "接待来访群众" not in page and dw.station.address not in page


def test_confirm_from_my_duties_returns_there(client, dw):
    a = record(dw)
    p = a.participations.get(deputy=dw.dep)
    before = audits()
    response = post_as(
        client,
        dw.dep_user,
        url("participation_confirm", p.pk),
        {"next": url("my_duties")},
    )
    assert response.status_code == 302 and response.url == url("my_duties")
    assert audits() - before == 1
    p.refresh_from_db()
    assert p.state == ParticipationState.CONFIRMED
    # An outside ``next`` is ignored.
    p2 = a.participations.get(deputy=dw.dep2)
    response = post_as(
        client, dw.dep2_user, url("participation_confirm", p2.pk), {"next": "https://evil.example/"}
    )
    assert response.url == url("activity_detail", a.pk)


# --- approvals ---------------------------------------------------------------------------------


def test_approvals_permission_matrix_and_scope(client, dw):
    a = report(dw, station=dw.station)
    target = url("approvals")
    assert_login_redirect(client.get(target))
    for user in (dw.nobody, dw.leader, dw.dep_user, dw.unit_staff):
        assert get_as(client, user, target).status_code == 403, user
    page = get_as(client, dw.station_staff, target).content.decode()
    assert url("activity_approve", a.pk) in page
    for user in (dw.station2_staff, dw.far_office, dw.leader_dep_user):
        page = get_as(client, user, target)
        assert page.status_code == 200, user
        assert url("activity_detail", a.pk) not in page.content.decode(), user


def test_approve_from_the_queue(client, dw):
    a = report(dw, group=dw.group)
    before = audits()
    response = post_as(
        client, dw.leader_dep_user, url("activity_approve", a.pk), {"next": url("approvals")}
    )
    assert response.status_code == 302 and response.url == url("approvals")
    assert audits() - before == 1
    a.refresh_from_db()
    assert a.state == ActivityState.RECORDED


# --- the deputy picker --------------------------------------------------------------------------


def test_deputy_search_permission_matrix_and_pool(client, dw):
    target = url("deputy_search")
    assert_login_redirect(client.get(target, {"deputy_q": dw.dep.name}))
    for user in (dw.nobody, dw.leader, dw.unit_staff):
        assert get_as(client, user, target, {"deputy_q": "D"}).status_code == 403, user
    ended = dw.more[0]
    Deputy.objects.filter(pk=ended.pk).update(status=DeputyStatus.ENDED)
    page = get_as(client, dw.office, target, {"deputy_q": "D", "mode": "record"}).content.decode()
    for d in (dw.dep, dw.dep2, dw.leader_dep, *dw.more[1:]):
        assert url("deputy_chip", d.pk) in page, d
    assert url("deputy_chip", dw.far_dep.pk) not in page
    assert url("deputy_chip", ended.pk) not in page  # no longer a deputy
    by_name = get_as(client, dw.office, target, {"deputy_q": dw.dep2.name}).content.decode()
    assert url("deputy_chip", dw.dep2.pk) in by_name
    assert url("deputy_chip", dw.dep.pk) not in by_name
    page = get_as(client, dw.station_staff, target, {"deputy_q": "D"}).content.decode()
    assert url("deputy_chip", dw.dep.pk) in page and url("deputy_chip", dw.dep2.pk) not in page
    # A deputy lists the deputies of their term, not themself.
    page = get_as(client, dw.dep_user, target, {"deputy_q": "D"}).content.decode()
    assert url("deputy_chip", dw.dep2.pk) in page and url("deputy_chip", dw.dep.pk) not in page
    assert url("deputy_chip", dw.far_dep.pk) not in page
    # Chosen ones and, on an activity, those listed already are left out.
    a = record(dw, deputies=[dw.dep])
    params = {"deputy_q": "D", "activity": a.pk, "deputies": [dw.dep2.pk], "mode": "add"}
    page = get_as(client, dw.office, target, params).content.decode()
    assert url("deputy_chip", dw.dep.pk) not in page and url("deputy_chip", dw.dep2.pk) not in page
    assert url("deputy_chip", dw.leader_dep.pk) in page
    assert get_as(client, dw.far_office, target, params).status_code in (403, 404)


def test_deputy_chip(client, dw):
    target = url("deputy_chip", dw.dep.pk)
    assert_login_redirect(client.get(target))
    assert get_as(client, dw.nobody, target).status_code == 403
    assert get_as(client, dw.office, url("deputy_chip", dw.far_dep.pk)).status_code == 404
    page = get_as(client, dw.office, target, {"mode": "record"}).content.decode()
    assert f'name="deputies" value="{dw.dep.pk}" checked' in page
    assert f'name="attendance_{dw.dep.pk}"' in page and "请假" in page
    page = get_as(client, dw.office, target, {"mode": "report"}).content.decode()
    assert "attendance_" not in page


def test_approvals_query_count_does_not_grow(client, dw):
    client.force_login(dw.station_staff)

    def queries(n: int) -> int:
        Activity.objects.all().delete()
        bare_activities(dw, n, state=ActivityState.PENDING, reported_by=dw.dep2, station=dw.station)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url("approvals"))
        assert response.content.decode().count("/approve/") == n
        return len(ctx.captured_queries)

    assert queries(3) == queries(30)


def test_edit_of_a_cancelled_activity_gets_a_message(client, dw):
    a = record(dw)
    actions.activity_cancel(actor=dw.office, activity=a, note="重复登记")
    response = get_as(client, dw.office, url("activity_edit", a.pk))
    assert response.status_code == 302 and response.url == url("activity_detail", a.pk)
    assert "该活动当前的状态不能修改" in flashes(response)[0]
    # The reporter of an approved report no longer edits it.
    r = report(dw, station=dw.station)
    actions.activity_approve(actor=dw.station_staff, activity=r)
    response = get_as(client, dw.dep_user, url("activity_edit", r.pk))
    assert response.status_code == 302
