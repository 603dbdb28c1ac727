"""Forms of the duty record and points pages: a points rule, the rankings filter, a
withdrawal, an award. Values are checked again by the actions (Chinese messages mapped
back onto these fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minqing.people.models import CongressLevel

REQUIRED = gettext_lazy("此项为必填项")


def _required(field: forms.Field, message: Any = REQUIRED) -> forms.Field:
    field.error_messages["required"] = message
    return field


class RuleForm(forms.Form):
    """What one source is worth in a region: points per occurrence and a yearly cap."""

    points = forms.CharField(label=gettext_lazy("每次分值"), max_length=10)
    annual_cap = forms.CharField(
        label=gettext_lazy("年度上限"),
        max_length=10,
        required=False,
        help_text=gettext_lazy("留空表示不设上限"),
    )

    def __init__(self, *args: Any, negative: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _required(self.fields["points"], _("请填写每次分值"))
        if negative:
            # A deduction has no yearly cap (actions.points_rule_set refuses one).
            del self.fields["annual_cap"]
            self.fields["points"].help_text = _("扣分项目填负数（如 -5），不设年度上限")
        for f in self.fields.values():
            f.widget.attrs.update({"class": "form-control", "inputmode": "decimal"})
            f.error_messages["max_length"] = _("数值过长")


class RankingFilterForm(forms.Form):
    """The rankings page's choices (GET). An invalid value falls back to the default."""

    region = forms.ChoiceField(label=gettext_lazy("区域"), required=False)
    level = forms.TypedChoiceField(
        label=gettext_lazy("代表层级"), required=False, coerce=int, empty_value=None
    )
    group = forms.TypedChoiceField(
        label=gettext_lazy("代表小组"), required=False, coerce=int, empty_value=None
    )
    year = forms.TypedChoiceField(
        label=gettext_lazy("年度"), required=False, coerce=int, empty_value=None
    )
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("季度"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self, *args: Any, regions: list, groups: list, this_year: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.congress.name) for r in regions]
        self.fields["level"].choices = list(CongressLevel.choices)
        self.fields["group"].choices = [("", _("全部代表（不分小组）"))] + [
            (g.pk, g.name) for g in groups
        ]
        self.fields["year"].choices = [
            (y, _("%(y)s年") % {"y": y}) for y in range(this_year, this_year - 5, -1)
        ]
        self.fields["quarter"].choices = [(q, _("第%(q)s季度") % {"q": q}) for q in (1, 2, 3, 4)]
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select"

    def value(self, name: str) -> Any:
        """The cleaned value of ``name``, or None when it was missing or invalid."""
        if not self.is_bound:
            return None
        self.is_valid()
        if name in self.errors:
            return None
        return getattr(self, "cleaned_data", {}).get(name)


class WithdrawForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("撤回原因"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _required(self.fields["note"], _("请填写撤回原因"))
        self.fields["note"].error_messages["max_length"] = _("撤回原因不能超过 300 个字")


class AwardForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("表彰名称"), max_length=120)
    issuer = forms.CharField(label=gettext_lazy("授予单位"), max_length=100)
    date = forms.DateField(
        label=gettext_lazy("表彰日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=gettext_lazy("说明"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        messages = {
            "title": _("请填写表彰名称"),
            "issuer": _("请填写授予单位"),
            "date": _("请填写表彰日期"),
        }
        for name, message in messages.items():
            _required(self.fields[name], message)
        self.fields["date"].error_messages["invalid"] = _("请填写有效的日期")
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control"
            if isinstance(f, forms.CharField):
                f.error_messages["max_length"] = _("%(label)s过长") % {"label": f.label}
