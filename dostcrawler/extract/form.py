"""Label/value forms: an item shown as rows of "Tiêu đề | ...", "Ngày đăng | ...", "Tác giả | ...".

SharePoint's list item view (DispForm.aspx), the detail views of many custom portals and
`<dl>` lists print every field beside its own label. A label names its field, which no guess
about layout can do, so a page whose main form carries at least two known labels is read from
that form before any other generic rule. A lone labelled row is left to the byline rules: it
may be a sidebar's "Ngày đăng" as easily as the article's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

from dostcrawler.extract.text import clean_text

# The labels Vietnamese (and English) CMS forms print, by the record field they name. Record
# metadata ("Tạo lúc", "Sửa đổi lần cuối", "Người tạo") names an account and an edit time,
# not the writer and the publication, and is not here.
LABELS: dict[str, str] = {
    **dict.fromkeys(
        ("tiêu đề", "tiêu đề tin", "tiêu đề bài viết", "tên bài", "tên bài viết", "title"),
        "title",
    ),
    **dict.fromkeys(
        (
            *("ngày đăng", "ngày đăng tin", "ngày đăng bài", "ngày xuất bản", "ngày phát hành"),
            *("thời gian đăng", "ngày tin", "publish date", "published"),
        ),
        "date",
    ),
    **dict.fromkeys(
        ("tác giả", "tác giả bài viết", "người viết", "phóng viên", "author"), "authors"
    ),
    **dict.fromkeys(("nguồn", "nguồn tin", "source"), "source"),
    **dict.fromkeys(("tóm tắt", "mô tả", "sapo", "trích yếu", "summary"), "lead"),
    **dict.fromkeys(
        ("nội dung", "nội dung tin", "nội dung bài viết", "chi tiết", "content"), "body"
    ),
    **dict.fromkeys(("chuyên mục", "danh mục", "loại tin", "thể loại", "category"), "category"),
}
LABEL_PUNCTUATION = re.compile(r"[\s:*：]+$")
MIN_LABELS = 2
MAX_LABEL_CHARS = 30
# The rows that can pair a label with its value, in document order: a <dt>, a table row of two
# cells, a div or li of two child elements. One query, where listing the children of every div
# of the page in Python cost more than the rest of the form reader.
CANDIDATE_ROWS = etree.XPath(
    "descendant-or-self::*[self::dt or self::tr[count(td|th) = 2] or self::div[count(*) = 2]"
    " or self::li[count(*) = 2]]"
)


@dataclass(frozen=True)
class Form:
    """The value element of each labelled field of the page's main form."""

    values: dict[str, lxml_html.HtmlElement]

    def text(self, name: str) -> str | None:
        """The field's value as text: None when the form has no such row, "" when it is empty."""
        element = self.values.get(name)
        return None if element is None else clean_text(element.text_content())


def read_form(root: lxml_html.HtmlElement) -> Form | None:
    """The container whose label/value rows name the most fields (at least MIN_LABELS)."""
    groups: dict[lxml_html.HtmlElement, dict[str, lxml_html.HtmlElement]] = {}
    for label, value in _labelled_pairs(root):
        name = LABELS.get(LABEL_PUNCTUATION.sub("", clean_text(label.text_content())).casefold())
        container = _container(label)
        if name is not None and container is not None:
            groups.setdefault(container, {}).setdefault(name, value)
    best = max(groups.values(), key=len, default={})
    return Form(best) if len(best) >= MIN_LABELS else None


def _labelled_pairs(
    root: lxml_html.HtmlElement,
) -> list[tuple[lxml_html.HtmlElement, lxml_html.HtmlElement]]:
    """(label, value) element pairs: a table row of two cells, a <dt> and its <dd>, or a row
    of two elements whose first is short."""
    pairs = []
    for row in CANDIDATE_ROWS(root):
        if row.tag == "dt":
            value = row.getnext()
            if value is not None and value.tag == "dd":
                pairs.append((row, value))
            continue
        cells = [child for child in row if isinstance(child.tag, str)]
        if row.tag == "tr":
            cells = [cell for cell in cells if cell.tag in ("td", "th")]
        if len(cells) != 2:
            continue
        label = clean_text(cells[0].text_content())
        if 0 < len(label) <= MAX_LABEL_CHARS:
            pairs.append((cells[0], cells[1]))
    return pairs


def _container(label: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The element holding the label's row alongside its sibling rows."""
    row = label if label.tag == "dt" else label.getparent()
    return None if row is None else row.getparent()
