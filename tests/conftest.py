"""Shared fixtures: fixture sites served on 127.0.0.1, and crawls of them through the CLI."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from dostcrawler.demo.server import SiteServer, serve_site
from tests.sitefixtures import SITES_DIR

ROOT = Path(__file__).parent.parent


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m dostcrawler ARGS` in a fresh process, as a user or a scheduler would,
    with `env` added to the environment (DOSTCRAWLER_* tuning knobs).

    Crawls get their own process because Twisted's reactor cannot be restarted in one process.
    """
    return subprocess.run(
        [sys.executable, "-m", "dostcrawler", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd or ROOT,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
        timeout=300,
    )


@dataclass
class LocalCrawl:
    """One `dostcrawler crawl` of a fixture site served on 127.0.0.1."""

    db: Path
    # The site's own scheme and host, which the archive records (never the local server's).
    origin: str
    requests: list[tuple[str, str]]

    def rows(self, columns: str = "url, title") -> dict[str, tuple[object, ...]]:
        """Article rows keyed by path (the URL without the site's origin)."""
        with sqlite3.connect(self.db) as conn:
            found = conn.execute(f"select {columns} from articles").fetchall()
        return {str(row[0]).removeprefix(self.origin): tuple(row[1:]) for row in found}


def crawl_locally(folder: Path, workdir: Path, *args: str) -> LocalCrawl:
    """Serve `folder`, crawl it with `args` (a site, --profile or --start-url...) into
    `workdir/archive.sqlite` with no politeness delay, and assert that the run succeeded."""
    db = workdir / "archive.sqlite"
    with serve_site(folder) as server:
        result = run_cli(
            "crawl",
            *args,
            "--origin",
            server.origin,
            "--db",
            str(db),
            "--export-dir",
            str(workdir),
            "--delay",
            "0",
        )
    assert result.returncode == 0, result.stderr[-3000:]
    return LocalCrawl(db, site_origin(folder), list(server.requests))


def site_origin(folder: Path) -> str:
    """The real site's scheme and host of a fixture folder (its expected.json)."""
    return str(json.loads((folder / "expected.json").read_text(encoding="utf-8"))["origin"])


@dataclass
class Crawled:
    """A fixture site crawled three times into one archive: incremental (the first run),
    incremental again (nothing new), then --full (everything refetched, nothing changed)."""

    site: str
    server: SiteServer
    db: Path
    workdir: Path
    runs: list[subprocess.CompletedProcess[str]]

    @property
    def origin(self) -> str:
        """The site's own scheme and host: what the archive records."""
        return site_origin(SITES_DIR / self.site)


@pytest.fixture(scope="session")
def crawl_twice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Crawled]]:
    """Serve a fixture site and crawl it three times (cached per site for the session)."""
    cache: dict[str, Crawled] = {}
    with ExitStack() as stack:

        def crawl(site: str) -> Crawled:
            if site not in cache:
                server = stack.enter_context(serve_site(SITES_DIR / site))
                workdir = tmp_path_factory.mktemp(f"crawl-{site}")
                db = workdir / "archive.sqlite"
                runs = []
                for extra in ([], [], ["--full"]):
                    args = ["--origin", server.origin, "--db", str(db), "--delay", "0"]
                    args += ["--export-dir", str(workdir / "exports"), *extra]
                    result = run_cli("crawl", site, *args)
                    assert result.returncode == 0, result.stderr[-3000:]
                    runs.append(result)
                    server.requests.append(("RUN", "end"))
                cache[site] = Crawled(site, server, db, workdir, runs)
            return cache[site]

        yield crawl


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`make test` runs 2 workers), keep every test of one crawled site on
    one worker, so each site is crawled once per session, not once per worker; the tests of
    the blind sites' crawls (one fixture crawling every blind site) likewise. `tryfirst`:
    pytest-xdist reads the marks in its own hook of this name, which must run after this one.
    (pytest is held below 9.2 in pyproject.toml, where loadgroup still applies the marks.)"""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "blind_crawls" in fixtures:
            item.add_marker(pytest.mark.xdist_group(name="blind-crawls"))
        if "crawl_twice" not in fixtures:
            continue
        callspec = getattr(item, "callspec", None)
        site = callspec.params.get("site") if callspec else None
        name = site.name if site is not None else "vinhphuc"
        item.add_marker(pytest.mark.xdist_group(name=f"crawl-{name}"))
