"""What a platform preset provides: default selectors and URL rules for one CMS family."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dostcrawler.extract.urls import canonical_url, url_hash

if TYPE_CHECKING:
    from dostcrawler.profiles.model import SiteProfile


def _generic_canonical(url: str, profile: SiteProfile | None) -> str:
    return canonical_url(url)


def _no_key(url: str) -> str | None:
    return None


def _never(url: str) -> bool:
    return False


def _no_detection(url: str, html: str) -> bool:
    return False


def _unchanged(url: str, html: str) -> str:
    return html


def _no_aliases(url: str, html: str) -> list[str]:
    return []


@dataclass(frozen=True, kw_only=True)
class Platform:
    """A CMS family: selectors as data, plus the functions that know its URLs."""

    name: str
    description: str
    defaults: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Rewrites an alias URL (print view, case variant, locale prefix...) to the one canonical URL.
    canonicalize: Callable[[str, SiteProfile | None], str] = _generic_canonical
    # The platform's own article id in a canonical URL, when the URL has one.
    article_key: Callable[[str], str | None] = _no_key
    # True for URLs that are article pages by their shape alone.
    is_article_url: Callable[[str], bool] = _never
    # True when a page (URL + HTML) shows that it was served by this platform.
    detect: Callable[[str, str], bool] = _no_detection
    # Lower-case strings at least one of which any page `detect` recognises by its HTML holds
    # (a necessary condition, not a rule): a page holding none is judged by its URL alone, so
    # a 300 KB page costs one substring scan per platform instead of its regular expressions.
    marks: tuple[str, ...] = ()
    # Repairs a page before extraction (e.g. bodies served as entity-escaped HTML text).
    prepare: Callable[[str, str], str] = _unchanged
    # Other URLs of this article that only the page itself reveals (a print view by numeric
    # id): recorded as aliases of the article, never requested.
    alias_links: Callable[[str, str], list[str]] = _no_aliases

    def detects(self, url: str, html: str, lowered: bytes) -> bool:
        """`detect`, skipping the HTML when it holds none of the marks (`lowered` is the
        page's UTF-8 lower-cased, once for every platform)."""
        if self.marks and not any(mark.encode() in lowered for mark in self.marks):
            html = ""
        return self.detect(url, html)

    @property
    def shapes_article_urls(self) -> bool:
        """True when `is_article_url` can tell an article URL by its shape."""
        return self.is_article_url is not _never

    def key_for(self, canonical: str) -> str:
        """The article key: the platform id where the URL has one, else a hash of the URL."""
        return self.article_key(canonical) or url_hash(canonical)
