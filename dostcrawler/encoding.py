"""Which charset a page's bytes are really in.

Pages are decoded with the charset the server or the page declares, unless the bytes say the
declaration is wrong. Two mistakes are common on old Vietnamese sites, and both used to be
stored as garbage: windows-1258 bytes served as UTF-8 (a server default, or a template's
`<meta charset=utf-8>` pasted over legacy content), and UTF-8 bytes served as ISO-8859-1 (an
old server default). The bytes settle it: text in a single-byte charset is almost never valid
UTF-8 with multi-byte sequences, and UTF-8 text is valid UTF-8. A page that declares nothing
and is not UTF-8 is windows-1258, the legacy Vietnamese code page (Scrapy's own guess on a
short page can be any single-byte code page).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer
from scrapy.http import HtmlResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

FALLBACK = "cp1258"
# A page declared UTF-8 with this many valid multi-byte characters per invalid byte is UTF-8
# with a few broken bytes (a truncated string in a template), not a mis-declared page.
UTF8_MAJORITY = 10
_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_CHARSET_PARAM = re.compile(r"charset=[\"']?([^\"';\s]+)", re.IGNORECASE)


@dataclass(frozen=True)
class CharsetChoice:
    """The encoding to decode with (None: the declared one, or Scrapy's own choice) and, when
    a declaration was overruled, why, in words for the log."""

    encoding: str | None = None
    overruled: str | None = None


def choose_charset(content_type: str | None, body: bytes) -> CharsetChoice:
    """How to decode an HTML body served with this Content-Type."""
    header = _known(http_content_type_encoding(content_type))
    meta = _known(html_body_declared_encoding(body))
    declared = header or meta
    # Multi-byte and invalid sequences are counted only where a choice turns on them: most
    # pages are valid UTF-8 that says so.
    valid_utf8 = _valid_utf8(body)
    label = (_label(content_type) if header else None) or declared
    if declared is None:
        return CharsetChoice(None if valid_utf8 else FALLBACK)
    if declared == "utf-8":
        if valid_utf8 or _multibyte(body) >= UTF8_MAJORITY * _invalid_utf8(body):
            return CharsetChoice()
        other = _likeliest(body, [meta] if meta and meta != "utf-8" else [])
        where = "the server" if header == "utf-8" else "the page"
        return CharsetChoice(other, f"{where} declares utf-8, but the bytes are not UTF-8")
    if valid_utf8 and _multibyte(body):
        return CharsetChoice("utf-8", f"declared {label}, but the bytes are UTF-8")
    if declared != FALLBACK and _likeliest(body, [declared]) == FALLBACK:
        # An old server's default (ISO-8859-1) over a legacy Vietnamese page: Western code
        # pages cannot even write ư, ơ, ă or đ, so the detector tells the two apart.
        return CharsetChoice(FALLBACK, f"declared {label}, but the bytes are windows-1258")
    return CharsetChoice()


def _likeliest(body: bytes, declared: list[str]) -> str:
    """Of the single-byte charsets a page may be in (what it declares, and windows-1258),
    the one charset-normalizer finds the bytes read best in; windows-1258 if it cannot tell.
    The detector only ranks these: left to itself, it takes Vietnamese for Central European."""
    candidates = list(dict.fromkeys([*declared, FALLBACK]))
    if len(candidates) == 1:
        return FALLBACK
    if body.decode(candidates[0], "replace") == body.decode(FALLBACK, "replace"):
        return candidates[0]  # the same text either way (ASCII): keep the declaration
    best = charset_normalizer.from_bytes(body, cp_isolation=candidates).best()
    if best is None:
        return FALLBACK
    return _known(best.encoding) or FALLBACK


def undeclared_fallback(content_type: str | None, body: bytes) -> str | None:
    """The encoding to force on Scrapy's response, or None when its choice is right."""
    return choose_charset(content_type, body).encoding


def decode_html(url: str, body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """A page's text decoded as a crawl decodes it (`parse` and `reextract` read saved
    bytes), and the charset that decoded it."""
    headers = {"Content-Type": content_type} if content_type else None
    encoding = undeclared_fallback(content_type, body)
    response = HtmlResponse(url=url, body=body, headers=headers, encoding=encoding)
    return str(response.text), str(response.encoding)


def _known(name: str | None) -> str | None:
    """A charset name in Python's spelling ("utf-8", "cp1258"), None if absent or unknown."""
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _label(content_type: str | None) -> str | None:
    """The charset as the header spells it ("ISO-8859-1"; w3lib reads it as cp1252)."""
    found = _CHARSET_PARAM.search(content_type or "")
    return found.group(1) if found else None


def _valid_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _multibyte(body: bytes) -> int:
    """UTF-8-shaped multi-byte sequences."""
    return len(_MULTIBYTE.findall(body))


def _invalid_utf8(body: bytes) -> int:
    """Bytes that do not decode as UTF-8."""
    return body.decode("utf-8", errors="replace").count("\ufffd")
