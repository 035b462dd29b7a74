"""Normalize: NFC text, single spaces, clean lists, and the content hash."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

from dostcrawler.extract.text import clean_text, word_count
from dostcrawler.items import Article

SINGLE_LINE_FIELDS = ("title", "lead", "source", "category", "published_at_raw")


def normalize_body(body: str | None) -> str | None:
    """Paragraphs NFC with single spaces, separated by exactly one blank line."""
    if not body:
        return None
    paragraphs = [clean_text(p) for p in body.split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p) or None


def content_hash(article: Article) -> str:
    """sha256 over the fields a reader sees change: title, lead, body, authors."""
    payload = json.dumps(
        [article.title, article.lead, article.body, article.authors],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


class NormalizePipeline:
    """Every text field NFC and trimmed; word count and content hash computed."""

    def process_item(self, item: Any) -> Any:
        """Normalize one article in place."""
        if not isinstance(item, Article):
            return item
        for name in SINGLE_LINE_FIELDS:
            setattr(item, name, clean_text(getattr(item, name)) or None)
        item.body = normalize_body(item.body)
        if item.body_html:
            item.body_html = unicodedata.normalize("NFC", item.body_html)
        item.authors = list(dict.fromkeys(a for a in map(clean_text, item.authors) if a))
        for attachment in item.attachments:
            attachment["name"] = clean_text(attachment.get("name"))
        item.word_count = word_count(item.body or "")
        item.content_hash = content_hash(item)
        return item
