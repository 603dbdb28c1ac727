"""Forms of the deputies' pages and of the deputy panel on the item page.

They parse and check input with the rules the actions apply (the same minimums and
the same Chinese messages) and hand the actions model objects; the actions decide.
Field names match the keys of the actions' ValidationError dicts (``title``,
``session``, ``cosigners``, ``opinions``, ``comment`` …) so ``core.web.apply_errors``
puts a refusal next to its field.

The deputy panel's context (:func:`deputy_panel_context`) is built here like the
office's and the unit's panels are in ``forms_office`` and ``forms_unit``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minqing.core.config import settings_for
from minqing.core.models import Region
from minqing.core.permissions import grants_for
from minqing.opinions import uploads
from minqing.opinions.models import Opinion
from minqing.opinions.permissions import deputy_of
from minqing.people.models import Congress, Deputy, HandlingUnit
from minqing.suggestions import permissions as perms
from minqing.suggestions import selectors_deputy as reads
from minqing.suggestions.models import (
    WITHDRAWABLE_STATES,
    CongressSession,
    Disclosure,
    Kind,
    Level,
    Reply,
    ResultClass,
    SignerState,
    Suggestion,
    SuggestionState,
    SupervisionKind,
)
from minqing.suggestions.selectors import DetailView

REQUIRED = _("此项为必填项")
INVALID_FILTER = _("筛选条件无效")
MAX_ATTACHMENTS = 10
ATTACHMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png,.webp"


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
    """Adds Bootstrap's ``is-invalid`` to the widget of every field that gets an
    error, from validation or from an action's refusal (``apply_errors``)."""

    def add_error(self, field, error) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        names = [field] if field else []
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            names = list(error.error_dict)
        for name in names:
            f = self.fields.get(name)  # type: ignore[attr-defined]
            if f is None or isinstance(f.widget, forms.RadioSelect):
                continue
            css = f.widget.attrs.get("class", "")
            if "is-invalid" not in css:
                f.widget.attrs["class"] = f"{css} is-invalid".strip()


def _text(label, *, min_length: int = 0, max_length: int = 20000, rows: int = 0, required=True):
    messages = {
        "required": REQUIRED,
        "max_length": _("不能超过 %(limit_value)d 个字（现在 %(show_value)d 个字）"),
        "min_length": _("至少填写 %(limit_value)d 个字（现在 %(show_value)d 个字）"),
    }
    return forms.CharField(
        label=label,
        required=required,
        min_length=min_length or None,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput,
        error_messages=messages,
    )


def reader_region(user) -> Region | None:
    """The region whose taxonomy and settings the reader's pages use: the deputy's
    congress, else the widest region of their grants; None (the defaults) otherwise."""
    deputy = deputy_of(user)
    if deputy is not None:
        congress = Congress.objects.select_related("region").filter(terms=deputy.term_id).first()
        if congress is not None:
            return congress.region
    regions = [g.region for g in grants_for(user, perms.VIEW)]
    return min(regions, key=lambda r: r.level) if regions else None


def category_choices(region: Region | None) -> list[tuple[str, str]]:
    return [(c["code"], c["name"]) for c in settings_for(region)["taxonomy.opinion_categories"]]


def deputy_label(deputy: Deputy) -> str:
    return gettext("%(name)s（代表证号 %(number)s）") % {
        "name": deputy.name,
        "number": deputy.deputy_number,
    }


class DeputyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Deputy) -> str:
        return deputy_label(obj)


class AttachmentsInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.Field):
    """Several uploads in one input, each verified by ``opinions.uploads`` (the bytes
    decide the type, never the name); every refused file is named in one message."""

    widget = AttachmentsInput

    def __init__(self, *, max_count: int = MAX_ATTACHMENTS, **kwargs: Any) -> None:
        self.max_count = max_count
        super().__init__(required=False, **kwargs)
        self.widget.attrs.update({"multiple": True, "accept": ATTACHMENT_ACCEPT})

    def to_python(self, data: Any) -> list:
        if not data:
            return []
        return [f for f in data if f] if isinstance(data, list | tuple) else [data]

    def validate(self, value: list) -> None:
        if len(value) > self.max_count:
            raise ValidationError(
                gettext("最多上传 %(n)s 个附件") % {"n": self.max_count}, code="too_many"
            )

    def clean(self, data: Any, initial: Any = None) -> list:
        return uploads.clean_attachments(super().clean(data))


def _picked(field: forms.ModelMultipleChoiceField, raw: Any) -> list:
    """The objects behind a bound multiple-choice value (chips to show again after an
    error); unknown or malformed ids are dropped."""
    ids = []
    for value in raw or []:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    if not ids:
        return []
    return list(field.queryset.filter(pk__in=ids))


# --- the draft -----------------------------------------------------------------------------


class SuggestionForm(MarkInvalid, forms.Form):
    """The draft of a motion or suggestion: create (with co-signers, and the lead deputy
    when the office enters a paper item) and edit (the text, source opinions and more
    attachments; co-signers are invited from the item page)."""

    kind = forms.ChoiceField(
        label=_("类型"),
        choices=Kind.choices,
        initial=Kind.SUGGESTION,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择议案或建议"), "invalid_choice": _("请选择议案或建议")},
    )
    lead_deputy = DeputyChoiceField(
        label=_("领衔代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("所选代表不存在或不在您的管理范围内")},
    )
    title = _text(_("标题"), min_length=4, max_length=200)
    category = forms.ChoiceField(
        label=_("类别"),
        required=False,
        error_messages={"invalid_choice": _("请选择列表中的类别")},
    )
    grounds = _text(_("案由与理由"), min_length=10, rows=6)
    proposal = _text(_("建议与办法"), min_length=10, rows=6)
    session = forms.ModelChoiceField(
        label=_("提出时间"),
        queryset=CongressSession.objects.none(),
        required=False,
        empty_label=_("闭会期间"),
        error_messages={"invalid_choice": _("请选择列表中的会议")},
    )
    disclosure = forms.ChoiceField(
        label=_("公开属性"),
        choices=Disclosure.choices,
        initial=Disclosure.PUBLIC,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择公开属性"), "invalid_choice": _("请选择公开属性")},
    )
    contact_name = _text(_("联系人"), max_length=40, required=False)
    contact_phone = _text(_("联系电话"), max_length=20, required=False)
    attachments = AttachmentsField(
        label=_("附件"),
        help_text=_("最多 10 个 PDF 或图片文件（调研报告、照片等）"),
    )
    cosigners = forms.ModelMultipleChoiceField(
        label=_("联名代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.MultipleHiddenInput,
        error_messages={
            "invalid_choice": _("所选代表不存在或不能联名"),
            "invalid_pk_value": _("所选代表不存在或不能联名"),
        },
    )
    opinions = forms.ModelMultipleChoiceField(
        label=_("来源民情"),
        queryset=Opinion.objects.none(),
        required=False,
        widget=forms.MultipleHiddenInput,
        error_messages={
            "invalid_choice": _("所选民情不存在或您无权引用"),
            "invalid_pk_value": _("所选民情不存在或您无权引用"),
        },
    )

    def __init__(
        self,
        *args: Any,
        user,
        region: Region | None,
        suggestion: Suggestion | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.deputy = deputy_of(user)
        self.suggestion = suggestion
        # The office enters a paper item for a deputy it chooses (代录).
        self.by_office = suggestion is None and bool(reads.managed_congresses(user).exists())
        self.fields["category"].choices = [("", _("请选择类别")), *category_choices(region)]
        lead = suggestion.lead_deputy if suggestion is not None else self.deputy
        self.fields["session"].queryset = reads.sessions_for(user, lead)
        self.fields["opinions"].queryset = reads.answerable_opinions(user)
        if suggestion is not None:
            for name in ("kind", "lead_deputy", "cosigners"):
                del self.fields[name]
        else:
            self.fields["cosigners"].queryset = reads.cosigner_pool(user)
            if self.by_office:
                self.fields["lead_deputy"].queryset = reads.managed_deputies(user)
                self.fields["lead_deputy"].required = self.deputy is None
                self.fields["lead_deputy"].error_messages["required"] = _("请选择领衔代表")
            else:
                del self.fields["lead_deputy"]
        self.fields["title"].widget.attrs["placeholder"] = _("关于……的建议")
        self.fields["contact_phone"].widget.attrs["inputmode"] = "tel"
        _style(self)

    def clean_contact_phone(self) -> str:
        phone = (self.cleaned_data.get("contact_phone") or "").strip()
        if phone and not (phone.replace("-", "").isdigit() and 7 <= len(phone) <= 20):
            raise ValidationError(_("请填写正确的联系电话"))
        return phone

    def clean(self) -> dict:
        data = super().clean()
        lead = data.get("lead_deputy") or self.deputy
        for d in data.get("cosigners") or []:
            if lead is not None and d.term_id != lead.term_id:
                self.add_error(
                    "cosigners",
                    gettext("%(name)s不是本届在任代表，不能联名") % {"name": d.name},
                )
        session = data.get("session")
        if lead is not None and session is not None and session.term_id != lead.term_id:
            self.add_error("session", _("所选会议不属于领衔代表所在的人民代表大会"))
        return data

    def action_data(self) -> dict:
        """The ``data`` dict of ``suggestion_create`` / ``suggestion_update``."""
        d = self.cleaned_data
        keys = (
            "title",
            "category",
            "grounds",
            "proposal",
            "disclosure",
            "contact_name",
            "contact_phone",
            "session",
        )
        return {k: d.get(k) for k in keys}

    # What the pickers show again on a re-rendered form.
    def picked_cosigners(self) -> list[Deputy]:
        if "cosigners" not in self.fields:
            return []
        field = self.fields["cosigners"]
        raw = self.data.getlist("cosigners") if self.is_bound else self.initial.get("cosigners")
        return _picked(field, [getattr(v, "pk", v) for v in raw or []])

    def picked_opinions(self) -> list[Opinion]:
        field = self.fields["opinions"]
        raw = self.data.getlist("opinions") if self.is_bound else self.initial.get("opinions")
        return _picked(field, [getattr(v, "pk", v) for v in raw or []])

    def picked_lead(self) -> Deputy | None:
        if "lead_deputy" not in self.fields:
            return None
        raw = self.data.get("lead_deputy") if self.is_bound else self.initial.get("lead_deputy")
        found = _picked(self.fields["lead_deputy"], [getattr(raw, "pk", raw)] if raw else [])
        return found[0] if found else None


def initial_from(suggestion: Suggestion) -> dict:
    """The edit form's initial values."""
    return {
        "title": suggestion.title,
        "category": suggestion.category,
        "grounds": suggestion.grounds,
        "proposal": suggestion.proposal,
        "session": suggestion.session_id,
        "disclosure": suggestion.disclosure,
        "contact_name": suggestion.contact_name,
        "contact_phone": suggestion.contact_phone,
    }


def initial_for_opinion(opinion: Opinion | None, deputy: Deputy | None, categories) -> dict:
    """A new draft's initial values: the deputy as contact, and when started from a
    citizen's opinion (``?opinion=``) that opinion, its category and its text."""
    initial: dict = {"kind": Kind.SUGGESTION, "disclosure": Disclosure.PUBLIC}
    if deputy is not None:
        initial["contact_name"] = deputy.name
    if opinion is not None:
        initial["opinions"] = [opinion.pk]
        if opinion.category in dict(categories):
            initial["category"] = opinion.category
        initial["grounds"] = gettext("群众反映：%(text)s") % {"text": opinion.text}
    return initial


# --- the deputy panel's steps ----------------------------------------------------------------


class InviteForm(MarkInvalid, forms.Form):
    cosigners = forms.ModelMultipleChoiceField(
        label=_("邀请联名代表"),
        queryset=Deputy.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": _("请选择要邀请联名的代表"),
            "invalid_choice": _("所选代表不存在或不能联名"),
            "invalid_pk_value": _("所选代表不存在或不能联名"),
        },
    )

    def __init__(self, *args: Any, suggestion: Suggestion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.suggestion = suggestion
        self.fields["cosigners"].queryset = Deputy.objects.filter(
            term_id=suggestion.lead_deputy.term_id
        )

    def picked_cosigners(self) -> list[Deputy]:
        raw = self.data.getlist("cosigners") if self.is_bound else []
        return _picked(self.fields["cosigners"], raw)


class ReasonForm(MarkInvalid, forms.Form):
    """The optional reason of a withdrawal or of refusing one."""

    reason = _text(_("理由"), max_length=500, rows=2, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class FeedbackForm(MarkInvalid, forms.Form):
    """The deputy's rating of one reply (征询意见表)."""

    result_level = forms.ChoiceField(
        label=_("对办理结果"),
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请评价办理结果"), "invalid_choice": _("请评价办理结果")},
    )
    contact_level = forms.ChoiceField(
        label=_("对沟通联系"),
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请评价沟通联系情况"),
            "invalid_choice": _("请评价沟通联系情况"),
        },
    )
    comment = _text(_("意见"), max_length=2000, rows=3, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].help_text = _("不满意时请说明理由（至少 5 个字）")
        _style(self)

    def clean(self) -> dict:
        data = super().clean()
        comment = (data.get("comment") or "").strip()
        if data.get("result_level") == Level.UNSATISFIED and len(comment) < 5:
            self.add_error("comment", _("不满意时请说明理由（至少 5 个字）"))
        return data


# --- list filters ---------------------------------------------------------------------------


def _all(label) -> list[tuple[str, Any]]:
    return [("", label)]


class MineFilterForm(forms.Form):
    """Filters of the deputy's own items (GET)."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("类型"), required=False)
    state = forms.ChoiceField(label=_("状态"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _all(_("议案和建议")) + list(Kind.choices)
        self.fields["state"].choices = _all(_("全部状态")) + list(SuggestionState.choices)
        self.fields["q"].widget.attrs["placeholder"] = _("标题、内容或编号")
        for name in ("kind", "state"):
            self.fields[name].error_messages["invalid_choice"] = INVALID_FILTER
        _style(self)

    def params(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of ``selectors.filter_suggestions``
        (an invalid one is dropped; the others still apply)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: data.get(k) or "" for k in ("q", "kind", "state")}


class ListFilterForm(MineFilterForm):
    """Filters of the list of every item the reader may see (GET); the ledger export
    takes the same parameters."""

    year = forms.IntegerField(
        label=_("年度"),
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": INVALID_FILTER,
            "min_value": INVALID_FILTER,
            "max_value": INVALID_FILTER,
        },
    )
    session = forms.ModelChoiceField(
        label=_("会议"),
        required=False,
        queryset=CongressSession.objects.none(),
        empty_label=_("全部会议"),
        error_messages={"invalid_choice": INVALID_FILTER},
    )
    category = forms.ChoiceField(label=_("类别"), required=False)
    result_class = forms.ChoiceField(label=_("办理结果"), required=False)
    unit = forms.ModelChoiceField(
        label=_("承办单位"),
        required=False,
        queryset=HandlingUnit.objects.none(),
        empty_label=_("全部承办单位"),
        error_messages={"invalid_choice": INVALID_FILTER},
    )
    supervised = forms.ChoiceField(label=_("督办"), required=False)

    def __init__(
        self,
        *args: Any,
        categories: list[tuple[str, str]],
        sessions: QuerySet[CongressSession],
        units: QuerySet[HandlingUnit],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _all(_("全部类别")) + categories
        self.fields["result_class"].choices = _all(_("全部结果")) + list(ResultClass.choices)
        self.fields["supervised"].choices = _all(_("全部")) + list(SupervisionKind.choices)
        self.fields["session"].queryset = sessions
        self.fields["unit"].queryset = units
        self.fields["year"].widget.attrs["placeholder"] = _("年度")
        for name in ("category", "result_class", "supervised"):
            self.fields[name].error_messages["invalid_choice"] = INVALID_FILTER
        _style(self)

    def params(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        session, unit = data.get("session"), data.get("unit")
        return {
            **{k: data.get(k) or "" for k in ("q", "kind", "state", "category", "result_class")},
            "supervised": data.get("supervised") or "",
            "year": data.get("year") or None,
            "session_id": session.pk if session else None,
            "unit_id": unit.pk if unit else None,
        }


# --- the deputy panel on the item page ----------------------------------------------------


def _feedback_rows(view: DetailView, bound: dict) -> list[dict]:
    """One form per reply of the current round that has no rating yet."""
    s = view.suggestion
    rows = []
    for r in view.replies:
        if r.round != s.round or _feedback_of(r) is not None:
            continue
        form = bound.get("feedback_form") if bound.get("feedback_reply_id") == r.pk else None
        rows.append({"reply": r, "form": form or FeedbackForm(prefix=f"fb{r.pk}")})
    return rows


def _feedback_of(reply: Reply):
    try:
        return reply.feedback
    except Reply.feedback.RelatedObjectDoesNotExist:
        return None


def deputy_panel_context(request: HttpRequest, view: DetailView, bound: dict | None = None) -> dict:
    """What includes/deputy_panel.html needs: the reader's signature, the ``can_*``
    flags of the deputy's steps and their forms (``bound`` holds refused bound forms
    to show again: ``invite_form``, ``withdraw_form``, ``refuse_form``,
    ``feedback_form`` with ``feedback_reply_id``)."""
    bound = bound or {}
    user = request.user
    s = view.suggestion
    deputy = deputy_of(user)
    signer = None
    if deputy is not None:
        signer = next((x for x in view.signers if x.deputy_id == deputy.pk), None)
    is_lead = deputy is not None and s.lead_deputy_id == deputy.pk
    lead_or_office = is_lead or view.is_office
    drafting = s.state == SuggestionState.DRAFT
    withdrawable = s.state in WITHDRAWABLE_STATES
    co_signer = signer is not None and not signer.is_lead
    can = {
        "edit": lead_or_office and drafting,
        "submit": lead_or_office and drafting,
        "invite": lead_or_office and drafting,
        "withdraw": is_lead and withdrawable and s.withdraw_requested_at is None,
        "answer_invitation": co_signer and drafting and signer.state == SignerState.INVITED,
        "answer_withdraw": co_signer
        and withdrawable
        and s.withdraw_requested_at is not None
        and signer.state == SignerState.CONFIRMED
        and signer.withdraw_agreed_at is None,
        "feedback": lead_or_office and s.state == SuggestionState.REPLIED,
    }
    invited = [x for x in view.signers if x.state == SignerState.INVITED]
    confirmed = [x for x in view.signers if x.state == SignerState.CONFIRMED]
    min_signers = None
    if s.kind == Kind.MOTION and can["submit"]:
        min_signers = settings_for(s.region)["motion.min_signers"]
    feedback_rows = _feedback_rows(view, bound) if can["feedback"] else []
    waiting_withdraw = (
        [x for x in confirmed if not x.is_lead and x.withdraw_agreed_at is None]
        if s.withdraw_requested_at
        else []
    )
    return {
        "my_signer": signer,
        "is_lead": is_lead,
        "deputy_can": can,
        "deputy_panel": any(can.values()) or s.withdraw_requested_at is not None,
        "entering_for_deputy": view.is_office and not is_lead,
        "invited_signers": invited,
        "confirmed_count": len(confirmed),
        "min_signers": min_signers,
        "motion_short": min_signers is not None and len(confirmed) < min_signers,
        "waiting_withdraw": waiting_withdraw,
        "invite_form": bound.get("invite_form") or InviteForm(suggestion=s),
        "withdraw_form": bound.get("withdraw_form") or ReasonForm(prefix="withdraw"),
        "refuse_form": bound.get("refuse_form") or ReasonForm(prefix="refuse"),
        "feedback_rows": feedback_rows,
    }
