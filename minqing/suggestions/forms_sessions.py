"""The form of the plenary sessions page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from minqing.people.models import Congress, Term


class SessionForm(forms.Form):
    congress = forms.ModelChoiceField(
        label=_("人民代表大会"),
        queryset=Congress.objects.none(),
        error_messages={
            "required": _("请选择人民代表大会"),
            "invalid_choice": _("请选择人民代表大会"),
        },
    )
    number = forms.IntegerField(
        label=_("会次"),
        min_value=1,
        max_value=99,
        error_messages={"required": _("请填写会次"), "invalid": _("会次须为数字")},
    )
    name = forms.CharField(
        label=_("会议名称"),
        max_length=120,
        help_text=_("如：澜州市第十六届人民代表大会第五次会议"),
        error_messages={"required": _("请填写会议名称")},
    )
    start_date = forms.DateField(
        label=_("开幕日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写开幕日期"), "invalid": _("日期格式不正确")},
    )
    end_date = forms.DateField(
        label=_("闭幕日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写闭幕日期"), "invalid": _("日期格式不正确")},
    )

    def __init__(self, *args, congresses=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["congress"]
            del self.fields["number"]
        else:
            self.fields["congress"].queryset = congresses

    def clean(self):
        data = super().clean()
        congress = data.get("congress")
        if congress is not None:
            term = Term.objects.filter(congress=congress, is_current=True).first()
            if term is None:
                self.add_error("congress", _("该人民代表大会没有本届届次，请先维护届次"))
            data["term"] = term
        return data
