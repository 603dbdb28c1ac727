"""The test harness and ``manage.py serve``: the pieces ``make run`` and ``make test`` use."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from minqing.core.management.commands import serve
from minqing.stations.models import Station
from minqing.stations.states import StationStatus
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
ON_POSTGRES = os.environ.get("MINQING_DATABASE_URL", "").startswith(("postgres", "postgresql"))


def _load_pg_test():
    # scripts/ is not a package: load the file, registered so its dataclasses resolve.
    spec = importlib.util.spec_from_file_location("pg_test", ROOT / "scripts" / "pg_test.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


pg_test = _load_pg_test()


# --- the database each half runs on -----------------------------------------------------


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_the_url_names():
    if not ON_POSTGRES:
        assert connection.vendor == "sqlite"
        return
    assert connection.vendor == "postgresql"
    major = connection.pg_version // 10000
    # The harness exports the version of the binaries it started: the server we talk to
    # must be that one, and in CI (Debian 12) that is the production version, 15.
    assert major == int(os.environ.get("MINQING_TEST_PG_MAJOR", "15"))
    if pg_test.is_ci():
        assert major == 15
    with connection.cursor() as cursor:
        cursor.execute("SHOW fsync")
        # Only the throwaway cluster runs without fsync: this is not someone's real server.
        assert cursor.fetchone()[0] == "off"


# --- scripts/pg_test.py -----------------------------------------------------------------


def _fake_bindir(path: Path, *, complete: bool = True) -> Path:
    path.mkdir(parents=True)
    for name in ("initdb", "pg_ctl") if complete else ("initdb",):
        exe = path / name
        exe.write_text("#!/bin/sh\n")
        exe.chmod(0o755)
    return path


def test_find_bindir_takes_the_newest_versioned_directory(tmp_path):
    dirs = [
        _fake_bindir(tmp_path / "9.6" / "bin"),
        _fake_bindir(tmp_path / "15" / "bin"),
        _fake_bindir(tmp_path / "13" / "bin"),
        _fake_bindir(tmp_path / "17" / "bin", complete=False),
    ]
    assert pg_test.find_bindir(path_env="", versioned_dirs=dirs) == tmp_path / "15" / "bin"


def test_find_bindir_prefers_path_and_follows_its_symlink(tmp_path):
    real = _fake_bindir(tmp_path / "lib" / "14" / "bin")
    linked = tmp_path / "usrbin"
    linked.mkdir()
    for name in ("initdb", "pg_ctl"):
        (linked / name).symlink_to(real / name)
    newer = [_fake_bindir(tmp_path / "lib" / "16" / "bin")]
    found = pg_test.find_bindir(path_env=f"/nonexistent:{linked}", versioned_dirs=newer)
    assert found == real


def test_find_bindir_without_binaries_and_with_a_bad_override(tmp_path):
    assert pg_test.find_bindir(path_env=str(tmp_path), versioned_dirs=[]) is None
    assert pg_test.find_bindir(override=str(tmp_path)) is None


def test_missing_binaries_warn_locally_and_fail_in_ci(capsys):
    assert pg_test.no_binaries(ci=False) == 0
    assert "WARNING: PostgreSQL half SKIPPED" in capsys.readouterr().err
    assert pg_test.no_binaries(ci=True) == 1
    assert "ERROR" in capsys.readouterr().err


def test_ci_flag_reads_the_usual_values():
    assert pg_test.is_ci({"CI": "true"})
    assert pg_test.is_ci({"CI": "1"})
    assert not pg_test.is_ci({"CI": "false"})
    assert not pg_test.is_ci({})


def test_root_runs_the_cluster_as_a_system_user_through_runuser():
    as_root = pg_test.Runner.for_uid(0, users=("no-such-user-minqing", "root"))
    assert as_root.command(["initdb", "-D", "x"]) == [
        "runuser",
        "-u",
        "root",
        "--",
        "initdb",
        "-D",
        "x",
    ]
    assert pg_test.Runner.for_uid(1000).command(["initdb"]) == ["initdb"]
    with pytest.raises(RuntimeError, match="none of the users"):
        pg_test.Runner.for_uid(0, users=("no-such-user-minqing",))


# --- manage.py serve --------------------------------------------------------------------


def test_serve_refuses_a_port_in_use_in_chinese_and_english():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(CommandError) as excinfo:
            call_command("serve", "--port", str(port), "--no-demo")
    message = str(excinfo.value)
    assert f"端口 {port} 已被占用" in message
    assert f"Port {port} on 127.0.0.1 is already in use" in message


def test_banner_lists_every_url_and_the_demo_logins():
    text = serve.banner("http://127.0.0.1:8000", "ABCD2345XY", [("admin", "系统管理员")])
    for path in (
        "/accounts/login/",
        "/s/ABCD2345XY/",
        "/api/v1/docs",
        "/api/v1/openapi.json",
        "/admin/",
    ):
        assert f"http://127.0.0.1:8000{path}" in text
    assert "minqing-demo" in text
    assert "admin  系统管理员" in text
    bare = serve.banner("http://[::1]:8000", None, [])
    assert "/s/" not in bare
    assert "minqing-demo" not in bare


def test_url_host_brackets_ipv6():
    assert serve.url_host("::1") == "[::1]"
    assert serve.url_host("127.0.0.1") == "127.0.0.1"


def test_demo_station_prefers_an_active_station(tree):
    assert serve.demo_station_code() is None
    Station.objects.create(code="PLAN2345AB", name="筹建站", kind="station", region=tree.street)
    assert serve.demo_station_code() == "PLAN2345AB"
    Station.objects.create(
        code="LIVE2345AB",
        name="运行站",
        kind="station",
        region=tree.street,
        status=StationStatus.ACTIVE,
    )
    assert serve.demo_station_code() == "LIVE2345AB"


@pytest.mark.django_db
def test_only_demo_logins_that_exist_are_printed():
    UserFactory(username="renda")
    UserFactory(username="daibiao", is_active=False)
    UserFactory(username="someone-else")
    assert serve.existing_demo_logins() == [("renda", "人大工作人员（市）")]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/docs"])
def test_pages_serve_prints_load_no_external_assets(client, path):
    # Government intranets have no internet: a CDN link leaves the page unstyled or dead.
    response = client.get(path)
    assert response.status_code == 200
    links = re.findall(r'(?:src|href)="([^"]+)"', response.content.decode())
    assert links
    assert [link for link in links if re.match(r"(https?:)?//", link)] == []


def _children_of(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(ON_POSTGRES, reason="runs once, in the SQLite half: it uses its own SQLite")
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads children from /proc")
def test_serve_starts_web_worker_and_scheduler_serves_css_and_stops_all_on_ctrl_c(tmp_path):
    port = pg_test.free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINQING_")}
    env.update(MINQING_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="minqing.settings")
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port), "--no-demo", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True)
    reader.start()
    output: list[str] = []
    children: set[int] = set()
    try:
        deadline = time.monotonic() + 90
        while not any("Ctrl-C" in line for line in output):
            assert time.monotonic() < deadline, "".join(output)
            assert proc.poll() is None or not lines.empty(), "".join(output)
            with contextlib.suppress(queue.Empty):
                output.append(lines.get(timeout=1))
        assert any("/api/v1/openapi.json" in line for line in output)
        children = _children_of(proc.pid)
        assert len(children) == 3  # gunicorn's arbiter, db_worker and the scheduler

        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/accounts/login/", timeout=30) as r:
            assert r.status == 200
            page = r.read().decode()
        stylesheets = re.findall(r'<link[^>]+href="(/static/[^"]+\.css)"', page)
        assert "/static/vendor/bootstrap/bootstrap.min.css" in stylesheets
        for href in stylesheets:
            with urllib.request.urlopen(base + href, timeout=30) as r:
                assert r.status == 200
                assert r.headers["Content-Type"].startswith("text/css")
                assert r.read()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    reader.join(timeout=10)
    while not lines.empty():
        output.append(lines.get())
    assert proc.returncode == 0, "".join(output)
    assert "已停止 / stopped." in output[-1]
    assert not any(_alive(pid) for pid in children)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
