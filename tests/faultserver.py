"""The hostile server of tests/faults.py: the Vĩnh Phúc fixture with one fault per article page,
on its attachment, its robots.txt and its listing; the same site fixed; and the same site with
a robots.txt Crawl-delay.

Four article pages are added to the site for the faults that need one of their own (a stall,
1 GiB of HTML, two entity bombs): the last listing page lists them, and the pages are made from
a real article page with a title and text drawn from tests/synthetic.py's sentence pool.
"""

from __future__ import annotations

import gzip
import random
import re
import select
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from html import escape
from typing import ClassVar

from dostcrawler.demo.server import SiteHandler, load_routes
from tests.sitefixtures import fixture_sites
from tests.synthetic import Corpus

SITE = next(site for site in fixture_sites() if site.name == "vinhphuc")
LISTS = "/noidung/tintuc/Lists/TinTucHoatDong/"
DETAIL = LISTS + "View_Detail.aspx?ItemID="
LAST_LISTING = LISTS + "View_Default.aspx?Paged=TRUE&p_ID=1043&PageFirstRow=11"
TRAP = LISTS + "View_Default.aspx?Paged=TRUE&p_ID={last}&PageFirstRow={row}"
TRAP_PATH = re.compile(
    re.escape(LISTS) + r"View_Default\.aspx\?Paged=TRUE&p_ID=\d+&PageFirstRow=(\d+)"
)
CALENDAR = LISTS + "View_Calendar.aspx?Ngay={day}"
# Article pages added to the site: id -> the date its listing entry and its page print.
ADDED = {"1038": "15/09/2021", "1037": "08/09/2021", "1036": "01/09/2021", "1035": "25/08/2021"}
ROUTES = load_routes(SITE.folder)
ROBOTS = (SITE.folder / "files/robots.txt").read_bytes()
# The main crawl runs with --delay 0, which overrides this (a mirror needs no politeness).
ROBOTS_FAULTY = ROBOTS + f"Disallow: {DETAIL}1041\nCrawl-delay: 5\n".encode()
CRAWL_DELAY = 1.0
BOMB_BYTES = 1 << 30
BIG_BYTES = 1 << 30  # 1 GiB, far past DOWNLOAD_MAXSIZE (50 MiB)
NBSP_FLOOD = 1_000_000
LAUGHS = "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
)  # &lol9; would be 10^9 times "lol" (3 GB)
BILLION_LAUGHS_DOCTYPE = f'<!DOCTYPE html [<!ENTITY lol0 "lol">{LAUGHS}]>'
TRAP_ARTICLES = 1  # new article links on each trap page (the server answers 404)


def _bomb() -> bytes:
    out = gzip.compress(b"\0" * (1 << 24), compresslevel=9)
    return out * (BOMB_BYTES >> 24)  # concatenated gzip members: 1 GB once inflated


@cache
def added_article(item: str) -> tuple[str, list[str], str]:
    """(title, paragraphs, byline) of an added article, the same on every run."""
    corpus, rng = _corpus(), random.Random(f"faults:{item}")
    title = corpus.title(rng, 2021, "Vĩnh Phúc")
    paragraphs = [" ".join(p) for p in corpus.paragraphs(rng, 2021, 900)]
    return title, paragraphs, rng.choice(("Minh Phương", "Thu Huyên", "Hồng Nhung"))


@cache
def _corpus() -> Corpus:
    return Corpus()


def _text(path: str) -> str:
    return (SITE.folder / path).read_text(encoding="utf-8")


def article_page(
    item: str, *, doctype: str = "<!DOCTYPE html>", encode: bool = False, junk: str = ""
) -> bytes:
    """An added article as the site prints one (made from article 1040's page). `encode`
    writes its title and text as numeric character references; `junk` is appended raw to
    the body, as an editor leaves it."""
    title, paragraphs, byline = added_article(item)

    def html(text: str) -> str:
        return "".join(f"&#{ord(c)};" for c in text) if encode else escape(text)

    body = "".join(f'<p style="text-align: justify;">{html(p)}</p>\n' for p in paragraphs)
    body += junk + f'<p style="text-align: right;"><strong>{html(byline)}</strong></p>\n'
    page = _text("files/detail-1040.html").replace("<!DOCTYPE html>", doctype, 1)
    page = re.sub(r'(<h2 class="vp-tieude">).*?(</h2>)', rf"\g<1>{html(title)}\g<2>", page, count=1)
    page = page.replace(">29/09/2021</div>", f">{ADDED[item]}</div>", 1)
    start = page.index('<div class="vp-noidung">') + len('<div class="vp-noidung">')
    end = page.index('<div class="vp-tinkhac">')
    return (page[:start] + f"\n<div>\n{body}</div>\n  </div>\n  " + page[end:]).encode()


def _entry(path: str, title: str, day: str) -> str:
    return (
        f'<div class="vp-item">\n    <p class="title"><a href="{path}">{escape(title)}</a> '
        f"<span>({day})</span></p>\n  </div>\n  "
    )


def listing_page(path: str, *, traps: bool) -> bytes | None:
    """A listing page of the site, its last one listing the added articles. With `traps`,
    every listing page links the archive by day (a calendar with no end), and the last one a
    next page, from which the pager goes on forever. None: not a page this changes."""
    route = ROUTES.get(("GET", path))
    trap = trap_number(path) if traps else None
    if trap is not None:
        page, next_page = _trap_page(trap)
    elif path == LAST_LISTING:
        page = _text("files/list-3.html")
        added = "".join(_entry(DETAIL + i, added_article(i)[0], d) for i, d in ADDED.items())
        pager = page.index('<div class="vp-phantrang">')
        page = page[:pager] + added + page[pager:]
        next_page = TRAP.format(last=1035, row=16) if traps else None
    elif traps and route is not None and route.file and route.file.startswith("files/list-"):
        page, next_page = _text(route.file), None
    else:
        return None
    if next_page:
        link = f' <a href="{escape(next_page)}" class="vp-sau">Trang sau</a></div>'
        pager = page.index('<div class="vp-phantrang">')
        page = page[:pager] + page[pager:].replace("</div>", link, 1)
    return (_with_calendar(page, date(2022, 1, 20)) if traps else page).encode()


def trap_number(path: str) -> int | None:
    """0 for the first page of the pager trap (past the site's last listing page), 1 for the
    next... None: not a page of the trap."""
    found = TRAP_PATH.fullmatch(path)
    return None if found is None or int(found[1]) < 16 else (int(found[1]) - 16) // 5


def _trap_page(number: int) -> tuple[str, str]:
    """A page of the pager trap: new article links (never served: 404), and a next page."""
    entries = "".join(
        _entry(f"{DETAIL}{9000 + TRAP_ARTICLES * number + n}", f"Tin lưu trữ {number}-{n}",
               "01/01/2021")
        for n in range(TRAP_ARTICLES)
    )  # fmt: skip
    page = _without_entries(_text("files/list-3.html"), entries)
    return page, TRAP.format(last=1034 - 5 * number, row=21 + 5 * number)


def _without_entries(page: str, entries: str = "") -> str:
    """A listing page with `entries` in place of its own."""
    start, end = page.index('<div class="vp-item">'), page.index('<div class="vp-phantrang">')
    return page[:start] + entries + page[end:]


def _with_calendar(page: str, day: date) -> str:
    """The page, linking the day before `day` in the archive by day."""
    before = (day - timedelta(days=1)).isoformat()
    link = f'<div class="vp-lich"><a href="{CALENDAR.format(day=before)}">« {before}</a></div>'
    return page.replace('<div class="vp-loctin">', link + '<div class="vp-loctin">', 1)


class FaultHandler(SiteHandler):
    """The site's stored responses, with the faults of tests/faults.py on their pages."""

    # One server per run: tries per path decide the 503-then-200 answer.
    tries: ClassVar[Counter[str]] = Counter()
    lock: ClassVar[threading.Lock] = threading.Lock()
    # Bytes of the endless page sent before the crawler hung up.
    streamed: ClassVar[Counter[str]] = Counter()

    def _answer(self, method: str) -> None:
        item = self.path.removeprefix(DETAIL) if self.path.startswith(DETAIL) else ""
        with self.lock:
            self.tries[self.path] += 1
            attempt = self.tries[self.path]
        fault = ARTICLE_FAULTS.get("1051" if item == "1052" and attempt == 1 else item)
        if fault is None:
            fault = self._site_fault()
        if fault is None:
            super()._answer(method)
            return
        self.server.requests.append((method, self.path))
        try:
            fault(self)
        except (BrokenPipeError, ConnectionResetError):  # the crawler hung up, as it should
            self.close_connection = True

    def _site_fault(self) -> Callable[[FaultHandler], None] | None:
        """The faults on robots.txt, the listing and the attachment."""
        if self.path == "/robots.txt":
            return lambda h: h._send(200, "text/plain", ROBOTS_FAULTY, {})
        if self.path == "/loop":
            return lambda h: h._send(302, "text/html", b"", {"Location": f"{DETAIL}1048"})
        if self.path.startswith(CALENDAR.split("{")[0]):
            day = date.fromisoformat(self.path.rsplit("=", 1)[1])
            page = _with_calendar(_without_entries(_text("files/list-3.html")), day).encode()
            return lambda h: h._html(page)
        if (listing := listing_page(self.path, traps=True)) is not None:
            return lambda h: h._html(listing)
        route = self.server.routes.get(("GET", self.path))
        if route is not None and "/Attachments/" in route.path:
            return FaultHandler._hostile_attachment
        return None

    def _html(self, page: bytes) -> None:
        self._send(200, "text/html; charset=utf-8", page, {})

    def _unavailable(self) -> None:
        self._send(503, "text/html", b"<h1>Service Unavailable</h1>", {"Retry-After": "0"})

    def _cut(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "500000")
        self.end_headers()
        self.wfile.write(b"<html><body><h1>cut")
        self.wfile.flush()
        self.close_connection = True

    def _gzip_bomb(self) -> None:
        self._send(200, "text/html", _bomb(), {"Content-Encoding": "gzip"})

    def _redirect_loop(self) -> None:
        self._send(302, "text/html", b"", {"Location": "/loop"})

    def _off_site(self) -> None:
        self._send(301, "text/html", b"", {"Location": "http://elsewhere.example/page"})

    def _empty(self) -> None:
        self._html(b"")

    def _binary(self) -> None:
        self._send(200, "text/html", bytes(range(256)) * 4000, {})

    def _many_links(self) -> None:
        route = self.server.routes[("GET", self.path)]
        page = (self.server.folder / str(route.file)).read_bytes()
        links = "".join(f'<a href="/tag/{n}">t{n}</a>' for n in range(100_000))
        page = page.replace(b"</body>", links.encode() + b"</body>", 1)
        self._send(200, route.content_type, page, route.headers)

    def _trickle(self) -> None:
        route = self.server.routes[("GET", self.path)]
        page = (self.server.folder / str(route.file)).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        step = len(page) // 40 + 1
        for start in range(0, len(page), step):
            self.wfile.write(page[start : start + step])
            self.wfile.flush()
            time.sleep(0.02)

    def _stall(self) -> None:
        """The headers, then nothing until the crawler hangs up (a minute at most)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "30000")
        self.end_headers()
        self.wfile.flush()
        select.select([self.connection], [], [], 60)
        self.close_connection = True

    def _endless_html(self) -> None:
        """BIG_BYTES of HTML in chunks, with no Content-Length, each made as it is sent."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"<p>" + "Tin hoạt động ".encode() * 4000 + b"</p>\n"
        for _ in range(BIG_BYTES // len(chunk) + 1):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.streamed[self.path] += len(chunk)
        self.wfile.write(b"0\r\n\r\n")

    def _billion_laughs(self) -> None:
        junk = "<p>&lol9;</p>\n"
        self._html(article_page("1036", doctype=BILLION_LAUGHS_DOCTYPE, junk=junk))

    def _entity_flood(self) -> None:
        junk = f"<p>{'&nbsp;' * NBSP_FLOOD}</p>\n"
        self._html(article_page("1035", encode=True, junk=junk))

    def _hostile_attachment(self) -> None:
        route = self.server.routes[("GET", self.path)]
        body = (self.server.folder / route.file).read_bytes() if route.file else b""
        name = 'attachment; filename="../../etc/passwd"'
        self._send(
            route.status, route.content_type, body, {**route.headers, "Content-Disposition": name}
        )


ARTICLE_FAULTS: dict[str, Callable[[FaultHandler], None]] = {
    "1051": FaultHandler._unavailable,
    "1050": FaultHandler._cut,
    "1049": FaultHandler._gzip_bomb,
    "1048": FaultHandler._redirect_loop,
    "1046": FaultHandler._off_site,
    "1044": FaultHandler._empty,
    "1043": FaultHandler._binary,
    "1042": FaultHandler._many_links,
    "1040": FaultHandler._trickle,
    "1038": FaultHandler._stall,
    "1037": FaultHandler._endless_html,
    "1036": FaultHandler._billion_laughs,
    "1035": FaultHandler._entity_flood,
}


class FixedHandler(SiteHandler):
    """The site once its server is fixed: the added articles listed and served, no trap."""

    def _answer(self, method: str) -> None:
        if (listing := listing_page(self.path, traps=False)) is not None:
            self.server.requests.append((method, self.path))
            self._send(200, "text/html; charset=utf-8", listing, {})
        elif self.path.removeprefix(DETAIL) in ADDED:
            self.server.requests.append((method, self.path))
            page = article_page(self.path.removeprefix(DETAIL))
            self._send(200, "text/html; charset=utf-8", page, {})
        else:
            super()._answer(method)


class PacedHandler(SiteHandler):
    """The site as it is, its robots.txt asking a Crawl-delay; `arrivals` times each request."""

    arrivals: ClassVar[list[tuple[float, str]]] = []

    def _answer(self, method: str) -> None:
        self.arrivals.append((time.monotonic(), self.path))
        if self.path == "/robots.txt":
            self.server.requests.append((method, self.path))
            self._send(200, "text/plain", ROBOTS + f"Crawl-delay: {CRAWL_DELAY:g}\n".encode(), {})
        else:
            super()._answer(method)
