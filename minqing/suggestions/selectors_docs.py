"""Reads behind the printed documents, the ledger export and the public pages of the
motion and suggestion workflow: the parts an assignment notice (交办单) lists, what a
deputy's feedback form (征询意见表) shows, the ledger's rows, and the public detail.

Staff reads start from ``selectors.suggestions_visible`` with the permission the
document needs and answer 404 outside the reader's scope. Public reads start from
``selectors.published()`` and never carry contact fields, staff notes or files.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Prefetch, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from minqing.core.models import Region, TimelineEvent
from minqing.core.permissions import is_unrestricted, scope
from minqing.people.models import Congress, HandlingUnit
from minqing.suggestions import permissions as perms
from minqing.suggestions import selectors
from minqing.suggestions.models import (
    ANSWERING_ROLES,
    ASSIGNED_STATES,
    Assignment,
    AssignmentBatch,
    AssignmentState,
    Commitment,
    CongressSession,
    Reply,
    Signer,
    SignerState,
    Suggestion,
    Supervision,
    UnitRole,
)

# How many parts one notices.pdf may hold: a session of 300 items with co-handlers is
# about 450 (about 3 s of CPU to render); more is a request to narrow the filter, not a
# document anyone prints at once.
MAX_NOTICE_PARTS = 1000


# Lead first, then separate units, then co-handlers (the order every document lists).
_ROLE_RANK = Case(
    When(role=UnitRole.LEAD, then=Value(0)),
    When(role=UnitRole.SEPARATE, then=Value(1)),
    default=Value(2),
)


def _live_parts() -> QuerySet[Assignment]:
    return Assignment.objects.exclude(state=AssignmentState.REMOVED).select_related("unit")


# ---------------------------------------------------------------- assignment notices


@dataclass
class NoticeRow:
    """One item in a unit's notice: its part and the other units handling it."""

    part: Assignment
    suggestion: Suggestion
    others: list[Assignment]

    @property
    def others_text(self) -> str:
        return "、".join(f"{a.unit.name}（{a.get_role_display()}）" for a in self.others)


@dataclass
class NoticeSection:
    """One unit's notice (one section, one or more pages, of the PDF) from one
    congress."""

    congress: Congress
    unit: HandlingUnit
    rows: list[NoticeRow]
    # The office's instructions when every item of the unit carries the same ones (the
    # usual case of a batch): printed once above the table instead of in every row.
    common_instructions: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def _notice_queryset(qs: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return (
        qs.exclude(state=AssignmentState.REMOVED)
        .select_related(
            "unit",
            "suggestion",
            "suggestion__congress",
            "suggestion__lead_deputy",
            "suggestion__session",
        )
        .prefetch_related(
            Prefetch("suggestion__assignments", queryset=_live_parts(), to_attr="live_parts")
        )
        .order_by(
            "suggestion__congress__level",
            "suggestion__congress_id",
            "unit__name",
            "unit_id",
            "suggestion__year",
            "suggestion__kind",
            "suggestion__number",
            "suggestion_id",
        )
    )


def batch_get_managed(user, pk: int) -> AssignmentBatch:
    """A batch of items ``user`` manages (``suggestions.manage`` on its region), or
    Http404. Office staff only."""
    batch = (
        scope(
            AssignmentBatch.objects.select_related("congress", "session", "region"),
            user,
            perms.MANAGE,
        )
        .filter(pk=pk)
        .first()
    )
    if batch is None:
        raise Http404
    return batch


def batch_parts(batch: AssignmentBatch) -> list[Assignment]:
    """The parts a batch created that are still with their unit (a part moved by an
    approved reassignment prints with the new unit's notices, not here)."""
    return list(_notice_queryset(batch.items.all()))


def notice_parts(
    user,
    *,
    session: CongressSession | None = None,
    unit: HandlingUnit | None = None,
    year: int | None = None,
) -> QuerySet[Assignment]:
    """The live parts of the items ``user`` manages, narrowed to a session, a unit and a
    year: what ``notices.pdf`` prints. Caller checks ``suggestions.manage``."""
    items = selectors.suggestions_visible(user, perms.MANAGE).values("pk")
    qs = Assignment.objects.filter(suggestion__in=items)
    if session is not None:
        qs = qs.filter(suggestion__session=session)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if year:
        qs = qs.filter(suggestion__year=year)
    return _notice_queryset(qs)


def session_get_managed(user, pk: int) -> CongressSession:
    """A session of a congress in ``user``'s manage scope, or Http404."""
    session = scope(CongressSession.objects.all(), user, perms.MANAGE).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def unit_get_visible(user, pk: int) -> HandlingUnit:
    """A handling unit ``user`` may see (``people.view_unit``), or Http404."""
    unit = scope(HandlingUnit.objects.all(), user, "people.view_unit").filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def notice_sections(parts: list[Assignment]) -> list[NoticeSection]:
    """Group parts (ordered by congress and unit, as the queries above give them) into
    one section per congress and unit, each row with the other units handling the same
    item."""
    sections: list[NoticeSection] = []
    for part in parts:
        key = (part.suggestion.congress_id, part.unit_id)
        if not sections or (sections[-1].congress.pk, sections[-1].unit.pk) != key:
            sections.append(
                NoticeSection(congress=part.suggestion.congress, unit=part.unit, rows=[])
            )
        others = [a for a in getattr(part.suggestion, "live_parts", []) if a.pk != part.pk]
        others.sort(key=lambda a: (_ROLE_ORDER.get(a.role, 9), a.unit.name))
        sections[-1].rows.append(NoticeRow(part=part, suggestion=part.suggestion, others=others))
    for section in sections:
        texts = {r.part.instructions.strip() for r in section.rows}
        if len(texts) == 1:
            section.common_instructions = texts.pop()
        counts: dict[str, int] = {}
        for r in section.rows:
            counts[r.part.role] = counts.get(r.part.role, 0) + 1
        section.counts = counts
    return sections


_ROLE_ORDER = {UnitRole.LEAD: 0, UnitRole.SEPARATE: 1, UnitRole.CO: 2}


# ---------------------------------------------------------------- feedback form


@dataclass
class FeedbackSection:
    """One answering unit's part on the feedback form, with its latest reply."""

    part: Assignment
    reply: Reply | None
    feedback: object | None
    commitments: list[Commitment]


@dataclass
class FeedbackFormData:
    suggestion: Suggestion
    signers: list[Signer]
    sections: list[FeedbackSection]
    cohandlers: list[Assignment]


def feedback_form_get(user, pk: int) -> FeedbackFormData:
    """What the deputy's feedback form (征询意见表) of item ``pk`` prints: the confirmed
    deputies, every answering unit's latest reply (class, date) and its rating if
    given, the co-handlers.

    Readable by the office (``suggestions.manage`` on the item) and the item's own
    deputies (confirmed signers); Http404 when the item is not visible or not yet
    assigned; PermissionDenied for other readers who may see the item.
    """
    suggestion = selectors.suggestion_get_visible(user, pk)
    signer = perms.signer_of(user, suggestion)
    own = signer is not None and signer.state == SignerState.CONFIRMED
    if not (own or perms.can(user, perms.MANAGE, suggestion)):
        raise PermissionDenied(_("只有交办机关和提出议案建议的代表可以打印征询意见表"))
    if suggestion.state not in ASSIGNED_STATES:
        raise Http404
    parts = list(
        _live_parts()
        .filter(suggestion=suggestion)
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=Reply.objects.select_related("feedback")
                .prefetch_related("commitments")
                .order_by("-round", "-created_at", "-id"),
            )
        )
        .order_by(_ROLE_RANK, "id")
    )
    sections = []
    for part in parts:
        if part.role not in ANSWERING_ROLES:
            continue
        replies = list(part.replies.all())
        reply = replies[0] if replies else None
        sections.append(
            FeedbackSection(
                part=part,
                reply=reply,
                feedback=getattr(reply, "feedback", None) if reply else None,
                commitments=list(reply.commitments.all()) if reply else [],
            )
        )
    return FeedbackFormData(
        suggestion=suggestion,
        signers=list(
            suggestion.signers.filter(state=SignerState.CONFIRMED)
            .select_related("deputy")
            .order_by("-is_lead", "id")
        ),
        sections=sections,
        cohandlers=[p for p in parts if p.role == UnitRole.CO],
    )


# ---------------------------------------------------------------- ledger export


@dataclass
class LedgerItem:
    """One item of the ledger with the parts this reader may see."""

    suggestion: Suggestion
    signers: list[Signer]
    parts: list[Assignment]
    supervisions: list[Supervision]
    # Per part: its latest reply (with the feedback) and the commitments the unit made.
    latest_reply: dict[int, Reply]
    commitments: dict[int, list[Commitment]]


def ledger_items(user, qs: QuerySet[Suggestion], *, chunk: int = 200) -> Iterator[LedgerItem]:
    """The items of ``qs`` (from ``suggestions_visible`` and ``filter_suggestions``)
    streamed in chunks with everything a row shows, a constant number of queries per
    chunk. A unit's staff see their own units' parts only (a lead unit also its
    co-handlers), as on the item's page; the office, leaders and deputies see all."""
    my_units = perms.unit_ids(user) if not is_unrestricted(user) else set()
    managed: set[int] = set()
    if my_units:
        managed = set(perms.visible(qs.order_by(), user, perms.MANAGE).values_list("pk", flat=True))
    qs = qs.prefetch_related(
        Prefetch(
            "signers",
            queryset=Signer.objects.filter(state=SignerState.CONFIRMED)
            .select_related("deputy")
            .order_by("-is_lead", "id"),
            to_attr="confirmed_signers",
        ),
        Prefetch("assignments", queryset=_live_parts().order_by(_ROLE_RANK, "id"), to_attr="parts"),
        Prefetch(
            "replies",
            queryset=Reply.objects.select_related("feedback").order_by("round", "created_at", "id"),
            to_attr="all_replies",
        ),
        Prefetch("commitments", queryset=Commitment.objects.order_by("id"), to_attr="all_commits"),
        Prefetch("supervisions", queryset=Supervision.objects.order_by("kind", "id")),
    )
    for s in qs.iterator(chunk_size=chunk):
        parts = s.parts
        if my_units and s.pk not in managed:
            own = [a for a in parts if a.unit_id in my_units]
            if any(a.role in ANSWERING_ROLES for a in own):
                parts = [a for a in parts if a in own or a.role == UnitRole.CO]
            else:
                parts = own
        latest: dict[int, Reply] = {}
        for r in s.all_replies:
            latest[r.assignment_id] = r  # ordered by round: the last one wins
        commitments: dict[int, list[Commitment]] = {}
        for c in s.all_commits:
            commitments.setdefault(c.unit_id, []).append(c)
        yield LedgerItem(
            suggestion=s,
            signers=s.confirmed_signers,
            parts=parts,
            supervisions=list(s.supervisions.all()),
            latest_reply=latest,
            commitments=commitments,
        )


# ---------------------------------------------------------------- public pages


def public_list(
    *,
    q: str = "",
    kind: str = "",
    year: int | None = None,
    result_class: str = "",
    unit_id: int | None = None,
) -> QuerySet[Suggestion]:
    """The published items (公开, past screening) matching the public filters, newest
    first, with their units prefetched (one query for a page)."""
    qs = selectors.filter_suggestions(
        selectors.published(),
        q=q,
        kind=kind,
        year=year,
        result_class=result_class,
        unit_id=unit_id,
    )
    return qs.prefetch_related(
        Prefetch("assignments", queryset=_live_parts().order_by(_ROLE_RANK, "id"), to_attr="parts")
    )


def public_units() -> QuerySet[HandlingUnit]:
    """The units that handle at least one published item (the public unit filter)."""
    items = selectors.published().order_by().values("pk")
    parts = (
        Assignment.objects.filter(suggestion__in=items)
        .exclude(state=AssignmentState.REMOVED)
        .values("unit_id")
    )
    return HandlingUnit.objects.filter(pk__in=parts).order_by("name", "id")


def public_years() -> list[int]:
    return list(selectors.published().order_by("-year").values_list("year", flat=True).distinct())


@dataclass
class PublicDetail:
    """What anyone may read of a published item: never contacts, notes or files."""

    suggestion: Suggestion
    deputies: list[str]
    parts: list[Assignment]
    replies: list[Reply]
    events: list[TimelineEvent]
    region: Region | None = None


def public_detail(code: str) -> PublicDetail:
    """A published item by its public code (Http404 for a secret, private, unscreened
    or unknown one): deputies' names, units, replies with their commitments, and the
    public timeline rows."""
    suggestion = selectors.published_get(code)
    deputies = [
        s.deputy.name
        for s in suggestion.signers.filter(state=SignerState.CONFIRMED)
        .select_related("deputy")
        .order_by("-is_lead", "id")
    ]
    return PublicDetail(
        suggestion=suggestion,
        deputies=deputies,
        parts=list(_live_parts().filter(suggestion=suggestion).order_by(_ROLE_RANK, "id")),
        replies=selectors.published_replies(suggestion),
        events=list(selectors.timeline(suggestion, public_only=True)),
        region=suggestion.region,
    )


# ---------------------------------------------------------------- annual report


def report_supervised(user, *, year: int, region: Region | None = None) -> list[Suggestion]:
    """The key-supervised (重点督办) and leader-led (领办) items of ``year`` that ``user``
    may count (``suggestions.view_stats``, the statistics' scope), with their
    supervisions, live parts and commitments prefetched: the report's table of key
    items and their outcome. Caller checks ``suggestions.view_stats``."""
    from minqing.suggestions.statistics import Filters, items_in_scope

    items = items_in_scope(user, Filters(year=year, region=region))
    return list(
        items.filter(pk__in=Supervision.objects.values("suggestion_id"))
        .select_related("lead_deputy")
        .prefetch_related(
            Prefetch("supervisions", queryset=Supervision.objects.order_by("kind", "id")),
            Prefetch(
                "assignments", queryset=_live_parts().order_by(_ROLE_RANK, "id"), to_attr="parts"
            ),
            Prefetch(
                "commitments", queryset=Commitment.objects.order_by("id"), to_attr="all_commits"
            ),
        )
        .order_by("kind", "number", "id")
    )
