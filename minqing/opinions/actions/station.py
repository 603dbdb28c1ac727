"""What a station does with an opinion: a deputy or station staff answer it on the spot,
pass it to the office, or mark it for a deputy's suggestion; deputies answer meeting
requests."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core import audit
from minqing.core.states import transition
from minqing.opinions import permissions as perms
from minqing.opinions import recipients
from minqing.opinions.actions._common import (
    AUDIT_FIELDS,
    add_reply,
    lock,
    notify_later,
    responder_for,
    sms_later,
    staff_url,
    track_url,
)
from minqing.opinions.models import (
    MeetingRequest,
    MeetingState,
    Opinion,
    OpinionState,
    ReplyKind,
    Resolution,
)
from minqing.opinions.states import MEETING_STATES, OPINION_STATES
from minqing.opinions.validation import clean_text, normalise_text


def _reason(text: str, *, label: str, minimum: int = 2, maximum: int = 1000) -> str:
    text = normalise_text(text)
    if len(text) < minimum:
        raise ValidationError(_("请填写%(label)s") % {"label": label})
    if len(text) > maximum:
        raise ValidationError(
            _("%(label)s不能超过 %(max)s 个字") % {"label": label, "max": maximum}
        )
    return text


@transaction.atomic(durable=True)
def opinion_answer(
    *,
    actor,
    opinion: Opinion,
    public_text: str,
    resolution: str = Resolution.SOLVED,
    internal_note: str = "",
) -> Opinion:
    """Answer on the spot (当场答复) and close: a deputy of the opinion's station, station
    staff or the office (``opinions.answer``), while it is received or in triage. The
    answer is public on the track page under the station's (or office's) name.
    """
    perms.require(actor, "opinions.answer", opinion)
    opinion = lock(opinion)
    public_text = clean_text(public_text, label=_("答复内容"))
    if resolution not in Resolution.values:
        raise ValidationError({"resolution": [_("请选择解决情况")]})
    opinion.closed_at = timezone.now()
    transition(
        opinion,
        table=OPINION_STATES,
        to=OpinionState.CLOSED,
        verb="answer",
        actor=actor,
        public=True,
        update_fields=("closed_at",),
    )
    add_reply(
        opinion,
        actor=actor,
        kind=ReplyKind.ON_SPOT,
        responder=responder_for(actor, opinion),
        public_text=public_text,
        internal_note=normalise_text(internal_note),
        resolution=resolution,
    )
    audit.record(actor=actor, verb="opinion.answer", obj=opinion, after={"state": opinion.state})
    sms_later(
        opinion.citizen_phone,
        _("您反映的事项（查询码 %(code)s）已答复：%(url)s")
        % {"code": opinion.code, "url": track_url(opinion)},
    )
    return opinion


@transaction.atomic(durable=True)
def opinion_escalate(*, actor, opinion: Opinion, note: str = "") -> Opinion:
    """Pass a received opinion to the office for triage (a deputy or station staff
    who cannot settle it there; ``opinions.answer``). The office is notified."""
    perms.require(actor, "opinions.answer", opinion)
    opinion = lock(opinion)
    transition(
        opinion,
        table=OPINION_STATES,
        to=OpinionState.TRIAGE,
        verb="escalate",
        actor=actor,
        note=normalise_text(note)[:1000],
        public=True,
    )
    audit.record(actor=actor, verb="opinion.escalate", obj=opinion, after={"state": "triage"})
    notify_later(
        lambda: recipients.office_staff(opinion.region),
        verb="opinion.escalated",
        title=_("待分办：%(summary)s") % {"summary": opinion.summary},
        url=staff_url(opinion),
    )
    return opinion


@transaction.atomic(durable=True)
def opinion_to_suggestion(*, actor, opinion: Opinion, note: str = "") -> Opinion:
    """Mark an opinion to be carried into a deputy's suggestion (转为代表建议): a deputy
    of its station or the office, while received or in triage. The suggestion itself
    is drafted in the suggestions workflow, which links back to this opinion."""
    perms.require(actor, "opinions.answer", opinion)
    opinion = lock(opinion)
    before = {k: getattr(opinion, k) for k in AUDIT_FIELDS}
    opinion.closed_at = timezone.now()
    transition(
        opinion,
        table=OPINION_STATES,
        to=OpinionState.SUGGESTION,
        actor=actor,
        note=normalise_text(note)[:1000],
        public=True,
        update_fields=("closed_at",),
    )
    audit.record(
        actor=actor,
        verb="opinion.to_suggestion",
        obj=opinion,
        before={"state": before["state"]},
        after={"state": opinion.state},
    )
    sms_later(
        opinion.citizen_phone,
        _("您反映的事项（查询码 %(code)s）将由人大代表形成建议提出：%(url)s")
        % {"code": opinion.code, "url": track_url(opinion)},
    )
    return opinion


def _lock_meeting(meeting: MeetingRequest) -> MeetingRequest:
    return (
        MeetingRequest.objects.select_for_update(of=("self",))
        .select_related("opinion", "station", "deputy")
        .get(pk=meeting.pk)
    )


def _require_meeting(actor, meeting: MeetingRequest) -> None:
    deputy = perms.deputy_of(actor)
    if (
        deputy is not None
        and meeting.deputy_id in (None, deputy.pk)
        and meeting.station_id in perms.deputy_station_ids(actor)
    ):
        return
    if perms.grant_allows_station(actor, "opinions.meet", meeting.station):
        return
    raise PermissionDenied(_("您不能答复这项约见"))


@transaction.atomic(durable=True)
def meeting_accept(
    *, actor, meeting: MeetingRequest, meet_at: dt.datetime, place: str = ""
) -> MeetingRequest:
    """The deputy (or, for them, the station's staff) accepts a meeting at a time.

    Allowed for the deputy asked (or any deputy of the station when none was named)
    and for staff with ``opinions.meet`` at the station, while requested. The time
    must be in the future; the place defaults to the station's address. The citizen
    is texted.
    """
    _require_meeting(actor, meeting)
    meeting = _lock_meeting(meeting)
    if meet_at <= timezone.now():
        raise ValidationError({"meet_at": [_("约见时间须晚于现在")]})
    place = normalise_text(place).replace("\n", " ")[:200] or meeting.station.address
    deputy = perms.deputy_of(actor)
    meeting.meet_at, meeting.place = meet_at, place
    meeting.decided_by, meeting.decided_at = actor, timezone.now()
    if meeting.deputy_id is None and deputy is not None:
        meeting.deputy = deputy
    transition(
        meeting,
        table=MEETING_STATES,
        to=MeetingState.ACCEPTED,
        actor=actor,
        public=True,
        update_fields=("meet_at", "place", "decided_by", "decided_at", "deputy"),
    )
    audit.record(
        actor=actor,
        verb="meeting.accept",
        obj=meeting,
        region=meeting.station.region,
        after={"meet_at": meet_at, "deputy_id": meeting.deputy_id},
    )
    local = timezone.localtime(meet_at)
    sms_later(
        meeting.opinion.citizen_phone,
        _("人大代表同意与您约见：%(when)s，地点：%(place)s。查询码 %(code)s")
        % {"when": f"{local:%Y-%m-%d %H:%M}", "place": place, "code": meeting.opinion.code},
    )
    return meeting


@transaction.atomic(durable=True)
def meeting_decline(*, actor, meeting: MeetingRequest, reason: str) -> MeetingRequest:
    """The deputy (or the station's staff for them) declines a meeting with a reason
    the citizen reads on the track page. Same callers and state as
    :func:`meeting_accept`; the matter itself stays open as an opinion."""
    _require_meeting(actor, meeting)
    meeting = _lock_meeting(meeting)
    meeting.decline_reason = _reason(reason, label=_("婉拒理由"))
    meeting.decided_by, meeting.decided_at = actor, timezone.now()
    transition(
        meeting,
        table=MEETING_STATES,
        to=MeetingState.DECLINED,
        actor=actor,
        public=True,
        update_fields=("decline_reason", "decided_by", "decided_at"),
    )
    audit.record(
        actor=actor,
        verb="meeting.decline",
        obj=meeting,
        region=meeting.station.region,
        after={"state": meeting.state},
    )
    sms_later(
        meeting.opinion.citizen_phone,
        _("您的约见申请（查询码 %(code)s）已有答复：%(url)s")
        % {"code": meeting.opinion.code, "url": track_url(meeting.opinion)},
    )
    return meeting
