"""Staff pages of the 民情 loop (namespace "opinions", mounted at /opinions/).

One module per audience: ``station`` (inboxes, registering, 随手拍), ``detail`` (the
opinion page every staff role shares, its station actions and file downloads),
``meetings`` (约见代表), and ``office`` (triage and handling units). Thin, like every
view: parse with ``forms``, call one selector or action, render. The helpers here are
presentation only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from minqing.core.config import settings_for
from minqing.core.models import Region
from minqing.opinions.models import FileKind, Opinion, OpinionFile, OpinionState

# Bootstrap badge classes per state: waiting (amber), with a unit (blue), answered
# (green), ended without an answer of our own (grey).
STATE_BADGES = {
    OpinionState.RECEIVED: "text-bg-warning",
    OpinionState.TRIAGE: "text-bg-warning",
    OpinionState.FORWARDED: "text-bg-info",
    OpinionState.HANDLING: "text-bg-primary",
    OpinionState.REPLIED: "text-bg-success",
    OpinionState.CLOSED: "text-bg-success",
    OpinionState.MERGED: "text-bg-secondary",
    OpinionState.DECLINED: "text-bg-secondary",
    OpinionState.SUGGESTION: "text-bg-secondary",
}


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def age_label(when: dt.datetime, today: dt.date | None = None) -> str:
    """How long ago, in whole days as the inbox reads it: 今天, 1天前, 3天前."""
    today = today or timezone.localdate()
    days = (today - timezone.localdate(when)).days
    if days <= 0:
        return _("今天")
    return ngettext("%(n)s天前", "%(n)s天前", days) % {"n": days}


def category_names(region: Region | None) -> dict[str, str]:
    return {c["code"]: c["name"] for c in settings_for(region)["taxonomy.opinion_categories"]}


def with_photo_count(qs: QuerySet[Opinion]) -> QuerySet[Opinion]:
    """Annotate ``photo_count`` with one correlated subquery (no GROUP BY over the
    selected relations, no query per row)."""
    photos = (
        OpinionFile.objects.filter(opinion=OuterRef("pk"), kind=FileKind.PHOTO, reply=None)
        .order_by()
        .values("opinion")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(photo_count=Coalesce(Subquery(photos, output_field=IntegerField()), 0))


def decorate(rows: Iterable[Opinion], names: dict[str, str]) -> list[Opinion]:
    """Give each row of a page what its table cells show: age, category name, badge."""
    today = timezone.localdate()
    out = list(rows)
    for o in out:
        o.age = age_label(o.created_at, today)
        o.category_name = names.get(o.category, o.category)
        o.state_badge = STATE_BADGES.get(o.state, "text-bg-light")
    return out
