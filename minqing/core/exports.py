"""Excel exports of any size: a registry of exporters, a streaming .xlsx writer, and
background export jobs with progress.

An *exporter* is a function ``(user, params) -> Sheet``: it checks that ``user`` may
read what ``params`` (a JSON dict) select — raising Http404 or PermissionDenied if
not — and returns the sheet's columns, a row count and a lazy iterator of rows. Apps
register theirs under a ``kind`` (``register``); the built-in table below names them by
dotted path so the task worker finds them without importing every app.

``export_or_queue`` is what a page's export button calls: a small export (at most
``SYNC_LIMIT`` rows) is written at once and returned as the download; a larger one
becomes an :class:`~minqing.core.models_exports.ExportJob` for the task worker
(``core.tasks.run_export_job``), whose page (core:export_job) shows its progress and
then offers the file (core:export_download, the owner only). ``prune`` removes jobs and
files older than a day; the scheduler runs it through ``core.tasks.prune_export_jobs``.

Why not openpyxl's write-only mode (as suggestions.exports): without lxml, openpyxl
serialises every cell through the pure-Python et_xmlfile, about 12 s per 100,000
rows of eight cells (50 s under tracemalloc), where this writer takes about 1.5 s. The
file is a minimal SpreadsheetML package (one sheet, inline strings, a bold header,
dates formatted yyyy-mm-dd, frozen first row) that Excel, WPS and openpyxl read. Rows
go to a temporary file as they come, so memory stays flat whatever the row count.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from minqing.core import audit
from minqing.core.models import Region
from minqing.core.models_exports import ExportJob, ExportState

log = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Up to this many rows the export button answers with the file at once.
SYNC_LIMIT = 2000
# Jobs (and their files) older than this are removed by ``prune``.
MAX_AGE = dt.timedelta(hours=24)
# A user's unfinished jobs at once: more clicks wait for one of them to finish.
MAX_RUNNING_PER_USER = 3
# How often the worker writes progress (rows), at least.
PROGRESS_EVERY = 1000
# A job still unfinished this long after it was created is taken as lost (the worker
# stopped under it) and marked failed by ``prune``.
STALE_AFTER = dt.timedelta(hours=2)


# ---------------------------------------------------------------- sheets


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 12


@dataclass
class Sheet:
    """What an exporter returns. ``rows`` is consumed once, lazily (a generator over
    a database iterator keeps memory flat); ``total`` is the expected row count."""

    title: str  # sheet name and the job's title
    filename: str  # the download's name, with .xlsx
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    total: int
    region: Region | None = None  # where the export's audit entry is filed
    sheet_name: str = ""  # the worksheet's tab (default: the title), at most 31 characters


Exporter = Callable[[Any, dict], Sheet]

# kind → exporter, or the dotted path of one (imported on first use).
_REGISTRY: dict[str, Exporter | str] = {
    "duties.ledger": "minqing.duties.ledgers.export_sheet",
}


def register(kind: str, exporter: Exporter | str) -> None:
    """Make ``exporter`` (a function or its dotted path) available under ``kind``."""
    _REGISTRY[kind] = exporter


def exporter_for(kind: str) -> Exporter:
    target = _REGISTRY.get(kind)
    if target is None:
        raise LookupError(f"no exporter registered for {kind!r}")
    if isinstance(target, str):
        target = import_string(target)
        _REGISTRY[kind] = target
    return target


# ---------------------------------------------------------------- the .xlsx writer

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    f'Type="{_REL_NS}/officeDocument"/>'
    '<Relationship Id="rId2" Target="docProps/app.xml" '
    f'Type="{_REL_NS}/extended-properties"/>'
    "</Relationships>"
)
_APP = (
    _HEAD + "<Properties "
    'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>minqing</Application></Properties>"
)
_WORKBOOK_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{_REL_NS}/worksheet"/>'
    f'<Relationship Id="rId2" Target="styles.xml" Type="{_REL_NS}/styles"/>'
    "</Relationships>"
)
# Cell styles: 0 plain, 1 date, 2 date and time, 3 bold header (wrapped).
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="宋体"/><charset val="134"/></font>'
    '<font><b/><sz val="11"/><name val="宋体"/><charset val="134"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
    'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_EPOCH = dt.date(1899, 12, 30)
# Characters XML 1.0 forbids (Excel refuses the file): dropped from text.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Text that needs work before it goes into the XML (escaping or dropping).
_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_TEXT = 32767  # Excel's limit per cell
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def column_letter(index: int) -> str:
    """A, B, … Z, AA … for a 1-based column index."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _text(ref: str, value: str, style: str = "") -> str:
    if len(value) > _MAX_TEXT:
        value = value[:_MAX_TEXT]
    if _SPECIAL.search(value) is not None:
        value = escape(_ILLEGAL.sub("", value))
    if not value:
        return ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'


def _cell(ref: str, value: Any) -> str:
    """One cell's XML ('' for an empty value)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _text(ref, value)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | Decimal) or (
        isinstance(value, float) and value == value and abs(value) != float("inf")
    ):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        delta = value.replace(tzinfo=None) - dt.datetime(1899, 12, 30)
        return f'<c r="{ref}" s="2"><v>{delta.days + delta.seconds / 86400:.6f}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="1"><v>{(value - _EPOCH).days}</v></c>'
    return _text(ref, str(value))


def _row(n: int, letters: Sequence[str], values: Sequence[Any]) -> str:
    """One row's XML. The common types are inlined: this loop runs once per cell of
    the largest exports."""
    parts = [f'<row r="{n}">']
    for letter, value in zip(letters, values, strict=False):
        kind = type(value)
        if kind is str:
            if value:
                parts.append(_text(f"{letter}{n}", value))
        elif kind is int:
            parts.append(f'<c r="{letter}{n}"><v>{value}</v></c>')
        elif kind is dt.date:
            parts.append(f'<c r="{letter}{n}" s="1"><v>{(value - _EPOCH).days}</v></c>')
        elif value is not None:
            parts.append(_cell(f"{letter}{n}", value))
    parts.append("</row>")
    return "".join(parts)


def _sheet_name(title: str) -> str:
    name = _BAD_SHEET_CHARS.sub("", title).strip("'")[:31]
    return name or "Sheet1"


def write_xlsx(
    sheet: Sheet,
    out: IO[bytes],
    *,
    progress: Callable[[int], None] | None = None,
    every: int | None = None,
) -> int:
    """Write ``sheet`` as an .xlsx workbook to ``out`` (a binary file); returns the
    number of rows written after the header. ``progress(rows_done)`` is called every
    ``every`` rows (default PROGRESS_EVERY). Rows go to a temporary file as they come
    (memory stays flat); the worksheet is that file between its head (which names the
    sheet's size, known only at the end) and its tail."""
    every = every or PROGRESS_EVERY
    letters = [column_letter(i) for i in range(1, len(sheet.columns) + 1)]
    count = 0
    with tempfile.TemporaryFile() as body:
        header = "".join(
            _text(f"{letter}1", str(c.header), ' s="3"')
            for letter, c in zip(letters, sheet.columns, strict=True)
        )
        body.write(f'<row r="1">{header}</row>'.encode())
        buffer: list[str] = []
        for values in sheet.rows:
            count += 1
            buffer.append(_row(count + 1, letters, values))
            if len(buffer) >= 200:
                body.write("".join(buffer).encode())
                buffer.clear()
            if progress is not None and count % every == 0:
                progress(count)
        body.write("".join(buffer).encode())
        size = body.tell()
        body.seek(0)
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"/>'
            for i, c in enumerate(sheet.columns, start=1)
        )
        head = (
            _HEAD + f'<worksheet xmlns="{_NS}" xmlns:r="{_REL_NS}">'
            f'<dimension ref="A1:{letters[-1]}{count + 1}"/>'
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
            "</sheetView></sheetViews>"
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
        ).encode()
        tail = b"</sheetData></worksheet>"
        name = quoteattr(_sheet_name(sheet.sheet_name or sheet.title))
        workbook = (
            _HEAD + f'<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}">'
            "<bookViews><workbookView/></bookViews><sheets>"
            f'<sheet name={name} sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"
        )
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", _CONTENT_TYPES)
            z.writestr("_rels/.rels", _ROOT_RELS)
            z.writestr("docProps/app.xml", _APP)
            z.writestr("xl/workbook.xml", workbook)
            z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
            z.writestr("xl/styles.xml", _STYLES)
            info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", date_time=_now_tuple())
            info.compress_type = zipfile.ZIP_DEFLATED
            # The size is known: no ZIP64 record for ordinary sizes (some readers balk).
            info.file_size = len(head) + size + len(tail)
            with z.open(info, "w") as dst:
                dst.write(head)
                shutil.copyfileobj(body, dst, 1024 * 1024)
                dst.write(tail)
    if progress is not None:
        progress(count)
    return count


def _now_tuple() -> tuple[int, int, int, int, int, int]:
    now = timezone.localtime()
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)


# ---------------------------------------------------------------- files


def exports_dir() -> Path:
    """Where job files live: MEDIA_ROOT/exports (random names, served only through
    core:export_download)."""
    path = Path(settings.MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_path(job: ExportJob) -> Path | None:
    if not job.file or "/" in job.file or "\\" in job.file or job.file.startswith("."):
        return None
    return exports_dir() / job.file


def attachment(name: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(name)}"


def file_response(fileobj: IO[bytes], filename: str) -> FileResponse:
    """An .xlsx download (never cached by a shared cache)."""
    response = FileResponse(fileobj, content_type=XLSX)
    response["Content-Disposition"] = attachment(filename)
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- starting an export


@dataclass
class Started:
    """What ``export_or_queue`` did: a file to send now, or a job to follow."""

    job: ExportJob | None = None
    file: IO[bytes] | None = None
    filename: str = ""


def _audit(actor, verb: str, sheet: Sheet, kind: str, obj=None) -> None:
    audit.record(
        actor=actor,
        verb=verb,
        obj=obj,
        region=sheet.region,
        note=f"{kind}: {sheet.title} ({sheet.total})",
    )


def export_or_queue(*, actor, kind: str, params: dict, sync_limit: int | None = None) -> Started:
    """Export what ``params`` select with the ``kind`` exporter, for ``actor`` (who must
    be allowed to read it: the exporter raises Http404/PermissionDenied otherwise).

    At most ``sync_limit`` rows (default SYNC_LIMIT): the workbook is written now into
    a temporary file and returned (audit ``export.file``). More: an ExportJob is
    created for the worker (audit ``export.queue``; the task is enqueued when the
    transaction commits) — unless ``actor`` already has MAX_RUNNING_PER_USER
    unfinished jobs, which is a ValidationError."""
    sheet = exporter_for(kind)(actor, params)
    if sheet.total <= (SYNC_LIMIT if sync_limit is None else sync_limit):
        out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the response closes it)
        try:
            write_xlsx(sheet, out)
            _audit(actor, "export.file", sheet, kind)
        except BaseException:
            out.close()
            raise
        out.seek(0)
        return Started(file=out, filename=sheet.filename)
    return Started(job=_job_create(actor=actor, kind=kind, params=params, sheet=sheet))


@transaction.atomic(durable=True)
def _job_create(*, actor, kind: str, params: dict, sheet: Sheet) -> ExportJob:
    from minqing.core.tasks import run_export_job

    running = ExportJob.objects.filter(
        owner=actor, state__in=(ExportState.QUEUED, ExportState.RUNNING)
    ).count()
    if running >= MAX_RUNNING_PER_USER:
        raise ValidationError(
            _("您已有 %(n)s 个导出任务正在进行，请等其中一个完成后再导出。") % {"n": running}
        )
    job = ExportJob.objects.create(
        owner=actor,
        kind=kind,
        params=params,
        title=sheet.title[:200],
        filename=sheet.filename[:200],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        rows_total=sheet.total,
    )
    _audit(actor, "export.queue", sheet, kind, obj=job)
    transaction.on_commit(lambda: run_export_job.enqueue(job_id=job.pk))
    return job


# ---------------------------------------------------------------- running a job


class _Progress:
    """Writes rows done to the job row (its own UPDATE, seen by the polling page)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id

    def __call__(self, done: int) -> None:
        ExportJob.objects.filter(pk=self.job_id).update(rows_done=done)


def failure_message(exc: BaseException) -> str:
    """What the job page says when an export fails (never the exception's text)."""
    if isinstance(exc, PermissionDenied | Http404):
        return _("您已无权导出这些数据，导出未完成。")
    return _("导出失败，请稍后重试；如仍失败，请联系系统管理员。")


def run_job(job_id: int) -> str:
    """Run one queued job (the task worker calls this): claim it, write the workbook
    to a random file under ``exports_dir()`` reporting progress, and mark it done —
    or failed with a Chinese message for its owner. A job not queued (already run,
    claimed by another worker, removed) is left alone."""
    now = timezone.now()
    if not ExportJob.objects.filter(pk=job_id, state=ExportState.QUEUED).update(
        state=ExportState.RUNNING, started_at=now
    ):
        return "skipped"
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    path = exports_dir() / f"{secrets.token_hex(16)}.xlsx"
    partial = path.with_suffix(".part")
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            if not job.owner.is_active:
                raise PermissionDenied
            sheet = exporter_for(job.kind)(job.owner, job.params)
            ExportJob.objects.filter(pk=job.pk).update(rows_total=sheet.total)
            with partial.open("wb") as out:
                count = write_xlsx(sheet, out, progress=_Progress(job.pk))
        partial.replace(path)
    except Exception as exc:
        if isinstance(exc, PermissionDenied | Http404):
            log.warning("export job %s (%s): the owner may no longer read it", job.pk, job.kind)
        else:
            log.exception("export job %s (%s) failed", job.pk, job.kind)
        partial.unlink(missing_ok=True)
        with translation.override(job.language or settings.LANGUAGE_CODE):
            message = failure_message(exc)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportState.FAILED, error=message[:300], finished_at=timezone.now()
        )
        return "failed"
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportState.DONE,
        file=path.name,
        size=path.stat().st_size,
        rows_done=count,
        rows_total=count,
        finished_at=timezone.now(),
    )
    return f"done rows={count}"


# ---------------------------------------------------------------- reading jobs


def job_get_owned(user, pk: int) -> ExportJob:
    """The job ``pk`` if ``user`` started it, else 404 (another user's job included)."""
    job = ExportJob.objects.filter(pk=pk, owner_id=user.pk).first()
    if job is None:
        raise Http404
    return job


def job_file(user, pk: int) -> tuple[IO[bytes], str]:
    """The open file of the owner's finished job and its download name, or 404."""
    job = job_get_owned(user, pk)
    path = job_path(job)
    if job.state != ExportState.DONE or path is None or not path.is_file():
        raise Http404
    return path.open("rb"), job.filename


# ---------------------------------------------------------------- cleaning up


def prune(*, now: dt.datetime | None = None, max_age: dt.timedelta = MAX_AGE) -> int:
    """Mark jobs unfinished after STALE_AFTER as failed; remove jobs created more than
    ``max_age`` ago with their files, and any stray file in the exports directory as
    old (a crashed run's partial file). Returns the number of jobs removed.
    Idempotent: the scheduler runs it hourly."""
    now = now or timezone.now()
    ExportJob.objects.filter(
        state__in=(ExportState.QUEUED, ExportState.RUNNING), created_at__lt=now - STALE_AFTER
    ).update(
        state=ExportState.FAILED,
        error=_("导出任务已中断，请重新导出。"),
        finished_at=now,
    )
    cutoff = now - max_age
    old = ExportJob.objects.filter(created_at__lt=cutoff)
    for job in old.only("pk", "file").iterator(chunk_size=500):
        path = job_path(job)
        if path is not None:
            path.unlink(missing_ok=True)
    removed, _detail = old.delete()
    keep = set(
        ExportJob.objects.exclude(file="").values_list("file", flat=True).iterator(chunk_size=2000)
    )
    limit = cutoff.timestamp()
    for path in exports_dir().iterdir():
        if path.is_file() and path.name not in keep and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
    return removed
