"""Every fixture article, extracted from its raw bytes, equals expected.json (profile mode);
generic mode (no profile) gets at least 90% of each field right over all fixture articles."""

from __future__ import annotations

from typing import Any

import pytest

from dostcrawler.parse import parse_saved_page
from dostcrawler.profiles import load_site
from tests.sitefixtures import FixtureSite, article_cases, case_id

CASES = article_cases()
FIELDS = ("title", "published_at", "authors", "source", "lead", "category", "body")
GENERIC_FIELDS = ("title", "published_at", "authors", "source")
GENERIC_FLOOR = 0.9


def _record(site: FixtureSite, article: dict[str, Any], *, with_profile: bool) -> dict[str, Any]:
    url = site.origin + article["path"]
    profile = load_site(site.name) if with_profile else None
    return parse_saved_page(site.page_bytes(article["path"]), url, profile)


@pytest.mark.parametrize(("site", "article"), CASES, ids=[case_id(c) for c in CASES])
def test_profile_extraction_matches_expected(site: FixtureSite, article: dict[str, Any]) -> None:
    record = _record(site, article, with_profile=True)
    for name in FIELDS:
        assert record[name] == article[name], name
    expected_attachments = [
        {"url": site.origin + a["path"], "name": a["name"], "media_type": a["media_type"]}
        for a in article["attachments"]
    ]
    assert record["attachments"] == expected_attachments
    for junk in article["must_not_contain"]:
        assert junk not in (record["body"] or "")


@pytest.mark.parametrize("field", GENERIC_FIELDS)
def test_generic_mode_accuracy(field: str) -> None:
    """No profile: the detected preset plus heuristics, over every fixture article."""
    misses = []
    for site, article in CASES:
        record = _record(site, article, with_profile=False)
        if record[field] != article[field]:
            misses.append(f"{case_id((site, article))}: {record[field]!r} != {article[field]!r}")
    accuracy = 1 - len(misses) / len(CASES)
    assert accuracy >= GENERIC_FLOOR, "\n".join(misses)


@pytest.mark.parametrize(("site", "article"), CASES, ids=[case_id(c) for c in CASES])
def test_generic_body_has_no_boilerplate(site: FixtureSite, article: dict[str, Any]) -> None:
    record = _record(site, article, with_profile=False)
    for junk in article["must_not_contain"]:
        assert junk not in (record["body"] or ""), junk
