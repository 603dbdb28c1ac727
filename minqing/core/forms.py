"""Forms of the core pages: every message in Chinese."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minqing.core.actions import CalendarRow, RegionRow, region_import_errors
from minqing.core.config import Setting
from minqing.core.i18n import join_list
from minqing.core.importing import (
    Column,
    RowError,
    parse_choice,
    parse_date,
    parse_rows,
    read_table,
    template_workbook,
)
from minqing.core.models import RegionLevel
from minqing.core.selectors import KINDS_BY_LEVEL, LEVEL_OF_KIND

CHINESE_REQUIRED = {"required": _("此项为必填项")}
LEVEL_CHOICES = [("", _("全部层级")), *[(str(v), label) for v, label in RegionLevel.choices]]


class RegionFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或代码"), required=False, max_length=100)
    level = forms.TypedChoiceField(
        label=_("层级"), required=False, choices=LEVEL_CHOICES, coerce=int, empty_value=None
    )
    parent = forms.CharField(label=_("上级区划代码"), required=False, max_length=24)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].error_messages["invalid_choice"] = _("层级无效")


class RegionCreateForm(forms.Form):
    code = forms.CharField(label=_("区划代码"), max_length=24, error_messages=CHINESE_REQUIRED)
    name = forms.CharField(label=_("名称"), max_length=100, error_messages=CHINESE_REQUIRED)
    kind = forms.ChoiceField(label=_("类型"), choices=(), error_messages=CHINESE_REQUIRED)

    def __init__(self, *args: Any, level: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, k) for k in KINDS_BY_LEVEL.get(level, ())]
        self.fields["kind"].error_messages["invalid_choice"] = _("类型无效")
        self.fields["code"].help_text = _("乡镇/街道用9位、村/社区用12位统计用区划代码；网格可自编")


class RegionEditForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, error_messages=CHINESE_REQUIRED)
    kind = forms.ChoiceField(label=_("类型"), choices=(), error_messages=CHINESE_REQUIRED)
    is_active = forms.BooleanField(
        label=_("有效"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, level: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, k) for k in KINDS_BY_LEVEL.get(level, ())]
        self.fields["kind"].error_messages["invalid_choice"] = _("类型无效")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("文件（.xlsx 或 .csv）"),
        error_messages={"required": _("请选择要上传的文件"), "empty": _("文件是空的")},
    )


class CalendarImportForm(UploadForm):
    year = forms.IntegerField(
        label=_("年份"),
        min_value=2000,
        max_value=2100,
        error_messages={
            **CHINESE_REQUIRED,
            "invalid": _("请输入年份"),
            "min_value": _("年份超出范围"),
            "max_value": _("年份超出范围"),
        },
    )
    source = forms.CharField(
        label=_("依据"),
        max_length=200,
        required=False,
        help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）"),
    )


class AuditFilterForm(forms.Form):
    verb = forms.CharField(label=_("操作（前缀）"), required=False, max_length=80)
    actor = forms.CharField(label=_("操作人用户名"), required=False, max_length=150)
    region = forms.CharField(label=_("区域代码（含下级）"), required=False, max_length=24)
    date_from = forms.DateField(
        label=_("起始日期"),
        required=False,
        error_messages={"invalid": _("日期格式应为 2026-03-01")},
    )
    date_to = forms.DateField(
        label=_("截止日期"),
        required=False,
        error_messages={"invalid": _("日期格式应为 2026-03-01")},
    )
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=100)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError(_("起始日期不能晚于截止日期"))
        return data


# --- settings ----------------------------------------------------------------------------

_CATEGORY_LINE = re.compile(r"^\s*([A-Za-z0-9_\-]+)[\s:：,，]+(.+?)\s*$")


def categories_to_text(value: Any) -> str:
    """The categories list as the textarea shows it: one "code 名称" per line."""
    if not isinstance(value, list):
        return ""
    return "\n".join(
        f"{item.get('code', '')} {item.get('name', '')}" for item in value if isinstance(item, dict)
    )


def text_to_categories(text: str) -> list[dict[str, str]]:
    """Parse one "code 名称" per line (blank lines ignored); ValidationError in Chinese."""
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _CATEGORY_LINE.match(line)
        if match is None:
            raise ValidationError(
                _("第 %(n)s 行格式应为“代码 名称”，如：urban 城乡建设") % {"n": number}
            )
        items.append({"code": match[1], "name": match[2]})
    return items


class SettingForm(forms.Form):
    """Edits one registered setting; the widget follows the setting's kind and the value
    is validated by ``Setting.parse`` (the same check the action and the API use)."""

    def __init__(self, *args: Any, setting: Setting, current: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setting = setting
        label = str(setting.label)
        if setting.unit:
            label = gettext("%(label)s（%(unit)s）") % {"label": label, "unit": setting.unit}
        if setting.kind == "bool":
            field: forms.Field = forms.ChoiceField(
                label=label, choices=[("true", _("是")), ("false", _("否"))]
            )
            initial = "true" if current else "false"
        elif setting.kind == "categories":
            field = forms.CharField(
                label=label,
                widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
                help_text=_("每行一个分类：代码 空格 名称。固定代码不能删除，名称可改，可新增。"),
            )
            initial = categories_to_text(current)
        else:
            field = forms.CharField(label=label, max_length=20)
            if isinstance(current, float) and current.is_integer():
                current = int(current)
            initial = "" if current is None else str(current)
        field.error_messages["required"] = _("请填写取值")
        field.help_text = field.help_text or setting.help
        self.fields["value"] = field
        self.initial.setdefault("value", initial)

    def clean_value(self) -> Any:
        raw = self.cleaned_data["value"]
        if self.setting.kind == "categories":
            raw = text_to_categories(raw)
        return self.setting.parse(raw)


# --- imports -----------------------------------------------------------------------------

# The kinds are data the importer matches, so they stay Chinese; only the separator follows
# the language.
REGION_KINDS = tuple(k for kinds in KINDS_BY_LEVEL.values() for k in kinds)


def _parse_region_kind(text: str) -> str:
    if text not in LEVEL_OF_KIND:
        raise ValidationError(gettext("类型只能是：%(kinds)s") % {"kinds": join_list(REGION_KINDS)})
    return text


def _region_columns() -> list[Column]:
    return [
        Column(
            "code",
            "区划代码",
            help=gettext("字母和数字，最长24位；乡镇/街道9位、村/社区12位统计代码"),
        ),
        Column("name", "名称", help=gettext("如：江滨街道、望江社区、第一网格")),
        Column(
            "parent_code",
            "上级区划代码",
            aliases=("上级代码",),
            help=gettext("须已在系统中，或出现在本文件的前面几行"),
        ),
        Column("kind", "类型", parse=_parse_region_kind, help=join_list(REGION_KINDS)),
    ]


# Example rows are data the importer reads back: never translated, so the template a user
# downloads in English still imports.
REGION_EXAMPLES = [
    {"code": "990102002", "name": "滨海街道", "parent_code": "990102", "kind": "街道"},
    {"code": "990102002001", "name": "海韵社区", "parent_code": "990102002", "kind": "社区"},
    {
        "code": "990102002001G01",
        "name": "海韵第一网格",
        "parent_code": "990102002001",
        "kind": "网格",
    },
]


def region_template() -> bytes:
    return template_workbook(_region_columns(), REGION_EXAMPLES)


def read_region_upload(upload, actor) -> tuple[list[RegionRow], list[RowError]]:
    """The uploaded file as cleaned RegionRows, or every error at once: the file's, the
    cells', and (for the rows whose cells are fine) the tree's and the scope's."""
    columns = _region_columns()
    raw, errors = read_table(upload, columns)
    if errors:
        return [], errors
    cleaned, errors = parse_rows(raw, columns)
    rows = [
        RegionRow(
            row=number,
            code=v["code"],
            name=v["name"],
            parent_code=v["parent_code"],
            kind=v["kind"],
        )
        for number, v in cleaned
    ]
    if errors:
        failed = {e.row for e in errors}
        pending = frozenset(r["code"] for number, r in raw if number in failed)
        errors += region_import_errors(actor, rows, pending=pending)
        errors.sort(key=lambda e: (e.row, e.column))
    return rows, errors


CALENDAR_KINDS = {"休": "holiday", "休息": "holiday", "班": "workday", "上班": "workday"}


def _calendar_columns() -> list[Column]:
    return [
        Column("date", "日期", parse=parse_date, help=gettext("如：2027-02-06")),
        Column(
            "kind",
            "类型",
            parse=parse_choice(CALENDAR_KINDS, label=_("类型")),
            help=gettext("休：放假休息；班：调休上班（周末）"),
        ),
        Column("name", "名称", required=False, help=gettext("如：春节")),
    ]


CALENDAR_EXAMPLES = [
    {"date": "2027-01-01", "kind": "休", "name": "元旦"},
    {"date": "2027-02-06", "kind": "班", "name": "春节调休上班"},
]


def calendar_template() -> bytes:
    return template_workbook(_calendar_columns(), CALENDAR_EXAMPLES)


def read_calendar_upload(upload) -> tuple[list[CalendarRow], list[RowError]]:
    """The uploaded notice as CalendarRows, or the file's and cells' RowErrors."""
    columns = _calendar_columns()
    raw, errors = read_table(upload, columns)
    if errors:
        return [], errors
    cleaned, errors = parse_rows(raw, columns)
    rows = [
        CalendarRow(row=number, date=v["date"], kind=v["kind"], name=v["name"] or "")
        for number, v in cleaned
    ]
    return rows, errors
