"""Extract one article page: profile selectors, then the platform preset, then generic heuristics.

Every field records where it came from (`fields`), and nothing is invented: a missing author is
[], a missing date is None.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import unquote, urljoin

from lxml import html as lxml_html
from parsel import Selector

from dostcrawler.extract import author as bylines
from dostcrawler.extract import body as bodies
from dostcrawler.extract import form as forms
from dostcrawler.extract import generic
from dostcrawler.extract.dates import ParsedDate, in_vietnam_time, order_shown, parse_date
from dostcrawler.extract.select import any_match, first_text, select
from dostcrawler.extract.text import Block, clean_text
from dostcrawler.extract.urls import attachment_media_type
from dostcrawler.profiles.model import ArticleRules, SiteProfile

GENERIC_LEAD_HINT = (
    "sapo, [class*='sapo'], .lead, .summary, .hometext, #hometext, [class*='tomtat'], .news-lead"
)
MIN_BODY_CHARS = 80
# How many lines under the headline (the date line aside) may hold its byline.
NEAR_TITLE_LINES = 2
# How many elements after the body container may hold its labelled credits.
AFTER_BODY_ELEMENTS = 3
# How many wrappers of a line may carry the markup that names it a byline.
MARKER_LEVELS = 4
# The longest text of a box of writers' names (a carousel of several, each with its avatar).
AUTHOR_BOX_CHARS = 200
# A wholly bold opening paragraph is the lead when it is a real paragraph with more after it
# (a bold one-liner is a heading or a dateline).
BOLD_LEAD_MIN_CHARS = 80
BOLD_LEAD_FOLLOWING = 2


@dataclass
class Extraction:
    """The fields one article page yields, with where each came from."""

    title: str | None = None
    lead: str | None = None
    body: str | None = None
    body_html: str | None = None
    authors: list[str] = field(default_factory=list)
    source: str | None = None
    published_at: str | None = None
    published_at_raw: str | None = None
    date_source: str | None = None
    category: str | None = None
    attachments: list[dict[str, str]] = field(default_factory=list)
    images: list[dict[str, str | None]] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    # The whole line the date was read from (it may also name the writer).
    date_line: str | None = None
    # The body's first paragraph when it is wholly bold and more follow: the sapo, if no
    # element says which the lead is.
    bold_opening: str | None = None


@dataclass(frozen=True)
class ListingHint:
    """What the listing page said about an entry before its page was fetched: witnesses for
    the article's date and title."""

    date: ParsedDate | None = None
    category: str | None = None
    title: str | None = None


class _Layers:
    """Selectors for one field in order: the profile's own, the preset's, tagged by origin."""

    def __init__(self, profile: SiteProfile | None) -> None:
        self.rules = profile.article if profile else ArticleRules()
        self.own = profile.own_keys if profile else frozenset()
        self.learned = profile.learned_keys if profile else frozenset()

    def profile_reads(self, key: str) -> bool:
        """A hand-written profile says where the field is: where it finds nothing, the page
        has none, and no generic rule guesses. A preset's or learned selector is a guess."""
        selectors, origin = self.get(key)
        return bool(selectors) and origin == "profile"

    def get(self, key: str) -> tuple[tuple[str, ...], str]:
        selectors: tuple[str, ...] = getattr(self.rules, key)
        if f"article.{key}" in self.learned:
            return selectors, "learned"
        return selectors, ("profile" if f"article.{key}" in self.own else "preset")


def extract_article(
    html: str,
    url: str,
    *,
    profile: SiteProfile | None = None,
    hint: ListingHint | None = None,
    reject_days: frozenset[str] = frozenset(),
    template_texts: frozenset[str] = frozenset(),
) -> Extraction:
    """All fields of one article page. A date whose day is in `reject_days` (the crawl day,
    days the site prints on every page) is never taken as the publication date, and a line in
    `template_texts` (casefolded lines the site prints on most pages) is neither the title nor
    body text: a page that is only template (a soft 404) has neither."""
    if profile is not None:
        from dostcrawler.platforms import PLATFORMS

        html = PLATFORMS[profile.platform].prepare(url, html)
        reject_days = reject_days | frozenset(profile.article.template_days)
    if not unicodedata.is_normalized("NFC", html):
        # windows-1258 writes tone marks as combining characters, and Word pastes keep them:
        # read as the composed text a listing, a <title> or a search prints.
        html = unicodedata.normalize("NFC", html)
    sel = Selector(text=html, base_url=url)
    root = sel.root
    layers = _Layers(profile)
    month_first = profile.month_first if profile else False
    if profile is None or "article.date_order" not in profile.own_keys:
        # A preset's (or the default) order is a guess about the site; its own unambiguous
        # dates say which number is the day (a DotNetNuke site written day first).
        shown = order_shown(html)
        month_first = month_first if shown is None else shown
    out = Extraction()
    form = forms.read_form(root)

    title_el = _extract_title(sel, root, layers, profile, form, hint, out)
    if out.title and out.title.casefold() in template_texts:
        out.title, title_el = None, None
        out.fields.pop("title", None)
    body_el = _extract_body(sel, root, layers, url, template_texts, form, out)
    if out.title is None and body_el is not None and not layers.profile_reads("title"):
        headline = generic.headline_before(root, body_el)
        text = clean_text(headline.text_content()) if headline is not None else ""
        if text and text.casefold() not in template_texts:
            title_el, out.title, out.fields["title"] = headline, text, "generic"
    anchors = (title_el, body_el)
    _extract_date(sel, root, anchors, layers, url, hint, month_first, reject_days, form, out)
    _extract_lead_and_category(sel, layers, hint, form, out)
    _extract_credits(sel, url, layers, form, out)
    if body_el is not None:
        _credits_after_body(body_el, layers, out)
        out.images = bodies.images(body_el, url)
    _drop_repeated_fields(out)
    if not out.authors and not layers.profile_reads("authors"):
        _credits_near_title(root, title_el, body_el, out)
    return out


def _drop_repeated_fields(out: Extraction) -> None:
    """The body's first paragraphs that repeat another field (the headline, the date line,
    the lead) are that field, not body: many templates put the whole article header inside
    the content container. A date line found there is the line its byline may stand in."""
    paragraphs = out.body.split("\n\n") if out.body else []
    raw = out.published_at_raw
    while paragraphs:
        first = paragraphs[0]
        if raw and raw in first and len(first) <= generic.DATE_LINE_MAX_CHARS:
            out.date_line = out.date_line or first
        elif first.casefold() not in {(out.title or "").casefold(), (out.lead or "").casefold()}:
            break
        paragraphs.pop(0)
    out.body = "\n\n".join(paragraphs) or None


def _credits_near_title(
    root: lxml_html.HtmlElement,
    title: lxml_html.HtmlElement | None,
    body: lxml_html.HtmlElement | None,
    out: Extraction,
) -> None:
    """A writer printed between the headline and the body: beside the date
    ("05/11/2021 | Nguyễn Thu Hà"), or on a line of its own ("Hoài Thu - Trung tâm ...")."""
    beside_date = bylines.authors_beside_date(out.date_line or "", out.published_at_raw or "")
    if beside_date:
        out.authors, out.fields["authors"] = beside_date, "generic"
        return
    if title is None:
        return
    # The view counter and font buttons of the meta line are no lines of the article's own.
    lines = [
        (element, text)
        for element, text in generic.lines_after(root, title)
        if text != out.date_line and not bodies.is_widget_line(text)
    ]
    for element, text in lines[:NEAR_TITLE_LINES]:
        if names := bylines.marked_byline(_markers(element, body), text):
            # Its markup names it the byline ("field-but-danh"), inside the body box or not.
            out.authors, out.fields["authors"] = _author_box_names(element) or names, "generic"
            out.body = _without_line(out.body, text)
            return
        if body is not None and (element is body or body in element.iterancestors()):
            return
        if names := bylines.standalone_byline(text):
            out.authors, out.fields["authors"] = _author_box_names(element) or names, "generic"
            return


def _author_box_names(element: lxml_html.HtmlElement) -> list[str]:
    """Every writer an author box links, where the byline found is a link to one writer's own
    page: a box of several writers shows the first and "và 1 tác giả khác" (and one more), its
    other links naming the rest."""
    if element.tag != "a" or not generic.AUTHOR_PAGE.search(element.get("href", "")):
        return []
    # The outermost wrapper marked as the byline that still holds only names: the names'
    # own line ("author-info") may be inside the box of all of them ("detail-author").
    boxes = [
        node
        for node in itertools.islice(element.iterancestors(), MARKER_LEVELS)
        if bylines.AUTHOR_MARKUP.search(f"{node.get('class', '')} {node.get('id', '')}")
        and len(clean_text(node.text_content())) <= AUTHOR_BOX_CHARS
    ]
    if not boxes:
        return []
    box = boxes[-1]
    names: list[str] = []
    for link in box.iter("a"):
        # The box's markup vouches for its names, as for a marked byline's ("THU TRANG").
        credit = generic.AUTHOR_PAGE.search(link.get("href", "")) and bylines.credit_line(
            clean_text(link.text_content())
        )
        names += credit[0] if credit else []
    return list(dict.fromkeys(names))


def _markers(element: lxml_html.HtmlElement, stop: lxml_html.HtmlElement | None) -> str:
    """The classes and ids of an element and its wrappers up to `stop` (a field's name is on
    its outer div: `div.field-name-field-but-danh > div > div > strong`)."""
    found = []
    for node in (element, *element.iterancestors()):
        if node is stop or node.tag in ("body", "html"):
            break
        found.append(f"{node.get('class', '')} {node.get('id', '')}")
    return " ".join(found[:MARKER_LEVELS])


def _extract_title(
    sel: Selector,
    root: lxml_html.HtmlElement,
    layers: _Layers,
    profile: SiteProfile | None,
    form: forms.Form | None,
    hint: ListingHint | None,
    out: Extraction,
) -> lxml_html.HtmlElement | None:
    """The headline, first found of: the form's title row (unless a profile's own selector
    reads it), the selector, the element printing the listing's link text, the heading that
    <title> confirms, <title> itself."""
    selectors, origin = layers.get("title")
    hints = generic.title_hints(sel)
    if title := _form_text(form, "title", origin):
        out.title, out.fields["title"] = title, "form"
        return form.values["title"] if form else None
    found = first_text(sel, selectors)
    if found and generic.is_site_name(found[0]):
        found = None  # the site's own name (an old template's <title>) names no article
    if found:
        out.title, out.fields["title"] = found[0], origin
        if isinstance(found[1].root, lxml_html.HtmlElement):
            return found[1].root
        # A title read from <title> or an attribute: the visible line that prints it, if any,
        # anchors the date line.
        shown = generic.find_title(root, (found[0],))
        same = (
            shown is not None and clean_text(shown.text_content()).casefold() == found[0].casefold()
        )
        return shown if same else None
    meta = _meta_title(hints, profile)
    printed = generic.element_printing(root, hint.title) if hint and hint.title else None
    element = printed if printed is not None else generic.find_title(root, tuple(hints))
    if element is not None:
        text = clean_text(element.text_content())
        if printed is None and meta and _heading_over_article(text, meta):
            # The box's heading over the article ("Chi tiết tin", "TIN TỨC - SỰ KIỆN") is no
            # headline when <title> holds a sentence-long one; it still marks where the
            # article starts, so it anchors the date line.
            out.title, out.fields["title"] = meta, "meta"
        else:
            out.title, out.fields["title"] = text, "generic"
        return element
    if meta:
        out.title, out.fields["title"] = meta, "meta"
    return None


def _meta_title(hints: list[str] | tuple[str, ...], profile: SiteProfile | None) -> str | None:
    """<title> (or og:title) without the site's suffix, unless it is only the site's name."""
    for shown in hints:
        title = generic.strip_site_suffix(shown, profile.publisher if profile else None)
        if title and not generic.is_site_name(title):
            return title
    return None


def _heading_over_article(heading: str, meta: str) -> bool:
    """A few words that <title> does not hold, where <title> holds a sentence."""
    return (
        not generic.sentence_long(heading)
        and generic.sentence_long(meta)
        and heading.casefold() not in meta.casefold()
    )


def _extract_body(
    sel: Selector,
    root: lxml_html.HtmlElement,
    layers: _Layers,
    url: str,
    template_texts: frozenset[str],
    form: forms.Form | None,
    out: Extraction,
) -> lxml_html.HtmlElement | None:
    selectors, origin = layers.get("body")
    remove, _ = layers.get("remove")
    matches = [m.root for m in select(sel, selectors) if isinstance(m.root, lxml_html.HtmlElement)]
    if form and _form_text(form, "body", origin):
        matches, origin = [form.values["body"]], "form"
    if origin != "profile" and len(matches) > 1:
        # A preset's or a learned selector is a guess about this page: of its matches, the one
        # with the article's prose, not the first ("Subscribe" boxes share article classes).
        matches.sort(key=generic.prose_chars, reverse=True)
    element = matches[0] if matches else generic.find_body(root)
    origin = origin if matches else "generic"
    cleaned, blocks = _read_body(element, remove, layers, out.title, origin)
    if matches and origin != "profile" and _too_short(blocks):
        # The guess matched an empty or tiny block: fall back as if it had matched nothing,
        # unless that reads even less (a short notice is a short body, not a miss).
        found = generic.find_body(root)
        found_cleaned, found_blocks = _read_body(found, remove, layers, out.title, "generic")
        if _letters(b.text for b in found_blocks) > _letters(b.text for b in blocks):
            element, cleaned, blocks, origin = found, found_cleaned, found_blocks, "generic"
    # An attachment widget's file links are recorded as attachments, and are no paragraphs
    # (nor the last lines where a byline is looked for).
    files = [b for b in blocks if bodies.only_document_links(b)]
    blocks = [b for b in blocks if b not in files]
    paragraphs = [b.text for b in blocks]
    if _too_short(blocks) and origin != "profile":
        fallback = _trafilatura_paragraphs(sel.get())
        if _letters(p for p in fallback if p != out.title) > _letters(paragraphs):
            paragraphs, origin, blocks = fallback, "trafilatura", []
    byline = bylines.read_byline(paragraphs)
    out.authors, out.source = byline.authors, byline.source
    if byline.authors:
        out.fields["authors"] = "body"
    if byline.source:
        out.fields["source"] = "body"
    # Template lines go after the byline is read: a writer's name recurs on many pages.
    dropped = byline.consumed | {
        i for i, p in enumerate(paragraphs) if p.casefold() in template_texts
    }
    kept = [p for i, p in enumerate(paragraphs) if i not in dropped]
    kept_blocks = [b for i, b in enumerate(blocks) if i not in dropped]
    out.body = "\n\n".join(kept) or None
    out.fields["body"] = origin
    if len(kept_blocks) > BOLD_LEAD_FOLLOWING and kept_blocks[0].bold:
        opening = kept_blocks[0].text
        out.bold_opening = opening if len(opening) >= BOLD_LEAD_MIN_CHARS else None
    out.attachments = bodies.attachments(kept_blocks + files, url)
    if cleaned is not None and out.body and origin != "trafilatura":
        out.body_html = bodies.cleaned_html(cleaned)
    return element


def _read_body(
    element: lxml_html.HtmlElement | None,
    remove: tuple[str, ...],
    layers: _Layers,
    title: str | None,
    origin: str,
) -> tuple[lxml_html.HtmlElement | None, list[Block]]:
    """The container cleaned of noise, and its text blocks (a repeated headline dropped)."""
    if element is None:
        return None, []
    cleaned = bodies.strip_noise(element, remove, guessed=origin != "profile")
    blocks = bodies.body_blocks(cleaned, keep_captions=layers.rules.keep_captions)
    if title and blocks and clean_text(blocks[0].text).casefold() == title.casefold():
        blocks = blocks[1:]
    return cleaned, blocks


def _too_short(blocks: list[Block]) -> bool:
    return sum(len(b.text) for b in blocks) < MIN_BODY_CHARS


def _letters(texts: Iterable[str]) -> int:
    """How much text a reading holds: its letters (a table's "|" rules are none)."""
    return sum(map(str.isalpha, itertools.chain.from_iterable(texts)))


def _credits_after_body(body: lxml_html.HtmlElement, layers: _Layers, out: Extraction) -> None:
    """Labelled "Tác giả: ..." / "Nguồn tin: ..." lines printed just after the body container
    (DotNetNuke, NukeViet and many custom templates) credit the article. Only where neither the
    body nor a selector said so; stop at the first related-list heading."""
    want_authors = not out.authors and not layers.profile_reads("authors")
    want_source = out.source is None and not layers.profile_reads("source")
    for position, sibling in enumerate(_elements_after(body, AFTER_BODY_ELEMENTS)):
        text = clean_text(sibling.text_content())
        if not text or bodies.END_OF_ARTICLE.match(text):
            break
        if want_source and (source := _boxed_source(sibling, text)):
            # A credit box: "Theo Tổ Quốc" in an element of its own, then its buttons ("Copy
            # link") and the original's address.
            out.source, out.fields["source"] = source, "generic"
            want_source = False
            continue
        if len(text) > 160:
            continue
        if want_authors and bylines.AUTHOR_LABEL.match(text):
            if names := bylines.authors_from_text(text):
                out.authors, out.fields["authors"] = names, "generic"
                want_authors = False
        elif (
            want_authors
            and position == 0
            and not sibling.xpath(".//a")  # links under a body navigate: "Trước | Tiếp"
            and (
                names := bylines.standalone_byline(text)
                or bylines.marked_byline(
                    f"{sibling.get('class', '')} {sibling.get('id', '')}", text
                )
            )
        ):
            # A name alone right under the body is its byline, as the body's last line is.
            out.authors, out.fields["authors"] = names, "generic"
            want_authors = False
            if want_source and (paper := bylines.source_beside_writer(text)):
                out.source, out.fields["source"] = paper, "generic"
                want_source = False
        elif want_source and (source := bylines.source_from_label(text)):
            out.source, out.fields["source"] = source, "generic"
            want_source = False


def _boxed_source(box: lxml_html.HtmlElement, text: str) -> str | None:
    """The source a box's first piece of text credits, when the box says more than that."""
    first = next(filter(None, map(clean_text, box.itertext())), text)
    return bylines.source_from_label(first) if first != text else None


def _elements_after(element: lxml_html.HtmlElement, count: int) -> list[lxml_html.HtmlElement]:
    """The first `count` elements with text after `element` in reading order: its following
    siblings, then its parent's (templates wrap the body and put the byline beside the wrap)."""
    found: list[lxml_html.HtmlElement] = []
    node: lxml_html.HtmlElement | None = element
    while node is not None and node.tag != "body" and len(found) < count:
        for sibling in node.itersiblings():
            if isinstance(sibling.tag, str) and clean_text(sibling.text_content()):
                found.append(sibling)
                if len(found) == count:
                    break
        node = node.getparent()
    return found


def _trafilatura_paragraphs(html: str) -> list[str]:
    """The generic fallback for pages our own body finder cannot read."""
    import trafilatura  # imported on first use: it is slow to import and rarely needed

    text = trafilatura.extract(
        html, include_comments=False, include_tables=True, favor_precision=True
    )
    # It writes a layout table's empty cells as "|" lines: a line without a letter or a
    # digit is no text of the article.
    lines = (clean_text(line) for line in (text or "").split("\n"))
    blocks = [Block(text=line) for line in lines if any(map(str.isalnum, line))]
    return [block.text for block in bodies.clean_blocks(blocks, keep_captions=True)]


def _extract_date(
    sel: Selector,
    root: lxml_html.HtmlElement,
    anchors: tuple[lxml_html.HtmlElement | None, lxml_html.HtmlElement | None],
    layers: _Layers,
    url: str,
    hint: ListingHint | None,
    month_first: bool,
    reject_days: frozenset[str],
    form: forms.Form | None,
    out: Extraction,
) -> None:
    title_el, body_el = anchors
    selectors, origin = layers.get("date")
    # A day the template prints on every page (or the crawl day) is the page's own date only
    # when two witnesses say so: the page and its listing entry. Articles of the crawl day
    # are what a daily run finds; the "today" banner alone dates nothing.
    listed_day = hint.date.value[:10] if hint and hint.date else None
    page_reject = reject_days - {listed_day} if listed_day else reject_days
    # A learned date node is one the site's pages print different days in: the day it shows
    # is this page's own even where the banner shows the same (the newest article's day).
    node_reject = page_reject - frozenset(layers.rules.template_days)
    candidates: list[tuple[ParsedDate | None, str]] = []
    lines: dict[str, str] = {}
    found = first_text(sel, selectors)
    if found and origin != "profile" and generic.dates_an_entry(found[1].root):
        # A learned or preset selector met the same markup in a dated list on this page.
        found = None
    if found:
        parsed, line = parse_date(found[0], month_first=month_first), found[0]
        if parsed and isinstance(found[1].root, lxml_html.HtmlElement):
            parsed, line = generic.whole_date_line(
                found[1].root, parsed, found[0], month_first=month_first
            )
        candidates.append((parsed, origin))
        lines[origin] = line
    if shown := _form_text(form, "date", origin):
        candidates.insert(0, (parse_date(shown, month_first=month_first), "form"))
    meta = generic.metadata_date(sel, month_first=month_first)
    near_title = generic.date_line_near_title(
        root, title_el, month_first=month_first, reject_days=page_reject
    )
    if near_title and meta and not _same_day(near_title[0], meta[0]):
        # A day the page's own metadata contradicts, when it is printed above the headline,
        # is the banner's ("Thứ Tư, 10/01/2024"): only a line below the headline stands.
        near_title = generic.date_line_near_title(
            root, title_el, month_first=month_first, reject_days=page_reject, look_above=False
        )
    candidates.append((near_title[0] if near_title else None, "generic"))
    if near_title:
        lines["generic"] = near_title[1]
    if meta:
        candidates.append(meta)
    if body_el is not None and (labelled := _labelled_date_after(body_el, month_first)):
        candidates.append((labelled[0], "generic"))
        lines.setdefault("generic", labelled[1])
    candidates.append((hint.date if hint else None, "listing"))
    candidates.append((generic.url_date(url), "url"))
    for parsed, source in candidates:
        rejected = {"listing": reject_days, "url": reject_days, "learned": node_reject}.get(
            source, page_reject
        )
        if parsed is not None and listed_day and parsed.value[:10] != listed_day:
            # A zoned time (UTC in the metadata) is kept as written, unless the listing's day
            # is its day at +07:00: then the two witnesses agree on the reader's day.
            local = in_vietnam_time(parsed)
            parsed = local if local.value[:10] == listed_day else parsed
        if parsed is not None and parsed.value[:10] not in rejected:
            if not parsed.has_time and (timed := generic.time_of_day(root, parsed.value[:10])):
                parsed = replace(parsed, value=timed.value, has_time=True)
            out.published_at, out.published_at_raw = parsed.value, parsed.raw
            out.date_source = out.fields["published_at"] = source
            out.date_line = lines.get(source)
            return


def _labelled_date_after(
    body: lxml_html.HtmlElement, month_first: bool
) -> tuple[ParsedDate, str] | None:
    """A "Ngày đăng: 09/08/2023 14:05" line just after the body (a portal that prints its
    headline only in <title> has no line under the headline to look at): its label says
    whose date it is."""
    for element in _elements_after(body, AFTER_BODY_ELEMENTS):
        text = clean_text(element.text_content())
        label, colon, _ = text.partition(":")
        labelled = colon and forms.LABELS.get(label.strip().casefold()) == "date"
        if labelled and len(text) <= generic.DATE_LINE_MAX_CHARS:
            parsed = parse_date(text, month_first=month_first)
            return (parsed, text) if parsed else None
    return None


def _same_day(shown: ParsedDate, stamp: ParsedDate) -> bool:
    """A printed date and a machine-readable one name the same day, in its zone or at +07:00."""
    return shown.value[:10] in (stamp.value[:10], in_vietnam_time(stamp).value[:10])


def _extract_lead_and_category(
    sel: Selector,
    layers: _Layers,
    hint: ListingHint | None,
    form: forms.Form | None,
    out: Extraction,
) -> None:
    selectors, origin = layers.get("lead")
    found = first_text(sel, selectors)
    lead = found[0] if found else None
    if form and origin != "profile" and (summary := form.text("lead")) is not None:
        # The form's own summary row, even when empty: no other block is then the lead.
        lead, origin = summary or None, "form"
    elif found is None and not selectors:
        # Most pages have none: one pass over the page for them all says so, before the
        # alternatives are tried in their order.
        hinted = any_match(sel.root, GENERIC_LEAD_HINT)
        found = first_text(sel, tuple(GENERIC_LEAD_HINT.split(", "))) if hinted else None
        origin = "generic"
        lead = found[0] if found else out.bold_opening
    if lead:
        out.lead, out.fields["lead"] = lead, origin
        if out.body and out.body.startswith(lead):
            out.body = out.body[len(lead) :].lstrip() or None
    selectors, origin = layers.get("category")
    if category := _form_text(form, "category", origin):
        out.category, out.fields["category"] = category, "form"
    elif found := first_text(sel, selectors):
        out.category, out.fields["category"] = found[0], origin
    elif hint and hint.category:
        out.category, out.fields["category"] = hint.category, "listing"


def _extract_credits(
    sel: Selector, url: str, layers: _Layers, form: forms.Form | None, out: Extraction
) -> None:
    """Dedicated author/source elements win over what the body's last lines said."""
    written, origin = _credit_text(sel, layers, form, "authors")
    if written and (names := bylines.authors_from_text(written)):
        out.authors, out.fields["authors"] = names, origin
        out.body = _without_line(out.body, written)
    credited, origin = _credit_text(sel, layers, form, "source")
    if credited:
        out.source, out.fields["source"] = bylines.source_from_text(credited), origin
        out.body = _without_line(out.body, credited)
    selectors, _ = layers.get("attachments")
    for match in select(sel, selectors):
        href = match.attrib.get("href")
        if href:
            name = clean_text(match.xpath("string()").get())
            title = clean_text(match.attrib.get("title"))
            _add_attachment(out, urljoin(url, href), name, title)


def _credit_text(
    sel: Selector, layers: _Layers, form: forms.Form | None, key: str
) -> tuple[str | None, str]:
    """The text of a dedicated credit (the form's row, else the selector's match) and its
    origin."""
    selectors, origin = layers.get(key)
    if written := _form_text(form, key, origin):
        return written, "form"
    found = first_text(sel, selectors)
    return (found[0] if found else None), origin


def _form_text(form: forms.Form | None, name: str, origin: str) -> str | None:
    """The form's value for a field, unless a hand-written profile selector reads it."""
    if form is None or origin == "profile":
        return None
    return form.text(name) or None


def _without_line(body: str | None, line: str) -> str | None:
    if not body:
        return body
    kept = [p for p in body.split("\n\n") if p != line]
    return "\n\n".join(kept) or None


def _add_attachment(out: Extraction, url: str, name: str, title: str) -> None:
    """An attachment-panel link, unless the body already links the same file."""
    media_type = attachment_media_type(url, title or name)
    name = name or title or url.rsplit("/", 1)[-1]
    # Panels label the file ("Tập tin : ke-hoach.pdf"); the body may link the same file.
    shown = re.search(r"[^\s/\\:]+\.[a-z0-9]{2,4}$", title or name, re.IGNORECASE)
    known = {a["url"] for a in out.attachments} | {a["name"] for a in out.attachments}
    known |= {unquote(a["url"].rsplit("/", 1)[-1]) for a in out.attachments}
    duplicate = url in known or name in known or (shown is not None and shown[0] in known)
    if media_type and not duplicate:
        out.attachments.append({"url": url, "name": name, "media_type": media_type})
