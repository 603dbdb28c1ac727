"""Enqueue the periodic tasks of settings.MINQING_PERIODIC_TASKS for the task worker.

django-tasks runs tasks but has no clock; this small loop is the clock. Every task it
enqueues must be idempotent (it runs once at start and then every interval), so a
restart or two schedulers at once do no harm. ``manage.py serve`` starts it next to the
worker; production runs it as one more service, or uses cron with the tasks' own
commands (e.g. ``manage.py opinion_sweep``).
"""

from __future__ import annotations

import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "定时把周期任务放入任务队列。Enqueue periodic tasks for the worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="enqueue each task once and exit")

    def handle(self, *args, **options) -> None:
        jobs = [(import_string(path), int(every)) for path, every in _periodic().items()]
        self.running = True
        signal.signal(signal.SIGTERM, self.stop)
        last: dict[int, float] = {}
        while self.running:
            now = time.monotonic()
            for index, (job, every) in enumerate(jobs):
                if index not in last or now - last[index] >= every:
                    job.enqueue()
                    last[index] = now
                    self.stdout.write(f"enqueued {job.module_path}")
            if options["once"]:
                return
            time.sleep(min([30, *(every for _, every in jobs)]))

    def stop(self, *args) -> None:
        self.running = False


def _periodic() -> dict[str, int]:
    return dict(getattr(settings, "MINQING_PERIODIC_TASKS", {}))
