"""What deputies do: draft, co-sign, submit, withdraw, and rate the replies.

The office may do the lead deputy's part for items handed in on paper (代录): the
signatures on paper count as confirmed, and a paper 征询意见表 is entered as feedback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core import audit
from minqing.core.config import settings_for
from minqing.core.permissions import has_perm
from minqing.core.states import log_event, transition
from minqing.opinions import permissions as opinion_perms
from minqing.opinions.models import Opinion, OpinionState
from minqing.opinions.states import OPINION_STATES
from minqing.people.models import Deputy, DeputyStatus
from minqing.suggestions import permissions as perms
from minqing.suggestions.actions._common import (
    lock,
    new_code,
    next_number,
    notify_later,
    office_users,
    require_text,
    sms_later,
    snapshot,
    staff_url,
    store_files,
    today,
    working_deadline,
)
from minqing.suggestions.models import (
    CongressSession,
    Disclosure,
    Kind,
    Signer,
    SignerState,
    SourceOpinion,
    Suggestion,
    SuggestionState,
    Timing,
)
from minqing.suggestions.states import SIGNER_STATES, SUGGESTION_STATES

EDITABLE_FIELDS = (
    "title",
    "category",
    "grounds",
    "proposal",
    "disclosure",
    "contact_name",
    "contact_phone",
    "session",
)
# Opinions in these states are moved into 转为代表建议 when a suggestion takes them up.
_OPEN_OPINION_STATES = (OpinionState.RECEIVED, OpinionState.TRIAGE)


def _clean_fields(data: dict, *, congress) -> dict:
    out: dict = {}
    if "title" in data:
        out["title"] = require_text(data["title"], "title", _("标题"), minimum=4, maximum=200)
    if "grounds" in data:
        out["grounds"] = require_text(data["grounds"], "grounds", _("案由与理由"), minimum=10)
    if "proposal" in data:
        out["proposal"] = require_text(data["proposal"], "proposal", _("建议与办法"), minimum=10)
    if "category" in data:
        category = (data["category"] or "").strip()[:40]
        known = {c["code"] for c in settings_for(congress.region)["taxonomy.opinion_categories"]}
        if category and category not in known:
            raise ValidationError({"category": [_("请选择列表中的类别")]})
        out["category"] = category
    if "disclosure" in data:
        value = data["disclosure"] or Disclosure.PUBLIC
        if value not in Disclosure.values:
            raise ValidationError({"disclosure": [_("请选择公开属性")]})
        out["disclosure"] = value
    if "contact_name" in data:
        out["contact_name"] = (data["contact_name"] or "").strip()[:40]
    if "contact_phone" in data:
        phone = (data["contact_phone"] or "").strip()
        if phone and not (phone.replace("-", "").isdigit() and 7 <= len(phone) <= 20):
            raise ValidationError({"contact_phone": [_("请填写正确的联系电话")]})
        out["contact_phone"] = phone
    if "session" in data:
        session = data["session"]
        if session is not None and session.congress_id != congress.pk:
            raise ValidationError({"session": [_("所选会议不属于本级人民代表大会")]})
        out["session"] = session
        out["timing"] = Timing.SESSION if session else Timing.INTERIM
        out["year"] = session.start_date.year if session else today().year
    return out


def _acting_deputy(actor, lead_deputy: Deputy | None) -> tuple[Deputy, bool]:
    """The lead deputy and whether the office enters the item for them."""
    own = opinion_perms.deputy_of(actor)
    if lead_deputy is None or (own is not None and lead_deputy.pk == own.pk):
        if own is None:
            raise PermissionDenied(_("只有人大代表本人或人大工作人员可以提出议案建议"))
        return own, False
    if not has_perm(actor, perms.MANAGE, lead_deputy.term.congress):
        raise PermissionDenied(_("只有人大工作人员可以代代表录入议案建议"))
    return lead_deputy, True


def _check_cosigners(lead: Deputy, deputies: Iterable[Deputy]) -> list[Deputy]:
    out: dict[int, Deputy] = {}
    for d in deputies:
        if d.pk == lead.pk:
            continue
        if d.term_id != lead.term_id or d.status != DeputyStatus.ACTIVE:
            raise ValidationError(
                {"cosigners": [_("%(name)s不是本届在任代表，不能联名") % {"name": d.name}]}
            )
        out[d.pk] = d
    return list(out.values())


def _link_opinions(suggestion: Suggestion, opinions: Iterable[Opinion], *, actor) -> int:
    """Link citizen opinions (those the actor may answer) and move open ones into 转为代表建议."""
    linked = 0
    for opinion in opinions:
        if not opinion_perms.can(actor, "opinions.answer", opinion):
            raise ValidationError(
                {"opinions": [_("无权引用民情 %(code)s") % {"code": opinion.code}]}
            )
        _link, created = SourceOpinion.objects.get_or_create(suggestion=suggestion, opinion=opinion)
        if not created:
            continue
        linked += 1
        if opinion.state in _OPEN_OPINION_STATES:
            opinion.closed_at = timezone.now()
            transition(
                opinion,
                table=OPINION_STATES,
                to=OpinionState.SUGGESTION,
                actor=actor,
                public=True,
                update_fields=("closed_at",),
            )
    return linked


@transaction.atomic(durable=True)
def suggestion_create(
    *,
    actor,
    kind: str,
    data: dict,
    lead_deputy: Deputy | None = None,
    cosigners: Sequence[Deputy] = (),
    opinions: Sequence[Opinion] = (),
    attachments: Sequence = (),
) -> Suggestion:
    """Draft a motion or suggestion (草稿).

    A deputy drafts as its lead; the office (``suggestions.manage`` on the deputy's
    congress) enters one for ``lead_deputy`` from paper, with ``cosigners`` confirmed at
    once. A deputy's co-signers are invited and confirm in their own accounts.
    ``data``: title, grounds, proposal, category, disclosure, contact_name,
    contact_phone, session (a CongressSession or None for 闭会期间). ``opinions`` are
    citizen opinions the actor may answer; open ones move to 转为代表建议.
    ``attachments`` are ``opinions.uploads.CleanFile``. Notifies invited co-signers.
    """
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("请选择议案或建议")]})
    lead, by_office = _acting_deputy(actor, lead_deputy)
    congress = lead.term.congress
    fields = _clean_fields({"session": None, **data}, congress=congress)
    for required in ("title", "grounds", "proposal"):
        if required not in fields:
            raise ValidationError({required: [_("此项为必填项")]})
    others = _check_cosigners(lead, cosigners)
    suggestion = Suggestion.objects.create(
        code=new_code(),
        kind=kind,
        congress=congress,
        region=congress.region,
        lead_deputy=lead,
        created_by=actor,
        **fields,
    )
    now = timezone.now()
    Signer.objects.create(
        suggestion=suggestion,
        deputy=lead,
        is_lead=True,
        state=SignerState.CONFIRMED,
        answered_at=now,
    )
    state = SignerState.CONFIRMED if by_office else SignerState.INVITED
    Signer.objects.bulk_create(
        Signer(
            suggestion=suggestion,
            deputy=d,
            state=state,
            answered_at=now if by_office else None,
        )
        for d in others
    )
    linked = _link_opinions(suggestion, opinions, actor=actor)
    store_files(suggestion, attachments)
    log_event(suggestion, workflow=SUGGESTION_STATES.name, verb="create", actor=actor)
    audit.record(
        actor=actor,
        verb="suggestion.create",
        obj=suggestion,
        after={**snapshot(suggestion), "signers": len(others) + 1, "opinions": linked},
    )
    if others and not by_office:
        _notify_invited(suggestion, others)
    return suggestion


def _notify_invited(suggestion: Suggestion, deputies: Iterable[Deputy]) -> None:
    users = [d.user for d in deputies if d.user_id]
    notify_later(
        lambda: users,
        verb="suggestion.invite",
        title=_("%(lead)s代表邀请您联名提出「%(title)s」")
        % {"lead": suggestion.lead_deputy.name, "title": suggestion.title},
        url=staff_url(suggestion),
    )


def _require_draft(suggestion: Suggestion) -> None:
    if suggestion.state != SuggestionState.DRAFT:
        raise ValidationError(_("只有草稿可以修改"))


@transaction.atomic(durable=True)
def suggestion_update(
    *,
    actor,
    suggestion: Suggestion,
    data: dict,
    opinions: Sequence[Opinion] = (),
    attachments: Sequence = (),
) -> Suggestion:
    """Edit a draft: the lead deputy or the office. Only the keys present in ``data``
    change; ``opinions`` are added to the linked ones; ``attachments`` added."""
    perms.require_lead_or_office(actor, suggestion)
    suggestion = lock(suggestion)
    _require_draft(suggestion)
    before = snapshot(suggestion)
    fields = _clean_fields(
        {k: v for k, v in data.items() if k in EDITABLE_FIELDS}, congress=suggestion.congress
    )
    for k, v in fields.items():
        setattr(suggestion, k, v)
    suggestion.save(update_fields=[*fields] or None)
    linked = _link_opinions(suggestion, opinions, actor=actor)
    store_files(suggestion, attachments)
    audit.record(
        actor=actor,
        verb="suggestion.update",
        obj=suggestion,
        before=before,
        after={**snapshot(suggestion), "opinions_added": linked},
    )
    return suggestion


@transaction.atomic(durable=True)
def suggestion_invite(*, actor, suggestion: Suggestion, deputies: Sequence[Deputy]) -> list[Signer]:
    """Invite more co-signers to a draft (the lead; the office adds paper signatures,
    confirmed at once). Deputies already on it are skipped; notifies the invited."""
    perms.require_lead_or_office(actor, suggestion)
    suggestion = lock(suggestion)
    _require_draft(suggestion)
    by_office = not perms.is_lead(actor, suggestion)
    existing = set(suggestion.signers.values_list("deputy_id", flat=True))
    new = [d for d in _check_cosigners(suggestion.lead_deputy, deputies) if d.pk not in existing]
    if not new:
        raise ValidationError({"cosigners": [_("请选择尚未联名的代表")]})
    now = timezone.now()
    signers = Signer.objects.bulk_create(
        Signer(
            suggestion=suggestion,
            deputy=d,
            state=SignerState.CONFIRMED if by_office else SignerState.INVITED,
            answered_at=now if by_office else None,
        )
        for d in new
    )
    audit.record(
        actor=actor,
        verb="suggestion.invite",
        obj=suggestion,
        after={"deputies": [d.pk for d in new], "confirmed": by_office},
    )
    if not by_office:
        _notify_invited(suggestion, new)
    return signers


def _lock_signer(signer: Signer) -> Signer:
    return (
        Signer.objects.select_for_update(of=("self",))
        .select_related("suggestion", "suggestion__region", "deputy")
        .get(pk=signer.pk)
    )


def _require_own_signature(actor, signer: Signer) -> None:
    deputy = opinion_perms.deputy_of(actor)
    if deputy is None or deputy.pk != signer.deputy_id:
        raise PermissionDenied(_("只能由代表本人确认"))


def _answer_invitation(actor, signer: Signer, to: str, verb: str) -> Signer:
    _require_own_signature(actor, signer)
    signer = _lock_signer(signer)
    if signer.suggestion.state != SuggestionState.DRAFT:
        raise ValidationError(_("该议案建议已经提交，不能再变更联名"))
    signer.answered_at = timezone.now()
    transition(signer, table=SIGNER_STATES, to=to, actor=actor, update_fields=("answered_at",))
    audit.record(
        actor=actor,
        verb=f"suggestion.signer_{verb}",
        obj=signer.suggestion,
        after={"deputy": signer.deputy_id, "state": signer.state},
    )
    suggestion = signer.suggestion
    lead = suggestion.lead_deputy
    notify_later(
        lambda: [lead.user] if lead.user_id else [],
        verb=f"suggestion.signer_{verb}",
        title=(
            _("%(name)s代表同意联名「%(title)s」")
            if to == SignerState.CONFIRMED
            else _("%(name)s代表谢绝联名「%(title)s」")
        )
        % {"name": signer.deputy.name, "title": suggestion.title},
        url=staff_url(suggestion),
    )
    return signer


@transaction.atomic(durable=True)
def signer_confirm(*, actor, signer: Signer) -> Signer:
    """The invited deputy confirms their signature (附议), while the item is a draft.
    Notifies the lead."""
    return _answer_invitation(actor, signer, SignerState.CONFIRMED, "confirm")


@transaction.atomic(durable=True)
def signer_decline(*, actor, signer: Signer) -> Signer:
    """The invited deputy declines to sign, while the item is a draft. Notifies the lead."""
    return _answer_invitation(actor, signer, SignerState.DECLINED, "decline")


def _confirmed(suggestion: Suggestion) -> list[Signer]:
    return list(suggestion.signers.filter(state=SignerState.CONFIRMED).select_related("deputy"))


@transaction.atomic(durable=True)
def suggestion_submit(*, actor, suggestion: Suggestion) -> Suggestion:
    """Submit a draft (提交): the lead deputy or the office.

    Every invitation must be answered; a motion needs the level's number of signers
    (``motion.min_signers``). Gives the item its serial and its assignment deadline
    (闭会期间: from today; 大会期间: from the session's close). Notifies the office and
    texts the citizens whose opinions it carries.
    """
    perms.require_lead_or_office(actor, suggestion)
    # Lock the congress's row first: the serial is max + 1 within it.
    type(suggestion.congress)._default_manager.select_for_update().get(pk=suggestion.congress_id)
    suggestion = lock(suggestion)
    pending = suggestion.signers.filter(state=SignerState.INVITED).count()
    if pending:
        raise ValidationError(
            _("还有 %(n)s 位代表尚未确认联名，请等待确认或撤销邀请后再提交") % {"n": pending}
        )
    signers = _confirmed(suggestion)
    if suggestion.kind == Kind.MOTION:
        need = settings_for(suggestion.region)["motion.min_signers"]
        if len(signers) < need:
            raise ValidationError(
                _("议案须由 %(need)s 名以上代表联名提出，目前只有 %(n)s 名")
                % {"need": need, "n": len(signers)}
            )
    suggestion.number = next_number(suggestion)
    suggestion.submitted_at = timezone.now()
    start = today()
    if suggestion.session_id and suggestion.session.end_date > start:
        start = suggestion.session.end_date
    due = working_deadline(start, settings_for(suggestion.region)["suggestion.assign_working_days"])
    suggestion.assign_due = due.due
    suggestion.deadline_provisional = due.provisional
    transition(
        suggestion,
        table=SUGGESTION_STATES,
        to=SuggestionState.SUBMITTED,
        actor=actor,
        public=True,
        update_fields=("number", "submitted_at", "assign_due", "deadline_provisional"),
    )
    audit.record(
        actor=actor,
        verb="suggestion.submit",
        obj=suggestion,
        after={"number": suggestion.display_number, "signers": len(signers)},
    )
    notify_later(
        office_users(suggestion),
        verb="suggestion.submit",
        title=_("新的%(kind)s待审查：%(title)s")
        % {"kind": suggestion.get_kind_display(), "title": suggestion.title},
        url=staff_url(suggestion),
    )
    text_citizens(suggestion)
    return suggestion


def text_citizens(suggestion: Suggestion) -> None:
    """Tell the citizens whose opinions went into ``suggestion`` its number (on commit)."""
    from minqing.opinions.actions._common import track_url

    for link in suggestion.sources.select_related("opinion"):
        opinion = link.opinion
        sms_later(
            opinion.citizen_phone,
            _("您反映的事项（查询码 %(code)s）已由人大代表写入%(kind)s第 %(number)s 号：%(url)s")
            % {
                "code": opinion.code,
                "kind": suggestion.get_kind_display(),
                "number": suggestion.display_number,
                "url": track_url(opinion),
            },
        )


__all__ = [
    "CongressSession",
    "signer_confirm",
    "signer_decline",
    "suggestion_create",
    "suggestion_invite",
    "suggestion_submit",
    "suggestion_update",
    "text_citizens",
]
