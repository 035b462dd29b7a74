"""Joomla 1.5–3 sites (MOST's southern office, khcnphianam.most.gov.vn; dost-platforms.md §2.8).

Search-engine-friendly article URLs end in `<id>-<alias>`: `/vi/thong-bao/1129-to-chuc-...`,
with `.html` when the site turns the SEF suffix on, and behind `/index.php/` when URL rewriting is
off. The same article is also `index.php?option=com_content&view=article&id=<id>[:alias]&catid=<n>`
(non-SEF, pasted from old pages), `/component/content/article/<id>-<alias>?catid=<n>` (no menu
item), and the print/PDF views `?tmpl=component&print=1&layout=default` and `?format=pdf`.
Joomla resolves all of them by the numeric id, which is unique per site: it is the article key.
Listings page with `?start=<offset>` in steps of the page size.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dostcrawler.extract.urls import canonical_url
from dostcrawler.platforms.base import Platform

if TYPE_CHECKING:
    from dostcrawler.profiles.model import SiteProfile

# Aliases are transliterated to [a-z0-9-] (or percent-encoded Unicode): never a dot.
ARTICLE_SEGMENT = re.compile(r"^(?P<id>\d+)-(?P<alias>[^/.]+)(?P<suffix>\.html?)?$", re.IGNORECASE)
NON_SEF_ID = re.compile(r"^(?P<id>\d+)(?::.*)?$")
# Parameters of print, PDF and menu routing: they never select another article.
VIEW_PARAMS = {"tmpl", "print", "layout", "page", "format", "itemid", "catid", "lang", "ml"}
GENERATOR = re.compile(r"<meta[^>]+content=[\"']Joomla!", re.IGNORECASE)
ASSETS = re.compile(r"/media/(?:jui|system/js)/", re.IGNORECASE)
# A relative link into the site's own com_content (absolute ones may point to another site).
OWN_COMPONENT_LINK = re.compile(r"href=[\"']/?index\.php\?option=com_content", re.IGNORECASE)


def _non_sef_id(path: str, query: list[tuple[str, str]]) -> str | None:
    """The article id of `index.php?option=com_content&view=article&id=<id>` (or `task=view`)."""
    if path not in ("", "/", "/index.php"):
        return None
    params = {k.lower(): v for k, v in query}
    is_article = params.get("view") == "article" or params.get("task") == "view"
    if params.get("option") != "com_content" or not is_article:
        return None
    match = NON_SEF_ID.match(params.get("id", ""))
    return match["id"] if match else None


def _sef_segments(path: str) -> list[str] | None:
    """The path's segments (without `/index.php`) when its last one is `<id>-<alias>`."""
    path = path.removeprefix("/index.php")
    segments = [s for s in path.split("/") if s]
    if not segments or not ARTICLE_SEGMENT.match(segments[-1]):
        return None
    # `/component/...` routes other components (mailto, search); only content articles count.
    if "component" in segments:
        at = segments.index("component")
        if segments[at + 1 : at + 3] != ["content", "article"]:
            return None
    return segments


def _uses_suffix(profile: SiteProfile | None) -> bool | None:
    """Whether the site writes `.html` after SEF URLs, judged from its start URLs."""
    if profile is None or not profile.start_urls:
        return None
    return any(urlsplit(u).path.lower().endswith((".html", ".htm")) for u in profile.start_urls)


def canonicalize(url: str, profile: SiteProfile | None) -> str:
    """One spelling per article: SEF path as the site writes it, no print/PDF/menu parameters."""
    url = canonical_url(url)
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    article_id = _non_sef_id(parts.path, query)
    if article_id is not None:
        # The SEF path needs the menu tree, which the URL does not carry: keep one non-SEF form.
        canonical_query = urlencode(
            [("option", "com_content"), ("view", "article"), ("id", article_id)]
        )
        return urlunsplit((parts.scheme, parts.netloc, "/index.php", canonical_query, ""))
    segments = _sef_segments(parts.path)
    if segments is None:
        return url
    match = ARTICLE_SEGMENT.match(segments[-1])
    assert match is not None
    suffix = match["suffix"] or ""
    uses_suffix = _uses_suffix(profile)
    if uses_suffix is not None:
        suffix = ".html" if uses_suffix else ""
    segments[-1] = f"{match['id']}-{match['alias']}{suffix}"
    kept = [(k, v) for k, v in query if k.lower() not in VIEW_PARAMS]
    path = "/" + "/".join(segments)
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(kept), ""))


def article_key(url: str) -> str | None:
    """The numeric article id (Joomla's #__content id, unique per site)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    article_id = _non_sef_id(parts.path, query)
    if article_id is not None:
        return article_id
    segments = _sef_segments(parts.path)
    if segments is None:
        return None
    match = ARTICLE_SEGMENT.match(segments[-1])
    return match["id"] if match else None


def is_article_url(url: str) -> bool:
    """An `<id>-<alias>` SEF path or a non-SEF com_content article view."""
    return article_key(url) is not None


def detect(url: str, html: str) -> bool:
    """The `Joomla!` generator, `/media/jui/` or `/media/system/js/` assets, com_content links."""
    if "option=com_content" in urlsplit(url).query:
        return True
    return bool(GENERATOR.search(html) or ASSETS.search(html) or OWN_COMPONENT_LINK.search(html))


PLATFORM = Platform(
    name="joomla",
    description="Joomla 1.5-3: /<lang>/<menu>/<id>-<alias>[.html], index.php?option=com_content",
    defaults={
        "listing": {
            # Category blog entries (J3 marks them blogPost; J2.5 leading/intro divs), list rows.
            "item": [
                "[itemprop='blogPost']",
                ".items-leading > div, .items-row .item",
                "table.category tbody tr",
            ],
            "article_links": ["h2 a", "[itemprop='url']", "td.list-title a", ".contentheading a"],
            "item_date": ["dd.published", "dd.create", "td.list-date"],
            "next_page": [
                "li.pagination-next a",
                "a.pagenav[title='Tiếp']",
                "a.pagenav[title='Sau']",
                "a.pagenav[title='Next']",
            ],
        },
        "article": {
            "title": [
                ".item-page [itemprop='headline']",
                ".item-page .page-header h2",
                ".item-page h2",
                ".contentheading",
            ],
            # Published date ("Ngày đăng:") before created ("Ngày tạo:"); never "Cập nhật".
            "date": ["dd.published", "dd.create", ".createdate"],
            "body": ["[itemprop='articleBody']", ".item-page", ".article-content"],
            "category": ["dd.category-name [itemprop='genre']", "dd.category-name a"],
            # "Viết bởi <account>" (dd.createdby) names a CMS account, not an author: not read.
            "remove": [
                ".icons",
                ".actions",
                ".article-info",
                ".page-header",
                ".pagenav",
                ".pager",
                ".tags",
                ".content_rating",
                ".content_vote",
            ],
        },
    },
    canonicalize=canonicalize,
    article_key=article_key,
    is_article_url=is_article_url,
    detect=detect,
    marks=("joomla!", "/media/jui/", "/media/system/js/", "com_content"),
)
