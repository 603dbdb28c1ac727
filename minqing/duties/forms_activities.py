"""Forms of the activity pages (履职活动).

They parse and check input with the rules the actions apply (the same limits and the
same Chinese messages) and hand the actions model objects and clean uploads; the
actions decide. Field names match the keys of the actions' ValidationError dicts
(``title``, ``date``, ``deputies``, ``photos``, ``attendance`` …) so
``core.web.apply_errors`` puts a refusal next to its field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minqing.duties import selectors_activities as reads
from minqing.duties.actions.activities import PHOTO_LIMIT
from minqing.duties.models import (
    Activity,
    ActivityKind,
    ActivityState,
    Attendance,
    MeetingType,
    ParticipationState,
)
from minqing.opinions import uploads
from minqing.people.models import Deputy

REQUIRED = _("此项为必填项")
INVALID_FILTER = _("筛选条件无效")
INVALID_DATE = _("请填写正确的日期，例如 2026-03-01")
REPORT_LIMIT = 3
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
REPORT_ACCEPT = ".pdf,.jpg,.jpeg,.png,.webp"
BAD_DEPUTY = _("所选代表不存在或不在您可以选择的范围内")


# --- helpers -------------------------------------------------------------------------------


def _style(form: forms.Form) -> None:
    """Bootstrap classes on every widget, so templates stay free of widget tweaks."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput | forms.MultipleHiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


class MarkInvalid:
    """Adds Bootstrap's ``is-invalid`` to the widget of every field that gets an error,
    from validation or from an action's refusal (``apply_errors``)."""

    def add_error(self, field, error) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        names = [field] if field else []
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            names = list(error.error_dict)
        for name in names:
            f = self.fields.get(name)  # type: ignore[attr-defined]
            if f is None:
                continue
            css = f.widget.attrs.get("class", "")
            if "is-invalid" not in css:
                f.widget.attrs["class"] = f"{css} is-invalid".strip()


def _text(label, *, max_length: int, min_length: int = 0, rows: int = 0, required=True):
    return forms.CharField(
        label=label,
        required=required,
        min_length=min_length or None,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput,
        error_messages={
            "required": REQUIRED,
            "max_length": _("不能超过 %(limit_value)d 个字（现在 %(show_value)d 个字）"),
            "min_length": _("至少填写 %(limit_value)d 个字（现在 %(show_value)d 个字）"),
        },
    )


def _date(label, *, required: bool = True):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": REQUIRED, "invalid": INVALID_DATE},
    )


def deputy_label(deputy: Deputy) -> str:
    return gettext("%(name)s（代表证号 %(number)s）") % {
        "name": deputy.name,
        "number": deputy.deputy_number,
    }


def _ids(raw: Any) -> list[int]:
    out = []
    for value in raw or []:
        try:
            out.append(int(getattr(value, "pk", value)))
        except (TypeError, ValueError):
            continue
    return out


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class _FilesField(forms.Field):
    """Several uploads in one input, handed raw to an ``opinions.uploads`` check (the
    bytes decide the type, never the name); every refused file is named in one
    message."""

    widget = MultipleFileInput
    accept = ""

    def __init__(self, *, max_count: int, **kwargs: Any) -> None:
        self.max_count = max_count
        super().__init__(required=False, **kwargs)
        self.widget.attrs.update({"multiple": True, "accept": self.accept})

    def to_python(self, data: Any) -> list:
        if not data:
            return []
        return [f for f in data if f] if isinstance(data, list | tuple) else [data]

    def check(self, files: list) -> list:
        raise NotImplementedError

    def clean(self, data: Any, initial: Any = None) -> list:
        files = self.to_python(data)
        return self.check(files) if files else []


class PhotosField(_FilesField):
    accept = PHOTO_ACCEPT

    def check(self, files: list) -> list:
        return uploads.clean_photos(files, max_count=self.max_count)


class ReportsField(_FilesField):
    accept = REPORT_ACCEPT

    def check(self, files: list) -> list:
        if len(files) > self.max_count:
            raise ValidationError(gettext("最多上传 %(n)s 份报告") % {"n": self.max_count})
        return uploads.clean_attachments(files)


def _photos_field():
    return PhotosField(
        label=_("活动照片"),
        max_count=PHOTO_LIMIT,
        help_text=_("最多 9 张 JPEG、PNG 或 WebP 照片"),
    )


def _reports_field():
    return ReportsField(
        label=_("活动报告"),
        max_count=REPORT_LIMIT,
        help_text=_("调研报告、活动总结等，PDF 或图片，最多 3 份"),
    )


def _deputies_field(label, required_message):
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=Deputy.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": required_message,
            "invalid_choice": BAD_DEPUTY,
            "invalid_pk_value": BAD_DEPUTY,
        },
    )


# --- the activity's fields -------------------------------------------------------------------


class ActivityFieldsForm(MarkInvalid, forms.Form):
    """The fields every activity has (the ``data`` of the actions)."""

    kind = forms.ChoiceField(
        label=_("活动类型"),
        choices=[("", _("请选择活动类型")), *ActivityKind.choices],
        error_messages={"required": _("请选择活动类型"), "invalid_choice": _("请选择活动类型")},
    )
    meeting_type = forms.ChoiceField(
        label=_("会议类型"),
        required=False,
        choices=[("", _("请选择会议类型")), *MeetingType.choices],
        error_messages={"invalid_choice": _("请选择会议类型")},
    )
    title = _text(_("活动名称"), max_length=120)
    date = _date(_("活动日期"))
    end_date = _date(_("结束日期"), required=False)
    place = _text(_("活动地点"), max_length=200, required=False)
    summary = _text(_("活动内容"), max_length=5000, rows=5, required=False)

    DATA_KEYS = ("title", "date", "end_date", "place", "summary", "meeting_type")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["placeholder"] = _("例如：视察老旧小区加装电梯工作")

    def kind_value(self) -> str:
        return self.cleaned_data.get("kind", "")

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于活动日期"))
        if self.kind_value() == ActivityKind.MEETING:
            if not data.get("meeting_type"):
                self.add_error("meeting_type", _("请选择会议类型"))
        else:
            data["meeting_type"] = ""
        return data

    def action_data(self) -> dict[str, Any]:
        """The ``data`` dict of ``activity_record`` / ``activity_report`` /
        ``activity_update``."""
        return {k: self.cleaned_data.get(k) for k in self.DATA_KEYS}


class RecordForm(ActivityFieldsForm):
    """An organiser records an activity: who organises it (the office in a region, a
    station, a group), the deputies taking part and, for meetings, each one's
    attendance (``attendance_<deputy pk>``)."""

    organiser = forms.ChoiceField(
        label=_("组织方"),
        error_messages={
            "required": _("请选择组织方"),
            "invalid_choice": _("请选择您可以登记活动的区域、联络站或代表小组"),
        },
    )
    deputies = _deputies_field(_("参加代表"), _("请至少选择一名参加代表"))
    photos = _photos_field()
    reports = _reports_field()

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.regions = {str(r.pk): r for r in reads.office_regions(user)}
        self.stations = {str(s.pk): s for s in reads.organiser_stations(user)}
        self.groups = {str(g.pk): g for g in reads.organiser_groups(user)}
        choices: list = []
        for label, prefix, objects in (
            (gettext("人大机关（按区域）"), "region", self.regions),
            (gettext("联络站"), "station", self.stations),
            (gettext("代表小组"), "group", self.groups),
        ):
            if objects:
                choices.append((label, [(f"{prefix}:{k}", str(v)) for k, v in objects.items()]))
        count = sum(len(c[1]) for c in choices)
        if count != 1:
            choices.insert(0, ("", gettext("请选择组织方")))
        self.fields["organiser"].choices = choices
        self.fields["deputies"].queryset = reads.pickable_deputies(user)
        _style(self)

    def clean_organiser(self) -> dict[str, Any]:
        prefix, _sep, key = self.cleaned_data["organiser"].partition(":")
        pool = {"region": self.regions, "station": self.stations, "group": self.groups}
        obj = pool.get(prefix, {}).get(key)
        if obj is None:
            raise ValidationError(self.fields["organiser"].error_messages["invalid_choice"])
        return {prefix: obj}

    def clean(self) -> dict:
        data = super().clean()
        deputies = data.get("deputies") or []
        attendance: dict[int, str] = {}
        if self.kind_value() == ActivityKind.MEETING:
            for d in deputies:
                value = self.data.get(f"attendance_{d.pk}") or Attendance.PRESENT
                if value not in Attendance.values:
                    self.add_error("deputies", _("出席情况无效"))
                    break
                attendance[d.pk] = value
        data["attendance"] = attendance
        return data

    def action_kwargs(self) -> dict[str, Any]:
        """Everything ``activity_record`` takes besides the actor."""
        d = self.cleaned_data
        organiser = d["organiser"]
        return {
            "kind": d["kind"],
            "data": self.action_data(),
            "deputies": list(d["deputies"]),
            "attendance": d["attendance"],
            "station": organiser.get("station"),
            "group": organiser.get("group"),
            "region": organiser.get("region"),
            "photos": d.get("photos") or [],
            "reports": d.get("reports") or [],
        }

    def picked(self) -> list[tuple[Deputy, str]]:
        """The chosen deputies with their attendance, to show again after an error."""
        if not self.is_bound:
            return []
        ids = _ids(self.data.getlist("deputies"))
        found = list(self.fields["deputies"].queryset.filter(pk__in=ids)) if ids else []
        return [(d, self.data.get(f"attendance_{d.pk}") or Attendance.PRESENT) for d in found]


class ReportForm(ActivityFieldsForm):
    """A deputy records their own activity for approval, optionally at one of their
    stations or with one of their groups, with the deputies who took part with them."""

    where = forms.ChoiceField(
        label=_("所在联络站或代表小组"),
        required=False,
        error_messages={"invalid_choice": _("请选择您所在的联络站或代表小组")},
    )
    deputies = _deputies_field(_("同行代表"), REQUIRED)
    photos = _photos_field()
    reports = _reports_field()

    def __init__(self, *args: Any, user, deputy: Deputy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deputy = deputy
        self.fields["kind"].choices = [
            c for c in self.fields["kind"].choices if c[0] != ActivityKind.MEETING
        ]
        del self.fields["meeting_type"]
        self.stations = {str(s.pk): s for s in reads.report_stations(deputy)}
        self.groups = {str(g.pk): g for g in reads.report_groups(deputy)}
        choices: list = [("", gettext("不选择（由本人所在区域的人大机关审核）"))]
        if self.stations:
            choices.append(
                (gettext("联络站"), [(f"station:{k}", str(v)) for k, v in self.stations.items()])
            )
        if self.groups:
            choices.append(
                (gettext("代表小组"), [(f"group:{k}", str(v)) for k, v in self.groups.items()])
            )
        self.fields["where"].choices = choices
        self.fields["where"].help_text = _("所选联络站的工作人员或代表小组组长审核您的登记")
        self.fields["deputies"].required = False
        self.fields["deputies"].queryset = reads.pickable_deputies(user).exclude(pk=deputy.pk)
        _style(self)

    def clean_where(self) -> dict[str, Any]:
        value = self.cleaned_data.get("where") or ""
        if not value:
            return {}
        prefix, _sep, key = value.partition(":")
        obj = {"station": self.stations, "group": self.groups}.get(prefix, {}).get(key)
        if obj is None:
            raise ValidationError(self.fields["where"].error_messages["invalid_choice"])
        return {prefix: obj}

    def action_kwargs(self) -> dict[str, Any]:
        """Everything ``activity_report`` takes besides the actor."""
        d = self.cleaned_data
        where = d.get("where") or {}
        return {
            "kind": d["kind"],
            "data": self.action_data(),
            "station": where.get("station"),
            "group": where.get("group"),
            "codeputies": list(d.get("deputies") or []),
            "photos": d.get("photos") or [],
            "reports": d.get("reports") or [],
        }

    def picked(self) -> list[tuple[Deputy, str]]:
        if not self.is_bound:
            return []
        ids = _ids(self.data.getlist("deputies"))
        found = list(self.fields["deputies"].queryset.filter(pk__in=ids)) if ids else []
        return [(d, Attendance.PRESENT) for d in found]


class EditForm(ActivityFieldsForm):
    """Correct an activity's fields; its kind stays."""

    def __init__(self, *args: Any, activity: Activity, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "kind": activity.kind,
                **{k: getattr(activity, k) for k in self.DATA_KEYS},
            },
        )
        super().__init__(*args, **kwargs)
        self.activity = activity
        del self.fields["kind"]
        if activity.kind != ActivityKind.MEETING:
            del self.fields["meeting_type"]
        _style(self)

    def kind_value(self) -> str:
        return self.activity.kind


# --- the steps on the activity page -----------------------------------------------------------


class AttachForm(MarkInvalid, forms.Form):
    photos = _photos_field()
    reports = _reports_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not data.get("photos") and not data.get("reports"):
            self.add_error("photos", _("请选择要上传的照片或报告"))
        return data


class NoteForm(MarkInvalid, forms.Form):
    """A note, reason or explanation: its label and minimum length follow the action
    it goes to (``LABEL``, ``MIN``; ``MIN`` 0: optional)."""

    LABEL = _("说明")
    MIN = 0

    note = forms.CharField(label=_("说明"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["note"]
        field.label = self.LABEL
        field.required = self.MIN > 0
        field.widget = forms.Textarea(attrs={"rows": 2, "maxlength": 300})
        if self.MIN:
            field.validators = [*field.validators, _MinLength(self.MIN, self.LABEL)]
        field.error_messages = {
            "required": gettext("请填写%(label)s") % {"label": self.LABEL},
            "max_length": _("不能超过 %(limit_value)d 个字（现在 %(show_value)d 个字）"),
        }
        _style(self)


class _MinLength:
    code = "min_length"

    def __init__(self, n: int, label) -> None:
        self.n, self.label = n, label

    def __call__(self, value: str) -> None:
        if len((value or "").strip()) < self.n:
            raise ValidationError(
                gettext("请填写%(label)s（至少 %(n)s 个字）") % {"label": self.label, "n": self.n},
                code="min_length",
            )


class ApproveForm(NoteForm):
    LABEL = _("审核意见")


class RejectForm(NoteForm):
    LABEL = _("退回理由")
    MIN = 5


class CancelForm(NoteForm):
    LABEL = _("撤销理由")
    MIN = 2


class DisputeForm(NoteForm):
    LABEL = _("异议理由")
    MIN = 5


class UpholdForm(NoteForm):
    LABEL = _("说明")
    MIN = 5


class RemoveForm(NoteForm):
    LABEL = _("说明")


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(
        label=_("出席情况"),
        choices=Attendance.choices,
        error_messages={"required": _("出席情况无效"), "invalid_choice": _("出席情况无效")},
    )


class AddDeputiesForm(MarkInvalid, forms.Form):
    """The organiser adds deputies to a recorded activity, all with one attendance."""

    deputies = _deputies_field(_("添加代表"), _("请至少选择一名参加代表"))
    attendance = forms.ChoiceField(
        label=_("出席情况"),
        choices=Attendance.choices,
        initial=Attendance.PRESENT,
        error_messages={"required": _("出席情况无效"), "invalid_choice": _("出席情况无效")},
    )

    def __init__(self, *args: Any, user, activity: Activity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        listed = [
            p.deputy_id
            for p in activity.participations.all()
            if p.state != ParticipationState.REMOVED
        ]
        self.fields["deputies"].queryset = reads.pickable_deputies(user).exclude(pk__in=listed)
        _style(self)

    def picked(self) -> list[tuple[Deputy, str]]:
        if not self.is_bound:
            return []
        ids = _ids(self.data.getlist("deputies"))
        found = list(self.fields["deputies"].queryset.filter(pk__in=ids)) if ids else []
        return [(d, Attendance.PRESENT) for d in found]


# --- the list's filters ------------------------------------------------------------------------


def _all(label) -> list[tuple[str, str]]:
    return [("", label)]


class FilterForm(forms.Form):
    """Filters of the activity list (GET). An invalid value is named and ignored."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("活动类型"),
        required=False,
        choices=_all(_("全部类型")) + list(ActivityKind.choices),
        error_messages={"invalid_choice": INVALID_FILTER},
    )
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=_all(_("全部状态")) + list(ActivityState.choices),
        error_messages={"invalid_choice": INVALID_FILTER},
    )
    station = forms.ModelChoiceField(
        label=_("联络站"),
        required=False,
        queryset=None,
        empty_label=_("全部联络站"),
        error_messages={"invalid_choice": INVALID_FILTER},
    )
    group = forms.ModelChoiceField(
        label=_("代表小组"),
        required=False,
        queryset=None,
        empty_label=_("全部代表小组"),
        error_messages={"invalid_choice": INVALID_FILTER},
    )
    date_from = forms.DateField(
        label=_("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": INVALID_FILTER},
    )
    date_to = forms.DateField(
        label=_("结束日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": INVALID_FILTER},
    )

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = reads.filter_stations(user)
        self.fields["group"].queryset = reads.filter_groups(user)
        self.fields["q"].widget.attrs["placeholder"] = _("活动名称或地点")
        self.fields["q"].widget.input_type = "search"
        for name in ("date_from", "date_to"):
            self.fields[name].widget.attrs["aria-label"] = self.fields[name].label
        _style(self)

    def params(self) -> dict[str, Any]:
        """The valid filters as ``filter_activities`` keywords."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "kind": data.get("kind") or "",
            "state": data.get("state") or "",
            "station": data.get("station"),
            "group": data.get("group"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


__all__ = [
    "ActivityFieldsForm",
    "AddDeputiesForm",
    "ApproveForm",
    "AttachForm",
    "AttendanceForm",
    "CancelForm",
    "DisputeForm",
    "EditForm",
    "FilterForm",
    "NoteForm",
    "RecordForm",
    "RejectForm",
    "RemoveForm",
    "ReportForm",
    "UpholdForm",
    "deputy_label",
]
