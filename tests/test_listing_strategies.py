"""Listing strategies other than HTML pages: a JSON listing API, RSS feeds, sitemaps."""

from __future__ import annotations

from pathlib import Path

from parsel import Selector

from dostcrawler.platforms import PLATFORMS
from dostcrawler.profiles.model import ListingRules
from dostcrawler.spiders.listings import html_next_pages
from tests.conftest import ROOT, crawl_locally
from tests.sitefixtures import SITES_DIR, fixture_sites

PORTAL = next(site for site in fixture_sites() if site.name == "vinhphuc_portal")
API_LISTING = """
[listing]
strategy = "api"
api_url = "https://vinhphuc.gov.vn/APIVP/api/DSTinTuc/QUERYDATA"
api_page_size = 50
api_detail_url = "{UrlList}/View_Detail.aspx?ItemID={ID}"

[listing.api_form]
do = "QUERYDATA"
fieldOrder = "CreatedDate"
ascending = "desc"
UrlList = "/ct/cms/tintuc/Lists/ThoiSuChinhTri"
"""


def _api_profile(tmp_path: Path) -> Path:
    """The bundled vinhphuc_portal profile with its HTML listing swapped for the JSON API."""
    source = (ROOT / "dostcrawler/profiles/sites/vinhphuc_portal.toml").read_text("utf-8")
    head, rest = source.split("[listing]", 1)
    article = rest[rest.index("[article]") :]
    path = tmp_path / "vinhphuc_portal.toml"
    path.write_text(head + API_LISTING + "\n" + article, "utf-8")
    return path


def test_json_api_reaches_the_articles_the_javascript_pager_hides(tmp_path: Path) -> None:
    profile = _api_profile(tmp_path)
    crawl = crawl_locally(SITES_DIR / "vinhphuc_portal", tmp_path, "--profile", str(profile))
    posts = [path for method, path in crawl.requests if method == "POST"]
    assert posts == ["/APIVP/api/DSTinTuc/QUERYDATA"]
    every = PORTAL.articles + PORTAL.expected["api_only_articles"]
    # SharePoint URLs are case-insensitive: the API prints another spelling than the pages.
    sharepoint = PLATFORMS["sharepoint"]

    def key(path: str) -> str:
        return sharepoint.canonicalize(PORTAL.origin + path, None).casefold()

    rows = {key(path): values for path, values in crawl.rows().items()}
    assert rows == {key(a["path"]): (a["title"],) for a in every}


NGHEAN = next(site for site in fixture_sites() if site.name == "nghean")


def _nghean_with(tmp_path: Path, strategy: str, start: str) -> Path:
    """The bundled nghean profile, reading a feed or a sitemap instead of listing pages."""
    source = (ROOT / "dostcrawler/profiles/sites/nghean.toml").read_text("utf-8")
    lines = [line for line in source.splitlines() if not line.startswith("start_urls")]
    text = "\n".join(lines).replace("[http]", f'[listing]\nstrategy = "{strategy}"\n\n[http]', 1)
    head, rest = text.split("[listing]", 1)
    path = tmp_path / "nghean.toml"
    path.write_text(
        f'{head}start_urls = ["http://ngheandost.gov.vn{start}"]\n[listing]{rest}', "utf-8"
    )
    return path


def _crawl_nghean(tmp_path: Path, profile: Path) -> tuple[dict[str, tuple[object, ...]], list[str]]:
    crawl = crawl_locally(SITES_DIR / "nghean", tmp_path, "--profile", str(profile))
    rows = crawl.rows("url, title, published_at, date_source")
    return rows, [path for _, path in crawl.requests]


def test_rss_feed_listing(tmp_path: Path) -> None:
    profile = _nghean_with(tmp_path, "rss", "/vi/khxhnvna/rss/nghien-cuu-khxh-nv/")
    rows, requested = _crawl_nghean(tmp_path, profile)
    assert set(rows) == {a["path"] for a in NGHEAN.articles}
    for article in NGHEAN.articles:
        title, published_at, _ = rows[article["path"]]
        # The page's own date line wins over the feed's (UTC, minutes-are-months) pubDate.
        assert (title, published_at) == (article["title"], article["published_at"])
    assert not [path for path in requested if "/print/" in path or "/savefile/" in path]


def test_sitemap_listing_follows_the_index_and_keeps_only_articles(tmp_path: Path) -> None:
    profile = _nghean_with(tmp_path, "sitemap", "/sitemap.xml")
    rows, requested = _crawl_nghean(tmp_path, profile)
    assert "/sitemap-vi.khxhnvna.xml" in requested
    # The sitemap also lists articles of another category that this fixture does not serve.
    assert set(rows) == {a["path"] for a in NGHEAN.articles}
    assert all(date_source != "listing" for _, _, date_source in rows.values())  # lastmod: no date


def test_a_theme_pager_the_preset_does_not_know_is_still_followed() -> None:
    """WordPress's stock pager is `a.next.page-numbers`; Flatsome prints `a.next.page-number`.
    Where the preset's selector finds nothing, rel=next and "N+1" still find the next page."""
    page = Selector(
        text=(
            '<html><head><link rel="next" href="/category/tin-tuc/page/2/"></head><body>'
            '<ul class="page-numbers"><li><span class="page-number current">1</span></li>'
            '<li><a class="page-number" href="/category/tin-tuc/page/2/">2</a></li>'
            '<li><a class="next page-number" href="/category/tin-tuc/page/2/">›</a></li></ul>'
            "</body></html>"
        )
    )
    rules = ListingRules(next_page=tuple(PLATFORMS["wordpress"].defaults["listing"]["next_page"]))
    base = "https://sokhcn.example.gov.vn/category/tin-tuc/"
    assert html_next_pages(page, base, rules, 1) == [
        "https://sokhcn.example.gov.vn/category/tin-tuc/page/2/"
    ]
