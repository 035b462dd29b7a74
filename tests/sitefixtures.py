"""Fixture sites: folders of raw bytes as served, with routes.json and expected.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dostcrawler.demo.server import load_routes

SITES_DIR = Path(__file__).parent / "sites"


@dataclass(frozen=True)
class FixtureSite:
    """One fixture site and what a correct crawl of it yields."""

    folder: Path
    expected: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.expected["site"])

    @property
    def origin(self) -> str:
        """The real site's scheme and host (fixture paths are relative to it)."""
        return str(self.expected["origin"])

    @property
    def articles(self) -> list[dict[str, Any]]:
        return list(self.expected["articles"])

    def page_bytes(self, path: str) -> bytes:
        """The raw bytes the server answers for a GET of `path`."""
        route = load_routes(self.folder)[("GET", path)]
        assert route.file is not None
        return (self.folder / route.file).read_bytes()


def fixture_sites() -> list[FixtureSite]:
    """Every folder under tests/sites with an expected.json."""
    return [
        FixtureSite(folder, json.loads((folder / "expected.json").read_text(encoding="utf-8")))
        for folder in sorted(SITES_DIR.iterdir())
        if (folder / "expected.json").is_file()
    ]


def article_cases() -> list[tuple[FixtureSite, dict[str, Any]]]:
    """(site, expected article) for every article of every fixture site."""
    return [(site, article) for site in fixture_sites() for article in site.articles]


def case_id(case: tuple[FixtureSite, dict[str, Any]]) -> str:
    site, article = case
    return f"{site.name}{article['path']}"
