"""Generic heuristics for pages no selector covers: where the headline, date line and body are.

The rules follow how Vietnamese CMS templates lay out an article: a heading, a short date line
right under (or just above) it, then the longest run of paragraphs, then related-article lists.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator

from lxml import etree
from lxml import html as lxml_html
from parsel import Selector

from dostcrawler.extract.dates import ParsedDate, parse_date
from dostcrawler.extract.text import clean_text, fold_diacritics

# Containers that hold navigation, related lists, widgets or consent notices, never the
# article itself.
NOISE_HINT = re.compile(
    r"sidebar|side-bar|menu|navbar|\bnav\b|footer|breadcrumb|related|other|tinkhac|tin-khac|"
    r"lienquan|lien-quan|comment|binhluan|share|social|widget|advert|quangcao|banner|"
    r"pager|paging|phantrang|pagination|tags|rating|counter|online|weblink|lienket|homnay|"
    r"today|clock|ribbon|login|search|timkiem|consent|cookie|gdpr",
    re.IGNORECASE,
)
# The site's own name in a heading (a logo or banner <h1>) is never an article's headline:
# the whole heading is an organisation, optionally with its province ("... TỈNH BẮC NINH").
# Headlines that merely start with it ("Sở Khoa học và Công nghệ tổ chức ...") go on. Matched
# without diacritics: old templates write it in ASCII ("So Khoa hoc va Cong nghe Ca Mau").
SITE_NAME = re.compile(
    r"^(?:so khoa hoc (?:va|&) cong nghe|so kh&cn|so khcn|cong thong tin(?: dien tu)?|"
    r"trang thong tin(?: dien tu)?|ubnd|uy ban nhan dan)"
    r"(?:\s+(?:tinh|thanh pho|tp\.?)(?:\s+\S+){1,5})?$"
)
# Without "tỉnh", the name is followed by its place, every word of which is capitalised
# ("Sở KH&CN Cà Mau", "SỞ KHOA HỌC VÀ CÔNG NGHỆ PHÚ THỌ"); a headline that starts so goes on
# with lower-case words ("Sở KH&CN tổ chức ...").
SITE_NAME_PLACE = re.compile(
    r"^(?:so khoa hoc (?:va|&) cong nghe|so kh&cn|so khcn)((?:\s+\S+){1,4})$"
)


def is_site_name(text: str) -> bool:
    """The whole text is the department's (or portal's) own name, never a headline."""
    folded = fold_diacritics(text)
    if SITE_NAME.match(folded):
        return True
    place = SITE_NAME_PLACE.match(folded)
    if place is None:
        return False
    # Folding keeps the text's length: the place's words are at the same place in `text`.
    return all(word[0].isupper() for word in text[place.start(1) :].split())


TITLE_HINT = re.compile(r"title|tieude|tieu-de|tieu_de|headline|heading", re.IGNORECASE)
TITLE_TAGS = ("h1", "h2", "h3")
PAGE_TAGS = frozenset({"html", "body"})
HEADLINE_MIN_WORDS = 5
# Old templates mark a headline by its type alone (<b><font size=4>...</font></b> in a cell).
EMPHASIS_TAGS = ("b", "strong", "font")
LINE_BLOCKS = ("td", "div", "p", "li", "th")
HEADLINE_MAX_CHARS = 250
# A listing's link text shorter than this ("Xem tiếp") names no article.
MIN_WITNESS_CHARS = 20
INLINE_WRAPPERS = frozenset({"font", "span", "b", "strong", "em", "i", "u", "small", "big"})
BODY_PARAGRAPHS = "./p | ./*[self::span or self::font or self::strong]/p"
DATE_LINE_MAX_CHARS = 90
DATE_WINDOW_CHARS = 400
PROSE_CHARS = 160
# A split article (see _whole_article): how far up its blocks may be wrapped, and how much
# prose the other blocks must hold together.
SPLIT_BODY_LEVELS = 3
SPLIT_BODY_CHARS = 200
# Attributes that say how a block looks, shared by the blocks of one article.
PRESENTATION_ATTRIBUTES = frozenset({"align", "style", "dir", "lang"})
# Classes that count or mark a position or state ("views-row-3", "odd", "active").
POSITION_CLASS = re.compile(
    r"\d|(?:^|[-_])(?:first|last|odd|even|active|current|selected|hover|open)$", re.IGNORECASE
)
# A day and a time of day: "3/26/2020 4:05:12 PM", "05/11/2021 14:20".
DATE_TIME_STAMP = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}[ ,]+\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:AM|PM|SA|CH)\b)?",
    re.IGNORECASE,
)
# A link to the writer's own page ("/tac-gia/dong-ha-2571.htm", "/author/thu-giang/") is the
# byline, where other links under a headline are other articles'.
AUTHOR_PAGE = re.compile(r"/(?:tac-?gia|author|nguoi-?viet|but-?danh|phong-?vien)s?/", re.I)
# Greeting banners print the crawl date: "Chào mừng bạn đến...", "Hôm nay: ...".
TODAY_BANNER = re.compile(r"chào mừng|hôm nay|today", re.IGNORECASE)


def is_noise(element: lxml_html.HtmlElement) -> bool:
    """True inside navigation, sidebars, related lists and widgets."""
    ancestors = tuple(
        node for node in (element, *element.iterancestors()) if node.tag not in PAGE_TAGS
    )
    # An <article>'s own <header> and <footer> hold its headline, date and byline.
    in_article = any(node.tag == "article" for node in ancestors)
    for node in ancestors:
        if node.tag in ("nav", "aside") or (node.tag in ("footer", "header") and not in_article):
            return True
        if hints_noise(node):
            return True
    return False


def hints_noise(node: lxml_html.HtmlElement) -> bool:
    """The element's class or id names a menu, sidebar, widget...: NOISE_HINT, unless it is
    the page's main column whatever its name (VnExpress's article column is `sidebar-1`)."""
    if not _marker_is_noise(f"{node.get('class', '')} {node.get('id', '')}"):
        return False
    return not _main_column(node)


def _main_column(node: lxml_html.HtmlElement) -> bool:
    """Holds most of the page's paragraphs of prose (and there are some): the main column."""
    return node in _main_columns(node.getroottree().getroot())


@functools.lru_cache(maxsize=2)
def _main_columns(root: lxml_html.HtmlElement) -> frozenset[lxml_html.HtmlElement]:
    """The elements holding more than half the page's paragraphs of prose (what a sidebar, a
    menu or a widget does not hold much of), found in one pass up from each paragraph."""
    prose = root.xpath(f"//p[string-length(normalize-space()) >= {PROSE_CHARS}]")
    if len(prose) < 2:
        return frozenset()
    held = Counter(above for paragraph in prose for above in paragraph.iterancestors())
    return frozenset(element for element, count in held.items() if count * 2 > len(prose))


@functools.lru_cache(maxsize=8192)
def _marker_is_noise(marker: str) -> bool:
    # Pages repeat the same few hundred class names: each is matched once.
    return bool(marker.strip()) and bool(NOISE_HINT.search(marker))


@functools.lru_cache(maxsize=2)  # the title, date and body finders read one page's flags
def noise_flags(root: lxml_html.HtmlElement) -> dict[lxml_html.HtmlElement, bool]:
    """is_noise for every element under `root` (itself included)."""
    return {
        el: hinted or (boxed and not in_article)
        for el, (hinted, boxed, in_article) in _flag_state(root).items()
    }


@functools.lru_cache(maxsize=2)
def in_header_only(root: lxml_html.HtmlElement) -> dict[lxml_html.HtmlElement, bool]:
    """Elements that are noise only for standing in a <header> or <footer> outside an
    <article>: no menu, sidebar or widget marks them. A portal's portlet puts its headline
    in such a header."""
    return {
        el: boxed and not in_article and not hinted
        for el, (hinted, boxed, in_article) in _flag_state(root).items()
    }


@functools.lru_cache(maxsize=2)
def _flag_state(
    root: lxml_html.HtmlElement,
) -> dict[lxml_html.HtmlElement, tuple[bool, bool, bool]]:
    """Every element's (under a nav, aside or noise class; under a header or footer; under an
    <article>), in one walk from the top: each element's flags are its parent's plus its own,
    instead of a walk up from each."""
    # (a nav/aside/noise class above, a header/footer above, an <article> above), self included
    state: dict[lxml_html.HtmlElement, tuple[bool, bool, bool]] = {}
    above = (False, False, False)
    for node in reversed(list(root.iterancestors())):
        above = _flags_below(above, node)
    if (parent := root.getparent()) is not None:
        state[parent] = above
    flags = {}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        state[el] = flags[el] = _flags_below(state.get(el.getparent(), (False, False, False)), el)
    return flags


def _flags_below(
    above: tuple[bool, bool, bool], el: lxml_html.HtmlElement
) -> tuple[bool, bool, bool]:
    hinted, boxed, in_article = above
    return (
        # <body> and <html> classes describe the page's layout ("two-sidebars"), no widget.
        hinted or el.tag in ("nav", "aside") or (el.tag not in PAGE_TAGS and hints_noise(el)),
        boxed or el.tag in ("footer", "header"),
        in_article or el.tag == "article",
    )


def find_title(root: lxml_html.HtmlElement, hints: tuple[str, ...]) -> lxml_html.HtmlElement | None:
    """The visible headline: a heading that <title>/og:title confirm (also in a portlet's
    header), else the first h1-h3, else a sentence-long line a class calls a title."""
    headings = (
        el
        for el in root.iter(*TITLE_TAGS, "div", "p", "span", "a", "td")
        if el.tag in TITLE_TAGS or TITLE_HINT.search(f"{el.get('class', '')} {el.get('id', '')}")
    )
    noise, header_only = noise_flags(root), in_header_only(root)
    candidates = [
        (el, text)
        for el in headings
        if 10 <= len(text := clean_text(el.text_content())) <= 400
        and not is_site_name(text)
        and (not noise[el] or header_only[el])
    ]
    for hint in hints:
        folded = clean_text(hint).casefold()
        # A <title> cut short ("Đoàn kiểm tra liên ngành kiểm tra chất lượng mũ...") confirms
        # the headline it starts.
        own = strip_site_suffix(folded, None)
        cut = own.rstrip(".… ") if own.endswith(("...", "…")) else None
        confirmed = [
            (el, shown)
            for el, text in candidates
            if (shown := text.casefold()) in folded
            or folded in shown
            or (cut and len(cut) >= MIN_WITNESS_CHARS and shown.startswith(cut))
        ]
        if confirmed:
            # The headline is the heading that is most of <title>: a category heading
            # ("Khởi nghiệp đổi mới sáng tạo") can be a fragment of it too.
            return min(confirmed, key=lambda found: abs(len(found[1]) - len(own)))[0]
    # Unconfirmed by <title>, a heading in a page header is the banner's, not the article's.
    candidates = [(el, text) for el, text in candidates if not noise[el]]
    for tag in TITLE_TAGS:
        for el, _ in candidates:
            if el.tag == tag:
                return el
    # Past the headings, a line a class calls a title: a headline is sentence-long, a box
    # heading ("CHUYÊN MỤC", "TIN MỚI") a few words, and no guess beats none.
    sentences = [el for el, text in candidates if len(text.split()) >= HEADLINE_MIN_WORDS]
    return sentences[0] if sentences else None


def headline_before(
    root: lxml_html.HtmlElement, body: lxml_html.HtmlElement
) -> lxml_html.HtmlElement | None:
    """An old template's headline, where no heading is marked and <title> is only the site's
    name: a bold or large-font line that is the whole text of its cell or block, the last such
    before the body. A sidebar's headlines are links, a box's heading is a few words, and a
    lead paragraph ends with a full stop, as a headline does not."""
    noise = noise_flags(root)
    found = None
    for element in root.iter():
        if element is body:
            return found
        if element.tag not in EMPHASIS_TAGS or noise.get(element):
            continue
        text = clean_text(element.text_content())
        block = next((a for a in element.iterancestors() if a.tag in LINE_BLOCKS), None)
        if (
            block is not None
            and clean_text(block.text_content()) == text
            and sentence_long(text)
            and len(text) <= HEADLINE_MAX_CHARS
            and not text.endswith(".")
            and next(element.iter("a"), None) is None
            and not any(a.tag == "a" for a in element.iterancestors())
        ):
            found = element
    return None


def sentence_long(text: str) -> bool:
    """As long as a headline: HEADLINE_MIN_WORDS words ("TIN TỨC - SỰ KIỆN" has four)."""
    return len(re.findall(r"\w+", text)) >= HEADLINE_MIN_WORDS and not is_site_name(text)


def dates_an_entry(element: object) -> bool:
    """A date printed beside a link to another article ("Tin mới: <a>headline</a> (20/12/2019)")
    dates that article, not the page: the entry of a dated list."""
    if not isinstance(element, lxml_html.HtmlElement) or (parent := element.getparent()) is None:
        return False
    return _links_a_headline(parent)


def _links_a_headline(container: lxml_html.HtmlElement) -> bool:
    for link in container.iter("a"):
        text = clean_text(link.text_content())
        if len(text) >= MIN_WITNESS_CHARS and len(text.split()) >= HEADLINE_MIN_WORDS:
            return True
    return False


def element_printing(root: lxml_html.HtmlElement, shown: str) -> lxml_html.HtmlElement | None:
    """The element that prints `shown` (the listing's link text for this article) as the whole
    of its text, outside links, sidebars and footers: the headline, whatever its markup
    (`<td class="tieude">`, `<b><font size="4">`). A heading wins over other markup."""
    want = clean_text(shown).casefold()
    if len(want) < MIN_WITNESS_CHARS:
        return None
    noise = noise_flags(root)
    # From each text node that could start the headline, up to the element printing all of it.
    first_word = clean_text(shown).split()[0]
    printing: list[lxml_html.HtmlElement] = []
    for node in root.xpath("//text()[contains(., $word)]", word=first_word):
        el = node.getparent()
        while el is not None and len(text := clean_text(el.text_content())) <= len(want):
            if text.casefold() == want and el not in printing:
                printing.append(el)
            el = el.getparent()
    printing = [
        el
        for el in printing
        if el.tag not in ("a", "title", "option", "script", "style")
        and not noise.get(el, False)
        and not any(ancestor.tag == "a" for ancestor in el.iterancestors())
    ]
    headings = [el for el in printing if el.tag in TITLE_TAGS]
    # Of nested elements printing the same text, the outermost is the headline's own.
    outermost = [el for el in printing if el.getparent() not in printing]
    return (headings or outermost or [None])[0]


def title_hints(sel: Selector) -> list[str]:
    """Machine-readable titles: og:title and <title>, to confirm the visible headline."""
    hints = sel.css("meta[property='og:title']::attr(content), title::text").getall()
    return [clean_text(h) for h in hints if clean_text(h)]


def strip_site_suffix(title: str, publisher: str | None) -> str:
    """'<article> - Sở KH&CN tỉnh X' -> '<article>'; SharePoint list titles stay as they are."""
    parts = re.split(r"\s+[-|–]\s+", title)
    if len(parts) > 1:
        site_words = re.compile(r"sở|khoa học|công nghệ|kh&cn|khcn|cổng thông tin|trang", re.I)
        while len(parts) > 1 and (
            site_words.search(parts[-1]) or (publisher and parts[-1] in publisher)
        ):
            parts.pop()
    return " - ".join(parts)


def date_near_title(
    root: lxml_html.HtmlElement,
    title: lxml_html.HtmlElement | None,
    *,
    month_first: bool,
    reject_days: frozenset[str] = frozenset(),
) -> ParsedDate | None:
    """A short date line just after the headline (or, failing that, just before it), other
    than one of `reject_days`."""
    found = date_line_near_title(root, title, month_first=month_first, reject_days=reject_days)
    return found[0] if found else None


def date_line_near_title(
    root: lxml_html.HtmlElement,
    title: lxml_html.HtmlElement | None,
    *,
    month_first: bool,
    reject_days: frozenset[str] = frozenset(),
    look_above: bool = True,
) -> tuple[ParsedDate, str] | None:
    """The date near the headline (see date_near_title) and the whole line it stands in;
    below the headline only unless `look_above`."""
    if title is None:
        return None
    after, before = _text_around(root, title)
    for element, text in (*after, *(before if look_above else ())):
        if len(text) > DATE_LINE_MAX_CHARS or TODAY_BANNER.search(text):
            continue
        parsed = parse_date(text, month_first=month_first)
        if (
            parsed
            and parsed.value[:10] not in reject_days
            and not _inside_prose(element)
            and not _dates_a_list_item(element)
        ):
            return whole_date_line(element, parsed, text, month_first=month_first)
    return None


def _dates_a_list_item(element: lxml_html.HtmlElement) -> bool:
    """A date in a list item beside another page's headline ("Văn bản mới": <li><a>Thông tư
    số ...</a> Ban hành: 10/04/2020</li>) dates that item, wherever the list stands."""
    item = next(element.iterancestors("li"), None)
    return item is not None and _links_a_headline(item)


def whole_date_line(
    element: lxml_html.HtmlElement, parsed: ParsedDate, text: str, *, month_first: bool
) -> tuple[ParsedDate, str]:
    """A date line set in several inline elements (`<span>12/12/2023</span> | <span>08:00
    </span>`, or a name beside the date) is one line: its time and its byline are read from
    the whole of it, when it is still a short line about the same day."""
    line_el = element
    while line_el.tag in INLINE_WRAPPERS and line_el.getparent() is not None:
        line_el = line_el.getparent()
    line = clean_text(line_el.text_content())
    if line == text or len(line) > DATE_LINE_MAX_CHARS:
        return parsed, text
    whole = parse_date(line, month_first=month_first)
    if whole is None or whole.value[:10] != parsed.value[:10]:
        return parsed, text
    return whole, line


def lines_after(
    root: lxml_html.HtmlElement, title: lxml_html.HtmlElement
) -> list[tuple[lxml_html.HtmlElement, str]]:
    """The short text lines just after the headline, nearest first."""
    return _text_around(root, title)[0]


def _inside_prose(element: lxml_html.HtmlElement) -> bool:
    """A date in bold at the start of a body paragraph ("<b>Ngày 18/01/2022</b>, Sở ...") is
    the event's date, not the article's: its paragraph is a long sentence."""
    paragraph = next((el for el in (element, *element.iterancestors()) if el.tag == "p"), None)
    return paragraph is not None and len(clean_text(paragraph.text_content())) > PROSE_CHARS


Line = tuple[lxml_html.HtmlElement, str]


# The date line and the byline under the title both read the lines around it: one walk of the
# page for both (the last two pages' trees are kept; extraction never edits the tree itself).
@functools.lru_cache(maxsize=2)
def _text_around(
    root: lxml_html.HtmlElement, title: lxml_html.HtmlElement
) -> tuple[list[Line], list[Line]]:
    """Text lines within a window after and before the headline, nearest first."""
    headline = set(title.iter())
    lines = _visible_lines(root, headline)
    before = []
    for el, text in lines:
        if el in headline:
            break
        # Linked text is another article's title or date, never this one's date line.
        if el.tag != "a":
            before.append((el, text))
    else:
        return [], []
    # The walk stops where the window after the headline is full: the body, sidebars and
    # footer below it are never read.
    after = (
        (el, text)
        for el, text in lines
        if el.tag != "a" or el in headline or AUTHOR_PAGE.search(el.get("href", ""))
    )
    return _window(after, DATE_WINDOW_CHARS), _window(before[::-1], DATE_WINDOW_CHARS // 2)


def _window(lines: Iterable[Line], budget: int) -> list[Line]:
    """The first lines, up to about `budget` characters."""
    taken = []
    for line in lines:
        taken.append(line)
        budget -= len(line[1])
        if budget <= 0:
            break
    return taken


def _visible_lines(
    root: lxml_html.HtmlElement, headline: set[lxml_html.HtmlElement]
) -> Iterator[tuple[lxml_html.HtmlElement, str]]:
    """(element, text) for every text node outside scripts, links and noise containers, the
    headline's own text included wherever it stands (a portlet's header)."""
    noise = noise_flags(root)
    hidden = _hidden(root)
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "option", "select"):
            continue
        if (noise[el] or el in hidden) and el not in headline:
            continue
        text = clean_text(el.text)
        if text:
            yield el, text
        for child in el:
            tail = clean_text(child.tail)
            if tail:
                yield el, tail


# What the page does not show: schema.org data kept in hidden spans (NukeViet prints the
# posting account's name as the hidden "author"), collapsed menus. The candidates are found by
# XPath, the test made in Python: XPath's string functions on every element cost a large page
# several milliseconds.
_MAY_HIDE = etree.XPath("//*[@hidden or @style or @class]")
HIDING_CLASSES = frozenset({"hidden", "d-none", "hide"})


def _hidden(root: lxml_html.HtmlElement) -> set[lxml_html.HtmlElement]:
    """Every element the page hides, with what it holds."""
    hidden: set[lxml_html.HtmlElement] = set()
    for el in _MAY_HIDE(root):
        if el in hidden:
            continue  # inside one already counted
        if (
            el.get("hidden") is not None
            or "display:none" in (el.get("style") or "").replace(" ", "")
            or not HIDING_CLASSES.isdisjoint((el.get("class") or "").split())
        ):
            hidden.update(el.iter())
    return hidden


def time_of_day(root: lxml_html.HtmlElement, day: str) -> ParsedDate | None:
    """The time of `day` that a stamp elsewhere on the page prints with it: "Thứ năm, ngày
    26/3/2020" under the headline, "Cập nhật: 3/26/2020 4:05:12 PM" under the body (a server
    writing its locale's order). A stamp read either way round must name the same day, which
    is the witness that it dates this article; stamps in lists, links and sidebars are
    other articles'."""
    noise = noise_flags(root)
    for node in root.xpath("//text()[contains(., ':')]"):
        if not (stamps := DATE_TIME_STAMP.findall(str(node))):
            continue  # most text with a colon is a label, not a stamp: no walk up for it
        owner = node.getparent()
        if owner is None or noise.get(owner) or owner.tag in ("a", "script", "style", "option"):
            continue
        if any(a.tag == "a" for a in owner.iterancestors()) or dates_an_entry(owner):
            continue
        for stamp in stamps:
            for month_first in (False, True):
                parsed = parse_date(stamp, month_first=month_first)
                if parsed and parsed.has_time and parsed.value[:10] == day:
                    return parsed
    return None


def metadata_date(sel: Selector, *, month_first: bool) -> tuple[ParsedDate, str] | None:
    """article:published_time, schema.org datePublished (microdata or JSON-LD), DC dates."""
    candidates = sel.css(
        "meta[property='article:published_time']::attr(content),"
        "meta[itemprop='datePublished']::attr(content),"
        "[itemprop='datePublished']::attr(content),"
        "[itemprop='datePublished']::attr(datetime),"
        "[itemprop='datePublished']::text,"
        "meta[name='pubdate']::attr(content),"
        "meta[name='DC.date.issued']::attr(content),"
        "meta[name='dc.date']::attr(content)"
    ).getall()
    for raw in candidates:
        parsed = parse_date(raw, month_first=month_first)
        if parsed:
            return parsed, "meta"
    for script in sel.css("script[type='application/ld+json']::text").getall():
        for value in _jsonld_values(script, "datePublished"):
            parsed = parse_date(value, month_first=month_first)
            if parsed:
                return parsed, "jsonld"
    return None


def _jsonld_values(text: str, key: str) -> Iterator[str]:
    try:
        data = json.loads(text)
    except ValueError:
        return
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get(key), str):
                yield item[key]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def url_date(url: str) -> ParsedDate | None:
    """WordPress-style /yyyy/mm/dd/ permalinks."""
    match = re.search(r"/((?:19|20)\d\d)/(\d\d)/(\d\d)/", url)
    if not match:
        return None
    return parse_date(f"{match[3]}/{match[2]}/{match[1]}")


def find_body(root: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The container with the most paragraph text and the fewest links (readability's idea),
    widened to the wrapper of the whole article when the article is split into blocks."""
    best, best_score = None, 0.0
    noise = noise_flags(root)
    for el in root.iter("div", "article", "section", "td", "main"):
        if noise[el]:
            continue
        text_len = prose_chars(el)
        if text_len < 200:
            continue
        score = text_len * (1 - _link_share(el))
        if score > best_score:
            best, best_score = el, score
    return _whole_article(best) if best is not None else None


def prose_chars(el: lxml_html.HtmlElement) -> int:
    """Characters of the element's own paragraphs: editors' <p>s (also when a server control
    wraps them in an inline element, ASP.NET's <span id="...lblNoiDung"><p>...</p></span>)
    and text written straight into it."""
    paragraphs = [clean_text(p.text_content()) for p in el.xpath(BODY_PARAGRAPHS)]
    return sum(len(p) for p in paragraphs if len(p) > 25) + len(_flow_text(el))


def _flow_text(el: lxml_html.HtmlElement) -> str:
    """The text written straight into the element, also inside inline wrappers (an old
    template's `<font>` holding the whole article as lines split by `<br>`), links aside."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag in INLINE_WRAPPERS:
            parts.append(_flow_text(child))
        parts.append(child.tail or "")
    return clean_text(" ".join(parts))


def _link_share(el: lxml_html.HtmlElement) -> float:
    link_len = sum(len(clean_text(a.text_content())) for a in el.iter("a"))
    return link_len / max(1, len(clean_text(el.text_content())))


def _whole_article(best: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """Big news templates cut one article into many blocks of one kind (a block per paragraph,
    or per column between ads): when the best block has siblings of its kind that hold prose
    too, or its wrapper has, the article is their common wrapper."""
    node = best
    for _ in range(SPLIT_BODY_LEVELS):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html") or is_noise(parent):
            break
        kin = [c for c in parent if c is not node and _same_kind(c, node) and not is_noise(c)]
        if sum(_prose_chars_deep(c) for c in kin if _link_share(c) < 0.5) >= SPLIT_BODY_CHARS:
            return parent
        node = parent
    return best


def _prose_chars_deep(el: lxml_html.HtmlElement) -> int:
    """Paragraph characters anywhere inside (a block of a split article may wrap its <p>s)."""
    own = prose_chars(el)
    return max(
        own, sum(len(t) for p in el.iter("p") if len(t := clean_text(p.text_content())) > 25)
    )


def _same_kind(a: lxml_html.HtmlElement, b: lxml_html.HtmlElement) -> bool:
    """Same tag and a class in common (classes that count or mark a state aside); without
    classes, the same presentational attributes (an old editor's `<div align="justify">`
    per paragraph block). Two bare `<div>`s say nothing of their kind."""
    if a.tag != b.tag:
        return False
    if _stable_classes(a) & _stable_classes(b):
        return True
    if a.get("class") or b.get("class"):
        return False
    look = _presentation(a)
    return bool(look) and look == _presentation(b)


def _presentation(el: lxml_html.HtmlElement) -> frozenset[tuple[str, str]]:
    return frozenset((k, v) for k, v in el.attrib.items() if k in PRESENTATION_ATTRIBUTES)


def _stable_classes(el: lxml_html.HtmlElement) -> set[str]:
    return {c for c in (el.get("class") or "").split() if not POSITION_CLASS.search(c)}
