"""Run the reminder/escalation sweep once (for cron), or enqueue it for the worker."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "民情提醒、超期督办和未评价自动办结，执行一次。Remind, escalate, close unrated — once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="as if today were YYYY-MM-DD (for catching up)")

    def handle(self, *args, **options) -> None:
        from minqing.opinions.tasks import sweep

        today = dt.date.fromisoformat(options["date"]) if options["date"] else None
        self.stdout.write(str(sweep(today)))
