"""Rewrite article.schema.json's descriptions and the README's data dictionary from
dictionary.toml: `python -m dostcrawler.schema` (from a checkout)."""

from __future__ import annotations

from pathlib import Path

from dostcrawler.schema import SCHEMA_FILE, schema_text, with_readme_section

README = Path(__file__).parents[2] / "README.md"

SCHEMA_FILE.write_text(schema_text(), "utf-8")
README.write_text(with_readme_section(README.read_text("utf-8")), "utf-8")
print(f"wrote {SCHEMA_FILE} and the data dictionary in {README}")
