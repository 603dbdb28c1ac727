"""Per-region settings with inheritance: the deadlines, quotas, taxonomy and ballot
thresholds of DOMAIN.md, with DOMAIN's values as defaults.

Read them in one place::

    cfg = settings_for(region)
    cfg["opinion.reply_working_days"]        # 15, or what this region or an ancestor set

A region inherits every key its nearest ancestor sets; the registry below is the only
list of keys, their types, bounds and defaults.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minqing.core.i18n import join_list
from minqing.core.models import Region, RegionLevel, RegionSetting

DEFAULT_CATEGORIES = [
    {"code": "urban", "name": "城乡建设"},
    {"code": "utilities", "name": "水电气暖与通信"},
    {"code": "transport", "name": "交通出行"},
    {"code": "education", "name": "教育"},
    {"code": "health", "name": "医疗卫生与医保"},
    {"code": "elderly", "name": "养老服务"},
    {"code": "social", "name": "社会保障与就业"},
    {"code": "housing", "name": "住房与物业"},
    {"code": "environment", "name": "生态环境"},
    {"code": "market", "name": "市场监管与食品安全"},
    {"code": "safety", "name": "社会治安与矛盾调解"},
    {"code": "culture", "name": "文化体育旅游"},
    {"code": "agriculture", "name": "农业农村"},
    {"code": "business", "name": "营商环境与企业发展"},
    {"code": "other", "name": "其他"},
]
FIXED_CATEGORY_CODES = [c["code"] for c in DEFAULT_CATEGORIES]


def _motion_signers(level: int | None) -> int:
    # Deputies Law / Organic Law: 10 at county level and above, 5 at township level,
    # 30 (or a delegation) at national level.
    if level == RegionLevel.NATION:
        return 30
    if level is not None and level >= RegionLevel.TOWNSHIP:
        return 5
    return 10


def _validate_categories(value: Any) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("分类须为非空列表"))
    codes = []
    for item in value:
        if (
            not isinstance(item, dict)
            or not str(item.get("code", "")).strip()
            or not str(item.get("name", "")).strip()
        ):
            raise ValidationError(_("每个分类须有代码和名称"))
        codes.append(item["code"])
    if len(set(codes)) != len(codes):
        raise ValidationError(_("分类代码不能重复"))
    missing = [c for c in FIXED_CATEGORY_CODES if c not in codes]
    if missing:
        raise ValidationError(_("固定分类代码不能删除：%(codes)s") % {"codes": join_list(missing)})


@dataclass(frozen=True)
class Setting:
    key: str
    label: str | Promise
    group: str
    kind: str  # "int" | "percent" | "bool" | "categories"
    default: Any
    unit: str | Promise = ""
    minimum: float | None = None
    maximum: float | None = None
    help: str | Promise = ""
    default_for_level: Callable[[int | None], Any] | None = field(default=None, compare=False)

    def default_for(self, region: Region | None) -> Any:
        if self.default_for_level is not None:
            return self.default_for_level(region.level if region else None)
        return self.default

    def parse(self, raw: Any) -> Any:
        """Validate and convert a submitted value; raises ValidationError in Chinese."""
        if self.kind == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"1", "true", "on", "yes", "是"}:
                return True
            if text in {"0", "false", "off", "no", "否", ""}:
                return False
            # A typo must not silently switch a rule off.
            raise ValidationError(_("「%(label)s」须为“是”或“否”") % {"label": self.label})
        if self.kind == "categories":
            import json

            try:
                value = json.loads(raw) if isinstance(raw, str) else raw
            except json.JSONDecodeError:
                raise ValidationError(_("分类须为 JSON 列表")) from None
            _validate_categories(value)
            return value
        not_a_number = _("「%(label)s」须为数字") % {"label": self.label}
        if isinstance(raw, bool):
            raise ValidationError(not_a_number)
        try:
            value = float(raw) if self.kind == "percent" else int(str(raw).strip())
        except (TypeError, ValueError):
            raise ValidationError(not_a_number) from None
        if not math.isfinite(value):
            raise ValidationError(not_a_number)
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(
                _("「%(label)s」不能小于 %(minimum)s")
                % {"label": self.label, "minimum": f"{self.minimum:g}"}
            )
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(
                _("「%(label)s」不能大于 %(maximum)s")
                % {"label": self.label, "maximum": f"{self.maximum:g}"}
            )
        return value


GROUPS = {
    "opinion": gettext_lazy("民情办理期限"),
    "suggestion": gettext_lazy("代表建议办理期限"),
    "motion": gettext_lazy("议案"),
    "station": gettext_lazy("联络站工作要求"),
    "duty": gettext_lazy("履职积分与述职评议"),
    "ballot": gettext_lazy("票决与测评"),
    "taxonomy": gettext_lazy("分类"),
}

REGISTRY: dict[str, Setting] = {
    s.key: s
    for s in [
        Setting(
            "opinion.sign_working_days",
            gettext_lazy("承办单位签收时限"),
            "opinion",
            "int",
            1,
            gettext_lazy("个工作日"),
            0,
            30,
        ),
        Setting(
            "opinion.contact_working_days",
            gettext_lazy("联系群众时限"),
            "opinion",
            "int",
            3,
            gettext_lazy("个工作日"),
            0,
            30,
        ),
        Setting(
            "opinion.reply_working_days",
            gettext_lazy("答复时限"),
            "opinion",
            "int",
            15,
            gettext_lazy("个工作日"),
            1,
            90,
        ),
        Setting(
            "opinion.remind_working_days_before",
            gettext_lazy("到期前提醒"),
            "opinion",
            "int",
            2,
            gettext_lazy("个工作日"),
            0,
            30,
        ),
        Setting(
            "opinion.rehandle_limit",
            gettext_lazy("不满意可重办次数"),
            "opinion",
            "int",
            1,
            gettext_lazy("次"),
            0,
            5,
        ),
        Setting(
            "opinion.extension_max_working_days",
            gettext_lazy("单次延期最多"),
            "opinion",
            "int",
            15,
            gettext_lazy("个工作日"),
            1,
            60,
        ),
        Setting(
            "opinion.rate_days",
            gettext_lazy("群众评价期限"),
            "opinion",
            "int",
            15,
            gettext_lazy("天"),
            1,
            90,
            help=gettext_lazy("答复后群众未在期限内评价的，自动办结（不计入满意率）"),
        ),
        Setting(
            "suggestion.assign_working_days",
            gettext_lazy("闭会期间建议交办时限"),
            "suggestion",
            "int",
            7,
            gettext_lazy("个工作日"),
            1,
            60,
            help=gettext_lazy("代表法第五十一条及各地办理条例"),
        ),
        Setting(
            "suggestion.reassign_apply_working_days",
            gettext_lazy("申请调整交办时限"),
            "suggestion",
            "int",
            7,
            gettext_lazy("个工作日"),
            1,
            30,
        ),
        Setting(
            "suggestion.reassign_decide_working_days",
            gettext_lazy("调整交办决定时限"),
            "suggestion",
            "int",
            10,
            gettext_lazy("个工作日"),
            1,
            30,
        ),
        Setting(
            "suggestion.cohandler_view_months",
            gettext_lazy("会办单位提出意见时限"),
            "suggestion",
            "int",
            1,
            gettext_lazy("个月"),
            1,
            3,
        ),
        Setting(
            "suggestion.reply_months",
            gettext_lazy("答复时限"),
            "suggestion",
            "int",
            3,
            gettext_lazy("个月"),
            1,
            6,
        ),
        Setting(
            "suggestion.reply_max_months",
            gettext_lazy("延期后最长答复时限"),
            "suggestion",
            "int",
            6,
            gettext_lazy("个月"),
            1,
            12,
        ),
        Setting(
            "suggestion.feedback_working_days",
            gettext_lazy("代表反馈意见时限"),
            "suggestion",
            "int",
            15,
            gettext_lazy("个工作日"),
            1,
            60,
        ),
        Setting(
            "suggestion.rehandle_months",
            gettext_lazy("重新办理答复时限"),
            "suggestion",
            "int",
            1,
            gettext_lazy("个月"),
            1,
            6,
        ),
        Setting(
            "suggestion.rehandle_limit",
            gettext_lazy("不满意可重新办理次数"),
            "suggestion",
            "int",
            1,
            gettext_lazy("次"),
            0,
            5,
        ),
        Setting(
            "suggestion.remind_before_working_days",
            gettext_lazy("期限届满前提醒"),
            "suggestion",
            "int",
            5,
            gettext_lazy("个工作日"),
            0,
            30,
            help=gettext_lazy("在签收、会办、答复、反馈等期限届满前若干个工作日提醒"),
        ),
        Setting(
            "motion.min_signers",
            gettext_lazy("议案联名最少代表人数"),
            "motion",
            "int",
            10,
            gettext_lazy("人"),
            1,
            100,
            help=gettext_lazy("县级以上10人，乡镇5人，全国30人"),
            default_for_level=_motion_signers,
        ),
        Setting(
            "station.activities_per_quarter",
            gettext_lazy("每季度至少开展活动"),
            "station",
            "int",
            1,
            gettext_lazy("次"),
            0,
            50,
        ),
        Setting(
            "station.research_reports_per_year",
            gettext_lazy("每年至少调研报告"),
            "station",
            "int",
            1,
            gettext_lazy("篇"),
            0,
            20,
        ),
        Setting(
            "station.suggestions_per_year_min",
            gettext_lazy("每名代表每年提出建议（下限）"),
            "station",
            "int",
            1,
            gettext_lazy("件"),
            0,
            20,
        ),
        Setting(
            "station.suggestions_per_year_max",
            gettext_lazy("每名代表每年提出建议（上限参考）"),
            "station",
            "int",
            2,
            gettext_lazy("件"),
            0,
            50,
        ),
        Setting(
            "duty.base_points_per_year",
            gettext_lazy("履职积分年度基础分"),
            "duty",
            "int",
            60,
            gettext_lazy("分"),
            0,
            1000,
        ),
        Setting(
            "duty.confirm_days",
            gettext_lazy("代表确认履职记录期限（逾期视为确认）"),
            "duty",
            "int",
            7,
            gettext_lazy("天"),
            1,
            60,
        ),
        Setting(
            "duty.competent_percent",
            gettext_lazy("述职评议「称职」线"),
            "duty",
            "percent",
            80,
            "%",
            0,
            100,
        ),
        Setting(
            "duty.basic_competent_percent",
            gettext_lazy("述职评议「基本称职」线"),
            "duty",
            "percent",
            50,
            "%",
            0,
            100,
        ),
        Setting(
            "ballot.project_pass_percent",
            gettext_lazy("民生实事票决通过比例（超过到会代表）"),
            "ballot",
            "percent",
            50,
            "%",
            0,
            100,
        ),
        Setting(
            "ballot.unsatisfied_percent",
            gettext_lazy("满意度测评整改线（不满意超过）"),
            "ballot",
            "percent",
            50,
            "%",
            0,
            100,
        ),
        Setting(
            "taxonomy.opinion_categories",
            gettext_lazy("民情分类"),
            "taxonomy",
            "categories",
            DEFAULT_CATEGORIES,
            help=gettext_lazy("代码固定，名称可改，可增加分类"),
        ),
    ]
}


@dataclass(frozen=True)
class EffectiveSetting:
    setting: Setting
    value: Any
    source: Region | None  # None: the built-in default
    overridden_here: bool


class RegionConfig(Mapping[str, Any]):
    """The effective settings of one region (a read-only mapping)."""

    def __init__(self, region: Region | None, overrides: dict[str, tuple[Any, Region]]):
        self.region = region
        self._overrides = overrides

    def __getitem__(self, key: str) -> Any:
        if key not in REGISTRY:
            raise KeyError(key)
        if key in self._overrides:
            return self._overrides[key][0]
        return REGISTRY[key].default_for(self.region)

    def __iter__(self) -> Iterator[str]:
        return iter(REGISTRY)

    def __len__(self) -> int:
        return len(REGISTRY)

    def explain(self) -> list[EffectiveSetting]:
        out = []
        for key, setting in REGISTRY.items():
            value, source = self._overrides.get(key, (setting.default_for(self.region), None))
            here = source is not None and self.region is not None and source.pk == self.region.pk
            out.append(EffectiveSetting(setting, value, source, here))
        return out


def settings_for(region: Region | None) -> RegionConfig:
    """The effective settings of ``region``: one query over its ancestors' overrides."""
    if region is None:
        return RegionConfig(None, {})
    rows = (
        RegionSetting.objects.filter(region__code__in=region.ancestor_codes)
        .select_related("region")
        .order_by("region__level")
    )
    overrides: dict[str, tuple[Any, Region]] = {}
    for row in rows:  # deeper regions come later and win
        if row.key in REGISTRY:
            overrides[row.key] = (row.value, row.region)
    return RegionConfig(region, overrides)
