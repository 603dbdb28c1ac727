"""The demo city's motions and suggestions (core/demo/suggestions/): items in every state
with the rows the suggestion actions would have written, deadlines from the settings
through the calendar, realistic texts, and work in every demo login's inbox."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from functools import lru_cache

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from minqing.accounts.models import User
from minqing.core import codes
from minqing.core.calendar import add_months, month_deadline, working_deadline
from minqing.core.config import DEFAULT_CATEGORIES, settings_for
from minqing.core.demo import build_demo
from minqing.core.demo.suggestions import showcase_source
from minqing.core.models import AuditEntry, Region, RegionLevel, TimelineEvent
from minqing.opinions import selectors as opinion_selectors
from minqing.opinions.models import OpinionState
from minqing.people.models import HandlingUnit
from minqing.suggestions import actions, selectors
from minqing.suggestions.models import (
    Assignment,
    AssignmentBatch,
    AssignmentState,
    Commitment,
    CommitmentState,
    CongressSession,
    Disclosure,
    Extension,
    Kind,
    Level,
    ReassignRequest,
    RejectReason,
    Reply,
    RequestState,
    ResultClass,
    SignerState,
    SourceOpinion,
    Suggestion,
    SuggestionFile,
    SuggestionState,
    Supervision,
    SupervisionKind,
    UnitRole,
)
from minqing.suggestions.states import SUGGESTION_STATES
from tests.suggestions.factories import pdf_document

pytestmark = pytest.mark.django_db
S = SuggestionState
A = AssignmentState
PHONE = re.compile(r"1[3-9]\d{9}")
deadline = lru_cache(maxsize=None)(working_deadline)
months = lru_cache(maxsize=None)(month_deadline)


@pytest.fixture
def small():
    return build_demo("small")


def _local(t: dt.datetime) -> dt.date:
    return timezone.localtime(t).date()


def _events() -> dict[str, list[TimelineEvent]]:
    ct = ContentType.objects.get_for_model(Suggestion)
    out: dict[str, list[TimelineEvent]] = defaultdict(list)
    for e in TimelineEvent.objects.filter(content_type=ct).order_by("created_at", "id"):
        out[e.object_id].append(e)
    return out


def _overall(levels: list[str]) -> str:
    for level in (Level.UNSATISFIED, Level.BASIC):
        if level in levels:
            return level
    return Level.SATISFIED


def check_every_suggestion() -> Counter:
    """The invariants every generated item keeps; returns the count per state."""
    events = _events()
    now = timezone.now()
    categories = {c["code"] for c in DEFAULT_CATEGORIES}
    items = list(
        Suggestion.objects.select_related("region", "session", "lead_deputy")
        .prefetch_related(
            "signers",
            "assignments__extensions",
            "replies__feedback",
            "replies__commitments",
            "replies__files",
        )
        .order_by("pk")
    )
    numbers = Counter((s.congress_id, s.year, s.kind, s.number) for s in items if s.number)
    assert max(numbers.values()) == 1  # serials unique per congress, year and kind
    for s in items:
        cfg = settings_for(s.region)
        assert codes.is_valid(s.code, length=8), s.code
        for text in (s.title, s.grounds, s.proposal):
            assert "{" not in text and "}" not in text and len(text) >= 4, text
        assert s.category in categories
        assert s.region_id == s.congress.region_id
        timeline = events[str(s.pk)]
        first = "convert" if s.converted_from_id else "create"
        assert timeline and timeline[0].verb == first, (s.code, [e.verb for e in timeline])
        assert timeline[0].created_at == s.created_at
        assert timeline[-1].to_state == s.state, (s.code, [e.verb for e in timeline])
        state = S.SUBMITTED if s.converted_from_id else S.DRAFT
        for e in timeline:  # every state change an edge of the table, in order, before now
            assert e.from_state == state and e.created_at <= now, (s.code, e.verb)
            if e.to_state != e.from_state:
                assert SUGGESTION_STATES.verb(e.from_state, e.to_state) == e.verb, (s.code, e.verb)
            state = e.to_state
            if e.public:
                assert not PHONE.search(e.note)
        signers = list(s.signers.all())
        leads = [g for g in signers if g.is_lead]
        assert len(leads) == 1 and leads[0].deputy_id == s.lead_deputy_id
        assert leads[0].state == SignerState.CONFIRMED
        assert len({g.deputy_id for g in signers}) == len(signers)
        confirmed = sum(g.state == SignerState.CONFIRMED for g in signers)
        submitted = s.state not in (S.DRAFT,) and any(
            e.verb in ("submit", "convert") for e in timeline
        )
        assert (s.number is not None) == submitted, s.code
        if submitted:
            assert s.submitted_at is not None and s.assign_due is not None
            assert not any(g.state == SignerState.INVITED for g in signers)
            start = _local(s.submitted_at)
            if s.session_id and s.session.end_date > start and not s.converted_from_id:
                start = s.session.end_date
            assert s.assign_due == deadline(start, cfg["suggestion.assign_working_days"]).due
        if s.kind == Kind.MOTION and submitted:
            assert confirmed >= cfg["motion.min_signers"]
        if s.timing == "session":
            assert s.session.start_date <= _local(s.created_at) <= s.session.end_date
            assert s.year == s.session.start_date.year
        else:
            assert s.session_id is None and s.year == _local(s.created_at).year
        parts = list(s.assignments.all())
        replies = list(s.replies.all())
        if s.state == S.NOT_ACCEPTED:
            assert s.reject_reason and len(s.screen_note) >= 5
        if s.state in (S.ON_AGENDA, S.NOT_PLACED, S.CONVERTED):
            assert s.kind == Kind.MOTION and s.presidium_decision
        if s.state == S.CONVERTED:
            assert s.converted_to.kind == Kind.SUGGESTION
        if (
            s.state in (S.ACCEPTED, *selectors.perms.PUBLISHED_STATES[1:])
            and s.kind == "suggestion"
        ):
            assert s.accepted_at is not None
        if s.state == S.ACCEPTED:
            assert not parts
        if s.state in (S.ASSIGNED, S.REPLIED, S.REHANDLING, S.CLOSED):
            assert parts and s.assigned_at and s.handling_mode
        if s.state == S.REPLIED:
            assert s.feedback_due is not None and s.replied_at is not None
            assert all(a.state in (A.ANSWERED, A.REMOVED) for a in parts if a.answers_deputy)
        if s.state == S.REHANDLING:
            assert s.round >= 2 and s.rehandle_count >= 1 and s.feedback_due is None
        if s.state == S.CLOSED:
            assert replies and s.closed_at is not None and s.feedback_due is not None
            last = [x for x in replies if x.round == s.round]
            rated = [x.feedback.result_level for x in last if hasattr(x, "feedback")]
            if len(rated) == len(last):
                assert s.satisfaction == _overall(rated)
            else:
                assert s.satisfaction == ""  # closed without the deputy's rating
        else:
            assert s.closed_at is None
        if s.state not in (S.CLOSED, S.REPLIED, S.REHANDLING):
            assert not replies or s.state == S.ASSIGNED
        if replies:
            assert s.result_class == replies[-1].result_class
        assert s.round == 1 + s.rehandle_count <= 1 + cfg["suggestion.rehandle_limit"]
        for x in replies:
            assert len(x.text) >= 20 and "{" not in x.text and x.signed_by
            assert x.assignment.answers_deputy and x.assignment.suggestion_id == s.pk
            assert list(x.files.all()), x.pk  # the signed PDF
            if x.result_class == ResultClass.B:
                assert x.commitments.all()
            if hasattr(x, "feedback"):
                assert x.feedback.deputy_id == s.lead_deputy_id
                assert x.feedback.created_at >= x.created_at
                if x.feedback.result_level == Level.UNSATISFIED:
                    assert len(x.feedback.comment) >= 5
        for a in parts:
            start = _local(a.assigned_at)
            assert a.assigned_at >= s.created_at
            assert (
                a.reassign_due == deadline(start, cfg["suggestion.reassign_apply_working_days"]).due
            )
            assert (a.view_due is not None) == (a.role == UnitRole.CO)
            if a.view_due:
                assert a.view_due == months(start, cfg["suggestion.cohandler_view_months"]).due
            if not any(x.round > 1 and x.assignment_id == a.pk for x in replies) and (
                s.round == 1 or a.state != A.ACCEPTED
            ):
                assert a.reply_due_original == months(start, cfg["suggestion.reply_months"]).due
            approved = [e for e in a.extensions.all() if e.state == RequestState.APPROVED]
            if approved and s.round == 1:
                cap = add_months(start, cfg["suggestion.reply_max_months"])
                assert a.reply_due == min(approved[-1].new_due, cap)
            if a.state in (A.ACCEPTED, A.ANSWERED) or a.contacted_at:
                assert a.accepted_at is not None
            if a.contacted_at:
                assert a.accepted_at is None or a.accepted_at <= a.contacted_at
            if a.state == A.ANSWERED and a.answers_deputy:
                assert a.contacted_at and a.contacted_at <= a.answered_at
                assert a.on_time is not None
            if a.state == A.REMOVED:
                assert a.removed_at and a.reassign_requests.filter(state="approved").exists()
    return Counter(s.state for s in items)


def test_small_has_every_state_and_keeps_the_action_invariants(small):
    states = check_every_suggestion()
    assert set(states) == set(S.values)
    assert sum(states.values()) == small.counts["suggestions"] == Suggestion.objects.count()
    parts = set(Assignment.objects.values_list("state", flat=True))
    assert parts == set(A.values)
    assert set(Reply.objects.values_list("result_class", flat=True)) == set(ResultClass.values)
    closed = Suggestion.objects.filter(state=S.CLOSED)
    assert set(closed.values_list("satisfaction", flat=True)) == {*Level.values, ""}
    assert set(
        Suggestion.objects.exclude(reject_reason="").values_list("reject_reason", flat=True)
    ) == set(RejectReason.values)
    assert set(Supervision.objects.values_list("kind", flat=True)) == set(SupervisionKind.values)
    for model in (ReassignRequest, Extension):
        assert set(model.objects.values_list("state", flat=True)) == set(RequestState.values)
    assert set(Commitment.objects.values_list("state", flat=True)) == set(CommitmentState.values)
    assert Commitment.objects.filter(
        first_year__lt=timezone.localdate().year, state=CommitmentState.OPEN
    ).exists()
    assert Suggestion.objects.filter(handling_mode="separate").exists()
    assert Assignment.objects.filter(role=UnitRole.CO).exclude(view_text="").exists()
    joint = Suggestion.objects.filter(signers__is_lead=False).distinct()
    assert joint.count() > 0.25 * Suggestion.objects.count()
    # overdue parts, and items waiting for assignment past their deadline
    today = timezone.localdate()
    assert Assignment.objects.filter(state=A.ACCEPTED, reply_due__lt=today).exists()
    # published items are never secret or private
    assert not selectors.published().exclude(disclosure=Disclosure.PUBLIC).exists()
    assert Suggestion.objects.filter(disclosure=Disclosure.SECRET).exists()
    # the builder's one audit entry covers the bulk rows
    assert AuditEntry.objects.get().after["suggestions"] == Suggestion.objects.count()
    assert small.counts["timeline_events"] == TimelineEvent.objects.count()


def test_reply_documents_are_pdfs_of_their_letters(small):
    files = list(SuggestionFile.objects.select_related("reply__assignment__unit"))
    assert len(files) == Reply.objects.count()
    f = files[0]
    data = f.file.open("rb").read()
    assert data.startswith(b"%PDF-") and len(data) == f.size
    text = "".join(page.extract_text() for page in PdfReader(f.file.path).pages)
    assert f.reply.assignment.unit.name in text
    assert f.reply.text.splitlines()[0] in text


def test_texts_are_varied_and_fit_their_replies(small):
    titles = list(Suggestion.objects.values_list("title", flat=True))
    assert len(set(titles)) > 0.7 * len(titles)
    categories = set(Suggestion.objects.values_list("category", flat=True))
    assert len(categories) >= 12
    joined = "".join(Suggestion.objects.values_list("grounds", flat=True))
    counties = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith="9901")
    assert sum(name in joined for name in counties.values_list("name", flat=True)) >= 2
    assert "。。" not in joined and "；。" not in joined
    for reply in Reply.objects.select_related("suggestion", "assignment__unit"):
        assert "。。" not in reply.text and "{" not in reply.text
        assert reply.suggestion.title in reply.text
        assert reply.suggestion.lead_deputy.name in reply.text


def test_sessions_and_the_batch_of_the_current_one(small):
    current = CongressSession.objects.filter(congress__region__code="990100").first()
    assert (
        current.name == f"澜州市第十六届人民代表大会第{'一二三四五六七'[current.number - 1]}次会议"
    )
    assert current.start_date <= timezone.localdate()
    session_items = Suggestion.objects.filter(session=current)
    assert session_items.count() >= 40
    batch = AssignmentBatch.objects.filter(session=current).first()
    if batch is not None:
        assert batch.size == batch.items.values("suggestion").distinct().count() > 10
        assert batch.created_by.username == "renda"


def test_every_demo_login_finds_work(small):
    users = {u.username: u for u in User.objects.all()}
    deputy, office, clerk, leader = (users[n] for n in ("daibiao", "renda", "chengban", "lingdao"))
    mine = selectors.mine(deputy)
    assert mine.filter(lead_deputy__user=deputy).count() >= 3
    assert selectors.invitations(deputy).exists()
    assert selectors.awaiting_feedback(deputy).exists()
    assert selectors.withdraw_requests(deputy).exists()
    assert mine.filter(
        lead_deputy__user=deputy, state=S.DRAFT, signers__state=SignerState.INVITED
    ).exists()
    inbox = selectors.unit_inbox(clerk)
    states = set(inbox.values_list("state", flat=True))
    assert states >= {A.PENDING, A.ACCEPTED, A.REASSIGNING}
    assert inbox.filter(role=UnitRole.CO, state=A.PENDING).exists()
    assert inbox.filter(role=UnitRole.LEAD, state=A.ACCEPTED, contacted_at__isnull=False).exists()
    assert inbox.filter(suggestion__state=S.REHANDLING).exists()
    ledger = selectors.commitments_visible(clerk).filter(state=CommitmentState.OPEN)
    assert ledger.exists() and any(c.carried_over for c in ledger)
    assert selectors.to_screen(office).exists()
    assert selectors.to_assign(office).count() >= 3
    assert selectors.managed_requests(office).filter(assignment__unit__in=clerk_units(clerk))
    assert selectors.pending_extensions(office).filter(assignment__unit__in=clerk_units(clerk))
    overdue = selectors.overdue_assignments(office)
    assert overdue.filter(unit__in=clerk_units(clerk)).exists()
    kinds = Supervision.objects.filter(user=leader).values_list("kind", flat=True)
    assert set(kinds) == set(SupervisionKind.values)
    supervised = Suggestion.objects.filter(supervisions__user=leader)
    assert supervised.filter(state=S.ASSIGNED).exists()
    assert selectors.suggestions_visible(leader).filter(pk__in=supervised).count() == (
        supervised.count()
    )
    counts = selectors.counts_for(clerk)
    assert counts["unit"] == inbox.count()


def clerk_units(clerk) -> list[int]:
    return list(selectors.perms.unit_ids(clerk))


def test_a_citizen_sees_their_opinion_in_a_suggestion(small):
    code, last4, number = small.source
    assert (code, last4, number) == showcase_source()
    opinion = opinion_selectors.track_lookup(code, last4)
    assert opinion is not None and opinion.state == OpinionState.SUGGESTION
    found = selectors.for_opinion(opinion)
    assert [s.display_number for s in found] == [number]
    assert found[0].lead_deputy.user.username == "daibiao"
    linked = SourceOpinion.objects.select_related("opinion", "suggestion")
    assert linked.count() >= Suggestion.objects.filter(sources__isnull=False).count() >= 1
    for link in linked:
        assert link.opinion.state == OpinionState.SUGGESTION
        assert link.suggestion.created_at >= link.opinion.closed_at


def test_the_real_actions_carry_the_stories_on(small):
    """The rows are what the actions write: the actions accept them as they are."""
    users = {u.username: u for u in User.objects.all()}
    deputy, office, clerk = users["daibiao"], users["renda"], users["chengban"]
    consent = selectors.withdraw_requests(deputy).first()
    withdrawn = actions.signer_agree_withdraw(actor=deputy, signer=consent)
    assert withdrawn.state == S.WITHDRAWN
    inbox = selectors.unit_inbox(clerk)
    actions.assignment_accept(actor=clerk, assignment=inbox.filter(state=A.PENDING).first())
    ready = inbox.filter(
        role=UnitRole.LEAD,
        state=A.ACCEPTED,
        contacted_at__isnull=False,
        suggestion__state=S.ASSIGNED,
    ).first()
    actions.suggestion_reply(
        actor=clerk,
        assignment=ready,
        result_class="A",
        signed_by="王局长",
        text="经研究，我局已完成相关工作，具体情况已与代表当面沟通，代表表示认可。",
        document=pdf_document(),
    )
    extension = selectors.pending_extensions(office).first()
    actions.extension_decide(actor=office, extension=extension, approve=True)
    request = selectors.managed_requests(office).first()
    actions.reassign_decide(actor=office, request=request, approve=False, note="请继续办理。")
    waiting = list(selectors.to_assign(office)[:3])
    zhujian = clerk_units(clerk)[0]
    unit = HandlingUnit.objects.get(pk=zhujian)
    plans = [actions.Plan(suggestion=s, lead_unit=unit) for s in waiting]
    batch = actions.suggestions_assign_batch(actor=office, plans=plans)
    assert batch.size == len(waiting)
    replied = selectors.awaiting_feedback(deputy).first()
    reply = replied.replies.filter(round=replied.round).first()
    actions.suggestion_feedback(
        actor=deputy, reply=reply, result_level="satisfied", contact_level="satisfied"
    )
    invitation = selectors.invitations(deputy).first()
    actions.signer_confirm(actor=deputy, signer=invitation)
    overdue = (
        selectors.suggestions_visible(office, selectors.perms.MANAGE)
        .filter(state=S.REPLIED, feedback_due__lt=timezone.localdate())
        .first()
    )
    actions.suggestion_close(actor=office, suggestion=overdue, note="代表未反馈，按期办结。")
    screen = selectors.to_screen(office).filter(kind=Kind.SUGGESTION).first()
    actions.suggestion_accept(actor=office, suggestion=screen)
    commitment = selectors.commitments_visible(clerk).filter(state=CommitmentState.OPEN).first()
    actions.commitment_progress(actor=clerk, commitment=commitment, note="已完成招标。", percent=50)
    assert check_every_suggestion()


def _fingerprint(seed: int) -> list:
    with transaction.atomic():
        build_demo("small", seed=seed)
        rows = list(
            Suggestion.objects.order_by("code").values_list("code", "title", "year", "number")
        )
        transaction.set_rollback(True)
    return rows


def test_same_seed_gives_the_same_suggestions():
    first = _fingerprint(20261121)
    assert Suggestion.objects.count() == 0  # rolled back
    second = _fingerprint(20261121)
    other = _fingerprint(7)
    assert first == second
    assert first
    assert {c for c, *_ in other}.isdisjoint({c for c, *_ in first})


@pytest.mark.parametrize("day", [dt.date(2026, 1, 14), dt.date(2026, 1, 22), dt.date(2026, 7, 2)])
def test_every_state_whatever_the_day(day):
    """During the session, right after it and in the middle of the year, the small demo
    still holds every state."""
    with transaction.atomic():
        build_demo("small", today=day)
        states = check_every_suggestion()
        transaction.set_rollback(True)
    assert set(states) == set(S.values), states


@pytest.mark.slow
def test_city_size_holds_a_session_of_every_state():
    result = build_demo("city")

    states = check_every_suggestion()
    assert set(states) == set(S.values)
    c = result.counts
    current = CongressSession.objects.filter(congress__region__code="990100").first()
    session = Suggestion.objects.filter(
        session=current, kind=Kind.SUGGESTION, converted_from__isnull=True
    )
    assert 280 <= session.count() <= 320
    assert 8 <= Suggestion.objects.filter(session=current, kind=Kind.MOTION).count() <= 12
    office = User.objects.get(username="renda")
    assert 20 <= selectors.to_assign(office).count() <= 60
    assert set(Assignment.objects.values_list("state", flat=True)) == set(A.values)
    assert c["suggestion_replies"] == Reply.objects.count()
    assert result.timings["议案建议"] < 30
