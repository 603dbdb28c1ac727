"""The shared tabular import framework: CSV or Excel in, cleaned rows or Chinese errors out.

Every import (deputy roster, unit list, regions, …) follows the same three steps::

    COLUMNS = [Column("name", "姓名"), Column("gender", "性别", parse=parse_choice({...}))]

    rows, errors = read_table(upload, COLUMNS)        # bytes → {key: text} per row
    cleaned, more = parse_rows(rows, COLUMNS)         # text → typed values, every error
    ... cross-row and database checks, more RowErrors ...
    if errors: return ImportReport(errors=errors)     # nothing imported
    ... bulk create in one transaction, one audit entry ...

Nothing here raises on bad input: a wrong extension, an oversized or corrupt file, a
missing header or a bad cell all come back as :class:`RowError` with a Chinese message
and the row number the user sees in Excel (the header is row 1). Users fix every
problem at once instead of one per upload.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from minqing.core.i18n import join_errors, join_list

__all__ = [
    "Column",
    "ImportReport",
    "RowError",
    "parse_choice",
    "parse_date",
    "parse_int",
    "parse_mobile",
    "parse_rows",
    "read_table",
    "template_workbook",
]


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    ``parse`` turns the stripped cell text into a value or raises
    ``ValidationError("中文消息")``; it is only called for non-empty cells.
    """

    key: str
    header: str
    required: bool = True
    aliases: tuple[str, ...] = ()
    parse: Callable[[str], Any] | None = None
    help: str | Promise = ""

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass(frozen=True)
class RowError:
    """A problem at a spreadsheet row (header = row 1) and column header ("" = whole row)."""

    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """The outcome of an import: counts when it succeeded, every error when it did not."""

    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted_errors(self) -> list[RowError]:
        return sorted(self.errors, key=lambda e: (e.row, e.column))


Rows = list[tuple[int, dict[str, str]]]

_HEADER_ROW = 1
_SUPPORTED = (".csv", ".xlsx")


def _max_bytes() -> int:
    return int(getattr(settings, "MINQING_IMPORT_MAX_BYTES", 10 * 1024 * 1024))


def _max_rows() -> int:
    return int(getattr(settings, "MINQING_IMPORT_MAX_ROWS", 50_000))


def _file_error(message: str) -> list[RowError]:
    return [RowError(row=0, column="", message=message)]


def _normalise_header(text: str) -> str:
    # Templates mark required columns with "*" and people add "（必填）"; both are noise.
    text = text.replace("\u3000", " ").strip()
    text = re.sub(r"[（(]\s*必填\s*[)）]$", "", text).strip()
    return text.strip("*＊ ").strip()


def _cell_text(value: Any) -> str:
    """Excel cell value → the text a user typed (numbers without a trailing ".0")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def _read_bytes(upload) -> bytes | None:
    """At most max+1 bytes of the upload (None when it is larger than allowed)."""
    limit = _max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        return None
    if hasattr(upload, "seek"):
        with contextlib.suppress(OSError, ValueError):
            upload.seek(0)
    data = upload.read(limit + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > limit:
        return None
    return data


def _decode_csv(data: bytes) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _csv_lines(text: str) -> Iterator[list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_lines(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in values]
    finally:
        workbook.close()


def _map_headers(
    header: list[str], columns: Sequence[Column]
) -> tuple[dict[int, Column], list[RowError]]:
    by_text: dict[str, Column] = {}
    for column in columns:
        for text in column.headers:
            by_text[_normalise_header(text)] = column
    positions: dict[int, Column] = {}
    seen: dict[str, int] = {}
    errors: list[RowError] = []
    for index, raw in enumerate(header):
        column = by_text.get(_normalise_header(raw))
        if column is None:
            continue  # extra columns (notes, serial numbers) are allowed and ignored
        if column.key in seen:
            errors.append(
                RowError(
                    _HEADER_ROW,
                    column.header,
                    _("表头“%(header)s”重复出现") % {"header": column.header},
                )
            )
            continue
        seen[column.key] = index
        positions[index] = column
    for column in columns:
        if column.required and column.key not in seen:
            errors.append(
                RowError(
                    _HEADER_ROW,
                    column.header,
                    _("缺少必填列“%(header)s”") % {"header": column.header},
                )
            )
    return positions, errors


def read_table(upload, columns: list[Column]) -> tuple[Rows, list[RowError]]:
    """Read an uploaded .csv or .xlsx into ``[(row_number, {key: text})]``.

    CSV may be UTF-8 (with or without BOM), GB18030 (what Chinese Excel writes) or
    UTF-16 tab-separated text; for .xlsx the first sheet is read. Row 1 is the header;
    its cells are matched to ``Column.header`` or ``aliases`` (a trailing "*" or "（必填）"
    is ignored, unknown columns are skipped). Fully blank rows are skipped; every
    returned dict has a stripped string for every column key ("" when the column is
    absent or the cell empty). Any problem with the file itself — unknown extension,
    too large, too many rows, unreadable, missing required headers — is returned as
    RowErrors (row 0 for the whole file, row 1 for the header) with no rows.
    """
    name = str(getattr(upload, "name", "") or "")
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension == ".xls":
        return [], _file_error(_("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再上传"))
    if extension not in _SUPPORTED:
        return [], _file_error(_("文件类型不支持，请上传 .xlsx 或 .csv 文件"))
    data = _read_bytes(upload)
    if data is None:
        limit_mb = _max_bytes() / (1024 * 1024)
        return [], _file_error(_("文件过大，不能超过 %(mb)s MB") % {"mb": f"{limit_mb:g}"})
    if not data.strip():
        return [], _file_error(_("文件是空的"))

    if extension == ".csv":
        text = _decode_csv(data)
        if text is None or "\x00" in text:
            return [], _file_error(_("无法识别文件编码，请保存为 UTF-8 或 GB18030 编码的 CSV 文件"))
        lines: Iterable[list[str]] = _csv_lines(text)
    else:
        if not data.startswith(b"PK"):
            return [], _file_error(_("文件已损坏或不是有效的 Excel (.xlsx) 文件"))
        lines = _xlsx_lines(data)

    max_rows = _max_rows()
    rows: Rows = []
    errors: list[RowError] = []
    positions: dict[int, Column] | None = None
    try:
        for number, cells in enumerate(lines, start=1):
            cells = [c.replace("\u3000", " ").strip() for c in cells]
            if positions is None:
                if number == _HEADER_ROW:
                    positions, header_errors = _map_headers(cells, columns)
                    if header_errors:
                        return [], header_errors
                continue
            if not any(cells):
                continue
            if len(rows) >= max_rows:
                return [], _file_error(
                    _("数据行数超过上限 %(n)s 行，请拆分后分批导入") % {"n": max_rows}
                )
            record = {column.key: "" for column in columns}
            for index, column in positions.items():
                if index < len(cells):
                    record[column.key] = cells[index]
            rows.append((number, record))
    except csv.Error:
        return [], _file_error(_("CSV 文件格式有误，无法读取"))
    except Exception:  # openpyxl raises many kinds (zip, XML, KeyError) on corrupt files
        if extension == ".xlsx":
            return [], _file_error(_("文件已损坏或不是有效的 Excel (.xlsx) 文件"))
        raise
    if positions is None:
        return [], _file_error(_("文件是空的"))
    if not rows:
        errors.append(RowError(0, "", _("文件中没有数据行")))
    return rows, errors


def parse_rows(
    rows: Rows, columns: list[Column]
) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    """Check required cells and run every ``Column.parse``; collect ALL errors.

    Returns the rows that are wholly valid (an empty optional cell becomes None when
    the column has a parser, "" otherwise) and one RowError per bad cell.
    """
    cleaned: list[tuple[int, dict[str, Any]]] = []
    errors: list[RowError] = []
    for number, raw in rows:
        values: dict[str, Any] = {}
        row_ok = True
        for column in columns:
            text = (raw.get(column.key) or "").strip()
            if not text:
                if column.required:
                    errors.append(RowError(number, column.header, _("必填项不能为空")))
                    row_ok = False
                values[column.key] = None if column.parse else ""
                continue
            if column.parse is None:
                values[column.key] = text
                continue
            try:
                values[column.key] = column.parse(text)
            except ValidationError as exc:
                errors.append(RowError(number, column.header, join_errors(exc)))
                row_ok = False
        if row_ok:
            cleaned.append((number, values))
    return cleaned, errors


def template_workbook(
    columns: list[Column], example_rows: Iterable[Mapping[str, Any] | Sequence[Any]] = ()
) -> bytes:
    """An .xlsx users download, fill in and upload: headers in row 1 (required ones in
    bold red), example rows below, every cell formatted as text so Excel keeps leading
    zeros and long numbers, and a second sheet "填写说明" listing each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("数据")
    required_font = Font(bold=True, color="C00000")
    optional_font = Font(bold=True)
    fill = PatternFill("solid", fgColor="F2F2F2")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = required_font if column.required else optional_font
        cell.fill = fill
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 6)
    for row_index, example in enumerate(example_rows, start=2):
        if isinstance(example, Mapping):
            values = [example.get(column.key, "") for column in columns]
        else:
            values = list(example)
        for col_index, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_index, column=col_index, value=_cell_text(value))
            cell.number_format = "@"
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(_("填写说明"))
    notes.append([_("列名"), _("是否必填"), _("说明")])
    for cell in notes[1]:
        cell.font = optional_font
    for column in columns:
        help_text = str(column.help)
        if column.aliases:
            help_text = _("%(help)s（也可写作：%(aliases)s）") % {
                "help": help_text,
                "aliases": join_list(column.aliases),
            }
        notes.append([column.header, _("必填") if column.required else _("选填"), help_text])
    notes.append([])
    notes.append([_("第一行为表头，请勿修改；从第二行起每行一条记录，示例行请删除后再填写。")])
    notes.append([_("任何一行有错误时整个文件都不会导入，系统会列出所有错误的行号、列名和原因。")])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 70

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Reusable parsers -----------------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def parse_mobile(text: str) -> str:
    """An 11-digit mainland mobile number; spaces, dashes and a +86/86 prefix are removed."""
    digits = re.sub(r"[\s\-－]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not _MOBILE.match(digits):
        raise ValidationError(_("手机号码应为 11 位中国大陆手机号"))
    return digits


def parse_choice(mapping: Mapping[str, Any], *, label: str = "") -> Callable[[str], Any]:
    """A parser accepting the keys of ``mapping`` (e.g. {"男": "M", "女": "F"})."""

    def parse(text: str) -> Any:
        if text in mapping:
            return mapping[text]
        raise ValidationError(
            _("%(label)s只能是：%(options)s")
            % {"label": label or _("取值"), "options": join_list(mapping)}
        )

    return parse


def parse_int(*, minimum: int | None = None, maximum: int | None = None) -> Callable[[str], int]:
    """A parser for whole numbers within [minimum, maximum]."""

    def parse(text: str) -> int:
        cleaned = text.replace(",", "")
        if cleaned.endswith(".0"):
            cleaned = cleaned[:-2]
        try:
            value = int(cleaned)
        except ValueError:
            raise ValidationError(_("应为整数")) from None
        if minimum is not None and value < minimum:
            raise ValidationError(_("不能小于 %(n)s") % {"n": minimum})
        if maximum is not None and value > maximum:
            raise ValidationError(_("不能大于 %(n)s") % {"n": maximum})
        return value

    return parse


def parse_date(text: str) -> dt.date:
    """A date written 2026-03-01, 2026/3/1, 2026.3.1 or 2026年3月1日."""
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if match is None:
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})[ T].*", text)
    if match is None:
        raise ValidationError(_("日期格式应为 2026-03-01"))
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValidationError(_("日期不存在")) from None
