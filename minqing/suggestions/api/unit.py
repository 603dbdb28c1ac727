"""/api/v1/suggestions/ for handling units (``suggestions.handle`` on their part): the
inbox, signing, asking for reassignment (a unit never passes an item on itself), the
co-handler's view, contacts with the deputies, the reply with its signed PDF
(multipart), extension requests and the commitment ledger."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import File, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate

from minqing.core.api_pagination import Pagination
from minqing.opinions.api._common import JsonOrForm, aware, both_bodies
from minqing.opinions.uploads import clean_attachment
from minqing.suggestions import actions, selectors
from minqing.suggestions.api._common import detail_of, part_get, require_unit, unit_by_id
from minqing.suggestions.schemas.inputs import (
    CommitmentFilter,
    ContactIn,
    ExtensionIn,
    FulfilIn,
    ProgressIn,
    ReassignIn,
    ReplyIn,
    ViewIn,
)
from minqing.suggestions.schemas.outputs import (
    CommitmentDetailOut,
    CommitmentListOut,
    PartOut,
    SuggestionDetailOut,
)

router = Router(tags=["suggestions-unit"])


@router.get("/unit/inbox", response=list[PartOut])
@paginate(Pagination)
def unit_inbox(request: HttpRequest):
    """The open parts of the caller's units (and those sent back for re-handling), by
    reply deadline (403 for a caller who is not unit staff)."""
    require_unit(request.user)
    return selectors.unit_inbox(request.user).select_related("suggestion__session")


@router.post("/parts/{int:part_id}/accept", response=SuggestionDetailOut)
def accept_part(request: HttpRequest, part_id: int):
    """Sign for the unit's part (签收) while it is pending."""
    part = part_get(request.user, part_id)
    actions.assignment_accept(actor=request.user, assignment=part)
    return detail_of(request, part.suggestion_id)


@router.post("/parts/{int:part_id}/reassign", response=SuggestionDetailOut)
def request_reassign(request: HttpRequest, part_id: int, payload: ReassignIn):
    """Apply for reassignment (申请调整交办) within the deadline; the unit keeps the item
    until the office decides."""
    part = part_get(request.user, part_id)
    actions.reassign_request(
        actor=request.user,
        assignment=part,
        reason=payload.reason,
        suggested_unit=unit_by_id(payload.suggested_unit_id, "suggested_unit_id"),
    )
    return detail_of(request, part.suggestion_id)


@router.post("/parts/{int:part_id}/view", response=SuggestionDetailOut)
def cohandler_view(request: HttpRequest, part_id: int, payload: ViewIn):
    """A co-handling unit sends its view to the lead unit (会办意见)."""
    part = part_get(request.user, part_id)
    actions.cohandler_view(actor=request.user, assignment=part, text=payload.text)
    return detail_of(request, part.suggestion_id)


@router.post("/parts/{int:part_id}/contact", response=SuggestionDetailOut)
def contact(request: HttpRequest, part_id: int, payload: ContactIn):
    """Record a contact with the deputies (走访、座谈、电话…); a reply needs one."""
    part = part_get(request.user, part_id)
    actions.assignment_contact(
        actor=request.user,
        assignment=part,
        method=payload.method,
        note=payload.note,
        contacted_at=aware(payload.contacted_at),
    )
    return detail_of(request, part.suggestion_id)


def _document(upload) -> object | None:
    """The signed reply, verified like every upload; the action requires a PDF."""
    if upload is None:
        return None
    try:
        return clean_attachment(upload)
    except ValidationError as exc:
        raise ValidationError({"document": exc.messages}) from None


_REPLY_EXAMPLE = {
    "result_class": "B",
    "text": "经研究，我局已会同市财政局修订老旧小区加装电梯补贴办法，补贴标准提高到每台25万元。",
    "signed_by": "张建华",
    "contact_person": "王丽",
    "commitments": [{"text": "年内出台新的补贴办法", "due_date": "2026-12-31"}],
}


@router.post(
    "/parts/{int:part_id}/reply",
    response=SuggestionDetailOut,
    openapi_extra=both_bodies(ReplyIn, _REPLY_EXAMPLE),
)
def reply(
    request: HttpRequest,
    part_id: int,
    payload: JsonOrForm[ReplyIn],
    document: File[UploadedFile] = None,
):
    """The lead or a separate unit answers (答复), after a contact with the deputies:
    ``multipart/form-data`` with ``result_class`` (A/B/C/D), ``text``, ``signed_by``,
    ``contact_person``, ``commitments`` (one field holding a JSON array; required for
    class B) and the signed PDF under ``document``::

        curl -F result_class=B -F text=… -F signed_by=张建华 \\
             -F 'commitments=[{"text": "年内出台新的补贴办法", "due_date": "2026-12-31"}]' \\
             -F document=@答复函.pdf …/api/v1/suggestions/parts/7/reply

    A file that is not a PDF is refused with 422 on ``document``."""
    part = part_get(request.user, part_id)
    actions.suggestion_reply(
        actor=request.user,
        assignment=part,
        result_class=payload.result_class,
        text=payload.text,
        signed_by=payload.signed_by,
        document=_document(document),
        contact_person=payload.contact_person,
        commitments=[(c.text, c.due_date) for c in payload.commitments],
    )
    return detail_of(request, part.suggestion_id)


@router.post("/parts/{int:part_id}/extension", response=SuggestionDetailOut)
def request_extension(request: HttpRequest, part_id: int, payload: ExtensionIn):
    """Ask the office to reply later (延期答复), up to the cap after assignment."""
    part = part_get(request.user, part_id)
    actions.extension_request(
        actor=request.user, assignment=part, new_due=payload.new_due, reason=payload.reason
    )
    return detail_of(request, part.suggestion_id)


# --- the commitment ledger ------------------------------------------------------------------


@router.get("/commitments", response=list[CommitmentListOut])
@paginate(Pagination)
def list_commitments(request: HttpRequest, filters: Query[CommitmentFilter]):
    """Commitments (承诺事项) the caller follows: their unit's, or those of the items they
    read (office, leaders, deputies). Open ones first."""
    qs = selectors.commitments_visible(request.user)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.unit_id:
        qs = qs.filter(unit_id=filters.unit_id)
    return qs


@router.get("/commitments/{int:commitment_id}", response=CommitmentDetailOut)
def get_commitment(request: HttpRequest, commitment_id: int):
    """One commitment with its progress notes."""
    return selectors.commitment_get_visible(request.user, commitment_id)


@router.post("/commitments/{int:commitment_id}/progress", response=CommitmentDetailOut)
def commitment_progress(request: HttpRequest, commitment_id: int, payload: ProgressIn):
    """Report progress on an open commitment (the unit that made it)."""
    commitment = selectors.commitment_get_visible(request.user, commitment_id)
    actions.commitment_progress(
        actor=request.user, commitment=commitment, note=payload.note, percent=payload.percent
    )
    return selectors.commitment_get_visible(request.user, commitment_id)


@router.post("/commitments/{int:commitment_id}/fulfil", response=CommitmentDetailOut)
def commitment_fulfil(request: HttpRequest, commitment_id: int, payload: FulfilIn):
    """Mark a commitment fulfilled (已兑现) with what was done (the unit that made it)."""
    commitment = selectors.commitment_get_visible(request.user, commitment_id)
    actions.commitment_fulfil(actor=request.user, commitment=commitment, note=payload.note)
    return selectors.commitment_get_visible(request.user, commitment_id)
