"""Who may take each step of the motion and suggestion workflow (the permission matrix
of the actions, one audit entry per step), and the rules behind the steps: deadlines,
motion thresholds, joint withdrawal, reassignment only through the office, co-handlers,
separate handling, batch assignment, motion conversion, numbering."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minqing.accounts.models import Role
from minqing.core import actions as core_actions
from minqing.core.models import AuditEntry
from minqing.core.states import InvalidTransition
from minqing.opinions import actions as opinion_actions
from minqing.suggestions import actions, selectors
from minqing.suggestions.actions import unit as unit_actions
from minqing.suggestions.models import (
    Assignment,
    AssignmentBatch,
    Feedback,
    Suggestion,
    SuggestionState,
)
from tests.factories import UserFactory, grant, user_with_role
from tests.opinions.factories import citizen_data
from tests.people.factories import CongressFactory, DeputyFactory, TermFactory
from tests.suggestions.factories import TEXT, draft, drive, pdf_document, reply_as_lead
from tests.suggestions.factories_core import at, item, motion, part, reply, separate

pytestmark = pytest.mark.django_db
S = SuggestionState
D = dt.date
DAY = D(2026, 3, 2)  # a Monday
LATER = D(2026, 6, 1)  # past the feedback deadline of an item replied on DAY
REASON = "加装电梯补贴属于城市管理局的职责范围，申请调整。"


@pytest.fixture(autouse=True)
def _on_day():
    # Tests that need other dates nest at(...) inside: the inner patch wins.
    with at(DAY):
        yield


def audits() -> int:
    return AuditEntry.objects.count()


# ---------------------------------------------------------------- permission matrix

ACTORS = [
    "lead_user",  # the lead deputy
    "co_user",  # a co-signer
    "other_deputy_user",  # a deputy of the same congress, unrelated
    "office",  # city congress staff: the item's office
    "district_office",  # 滨江区 staff: below the city, not the item's office
    "far_office",  # 临川市 staff
    "lead_staff",  # the lead unit's staff
    "co_staff",  # the co-handling unit's staff
    "spare_staff",  # a city unit not on the item
    "far_staff",  # a unit of 临川市
    "leader",  # a city leader (reads, never acts)
    "nobody",  # signed in, no role
]


def _joint(sw, state: str) -> Suggestion:
    return item(sw, state, joint=True)


def _confirmed_draft(sw) -> Suggestion:
    s = draft(sw, joint=True)
    actions.signer_confirm(actor=sw.co_user, signer=s.signers.get(deputy=sw.co))
    return s


def _lead_part(sw, *, accepted: bool = False, contacted: bool = False) -> Assignment:
    a = part(_joint(sw, S.ASSIGNED), sw.lead_unit)
    if accepted:
        actions.assignment_accept(actor=sw.lead_staff, assignment=a)
    if contacted:
        actions.assignment_contact(
            actor=sw.lead_staff, assignment=a, method="visit", note="登门走访领衔代表。"
        )
    a.refresh_from_db()
    return a


def _co_part(sw) -> Assignment:
    a = part(_joint(sw, S.ASSIGNED), sw.co_unit)
    actions.assignment_accept(actor=sw.co_staff, assignment=a)
    a.refresh_from_db()
    return a


def _commitment(sw):
    s = _joint(sw, S.ASSIGNED)
    reply_as_lead(sw, s, result_class="B", commitments=[("年内完成补贴办法修订", D(2026, 12, 31))])
    return s.commitments.get()


def _withdraw_requested(sw):
    s = _joint(sw, S.SUBMITTED)
    actions.suggestion_withdraw(actor=sw.lead_user, suggestion=s)
    return s.signers.get(deputy=sw.co)


def _extension(sw):
    a = _lead_part(sw, accepted=True)
    return actions.extension_request(
        actor=sw.lead_staff,
        assignment=a,
        new_due=a.reply_due + dt.timedelta(days=30),
        reason="需会同财政部门测算补贴资金。",
    )


def _later(fn):
    with at(LATER):
        return fn()


@dataclass
class Step:
    setup: Callable[[Any], Any]
    call: Callable[[Any, Any, Any], Any]
    may: set[str]


LEAD_OR_OFFICE = {"lead_user", "office"}
STEPS: dict[str, Step] = {
    # Deputies (the office enters paper items for them: 代录).
    "create": Step(
        lambda sw: None,
        lambda sw, a, _x: actions.suggestion_create(
            actor=a, kind="suggestion", data=TEXT, lead_deputy=sw.lead
        ),
        LEAD_OR_OFFICE,
    ),
    "update": Step(
        lambda sw: draft(sw, joint=True),
        lambda sw, a, s: actions.suggestion_update(
            actor=a, suggestion=s, data={"title": "关于老旧小区加装电梯的建议（修改稿）"}
        ),
        LEAD_OR_OFFICE,
    ),
    "invite": Step(
        lambda sw: draft(sw, joint=True),
        lambda sw, a, s: actions.suggestion_invite(actor=a, suggestion=s, deputies=[sw.more[0]]),
        LEAD_OR_OFFICE,
    ),
    "signer_confirm": Step(
        lambda sw: draft(sw, joint=True).signers.get(deputy=sw.co),
        lambda sw, a, signer: actions.signer_confirm(actor=a, signer=signer),
        {"co_user"},
    ),
    "signer_decline": Step(
        lambda sw: draft(sw, joint=True).signers.get(deputy=sw.co),
        lambda sw, a, signer: actions.signer_decline(actor=a, signer=signer),
        {"co_user"},
    ),
    "submit": Step(
        _confirmed_draft,
        lambda sw, a, s: actions.suggestion_submit(actor=a, suggestion=s),
        LEAD_OR_OFFICE,
    ),
    "withdraw": Step(
        lambda sw: _joint(sw, S.SUBMITTED),
        lambda sw, a, s: actions.suggestion_withdraw(actor=a, suggestion=s, reason="已另行反映"),
        {"lead_user"},
    ),
    "signer_agree_withdraw": Step(
        _withdraw_requested,
        lambda sw, a, signer: actions.signer_agree_withdraw(actor=a, signer=signer),
        {"co_user"},
    ),
    "signer_refuse_withdraw": Step(
        _withdraw_requested,
        lambda sw, a, signer: actions.signer_refuse_withdraw(actor=a, signer=signer),
        {"co_user"},
    ),
    "feedback": Step(
        lambda sw: _joint(sw, S.REPLIED).replies.get(),
        lambda sw, a, r: actions.suggestion_feedback(
            actor=a, reply=r, result_level="basic", contact_level="satisfied"
        ),
        LEAD_OR_OFFICE,
    ),
    # The office.
    "accept": Step(
        lambda sw: _joint(sw, S.SUBMITTED),
        lambda sw, a, s: actions.suggestion_accept(actor=a, suggestion=s),
        {"office"},
    ),
    "reject": Step(
        lambda sw: _joint(sw, S.SUBMITTED),
        lambda sw, a, s: actions.suggestion_reject(
            actor=a, suggestion=s, reason="litigation", note="该事项已进入诉讼程序。"
        ),
        {"office"},
    ),
    "motion_decide": Step(
        lambda sw: item(sw, "motion_submitted"),
        lambda sw, a, m: actions.motion_decide(actor=a, suggestion=m, decision="not_placed"),
        {"office"},
    ),
    "assign": Step(
        lambda sw: _joint(sw, S.ACCEPTED),
        lambda sw, a, s: actions.suggestion_assign(
            actor=a, suggestion=s, lead_unit=sw.lead_unit, co_units=[sw.co_unit]
        ),
        {"office"},
    ),
    "reassign_decide": Step(
        lambda sw: actions.reassign_request(
            actor=sw.lead_staff, assignment=_lead_part(sw), reason=REASON
        ),
        lambda sw, a, r: actions.reassign_decide(
            actor=a, request=r, approve=True, new_unit=sw.spare_unit
        ),
        {"office"},
    ),
    "extension_decide": Step(
        _extension,
        lambda sw, a, e: actions.extension_decide(actor=a, extension=e, approve=True),
        {"office"},
    ),
    "supervise": Step(
        lambda sw: _joint(sw, S.ASSIGNED),
        lambda sw, a, s: actions.suggestion_supervise(
            actor=a, suggestion=s, kind="lead", leader="王副市长", user=sw.leader
        ),
        {"office"},
    ),
    "close": Step(
        lambda sw: _joint(sw, S.REPLIED),
        lambda sw, a, s: _later(lambda: actions.suggestion_close(actor=a, suggestion=s)),
        {"office"},
    ),
    # The units.
    "assignment_accept": Step(
        lambda sw: _lead_part(sw),
        lambda sw, a, p: actions.assignment_accept(actor=a, assignment=p),
        {"lead_staff"},
    ),
    "reassign_request": Step(
        lambda sw: _lead_part(sw),
        lambda sw, a, p: actions.reassign_request(
            actor=a, assignment=p, reason=REASON, suggested_unit=sw.spare_unit
        ),
        {"lead_staff"},
    ),
    "cohandler_view": Step(
        _co_part,
        lambda sw, a, p: actions.cohandler_view(
            actor=a, assignment=p, text="建议同步优化公交站点设置，方便老年人出行。"
        ),
        {"co_staff"},
    ),
    "contact": Step(
        lambda sw: _lead_part(sw, accepted=True),
        lambda sw, a, p: actions.assignment_contact(
            actor=a, assignment=p, method="phone", note="电话联系领衔代表。"
        ),
        {"lead_staff"},
    ),
    "reply": Step(
        lambda sw: _lead_part(sw, accepted=True, contacted=True),
        lambda sw, a, p: actions.suggestion_reply(
            actor=a,
            assignment=p,
            result_class="C",
            text="该事项涉及规划调整，因条件限制需待以后解决，我局将持续跟踪。",
            signed_by="张局长",
            document=pdf_document(),
        ),
        {"lead_staff"},
    ),
    "extension_request": Step(
        lambda sw: _lead_part(sw, accepted=True),
        lambda sw, a, p: actions.extension_request(
            actor=a,
            assignment=p,
            new_due=p.reply_due + dt.timedelta(days=30),
            reason="需会同财政部门测算补贴资金。",
        ),
        {"lead_staff"},
    ),
    "commitment_progress": Step(
        _commitment,
        lambda sw, a, c: actions.commitment_progress(
            actor=a, commitment=c, note="补贴办法已完成征求意见。", percent=60
        ),
        {"lead_staff"},
    ),
    "commitment_fulfil": Step(
        _commitment,
        lambda sw, a, c: actions.commitment_fulfil(
            actor=a, commitment=c, note="补贴办法已印发实施。"
        ),
        {"lead_staff"},
    ),
}


@pytest.mark.parametrize("name", sorted(STEPS))
def test_permission_matrix(sw, name):
    """Every actor tries the step: those who may take it succeed with one audit entry
    (each on a fresh object); everyone else gets PermissionDenied and leaves no trace."""
    step = STEPS[name]
    shared = step.setup(sw)
    problems = []
    for who in ACTORS:
        allowed = who in step.may
        target = step.setup(sw) if allowed else shared
        before = audits()
        try:
            step.call(sw, getattr(sw, who), target)
        except PermissionDenied:
            if allowed:
                problems.append(f"{who}: refused")
        except (ValidationError, InvalidTransition) as exc:
            problems.append(f"{who}: {type(exc).__name__} {exc}")
        else:
            if not allowed:
                problems.append(f"{who}: allowed")
                shared = step.setup(sw)
                continue
        delta = audits() - before
        if delta != (1 if allowed else 0):
            problems.append(f"{who}: {delta} audit entries")
    assert not problems, problems


def test_the_matrix_covers_every_workflow_action():
    from minqing.suggestions import actions as package

    # Every action the package exports, except the system's and the sessions' (their own
    # tests) — whichever module it lives in.
    every = {
        name
        for name in package.__all__
        if hasattr(getattr(package, name), "__wrapped__")
        and name
        not in {
            "suggestion_close_unrated",
            "commitments_carry_over",
            "suggestion_remind",
            "session_create",
            "session_update",
        }
    }
    full = {
        "create": "suggestion_create",
        "update": "suggestion_update",
        "invite": "suggestion_invite",
        "submit": "suggestion_submit",
        "withdraw": "suggestion_withdraw",
        "feedback": "suggestion_feedback",
        "accept": "suggestion_accept",
        "reject": "suggestion_reject",
        "assign": "suggestion_assign",
        "supervise": "suggestion_supervise",
        "close": "suggestion_close",
        "contact": "assignment_contact",
        "reply": "suggestion_reply",
    }
    covered = {full.get(n, n) for n in STEPS}
    assert every - covered == {"suggestions_assign_batch"}  # test_batch_* below
    assert covered <= every


def test_who_sees_an_item(sw):
    public = _joint(sw, S.ASSIGNED)
    secret = item(sw, S.ASSIGNED)
    Suggestion.objects.filter(pk=secret.pk).update(disclosure="secret")
    secret.refresh_from_db()
    sees = {
        who: {
            s.pk
            for s in selectors.suggestions_visible(getattr(sw, who)).filter(
                pk__in=[public.pk, secret.pk]
            )
        }
        for who in ACTORS
    }
    both, only_public = {public.pk, secret.pk}, {public.pk}
    assert sees == {
        "lead_user": both,
        "co_user": only_public,  # signed the joint one only
        "other_deputy_user": only_public,  # published items
        "office": both,
        "district_office": set(),
        "far_office": set(),
        "lead_staff": both,
        "co_staff": both,
        "spare_staff": set(),
        "far_staff": set(),
        "leader": both,
        "nobody": set(),
    }
    # A co-handler sees only its own part; the lead unit also the co-handlers'.
    view = selectors.detail_for(sw.co_staff, secret)
    assert [a.unit_id for a in view.assignments] == [sw.co_unit.pk]
    reply_as_lead(sw, secret)
    assert selectors.detail_for(sw.co_staff, secret).replies == []
    lead_view = selectors.detail_for(sw.lead_staff, secret)
    assert {a.unit_id for a in lead_view.assignments} == {sw.lead_unit.pk, sw.co_unit.pk}


# ---------------------------------------------------------------- deadlines


def test_assign_due_counts_from_the_session_close_or_from_today(sw):
    with at(D(2026, 1, 12)):  # during the session (10–14 January)
        during = draft(sw, session=sw.session)
        actions.suggestion_submit(actor=sw.lead_user, suggestion=during)
    with at(D(2026, 2, 10)):  # after the session: from today, over the Spring Festival
        late = draft(sw, session=sw.session)
        actions.suggestion_submit(actor=sw.lead_user, suggestion=late)
    with at(D(2026, 9, 30)):  # between sessions: from today, over National Day
        interim = draft(sw)
        actions.suggestion_submit(actor=sw.lead_user, suggestion=interim)
    during.refresh_from_db(), late.refresh_from_db(), interim.refresh_from_db()
    assert (during.timing, during.year, during.assign_due) == ("session", 2026, D(2026, 1, 23))
    # 02-11 … 02-13, Saturday 02-14 (worked), then 02-24 … 02-26 after the holiday.
    assert late.assign_due == D(2026, 2, 26)
    assert (interim.timing, interim.assign_due) == ("interim", D(2026, 10, 15))
    assert not (during.deadline_provisional or late.deadline_provisional)


def test_assignment_deadlines_over_national_day_and_into_an_unloaded_year(sw):
    with at(D(2026, 9, 30)):
        s = item(sw, S.ASSIGNED)
    lead, co = part(s, sw.lead_unit), part(s, sw.co_unit)
    # 7 working days: 10-08, 10-09, 10-10 (Saturday, worked), 10-12 … 10-15.
    assert lead.reassign_due == co.reassign_due == D(2026, 10, 15)
    assert lead.reply_due == lead.reply_due_original == D(2026, 12, 30)  # 3 months
    assert (lead.view_due, co.view_due) == (None, D(2026, 10, 30))  # co-handlers: 1 month
    assert not lead.deadline_provisional
    with at(D(2026, 11, 2)):
        later = item(sw, S.ASSIGNED, co_unit=False)
    lead = part(later, sw.lead_unit)
    assert lead.reply_due == D(2027, 2, 2) and lead.deadline_provisional  # 2027 not loaded


def test_reassignment_window_is_seven_working_days_and_the_office_has_ten(sw):
    with at(D(2026, 9, 30)):
        on_time, too_late = item(sw, S.ASSIGNED), item(sw, S.ASSIGNED)
    with at(D(2026, 10, 15)):  # the last day
        request = actions.reassign_request(
            actor=sw.lead_staff, assignment=part(on_time, sw.lead_unit), reason=REASON
        )
    # 10 working days from 10-15: 10-16, 10-19 … 10-23, 10-26 … 10-29.
    assert request.decide_due == D(2026, 10, 29)
    with at(D(2026, 10, 16)):
        before = audits()
        with pytest.raises(ValidationError, match="2026-10-15"):
            actions.reassign_request(
                actor=sw.lead_staff, assignment=part(too_late, sw.lead_unit), reason=REASON
            )
        assert audits() == before
    assert part(too_late, sw.lead_unit).state == "pending"


def test_extension_is_capped_at_six_months_after_assignment(sw):
    with at(D(2026, 9, 30)):
        s = item(sw, S.ASSIGNED, co_unit=False)
    lead = part(s, sw.lead_unit)
    with at(D(2026, 11, 2)):
        actions.assignment_accept(actor=sw.lead_staff, assignment=lead)
        lead.refresh_from_db()
        ask = lambda due: actions.extension_request(  # noqa: E731
            actor=sw.lead_staff, assignment=lead, new_due=due, reason="需市政府常务会议审议。"
        )
        with pytest.raises(ValidationError, match="2027-03-30"):
            ask(D(2027, 3, 31))
        with pytest.raises(ValidationError):
            ask(D(2026, 12, 30))  # not later than the current deadline
        extension = ask(D(2027, 3, 30))
        with pytest.raises(ValidationError):
            ask(D(2027, 2, 1))  # one pending request at a time
    with at(D(2026, 11, 5)):
        actions.extension_decide(actor=sw.office, extension=extension, approve=True)
    lead.refresh_from_db()
    assert (lead.reply_due, lead.reply_due_original) == (D(2027, 3, 30), D(2026, 12, 30))
    with at(D(2026, 11, 6)), pytest.raises(ValidationError):
        ask(D(2027, 4, 30))


def test_feedback_is_due_in_fifteen_working_days_and_rehandling_in_one_month(sw):
    with at(D(2026, 9, 30)):
        s = item(sw, S.REPLIED, co_unit=False)
    # 15 working days from 09-30: 10-08, 10-09, 10-10 (worked), 10-12 … 10-27.
    assert s.feedback_due == D(2026, 10, 27)
    with at(D(2026, 10, 27)), pytest.raises(ValidationError):
        actions.suggestion_close(actor=sw.office, suggestion=s)  # not before the deadline
    with at(D(2026, 10, 20)):
        actions.suggestion_feedback(
            actor=sw.lead_user,
            reply=s.replies.get(),
            result_level="unsatisfied",
            contact_level="basic",
            comment="补贴标准仍然偏低。",
        )
    s.refresh_from_db()
    lead = part(s, sw.lead_unit)
    assert (s.state, s.round, s.feedback_due) == (S.REHANDLING, 2, None)
    assert (lead.state, lead.reply_due, lead.on_time) == ("accepted", D(2026, 11, 20), None)
    with at(D(2026, 11, 23)):  # late
        reply_as_lead(sw, s)
    lead.refresh_from_db()
    s.refresh_from_db()
    assert lead.on_time is False and s.feedback_due == D(2026, 12, 14)
    # Re-handled once (suggestion.rehandle_limit): a second 不满意 closes it.
    with at(D(2026, 11, 24)):
        actions.suggestion_feedback(
            actor=sw.lead_user,
            reply=s.replies.get(round=2),
            result_level="unsatisfied",
            contact_level="basic",
            comment="仍未解决。",
        )
    s.refresh_from_db()
    assert (s.state, s.satisfaction) == (S.CLOSED, "unsatisfied")


# ---------------------------------------------------------------- motion thresholds


def _deputies(term, n: int) -> list:
    return [DeputyFactory(term=term) for _ in range(n)]


def test_motion_threshold_city_level_is_ten(sw):
    m = motion(sw, signers=8)
    with pytest.raises(ValidationError, match="10"):
        actions.suggestion_submit(actor=sw.lead_user, suggestion=m)
    actions.suggestion_invite(actor=sw.office, suggestion=m, deputies=[sw.more[8]])
    actions.suggestion_submit(actor=sw.lead_user, suggestion=m)
    assert Suggestion.objects.get(pk=m.pk).state == S.SUBMITTED


@pytest.mark.parametrize(
    ("where", "need"), [("town", 5), ("nation", 30)], ids=["township-5", "national-30"]
)
def test_motion_threshold_by_level(sw, where, need):
    region = getattr(sw.tree, where)
    term = TermFactory(congress=CongressFactory(region=region))
    office = user_with_role(Role.CONGRESS_STAFF, region)
    lead, *others = _deputies(term, need)
    m = actions.suggestion_create(
        actor=office, kind="motion", data=TEXT, lead_deputy=lead, cosigners=others[:-1]
    )
    with pytest.raises(ValidationError, match=str(need)):
        actions.suggestion_submit(actor=office, suggestion=m)
    actions.suggestion_invite(actor=office, suggestion=m, deputies=others[-1:])
    actions.suggestion_submit(actor=office, suggestion=m)
    m.refresh_from_db()
    assert (m.state, m.number) == (S.SUBMITTED, 1)


def test_motion_threshold_region_override(sw):
    core_actions.region_setting_set(
        actor=sw.office, region=sw.tree.city, key="motion.min_signers", value=3
    )
    m = motion(sw, signers=1)
    with pytest.raises(ValidationError, match="3"):
        actions.suggestion_submit(actor=sw.lead_user, suggestion=m)
    actions.suggestion_invite(actor=sw.office, suggestion=m, deputies=[sw.more[1]])
    actions.suggestion_submit(actor=sw.lead_user, suggestion=m)
    assert Suggestion.objects.get(pk=m.pk).state == S.SUBMITTED


@pytest.mark.parametrize(("paper", "ok"), [(7, False), (8, True)])
def test_motion_threshold_counts_confirmed_signers_only(sw, paper, ok):
    m = actions.suggestion_create(
        actor=sw.lead_user, kind="motion", data=TEXT, cosigners=[sw.co, sw.other_deputy]
    )
    actions.suggestion_invite(actor=sw.office, suggestion=m, deputies=sw.more[:paper])
    actions.signer_confirm(actor=sw.co_user, signer=m.signers.get(deputy=sw.co))
    with pytest.raises(ValidationError, match="尚未确认"):  # an invitation still open
        actions.suggestion_submit(actor=sw.lead_user, suggestion=m)
    actions.signer_decline(actor=sw.other_deputy_user, signer=m.signers.get(deputy=sw.other_deputy))
    # lead + co + paper signatures; the declined deputy does not count.
    if ok:
        actions.suggestion_submit(actor=sw.lead_user, suggestion=m)
        assert Suggestion.objects.get(pk=m.pk).state == S.SUBMITTED
    else:
        with pytest.raises(ValidationError, match="目前只有 9 名"):
            actions.suggestion_submit(actor=sw.lead_user, suggestion=m)


# ---------------------------------------------------------------- joint withdrawal


def _joint_three(sw, state: str = S.SUBMITTED, *, decline_other: bool = False) -> Suggestion:
    """A suggestion by the lead with co and other as co-signers (other declines when
    ``decline_other``), driven to ``state``."""
    s = actions.suggestion_create(
        actor=sw.lead_user, kind="suggestion", data=TEXT, cosigners=[sw.co, sw.other_deputy]
    )
    other = s.signers.get(deputy=sw.other_deputy)
    if decline_other:
        actions.signer_decline(actor=sw.other_deputy_user, signer=other)
    else:
        actions.signer_confirm(actor=sw.other_deputy_user, signer=other)
    return drive(sw, s, state)


def test_joint_withdrawal_needs_every_confirmed_signer(sw):
    s = _joint_three(sw)
    before = audits()
    actions.suggestion_withdraw(actor=sw.lead_user, suggestion=s, reason="已另行反映")
    s.refresh_from_db()
    assert s.state == S.SUBMITTED and s.withdraw_requested_at is not None
    assert [x.suggestion_id for x in selectors.withdraw_requests(sw.co_user)] == [s.pk]
    with pytest.raises(ValidationError):
        actions.suggestion_withdraw(actor=sw.lead_user, suggestion=s)  # already asked
    co, other = s.signers.get(deputy=sw.co), s.signers.get(deputy=sw.other_deputy)
    actions.signer_agree_withdraw(actor=sw.co_user, signer=co)
    assert Suggestion.objects.get(pk=s.pk).state == S.SUBMITTED
    with pytest.raises(ValidationError):
        actions.signer_agree_withdraw(actor=sw.co_user, signer=co)  # once
    actions.signer_agree_withdraw(actor=sw.other_deputy_user, signer=other)
    assert Suggestion.objects.get(pk=s.pk).state == S.WITHDRAWN
    assert audits() - before == 3


def test_a_refusal_cancels_the_joint_withdrawal(sw):
    s = _joint_three(sw, S.ACCEPTED)
    actions.suggestion_withdraw(actor=sw.lead_user, suggestion=s)
    co, other = s.signers.get(deputy=sw.co), s.signers.get(deputy=sw.other_deputy)
    actions.signer_agree_withdraw(actor=sw.co_user, signer=co)
    actions.signer_refuse_withdraw(actor=sw.other_deputy_user, signer=other, reason="问题仍未解决")
    s.refresh_from_db()
    assert s.state == S.ACCEPTED and s.withdraw_requested_at is None
    assert not s.signers.filter(withdraw_agreed_at__isnull=False).exists()
    with pytest.raises(ValidationError, match="没有申请撤回"):
        actions.signer_agree_withdraw(actor=sw.co_user, signer=co)
    # The lead may ask again; everyone must agree afresh.
    actions.suggestion_withdraw(actor=sw.lead_user, suggestion=s)
    actions.signer_agree_withdraw(actor=sw.co_user, signer=co)
    assert Suggestion.objects.get(pk=s.pk).state == S.ACCEPTED
    actions.signer_agree_withdraw(actor=sw.other_deputy_user, signer=other)
    assert Suggestion.objects.get(pk=s.pk).state == S.WITHDRAWN


def test_withdrawal_is_impossible_after_assignment(sw):
    s = _joint_three(sw, S.ACCEPTED)
    actions.suggestion_withdraw(actor=sw.lead_user, suggestion=s)
    actions.suggestion_assign(actor=sw.office, suggestion=s, lead_unit=sw.lead_unit)
    alone = item(sw, S.ASSIGNED)
    before = audits()
    with pytest.raises(ValidationError, match="交办以后不能撤回"):
        actions.signer_agree_withdraw(actor=sw.co_user, signer=s.signers.get(deputy=sw.co))
    with pytest.raises(ValidationError, match="交办以后不能撤回"):
        actions.suggestion_withdraw(actor=sw.lead_user, suggestion=alone)
    assert audits() == before
    assert Suggestion.objects.get(pk=s.pk).state == S.ASSIGNED
    assert selectors.withdraw_requests(sw.co_user).count() == 0


def test_a_declined_signer_is_not_asked(sw):
    s = _joint_three(sw, decline_other=True)
    actions.suggestion_withdraw(actor=sw.lead_user, suggestion=s)
    assert selectors.withdraw_requests(sw.other_deputy_user).count() == 0
    actions.signer_agree_withdraw(actor=sw.co_user, signer=s.signers.get(deputy=sw.co))
    assert Suggestion.objects.get(pk=s.pk).state == S.WITHDRAWN


def test_a_declined_signer_cannot_cancel_the_withdrawal(sw):
    s = _joint_three(sw, decline_other=True)
    actions.suggestion_withdraw(actor=sw.lead_user, suggestion=s)
    with pytest.raises((PermissionDenied, ValidationError)):
        actions.signer_refuse_withdraw(
            actor=sw.other_deputy_user, signer=s.signers.get(deputy=sw.other_deputy)
        )


# ---------------------------------------------------------------- units


def test_a_unit_never_passes_an_item_on_itself(sw):
    # No unit action takes a unit to hand over to, except the advisory suggested_unit.
    targets = {
        (name, param)
        for name in unit_actions.__all__
        for param, spec in inspect.signature(getattr(unit_actions, name)).parameters.items()
        if "HandlingUnit" in str(spec.annotation)
    }
    assert targets == {("reassign_request", "suggested_unit")}
    s = item(sw, S.ASSIGNED)
    lead = part(s, sw.lead_unit)
    request = actions.reassign_request(
        actor=sw.lead_staff, assignment=lead, reason=REASON, suggested_unit=sw.spare_unit
    )
    lead.refresh_from_db()
    # The unit keeps the item until the office decides; the suggested unit has nothing.
    assert (lead.state, lead.unit_id) == ("reassigning", sw.lead_unit.pk)
    assert not s.assignments.filter(unit=sw.spare_unit).exists()
    assert not selectors.suggestions_visible(sw.spare_staff).filter(pk=s.pk).exists()
    assert selectors.unit_inbox(sw.lead_staff).filter(pk=lead.pk).exists()
    for step in (
        lambda: actions.reassign_decide(
            actor=sw.lead_staff, request=request, approve=True, new_unit=sw.spare_unit
        ),
        lambda: actions.suggestion_assign(
            actor=sw.lead_staff, suggestion=s, lead_unit=sw.spare_unit
        ),
        lambda: actions.reassign_decide(
            actor=sw.spare_staff, request=request, approve=True, new_unit=sw.spare_unit
        ),
    ):
        with pytest.raises(PermissionDenied):
            step()
    # The office refuses: the unit must handle it.
    with pytest.raises(ValidationError):
        actions.reassign_decide(actor=sw.office, request=request, approve=False)  # needs a note
    actions.reassign_decide(
        actor=sw.office, request=request, approve=False, note="属于住建局职责，请继续办理。"
    )
    lead.refresh_from_db()
    assert (lead.state, lead.unit_id) == ("accepted", sw.lead_unit.pk)
    assert lead.accepted_at is not None


def test_an_approved_reassignment_moves_the_part_with_its_role(sw):
    s = item(sw, S.ASSIGNED)
    co = part(s, sw.co_unit)
    request = actions.reassign_request(actor=sw.co_staff, assignment=co, reason=REASON)
    with pytest.raises(ValidationError):  # already on the item
        actions.reassign_decide(
            actor=sw.office, request=request, approve=True, new_unit=sw.lead_unit
        )
    with pytest.raises(ValidationError):  # not a unit of this congress's scope
        actions.reassign_decide(
            actor=sw.office, request=request, approve=True, new_unit=sw.far_unit
        )
    actions.reassign_decide(actor=sw.office, request=request, approve=True, new_unit=sw.spare_unit)
    co.refresh_from_db()
    new = part(s, sw.spare_unit)
    assert co.state == "removed" and new.role == "co" and new.state == "pending"
    assert not selectors.suggestions_visible(sw.co_staff).filter(pk=s.pk).exists()
    assert selectors.suggestions_visible(sw.spare_staff).filter(pk=s.pk).exists()


def test_a_co_handler_cannot_reply(sw):
    s = item(sw, S.ASSIGNED)
    co = part(s, sw.co_unit)
    actions.assignment_accept(actor=sw.co_staff, assignment=co)
    actions.assignment_contact(
        actor=sw.co_staff, assignment=co, method="phone", note="电话联系领衔代表。"
    )
    co.refresh_from_db()
    before = audits()
    with pytest.raises(ValidationError, match="会办单位不直接答复"):
        reply(sw, co)
    with pytest.raises(ValidationError):
        actions.extension_request(
            actor=sw.co_staff,
            assignment=co,
            new_due=co.reply_due + dt.timedelta(days=10),
            reason="需会同财政部门测算补贴资金。",
        )
    assert audits() == before and s.replies.count() == 0
    # The lead unit may not send a co-handler's view either.
    lead = part(s, sw.lead_unit)
    actions.assignment_accept(actor=sw.lead_staff, assignment=lead)
    with pytest.raises(ValidationError):
        actions.cohandler_view(actor=sw.lead_staff, assignment=lead, text="主办单位的意见。" * 3)


def test_a_reply_needs_a_contact_a_pdf_and_commitments_for_class_b(sw):
    s = item(sw, S.ASSIGNED, co_unit=False)
    lead = part(s, sw.lead_unit)
    actions.assignment_accept(actor=sw.lead_staff, assignment=lead)
    lead.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        actions.suggestion_reply(
            actor=sw.lead_staff,
            assignment=lead,
            result_class="B",
            text="经研究，我局将在年内修订补贴办法并简化审批流程。",
            signed_by="",
            document=None,
        )
    assert set(exc.value.message_dict) == {"signed_by", "document", "__all__"}
    actions.assignment_contact(
        actor=sw.lead_staff, assignment=lead, method="visit", note="登门走访领衔代表。"
    )
    lead.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        reply(sw, lead, result_class="B")
    assert "commitments" in exc.value.message_dict


# ---------------------------------------------------------------- separate handling


def test_separate_handling(sw):
    s = item(sw, S.ACCEPTED)
    with pytest.raises(ValidationError):
        separate(sw, s, [sw.lead_unit])  # needs two units
    one, two = separate(sw, s)
    assert {one.role, two.role} == {"separate"}
    s.refresh_from_db()
    assert s.handling_mode == "separate"
    first = reply(sw, one)
    assert Suggestion.objects.get(pk=s.pk).state == S.ASSIGNED  # waiting for the other
    second = reply(sw, two)
    s.refresh_from_db()
    assert s.state == S.REPLIED and s.feedback_due is not None
    # Feedback per reply: the item moves only once both are rated.
    actions.suggestion_feedback(
        actor=sw.lead_user, reply=first, result_level="satisfied", contact_level="satisfied"
    )
    assert Suggestion.objects.get(pk=s.pk).state == S.REPLIED
    with pytest.raises(ValidationError):
        actions.suggestion_feedback(
            actor=sw.lead_user, reply=first, result_level="basic", contact_level="basic"
        )
    actions.suggestion_feedback(
        actor=sw.lead_user,
        reply=second,
        result_level="unsatisfied",
        contact_level="basic",
        comment="公交站点仍未调整。",
    )
    s.refresh_from_db()
    one.refresh_from_db(), two.refresh_from_db()
    # Only the unsatisfied unit re-handles.
    assert (s.state, s.round) == (S.REHANDLING, 2)
    assert (one.state, two.state) == ("answered", "accepted")
    with pytest.raises(InvalidTransition):
        reply(sw, one)
    again = reply(sw, two)
    s.refresh_from_db()
    assert s.state == S.REPLIED and again.round == 2
    with pytest.raises(ValidationError, match="本轮"):
        actions.suggestion_feedback(
            actor=sw.lead_user, reply=first, result_level="basic", contact_level="basic"
        )
    actions.suggestion_feedback(
        actor=sw.lead_user, reply=again, result_level="basic", contact_level="satisfied"
    )
    s.refresh_from_db()
    assert (s.state, s.satisfaction) == (S.CLOSED, "basic")
    assert Feedback.objects.filter(reply__suggestion=s).count() == 3


# ---------------------------------------------------------------- batch assignment


def test_batch_assignment_is_all_or_nothing(sw):
    items = [item(sw, S.ACCEPTED) for _ in range(3)]
    plans = [
        actions.Plan(items[0], lead_unit=sw.lead_unit, co_units=[sw.co_unit]),
        actions.Plan(items[1], mode="separate", units=[sw.lead_unit, sw.spare_unit]),
        actions.Plan(items[2], lead_unit=sw.far_unit),
    ]
    before = audits()
    with pytest.raises(ValidationError) as exc:
        actions.suggestions_assign_batch(actor=sw.office, plans=plans, session=sw.session)
    assert items[2].display_number in exc.value.messages[0]
    assert audits() == before
    assert not Assignment.objects.exists() and not AssignmentBatch.objects.exists()
    assert set(Suggestion.objects.values_list("state", flat=True)) == {S.ACCEPTED}
    plans[2] = actions.Plan(items[2], lead_unit=sw.spare_unit)
    batch = actions.suggestions_assign_batch(actor=sw.office, plans=plans, session=sw.session)
    assert audits() - before == 1
    assert batch.size == 3 and batch.items.count() == 5
    assert set(Suggestion.objects.values_list("state", flat=True)) == {S.ASSIGNED}
    with pytest.raises(PermissionDenied):
        actions.suggestions_assign_batch(
            actor=sw.district_office,
            plans=[actions.Plan(item(sw, S.ACCEPTED), lead_unit=sw.lead_unit)],
        )


def test_batch_assignment_names_an_item_that_is_not_waiting(sw):
    ready, not_yet = item(sw, S.ACCEPTED), item(sw, S.SUBMITTED)
    with pytest.raises(ValidationError) as exc:
        actions.suggestions_assign_batch(
            actor=sw.office,
            plans=[
                actions.Plan(ready, lead_unit=sw.lead_unit),
                actions.Plan(not_yet, lead_unit=sw.lead_unit),
            ],
        )
    assert not_yet.display_number in exc.value.messages[0]


# ---------------------------------------------------------------- motions


def test_motion_conversion_keeps_signers_and_sources(sw):
    opinion = opinion_actions.opinion_register(
        actor=sw.office, region=sw.tree.binjiang, channel="phone", data=citizen_data()
    )
    m = actions.suggestion_create(
        actor=sw.office,
        kind="motion",
        data={**TEXT, "disclosure": "public"},
        lead_deputy=sw.lead,
        cosigners=sw.more[:9],
        opinions=[opinion],
    )
    actions.suggestion_submit(actor=sw.office, suggestion=m)
    before = audits()
    actions.motion_decide(actor=sw.office, suggestion=m, decision="converted", note="转为建议办理")
    assert audits() - before == 1
    m.refresh_from_db()
    new = m.converted_to
    assert (m.state, m.presidium_decision) == (S.CONVERTED, "converted")
    assert (new.kind, new.state, new.number, new.year) == ("suggestion", S.SUBMITTED, 1, m.year)
    assert new.assign_due is not None and new.title == m.title
    signers = lambda x: {  # noqa: E731
        (sg.deputy_id, sg.is_lead, sg.state) for sg in x.signers.all()
    }
    assert signers(new) == signers(m) and len(signers(new)) == 10
    assert new.lead_deputy_id == sw.lead.pk
    assert list(new.opinions.all()) == list(m.opinions.all()) == [opinion]
    assert [x.pk for x in selectors.for_opinion(opinion)] == [m.pk, new.pk]
    # The converted item goes on like any suggestion.
    actions.suggestion_accept(actor=sw.office, suggestion=new)
    actions.suggestion_assign(actor=sw.office, suggestion=new, lead_unit=sw.lead_unit)
    with pytest.raises(ValidationError):
        actions.suggestion_accept(actor=sw.office, suggestion=m)  # motions are not screened


def test_only_motions_get_a_presidium_decision(sw):
    s = item(sw, S.SUBMITTED)
    with pytest.raises(ValidationError):
        actions.motion_decide(actor=sw.office, suggestion=s, decision="agenda")
    m = item(sw, "motion_submitted")
    with pytest.raises(ValidationError):
        actions.motion_decide(actor=sw.office, suggestion=m, decision="maybe")
    actions.motion_decide(actor=sw.office, suggestion=m, decision="agenda")
    assert Suggestion.objects.get(pk=m.pk).state == S.ON_AGENDA


# ---------------------------------------------------------------- numbering


def test_numbering_is_unique_per_congress_year_and_kind(sw):
    with at(D(2026, 3, 2)):
        first = [item(sw, S.SUBMITTED) for _ in range(3)]
        motions = [item(sw, "motion_submitted") for _ in range(2)]
        unsent = draft(sw)
        actions.suggestion_withdraw(actor=sw.lead_user, suggestion=first[1])
        fourth = item(sw, S.SUBMITTED)
        actions.motion_decide(actor=sw.office, suggestion=motions[0], decision="converted")
    assert [s.number for s in first] == [1, 2, 3] and fourth.number == 4  # never reused
    assert [m.number for m in motions] == [1, 2]
    motions[0].refresh_from_db()
    assert motions[0].converted_to.number == 5
    assert unsent.number is None and unsent.display_number == unsent.code
    assert first[0].display_number == "2026-0001"
    with at(D(2027, 1, 5)):
        next_year = item(sw, S.SUBMITTED)
    assert (next_year.year, next_year.number, next_year.display_number) == (2027, 1, "2027-0001")
    numbers = list(
        Suggestion.objects.filter(number__isnull=False).values_list("year", "kind", "number")
    )
    assert len(numbers) == len(set(numbers)) == 8


def test_the_office_enters_a_paper_item_for_a_deputy(sw):
    paper = sw.more[0]
    s = actions.suggestion_create(
        actor=sw.office, kind="suggestion", data=TEXT, lead_deputy=paper, cosigners=sw.more[1:3]
    )
    assert set(s.signers.values_list("state", flat=True)) == {"confirmed"}
    actions.suggestion_submit(actor=sw.office, suggestion=s)
    with pytest.raises(PermissionDenied):  # the district office does not cover the city
        actions.suggestion_create(
            actor=sw.district_office, kind="suggestion", data=TEXT, lead_deputy=paper
        )
    with pytest.raises(PermissionDenied):  # nor may a colleague enter one for him
        actions.suggestion_create(actor=sw.co_user, kind="suggestion", data=TEXT, lead_deputy=paper)
    user = UserFactory()
    grant(user, Role.DEPUTY, sw.tree.binjiang)
    with pytest.raises(PermissionDenied):  # a deputy role with no deputy record
        actions.suggestion_create(actor=user, kind="suggestion", data=TEXT)
