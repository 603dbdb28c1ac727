"""The quota compliance page of stations and deputy groups (任务完成情况,
/duties/quotas/?region=&year=&quarter=&behind=): a table with ✓/✗ and "actual/required"
per quota, and the 落后名单 — the stations and groups behind and the deputies short of
the suggestion minimum. ``behind=1`` keeps only the rows behind.

Thin: parse the filters, call ``quotas.compliance``, render. Only holders of
``duties.view`` (congress staff, leaders, station staff — the latter see their station
alone); 403 otherwise, and a region outside the reader's scope is 404.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from minqing.core.permissions import has_perm
from minqing.core.region_scope import region_choices, region_for_code, top_regions
from minqing.duties import quotas
from minqing.duties.permissions import VIEW

MIN_YEAR = 2000
WHOLE_YEAR = "0"
QUARTER_CHOICES = [
    (WHOLE_YEAR, gettext_lazy("全年")),
    ("1", gettext_lazy("第一季度")),
    ("2", gettext_lazy("第二季度")),
    ("3", gettext_lazy("第三季度")),
    ("4", gettext_lazy("第四季度")),
]


class QuotaFilterForm(forms.Form):
    """The GET filters (the region is checked against the reader's scope by the view)."""

    year = forms.IntegerField(label=gettext_lazy("年度"), required=False, min_value=MIN_YEAR)
    quarter = forms.ChoiceField(label=gettext_lazy("期间"), choices=QUARTER_CHOICES, required=False)
    behind = forms.BooleanField(label=gettext_lazy("只看未达标"), required=False)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        year = data.get("year")
        if year is not None and year > today.year:
            self.add_error("year", _("不能选择尚未开始的年度"))
            year = None
        quarter = data.get("quarter")
        begun = quotas.quarters_begun(year or today.year, today)
        if quarter and quarter != WHOLE_YEAR and int(quarter) not in begun:
            self.add_error("quarter", _("该季度尚未开始"))
        return data


def _period(form: QuotaFilterForm) -> tuple[int, int | None]:
    """The year and quarter asked for (None: the whole year); by default, or when a
    filter is invalid, the current quarter of this year or the whole of an earlier
    year."""
    today = timezone.localdate()
    form.is_valid()
    data = form.cleaned_data
    year = data.get("year") or today.year
    quarter = data.get("quarter") or ""
    if not quarter:
        return year, quotas.quarters_begun(year, today)[-1] if year == today.year else None
    return year, None if quarter == WHOLE_YEAR else int(quarter)


def _years(year: int) -> list[int]:
    """The last ten years, and the one asked for if it is older."""
    recent = list(range(timezone.localdate().year, MIN_YEAR - 1, -1))[:10]
    return recent if year in recent else [*recent, year]


def _region_options(user, region) -> list[dict]:
    regions = region_choices(user, VIEW, depth=2)
    if region is not None and region.pk not in {r.pk for r in regions}:
        regions.append(region)
    top = min((r.level for r in regions), default=0)
    return [
        {
            "code": r.code,
            "label": "\u3000" * (r.level - top) + r.name,
            "selected": region is not None and r.pk == region.pk,
        }
        for r in regions
    ]


@login_required
@require_GET
def quota_page(request: HttpRequest) -> HttpResponse:
    """Quota compliance of the stations and groups in the reader's scope."""
    user = request.user
    if not has_perm(user, VIEW):
        raise PermissionDenied(_("您没有查看代表履职工作的权限"))
    region = region_for_code(user, VIEW, request.GET.get("region"))
    form = QuotaFilterForm(request.GET)
    year, quarter = _period(form)
    behind_only = bool(form.cleaned_data.get("behind"))  # valid fields survive an error
    result = quotas.compliance(user, year=year, quarter=quarter, region=region)
    rows = result.behind if behind_only else result.rows
    tops = top_regions(user, VIEW)
    scope_region = region or (tops[0] if len(tops) == 1 else None)
    query = {"year": year, "quarter": quarter or WHOLE_YEAR}
    if region is not None:
        query["region"] = region.code
    return render(
        request,
        "duties/quotas/page.html",
        {
            "form": form,
            "result": result,
            "stations": [r for r in rows if r.kind == quotas.STATION],
            "groups": [r for r in rows if r.kind == quotas.GROUP],
            "behind_rows": result.behind,
            "deputies_behind": result.deputies_behind,
            "year": year,
            "quarter": quarter,
            "quarter_choices": QUARTER_CHOICES,
            "quarter_value": str(quarter or WHOLE_YEAR),
            "years": _years(year),
            "behind_only": behind_only,
            "scope_region": scope_region,
            "region_options": _region_options(user, region or scope_region),
            "behind_query": urlencode({**query, "behind": "1"}),
            "all_query": urlencode(query),
        },
    )
