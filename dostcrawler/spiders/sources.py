"""The listing sources other than HTML pages: RSS/Atom feeds, sitemaps, a JSON listing API.

A mixin of NewsSpider: each callback reads its entries (spiders.listings) and hands them to
the spider's `_article_requests`, the same path an HTML listing's entries take.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import scrapy
from parsel import Selector
from scrapy.http import Response, TextResponse

from dostcrawler.platforms import Platform
from dostcrawler.profiles import SiteProfile
from dostcrawler.spiders import listings

if TYPE_CHECKING:
    from twisted.python.failure import Failure


class ListingSources:
    """Feeds, sitemaps and listing APIs as sources of article requests."""

    profile: SiteProfile
    platform: Platform

    if TYPE_CHECKING:  # NewsSpider's, which this mixin is part of

        def _count(self, key: str) -> None: ...
        def _local(self, url: str) -> str: ...
        def listing_failed(self, failure: Failure) -> None: ...
        def _keep_paging(self, entries: list[listings.Entry], fresh: int, url: str) -> bool: ...
        def _article_requests(
            self, entries: list[listings.Entry], listing_url: str, previous: str | None = None
        ) -> Generator[scrapy.Request, None, int]: ...

    def parse_feed(self, response: Response, page: int) -> Iterator[scrapy.Request]:
        """Request every article of an RSS or Atom feed."""
        self._count("pages/listing")
        if not isinstance(response, TextResponse):
            return
        feed = Selector(text=response.text, type="xml")
        yield from self._article_requests(listings.feed_entries(feed), response.url)

    def parse_sitemap(self, response: Response, page: int) -> Iterator[scrapy.Request]:
        """Request the articles of a sitemap, and the sitemaps of a sitemap index."""
        self._count("pages/listing")
        if not isinstance(response, TextResponse):
            return
        sitemap = Selector(text=response.text, type="xml")
        entries, children = listings.sitemap_entries(sitemap, self.platform)
        yield from self._article_requests(entries, response.url)
        for url in children:
            yield scrapy.Request(
                self._local(url),
                callback=self.parse_sitemap,
                cb_kwargs={"page": 1},
                errback=self.listing_failed,
            )

    def _api_request(self, start: int) -> scrapy.Request:
        rules = self.profile.listing
        return scrapy.FormRequest(
            self._local(rules.api_url),
            formdata=listings.api_form(rules, start),
            callback=self.parse_api,
            cb_kwargs={"start": start},
            dont_filter=True,
            errback=self.listing_failed,
        )

    def parse_api(self, response: Response, start: int) -> Iterator[scrapy.Request]:
        """Request the articles of one page of a JSON listing API, then the next page."""
        self._count("pages/listing")
        rules = self.profile.listing
        entries, next_start = listings.api_entries(response.text, rules, start)
        origin = self.profile.start_urls[0] if self.profile.start_urls else response.url
        located = [listings.Entry(urljoin(origin, e.url), e.hint) for e in entries]
        fresh = yield from self._article_requests(located, response.url)
        if not self._keep_paging(located, fresh, response.url):
            return
        if next_start is not None and next_start // rules.api_page_size < rules.max_pages:
            yield self._api_request(next_start)
