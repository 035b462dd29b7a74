"""Store: upsert into the SQLite archive, then write this run's JSONL when the spider closes."""

from __future__ import annotations

import itertools
import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from twisted.internet.task import LoopingCall

from dostcrawler.extract.template import template_data
from dostcrawler.items import Article, AttachmentFile
from dostcrawler.neardup import mark_duplicates
from dostcrawler.pipelines.shared import (
    STOPPED_BECAUSE,
    UNSAVED_OUTCOME,
    Run,
    archive_for,
    begin_run,
    release_archive,
    run_for,
    stop_run,
)
from dostcrawler.storage import lock, retries
from dostcrawler.storage.db import DEFERRED_COMMIT_S, utc_now
from dostcrawler.storage.export import write_jsonl
from dostcrawler.storage.runstats import covers_back_catalogue, run_outcome

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

    from dostcrawler.storage.db import Archive

logger = logging.getLogger(__name__)


def mark_syndicated(archive: Archive, article: Article) -> bool:
    """Index a stored article's body and set `duplicate_of` on whichever copy came later
    (this one, or copies on other sites). True when this article is itself a later copy."""
    assert article.id is not None
    first_seen = archive.first_seen_at(article.id)
    pairs = mark_duplicates(
        archive.db, article.id, article.site, article.published_at, first_seen, article.body
    )
    return any(duplicate == article.id for duplicate, _ in pairs)


class StorePipeline:
    """Upsert articles; one `crawls` row per run; `exports/jsonl/<site>/<run-start>.jsonl`."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.export_dir = Path(crawler.settings.get("DOSTCRAWLER_EXPORT_DIR"))
        self.crawl_id: int | None = None
        self.jsonl_path: Path | None = None
        self.locked = False
        self.stored_ids: set[str] = set()
        # The addresses kept as pending in the archive, per article not stored yet.
        self.kept_pending: dict[str, set[str]] = {}
        # Articles are committed a batch at a time (Archive.transaction's deferred units):
        # this commits the last ones when no other article follows them for a while.
        self.committer = LoopingCall(self._commit_due)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    @property
    def spider(self) -> Any:
        return self.crawler.spider

    def open_spider(self) -> None:
        """Take the archive's lock, register the site and open this run's `crawls` row."""
        db_path = self.crawler.settings.get("DOSTCRAWLER_DB_PATH")
        # Started by `scrapy crawl` or Scrapyd, not by `dostcrawler crawl` (which holds the
        # lock already): this run alone writes the archive, so rows left "running" are stale.
        first_holder = lock.acquire(db_path)
        self.locked = True
        archive = archive_for(self.crawler)
        if first_holder:
            archive.close_stale_runs()
        archive.record_site(self.spider.profile)
        self.crawl_id = archive.start_crawl(
            self.spider.profile.name, self.spider.run_mode, self.spider.profile
        )
        begin_run(self.crawler, Run(self.crawl_id, self.spider.profile.name, datetime.now(UTC)))
        self.committer.start(DEFERRED_COMMIT_S, now=False)

    def process_item(self, item: Any) -> Any:
        """Upsert one article and count whether it was new, updated or unchanged; file an
        attachment under its content hash."""
        assert self.crawl_id is not None and self.crawler.stats is not None
        stats, archive = self.crawler.stats, archive_for(self.crawler)
        try:
            if isinstance(item, AttachmentFile):
                archive.store_attachment(item, self.export_dir / "files")
                stats.inc_value("dostcrawler/attachments/stored")
                return item
            # The article and its near-duplicate marks, committed with the next ones.
            with archive.transaction(deferred=True):
                aliases = self._aliases_to_save(archive, item)
                outcome = archive.upsert_article(item, self.crawl_id, aliases)
                later_copy = mark_syndicated(archive, item)
                archive.keep_pending_aliases(self._aliases_to_keep())
            stats.inc_value(f"dostcrawler/articles/{outcome}")
            if item.extractor.get("low_confidence"):
                # The spider's articles/low_confidence counts every page it extracted, dropped
                # items included; this counts the records the archive holds.
                stats.inc_value("dostcrawler/articles/stored_low_confidence")
            self.stored_ids.add(item.id)
            if later_copy:
                stats.inc_value("dostcrawler/articles/near_duplicates")
        except (OSError, sqlite3.Error) as exc:
            # A full disk or a read-only folder: the run stops, failed, saying where and why;
            # what was committed stays, and the next run fetches the rest.
            said = stats.get_value(STOPPED_BECAUSE)  # once: not again for the items in flight
            why = self._write_failed(archive, exc)
            logger.log(logging.DEBUG if said else logging.ERROR, "%s (storing %s)", why, item.url)
        return item

    def _commit_due(self) -> None:
        """Commit the articles that waited long enough for others to join them."""
        archive = archive_for(self.crawler)
        try:
            archive.commit_due()
        except (OSError, sqlite3.Error) as exc:
            self._cannot_write(archive, exc)

    def _aliases_to_save(self, archive: Archive, item: Article) -> dict[str, set[str]]:
        """The addresses the spider met, saved with the article being stored (its own, those
        an earlier run kept pending for it, and those of articles already in the archive): a
        resumed run then has every alias an uninterrupted one would, though it never fetches
        those pages again."""
        spider = self.spider
        assert item.id is not None
        known = set(item.alias_urls) | spider.url_aliases.get(item.id, set())
        known |= archive.take_pending_aliases(item.id)
        item.alias_urls = sorted(known - {item.url})
        spider.unsaved_aliases.discard(item.id)
        self.kept_pending.pop(item.id, None)
        ready = {
            article_id
            for article_id in spider.unsaved_aliases
            if article_id in self.stored_ids or article_id in spider.known_ids
        }
        spider.unsaved_aliases -= ready
        return {article_id: spider.url_aliases[article_id] for article_id in ready}

    def _aliases_to_keep(self) -> dict[str, set[str]]:
        """The addresses met for articles not stored yet that the archive does not keep yet
        (Archive.keep_pending_aliases), written with the article being stored."""
        spider, new = self.spider, {}
        for article_id in spider.unsaved_aliases:
            if article_id in self.stored_ids or article_id in spider.known_ids:
                continue  # in the archive: saved with its row (add_aliases)
            kept = self.kept_pending.setdefault(article_id, set())
            if fresh := spider.url_aliases[article_id] - kept:
                new[article_id] = fresh
                kept |= fresh
        return new

    def close_spider(self) -> None:
        """Fold in the alias and listing URLs the spider met, then write this run's JSONL."""
        if self.crawl_id is None:  # the run never opened (the archive was locked)
            return
        self._stop_committer()
        archive = archive_for(self.crawler)
        try:
            with archive.transaction():  # one commit, not one per article
                for article_id, urls in sorted(self.spider.url_aliases.items()):
                    archive.add_aliases(article_id, sorted(urls))
                for article_id, listing_url in sorted(self.spider.listing_urls.items()):
                    archive.set_listing_url(article_id, listing_url)
                archive.keep_pending_aliases(self._aliases_to_keep())
                archive.drop_pending_aliases(self.spider.gone_ids)
            settled = self.stored_ids | self.spider.gone_ids
            retries.settle(
                archive.db, self.spider.profile.name, self.spider.failed_articles, settled,
                utc_now(),
            )  # fmt: skip
        except (OSError, sqlite3.Error) as exc:
            self._cannot_write(archive, exc)
            return  # no JSONL of a run whose archive is not whole
        site = self.spider.profile.name
        stem = run_for(self.crawler).stem
        target = self.export_dir / "jsonl" / site / f"{stem}.jsonl"
        records = archive.iter_articles(crawl_id=self.crawl_id)
        first = next(records, None)
        if first is None:  # an empty file would look like a run that exported something
            logger.info("no article stored or seen in this run: no JSONL file written")
            return
        try:
            count = write_jsonl(itertools.chain([first], records), target)
        except OSError as exc:
            self.crawler.stats.inc_value("dostcrawler/errors/export")
            why = f"cannot write {target}: {_os_error(exc)}"
            logger.error(why)
            stop_run(self.crawler, why)
            return
        self.jsonl_path = target
        logger.info("wrote %d articles to %s", count, target)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Close the run's row with the final stats."""
        if self.crawl_id is None:
            return
        self._stop_committer()
        if reason == "finished":
            self.spider.count_unanswered()
        stats = dict(self.crawler.stats.get_stats()) if self.crawler.stats else {}
        status, why = run_outcome(reason, stats)
        if why:
            logger.error("%s: %s: %s", self.spider.profile.name, status, why)
        learner = self.spider.learner
        archive = archive_for(self.crawler)
        try:
            archive.finish_crawl(
                self.crawl_id,
                status=status,
                reason=why,
                covers_catalogue=covers_back_catalogue(status, stats, since=self.spider.since),
                stats=stats,
                jsonl_path=str(self.jsonl_path) if self.jsonl_path else None,
                platform=self.spider.profile.platform,
                templates=[template_data(t) for t in learner.templates] if learner else None,
            )
            release_archive(self.crawler)
        except (OSError, sqlite3.Error) as exc:
            # The run's row still says "running" (the next run closes it as interrupted):
            # the outcome goes to the caller through the stats (crawl.run_crawls).
            self._cannot_write(archive, exc)
            assert self.crawler.stats is not None
            self.crawler.stats.set_value(UNSAVED_OUTCOME, True)
            release_archive(self.crawler, lost_writes=True)
        finally:
            if self.locked:
                lock.release(self.crawler.settings.get("DOSTCRAWLER_DB_PATH"))
                self.locked = False

    def _stop_committer(self) -> None:
        if self.committer.running:
            self.committer.stop()

    def _cannot_write(self, archive: Archive, exc: BaseException) -> None:
        """The archive refused a write as the run ended: one line, and the run failed."""
        assert self.crawler.stats is not None
        said = self.crawler.stats.get_value(STOPPED_BECAUSE)
        why = self._write_failed(archive, exc)
        if not said:
            logger.error("%s: failed: %s", self.spider.profile.name, why)

    def _write_failed(self, archive: Archive, exc: BaseException) -> str:
        """Count a refused write and stop the run with it (the first reason is the run's);
        returns the reason: the path and the cause."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("dostcrawler/errors/write")
        why = f"cannot write {getattr(exc, 'filename', None) or archive.path}: {_os_error(exc)}"
        stop_run(self.crawler, why)
        return why


def _os_error(exc: BaseException) -> str:
    """ "No space left on device" rather than "[Errno 28] No space left on device: '...'"."""
    return getattr(exc, "strerror", None) or str(exc)
