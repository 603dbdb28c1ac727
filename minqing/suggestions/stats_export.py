"""The statistics tables as an Excel download: the rates (value, numerator and
denominator per figure), the counts, and a sheet of definitions."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from minqing.suggestions import statistics as st
from minqing.suggestions.models import Kind, Timing


def _title(filters: st.Filters) -> str:
    parts = [_("议案建议办理统计")]
    if filters.region is not None:
        parts.append(filters.region.name)
    if filters.year:
        parts.append(_("%(year)s年度") % {"year": filters.year})
    if filters.session is not None:
        parts.append(filters.session.name)
    if filters.kind:
        parts.append(str(dict(Kind.choices)[filters.kind]))
    if filters.timing:
        parts.append(str(dict(Timing.choices)[filters.timing]))
    return " · ".join(parts)


def workbook(table: st.Table, *, filters: st.Filters) -> bytes:
    """The table as an .xlsx: sheet 1 the rates (a percentage, empty when the
    denominator is 0, then numerator and denominator) with the 合计 row last, sheet 2
    the counts, sheet 3 the definitions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    label = st.group_label(table.group_by, filters.signers)
    rows = [*table.rows, table.total]
    book = Workbook()
    rates = book.active
    rates.title = _("办理指标")
    rates.append([_title(filters)])
    rates["A1"].font = Font(bold=True)
    header = [label]
    for key in st.RATE_KEYS:
        name = st.DEFINITIONS[key].name
        header += [
            str(name),
            _("%(name)s分子") % {"name": name},
            _("%(name)s分母") % {"name": name},
        ]
    rates.append(header)
    for row in rows:
        values: list[Any] = [row.label]
        for key in st.RATE_KEYS:
            f = row.figures[key]
            values += [f.rate, f.numerator, f.denominator]
        rates.append(values)
        for i in range(len(st.RATE_KEYS)):
            rates.cell(row=rates.max_row, column=2 + 3 * i).number_format = "0.0%"
    counts = book.create_sheet(_("办理件数"))
    counts.append([_title(filters)])
    counts["A1"].font = Font(bold=True)
    counts.append([label, *(str(st.DEFINITIONS[k].name) for k in st.COUNT_KEYS)])
    for row in rows:
        counts.append([row.label, *(row.figures[k].numerator for k in st.COUNT_KEYS)])
    for sheet in (rates, counts):
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 28
    defs = book.create_sheet(_("指标口径"))
    defs.append([_("指标"), _("分子（或计数）"), _("分母"), _("统计对象"), _("说明")])
    for cell in defs[1]:
        cell.font = Font(bold=True)
    for d in st.DEFINITIONS.values():
        defs.append(
            [str(d.name), str(d.numerator), str(d.denominator), str(d.base_text), str(d.note)]
        )
    defs.append([])
    defs.append([str(st.SCOPE_NOTE)])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
