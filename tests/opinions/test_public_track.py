"""The citizen follows an opinion: lookup with the code and the phone's last four
digits, the public timeline in plain sentences, replies, the meeting, rating, and the
photo view — never a name, a phone number or a staff note."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minqing.core import codes
from minqing.opinions import actions, uploads
from minqing.opinions.models import (
    ExtensionState,
    Opinion,
    OpinionAssignment,
    OpinionExtension,
    OpinionFile,
    OpinionState,
    Satisfaction,
)
from tests.opinions.factories import REPLY_TEXT, citizen_data, drive, submit
from tests.opinions.helpers import image, named

pytestmark = pytest.mark.django_db

NAME, PHONE = "王秀英", "13812345678"
LAST4 = PHONE[-4:]


def jpeg(color=(10, 120, 200)) -> bytes:
    return image("JPEG", (32, 24), color)


def verify(client: Client, opinion, last4: str = LAST4):
    return client.post(reverse("citizen:track"), {"code": opinion.code, "last4": last4})


def view_url(opinion) -> str:
    return f"{reverse('citizen:track_view')}?code={opinion.code}"


def track_page(client: Client, opinion) -> str:
    response = client.get(view_url(opinion))
    assert response.status_code == 200, response
    return response.content.decode()


def assert_no_pii(page: str, opinion) -> None:
    assert opinion.citizen_name not in page
    assert opinion.citizen_phone not in page
    assert opinion.citizen_phone[:3] + "****" not in page


# --- lookup -------------------------------------------------------------------------


def test_track_form_prefills_the_code_from_the_query(client, world):
    page = client.get(reverse("citizen:track") + "?code=abcd-efgh").content.decode()
    assert 'value="ABCDEFGH"' in page and "手机号码后四位" in page


def test_track_path_is_the_one_texted_to_citizens():
    from minqing.opinions.actions._common import TRACK_PATH

    assert reverse("citizen:track") == TRACK_PATH


def test_lookup_success_opens_the_track_page(client, world):
    opinion = submit(world)
    response = verify(client, opinion)
    assert response.status_code == 302 and response.url == view_url(opinion)
    page = track_page(client, opinion)
    assert "已受理" in page and "待处理" in page
    assert codes.display(opinion.code) in page
    assert_no_pii(page, opinion)
    # Typed with dashes and lower case, it still matches.
    other = Client()
    typed = codes.display(opinion.code).lower()
    assert other.post(reverse("citizen:track"), {"code": typed, "last4": LAST4}).status_code == 302


def _normalised(html: str, *codes_: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    for c in codes_:
        html = html.replace(c, "CODE")
    return html


def test_failures_look_the_same_whether_or_not_the_code_exists(client, world):
    opinion = submit(world)
    unknown = codes.generate(10)
    wrong_phone = client.post(reverse("citizen:track"), {"code": opinion.code, "last4": "0000"})
    no_code = client.post(reverse("citizen:track"), {"code": unknown, "last4": LAST4})
    malformed = client.post(reverse("citizen:track"), {"code": "XXXX", "last4": LAST4})
    for response in (wrong_phone, no_code, malformed):
        assert response.status_code == 200
        assert "查询码或手机号后四位不正确" in response.content.decode()
    a = _normalised(wrong_phone.content.decode(), opinion.code, LAST4, "0000")
    b = _normalised(no_code.content.decode(), unknown, LAST4, "0000")
    assert a == b
    # Nothing was added to the session either way.
    assert client.get(view_url(opinion)).status_code == 302


def test_empty_lookup_fields_are_named(client, world):
    response = client.post(reverse("citizen:track"), {"code": "", "last4": ""})
    page = response.content.decode()
    assert "请填写查询码" in page and "请填写手机号码后四位" in page


def test_track_view_needs_the_session(client, world):
    opinion = submit(world)
    response = client.get(view_url(opinion))
    assert response.status_code == 302
    assert response.url == f"{reverse('citizen:track')}?code={opinion.code}"
    # Staff accounts get no shortcut: the citizen's page is the citizen's.
    client.force_login(world.office)
    assert client.get(view_url(opinion)).status_code == 302


def test_own_submission_is_trackable_without_a_lookup(client, world):
    data = {k: v for k, v in citizen_data(consent="on").items() if k != "photos"}
    data["client_token"] = "1b4e28ba-2fa1-4d2b-883f-0016d3cca427"
    client.post(reverse("citizen:station_submit", args=[world.station.code]), data)
    opinion = Opinion.objects.get()
    assert "已受理" in track_page(client, opinion)
    # Opening the texted link on the same phone goes straight to the progress.
    response = client.get(f"{reverse('citizen:track')}?code={opinion.code}")
    assert response.status_code == 302 and response.url == view_url(opinion)


def test_lookups_are_rate_limited_per_code(client, world, settings):
    settings.MINQING_RATELIMIT_ENABLED = True
    settings.MINQING_RATELIMIT_TRACK_CODE = "2/h"
    cache.clear()
    opinion = submit(world)
    for _ in range(2):
        assert verify(Client(), opinion, "0000").status_code == 200
    response = verify(Client(), opinion)
    assert response.status_code == 429
    assert "查询过于频繁" in response.content.decode()
    cache.clear()


# --- the timeline -------------------------------------------------------------------


def test_timeline_through_forward_sign_contact_and_reply(client, world):
    opinion = drive(world, submit(world), OpinionState.HANDLING)
    OpinionAssignment.objects.filter(pk=opinion.assignment_id).update(deadline_provisional=True)
    actions.opinion_contact(
        actor=world.unit_staff, opinion=opinion, method="phone", note="电话联系王秀英，约定周五查看"
    )
    verify(client, opinion)
    page = track_page(client, opinion)
    assert "已转交澜州市住房和城乡建设局办理" in page
    assert "承办单位已签收" in page and "承办单位已与您联系" in page
    assert "答复期限" in page and "期限按暂定日历计算" in page
    assert f"{opinion.reply_due.year}年{opinion.reply_due.month}月{opinion.reply_due.day}日" in page
    assert "约定周五查看" not in page  # the contact note is staff-only
    assert world.unit_staff.username not in page
    assert_no_pii(page, opinion)
    opinion.refresh_from_db()
    actions.opinion_reply(
        actor=world.unit_staff,
        opinion=opinion,
        public_text=REPLY_TEXT,
        resolution="solved",
        internal_note="内部：经办人李四",
    )
    page = track_page(client, opinion)
    assert "已答复" in page and REPLY_TEXT in page and "澜州市住房和城乡建设局" in page
    assert "内部：经办人李四" not in page
    assert 'id="deadline"' not in page  # no running deadline once replied
    assert 'id="rate"' in page


def test_extension_shows_the_new_date(client, world):
    opinion = drive(world, submit(world), OpinionState.HANDLING)
    actions.extension_request(
        actor=world.unit_staff, opinion=opinion, working_days=5, reason="需要协调供电部门"
    )
    extension = OpinionExtension.objects.get(state=ExtensionState.PENDING)
    actions.extension_decide(actor=world.office, extension=extension, approve=True)
    opinion.refresh_from_db()
    verify(client, opinion)
    page = track_page(client, opinion)
    due = opinion.reply_due
    assert f"答复期限延长至{due.year}年{due.month}月{due.day}日" in page
    assert "需要协调供电部门" not in page


def test_escalate_and_answer_use_fixed_sentences_not_notes(client, world):
    opinion = submit(world)
    actions.opinion_escalate(actor=world.station_staff, opinion=opinion, note="请办公室联系张三")
    opinion.refresh_from_db()
    actions.opinion_answer(
        actor=world.office,
        opinion=opinion,
        public_text="经核实，该路段路灯已列入本月维修计划，月底前完成。",
        internal_note="内部备注不公开",
    )
    verify(client, opinion)
    page = track_page(client, opinion)
    assert "已提交人大办公室分办" in page and "代表当场答复" in page
    assert "该路段路灯已列入本月维修计划" in page
    assert "请办公室联系张三" not in page and "内部备注不公开" not in page
    assert 'id="rate"' not in page


def test_declined_shows_reason_and_referral(client, world):
    opinion = drive(world, submit(world), OpinionState.DECLINED)
    verify(client, opinion)
    page = track_page(client, opinion)
    assert "不予受理：已进入诉讼程序" in page
    assert "该纠纷已进入诉讼程序，请关注法院审理结果。" in page


def test_suggestion_sentence(client, world):
    opinion = drive(world, submit(world), OpinionState.SUGGESTION)
    verify(client, opinion)
    assert "已转为代表建议" in track_page(client, opinion)


def test_merged_opinion_follows_its_master(client, world):
    duplicate = submit(world, citizen_name="赵小红", citizen_phone="13600002222")
    master = submit(world, photos=uploads.clean_photos([named(jpeg(), "master.jpg")]))
    actions.opinion_merge(actor=world.office, opinion=duplicate, master=master)
    master = drive(world, master, OpinionState.REPLIED)
    duplicate.refresh_from_db()
    verify(client, duplicate, "2222")
    page = track_page(client, duplicate)
    assert "已与同类诉求合并办理" in page and 'id="merged"' in page
    assert "已转交澜州市住房和城乡建设局办理" in page and REPLY_TEXT in page
    assert master.citizen_name not in page and master.citizen_phone not in page
    assert_no_pii(page, duplicate)
    assert 'id="rate"' not in page  # the master's citizen rates
    # The master's citizen's photo is not this citizen's to see.
    master_photo = OpinionFile.objects.get(opinion=master)
    assert client.get(reverse("citizen:photo", args=[master_photo.pk])).status_code == 404


# --- rating -------------------------------------------------------------------------


def rate(client: Client, opinion, level: str, comment: str = ""):
    return client.post(
        reverse("citizen:rate"), {"code": opinion.code, "level": level, "comment": comment}
    )


def test_satisfied_rating_closes(client, world):
    opinion = drive(world, submit(world), OpinionState.REPLIED)
    verify(client, opinion)
    page = track_page(client, opinion)
    assert "满意" in page and "基本满意" in page and "不满意" in page
    assert "退回承办单位重新办理一次" in page
    response = rate(client, opinion, Satisfaction.SATISFIED)
    assert response.status_code == 302 and response.url == view_url(opinion)
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.CLOSED and opinion.satisfaction == "satisfied"
    page = track_page(client, opinion)
    assert "已评价，已办结" in page and "感谢您的评价" in page
    assert 'id="rate"' not in page and "您的评价：满意" in page


def test_unsatisfied_rehandles_once_then_the_next_rating_closes(client, world):
    opinion = drive(world, submit(world), OpinionState.REPLIED)
    verify(client, opinion)
    # A reason is required with 不满意.
    response = rate(client, opinion, Satisfaction.UNSATISFIED)
    assert response.status_code == 200
    assert "请说明不满意的原因" in response.content.decode()
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.REPLIED

    response = rate(client, opinion, Satisfaction.UNSATISFIED, "路灯修好后又坏了")
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.HANDLING and opinion.rehandle_count == 1
    page = track_page(client, opinion)
    assert "已重新交办" in page and "重新办理" in page and 'id="deadline"' in page

    actions.opinion_reply(
        actor=world.unit_staff,
        opinion=opinion,
        public_text="已更换整条线路并加装保护装置，连续一周巡查均正常。",
        resolution="solved",
    )
    page = track_page(client, opinion)
    assert "此次评价后即办结" in page
    assert rate(client, opinion, Satisfaction.UNSATISFIED, "还是不满意").status_code == 302
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.CLOSED and opinion.rehandle_count == 1


def test_rating_needs_a_replied_opinion_and_a_verified_session(client, world):
    opinion = drive(world, submit(world), OpinionState.HANDLING)
    # Without the session: back to the lookup, nothing rated.
    response = rate(client, opinion, Satisfaction.SATISFIED)
    assert response.status_code == 302 and response.url == reverse("citizen:track")
    verify(client, opinion)
    assert 'id="rate"' not in track_page(client, opinion)
    response = rate(client, opinion, Satisfaction.SATISFIED)
    assert response.status_code == 200
    assert "这件事项目前不能评价" in response.content.decode()
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.HANDLING


def test_rating_level_is_required_in_chinese(client, world):
    opinion = drive(world, submit(world), OpinionState.REPLIED)
    verify(client, opinion)
    response = rate(client, opinion, "")
    assert "请选择满意、基本满意或不满意" in response.content.decode()


# --- meetings -----------------------------------------------------------------------


def _meeting(world):
    return actions.meeting_request(
        station=world.station,
        deputy=world.deputy,
        preferred_time="周末上午",
        data=citizen_data(),
    )


def test_meeting_request_is_shown_while_waiting(client, world):
    opinion = _meeting(world)
    verify(client, opinion)
    page = track_page(client, opinion)
    assert f"已申请约见{world.deputy.name}代表，等待答复" in page and "周末上午" in page


def test_accepted_meeting_shows_time_and_place(client, world):
    opinion = _meeting(world)
    meet_at = timezone.localtime(timezone.now() + dt.timedelta(days=3)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    actions.meeting_accept(
        actor=world.deputy_user, meeting=opinion.meeting, meet_at=meet_at, place="联络站二楼接待室"
    )
    verify(client, opinion)
    page = track_page(client, opinion)
    assert f"{world.deputy.name}代表同意与您约见" in page
    assert f"{meet_at.year}年{meet_at.month}月{meet_at.day}日 09:30" in page
    assert "联络站二楼接待室" in page
    assert world.deputy_user.username not in page
    assert_no_pii(page, opinion)


def test_declined_meeting_shows_the_reason(client, world):
    opinion = _meeting(world)
    actions.meeting_decline(
        actor=world.deputy_user,
        meeting=opinion.meeting,
        reason="近期在外地调研，已请联络站转交办理",
    )
    verify(client, opinion)
    page = track_page(client, opinion)
    assert "代表暂不能约见" in page and "近期在外地调研，已请联络站转交办理" in page


# --- photos -------------------------------------------------------------------------


def test_photo_view_serves_own_photos_only(client, world):
    opinion = submit(world, photos=uploads.clean_photos([named(jpeg(), "a.jpg")]))
    other = submit(world, photos=uploads.clean_photos([named(jpeg((1, 2, 3)), "b.jpg")]))
    mine = OpinionFile.objects.get(opinion=opinion)
    theirs = OpinionFile.objects.get(opinion=other)
    url = reverse("citizen:photo", args=[mine.pk])
    assert client.get(url).status_code == 404  # no session yet
    verify(client, opinion)
    page = track_page(client, opinion)
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private"
    assert b"".join(response.streaming_content) == mine.file.open("rb").read()
    assert client.get(reverse("citizen:photo", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("citizen:photo", args=[theirs.pk + 1000])).status_code == 404
    assert Client().get(url).status_code == 404  # another browser


def test_reply_attachments_are_served_to_the_citizen(client, world):
    opinion = drive(world, submit(world), OpinionState.HANDLING)
    attachment = uploads.clean_attachment(named(jpeg((0, 200, 0)), "整改照片.jpg"))
    actions.opinion_reply(
        actor=world.unit_staff,
        opinion=opinion,
        public_text=REPLY_TEXT,
        resolution="solved",
        attachments=[attachment],
    )
    verify(client, opinion)
    page = track_page(client, opinion)
    item = OpinionFile.objects.get(opinion=opinion, reply__isnull=False)
    url = reverse("citizen:photo", args=[item.pk])
    assert url in page and "整改照片.jpg" in page
    assert client.get(url).status_code == 200
    assert Client().get(url).status_code == 404


def test_lookup_gives_a_new_session_key(client, world):
    opinion = submit(world)
    client.get(reverse("citizen:track"))
    client.session.save()
    before = client.session.session_key
    verify(client, opinion)
    assert client.session.session_key != before
    assert track_page(client, opinion)


def test_track_page_queries_do_not_grow_with_replies_and_steps(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    opinion = drive(world, submit(world), OpinionState.REPLIED)
    verify(client, opinion)
    with CaptureQueriesContext(connection) as one_round:
        track_page(client, opinion)
    rate(client, opinion, Satisfaction.UNSATISFIED, "路灯修好后又坏了")
    opinion.refresh_from_db()
    actions.opinion_reply(
        actor=world.unit_staff,
        opinion=opinion,
        public_text="已更换整条线路并加装保护装置，连续一周巡查均正常。",
        resolution="solved",
        attachments=[uploads.clean_attachment(named(jpeg(), "照片.jpg"))],
    )
    with CaptureQueriesContext(connection) as two_rounds:
        page = track_page(client, opinion)
    assert page.count("澜州市住房和城乡建设局</span>") == 2  # both replies are shown
    assert len(two_rounds.captured_queries) == len(one_round.captured_queries)
