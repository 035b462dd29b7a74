"""URL hygiene shared by every platform: canonical form, tracking parameters, attachments."""

from __future__ import annotations

import hashlib
import posixpath
import re
from html import unescape
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that never change the page: analytics tags and share-widget markers.
TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z]+|fbclid|gclid|zarsrc|_ga|mc_[a-z]+|ref|share|fb_[a-z_]+)$", re.IGNORECASE
)

CANONICAL_LINK = re.compile(r"<link\b[^>]*\brel\s*=\s*[\"']?canonical\b[^>]*>", re.IGNORECASE)
LINK_HREF = re.compile(r"\bhref\s*=\s*([\"']?)(?P<href>[^\"'\s>]*)\1", re.IGNORECASE)

ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".zip": "application/zip",
    ".rar": "application/vnd.rar",
    ".7z": "application/x-7z-compressed",
}


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, default port and fragment dropped, tracking params removed.

    The query keeps its order: some ASP.NET and PHP sites read parameters positionally.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    kept = [(k, v) for k, v in query if not TRACKING_PARAMS.match(k)]
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, urlencode(kept, safe="/:,") if kept else "", ""))


def url_hash(url: str) -> str:
    """A short stable key for a URL with no platform id."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def attachment_media_type(url: str, name: str | None = None) -> str | None:
    """The media type of a document link (.pdf, .docx, ...), or None for an ordinary page.

    Looks at the URL's last path segment, then the one before it (Liferay serves
    `/documents/<group>/<folder>/<file>.pdf/<uuid>`), then the file name the link shows
    (NukeViet's `?download=1&id=N` links name the file only in their text or title).
    """
    segments = unquote(urlsplit(url).path).lower().rstrip("/").split("/")
    candidates = [*segments[-1:], *(segments[-2:-1] if "/documents/" in url else [])]
    if name:
        candidates.append(name.strip().lower())
    for candidate in candidates:
        if media_type := ATTACHMENT_TYPES.get(posixpath.splitext(candidate)[1]):
            return media_type
    return None


def same_site(url: str, domains: tuple[str, ...]) -> bool:
    """True when the URL's host is one of the profile's domains (with or without "www.").

    Subdomains are other sites: vinhphuc.gov.vn (the province portal) is not
    sokhcn.vinhphuc.gov.vn (its DOST), and each has a profile of its own.
    """
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return any(host == d.lower().removeprefix("www.") for d in domains)


def page_canonical_link(url: str, html: str) -> str | None:
    """The address the page names as its own (`<link rel="canonical">`), on the scheme and
    host that served it (an explicit default port such as :443 dropped), else None: a page
    pointing at another host or scheme names a copy, not this address. Read with a regular
    expression: a crawl asks this of every article page, and parsing it again would cost more
    than the rest of the check."""
    link = CANONICAL_LINK.search(html)
    found = LINK_HREF.search(link[0]) if link else None
    href = unescape(found["href"]).strip() if found else ""
    if not href:
        return None
    named = urlsplit(urljoin(url, href))
    fetched = urlsplit(url)
    default = {"http": 80, "https": 443}.get(named.scheme)
    if named.scheme != fetched.scheme or (named.hostname or "") != (fetched.hostname or ""):
        return None
    if (named.port or default) != (fetched.port or default):
        return None
    return urlunsplit((named.scheme, fetched.netloc, named.path or "/", named.query, ""))
