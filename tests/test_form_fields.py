"""Label/value forms (SharePoint list items, custom portals' detail views, <dl> lists): each
field is read from the row its label names, not from whatever heading or date is nearest, and
a lone labelled row in a sidebar is not a form."""

from __future__ import annotations

from pathlib import Path

from lxml import html as lxml_html

from dostcrawler.extract.article import ListingHint, extract_article
from dostcrawler.extract.dates import parse_date
from dostcrawler.extract.form import read_form
from dostcrawler.profiles.loader import load_profile_file

URL = "https://skhcn.example.gov.vn/Lists/TinTuc/DispForm.aspx?ID=42"
SIDEBAR = """<div class="sidebar"><h2 class="ms-webpart-titleText">Tin nổi bật</h2>
<ul><li><a href="/Lists/TinTuc/DispForm.aspx?ID=41">Hội nghị sơ kết công tác khoa học và công
nghệ 6 tháng đầu năm 2025</a> (11/07/2025)</li>
<li><a href="/Lists/TinTuc/DispForm.aspx?ID=40">Tập huấn nghiệp vụ sở hữu trí tuệ cho doanh
nghiệp</a> (03/07/2025)</li></ul>
<table><tr><td>Ngày đăng</td><td>01/07/2025</td></tr></table></div>"""
ROW = '<tr><td class="ms-formlabel"><h3>{label}</h3></td><td class="ms-formbody">{value}</td></tr>'
BODY = (
    "<div class='ExternalClass1'><div>Sáng 22/5, Sở Khoa học và Công nghệ tổ chức hội thảo "
    "giới thiệu các giải pháp chuyển đổi số trong sản xuất nông nghiệp cho hơn 120 hợp tác xã "
    "và doanh nghiệp trên địa bàn tỉnh.</div><div><br/></div><div>Các đại biểu đã trao đổi về "
    "kinh nghiệm ứng dụng cảm biến và phần mềm quản lý vùng trồng.</div></div>"
)


def _page(rows: list[tuple[str, str]], *, sidebar: str = SIDEBAR) -> str:
    form = "".join(ROW.format(label=label, value=value) for label, value in rows)
    return (
        "<html><head><title>Tin tức - Hội thảo chuyển đổi số trong nông nghiệp</title></head>"
        "<body><div id='banner'>Thứ hai, ngày 14 tháng 7 năm 2025</div>"
        f"{sidebar}<div id='main'><table class='ms-formtable'>{form}</table></div></body></html>"
    )


FULL_FORM = [
    ("Tiêu đề", "Hội thảo chuyển đổi số trong sản xuất nông nghiệp"),
    ("Chuyên mục", "<a href='/Lists/ChuyenMuc/DispForm.aspx?ID=3'>Hoạt động KH&amp;CN</a>"),
    ("Ngày đăng", "22/05/2025 8:15 SA"),
    ("Tóm tắt", "&#160;"),
    ("Nội dung", BODY),
    ("Tác giả", "Huỳnh Thị Thu Trang"),
    ("Nguồn tin", "&#160;"),
    ("Lượt xem", "1320"),
]


def test_every_field_comes_from_the_row_its_label_names() -> None:
    got = extract_article(_page(FULL_FORM), URL)
    assert got.title == "Hội thảo chuyển đổi số trong sản xuất nông nghiệp"
    assert got.published_at == "2025-05-22T08:15:00+07:00"
    assert got.authors == ["Huỳnh Thị Thu Trang"]
    assert got.source is None and got.lead is None  # empty rows stay empty
    assert got.category == "Hoạt động KH&CN"
    assert got.body is not None and got.body.startswith("Sáng 22/5, Sở Khoa học")
    assert got.body.endswith("phần mềm quản lý vùng trồng.")
    assert "1320" not in got.body and "Tin nổi bật" not in got.body
    assert {got.fields[f] for f in ("title", "published_at", "authors", "body")} == {"form"}


def test_a_source_row_credits_an_organisation_not_a_writer() -> None:
    rows = [
        r if r[0] != "Nguồn tin" else ("Nguồn tin", "Trung tâm Ứng dụng KH&amp;CN")
        for r in FULL_FORM
    ]
    rows = [r if r[0] != "Tác giả" else ("Tác giả", "&#160;") for r in rows]
    got = extract_article(_page(rows), URL)
    assert got.source == "Trung tâm Ứng dụng KH&CN" and got.authors == []


def test_a_definition_list_is_a_form_too() -> None:
    page = (
        "<html><body><dl class='chitiet'><dt>Tiêu đề:</dt><dd>Hội thảo chuyển đổi số trong sản "
        "xuất nông nghiệp</dd><dt>Ngày đăng:</dt><dd>22/05/2025</dd><dt>Nội dung:</dt>"
        f"<dd>{BODY}</dd></dl></body></html>"
    )
    got = extract_article(page, URL)
    assert got.title == "Hội thảo chuyển đổi số trong sản xuất nông nghiệp"
    assert got.published_at == "2025-05-22"


def test_a_lone_labelled_row_is_not_a_form() -> None:
    root = lxml_html.fromstring(SIDEBAR)
    assert read_form(root) is None
    # Two labels of the same field are one field: still no form.
    twice = SIDEBAR.replace("</table>", "<tr><td>Ngày đăng</td><td>02/07/2025</td></tr></table>")
    assert read_form(lxml_html.fromstring(twice)) is None


MYSITE = """name = "mysite"
province = "Đồng Tháp"
publisher = "Sở Khoa học và Công nghệ"
platform = "generic"
domains = ["skhcn.example.gov.vn"]
start_urls = ["https://skhcn.example.gov.vn/"]

[article]
title = ["title::text"]
"""


def test_a_profile_selector_wins_over_the_form(tmp_path: Path) -> None:
    toml = tmp_path / "mysite.toml"
    toml.write_text(MYSITE, "utf-8")
    own = load_profile_file(toml)
    got = extract_article(_page(FULL_FORM), URL, profile=own)
    assert got.title == "Tin tức - Hội thảo chuyển đổi số trong nông nghiệp"
    assert got.fields["title"] == "profile"


def test_a_learned_selector_gives_way_to_the_form_until_verified(tmp_path: Path) -> None:
    """`learn` lists the keys it guessed: until a person sets verified = true, the form's
    labelled title row overrules a learned selector, as in the crawl that learned it."""
    toml = tmp_path / "mysite.toml"
    toml.write_text(MYSITE.replace("[article]", 'learned = ["title"]\n\n[article]'), "utf-8")
    got = extract_article(_page(FULL_FORM), URL, profile=load_profile_file(toml))
    assert got.title == "Hội thảo chuyển đổi số trong sản xuất nông nghiệp"
    assert got.fields["title"] == "form"
    toml.write_text(toml.read_text("utf-8").replace("learned =", "verified = true\nlearned ="))
    got = extract_article(_page(FULL_FORM), URL, profile=load_profile_file(toml))
    assert got.title == "Tin tức - Hội thảo chuyển đổi số trong nông nghiệp"
    assert got.fields["title"] == "profile"


def test_the_crawl_day_is_a_date_only_when_page_and_listing_both_say_so() -> None:
    """The "today" banner dates nothing; an article published that day, whose listing entry
    also shows that day, keeps its date (a daily run finds exactly such articles)."""
    rows = [r if r[0] != "Ngày đăng" else ("Ngày đăng", "14/07/2025 9:30 SA") for r in FULL_FORM]
    today = frozenset({"2025-07-14"})
    alone = extract_article(_page(rows), URL, reject_days=today)
    assert alone.published_at is None
    listed = ListingHint(date=parse_date("(14/07/2025)"))
    both = extract_article(_page(rows), URL, reject_days=today, hint=listed)
    assert both.published_at == "2025-07-14T09:30:00+07:00"
    # The listing alone (the page shows another day) does not bring the rejected day back.
    other = [r if r[0] != "Ngày đăng" else ("Ngày đăng", "") for r in FULL_FORM]
    only_listed = extract_article(_page(other), URL, reject_days=today, hint=listed)
    assert only_listed.published_at is None
