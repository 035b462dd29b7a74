"""Every exported record validates against the published JSON Schema, which names every field."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import jsonschema

from dostcrawler import SCHEMA_VERSION
from dostcrawler.items import RECORD_FIELDS
from dostcrawler.schema import schema_text, with_readme_section
from tests.conftest import ROOT, Crawled, run_cli

SCHEMA = json.loads((ROOT / "dostcrawler/schema/article.schema.json").read_text("utf-8"))


def test_schema_lists_exactly_the_record_fields() -> None:
    assert SCHEMA["required"] == list(RECORD_FIELDS)
    # In the SQLite row only: the last run, and the fetch and run of the current version
    sqlite_only = ["last_crawl_id", "version_fetched_at", "version_crawl_id"]
    assert list(SCHEMA["properties"]) == [*RECORD_FIELDS, *sqlite_only]
    assert SCHEMA["properties"]["schema_version"]["const"] == SCHEMA_VERSION


def test_schema_and_readme_descriptions_come_from_the_dictionary() -> None:
    assert (ROOT / "dostcrawler/schema/article.schema.json").read_text("utf-8") == schema_text()
    readme = (ROOT / "README.md").read_text("utf-8")
    assert with_readme_section(readme) == readme, "run python -m dostcrawler.schema"
    assert all(prop["description"] for prop in SCHEMA["properties"].values())


def test_schema_id_is_its_place_in_the_repository() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    repository = project["urls"]["Repository"].replace("github.com", "raw.githubusercontent.com")
    assert SCHEMA["$id"] == f"{repository}/main/dostcrawler/schema/article.schema.json"


def test_articles_rows_validate_as_exported(crawl_twice: Callable[[str], Crawled]) -> None:
    """A row of `articles` as sqlite-utils exports it, JSON columns decoded."""
    db = crawl_twice("vinhphuc").db
    sqlite_utils = Path(sys.executable).with_name("sqlite-utils")
    rows = subprocess.run(
        [str(sqlite_utils), "rows", str(db), "articles", "--json-cols", "--nl"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout.splitlines()
    validator = jsonschema.Draft202012Validator(SCHEMA)
    with sqlite3.connect(db) as conn:
        assert len(rows) == conn.execute("select count(*) from articles").fetchone()[0] > 0
    for line in rows:
        row = json.loads(line)
        assert isinstance(row["last_crawl_id"], int)
        assert isinstance(row["version_crawl_id"], int)
        errors = sorted(validator.iter_errors(row), key=str)
        assert not errors, errors[0].message


def test_exported_records_validate(crawl_twice: Callable[[str], Crawled], tmp_path: Path) -> None:
    crawled = crawl_twice("vinhphuc")
    out = tmp_path / "all.jsonl"
    assert run_cli("export", "--db", str(crawled.db), "-o", str(out)).returncode == 0
    validator = jsonschema.Draft202012Validator(SCHEMA)
    lines = out.read_text("utf-8").splitlines()
    assert lines
    for line in lines:
        errors = sorted(validator.iter_errors(json.loads(line)), key=str)
        assert not errors, errors[0].message
