"""The duty record (履职档案): the eight sections of a deputy's year, who may read it,
the year filter, the office's awards, and a query count that does not grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from minqing.core.models import AuditEntry
from minqing.duties import actions
from minqing.duties.models import Award
from minqing.duties.record import duty_record, record_years
from minqing.suggestions import actions as s_actions
from tests.duties.record_helpers import award, done, report_given, suggestion

pytestmark = pytest.mark.django_db


def record_url(deputy, year: int | None = None) -> str:
    url = reverse("duties:deputy_record", args=[deputy.pk])
    return f"{url}?year={year}" if year else url


def page(client, url: str, user) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_record_permission_matrix(dw, client):
    url = record_url(dw.dep)
    assert client.get(url).status_code == 302  # anonymous → login
    assert reverse("login") in client.get(url)["Location"]
    for user, status in (
        (dw.nobody, 404),
        (dw.unit_staff, 404),
        (dw.dep_user, 200),  # their own record
        (dw.dep2_user, 404),  # another deputy's
        (dw.leader_dep_user, 200),  # leader of dep's group
        (dw.office, 200),
        (dw.district_office, 200),
        (dw.leader, 200),
        (dw.station_staff, 200),  # dep sits at 望江
        (dw.station2_staff, 404),
        (dw.far_office, 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.force_login(dw.office)
    assert client.get(record_url(dw.far_dep)).status_code == 404
    assert client.get(reverse("duties:deputy_record", args=[999999])).status_code == 404


def test_record_has_the_eight_sections(dw, client):
    done(dw, kind="meeting", attendance={dw.dep.pk: "leave"}, title="市人大常委会第十次会议")
    done(dw, kind="meeting", title="市人民代表大会第五次会议")
    done(dw, kind="law_inspection", title="食品安全法执法检查")
    done(dw, kind="training", title="新任代表履职培训班")
    done(dw, kind="reception", title="望江社区接待选民")
    done(dw, kind="mediation", title="调解邻里漏水纠纷")
    done(dw, kind="research", title="未确认的调研活动", confirm=False)
    cancelled = done(dw, kind="inspection", title="已撤销的视察活动")
    actions.activity_cancel(actor=dw.office, activity=cancelled, note="重复登记")
    led = suggestion(dw, lead=dw.dep, cosigners=[dw.dep2], title="关于增设社区养老食堂的建议")
    co = suggestion(dw, lead=dw.dep2, cosigners=[dw.dep], title="关于优化公交线路的建议")
    private = suggestion(dw, lead=dw.dep, title="关于某户家庭困难救助的建议", disclosure="private")
    suggestion(dw, lead=dw.dep, title="关于仍是草稿的建议", submit=False)
    report = report_given(dw)
    award(dw, title="优秀人大代表")
    html = page(client, record_url(dw.dep), dw.office)
    for title in (
        "基本情况",
        "参加会议",
        "视察调研",
        "学习培训",
        "小组活动",
        "议案建议",
        "述职评议",
        "获奖表彰",
    ):
        assert title in html, title
    for title in (
        "市人大常委会第十次会议",
        "市人民代表大会第五次会议",
        "食品安全法执法检查",
        "新任代表履职培训班",
        "望江社区接待选民",
        "调解邻里漏水纠纷",
        led.title,
        co.title,
        private.title,  # staff see it, marked as not public
        report.title,
        "优秀人大代表",
    ):
        assert title in html, title
    for title in ("未确认的调研活动", "已撤销的视察活动", "关于仍是草稿的建议"):
        assert title not in html, title
    assert "出席 1 次，请假 1 次，缺席 0 次" in html
    assert "另有 1 条活动记录待代表确认" in html
    assert reverse("suggestions:detail", args=[led.pk]) in html
    assert reverse("duties:deputy_points", args=[dw.dep.pk]) in html
    assert reverse("duties_public:deputy", args=[dw.dep.public_code]) in html
    assert dw.station.name in html and dw.group.name in html
    record = duty_record(dw.dep, year=timezone.localdate().year)
    sections = {s.key: [e.title for e in s.entries] for s in record.activities}
    assert set(sections["meetings"]) == {"市人大常委会第十次会议", "市人民代表大会第五次会议"}
    assert sections["inspections"] == ["食品安全法执法检查"]
    assert sections["training"] == ["新任代表履职培训班"]
    assert set(sections["group"]) == {"望江社区接待选民", "调解邻里漏水纠纷"}
    assert {(s.title, s.is_lead) for s in record.suggestions} == {
        (led.title, True),
        (co.title, False),
        (private.title, True),
    }
    assert [r.title for r in record.reports] == [report.title]


def test_record_shows_the_verdict_once_closed(dw, client):
    report = report_given(dw)
    actions.voting_open(actor=dw.office, report=report)
    actions.ballot_enter_paper(actor=dw.office, report=report, counts={"competent": 9, "basic": 1})
    html = page(client, record_url(dw.dep), dw.office)
    assert "评议中" in html and 'text-bg-success">称职<' not in html
    actions.voting_close(actor=dw.office, report=report)
    html = page(client, record_url(dw.dep), dw.office)
    assert 'text-bg-success">称职<' in html
    assert reverse("duties:report_detail", args=[report.pk]) in html


def test_record_year_filter(dw, client):
    last_year = timezone.localdate().year - 1
    done(dw, kind="inspection", title="去年的视察活动", on=dt.date(last_year, 6, 1))
    done(dw, kind="inspection", title="今年的视察活动")
    award(dw, title="去年的表彰", on=dt.date(last_year, 12, 1))
    assert last_year in record_years(dw.dep)
    html = page(client, record_url(dw.dep), dw.dep_user)
    assert "今年的视察活动" in html and "去年的视察活动" not in html
    assert "去年的表彰" not in html
    html = page(client, record_url(dw.dep, last_year), dw.dep_user)
    assert "去年的视察活动" in html and "今年的视察活动" not in html
    assert "去年的表彰" in html
    # A year outside the term, or nonsense, shows the latest year.
    for bad in ("1990", "abc", "99999999999999999999"):
        html = page(client, f"{record_url(dw.dep)}?year={bad}", dw.dep_user)
        assert "今年的视察活动" in html, bad


def test_suggestion_states_in_the_record(dw, client):
    s = suggestion(dw, lead=dw.dep, title="关于已撤回的建议")
    s_actions.suggestion_withdraw(actor=dw.dep_user, suggestion=s)
    kept = suggestion(dw, lead=dw.dep, title="关于待审查的建议")
    html = page(client, record_url(dw.dep), dw.dep_user)
    assert "关于已撤回的建议" not in html
    assert kept.title in html and kept.get_state_display() in html


# ---- awards ---------------------------------------------------------------------------------


def award_url(deputy) -> str:
    return reverse("duties:award_create", args=[deputy.pk])


AWARD = {"title": "优秀人大代表", "issuer": "澜州市人大常委会", "date": "", "note": "履职突出"}


def test_award_create_permission_matrix(dw, client):
    url = award_url(dw.dep)
    assert client.get(url).status_code == 302
    for user, status in (
        (dw.nobody, 404),
        (dw.dep2_user, 404),
        (dw.dep_user, 403),  # reads their record, records no award
        (dw.leader, 403),
        (dw.station_staff, 403),
        (dw.far_office, 404),
        (dw.office, 200),
        (dw.district_office, 200),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user
        data = AWARD | {"date": timezone.localdate().isoformat()}
        assert client.post(url, data).status_code == (302 if status == 200 else status)
    assert Award.objects.count() == 2  # the office and the district office


def test_award_create_and_delete(dw, client):
    client.force_login(dw.office)
    html = client.get(record_url(dw.dep)).content.decode()
    assert award_url(dw.dep) in html
    before = AuditEntry.objects.count()
    today = timezone.localdate()
    response = client.post(award_url(dw.dep), AWARD | {"date": today.isoformat()})
    assert response.status_code == 302
    assert response["Location"].startswith(record_url(dw.dep, today.year))
    assert AuditEntry.objects.count() == before + 1
    a = Award.objects.get()
    assert (a.deputy, a.title, a.date, a.region) == (dw.dep, "优秀人大代表", today, dw.dep.region)
    # Refusals: on the form, in Chinese, nothing written.
    for data, message in (
        (AWARD | {"date": (today + dt.timedelta(days=1)).isoformat()}, "不晚于今天"),
        (AWARD | {"title": "", "date": today.isoformat()}, "请填写表彰名称"),
        (AWARD | {"date": "not-a-date"}, "请填写有效的日期"),
    ):
        response = client.post(award_url(dw.dep), data)
        assert response.status_code == 200
        assert message in response.content.decode(), data
    assert AuditEntry.objects.count() == before + 1
    html = client.get(record_url(dw.dep)).content.decode()
    delete = reverse("duties:award_delete", args=[a.pk])
    assert delete in html
    assert client.get(delete).status_code == 405
    for user, status in ((dw.leader, 403), (dw.dep_user, 403), (dw.far_office, 404)):
        client.force_login(user)
        assert client.post(delete).status_code == status, user
        if status == 403:  # a reader of the record sees no delete button
            assert delete not in client.get(record_url(dw.dep)).content.decode()
    client.force_login(dw.office)
    response = client.post(delete)
    assert response.status_code == 302
    assert AuditEntry.objects.count() == before + 2
    assert not Award.objects.exists()
    assert client.post(delete).status_code == 404
    client.logout()
    assert client.post(delete).status_code == 302  # anonymous → login


# ---- query count ----------------------------------------------------------------------------


def test_record_page_query_count_does_not_grow(dw, client, django_assert_num_queries):
    def add(n: int) -> None:
        for i in range(n):
            kind = ("meeting", "inspection", "training", "group", "reception")[i % 5]
            done(dw, kind=kind, deputies=[dw.dep, dw.dep2], title=f"履职活动第{i}次")
        for _ in range(n // 3):
            suggestion(dw, lead=dw.dep, cosigners=[dw.dep2])
            award(dw)
        report_given(dw)

    add(3)
    client.force_login(dw.office)
    url = record_url(dw.dep)
    client.get(url)
    with django_assert_num_queries(QUERIES_RECORD):
        assert client.get(url).status_code == 200
    add(27)
    with django_assert_num_queries(QUERIES_RECORD):
        html = client.get(url).content.decode()
    assert "履职活动第26次" in html


QUERIES_RECORD = 12
