"""Forms of the staff pages: they parse and validate input; actions do the writing."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minqing.accounts.models import User
from minqing.core.models import Region
from minqing.core.permissions import is_unrestricted
from minqing.people.models import Deputy
from minqing.stations.models import (
    ReceptionDay,
    ReceptionSchedule,
    ScheduleRule,
    Station,
    StationKind,
)
from minqing.stations.permissions import region_wide_grants
from minqing.stations.schedule import LAST_WEEK, WEEKDAY_NAMES, validate_schedule
from minqing.stations.states import StationStatus

REGION_SELECT_LIMIT = 800

WEEKDAY_CHOICES = list(enumerate(WEEKDAY_NAMES))
WEEK_CHOICES = [
    (1, _("第1个")),
    (2, _("第2个")),
    (3, _("第3个")),
    (4, _("第4个")),
    (LAST_WEEK, _("最后一个")),
]


def manageable_regions(user) -> QuerySet[Region]:
    """Regions where ``user`` may found a station (region-wide manage grants only)."""
    if is_unrestricted(user):
        return Region.objects.all()
    paths = {g.region.path for g in region_wide_grants(user)}
    if not paths:
        return Region.objects.none()
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return Region.objects.filter(q)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        label = gettext("%(name)s（%(code)s）") % {"name": obj.name, "code": obj.code}
        return f"{'　' * max(obj.level - 2, 0)}{label}"


class StationForm(forms.ModelForm):
    region = RegionChoiceField(
        label=_("所在区域"),
        queryset=Region.objects.none(),
        to_field_name="code",
        error_messages={
            "required": _("请选择所在区域。"),
            "invalid_choice": _("所选区域不存在或不在您的管理范围内。"),
        },
    )

    class Meta:
        model = Station
        fields = [
            "name",
            "kind",
            "region",
            "address",
            "opening_hours",
            "phone",
            "sector",
            "description",
            "latitude",
            "longitude",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {"required": _("请填写名称。")},
            "kind": {"required": _("请选择类型。")},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = manageable_regions(user)
        if self.instance.pk:
            regions = regions | Region.objects.filter(pk=self.instance.region_id)
            self.initial.setdefault("region", self.instance.region.code)
        self.fields["region"].queryset = regions.order_by("path")
        # A select with thousands of options is unusable on a phone; past a limit the
        # region is typed as its code instead.
        if regions.count() > REGION_SELECT_LIMIT:
            self.fields["region"].widget = forms.TextInput(attrs={"inputmode": "numeric"})
            self.fields["region"].help_text = _("请填写区划代码")
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class StationFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型")), *StationKind.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *StationStatus.choices]
    )
    region = forms.CharField(label=_("区域"), required=False, max_length=24)

    def __init__(self, *args, regions: list[Region], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].widget = forms.Select(
            choices=[("", _("全部区域"))]
            + [(r.code, f"{'　' * max(r.level - 2, 0)}{r.name}") for r in regions]
        )
        self.fields["q"].widget.attrs.update(
            {"class": "form-control", "placeholder": _("名称、地址或站点码")}
        )
        for name in ("kind", "status", "region"):
            self.fields[name].widget.attrs["class"] = "form-select"


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=StationStatus.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class DeputyAddForm(forms.Form):
    deputy = forms.ModelChoiceField(
        queryset=Deputy.objects.none(),
        error_messages={"invalid_choice": _("未找到该代表。"), "required": _("请选择代表。")},
    )
    is_convener = forms.BooleanField(label=_("召集人"), required=False)

    def __init__(self, *args, deputies: QuerySet[Deputy], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = deputies


class StaffGrantForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        error_messages={"required": _("请填写用户名。")},
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValidationError(_("没有这个用户，或该账号已停用。"))
        return user


class ReceptionScheduleForm(forms.ModelForm):
    weekday = forms.TypedChoiceField(
        label=_("星期"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *WEEKDAY_CHOICES],
    )
    week_of_month = forms.TypedChoiceField(
        label=_("第几个"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *WEEK_CHOICES],
    )

    class Meta:
        model = ReceptionSchedule
        fields = [
            "rule",
            "day_of_month",
            "week_of_month",
            "weekday",
            "start_time",
            "end_time",
            "skip_non_working_days",
            "note",
            "is_active",
        ]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        error_messages = {
            "start_time": {"required": _("请填写开始时间。"), "invalid": _("时间格式不正确。")},
            "end_time": {"required": _("请填写结束时间。"), "invalid": _("时间格式不正确。")},
            "rule": {"required": _("请选择接待规则。")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = ScheduleRule.choices
        self.fields["day_of_month"].widget.attrs.update({"min": 1, "max": 31})
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select")
            else:
                field.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        cleaned = super().clean()
        probe = ReceptionSchedule(
            rule=cleaned.get("rule") or "",
            day_of_month=cleaned.get("day_of_month"),
            weekday=cleaned.get("weekday"),
            week_of_month=cleaned.get("week_of_month"),
            start_time=cleaned.get("start_time"),
            end_time=cleaned.get("end_time"),
        )
        try:
            validate_schedule(probe)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReceptionDayForm(forms.ModelForm):
    deputies = forms.ModelMultipleChoiceField(
        label=_("值班代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ReceptionDay
        fields = ["date", "start_time", "end_time", "title", "note"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        error_messages = {
            "date": {"required": _("请填写日期。"), "invalid": _("日期格式不正确。")},
            "start_time": {"required": _("请填写开始时间。"), "invalid": _("时间格式不正确。")},
            "end_time": {"required": _("请填写结束时间。"), "invalid": _("时间格式不正确。")},
        }

    def __init__(self, *args, station: Station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = Deputy.objects.filter(
            station_memberships__station=station
        ).order_by("level", "name")
        if self.instance.pk:
            self.initial.setdefault("deputies", list(self.instance.deputies.all()))
        for name, field in self.fields.items():
            if name != "deputies":
                field.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("结束时间须晚于开始时间。"))
        return cleaned

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CancelForm(forms.Form):
    note = forms.CharField(label=_("取消原因"), required=False, max_length=200)
