"""How extraction is scored, shared by the tests and `make bench-extract`.

Fields are exact after normalisation (NFC, single spaces); `published_day` compares the date part
only; a body counts as correct when its token F1 against expected.json is at least BODY_F1 and
no `must_not_contain` string is in it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from dostcrawler.extract.text import clean_text

FIELDS = ("title", "published_at", "published_day", "authors", "source", "body")
BODY_F1 = 0.9


def tokens(text: str | None) -> Counter[str]:
    return Counter(clean_text(text).casefold().split())


def token_f1(got: str | None, expected: str | None) -> float:
    got_tokens, expected_tokens = tokens(got), tokens(expected)
    if not got_tokens and not expected_tokens:
        return 1.0
    overlap = sum((got_tokens & expected_tokens).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(got_tokens.values())
    recall = overlap / sum(expected_tokens.values())
    return 2 * precision * recall / (precision + recall)


def field_correct(name: str, got: dict[str, Any], article: dict[str, Any]) -> bool:
    if name == "body":
        body = got.get("body") or ""
        clean = not any(junk in body for junk in article["must_not_contain"])
        return clean and token_f1(body, article["body"]) >= BODY_F1
    if name == "published_day":
        # trafilatura returns days only: this column compares the day for every extractor.
        return (got.get("published_at") or "")[:10] == (article["published_at"] or "")[:10]
    if name == "published_at":
        return (got.get(name) or None) == article[name]
    if name == "authors":
        return [clean_text(a) for a in got.get(name) or []] == article[name]
    value = got.get(name)
    return (clean_text(value) if isinstance(value, str) else value) == article[name]
