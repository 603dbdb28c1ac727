"""The list of every item the reader may see: its permission matrix and scope per role,
the shared filters, the guarded link to the Excel ledger, and its query-count pin."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from minqing.suggestions import actions
from minqing.suggestions.models import Suggestion
from tests.opinions.helpers import assert_login_redirect, get_as
from tests.suggestions.factories import draft, drive, reply_as_lead
from tests.suggestions.factories_pages import bare_items, url

pytestmark = pytest.mark.django_db


def titles(client, user, **params) -> str:
    response = get_as(client, user, url("list"), params)
    assert response.status_code == 200, user
    return response.content.decode()


@pytest.fixture
def items(sw):
    """A draft, a secret assigned item, a public assigned item replied to with class
    B and under key supervision, and a withdrawn motion."""
    d = draft(sw, title="草稿：关于建设口袋公园的建议")
    secret = drive(
        sw, draft(sw, title="涉密：关于某专项资金的建议", disclosure="secret"), "assigned"
    )
    public = drive(
        sw, draft(sw, title="公开：关于增设公交线路的建议", category="transport"), "assigned"
    )
    reply_as_lead(sw, public, result_class="B", commitments=[("年内开通两条线路", None)])
    actions.suggestion_supervise(actor=sw.office, suggestion=public, kind="key", leader="赵主任")
    motion = draft(sw, kind="motion", title="议案：关于制定养老服务条例的议案")
    drive(sw, motion, "withdrawn")
    return {"draft": d, "secret": secret, "public": public, "motion": motion}


def test_list_permission_matrix(client, sw, items):
    assert_login_redirect(client.get(url("list")))
    assert get_as(client, sw.nobody, url("list")).status_code == 403
    everything = titles(client, sw.office)
    for s in items.values():
        assert s.title in everything
    far = titles(client, sw.far_office)
    assert not any(s.title in far for s in items.values())
    # Another deputy: published items only.
    page = titles(client, sw.other_deputy_user)
    assert items["public"].title in page
    assert items["secret"].title not in page and items["draft"].title not in page
    # A unit: the items it holds a part of.
    page = titles(client, sw.co_staff)
    assert items["public"].title in page and items["secret"].title in page
    assert items["draft"].title not in page
    assert not any(s.title in titles(client, sw.spare_staff) for s in items.values())
    # The lead deputy: all of their own.
    page = titles(client, sw.lead_user)
    assert all(s.title in page for s in items.values())


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "公交"}, {"public"}),
        ({"kind": "motion"}, {"motion"}),
        ({"state": "draft"}, {"draft"}),
        ({"result_class": "B"}, {"public"}),
        ({"supervised": "key"}, {"public"}),
        ({"category": "transport"}, {"public"}),
        ({"year": "1999"}, {"draft", "secret", "public", "motion"}),
    ],
)
def test_list_filters(client, sw, items, params, expected):
    page = titles(client, sw.office, **params)
    shown = {k for k, s in items.items() if s.title in page}
    assert shown == expected
    if params.get("year") == "1999":
        assert "筛选条件无效" in page


def test_list_filters_by_unit_session_and_year(client, sw, items):
    page = titles(client, sw.office, unit=sw.co_unit.pk)
    assert {k for k, s in items.items() if s.title in page} == {"secret", "public"}
    in_session = drive(
        sw, draft(sw, title="大会：关于优化营商环境的建议", session=sw.session), "submitted"
    )
    page = titles(client, sw.office, session=sw.session.pk)
    assert in_session.title in page and items["public"].title not in page
    page = titles(client, sw.office, year=in_session.year + 1)
    assert in_session.title not in page
    page = titles(client, sw.office, unit=sw.far_unit.pk)
    assert "筛选条件无效" in page


def test_ledger_link_keeps_the_filters_when_it_exists(client, sw, items):
    page = titles(client, sw.office, kind="suggestion", state="assigned")
    try:
        ledger = reverse("suggestions:ledger_xlsx")
    except NoReverseMatch:
        assert 'id="ledger-link"' not in page
    else:
        assert f'href="{ledger}?kind=suggestion&amp;state=assigned"' in page
    assert 'id="ledger-link"' not in titles(client, sw.other_deputy_user)


@pytest.mark.parametrize("n", [3, 30])
def test_list_query_count_is_pinned(client, sw, django_assert_num_queries, n):
    bare_items(sw, n)
    client.force_login(sw.office)
    # Session, user, grants, settings, count, the page, its parts and supervisions, the
    # sessions and units of the filters: the same for 3 and 30 rows.
    with django_assert_num_queries(10):
        response = client.get(url("list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("badge text-bg-danger ms-1") == n and Suggestion.objects.count() == n
