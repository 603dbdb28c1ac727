"""The demo city's 民情 (core/demo/opinions/): opinions in every state, with the rows the
opinion actions would have written, realistic texts, and work in every demo login's inbox."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from functools import lru_cache

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from minqing.accounts.models import User
from minqing.core import codes
from minqing.core.calendar import working_deadline
from minqing.core.config import DEFAULT_CATEGORIES, settings_for
from minqing.core.demo import build_demo
from minqing.core.demo.opinions import SHOWCASE_PHONE, showcase_tracking
from minqing.core.models import AuditEntry, TimelineEvent
from minqing.opinions import actions, selectors
from minqing.opinions.measures import default_period, measures
from minqing.opinions.models import (
    Channel,
    ExtensionState,
    MeetingRequest,
    MeetingState,
    Opinion,
    OpinionAssignment,
    OpinionExtension,
    OpinionRating,
    OpinionReminder,
    OpinionReply,
    OpinionState,
    ReplyKind,
    Satisfaction,
)
from minqing.opinions.states import OPINION_STATES
from minqing.opinions.tasks import SweepReport, sweep
from minqing.people.models import HandlingUnit

pytestmark = pytest.mark.django_db
S = OpinionState
PHONE = re.compile(r"1[3-9]\d{9}")
deadline = lru_cache(maxsize=None)(working_deadline)


@pytest.fixture
def small():
    return build_demo("small")


def _events_by_opinion() -> dict[str, list[TimelineEvent]]:
    ct = ContentType.objects.get_for_model(Opinion)
    out: dict[str, list[TimelineEvent]] = defaultdict(list)
    for e in TimelineEvent.objects.filter(content_type=ct).order_by("created_at", "id"):
        out[e.object_id].append(e)
    return out


def check_every_opinion() -> Counter:
    """The invariants every generated opinion keeps; returns the count per state."""
    events = _events_by_opinion()
    ops = list(
        Opinion.objects.select_related("assignment", "unit", "master", "region", "station")
        .prefetch_related("assignments", "replies__rating", "ratings", "contacts")
        .order_by("pk")
    )
    names = {o.citizen_name for o in ops if o.citizen_name}
    local = timezone.localtime
    for o in ops:
        assert codes.is_valid(o.code, length=10), o.code
        assert 10 <= len(o.text) <= 2000 and "{" not in o.text, o.text
        assert o.kind and o.channel in Channel.values
        timeline = events[str(o.pk)]
        assert timeline, o.code
        assert timeline[0].verb == "receive" and timeline[0].created_at == o.created_at
        assert timeline[-1].to_state == o.state, (o.code, [e.verb for e in timeline])
        state = S.RECEIVED
        for e in timeline:  # every state change is an edge of the table, in order
            assert e.from_state == state, (o.code, e.verb)
            if e.to_state != e.from_state:
                assert OPINION_STATES.verb(e.from_state, e.to_state) == e.verb, (o.code, e.verb)
            state = e.to_state
            if e.public:
                assert not PHONE.search(e.note) and not any(n in e.note for n in names)
        assignments = list(o.assignments.all())
        replies = list(o.replies.all())
        if o.state in (S.FORWARDED, S.HANDLING):
            a = o.assignment
            assert a is not None and a.unit_id == o.unit_id and a.reply_due == o.reply_due
            assert a.returned_at is None and a.replied_at is None
            assert (a.signed_at is None) == (o.state == S.FORWARDED)
        if o.assignment is not None:
            assert o.assignment == assignments[-1]
        if o.state == S.TRIAGE:
            assert o.unit_id is None and o.assignment_id is None and o.reply_due is None
        if o.state == S.REPLIED:
            assert replies and not hasattr(replies[-1], "rating")
            assert replies[-1].assignment == o.assignment and o.closed_at is None
        if o.state in (S.CLOSED, S.DECLINED, S.SUGGESTION):
            assert o.closed_at is not None and o.closed_at >= o.created_at
        if o.state == S.CLOSED:
            last = timeline[-1]
            assert last.verb in ("rate", "answer")
            if last.verb == "answer":
                assert replies[-1].kind == ReplyKind.ON_SPOT and not assignments
            elif last.note == "unrated":
                assert not hasattr(replies[-1], "rating")
            else:
                assert replies[-1].rating.level == o.satisfaction
        if o.state == S.MERGED:
            assert o.master is not None and o.master.state != S.MERGED
            assert o.master.created_at < o.created_at
        else:
            assert o.master_id is None
        if o.state == S.DECLINED:
            assert o.decline_reason and len(o.decline_note) >= 5
        rehandles = sum(e.verb == "rehandle" for e in timeline)
        assert o.rehandle_count == rehandles <= settings_for(o.region)["opinion.rehandle_limit"]
        for a in assignments:  # a re-handling round opens signed, by no one (the rating)
            if a.round > 1:
                assert a.forwarded_by_id is None and a.signed_at == a.forwarded_at
        for r in replies:
            assert r.created_at >= o.created_at and r.responder
            assert r.responder == (r.assignment.unit.name if r.assignment else o.station.name)
        for c in o.contacts.all():
            assert c.assignment.signed_at <= c.contacted_at
        for a in assignments:
            start = local(a.forwarded_at).date()
            assert a.signed_at is None or a.signed_at >= a.forwarded_at
            assert a.sign_due == deadline(start, 1).due
            assert a.contact_due == deadline(start, 3).due
        if o.channel == Channel.DEPUTY_PHOTO:
            assert o.raised_by_deputy_id and not o.citizen_name and not o.citizen_phone
        elif o.citizen_phone:
            assert o.citizen_phone.startswith("1990") and len(o.citizen_phone) == 11
    for a in OpinionAssignment.objects.select_related("opinion"):  # deadlines as the actions
        d = deadline(local(a.forwarded_at).date(), 15).due
        extended = [e for e in a.extensions.all() if e.state == ExtensionState.APPROVED]
        for e in extended:
            assert e.new_due == deadline(e.old_due, e.working_days).due
            d = e.new_due
        assert a.reply_due == d and a.extended_days == sum(e.working_days for e in extended)
    return Counter(o.state for o in ops)


def test_small_has_every_state_and_keeps_the_action_invariants(small):
    states = check_every_opinion()
    assert set(states) == set(S.values)
    assert sum(states.values()) == small.counts["opinions"] == Opinion.objects.count()
    assert small.counts["timeline_events"] == TimelineEvent.objects.count()
    assert set(MeetingRequest.objects.values_list("state", flat=True)) == set(MeetingState.values)
    assert set(OpinionExtension.objects.values_list("state", flat=True)) == set(
        ExtensionState.values
    )
    assert set(OpinionRating.objects.values_list("level", flat=True)) == set(Satisfaction.values)
    assert OpinionAssignment.objects.filter(returned_at__isnull=False).exists()
    assert OpinionReminder.objects.exists()
    channels = set(Opinion.objects.values_list("channel", flat=True))
    assert channels >= {"qr", "web", "visit", "booth", "phone", "letter", "online_day",
                        "deputy_photo"}  # fmt: skip
    # the builder's one audit entry covers the bulk rows (no per-row entries)
    assert AuditEntry.objects.get().after["opinions"] == Opinion.objects.count()


def test_texts_are_varied_and_placed_in_the_demo(small):
    texts = list(Opinion.objects.values_list("text", flat=True))
    assert len(set(texts)) > 0.9 * len(texts)
    joined = "".join(texts)
    for place in ("澜州市", "滨江区", "江滨街道"):
        assert place in joined
    categories = set(Opinion.objects.values_list("category", flat=True)) - {""}
    assert len(categories) >= 12
    assert categories <= {c["code"] for c in DEFAULT_CATEGORIES}
    replies = OpinionReply.objects.all()
    assert all(len(r.public_text) >= 10 and "{" not in r.public_text for r in replies)
    names = set(Opinion.objects.exclude(citizen_name="").values_list("citizen_name", flat=True))
    assert not any(n in r.public_text for r in replies for n in names)


def test_every_demo_login_finds_work(small):
    users = {u.username: u for u in User.objects.all()}
    staff, deputy, office, clerk = (
        users[n] for n in ("lianluoyuan", "daibiao", "renda", "chengban")
    )
    assert selectors.inbox_station(staff).count() >= 3
    assert selectors.inbox_station(deputy).count() >= 3
    assert selectors.open_meetings(deputy).exists()
    triage = selectors.inbox_office(office)
    assert triage.filter(state=S.TRIAGE, assignments__returned_at__isnull=False).exists()
    assert triage.filter(state=S.RECEIVED, station__isnull=True).exists()
    assert selectors.pending_extensions(office).exists()
    assert selectors.overdue(office).count() >= 2
    unit = selectors.inbox_unit(clerk)
    assert unit.filter(state=S.FORWARDED).exists() and unit.filter(state=S.HANDLING).exists()
    assert selectors.overdue(clerk).exists()
    assert selectors.counts_for(clerk)["unit"] == unit.count()


def test_the_showcase_opinion_can_be_tracked_and_rated(small):
    code, last4 = small.tracking
    assert (code, last4) == showcase_tracking()
    assert last4 == SHOWCASE_PHONE[-4:]
    opinion = selectors.track_lookup(code, last4)
    assert opinion is not None and opinion.state == S.REPLIED
    view = selectors.track_view(opinion)
    assert view.can_rate and view.replies
    assert [e.verb for e in view.events][:2] == ["receive", "escalate"]
    assert all(e.public for e in view.events)


def test_the_real_actions_and_the_sweep_carry_the_stories_on(small):
    """The rows are what the actions write: the actions accept them as they are, and the
    hourly sweep finds nothing left to send or close (the builder already did it)."""
    users = {u.username: u for u in User.objects.all()}
    office, clerk, staff, deputy = (
        users[n] for n in ("renda", "chengban", "lianluoyuan", "daibiao")
    )
    assert sweep() == SweepReport(0, 0)

    unit = selectors.inbox_unit(clerk)
    actions.opinion_sign(actor=clerk, opinion=unit.filter(state=S.FORWARDED).first())
    handling = unit.filter(state=S.HANDLING).first()
    actions.opinion_contact(actor=clerk, opinion=handling, method="phone", note="电话联系群众")
    actions.opinion_reply(
        actor=clerk, opinion=handling, public_text="已安排人员现场处理完毕。", resolution="solved"
    )
    extension = selectors.pending_extensions(office).first()
    actions.extension_decide(actor=office, extension=extension, approve=True)
    returned = selectors.inbox_office(office).filter(assignments__returned_at__isnull=False)
    zhujian = HandlingUnit.objects.get(short_name="市住建局")
    actions.opinion_forward(actor=office, opinion=returned.first(), unit=zhujian)
    actions.opinion_answer(
        actor=staff,
        opinion=selectors.inbox_station(staff).first(),
        public_text="代表当场解释了相关政策和办理渠道。",
    )
    meeting = selectors.open_meetings(deputy).first()
    actions.meeting_accept(
        actor=deputy, meeting=meeting, meet_at=timezone.now() + dt.timedelta(days=3)
    )
    code, last4 = small.tracking
    showcase = selectors.track_lookup(code, last4)
    actions.opinion_rate(opinion=showcase, level="unsatisfied", comment="还没开工。")
    showcase.refresh_from_db()
    assert (showcase.state, showcase.rehandle_count) == (S.HANDLING, 1)
    assert check_every_opinion()


def _fingerprint(seed: int) -> tuple[list, list]:
    with transaction.atomic():
        build_demo("small", seed=seed)
        ops = list(Opinion.objects.order_by("code").values_list("code", "text", "citizen_name"))
        timeline = list(
            TimelineEvent.objects.filter(workflow="opinion").values_list("verb", flat=True)
        )
        transaction.set_rollback(True)
    return ops, timeline


def test_same_seed_gives_the_same_opinions():
    first = _fingerprint(20261121)
    assert Opinion.objects.count() == 0  # rolled back
    second = _fingerprint(20261121)
    other = _fingerprint(7)
    assert first == second
    assert first[0]
    assert {c for c, _, _ in other[0]}.isdisjoint({c for c, _, _ in first[0]})


@pytest.mark.slow
def test_city_size_has_a_year_of_every_state():
    result = build_demo("city")

    states = check_every_opinion()
    assert set(states) == set(S.values)
    assert 450 <= result.counts["opinions"] <= 650
    assert states[S.CLOSED] > sum(states.values()) / 2
    office = User.objects.get(username="renda")
    start, end = default_period()
    months = measures(office, group_by="month", start=start, end=end)
    assert len(months) == 12
    assert all(row.measures["completion_rate"].denominator > 0 for row in months)
    assert all(row.measures["satisfaction_rate"].denominator > 0 for row in months[:-1])
    units = measures(office, group_by="unit", start=start, end=end)
    assert len(units) >= 15
    assert result.timings["民情"] < 30
    first = Opinion.objects.order_by("created_at").first().created_at
    assert timezone.localdate() - timezone.localdate(first) > dt.timedelta(days=300)
