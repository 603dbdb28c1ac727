"""/api/v1/suggestions/public/…: what anyone may read without an account — the published
motions and suggestions (公开 and past screening; secret and private items never
appear) with their replies and commitments. No answer holds a contact name or phone,
the signer of a reply, a unit's contact person, an internal note or a staff member's
name: the shapes in ``schemas.public`` have no such fields."""

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Query, Router
from ninja.pagination import paginate

from minqing.core import codes
from minqing.core.api_pagination import Pagination
from minqing.opinions.validation import categories
from minqing.suggestions import selectors
from minqing.suggestions.models import PUBLIC_CODE_LENGTH, AssignmentState, SignerState
from minqing.suggestions.schemas.inputs import PublicFilter
from minqing.suggestions.schemas.public import PublicSuggestionDetailOut, PublicSuggestionOut

router = Router(tags=["suggestions-public"])

PUBLIC_VERBS = {
    "submit": gettext_lazy("代表提出"),
    "accept": gettext_lazy("审查受理"),
    "place_on_agenda": gettext_lazy("列入会议议程"),
    "assign": gettext_lazy("交付承办单位办理"),
    "unit_accept": gettext_lazy("承办单位签收"),
    "reassign": gettext_lazy("调整承办单位"),
    "contact": gettext_lazy("承办单位与代表沟通"),
    "extend": gettext_lazy("延期答复"),
    "supervise_key": gettext_lazy("列为重点督办"),
    "supervise_lead": gettext_lazy("领导领办"),
    "unit_reply": gettext_lazy("承办单位答复"),
    "reply": gettext_lazy("已答复代表"),
    "rehandle": gettext_lazy("代表不满意，重新办理"),
    "close": gettext_lazy("办结"),
    "commitment_fulfil": gettext_lazy("承诺事项已兑现"),
}
# The notes shown publicly are data, never prose a person typed: unit names, the new
# reply date, the supervising leader.
NOTE_VERBS = {
    "assign",
    "unit_accept",
    "reassign",
    "contact",
    "extend",
    "supervise_key",
    "supervise_lead",
    "unit_reply",
    "commitment_fulfil",
}


def _event(e) -> dict:
    return {
        "verb": e.verb,
        "label": str(PUBLIC_VERBS[e.verb]),
        "date": timezone.localtime(e.created_at).date(),
        "note": e.note if e.verb in NOTE_VERBS else "",
    }


@router.get("/public/", auth=None, response=list[PublicSuggestionOut])
@paginate(Pagination)
def public_list(request: HttpRequest, filters: Query[PublicFilter]):
    """Published motions and suggestions, newest first, searchable by text (title,
    grounds, proposal or public code), year, kind, category, handling unit and result
    class. Secret and private items never appear."""
    return selectors.filter_suggestions(
        selectors.published().select_related("session"),
        q=filters.q,
        kind=filters.kind,
        year=filters.year,
        category=filters.category,
        unit_id=filters.unit_id,
        result_class=filters.result_class,
    )


@router.get("/public/{code}", auth=None, response=PublicSuggestionDetailOut)
def public_detail(request: HttpRequest, code: str):
    """One published item by its public code: the matter, its deputies, the units
    handling it, who supervises it, the replies (unit, class, text, date) with their
    commitments, and the public steps. 404 for an unknown, unpublished, secret or
    private item alike."""
    code = codes.normalise(code)
    if not codes.is_valid(code, length=PUBLIC_CODE_LENGTH):
        raise Http404
    s = selectors.published_get(code)
    names = {c["code"]: c.get("name", "") for c in categories(s.region)}
    s.api_category_label = names.get(s.category, "")
    s.api_deputies = [
        signer.deputy.name
        for signer in s.signers.filter(state=SignerState.CONFIRMED).select_related("deputy")
    ]
    s.api_units = [
        {"name": a.unit.name, "role": a.role, "role_label": str(a.get_role_display())}
        for a in s.assignments.exclude(state=AssignmentState.REMOVED).select_related("unit")
    ]
    s.api_supervisions = [f"{sup.get_kind_display()}：{sup.leader}" for sup in s.supervisions.all()]
    s.api_replies = selectors.published_replies(s)
    s.api_events = [
        _event(e) for e in selectors.timeline(s, public_only=True) if e.verb in PUBLIC_VERBS
    ]
    return s
