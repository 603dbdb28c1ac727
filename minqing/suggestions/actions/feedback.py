"""The deputies' rating of the replies (征询意见) and what follows: re-handling of the
unsatisfied parts or closing the item."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core import audit
from minqing.core.config import settings_for
from minqing.core.states import log_event, transition
from minqing.suggestions import permissions as perms
from minqing.suggestions.actions._common import (
    lock,
    month_deadline,
    notify_later,
    staff_url,
    today,
    unit_users,
    working_deadline,
)
from minqing.suggestions.models import (
    Assignment,
    AssignmentState,
    Feedback,
    Level,
    Reply,
    Suggestion,
    SuggestionState,
)
from minqing.suggestions.states import ASSIGNMENT_STATES, SUGGESTION_STATES


def _overall(levels: list[str]) -> str:
    if Level.UNSATISFIED in levels:
        return Level.UNSATISFIED
    if Level.BASIC in levels:
        return Level.BASIC
    return Level.SATISFIED


@transaction.atomic(durable=True)
def suggestion_feedback(
    *,
    actor,
    reply: Reply,
    result_level: str,
    contact_level: str,
    comment: str = "",
) -> Feedback:
    """The lead deputy rates a reply of the current round (满意/基本满意/不满意, on the
    result and on the contact made); the office may enter a paper 征询意见表.

    When every reply of the round is rated: any 不满意 on the result re-handles those
    units' parts with ``suggestion.rehandle_months`` to answer (up to
    ``suggestion.rehandle_limit`` times); otherwise the item is closed (办结).
    """
    suggestion = reply.suggestion
    perms.require_lead_or_office(actor, suggestion)
    suggestion = lock(suggestion)
    if suggestion.state != SuggestionState.REPLIED:
        raise ValidationError(_("目前不在征询代表意见阶段"))
    if reply.round != suggestion.round:
        raise ValidationError(_("只能评价本轮答复"))
    if Feedback.objects.filter(reply=reply).exists():
        raise ValidationError(_("这份答复已经评价过了"))
    errors = {}
    if result_level not in Level.values:
        errors["result_level"] = [_("请评价办理结果")]
    if contact_level not in Level.values:
        errors["contact_level"] = [_("请评价沟通联系情况")]
    comment = (comment or "").strip()
    if result_level == Level.UNSATISFIED and len(comment) < 5:
        errors["comment"] = [_("不满意时请说明理由（至少 5 个字）")]
    if errors:
        raise ValidationError(errors)
    feedback = Feedback.objects.create(
        reply=reply,
        deputy=suggestion.lead_deputy,
        result_level=result_level,
        contact_level=contact_level,
        comment=comment[:2000],
    )
    log_event(suggestion, workflow=SUGGESTION_STATES.name, verb="feedback", actor=actor)
    round_replies = list(
        Reply.objects.filter(suggestion=suggestion, round=suggestion.round).select_related(
            "feedback", "assignment__unit"
        )
    )
    rated = [r for r in round_replies if hasattr(r, "feedback")]
    outcome = "waiting"
    if len(rated) == len(round_replies):
        levels = [r.feedback.result_level for r in rated]
        unhappy = [r.assignment for r in rated if r.feedback.result_level == Level.UNSATISFIED]
        limit = settings_for(suggestion.region)["suggestion.rehandle_limit"]
        if unhappy and suggestion.rehandle_count < limit:
            _rehandle(suggestion, unhappy, actor=actor)
            outcome = "rehandle"
        else:
            suggestion.satisfaction = _overall(levels)
            suggestion.closed_at = timezone.now()
            transition(
                suggestion,
                table=SUGGESTION_STATES,
                to=SuggestionState.CLOSED,
                actor=actor,
                public=True,
                update_fields=("satisfaction", "closed_at"),
            )
            outcome = "closed"
    audit.record(
        actor=actor,
        verb="suggestion.feedback",
        obj=suggestion,
        after={
            "reply": reply.pk,
            "result_level": result_level,
            "contact_level": contact_level,
            "outcome": outcome,
        },
    )
    notify_later(
        unit_users(reply.assignment.unit),
        verb="suggestion.feedback",
        title=_("代表对「%(title)s」的答复评价：%(level)s")
        % {"title": suggestion.title, "level": Level(result_level).label},
        url=staff_url(suggestion),
    )
    return feedback


def _rehandle(suggestion: Suggestion, assignments: list[Assignment], *, actor) -> None:
    cfg = settings_for(suggestion.region)
    due = month_deadline(today(), cfg["suggestion.rehandle_months"])
    suggestion.round += 1
    suggestion.rehandle_count += 1
    suggestion.feedback_due = None
    transition(
        suggestion,
        table=SUGGESTION_STATES,
        to=SuggestionState.REHANDLING,
        actor=actor,
        # Public row: the deputy's reasons stay on the feedback, not on public pages.
        public=True,
        update_fields=("round", "rehandle_count", "feedback_due"),
    )
    for a in assignments:
        a.reply_due = due.due
        a.reply_due_original = due.due
        a.deadline_provisional = due.provisional
        a.on_time = None
        transition(
            a,
            table=ASSIGNMENT_STATES,
            to=AssignmentState.ACCEPTED,
            actor=actor,
            verb="rehandle",
            update_fields=("reply_due", "reply_due_original", "deadline_provisional", "on_time"),
        )
    notify_later(
        unit_users(*[a.unit for a in assignments]),
        verb="suggestion.rehandle",
        title=_("代表对答复不满意，请重新办理「%(title)s」，%(due)s前答复")
        % {"title": suggestion.title, "due": due.due.isoformat()},
        url=staff_url(suggestion),
    )


def feedback_due_for(suggestion: Suggestion):
    """The feedback deadline counted from today (used when the last reply comes in)."""
    return working_deadline(
        today(), settings_for(suggestion.region)["suggestion.feedback_working_days"]
    )


__all__ = ["feedback_due_for", "suggestion_feedback"]
