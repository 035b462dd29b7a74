"""Dedup: one real article is one row.

URL aliases are already folded by the spider (platform rules, before requesting). Here the same
site's same content under another id becomes an alias URL of the article first stored.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from dostcrawler.items import Article
from dostcrawler.pipelines.shared import archive_for

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class DedupPipeline:
    """Merge same-site duplicates; stats key dostcrawler/articles/merged."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.seen_ids: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        """Pass on the first copy; fold later copies into it as alias URLs."""
        if not isinstance(item, Article):
            return item
        assert item.id is not None and item.content_hash is not None
        archive = archive_for(self.crawler)
        stats = self.crawler.stats
        assert stats is not None
        if item.id in self.seen_ids:
            stats.inc_value("dostcrawler/articles/merged")
            archive.add_aliases(item.id, [item.url])
            raise DropItem(f"already stored in this run: {item.url}", log_level="DEBUG")
        original = archive.find_same_content(item.site, item.content_hash, item.id)
        if original is not None:
            stats.inc_value("dostcrawler/articles/merged")
            archive.add_aliases(original, [item.url, *item.alias_urls])
            logger.info("%s has the same content as %s: kept as an alias", item.url, original)
            raise DropItem(f"same content as {original}: {item.url}", log_level="INFO")
        self.seen_ids.add(item.id)
        return item
