"""The Liferay preset's URL rules and detection (research/dost-platforms.md §2.3)."""

from __future__ import annotations

import pytest

from dostcrawler.platforms import detect_platform
from dostcrawler.platforms.liferay import article_key, canonicalize, detect, is_article_url
from tests.sitefixtures import FixtureSite, fixture_sites

QT = "https://sokhcn.quangtri.gov.vn"
VIEW = "/chi-tiet-tin/-/view-article/1/1663228888354/1663239191717"
HG = "https://skhcn.hagiang.gov.vn/tin-tuc-chi-tiet"
NS = "_NewsDetail_WAR_HNCNewsPortlet_"
HG_CANONICAL = f"{HG}?p_p_id=NewsDetail_WAR_HNCNewsPortlet&p_p_lifecycle=0&{NS}newsId=102729"
HG_NORMAL = (
    f"{HG}?p_p_id=NewsDetail_WAR_HNCNewsPortlet&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view"
    f"&p_p_col_id=column-2&p_p_col_count=1&{NS}newsId=102729"
)
HG_EXPORT = (
    f"{HG}?p_p_id=NewsDetail_WAR_HNCNewsPortlet&p_p_lifecycle=2&p_p_state=normal&p_p_mode=view"
    f"&p_p_cacheability=cacheLevelPage&p_p_col_id=column-2&p_p_col_count=1"
    f"&{NS}restype=export&{NS}newsId=102729"
)
HAUGIANG = (
    "https://skhcn.haugiang.gov.vn/chi-tiet/-/tin-tuc/"
    "Hau-Giang--Huong-ung-Ngay-Khoa-hoc-va-Cong-nghe-Viet-Nam-18-5-nam-202277347"
)
LISTING_PAGE_2 = (
    "https://skhcn.hagiang.gov.vn/tin-tuc-su-kien?p_p_id=NewsList_WAR_HNCNewsPortlet"
    "&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view&_NewsList_WAR_HNCNewsPortlet_cur=2"
)

CANONICAL_CASES = [
    # Locale prefixes are the same article; only Liferay language codes count as prefixes.
    (f"{QT}/vi{VIEW}", f"{QT}{VIEW}"),
    (f"{QT}/pt-PT{VIEW}", f"{QT}{VIEW}"),
    (f"{QT}/pt_PT{VIEW}", f"{QT}{VIEW}"),
    (f"{QT}/en{VIEW}", f"{QT}{VIEW}"),
    (f"{QT}/zh-CN{VIEW}", f"{QT}{VIEW}"),
    (f"{QT}/vn{VIEW}", f"{QT}/vn{VIEW}"),
    (f"{QT}{VIEW}", f"{QT}{VIEW}"),
    # Tomcat session ids, trailing slashes, fragments, host case, back-links.
    (f"{QT}{VIEW};jsessionid=8C1D5E0F6A0B4E2D", f"{QT}{VIEW}"),
    (f"{QT}/vi{VIEW};JSESSIONID=ABC/", f"{QT}{VIEW}"),
    (f"HTTPS://SOKHCN.QUANGTRI.GOV.VN{VIEW}#top", f"{QT}{VIEW}"),
    (f"{QT}{VIEW}?_chitiettin_WAR_vnptcmsportlet_redirect=%2Ftin-tuc-su-kien", f"{QT}{VIEW}"),
    (
        f"{QT}/-/asset_publisher/Ab3dEf9hIjKl/content/hoi-nghi-tong-ket?redirect=%2F"
        "&inheritRedirect=true",
        f"{QT}/-/asset_publisher/Ab3dEf9hIjKl/content/hoi-nghi-tong-ket",
    ),
    # Portlet URLs: window parameters dropped, the export (resource) view is the render view.
    (HG_NORMAL, HG_CANONICAL),
    (f"{HG_NORMAL}&{NS}cur=2&{NS}redirect=%2Ftin-tuc-su-kien", HG_CANONICAL),
    (HG_EXPORT, HG_CANONICAL),
    (HG_EXPORT.replace("/tin-tuc-chi-tiet?", "/tin-tuc-chi-tiet;jsessionid=8C1D?"), HG_CANONICAL),
    (HG_CANONICAL, HG_CANONICAL),
    (f"{HG}?{NS}newsId=102729&p_p_id=NewsDetail_WAR_HNCNewsPortlet", HG_CANONICAL),
    # Not articles: only generic URL hygiene.
    (LISTING_PAGE_2, LISTING_PAGE_2),
    (HAUGIANG, HAUGIANG),
    (
        "https://sokhcn.quangtri.gov.vn/tin-tuc-su-kien",
        "https://sokhcn.quangtri.gov.vn/tin-tuc-su-kien",
    ),
]


@pytest.mark.parametrize(("url", "expected"), CANONICAL_CASES)
def test_canonicalize(url: str, expected: str) -> None:
    assert canonicalize(url, None) == expected
    assert canonicalize(expected, None) == expected


KEY_CASES: list[tuple[str, str | None]] = [
    # The articleId is the key; its timestamp (2022-09-15) is never read as a date.
    (f"{QT}{VIEW}", "1663239191717"),
    (HG_CANONICAL, "102729"),
    (
        f"{HG}?p_p_id=vcmsviewcontent_WAR_vcmsportlet&_vcmsviewcontent_WAR_vcmsportlet_articleId=77",
        "77",
    ),
    (HAUGIANG, "Hau-Giang--Huong-ung-Ngay-Khoa-hoc-va-Cong-nghe-Viet-Nam-18-5-nam-202277347"),
    (f"{QT}/-/asset_publisher/Ab3dEf9hIjKl/content/hoi-nghi-tong-ket", "hoi-nghi-tong-ket"),
    (f"{QT}/-/asset_publisher/Ab3dEf9hIjKl/content/id/48213", "48213"),
    (f"{QT}/tin-tuc-su-kien/-/view-category/1/1663228888354", None),
    (LISTING_PAGE_2, None),
    (f"{QT}/trang-chu", None),
]


@pytest.mark.parametrize(("url", "key"), KEY_CASES)
def test_article_key(url: str, key: str | None) -> None:
    assert article_key(url) == key


ARTICLE_URL_CASES = [
    (f"{QT}{VIEW}", True),
    (f"{QT}/pt-PT{VIEW}", True),
    (f"{QT}/vi{VIEW};jsessionid=ABC", True),
    (HG_NORMAL, True),
    (HG_EXPORT, True),
    (HAUGIANG, True),
    (LISTING_PAGE_2, False),
    (f"{QT}/tin-tuc-su-kien", False),
    (f"{QT}/tin-tuc-su-kien/-/view-category/1/1663228888354", False),
    (f"{QT}/documents/20182/38412/TB-125-SKHCN.pdf", False),
    (
        "https://sokhcn.vinhphuc.gov.vn/noidung/tintuc/Lists/TinTucHoatDong/View_Detail.aspx?ItemID=1",
        False,
    ),
]


@pytest.mark.parametrize(("url", "expected"), ARTICLE_URL_CASES)
def test_is_article_url(url: str, expected: bool) -> None:
    assert is_article_url(url) is expected


LIFERAY_JS = (
    "<script>var Liferay = { Browser: {} }; var themeDisplay = Liferay.ThemeDisplay;</script>"
)
DETECT_CASES = [
    (f"{QT}{VIEW}", "<html></html>", True),
    (HG_CANONICAL, "<html></html>", True),
    (f"{QT}/trang-chu", LIFERAY_JS, True),
    (f"{QT}/trang-chu", '<script src="/html/js/barebone.jsp?browserId=other"></script>', True),
    (f"{QT}/home", '<link href="/o/frontend-js-web/liferay/global.bundle.js" rel="preload">', True),
    (f"{QT}/trang-chu", '<div class="portlet-boundary" id="p_p_id_56_INSTANCE_x1_">', True),
    ("https://example.gov.vn/tin-tuc/", "<p>Hội thảo về nền tảng Liferay.</p>", False),
    ("https://example.gov.vn/vi/news/", '<meta name="generator" content="NukeViet v4.5">', False),
    (
        "https://example.gov.vn/Pages/default.aspx",
        "<script>var _spPageContextInfo = {};</script>",
        False,
    ),
]


@pytest.mark.parametrize(("url", "html", "expected"), DETECT_CASES)
def test_detect(url: str, html: str, expected: bool) -> None:
    assert detect(url, html) is expected


LIFERAY_SITES = [s for s in fixture_sites() if s.name in ("quangtri", "hagiang")]


@pytest.mark.parametrize("site", LIFERAY_SITES, ids=[s.name for s in LIFERAY_SITES])
def test_fixture_aliases_fold_into_their_article(site: FixtureSite) -> None:
    """Every alias of the fixture sites canonicalises to its article, and keys are distinct."""
    keys = set()
    for article in site.articles:
        canonical = canonicalize(site.origin + article["path"], None)
        assert canonicalize(canonical, None) == canonical
        for alias in article["alias_paths"]:
            assert is_article_url(site.origin + alias)
            assert canonicalize(site.origin + alias, None) == canonical
        keys.add(article_key(canonical))
        html = site.page_bytes(article["path"]).decode("utf-8")
        assert detect_platform(site.origin + article["path"], html).name == "liferay"
    assert len(keys) == len(site.articles)
