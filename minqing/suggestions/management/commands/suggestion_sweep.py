"""Run the motion and suggestion deadline sweep once (for cron): reminders, escalation,
closing unrated items, the new year's commitment carry-over."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "议案建议期限提醒、超期督办、逾期未评价办结和承诺事项结转，执行一次。"
        "Remind, escalate, close unrated, carry over — once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="as if today were YYYY-MM-DD (for catching up)")

    def handle(self, *args, **options) -> None:
        from minqing.suggestions.tasks import sweep

        try:
            today = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        self.stdout.write(str(sweep(today)))
