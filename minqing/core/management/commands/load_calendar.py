"""Seed the holiday calendar from the chinese-calendar package (its known years)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from minqing.core import audit
from minqing.core.calendar import load_from_package, package_years


class Command(BaseCommand):
    help = "从 chinese-calendar 软件包载入节假日安排（默认：软件包已知的全部年份）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--years", nargs="*", type=int, help="只载入这些年份，如 2025 2026（默认全部）"
        )

    def handle(self, *args, years: list[int] | None = None, **options) -> None:
        known = set(package_years())
        unknown = sorted(set(years or []) - known)
        if unknown:
            self.stderr.write(
                f"软件包不含这些年份的安排：{', '.join(map(str, unknown))}；"
                "请在“节假日”页面导入国务院办公厅通知。"
            )
        wanted = [y for y in years if y in known] if years else None
        if wanted == []:
            return
        with transaction.atomic():
            loaded = load_from_package(wanted)
            if loaded:
                audit.record(actor=None, verb="calendar.load", after={"years": loaded})
        if loaded:
            self.stdout.write(f"已载入：{', '.join(map(str, loaded))}")
        else:
            self.stdout.write("没有载入任何年份")
