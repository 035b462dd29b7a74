"""Per-crawler state shared by the pipelines and the capture middleware: one archive
connection and the current run (its `crawls` row id and start time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from scrapy.utils.defer import deferred_from_coro

from dostcrawler.storage.db import Archive

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_archives: WeakKeyDictionary[Crawler, Archive] = WeakKeyDictionary()
_runs: WeakKeyDictionary[Crawler, Run] = WeakKeyDictionary()


@dataclass(frozen=True)
class Run:
    """One crawl of one site."""

    crawl_id: int
    site: str
    started: datetime

    @property
    def stem(self) -> str:
        """File stem of this run's outputs: start time, then the id (runs may share a second)."""
        return f"{self.started.strftime('%Y%m%dT%H%M%SZ')}-{self.crawl_id}"


def archive_for(crawler: Crawler) -> Archive:
    """The crawler's archive (DOSTCRAWLER_DB_PATH), opened on first use. The crawlers of one
    process that write one archive share its connection: SQLite has a single writer, and the
    units one connection holds uncommitted (Archive.transaction's deferred units) would block
    the others' writes."""
    if crawler not in _archives:
        path = crawler.settings.get("DOSTCRAWLER_DB_PATH")
        shared = [a for a in _archives.values() if a.path.resolve() == Path(path).resolve()]
        _archives[crawler] = shared[0] if shared else Archive(path)
    return _archives[crawler]


def release_archive(crawler: Crawler, *, lost_writes: bool = False) -> None:
    """Commit the crawler's writes, and close the archive unless another crawler uses it.
    With `lost_writes` (the archive refused a write), what is uncommitted is given up."""
    archive = _archives.pop(crawler, None)
    if archive is None:
        return
    shared = any(other is archive for other in _archives.values())
    if lost_writes:
        archive.rollback(close=not shared)
    elif shared:
        archive.commit()
    else:
        archive.close()


def begin_run(crawler: Crawler, run: Run) -> None:
    """Make `run` the crawler's current run."""
    _runs[crawler] = run


def run_for(crawler: Crawler) -> Run:
    """The crawler's current run (the store pipeline begins it when the spider opens)."""
    return _runs[crawler]


STOPPED_BECAUSE = "dostcrawler/stopped_because"
# The run's outcome could not be written to its `crawls` row: the stats are the only record.
UNSAVED_OUTCOME = "dostcrawler/outcome_unsaved"


def stop_run(crawler: Crawler, why: str) -> None:
    """Stop the crawl at once because the archive cannot be written (a full disk, a read-only
    or vanished folder): going on would fetch pages only to lose them. The first reason is the
    run's `status_reason` (runstats.run_outcome makes the run "failed")."""
    stats = crawler.stats
    if stats is None or stats.get_value(STOPPED_BECAUSE):
        return
    stats.set_value(STOPPED_BECAUSE, why)
    if crawler.engine is not None:
        deferred_from_coro(crawler.engine.close_spider_async(reason="write_failed"))
