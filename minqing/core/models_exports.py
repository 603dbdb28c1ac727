"""Background exports (core.exports): one row per export a user started, with its
progress, the file it produced and, on failure, a message for the user.

Imported at the end of core/models.py so the model belongs to the core app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在导出")
    DONE = "done", _("已完成")
    FAILED = "failed", _("导出失败")


class ExportJob(models.Model):
    """A large export written by the task worker: ``kind`` names the exporter
    (core.exports registry), ``params`` its JSON arguments. Only the owner may follow
    it or download the file; the row and its file are removed after a day."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导出人"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    kind = models.CharField(_("导出类型"), max_length=60)
    params = models.JSONField(_("导出条件"), default=dict)
    title = models.CharField(_("名称"), max_length=200)
    filename = models.CharField(_("文件名"), max_length=200)
    language = models.CharField(max_length=10, blank=True)
    state = models.CharField(
        _("状态"), max_length=8, choices=ExportState.choices, default=ExportState.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("已导出行数"), default=0)
    # A random name under the exports directory (core.exports.exports_dir), never the
    # user's file name: the file is served only through core:export_download.
    file = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(_("失败原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "state"], name="core_exportjob_owner")]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.state in (ExportState.DONE, ExportState.FAILED)

    @property
    def percent(self) -> int:
        """Progress in whole percent (100 once done)."""
        if self.state == ExportState.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
