"""``manage.py serve``: the embedded deployment in one command (what ``make run`` calls).

Migrates the database, fills an empty one with the region data and the demo city,
starts gunicorn and the django-tasks-db worker as child processes, prints where to go
and how to sign in, and on Ctrl-C or SIGTERM stops both children before exiting.
Production runs gunicorn and ``db_worker`` under its own supervisor instead
(docs/operations.md); this command is the "works on a bare machine" path.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser

from minqing.env import BASE_DIR

DEMO_PASSWORD = "minqing-demo"
# (username, role) — the demo city creates exactly these accounts.
DEMO_LOGINS: tuple[tuple[str, str], ...] = (
    ("admin", "系统管理员"),
    ("renda", "人大工作人员（市）"),
    ("lingdao", "领导"),
    ("lianluoyuan", "联络站工作人员"),
    ("chengban", "承办单位工作人员"),
    ("daibiao", "人大代表"),
)
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


def _die_with_parent() -> None:
    """Runs in the child before exec: a SIGTERM when serve itself dies, even by SIGKILL,
    so no orphaned server keeps the port (the children are outside our process group)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class Child:
    name: str
    process: subprocess.Popen


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def check_port_free(host: str, port: int) -> None:
    """Raises CommandError, in Chinese and English, when host:port cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        # The same option gunicorn sets: a closed connection in TIME_WAIT is no conflict,
        # only a live listener is.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"端口 {port} 已被占用（{host}）：请先停止占用它的程序，或换一个端口，"
                    f"例如 make run ARGS='--port {port + 1}'。\n"
                    f"Port {port} on {host} is already in use: stop the program using it "
                    f"or pick another port, e.g. make run ARGS='--port {port + 1}'."
                ) from exc
            raise CommandError(
                f"无法监听 {host}:{port}：{exc.strerror}\nCannot listen on {host}:{port}: {exc}"
            ) from exc


def demo_station_code() -> str | None:
    """The public code of a station to show first: an active one if there is any."""
    from minqing.stations.models import Station
    from minqing.stations.states import StationStatus

    station = (
        Station.objects.filter(status=StationStatus.ACTIVE).order_by("pk").first()
        or Station.objects.order_by("pk").first()
    )
    return station.code if station else None


def demo_tracking() -> tuple[str, str] | None:
    """The demo opinion a visitor can track and rate: (tracking code, the phone's last
    four digits), or None without the demo."""
    from minqing.core.demo.opinions import showcase_tracking

    return showcase_tracking()


def demo_source() -> tuple[str, str, str] | None:
    """A demo opinion that went into a suggestion: (tracking code, the phone's last four
    digits, the suggestion's number), or None without the demo."""
    from minqing.core.demo.suggestions import showcase_source

    return showcase_source()


def existing_demo_logins() -> list[tuple[str, str]]:
    from django.contrib.auth import get_user_model

    present = set(
        get_user_model()
        .objects.filter(username__in=[u for u, _ in DEMO_LOGINS], is_active=True)
        .values_list("username", flat=True)
    )
    return [(u, role) for u, role in DEMO_LOGINS if u in present]


def banner(
    base: str,
    station_code: str | None,
    logins: Sequence[tuple[str, str]],
    tracking: tuple[str, str] | None = None,
    source: tuple[str, str, str] | None = None,
) -> str:
    """The text printed once the server answers: where to go and how to sign in."""
    lines = [
        "",
        "=" * 72,
        f"minqing 民情 已启动 / is running at {base}/",
        "",
        f"  工作人员登录 Staff sign-in     {base}/accounts/login/",
    ]
    if station_code:
        lines.append(f"  示范联络站 Demo station page   {base}/s/{station_code}/")
    if tracking:
        code, last4 = tracking
        lines.append(
            f"  示范查询 Demo tracking        {base}/o/track/?code={code}"
            f"  (手机后四位 phone last 4: {last4})"
        )
    if source:
        code, last4, number = source
        lines.append(
            f"  纳入代表建议 In a suggestion  {base}/o/track/?code={code}"
            f"  (手机后四位 phone last 4: {last4}；建议 suggestion {number})"
        )
    lines += [
        f"  接口文档 API docs              {base}/api/v1/docs",
        f"  OpenAPI                        {base}/api/v1/openapi.json",
        f"  后台管理 Admin                 {base}/admin/",
    ]
    if logins:
        lines += ["", f"  示范账号 Demo logins (密码 password: {DEMO_PASSWORD})"]
        width = max(len(u) for u, _ in logins)
        lines += [f"    {u.ljust(width)}  {role}" for u, role in logins]
    lines += ["", "按 Ctrl-C 停止 / Press Ctrl-C to stop.", "=" * 72, ""]
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "迁移数据库、在空库中载入行政区划和示范城市，启动网页服务（gunicorn）和任务进程"
        "（db_worker）。Migrate, load the demo data into an empty database, run gunicorn "
        "and the task worker until Ctrl-C."
    )
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--threads", type=int, default=2, help="threads per worker")
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start the db_worker task process"
        )
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help="never load the region data or the demo city, even into an empty database",
        )

    def handle(self, *args, **options) -> None:
        host: str = options["host"]
        port: int = options["port"]
        check_port_free(host, port)
        try:
            self.prepare(no_demo=options["no_demo"])
        except KeyboardInterrupt:
            raise CommandError("已中断 / interrupted") from None

        self.stopping = False
        failed: Child | None = None
        previous = {
            sig: signal.signal(sig, self.request_stop) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        children: list[Child] = []
        try:
            children.append(Child("gunicorn", self.start_gunicorn(host, port, options)))
            if not options["no_worker"]:
                children.append(Child("db_worker", self.start_worker()))
                children.append(Child("scheduler", self.start_scheduler()))
            self.wait_until_ready(host, port, children)
            if not self.stopping:
                base = f"http://{url_host(host)}:{port}"
                self.say(
                    banner(
                        base,
                        demo_station_code(),
                        existing_demo_logins(),
                        demo_tracking(),
                        demo_source(),
                    )
                )
            failed = self.supervise(children)
        finally:
            self.stop(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if failed is not None:
            raise CommandError(
                f"{failed.name} 意外退出（退出码 {failed.process.returncode}），已停止全部进程。\n"
                f"{failed.name} exited unexpectedly ({failed.process.returncode}); "
                "stopped everything."
            )
        self.say("已停止 / stopped.")

    # --- steps --------------------------------------------------------------------------

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def prepare(self, *, no_demo: bool) -> None:
        self.say("迁移数据库 / migrating the database …")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        if not no_demo:
            self.load_demo_if_empty()
        if settings.DEBUG or getattr(settings, "WHITENOISE_USE_FINDERS", False):
            # Whitenoise serves straight from the app directories (and lets those files win
            # over STATIC_ROOT), so collecting would cost seconds and change nothing; the
            # empty directory only spares every worker a "No directory" warning.
            Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        else:
            call_command("collectstatic", interactive=False, verbosity=0)

    def load_demo_if_empty(self) -> None:
        from minqing.core.models import Region
        from minqing.people.models import Deputy

        if Deputy.objects.exists():
            return
        available = get_commands()
        steps: list[tuple[str, list[str], str]] = []
        if not Region.objects.exists():
            steps.append(("load_regions", [], "载入行政区划 / loading the region tree"))
        steps.append(("demo_city", ["--size", "city"], "生成示范城市 / building the demo city"))
        for name, argv, message in steps:
            if name not in available:
                self.stderr.write(f"WARNING: 没有 {name} 命令 / command {name} missing; skipped")
                continue
            self.say(f"{message} …")
            try:
                call_command(name, *argv)
            except CommandError as exc:
                # e.g. the demo province exists without deputies: serve what is there.
                self.stderr.write(f"WARNING: {name}: {exc}")

    def child_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.setdefault("DJANGO_SETTINGS_MODULE", "minqing.settings")
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def start_gunicorn(self, host: str, port: int, options: dict) -> subprocess.Popen:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "minqing.wsgi:application",
            "--bind",
            f"{url_host(host)}:{port}",
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--worker-class",
            "gthread",
            "--graceful-timeout",
            "10",
            "--log-level",
            "warning",
        ]
        return self.spawn(command)

    def start_scheduler(self) -> subprocess.Popen:
        # The clock of the periodic tasks (reminders, escalation); see scheduler.py.
        return self.spawn([sys.executable, str(BASE_DIR / "manage.py"), "scheduler"])

    def start_worker(self) -> subprocess.Popen:
        command = [sys.executable, str(BASE_DIR / "manage.py"), "db_worker", "--verbosity", "1"]
        return self.spawn(command)

    def spawn(self, command: list[str]) -> subprocess.Popen:
        # Each child gets its own process group, so Ctrl-C in the terminal reaches only
        # us and every child receives exactly one SIGTERM from stop(): db_worker treats a
        # second signal as "force", which would cut a running task short.
        return subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=self.child_env(),
            process_group=0,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )

    def wait_until_ready(self, host: str, port: int, children: list[Child]) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while not self.stopping and time.monotonic() < deadline:
            for child in children:
                if child.process.poll() is not None:
                    return  # supervise() reports it
            try:
                with socket.create_connection((host, port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        if not self.stopping:
            raise CommandError(
                f"网页服务 {READY_TIMEOUT:.0f} 秒内未就绪 / gunicorn not ready in time"
            )

    def supervise(self, children: list[Child]) -> Child | None:
        """Blocks until a stop signal (returns None) or a child dies (returns it)."""
        while not self.stopping:
            for child in children:
                if child.process.poll() is not None:
                    return child
            time.sleep(0.3)
        return None

    def request_stop(self, signum: int, frame: object) -> None:
        self.stopping = True

    def stop(self, children: list[Child]) -> None:
        for child in children:
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in children:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{child.name} 未能及时退出，强制结束 / killed")
                child.process.kill()
                child.process.wait()
