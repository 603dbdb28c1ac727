"""Reads of the motion and suggestion workflow: lists by who acts, the detail as each
reader may see it, and the public list. Every staff read starts from
``permissions.visible`` and answers 404 outside the reader's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from minqing.core.models import Region, TimelineEvent
from minqing.core.permissions import has_perm, is_unrestricted, scope
from minqing.opinions.permissions import deputy_of
from minqing.suggestions import permissions as perms
from minqing.suggestions.models import (
    ANSWERING_ROLES,
    Assignment,
    AssignmentState,
    Commitment,
    CommitmentState,
    Extension,
    ReassignRequest,
    Reply,
    RequestState,
    Signer,
    SignerState,
    SourceOpinion,
    Suggestion,
    SuggestionFile,
    SuggestionState,
    Supervision,
    UnitRole,
)

# Assignment states in which the unit still has work to do.
OPEN_ASSIGNMENT_STATES = (
    AssignmentState.PENDING,
    AssignmentState.ACCEPTED,
    AssignmentState.REASSIGNING,
)


def _base() -> QuerySet[Suggestion]:
    return Suggestion.objects.select_related("region", "lead_deputy", "session")


def suggestions_visible(user, perm: str = perms.VIEW) -> QuerySet[Suggestion]:
    """Items ``user`` may see (``perm`` VIEW) or act on as office/unit (MANAGE/HANDLE):
    by grant, as a unit holding an assignment, as a signer, or published. Anyone may
    call it; an outsider gets an empty queryset."""
    return perms.visible(_base(), user, perm)


def suggestion_get_visible(user, pk: int) -> Suggestion:
    """One item ``user`` may see, or Http404 (never 403: existence is not revealed)."""
    suggestion = suggestions_visible(user).filter(pk=pk).first()
    if suggestion is None:
        raise Http404
    return suggestion


def filter_suggestions(
    qs: QuerySet[Suggestion],
    *,
    q: str = "",
    kind: str = "",
    state: str = "",
    year: int | None = None,
    session_id: int | None = None,
    timing: str = "",
    category: str = "",
    result_class: str = "",
    unit_id: int | None = None,
    deputy_id: int | None = None,
    region: Region | None = None,
    supervised: str = "",
) -> QuerySet[Suggestion]:
    """The filters every list shares (GET parameters of the pages and the API)."""
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(title__contains=q) | Q(grounds__contains=q) | Q(proposal__contains=q) | Q(code=q)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if year:
        qs = qs.filter(year=year)
    if session_id:
        qs = qs.filter(session_id=session_id)
    if timing:
        qs = qs.filter(timing=timing)
    if category:
        qs = qs.filter(category=category)
    if result_class:
        qs = qs.filter(result_class=result_class)
    if unit_id:
        qs = qs.filter(
            pk__in=Assignment.objects.filter(unit_id=unit_id)
            .exclude(state=AssignmentState.REMOVED)
            .values("suggestion_id")
        )
    if deputy_id:
        qs = qs.filter(
            pk__in=Signer.objects.filter(deputy_id=deputy_id, state=SignerState.CONFIRMED).values(
                "suggestion_id"
            )
        )
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if supervised:
        qs = qs.filter(pk__in=Supervision.objects.filter(kind=supervised).values("suggestion_id"))
    return qs


# ---------------------------------------------------------------- sessions


def sessions_visible(user, perm: str = perms.MANAGE) -> QuerySet:
    """The plenary sessions of the congresses ``user`` holds ``perm`` on, newest first."""
    from minqing.suggestions.models import CongressSession

    return scope(CongressSession.objects.select_related("congress", "term"), user, perm).order_by(
        "-start_date", "-id"
    )


def session_get_visible(user, pk: int, perm: str = perms.MANAGE):
    session = sessions_visible(user, perm).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def congresses_managed(user) -> QuerySet:
    """Congresses whose items ``user`` manages, with their current term."""
    from minqing.people.models import Congress

    return scope(Congress.objects.select_related("region"), user, perms.MANAGE).order_by(
        "level", "region__path"
    )


# ---------------------------------------------------------------- deputies


def mine(user) -> QuerySet[Suggestion]:
    """The items the user's deputy leads, signed or is invited to sign, newest first;
    empty for a non-deputy."""
    deputy = deputy_of(user)
    if deputy is None:
        return Suggestion.objects.none()
    return _base().filter(perms.signed_q(deputy)).order_by("-created_at", "-id")


def invitations(user) -> QuerySet[Signer]:
    """Invitations to co-sign that wait for the user's deputy (drafts only)."""
    deputy = deputy_of(user)
    if deputy is None:
        return Signer.objects.none()
    return Signer.objects.filter(
        deputy=deputy, state=SignerState.INVITED, suggestion__state=SuggestionState.DRAFT
    ).select_related("suggestion", "suggestion__lead_deputy")


def withdraw_requests(user) -> QuerySet[Signer]:
    """The user's confirmed signatures on items whose lead asked to withdraw them and
    that still wait for this deputy's consent."""
    deputy = deputy_of(user)
    if deputy is None:
        return Signer.objects.none()
    return Signer.objects.filter(
        deputy=deputy,
        state=SignerState.CONFIRMED,
        is_lead=False,
        withdraw_agreed_at__isnull=True,
        suggestion__withdraw_requested_at__isnull=False,
        suggestion__state__in=(
            SuggestionState.DRAFT,
            SuggestionState.SUBMITTED,
            SuggestionState.ACCEPTED,
        ),
    ).select_related("suggestion", "suggestion__lead_deputy")


def awaiting_feedback(user) -> QuerySet[Suggestion]:
    """Items the user's deputy leads that wait for their rating."""
    deputy = deputy_of(user)
    if deputy is None:
        return Suggestion.objects.none()
    return (
        _base()
        .filter(lead_deputy=deputy, state=SuggestionState.REPLIED)
        .order_by("feedback_due", "id")
    )


# ---------------------------------------------------------------- office


def to_screen(user) -> QuerySet[Suggestion]:
    """Submitted items (suggestions to screen, motions for the presidium) the user
    manages, oldest deadline first."""
    return (
        suggestions_visible(user, perms.MANAGE)
        .filter(state=SuggestionState.SUBMITTED)
        .order_by("assign_due", "id")
    )


def to_assign(user) -> QuerySet[Suggestion]:
    """Accepted items waiting for assignment (the batch screen's rows)."""
    return (
        suggestions_visible(user, perms.MANAGE)
        .filter(state=SuggestionState.ACCEPTED)
        .order_by("assign_due", "number", "id")
    )


def managed_requests(user, model=ReassignRequest) -> QuerySet:
    """Pending reassignment (or, with ``model=Extension``, extension) requests on items
    the user manages, by decision deadline."""
    items = suggestions_visible(user, perms.MANAGE).values("pk")
    qs = model.objects.filter(state=RequestState.PENDING, assignment__suggestion__in=items)
    qs = qs.select_related("assignment__unit", "assignment__suggestion", "requested_by")
    if model is ReassignRequest:
        return qs.select_related("suggested_unit").order_by("decide_due", "id")
    return qs.order_by("requested_at", "id")


def pending_extensions(user) -> QuerySet[Extension]:
    return managed_requests(user, Extension)


def overdue_assignments(user, *, today: dt.date | None = None) -> QuerySet[Assignment]:
    """Parts still open past their reply deadline (co-handlers: past the view deadline),
    on items the user manages."""
    today = today or timezone.localdate()
    items = suggestions_visible(user, perms.MANAGE).values("pk")
    return (
        Assignment.objects.filter(suggestion__in=items, state__in=OPEN_ASSIGNMENT_STATES)
        .filter(
            Q(role__in=ANSWERING_ROLES, reply_due__lt=today)
            | Q(role=UnitRole.CO, view_due__lt=today)
        )
        .select_related("unit", "suggestion", "suggestion__lead_deputy")
        .order_by("reply_due", "id")
    )


# ---------------------------------------------------------------- units


def unit_assignments(user) -> QuerySet[Assignment]:
    """The assignments of the user's units (not those moved away), by deadline."""
    qs = Assignment.objects.exclude(state=AssignmentState.REMOVED)
    if not is_unrestricted(user):
        qs = scope(qs, user, perms.HANDLE)
    return qs.select_related(
        "unit", "suggestion", "suggestion__lead_deputy", "suggestion__region"
    ).order_by("reply_due", "id")


def unit_inbox(user) -> QuerySet[Assignment]:
    """The open parts of the user's units, by deadline: the unit inbox."""
    return unit_assignments(user).filter(
        Q(state__in=OPEN_ASSIGNMENT_STATES)
        | Q(state=AssignmentState.ANSWERED, suggestion__state=SuggestionState.REHANDLING)
    )


def commitments_visible(user) -> QuerySet[Commitment]:
    """Commitments the user may follow: their unit's, or those of items they manage or
    read by grant (leaders). The ledger page and export read this."""
    if is_unrestricted(user):
        qs = Commitment.objects.all()
    else:
        items = perms.visible(Suggestion.objects.all(), user, perms.VIEW).values("pk")
        qs = Commitment.objects.filter(suggestion__in=items)
        if not has_perm(user, perms.MANAGE) and perms.unit_ids(user):
            qs = qs.filter(unit_id__in=perms.unit_ids(user))
    # "open" sorts after "fulfilled": descending puts the promises still to keep first.
    return qs.select_related("unit", "suggestion", "reply").order_by("-state", "due_date", "id")


def commitment_get_visible(user, pk: int) -> Commitment:
    commitment = commitments_visible(user).filter(pk=pk).first()
    if commitment is None:
        raise Http404
    return commitment


# ---------------------------------------------------------------- detail


@dataclass
class DetailView:
    """What one reader may see of one item, computed once for a page or the API."""

    suggestion: Suggestion
    signers: list[Signer]
    assignments: list[Assignment]  # the parts this reader may see
    replies: list[Reply]
    files: list[SuggestionFile]
    supervisions: list[Supervision]
    sources: list[SourceOpinion]
    commitments: list[Commitment]
    events: list[TimelineEvent]
    own_assignments: list[Assignment] = field(default_factory=list)  # the reader unit's
    show_contact: bool = False
    is_office: bool = False


def detail_for(user, suggestion: Suggestion) -> DetailView:
    """The item as ``user`` may see it (the caller got it through
    :func:`suggestion_get_visible`).

    The office, leaders and deputies see every part. A unit sees its own parts, a lead
    unit also the co-handlers' views; a co-handler only its own part, and other units'
    replies only when the item is public. Contact data shows to the office and the
    units handling it.
    """
    is_office = perms.can(user, perms.MANAGE, suggestion)
    all_parts = list(
        suggestion.assignments.select_related("unit").prefetch_related(
            "contacts", "extensions", "reassign_requests"
        )
    )
    my_units = perms.unit_ids(user)
    own = [a for a in all_parts if a.unit_id in my_units and a.state != AssignmentState.REMOVED]
    # Units see their own parts (a lead also the co-handlers' views); every other reader
    # who may open the item (office, leaders, signers, deputies reading a published
    # item) sees all parts.
    reads_all = is_office or not my_units
    if reads_all:
        parts = all_parts
    elif any(a.role in ANSWERING_ROLES for a in own):
        parts = [a for a in all_parts if a in own or a.role == UnitRole.CO]
    else:
        parts = own
    visible_ids = {a.pk for a in parts}
    replies = list(
        suggestion.replies.select_related("assignment__unit", "feedback").prefetch_related(
            "files", "commitments"
        )
    )
    if not (reads_all or suggestion.is_public):
        replies = [r for r in replies if r.assignment_id in visible_ids]
    commitments = [c for r in replies for c in r.commitments.all()]
    show_contact = is_office or bool(own) or perms.can(user, perms.CONTACT, suggestion)
    return DetailView(
        suggestion=suggestion,
        signers=list(suggestion.signers.select_related("deputy")),
        assignments=parts,
        replies=replies,
        files=list(suggestion.files.filter(reply__isnull=True)),
        supervisions=list(suggestion.supervisions.all()),
        sources=list(suggestion.sources.select_related("opinion")),
        commitments=commitments,
        events=list(timeline(suggestion)),
        own_assignments=own,
        show_contact=show_contact,
        is_office=is_office,
    )


def timeline(suggestion: Suggestion, *, public_only: bool = False) -> QuerySet[TimelineEvent]:
    qs = TimelineEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Suggestion), object_id=str(suggestion.pk)
    ).select_related("actor")
    if public_only:
        qs = qs.filter(public=True)
    return qs.order_by("created_at", "id")


def file_get_visible(user, pk: int) -> SuggestionFile:
    """An attachment or reply document the user may download: the item must be visible
    and, for a reply's document, the reply part of what :func:`detail_for` shows."""
    f = SuggestionFile.objects.select_related("suggestion", "reply").filter(pk=pk).first()
    if f is None or not perms.can(user, perms.VIEW, f.suggestion):
        raise Http404
    if f.reply_id is not None:
        view = detail_for(user, f.suggestion)
        if f.reply_id not in {r.pk for r in view.replies}:
            raise Http404
    return f


# ---------------------------------------------------------------- public


def published() -> QuerySet[Suggestion]:
    """Items anyone may read (公开, past screening): the public list and public API.
    Never select contact fields for output from here."""
    return (
        Suggestion.objects.filter(perms.published_q())
        .select_related("region", "lead_deputy", "congress")
        .order_by("-year", "-number", "-id")
    )


def published_get(code: str) -> Suggestion:
    suggestion = published().filter(code=code).first()
    if suggestion is None:
        raise Http404
    return suggestion


def published_replies(suggestion: Suggestion) -> list[Reply]:
    """The replies of a published item (text, class, unit; never the internal parts)."""
    return list(
        suggestion.replies.select_related("assignment__unit").prefetch_related("commitments")
    )


# ---------------------------------------------------------------- citizens


def for_opinion(opinion) -> list[Suggestion]:
    """The suggestions a citizen's opinion went into (submitted or later; not drafts,
    not withdrawn), for the citizen's track page: number, title, state, outcome."""
    return list(
        Suggestion.objects.filter(
            sources__opinion=opinion,
            number__isnull=False,
        )
        .exclude(state=SuggestionState.WITHDRAWN)
        .prefetch_related(
            Prefetch("replies", queryset=Reply.objects.select_related("assignment__unit"))
        )
        .order_by("submitted_at", "id")
    )


def counts_for(user) -> dict[str, int]:
    """Badge figures for the navigation: invitations, to rate, to screen, to assign,
    open parts of the user's units."""
    out: dict[str, int] = {}
    if deputy_of(user) is not None:
        out["invitations"] = invitations(user).count()
        out["feedback"] = awaiting_feedback(user).count()
    if has_perm(user, perms.MANAGE):
        out["screen"] = to_screen(user).count()
        out["assign"] = to_assign(user).count()
    if perms.unit_ids(user):
        out["unit"] = unit_inbox(user).count()
    return out


__all__ = [
    "CommitmentState",
    "DetailView",
    "awaiting_feedback",
    "commitment_get_visible",
    "commitments_visible",
    "congresses_managed",
    "counts_for",
    "detail_for",
    "file_get_visible",
    "filter_suggestions",
    "for_opinion",
    "invitations",
    "managed_requests",
    "mine",
    "overdue_assignments",
    "pending_extensions",
    "published",
    "published_get",
    "published_replies",
    "session_get_visible",
    "sessions_visible",
    "suggestion_get_visible",
    "suggestions_visible",
    "timeline",
    "to_assign",
    "to_screen",
    "unit_assignments",
    "unit_inbox",
    "withdraw_requests",
]
