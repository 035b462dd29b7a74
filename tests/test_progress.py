"""Logs and progress that respect people: a live line per site on a terminal and nothing of it
elsewhere; a default log of a few lines, each an event (no settings dump, no item records, no
deprecation warnings); -q for errors and the summary, -v for Scrapy's own lines; `stats` as
JSON."""

from __future__ import annotations

import json
import logging
import os
import pty
import re
import select
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from scrapy import Spider
from scrapy.exceptions import DropItem

from dostcrawler.cli import cli
from dostcrawler.crawl import CrawlResult
from dostcrawler.demo.server import SiteServer, serve_site
from dostcrawler.items import Article
from dostcrawler.logs import ItemLogFormatter
from dostcrawler.progress import progress_text
from tests.conftest import ROOT, Crawled
from tests.sitefixtures import SITES_DIR

SITE = "vinhphuc"
DROPPED = "https://sokhcn.vinhphuc.gov.vn/noidung/tintuc/Lists/TinTucHoatDong/View_Detail.aspx?ItemID=1039"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# What rich's Console.is_terminal would obey instead of the file it writes to.
TERMINAL_OVERRIDES = ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR")


def _env() -> dict[str, str]:
    # COLUMNS too: pytest-xdist workers set it, and rich would believe it over the terminal.
    env = {k: v for k, v in os.environ.items() if k not in (*TERMINAL_OVERRIDES, "COLUMNS")}
    return {**env, "PYTHONPATH": str(ROOT)}


def _crawl_args(server: SiteServer, workdir: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "dostcrawler", "crawl", SITE, *extra, "--origin", server.origin,
        "--db", str(workdir / "archive.sqlite"), "--export-dir", str(workdir), "--delay", "0",
    ]  # fmt: skip


def _crawl(server: SiteServer, workdir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        _crawl_args(server, workdir, *extra),
        capture_output=True, text=True, encoding="utf-8", env=_env(), timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def server() -> Iterator[SiteServer]:
    with serve_site(SITES_DIR / SITE) as served:
        yield served


@pytest.fixture(scope="module")
def quiet_then_verbose(
    server: SiteServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """A first crawl with -q, then a second (incremental) one with -v, into one archive."""
    workdir = tmp_path_factory.mktemp("quiet-verbose")
    return _crawl(server, workdir, "-q"), _crawl(server, workdir, "-v")


# The default level -------------------------------------------------------------------------


def test_the_default_log_is_five_lines_each_an_event(crawl_twice: Callable[[str], Crawled]) -> None:
    log = crawl_twice(SITE).runs[0].stderr
    lines = log.splitlines()
    assert len(lines) == 5, log
    loggers = [re.search(r"\[([\w.]+)\] (\w+):", line) for line in lines[:3]]
    assert [(m[1], m[2]) for m in loggers if m] == [
        ("dostcrawler.pipelines.validate", "WARNING"),
        ("dostcrawler.pipelines.store", "INFO"),
        ("dostcrawler.capture.middleware", "INFO"),
    ]
    assert lines[3].startswith(f"{SITE}: finished; articles new 13, updated 0, unchanged 0")
    for noise in (
        "Overridden settings",
        "Enabled item pipelines",
        "Enabled extensions",
        "Scrapy 2.",  # the start banner and its version list
        "Dumping Scrapy stats",
        "Article(",  # an item's repr
        "body=",
        "'body':",
        "DeprecationWarning",
        "Warning:",
    ):
        assert noise not in log, noise


def test_a_dropped_item_is_one_line_naming_its_url_and_reason(
    crawl_twice: Callable[[str], Crawled],
) -> None:
    log = crawl_twice(SITE).runs[0].stderr
    (line,) = [line for line in log.splitlines() if TIMESTAMP.match(line) and "ropped" in line]
    assert line.endswith(f"dropped {DROPPED}: no body text and no attachments")


def test_no_progress_when_stderr_is_a_pipe(crawl_twice: Callable[[str], Crawled]) -> None:
    for run in crawl_twice(SITE).runs:
        assert "pages/min" not in run.stderr and "━" not in run.stderr
        assert "\x1b[" not in run.stderr  # no cursor movement either


def test_the_summary_says_every_number(crawl_twice: Callable[[str], Crawled]) -> None:
    first, second, full = (run.stderr.splitlines()[-2:] for run in crawl_twice(SITE).runs)
    # The one low-confidence page (the deleted article's error page) is dropped, not stored.
    assert first[0] == (
        f"{SITE}: finished; articles new 13, updated 0, unchanged 0, skipped as known 0, "
        "merged as aliases 0, low confidence 0"
    )
    # robots.txt, 3 listing pages, 14 article pages, 2 attachments
    assert re.fullmatch(
        r"  pages 20 \(listing 3, article 14\), 40\d\.\d KiB in \d+\.\d s; "
        r"dropped 1 × no body text and no attachments; HTTP errors none; "
        rf"JSONL \S+/jsonl/{SITE}/\S+\.jsonl",
        first[1],
    ), first[1]
    # Nothing new: the first listing page lists only known articles.
    assert second[0].endswith("articles new 0, updated 0, unchanged 0, skipped as known 5, "
                              "merged as aliases 0, low confidence 0")  # fmt: skip
    assert second[1].startswith("  pages 2 (listing 1, article 0), ")
    assert "articles new 0, updated 0, unchanged 13, skipped as known 0" in full[0]


# -q and -v ---------------------------------------------------------------------------------


def test_quiet_prints_the_summary_only(
    quiet_then_verbose: tuple[subprocess.CompletedProcess[str], ...],
) -> None:
    lines = quiet_then_verbose[0].stderr.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"{SITE}: finished; articles new 13,")
    assert lines[1].startswith("  pages 20 (listing 3, article 14)")


def test_verbose_shows_scrapys_info_lines_but_never_an_item(
    quiet_then_verbose: tuple[subprocess.CompletedProcess[str], ...],
) -> None:
    log = quiet_then_verbose[1].stderr
    for line in (
        "[scrapy.utils.log] INFO: Scrapy 2.",
        "[scrapy.crawler] INFO: Overridden settings:",
        "[scrapy.middleware] INFO: Enabled item pipelines:",
        "[scrapy.core.engine] INFO: Spider opened",
        "[scrapy.statscollectors] INFO: Dumping Scrapy stats:",
    ):
        assert line in log, line
    assert "Article(" not in log and "body=" not in log
    assert log.splitlines()[-2].startswith(f"{SITE}: finished; articles new 0,")


def test_quiet_and_verbose_together_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["crawl", SITE, "-q", "-v"])
    assert result.exit_code == 2 and "contradict" in result.output


def test_the_item_formatter_writes_one_line() -> None:
    formatter, spider = ItemLogFormatter(), Spider("x")
    item = Article(id="x:1", site="x", url="https://x.gov.vn/a?id=1", title="T", body="B" * 500)
    drop = DropItem("missing title: https://x.gov.vn/a?id=1", log_level="INFO")
    dropped = formatter.dropped(item, drop, None, spider)
    assert dropped["level"] == logging.INFO
    assert dropped["msg"] % dropped["args"] == "Dropped https://x.gov.vn/a?id=1: missing title"
    scraped = formatter.scraped(item, None, spider)
    assert scraped["msg"] % scraped["args"] == "Scraped https://x.gov.vn/a?id=1"


# The progress line ------------------------------------------------------------------------


def _run_in_terminal(args: list[str], columns: int = 200) -> tuple[int, str]:
    """Run `args` with stderr on a pseudo-terminal; its exit code and what the terminal got,
    with the escape sequences removed."""
    leader, follower = pty.openpty()
    termios.tcsetwinsize(follower, (40, columns))
    process = subprocess.Popen(
        args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower,
        env={**_env(), "TERM": "xterm-256color"},
    )  # fmt: skip
    os.close(follower)
    received = b""
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if select.select([leader], [], [], 0.5)[0]:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # EIO: every holder of the terminal's other end is gone
                    break
                if not chunk:
                    break
                received += chunk
            elif process.poll() is not None:
                break
    finally:
        os.close(leader)
        code = process.wait(timeout=30)
    return code, ANSI.sub("", received.decode("utf-8", "replace"))


def test_a_terminal_gets_a_live_line_per_site(server: SiteServer, tmp_path: Path) -> None:
    code, screen = _run_in_terminal(_crawl_args(server, tmp_path))
    assert code == 0, screen[-3000:]
    # The last frame: every queued article page done, the counters as the summary has them.
    assert re.search(
        rf"{SITE} ━{{20}} 14/14 articles \d:\d\d:\d\d new 13 · known 0 · failed 0 · errors 0 · "
        r"listing pages 3 · \d+ pages/min",
        screen,
    ), screen[-3000:]
    # The log goes on above the line, and the summary comes after it.
    assert f"dropped {DROPPED}: no body text and no attachments" in screen
    assert f"{SITE}: finished; articles new 13, updated 0, unchanged 0" in screen


def test_a_narrow_terminal_cuts_the_counters_not_the_site(
    server: SiteServer, tmp_path: Path
) -> None:
    code, screen = _run_in_terminal(_crawl_args(server, tmp_path), columns=60)
    assert code == 0, screen[-3000:]
    assert re.search(rf"{SITE} ━{{20}} 14/14 articles \d:\d\d:\d\d new 13…", screen), screen


def test_the_progress_counters() -> None:
    stats = {
        "dostcrawler/pages/listing": 4,
        "dostcrawler/articles/new": 7,
        "dostcrawler/articles/updated": 2,
        "dostcrawler/articles/unchanged": 1,
        "dostcrawler/skipped/known_article": 30,
        "dostcrawler/failed/article/http_503": 2,
        "dostcrawler/failed/article/timeout": 1,
    }
    assert progress_text(stats, errors=1, pages_per_minute=29.6) == (
        "new 7 · updated 2 · known 31 · failed 3 · errors 1 · listing pages 4 · 30 pages/min"
    )


def test_the_summary_of_a_run_with_failures() -> None:
    stats = {
        "dostcrawler/articles/new": 40,
        "dostcrawler/articles/merged": 2,
        "dostcrawler/skipped/known_article": 310,
        "dostcrawler/pages/listing": 12,
        "dostcrawler/pages/article": 42,
        "dostcrawler/dropped/missing title": 1,
        "dostcrawler/dropped/no body text and no attachments": 3,
        "downloader/response_count": 62,
        "downloader/response_status_count/200": 58,
        "downloader/response_status_count/503": 3,
        "downloader/response_status_count/404": 1,
        "downloader/response_bytes": 5 * 1024 * 1024 + 300 * 1024,
        "elapsed_time_seconds": 3725.4,
    }
    result = CrawlResult(SITE, "incomplete", stats, None, "article pages failed (1 × http_503)")
    assert result.summary().splitlines() == [
        f"{SITE}: incomplete (article pages failed (1 × http_503)); articles new 40, updated 0, "
        "unchanged 0, skipped as known 310, merged as aliases 2, low confidence 0",
        "  pages 62 (listing 12, article 42), 5.3 MiB in 1 h 02 min; "
        "dropped 3 × no body text and no attachments, 1 × missing title; "
        "HTTP errors 3 × HTTP 503, 1 × HTTP 404; JSONL -",
    ]


# stats --json / --nl ----------------------------------------------------------------------


def test_stats_json_matches_the_table(crawl_twice: Callable[[str], Crawled]) -> None:
    db = str(crawl_twice(SITE).db)
    runner = CliRunner()
    table = runner.invoke(cli, ["stats", "--db", db]).output
    as_json = runner.invoke(cli, ["stats", "--db", db, "--json"]).output
    as_nl = runner.invoke(cli, ["stats", "--db", db, "--nl"]).output
    (row,) = json.loads(as_json)
    assert [json.loads(line) for line in as_nl.splitlines()] == [row]
    line = next(line for line in table.splitlines() if line.startswith(SITE))
    assert line.split()[:5] == [
        row["site"],
        str(row["articles"]),
        str(row["low_confidence"]),
        row["first_published"],
        row["last_published"],
    ]
    assert (row["articles"], row["first_published"], row["last_published"]) == (
        13,
        "2021-09-29",
        "2022-01-19",
    )
    assert row["last_status"] == "finished" and f"({row['last_status']})" in line
    assert "\\u" not in as_json  # UTF-8, unescaped


def test_stats_json_and_nl_together_is_a_usage_error(tmp_path: Path) -> None:
    args = ["stats", "--db", str(tmp_path / "a.sqlite"), "--json", "--nl"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and "either --json or --nl" in result.output
