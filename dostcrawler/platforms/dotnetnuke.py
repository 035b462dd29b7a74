"""DotNetNuke (DNN) portals (old Thái Nguyên DOST site, dost-platforms.md §2.4).

DNN routes every page through `Default.aspx?tabid=<n>&<module params>`; its friendly-URL provider
writes the same request as `/tabid/<n>/<key>/<value>/.../Default.aspx`, and sites that map
extensionless URLs also answer it without the page name. Module print views add `mid`,
`dnnprintmode`, `SkinSrc` and `ContainerSrc`. IIS and the DNN rewriter read paths and parameter
names case-insensitively, so links typed by editors vary in case. All of these are one page.

Dates are printed with the server culture (en-US): `10/16/2017 12:00:00 AM`, month first, with a
fake midnight when only a date was stored.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from dostcrawler.extract.urls import canonical_url
from dostcrawler.platforms.base import Platform

if TYPE_CHECKING:
    from dostcrawler.profiles.model import SiteProfile

# The article id parameters of DNN news modules: ItemID (core modules and most Vietnamese custom
# news modules), ArticleID (Ventrian News Articles), EntryId (DNN Blog).
ARTICLE_ID_KEYS = ("itemid", "articleid", "entryid")
# A news-group parameter that qualifies the item id in Vietnamese custom modules ("Nhóm tin").
GROUP_KEYS = ("nhomtin",)
# Print views: presentation only, never other content.
PRINT_KEYS = {"dnnprintmode", "skinsrc", "containersrc"}
# Module controls that show content; any other `ctl` (Login, Register, Edit, ...) is a form.
VIEW_CONTROLS = {"details", "detail", "view", "viewdetails"}
# A parameter can live in the path only when its value is a plain token (DNN keeps the rest in
# the query string).
PATH_TOKEN = re.compile(r"^[A-Za-z0-9_.\-]+$")
DEFAULT_PAGE = "default.aspx"

_HTML_MARKERS = re.compile(
    r"""id=["']dnn_|DotNetNuke|DNN Platform|/Portals/_default/|/js/dnncore\.js|__dnnVariable""",
    re.IGNORECASE,
)
_URL_MARKER = re.compile(r"/tabid/\d+(?:/|$)|(?:^|[?&])tabid=\d+", re.IGNORECASE)


class DnnUrl:
    """A DNN page request read from either URL form: portal prefix, tab id, module parameters."""

    def __init__(self, prefix: str, tab_id: str, params: list[tuple[str, str]]) -> None:
        self.prefix = prefix
        self.tab_id = tab_id
        self.params = params

    @classmethod
    def parse(cls, url: str) -> DnnUrl | None:
        """The request behind a friendly or query-string DNN URL, or None for other URLs."""
        parts = urlsplit(url)
        segments = [unquote(s) for s in parts.path.split("/")]
        query = parse_qsl(parts.query, keep_blank_values=True)
        lowered = [s.lower() for s in segments]
        for i in range(len(segments) - 1):
            if lowered[i] == "tabid" and segments[i + 1].isdigit():
                rest = [s for s in segments[i + 2 :] if s]
                if rest and rest[-1].lower().endswith(".aspx"):
                    rest = rest[:-1]  # the page name is ignored by the rewriter
                if len(rest) % 2:
                    return None  # not key/value pairs: some other rewriter's URL
                pairs = list(zip(rest[::2], rest[1::2], strict=True))
                return cls("/".join(segments[:i]), segments[i + 1], pairs + query)
        if lowered[-1] == DEFAULT_PAGE:
            tab = [v for k, v in query if k.lower() == "tabid"]
            if tab and tab[0].isdigit():
                params = [(k, v) for k, v in query if k.lower() != "tabid"]
                return cls("/".join(segments[:-1]), tab[0], params)
        return None

    def value(self, key: str) -> str | None:
        """The first value of a parameter, by case-insensitive name."""
        return next((v for k, v in self.params if k.lower() == key), None)

    def canonical_params(self) -> list[tuple[str, str]]:
        """Parameters that select content: lower case, sorted, print and isolation noise dropped."""
        keys = {k.lower() for k, _ in self.params}
        kept: dict[str, str] = {}
        for key, value in self.params:
            key = key.lower()
            # `mid` without a control only isolates the module; the page shows the same content.
            if key in PRINT_KEYS or (key == "mid" and "ctl" not in keys) or key in kept:
                continue
            kept[key] = value.lower() if PATH_TOKEN.match(value) else value
        return sorted(kept.items())


def canonicalize(url: str, profile: SiteProfile | None) -> str:
    """One spelling for a DNN page: `/tabid/<n>/<key>/<value>/.../default.aspx`, lower case.

    Lower case because IIS and DNN ignore case in paths (DNN itself can force lower-case URLs),
    so it is the only spelling every variant folds to; parameters sorted because their order
    never matters to ASP.NET.
    """
    url = canonical_url(url)
    dnn = DnnUrl.parse(url)
    if dnn is None:
        return url
    path_params: list[tuple[str, str]] = []
    query_params: list[tuple[str, str]] = []
    for key, value in dnn.canonical_params():
        target = path_params if PATH_TOKEN.match(key) and PATH_TOKEN.match(value) else query_params
        target.append((key, value))
    segments = [quote(dnn.prefix.lower()), "tabid", dnn.tab_id]
    segments += [quote(part) for pair in path_params for part in pair]
    path = "/".join([*segments, DEFAULT_PAGE])
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query_params), ""))


def _article_item(url: str) -> tuple[DnnUrl, str] | None:
    """(request, item id) when the URL shows one item of a module."""
    dnn = DnnUrl.parse(url)
    if dnn is None:
        return None
    control = dnn.value("ctl")
    if control is not None and control.lower() not in VIEW_CONTROLS:
        return None
    ids = (dnn.value(key) for key in ARTICLE_ID_KEYS)
    item_id = next((value for value in ids if value is not None and value.isdigit()), None)
    return (dnn, item_id) if item_id else None


def article_key(url: str) -> str | None:
    """`<tabid>-<NhomTin>-<ItemID>` (group left out when absent).

    The tab id stays in the key because ItemID is each module's own row id: an Events or
    Documents module on another tab reuses the same numbers.
    """
    found = _article_item(url)
    if found is None:
        return None
    dnn, item_id = found
    group = next((g for g in (dnn.value(k) for k in GROUP_KEYS) if g and g.isdigit()), None)
    return "-".join(part for part in (dnn.tab_id, group, item_id) if part)


def is_article_url(url: str) -> bool:
    """A DNN page that shows one item (ItemID/ArticleID/EntryId), not a login or edit form."""
    return _article_item(url) is not None


def detect(url: str, html: str) -> bool:
    """DNN markup (`dnn_` ids, DotNetNuke banner, `/Portals/_default/` assets) or a tabid URL."""
    parts = urlsplit(url)
    return bool(_URL_MARKER.search(f"{parts.path}?{parts.query}") or _HTML_MARKERS.search(html))


def _href_contains(*needles: str) -> str:
    """XPath test: the lower-cased href contains any of the needles."""
    lowered = "translate(@href, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    return " or ".join(f"contains({lowered}, '{n}')" for n in needles)


# Every DNN skin has a ContentPane (a div or, in table skins, a td); side panes hold "tin mới"
# lists that are not the listing.
_ITEM_LINKS = (
    "//*[@id='dnn_ContentPane']//a["
    f"({_href_contains(*ARTICLE_ID_KEYS)})"
    f" and not({_href_contains('/ctl/', 'ctl=', 'dnnprintmode')})"
    "]"
)

PLATFORM = Platform(
    name="dotnetnuke",
    description="DotNetNuke portals: /tabid/<n>/<key>/<value>/.../Default.aspx or "
    "Default.aspx?tabid=<n>&ItemID=<n>; US month-first dates",
    defaults={
        "listing": {"article_links": [_ITEM_LINKS]},
        "article": {
            "date_order": "mdy",
            # The container title of the content module: news modules show their section there.
            "category": [
                "#dnn_ContentPane .DnnModule span[id^='dnn_ctr'][id$='_titleLabel']",
                "#dnn_ContentPane .DnnModule span[id^='dnn_ctr'][id$='_lblTitle']",
            ],
            # Container widgets: module action menus, print/syndicate icons, visibility toggles.
            "remove": [
                "[id$='_dnnACTIONS']",
                "[id$='_dnnPRINT']",
                "[id$='_dnnRSS']",
                "[id$='_dnnVISIBILITY']",
                ".dnnActionMenu",
            ],
        },
    },
    canonicalize=canonicalize,
    article_key=article_key,
    is_article_url=is_article_url,
    detect=detect,
    marks=("dnn_", "__dnnvariable", "dnncore", "dnn platform", "dotnetnuke", "/portals/_default/"),
)
