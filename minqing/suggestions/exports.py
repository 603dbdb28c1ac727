"""The whole ledger of motions and suggestions as an Excel download (议案建议台账).

One row per item and unit part (an item not yet assigned has one row without a unit),
Chinese headers, never a contact name or phone. Written with openpyxl's write-only
mode into a temporary file, so memory stays flat however many items the filters
select; the view streams that file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import IO, Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minqing.core.config import settings_for
from minqing.suggestions.models import ANSWERING_ROLES, CommitmentState, Level
from minqing.suggestions.selectors_docs import LedgerItem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (header, column width)
COLUMNS: tuple[tuple[Promise, int], ...] = (
    (gettext_lazy("编号"), 11),
    (gettext_lazy("类型"), 6),
    (gettext_lazy("标题"), 40),
    (gettext_lazy("类别"), 12),
    (gettext_lazy("提出时间"), 9),
    (gettext_lazy("大会会议"), 28),
    (gettext_lazy("年度"), 6),
    (gettext_lazy("领衔代表"), 9),
    (gettext_lazy("联名代表"), 24),
    (gettext_lazy("状态"), 9),
    (gettext_lazy("公开属性"), 10),
    (gettext_lazy("承办单位"), 24),
    (gettext_lazy("承办方式"), 8),
    (gettext_lazy("承办状态"), 9),
    (gettext_lazy("交办日期"), 11),
    (gettext_lazy("答复期限"), 11),
    (gettext_lazy("答复日期"), 11),
    (gettext_lazy("按期答复"), 8),
    (gettext_lazy("办理结果"), 8),
    (gettext_lazy("代表评价（办理结果）"), 10),
    (gettext_lazy("代表评价（沟通联系）"), 10),
    (gettext_lazy("重新办理次数"), 8),
    (gettext_lazy("督办"), 24),
    (gettext_lazy("承诺事项"), 40),
)


def _headers() -> list[str]:
    return [str(h) for h, _w in COLUMNS]


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("是") if value else _("否")


def _date(value) -> Any:
    if value is None:
        return None
    if hasattr(value, "hour"):
        return timezone.localtime(value).date()
    return value


def _commitment_text(commitments) -> str:
    out = []
    for c in commitments:
        state = _("已兑现") if c.state == CommitmentState.FULFILLED else _("推进中")
        if c.carried_over:
            state += _("，已结转")
        due = _("，计划%(d)s") % {"d": c.due_date.isoformat()} if c.due_date else ""
        out.append(f"{c.text}（{state}{due}）")
    return "；".join(out)


class _Categories:
    """Category names by region, read once per region."""

    def __init__(self) -> None:
        self._by_region: dict[int, dict[str, str]] = {}

    def name(self, suggestion) -> str:
        names = self._by_region.get(suggestion.region_id)
        if names is None:
            taxonomy = settings_for(suggestion.region)["taxonomy.opinion_categories"]
            names = {c["code"]: c["name"] for c in taxonomy}
            self._by_region[suggestion.region_id] = names
        return names.get(suggestion.category, suggestion.category)


def ledger_rows(items: Iterable[LedgerItem]) -> Iterable[list[Any]]:
    """The ledger's rows (without the header), in the order of ``items``."""
    categories = _Categories()
    for item in items:
        s = item.suggestion
        lead = s.lead_deputy.name
        cosigners = "、".join(x.deputy.name for x in item.signers if not x.is_lead)
        supervision = "；".join(
            f"{x.get_kind_display()}：{x.leader}" + (f"（{x.body}）" if x.body else "")
            for x in item.supervisions
        )
        head = [
            s.display_number,
            s.get_kind_display(),
            s.title,
            categories.name(s) if s.category else "",
            s.get_timing_display(),
            s.session.name if s.session else "",
            s.year,
            lead,
            cosigners,
            s.get_state_display(),
            s.get_disclosure_display(),
        ]
        if not item.parts:
            yield [*head, *[""] * 9, s.rehandle_count, supervision, ""]
            continue
        for part in item.parts:
            reply = item.latest_reply.get(part.pk)
            feedback = getattr(reply, "feedback", None) if reply is not None else None
            answering = part.role in ANSWERING_ROLES
            commitments = item.commitments.get(part.unit_id, []) if answering else []
            yield [
                *head,
                part.unit.name,
                part.get_role_display(),
                part.get_state_display(),
                _date(part.assigned_at),
                part.reply_due if answering else part.view_due,
                _date(part.answered_at),
                _yes_no(part.on_time),
                reply.result_class if reply is not None else "",
                str(Level(feedback.result_level).label) if feedback is not None else "",
                str(Level(feedback.contact_level).label) if feedback is not None else "",
                s.rehandle_count,
                supervision,
                _commitment_text(commitments),
            ]


def write_ledger(items: Iterable[LedgerItem], out: IO[bytes]) -> int:
    """Write the ledger workbook to ``out`` (a binary file); returns the number of rows
    written after the header."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("议案建议台账"))
    for i, (_header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "D2"
    bold = Font(bold=True)
    wrap = Alignment(vertical="top", wrap_text=True)
    header = []
    for text in _headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        cell.alignment = wrap
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in ledger_rows(items):
        sheet.append(row)
        count += 1
    book.save(out)
    return count


def ledger_file(items: Iterable[LedgerItem]) -> IO[bytes]:
    """The ledger workbook in an anonymous temporary file, positioned at its start (the
    file disappears when closed)."""
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the response closes it)
    try:
        write_ledger(items, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
