"""The data dictionary (dictionary.toml) and what is made from it: the JSON Schema's
descriptions, the README's data dictionary and Datasette's table metadata."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).with_name("article.schema.json")
README_START = (
    "<!-- data dictionary: made by `python -m dostcrawler.schema`; "
    "edit dostcrawler/schema/dictionary.toml -->"
)
README_END = "<!-- end of data dictionary -->"


@dataclass(frozen=True)
class Table:
    """One table (or view) of the archive: what a row is, and each column."""

    name: str
    description: str
    columns: dict[str, str]
    units: dict[str, str]


@cache
def tables() -> dict[str, Table]:
    """Every documented table, in the dictionary's order."""
    text = resources.files("dostcrawler.schema").joinpath("dictionary.toml").read_text("utf-8")
    data = tomllib.loads(text)
    units = data.pop("units", {})
    return {
        name: Table(name, entry["description"], entry["columns"], units.get(name, {}))
        for name, entry in data.items()
    }


def article_schema() -> dict[str, Any]:
    """The published JSON Schema with every property's description from the dictionary."""
    schema: dict[str, Any] = json.loads(SCHEMA_FILE.read_text("utf-8"))
    columns = tables()["articles"].columns
    for name, prop in schema["properties"].items():
        prop["description"] = columns[name]
    return schema


def schema_text() -> str:
    """article.schema.json as `python -m dostcrawler.schema` writes it."""
    return json.dumps(article_schema(), ensure_ascii=False, indent=2) + "\n"


def readme_section() -> str:
    """The README's data dictionary: a table of columns per table, between its markers."""
    out = [README_START]
    for table in tables().values():
        out += ["", f"**`{table.name}`**: {table.description}", ""]
        out += ["| column | description |", "| --- | --- |"]
        for column, description in table.columns.items():
            unit = f" ({table.units[column]})" if column in table.units else ""
            cell = description.replace("|", "\\|")
            out.append(f"| `{column}` | {cell}{unit} |")
    out += ["", README_END]
    return "\n".join(out)


def with_readme_section(readme: str) -> str:
    """The README text with its data dictionary section replaced by the current one."""
    pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.DOTALL)
    if not pattern.search(readme):
        raise ValueError("README.md has no data dictionary markers")
    return pattern.sub(lambda _: readme_section(), readme)
