"""Private helpers shared by the opinion actions: locking, deadlines, files, messages.

Nothing here writes an audit entry; the calling action does, exactly once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core import codes
from minqing.core.calendar import working_deadline
from minqing.core.config import settings_for
from minqing.opinions.models import (
    TRACKING_CODE_LENGTH,
    FileKind,
    Opinion,
    OpinionAssignment,
    OpinionFile,
    OpinionReply,
)

TRACK_PATH = "/o/track/"
# The audit label of a citizen without an account.
CITIZEN = "群众"
# Never put names or phones in an audit snapshot.
AUDIT_FIELDS = ["state", "kind", "category", "unit_id", "reply_due", "master_id"]


def lock(opinion: Opinion) -> Opinion:
    """Re-read ``opinion`` under a row lock so concurrent steps serialise."""
    return Opinion.objects.select_for_update(of=("self",)).get(pk=opinion.pk)


def today() -> dt.date:
    return timezone.localdate()


def new_code() -> str:
    # 31**9 bodies: a clash is vanishingly rare, but never reuse a code.
    while True:
        code = codes.generate(TRACKING_CODE_LENGTH)
        if not Opinion.objects.filter(code=code).exists():
            return code


def new_assignment(
    opinion: Opinion, *, unit, actor, instructions: str = "", round: int = 1, signed: bool = False
) -> OpinionAssignment:
    """Open an assignment with deadlines from the region's settings, counted from today."""
    cfg = settings_for(opinion.region)
    start = today()
    sign = working_deadline(start, cfg["opinion.sign_working_days"])
    contact = working_deadline(start, cfg["opinion.contact_working_days"])
    reply = working_deadline(start, cfg["opinion.reply_working_days"])
    now = timezone.now()
    return OpinionAssignment.objects.create(
        opinion=opinion,
        unit=unit,
        round=round,
        forwarded_by=actor if getattr(actor, "is_authenticated", False) else None,
        forwarded_at=now,
        instructions=instructions,
        sign_due=sign.due,
        contact_due=contact.due,
        reply_due=reply.due,
        deadline_provisional=sign.provisional or contact.provisional or reply.provisional,
        signed_at=now if signed else None,
    )


def store_files(opinion: Opinion, images: Iterable, *, kind: str, reply=None) -> list[OpinionFile]:
    """Save re-encoded uploads (``uploads.CleanImage``/``CleanFile``) under random names."""
    from minqing.opinions.uploads import save_clean

    return [
        save_clean(
            OpinionFile,
            item,
            fallback_name=_("照片"),
            opinion=opinion,
            reply=reply,
            kind=kind,
            width=getattr(item, "width", None),
            height=getattr(item, "height", None),
        )
        for item in images
    ]


def check_photo_count(existing: int, new: int) -> None:
    from django.conf import settings

    limit = getattr(settings, "MINQING_PHOTO_MAX_COUNT", 6)
    if existing + new > limit:
        raise ValidationError({"photos": [_("最多上传 %(n)s 张照片") % {"n": limit}]})


def responder_for(actor, opinion: Opinion) -> str:
    """The public name of who answered: a station or an office, never a person."""
    if opinion.station_id:
        return opinion.station.name
    # The nearest congress up the tree (a village has none: its township's answers).
    from minqing.people.models import Congress

    codes_up = [c for c in opinion.region.path.strip("/").split("/") if c]
    congress = (
        Congress.objects.filter(region__code__in=codes_up)
        .select_related("region")
        .order_by("-region__level")
        .first()
    )
    region = congress.region if congress else opinion.region
    return _("%(region)s人大") % {"region": region.name}


def add_reply(
    opinion: Opinion,
    *,
    actor,
    kind: str,
    responder: str,
    public_text: str,
    internal_note: str,
    resolution: str,
    assignment=None,
    attachments: Iterable = (),
) -> OpinionReply:
    reply = OpinionReply.objects.create(
        opinion=opinion,
        assignment=assignment,
        kind=kind,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        responder=responder[:100],
        public_text=public_text,
        internal_note=internal_note,
        resolution=resolution,
    )
    store_files(opinion, attachments, kind=FileKind.ATTACHMENT, reply=reply)
    return reply


def track_url(opinion: Opinion) -> str:
    """The citizen's link (texted, so absolute when MINQING_PUBLIC_URL is set). The path
    is pinned against the URLconf by a test; it is built without ``reverse`` so a text
    can be composed before the URLconf loads (tasks, shell)."""
    from django.conf import settings

    return f"{settings.MINQING_PUBLIC_URL}{TRACK_PATH}?code={opinion.code}"


def staff_url(opinion: Opinion):
    return reverse_lazy("opinions:detail", args=[opinion.pk])


def meeting_url(meeting):
    return reverse_lazy("opinions:meeting_detail", args=[meeting.pk])


def sms_later(phone: str, text: str) -> None:
    """Text the citizen once the transaction commits (nothing is sent on rollback)."""
    if not phone:
        return

    def send() -> None:
        from minqing.notify.sms import send_sms

        send_sms(phone, text)

    transaction.on_commit(send)


def notify_later(recipients, *, verb: str, title: str, body: str = "", url: str = "") -> None:
    """Notify staff once the transaction commits. ``recipients`` is a callable so the
    lookups run only after a successful commit."""

    def send() -> None:
        from minqing.notify.delivery import notify

        notify(recipients(), verb=verb, title=title, body=body, url=url)

    transaction.on_commit(send)
