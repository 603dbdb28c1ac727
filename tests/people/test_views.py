"""People pages: the permission matrix for every page, contact privacy, forms posting
through the actions, imports through the page, and query-count pins on the lists."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from minqing.accounts.models import Role, RoleGrant
from minqing.core.models import AuditEntry
from minqing.people.models import (
    Deputy,
    DeputyGroup,
    DeputyGroupMembership,
    DeputyStatus,
    HandlingUnit,
)
from tests.factories import UserFactory, user_with_role
from tests.people.factories import DeputyFactory, UnitFactory

LIST_PAGES = ["people:deputy_list", "people:unit_list", "people:group_list"]
# (url name, attribute of the ``people`` fixture whose pk is in the URL)
OBJECT_PAGES = [
    ("people:deputy_detail", "wang"),
    ("people:deputy_edit", "wang"),
    ("people:unit_detail", "unit"),
    ("people:unit_edit", "unit"),
    ("people:group_detail", "group"),
    ("people:group_edit", "group"),
]
MANAGE_PAGES = [
    "people:deputy_create",
    "people:unit_create",
    "people:group_create",
    "people:deputy_import",
    "people:unit_import",
    "people:deputy_import_template",
    "people:unit_import_template",
]
# (url name, attribute for the pk, POST data builder) of the POST-only endpoints
POSTS = [
    ("people:deputy_end_term", "wang", lambda p: {}),
    ("people:deputy_link_user", "wang", lambda p: {"username": "linked"}),
    ("people:group_member_add", "group", lambda p: {"deputy": p.extra.pk}),
    ("people:group_member_remove", "group", lambda p: {"deputy": p.wang.pk}),
    ("people:unit_deactivate", "unit", lambda p: {}),
    ("people:unit_staff_grant", "unit", lambda p: {"username": "linked"}),
]


def url_of(name: str, people, attr: str | None = None) -> str:
    return reverse(name, args=[getattr(people, attr).pk]) if attr else reverse(name)


# --- the permission matrix ------------------------------------------------------------------


@pytest.mark.parametrize("name,attr", [(n, None) for n in LIST_PAGES + MANAGE_PAGES] + OBJECT_PAGES)
def test_anonymous_is_sent_to_login(client, people, name, attr):
    response = client.get(url_of(name, people, attr))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", LIST_PAGES + MANAGE_PAGES)
def test_no_role_is_forbidden_on_lists_and_manage_pages(client, people, users, name):
    client.force_login(users.nobody)
    assert client.get(url_of(name, people)).status_code == 403


@pytest.mark.parametrize("name,attr", OBJECT_PAGES)
def test_no_role_and_out_of_scope_get_404_on_objects(client, people, users, name, attr):
    for user in (users.nobody, users.outscope):
        client.force_login(user)
        assert client.get(url_of(name, people, attr)).status_code == 404


@pytest.mark.parametrize("name,attr", [(n, None) for n in LIST_PAGES + MANAGE_PAGES] + OBJECT_PAGES)
def test_in_scope_staff_gets_every_page(client, people, users, name, attr):
    client.force_login(users.inscope)
    assert client.get(url_of(name, people, attr)).status_code == 200


@pytest.mark.parametrize(
    "name,inside,outside",
    [
        ("people:deputy_list", "王建国", "赵临川"),
        ("people:unit_list", "澜州市住房和城乡建设局", "临川市水务局"),
        ("people:group_list", "教育界代表小组", "临川代表小组"),
    ],
)
def test_lists_show_only_rows_in_scope(client, people, users, name, inside, outside):
    client.force_login(users.inscope)
    content = client.get(reverse(name)).content.decode()
    assert inside in content and outside not in content
    client.force_login(users.outscope)
    content = client.get(reverse(name)).content.decode()
    assert outside in content and inside not in content


@pytest.mark.parametrize("name", ["people:deputy_create", "people:unit_create"])
def test_out_of_scope_forms_offer_only_their_own_regions(client, tree, people, users, name):
    client.force_login(users.outscope)
    content = client.get(reverse(name)).content.decode()
    assert "东湖区" in content
    assert "滨江区" not in content and "澜州市人民代表大会" not in content


def test_leader_reads_but_does_not_manage(client, people, users):
    client.force_login(users.leader)
    assert client.get(reverse("people:deputy_list")).status_code == 200
    detail = client.get(reverse("people:deputy_detail", args=[people.wang.pk]))
    assert detail.status_code == 200
    assert reverse("people:deputy_edit", args=[people.wang.pk]) not in detail.content.decode()
    assert client.get(reverse("people:deputy_edit", args=[people.wang.pk])).status_code == 403
    assert client.get(reverse("people:deputy_create")).status_code == 403
    assert client.get(reverse("people:deputy_import")).status_code == 403


def test_unit_staff_sees_only_their_unit(client, people):
    staff = user_with_role(Role.UNIT_STAFF, unit=people.sub)
    client.force_login(staff)
    content = client.get(reverse("people:unit_list")).content.decode()
    # The parent's name is shown as the sub-unit's parent, but not as a row of its own.
    assert ">滨江区住建局</a>" in content and ">澜州市住房和城乡建设局</a>" not in content
    assert client.get(reverse("people:unit_detail", args=[people.sub.pk])).status_code == 200
    assert client.get(reverse("people:unit_detail", args=[people.unit.pk])).status_code == 404
    assert client.get(reverse("people:deputy_list")).status_code == 403


@pytest.fixture
def posting(people, tree):
    people.extra = DeputyFactory(term=people.term, region=tree.liuan, name="钱晓明")
    UserFactory(username="linked")
    return people


@pytest.mark.parametrize("name,attr,data", POSTS)
def test_post_endpoints_matrix(client, posting, users, name, attr, data):
    url = url_of(name, posting, attr)
    assert client.post(url, data(posting))["Location"].startswith(reverse("login"))
    for user in (users.nobody, users.outscope):
        client.force_login(user)
        assert client.post(url, data(posting)).status_code == 404
    assert client.get(url).status_code == 405
    client.force_login(users.inscope)
    before = AuditEntry.objects.count()
    response = client.post(url, data(posting))
    assert response.status_code == 302
    assert AuditEntry.objects.count() == before + 1


def test_post_endpoints_have_their_effect(client, posting, users):
    client.force_login(users.inscope)
    p = posting
    client.post(reverse("people:group_member_add", args=[p.group.pk]), {"deputy": p.extra.pk})
    assert DeputyGroupMembership.objects.filter(group=p.group, deputy=p.extra).exists()
    client.post(reverse("people:group_member_remove", args=[p.group.pk]), {"deputy": p.wang.pk})
    assert not DeputyGroupMembership.objects.filter(group=p.group, deputy=p.wang).exists()
    client.post(reverse("people:unit_staff_grant", args=[p.unit.pk]), {"username": "linked"})
    grant = RoleGrant.objects.get(user__username="linked", unit=p.unit, role=Role.UNIT_STAFF)
    detail = client.get(reverse("people:unit_detail", args=[p.unit.pk])).content.decode()
    assert "linked" in detail and "滨江区住建局" in detail  # staff and child units
    client.post(reverse("people:unit_staff_revoke", args=[p.unit.pk, grant.pk]))
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    client.post(reverse("people:deputy_end_term", args=[p.wang.pk]))
    assert Deputy.objects.get(pk=p.wang.pk).status == DeputyStatus.ENDED
    response = client.post(reverse("people:deputy_link_user", args=[p.extra.pk]), {"username": "x"})
    assert "没有这个用户名的账号" in client.get(response["Location"]).content.decode()


# --- contact privacy -----------------------------------------------------------------------


def test_contact_only_for_holders_of_the_contact_permission(client, people, users):
    url = reverse("people:deputy_detail", args=[people.wang.pk])
    client.force_login(users.inscope)
    content = client.get(url).content.decode()
    assert "13812345678" in content and "wangjg@example.cn" in content
    client.force_login(users.leader)
    content = client.get(url).content.decode()
    assert "王建国" in content
    assert "13812345678" not in content and "wangjg@example.cn" not in content
    assert "联系方式（不公开）" not in content


def test_contact_never_on_the_list_page(client, people, users):
    client.force_login(users.inscope)
    content = client.get(reverse("people:deputy_list")).content.decode()
    assert "王建国" in content and "13812345678" not in content


def test_detail_shows_groups_and_stations(client, people, users, tree):
    from minqing.stations.models import StationDeputy
    from tests.stations.factories import StationFactory

    station = StationFactory(region=tree.wangjiang, name="望江社区代表联络站")
    StationDeputy.objects.create(station=station, deputy=people.wang, is_convener=True)
    client.force_login(users.inscope)
    content = client.get(reverse("people:deputy_detail", args=[people.wang.pk])).content.decode()
    assert "教育界代表小组" in content
    assert "望江社区代表联络站" in content
    assert reverse("stations:station_detail", args=[station.pk]) in content


# --- forms ---------------------------------------------------------------------------------


def deputy_post(people, tree, **overrides):
    data = {
        "term": people.term.pk,
        "region": tree.wangjiang.pk,
        "name": "李秀英",
        "gender": "F",
        "deputy_number": "LZ0500",
        "ethnicity": "汉族",
        "contact-mobile": "13900002222",
        "contact-email": "",
        "contact-address": "",
    }
    return {**data, **overrides}


def test_deputy_create_form(client, tree, people, users):
    client.force_login(users.inscope)
    before = AuditEntry.objects.count()
    response = client.post(reverse("people:deputy_create"), deputy_post(people, tree))
    deputy = Deputy.objects.get(deputy_number="LZ0500")
    assert response["Location"] == reverse("people:deputy_detail", args=[deputy.pk])
    assert deputy.contact.mobile == "13900002222"
    assert AuditEntry.objects.count() == before + 1
    # The same number again: the action's Chinese error lands on the field.
    response = client.post(reverse("people:deputy_create"), deputy_post(people, tree))
    assert response.status_code == 200
    assert "代表证号“LZ0500”在本届中已存在" in response.content.decode()
    response = client.post(
        reverse("people:deputy_create"),
        deputy_post(people, tree, deputy_number="LZ0501", **{"contact-mobile": "123"}),
    )
    assert "手机号码应为 11 位中国大陆手机号" in response.content.decode()
    assert not Deputy.objects.filter(deputy_number="LZ0501").exists()


def test_deputy_create_form_refuses_region_out_of_scope(client, tree, people, users):
    client.force_login(users.inscope)
    response = client.post(
        reverse("people:deputy_create"), deputy_post(people, tree, region=tree.donghu.pk)
    )
    assert response.status_code == 200
    assert not Deputy.objects.filter(deputy_number="LZ0500").exists()


def test_deputy_edit_form(client, tree, people, users):
    client.force_login(users.inscope)
    url = reverse("people:deputy_edit", args=[people.wang.pk])
    assert "13812345678" in client.get(url).content.decode()
    data = deputy_post(people, tree, name="王建国", deputy_number="LZ0001", sector="科技")
    response = client.post(url, data)
    assert response.status_code == 302
    people.wang.refresh_from_db()
    assert people.wang.sector == "科技" and people.wang.contact.mobile == "13900002222"


def test_unit_and_group_forms(client, tree, people, users):
    client.force_login(users.inscope)
    response = client.post(
        reverse("people:unit_create"),
        {"name": "滨江区交通局", "kind": "government", "region": tree.binjiang.pk},
    )
    unit = HandlingUnit.objects.get(name="滨江区交通局")
    assert response["Location"] == reverse("people:unit_detail", args=[unit.pk])
    response = client.post(
        reverse("people:unit_edit", args=[unit.pk]),
        {"name": "滨江区交通运输局", "kind": "government", "region": tree.binjiang.pk},
    )
    assert response.status_code == 302
    assert HandlingUnit.objects.get(pk=unit.pk).name == "滨江区交通运输局"
    response = client.post(
        reverse("people:group_create"),
        {"name": "医疗卫生代表小组", "kind": "industry", "region": tree.city.pk},
    )
    group = DeputyGroup.objects.get(name="医疗卫生代表小组")
    assert response["Location"] == reverse("people:group_detail", args=[group.pk])
    response = client.post(
        reverse("people:group_edit", args=[group.pk]),
        {"name": "医疗卫生代表小组", "kind": "mixed", "description": "跨层级"},
    )
    assert DeputyGroup.objects.get(pk=group.pk).kind == "mixed"
    candidates = client.get(reverse("people:group_detail", args=[group.pk]), {"add_q": "王"})
    assert "王建国" in candidates.content.decode()


def test_deputy_list_filters(client, tree, people, users):
    DeputyFactory(term=people.term, region=tree.yunxi, name="孙立新", sector="农业")
    client.force_login(users.inscope)
    url = reverse("people:deputy_list")

    def names(**params):
        content = client.get(url, params).content.decode()
        return {n for n in ("王建国", "孙立新") if n in content}

    assert names() == {"王建国", "孙立新"}
    assert names(q="王") == {"王建国"}
    assert names(q="LZ00") == {"王建国"}
    assert names(region="990103") == {"孙立新"}
    assert names(sector="农业") == {"孙立新"}
    assert names(group=people.group.pk) == {"王建国"}
    assert names(term=people.old_term.pk) == set()
    assert names(status="ended") == set()
    assert names(level="2") == {"王建国", "孙立新"}
    assert names(level="9") == {"王建国", "孙立新"}  # an invalid filter is ignored
    assert "共 2 名代表" in client.get(url).content.decode()


def test_unit_list_filters(client, tree, people, users):
    client.force_login(users.inscope)
    url = reverse("people:unit_list")
    assert "滨江区住建局" not in client.get(url, {"q": "澜州"}).content.decode()
    content = client.get(url, {"region": "990102"}).content.decode()
    assert ">滨江区住建局</a>" in content and ">澜州市住房和城乡建设局</a>" not in content
    HandlingUnit.objects.filter(pk=people.sub.pk).update(is_active=False)
    assert "滨江区住建局" not in client.get(url, {"active": "1"}).content.decode()
    assert "滨江区住建局" in client.get(url, {"active": "0"}).content.decode()


# --- imports through the pages -------------------------------------------------------------


def test_import_page_reports_errors_and_imports_nothing(client, people, users):
    client.force_login(users.inscope)
    csv = "姓名,性别,代表证号,选区区划代码\n李秀英,女,LZ0601,990102\n张志强,不详,LZ0602,999999\n"
    upload = SimpleUploadedFile("名单.csv", csv.encode("utf-8"))
    count = Deputy.objects.count()
    response = client.post(
        reverse("people:deputy_import"), {"term": people.term.pk, "file": upload}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "发现 2 处错误，文件未导入" in content
    assert "<td>3</td><td>性别</td><td>性别只能是：男、女</td>" in content
    assert "<td>3</td><td>选区区划代码</td><td>区划代码“999999”不存在</td>" in content
    assert Deputy.objects.count() == count


def test_import_page_success(client, tree, people, users):
    client.force_login(users.inscope)
    csv = "姓名,性别,代表证号,选区区划代码\n李秀英,女,LZ0601,990102\n"
    response = client.post(
        reverse("people:deputy_import"),
        {"term": people.term.pk, "file": SimpleUploadedFile("a.csv", csv.encode())},
        follow=True,
    )
    assert "导入成功：新增 1 名代表" in response.content.decode()
    assert Deputy.objects.filter(deputy_number="LZ0601").exists()
    csv = "单位名称,类别\n滨江区民政局,政府部门\n"
    response = client.post(
        reverse("people:unit_import"),
        {"region": tree.binjiang.pk, "file": SimpleUploadedFile("b.csv", csv.encode())},
        follow=True,
    )
    assert "导入成功：新增 1 个承办单位" in response.content.decode()
    assert HandlingUnit.objects.get(name="滨江区民政局").region == tree.binjiang


def test_import_page_for_another_citys_term_is_refused(client, people, users):
    client.force_login(users.outscope)
    csv = "姓名,性别,代表证号,选区区划代码\n李秀英,女,LZ0601,990102\n"
    response = client.post(
        reverse("people:deputy_import"),
        {"term": people.term.pk, "file": SimpleUploadedFile("a.csv", csv.encode())},
    )
    assert response.status_code == 200  # the term is not a valid choice for them
    assert not Deputy.objects.filter(deputy_number="LZ0601").exists()


@pytest.mark.parametrize(
    "name,first_header",
    [("people:deputy_import_template", "姓名"), ("people:unit_import_template", "单位名称")],
)
def test_templates_download_as_xlsx(client, users, name, first_header):
    client.force_login(users.inscope)
    response = client.get(reverse(name))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.cell(1, 1).value == first_header


# --- query-count pins ----------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_deputy_list_query_count_is_pinned(client, tree, people, users, django_assert_num_queries):
    client.force_login(users.inscope)
    url = reverse("people:deputy_list")
    DeputyFactory.create_batch(2, term=people.term, region=tree.binjiang)
    client.get(url)  # warm the session
    few = count_queries(client, url)
    DeputyFactory.create_batch(27, term=people.term, region=tree.yunxi)
    with django_assert_num_queries(few):
        response = client.get(url)
    assert "共 30 名代表" in response.content.decode()
    with django_assert_num_queries(8):
        client.get(url)


def test_unit_list_query_count_is_pinned(client, tree, people, users, django_assert_num_queries):
    client.force_login(users.inscope)
    url = reverse("people:unit_list")
    client.get(url)
    few = count_queries(client, url)  # 2 units in scope
    for i in range(28):
        UnitFactory(region=tree.binjiang, parent=people.unit, name=f"滨江区第{i}科")
    with django_assert_num_queries(few):
        response = client.get(url)
    assert "共 30 个单位" in response.content.decode()
    with django_assert_num_queries(6):
        client.get(url)


def test_group_list_query_count_is_pinned(client, tree, people, users, django_assert_num_queries):
    from tests.people.factories import DeputyGroupFactory

    client.force_login(users.inscope)
    url = reverse("people:group_list")
    client.get(url)
    few = count_queries(client, url)
    DeputyGroupFactory.create_batch(29, region=tree.binjiang, members=[people.wang])
    with django_assert_num_queries(few):
        client.get(url)
