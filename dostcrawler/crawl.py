"""Run crawls through the real Scrapy engine: the library behind `dostcrawler crawl` and `demo`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from dostcrawler import logs
from dostcrawler.pipelines.shared import STOPPED_BECAUSE, UNSAVED_OUTCOME
from dostcrawler.profiles.model import SiteProfile
from dostcrawler.spiders.news import spider_class
from dostcrawler.storage.db import Archive
from dostcrawler.storage.lock import ArchiveBusy, archive_lock
from dostcrawler.storage.runstats import describe, summarize

__all__ = ["ArchiveBusy", "CrawlResult", "archive_lock", "last_results", "run_crawls"]


@dataclass(frozen=True)
class CrawlResult:
    """What one site's run did, read back from its `crawls` row."""

    site: str
    status: str
    stats: dict[str, Any]
    jsonl_path: str | None
    reason: str = ""

    def stat(self, key: str) -> int:
        """One dostcrawler counter, 0 when absent."""
        return int(self.stats.get(f"dostcrawler/{key}", 0))

    def summary(self) -> str:
        """Two lines: the status (and why, unless finished) with what became of the articles;
        then the pages, bytes and time, drops by reason, HTTP errors by status, the JSONL."""
        stat, row = self.stat, summarize(self.stats)  # the `crawls` row's numbers
        head = f"{self.site}: {self.status}" + (f" ({self.reason})" if self.reason else "")
        head += (
            f"; articles new {stat('articles/new')}, updated {stat('articles/updated')}, "
            f"unchanged {stat('articles/unchanged')}, "
            f"skipped as known {stat('skipped/known_article')}, "
            f"merged as aliases {stat('articles/merged')}, "
            f"low confidence {stat('articles/stored_low_confidence')}"
        )
        http = {f"HTTP {status}": count for status, count in row["http_errors"].items()}
        parts = [
            f"pages {row['pages']} (listing {stat('pages/listing')}, "
            f"article {stat('pages/article')}), {_size(row['bytes'])} in "
            f"{_duration(row['duration_s'])}",
            f"dropped {describe(row['dropped']) or 'none'}",
            f"HTTP errors {describe(http) or 'none'}",
        ]
        if overruled := stat("charset/overruled"):
            parts.append(f"charset overruled on {overruled} pages (see the log)")
        if capped := stat("skipped/max_articles"):
            parts.append(f"{capped} more linked articles left for the next run (--max-articles)")
        if stat("listing/max_pages_reached"):
            # A pager with no end (a trap), or a back catalogue longer than the profile allows.
            parts.append("listing walk stopped at listing.max_pages, more pages linked")
        if stat("listing/stopped_fruitless"):
            parts.append(
                "listing walk stopped where its pages stopped giving articles "
                "(listing.max_fruitless_pages)"
            )
        parts.append(f"JSONL {self.jsonl_path or '-'}")
        return head + "\n  " + "; ".join(parts)


def _size(count: int) -> str:
    """410576 -> "401.0 KiB"."""
    size, unit = float(count), "B"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            break
        size /= 1024
    return f"{count} B" if unit == "B" else f"{size:.1f} {unit}"


def _duration(seconds: float) -> str:
    """0.88 -> "0.9 s", 125 -> "2 min 05 s", 7380 -> "2 h 03 min"."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def crawl_settings(
    *,
    db_path: str | Path,
    export_dir: str | Path,
    delay: float | None = None,
    log_level: str | None = None,
    attachments: bool = True,
    warc: bool = True,
) -> Settings:
    """Project settings plus this run's paths; --delay outranks the profiles' politeness delay."""
    settings = get_project_settings()
    settings.setmodule("dostcrawler.settings", priority="project")
    settings.set("DOSTCRAWLER_DB_PATH", str(db_path), priority="cmdline")
    settings.set("DOSTCRAWLER_EXPORT_DIR", str(export_dir), priority="cmdline")
    settings.set("LOG_LEVEL", logs.handler_level(log_level), priority="cmdline")
    settings.set("DOSTCRAWLER_ATTACHMENTS", attachments, priority="cmdline")
    settings.set("DOSTCRAWLER_WARC", warc, priority="cmdline")
    if delay is not None:
        settings.set("DOWNLOAD_DELAY", delay, priority="cmdline")
        settings.set("AUTOTHROTTLE_START_DELAY", delay, priority="cmdline")
        settings.set("DOSTCRAWLER_RETRY_BACKOFF_BASE", max(delay, 0.1), priority="cmdline")
    return settings


def run_crawls(
    profiles: list[SiteProfile],
    *,
    db_path: str | Path,
    export_dir: str | Path,
    origin: str | None = None,
    max_articles: int | None = None,
    delay: float | None = None,
    mode: str = "incremental",
    since: str | None = None,
    log_level: str | None = None,
    attachments: bool = True,
    warc: bool = True,
    learned_path: str | None = None,
) -> list[CrawlResult]:
    """Crawl each profile's site (all in one process, each with its own politeness) and report
    each run. One site failing never stops the others. With `learned_path`, the templates a
    generic crawl learned are written there as JSON (see `dostcrawler learn`). `log_level`
    None is dostcrawler's own log (see logs.py); a level is Scrapy's whole log at that level."""
    with archive_lock(db_path):
        archive = Archive(db_path)  # fail early, before Scrapy starts, if the archive is unusable
        try:
            archive.close_stale_runs()
        finally:
            archive.close()
        settings = crawl_settings(
            db_path=db_path,
            export_dir=export_dir,
            delay=delay,
            log_level=log_level,
            attachments=attachments,
            warc=warc,
        )
        logs.before_scrapy_starts(log_level)
        process = CrawlerProcess(settings)
        logs.after_scrapy_starts(log_level)
        crawlers = [process.create_crawler(spider_class(profile)) for profile in profiles]
        for crawler in crawlers:
            process.crawl(
                crawler,
                origin=origin,
                max_articles=max_articles,
                mode=mode,
                since=since,
                learned_path=learned_path,
            )
        process.start()
    unsaved = {
        profile.name: result
        for profile, crawler in zip(profiles, crawlers, strict=True)
        if (result := _unsaved_result(profile.name, crawler)) is not None
    }
    saved = [p.name for p in profiles if p.name not in unsaved]
    results = {result.site: result for result in last_results(db_path, saved)} if saved else {}
    return [unsaved.get(p.name) or results[p.name] for p in profiles]


def _unsaved_result(site: str, crawler: Crawler) -> CrawlResult | None:
    """The outcome of a run whose `crawls` row the archive refused (a full disk as it ended):
    read from the crawler's stats instead."""
    stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    if not stats.get(UNSAVED_OUTCOME):
        return None
    return CrawlResult(site, "failed", stats, None, reason=str(stats.get(STOPPED_BECAUSE, "")))


def last_results(db_path: str | Path, sites: list[str]) -> list[CrawlResult]:
    """The newest `crawls` row of each site."""
    archive = Archive(db_path)
    try:
        results = []
        for site in sites:
            rows = list(
                archive.db.table("crawls").rows_where(
                    "site = ?", [site], order_by="id desc", limit=1
                )
            )
            if rows:
                row = rows[0]
                results.append(
                    CrawlResult(
                        site=site,
                        status=row["status"] or "unknown",
                        stats=json.loads(row["stats"] or "{}"),
                        jsonl_path=row["jsonl_path"],
                        reason=row.get("status_reason") or "",
                    )
                )
            else:
                results.append(
                    CrawlResult(site=site, status="did not start", stats={}, jsonl_path=None)
                )
        return results
    finally:
        archive.close()
