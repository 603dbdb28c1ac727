"""The reception pages: the office's unified reception days (list, create, edit, the
day's page with the duty picker, notices, start, close, cancel and the live tally) and a
station's reception day (check-in on a phone, the staff's check-in, the visitor count,
the way to the opinions fast-entry sheet). Permission matrices, one audit entry per
POST, Chinese refusals, the tally's figures on the page, query-count pins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from minqing.duties import actions
from minqing.duties.models import (
    Activity,
    DutySlot,
    Participation,
    SlotState,
    UnifiedDay,
    UnifiedDayState,
)
from minqing.opinions.actions import opinion_answer, opinion_register
from tests.duties.factories import unified_day
from tests.factories import UserFactory, grant
from tests.opinions.helpers import (
    as_user,
    assert_login_redirect,
    audits,
    flashes,
    get_as,
    post_as,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def u(name: str, *args) -> str:
    return reverse(f"duties:{name}", args=args)


def assert_post_refused(client, target: str, data: dict, *, hidden, forbidden) -> None:
    """Anonymous → login; ``hidden`` users → 404; ``forbidden`` → 403; no audit entry."""
    from tests.opinions.helpers import assert_post_refused as refused

    refused(as_user(client, None), target, data, hidden=hidden, forbidden=forbidden)


def post_of(day: UnifiedDay, station):
    return day.posts.get(station=station)


def assigned(dw, *, deputies=None, station=None, notify=False) -> UnifiedDay:
    """Today's unified day with ``deputies`` (dw.dep) on duty at ``station`` (望江)."""
    day = unified_day(dw)
    actions.duty_slot_assign(
        actor=dw.office,
        post=post_of(day, station or dw.station),
        deputies=deputies or [dw.dep],
    )
    if notify:
        actions.unified_day_notify(actor=dw.office, day=day)
    return day


def register(dw, n: int, *, station=None, staff=None):
    return [
        opinion_register(
            actor=staff or dw.station_staff,
            data={
                "citizen_name": "张王李赵钱孙"[i % 6] + "先生",
                "text": f"小区第{i}号楼前路灯不亮，晚上出行不便，请尽快修复。",
                "kind": "help",
            },
            channel="visit",
            station=station or dw.station,
        )
        for i in range(n)
    ]


def day_data(**kw) -> dict:
    data = {
        "title": "全市人大代表统一接待日",
        "date": timezone.localdate().isoformat(),
        "start_time": "09:00",
        "end_time": "11:30",
        "note": "请提前十分钟到站",
    }
    data.update(kw)
    return data


# --- the list -----------------------------------------------------------------------------


def test_list_matrix(client, dw):
    day = unified_day(dw)
    page = u("unified_day_list")
    assert_login_redirect(client.get(page))
    for user in (dw.nobody, dw.unit_staff, dw.dep_user):
        assert get_as(client, user, page).status_code == 403, user
    for user in (dw.office, dw.leader):
        response = get_as(client, user, page)
        assert response.status_code == 200, user
        assert [d.pk for d in response.context["page_obj"]] == [day.pk]
    # Readers elsewhere have the page but not this day.
    for user in (dw.far_office, dw.station_staff):
        response = get_as(client, user, page)
        assert response.status_code == 200 and list(response.context["page_obj"]) == [], user
    assert u("unified_day_create") in get_as(client, dw.office, page).content.decode()
    assert u("unified_day_create") not in get_as(client, dw.leader, page).content.decode()


def test_list_shows_state_stations_and_present_over_assigned(client, dw):
    day = assigned(dw, deputies=[dw.dep, dw.more[0]])
    actions.reception_check_in(actor=dw.dep_user, station=dw.station)
    cancelled = unified_day(
        dw, date=timezone.localdate() + dt.timedelta(days=7), title="下周接待日"
    )
    actions.unified_day_cancel(actor=dw.office, day=cancelled, note="与防汛演练冲突")
    response = get_as(client, dw.office, u("unified_day_list"))
    rows = {d.pk: d for d in response.context["page_obj"]}
    assert (rows[day.pk].n_stations, rows[day.pk].n_present, rows[day.pk].n_assigned) == (2, 1, 2)
    html = response.content.decode()
    assert "1/2" in html and "接待中" in html and "已取消" in html
    filtered = get_as(client, dw.office, u("unified_day_list"), {"state": "cancelled"})
    assert [d.pk for d in filtered.context["page_obj"]] == [cancelled.pk]
    searched = get_as(client, dw.office, u("unified_day_list"), {"q": "下周"})
    assert [d.pk for d in searched.context["page_obj"]] == [cancelled.pk]
    # A state that does not exist is ignored, not an error.
    assert get_as(client, dw.office, u("unified_day_list"), {"state": "x"}).status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_list_query_count_is_pinned(client, dw, django_assert_num_queries, n):
    start = timezone.localdate()
    for i in range(n):
        day = unified_day(dw, date=start + dt.timedelta(days=i))
        actions.duty_slot_assign(
            actor=dw.office, post=post_of(day, dw.station), deputies=[dw.more[i % 5]]
        )
    client.force_login(dw.office)
    # session, user, grants; the page of days (with their counts) and its count.
    with django_assert_num_queries(5):
        response = client.get(u("unified_day_list"))
    assert len(response.context["page_obj"]) == n


# --- create and edit ----------------------------------------------------------------------


def test_create_matrix(client, dw):
    page = u("unified_day_create")
    assert_login_redirect(client.get(page))
    for user in (dw.nobody, dw.leader, dw.station_staff, dw.dep_user, dw.unit_staff):
        assert get_as(client, user, page).status_code == 403, user
    assert_post_refused(
        client,
        page,
        day_data(region=dw.tree.city.pk),
        hidden=(),
        forbidden=(dw.nobody, dw.leader, dw.station_staff, dw.dep_user),
    )
    response = get_as(client, dw.office, page)
    assert response.status_code == 200
    regions = [r.name for r in response.context["form"].fields["region"].queryset]
    assert regions == ["澜州市", "滨江区", "云溪区"]
    stations = {s.pk for s in response.context["form"].fields["stations"].queryset}
    assert stations == {dw.station.pk, dw.station2.pk}  # no online station, nothing far


def test_create_for_all_stations_of_the_region(client, dw):
    before = audits()
    response = post_as(client, dw.office, u("unified_day_create"), day_data(region=dw.tree.city.pk))
    assert audits() == before + 1
    day = UnifiedDay.objects.get()
    assert response.url == u("unified_day_detail", day.pk)
    assert {p.station_id for p in day.posts.all()} == {dw.station.pk, dw.station2.pk}
    assert (day.region, day.title, day.note) == (
        dw.tree.city,
        "全市人大代表统一接待日",
        "请提前十分钟到站",
    )
    assert "共 2 个联络站" in flashes(response)[0]


def test_create_for_some_stations(client, dw):
    data = day_data(region=dw.tree.binjiang.pk, stations=[dw.station2.pk])
    post_as(client, dw.office, u("unified_day_create"), data)
    day = UnifiedDay.objects.get()
    assert day.region == dw.tree.binjiang
    assert [p.station_id for p in day.posts.all()] == [dw.station2.pk]


def test_create_refusals_in_chinese_keep_the_input(client, dw):
    page = u("unified_day_create")
    before = audits()
    response = post_as(client, dw.office, page, day_data(region=dw.tree.city.pk, title=""))
    assert response.status_code == 200
    assert response.context["form"].errors == {"title": ["请填写此项"]}
    assert "请提前十分钟到站" in response.content.decode()
    response = post_as(client, dw.office, page, day_data(region=dw.tree.city.pk, end_time="08:00"))
    assert response.context["form"].errors == {"end_time": ["结束时间须晚于开始时间"]}
    assert 'value="08:00"' in response.content.decode()
    # A day in the past, and a region out of scope.
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = post_as(client, dw.office, page, day_data(region=dw.tree.city.pk, date=yesterday))
    assert response.context["form"].errors["date"] == ["接待日期不能早于今天"]
    response = post_as(client, dw.office, page, day_data(region=dw.tree.other_city.pk))
    assert response.context["form"].errors["region"] == ["所选区域不在您的管辖范围内"]
    # A station outside the office's scope, or outside the chosen region.
    for region, station in ((dw.tree.city, dw.far_station), (dw.tree.yunxi, dw.station)):
        response = post_as(
            client, dw.office, page, day_data(region=region.pk, stations=[station.pk])
        )
        assert response.context["form"].errors["stations"] == [
            "所选联络站须是所选区域运行中的线下站点"
        ]
    # A region without stations.
    response = post_as(client, dw.office, page, day_data(region=dw.tree.yunxi.pk))
    assert response.context["form"].errors["stations"] == ["该区域没有运行中的联络站"]
    assert audits() == before and not UnifiedDay.objects.exists()


def test_create_offers_the_stations_of_the_chosen_region(client, dw, monkeypatch):
    page = u("unified_day_create")
    response = get_as(client, dw.office, page, {"region": dw.tree.yunxi.pk})
    assert response.context["form"]["region"].value() == dw.tree.yunxi.pk
    assert list(response.context["form"].fields["stations"].queryset) == []
    assert 'id="no-stations"' in response.content.decode()
    # An htmx reload of the list when the region changes; an unknown region: the first.
    response = get_as(client, dw.office, page, {"region": dw.tree.binjiang.pk}, **HTMX)
    html = response.content.decode()
    assert 'id="station-choice"' in html and dw.station2.name in html
    assert f'hx-get="{page}"' in html
    response = get_as(client, dw.office, page, {"region": "x"})
    assert response.context["chosen_region"] == dw.tree.city
    # Too many stations to tick one by one: the office is asked for a smaller region.
    monkeypatch.setattr("minqing.duties.views_reception.STATION_PICK_LIMIT", 1)
    html = get_as(client, dw.office, page).content.decode()
    assert "请选择下级区域" in html and 'id="station-options"' not in html


def test_edit_while_planned(client, dw):
    day = unified_day(dw)
    page = u("unified_day_edit", day.pk)
    assert_login_redirect(client.get(page))
    for user in (dw.nobody, dw.far_office, dw.station_staff):
        assert get_as(client, user, page).status_code == 404, user
    assert get_as(client, dw.leader, page).status_code == 403
    response = get_as(client, dw.office, page)
    assert response.status_code == 200 and response.context["form"]["title"].value() == day.title
    before = audits()
    response = post_as(
        client, dw.office, page, day_data(title="国庆节前统一接待日", end_time="12:00")
    )
    assert audits() == before + 1
    day.refresh_from_db()
    assert (day.title, day.end_time) == ("国庆节前统一接待日", dt.time(12, 0))
    response = post_as(client, dw.office, page, day_data(start_time="13:00", end_time="12:00"))
    assert response.context["form"].errors["end_time"] == ["结束时间须晚于开始时间"]
    actions.unified_day_start(actor=dw.office, day=day)
    response = get_as(client, dw.office, page)
    assert response.url == u("unified_day_detail", day.pk)
    assert flashes(response) == ["接待日已开始，不能修改"]


# --- the day's page and its tally ---------------------------------------------------------


def test_detail_matrix(client, dw):
    day = assigned(dw)
    page = u("unified_day_detail", day.pk)
    assert_login_redirect(client.get(page))
    for user in (dw.nobody, dw.far_office, dw.station_staff, dw.dep_user, dw.unit_staff):
        assert get_as(client, user, page).status_code == 404, user
    office = get_as(client, dw.office, page)
    assert office.status_code == 200 and office.context["can_manage"]
    html = office.content.decode()
    assert u("duty_slot_assign", post_of(day, dw.station).pk) in html
    assert "通知值班代表（1 人未通知）" in html
    leader = get_as(client, dw.leader, page)
    assert leader.status_code == 200 and not leader.context["can_manage"]
    html = leader.content.decode()
    assert dw.dep.name in html and u("unified_day_notify", day.pk) not in html
    assert u("duty_slot_assign", post_of(day, dw.station).pk) not in html


def test_detail_suggests_the_stations_own_deputies(client, dw):
    day = unified_day(dw)
    response = get_as(client, dw.office, u("unified_day_detail", day.pk))
    rows = {r["post"].station_id: r for r in response.context["rows"]}
    assert [d.pk for d in rows[dw.station.pk]["seated"]] == [dw.dep.pk]
    assert [d.pk for d in rows[dw.station2.pk]["seated"]] == [dw.dep2.pk]
    # Once dep is on duty at 柳岸, 望江 no longer suggests them.
    actions.duty_slot_assign(actor=dw.office, post=post_of(day, dw.station2), deputies=[dw.dep])
    response = get_as(client, dw.office, u("unified_day_detail", day.pk))
    rows = {r["post"].station_id: r for r in response.context["rows"]}
    assert rows[dw.station.pk]["seated"] == []


def test_tally_figures_on_the_page_and_the_partial(client, dw):
    day = assigned(dw, deputies=[dw.dep, dw.more[0]], notify=True)
    part = actions.reception_check_in(actor=dw.dep_user, station=dw.station)
    ops = register(dw, 3)
    opinion_answer(actor=dw.dep_user, opinion=ops[0], public_text="已联系物业当场报修，今晚修复。")
    actions.reception_visitors_add(actor=dw.station_staff, activity=part.activity, count=2)
    tally_url = u("unified_day_tally", day.pk)
    html = get_as(client, dw.office, u("unified_day_detail", day.pk)).content.decode()
    assert f'hx-get="{tally_url}"' in html and 'hx-trigger="every 10s"' in html
    response = get_as(client, dw.leader, tally_url)
    assert response.status_code == 200
    t = response.context["tally"]
    assert (t.stations_open, t.stations, t.present, t.deputies) == (1, 2, 1, 2)
    assert (t.voters, t.items, t.answered) == (5, 3, 1)
    html = response.content.decode()
    assert 'data-figure="items">3<' in html and 'data-figure="present">1<' in html
    assert 'data-figure="voters">5<' in html and 'data-figure="answered">1<' in html
    assert "<html" not in html  # a fragment
    # Closed: the stored tally, and no more polling.
    actions.unified_day_close(actor=dw.office, day=day)
    register(dw, 1)
    response = get_as(client, dw.office, tally_url)
    assert response.context["tally"]["items"] == 3
    assert 'hx-trigger="every' not in response.content.decode()
    assert "最终统计" in response.content.decode()


def test_tally_matrix(client, dw):
    day = unified_day(dw)
    page = u("unified_day_tally", day.pk)
    assert_login_redirect(client.get(page))
    for user in (dw.nobody, dw.far_office, dw.station_staff):
        assert get_as(client, user, page).status_code == 404, user
    assert get_as(client, dw.office, page).status_code == 200


# --- duty slots: assign, pick, remove -------------------------------------------------------


def test_assign_matrix_and_one_audit(client, dw):
    day = unified_day(dw)
    post = post_of(day, dw.station)
    target = u("duty_slot_assign", post.pk)
    data = {"deputies": [dw.dep.pk, dw.more[0].pk]}
    assert_post_refused(
        client,
        target,
        data,
        hidden=(dw.nobody, dw.far_office, dw.station_staff, dw.dep_user),
        forbidden=(dw.leader,),
    )
    before = audits()
    response = post_as(
        client, dw.office, target, {**data, "start_time": "09:00", "end_time": "10:30"}
    )
    assert audits() == before + 1
    assert response.url == u("unified_day_detail", day.pk) + f"#post-{post.pk}"
    slots = DutySlot.objects.filter(post=post).order_by("deputy__name")
    assert {s.deputy_id for s in slots} == {dw.dep.pk, dw.more[0].pk}
    assert {(s.start_time, s.end_time) for s in slots} == {(dt.time(9, 0), dt.time(10, 30))}
    assert "望江社区代表联络站值班" in flashes(response)[0]


def test_assign_refusals_in_chinese_keep_the_choice(client, dw):
    day = assigned(dw)
    post2 = post_of(day, dw.station2)
    target = u("duty_slot_assign", post2.pk)
    before = audits()
    # dep is on duty at 望江 already.
    response = post_as(client, dw.office, target, {"deputies": [dw.dep.pk, dw.dep2.pk]})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{dw.dep.name}当天已安排在望江社区代表联络站" in html
    assert response.context["assign_post"] == post2.pk
    row = next(r for r in response.context["rows"] if r["post"].pk == post2.pk)
    assert row["ticked_ids"] == {dw.dep.pk, dw.dep2.pk}
    assert f'value="{dw.dep2.pk}" id="seat-{post2.pk}-{dw.dep2.pk}" checked' in html
    # Nobody chosen; a deputy outside the office's scope; a slot outside the day's hours.
    response = post_as(client, dw.office, target, {})
    assert "请选择代表" in response.content.decode()
    response = post_as(client, dw.office, target, {"deputies": [dw.far_dep.pk]})
    assert "所选代表不存在、已终止代表资格或不在您的管辖范围内" in response.content.decode()
    response = post_as(client, dw.office, target, {"deputies": [dw.dep2.pk], "start_time": "08:00"})
    assert "值班时段须在接待日时间 09:00–11:30 之内" in response.content.decode()
    response = post_as(client, dw.office, target, {"deputies": [dw.dep2.pk], "start_time": "9点"})
    assert "时间格式不正确，例如 09:00" in response.content.decode()
    assert audits() == before


def test_picker_finds_deputies_not_on_duty_the_stations_own_first(client, dw):
    day = assigned(dw, deputies=[dw.more[0]])
    post = post_of(day, dw.station2)
    target = u("duty_picker", post.pk)
    assert_login_redirect(client.get(target, {"q": dw.dep.name}))
    for user in (dw.nobody, dw.far_office, dw.station_staff):
        assert get_as(client, user, target, {"q": "x"}).status_code == 404, user
    assert get_as(client, dw.leader, target, {"q": "x"}).status_code == 403
    # Every deputy of the world shares the factory's surname pattern? Search by number.
    response = get_as(client, dw.office, target, {"q": dw.dep2.deputy_number})
    assert [d.pk for d in response.context["found"]] == [dw.dep2.pk]
    assert response.context["found"][0].seated_here
    assert "本站代表" in response.content.decode()
    # dw.more[0] is on duty at 望江 already: never found.
    response = get_as(client, dw.office, target, {"q": dw.more[0].name})
    assert dw.more[0].pk not in [d.pk for d in response.context["found"]]
    # The far deputy is outside the office's scope.
    response = get_as(client, dw.office, target, {"q": dw.far_dep.name})
    assert dw.far_dep.pk not in [d.pk for d in response.context["found"]]
    # What was ticked stays ticked, and is not listed twice.
    response = get_as(
        client, dw.office, target, {"q": dw.dep2.deputy_number, "deputies": [dw.dep2.pk]}
    )
    assert [d.pk for d in response.context["ticked"]] == [dw.dep2.pk]
    assert response.context["found"] == []
    assert get_as(client, dw.office, target, {"q": ""}).context["found"] == []


def test_remove_slot(client, dw):
    day = assigned(dw)
    slot = DutySlot.objects.get()
    target = u("duty_slot_remove", slot.pk)
    assert_post_refused(
        client,
        target,
        {},
        hidden=(dw.nobody, dw.far_office, dw.station_staff),
        forbidden=(dw.leader,),
    )
    before = audits()
    response = post_as(client, dw.office, target)
    assert audits() == before + 1 and not DutySlot.objects.exists()
    assert response.url.endswith(f"#post-{post_of(day, dw.station).pk}")
    # After check-in a slot stays.
    actions.duty_slot_assign(actor=dw.office, post=post_of(day, dw.station), deputies=[dw.dep])
    actions.reception_check_in(actor=dw.dep_user, station=dw.station)
    slot = DutySlot.objects.get()
    before = audits()
    response = post_as(client, dw.office, u("duty_slot_remove", slot.pk))
    assert audits() == before and flashes(response) == ["代表已签到，不能取消安排"]


# --- notify, start, close, cancel ---------------------------------------------------------


def test_notify(client, dw):
    day = assigned(dw, deputies=[dw.dep, dw.more[0]])
    target = u("unified_day_notify", day.pk)
    assert_post_refused(
        client,
        target,
        {},
        hidden=(dw.nobody, dw.far_office, dw.station_staff),
        forbidden=(dw.leader,),
    )
    before = audits()
    response = post_as(client, dw.office, target)
    assert audits() == before + 1
    assert flashes(response) == ["已向 2 名代表发送值班通知。"]
    assert not DutySlot.objects.filter(notified_at__isnull=True).exists()
    html = get_as(client, dw.office, u("unified_day_detail", day.pk)).content.decode()
    assert "值班代表均已通知" in html and target not in html
    before = audits()
    response = post_as(client, dw.office, target)
    assert audits() == before
    assert flashes(response) == ["没有需要通知的代表（均已通知或尚未安排）"]


def test_start_close_and_the_stored_tally(client, dw):
    day = assigned(dw)
    for name in ("unified_day_start", "unified_day_close"):
        assert_post_refused(
            client,
            u(name, day.pk),
            {},
            hidden=(dw.nobody, dw.far_office, dw.station_staff),
            forbidden=(dw.leader,),
        )
    before = audits()
    post_as(client, dw.office, u("unified_day_start", day.pk))
    assert audits() == before + 1
    day.refresh_from_db()
    assert day.state == UnifiedDayState.ONGOING
    # Started twice: the table refuses, in Chinese, without an entry.
    response = post_as(client, dw.office, u("unified_day_start", day.pk))
    assert audits() == before + 1
    assert "接待日的状态已经变化" in flashes(response)[0]
    register(dw, 2)
    before = audits()
    post_as(client, dw.office, u("unified_day_close", day.pk))
    assert audits() == before + 1
    day.refresh_from_db()
    assert day.state == UnifiedDayState.CLOSED and day.tally["items"] == 2
    assert DutySlot.objects.get().state == SlotState.ABSENT
    html = get_as(client, dw.office, u("unified_day_detail", day.pk)).content.decode()
    assert 'data-figure="items">2<' in html and "未到岗" in html
    assert u("duty_slot_assign", post_of(day, dw.station).pk) not in html


def test_start_only_on_the_day(client, dw):
    day = unified_day(dw, date=timezone.localdate() + dt.timedelta(days=3))
    assert not get_as(client, dw.office, u("unified_day_detail", day.pk)).context["can_start"]
    response = post_as(client, dw.office, u("unified_day_start", day.pk))
    assert flashes(response) == ["只能在接待日当天开始"]


def test_cancel_needs_a_reason(client, dw):
    day = assigned(dw, notify=True)
    target = u("unified_day_cancel", day.pk)
    data = {"note": "台风预警，暂停接待"}
    assert_post_refused(
        client,
        target,
        data,
        hidden=(dw.nobody, dw.far_office, dw.station_staff),
        forbidden=(dw.leader,),
    )
    before = audits()
    response = post_as(client, dw.office, target, {"note": ""})
    assert response.status_code == 200 and "请填写取消原因" in response.content.decode()
    response = post_as(client, dw.office, target, {"note": "雨"})
    assert "请填写取消原因（至少 2 个字）" in response.content.decode()
    assert audits() == before
    response = post_as(client, dw.office, target, data)
    assert audits() == before + 1
    day.refresh_from_db()
    assert day.state == UnifiedDayState.CANCELLED
    assert flashes(response) == ["接待日已取消，已通知的代表将收到取消通知。"]
    html = get_as(client, dw.office, u("unified_day_detail", day.pk)).content.decode()
    assert "接待日已取消。" in html and 'hx-trigger="every' not in html


# --- a station's reception day ---------------------------------------------------------------


def test_station_page_matrix(client, dw):
    page = u("station_today", dw.station.pk)
    assert_login_redirect(client.get(page))
    for user in (dw.nobody, dw.far_office, dw.station2_staff, dw.dep2_user, dw.unit_staff):
        assert get_as(client, user, page).status_code == 404, user
    for user in (dw.station_staff, dw.office, dw.leader, dw.dep_user):
        assert get_as(client, user, page).status_code == 200, user
    assert get_as(client, dw.office, u("station_today", 999999)).status_code == 404
    # On duty there today (a unified day), a deputy who sits elsewhere opens it too.
    day = unified_day(dw)
    actions.duty_slot_assign(actor=dw.office, post=post_of(day, dw.station), deputies=[dw.dep2])
    assert get_as(client, dw.dep2_user, page).status_code == 200
    actions.unified_day_cancel(actor=dw.office, day=day, note="台风预警，暂停接待")
    assert get_as(client, dw.dep2_user, page).status_code == 404


def test_deputy_checks_in_on_their_phone(client, dw):
    assigned(dw, notify=True)
    page = u("station_today", dw.station.pk)
    html = get_as(client, dw.dep_user, page).content.decode()
    assert 'id="check-in-self"' in html and "您今天在本站值班：09:00–11:30" in html
    assert "今天是统一接待日" in html
    target = u("reception_check_in", dw.station.pk)
    before = audits()
    response = post_as(client, dw.dep_user, target, {}, **HTMX)
    assert audits() == before + 1
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="station-notice"' in html and f"{dw.dep.name}已签到" in html
    assert 'id="my-checked-in"' in html and 'id="check-in-self"' not in html
    assert DutySlot.objects.get().state == SlotState.PRESENT
    # Twice: refused in Chinese, no entry (without htmx: a redirect and a message).
    response = post_as(client, dw.dep_user, target, {})
    assert audits() == before + 1
    assert response.url == page and flashes(response) == [f"{dw.dep.name}今天已签到"]


def test_staff_check_a_deputy_in(client, dw):
    assigned(dw, deputies=[dw.more[0]])
    page = u("station_today", dw.station.pk)
    response = get_as(client, dw.station_staff, page)
    rows = {r.deputy.pk: r for r in response.context["sd"].rows}
    assert set(rows) == {dw.more[0].pk, dw.dep.pk}  # on duty, and sitting there
    assert rows[dw.more[0].pk].slot is not None and rows[dw.dep.pk].seated
    html = response.content.decode()
    assert f'data-check-in="{dw.more[0].pk}"' in html and "第一位代表签到后即可登记接待人次" in html
    target = u("reception_check_in", dw.station.pk)
    assert_post_refused(
        client,
        target,
        {"deputy": dw.more[0].pk},
        hidden=(dw.nobody, dw.far_office, dw.station2_staff, dw.dep2_user),
        forbidden=(dw.dep_user, dw.leader),  # another deputy; a reader
    )
    before = audits()
    response = post_as(client, dw.station_staff, target, {"deputy": dw.more[0].pk})
    assert audits() == before + 1
    assert flashes(response)[0].startswith(f"{dw.more[0].name}已签到")
    part = Participation.objects.get(deputy=dw.more[0])
    assert part.checked_in_at is not None and part.activity.station == dw.station
    # A deputy not listed at the station: refused in Chinese.
    response = post_as(client, dw.station_staff, target, {"deputy": dw.dep2.pk})
    assert flashes(response) == ["该代表今天没有在本站的接待安排"]
    assert audits() == before + 1


def test_regular_reception_check_in_without_a_unified_day(client, dw):
    # A deputy who sits at the station checks in on an ordinary reception day.
    before = audits()
    post_as(client, dw.station_staff, u("reception_check_in", dw.station.pk), {"deputy": dw.dep.pk})
    assert audits() == before + 1
    activity = Activity.objects.get()
    assert activity.unified_post is None and activity.kind == "reception"


def test_visitors_count(client, dw):
    assigned(dw)
    page = u("station_today", dw.station.pk)
    target = u("reception_visitors_add", dw.station.pk)
    # Nobody checked in: no reception activity yet.
    response = post_as(client, dw.station_staff, target, {"activity": 1, "count": 1})
    assert flashes(response) == ["代表签到后才能登记接待人次"]
    part = actions.reception_check_in(actor=dw.dep_user, station=dw.station)
    data = {"activity": part.activity.pk, "count": 1}
    assert_post_refused(
        client,
        target,
        data,
        hidden=(dw.nobody, dw.far_office, dw.station2_staff, dw.dep2_user),
        forbidden=(dw.leader,),
    )
    before = audits()
    response = post_as(client, dw.station_staff, target, data, **HTMX)
    assert audits() == before + 1
    html = response.content.decode()
    assert "已更新其他接待人次：1 人次" in html and 'id="figure-voters">1<' in html
    register(dw, 2)
    before = audits()
    post_as(client, dw.dep_user, target, data)  # the deputy checked in counts too
    assert audits() == before + 1
    response = post_as(client, dw.station_staff, target, {**data, "count": -1})
    assert audits() == before + 2
    sd = get_as(client, dw.station_staff, page).context["sd"]
    assert (sd.voters, sd.items, sd.extra) == (3, 2, 1)
    for bad, message in (("0", "人次须为 -500 到 500 之间的非零整数"), ("x", "人次须为整数")):
        response = post_as(client, dw.station_staff, target, {**data, "count": bad})
        assert flashes(response) == [message]
    assert audits() == before + 2


def test_visitors_need_a_check_in_for_deputies(client, dw):
    assigned(dw, deputies=[dw.more[0]])
    part = actions.reception_check_in(actor=dw.station_staff, station=dw.station, deputy=dw.more[0])
    # dep sits at the station but did not check in: no control, and the POST is refused.
    html = get_as(client, dw.dep_user, u("station_today", dw.station.pk)).content.decode()
    assert 'data-visitors="1"' not in html
    response = post_as(
        client,
        dw.dep_user,
        u("reception_visitors_add", dw.station.pk),
        {"activity": part.activity.pk, "count": 1},
    )
    assert response.status_code == 403


def test_station_page_links_to_the_fast_entry_sheet(client, dw):
    response = get_as(client, dw.station_staff, u("station_today", dw.station.pk))
    link = response.context["fast_entry_url"]
    assert link.startswith(reverse("opinions:fast_entry") + "?")
    assert f"station={dw.station.pk}" in link and "channel=visit" in link
    sheet = get_as(client, dw.station_staff, link)
    assert sheet.status_code == 200 and sheet.context["setup"]["station"] == dw.station
    # A reader who may not register sees no link.
    assert (
        get_as(client, dw.leader, u("station_today", dw.station.pk)).context["fast_entry_url"] == ""
    )


def test_reception_home(client, dw):
    page = u("reception_home")
    assert_login_redirect(client.get(page))
    for user in (dw.nobody, dw.unit_staff):
        assert get_as(client, user, page).status_code == 403, user
    response = get_as(client, dw.station_staff, page)
    assert response.url == u("station_today", dw.station.pk)
    response = get_as(client, dw.dep2_user, page)
    assert response.url == u("station_today", dw.station2.pk)
    # On duty elsewhere today: two stations to choose from.
    day = unified_day(dw)
    actions.duty_slot_assign(actor=dw.office, post=post_of(day, dw.station), deputies=[dw.dep2])
    response = get_as(client, dw.dep2_user, page)
    assert response.status_code == 200
    assert [s.pk for s in response.context["stations"]] == [dw.station.pk, dw.station2.pk]
    assert get_as(client, dw.office, page).context["stations"] == []


def test_a_superuser_sees_everything(client, dw):
    admin = UserFactory(is_superuser=True)
    day = assigned(dw)
    for page in (
        u("unified_day_list"),
        u("unified_day_detail", day.pk),
        u("station_today", dw.far_station.pk),
    ):
        assert get_as(client, admin, page).status_code == 200, page


def test_station_staff_of_a_region_see_every_station_there(client, dw):
    # A station-staff grant on a region (no station) covers the stations below it.
    staff = UserFactory()
    grant(staff, "station_staff", dw.tree.street)
    assert get_as(client, staff, u("station_today", dw.station.pk)).status_code == 200
    assert get_as(client, staff, u("station_today", dw.far_station.pk)).status_code == 404


def test_a_day_ahead_is_not_polled(client, dw):
    day = unified_day(dw, date=timezone.localdate() + dt.timedelta(days=2))
    html = get_as(client, dw.office, u("unified_day_detail", day.pk)).content.decode()
    assert 'hx-trigger="every' not in html and "接待日当天开始实时统计。" in html


@pytest.mark.parametrize("n", [3, 30])
def test_detail_query_count_is_pinned(client, dw, django_assert_num_queries, n):
    from tests.stations.factories import StationFactory

    for i in range(n - 2):
        StationFactory(name=f"江滨第{i}代表联络点", region=dw.tree.street)
    day = unified_day(dw)
    posts = list(day.posts.all())
    assert len(posts) == n
    for post, deputy in zip(posts, [dw.dep, dw.dep2, *dw.more], strict=False):
        actions.duty_slot_assign(actor=dw.office, post=post, deputies=[deputy])
    client.force_login(dw.office)
    # session, user, grants; the day; manage check; posts, their slots; seated deputies;
    # the tally (posts, slots, extra visitors, opinions).
    with django_assert_num_queries(12):
        response = client.get(u("unified_day_detail", day.pk))
    assert len(response.context["rows"]) == n
