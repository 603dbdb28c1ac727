"""Withdrawal before assignment (撤回): the lead asks; a joint item needs every confirmed
co-signer's consent."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core import audit
from minqing.core.states import log_event, transition
from minqing.suggestions import permissions as perms
from minqing.suggestions.actions._common import (
    deputy_users,
    lock,
    notify_later,
    office_users,
    staff_url,
)
from minqing.suggestions.actions.deputy import _confirmed, _lock_signer, _require_own_signature
from minqing.suggestions.models import (
    Signer,
    SignerState,
    Suggestion,
    SuggestionState,
)
from minqing.suggestions.states import SUGGESTION_STATES


def _withdraw_now(suggestion: Suggestion, actor, reason: str) -> None:
    transition(
        suggestion, table=SUGGESTION_STATES, to=SuggestionState.WITHDRAWN, actor=actor, note=reason
    )
    if suggestion.submitted_at:
        notify_later(
            office_users(suggestion),
            verb="suggestion.withdraw",
            title=_("代表已撤回：%(title)s") % {"title": suggestion.title},
            url=staff_url(suggestion),
        )


def _require_withdrawable(suggestion: Suggestion) -> None:
    if suggestion.state not in (
        SuggestionState.DRAFT,
        SuggestionState.SUBMITTED,
        SuggestionState.ACCEPTED,
    ):
        raise ValidationError(_("交办以后不能撤回"))


@transaction.atomic(durable=True)
def suggestion_withdraw(*, actor, suggestion: Suggestion, reason: str = "") -> Suggestion:
    """The lead deputy withdraws an item before it is assigned (撤回).

    Alone, it is withdrawn at once. A joint item needs every confirmed co-signer's
    consent: this records the lead's request and asks the others
    (:func:`signer_agree_withdraw`); the last consent withdraws it.
    """
    if not perms.is_lead(actor, suggestion):
        raise PermissionDenied(_("只有领衔代表可以申请撤回"))
    suggestion = lock(suggestion)
    _require_withdrawable(suggestion)
    if suggestion.withdraw_requested_at:
        raise ValidationError(_("已经申请撤回，正在等待联名代表同意"))
    reason = (reason or "").strip()[:500]
    before = {"state": suggestion.state}
    others = [s for s in _confirmed(suggestion) if not s.is_lead]
    now = timezone.now()
    if not others:
        _withdraw_now(suggestion, actor, reason)
    else:
        suggestion.withdraw_requested_at = now
        suggestion.save(update_fields=["withdraw_requested_at"])
        suggestion.signers.filter(is_lead=True).update(withdraw_agreed_at=now)
        log_event(
            suggestion,
            workflow=SUGGESTION_STATES.name,
            verb="withdraw_request",
            actor=actor,
            note=reason,
        )
        users = [s.deputy.user for s in others if s.deputy.user_id]
        notify_later(
            lambda: users,
            verb="suggestion.withdraw_request",
            title=_("领衔代表申请撤回「%(title)s」，请确认是否同意") % {"title": suggestion.title},
            url=staff_url(suggestion),
        )
    audit.record(
        actor=actor,
        verb="suggestion.withdraw",
        obj=suggestion,
        before=before,
        after={"state": suggestion.state, "waiting_for": len(others)},
        note=reason,
    )
    return suggestion


@transaction.atomic(durable=True)
def signer_agree_withdraw(*, actor, signer: Signer) -> Suggestion:
    """A confirmed co-signer consents to the lead's withdrawal request; the last one
    withdraws the item (if it is still before assignment)."""
    _require_own_signature(actor, signer)
    suggestion = lock(signer.suggestion)
    signer = _lock_signer(signer)
    _require_withdrawable(suggestion)
    if not suggestion.withdraw_requested_at:
        raise ValidationError(_("领衔代表没有申请撤回"))
    if signer.state != SignerState.CONFIRMED or signer.withdraw_agreed_at:
        raise ValidationError(_("您已经表示过意见"))
    signer.withdraw_agreed_at = timezone.now()
    signer.save(update_fields=["withdraw_agreed_at"])
    waiting = suggestion.signers.filter(
        state=SignerState.CONFIRMED, withdraw_agreed_at__isnull=True
    ).count()
    if waiting == 0:
        _withdraw_now(suggestion, actor, "")
    else:
        log_event(suggestion, workflow=SUGGESTION_STATES.name, verb="withdraw_agree", actor=actor)
    audit.record(
        actor=actor,
        verb="suggestion.withdraw_agree",
        obj=suggestion,
        after={"deputy": signer.deputy_id, "waiting_for": waiting, "state": suggestion.state},
    )
    return suggestion


@transaction.atomic(durable=True)
def signer_refuse_withdraw(*, actor, signer: Signer, reason: str = "") -> Suggestion:
    """A confirmed co-signer refuses the withdrawal: the request lapses and the item goes
    on. Notifies the lead."""
    _require_own_signature(actor, signer)
    suggestion = lock(signer.suggestion)
    signer = _lock_signer(signer)
    if not suggestion.withdraw_requested_at:
        raise ValidationError(_("领衔代表没有申请撤回"))
    if signer.is_lead or signer.state != SignerState.CONFIRMED:
        raise ValidationError(_("只有联名代表可以表示是否同意撤回"))
    suggestion.withdraw_requested_at = None
    suggestion.save(update_fields=["withdraw_requested_at"])
    suggestion.signers.update(withdraw_agreed_at=None)
    reason = (reason or "").strip()[:500]
    log_event(
        suggestion,
        workflow=SUGGESTION_STATES.name,
        verb="withdraw_refuse",
        actor=actor,
        note=reason,
    )
    audit.record(
        actor=actor,
        verb="suggestion.withdraw_refuse",
        obj=suggestion,
        after={"deputy": signer.deputy_id},
        note=reason,
    )
    notify_later(
        deputy_users(suggestion, lead_only=True),
        verb="suggestion.withdraw_refuse",
        title=_("%(name)s代表不同意撤回「%(title)s」")
        % {"name": signer.deputy.name, "title": suggestion.title},
        url=staff_url(suggestion),
    )
    return suggestion


__all__ = ["signer_agree_withdraw", "signer_refuse_withdraw", "suggestion_withdraw"]
