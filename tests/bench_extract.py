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
from dostcrawler.profiles import load_site
from tests.accuracy import FIELDS, field_correct
from tests.sitefixtures import BLIND_SITES_DIR, FixtureSite, article_cases, fixture_sites

Extractor = Callable[[FixtureSite, dict[str, Any]], dict[str, Any]]


def dostcrawler_profile(site: FixtureSite, article: dict[str, Any]) -> dict[str, Any]:
    url = site.origin + article["path"]
    return parse_saved_page(site.page_bytes(article["path"]), url, load_site(site.name))


def dostcrawler_generic(site: FixtureSite, article: dict[str, Any]) -> dict[str, Any]:
    url = site.origin + article["path"]
    return parse_saved_page(site.page_bytes(article["path"]), url, None)


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
            started = time.perf_counter()
            got = extract(site, article)
            timings.append((time.perf_counter() - started) * 1000)
            for name in FIELDS:
                correct[name] += field_correct(name, got, article)
        row = {name: correct[name] / len(cases) for name in FIELDS}
        row["median_ms"] = statistics.median(timings)
        results[label] = row
    return results


def table(results: dict[str, dict[str, float]], pages: int, sites: int) -> str:
    header = "| extractor | " + " | ".join(FIELDS) + " | median ms/page |"
    lines = [header, "|" + " --- |" * (len(FIELDS) + 2)]
    for label, row in results.items():
        cells = " | ".join(f"{row[name]:.0%}" for name in FIELDS)
        lines.append(f"| {label} | {cells} | {row['median_ms']:.1f} |")
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
    speed = theirs["median_ms"] / ours["median_ms"] if ours["median_ms"] else float("inf")
    print(f"generic speed ratio (trafilatura ms / dostcrawler ms): {speed:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
