"""A run's headline numbers, pulled out of Scrapy's stats for the `crawls` table."""

from __future__ import annotations

from collections import Counter
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


# Not failed fetches: a dead link on the site (404, 410), or a page the site's robots.txt
# forbids (never requested, by politeness).
DEAD_LINKS = frozenset({"http_404", "http_410", "robots_forbidden"})


def failures(stats: dict[str, Any], kind: str) -> dict[str, int]:
    """Failed requests of one kind ("listing", "article") by reason (see spiders/failures.py)."""
    prefix = f"dostcrawler/failed/{kind}/"
    return {k.removeprefix(prefix): int(v) for k, v in stats.items() if k.startswith(prefix)}


def describe(counts: dict[str, int]) -> str:
    """{"http_404": 3, "dns": 1} -> "3 × http_404, 1 × dns"."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{count} × {reason}" for reason, count in ordered)


def run_outcome(reason: str, stats: dict[str, Any]) -> tuple[str, str]:
    """The run's status and, unless it is a clean "finished", why, in one line.

    finished: every page the walk met came back and every article found was stored, except
    dead links (a page answering 404 or 410) and pages robots.txt forbids: real sites link
    deleted articles from their sidebars, and that is the site's state, said but not an
    error. incomplete: some articles were stored, but pages failed (5xx, timeouts, refused
    connections, redirect loops, no answer) or articles could not be parsed or decoded.
    failed: nothing came back, nothing was stored and something went wrong (every article
    link dead included), or the archive could not be written (pipelines.shared.stop_run). Any
    other Scrapy close reason ("shutdown": Ctrl-C or a signal) is kept as it is."""
    if stopped := stats.get("dostcrawler/stopped_because"):  # see pipelines.shared.stop_run
        return "failed", str(stopped)
    if reason != "finished":
        return reason, "interrupted before the walk was over" if reason == "shutdown" else reason
    listing, article = failures(stats, "listing"), failures(stats, "article")
    if not stats.get("dostcrawler/pages/listing"):
        detail = f": {describe(listing)}" if listing else ""
        return "failed", f"no listing page came back{detail}"
    stored = sum(
        int(stats.get(f"dostcrawler/articles/{outcome}", 0))
        for outcome in ("new", "updated", "unchanged")
    )
    gone = Counter(_dead_links(listing)) + Counter(_dead_links(article))
    if not stats.get("dostcrawler/pages/article") and article:
        gone = Counter()  # not one article page came back: the addresses are wrong, not dead
    problems = []
    for kind, counts in (("listing", listing), ("article", article)):
        broken = {k: v for k, v in counts.items() if not gone or k not in DEAD_LINKS}
        if broken:
            problems.append(f"{kind} pages failed ({describe(broken)})")
    for key, what in (
        ("parse", "could not be parsed"),
        ("decode", "hold bytes that could not be decoded (flagged low confidence)"),
    ):
        if count := int(stats.get(f"dostcrawler/errors/{key}", 0)):
            problems.append(f"{count} articles {what}")
    dead = ""
    if count := sum(gone.values()):
        dead = f"{count} linked {'page' if count == 1 else 'pages'} not archived: {describe(gone)}"
    if not problems:
        seen = stored + int(stats.get("dostcrawler/skipped/known_article", 0))
        if seen or stats.get("dostcrawler/skipped/older_than_since"):
            return "finished", dead
        return "failed", "the listing pages linked no article (check the start URL or selectors)"
    return ("incomplete" if stored else "failed"), "; ".join(p for p in (*problems, dead) if p)


def _dead_links(counts: dict[str, int]) -> dict[str, int]:
    return {reason: count for reason, count in counts.items() if reason in DEAD_LINKS}


def covers_back_catalogue(status: str, stats: dict[str, Any], *, since: str | None) -> bool:
    """True when, after this run, the archive holds everything the site lists: the run
    finished with no --since and nothing left unrequested (--max-articles, max_pages). Only
    then may the next run stop at a page of known articles (NewsSpider.load_archive_state);
    an incremental run that stopped so covers it too, as the run before it did."""
    return (
        status == "finished"
        and not since
        and not stats.get("dostcrawler/skipped/max_articles")
        and not stats.get("dostcrawler/listing/max_pages_reached")
    )
