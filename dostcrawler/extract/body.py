"""The article body: clean the container, split it into paragraphs, cut the boilerplate.

Vietnamese CMS templates end the article with the same few headings ("Các tin khác", "Tin liên
quan", "Các tin đã đưa ngày:"...); anything from such a heading on is not the article.
"""

from __future__ import annotations

import copy
import re
from urllib.parse import urljoin

from lxml import html as lxml_html
from lxml_html_clean import Cleaner

from dostcrawler.extract import generic
from dostcrawler.extract.select import css_matcher, is_xpath
from dostcrawler.extract.text import Block, clean_text, element_blocks
from dostcrawler.extract.urls import attachment_media_type

END_OF_ARTICLE = re.compile(
    r"^(?:các tin khác|tin khác|tin liên quan|các tin liên quan|bài viết liên quan|"
    r"bài liên quan|các bài liên quan|"
    r"tin cùng chuyên mục|các tin cùng chuyên mục|các tin đã đưa ngày|tin đã đưa|"
    r"tin mới nhất|tin mới hơn|những tin mới hơn|tin cũ hơn|những tin cũ hơn|"
    r"theo dòng sự kiện|xem thêm|ý kiến bạn đọc|gửi ý kiến|bình luận|"
    r"tags?|từ khóa|từ khoá|giới hạn tin theo ngày|bản quyền thuộc|bản quyền ©|copyright)\b",
    re.IGNORECASE,
)
# Headings of the lists templates print after an article, when they are the whole line
# ("Tin mới:", "Đọc tiếp"); as the start of a sentence they are ordinary words.
END_OF_ARTICLE_HEADING = re.compile(
    r"^(?:tin mới|tham khảo thêm|đọc tiếp|đọc thêm|xem tiếp|tin nổi bật|tin xem nhiều|"
    r"tin đọc nhiều|bài đọc nhiều|tin cùng loại|bài viết khác)\s*:?$",
    re.IGNORECASE,
)
WIDGET_LINE = re.compile(
    r"^(?:xem với cỡ chữ|cỡ chữ|font size|in bài viết|in trang|bản in|gửi email|gửi bài viết|"
    r"chia sẻ|lượt xem|số lượt xem|đã xem|lượt đọc|email in pdf|trở về|quay lại|"
    r"về đầu trang|đầu trang|nhảy đến nội dung|skip to main content|skip ribbon commands|"
    r"bỏ qua lệnh ribbon|facebook zalo|\d{1,3}%|\d+ người đang online|a- a a\+|"
    r"đang truy cập|đang online|tổng lượt truy cập|lượt truy cập|số người truy cập|"
    # CMS bookkeeping: who posted or approved it is an account, not the article's author.
    r"người đăng|đăng bởi|người duyệt|người cập nhật|cập nhật bởi)",
    re.IGNORECASE,
)
# A widget's line is a few words ("Chia sẻ: Facebook Zalo", "Lượt xem: 1.412"); a sentence
# that starts with the same words ("Chia sẻ kinh nghiệm quốc tế, PGS.TS ...") is prose.
WIDGET_LINE_MAX_CHARS = 80


def is_widget_line(text: str) -> bool:
    """A template's control or counter line (WIDGET_LINE), not a sentence of the article."""
    return len(text) <= WIDGET_LINE_MAX_CHARS and bool(WIDGET_LINE.match(text))


# Word pastes leave the local path of the picture as alt text: "Description: C:\Users\...jpg".
WORD_PASTE_JUNK = re.compile(r"^description\s*:\s*[a-z]:\\", re.IGNORECASE)
# A line that only credits the pictures ("Ảnh: Quang Huy", "Video: Trung tâm THTT") says who
# took them, wherever it stands; it is no sentence of the article.
PHOTO_CREDIT = re.compile(
    r"^(?:ảnh|ảnh minh họa|ảnh minh hoạ|nguồn ảnh|video|clip)\s*:\s*[^.!?:]{1,60}$", re.IGNORECASE
)
MAX_CAPTION_CHARS = 300
# A caption's closing photo credit, after its sentence: "... nghiệm thu đề tài. Ảnh: Hải
# Yến", "(Ảnh: TL)", "- Ảnh: X"; "Tin, ảnh: X" is a byline.
CREDITED_PHOTO = re.compile(
    r"(?:[.(]|\s[-–])\s*(?:ảnh|video|clip)\s*:\s*[^.!?:]{1,60}\)?$", re.IGNORECASE
)
# Text of a box that is neither a photo's caption nor a heading.
GALLERY_LOOSE_TEXT = (
    ".//text()[normalize-space()][not(ancestor::figcaption)]"
    "[not(ancestor::h1 or ancestor::h2 or ancestor::h3)]"
    "[not(ancestor::h4 or ancestor::h5 or ancestor::h6)]"
)
# A box inside the body whose text is at least this share of link text lists other articles.
LINK_BOX_SHARE = 0.7
LINK_LINE_MAX_CHARS = 200
_cleaner = Cleaner(
    scripts=True,
    javascript=True,
    comments=True,
    style=True,
    inline_style=True,
    links=True,
    meta=True,
    page_structure=False,
    processing_instructions=True,
    embedded=True,
    frames=True,
    forms=True,
    annoying_tags=True,
    remove_unknown_tags=False,
    safe_attrs_only=True,
)


def strip_noise(
    element: lxml_html.HtmlElement, remove: tuple[str, ...], *, guessed: bool = False
) -> lxml_html.HtmlElement:
    """A copy of the body container without scripts, forms and the profile's `remove` matches;
    for a `guessed` container (not a hand-written profile's), also without the widgets set
    inside it (see _widget_boxes)."""
    element = copy.deepcopy(element)
    junk = element.xpath(".//script | .//style | .//noscript | .//select | .//button | .//form")
    for selector in remove:
        junk += element.xpath(selector) if is_xpath(selector) else css_matcher(selector)(element)
    junk += _link_boxes(element)
    if guessed:
        junk += _widget_boxes(element) + _galleries(element)
    for node in junk:
        if node is not element and node.getparent() is not None:
            _drop(node)
    return element


def _link_boxes(body: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """Boxes inside the body that are other articles' links ("Tin liên quan" set between two
    paragraphs, a "Đọc tiếp: <title>" line): their text is nearly all link text. Prose is not,
    and document links ("Tải về: x.pdf") are part of the article."""
    boxes: list[lxml_html.HtmlElement] = []
    for node in body.iter("div", "table", "ul", "ol", "aside", "p", "section"):
        if node is body or any(node in box.iterdescendants() for box in boxes):
            continue
        links = [a for a in node.iter("a") if a.get("href") and not _is_document(a)]
        text = len(clean_text(node.text_content()))
        linked = sum(len(clean_text(a.text_content())) for a in links)
        if not links or not text or linked / text < LINK_BOX_SHARE:
            continue
        if len(links) >= 2 or text <= LINK_LINE_MAX_CHARS:
            boxes.append(node)
    return boxes


def _widget_boxes(body: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """Blocks inside the body that name themselves a banner, share bar, rating, tag list...
    (the class and id words that mark such containers anywhere on a page) and hold no
    paragraph of prose: a module a template slots between two paragraphs. A block so named
    that does hold prose is the article's own, whatever its class says."""
    boxes = []
    for node in body.iter("div", "section", "aside", "ul", "table", "figure"):
        if node is body or not (generic.hints_noise(node) or _names_itself_noise(node)):
            continue
        # Its paragraphs, or its own text where it has none (the box's whole text is no
        # paragraph: a teaser's headline and summary together are as long as one).
        parts = list(node.iterdescendants("p", "div", "li", "td")) or [node]
        texts = (clean_text(p.text_content()) for p in parts)
        if all(len(text) < generic.PROSE_CHARS for text in texts):
            boxes.append(node)
    return boxes


def _names_itself_noise(node: lxml_html.HtmlElement) -> bool:
    """An embedded box that says what it is in a `type` attribute, as VCCorp's editor marks
    its boxes (`<div type="RelatedOneNews">`, `type="RelatedNews"`), beside a bare class."""
    return bool(generic.NOISE_HINT.search(node.get("type", "")))


def _galleries(body: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """Boxes of two or more photos whose only text is their captions and a heading: a photo
    gallery set inside the article ("Một số hình ảnh tại hội nghị" over the pictures). The
    captions go as captions do; the heading over them heads no text of the article."""
    boxes = []
    for node in body.iter("div", "section", "ul", "table"):
        if node is body or len(node.xpath(".//img")) < 2:
            continue
        if not node.xpath(GALLERY_LOOSE_TEXT):
            boxes.append(node)
    return boxes


def _is_document(link: lxml_html.HtmlElement) -> bool:
    return attachment_media_type(link.get("href", ""), clean_text(link.text_content())) is not None


def _drop(node: lxml_html.HtmlElement) -> None:
    """Remove an element but keep the text that follows it."""
    parent = node.getparent()
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def body_blocks(element: lxml_html.HtmlElement, *, keep_captions: bool) -> list[Block]:
    """The article's paragraphs, boilerplate and (unless kept) photo captions removed."""
    return clean_blocks(element_blocks(element), keep_captions=keep_captions)


def clean_blocks(blocks: list[Block], *, keep_captions: bool) -> list[Block]:
    """Cut at the first end-of-article heading; drop widgets, Word junk and captions."""
    kept: list[Block] = []
    after_image = False
    for block in blocks:
        text = block.text
        if not text:
            after_image = after_image or block.has_image
            continue
        if (END_OF_ARTICLE.match(text) and len(text) < 120) or END_OF_ARTICLE_HEADING.match(text):
            break
        if is_widget_line(text) or WORD_PASTE_JUNK.match(text) or PHOTO_CREDIT.match(text):
            # A dropped line may hold the photo ("Description: C:\...JPG" beside the <img>):
            # the next line is still the one under it.
            after_image = after_image or block.has_image
            continue
        if not keep_captions and _is_caption(block, after_image):
            after_image = False
            continue
        kept.append(block)
        after_image = block.has_image
    # A heading left last heads nothing that was kept: a gallery's "Một số hình ảnh ..." over
    # the photos and captions just dropped.
    while kept and kept[-1].heading:
        kept.pop()
    return kept


def only_document_links(block: Block) -> bool:
    """A line that is nothing but links to files ("TB-286-SKHCN_signed", a "Tải xuống"
    button beside it): an attachment widget's entry, an attachment rather than prose. A
    labelled line ("Tải về: Thông báo số 389") is the editor's own text and stays."""
    if not block.links or not all(attachment_media_type(h, t) for h, t in block.links):
        return False
    linked = sum(len(text.replace(" ", "")) for _, text in block.links)
    return linked >= len(block.text.replace(" ", ""))


def _is_caption(block: Block, after_image: bool) -> bool:
    """Editors caption a photo with the short italic or centred line right under it."""
    if len(block.text) > MAX_CAPTION_CHARS:
        return False
    if block.caption_markup:
        return True
    # Styled as a caption and under a picture, or either of the two and crediting a photo or
    # video: a caption (the picture may be missing from the markup: a page builder's
    # unrendered image shortcode, a lazy loader's script; a player's caption is plain text).
    beside_image = after_image or block.has_image
    credited = bool(CREDITED_PHOTO.search(block.text))
    if block.is_caption_like:
        return beside_image or credited
    return beside_image and credited


def cleaned_html(element: lxml_html.HtmlElement) -> str:
    """The body container as HTML with no scripts, styles, forms or event attributes."""
    # The Cleaner called on a tree cleans it in place (its clean_html makes a copy of its own
    # first: with ours, every body was copied twice).
    cleaned = copy.deepcopy(element)
    _cleaner(cleaned)
    return clean_text(lxml_html.tostring(cleaned, encoding="unicode"))


def attachments(blocks: list[Block], base_url: str) -> list[dict[str, str]]:
    """Document links in the body: url, link text as name, media type from the extension."""
    found: dict[str, dict[str, str]] = {}
    for block in blocks:
        for href, text in block.links:
            url = urljoin(base_url, href.strip())
            media_type = attachment_media_type(url, text)
            if media_type and url not in found:
                name = text or url.rsplit("/", 1)[-1]
                found[url] = {"url": url, "name": name, "media_type": media_type}
    return list(found.values())


def images(element: lxml_html.HtmlElement, base_url: str) -> list[dict[str, str | None]]:
    """Pictures in the body with their alt text as a fallback caption."""
    result: list[dict[str, str | None]] = []
    for img in element.iter("img"):
        src = img.get("src") or img.get("data-src")
        if src and not src.startswith("data:"):
            result.append(
                {
                    "url": urljoin(base_url, src.strip()),
                    "caption": clean_text(img.get("alt")) or None,
                }
            )
    return result
