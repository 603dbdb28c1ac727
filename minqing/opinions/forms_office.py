"""Forms of the office's (分办) pages and the context of the office's action panel that
the opinion detail page includes. The handling unit's (承办) side is in ``forms_unit``
and the helpers both use are in ``forms_common``; the names that used to live here are
re-exported (``from x import y as y``), so old imports keep working.

Forms parse and validate what a person typed, with Chinese messages; the actions in
``minqing.opinions.actions`` decide whether the change is allowed. The panel helpers
compute the ``can_*`` flags and the (possibly bound) forms the panels show:

    context |= office_panel_context(request, opinion)
    context |= unit_panel_context(request, opinion)  # forms_unit

When an endpoint refuses a submission it puts its bound form on the request
(:func:`keep_bound`), so the page rendered next shows what the person typed and why it
was refused instead of an empty form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
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
from minqing.opinions import selectors
from minqing.opinions.actions import _common
from minqing.opinions.forms_common import CHOOSE as CHOOSE
from minqing.opinions.forms_common import INVALID_CHOICE as INVALID_CHOICE
from minqing.opinions.forms_common import REQUIRED as REQUIRED
from minqing.opinions.forms_common import (
    _bound,
    _choice_field,
    _note_field,
    _style,
    pending_extension,
)
from minqing.opinions.forms_common import keep_bound as keep_bound
from minqing.opinions.forms_unit import DUE_SOON_WORKING_DAYS as DUE_SOON_WORKING_DAYS
from minqing.opinions.forms_unit import MAX_ATTACHMENTS as MAX_ATTACHMENTS
from minqing.opinions.forms_unit import AttachmentsField as AttachmentsField
from minqing.opinions.forms_unit import ContactForm as ContactForm
from minqing.opinions.forms_unit import ExtensionRequestForm as ExtensionRequestForm
from minqing.opinions.forms_unit import MultipleFileInput as MultipleFileInput
from minqing.opinions.forms_unit import ReplyForm as ReplyForm
from minqing.opinions.forms_unit import ReturnForm as ReturnForm
from minqing.opinions.forms_unit import UnitFilterForm as UnitFilterForm
from minqing.opinions.forms_unit import unit_panel_context as unit_panel_context
from minqing.opinions.models import DeclineReason, Kind, Opinion, OpinionAssignment, OpinionState
from minqing.opinions.validation import categories
from minqing.people.models import HandlingUnit
from minqing.stations.models import Station

TRIAGE_STATES = (OpinionState.RECEIVED, OpinionState.TRIAGE)
# A select longer than this is unusable on a phone; past it the filter is left out
# (regions: typed as a code instead).
SELECT_LIMIT = 500


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
            # An unknown code matches nothing rather than everything: real paths start
            # with a code, never with "/" (and PostgreSQL refuses NUL in text).
            out["region"] = region or Region(path="/")
        return out


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


# --- the panel on the detail page ---------------------------------------------------------


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
