"""A small world for the motion and suggestion workflow, and helpers that walk an item
through the real actions.

``make_sworld(tree)`` (fixture ``sw``): the 澜州市 congress with a current term and a
session; deputies with accounts (lead ``sw.lead_user``, co-signer ``sw.co_user``, an
unrelated ``sw.other_deputy_user``) and ten more without accounts (for motions); units
``sw.lead_unit`` (住建局), ``sw.co_unit`` (交通运输局), ``sw.spare_unit`` (城管局) in the
city, ``sw.far_unit`` in 临川市; users: ``office`` (city congress staff),
``district_office`` (滨江区, out of scope for city items), ``far_office``,
``lead_staff``/``co_staff``/``spare_staff``/``far_staff`` (unit staff), ``leader``,
``nobody``.
"""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

from minqing.accounts.models import Role
from minqing.opinions.uploads import clean_attachment
from minqing.suggestions import actions
from minqing.suggestions.models import Suggestion, SuggestionState
from tests.factories import UserFactory, grant, user_with_role
from tests.opinions.helpers import minimal_pdf
from tests.people.factories import CongressFactory, DeputyFactory, TermFactory, UnitFactory

TEXT = {
    "title": "关于加快老旧小区加装电梯的建议",
    "grounds": "我市建成于2000年以前的老旧小区多为六层以下住宅，老年住户上下楼困难，群众反映强烈。",
    "proposal": "建议简化加装电梯审批流程，提高财政补贴标准，由街道牵头协调低层住户意见。",
    "category": "housing",
}
REPLY = (
    "经研究，我局已会同市财政局修订老旧小区加装电梯补贴办法，补贴标准由每台20万元提高到"
    "25万元，并将审批时限压缩至15个工作日。今年计划完成加装电梯120台。"
)


def make_sworld(tree) -> SimpleNamespace:
    congress = CongressFactory(region=tree.city)
    term = TermFactory(congress=congress)
    from minqing.suggestions.models import CongressSession

    session = CongressSession.objects.create(
        congress=congress,
        term=term,
        number=5,
        name="澜州市第十六届人民代表大会第五次会议",
        start_date=dt.date(2026, 1, 10),
        end_date=dt.date(2026, 1, 14),
    )

    def deputy(username: str | None = None):
        user = UserFactory(username=username) if username else None
        d = DeputyFactory(term=term, region=tree.binjiang, user=user)
        if user is not None:
            grant(user, Role.DEPUTY, tree.binjiang)
        return d

    lead = deputy("lead_dep")
    co = deputy("co_dep")
    other = deputy("other_dep")
    more = [deputy() for _ in range(10)]
    lead_unit = UnitFactory(name="澜州市住房和城乡建设局", region=tree.city)
    co_unit = UnitFactory(name="澜州市交通运输局", region=tree.city)
    spare_unit = UnitFactory(name="澜州市城市管理局", region=tree.city)
    far_unit = UnitFactory(name="临川市住建局", region=tree.other_city)
    return SimpleNamespace(
        tree=tree,
        congress=congress,
        term=term,
        session=session,
        lead=lead,
        lead_user=lead.user,
        co=co,
        co_user=co.user,
        other_deputy=other,
        other_deputy_user=other.user,
        more=more,
        lead_unit=lead_unit,
        co_unit=co_unit,
        spare_unit=spare_unit,
        far_unit=far_unit,
        office=user_with_role(Role.CONGRESS_STAFF, tree.city),
        district_office=user_with_role(Role.CONGRESS_STAFF, tree.binjiang),
        far_office=user_with_role(Role.CONGRESS_STAFF, tree.other_city),
        lead_staff=user_with_role(Role.UNIT_STAFF, unit=lead_unit),
        co_staff=user_with_role(Role.UNIT_STAFF, unit=co_unit),
        spare_staff=user_with_role(Role.UNIT_STAFF, unit=spare_unit),
        far_staff=user_with_role(Role.UNIT_STAFF, unit=far_unit),
        leader=user_with_role(Role.LEADER, tree.city),
        nobody=UserFactory(),
    )


def pdf_document(name: str = "答复函.pdf"):
    """A validated PDF, as the reply action takes it."""
    data = io.BytesIO(minimal_pdf())
    data.name = name
    return clean_attachment(data)


def draft(sw, *, kind: str = "suggestion", joint: bool = False, **data) -> Suggestion:
    """A draft by ``sw.lead`` (with ``sw.co`` invited when ``joint``)."""
    return actions.suggestion_create(
        actor=sw.lead_user,
        kind=kind,
        data={**TEXT, **data},
        cosigners=[sw.co] if joint else [],
    )


def drive(sw, suggestion: Suggestion, to: str, *, co_unit: bool = True) -> Suggestion:
    """Walk ``suggestion`` (a draft) through the real actions to state ``to``: joint
    drafts get the co-signer's confirmation; assignment is to ``lead_unit`` with
    ``co_unit`` as co-handler (when ``co_unit``); the reply is class A."""
    S = SuggestionState
    order = [S.SUBMITTED, S.ACCEPTED, S.ASSIGNED, S.REPLIED, S.CLOSED]
    special = {
        S.NOT_ACCEPTED: [S.SUBMITTED],
        S.WITHDRAWN: [],
        S.REHANDLING: [S.SUBMITTED, S.ACCEPTED, S.ASSIGNED, S.REPLIED],
    }
    steps = special.get(to, order[: order.index(to) + 1] if to in order else [])
    for step in steps:
        suggestion.refresh_from_db()
        if step == S.SUBMITTED:
            for signer in suggestion.signers.filter(state="invited"):
                actions.signer_confirm(actor=signer.deputy.user, signer=signer)
            actions.suggestion_submit(actor=sw.lead_user, suggestion=suggestion)
        elif step == S.ACCEPTED:
            actions.suggestion_accept(actor=sw.office, suggestion=suggestion)
        elif step == S.ASSIGNED:
            actions.suggestion_assign(
                actor=sw.office,
                suggestion=suggestion,
                lead_unit=sw.lead_unit,
                co_units=[sw.co_unit] if co_unit else [],
            )
        elif step == S.REPLIED:
            reply_as_lead(sw, suggestion)
        elif step == S.CLOSED:
            reply = suggestion.replies.get(round=suggestion.round)
            actions.suggestion_feedback(
                actor=sw.lead_user, reply=reply, result_level="satisfied", contact_level="satisfied"
            )
    suggestion.refresh_from_db()
    if to == S.NOT_ACCEPTED:
        actions.suggestion_reject(
            actor=sw.office, suggestion=suggestion, reason="personal", note="属于代表个人事项。"
        )
    elif to == S.WITHDRAWN:
        actions.suggestion_withdraw(actor=sw.lead_user, suggestion=suggestion)
    elif to == S.REHANDLING:
        reply = suggestion.replies.get(round=suggestion.round)
        actions.suggestion_feedback(
            actor=sw.lead_user,
            reply=reply,
            result_level="unsatisfied",
            contact_level="basic",
            comment="补贴标准仍然偏低，审批仍需多个部门盖章。",
        )
    suggestion.refresh_from_db()
    assert suggestion.state == to, (suggestion.state, to)
    return suggestion


def lead_part(sw, suggestion: Suggestion):
    return suggestion.assignments.get(unit=sw.lead_unit, state__in=["pending", "accepted"])


def reply_as_lead(sw, suggestion: Suggestion, *, result_class: str = "A", commitments=()):
    """The lead unit signs (if needed), records a contact (if none) and replies."""
    part = suggestion.assignments.exclude(state="removed").get(unit=sw.lead_unit)
    if part.state == "pending":
        actions.assignment_accept(actor=sw.lead_staff, assignment=part)
        part.refresh_from_db()
    if part.contacted_at is None:
        actions.assignment_contact(
            actor=sw.lead_staff,
            assignment=part,
            method="visit",
            note="登门走访领衔代表，听取意见。",
        )
        part.refresh_from_db()
    return actions.suggestion_reply(
        actor=sw.lead_staff,
        assignment=part,
        result_class=result_class,
        text=REPLY,
        signed_by="张局长",
        document=pdf_document(),
        commitments=commitments,
    )
