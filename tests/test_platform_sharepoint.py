"""SharePoint preset: canonical spellings, article keys, article-shaped URLs and detection."""

from __future__ import annotations

import pytest
from parsel import Selector

from dostcrawler.extract.select import select
from dostcrawler.parse import decode_page
from dostcrawler.platforms import PLATFORMS, detect_platform
from dostcrawler.profiles import SiteProfile, load_site, site_names
from tests.sitefixtures import FixtureSite, fixture_sites

SP = PLATFORMS["sharepoint"]

VP_LIST = "https://sokhcn.vinhphuc.gov.vn/noidung/tintuc/Lists/TinTucHoatDong"
PORTAL_LIST = "https://vinhphuc.gov.vn/ct/cms/tintuc/Lists/ThoiSuChinhTri"
NT = "https://sokhcn.ninhthuan.gov.vn/portal"
NT_PAGE = "TAP-HUAN-CHUYEN-MON-UNG-PHO-SU-CO-BUC-XA-VA-HAT-NHzo0xmf"
NT_CANONICAL = f"{NT}/pages/2022-3-2/{NT_PAGE.lower()}.aspx"
LAOCAI = "http://laocai.gov.vn/sites/sokhcn/tieuchuandlcl/quanlychatluong/vbhd"

# (url met by the crawler, profile it was met under, canonical URL)
CANONICAL = [
    # List items: the list path as the profile's start URL spells it, SharePoint's own names for
    # the form and the id key, navigation parameters dropped.
    (
        f"{VP_LIST}/View_Detail.aspx?ItemID=1047",
        "vinhphuc",
        f"{VP_LIST}/View_Detail.aspx?ItemID=1047",
    ),
    (
        "https://sokhcn.vinhphuc.gov.vn/noidung/tintuc/lists/tintuchoatdong/view_detail.aspx?itemid=1047",
        "vinhphuc",
        f"{VP_LIST}/View_Detail.aspx?ItemID=1047",
    ),
    (
        "HTTPS://SOKHCN.VinhPhuc.gov.vn/noidung/tintuc/Lists/TinTucHoatDong/View_Detail.aspx"
        "?ItemID=1047#mainContent",
        "vinhphuc",
        f"{VP_LIST}/View_Detail.aspx?ItemID=1047",
    ),
    (
        f"{VP_LIST}/View_Detail.aspx?ItemID=1047&Source=https%3A%2F%2Fsokhcn.vinhphuc.gov.vn%2F",
        "vinhphuc",
        f"{VP_LIST}/View_Detail.aspx?ItemID=1047",
    ),
    (
        "https://vinhphuc.gov.vn/ct/cms/tintuc/lists/thoisuchinhtri/view_detail.aspx?itemid=13796",
        "vinhphuc_portal",
        f"{PORTAL_LIST}/View_Detail.aspx?ItemID=13796",
    ),
    # Without a profile the list name stays as met; Lists, the form and the key are normalised.
    (
        "https://thads.moj.gov.vn/noidung/thongbao/lists/thongbao/view_detail.aspx?itemid=531",
        None,
        "https://thads.moj.gov.vn/noidung/thongbao/Lists/thongbao/View_Detail.aspx?ItemID=531",
    ),
    (
        "https://eng.binhduong.gov.vn/chinhquyen/Lists/BoMayToChuc/DispForm.aspx?ID=62"
        "&InitialTabId=Ribbon.Read",
        None,
        "https://eng.binhduong.gov.vn/chinhquyen/Lists/BoMayToChuc/DispForm.aspx?ID=62",
    ),
    (
        "https://www.binhduong.gov.vn/dautuphattrien/Lists/ThongTinCanBiet/chitiet.aspx?id=1222",
        None,
        "https://www.binhduong.gov.vn/dautuphattrien/Lists/ThongTinCanBiet/ChiTiet.aspx?ID=1222",
    ),
    # Publishing pages: every spelling folds to the lower-case path, the query is dropped.
    (f"{NT}/Pages/2022-3-2/{NT_PAGE}.aspx", "ninhthuan", NT_CANONICAL),
    (f"{NT}/Pages/2022-3-2/{NT_PAGE.upper()}.aspx", "ninhthuan", NT_CANONICAL),
    (
        f"https://sokhcn.ninhthuan.gov.vn/Portal/pages/2022-3-2/{NT_PAGE}.aspx",
        "ninhthuan",
        NT_CANONICAL,
    ),
    (NT_CANONICAL, "ninhthuan", NT_CANONICAL),
    (
        f"{NT}/Pages/2022-3-2/{NT_PAGE}.aspx?Source=%2Fportal%2FPages%2Fdefault.aspx",
        None,
        NT_CANONICAL,
    ),
    (
        f"{LAOCAI}/Trang/20100818101537.aspx",
        None,
        f"{LAOCAI}/trang/20100818101537.aspx",
    ),
    # Not articles: left as the generic rules leave them.
    (
        f"{NT}/Pages/Tin-hoat-dong.aspx?Paged=TRUE&p_ID=77&PageFirstRow=6",
        "ninhthuan",
        f"{NT}/Pages/Tin-hoat-dong.aspx?Paged=TRUE&p_ID=77&PageFirstRow=6",
    ),
    (f"{PORTAL_LIST}/View_Default.aspx", "vinhphuc_portal", f"{PORTAL_LIST}/View_Default.aspx"),
]

# (URL, article key or None for "not an article")
KEYS = [
    (f"{VP_LIST}/View_Detail.aspx?ItemID=1047", "tintuchoatdong-1047"),
    (
        "https://sokhcn.vinhphuc.gov.vn/noidung/tintuc/lists/tintuchoatdong/view_detail.aspx?itemid=1047",
        "tintuchoatdong-1047",
    ),
    (f"{PORTAL_LIST}/View_Detail.aspx?ItemID=13820", "thoisuchinhtri-13820"),
    (
        "https://eng.binhduong.gov.vn/chinhquyen/Lists/BoMayToChuc/DispForm.aspx?ID=62",
        "bomaytochuc-62",
    ),
    (
        "https://www.binhduong.gov.vn/dautuphattrien/Lists/ThongTinCanBiet/ChiTiet.aspx?ID=1222",
        "thongtincanbiet-1222",
    ),
    # Internal list names keep SharePoint's ASCII-folded spelling with %20 for spaces.
    (
        "https://moj.gov.vn/vbpq/Lists/Vn%20bn%20php%20lut/View_Detail.aspx?ItemID=32801",
        "vn%20bn%20php%20lut-32801",
    ),
    (f"{NT}/Pages/2022-3-2/{NT_PAGE}.aspx", NT_PAGE.lower()),
    (f"{NT}/Pages/2022-3-2/{NT_PAGE.upper()}.aspx", NT_PAGE.lower()),
    (
        "https://ninhthuan.gov.vn/portal/Pages/2024-4-25/Quy-hoach-phat-trien-do-thi-theo-huong-xanh-hien-dvv348x.aspx",
        "quy-hoach-phat-trien-do-thi-theo-huong-xanh-hien-dvv348x",
    ),
    (f"{LAOCAI}/Trang/20100818101537.aspx", "20100818101537"),
    (f"{VP_LIST}/View_Detail.aspx", None),
    (f"{VP_LIST}/View_Detail.aspx?ItemID=abc", None),
    (f"{VP_LIST}/View_Default.aspx", None),
    (f"{VP_LIST}/View_Default.aspx?Paged=TRUE&p_ID=1048&PageFirstRow=6", None),
    (f"{NT}/Pages/default.aspx", None),
    (f"{NT}/Pages/Tin-hoat-dong.aspx", None),
    ("http://laocai.gov.vn/sites/sokhcn/Trang/default.aspx", None),
    ("https://w3.lamdong.gov.vn/sites/skhcn/SitePages/Home.aspx", None),
    ("https://dost-dongnai.gov.vn/english/Pages/AboutUs.aspx?IDGioiThieu=22&IDTopic=21", None),
    ("https://vinhphuc.gov.vn/APIVP/api/DSTinTuc/QUERYDATA", None),
]

SHAREPOINT_HEAD = '<head><meta name="GENERATOR" content="Microsoft SharePoint" /></head>'
# (URL, HTML, the page reveals SharePoint)
DETECT = [
    ("https://dost-dongnai.gov.vn/Pages/default.aspx", SHAREPOINT_HEAD, True),
    (
        "https://x.gov.vn/",
        "<script>var _spPageContextInfo = {webServerRelativeUrl: '/'};</script>",
        True,
    ),
    # MOSS 2007 / SharePoint 2010 load their scripts from /_layouts/ without the "15".
    (
        "http://laocai.gov.vn/sites/sokhcn/Trang/default.aspx",
        '<script src="/_layouts/1066/init.js">',
        True,
    ),
    (f"{NT}/Pages/2022-3-2/{NT_PAGE}.aspx", "<html><body><h1>Tin</h1></body></html>", True),
    (f"{PORTAL_LIST}/View_Detail.aspx?ItemID=13820", "<html><body></body></html>", True),
    (
        "https://x.gov.vn/tin-tuc/hoi-nghi-tong-ket-123.html",
        "<html><body><p>Tin</p></body></html>",
        False,
    ),
    (
        "https://dongnai.gov.vn/vi/news/tin-tuc/bai-viet-5226.html",
        '<meta name="generator" content="NukeViet v4.5">',
        False,
    ),
    (f"{NT}/Pages/default.aspx", "<html><body>Trang chủ</body></html>", False),
]


def _profile(site: str | None) -> SiteProfile | None:
    return load_site(site) if site else None


@pytest.mark.parametrize(("url", "site", "canonical"), CANONICAL)
def test_canonicalize(url: str, site: str | None, canonical: str) -> None:
    profile = _profile(site)
    assert SP.canonicalize(url, profile) == canonical
    assert SP.canonicalize(canonical, profile) == canonical


@pytest.mark.parametrize(("url", "key"), KEYS)
def test_article_key_and_shape(url: str, key: str | None) -> None:
    assert SP.article_key(url) == key
    assert SP.is_article_url(url) is (key is not None)
    if key is not None:
        # The record id is taken from the canonical URL: folding must not change the key.
        assert SP.article_key(SP.canonicalize(url, None)) == key


@pytest.mark.parametrize(("url", "html", "expected"), DETECT)
def test_detect(url: str, html: str, expected: bool) -> None:
    assert SP.detect(url, html) is expected


SHAREPOINT_SITES = [
    s
    for s in fixture_sites()
    if s.name in site_names() and load_site(s.name).platform == "sharepoint"
]


@pytest.mark.parametrize("site", SHAREPOINT_SITES, ids=[s.name for s in SHAREPOINT_SITES])
def test_fixture_pages_are_detected_as_sharepoint(site: FixtureSite) -> None:
    """Generic mode picks the SharePoint preset for every page of the SharePoint fixtures."""
    for article in site.articles:
        url = site.origin + article["path"]
        assert detect_platform(url, decode_page(site.page_bytes(article["path"]), url)) is SP


LISTING_HTML = f"""<html><body>
<a href="/portal/Pages/default.aspx">Trang chủ</a>
<a href="/portal/Pages/Tin-hoat-dong.aspx">Tin hoạt động</a>
<a href="/portal/Pages/2022-3-2/{NT_PAGE}.aspx">TẬP HUẤN</a>
<a href="/sites/sokhcn/tintuc/Trang/20170612092534.aspx">Tin</a>
</body></html>"""


def test_preset_listing_links_find_publishing_pages_only() -> None:
    preset = SP.defaults["listing"]["article_links"]
    links = select(Selector(text=LISTING_HTML), tuple(preset)).xpath("@href").getall()
    assert links == [
        f"/portal/Pages/2022-3-2/{NT_PAGE}.aspx",
        "/sites/sokhcn/tintuc/Trang/20170612092534.aspx",
    ]
