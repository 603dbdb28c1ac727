"""Reads the deputies' pages and the item page need beyond ``selectors``: the
deputy's rows with their own signature, the rows a POST acts on (404 outside the
reader's scope), the pools the pickers search, and small lookups of the detail page.

Every read starts from a scoped queryset (``selectors.suggestions_visible``,
``opinions.permissions.visible``, ``core.permissions.scope``), like ``selectors``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext_lazy

from minqing.core import codes
from minqing.core.permissions import grants_for, is_unrestricted, scope
from minqing.opinions import permissions as opinion_perms
from minqing.opinions.models import Opinion, OpinionState
from minqing.opinions.permissions import deputy_of
from minqing.people.models import Congress, Deputy, DeputyStatus
from minqing.suggestions import permissions as perms
from minqing.suggestions import selectors
from minqing.suggestions.models import (
    ANSWERING_ROLES,
    Assignment,
    Commitment,
    CommitmentProgress,
    CongressSession,
    Reply,
    Signer,
    SignerState,
    Suggestion,
    SuggestionState,
)
from minqing.suggestions.selectors import DetailView

# How many matches a picker shows: enough to choose from, never thousands of options.
PICKER_LIMIT = 20
# Opinions that live on in another one are linked through that one instead.
_NOT_LINKABLE = (OpinionState.MERGED,)


# --- the deputy's lists ---------------------------------------------------------------


def mine_rows(user) -> QuerySet[Suggestion]:
    """``selectors.mine`` with what each row shows: the reader's own signature (lead,
    confirmed, invited) and the earliest open reply deadline of the answering units.
    Two correlated subqueries, no query per row."""
    deputy = deputy_of(user)
    if deputy is None:
        return Suggestion.objects.none()
    own = Signer.objects.filter(suggestion=OuterRef("pk"), deputy=deputy)
    due = (
        Assignment.objects.filter(
            suggestion=OuterRef("pk"),
            role__in=ANSWERING_ROLES,
            state__in=selectors.OPEN_ASSIGNMENT_STATES,
        )
        .order_by("reply_due")
        .values("reply_due")[:1]
    )
    return selectors.mine(user).annotate(
        my_state=Subquery(own.values("state")[:1]),
        my_lead=Subquery(own.values("is_lead")[:1]),
        next_reply_due=Subquery(due),
    )


# --- rows a POST acts on -----------------------------------------------------------------


def signer_get_visible(user, pk: int) -> Signer:
    """A signature on an item the reader may see, or Http404. Whether the reader may
    answer for it is the action's question (403)."""
    signer = (
        Signer.objects.select_related("suggestion", "deputy")
        .filter(pk=pk, suggestion__in=selectors.suggestions_visible(user).values("pk"))
        .first()
    )
    if signer is None:
        raise Http404
    return signer


def reply_get_visible(user, pk: int) -> Reply:
    """A reply of an item the reader may see and whose replies the detail page shows
    them, or Http404."""
    reply = (
        Reply.objects.select_related("suggestion", "assignment__unit")
        .filter(pk=pk, suggestion__in=selectors.suggestions_visible(user).values("pk"))
        .first()
    )
    if reply is None:
        raise Http404
    return reply


# --- what the draft form offers ---------------------------------------------------------


def managed_congresses(user) -> QuerySet[Congress]:
    """Congresses whose items the user may enter for a deputy (``suggestions.manage``)."""
    return scope(Congress.objects.all(), user, perms.MANAGE)


def managed_deputies(user) -> QuerySet[Deputy]:
    """Active deputies of current terms the user may enter items for (代录)."""
    if not is_unrestricted(user) and not grants_for(user, perms.MANAGE):
        return Deputy.objects.none()
    return Deputy.objects.filter(
        status=DeputyStatus.ACTIVE,
        term__is_current=True,
        term__congress__in=managed_congresses(user).values("pk"),
    ).select_related("term__congress")


def cosigner_pool(user) -> QuerySet[Deputy]:
    """Deputies the reader may name as co-signers: the active deputies of their own
    term (a deputy) and those the office manages. The action checks the lead's term."""
    q = Q(pk__in=managed_deputies(user).values("pk"))
    deputy = deputy_of(user)
    if deputy is not None:
        q |= Q(term_id=deputy.term_id)
    return Deputy.objects.filter(q, status=DeputyStatus.ACTIVE)


def search_deputies(qs: QuerySet[Deputy], text: str) -> list[Deputy]:
    """At most ``PICKER_LIMIT`` deputies of ``qs`` by name or deputy number."""
    text = (text or "").strip()[:40]
    if not text:
        return []
    found = qs.filter(Q(name__contains=text) | Q(deputy_number__startswith=text))
    return list(found.order_by("name", "id")[:PICKER_LIMIT])


def answerable_opinions(user) -> QuerySet[Opinion]:
    """Citizen opinions the reader may answer and so carry into a suggestion."""
    return opinion_perms.visible(
        Opinion.objects.select_related("region").exclude(state__in=_NOT_LINKABLE),
        user,
        "opinions.answer",
    )


def search_opinions(user, text: str) -> list[Opinion]:
    """At most ``PICKER_LIMIT`` answerable opinions by tracking code or text, newest
    first."""
    text = (text or "").strip()[:100]
    if not text:
        return []
    code = codes.normalise(text)
    found = answerable_opinions(user).filter(Q(code=code) | Q(text__contains=text))
    return list(found.order_by("-created_at", "-id")[:PICKER_LIMIT])


def sessions_for(user, deputy: Deputy | None) -> QuerySet[CongressSession]:
    """Sessions an item may be raised in: those of the deputy's term, and for the
    office those of the congresses it manages."""
    q = Q(pk__in=[])
    if deputy is not None:
        q |= Q(term_id=deputy.term_id)
    if is_unrestricted(user) or grants_for(user, perms.MANAGE):
        q |= Q(congress__in=managed_congresses(user).values("pk"), term__is_current=True)
    return CongressSession.objects.filter(q).order_by("-start_date", "-id")


def sessions_visible(user) -> QuerySet[CongressSession]:
    """Sessions offered in the list's filter: the reader deputy's term's and those of
    the congresses their grants cover."""
    q = Q(pk__in=scope(CongressSession.objects.all(), user, perms.VIEW).values("pk"))
    deputy = deputy_of(user)
    if deputy is not None:
        q |= Q(term_id=deputy.term_id)
    return CongressSession.objects.filter(q).order_by("-start_date", "-id")


# --- the item page -----------------------------------------------------------------------


def progress_by_commitment(commitments: Iterable[Commitment]) -> dict[int, list]:
    """The progress notes of ``commitments`` in one query, oldest first."""
    ids = [c.pk for c in commitments]
    out: dict[int, list] = defaultdict(list)
    if not ids:
        return out
    for p in CommitmentProgress.objects.filter(commitment_id__in=ids).order_by("created_at", "id"):
        out[p.commitment_id].append(p)
    return out


def openable_opinion_ids(user, ids: Iterable[int]) -> set[int]:
    """Which of the opinions ``ids`` the reader may open on the staff opinion page."""
    ids = list(ids)
    if not ids:
        return set()
    from minqing.opinions import selectors as opinion_selectors

    return set(
        opinion_selectors.opinions_visible(user).filter(pk__in=ids).values_list("pk", flat=True)
    )


def reads_as_public(user, view: DetailView) -> bool:
    """Whether the reader opens the item only because it is published: a deputy who
    neither signed it nor holds a grant over it, a unit part, or its supervision. Such a
    reader sees its public timeline, not the internal steps."""
    s = view.suggestion
    if is_unrestricted(user) or view.is_office or view.own_assignments:
        return False
    deputy = deputy_of(user)
    if deputy is not None and any(
        x.deputy_id == deputy.pk and x.state != SignerState.DECLINED for x in view.signers
    ):
        return False
    for g in grants_for(user, perms.VIEW):
        if not g.unit_id and g.station_id is None and s.region.path.startswith(g.region.path):
            return False
    return not any(sv.user_id == user.pk for sv in view.supervisions)


def linked_suggestions(user, opinion: Opinion) -> list[Suggestion]:
    """The items an opinion went into that the reader may open (the opinion page)."""
    return list(
        selectors.suggestions_visible(user)
        .filter(sources__opinion=opinion)
        .order_by("-created_at", "-id")
    )


# --- the citizen's track page ----------------------------------------------------------------

# The state of an item in the words a citizen reads on the track page.
CITIZEN_STATE_TEXT = {
    SuggestionState.SUBMITTED: gettext_lazy("代表已提交，人大常委会工作机构正在审查"),
    SuggestionState.ACCEPTED: gettext_lazy("已受理，即将交有关单位办理"),
    SuggestionState.NOT_ACCEPTED: gettext_lazy("经审查未予受理"),
    SuggestionState.ASSIGNED: gettext_lazy("已交有关单位办理"),
    SuggestionState.REPLIED: gettext_lazy("承办单位已答复，正在征求代表意见"),
    SuggestionState.REHANDLING: gettext_lazy("代表对答复不满意，承办单位正在重新办理"),
    SuggestionState.CLOSED: gettext_lazy("已办结"),
    SuggestionState.ON_AGENDA: gettext_lazy("已列入人民代表大会会议议程"),
    SuggestionState.NOT_PLACED: gettext_lazy("未列入人民代表大会会议议程"),
    SuggestionState.CONVERTED: gettext_lazy("已转为代表建议办理"),
}
# States in which the outcome (result class, reply) is told.
_ANSWERED = (SuggestionState.REPLIED, SuggestionState.CLOSED)


@dataclass
class CitizenRow:
    """One item a citizen's opinion went into, as the track page shows it: always its
    number, kind and state; its title, result and reply text only when it is public."""

    code: str
    kind: str
    number: str
    state_text: str
    public: bool
    published: bool = False
    title: str = ""
    result: str = ""
    replies: list[tuple[str, str]] = field(default_factory=list)


def citizen_rows(*opinions: Opinion) -> list[CitizenRow]:
    """The suggestions ``opinions`` (the citizen's, and the one it was merged into)
    went into, for the citizen's track page (``selectors.for_opinion``). Secret and
    private items show their number and state only."""
    seen: set[int] = set()
    rows = []
    for opinion in opinions:
        for s in selectors.for_opinion(opinion):
            if s.pk in seen:
                continue
            seen.add(s.pk)
            row = CitizenRow(
                code=s.code,
                kind=s.get_kind_display(),
                number=s.display_number,
                state_text=str(CITIZEN_STATE_TEXT.get(s.state, s.get_state_display())),
                public=s.is_public,
            )
            if s.is_public:
                row.title = s.title
                row.published = s.state in perms.PUBLISHED_STATES
                if s.state in _ANSWERED and s.result_class:
                    row.result = s.get_result_class_display()
                    row.replies = [
                        (r.assignment.unit.name, r.text)
                        for r in s.replies.all()
                        if r.round == s.round
                    ]
            rows.append(row)
    return rows


__all__ = [
    "CITIZEN_STATE_TEXT",
    "PICKER_LIMIT",
    "CitizenRow",
    "answerable_opinions",
    "citizen_rows",
    "cosigner_pool",
    "linked_suggestions",
    "managed_congresses",
    "managed_deputies",
    "mine_rows",
    "openable_opinion_ids",
    "progress_by_commitment",
    "reads_as_public",
    "reply_get_visible",
    "search_deputies",
    "search_opinions",
    "sessions_for",
    "sessions_visible",
    "signer_get_visible",
]
