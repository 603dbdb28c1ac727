"""/api/v1/suggestions/ for every signed-in reader and for deputies: the list and the
detail (as ``selectors.detail_for`` lets the caller see it), the sessions and the
files; drafting (JSON or multipart with attachments), co-signing, submitting,
withdrawing and rating the replies. Outside the caller's sight 404; in sight but not
theirs to act on 403; a step the state table refuses 409; a bad field 422."""

from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from minqing.core.api_pagination import Pagination
from minqing.opinions.api._common import JsonOrForm, both_bodies
from minqing.suggestions import actions, selectors
from minqing.suggestions.api._common import (
    clean_attachments,
    deputies_by_id,
    detail_of,
    opinions_by_id,
    region_by_code,
    reply_get,
    require_deputy,
    session_by_id,
    sessions_in_scope,
    signer_get,
)
from minqing.suggestions.schemas.inputs import (
    FeedbackIn,
    InviteIn,
    ReasonIn,
    SuggestionCreateIn,
    SuggestionFilter,
    SuggestionUpdateIn,
)
from minqing.suggestions.schemas.outputs import (
    InvitationOut,
    SessionOut,
    SuggestionDetailOut,
    SuggestionListOut,
)

router = Router(tags=["suggestions"])

TEXT_FIELDS = (
    "title",
    "grounds",
    "proposal",
    "category",
    "disclosure",
    "contact_name",
    "contact_phone",
)
_INBOXES = {
    "screen": selectors.to_screen,
    "assign": selectors.to_assign,
    "feedback": selectors.awaiting_feedback,
}


# --- reading ------------------------------------------------------------------------------


@router.get("/", response=list[SuggestionListOut])
@paginate(Pagination)
def list_suggestions(request: HttpRequest, filters: Query[SuggestionFilter]):
    """Every item the caller may see (empty for one who sees none), or one inbox:
    ``screen`` (submitted, to screen), ``assign`` (accepted, to assign) for the office,
    ``feedback`` (replies the caller's deputy is to rate). Filters as on the list page.
    No list carries contact data."""
    if filters.inbox:
        qs = _INBOXES[filters.inbox](request.user)
    else:
        qs = selectors.suggestions_visible(request.user).order_by("-created_at", "-id")
    return selectors.filter_suggestions(
        qs,
        q=filters.q,
        kind=filters.kind,
        state=filters.state,
        year=filters.year,
        session_id=filters.session_id,
        timing=filters.timing,
        category=filters.category,
        result_class=filters.result_class,
        unit_id=filters.unit_id,
        deputy_id=filters.deputy_id,
        region=region_by_code(filters.region_code),
        supervised=filters.supervised,
    )


@router.get("/mine", response=list[SuggestionListOut])
@paginate(Pagination)
def list_mine(request: HttpRequest):
    """The items the caller's deputy leads, signed or is invited to sign, newest first
    (403 for a caller who is not a deputy)."""
    require_deputy(request.user)
    return selectors.mine(request.user)


@router.get("/invitations", response=list[InvitationOut])
@paginate(Pagination)
def list_invitations(request: HttpRequest):
    """Invitations to co-sign a draft that wait for the caller's deputy: confirm or
    decline them at ``/signers/{id}/confirm`` or ``/decline``."""
    require_deputy(request.user)
    return selectors.invitations(request.user).select_related(
        "deputy", "suggestion__region", "suggestion__session"
    )


@router.get("/withdraw-requests", response=list[InvitationOut])
@paginate(Pagination)
def list_withdraw_requests(request: HttpRequest):
    """Joint items whose lead asked to withdraw them and that wait for the caller's
    consent: ``/signers/{id}/withdraw-agree`` or ``/withdraw-refuse``."""
    require_deputy(request.user)
    return selectors.withdraw_requests(request.user).select_related(
        "deputy", "suggestion__region", "suggestion__session"
    )


@router.get("/sessions", response=list[SessionOut])
@paginate(Pagination)
def list_sessions(request: HttpRequest):
    """The congress sessions (大会会议) of the caller's scope and of their own congress:
    the choices of ``session_id`` when drafting or assigning in batch."""
    return sessions_in_scope(request.user)


@router.get("/{int:suggestion_id}", response=SuggestionDetailOut)
def get_suggestion(request: HttpRequest, suggestion_id: int):
    """One item as the caller may see it: the office, leaders and deputies every unit's
    part; a unit its own parts (a lead unit also the co-handlers' views); a co-handler
    only its part. ``contact_name``/``contact_phone`` are null except for the office and
    the units handling it."""
    return detail_of(request, suggestion_id)


@router.get("/files/{int:file_id}", response={200: None})
def download_file(request: HttpRequest, file_id: int):
    """An attachment or a reply's signed document, for a caller who sees it on the
    item's page (404 otherwise). Always a download, never rendered inline."""
    f = selectors.file_get_visible(request.user, file_id)
    try:
        handle = f.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, content_type=f.content_type, as_attachment=True, filename=f.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, max_age=3600)
    return response


# --- drafting ------------------------------------------------------------------------------

_CREATE_EXAMPLE = {
    "kind": "suggestion",
    "title": "关于加快老旧小区加装电梯的建议",
    "grounds": "我市建成于2000年以前的老旧小区多为六层以下住宅，老年住户上下楼困难。",
    "proposal": "建议简化加装电梯审批流程，提高财政补贴标准，由街道牵头协调低层住户意见。",
    "category": "housing",
    "disclosure": "public",
    "contact_name": "李明",
    "contact_phone": "13900001111",
    "session_id": None,
    "cosigner_ids": [12, 15],
    "opinion_ids": [],
}


@router.post(
    "/",
    response={201: SuggestionDetailOut},
    openapi_extra=both_bodies(SuggestionCreateIn, _CREATE_EXAMPLE),
)
def create_suggestion(
    request: HttpRequest,
    payload: JsonOrForm[SuggestionCreateIn],
    attachments: File[list[UploadedFile]] = None,
):
    """Draft a motion or suggestion (草稿): a deputy as its lead, inviting
    ``cosigner_ids`` (each confirms in their own account); or the office entering a
    paper item for ``lead_deputy_id`` (代录: co-signers confirmed at once). JSON, or
    ``multipart/form-data`` with the same fields and up to 5 attachments (PDF, JPEG,
    PNG, WebP) under ``attachments``. **201** with the draft."""
    user = request.user
    data = payload.model_dump(include=set(TEXT_FIELDS))
    data["session"] = session_by_id(payload.session_id)
    lead = None
    if payload.lead_deputy_id is not None:
        lead = deputies_by_id([payload.lead_deputy_id], "lead_deputy_id")[0]
    suggestion = actions.suggestion_create(
        actor=user,
        kind=payload.kind,
        data=data,
        lead_deputy=lead,
        cosigners=deputies_by_id(payload.cosigner_ids, "cosigner_ids"),
        opinions=opinions_by_id(user, payload.opinion_ids),
        attachments=clean_attachments(attachments),
    )
    return Status(201, detail_of(request, suggestion.pk))


@router.patch("/{int:suggestion_id}", response=SuggestionDetailOut)
def update_suggestion(request: HttpRequest, suggestion_id: int, payload: SuggestionUpdateIn):
    """Edit a draft (the lead deputy or the office): only the fields sent change;
    ``opinion_ids`` are linked in addition. Attachments: ``POST /{id}/attachments``."""
    user = request.user
    suggestion = selectors.suggestion_get_visible(user, suggestion_id)
    sent = payload.model_fields_set
    data = {k: getattr(payload, k) for k in TEXT_FIELDS if k in sent}
    data = {k: v for k, v in data.items() if v is not None}
    if "session_id" in sent:
        data["session"] = session_by_id(payload.session_id)
    actions.suggestion_update(
        actor=user,
        suggestion=suggestion,
        data=data,
        opinions=opinions_by_id(user, payload.opinion_ids),
    )
    return detail_of(request, suggestion.pk)


@router.post("/{int:suggestion_id}/attachments", response=SuggestionDetailOut)
def add_attachments(
    request: HttpRequest, suggestion_id: int, attachments: File[list[UploadedFile]]
):
    """Add attachments to a draft (multipart, up to 5 files under ``attachments``; the
    lead deputy or the office)."""
    suggestion = selectors.suggestion_get_visible(request.user, suggestion_id)
    actions.suggestion_update(
        actor=request.user,
        suggestion=suggestion,
        data={},
        attachments=clean_attachments(attachments),
    )
    return detail_of(request, suggestion.pk)


@router.post("/{int:suggestion_id}/invite", response=SuggestionDetailOut)
def invite(request: HttpRequest, suggestion_id: int, payload: InviteIn):
    """Invite more co-signers to a draft (the lead; the office adds paper signatures,
    confirmed at once)."""
    suggestion = selectors.suggestion_get_visible(request.user, suggestion_id)
    actions.suggestion_invite(
        actor=request.user,
        suggestion=suggestion,
        deputies=deputies_by_id(payload.deputy_ids, "deputy_ids"),
    )
    return detail_of(request, suggestion.pk)


@router.post("/{int:suggestion_id}/submit", response=SuggestionDetailOut)
def submit(request: HttpRequest, suggestion_id: int):
    """Submit a draft (the lead or the office): every invitation answered, a motion
    with enough signers. Gives the serial number and the assignment deadline."""
    suggestion = selectors.suggestion_get_visible(request.user, suggestion_id)
    actions.suggestion_submit(actor=request.user, suggestion=suggestion)
    return detail_of(request, suggestion.pk)


@router.post("/{int:suggestion_id}/withdraw", response=SuggestionDetailOut)
def withdraw(request: HttpRequest, suggestion_id: int, payload: ReasonIn):
    """Withdraw before assignment (the lead): alone at once; a joint item once every
    confirmed co-signer agrees."""
    suggestion = selectors.suggestion_get_visible(request.user, suggestion_id)
    actions.suggestion_withdraw(actor=request.user, suggestion=suggestion, reason=payload.reason)
    return detail_of(request, suggestion.pk)


# --- co-signers -----------------------------------------------------------------------------


@router.post("/signers/{int:signer_id}/confirm", response=InvitationOut)
def confirm_signature(request: HttpRequest, signer_id: int):
    """The invited deputy confirms their signature (附议) on a draft."""
    signer = signer_get(request.user, signer_id)
    return actions.signer_confirm(actor=request.user, signer=signer)


@router.post("/signers/{int:signer_id}/decline", response=InvitationOut)
def decline_signature(request: HttpRequest, signer_id: int):
    """The invited deputy declines to sign a draft."""
    signer = signer_get(request.user, signer_id)
    return actions.signer_decline(actor=request.user, signer=signer)


@router.post("/signers/{int:signer_id}/withdraw-agree", response=SuggestionDetailOut)
def agree_withdrawal(request: HttpRequest, signer_id: int):
    """A confirmed co-signer agrees to the lead's withdrawal; the last one withdraws
    the item."""
    signer = signer_get(request.user, signer_id)
    actions.signer_agree_withdraw(actor=request.user, signer=signer)
    return detail_of(request, signer.suggestion_id)


@router.post("/signers/{int:signer_id}/withdraw-refuse", response=SuggestionDetailOut)
def refuse_withdrawal(request: HttpRequest, signer_id: int, payload: ReasonIn):
    """A confirmed co-signer refuses the withdrawal: the request lapses."""
    signer = signer_get(request.user, signer_id)
    actions.signer_refuse_withdraw(actor=request.user, signer=signer, reason=payload.reason)
    return detail_of(request, signer.suggestion_id)


# --- rating ---------------------------------------------------------------------------------


@router.post("/replies/{int:reply_id}/feedback", response=SuggestionDetailOut)
def feedback(request: HttpRequest, reply_id: int, payload: FeedbackIn):
    """The lead deputy rates a reply of the current round (满意/基本满意/不满意 on the
    result and on the contact; the office may enter a paper form). Once every reply of
    the round is rated the item is closed, or re-handled on 不满意."""
    reply = reply_get(request.user, reply_id)
    actions.suggestion_feedback(
        actor=request.user,
        reply=reply,
        result_level=payload.result_level,
        contact_level=payload.contact_level,
        comment=payload.comment,
    )
    return detail_of(request, reply.suggestion_id)
