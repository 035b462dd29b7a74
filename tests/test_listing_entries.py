"""What an HTML listing page says about each entry: every URL form a preset knows, and what
either of an article's two links (thumbnail, headline) says about it."""

from __future__ import annotations

from parsel import Selector

from dostcrawler.platforms import PLATFORMS
from dostcrawler.profiles.loader import generic_profile
from dostcrawler.spiders.listings import html_entries

ORIGIN = "https://skhcn.example.gov.vn"
LISTING = f"""<html><body>
<div class="dfwp-list">
 <div class="item"><div class="image-area"><a href="/Pages/2025-7-14/Hop-Hoi-dong-tu-van.aspx">
   <img src="/PublishingImages/2025/07/hop.jpg" alt=""/></a></div>
  <div class="link-item"><a href="/Pages/2025-7-14/Hop-Hoi-dong-tu-van.aspx">Họp Hội đồng tư vấn
   xác định nhiệm vụ khoa học và công nghệ cấp tỉnh</a> <span class="dt-ngay">(14/07/2025)</span>
  </div></div>
 <div class="item"><div class="link-item"><a href="{ORIGIN}/Lists/TinTuc/DispForm.aspx?ID=118">
   Đồng Tháp hưởng ứng Ngày Khoa học và Công nghệ Việt Nam 18/5</a>
   <span class="dt-ngay">(22/05/2025)</span></div></div>
</div></body></html>"""


def _entries(platform: str, *, discover: bool) -> list[tuple[str, str | None, str | None]]:
    profile = generic_profile(ORIGIN + "/Pages/tin-tuc.aspx", platform)
    found = html_entries(
        Selector(text=LISTING),
        ORIGIN + "/Pages/tin-tuc.aspx",
        profile.listing,
        PLATFORMS[platform],
        month_first=False,
        discover=discover,
    )
    return [
        (e.url.removeprefix(ORIGIN), e.hint.date.value if e.hint.date else None, e.hint.title)
        for e in found
    ]


def test_every_url_form_of_a_preset_in_page_order_with_both_links_merged() -> None:
    assert _entries("sharepoint", discover=True) == [
        (
            "/Pages/2025-7-14/Hop-Hoi-dong-tu-van.aspx",
            "2025-07-14",
            "Họp Hội đồng tư vấn xác định nhiệm vụ khoa học và công nghệ cấp tỉnh",
        ),
        (
            "/Lists/TinTuc/DispForm.aspx?ID=118",
            "2025-05-22",
            "Đồng Tháp hưởng ứng Ngày Khoa học và Công nghệ Việt Nam 18/5",
        ),
    ]


def test_a_profile_s_selectors_stay_alternatives() -> None:
    """With a profile's own selectors (discover off), the first alternative that matches wins:
    the profile author ordered them."""
    assert [url for url, _, _ in _entries("sharepoint", discover=False)] == [
        "/Lists/TinTuc/DispForm.aspx?ID=118"
    ]
