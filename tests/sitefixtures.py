"""Fixture sites: folders of raw bytes as served, with routes.json and expected.json."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from dostcrawler.demo.server import load_routes

SITES_DIR = Path(__file__).parent / "sites"
BLIND_SITES_DIR = Path(__file__).parent / "blind_sites"
DAY = re.compile(r"(?<![\d/])(\d{1,2})[/-](\d{1,2})[/-]((?:19|20)\d\d)(?!\d)")
# Addresses a page prints: links, frames, canonical links, feed and sitemap locations.
PRINTED = re.compile(
    r"""(?:href|src)\s*=\s*["']([^"']+)["']|<(?:loc|link)>\s*([^<\s]+)\s*</""", re.I
)


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

    @cached_property
    def printed_paths(self) -> frozenset[str]:
        """Every path+query on the site's host that one of its pages prints or a redirect
        names, plus the start page and robots.txt: the only addresses a crawler has any
        reason to request."""
        host = urlsplit(self.origin).netloc
        found = {self.expected["start_path"], "/robots.txt"}
        for route in load_routes(self.folder).values():
            named = [route.headers["Location"]] if "Location" in route.headers else []
            if route.file:
                page = (self.folder / route.file).read_bytes().decode("latin-1")
                named += [html.unescape(m[1] or m[2]) for m in PRINTED.finditer(page)]
            for href in named:
                url = urlsplit(urljoin(self.origin + route.path, href))
                if url.netloc in (host, ""):
                    found.add(url.path + (f"?{url.query}" if url.query else ""))
        return frozenset(found)

    @cached_property
    def days_on_every_page(self) -> frozenset[str]:
        """Days (day first, as Vietnamese pages write them) printed on every article page that
        are no article's date: the header's "today", a footer's date (a "Tin mới" sidebar
        prints real dates of the newest articles on every page too). From the raw text."""
        days = []
        for article in self.articles:
            page = self.page_bytes(article["path"]).decode("utf-8", "replace")
            days.append({f"{y}-{int(m):02d}-{int(d):02d}" for d, m, y in DAY.findall(page)})
        published = {str(a["published_at"])[:10] for a in self.articles}
        return frozenset(set.intersection(*days) - published) if days else frozenset()

    def article_path(self, form: str) -> str:
        """The expected path of the article that `form` (its path or an alias) belongs to:
        crawls request the first printed form they meet, which depends on where they start."""
        articles = [*self.articles, *self.expected.get("api_only_articles", [])]
        forms = {f: a["path"] for a in articles for f in (a["path"], *a["alias_paths"])}
        return forms.get(form, form)

    def page_bytes(self, path: str) -> bytes:
        """The raw bytes the server answers for a GET of `path`."""
        route = load_routes(self.folder)[("GET", path)]
        assert route.file is not None
        return (self.folder / route.file).read_bytes()


def fixture_sites(folder: Path = SITES_DIR) -> list[FixtureSite]:
    """Every site folder with an expected.json under `folder` (the bundled profiles' sites by
    default; BLIND_SITES_DIR holds sites built blind, with no profile)."""
    return [
        FixtureSite(site, json.loads((site / "expected.json").read_text(encoding="utf-8")))
        for site in sorted(folder.iterdir())
        if (site / "expected.json").is_file()
    ]


def article_cases() -> list[tuple[FixtureSite, dict[str, Any]]]:
    """(site, expected article) for every article of every fixture site."""
    return [(site, article) for site in fixture_sites() for article in site.articles]


def case_id(case: tuple[FixtureSite, dict[str, Any]]) -> str:
    site, article = case
    return f"{site.name}{article['path']}"
