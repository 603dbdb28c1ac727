"""The measures of the 民情 loop (minqing.opinions.measures): a varied dataset built through
the real actions (late sign-off, late reply, returns, extensions, re-handling, on-spot
answers, declines, merges, suggestions, an out-of-scope city and an opinion before the
period), with timestamps moved by ``.update()`` to spread it over months; every measure
recomputed from the raw rows in plain Python for every grouping; hand-counted totals;
the permission matrix of the page and the API; pinned query counts; the display of
"—" and of the definitions."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import uuid
from collections import defaultdict
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minqing.accounts.models import Role
from minqing.opinions import actions
from minqing.opinions import measures as m
from minqing.opinions.models import (
    Channel,
    Opinion,
    OpinionAssignment,
    OpinionExtension,
    OpinionRating,
    OpinionState,
)
from tests.factories import UserFactory, grant, user_with_role
from tests.opinions.factories import REPLY_TEXT, OpinionFactory, citizen_data, drive, submit

pytestmark = pytest.mark.django_db

API = "/api/v1/opinions/measures/"
NOTE = "已电话联系群众，约定上门查看。"


# --- the dataset ---------------------------------------------------------------------------


def first_of_month(day: dt.date, back: int) -> dt.date:
    y, mo = day.year, day.month - back
    while mo <= 0:
        y, mo = y - 1, mo + 12
    return dt.date(y, mo, 1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def d(base: dt.date, days: int) -> dt.date:
    return base + dt.timedelta(days=days)


def web(world, region, **overrides) -> Opinion:
    """A citizen's web submission in ``region`` (no station)."""
    return actions.opinion_submit(
        data=citizen_data(**overrides),
        region=region,
        channel=Channel.WEB,
        client_token=uuid.uuid4(),
    )


def fresh(opinion: Opinion) -> Opinion:
    opinion.refresh_from_db()
    return opinion


def assignments(opinion: Opinion) -> list[OpinionAssignment]:
    return list(OpinionAssignment.objects.filter(opinion=opinion).order_by("pk"))


def move(assignment: OpinionAssignment, **fields) -> None:
    OpinionAssignment.objects.filter(pk=assignment.pk).update(**fields)


def created(opinion: Opinion, day: dt.date) -> None:
    Opinion.objects.filter(pk=opinion.pk).update(created_at=at(day, 9))


def forward(world, opinion, unit=None, actor=None):
    return actions.opinion_forward(
        actor=actor or world.office, opinion=fresh(opinion), unit=unit or world.unit
    )


def sign(world, opinion, actor=None):
    return actions.opinion_sign(actor=actor or world.unit_staff, opinion=fresh(opinion))


def contact(world, opinion, actor=None):
    return actions.opinion_contact(
        actor=actor or world.unit_staff, opinion=fresh(opinion), method="phone", note=NOTE
    )


def reply(world, opinion, resolution, actor=None):
    return actions.opinion_reply(
        actor=actor or world.unit_staff,
        opinion=fresh(opinion),
        public_text=REPLY_TEXT,
        resolution=resolution,
    )


def rate(opinion, level):
    comment = "问题还没有解决，楼道仍然漏水。" if level == "unsatisfied" else ""
    return actions.opinion_rate(opinion=fresh(opinion), level=level, comment=comment)


def build(world) -> SimpleNamespace:
    """The dataset; see the module docstring. Months: m3 (three months ago) … this one."""
    t = world.tree
    today = timezone.localdate()
    m3, m2, m1 = (first_of_month(today, n) for n in (3, 2, 1))
    o = SimpleNamespace(today=today, start=m3, end=m.month_end(today))

    # o1 江滨街道, 城乡建设: signed, contacted and replied on time, solved, 满意 → closed.
    o.o1 = submit(world)
    forward(world, o.o1), sign(world, o.o1), contact(world, o.o1), reply(world, o.o1, "solved")
    rate(o.o1, "satisfied")
    created(o.o1, d(m3, 2))
    (a,) = assignments(o.o1)
    move(
        a,
        forwarded_at=at(d(m3, 3)),
        sign_due=d(m3, 4),
        signed_at=at(d(m3, 4), 23),  # late evening of the due day: still on time
        contact_due=d(m3, 6),
        contacted_at=at(d(m3, 5)),
        reply_due=d(m3, 20),
        replied_at=at(d(m3, 15)),
    )

    # o2 望江社区, 交通出行: late sign-off, late contact, late partial reply, 不满意 →
    # re-handled (round 2, no new contact), solved on time, 基本满意 → closed.
    o.o2 = web(world, t.wangjiang, category="transport")
    forward(world, o.o2), sign(world, o.o2), contact(world, o.o2), reply(world, o.o2, "partly")
    rate(o.o2, "unsatisfied")
    reply(world, o.o2, "solved")
    rate(o.o2, "basic")
    created(o.o2, d(m2, 1))
    a1, a2 = assignments(o.o2)
    move(
        a1,
        forwarded_at=at(d(m2, 1)),
        sign_due=d(m2, 2),
        signed_at=at(d(m2, 5)),
        contact_due=d(m2, 4),
        contacted_at=at(d(m2, 6)),
        reply_due=d(m2, 10),
        replied_at=at(d(m2, 12)),
    )
    move(
        a2,
        forwarded_at=at(d(m2, 13)),
        sign_due=d(m2, 14),
        signed_at=at(d(m2, 13)),
        contact_due=d(m2, 16),
        reply_due=d(m2, 25),
        replied_at=at(d(m2, 20)),
    )

    # o3 石桥村 (云溪区), 医疗卫生: the district unit sits on it past the contact deadline
    # and returns it; the city unit signs, contacts, gets 5 more days, replies inside the
    # extension (explained), 不满意 → re-handled, replies again, left unrated.
    o.o3 = web(world, t.village, category="health")
    forward(world, o.o3, unit=world.district_unit)
    actions.opinion_return(
        actor=world.district_unit_staff, opinion=fresh(o.o3), reason="该事项属市住建局职责范围"
    )
    forward(world, o.o3), sign(world, o.o3), contact(world, o.o3)
    actions.extension_request(
        actor=world.unit_staff,
        opinion=fresh(o.o3),
        working_days=5,
        reason="需要协调多个部门现场踏勘",
    )
    actions.extension_decide(
        actor=world.office, extension=OpinionExtension.objects.get(opinion=o.o3), approve=True
    )
    reply(world, o.o3, "explained")
    rate(o.o3, "unsatisfied")
    reply(world, o.o3, "explained")
    created(o.o3, d(m2, 2))
    a1, a2, a3 = assignments(o.o3)
    move(
        a1,
        forwarded_at=at(d(m2, 2)),
        sign_due=d(m2, 3),
        contact_due=d(m2, 5),
        reply_due=d(m2, 17),
        returned_at=at(d(m2, 8)),
    )
    move(
        a2,
        forwarded_at=at(d(m2, 9)),
        sign_due=d(m2, 10),
        signed_at=at(d(m2, 9)),
        contact_due=d(m2, 12),
        contacted_at=at(d(m2, 11)),
        reply_due=d(m2, 27),  # moved by the approved extension
        replied_at=at(d(m2, 26)),
    )
    move(
        a3,
        forwarded_at=at(d(m2, 27)),
        sign_due=d(m2, 27),
        signed_at=at(d(m2, 27)),
        contact_due=d(today, 3),
        reply_due=d(today, 10),
    )

    # o4 江滨街道, no category: answered on the spot by the deputy (solved) → closed.
    o.o4 = submit(world, category="")
    actions.opinion_answer(actor=world.deputy_user, opinion=o.o4, public_text=REPLY_TEXT)
    created(o.o4, d(m1, 3))

    # o5 澜州市 itself (本级): declined.
    o.o5 = drive(world, web(world, t.city), OpinionState.DECLINED)
    created(o.o5, d(m1, 4))

    # o6 merged into o7 (a fresh master, received this month).
    o.o6 = drive(world, submit(world), OpinionState.MERGED)
    o.o7 = fresh(o.o6).master
    created(o.o6, d(m1, 5))

    # o8 柳岸社区: received in m2, forwarded in m1, never signed past every deadline.
    o.o8 = web(world, t.liuan)
    forward(world, o.o8)
    created(o.o8, d(m2, 25))
    (a,) = assignments(o.o8)
    move(a, forwarded_at=at(d(m1, 6)), sign_due=d(m1, 7), contact_due=d(m1, 9), reply_due=d(m1, 20))

    # o9 江滨街道: returned by the unit before its contact deadline → in triage.
    o.o9 = submit(world)
    forward(world, o.o9)
    actions.opinion_return(actor=world.unit_staff, opinion=fresh(o.o9), reason="不属于本单位职责")
    created(o.o9, d(m1, 10))
    (a,) = assignments(o.o9)
    move(
        a,
        forwarded_at=at(d(m1, 10)),
        sign_due=d(m1, 11),
        contact_due=d(m1, 13),
        returned_at=at(d(m1, 11)),
    )

    # o10 东湖区 (临川市, outside the city): handled and rated by the far side.
    o.o10 = web(world, t.donghu)
    forward(world, o.o10, unit=world.far_unit, actor=world.far_office)
    sign(world, o.o10, actor=world.far_unit_staff)
    reply(world, o.o10, "solved", actor=world.far_unit_staff)
    rate(o.o10, "satisfied")
    created(o.o10, d(m1, 1))

    # o11 江滨街道, 教育: escalated, then made a deputy's suggestion.
    o.o11 = submit(world, category="education")
    actions.opinion_escalate(actor=world.station_staff, opinion=o.o11)
    actions.opinion_to_suggestion(actor=world.deputy_user, opinion=fresh(o.o11))
    created(o.o11, d(m3, 10))

    # o12 this month: forwarded and signed today, deadlines ahead.
    o.o12 = drive(world, submit(world), OpinionState.HANDLING)

    # o13 received before the period, forwarded inside it: only its handover counts.
    o.o13 = drive(world, submit(world), OpinionState.CLOSED)
    created(o.o13, d(m3, -5))
    (a,) = assignments(o.o13)
    move(
        a,
        forwarded_at=at(d(m3, 1)),
        sign_due=d(m3, 2),
        signed_at=at(d(m3, 1)),
        contact_due=d(m3, 4),
        reply_due=d(m3, 10),
        # 07:00 the day after the deadline is still the deadline's date in UTC: local
        # dates count, so this reply is late.
        replied_at=at(d(m3, 11), 7),
    )
    return o


@pytest.fixture
def data(world):
    return build(world)


# --- the independent recomputation ---------------------------------------------------------


def local(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def recompute(*, scope_path, group_by, start, end, today, parent=None):
    """Every measure from the raw rows, in plain Python, keyed like the rows."""
    parent_path = parent.path if parent else scope_path

    def key(opinion, *, unit_id, when):
        if group_by == "unit":
            return "" if unit_id is None else str(unit_id)
        if group_by == "category":
            return opinion.category
        if group_by == "month":
            return timezone.localtime(when).strftime("%Y-%m")
        rest = opinion.region.path[len(parent_path) :]
        return rest.split("/")[0] or parent.code

    out = defaultdict(lambda: defaultdict(lambda: [0, 0]))

    def add(k, measure, num: bool, den: bool):
        if den:
            out[k][measure][1] += 1
            out[k][measure][0] += int(num)

    for a in OpinionAssignment.objects.select_related("opinion__region"):
        if not a.opinion.region.path.startswith(parent_path):
            continue
        if not start <= local(a.forwarded_at) <= end:
            continue
        k = key(a.opinion, unit_id=a.unit_id, when=a.forwarded_at)
        returned = a.returned_at is not None
        due = (
            a.contacted_at is not None
            or (not returned and a.contact_due < today)
            or (returned and local(a.returned_at) > a.contact_due)
        )
        ok = (
            a.signed_at is not None
            and local(a.signed_at) <= a.sign_due
            and a.contacted_at is not None
            and local(a.contacted_at) <= a.contact_due
        )
        add(k, "response_rate", ok, due)
        replied = a.replied_at is not None
        add(k, "on_time_rate", replied and local(a.replied_at) <= a.reply_due, replied)
        add(k, "return_rate", returned, True)

    for o in Opinion.objects.select_related("region").prefetch_related("replies", "ratings"):
        if not o.region.path.startswith(parent_path) or o.state == OpinionState.MERGED:
            continue
        if not start <= local(o.created_at) <= end:
            continue
        k = key(o, unit_id=o.unit_id, when=o.created_at)
        add(
            k,
            "completion_rate",
            o.state in (OpinionState.CLOSED, OpinionState.SUGGESTION),
            o.state != OpinionState.DECLINED,
        )
        replies = sorted(o.replies.all(), key=lambda r: (r.created_at, r.pk))
        add(
            k,
            "resolution_rate",
            bool(replies) and replies[-1].resolution == "solved",
            bool(replies),
        )
        ratings = list(o.ratings.all())
        add(k, "rehandle_rate", o.rehandle_count > 0, bool(ratings))
        for rating in ratings:
            add(k, "satisfaction_rate", rating.level in ("satisfied", "basic"), True)
    return out


def as_pairs(rows) -> dict:
    return {r.key: {k: [v.numerator, v.denominator] for k, v in r.measures.items()} for r in rows}


def test_every_measure_matches_a_recount_from_the_raw_rows(world, data):
    t = world.tree
    cases = [(world.office, t.city, None), (world.office, t.city, t.binjiang)]
    cases += [(world.office, t.city, t.street), (world.far_office, t.other_city, None)]
    cases += [(world.leader, t.city, t.yunxi)]
    for (user, top, region), group_by in itertools.product(cases, m.GROUP_BYS):
        rows = m.measures(user, group_by=group_by, start=data.start, end=data.end, region=region)
        expected = recompute(
            scope_path=(region or top).path,
            group_by=group_by,
            start=data.start,
            end=data.end,
            today=data.today,
            parent=region or top,
        )
        got = as_pairs(rows)
        for k, measures in expected.items():
            assert k in got, (user, region, group_by, k)
            for measure, pair in measures.items():
                assert got[k][measure] == pair, (user, region, group_by, k, measure)
        for k, measures in got.items():
            for measure, pair in measures.items():
                assert pair == expected.get(k, {}).get(measure, [0, 0]), (region, k, measure)
        assert len({r.key for r in rows}) == len(rows)


def test_totals_are_the_hand_counted_figures(world, data):
    """The dataset's figures, counted by hand from the comments in build()."""
    for group_by in m.GROUP_BYS:
        rows = m.measures(world.office, group_by=group_by, start=data.start, end=data.end)
        got = {k: (v.numerator, v.denominator) for k, v in m.total(rows).measures.items()}
        assert got == {
            # due: o1 o2a1 o2a2 o3a1(returned late) o3a2 o8 o13; on time: o1 o3a2
            "response_rate": (2, 7),
            # final replies: o1 solved, o2 solved, o3 explained, o4 solved (on the spot)
            "resolution_rate": (3, 4),
            # ratings: o1 满意, o2 不满意 + 基本满意, o3 不满意
            "satisfaction_rate": (2, 4),
            # o1 o2 o4 closed, o11 suggestion / 10 received − o5 declined (o6 merged, o13 before)
            "completion_rate": (4, 9),
            # replied: o1 o2a1(late) o2a2 o3a2(within the extension) o3a3 o13(late)
            "on_time_rate": (4, 6),
            # rated o1 o2 o3; re-handled o2 o3
            "rehandle_rate": (2, 3),
            # o3a1 and o9 returned of 10 handovers
            "return_rate": (2, 10),
        }, group_by

    # Region rows: the children of the reader's region, and the region itself (本级).
    t = world.tree
    rows = m.measures(world.office, group_by="region", start=data.start, end=data.end)
    assert [(r.key, r.label) for r in rows] == [
        (t.city.code, "澜州市（本级）"),
        (t.binjiang.code, "滨江区"),
        (t.yunxi.code, "云溪区"),
    ]
    by_key = {r.key: r for r in rows}
    assert by_key[t.city.code].measures["completion_rate"] == m.Ratio(0, 0)  # declined
    assert by_key[t.yunxi.code].measures["return_rate"] == m.Ratio(1, 3)
    rows = m.measures(
        world.office, group_by="region", start=data.start, end=data.end, region=t.street
    )
    assert [r.label for r in rows] == ["江滨街道（本级）", "望江社区", "柳岸社区"]

    # Units that occur (none from outside the scope), those without a unit last.
    rows = m.measures(world.office, group_by="unit", start=data.start, end=data.end)
    labels = [r.label for r in rows]
    assert labels[-1] == "无承办单位" and world.unit.name in labels
    assert world.district_unit.name in labels and world.far_unit.name not in labels
    rows = m.measures(world.office, group_by="category", start=data.start, end=data.end)
    assert [r.label for r in rows] == ["城乡建设", "交通出行", "教育", "医疗卫生与医保", "未分类"]
    rows = m.measures(world.office, group_by="month", start=data.start, end=data.end)
    assert [r.key for r in rows] == m.months_between(data.start, data.end)
    assert len(rows) == 4

    # 满意率 counts every rating: o2's 不满意 stays next to its later 基本满意.
    assert OpinionRating.objects.filter(opinion=data.o2).count() == 2
    rows = m.measures(world.office, group_by="category", start=data.start, end=data.end)
    transport = next(r for r in rows if r.key == "transport")
    assert transport.measures["satisfaction_rate"] == m.Ratio(1, 2)
    assert transport.measures["rehandle_rate"] == m.Ratio(1, 1)
    assert transport.measures["resolution_rate"] == m.Ratio(1, 1)


def test_other_readers_count_their_own_scope(world, data):
    # Without opinions.view_measures: nothing.
    rows = m.measures(world.unit_staff, group_by="unit", start=data.start, end=data.end)
    assert rows == []
    rows = m.measures(world.nobody, group_by="month", start=data.start, end=data.end)
    assert all(v == m.ZERO for r in rows for v in r.measures.values())

    # Grants on several regions: each top region is a row.
    t = world.tree
    user = user_with_role(Role.CONGRESS_STAFF, t.binjiang)
    grant(user, Role.LEADER, t.yunxi)
    grant(user, Role.LEADER, t.street)  # inside 滨江区: folds into it
    assert [r.code for r in m.top_regions(user)] == [t.binjiang.code, t.yunxi.code]
    rows = m.measures(user, group_by="region", start=data.start, end=data.end)
    assert [r.key for r in rows] == [t.binjiang.code, t.yunxi.code]
    office = m.measures(world.office, group_by="region", start=data.start, end=data.end)
    wanted = {r.key: r.measures for r in office if r.key != t.city.code}
    assert {r.key: r.measures for r in rows} == wanted

    # A superuser: the root's children.
    admin = UserFactory(is_superuser=True)
    rows = m.measures(admin, group_by="region", start=data.start, end=data.end)
    assert [r.label for r in rows] == ["澜江省"]
    assert rows[0].measures["satisfaction_rate"] == m.Ratio(3, 5)  # with 临川's 满意


# --- the period and the figures ------------------------------------------------------------


def test_ratio_display():
    assert str(m.Ratio(35, 40)) == "87.5%（35/40）"
    assert str(m.Ratio(0, 0)) == "—" and m.Ratio(0, 0).rate is None
    assert m.Ratio(0, 3).percent == "0.0%"


@pytest.mark.parametrize(
    "start,end,expected",
    [
        ("2026-02", "2026-02", (dt.date(2026, 2, 1), dt.date(2026, 2, 28))),
        ("2024-02-10", "2024-02", (dt.date(2024, 2, 10), dt.date(2024, 2, 29))),
        ("2025-12", "2026-01-15", (dt.date(2025, 12, 1), dt.date(2026, 1, 15))),
    ],
)
def test_parse_period(start, end, expected):
    assert m.parse_period(start, end) == expected


@pytest.mark.parametrize(
    "start,end,field",
    [
        ("2026-13", "", "start"),
        ("26-01", "", "start"),
        ("2026-02-30", "", "start"),
        ("", "9999-12", "end"),
        ("２０２６-01", "", "start"),
        ("2026-05", "2026-04", "end"),
        ("2000-01", "2026-01", "end"),
    ],
)
def test_parse_period_refuses(start, end, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        m.parse_period(start, end)
    assert field in exc.value.message_dict


def test_the_period_bounds_are_local_days(world):
    """An opinion received at 00:30 local time on the 1st (the previous day in UTC)
    belongs to the 1st's month; one at 23:30 on the last day too."""
    start = first_of_month(timezone.localdate(), 2)
    end = m.month_end(start)
    tz = timezone.get_current_timezone()
    for day, time in ((start, dt.time(0, 30)), (end, dt.time(23, 30)), (d(start, -1), dt.time(23))):
        opinion = OpinionFactory(station=world.station)
        Opinion.objects.filter(pk=opinion.pk).update(
            created_at=dt.datetime.combine(day, time, tzinfo=tz)
        )
    rows = m.measures(world.office, group_by="month", start=start, end=end)
    assert [r.measures["completion_rate"] for r in rows] == [m.Ratio(0, 2)]


# --- queries -------------------------------------------------------------------------------


def many(world, n: int) -> None:
    """``n`` bare opinions with a forwarded handover and a reply-less state."""
    for i in range(n):
        opinion = OpinionFactory(station=world.station, category=("urban", "health")[i % 2])
        OpinionAssignment.objects.create(
            opinion=opinion,
            unit=(world.unit, world.district_unit)[i % 2],
            forwarded_at=timezone.now(),
            sign_due=timezone.localdate(),
            contact_due=timezone.localdate(),
            reply_due=timezone.localdate(),
        )


@pytest.mark.parametrize(
    "group_by,expected", [("unit", 3), ("region", 4), ("category", 4), ("month", 3)]
)
def test_measures_take_a_fixed_number_of_queries(
    world, group_by, expected, django_assert_num_queries
):
    start, end = m.default_period()
    office = world.office
    many(world, 3)
    m.top_regions(office)  # the grants, cached on the user like in a request
    with django_assert_num_queries(expected):
        m.measures(office, group_by=group_by, start=start, end=end)
    many(world, 27)
    with django_assert_num_queries(expected):
        rows = m.measures(office, group_by=group_by, start=start, end=end)
    assert m.total(rows).measures["return_rate"].denominator == 30


def test_page_query_count_is_pinned(client, world, django_assert_num_queries):
    client.force_login(world.office)
    url = reverse("opinions:measures")
    many(world, 3)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"group_by": "category"}).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    many(world, 27)
    with django_assert_num_queries(few):
        response = client.get(url, {"group_by": "category"})
    assert "（0/30）" in response.content.decode()  # 回退率 of the 合计 row
    # session, user, grants, region options, category names, the three aggregates
    assert few == 8


# --- the page ------------------------------------------------------------------------------


def page(client, user, **params):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("opinions:measures"), params)


def test_page_permission_matrix(client, world, data):
    t = world.tree
    response = page(client, None)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (world.nobody, world.unit_staff, world.station_staff, world.deputy_user):
        client.logout()
        assert page(client, user).status_code == 403, user
    client.logout()
    assert page(client, world.office).status_code == 200
    assert page(client, world.office, region=t.binjiang.code).status_code == 200
    assert page(client, world.office, region=t.other_city.code).status_code == 404
    assert page(client, world.office, region="000000999").status_code == 404
    client.logout()
    assert page(client, world.leader, group_by="region").status_code == 200
    client.logout()
    assert page(client, world.district_office, region=t.city.code).status_code == 404
    client.logout()
    far = page(client, world.far_office, group_by="unit").content.decode()
    # Out of scope: the far office sees its own city only (临川's unit, not 澜州's).
    assert world.far_unit.name in far and world.unit.name not in far


def test_page_shows_the_table_the_definitions_and_the_charts(client, world, data):
    response = page(client, world.office, group_by="region", start=f"{data.start:%Y-%m}")
    html = response.content.decode()
    for definition in m.DEFINITIONS.values():
        assert str(definition.name) in html
        assert str(definition.numerator) in html  # tooltip and the list below the table
        assert html.count(str(definition.denominator)) >= 2
    assert "28.6%" in html and "（2/7）" in html  # 响应率 of the 合计 row
    assert "vendor/echarts/echarts.min.js" in html and "minqing/js/measures.js" in html
    assert 'id="measures-data"' in html and "measure-definitions" in html
    assert f"region={world.tree.binjiang.code}" in html  # drill down
    chart = json.loads(html.split('id="measures-data" type="application/json">')[1].split("<")[0])
    assert chart["labels"] == ["澜州市（本级）", "滨江区", "云溪区"]
    assert [s["key"] for s in chart["series"]] == list(m.DEFINITIONS)
    assert None in chart["series"][0]["rates"]  # 本级 has no handover: a gap, not 0
    assert 'id="measures-trend"' not in html
    html = page(client, world.office, group_by="month").content.decode()
    assert 'id="measures-trend"' in html  # by month: the trend line too

    # The same table as an Excel download.
    from openpyxl import load_workbook

    response = page(
        client,
        world.office,
        group_by="unit",
        start=f"{data.start:%Y-%m}",
        end=f"{data.end:%Y-%m}",
        format="xlsx",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == "承办单位" and rows[1][1] == "响应率"
    total = rows[-1]
    assert total[0] == "合计" and total[1:4] == (pytest.approx(2 / 7), 2, 7)
    assert "分子" in [c.value for c in book.worksheets[1][1]]


def test_a_zero_denominator_shows_a_dash(client, world):
    html = page(client, world.office, group_by="month").content.decode()
    assert "—" in html and "%（" not in html.split("<tbody>")[1].split("</tbody>")[0]


def test_bad_filters_fall_back_to_the_defaults(client, world):
    response = page(client, world.office, group_by="nonsense", start="2026-99")
    assert response.status_code == 200
    assert "部分筛选条件无效" in response.content.decode()


# --- the API -------------------------------------------------------------------------------


def api(client, user, **params):
    if user is not None:
        client.force_login(user)
    return client.get(API, params)


def test_api_permission_matrix_and_output(client, world, data):
    t = world.tree
    assert api(client, None).status_code == 401
    for user in (world.nobody, world.unit_staff, world.deputy_user):
        client.logout()
        assert api(client, user).status_code == 403
    client.logout()
    assert api(client, world.office).status_code == 200
    assert api(client, world.office, region_code=t.other_city.code).status_code == 404
    assert api(client, world.office, region_code="nope").status_code == 404
    assert api(client, world.office, group_by="week").status_code == 422
    response = api(client, world.office, start="2026-13")
    assert response.status_code == 422 and "start" in response.json()["detail"]
    client.logout()
    body = api(client, world.far_office, group_by="region").json()
    assert [r["label"] for r in body["rows"]] == ["东湖区"]
    assert body["total"]["measures"]["satisfaction_rate"] == {
        "numerator": 1,
        "denominator": 1,
        "rate": 1.0,
    }
    client.logout()
    response = api(
        client,
        world.office,
        group_by="region",
        start=f"{data.start:%Y-%m}",
        end=f"{data.end:%Y-%m-%d}",
        region_code=world.tree.city.code,
    )
    body = response.json()
    assert set(body["definitions"]) == set(m.DEFINITIONS)
    assert body["definitions"]["response_rate"]["name"] == "响应率"
    assert body["definitions"]["return_rate"]["lower_is_better"] is True
    assert [r["key"] for r in body["rows"]] == ["990100", "990102", "990103"]
    total = body["total"]["measures"]
    assert total["response_rate"] == {"numerator": 2, "denominator": 7, "rate": 0.2857}
    assert body["rows"][0]["measures"]["response_rate"]["rate"] is None
    rows = m.measures(world.office, group_by="region", start=data.start, end=data.end)
    for row, out in zip(rows, body["rows"], strict=True):
        assert {k: [v["numerator"], v["denominator"]] for k, v in out["measures"].items()} == {
            k: [v.numerator, v.denominator] for k, v in row.measures.items()
        }
