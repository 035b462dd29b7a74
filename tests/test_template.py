"""Site template learning (extract/template.py) on the pages of blind fixture sites: what is the
same on every page is template, what differs is content."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from dostcrawler.extract.confidence import assess
from dostcrawler.extract.template import SamplePage, Template, learn_template
from dostcrawler.parse import decode_page
from dostcrawler.profiles import generic_profile
from dostcrawler.records import article_from_page
from dostcrawler.spiders.learning import HeldPage, TemplateLearner, apply_template
from tests.accuracy import BODY_F1, token_f1
from tests.sitefixtures import BLIND_SITES_DIR, FixtureSite, fixture_sites

BLIND = {site.name: site for site in fixture_sites(BLIND_SITES_DIR)}


def _samples(site: FixtureSite, count: int | None = None) -> list[SamplePage]:
    """The site's article pages as a crawl meets them, with no listing witnesses."""
    return [
        SamplePage(site.origin + a["path"], decode_page(site.page_bytes(a["path"]), a["path"]))
        for a in site.articles[:count]
    ]


def _learned(site: FixtureSite, count: int = 5) -> Template:
    template = learn_template(_samples(site, count))
    assert template is not None
    return template


def _extract_all(site: FixtureSite, template: Template) -> list[dict[str, object]]:
    profile = apply_template(generic_profile(site.origin + site.expected["start_path"]), template)
    records = []
    for page in _samples(site):
        article = article_from_page(
            page.html, page.url, profile=profile, template_days=template.constant_days
        )
        records.append({"title": article.title, "published_at": article.published_at})
    return records


def test_fewer_than_three_pages_learn_nothing() -> None:
    assert learn_template(_samples(BLIND["yenbai"], 2)) is None


def test_a_title_shown_only_in_the_title_tag_is_read_from_it() -> None:
    """Oracle WebCenter: the visible headings are "Chi tiết tin" and the category on every
    page; the headline is only in <title>, before the site's name."""
    site = BLIND["quangngai"]
    template = _learned(site)
    assert template.title_affix == " - Sở Khoa học và Công nghệ Quảng Ngãi"
    assert "//title" in template.fields["title"].selector
    titles = [r["title"] for r in _extract_all(site, template)]
    assert titles == [a["title"] for a in site.articles]


@pytest.mark.parametrize("name", ["yenbai", "angiang", "sonla", "quangngai"])
def test_a_date_printed_on_every_page_is_never_a_publication_date(name: str) -> None:
    """The header's "today" (and a footer's licence or update date) is the same on every page:
    it is template, and no article gets it, even pages the template was not learned from."""
    site = BLIND[name]
    template = _learned(site)
    assert template.constant_days
    dates = [r["published_at"] for r in _extract_all(site, template)]
    assert not {str(d)[:10] for d in dates} & template.constant_days
    assert dates == [a["published_at"] for a in site.articles]


def test_today_banner_next_to_the_title_is_template() -> None:
    site = BLIND["yenbai"]
    template = _learned(site)
    assert "2025-12-03" in template.constant_days  # "Thứ Tư, 03/12/2025 | 08:15" on every page


def test_date_only_in_the_breadcrumb_is_learned() -> None:
    """A custom ASP.NET portal prints the article's date only in its breadcrumb line."""
    template = _learned(BLIND["angiang"])
    assert "lblNgayDang" in template.fields["date"].selector


def test_learned_selectors_fit_every_page_of_the_site() -> None:
    site = BLIND["angiang"]
    template = _learned(site)
    assert all(template.fits(page.html) for page in _samples(site))
    assert not template.fits("<html><head><title>x</title></head><body><p>x</p></body></html>")


def test_site_date_order_comes_from_its_own_date_lines() -> None:
    """A DotNetNuke site (whose preset reads month first) that writes day first."""
    assert _learned(BLIND["bacgiang"]).date_order == "dmy"


def test_listing_witnesses_confirm_the_learned_date() -> None:
    site = BLIND["sonla"]
    pages = [
        SamplePage(p.url, p.html, link_text=a["title"], listing_date=a["published_at"][:10])
        for p, a in zip(_samples(site, 5), site.articles[:5], strict=True)
    ]
    pages = [
        SamplePage(p.url, p.html, p.link_text, "/".join(reversed(p.listing_date.split("-"))))
        for p in pages
        if p.listing_date
    ]
    template = learn_template(pages)
    assert template is not None
    assert template.fields["date"].confidence >= 0.9
    assert "agreeing with the listing" in template.fields["date"].evidence


class _Response:
    def __init__(self, page: SamplePage) -> None:
        self.url, self.text = page.url, page.html


def test_learner_holds_pages_until_it_can_learn_then_places_each_once() -> None:
    site = BLIND["thanhhoa"]
    learner = TemplateLearner(learn_after=5)
    held = [HeldPage(_Response(p), f"id{n}", _hint()) for n, p in enumerate(_samples(site))]
    placed = [learner.place(page) for page in held]
    assert [len(p) for p in placed[:4]] == [0, 0, 0, 0]
    assert len(placed[4]) == 5 and all(t is not None for _, t in placed[4])
    assert [len(p) for p in placed[5:]] == [1] * (len(held) - 5)
    assert learner.flush() == []
    ids = [page.article_id for batch in placed for page, _ in batch]
    assert sorted(ids) == sorted(page.article_id for page in held)


def test_learner_flushes_what_it_holds_when_the_crawl_runs_dry() -> None:
    learner = TemplateLearner(learn_after=5)
    held = [
        HeldPage(_Response(p), f"id{n}", _hint()) for n, p in enumerate(_samples(BLIND["sonla"], 2))
    ]
    assert all(learner.place(page) == [] for page in held)
    assert [(page.article_id, template) for page, template in learner.flush()] == [
        ("id0", None),
        ("id1", None),
    ]


def test_pages_of_two_layouts_held_together_learn_a_template_each() -> None:
    """camau serves classic ASP pages and ASP.NET pages side by side, met in turn by its
    listing: together they share too little to learn from; each layout's own pages do."""
    site = next(s for s in fixture_sites(BLIND_SITES_DIR) if s.name == "camau")
    learner = TemplateLearner(learn_after=5)
    held = [HeldPage(_Response(p), f"id{n}", _hint()) for n, p in enumerate(_samples(site))]
    placed = [pair for page in held for pair in learner.place(page)] + learner.flush()
    assert len(learner.templates) == 2
    assert sorted(page.article_id for page, _ in placed) == sorted(p.article_id for p in held)
    with_template = {page.response.url for page, template in placed if template is not None}
    assert len(with_template) >= 8


def _hint():  # type: ignore[no-untyped-def]
    from dostcrawler.extract.article import ListingHint

    return ListingHint()


def test_a_link_box_between_body_paragraphs_is_not_body_text() -> None:
    """ "Tin liên quan" set inside the body: the paragraphs after it are still the article."""
    site = BLIND["thanhhoa"]
    article = site.articles[0]
    page = decode_page(site.page_bytes(article["path"]), article["path"])
    record = article_from_page(
        page, site.origin + article["path"], profile=generic_profile(site.origin + "/")
    )
    assert record.body is not None
    assert article["body"].split("\n\n")[-1][:60] in record.body
    assert token_f1(record.body, article["body"]) >= BODY_F1
    assert "Tin liên quan" not in record.body


def test_confidence_follows_origin_and_witnesses() -> None:
    values = {
        "title": "Hội nghị tổng kết",
        "published_at": "2022-01-19",
        "body": "x",
        "authors": [],
    }
    origins = {"title": "generic", "published_at": "generic", "body": "generic"}
    confirmed = assess(values, origins, listing_title="Hội nghị tổng kết", listing_day="2022-01-19")
    assert confirmed.confidence == {"title": 0.95, "published_at": 0.95, "body": 0.6}
    assert not confirmed.low and confirmed.disagreements == []
    disputed = assess(values, origins, listing_title="Một bài khác hẳn", listing_day="2022-01-18")
    assert disputed.confidence["title"] == disputed.confidence["published_at"] == 0.3
    assert disputed.disagreements == ["title", "published_at"] and disputed.low
    missing = assess(
        {**values, "published_at": None}, origins, listing_title=None, listing_day=None
    )
    assert missing.confidence["published_at"] == 0.0 and missing.low


def test_innermost_heading_is_the_title_node() -> None:
    pages = []
    for n in range(4):
        body = " ".join(f"Câu văn số {i} của bài {n} về khoa học." for i in range(40))
        html = (
            f"<html><head><title>Bài viết số {n} về công nghệ - Sở KH&CN</title></head><body>"
            f"<div class='menu'>Trang chủ Tin tức</div><div class='wrap'><h1 class='t'>"
            f"Bài viết số {n} về công nghệ</h1><p class='d'>0{n + 1}/02/2022</p>"
            f"<div class='c'><p>{body}</p><p>{body}</p></div></div></body></html>"
        )
        pages.append(SamplePage(f"https://x.gov.vn/{n}", html))
    template = learn_template(pages)
    assert template is not None
    assert template.fields["title"].selector.endswith("h1.t")
    assert template.fields["date"].selector.endswith("p.d")
    assert template.fields["body"].selector.endswith("div.c")
    root = lxml_html.fromstring(pages[0].html)
    assert root.cssselect(template.fields["body"].selector)


def test_a_learned_selector_names_its_element_alone() -> None:
    """Tuyên Quang marks the date under the headline and every "Tin xem nhiều" entry with
    `span.date`: the learned selector names the headline's alone, so the pages that date
    themselves with a <time> instead never take a sidebar entry's day."""
    site = BLIND["tuyenquang"]
    template = _learned(site)
    date = template.fields["date"].selector
    assert date != "span.date" and date.endswith("span.date")
    dates = [r["published_at"] for r in _extract_all(site, template)]
    assert [str(d)[:10] for d in dates] == [a["published_at"][:10] for a in site.articles]


@pytest.mark.parametrize(
    ("article_id", "not_body"),
    [
        ("/2214/", "Một số hình ảnh tại hội nghị"),  # a gallery's heading over its photos
        ("/2190/", "Ảnh: Quang Huy"),  # a line crediting the photos
        ("/2209/", "Video: Hướng dẫn kỹ thuật"),  # the caption under an embedded video
    ],
)
def test_picture_credits_and_gallery_headings_are_not_body(article_id: str, not_body: str) -> None:
    site = BLIND["binhphuoc"]
    article = next(a for a in site.articles if article_id in a["path"])
    page = decode_page(site.page_bytes(article["path"]), article["path"])
    record = article_from_page(
        page, site.origin + article["path"], profile=generic_profile(site.origin + "/")
    )
    assert record.body is not None and not_body not in record.body
    assert token_f1(record.body, article["body"]) >= BODY_F1
