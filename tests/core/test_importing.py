"""The shared tabular import framework: reading, parsing, errors in Chinese, templates."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from minqing.core.importing import (
    Column,
    ImportReport,
    RowError,
    parse_choice,
    parse_date,
    parse_int,
    parse_mobile,
    parse_rows,
    read_table,
    template_workbook,
)

COLUMNS = [
    Column("name", "姓名"),
    Column("gender", "性别", parse=parse_choice({"男": "M", "女": "F"}, label="性别")),
    Column("mobile", "手机号码", required=False, aliases=("手机",), parse=parse_mobile),
    Column("year", "出生年份", required=False, parse=parse_int(minimum=1900, maximum=2020)),
]

CSV_TEXT = "姓名,性别,手机号码,出生年份\n张三,男,13800138000,1970\n李四,女,,\n"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def xlsx_bytes(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


EXPECTED = [
    (2, {"name": "张三", "gender": "男", "mobile": "13800138000", "year": "1970"}),
    (3, {"name": "李四", "gender": "女", "mobile": "", "year": ""}),
]


def test_csv_utf8():
    rows, errors = read_table(upload("a.csv", CSV_TEXT.encode("utf-8")), COLUMNS)
    assert errors == []
    assert rows == EXPECTED


def test_csv_utf8_with_bom():
    rows, errors = read_table(upload("a.CSV", b"\xef\xbb\xbf" + CSV_TEXT.encode()), COLUMNS)
    assert errors == []
    assert rows == EXPECTED


def test_csv_gb18030_as_chinese_excel_writes_it():
    data = CSV_TEXT.replace("\n", "\r\n").encode("gb18030")
    # Make sure the fixture really is not valid UTF-8, or the fallback is untested.
    try:
        data.decode("utf-8")
        raise AssertionError("fixture decodes as UTF-8")
    except UnicodeDecodeError:
        pass
    rows, errors = read_table(upload("名单.csv", data), COLUMNS)
    assert errors == []
    assert rows == EXPECTED


def test_csv_utf16_tab_separated():
    data = CSV_TEXT.replace(",", "\t").encode("utf-16")
    rows, errors = read_table(upload("a.csv", data), COLUMNS)
    assert errors == []
    assert rows == EXPECTED


def test_xlsx_numbers_come_back_as_typed_text():
    data = xlsx_bytes(
        [
            ["姓名", "性别", "手机", "出生年份", "备注"],
            ["张三", "男", 13800138000, 1970.0, "extra column is ignored"],
            ["李四", "女", None, None, None],
        ]
    )
    rows, errors = read_table(upload("a.xlsx", data), COLUMNS)
    assert errors == []
    assert rows == EXPECTED


def test_header_marks_and_aliases_are_accepted():
    text = "姓名*, 性别（必填）,手机\n张三,男,13800138000\n"
    rows, errors = read_table(upload("a.csv", text.encode()), COLUMNS)
    assert errors == []
    assert rows == [(2, {"name": "张三", "gender": "男", "mobile": "13800138000", "year": ""})]


def test_missing_required_header():
    rows, errors = read_table(
        upload("a.csv", "姓名,手机号码\n张三,13800138000\n".encode()), COLUMNS
    )
    assert rows == []
    assert errors == [RowError(1, "性别", "缺少必填列“性别”")]


def test_duplicate_header():
    _, errors = read_table(upload("a.csv", "姓名,性别,姓名\n张三,男,李四\n".encode()), COLUMNS)
    assert errors == [RowError(1, "姓名", "表头“姓名”重复出现")]


def test_blank_rows_are_skipped_and_row_numbers_kept():
    text = "姓名,性别\n,\n张三,男\n  ,  \n\n李四,女\n"
    rows, errors = read_table(upload("a.csv", text.encode()), COLUMNS)
    assert errors == []
    assert [number for number, _ in rows] == [3, 6]


def test_blank_rows_in_xlsx_are_skipped():
    data = xlsx_bytes([["姓名", "性别"], [None, None], ["张三", "男"]])
    rows, errors = read_table(upload("a.xlsx", data), COLUMNS)
    assert errors == []
    assert [number for number, _ in rows] == [3]


def test_only_header_means_no_data():
    rows, errors = read_table(upload("a.csv", "姓名,性别\n".encode()), COLUMNS)
    assert rows == []
    assert errors == [RowError(0, "", "文件中没有数据行")]


def test_too_big(settings):
    settings.MINQING_IMPORT_MAX_BYTES = 20
    rows, errors = read_table(upload("a.csv", CSV_TEXT.encode()), COLUMNS)
    assert rows == []
    assert len(errors) == 1 and errors[0].message.startswith("文件过大")


def test_too_many_rows(settings):
    settings.MINQING_IMPORT_MAX_ROWS = 1
    rows, errors = read_table(upload("a.csv", CSV_TEXT.encode()), COLUMNS)
    assert rows == []
    assert errors == [RowError(0, "", "数据行数超过上限 1 行，请拆分后分批导入")]


def test_garbage_named_xlsx():
    rows, errors = read_table(upload("a.xlsx", b"\x00\x01garbage" * 50), COLUMNS)
    assert rows == []
    assert errors == [RowError(0, "", "文件已损坏或不是有效的 Excel (.xlsx) 文件")]


def test_zip_that_is_not_a_workbook():
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    rows, errors = read_table(upload("a.xlsx", buf.getvalue()), COLUMNS)
    assert rows == []
    assert errors == [RowError(0, "", "文件已损坏或不是有效的 Excel (.xlsx) 文件")]


def test_binary_garbage_named_csv():
    rows, errors = read_table(upload("a.csv", b"\x00\xff\xfe\x00" * 10 + b"\x81"), COLUMNS)
    assert rows == []
    assert len(errors) == 1 and errors[0].row == 0


def test_unknown_extension_and_old_xls():
    assert read_table(upload("a.txt", b"x"), COLUMNS)[1][0].message == (
        "文件类型不支持，请上传 .xlsx 或 .csv 文件"
    )
    assert "另存为 .xlsx" in read_table(upload("a.xls", b"x"), COLUMNS)[1][0].message


def test_empty_file():
    assert read_table(upload("a.csv", b""), COLUMNS) == ([], [RowError(0, "", "文件是空的")])


def test_parse_rows_collects_every_error():
    rows = [
        (2, {"name": "张三", "gender": "男", "mobile": "138 0013 8000", "year": "1970"}),
        (3, {"name": "", "gender": "未知", "mobile": "12345", "year": "abc"}),
        (4, {"name": "王五", "gender": "女", "mobile": "", "year": "1800"}),
    ]
    cleaned, errors = parse_rows(rows, COLUMNS)
    assert cleaned == [
        (2, {"name": "张三", "gender": "M", "mobile": "13800138000", "year": 1970}),
    ]
    assert errors == [
        RowError(3, "姓名", "必填项不能为空"),
        RowError(3, "性别", "性别只能是：男、女"),
        RowError(3, "手机号码", "手机号码应为 11 位中国大陆手机号"),
        RowError(3, "出生年份", "应为整数"),
        RowError(4, "出生年份", "不能小于 1900"),
    ]


def test_empty_optional_cells():
    cleaned, errors = parse_rows(
        [(2, {"name": "李四", "gender": "女", "mobile": "", "year": ""})], COLUMNS
    )
    assert errors == []
    assert cleaned == [(2, {"name": "李四", "gender": "F", "mobile": None, "year": None})]


def test_parsers():
    assert parse_mobile("+86 138-0013-8000") == "13800138000"
    assert parse_date("2026年3月1日").isoformat() == "2026-03-01"
    assert parse_date("2026/3/1").isoformat() == "2026-03-01"
    for bad in ("2026-02-30", "昨天"):
        try:
            parse_date(bad)
            raise AssertionError(bad)
        except ValidationError:
            pass


def test_template_round_trips_through_read_table():
    data = template_workbook(
        COLUMNS, [{"name": "张三", "gender": "男", "mobile": "13800138000", "year": 1970}]
    )
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["数据", "填写说明"]
    assert [c.value for c in wb["数据"][1]] == ["姓名", "性别", "手机号码", "出生年份"]
    rows, errors = read_table(upload("template.xlsx", data), COLUMNS)
    assert errors == []
    assert rows == [EXPECTED[0]]


def test_report_ok():
    assert ImportReport(created=2).ok
    assert not ImportReport(errors=[RowError(2, "姓名", "必填项不能为空")]).ok
