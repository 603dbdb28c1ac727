"""What the congress office does: screen, decide motions, assign (one item or a whole
session at once), decide reassignment and extension requests, name supervisors, close.

Every action here needs ``suggestions.manage`` on the item's region.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.accounts.models import Role
from minqing.core import audit
from minqing.core.calendar import Deadline
from minqing.core.config import settings_for
from minqing.core.permissions import has_perm, roles_of, scope
from minqing.core.states import InvalidTransition, log_event, transition
from minqing.people.models import HandlingUnit
from minqing.suggestions import permissions as perms
from minqing.suggestions.actions._common import (
    deputy_users,
    lock,
    month_deadline,
    new_code,
    next_number,
    notify_later,
    snapshot,
    staff_url,
    today,
    unit_users,
    working_deadline,
)
from minqing.suggestions.models import (
    Assignment,
    AssignmentBatch,
    HandlingMode,
    Kind,
    PresidiumDecision,
    RejectReason,
    Signer,
    SignerState,
    SourceOpinion,
    Suggestion,
    SuggestionState,
    Supervision,
    SupervisionKind,
    UnitRole,
)
from minqing.suggestions.states import SUGGESTION_STATES


def _require_manage(actor, suggestion: Suggestion) -> None:
    perms.require(actor, perms.MANAGE, suggestion)


@transaction.atomic(durable=True)
def suggestion_accept(
    *, actor, suggestion: Suggestion, category: str = "", note: str = ""
) -> Suggestion:
    """Accept a submitted suggestion after screening (受理); optionally set its category.
    Motions go to the presidium instead (:func:`motion_decide`)."""
    _require_manage(actor, suggestion)
    suggestion = lock(suggestion)
    if suggestion.kind != Kind.SUGGESTION:
        raise ValidationError(_("议案由大会主席团决定是否列入会议议程"))
    before = snapshot(suggestion)
    if category:
        suggestion.category = category.strip()[:40]
    suggestion.accepted_at = timezone.now()
    suggestion.screen_note = (note or "").strip()[:1000]
    transition(
        suggestion,
        table=SUGGESTION_STATES,
        to=SuggestionState.ACCEPTED,
        actor=actor,
        public=True,
        update_fields=("category", "accepted_at", "screen_note"),
    )
    audit.record(
        actor=actor,
        verb="suggestion.accept",
        obj=suggestion,
        before=before,
        after=snapshot(suggestion),
    )
    return suggestion


@transaction.atomic(durable=True)
def suggestion_reject(*, actor, suggestion: Suggestion, reason: str, note: str = "") -> Suggestion:
    """Not accept a submitted suggestion (不予受理) for one of DOMAIN's reasons; the
    deputies are told why."""
    _require_manage(actor, suggestion)
    suggestion = lock(suggestion)
    if suggestion.kind != Kind.SUGGESTION:
        raise ValidationError(_("议案由大会主席团决定是否列入会议议程"))
    if reason not in RejectReason.values:
        raise ValidationError({"reason": [_("请选择不予受理的理由")]})
    note = (note or "").strip()
    if len(note) < 5:
        raise ValidationError({"note": [_("请向代表说明不予受理的具体情况（至少 5 个字）")]})
    suggestion.reject_reason = reason
    suggestion.screen_note = note[:1000]
    transition(
        suggestion,
        table=SUGGESTION_STATES,
        to=SuggestionState.NOT_ACCEPTED,
        actor=actor,
        note=RejectReason(reason).label,
        update_fields=("reject_reason", "screen_note"),
    )
    audit.record(
        actor=actor,
        verb="suggestion.reject",
        obj=suggestion,
        after={"state": suggestion.state, "reason": reason},
    )
    notify_later(
        deputy_users(suggestion),
        verb="suggestion.reject",
        title=_("「%(title)s」不予受理：%(reason)s")
        % {"title": suggestion.title, "reason": RejectReason(reason).label},
        body=note,
        url=staff_url(suggestion),
    )
    return suggestion


_DECISION_STATE = {
    PresidiumDecision.AGENDA: SuggestionState.ON_AGENDA,
    PresidiumDecision.NOT_PLACED: SuggestionState.NOT_PLACED,
    PresidiumDecision.CONVERTED: SuggestionState.CONVERTED,
}


@transaction.atomic(durable=True)
def motion_decide(*, actor, suggestion: Suggestion, decision: str, note: str = "") -> Suggestion:
    """Record the presidium's decision on a submitted motion: placed on the agenda, not
    placed, or converted into a suggestion. A conversion creates the suggestion (same
    deputies and source opinions, submitted for screening) as ``converted_to``."""
    _require_manage(actor, suggestion)
    suggestion = lock(suggestion)
    if suggestion.kind != Kind.MOTION:
        raise ValidationError(_("只有议案需要主席团决定"))
    if decision not in _DECISION_STATE:
        raise ValidationError({"decision": [_("请选择主席团的决定")]})
    suggestion.presidium_decision = decision
    suggestion.screen_note = (note or "").strip()[:1000]
    transition(
        suggestion,
        table=SUGGESTION_STATES,
        to=_DECISION_STATE[decision],
        actor=actor,
        public=True,  # the office's note stays on the item (screen_note), not public
        update_fields=("presidium_decision", "screen_note"),
    )
    converted = None
    if decision == PresidiumDecision.CONVERTED:
        converted = _convert(suggestion, actor)
    audit.record(
        actor=actor,
        verb="motion.decide",
        obj=suggestion,
        after={
            "decision": decision,
            "state": suggestion.state,
            "converted_to": converted.pk if converted else None,
        },
    )
    notify_later(
        deputy_users(suggestion),
        verb="motion.decide",
        title=_("议案「%(title)s」：%(decision)s")
        % {"title": suggestion.title, "decision": PresidiumDecision(decision).label},
        url=staff_url(converted or suggestion),
    )
    return suggestion


def _convert(motion: Suggestion, actor) -> Suggestion:
    # The serial is max + 1 within the congress: hold its row as submission does.
    type(motion.congress)._default_manager.select_for_update().get(pk=motion.congress_id)
    cfg = settings_for(motion.region)
    new = Suggestion(
        code=new_code(),
        kind=Kind.SUGGESTION,
        congress=motion.congress,
        region=motion.region,
        session=motion.session,
        timing=motion.timing,
        year=motion.year,
        title=motion.title,
        category=motion.category,
        grounds=motion.grounds,
        proposal=motion.proposal,
        lead_deputy=motion.lead_deputy,
        contact_name=motion.contact_name,
        contact_phone=motion.contact_phone,
        disclosure=motion.disclosure,
        converted_from=motion,
        created_by=actor,
        state=SuggestionState.SUBMITTED,
        submitted_at=timezone.now(),
    )
    new.number = next_number(new)
    due = working_deadline(today(), cfg["suggestion.assign_working_days"])
    new.assign_due, new.deadline_provisional = due.due, due.provisional
    new.save()
    Signer.objects.bulk_create(
        Signer(
            suggestion=new,
            deputy_id=s.deputy_id,
            is_lead=s.is_lead,
            state=SignerState.CONFIRMED,
            answered_at=s.answered_at,
        )
        for s in motion.signers.filter(state=SignerState.CONFIRMED)
    )
    SourceOpinion.objects.bulk_create(
        SourceOpinion(suggestion=new, opinion_id=link.opinion_id) for link in motion.sources.all()
    )
    log_event(new, workflow=SUGGESTION_STATES.name, verb="convert", actor=actor, public=True)
    return new


@dataclass
class Plan:
    """How one item is to be assigned: a lead unit and co-handlers, or separate units."""

    suggestion: Suggestion
    mode: str = HandlingMode.LEAD
    lead_unit: HandlingUnit | None = None
    co_units: Sequence[HandlingUnit] = field(default_factory=tuple)
    units: Sequence[HandlingUnit] = field(default_factory=tuple)
    instructions: str = ""


def _check_plan(actor, plan: Plan) -> list[tuple[HandlingUnit, str]]:
    allowed = scope(HandlingUnit.objects.filter(is_active=True), actor, "people.view_unit")
    if plan.mode == HandlingMode.LEAD:
        if plan.lead_unit is None:
            raise ValidationError({"lead_unit": [_("请选择主办单位")]})
        roles = [(plan.lead_unit, UnitRole.LEAD)]
        seen = {plan.lead_unit.pk}
        for u in plan.co_units:
            if u.pk not in seen:
                seen.add(u.pk)
                roles.append((u, UnitRole.CO))
    elif plan.mode == HandlingMode.SEPARATE:
        units = {u.pk: u for u in plan.units}
        if len(units) < 2:
            raise ValidationError({"units": [_("分办须选择两个以上承办单位")]})
        roles = [(u, UnitRole.SEPARATE) for u in units.values()]
    else:
        raise ValidationError({"mode": [_("请选择办理方式")]})
    ok = set(allowed.filter(pk__in=[u.pk for u, _r in roles]).values_list("pk", flat=True))
    for u, _r in roles:
        if u.pk not in ok:
            raise ValidationError({"lead_unit": [_("不能交办给%(unit)s") % {"unit": u.name}]})
    return roles


def assignment_deadlines(region, start) -> tuple[Deadline, Deadline, Deadline]:
    """(reassignment request, co-handler's view, reply) for a part assigned on ``start``,
    from the region's settings. Pages preview deadlines with this same function."""
    cfg = settings_for(region)
    return (
        working_deadline(start, cfg["suggestion.reassign_apply_working_days"]),
        month_deadline(start, cfg["suggestion.cohandler_view_months"]),
        month_deadline(start, cfg["suggestion.reply_months"]),
    )


def _open_assignment(
    suggestion: Suggestion, unit, role: str, *, actor, instructions: str, batch, dues=None
):
    reassign, view, reply = dues or assignment_deadlines(suggestion.region, today())
    if role != UnitRole.CO:
        view = None
    return Assignment.objects.create(
        suggestion=suggestion,
        unit=unit,
        role=role,
        batch=batch,
        instructions=(instructions or "").strip()[:2000],
        assigned_by=actor if getattr(actor, "is_authenticated", False) else None,
        assigned_at=timezone.now(),
        reassign_due=reassign.due,
        view_due=view.due if view else None,
        reply_due=reply.due,
        reply_due_original=reply.due,
        deadline_provisional=reassign.provisional or reply.provisional,
    )


def _assign(actor, plan: Plan, batch=None, dues_by_region: dict | None = None) -> list[Assignment]:
    suggestion = lock(plan.suggestion)
    dues = None
    if dues_by_region is not None:
        # A batch computes each region's deadlines once: settings and calendar reads
        # would otherwise repeat for every part of hundreds of items.
        if suggestion.region_id not in dues_by_region:
            dues_by_region[suggestion.region_id] = assignment_deadlines(suggestion.region, today())
        dues = dues_by_region[suggestion.region_id]
    roles = _check_plan(actor, plan)
    suggestion.handling_mode = plan.mode
    suggestion.assigned_at = timezone.now()
    names = "、".join(u.name for u, _r in roles)
    transition(
        suggestion,
        table=SUGGESTION_STATES,
        to=SuggestionState.ASSIGNED,
        actor=actor,
        public=True,
        note=names,
        update_fields=("handling_mode", "assigned_at"),
    )
    made = [
        _open_assignment(
            suggestion,
            u,
            role,
            actor=actor,
            instructions=plan.instructions,
            batch=batch,
            dues=dues,
        )
        for u, role in roles
    ]
    notify_later(
        unit_users(*[u for u, _r in roles]),
        verb="suggestion.assign",
        title=_("新交办的代表%(kind)s：%(title)s")
        % {"kind": suggestion.get_kind_display(), "title": suggestion.title},
        url=staff_url(suggestion),
    )
    notify_later(
        deputy_users(suggestion),
        verb="suggestion.assign",
        title=_("「%(title)s」已交办：%(units)s") % {"title": suggestion.title, "units": names},
        url=staff_url(suggestion),
    )
    plan.suggestion = suggestion
    return made


@transaction.atomic(durable=True)
def suggestion_assign(
    *,
    actor,
    suggestion: Suggestion,
    mode: str = HandlingMode.LEAD,
    lead_unit: HandlingUnit | None = None,
    co_units: Sequence[HandlingUnit] = (),
    units: Sequence[HandlingUnit] = (),
    instructions: str = "",
) -> list[Assignment]:
    """Assign an accepted item (交办): a lead unit (主办) with co-handling units (会办),
    or two or more units each answering separately (分办). Deadlines come from the
    region's settings: reassignment request, co-handler's view, reply. Units must be
    active and visible to the actor. Notifies the units and the deputies."""
    _require_manage(actor, suggestion)
    plan = Plan(suggestion, mode, lead_unit, co_units, units, instructions)
    made = _assign(actor, plan)
    audit.record(
        actor=actor,
        verb="suggestion.assign",
        obj=plan.suggestion,
        after={"mode": mode, "units": [(a.unit_id, a.role) for a in made]},
    )
    return made


@transaction.atomic(durable=True)
def suggestions_assign_batch(*, actor, plans: Sequence[Plan], session=None) -> AssignmentBatch:
    """Assign many accepted items at once (the session's batch screen): all or nothing.

    Each item is checked like :func:`suggestion_assign`; one refusal rolls back the
    whole batch and the error names the item. The batch groups the assignment notices
    for printing. One audit entry lists every item.
    """
    if not plans:
        raise ValidationError(_("请至少选择一件待交办的建议"))
    first = plans[0].suggestion
    for plan in plans:
        _require_manage(actor, plan.suggestion)
        if plan.suggestion.congress_id != first.congress_id:
            raise ValidationError(_("一次批量交办只能包含同一人民代表大会的建议"))
    batch = AssignmentBatch.objects.create(
        congress_id=first.congress_id,
        region_id=first.region_id,
        session=session,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        size=len(plans),
    )
    done = []
    dues_by_region: dict = {}
    for plan in plans:
        try:
            made = _assign(actor, plan, batch=batch, dues_by_region=dues_by_region)
        except (ValidationError, InvalidTransition) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise ValidationError(
                _("%(number)s「%(title)s」：%(error)s")
                % {
                    "number": plan.suggestion.display_number,
                    "title": plan.suggestion.title,
                    "error": "；".join(messages),
                }
            ) from exc
        done.append({"suggestion": plan.suggestion.pk, "units": [a.unit_id for a in made]})
    audit.record(
        actor=actor,
        verb="suggestion.assign_batch",
        region=first.region,
        after={"batch": batch.pk, "items": done},
    )
    return batch


@transaction.atomic(durable=True)
def suggestion_supervise(
    *,
    actor,
    suggestion: Suggestion,
    kind: str,
    leader: str,
    body: str = "",
    user=None,
    note: str = "",
) -> Supervision:
    """Mark an item for key supervision (重点督办, by the chairpersons' council) or name
    the leader who leads its handling (领办), with who supervises. A named leader's
    account reads the item and is notified."""
    _require_manage(actor, suggestion)
    suggestion = lock(suggestion)
    if kind not in SupervisionKind.values:
        raise ValidationError({"kind": [_("请选择督办类型")]})
    leader = (leader or "").strip()
    if len(leader) < 2:
        raise ValidationError({"leader": [_("请填写督办（领办）领导")]})
    if suggestion.state in (
        SuggestionState.DRAFT,
        SuggestionState.WITHDRAWN,
        SuggestionState.NOT_ACCEPTED,
        SuggestionState.CLOSED,
        SuggestionState.NOT_PLACED,
        SuggestionState.CONVERTED,
    ):
        raise ValidationError(_("这件议案建议目前不能确定督办"))
    if user is not None and not (
        user.is_active
        and has_perm(user, perms.VIEW, suggestion.region)
        and Role.LEADER in roles_of(user)
    ):
        raise ValidationError({"user": [_("请选择本区域的领导账号")]})
    supervision = Supervision.objects.create(
        suggestion=suggestion,
        kind=kind,
        leader=leader[:80],
        body=(body or "").strip()[:80],
        user=user,
        note=(note or "").strip()[:1000],
    )
    log_event(
        suggestion,
        workflow=SUGGESTION_STATES.name,
        verb=f"supervise_{kind}",
        actor=actor,
        public=True,
        note=leader[:80],
    )
    audit.record(
        actor=actor,
        verb="suggestion.supervise",
        obj=suggestion,
        after={"kind": kind, "leader": leader[:80], "user": user.pk if user else None},
    )
    if user is not None:
        notify_later(
            lambda: [user],
            verb="suggestion.supervise",
            title=_("请督办（领办）代表建议「%(title)s」") % {"title": suggestion.title},
            url=staff_url(suggestion),
        )
    return supervision


@transaction.atomic(durable=True)
def suggestion_close(*, actor, suggestion: Suggestion, note: str = "") -> Suggestion:
    """Close a replied item (办结) once the deputies' feedback deadline has passed
    without their rating. Missing feedback is left out of the satisfaction rate."""
    _require_manage(actor, suggestion)
    suggestion = lock(suggestion)
    note = (note or "").strip()[:1000]
    if suggestion.feedback_due is not None and suggestion.feedback_due >= today():
        raise ValidationError(
            _("代表反馈期限（%(due)s）未到，暂不能办结") % {"due": suggestion.feedback_due}
        )
    suggestion.closed_at = timezone.now()
    transition(
        suggestion,
        table=SUGGESTION_STATES,
        to=SuggestionState.CLOSED,
        actor=actor,
        public=True,  # the office's note goes to the audit entry, not public pages
        update_fields=("closed_at",),
    )
    audit.record(
        actor=actor,
        verb="suggestion.close",
        obj=suggestion,
        after={"state": suggestion.state},
        note=note,
    )
    return suggestion


__all__ = [
    "Plan",
    "motion_decide",
    "suggestion_accept",
    "suggestion_assign",
    "suggestion_close",
    "suggestion_reject",
    "suggestion_supervise",
    "suggestions_assign_batch",
]
