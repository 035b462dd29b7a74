"""What a crawl's log says: the lines a person may act on, one line each.

Levels, as `dostcrawler crawl` sets them (`LOG_LEVEL` is the handler's level):

- default (no option): dostcrawler's own lines from INFO (a page that failed, an item dropped,
  the files written), Scrapy's from WARNING; no settings dump, no lists of enabled components,
  no stats dump, no deprecation warnings.
- `--log-level LEVEL`: Scrapy's log as `scrapy crawl` prints it, at LEVEL, everything included;
  `-q` is `--log-level ERROR`, `-v` is `--log-level INFO`, `-vv` is `--log-level DEBUG`.

At every level an item is one line (`ItemLogFormatter`), never its whole record.
"""

from __future__ import annotations

import logging
import warnings
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.logformatter import LogFormatter

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.http import Response
    from twisted.python.failure import Failure

# Said at every level but -q: a Ctrl-C is acknowledged before the crawl winds down.
SHUTDOWN_MESSAGES = ("Received %(signame)s",)


class ItemLogFormatter(LogFormatter):
    """Scrapy's item lines without the item: the article's URL and what happened to it."""

    def scraped(self, item: Any, response: Response | Failure | None, spider: Spider) -> Any:
        """ "Scraped <url>" (DEBUG), not the record's every field."""
        return {"level": logging.DEBUG, "msg": "Scraped %(url)s", "args": {"url": _url(item)}}

    def dropped(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> Any:
        """ "Dropped <url>: <reason>", at the level the pipeline asked for."""
        result = super().dropped(item, exception, response, spider)
        url = _url(item)
        reason = str(exception).removesuffix(f": {url}")  # the pipelines end it with the URL
        return {
            **result,
            "msg": "Dropped %(url)s: %(reason)s",
            "args": {"url": url, "reason": reason},
        }

    def item_error(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> Any:
        """ "Error processing <url>" (the traceback follows), not the record's every field."""
        result = super().item_error(item, exception, response, spider)
        return {**result, "msg": "Error processing %(url)s", "args": {"url": _url(item)}}


def _url(item: Any) -> str:
    try:
        return str(ItemAdapter(item).get("url") or type(item).__name__)
    except TypeError:  # not an item type ItemAdapter knows
        return type(item).__name__


class MinimumLevel(logging.Filter):
    """Pass records at `level` and above, and those whose message starts with `keep`."""

    def __init__(self, level: int, keep: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.level, self.keep = level, keep

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level or str(record.msg).startswith(self.keep)


def handler_level(log_level: str | None) -> str:
    """Scrapy's LOG_LEVEL for this run: --log-level's, or INFO by default."""
    return log_level or "INFO"


def before_scrapy_starts(log_level: str | None) -> None:
    """Call before creating the CrawlerProcess. Deprecation warnings are for developers (-v);
    by default Scrapy's start banner (version list) is not said: it is logged while the process
    configures logging, which resets logger levels, so a filter holds it back."""
    if log_level not in ("INFO", "DEBUG"):
        warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning)
        warnings.filterwarnings("ignore", category=DeprecationWarning)
    banner = logging.getLogger("scrapy.utils.log")
    for old in [f for f in banner.filters if isinstance(f, MinimumLevel)]:
        banner.removeFilter(old)
    if log_level is None:
        banner.addFilter(MinimumLevel(logging.WARNING))


def after_scrapy_starts(log_level: str | None) -> None:
    """Call once the CrawlerProcess exists: by default Scrapy's own loggers say warnings and
    errors only (and a Ctrl-C being acted on); dostcrawler's say INFO and up."""
    scrapy_logger, crawler_logger = logging.getLogger("scrapy"), logging.getLogger("scrapy.crawler")
    for old in [f for f in crawler_logger.filters if isinstance(f, MinimumLevel)]:
        crawler_logger.removeFilter(old)
    if log_level is not None:
        scrapy_logger.setLevel(logging.DEBUG)  # Scrapy's own default; the handler's level rules
        crawler_logger.setLevel(logging.NOTSET)
        return
    scrapy_logger.setLevel(logging.WARNING)
    crawler_logger.setLevel(logging.INFO)
    crawler_logger.addFilter(MinimumLevel(logging.WARNING, keep=SHUTDOWN_MESSAGES))
