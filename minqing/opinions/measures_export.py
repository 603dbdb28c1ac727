"""The measures table as an Excel download (a second sheet holds the definitions)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from minqing.opinions.measures import DEFINITIONS, GROUP_LABELS, SCOPE_NOTE, Row


def workbook(
    rows: list[Row], total_row: Row, *, group_by: str, start: dt.date, end: dt.date, region
) -> bytes:
    """The table as an .xlsx: per measure its rate (formatted as a percentage, empty when
    the denominator is 0), numerator and denominator, the 合计 row last; a second sheet
    holds the definitions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("民情指标")
    period = _("统计期：%(start)s 至 %(end)s") % {
        "start": date_format(start),
        "end": date_format(end),
    }
    sheet.append([_("民情工作指标") + (f" · {region.name}" if region else ""), period])
    sheet["A1"].font = Font(bold=True)
    header = [str(GROUP_LABELS[group_by])]
    for d in DEFINITIONS.values():
        header += [
            str(d.name),
            _("%(name)s分子") % {"name": d.name},
            _("%(name)s分母") % {"name": d.name},
        ]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in [*rows, total_row]:
        values: list[Any] = [row.label]
        for key in DEFINITIONS:
            r = row.measures[key]
            values += [r.rate, r.numerator, r.denominator]
        sheet.append(values)
        for i in range(len(DEFINITIONS)):
            sheet.cell(row=sheet.max_row, column=2 + 3 * i).number_format = "0.0%"
    sheet.column_dimensions["A"].width = 28
    defs = book.create_sheet(_("指标口径"))
    defs.append([_("指标"), _("分子"), _("分母"), _("统计对象"), _("说明")])
    for d in DEFINITIONS.values():
        defs.append([str(d.name), str(d.numerator), str(d.denominator), str(d.base), str(d.note)])
    defs.append([])
    defs.append([str(SCOPE_NOTE)])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
