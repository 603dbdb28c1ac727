"""Forms of the report-to-voters pages (述职评议): the list's filters, scheduling and
editing the meeting, recording the report, issuing and voiding codes, entering paper
ballots, cancelling, and the voters' representative's phone ballot. Forms parse and
check what they can alone; the actions decide the rest (seats left, states)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from minqing.core import codes
from minqing.duties import selectors_reports as reads
from minqing.duties.actions.reports import CODE_LENGTH, MAX_REPRESENTATIVES
from minqing.duties.models import BallotChoice, ReportState
from minqing.people.models import Deputy
from minqing.stations.models import Station

# One print run: a bigger one takes WeasyPrint several seconds in the request.
MAX_SLIPS = 200


def _style(form: forms.Form) -> None:
    for f in form.fields.values():
        w = f.widget
        if isinstance(w, forms.RadioSelect | forms.CheckboxInput | forms.HiddenInput):
            continue
        css = "form-select" if isinstance(w, forms.Select) else "form-control"
        w.attrs.setdefault("class", css)


def _format(message, params: dict) -> str:
    return str(message) % params


# Messages of fields built at import: translated when shown, in the request's language.
_fmt = lazy(_format, str)


def _int_field(label, *, minimum: int, maximum: int, required: bool = True, **kw):
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        required=required,
        error_messages={
            "required": _fmt(_("请填写%(label)s"), {"label": label}),
            "invalid": _fmt(_("%(label)s须为整数"), {"label": label}),
            "min_value": _fmt(_("%(label)s不能小于 %(n)s"), {"label": label, "n": minimum}),
            "max_value": _fmt(_("%(label)s不能超过 %(n)s"), {"label": label, "n": maximum}),
        },
        **kw,
    )


# ---- list ------------------------------------------------------------------------


class ReportFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=40)
    when = forms.ChoiceField(
        label=_("时间"),
        required=False,
        choices=[("", _("全部会议")), ("upcoming", _("待召开")), ("past", _("已结束"))],
    )
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ReportState.choices]
    )
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年度"))] + [(y, str(y)) for y in years]
        self.fields["q"].widget.attrs["placeholder"] = _("会议名称或代表姓名")
        _style(self)

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid one is dropped, not an error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: data[k] for k in ("q", "when", "state", "year") if data.get(k)}


# ---- the meeting -------------------------------------------------------------------


class MeetingFields(forms.Form):
    title = forms.CharField(
        label=_("会议名称"),
        max_length=120,
        error_messages={
            "required": _("请填写会议名称"),
            "max_length": _("会议名称不能超过 120 个字"),
        },
    )
    date = forms.DateField(
        label=_("会议日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请填写会议日期"), "invalid": _("日期格式不正确")},
    )
    start_time = forms.TimeField(
        label=_("开始时间"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("时间格式不正确")},
    )
    place = forms.CharField(
        label=_("会议地点"),
        max_length=200,
        error_messages={
            "required": _("请填写会议地点"),
            "max_length": _("会议地点不能超过 200 个字"),
        },
    )
    voter_count = _int_field(
        _("选民代表人数"),
        minimum=1,
        maximum=MAX_REPRESENTATIVES,
        help_text=_("参加评议的选民代表人数：发放的测评码和录入的纸质票合计不能超过此数"),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _style(self)

    def meeting_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d[k] for k in ("title", "date", "start_time", "place", "voter_count")}


class ReportEditForm(MeetingFields):
    """Edit a scheduled meeting (the deputy and station stay)."""


class ReportCreateForm(MeetingFields):
    """Schedule a deputy's report: the deputy from the picker (the pool of
    ``selectors_reports.schedulable_deputies``), optionally a station the user runs."""

    deputy = forms.IntegerField(
        label=_("述职代表"),
        widget=forms.HiddenInput,
        error_messages={"required": _("请选择述职代表"), "invalid": _("请选择述职代表")},
    )
    station = forms.ModelChoiceField(
        label=_("联络站"),
        queryset=Station.objects.none(),
        required=False,
        empty_label=_("不在联络站举行（人大常委会组织）"),
        error_messages={
            "invalid_choice": _("请选择您负责的联络站"),
            "required": _("请选择举行述职会议的联络站"),
        },
    )

    field_order = ["deputy", "station", "title", "date", "start_time", "place", "voter_count"]

    def __init__(self, *args: Any, user, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["station"].queryset = reads.runnable_stations(user)
        if not reads.can_schedule_without_station(user):
            # Station staff hold meetings at their station only.
            self.fields["station"].required = True
            self.fields["station"].empty_label = None
        self.picked: Deputy | None = None

    def clean_deputy(self) -> Deputy:
        pk = self.cleaned_data["deputy"]
        deputy = reads.schedulable_deputies(self.user).filter(pk=pk).first()
        if deputy is None:
            raise ValidationError(_("请从您负责范围内的代表中选择述职代表"))
        self.picked = deputy
        return deputy

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        deputy, station = cleaned.get("deputy"), cleaned.get("station")
        if (
            deputy is not None
            and station is None
            and not reads.may_schedule_without_station(self.user, deputy)
        ):
            self.add_error("station", _("请选择举行述职会议的联络站"))
        return cleaned


# ---- the report and the ballots -----------------------------------------------------


class ReportTextForm(forms.Form):
    report_text = forms.CharField(
        label=_("述职报告"),
        min_length=20,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={
            "required": _("请填写述职报告"),
            "min_length": _("述职报告至少需要 20 个字"),
            "max_length": _("述职报告不能超过 20000 个字"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _style(self)


class IssueCodesForm(forms.Form):
    count = _int_field(_("发放数量"), minimum=1, maximum=MAX_SLIPS)

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "issue")
        super().__init__(*args, **kwargs)
        _style(self)


class VoidCodeForm(forms.Form):
    serial = _int_field(_("测评码序号"), minimum=1, maximum=1_000_000)
    reason = forms.CharField(
        label=_("作废原因"),
        max_length=100,
        error_messages={
            "required": _("请填写作废原因"),
            "max_length": _("作废原因不能超过 100 个字"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "void")
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["placeholder"] = _("如：测评码遗失、发错")
        _style(self)


class PaperBallotsForm(forms.Form):
    """Paper ballots counted at the meeting, by choice (废票: blank or marked twice)."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "paper")
        super().__init__(*args, **kwargs)
        for value, label in BallotChoice.choices:
            self.fields[value] = _int_field(
                label, minimum=0, maximum=MAX_REPRESENTATIVES, required=False, initial=0
            )
        _style(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(c) for c in BallotChoice.values):
            raise ValidationError(_("请填写票数"))
        return cleaned

    def counts(self) -> dict[str, int]:
        return {c: self.cleaned_data.get(c) or 0 for c in BallotChoice.values}


class CancelForm(forms.Form):
    note = forms.CharField(
        label=_("取消原因"),
        max_length=300,
        error_messages={
            "required": _("请填写取消原因"),
            "max_length": _("取消原因不能超过 300 个字"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "cancel")
        super().__init__(*args, **kwargs)
        _style(self)


# ---- the phone ballot ------------------------------------------------------------------


class VoteForm(forms.Form):
    """The voters' representative's code and, on the second step, their choice. Only an
    empty code is reported on the field; every other failure is one neutral message."""

    code = forms.CharField(
        label=_("测评码"),
        max_length=30,
        error_messages={"required": _("请填写测评码"), "max_length": _("请填写测评码")},
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg font-monospace",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "maxlength": str(CODE_LENGTH + 4),
            }
        ),
    )
    choice = forms.ChoiceField(
        label=_("评议意见"),
        required=False,
        choices=[c for c in BallotChoice.choices if c[0] != BallotChoice.VOID],
        widget=forms.RadioSelect(attrs={"class": "form-check-input mt-2"}),
    )

    def clean_code(self) -> str:
        return codes.normalise(self.cleaned_data["code"])
