"""Typed, frozen site profiles.

A selector is CSS unless it starts with "/" or "(" (then XPath). Every selector key takes one
string or a list of alternatives; the first alternative that matches wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

Selectors = tuple[str, ...]


LISTING_STRATEGIES = ("html", "rss", "sitemap", "api")


@dataclass(frozen=True, kw_only=True)
class ListingRules:
    """Where the article URLs come from: HTML listing pages (links, pagination, per-entry
    dates), RSS/Atom feeds, sitemaps, or a JSON listing API; start_urls are read accordingly."""

    strategy: str = "html"
    article_links: Selectors = ()
    next_page: Selectors = ()
    item: Selectors = ()
    item_date: Selectors = ()
    max_pages: int = 2000
    # A pager whose last this-many pages linked no new article that answered is a trap, or
    # past the catalogue's end: the walk stops there (spiders/pager.py).
    max_fruitless_pages: int = 10
    # JSON API (strategy = "api"): POST api_form to api_url with start/length paging.
    api_url: str = ""
    api_form: Mapping[str, str] = field(default_factory=dict)
    api_page_size: int = 20
    api_items: str = "data"
    api_date_field: str = "CreatedDate"
    api_detail_url: str = ""


@dataclass(frozen=True, kw_only=True)
class ArticleRules:
    """Where each field lives on an article page, and what to cut from the body."""

    title: Selectors = ()
    date: Selectors = ()
    body: Selectors = ()
    authors: Selectors = ()
    source: Selectors = ()
    lead: Selectors = ()
    category: Selectors = ()
    attachments: Selectors = ()
    remove: Selectors = ()
    keep_captions: bool = False
    date_order: str = "dmy"
    # Days (YYYY-MM-DD) the site prints on every page, a founding year's or a frozen "today"
    # banner's: never an article's publication date.
    template_days: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class HttpRules:
    """Per-site transport settings."""

    download_delay: float = 1.0
    concurrency: int = 2
    legacy_tls: bool = False


@dataclass(frozen=True, kw_only=True)
class SiteProfile:
    """Everything dostcrawler knows about one site."""

    name: str
    province: str
    publisher: str
    platform: str
    domains: tuple[str, ...]
    start_urls: tuple[str, ...]
    # Subsites that share a host with other agencies (lamdong.gov.vn/sites/skhcn): only URLs
    # under these paths belong to this site.
    path_prefixes: tuple[str, ...] = ()
    merged_into: str | None = None
    verified: bool = False
    enabled: bool = True
    notes: str = ""
    listing: ListingRules = field(default_factory=ListingRules)
    article: ArticleRules = field(default_factory=ArticleRules)
    http: HttpRules = field(default_factory=HttpRules)
    path: str | None = None
    # "section.key" names the profile file itself set (the rest came from the platform preset).
    own_keys: frozenset[str] = frozenset()
    # "article.key" names set by a template learned from the site's own pages (see
    # extract/template.py), recorded as the "learned" origin of those fields.
    learned_keys: frozenset[str] = frozenset()
    # The table the profile was built from, as JSON: a crawl records it so that `reextract`
    # rebuilds exactly this profile, whatever becomes of the file.
    source_data: str = field(default="", compare=False, repr=False)

    @property
    def month_first(self) -> bool:
        """True where the site writes dates month first (DotNetNuke's US format)."""
        return self.article.date_order == "mdy"

    def with_origin(self, origin: str) -> SiteProfile:
        """The same profile served from another scheme+host (a moved site, or a test server)."""
        new = urlsplit(origin)
        start_urls = tuple(
            urlsplit(url)._replace(scheme=new.scheme, netloc=new.netloc).geturl()
            for url in self.start_urls
        )
        host = new.hostname or ""
        return replace(self, start_urls=start_urls, domains=(host, *self.domains))
