"""One fetched page -> one Article record: the same code path for crawls, `parse` and
`reextract`."""

from __future__ import annotations

from datetime import UTC, datetime

from dostcrawler import __version__
from dostcrawler.extract.article import ListingHint, extract_article
from dostcrawler.extract.confidence import assess
from dostcrawler.extract.dates import VN_TZ, parse_date
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
    fetched_at: datetime | None = None,
    template_days: frozenset[str] = frozenset(),
    template_texts: frozenset[str] = frozenset(),
) -> Article:
    """The Article record of one fetched page (the same code path for crawls and `parse`).

    The day it was fetched, and `template_days` (days the site prints on every page), are
    never its publication date: a "today" banner says when the page was served."""
    platform = PLATFORMS[profile.platform]
    canonical = platform.canonicalize(url, profile)
    fetched_at = fetched_at or datetime.now(UTC)
    crawl_day = fetched_at.astimezone(VN_TZ).date().isoformat()
    extraction = extract_article(
        html,
        url,
        profile=profile,
        hint=hint,
        reject_days=template_days | {crawl_day},
        template_texts=template_texts,
    )
    assessment = assess(
        {
            "title": extraction.title,
            "published_at": extraction.published_at,
            "body": extraction.body,
            "authors": extraction.authors,
            "source": extraction.source,
        },
        extraction.fields,
        listing_title=hint.title if hint else None,
        listing_day=hint.date.value[:10] if hint and hint.date else None,
    )
    confidence, low = assessment.confidence, assessment.low
    # U+FFFD: bytes that no charset decoded. The text is stored as it is, never silently.
    undecodable = sum(
        (value or "").count("\ufffd") for value in (extraction.title, extraction.body)
    )
    if undecodable:
        confidence = {
            name: min(score, 0.3) if name in ("title", "body") else score
            for name, score in confidence.items()
        }
        low = True
    return Article(
        id=article_id or f"{profile.name}:{platform.key_for(canonical)}",
        site=profile.name,
        province=profile.province or None,
        publisher=profile.publisher or None,
        # The address that served the page; the canonical form is only the identity key.
        url=url,
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
        fetched_at=fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        http_status=http_status,
        extractor={
            "name": "dostcrawler",
            "version": __version__,
            "platform": profile.platform,
            "fields": extraction.fields,
            "confidence": confidence,
            "disagreements": assessment.disagreements,
            "low_confidence": low,
            "undecodable_chars": undecodable,
            # What the listing said of the entry, kept so that `reextract` has the same witnesses.
            "listing": _listing_witness(hint),
        },
    )


def _listing_witness(hint: ListingHint | None) -> dict[str, str | None] | None:
    if hint is None or not (hint.title or hint.date or hint.category):
        return None
    return {
        "title": hint.title,
        "date": hint.date.raw if hint.date else None,
        "category": hint.category,
    }


def listing_hint(witness: dict[str, str | None] | None, *, month_first: bool) -> ListingHint:
    """The ListingHint a record's `extractor.listing` keeps (see _listing_witness)."""
    if not witness:
        return ListingHint()
    raw = witness.get("date")
    return ListingHint(
        date=parse_date(raw, month_first=month_first) if raw else None,
        title=witness.get("title"),
        category=witness.get("category"),
    )
