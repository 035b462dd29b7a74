"""The article record: one shape for the SQLite `articles` row and the JSONL line (DESIGN §6)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from dostcrawler import SCHEMA_VERSION


@dataclass(kw_only=True)
class Article:
    """One news article as extracted from one page, before and after the pipelines."""

    id: str | None = None
    site: str
    province: str | None = None
    publisher: str | None = None
    url: str
    alias_urls: list[str] = field(default_factory=list)
    listing_url: str | None = None
    category: str | None = None
    title: str | None = None
    lead: str | None = None
    body: str | None = None
    body_html: str | None = None
    authors: list[str] = field(default_factory=list)
    source: str | None = None
    published_at: str | None = None
    published_at_raw: str | None = None
    date_source: str | None = None
    modified_at: str | None = None
    attachments: list[dict[str, str]] = field(default_factory=list)
    images: list[dict[str, str | None]] = field(default_factory=list)
    language: str = "vi"
    word_count: int = 0
    content_hash: str | None = None
    duplicate_of: str | None = None
    fetched_at: str | None = None
    first_seen_at: str | None = None
    last_seen_at: str | None = None
    version: int = 1
    http_status: int | None = None
    # Where the raw response lies: {"filename", "offset", "length", "record_id"} of its WARC record.
    warc: dict[str, Any] | None = None
    extractor: dict[str, Any] = field(default_factory=dict)
    schema_version: str = SCHEMA_VERSION


@dataclass(kw_only=True)
class AttachmentFile:
    """A downloaded attachment (PDF, DOC...) of an article, on its way to exports/files/."""

    article_id: str
    url: str
    name: str
    media_type: str
    body: bytes = field(repr=False)
    served_type: str | None = None
    http_status: int | None = None


# Column order of the record; JSONL lines and the SQLite table follow it.
RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Article))
