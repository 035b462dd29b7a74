"""Rebuild article rows from the WARC captures, with no network: better extraction never needs
a re-crawl. The library behind `dostcrawler reextract`."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

from dostcrawler.capture.warc import Capture, read_payload
from dostcrawler.encoding import html_text
from dostcrawler.extract.article import ListingHint
from dostcrawler.extract.dates import parse_date
from dostcrawler.pipelines.normalize import NormalizePipeline
from dostcrawler.pipelines.store import mark_syndicated
from dostcrawler.profiles import ProfileError, SiteProfile, generic_profile, load_site
from dostcrawler.records import article_from_page
from dostcrawler.storage.db import Archive


def _profile_for(site: str, url: str) -> SiteProfile:
    try:
        return load_site(site)
    except ProfileError:
        return generic_profile(url)


def reextract(
    db_path: str | Path, export_dir: str | Path, *, site: str | None = None
) -> Counter[str]:
    """Re-run extraction over every captured article of the archive (or of one site)."""
    outcomes: Counter[str] = Counter()
    archive = Archive(db_path)
    normalize = NormalizePipeline()
    runs: dict[str, int] = {}
    profiles: dict[str, SiteProfile] = {}
    try:
        for row in list(archive.iter_articles(site=site)):
            pointer = row["warc"]
            capture = archive.capture(pointer["record_id"]) if pointer else None
            if capture is None:
                outcomes["no capture"] += 1
                continue
            original = _original(archive, capture)
            if original is None:
                outcomes["capture missing"] += 1
                continue
            path = Path(export_dir) / "warc" / row["site"] / original.filename
            headers, body = read_payload(path, original.offset)
            content_type = next(
                (v for k, v in headers.items() if k.lower() == "content-type"), None
            )
            html = html_text(row["url"], body, content_type)
            if row["site"] not in profiles:
                profiles[row["site"]] = _profile_for(row["site"], row["url"])
            profile = profiles[row["site"]]
            hint = None
            if row["date_source"] == "listing" and row["published_at_raw"]:
                parsed = parse_date(row["published_at_raw"], month_first=profile.month_first)
                hint = ListingHint(date=parsed)
            article = article_from_page(
                html,
                row["url"],
                profile=profile,
                article_id=row["id"],
                listing_url=row["listing_url"],
                hint=hint,
                http_status=row["http_status"],
                fetched_at=_fetched_at(row["fetched_at"]),
            )
            article.fetched_at, article.warc = row["fetched_at"], pointer
            article.alias_urls = row["alias_urls"]
            if row["site"] not in runs:
                runs[row["site"]] = archive.start_crawl(row["site"], "reextract")
            article = normalize.process_item(article)
            outcomes[archive.upsert_article(article, runs[row["site"]])] += 1
            mark_syndicated(archive, article)
        for crawl_id in runs.values():
            archive.finish_crawl(crawl_id, status="finished", stats=dict(outcomes), jsonl_path=None)
    finally:
        archive.close()
    return outcomes


def _original(archive: Archive, capture: Capture) -> Capture | None:
    """A revisit record holds no payload: read the response it points at."""
    if capture.record_type == "response":
        return capture
    return archive.find_capture(capture.url, capture.digest)


def _fetched_at(value: str | None) -> datetime | None:
    """When the captured page was fetched: its day is never the article's date."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
