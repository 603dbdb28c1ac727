"""The five ledgers (五本台账) of a deputy, a group, a station and a region: what each
book holds, the page (tabs, period filter, pagination, permission matrix, query-count
pins), the Excel export (at once when small; one background job per click when large)
and an export of 100,000 rows whose memory stays flat."""

from __future__ import annotations

import datetime as dt
import io
import time
import tracemalloc
import zipfile
from urllib.parse import urlencode

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from minqing.core import exports
from minqing.core.models import AuditEntry
from minqing.core.models_exports import ExportJob, ExportState
from minqing.duties import actions, ledgers
from minqing.duties.models import (
    Activity,
    ActivityFile,
    ActivityState,
    DutyReport,
    OrganiserKind,
    Participation,
    ParticipationState,
    ReportState,
)
from minqing.duties.points import points_for
from minqing.opinions.actions import opinion_answer, opinion_register, opinion_report
from minqing.stations.models import StationDeputy
from minqing.suggestions import actions as sactions
from minqing.suggestions.models import Signer, SignerState, Suggestion, SuggestionState
from tests.opinions.helpers import as_user, assert_login_redirect, get_as, post_as
from tests.people.factories import DeputyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _urls(settings):
    # The export job routes are mounted by the core test module's URLconf until
    # minqing/core/urls.py carries them (see tests/core/test_exports.py).
    settings.ROOT_URLCONF = "tests.core.test_exports"


TODAY = timezone.localdate
SUGGESTION = {
    "title": "关于加快老旧小区加装电梯的建议",
    "grounds": "我市建成于2000年以前的老旧小区多为六层以下住宅，老年住户上下楼困难，群众反映强烈。",
    "proposal": "建议简化加装电梯审批流程，提高财政补贴标准，由街道牵头协调低层住户意见。",
    "category": "housing",
}


def page(**params) -> str:
    return reverse("duties:ledger") + ("?" + urlencode(params) if params else "")


def book(user, **params) -> list[list]:
    q = ledgers.ledger_query(user, params)
    return [row.values for row in q.rows()]


def confirm_all(dw, activity) -> None:
    users = {dw.dep.pk: dw.dep_user, dw.dep2.pk: dw.dep2_user, dw.leader_dep.pk: dw.leader_dep_user}
    for p in activity.participations.all():
        actions.participation_confirm(actor=users[p.deputy_id], participation=p)


def activity(dw, *, actor, kind="inspection", deputies, days_ago=0, **kw):
    data = {
        "title": kw.pop("title", "视察老旧小区加装电梯工作"),
        "date": TODAY() - dt.timedelta(days=days_ago),
        "place": "望江社区",
        "summary": "实地察看三个小区加装电梯进展。",
        "meeting_type": kw.pop("meeting_type", ""),
    }
    return actions.activity_record(actor=actor, kind=kind, data=data, deputies=deputies, **kw)


def world(dw):
    """Today: an inspection at 望江 (dep confirmed, dep2 not yet), a standing-committee
    meeting (dep present, dep2 on leave, both confirmed), the group's activity, dep's
    reception at 望江 with three opinions (one answered on the spot) and two more
    visitors, dep's report to voters (closed: 基本称职), dep's suggestion co-signed by
    dep2 and assigned to the 住建局, and dep's photo report (随手拍)."""
    inspection = activity(
        dw, actor=dw.station_staff, deputies=[dw.dep, dw.dep2], station=dw.station
    )
    actions.participation_confirm(
        actor=dw.dep_user, participation=inspection.participations.get(deputy=dw.dep)
    )
    ActivityFile.objects.bulk_create(
        [
            ActivityFile(
                activity=inspection,
                kind=k,
                file=f"duties/x{i}",
                name="x",
                content_type="x",
                size=1,
                sha256="0" * 64,
            )
            for i, k in enumerate(["photo", "photo", "report"])
        ]
    )
    meeting = activity(
        dw,
        actor=dw.office,
        kind="meeting",
        meeting_type="standing",
        title="列席市人大常委会第十次会议",
        deputies=[dw.dep, dw.dep2],
        attendance={dw.dep2.pk: "leave"},
        region=dw.tree.binjiang,
    )
    confirm_all(dw, meeting)
    grouped = activity(
        dw,
        actor=dw.leader_dep_user,
        kind="group",
        title="第一代表小组集中学习",
        deputies=[dw.dep, dw.leader_dep],
        group=dw.group,
    )
    confirm_all(dw, grouped)
    part = actions.reception_check_in(actor=dw.dep_user, station=dw.station)
    opinions = [
        opinion_register(
            actor=dw.station_staff,
            data={
                "citizen_name": "张王李"[i] + "先生",
                "text": f"小区第{i}号楼前路灯不亮，晚上出行不便，请尽快修复。",
                "kind": "help",
            },
            channel="visit",
            station=dw.station,
        )
        for i in range(3)
    ]
    opinion_answer(actor=dw.dep_user, opinion=opinions[0], public_text="已联系物业当场报修。")
    actions.reception_visitors_add(actor=dw.station_staff, activity=part.activity, count=2)
    report = actions.report_schedule(
        actor=dw.station_staff,
        deputy=dw.dep,
        station=dw.station,
        data={
            "title": "年度代表述职评议会",
            "date": TODAY(),
            "place": "望江社区会议室",
            "voter_count": 10,
            "start_time": dt.time(14, 0),
        },
    )
    actions.report_record(
        actor=dw.dep_user,
        report=report,
        report_text="本人一年来参加视察调研六次，接待选民四十余人次，提出建议三件，均已办结。",
    )
    actions.voting_open(actor=dw.station_staff, report=report)
    actions.ballot_enter_paper(
        actor=dw.station_staff, report=report, counts={"competent": 4, "basic": 4, "void": 1}
    )
    actions.voting_close(actor=dw.station_staff, report=report)
    suggestion = sactions.suggestion_create(
        actor=dw.dep_user, kind="suggestion", data=SUGGESTION, cosigners=[dw.dep2]
    )
    sactions.signer_confirm(actor=dw.dep2_user, signer=suggestion.signers.get(deputy=dw.dep2))
    sactions.suggestion_submit(actor=dw.dep_user, suggestion=suggestion)
    sactions.suggestion_accept(actor=dw.office, suggestion=suggestion)
    sactions.suggestion_assign(actor=dw.office, suggestion=suggestion, lead_unit=dw.unit)
    opinion_report(
        actor=dw.dep_user,
        data={"text": "河边护栏松动，存在安全隐患，请有关部门尽快加固。", "kind": "suggestion"},
    )
    return {
        "inspection": inspection,
        "meeting": meeting,
        "group": grouped,
        "reception": part.activity,
        "report": report,
        "suggestion": Suggestion.objects.get(pk=suggestion.pk),
    }


# ---------------------------------------------------------------- the books


def test_activities_book_of_each_subject(dw):
    w = world(dw)
    station = book(dw.station_staff, subject="station", id=dw.station.pk)
    titles = [r[2] for r in station]
    assert titles == ["视察老旧小区加装电梯工作", w["reception"].title]
    inspection = station[0]
    assert inspection[0] == TODAY() and inspection[1] == "视察"
    assert inspection[4] == "望江社区代表联络站"
    assert inspection[5] == dw.dep.name  # dep2 has not confirmed yet
    assert inspection[6:] == [2, 1]  # photos, reports
    mine = {r[2]: r for r in book(dw.dep_user, subject="deputy", id=dw.dep.pk)}
    assert set(mine) == {
        "视察老旧小区加装电梯工作",
        "列席市人大常委会第十次会议",
        "第一代表小组集中学习",
        w["reception"].title,
    }
    meeting = mine["列席市人大常委会第十次会议"]
    assert meeting[1] == "参加会议·列席常委会会议"
    assert meeting[4] == "人大机关（滨江区）"
    assert meeting[5] == f"{dw.dep.name}、{dw.dep2.name}（请假）"
    dep2 = book(dw.dep2_user, subject="deputy", id=dw.dep2.pk)
    assert [r[2] for r in dep2] == ["列席市人大常委会第十次会议"]  # the inspection is pending
    group = book(dw.leader_dep_user, subject="group", id=dw.group.pk)
    assert [(r[2], r[4]) for r in group] == [("第一代表小组集中学习", "滨江区第一代表小组")]
    region = book(dw.office, subject="region", id=dw.tree.binjiang.pk)
    assert len(region) == 4


def test_activities_book_keeps_to_the_period(dw):
    old = activity(dw, actor=dw.station_staff, deputies=[dw.dep], station=dw.station, days_ago=400)
    confirm_all(dw, old)
    assert book(dw.dep_user, subject="deputy", id=dw.dep.pk) == []
    rows = book(
        dw.dep_user,
        subject="deputy",
        id=dw.dep.pk,
        **{"from": old.date.isoformat(), "to": old.date.isoformat()},
    )
    assert [r[0] for r in rows] == [old.date]
    Activity.objects.filter(pk=old.pk).update(state=ActivityState.CANCELLED)
    assert book(dw.dep_user, subject="deputy", id=dw.dep.pk, **{"from": old.date.isoformat()}) == []


def test_receptions_book_counts_voters_items_and_answers(dw):
    w = world(dw)
    row = [
        TODAY(),
        "望江社区代表联络站",
        w["reception"].title,
        "日常接待",
        dw.dep.name,
        5 + 1,
        3 + 1,
        1,
    ]
    # The photo report (随手拍) was raised at 望江 today too: one more item, one more voter.
    assert book(dw.station_staff, subject="station", id=dw.station.pk, book="receptions") == [row]
    assert book(dw.dep_user, subject="deputy", id=dw.dep.pk, book="receptions") == [row]
    assert book(dw.leader_dep_user, subject="group", id=dw.group.pk, book="receptions") == [row]
    assert book(dw.dep2_user, subject="deputy", id=dw.dep2.pk, book="receptions") == []
    assert book(dw.office, subject="station", id=dw.station2.pk, book="receptions") == []


def test_reports_book_shows_counts_and_verdict_once_closed(dw):
    w = world(dw)
    scheduled = actions.report_schedule(
        actor=dw.office,
        deputy=dw.dep2,
        data={"title": "代表述职会", "date": TODAY(), "place": "柳岸社区", "voter_count": 8},
    )
    rows = book(dw.office, subject="region", id=dw.tree.binjiang.pk, book="reports")
    assert rows == [
        [
            TODAY(),
            dw.dep.name,
            "年度代表述职评议会",
            "望江社区会议室",
            "望江社区代表联络站",
            10,
            "已出结果",
            4,
            4,
            0,
            1,
            "基本称职",
        ],
        [
            TODAY(),
            dw.dep2.name,
            "代表述职会",
            "柳岸社区",
            "",
            8,
            "已安排",
            None,
            None,
            None,
            None,
            "",
        ],
    ]
    assert w["report"].pk != scheduled.pk
    assert len(book(dw.station_staff, subject="station", id=dw.station.pk, book="reports")) == 1
    group = book(dw.leader_dep_user, subject="group", id=dw.group.pk, book="reports")
    assert len(group) == 2  # both are members
    DutyReport.objects.filter(pk=scheduled.pk).update(state=ReportState.CANCELLED)
    assert len(book(dw.office, subject="region", id=dw.tree.binjiang.pk, book="reports")) == 1


def test_suggestions_book_lists_signed_items_the_reader_may_read(dw):
    w = world(dw)
    s = w["suggestion"]
    public = [
        s.display_number,
        "建议",
        SUGGESTION["title"],
        dw.dep.name,
        dw.dep2.name,
        "办理中",
        "澜州市住房和城乡建设局（主办）",
        "",
        "",
    ]
    secret = sactions.suggestion_create(
        actor=dw.dep_user,
        kind="suggestion",
        data={**SUGGESTION, "title": "关于某涉密事项的建议", "disclosure": "secret"},
    )
    sactions.suggestion_submit(actor=dw.dep_user, suggestion=secret)
    secret.refresh_from_db()
    hidden = [
        secret.display_number,
        "建议",
        "关于某涉密事项的建议",
        dw.dep.name,
        "",
        "待审查",
        "",
        "",
        "",
    ]
    assert book(dw.office, subject="deputy", id=dw.dep.pk, book="suggestions") == [public, hidden]
    assert book(dw.dep_user, subject="deputy", id=dw.dep.pk, book="suggestions") == [public, hidden]
    assert book(dw.dep2_user, subject="deputy", id=dw.dep2.pk, book="suggestions") == [public]
    # Readers without a right in the suggestions app see what it publishes: not the
    # secret one, nor one still waiting to be screened.
    for user, params in (
        (dw.leader_dep_user, {"subject": "group", "id": dw.group.pk}),
        (dw.station_staff, {"subject": "station", "id": dw.station.pk}),
    ):
        assert book(user, **params, book="suggestions") == [public]
    draft = sactions.suggestion_create(
        actor=dw.dep_user, kind="suggestion", data={**SUGGESTION, "title": "草稿不入台账"}
    )
    assert draft.state == SuggestionState.DRAFT
    assert len(book(dw.office, subject="deputy", id=dw.dep.pk, book="suggestions")) == 2


def test_performance_book_per_deputy(dw):
    world(dw)
    rows = {r[0]: r for r in book(dw.office, subject="group", id=dw.group.pk, book="performance")}
    assert set(rows) == {dw.dep.name, dw.dep2.name, dw.leader_dep.name}
    columns = [str(h) for h, _w in ledgers.BOOKS["performance"].columns]
    dep = dict(zip(columns, rows[dw.dep.name], strict=True))
    assert dep["代表层级"] == "市级"
    assert (dep["接待选民"], dep["视察"], dep["小组活动"], dep["调研"]) == (1, 1, 1, 0)
    assert (dep["会议出席"], dep["会议请假"], dep["会议缺席"]) == (1, 0, 0)
    assert (dep["领衔议案建议"], dep["联名议案建议"], dep["反映社情民意"]) == (1, 0, 1)
    assert dep["述职评议"] == "基本称职"
    year = TODAY().year
    expected = points_for([dw.dep], year=year)[dw.dep.pk].total
    assert dep["履职积分"] == expected and expected > 60
    dep2 = dict(zip(columns, rows[dw.dep2.name], strict=True))
    assert (dep2["视察"], dep2["会议出席"], dep2["会议请假"]) == (0, 0, 1)
    assert (dep2["领衔议案建议"], dep2["联名议案建议"], dep2["述职评议"]) == (0, 1, "")
    # A station's book lists its seated deputies; the deputy's book just them.
    station = book(dw.station_staff, subject="station", id=dw.station.pk, book="performance")
    assert [r[0] for r in station] == [dw.dep.name]
    assert (
        book(dw.dep_user, subject="deputy", id=dw.dep.pk, book="performance")[0]
        == rows[dw.dep.name]
    )


def test_no_contact_data_in_any_book(dw):
    from minqing.people.models import DeputyContact

    world(dw)
    DeputyContact.objects.create(deputy=dw.dep, mobile="13912345678", email="dep@example.cn")
    text = ""
    for key in ledgers.BOOKS:
        for row in book(dw.office, subject="region", id=dw.tree.city.pk, book=key):
            text += "|".join(str(v) for v in row)
    assert "13912345678" not in text and "example.cn" not in text
    assert "张先生" not in text  # citizens' names neither


def test_period_parsing():
    p = ledgers.parse_period({"from": "2026-04-01", "to": "2026-06-30"})
    assert (p.start, p.end) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert ledgers.parse_period({"from": "2025-03-01"}).end == dt.date(2025, 12, 31)
    assert ledgers.parse_period({"to": "2025-03-01"}).start == dt.date(2025, 1, 1)
    assert ledgers.parse_period({}, today=dt.date(2027, 5, 1)) == ledgers.Period.year(2027)
    for bad, message in (
        ({"from": "2026-13-01"}, "日期格式"),
        ({"from": "2026-06-01", "to": "2026-05-01"}, "不能早于"),
        ({"from": "2010-01-01", "to": "2026-01-01"}, "十年"),
        ({"from": "1900-01-01"}, "超出范围"),
    ):
        with pytest.raises(Exception) as exc:
            ledgers.parse_period(bad)
        assert message in " ".join(exc.value.messages)


def test_subject_rules(dw):
    with pytest.raises(Http404):
        ledgers.subject_get_visible(dw.station_staff, "group", dw.group.pk)
    with pytest.raises(Http404):
        ledgers.subject_get_visible(dw.office, "people", dw.group.pk)
    with pytest.raises(PermissionDenied):
        ledgers.ledger_query(dw.nobody, {})
    assert ledgers.ledger_query(dw.dep_user, {}).subject == ledgers.Subject("deputy", dw.dep)
    assert ledgers.ledger_query(dw.station_staff, {}).subject.obj == dw.station
    assert ledgers.ledger_query(dw.office, {}).subject.obj == dw.tree.city
    kinds = [s.kind for s in ledgers.my_subjects(dw.leader_dep_user)]
    assert kinds == ["deputy", "group"]


# ---------------------------------------------------------------- the page


SUBJECTS = ("dep", "dep2", "group", "station", "station2", "region")


def subject_params(dw, name: str) -> dict:
    return {
        "dep": {"subject": "deputy", "id": dw.dep.pk},
        "dep2": {"subject": "deputy", "id": dw.dep2.pk},
        "group": {"subject": "group", "id": dw.group.pk},
        "station": {"subject": "station", "id": dw.station.pk},
        "station2": {"subject": "station", "id": dw.station2.pk},
        "region": {"subject": "region", "id": dw.tree.binjiang.pk},
    }[name]


# Who sees which subject's ledgers (200); every other signed-in reader gets 404.
MATRIX = {
    "dep_user": {"dep"},
    "dep2_user": {"dep2"},
    "leader_dep_user": {"dep", "dep2", "group"},
    "station_staff": {"dep", "station"},
    "station2_staff": {"dep2", "station2"},
    "office": set(SUBJECTS),
    "district_office": set(SUBJECTS),
    "leader": set(SUBJECTS),
    "far_office": set(),
    "unit_staff": set(),
    "nobody": set(),
}


NO_LEDGER = {"unit_staff", "nobody"}


def test_page_permission_matrix(client, dw):
    for name in SUBJECTS:
        assert_login_redirect(get_as(client, None, page(**subject_params(dw, name))))
    for user_name, allowed in MATRIX.items():
        user = getattr(dw, user_name)
        for name in SUBJECTS:
            response = get_as(client, user, page(**subject_params(dw, name)))
            expected = 200 if name in allowed else 404
            assert response.status_code == expected, (user_name, name, response.status_code)
        # Without a subject: the reader's own (临川's office sees 临川), or 403.
        own = get_as(client, user, page())
        assert own.status_code == (403 if user_name in NO_LEDGER else 200), user_name
    assert get_as(client, dw.office, page(subject="deputy", id="x")).status_code == 404
    assert get_as(client, dw.office, page(book="nothing")).status_code == 404
    assert client.post(page()).status_code == 405


def test_page_shows_the_book_tabs_period_and_rows(client, dw):
    w = world(dw)
    params = {"subject": "station", "id": dw.station.pk}
    response = get_as(client, dw.station_staff, page(**params))
    html = response.content.decode()
    for title in ("活动台账", "选民接待台账", "述职评议台账", "建议办理台账", "履职情况台账"):
        assert title in html
    assert "望江社区代表联络站" in html and "共 2 行" in html
    assert reverse("duties:activity_detail", args=[w["inspection"].pk]) in html
    assert reverse("duties:ledger_export") in html and 'name="book" value="activities"' in html
    year = TODAY().year
    assert f"from={year}-04-01&amp;to={year}-06-30" in html  # the second quarter's link
    response = get_as(client, dw.station_staff, page(**params, book="performance"))
    html = response.content.decode()
    assert dw.dep.name in html and "履职积分" in html
    # A bad period is said, and the year shown instead.
    response = get_as(client, dw.station_staff, page(**params, **{"from": "2026-02-30"}))
    assert response.status_code == 200
    assert "日期格式" in response.content.decode() and "共 2 行" in response.content.decode()
    # The deputy's shortcut row: own record, and for a group leader the group too.
    html = get_as(client, dw.leader_dep_user, page()).content.decode()
    assert 'id="ledger-subjects"' in html and "滨江区第一代表小组" in html


def test_page_paginates(client, dw):
    bulk_activities(dw, 60)
    html = get_as(client, dw.station_staff, page(subject="station", id=dw.station.pk)).content
    html = html.decode()
    assert "共 60 行" in html and "第 1 / 2 页" in html
    html = get_as(
        client, dw.station_staff, page(subject="station", id=dw.station.pk, page=2)
    ).content.decode()
    assert "第 2 / 2 页" in html and html.count("<tr>") == 11  # header + 10 rows


# ---------------------------------------------------------------- query-count pins


def bulk_activities(dw, n: int, *, kind: str = "inspection", same_day: bool = False) -> list:
    """``n`` recorded activities at 望江 with dep and dep2 confirmed (bulk, for size)."""
    today = TODAY()
    rows = Activity.objects.bulk_create(
        [
            Activity(
                region=dw.station.region,
                kind=kind,
                title=f"活动{i}",
                date=today if same_day else today - dt.timedelta(days=i % 200),
                place="望江社区",
                organiser_kind=OrganiserKind.STATION,
                station=dw.station,
                state=ActivityState.RECORDED,
            )
            for i in range(n)
        ]
    )
    Participation.objects.bulk_create(
        [
            Participation(activity=a, deputy=d, state=ParticipationState.CONFIRMED)
            for a in rows
            for d in (dw.dep, dw.dep2)
        ]
    )
    return rows


def bulk_reports(dw, n: int) -> None:
    DutyReport.objects.bulk_create(
        [
            DutyReport(
                deputy=dw.dep,
                region=dw.station.region,
                station=dw.station,
                title=f"述职{i}",
                date=TODAY(),
                place="会议室",
                voter_count=10,
                state=ReportState.CLOSED,
                competent=9,
                basic=1,
                verdict="competent",
            )
            for i in range(n)
        ]
    )


def bulk_suggestions(dw, n: int) -> None:
    from minqing.core import codes

    now = timezone.now()
    first = Suggestion.objects.count() + 1
    items = Suggestion.objects.bulk_create(
        [
            Suggestion(
                code=codes.generate(8),
                kind="suggestion",
                congress=dw.congress,
                region=dw.tree.city,
                timing="interim",
                year=now.year,
                number=first + i,
                title=f"建议{i}",
                grounds="理由",
                proposal="办法",
                lead_deputy=dw.dep,
                state=SuggestionState.SUBMITTED,
                submitted_at=now,
            )
            for i in range(n)
        ]
    )
    Signer.objects.bulk_create(
        [
            Signer(suggestion=s, deputy=dw.dep, is_lead=True, state=SignerState.CONFIRMED)
            for s in items
        ]
        + [Signer(suggestion=s, deputy=dw.dep2, state=SignerState.CONFIRMED) for s in items]
    )


def bulk_deputies(dw, n: int) -> None:
    for _ in range(n):
        StationDeputy.objects.create(
            station=dw.station, deputy=DeputyFactory(term=dw.term, region=dw.tree.binjiang)
        )


# book → (make rows, reader, subject, queries). The receptions on one date: their
# figures are one query per date of the page.
PINS = {
    "activities": (bulk_activities, "station_staff", "station", 9),
    "receptions": (
        lambda dw, n: bulk_activities(dw, n, kind="reception", same_day=True),
        "station_staff",
        "station",
        9,
    ),
    "reports": (bulk_reports, "station_staff", "station", 7),
    "suggestions": (bulk_suggestions, "office", "dep", 8),
    "performance": (bulk_deputies, "station_staff", "station", 19),
}


@pytest.mark.parametrize("key", list(PINS))
def test_page_query_count_does_not_grow(client, dw, django_assert_num_queries, key):
    make, reader, subject, queries = PINS[key]
    user = getattr(dw, reader)
    url = page(**subject_params(dw, subject), book=key)
    as_user(client, user)
    counts = []
    for n in (3, 27):  # 3 rows, then 30
        make(dw, n)
        client.get(url)  # warm the per-request caches the same way for both
        with django_assert_num_queries(queries) as ctx:
            response = client.get(url)
        counts.append(len(ctx.captured_queries))
        assert response.status_code == 200
    assert counts[0] == counts[1]
    rows = response.content.decode().count("<tr>") - 1
    assert rows >= 30


# ---------------------------------------------------------------- the export


def xlsx(response) -> list[tuple]:
    data = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


def test_export_permission_matrix(client, dw):
    world(dw)
    target = reverse("duties:ledger_export")
    for name in SUBJECTS:
        data = subject_params(dw, name)
        assert_login_redirect(post_as(client, None, target, data))
        for user_name, allowed in MATRIX.items():
            response = post_as(client, getattr(dw, user_name), target, data)
            expected = 200 if name in allowed else 404
            assert response.status_code == expected, (user_name, name)
    for user_name in NO_LEDGER:
        assert post_as(client, getattr(dw, user_name), target, {}).status_code == 403
    assert get_as(client, dw.office, target).status_code == 405
    assert not ExportJob.objects.exists()


def test_small_export_is_the_file_itself(client, dw):
    world(dw)
    before = AuditEntry.objects.count()
    response = post_as(
        client,
        dw.station_staff,
        reverse("duties:ledger_export"),
        {"subject": "station", "id": dw.station.pk, "book": "receptions"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    rows = xlsx(response)
    assert rows[0] == tuple(str(h) for h, _w in ledgers.BOOKS["receptions"].columns)
    assert rows[1][1:] == ("望江社区代表联络站", rows[1][2], "日常接待", dw.dep.name, 6, 4, 1)
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.latest("id").verb == "export.file"


def test_bad_period_on_export_goes_back_with_the_reason(client, dw):
    response = post_as(
        client,
        dw.station_staff,
        reverse("duties:ledger_export"),
        {"subject": "station", "id": dw.station.pk, "from": "2026-06-01", "to": "2026-01-01"},
    )
    assert response.status_code == 302 and response.url.startswith(reverse("duties:ledger"))
    assert not ExportJob.objects.exists()


def test_large_export_is_one_job_per_click(
    client, dw, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "SYNC_LIMIT", 5)
    bulk_activities(dw, 12)
    data = {"subject": "station", "id": dw.station.pk, "book": "activities"}
    with django_capture_on_commit_callbacks(execute=True):
        response = post_as(client, dw.station_staff, reverse("duties:ledger_export"), data)
    job = ExportJob.objects.get()  # exactly one
    assert response.status_code == 302
    assert response.url == reverse("core:export_job", args=[job.pk])
    assert job.owner == dw.station_staff and job.kind == ledgers.EXPORT_KIND
    year = TODAY().year
    assert job.params == {**data, "from": f"{year}-01-01", "to": f"{year}-12-31"}
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.rows_total) == (ExportState.DONE, 12, 12)
    assert "望江社区代表联络站活动台账" in job.title
    html = client.get(response.url).content.decode()
    assert "已写入 12 / 12 行" in html
    download = client.get(reverse("core:export_download", args=[job.pk]))
    assert download.status_code == 200
    assert len(xlsx(download)) == 13
    # Other readers, even of the same station, never reach someone else's job.
    for other in (dw.office, dw.station2_staff, dw.dep_user):
        assert get_as(client, other, response.url).status_code == 404
        assert (
            get_as(client, other, reverse("core:export_download", args=[job.pk])).status_code == 404
        )


def insert(model, columns: list[str], rows) -> None:
    """Rows straight into ``model``'s table with one executemany: for 100,000 rows
    bulk_create's many small INSERTs (47 activities each on SQLite) cost ten times
    as long."""
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(model._meta.db_table),
        ", ".join(qn(model._meta.get_field(c).column) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def sheet_rows(path) -> tuple[int, bytes]:
    """The number of <row> elements of the workbook's sheet, counted in its XML
    independently of openpyxl, and the XML's last bytes."""
    count, tail = 0, b""
    with zipfile.ZipFile(path) as z, z.open("xl/worksheets/sheet1.xml") as f:
        while chunk := f.read(1 << 20):
            count += (tail[-4:] + chunk).count(b"<row ")
            tail = chunk
    return count, tail[-2000:]


@pytest.mark.slow
def test_export_of_100000_rows_stays_under_300_mb(dw):
    """The required measure: 100,000 activities of one station exported by the job
    runner under tracemalloc; the file opens with openpyxl and holds every row."""
    clock = time.monotonic()
    n = 100_000
    year = TODAY().year
    first = dt.date(year, 1, 1)
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    insert(
        Activity,
        [
            "region",
            "kind",
            "meeting_type",
            "title",
            "date",
            "place",
            "summary",
            "organiser_kind",
            "station",
            "extra_visitors",
            "state",
            "review_note",
            "created_at",
            "updated_at",
        ],
        (
            (
                dw.station.region_id,
                "inspection",
                "",
                f"视察老旧小区加装电梯工作第{i}次",
                ops.adapt_datefield_value(first + dt.timedelta(days=i % 365)),
                "望江社区",
                "",
                OrganiserKind.STATION,
                dw.station.pk,
                0,
                ActivityState.RECORDED,
                "",
                now,
                now,
            )
            for i in range(n)
        ),
    )
    # A list, not an iterator: a query inside executemany would wait for the
    # connection it holds (PostgreSQL).
    ids = list(Activity.objects.filter(station=dw.station).values_list("pk", flat=True))
    insert(
        Participation,
        ["activity", "deputy", "attendance", "state", "dispute_reason"],
        ((pk, dw.dep.pk, "present", ParticipationState.CONFIRMED, "") for pk in ids),
    )
    built = time.monotonic()
    params = {
        "subject": "station",
        "id": dw.station.pk,
        "book": "activities",
        "from": f"{year}-01-01",
        "to": f"{year}-12-31",
    }
    job = exports.export_or_queue(
        actor=dw.station_staff, kind=ledgers.EXPORT_KIND, params=params
    ).job
    assert job is not None and job.rows_total == n
    tracemalloc.start()
    try:
        assert exports.run_job(job.pk).startswith("done")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    exported = time.monotonic()
    job.refresh_from_db()
    assert (job.state, job.rows_done) == (ExportState.DONE, n)
    path = exports.job_path(job)
    book_ = openpyxl.load_workbook(path, read_only=True)
    sheet = book_.worksheets[0]
    assert (sheet.title, sheet.max_row, sheet.max_column) == ("活动台账", n + 1, 8)
    header, row = sheet.iter_rows(max_row=2, values_only=True)
    book_.close()
    assert header == tuple(str(h) for h, _w in ledgers.BOOKS["activities"].columns)
    assert row == (
        dt.datetime(year, 1, 1),
        "视察",
        "视察老旧小区加装电梯工作第0次",
        "望江社区",
        "望江社区代表联络站",
        dw.dep.name,
        0,
        0,
    )
    count, tail = sheet_rows(path)
    assert count == n + 1 and f'<row r="{n + 1}">'.encode() in tail
    print(
        f"\n100,000-row ledger export: peak {peak / 2**20:.1f} MiB (tracemalloc), "
        f"file {job.size / 2**20:.1f} MiB; data {built - clock:.1f}s, "
        f"export {exported - built:.1f}s, read back {time.monotonic() - exported:.1f}s"
    )
    assert peak < 300 * 2**20
