"""DotNetNuke preset: URL folding, article keys, article-URL shapes and detection (table-driven)."""

from __future__ import annotations

import pytest
from parsel import Selector

from dostcrawler.extract.select import select
from dostcrawler.platforms import PLATFORMS, detect_platform
from dostcrawler.platforms.dotnetnuke import article_key, canonicalize, detect, is_article_url
from dostcrawler.profiles import load_site

HOST = "http://dosttn.gov.vn"
ITEM_1740 = f"{HOST}/tabid/119/itemid/1740/loaihienthi/tintuc/nhomtin/13/default.aspx"
PRINT_QUERY = (
    "SkinSrc=%5bG%5dSkins%2f_default%2fNo+Skin"
    "&ContainerSrc=%5bG%5dContainers%2f_default%2fNo+Container"
)

CANONICAL_CASES: list[tuple[str, str]] = [
    # Friendly URL as DNN writes it, and the same without the page name.
    (f"{HOST}/tabid/119/LoaiHienThi/TinTuc/NhomTin/13/ItemID/1740/Default.aspx", ITEM_1740),
    (f"{HOST}/tabid/119/LoaiHienThi/TinTuc/NhomTin/13/ItemID/1740", ITEM_1740),
    (f"{HOST}/tabid/119/LoaiHienThi/TinTuc/NhomTin/13/ItemID/1740/", ITEM_1740),
    # Query form, parameters in another order, names in other cases.
    (f"{HOST}/Default.aspx?tabid=119&NhomTin=13&LoaiHienThi=TinTuc&ItemID=1740", ITEM_1740),
    (f"{HOST}/default.aspx?TabId=119&itemid=1740&nhomtin=13&loaihienthi=tintuc", ITEM_1740),
    # Case variant typed by an editor; host case; fragment; tracking parameter.
    (f"{HOST}/tabid/119/loaihienthi/tintuc/nhomtin/13/itemid/1740/default.aspx", ITEM_1740),
    (
        "HTTP://DOSTTN.gov.vn/TABID/119/LoaiHienThi/TinTuc/NhomTin/13/ItemID/1740/DEFAULT.ASPX",
        ITEM_1740,
    ),
    (f"{HOST}/tabid/119/LoaiHienThi/TinTuc/NhomTin/13/ItemID/1740/Default.aspx#top", ITEM_1740),
    (
        f"{HOST}/tabid/119/LoaiHienThi/TinTuc/NhomTin/13/ItemID/1740/Default.aspx?utm_source=zalo",
        ITEM_1740,
    ),
    # Print view: module isolation (mid), print mode and the "No Skin"/"No Container" skins.
    (
        f"{HOST}/tabid/119/mid/585/LoaiHienThi/TinTuc/NhomTin/13/ItemID/1740/dnnprintmode/true"
        f"/Default.aspx?{PRINT_QUERY}",
        ITEM_1740,
    ),
    (f"{HOST}/Default.aspx?tabid=119&mid=585&NhomTin=13&LoaiHienThi=TinTuc&ItemID=1740", ITEM_1740),
    # Already canonical: unchanged.
    (ITEM_1740, ITEM_1740),
    # A control keeps its module id (ctl/Details needs mid to find the module).
    (
        f"{HOST}/tabid/60/ctl/Details/mid/400/ItemID/7/Default.aspx",
        f"{HOST}/tabid/60/ctl/details/itemid/7/mid/400/default.aspx",
    ),
    # Ventrian News Articles: a title slug replaces Default.aspx.
    (
        "https://www.example.vn/tabid/57/articleType/ArticleView/articleId/123/Hoi-nghi.aspx",
        "https://www.example.vn/tabid/57/articleid/123/articletype/articleview/default.aspx",
    ),
    # Child portal alias and tab-path prefixes stay (they can name a different portal).
    (
        f"{HOST}/Portals/Sub/TinTuc/tabid/55/ItemID/3/Default.aspx",
        f"{HOST}/portals/sub/tintuc/tabid/55/itemid/3/default.aspx",
    ),
    # Values that cannot live in a path stay in the query string.
    (
        f"{HOST}/tabid/119/Default.aspx?tukhoa=khoa học",
        f"{HOST}/tabid/119/default.aspx?tukhoa=khoa+h%E1%BB%8Dc",
    ),
    # Not DNN page requests: only the generic URL hygiene applies.
    (f"{HOST}/Portals/0/TinTuc/2017/10/TB.pdf", f"{HOST}/Portals/0/TinTuc/2017/10/TB.pdf"),
    (
        f"{HOST}/LinkClick.aspx?fileticket=Qm3kX8yTz1A%3d&tabid=121&mid=601",
        f"{HOST}/LinkClick.aspx?fileticket=Qm3kX8yTz1A%3D&tabid=121&mid=601",
    ),
    (f"{HOST}/tabid/119/Odd/Default.aspx", f"{HOST}/tabid/119/Odd/Default.aspx"),
]


@pytest.mark.parametrize(("url", "expected"), CANONICAL_CASES)
def test_canonicalize_folds_every_spelling(url: str, expected: str) -> None:
    assert canonicalize(url, None) == expected
    assert canonicalize(expected, None) == expected


KEY_CASES: list[tuple[str, str | None]] = [
    (ITEM_1740, "119-13-1740"),
    (f"{HOST}/tabid/119/LoaiHienThi/TinTuc/NhomTin/13/ItemID/1740", "119-13-1740"),
    (f"{HOST}/Default.aspx?tabid=119&ItemID=1740", "119-1740"),
    ("https://www.example.vn/tabid/57/articleType/ArticleView/articleId/123/x.aspx", "57-123"),
    ("https://www.example.vn/tabid/80/EntryId/45/Default.aspx", "80-45"),
    (f"{HOST}/tabid/60/ctl/Details/mid/400/ItemID/7/Default.aspx", "60-7"),
    # Not one item: listings, forms, non-numeric ids, other URLs.
    (f"{HOST}/tabid/119/LoaiHienThi/DanhSach/NhomTin/13/Default.aspx", None),
    (f"{HOST}/tabid/119/LoaiHienThi/DanhSach/NhomTin/13/currentpage/2/Default.aspx", None),
    (f"{HOST}/tabid/119/ctl/Login/Default.aspx?returnurl=%2ftabid%2f119%2fDefault.aspx", None),
    (f"{HOST}/tabid/119/ctl/Edit/mid/585/ItemID/1740/Default.aspx", None),
    (f"{HOST}/tabid/119/ItemID/abc/Default.aspx", None),
    (f"{HOST}/Portals/0/TinTuc/2017/10/TB.pdf", None),
]


@pytest.mark.parametrize(("url", "expected"), KEY_CASES)
def test_article_key(url: str, expected: str | None) -> None:
    assert article_key(canonicalize(url, None)) == expected


ARTICLE_URL_CASES: list[tuple[str, bool]] = [
    (f"{HOST}/tabid/119/LoaiHienThi/TinTuc/NhomTin/13/ItemID/1740/Default.aspx", True),
    (f"{HOST}/tabid/119/LoaiHienThi/TinTuc/NhomTin/13/ItemID/1740", True),
    (f"{HOST}/Default.aspx?tabid=119&NhomTin=13&LoaiHienThi=TinTuc&ItemID=1740", True),
    (
        f"{HOST}/tabid/119/mid/585/LoaiHienThi/TinTuc/NhomTin/13/ItemID/1740/dnnprintmode/true"
        f"/Default.aspx?{PRINT_QUERY}",
        True,
    ),
    (f"{HOST}/tabid/60/ctl/Details/mid/400/ItemID/7/Default.aspx", True),
    (f"{HOST}/tabid/119/LoaiHienThi/DanhSach/NhomTin/13/Default.aspx", False),
    (f"{HOST}/tabid/36/Default.aspx", False),
    (f"{HOST}/tabid/119/ctl/Register/Default.aspx?returnurl=%2ftabid%2f119", False),
    (f"{HOST}/tabid/119/ctl/Edit/mid/585/ItemID/1740/Default.aspx", False),
    (f"{HOST}/LinkClick.aspx?fileticket=Qm3kX8yTz1A%3d&tabid=121&mid=601", False),
    # Other platforms' item URLs.
    (
        "https://sokhcn.vinhphuc.gov.vn/noidung/tintuc/Lists/TinTucHoatDong/View_Detail.aspx?ItemID=1",
        False,
    ),
    ("https://www.binhduong.gov.vn/x/Lists/Y/DispForm.aspx?ID=62&InitialTabId=Ribbon.Read", False),
]


@pytest.mark.parametrize(("url", "expected"), ARTICLE_URL_CASES)
def test_is_article_url(url: str, expected: bool) -> None:
    assert is_article_url(url) is expected


DNN_HEAD = '<head id="Head"><meta id="MetaGenerator" name="GENERATOR" content="DotNetNuke " />'
DETECT_CASES: list[tuple[str, str, bool]] = [
    ("http://x.vn/", DNN_HEAD, True),
    ("http://x.vn/", '<td id="dnn_ContentPane" class="contentpane"></td>', True),
    ("http://x.vn/", "<!-- DNN Platform - http://www.dnnsoftware.com -->", True),
    ("http://x.vn/", '<link href="/Portals/_default/default.css" rel="stylesheet" />', True),
    ("http://x.vn/", '<script src="/js/dnncore.js"></script>', True),
    ("http://x.vn/tabid/119/ItemID/5/Default.aspx", "<html></html>", True),
    ("http://x.vn/Default.aspx?tabid=119", "<html></html>", True),
    # Other platforms.
    (
        "https://www.binhduong.gov.vn/x/Lists/Y/DispForm.aspx?ID=62&InitialTabId=Ribbon.Read",
        "<script>var _spPageContextInfo = {};</script>",
        False,
    ),
    ("https://dongnai.gov.vn/", '<meta name="generator" content="NukeViet v4.5">', False),
    (
        "https://iso.dosttn.gov.vn/2019/02/22/so-tay/",
        '<meta name="generator" content="WordPress">',
        False,
    ),
]


@pytest.mark.parametrize(("url", "html", "expected"), DETECT_CASES)
def test_detect(url: str, html: str, expected: bool) -> None:
    assert detect(url, html) is expected


def test_detected_pages_get_the_month_first_preset() -> None:
    platform = detect_platform("http://x.vn/tabid/119/ItemID/5/Default.aspx", DNN_HEAD)
    assert platform.name == "dotnetnuke"
    assert platform.defaults["article"]["date_order"] == "mdy"


LISTING = """<html><body><table><tr>
<td id="dnn_LeftPane"><a href="/tabid/119/LoaiHienThi/DanhSach/NhomTin/14/Default.aspx">N</a></td>
<td id="dnn_ContentPane">
  <a href="/tabid/119/LoaiHienThi/TinTuc/NhomTin/13/ItemID/1786/Default.aspx">Tin 1786</a>
  <a href="/Default.aspx?tabid=119&amp;ItemId=1779">Tin 1779</a>
  <a href="/tabid/119/ctl/Edit/mid/584/ItemID/1779/Default.aspx">Sửa</a>
  <a href="/tabid/119/LoaiHienThi/DanhSach/NhomTin/13/currentpage/2/Default.aspx">2</a>
</td>
<td id="dnn_RightPane"><a href="/tabid/119/LoaiHienThi/TinTuc/NhomTin/15/ItemID/1784">Khác</a></td>
</tr></table></body></html>"""


def test_preset_listing_links_are_content_pane_items_only() -> None:
    selectors = tuple(PLATFORMS["dotnetnuke"].defaults["listing"]["article_links"])
    hrefs = select(Selector(text=LISTING), selectors).xpath("@href").getall()
    assert hrefs == [
        "/tabid/119/LoaiHienThi/TinTuc/NhomTin/13/ItemID/1786/Default.aspx",
        "/Default.aspx?tabid=119&ItemId=1779",
    ]


def test_thainguyen_profile_uses_the_preset() -> None:
    profile = load_site("thainguyen")
    assert profile.platform == "dotnetnuke"
    assert profile.month_first
    assert profile.merged_into == "Thái Nguyên"  # Bắc Kạn joined it in 2025
    assert profile.article.category  # the container title, from the preset
