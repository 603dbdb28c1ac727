"""Deputy roster and unit list imports: all rows or none, every error reported with its
row, column and Chinese message, one audit entry on success."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from minqing.accounts.models import Role
from minqing.core.importing import RowError
from minqing.core.models import AuditEntry
from minqing.people import actions
from minqing.people.models import Deputy, DeputyContact, HandlingUnit, UnitKind
from tests.factories import user_with_role

ROSTER_HEADER = "姓名,性别,代表证号,选区区划代码,界别/行业,出生年份,手机号码\n"


def csv_upload(text: str, name: str = "名单.csv", encoding: str = "utf-8-sig"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_upload(rows: list[list], name: str = "名单.xlsx"):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


# --- deputy roster -------------------------------------------------------------------------


def test_roster_csv_happy_path(tree, people, users):
    upload = csv_upload(
        ROSTER_HEADER
        + "李秀英,女,LZ0101,990102001001,医疗,1975,13900001111\n"
        + ",,,,,,\n"
        + "张志强,男,LZ0102,990103101,农业,,\n"
        + "陈海燕,女,LZ0103,990100,,1980,\n",
        encoding="gb18030",
    )
    audits, deputies = AuditEntry.objects.count(), Deputy.objects.count()
    report = actions.deputy_roster_import(actor=users.inscope, term=people.term, upload=upload)
    assert report.ok, report.errors
    assert report.created == 3
    assert Deputy.objects.count() == deputies + 3
    li = Deputy.objects.get(term=people.term, deputy_number="LZ0101")
    assert (li.name, li.gender, li.region, li.birth_year, li.level) == (
        "李秀英",
        "F",
        tree.wangjiang,
        1975,
        people.term.congress.level,
    )
    assert DeputyContact.objects.get(deputy=li).mobile == "13900001111"
    assert not DeputyContact.objects.filter(deputy__deputy_number="LZ0102").exists()
    assert AuditEntry.objects.count() == audits + 1
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.verb == "deputy.import"
    assert entry.after["created"] == 3 and entry.after["contacts"] == 1
    assert "13900001111" not in str(entry.after)


def test_roster_xlsx_happy_path(tree, people, users):
    upload = xlsx_upload(
        [
            ["姓名", "性别", "代表证号", "区划代码", "手机"],
            ["周国栋", "男", 1001, 990102001002, 13700001111],
            ["吴红梅", "女", 1002, 990102, None],
        ]
    )
    report = actions.deputy_roster_import(actor=users.inscope, term=people.term, upload=upload)
    assert report.ok, report.errors
    assert report.created == 2
    zhou = Deputy.objects.get(term=people.term, deputy_number="1001")
    assert zhou.region == tree.liuan
    assert zhou.contact.mobile == "13700001111"


def test_roster_errors_are_all_reported_and_nothing_imported(tree, people, users):
    upload = csv_upload(
        ROSTER_HEADER
        + "李秀英,女,LZ0201,990102001001,医疗,1975,13900001111\n"  # 2: fine
        + "张志强,未知,LZ0202,990103101,,,\n"  # 3: bad gender
        + "陈海燕,女,LZ0203,123456,,,\n"  # 4: unknown region code
        + "刘立新,男,LZ0201,990102,,,\n"  # 5: number repeats row 2
        + "黄玉兰,女,LZ0001,990102,,,\n"  # 6: number already in the term
        + "赵春燕,女,LZ0206,990202,,,\n"  # 7: 东湖区, outside the actor's scope
        + "孙晓明,男,LZ0207,990102,,1800,1381234\n"  # 8: bad year and mobile
        + ",男,,990102,,,\n"  # 9: name and number missing
    )
    audits, deputies = AuditEntry.objects.count(), Deputy.objects.count()
    report = actions.deputy_roster_import(actor=users.inscope, term=people.term, upload=upload)
    assert not report.ok
    assert report.created == 0
    assert report.errors == [
        RowError(3, "性别", "性别只能是：男、女"),
        RowError(4, "选区区划代码", "区划代码“123456”不存在"),
        RowError(5, "代表证号", "代表证号“LZ0201”与第 2 行重复"),
        RowError(6, "代表证号", "代表证号“LZ0001”在本届中已存在"),
        RowError(7, "选区区划代码", "区划“东湖区”不在您的管理范围内"),
        RowError(8, "出生年份", "出生年份应在 1900 至 " + str(_latest_year()) + " 之间"),
        RowError(8, "手机号码", "手机号码应为 11 位中国大陆手机号"),
        RowError(9, "姓名", "必填项不能为空"),
        RowError(9, "代表证号", "必填项不能为空"),
    ]
    assert Deputy.objects.count() == deputies
    assert AuditEntry.objects.count() == audits


def _latest_year() -> int:
    import datetime as dt

    return dt.date.today().year - 18


def test_roster_region_must_lie_in_the_terms_congress(tree, people):
    province_staff = user_with_role(Role.CONGRESS_STAFF, tree.province)
    upload = csv_upload(ROSTER_HEADER + "赵春燕,女,LZ0301,990202,,,\n")
    report = actions.deputy_roster_import(actor=province_staff, term=people.term, upload=upload)
    assert report.errors == [
        RowError(2, "选区区划代码", "区划“东湖区”不在澜州市人民代表大会的行政区域内")
    ]


def test_roster_contact_columns_need_contact_permission(tree, people, monkeypatch):
    from minqing.core import permissions

    reduced = permissions.ROLE_PERMISSIONS[Role.CONGRESS_STAFF] - {"people.view_deputy_contact"}
    monkeypatch.setitem(permissions.ROLE_PERMISSIONS, Role.CONGRESS_STAFF, reduced)
    actor = user_with_role(Role.CONGRESS_STAFF, tree.city)
    upload = csv_upload(ROSTER_HEADER + "李秀英,女,LZ0401,990102,,,13900001111\n")
    report = actions.deputy_roster_import(actor=actor, term=people.term, upload=upload)
    assert report.errors == [
        RowError(2, "手机号码", "您没有录入代表联系方式的权限，请删除联系方式列")
    ]
    report = actions.deputy_roster_import(
        actor=actor,
        term=people.term,
        upload=csv_upload(ROSTER_HEADER + "李秀英,女,LZ0401,990102,,,\n"),
    )
    assert report.ok and report.created == 1


def test_roster_file_problems_come_back_as_errors(people, users):
    report = actions.deputy_roster_import(
        actor=users.inscope, term=people.term, upload=SimpleUploadedFile("x.xlsx", b"garbage")
    )
    assert report.errors == [RowError(0, "", "文件已损坏或不是有效的 Excel (.xlsx) 文件")]
    report = actions.deputy_roster_import(
        actor=users.inscope, term=people.term, upload=csv_upload("姓名,性别\n张三,男\n")
    )
    assert [e.message for e in report.errors] == [
        "缺少必填列“代表证号”",
        "缺少必填列“选区区划代码”",
    ]


def test_roster_import_permission(people, users):
    upload = csv_upload(ROSTER_HEADER + "李秀英,女,LZ0501,990102,,,\n")
    for actor in (users.outscope, users.leader, users.nobody):
        with pytest.raises(PermissionDenied):
            actions.deputy_roster_import(actor=actor, term=people.term, upload=upload)


# --- unit list -----------------------------------------------------------------------------

UNIT_HEADER = "单位名称,简称,类别,区划代码,上级单位,办公电话\n"


def test_unit_csv_happy_path_with_parents_in_file_and_database(tree, people, users):
    upload = csv_upload(
        UNIT_HEADER
        # A child listed before its parent, and a parent from the database (市住建局).
        + "滨江区教育局基建科,,其他,990102,滨江区教育局,\n"
        + "滨江区教育局,区教育局,政府部门,990102,,0571-1234567\n"
        + "滨江区物业管理中心,,公用事业单位,990102,澜州市住房和城乡建设局,\n"
        + "澜州市水务集团,,国有企业,,,\n"
    )
    audits = AuditEntry.objects.count()
    report = actions.unit_list_import(actor=users.inscope, region=tree.city, upload=upload)
    assert report.ok, report.errors
    assert report.created == 4
    section = HandlingUnit.objects.get(name="滨江区教育局基建科")
    assert section.parent.name == "滨江区教育局"
    assert section.kind == UnitKind.OTHER
    assert HandlingUnit.objects.get(name="滨江区物业管理中心").parent == people.unit
    water = HandlingUnit.objects.get(name="澜州市水务集团")
    assert (water.region, water.parent, water.kind) == (tree.city, None, UnitKind.ENTERPRISE)
    assert AuditEntry.objects.count() == audits + 1
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.verb == "unit.import" and entry.after["created"] == 4


def test_unit_xlsx_happy_path(tree, users):
    upload = xlsx_upload(
        [["单位名称", "类别", "区划代码"], ["云溪镇人民政府", "乡镇政府", 990103101]]
    )
    report = actions.unit_list_import(actor=users.inscope, region=tree.yunxi, upload=upload)
    assert report.ok, report.errors
    unit = HandlingUnit.objects.get(name="云溪镇人民政府")
    assert (unit.region, unit.kind) == (tree.town, UnitKind.TOWNSHIP)


def test_unit_errors_are_all_reported_and_nothing_imported(tree, people, users):
    upload = csv_upload(
        UNIT_HEADER
        + "滨江区城管局,,政府部门,990102,,\n"  # 2: fine
        + "滨江区城管局,,政府部门,990102,,\n"  # 3: repeats row 2
        + "澜州市住房和城乡建设局,,政府部门,,,\n"  # 4: exists already
        + "滨江区某局,,部委,990102,,\n"  # 5: bad kind
        + "滨江区甲局,,政府部门,990102,不存在的单位,\n"  # 6: unknown parent
        + "滨江区乙局,,政府部门,990102,临川市水务局,\n"  # 7: parent not visible
        + "循环一,,其他,990102,循环二,\n"  # 8: cycle
        + "循环二,,其他,990102,循环一,\n"  # 9: cycle
        + "东湖区某局,,政府部门,990202,,\n"  # 10: region outside 澜州市
        + "云溪区某局,,政府部门,990103,滨江区城管局,\n"  # 11: parent in a sibling region
    )
    units, audits = HandlingUnit.objects.count(), AuditEntry.objects.count()
    report = actions.unit_list_import(actor=users.inscope, region=tree.city, upload=upload)
    not_found = "（须在本文件中或系统中已有，且属于本级或上级区域）"
    assert report.errors == [
        RowError(3, "单位名称", "与第 2 行重复（同一区域内单位名称不能重复）"),
        RowError(4, "单位名称", "澜州市已有同名单位“澜州市住房和城乡建设局”"),
        RowError(
            5,
            "类别",
            "类别只能是：政府部门、乡镇政府/街道办事处、乡镇政府、街道办事处、法院、检察院、"
            "国有企业、公用事业单位、其他",
        ),
        RowError(6, "上级单位", "找不到上级单位“不存在的单位”" + not_found),
        RowError(7, "上级单位", "找不到上级单位“临川市水务局”" + not_found),
        RowError(8, "上级单位", "上级单位关系形成了循环"),
        RowError(9, "上级单位", "上级单位关系形成了循环"),
        RowError(10, "区划代码", "区划“东湖区”不在澜州市范围内"),
        RowError(11, "上级单位", "找不到上级单位“滨江区城管局”" + not_found),
    ]
    assert HandlingUnit.objects.count() == units
    assert AuditEntry.objects.count() == audits


def test_unit_import_permission(tree, users):
    upload = csv_upload(UNIT_HEADER + "某局,,政府部门,,,\n")
    for actor in (users.outscope, users.leader, users.nobody):
        with pytest.raises(PermissionDenied):
            actions.unit_list_import(actor=actor, region=tree.city, upload=upload)
