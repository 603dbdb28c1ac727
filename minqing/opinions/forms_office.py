"""Forms of the office (分办) and handling-unit (承办) pages, and the context of the two
action panels that the opinion detail page includes.

Forms parse and validate what a person typed, with Chinese messages; the actions in
``minqing.opinions.actions`` decide whether the change is allowed. The panel helpers
compute the ``can_*`` flags and the (possibly bound) forms the panels show:

    context |= office_panel_context(request, opinion)
    context |= unit_panel_context(request, opinion)

When an endpoint refuses a submission it puts its bound form on the request
(:func:`keep_bound`), so the page rendered next shows what the person typed and why it
was refused instead of an empty form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minqing.core import codes
from minqing.core.calendar import Deadline, WorkingCalendar, working_deadline
from minqing.core.config import settings_for
from minqing.core.models import Region, RegionLevel
from minqing.core.permissions import grants_for, is_unrestricted, scope
from minqing.opinions import permissions as perms
from minqing.opinions import selectors, uploads
from minqing.opinions.actions import _common
from minqing.opinions.models import (
    UNIT_STATES,
    ContactMethod,
    DeclineReason,
    ExtensionState,
    Kind,
    Opinion,
    OpinionAssignment,
    OpinionExtension,
    OpinionState,
    Resolution,
)
from minqing.opinions.validation import categories
from minqing.people.models import HandlingUnit
from minqing.stations.models import Station

TRIAGE_STATES = (OpinionState.RECEIVED, OpinionState.TRIAGE)
MAX_ATTACHMENTS = 5
# A select longer than this is unusable on a phone; past it the filter is left out
# (regions: typed as a code instead).
SELECT_LIMIT = 500
# Reply deadlines within this many working days are shown in amber on the unit's inbox.
DUE_SOON_WORKING_DAYS = 2

REQUIRED = _("请填写此项")
CHOOSE = _("请选择")
INVALID_CHOICE = _("所选项不存在，请重新选择")

_BOUND_ATTR = "_opinions_bound_forms"


def _style(form: forms.Form) -> None:
    """Bootstrap classes on every widget, so the templates stay free of widget tweaks."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.HiddenInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


def _note_field(label, *, required: bool, max_length: int = 1000, rows: int = 3, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": REQUIRED,
            "max_length": _("不能超过 %(limit_value)d 个字（现在 %(show_value)d 个字）"),
        },
    )


def _choice_field(label, choices, *, required: bool = True, blank_label=None):
    if blank_label is not None:
        choices = [("", blank_label), *choices]
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        error_messages={"required": CHOOSE, "invalid_choice": INVALID_CHOICE},
    )


def reader_region(user) -> Region | None:
    """The region of the reader's first triage grant (its taxonomy names the categories
    of the lists); None for a superuser, who sees the defaults. No query."""
    if is_unrestricted(user):
        return None
    grants = grants_for(user, "opinions.triage") or grants_for(user, "opinions.view_opinion")
    return grants[0].region if grants else None


def category_names(region: Region | None) -> dict[str, str]:
    """Category code → name in ``region``'s taxonomy (codes are fixed everywhere)."""
    return {c["code"]: c["name"] for c in settings_for(region)["taxonomy.opinion_categories"]}


def units_for_forward(user) -> QuerySet[HandlingUnit]:
    """Active handling units the reader can see: the ones they may forward to."""
    qs = HandlingUnit.objects.filter(is_active=True).select_related("region")
    return scope(qs, user, "people.view_unit").order_by("region__path", "name")


# --- list filters ---------------------------------------------------------------------


class OfficeFilterForm(forms.Form):
    """The triage inbox's filters (GET)."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    kind = _choice_field(_("类型"), Kind.choices, required=False, blank_label=_("全部类型"))
    category = forms.ChoiceField(label=_("分类"), required=False)
    state = _choice_field(
        _("状态"),
        [(OpinionState.RECEIVED, OpinionState.RECEIVED.label), (OpinionState.TRIAGE, _("待分办"))],
        required=False,
        blank_label=_("全部状态"),
    )
    station = forms.ChoiceField(label=_("联络站"), required=False)
    region = forms.CharField(label=_("区域"), required=False, max_length=24)

    def __init__(self, *args, user, category_map: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("全部分类")), *category_map.items()]
        self.fields["q"].widget.attrs["placeholder"] = _("查询码、内容或地址")
        stations = list(
            scope(Station.objects.all(), user, "stations.view_station")
            .order_by("region__path", "name")
            .only("pk", "name")[: SELECT_LIMIT + 1]
        )
        if len(stations) > SELECT_LIMIT:
            del self.fields["station"]
        else:
            self.fields["station"].choices = [("", _("全部联络站"))] + [
                (str(s.pk), s.name) for s in stations
            ]
        self.regions = list(
            scope(
                Region.objects.filter(
                    is_active=True, level__gte=RegionLevel.CITY, level__lte=RegionLevel.TOWNSHIP
                ),
                user,
                "opinions.triage",
            ).order_by("path")[: SELECT_LIMIT + 1]
        )
        if len(self.regions) <= SELECT_LIMIT:
            self.fields["region"].widget = forms.Select(
                choices=[("", _("全部区域"))]
                + [(r.code, f"{'　' * max(r.level - 2, 0)}{r.name}") for r in self.regions]
            )
        else:
            self.fields["region"].widget.attrs["placeholder"] = _("区划代码")
        _style(self)

    def filters(self) -> dict:
        """Keyword arguments for ``selectors.filter_opinions`` (empty when invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        out = {
            "q": data["q"],
            "kind": data["kind"],
            "category": data["category"],
            "state": data["state"],
        }
        if data.get("station"):
            out["station_id"] = int(data["station"])
        code = data["region"].strip()
        if code:
            region = next((r for r in self.regions if r.code == code), None)
            if region is None:
                region = Region.objects.filter(code=code).first()
            # An unknown code matches nothing rather than everything.
            out["region"] = region or Region(path="\x00")
        return out


class UnitFilterForm(forms.Form):
    """The unit inbox's filters (GET)."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    state = _choice_field(
        _("状态"),
        [(OpinionState.FORWARDED, _("待签收")), (OpinionState.HANDLING, _("办理中"))],
        required=False,
        blank_label=_("全部状态"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("查询码、内容或地址")
        _style(self)


class OverdueFilterForm(forms.Form):
    unit = forms.ChoiceField(label=_("承办单位"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("全部承办单位"))] + [
            (str(u.pk), u.name) for u in units
        ]
        _style(self)

    def unit_id(self) -> int | None:
        if self.is_valid() and self.cleaned_data["unit"]:
            return int(self.cleaned_data["unit"])
        return None


# --- the office's actions ---------------------------------------------------------------


class ClassifyForm(forms.Form):
    kind = _choice_field(_("类型"), Kind.choices)
    category = forms.ChoiceField(
        label=_("分类"),
        required=False,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )

    def __init__(self, *args, opinion: Opinion, **kwargs):
        kwargs.setdefault("initial", {"kind": opinion.kind, "category": opinion.category})
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("（未分类）"))] + [
            (c["code"], c["name"]) for c in categories(opinion.region)
        ]
        _style(self)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: HandlingUnit) -> str:
        return gettext("%(name)s（%(region)s）") % {"name": obj.name, "region": obj.region.name}


class ForwardForm(forms.Form):
    unit = UnitChoiceField(
        label=_("承办单位"),
        queryset=HandlingUnit.objects.none(),
        empty_label=_("请选择承办单位或乡镇（街道）"),
        error_messages={
            "required": _("请选择承办单位"),
            "invalid_choice": _("所选承办单位不存在、已停用或不在您的管辖范围内"),
        },
    )
    instructions = _note_field(
        _("交办意见"),
        required=False,
        max_length=2000,
        help_text=_("承办单位可见，群众不可见"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for_forward(user)
        _style(self)


class MergeForm(forms.Form):
    """Merge into a master found by its tracking code. The first POST shows the master;
    the confirmation (a separate ``confirm=1`` button, never a field that could be
    resubmitted with another code) merges."""

    master_code = forms.CharField(
        label=_("主件查询码"),
        max_length=20,
        help_text=_("本件将并入主件办理，本件群众随主件获知办理结果"),
        error_messages={"required": _("请填写主件的查询码")},
    )

    def __init__(self, *args, user, opinion: Opinion, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.opinion, self.master = user, opinion, None
        _style(self)

    def clean_master_code(self) -> str:
        code = codes.normalise(self.cleaned_data["master_code"])
        if not codes.is_valid(code):
            raise ValidationError(_("查询码格式不正确，请核对"))
        master = selectors.opinions_visible(self.user, "opinions.triage").filter(code=code).first()
        if master is None:
            raise ValidationError(_("未找到该查询码对应的民情，或不在您的管辖范围内"))
        if master.pk == self.opinion.pk:
            raise ValidationError(_("不能与自身合并"))
        if master.state in (OpinionState.MERGED, OpinionState.DECLINED):
            raise ValidationError(_("主件已合并或不予受理，请选择其他主件"))
        self.master = master
        return code


class DeclineForm(forms.Form):
    reason = _choice_field(_("不予受理原因"), DeclineReason.choices, blank_label=_("请选择原因"))
    note = _note_field(
        _("告知群众"),
        required=True,
        help_text=_("群众在查询页可以看到：请告诉群众应通过什么途径解决"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ExtensionDecisionForm(forms.Form):
    decision = _choice_field(_("审批"), [("approve", _("同意延期")), ("refuse", _("不同意延期"))])
    note = _note_field(_("审批意见"), required=False, rows=2)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


# --- the unit's actions ------------------------------------------------------------------


class ReturnForm(forms.Form):
    reason = _note_field(
        _("退回理由"),
        required=True,
        help_text=_(
            "退回后由人大办公室重新分办，不会直接转给其他单位。"
            "如认为应由其他单位办理，请在理由中写明。"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ContactForm(forms.Form):
    method = _choice_field(_("联系方式"), ContactMethod.choices, blank_label=_("请选择联系方式"))
    contacted_at = forms.DateTimeField(
        label=_("联系时间"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("不填则为现在"),
        error_messages={"invalid": _("请填写正确的联系时间")},
    )
    note = _note_field(_("联系情况"), required=True, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.Field):
    """Several uploads in one input; each is verified by ``uploads.clean_attachment``
    (the bytes decide the type, never the name), all problems reported at once."""

    widget = MultipleFileInput

    def __init__(self, *, max_count: int, **kwargs):
        self.max_count = max_count
        super().__init__(required=False, **kwargs)
        self.widget.attrs["multiple"] = True
        self.widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.webp"

    def to_python(self, data) -> list:
        if not data:
            return []
        return list(data) if isinstance(data, list | tuple) else [data]

    def validate(self, value: list) -> None:
        if len(value) > self.max_count:
            raise ValidationError(
                gettext("最多上传 %(n)s 个附件") % {"n": self.max_count}, code="too_many"
            )

    def clean(self, data, initial=None) -> list:
        files = super().clean(data)
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(uploads.clean_attachment(upload))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class ReplyForm(forms.Form):
    public_text = _note_field(
        _("答复内容"),
        required=True,
        max_length=2000,
        rows=6,
        help_text=_("群众在查询页看到，署名为本单位：请写明办理经过和结果"),
    )
    resolution = _choice_field(_("解决情况"), Resolution.choices, blank_label=_("请选择"))
    internal_note = _note_field(
        _("内部备注"), required=False, max_length=2000, help_text=_("仅工作人员可见")
    )
    attachments = AttachmentsField(
        max_count=MAX_ATTACHMENTS,
        label=_("附件"),
        help_text=_("最多 5 个 PDF 或图片文件，仅工作人员可见"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ExtensionRequestForm(forms.Form):
    working_days = forms.IntegerField(
        label=_("延长工作日"),
        error_messages={"required": _("请填写延长的工作日数"), "invalid": _("请填写整数")},
    )
    reason = _note_field(_("延期理由"), required=True)

    def __init__(self, *args, max_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["working_days"]
        field.validators += [MinValueValidator(1), MaxValueValidator(max_days)]
        field.widget.attrs.update({"min": 1, "max": max_days})
        field.help_text = gettext("最多 %(max)s 个工作日，由人大办公室审批") % {"max": max_days}
        out_of_range = gettext("延期天数须为 1 至 %(max)s 个工作日") % {"max": max_days}
        field.error_messages.update(min_value=out_of_range, max_value=out_of_range)
        _style(self)


# --- deadlines shown before anyone commits to them ---------------------------------------


@dataclass(frozen=True)
class ForwardPreview:
    """The deadlines a forward made today would set (as ``actions.opinion_forward``)."""

    start: dt.date
    sign: Deadline
    contact: Deadline
    reply: Deadline

    @property
    def provisional(self) -> bool:
        return self.sign.provisional or self.contact.provisional or self.reply.provisional

    @property
    def warning(self) -> str:
        return self.reply.warning or self.contact.warning or self.sign.warning


def forward_preview(opinion: Opinion) -> ForwardPreview:
    cfg = settings_for(opinion.region)
    start = _common.today()
    return ForwardPreview(
        start=start,
        sign=working_deadline(start, cfg["opinion.sign_working_days"]),
        contact=working_deadline(start, cfg["opinion.contact_working_days"]),
        reply=working_deadline(start, cfg["opinion.reply_working_days"]),
    )


def add_working_days_with(cal: WorkingCalendar, start: dt.date, n: int) -> dt.date:
    """``start`` + n working days on a calendar snapshot already read (no query), for
    lists that show one deadline per row. The snapshot must reach far enough."""
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if cal.is_working_day(day):
            counted += 1
    return day


def working_days_between(cal: WorkingCalendar, after: dt.date, until: dt.date) -> int:
    """Working days d with after < d <= until (0 when ``until`` is not later)."""
    count, day = 0, after
    while day < until:
        day += dt.timedelta(days=1)
        if cal.is_working_day(day):
            count += 1
    return count


# --- the panels on the detail page --------------------------------------------------------


def keep_bound(request: HttpRequest, key: str, form: forms.Form) -> None:
    """Remember a refused, bound form so the panel shows it instead of a fresh one."""
    bound = getattr(request, _BOUND_ATTR, None)
    if bound is None:
        bound = {}
        setattr(request, _BOUND_ATTR, bound)
    bound[key] = form


def _bound(request: HttpRequest, key: str) -> forms.Form | None:
    return getattr(request, _BOUND_ATTR, {}).get(key)


def pending_extension(opinion: Opinion) -> OpinionExtension | None:
    """The current assignment's pending extension request, if any (uses the detail
    page's prefetch of ``extensions`` when there is one)."""
    if not opinion.assignment_id or opinion.state not in UNIT_STATES:
        return None
    cached = getattr(opinion, "_prefetched_objects_cache", {}).get("extensions")
    if cached is not None:
        return next(
            (
                e
                for e in cached
                if e.state == ExtensionState.PENDING and e.assignment_id == opinion.assignment_id
            ),
            None,
        )
    return OpinionExtension.objects.filter(
        assignment_id=opinion.assignment_id, state=ExtensionState.PENDING
    ).first()


def last_return(opinion: Opinion) -> OpinionAssignment | None:
    """The latest assignment when a unit returned it (the office should see why); uses
    the detail page's prefetch of ``assignments`` when there is one."""
    if opinion.state != OpinionState.TRIAGE:
        return None
    cached = getattr(opinion, "_prefetched_objects_cache", {}).get("assignments")
    if cached is not None:
        latest = max(cached, key=lambda a: (a.forwarded_at, a.pk), default=None)
    else:
        latest = (
            OpinionAssignment.objects.filter(opinion=opinion)
            .select_related("unit")
            .order_by("-forwarded_at", "-id")
            .first()
        )
    return latest if latest is not None and latest.returned_at else None


def office_panel_context(request: HttpRequest, opinion: Opinion) -> dict:
    """What office_panel.html needs: flags, forms and deadline previews. The panel shows
    when the reader may triage this opinion and it waits for triage, or when its unit
    asked for an extension."""
    user = request.user
    can_triage = perms.can(user, "opinions.triage", opinion)
    in_triage = can_triage and opinion.state in TRIAGE_STATES
    pending = pending_extension(opinion) if can_triage else None
    shown = in_triage or pending is not None
    ctx: dict = {
        "office_panel": shown,
        "show_office_panel": shown,  # the detail page's own flag: nothing to do, no panel
        "can_classify": in_triage,
        "can_forward": in_triage,
        "can_merge": in_triage,
        "can_decline": in_triage,
        "can_decide_extension": can_triage and pending is not None,
        "pending_extension": pending,
    }
    if in_triage:
        ctx.update(
            classify_form=_bound(request, "classify_form") or ClassifyForm(opinion=opinion),
            forward_form=_bound(request, "forward_form") or ForwardForm(user=user),
            merge_form=_bound(request, "merge_form") or MergeForm(user=user, opinion=opinion),
            decline_form=_bound(request, "decline_form") or DeclineForm(),
            forward_preview=forward_preview(opinion),
            returned_assignment=last_return(opinion),
        )
    if pending is not None:
        ctx.update(
            decide_form=_bound(request, "decide_form") or ExtensionDecisionForm(),
            extension_preview=working_deadline(pending.old_due, pending.working_days),
        )
    return ctx


def unit_panel_context(request: HttpRequest, opinion: Opinion) -> dict:
    """What unit_panel.html needs: the unit's deadlines, flags and forms. The panel
    shows while the reader's unit holds the opinion (forwarded or handling)."""
    can_handle = perms.can(request.user, "opinions.handle", opinion)
    state = opinion.state
    held = can_handle and state in UNIT_STATES
    pending = pending_extension(opinion) if held else None
    ctx: dict = {
        "unit_panel": held,
        "show_unit_panel": held,
        "can_sign": held and state == OpinionState.FORWARDED,
        "can_return": held,
        "can_contact": held and state == OpinionState.HANDLING,
        "can_reply": held and state == OpinionState.HANDLING,
        "can_request_extension": held and pending is None,
        "pending_extension": pending,
    }
    if not held:
        return ctx
    max_days = settings_for(opinion.region)["opinion.extension_max_working_days"]
    ctx.update(
        unit_assignment=opinion.assignment,
        return_form=_bound(request, "return_form") or ReturnForm(),
        contact_form=_bound(request, "contact_form") or ContactForm(),
        reply_form=_bound(request, "reply_form") or ReplyForm(),
        extension_form=_bound(request, "extension_form") or ExtensionRequestForm(max_days=max_days),
    )
    return ctx
