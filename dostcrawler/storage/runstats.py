"""A run's headline numbers, pulled out of Scrapy's stats for the `crawls` table."""

from __future__ import annotations

from typing import Any

SUMMARY_COLUMNS = {
    "pages": int,
    "articles_new": int,
    "articles_updated": int,
    "articles_unchanged": int,
    "dropped": str,
    "http_errors": str,
    "errors": int,
    "bytes": int,
    "duration_s": float,
}


def summarize(stats: dict[str, Any]) -> dict[str, Any]:
    """Pages, article outcomes, drops by reason, HTTP errors by status, bytes, duration."""
    dropped = {
        key.removeprefix("dostcrawler/dropped/"): value
        for key, value in stats.items()
        if key.startswith("dostcrawler/dropped/")
    }
    http_errors = {
        status: value
        for key, value in stats.items()
        if key.startswith("downloader/response_status_count/")
        and (status := key.rsplit("/", 1)[1]).isdigit()
        and int(status) >= 400
    }
    exceptions = sum(
        value for key, value in stats.items() if key.startswith("downloader/exception_type_count/")
    )
    return {
        # The spider's own data: requests (see NewsSpider.on_idle) are not pages of the site.
        "pages": int(stats.get("downloader/response_count", 0))
        - int(stats.get("dostcrawler/pages/internal", 0)),
        "articles_new": int(stats.get("dostcrawler/articles/new", 0)),
        "articles_updated": int(stats.get("dostcrawler/articles/updated", 0)),
        "articles_unchanged": int(stats.get("dostcrawler/articles/unchanged", 0)),
        "dropped": dropped,
        "http_errors": http_errors,
        "errors": int(stats.get("dostcrawler/errors/parse", 0)) + int(exceptions),
        "bytes": int(stats.get("downloader/response_bytes", 0)),
        "duration_s": round(float(stats.get("elapsed_time_seconds", 0.0)), 3),
    }
