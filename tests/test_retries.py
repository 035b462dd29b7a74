"""The retry list: an article page that fails every retry is kept in the archive and fetched
first by the next run, even when no listing links it any more; a dead link is not kept."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from dostcrawler.demo.server import serve_site
from tests.conftest import run_cli
from tests.sitefixtures import fixture_sites

SITE = next(site for site in fixture_sites() if site.name == "vinhlong")
FAILING = SITE.articles[0]["path"]


def _site(tmp_path: Path, name: str, *, status: int | None, linked: bool) -> Path:
    """A copy of the site where FAILING answers `status` (None: its page), and where, unless
    `linked`, no page links it any more (it fell off the listings)."""
    folder = tmp_path / name
    shutil.copytree(SITE.folder, folder)
    routes_file = folder / "routes.json"
    data = json.loads(routes_file.read_text(encoding="utf-8"))
    for route in data["routes"]:
        if route["path"] == FAILING and status is not None:
            route["status"], route["file"] = status, None
    routes_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    if not linked:
        for page in (folder / "files").glob("*.html"):
            raw = page.read_bytes()
            page.write_bytes(raw.replace(f'href="{FAILING}"'.encode(), b'href="/tin-tuc"'))
    return folder


def _crawl(folder: Path, db: Path) -> tuple[int, list[str]]:
    with serve_site(folder) as server:
        result = run_cli(
            "crawl", "vinhlong", "--origin", server.origin, "--db", str(db),
            "--export-dir", str(db.parent), "--delay", "0", "--no-attachments",
        )  # fmt: skip
    return result.returncode, [path for _, path in server.requests]


def _retries(db: Path) -> list[tuple[str, str, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select url, reason, attempts from retries order by url").fetchall()


def _stored(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {
            url.removeprefix(SITE.origin) for (url,) in conn.execute("select url from articles")
        }


def test_a_failed_page_is_fetched_by_the_next_run_though_no_listing_links_it(
    tmp_path: Path,
) -> None:
    db = tmp_path / "archive.sqlite"
    code, _ = _crawl(_site(tmp_path, "down", status=503, linked=True), db)
    assert code == 1  # incomplete
    assert _retries(db) == [(SITE.origin + FAILING, "http_503", 1)]
    assert FAILING not in _stored(db)

    code, _ = _crawl(_site(tmp_path, "still-down", status=503, linked=False), db)
    assert _retries(db) == [(SITE.origin + FAILING, "http_503", 2)]  # one more attempt

    code, requested = _crawl(_site(tmp_path, "back", status=None, linked=False), db)
    assert code == 0
    assert FAILING in requested  # from the retry list: no page links it now
    assert _stored(db) == {a["path"] for a in SITE.articles}
    assert _retries(db) == []


def test_a_dead_link_is_not_kept(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    _crawl(_site(tmp_path, "down", status=503, linked=True), db)
    assert len(_retries(db)) == 1
    _crawl(_site(tmp_path, "gone", status=404, linked=False), db)
    assert _retries(db) == []  # gone is the site's state; it is not retried for ever
