"""Charsets: pages are decoded with the declared charset (windows-1258 still appears on old
Vietnamese sites, and it writes tone marks as combining characters), then made NFC."""

from __future__ import annotations

import unicodedata

import pytest

from dostcrawler.parse import parse_saved_page

TITLE = "Hội thảo khoa học về ứng dụng công nghệ số trong quản lý nhà nước"
BODY = (
    "Sáng ngày 12/05/2023, Sở Khoa học và Công nghệ đã tổ chức hội thảo khoa học về ứng dụng "
    "công nghệ số trong quản lý nhà nước với sự tham gia của hơn 100 đại biểu các sở, ngành."
)


def _page(charset: str | None) -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    return f"""<html><head>{meta if charset else ""}
<title>{TITLE}</title></head><body><h1>{TITLE}</h1><div class="date">12/05/2023</div>
<div class="content"><p>{BODY}</p><p>{BODY}</p></div></body></html>"""


def cp1258_form(text: str) -> str:
    """Text as windows-1258 writes it: base letters with circumflex, breve or horn are
    precomposed ("ô", "ư"), tone marks are separate combining characters ("ô" + U+0323)."""
    out: list[str] = []
    base = -1
    for char in unicodedata.normalize("NFD", text):
        if char in "\u0302\u0306\u031b" and base >= 0:
            out[base] = unicodedata.normalize("NFC", out[base] + char)
        else:
            if not unicodedata.combining(char):
                base = len(out)
            out.append(char)
    return "".join(out)


@pytest.mark.parametrize(
    ("declared", "encoding"),
    [("windows-1258", "cp1258"), ("utf-8", "utf-8"), (None, "cp1258"), (None, "utf-8")],
)
def test_charset_then_nfc(declared: str | None, encoding: str) -> None:
    """Declared charsets are obeyed; undeclared bytes are UTF-8 if they decode, else cp1258."""
    page = _page(declared)
    text = cp1258_form(page) if encoding == "cp1258" else page
    record = parse_saved_page(text.encode(encoding), "https://skhcn.example.gov.vn/a.html", None)
    assert record["title"] == TITLE
    assert record["body"] == f"{BODY}\n\n{BODY}"
    assert unicodedata.is_normalized("NFC", record["body"])
