"""Checks that a fixture site folder is well formed (usable on its own: `python -m
tests.fixturecheck FOLDER`). It knows the fixture format only, nothing of the extraction code.

Problems found: routes whose file is missing, articles whose path is not routed, listing
links to unrouted article paths, truth values that are not NFC or not trimmed, and articles
whose title or body sentences do not appear in their own page.
"""

from __future__ import annotations

import html
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

REQUIRED = (
    "path",
    "alias_paths",
    "title",
    "published_at",
    "authors",
    "source",
    "lead",
    "category",
    "attachments",
    "body",
    "must_not_contain",
)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}\+07:00)?$")


def _charset(content_type: str) -> str:
    found = re.search(r"charset=([\w-]+)", content_type, re.IGNORECASE)
    return found[1] if found else "utf-8"


def _page_text(raw: bytes, content_type: str) -> str:
    text = raw.decode(_charset(content_type), errors="replace")
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", text, flags=re.S | re.I)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return " ".join(unicodedata.normalize("NFC", text).split())


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return []


def problems(folder: Path) -> list[str]:
    """Everything wrong with one fixture folder, one line each."""
    found: list[str] = []
    routes = json.loads((folder / "routes.json").read_text(encoding="utf-8"))["routes"]
    by_path = {(r.get("method", "GET"), r["path"]): r for r in routes}
    for route in routes:
        if route.get("file") and not (folder / route["file"]).is_file():
            found.append(f"route {route['path']}: file {route['file']} is missing")
        if re.search(r"[^\x21-\x7e]", route["path"]):
            found.append(f"route {route['path']}: not ASCII (percent-encode it)")
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    for key in ("site", "origin", "start_path", "articles"):
        if key not in expected:
            found.append(f"expected.json: no {key!r}")
    if ("GET", expected.get("start_path")) not in by_path:
        found.append(f"start_path {expected.get('start_path')} is not routed")
    for article in expected.get("articles", []):
        path = article.get("path")
        missing = [k for k in REQUIRED if k not in article]
        if missing:
            found.append(f"{path}: missing keys {missing}")
            continue
        route = by_path.get(("GET", path))
        if route is None:
            found.append(f"{path}: not routed")
            continue
        for alias in article["alias_paths"]:
            if ("GET", alias) not in by_path:
                found.append(f"{path}: alias {alias} not routed")
        for value in _strings({k: article[k] for k in REQUIRED if k != "path"}):
            if value != unicodedata.normalize("NFC", value) or value != value.strip():
                found.append(f"{path}: {value[:40]!r} is not NFC or not trimmed")
        if article["published_at"] is not None and not DATE.match(article["published_at"]):
            found.append(f"{path}: published_at {article['published_at']!r} is not ISO")
        text = _page_text(
            (folder / route["file"]).read_bytes(),
            route.get("content_type", "text/html; charset=utf-8"),
        )
        if " ".join(article["title"].split()) not in text:
            found.append(f"{path}: title not found in the page text")
        for paragraph in (article["body"] or "").split("\n\n"):
            if " ".join(paragraph.split()) not in text:
                found.append(f"{path}: body paragraph not in page: {paragraph[:50]!r}")
        for junk in article["must_not_contain"]:
            if junk in (article["body"] or ""):
                found.append(f"{path}: must_not_contain {junk!r} is in the truth body")
    return found


def main() -> int:
    folder = Path(sys.argv[1])
    found = problems(folder)
    for line in found:
        print(line)
    print(f"{folder}: {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
