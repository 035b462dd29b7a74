"""Crawl benchmark: every fixture site through the real Scrapy engine on 127.0.0.1.

Politeness, not CPU, bounds a real crawl; this measures the CPU side (pages per second with no
delay, peak memory as Scrapy's memusage extension reports it) so regressions show.

Run: `make bench-crawl` (or `python -m tests.bench_crawl`).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from dostcrawler.demo.server import serve_site
from tests.conftest import run_cli
from tests.sitefixtures import fixture_sites


def crawl_once(site: str, folder: Path, workdir: Path) -> dict[str, float]:
    db = workdir / f"{site}.sqlite"
    with serve_site(folder) as server:
        started = time.perf_counter()
        result = run_cli(
            "crawl",
            site,
            "--origin",
            server.origin,
            "--db",
            str(db),
            "--export-dir",
            str(workdir),
            "--delay",
            "0",
            "--log-level",
            "WARNING",
        )
        elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{site}: crawl failed\n{result.stderr[-2000:]}")
    with sqlite3.connect(db) as conn:
        stats = json.loads(conn.execute("select stats from crawls").fetchone()[0])
    pages = stats.get("downloader/response_count", 0)
    return {
        "pages": pages,
        "seconds": elapsed,
        "engine_seconds": stats.get("elapsed_time_seconds", elapsed),
        "peak_mib": stats.get("memusage/max", 0) / 2**20,
    }


def main() -> int:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for site in fixture_sites():
            rows.append((site.name, crawl_once(site.name, site.folder, Path(tmp))))
    print(
        "| site | pages | wall s (incl. process start) | engine s | pages/s (engine) | peak MiB |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for name, row in rows:
        rate = row["pages"] / row["engine_seconds"] if row["engine_seconds"] else 0
        print(
            f"| {name} | {row['pages']:.0f} | {row['seconds']:.2f} | {row['engine_seconds']:.2f} "
            f"| {rate:.0f} | {row['peak_mib']:.0f} |"
        )
    total_pages = sum(r["pages"] for _, r in rows)
    total_engine = sum(r["engine_seconds"] for _, r in rows)
    print(
        f"\nall sites: {total_pages:.0f} pages in {total_engine:.2f} engine s "
        f"({total_pages / total_engine:.0f} pages/s); a polite crawl at 2 s/page would take "
        f"{total_pages * 2:.0f} s, {total_pages * 2 / total_engine:.0f}x longer"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
