"""Kon Tum's shared ASP.NET province portal (skhcn.kontum.gov.vn and other *.kontum.gov.vn).

Articles live at `/<category path>/<title slug>.html`. The slug is the title transliterated and
cut at 100 characters, so it often ends mid-word (`...ngay-khoa-ho.html`) or with a bare hyphen
(`...dot-2-.html`); never derive a title from it. The same article is served under more than one
category path: listings of a sub-menu link `/tin-tuc-su-kien/tin-kh-cn-trong-tinh/<slug>.html`,
related lists link `/tin-kh-cn-trong-tinh/<slug>.html`. Only the last category segment and the
slug select the article, so those are the canonical URL.

Every article page links its print view `/PrintNews.aspx?id=<n>`, whose numeric id the slug URL
never shows: the link on the article page is the only place that maps one to the other, so
`alias_links(url, html)` reads it there. The print view delivers the body as
entity-escaped HTML text (`&lt;p style=...&gt;S&amp;aacute;ng tạo`) and a date one day later
than the article's own; `prepare` turns that text back into markup so a print view fetched
directly still extracts.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from dostcrawler.extract.urls import canonical_url
from dostcrawler.platforms.base import Platform

if TYPE_CHECKING:
    from dostcrawler.profiles.model import SiteProfile

ARTICLE_PATH = re.compile(
    r"^(?:/[a-z0-9-]+)*/(?P<category>[a-z0-9-]+)/(?P<slug>[a-z0-9-]+)\.html$", re.IGNORECASE
)
PRINT_PATH = re.compile(r"/printnews\.aspx$", re.IGNORECASE)
# A print link as the template writes it: in an href or in a window.open('...') call.
PRINT_LINK = re.compile(
    r"""(?P<url>(?:https?://[^\s"'<>()]+?/|/)?PrintNews\.aspx\?id=(?P<id>\d+))""",
    re.IGNORECASE,
)
# Category slugs are short ("tin-kh-cn-trong-tinh"); title slugs run to many words. Below this
# count a `/<a>/<b>.html` link is more likely a nested category listing than an article.
MIN_TITLE_SLUG_WORDS = 8
# A text node that is escaped markup: it starts with an escaped tag and closes one later.
ESCAPED_MARKUP = re.compile(
    r"(?P<open><(?P<slash>/?)(?P<tag>[a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>)"
    r"(?P<text>\s*&lt;[a-zA-Z][a-zA-Z0-9]*(?:\s|&gt;|/)[^<]*?&lt;/[^<]*)(?=<)"
)
# Elements whose text is legitimately escaped markup (code samples, embed boxes).
RAW_TEXT_TAGS = frozenset({"script", "style", "textarea", "title", "pre", "code", "xmp"})


def canonicalize(url: str, profile: SiteProfile | None) -> str:
    """Fold category-path and case variants into `/<category>/<slug>.html`; tidy print views."""
    url = canonical_url(url)
    parts = urlsplit(url)
    if PRINT_PATH.search(parts.path):
        item = _print_id(parts.query)
        if item is None:
            return url
        return urlunsplit((parts.scheme, parts.netloc, "/PrintNews.aspx", f"id={item}", ""))
    match = ARTICLE_PATH.match(parts.path)
    if not match:
        return url
    # IIS matches paths case-insensitively and the slugs are generated lower case.
    path = f"/{match['category']}/{match['slug']}.html".lower()
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def _print_id(query: str) -> str | None:
    ids = [v for k, v in parse_qsl(query) if k.lower() == "id" and v.isdigit()]
    return ids[0] if ids else None


def article_key(url: str) -> str | None:
    """`<category>/<slug>`: the two parts of the path that select an article.

    The category stays in the key because truncated slugs of similar titles can collide across
    categories; the same article filed twice is still merged later by its content.
    """
    match = ARTICLE_PATH.match(urlsplit(url).path)
    if not match:
        return None
    return f"{match['category']}/{match['slug']}".lower()


def is_article_url(url: str) -> bool:
    """A `.html` page under a category whose slug reads like a title (print views are aliases)."""
    parts = urlsplit(url)
    match = ARTICLE_PATH.match(parts.path)
    if not match or parts.query:
        return False
    words = [word for word in match["slug"].split("-") if word]
    return len(words) >= MIN_TITLE_SLUG_WORDS


def detect(url: str, html: str) -> bool:
    """Print views, and article pages linking their `PrintNews.aspx?id=` print view."""
    return bool(PRINT_PATH.search(urlsplit(url).path) or PRINT_LINK.search(html))


def alias_links(url: str, html: str) -> list[str]:
    """The print view an article page links: another URL of this same article.

    Only a page with exactly one print id answers; a page linking several is ambiguous.
    """
    if PRINT_PATH.search(urlsplit(url).path):
        return []
    found: dict[str, str] = {}
    for match in PRINT_LINK.finditer(html):
        href = match["url"]
        # The page sits at the application root whatever path the rewriter served it under.
        if not href.lower().startswith(("http://", "https://", "/")):
            href = "/" + href
        found.setdefault(match["id"], canonicalize(urljoin(url, href), None))
    return list(found.values()) if len(found) == 1 else []


def prepare(url: str, html: str) -> str:
    """Unescape bodies delivered as entity-escaped HTML text back into markup (print views)."""
    if "&lt;" not in html:
        return html
    return ESCAPED_MARKUP.sub(_unescape_text, html)


def _unescape_text(match: re.Match[str]) -> str:
    if not match["slash"] and match["tag"].lower() in RAW_TEXT_TAGS:
        return match[0]
    # One level of unescaping restores the stored markup exactly ("&amp;aacute;" -> "&aacute;"),
    # which the HTML parser then decodes like any other page.
    return match["open"] + html_lib.unescape(match["text"])


PLATFORM = Platform(
    name="kontum_portal",
    description="Kon Tum shared ASP.NET portal: /<category>/<title-slug>.html, PrintNews.aspx?id=N",
    defaults={
        "listing": {
            "item": ".news_list .news_item",
            "article_links": ".news_item_title a",
            "item_date": ".news_item_date",
            "next_page": (
                "//div[contains(concat(' ', normalize-space(@class), ' '), ' news_pager ')]"
                "//a[normalize-space() = 'Trang sau']"
            ),
        },
        "article": {
            # Article page first, then the print view (PrintNews.aspx) after `prepare`.
            "title": [".news_detail .news_title_detail", ".print_news .print_title"],
            "date": [".news_detail .news_path .news_date", ".print_news .print_date"],
            "body": [".news_detail .news_content_detail", ".print_news .print_content"],
            "lead": ".news_teaser_detail",
            "authors": [".news_detail .news_author_detail", ".print_news .print_author"],
            "category": "(//div[contains(concat(' ', normalize-space(@class), ' '), "
            "' news_path ')]/a)[last()]",
        },
    },
    canonicalize=canonicalize,
    article_key=article_key,
    is_article_url=is_article_url,
    detect=detect,
    marks=("printnews.aspx",),
    prepare=prepare,
    alias_links=alias_links,
)
