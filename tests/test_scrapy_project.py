"""Scrapy's own commands and the politeness defaults."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from scrapy.utils.misc import is_generator_with_return_value
from scrapy.utils.project import get_project_settings

from dostcrawler.demo.server import serve_site
from dostcrawler.spiders.news import NewsSpider
from tests.conftest import ROOT
from tests.sitefixtures import SITES_DIR


def _scrapy(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def test_scrapy_list_names_every_bundled_site() -> None:
    result = _scrapy("list")
    assert result.returncode == 0, result.stderr
    names = result.stdout.split()
    assert "vinhphuc" in names and "news" in names


def test_scrapy_crawl_site_works(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    with serve_site(SITES_DIR / "vinhphuc") as server:
        result = _scrapy(
            "crawl",
            "vinhphuc",
            "-a",
            f"origin={server.origin}",
            "-s",
            f"DOSTCRAWLER_DB_PATH={db}",
            "-s",
            f"DOSTCRAWLER_EXPORT_DIR={tmp_path}",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
        )
    assert result.returncode == 0, result.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == 13


def test_polite_defaults() -> None:
    settings = get_project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings["USER_AGENT"].startswith("dostcrawler/")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert settings.getint("RETRY_TIMES") >= 2
    assert 0 < settings.getint("DOWNLOAD_MAXSIZE") <= 100 * 1024 * 1024
    assert settings["FEED_EXPORT_ENCODING"] == "utf-8"


def test_no_callback_returns_a_value() -> None:
    """What Scrapy's WARN_ON_GENERATOR_RETURN_VALUE checks at every response (switched off in
    dostcrawler.settings for its cost): a generator callback returning a value loses it."""
    callbacks = [
        getattr(NewsSpider, name)
        for name in dir(NewsSpider)
        if name.startswith(("parse", "flush", "start"))
    ]
    assert len(callbacks) >= 6
    assert not [c.__name__ for c in callbacks if is_generator_with_return_value(c)]


def test_retries_back_off_exponentially() -> None:
    from scrapy import Request
    from scrapy.utils.test import get_crawler

    from dostcrawler.middlewares import RETRY_DELAY_KEY, BackoffRetryMiddleware
    from dostcrawler.spiders.news import NewsSpider

    crawler = get_crawler(NewsSpider, {"DOSTCRAWLER_RETRY_BACKOFF_BASE": 2.0, "RETRY_TIMES": 3})
    crawler.spider = NewsSpider.from_crawler(crawler, start_url="https://example.gov.vn/")
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    request = Request("https://example.gov.vn/")
    delays = []
    for _ in range(3):
        request = middleware._retry(request, "503 Service Unavailable")
        delays.append(request.meta[RETRY_DELAY_KEY])
    assert delays == [2.0, 4.0, 8.0]
    assert middleware._retry(request, "503 Service Unavailable") is None


def test_subsite_scope_and_exact_hosts() -> None:
    from dataclasses import replace

    from dostcrawler.profiles import load_site
    from dostcrawler.spiders.news import NewsSpider

    profile = replace(load_site("vinhphuc"), path_prefixes=("/noidung/tintuc/",))
    spider = NewsSpider(profile=profile)
    host = "https://sokhcn.vinhphuc.gov.vn"
    assert spider._in_scope(host + "/noidung/tintuc/Lists/TinTucHoatDong/View_Detail.aspx?ItemID=1")
    assert spider._in_scope("https://www.sokhcn.vinhphuc.gov.vn/noidung/tintuc/x.aspx")
    assert not spider._in_scope(host + "/noidung/gioithieu/Lists/SoKHCN/View_Detail.aspx?ItemID=3")
    # The province portal is another site, not a part of its DOST's.
    assert not spider._in_scope("https://vinhphuc.gov.vn/noidung/tintuc/x.aspx")
    assert not spider._in_scope("https://cdn.sokhcn.vinhphuc.gov.vn/noidung/tintuc/x.aspx")


def test_scrapy_crawl_also_respects_the_archive_lock(tmp_path: Path) -> None:
    from dostcrawler.storage.lock import archive_lock

    db = tmp_path / "a.sqlite"
    with archive_lock(db):
        result = _scrapy(
            "crawl",
            "vinhphuc",
            "-a",
            "origin=http://127.0.0.1:9",
            "-s",
            f"DOSTCRAWLER_DB_PATH={db}",
            "-s",
            f"DOSTCRAWLER_EXPORT_DIR={tmp_path}",
        )
    assert result.returncode == 1
    assert "another crawl" in result.stderr and "is writing" in result.stderr
    assert "Scraper close failure" not in result.stderr
