"""How opinions come in: a citizen's QR/web submission, staff registering a walk-in,
booth, phone or letter opinion, a deputy's photo report, and a request to meet a deputy.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core import audit
from minqing.core.models import Region
from minqing.core.permissions import has_perm
from minqing.core.states import log_event
from minqing.opinions import permissions as perms
from minqing.opinions import recipients
from minqing.opinions.actions._common import (
    CITIZEN,
    check_photo_count,
    meeting_url,
    new_code,
    notify_later,
    sms_later,
    staff_url,
    store_files,
    track_url,
)
from minqing.opinions.models import (
    PUBLIC_CHANNELS,
    STAFF_CHANNELS,
    Channel,
    FileKind,
    MeetingRequest,
    Opinion,
)
from minqing.opinions.states import OPINION_STATES
from minqing.opinions.validation import Intake, clean_intake, normalise_text
from minqing.stations.models import Station
from minqing.stations.states import StationStatus


def _accepting(station: Station) -> None:
    if station.status != StationStatus.ACTIVE:
        raise ValidationError(
            _("「%(name)s」目前不在接待期，请通过网上反映或拨打当地人大联系电话")
            % {"name": station.name}
        )


def _replayed(client_token: uuid.UUID | None) -> Opinion | None:
    if client_token is None:
        return None
    return Opinion.objects.filter(client_token=client_token).first()


def _create(
    *,
    actor,
    intake: Intake,
    region: Region,
    station: Station | None,
    channel: str,
    client_token: uuid.UUID | None,
    consent: bool,
    raised_by_deputy=None,
) -> tuple[Opinion, bool]:
    """Insert the opinion, its photos and its first timeline row; returns (opinion,
    created). Idempotent on ``client_token``: a concurrent twin loses on the unique
    index and gets the winner's row with created False, so its caller audits and
    notifies nothing (the caller checks ``_replayed`` first for the common retry)."""
    check_photo_count(0, len(intake.photos))
    try:
        with transaction.atomic():
            opinion = Opinion.objects.create(
                code=new_code(),
                client_token=client_token,
                region=region,
                station=station,
                channel=channel,
                kind=intake.kind,
                category=intake.category,
                text=intake.text,
                address=intake.address,
                latitude=intake.latitude,
                longitude=intake.longitude,
                citizen_name=intake.citizen_name,
                citizen_phone=intake.citizen_phone,
                consent_at=timezone.now() if consent else None,
                raised_by_deputy=raised_by_deputy,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
                state=OPINION_STATES.initial,
            )
    except IntegrityError:
        twin = _replayed(client_token)
        if twin is None:
            raise
        return twin, False
    store_files(opinion, intake.photos, kind=FileKind.PHOTO)
    log_event(opinion, workflow=OPINION_STATES.name, verb="receive", actor=actor, public=True)
    return opinion, True


def _announce(opinion: Opinion) -> None:
    if opinion.station_id:
        notify_later(
            lambda: recipients.station_people(opinion.station),
            verb="opinion.received",
            title=_("新民情：%(summary)s") % {"summary": opinion.summary},
            url=staff_url(opinion),
        )
    else:
        notify_later(
            lambda: recipients.office_staff(opinion.region),
            verb="opinion.received",
            title=_("新民情：%(summary)s") % {"summary": opinion.summary},
            url=staff_url(opinion),
        )
    sms_later(
        opinion.citizen_phone,
        _("您反映的事项已受理，查询码 %(code)s，可凭查询码和手机号后四位查看办理进度：%(url)s")
        % {"code": opinion.code, "url": track_url(opinion)},
    )


@transaction.atomic(durable=True)
def opinion_submit(
    *,
    actor=None,
    data: dict,
    station: Station | None = None,
    region: Region | None = None,
    channel: str = Channel.QR,
    client_token: uuid.UUID | None = None,
) -> Opinion:
    """A citizen raises an opinion from a station's QR page or the general web form.

    Anyone may call it (rate limits are the caller's job). ``data`` holds the fields
    of :func:`validation.clean_intake` with already re-encoded ``photos``; name, mobile
    and consent are required. Idempotent: the same ``client_token`` returns the first
    submission's opinion and creates nothing. Side effects: the station's staff and
    deputies (or the region's office) are notified, and the citizen gets the code.
    """
    if (twin := _replayed(client_token)) is not None:
        return twin
    if channel not in PUBLIC_CHANNELS:
        raise ValidationError({"channel": [_("渠道不正确")]})
    if station is not None:
        _accepting(station)
        region = station.region
    if region is None:
        raise ValidationError({"region": [_("请选择事项所在的区域")]})
    intake = clean_intake(data, region=region, require_citizen=True, require_consent=True)
    opinion, created = _create(
        actor=actor,
        intake=intake,
        region=region,
        station=station,
        channel=channel,
        client_token=client_token,
        consent=True,
    )
    if not created:
        return opinion
    audit.record(
        actor=actor if getattr(actor, "is_authenticated", False) else CITIZEN,
        verb="opinion.submit",
        obj=opinion,
        after={"channel": channel, "kind": opinion.kind, "station_id": opinion.station_id},
    )
    _announce(opinion)
    return opinion


@transaction.atomic(durable=True)
def opinion_register(
    *,
    actor,
    data: dict,
    channel: str,
    station: Station | None = None,
    region: Region | None = None,
    client_token: uuid.UUID | None = None,
) -> Opinion:
    """Station or office staff (or a deputy at their station) register an opinion a
    citizen brought in person, at a booth, by phone or by letter.

    Needs ``opinions.register`` at the station (or on ``region`` when there is none).
    The citizen's name is required, the mobile optional (a letter may have none).
    Idempotent on ``client_token`` like :func:`opinion_submit`, so a fast-entry row
    sent twice is kept once.
    """
    if (twin := _replayed(client_token)) is not None:
        return twin
    if channel not in STAFF_CHANNELS:
        raise ValidationError({"channel": [_("请选择登记渠道")]})
    if station is not None:
        if not perms.can_at_station(actor, "opinions.register", station):
            raise PermissionDenied(_("您不能在该联络站登记民情"))
        region = station.region
    elif region is None or not has_perm(actor, "opinions.register", region):
        raise PermissionDenied(_("您不能在该区域登记民情"))
    if not data.get("citizen_name"):
        raise ValidationError({"citizen_name": [_("请填写群众姓名")]})
    intake = clean_intake(data, region=region, require_citizen=False)
    opinion, created = _create(
        actor=actor,
        intake=intake,
        region=region,
        station=station,
        channel=channel,
        client_token=client_token,
        consent=bool(data.get("consent")),
    )
    if not created:
        return opinion
    audit.record(
        actor=actor,
        verb="opinion.register",
        obj=opinion,
        after={"channel": channel, "kind": opinion.kind, "station_id": opinion.station_id},
    )
    if opinion.citizen_phone:
        sms_later(
            opinion.citizen_phone,
            _("您反映的事项已登记，查询码 %(code)s：%(url)s")
            % {"code": opinion.code, "url": track_url(opinion)},
        )
    return opinion


@transaction.atomic(durable=True)
def opinion_report(
    *,
    actor,
    data: dict,
    station: Station | None = None,
    client_token: uuid.UUID | None = None,
) -> Opinion:
    """A deputy's photo report (代表随手拍): a problem the deputy saw, raised by them.

    Only a user linked to an active deputy may call it. The station defaults to the
    first one the deputy sits at; without one the opinion goes to the office of the
    deputy's region. No citizen data is asked.
    """
    deputy = perms.deputy_of(actor)
    if deputy is None:
        raise PermissionDenied(_("只有人大代表可以随手拍"))
    if (twin := _replayed(client_token)) is not None:
        return twin
    station_ids = perms.deputy_station_ids(actor)
    if station is not None and station.pk not in station_ids:
        raise PermissionDenied(_("您不是该联络站的进站代表"))
    if station is None and station_ids:
        station = Station.objects.filter(pk__in=station_ids).order_by("pk").first()
    region = station.region if station else deputy.region
    intake = clean_intake(data, region=region, require_citizen=False)
    intake.citizen_name, intake.citizen_phone = "", ""
    opinion, created = _create(
        actor=actor,
        intake=intake,
        region=region,
        station=station,
        channel=Channel.DEPUTY_PHOTO,
        client_token=client_token,
        consent=False,
        raised_by_deputy=deputy,
    )
    if not created:
        return opinion
    audit.record(
        actor=actor,
        verb="opinion.report",
        obj=opinion,
        after={"kind": opinion.kind, "station_id": opinion.station_id, "deputy_id": deputy.pk},
    )
    if station is None:
        notify_later(
            lambda: recipients.office_staff(region),
            verb="opinion.received",
            title=_("代表随手拍：%(summary)s") % {"summary": opinion.summary},
            url=staff_url(opinion),
        )
    return opinion


@transaction.atomic(durable=True)
def meeting_request(
    *,
    actor=None,
    station: Station,
    data: dict,
    deputy=None,
    preferred_time: str = "",
    client_token: uuid.UUID | None = None,
) -> Opinion:
    """A citizen asks to meet a deputy (约见代表) at ``station``, about the matter in
    ``data``. Anyone may call it. ``deputy`` must sit at the station (None: any of its
    deputies). Returns the opinion carrying the request, idempotent on
    ``client_token``. Side effects: the deputy (or the station) is notified.
    """
    if (twin := _replayed(client_token)) is not None:
        return twin
    _accepting(station)
    if deputy is not None and not station.memberships.filter(deputy=deputy).exists():
        raise ValidationError({"deputy": [_("该代表不在本联络站")]})
    preferred_time = normalise_text(preferred_time).replace("\n", " ")
    if len(preferred_time) > 100:
        raise ValidationError({"preferred_time": [_("希望时间不能超过 100 个字")]})
    intake = clean_intake(data, region=station.region, require_citizen=True, require_consent=True)
    opinion, created = _create(
        actor=actor,
        intake=intake,
        region=station.region,
        station=station,
        channel=Channel.QR,
        client_token=client_token,
        consent=True,
    )
    if not created:
        return opinion
    meeting = MeetingRequest.objects.create(
        opinion=opinion, station=station, deputy=deputy, preferred_time=preferred_time
    )
    audit.record(
        actor=actor if getattr(actor, "is_authenticated", False) else CITIZEN,
        verb="meeting.request",
        obj=meeting,
        region=station.region,
        after={"station_id": station.pk, "deputy_id": getattr(deputy, "pk", None)},
    )

    def who():
        if deputy is not None and deputy.user_id and deputy.user.is_active:
            return [deputy.user, *recipients.station_people(station)]
        return recipients.station_people(station)

    notify_later(
        who,
        verb="meeting.requested",
        title=_("群众约见代表：%(summary)s") % {"summary": opinion.summary},
        url=meeting_url(meeting),
    )
    sms_later(
        opinion.citizen_phone,
        _("您的约见申请已提交，查询码 %(code)s：%(url)s")
        % {"code": opinion.code, "url": track_url(opinion)},
    )
    return opinion
