"""Scrapy settings: polite, archival defaults.

Tuning knobs read the environment (DOSTCRAWLER_*) so a scheduler can change them without code.
"""

from __future__ import annotations

import os

from dostcrawler import __version__

BOT_NAME = "dostcrawler"
SPIDER_MODULES = ["dostcrawler.spiders"]
NEWSPIDER_MODULE = "dostcrawler.spiders"

USER_AGENT = (
    f"dostcrawler/{__version__} (+https://github.com/dostcrawler/dostcrawler; "
    "archival crawler for public DOST news)"
)
ROBOTSTXT_OBEY = True
# robots.txt's Crawl-delay is the least delay between requests (dostcrawler.politeness), up to
# this many seconds; --delay overrides it.
DOSTCRAWLER_CRAWL_DELAY_MAX = float(os.getenv("DOSTCRAWLER_CRAWL_DELAY_MAX", "30.0"))
# A redirect loop that the duplicate filter ends is a failed article, said and counted.
DUPEFILTER_CLASS = "dostcrawler.dupefilter.RedirectLoopDupeFilter"

# Politeness: these are old, slow government servers. At most 2 requests in flight per site.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = float(os.getenv("DOSTCRAWLER_DOWNLOAD_DELAY", "1.0"))
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = float(os.getenv("DOSTCRAWLER_AUTOTHROTTLE_START_DELAY", "2.0"))
AUTOTHROTTLE_MAX_DELAY = float(os.getenv("DOSTCRAWLER_AUTOTHROTTLE_MAX_DELAY", "30.0"))
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = float(os.getenv("DOSTCRAWLER_DOWNLOAD_TIMEOUT", "60"))
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Exponential backoff between retries: 2 s, 4 s, 8 s ... (dostcrawler.middlewares).
DOSTCRAWLER_RETRY_BACKOFF_BASE = float(os.getenv("DOSTCRAWLER_RETRY_BACKOFF_BASE", "2.0"))
DOSTCRAWLER_RETRY_BACKOFF_MAX = 120.0

REDIRECT_ENABLED = True
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# An item is one line in the log (its URL and what happened), never its whole record.
LOG_FORMATTER = "dostcrawler.logs.ItemLogFormatter"
EXTENSIONS = {
    # A live line per site on a terminal stderr (off under cron, Scrapyd, pipes; 0 turns it off).
    "dostcrawler.progress.CrawlProgress": 600,
    # After AutoThrottle (0), whose delay it keeps at or above robots.txt's Crawl-delay.
    "dostcrawler.politeness.RobotsCrawlDelay": 100,
}
# Scrapy's remote control (2.19, on by default) starts an HTTP server on 127.0.0.1 that runs
# Python sent to it, and writes a job file for it, in every crawl: a scheduled archival run
# has no use for either.
REMOTE_CONTROL_ENABLED = False
DOSTCRAWLER_PROGRESS = os.getenv("DOSTCRAWLER_PROGRESS", "1") not in ("0", "false", "no")

FEED_EXPORT_ENCODING = "utf-8"
# Scrapy's check for a callback generator that returns a value re-reads and parses the
# callback's source on every response (its cache is keyed by the bound method, a new object
# each time): about half a millisecond a page. tests/test_scrapy_project.py runs the same check
# on every callback once.
WARN_ON_GENERATOR_RETURN_VALUE = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

DOWNLOADER_MIDDLEWARES = {
    # Replaces Scrapy's retry middleware with one that waits longer before each new try.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "dostcrawler.middlewares.BackoffRetryMiddleware": 550,
    # A download cut at DOWNLOAD_MAXSIZE is failed as too large, not as "cancelled".
    "dostcrawler.middlewares.TooLargeMiddleware": 560,
    # After decompression (590 runs first on the way back): it reads the decoded body.
    "dostcrawler.middlewares.VietnameseCharsetMiddleware": 580,
    # Next to the downloader: it records the bytes exactly as the server sent them.
    "dostcrawler.capture.middleware.WarcCaptureMiddleware": 950,
}

ITEM_PIPELINES = {
    "dostcrawler.pipelines.NormalizePipeline": 100,
    "dostcrawler.pipelines.ValidatePipeline": 200,
    "dostcrawler.pipelines.DedupPipeline": 300,
    "dostcrawler.pipelines.StorePipeline": 400,
}

# Raw captures: every response as WARC records (exports/warc/<site>/<run>.warc.gz + .cdxj).
DOSTCRAWLER_WARC = os.getenv("DOSTCRAWLER_WARC", "1") not in ("0", "false", "no")

# Download attachments (PDF, DOC(X), XLS(X), ZIP...) into exports/files/ (content-addressed).
DOSTCRAWLER_ATTACHMENTS = os.getenv("DOSTCRAWLER_ATTACHMENTS", "1") not in ("0", "false", "no")

# Where the archive and exports go.
DOSTCRAWLER_EXPORT_DIR = os.getenv("DOSTCRAWLER_EXPORT_DIR", "exports")
DOSTCRAWLER_DB_PATH = os.getenv(
    "DOSTCRAWLER_DB_PATH", os.path.join(DOSTCRAWLER_EXPORT_DIR, "archive.sqlite")
)
