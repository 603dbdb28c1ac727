"""The congress's plenary sessions (大会): the office records them so deputies can file
suggestions raised during a session and the office can assign them together."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from minqing.core import audit
from minqing.core.permissions import require
from minqing.people.models import Congress, Term
from minqing.suggestions.models import CongressSession

FIELDS = ["number", "name", "start_date", "end_date"]


def _clean(*, term: Term, congress: Congress, number: int, name: str, start, end) -> str:
    errors: dict[str, list[str]] = {}
    if term.congress_id != congress.pk:
        errors["term"] = [_("届次不属于该人民代表大会")]
    if not isinstance(number, int) or not 1 <= number <= 99:
        errors["number"] = [_("会次须在 1 到 99 之间")]
    name = (name or "").strip()
    if len(name) < 4:
        errors["name"] = [_("请填写会议名称")]
    if not isinstance(start, dt.date) or not isinstance(end, dt.date) or end < start:
        errors["end_date"] = [_("闭幕日期不能早于开幕日期")]
    if errors:
        raise ValidationError(errors)
    return name[:120]


@transaction.atomic(durable=True)
def session_create(
    *,
    actor,
    congress: Congress,
    term: Term,
    number: int,
    name: str,
    start_date: dt.date,
    end_date: dt.date,
) -> CongressSession:
    """Record a plenary session of ``congress`` (suggestions.manage on its region)."""
    require(actor, "suggestions.manage", congress)
    name = _clean(
        term=term, congress=congress, number=number, name=name, start=start_date, end=end_date
    )
    try:
        with transaction.atomic():
            session = CongressSession.objects.create(
                congress=congress,
                term=term,
                number=number,
                name=name,
                start_date=start_date,
                end_date=end_date,
            )
    except IntegrityError:
        raise ValidationError({"number": [_("本届已有这一次会议")]}) from None
    audit.record(
        actor=actor,
        verb="suggestion.session_create",
        obj=session,
        region=congress.region,
        after={k: getattr(session, k) for k in FIELDS},
    )
    return session


@transaction.atomic(durable=True)
def session_update(
    *,
    actor,
    session: CongressSession,
    name: str,
    start_date: dt.date,
    end_date: dt.date,
) -> CongressSession:
    """Correct a session's name or dates (suggestions.manage on its congress's region).
    Deadlines already set on its suggestions stay as they are."""
    session = (
        CongressSession.objects.select_for_update()
        .select_related("congress__region", "term")
        .get(pk=session.pk)
    )
    require(actor, "suggestions.manage", session.congress)
    before = {k: getattr(session, k) for k in FIELDS}
    session.name = _clean(
        term=session.term,
        congress=session.congress,
        number=session.number,
        name=name,
        start=start_date,
        end=end_date,
    )
    session.start_date, session.end_date = start_date, end_date
    session.save(update_fields=["name", "start_date", "end_date"])
    audit.record(
        actor=actor,
        verb="suggestion.session_update",
        obj=session,
        region=session.congress.region,
        before=before,
        after={k: getattr(session, k) for k in FIELDS},
    )
    return session


__all__ = ["session_create", "session_update"]
