"""The Drupal preset's URL rules and detection, table-driven."""

from __future__ import annotations

import pytest

from dostcrawler.platforms import PLATFORMS, detect_platform
from dostcrawler.profiles import load_site

DRUPAL = PLATFORMS["drupal"]
LS = "https://sokhcn.langson.gov.vn"
VL = "http://skhcn.vinhlong.gov.vn"

# (url, profile name or None, canonical url)
CANONICAL = [
    # Lạng Sơn: the profile's start URL says the site prefixes "vi".
    (f"{LS}/vi/node/14491", "langson", f"{LS}/vi/node/14491"),
    (f"{LS}/bm/print/14491", "langson", f"{LS}/vi/node/14491"),
    (f"{LS}/en/node/14491", "langson", f"{LS}/vi/node/14491"),
    (f"{LS}/node/14535", "langson", f"{LS}/vi/node/14535"),
    (f"{LS}/vi/node/14491/", "langson", f"{LS}/vi/node/14491"),
    (f"{LS}/vi/node/14491?page=1#comments", "langson", f"{LS}/vi/node/14491"),
    (f"{LS}/print/14491", "langson", f"{LS}/vi/node/14491"),
    (f"{LS}/printpdf/14491", "langson", f"{LS}/vi/node/14491"),
    (f"{LS}/vi/taxonomy/term/105?page=1", "langson", f"{LS}/vi/taxonomy/term/105?page=1"),
    # Vĩnh Long: no language prefix; Quicktabs' query and other prefixes fold away.
    (f"{VL}/content/abc-def?qt-tin_noi_bat=1#qt-tin_noi_bat", "vinhlong", f"{VL}/content/abc-def"),
    (f"{VL}/content/abc-def/", "vinhlong", f"{VL}/content/abc-def"),
    (f"{VL}/vi/content/abc-def", "vinhlong", f"{VL}/content/abc-def"),
    (f"{VL}/vi/node/1482", "vinhlong", f"{VL}/node/1482"),
    (f"{VL}/tin-tuc?page=1", "vinhlong", f"{VL}/tin-tuc?page=1"),
    (f"{VL}/content/abc?utm_source=facebook", "vinhlong", f"{VL}/content/abc"),
    # Without a profile the URL keeps its own language; print views have none.
    (f"{LS}/en/node/14491", None, f"{LS}/en/node/14491"),
    (f"{LS}/bm/print/14491", None, f"{LS}/node/14491"),
    (f"{LS}/zh-hans/node/7", None, f"{LS}/zh-hans/node/7"),
    # Sites without clean URLs keep the ?q= form, minus every other parameter.
    ("http://x.gov.vn/?q=node/5&destination=tin-tuc", None, "http://x.gov.vn/?q=node/5"),
    ("http://x.gov.vn/index.php?q=print/5", None, "http://x.gov.vn/index.php?q=node/5"),
    # Host case, default port and tracking parameters, as for every platform.
    ("HTTPS://SOKHCN.LangSon.gov.vn:443/vi/node/3", None, f"{LS}/vi/node/3"),
]

# (canonical url, article key)
KEYS = [
    (f"{LS}/vi/node/14491", "14491"),
    (f"{LS}/node/14491", "14491"),
    (f"{LS}/bm/print/14491", "14491"),
    ("http://x.gov.vn/?q=node/5", "5"),
    (f"{VL}/content/abc-def", "content/abc-def"),
    (f"{VL}/vi/content/abc-def", "content/abc-def"),
    (f"{VL}/content/%C4%91e-tai", "content/đe-tai"),
    (
        "https://www.khcnbackan.gov.vn/tin-tuc-su-kien/tieu-chuan/kiem-tra-1",
        "tin-tuc-su-kien/tieu-chuan/kiem-tra-1",
    ),
    (f"{LS}/vi/taxonomy/term/105", None),
    (f"{LS}/user/5", None),
    (f"{LS}/node", None),
    (f"{LS}/", None),
]

# (url, is an article by its shape)
ARTICLE_URLS = [
    (f"{LS}/vi/node/14491", True),
    (f"{LS}/node/14491", True),
    (f"{LS}/bm/print/14491", True),
    (f"{LS}/print/14491", True),
    (f"{VL}/content/abc-def", True),
    (f"{VL}/content/abc-def?qt-tin_noi_bat=0", True),
    ("http://x.gov.vn/?q=node/5", True),
    (f"{LS}/vi/taxonomy/term/105", False),
    (f"{LS}/vi/taxonomy/term/105?page=1", False),
    (f"{LS}/node/add/article", False),
    (f"{LS}/node/14491/edit", False),
    (f"{LS}/user/5", False),
    (f"{VL}/tin-tuc", False),
    (f"{VL}/content", False),
    (f"{LS}/sites/default/files/2023-05/cv.pdf", False),
]

# (html, served by Drupal)
PAGES = [
    ('<meta name="Generator" content="Drupal 8 (https://www.drupal.org)" />', True),
    ('<meta name="generator" content="Drupal 7 (http://drupal.org)" />', True),
    ('<script src="/misc/drupal.js?p4x9qa"></script>', True),
    ("<script>jQuery.extend(Drupal.settings, {});</script>", True),
    ('<script type="application/json" data-drupal-selector="drupal-settings-json">', True),
    ('<img src="/sites/default/files/u5/a.jpg" />', True),
    ('<link href="/sites/all/themes/vinhlong/style.css" />', True),
    ('<meta name="generator" content="NukeViet v4.5" />', False),
    ('<meta name="generator" content="WordPress 6.4" />', False),
    ("<script>var _spPageContextInfo = {};</script>", False),
    ("<p>Hội thảo giới thiệu Drupal cho cán bộ</p>", False),
    ('<a href="/sites/skhcn/tin-tuc">Tin tức</a>', False),
]


@pytest.mark.parametrize(("url", "site", "expected"), CANONICAL)
def test_canonicalize(url: str, site: str | None, expected: str) -> None:
    profile = load_site(site) if site else None
    assert DRUPAL.canonicalize(url, profile) == expected


@pytest.mark.parametrize(("url", "site", "expected"), CANONICAL)
def test_canonicalize_is_idempotent(url: str, site: str | None, expected: str) -> None:
    profile = load_site(site) if site else None
    assert DRUPAL.canonicalize(expected, profile) == expected


@pytest.mark.parametrize(("url", "expected"), KEYS)
def test_article_key(url: str, expected: str | None) -> None:
    assert DRUPAL.article_key(url) == expected


def test_aliases_share_the_article_id() -> None:
    profile = load_site("langson")
    ids = {
        DRUPAL.key_for(DRUPAL.canonicalize(f"{LS}{path}", profile))
        for path in ("/vi/node/14535", "/bm/print/14535", "/en/node/14535", "/node/14535")
    }
    assert ids == {"14535"}


@pytest.mark.parametrize(("url", "expected"), ARTICLE_URLS)
def test_is_article_url(url: str, expected: bool) -> None:
    assert DRUPAL.is_article_url(url) is expected


@pytest.mark.parametrize(("html", "expected"), PAGES)
def test_detect(html: str, expected: bool) -> None:
    page = f"<html><head>{html}</head><body></body></html>"
    assert DRUPAL.detect(f"{LS}/vi/node/1", page) is expected


def test_detected_preset_is_drupal() -> None:
    page = '<html><head><meta name="Generator" content="Drupal 8 (https://www.drupal.org)" />'
    assert detect_platform(f"{LS}/vi/node/1", page + "</head></html>").name == "drupal"


def test_profiles_use_the_preset() -> None:
    for name in ("vinhlong", "langson", "backan"):
        profile = load_site(name)
        assert profile.platform == "drupal"
        assert profile.verified is False
        assert "li.pager-next a" in profile.listing.next_page
