"""SharePoint 2007–2013 portals: list items (Vĩnh Phúc) and publishing pages (Ninh Thuận, Lào Cai).

Articles come in two shapes (dost-platforms.md §2.2):
- list items: `/<site>/Lists/<List>/View_Detail.aspx?ItemID=<n>` (also `DispForm.aspx?ID=` and
  `ChiTiet.aspx?ID=`); SharePoint appends `Source=` return links and ribbon parameters;
- publishing pages in the site's Pages library, localized as `Trang` on Vietnamese installs:
  `/<site>/Pages/<yyyy-m-d>/<Title-Slug><6 random chars>.aspx` (Ninh Thuận) or
  `/<site>/Trang/<yyyymmddhhmmss>.aspx` (Lào Cai, MOSS 2007).
IIS serves paths and query keys case-insensitively, so one article shows up under several
spellings (`.../lists/tintuchoatdong/view_detail.aspx?itemid=<n>`, an upper-cased page name).
All of these are one article.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dostcrawler.extract.urls import canonical_url
from dostcrawler.platforms.base import Platform

if TYPE_CHECKING:
    from dostcrawler.profiles.model import SiteProfile

ITEM_PAGE = re.compile(
    r"/lists/(?P<list>[^/]+)/(?P<form>view_detail|dispform|chitiet)\.aspx$", re.IGNORECASE
)
ITEM_ID_KEYS = {"itemid": "ItemID", "id": "ID"}
FORM_NAMES = {"view_detail": "View_Detail", "dispform": "DispForm", "chitiet": "ChiTiet"}
# Parameters SharePoint adds for navigation; they never select different content.
NOISE_PARAMS = {"source", "initialtabid", "isdlg", "contenttypeid", "rootfolder"}
# A page of the Pages library is an article when the portal files it in a posting-date folder
# or names it after its creation time; `Pages/default.aspx` and category pages are neither.
ARTICLE_PAGE = re.compile(
    r"/(?:pages|trang)/(?:\d{4}-\d{1,2}-\d{1,2}/(?P<slug>[^/]+)|(?P<stamp>\d{14}))\.aspx$",
    re.IGNORECASE,
)
MARKUP = re.compile(
    r"_spPageContextInfo|/_layouts/|<meta\s+name=\"generator\"\s+content=\"Microsoft SharePoint",
    re.IGNORECASE,
)


def canonicalize(url: str, profile: SiteProfile | None) -> str:
    """One spelling per article: list items as the profile spells the list, pages lower-cased."""
    url = canonical_url(url)
    parts = urlsplit(url)
    if ARTICLE_PAGE.search(parts.path):
        # A page name has no recoverable "right" case (slugs follow the title's case), so the
        # one spelling every variant can reach is lower case. The query only adds view modes.
        return urlunsplit((parts.scheme, parts.netloc, parts.path.lower(), "", ""))
    match = ITEM_PAGE.search(parts.path)
    if not match:
        return url
    prefix = parts.path[: match.start()]
    list_path = f"{prefix}/Lists/{match['list']}"
    for known in _known_list_paths(profile):
        if known.lower() == list_path.lower():
            list_path = known
            break
    form = FORM_NAMES[match["form"].lower()]
    query = [
        (ITEM_ID_KEYS.get(k.lower(), k), v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in NOISE_PARAMS
    ]
    path = f"{list_path}/{form}.aspx"
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))


def _known_list_paths(profile: SiteProfile | None) -> list[str]:
    if profile is None:
        return []
    paths = []
    for url in profile.start_urls:
        match = re.search(r"^(.*?/lists/[^/]+)", urlsplit(url).path, re.IGNORECASE)
        if match:
            paths.append(match[1])
    return paths


def article_key(url: str) -> str | None:
    """`<list>-<item id>` for list items, the page name for publishing pages; lower case."""
    parts = urlsplit(url)
    if page := ARTICLE_PAGE.search(parts.path):
        return (page["slug"] or page["stamp"]).lower()
    match = ITEM_PAGE.search(parts.path)
    if not match:
        return None
    query = {k.lower(): v for k, v in parse_qsl(parts.query)}
    item_id = query.get("itemid") or query.get("id")
    if not item_id or not item_id.isdigit():
        return None
    return f"{match['list'].lower()}-{item_id}"


def is_article_url(url: str) -> bool:
    """List-item forms with an item id, and dated or timestamp-named publishing pages."""
    return article_key(url) is not None


def detect(url: str, html: str) -> bool:
    """SharePoint pages load `/_layouts/` assets, define `_spPageContextInfo` or say so in meta."""
    return bool(MARKUP.search(html)) or is_article_url(url)


# XPath 1.0 has no lower-case(): fold the letters of "pages" and "trang" by hand.
_HREF = "translate(@href, 'PAGESTRN', 'pagestrn')"

PLATFORM = Platform(
    name="sharepoint",
    description=(
        "SharePoint portals: list items /Lists/<List>/View_Detail.aspx?ItemID=N and "
        "publishing pages /Pages/<yyyy-m-d>/<slug>.aspx or /Trang/<timestamp>.aspx"
    ),
    defaults={
        "listing": {
            "article_links": [
                "a[href*='View_Detail.aspx' i]",
                "a[href*='DispForm.aspx' i]",
                "a[href*='ChiTiet.aspx' i]",
                f"//a[contains({_HREF}, '/pages/2') or contains({_HREF}, '/trang/2')]",
            ],
        },
        "article": {
            # Rich text as SharePoint renders it: a publishing page's content field, or a list
            # item's HTML field wrapped in its ExternalClass<GUID> div.
            "body": [
                "div.ms-rtestate-field[id$='RichHtmlField']",
                "div[class^='ExternalClass']",
            ],
            "remove": ["#s4-ribbonrow", ".ms-hide", "select", "input"],
        },
    },
    canonicalize=canonicalize,
    article_key=article_key,
    is_article_url=is_article_url,
    detect=detect,
    marks=("_sppagecontextinfo", "/_layouts/", "microsoft sharepoint"),
)
