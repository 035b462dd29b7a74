"""Scrapy's duplicate filter, telling the spider which article requests it dropped. A second
request for a page already asked for (under another id, before generic mode recognised the
platform; a redirect to a page fetched for another link) loses nothing; a redirect that comes
back to where it started (A -> B -> A) is a loop, and would otherwise lose the article
silently."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter

logger = logging.getLogger(__name__)


class RedirectLoopDupeFilter(RFPDupeFilter):
    """RFPDupeFilter; a filtered article request is accounted for, a loop counted as failed."""

    def log(self, request: Request, spider: Any) -> None:
        if getattr(request.callback, "__name__", "") == "parse_article":
            spider.resolved.add(request.cb_kwargs.get("article_id", ""))
            redirected = request.meta.get("redirect_urls") or []
            if request.url in redirected:  # back where it started: A -> B -> A
                if spider.crawler.stats is not None:
                    spider.crawler.stats.inc_value("dostcrawler/failed/article/redirect_loop")
                logger.warning("article %s failed: its redirects loop", redirected[0])
        super().log(request, spider)
