"""Full-text search over the archive, with and without diacritics.

`articles_fts` is a contentless FTS5 table (the words are indexed, the text is not stored a
second time) whose rowid is the `articles` rowid, so Datasette's `_search` and a plain
`rowid in (select rowid from articles_fts where articles_fts match ...)` both work. FTS5's
`remove_diacritics` folds every Vietnamese tone and vowel mark but not `đ`, which is a letter
of its own in Unicode; so each text is indexed twice, as written and ASCII-folded
(`đổi` -> `doi`), and "chuyen doi so" finds "chuyển đổi số". A contentless table cannot look
its old values up: the writer that changes a row removes the old entry with the values it
indexed (`unindex_article`) before indexing the new ones.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from dostcrawler.extract.text import fold_diacritics

FTS_TABLE = "articles_fts"
FTS_COLUMNS = ("title", "lead", "body", "authors", "title_folded", "folded")
# bm25 weights, in FTS_COLUMNS order: a word of the headline counts most, folded or not.
RANK_WEIGHTS = (8.0, 2.0, 1.0, 2.0, 8.0, 1.0)
SNIPPET_CHARS = 160


def create_index(db: Database) -> None:
    """Create the empty contentless search table."""
    columns = ", ".join(FTS_COLUMNS)
    db.execute(
        f"create virtual table if not exists {FTS_TABLE} using fts5({columns}, content='', "
        "tokenize='unicode61 remove_diacritics 2')"
    )


def _authors(value: Any) -> str:
    if isinstance(value, str):
        value = json.loads(value) if value.startswith("[") else [value]
    return ", ".join(value or [])


def _values(record: dict[str, Any]) -> tuple[str, ...]:
    """The indexed texts of one article, in FTS_COLUMNS order (lists may be JSON text)."""
    title, lead, body = (record.get(name) or "" for name in ("title", "lead", "body"))
    authors = _authors(record.get("authors"))
    # Folded part by part, which is the same as folding them joined (a space composes with
    # nothing under NFC, and the rest is character by character), so that the body's own
    # folding is the one kept for the near-duplicate index.
    rest = " ".join(fold_diacritics(part) for part in (lead, body, authors) if part)
    return title, lead, body, authors, fold_diacritics(title), rest


def index_article(db: Database, rowid: int, record: dict[str, Any]) -> None:
    """Add one article's texts to the index."""
    placeholders = ", ".join("?" * (len(FTS_COLUMNS) + 1))
    db.execute(
        f"insert into {FTS_TABLE} (rowid, {', '.join(FTS_COLUMNS)}) values ({placeholders})",
        [rowid, *_values(record)],
    )


def unindex_article(db: Database, rowid: int, record: dict[str, Any]) -> None:
    """Remove one article's entry; `record` must hold the values it was indexed with."""
    placeholders = ", ".join("?" * (len(FTS_COLUMNS) + 1))
    db.execute(
        f"insert into {FTS_TABLE} ({FTS_TABLE}, rowid, {', '.join(FTS_COLUMNS)}) "
        f"values ('delete', {placeholders})",
        [rowid, *_values(record)],
    )


def rebuild_index(db: Database) -> int:
    """Index every article again from the `articles` table (after a bulk change such as an
    ingest, or to repair the index); returns how many articles are indexed."""
    db.execute(f"insert into {FTS_TABLE} ({FTS_TABLE}) values ('delete-all')")
    count = 0
    cursor = db.execute("select rowid, title, lead, body, authors from articles")
    for rowid, title, lead, body, authors in cursor.fetchall():
        index_article(db, rowid, {"title": title, "lead": lead, "body": body, "authors": authors})
        count += 1
    return count


@dataclass(frozen=True)
class Hit:
    """One search result."""

    id: str
    site: str
    url: str
    title: str
    published_at: str | None
    snippet: str
    rank: float


def query_words(query: str) -> list[str]:
    """The query's words, folded: what the folded columns are matched with."""
    return re.findall(r"\w+", fold_diacritics(query))


def search(
    db: Database,
    query: str,
    *,
    site: str | None = None,
    since: str | None = None,
    limit: int = 20,
) -> list[Hit]:
    """Articles holding every word of `query`, with or without its diacritics, each with a
    snippet. Best first: folded, "chuyen doi so" also matches "chuyên đời sở", so articles
    holding the words as one phrase come before those holding them apart, and among those,
    articles that spell the phrase exactly as typed (diacritics included) come first."""
    words = query_words(query)
    if not words:
        return []
    quoted = [f'"{word}"' for word in words]  # quoted: no FTS5 operator surprises
    tiers = [" ".join(quoted)] if len(words) == 1 else ['"' + " ".join(words) + '"', *quoted]
    phrase = _matching(db, tiers[0], site, since, limit, exclude=())
    typed = unicodedata.normalize("NFC", " ".join(query.split())).lower()
    phrase.sort(key=lambda row: typed not in f"{row[3]} {row[6]} {row[5]}".lower())
    rows = phrase
    if len(tiers) > 1 and len(rows) < limit:
        apart = " ".join(tiers[1:])
        rows += _matching(db, apart, site, since, limit - len(rows), {row[0] for row in rows})
    hits = []
    for row in rows:
        text = unicodedata.normalize("NFC", row[5] or row[6] or "")
        hits.append(Hit(row[0], row[1], row[2], row[3], row[4], snippet(text, words), row[7]))
    return hits


def _matching(
    db: Database,
    expression: str,
    site: str | None,
    since: str | None,
    limit: int,
    exclude: Iterable[str],
) -> list[tuple[Any, ...]]:
    """Rows (id, site, url, title, published_at, body, lead, rank) of articles whose folded
    text matches the FTS5 `expression`, by bm25, without the `exclude`d ids."""
    weights = ", ".join(str(w) for w in RANK_WEIGHTS)
    sql = [
        f"select a.id, a.site, a.url, a.title, a.published_at, a.body, a.lead, "
        f"bm25({FTS_TABLE}, {weights}) as rank from {FTS_TABLE} "
        f"join articles a on a.rowid = {FTS_TABLE}.rowid where {FTS_TABLE} match ?"
    ]
    params: list[Any] = [f"{{title_folded folded}} : ({expression})"]
    if site:
        sql.append("and a.site = ?")
        params.append(site)
    if since:
        sql.append("and a.published_at >= ?")
        params.append(since)
    excluded = sorted(exclude)
    if excluded:
        sql.append(f"and a.id not in ({', '.join('?' * len(excluded))})")
        params += excluded
    sql.append("order by rank, a.id limit ?")
    params.append(limit)
    return [tuple(row) for row in db.execute(" ".join(sql), params)]


def snippet(text: str, words: Iterable[str], width: int = SNIPPET_CHARS) -> str:
    """About `width` characters of `text` around the first match (the words as a phrase, else
    any of them), with what matched in [brackets]; found in the folded text, cut from the
    original."""
    words = list(words)
    folded = fold_diacritics(text)  # as long as the text: positions line up
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b")
    phrase = re.compile(r"\b" + r"\W+".join(re.escape(w) for w in words) + r"\b")
    found = phrase.search(folded)
    if found and len(words) > 1:
        pattern = phrase  # the phrase is there: mark it, not each of its words apart
    found = found or pattern.search(folded)
    start = max(0, (found.start() if found else 0) - width // 3)
    end = min(len(text), start + width)
    while start > 0 and not text[start - 1].isspace():  # whole words only
        start += 1
    parts, last = [], start
    for match in pattern.finditer(folded, start, end):
        parts += [text[last : match.start()], "[", text[match.start() : match.end()], "]"]
        last = match.end()
    parts.append(text[last:end])
    clipped = "".join(parts).replace("\n", " ").strip()
    return ("… " if start > 0 else "") + clipped + (" …" if end < len(text) else "")
