"""Extract one saved page offline: the library behind `dostcrawler parse`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from dostcrawler.encoding import decode_html
from dostcrawler.pipelines.normalize import NormalizePipeline
from dostcrawler.platforms import detect_platform
from dostcrawler.profiles import SiteProfile, generic_profile
from dostcrawler.records import article_from_page


def decode_page(body: bytes, url: str) -> str:
    """The page's text, decoded as a crawl would (declared charset, then detection)."""
    return _decoded(body, url)[0]


def _decoded(body: bytes, url: str) -> tuple[str, str]:
    head = body[:4096].lstrip().lower()
    if b"<" not in head or head.startswith((b"%pdf", b"pk\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ValueError("this does not look like an HTML page")
    return decode_html(url, body)


def parse_saved_page(body: bytes, url: str, profile: SiteProfile | None) -> dict[str, Any]:
    """The normalised record of one page; without a profile, generic mode (detected preset)."""
    html, charset = _decoded(body, url)
    if profile is None:
        profile = generic_profile(url, detect_platform(url, html).name)
    article = article_from_page(html, url, profile=profile)
    article.extractor["charset"] = charset
    return asdict(NormalizePipeline().process_item(article))
