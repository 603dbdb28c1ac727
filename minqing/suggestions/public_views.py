"""The public disclosure of deputies' motions and suggestions (namespace
"public_suggestions", mounted at /public/suggestions/, no login): the list of published
items, searchable by text, unit, year, result class and kind, and one item's page with
its replies, commitments and public steps.

Only ``selectors.published()`` items appear (公开 and past screening): a secret or
private item, a draft or one still being screened is 404 here. Nothing on these pages
shows a contact name or phone, a staff note, a file, a co-handler's view or a
deputy's rating comment; the steps are rendered from their verbs, and a step's note is
shown only where it holds what is public by design (unit names, a date, the
supervising leader).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from minqing.core.config import settings_for
from minqing.core.pagination import paginate
from minqing.suggestions import selectors_docs as reads
from minqing.suggestions.models import Kind, ResultClass, SuggestionState

PER_PAGE = 20
INVALID = gettext_lazy("筛选条件无效，已忽略")


class PublicFilterForm(forms.Form):
    """The public list's filters (GET): an invalid value is ignored, never an error."""

    q = forms.CharField(label=gettext_lazy("搜索"), required=False, max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("年度"), required=False, coerce=int)
    unit = forms.TypedChoiceField(label=gettext_lazy("承办单位"), required=False, coerce=int)

    def __init__(self, *args: Any, units: list, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("议案和建议")), *Kind.choices]
        self.fields["year"].choices = [("", _("全部年度"))] + [
            (y, _("%(y)s年") % {"y": y}) for y in years
        ]
        self.fields["unit"].choices = [("", _("全部承办单位"))] + [(u.pk, u.name) for u in units]
        # "class" is the public parameter's name (办理结果), a keyword in Python.
        self.fields["class"] = forms.ChoiceField(
            label=_("办理结果"),
            required=False,
            choices=[("", _("全部结果")), *ResultClass.choices],
        )
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("标题、内容或编号"), "class": "form-control", "type": "search"}
        )
        for name in ("kind", "year", "unit", "class"):
            self.fields[name].widget.attrs["class"] = "form-select"
            self.fields[name].error_messages["invalid_choice"] = INVALID

    def params(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of ``selectors_docs.public_list``."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (data.get("q") or "").strip(),
            "kind": data.get("kind") or "",
            "year": data.get("year") or None,
            "unit_id": data.get("unit") or None,
            "result_class": data.get("class") or "",
        }


@require_safe
def suggestion_list(request: HttpRequest) -> HttpResponse:
    """The published items, newest first, 20 a page, with the filters."""
    form = PublicFilterForm(
        request.GET or None, units=list(reads.public_units()), years=reads.public_years()
    )
    params = form.params()
    page_obj, querystring = paginate(request, reads.public_list(**params), PER_PAGE)
    return render(
        request,
        "suggestions/public/list.html",
        {
            "form": form,
            "filtered": any(params.values()),
            "page_obj": page_obj,
            "querystring_without_page": querystring,
        },
    )


@dataclass
class Step:
    at: dt.datetime
    text: str


def _date(value: str) -> str:
    try:
        return formats.date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
    except ValueError:
        return ""


def _step(event) -> Step | None:
    """A public timeline row as a sentence; None for a row the public page leaves out.
    Notes are used only where they hold unit names, a date or the supervising leader."""
    verb, note = event.verb, event.note
    texts = {
        "submit": _("代表提出"),
        "accept": _("经审查，予以受理"),
        "place_on_agenda": _("大会主席团决定列入会议议程"),
        "convert": _("由代表议案转为建议办理"),
        "reply": _("承办单位已全部答复，征询代表意见"),
        "rehandle": _("代表对答复不满意，重新办理"),
        "close": _("办理完毕"),
    }
    if verb in texts:
        return Step(event.created_at, texts[verb])
    with_unit = {
        "assign": _("交由%(unit)s办理"),
        "reassign": _("调整交办：%(unit)s"),
        "unit_accept": _("%(unit)s已签收"),
        "contact": _("%(unit)s与代表沟通联系"),
        "unit_reply": _("%(unit)s已答复代表"),
        "commitment_fulfil": _("%(unit)s已兑现答复中的承诺"),
        "supervise_key": _("列为重点督办，督办领导：%(unit)s"),
        "supervise_lead": _("领导领办：%(unit)s"),
    }
    if verb in with_unit:
        return Step(event.created_at, with_unit[verb] % {"unit": note or _("承办单位")})
    if verb == "extend":
        date = _date(note)
        text = _("答复期限延长至%(date)s") % {"date": date} if date else _("答复期限已延长")
        return Step(event.created_at, text)
    return None


@require_safe
def suggestion_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One published item by its public code (404 otherwise)."""
    view = reads.public_detail(code)
    s = view.suggestion
    taxonomy = settings_for(view.region)["taxonomy.opinion_categories"]
    category = next((c["name"] for c in taxonomy if c["code"] == s.category), "")
    return render(
        request,
        "suggestions/public/detail.html",
        {
            "s": s,
            "category": category,
            "deputies": view.deputies,
            "parts": view.parts,
            "replies": view.replies,
            "steps": [x for x in (_step(e) for e in view.events) if x is not None],
            "closed": s.state == SuggestionState.CLOSED,
        },
    )
