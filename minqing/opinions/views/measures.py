"""The measures page (民情工作指标, /opinions/measures/): the table of
``minqing.opinions.measures`` by unit, region, category or month, its ECharts charts,
the definitions next to the figures, and the same table as an Excel download
(``?format=xlsx``).

Thin: parse the filters, call the selector, render. Only holders of
``opinions.view_measures`` (403 otherwise); a region outside the reader's scope is 404.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from minqing.core.permissions import require
from minqing.opinions import measures as m
from minqing.opinions import measures_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GROUP_CHOICES = {
    "unit": gettext_lazy("按承办单位"),
    "region": gettext_lazy("按区域"),
    "category": gettext_lazy("按分类"),
    "month": gettext_lazy("按月份"),
}


class MeasuresFilterForm(forms.Form):
    group_by = forms.ChoiceField(
        label=gettext_lazy("统计维度"),
        choices=list(GROUP_CHOICES.items()),
        required=False,
    )
    start = forms.CharField(
        label=gettext_lazy("起始月份"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control"}),
    )
    end = forms.CharField(
        label=gettext_lazy("截止月份"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group_by"].widget.attrs["class"] = "form-select"

    def clean(self) -> dict:
        data = super().clean()
        try:
            data["period"] = m.parse_period(data.get("start"), data.get("end"))
        except forms.ValidationError as exc:
            for name, errors in exc.message_dict.items():
                self.add_error(name, errors)
        return data


@login_required
@require_GET
def measures_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, m.VIEW_MEASURES)
    region = m.region_for_code(user, request.GET.get("region"))
    form = MeasuresFilterForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    group_by = cleaned.get("group_by") or "unit"
    start, end = cleaned.get("period") or m.default_period()
    rows = m.measures(user, group_by=group_by, start=start, end=end, region=region)
    total = m.total(rows)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows, total, group_by=group_by, start=start, end=end, region=region)
    tops = m.top_regions(user)
    scope_region = region or (tops[0] if len(tops) == 1 else None)
    params = {"start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"}
    lines = []
    for row in rows:
        link = ""
        if group_by == "region" and not (scope_region and row.key == scope_region.code):
            link = "?" + urlencode({"group_by": "region", "region": row.key, **params})
        lines.append({"row": row, "link": link})
    download = {"group_by": group_by, **params, "format": "xlsx"}
    if region is not None:
        download["region"] = region.code
    return render(
        request,
        "opinions/measures.html",
        {
            "form": form,
            "group_by": group_by,
            "group_label": m.GROUP_LABELS[group_by],
            "start": start,
            "end": end,
            "start_month": params["start"],
            "end_month": params["end"],
            "region": region,
            "scope_region": scope_region,
            "region_options": _region_options(user, region or scope_region),
            "lines": lines,
            "total": total,
            "definitions": list(m.DEFINITIONS.values()),
            "scope_note": m.SCOPE_NOTE,
            "chart_data": _chart_data(rows, group_by),
            "download_query": urlencode(download),
        },
    )


def _region_options(user, region) -> list[dict]:
    """The region filter's options, indented as a tree, the chosen (or the only top)
    region selected (added when it lies deeper than the options go)."""
    regions = m.region_choices(user)
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


def _chart_data(rows: list[m.Row], group_by: str) -> dict:
    """What measures.js draws: one series per measure over the rows (percentages, None
    where the denominator is 0), with the counts for the tooltips."""
    series = []
    for key, d in m.DEFINITIONS.items():
        ratios = [row.measures[key] for row in rows]
        series.append(
            {
                "key": key,
                "name": str(d.name),
                "lower_is_better": d.lower_is_better,
                "rates": [None if r.rate is None else round(r.rate * 100, 1) for r in ratios],
                "numerators": [r.numerator for r in ratios],
                "denominators": [r.denominator for r in ratios],
                "figures": [str(r) for r in ratios],
            }
        )
    return {
        "group_by": group_by,
        "labels": [row.label for row in rows],
        "series": series,
        "text": {
            "no_data": _("无数据（分母为 0）"),
            # "%(name)s" and "%(value)s" are filled in by measures.js.
            "name_value": _("%(name)s：%(value)s"),
        },
    }


def _xlsx(rows: list[m.Row], total: m.Row, *, group_by: str, start, end, region) -> HttpResponse:
    data = measures_export.workbook(
        rows, total, group_by=group_by, start=start, end=end, region=region
    )
    name = _("民情指标_%(by)s_%(start)s_%(end)s.xlsx") % {
        "by": m.GROUP_LABELS[group_by],
        "start": f"{start:%Y%m}",
        "end": f"{end:%Y%m}",
    }
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
