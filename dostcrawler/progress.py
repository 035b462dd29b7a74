"""A live progress line per site on a terminal (rich), and nothing at all anywhere else.

On a terminal stderr (rich's `Console(stderr=True).is_terminal`), each site crawled by the
process gets one line: the article pages done out of those queued (the bar, and an ETA once
articles are queued), listing pages read, articles new, known and failed, errors and the rate.
Log lines print above the bars. Under cron, Scrapyd, a pipe or a file the extension is off.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Column
from rich.text import Text
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.log import get_scrapy_root_handler

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler


def _total(stats: dict[str, Any], prefix: str) -> int:
    return sum(int(v) for k, v in stats.items() if k.startswith(prefix))


def articles_done(stats: dict[str, Any]) -> int:
    """Article pages requested that came back (HTML or not) or failed for good."""
    return (
        int(stats.get("dostcrawler/pages/article", 0))
        + int(stats.get("dostcrawler/skipped/non_html_article", 0))
        + _total(stats, "dostcrawler/failed/article/")
    )


def progress_text(stats: dict[str, Any], *, errors: int, pages_per_minute: float) -> str:
    """The counters of one site's line, the articles' first: "new 13 · known 0 · ..."."""
    known = int(stats.get("dostcrawler/skipped/known_article", 0)) + int(
        stats.get("dostcrawler/articles/unchanged", 0)
    )
    parts = [f"new {int(stats.get('dostcrawler/articles/new', 0))}"]
    if updated := int(stats.get("dostcrawler/articles/updated", 0)):
        parts.append(f"updated {updated}")
    parts += [
        f"known {known}",
        f"failed {_total(stats, 'dostcrawler/failed/article/')}",
        f"errors {errors}",
        f"listing pages {int(stats.get('dostcrawler/pages/listing', 0))}",
        f"{pages_per_minute:.0f} pages/min",
    ]
    return " · ".join(parts)


class _AboveTheBars:
    """The log handler's stream while the bars are live: each line printed above them, left
    for the terminal to wrap (a URL stays one line when copied)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.pending = ""

    def write(self, text: str) -> int:
        *lines, self.pending = (self.pending + text).split("\n")
        for line in lines:
            self.console.print(Text.from_ansi(line), soft_wrap=True)
        return len(text)

    def flush(self) -> None:
        """Lines are printed as they end; nothing is held but an unfinished one."""


class _Board:
    """The one live display of this process, a line per site (crawlers run side by side)."""

    def __init__(self, console: Console) -> None:
        # On a narrow terminal the counters are cut short (…), never the site's name or bar.
        self.progress = Progress(
            TextColumn("{task.description}", markup=False, table_column=Column(no_wrap=True)),
            BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TextColumn("articles"),
            TimeRemainingColumn(),
            TextColumn(
                "{task.fields[counts]}",
                markup=False,
                table_column=Column(no_wrap=True, overflow="ellipsis", ratio=1),
            ),
            console=console,
            expand=True,
            transient=True,
            redirect_stdout=False,
            refresh_per_second=4,
        )
        self.open = 0
        self.handler: logging.StreamHandler[TextIO] | None = None
        self.stream: TextIO | None = None

    def add(self, site: str) -> TaskID:
        """A line for one more site; the display starts with the first."""
        if self.open == 0:
            self.progress.start()
            self._log_above()
        self.open += 1
        return self.progress.add_task(site, total=None, counts="starting")

    def close(self, task: TaskID) -> None:
        """One site is done; the display goes (and the log writes on) with the last."""
        self.progress.stop_task(task)
        self.open -= 1
        if self.open == 0:
            self.stop()

    def stop(self) -> None:
        """Take the display down and give the log its stream back."""
        self.open = 0
        if self.handler is not None and self.stream is not None:
            self.handler.setStream(self.stream)
        self.handler = self.stream = None
        self.progress.stop()

    def _log_above(self) -> None:
        handler = get_scrapy_root_handler()
        if isinstance(handler, logging.StreamHandler) and not isinstance(
            handler, logging.FileHandler
        ):
            self.handler = handler
            self.stream = handler.setStream(_AboveTheBars(self.progress.console))


_board: _Board | None = None


def _shared_board(console: Console) -> _Board:
    global _board  # one display per process, shared by its crawlers
    if _board is None or _board.open == 0:
        _board = _Board(console)
    return _board


class CrawlProgress:
    """Scrapy extension: keeps this crawler's line of the display up to date."""

    def __init__(self, crawler: Crawler, console: Console) -> None:
        self.crawler = crawler
        self.console = console
        self.board: _Board | None = None
        self.task: TaskID | None = None
        self.started = time.monotonic()
        self.pages = 0
        self.errors = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        console = Console(stderr=True)
        if not crawler.settings.getbool("DOSTCRAWLER_PROGRESS", True) or not console.is_terminal:
            raise NotConfigured  # no message: Scrapy would warn "Disabled" on every cron run
        extension = cls(crawler, console)
        connect = crawler.signals.connect
        connect(extension.spider_opened, signal=signals.spider_opened)
        connect(extension.spider_closed, signal=signals.spider_closed)
        connect(extension.engine_stopped, signal=signals.engine_stopped)
        connect(extension.response_received, signal=signals.response_received)
        connect(extension.spider_error, signal=signals.spider_error)
        for signal in (
            signals.request_reached_downloader,
            signals.item_scraped,
            signals.item_dropped,
        ):
            connect(extension.update, signal=signal)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.board = _shared_board(self.console)
        self.task = self.board.add(spider.name)
        self.started = time.monotonic()

    def response_received(self) -> None:
        self.pages += 1
        self.update()

    def spider_error(self) -> None:
        self.errors += 1
        self.update()

    def update(self) -> None:
        """Redraw this site's line from the crawler's stats."""
        if self.board is None or self.task is None or self.crawler.stats is None:
            return
        stats = self.crawler.stats.get_stats()
        # Article pages requested: the spider's own account (NewsSpider.fetching).
        queued = len(getattr(self.crawler.spider, "fetching", ()))
        done = articles_done(stats)
        minutes = max(time.monotonic() - self.started, 1.0) / 60
        errors = (
            self.errors
            + _total(stats, "dostcrawler/errors/")
            + _total(stats, "dostcrawler/failed/listing/")
        )
        self.board.progress.update(
            self.task,
            total=max(queued, done) or None,
            completed=done,
            counts=progress_text(stats, errors=errors, pages_per_minute=self.pages / minutes),
        )

    def spider_closed(self) -> None:
        self.update()
        if self.board is not None and self.task is not None:
            self.board.close(self.task)
        self.board = self.task = None

    def engine_stopped(self) -> None:
        """A forced stop (a second Ctrl-C) skips spider_closed: never leave the terminal
        with a hidden cursor and the log writing into a dead display."""
        if self.board is not None:
            self.board.stop()
            self.board = self.task = None
