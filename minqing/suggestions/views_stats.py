"""The statistics page of motions and suggestions (议案建议办理统计, /suggestions/stats/) and
its Excel download (/suggestions/stats.xlsx): the figures of
``minqing.suggestions.statistics`` by unit, region, deputy or year, the headline figures
with their definitions, ECharts charts (class shares, per-row bars, monthly trend) and
the definitions list.

Thin: parse the filters, call the selectors, render. Only holders of
``suggestions.view_stats`` (congress staff, leaders; 403 otherwise); a region or session
outside the reader's scope is 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from minqing.core.permissions import require
from minqing.suggestions import statistics as st
from minqing.suggestions import stats_export
from minqing.suggestions.models import Kind, Timing

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GROUP_CHOICES = {
    "unit": gettext_lazy("按承办单位"),
    "region": gettext_lazy("按区域"),
    "deputy": gettext_lazy("按代表"),
    "year": gettext_lazy("按年度"),
}


class StatsFilterForm(forms.Form):
    """The GET filters shared by the page and the download (region and session are
    checked against the reader's scope by the view: 404 outside)."""

    group_by = forms.ChoiceField(
        label=gettext_lazy("统计维度"), choices=list(GROUP_CHOICES.items()), required=False
    )
    year = forms.IntegerField(
        label=gettext_lazy("年度"), required=False, min_value=st.MIN_YEAR, max_value=st.MAX_YEAR
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        choices=[("", gettext_lazy("议案和建议")), *Kind.choices],
        required=False,
    )
    timing = forms.ChoiceField(
        label=gettext_lazy("提出时间"),
        choices=[("", gettext_lazy("全部")), *Timing.choices],
        required=False,
    )
    signers = forms.BooleanField(label=gettext_lazy("含联名代表"), required=False)


@dataclass
class StatsRequest:
    """What the page and the download both need from the GET parameters."""

    group_by: str
    filters: st.Filters
    form: StatsFilterForm
    query: dict[str, str]  # the filters as GET parameters (for links)


def _parse(request: HttpRequest) -> StatsRequest:
    user = request.user
    require(user, st.STATS)
    region = st.region_for_code(user, request.GET.get("region"))
    session = st.session_for_id(user, request.GET.get("session"))
    form = StatsFilterForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    group_by = cleaned.get("group_by") or "unit"
    filters = st.Filters(
        year=cleaned.get("year"),
        session=session,
        kind=cleaned.get("kind") or "",
        timing=cleaned.get("timing") or "",
        region=region,
        signers=bool(cleaned.get("signers")),
    )
    query = {"group_by": group_by}
    if filters.year:
        query["year"] = str(filters.year)
    if session is not None:
        query["session"] = str(session.pk)
    if filters.kind:
        query["kind"] = filters.kind
    if filters.timing:
        query["timing"] = filters.timing
    if region is not None:
        query["region"] = region.code
    if filters.signers:
        query["signers"] = "1"
    return StatsRequest(group_by, filters, form, query)


@login_required
@require_GET
def stats_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    req = _parse(request)
    table = st.statistics(user, group_by=req.group_by, filters=req.filters)
    trend = st.trend(user, filters=req.filters)
    tops = st.top_regions(user)
    scope_region = req.filters.region or (tops[0] if len(tops) == 1 else None)
    lines = []
    for row in table.rows:
        link = ""
        if req.group_by == "region" and not (scope_region and row.key == scope_region.code):
            link = "?" + urlencode({**req.query, "region": row.key})
        lines.append({"row": row, "link": link})
    years = st.years_in_scope(user)
    if req.filters.year and req.filters.year not in years:
        years = sorted({*years, req.filters.year}, reverse=True)
    return render(
        request,
        "suggestions/stats.html",
        {
            "form": req.form,
            "group_by": req.group_by,
            "group_label": st.group_label(req.group_by, req.filters.signers),
            "group_choices": list(GROUP_CHOICES.items()),
            "filters": req.filters,
            "years": years,
            "sessions": list(st.sessions_in_scope(user)),
            "kinds": Kind.choices,
            "timings": Timing.choices,
            "scope_region": scope_region,
            "region_options": _region_options(user, req.filters.region or scope_region),
            "lines": lines,
            "total": table.total,
            "headline": st.headline(table.total),
            "rate_definitions": [st.DEFINITIONS[k] for k in st.RATE_KEYS],
            "count_definitions": [st.DEFINITIONS[k] for k in st.COUNT_KEYS],
            "bases": [(st.BASE_NAMES[key], text) for key, text in st.BASES.items()],
            "scope_note": st.SCOPE_NOTE,
            "chart_data": _chart_data(table, trend),
            "download_query": urlencode(req.query),
        },
    )


@login_required
@require_GET
def stats_xlsx(request: HttpRequest) -> HttpResponse:
    user = request.user
    req = _parse(request)
    table = st.statistics(user, group_by=req.group_by, filters=req.filters)
    data = stats_export.workbook(table, filters=req.filters)
    name = _("议案建议办理统计_%(by)s%(year)s.xlsx") % {
        "by": st.group_label(req.group_by, req.filters.signers),
        "year": f"_{req.filters.year}" if req.filters.year else "",
    }
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _region_options(user, region) -> list[dict]:
    """The region filter's options, indented as a tree, the chosen region selected."""
    regions = st.region_choices(user)
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


def _rates(figures: list[st.Figure]) -> list[float | None]:
    return [None if f.rate is None else round(f.rate * 100, 1) for f in figures]


def _chart_data(table: st.Table, trend: st.Trend) -> dict:
    """What suggestion-stats.js draws: the class pie of the 合计 row, one bar series per
    compared rate over the rows (percentages, None where the denominator is 0, the
    formatted figures for the tooltips), and the monthly trend."""
    rows = table.rows
    return {
        "labels": [row.label for row in rows],
        "classes": [
            {"name": _("%(letter)s类") % {"letter": letter}, "label": label, "value": n}
            for letter, label, n in st.class_shares(table.total)
        ],
        "bars": [
            {
                "key": key,
                "name": str(st.DEFINITIONS[key].name),
                "rates": _rates([row.figures[key] for row in rows]),
                "figures": [str(row.figures[key]) for row in rows],
            }
            for key in st.BAR_KEYS
        ],
        "trend": {
            "labels": trend.labels,
            "submitted": trend.submitted,
            "answered": trend.answered,
            "on_time": _rates(trend.on_time),
            "on_time_figures": [str(f) for f in trend.on_time],
        },
        "text": {
            "no_data": _("无数据（分母为 0）"),
            # "%(name)s" and "%(value)s" are filled in by suggestion-stats.js.
            "name_value": _("%(name)s：%(value)s"),
            "submitted": _("提交件数"),
            "answered": _("答复件次"),
            "on_time": str(st.DEFINITIONS["on_time_rate"].name),
            "count_axis": _("件（件次）"),
        },
    }
