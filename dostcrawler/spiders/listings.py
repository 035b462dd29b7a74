"""Listing strategies: where article URLs come from, as composable pure functions.

- html: listing pages (entries, per-entry dates, pagination);
- rss: RSS 2.0 / Atom feeds;
- sitemap: sitemap indexes and url sets;
- api: a JSON listing endpoint paged with start/length (SharePoint portals whose listings
  paginate only in JavaScript, e.g. vinhphuc.gov.vn's QUERYDATA).
Each returns `Entry` objects; the spider canonicalises and requests them.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from dostcrawler.extract.article import ListingHint
from dostcrawler.extract.dates import ParsedDate, parse_date
from dostcrawler.extract.generic import is_noise
from dostcrawler.extract.select import select
from dostcrawler.extract.text import clean_text
from dostcrawler.extract.urls import attachment_media_type
from dostcrawler.platforms.base import Platform
from dostcrawler.profiles.model import ListingRules

NEXT_PAGE_TEXT = re.compile(r"^(?:trang sau|sau|tiếp|trang tiếp|tiếp theo|next|»|›|>|>>)$", re.I)
# RSS dates: NukeViet writes the month into the minutes field and the time in UTC, so only the
# day, month and year of a feed date are trusted.
RFC822_DAY = re.compile(r"(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})")
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MIN_TITLE_CHARS = 20
# The longest line that is an entry's date line ("Thứ hai, 14/07/2025 - 09:30").
DATE_LINE_CHARS = 40
# How far above its link an entry's block may reach: a link, its headline, the entry.
ENTRY_LEVELS = 3


@dataclass(frozen=True)
class Entry:
    """One article URL found on a listing, with what the listing said about it."""

    url: str
    hint: ListingHint = field(default_factory=ListingHint)


# HTML listing pages ---------------------------------------------------------------------------


def html_entries(
    page: Selector,
    base_url: str,
    rules: ListingRules,
    platform: Platform,
    *,
    month_first: bool,
    discover: bool = False,
) -> list[Entry]:
    """Entries of an HTML listing page: by profile selectors, else by generic discovery (also
    when `discover` is set and the selectors, a preset's guess, find nothing)."""
    entries = select(page, rules.item) if rules.item else []
    found: list[Entry] = []
    if entries:
        for entry in entries:
            entry_links = select(entry, rules.article_links) or entry.css("a[href]")
            href = entry_links.attrib.get("href") if entry_links else None
            if href:
                hint = _entry_hint(entry, rules.item_date, month_first)
                title = clean_text(entry_links[0].xpath("string()").get())
                found.append(Entry(urljoin(base_url, href), replace(hint, title=title or None)))
        return found
    links: list[Selector] = []
    if rules.article_links:
        # A preset's selectors are the platform's URL forms, and one listing may link several
        # (list items and publishing pages): every form's links, in page order. A profile's
        # selectors are alternatives, the first that matches winning.
        links = (
            _every_match(page, rules.article_links)
            if discover
            else list(select(page, rules.article_links))
        )
    if not links and (discover or not rules.article_links):
        links = _generic_links(page, base_url, platform)
    # Each href resolved once: the entry blocks ask about the same links again and again.
    absolute = functools.cache(functools.partial(urljoin, base_url))
    targets = {absolute(link.attrib.get("href", "")) for link in links}
    for link in links:
        href = link.attrib.get("href")
        if href:
            # The entry's date is printed next to its link ("Title (19/01/2022)"), or in the
            # entry's meta line beside the headline's own element.
            hint = _entry_hint(_entry_block(link, absolute, targets), (), month_first)
            title = clean_text(link.xpath("string()").get()) or clean_text(link.attrib.get("title"))
            found.append(Entry(absolute(href), replace(hint, title=title or None)))
    return _merged(found)


def _entry_block(link: Selector, absolute: Callable[[str], str], targets: set[str]) -> Selector:
    """The listing entry a link heads: its parent, or the largest ancestor a few levels up
    that links no other article. A headline often sits in an <h3> of its own with the
    entry's date in a sibling line; the next ancestor up, holding other entries, is the list."""
    own = absolute(link.attrib.get("href", ""))
    ancestors = link.xpath("ancestor::*")
    if not ancestors:
        return link
    block = ancestors[-1]
    for ancestor in reversed(ancestors[-ENTRY_LEVELS:-1]):
        if ancestor.root.tag in ("body", "html"):
            break
        if _links_another(ancestor, own, absolute, targets):
            break
        block = ancestor
    return block


def _links_another(
    element: Selector, own: str, absolute: Callable[[str], str], targets: set[str]
) -> bool:
    """Whether the element links an article other than `own`."""
    for anchor in element.root.iter("a"):
        href = anchor.get("href")
        if href is not None and (target := absolute(href)) != own and target in targets:
            return True
    return False


def _every_match(page: Selector, selectors: tuple[str, ...]) -> list[Selector]:
    """The matches of all the selectors, each element once, in document order."""
    position = {element: i for i, element in enumerate(page.root.iter())}
    found: dict[object, Selector] = {}
    for selector in selectors:
        for match in select(page, (selector,)):
            found.setdefault(match.root, match)
    return sorted(found.values(), key=lambda match: position.get(match.root, -1))


def _merged(entries: list[Entry]) -> list[Entry]:
    """One entry per URL, in order of first appearance. A listing often links an article
    twice (its thumbnail, then its headline with the date beside it): what either link says
    is the entry's hint."""
    by_url: dict[str, Entry] = {}
    for entry in entries:
        known = by_url.get(entry.url)
        if known is None:
            by_url[entry.url] = entry
            continue
        by_url[entry.url] = Entry(
            entry.url,
            ListingHint(
                date=known.hint.date or entry.hint.date,
                category=known.hint.category or entry.hint.category,
                title=known.hint.title or entry.hint.title,
            ),
        )
    return list(by_url.values())


def _generic_links(page: Selector, base_url: str, platform: Platform) -> list[Selector]:
    """Article links with no selector: the platform's URL shape, else headline-like links in
    the page's content (long anchor text, outside menus, sidebars and footers)."""
    links = []
    for link in page.css("a[href]"):
        href = urljoin(base_url, link.attrib.get("href", ""))
        if attachment_media_type(href) or not href.startswith("http"):
            continue
        if platform.is_article_url(href):
            links.append(link)
            continue
        text = clean_text(link.xpath("string()").get())
        # Where a link stands is its containers' to say: its own class says how it looks
        # ("lienkettin", a link to a news item, is not a "lienket" box of other websites).
        container = link.root.getparent()
        long_enough = len(text) >= MIN_TITLE_CHARS and len(text.split()) >= 5
        if long_enough and (container is None or not is_noise(container)):
            links.append(link)
    return links


def _entry_hint(entry: Selector, date_selectors: tuple[str, ...], month_first: bool) -> ListingHint:
    texts = select(entry, date_selectors).xpath("string()").getall() if date_selectors else []
    if not texts:
        texts = [" ".join(entry.xpath("text() | */text()[not(ancestor::a)]").getall())]
    # Then a date printed on a short line of its own anywhere in the entry ("14/07/2025" in
    # its meta line), never one inside the excerpt's sentences, which name events.
    lines = entry.xpath(".//text()[not(ancestor::a)][not(ancestor::script)]").getall()
    texts += [line for line in map(clean_text, lines) if line and len(line) <= DATE_LINE_CHARS]
    for text in texts:
        parsed = parse_date(clean_text(text), month_first=month_first)
        if parsed:
            return ListingHint(date=parsed)
    return ListingHint()


def html_next_pages(
    page: Selector, base_url: str, rules: ListingRules, page_number: int
) -> list[str]:
    """The next listing page(s): the profile's selector, else (or where it finds none: a
    theme's own pager markup) rel=next, "Trang sau" or N+1."""
    links = select(page, rules.next_page) if rules.next_page else []
    links = links or _pager_links(page, page_number)
    urls = []
    for link in links:
        href = link.attrib.get("href", "")
        if href and not href.startswith(("javascript:", "#")):
            urls.append(urljoin(base_url, href))
    return urls


def _pager_links(page: Selector, page_number: int) -> list[Selector]:
    found = page.css("a[rel~=next]")
    if found:
        return list(found[:1])
    for link in page.css("a[href]"):
        text = clean_text(link.xpath("string()").get())
        if NEXT_PAGE_TEXT.match(text) or text == str(page_number + 1):
            return [link]
    return []


# Feeds and sitemaps ---------------------------------------------------------------------------


def feed_entries(feed: Selector) -> list[Entry]:
    """RSS 2.0 items and Atom entries, with the feed's date (day precision) as the hint."""
    feed.remove_namespaces()
    found = []
    for item in feed.xpath("//item | //entry"):
        link = item.xpath("link/@href").get() or item.xpath("link/text()").get()
        if not link:
            continue
        raw = item.xpath("pubDate/text() | published/text() | updated/text()").get() or ""
        found.append(Entry(clean_text(link), ListingHint(date=_feed_date(raw))))
    return found


def _feed_date(raw: str) -> ParsedDate | None:
    if match := RFC822_DAY.search(raw):
        day, month, year = match.groups()
        if month in MONTHS:
            return parse_date(f"{int(day):02d}/{MONTHS.index(month) + 1:02d}/{year}")
    if re.match(r"\d{4}-\d{2}-\d{2}", raw.strip()):
        return parse_date(raw.strip()[:10])
    return None


def sitemap_entries(sitemap: Selector, platform: Platform) -> tuple[list[Entry], list[str]]:
    """(article entries, child sitemaps) of a sitemap; only URLs shaped like articles when the
    platform knows its article URLs. `lastmod` is a modification date, never a hint."""
    sitemap.remove_namespaces()
    children = [clean_text(u) for u in sitemap.xpath("//sitemap/loc/text()").getall()]
    urls = [clean_text(u) for u in sitemap.xpath("//url/loc/text()").getall()]
    shaped = [url for url in urls if platform.is_article_url(url)]
    return [Entry(url) for url in shaped or urls], children


# JSON listing API -------------------------------------------------------------------------------


def api_form(rules: ListingRules, start: int) -> dict[str, str]:
    """The form of one API page: the profile's fields plus start/length."""
    return {**rules.api_form, "start": str(start), "length": str(rules.api_page_size)}


def api_entries(payload: str, rules: ListingRules, start: int) -> tuple[list[Entry], int | None]:
    """(entries, next start or None) of one API answer."""
    data = json.loads(payload)
    items: list[dict[str, Any]] = data.get(rules.api_items) or []
    entries = []
    for item in items:
        fields = {**rules.api_form, **{k: str(v) for k, v in item.items()}}
        url = rules.api_detail_url.format_map(_Missing(fields))
        date = parse_date(str(item.get(rules.api_date_field) or ""))
        entries.append(Entry(url, ListingHint(date=date)))
    total = data.get("recordsTotal") or data.get("recordsFiltered")
    next_start = start + len(items)
    more = len(items) == rules.api_page_size and (total is None or next_start < int(total))
    return entries, next_start if more else None


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
