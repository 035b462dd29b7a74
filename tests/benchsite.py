"""A synthetic DOST news site for the crawl benchmark (tests/bench_crawl.py), served on 127.0.0.1.

N distinct articles of about 23 KB each and their listing pages (20 entries a page, newest
first, each page linking the next with "Trang sau"), in the style of a home-grown provincial
portal (dost-platforms.md 2.7: slug-id `.html` addresses, a crawl-time "today" banner, a
"Cập nhật:" date line with the weekday, the byline as the body's last line, "Các tin khác" with
dates, a sidebar, a footer). The text comes from tests/synthetic.py's sentence pool, drawn per
article from a seed, so no two bodies are near-duplicates and every run serves the same bytes.

Every response is rendered before the server starts (status line, headers and body in one
bytes object): serving costs a dict lookup, so the crawler, not the site, is what is measured.
The site runs in a process of its own, `python -m tests.benchsite --articles N`, which prints
its address and serves until stopped: a child's peak memory as the kernel reports it includes
the memory of the process that started it, so the benchmark's own process must stay small.
`GET /__bench__/requests` answers the requests served so far by kind (it counts none itself).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.synthetic import FAMILY, GIVEN, MIDDLE, Corpus

SEED = 2026
PER_PAGE = 20
PROVINCE = "Tuyên Quang"
PUBLISHER = f"Sở Khoa học và Công nghệ tỉnh {PROVINCE}"
SECTION = "/tin-tuc-su-kien/"
START_PATH = SECTION  # the first listing page; page N is SECTION + "trang-N.html"
STATS_PATH = "/__bench__/requests"
# What the "today" banner prints: the crawl's day, never an article's.
TODAY = datetime(2026, 12, 7, 8, 15)
NEWEST = datetime(2026, 11, 30, 16, 40)
BODY_CHARS = 6600  # mean body length in characters; pages come to about 23 KB with the chrome
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
CATEGORIES = ("Tin hoạt động", "Tin khoa học và công nghệ", "Tiêu chuẩn - Đo lường - Chất lượng")
MENU = {
    "Giới thiệu": ("Chức năng nhiệm vụ", "Cơ cấu tổ chức", "Lãnh đạo Sở", "Đơn vị trực thuộc"),
    "Tin tức - Sự kiện": (*CATEGORIES, "Tin trong nước", "Tin quốc tế"),
    "Hoạt động KH&CN": ("Nhiệm vụ KH&CN", "Kết quả nghiên cứu", "Thông tin công nghệ"),
    "Tiêu chuẩn - Đo lường - Chất lượng": ("Văn bản TĐC", "Năng suất chất lượng"),
    "Sở hữu trí tuệ": ("Chỉ dẫn địa lý", "Nhãn hiệu tập thể", "Hướng dẫn đăng ký"),
    "Chuyển đổi số": ("Chính quyền số", "Kinh tế số", "Xã hội số"),
    "Văn bản": ("Văn bản pháp quy", "Văn bản chỉ đạo điều hành", "Dự thảo lấy ý kiến"),
    "Thủ tục hành chính": ("Dịch vụ công trực tuyến", "Tra cứu hồ sơ"),
    "Liên hệ": (),
}
ANALYTICS = (
    "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
    "gtag('js',new Date());gtag('config','G-SKHCN2026');"
    "$(function(){$('#mainmenu li').hover(function(){$(this).children('ul').stop(true,true)"
    ".slideDown(150);},function(){$(this).children('ul').stop(true,true).slideUp(100);});"
    "$('.fontsize a').click(function(){var s=$(this).data('size');$('.detail-content')"
    ".css('font-size',s+'px');return false;});});"
)


@dataclass(frozen=True)
class Entry:
    """What listings and related lists show of one article."""

    number: int  # 0 is the newest
    path: str
    title: str
    published: datetime
    category: str
    lead: str


def person(rng: random.Random) -> str:
    """A full Vietnamese name."""
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def slugify(title: str) -> str:
    """The ASCII slug a Vietnamese CMS makes of a title ("Đ" folded to "d")."""
    folded = unicodedata.normalize("NFD", title.replace("Đ", "D").replace("đ", "d"))
    ascii_text = folded.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:90].rstrip("-")


def day_line(moment: datetime, *, time: bool = True) -> str:
    """'Thứ Ba, 14/01/2020 08:30', as the portal prints a date."""
    text = f"{WEEKDAYS[moment.weekday()]}, {moment:%d/%m/%Y}"
    return f"{text} {moment:%H:%M}" if time else text


def plan(count: int, corpus: Corpus, seed: int = SEED) -> list[Entry]:
    """The site's articles, newest first, about one a day back from NEWEST."""
    entries = []
    for number in range(count):
        rng = random.Random(f"{seed}:entry:{number}")
        moment = NEWEST - timedelta(days=number * 0.7, minutes=rng.randint(0, 500))
        title = corpus.title(rng, moment.year, PROVINCE)
        ident = 30000 + count - number
        entries.append(
            Entry(
                number=number,
                path=f"{SECTION}{slugify(title)}-{ident}.html",
                title=title,
                published=moment,
                category=rng.choice(CATEGORIES),
                lead=corpus.sentence(rng, moment.year),
            )
        )
    return entries


# Chrome shared by every page ------------------------------------------------------------------


def head(title: str, description: str) -> str:
    """<head> with the stylesheets, scripts and meta tags such portals carry."""
    styles = "".join(
        f'<link rel="stylesheet" href="/Content/css/{name}.css?v=20240115">'
        for name in ("bootstrap.min", "font-awesome.min", "owl.carousel", "style", "responsive")
    )
    scripts = "".join(
        f'<script src="/Scripts/{name}.js?v=20240115"></script>'
        for name in ("jquery-3.6.0.min", "bootstrap.bundle.min", "owl.carousel.min", "main")
    )
    return (
        f'<head><meta charset="utf-8"><meta http-equiv="X-UA-Compatible" content="IE=edge">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>"
        f'<meta name="description" content="{escape(description)}">'
        f'<meta name="keywords" content="khoa học, công nghệ, {escape(PROVINCE)}, KH&amp;CN">'
        f'<meta property="og:title" content="{escape(title)}">'
        f'<meta property="og:site_name" content="{escape(PUBLISHER)}">'
        f'<link rel="shortcut icon" href="/Content/images/favicon.ico">{styles}{scripts}'
        f'<script async src="https://www.googletagmanager.com/gtag/js?id=G-SKHCN2026"></script>'
        f"<script>{ANALYTICS}</script></head>"
    )


def header() -> str:
    """The "today" banner, the logo and search box, and the menu with its submenus."""
    items = []
    for label, children in MENU.items():
        sub = "".join(
            f'<li><a href="{SECTION if label == "Tin tức - Sự kiện" else "/"}'
            f'{slugify(child)}/">{escape(child)}</a></li>'
            for child in children
        )
        sub_html = f'<ul class="dropdown-menu">{sub}</ul>' if sub else ""
        items.append(
            f'<li class="dropdown"><a href="/{slugify(label)}/">{escape(label)}</a>{sub_html}</li>'
        )
    return (
        f'<div class="top-bar"><div class="container"><span class="homnay">'
        f"{day_line(TODAY, time=False)} | Chào mừng bạn đến với Cổng thông tin điện tử "
        f'{escape(PUBLISHER)}</span><span class="top-links"><a href="/so-do-site/">Sơ đồ site</a> '
        f'| <a href="/lien-he/">Liên hệ</a> | <a href="/en/">English</a></span></div></div>'
        f'<header id="header"><div class="container"><a class="logo" href="/">'
        f'<img src="/Content/images/logo-skhcn.png" alt="{escape(PUBLISHER)}"></a>'
        f'<div class="site-name"><p>UBND TỈNH {PROVINCE.upper()}</p>'
        f"<p>SỞ KHOA HỌC VÀ CÔNG NGHỆ</p></div>"
        f'<form class="search-box" action="/tim-kiem/" method="get">'
        f'<input type="text" name="q" placeholder="Nhập từ khóa tìm kiếm..."><button type="submit">'
        f'<i class="fa fa-search"></i></button></form></div></header>'
        f'<nav id="mainmenu"><div class="container"><ul class="nav navbar-nav">'
        f'<li><a href="/"><i class="fa fa-home"></i></a></li>{"".join(items)}</ul></div></nav>'
    )


def sidebar(newest: list[Entry]) -> str:
    """Newest articles, new documents, links to other sites, the visit counter, banners."""
    latest = "".join(
        f'<li><a href="{e.path}">{escape(e.title)}</a><span class="date">'
        f"({e.published:%d/%m/%Y})</span></li>"
        for e in newest
    )
    documents = "".join(
        f'<li><a href="/van-ban/chi-tiet/{n}/">Quyết định số {n}/QĐ-SKHCN ban hành kế hoạch '
        f"kiểm tra nhà nước về đo lường, chất lượng năm 2026</a></li>"
        for n in (412, 398, 377, 351)
    )
    links = "".join(
        f'<option value="https://{host}">{escape(name)}</option>'
        for host, name in (
            ("most.gov.vn", "Bộ Khoa học và Công nghệ"),
            ("tuyenquang.gov.vn", f"Cổng thông tin điện tử tỉnh {PROVINCE}"),
            ("vista.gov.vn", "Cục Thông tin KH&CN quốc gia"),
            ("ipvietnam.gov.vn", "Cục Sở hữu trí tuệ"),
            ("tcvn.gov.vn", "Ủy ban Tiêu chuẩn Đo lường Chất lượng Quốc gia"),
        )
    )
    banners = "".join(
        f'<a href="/{name}/"><img src="/Content/banners/{name}.jpg" alt="{name}"></a>'
        for name in ("dich-vu-cong", "chuyen-doi-so", "san-giao-dich-cong-nghe", "khoi-nghiep")
    )
    return (
        f'<aside class="col-md-4 sidebar"><div class="box"><h3 class="box-title">Tin mới nhất</h3>'
        f'<ul class="list-news">{latest}</ul></div><div class="box"><h3 class="box-title">'
        f'Văn bản mới</h3><ul class="list-docs">{documents}</ul></div>'
        f'<div class="box banners">{banners}</div><div class="box"><h3 class="box-title">'
        f'Liên kết website</h3><select onchange="window.open(this.value)">'
        f"<option>-- Chọn liên kết --</option>{links}</select></div>"
        f'<div class="box counter"><h3 class="box-title">Thống kê truy cập</h3>'
        f"<p>Đang online: 54</p><p>Hôm nay: 1.208</p><p>Tổng lượt truy cập: 3.417.655</p>"
        f"</div></aside>"
    )


def footer() -> str:
    """The publisher's address and the reuse notice."""
    return (
        f'<footer id="footer"><div class="container"><p><strong>{escape(PUBLISHER.upper())}'
        f"</strong></p><p>Địa chỉ: Số 2, đường 17 tháng 8, phường Minh Xuân, tỉnh {PROVINCE}</p>"
        f"<p>Điện thoại: 0207.3822.491 - Fax: 0207.3822.490 - Email: skhcn@tuyenquang.gov.vn</p>"
        f"<p>Chịu trách nhiệm chính: Giám đốc Sở Khoa học và Công nghệ</p>"
        f"<p>Giấy phép số 12/GP-TTĐT ngày 10/3/2020 của Sở Thông tin và Truyền thông</p>"
        f"<p>Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p></div></footer>"
    )


def page(title: str, description: str, crumbs: str, content: str, newest: list[Entry]) -> str:
    """A whole page: chrome around the content column."""
    return (
        f'<!DOCTYPE html><html lang="vi">{head(title, description)}<body>{header()}'
        f'<div class="container"><div class="breadcrumb"><a href="/">Trang chủ</a> » '
        f'<a href="{SECTION}">Tin tức - Sự kiện</a>{crumbs}</div><div class="row">'
        f'<div class="col-md-8 main-content">{content}</div>{sidebar(newest)}</div></div>'
        f"{footer()}</body></html>"
    )


# Article and listing pages --------------------------------------------------------------------


def byline(rng: random.Random) -> str:
    """The body's last line: a name, "Tin, ảnh: …", a name with a unit, or "Nguồn: …"."""
    name = person(rng)
    short = " ".join(name.split()[-2:])
    return rng.choice(
        (
            name,
            f"Tin, ảnh: {short}",
            f"{short} - Trung tâm Thông tin và Thống kê KH&CN",
            "Nguồn: Phòng Quản lý khoa học",
        )
    )


def article_page(entry: Entry, entries: list[Entry], corpus: Corpus, seed: int = SEED) -> str:
    """One article: title, date line, lead, paragraphs, byline, then "Các tin khác"."""
    rng = random.Random(f"{seed}:body:{entry.number}")
    year = entry.published.year
    chars = max(1500, int(rng.gauss(BODY_CHARS, 900)))
    paragraphs = [" ".join(p) for p in corpus.paragraphs(rng, year, chars)]
    parts = [f'<p style="text-align: justify;">{escape(p)}</p>' for p in paragraphs]
    if rng.random() < 0.6:
        caption = f"{corpus.sentence(rng, year)[:-1]} (Ảnh: {person(rng)})"
        parts.insert(
            min(2, len(parts)),
            f'<p style="text-align: center;"><img src="/Uploads/{entry.published:%Y/%m}/'
            f'anh-{entry.number}.jpg" alt="" width="600"></p><p style="text-align: center;">'
            f"<em>{escape(caption)}</em></p>",
        )
    parts.append(f'<p style="text-align: right;"><strong>{escape(byline(rng))}</strong></p>')
    others = entries[entry.number + 1 : entry.number + 9] or entries[:8]
    related = "".join(
        f'<li><a href="{e.path}">{escape(e.title)}</a> <span>({e.published:%d/%m/%Y})</span></li>'
        for e in others
    )
    views = rng.randint(40, 4000)
    content = (
        f'<div class="news-detail"><h1 class="title-detail">{escape(entry.title)}</h1>'
        f'<div class="meta-detail"><span class="date">Cập nhật: {day_line(entry.published)}'
        f'</span> | <span class="views">Lượt xem: {views}</span><span class="fontsize">Cỡ chữ: '
        f'<a href="#" data-size="13">A-</a> <a href="#" data-size="15">A</a> '
        f'<a href="#" data-size="17">A+</a></span>'
        f'<a class="print" href="javascript:window.print()">'
        f'<i class="fa fa-print"></i> In bài</a></div><div class="sapo"><strong>'
        f'{escape(entry.lead)}</strong></div><div class="detail-content">{"".join(parts)}</div>'
        f'<div class="share-tools"><a href="https://www.facebook.com/sharer/sharer.php?u='
        f'{entry.path}">Facebook</a> <a href="https://zalo.me/share?u={entry.path}">Zalo</a>'
        f'</div></div><div class="tin-khac"><h3>Các tin khác</h3><ul>{related}</ul></div>'
    )
    crumbs = f' » <a href="{SECTION}">{escape(entry.category)}</a>'
    return page(f"{entry.title} - {PUBLISHER}", entry.lead, crumbs, content, entries[:6])


def listing_path(number: int) -> str:
    """Listing page `number` (1 is the newest)."""
    return SECTION if number == 1 else f"{SECTION}trang-{number}.html"


def pager(number: int, last: int) -> str:
    """Trang đầu / Trang trước / a window of page numbers / Trang sau / Trang cuối."""
    links = []
    if number > 1:
        links.append(f'<a href="{listing_path(1)}">Trang đầu</a>')
        links.append(f'<a href="{listing_path(number - 1)}">Trang trước</a>')
    for n in range(max(1, number - 3), min(last, number + 3) + 1):
        links.append(
            f'<span class="current">{n}</span>'
            if n == number
            else f'<a href="{listing_path(n)}">{n}</a>'
        )
    if number < last:
        links.append(f'<a class="next" href="{listing_path(number + 1)}">Trang sau</a>')
        links.append(f'<a href="{listing_path(last)}">Trang cuối</a>')
    return f'<div class="phantrang">{" ".join(links)}</div>'


def listing_page(number: int, entries: list[Entry]) -> str:
    """Listing page `number`: PER_PAGE entries with thumbnail, date and lead, then the pager."""
    last = -(-len(entries) // PER_PAGE)
    shown = entries[(number - 1) * PER_PAGE : number * PER_PAGE]
    items = "".join(
        f'<div class="item-news"><a class="thumb" href="{e.path}"><img src="/Uploads/'
        f'{e.published:%Y/%m}/anh-{e.number}-thumb.jpg" alt="{escape(e.title)}"></a>'
        f'<h3><a href="{e.path}">{escape(e.title)}</a></h3><p class="date">'
        f'{day_line(e.published)}</p><p class="sapo">{escape(e.lead)}</p></div>'
        for e in shown
    )
    content = (
        f'<div class="list-news-page"><h1 class="title-cat">Tin tức - Sự kiện</h1>{items}'
        f"{pager(number, last)}</div>"
    )
    title = "Tin tức - Sự kiện" + (f" - Trang {number}" if number > 1 else "")
    return page(f"{title} - {PUBLISHER}", title, "", content, entries[:6])


# Serving --------------------------------------------------------------------------------------


def response(status: str, body: bytes, content_type: str) -> bytes:
    """A whole HTTP/1.1 response, keep-alive."""
    head_lines = (
        f"HTTP/1.1 {status}\r\nServer: benchsite\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head_lines.encode("ascii") + body


def build_site(count: int, seed: int = SEED) -> dict[str, tuple[str, bytes]]:
    """Path -> (kind, whole response) for robots.txt, every listing page and every article."""
    corpus = Corpus(seed)
    entries = plan(count, corpus, seed)
    html = "text/html; charset=utf-8"
    site = {
        "/robots.txt": ("robots", response("200 OK", b"User-agent: *\nAllow: /\n", "text/plain"))
    }
    for number in range(1, -(-count // PER_PAGE) + 1):
        body = listing_page(number, entries).encode("utf-8")
        site[listing_path(number)] = ("listing", response("200 OK", body, html))
    for entry in entries:
        body = article_page(entry, entries, corpus, seed).encode("utf-8")
        site[entry.path] = ("article", response("200 OK", body, html))
    return site


NOT_FOUND = response(
    "404 Not Found", b"<html><body><h1>404 Not Found</h1></body></html>", "text/html; charset=utf-8"
)


class BenchSiteServer(ThreadingHTTPServer):
    """Serves pre-rendered responses; `served` counts requests by kind."""

    daemon_threads = True

    def __init__(self, site: dict[str, tuple[str, bytes]]) -> None:
        self.site = site
        self.served: Counter[str] = Counter()
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), BenchSiteHandler)


class BenchSiteHandler(BaseHTTPRequestHandler):
    server: BenchSiteServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        if self.path == STATS_PATH:
            with self.server.lock:
                counts = json.dumps(dict(self.server.served)).encode()
            self.wfile.write(response("200 OK", counts, "application/json"))
            return
        kind, data = self.server.site.get(self.path, ("not_found", NOT_FOUND))
        with self.server.lock:
            self.server.served[kind] += 1
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the benchmark counts what was served."""


def main() -> int:
    """Build the site, print its origin and page sizes as one JSON line, serve until killed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    site = build_site(args.articles, args.seed)
    server = BenchSiteServer(site)
    sizes = [len(data) for kind, data in site.values() if kind == "article"]
    info = {
        "origin": f"http://127.0.0.1:{server.server_address[1]}",
        "start_path": START_PATH,
        "stats_path": STATS_PATH,
        "articles": len(sizes),
        "listings": sum(kind == "listing" for kind, _ in site.values()),
        "article_bytes_mean": sum(sizes) / len(sizes),
    }
    print(json.dumps(info), flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
