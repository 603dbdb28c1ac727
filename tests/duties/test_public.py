"""Public pages of duty work (/public/duties/, no login): a deputy's profile and duty
record (Deputies Law Art 58) without contact data, photos, opinions or withheld
suggestions; the published rankings; 404 for unknown, malformed or withdrawn codes."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from minqing.core import codes
from minqing.duties import actions
from minqing.opinions.uploads.images import clean_photo
from minqing.people.models import DeputyContact
from minqing.stations.models import StationStatus
from minqing.suggestions import actions as s_actions
from tests.duties.record_helpers import award, done, report_given, report_pdf, suggestion
from tests.opinions.helpers import image
from tests.people.factories import DeputyFactory
from tests.stations.factories import StationFactory, seat

pytestmark = pytest.mark.django_db

MOBILE, EMAIL, ADDRESS = "13912345678", "daibiao.private@example.cn", "望江路88号3单元502室"
RANKINGS = reverse("duties_public:rankings")


def profile_url(deputy, year: int | None = None) -> str:
    url = reverse("duties_public:deputy", args=[deputy.public_code])
    return f"{url}?year={year}" if year else url


def public(client, url: str, user=None) -> str:
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def profile(dw):
    """dep with contact data, a citizen's opinion, a photo report, public and withheld
    suggestions, a closed report to voters and an award."""
    DeputyContact.objects.create(deputy=dw.dep, mobile=MOBILE, email=EMAIL, address=ADDRESS)
    dw.dep.birth_year, dw.dep.party, dw.dep.ethnicity = 1975, "中共党员", "回族"
    dw.dep.bio = "长期从事社区医疗工作。"
    dw.dep.save()
    closed = StationFactory(
        name="已撤销的联络站", region=dw.tree.liuan, status=StationStatus.CLOSED
    )
    seat(closed, dw.dep)
    photo = clean_photo(_upload(image("JPEG"), "现场.jpg"))
    actions.activity_record(
        actor=dw.station_staff,
        kind="photo",
        data={"title": "随手拍：望江路井盖缺失", "date": timezone.localdate(), "place": "望江路"},
        deputies=[dw.dep],
        station=dw.station,
        photos=[photo],
    )
    for p in dw.dep.participations.filter(state="pending"):
        actions.participations_autoconfirm(participation=p)
    done(dw, kind="research", title="老旧小区加装电梯专题调研", reports=[report_pdf()])
    done(dw, kind="meeting", title="市人民代表大会第五次会议")
    done(dw, kind="inspection", title="尚未确认的视察", confirm=False)
    dw.public_item = suggestion(dw, lead=dw.dep, title="关于增设社区养老食堂的建议")
    s_actions.suggestion_accept(actor=dw.office, suggestion=dw.public_item)
    dw.private_item = suggestion(
        dw, lead=dw.dep, title="关于某户家庭困难救助的建议", disclosure="private"
    )
    s_actions.suggestion_accept(actor=dw.office, suggestion=dw.private_item)
    dw.screening = suggestion(dw, lead=dw.dep, title="关于尚在审查中的事项的建议")
    report = report_given(dw)
    actions.voting_open(actor=dw.office, report=report)
    actions.ballot_enter_paper(actor=dw.office, report=report, counts={"competent": 10})
    actions.voting_close(actor=dw.office, report=report)
    award(dw, title="优秀人大代表")
    return dw


def _upload(data: bytes, name: str):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_profile_needs_no_login_and_is_the_same_for_everyone(profile, client):
    url = profile_url(profile.dep)

    def without_csrf(html: str) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    assert without_csrf(public(client, url)) == without_csrf(public(client, url, profile.office))
    response = client.get(url)
    assert "max-age=" in response["Cache-Control"] and "private" in response["Cache-Control"]
    for user in (None, profile.nobody, profile.office, profile.far_office):
        body = public(client, url, user)
        assert profile.dep.name in body and "关于增设社区养老食堂的建议" in body
        assert "关于某户家庭困难救助的建议" not in body


def test_profile_shows_basic_data_and_the_public_record(profile, client):
    dw = profile
    html = public(client, profile_url(dw.dep))
    for text in (
        dw.dep.name,
        "回族",
        "1975年出生",
        "中共党员",
        dw.dep.occupation,
        dw.dep.sector,
        dw.dep.constituency,
        "市级",
        f"{dw.congress.name}第{dw.term.number}届",
        "澜州市人大代表",
        "长期从事社区医疗工作。",
        "随手拍：望江路井盖缺失",
        "老旧小区加装电梯专题调研",
        "市人民代表大会第五次会议",
        "关于增设社区养老食堂的建议",
        "评议结果：称职",
        "优秀人大代表",
    ):
        assert text in html, text
    assert reverse("public:station", args=[dw.station.code]) in html
    assert "已撤销的联络站" not in html
    assert reverse("public_suggestions:detail", args=[dw.public_item.code]) in html
    for hidden in (
        "尚未确认的视察",
        "关于某户家庭困难救助的建议",
        "关于尚在审查中的事项的建议",
    ):
        assert hidden not in html, hidden


def test_profile_never_shows_contact_data_photos_or_staff_links(profile, client):
    html = public(client, profile_url(profile.dep), profile.office)
    for secret in (MOBILE, EMAIL, ADDRESS, "手机号码", "电子邮箱", "通讯地址"):
        assert secret not in html, secret
    assert profile.dep.deputy_number not in html
    assert "/media/" not in html and "<img" not in html  # no photos, no files
    assert "/duties/activities/" not in html  # no links into staff pages
    assert "/suggestions/" not in html.replace("/public/suggestions/", "")
    assert f"/people/deputies/{profile.dep.pk}" not in html


def test_profile_year_filter(profile, client):
    last_year = timezone.localdate().year - 1
    done(profile, kind="training", title="去年的学习培训", on=dt.date(last_year, 5, 1))
    html = public(client, profile_url(profile.dep))
    assert "去年的学习培训" not in html and "随手拍：望江路井盖缺失" in html
    html = public(client, profile_url(profile.dep, last_year))
    assert "去年的学习培训" in html and "随手拍：望江路井盖缺失" not in html
    assert "优秀人大代表" not in html


def test_profile_unknown_or_malformed_code_is_404(dw, client):
    assert client.get(reverse("duties_public:deputy", args=["NOPE"])).status_code == 404
    good = dw.dep.public_code
    typo = good[:-1] + ("2" if good[-1] != "2" else "3")
    assert client.get(reverse("duties_public:deputy", args=[typo])).status_code == 404
    unknown = codes.generate(10)
    assert client.get(reverse("duties_public:deputy", args=[unknown])).status_code == 404
    # A hand-typed code (lower case, dashes) lands on the canonical address.
    typed = codes.display(good).lower()
    response = client.get(reverse("duties_public:deputy", args=[typed]))
    assert response.status_code == 301 and response["Location"] == profile_url(dw.dep)


def test_profile_of_a_past_deputy_stays_public(dw, client):
    ended = DeputyFactory(term=dw.term, region=dw.tree.binjiang, status="ended")
    html = public(client, profile_url(ended))
    assert ended.name in html and "代表资格终止" in html


def test_profile_query_count_does_not_grow(dw, client, django_assert_num_queries):
    def add(n: int) -> None:
        for i in range(n):
            kind = ("meeting", "inspection", "training", "group", "reception")[i % 5]
            done(dw, kind=kind, title=f"公开履职活动第{i}次")
        for _ in range(n // 3):
            s = suggestion(dw, lead=dw.dep)
            s_actions.suggestion_accept(actor=dw.office, suggestion=s)
            award(dw)

    add(3)
    url = profile_url(dw.dep)
    client.get(url)
    with django_assert_num_queries(QUERIES_PROFILE):
        client.get(url)
    add(27)
    with django_assert_num_queries(QUERIES_PROFILE):
        html = client.get(url).content.decode()
    assert "公开履职活动第26次" in html


QUERIES_PROFILE = 6


# ---- rankings ---------------------------------------------------------------------------


def publish(dw, quarter: int, year: int = 2025, group=None):
    return actions.ranking_publish(
        actor=dw.office,
        region=dw.tree.city,
        level=dw.term.congress.level,
        year=year,
        quarter=quarter,
        group=group,
    )


def test_rankings_list_and_page(dw, client):
    award(dw, deputy=dw.dep2, on=dt.date(2025, 2, 1))
    first = publish(dw, 1)
    grouped = publish(dw, 1, group=dw.group)
    html = public(client, RANKINGS)
    assert reverse("duties_public:ranking", args=[first.code]) in html
    assert reverse("duties_public:ranking", args=[grouped.code]) in html
    assert dw.group.name in html and "2025年第1季度" in html
    html = public(client, reverse("duties_public:ranking", args=[first.code]))
    assert html.index(dw.dep2.name) < html.index(dw.dep.name)  # 65 before 60
    assert profile_url(dw.dep2) in html
    assert ">65<" in html
    for secret in ("/duties/", "/people/"):
        assert secret not in html.replace("/public/duties/", "")
    html = public(client, reverse("duties_public:ranking", args=[grouped.code]))
    assert dw.more[0].name not in html and dw.leader_dep.name in html


def test_ranking_unknown_malformed_or_withdrawn_is_404(dw, client):
    ranking = publish(dw, 1)
    url = reverse("duties_public:ranking", args=[ranking.code])
    assert client.get(url).status_code == 200
    for code in ("XYZ", codes.generate(10), ranking.code[:-1] + "!"):
        assert client.get(reverse("duties_public:ranking", args=[code])).status_code == 404
    actions.ranking_withdraw(actor=dw.office, ranking=ranking, note="数据有误")
    assert client.get(url).status_code == 404
    assert ranking.code not in public(client, RANKINGS)


def test_rankings_list_query_count_does_not_grow(dw, client, django_assert_num_queries):
    for q in (1, 2, 3):
        publish(dw, q)
    client.get(RANKINGS)
    with django_assert_num_queries(QUERIES_RANKINGS):
        client.get(RANKINGS)
    for year in (2024, 2025):
        for q in (1, 2, 3, 4):
            publish(dw, q, year=year, group=dw.group)
    for q in (1, 2, 3, 4):
        publish(dw, q, year=2024)
    with django_assert_num_queries(QUERIES_RANKINGS):
        html = client.get(RANKINGS).content.decode()
    assert "2024年第4季度" in html


def test_ranking_page_query_count_does_not_grow(dw, client, django_assert_num_queries):
    small = publish(dw, 1)
    for _ in range(25):
        DeputyFactory(term=dw.term, region=dw.tree.binjiang)
    large = publish(dw, 2)
    assert large.rows.count() > 30
    for ranking in (small, large):
        url = reverse("duties_public:ranking", args=[ranking.code])
        client.get(url)
        with django_assert_num_queries(QUERIES_RANKING):
            client.get(url)


QUERIES_RANKINGS = 2
QUERIES_RANKING = 3
