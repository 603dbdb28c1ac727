"""The citizen's rating of a reply, and the closing of replies left unrated."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core import audit
from minqing.core.config import settings_for
from minqing.core.states import transition
from minqing.opinions import recipients
from minqing.opinions.actions._common import (
    CITIZEN,
    lock,
    new_assignment,
    notify_later,
    staff_url,
)
from minqing.opinions.models import Opinion, OpinionRating, OpinionState, Satisfaction
from minqing.opinions.states import OPINION_STATES
from minqing.opinions.validation import normalise_text


@transaction.atomic(durable=True)
def opinion_rate(*, actor=None, opinion: Opinion, level: str, comment: str = "") -> Opinion:
    """The citizen rates the latest reply: 满意 / 基本满意 / 不满意 with a comment.

    The caller has proved the citizen holds the tracking code and the phone's last four
    digits (the track page does). Replied only. 不满意 sends the opinion back to the same
    unit for re-handling with a fresh reply deadline, as many times as the region's
    ``opinion.rehandle_limit`` allows; any other rating, or 不满意 past the limit, closes
    it. The unit is notified of a re-handling.
    """
    opinion = lock(opinion)
    if opinion.state != OpinionState.REPLIED:
        raise ValidationError(_("这件事项目前不能评价"))
    if level not in Satisfaction.values:
        raise ValidationError({"level": [_("请选择满意、基本满意或不满意")]})
    comment = normalise_text(comment)
    if len(comment) > 500:
        raise ValidationError({"comment": [_("评价意见不能超过 500 个字")]})
    if level == Satisfaction.UNSATISFIED and not comment:
        raise ValidationError({"comment": [_("请说明不满意的原因，便于重新办理")]})
    reply = opinion.replies.order_by("-created_at", "-id").first()
    OpinionRating.objects.create(opinion=opinion, reply=reply, level=level, comment=comment)
    limit = settings_for(opinion.region)["opinion.rehandle_limit"]
    rehandle = level == Satisfaction.UNSATISFIED and opinion.rehandle_count < limit
    opinion.satisfaction = level
    if rehandle:
        unit = opinion.unit
        opinion.rehandle_count += 1
        assignment = new_assignment(
            opinion,
            unit=unit,
            actor=None,
            instructions=comment,
            round=opinion.rehandle_count + 1,
            signed=True,
        )
        opinion.assignment, opinion.reply_due = assignment, assignment.reply_due
        transition(
            opinion,
            table=OPINION_STATES,
            to=OpinionState.HANDLING,
            verb="rehandle",
            actor=actor,
            public=True,
            update_fields=("satisfaction", "rehandle_count", "assignment", "reply_due"),
        )
    else:
        opinion.closed_at = timezone.now()
        transition(
            opinion,
            table=OPINION_STATES,
            to=OpinionState.CLOSED,
            verb="rate",
            actor=actor,
            public=True,
            update_fields=("satisfaction", "closed_at"),
        )
    audit.record(
        actor=actor if getattr(actor, "is_authenticated", False) else CITIZEN,
        verb="opinion.rate",
        obj=opinion,
        after={"level": level, "rehandle": rehandle, "state": opinion.state},
    )
    if rehandle:
        notify_later(
            lambda: recipients.unit_staff(unit),
            verb="opinion.rehandle",
            title=_("群众不满意，请于 %(due)s 前重新办理：%(summary)s")
            % {"due": opinion.reply_due, "summary": opinion.summary},
            url=staff_url(opinion),
        )
    return opinion


@transaction.atomic(durable=True)
def opinion_close_unrated(*, actor=None, opinion: Opinion, today: dt.date | None = None) -> bool:
    """Close a reply the citizen has not rated within the region's ``opinion.rate_days``
    (run by the daily task). Unrated closes do not count in 满意率. Returns whether it
    closed the opinion (False when it was rated or is not yet due)."""
    opinion = lock(opinion)
    if opinion.state != OpinionState.REPLIED:
        return False
    reply = opinion.replies.order_by("-created_at", "-id").first()
    days = settings_for(opinion.region)["opinion.rate_days"]
    today = today or timezone.localdate()
    if reply is None or timezone.localdate(reply.created_at) + dt.timedelta(days=days) > today:
        return False
    opinion.closed_at = timezone.now()
    transition(
        opinion,
        table=OPINION_STATES,
        to=OpinionState.CLOSED,
        verb="rate",
        actor=actor,
        note="unrated",
        public=True,
        update_fields=("closed_at",),
    )
    audit.record(
        actor=actor or "系统",
        verb="opinion.close_unrated",
        obj=opinion,
        after={"state": opinion.state, "rate_days": days},
    )
    return True
