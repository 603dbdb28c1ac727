"""``manage.py demo_city --size small|city|province [--seed N]``: the fictional demo.

Builds 澜江省 (990000) with 澜州市 and, at ``province`` size, eleven more cities: region
tree down to grids, congresses and terms of all five levels, deputies with private
contacts and groups, handling units, liaison stations of every kind with their
deputies, schedules and reception days, and one demo login per role (password
``minqing-demo``). The same seed always gives the same data.

This is seed data, not user activity: it is written with bulk inserts that bypass the
actions (no per-row permission checks or audit entries — at province size that would be
hundreds of thousands of rows). One audit entry ``demo.load`` records the size, seed and
counts. The command refuses to run when 澜江省 already exists, so ``make run`` never
loads it twice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minqing.core.demo import DEFAULT_SEED, DEMO_PASSWORD, SIZES, DemoExists, build_demo


class Command(BaseCommand):
    help = "生成虚构的演示数据（澜江省澜州市）：区划、人大代表、承办单位、联络站和各角色演示账号"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            choices=sorted(SIZES),
            default="city",
            help="small：测试用；city：一个市（默认）；province：全省约10万名代表、1万个站点",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子")

    def handle(self, *args, **options) -> None:
        verbose = options["verbosity"] >= 2
        try:
            result = build_demo(
                options["size"],
                seed=options["seed"],
                progress=(lambda msg: self.stdout.write(f"  {msg}")) if verbose else None,
            )
        except DemoExists as exc:
            raise CommandError(
                f"演示数据（{exc}，区划代码 990000）已存在，未重复生成。"
                "如需重新生成，请使用一个空数据库。"
            ) from exc
        c = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已生成（规模 {result.size}，种子 {result.seed}，"
                f"用时 {result.seconds:.1f} 秒）"
            )
        )
        self.stdout.write(
            f"  区划 {c['regions']} 个，人大 {c['congresses']} 个，代表 {c['deputies']} 名，"
            f"代表小组 {c['deputy_groups']} 个，承办单位 {c['units']} 个，"
            f"联络站 {c['stations']} 个（进站代表 {c['station_deputies']} 人次），"
            f"接待日 {c['reception_days']} 个，民情 {c.get('opinions', 0)} 件，"
            f"议案建议 {c.get('suggestions', 0)} 件（其中议案 {c.get('suggestions.motion', 0)} 件）"
            f"，履职活动 {c.get('activities', 0)} 项"
            f"（参加代表 {c.get('participations', 0)} 人次），"
            f"统一接待日 {c.get('unified_days', 0)} 个，述职评议 {c.get('duty_reports', 0)} 场"
        )
        if verbose:
            for key, value in c.items():
                self.stdout.write(f"  {key}: {value}")
        if result.tracking:
            code, last4 = result.tracking
            self.stdout.write(
                f"示范查询码 {code}（手机号后四位 {last4}）：在 /o/track/ 查看办理进度并评价"
            )
        if result.source:
            code, last4, number = result.source
            self.stdout.write(
                f"示范查询码 {code}（手机号后四位 {last4}）：群众反映的事项已纳入代表建议"
                f"第 {number} 号，在 /o/track/ 可见"
            )
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in result.logins:
            self.stdout.write(
                f"  {login.username:<12} {login.display_name}（{login.role}，{login.where}）"
            )
