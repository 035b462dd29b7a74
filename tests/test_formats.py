"""`export --format csv|parquet|jsonld`: the same records as the JSONL export, in each format."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dostcrawler.items import RECORD_FIELDS
from dostcrawler.storage.formats import news_article
from tests.conftest import Crawled, run_cli


@pytest.fixture(scope="module")
def exported(crawl_twice: Callable[[str], Crawled], tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The vinhphuc archive exported as JSONL, and a function exporting it in another format."""
    db = crawl_twice("vinhphuc").db
    folder = tmp_path_factory.mktemp("formats")

    def export(name: str, *options: str) -> Path:
        result = run_cli("export", "--db", str(db), "-o", str(folder / name), *options)
        assert result.returncode == 0, result.stderr
        return folder / name

    lines = export("all.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines], export


def test_csv_holds_every_record_and_field(exported) -> None:  # type: ignore[no-untyped-def]
    records, export = exported
    with export("all.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["id"] for row in rows] == [r["id"] for r in records]
    assert list(rows[0]) == list(RECORD_FIELDS)
    for row, record in zip(rows, records, strict=True):
        assert row["title"] == record["title"] and row["body"] == (record["body"] or "")
        assert json.loads(row["authors"]) == record["authors"]


def test_parquet_reads_back_as_the_records(exported) -> None:  # type: ignore[no-untyped-def]
    records, export = exported
    table = pq.read_table(export("all.parquet"))
    assert table.column_names == list(RECORD_FIELDS)
    rows = table.to_pylist()
    assert [row["id"] for row in rows] == [r["id"] for r in records]
    for row, record in zip(rows, records, strict=True):
        assert row["authors"] == record["authors"] and row["version"] == record["version"]
        assert json.loads(row["extractor"]) == record["extractor"]


def test_jsonld_is_schema_org_news_articles(exported) -> None:  # type: ignore[no-untyped-def]
    records, export = exported
    document = json.loads(export("all.ld.json", "--format", "jsonld").read_text("utf-8"))
    assert document["@context"] == "https://schema.org"
    graph = document["@graph"]
    assert [node["identifier"] for node in graph] == [r["id"] for r in records]
    for node, record in zip(graph, records, strict=True):
        assert node["@type"] == "NewsArticle" and node["headline"] == record["title"]
        assert [a["name"] for a in node.get("author", [])] == record["authors"]
        assert node.get("datePublished") == record["published_at"]
        assert node["publisher"] == {"@type": "GovernmentOrganization", "name": record["publisher"]}


def test_a_repost_names_the_earlier_copy_by_its_url() -> None:
    record = dict.fromkeys(RECORD_FIELDS)
    record |= {
        "id": "b:1",
        "url": "https://b.example/1",
        "title": "T",
        "authors": [],
        "images": [],
        "attachments": [],
        "duplicate_of": "a:1",
    }
    node = news_article(record, {"a:1": "https://a.example/1"}.get)
    assert node["isBasedOn"] == "https://a.example/1"
    assert "publisher" not in node and "author" not in node  # unknown values left out


def test_parquet_to_stdout_is_refused(crawl_twice: Callable[[str], Crawled]) -> None:
    result = run_cli("export", "--db", str(crawl_twice("vinhphuc").db), "--format", "parquet")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "Error: Parquet is binary: give a file with -o\n"
