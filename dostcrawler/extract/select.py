"""Selector helpers: profile selectors are CSS unless they are XPath: starting with "/" or "(",
or an XPath function call such as `normalize-space(substring-before(//title, ' - Sở ...'))`."""

from __future__ import annotations

import functools
import re

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement
from parsel import Selector, SelectorList

XPATH_FUNCTION = re.compile(r"^[a-z][a-z-]*\(")


def is_xpath(selector: str) -> bool:
    """True for an XPath selector, False for CSS."""
    return selector.startswith(("/", "(")) or bool(XPATH_FUNCTION.match(selector))


@functools.lru_cache(maxsize=1024)
def css_matcher(selector: str) -> CSSSelector:
    """A CSS selector compiled once for lxml elements: translating it to XPath cost more than
    running it, and the learned and profile selectors run on every page."""
    return CSSSelector(selector, translator="html")


# The simple selectors `any_match` reads off attribute values: a tag, .class, #id, and
# [class*='part'].
_SIMPLE_SELECTOR = re.compile(
    r"^(?:(?P<tag>[a-z][\w-]*)|\.(?P<cls>[\w-]+)|#(?P<id>[\w-]+)"
    r"|\[class\*=['\"](?P<part>[\w-]+)['\"]\])$"
)


def any_match(root: HtmlElement, selectors: str) -> bool:
    """Whether any element of the page matches one of these comma-separated simple selectors.
    Read off the page's class and id values (one pass each), not by testing every element
    against every alternative: on a large page that was most of the cost of a page with none."""
    simple = [_SIMPLE_SELECTOR.match(part.strip()) for part in selectors.split(",")]
    if None in simple:
        raise ValueError(f"any_match takes simple selectors only, not {selectors!r}")
    tags, classes, ids, parts = (
        {found[kind] for found in simple if found and found[kind]}
        for kind in ("tag", "cls", "id", "part")
    )
    if tags and next(root.iter(*tags), None) is not None:
        return True
    if ids and not ids.isdisjoint(root.xpath("//@id", smart_strings=False)):
        return True
    for value in root.xpath("//@class", smart_strings=False) if classes or parts else ():
        if any(part in value for part in parts) or not classes.isdisjoint(value.split()):
            return True
    return False


def select(node: Selector, selectors: tuple[str, ...]) -> SelectorList[Selector]:
    """The matches of the first selector alternative that matches anything."""
    for selector in selectors:
        found = node.xpath(selector) if is_xpath(selector) else node.css(selector)
        if found:
            return found
    return SelectorList([])


def first_text(node: Selector, selectors: tuple[str, ...]) -> tuple[str, Selector] | None:
    """The visible text of the first match with any text, and the match itself."""
    from dostcrawler.extract.text import clean_text

    for match in select(node, selectors):
        if isinstance(match.root, str):  # an attribute (::attr(x), @x) or text() selector
            text = clean_text(match.root)
        else:
            text = clean_text(" ".join(match.xpath(".//text()[not(ancestor::script)]").getall()))
        if text:
            return text, match
    return None
