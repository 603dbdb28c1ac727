"""Background work of core: export jobs (core.exports).

``run_export_job`` is enqueued when a user starts a large export; ``prune_export_jobs``
is periodic (settings.MINQING_PERIODIC_TASKS, hourly): it removes jobs and files older
than a day and marks jobs lost by a stopped worker as failed.
"""

from __future__ import annotations

from django_tasks import task


@task()
def run_export_job(job_id: int) -> str:
    """Write the workbook of one queued export job (its progress is on the job row)."""
    from minqing.core.exports import run_job

    return run_job(job_id)


@task()
def prune_export_jobs() -> str:
    """Remove export jobs and their files after a day (idempotent)."""
    from minqing.core.exports import prune

    return f"removed={prune()}"
