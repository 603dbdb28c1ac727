"""Forms of the handling unit's (承办) pages and the context of the unit's action panel
that the opinion detail page includes:

    context |= unit_panel_context(request, opinion)

The office's side is in ``forms_office``; what both share in ``forms_common``.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minqing.core.config import settings_for
from minqing.opinions import permissions as perms
from minqing.opinions import uploads
from minqing.opinions.forms_common import (
    _bound,
    _choice_field,
    _note_field,
    _style,
    pending_extension,
)
from minqing.opinions.models import UNIT_STATES, ContactMethod, Opinion, OpinionState, Resolution

MAX_ATTACHMENTS = 5
# Reply deadlines within this many working days are shown in amber on the unit's inbox.
DUE_SOON_WORKING_DAYS = 2


# --- list filters ---------------------------------------------------------------------


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
        return uploads.clean_attachments(super().clean(data))


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


# --- the panel on the detail page ---------------------------------------------------------


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
