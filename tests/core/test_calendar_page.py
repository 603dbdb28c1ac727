"""The holiday calendar page: loaded years, import of a notice, next-year warning."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from minqing.accounts.models import Role
from minqing.core import calendar as cal
from minqing.core.models import AuditEntry, CalendarDay, CalendarYear
from minqing.core.selectors import calendar_next_year_warning
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db
URL = reverse("core:calendar")
IMPORT = reverse("core:calendar_import")
NOTICE_2027 = (
    "日期,类型,名称\n"
    "2027-01-01,休,元旦\n"
    "2027-02-06,休,春节\n"
    "2027-02-07,休,春节\n"
    "2027-02-08,休,春节\n"
    "2027-02-09,休,春节\n"
    "2027-02-10,休,春节\n"
    "2027-02-11,休,春节\n"
    "2027-02-12,休,春节\n"
    "2027-02-13,休,春节\n"
    "2027-02-14,休,春节\n"
    "2027-02-20,班,春节调休上班\n"
)


def _upload(text, name="2027.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_calendar_permission_matrix(client, tree):
    assert client.get(URL).status_code == 302
    assert client.post(IMPORT).status_code == 302
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
    client.force_login(user_with_role(Role.CONGRESS_STAFF, tree.nation))  # no manage_calendar
    assert client.get(URL).status_code == 403
    # An admin below the root may not change the national calendar.
    client.force_login(user_with_role(Role.ADMIN, tree.binjiang))
    assert client.get(URL).status_code == 403
    assert client.post(IMPORT, {"year": 2027, "file": _upload(NOTICE_2027)}).status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()
    client.force_login(user_with_role(Role.ADMIN, tree.nation))
    assert client.get(URL).status_code == 200


def test_page_lists_loaded_years_and_a_year_s_days(client, tree):
    client.force_login(user_with_role(Role.ADMIN, tree.nation))
    response = client.get(URL + "?year=2026")
    assert {y.year for y in response.context["years"]} >= {2024, 2025, 2026}
    chosen = response.context["chosen"]
    assert dt.date(2026, 2, 16) in [d.date for d in chosen.rest_days]
    assert [d.date for d in chosen.workdays][:2] == [dt.date(2026, 1, 4), dt.date(2026, 2, 14)]
    assert "调休上班" in response.content.decode()


def test_import_a_notice_replaces_the_year_and_audits_once(client, tree):
    client.force_login(user_with_role(Role.ADMIN, tree.nation))
    assert cal.working_deadline(dt.date(2027, 2, 3), 3).provisional
    response = client.post(
        IMPORT, {"year": 2027, "source": "国办发明电〔2026〕7号", "file": _upload(NOTICE_2027)}
    )
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕7号"
    assert CalendarDay.objects.filter(date__year=2027).count() == 11
    deadline = cal.working_deadline(dt.date(2027, 2, 3), 3)
    assert deadline == cal.Deadline(dt.date(2027, 2, 15), provisional=False)
    assert AuditEntry.objects.get().verb == "calendar.import"
    # a second import replaces, not adds
    again = "日期,类型,名称\n2027-01-01,休,元旦\n"
    client.post(IMPORT, {"year": 2027, "file": _upload(again)})
    assert CalendarDay.objects.filter(date__year=2027).count() == 1
    assert AuditEntry.objects.count() == 2


def test_import_errors_are_listed_and_nothing_changes(client, tree):
    client.force_login(user_with_role(Role.ADMIN, tree.nation))
    bad = (
        "日期,类型,名称\n"
        "2027-01-01,休,元旦\n"
        "2027-02-30,休,春节\n"
        "2027-02-09,放,春节\n"
        "2026-02-06,班,春节\n"
    )
    response = client.post(IMPORT, {"year": 2027, "file": _upload(bad)})
    assert response.status_code == 400
    rows = [(e.row, e.column) for e in response.context["errors"]]
    assert rows == [(3, "日期"), (4, "类型")]
    html = response.content.decode()
    assert "日期不存在" in html and "类型只能是" in html
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not AuditEntry.objects.exists()
    wrong_year = client.post(IMPORT, {"year": 2027, "file": _upload("日期,类型\n2026-02-06,班\n")})
    assert "不在 2027 年" in wrong_year.content.decode()


def test_template_download(client, tree):
    client.force_login(user_with_role(Role.ADMIN, tree.nation))
    response = client.get(URL + "?template=1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_next_year_warning_until_it_is_loaded(tree):
    today = dt.date(2026, 11, 21)
    assert "2027年节假日安排尚未载入" in calendar_next_year_warning(today=today)
    assert calendar_next_year_warning(today=dt.date(2025, 11, 21)) == ""
    CalendarYear.objects.create(year=2027, source="测试")
    assert calendar_next_year_warning(today=today) == ""


def test_page_shows_the_warning_banner(client, tree):
    client.force_login(user_with_role(Role.ADMIN, tree.nation))
    next_year = dt.date.today().year + 1
    CalendarYear.objects.filter(year=next_year).delete()
    assert f"{next_year}年节假日安排尚未载入" in client.get(URL).content.decode()


@pytest.mark.parametrize("year", ["-1", "0", "99999", "abc", ""])
def test_an_impossible_year_shows_this_year_instead_of_an_error(client, tree, year):
    client.force_login(user_with_role(Role.ADMIN, tree.nation))
    response = client.get(URL, {"year": year})
    assert response.status_code == 200
    assert response.context["chosen"].year == timezone.localdate().year
