"""Downloader middleware: every response the crawl receives goes into the run's WARC file.

It sits next to the downloader (priority 950), so it sees the bytes as the server sent them,
before decompression. A payload identical to an earlier capture of the same URL becomes a
revisit record. robots.txt, listings, articles and attachments are all captured.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest

from dostcrawler.capture.cdxj import cdxj_path, write_cdxj
from dostcrawler.capture.warc import Capture, WarcFile, payload_digest
from dostcrawler.pipelines.shared import archive_for, run_for, stop_run

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)
WARC_META_KEY = "dostcrawler_warc"


def _headers(headers: Any) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


class WarcCaptureMiddleware:
    """Write request/response (or revisit) records; DOSTCRAWLER_WARC = False turns it off."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.enabled = crawler.settings.getbool("DOSTCRAWLER_WARC", True)
        self.export_dir = Path(crawler.settings.get("DOSTCRAWLER_EXPORT_DIR"))
        self.file: WarcFile | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def _file(self) -> WarcFile:
        if self.file is None:
            run = run_for(self.crawler)
            path = self.export_dir / "warc" / run.site / f"{run.stem}.warc.gz"
            self.file = WarcFile(path, operator=f"dostcrawler crawl of {run.site}")
        return self.file

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        """Capture the exchange, and tell the spider where its record lies."""
        if not self.enabled or not response.url.startswith("http"):
            return response  # a data: URL the spider made itself: nothing a server sent
        run = run_for(self.crawler)
        archive = archive_for(self.crawler)
        body = response.body
        # The record names the site's own address; a mirror's goes in WARC-Source-URI.
        site_url = getattr(self.crawler.spider, "site_url", lambda url: url)
        url = site_url(response.url)
        earlier = archive.find_capture(url, payload_digest(body))
        try:
            capture = self._capture(request, response, site_url, earlier)
        except OSError as exc:
            # A full or read-only disk: an archival crawl without its captures stops, failed.
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("dostcrawler/errors/warc")
            cause = getattr(exc, "strerror", None) or str(exc)
            why = f"cannot write {getattr(exc, 'filename', None) or self._file().path}: {cause}"
            logger.error("%s (capturing %s)", why, url)
            stop_run(self.crawler, why)
            raise IgnoreRequest(why) from None
        archive.add_capture(capture, run.crawl_id, run.site)
        request.meta[WARC_META_KEY] = capture.pointer()
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"dostcrawler/warc/{capture.record_type}")
        return response

    def _capture(
        self,
        request: Request,
        response: Response,
        site_url: Callable[[str], str],
        earlier: Capture | None,
    ) -> Capture:
        url = site_url(response.url)
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        return self._file().write_exchange(
            url=url,
            source_url=response.url if url != response.url else None,
            method=request.method,
            # The Referer names the page that linked this one: the site's address, not the
            # mirror's, like every other URL in the record.
            request_headers=[
                (name, site_url(value) if name.lower() == "referer" else value)
                for name, value in _headers(request.headers)
            ],
            request_body=request.body,
            status=response.status,
            reason=reason,
            response_headers=_headers(response.headers),
            body=response.body,
            revisit_of=earlier,
        )

    def spider_closed(self, spider: Spider) -> None:
        """Close the WARC file and index it (CDXJ beside it), with any file of an earlier run
        that was killed before it could index its own."""
        if self.file is None:
            return
        self.file.close()
        for warc in sorted(self.file.path.parent.glob("*.warc.gz")):
            if warc == self.file.path or not cdxj_path(warc).exists():
                try:
                    index = write_cdxj(warc)
                except Exception as exc:  # a damaged file must not fail the run that found it
                    logger.warning("cannot index %s: %s: %s", warc, type(exc).__name__, exc)
                else:
                    logger.info("WARC %s, index %s", warc, index)
