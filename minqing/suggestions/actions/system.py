"""Steps the system takes on its own (the hourly sweep, the new year): reminders and
escalation of deadlines, closing items whose feedback never came, and carrying
unfinished commitments into the next year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from minqing.core import audit
from minqing.core.states import log_event, transition
from minqing.suggestions.actions._common import lock, notify_later, staff_url, today
from minqing.suggestions.models import (
    Assignment,
    Commitment,
    CommitmentState,
    Reminder,
    Suggestion,
    SuggestionState,
)
from minqing.suggestions.states import COMMITMENT_STATES, SUGGESTION_STATES

SYSTEM = "系统"


@transaction.atomic(durable=True)
def suggestion_close_unrated(
    *, actor=None, suggestion: Suggestion, on: dt.date | None = None
) -> Suggestion | None:
    """Close a replied item whose feedback deadline has passed after the deputies were
    reminded (the sweep sends the reminder first). Missing feedback is left out of the
    satisfaction rate. Returns None when the item no longer qualifies."""
    on = on or today()
    suggestion = lock(suggestion)
    if (
        suggestion.state != SuggestionState.REPLIED
        or suggestion.feedback_due is None
        or suggestion.feedback_due >= on
        or not Reminder.objects.filter(
            suggestion=suggestion, kind="feedback_due_soon", due=suggestion.feedback_due
        ).exists()
    ):
        return None
    suggestion.closed_at = timezone.now()
    transition(
        suggestion,
        table=SUGGESTION_STATES,
        to=SuggestionState.CLOSED,
        actor=actor,
        public=True,
        update_fields=("closed_at",),
    )
    audit.record(
        actor=actor or SYSTEM,
        verb="suggestion.close_unrated",
        obj=suggestion,
        after={"state": suggestion.state, "feedback_due": suggestion.feedback_due},
    )
    return suggestion


@transaction.atomic(durable=True)
def commitments_carry_over(*, actor=None, year: int) -> int:
    """Carry every open commitment of earlier ledgers into ``year``'s ledger (结转):
    idempotent; each carried commitment's item gets a timeline row. Returns how many."""
    rows = list(
        Commitment.objects.select_for_update(of=("self",))
        .filter(state=CommitmentState.OPEN, year__lt=year)
        .select_related("suggestion")
    )
    for c in rows:
        previous = c.year
        c.year = year
        c.save(update_fields=["year"])
        log_event(
            c,
            workflow=COMMITMENT_STATES.name,
            verb="carry_over",
            actor=actor,
            note=f"{previous} → {year}",
        )
    audit.record(
        actor=actor or SYSTEM,
        verb="suggestion.commitments_carry_over",
        after={"year": year, "count": len(rows)},
    )
    return len(rows)


@transaction.atomic(durable=True)
def suggestion_remind(
    *,
    actor=None,
    suggestion: Suggestion,
    assignment: Assignment | None = None,
    kind: str,
    due: dt.date,
    recipients: Callable[[], list],
    title: str,
) -> bool:
    """Send one reminder or escalation about a deadline, once per (item, part, kind,
    due date); a second call is a no-op returning False. Run by the periodic sweep,
    not by people. Writes a staff-only timeline row (催办) and notifies ``recipients``
    (a callable, evaluated after the commit)."""
    # The item's row lock serialises two sweeps: the unique constraint alone does not,
    # because its assignment column is NULL for the item's own deadlines.
    suggestion = lock(suggestion)
    if Reminder.objects.filter(
        suggestion=suggestion, assignment=assignment, kind=kind, due=due
    ).exists():
        return False
    reminder = Reminder.objects.create(
        suggestion=suggestion, assignment=assignment, kind=kind, due=due
    )
    log_event(suggestion, workflow=SUGGESTION_STATES.name, verb=f"remind_{kind}", actor=actor)
    audit.record(
        actor=actor or SYSTEM,
        verb="suggestion.remind",
        obj=suggestion,
        after={
            "kind": kind,
            "due": due,
            "assignment": assignment.pk if assignment else None,
            "unit": assignment.unit_id if assignment else None,
            "reminder": reminder.pk,
        },
    )
    notify_later(recipients, verb=f"suggestion.{kind}", title=title, url=staff_url(suggestion))
    return True


__all__ = ["commitments_carry_over", "suggestion_close_unrated", "suggestion_remind"]
