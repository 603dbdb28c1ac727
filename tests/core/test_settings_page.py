"""The per-region settings page and its actions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from minqing.accounts.models import Role
from minqing.core import actions
from minqing.core.config import DEFAULT_CATEGORIES, REGISTRY, settings_for
from minqing.core.forms import categories_to_text, text_to_categories
from minqing.core.models import AuditEntry, RegionSetting
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db
KEY = "opinion.reply_working_days"


def _edit_url(code, key=KEY):
    return reverse("core:setting_edit", args=[code, key])


@pytest.mark.parametrize(
    "url",
    [
        reverse("core:settings") + "?region=990102",
        reverse("core:setting_edit", args=["990102", KEY]),
    ],
)
def test_settings_pages_permission_matrix(client, tree, url):
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(user_with_role(Role.LEADER, tree.binjiang))  # no manage_settings
    assert client.get(url).status_code == 403
    client.force_login(user_with_role(Role.CONGRESS_STAFF, tree.binjiang))
    assert client.get(url).status_code == 200
    client.force_login(user_with_role(Role.CONGRESS_STAFF, tree.other_city))
    assert client.get(url).status_code == 404


def test_page_shows_every_setting_with_its_source(client, tree):
    RegionSetting.objects.create(region=tree.city, key=KEY, value=10)
    RegionSetting.objects.create(region=tree.binjiang, key="duty.competent_percent", value=75)
    client.force_login(user_with_role(Role.CONGRESS_STAFF, tree.city))
    response = client.get(reverse("core:settings") + "?region=990102")
    rows = {r.key: r for g in response.context["groups"] for r in g.rows}
    assert set(rows) == set(REGISTRY)
    assert (rows[KEY].value, rows[KEY].source, rows[KEY].source_region) == (
        10,
        "inherited",
        tree.city,
    )
    assert rows["duty.competent_percent"].source == "here"
    assert rows["opinion.sign_working_days"].source == "default"
    html = response.content.decode()
    assert "继承自澜州市" in html and "本级设置" in html and "系统默认" in html
    assert "民情办理期限" in html and "个工作日" in html
    # without ?region the page opens at the top of the user's scope
    assert client.get(reverse("core:settings")).context["region"] == tree.city


def test_set_value_through_the_page_audits_before_and_after(client, tree):
    staff = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    client.force_login(staff)
    response = client.post(_edit_url("990102"), {"action": "set", "value": "10"})
    assert response.status_code == 302
    assert settings_for(tree.wangjiang)[KEY] == 10
    entry = AuditEntry.objects.get()
    assert (entry.verb, entry.region, entry.actor) == ("region_setting.set", tree.binjiang, staff)
    assert entry.before == {"key": KEY, "value": None, "effective": 15}
    assert entry.after == {"key": KEY, "value": 10, "effective": 10}


def test_invalid_value_shows_a_chinese_error_and_changes_nothing(client, tree):
    client.force_login(user_with_role(Role.CONGRESS_STAFF, tree.binjiang))
    response = client.post(_edit_url("990102"), {"action": "set", "value": "200"})
    assert response.status_code == 200
    assert "「答复时限」不能大于 90" in response.content.decode()
    assert not RegionSetting.objects.exists() and not AuditEntry.objects.exists()


def test_reset_returns_to_the_inherited_value(client, tree):
    staff = user_with_role(Role.CONGRESS_STAFF, tree.city)
    actions.region_setting_set(actor=staff, region=tree.city, key=KEY, value=12)
    actions.region_setting_set(actor=staff, region=tree.binjiang, key=KEY, value=8)
    client.force_login(staff)
    before = AuditEntry.objects.count()
    assert client.post(_edit_url("990102"), {"action": "reset"}).status_code == 302
    assert settings_for(tree.binjiang)[KEY] == 12
    assert AuditEntry.objects.count() - before == 1
    entry = AuditEntry.objects.latest("id")
    assert entry.verb == "region_setting.reset"
    assert entry.before["value"] == 8 and entry.after["effective"] == 12
    with pytest.raises(ValidationError, match="无需恢复"):
        actions.region_setting_reset(actor=staff, region=tree.binjiang, key=KEY)


def test_actions_check_the_permission_on_the_region(tree):
    staff = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    with pytest.raises(PermissionDenied):
        actions.region_setting_set(actor=staff, region=tree.city, key=KEY, value=5)
    with pytest.raises(PermissionDenied):
        actions.region_setting_reset(actor=staff, region=tree.yunxi, key=KEY)
    with pytest.raises(ValidationError, match="未知的设置项"):
        actions.region_setting_set(actor=staff, region=tree.binjiang, key="no.such", value=5)


def test_categories_are_edited_one_per_line(client, tree):
    client.force_login(user_with_role(Role.CONGRESS_STAFF, tree.binjiang))
    url = _edit_url("990102", "taxonomy.opinion_categories")
    page = client.get(url)
    assert "urban 城乡建设\nutilities 水电气暖与通信" in page.content.decode()
    text = categories_to_text(DEFAULT_CATEGORIES).replace("urban 城乡建设", "urban 城乡建设管理")
    text += "\npets：宠物与文明养犬\n"
    assert client.post(url, {"action": "set", "value": text}).status_code == 302
    value = settings_for(tree.wangjiang)["taxonomy.opinion_categories"]
    assert value[0] == {"code": "urban", "name": "城乡建设管理"}
    assert value[-1] == {"code": "pets", "name": "宠物与文明养犬"}
    dropped = "\n".join(line for line in text.splitlines() if not line.startswith("other"))
    response = client.post(url, {"action": "set", "value": dropped})
    assert "固定分类代码不能删除：other" in response.content.decode()
    broken = client.post(url, {"action": "set", "value": "urban 城乡建设\n!!!"})
    assert "第 2 行格式应为" in broken.content.decode()


def test_text_to_categories_roundtrip():
    assert text_to_categories(categories_to_text(DEFAULT_CATEGORIES)) == DEFAULT_CATEGORIES
    with pytest.raises(ValidationError):
        text_to_categories("只有名称")
