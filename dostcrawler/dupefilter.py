"""Scrapy's duplicate filter, which also says when it is what ends an article's redirect loop
(A -> B -> A: the second A is a duplicate), which would otherwise lose the article silently."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter

logger = logging.getLogger(__name__)


class RedirectLoopDupeFilter(RFPDupeFilter):
    """RFPDupeFilter; a filtered redirect of an article page counts as a failed article."""

    def log(self, request: Request, spider: Any) -> None:
        redirected = request.meta.get("redirect_urls")
        if redirected and getattr(request.callback, "__name__", "") == "parse_article":
            spider.resolved.add(request.cb_kwargs.get("article_id", ""))
            if spider.crawler.stats is not None:
                spider.crawler.stats.inc_value("dostcrawler/failed/article/redirect_loop")
            logger.warning("article %s failed: its redirects loop", redirected[0])
        super().log(request, spider)
