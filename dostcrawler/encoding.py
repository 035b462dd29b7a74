"""Charset fallback for undeclared Vietnamese pages.

Pages are decoded with the charset the server or the page declares. When neither declares one
and the bytes are not UTF-8, Scrapy guesses with charset-normalizer, whose guess on a short page
can be any single-byte code page; an old Vietnamese site that declares nothing writes
windows-1258, so for these sites that is the deterministic answer.
"""

from __future__ import annotations

from scrapy.http import HtmlResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

FALLBACK = "cp1258"


def undeclared_fallback(content_type: str | None, body: bytes) -> str | None:
    """ "cp1258" for an undeclared, non-UTF-8 HTML body; None when Scrapy's choice is right."""
    if http_content_type_encoding(content_type) or html_body_declared_encoding(body):
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return FALLBACK
    return None


def html_text(url: str, body: bytes, content_type: str | None = None) -> str:
    """A page's text decoded as a crawl decodes it (`parse` and `reextract` read saved bytes)."""
    headers = {"Content-Type": content_type} if content_type else None
    encoding = undeclared_fallback(content_type, body)
    return str(HtmlResponse(url=url, body=body, headers=headers, encoding=encoding).text)
