"""The pace a site asks for: the Crawl-delay of its robots.txt, kept as the least time between
two requests to it.

Scrapy reads robots.txt for Allow and Disallow only. This extension takes the Crawl-delay for
dostcrawler's user agent from the same parsed file (the `robots_parsed` signal, Scrapy 2.18+)
and makes it the floor of the site's download slot: AutoThrottle may slow the crawl further,
never below it, and the delay's random jitter never takes a request under it. A Crawl-delay
above DOSTCRAWLER_CRAWL_DELAY_MAX is capped (a site asking an hour between pages would take
years to archive), and said. A delay the user chose (`--delay`, `-s DOWNLOAD_DELAY=`) wins over
the file: that is what a local mirror of a site needs.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.core.downloader import Slot
    from scrapy.crawler import Crawler
    from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)
STAT = "dostcrawler/robots/crawl_delay"


class RobotsCrawlDelay:
    """Wait at least the robots.txt Crawl-delay between requests to a site (stats key
    dostcrawler/robots/crawl_delay: the seconds waited)."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY") or not hasattr(signals, "robots_parsed"):
            raise NotConfigured
        self.crawler = crawler
        self.maximum = settings.getfloat("DOSTCRAWLER_CRAWL_DELAY_MAX", 30.0)
        chosen = (settings.getpriority("DOWNLOAD_DELAY") or 0) >= SETTINGS_PRIORITIES["cmdline"]
        self.user_delay = settings.getfloat("DOWNLOAD_DELAY") if chosen else None
        self.user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        self.floors: dict[str, float] = {}  # download slot -> seconds
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(self.keep_floor, signal=signals.request_reached_downloader)
        # Connected after AutoThrottle's (an extension built before this one), which lowers the
        # delay of a fast server on each response.
        crawler.signals.connect(self.keep_floor, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsCrawlDelay:
        return cls(crawler)

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        """Take the site's Crawl-delay as its slot's floor, capped, unless the user chose one."""
        user_agent = request.headers.get(b"User-Agent") or self.user_agent
        asked = robotparser.crawl_delay(user_agent)
        if not asked or asked <= 0:
            return
        host = urlparse_cached(request).netloc
        if self.user_delay is not None:
            logger.info(
                "%s: robots.txt asks a Crawl-delay of %g s; the delay chosen (%g s) overrides it",
                host,
                asked,
                self.user_delay,
            )
            return
        floor = min(asked, self.maximum)
        if floor < asked:
            logger.warning(
                "%s: robots.txt asks a Crawl-delay of %g s; waiting %g s between requests "
                "(DOSTCRAWLER_CRAWL_DELAY_MAX)",
                host,
                asked,
                floor,
            )
        else:
            logger.info("%s: robots.txt asks a Crawl-delay of %g s: waiting as long", host, asked)
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(STAT, floor)
        assert self.crawler.engine is not None
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        self.floors[key] = floor
        if (slot := downloader.slots.get(key)) is not None:
            raise_to_floor(slot, floor)

    def keep_floor(self, request: Request) -> None:
        """Before a request's delay is counted, and after AutoThrottle changed it: not below
        the floor."""
        key = request.meta.get("download_slot")
        if key is None or (floor := self.floors.get(key)) is None:
            return
        assert self.crawler.engine is not None
        if (slot := self.crawler.engine.downloader.slots.get(key)) is not None:
            raise_to_floor(slot, floor)


def raise_to_floor(slot: Slot, floor: float) -> None:
    """Make `floor` seconds the least time between two requests of the slot: its delay at
    least that, and its jitter (± a share of the delay) narrowed so as never to go under it."""
    slot.delay = max(slot.delay, floor)
    if slot.delay * (1 - slot.jitter) < floor:
        slot.jitter = 1 - floor / slot.delay
