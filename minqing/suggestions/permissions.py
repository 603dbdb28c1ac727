"""Who may see and act on a motion or suggestion.

- Congress staff (代表工委/办公室) work on the items of their region and below
  (``suggestions.manage``); leaders read them and the items they supervise.
- A handling unit reaches an item only through an assignment it still holds: a unit
  sees its own assignments, and a co-handler only its part (``selectors`` hide the
  other units' work from it).
- A deputy sees the items they signed or were invited to sign, and the public items
  (公开 and past screening), and acts on them as lead or co-signer.

Actions, selectors and pages all ask here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from minqing.core.permissions import grants_for, has_perm, is_unrestricted
from minqing.opinions.permissions import deputy_of
from minqing.suggestions.models import (
    Assignment,
    AssignmentState,
    Disclosure,
    Signer,
    SignerState,
    Suggestion,
    SuggestionState,
    Supervision,
)

VIEW = "suggestions.view_suggestion"
MANAGE = "suggestions.manage"
HANDLE = "suggestions.handle"
CONTACT = "suggestions.view_contact"
STATS = "suggestions.view_stats"

# Past screening and not withheld: what the public list and every deputy may read.
PUBLISHED_STATES = (
    SuggestionState.ACCEPTED,
    SuggestionState.ASSIGNED,
    SuggestionState.REPLIED,
    SuggestionState.REHANDLING,
    SuggestionState.CLOSED,
    SuggestionState.ON_AGENDA,
)


def published_q() -> Q:
    return Q(disclosure=Disclosure.PUBLIC, state__in=PUBLISHED_STATES)


def _unit_items(unit_id: int) -> QuerySet:
    return (
        Assignment.objects.filter(unit_id=unit_id)
        .exclude(state=AssignmentState.REMOVED)
        .values("suggestion_id")
    )


def _grant_q(user, perm: str) -> Q:
    q = Q(pk__in=[])
    for g in grants_for(user, perm):
        if g.unit_id:
            q |= Q(pk__in=_unit_items(g.unit_id))
        elif g.station_id is None:
            q |= Q(region__path__startswith=g.region.path)
    return q


def signed_q(deputy) -> Q:
    """Items the deputy leads, signed, or is invited to sign (not those they declined)."""
    return Q(
        pk__in=Signer.objects.filter(deputy=deputy)
        .exclude(state=SignerState.DECLINED)
        .values("suggestion_id")
    )


def visible(qs: QuerySet[Suggestion], user, perm: str = VIEW) -> QuerySet[Suggestion]:
    """The items of ``qs`` on which ``user`` holds ``perm``.

    ``perm`` is one of VIEW, MANAGE, HANDLE, CONTACT. Deputies read (VIEW) their own
    and the published items; leaders also read what they supervise.
    """
    if is_unrestricted(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    q = _grant_q(user, perm)
    if perm == VIEW:
        deputy = deputy_of(user)
        if deputy is not None:
            q |= signed_q(deputy) | published_q()
        q |= Q(pk__in=Supervision.objects.filter(user=user).values("suggestion_id"))
    return qs.filter(q)


def can(user, perm: str, suggestion: Suggestion) -> bool:
    """Whether ``user`` holds ``perm`` on ``suggestion``."""
    if is_unrestricted(user):
        return True
    return visible(Suggestion.objects.filter(pk=suggestion.pk), user, perm).exists()


def require(user, perm: str, suggestion: Suggestion) -> None:
    if not can(user, perm, suggestion):
        raise PermissionDenied(_("您没有办理这件议案建议的权限"))


def can_handle(user, assignment: Assignment) -> bool:
    """Unit staff of the assignment's unit (or a grant covering the item's region)."""
    return has_perm(user, HANDLE, assignment)


def require_handle(user, assignment: Assignment) -> None:
    if not can_handle(user, assignment):
        raise PermissionDenied(_("只有承办单位可以办理本单位承办的事项"))


def signer_of(user, suggestion: Suggestion) -> Signer | None:
    """The user's signer row on ``suggestion`` (as its deputy), or None."""
    deputy = deputy_of(user)
    if deputy is None:
        return None
    return Signer.objects.filter(suggestion=suggestion, deputy=deputy).first()


def is_lead(user, suggestion: Suggestion) -> bool:
    deputy = deputy_of(user)
    return deputy is not None and suggestion.lead_deputy_id == deputy.pk


def require_lead_or_office(user, suggestion: Suggestion) -> None:
    """The lead deputy, or the office entering it for them (代录)."""
    if is_lead(user, suggestion) or can(user, MANAGE, suggestion):
        return
    raise PermissionDenied(_("只有领衔代表或人大工作人员可以进行此操作"))


def can_draft(user) -> bool:
    """A deputy drafts their own; the office enters items for deputies."""
    return deputy_of(user) is not None or has_perm(user, MANAGE)


def unit_ids(user) -> set[int]:
    """The handling units the user works for (unit grants with ``suggestions.handle``)."""
    return {g.unit_id for g in grants_for(user, HANDLE) if g.unit_id}
