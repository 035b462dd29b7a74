"""Text hygiene and HTML-to-paragraph conversion.

Vietnamese sites mix NFC and NFD text, non-breaking spaces and Word-paste markup; every string
that leaves this module is NFC with single spaces.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from lxml import html as lxml_html

# Zero-width characters count as whitespace; every other whitespace character is one that
# str.split() splits on (the same set as the regular expression class \s).
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\ufeff")
BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt"),
        *("figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header"),
        *("hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td"),
        *("tfoot", "th", "thead", "tr", "ul"),
    }
)
SKIP_TAGS = frozenset(
    {
        *("script", "style", "noscript", "template", "select", "option", "button", "input"),
        *("textarea", "iframe", "object", "embed", "svg", "canvas", "head", "title", "meta"),
        "link",
    }
)
EMBEDDED_MEDIA = frozenset({"iframe", "video", "embed", "object"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
EMPHASIS_TAGS = frozenset({"em", "i"})
BOLD_TAGS = frozenset({"strong", "b"})
CENTERED = re.compile(r"text-align\s*:\s*center", re.IGNORECASE)
# A CMS's placeholders printed unrendered: a page builder's WordPress shortcodes
# ("[vc_row]", "[/vc_column_text]", "[et_pb_text admin_label=...]": words joined by "_") and
# Joomla 1.0's mambot tags ("{mosimage}", "{mospagebreak}", "{loadposition user1}"). They
# are markup the site failed to run, not text.
UNRENDERED_PLACEHOLDER = re.compile(
    r"\[/?[a-z]+(?:_[a-z0-9]+)+(?:\s[^\[\]]*)?\]|\{(?:mos[a-z]+|loadposition\s[^{}]*)\}"
)


def clean_text(text: str | None) -> str:
    """NFC, every run of whitespace (nbsp and zero-width included) as one space, trimmed."""
    if not text:
        return ""
    # split() and join() do the same as a regular expression substitution of the whitespace
    # runs, at about a third of its cost: this runs hundreds of times a page.
    return " ".join(_words(unicodedata.normalize("NFC", text)))


def _words(text: str) -> list[str]:
    """The text split at runs of whitespace, zero-width characters included."""
    if not text.isascii():
        for char in ZERO_WIDTH:
            if char in text:
                text = text.replace(char, " ")
    return text.split()


@dataclass
class Block:
    """One paragraph of text from a block-level element, with the hints caption detection needs."""

    text: str
    has_image: bool = False
    emphasised: bool = False
    # Wholly in <strong>/<b>: how many editors set the sapo (lead) above the body.
    bold: bool = False
    centered: bool = False
    caption_markup: bool = False
    heading: bool = False
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_caption_like(self) -> bool:
        """Marked as a caption, or wholly in italics, or centred: how editors caption photos."""
        return self.caption_markup or self.emphasised or self.centered


@dataclass
class _Collector:
    blocks: list[Block] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    emphasised_chars: int = 0
    bold_chars: int = 0
    total_chars: int = 0
    emphasis_depth: int = 0
    bold_depth: int = 0
    caption_depth: int = 0
    has_image: bool = False
    links: list[tuple[str, str]] = field(default_factory=list)
    owners: list[lxml_html.HtmlElement] = field(default_factory=list)

    def add(self, text: str) -> None:
        if "[" in text or "{" in text:
            text = UNRENDERED_PLACEHOLDER.sub("", text)
        self.parts.append(text)
        visible = sum(map(len, _words(text)))
        self.total_chars += visible
        if self.emphasis_depth or self.caption_depth:
            self.emphasised_chars += visible
        if self.bold_depth:
            self.bold_chars += visible

    def flush(self) -> None:
        text = clean_text("".join(self.parts))
        if text or self.has_image:
            owner = self.owners[-1] if self.owners else None
            style = owner.get("style", "") if owner is not None else ""
            align = owner.get("align", "") if owner is not None else ""
            self.blocks.append(
                Block(
                    text=text,
                    has_image=self.has_image,
                    emphasised=bool(text) and self.emphasised_chars >= self.total_chars,
                    bold=bool(text) and self.bold_chars >= self.total_chars,
                    centered=bool(CENTERED.search(style)) or align.lower() == "center",
                    caption_markup=self.caption_depth > 0 or _is_caption_element(owner),
                    heading=owner is not None and owner.tag in HEADING_TAGS,
                    links=self.links,
                )
            )
        self.parts, self.links = [], []
        self.emphasised_chars = self.bold_chars = self.total_chars = 0
        self.has_image = False


def _is_caption_element(element: lxml_html.HtmlElement | None) -> bool:
    if element is None:
        return False
    if element.tag == "figcaption":
        return True
    marker = f"{element.get('class', '')} {element.get('id', '')}".lower()
    return "caption" in marker or "chuthich" in marker or "chu-thich" in marker


def element_blocks(element: lxml_html.HtmlElement) -> list[Block]:
    """Split an element into paragraphs: one per block-level element or <br>-separated line."""
    collector = _Collector()
    _walk(element, collector)
    collector.flush()
    return collector.blocks


def _walk(element: lxml_html.HtmlElement, out: _Collector) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    tag = tag.lower().split("}")[-1]
    if not tag or tag in SKIP_TAGS:
        # An embedded video is captioned as a photo is ("Video: ...", in italics under it).
        out.has_image = out.has_image or tag in EMBEDDED_MEDIA
        if element.tail:
            out.add(element.tail)
        return
    is_block = tag in BLOCK_TAGS
    if is_block:
        out.flush()
        out.owners.append(element)
    if tag == "br":
        out.flush()
    if tag == "img":
        out.has_image = True
    emphasis = tag in EMPHASIS_TAGS
    # A caption box's own paragraphs are caption too (<figcaption><p>...</p></figcaption>).
    caption = _is_caption_element(element)
    out.emphasis_depth += emphasis
    bold = tag in BOLD_TAGS
    out.bold_depth += bold
    out.caption_depth += caption
    if tag == "a" and element.get("href"):
        out.links.append((element.get("href", ""), clean_text(element.text_content())))
    if element.text:
        out.add(element.text)
    for child in element:
        _walk(child, out)
    out.emphasis_depth -= emphasis
    out.bold_depth -= bold
    out.caption_depth -= caption
    if is_block:
        out.flush()
        out.owners.pop()
    if element.tail:
        out.add(element.tail)


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of letters or digits."""
    return len(re.findall(r"\w+", text))


class _FoldTable(dict[int, str]):
    """A str.translate table built as characters are met: each character maps to its base
    letter without marks, lower-cased, so folding keeps the text's length (a snippet found in
    the folded text is at the same place in the original)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        folded = (base or char).lower()
        self[code] = folded if len(folded) == 1 else char
        return self[code]


_FOLD = _FoldTable({ord("đ"): "d", ord("Đ"): "d"})


# A stored article's body is folded for its search entry and again for its near-duplicate
# signature (neardup.words): the second time is a lookup.
@functools.lru_cache(maxsize=16)
def fold_diacritics(text: str) -> str:
    """Vietnamese without marks, đ as d, lower case: "Chuyển đổi số" -> "chuyen doi so"."""
    return unicodedata.normalize("NFC", text).translate(_FOLD)
