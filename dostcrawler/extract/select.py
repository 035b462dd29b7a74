"""Selector helpers: profile selectors are CSS unless they are XPath: starting with "/" or "(",
or an XPath function call such as `normalize-space(substring-before(//title, ' - Sở ...'))`."""

from __future__ import annotations

import re

from parsel import Selector, SelectorList

XPATH_FUNCTION = re.compile(r"^[a-z][a-z-]*\(")


def is_xpath(selector: str) -> bool:
    """True for an XPath selector, False for CSS."""
    return selector.startswith(("/", "(")) or bool(XPATH_FUNCTION.match(selector))


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
