"""Listing strategies other than HTML pages: a JSON listing API, RSS feeds, sitemaps."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from dostcrawler.demo.server import serve_site
from tests.conftest import ROOT, run_cli
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
    db = tmp_path / "archive.sqlite"
    with serve_site(SITES_DIR / "vinhphuc_portal") as server:
        result = run_cli(
            "crawl",
            "--profile",
            str(_api_profile(tmp_path)),
            "--origin",
            server.origin,
            "--db",
            str(db),
            "--export-dir",
            str(tmp_path),
            "--delay",
            "0",
        )
        posts = [path for method, path in server.requests if method == "POST"]
        origin = server.origin
    assert result.returncode == 0, result.stderr[-2000:]
    assert posts == ["/APIVP/api/DSTinTuc/QUERYDATA"]
    every = PORTAL.articles + PORTAL.expected["api_only_articles"]
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("select url, title from articles").fetchall())
    assert rows == {origin + a["path"]: a["title"] for a in every}
