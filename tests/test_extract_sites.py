"""Every fixture article, extracted from its raw bytes, equals expected.json (profile mode);
generic mode (no profile) gets at least 90% of each field right over all fixture articles."""

from __future__ import annotations

from typing import Any

import pytest

from dostcrawler.parse import parse_saved_page
from dostcrawler.profiles import load_site
from tests.accuracy import FIELDS as ACCURACY_FIELDS
from tests.accuracy import field_correct
from tests.sitefixtures import FixtureSite, article_cases, case_id

CASES = article_cases()
FIELDS = ("title", "published_at", "authors", "source", "lead", "category", "body")
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


@pytest.fixture(scope="module")
def generic_records() -> list[dict[str, Any]]:
    return [_record(site, article, with_profile=False) for site, article in CASES]


@pytest.mark.parametrize("field", ACCURACY_FIELDS)
def test_generic_mode_accuracy(field: str, generic_records: list[dict[str, Any]]) -> None:
    """No profile: the detected preset plus heuristics, over every fixture article, scored as
    `make bench-extract` scores them."""
    misses = []
    for (site, article), record in zip(CASES, generic_records, strict=True):
        if not field_correct(field, record, article):
            got = record.get(field, record.get("published_at"))
            misses.append(f"{case_id((site, article))}: {str(got)[:80]!r}")
    accuracy = 1 - len(misses) / len(CASES)
    assert accuracy >= GENERIC_FLOOR, "\n".join(misses)


@pytest.mark.parametrize(("site", "article"), CASES, ids=[case_id(c) for c in CASES])
def test_generic_body_has_no_boilerplate(site: FixtureSite, article: dict[str, Any]) -> None:
    record = _record(site, article, with_profile=False)
    for junk in article["must_not_contain"]:
        assert junk not in (record["body"] or ""), junk
