"""Reads of the handling units' pages (the unit inbox and the commitment ledger), built
on the core selectors ``unit_inbox`` and ``commitments_visible``: they add the filters,
the deadline a row is sorted by and what each row shows, in the same query."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    When,
)

from minqing.core.calendar import WorkingCalendar
from minqing.people.models import HandlingUnit
from minqing.suggestions import selectors
from minqing.suggestions.models import (
    Assignment,
    AssignmentState,
    Commitment,
    CommitmentProgress,
    CommitmentState,
    Extension,
    ReassignRequest,
    RequestState,
    SuggestionState,
    UnitRole,
)

OPEN = selectors.OPEN_ASSIGNMENT_STATES


def _due() -> Case:
    # A co-handler works to its view deadline (会办意见), the others to the reply's.
    return Case(
        When(role=UnitRole.CO, view_due__isnull=False, then=F("view_due")),
        default=F("reply_due"),
        output_field=DateField(),
    )


def inbox(
    user,
    *,
    today: dt.date,
    state: str = "",
    role: str = "",
    year: int | None = None,
) -> QuerySet[Assignment]:
    """The unit inbox (``selectors.unit_inbox``: open parts of the user's units, and
    answered ones of items back in re-handling), earliest deadline first. Each row
    carries ``due`` (view deadline for co-handlers, else reply deadline),
    ``reassign_decide_due`` (a pending reassignment request's decision deadline) and
    ``extension_pending``. ``state``: pending, accepted, reassigning, rehandling (items
    back in handling) or overdue (open past ``due``)."""
    qs = selectors.unit_inbox(user).annotate(
        due=_due(),
        reassign_decide_due=Subquery(
            ReassignRequest.objects.filter(
                assignment=OuterRef("pk"), state=RequestState.PENDING
            ).values("decide_due")[:1]
        ),
        extension_pending=Exists(
            Extension.objects.filter(assignment=OuterRef("pk"), state=RequestState.PENDING)
        ),
    )
    if state in (AssignmentState.PENDING, AssignmentState.ACCEPTED, AssignmentState.REASSIGNING):
        qs = qs.filter(state=state)
    elif state == "rehandling":
        qs = qs.filter(suggestion__state=SuggestionState.REHANDLING)
    elif state == "overdue":
        qs = qs.filter(state__in=OPEN, due__lt=today)
    if role:
        qs = qs.filter(role=role)
    if year:
        qs = qs.filter(suggestion__year=year)
    return qs.order_by("due", "id")


def inbox_years(user) -> list[int]:
    """The years of the items in the user's inbox, newest first (the year filter)."""
    rows = selectors.unit_inbox(user).order_by().values_list("suggestion__year", flat=True)
    return sorted(set(rows.distinct()), reverse=True)


def working_days_late(rows: list, today: dt.date, *, due: str = "due") -> dict[int, int]:
    """Working days each overdue row is past its ``due`` date (pk → days), on one
    calendar snapshot (two queries, only when a row is overdue)."""
    late = [r for r in rows if getattr(r, due) and getattr(r, due) < today]
    if not late:
        return {}
    cal = WorkingCalendar(min(getattr(r, due) for r in late), today)
    out = {}
    for r in late:
        day, count = getattr(r, due), 0
        while day < today:
            day += dt.timedelta(days=1)
            count += cal.is_working_day(day)
        out[r.pk] = count
    return out


# ------------------------------------------------------------------------ the ledger


def ledger(
    user,
    *,
    year: int | None = None,
    state: str = "",
    unit: int | None = None,
    carried: str = "",
) -> QuerySet[Commitment]:
    """The commitment ledger (承诺事项台账) as ``user`` may read it
    (``selectors.commitments_visible``: units their own, the office and leaders every
    unit of their items), filtered by ledger year, state, unit and carried-over
    ("yes": from an earlier year; "no": this year's), each row with its latest
    ``latest_percent``; open ones first, by planned date."""
    qs = selectors.commitments_visible(user)
    if year:
        qs = qs.filter(year=year)
    if state:
        qs = qs.filter(state=state)
    if unit:
        qs = qs.filter(unit_id=unit)
    if carried == "yes":
        qs = qs.filter(year__gt=F("first_year"))
    elif carried == "no":
        qs = qs.filter(year=F("first_year"))
    latest = CommitmentProgress.objects.filter(commitment=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    open_first = Case(
        When(state=CommitmentState.OPEN, then=0), default=1, output_field=IntegerField()
    )
    return qs.annotate(latest_percent=Subquery(latest.values("percent")[:1])).order_by(
        open_first, F("due_date").asc(nulls_last=True), "id"
    )


def ledger_years(user) -> list[int]:
    rows = selectors.commitments_visible(user).order_by().values_list("year", flat=True)
    return sorted(set(rows.distinct()), reverse=True)


def ledger_units(user) -> list[HandlingUnit]:
    """The units that made the commitments ``user`` may read (the unit filter)."""
    ids = selectors.commitments_visible(user).order_by().values("unit_id")
    return list(HandlingUnit.objects.filter(pk__in=ids).order_by("region__path", "name"))


def commitment_progress(commitment: Commitment) -> list[CommitmentProgress]:
    """A commitment's progress notes, oldest first (the caller got it through
    ``selectors.commitment_get_visible``)."""
    return list(commitment.progress.select_related("author").order_by("created_at", "id"))
