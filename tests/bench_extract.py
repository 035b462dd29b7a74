"""Extraction benchmark: field accuracy and speed over every fixture article.

Three extractors on the same raw pages: dostcrawler with the site's profile, dostcrawler in
generic mode (no profile), and trafilatura's `bare_extraction` (with metadata). Fields are
exact after normalisation (NFC, single spaces); a body counts as correct when its token F1
against expected.json is at least 0.9 and no `must_not_contain` string is in it.

Run: `make bench-extract` (or `python -m tests.bench_extract`).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from dostcrawler.parse import decode_page, parse_saved_page
from dostcrawler.platforms import detect_platform
from dostcrawler.profiles import SiteProfile, generic_profile, load_site
from tests.accuracy import FIELDS, field_correct
from tests.sitefixtures import BLIND_SITES_DIR, FixtureSite, article_cases, fixture_sites

Extractor = Callable[[FixtureSite, dict[str, Any]], dict[str, Any]]


def dostcrawler_profile(site: FixtureSite, article: dict[str, Any]) -> dict[str, Any]:
    url = site.origin + article["path"]
    return parse_saved_page(site.page_bytes(article["path"]), url, load_site(site.name))


def dostcrawler_generic(site: FixtureSite, article: dict[str, Any]) -> dict[str, Any]:
    url = site.origin + article["path"]
    return parse_saved_page(site.page_bytes(article["path"]), url, None)


_SITE_PROFILES: dict[str, SiteProfile] = {}


def _site_generic_profile(site: FixtureSite) -> SiteProfile:
    """What a generic crawl settles on once per site: the platform its first page reveals."""
    if site.name in _SITE_PROFILES:
        return _SITE_PROFILES[site.name]
    first = site.articles[0]
    url = site.origin + first["path"]
    html = decode_page(site.page_bytes(first["path"]), url)
    profile = generic_profile(url, detect_platform(url, html).name)
    return _SITE_PROFILES.setdefault(site.name, profile)


def dostcrawler_generic_in_crawl(site: FixtureSite, article: dict[str, Any]) -> dict[str, Any]:
    """Generic mode's cost per page in a crawl: detection and the profile are per site."""
    url = site.origin + article["path"]
    profile = _site_generic_profile(site)
    return parse_saved_page(site.page_bytes(article["path"]), url, profile)


def trafilatura_bare(site: FixtureSite, article: dict[str, Any]) -> dict[str, Any]:
    import trafilatura

    url = site.origin + article["path"]
    html = decode_page(site.page_bytes(article["path"]), url)
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    doc: dict[str, Any] = document.as_dict() if document is not None else {}  # type: ignore[union-attr]
    authors = [a.strip() for a in (doc.get("author") or "").split(";") if a.strip()]
    return {
        "title": doc.get("title"),
        "published_at": doc.get("date"),
        "authors": authors,
        "source": None,  # trafilatura has no source/credited-organisation field
        "body": doc.get("text"),
    }


EXTRACTORS: dict[str, Extractor] = {
    "dostcrawler (profile)": dostcrawler_profile,
    "dostcrawler (generic)": dostcrawler_generic,
    "dostcrawler (generic, per page of a crawl)": dostcrawler_generic_in_crawl,
    "trafilatura bare_extraction": trafilatura_bare,
}


def run(
    cases: list[tuple[FixtureSite, dict[str, Any]]], extractors: dict[str, Extractor]
) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for label, extract in extractors.items():
        correct: Counter[str] = Counter()
        timings = []
        for site, article in cases:
            extract(site, article)  # warm: caches and lazy imports are not per page
        for site, article in cases:
            started = time.process_time()
            got = extract(site, article)
            timings.append((time.process_time() - started) * 1000)
            for name in FIELDS:
                correct[name] += field_correct(name, got, article)
        row = {name: correct[name] / len(cases) for name in FIELDS}
        row["median_ms"] = statistics.median(timings)
        row["p95_ms"] = statistics.quantiles(timings, n=20)[-1]
        results[label] = row
    return results


def table(results: dict[str, dict[str, float]], pages: int, sites: int) -> str:
    header = "| extractor | " + " | ".join(FIELDS) + " | CPU ms/page, median | p95 |"
    lines = [header, "|" + " --- |" * (len(FIELDS) + 3)]
    for label, row in results.items():
        cells = " | ".join(f"{row[name]:.0%}" for name in FIELDS)
        lines.append(f"| {label} | {cells} | {row['median_ms']:.1f} | {row['p95_ms']:.1f} |")
    lines.append("")
    lines.append(f"{pages} article pages from {sites} fixture sites.")
    return "\n".join(lines)


def main() -> int:
    cases = article_cases()
    results = run(cases, EXTRACTORS)
    print(table(results, len(cases), len({site.name for site, _ in cases})))
    blind = [(site, a) for site in fixture_sites(BLIND_SITES_DIR) for a in site.articles]
    single_page = {k: v for k, v in EXTRACTORS.items() if "profile" not in k}
    print("\nBlind fixture sites (no profile exists; `make bench-blind` adds learning):")
    print(table(run(blind, single_page), len(blind), len({site.name for site, _ in blind})))
    ours, theirs = results["dostcrawler (generic)"], results["trafilatura bare_extraction"]
    print()
    for name in FIELDS:
        print(f"generic vs trafilatura, {name}: {ours[name] - theirs[name]:+.0%}")
    crawl = results["dostcrawler (generic, per page of a crawl)"]
    for label, row in (("generic parse", ours), ("generic, per page of a crawl", crawl)):
        for stat in ("median_ms", "p95_ms"):
            ratio = row[stat] / theirs[stat]
            print(f"{label}: CPU per page {ratio:.2f}x trafilatura's ({stat[:-3]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
