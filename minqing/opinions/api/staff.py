"""/api/v1/opinions/ for staff (token or session): lists and inboxes, the detail, intake
by staff and deputies, every step of the loop, extensions and meetings — scoped like the
pages: outside the caller's sight 404, in sight but not theirs to act on 403."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from minqing.core import codes
from minqing.core.api_pagination import Pagination
from minqing.opinions import actions, selectors
from minqing.opinions import permissions as perms
from minqing.opinions.api._common import (
    JsonOrForm,
    aware,
    both_bodies,
    by_token,
    clean_files,
    intake_data,
    region_by_code,
)
from minqing.opinions.models import (
    MeetingRequest,
    Opinion,
    OpinionExtension,
)
from minqing.opinions.schemas import (
    AnswerIn,
    ClassifyIn,
    ContactIn,
    DecideIn,
    DeclineIn,
    ExtensionIn,
    ForwardIn,
    MeetingAcceptIn,
    MeetingDeclineIn,
    MeetingFilter,
    MeetingOut,
    MergeIn,
    NoteIn,
    OpinionDetailOut,
    OpinionFilter,
    OpinionListOut,
    OpinionRegisterIn,
    OpinionReportIn,
    ReplyIn,
    ReturnIn,
)
from minqing.opinions.validation import categories
from minqing.people.models import HandlingUnit
from minqing.stations.models import Station

router = Router(tags=["opinions"])


def _detail(request: HttpRequest, opinion: Opinion) -> Opinion:
    """The opinion with everything OpinionDetailOut shows, contact data only for those
    with ``opinions.view_contact`` on it."""
    user = request.user
    opinion = selectors.opinion_detail(opinion)
    allowed = {
        key: perms.can(user, f"opinions.{key}", opinion)
        for key in ("answer", "triage", "handle", "view_contact")
    }
    opinion.api_view_contact = allowed["view_contact"]
    opinion.api_permissions = [key for key, ok in allowed.items() if ok]
    names = {c["code"]: c.get("name", "") for c in categories(opinion.region)}
    opinion.api_category_label = names.get(opinion.category, "")
    opinion.api_timeline = list(selectors.timeline(opinion))
    opinion.api_meeting = (
        MeetingRequest.objects.select_related("opinion", "station", "deputy")
        .filter(opinion=opinion)
        .first()
    )
    return opinion


def _visible(request: HttpRequest, opinion_id: int) -> Opinion:
    return selectors.opinion_get_visible(request.user, opinion_id)


def _step(request: HttpRequest, opinion_id: int, action: Callable, **kwargs) -> Opinion:
    """Run ``action`` as the caller on an opinion they may see (404 otherwise) and
    answer with the opinion as it is afterwards."""
    opinion = _visible(request, opinion_id)
    action(actor=request.user, opinion=opinion, **kwargs)
    return _detail(request, opinion)


# --- staff: lists and detail -------------------------------------------------------------

_INBOXES = {
    "station": selectors.inbox_station,
    "office": selectors.inbox_office,
    "unit": selectors.inbox_unit,
    "overdue": selectors.overdue,
}


@router.get("/opinions", response=list[OpinionListOut])
@paginate(Pagination)
def list_opinions(request: HttpRequest, filters: Query[OpinionFilter]):
    """Opinions the caller may see (empty for a caller who sees none), newest first, or
    one inbox: ``station`` (received at the caller's stations), ``office`` (to triage),
    ``unit`` (what the caller's unit holds), ``overdue``."""
    if filters.inbox:
        qs = _INBOXES[filters.inbox](request.user)
    else:
        qs = selectors.opinions_visible(request.user)
    return selectors.filter_opinions(
        qs,
        q=filters.q,
        state=filters.state,
        kind=filters.kind,
        category=filters.category,
        channel=filters.channel,
        unit_id=filters.unit_id,
        station_id=filters.station_id,
    )


@router.get("/opinions/{int:opinion_id}", response=OpinionDetailOut)
def get_opinion(request: HttpRequest, opinion_id: int):
    """One opinion with its assignments, replies (internal notes too), contacts,
    extensions and staff timeline. ``citizen_name``/``citizen_phone`` are null unless the
    caller holds ``opinions.view_contact`` on it."""
    return _detail(request, _visible(request, opinion_id))


_REGISTER_EXAMPLE = {
    "station_id": 1,
    "channel": "visit",
    "client_token": "5d1c6f0e-8a51-4a43-9f0e-0b5d3c2a9e11",
    "text": "柳岸社区菜市场门口早高峰占道经营严重，行人只能走机动车道，存在安全隐患。",
    "kind": "complaint",
    "category": "market",
    "citizen_name": "李建国",
    "citizen_phone": "13900001111",
    "consent": True,
}


@router.post(
    "/opinions",
    response={200: OpinionDetailOut, 201: OpinionDetailOut},
    openapi_extra=both_bodies(OpinionRegisterIn, _REGISTER_EXAMPLE),
)
def register_opinion(
    request: HttpRequest,
    payload: JsonOrForm[OpinionRegisterIn],
    photos: File[list[UploadedFile]] = None,
):
    """Register an opinion a citizen brought in person, at a booth, by phone or letter
    (``opinions.register`` at the station, or on the region when there is none). JSON, or
    multipart with photos like ``POST /public/opinions``. **201**; the same
    ``client_token`` again answers **200** with the same opinion."""
    replay = by_token(payload.client_token) is not None
    station = region = None
    if payload.station_id is not None:
        station = Station.objects.select_related("region").filter(pk=payload.station_id).first()
        if station is None or not perms.can_at_station(request.user, "opinions.register", station):
            raise Http404
    elif payload.region_code.strip():
        region = region_by_code(payload.region_code, "region_code")
    else:
        raise ValidationError({"station_id": [_("请选择联络站或填写区划代码")]})
    data = intake_data(
        payload, photos, station.region if station else region, require_citizen=False
    )
    opinion = actions.opinion_register(
        actor=request.user,
        data=data,
        channel=payload.channel,
        station=station,
        region=region,
        client_token=payload.client_token,
    )
    return Status(200 if replay else 201, _detail(request, _visible(request, opinion.pk)))


_REPORT_EXAMPLE = {
    "client_token": "9a7d2b4c-1e3f-4a5b-8c6d-7e8f9a0b1c2d",
    "text": "石桥村村口桥面护栏断裂约三米，临河一侧无遮挡，学生上下学经过很危险。",
    "kind": "report",
    "category": "safety",
    "address": "石桥村村口",
}


@router.post(
    "/opinions/report",
    response={200: OpinionDetailOut, 201: OpinionDetailOut},
    openapi_extra=both_bodies(OpinionReportIn, _REPORT_EXAMPLE),
)
def report_opinion(
    request: HttpRequest,
    payload: JsonOrForm[OpinionReportIn],
    photos: File[list[UploadedFile]] = None,
):
    """A deputy's photo report (代表随手拍): JSON, or multipart with photos. Only a user
    linked to an active deputy (403 otherwise). **201**; a replay answers **200**."""
    replay = by_token(payload.client_token) is not None
    station = None
    if payload.station_id is not None:
        station = Station.objects.select_related("region").filter(pk=payload.station_id).first()
        if station is None:
            raise ValidationError({"station_id": [_("联络站不存在")]})
    data = intake_data(payload, photos)
    opinion = actions.opinion_report(
        actor=request.user, data=data, station=station, client_token=payload.client_token
    )
    return Status(200 if replay else 201, _detail(request, _visible(request, opinion.pk)))


# --- staff: steps on one opinion ---------------------------------------------------------


@router.post("/opinions/{int:opinion_id}/answer", response=OpinionDetailOut)
def answer(request: HttpRequest, opinion_id: int, payload: AnswerIn):
    """Answer on the spot and close (station staff, the station's deputies, office)."""
    return _step(
        request,
        opinion_id,
        actions.opinion_answer,
        public_text=payload.public_text,
        resolution=payload.resolution,
        internal_note=payload.internal_note,
    )


@router.post("/opinions/{int:opinion_id}/escalate", response=OpinionDetailOut)
def escalate(request: HttpRequest, opinion_id: int, payload: NoteIn):
    """Pass a received opinion to the office for triage."""
    return _step(request, opinion_id, actions.opinion_escalate, note=payload.note)


@router.post("/opinions/{int:opinion_id}/to-suggestion", response=OpinionDetailOut)
def to_suggestion(request: HttpRequest, opinion_id: int, payload: NoteIn):
    """Carry the opinion into a deputy's suggestion (转为代表建议)."""
    return _step(request, opinion_id, actions.opinion_to_suggestion, note=payload.note)


@router.post("/opinions/{int:opinion_id}/classify", response=OpinionDetailOut)
def classify(request: HttpRequest, opinion_id: int, payload: ClassifyIn):
    """Set type and category before forwarding (office)."""
    return _step(
        request, opinion_id, actions.opinion_classify, kind=payload.kind, category=payload.category
    )


@router.post("/opinions/{int:opinion_id}/merge", response=OpinionDetailOut)
def merge(request: HttpRequest, opinion_id: int, payload: MergeIn):
    """Merge a duplicate into the opinion with tracking code ``master_code`` (office;
    ``opinions.triage`` on both)."""
    opinion = _visible(request, opinion_id)
    code = codes.normalise(payload.master_code or "")
    master = (
        selectors.opinions_visible(request.user).filter(code=code).first()
        if codes.is_valid(code)
        else None
    )
    if master is None:
        raise ValidationError({"master_code": [_("找不到该查询码对应的民情")]})
    return _detail(
        request, actions.opinion_merge(actor=request.user, opinion=opinion, master=master)
    )


@router.post("/opinions/{int:opinion_id}/decline", response=OpinionDetailOut)
def decline(request: HttpRequest, opinion_id: int, payload: DeclineIn):
    """Decline with a referral (litigation, arbitration, emergencies …; office)."""
    return _step(
        request, opinion_id, actions.opinion_decline, reason=payload.reason, note=payload.note
    )


@router.post("/opinions/{int:opinion_id}/forward", response=OpinionDetailOut)
def forward(request: HttpRequest, opinion_id: int, payload: ForwardIn):
    """Forward to a handling unit the caller may see; deadlines from the region's
    settings (office)."""
    opinion = _visible(request, opinion_id)
    # Any unit by id: the action refuses (403) one outside the caller's sight.
    unit = HandlingUnit.objects.filter(pk=payload.unit_id).first()
    if unit is None:
        raise ValidationError({"unit_id": [_("找不到该承办单位")]})
    opinion = actions.opinion_forward(
        actor=request.user, opinion=opinion, unit=unit, instructions=payload.instructions
    )
    return _detail(request, opinion)


@router.post("/opinions/{int:opinion_id}/sign", response=OpinionDetailOut)
def sign(request: HttpRequest, opinion_id: int):
    """Sign off a forwarded opinion (签收; the unit holding it)."""
    return _step(request, opinion_id, actions.opinion_sign)


@router.post("/opinions/{int:opinion_id}/return", response=OpinionDetailOut)
def return_opinion(request: HttpRequest, opinion_id: int, payload: ReturnIn):
    """Return to the office with a reason (the unit holding it; never to another unit)."""
    return _step(request, opinion_id, actions.opinion_return, reason=payload.reason)


@router.post("/opinions/{int:opinion_id}/contact", response=OpinionDetailOut)
def contact(request: HttpRequest, opinion_id: int, payload: ContactIn):
    """Record a contact with the citizen (the unit, while handling)."""
    return _step(
        request,
        opinion_id,
        actions.opinion_contact,
        method=payload.method,
        note=payload.note,
        contacted_at=aware(payload.contacted_at),
    )


_REPLY_EXAMPLE = {
    "public_text": "经现场查看，两处路灯线路老化，已于本周更换线路并恢复照明。",
    "resolution": "solved",
    "internal_note": "维修单号 2026-0412",
}


@router.post(
    "/opinions/{int:opinion_id}/reply",
    response=OpinionDetailOut,
    openapi_extra=both_bodies(ReplyIn, _REPLY_EXAMPLE),
)
def reply(
    request: HttpRequest,
    opinion_id: int,
    payload: JsonOrForm[ReplyIn],
    attachments: File[list[UploadedFile]] = None,
):
    """The unit's reply (public text, resolution, internal note): JSON, or multipart with
    up to 5 attachments (PDF, JPEG, PNG, WebP; staff only) under ``attachments``."""
    opinion = _visible(request, opinion_id)
    files = clean_files(attachments or [], attachments=True)
    opinion = actions.opinion_reply(
        actor=request.user,
        opinion=opinion,
        public_text=payload.public_text,
        resolution=payload.resolution,
        internal_note=payload.internal_note,
        attachments=files,
    )
    return _detail(request, opinion)


@router.post("/opinions/{int:opinion_id}/extensions", response=OpinionDetailOut)
def request_extension(request: HttpRequest, opinion_id: int, payload: ExtensionIn):
    """Ask the office for more working days (the unit holding it)."""
    return _step(
        request,
        opinion_id,
        actions.extension_request,
        working_days=payload.working_days,
        reason=payload.reason,
    )


@router.post("/extensions/{int:extension_id}/decide", response=OpinionDetailOut)
def decide_extension(request: HttpRequest, extension_id: int, payload: DecideIn):
    """Approve or refuse an extension request (office); 409 once decided."""
    visible = selectors.opinions_visible(request.user).values("pk")
    extension = (
        OpinionExtension.objects.select_related("opinion")
        .filter(pk=extension_id, opinion_id__in=visible)
        .first()
    )
    if extension is None:
        raise Http404
    actions.extension_decide(
        actor=request.user, extension=extension, approve=payload.approve, note=payload.note
    )
    return _detail(request, extension.opinion)


# --- staff: meetings -------------------------------------------------------------------


@router.get("/meetings", response=list[MeetingOut])
@paginate(Pagination)
def list_meetings(request: HttpRequest, filters: Query[MeetingFilter]):
    """Meeting requests the caller may answer or follow, newest first."""
    qs = selectors.meetings_visible(request.user)
    if filters.state:
        qs = qs.filter(state=filters.state)
    return qs.order_by("-created_at", "-id")


@router.post("/meetings/{int:meeting_id}/accept", response=MeetingOut)
def accept_meeting(request: HttpRequest, meeting_id: int, payload: MeetingAcceptIn):
    """Accept a meeting at a time and place (the deputy asked, or the station's staff)."""
    meeting = actions.meeting_accept(
        actor=request.user,
        meeting=selectors.meeting_get_visible(request.user, meeting_id),
        meet_at=aware(payload.meet_at),
        place=payload.place,
    )
    return selectors.meeting_get_visible(request.user, meeting.pk)


@router.post("/meetings/{int:meeting_id}/decline", response=MeetingOut)
def decline_meeting(request: HttpRequest, meeting_id: int, payload: MeetingDeclineIn):
    """Decline a meeting with a reason the citizen reads."""
    meeting = actions.meeting_decline(
        actor=request.user,
        meeting=selectors.meeting_get_visible(request.user, meeting_id),
        reason=payload.reason,
    )
    return selectors.meeting_get_visible(request.user, meeting.pk)
