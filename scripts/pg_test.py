#!/usr/bin/env python3
"""Run pytest against a throwaway PostgreSQL cluster on 127.0.0.1.

    .venv/bin/python scripts/pg_test.py [-- PYTEST ARGS...]

Finds the server binaries (``$MINQING_PG_BINDIR``, then ``$PATH``, then
``/usr/lib/postgresql/*/bin``, newest first), runs ``initdb`` into a temporary
directory, starts the server on a free loopback port with durability switched off,
creates a role and a database, runs pytest with ``MINQING_DATABASE_URL`` pointing at
it, then always stops the cluster and deletes the directory, and exits with pytest's
code. ``initdb`` and ``pg_ctl`` refuse to run as root, so under root the cluster runs as
the ``postgres`` system user through ``runuser`` (see docs/decisions/0002).

With no binaries at all the run is skipped with a WARNING and exit code 0, except in
CI (``CI=true``), where it is a failure: CI installs PostgreSQL and must never skip.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSIONED_GLOB = "/usr/lib/postgresql/*/bin"
# The account that owns the cluster when we are root; "nobody" only if the Debian
# package's "postgres" user is missing (e.g. binaries copied in by hand).
SYSTEM_USERS = ("postgres", "nobody")
DB_NAME = DB_USER = "minqing"
SPEED_OPTIONS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")
START_ATTEMPTS = 3


def log(message: str) -> None:
    print(f"[pg_test] {message}", file=sys.stderr, flush=True)


def is_ci(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    return environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


# --- finding the binaries -------------------------------------------------------------


def _has_server_binaries(directory: Path) -> bool:
    # os.path.isfile, unlike Path.is_file, answers False for a PATH entry we may not read.
    return all(
        os.path.isfile(directory / name) and os.access(directory / name, os.X_OK)
        for name in ("initdb", "pg_ctl")
    )


def _version_key(directory: Path) -> tuple[int, ...]:
    # /usr/lib/postgresql/<version>/bin: sort "15" above "9.6" numerically, not as text.
    parts = re.findall(r"\d+", directory.parent.name)
    return tuple(int(p) for p in parts) or (-1,)


def find_bindir(
    path_env: str | None = None,
    versioned_dirs: Iterable[Path] | None = None,
    override: str | None = None,
) -> Path | None:
    """The directory holding initdb and pg_ctl, or None when there is none anywhere."""
    if override:
        directory = Path(override)
        return directory if _has_server_binaries(directory) else None
    path_env = os.environ.get("PATH", "") if path_env is None else path_env
    for entry in path_env.split(os.pathsep):
        if entry and _has_server_binaries(Path(entry)):
            # Debian symlinks initdb into /usr/bin or /usr/local/bin; pg_ctl must live next
            # to the real postgres binary, so follow the link to the version's own bin/.
            return Path(os.path.realpath(Path(entry) / "initdb")).parent
    if versioned_dirs is None:
        versioned_dirs = (Path(p) for p in _glob(VERSIONED_GLOB))
    for directory in sorted(versioned_dirs, key=_version_key, reverse=True):
        if _has_server_binaries(directory):
            return directory
    return None


def _glob(pattern: str) -> list[str]:
    import glob

    return glob.glob(pattern)


def binary_major_version(bindir: Path) -> int:
    out = subprocess.run(
        [str(bindir / "pg_ctl"), "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    if not match:
        raise RuntimeError(f"cannot read the version from {out!r}")
    return int(match.group(1))


def no_binaries(ci: bool) -> int:
    """What a run without PostgreSQL binaries does: skip locally, fail in CI."""
    if ci:
        log(
            "ERROR: no PostgreSQL server binaries (initdb, pg_ctl) found, and CI=true: "
            "the PostgreSQL half must run in CI. Install them: apt-get install postgresql"
        )
        return 1
    bar = "=" * 78
    print(
        f"{bar}\nWARNING: PostgreSQL half SKIPPED - no initdb/pg_ctl in $PATH or "
        f"{VERSIONED_GLOB}.\n"
        "WARNING: 未找到 PostgreSQL 服务器程序，跳过 PostgreSQL 测试。"
        "安装：apt-get install postgresql\n"
        f"{bar}",
        file=sys.stderr,
        flush=True,
    )
    return 0


# --- running as the right user --------------------------------------------------------


@dataclass(frozen=True)
class Runner:
    """Runs the cluster's commands as the current user, or as ``user`` via runuser."""

    user: str | None = None

    @classmethod
    def for_uid(cls, uid: int, users: Sequence[str] = SYSTEM_USERS) -> Runner:
        if uid != 0:
            return cls(None)
        for name in users:
            with contextlib.suppress(KeyError):
                pwd.getpwnam(name)
                return cls(name)
        names = ", ".join(users)
        raise RuntimeError(f"running as root, and none of the users {names} exists")

    def command(self, args: Sequence[str]) -> list[str]:
        if self.user is None:
            return list(args)
        return ["runuser", "-u", self.user, "--", *args]

    def own(self, path: Path) -> None:
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def run(self, args: Sequence[str], **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(self.command(args), **kwargs)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


# --- the cluster ----------------------------------------------------------------------


class Cluster:
    def __init__(self, bindir: Path, runner: Runner):
        self.bindir = bindir
        self.runner = runner
        # Under root the cluster user must reach the directory: a short path in /tmp also
        # keeps the Unix socket path under its 107-byte limit.
        self.base = Path(tempfile.mkdtemp(prefix="minqing-pg-", dir="/tmp"))
        self.data = self.base / "data"
        self.sockets = self.base / "sockets"
        self.logfile = self.base / "server.log"
        self.port = 0
        self.password = secrets.token_urlsafe(18)
        self.started = False

    def _bin(self, name: str) -> str:
        return str(self.bindir / name)

    def _check(self, args: Sequence[str], what: str) -> None:
        result = self.runner.run(args, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(
                f"{what} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            )

    def init(self) -> None:
        self.runner.own(self.base)
        self.runner.run(["mkdir", "-m", "700", str(self.sockets)], check=True)
        base_args = [
            self._bin("initdb"),
            "-D",
            str(self.data),
            "--username=postgres",
            "--encoding=UTF8",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--no-sync",
        ]
        try:
            self._check([*base_args, "--locale=C.UTF-8"], "initdb")
        except RuntimeError:
            # Minimal images may lack the C.UTF-8 locale; codepoint order is the same.
            self.runner.run(["rm", "-rf", str(self.data)], check=True)
            self._check([*base_args, "--locale=C"], "initdb")

    def start(self) -> None:
        last_error: RuntimeError | None = None
        for _ in range(START_ATTEMPTS):
            self.port = free_port()
            options = [
                "-c listen_addresses=127.0.0.1",
                f"-p {self.port}",
                f"-k {shlex.quote(str(self.sockets))}",
                *(f"-c {opt}" for opt in SPEED_OPTIONS),
            ]
            args = [self._bin("pg_ctl"), "-D", str(self.data), "-l", str(self.logfile)]
            args += ["-w", "-t", "60", "-o", " ".join(options), "start"]
            try:
                self._check(args, "pg_ctl start")
            except RuntimeError as exc:
                # Another process may have taken the port between probe and bind.
                last_error = RuntimeError(f"{exc}\n--- server log ---\n{self.log_tail()}")
                continue
            self.started = True
            return
        assert last_error is not None
        raise last_error

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def create_database(self) -> str:
        """Creates the role and database; returns the server's version string."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(
            host=str(self.sockets),
            port=self.port,
            user="postgres",
            dbname="postgres",
            autocommit=True,
        ) as conn:
            # DDL takes no bind parameters: compose the literal on the client side.
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}").format(
                    sql.Identifier(DB_USER), sql.Literal(self.password)
                )
            )
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(DB_NAME), sql.Identifier(DB_USER)
                )
            )
            return conn.execute("SHOW server_version").fetchone()[0]

    @property
    def url(self) -> str:
        return f"postgres://{DB_USER}:{self.password}@127.0.0.1:{self.port}/{DB_NAME}"

    def stop(self) -> None:
        if self.started:
            result = self.runner.run(
                [self._bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                log(f"pg_ctl stop failed: {result.stderr.strip()}")
            self.started = False
        shutil.rmtree(self.base, ignore_errors=True)


# --- main -----------------------------------------------------------------------------


class Terminated(Exception):
    pass


def _on_sigterm(signum, frame):
    raise Terminated


def run_pytest(pytest_args: Sequence[str], env: dict[str, str]) -> int:
    child = subprocess.Popen([sys.executable, "-m", "pytest", *pytest_args], env=env, cwd=ROOT)
    try:
        return child.wait()
    except (KeyboardInterrupt, Terminated) as exc:
        # Ctrl-C reaches pytest through the terminal's process group and pytest winds
        # down by itself; a SIGTERM sent to us alone does not, so pass that one on.
        # Either way pytest must be gone before the cluster is.
        if isinstance(exc, Terminated):
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        raise


def main(argv: Sequence[str]) -> int:
    args = list(argv)
    if args and args[0] == "--":
        args = args[1:]
    override = os.environ.get("MINQING_PG_BINDIR")
    bindir = find_bindir(override=override)
    if bindir is None and override:
        log(f"ERROR: MINQING_PG_BINDIR={override} holds no initdb and pg_ctl")
        return 1
    if bindir is None:
        return no_binaries(is_ci())
    major = binary_major_version(bindir)
    if major != 15:
        log(f"WARNING: found PostgreSQL {major}; minqing targets PostgreSQL 15 in production")

    signal.signal(signal.SIGTERM, _on_sigterm)
    runner = Runner.for_uid(os.geteuid())
    started_at = time.monotonic()
    cluster = Cluster(bindir, runner)
    try:
        cluster.init()
        cluster.start()
        version = cluster.create_database()
        owner = runner.user or pwd.getpwuid(os.geteuid()).pw_name
        print(
            f"[pg_test] PostgreSQL {version} on 127.0.0.1:{cluster.port} "
            f"(binaries {bindir}, cluster run as {owner}, "
            f"ready in {time.monotonic() - started_at:.1f}s)",
            flush=True,
        )
        env = dict(os.environ)
        env["MINQING_DATABASE_URL"] = cluster.url
        env["MINQING_TEST_PG_MAJOR"] = str(major)
        return run_pytest(args, env)
    except (KeyboardInterrupt, Terminated):
        log("interrupted; stopping the cluster")
        return 130
    except RuntimeError as exc:
        log(f"ERROR: {exc}")
        return 1
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
