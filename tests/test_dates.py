"""Date lines as the DOST sites print them (research/dost-platforms.md §4.1)."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

import pytest

from dostcrawler.extract.article import extract_article
from dostcrawler.extract.dates import (
    VN_TZ,
    ParsedDate,
    find_dates,
    in_vietnam_time,
    order_shown,
    parse_date,
)
from dostcrawler.profiles import generic_profile, with_preset

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=VN_TZ)
MDY = {"month_first": True}

CASES: list[tuple[str, dict[str, Any], str | None]] = [
    # Numeric, day first.
    ("19/01/2022", {}, "2022-01-19"),
    ("5/1/2022", {}, "2022-01-05"),
    ("19-01-2022", {}, "2022-01-19"),
    ("02 - 03 - 2022", {}, "2022-03-02"),
    ("Đăng ngày 02 - 03 - 2022", {}, "2022-03-02"),
    ("9-9-2020", {}, "2020-09-09"),
    ("18-5-2020", {}, "2020-05-18"),
    ("(23-05-2020)", {}, "2020-05-23"),
    ("16/07/2020", {}, "2020-07-16"),
    ("Ngày đăng: 05-05-2021", {}, "2021-05-05"),
    ("Ngày 22-01-2024 Lượt xem 53", {}, "2024-01-22"),
    ("Trang chủ >> Tin KH&CN trong tỉnh   (23-05-2020)", {}, "2020-05-23"),
    # With a weekday and/or a time.
    ("Thứ Tư, 19/01/2022 08:30", {}, "2022-01-19T08:30:00+07:00"),
    ("Thứ năm - 04/07/2024 04:09", {}, "2024-07-04T04:09:00+07:00"),
    ("Thứ năm - 04/07/2024  04:09", {}, "2024-07-04T04:09:00+07:00"),
    ("Thứ ba, 23/07/2019, 16:51 GMT+7", {}, "2019-07-23T16:51:00+07:00"),
    ("Thứ ba, 23/07/2019, 16:51 (GMT+7)", {}, "2019-07-23T16:51:00+07:00"),
    ("10:17 09/12/2015", {}, "2015-12-09T10:17:00+07:00"),
    ("Cập nhật: Thứ Ba, ngày 14/01/2020", {}, "2020-01-14"),
    ("(01/08/2022 10:03 SA)", {}, "2022-08-01T10:03:00+07:00"),
    ("(01/08/2022 02:15 CH)", {}, "2022-08-01T14:15:00+07:00"),
    ("02:15 CH 19/01/2022", {}, "2022-01-19T14:15:00+07:00"),
    ("Thứ tư, 04/05/2022 - 15:10", {}, "2022-05-04T15:10:00+07:00"),
    ("T4, 13/12/2017 - 06:57", {}, "2017-12-13T06:57:00+07:00"),
    ("Đăng bài thanhsang T4, 13/12/2017 - 06:57", {}, "2017-12-13T06:57:00+07:00"),
    ("20/12/2019 11:05", {}, "2019-12-20T11:05:00+07:00"),
    ("Thứ 6, Ngày 05/11/2021, 15:00", {}, "2021-11-05T15:00:00+07:00"),
    ("Chủ Nhật ngày 05/12/2021", {}, "2021-12-05"),
    ("Thời gian: 08h30 19/01/2022", {}, "2022-01-19T08:30:00+07:00"),
    # Written-out month.
    ("ngày 06 tháng 12 năm 2019", {}, "2019-12-06"),
    ("Hải Phòng, ngày 06 tháng 12 năm 2019", {}, "2019-12-06"),
    ("6 tháng 12, 2019", {}, "2019-12-06"),
    ("ngày 6 tháng Sáu năm 2019", {}, "2019-06-06"),
    ("6 tháng mười hai năm 2019 lúc 10:30", {}, "2019-12-06T10:30:00+07:00"),
    # Orders only dateparser reads (short "tháng" lines).
    ("tháng 12 ngày 6, 2019", {}, "2019-12-06"),
    ("năm 2019 tháng 12 ngày 6", {}, "2019-12-06"),
    # Machine-readable.
    ("2025-06-30T19:02:21", {}, "2025-06-30T19:02:21+07:00"),
    ("2024-07-04T04:09:00+07:00", {}, "2024-07-04T04:09:00+07:00"),
    # A zone written with the time is kept: the page's own day and time, with its offset.
    ("2019-12-20T04:05:00Z", {}, "2019-12-20T04:05:00+00:00"),
    ("2019-12-20T20:05:00.123Z", {}, "2019-12-20T20:05:00+00:00"),
    ("2019-12-20T20:05:00-05:00", {}, "2019-12-20T20:05:00-05:00"),
    ("2019-12-20", {}, "2019-12-20"),
    ("Thu, 4 Jul 2024 04:09:00 +0700", {}, "2024-07-04T04:09:00+07:00"),
    ("Thu, 4 Jul 2024 21:09:00 GMT", {}, "2024-07-04T21:09:00+00:00"),
    # DotNetNuke: month first, "12:00:00 AM" means no time was shown.
    ("10/16/2017 12:00:00 AM", MDY, "2017-10-16"),
    ("Ngày: 10/16/2017 12:00:00 AM", MDY, "2017-10-16"),
    ("10/16/2017 03:05:00 PM", MDY, "2017-10-16T15:05:00+07:00"),
    ("10/16/2017 12:30:00 AM", MDY, "2017-10-16T00:30:00+07:00"),
    # Exact midnight, however written, is a date stored without a time.
    ("16/05/2019 | 00:00", {}, "2019-05-16"),
    ("2025-11-13T00:00:00+07:00", {}, "2025-11-13"),
    # .NET's default en-US form (English meridiem, seconds, no zero padding) is month first on
    # any site; SA/CH, a padded format of the site's own, or no seconds leave the site's order.
    ("3/8/2019 12:00:00 AM", {}, "2019-03-08"),
    ("Ngày: 3/8/2019 2:15:00 PM", {}, "2019-03-08T14:15:00+07:00"),
    ("11/10/2017 2:15:00 PM", {}, "2017-10-11T14:15:00+07:00"),
    ("12/03/2019 9:15:22 AM", {}, "2019-03-12T09:15:22+07:00"),
    ("03/08/2019 09:05:00 AM", {}, "2019-08-03T09:05:00+07:00"),
    ("12/04/2021 2:15:00 CH", {}, "2021-04-12T14:15:00+07:00"),
    ("01/08/2022 10:03 AM", {}, "2022-08-01T10:03:00+07:00"),
    ("10/16/2017 12:00:00 AM", {}, "2017-10-16"),  # only month first exists
    # Where only the other order exists, it is the date.
    ("23/08/2019", MDY, "2019-08-23"),
    ("8/23/2019", {}, "2019-08-23"),
    # A clock before the weekday ("Cập nhật lúc 10:25, Thứ Tư, 12/05/2021").
    ("Cập nhật lúc 10:25, Thứ Tư, 12/05/2021", {}, "2021-05-12T10:25:00+07:00"),
    # A weekday picks the order when only the other order agrees with it.
    ("Thứ hai, 03/05/2021", {}, "2021-05-03"),  # Monday 3 May 2021
    ("Thứ sáu, 03/05/2021", {}, "2021-03-05"),  # Friday 5 March 2021
    ("Thứ hai, 05/03/2021", MDY, "2021-05-03"),  # month first already gives Monday 3 May
    ("Thứ hai, 03/05/2021", MDY, "2021-05-03"),  # month first gives Friday 5 March: swapped
    # English weekday abbreviations (Drupal's stock "D, m/d/Y - H:i") settle the order too.
    ("Wed, 12/13/2017 - 06:57", {}, "2017-12-13T06:57:00+07:00"),
    ("Sun, 03/05/2023", {}, "2023-03-05"),  # 5 March 2023 was a Sunday
    ("Fri, 03/05/2021", {}, "2021-03-05"),
    ("CN, 02/05/2021", MDY, "2021-05-02"),  # Sunday 2 May 2021
    ("Thứ bảy, 03/05/2021", {}, "2021-05-03"),  # fits neither order: the weekday is ignored
    ("Sở KH&CN, 05/02/2021", {}, "2021-02-05"),  # "CN" of "KH&CN" is not Sunday
    # Future dates: the same day is allowed, the next day is not.
    ("26/11/2026 23:00", {}, "2026-11-26T23:00:00+07:00"),
    ("27/11/2026", {}, None),
    ("26/11/2027", {}, None),
    ("2026-11-26T20:00:00Z", {}, None),  # 03:00 on 27 November in Vietnam
    # Not dates, or not possible ones.
    ("-0001-11-30 07:06:30", {}, None),
    ("Khoa học và Công nghệ -0001-11-30 07:06:30", {}, None),
    ("0000-00-00 00:00:00", {}, None),
    ("31/02/2022", {}, None),
    ("15/05/1989", {}, None),
    ("19/01/2022 25:10", {}, None),
    ("Lượt xem: 1485", {}, None),
    ("Số 12/KH-SKHCN", {}, None),
    ("Quyết định số 15/05/2021/QĐ-UBND", {}, None),
    ("2021-2025", {}, None),
    ("05-CT/TW", {}, None),
    ("tháng sáu 6, 2019", {}, None),  # dateparser reads "sáu" as the current year: refused
    ("", {}, None),
]


@pytest.mark.parametrize(("text", "kwargs", "expected"), CASES)
def test_parse_date(text: str, kwargs: dict[str, Any], expected: str | None) -> None:
    parsed = parse_date(text, now=NOW, **kwargs)
    if expected is None:
        assert parsed is None
    else:
        assert parsed is not None
        assert parsed.value == expected
        assert parsed.has_time == ("T" in expected)


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("Ngày đăng: 05-05-2021", "05-05-2021"),
        ("(01/08/2022 10:03 SA)", "01/08/2022 10:03 SA"),
        ("Cập nhật: Thứ Ba, ngày 14/01/2020", "Thứ Ba, ngày 14/01/2020"),
        ("Thứ ba, 23/07/2019, 16:51 GMT+7 ", "Thứ ba, 23/07/2019, 16:51 GMT+7"),
        ("Hải Phòng, ngày 06 tháng 12 năm 2019", "06 tháng 12 năm 2019"),
        ("Ngày: 10/16/2017 12:00:00 AM / Số lượt xem: 922", "10/16/2017 12:00:00 AM"),
    ],
)
def test_raw_is_the_matched_substring(text: str, raw: str) -> None:
    parsed = parse_date(text, month_first="AM" in text, now=NOW)
    assert parsed is not None
    assert parsed.raw == raw


def test_decomposed_text_is_read_as_nfc() -> None:
    # Some sites serve NFD text; the weekday must still be recognised (it swaps the order here).
    parsed = parse_date(unicodedata.normalize("NFD", "Thứ sáu, 03/05/2021"), now=NOW)
    assert parsed == ParsedDate("2021-03-05", "Thứ sáu, 03/05/2021", has_time=False)


def test_find_dates_returns_every_date_in_order() -> None:
    text = (
        "Ngày 08/12/2021, Sở KH&CN tổ chức hội nghị triển khai Kế hoạch số 12/KH-SKHCN "
        "giai đoạn 2021-2025; hồ sơ nhận đến ngày 30/12/2021 (15:00 CH)."
    )
    assert [d.value for d in find_dates(text, now=NOW)] == ["2021-12-08", "2021-12-30"]


def test_find_dates_skips_invalid_and_future_dates() -> None:
    text = "Khoa học và Công nghệ -0001-11-30 07:06:30 · 31/02/2022 · 01/01/2030 · 16/07/2020"
    assert find_dates(text, now=NOW) == [ParsedDate("2020-07-16", "16/07/2020", has_time=False)]


def test_find_dates_mixes_formats() -> None:
    text = "Cập nhật 2019-12-20T04:05:00Z; Hà Nội, ngày 06 tháng 12 năm 2019; 10:17 09/12/2015"
    assert [d.value for d in find_dates(text, now=NOW)] == [
        "2019-12-20T04:05:00+00:00",
        "2019-12-06",
        "2015-12-09T10:17:00+07:00",
    ]


def test_find_dates_of_text_without_dates_is_empty() -> None:
    assert find_dates("Lượt xem: 1485. Số 05-CT/TW.", now=NOW) == []


def test_now_defaults_to_the_current_time() -> None:
    assert parse_date("01/01/2999") is None
    assert parse_date("01/01/2020") == ParsedDate("2020-01-01", "01/01/2020", has_time=False)


def test_naive_now_is_vietnam_time() -> None:
    assert parse_date("27/11/2026", now=datetime(2026, 11, 27, 0, 30)) is not None
    assert parse_date("27/11/2026", now=datetime(2026, 11, 26, 23, 30)) is None


@pytest.mark.parametrize(
    ("html", "month_first"),
    [
        ("<p>Ngày 25/8/2022, Hội đồng họp.</p><span>12/05/2022</span>", False),
        ("<span>8/31/2022 10:15 AM</span><span>12/05/2022</span>", True),
        ("<span>12/05/2022</span><span>03/04/2021</span>", None),  # says nothing
        # A US server's stamp beside an editor's Vietnamese date line: both, so no verdict.
        ("<td>Thứ năm, ngày 26/3/2020</td><td>Cập nhật: 3/26/2020 4:05:12 PM</td>", None),
        ("<p>Số 1234/2022 và 15/2022/NĐ-CP</p>", None),  # document numbers are no dates
    ],
)
def test_the_order_a_page_shows_comes_from_its_unambiguous_dates(
    html: str, month_first: bool | None
) -> None:
    assert order_shown(html) is month_first


def test_a_page_of_a_month_first_preset_written_day_first_is_read_day_first() -> None:
    """A DotNetNuke portal (whose preset reads US month-first dates) run by a Vietnamese editor:
    one page, no crawl, and its own dates say the day comes first."""
    page = """<html><head><title>Tin tức</title></head><body><div id="dnn_ContentPane">
    <h2 class="title">Hội nghị tổng kết công tác khoa học và công nghệ năm 2022</h2>
    <span class="date">09/08/2022</span><div class="content"><p>Ngày 25/7/2022, Sở Khoa học và
    Công nghệ tổ chức hội nghị tổng kết công tác năm với sự tham dự của các đơn vị trực thuộc
    và đại diện doanh nghiệp khoa học và công nghệ trên địa bàn.</p></div></div></body></html>"""
    url = "https://sokhcn.bacgiang.gov.vn/TinTuc/tabid/86/ArticleID/2451/CatID/7/Default.aspx"
    got = extract_article(page, url, profile=with_preset(generic_profile(url), "dotnetnuke"))
    assert got.published_at == "2022-08-09"


def test_local_midnight_written_in_utc_is_a_day_once_in_vietnam_time() -> None:
    """A date stored without a time, written in UTC ("2019-05-15T17:00:00Z"), is that day."""
    utc = parse_date("2019-05-15T17:00:00Z")
    assert utc is not None and utc.value == "2019-05-15T17:00:00+00:00"
    local = in_vietnam_time(utc)
    assert (local.value, local.has_time) == ("2019-05-16", False)
    later = in_vietnam_time(parse_date("2019-05-15T23:15:00Z") or utc)
    assert later.value == "2019-05-16T06:15:00+07:00"
