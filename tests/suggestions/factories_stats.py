"""A varied dataset for the statistics (minqing.suggestions.statistics), built through the
real actions on top of ``make_sworld`` (fixture ``sw``).

``extend(sw)`` adds a district congress (滨江区: a deputy with an account, a unit and
the existing ``sw.district_office``) and the far city's congress (临川市: a deputy, the
existing ``sw.far_unit`` and ``sw.far_office``). ``build(sw)`` then walks the items
listed in its docstring; deadlines, dates and years that the actions set to "today"
are moved with queryset ``.update()`` to make late parts, earlier months and an earlier
year.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from minqing.accounts.models import Role
from minqing.suggestions import actions
from minqing.suggestions.models import (
    Assignment,
    Commitment,
    ReassignRequest,
    Reminder,
    Reply,
    Suggestion,
)
from tests.factories import UserFactory, grant, user_with_role
from tests.people.factories import CongressFactory, DeputyFactory, TermFactory, UnitFactory
from tests.suggestions.factories import REPLY, TEXT, draft, pdf_document

UNHAPPY = "答复没有解决实际问题，希望重新办理。"


def extend(sw) -> SimpleNamespace:
    """``sw`` plus the district and far congresses (see the module docstring)."""
    t = sw.tree
    d_congress = CongressFactory(region=t.binjiang)
    d_term = TermFactory(congress=d_congress)
    d_user = UserFactory(username="district_dep")
    grant(d_user, Role.DEPUTY, t.binjiang)
    sw.district_deputy = DeputyFactory(term=d_term, region=t.street, user=d_user)
    sw.district_deputy_user = d_user
    sw.district_unit = UnitFactory(name="滨江区住房和城乡建设局", region=t.binjiang)
    sw.district_staff = user_with_role(Role.UNIT_STAFF, unit=sw.district_unit)
    f_congress = CongressFactory(region=t.other_city)
    f_term = TermFactory(congress=f_congress)
    f_user = UserFactory(username="far_dep")
    grant(f_user, Role.DEPUTY, t.other_city)
    sw.far_deputy = DeputyFactory(term=f_term, region=t.donghu, user=f_user)
    sw.far_deputy_user = f_user
    sw.district_leader = user_with_role(Role.LEADER, t.binjiang)
    return sw


# --- steps -----------------------------------------------------------------------------------


def fresh(obj):
    obj.refresh_from_db()
    return obj


def new(sw, *, actor=None, kind: str = "suggestion", joint: bool = False, **data) -> Suggestion:
    """A submitted item drafted by ``actor`` (default ``sw.lead_user``)."""
    if actor is None:
        s = draft(sw, kind=kind, joint=joint, **data)
    else:
        s = actions.suggestion_create(actor=actor, kind=kind, data={**TEXT, **data})
    for signer in s.signers.filter(state="invited"):
        actions.signer_confirm(actor=signer.deputy.user, signer=signer)
    actions.suggestion_submit(actor=actor or sw.lead_user, suggestion=fresh(s))
    return fresh(s)


def accept(office, s: Suggestion) -> Suggestion:
    actions.suggestion_accept(actor=office, suggestion=fresh(s))
    return fresh(s)


def assign(office, s: Suggestion, lead=None, co=(), units=()) -> list[Assignment]:
    accept(office, s)
    if units:
        return actions.suggestion_assign(
            actor=office, suggestion=fresh(s), mode="separate", units=list(units)
        )
    return actions.suggestion_assign(
        actor=office, suggestion=fresh(s), lead_unit=lead, co_units=list(co)
    )


def part(s: Suggestion, unit) -> Assignment:
    return s.assignments.exclude(state="removed").get(unit=unit)


def late(p: Assignment) -> None:
    """Move the part's reply deadline to yesterday: its next answer is late."""
    Assignment.objects.filter(pk=p.pk).update(reply_due=timezone.localdate() - dt.timedelta(days=1))


def answer(staff, p: Assignment, result_class: str = "A", commitments=()) -> Reply:
    """Sign (if pending), contact (if none) and reply, as the unit's staff."""
    p = fresh(p)
    if p.state == "pending":
        actions.assignment_accept(actor=staff, assignment=p)
        p = fresh(p)
    if p.contacted_at is None:
        actions.assignment_contact(
            actor=staff, assignment=p, method="phone", note="电话联系领衔代表，听取意见。"
        )
        p = fresh(p)
    return actions.suggestion_reply(
        actor=staff,
        assignment=p,
        result_class=result_class,
        text=REPLY,
        signed_by="李局长",
        document=pdf_document(),
        commitments=list(commitments),
    )


def rate(actor, reply: Reply, result: str = "satisfied", contact: str = "satisfied"):
    return actions.suggestion_feedback(
        actor=actor,
        reply=fresh(reply),
        result_level=result,
        contact_level=contact,
        comment=UNHAPPY if result == "unsatisfied" else "",
    )


def fulfil(staff, commitment: Commitment) -> Commitment:
    return actions.commitment_fulfil(
        actor=staff, commitment=fresh(commitment), note="承诺事项已经全部完成。"
    )


def close_unrated(s: Suggestion) -> Suggestion:
    """The sweep's path: the reminder was sent, the feedback deadline passed."""
    past = timezone.localdate() - dt.timedelta(days=1)
    Suggestion.objects.filter(pk=s.pk).update(feedback_due=past)
    Reminder.objects.create(suggestion=s, kind="feedback_due_soon", due=past)
    assert actions.suggestion_close_unrated(suggestion=fresh(s)) is not None
    return fresh(s)


def motion(sw, decision: str) -> Suggestion:
    m = draft(sw, kind="motion")
    actions.suggestion_invite(actor=sw.office, suggestion=m, deputies=sw.more[:9])
    actions.suggestion_submit(actor=sw.lead_user, suggestion=fresh(m))
    actions.motion_decide(actor=sw.office, suggestion=fresh(m), decision=decision)
    return fresh(m)


def month_back(n: int) -> dt.datetime:
    """Noon on the 15th, ``n`` months before this month (local time)."""
    today = timezone.localdate()
    y, m = today.year, today.month - n
    while m <= 0:
        y, m = y - 1, m + 12
    return dt.datetime(y, m, 15, 12, tzinfo=timezone.get_current_timezone())


def build(sw) -> SimpleNamespace:
    """The dataset. City congress (澜州市) unless said otherwise; units 住建 (lead_unit),
    交通 (co_unit), 城管 (spare_unit).

    s1  joint (lead + co), 住建 lead + 交通 co; view; A on time; 满意/满意 → closed.
    s2  住建; late; B with two commitments, one fulfilled; 基本满意/不满意 → closed.
    s3  住建; C, 不满意 → re-handled; late; B with one commitment, fulfilled; 满意 → closed.
    s4  separate 住建 + 城管; 住建 A, 城管 D late; 住建 满意, 城管 不满意 → 城管 re-handled;
        城管 C; unrated → closed after the reminder.
    s5  交通 lead, asks reassignment, approved → 城管; 城管 A; awaiting feedback.
    s6  住建 lead, pending (no answer).
    s7  not accepted.  s8 withdrawn after submission.  s9 submitted, waiting.
    m1/m2/m3  motions: on the agenda, not placed, converted (its suggestion c1 waits).
    s10 during the session (大会期间); 住建; A; 满意/基本满意 → closed.
    s11 last year (moved): 住建; B with one commitment due a month ago, left open and
        carried over into this year's ledger; 基本满意/满意 → closed.
    s12 住建 A then 不满意, re-handled, A again, 不满意 again: the limit is used up, so
        it closes (one re-handling).
    d1  district congress (滨江区): 滨江区住建局; A; 满意 → closed.  d2 district: accepted.
    f1  far congress (临川市): 临川市住建局; A; 满意 → closed.
    Answers of s1, s2 are moved two months back, s3's one month back (trend).
    """
    extend(sw)
    o = SimpleNamespace()
    office = sw.office
    L, C, S = sw.lead_unit, sw.co_unit, sw.spare_unit

    o.s1 = new(sw, joint=True)
    assign(office, o.s1, L, co=[C])
    co_part = part(fresh(o.s1), C)
    actions.assignment_accept(actor=sw.co_staff, assignment=co_part)
    actions.cohandler_view(
        actor=sw.co_staff, assignment=fresh(co_part), text="建议同步优化公交站点设置，方便出行。"
    )
    r = answer(sw.lead_staff, part(o.s1, L), "A")
    rate(sw.lead_user, r)

    o.s2 = new(sw)
    assign(office, o.s2, L)
    late(part(o.s2, L))
    r = answer(
        sw.lead_staff,
        part(o.s2, L),
        "B",
        commitments=[("年内完成补贴办法修订", dt.date(2026, 12, 31)), ("明年完成试点", None)],
    )
    fulfil(sw.lead_staff, r.commitments.order_by("pk").first())
    rate(sw.lead_user, r, "basic", "unsatisfied")

    o.s3 = new(sw)
    assign(office, o.s3, L)
    r = answer(sw.lead_staff, part(o.s3, L), "C")
    rate(sw.lead_user, r, "unsatisfied", "basic")
    late(part(fresh(o.s3), L))
    r = answer(sw.lead_staff, part(o.s3, L), "B", commitments=[("三个月内完成整改", None)])
    fulfil(sw.lead_staff, r.commitments.get())
    rate(sw.lead_user, r)

    o.s4 = new(sw)
    assign(office, o.s4, units=[L, S])
    r_l = answer(sw.lead_staff, part(o.s4, L), "A")
    late(part(o.s4, S))
    r_s = answer(sw.spare_staff, part(o.s4, S), "D")
    rate(sw.lead_user, r_l)
    rate(sw.lead_user, r_s, "unsatisfied", "satisfied")
    answer(sw.spare_staff, part(o.s4, S), "C")
    close_unrated(o.s4)

    o.s5 = new(sw)
    assign(office, o.s5, C)
    actions.reassign_request(
        actor=sw.co_staff,
        assignment=part(o.s5, C),
        reason="该事项属于城市管理部门的职责范围，请调整交办。",
        suggested_unit=S,
    )
    actions.reassign_decide(
        actor=office, request=ReassignRequest.objects.get(), approve=True, new_unit=S
    )
    answer(sw.spare_staff, part(o.s5, S), "A")

    o.s6 = new(sw)
    assign(office, o.s6, L)

    o.s7 = new(sw)
    actions.suggestion_reject(
        actor=office, suggestion=o.s7, reason="personal", note="属于代表个人事项。"
    )
    o.s8 = new(sw)
    actions.suggestion_withdraw(actor=sw.lead_user, suggestion=o.s8)
    o.s9 = new(sw)

    o.m1 = motion(sw, "agenda")
    o.m2 = motion(sw, "not_placed")
    o.m3 = motion(sw, "converted")
    o.c1 = o.m3.converted_to

    o.s10 = new(sw, session=sw.session)
    assign(office, o.s10, L)
    r = answer(sw.lead_staff, part(o.s10, L), "A")
    rate(sw.lead_user, r, "satisfied", "basic")

    o.s11 = new(sw)
    month_ago = timezone.localdate() - dt.timedelta(days=30)
    assign(office, o.s11, L)
    r = answer(sw.lead_staff, part(o.s11, L), "B", commitments=[("建成停车场", month_ago)])
    rate(sw.lead_user, r, "basic", "satisfied")
    this_year = timezone.localdate().year
    Suggestion.objects.filter(pk=o.s11.pk).update(year=this_year - 1)
    Commitment.objects.filter(suggestion=o.s11).update(year=this_year - 1, first_year=this_year - 1)
    actions.commitments_carry_over(year=this_year)

    o.s12 = new(sw)
    assign(office, o.s12, L)
    r = answer(sw.lead_staff, part(o.s12, L), "A")
    rate(sw.lead_user, r, "unsatisfied", "unsatisfied")
    r = answer(sw.lead_staff, part(o.s12, L), "A")
    rate(sw.lead_user, r, "unsatisfied", "basic")

    o.d1 = new(sw, actor=sw.district_deputy_user)
    assign(sw.district_office, o.d1, sw.district_unit)
    r = answer(sw.district_staff, part(o.d1, sw.district_unit), "A")
    rate(sw.district_deputy_user, r)
    o.d2 = new(sw, actor=sw.district_deputy_user)
    accept(sw.district_office, o.d2)

    o.f1 = new(sw, actor=sw.far_deputy_user)
    assign(sw.far_office, o.f1, sw.far_unit)
    r = answer(sw.far_staff, part(o.f1, sw.far_unit), "A")
    rate(sw.far_deputy_user, r)

    for s, back in ((o.s1, 2), (o.s2, 2), (o.s3, 1)):
        Assignment.objects.filter(suggestion=s, answered_at__isnull=False).update(
            answered_at=month_back(back)
        )
    Suggestion.objects.filter(pk=o.s1.pk).update(submitted_at=month_back(3))
    for name in list(vars(o)):
        setattr(o, name, fresh(getattr(o, name)))
    return o


def bulk(sw, n: int) -> None:
    """``n`` items written straight to the tables (test data, like the demo build): each
    submitted, assigned to 住建 and answered class A or B (with a commitment), every
    other one rated — enough rows in every base to show the query count does not grow."""
    from minqing.suggestions.actions._common import new_code
    from minqing.suggestions.models import Feedback, Signer

    now = timezone.now()
    today = timezone.localdate()
    for i in range(n):
        s = Suggestion.objects.create(
            code=new_code(),
            kind="suggestion",
            congress=sw.congress,
            region=sw.congress.region,
            timing="interim",
            year=today.year - i % 2,
            title=TEXT["title"],
            grounds=TEXT["grounds"],
            proposal=TEXT["proposal"],
            lead_deputy=(sw.lead, sw.co)[i % 2],
            state="replied",
            submitted_at=now,
            accepted_at=now,
            assigned_at=now,
            replied_at=now,
        )
        Signer.objects.create(suggestion=s, deputy=s.lead_deputy, is_lead=True, state="confirmed")
        a = Assignment.objects.create(
            suggestion=s,
            unit=(sw.lead_unit, sw.co_unit)[i % 2],
            role="lead",
            state="answered",
            assigned_at=now,
            reassign_due=today,
            reply_due=today,
            reply_due_original=today,
            answered_at=now,
            on_time=bool(i % 3),
        )
        r = Reply.objects.create(
            suggestion=s, assignment=a, result_class="AB"[i % 2], text=REPLY, signed_by="李局长"
        )
        if i % 2:
            Commitment.objects.create(
                suggestion=s, reply=r, unit=a.unit, text="年内完成", first_year=s.year, year=s.year
            )
        else:
            Feedback.objects.create(
                reply=r, deputy=s.lead_deputy, result_level="satisfied", contact_level="basic"
            )
