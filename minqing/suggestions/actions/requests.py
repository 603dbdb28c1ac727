"""The office's decisions on units' requests: reassignment (调整交办) and extension (延期)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core import audit
from minqing.core.calendar import add_months
from minqing.core.config import settings_for
from minqing.core.states import log_event, transition
from minqing.people.models import HandlingUnit
from minqing.suggestions.actions._common import (
    lock_assignment,
    notify_later,
    staff_url,
    unit_users,
)
from minqing.suggestions.actions.office import Plan, _check_plan, _open_assignment, _require_manage
from minqing.suggestions.models import (
    AssignmentState,
    Extension,
    HandlingMode,
    ReassignRequest,
    RequestState,
)
from minqing.suggestions.states import ASSIGNMENT_STATES, REQUEST_STATES, SUGGESTION_STATES


def _lock_request(model, obj):
    return (
        model.objects.select_for_update(of=("self",))
        .select_related("assignment", "assignment__suggestion", "assignment__unit")
        .get(pk=obj.pk)
    )


@transaction.atomic(durable=True)
def reassign_decide(
    *,
    actor,
    request: ReassignRequest,
    approve: bool,
    new_unit: HandlingUnit | None = None,
    note: str = "",
) -> ReassignRequest:
    """Decide a unit's reassignment request (调整交办). Approving moves the unit's part,
    with the same role and fresh deadlines, to ``new_unit``; refusing leaves it with the
    unit, which must handle it. Notifies both units."""
    suggestion = request.assignment.suggestion
    _require_manage(actor, suggestion)
    request = _lock_request(ReassignRequest, request)
    old = lock_assignment(request.assignment)
    note = (note or "").strip()[:1000]
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note
    if approve:
        if new_unit is None:
            raise ValidationError({"new_unit": [_("请选择改由哪个单位承办")]})
        if (
            new_unit.pk == old.unit_id
            or suggestion.assignments.exclude(state=AssignmentState.REMOVED)
            .filter(unit=new_unit)
            .exists()
        ):
            raise ValidationError({"new_unit": [_("该单位已经在承办这件建议")]})
        _check_plan(actor, Plan(suggestion, HandlingMode.LEAD, new_unit))
        request.new_unit = new_unit
    elif len(note) < 2:
        raise ValidationError({"note": [_("不同意调整时请说明理由")]})
    transition(
        request,
        table=REQUEST_STATES,
        to=RequestState.APPROVED if approve else RequestState.REFUSED,
        actor=actor,
        update_fields=("decided_by", "decided_at", "decision_note", "new_unit"),
    )
    old.removed_at = timezone.now() if approve else None
    if not approve and old.accepted_at is None:
        old.accepted_at = timezone.now()  # refused: the unit holds it, as if it had signed
    transition(
        old,
        table=ASSIGNMENT_STATES,
        to=AssignmentState.REMOVED if approve else AssignmentState.ACCEPTED,
        actor=actor,
        note=note,
        update_fields=("removed_at", "accepted_at"),
    )
    if approve:
        _open_assignment(
            suggestion, new_unit, old.role, actor=actor, instructions=old.instructions, batch=None
        )
        log_event(
            suggestion,
            workflow=SUGGESTION_STATES.name,
            verb="reassign",
            actor=actor,
            public=True,
            note=f"{old.unit.name} → {new_unit.name}",
        )
    audit.record(
        actor=actor,
        verb="suggestion.reassign_decide",
        obj=suggestion,
        after={
            "request": request.pk,
            "approved": approve,
            "from_unit": old.unit_id,
            "to_unit": new_unit.pk if approve else None,
        },
        note=note,
    )
    title = (
        _("调整交办申请已同意：「%(title)s」改由%(unit)s承办")
        % {"title": suggestion.title, "unit": new_unit.name}
        if approve
        else _("调整交办申请未获同意，请继续办理「%(title)s」") % {"title": suggestion.title}
    )
    units = (old.unit, new_unit) if approve else (old.unit,)
    notify_later(
        unit_users(*units),
        verb="suggestion.reassign_decide",
        title=title,
        url=staff_url(suggestion),
    )
    return request


@transaction.atomic(durable=True)
def extension_decide(*, actor, extension: Extension, approve: bool, note: str = "") -> Extension:
    """Approve or refuse a unit's extension request; approval moves the reply deadline to
    the requested date (never past ``suggestion.reply_max_months``). Notifies the unit."""
    suggestion = extension.assignment.suggestion
    _require_manage(actor, suggestion)
    extension = _lock_request(Extension, extension)
    assignment = lock_assignment(extension.assignment)
    extension.decided_by = actor
    extension.decided_at = timezone.now()
    extension.decision_note = (note or "").strip()[:1000]
    transition(
        extension,
        table=REQUEST_STATES,
        to=RequestState.APPROVED if approve else RequestState.REFUSED,
        actor=actor,
        update_fields=("decided_by", "decided_at", "decision_note"),
    )
    before = assignment.reply_due
    if approve:
        cap = add_months(
            timezone.localtime(assignment.assigned_at).date(),
            settings_for(suggestion.region)["suggestion.reply_max_months"],
        )
        assignment.reply_due = min(extension.new_due, cap)
        assignment.save(update_fields=["reply_due"])
        log_event(
            suggestion,
            workflow=SUGGESTION_STATES.name,
            verb="extend",
            actor=actor,
            public=True,
            note=assignment.reply_due.isoformat(),
        )
    audit.record(
        actor=actor,
        verb="suggestion.extension_decide",
        obj=suggestion,
        before={"reply_due": before},
        after={"extension": extension.pk, "approved": approve, "reply_due": assignment.reply_due},
    )
    notify_later(
        unit_users(assignment.unit),
        verb="suggestion.extension_decide",
        title=(
            _("延期申请已同意：「%(title)s」%(due)s前答复")
            % {"title": suggestion.title, "due": assignment.reply_due.isoformat()}
            if approve
            else _("延期申请未获同意：「%(title)s」") % {"title": suggestion.title}
        ),
        url=staff_url(suggestion),
    )
    return extension


__all__ = ["extension_decide", "reassign_decide"]
