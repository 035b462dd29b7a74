"""The crawl benchmark's anchor: the least a Scrapy spider does to crawl tests/benchsite.py.

It knows the site's markup (no discovery, no extraction beyond the headline, no storage but
Scrapy's feed export), so its cost per page is Scrapy's own: download, parse, follow, yield.
Run by tests/bench_crawl.py as
`python -m scrapy runspider tests/bench_follower.py -a start_url=URL -O items.jsonl`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse


class FollowerSpider(scrapy.Spider):
    """Listing pages -> their articles and the next listing page; articles -> {url, title}."""

    name = "bench_follower"

    def __init__(self, start_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_url = start_url

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.start_url, callback=self.parse_listing)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow every entry's headline link and "Trang sau"."""
        assert isinstance(response, TextResponse)  # the site serves only HTML
        yield from response.follow_all(css=".item-news h3 a", callback=self.parse_article)
        yield from response.follow_all(css=".phantrang a.next", callback=self.parse_listing)

    def parse_article(self, response: Response) -> Iterator[dict[str, str | None]]:
        """One item per article page."""
        assert isinstance(response, TextResponse)
        yield {"url": response.url, "title": response.css("h1::text").get()}
