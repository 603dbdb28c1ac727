"""Points rules, published quarterly rankings, and awards."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core import audit, codes
from minqing.core.permissions import require
from minqing.core.states import transition
from minqing.duties import permissions as perms
from minqing.duties.actions._common import deputy_accounts, lock, notify_later, text, today
from minqing.duties.models import (
    Award,
    PointSource,
    PointsRanking,
    PointsRankingRow,
    PointsRule,
    RankingState,
)
from minqing.duties.points import quarter_bounds, standings
from minqing.duties.states import RANKING_STATES
from minqing.people.models import CongressLevel, Deputy, DeputyGroup

MAX_POINTS = Decimal(100)
MAX_CAP = Decimal(1000)


def _decimal(value: Any, *, field: str, label: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("%(label)s须为数字") % {"label": label}]}) from None
    if not d.is_finite() or d != d.quantize(Decimal("0.1")):
        raise ValidationError({field: [_("%(label)s最多一位小数") % {"label": label}]})
    if not low <= d <= high:
        raise ValidationError(
            {
                field: [
                    _("%(label)s须在 %(low)s 到 %(high)s 之间")
                    % {"label": label, "low": low, "high": high}
                ]
            }
        )
    return d


@transaction.atomic(durable=True)
def points_rule_set(
    *, actor, region, source: str, points: Any, annual_cap: Any = None
) -> PointsRule:
    """The office (``duties.manage`` on ``region``) sets what a source is worth in its
    region and below; a blank cap means no cap. Negative points only for absences."""
    require(actor, perms.MANAGE, region)
    if source not in PointSource.values:
        raise ValidationError({"source": [_("积分项目无效")]})
    low = -MAX_POINTS if source == PointSource.ABSENCE else Decimal(0)
    high = Decimal(0) if source == PointSource.ABSENCE else MAX_POINTS
    value = _decimal(points, field="points", label=_("每次分值"), low=low, high=high)
    cap = None
    if annual_cap not in (None, ""):
        cap = _decimal(
            annual_cap, field="annual_cap", label=_("年度上限"), low=Decimal(0), high=MAX_CAP
        )
        if source == PointSource.ABSENCE:
            raise ValidationError({"annual_cap": [_("扣分项目不设年度上限")]})
    row = PointsRule.objects.select_for_update().filter(region=region, source=source).first()
    before = {"points": str(row.points), "annual_cap": str(row.annual_cap)} if row else None
    if row is None:
        row = PointsRule(region=region, source=source)
    row.points, row.annual_cap = value, cap
    row.save()
    audit.record(
        actor=actor,
        verb="points_rule.set",
        obj=row,
        region=region,
        before=before,
        after={"source": source, "points": str(value), "annual_cap": str(cap)},
    )
    return row


@transaction.atomic(durable=True)
def points_rule_clear(*, actor, rule: PointsRule) -> None:
    """The office removes its region's own rule: the parent region's (or the default)
    applies again."""
    require(actor, perms.MANAGE, rule)
    region, source = rule.region, rule.source
    before = {"source": source, "points": str(rule.points), "annual_cap": str(rule.annual_cap)}
    rule.delete()
    audit.record(actor=actor, verb="points_rule.clear", region=region, before=before)


@transaction.atomic(durable=True)
def ranking_publish(
    *,
    actor,
    region,
    level: int,
    year: int,
    quarter: int,
    group: DeputyGroup | None = None,
) -> PointsRanking:
    """The office publishes the quarterly ranking of the active deputies of congress
    ``level`` elected in ``region`` (or of ``group``'s members), frozen as computed now.
    A quarter is published once it has ended or is under way; publishing again for the
    same region, level, group and quarter withdraws the earlier one."""
    if group is None and region is None:
        raise ValidationError({"region": [_("请选择区域或代表小组")]})
    require(actor, perms.MANAGE, group.region if group is not None else region)
    if level not in CongressLevel.values:
        raise ValidationError({"level": [_("请选择代表层级")]})
    try:
        start, _end = quarter_bounds(year, quarter)
    except (ValueError, TypeError):
        raise ValidationError({"quarter": [_("季度须为 1 到 4")]}) from None
    if start > today():
        raise ValidationError({"quarter": [_("该季度尚未开始")]})
    deputies = Deputy.objects.filter(level=level, status="active").select_related(
        "term__congress__region"
    )
    if group is not None:
        deputies = deputies.filter(group_memberships__group=group)
        region = group.region
    else:
        deputies = deputies.filter(region__path__startswith=region.path)
    rows = standings(list(deputies), year=year, quarter=quarter)
    if not rows:
        raise ValidationError(_("该范围内没有在任代表"))
    previous = list(
        PointsRanking.objects.select_for_update().filter(
            region=region,
            level=level,
            group=group,
            year=year,
            quarter=quarter,
            state=RankingState.PUBLISHED,
        )
    )
    for old in previous:
        transition(
            old,
            table=RANKING_STATES,
            to=RankingState.WITHDRAWN,
            actor=actor,
            verb="withdraw",
            note=_("已重新发布"),
        )
    ranking = PointsRanking.objects.create(
        region=region,
        level=level,
        group=group,
        year=year,
        quarter=quarter,
        code=codes.generate(10),
        published_at=timezone.now(),
        published_by=actor,
    )
    PointsRankingRow.objects.bulk_create(
        PointsRankingRow(
            ranking=ranking,
            deputy=r.deputy,
            rank=r.rank,
            points=r.points,
            quarter_points=r.quarter_points,
        )
        for r in rows
    )
    audit.record(
        actor=actor,
        verb="ranking.publish",
        obj=ranking,
        region=region,
        after={
            "year": year,
            "quarter": quarter,
            "level": level,
            "rows": len(rows),
            "replaced": len(previous),
        },
    )
    return ranking


@transaction.atomic(durable=True)
def ranking_withdraw(*, actor, ranking: PointsRanking, note: str) -> PointsRanking:
    """The office takes a published ranking off the public pages, with a reason."""
    require(actor, perms.MANAGE, ranking)
    ranking = lock(ranking)
    note = text(note, label=_("撤回原因"), maximum=300)
    transition(
        ranking,
        table=RANKING_STATES,
        to=RankingState.WITHDRAWN,
        actor=actor,
        verb="withdraw",
        note=note,
    )
    audit.record(
        actor=actor, verb="ranking.withdraw", obj=ranking, region=ranking.region, note=note
    )
    return ranking


@transaction.atomic(durable=True)
def award_record(*, actor, deputy: Deputy, data: dict[str, Any]) -> Award:
    """The office records an award or commendation of a deputy (duty record section 8)."""
    require(actor, perms.MANAGE, deputy.region)
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {}
    for key, label, maximum, required in (
        ("title", _("表彰名称"), 120, True),
        ("issuer", _("授予单位"), 100, True),
        ("note", _("说明"), 300, False),
    ):
        try:
            fields[key] = text(data.get(key, ""), label=label, maximum=maximum, required=required)
        except ValidationError as e:
            errors[key] = e.messages
    date = data.get("date")
    if date is None or date > today():
        errors["date"] = [_("请填写表彰日期（不晚于今天）")]
    if errors:
        raise ValidationError(errors)
    award = Award.objects.create(deputy=deputy, region=deputy.region, date=date, **fields)
    audit.record(
        actor=actor,
        verb="award.record",
        obj=award,
        region=deputy.region,
        after={"deputy_id": deputy.pk, "title": award.title, "date": date},
    )
    notify_later(
        deputy_accounts([deputy]),
        verb="award.record",
        title=_("您的获奖表彰已记入履职档案：%(title)s") % {"title": award.title},
    )
    return award


@transaction.atomic(durable=True)
def award_delete(*, actor, award: Award) -> None:
    """The office removes an award entered in error."""
    require(actor, perms.MANAGE, award)
    before = {"deputy_id": award.deputy_id, "title": award.title, "date": award.date}
    region = award.region
    award.delete()
    audit.record(actor=actor, verb="award.delete", region=region, before=before)


__all__ = [
    "award_delete",
    "award_record",
    "points_rule_clear",
    "points_rule_set",
    "ranking_publish",
    "ranking_withdraw",
]
