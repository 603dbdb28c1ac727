"""Reads of the 民情 loop: inboxes by who acts, the detail, the overdue list, and the
citizen's tracking lookup. Every staff read starts from ``permissions.visible`` and
answers 404 outside the reader's scope."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from minqing.core import codes
from minqing.core.models import Region, TimelineEvent
from minqing.opinions import permissions as perms
from minqing.opinions.models import (
    UNIT_STATES,
    ExtensionState,
    MeetingRequest,
    MeetingState,
    Opinion,
    OpinionExtension,
    OpinionReply,
    OpinionState,
)


def _base() -> QuerySet[Opinion]:
    return Opinion.objects.select_related("region", "station", "unit", "assignment")


def opinions_visible(user, perm: str = "opinions.view_opinion") -> QuerySet[Opinion]:
    """Opinions ``user`` may see: by grant (region, station, unit) or as a deputy of
    their stations. Anyone may call it; an outsider gets an empty queryset."""
    return perms.visible(_base(), user, perm)


def opinion_get_visible(user, pk: int) -> Opinion:
    """One opinion ``user`` may see, or Http404 (never 403: existence is not revealed)."""
    opinion = opinions_visible(user).filter(pk=pk).first()
    if opinion is None:
        raise Http404
    return opinion


def filter_opinions(
    qs: QuerySet[Opinion],
    *,
    q: str = "",
    state: str = "",
    kind: str = "",
    category: str = "",
    channel: str = "",
    region: Region | None = None,
    unit_id: int | None = None,
    station_id: int | None = None,
) -> QuerySet[Opinion]:
    """The list filters every inbox shares (GET parameters of the pages and the API)."""
    if q:
        q = q.strip()
        code = codes.normalise(q)
        qs = qs.filter(Q(text__contains=q) | Q(code=code) | Q(address__contains=q))
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(category=category)
    if channel:
        qs = qs.filter(channel=channel)
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if station_id:
        qs = qs.filter(station_id=station_id)
    return qs


def inbox_station(user) -> QuerySet[Opinion]:
    """The station/deputy inbox: opinions received at the reader's stations, or (for a
    deputy) raised in the villages and grids they keep in touch with, that no one has
    settled yet, oldest first (the one waiting longest comes first). Opinions with no
    station outside a deputy's grids stay in the office's triage inbox."""
    return (
        opinions_visible(user, "opinions.answer")
        .filter(Q(station__isnull=False) | perms.grid_q(user), state=OpinionState.RECEIVED)
        .order_by("created_at", "id")
    )


def inbox_office(user) -> QuerySet[Opinion]:
    """The office's triage inbox: received and to-be-triaged opinions in the reader's
    regions (including those a unit returned), oldest first."""
    return (
        opinions_visible(user, "opinions.triage")
        .filter(state__in=(OpinionState.RECEIVED, OpinionState.TRIAGE))
        .order_by("created_at", "id")
    )


def inbox_unit(user) -> QuerySet[Opinion]:
    """The unit's inbox: what the reader's unit holds, by deadline (earliest first)."""
    return (
        opinions_visible(user, "opinions.handle")
        .filter(state__in=UNIT_STATES)
        .order_by("reply_due", "id")
    )


def overdue(user, *, today: dt.date | None = None) -> QuerySet[Opinion]:
    """Opinions a unit holds past their reply deadline, within the reader's scope,
    the longest overdue first."""
    today = today or timezone.localdate()
    return (
        opinions_visible(user)
        .filter(state__in=UNIT_STATES, reply_due__lt=today)
        .order_by("reply_due", "id")
    )


def pending_extensions(user) -> QuerySet[OpinionExtension]:
    """Extension requests waiting for the reader's decision (``opinions.triage``)."""
    ids = opinions_visible(user, "opinions.triage").values("pk")
    return (
        OpinionExtension.objects.filter(state=ExtensionState.PENDING, opinion_id__in=ids)
        .select_related("opinion", "assignment__unit")
        .order_by("created_at", "id")
    )


def meetings_visible(user) -> QuerySet[MeetingRequest]:
    """Meeting requests the reader may answer or follow: as a deputy of the station
    (those naming them or no one), or staff of the station."""
    qs = MeetingRequest.objects.select_related("opinion", "station", "deputy")
    deputy = perms.deputy_of(user)
    from minqing.core.permissions import scope

    staff = scope(qs, user, "opinions.meet")
    if deputy is None:
        return staff
    mine = Q(station_id__in=perms.deputy_station_ids(user)) & (
        Q(deputy=deputy) | Q(deputy__isnull=True)
    )
    return qs.filter(Q(pk__in=staff.values("pk")) | mine)


def meeting_get_visible(user, pk: int) -> MeetingRequest:
    meeting = meetings_visible(user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def open_meetings(user) -> QuerySet[MeetingRequest]:
    return meetings_visible(user).filter(state=MeetingState.REQUESTED).order_by("created_at")


def opinion_detail(opinion: Opinion) -> Opinion:
    """Prefetch everything the staff detail page and API show for one opinion."""
    return (
        _base()
        .select_related("raised_by_deputy", "master", "created_by")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=OpinionReply.objects.select_related("rating").prefetch_related("files"),
            ),
            "assignments__unit",
            "contacts",
            "extensions",
            "files",
            "duplicates",
        )
        .get(pk=opinion.pk)
    )


def timeline(opinion: Opinion, *, public_only: bool = False) -> QuerySet[TimelineEvent]:
    """The opinion's timeline rows, oldest first (public ones only for citizens)."""
    qs = TimelineEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Opinion), object_id=str(opinion.pk)
    ).select_related("actor")
    return qs.filter(public=True) if public_only else qs


# --- the citizen's side ---------------------------------------------------------


def track_lookup(code: str, last4: str) -> Opinion | None:
    """The opinion with tracking ``code`` whose phone ends in ``last4``, or None.

    A wrong code, a wrong phone and an opinion without a phone all answer None in the
    same way, so a lookup never tells whether a code exists. Rate limiting is the
    caller's job.
    """
    code = codes.normalise(code or "")
    last4 = (last4 or "").strip()
    if not codes.is_valid(code) or len(last4) != 4 or not last4.isdigit():
        return None
    opinion = Opinion.objects.filter(code=code).only("pk", "citizen_phone").first()
    expected = opinion.citizen_phone[-4:] if opinion and len(opinion.citizen_phone) >= 4 else "----"
    if not hmac.compare_digest(expected, last4) or opinion is None:
        return None
    return opinion


@dataclass
class PublicView:
    """What the track page shows: the matter, public timeline rows, replies, deadline;
    no name, no phone, no staff note."""

    opinion: Opinion
    followed: Opinion  # the master when merged, else the opinion itself
    events: list[TimelineEvent]
    replies: list[OpinionReply]
    can_rate: bool
    meeting: MeetingRequest | None


def track_view(opinion: Opinion) -> PublicView:
    """Assemble the citizen's view of ``opinion`` (after :func:`track_lookup`)."""
    opinion = (
        Opinion.objects.select_related("station", "region", "unit", "master")
        .prefetch_related("files")
        .get(pk=opinion.pk)
    )
    followed = (
        opinion.master if opinion.state == OpinionState.MERGED and opinion.master else opinion
    )
    events = list(timeline(opinion, public_only=True))
    if followed is not opinion:
        events += list(timeline(followed, public_only=True))
        events.sort(key=lambda e: (e.created_at, e.pk))
    replies = list(
        followed.replies.select_related("rating").prefetch_related("files").order_by("created_at")
    )
    meeting = MeetingRequest.objects.select_related("deputy").filter(opinion=opinion).first()
    return PublicView(
        opinion=opinion,
        followed=followed,
        events=events,
        replies=replies,
        can_rate=opinion.state == OpinionState.REPLIED,
        meeting=meeting,
    )


def counts_for(user) -> dict[str, int]:
    """Badge counts for the navigation: one query per inbox the reader has."""
    out = {}
    if perms.deputy_of(user) is not None or _has(user, "opinions.answer"):
        out["station"] = inbox_station(user).count()
    if _has(user, "opinions.triage"):
        out["office"] = inbox_office(user).count()
    if _has(user, "opinions.handle"):
        out["unit"] = inbox_unit(user).count()
    return out


def _has(user, perm: str) -> bool:
    from minqing.core.permissions import has_perm

    return has_perm(user, perm)
