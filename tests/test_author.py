"""Bylines and source credits, table-driven."""

from __future__ import annotations

import pytest

from dostcrawler.extract.author import authors_from_text, looks_like_person, read_byline

BODY = "Sáng ngày 18/01/2022, Sở Khoa học và Công nghệ tỉnh Vĩnh Phúc tổ chức Hội nghị tổng kết."


@pytest.mark.parametrize(
    ("last_lines", "authors", "source", "consumed"),
    [
        (["Thu Huyên"], ["Thu Huyên"], None, 1),
        (["Hồng Nhung - Đức Anh"], ["Hồng Nhung", "Đức Anh"], None, 1),
        (["Tin, ảnh: Minh Tuấn"], ["Minh Tuấn"], None, 1),
        (["Bài và ảnh: Lê Huy Nghĩa"], ["Lê Huy Nghĩa"], None, 1),
        (["Tác giả: Nguyễn Văn A, Trần Thị B"], ["Nguyễn Văn A", "Trần Thị B"], None, 1),
        (
            ["Nguồn: Trung tâm Thông tin và Thống kê KH&CN"],
            [],
            "Trung tâm Thông tin và Thống kê KH&CN",
            1,
        ),
        (["Nguồn tin: Văn phòng Sở - KH&CN"], [], "Văn phòng Sở - KH&CN", 1),
        (["Thanh Hà", "Nguồn: Báo Vĩnh Phúc"], ["Thanh Hà"], "Báo Vĩnh Phúc", 2),
        (["(Sở KH&CN An Giang)"], [], "Sở KH&CN An Giang", 1),
        (["Theo Báo Nhân Dân"], [], "Báo Nhân Dân", 1),
        (["Thanh tra Sở"], [], "Thanh tra Sở", 1),
        # A writer, then the unit they work in: the unit is no credited source.
        (["Minh Anh - Phòng QLKH"], ["Minh Anh"], None, 1),
        # A publication's name may hold a comma; a sentence starting "Theo báo cáo," is none.
        (
            ["Theo Báo và Phát thanh, Truyền hình Tuyên Quang"],
            [],
            "Báo và Phát thanh, Truyền hình Tuyên Quang",
            1,
        ),
        (["Theo báo cáo, năm nay tỉnh có 5 đề tài được nghiệm thu"], [], None, 0),
        # Not bylines: ordinary sentences, attachment lines, photo credits, lowercase text.
        (["Theo kế hoạch, hội nghị sẽ diễn ra trong 2 ngày."], [], None, 0),
        (["Tải về: Kế hoạch số 12/KH-SKHCN"], [], None, 0),
        (["Ảnh: Hoàng Anh"], [], None, 0),
        (["Nguồn lực đầu tư cho KH&CN còn hạn chế"], [], None, 0),
        (["Hội nghị kết thúc thành công tốt đẹp."], [], None, 0),
    ],
)
def test_read_byline(
    last_lines: list[str], authors: list[str], source: str | None, consumed: int
) -> None:
    byline = read_byline([BODY, *last_lines])
    assert byline.authors == authors
    assert byline.source == source
    assert len(byline.consumed) == consumed
    assert 0 not in byline.consumed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thu Huyên", True),
        ("Lê Huy Nghĩa", True),
        ("KY", True),
        ("hbnguyet", False),
        ("Sở Khoa học và Công nghệ", False),
        ("Một Hai Ba Bốn Năm Sáu", False),
        ("Năm 2021", False),
        ("Kết thúc.", False),
    ],
)
def test_looks_like_person(text: str, expected: bool) -> None:
    assert looks_like_person(text) is expected


def test_byline_under_the_title_with_affiliation() -> None:
    paragraphs = [
        "Lê Huy Nghĩa",
        "Công ty CP giống cây lương thực và cây thực phẩm",
        BODY,
        BODY,
    ]
    byline = read_byline(paragraphs)
    assert byline.authors == ["Lê Huy Nghĩa"]
    assert byline.consumed == {0, 1}


def test_a_leading_heading_is_not_a_byline() -> None:
    # A short capitalised first line followed by a sentence is a heading, not a byline.
    paragraphs = ["Kết Quả Nổi Bật", "Công ty đã hoàn thành kế hoạch năm.", BODY, BODY]
    assert read_byline(paragraphs).authors == []


def test_a_trailing_cms_login_is_dropped_but_is_no_author() -> None:
    byline = read_byline([BODY, "Hồng Vân", "hbnguyet"])
    assert byline.authors == ["Hồng Vân"]
    assert byline.consumed == {1, 2}
    byline = read_byline([BODY, "ntthuy"])
    assert byline.authors == [] and byline.consumed == {1}


@pytest.mark.parametrize(
    ("last", "authors", "source"),
    [
        # A publication beside the writer is the text's source; a department is their workplace.
        ("Minh Anh (TTXVN)", ["Minh Anh"], "TTXVN"),
        # "Theo" (according to) is no part of the writer's name.
        ("Theo Hữu Hiệp (Báo Đồng Khởi)", ["Hữu Hiệp"], "Báo Đồng Khởi"),
        ("Thu Phương (Báo Hà Giang)", ["Thu Phương"], "Báo Hà Giang"),
        ("Thu Hà (Trung tâm Thông tin KH&CN)", ["Thu Hà"], None),
        ("Tin, ảnh: Minh Tuấn (Chi cục TĐC)", ["Minh Tuấn"], None),
        ("Minh Anh - Phòng QLKH", ["Minh Anh"], None),
        ("(Sở KH&CN An Giang)", [], "Sở KH&CN An Giang"),
        ("Phòng Quản lý khoa học", [], "Phòng Quản lý khoa học"),
    ],
)
def test_writer_with_unit_in_brackets(last: str, authors: list[str], source: str | None) -> None:
    byline = read_byline([BODY, last])
    assert (byline.authors, byline.source) == (authors, source)


@pytest.mark.parametrize(
    ("lines", "authors", "source"),
    [
        ([BODY, "Theo Bộ KH&CN"], [], "Bộ KH&CN"),
        ([BODY, "HẢI MINH", "Theo baohaiduong.vn"], ["HẢI MINH"], "baohaiduong.vn"),
        ([BODY, "Theo Sở Y tế tỉnh Bình Phước"], [], "Sở Y tế tỉnh Bình Phước"),
        # A sentence that starts so credits nobody.
        ([BODY, "Theo kế hoạch, hội nghị sẽ diễn ra vào tháng 12"], [], None),
    ],
)
def test_theo_credits_a_publication_an_organisation_or_a_web_address(
    lines: list[str], authors: list[str], source: str | None
) -> None:
    byline = read_byline(lines)
    assert (byline.authors, byline.source) == (authors, source)


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        (
            "Tác giả: Nguyễn Hoàng Phúc - Trung tâm Ứng dụng tiến bộ khoa học và công nghệ",
            ["Nguyễn Hoàng Phúc"],
        ),
        (
            "Người viết: Chi cục Tiêu chuẩn Đo lường Chất lượng",
            ["Chi cục Tiêu chuẩn Đo lường Chất lượng"],
        ),
        ("Tác giả: Hoàng Lan - Đức Thịnh", ["Hoàng Lan", "Đức Thịnh"]),
        # The template's label, then the writer's own.
        ("Tác giả: Tin, ảnh: Bùi Minh", ["Bùi Minh"]),
        ("Tác giả: ", []),
    ],
)
def test_an_author_element_reads_the_writer_under_its_label(text: str, authors: list[str]) -> None:
    assert authors_from_text(text) == authors
    assert read_byline(["Đoạn văn của bài.", text]).authors == authors
