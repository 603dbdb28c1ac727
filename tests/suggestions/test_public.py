"""The public disclosure (/public/suggestions/, no login): published items only, their
replies, commitments and public steps; never a contact, a staff note, a file, a secret or
private item."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from minqing.suggestions import actions
from tests.suggestions.factories import REPLY, draft, drive, reply_as_lead
from tests.suggestions.factories_docs import CONTACT, PHONE, accepted, bare_published

LIST = reverse("public_suggestions:list")
LEAD = "澜州市住房和城乡建设局"
CO = "澜州市交通运输局"


def detail_url(s) -> str:
    return reverse("public_suggestions:detail", args=[s.code])


def page(client, url: str, user=None) -> str:
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def pub(sw):
    """A joint item through the whole loop (class B, re-handled, commitment fulfilled, key
    supervision), and items the public must never see."""
    s = drive(
        sw,
        draft(
            sw,
            joint=True,
            title="关于加快老旧小区加装电梯的建议",
            contact_name=CONTACT,
            contact_phone=PHONE,
        ),
        "accepted",
    )
    actions.suggestion_assign(
        actor=sw.office, suggestion=s, lead_unit=sw.lead_unit, co_units=[sw.co_unit]
    )
    actions.suggestion_supervise(actor=sw.office, suggestion=s, kind="key", leader="李明副市长")
    co_part = s.assignments.get(unit=sw.co_unit)
    actions.assignment_accept(actor=sw.co_staff, assignment=co_part)
    actions.cohandler_view(
        actor=sw.co_staff, assignment=co_part, text="会办意见：建议同步优化周边公交站点设置。"
    )
    reply = reply_as_lead(sw, s, result_class="B", commitments=[("年内完成补贴办法修订", None)])
    actions.suggestion_feedback(
        actor=sw.lead_user,
        reply=reply,
        result_level="unsatisfied",
        contact_level="basic",
        comment="代表私下意见：补贴标准仍然偏低。",
    )
    reply_as_lead(
        sw, s, result_class="B", commitments=[("明年一季度出台新办法", dt.date(2027, 3, 31))]
    )
    s.refresh_from_db()
    actions.suggestion_feedback(
        actor=sw.lead_user,
        reply=s.replies.get(round=2),
        result_level="satisfied",
        contact_level="satisfied",
    )
    commitment = s.commitments.get(text="年内完成补贴办法修订")
    actions.commitment_fulfil(actor=sw.lead_staff, commitment=commitment, note="新办法已印发。")
    s.refresh_from_db()
    sw.item = s
    sw.secret = accepted(sw, title="关于某涉密工程选址的建议", disclosure="secret")
    actions.suggestion_assign(actor=sw.office, suggestion=sw.secret, lead_unit=sw.spare_unit)
    sw.private = accepted(sw, title="关于某户家庭困难救助的建议", disclosure="private")
    sw.submitted = drive(sw, draft(sw, title="关于尚在审查中的事项的建议"), "submitted")
    sw.drafted = draft(sw, title="关于仍是草稿的事项的建议")
    sw.rejected = drive(sw, draft(sw, title="关于不予受理的事项的建议"), "not_accepted")
    return sw


HIDDEN_TITLES = (
    "关于某涉密工程选址的建议",
    "关于某户家庭困难救助的建议",
    "关于尚在审查中的事项的建议",
    "关于仍是草稿的事项的建议",
    "关于不予受理的事项的建议",
)


def test_public_list_shows_published_items_only(pub, client):
    html = page(client, LIST)
    assert "关于加快老旧小区加装电梯的建议" in html
    assert detail_url(pub.item) in html
    assert pub.lead.name in html and LEAD in html
    for title in HIDDEN_TITLES:
        assert title not in html, title
    assert PHONE not in html and CONTACT not in html
    # Signed in or not, the page is the same public page.
    assert "关于某涉密工程选址的建议" not in page(client, LIST, pub.office)


def test_public_list_filters(pub, client):
    # The unit filter offers only units of published items: not the secret item's unit.
    assert f'value="{pub.spare_unit.pk}"' not in page(client, LIST)
    other = accepted(pub, title="关于增设社区养老食堂的建议")
    actions.suggestion_assign(actor=pub.office, suggestion=other, lead_unit=pub.spare_unit)
    year = pub.item.year

    def titles(query: str) -> set[str]:
        html = page(client, f"{LIST}?{query}")
        return {
            t for t in ("关于加快老旧小区加装电梯的建议", "关于增设社区养老食堂的建议") if t in html
        }

    both = {"关于加快老旧小区加装电梯的建议", "关于增设社区养老食堂的建议"}
    assert titles("") == both
    assert titles("q=养老食堂") == {"关于增设社区养老食堂的建议"}
    assert titles(f"unit={pub.spare_unit.pk}") == {"关于增设社区养老食堂的建议"}
    assert titles(f"unit={pub.co_unit.pk}") == {"关于加快老旧小区加装电梯的建议"}
    assert titles("class=B") == {"关于加快老旧小区加装电梯的建议"}
    assert titles("class=A") == set()
    assert titles(f"year={year}") == both
    assert titles(f"year={year - 1}") == both  # not an offered year: ignored
    assert titles("kind=motion") == set()
    assert titles("kind=suggestion&class=B&q=电梯") == {"关于加快老旧小区加装电梯的建议"}
    assert titles("class=B&q=养老食堂") == set()
    assert f'value="{pub.spare_unit.pk}"' in page(client, LIST)


def test_public_list_query_count_is_fixed(sw, client, django_assert_num_queries):
    bare_published(sw, 3)
    with django_assert_num_queries(LIST_QUERIES):
        html = client.get(LIST).content.decode()
    assert html.count("停车难的建议") == 3
    bare_published(sw, 27)
    with django_assert_num_queries(LIST_QUERIES):
        html = client.get(LIST).content.decode()
    assert html.count("停车难的建议") == 20  # one page
    assert "第 1 / 2 页" in html
    assert PHONE not in html


# The units and years of the filters, the count, the page, its parts.
LIST_QUERIES = 5


def test_public_detail_shows_the_reply_commitments_and_steps(pub, client):
    s = pub.item
    html = page(client, detail_url(s))
    for expected in (
        "关于加快老旧小区加装电梯的建议",
        s.display_number,
        pub.lead.name,
        pub.co.name,
        s.grounds,
        s.proposal,
        f"{LEAD}（主办）",
        f"{CO}（会办）",
        REPLY,
        "B类：正在解决或列入计划解决",
        "年内完成补贴办法修订",
        "已兑现",
        "明年一季度出台新办法",
        "推进中",
        "第2次答复",
        "代表提出",
        f"交由{LEAD}、{CO}办理",
        f"{LEAD}已答复代表",
        "代表对答复不满意，重新办理",
        "列为重点督办，督办领导：李明副市长",
        f"{LEAD}已兑现答复中的承诺",
        "办理完毕",
    ):
        assert expected in html, expected
    # Never: the contact, the deputy's rating comment, the co-handler's view, the reply's
    # signer, the signed document, staff notes.
    for secret in (
        PHONE,
        CONTACT,
        "代表私下意见",
        "会办意见：建议同步优化周边公交站点设置",
        "张局长",
        "登门走访领衔代表",
        "新办法已印发",
        "/suggestions/files/",
        "答复函.pdf",
    ):
        assert secret not in html, secret


def test_public_detail_is_404_for_anything_not_published(pub, client):
    assert page(client, detail_url(pub.item), pub.nobody)
    for s in (pub.secret, pub.private, pub.submitted, pub.drafted, pub.rejected):
        assert client.get(detail_url(s)).status_code == 404, s.title
    client.logout()
    assert client.get(reverse("public_suggestions:detail", args=["ZZZZZZZZ"])).status_code == 404
    assert client.get(detail_url(pub.secret)).status_code == 404
