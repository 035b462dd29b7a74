"""Validate: an item without what makes it an article is dropped, with the reason counted."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from dostcrawler.items import Article

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def drop_reason(item: Article) -> str | None:
    """Why this item is not an article, or None when it is one."""
    if not item.url:
        return "missing url"
    if not item.title:
        return "missing title"
    if not item.body and not item.attachments:
        return "no body text and no attachments"
    return None


class ValidatePipeline:
    """Drop items that are not articles; stats key dostcrawler/dropped/<reason>."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        """Pass a valid article on, or drop it and count why."""
        if not isinstance(item, Article):
            return item
        reason = drop_reason(item)
        if reason is None:
            return item
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"dostcrawler/dropped/{reason}")
        logger.warning("dropped %s: %s", item.url, reason)
        raise DropItem(f"{reason}: {item.url}", log_level="INFO")
