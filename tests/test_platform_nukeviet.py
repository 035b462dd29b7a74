"""NukeViet URL rules: canonical form, article key, article-URL shape and detection."""

from __future__ import annotations

import pytest
from parsel import Selector

from dostcrawler.extract.select import select
from dostcrawler.platforms import PLATFORMS, detect_platform

NV = PLATFORMS["nukeviet"]
NGHEAN = "http://ngheandost.gov.vn"
CAOBANG = "http://khcncaobang.gov.vn"
DONGNAI = "https://dongnai.gov.vn"
NV4_ARTICLE = f"{NGHEAN}/vi/khxhnvna/nghien-cuu-khxh-nv/trung-tam-doi-moi-sang-tao-61.html"
NV3_OP = "Khoa-hoc-cong-nghe/So-Khoa-hoc-va-Cong-nghe-tinh-Cao-Bang-Tong-ket-3313"
NV3_ARTICLE = f"{CAOBANG}/index.php?language=vi&nv=news&op={NV3_OP}"

CANONICAL = [
    (NV4_ARTICLE, NV4_ARTICLE),
    (NV4_ARTICLE.replace("/khxhnvna/", "/khxhnvna/print/"), NV4_ARTICLE),
    (NV4_ARTICLE.replace("/khxhnvna/", "/khxhnvna/savefile/"), NV4_ARTICLE),
    (NV4_ARTICLE.replace("/khxhnvna/", "/khxhnvna/sendmail/"), NV4_ARTICLE),
    (NV4_ARTICLE + "#news-bodyhtml", NV4_ARTICLE),
    (NV4_ARTICLE + "?fbclid=IwAR0abc", NV4_ARTICLE),
    (NV4_ARTICLE.replace("http://ngheandost", "http://NGHEANDOST"), NV4_ARTICLE),
    (
        f"{DONGNAI}/en/news/savefile/Socio-Economic-information/bringing-science-5226.html",
        f"{DONGNAI}/en/news/Socio-Economic-information/bringing-science-5226.html",
    ),
    # single-language sites leave the language out
    (
        f"{NGHEAN}/khxhnvna/print/nghien-cuu-khxh-nv/trung-tam-61.html",
        f"{NGHEAN}/khxhnvna/nghien-cuu-khxh-nv/trung-tam-61.html",
    ),
    # NukeViet 3 rewritten URLs end with a slash
    (f"{CAOBANG}/vi/news/print/Tin-tuc/Hoi-thao-12/", f"{CAOBANG}/vi/news/Tin-tuc/Hoi-thao-12/"),
    (NV3_ARTICLE, NV3_ARTICLE),
    (NV3_ARTICLE.replace("op=", "op=savefile/"), NV3_ARTICLE),
    (NV3_ARTICLE.replace("op=", "op=print/"), NV3_ARTICLE),
    (NV3_ARTICLE.replace("op=", "op=sendmail/"), NV3_ARTICLE),
    (NV3_ARTICLE.replace("/index.php?", "/?").replace("op=", "op=savefile/"), NV3_ARTICLE),
    (NV3_ARTICLE.replace("/index.php?", "/?"), NV3_ARTICLE),
    (f"{CAOBANG}/index.php?nv=news&op={NV3_OP}&language=vi", NV3_ARTICLE),
    (
        f"{CAOBANG}/portal/?language=vi&nv=news&op=print/{NV3_OP}",
        f"{CAOBANG}/portal/index.php?language=vi&nv=news&op={NV3_OP}",
    ),
    # capitalised NV3 aliases are kept as the site spells them
    (NV3_ARTICLE.replace("op=", "op=SaveFile/"), NV3_ARTICLE),
    # not article views: left alone
    (f"{NGHEAN}/vi/khxhnvna/nghien-cuu-khxh-nv/page-2", None),
    (NV4_ARTICLE + "?download=1&id=0", None),
    (f"{CAOBANG}/index.php?language=vi&nv=news&op=Khoa-hoc-cong-nghe/page-2", None),
]


@pytest.mark.parametrize(("url", "canonical"), CANONICAL)
def test_canonicalize(url: str, canonical: str | None) -> None:
    assert NV.canonicalize(url, None) == (canonical or url)


@pytest.mark.parametrize("url", [url for url, _ in CANONICAL])
def test_canonical_form_is_stable(url: str) -> None:
    once = NV.canonicalize(url, None)
    assert NV.canonicalize(once, None) == once
    assert NV.article_key(once) == NV.article_key(url)


KEYS = [
    (NV4_ARTICLE, "vi-khxhnvna-61"),
    (f"{NGHEAN}/vi/news/tin-tuc-su-kien/hoi-nghi-tong-ket-61.html", "vi-news-61"),
    (f"{DONGNAI}/en/news/Socio-Economic-information/bringing-science-5226.html", "en-news-5226"),
    (f"{NGHEAN}/khxhnvna/nghien-cuu-khxh-nv/trung-tam-61.html", "vi-khxhnvna-61"),
    (NV3_ARTICLE, "vi-news-3313"),
    (f"{CAOBANG}/index.php?nv=news&op={NV3_OP}", "vi-news-3313"),
    (f"{CAOBANG}/vi/news/Tin-tuc/Hoi-thao-12/", "vi-news-12"),
    (f"{NGHEAN}/vi/khxhnvna/nghien-cuu-khxh-nv/", None),
    (f"{NGHEAN}/vi/khxhnvna/nghien-cuu-khxh-nv/page-2", None),
    (f"{NGHEAN}/vi/khxhnvna/tag/techfest-2024", None),
    (f"{NGHEAN}/vi/khxhnvna/topic/hoi-nghi-khoa-hoc-2024", None),
    (f"{NGHEAN}/vi/khxhnvna/author/hong-hanh-2/", None),
    (f"{NGHEAN}/uploads/khxhnvna/2024_09/bao-cao-pii-2024.pdf", None),
    (f"{CAOBANG}/index.php?language=vi&nv=news&op=Khoa-hoc-cong-nghe", None),
    (f"{CAOBANG}/index.php?language=vi&nv=news", None),
    (f"{NGHEAN}/vi/", None),
]


@pytest.mark.parametrize(("url", "key"), KEYS)
def test_article_key(url: str, key: str | None) -> None:
    assert NV.article_key(url) == key


ARTICLE_URLS = [
    (NV4_ARTICLE, True),
    (NV4_ARTICLE.replace("/khxhnvna/", "/khxhnvna/print/"), True),
    (NV4_ARTICLE.replace("/khxhnvna/", "/khxhnvna/savefile/"), True),
    (NV3_ARTICLE, True),
    (NV3_ARTICLE.replace("op=", "op=savefile/"), True),
    (f"{CAOBANG}/vi/news/Tin-tuc/Hoi-thao-12/", True),
    # the article's attachments, served from its own URL
    (NV4_ARTICLE + "?download=1&id=0", False),
    (NV4_ARTICLE + "?pdf=1&id=0", False),
    (f"{NGHEAN}/vi/khxhnvna/nghien-cuu-khxh-nv/page-2", False),
    (f"{NGHEAN}/vi/khxhnvna/tag/techfest-2024", False),
    (f"{NGHEAN}/vi/khxhnvna/author/hong-hanh-2/", False),
    (f"{NGHEAN}/vi/khxhnvna/rss/nghien-cuu-khxh-nv/", False),
    (f"{NGHEAN}/sitemap-vi.khxhnvna.xml", False),
    (f"{NGHEAN}/uploads/khxhnvna/2024_07/anh-hoi-thao-1.jpg", False),
    (f"{NGHEAN}/assets/js/jquery/jquery-3.min.js", False),
    (f"{CAOBANG}/index.php?language=vi&nv=news&op=Khoa-hoc-cong-nghe/page-2", False),
    (f"{CAOBANG}/index.php?language=vi&nv=contact", False),
    (f"{NGHEAN}/vi/download/bieu-mau/mau-phieu-de-xuat-nhiem-vu-01.html", False),
    (f"{NGHEAN}/vi/van-ban/detail/Quyet-dinh-so-25-2024-QD-UBND-77/", False),
    ("https://sokhcn.vinhphuc.gov.vn/noidung/tintuc/Lists/TinTuc/View_Detail.aspx?ItemID=5", False),
]


@pytest.mark.parametrize(("url", "expected"), ARTICLE_URLS)
def test_is_article_url(url: str, expected: bool) -> None:
    assert NV.is_article_url(url) is expected


NV4_HEAD = '<head><meta name="generator" content="NukeViet v4.5"></head><body></body>'
NV3_HEAD = '<head><meta  name="generator" content="NukeViet v3.x" /></head>'
NV_SCRIPT = '<script>var nv_base_siteurl="/",nv_lang_data="vi";</script>'
NV3_SCRIPT = '<script type="text/javascript">var nv_siteroot="/",nv_sitelang="vi";</script>'
NV4_DETAIL = '<div id="news-bodyhtml" class="bodytext margin-bottom-lg"><p>x</p></div>'
DETECT = [
    (NV4_ARTICLE, NV4_HEAD, True),
    (NV3_ARTICLE, NV3_HEAD, True),
    (f"{NGHEAN}/", '<meta content="NukeViet v4.x" name="generator">', True),
    (f"{NGHEAN}/", NV_SCRIPT, True),
    (f"{CAOBANG}/", NV3_SCRIPT, True),
    (NV4_ARTICLE, NV4_DETAIL, True),
    # the raw query names are NukeViet's own; the rewritten shape is common to many CMSs
    (NV3_ARTICLE, "<html><body><h1>x</h1></body></html>", True),
    (NV4_ARTICLE, "<html><body><h1>x</h1></body></html>", False),
    (f"{NGHEAN}/", '<meta name="generator" content="WordPress 6.5">', False),
    (f"{NGHEAN}/gioi-thieu", NV4_DETAIL, False),
]


@pytest.mark.parametrize(("url", "html", "expected"), DETECT)
def test_detect(url: str, html: str, expected: bool) -> None:
    assert NV.detect(url, html) is expected


def test_generic_mode_picks_the_preset_from_the_generator_tag() -> None:
    assert detect_platform(NV4_ARTICLE, NV4_HEAD).name == "nukeviet"


NV4_PAGER_PAGE_1 = (
    '<ul class="pagination"><li class="page-item disabled"><a class="page-link" href="#">&laquo;'
    '</a></li><li class="page-item active"><a class="page-link" href="#">1</a></li><li class="'
    'page-item"><a class="page-link" rel="next" title="Tin - Trang 2" href="/vi/news/tin/page-2">'
    '2</a></li><li class="page-item"><a class="page-link" rel="next" title="Tin - Trang 3" href='
    '"/vi/news/tin/page-3">3</a></li><li class="page-item"><a class="page-link" rel="next" title='
    '"Tin - Trang 2" href="/vi/news/tin/page-2">&raquo;</a></li></ul>'
)
# NukeViet 4.5 closes the active item with "</a><li>" when the site has at most 7 pages.
NV4_PAGER_PAGE_2 = (
    '<ul class="pagination"><li class="page-item"><a class="page-link" rel="prev" href="/vi/news/'
    'tin/">&laquo;</a></li><li class="page-item"><a class="page-link" rel="prev" href="/vi/news/'
    'tin/">1</a></li><li class="page-item active"><a class="page-link" href="#">2</a><li><li class'
    '="page-item"><a class="page-link" rel="next" href="/vi/news/tin/page-3">3</a></li><li class="'
    'page-item"><a class="page-link" rel="next" href="/vi/news/tin/page-3">&raquo;</a></li></ul>'
)
NV4_PAGER_LAST = (
    '<ul class="pagination"><li class="page-item"><a class="page-link" rel="prev" href="/vi/news/'
    'tin/page-2">&laquo;</a></li><li class="page-item active"><a class="page-link" href="#">3</a>'
    '<li><li class="page-item disabled"><a class="page-link" href="#">&raquo;</a></li></ul>'
)
NV3_RAW = "/index.php?language=vi&amp;nv=news&amp;op=Tin-tuc"
NV3_PAGER_PAGE_2 = (
    f'&nbsp;&nbsp;<span><a title="Tin tức - Trang 1" href="{NV3_RAW}/page-1">Trang trước</a>'
    f'</span>&nbsp;&nbsp;<a title="Tin tức - Trang 1" href="{NV3_RAW}">1</a> <strong>2</strong> '
    f'<a title="Tin tức - Trang 3" href="{NV3_RAW}/page-3">3</a>&nbsp;&nbsp;<span><a title="Tin '
    f'tức - Trang 3"  href="{NV3_RAW}/page-3">Trang sau</a></span>'
)
PAGERS = [
    (NV4_PAGER_PAGE_1, ["/vi/news/tin/page-2"]),
    (NV4_PAGER_PAGE_2, ["/vi/news/tin/page-3"]),
    (NV4_PAGER_LAST, []),
    (NV3_PAGER_PAGE_2, ["/index.php?language=vi&nv=news&op=Tin-tuc/page-3"]),
    (NV3_PAGER_PAGE_2.split("<strong>2</strong>")[0] + "<strong>2</strong>", []),
]


@pytest.mark.parametrize(("pager", "expected"), PAGERS)
def test_next_page_selectors(pager: str, expected: list[str]) -> None:
    page = Selector(text=f"<html><body><div class='text-center'>{pager}</div></body></html>")
    links = select(page, tuple(NV.defaults["listing"]["next_page"]))
    assert links.xpath("@href").getall() == expected


def test_nv3_thumbnail_caption_is_not_part_of_the_lead() -> None:
    html = (
        '<div id="news_detail"><h1>T</h1><div id="hometext"><div id="imghome" class="fl">'
        '<a href="/x.jpg"><img src="/x.jpg" /></a><p><em>Ảnh: Hội nghị</em></p></div>'
        "Sáng 12/3, Sở tổ chức hội nghị.</div></div>"
    )
    assert "Ảnh: Hội nghị" not in NV.prepare(NV3_ARTICLE, html)
    assert "Sáng 12/3, Sở tổ chức hội nghị." in NV.prepare(NV3_ARTICLE, html)
