"""Archival behaviour: edited articles become versions, interrupted runs resume to the same
archive, and two runs never write one archive at once."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dostcrawler.crawl import archive_lock
from dostcrawler.demo.server import serve_site
from tests.conftest import ROOT, Crawled, run_cli
from tests.sitefixtures import SITES_DIR, fixture_sites

SITE = next(site for site in fixture_sites() if site.name == "vinhphuc")

# Fields that differ between two crawls of the same bytes (times, run bookkeeping).
VOLATILE = {"fetched_at", "first_seen_at", "last_seen_at", "warc"}


def _crawl(
    origin: str, db: Path, *extra: str, site: str = "vinhphuc"
) -> subprocess.CompletedProcess[str]:
    args = ["--origin", origin, "--db", str(db), "--export-dir", str(db.parent), "--delay", "0"]
    return run_cli("crawl", site, *args, *extra)


def _records(db: Path) -> list[dict[str, object]]:
    """The archive's records, with volatile fields taken out (the site's own URLs are the same
    whichever local server served them)."""
    out = db.parent / f"{db.stem}.jsonl"
    assert run_cli("export", "--db", str(db), "-o", str(out)).returncode == 0
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    return [{k: v for k, v in row.items() if k not in VOLATILE} for row in rows]


def test_edited_article_becomes_version_2(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITES_DIR / "vinhphuc", site)
    page = site / "files" / "detail-1051.html"
    original = page.read_bytes()
    sentence = "Kiểm tra đo lường".encode()
    assert sentence in original
    db = tmp_path / "archive.sqlite"
    with serve_site(site) as server:
        assert _crawl(server.origin, db).returncode == 0
        page.write_bytes(original.replace(b"</h2>", " (cập nhật)</h2>".encode(), 1))
        result = _crawl(server.origin, db, "--full")
    assert result.returncode == 0, result.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        versions = conn.execute(
            "select version, title from article_history "
            "where article_id = 'vinhphuc:tintuchoatdong-1051' order by version"
        ).fetchall()
        past = conn.execute("select article_id, version from article_versions").fetchall()
        current = conn.execute(
            "select version, title from articles where id = 'vinhphuc:tintuchoatdong-1051'"
        ).fetchone()
        others = conn.execute(
            "select max(version) from articles where id != ?", ["vinhphuc:tintuchoatdong-1051"]
        ).fetchone()
    assert [v for v, _ in versions] == [1, 2]
    assert versions[1][1] == versions[0][1] + " (cập nhật)"
    assert current == versions[1]
    assert past == [("vinhphuc:tintuchoatdong-1051", 1)]  # the current version is not copied
    assert others == (1,)


@pytest.mark.parametrize(
    ("site_name", "sig"),
    [("vinhphuc", signal.SIGKILL), ("vinhphuc", signal.SIGINT), ("kontum", signal.SIGKILL)],
    # kontum's pages name their print views (aliases no listing shows): a killed run must
    # have saved them, since the resumed run never fetches those pages again.
    ids=["kill-9", "ctrl-c", "kill-9-page-aliases"],
)
def test_interrupted_crawl_rerun_equals_uninterrupted(
    tmp_path: Path, site_name: str, sig: signal.Signals
) -> None:
    site = next(s for s in fixture_sites() if s.name == site_name)
    reference = tmp_path / "reference" / "archive.sqlite"
    interrupted = tmp_path / "interrupted" / "archive.sqlite"
    with serve_site(site.folder) as server:
        assert _crawl(server.origin, reference, site=site_name).returncode == 0
    # A slow server, so the crawl is surely in the middle when the signal comes.
    with serve_site(site.folder, delay=0.25) as server:
        interrupted.parent.mkdir()
        args = ["--origin", server.origin, "--db", str(interrupted), "--delay", "0"]
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dostcrawler",
                "crawl",
                site_name,
                *args,
                "--export-dir",
                str(interrupted.parent),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and _count(interrupted) < 3:
            time.sleep(0.1)
        process.send_signal(sig)
        code = process.wait(timeout=120)
        assert code == (-signal.SIGKILL if sig == signal.SIGKILL else 130)
        stored = _count(interrupted)
        assert 3 <= stored < len(site.articles), "the signal must land in the middle of the crawl"
        result = _crawl(server.origin, interrupted, site=site_name)
    assert result.returncode == 0, result.stderr[-2000:]
    with sqlite3.connect(interrupted) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        statuses = [s for (s,) in conn.execute("select status from crawls order by id")]
    assert statuses[0] in ("interrupted", "shutdown")
    assert statuses[-1] == "finished"
    # Every run's WARC file is indexed, the interrupted run's too (by the run after it).
    warcs = sorted((interrupted.parent / "warc" / site_name).glob("*.warc.gz"))
    assert len(warcs) == 2
    assert all(w.with_name(w.name.replace(".warc.gz", ".cdxj")).stat().st_size > 0 for w in warcs)
    assert _records(interrupted) == _records(reference)
    assert _urls(interrupted) == _urls(reference)
    assert _attachments(interrupted) == _attachments(reference)
    # Captures' coverage: every stored article has its page captured in one run or the other.
    assert _captured(interrupted) == _captured(reference)


def _urls(db: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select url, article_id, kind from urls order by url").fetchall()


def _attachments(db: Path) -> list[tuple[str, str, str, int]]:
    with sqlite3.connect(db) as conn:
        sql = "select url, article_id, sha256, size from attachments order by url"
        return conn.execute(sql).fetchall()


def _captured(db: Path) -> list[str]:
    """The articles whose row points at a WARC record that the captures table holds."""
    with sqlite3.connect(db) as conn:
        sql = (
            "select a.id from articles a join captures c "
            "on c.record_id = json_extract(a.warc, '$.record_id') order by a.id"
        )
        return [row[0] for row in conn.execute(sql)]


def _count(db: Path) -> int:
    if not db.is_file():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("select count(*) from articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def test_a_second_crawl_on_the_same_archive_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with archive_lock(db):
        result = run_cli("crawl", "vinhphuc", "--db", str(db))
    assert result.returncode == 1
    assert "another crawl" in result.stderr and "is writing" in result.stderr
    assert "Traceback" not in result.stderr


CONTENDERS = 4


def test_crawls_started_at_once_on_one_archive_all_get_the_lock_message(
    tmp_path: Path,
) -> None:
    """The lock is taken before anything opens the database: of crawls started together
    (on a new archive, then on an existing one), one runs, and every other says which
    crawl holds the archive, never SQLite's "database is locked". The crawl that runs
    takes a few seconds (--delay 1), so that every other has started while it runs."""
    db = tmp_path / "archive.sqlite"
    command = [sys.executable, "-m", "dostcrawler", "crawl", "vinhphuc", "--db", str(db),
               "--export-dir", str(tmp_path), "--delay", "1", "--max-articles", "3",
               "--no-warc", "--no-attachments"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with serve_site(SITE.folder) as server:
        for _ in ("new archive", "existing archive"):
            processes = [
                subprocess.Popen(
                    [*command, "--origin", server.origin],
                    env=env,
                    cwd=ROOT,
                    text=True,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    encoding="utf-8",
                )
                for _ in range(CONTENDERS)
            ]
            outcomes = [(p.wait(timeout=300), p.communicate()[1]) for p in processes]
            assert sorted(code for code, _ in outcomes) == [0] + [1] * (CONTENDERS - 1)
            for code, stderr in outcomes:
                assert "database is locked" not in stderr and "Traceback" not in stderr
                if code:
                    assert "another crawl (pid " in stderr and "is writing" in stderr, stderr
    assert _count(db) == 3  # the same three articles, twice


def test_attachments_are_downloaded_content_addressed(
    crawl_twice: Callable[[str], Crawled],
) -> None:
    crawled = crawl_twice("vinhphuc")
    with sqlite3.connect(crawled.db) as conn:
        rows = conn.execute(
            "select url, article_id, name, media_type, sha256, size, path from attachments "
            "order by url"
        ).fetchall()
    expected = sorted(
        (
            crawled.origin + a["path"],
            f"vinhphuc:tintuchoatdong-{article['path'].rsplit('=', 1)[1]}",
            a["name"],
            a["media_type"],
        )
        for article in SITE.articles
        for a in article["attachments"]
    )
    assert [row[:4] for row in rows] == expected
    for url, _, _, _, sha256, size, path in rows:
        served = SITE.page_bytes(url.removeprefix(crawled.origin))
        assert sha256 == hashlib.sha256(served).hexdigest() and size == len(served)
        stored = Path(path)
        assert stored.read_bytes() == served
        assert stored.name.startswith(sha256)  # never the server's file name
    # Incremental and --full re-runs do not download them again.
    fetched = [p for m, p in crawled.server.requests if "/Attachments/" in p]
    assert len(fetched) == len(expected)


def test_no_attachments_flag(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with serve_site(SITES_DIR / "vinhphuc") as server:
        assert _crawl(server.origin, db, "--no-attachments", "--no-warc").returncode == 0
        assert not [p for _, p in server.requests if "/Attachments/" in p]
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from attachments").fetchone() == (0,)
        assert conn.execute("select count(*) from captures").fetchone() == (0,)
    assert not (tmp_path / "warc").exists()


def test_since_skips_older_entries_and_stops_paginating(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with serve_site(SITES_DIR / "vinhphuc") as server:
        assert _crawl(server.origin, db, "--since", "2021-12-20").returncode == 0
        requested = [path for _, path in server.requests]
    with sqlite3.connect(db) as conn:
        dates = sorted(d for (d,) in conn.execute("select published_at from articles"))
    newer = sorted(a["published_at"] for a in SITE.articles if a["published_at"] >= "2021-12-20")
    assert dates == newer
    # Listing page 2 still holds newer entries; page 3 holds only older ones and is never asked.
    assert not [path for path in requested if "PageFirstRow=11" in path]


def test_all_sites_run_and_one_failure_does_not_stop_the_others(tmp_path: Path) -> None:
    """`--all` with every bundled site pointed at the Vĩnh Phúc fixture server: vinhphuc's paths
    exist there, the other sites' start pages answer 404 (their runs fail)."""
    db = tmp_path / "archive.sqlite"
    with serve_site(SITES_DIR / "vinhphuc") as server:
        result = _crawl(server.origin, db, "--all", "--no-warc")
    assert result.returncode == 1
    with sqlite3.connect(db) as conn:
        runs = dict(conn.execute("select site, status from crawls").fetchall())
        stored = conn.execute("select site, count(*) from articles group by site").fetchall()
    assert runs.pop("vinhphuc") == "finished"
    assert runs and set(runs.values()) == {"failed"}
    assert stored == [("vinhphuc", 13)]
    assert "vinhphuc: finished" in result.stderr and ": failed" in result.stderr
