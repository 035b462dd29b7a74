"""`dostcrawler demo`: serve the bundled demo site locally and crawl it like a real site."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from dostcrawler.demo.server import DEMO_SITE, serve_site
from dostcrawler.storage.db import Archive

DEMO_SITE_NAME = "vinhphuc"
EXAMPLE_QUERY = (
    "select published_at, title, authors from articles "
    "where site = 'vinhphuc' order by published_at desc limit 5"
)


def run_demo(*, db_path: str, export_dir: str, echo: Callable[[str], None]) -> None:
    """Crawl the demo site into `db_path` and print what happened and how to query it."""
    started = time.monotonic()
    with serve_site(DEMO_SITE) as server:
        echo(f"Serving the demo Vĩnh Phúc DOST site at {server.origin}")
        # A child process runs the crawl: Scrapy's reactor must own its process.
        command = [
            sys.executable,
            "-m",
            "dostcrawler",
            "crawl",
            DEMO_SITE_NAME,
            "--origin",
            server.origin,
            "--db",
            db_path,
            "--export-dir",
            export_dir,
            "--delay",
            "0",
            "--log-level",
            "WARNING",
        ]
        result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8")
        pages = len(server.requests)
    if result.returncode != 0:
        echo(result.stderr.strip())
        raise SystemExit(result.returncode)
    elapsed = time.monotonic() - started
    archive = Archive(db_path)
    try:
        rows = archive.site_stats()
        crawl = archive.db.execute(
            "select jsonl_path from crawls where site = ? order by id desc limit 1",
            [DEMO_SITE_NAME],
        ).fetchone()
        latest = archive.db.execute(EXAMPLE_QUERY).fetchall()
    finally:
        archive.close()
    stored = next((row["articles"] for row in rows if row["site"] == DEMO_SITE_NAME), 0)
    echo(f"Articles stored: {stored}")
    echo(f"Pages fetched:   {pages} (robots.txt, listings, articles, attachments)")
    echo(f"Time taken:      {elapsed:.1f} s")
    echo(f"Archive:         {Path(db_path).resolve()}")
    echo(f"JSONL:           {Path(crawl[0]).resolve() if crawl and crawl[0] else '-'}")
    echo("A data team's first query (sqlite-utils is installed with dostcrawler):")
    echo(f'  sqlite-utils {db_path} "{EXAMPLE_QUERY}" --table')
    for published_at, title, authors in latest:
        echo(f"  {published_at}  {title[:70]}  {authors}")
