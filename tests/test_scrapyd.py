"""Deploying to a real Scrapyd on 127.0.0.1 and running a site's spider there.

The path an archivist takes: `scrapyd-deploy` builds an egg of the project from its scrapy.cfg
and uploads it (addversion.json), `schedule.json` starts a spider with its arguments and
settings, and the job's rows land in the archive. Scrapyd runs the project from the zipped egg,
so this also checks that the package finds its bundled profiles there.
"""

from __future__ import annotations

import configparser
import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dostcrawler.demo.server import serve_site
from tests.conftest import ROOT
from tests.sitefixtures import SITES_DIR

PROJECT = "dostcrawler"
SITE = "vinhphuc"
STARTUP_TIMEOUT = 30.0
JOB_TIMEOUT = 120.0
# What scrapyd-deploy packs: the package and the files its build reads.
PROJECT_FILES = (
    "scrapy.cfg",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "MANIFEST.in",
    "README.md",
    "LICENSE",
)
# Never through a proxy: every request of this test goes to 127.0.0.1.
_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Scrapyd:
    url: str
    workdir: Path
    process: subprocess.Popen[bytes]

    def get(self, endpoint: str, **params: str) -> dict[str, Any]:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with _http.open(f"{self.url}{endpoint}{query}", timeout=10) as response:
            return dict(json.load(response))

    def post(self, endpoint: str, fields: list[tuple[str, str]]) -> dict[str, Any]:
        body = urllib.parse.urlencode(fields).encode()
        with _http.open(f"{self.url}{endpoint}", data=body, timeout=30) as response:
            return dict(json.load(response))

    def output(self) -> str:
        return _tail(self.workdir / "scrapyd.out")


def _tail(path: Path, chars: int = 4000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-chars:]
    except FileNotFoundError:
        return f"({path} not written)"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _clean_env(home: Path) -> dict[str, str]:
    """The environment for scrapyd and scrapyd-deploy: no proxies (everything is on 127.0.0.1),
    no ambient Scrapy or dostcrawler configuration, and a HOME of its own so no user-level
    ~/.scrapyd.conf, ~/.scrapy.cfg or ~/.netrc is read."""
    dropped = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "pythonpath")
    env = {
        key: value
        for key, value in os.environ.items()
        if key.lower() not in dropped and not key.startswith(("SCRAPY", "DOSTCRAWLER_"))
    }
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), NO_PROXY="127.0.0.1")
    return env


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop scrapyd, then whatever it spawned (it runs in a process group of its own)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # a crawl left running by a failed test


def _start_scrapyd(workdir: Path, env: dict[str, str]) -> Scrapyd | None:
    """Start scrapyd on a free 127.0.0.1 port; None if it exited (port taken meanwhile)."""
    port = _free_port()
    dirs = {name: workdir / name for name in ("eggs", "logs", "dbs", "items", "jobs")}
    for folder in dirs.values():
        folder.mkdir(exist_ok=True)
    (workdir / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        + "".join(f"{name}_dir = {folder}\n" for name, folder in dirs.items())
        + "poll_interval = 0.2\n"
        "max_proc = 2\n",
        encoding="utf-8",
    )
    with (workdir / "scrapyd.out").open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "scrapyd", "--pidfile", str(workdir / "scrapyd.pid")],
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Scrapyd(f"http://127.0.0.1:{port}/", workdir, process)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        try:
            if server.get("daemonstatus.json").get("status") == "ok":
                return server
        except OSError:
            pass
        time.sleep(0.2)
    _stop(process)
    pytest.fail(f"scrapyd did not answer daemonstatus.json:\n{server.output()}")


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[Scrapyd]:
    """A real scrapyd, its config, eggs, logs, dbs and items all under tmp_path."""
    workdir = tmp_path / "scrapyd"
    workdir.mkdir()
    env = _clean_env(tmp_path / "home")
    for _ in range(3):
        server = _start_scrapyd(workdir, env)
        if server is not None:
            break
    else:
        pytest.fail(f"scrapyd exited at startup:\n{_tail(workdir / 'scrapyd.out')}")
    try:
        yield server
    finally:
        _stop(server.process)


def _project_copy(dest: Path) -> Path:
    """The project as scrapyd-deploy sees it, copied: it writes setup.py and build/ in place."""
    dest.mkdir()
    for name in PROJECT_FILES:
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(
        ROOT / "dostcrawler",
        dest / "dostcrawler",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    return dest


def test_scrapy_cfg_has_a_default_scrapyd_target() -> None:
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(ROOT / "scrapy.cfg", encoding="utf-8")
    assert cfg.get("settings", "default") == "dostcrawler.settings"
    assert cfg.get("deploy", "url") == "http://localhost:6800/"
    assert cfg.get("deploy", "project") == PROJECT


def test_deploy_schedule_and_archive(scrapyd: Scrapyd, tmp_path: Path) -> None:
    # Deploy with the project's own scrapy.cfg ([settings], [deploy] project), plus a named
    # target for this scrapyd: `scrapyd-deploy <target>`, as an archivist would.
    project = _project_copy(tmp_path / "project")
    with (project / "scrapy.cfg").open("a", encoding="utf-8") as cfg:
        cfg.write(f"\n[deploy:pytest]\nurl = {scrapyd.url}\nproject = {PROJECT}\n")
    deploy = subprocess.run(
        [sys.executable, "-m", "scrapyd_client.deploy", "pytest", "--version", "r1"],
        cwd=project,
        env=_clean_env(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert deploy.returncode == 0, f"scrapyd-deploy failed:\n{deploy.stderr[-3000:]}"
    # scrapyd-deploy exits 0 on an answer with "status": "error" too: its stdout is the answer.
    added = json.loads(deploy.stdout)
    assert added.get("status") == "ok", (
        f"addversion.json refused the egg: {added.get('message', added)}\n"
        "(\"'NoneType' object has no attribute 'module_name'\" means the egg has no [scrapy] "
        "settings entry point: pyproject.toml needs [project.entry-points.scrapy] "
        'settings = "dostcrawler.settings")'
    )
    spiders = scrapyd.get("listspiders.json", project=PROJECT)["spiders"]
    assert SITE in spiders, (
        f"the deployed egg lists only {spiders}: the bundled site profiles were not found "
        "inside the zipped egg (dostcrawler/profiles/loader.py must read them with "
        "importlib.resources, not Path(__file__))"
    )

    out = tmp_path / "out"
    db = out / "archive.sqlite"
    with serve_site(SITES_DIR / SITE) as site:
        scheduled = scrapyd.post(
            "schedule.json",
            [
                ("project", PROJECT),
                ("spider", SITE),
                ("origin", site.origin),
                ("setting", f"DOSTCRAWLER_DB_PATH={db}"),
                ("setting", f"DOSTCRAWLER_EXPORT_DIR={out}"),
                ("setting", "DOWNLOAD_DELAY=0"),
                ("setting", "AUTOTHROTTLE_ENABLED=False"),
            ],
        )
        assert scheduled["status"] == "ok", scheduled
        job = scheduled["jobid"]
        _wait_for_job(scrapyd, job)
    log = _tail(scrapyd.workdir / "logs" / PROJECT / SITE / f"{job}.log")
    assert db.is_file(), f"no archive at {db}\n{log}"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        articles = conn.execute("select count(*) from articles").fetchone()[0]
        crawls = conn.execute("select site, status from crawls").fetchall()
    assert articles == 13, log
    assert (SITE, "finished") in crawls, (crawls, log)


def _wait_for_job(scrapyd: Scrapyd, job: str) -> dict[str, Any]:
    """Poll listjobs.json until `job` is finished; fail after JOB_TIMEOUT seconds."""
    deadline = time.monotonic() + JOB_TIMEOUT
    jobs: dict[str, Any] = {}
    while time.monotonic() < deadline:
        jobs = scrapyd.get("listjobs.json", project=PROJECT)
        for entry in jobs.get("finished", []):
            if entry["id"] == job:
                return dict(entry)
        if scrapyd.process.poll() is not None:
            pytest.fail(f"scrapyd exited while job {job} ran:\n{scrapyd.output()}")
        time.sleep(0.3)
    log = _tail(scrapyd.workdir / "logs" / PROJECT / SITE / f"{job}.log")
    pytest.fail(f"job {job} not finished after {JOB_TIMEOUT:.0f} s: {jobs}\n{log}")
