"""Reads of the congress office's pages (office inbox, batch assignment, overdue list,
batch detail) that ``selectors`` does not already answer. Everything starts from the
items the reader manages (``permissions.visible(…, MANAGE)``) and answers 404 outside
the reader's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from minqing.accounts.models import Role, RoleGrant, User
from minqing.core.permissions import grants_for, is_unrestricted, scope
from minqing.people.models import HandlingUnit
from minqing.suggestions import permissions as perms
from minqing.suggestions import selectors
from minqing.suggestions.models import (
    Assignment,
    AssignmentBatch,
    AssignmentState,
    HandlingMode,
    Suggestion,
    SuggestionState,
    Supervision,
    UnitRole,
)


def closable(user, *, today: dt.date | None = None) -> QuerySet[Suggestion]:
    """Replied items the reader manages whose deputies' feedback deadline has passed
    without a rating: the office may close them (``actions.suggestion_close``)."""
    today = today or timezone.localdate()
    return (
        selectors.suggestions_visible(user, perms.MANAGE)
        .filter(state=SuggestionState.REPLIED)
        .filter(Q(feedback_due__lt=today) | Q(feedback_due__isnull=True))
        .order_by("feedback_due", "id")
    )


def supervised(user) -> QuerySet[Suggestion]:
    """Items the reader manages that are under key supervision (重点督办) or led by a
    leader (领办), with their supervisions prefetched (no query per row)."""
    items = Supervision.objects.values("suggestion_id")
    return (
        selectors.suggestions_visible(user, perms.MANAGE)
        .filter(pk__in=items)
        .prefetch_related(Prefetch("supervisions", queryset=Supervision.objects.order_by("kind")))
        .order_by("-year", "kind", "-number", "-id")
    )


def units_for_assign(user) -> QuerySet[HandlingUnit]:
    """The units an item may be assigned to by ``user``: active and visible to them
    (the same rule ``actions.suggestion_assign`` applies), with their region."""
    qs = HandlingUnit.objects.filter(is_active=True).select_related("region")
    return scope(qs, user, "people.view_unit").order_by("region__path", "name")


def leaders_for(user) -> QuerySet[User]:
    """Accounts holding the LEADER role in the regions the reader manages: the ones a
    supervision (督办/领办) may name."""
    grants = RoleGrant.objects.active().filter(role=Role.LEADER, user__is_active=True)
    if not is_unrestricted(user):
        q = Q(pk__in=[])
        for g in grants_for(user, perms.MANAGE):
            if g.unit_id is None and g.station_id is None:
                q |= Q(region__path__startswith=g.region.path)
        grants = grants.filter(q)
    return User.objects.filter(pk__in=grants.values("user_id")).order_by("display_name", "id")


# ---------------------------------------------------------------- batch assignment


def batch_rows(
    user,
    *,
    congress_id: int | None = None,
    session_id: int | None = None,
    timing: str = "",
    category: str = "",
    q: str = "",
    number_from: int | None = None,
    number_to: int | None = None,
) -> QuerySet[Suggestion]:
    """Accepted items waiting for assignment (``selectors.to_assign``) with the batch
    screen's filters, by number: one query, the lead deputy and session joined. One
    batch holds the items of one congress (``congress_id``)."""
    qs = selectors.filter_suggestions(
        selectors.to_assign(user), q=q, session_id=session_id, timing=timing, category=category
    )
    if congress_id is not None:
        qs = qs.filter(congress_id=congress_id)
    if number_from is not None:
        qs = qs.filter(number__gte=number_from)
    if number_to is not None:
        qs = qs.filter(number__lte=number_to)
    return qs.order_by("year", "number", "id")


@dataclass
class PastPlan:
    """How the latest assigned item of a category was assigned (its current units)."""

    suggestion_id: int
    mode: str
    lead: int | None = None
    co: list[int] = field(default_factory=list)
    separate: list[int] = field(default_factory=list)

    @property
    def unit_ids(self) -> list[int]:
        """The units in the order the batch screen writes them: lead first."""
        if self.mode == HandlingMode.SEPARATE:
            return list(self.separate)
        return ([self.lead] if self.lead else []) + list(self.co)


def last_plans_by_category(user, categories) -> dict[str, PastPlan]:
    """For each category, how the most recently assigned item of it (among the items
    the reader manages) was assigned: mode and current units (reassigned parts count
    at their new unit). One query; categories never assigned are absent."""
    categories = sorted({c for c in categories if c})
    if not categories:
        return {}
    managed = perms.visible(Suggestion.objects.all(), user, perms.MANAGE)
    latest = (
        managed.filter(category=OuterRef("category"), assigned_at__isnull=False)
        .order_by("-assigned_at", "-id")
        .values("pk")[:1]
    )
    last_ids = (
        managed.filter(category__in=categories, assigned_at__isnull=False)
        .annotate(latest=Subquery(latest))
        .filter(pk=F("latest"))
        .values("pk")
    )
    rows = (
        Assignment.objects.filter(suggestion_id__in=last_ids)
        .exclude(state=AssignmentState.REMOVED)
        .values_list(
            "suggestion_id", "suggestion__category", "suggestion__handling_mode", "unit_id", "role"
        )
        .order_by("suggestion_id", "id")
    )
    out: dict[str, PastPlan] = {}
    for sid, category, mode, unit_id, role in rows:
        plan = out.setdefault(category, PastPlan(sid, mode or HandlingMode.LEAD))
        if role == UnitRole.LEAD:
            plan.lead = unit_id
        elif role == UnitRole.CO:
            plan.co.append(unit_id)
        else:
            plan.separate.append(unit_id)
    return out


def batch_get_visible(user, pk: int) -> AssignmentBatch:
    """A batch of the reader's region (suggestions.manage), or Http404."""
    batch = (
        scope(AssignmentBatch.objects.select_related("session", "created_by"), user, perms.MANAGE)
        .filter(pk=pk)
        .first()
    )
    if batch is None:
        raise Http404
    return batch


def batch_items(batch: AssignmentBatch) -> list[Assignment]:
    """The parts a batch created, by unit then item number (one query)."""
    return list(
        batch.items.select_related("unit", "suggestion", "suggestion__lead_deputy").order_by(
            "unit__name", "unit_id", "suggestion__number", "suggestion_id", "id"
        )
    )


# ---------------------------------------------------------------- overdue


def overdue_by_unit(qs: QuerySet[Assignment]) -> list[dict]:
    """How many overdue parts each unit holds (``qs`` from
    ``selectors.overdue_assignments``), most first: one query."""
    return list(
        qs.order_by()
        .values("unit_id", "unit__name")
        .annotate(n=Count("id"))
        .order_by("-n", "unit__name")
    )
