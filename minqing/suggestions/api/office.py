"""/api/v1/suggestions/ for the congress office (``suggestions.manage`` on the item):
screening, the presidium's decision on motions, assignment of one item or a session's
batch, reassignment and extension requests, supervision, closing and the overdue list.
Each step calls one action; a unit id the office may not use is the action's 422."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from minqing.core.api_pagination import Pagination
from minqing.suggestions import actions, selectors
from minqing.suggestions.api._common import (
    batch_get,
    detail_of,
    extension_get,
    reassign_request_get,
    require_office,
    session_by_id,
    unit_by_id,
    units_by_id,
    user_by_id,
)
from minqing.suggestions.schemas.inputs import (
    AcceptIn,
    AssignIn,
    BatchIn,
    DecideIn,
    ExtensionDecideIn,
    NoteIn,
    RejectIn,
    RequestDecideIn,
    SuperviseIn,
)
from minqing.suggestions.schemas.outputs import (
    BatchOut,
    ExtensionListOut,
    PartOut,
    ReassignListOut,
    SuggestionDetailOut,
)

router = Router(tags=["suggestions-office"])


def _item(request: HttpRequest, suggestion_id: int):
    return selectors.suggestion_get_visible(request.user, suggestion_id)


# --- screening and the presidium -------------------------------------------------------


@router.post("/{int:suggestion_id}/accept", response=SuggestionDetailOut)
def accept(request: HttpRequest, suggestion_id: int, payload: AcceptIn):
    """Accept a submitted suggestion after screening (受理), optionally setting its
    category. Motions go to the presidium (``/decide``)."""
    suggestion = _item(request, suggestion_id)
    actions.suggestion_accept(
        actor=request.user, suggestion=suggestion, category=payload.category, note=payload.note
    )
    return detail_of(request, suggestion_id)


@router.post("/{int:suggestion_id}/reject", response=SuggestionDetailOut)
def reject(request: HttpRequest, suggestion_id: int, payload: RejectIn):
    """Not accept a submitted suggestion (不予受理) for one of the statutory reasons; the
    note is told to the deputies."""
    suggestion = _item(request, suggestion_id)
    actions.suggestion_reject(
        actor=request.user, suggestion=suggestion, reason=payload.reason, note=payload.note
    )
    return detail_of(request, suggestion_id)


@router.post("/{int:suggestion_id}/decide", response=SuggestionDetailOut)
def decide(request: HttpRequest, suggestion_id: int, payload: DecideIn):
    """Record the presidium's decision on a submitted motion: ``agenda``,
    ``not_placed`` or ``converted`` (a suggestion is created: ``converted_to_id``)."""
    suggestion = _item(request, suggestion_id)
    actions.motion_decide(
        actor=request.user, suggestion=suggestion, decision=payload.decision, note=payload.note
    )
    return detail_of(request, suggestion_id)


# --- assignment ---------------------------------------------------------------------------


def _plan_units(payload: AssignIn) -> dict:
    return {
        "mode": payload.mode,
        "lead_unit": unit_by_id(payload.lead_unit_id, "lead_unit_id"),
        "co_units": units_by_id(payload.co_unit_ids, "co_unit_ids"),
        "units": units_by_id(payload.unit_ids, "unit_ids"),
        "instructions": payload.instructions,
    }


@router.post("/{int:suggestion_id}/assign", response=SuggestionDetailOut)
def assign(request: HttpRequest, suggestion_id: int, payload: AssignIn):
    """Assign an accepted item (交办): ``mode=lead`` with ``lead_unit_id`` and
    ``co_unit_ids``, or ``mode=separate`` with two or more ``unit_ids``. Deadlines come
    from the region's settings."""
    suggestion = _item(request, suggestion_id)
    actions.suggestion_assign(actor=request.user, suggestion=suggestion, **_plan_units(payload))
    return detail_of(request, suggestion_id)


@router.post("/batches", response={201: BatchOut})
def assign_batch(request: HttpRequest, payload: BatchIn):
    """Assign many accepted items at once (a session's batch screen): all or nothing;
    an error names the item. **201** with the batch, whose notices print together."""
    ids = [plan.suggestion_id for plan in payload.plans]
    if len(set(ids)) != len(ids):
        raise ValidationError({"plans": [_("同一件建议在批量交办中只能出现一次")]})
    found = selectors.suggestions_visible(request.user).in_bulk(ids)
    if len(found) != len(ids):
        raise Http404
    plans = [
        actions.Plan(suggestion=found[plan.suggestion_id], **_plan_units(plan))
        for plan in payload.plans
    ]
    batch = actions.suggestions_assign_batch(
        actor=request.user, plans=plans, session=session_by_id(payload.session_id)
    )
    return Status(201, batch_get(request.user, batch.pk))


@router.get("/batches/{int:batch_id}", response=BatchOut)
def get_batch(request: HttpRequest, batch_id: int):
    """One batch assignment of the caller's region with its rows (item, unit, role,
    reply deadline)."""
    return batch_get(request.user, batch_id)


# --- requests from the units ------------------------------------------------------------------


@router.get("/reassign-requests", response=list[ReassignListOut])
@paginate(Pagination)
def list_reassign_requests(request: HttpRequest):
    """Pending reassignment requests (调整交办) on the caller's items, by decision
    deadline (403 for a caller who is not office staff)."""
    require_office(request.user)
    return selectors.managed_requests(request.user)


@router.post("/reassign-requests/{int:request_id}/decide", response=SuggestionDetailOut)
def decide_reassign(request: HttpRequest, request_id: int, payload: RequestDecideIn):
    """Approve (moving the part to ``new_unit_id`` with fresh deadlines) or refuse (the
    unit keeps it; a note is required) a reassignment request; 409 once decided."""
    req = reassign_request_get(request.user, request_id)
    actions.reassign_decide(
        actor=request.user,
        request=req,
        approve=payload.approve,
        new_unit=unit_by_id(payload.new_unit_id, "new_unit_id") if payload.approve else None,
        note=payload.note,
    )
    return detail_of(request, req.assignment.suggestion_id)


@router.get("/extensions", response=list[ExtensionListOut])
@paginate(Pagination)
def list_extensions(request: HttpRequest):
    """Pending extension requests (延期答复) on the caller's items, oldest first."""
    require_office(request.user)
    return selectors.pending_extensions(request.user)


@router.post("/extensions/{int:extension_id}/decide", response=SuggestionDetailOut)
def decide_extension(request: HttpRequest, extension_id: int, payload: ExtensionDecideIn):
    """Approve (the reply deadline moves, never past the cap) or refuse an extension
    request; 409 once decided."""
    extension = extension_get(request.user, extension_id)
    actions.extension_decide(
        actor=request.user, extension=extension, approve=payload.approve, note=payload.note
    )
    return detail_of(request, extension.assignment.suggestion_id)


# --- oversight --------------------------------------------------------------------------------


@router.post("/{int:suggestion_id}/supervise", response=SuggestionDetailOut)
def supervise(request: HttpRequest, suggestion_id: int, payload: SuperviseIn):
    """Mark an item for key supervision (``key``, 重点督办) or name the leader who leads
    it (``lead``, 领办); a leader's account (``user_id``) reads it and is notified."""
    suggestion = _item(request, suggestion_id)
    actions.suggestion_supervise(
        actor=request.user,
        suggestion=suggestion,
        kind=payload.kind,
        leader=payload.leader,
        body=payload.body,
        user=user_by_id(payload.user_id),
        note=payload.note,
    )
    return detail_of(request, suggestion_id)


@router.post("/{int:suggestion_id}/close", response=SuggestionDetailOut)
def close(request: HttpRequest, suggestion_id: int, payload: NoteIn):
    """Close a replied item (办结) once the deputies' feedback deadline has passed."""
    suggestion = _item(request, suggestion_id)
    actions.suggestion_close(actor=request.user, suggestion=suggestion, note=payload.note)
    return detail_of(request, suggestion_id)


@router.get("/overdue", response=list[PartOut])
@paginate(Pagination)
def list_overdue(request: HttpRequest):
    """Parts still open past their reply deadline (co-handlers: their view deadline) on
    the caller's items, oldest deadline first."""
    require_office(request.user)
    return selectors.overdue_assignments(request.user).select_related(
        "suggestion__region", "suggestion__session"
    )
