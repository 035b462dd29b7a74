"""One fetched page -> one Article record: the same code path for crawls, `parse` and
`reextract`."""

from __future__ import annotations

from datetime import UTC, datetime

from dostcrawler import __version__
from dostcrawler.extract.article import ListingHint, extract_article
from dostcrawler.items import Article
from dostcrawler.platforms import PLATFORMS
from dostcrawler.profiles import SiteProfile


def article_from_page(
    html: str,
    url: str,
    *,
    profile: SiteProfile,
    article_id: str | None = None,
    listing_url: str | None = None,
    hint: ListingHint | None = None,
    http_status: int | None = None,
) -> Article:
    """The Article record of one fetched page (the same code path for crawls and `parse`)."""
    platform = PLATFORMS[profile.platform]
    canonical = platform.canonicalize(url, profile)
    extraction = extract_article(html, url, profile=profile, hint=hint)
    return Article(
        id=article_id or f"{profile.name}:{platform.key_for(canonical)}",
        site=profile.name,
        province=profile.province or None,
        publisher=profile.publisher or None,
        url=canonical,
        listing_url=listing_url,
        category=extraction.category,
        title=extraction.title,
        lead=extraction.lead,
        body=extraction.body,
        body_html=extraction.body_html,
        authors=extraction.authors,
        source=extraction.source,
        published_at=extraction.published_at,
        published_at_raw=extraction.published_at_raw,
        date_source=extraction.date_source,
        attachments=extraction.attachments,
        images=extraction.images,
        fetched_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        http_status=http_status,
        extractor={
            "name": "dostcrawler",
            "version": __version__,
            "platform": profile.platform,
            "fields": extraction.fields,
        },
    )
