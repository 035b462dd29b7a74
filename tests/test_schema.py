"""Every exported record validates against the published JSON Schema, which names every field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema

from dostcrawler import SCHEMA_VERSION
from dostcrawler.items import RECORD_FIELDS
from tests.conftest import ROOT, Crawled, run_cli

SCHEMA = json.loads((ROOT / "dostcrawler/schema/article.schema.json").read_text("utf-8"))


def test_schema_lists_exactly_the_record_fields() -> None:
    assert SCHEMA["required"] == list(RECORD_FIELDS)
    assert list(SCHEMA["properties"]) == list(RECORD_FIELDS)
    assert SCHEMA["properties"]["schema_version"]["const"] == SCHEMA_VERSION


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
