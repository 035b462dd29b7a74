"""End to end: crawl every fixture site through the real Scrapy engine, twice."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dostcrawler.items import RECORD_FIELDS
from dostcrawler.storage.db import Archive
from tests.conftest import Crawled, run_cli
from tests.sitefixtures import FixtureSite, fixture_sites

SITES = fixture_sites()
FIELDS = ("title", "published_at", "authors", "source", "lead", "category", "body")


@pytest.fixture(params=SITES, ids=[s.name for s in SITES])
def site(request: pytest.FixtureRequest) -> FixtureSite:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def crawled(site: FixtureSite, crawl_twice: Callable[[str], Crawled]) -> Crawled:
    return crawl_twice(site.name)


def _rows(db: Path) -> dict[str, dict[str, Any]]:
    archive = Archive(db)
    try:
        return {row["url"]: row for row in archive.iter_articles()}
    finally:
        archive.close()


def test_crawl_finds_exactly_the_expected_articles(site: FixtureSite, crawled: Crawled) -> None:
    rows = _rows(crawled.db)
    origin = crawled.origin
    assert sorted(rows) == sorted(origin + a["path"] for a in site.articles)
    for article in site.articles:
        row = rows[origin + article["path"]]
        for name in FIELDS:
            assert row[name] == article[name], (article["path"], name)
        assert row["alias_urls"] == sorted(origin + p for p in article["alias_paths"])
        assert row["attachments"] == [
            {"url": origin + a["path"], "name": a["name"], "media_type": a["media_type"]}
            for a in article["attachments"]
        ]
        assert row["listing_url"] is not None
        for junk in article["must_not_contain"]:
            assert junk not in (row["body"] or "")


def test_every_request_goes_to_an_address_a_page_printed(
    site: FixtureSite, crawled: Crawled
) -> None:
    """The canonical form is an identity key: a server is only sent URLs that it printed."""
    unprinted = {p for m, p in crawled.server.requests if m != "RUN"} - site.printed_paths
    assert not unprinted


def test_not_articles_are_not_stored(site: FixtureSite, crawled: Crawled) -> None:
    rows = _rows(crawled.db)
    for path in site.expected.get("not_articles", []):
        assert crawled.origin + path not in rows


def _requests_per_run(crawled: Crawled) -> list[list[str]]:
    runs: list[list[str]] = [[]]
    for method, path in crawled.server.requests:
        if method == "RUN":
            runs.append([])
        else:
            runs[-1].append(path)
    return runs[:-1]


def test_reruns_add_no_rows_and_each_records_a_crawl(site: FixtureSite, crawled: Crawled) -> None:
    count = len(site.articles)
    with sqlite3.connect(crawled.db) as conn:
        articles = conn.execute("select count(*) from articles").fetchone()[0]
        versions = conn.execute("select count(*) from article_history").fetchone()[0]
        past = conn.execute("select count(*) from article_versions").fetchone()[0]
        crawls = conn.execute("select mode, status, stats from crawls order by id").fetchall()
    assert articles == versions == count
    assert past == 0
    assert [(mode, status) for mode, status, _ in crawls] == [
        ("incremental", "finished"),
        ("incremental", "finished"),
        ("full", "finished"),
    ]
    first, second, full = (json.loads(stats) for _, _, stats in crawls)
    assert first["dostcrawler/articles/new"] == count
    assert "dostcrawler/articles/new" not in second
    assert full["dostcrawler/articles/unchanged"] == count
    assert "dostcrawler/articles/new" not in full


def test_unchanged_incremental_recrawl_fetches_no_article_page(
    site: FixtureSite, crawled: Crawled
) -> None:
    first, second, full = _requests_per_run(crawled)
    article_paths = {a["path"] for a in site.articles}
    assert article_paths <= set(first)
    assert article_paths <= set(full)
    assert not article_paths & set(second)
    # ...and it stops paginating at the first listing page that holds only known articles.
    assert len(second) < len(first)


def test_every_alias_url_belongs_to_its_article(site: FixtureSite, crawled: Crawled) -> None:
    with sqlite3.connect(crawled.db) as conn:
        for article in site.articles:
            canonical_id = conn.execute(
                "select id from articles where url = ?", [crawled.origin + article["path"]]
            ).fetchone()[0]
            for alias in article["alias_paths"]:
                owner = conn.execute(
                    "select article_id, kind from urls where url = ?", [crawled.origin + alias]
                ).fetchone()
                assert owner == (canonical_id, "alias")


def test_per_run_jsonl_is_complete_utf8_with_every_key(site: FixtureSite, crawled: Crawled) -> None:
    files = sorted((crawled.workdir / "exports" / "jsonl" / site.name).glob("*.jsonl"))
    # The first and the --full run saw every article; the incremental re-run saw none, and
    # an empty file would look like a run that exported something: it has none.
    assert [len(f.read_bytes().splitlines()) for f in files] == [len(site.articles)] * 2
    with sqlite3.connect(crawled.db) as conn:
        paths = [row[0] for row in conn.execute("select jsonl_path from crawls order by id")]
    assert paths[1] is None and sorted(paths[::2]) == sorted(str(f) for f in files)
    raw = min(files, key=lambda f: int(f.stem.rsplit("-", 1)[1])).read_bytes()
    assert b"\\u" not in raw
    lines = raw.decode("utf-8").splitlines()
    assert len(lines) == len(site.articles)
    records = [json.loads(line) for line in lines]
    assert all(list(record) == list(RECORD_FIELDS) for record in records)
    keys = [
        (r["site"], r["published_at"] is None, r["published_at"] or "", r["id"]) for r in records
    ]
    assert keys == sorted(keys)


def test_export_is_byte_identical_across_runs(crawled: Crawled, tmp_path: Path) -> None:
    outputs = []
    for name in ("one.jsonl", "two.jsonl"):
        result = run_cli("export", "--db", str(crawled.db), "-o", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0]


# Vĩnh Phúc specifics ---------------------------------------------------------------------------


def test_vinhphuc_soft_404_is_dropped_with_its_reason(
    crawl_twice: Callable[[str], Crawled],
) -> None:
    crawled = crawl_twice("vinhphuc")
    with sqlite3.connect(crawled.db) as conn:
        stats = json.loads(
            conn.execute("select stats from crawls order by id limit 1").fetchone()[0]
        )
    assert stats["dostcrawler/dropped/no body text and no attachments"] == 1


def test_vinhphuc_lowercase_variant_is_an_alias(crawl_twice: Callable[[str], Crawled]) -> None:
    crawled = crawl_twice("vinhphuc")
    alias = crawled.origin + "/noidung/tintuc/lists/tintuchoatdong/view_detail.aspx?itemid=1047"
    requested = [path for method, path in crawled.server.requests if "itemid=1047" in path]
    assert requested == []  # canonicalised before requesting: never fetched
    with sqlite3.connect(crawled.db) as conn:
        owner = conn.execute("select article_id from urls where url = ?", [alias]).fetchone()
    assert owner == ("vinhphuc:tintuchoatdong-1047",)


def test_search_works_with_and_without_diacritics(crawl_twice: Callable[[str], Crawled]) -> None:
    archive = Archive(crawl_twice("vinhphuc").db)
    try:
        with_marks = {hit.id for hit in archive.search("chuyển đổi số")}
        without = {hit.id for hit in archive.search("chuyen doi so")}
    finally:
        archive.close()
    assert "vinhphuc:tintuchoatdong-1044" in with_marks
    assert with_marks == without


def test_stats_command_reports_the_site(crawl_twice: Callable[[str], Crawled]) -> None:
    crawled = crawl_twice("vinhphuc")
    result = run_cli("stats", "--db", str(crawled.db))
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("vinhphuc"))
    assert " 13 " in line and "2021-09-29" in line and "2022-01-19" in line


def test_vinhphuc_run_summary_columns(crawl_twice: Callable[[str], Crawled]) -> None:
    crawled = crawl_twice("vinhphuc")
    with sqlite3.connect(crawled.db) as conn:
        conn.row_factory = sqlite3.Row
        first = conn.execute("select * from crawls order by id limit 1").fetchone()
    # robots.txt + 3 listing pages + 14 article pages (one a soft 404) + 2 attachments
    assert first["pages"] == 20
    assert (first["articles_new"], first["articles_updated"], first["articles_unchanged"]) == (
        13,
        0,
        0,
    )
    assert json.loads(first["dropped"]) == {"no body text and no attachments": 1}
    assert json.loads(first["http_errors"]) == {}
    assert first["errors"] == 0
    assert first["bytes"] > 400_000 and first["duration_s"] > 0
