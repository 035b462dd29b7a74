"""WordPress sites with date permalinks (Thái Nguyên DOST's ISO subsite, dost-platforms.md §2.8).

Posts live at `/<yyyy>/<mm>/<dd>/<slug>/`. The same post is also reachable as its AMP view
(`/amp/`, `?amp`, `?amp=1`), its oEmbed and WP-Print views (`/embed/`, `/print/`), its comment
pages (`/comment-page-N/`), comment-reply and moderation links (`?replytocom=`, `?unapproved=`),
Jetpack share and related-post links (`?share=facebook&nb=1`, `?relatedposts_hit=1...`), a link
without the trailing slash, and the `?p=<id>` shortlink. Listings page as `/page/N/`; `/feed/`
(and `<post>/feed/`) is RSS, never an article; `<post>/<name>/` is a media attachment page.

A `?p=<id>` URL carries no date or slug, so no rule can fold it before it is fetched: the post's
own page names it (its `rel=shortlink` or `postid-N` body class) and `alias_links` records it
as an alias there; a shortlink met before that is fetched once and redirects to the permalink.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from parsel import Selector

from dostcrawler.extract.urls import canonical_url
from dostcrawler.platforms.base import Platform

if TYPE_CHECKING:
    from dostcrawler.profiles.model import SiteProfile

DATE_PERMALINK = re.compile(
    r"^/(?P<date>(?:19|20)\d\d/(?:0[1-9]|1[0-2])/(?:0[1-9]|[12]\d|3[01]))/(?P<slug>[^/]+)"
    r"(?:/(?P<rest>.*))?$"
)
# Path suffixes that show the same post: AMP, oEmbed and WP-Print views, and comment pages.
ALIAS_SUFFIX = re.compile(r"^(?:amp|embed|print|comment-page-\d+)/?$")
# Query parameters that never select another post.
ALIAS_PARAMS = re.compile(
    r"^(?:amp|noamp|replytocom|unapproved|moderation-hash|share|nb|"
    r"relatedposts_(?:hit|origin|position)|utm_[a-z]+|fbclid)$",
    re.IGNORECASE,
)
GENERATOR = re.compile(r"<meta[^>]+content=[\"']WordPress\b", re.IGNORECASE)
ASSETS = re.compile(r"/wp-(?:content|includes)/|https?://api\.w\.org/", re.IGNORECASE)
POST_ID_CLASS = re.compile(r"\bpostid-(\d+)\b")
# The theme's date element: `<time class="entry-date published" datetime="...">22/02/2019</time>`.
ENTRY_DATE = re.compile(
    r"(?P<open><time\b[^>]*\bclass=[\"'][^\"']*\bentry-date\b[^>]*>)(?P<text>.*?)</time>",
    re.IGNORECASE | re.DOTALL,
)
DATETIME_ATTR = re.compile(r"\bdatetime=[\"'](?P<value>[^\"']+)[\"']", re.IGNORECASE)


def _post_id(sel: Selector) -> str | None:
    for href in sel.css("link[rel=shortlink]::attr(href)").getall():
        query = dict(parse_qsl(urlsplit(href.strip()).query))
        if query.get("p", "").isdigit():
            return query["p"]
    match = POST_ID_CLASS.search(sel.css("body::attr(class)").get() or "")
    return match[1] if match else None


def _parse_shortlink(url: str) -> str | None:
    """The post id of a `/?p=<id>` URL (other query parameters allowed), else None."""
    parts = urlsplit(url)
    if parts.path not in ("", "/", "/index.php"):
        return None
    post_id = dict(parse_qsl(parts.query)).get("p", "")
    return post_id if post_id.isdigit() else None


def _clean_path(path: str) -> str:
    """Percent-encode raw Unicode and write escapes in lower case, as WordPress does."""
    path = quote(path, safe="/%:@!$&'()*+,;=-._~")
    return re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(), path)


def canonicalize(url: str, profile: SiteProfile | None) -> str:
    """Fold AMP/embed/comment/share/related/shortlink variants into the date permalink."""
    url = canonical_url(url)
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in query if not ALIAS_PARAMS.match(k)]
    post_id = _parse_shortlink(url)
    if post_id is not None:
        return urlunsplit((parts.scheme, parts.netloc, "/", f"p={post_id}", ""))
    match = DATE_PERMALINK.match(_clean_path(parts.path))
    if not match or not _is_post_rest(match["rest"]):
        return url
    path = f"/{match['date']}/{match['slug']}/"
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(kept), ""))


def _is_post_rest(rest: str | None) -> bool:
    """Nothing after the slug, or a suffix that shows the same post."""
    return not rest or bool(ALIAS_SUFFIX.match(rest))


def article_key(url: str) -> str | None:
    """The post slug: WordPress keeps post slugs unique, and the id is not in the permalink."""
    match = DATE_PERMALINK.match(urlsplit(url).path)
    if match and not match["rest"]:
        return match["slug"]
    return None


def is_article_url(url: str) -> bool:
    """A date permalink (or one of its same-post suffixes), or a `?p=<id>` shortlink."""
    if _parse_shortlink(url) is not None:
        return True
    match = DATE_PERMALINK.match(_clean_path(urlsplit(url).path))
    return match is not None and _is_post_rest(match["rest"])


def detect(url: str, html: str) -> bool:
    """`/wp-content/` or `/wp-includes/` assets, the REST API link, or the generator meta tag."""
    return bool(GENERATOR.search(html) or ASSETS.search(html))


def alias_links(url: str, html: str) -> list[str]:
    """The `?p=<id>` shortlink a post's page declares, on the host it was fetched from."""
    if "shortlink" not in html and "postid-" not in html:
        return []
    post_id = _post_id(Selector(text=html))
    if post_id is None:
        return []
    page = urlsplit(url)
    return [urlunsplit((page.scheme, page.netloc, "/", f"p={post_id}", ""))]


def prepare(url: str, html: str) -> str:
    """Give the date selectors the `datetime` the theme hides.

    Themes print the post date as `22/02/2019` and keep the full time in the `datetime`
    attribute of `time.entry-date`; selectors read text, so the attribute becomes the text.
    """
    return ENTRY_DATE.sub(_datetime_as_text, html)


def _datetime_as_text(match: re.Match[str]) -> str:
    found = DATETIME_ATTR.search(match["open"])
    if not found:
        return match[0]
    return f"{match['open']}{found['value']}</time>"


PLATFORM = Platform(
    name="wordpress",
    description="WordPress: /<yyyy>/<mm>/<dd>/<slug>/ permalinks, ?p=<id> shortlinks, /page/N/",
    defaults={
        "listing": {
            "item": ["article.type-post", "article.post"],
            "article_links": [".entry-title a", "a[rel~='bookmark']"],
            "item_date": ["time.entry-date", ".posted-on"],
            # "Older posts" is the next listing page; paginate_links() marks it `.next`.
            "next_page": ["a.next.page-numbers", ".nav-previous a"],
        },
        "article": {
            "title": ["article h1.entry-title", "h1.entry-title", ".entry-title"],
            "date": ["article time.entry-date.published", "article time.entry-date", ".posted-on"],
            "body": ["article .entry-content", ".entry-content"],
            "authors": [".entry-meta .author.vcard a", "span.author.vcard a", "a[rel~='author']"],
            "category": [".cat-links a[rel~='category']", "a[rel~='category']"],
            # Jetpack appends sharing, likes and related posts inside the content; AddToAny,
            # YARPP and WP-PostViews do the same; `.page-links` pages a split post.
            "remove": [
                ".sharedaddy",
                ".jp-relatedposts",
                "#jp-post-flair",
                ".wp-block-jetpack-related-posts",
                ".addtoany_share_save_container",
                ".yarpp-related",
                ".post-views",
                ".page-links",
            ],
        },
    },
    canonicalize=canonicalize,
    article_key=article_key,
    is_article_url=is_article_url,
    detect=detect,
    marks=("wordpress", "/wp-content/", "/wp-includes/", "api.w.org"),
    prepare=prepare,
    alias_links=alias_links,
)
