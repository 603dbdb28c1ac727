"""Forms of the people pages: parsing only. Actions do the checks that need the
database and raise ValidationError keyed by field, which ``core.web.apply_errors``
puts back on the form."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minqing.accounts.models import User
from minqing.core.models import Region
from minqing.people.models import (
    CongressLevel,
    DeputyStatus,
    Gender,
    GroupKind,
    HandlingUnit,
    Term,
    UnitKind,
)

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


class RegionChoiceField(forms.ModelChoiceField):
    """Regions shown as an indented tree: "　　江滨街道"."""

    def label_from_instance(self, obj: Region) -> str:
        depth = max(0, obj.path.count("/") - 2)
        return "\u3000" * depth + obj.name


class TermChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Term) -> str:
        names = {"c": obj.congress.name, "n": obj.number}
        if obj.is_current:
            return gettext("%(c)s第%(n)s届") % names
        return gettext("%(c)s第%(n)s届（往届）") % names


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: HandlingUnit) -> str:
        return gettext("%(unit)s（%(region)s）") % {"unit": obj.name, "region": obj.region.name}


class StyledForm(forms.Form):
    """Adds the Bootstrap classes the templates expect to every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css


class DeputyForm(StyledForm):
    term = TermChoiceField(label=_("届次"), queryset=Term.objects.none())
    region = RegionChoiceField(label=_("选区所在区域"), queryset=Region.objects.none())
    name = forms.CharField(label=_("姓名"), max_length=40)
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices)
    deputy_number = forms.CharField(label=_("代表证号"), max_length=30)
    constituency = forms.CharField(label=_("选区/选举单位"), max_length=100, required=False)
    sector = forms.CharField(label=_("界别/行业"), max_length=40, required=False)
    occupation = forms.CharField(label=_("工作单位及职务"), max_length=200, required=False)
    ethnicity = forms.CharField(label=_("民族"), max_length=20, required=False, initial="汉族")
    birth_year = forms.IntegerField(
        label=_("出生年份"), required=False, min_value=1900, max_value=2100
    )
    party = forms.CharField(label=_("政治面貌"), max_length=30, required=False)
    bio = forms.CharField(label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, terms=None, regions=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if terms is not None:
            self.fields["term"].queryset = terms
        if regions is not None:
            self.fields["region"].queryset = regions
        if editing:
            # The term is fixed once a deputy exists: a new term means a new record.
            del self.fields["term"]


class ContactForm(StyledForm):
    """Private contact data, shown only to holders of people.view_deputy_contact."""

    prefix = "contact"

    mobile = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        error_messages={"invalid": _("电子邮箱格式不正确")},
    )
    address = forms.CharField(label=_("通讯地址"), max_length=200, required=False)

    def clean_mobile(self) -> str:
        value = re.sub(r"[\s\-]", "", self.cleaned_data["mobile"])
        if value and not MOBILE_RE.match(value):
            raise ValidationError(_("手机号码应为 11 位中国大陆手机号"))
        return value


class DeputyFilterForm(StyledForm):
    q = forms.CharField(label=_("姓名或代表证号"), required=False)
    level = forms.TypedChoiceField(
        label=_("层级"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("全部层级")), *CongressLevel.choices],
    )
    term = TermChoiceField(
        label=_("届次"), required=False, queryset=Term.objects.none(), empty_label=_("全部届次")
    )
    region = RegionChoiceField(
        label=_("区域"),
        required=False,
        queryset=Region.objects.none(),
        to_field_name="code",
        empty_label=_("全部区域"),
    )
    sector = forms.ChoiceField(label=_("界别/行业"), required=False)
    group = forms.IntegerField(label=_("代表小组"), required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *DeputyStatus.choices]
    )

    def __init__(self, *args, terms, regions, sectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms
        self.fields["region"].queryset = regions
        self.fields["sector"].choices = [("", _("全部界别")), *((s, s) for s in sectors)]


class UnitForm(StyledForm):
    name = forms.CharField(label=_("单位名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("类别"), choices=UnitKind.choices)
    region = RegionChoiceField(label=_("所属区域"), queryset=Region.objects.none())
    parent = UnitChoiceField(
        label=_("上级单位"), queryset=HandlingUnit.objects.none(), required=False
    )
    phone = forms.CharField(label=_("办公电话"), max_length=30, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)

    def __init__(self, *args, regions, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["parent"].queryset = parents


class UnitFilterForm(StyledForm):
    q = forms.CharField(label=_("单位名称"), required=False)
    region = RegionChoiceField(
        label=_("区域"),
        required=False,
        queryset=Region.objects.none(),
        to_field_name="code",
        empty_label=_("全部区域"),
    )
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *UnitKind.choices]
    )
    active = forms.TypedChoiceField(
        label=_("状态"),
        required=False,
        coerce=lambda v: v == "1",
        empty_value=None,
        choices=[("", _("全部")), ("1", _("有效")), ("0", _("已停用"))],
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class GroupForm(StyledForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=GroupKind.choices)
    region = RegionChoiceField(label=_("所属区域"), queryset=Region.objects.none())
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, regions=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions
        if editing:
            del self.fields["region"]


class GroupFilterForm(StyledForm):
    q = forms.CharField(label=_("小组名称"), required=False)
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型")), *GroupKind.choices]
    )


class UsernameForm(StyledForm):
    """Pick an existing login account by user name (unit staff, deputy account)."""

    username = forms.CharField(label=_("登录用户名"), max_length=150)

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise ValidationError(_("没有这个用户名的账号")) from None


class ImportForm(StyledForm):
    file = forms.FileField(
        label=_("文件"),
        help_text=_("Excel (.xlsx) 或 CSV 文件，第一行为表头"),
        error_messages={"required": _("请选择要上传的文件")},
    )


class DeputyImportForm(ImportForm):
    term = TermChoiceField(label=_("导入到届次"), queryset=Term.objects.none())
    field_order = ["term", "file"]

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms


class UnitImportForm(ImportForm):
    region = RegionChoiceField(label=_("导入到区域"), queryset=Region.objects.none())
    field_order = ["region", "file"]

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
