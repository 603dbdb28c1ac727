"""/api/v1/opinions/public/…: what a citizen does without an account — raise an opinion
(JSON or multipart with photos), ask to meet a deputy, follow it with the tracking code
and the last four digits of the phone, rate the reply. Rate-limited per IP, phone and
tracking code; no answer holds a name, a phone number, an internal note or a staff
member's name."""

import contextlib
import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import File, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from minqing.core import ratelimit
from minqing.opinions import actions, selectors
from minqing.opinions.api._common import (
    JsonOrForm,
    both_bodies,
    by_token,
    intake_data,
    matter,
    public_station,
    region_by_code,
)
from minqing.opinions.models import (
    Opinion,
    OpinionState,
)
from minqing.opinions.schemas import (
    ErrorOut,
    MeetingRequestIn,
    OpinionSubmitIn,
    PublicOpinionOut,
    RateIn,
    SubmittedOut,
    TrackIn,
)
from minqing.opinions.validation import categories
from minqing.people.models import Deputy

router = Router(tags=["opinions-public"])
TRACK_FAILED = gettext_lazy("查询码或手机号后四位不正确")

# --- the citizen's view -----------------------------------------------------------------

VERB_LABELS = {
    "receive": gettext_lazy("已受理"),
    "escalate": gettext_lazy("已提交人大分办"),
    "forward": gettext_lazy("已转交承办单位办理"),
    "answer": gettext_lazy("已当场答复"),
    "merge": gettext_lazy("已与同类诉求合并办理"),
    "decline": gettext_lazy("不予受理，已告知处理途径"),
    "to_suggestion": gettext_lazy("转为人大代表建议"),
    "sign": gettext_lazy("承办单位已签收"),
    "contact": gettext_lazy("承办单位已与您联系"),
    "reply": gettext_lazy("承办单位已答复"),
    "rate": gettext_lazy("已办结"),
    "rehandle": gettext_lazy("您不满意，已重新办理"),
    "extend": gettext_lazy("答复期限已延长"),
}


def _public_event(event) -> dict:
    # Only two public notes are shown, and both are data, not prose a person typed:
    # the unit's name on a forward and the new ISO date on an extension.
    out = {
        "verb": event.verb,
        "label": str(VERB_LABELS.get(event.verb, event.verb)),
        "created_at": event.created_at,
        "unit": None,
        "new_due": None,
    }
    if event.verb == "forward":
        out["unit"] = event.note or None
    elif event.verb == "extend":
        with contextlib.suppress(ValueError):
            out["new_due"] = dt.date.fromisoformat(event.note)
    return out


def _public_view(opinion: Opinion) -> dict:
    view = selectors.track_view(opinion)
    o, followed = view.opinion, view.followed
    names = {c["code"]: c.get("name", "") for c in categories(o.region)}
    meeting = view.meeting
    return {
        "code": o.code,
        "state": o.state,
        "state_label": str(o.get_state_display()),
        "kind": o.kind,
        "kind_label": str(o.get_kind_display()),
        "category": o.category,
        "category_label": names.get(o.category, ""),
        "text": o.text,
        "station_name": o.station.name if o.station_id else None,
        "created_at": o.created_at,
        "closed_at": o.closed_at,
        "merged_into": o.state == OpinionState.MERGED,
        "followed_state": followed.state,
        "reply_due": followed.reply_due,
        "provisional": bool(followed.assignment_id and followed.assignment.deadline_provisional),
        "can_rate": view.can_rate,
        "decline_reason": o.decline_reason,
        "decline_reason_label": str(o.get_decline_reason_display()) if o.decline_reason else "",
        "decline_note": o.decline_note,
        "photo_count": sum(1 for f in o.files.all() if f.kind == "photo"),
        "events": [_public_event(e) for e in view.events],
        "replies": [
            {
                "responder": r.responder,
                "public_text": r.public_text,
                "resolution": r.resolution,
                "resolution_label": str(r.get_resolution_display()),
                "created_at": r.created_at,
                "rating": _public_rating(r),
            }
            for r in view.replies
        ],
        "meeting": None
        if meeting is None
        else {
            "state": meeting.state,
            "state_label": str(meeting.get_state_display()),
            "preferred_time": meeting.preferred_time,
            "meet_at": meeting.meet_at,
            "place": meeting.place,
            "decline_reason": meeting.decline_reason,
            "deputy_name": meeting.deputy.name if meeting.deputy_id else None,
        },
    }


def _public_rating(reply) -> dict | None:
    rating = getattr(reply, "rating", None)
    if rating is None:
        return None
    return {
        "level": rating.level,
        "level_label": str(rating.get_level_display()),
        "comment": rating.comment,
        "created_at": rating.created_at,
    }


def _tracked(request: HttpRequest, code: str, last4: str) -> Opinion:
    opinion = selectors.track_lookup(code, last4)
    if opinion is None:
        raise HttpError(404, str(TRACK_FAILED))
    return opinion


# --- public endpoints -------------------------------------------------------------------

_SUBMIT_EXAMPLE = {
    "station_code": "K7QX-M2PA-9",
    "channel": "qr",
    "client_token": "0b0e5c6a-3f7e-4e55-9d55-2f1f5a7c1e42",
    "text": "望江社区3号楼前的路灯坏了两个多月，晚上出行很不方便，请尽快修复。",
    "kind": "help",
    "category": "urban",
    "address": "望江社区3号楼",
    "citizen_name": "王秀英",
    "citizen_phone": "13812345678",
    "consent": True,
}


@router.post(
    "/public/opinions",
    auth=None,
    response={200: SubmittedOut, 201: SubmittedOut, 429: ErrorOut},
    openapi_extra=both_bodies(OpinionSubmitIn, _SUBMIT_EXAMPLE),
    tags=["opinions-public"],
)
def submit_opinion(
    request: HttpRequest,
    payload: JsonOrForm[OpinionSubmitIn],
    photos: File[list[UploadedFile]] = None,
):
    """A citizen raises an opinion (民情). **201** with the tracking code; the same
    ``client_token`` again answers **200** with the same code and creates nothing.

    Send JSON, or ``multipart/form-data`` with the same fields as form fields and up to
    6 photos (JPEG/PNG/WebP, ≤10 MB each, re-encoded without EXIF) under ``photos``::

        curl -F station_code=K7QX-M2PA-9 -F channel=qr \\
             -F client_token=0b0e5c6a-3f7e-4e55-9d55-2f1f5a7c1e42 \\
             -F kind=help -F text=望江社区3号楼前的路灯坏了两个多月，请尽快修复。 \\
             -F citizen_name=王秀英 -F citizen_phone=13812345678 -F consent=true \\
             -F photos=@lamp.jpg -F photos=@street.jpg \\
             https://…/api/v1/opinions/public/opinions

    422 ``{"detail": {field: [message]}}`` for a bad field or photo; 429 when the IP or
    the phone number sent too many.
    """
    if (twin := by_token(payload.client_token)) is not None:
        return Status(200, twin)
    ratelimit.enforce(request, bucket="submit", phone=payload.citizen_phone)
    station = public_station(payload.station_code) if payload.station_code.strip() else None
    region = None
    if station is None:
        if not payload.region_code.strip():
            raise ValidationError({"station_code": [_("请提供联络站代码或区划代码")]})
        region = region_by_code(payload.region_code, "region_code")
    data = intake_data(payload, photos, station.region if station else region, require_consent=True)
    opinion = actions.opinion_submit(
        actor=None,
        data=data,
        station=station,
        region=region,
        channel=payload.channel,
        client_token=payload.client_token,
    )
    return Status(201, opinion)


@router.post(
    "/public/track",
    auth=None,
    response={200: PublicOpinionOut, 404: ErrorOut, 429: ErrorOut},
    tags=["opinions-public"],
)
def track(request: HttpRequest, payload: TrackIn):
    """The citizen's view of an opinion: state, public timeline, replies, deadline,
    meeting. 404 ``查询码或手机号后四位不正确`` alike for an unknown code and wrong
    digits."""
    ratelimit.enforce(request, bucket="track", code=payload.code)
    return _public_view(_tracked(request, payload.code, payload.last4))


@router.post(
    "/public/rate",
    auth=None,
    response={200: PublicOpinionOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    tags=["opinions-public"],
)
def rate(request: HttpRequest, payload: RateIn):
    """Rate the latest reply: satisfied | basic | unsatisfied (a comment is required for
    unsatisfied, which sends it back to the unit once). 409 when there is nothing to
    rate."""
    ratelimit.enforce(request, bucket="track", code=payload.code)
    opinion = _tracked(request, payload.code, payload.last4)
    if opinion.state != OpinionState.REPLIED:
        raise HttpError(409, _("这件事项目前不能评价"))
    actions.opinion_rate(actor=None, opinion=opinion, level=payload.level, comment=payload.comment)
    return _public_view(opinion)


@router.post(
    "/public/meetings",
    auth=None,
    response={200: SubmittedOut, 201: SubmittedOut, 429: ErrorOut},
    tags=["opinions-public"],
)
def request_meeting(request: HttpRequest, payload: MeetingRequestIn):
    """Ask to meet a deputy (约见代表) at a station. **201** with the tracking code the
    citizen follows it with; the same ``client_token`` again answers **200**."""
    if (twin := by_token(payload.client_token)) is not None:
        return Status(200, twin)
    ratelimit.enforce(request, bucket="submit", phone=payload.citizen_phone)
    station = public_station(payload.station_code)
    deputy = None
    if payload.deputy_id is not None:
        deputy = Deputy.objects.filter(pk=payload.deputy_id).first()
        if deputy is None:
            raise ValidationError({"deputy_id": [_("该代表不在本联络站")]})
    opinion = actions.meeting_request(
        actor=None,
        station=station,
        data=matter(payload),
        deputy=deputy,
        preferred_time=payload.preferred_time,
        client_token=payload.client_token,
    )
    return Status(201, opinion)
