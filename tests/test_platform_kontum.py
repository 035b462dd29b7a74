"""The Kon Tum shared portal preset: URL rules, detection, print-view repair (table-driven)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from parsel import Selector

from dostcrawler.parse import parse_saved_page
from dostcrawler.platforms import PLATFORMS, detect_platform
from dostcrawler.platforms.kontum import alias_links
from dostcrawler.profiles import load_site
from tests.sitefixtures import FixtureSite, fixture_sites

PLATFORM = PLATFORMS["kontum_portal"]
HOST = "https://skhcn.kontum.gov.vn"
SLUG = "hop-hoi-dong-tu-van-xac-dinh-nhiem-vu-khoa-hoc-va-cong-nghe-cap-tinh-nam-2020-dot-2-"
SHORT = f"{HOST}/tin-kh-cn-trong-tinh/{SLUG}.html"
KONTUM = next(site for site in fixture_sites() if site.name == "kontum")
OTHER_SITES = [site for site in fixture_sites() if site.name != "kontum"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (SHORT, SHORT),
        (f"{HOST}/tin-tuc-su-kien/tin-kh-cn-trong-tinh/{SLUG}.html", SHORT),
        (f"HTTPS://SKHCN.kontum.gov.vn/Tin-Tuc-Su-Kien/Tin-KH-CN-trong-tinh/{SLUG}.html", SHORT),
        (f"{HOST}/tin-kh-cn-trong-tinh/{SLUG}.html?utm_source=zalo#top", SHORT),
        (f"{HOST}/a/b/tin-kh-cn-trong-tinh/{SLUG}.html", SHORT),
        (f"{HOST}/printnews.aspx?ID=27813", f"{HOST}/PrintNews.aspx?id=27813"),
        (f"{HOST}/PrintNews.aspx?id=27813&fbclid=x", f"{HOST}/PrintNews.aspx?id=27813"),
        (f"{HOST}/PrintNews.aspx", f"{HOST}/PrintNews.aspx"),
        (f"{HOST}/tin-tuc-su-kien.html", f"{HOST}/tin-tuc-su-kien.html"),
        (f"{HOST}:443/", f"{HOST}/"),
    ],
)
def test_canonicalize(url: str, expected: str) -> None:
    assert PLATFORM.canonicalize(url, None) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (SHORT, f"tin-kh-cn-trong-tinh/{SLUG}"),
        (
            f"{HOST}/tin-tuc-su-kien/tin-kh-cn-trong-tinh/{SLUG}.html",
            f"tin-kh-cn-trong-tinh/{SLUG}",
        ),
        (f"{HOST}/thong-bao/thong-bao-nghi-le.html", "thong-bao/thong-bao-nghi-le"),
        (f"{HOST}/PrintNews.aspx?id=27813", None),
        (f"{HOST}/thong-bao.html", None),
        (f"{HOST}/", None),
    ],
)
def test_article_key(url: str, expected: str | None) -> None:
    assert PLATFORM.article_key(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (SHORT, True),
        (f"{HOST}/tin-tuc-su-kien/tin-kh-cn-trong-tinh/{SLUG}.html", True),
        (
            f"{HOST}/tin-kh-cn-trong-tinh/thong-bao-tuyen-chon-to-chuc-ca-nhan-chu-tri-bat-d.html",
            True,
        ),
        # Nested category listings share the /<a>/<b>.html shape but have short slugs.
        (f"{HOST}/tin-tuc-su-kien/tin-kh-cn-trong-tinh.html", False),
        (f"{HOST}/gioi-thieu/chuc-nang-nhiem-vu.html", False),
        (f"{HOST}/tin-tuc-su-kien/tin-kh-cn-trong-tinh.html?page=2", False),
        (f"{HOST}/tin-tuc-su-kien.html", False),
        (f"{HOST}/PrintNews.aspx?id=27813", False),
        (f"{HOST}/Uploads/files/2021/11/TB-125-SKHCN.pdf", False),
        ("mailto:?subject=x&body=https://skhcn.kontum.gov.vn/a/b.html", False),
        (f"{SHORT}?lang=en", False),
    ],
)
def test_is_article_url(url: str, expected: bool) -> None:
    assert PLATFORM.is_article_url(url) is expected


@pytest.mark.parametrize(
    ("url", "html", "expected"),
    [
        (SHORT, '<div class="news_tools"><a href="/PrintNews.aspx?id=27813">In</a></div>', True),
        (SHORT, "<a onclick=\"window.open('PrintNews.aspx?id=27813')\">In bài</a>", True),
        (f"{HOST}/PrintNews.aspx?id=27813", "<html><body>x</body></html>", True),
        (SHORT, "<html><body><p>Tin KH&amp;CN</p></body></html>", False),
        (
            "https://sokhcn.vinhphuc.gov.vn/Lists/TinTuc/View_Detail.aspx?ItemID=1",
            '<script>var _spPageContextInfo = {};</script><a href="/_layouts/15/print.aspx">',
            False,
        ),
        (
            "https://haiphong.gov.vn/Portal/Detail.aspx?Organization=1&MenuID=1&ContentID=2",
            '<a href="/Portal/PrintItem.aspx?ContentID=2">In</a>',
            False,
        ),
    ],
)
def test_detect(url: str, html: str, expected: bool) -> None:
    assert PLATFORM.detect(url, html) is expected


@pytest.mark.parametrize("site", OTHER_SITES, ids=[s.name for s in OTHER_SITES])
def test_detect_claims_no_other_fixture_site(site: FixtureSite) -> None:
    for article in site.articles:
        html = site.page_bytes(article["path"]).decode("utf-8", "replace")
        assert not PLATFORM.detect(site.origin + article["path"], html), article["path"]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<div class="print_content">\r\n&lt;p style=&quot;text-align: justify;&quot;&gt;'
            "S&amp;aacute;ng tạo&lt;/p&gt;\r\n</div>",
            '<div class="print_content">\r\n<p style="text-align: justify;">'
            "S&aacute;ng tạo</p>\r\n</div>",
        ),
        (
            "<div>&lt;div class=&quot;news_teaser_detail&quot;&gt;&lt;/div&gt;"
            "&lt;p&gt;a &amp;lt; b&lt;/p&gt;</div>",
            '<div><div class="news_teaser_detail"></div><p>a &lt; b</p></div>',
        ),
        ("<br />&lt;p&gt;x&lt;/p&gt;<i>", "<br /><p>x</p><i>"),
        # Escaped markup is legitimate text inside these elements.
        ("<textarea>&lt;p&gt;x&lt;/p&gt;</textarea>", "<textarea>&lt;p&gt;x&lt;/p&gt;</textarea>"),
        ("<pre>&lt;p&gt;x&lt;/p&gt;</pre>", "<pre>&lt;p&gt;x&lt;/p&gt;</pre>"),
        # Ordinary text that mentions a "<" is not markup.
        ("<p>Nhiệt độ &lt; 20 độ C</p>", "<p>Nhiệt độ &lt; 20 độ C</p>"),
        ("<p>&lt;p&gt; không đóng</p>", "<p>&lt;p&gt; không đóng</p>"),
        ("<p>Sáng tạo</p>", "<p>Sáng tạo</p>"),
    ],
)
def test_prepare(html: str, expected: str) -> None:
    assert PLATFORM.prepare(f"{HOST}/PrintNews.aspx?id=1", html) == expected


def test_prepare_keeps_images_with_malformed_attributes() -> None:
    html = (
        '<div class="print_content">&lt;p&gt;&lt;img class=&quot;rao&quot;class=&quot;'
        "img-responsive&quot; src=&quot;/Uploads/a.jpg&quot; /&gt;&lt;/p&gt;</div>"
    )
    sel = Selector(text=PLATFORM.prepare(f"{HOST}/PrintNews.aspx?id=1", html))
    assert sel.css(".print_content p img::attr(src)").get() == "/Uploads/a.jpg"


@pytest.mark.parametrize(
    ("url", "html", "expected"),
    [
        (SHORT, '<a href="/PrintNews.aspx?id=27813" target="_blank">In</a>', [27813]),
        (SHORT, "<a onclick=\"window.open('PrintNews.aspx?id=27813','')\">In</a>", [27813]),
        (SHORT, '<a href="/PrintNews.aspx?id=5">In</a><a href="/printnews.aspx?id=5">', [5]),
        (SHORT, '<a href="/PrintNews.aspx?id=5">In</a><a href="/PrintNews.aspx?id=6">', []),
        (SHORT, '<a href="/PrintNews.aspx?id=5&amp;lang=vi">In</a>', [5]),
        (SHORT, "<p>no print view</p>", []),
        (f"{HOST}/PrintNews.aspx?id=5", '<a href="/PrintNews.aspx?id=5">In</a>', []),
    ],
)
def test_alias_links(url: str, html: str, expected: list[int]) -> None:
    assert alias_links(url, html) == [f"{HOST}/PrintNews.aspx?id={n}" for n in expected]


def test_alias_links_keep_the_host_of_an_absolute_link() -> None:
    html = '<a href="https://trungtamnuoc.snnptnt.kontum.gov.vn/PrintNews.aspx?id=28129">In</a>'
    assert alias_links(SHORT, html) == [
        "https://trungtamnuoc.snnptnt.kontum.gov.vn/PrintNews.aspx?id=28129"
    ]


# The fixture site ------------------------------------------------------------------------------


def _print_path(article: dict[str, Any]) -> str:
    return next(p for p in article["alias_paths"] if p.startswith("/PrintNews.aspx"))


@pytest.mark.parametrize("article", KONTUM.articles, ids=[a["path"][-24:] for a in KONTUM.articles])
def test_fixture_article_pages_link_their_print_view(article: dict[str, Any]) -> None:
    url = KONTUM.origin + article["path"]
    canonical = PLATFORM.canonicalize(url, None)
    html = KONTUM.page_bytes(article["path"]).decode("utf-8")
    assert detect_platform(url, html).name == "kontum_portal"
    assert alias_links(url, html) == [KONTUM.origin + _print_path(article)]
    for alias in article["alias_paths"]:
        if alias != _print_path(article):
            assert PLATFORM.canonicalize(KONTUM.origin + alias, None) == canonical


@pytest.mark.parametrize("article", KONTUM.articles, ids=[a["path"][-24:] for a in KONTUM.articles])
def test_fixture_print_view_extracts_like_its_article(article: dict[str, Any]) -> None:
    """Fetched directly, a print view yields the article's text; only its date is a day late."""
    path = _print_path(article)
    record = parse_saved_page(KONTUM.page_bytes(path), KONTUM.origin + path, load_site("kontum"))
    for name in ("title", "lead", "body", "authors", "source"):
        assert record[name] == article[name], name
    shown = date.fromisoformat(article["published_at"]) + timedelta(days=1)
    assert record["published_at"] == shown.isoformat()
    assert "&lt;" not in (record["body_html"] or "")
