"""Congresses (人民代表大会) and their terms (届): reference data, edited in the admin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minqing.accounts.models import User
from minqing.core import audit
from minqing.core.changes import check_editable, stripped
from minqing.core.models import Region, RegionLevel
from minqing.core.permissions import require
from minqing.people.actions._checks import refuse_taken
from minqing.people.models import Congress, Term
from minqing.people.selectors import MANAGE_DEPUTY

TERM_FIELDS = ["congress", "number", "start_date", "end_date", "is_current"]


def check_congress_region(region: Region) -> None:
    """Raise ValidationError unless ``region`` may have a congress and has none yet."""
    if region.level > RegionLevel.TOWNSHIP or region.kind == "街道":
        raise ValidationError({"region": _("只有乡镇级及以上行政区域设立人民代表大会")})
    if Congress.objects.filter(region=region).exists():
        raise ValidationError(
            {"region": _("%(region)s的人民代表大会已存在") % {"region": region.name}}
        )


@transaction.atomic(durable=True)
def congress_create(*, actor: User, region: Region, name: str = "") -> Congress:
    """Register the people's congress of ``region`` (province down to township; streets
    and villages have none). Who: ``people.manage_deputy`` on ``region``. Side effects:
    one audit entry ``congress.create``."""
    require(actor, MANAGE_DEPUTY, region)
    check_congress_region(region)
    congress = Congress.objects.create(
        region=region, name=stripped(name) or f"{region.name}人民代表大会", level=region.level
    )
    audit.record(
        actor=actor,
        verb="congress.create",
        obj=congress,
        after=audit.snapshot(congress, ["region", "name", "level"]),
    )
    return congress


@transaction.atomic(durable=True)
def congress_rename(*, actor: User, congress: Congress, name: str) -> Congress:
    """Rename a congress (its region and level are fixed). Who: ``people.manage_deputy``
    on the congress. Side effects: one audit entry ``congress.rename``."""
    require(actor, MANAGE_DEPUTY, congress)
    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    name = stripped(name)
    if not name:
        raise ValidationError({"name": _("请填写名称")})
    before = {"name": congress.name}
    congress.name = name
    congress.save(update_fields=["name"])
    audit.record(
        actor=actor, verb="congress.rename", obj=congress, before=before, after={"name": name}
    )
    return congress


def check_term(term: Term, *, exclude_pk: int | None = None) -> None:
    """Raise ValidationError for an end before the start or a number taken in the congress."""
    if term.end_date and term.end_date < term.start_date:
        raise ValidationError({"end_date": _("结束日期不能早于开始日期")})
    refuse_taken(
        Term.objects.filter(congress=term.congress, number=term.number),
        exclude_pk=exclude_pk,
        field="number",
        message=_("%(congress)s第%(number)s届已存在")
        % {"congress": term.congress.name, "number": term.number},
    )


@transaction.atomic(durable=True)
def term_create(
    *,
    actor: User,
    congress: Congress,
    number: int,
    start_date: dt.date,
    end_date: dt.date | None = None,
    is_current: bool = True,
) -> Term:
    """Open a term (届) of ``congress``. A current term makes the congress's other terms
    not current. Who: ``people.manage_deputy`` on the congress. Side effects: one audit
    entry ``term.create``."""
    require(actor, MANAGE_DEPUTY, congress)
    term = Term(
        congress=congress,
        number=number,
        start_date=start_date,
        end_date=end_date,
        is_current=is_current,
    )
    check_term(term)
    if is_current:
        Term.objects.filter(congress=congress, is_current=True).update(is_current=False)
    term.save()
    audit.record(
        actor=actor,
        verb="term.create",
        obj=term,
        region=congress.region,
        after=audit.snapshot(term, TERM_FIELDS),
    )
    return term


@transaction.atomic(durable=True)
def term_update(*, actor: User, term: Term, changes: Mapping[str, Any]) -> Term:
    """Change a term's number, dates or current flag. Who: ``people.manage_deputy`` on
    the term's congress. Side effects: one audit entry ``term.update``."""
    require(actor, MANAGE_DEPUTY, term)
    check_editable(changes, {"number", "start_date", "end_date", "is_current"})
    term = (
        Term.objects.select_for_update(of=("self",))
        .select_related("congress__region")
        .get(pk=term.pk)
    )
    before = audit.snapshot(term, TERM_FIELDS)
    for key, value in changes.items():
        setattr(term, key, value)
    check_term(term, exclude_pk=term.pk)
    if term.is_current and not before["is_current"]:
        Term.objects.filter(congress=term.congress, is_current=True).update(is_current=False)
    term.save()
    audit.record(
        actor=actor,
        verb="term.update",
        obj=term,
        region=term.congress.region,
        before=before,
        after=audit.snapshot(term, TERM_FIELDS),
    )
    return term
