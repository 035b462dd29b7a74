"""Platform detection: each platform's `marks` are a necessary condition of its own `detect`,
so skipping the regular expressions on pages without them changes no answer."""

from __future__ import annotations

import pytest

from dostcrawler.demo.server import load_routes
from dostcrawler.parse import decode_page
from dostcrawler.platforms import PLATFORMS, detect_platform
from tests.sitefixtures import BLIND_SITES_DIR, fixture_sites

SITES = [*fixture_sites(), *fixture_sites(BLIND_SITES_DIR)]


def _pages() -> list[tuple[str, str, str]]:
    """(site, url, html) for every HTML page the fixture servers answer."""
    pages = []
    for site in SITES:
        for (method, path), route in load_routes(site.folder).items():
            if method != "GET" or not route.file or not route.file.endswith((".html", ".htm")):
                continue
            url = site.origin + path
            try:
                pages.append((site.name, url, decode_page(site.page_bytes(path), url)))
            except ValueError:
                continue
    return pages


PAGES = _pages()


def test_there_are_pages_of_every_platform() -> None:
    found = {detect_platform(url, html).name for _, url, html in PAGES}
    assert found >= {name for name, p in PLATFORMS.items() if p.marks}
    assert len(PAGES) > 300


@pytest.mark.parametrize("name", sorted(n for n, p in PLATFORMS.items() if p.marks))
def test_marks_never_change_an_answer(name: str) -> None:
    platform = PLATFORMS[name]
    for site, url, html in PAGES:
        assert platform.detects(url, html, html.encode().lower()) == platform.detect(url, html), (
            site,
            url,
        )
