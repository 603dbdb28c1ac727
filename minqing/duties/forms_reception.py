"""Forms of the reception pages: a unified reception day (create, edit, cancel), putting
deputies on duty at a post, the office list's filters, and the station's check-in and
visitor count. They parse what a person typed, with Chinese messages; the actions in
``minqing.duties.actions.reception`` decide whether the change is allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minqing.core.models import Region
from minqing.duties.models import UnifiedDayState
from minqing.people.models import Deputy
from minqing.stations.models import Station

REQUIRED = _("请填写此项")
MAX_LENGTH = _("不能超过 %(limit_value)d 个字（现在 %(show_value)d 个字）")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
UNSTYLED = (forms.CheckboxInput, forms.HiddenInput, forms.CheckboxSelectMultiple)


def _style(form: forms.Form) -> None:
    """Bootstrap classes on every widget, so the templates stay free of widget tweaks."""
    for f in form.fields.values():
        widget = f.widget
        if isinstance(
            widget, forms.CheckboxInput | forms.HiddenInput | forms.CheckboxSelectMultiple
        ):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


def _time(label, *, required: bool = True, initial: dt.time | None = None) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        initial=initial,
        widget=TIME_INPUT,
        input_formats=["%H:%M", "%H:%M:%S"],
        error_messages={"required": REQUIRED, "invalid": _("时间格式不正确，例如 09:00")},
    )


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return obj.name


class StationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Station) -> str:
        return f"{obj.name}（{obj.region.name}）"


class DayForm(forms.Form):
    """Title, date, hours and the working note of a unified reception day."""

    title = forms.CharField(
        label=_("主题"),
        max_length=100,
        error_messages={"required": REQUIRED, "max_length": MAX_LENGTH},
    )
    date = forms.DateField(
        label=_("接待日期"),
        widget=DATE_INPUT,
        input_formats=["%Y-%m-%d"],
        error_messages={"required": _("请填写接待日期"), "invalid": _("日期格式不正确")},
    )
    start_time = _time(_("开始时间"), initial=dt.time(9, 0))
    end_time = _time(_("结束时间"), initial=dt.time(11, 30))
    note = forms.CharField(
        label=_("工作要求"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("随值班通知发给代表，如：请提前十分钟到站，佩戴代表证。"),
        error_messages={"max_length": MAX_LENGTH},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _style(self)

    def data_for_action(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {k: c[k] for k in ("title", "date", "start_time", "end_time", "note")}


class DayCreateForm(DayForm):
    """A new unified day: the region (one of the office's) and, optionally, only some of
    its stations."""

    region = RegionChoiceField(
        label=_("区域"),
        queryset=Region.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("请选择区域"),
            "invalid_choice": _("所选区域不在您的管辖范围内"),
        },
    )
    stations = StationsField(
        label=_("参加的联络站"),
        required=False,
        queryset=Station.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("不选则为所选区域全部运行中的线下联络站。"),
        error_messages={
            "invalid_choice": _("所选联络站须是所选区域运行中的线下站点"),
            "invalid_pk_value": _("所选联络站须是所选区域运行中的线下站点"),
        },
    )
    field_order = ["region", "title", "date", "start_time", "end_time", "note", "stations"]

    def __init__(self, *args: Any, regions: list[Region], stations: QuerySet[Station], **kw):
        kw["initial"] = {"date": timezone.localdate(), **(kw.get("initial") or {})}
        super().__init__(*args, **kw)
        self.fields["region"].queryset = Region.objects.filter(
            pk__in=[r.pk for r in regions]
        ).order_by("path")
        self.regions = regions
        self.fields["stations"].queryset = stations
        self.fields["title"].initial = _("人大代表统一接待日")

    def clean_region(self) -> Region:
        region = self.cleaned_data["region"]
        # One of the regions offered (the queryset check already ran): the same object,
        # so its path is at hand without another query.
        return next((r for r in self.regions if r.pk == region.pk), region)


class CancelForm(forms.Form):
    note = forms.CharField(
        label=_("取消原因"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写取消原因"), "max_length": MAX_LENGTH},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _style(self)


class DeputiesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Deputy) -> str:
        return obj.name


class AssignForm(forms.Form):
    """Deputies put on duty at one post, for a time slot (blank: the whole day)."""

    deputies = DeputiesField(
        label=_("值班代表"),
        queryset=Deputy.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={
            "required": _("请选择代表"),
            "invalid_choice": _("所选代表不存在、已终止代表资格或不在您的管辖范围内"),
            "invalid_pk_value": _("所选代表不存在、已终止代表资格或不在您的管辖范围内"),
        },
    )
    start_time = _time(_("开始时间"), required=False)
    end_time = _time(_("结束时间"), required=False)

    def __init__(self, *args: Any, pool: QuerySet[Deputy], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = pool
        _style(self)


class DayFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), *UnifiedDayState.choices],
    )
    q = forms.CharField(label=_("主题"), required=False, max_length=50)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["q"].widget.attrs["placeholder"] = _("搜索主题")

    def params(self) -> dict[str, str]:
        if not self.is_valid():
            return {"state": "", "q": ""}
        return {"state": self.cleaned_data["state"], "q": self.cleaned_data["q"]}


class CheckInForm(forms.Form):
    """Who checks in: blank for the signed-in deputy themself, else a deputy the
    station's staff check in (one of those listed on the page)."""

    deputy = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args: Any, candidates: dict[int, Deputy], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.candidates = candidates

    def clean_deputy(self) -> Deputy | None:
        pk = self.cleaned_data.get("deputy")
        if pk is None:
            return None
        deputy = self.candidates.get(pk)
        if deputy is None:
            raise forms.ValidationError(_("该代表今天没有在本站的接待安排"))
        return deputy


class VisitorsForm(forms.Form):
    """One more (or one fewer) voter received at a reception activity of today."""

    activity = forms.IntegerField(
        min_value=1, error_messages={"required": _("代表签到后才能登记接待人次")}
    )
    count = forms.IntegerField(
        min_value=-500,
        max_value=500,
        error_messages={
            "required": _("请填写人次"),
            "invalid": _("人次须为整数"),
            "min_value": _("人次须为 -500 到 500 之间的非零整数"),
            "max_value": _("人次须为 -500 到 500 之间的非零整数"),
        },
    )

    def __init__(self, *args: Any, activities: list, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.activities = {a.pk: a for a in activities}

    def clean_activity(self):
        activity = self.activities.get(self.cleaned_data["activity"])
        if activity is None:
            raise forms.ValidationError(_("代表签到后才能登记接待人次"))
        return activity
