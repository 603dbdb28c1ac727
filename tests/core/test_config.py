"""Per-region settings: DOMAIN defaults, inheritance, validation in Chinese."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from minqing.core.config import DEFAULT_CATEGORIES, REGISTRY, settings_for
from minqing.core.models import RegionSetting

pytestmark = pytest.mark.django_db


def _set(region, key, value):
    RegionSetting.objects.create(region=region, key=key, value=value)


def test_defaults_are_domain_values(tree):
    cfg = settings_for(tree.binjiang)
    assert cfg["opinion.sign_working_days"] == 1
    assert cfg["opinion.contact_working_days"] == 3
    assert cfg["opinion.reply_working_days"] == 15
    assert cfg["suggestion.assign_working_days"] == 7
    assert cfg["suggestion.reassign_apply_working_days"] == 7
    assert cfg["suggestion.reassign_decide_working_days"] == 10
    assert cfg["suggestion.cohandler_view_months"] == 1
    assert cfg["suggestion.reply_months"] == 3
    assert cfg["suggestion.reply_max_months"] == 6
    assert cfg["suggestion.feedback_working_days"] == 15
    assert cfg["suggestion.rehandle_months"] == 1
    assert cfg["duty.base_points_per_year"] == 60
    assert cfg["duty.competent_percent"] == 80
    assert cfg["duty.basic_competent_percent"] == 50
    assert cfg["ballot.project_pass_percent"] == 50
    assert cfg["ballot.unsatisfied_percent"] == 50
    assert cfg["station.activities_per_quarter"] == 1
    assert cfg["station.research_reports_per_year"] == 1
    codes = [c["code"] for c in cfg["taxonomy.opinion_categories"]]
    assert codes[:3] == ["urban", "utilities", "transport"] and codes[-1] == "other"
    assert len(codes) == 15
    assert len(cfg) == len(REGISTRY)


def test_motion_signers_default_by_level(tree):
    assert settings_for(tree.nation)["motion.min_signers"] == 30
    assert settings_for(tree.province)["motion.min_signers"] == 10
    assert settings_for(tree.city)["motion.min_signers"] == 10
    assert settings_for(tree.binjiang)["motion.min_signers"] == 10
    assert settings_for(tree.town)["motion.min_signers"] == 5
    assert settings_for(tree.street)["motion.min_signers"] == 5


def test_inheritance_province_sets_county_inherits_district_overrides(tree):
    _set(tree.province, "opinion.reply_working_days", 10)
    _set(tree.binjiang, "opinion.reply_working_days", 7)
    assert settings_for(tree.province)["opinion.reply_working_days"] == 10
    assert settings_for(tree.city)["opinion.reply_working_days"] == 10
    assert settings_for(tree.yunxi)["opinion.reply_working_days"] == 10
    assert settings_for(tree.village)["opinion.reply_working_days"] == 10
    assert settings_for(tree.binjiang)["opinion.reply_working_days"] == 7
    assert settings_for(tree.wangjiang)["opinion.reply_working_days"] == 7
    assert settings_for(tree.nation)["opinion.reply_working_days"] == 15
    explained = {e.setting.key: e for e in settings_for(tree.wangjiang).explain()}
    reply = explained["opinion.reply_working_days"]
    assert reply.source == tree.binjiang and not reply.overridden_here
    assert explained["opinion.sign_working_days"].source is None
    here = {e.setting.key: e for e in settings_for(tree.binjiang).explain()}
    assert here["opinion.reply_working_days"].overridden_here


def test_settings_for_is_one_query(tree, django_assert_num_queries):
    _set(tree.province, "opinion.reply_working_days", 10)
    _set(tree.binjiang, "duty.competent_percent", 75)
    with django_assert_num_queries(1):
        cfg = settings_for(tree.wangjiang)
        values = dict(cfg)
        cfg.explain()
    assert values["duty.competent_percent"] == 75


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("opinion.reply_working_days", "abc", "须为数字"),
        ("opinion.reply_working_days", "0", "不能小于 1"),
        ("opinion.reply_working_days", "91", "不能大于 90"),
        ("duty.competent_percent", "nan", "须为数字"),
        ("duty.competent_percent", "101", "不能大于 100"),
        ("taxonomy.opinion_categories", "[", "JSON"),
        ("taxonomy.opinion_categories", [], "非空列表"),
        ("taxonomy.opinion_categories", [{"code": "urban"}], "代码和名称"),
        (
            "taxonomy.opinion_categories",
            [*DEFAULT_CATEGORIES, {"code": "urban", "name": "重复"}],
            "不能重复",
        ),
        ("taxonomy.opinion_categories", DEFAULT_CATEGORIES[1:], "不能删除：urban"),
    ],
)
def test_validation_errors_are_chinese(key, raw, message):
    with pytest.raises(ValidationError) as exc:
        REGISTRY[key].parse(raw)
    assert message in " ".join(exc.value.messages)


def test_parse_converts_valid_values():
    assert REGISTRY["opinion.reply_working_days"].parse(" 20 ") == 20
    assert REGISTRY["duty.competent_percent"].parse("85.5") == 85.5
    extended = [*DEFAULT_CATEGORIES, {"code": "pets", "name": "宠物管理"}]
    assert REGISTRY["taxonomy.opinion_categories"].parse(extended) == extended


def test_bool_settings_refuse_typos_instead_of_switching_off():
    from minqing.core.config import Setting

    flag = Setting("opinion.flag", "演示开关", "opinion", "bool", False)
    assert flag.parse("是") is True
    assert flag.parse("false") is False
    assert flag.parse(True) is True
    with pytest.raises(ValidationError, match="须为"):
        flag.parse("也许")
