"""Generic heuristics on the page shapes that trip them: a bold event date opening the body,
and the site's own name in a logo heading."""

from __future__ import annotations

from lxml import html as lxml_html

from dostcrawler.extract.generic import date_near_title, find_title

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
