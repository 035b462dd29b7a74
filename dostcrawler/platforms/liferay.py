"""Liferay portals: VNPT-style "view-article" sites, friendly-URL routes and custom WAR portlets.

Article URLs (dost-platforms.md §2.3):
- VNPT-style detail `/chi-tiet-tin/-/view-article/1/<categoryId>/<articleId>` (Quảng Trị, Quảng
  Bình). Both ids are epoch-millisecond creation stamps, but content migrated into a new portal
  got new ids years after it was published, so an id never says when an article appeared.
- Friendly-URL routes after Liferay's `/-/` separator: Hậu Giang `/chi-tiet/-/tin-tuc/<Slug><id>`
  (slug and id run together, so the whole segment is the key), stock asset publisher
  `/-/asset_publisher/<instance>/content/<urlTitle>`.
- Portlet URLs `?p_p_id=<portlet>&p_p_lifecycle=0&..._<portlet>_newsId=<id>` (Hà Giang's
  `NewsDetail_WAR_HNCNewsPortlet`). Lifecycle 2 is the resource phase: the portlet's bare
  "export" view of the same article.

One article has many URLs: locale prefixes (`/vi/`, `/en/`, `/pt-PT/`, which renders the same
article with English labels), Tomcat's `;jsessionid=` path parameter on a cookie-less first
visit, portlet window parameters (`p_p_state`, `p_p_col_id`...), redirect back-links, and the
export view. All fold into one canonical URL. Listings page with the list portlet's
`_<portlet>_cur=N` parameter, which the spider's next-page fallback ("Tiếp", "›", page + 1) follows.

Selectors are only those the research documents: the VNPT date label "Ngày đăng:" (its markup
was not seen, so VNPT sites rely on the generic headline/body heuristics or their profile), the
Hòa Bình and vportal VCMS detail templates (published JSPs) and the stock asset publisher.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dostcrawler.extract.urls import canonical_url
from dostcrawler.platforms.base import Platform

if TYPE_CHECKING:
    from dostcrawler.profiles.model import SiteProfile

# Languages Liferay ships; only these may be read as a locale prefix ("/vi/", "/pt-PT/", "/zh_CN/").
LANGUAGES = frozenset({
    "ar", "bg", "ca", "cs", "da", "de", "el", "en", "es", "et", "eu", "fa", "fi", "fr", "gl",
    "hi", "hr", "hu", "it", "ja", "ko", "lo", "lt", "nb", "nl", "pl", "pt", "ro", "ru", "sk",
    "sl", "sr", "sv", "th", "tr", "uk", "vi", "zh",
})  # fmt: skip
LOCALE_PREFIX = re.compile(r"^/(?P<lang>[a-z]{2})(?:[-_](?:[A-Za-z]{2}|\d{3}))?(?=/|$)")
JSESSIONID = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)
VIEW_ARTICLE = re.compile(r"/-/view-article/\d+/(?P<category>\d+)/(?P<article>\d+)/?$")
NEWS_ROUTE = re.compile(r"/-/tin-tuc/(?P<slug>[^/]+?)/?$")
ASSET_CONTENT = re.compile(r"/-/asset_publisher/[^/]+/content/(?:id/)?(?P<title>[^/]+?)/?$")
# Namespaced portlet parameters that name the article a detail portlet shows.
ARTICLE_PARAMS = ("newsid", "articleid")
# Portlet window and rendering parameters: where and how a portlet is drawn, never which article.
WINDOW_PARAMS = {
    "p_p_lifecycle",
    "p_p_state",
    "p_p_mode",
    "p_p_col_id",
    "p_p_col_pos",
    "p_p_col_count",
    "p_p_cacheability",
    "p_p_resource_id",
    "p_p_auth",
    "p_auth",
}
# The portlet's own parameters for its resource ("export"/print) phase and for paging lists.
RESOURCE_AND_PAGING_PARAMS = {"restype", "resourcetype", "cur", "delta"}
# Back-links Liferay appends to content links, bare or namespaced (`_<portlet>_redirect`).
BACK_LINK_PARAMS = {"redirect", "backurl", "inheritredirect"}
LIFERAY_JS = re.compile(
    r"\bvar\s+Liferay\s*=|\bLiferay\.(?:Portlet|ThemeDisplay|AUI|Util|Browser|Language|"
    r"authToken|currentURL|on|provide)\b"
)
LIFERAY_ASSETS = re.compile(
    r"""(?:src|href)=["'][^"']*/(?:html/js/(?:barebone|everything)\.jsp|o/frontend-js-|"""
    r"""combo/?\?browserId=)|\bid=["']p_p_id_\w+_["']"""
)


def canonicalize(url: str, profile: SiteProfile | None) -> str:
    """One URL per article: no locale prefix, session id, window parameters or back-links."""
    parts = urlsplit(canonical_url(url))
    path = _without_locale(JSESSIONID.sub("", parts.path))
    if VIEW_ARTICLE.search(path) or NEWS_ROUTE.search(path) or ASSET_CONTENT.search(path):
        path = path.rstrip("/")
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if _bare_name(k).lower() not in BACK_LINK_PARAMS
    ]
    if _portlet_article_param(query):
        query = _render_query(query)
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query, safe="/:,"), ""))


def _without_locale(path: str) -> str:
    match = LOCALE_PREFIX.match(path)
    if match and match["lang"] in LANGUAGES:
        return path[match.end() :] or "/"
    return path


def _bare_name(key: str) -> str:
    """`_<portlet>_newsId` -> `newsId`: the parameter name without its portlet namespace."""
    return key.rsplit("_", 1)[-1] if key.startswith("_") else key


def _portlet_article_param(query: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The (name, value) of the namespaced article id of the portlet named by p_p_id."""
    portlet = next((v for k, v in query if k == "p_p_id"), None)
    if not portlet:
        return None
    prefix = f"_{portlet}_"
    for key, value in query:
        if key.startswith(prefix) and key[len(prefix) :].lower() in ARTICLE_PARAMS and value:
            return key, value
    return None


def _render_query(query: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The normal-view (render phase) query: p_p_id, lifecycle 0, the portlet's own params."""
    portlet = next(v for k, v in query if k == "p_p_id")
    prefix = f"_{portlet}_"
    kept = [
        (k, v)
        for k, v in query
        if k != "p_p_id"
        and k not in WINDOW_PARAMS
        and not (k.startswith(prefix) and k[len(prefix) :].lower() in RESOURCE_AND_PAGING_PARAMS)
    ]
    return [("p_p_id", portlet), ("p_p_lifecycle", "0"), *kept]


def article_key(url: str) -> str | None:
    """The article id: VNPT articleId, friendly-URL segment, asset urlTitle or portlet newsId."""
    parts = urlsplit(url)
    if match := VIEW_ARTICLE.search(parts.path):
        return match["article"]
    if match := NEWS_ROUTE.search(parts.path) or ASSET_CONTENT.search(parts.path):
        return match[1]
    found = _portlet_article_param(parse_qsl(parts.query, keep_blank_values=True))
    return found[1] if found else None


def is_article_url(url: str) -> bool:
    """Detail routes and detail-portlet URLs, in any of their alias forms."""
    return article_key(canonicalize(url, None)) is not None


def detect(url: str, html: str) -> bool:
    """Liferay URLs (`/-/` routes, `p_p_id=`), its JavaScript globals or its asset paths."""
    parts = urlsplit(url)
    if "/-/" in parts.path or "p_p_id=" in parts.query:
        return True
    return bool(LIFERAY_JS.search(html) or LIFERAY_ASSETS.search(html))


PLATFORM = Platform(
    name="liferay",
    description=(
        "Liferay portals: VNPT /chi-tiet-tin/-/view-article/1/<cat>/<id>, /-/ friendly routes, "
        "custom news portlets (?p_p_id=...&_<portlet>_newsId=N)"
    ),
    defaults={
        "listing": {
            "article_links": (
                "a[href*='/-/view-article/'], a[href*='/-/tin-tuc/'], a[href*='_newsId=' i], "
                "a[href*='_articleId=' i], a[href*='/-/asset_publisher/'][href*='/content/']"
            ),
        },
        "article": {
            "title": [
                "#titleDetail",
                "h3.wd-tlh3-4",
                ".asset-full-content .header-title",
            ],
            "date": [
                ".content_detail_news .date_time",
                "p.wd-date",
                # VNPT templates label the date line; a short line only, never a body sentence.
                "//*[starts-with(normalize-space(), 'Ngày đăng')]"
                "[string-length(normalize-space()) < 40]",
            ],
            "category": [
                ".box_border h3.title-list-news",
                "h2.wd-tlh1-2",
            ],
            "body": [
                "#contentDetail",
                ".asset-full-content .asset-content",
            ],
            "authors": [".content_detail_news .author", "p.wd-actor"],
            "source": [".content_detail_news .source"],
            "remove": [
                ".taglib-ratings",
                ".taglib-social-bookmarks",
                ".taglib-discussion",
                ".lfr-discussion",
                ".asset-links",
                ".asset-ratings",
                ".taglib-icon-list",
                ".list_share_button",
            ],
        },
    },
    canonicalize=canonicalize,
    article_key=article_key,
    is_article_url=is_article_url,
    detect=detect,
    marks=("liferay", "p_p_id_", "barebone.jsp", "everything.jsp", "frontend-js-", "browserid="),
)
