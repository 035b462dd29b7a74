"""Downloader middlewares: retries that back off instead of hammering a struggling server,
pages decoded with the charset their bytes are in, and downloads cut at the size limit named."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.task import deferLater

from dostcrawler.encoding import choose_charset

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

RETRY_DELAY_KEY = "dostcrawler_retry_delay"
logger = logging.getLogger(__name__)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry policy, waiting base ** attempt seconds before each retry."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.backoff_base = crawler.settings.getfloat("DOSTCRAWLER_RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = crawler.settings.getfloat("DOSTCRAWLER_RETRY_BACKOFF_MAX", 120.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        return cls(crawler)

    def _retry(self, request: Request, reason: Any) -> Request | None:
        retry = super()._retry(request, reason)
        if retry is not None:
            attempt = int(retry.meta.get("retry_times", 1))
            retry.meta[RETRY_DELAY_KEY] = min(self.backoff_base**attempt, self.backoff_max)
        return retry

    async def process_request(self, request: Request, spider: Any = None) -> None:
        """Wait out the backoff delay of a retried request before it is downloaded."""
        delay = float(request.meta.pop(RETRY_DELAY_KEY, 0.0))
        if delay > 0:
            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))


class VietnameseCharsetMiddleware:
    """Decode each HTML page with the charset its bytes are in (see encoding.py): undeclared
    non-UTF-8 pages as windows-1258, and a declaration the bytes contradict overruled, counted
    (`dostcrawler/charset/overruled`) and said in the log."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> VietnameseCharsetMiddleware:
        return cls(crawler)

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        """The same response, with its encoding fixed where it was guessed or wrong."""
        if not isinstance(response, HtmlResponse):
            return response
        content_type = response.headers.get("Content-Type")
        choice = choose_charset(
            content_type.decode("latin-1") if content_type else None, response.body
        )
        if choice.overruled:
            logger.warning("%s: %s; read as %s", response.url, choice.overruled, choice.encoding)
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("dostcrawler/charset/overruled")
        return response.replace(encoding=choice.encoding) if choice.encoding else response


class TooLargeMiddleware:
    """A download cancelled past DOWNLOAD_MAXSIZE, said as such. Scrapy cancels a download only
    when its body outgrows the limit (the warning says so), and, when no Content-Length
    announced it (a streamed body), raises a DownloadCancelledError with no message; this makes
    it an IgnoreRequest naming the limit, which the spider counts as `too_large`, as it counts
    a gzip bomb refused by the decompression middleware."""

    def __init__(self, crawler: Crawler) -> None:
        self.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TooLargeMiddleware:
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        """Name the limit a cancelled download went past."""
        if isinstance(exception, DownloadCancelledError):
            limit = request.meta.get("download_maxsize", self.maxsize)
            raise IgnoreRequest(f"cancelled past DOWNLOAD_MAXSIZE ({limit} bytes)") from exception
