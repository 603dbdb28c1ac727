"""Run the duty sweep once (for cron): autoconfirm the records deputies left
unanswered, remind them half-way, remind tomorrow's deputies on duty."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "履职记录逾期自动确认、待确认提醒和统一接待日值班提醒，执行一次。"
        "Autoconfirm, remind to confirm, remind tomorrow's duty slots — once."
    )

    def handle(self, *args, **options) -> None:
        from minqing.duties.tasks import sweep

        self.stdout.write(str(sweep()))
