"""`dostcrawler serve`: a real Datasette on 127.0.0.1 over a crawled archive, queried through its
JSON API and looked at in a real headless Chromium."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dostcrawler.schema import tables
from tests.conftest import ROOT, Crawled, run_cli

ARTICLE = "vinhphuc:tintuchoatdong-1044"  # about chuyển đổi số (see test_crawl_e2e)


@pytest.fixture(scope="module")
def served(crawl_twice: Callable[[str], Crawled]) -> Iterator[tuple[str, Path]]:
    """`dostcrawler serve --port 0` on the vinhphuc archive: its base URL and the archive."""
    db = crawl_twice("vinhphuc").db
    process = subprocess.Popen(
        [sys.executable, "-m", "dostcrawler", "serve", "--db", str(db), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert line.startswith(f"Serving {db} at http://127.0.0.1:"), line
        yield line.split(" at ")[1].split()[0], db
    finally:
        process.terminate()
        process.wait(timeout=10)


def _json(base: str, path: str, **params: str | list[str]) -> dict:  # type: ignore[type-arg]
    query = urllib.parse.urlencode(params, doseq=True)
    with urllib.request.urlopen(f"{base}{path}?{query}", timeout=30) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def _sql(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_articles_search_works_with_and_without_diacritics(served: tuple[str, Path]) -> None:
    base, db = served
    found = {}
    for query in ("chuyen doi so", "chuyển đổi số"):
        page = _json(base, "archive/articles.json", _search=query, _shape="objects", _col="title")
        found[query] = {row["id"] for row in page["rows"]}
    assert ARTICLE in found["chuyen doi so"]
    assert found["chuyen doi so"] == found["chuyển đổi số"]
    everything = {row[0] for row in _sql(db, "select id from articles")}
    assert found["chuyen doi so"] < everything  # a search, not the whole table


def test_every_table_and_column_is_described(served: tuple[str, Path]) -> None:
    base, db = served
    meta = _json(base, "-/metadata.json")["databases"]["archive"]["tables"]
    for name, columns in _archive_columns(db).items():
        assert meta[name]["description"], name
        assert set(meta[name]["columns"]) == columns, name
    assert meta["crawls"]["units"]["bytes"] == "byte"


def _archive_columns(db: Path) -> dict[str, set[str]]:
    """Every table and view a user sees (not SQLite's or FTS5's internals) with its columns."""
    with sqlite3.connect(db) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "select name from sqlite_master where type in ('table', 'view')"
            )
            if not row[0].startswith(("_", "sqlite_", "articles_fts_"))
        ]
        return {n: {c[1] for c in conn.execute(f"pragma table_info([{n}])")} for n in names}


def test_the_dictionary_documents_exactly_the_archive(served: tuple[str, Path]) -> None:
    columns = _archive_columns(served[1])
    assert {name: set(t.columns) for name, t in tables().items()} == columns


def test_facets_and_canned_queries_agree_with_sql(served: tuple[str, Path]) -> None:
    base, db = served
    page = _json(base, "archive/article_list.json", _facet=["site", "province_now", "year"])
    facets = page["facet_results"]
    years = {item["value"]: item["count"] for item in facets["year"]["results"]}
    expected = "select substr(published_at, 1, 4), count(*) from articles group by 1"
    assert years == {year: count for year, count in _sql(db, expected) if year}
    assert [item["value"] for item in facets["province_now"]["results"]] == ["Phú Thọ"]
    monthly = _json(base, "archive/articles_per_month.json", _shape="array")
    expected = (
        "select site, substr(published_at, 1, 7), count(*) from articles "
        "where published_at is not null group by 1, 2 order by 1, 2"
    )
    assert [(r["site"], r["month"], r["articles"]) for r in monthly] == _sql(db, expected)
    hits = _json(base, "archive/search.json", q="chuyen doi so", _shape="array")
    assert ARTICLE in {row["id"] for row in hits}
    history = _json(base, "archive/article_history.json", article_id=ARTICLE, _shape="array")
    (body,) = _sql(db, f"select body from articles where id = '{ARTICLE}'")[0]
    assert [(r["version"], r["is_current"], r["body"]) for r in history] == [(1, 1, body)]
    runs = _json(base, "archive/failed_runs.json", _shape="array")
    assert len(runs) == _sql(db, "select count(*) from crawls where status != 'finished'")[0][0]


def test_a_person_searching_without_diacritics_sees_the_article(
    served: tuple[str, Path],
) -> None:
    base, db = served
    (title,) = _sql(db, f"select title from articles where id = '{ARTICLE}'")[0]
    url = f"{base}archive/articles?" + urllib.parse.urlencode({"_search": "chuyen doi so"})
    dom = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert 'where search matches "chuyen doi so"' in dom
    assert str(title).replace("&", "&amp;") in dom
    assert tables()["articles"].description.split(":")[0] in dom  # the data dictionary shows


def test_serve_refuses_a_missing_archive(tmp_path: Path) -> None:
    result = run_cli("serve", "--db", str(tmp_path / "none.sqlite"), "--port", "0")
    assert result.returncode == 1
    missing = tmp_path / "none.sqlite"
    assert (
        result.stderr
        == f"Error: no archive at {missing}: run `dostcrawler crawl` first or pass --db\n"
    )
