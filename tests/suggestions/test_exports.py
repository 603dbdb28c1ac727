"""The ledger export (议案建议台账, ledger.xlsx): one row per item and unit part, Chinese
headers, the list page's filters, each reader's parts only, never a contact."""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse
from django.urls import reverse

from minqing.suggestions import actions
from tests.suggestions.factories import draft, drive, reply_as_lead
from tests.suggestions.factories_docs import (
    CONTACT,
    PHONE,
    accepted,
    bare_published,
    xlsx_rows,
)

URL = reverse("suggestions:ledger_xlsx")
LEAD = "澜州市住房和城乡建设局"
CO = "澜州市交通运输局"
SPARE = "澜州市城市管理局"


def get_as(client, user, url=URL):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def by_title(rows) -> dict[str, list[dict]]:
    header, *data = rows
    out: dict[str, list[dict]] = {}
    for row in data:
        # Reading in read-only mode drops a row's empty cells at its end.
        row = row + (None,) * (len(header) - len(row))
        record = dict(zip(header, row, strict=True))
        out.setdefault(record["标题"], []).append(record)
    return out


def _world(sw):
    """A closed item (lead + co, class B, commitment, key supervision), an item handled
    separately by two units, and one accepted but not yet assigned."""
    closed = drive(sw, draft(sw, joint=True, title="关于加快老旧小区加装电梯的建议"), "assigned")
    actions.suggestion_supervise(
        actor=sw.office, suggestion=closed, kind="key", leader="李明副市长", body="财经委"
    )
    reply = reply_as_lead(
        sw, closed, result_class="B", commitments=[("年内修订补贴办法", dt.date(2026, 12, 31))]
    )
    actions.suggestion_feedback(
        actor=sw.lead_user, reply=reply, result_level="satisfied", contact_level="basic"
    )
    separate = accepted(sw, title="关于整治背街小巷占道经营的建议")
    actions.suggestion_assign(
        actor=sw.office, suggestion=separate, mode="separate", units=[sw.lead_unit, sw.spare_unit]
    )
    waiting = accepted(sw, title="关于增设社区养老食堂的建议")
    return closed, separate, waiting


def test_ledger_has_a_row_per_item_and_unit_part(sw, client):
    closed, _separate, _waiting = _world(sw)
    response = get_as(client, sw.office)
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
    rows = xlsx_rows(response)
    header = rows[0]
    assert header[:3] == ("编号", "类型", "标题")
    assert {"承办单位", "承办方式", "答复期限", "按期答复", "办理结果", "承诺事项"} <= set(header)
    assert not any("电话" in h or h == "联系人" for h in header)
    items = by_title(rows)
    assert len(rows) == 1 + 2 + 2 + 1
    lead, co = items["关于加快老旧小区加装电梯的建议"]
    assert (lead["承办单位"], lead["承办方式"]) == (LEAD, "主办")
    assert (co["承办单位"], co["承办方式"]) == (CO, "会办")
    assert lead["编号"] == closed.display_number and lead["状态"] == "已办结"
    assert lead["领衔代表"] == sw.lead.name and lead["联名代表"] == sw.co.name
    assert lead["办理结果"] == "B" and lead["按期答复"] == "是"
    assert lead["代表评价（办理结果）"] == "满意" and lead["代表评价（沟通联系）"] == "基本满意"
    assert lead["承诺事项"] == "年内修订补贴办法（推进中，计划2026-12-31）"
    assert co["承诺事项"] in ("", None) and co["办理结果"] in ("", None)
    assert lead["督办"] == "重点督办：李明副市长（财经委）"
    assert isinstance(lead["交办日期"], dt.datetime) and isinstance(lead["答复期限"], dt.datetime)
    assert {r["承办单位"] for r in items["关于整治背街小巷占道经营的建议"]} == {LEAD, SPARE}
    assert {r["承办方式"] for r in items["关于整治背街小巷占道经营的建议"]} == {"分办"}
    (row,) = items["关于增设社区养老食堂的建议"]
    assert row["状态"] == "待交办" and row["承办单位"] in ("", None)
    flat = repr(rows)
    assert PHONE not in flat and CONTACT not in flat


def test_ledger_takes_the_list_filters(sw, client):
    _world(sw)
    client.force_login(sw.office)

    def titles(query: str) -> set[str]:
        return set(by_title(xlsx_rows(client.get(f"{URL}?{query}"))))

    assert titles(f"unit={sw.spare_unit.pk}") == {"关于整治背街小巷占道经营的建议"}
    assert titles("q=养老食堂") == {"关于增设社区养老食堂的建议"}
    assert titles("result_class=B") == {"关于加快老旧小区加装电梯的建议"}
    assert titles("state=accepted") == {"关于增设社区养老食堂的建议"}
    assert titles("supervised=key") == {"关于加快老旧小区加装电梯的建议"}
    assert len(titles("")) == 3
    # An invalid filter is dropped, the others still apply (as on the list page).
    assert titles("q=养老食堂&year=abc") == {"关于增设社区养老食堂的建议"}


def test_ledger_permission_matrix_and_parts_by_reader(sw, client):
    _world(sw)
    response = get_as(client, None)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert get_as(client, sw.nobody).status_code == 403
    # Deputies follow their items on their pages; the ledger is the staff's.
    assert get_as(client, sw.lead_user).status_code == 403
    leader = by_title(xlsx_rows(get_as(client, sw.leader)))
    assert len(leader) == 3
    # A lead unit sees its parts and its co-handlers'; a co-handler only its own part; a
    # separate unit never the other unit's part.
    lead_rows = by_title(xlsx_rows(get_as(client, sw.lead_staff)))
    assert {r["承办单位"] for r in lead_rows["关于加快老旧小区加装电梯的建议"]} == {LEAD, CO}
    assert {r["承办单位"] for r in lead_rows["关于整治背街小巷占道经营的建议"]} == {LEAD}
    assert "关于增设社区养老食堂的建议" not in lead_rows
    co_rows = by_title(xlsx_rows(get_as(client, sw.co_staff)))
    assert list(co_rows) == ["关于加快老旧小区加装电梯的建议"]
    assert [r["承办单位"] for r in co_rows["关于加快老旧小区加装电梯的建议"]] == [CO]
    spare_rows = by_title(xlsx_rows(get_as(client, sw.spare_staff)))
    assert [r["承办单位"] for r in spare_rows["关于整治背街小巷占道经营的建议"]] == [SPARE]
    # Out of scope: a file with the header only.
    for reader in (sw.far_office, sw.district_office, sw.far_staff):
        rows = xlsx_rows(get_as(client, reader))
        assert len(rows) == 1, reader


def test_ledger_queries_do_not_grow_with_rows(sw, client, django_assert_num_queries):
    client.force_login(sw.office)
    bare_published(sw, 3)
    client.get(URL)  # the session and the user's grants, as any later request
    with django_assert_num_queries(QUERIES):
        response = client.get(URL)
    assert len(xlsx_rows(response)) == 1 + 3
    bare_published(sw, 27)
    with django_assert_num_queries(QUERIES):
        response = client.get(URL)
    assert len(xlsx_rows(response)) == 1 + 30


# Session, user, grants, the region's settings (categories), the items, and one query per
# prefetched relation (signers, parts, replies, commitments, supervisions).
QUERIES = 10
