"""Forms of the handling units' (承办单位) pages of the motion and suggestion workflow,
and the context of the unit's action panel that the item's detail page includes:

    context |= unit_panel_context(request, view)   # view: selectors.DetailView

The panel has one block per part the reader's unit holds (a unit may, rarely, hold two
parts of one item). Each block's forms carry a prefix with the part's id, so a refused
form comes back in the right block (:func:`keep_bound`) with what was typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minqing.core.calendar import add_months
from minqing.core.config import settings_for
from minqing.opinions import uploads
from minqing.people.models import HandlingUnit
from minqing.suggestions import permissions as perms
from minqing.suggestions.models import (
    ANSWERING_ROLES,
    Assignment,
    AssignmentState,
    CommitmentState,
    ContactMethod,
    RequestState,
    ResultClass,
    Suggestion,
    SuggestionState,
    UnitRole,
)

REQUIRED = _("请填写此项")
CHOOSE = _("请选择")
INVALID_CHOICE = _("所选项不存在，请重新选择")
INVALID_DATE = _("请填写正确的日期")
# Blank commitment rows a class-B reply form starts with; more come one by one (htmx).
COMMITMENT_ROWS = 3
MAX_COMMITMENTS = 20
PDF = "application/pdf"

_BOUND_ATTR = "_suggestions_unit_bound"


# --- field builders ---------------------------------------------------------------------


def _style(form: forms.Form) -> None:
    """Bootstrap classes on every widget, so the templates stay free of widget tweaks."""
    for f in form.fields.values():
        widget = f.widget
        if isinstance(widget, forms.CheckboxInput | forms.HiddenInput | forms.RadioSelect):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


def _text(label, *, required: bool = True, min_length: int = 0, max_length: int = 2000, rows=3):
    messages = {
        "required": REQUIRED,
        "max_length": _("不能超过 %(limit_value)d 个字（现在 %(show_value)d 个字）"),
        "min_length": _("至少写 %(limit_value)d 个字（现在 %(show_value)d 个字）"),
    }
    return forms.CharField(
        label=label,
        required=required,
        min_length=min_length or None,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=messages,
    )


def _line(label, *, required: bool = True, max_length: int = 40):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages={
            "required": REQUIRED,
            "max_length": _("不能超过 %(limit_value)d 个字（现在 %(show_value)d 个字）"),
        },
    )


def _date_field(label, *, required: bool = True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": REQUIRED, "invalid": INVALID_DATE},
    )


def _choice(label, choices, *, required: bool = True, blank_label=None, widget=None):
    if blank_label is not None:
        choices = [("", blank_label), *choices]
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=widget or forms.Select,
        error_messages={"required": CHOOSE, "invalid_choice": INVALID_CHOICE},
    )


def _date(day: dt.date | None) -> str:
    return date_format(day, "DATE_FORMAT") if day else ""


# --- list filters ---------------------------------------------------------------------------


class InboxFilterForm(forms.Form):
    """The unit inbox's filters (GET). An unknown value is ignored, never an error page."""

    STATES = [
        (AssignmentState.PENDING, _("待签收")),
        (AssignmentState.ACCEPTED, _("办理中")),
        (AssignmentState.REASSIGNING, _("申请调整中")),
        ("rehandling", _("重新办理")),
        ("overdue", _("已超期")),
    ]

    state = _choice(_("状态"), STATES, required=False, blank_label=_("全部状态"))
    role = _choice(_("承办方式"), UnitRole.choices, required=False, blank_label=_("全部方式"))
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", gettext("全部年度"))] + [
            (y, gettext("%(year)s年") % {"year": y}) for y in years
        ]
        _style(self)

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid one is dropped, the others still apply)."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: data.get(k) for k in ("state", "role", "year") if data.get(k)}


class CommitmentFilterForm(forms.Form):
    """The commitment ledger's filters (GET)."""

    year = forms.TypedChoiceField(label=_("台账年度"), required=False, coerce=int, empty_value=None)
    state = _choice(_("状态"), CommitmentState.choices, required=False, blank_label=_("全部状态"))
    unit = forms.TypedChoiceField(label=_("承办单位"), required=False, coerce=int, empty_value=None)
    carried = _choice(
        _("结转"),
        [("yes", _("往年结转")), ("no", _("本年承诺"))],
        required=False,
        blank_label=_("含往年结转"),
    )

    def __init__(self, *args, years: list[int], units: list[HandlingUnit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", gettext("全部年度"))] + [
            (y, gettext("%(year)s年") % {"year": y}) for y in years
        ]
        self.fields["unit"].choices = [("", gettext("全部单位"))] + [(u.pk, u.name) for u in units]
        self.show_unit = len(units) > 1
        _style(self)

    def filters(self) -> dict[str, Any]:
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: data.get(k) for k in ("year", "state", "unit", "carried") if data.get(k)}


# --- the unit's actions on a part ------------------------------------------------------------


class ReassignForm(forms.Form):
    reason = _text(_("申请理由"), min_length=10, rows=4)
    suggested_unit = forms.ModelChoiceField(
        label=_("建议改由（可不填）"),
        queryset=HandlingUnit.objects.none(),
        required=False,
        empty_label=_("不提建议"),
        error_messages={"invalid_choice": INVALID_CHOICE},
    )

    def __init__(self, *args, part: Assignment, suggestion: Suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        # Units of the congress's region: the office decides among them.
        self.fields["suggested_unit"].queryset = (
            HandlingUnit.objects.filter(
                is_active=True, region__path__startswith=suggestion.region.path
            )
            .exclude(pk=part.unit_id)
            .order_by("region__path", "name")
        )
        self.fields["reason"].help_text = _(
            "请写明本单位认为不属于本单位职责的理由，以及应由哪个单位办理。"
        )
        _style(self)


class CohandlerViewForm(forms.Form):
    text = _text(_("会办意见"), min_length=10, max_length=20000, rows=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = _("发送给主办单位，由主办单位统一答复代表")
        _style(self)


class ContactForm(forms.Form):
    method = _choice(_("联系方式"), ContactMethod.choices, blank_label=_("请选择联系方式"))
    contacted_at = forms.DateTimeField(
        label=_("联系时间"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("不填则为现在"),
        error_messages={"invalid": _("请填写正确的联系时间")},
    )
    note = _text(_("沟通情况"), min_length=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_contacted_at(self) -> dt.datetime | None:
        when = self.cleaned_data.get("contacted_at")
        if when is not None and when > timezone.now():
            raise ValidationError(gettext("联系时间不能晚于现在"))
        return when


class PdfField(forms.FileField):
    """The signed reply (答复函): verified by its bytes and kept only when it is a PDF."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("请上传加盖公章的答复函（PDF）"),
                "empty": _("上传的文件是空的"),
                "invalid": _("请上传加盖公章的答复函（PDF）"),
                "missing": _("请上传加盖公章的答复函（PDF）"),
                "max_length": _("文件名太长"),
            },
        )
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ".pdf,application/pdf"

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is None:
            return None
        clean = uploads.clean_attachment(upload)
        if clean.content_type != PDF:
            raise ValidationError(
                gettext("答复函须为 PDF 文件（加盖公章后扫描或导出），不接受图片或其他格式"),
                code="not_pdf",
            )
        return clean


class ReplyForm(forms.Form):
    result_class = _choice(
        _("办理结果"),
        ResultClass.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    text = _text(_("答复内容"), min_length=20, max_length=20000, rows=8)
    signed_by = _line(_("签发人"))
    contact_person = _line(_("承办联系人"), required=False)
    document = PdfField(label=_("答复函（加盖公章的 PDF）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result_class"].help_text = _(
            "B类须在下方列明承诺事项及计划完成时间，纳入承诺事项台账跟踪办理。"
        )
        self.fields["contact_person"].help_text = _("代表可联系的本单位经办人姓名及电话")
        self.fields["document"].help_text = _(
            "加盖公章的答复函扫描件或导出的 PDF；提交未成功时请重新选择文件"
        )
        _style(self)


class CommitmentForm(forms.Form):
    text = _text(_("承诺事项"), required=False, rows=2)
    due_date = _date_field(_("计划完成时间"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("due_date") and not (data.get("text") or "").strip():
            self.add_error("text", gettext("请填写承诺事项"))
        return data


class BaseCommitmentFormSet(forms.BaseFormSet):
    def items(self) -> list[tuple[str, dt.date | None]]:
        out = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            text = (data.get("text") or "").strip()
            if text:
                out.append((text, data.get("due_date")))
        return out


CommitmentFormSet = forms.formset_factory(
    CommitmentForm,
    formset=BaseCommitmentFormSet,
    extra=COMMITMENT_ROWS,
    max_num=MAX_COMMITMENTS,
    validate_max=True,
    absolute_max=MAX_COMMITMENTS,
)


class ReplyForms:
    """The reply form and its commitments (承诺事项) formset, validated together: class
    B needs at least one promise."""

    def __init__(self, data=None, files=None, *, part: Assignment):
        self.part = part
        self.form = ReplyForm(data, files, prefix=f"p{part.pk}-reply")
        self.commitments = CommitmentFormSet(data, prefix=f"p{part.pk}-commit")

    @property
    def errors(self) -> bool:
        return bool(self.form.errors or self.commitments.total_error_count())

    def is_valid(self) -> bool:
        ok = self.form.is_valid()
        ok = self.commitments.is_valid() and ok
        if ok:
            b_class = self.form.cleaned_data["result_class"] == ResultClass.B
            promises = self.commitments.items()
            if b_class and not promises:
                self.form.add_error(
                    "result_class", gettext("B类答复须列明至少一项承诺事项及计划完成时间")
                )
                ok = False
            elif promises and not b_class:
                self.form.add_error(
                    "result_class",
                    gettext("只有B类答复填写承诺事项；其他类别请清空承诺事项，或改选B类"),
                )
                ok = False
        return ok

    def add_action_errors(self, exc: ValidationError) -> None:
        """An action's refusal onto the form (and the formset for ``commitments``)."""
        if not hasattr(exc, "error_dict"):
            self.form.add_error(None, exc.messages)
            return
        for name, errors in exc.message_dict.items():
            if name == "commitments":
                self.form.add_error("result_class", errors)
            else:
                self.form.add_error(name if name in self.form.fields else None, errors)


def extension_cap(part: Assignment, suggestion: Suggestion) -> dt.date:
    """The latest reply date an extension may ask for, computed as the action does:
    ``suggestion.reply_max_months`` after the assignment."""
    months = settings_for(suggestion.region)["suggestion.reply_max_months"]
    return add_months(timezone.localtime(part.assigned_at).date(), months)


class ExtensionForm(forms.Form):
    new_due = _date_field(_("申请延至"))
    reason = _text(_("延期理由"), min_length=10, rows=3)

    def __init__(self, *args, part: Assignment, cap: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.part, self.cap = part, cap
        f = self.fields["new_due"]
        f.widget.attrs.update(
            {
                "min": (part.reply_due + dt.timedelta(days=1)).isoformat(),
                "max": cap.isoformat(),
            }
        )
        f.help_text = gettext(
            "现答复期限 %(due)s；最长可延至 %(cap)s（交办之日起满期限），由人大办公室审批"
        ) % {"due": _date(part.reply_due), "cap": _date(cap)}
        _style(self)

    def clean_new_due(self) -> dt.date:
        day = self.cleaned_data["new_due"]
        if day <= self.part.reply_due:
            raise ValidationError(gettext("延期后的日期须晚于现在的答复期限"))
        if day > self.cap:
            raise ValidationError(
                gettext("最长只能延至 %(cap)s（交办之日起满期限）") % {"cap": _date(self.cap)}
            )
        return day


# --- commitments ------------------------------------------------------------------------------


class ProgressForm(forms.Form):
    note = _text(_("进展情况"), min_length=5)
    percent = forms.IntegerField(
        label=_("完成进度（%）"),
        min_value=0,
        max_value=100,
        error_messages={
            "required": REQUIRED,
            "invalid": _("请填写 0 到 100 之间的整数"),
            "min_value": _("完成进度须在 0 到 100 之间"),
            "max_value": _("完成进度须在 0 到 100 之间"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["percent"].widget.attrs.update({"min": 0, "max": 100, "step": 5})
        _style(self)


class FulfilForm(forms.Form):
    note = _text(_("兑现情况"), min_length=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].help_text = _("写明承诺如何兑现；标记后代表将收到通知")
        _style(self)


# --- the panel on the detail page -----------------------------------------------------------


def keep_bound(request: HttpRequest, key: str, form: Any) -> None:
    """Remember a refused, bound form so the panel shows it instead of a fresh one."""
    bound = getattr(request, _BOUND_ATTR, None)
    if bound is None:
        bound = {}
        setattr(request, _BOUND_ATTR, bound)
    bound[key] = form


def _bound(request: HttpRequest, key: str) -> Any:
    return getattr(request, _BOUND_ATTR, {}).get(key)


def workflow_today() -> dt.date:
    # Read through the actions' module so a test that freezes the workflow's day
    # freezes the panel's flags too.
    from minqing.suggestions.actions import _common

    return _common.today()


def _pending(rows: list) -> Any:
    return next((r for r in rows if r.state == RequestState.PENDING), None)


def _rows(part: Assignment, name: str) -> list:
    """Prefetched related rows when the detail selector fetched them, else a query."""
    cached = getattr(part, "_prefetched_objects_cache", {}).get(name)
    if cached is not None:
        return list(cached)
    return list(getattr(part, name).all())


def part_due(part: Assignment) -> dt.date:
    """The deadline the unit works to: a co-handler's view, else the reply."""
    if part.role == UnitRole.CO and part.view_due:
        return part.view_due
    return part.reply_due


def part_flags(part: Assignment, suggestion: Suggestion, *, today: dt.date) -> dict[str, Any]:
    """What the unit may do on its part now, as the actions decide it: the panel shows
    these forms, and a refused POST comes back on the page only when its form is still
    there. Reads ``contacts``, ``extensions``, ``reassign_requests`` (prefetched by the
    detail selector) and the region's settings."""
    state, role = part.state, part.role
    answering = role in ANSWERING_ROLES
    extensions = _rows(part, "extensions")
    pending_extension = _pending(extensions)
    cap = extension_cap(part, suggestion) if answering else None
    held = state in (AssignmentState.PENDING, AssignmentState.ACCEPTED)
    return {
        "can_accept": state == AssignmentState.PENDING,
        "can_reassign": held and today <= part.reassign_due,
        "reassign_closed": held and today > part.reassign_due,
        "can_view": role == UnitRole.CO and state == AssignmentState.ACCEPTED,
        "can_contact": state in (AssignmentState.ACCEPTED, AssignmentState.ANSWERED),
        "can_reply": answering and state == AssignmentState.ACCEPTED,
        "needs_contact": part.contacted_at is None,
        "can_extend": answering
        and state == AssignmentState.ACCEPTED
        and pending_extension is None
        and cap is not None
        and cap > part.reply_due,
        "extension_cap": cap,
        "pending_extension": pending_extension,
        "extensions": extensions,
    }


def part_forms(request: HttpRequest, part: Assignment, suggestion: Suggestion, flags) -> dict:
    """Fresh forms for ``part`` (or the refused, bound ones kept on the request)."""
    pk = part.pk
    out: dict[str, Any] = {}
    if flags["can_reassign"]:
        out["reassign_form"] = _bound(request, f"reassign:{pk}") or ReassignForm(
            part=part, suggestion=suggestion, prefix=f"p{pk}-reassign"
        )
    if flags["can_view"]:
        out["view_form"] = _bound(request, f"view:{pk}") or CohandlerViewForm(prefix=f"p{pk}-view")
    if flags["can_contact"]:
        out["contact_form"] = _bound(request, f"contact:{pk}") or ContactForm(
            prefix=f"p{pk}-contact"
        )
    if flags["can_reply"]:
        reply = _bound(request, f"reply:{pk}") or ReplyForms(part=part)
        out["reply_form"] = reply.form
        out["commitment_formset"] = reply.commitments
    if flags["can_extend"]:
        out["extension_form"] = _bound(request, f"extension:{pk}") or ExtensionForm(
            part=part, cap=flags["extension_cap"], prefix=f"p{pk}-extension"
        )
    return out


def unit_panel_context(request: HttpRequest, view) -> dict:
    """What includes/unit_panel.html needs: one block (``unit_parts``) per part the
    reader's unit holds on the item (``view.own_assignments`` that
    ``perms.can_handle`` allows), with its deadlines, contacts, requests, flags and
    forms; a lead unit also gets the co-handlers' views (``unit_co_views``). The
    ``can_unit_*`` flags say whether any part offers that step. Empty when the reader
    holds no part."""
    user = request.user
    suggestion: Suggestion = view.suggestion
    parts = [a for a in view.own_assignments if perms.can_handle(user, a)]
    if not parts:
        return {}
    today = workflow_today()
    panels = []
    for part in parts:
        flags = part_flags(part, suggestion, today=today)
        due = part_due(part)
        requests = _rows(part, "reassign_requests")
        panels.append(
            {
                "part": part,
                "due": due,
                "overdue": due < today and part.state != AssignmentState.ANSWERED,
                "contacts": _rows(part, "contacts"),
                "requests": requests,
                "pending_request": _pending(requests),
                **flags,
                **part_forms(request, part, suggestion, flags),
            }
        )
    own_ids = {p["part"].pk for p in panels}
    leads = any(p["part"].role == UnitRole.LEAD for p in panels)
    co_views = [
        a
        for a in view.assignments
        if leads
        and a.role == UnitRole.CO
        and a.state != AssignmentState.REMOVED
        and a.pk not in own_ids
    ]

    def any_(flag: str) -> bool:
        return any(p[flag] for p in panels)

    return {
        "unit_panel": True,
        "unit_parts": panels,
        "unit_co_views": co_views,
        "unit_rehandling": suggestion.state == SuggestionState.REHANDLING,
        "unit_round": suggestion.round,
        "can_unit_accept": any_("can_accept"),
        "can_unit_reassign": any_("can_reassign"),
        "can_unit_view": any_("can_view"),
        "can_unit_contact": any_("can_contact"),
        "can_unit_reply": any_("can_reply"),
        "can_unit_extend": any_("can_extend"),
    }
