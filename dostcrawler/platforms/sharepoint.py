"""SharePoint 2010/2013 list portals (Vĩnh Phúc family).

Articles are list items: `/<site>/Lists/<List>/View_Detail.aspx?ItemID=<n>` (also
`DispForm.aspx?ID=` and `ChiTiet.aspx?ID=`). IIS serves paths and query keys
case-insensitively, so the same item shows up as
`.../lists/tintuchoatdong/view_detail.aspx?itemid=<n>`; SharePoint also appends `Source=`
return links and ribbon parameters. All of these are one article.
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


def canonicalize(url: str, profile: SiteProfile | None) -> str:
    """Spell a list-item URL one way: the list path as the profile's start URL spells it."""
    url = canonical_url(url)
    parts = urlsplit(url)
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
    """`<list>-<item id>`, lower case: item ids are unique within one list."""
    parts = urlsplit(url)
    match = ITEM_PAGE.search(parts.path)
    if not match:
        return None
    query = {k.lower(): v for k, v in parse_qsl(parts.query)}
    item_id = query.get("itemid") or query.get("id")
    if not item_id or not item_id.isdigit():
        return None
    return f"{match['list'].lower()}-{item_id}"


def is_article_url(url: str) -> bool:
    """List-item detail forms carry an item id."""
    return article_key(url) is not None


def detect(url: str, html: str) -> bool:
    """SharePoint pages load `/_layouts/` assets and define `_spPageContextInfo`."""
    return "_spPageContextInfo" in html or "/_layouts/15/" in html or bool(ITEM_PAGE.search(url))


PLATFORM = Platform(
    name="sharepoint",
    description="SharePoint 2010/2013 list portals: /Lists/<List>/View_Detail.aspx?ItemID=N",
    defaults={
        "listing": {
            "article_links": [
                "a[href*='View_Detail.aspx' i]",
                "a[href*='DispForm.aspx' i]",
                "a[href*='ChiTiet.aspx' i]",
            ],
        },
        "article": {
            "remove": ["#s4-ribbonrow", ".ms-hide", "select", "input"],
        },
    },
    canonicalize=canonicalize,
    article_key=article_key,
    is_article_url=is_article_url,
    detect=detect,
)
