"""Selector helpers: profile selectors are CSS unless they are XPath: starting with "/" or "(",
or an XPath function call such as `normalize-space(substring-before(//title, ' - Sở ...'))`."""

from __future__ import annotations

import functools
import re

from cssselect import HTMLTranslator
from lxml.cssselect import CSSSelector
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


@functools.lru_cache(maxsize=64)
def any_of(selectors: str) -> str:
    """One XPath for the elements that match any of these comma-separated simple CSS selectors
    (no combinators), in document order: one walk of the page, where the CSS union walks it
    once for each alternative."""
    translator = HTMLTranslator()
    tests = [
        translator.css_to_xpath(part.strip(), prefix="self::") for part in selectors.split(",")
    ]
    if any("/" in test for test in tests):
        raise ValueError(f"any_of takes simple selectors, not combinators: {selectors!r}")
    return f"descendant-or-self::*[{' or '.join(tests)}]"


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
