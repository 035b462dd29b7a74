"""Drupal 7 and 8+ sites (Lạng Sơn family, Vĩnh Long, probably Bắc Kạn).

Every article is a node, `/node/<nid>`, behind a language prefix on multilingual installs
(`/vi/node/76627`, and the same node with English chrome at `/en/node/76627`), or behind a path
alias (`/content/<slug>` is pathauto's default pattern). Print views show the same node without
its title: the print module's `/print/<nid>` (also `printpdf`, `printmail`) and Lạng Sơn's
`/bm/print/<nid>`. Sites without clean URLs write `?q=node/<nid>`. Node pages ignore their query
string (Quicktabs' `?qt-<block>=<tab>`, comment paging), so it is dropped. Listings (taxonomy
terms, Views pages) page with `?page=N` counted from 0; their pager is `li.pager-next` (7) or
`li.pager__item--next` / `rel=next` (8+).

The "Đăng bài <user> T4, 13/12/2017 - 06:57" line ("Submitted by <user> on <date>") names the
CMS account that posted the node, not its author: the preset reads only its date.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from dostcrawler.extract.urls import canonical_url
from dostcrawler.platforms.base import Platform

if TYPE_CHECKING:
    from urllib.parse import SplitResult

    from dostcrawler.profiles.model import SiteProfile

# Drupal language prefixes: "vi", "en", "zh-hans", "pt-br".
LANGUAGE = r"[a-z]{2}(?:-[a-z]{2,4})?"
NODE_PATH = re.compile(rf"^(?:/(?P<lang>{LANGUAGE}))?/node/(?P<nid>\d+)/?$")
# The print module's views, optionally under one site-section prefix (Lạng Sơn: "/bm").
PRINT_PATH = re.compile(r"^(?:/[a-z0-9_-]+)?/print(?:pdf|mail)?/(?P<nid>\d+)/?$")
# pathauto's default node pattern is "content/[node:title]".
CONTENT_ALIAS = re.compile(rf"^(?:/(?P<lang>{LANGUAGE}))?/content/(?P<slug>[^/]+)/?$")
NON_CLEAN_NODE = re.compile(r"^(?:node|print|printpdf|printmail)/(?P<nid>\d+)/?$")
NON_CLEAN_SCRIPTS = {"/", "/index.php"}
# Paths Drupal itself owns: never an article's alias.
SYSTEM_PATHS = re.compile(
    r"^(?:taxonomy|user|search|admin|filter|comment|contact|sites|misc|modules|themes|core|"
    r"profiles|rss\.xml|node$|node/add|print|printpdf|printmail)(?:/|$)"
)
DRUPAL_MARKERS = re.compile(
    r"Drupal\.settings|drupal-settings-json|data-drupal-|/misc/drupal\.js|"
    r"content=[\"']Drupal \d|/sites/(?:default|all)/(?:files|themes|modules)/",
    re.IGNORECASE,
)


def canonicalize(url: str, profile: SiteProfile | None) -> str:
    """Fold print views, other language prefixes and query strings into the node's one URL."""
    url = canonical_url(url)
    parts = urlsplit(url)
    nid = _nid(parts)
    if nid is not None and parts.path in NON_CLEAN_SCRIPTS:
        # Without clean URLs `/node/<nid>` does not exist: keep the `?q=` form.
        return urlunsplit((parts.scheme, parts.netloc, parts.path, f"q=node/{nid}", ""))
    if nid is not None:
        path = f"/node/{nid}"
    elif match := CONTENT_ALIAS.match(parts.path):
        path = f"/content/{match['slug']}"
    else:
        return url
    lang = _site_language(profile) if profile is not None else _own_language(parts.path)
    if lang:
        path = f"/{lang}{path}"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _nid(parts: SplitResult) -> str | None:
    """The node id of a node, print or non-clean (`?q=node/N`) URL."""
    for pattern in (NODE_PATH, PRINT_PATH):
        if match := pattern.match(parts.path):
            return match["nid"]
    if parts.path in NON_CLEAN_SCRIPTS:
        query = dict(parse_qsl(parts.query))
        if match := NON_CLEAN_NODE.match(query.get("q", "")):
            return match["nid"]
    return None


def _site_language(profile: SiteProfile) -> str | None:
    """The language prefix the profile's start URLs use ("vi" in `/vi/taxonomy/term/105`)."""
    for url in profile.start_urls:
        first = urlsplit(url).path.strip("/").split("/")[0]
        if re.fullmatch(LANGUAGE, first):
            return first
    return None


def _own_language(path: str) -> str | None:
    match = NODE_PATH.match(path) or CONTENT_ALIAS.match(path)
    return match["lang"] if match else None


def article_key(url: str) -> str | None:
    """The node id when the URL carries one, else the alias path ("content/<slug>")."""
    parts = urlsplit(url)
    if nid := _nid(parts):
        return nid
    if match := CONTENT_ALIAS.match(parts.path):
        return f"content/{unquote(match['slug'])}"
    path = unquote(parts.path).strip("/")
    if not path or SYSTEM_PATHS.match(re.sub(rf"^{LANGUAGE}/", "", path)):
        return None
    return path


def is_article_url(url: str) -> bool:
    """Node, print and `/content/<slug>` URLs are nodes by their shape."""
    parts = urlsplit(url)
    return _nid(parts) is not None or bool(CONTENT_ALIAS.match(parts.path))


def detect(url: str, html: str) -> bool:
    """Drupal pages load drupal.js and its settings, or say so in the generator meta tag."""
    return bool(DRUPAL_MARKERS.search(html))


PLATFORM = Platform(
    name="drupal",
    description="Drupal 7/8+: /node/<nid>, /<lang>/node/<nid>, /content/<slug>, print views",
    defaults={
        "listing": {
            # Views rows of the main content region (sidebar blocks use the same markup).
            "item": [
                ".region-content .view-content .views-row",
                "#content .view-content .views-row",
                "main .view-content .views-row",
                ".region-content .node-teaser",
                ".region-content .node--view-mode-teaser",
            ],
            "article_links": [
                ".views-field-title a",
                ".node__title a",
                ".node-title a",
                "h2 a",
                "h3 a",
            ],
            "item_date": [
                ".views-field-created",
                ".field--name-created",
                ".date-display-single",
                ".submitted",
                ".node__submitted",
            ],
            "next_page": ["li.pager-next a", "li.pager__item--next a", "a[rel~=next]"],
        },
        "article": {
            "title": ["h1#page-title", "h1.page-title", "h1.node__title", "h1.node-title"],
            # Drupal 7 renders vocabularies as taxonomy-term-reference fields; tags are no category.
            "category": [
                ".node:not(.node-teaser) .field-type-taxonomy-term-reference"
                ":not(.field-name-field-tags) .field-item"
            ],
            # The full node's own "submitted" line first: teasers and comments carry one too.
            "date": [
                ".node:not(.node-teaser) .submitted",
                ".node--view-mode-full .node__submitted",
                ".node--view-mode-full .field--name-created",
                ".submitted",
                ".node__submitted",
                ".field--name-created",
            ],
            "body": [
                ".node:not(.node-teaser) .field-name-body",
                ".node--view-mode-full .field--name-body",
                ".field-name-body",
                ".field--name-body",
            ],
            "attachments": [
                ".field-type-file a",
                ".field--type-file a",
                ".field-name-field-file a",
                ".field--name-field-file a",
            ],
            "remove": [
                ".element-invisible",
                ".visually-hidden",
                ".submitted",
                ".node__submitted",
                ".field-name-field-tags",
                ".field--name-field-tags",
                "ul.links",
                ".print-link",
                ".addtoany",
                ".service-links",
            ],
        },
    },
    canonicalize=canonicalize,
    article_key=article_key,
    is_article_url=is_article_url,
    detect=detect,
    marks=("drupal", "/sites/default/", "/sites/all/"),
)
