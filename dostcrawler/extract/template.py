"""Learn a site's article template from several of its pages: what is the same on every page is
template, what differs is content.

No single-page extractor can see this: a "today" banner, a generic "Chi tiết tin" heading or a
"Tin liên quan" box looks like content on one page, and like template on five. Given at least
MIN_PAGES article pages of one site (with what the listing said of each: link text and date),
`learn_template` aligns their elements by a DOM path of tags, ids and classes and returns the
selectors of the title, date line and body, the template blocks to cut inside the body, and the
dates that every page shows (never a publication date), each field with a confidence and its
evidence. Pure functions over lxml; no network.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from lxml import html as lxml_html

from dostcrawler.extract import generic
from dostcrawler.extract.dates import parse_date
from dostcrawler.extract.select import css_matcher, is_xpath
from dostcrawler.extract.text import clean_text

MIN_PAGES = 3
T = TypeVar("T")
# Pages sharing this share of their element kinds are of one layout (see layout_groups).
SAME_LAYOUT = 0.6
# A text on at least this share of the pages is template; a selector that finds its field on
# at least this share of the pages is kept.
TEMPLATE_SHARE = 0.6
FIELD_SHARE = 0.6
DATE_LINE_MAX_CHARS = 200
# Ids with long digit runs (article ids, generated widget ids) differ from page to page, and
# classes that mark a position or a state ("views-row-3", "views-row-odd", "first", "active")
# differ between the entries of one list: either would keep alike elements from aligning.
# ASP.NET's "ctl00_..." ids are stable.
UNSTABLE_TOKEN = re.compile(r"\d{3,}")
NUMBERED_CLASS = re.compile(
    r"\d|(?:^|[-_])(?:first|last|odd|even|active|current|selected|hover|open)$", re.IGNORECASE
)
NUMERIC_DATE = re.compile(r"(?<![\d/.])(\d{1,2})[/.-](\d{1,2})[/.-](?:19|20)\d\d(?!\d)")
TITLE_SEPARATOR = re.compile(r"\s+[-|–—:»]\s+")
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "option", "select", "head", "title"})


@dataclass(frozen=True)
class SamplePage:
    """One fetched article page and what its listing entry said about it."""

    url: str
    html: str
    link_text: str | None = None
    # The listing's date as printed: read in the order the site's own pages show.
    listing_date: str | None = None


@dataclass(frozen=True)
class LearnedField:
    """A selector for one field, how sure the learner is (0-1), and why."""

    selector: str
    confidence: float
    evidence: str


@dataclass(frozen=True)
class Template:
    """What the pages of one site share: field selectors, template blocks, constant dates."""

    pages: int
    fields: dict[str, LearnedField] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    constant_days: frozenset[str] = frozenset()
    title_affix: str | None = None
    # "dmy" or "mdy" when the site's numeric dates show which (a 25/08 cannot be month-first).
    date_order: str | None = None
    # Casefolded lines printed on most pages: menus, banners, related-list headings, footers.
    texts: frozenset[str] = frozenset()

    def fits(self, html: str) -> bool:
        """True when the page has this template's title and body elements."""
        root = _parse(html)
        return all(
            _matches(root, self.fields[name].selector)
            for name in ("title", "body")
            if name in self.fields
        )


def template_data(template: Template) -> dict[str, Any]:
    """The template as JSON-ready data (for `learn` and the crawls row that used it)."""
    data = asdict(template)
    data.update(
        remove=list(template.remove),
        constant_days=sorted(template.constant_days),
        texts=sorted(template.texts),
    )
    return data


def template_from_data(data: dict[str, Any]) -> Template:
    """The template that `template_data` wrote."""
    return Template(
        pages=data["pages"],
        fields={name: LearnedField(**f) for name, f in data["fields"].items()},
        remove=tuple(data["remove"]),
        constant_days=frozenset(data["constant_days"]),
        title_affix=data["title_affix"],
        date_order=data["date_order"],
        texts=frozenset(data["texts"]),
    )


def learn_template(pages: list[SamplePage]) -> Template | None:
    """The template shared by the pages, or None with fewer than MIN_PAGES of them."""
    if len(pages) < MIN_PAGES:
        return None
    parsed = [_Parsed(page, _parse(page.html)) for page in pages]
    order = _date_order(parsed)
    for page in parsed:
        page.month_first = order == "mdy"
    template_texts = _template_texts(parsed)
    fields: dict[str, LearnedField] = {}
    affix = _title_affix([p.title_tag for p in parsed])
    title = _learn_title(parsed, template_texts, affix)
    if title:
        fields["title"] = title
    constant_days = _constant_days(parsed)
    date = _learn_date(parsed, constant_days, fields.get("title"))
    if date:
        fields["date"] = date
    body = _learn_body(parsed)
    remove: tuple[str, ...] = ()
    if body:
        fields["body"] = body
        remove = _template_blocks(parsed, body.selector, template_texts)
    return Template(len(pages), fields, remove, constant_days, affix, order, template_texts)


def layout_signature(html: str) -> frozenset[str]:
    """The kinds of element a page is built of (tag, class and id): what its layout is."""
    root = _parse(html)
    return frozenset(
        f"{el.tag}.{el.get('class', '')}#{el.get('id', '')}"
        for el in root.iter()
        if isinstance(el.tag, str)
    )


def layout_groups(items: list[T], *, key: Callable[[T], frozenset[str]]) -> list[list[T]]:
    """The items grouped by layout, largest group first: an item joins the first group whose
    first member shares SAME_LAYOUT of its element kinds (Jaccard). Pages of one template
    share nearly all of theirs; an old and a new template of one site about a third."""
    groups: list[list[T]] = []
    for item in items:
        kinds = key(item)
        for group in groups:
            first = key(group[0])
            if len(kinds & first) >= SAME_LAYOUT * len(kinds | first):
                group.append(item)
                break
        else:
            groups.append([item])
    return sorted(groups, key=len, reverse=True)


# Alignment ------------------------------------------------------------------------------------


@dataclass
class _Parsed:
    page: SamplePage
    root: lxml_html.HtmlElement
    paths: dict[lxml_html.HtmlElement, str] = field(default_factory=dict)
    month_first: bool = False

    def date(self, text: str) -> str | None:
        """The day of the first date in a line, in the site's order."""
        found = parse_date(text, month_first=self.month_first)
        return found.value[:10] if found else None

    @property
    def listing_day(self) -> str | None:
        return self.date(self.page.listing_date) if self.page.listing_date else None

    @property
    def title_tag(self) -> str:
        return clean_text(" ".join(self.root.xpath("//title//text()")))

    def path(self, element: lxml_html.HtmlElement) -> str:
        """The element's CSS path from <body>: tags with their stable ids and classes."""
        if element not in self.paths:
            parent = element.getparent()
            step = _step(element)
            if parent is None or element.tag == "body":
                self.paths[element] = step
            else:
                self.paths[element] = f"{self.path(parent)} > {step}"
        return self.paths[element]


def _parse(html: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(html or "<html></html>")


def _step(element: lxml_html.HtmlElement) -> str:
    tag = element.tag if isinstance(element.tag, str) else "x"
    ident = element.get("id", "").strip()
    step = tag
    if ident and not UNSTABLE_TOKEN.search(ident) and re.fullmatch(r"[A-Za-z][\w-]*", ident):
        step += f"#{ident}"
    classes = sorted(
        c for c in element.get("class", "").split() if re.fullmatch(r"[A-Za-z_][\w-]*", c)
    )
    step += "".join(f".{c}" for c in classes if not NUMBERED_CLASS.search(c))
    return step


def _lines(parsed: _Parsed) -> Iterator[tuple[lxml_html.HtmlElement, str]]:
    """(element, its own text) for every element with text of its own."""
    for element in parsed.root.iter():
        if not isinstance(element.tag, str) or element.tag in SKIPPED_TAGS:
            continue
        own = " ".join([element.text or "", *(child.tail or "" for child in element)])
        text = clean_text(own)
        if text:
            yield element, text


def _template_texts(parsed: list[_Parsed]) -> frozenset[str]:
    """Texts printed on most pages (banners, headings of related lists, footers). Linked text
    is not counted: the newest articles' titles are linked from every page's sidebar."""
    counts: Counter[str] = Counter()
    for page in parsed:
        counts.update({text.casefold() for el, text in _lines(page) if not _in_link(el)})
    needed = _share(len(parsed), TEMPLATE_SHARE)
    return frozenset(text for text, n in counts.items() if n >= needed)


def _in_link(element: lxml_html.HtmlElement) -> bool:
    return element.tag == "a" or any(a.tag == "a" for a in element.iterancestors())


def _share(pages: int, share: float) -> int:
    return max(2, math.ceil(pages * share))


def _shortest_selector(parsed: list[_Parsed], elements: list[lxml_html.HtmlElement]) -> str:
    """The shortest tail of the elements' common path that finds each of them alone, else
    first. A tail that also finds other elements names markup the template uses in several
    places (`span.date` under the headline and in the "Tin xem nhiều" list): on a page where
    the article's own is missing, it would find another's."""
    steps = parsed[0].path(elements[0]).split(" > ")
    pairs = list(zip(parsed, elements, strict=True))
    tails = [" > ".join(steps[-size:]) for size in range(1, len(steps) + 1)]
    for selector in tails:
        if all(_only(p.root, selector) is el for p, el in pairs):
            return selector
    for selector in tails:
        if all(_first(p.root, selector) is el for p, el in pairs):
            return selector
    return " > ".join(steps)


def _only(root: lxml_html.HtmlElement, selector: str) -> lxml_html.HtmlElement | None:
    found = root.cssselect(selector, translator="html")
    return found[0] if len(found) == 1 else None


def _first(root: lxml_html.HtmlElement, selector: str) -> lxml_html.HtmlElement | None:
    found = css_matcher(selector)(root)
    return found[0] if found else None


def _matches(root: lxml_html.HtmlElement, selector: str) -> bool:
    if is_xpath(selector):
        found = root.xpath(selector)
        return bool(clean_text(found if isinstance(found, str) else " ".join(map(str, found))))
    return _first(root, selector) is not None


def _by_path(
    parsed: list[_Parsed], found: Iterable[tuple[int, lxml_html.HtmlElement]]
) -> dict[str, dict[int, lxml_html.HtmlElement]]:
    """Group (page index, element) pairs by the element's path, first element per page."""
    groups: dict[str, dict[int, lxml_html.HtmlElement]] = defaultdict(dict)
    for index, element in found:
        groups[parsed[index].path(element)].setdefault(index, element)
    return groups


def _best_group(
    parsed: list[_Parsed], groups: dict[str, dict[int, lxml_html.HtmlElement]]
) -> tuple[str, dict[int, lxml_html.HtmlElement]] | None:
    """The path found on most pages, if that is at least FIELD_SHARE of them."""
    if not groups:
        return None
    path, members = max(groups.items(), key=lambda item: len(item[1]))
    if len(members) < _share(len(parsed), FIELD_SHARE):
        return None
    return path, members


def _selector_for(parsed: list[_Parsed], members: dict[int, lxml_html.HtmlElement]) -> str:
    indexes = sorted(members)
    return _shortest_selector([parsed[i] for i in indexes], [members[i] for i in indexes])


# Title -----------------------------------------------------------------------------------------


def _title_affix(titles: list[str]) -> str | None:
    """The site name that every <title> carries before or after the headline, with its
    separator (" - Sở KH&CN Quảng Ngãi"), or None."""
    titles = [t for t in titles if t]
    if len(titles) < MIN_PAGES or len(set(titles)) < len(titles):
        return None
    suffix = _common(titles, reverse=True)
    prefix = _common(titles, reverse=False)
    for affix, at_end in ((suffix, True), (prefix, False)):
        parts = TITLE_SEPARATOR.split(affix)
        if len(parts) < 2:
            continue
        site = parts[-1] if at_end else parts[0]
        if len(site) < 4:
            continue
        match = list(TITLE_SEPARATOR.finditer(affix))
        cut = match[0] if at_end else match[-1]
        return affix[cut.start() :] if at_end else affix[: cut.end()]
    return None


def _common(texts: list[str], *, reverse: bool) -> str:
    items = [t[::-1] for t in texts] if reverse else texts
    size = 0
    for chars in zip(*items, strict=False):
        if len(set(chars)) > 1:
            break
        size += 1
    common = items[0][:size]
    return common[::-1] if reverse else common


def strip_affix(title: str, affix: str | None) -> str:
    """The <title> without the site's name."""
    if not affix:
        return title
    if title.endswith(affix):
        return title[: -len(affix)].strip()
    if title.startswith(affix):
        return title[len(affix) :].strip()
    return title


def _learn_title(
    parsed: list[_Parsed], template_texts: frozenset[str], affix: str | None
) -> LearnedField | None:
    """The element whose text is the headline: the listing's link text, or <title> without
    the site name; else <title> itself, stripped of the site name."""
    found = []
    for index, page in enumerate(parsed):
        witnesses = {
            clean_text(w).casefold()
            for w in (page.page.link_text, strip_affix(page.title_tag, affix))
            if w and len(clean_text(w)) >= 10
        }
        for element, text in _heading_like(page):
            if text.casefold() in witnesses and text.casefold() not in template_texts:
                found.append((index, _innermost(element, text)))
                break
    best = _best_group(parsed, _by_path(parsed, found))
    if best is not None:
        _, members = best
        share = len(members) / len(parsed)
        return LearnedField(
            _selector_for(parsed, members),
            round(0.6 + 0.35 * share, 2),
            f"headline on {len(members)} of {len(parsed)} pages, agreeing with the listing "
            "link text or <title>",
        )
    if affix:
        quoted = affix.replace("'", "\u2019") if "'" in affix else affix
        where = "substring-before" if _ends_with_affix(parsed, affix) else "substring-after"
        expression = f"normalize-space({where}(//title, '{quoted}'))"
        return LearnedField(
            expression,
            0.7,
            f"no visible heading holds the headline; <title> minus {affix.strip()!r} on "
            f"{len(parsed)} pages",
        )
    return None


def _ends_with_affix(parsed: list[_Parsed], affix: str) -> bool:
    return all(p.title_tag.endswith(affix) for p in parsed if p.title_tag)


def _innermost(element: lxml_html.HtmlElement, text: str) -> lxml_html.HtmlElement:
    """The deepest element that still holds all of `text` (the <h1>, not its wrapper)."""
    while True:
        inner = next(
            (
                c
                for c in element
                if isinstance(c.tag, str)
                and c.tag != "a"  # <h1><a href=self>T</a></h1>: the heading is the node
                and clean_text(c.text_content()) == text
            ),
            None,
        )
        if inner is None:
            return element
        element = inner


def _heading_like(page: _Parsed) -> Iterator[tuple[lxml_html.HtmlElement, str]]:
    """Elements that could hold the headline: not links, and not list entries ("Tin mới"
    lists the article itself on its own page)."""
    for element in page.root.iter():
        if not isinstance(element.tag, str) or element.tag in SKIPPED_TAGS:
            continue
        if element.tag in ("body", "html", "li") or _in_link(element):
            continue
        if any(node.tag == "li" for node in element.iterancestors()):
            continue
        text = clean_text(element.text_content())
        if 10 <= len(text) <= 400:
            yield element, text


# Date ------------------------------------------------------------------------------------------


def _date_order(parsed: list[_Parsed]) -> str | None:
    """Which order the site writes numeric dates in: a first number above 12 is a day, a
    second one above 12 is a day too. None when its pages never show (or contradict)."""
    day_first = month_first = False
    for page in parsed:
        # Date lines, not prose: a CMS may print month first while its editors write 25/08.
        for _, text in _lines(page):
            if len(text) > generic.DATE_LINE_MAX_CHARS:
                continue
            for first, second in NUMERIC_DATE.findall(text):
                day_first = day_first or int(first) > 12 >= int(second)
                month_first = month_first or int(second) > 12 >= int(first)
    if day_first == month_first:
        return None
    return "dmy" if day_first else "mdy"


def _constant_days(parsed: list[_Parsed]) -> frozenset[str]:
    """Days a lone date line prints, the same, on most pages: the header's "today", a
    footer's "last updated". Dated lists (a "Tin mới" sidebar) are not lone lines: they also
    carry the real dates of the site's articles. A day some listing gave as an article's date
    is never one of them."""
    counts: Counter[tuple[str, str]] = Counter()
    for page in parsed:
        dated: dict[str, list[str]] = defaultdict(list)
        for element, text in _lines(page):
            if element.tag == "a":
                continue  # another article's title, which may name a day ("... 18/5/2020")
            if len(text) <= DATE_LINE_MAX_CHARS and (day := page.date(text)):
                dated[page.path(element)].append(day)
        counts.update({(path, days[0]) for path, days in dated.items() if len(days) == 1})
    needed = _share(len(parsed), TEMPLATE_SHARE)
    witnessed = {p.listing_day for p in parsed}
    return frozenset(day for (_, day), n in counts.items() if n >= needed and day not in witnessed)


def _learn_date(
    parsed: list[_Parsed], constant_days: frozenset[str], title: LearnedField | None
) -> LearnedField | None:
    """The one date line per page whose date varies from page to page, nearest the title and
    agreeing with the listing's dates."""
    per_path: dict[str, dict[int, tuple[lxml_html.HtmlElement, str]]] = defaultdict(dict)
    repeated: set[str] = set()
    for index, page in enumerate(parsed):
        for element, text in _lines(page):
            if len(text) > DATE_LINE_MAX_CHARS or element.tag == "a":
                continue
            day = page.date(text)
            if day is None or day in constant_days:
                continue
            path = page.path(element)
            if index in per_path[path]:
                repeated.add(path)  # a list of dates (related articles), not the date line
            per_path[path].setdefault(index, (element, day))
    scored = []
    for path, members in per_path.items():
        if path in repeated or len(members) < _share(len(parsed), FIELD_SHARE):
            continue
        days = [day for _, day in members.values()]
        if len(set(days)) < min(len(days), 2):
            continue
        agree = sum(
            parsed[i].listing_day == day for i, (_, day) in members.items() if parsed[i].listing_day
        )
        witnessed = sum(1 for i in members if parsed[i].listing_day)
        order = _document_order(parsed, members, title)
        scored.append((agree, len(members), -order, path, members, witnessed))
    if not scored:
        return None
    agree, count, _, path, members, witnessed = max(scored, key=lambda s: s[:3])
    if witnessed and agree < witnessed / 2:
        return None  # the listing dates disagree: keep the generic rules
    elements = {i: element for i, (element, _) in members.items()}
    confidence = 0.6 + (0.35 * agree / witnessed if witnessed else 0.1)
    evidence = f"a varying date line on {count} of {len(parsed)} pages"
    if witnessed:
        evidence += f", agreeing with the listing on {agree} of {witnessed}"
    return LearnedField(_selector_for(parsed, elements), round(confidence, 2), evidence)


def _document_order(
    parsed: list[_Parsed],
    members: dict[int, tuple[lxml_html.HtmlElement, str]],
    title: LearnedField | None,
) -> int:
    """How far (in elements) the date line is from the title, summed over the pages."""
    if title is None or is_xpath(title.selector):
        return 0
    distance = 0
    for index, (element, _) in members.items():
        root = parsed[index].root
        heading = _first(root, title.selector)
        if heading is None:
            continue
        order = {el: n for n, el in enumerate(root.iter())}
        distance += abs(order.get(element, 0) - order.get(heading, 0))
    return distance


# Body ------------------------------------------------------------------------------------------


def _learn_body(parsed: list[_Parsed]) -> LearnedField | None:
    """The container the generic body finder picks on most pages."""
    found = [
        (i, el) for i, page in enumerate(parsed) if (el := generic.find_body(page.root)) is not None
    ]
    best = _best_group(parsed, _by_path(parsed, found))
    if best is None:
        return None
    _, members = best
    share = len(members) / len(parsed)
    return LearnedField(
        _selector_for(parsed, members),
        round(0.5 + 0.4 * share, 2),
        f"the block with most text on {len(members)} of {len(parsed)} pages",
    )


def _template_blocks(
    parsed: list[_Parsed], body_selector: str, template_texts: frozenset[str]
) -> tuple[str, ...]:
    """Elements inside the body whose whole text is template (a "Tin liên quan" box's
    heading, a share bar, a standard notice), as selectors relative to the body."""
    counts: Counter[str] = Counter()
    for page in parsed:
        body = _first(page.root, body_selector)
        if body is None:
            continue
        seen = set()
        for element in body.iter():
            if element is body or not isinstance(element.tag, str):
                continue
            text = clean_text(element.text_content()).casefold()
            if text and text in template_texts and not _looks_like_name(text):
                seen.add(_step_within(page, body, _enclosing_list(body, element)))
        counts.update(seen)
    needed = _share(len(parsed), TEMPLATE_SHARE)
    kept = sorted(path for path, n in counts.items() if n >= needed)
    # An enclosing block already cuts what it contains.
    return tuple(p for p in kept if not any(p != q and p.startswith(q + " > ") for q in kept))


def _enclosing_list(
    body: lxml_html.HtmlElement, element: lxml_html.HtmlElement
) -> lxml_html.HtmlElement:
    """A template heading's box when the rest of the box is links ("Tin liên quan" + titles)."""
    parent = element.getparent()
    while parent is not None and parent is not body:
        total = len(clean_text(parent.text_content()))
        linked = sum(len(clean_text(a.text_content())) for a in parent.iter("a"))
        own = len(clean_text(element.text_content()))
        if total == 0 or (linked + own) / total < 0.8:
            break
        element, parent = parent, parent.getparent()
    return element


def _looks_like_name(text: str) -> bool:
    """A two-to-five word line could be a byline that repeats: never cut as template."""
    return len(text) <= 40 and 2 <= len(text.split()) <= 5 and not re.search(r"[:\d]", text)


def _step_within(page: _Parsed, body: lxml_html.HtmlElement, element: lxml_html.HtmlElement) -> str:
    full, base = page.path(element), page.path(body)
    return full[len(base) + 3 :] if full.startswith(base + " > ") else _step(element)
