"""Forms of the station and deputy pages of the 民情 loop: they parse and validate input
with the same rules the actions apply (``validation``, ``uploads``); actions write.

Field names match the keys of the actions' ValidationError dicts (``text``, ``kind``,
``citizen_name`` …) so ``core.web.apply_errors`` puts a refusal next to its field.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minqing.core.config import settings_for
from minqing.core.models import Region
from minqing.core.permissions import grants_for, is_unrestricted, scope
from minqing.opinions import permissions as perms
from minqing.opinions import uploads, validation
from minqing.opinions.models import (
    STAFF_CHANNELS,
    Channel,
    Kind,
    MeetingState,
    OpinionState,
    Resolution,
)
from minqing.stations.models import Station
from minqing.stations.states import StationStatus

REQUIRED = {"required": _("此项为必填项")}
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
# A reception-day sheet may be typed in a few days after the day itself.
FAST_ENTRY_MAX_AGE_DAYS = 31


# --- reads the forms need (scoped like the actions they feed) -------------------------


def registrable_stations(user) -> QuerySet[Station]:
    """Stations where ``user`` may register opinions: the ones a register grant covers
    (narrowed to a station, or region-wide) and, for a deputy, the stations they sit
    at. The same rule as ``permissions.can_at_station``, as one query."""
    qs = Station.objects.exclude(status=StationStatus.CLOSED).select_related("region")
    if is_unrestricted(user):
        return qs.order_by("region__path", "name")
    q = Q(pk__in=perms.deputy_station_ids(user))
    for g in grants_for(user, "opinions.register"):
        if g.station_id is not None:
            q |= Q(pk=g.station_id)
        elif g.unit_id is None:
            q |= Q(region__path__startswith=g.region.path)
    return qs.filter(q).order_by("region__path", "name")


def can_register_anywhere(user) -> bool:
    """Whether ``user`` may open the register pages at all (no query for outsiders)."""
    return (
        is_unrestricted(user)
        or bool(grants_for(user, "opinions.register"))
        or bool(perms.deputy_station_ids(user))
    )


def reader_region(user) -> Region | None:
    """The region whose taxonomy the reader's lists and forms use: the widest region of
    their opinion grants, else of any grant (a deputy's); None (the defaults) for a
    superuser. No query: grants come with their regions."""
    regions = [g.region for g in grants_for(user, "opinions.view_opinion")] or [
        g.region for g in grants_for(user, "core.view_region")
    ]
    return min(regions, key=lambda r: r.level) if regions else None


def category_choices(region: Region | None) -> list[tuple[str, str]]:
    return [(c["code"], c["name"]) for c in settings_for(region)["taxonomy.opinion_categories"]]


def viewable_stations(user) -> QuerySet[Station]:
    """Stations offered in the list's station filter."""
    return scope(Station.objects.all(), user, "stations.view_station").order_by(
        "region__path", "name"
    )


# --- widgets and fields -------------------------------------------------------------


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.Field):
    """Several uploaded files, handed over raw: ``uploads.clean_photos`` judges them by
    their bytes (never a Pillow-decoding ImageField in front of it)."""

    widget = MultiplePhotoInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": PHOTO_ACCEPT, "class": "form-control"})

    def to_python(self, data: Any) -> list:
        if not data:
            return []
        if isinstance(data, list | tuple):
            return [f for f in data if f]
        return [data]

    def clean(self, value: Any) -> list:
        files = self.to_python(value)
        return uploads.clean_photos(files) if files else []


def photo_help() -> str:
    """The upload limits as the person choosing photos reads them (from settings)."""
    count = int(getattr(settings, "MINQING_PHOTO_MAX_COUNT", 6))
    megabytes = int(getattr(settings, "MINQING_PHOTO_MAX_BYTES", 10 * 1024 * 1024)) / 2**20
    return gettext("最多 %(count)s 张，JPEG、PNG 或 WebP，每张不超过 %(size)s MB") % {
        "count": count,
        "size": f"{megabytes:g}",
    }


def _client_token_field() -> forms.UUIDField:
    return forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("页面已过期，请刷新后重新提交"),
            "invalid": _("页面已过期，请刷新后重新提交"),
        },
    )


def _station_label(station: Station) -> str:
    return gettext("%(name)s（%(region)s）") % {"name": station.name, "region": station.region.name}


class StationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Station) -> str:
        return _station_label(obj)


def _register_station_field() -> StationChoiceField:
    """The station an opinion is registered at (the form sets the stations it may be)."""
    return StationChoiceField(
        label=_("联络站"),
        queryset=Station.objects.none(),
        empty_label=_("请选择联络站"),
        error_messages={
            "required": _("请选择联络站"),
            "invalid_choice": _("所选联络站不存在或您不能在该站登记"),
        },
    )


def _staff_channel_field(**kwargs: Any) -> forms.ChoiceField:
    """How the citizen came to staff (walk-in, booth, phone, letter …)."""
    return forms.ChoiceField(
        label=_("渠道"),
        choices=[(c.value, c.label) for c in STAFF_CHANNELS],
        error_messages={"required": _("请选择登记渠道"), "invalid_choice": _("请选择登记渠道")},
        **kwargs,
    )


def _short_kind_field(initial: str) -> forms.ChoiceField:
    """The type of the matter as a plain select (the fast row, the photo report)."""
    return forms.ChoiceField(
        label=_("类型"),
        choices=list(Kind.choices),
        initial=initial,
        error_messages={"required": _("请选择反映类型"), "invalid_choice": _("请选择反映类型")},
    )


def _category_field() -> forms.ChoiceField:
    """The category (the form sets the region's choices)."""
    return forms.ChoiceField(
        label=_("分类"), required=False, error_messages={"invalid_choice": _("所选分类不存在")}
    )


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput | MultiplePhotoInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


# --- list filters -------------------------------------------------------------------


def _all(label: str) -> list[tuple[str, str]]:
    return [("", label)]


class InboxFilterForm(forms.Form):
    """Filters of the station inbox (GET)."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("类型"), required=False)
    category = forms.ChoiceField(label=_("分类"), required=False)

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _all(_("全部类型")) + list(Kind.choices)
        self.fields["category"].choices = _all(_("全部分类")) + categories
        for name in ("kind", "category"):
            self.fields[name].error_messages["invalid_choice"] = _("筛选条件无效")
        self.fields["q"].widget.attrs["placeholder"] = _("内容、地址或查询码")
        _style(self)

    def params(self) -> dict[str, str]:
        """The valid filters as keyword arguments of ``selectors.filter_opinions``
        (an invalid filter is dropped, the valid ones still apply)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: data.get(k) or "" for k in self.fields if k != "station"}


class OpinionFilterForm(InboxFilterForm):
    """Filters of the list of every visible opinion (GET)."""

    state = forms.ChoiceField(label=_("状态"), required=False)
    channel = forms.ChoiceField(label=_("渠道"), required=False)
    station = StationChoiceField(
        label=_("联络站"),
        required=False,
        queryset=Station.objects.none(),
        empty_label=_("全部联络站"),
        error_messages={"invalid_choice": _("筛选条件无效")},
    )

    def __init__(self, *args: Any, stations: QuerySet[Station], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = _all(_("全部状态")) + list(OpinionState.choices)
        self.fields["channel"].choices = _all(_("全部渠道")) + list(Channel.choices)
        self.fields["station"].queryset = stations.select_related("region")
        for name in ("state", "channel"):
            self.fields[name].error_messages["invalid_choice"] = _("筛选条件无效")
        _style(self)


# --- registering opinions -----------------------------------------------------------


class CitizenFieldsMixin:
    """Name (required), mobile (optional) and the matter's text, checked with the
    actions' own rules so every problem shows at once, next to its field."""

    def clean_citizen_name(self) -> str:
        return validation.clean_name(self.cleaned_data.get("citizen_name", ""))

    def clean_citizen_phone(self) -> str:
        phone = self.cleaned_data.get("citizen_phone", "")
        return validation.clean_mobile(phone) if phone else ""

    def clean_text(self) -> str:
        return validation.clean_text(self.cleaned_data.get("text", ""))


class RegisterForm(CitizenFieldsMixin, forms.Form):
    """One opinion a citizen brought to a station, registered by staff or a deputy."""

    station = _register_station_field()
    channel = _staff_channel_field()
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=_all(_("请选择")) + list(Kind.choices),
        error_messages={
            "required": _("请选择反映类型：咨询、求助、投诉、举报或建议"),
            "invalid_choice": _("请选择反映类型：咨询、求助、投诉、举报或建议"),
        },
    )
    category = _category_field()
    text = forms.CharField(
        label=_("反映内容"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请填写反映内容")},
        max_length=4000,
    )
    address = forms.CharField(
        label=_("事发地址"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("地址不能超过 200 个字")},
    )
    citizen_name = forms.CharField(
        label=_("群众姓名"), max_length=80, error_messages={"required": _("请填写群众姓名")}
    )
    citizen_phone = forms.CharField(
        label=_("手机号码"),
        required=False,
        max_length=20,
        help_text=_("选填；填写后群众会收到查询码短信"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    consent = forms.BooleanField(
        label=_("已告知群众个人信息仅用于办理和回访，并征得同意"), required=False
    )
    photos = PhotosField(label=_("照片"))
    client_token = _client_token_field()

    def __init__(self, *args: Any, user, categories: list[tuple[str, str]], **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("client_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        stations = registrable_stations(user)
        self.fields["station"].queryset = stations
        self.fields["category"].choices = _all(_("暂不分类")) + categories
        self.fields["photos"].help_text = photo_help()
        _style(self)


class FastEntrySetupForm(forms.Form):
    """The reception session a fast-entry sheet belongs to: one station, one channel,
    one day (GET to start, then carried as hidden fields on every row)."""

    station = _register_station_field()
    channel = _staff_channel_field(initial=Channel.VISIT)
    date = forms.DateField(
        label=_("接待日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"required": _("请填写接待日期"), "invalid": _("日期格式不正确")},
    )
    consent = forms.BooleanField(
        label=_("本场均已告知群众个人信息仅用于办理和回访，并征得同意"), required=False
    )

    def __init__(self, *args: Any, user, **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = registrable_stations(user)
        _style(self)

    def clean_date(self) -> dt.date:
        day = self.cleaned_data["date"]
        today = timezone.localdate()
        if day > today:
            raise ValidationError(_("接待日期不能晚于今天"))
        if day < today - dt.timedelta(days=FAST_ENTRY_MAX_AGE_DAYS):
            raise ValidationError(
                _("只能补录 %(n)s 天内的接待登记") % {"n": FAST_ENTRY_MAX_AGE_DAYS}
            )
        return day


class FastEntryRowForm(CitizenFieldsMixin, forms.Form):
    """One row of the fast-entry sheet: who, what kind, what about."""

    citizen_name = forms.CharField(
        label=_("姓名"), max_length=80, error_messages={"required": _("请填写群众姓名")}
    )
    citizen_phone = forms.CharField(
        label=_("手机号码"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    kind = _short_kind_field(Kind.HELP)
    text = forms.CharField(
        label=_("反映内容"), max_length=4000, error_messages={"required": _("请填写反映内容")}
    )
    client_token = _client_token_field()

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("client_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["citizen_name"].widget.attrs["autocomplete"] = "off"
        self.fields["text"].widget.attrs["autocomplete"] = "off"
        _style(self)

    def set_focus(self) -> None:
        """Autofocus the first field with an error, else the name: after a row is saved
        (or refused) the cursor is where typing goes on."""
        target = next((n for n in self.fields if n in self.errors), "citizen_name")
        if target not in self.fields or self.fields[target].widget.is_hidden:
            target = "citizen_name"
        self.fields[target].widget.attrs["autofocus"] = True


class ReportForm(forms.Form):
    """A deputy's photo report (随手拍)."""

    station = StationChoiceField(
        label=_("联络站"),
        required=False,
        queryset=Station.objects.none(),
        empty_label=_("默认（我所在的第一个联络站）"),
        error_messages={"invalid_choice": _("您不是该联络站的进站代表")},
    )
    kind = _short_kind_field(Kind.SUGGESTION)
    category = _category_field()
    text = forms.CharField(
        label=_("看到的问题"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": _("请描述看到的问题")},
    )
    photos = PhotosField(label=_("拍照"))
    address = forms.CharField(
        label=_("地点"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("地址不能超过 200 个字")},
    )
    latitude = forms.CharField(label=_("纬度"), required=False, max_length=20)
    longitude = forms.CharField(label=_("经度"), required=False, max_length=20)
    client_token = _client_token_field()

    def __init__(self, *args: Any, user, categories: list[tuple[str, str]], **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("client_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = Station.objects.filter(
            pk__in=perms.deputy_station_ids(user)
        ).select_related("region")
        self.fields["category"].choices = _all(_("暂不分类")) + categories
        self.fields["photos"].widget.attrs["capture"] = "environment"
        self.fields["photos"].help_text = photo_help()
        for name in ("latitude", "longitude"):
            label = self.fields[name].label
            self.fields[name].widget.attrs.update(
                {
                    "inputmode": "decimal",
                    "autocomplete": "off",
                    "placeholder": label,
                    "aria-label": label,
                }
            )
        _style(self)

    def clean_text(self) -> str:
        return validation.clean_text(self.cleaned_data.get("text", ""))

    def clean_latitude(self):
        return validation.clean_coordinate(self.cleaned_data.get("latitude"), low=-90, high=90)

    def clean_longitude(self):
        return validation.clean_coordinate(self.cleaned_data.get("longitude"), low=-180, high=180)

    def clean(self) -> dict:
        data = super().clean()
        if ("latitude" in data and "longitude" in data) and (
            (data["latitude"] is None) != (data["longitude"] is None)
        ):
            self.add_error("longitude", _("经度和纬度须同时填写"))
        return data


# --- the station panel of the detail page --------------------------------------------


class AnswerForm(forms.Form):
    """Answer on the spot (当场答复) and close."""

    public_text = forms.CharField(
        label=_("答复内容（群众可见）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": _("请填写答复内容")},
    )
    resolution = forms.ChoiceField(
        label=_("解决情况"),
        choices=list(Resolution.choices),
        initial=Resolution.SOLVED,
        error_messages={"required": _("请选择解决情况"), "invalid_choice": _("请选择解决情况")},
    )
    internal_note = forms.CharField(
        label=_("内部备注（群众不可见）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("内部备注不能超过 2000 个字")},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "answer")
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_public_text(self) -> str:
        return validation.clean_text(self.cleaned_data["public_text"], label=gettext("答复内容"))


class NoteForm(forms.Form):
    """An optional note for escalating or marking for a suggestion."""

    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("说明不能超过 1000 个字")},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _style(self)


# --- meetings -----------------------------------------------------------------------


class MeetingAcceptForm(forms.Form):
    meet_at = forms.DateTimeField(
        label=_("约见时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": _("请选择约见时间"), "invalid": _("时间格式不正确")},
    )
    place = forms.CharField(
        label=_("约见地点"),
        required=False,
        max_length=200,
        help_text=_("不填则为联络站地址"),
        error_messages={"max_length": _("地点不能超过 200 个字")},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "accept")
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_meet_at(self) -> dt.datetime:
        meet_at = self.cleaned_data["meet_at"]
        if meet_at <= timezone.now():
            raise ValidationError(_("约见时间须晚于现在"))
        return meet_at


class MeetingDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("婉拒理由（群众可见）"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("请填写婉拒理由"),
            "max_length": _("婉拒理由不能超过 1000 个字"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "decline")
        super().__init__(*args, **kwargs)
        _style(self)


class MeetingFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("状态"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [
            ("", _("待答复")),
            ("all", _("全部")),
            *[(s.value, s.label) for s in MeetingState if s != MeetingState.REQUESTED],
        ]
        self.fields["state"].error_messages["invalid_choice"] = _("筛选条件无效")
        _style(self)
