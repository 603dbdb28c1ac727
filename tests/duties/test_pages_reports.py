"""The staff pages of reports to voters (述职评议): the list, scheduling with the deputy
picker, the meeting's page and its steps, editing, and the big screen. A permission
matrix for every page and endpoint, one audit entry per POST, a pinned query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from minqing.duties import actions
from minqing.duties.models import Ballot, DutyReport, ReportState
from tests.duties.test_ballots import TEXT, audits, reported, runner, schedule, voting
from tests.opinions.helpers import assert_login_redirect, flashes, get_as, post_as

pytestmark = pytest.mark.django_db


def url(name: str, report: DutyReport | None = None) -> str:
    return reverse(f"duties:{name}", args=[report.pk] if report else [])


def pks(response) -> set[int]:
    return {r.pk for r in response.context["page_obj"]}


def meeting_post(**over) -> dict:
    return {
        "title": "2026年度代表向选民述职会",
        "date": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "start_time": "14:30",
        "place": "望江社区党群服务中心",
        "voter_count": "30",
        **over,
    }


# ---- the list --------------------------------------------------------------------------------


def test_list_matrix(client, dw):
    at_station = schedule(dw)
    at_station2 = schedule(dw, station="station2")
    by_office = schedule(dw, station=None, deputy=dw.leader_dep)
    everything = {at_station.pk, at_station2.pk, by_office.pk}
    target = url("report_list")
    assert_login_redirect(client.get(target))
    for user in (dw.nobody, dw.unit_staff):
        assert get_as(client, user, target).status_code == 403, user
    for user in (dw.office, dw.district_office, dw.leader):
        assert pks(get_as(client, user, target)) == everything, user
    assert pks(get_as(client, dw.station_staff, target)) == {at_station.pk}
    assert pks(get_as(client, dw.station2_staff, target)) == {at_station2.pk}
    assert pks(get_as(client, dw.far_office, target)) == set()
    # A deputy sees their own reports only.
    assert pks(get_as(client, dw.dep_user, target)) == {at_station.pk}
    assert pks(get_as(client, dw.leader_dep_user, target)) == {by_office.pk}
    assert pks(get_as(client, dw.far_dep_user, target)) == set()
    # The create button only for those who may schedule.
    assert 'id="report-create"' in get_as(client, dw.station_staff, target).content.decode()
    assert 'id="report-create"' not in get_as(client, dw.dep_user, target).content.decode()
    assert 'id="report-create"' not in get_as(client, dw.leader, target).content.decode()


def test_list_filters(client, dw):
    today = timezone.localdate()
    ahead = schedule(dw, title="望江社区代表述职会", date=today + dt.timedelta(days=3))
    past = reported(dw, station="station2", date=today - dt.timedelta(days=400))
    cancelled = schedule(dw, station=None, deputy=dw.leader_dep, title="取消的述职会")
    actions.report_cancel(actor=dw.office, report=cancelled, note="代表出差")
    client.force_login(dw.office)
    target = url("report_list")
    assert pks(client.get(target, {"q": "望江社区代表"})) == {ahead.pk}
    assert pks(client.get(target, {"q": dw.dep2.name})) == {past.pk}
    assert pks(client.get(target, {"when": "upcoming"})) == {ahead.pk}
    assert pks(client.get(target, {"when": "past"})) == {past.pk, cancelled.pk}
    assert pks(client.get(target, {"state": "cancelled"})) == {cancelled.pk}
    assert pks(client.get(target, {"year": past.date.year})) == {past.pk}
    # A malformed filter is dropped, not an error.
    assert pks(client.get(target, {"state": "nonsense", "year": "x"})) == {
        ahead.pk,
        past.pk,
        cancelled.pk,
    }
    page = client.get(target).content.decode()
    assert "望江社区代表述职会" in page and dw.dep.name in page and "已取消" in page


@pytest.mark.parametrize("n", [3, 30])
def test_list_query_count_is_pinned(client, dw, django_assert_num_queries, n):
    deputies = [dw.dep, dw.dep2, dw.leader_dep, *dw.more]
    for i in range(n):
        schedule(dw, station=None, deputy=deputies[i % len(deputies)], title=f"述职会{i}")
    client.force_login(dw.office)
    target = url("report_list")
    client.get(target)
    # Session, user, grants, the years of the filter, count, the page.
    with django_assert_num_queries(6):
        response = client.get(target, {"when": "upcoming"})
    assert len(response.context["page_obj"]) == n


# ---- scheduling ------------------------------------------------------------------------------


def test_create_page_matrix(client, dw):
    target = url("report_create")
    assert_login_redirect(client.get(target))
    for user in (dw.nobody, dw.leader, dw.dep_user, dw.unit_staff):
        assert get_as(client, user, target).status_code == 403, user
        assert post_as(client, user, target, meeting_post(deputy=dw.dep.pk)).status_code == 403
    for user in (dw.office, dw.station_staff, dw.far_office):
        assert get_as(client, user, target).status_code == 200, user
    assert not DutyReport.objects.exists()


def test_station_staff_schedule_at_their_station(client, dw):
    client.force_login(dw.station_staff)
    page = client.get(url("report_create")).content.decode()
    assert dw.station.name in page and dw.station2.name not in page
    assert "不在联络站举行" not in page  # station staff hold it at their station
    assert "不在联络站举行" in get_as(client, dw.office, url("report_create")).content.decode()
    client.force_login(dw.station_staff)
    before = audits()
    response = client.post(
        url("report_create"), meeting_post(deputy=dw.dep.pk, station=dw.station.pk)
    )
    report = DutyReport.objects.get()
    assert response.status_code == 302 and response.url == url("report_detail", report)
    assert audits() == before + 1
    assert (report.deputy, report.station, report.region) == (
        dw.dep,
        dw.station,
        dw.tree.wangjiang,
    )
    assert (report.voter_count, report.start_time) == (30, dt.time(14, 30))
    assert report.state == ReportState.SCHEDULED and report.created_by == dw.station_staff


def test_create_refusals_stay_on_the_form(client, dw):
    client.force_login(dw.station_staff)
    # Station staff must hold it at their station.
    response = client.post(url("report_create"), meeting_post(deputy=dw.dep.pk))
    assert response.status_code == 200
    assert "请选择举行述职会议的联络站" in response.content.decode()
    # Another station's deputy is outside their pool; another station is not offered.
    response = client.post(
        url("report_create"), meeting_post(deputy=dw.dep2.pk, station=dw.station2.pk)
    )
    errors = response.context["form"].errors
    assert "请从您负责范围内的代表中选择述职代表" in errors["deputy"][0]
    assert "请选择您负责的联络站" in errors["station"][0]
    response = client.post(
        url("report_create"),
        meeting_post(deputy=dw.dep.pk, station=dw.station.pk, voter_count="0", title=""),
    )
    errors = response.context["form"].errors
    assert errors["voter_count"] == ["选民代表人数不能小于 1"]
    assert errors["title"] == ["请填写会议名称"]
    # The chosen deputy is shown again, checked.
    assert f'value="{dw.dep.pk}" id="pick-deputy-{dw.dep.pk}" checked' in response.content.decode()
    # The office of another city cannot pick this city's deputies.
    client.force_login(dw.far_office)
    response = client.post(url("report_create"), meeting_post(deputy=dw.dep.pk))
    assert "请从您负责范围内的代表中选择述职代表" in response.context["form"].errors["deputy"][0]
    assert not DutyReport.objects.exists()


def test_the_office_schedules_without_a_station(client, dw):
    client.force_login(dw.office)
    before = audits()
    response = client.post(url("report_create"), meeting_post(deputy=dw.dep2.pk))
    assert response.status_code == 302 and audits() == before + 1
    report = DutyReport.objects.get()
    assert report.station is None and report.region == dw.tree.binjiang


def test_deputy_picker(client, dw):
    target = url("report_deputy_picker")
    assert_login_redirect(client.get(target, {"deputy_q": dw.dep.name}))
    for user in (dw.nobody, dw.leader, dw.dep_user):
        assert get_as(client, user, target, {"deputy_q": "D"}).status_code == 403, user
    # The office searches the city's deputies, by name or deputy number.
    html = get_as(client, dw.office, target, {"deputy_q": dw.dep.name}).content.decode()
    assert f'value="{dw.dep.pk}"' in html
    html = get_as(client, dw.office, target, {"deputy_q": dw.far_dep.name}).content.decode()
    assert f'value="{dw.far_dep.pk}"' not in html
    html = get_as(client, dw.office, target, {"deputy_q": dw.dep2.deputy_number}).content.decode()
    assert f'value="{dw.dep2.pk}"' in html
    # Station staff: the deputies seated at their station.
    html = get_as(client, dw.station_staff, target, {"deputy_q": "D"}).content.decode()
    assert f'value="{dw.dep.pk}"' in html and f'value="{dw.dep2.pk}"' not in html
    # The chosen one stays, checked, whatever the search.
    html = get_as(
        client, dw.office, target, {"deputy_q": dw.dep2.name, "deputy": dw.dep.pk}
    ).content.decode()
    assert f'value="{dw.dep.pk}" id="pick-deputy-{dw.dep.pk}" checked' in html
    assert f'value="{dw.dep2.pk}"' in html
    # Nothing typed, nothing listed.
    assert 'name="deputy"' not in get_as(client, dw.office, target).content.decode()


# ---- the meeting's page ----------------------------------------------------------------------


def test_detail_matrix(client, dw):
    report = schedule(dw)
    target = url("report_detail", report)
    assert_login_redirect(client.get(target))
    for user in (
        dw.nobody,
        dw.unit_staff,
        dw.far_office,
        dw.station2_staff,
        dw.dep2_user,
        dw.far_dep_user,
    ):
        assert get_as(client, user, target).status_code == 404, user
    for user in (dw.office, dw.district_office, dw.station_staff):
        response = get_as(client, user, target)
        assert response.status_code == 200, user
        can = response.context["can"]
        assert can["run"] and can["edit"] and can["record"] and can["cancel"], user
    leader = get_as(client, dw.leader, target)
    assert leader.status_code == 200 and not any(leader.context["can"].values())
    # The deputy reads their own report and may record its text, nothing else.
    own = get_as(client, dw.dep_user, target)
    assert own.status_code == 200
    can = own.context["can"]
    assert can["record"] and can["is_deputy"]
    assert not (can["run"] or can["edit"] or can["cancel"] or can["open"])
    html = own.content.decode()
    assert 'id="record-form"' in html and 'id="cancel"' not in html


POST_STEPS = [
    ("report_open", {}),
    ("report_close", {}),
    ("report_paper", {"paper-competent": 1}),
    ("report_codes", {"issue-count": 1}),
    ("report_code_void", {"void-serial": 1, "void-reason": "测评码遗失"}),
    ("report_cancel", {"cancel-note": "会议改期"}),
    ("report_record", {"report_text": TEXT}),
    ("report_edit", meeting_post()),
]


@pytest.mark.parametrize("name, data", POST_STEPS, ids=[n for n, _d in POST_STEPS])
def test_post_matrix(client, dw, name, data):
    report = schedule(dw)
    target = url(name, report)
    before = audits()
    assert_login_redirect(client.post(target, data))
    for user in (dw.nobody, dw.far_office, dw.station2_staff, dw.dep2_user, dw.unit_staff):
        assert post_as(client, user, target, data).status_code == 404, user
    forbidden = [dw.leader]
    if name != "report_record":
        forbidden.append(dw.dep_user)  # the deputy reads, records, but runs nothing
    for user in forbidden:
        assert post_as(client, user, target, data).status_code == 403, user
    assert audits() == before
    report.refresh_from_db()
    assert report.state == ReportState.SCHEDULED and not report.codes.exists()


def test_the_deputy_cannot_open_voting_on_their_own_report(client, dw):
    report = reported(dw)
    response = post_as(client, dw.dep_user, url("report_open", report))
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.state == ReportState.REPORTED
    assert not get_as(client, dw.dep_user, url("report_detail", report)).context["can"]["open"]


def test_the_whole_meeting_through_the_pages_one_audit_per_post(client, dw):
    def step(user, name, data=None, report=None, expect=302):
        before = audits()
        response = post_as(client, user, url(name, report), data or {})
        assert response.status_code == expect, (name, flashes(response))
        assert audits() == before + 1, name
        return response

    step(dw.station_staff, "report_create", meeting_post(deputy=dw.dep.pk, station=dw.station.pk))
    report = DutyReport.objects.get()
    step(dw.station_staff, "report_edit", meeting_post(voter_count="8"), report)
    step(dw.dep_user, "report_record", {"report_text": TEXT}, report)
    pdf = step(dw.station_staff, "report_codes", {"issue-count": 3}, report, expect=200)
    assert pdf["Content-Type"] == "application/pdf"
    step(dw.station_staff, "report_code_void", {"void-serial": 3, "void-reason": "遗失"}, report)
    step(dw.station_staff, "report_open", None, report)
    step(dw.station_staff, "report_paper", {"paper-competent": 4, "paper-void": 1}, report)
    step(dw.station_staff, "report_close", None, report)
    report.refresh_from_db()
    assert report.state == ReportState.CLOSED and report.voter_count == 8
    assert (report.competent, report.void, report.verdict) == (4, 1, "competent")
    # Another meeting, called off.
    other = schedule(dw)
    step(dw.station_staff, "report_cancel", {"cancel-note": "代表因公出差"}, other)
    other.refresh_from_db()
    assert other.state == ReportState.CANCELLED


def test_a_step_out_of_order_is_a_message_not_an_error(client, dw):
    report = schedule(dw)
    client.force_login(dw.station_staff)
    before = audits()
    response = client.post(url("report_open", report))
    assert response.status_code == 302 and response.url == url("report_detail", report)
    assert flashes(response)[-1] == "不能从「已安排」变为「评议中」"
    response = client.post(url("report_codes", report), {"issue-count": 2})
    assert response.status_code == 302 and flashes(response)[-1] == "述职后才能发放测评码"
    response = client.post(url("report_codes", report), {"issue-count": 0})
    assert flashes(response)[-1] == "发放数量不能小于 1"
    response = client.post(url("report_code_void", report), {"void-serial": 1})
    assert "请填写作废原因" in flashes(response)[-1]
    assert audits() == before


def test_recording_the_report_keeps_a_refused_text(client, dw):
    report = schedule(dw)
    client.force_login(dw.dep_user)
    response = client.post(url("report_record", report), {"report_text": "太短了"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "述职报告至少需要 20 个字" in html and "太短了" in html
    client.post(url("report_record", report), {"report_text": TEXT})
    report.refresh_from_db()
    assert report.state == ReportState.REPORTED and report.report_text == TEXT
    html = client.get(url("report_detail", report)).content.decode()
    assert TEXT in html and 'id="record-form"' not in html


def test_detail_figures_and_who_sees_the_running_split(client, dw):
    report, issued = voting(dw, 4)
    actions.ballot_cast(code=issued[0][1], choice="incompetent")
    actions.ballot_code_void(
        actor=dw.station_staff, report=report, serial=issued[1][0], reason="发错了人"
    )
    actions.ballot_enter_paper(actor=dw.station_staff, report=report, counts={"basic": 2})
    staff = get_as(client, dw.station_staff, url("report_detail", report))
    f = staff.context["figures"]
    assert (f.issued, f.used, f.voided, f.usable) == (4, 1, 1, 2)
    assert (f.phone, f.paper, f.ballots, f.seats_left) == (1, 2, 3, 5)
    assert f.counts == {"incompetent": 1, "basic": 2}
    html = staff.content.decode()
    assert 'id="live-split"' in html and 'id="paper"' in html and 'id="close"' in html
    assert "发错了人" in html  # the voided codes' reasons
    for code in (c for _s, c in issued):
        assert code not in html
    # The deputy and leaders see the ballots received, not the split, until it closes.
    for user in (dw.dep_user, dw.leader):
        html = get_as(client, user, url("report_detail", report)).content.decode()
        assert 'id="live-split"' not in html and "已收到选票 3 张" in html
        assert 'id="paper"' not in html and 'id="voided-codes"' not in html
    actions.voting_close(actor=dw.station_staff, report=report)
    html = get_as(client, dw.dep_user, url("report_detail", report)).content.decode()
    assert 'id="report-result"' in html and "不称职" in html
    assert "称职票占有效票 80% 及以上" in html


# ---- editing ---------------------------------------------------------------------------------


def test_edit_while_scheduled_only(client, dw):
    report = schedule(dw)
    target = url("report_edit", report)
    assert_login_redirect(client.get(target))
    for user in (dw.far_office, dw.station2_staff, dw.dep2_user):
        assert get_as(client, user, target).status_code == 404, user
    for user in (dw.leader, dw.dep_user):
        assert get_as(client, user, target).status_code == 403, user
    page = get_as(client, dw.station_staff, target)
    assert page.status_code == 200
    assert 'value="2026年度代表述职评议会"' in page.content.decode()
    response = client.post(target, meeting_post(place="柳岸社区活动室", voter_count="abc"))
    assert response.context["form"].errors["voter_count"] == ["选民代表人数须为整数"]
    client.post(target, meeting_post(place="柳岸社区活动室"))
    report.refresh_from_db()
    assert report.place == "柳岸社区活动室" and report.voter_count == 30
    actions.report_record(actor=dw.station_staff, report=report, report_text=TEXT)
    response = client.get(target)
    assert response.status_code == 302 and flashes(response)[-1] == "述职已进行，不能修改会议安排"
    before = audits()
    client.post(target, meeting_post(place="别处"))
    report.refresh_from_db()
    assert report.place == "柳岸社区活动室" and audits() == before


# ---- the big screen --------------------------------------------------------------------------


def test_screen_matrix(client, dw):
    report = schedule(dw)
    for name in ("report_screen", "report_screen_live"):
        target = url(name, report)
        client.logout()
        assert_login_redirect(client.get(target))
        for user in (dw.nobody, dw.far_office, dw.station2_staff, dw.dep2_user):
            assert get_as(client, user, target).status_code == 404, (name, user)
        for user in (dw.office, dw.station_staff, dw.leader, dw.dep_user):
            assert get_as(client, user, target).status_code == 200, (name, user)


def test_screen_shows_the_count_while_voting_and_the_result_after(client, dw):
    report, issued = voting(dw, 3)
    for _s, code in issued:
        actions.ballot_cast(code=code, choice="competent")
    actions.ballot_enter_paper(
        actor=dw.station_staff, report=report, counts={"incompetent": 1, "void": 1}
    )
    client.force_login(dw.station_staff)
    page = client.get(url("report_screen", report)).content.decode()
    assert dw.dep.name in page and report.title in page
    assert "/public/duties/vote/" in page
    live = client.get(url("report_screen_live", report)).content.decode()
    assert 'id="screen-received">5<' in live
    assert 'hx-trigger="every 5s"' in live
    # Not the running split: no choice is named while the vote goes on.
    for label in ("称职", "不称职", "废票"):
        assert label not in live
    actions.voting_close(actor=dw.station_staff, report=report)
    live = client.get(url("report_screen_live", report)).content.decode()
    assert "hx-trigger" not in live  # the result stays; polling stops
    assert 'id="screen-verdict">基本称职<' in live  # 3 of 4 valid: 75% < 80%
    assert "75.0%" in live and "25.0%" in live  # of the 4 valid ballots
    assert "共收回选票 5 张，有效票 4 张" in live
    assert "称职票达 80% 为称职" in live and "合计达 50% 为基本称职" in live


def test_screen_before_voting_polls_until_it_opens(client, dw):
    report = reported(dw)
    client.force_login(dw.station_staff)
    live = client.get(url("report_screen_live", report)).content.decode()
    assert "评议即将开始" in live and 'hx-trigger="every 5s"' in live
    actions.voting_open(actor=runner(dw, report), report=report)
    live = client.get(url("report_screen_live", report)).content.decode()
    assert 'id="screen-received">0<' in live
    assert not Ballot.objects.exists()
