"""Forms of the citizen's pages (phone, no account): raise an opinion, ask to meet a
deputy, look up a tracking code, rate a reply.

The field rules are those of ``validation`` (the actions check them again), so a
citizen sees each problem next to the field, in Chinese, before anything is stored.
Photos are only counted here: decoding them is expensive, so the view verifies them
with ``uploads.clean_photos`` once everything else is valid and the rate limit has
been passed.

The region picker's reads live here too (one query per page), as public helpers the
views and the form share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from minqing.core.models import Region, RegionLevel
from minqing.opinions import validation
from minqing.opinions.models import Kind, Satisfaction
from minqing.people.models import Deputy, DeputyStatus
from minqing.stations.models import Station, StationDeputy

CONSENT_TEXT = _("我同意将姓名和手机号码提供给办理单位，仅用于办理本事项和回访，不会公开显示。")
TOKEN_EXPIRED = _("页面已过期，请重新提交")
# Levels a citizen may pick for the place of the matter (grids are for staff).
PICK_TOP, PICK_BOTTOM = RegionLevel.PROVINCE, RegionLevel.VILLAGE

KIND_HINTS = {
    Kind.CONSULT: _("问政策、问办法"),
    Kind.HELP: _("遇到困难需要帮助"),
    Kind.COMPLAINT: _("对服务或处理不满"),
    Kind.REPORT: _("反映违法违规行为"),
    Kind.SUGGESTION: _("对工作提出建议"),
}


def _max_photos() -> int:
    return int(getattr(settings, "MINQING_PHOTO_MAX_COUNT", 6))


# --- widgets and fields ------------------------------------------------------------


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to ``MINQING_PHOTO_MAX_COUNT`` files, only counted here (see the module
    docstring: never a ``forms.ImageField``, which would decode before any check)."""

    widget = MultiplePhotoInput

    def clean(self, data: Any, initial: Any = None) -> list:
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        limit = _max_photos()
        if len(files) > limit:
            raise ValidationError(
                ngettext("最多上传 %(count)d 张照片", "最多上传 %(count)d 张照片", limit)
                % {"count": limit}
            )
        return files


def _required(message) -> dict:
    return {"required": message}


def _text_field(label, required_message, *, rows: int, **attrs: Any) -> forms.CharField:
    """The matter in the citizen's words, with the live character counter."""
    return forms.CharField(
        label=label,
        strip=False,
        error_messages=_required(required_message),
        widget=forms.Textarea(
            attrs={
                "rows": rows,
                "class": "form-control",
                "maxlength": str(validation.TEXT_MAX),
                "data-counter": str(validation.TEXT_MAX),
                **attrs,
            }
        ),
    )


def mark_invalid(form: forms.Form) -> None:
    """Flag the widgets of fields with errors (Bootstrap's red border, and for screen
    readers ``aria-invalid``); call after validation, before rendering."""
    if not form.is_bound:
        return
    for name in form.errors:
        if name in form.fields:
            attrs = form.fields[name].widget.attrs
            if "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()
            attrs["aria-invalid"] = "true"


# --- the opinion forms --------------------------------------------------------------


class CitizenFieldsMixin(forms.Form):
    """Name, mobile, consent and the idempotency token every citizen form carries."""

    citizen_name = forms.CharField(
        label=_("姓名"),
        max_length=100,
        error_messages={**_required(_("请填写姓名")), "max_length": _("姓名不能超过 40 个字")},
        widget=forms.TextInput(attrs={"autocomplete": "name", "class": "form-control"}),
    )
    citizen_phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        error_messages={
            **_required(_("请填写手机号码")),
            "max_length": _("请填写正确的 11 位手机号码"),
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "tel",
                "inputmode": "tel",
                "class": "form-control",
                "maxlength": "20",
            }
        ),
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages=_required(
            _("请阅读并同意个人信息处理说明，我们只把您的姓名和电话用于办理和回访")
        ),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    client_token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": TOKEN_EXPIRED, "invalid": TOKEN_EXPIRED},
    )

    def clean_citizen_name(self) -> str:
        return validation.clean_name(self.cleaned_data["citizen_name"])

    def clean_citizen_phone(self) -> str:
        return validation.clean_mobile(self.cleaned_data["citizen_phone"])


class OpinionForm(CitizenFieldsMixin):
    """What a citizen fills in to raise an opinion at a station (the station is known)."""

    field_order = [
        "text",
        "kind",
        "category",
        "photos",
        "address",
        "latitude",
        "longitude",
        "citizen_name",
        "citizen_phone",
        "consent",
    ]

    text = _text_field(
        _("反映内容"),
        _("请填写反映内容"),
        rows=6,
        placeholder=_("请写清楚什么事、在哪里、希望怎样解决"),
    )
    kind = forms.ChoiceField(
        label=_("反映类型"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择反映类型：咨询、求助、投诉、举报或建议"),
            "invalid_choice": _("请选择反映类型：咨询、求助、投诉、举报或建议"),
        },
    )
    category = forms.ChoiceField(
        label=_("分类（可不选）"),
        required=False,
        choices=(),
        error_messages={"invalid_choice": _("所选分类不存在")},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    photos = PhotosField(
        label=_("照片（可不传）"),
        required=False,
        widget=MultiplePhotoInput(
            attrs={
                "accept": "image/jpeg,image/png,image/webp",
                "capture": "environment",
                "class": "form-control",
            }
        ),
    )
    address = forms.CharField(
        label=_("事发地址（可不填）"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("地址不能超过 200 个字")},
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    latitude = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)

    def __init__(self, *args: Any, categories: list[dict] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [("", _g("不确定，由工作人员分类"))]
        choices += [(c["code"], c["name"]) for c in categories or []]
        self.fields["category"].choices = choices
        self.fields["photos"].widget.attrs["data-max-files"] = str(_max_photos())

    def kind_radios(self) -> list[tuple[Any, str]]:
        """The type's radio buttons with a one-line hint each, for the big buttons."""
        return [(radio, KIND_HINTS.get(radio.data["value"], "")) for radio in self["kind"]]

    @property
    def max_photos(self) -> int:
        return _max_photos()

    def clean_text(self) -> str:
        return validation.clean_text(self.cleaned_data["text"])

    def clean_latitude(self):
        return validation.clean_coordinate(self.cleaned_data["latitude"], low=-90, high=90)

    def clean_longitude(self):
        return validation.clean_coordinate(self.cleaned_data["longitude"], low=-180, high=180)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        both = "latitude" in data and "longitude" in data
        if both and (data["latitude"] is None) != (data["longitude"] is None):
            self.add_error("longitude", _g("经度和纬度须同时填写"))
        return data

    def intake_data(self, photos: list) -> dict:
        """The ``data`` argument of ``actions.opinion_submit``."""
        d = self.cleaned_data
        return {
            "text": d["text"],
            "kind": d["kind"],
            "category": d.get("category") or "",
            "address": d.get("address") or "",
            "latitude": d.get("latitude"),
            "longitude": d.get("longitude"),
            "citizen_name": d["citizen_name"],
            "citizen_phone": d["citizen_phone"],
            "consent": d["consent"],
            "photos": photos,
        }

    @property
    def photos_chosen(self) -> bool:
        return bool(self.files.getlist("photos")) if self.is_bound else False


class WebOpinionForm(OpinionForm):
    """The general web form: the citizen also says where the matter is."""

    region = forms.CharField(
        label=_("事项所在区域"),
        max_length=24,
        error_messages=_required(_("请选择事项所在的区域")),
        widget=forms.HiddenInput,
    )

    field_order = ["region", *OpinionForm.field_order]

    def clean_region(self) -> Region:
        region = region_for_pick(self.cleaned_data["region"])
        if region is None:
            raise ValidationError(_g("请选择事项所在的区域"))
        if region.level < RegionLevel.COUNTY and has_pickable_children(region):
            raise ValidationError(_g("请继续选择下一级区域（至少选到区县）"))
        return region


class MeetForm(CitizenFieldsMixin):
    """A request to meet a deputy of a station (约见代表)."""

    field_order = ["deputy", "preferred_time", "text", "citizen_name", "citizen_phone", "consent"]

    deputy = forms.ChoiceField(
        label=_("约见代表"),
        required=False,
        choices=(),
        error_messages={"invalid_choice": _("该代表不在本联络站")},
        widget=forms.RadioSelect,
    )
    preferred_time = forms.CharField(
        label=_("希望时间（可不填）"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("希望时间不能超过 100 个字")},
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("如：下周三上午、任一接待日")}
        ),
    )
    text = _text_field(_("想和代表谈的事情"), _("请填写想和代表谈的事情"), rows=5)

    def __init__(self, *args: Any, deputies: list[Deputy], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._deputies = {str(d.pk): d for d in deputies}
        self.fields["deputy"].choices = [
            ("", _g("任一代表")),
            *[(str(d.pk), d.name) for d in deputies],
        ]

    def clean_text(self) -> str:
        return validation.clean_text(self.cleaned_data["text"], label=_g("约见事由"))

    def clean_deputy(self) -> Deputy | None:
        value = self.cleaned_data.get("deputy")
        return self._deputies[value] if value else None


class TrackForm(forms.Form):
    """Tracking code and the last four digits of the phone. Only emptiness is reported
    per field; every other failure is one neutral message (the code's existence is
    never revealed)."""

    code = forms.CharField(
        label=_("查询码"),
        max_length=30,
        error_messages={**_required(_("请填写查询码")), "max_length": _("查询码格式不正确")},
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg font-monospace",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )
    last4 = forms.CharField(
        label=_("手机号码后四位"),
        max_length=10,
        error_messages={
            **_required(_("请填写手机号码后四位")),
            "max_length": _("请填写手机号码后四位"),
        },
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg",
                "inputmode": "numeric",
                "autocomplete": "off",
                "maxlength": "4",
                "pattern": "[0-9]{4}",
            }
        ),
    )


class RateForm(forms.Form):
    """The citizen's rating of the latest reply."""

    level = forms.ChoiceField(
        label=_("您对答复的评价"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择满意、基本满意或不满意"),
            "invalid_choice": _("请选择满意、基本满意或不满意"),
        },
    )
    comment = forms.CharField(
        label=_("评价意见"),
        required=False,
        max_length=500,
        error_messages={"max_length": _("评价意见不能超过 500 个字")},
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control", "maxlength": "500"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        comment = validation.normalise_text(data.get("comment") or "")
        data["comment"] = comment
        if data.get("level") == Satisfaction.UNSATISFIED and not comment:
            self.add_error("comment", _g("请说明不满意的原因，便于重新办理"))
        return data


# --- reads for the pages (public data only) -----------------------------------------


@dataclass(frozen=True)
class PickLevel:
    """One select of the region picker: its options and the chosen code ("" if none).
    ``parent_code`` is the value of the "请选择" option, so choosing it goes back up."""

    options: list[Region]
    selected: str
    parent_code: str


def region_for_pick(code: str) -> Region | None:
    """The active region a citizen may pick (province down to village), or None."""
    code = (code or "").strip()
    if not code or len(code) > 24:
        return None
    return Region.objects.filter(
        code=code, is_active=True, level__gte=PICK_TOP, level__lte=PICK_BOTTOM
    ).first()


def has_pickable_children(region: Region) -> bool:
    return region.children.filter(is_active=True, level__lte=PICK_BOTTOM).exists()


def region_chain(region: Region | None) -> list[PickLevel]:
    """The selects of the cascading picker for ``region``: the provinces, then the
    siblings at each level down to ``region``, then its children (if any) to choose
    from next. Two queries whatever the depth."""
    ancestors: list[Region] = []
    if region is not None:
        ancestors = list(
            Region.objects.filter(
                code__in=region.ancestor_codes, level__gte=PICK_TOP, level__lte=PICK_BOTTOM
            ).order_by("level")
        )
    parent_ids = [a.pk for a in ancestors]
    qs = Region.objects.filter(is_active=True, level__lte=PICK_BOTTOM).only(
        "pk", "code", "name", "level", "parent_id"
    )
    rows = list(qs.filter(Q(level=PICK_TOP) | Q(parent_id__in=parent_ids)).order_by("code"))
    by_parent: dict[int | None, list[Region]] = {}
    provinces: list[Region] = []
    for r in rows:
        if r.level == PICK_TOP:
            provinces.append(r)
        elif r.parent_id in parent_ids:
            by_parent.setdefault(r.parent_id, []).append(r)
    levels = [PickLevel(provinces, ancestors[0].code if ancestors else "", "")]
    for i, a in enumerate(ancestors):
        children = by_parent.get(a.pk, [])
        if not children:
            break
        chosen = ancestors[i + 1].code if i + 1 < len(ancestors) else ""
        levels.append(PickLevel(children, chosen, a.code))
    return levels


def default_pick() -> Region | None:
    """Where the picker starts: the only province when the site serves one."""
    provinces = list(Region.objects.filter(is_active=True, level=PICK_TOP).order_by("code")[:2])
    return provinces[0] if len(provinces) == 1 else None


def station_deputies(station: Station) -> list[Deputy]:
    """The serving deputies of ``station`` a citizen may ask for, by public name only
    (the template shows ``name``; contact data stays in DeputyContact). One query."""
    rows = (
        StationDeputy.objects.filter(station=station, deputy__status=DeputyStatus.ACTIVE)
        .select_related("deputy")
        .order_by("-is_convener", "deputy__level", "deputy__name", "deputy__pk")
    )
    return [m.deputy for m in rows]
