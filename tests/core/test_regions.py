"""Region pages and actions: browse, detail, create/edit local regions, import."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minqing.accounts.models import Role
from minqing.core import actions
from minqing.core.actions import RegionRow
from minqing.core.models import AuditEntry, Region, RegionLevel
from tests.factories import RegionFactory, UserFactory, user_with_role
from tests.people.factories import DeputyFactory, UnitFactory
from tests.stations.factories import StationFactory

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


# --- permission matrix ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "query"),
    [
        ("core:region_list", [], ""),
        ("core:region_list", [], "?parent=990102"),
        ("core:region_detail", ["990102001"], ""),
        ("core:region_create", ["990102001"], ""),
        ("core:region_edit", ["990102001"], ""),
        ("core:region_import", [], ""),
    ],
)
def test_region_pages_permission_matrix(client, tree, name, args, query):
    url = reverse(name, args=args) + query
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert _login(client, UserFactory()).get(url).status_code == 403
    staff = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    assert _login(client, staff).get(url).status_code == 200
    outsider = user_with_role(Role.CONGRESS_STAFF, tree.other_city)
    expected = 200 if name in ("core:region_list", "core:region_import") and not args else 404
    if query:
        expected = 404
    assert _login(client, outsider).get(url).status_code == expected


def test_view_only_roles_cannot_open_the_edit_pages(client, tree):
    leader = user_with_role(Role.LEADER, tree.binjiang)
    _login(client, leader)
    assert client.get(reverse("core:region_detail", args=["990102001"])).status_code == 200
    assert client.get(reverse("core:region_create", args=["990102001"])).status_code == 403
    assert client.get(reverse("core:region_edit", args=["990102001"])).status_code == 403


def test_gbt2260_levels_cannot_be_edited_on_the_pages(client, tree):
    staff = user_with_role(Role.CONGRESS_STAFF, tree.city)
    _login(client, staff)
    assert client.get(reverse("core:region_edit", args=["990102"])).status_code == 403
    assert client.get(reverse("core:region_create", args=["990100"])).status_code == 403
    # a county may get a township; a grid may get nothing
    assert client.get(reverse("core:region_create", args=["990102"])).status_code == 200


# --- list and detail ----------------------------------------------------------------------


def test_list_starts_at_the_top_of_the_scope_and_searches_within_it(client, tree):
    _login(client, user_with_role(Role.CONGRESS_STAFF, tree.binjiang))
    page = client.get(reverse("core:region_list"))
    assert [r.code for r in page.context["page_obj"]] == ["990102"]
    found = client.get(reverse("core:region_list") + "?q=社区")
    assert [r.name for r in found.context["page_obj"]] == ["望江社区", "柳岸社区"]
    by_code = client.get(reverse("core:region_list") + "?q=9901")
    assert "石桥村" not in by_code.content.decode()  # out of scope
    level = client.get(reverse("core:region_list") + f"?level={RegionLevel.TOWNSHIP}")
    assert [r.code for r in level.context["page_obj"]] == ["990102001"]


def test_children_and_breadcrumbs(client, tree):
    _login(client, user_with_role(Role.CONGRESS_STAFF, tree.binjiang))
    page = client.get(reverse("core:region_list") + "?parent=990102001")
    assert [r.code for r in page.context["page_obj"]] == ["990102001001", "990102001002"]
    crumbs = [(c.region.name, c.linked) for c in page.context["crumbs"]]
    assert crumbs == [
        ("中华人民共和国", False),
        ("澜江省", False),
        ("澜州市", False),
        ("滨江区", True),
        ("江滨街道", True),
    ]
    html = page.content.decode()
    assert reverse("core:region_detail", args=["990102"]) in html
    assert reverse("core:region_detail", args=["990100"]) not in html


def test_detail_shows_counts_in_scope(client, tree):
    DeputyFactory(region=tree.wangjiang)
    DeputyFactory(region=tree.liuan)
    DeputyFactory(region=tree.village)
    StationFactory(region=tree.street)
    UnitFactory(region=tree.binjiang)
    _login(client, user_with_role(Role.CONGRESS_STAFF, tree.binjiang))
    page = client.get(reverse("core:region_detail", args=["990102"]))
    counts = page.context["counts"]
    assert (counts.descendants, counts.deputies, counts.stations, counts.units) == (3, 2, 1, 1)
    assert [r.code for r in page.context["page_obj"]] == ["990102001"]
    assert page.context["can_add_child"] and not page.context["can_edit"]


def test_region_list_query_count_does_not_grow(client, tree, django_assert_num_queries):
    _login(client, user_with_role(Role.CONGRESS_STAFF, tree.binjiang))
    url = reverse("core:region_list") + "?parent=990102001"

    def grids(n):
        for _ in range(n):
            RegionFactory(parent=tree.wangjiang, level=RegionLevel.GRID, kind="网格")

    grids(3)
    client.get(url)  # warm the session
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    grids(27)
    list_url = reverse("core:region_list") + "?parent=990102001001"
    with django_assert_num_queries(8):
        response = client.get(list_url)
    assert len(response.context["page_obj"]) == 30


# --- actions -----------------------------------------------------------------------------


def test_region_create_builds_level_and_path_and_audits(tree):
    staff = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    before = AuditEntry.objects.count()
    grid = actions.region_create(
        actor=staff, parent=tree.wangjiang, code="990102001001G01", name="第一网格", kind="网格"
    )
    assert grid.level == RegionLevel.GRID
    assert grid.path == tree.wangjiang.path + "990102001001G01/"
    assert grid in Region.objects.within(tree.binjiang)
    assert AuditEntry.objects.count() - before == 1
    entry = AuditEntry.objects.latest("id")
    assert (entry.verb, entry.region, entry.after["level"]) == ("region.create", grid, 6)


@pytest.mark.parametrize(
    ("code", "kind", "field", "message"),
    [
        ("990102001001", "社区", "code", "已存在"),
        ("99/01", "社区", "code", "字母和数字"),
        ("990102001009", "街道", "kind", "社区、村"),
    ],
)
def test_region_create_refuses_bad_input_in_chinese(tree, code, kind, field, message):
    staff = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    with pytest.raises(ValidationError) as exc:
        actions.region_create(actor=staff, parent=tree.street, code=code, name="某地", kind=kind)
    assert message in " ".join(exc.value.message_dict[field])
    assert not AuditEntry.objects.exists()


def test_region_create_outside_scope_or_above_county_is_refused(tree):
    staff = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    with pytest.raises(PermissionDenied):
        actions.region_create(actor=staff, parent=tree.town, code="X1", name="某", kind="村")
    admin = user_with_role(Role.CONGRESS_STAFF, tree.nation)
    with pytest.raises(ValidationError):
        actions.region_create(actor=admin, parent=tree.city, code="X2", name="某", kind="街道")
    assert not Region.objects.filter(code__in=["X1", "X2"]).exists()


def test_region_update_and_its_audit_entry(client, tree):
    staff = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    _login(client, staff)
    response = client.post(
        reverse("core:region_edit", args=["990102001001"]),
        {"name": "望江新社区", "kind": "社区", "is_active": ""},
    )
    assert response.status_code == 302
    tree.wangjiang.refresh_from_db()
    assert tree.wangjiang.name == "望江新社区" and not tree.wangjiang.is_active
    entry = AuditEntry.objects.get()
    assert entry.verb == "region.update"
    assert entry.before["name"] == "望江社区" and entry.after["name"] == "望江新社区"
    with pytest.raises(ValidationError):
        actions.region_update(actor=staff, region=tree.binjiang, name="改", kind="市辖区")


def test_create_page_shows_errors_in_chinese(client, tree):
    _login(client, user_with_role(Role.CONGRESS_STAFF, tree.binjiang))
    response = client.post(
        reverse("core:region_create", args=["990102001"]),
        {"code": "990102001001", "name": "", "kind": "社区"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "此项为必填项" in html
    assert Region.objects.filter(code="990102001001").count() == 1


# --- import ------------------------------------------------------------------------------


def _csv(text: str, name: str = "regions.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


GOOD = (
    "区划代码,名称,上级区划代码,类型\n"
    "990102002,滨海街道,990102,街道\n"
    "990102002001,海韵社区,990102002,社区\n"
    "990102002001G1,海韵一网格,990102002001,网格\n"
    "990102001001,望江社区（新名）,990102001,社区\n"
)


def test_import_creates_updates_and_audits_once(client, tree):
    staff = user_with_role(Role.CONGRESS_STAFF, tree.binjiang)
    _login(client, staff)
    response = client.post(reverse("core:region_import"), {"file": _csv(GOOD)})
    assert response.status_code == 302
    grid = Region.objects.get(code="990102002001G1")
    assert grid.level == RegionLevel.GRID
    assert grid.path == "000000/990000/990100/990102/990102002/990102002001/990102002001G1/"
    assert Region.objects.get(code="990102001001").name == "望江社区（新名）"
    entry = AuditEntry.objects.get()
    assert entry.verb == "region.import"
    assert entry.after == {"created": 3, "updated": 1, "rows": 4}
    assert entry.region == tree.binjiang  # the deepest region holding every parent


def test_import_is_all_or_nothing_with_a_row_by_row_report(client, tree):
    _login(client, user_with_role(Role.CONGRESS_STAFF, tree.binjiang))
    bad = (
        "区划代码,名称,上级区划代码,类型\n"
        "990102002,滨海街道,990102,街道\n"  # fine
        "990102003,,990102,街道\n"  # no name
        "990102002001,海韵社区,990102002,街道\n"  # wrong level for its parent
        "990103101202,外村,990103101,村\n"  # parent out of scope
        "990102002009,某社区,999999,社区\n"  # unknown parent
        "990102002,重复,990102,街道\n"  # duplicate in file
        "990102004,某处,990102,小区\n"  # unknown kind
        "990102,滨江区,990100,街道\n"  # a county code: exists with another path
    )
    response = client.post(reverse("core:region_import"), {"file": _csv(bad)})
    assert response.status_code == 200
    errors = [(e.row, e.column) for e in response.context["errors"]]
    assert errors == [
        (3, "名称"),
        (4, "类型"),
        (5, "上级区划代码"),
        (6, "上级区划代码"),
        (7, "区划代码"),
        (8, "类型"),
        (9, "上级区划代码"),  # 990100 is above the importer's scope
    ]
    html = response.content.decode()
    assert "必填项不能为空" in html and "您无权在上级区划 990103101 下导入" in html
    assert not Region.objects.filter(code="990102002").exists()
    assert not AuditEntry.objects.exists()


def test_import_refuses_moving_or_touching_national_codes(tree):
    staff = user_with_role(Role.CONGRESS_STAFF, tree.city)
    rows = [
        RegionRow(2, "990102001001", "望江社区", "990103101", "社区"),  # move
        RegionRow(3, "990103", "云溪区", "990100", "街道"),  # a county row
    ]
    report = actions.region_import(actor=staff, rows=rows)
    assert not report.ok and "不能移动" in report.errors[0].message
    assert "层级不符" in report.errors[1].message
    assert Region.objects.get(code="990102001001").parent == tree.street


def test_import_reads_excel_and_serves_a_template(client, tree):
    from openpyxl import Workbook, load_workbook

    _login(client, user_with_role(Role.CONGRESS_STAFF, tree.binjiang))
    template = client.get(reverse("core:region_import") + "?template=1")
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["区划代码", "名称", "上级区划代码", "类型"]
    workbook = Workbook()
    workbook.active.append(["区划代码", "名称", "上级区划代码", "类型"])
    workbook.active.append(["990102001003", "新港社区", "990102001", "社区"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("r.xlsx", buffer.getvalue())
    assert client.post(reverse("core:region_import"), {"file": upload}).status_code == 302
    assert Region.objects.get(code="990102001003").parent == tree.street


def test_import_rejects_a_file_that_is_not_a_table(client, tree):
    _login(client, user_with_role(Role.CONGRESS_STAFF, tree.binjiang))
    upload = SimpleUploadedFile("evil.exe", b"MZ\x90\x00")
    response = client.post(reverse("core:region_import"), {"file": upload})
    assert response.status_code == 200
    assert "文件类型不支持" in response.content.decode()
