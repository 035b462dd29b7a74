"""Merging one node archive's rows into the central archive (for `dostcrawler ingest`).

Every rule here decides from the rows alone, never from which node came first, so ingesting
the same nodes in any order, or one of them twice, leaves the same articles:

* an article's versions are the union of every copy's versions (its past ones in
  `article_versions`, its current one in `articles`), one per distinct (content_hash,
  published_at), the earliest fetch of each kept and ordered by fetched_at (then
  content_hash); node-local version numbers are not comparable (each node counts from 1);
* of two copies of an article, the one whose version comes latest in that order wins, then the
  one seen last, then the content hash, then the whole row; its version is the current one,
  numbered n, and the others are `article_versions` 1..n-1. first_seen_at is the earliest,
  last_seen_at the latest, alias_urls the union (a losing copy's URL becomes an alias);
* a URL claimed by two articles stays with the one it is canonical for, else the lower id;
* an attachment URL keeps its latest fetch; a `sites` row comes from whichever archive crawled
  the site last;
* the search index follows each changed article (its old entry removed with the values it was
  made from), so an ingest costs what it changes, not a rebuild of the whole index.

Crawl ids are the central archive's own: a node's crawl is copied once (recognised by node,
node crawl id, site and start time) and every reference to it is mapped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from dostcrawler.storage import search
from dostcrawler.storage.views import CURRENT_VERSION

# Columns whose merged value is not simply the winning copy's.
MERGED_COLUMNS = (
    "first_seen_at",
    "last_seen_at",
    "alias_urls",
    "version",
    "last_crawl_id",
    "version_fetched_at",
    "version_crawl_id",
    "duplicate_of",
)


@dataclass
class MergeCounts:
    """What one node brought that the central archive did not hold."""

    articles: int = 0
    new: int = 0
    updated: int = 0
    crawls: int = 0
    captures: int = 0
    attachments: int = 0
    changed_ids: list[str] = field(default_factory=list)


def rows(db: Database, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    """Query results as dicts."""
    cursor = db.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _one(db: Database, sql: str, params: Iterable[Any]) -> dict[str, Any] | None:
    found = rows(db, sql, params)
    return found[0] if found else None


# Crawls and sites ---------------------------------------------------------------------------


def merge_crawls(central: Database, node: Database, label: str) -> tuple[dict[int, int], int]:
    """Copy the node's crawls (a crawl already copied is updated: it may have finished since);
    returns (node crawl id -> central id, how many were new)."""
    columns = set(central.table("crawls").columns_dict)
    mapping: dict[int, int] = {}
    new = 0
    for row in rows(node, "select * from crawls order by id"):
        data = {k: v for k, v in row.items() if k != "id" and k in columns}
        data |= {"node": label, "node_crawl_id": row["id"]}
        existing = _one(
            central,
            "select * from crawls where node = ? and node_crawl_id = ? and site is ? "
            "and started_at is ?",
            [label, row["id"], row["site"], row["started_at"]],
        )
        if existing is None:
            table = central.table("crawls")
            table.insert(data)
            mapping[row["id"]] = int(str(table.last_pk))
            new += 1
        else:
            mapping[row["id"]] = existing["id"]
            if any(existing.get(k) != v for k, v in data.items()):
                central.table("crawls").update(existing["id"], data)
    return mapping, new


def merge_sites(central: Database, node: Database) -> None:
    """Take a node's `sites` row when the node crawled that site last (call it before the
    node's crawls are copied); equal times are settled by the rows themselves."""
    sql = "select site, max(started_at) from crawls group by site"
    node_latest = dict(node.execute(sql).fetchall())
    central_latest = dict(central.execute(sql).fetchall())
    for row in rows(node, "select * from sites order by name"):
        current = _one(central, "select * from sites where name = ?", [row["name"]])
        mine = (node_latest.get(row["name"]) or "", _canonical_json(row))
        if current is None or mine > (
            central_latest.get(row["name"]) or "",
            _canonical_json(current),
        ):
            central.table("sites").upsert(row, pk="name")


# Captures and attachments -------------------------------------------------------------------


def merge_captures(
    central: Database,
    node: Database,
    crawl_ids: dict[int, int],
    filenames: dict[tuple[str, str], str],
) -> int:
    """Copy the capture rows (a WARC record is one row, by its record id), pointing at the
    WARC file names as placed in the central export folder; returns how many were new."""
    before = central.conn.total_changes
    central.table("captures").insert_all(
        (
            row
            | {
                "crawl_id": crawl_ids.get(row["crawl_id"]),
                "filename": filenames[(row["site"], row["filename"])],
            }
            for row in rows(node, "select * from captures order by record_id")
        ),
        pk="record_id",
        ignore=True,
    )
    return central.conn.total_changes - before


def merge_attachments(central: Database, node: Database, files_root: Path) -> int:
    """Copy attachment rows (the latest fetch of a URL wins) with their path in the central
    export folder; returns how many URLs were new."""
    new = 0
    for row in rows(node, "select * from attachments order by url"):
        row["path"] = str(files_root / row["sha256"][:2] / Path(row["path"]).name)
        current = _one(central, "select * from attachments where url = ?", [row["url"]])
        if current is None:
            new += 1
        elif (row["fetched_at"] or "", row["sha256"]) <= (
            current["fetched_at"] or "",
            current["sha256"],
        ):
            continue
        central.table("attachments").upsert(row, pk="url")
    return new


# Articles, versions, URLs -------------------------------------------------------------------


def merge_articles(
    central: Database,
    node: Database,
    crawl_ids: dict[int, int],
    filenames: dict[tuple[str, str], str],
    counts: MergeCounts,
) -> None:
    """Merge every article of the node, with its versions and URLs; fills `counts`."""
    for url_row in rows(node, "select * from urls order by url"):
        put_url(central, **url_row)
    for row in rows(node, "select * from articles order by id"):
        counts.articles += 1
        incoming = _mapped_article(row, crawl_ids, filenames)
        current = _one(central, "select * from articles where id = ?", [row["id"]])
        copies = [incoming] if current is None else [incoming, current]
        stored = _past_versions(central, row["id"])
        node_past = [
            v | {"crawl_id": crawl_ids.get(v["crawl_id"])} for v in _past_versions(node, row["id"])
        ]
        versions = _distinct_versions([*stored, *node_past, *map(_current_version, copies)])
        winner = max(copies, key=lambda copy: _precedence(copy, versions))
        past = [v for key, v in versions.items() if key != _version_key(winner)]
        _store_past_versions(central, row["id"], stored, past)
        latest = versions[_version_key(winner)] | {"version": len(versions)}
        merged = _merge_article(incoming, current, winner, latest)
        if current is not None and merged == current:
            continue
        counts.new += current is None
        counts.updated += current is not None
        counts.changed_ids.append(row["id"])
        if current is not None:
            # The index is contentless: the entry goes with the values it was made from.
            search.unindex_article(central, _rowid(central, row["id"]), current)
        central.table("articles").upsert(merged, pk="id")
        search.index_article(central, _rowid(central, row["id"]), merged)
        _claim_urls(central, merged)


def _rowid(db: Database, article_id: str) -> int:
    return int(db.execute("select rowid from articles where id = ?", [article_id]).fetchone()[0])


def _mapped_article(
    row: dict[str, Any], crawl_ids: dict[int, int], filenames: dict[tuple[str, str], str]
) -> dict[str, Any]:
    """A node's article row with central crawl ids and WARC file names."""
    mapped = dict(
        row,
        last_crawl_id=crawl_ids.get(row["last_crawl_id"]),
        version_crawl_id=crawl_ids.get(row["version_crawl_id"]),
    )
    pointer = json.loads(row["warc"]) if row.get("warc") else None
    if pointer and (row["site"], pointer.get("filename")) in filenames:
        pointer["filename"] = filenames[(row["site"], pointer["filename"])]
        mapped["warc"] = json.dumps(pointer, ensure_ascii=False)
    return mapped


def _version_key(row: dict[str, Any]) -> tuple[str, str]:
    """What makes two versions the same: the content, and the date shown."""
    return row["content_hash"] or "", row["published_at"] or ""


def _past_versions(db: Database, article_id: str) -> list[dict[str, Any]]:
    """The article's `article_versions` rows, in order."""
    sql = "select * from article_versions where article_id = ? order by version"
    return rows(db, sql, [article_id])


def _current_version(row: dict[str, Any]) -> dict[str, Any]:
    """An article row's current version, as an `article_versions` row."""
    return {column: row[stored] for column, stored in CURRENT_VERSION.items()}


def _distinct_versions(
    versions: list[dict[str, Any]],
) -> dict[tuple[str, str], dict[str, Any]]:
    """One version per (content_hash, published_at), its earliest fetch, in fetch order."""
    earliest: dict[tuple[str, str], dict[str, Any]] = {}
    for version in versions:
        key = _version_key(version)
        kept = earliest.get(key)
        if kept is None or _fetched(version) < _fetched(kept):
            earliest[key] = version
    ordered = sorted(earliest.items(), key=lambda item: (_fetched(item[1]), *item[0]))
    return dict(ordered)


def _store_past_versions(
    central: Database, article_id: str, stored: list[dict[str, Any]], past: list[dict[str, Any]]
) -> None:
    """Rewrite the article's `article_versions` as `past`, numbered 1..n-1, if it changed."""
    numbered = [v | {"version": number} for number, v in enumerate(past, start=1)]
    if numbered != stored:
        central.execute("delete from article_versions where article_id = ?", [article_id])
        central.table("article_versions").insert_all(numbered, pk=("article_id", "version"))


def _fetched(row: dict[str, Any]) -> tuple[bool, str]:
    """Sort key: fetched_at, unknown last."""
    return row.get("fetched_at") is None, row.get("fetched_at") or ""


def _merge_article(
    incoming: dict[str, Any],
    current: dict[str, Any] | None,
    winner: dict[str, Any],
    version: dict[str, Any],
) -> dict[str, Any]:
    """The central row for an article from its central and incoming copies, the winning copy
    and its merged current version."""
    copies = [incoming] if current is None else [incoming, current]
    seen_last = max(copies, key=lambda row: (row["last_seen_at"] or "", row is winner))
    urls = {url for row in copies for url in [row["url"], *json.loads(row["alias_urls"] or "[]")]}
    first_seen = [row["first_seen_at"] for row in copies if row["first_seen_at"]]
    merged = dict(winner)
    merged |= {
        "first_seen_at": min(first_seen, default=None),
        "last_seen_at": seen_last["last_seen_at"],
        "alias_urls": json.dumps(sorted(urls - {winner["url"]}), ensure_ascii=False),
        "version": version["version"],
        "version_fetched_at": version["fetched_at"],
        "version_crawl_id": version["crawl_id"],
        "last_crawl_id": seen_last["last_crawl_id"],
        # Near-duplicate marks are recomputed over the merged archive once the node is in.
        "duplicate_of": current["duplicate_of"] if current else None,
        "listing_url": winner["listing_url"]
        or min((r["listing_url"] for r in copies if r["listing_url"]), default=None),
    }
    return merged


def _precedence(
    row: dict[str, Any], versions: dict[tuple[str, str], dict[str, Any]]
) -> tuple[Any, ...]:
    """Which copy of an article wins: its version latest in the merged order, seen last,
    content hash, and the row itself, so that no two different copies ever tie."""
    own = {k: v for k, v in row.items() if k not in MERGED_COLUMNS}
    return (
        list(versions).index(_version_key(row)),
        row["last_seen_at"] or "",
        row["content_hash"] or "",
        _canonical_json(own),
    )


def _claim_urls(central: Database, article: dict[str, Any]) -> None:
    """Point the article's URL and aliases at it, unless another article owns them first."""
    put_url(central, article["url"], article["id"], article["site"], "canonical")
    for alias in json.loads(article["alias_urls"] or "[]"):
        put_url(central, alias, article["id"], article["site"], "alias")


def put_url(
    db: Database,
    url: str,
    article_id: str,
    site: str,
    kind: str,
    first_seen_at: str | None = None,
    last_seen_at: str | None = None,
) -> None:
    """Record that `url` served `article_id`, merging the seen times with what is stored. Of two
    articles claiming a URL, the one it is canonical for keeps it, then the lower id."""
    stored = _one(db, "select * from urls where url = ?", [url])
    row: dict[str, Any] = {"url": url, "article_id": article_id, "site": site, "kind": kind}
    if stored is not None:
        if stored["article_id"] != article_id and _owner(stored) < _owner(row):
            row |= {k: stored[k] for k in ("article_id", "site", "kind")}
        first_seen_at = min(_known(stored["first_seen_at"], first_seen_at), default=None)
        last_seen_at = max(_known(stored["last_seen_at"], last_seen_at), default=None)
    row |= {"first_seen_at": first_seen_at, "last_seen_at": last_seen_at}
    if row != stored:
        db.table("urls").upsert(row, pk="url")


def _owner(row: dict[str, Any]) -> tuple[bool, str]:
    return row["kind"] != "canonical", row["article_id"]


def _known(*values: str | None) -> list[str]:
    return [value for value in values if value]


def _canonical_json(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False, default=repr)
