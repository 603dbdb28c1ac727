"""Background export jobs (core.exports): the progress page and the download.

- ``core:export_job`` (``exports/<pk>/``): the job's progress — the page, or (htmx)
  the partial it polls every two seconds; when the job is done the partial offers
  the file and, on the poll that saw it finish, starts the download.
- ``core:export_download`` (``exports/<pk>/download/``): the workbook as an
  attachment.

Only the user who started the job sees either (404 for anyone else, 404 for a job
not finished or already removed after a day).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from minqing.core import exports

private = cache_control(private=True, no_store=True)


@login_required
@require_safe
@private
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = exports.job_get_owned(request.user, pk)
    if request.headers.get("HX-Request"):
        return render(request, "core/exports/_progress.html", {"job": job, "auto": True})
    return render(request, "core/exports/job.html", {"job": job})


@login_required
@require_safe
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    fileobj, filename = exports.job_file(request.user, pk)
    return exports.file_response(fileobj, filename)
