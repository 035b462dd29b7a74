"""Generic mode end to end: `crawl --start-url` with no profile finds every fixture site's
articles (pagination and article links discovered, the platform recognised from its pages,
alias URLs collapsed) and reads their titles and dates."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import crawl_locally
from tests.sitefixtures import FixtureSite, fixture_sites

SITES = fixture_sites()


@pytest.mark.parametrize("site", SITES, ids=[s.name for s in SITES])
def test_generic_crawl_finds_exactly_the_articles(site: FixtureSite, tmp_path: Path) -> None:
    start = site.origin + site.expected["start_path"]
    crawl = crawl_locally(
        site.folder, tmp_path, "--start-url", start, "--no-warc", "--no-attachments"
    )
    rows = crawl.rows("url, title, published_at")
    found = {site.article_path(path): values for path, values in rows.items()}
    expected = {a["path"]: (a["title"], a["published_at"]) for a in site.articles}
    assert set(found) == set(expected) and len(rows) == len(expected)
    assert not {path for _, path in crawl.requests} - site.printed_paths
    # A day the site prints on every page (a "today" banner) is no article's date.
    assert not {str(date)[:10] for _, date in rows.values()} & site.days_on_every_page
    right = sum(found[path] == values for path, values in expected.items())
    assert right / len(expected) >= 0.9
