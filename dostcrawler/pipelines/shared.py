"""One archive connection per crawler, shared by the pipelines that need it."""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from dostcrawler.storage.db import Archive

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_archives: WeakKeyDictionary[Crawler, Archive] = WeakKeyDictionary()


def archive_for(crawler: Crawler) -> Archive:
    """The crawler's archive (DOSTCRAWLER_DB_PATH), opened on first use."""
    if crawler not in _archives:
        _archives[crawler] = Archive(crawler.settings.get("DOSTCRAWLER_DB_PATH"))
    return _archives[crawler]


def release_archive(crawler: Crawler) -> None:
    """Close the crawler's archive."""
    archive = _archives.pop(crawler, None)
    if archive is not None:
        archive.close()
