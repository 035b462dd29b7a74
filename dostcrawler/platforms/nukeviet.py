"""NukeViet 3 and 4 (VINADES' PHP CMS): the news module and its virtual copies.

An article of module `<module>` (usually `news`, sometimes a virtual copy such as `khxhnvna`)
lives at `/<lang>/<module>/<cat-alias>/<alias>-<id>.html` when URL rewriting is on (the language
segment is left out on single-language sites; NukeViet 3 ends rewritten URLs with `/`), or at
`index.php?language=vi&nv=<module>&op=<Cat-Alias>/<Title-Alias>-<id>` when it is off (typical of
3.x, whose aliases keep their capitals). detail.php also links the article as `print/<cat>/...`,
`savefile/<cat>/...` (served as an attachment, `text/x-delimtext`) and `sendmail/<cat>/...`: one
article, identified by its language, module and numeric id (each module and language has its
own table, so ids repeat across them).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dostcrawler.extract.urls import canonical_url
from dostcrawler.platforms.base import Platform

if TYPE_CHECKING:
    from dostcrawler.profiles.model import SiteProfile

# The op of a detail view: an optional print/savefile/sendmail prefix, then <cat>/<alias>-<id>.
DETAIL_OP = re.compile(
    r"^(?:(?P<view>print|savefile|sendmail)/)?(?P<cat>[^/?#]+)/(?P<alias>[^/?#]+)-(?P<id>\d+)"
    r"(?:\.html?)?/?$",
    re.IGNORECASE,
)
# Raw URLs: index.php (or the bare folder) of the install, which may live in a subfolder.
RAW_PATH = re.compile(r"^(?:/[^/]+)*/(?:index\.php)?$|^$")
REWRITTEN = re.compile(r"^/(?:(?P<lang>[a-z]{2})/)?(?P<module>[A-Za-z0-9_-]+)/(?P<op>.+)$")
# Functions of the news module whose op has the <x>/<alias>-<n> shape but lists articles or
# shows something else ("tag/techfest-2024", "author/hong-hanh-2", "page-2").
RESERVED_OPS = frozenset(
    {"tag", "topic", "author", "groups", "search", "rss", "content", "sitemap", "detail", "viewcat"}
)
# Stock NukeViet modules that are not news: their <x>/<alias>-<n> URLs are documents, forms,
# albums ("download/bieu-mau/mau-01.html"), never articles.
NON_NEWS_MODULES = frozenset(
    {"about", "page", "contact", "users", "seek", "statistics", "voting", "banners", "feeds"}
    | {"siteterms", "comment", "download", "laws", "faq", "photos", "videos", "weblinks", "shops"}
)
# NukeViet writes these parameters first, in this order.
RAW_KEYS = frozenset({"language", "nv", "op"})
RAW_ORDER = {"language": 0, "nv": 1, "op": 2}
# detail.php serves the article's attachments from its own URL with these parameters.
FILE_PARAMS = frozenset({"download", "pdf"})
# A URL without a language segment or parameter is in the site's default language: Vietnamese
# on every provincial site.
DEFAULT_LANGUAGE = "vi"
VIEW_PREFIX = re.compile(r"^(?:print|savefile|sendmail)/", re.IGNORECASE)
GENERATOR = re.compile(
    r"<meta[^>]+name\s*=\s*[\"']generator[\"'][^>]+content\s*=\s*[\"']\s*nukeviet"
    r"|<meta[^>]+content\s*=\s*[\"']\s*nukeviet[^>]+name\s*=\s*[\"']generator[\"']",
    re.IGNORECASE,
)
# The JavaScript globals every NukeViet page declares (nv_base_siteurl in 4.x, nv_siteroot in 3.x).
SCRIPT_GLOBALS = re.compile(r"\bnv_(?:base_siteurl|siteroot)\s*=\s*[\"']")
DETAIL_MARKUP = re.compile(r"id=[\"'](?:news-bodyhtml|news_detail)[\"']")


class ArticleRef(NamedTuple):
    """What an article URL says: language, module, the view prefix (if any) and the id."""

    language: str
    module: str
    view: str | None
    article_id: str


def _raw_params(query: str) -> dict[str, str]:
    return {k.lower(): v for k, v in parse_qsl(query, keep_blank_values=True)}


def parse_article_url(url: str) -> ArticleRef | None:
    """The article a NukeViet URL points to (rewritten or raw `index.php?` form), or None."""
    parts = urlsplit(url)
    params = _raw_params(parts.query)
    if "nv" in params and "op" in params:
        if not RAW_PATH.match(parts.path):
            return None
        language, module, op = params.get("language", DEFAULT_LANGUAGE), params["nv"], params["op"]
    else:
        found = REWRITTEN.match(parts.path)
        if found is None:
            return None
        language = found["lang"] or DEFAULT_LANGUAGE
        module, op = found["module"], found["op"]
    detail = DETAIL_OP.match(op)
    if detail is None or detail["cat"].lower() in RESERVED_OPS:
        return None
    if module.lower() in NON_NEWS_MODULES:
        return None
    if detail["alias"].lower() == "page":  # listing pagination: <cat>/page-2
        return None
    view = detail["view"].lower() if detail["view"] else None
    return ArticleRef(language.lower(), module.lower(), view, detail["id"])


def canonicalize(url: str, profile: SiteProfile | None) -> str:
    """Fold the print/savefile/sendmail views into the article URL; raw URLs keep their form."""
    url = canonical_url(url)
    if parse_article_url(url) is None:
        return url
    parts = urlsplit(url)
    if "op" in _raw_params(parts.query):
        path = parts.path.rsplit("/", 1)[0] + "/index.php"
        return urlunsplit((parts.scheme, parts.netloc, path, _raw_query(parts.query), ""))
    found = REWRITTEN.match(parts.path)
    if found is None:
        return url
    path = parts.path[: found.start("op")] + VIEW_PREFIX.sub("", found["op"])
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def _raw_query(query: str) -> str:
    """language, nv, op first as NukeViet writes them, and op without its view prefix."""
    pairs = sorted(
        parse_qsl(query, keep_blank_values=True), key=lambda kv: RAW_ORDER.get(kv[0].lower(), 3)
    )
    pairs = [(k, VIEW_PREFIX.sub("", v) if k.lower() == "op" else v) for k, v in pairs]
    return urlencode(pairs, safe="/:,")


def article_key(url: str) -> str | None:
    """`<lang>-<module>-<id>`: ids are unique only within one module of one language."""
    ref = parse_article_url(url)
    if ref is None:
        return None
    return f"{ref.language}-{ref.module}-{ref.article_id}"


def is_article_url(url: str) -> bool:
    """Detail pages and their print/savefile/sendmail views (not their file downloads)."""
    if FILE_PARAMS & _raw_params(urlsplit(url).query).keys():
        return False
    return parse_article_url(url) is not None


def detect(url: str, html: str) -> bool:
    """The generator tag or nv_* globals; a raw ?language=&nv=&op= URL; a detail URL + markup."""
    if GENERATOR.search(html) or SCRIPT_GLOBALS.search(html):
        return True
    if _raw_params(urlsplit(url).query).keys() >= RAW_KEYS:
        return True  # the language/nv/op triple is NukeViet's own (NV_*_VARIABLE)
    return parse_article_url(url) is not None and bool(DETAIL_MARKUP.search(html))


# NukeViet 3 puts the thumbnail (and its caption) inside #hometext, before the lead text.
NV3_THUMBNAIL = re.compile(r"<div id=\"imghome\"[^>]*>.*?</div>", re.IGNORECASE | re.DOTALL)


def prepare(url: str, html: str) -> str:
    """Drop NukeViet 3's thumbnail block from the lead, so its caption is not read as lead."""
    return NV3_THUMBNAIL.sub("", html) if 'id="hometext"' in html else html


def _labelled(label: str) -> list[str]:
    """The right-aligned "<strong>Label: </strong>value" paragraphs of NV4, NV3 and print views."""
    starts = f"strong[starts-with(normalize-space(), '{label}')]"
    return [
        "//div[contains(concat(' ', normalize-space(@class), ' '), ' news_column ')]"
        f"//p[contains(@class, 'text-right')][{starts}]",
        "//div[@id='news_detail']/p[contains(translate(@style, ' ', ''), 'text-align:right')]"
        f"[{starts}]",
        f"//div[@id='author']/p[{starts}]",
    ]


PLATFORM = Platform(
    name="nukeviet",
    description="NukeViet 3/4 news: /<lang>/<module>/<cat>/<alias>-<id>.html, index.php?nv=",
    defaults={
        "listing": {
            # viewcat_* templates: featured entry in h2, the others in h3, inside .news_column.
            "article_links": "div.news_column h2 > a[href], div.news_column h3 > a[href]",
            "next_page": [
                # NV4 pager: the » arrow is the last rel=next link (numbered links carry it too).
                "(//ul[contains(@class, 'pagination')]//a[@rel='next'])[last()]",
                # NV3 pager: bare links, the current page in <strong>.
                "(//strong/following-sibling::a[contains(@href, '/page-')])[1]",
            ],
        },
        "article": {
            "title": ["div.news_column h1.title", "#news_detail > h1", "#print #content > h1"],
            "date": [
                "div.news_column span.h5",
                "#news_detail > span.time",
                "[itemprop='datePublished']",
                "#print #content > ul.list-inline > li",
            ],
            "body": ["#news-bodyhtml", "#news_detail > div.bodytext", "#print #bodytext"],
            "lead": [
                "div.news_column div.hometext",
                "#news_detail > #hometext",
                "#print #hometext",
            ],
            "authors": _labelled("Tác giả"),
            "source": _labelled("Nguồn tin"),
            "category": [
                # NV4 themes print the trail in a hidden list that JavaScript turns into the bar.
                ".temp-breadcrumbs > li:last-child span",
                "(//div[contains(@class, 'breakcolumn')]/a)[last()]",
            ],
            "attachments": ".news-download-file .list-group-item > a[title]",
            "remove": [
                "#form3B",
                ".fb-like",
                ".zalo-share-button",
                ".news-download-file",
                "div.other-news",
                "div.keywords",
                "ul.related",
            ],
        },
    },
    canonicalize=canonicalize,
    article_key=article_key,
    is_article_url=is_article_url,
    detect=detect,
    marks=("nukeviet", "nv_base_siteurl", "nv_siteroot", "news-bodyhtml", "news_detail"),
    prepare=prepare,
)
