"""Charsets: pages are decoded with the declared charset (windows-1258 still appears on old
Vietnamese sites, and it writes tone marks as combining characters), then made NFC."""

from __future__ import annotations

import unicodedata

import pytest

from dostcrawler.encoding import CharsetChoice, choose_charset, decode_html
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
    assert record["extractor"]["charset"] == encoding  # the record says what decoded it
    assert record["title"] == TITLE
    assert record["body"] == f"{BODY}\n\n{BODY}"
    assert unicodedata.is_normalized("NFC", record["body"])


def _record(body: bytes, content_type: str) -> dict[str, object]:
    html, _ = decode_html("https://skhcn.example.gov.vn/a.html", body, content_type)
    return parse_saved_page(html.encode("utf-8"), "https://skhcn.example.gov.vn/a.html", None)


@pytest.mark.parametrize(
    ("meta", "served", "encoding", "why"),
    [
        (None, "text/html; charset=utf-8", "cp1258", "the server declares utf-8"),
        ("utf-8", "text/html; charset=utf-8", "cp1258", "the server declares utf-8"),
        ("utf-8", "text/html", "cp1258", "the page declares utf-8"),
        (None, "text/html; charset=ISO-8859-1", "utf-8", "declared ISO-8859-1"),
        ("windows-1258", "text/html", "utf-8", "declared cp1258"),
        (None, "text/html; charset=ISO-8859-1", "cp1258", "declared ISO-8859-1"),
        ("iso-8859-1", "text/html; charset=utf-8", "cp1258", "the server declares utf-8"),
    ],
    ids=[
        "cp1258-as-utf8",
        "cp1258-as-utf8-twice",
        "cp1258-meta-utf8",
        "utf8-as-latin1",
        "utf8-as-1258",
        "cp1258-as-latin1",
        "cp1258-as-utf8-meta-latin1",
    ],
)
def test_a_declaration_the_bytes_contradict_is_overruled_and_said(
    meta: str | None, served: str, encoding: str, why: str
) -> None:
    page = _page(meta)
    body = (cp1258_form(page) if encoding == "cp1258" else page).encode(encoding)
    choice = choose_charset(served, body)
    assert choice.encoding == encoding
    assert choice.overruled is not None and choice.overruled.startswith(why)
    record = _record(body, served)
    assert record["title"] == TITLE
    assert record["body"] == f"{BODY}\n\n{BODY}"
    assert record["extractor"]["undecodable_chars"] == 0


def test_a_right_declaration_is_never_overruled() -> None:
    for encoding in ("utf-8", "windows-1258"):
        page = _page(encoding)
        body = (cp1258_form(page) if encoding != "utf-8" else page).encode(encoding)
        assert choose_charset(f"text/html; charset={encoding}", body) == CharsetChoice()
    # A Western page really in ISO-8859-1 stays so: the detector ranks, it does not guess.
    french = "<html><body><p>" + "Le café est très bon, où l’été dure. Ça coûte cher. " * 20
    body = (french + "</p></body></html>").encode("cp1252")
    assert choose_charset("text/html; charset=ISO-8859-1", body) == CharsetChoice()


def test_a_few_broken_bytes_in_utf8_are_flagged_not_hidden() -> None:
    """A stray byte in a UTF-8 page (a truncated string): the page stays UTF-8, the lost
    character is U+FFFD, and the record says so with low confidence."""
    body = _page("utf-8").encode("utf-8").replace(b"100", b"1\xff0", 1)
    assert choose_charset("text/html; charset=utf-8", body) == CharsetChoice()
    record = _record(body, "text/html; charset=utf-8")
    assert record["title"] == TITLE
    extractor = record["extractor"]
    assert extractor["undecodable_chars"] == 1
    assert extractor["low_confidence"] is True
    assert extractor["confidence"]["body"] <= 0.3
