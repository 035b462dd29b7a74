"""Generic mode end to end: `crawl --start-url` with no profile finds every fixture site's
articles (pagination and article links discovered, the platform recognised from its pages,
alias URLs collapsed) and reads their titles and dates."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from dostcrawler.demo.server import serve_site
from tests.conftest import run_cli
from tests.sitefixtures import FixtureSite, fixture_sites

SITES = fixture_sites()


@pytest.mark.parametrize("site", SITES, ids=[s.name for s in SITES])
def test_generic_crawl_finds_exactly_the_articles(site: FixtureSite, tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with serve_site(site.folder) as server:
        result = run_cli(
            "crawl",
            "--start-url",
            site.origin + site.expected["start_path"],
            "--origin",
            server.origin,
            "--db",
            str(db),
            "--export-dir",
            str(tmp_path),
            "--delay",
            "0",
            "--no-warc",
            "--no-attachments",
        )
        origin = server.origin
    assert result.returncode == 0, result.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        rows = {
            url.removeprefix(origin): (title, published_at)
            for url, title, published_at in conn.execute(
                "select url, title, published_at from articles"
            )
        }
    expected = {a["path"]: (a["title"], a["published_at"]) for a in site.articles}
    assert set(rows) == set(expected)
    right = sum(rows[path] == values for path, values in expected.items())
    assert right / len(expected) >= 0.9
