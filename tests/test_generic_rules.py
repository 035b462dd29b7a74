"""Generic heuristics on the page shapes that trip them: a bold event date opening the body,
the site's own name in a logo heading, and a portal whose article header sits in a portlet."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest
from lxml import html as lxml_html
from parsel import Selector

from dostcrawler.extract import generic
from dostcrawler.extract.article import GENERIC_LEAD_HINT, Extraction, ListingHint, extract_article
from dostcrawler.extract.author import credit_line, source_beside_writer, source_from_label
from dostcrawler.extract.dates import parse_date
from dostcrawler.extract.generic import date_near_title, find_title
from dostcrawler.extract.select import any_match
from dostcrawler.extract.text import element_blocks
from dostcrawler.profiles import generic_profile
from dostcrawler.profiles.model import ArticleRules
from tests.conftest import ROOT

PAGE = """<html><body>
<div id="logo"><h1>SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH BẮC NINH</h1></div>
<div class="noidung">
  <h1>Nghiệm thu đề tài ứng dụng công nghệ sinh học trong sản xuất nấm</h1>
  {date_line}
  <p><strong>Ngày 18/01/2022</strong>, Hội đồng khoa học và công nghệ cấp tỉnh đã họp nghiệm thu
  đề tài "Ứng dụng công nghệ sinh học trong sản xuất nấm dược liệu" do Trung tâm Ứng dụng tiến bộ
  khoa học và công nghệ chủ trì thực hiện trong hai năm 2020 - 2021.</p>
</div></body></html>"""


def _root(date_line: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(PAGE.format(date_line=date_line))


def test_logo_heading_is_not_the_title() -> None:
    title = find_title(_root(""), ("Chi tiết tin - Sở Khoa học và Công nghệ",))
    assert title is not None
    assert title.text_content().startswith("Nghiệm thu đề tài")


def test_a_category_heading_inside_the_title_is_not_the_headline() -> None:
    """Both headings are inside <title>; the headline is the one that is most of it."""
    root = lxml_html.fromstring(
        "<html><body><h1>Khởi nghiệp đổi mới sáng tạo</h1><div class='detail'>"
        "<h2>Chung kết Cuộc thi Ý tưởng khởi nghiệp đổi mới sáng tạo tỉnh Bến Tre năm 2021</h2>"
        "<p>Tối 11/5, tại Hội trường tỉnh, Sở Khoa học và Công nghệ tổ chức chung kết.</p>"
        "</div></body></html>"
    )
    hint = (
        "Chung kết Cuộc thi Ý tưởng khởi nghiệp đổi mới sáng tạo tỉnh Bến Tre năm 2021"
        " - Sở Khoa học và Công nghệ Bến Tre"
    )
    title = find_title(root, (hint,))
    assert title is not None and title.tag == "h2"


def test_bold_date_opening_the_body_is_not_the_publication_date() -> None:
    root = _root("")
    assert date_near_title(root, find_title(root, ()), month_first=False) is None


def test_date_line_under_the_title_wins_over_the_body_date() -> None:
    root = _root('<div class="ngaydang">Cập nhật: 20/01/2022 08:15</div>')
    parsed = date_near_title(root, find_title(root, ()), month_first=False)
    assert parsed is not None and parsed.value == "2022-01-20T08:15:00+07:00"


def test_headlines_that_start_with_the_department_name_are_kept() -> None:
    page = PAGE.replace(
        "Nghiệm thu đề tài ứng dụng công nghệ sinh học trong sản xuất nấm",
        "Sở Khoa học và Công nghệ tỉnh Bắc Ninh tổ chức hội nghị tổng kết năm 2021",
    )
    title = find_title(lxml_html.fromstring(page.format(date_line="")), ())
    assert title is not None
    assert title.text_content() == (
        "Sở Khoa học và Công nghệ tỉnh Bắc Ninh tổ chức hội nghị tổng kết năm 2021"
    )


ARTICLE = """<html><head><title>Chi tiết tin</title></head><body>
<div class="main">
  <h1 class="title">Kiểm tra đo lường xăng dầu trên địa bàn tỉnh năm 2023</h1>
  <div class="date">Ngày đăng: 12/05/2023</div>
  <div class="content">
    <p>Thực hiện kế hoạch năm 2023, Chi cục Tiêu chuẩn Đo lường Chất lượng đã tiến hành kiểm tra
    đo lường, chất lượng xăng dầu tại 25 cửa hàng bán lẻ trên địa bàn các huyện, thành phố.</p>
    <p>Qua kiểm tra, đoàn đã lấy 30 mẫu xăng dầu gửi thử nghiệm, kết quả các mẫu đều đạt yêu cầu
    theo quy chuẩn kỹ thuật quốc gia; đoàn đã nhắc nhở 2 cửa hàng về niêm yết giá.</p>
    <p>Người đăng: quantri</p>
  </div>
  <p class="author">Tác giả: Lê Thị Thanh</p>
  <p class="source">Nguồn tin: Chi cục Tiêu chuẩn Đo lường Chất lượng</p>
  <div class="other"><h3>Các tin khác</h3>
    <ul><li><a href="/a">Tin A</a> (10/05/2023)</li></ul></div>
</div></body></html>"""


def test_labelled_credits_after_the_body_and_cms_accounts() -> None:
    from dostcrawler.extract.article import extract_article

    out = extract_article(ARTICLE, "https://skhcn.example.gov.vn/tin-tuc/kiem-tra-123.html")
    assert out.title == "Kiểm tra đo lường xăng dầu trên địa bàn tỉnh năm 2023"
    assert out.published_at == "2023-05-12"
    assert out.authors == ["Lê Thị Thanh"]
    assert out.source == "Chi cục Tiêu chuẩn Đo lường Chất lượng"
    assert out.body is not None
    assert out.body.startswith("Thực hiện kế hoạch năm 2023")
    assert "quantri" not in out.body and "Các tin khác" not in out.body


PORTLET_PAGE = """<html><head><title>{title} - Chi tiết tin - Sở Khoa học và Công nghệ tỉnh
Trà Vinh</title></head><body>
<header id="banner"><h1 class="site-title">Sở Khoa học và Công nghệ tỉnh Trà Vinh</h1>
<div class="today">Thứ Tư, 10/01/2024</div></header>
<section class="portlet"><header class="portlet-topper"><h1 class="portlet-title">Dịch vụ công
trực tuyến cho doanh nghiệp</h1></header><div class="portlet-body">Cổng dịch vụ công.</div>
</section>
<section class="portlet"><header class="portlet-topper"><h1 class="portlet-title">
<span class="portlet-title-text">{title}</span></h1></header>
<div class="portlet-body"><div class="journal-content-article">
<p class="ngay-dang"><span class="date">05/12/2023</span> | <span class="name">{byline}</span></p>
<div class="news-sapo">Thực hiện Kế hoạch số 87/KH-SKHCN, từ ngày 20/11 đến ngày 01/12/2023, Đoàn
kiểm tra đã kiểm tra 24 cửa hàng xăng dầu trên địa bàn hai huyện.</div>
<p>Đoàn kiểm tra đã lấy 24 mẫu xăng dầu để thử nghiệm nhanh các chỉ tiêu chất lượng; kết quả
cho thấy các mẫu đều đạt yêu cầu theo quy chuẩn kỹ thuật quốc gia hiện hành.</p>
<p>Qua kiểm tra, Đoàn đã nhắc nhở hai cửa hàng chưa niêm yết giá bán, đồng thời hướng dẫn các
cơ sở thực hiện đúng quy định về đo lường, chất lượng trong kinh doanh xăng dầu.</p>
<p>Tin mới:</p><ul><li>Hội thảo ứng dụng công nghệ cao trong nuôi tôm thẻ chân trắng</li></ul>
</div></div></section></body></html>"""
PORTLET_TITLE = "Kiểm tra nhà nước về đo lường, chất lượng xăng dầu tại hai huyện"


def _portlet(byline: str = "Kim Ngọc Thái", title: str = PORTLET_TITLE) -> Extraction:
    return extract_article(
        PORTLET_PAGE.format(title=title, byline=byline), "https://sokhcn.travinh.gov.vn/x"
    )


def test_a_portlet_headline_confirmed_by_title_is_the_title() -> None:
    """A <header> inside a portal's <section> is that portlet's header, not the page banner:
    the heading <title> confirms is the headline; the other portlets' headings are not."""
    assert _portlet().title == PORTLET_TITLE


def test_a_date_line_in_several_spans_is_one_line() -> None:
    """`<span>05/12/2023</span> | <span>Kim Ngọc Thái</span>`: the byline beside the date;
    `<span>05/12/2023</span> | <span>08:00</span>`: the time."""
    got = _portlet()
    assert got.published_at == "2023-12-05" and got.authors == ["Kim Ngọc Thái"]
    timed = _portlet(byline="08:00")
    assert timed.published_at == "2023-12-05T08:00:00+07:00" and timed.authors == []


def test_the_header_inside_the_content_box_is_not_body() -> None:
    """The date line and the sapo inside the content container are fields, not body; the
    list after a whole-line "Tin mới:" heading is not body either."""
    got = _portlet()
    assert got.lead is not None and got.lead.startswith("Thực hiện Kế hoạch số 87/KH-SKHCN")
    assert got.body is not None
    assert got.body.startswith("Đoàn kiểm tra đã lấy 24 mẫu xăng dầu")
    assert got.body.endswith("kinh doanh xăng dầu.")


def test_box_headings_and_the_site_name_in_capitals_are_not_headlines() -> None:
    """An old table template: <title> is the site's name, sidebar boxes are `td.tieudebox`,
    the headline a `<b><font>` line: no headline is better than a box heading."""
    page = """<html><head><title>SỞ KHOA HỌC VÀ CÔNG NGHỆ PHÚ THỌ</title></head><body><table>
    <tr><td class="tieudebox">CHUYÊN MỤC</td></tr><tr><td class="tieudebox">TÌM KIẾM</td></tr>
    <tr><td><b><font size="4">Chuyển giao công nghệ sản xuất nấm ăn cho nông dân</font></b>
    </td></tr></table></body></html>"""
    got = extract_article(page, "https://sokhcn.phutho.gov.vn/tin-tuc/chi-tiet/1102/a.html")
    assert got.title is None and got.authors == []
    headline = page.replace('<b><font size="4">', '<td class="tieude">').replace(
        "</font></b>", "</td>"
    )
    titled = extract_article(headline, "https://sokhcn.phutho.gov.vn/tin-tuc/chi-tiet/1102/a.html")
    assert titled.title == "Chuyển giao công nghệ sản xuất nấm ăn cho nông dân"


OLD_TEMPLATE = """<html><head><title>So Khoa hoc va Cong nghe Ca Mau</title></head><body><table>
<tr><td class="duongdan"><a href="/">Trang chủ</a></td></tr>
<tr><td><font size="3"><b>{headline}</b></font></td></tr>
<tr><td class="ngay">Thứ năm, ngày 26/3/2020</td></tr>
<tr><td class="noidung"><p>Nhằm đưa Chiến lược sở hữu trí tuệ đến năm 2030 sớm đi vào cuộc
sống, Bộ Khoa học và Công nghệ đã ban hành kế hoạch triển khai với nhiều nhiệm vụ cụ thể cho
các bộ, ngành và địa phương trong giai đoạn tới.</p></td></tr>
</table><ul class="box"><li><a href="/tin/1302">Triển khai Kế hoạch nâng cao năng suất và chất
lượng sản phẩm năm 2019</a> <span class="date">(12/03/2019)</span></li></ul></body></html>"""
HEADLINE = "Triển khai Chiến lược sở hữu trí tuệ đến năm 2030"


def test_the_site_name_without_diacritics_is_no_headline() -> None:
    """An ASCII <title> shared by every page of an old site names the site, not the article:
    the headline is the bold line over the body, and the date line under it is the date."""
    got = extract_article(OLD_TEMPLATE.format(headline=HEADLINE), "http://dost.camau.gov.vn/a")
    assert got.title == HEADLINE
    assert got.published_at == "2020-03-26"


def test_an_old_template_headline_is_no_box_heading_link_or_lead() -> None:
    """Past the bold headline's cell, a box heading (a few words), a bold sidebar link and a
    bold lead (a sentence with its full stop) are no headlines: with none of them the page
    has no title rather than a wrong one."""
    lead = (
        "<b>Bộ Khoa học và Công nghệ đã ban hành kế hoạch triển khai Chiến lược sở hữu trí tuệ"
        " đến năm 2030.</b>"
    )
    for line in ("<b>TIN TỨC - SỰ KIỆN</b>", f"<b><a href='/tin/1'>{HEADLINE}</a></b>", lead):
        page = OLD_TEMPLATE.format(headline=HEADLINE).replace(
            f'<font size="3"><b>{HEADLINE}</b></font>', line
        )
        assert line in page
        got = extract_article(page, "http://dost.camau.gov.vn/a")
        assert got.title is None, line


def test_a_page_in_combining_marks_is_read_as_composed_text() -> None:
    """windows-1258 writes tone marks as combining characters: the listing's (composed) link
    text still finds the headline, and every field is NFC."""
    decomposed = unicodedata.normalize("NFD", OLD_TEMPLATE.format(headline=HEADLINE))
    hint = ListingHint(title=HEADLINE)
    got = extract_article(decomposed, "http://dost.camau.gov.vn/a", hint=hint)
    assert got.title == HEADLINE
    assert got.published_at == "2020-03-26"
    assert unicodedata.is_normalized("NFC", got.body or "")


def test_a_learned_date_selector_meeting_a_dated_list_is_not_the_date() -> None:
    """The site's template has `span.date` under the headline; this page dates itself with a
    <time>, and its only `span.date` is a sidebar entry's: that day is the entry's."""
    page = OLD_TEMPLATE.format(headline=HEADLINE).replace(
        '<td class="ngay">Thứ năm, ngày 26/3/2020</td>', "<td><time>26/03/2020</time></td>"
    )
    profile = replace(
        generic_profile("http://dost.camau.gov.vn/"), article=ArticleRules(date=("span.date",))
    )
    got = extract_article(
        page, "http://dost.camau.gov.vn/a", profile=profile, hint=ListingHint(title=HEADLINE)
    )
    assert got.published_at == "2020-03-26"


def test_a_stamp_of_the_same_day_gives_the_time_read_either_way_round() -> None:
    """The date line under the headline has no time; the stamp under the body, written in a
    US server's order, has one for the same day (and the sidebar entry is another's)."""
    page = OLD_TEMPLATE.format(headline=HEADLINE).replace(
        "</table>",
        '<tr><td class="ngay">Lượt xem: 276 | Cập nhật: 3/26/2020 4:05:12 PM</td></tr></table>',
    )
    got = extract_article(page, "http://dost.camau.gov.vn/a", hint=ListingHint(title=HEADLINE))
    assert got.published_at == "2020-03-26T16:05:12+07:00"
    other_day = page.replace("3/26/2020 4:05:12 PM", "3/27/2020 4:05:12 PM")
    got = extract_article(other_day, "http://dost.camau.gov.vn/a", hint=ListingHint(title=HEADLINE))
    assert got.published_at == "2020-03-26"


def test_an_article_split_into_blocks_of_one_look_is_read_whole() -> None:
    """A migrated article: `<div align="justify">` blocks with a photo block between them and
    no class anywhere. Every block is the article's."""
    first = (
        "Năm 2020, Sở Khoa học và Công nghệ giao Trung tâm Thông tin triển khai dự án trồng cam"
        " sành theo tiêu chuẩn VietGAP tại huyện Bắc Quang với 46 hộ dân tham gia."
    )
    second = (
        "Kết quả, năng suất cam trong mô hình đạt bình quân 16,5 tấn/ha, cao hơn 18% so với"
        " ngoài mô hình; tỷ lệ quả loại 1 đạt trên 60%, toàn bộ diện tích có mã số vùng trồng."
    )
    page = f"""<html><head><title>{HEADLINE}</title></head><body><div id="main">
    <h1>{HEADLINE}</h1><div class="article-content">
    <div align="justify"><font face="Arial" size="2">{first}<br><br>{first}</font></div>
    <div align="center"><img src="/a.jpg"><br><i>Người dân thu hoạch cam sành</i></div>
    <div align="justify"><font face="Arial" size="2">{second}<br><br>{second}</font></div>
    </div></div></body></html>"""
    got = extract_article(page, "https://sokhcn.tuyenquang.gov.vn/tin-tuc/a-96158.html")
    assert got.body is not None and got.body.startswith("Năm 2020") and second in got.body


def test_the_caption_under_a_pasted_photo_line_is_no_body_text() -> None:
    """Word leaves "Description: C:\\...JPG" beside a pasted photo: that line goes, and the
    italic line under it is still the photo's caption."""
    text = (
        "Ngày 18/12/2019, Hội đồng khoa học và công nghệ tỉnh đã tổ chức nghiệm thu dự án nâng"
        " cao chất lượng, phát triển thương hiệu sản phẩm mật ong bạc hà Mèo Vạc."
    )
    page = f"""<html><head><title>{HEADLINE}</title></head><body><div class="content">
    <h1>{HEADLINE}</h1><p class="MsoNormal">{text}</p>
    <p class="MsoNormal" align="center"><span>Description: C:\\Users\\Admin\\IMG_4521.JPG</span>
    <img src="/a.jpg"></p>
    <p class="MsoNormal" align="center"><i>Các thành viên Hội đồng kiểm tra sản phẩm</i></p>
    <p class="MsoNormal">{text}</p></div></body></html>"""
    got = extract_article(page, "https://sokhcn.tuyenquang.gov.vn/tin-tuc/a-87342.html")
    assert got.body == f"{text}\n\n{text}"


def test_a_day_the_site_prints_everywhere_dates_only_through_a_learned_date_node() -> None:
    """The profile's template_days (the "today" banner's day) date no page by a guess; a
    learned date node, which prints another day on each page, still dates its own page."""
    page = OLD_TEMPLATE.format(headline=HEADLINE)
    banner = ArticleRules(template_days=("2020-03-26",))
    profile = replace(generic_profile("http://dost.camau.gov.vn/"), article=banner)
    got = extract_article(page, "http://dost.camau.gov.vn/a", profile=profile)
    assert got.published_at is None
    learned = replace(
        profile,
        article=replace(banner, date=("td.ngay",)),
        learned_keys=frozenset({"article.date"}),
    )
    got = extract_article(page, "http://dost.camau.gov.vn/a", profile=learned)
    assert got.published_at == "2020-03-26"


def test_a_utc_stamp_takes_vietnam_time_only_when_the_listing_says_that_day() -> None:
    """article:published_time in UTC is kept as written, unless the listing's day is its day
    at +07:00: then both witnesses give the reader's day."""
    page = (
        OLD_TEMPLATE.format(headline=HEADLINE)
        .replace('<td class="ngay">Thứ năm, ngày 26/3/2020</td>', "<td></td>")
        .replace(
            "<head>",
            '<head><meta property="article:published_time" content="2020-03-25T23:15:00Z">',
        )
    )
    url = "http://dost.camau.gov.vn/a"
    assert extract_article(page, url).published_at == "2020-03-25T23:15:00+00:00"
    listed = ListingHint(title=HEADLINE, date=parse_date("26/03/2020"))
    assert extract_article(page, url, hint=listed).published_at == "2020-03-26T06:15:00+07:00"
    other = ListingHint(title=HEADLINE, date=parse_date("27/03/2020"))
    assert extract_article(page, url, hint=other).published_at == "2020-03-25T23:15:00+00:00"


def test_a_short_notice_under_a_learned_selector_is_its_body() -> None:
    """A notice whose whole body is one line pointing at its PDF: the learned selector's short
    reading stands, since falling back (trafilatura reads the page's layout table) finds no
    more of the article's text."""
    page = (ROOT / "tests/sites/haiduong/files/article-13490.html").read_text("utf-8")
    profile = replace(
        generic_profile("https://haiduongdost.gov.vn/"),
        article=ArticleRules(body=("div.article-content",)),
        learned_keys=frozenset({"article.body"}),
    )
    got = extract_article(page, "https://haiduongdost.gov.vn/article/a/13490", profile=profile)
    assert got.body == "Thông tin chi tiết xem tại đây."
    assert got.fields["body"] == "learned"
    assert [a["url"].rsplit("/", 1)[-1] for a in got.attachments] == [
        "1025-TB-SKHCN-tuyen-chon-nhiem-vu-2022.pdf"
    ]


PORTAL_BODY = 3 * (
    "<p>Đến nay, 100% văn bản đi, đến của Sở (trừ văn bản mật) được xử lý trên môi trường mạng,"
    " rút ngắn thời gian xử lý hồ sơ và tiết kiệm chi phí in ấn cho cơ quan, đơn vị.</p>"
)


def test_a_labelled_date_line_after_the_body_dates_a_page_without_a_headline() -> None:
    """A portal printing its headline only in <title> and "Ngày đăng: ..." under the body; a
    line there without the label ("Lượt xem", an unlabelled day) dates nothing."""
    page = (
        "<html><head><title>Chuyển đổi số trong cơ quan Sở</title></head><body>"
        f"<div class='content'>{PORTAL_BODY}</div><div class='meta'>{{line}}</div></body></html>"
    )
    url = "https://skhcn.quangngai.gov.vn/pages_tin-tuc/chi-tiet?dDocName=PORTAL474951"
    got = extract_article(page.format(line="Ngày đăng: 09/08/2023 14:05"), url)
    assert got.published_at == "2023-08-09T14:05:00+07:00"
    assert extract_article(page.format(line="Lượt xem: 09/08/2023"), url).published_at is None


def test_a_banner_day_above_the_headline_gives_way_to_the_page_metadata() -> None:
    """ "Thứ Tư, 10/01/2024" in the header over a headline with no date line under it, and an
    article:published_time of another day: the metadata's day is the article's."""
    page = (
        '<html><head><meta property="article:published_time" content="2023-11-14T06:15:00+07:00">'
        f"</head><body><div class='top'>Thứ Tư, 10/01/2024</div><h1>{HEADLINE}</h1>"
        f"<div class='content'>{PORTAL_BODY}</div></body></html>"
    )
    got = extract_article(page, "https://sokhcn.travinh.gov.vn/view-article/a")
    assert got.published_at == "2023-11-14T06:15:00+07:00"
    agreeing = page.replace("2023-11-14T06:15:00+07:00", "2024-01-10T08:00:00+07:00")
    got = extract_article(agreeing, "https://sokhcn.travinh.gov.vn/view-article/a")
    assert got.published_at == "2024-01-10"


def test_a_lead_hint_is_found_where_the_css_union_finds_one() -> None:
    """`any_match` reads the lead hints off the pages' class and id values: it says there is
    one exactly where the CSS union finds an element, on every fixture page (a real page's
    hidden lead among them); a selector it cannot read that way is refused."""
    found = 0
    for page in sorted(ROOT.glob("tests/*sites/*/files/*.htm*")):
        sel = Selector(text=page.read_bytes().decode("utf-8", "replace"))
        want = bool(sel.css(GENERIC_LEAD_HINT))
        assert any_match(sel.root, GENERIC_LEAD_HINT) == want, page
        found += want
    assert found > 20
    assert any_match(lxml_html.fromstring("<div><sapo>Tóm tắt</sapo></div>"), "sapo, .lead")
    assert not any_match(lxml_html.fromstring('<p class="leader">x</p>'), ".lead, #lead")
    assert any_match(lxml_html.fromstring('<p class="x news-lead">x</p>'), ".news-lead")
    with pytest.raises(ValueError, match="simple selectors"):
        any_match(lxml_html.fromstring("<p>x</p>"), ".news .lead, .sapo")


HIDDEN_XPATH = (
    "//*[@hidden or contains(translate(@style, ' ', ''), 'display:none')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' hidden ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' d-none ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' hide ')]"
)


def test_what_a_page_hides_is_what_the_xpath_of_it_finds() -> None:
    """`generic._hidden` tests the candidates in Python: on every fixture page it finds the
    elements the plain XPath does (and what they hold)."""
    found = 0
    for page in sorted(ROOT.glob("tests/*sites/*/files/*.htm*")):
        root = lxml_html.document_fromstring(page.read_bytes())
        want = {el for top in root.xpath(HIDDEN_XPATH) for el in top.iter()}
        assert generic._hidden(root) == want, page
        found += bool(want)
    assert found > 20


NEWS_PAGE = """<html><head><meta charset="utf-8"><title>{title} - Báo Mẫu</title></head><body>
<header class="header"><div class="today">Thứ Hai, 08/12/2025</div></header>
<div class="sidebar-1">
<h1 class="title-detail">{title}</h1>
<span class="date">Thứ năm, 13/3/2025, 10:15 (GMT+7)</span>
<p class="description">Nhóm nghiên cứu công bố vật liệu mới có khả năng hấp thụ khí CO2.</p>
<article class="fck_detail">
<p>Vật liệu được chế tạo từ vỏ trấu, một phụ phẩm nông nghiệp dồi dào ở đồng bằng sông Cửu Long,
qua quá trình nhiệt phân ở nhiệt độ cao và hoạt hóa bằng hơi nước trong nhiều giờ liền.</p>
<figure><img src="/a.jpg" alt=""><figcaption><p>Mẫu vật liệu trong phòng thí nghiệm. Ảnh: Minh
Thu</p></figcaption></figure>
<p>Chia sẻ kinh nghiệm quốc tế, các nhà khoa học cho biết nhiều nước đã ứng dụng vật liệu tương tự
trong xử lý khí thải của nhà máy nhiệt điện và lò hơi công nghiệp từ nhiều năm nay.</p>
<p>[vc_row][vc_column][vc_column_text]Kết quả thử nghiệm cho thấy mỗi kilogam vật liệu hấp thụ được
khoảng 120 gam CO2 trong điều kiện nhiệt độ phòng, cao hơn than hoạt tính thông thường.</p>
<p style="text-align: center;"><em>Thiết bị đo khí thải tại nhà máy. Ảnh: Hải Yến</em></p>
<div type="RelatedOneNews" class="VCSortableInPreviewMode"><a href="/bai-khac-123.html">Một bài
báo khác của tòa soạn về công nghệ</a><p>Tóm tắt ngắn của bài báo khác, vài dòng mà thôi.</p></div>
<p>Nhóm dự kiến chuyển giao công nghệ cho doanh nghiệp trong năm tới, sau khi hoàn thiện quy trình
sản xuất ở quy mô lớn hơn và đánh giá đầy đủ chi phí vận hành.</p>
<div class="wp-block-file"><a href="/files/quy-trinh_signed.pdf">quy-trinh_signed</a><a
href="/files/quy-trinh_signed.pdf" class="wp-block-file__button" download>Tải xuống</a></div>
<p style="text-align: right;"><strong>Thu Trang – Báo Mẫu</strong></p>
</article></div>
<div class="sidebar-2"><h3>Tin mới</h3><p><a href="/x.html">Tin khác</a></p></div>
</body></html>"""
NEWS_TITLE = "Vật liệu từ vỏ trấu giúp hấp thụ CO2 trong khí thải nhà máy"


def test_a_news_page_read_through_its_traps() -> None:
    """A main column named "sidebar-1" is still the main column; a paragraph that begins
    with "Chia sẻ" is prose, not a share bar; captions in a <figcaption>'s own <p>, or styled
    and crediting a photo that only a page builder's shortcode shows, are no body; unrendered
    shortcodes are markup; an embedded box that names itself related in its `type` is a
    teaser; a file widget's links are attachments; "Name – Paper" credits the paper."""
    out = extract_article(NEWS_PAGE.format(title=NEWS_TITLE), "https://bao.example.vn/a-1.html")
    assert out.title == NEWS_TITLE
    assert out.published_at == "2025-03-13T10:15:00+07:00"
    assert out.authors == ["Thu Trang"] and out.source == "Báo Mẫu"
    assert out.body is not None
    paragraphs = out.body.split("\n\n")
    assert [p[:20] for p in paragraphs] == [
        "Vật liệu được chế tạ",
        "Chia sẻ kinh nghiệm ",
        "Kết quả thử nghiệm c",
        "Nhóm dự kiến chuyển ",
    ]
    assert [a["url"] for a in out.attachments] == [
        "https://bao.example.vn/files/quy-trinh_signed.pdf"
    ]


def test_joomla_written_by_line_names_a_person_or_an_account() -> None:
    """ "Được viết bởi X" names the account unless an editor typed a name in its place."""
    assert credit_line("Được viết bởi Ngọc Anh") == (["Ngọc Anh"], None)
    assert credit_line("Được viết bởi Nguyễn Thị Lan - Phòng QLCN") == (["Nguyễn Thị Lan"], None)
    for account in ("Được viết bởi Administrator", "Viết bởi Quản trị viên", "Viết bởi ttthkhcn"):
        assert credit_line(account) is None, account


def test_a_joomla_1_0_placeholder_is_no_text() -> None:
    blocks = element_blocks(
        lxml_html.fromstring("<div><p>{mosimage}Ngày 03/11/2009, tại xã Giao Châu.</p></div>")
    )
    assert [b.text for b in blocks] == ["Ngày 03/11/2009, tại xã Giao Châu."]


WIRE_PAGE = """<html><head><title>{title} | Báo Mẫu</title></head><body>
<div class="main"><h1 class="article__title">{title}</h1>
<div class="detail-author"><a class="name" href="/tac-gia/dong-ha-2571.htm">ĐÔNG HÀ -</a></div>
<div class="article__meta">Thứ Hai, 12/6/2023 09:30 (GMT+7)</div>
<div class="article__body">
<p>Cổ phiếu của hãng chip tăng mạnh trong phiên giao dịch cuối tuần, đưa giá trị vốn hóa của
công ty vượt mốc một nghìn tỉ USD lần đầu tiên trong lịch sử hoạt động của hãng.</p>
<div class="box_embed_video"><img src="/poster.jpg" alt=""></div>
<p class="Image">Robot phân loại rác thải hoạt động trên băng chuyền. Video: <em>Quỳnh Trần</em></p>
<p>Giới phân tích cho rằng nhu cầu về chip trí tuệ nhân tạo sẽ còn tăng trong nhiều năm tới, khi
các tập đoàn công nghệ lớn đua nhau xây dựng trung tâm dữ liệu mới ở nhiều châu lục.</p>
<p>Theo ScienceAlert</p>
</div></div></body></html>"""


def test_a_wire_story_credits_its_writer_page_and_its_source() -> None:
    """A link to the writer's own page under the headline is the byline (other links there
    are other articles'), a separator trailing the name is no part of it; a video's caption
    that credits it is no body; a short capitalised "Theo X" line credits X."""
    title = "Cổ phiếu hãng chip lập kỷ lục mới sau báo cáo kinh doanh quý"
    out = extract_article(WIRE_PAGE.format(title=title), "https://bao.example.vn/a-2.html")
    assert out.authors == ["ĐÔNG HÀ"]
    assert out.source == "ScienceAlert"
    assert out.body is not None and "Video:" not in out.body
    assert len(out.body.split("\n\n")) == 2


CREDIT_BOX_PAGE = """<html><head><title>{title}</title></head><body>
<div class="detail"><h1 class="detail-title">{title}</h1>
<div class="byline-box multi">
  <div class="info"><a class="name" href="/tac-gia/minh-khoa-88.htm">MINH KHOA</a>
  <span class="more">và 2 tác giả khác</span></div>
  <ul class="carousel">
    <li><a href="/tac-gia/minh-khoa-88.htm"><img src="/a/88.jpg" alt=""></a>
      <a href="/tac-gia/minh-khoa-88.htm">MINH KHOA</a></li>
    <li><a href="/tac-gia/thu-ha-91.htm">THU HÀ</a></li>
    <li><a href="/tac-gia/quoc-viet-95.htm">QUỐC VIỆT</a></li>
  </ul></div>
<div class="date">10/03/2025 08:15 GMT+7</div>
<div class="detail-content">
<p>Các nhà khoa học trong nước vừa thử nghiệm thành công hệ thống cảm biến đo độ mặn gắn trên
phao nổi, truyền số liệu về trung tâm điều hành mỗi mười lăm phút một lần.</p>
<p>Hệ thống giúp người dân chủ động lấy nước ngọt vào ruộng, giảm thiệt hại trong mùa khô, và
sẽ được nhân rộng ra các tỉnh ven biển trong năm tới nếu kết quả đánh giá đạt yêu cầu.</p>
</div>
<div class="credit-box"><a class="credit-name" href="javascript:;"><span>Theo Khoa học Phổ
thông</span> <span class="copy">Sao chép liên kết</span></a>
<div class="full">Link bài gốc: https://khoahocphothong.example.vn/bai-goc-123.htm</div></div>
<div class="related"><h3>Tin cùng chuyên mục</h3><ul><li><a href="/a-9.htm">Một tin khác
của chuyên mục khoa học công nghệ</a> 09/03/2025</li></ul></div>
</div></body></html>"""


def test_an_author_box_names_every_writer_and_a_credit_box_its_source() -> None:
    """A box of writers' own pages credits each of them, not only the one it shows first;
    a box after the body whose first piece of text is "Theo X" (its buttons and the original's
    address after it) credits X."""
    title = "Thử nghiệm cảm biến đo độ mặn trên phao nổi ở đồng bằng"
    out = extract_article(CREDIT_BOX_PAGE.format(title=title), "https://bao.example.vn/b-3.htm")
    assert out.authors == ["MINH KHOA", "THU HÀ", "QUỐC VIỆT"]
    assert out.source == "Khoa học Phổ thông"
    assert out.body is not None and len(out.body.split("\n\n")) == 2


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("Theo Tổ Quốc", "Tổ Quốc"),
        ("Theo Nhịp sống thị trường", "Nhịp sống thị trường"),
        ("Theo báo cáo, năm nay doanh thu tăng", None),
        ("Theo ông Hưng, việc này cần làm ngay", None),
        ("Theo Quyết định 123", None),
    ],
)
def test_a_theo_line_credits_a_name_not_a_sentence(line: str, source: str | None) -> None:
    assert source_from_label(line) == source


def test_a_writer_credited_through_theo_names_the_source() -> None:
    assert source_beside_writer("An Khang (Theo Live Science)") == "Live Science"
    assert source_beside_writer("HOÀNG HÀ (Theo Reuters)") == "Reuters"
    assert source_beside_writer("Thu Hà (Trung tâm Thông tin KH&CN)") is None


def test_a_hidden_schema_author_is_no_byline() -> None:
    """NukeViet keeps the posting account's display name in a hidden schema.org span under
    the headline; a reader sees no byline there, so there is none."""
    page = (
        "<html><body><div itemscope><h1 itemprop='headline'>{title}</h1>"
        "<div class='hidden hide d-none' itemprop='author'><span itemprop='name'>Nguyễn Văn"
        " Tuấn</span></div><div class='date'>Thứ sáu - 27/06/2025 16:45</div>"
        "<div id='news-bodyhtml'><p>Sở Khoa học và Công nghệ thông báo tuyển chọn tổ chức, cá"
        " nhân chủ trì thực hiện nhiệm vụ khoa học và công nghệ cấp tỉnh năm 2026 theo danh"
        " mục đã được phê duyệt.</p><p>Hồ sơ gửi về Phòng Quản lý khoa học trước ngày"
        " 30/7/2025, qua đường bưu điện hoặc nộp trực tiếp tại trụ sở Sở.</p></div>"
        "</div></body></html>"
    )
    title = "Thông báo tuyển chọn nhiệm vụ khoa học và công nghệ cấp tỉnh năm 2026"
    out = extract_article(page.format(title=title), "https://skhcn.example.gov.vn/a-2688.html")
    assert out.published_at == "2025-06-27T16:45:00+07:00"
    assert out.authors == []
    shown = page.replace("class='hidden hide d-none' ", "")
    assert extract_article(shown.format(title=title), "https://skhcn.example.gov.vn/a").authors
