"""`--origin` changes where requests go, never what is recorded: url, aliases, ids, WARC target
URIs and CDXJ keys carry the site's own addresses, and a mirror restarted on another port
refetches nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from dostcrawler.demo.server import serve_site
from tests.conftest import run_cli
from tests.sitefixtures import fixture_sites

SITE = next(site for site in fixture_sites() if site.name == "vinhlong")


def _crawl(origin: str, db: Path, *args: str) -> str:
    result = run_cli(
        "crawl", *args, "--origin", origin, "--db", str(db), "--export-dir", str(db.parent),
        "--delay", "0", "--no-attachments",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stderr


def _urls(db: Path) -> tuple[set[str], set[str]]:
    with sqlite3.connect(db) as conn:
        articles = {url for (url,) in conn.execute("select url from articles")}
        known = {url for (url,) in conn.execute("select url from urls")}
    return articles, known


def test_a_mirror_on_another_port_refetches_nothing(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with serve_site(SITE.folder) as first:
        _crawl(first.origin, db, "vinhlong")
        mirror = first.origin
    articles, known = _urls(db)
    assert articles == {SITE.origin + a["path"] for a in SITE.articles}
    assert all(url.startswith(SITE.origin) for url in known)
    with serve_site(SITE.folder) as second:
        assert second.origin != mirror
        log = _crawl(second.origin, db, "vinhlong")
        fetched = {path for _, path in second.requests}
    assert "articles new 0, updated 0, unchanged 0" in log
    assert not fetched & {a["path"] for a in SITE.articles}
    assert _urls(db) == (articles, known)  # no alias of itself on the new port


def test_warc_records_name_the_site_and_keep_the_mirror_apart(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with serve_site(SITE.folder) as server:
        _crawl(server.origin, db, "vinhlong")
    (warc,) = (tmp_path / "warc" / "vinhlong").glob("*.warc.gz")
    with open(warc, "rb") as handle:
        responses = [
            (
                r.rec_headers.get_header("WARC-Target-URI"),
                r.rec_headers.get_header("WARC-Source-URI"),
            )
            for r in ArchiveIterator(handle)
            if r.rec_type in ("response", "request")
        ]
    with open(warc, "rb") as handle:
        referers = [
            r.http_headers.get_header("Referer")
            for r in ArchiveIterator(handle)
            if r.rec_type == "request" and r.http_headers.get_header("Referer")
        ]
    assert referers and all(ref.startswith(SITE.origin) for ref in referers)  # not the mirror
    assert responses
    for target, source in responses:
        assert target.startswith(SITE.origin)
        assert source == server.origin + target.removeprefix(SITE.origin)
    cdxj = warc.with_name(warc.name.replace(".warc.gz", ".cdxj")).read_text(encoding="utf-8")
    assert "127.0.0.1" not in cdxj


def test_generic_mode_ids_do_not_depend_on_the_mirror(tmp_path: Path) -> None:
    start = SITE.origin + SITE.expected["start_path"]
    ids = []
    for run in ("one", "two"):
        db = tmp_path / run / "archive.sqlite"
        db.parent.mkdir()
        with serve_site(SITE.folder) as server:
            _crawl(server.origin, db, "--start-url", start, "--name", "vinhlong_mirror")
        with sqlite3.connect(db) as conn:
            ids.append(sorted(i for (i,) in conn.execute("select id from articles")))
    assert len(ids[0]) == len(SITE.articles)
    assert ids[0] == ids[1]


def test_site_host_names_the_real_site_of_a_start_url_on_a_mirror(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with serve_site(SITE.folder) as server:
        result = run_cli(
            "crawl", "--start-url", server.origin + SITE.expected["start_path"],
            "--site-host", SITE.origin, "--name", "vinhlong_mirror", "--db", str(db),
            "--export-dir", str(tmp_path), "--delay", "0", "--no-attachments",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"fetching from {server.origin}; recording as {SITE.origin}" in result.stderr
    articles, known = _urls(db)
    assert articles == {SITE.origin + a["path"] for a in SITE.articles}
    assert all(url.startswith(SITE.origin) for url in known)


def test_site_host_needs_one_start_url_and_no_origin() -> None:
    result = run_cli("crawl", "vinhlong", "--site-host", "https://x.gov.vn", "--origin", "http://a")
    assert result.returncode == 2
    assert "--site-host goes with one --start-url" in result.stderr


@pytest.mark.parametrize(
    ("name", "names_itself"), [("quangtri", True), ("vinhlong", False)], ids=["canonical", "none"]
)
def test_a_mirror_page_naming_its_real_host_is_recorded_under_it(
    name: str, names_itself: bool, tmp_path: Path
) -> None:
    """No --site-host: the start page's canonical link names the real site (said), or the
    crawl says that it records the mirror's addresses."""
    site = next(s for s in fixture_sites() if s.name == name)
    db = tmp_path / "archive.sqlite"
    with serve_site(site.folder) as server:
        result = run_cli(
            "crawl", "--start-url", server.origin + site.expected["start_path"],
            "--name", f"{name}_mirror", "--db", str(db), "--export-dir", str(tmp_path),
            "--delay", "0", "--no-attachments", "--no-warc",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    mirror = server.origin.removeprefix("http://")
    articles, _ = _urls(db)
    if names_itself:
        assert f"{mirror} is a local mirror: its page's canonical link names {site.origin}" in (
            result.stderr
        )
        assert articles == {site.origin + site.article_path(a["path"]) for a in site.articles}
    else:
        assert f"Warning: {mirror} is a local address and its page names no other host" in (
            result.stderr
        )
        assert all(url.startswith(server.origin) for url in articles)
