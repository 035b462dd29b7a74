"""`make bench-blind`: generic mode (no profile) on every fixture site, old and blind.

For each site it runs `crawl --start-url` (template learning on) against the site served on
127.0.0.1, and `parse` on each article page alone (no site context), and prints per-field
accuracy, articles found, requests to addresses no page printed, and confidence calibration:
how often a field marked 0.85 or more is wrong.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

from dostcrawler.parse import parse_saved_page
from tests.accuracy import FIELDS, field_correct
from tests.conftest import crawl_locally
from tests.sitefixtures import BLIND_SITES_DIR, FixtureSite, fixture_sites

CONFIDENT = 0.85


def _crawl(site: FixtureSite) -> tuple[dict[str, dict[str, Any]], int]:
    with tempfile.TemporaryDirectory() as tmp:
        start = site.origin + site.expected["start_path"]
        crawl = crawl_locally(site.folder, Path(tmp), "--start-url", start, "--no-warc")
        with sqlite3.connect(crawl.db) as conn:
            conn.row_factory = sqlite3.Row
            rows = [dict(row) for row in conn.execute("select * from articles")]
    records = {}
    for row in rows:
        row["authors"] = json.loads(row["authors"])
        row["extractor"] = json.loads(row["extractor"])
        records[site.article_path(row["url"].removeprefix(crawl.origin))] = row
    unprinted = {path for _, path in crawl.requests} - site.printed_paths
    return records, len(unprinted)


def _score(name: str, sites: list[FixtureSite]) -> None:
    right = {mode: dict.fromkeys((*FIELDS, "all"), 0) for mode in ("crawl", "parse")}
    total = found = unprinted = confident = confident_wrong = 0
    for site in sites:
        records, stray = _crawl(site)
        unprinted += stray
        for article in site.articles:
            total += 1
            crawled = records.get(article["path"], {})
            found += bool(crawled)
            single = parse_saved_page(
                site.page_bytes(article["path"]), site.origin + article["path"], None
            )
            for mode, got in (("crawl", crawled), ("parse", single)):
                ok = [f for f in FIELDS if field_correct(f, got, article)]
                for field in ok:
                    right[mode][field] += 1
                right[mode]["all"] += len(ok) == len(FIELDS)
            for field in ("title", "published_at", "body"):
                if crawled and crawled["extractor"]["confidence"].get(field, 0) >= CONFIDENT:
                    confident += 1
                    confident_wrong += not field_correct(field, crawled, article)
    print(
        f"\n{name}: {len(sites)} sites, {total} articles, {found} found by the crawl, "
        f"{unprinted} requests to unprinted addresses"
    )
    print("| mode | " + " | ".join((*FIELDS, "every field")) + " |")
    print("|" + " --- |" * (len(FIELDS) + 2))
    for mode, label in (("crawl", "crawl --start-url (learning)"), ("parse", "parse (one page)")):
        cells = [f"{right[mode][f] / total:.2f}" for f in (*FIELDS, "all")]
        print(f"| {label} | " + " | ".join(cells) + " |")
    share = confident_wrong / confident if confident else 0.0
    print(
        f"calibration: {confident_wrong} of {confident} fields at confidence >= {CONFIDENT} "
        f"are wrong ({share:.1%})"
    )


def main() -> None:
    """Every fixture folder; `python -m tests.bench_blind FOLDER...` scores only those (a new
    blind site is measured before any rule is touched)."""
    if folders := sys.argv[1:]:
        for folder in folders:
            _score(folder, fixture_sites(Path(folder)))
        return
    _score("old fixture sites (tests/sites)", fixture_sites())
    _score("blind fixture sites (tests/blind_sites)", fixture_sites(BLIND_SITES_DIR))


if __name__ == "__main__":
    main()
