"""Forms of the congress office's pages of the motion and suggestion workflow, and the
context of the office's action panel that the item's detail page includes:

    context |= office_panel_context(request, view)   # view: selectors.DetailView

Forms parse and validate what a person typed, with Chinese messages; the actions in
``minqing.suggestions.actions`` decide whether the change is allowed. A refused POST
keeps its bound form on the request (:func:`keep_bound`) so the page rendered next
shows what was typed and why it was refused.

The batch assignment screen does not use one Django form per row (hundreds of rows):
:class:`BatchGrid` reads two fields per row, ``m-<pk>`` (mode) and ``u-<pk>`` (units,
the lead first, separated by 、), so a whole session posts far below
``DATA_UPLOAD_MAX_NUMBER_FIELDS``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minqing.core.calendar import Deadline, add_months
from minqing.core.config import settings_for
from minqing.core.i18n import join_list
from minqing.core.models import Region
from minqing.people.models import Congress, HandlingUnit
from minqing.suggestions.actions import Plan
from minqing.suggestions.actions import office as office_actions
from minqing.suggestions.models import (
    Extension,
    HandlingMode,
    Kind,
    PresidiumDecision,
    ReassignRequest,
    RejectReason,
    RequestState,
    Suggestion,
    SuggestionState,
    SupervisionKind,
    Timing,
)
from minqing.suggestions.selectors_office import PastPlan, leaders_for, units_for_assign

REQUIRED = _("请填写此项")
CHOOSE = _("请选择")
INVALID_CHOICE = _("所选项不存在，请重新选择")
MAX_LENGTH = _("不能超过 %(limit_value)d 个字（现在 %(show_value)d 个字）")
INVALID_UNIT = _("所选承办单位不存在、已停用或不在您的管辖范围内")

# States in which the office may still name a supervisor (as suggestion_supervise).
NOT_SUPERVISABLE = (
    SuggestionState.DRAFT,
    SuggestionState.WITHDRAWN,
    SuggestionState.NOT_ACCEPTED,
    SuggestionState.CLOSED,
)

_BOUND_ATTR = "_suggestions_office_bound"
RADIO = forms.RadioSelect(attrs={"class": "form-check-input"})


# --- field builders ---------------------------------------------------------------------


def _style(form: forms.Form) -> None:
    """Bootstrap classes on every widget, so the templates stay free of widget tweaks."""
    for f in form.fields.values():
        widget = f.widget
        if isinstance(widget, forms.CheckboxInput | forms.HiddenInput | forms.RadioSelect):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


def _text(label, *, required: bool = False, min_length: int = 0, max_length: int = 1000, rows=2):
    return forms.CharField(
        label=label,
        required=required,
        min_length=min_length or None,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": REQUIRED,
            "max_length": MAX_LENGTH,
            "min_length": _("至少写 %(limit_value)d 个字（现在 %(show_value)d 个字）"),
        },
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


def category_choices(region: Region | None) -> list[tuple[str, str]]:
    """The region's category taxonomy (code, name)."""
    return [(c["code"], c["name"]) for c in settings_for(region)["taxonomy.opinion_categories"]]


def unit_label(unit: HandlingUnit) -> str:
    return gettext("%(name)s（%(region)s）") % {"name": unit.name, "region": unit.region.name}


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: HandlingUnit) -> str:
        return unit_label(obj)


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: HandlingUnit) -> str:
        return unit_label(obj)


def _unit_field(label, *, empty_label=None, required: bool = False) -> UnitChoiceField:
    return UnitChoiceField(
        label=label,
        queryset=HandlingUnit.objects.none(),
        required=required,
        empty_label=empty_label,
        error_messages={"required": CHOOSE, "invalid_choice": INVALID_UNIT},
        widget=forms.Select(attrs={"data-unit-select": "1"}),
    )


def _units_field(label, help_text="") -> UnitsChoiceField:
    return UnitsChoiceField(
        label=label,
        queryset=HandlingUnit.objects.none(),
        required=False,
        help_text=help_text,
        error_messages={
            "invalid_choice": INVALID_UNIT,
            "invalid_pk_value": INVALID_UNIT,
            "list": INVALID_UNIT,
        },
        widget=forms.SelectMultiple(attrs={"data-unit-select": "1", "size": 6}),
    )


# --- list filters -----------------------------------------------------------------------


class OverdueFilterForm(forms.Form):
    unit = forms.ChoiceField(label=_("承办单位"), required=False)

    def __init__(self, *args, units: Iterable[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("全部承办单位"))] + [
            (str(pk), name) for pk, name in units
        ]
        _style(self)

    def unit_id(self) -> int | None:
        if self.is_valid() and self.cleaned_data["unit"]:
            return int(self.cleaned_data["unit"])
        return None


class BatchFilterForm(forms.Form):
    """The batch screen's filters (GET; also on the POST's URL, so the confirmation
    reads the same rows). An invalid value is ignored, never an error page."""

    congress = forms.ChoiceField(label=_("人民代表大会"), required=False)
    session = forms.ChoiceField(label=_("大会会议"), required=False)
    timing = _choice(
        _("提出时间"), Timing.choices, required=False, blank_label=_("大会期间和闭会期间")
    )
    category = forms.ChoiceField(label=_("类别"), required=False)
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    number_from = forms.IntegerField(label=_("编号从"), required=False, min_value=1)
    number_to = forms.IntegerField(label=_("编号至"), required=False, min_value=1)

    def __init__(self, *args, congresses: Sequence[Congress], sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.congresses = list(congresses)
        self.sessions = list(sessions)
        self.fields["congress"].choices = [(str(c.pk), c.name) for c in self.congresses]
        self.fields["q"].widget.attrs["placeholder"] = _("标题或内容")
        self.fields["number_from"].widget.attrs["placeholder"] = _("编号从")
        self.fields["number_to"].widget.attrs["placeholder"] = _("编号至")
        _style(self)
        # The congress decides the category taxonomy: read it before validation.
        chosen = self.data.get("congress") if self.is_bound else None
        self.congress = next(
            (c for c in self.congresses if str(c.pk) == chosen),
            self.congresses[0] if self.congresses else None,
        )
        region = self.congress.region if self.congress else None
        self.category_names = dict(category_choices(region))
        self.fields["category"].choices = [("", _("全部类别")), *self.category_names.items()]
        self.sessions = [
            s for s in self.sessions if self.congress and s.congress_id == self.congress.pk
        ]
        self.fields["session"].choices = [("", _("全部会议"))] + [
            (str(s.pk), s.name) for s in self.sessions
        ]
        if self.congress is not None:
            self.initial["congress"] = str(self.congress.pk)
        if len(self.congresses) < 2:
            self.fields["congress"].widget = forms.HiddenInput()

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``selectors_office.batch_rows`` (session limited to
        the chosen congress; empty filters when the input is invalid)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        out: dict[str, Any] = {
            "congress_id": self.congress.pk if self.congress else 0,
            "timing": data.get("timing", ""),
            "category": data.get("category", ""),
            "q": (data.get("q") or "").strip(),
            "number_from": data.get("number_from"),
            "number_to": data.get("number_to"),
        }
        session = self.chosen_session
        if session is not None:
            out["session_id"] = session.pk
        return out

    @property
    def chosen_session(self):
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return next((s for s in self.sessions if str(s.pk) == data.get("session")), None)


# --- the office's steps on one item ----------------------------------------------------


class AcceptForm(forms.Form):
    category = forms.ChoiceField(
        label=_("类别"),
        required=False,
        error_messages={"invalid_choice": INVALID_CHOICE},
        help_text=_("可在受理时调整类别，交办时按类别推荐承办单位"),
    )
    note = _text(_("审查意见"))

    def __init__(self, *args, suggestion: Suggestion, **kwargs):
        kwargs.setdefault("initial", {"category": suggestion.category})
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", _("（不分类）")),
            *category_choices(suggestion.region),
        ]
        _style(self)


REJECT_NOTE = _("请向代表说明不予受理的具体情况（至少 5 个字）")


class RejectForm(forms.Form):
    reason = _choice(_("不予受理理由"), RejectReason.choices, blank_label=_("请选择理由"))
    note = forms.CharField(
        label=_("告知代表"),
        min_length=5,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": REJECT_NOTE,
            "min_length": REJECT_NOTE,
            "max_length": MAX_LENGTH,
        },
        help_text=_("提出建议的代表都会看到：请说明不予受理的具体情况"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class DecideForm(forms.Form):
    decision = _choice(_("主席团决定"), PresidiumDecision.choices, widget=RADIO, required=True)
    note = _text(_("说明"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].help_text = _("转为代表建议时，将生成一件新的建议进入审查")
        _style(self)


class AssignForm(forms.Form):
    """One item's assignment: a lead unit (主办) and co-handlers (会办), or two or more
    units answering separately (分办). The units offered are those the action accepts:
    active and visible to the reader."""

    mode = _choice(
        _("办理方式"),
        HandlingMode.choices,
        widget=forms.RadioSelect(attrs={"data-mode": "1", "class": "form-check-input"}),
    )
    lead_unit = _unit_field(_("主办单位"), empty_label=_("请选择主办单位"))
    co_units = _units_field(
        _("会办单位"), help_text=_("可多选；会办单位在期限内向主办单位提出意见")
    )
    units = _units_field(_("分办单位"), help_text=_("分办须选择两个以上单位，各自答复代表"))
    instructions = _text(_("交办意见"), max_length=2000)

    def __init__(self, *args, units, **kwargs):
        kwargs.setdefault("initial", {"mode": HandlingMode.LEAD})
        super().__init__(*args, **kwargs)
        for name in ("lead_unit", "co_units", "units"):
            self.fields[name].queryset = units
        self.fields["instructions"].help_text = _("承办单位可见")
        _style(self)

    def clean(self) -> dict:
        data = super().clean()
        mode = data.get("mode")
        if mode == HandlingMode.LEAD:
            lead = data.get("lead_unit")
            if lead is None and "lead_unit" not in self.errors:
                self.add_error("lead_unit", gettext("请选择主办单位"))
            co = [u for u in data.get("co_units") or () if lead is None or u.pk != lead.pk]
            data["co_units"] = co
        elif (
            mode == HandlingMode.SEPARATE
            and len(data.get("units") or ()) < 2
            and "units" not in self.errors
        ):
            self.add_error("units", gettext("分办须选择两个以上承办单位"))
        return data


class SuperviseForm(forms.Form):
    kind = _choice(_("督办类型"), SupervisionKind.choices, widget=RADIO, required=True)
    leader = forms.CharField(
        label=_("督办（领办）领导"),
        max_length=80,
        min_length=2,
        error_messages={
            "required": _("请填写督办（领办）领导"),
            "min_length": _("请填写督办（领办）领导"),
            "max_length": MAX_LENGTH,
        },
        help_text=_("姓名和职务，例如：王建国 市人大常委会副主任"),
    )
    body = forms.CharField(
        label=_("督办机构"),
        max_length=80,
        required=False,
        error_messages={"max_length": MAX_LENGTH},
        help_text=_("例如：财政经济委员会"),
    )
    user = forms.ModelChoiceField(
        label=_("领导账号"),
        queryset=None,
        required=False,
        empty_label=_("（不关联账号）"),
        error_messages={"invalid_choice": INVALID_CHOICE},
        help_text=_("关联账号后，该领导可以查看这件议案建议并收到通知"),
    )
    note = _text(_("督办要求"))

    def __init__(self, *args, leaders, **kwargs):
        kwargs.setdefault("initial", {"kind": SupervisionKind.KEY})
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = leaders
        self.fields["user"].label_from_instance = lambda u: u.display_name or u.username
        _style(self)


class CloseForm(forms.Form):
    note = _text(_("办结说明"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


DECISIONS = [("approve", _("同意")), ("refuse", _("不同意"))]


class ReassignDecisionForm(forms.Form):
    decision = _choice(_("决定"), DECISIONS)
    new_unit = _unit_field(_("改由单位"), empty_label=_("请选择改由哪个单位承办"))
    note = _text(_("决定意见"))

    def __init__(self, *args, request_obj: ReassignRequest, units, **kwargs):
        kwargs.setdefault("initial", {"new_unit": request_obj.suggested_unit_id})
        super().__init__(*args, **kwargs)
        self.fields["new_unit"].queryset = units
        self.fields["note"].help_text = _("不同意调整时必须说明理由，承办单位可见")
        _style(self)

    @property
    def approve(self) -> bool:
        return self.cleaned_data.get("decision") == "approve"

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "approve":
            if data.get("new_unit") is None and "new_unit" not in self.errors:
                self.add_error("new_unit", gettext("请选择改由哪个单位承办"))
        elif data.get("decision") == "refuse" and len((data.get("note") or "").strip()) < 2:
            self.add_error("note", gettext("不同意调整时请说明理由"))
        return data


class ExtensionDecisionForm(forms.Form):
    decision = _choice(_("审批"), DECISIONS)
    note = _text(_("审批意见"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    @property
    def approve(self) -> bool:
        return self.cleaned_data.get("decision") == "approve"


# --- deadlines shown before anyone commits to them ---------------------------------------


@dataclass(frozen=True)
class AssignPreview:
    """The deadlines an assignment made today would set, computed as
    ``actions.suggestion_assign`` computes them (same settings, same calendar)."""

    start: dt.date
    reassign: Deadline
    view: Deadline
    reply: Deadline

    @property
    def provisional(self) -> bool:
        # The action marks a part provisional from these two; the co-handler's view
        # deadline may cross an unloaded year too, and then the warning says so.
        return self.reassign.provisional or self.reply.provisional or self.view.provisional

    @property
    def warning(self) -> str:
        return self.reply.warning or self.view.warning or self.reassign.warning


def assign_preview(region: Region) -> AssignPreview:
    cfg = settings_for(region)
    # Through the action module's names, so a test that freezes its "today" or its
    # calendar functions freezes the preview too.
    start = office_actions.today()
    return AssignPreview(
        start=start,
        reassign=office_actions.working_deadline(
            start, cfg["suggestion.reassign_apply_working_days"]
        ),
        view=office_actions.month_deadline(start, cfg["suggestion.cohandler_view_months"]),
        reply=office_actions.month_deadline(start, cfg["suggestion.reply_months"]),
    )


def extension_cap(extension: Extension, region: Region) -> dt.date:
    """The latest reply date an approval may set (``suggestion.reply_max_months`` after
    the assignment), as ``actions.extension_decide`` caps it."""
    assigned = timezone.localtime(extension.assignment.assigned_at).date()
    return add_months(assigned, settings_for(region)["suggestion.reply_max_months"])


# --- the panel on the detail page --------------------------------------------------------


def keep_bound(request: HttpRequest, key: str, form: Any) -> None:
    """Remember a refused, bound form so the panel shows it instead of a fresh one."""
    bound = getattr(request, _BOUND_ATTR, None)
    if bound is None:
        bound = {}
        setattr(request, _BOUND_ATTR, bound)
    bound[key] = form


def _bound(request: HttpRequest, key: str) -> Any:
    return getattr(request, _BOUND_ATTR, {}).get(key)


def _prefetched(obj, name: str) -> list:
    """Related rows the detail selector prefetched, else a query."""
    cached = getattr(obj, "_prefetched_objects_cache", {}).get(name)
    return list(cached) if cached is not None else list(getattr(obj, name).all())


def panel_flags(suggestion: Suggestion, *, today: dt.date) -> dict[str, bool]:
    """Which steps the office may take on ``suggestion`` now, as the actions decide it
    (no query). A refused POST comes back on the page only when its form is still
    there."""
    state = suggestion.state
    submitted = state == SuggestionState.SUBMITTED
    replied = state == SuggestionState.REPLIED
    feedback_open = suggestion.feedback_due is not None and suggestion.feedback_due >= today
    return {
        "can_screen": submitted and suggestion.kind == Kind.SUGGESTION,
        "can_decide": submitted and suggestion.kind == Kind.MOTION,
        "can_assign": state == SuggestionState.ACCEPTED,
        "can_supervise": state not in NOT_SUPERVISABLE,
        "can_close": replied and not feedback_open,
        "close_waits": replied and feedback_open,
    }


def pending_requests(view) -> tuple[list[ReassignRequest], list[Extension]]:
    """The pending reassignment and extension requests on the item's parts."""
    reassign, extensions = [], []
    for part in view.assignments:
        reassign += [
            r for r in _prefetched(part, "reassign_requests") if r.state == RequestState.PENDING
        ]
        extensions += [
            e for e in _prefetched(part, "extensions") if e.state == RequestState.PENDING
        ]
    for row in reassign + extensions:
        row.assignment = next(a for a in view.assignments if a.pk == row.assignment_id)
    return reassign, extensions


def office_panel_context(request: HttpRequest, view) -> dict:
    """What includes/office_panel.html needs when the reader manages the item
    (``view.is_office`` is ``perms.can(user, MANAGE, item)``): the ``can_*`` flags of
    :func:`panel_flags`, the forms of the steps the item's state allows (or the refused
    bound ones), the deadlines an assignment would set, and the pending reassignment
    and extension requests each with its decision form. Empty for anyone else."""
    if not view.is_office:
        return {}
    user = request.user
    suggestion: Suggestion = view.suggestion
    today = office_actions.today()
    flags = panel_flags(suggestion, today=today)
    reassign, extensions = pending_requests(view)
    ctx: dict[str, Any] = {
        "office_panel": True,
        "office_suggestion": suggestion,
        **flags,
        "can_decide_reassign": bool(reassign),
        "can_decide_extension": bool(extensions),
        "office_today": today,
    }
    units = None
    if flags["can_assign"] or reassign:
        units = units_for_assign(user)
    if flags["can_screen"]:
        ctx["accept_form"] = _bound(request, "accept_form") or AcceptForm(
            suggestion=suggestion, prefix="accept"
        )
        ctx["reject_form"] = _bound(request, "reject_form") or RejectForm(prefix="reject")
    if flags["can_decide"]:
        ctx["decide_form"] = _bound(request, "decide_form") or DecideForm(prefix="decide")
    if suggestion.state == SuggestionState.CONVERTED:
        ctx["office_converted_to"] = Suggestion.objects.filter(converted_from=suggestion).first()
    if flags["can_assign"]:
        ctx["assign_form"] = _bound(request, "assign_form") or AssignForm(
            units=units, prefix="assign"
        )
        ctx["assign_preview"] = assign_preview(suggestion.region)
        ctx["assign_overdue"] = bool(suggestion.assign_due and suggestion.assign_due < today)
    if flags["can_supervise"]:
        ctx["supervise_form"] = _bound(request, "supervise_form") or SuperviseForm(
            leaders=leaders_for(user), prefix="supervise"
        )
    if flags["can_close"]:
        ctx["close_form"] = _bound(request, "close_form") or CloseForm(prefix="close")
    ctx["reassign_rows"] = [
        (
            r,
            _bound(request, f"reassign_form:{r.pk}")
            or ReassignDecisionForm(request_obj=r, units=units, prefix=f"reassign-{r.pk}"),
            r.decide_due < today,
        )
        for r in reassign
    ]
    ctx["extension_rows"] = [
        (
            e,
            _bound(request, f"extension_form:{e.pk}")
            or ExtensionDecisionForm(prefix=f"extension-{e.pk}"),
            extension_cap(e, suggestion.region),
        )
        for e in extensions
    ]
    return ctx


# --- the batch assignment screen -------------------------------------------------------

# Named form fields per row (mode, units) and the room left for the rest of the form.
FIELDS_PER_ROW = 2
FIELD_MARGIN = 50
BATCH_ROWS_CAP = 500
UNIT_SEPARATORS = re.compile(r"[、,，;；\s]+")


def max_batch_rows() -> int:
    """How many rows one confirmation may carry under DATA_UPLOAD_MAX_NUMBER_FIELDS."""
    limit = getattr(settings, "DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)
    if limit is None:
        return BATCH_ROWS_CAP
    return max(1, min(BATCH_ROWS_CAP, (limit - FIELD_MARGIN) // FIELDS_PER_ROW))


class UnitDirectory:
    """The units a reader may assign to, each with a label unique on the page (the name,
    or the name with its region when two units share a name), and the lookup from what
    someone typed back to the unit."""

    def __init__(self, units: Iterable[HandlingUnit]):
        self.units = list(units)
        self.by_id = {u.pk: u for u in self.units}
        names: dict[str, int] = {}
        for u in self.units:
            names[u.name] = names.get(u.name, 0) + 1
        self.labels = {u.pk: u.name if names[u.name] == 1 else unit_label(u) for u in self.units}
        self._lookup: dict[str, HandlingUnit | None] = {}
        for u in self.units:
            for key in (u.short_name, u.name):
                if key:
                    # A name two units share finds neither: the labelled form is needed.
                    self._lookup[key] = None if key in self._lookup else u
        for u in self.units:
            self._lookup[self.labels[u.pk]] = u
            self._lookup[unit_label(u)] = u

    def label(self, unit_id: int) -> str:
        return self.labels.get(unit_id, "")

    def text_for(self, unit_ids: Iterable[int]) -> str:
        return "、".join(self.labels[i] for i in unit_ids if i in self.labels)

    def parse(self, text: str) -> tuple[list[HandlingUnit], list[str]]:
        """The units named in ``text`` (in order, each once) and the names not found."""
        found: list[HandlingUnit] = []
        missing: list[str] = []
        for token in UNIT_SEPARATORS.split(text or ""):
            if not token:
                continue
            unit = self._lookup.get(token)
            if unit is None:
                missing.append(token)
            elif unit not in found:
                found.append(unit)
        return found, missing

    def options(self) -> list[dict[str, Any]]:
        """The list the page's unit picker searches (json_script)."""
        return [
            {"id": u.pk, "label": self.labels[u.pk], "name": u.name, "short": u.short_name}
            for u in self.units
        ]


@dataclass
class BatchRow:
    suggestion: Suggestion
    category_name: str
    mode: str = HandlingMode.LEAD
    units_text: str = ""
    suggested: bool = False  # pre-filled from the category's last assignment
    errors: list[str] = field(default_factory=list)

    @property
    def mode_key(self) -> str:
        return f"m-{self.suggestion.pk}"

    @property
    def units_key(self) -> str:
        return f"u-{self.suggestion.pk}"


class BatchGrid:
    """The rows of the batch screen, pre-filled (GET) or as posted (POST).

    A row takes part when its units field is filled in: the first unit leads and the
    others co-handle (主办/会办), or all answer separately (分办). Rows the page did not
    show, or shows no more (assigned meanwhile), are refused as a whole."""

    def __init__(
        self,
        items: Sequence[Suggestion],
        directory: UnitDirectory,
        *,
        categories: dict[str, str],
        past: dict[str, PastPlan] | None = None,
        data: QueryDict | None = None,
    ):
        self.directory = directory
        self.data = data
        self.errors: list[str] = []
        self.plans: list[Plan] = []
        self.rows = [BatchRow(s, categories.get(s.category, s.category)) for s in items]
        if data is None:
            for row in self.rows:
                self._prefill(row, (past or {}).get(row.suggestion.category))
        else:
            for row in self.rows:
                mode = data.get(row.mode_key, HandlingMode.LEAD)
                row.mode = mode if mode in HandlingMode.values else HandlingMode.LEAD
                row.units_text = (data.get(row.units_key) or "").strip()[:2000]

    def _prefill(self, row: BatchRow, past: PastPlan | None) -> None:
        if past is None:
            return
        ids = [i for i in past.unit_ids if i in self.directory.by_id]
        if past.mode == HandlingMode.SEPARATE and len(ids) < 2:
            return
        if past.mode != HandlingMode.SEPARATE and past.lead not in self.directory.by_id:
            return
        row.mode = past.mode
        row.units_text = self.directory.text_for(ids)
        row.suggested = True

    def is_valid(self) -> bool:
        """Parse every posted row into a :class:`Plan`; row errors go on the row."""
        self.plans = []
        shown = {str(r.suggestion.pk) for r in self.rows}
        stale = [
            key
            for key, value in (self.data or {}).items()
            if key.startswith("u-") and value.strip() and key[2:] not in shown
        ]
        if stale:
            self.errors.append(
                gettext("有 %(n)s 件已不在待交办之列（可能已由他人交办），请刷新页面后重新确认")
                % {"n": len(stale)}
            )
        for row in self.rows:
            if not row.units_text:
                continue
            units, missing = self.directory.parse(row.units_text)
            if missing:
                row.errors.append(
                    gettext("未找到承办单位：%(names)s（请从列表中选择）")
                    % {"names": join_list(missing)}
                )
                continue
            if row.mode == HandlingMode.SEPARATE:
                if len(units) < 2:
                    row.errors.append(gettext("分办须选择两个以上承办单位"))
                    continue
                plan = Plan(row.suggestion, HandlingMode.SEPARATE, units=units)
            else:
                plan = Plan(row.suggestion, HandlingMode.LEAD, units[0], co_units=units[1:])
            self.plans.append(plan)
        if not self.plans and not self.errors and not self.row_errors:
            self.errors.append(gettext("请至少为一件建议填写承办单位"))
        return not (self.errors or self.row_errors)

    @property
    def row_errors(self) -> list[BatchRow]:
        return [r for r in self.rows if r.errors]

    def blame(self, message: str) -> BatchRow | None:
        """Put an action's refusal on the row it names (by number), else on the grid."""
        for row in self.rows:
            number = row.suggestion.display_number
            if re.match(re.escape(number) + r"(?![0-9])", message):
                row.errors.append(message)
                return row
        self.errors.append(message)
        return None
