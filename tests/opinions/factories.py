"""Factories and a small world for the 民情 tests.

``make_world(tree)`` builds one station in 江滨街道 with a deputy who has an account, a
city unit (市住建局) and a district unit, and one user per role, in scope and out.
``drive(world, opinion, to)`` walks an opinion through the real actions to a state,
so tests start from states the workflow can actually reach.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import factory

from minqing.accounts.models import Role
from minqing.opinions import actions
from minqing.opinions.models import Channel, Kind, Opinion, OpinionState
from tests.factories import UserFactory, grant, user_with_role
from tests.people.factories import DeputyFactory, UnitFactory
from tests.stations.factories import StationFactory, seat

VALID_TEXT = "望江社区3号楼前的路灯坏了两个多月，晚上出行很不方便，请尽快修复。"


def citizen_data(**overrides) -> dict:
    data = {
        "text": VALID_TEXT,
        "kind": Kind.HELP,
        "category": "urban",
        "address": "望江社区3号楼",
        "citizen_name": "王秀英",
        "citizen_phone": "13812345678",
        "consent": True,
        "photos": [],
    }
    data.update(overrides)
    return data


def make_world(tree) -> SimpleNamespace:
    station = StationFactory(region=tree.street, name="江滨街道人大代表联络站")
    deputy_user = UserFactory(username="daibiao_t")
    deputy = DeputyFactory(region=tree.street, user=deputy_user)
    seat(station, deputy)
    grant(deputy_user, Role.DEPUTY, tree.street)
    other_deputy_user = UserFactory(username="daibiao_other")
    other_deputy = DeputyFactory(region=tree.town, user=other_deputy_user)
    grant(other_deputy_user, Role.DEPUTY, tree.town)
    unit = UnitFactory(name="澜州市住房和城乡建设局", region=tree.city)
    district_unit = UnitFactory(name="滨江区城市管理局", region=tree.binjiang)
    far_unit = UnitFactory(name="临川市住建局", region=tree.other_city)
    return SimpleNamespace(
        tree=tree,
        station=station,
        deputy=deputy,
        deputy_user=deputy_user,
        other_deputy=other_deputy,
        other_deputy_user=other_deputy_user,
        unit=unit,
        district_unit=district_unit,
        far_unit=far_unit,
        office=user_with_role(Role.CONGRESS_STAFF, tree.city),
        district_office=user_with_role(Role.CONGRESS_STAFF, tree.binjiang),
        far_office=user_with_role(Role.CONGRESS_STAFF, tree.other_city),
        station_staff=user_with_role(Role.STATION_STAFF, station=station),
        unit_staff=user_with_role(Role.UNIT_STAFF, unit=unit),
        district_unit_staff=user_with_role(Role.UNIT_STAFF, unit=district_unit),
        far_unit_staff=user_with_role(Role.UNIT_STAFF, unit=far_unit),
        leader=user_with_role(Role.LEADER, tree.city),
        nobody=UserFactory(),
    )


def submit(world, **overrides) -> Opinion:
    """A citizen's QR submission at the world's station."""
    return actions.opinion_submit(
        data=citizen_data(**overrides),
        station=world.station,
        channel=Channel.QR,
        client_token=uuid.uuid4(),
    )


REPLY_TEXT = "经现场查看，两处路灯线路老化，已于本周更换线路并恢复照明，今后纳入日常巡查。"


def drive(world, opinion: Opinion, to: str) -> Opinion:
    """Walk ``opinion`` from received through the real actions to state ``to``."""
    S = OpinionState
    path = {
        S.RECEIVED: [],
        S.TRIAGE: ["escalate"],
        S.FORWARDED: ["forward"],
        S.HANDLING: ["forward", "sign"],
        S.REPLIED: ["forward", "sign", "reply"],
        S.CLOSED: ["forward", "sign", "reply", "rate_ok"],
        S.MERGED: ["merge"],
        S.DECLINED: ["decline"],
        S.SUGGESTION: ["to_suggestion"],
    }[to]
    for step in path:
        opinion.refresh_from_db()
        if step == "escalate":
            actions.opinion_escalate(actor=world.station_staff, opinion=opinion)
        elif step == "forward":
            actions.opinion_forward(actor=world.office, opinion=opinion, unit=world.unit)
        elif step == "sign":
            actions.opinion_sign(actor=world.unit_staff, opinion=opinion)
        elif step == "reply":
            actions.opinion_reply(
                actor=world.unit_staff, opinion=opinion, public_text=REPLY_TEXT, resolution="solved"
            )
        elif step == "rate_ok":
            actions.opinion_rate(opinion=opinion, level="satisfied")
        elif step == "merge":
            master = submit(world)
            actions.opinion_merge(actor=world.office, opinion=opinion, master=master)
        elif step == "decline":
            actions.opinion_decline(
                actor=world.office,
                opinion=opinion,
                reason="litigation",
                note="该纠纷已进入诉讼程序，请关注法院审理结果。",
            )
        elif step == "to_suggestion":
            actions.opinion_to_suggestion(actor=world.deputy_user, opinion=opinion)
    opinion.refresh_from_db()
    assert opinion.state == to, (opinion.state, to)
    return opinion


class OpinionFactory(factory.django.DjangoModelFactory):
    """A bare received opinion (for list and query-count tests that need many rows)."""

    class Meta:
        model = Opinion

    code = factory.LazyFunction(lambda: __import__("minqing.core.codes").core.codes.generate(10))
    region = factory.LazyAttribute(lambda o: o.station.region if o.station else None)
    station = None
    channel = Channel.QR
    kind = Kind.HELP
    category = "urban"
    text = VALID_TEXT
    citizen_name = "李建国"
    citizen_phone = "13900001111"
