"""One spider class per bundled profile, so `scrapy list` and `scrapy crawl <site>` work."""

from __future__ import annotations

from dostcrawler.profiles import all_sites
from dostcrawler.spiders.news import NewsSpider, spider_class

SITE_SPIDERS = {profile.name: spider_class(profile, __name__) for profile in all_sites()}
globals().update({cls.__name__: cls for cls in SITE_SPIDERS.values()})

__all__ = ["SITE_SPIDERS", "NewsSpider", "spider_class"]
