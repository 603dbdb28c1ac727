"""What the office's (分办) and the handling unit's (承办) forms share: Bootstrap classes
on the widgets, field builders with Chinese messages, the current extension request,
and a refused bound form kept on the request (:func:`keep_bound`) for the panel that
shows it next."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from minqing.opinions.models import UNIT_STATES, ExtensionState, Opinion, OpinionExtension

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
