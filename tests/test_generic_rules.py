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
