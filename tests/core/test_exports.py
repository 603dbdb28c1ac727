"""Background Excel exports (core.exports): the streaming .xlsx writer, the registry,
export jobs with their progress, failures in Chinese, the owner-only progress page
and download, and the 24-hour clean-up."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import include, path, reverse

from minqing.core import exports
from minqing.core.models import AuditEntry
from minqing.core.models_exports import ExportJob, ExportState
from minqing.core.tasks import prune_export_jobs
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- URLs
# Until minqing/core/urls.py carries the two export routes (diff in the report), the
# tests mount them into the "core" namespace here; once it does, nothing is added.


def _urlpatterns():
    from minqing import urls as root
    from minqing.core import urls as core_urls
    from minqing.core import views_exports

    core_patterns = list(core_urls.urlpatterns)
    names = {getattr(p, "name", None) for p in core_patterns}
    if "export_job" not in names:
        core_patterns += [
            path("exports/<int:pk>/", views_exports.export_job, name="export_job"),
            path(
                "exports/<int:pk>/download/",
                views_exports.export_download,
                name="export_download",
            ),
        ]
    rest = [p for p in root.urlpatterns if getattr(p, "app_name", None) != "core"]
    return [path("", include((core_patterns, "core"))), *rest]


urlpatterns = _urlpatterns()
URLCONF = __name__


@pytest.fixture(autouse=True)
def _urls(settings):
    settings.ROOT_URLCONF = URLCONF


# ---------------------------------------------------------------- exporters


def numbers(user, params):
    """n rows of (number, date, text); ``deny`` refuses the reader like a selector."""
    if params.get("deny"):
        raise Http404
    n = params["n"]
    return exports.Sheet(
        title="测试导出",
        filename="测试导出.xlsx",
        columns=[exports.Column("序号", 6), exports.Column("日期", 11), exports.Column("内容")],
        rows=((i, dt.date(2026, 1, 1) + dt.timedelta(days=i % 300), f"第{i}行") for i in range(n)),
        total=n,
    )


def broken(user, params):
    def rows():
        yield (1, "ok")
        raise RuntimeError("database went away: secret details")

    return exports.Sheet(
        title="坏的导出",
        filename="bad.xlsx",
        columns=[exports.Column("a"), exports.Column("b")],
        rows=rows(),
        total=10,
    )


@pytest.fixture(autouse=True)
def _exporters():
    exports.register("test.numbers", numbers)
    exports.register("test.broken", "tests.core.test_exports.broken")
    yield
    exports._REGISTRY.pop("test.numbers", None)
    exports._REGISTRY.pop("test.broken", None)


def read_rows(data: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# ---------------------------------------------------------------- the writer


def test_writer_round_trips_values_and_styles():
    when = dt.datetime(2026, 3, 5, 14, 30, tzinfo=dt.UTC)
    sheet = exports.Sheet(
        title="台账/第[1]季度:*?",
        filename="x.xlsx",
        columns=[exports.Column(h) for h in ("文本", "整数", "小数", "日期", "时间", "布尔", "空")],
        rows=[
            ["A&B <c> \x07铃", 3, Decimal("2.5"), dt.date(2026, 3, 5), when, True, None],
            ["  前后空格  ", -1, 0.25, dt.date(1999, 12, 31), None, False, ""],
        ],
        total=2,
    )
    out = io.BytesIO()
    seen = []
    assert exports.write_xlsx(sheet, out, progress=seen.append, every=1) == 2
    assert seen == [1, 2, 2]
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    ws = book.worksheets[0]
    assert ws.title == "台账第1季度"  # characters Excel forbids in a tab are dropped
    assert [c.value for c in ws[1]] == ["文本", "整数", "小数", "日期", "时间", "布尔", "空"]
    assert ws["A1"].font.b and not ws["A2"].font.b
    assert ws.freeze_panes == "A2"
    assert ws["A2"].value == "A&B <c> 铃"  # the bell (illegal in XML) is dropped
    assert (ws["B2"].value, ws["C2"].value) == (3, 2.5)
    assert ws["D2"].value == dt.datetime(2026, 3, 5) and ws["D2"].number_format == "yyyy\\-mm\\-dd"
    assert ws["E2"].value == dt.datetime(2026, 3, 5, 22, 30)  # Asia/Shanghai local time
    assert (ws["F2"].value, ws["G2"].value) == (True, None)
    assert ws["A3"].value == "  前后空格  "
    assert ws["D3"].value == dt.datetime(1999, 12, 31) and ws["F3"].value is False
    assert ws.column_dimensions["C"].width == 12


def test_column_letters():
    assert [exports.column_letter(i) for i in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]


def test_unknown_kind_is_refused():
    with pytest.raises(LookupError):
        exports.exporter_for("test.nothing")


# ---------------------------------------------------------------- starting exports


def test_small_export_is_written_at_once_with_one_audit_entry():
    user = UserFactory()
    before = AuditEntry.objects.count()
    started = exports.export_or_queue(actor=user, kind="test.numbers", params={"n": 5})
    assert started.job is None and started.filename == "测试导出.xlsx"
    rows = read_rows(started.file.read())
    assert rows[0] == ("序号", "日期", "内容") and len(rows) == 6
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.verb == "export.file" and entry.actor == user
    assert not ExportJob.objects.exists()


def test_large_export_becomes_one_job_run_by_the_worker(django_capture_on_commit_callbacks):
    user = UserFactory()
    before = AuditEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        started = exports.export_or_queue(
            actor=user, kind="test.numbers", params={"n": 30}, sync_limit=10
        )
    assert len(callbacks) == 1  # the task is enqueued once, after the commit
    assert started.file is None
    job = ExportJob.objects.get()
    assert (job.pk, job.owner, job.kind, job.params) == (
        started.job.pk,
        user,
        "test.numbers",
        {"n": 30},
    )
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.latest("id").verb == "export.queue"
    assert job.state == ExportState.DONE  # the immediate task backend ran it
    assert (job.rows_done, job.rows_total, job.percent) == (30, 30, 100)
    path = exports.job_path(job)
    assert path.parent == exports.exports_dir() and len(path.stem) == 32  # random name
    assert job.size == path.stat().st_size
    rows = read_rows(path.read_bytes())
    assert len(rows) == 31 and rows[30] == (29, dt.datetime(2026, 1, 30), "第29行")


def test_a_user_may_not_pile_up_running_jobs():
    user = UserFactory()
    for _ in range(exports.MAX_RUNNING_PER_USER):
        exports.export_or_queue(actor=user, kind="test.numbers", params={"n": 3}, sync_limit=1)
    with pytest.raises(ValidationError) as exc:
        exports.export_or_queue(actor=user, kind="test.numbers", params={"n": 3}, sync_limit=1)
    assert "正在进行" in exc.value.messages[0]
    assert ExportJob.objects.count() == exports.MAX_RUNNING_PER_USER
    # Another user is not held up by them.
    exports.export_or_queue(actor=UserFactory(), kind="test.numbers", params={"n": 3}, sync_limit=1)


def test_a_reader_the_exporter_refuses_gets_no_job():
    with pytest.raises(Http404):
        exports.export_or_queue(
            actor=UserFactory(), kind="test.numbers", params={"n": 30, "deny": 1}, sync_limit=1
        )
    assert not ExportJob.objects.exists()


# ---------------------------------------------------------------- running jobs


def queued(user, kind="test.numbers", **params) -> ExportJob:
    return exports.export_or_queue(actor=user, kind=kind, params=params, sync_limit=0).job


def test_progress_is_written_while_the_rows_are_read(monkeypatch):
    """The exporter's rows look at the job row as they are read: the progress the
    page polls has moved on in steps of PROGRESS_EVERY."""
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 10)
    seen: list[int] = []

    def watching(user, params):
        sheet = numbers(user, params)
        inner = sheet.rows

        def rows():
            for i, row in enumerate(inner):
                if i % 10 == 0:
                    seen.append(ExportJob.objects.get(pk=job.pk).rows_done)
                yield row

        sheet.rows = rows()
        return sheet

    exports.register("test.watching", watching)
    try:
        job = queued(UserFactory(), kind="test.watching", n=45)
        assert job.state == ExportState.QUEUED and job.rows_total == 45
        assert exports.run_job(job.pk).startswith("done")
    finally:
        exports._REGISTRY.pop("test.watching")
    assert seen == [0, 10, 20, 30, 40]
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.percent) == (ExportState.DONE, 45, 100)
    assert job.started_at is not None and job.finished_at >= job.started_at
    assert exports.run_job(job.pk) == "skipped"  # never twice


def test_a_failed_exporter_marks_the_job_failed_in_chinese(caplog):
    job = queued(UserFactory(), kind="test.broken")
    assert exports.run_job(job.pk) == "failed"
    job.refresh_from_db()
    assert job.state == ExportState.FAILED
    assert job.error == "导出失败，请稍后重试；如仍失败，请联系系统管理员。"
    assert "secret" not in job.error
    assert job.file == "" and not list(exports.exports_dir().iterdir())  # no partial file left
    assert job.finished


def test_a_reader_who_lost_access_gets_a_failed_job():
    job = queued(UserFactory(), n=5)
    ExportJob.objects.filter(pk=job.pk).update(params={"n": 5, "deny": 1})
    exports.run_job(job.pk)
    job.refresh_from_db()
    assert (job.state, job.error) == (ExportState.FAILED, "您已无权导出这些数据，导出未完成。")


def test_an_inactive_owner_gets_nothing():
    user = UserFactory()
    job = queued(user, n=5)
    user.is_active = False
    user.save()
    exports.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == ExportState.FAILED


# ---------------------------------------------------------------- pages


def login(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)


def test_job_page_and_download_permission_matrix(client):
    owner, other = UserFactory(), UserFactory()
    job = queued(owner, n=25)
    page = reverse("core:export_job", args=[job.pk])
    download = reverse("core:export_download", args=[job.pk])
    for url in (page, download):
        login(client, None)
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        login(client, other)  # another user's job
        assert client.get(url).status_code == 404
    login(client, owner)
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-trigger="every 2s"' in html and "排队中" in html
    assert "已写入 0 / 25 行" in html
    assert client.get(download).status_code == 404  # not written yet
    exports.run_job(job.pk)
    response = client.get(page, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'aria-valuenow="100"' in html and "已写入 25 / 25 行" in html
    assert "hx-trigger" not in html  # polling stops
    assert download in html and "window.location.href" in html  # the download starts
    assert "window.location.href" not in client.get(page).content.decode()  # not on reload
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "private" in response["Cache-Control"]
    assert len(read_rows(body(response))) == 26
    login(client, other)
    assert client.get(download).status_code == 404
    assert client.post(page).status_code == 405


def test_running_job_shows_its_progress(client):
    owner = UserFactory()
    job = queued(owner, n=4000)
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.RUNNING, rows_done=1000)
    login(client, owner)
    html = client.get(reverse("core:export_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    html = html.content.decode()
    assert 'aria-valuenow="25"' in html and "已写入 1000 / 4000 行" in html
    assert "正在导出" in html and "hx-trigger" in html


def test_failed_job_page_says_why(client):
    owner = UserFactory()
    job = queued(owner, kind="test.broken")
    exports.run_job(job.pk)
    login(client, owner)
    html = client.get(reverse("core:export_job", args=[job.pk])).content.decode()
    assert "导出失败，请稍后重试" in html and "progress-bar" not in html
    assert client.get(reverse("core:export_download", args=[job.pk])).status_code == 404


# ---------------------------------------------------------------- clean-up


def test_prune_removes_day_old_jobs_files_and_strays():
    user = UserFactory()
    old, fresh = queued(user, n=3), queued(user, n=3)
    exports.run_job(old.pk)
    exports.run_job(fresh.pk)
    old.refresh_from_db()
    fresh.refresh_from_db()
    day_ago = old.created_at - dt.timedelta(hours=25)
    ExportJob.objects.filter(pk=old.pk).update(created_at=day_ago)
    stray = exports.exports_dir() / "0123abcd.part"
    stray.write_bytes(b"half")
    recent_stray = exports.exports_dir() / "4567ef.part"
    recent_stray.write_bytes(b"half")
    stamp = time.time() - 25 * 3600
    os.utime(stray, (stamp, stamp))
    lost = queued(UserFactory(), n=3)
    ExportJob.objects.filter(pk=lost.pk).update(
        state=ExportState.RUNNING, created_at=lost.created_at - dt.timedelta(hours=3)
    )
    assert exports.prune() == 1
    assert not ExportJob.objects.filter(pk=old.pk).exists()
    assert exports.job_path(old) is not None and not exports.job_path(old).exists()
    assert exports.job_path(fresh).exists() and not stray.exists() and recent_stray.exists()
    lost.refresh_from_db()
    assert lost.state == ExportState.FAILED and "中断" in lost.error
    assert exports.prune() == 0  # idempotent


def test_prune_task_runs():
    user = UserFactory()
    job = queued(user, n=3)
    ExportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - dt.timedelta(days=2))
    result = prune_export_jobs.enqueue()
    assert result.return_value == "removed=1"
