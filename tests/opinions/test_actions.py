"""Who may take each step of the 民情 loop, what each step records, and the rules
behind the steps (deadlines, merges, returns, idempotency, privacy in the audit log)."""

from __future__ import annotations

import datetime as dt
import uuid
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minqing.core.models import AuditEntry
from minqing.opinions import actions, selectors
from minqing.opinions.models import Opinion, OpinionState
from tests.opinions.factories import REPLY_TEXT, citizen_data, drive, submit

pytestmark = pytest.mark.django_db
S = OpinionState


def _step(world, name, actor, opinion):
    calls = {
        "answer": lambda: actions.opinion_answer(
            actor=actor, opinion=opinion, public_text=REPLY_TEXT
        ),
        "escalate": lambda: actions.opinion_escalate(actor=actor, opinion=opinion),
        "to_suggestion": lambda: actions.opinion_to_suggestion(actor=actor, opinion=opinion),
        "classify": lambda: actions.opinion_classify(
            actor=actor, opinion=opinion, kind="complaint", category="housing"
        ),
        "forward": lambda: actions.opinion_forward(actor=actor, opinion=opinion, unit=world.unit),
        "sign": lambda: actions.opinion_sign(actor=actor, opinion=opinion),
        "reply": lambda: actions.opinion_reply(
            actor=actor, opinion=opinion, public_text=REPLY_TEXT, resolution="partly"
        ),
    }
    return calls[name]()


START = {
    "answer": S.RECEIVED,
    "escalate": S.RECEIVED,
    "to_suggestion": S.RECEIVED,
    "classify": S.RECEIVED,
    "forward": S.RECEIVED,
    "sign": S.FORWARDED,
    "reply": S.HANDLING,
}
MAY = {
    "answer": {"station_staff", "deputy_user", "office", "district_office"},
    "escalate": {"station_staff", "deputy_user", "office", "district_office"},
    "to_suggestion": {"station_staff", "deputy_user", "office", "district_office"},
    "classify": {"office", "district_office"},
    "forward": {"office"},  # the district office cannot see the city unit
    "sign": {"unit_staff"},
    "reply": {"unit_staff"},
}
ACTORS = [
    "office",
    "district_office",
    "far_office",
    "station_staff",
    "unit_staff",
    "district_unit_staff",
    "far_unit_staff",
    "deputy_user",
    "other_deputy_user",
    "leader",
    "nobody",
]


@pytest.mark.parametrize("name", sorted(START))
@pytest.mark.parametrize("who", ACTORS)
def test_permission_matrix(world, name, who):
    opinion = drive(world, submit(world), START[name])
    before = AuditEntry.objects.count()
    if who in MAY[name]:
        _step(world, name, getattr(world, who), opinion)
        assert AuditEntry.objects.count() == before + 1
    else:
        with pytest.raises(PermissionDenied):
            _step(world, name, getattr(world, who), opinion)
        assert AuditEntry.objects.count() == before


def test_visibility_by_role(world):
    opinion = submit(world)
    visible = lambda u: selectors.opinions_visible(u).filter(pk=opinion.pk).exists()  # noqa: E731
    assert visible(world.office) and visible(world.station_staff) and visible(world.deputy_user)
    assert visible(world.leader)
    for outsider in (world.far_office, world.unit_staff, world.other_deputy_user, world.nobody):
        assert not visible(outsider)
    drive(world, opinion, S.FORWARDED)
    assert visible(world.unit_staff) and not visible(world.district_unit_staff)


def test_return_goes_to_the_office_and_the_unit_loses_sight(world):
    opinion = drive(world, submit(world), S.HANDLING)
    actions.opinion_return(
        actor=world.unit_staff, opinion=opinion, reason="应由区城管局负责路灯维护"
    )
    opinion.refresh_from_db()
    assert opinion.state == S.TRIAGE and opinion.unit is None and opinion.reply_due is None
    assert not selectors.opinions_visible(world.unit_staff).filter(pk=opinion.pk).exists()
    assignment = opinion.assignments.get()
    assert assignment.returned_at and "城管局" in assignment.return_reason
    assert selectors.inbox_office(world.office).filter(pk=opinion.pk).exists()


def test_forward_deadlines_skip_national_day(world):
    opinion = submit(world)
    with mock.patch("minqing.opinions.actions._common.today", return_value=dt.date(2026, 9, 30)):
        actions.opinion_forward(actor=world.office, opinion=opinion, unit=world.unit)
    a = Opinion.objects.get(pk=opinion.pk).assignment
    # 2026 National Day: 1–7 October off, Saturday 10 October an adjusted workday.
    assert a.sign_due == dt.date(2026, 10, 8)
    assert a.contact_due == dt.date(2026, 10, 10)
    assert a.reply_due == dt.date(2026, 10, 27)
    assert not a.deadline_provisional


def test_forward_into_an_unloaded_year_is_provisional(world):
    opinion = submit(world)
    with mock.patch("minqing.opinions.actions._common.today", return_value=dt.date(2026, 12, 24)):
        actions.opinion_forward(actor=world.office, opinion=opinion, unit=world.unit)
    assert Opinion.objects.get(pk=opinion.pk).assignment.deadline_provisional


def test_merge_follows_the_master_and_flattens(world):
    first, second, master = submit(world), submit(world), submit(world)
    actions.opinion_merge(actor=world.office, opinion=first, master=second)
    actions.opinion_merge(actor=world.office, opinion=second, master=master)
    first.refresh_from_db()
    assert first.master_id == master.pk
    with pytest.raises(ValidationError):
        actions.opinion_merge(actor=world.office, opinion=master, master=master)
    view = selectors.track_view(first)
    assert view.followed.pk == master.pk


def test_submit_is_idempotent_on_the_client_token(world):
    token = uuid.uuid4()
    one = actions.opinion_submit(data=citizen_data(), station=world.station, client_token=token)
    two = actions.opinion_submit(data=citizen_data(), station=world.station, client_token=token)
    assert one.pk == two.pk and Opinion.objects.count() == 1
    assert AuditEntry.objects.filter(verb="opinion.submit").count() == 1


def test_submit_refuses_bad_fields_in_chinese(world):
    with pytest.raises(ValidationError) as exc:
        actions.opinion_submit(
            data=citizen_data(text="太短", citizen_phone="12345", kind="x", consent=False),
            station=world.station,
        )
    errors = exc.value.message_dict
    assert set(errors) >= {"text", "citizen_phone", "kind", "consent"}
    assert "10" in errors["text"][0] and "手机号码" in errors["citizen_phone"][0]


def test_no_personal_data_in_the_audit_log(world):
    opinion = drive(world, submit(world), S.CLOSED)
    dumped = " ".join(
        f"{e.before} {e.after} {e.note} {e.object_repr}" for e in AuditEntry.objects.all()
    )
    assert opinion.citizen_phone not in dumped and opinion.citizen_name not in dumped


def test_deputy_photo_report(world):
    opinion = actions.opinion_report(
        actor=world.deputy_user,
        data={"text": "滨江路与望江路交叉口井盖缺失，存在安全隐患。", "kind": "report"},
    )
    assert opinion.raised_by_deputy == world.deputy and opinion.station == world.station
    assert opinion.channel == "deputy_photo" and opinion.citizen_phone == ""
    with pytest.raises(PermissionDenied):
        actions.opinion_report(actor=world.station_staff, data={"text": "x" * 20, "kind": "help"})


def test_staff_register_without_phone(world):
    opinion = actions.opinion_register(
        actor=world.station_staff,
        station=world.station,
        channel="letter",
        data=citizen_data(citizen_phone="", consent=False),
    )
    assert opinion.channel == "letter" and opinion.consent_at is None
    with pytest.raises(PermissionDenied):
        actions.opinion_register(
            actor=world.far_office, station=world.station, channel="visit", data=citizen_data()
        )


def test_track_lookup_does_not_tell_codes_apart(world):
    opinion = submit(world)
    assert selectors.track_lookup(opinion.code, "5678") == opinion
    assert selectors.track_lookup(opinion.code.lower(), "5678") == opinion
    assert selectors.track_lookup(opinion.code, "0000") is None
    assert selectors.track_lookup("ABCDEFGHJK", "5678") is None
    assert selectors.track_lookup("", "") is None


def test_meeting_only_for_the_deputy_asked(world):
    from tests.stations.factories import seat

    colleague = seat(world.station).deputy
    opinion = actions.meeting_request(station=world.station, data=citizen_data(), deputy=colleague)
    with pytest.raises(PermissionDenied):
        actions.meeting_decline(actor=world.deputy_user, meeting=opinion.meeting, reason="没时间")
    actions.meeting_decline(actor=world.station_staff, meeting=opinion.meeting, reason="代表出差")


def test_an_office_answer_is_signed_by_the_nearest_congress(world):
    from tests.people.factories import CongressFactory

    CongressFactory(region=world.tree.town)  # 云溪镇人民代表大会; 石桥村 has none
    opinion = actions.opinion_register(
        actor=world.office,
        region=world.tree.village,
        channel="phone",
        data=citizen_data(),
    )
    actions.opinion_answer(actor=world.office, opinion=opinion, public_text=REPLY_TEXT)
    assert opinion.replies.get().responder == "云溪镇人大"
