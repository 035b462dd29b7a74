"""Which site a mirror serves, when nobody said: the page's own canonical link.

`crawl --start-url http://127.0.0.1:8080/tin-tuc/` with no profile records the addresses it
fetched, unless the archive learns the real host. `--site-host` says it; failing that, a
mirrored page usually still names its real address in `<link rel="canonical">` or
`og:url`, with the same path. A real DOST site is never served from an IP address or
localhost, so only such start URLs are looked at.
"""

from __future__ import annotations

import ipaddress
import urllib.request
from urllib.parse import urlsplit

from parsel import Selector

from dostcrawler.settings import USER_AGENT

FETCH_TIMEOUT_S = 30


def is_mirror(url: str) -> bool:
    """A start URL on an IP address or localhost: a local mirror, never a DOST site."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def canonical_origin(url: str, html: str) -> str | None:
    """The scheme and host the page says it lives at, when that is another host with the
    same path (a copy of the page, not a link to some other page)."""
    sel = Selector(text=html)
    fetched = urlsplit(url)
    for href in sel.css(
        "link[rel~='canonical']::attr(href), meta[property='og:url']::attr(content)"
    ).getall():
        named = urlsplit(href.strip())
        if named.scheme not in ("http", "https") or not named.hostname:
            continue
        if named.netloc != fetched.netloc and named.path.rstrip("/") == fetched.path.rstrip("/"):
            return f"{named.scheme}://{named.netloc}"
    return None


def real_origin_of(start_url: str) -> str | None:
    """Fetch the start page once and read its canonical origin; None if it names none or
    cannot be fetched (the crawl then says so and reports the problem itself)."""
    request = urllib.request.Request(start_url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as response:
            body = response.read(5 * 1024 * 1024)
            charset = response.headers.get_content_charset() or "utf-8"
    except (OSError, ValueError):
        return None
    return canonical_origin(start_url, body.decode(charset, "replace"))
