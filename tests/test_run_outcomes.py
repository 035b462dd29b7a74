"""A run says what it did: failures are counted by reason, named in one line, reflected in the
run's status and exit code; a run cut short never hides the back catalogue from the next one."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

from dostcrawler.demo.server import serve_site
from dostcrawler.profiles import load_site
from dostcrawler.storage.db import Archive
from tests.conftest import ROOT, run_cli
from tests.sitefixtures import fixture_sites

SITE = next(site for site in fixture_sites() if site.name == "vinhlong")
ARTICLES = len(SITE.articles)


def _crawl(origin: str, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = ["--origin", origin, "--db", str(db), "--export-dir", str(db.parent), "--delay", "0"]
    return run_cli("crawl", "vinhlong", *args, "--no-attachments", *extra)


def _site_copy(tmp_path: Path, statuses: dict[str, int]) -> Path:
    """A copy of the site whose server answers these article pages (still linked) with the
    given status and no page."""
    folder = tmp_path / "site"
    shutil.copytree(SITE.folder, folder)
    routes_file = folder / "routes.json"
    data = json.loads(routes_file.read_text(encoding="utf-8"))
    for route in data["routes"]:
        if (status := statuses.get(route["path"].split("?")[0])) is not None:
            route["status"], route["file"] = status, None
    routes_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


def _runs(db: Path) -> list[tuple[str, str | None, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "select status, status_reason, covers_catalogue from crawls order by id"
        ).fetchall()


def _stored(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("select count(*) from articles").fetchone()[0])


def test_a_run_whose_every_article_404s_fails_and_says_why(tmp_path: Path) -> None:
    folder = _site_copy(tmp_path, {a["path"]: 404 for a in SITE.articles})
    db = tmp_path / "archive.sqlite"
    with serve_site(folder) as server:
        result = _crawl(server.origin, db)
    assert result.returncode == 1
    assert f"vinhlong: failed (article pages failed ({ARTICLES} × http_404))" in result.stderr
    assert _runs(db) == [("failed", f"article pages failed ({ARTICLES} × http_404)", 0)]
    assert "Traceback" not in result.stderr
    shown = run_cli("stats", "--db", str(db))
    assert shown.returncode == 0
    assert "vinhlong" in shown.stdout and "(failed)" in shown.stdout


def test_a_dead_link_is_said_but_leaves_the_run_finished(tmp_path: Path) -> None:
    missing = SITE.articles[-1]["path"]
    db = tmp_path / "archive.sqlite"
    with serve_site(_site_copy(tmp_path, {missing: 404})) as server:
        result = _crawl(server.origin, db)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "vinhlong: finished (1 linked page not archived: 1 × http_404)" in result.stderr
    assert _stored(db) == ARTICLES - 1


def test_a_failing_server_makes_the_run_incomplete_and_the_next_walk_everything(
    tmp_path: Path,
) -> None:
    missing = SITE.articles[-1]["path"]  # on the last listing page
    db = tmp_path / "archive.sqlite"
    with serve_site(_site_copy(tmp_path, {missing: 503})) as server:
        first = _crawl(server.origin, db)
    assert first.returncode == 1
    assert "vinhlong: incomplete (article pages failed (1 × http_503))" in first.stderr
    assert _stored(db) == ARTICLES - 1
    # The server is back: the next incremental run must reach the page, not stop at known ones.
    with serve_site(SITE.folder) as server:
        second = _crawl(server.origin, db)
    assert second.returncode == 0, second.stderr[-2000:]
    assert _stored(db) == ARTICLES
    assert [status for status, _, _ in _runs(db)] == ["incomplete", "finished"]


def test_a_capped_run_leaves_the_rest_to_the_next_incremental_run(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with serve_site(SITE.folder) as server:
        capped = _crawl(server.origin, db, "--max-articles", "3")
        assert capped.returncode == 0, capped.stderr[-2000:]
        assert f"{ARTICLES - 3} more linked articles left for the next run" in capped.stderr
        assert _stored(db) == 3
        rest = _crawl(server.origin, db)
        assert rest.returncode == 0, rest.stderr[-2000:]
        assert _stored(db) == ARTICLES
        assert "skipped as known 3" in rest.stderr
        # Now the archive holds everything: a third run may stop at the first known page.
        third = _crawl(server.origin, db)
    assert third.returncode == 0
    assert [covers for _, _, covers in _runs(db)] == [0, 1, 1]
    with sqlite3.connect(db) as conn:
        stats = json.loads(conn.execute("select stats from crawls where id = 3").fetchone()[0])
    assert stats["dostcrawler/listing/stopped_at_known_page"] == 1


def test_a_page_limit_is_said_and_leaves_the_rest_to_the_next_run(tmp_path: Path) -> None:
    bundled = Path(str(load_site("vinhlong").path)).read_text(encoding="utf-8")
    profile = tmp_path / "vinhlong.toml"  # its listing walk stops at the first page
    profile.write_text(bundled.replace("[article]", "[listing]\nmax_pages = 1\n\n[article]"))
    db = tmp_path / "archive.sqlite"
    with serve_site(SITE.folder) as server:
        args = ["--origin", server.origin, "--db", str(db), "--export-dir", str(tmp_path)]
        limited = run_cli("crawl", "--profile", str(profile), *args, "--delay", "0")
        assert limited.returncode == 0, limited.stderr[-2000:]
        rest = _crawl(server.origin, db)
    assert "stopped at listing.max_pages = 1" in limited.stderr
    assert "(listing 1, " in limited.stderr
    assert "listing walk stopped at listing.max_pages, more pages linked" in limited.stderr
    # The page limit left listing pages unread: the next incremental run reads them all.
    assert rest.returncode == 0, rest.stderr[-2000:]
    assert "(listing 2, " in rest.stderr
    assert _stored(db) == ARTICLES
    assert [covers for _, _, covers in _runs(db)] == [0, 1]


def test_an_unreachable_host_fails_in_one_line_without_a_traceback(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = tmp_path / "archive.sqlite"
    result = _crawl(f"http://127.0.0.1:{port}", db)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "vinhlong: failed (no listing page came back: 1 × connection_refused)" in result.stderr


def _crawl_blocked(
    db: Path, exports: Path, folder: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    """Crawl with `exports/<folder>` unwritable (a file stands where the folder would go: as
    unwritable as a full or read-only disk, and so for root too)."""
    exports.mkdir()
    (exports / folder).write_text("not a folder")
    with serve_site(SITE.folder) as server:
        return run_cli(
            "crawl", "vinhlong", "--origin", server.origin, "--db", str(db),
            "--export-dir", str(exports), "--delay", "0", *extra,
        )  # fmt: skip


def test_an_export_that_cannot_be_written_fails_the_run_in_one_line(tmp_path: Path) -> None:
    db, exports = tmp_path / "archive.sqlite", tmp_path / "exports"
    result = _crawl_blocked(db, exports, "jsonl", "--no-warc")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    target = exports / "jsonl" / "vinhlong"
    assert re.search(
        rf"vinhlong: failed \(cannot write {re.escape(str(target))}\S*: ", result.stderr
    )
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        assert conn.execute("select jsonl_path from crawls").fetchone() == (None,)
    assert _stored(db) == ARTICLES  # the archive itself has every article


def test_captures_that_cannot_be_written_stop_the_run_and_the_next_completes(
    tmp_path: Path,
) -> None:
    db, exports = tmp_path / "archive.sqlite", tmp_path / "exports"
    result = _crawl_blocked(db, exports, "warc", "--no-attachments")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"vinhlong: failed (cannot write {exports / 'warc'}" in result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
    assert _stored(db) < ARTICLES  # it stopped rather than archive pages without captures
    (exports / "warc").unlink()  # space is freed
    with serve_site(SITE.folder) as server:
        again = _crawl(server.origin, db, "--export-dir", str(exports))
    assert again.returncode == 0, again.stderr[-2000:]
    assert _stored(db) == ARTICLES


def test_an_archive_that_fills_up_mid_run_fails_the_run_and_the_next_completes(
    tmp_path: Path,
) -> None:
    """The archive's files may not grow past the size of a new archive (RLIMIT_FSIZE: the
    kernel refuses the write, as a full disk does): the log of writes fills up after an
    article or two."""
    db = tmp_path / "archive.sqlite"
    Archive(db).close()
    limit = db.stat().st_size

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    with serve_site(SITE.folder) as server:
        command = [sys.executable, "-m", "dostcrawler", "crawl", "vinhlong", "--db", str(db),
                   "--origin", server.origin, "--export-dir", str(tmp_path), "--delay", "0",
                   "--no-warc", "--no-attachments"]  # fmt: skip
        full = subprocess.run(
            command, preexec_fn=small_disk, capture_output=True, text=True, encoding="utf-8",
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300,
        )  # fmt: skip
        with sqlite3.connect(db) as conn:
            assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        stored_before = _stored(db)
        again = _crawl(server.origin, db)  # space is freed
    assert full.returncode == 1
    assert "Traceback" not in full.stderr
    assert f"vinhlong: failed (cannot write {db}: " in full.stderr
    assert stored_before < ARTICLES
    assert again.returncode == 0, again.stderr[-2000:]
    assert _stored(db) == ARTICLES
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        assert conn.execute("select status from crawls order by id").fetchall()[-1] == ("finished",)


def test_a_run_whose_own_row_cannot_be_closed_still_says_it_failed(tmp_path: Path) -> None:
    """The last write of a run (its `crawls` row) refused: the outcome comes from the run
    itself, not from the row left "running", which the next run closes."""
    db = tmp_path / "archive.sqlite"
    Archive(db).close()
    refuse = (
        "create trigger refuse_run_end before update of status on crawls "
        "when new.status != 'running' begin select raise(fail, 'disk I/O error'); end"
    )
    with sqlite3.connect(db) as conn:
        conn.execute(refuse)
    with serve_site(SITE.folder) as server:
        refused = _crawl(server.origin, db)
        with sqlite3.connect(db) as conn:
            conn.execute("drop trigger refuse_run_end")
        again = _crawl(server.origin, db)
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert f"vinhlong: failed (cannot write {db}: disk I/O error)" in refused.stderr
    assert f"articles new {ARTICLES}," in refused.stderr  # counted by the run itself
    assert again.returncode == 0, again.stderr[-2000:]
    assert [status for status, _, _ in _runs(db)] == ["interrupted", "finished"]


def _served_as(tmp_path: Path, content_type: str, *, break_one: bool = False) -> Path:
    """A copy of the site whose article pages are served with this Content-Type; with
    `break_one`, one byte of the first article's text made invalid UTF-8."""
    folder = tmp_path / "site"
    shutil.copytree(SITE.folder, folder)
    routes_file = folder / "routes.json"
    data = json.loads(routes_file.read_text(encoding="utf-8"))
    articles = {a["path"] for a in SITE.articles}
    for route in data["routes"]:
        if route["path"] in articles:
            route["content_type"] = content_type
    routes_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    if break_one:
        first = SITE.articles[0]
        route = next(r for r in data["routes"] if r["path"] == first["path"])
        page = folder / route["file"]
        word = max(first["body"].split(), key=len).encode("utf-8")
        raw = page.read_bytes()
        assert word in raw
        page.write_bytes(raw.replace(word, b"\xff" + word[1:]))
    return folder


def test_utf8_pages_served_as_latin1_are_read_right_and_counted(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with serve_site(_served_as(tmp_path, "text/html; charset=ISO-8859-1")) as server:
        result = _crawl(server.origin, db)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"charset overruled on {ARTICLES} pages" in result.stderr
    assert "declared ISO-8859-1, but the bytes are UTF-8; read as utf-8" in result.stderr
    with sqlite3.connect(db) as conn:
        titles = {title for (title,) in conn.execute("select title from articles")}
        charsets = conn.execute(
            "select distinct json_extract(extractor, '$.charset') from articles"
        )
        assert charsets.fetchall() == [("utf-8",)]  # each record says what decoded it
    assert titles == {a["title"] for a in SITE.articles}


def test_bytes_no_charset_decodes_make_the_run_incomplete(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with serve_site(_served_as(tmp_path, "text/html; charset=utf-8", break_one=True)) as server:
        result = _crawl(server.origin, db)
    assert result.returncode == 1
    assert "vinhlong: incomplete (1 articles hold bytes that could not be decoded" in result.stderr
    with sqlite3.connect(db) as conn:
        flagged = conn.execute(
            "select count(*) from articles where json_extract(extractor, '$.low_confidence') "
            "and json_extract(extractor, '$.undecodable_chars') = 1 and body like '%' || ? || '%'",
            ["\ufffd"],
        ).fetchone()[0]
    assert flagged == 1


def test_the_summary_counts_the_low_confidence_records_the_archive_holds(tmp_path: Path) -> None:
    """A page extracted with low confidence and then dropped (it has no title) is not in the
    archive, so not in the summary's count; a stored low-confidence record is."""
    folder = _served_as(tmp_path, "text/html; charset=utf-8", break_one=True)
    routes = json.loads((folder / "routes.json").read_text(encoding="utf-8"))["routes"]
    untitled = next(r for r in routes if r["path"] == SITE.articles[1]["path"])
    (folder / untitled["file"]).write_bytes(
        "<html><body><p>Trang đang được cập nhật.</p></body></html>".encode()
    )
    db = tmp_path / "archive.sqlite"
    with serve_site(folder) as server:
        result = _crawl(server.origin, db)
    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute(
            "select count(*) from articles where json_extract(extractor, '$.low_confidence')"
        ).fetchone()
        (raw,) = conn.execute("select stats from crawls").fetchone()
    assert stored == 1
    assert json.loads(raw)["dostcrawler/articles/low_confidence"] == 2  # as extracted
    assert "dostcrawler/dropped/missing title" in json.loads(raw)
    assert result.stderr.strip().splitlines()[-2].endswith(", low confidence 1")
