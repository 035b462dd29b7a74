"""`dostcrawler ingest`: merge what other nodes (Scrapyd machines) crawled into this archive.

A node export is the node's archive (`archive.sqlite`, or any `*.sqlite` named directly) and
its export folder beside it (`warc/`, `files/`, `jsonl/`; also `exports/` next to the archive,
as the Scrapyd recipe lays it out). Each node is opened read-only; one made by an older
dostcrawler is brought up to date in a temporary copy, one made by a newer one is refused.

Nothing is half-merged. Every node is checked before anything is written: its archive opens,
and every WARC file its captures name and every attachment file is there and readable. Then,
node by node, the files are copied first (WARC and CDXJ files under `warc/<site>/` with their
own names, attachments content-addressed, each verified by sha256) and the rows second, in one
transaction per node, with near-duplicate marks and the search index brought up to date.
Copied files whose rows were never committed are harmless: a later ingest finds them in place.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from dostcrawler.capture.cdxj import cdxj_path, write_cdxj
from dostcrawler.neardup import mark_duplicates
from dostcrawler.storage import merge
from dostcrawler.storage.db import Archive, ArchiveError
from dostcrawler.storage.export import atomic_file
from dostcrawler.storage.lock import ArchiveBusy, archive_lock
from dostcrawler.storage.migrations import migrations

ARCHIVE_NAME = "archive.sqlite"
CHUNK = 1 << 20
COPY_HINT = "copy the node's whole export folder (warc/, files/) beside its archive, then retry"


class IngestError(RuntimeError):
    """A node export cannot be merged; the message names the path and what to do."""


@dataclass(frozen=True)
class Node:
    """Where one node's export lies. `label` ("node-a/archive.sqlite") names it in messages
    and the summary, and in `crawls.node`, so re-ingesting the same folder is recognised."""

    label: str
    db_path: Path
    export_dir: Path


@dataclass(frozen=True)
class NodeSummary:
    """What ingesting one node did: its articles (new, updated) and the crawls, captures and
    attachments the central archive did not hold yet."""

    label: str
    counts: merge.MergeCounts

    def line(self) -> str:
        """One line for the terminal."""
        c = self.counts
        return (
            f"{self.label}: {_plural(c.articles, 'article')} ({c.new} new, {c.updated} updated), "
            f"{_plural(c.crawls, 'crawl')}, {_plural(c.captures, 'capture')}, "
            f"{_plural(c.attachments, 'attachment')}"
        )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def ingest_nodes(
    paths: Sequence[str | Path],
    *,
    db_path: str | Path,
    export_dir: str | Path,
    on_node: Callable[[NodeSummary], None] | None = None,
) -> list[NodeSummary]:
    """Merge each node export into the archive at `db_path` (files into `export_dir`), in the
    order given; holds the archive lock, so it never runs beside a crawl."""
    nodes = [locate_node(Path(path)) for path in paths]
    central_path = Path(db_path)
    for node in nodes:
        if central_path.exists() and node.db_path.resolve() == central_path.resolve():
            raise IngestError(f"{node.db_path} is the central archive itself: name a node's export")
    summaries: list[NodeSummary] = []
    try:
        with archive_lock(db_path), closing(Archive(db_path)) as archive, ExitStack() as stack:
            opened = [(node, open_node(node, archive, stack)) for node in nodes]
            for node, db in opened:
                check_files(node, db)
            for node, db in opened:
                summary = ingest_node(archive, node, db, Path(export_dir))
                summaries.append(summary)
                if on_node is not None:
                    on_node(summary)
    except (ArchiveBusy, ArchiveError) as exc:
        raise IngestError(str(exc)) from None
    return summaries


# Finding and opening a node -----------------------------------------------------------------


def locate_node(path: Path) -> Node:
    """The node export at `path`: a folder holding `archive.sqlite` (or `exports/archive.sqlite`,
    or a single `*.sqlite`), or an archive file itself."""
    if path.is_file():
        db = path
        label = f"{path.resolve().parent.name}/{path.name}"
    elif path.is_dir():
        found = [p for p in (path / ARCHIVE_NAME, path / "exports" / ARCHIVE_NAME) if p.is_file()]
        found = found or sorted(path.glob("*.sqlite"))
        if len(found) != 1:
            what = "no archive" if not found else f"{len(found)} archives"
            raise IngestError(
                f"{path}: {what} in this folder: name the node's archive file "
                f"(e.g. {path / ARCHIVE_NAME})"
            )
        db = found[0]
        label = f"{path.resolve().name}/{db.relative_to(path).as_posix()}"
    else:
        raise IngestError(f"{path}: no such folder or file: name a node's export folder")
    return Node(label, db, _export_dir(db))


def _export_dir(db: Path) -> Path:
    """The archive's folder, or its `exports/` when the files are there (the Scrapyd layout)."""
    here, below = db.parent, db.parent / "exports"
    holds_files = [(p / "warc").is_dir() or (p / "files").is_dir() for p in (here, below)]
    return below if holds_files == [False, True] else here


def open_node(node: Node, central: Archive, stack: ExitStack) -> Database:
    """The node's archive, read-only; an older schema is migrated in a temporary copy."""
    try:
        conn = sqlite3.connect(f"{node.db_path.resolve().as_uri()}?mode=ro", uri=True)
        stack.callback(conn.close)
        db = Database(conn)
        if "articles" not in db.table_names():
            raise IngestError(f"{node.db_path} is not a dostcrawler archive (no articles table)")
        applied = {m.name for m in migrations.applied(db)}
    except sqlite3.Error as exc:
        raise IngestError(
            f"cannot read {node.db_path} ({exc}): check that it is a complete copy of the "
            "node's archive and readable"
        ) from None
    known = {m.name for m in migrations.applied(central.db)}
    if applied - known:
        raise IngestError(
            f"{node.db_path} was written by a newer dostcrawler (migration "
            f"{max(applied - known)}): upgrade dostcrawler here before ingesting it"
        )
    if not known - applied:
        return db
    return _migrated_copy(node, conn, central.path.parent, stack)


def _migrated_copy(
    node: Node, conn: sqlite3.Connection, beside: Path, stack: ExitStack
) -> Database:
    """A copy of an older node archive with the current schema (the node's file is untouched);
    made beside the central archive, which has room for the node's rows anyway."""
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=".ingest-", dir=beside)))
    target = sqlite3.connect(folder / "node.sqlite")
    stack.callback(target.close)
    try:
        conn.backup(target)
        copy = Database(target)
        migrations.apply(copy)
    except sqlite3.Error as exc:
        raise IngestError(f"cannot bring {node.db_path} up to date in a copy: {exc}") from None
    return copy


# Files --------------------------------------------------------------------------------------


def _warc_files(db: Database) -> list[tuple[str, str]]:
    """(site, file name) of every WARC file the captures name."""
    sql = "select distinct site, filename from captures order by site, filename"
    return [(site, filename) for site, filename in db.execute(sql)]


def _attachment_files(db: Database) -> list[tuple[str, str]]:
    """(sha256, file name) of every attachment; the stored path is the node's own."""
    found = db.execute("select distinct sha256, path from attachments order by sha256, path")
    return sorted({(sha, Path(path).name) for sha, path in found})


def _node_warc(node: Node, site: str, filename: str) -> Path:
    return node.export_dir / "warc" / site / filename


def _node_attachment(node: Node, sha256: str, name: str) -> Path:
    return node.export_dir / "files" / sha256[:2] / name


def check_files(node: Node, db: Database) -> None:
    """Every file the node's rows point at is there and readable."""
    wanted = [_node_warc(node, *pair) for pair in _warc_files(db)]
    wanted += [_node_attachment(node, *pair) for pair in _attachment_files(db)]
    for path in wanted:
        if not path.is_file():
            raise IngestError(f"{path} is missing ({node.label} refers to it): {COPY_HINT}")
        if not os.access(path, os.R_OK):
            raise IngestError(f"cannot read {path}: make it readable, then retry")


def place_warcs(node: Node, db: Database, export_dir: Path) -> dict[tuple[str, str], str]:
    """Copy the node's WARC files (and CDXJ indexes) into `export_dir/warc/<site>/`; returns
    (site, node file name) -> central file name. A file already there with the same bytes is
    skipped; one that is a prefix of the other (copied while its crawl still ran) gives way to
    the longer one; a different file of the same name keeps it, and this one is stored as
    `<name>-<sha256 prefix>.warc.gz`."""
    names: dict[tuple[str, str], str] = {}
    for site, filename in _warc_files(db):
        source = _node_warc(node, site, filename)
        target = export_dir / "warc" / site / filename
        digest = _sha256(source)
        if target.exists() and not _contains(target, source):
            stem = filename.removesuffix(".warc.gz")
            target = target.with_name(f"{stem}-{digest[:12]}.warc.gz")
        if not target.exists() or _is_prefix(target, source):
            _copy(source, target, digest)
            _place_index(source, target, renamed=target.name != filename)
        elif not cdxj_path(target).exists():
            _place_index(source, target, renamed=target.name != filename)
        names[(site, filename)] = target.name
    return names


def _place_index(source: Path, target: Path, *, renamed: bool) -> None:
    """The CDXJ beside a placed WARC file: the node's, or written afresh (it names the file)."""
    index = cdxj_path(source)
    if index.is_file() and not renamed and target.stat().st_size == source.stat().st_size:
        _copy(index, cdxj_path(target), _sha256(index))
        return
    try:
        write_cdxj(target)
    except Exception as exc:  # cdxj-indexer raises whatever warcio meets in a damaged file
        raise IngestError(f"cannot index {source} ({exc}): copy it again from the node") from None


def place_attachments(node: Node, db: Database, export_dir: Path) -> None:
    """Copy the node's attachment files content-addressed under `export_dir/files/`."""
    for sha256, name in _attachment_files(db):
        target = export_dir / "files" / sha256[:2] / name
        if not target.exists():
            _copy(_node_attachment(node, sha256, name), target, sha256)


class _Mismatch(Exception):
    """The bytes copied are not the ones the node's archive names."""


def _copy(source: Path, target: Path, digest: str) -> None:
    """Copy through a temporary file (atomic_file: the umask's mode, like every file the
    crawl writes), checking the bytes against `digest` on the way."""
    try:
        with atomic_file(target, binary=True) as out, open(source, "rb") as src:
            sha = hashlib.sha256()
            while chunk := src.read(CHUNK):
                sha.update(chunk)
                out.write(chunk)
            if sha.hexdigest() != digest:
                raise _Mismatch
    except _Mismatch:
        raise IngestError(
            f"{source} does not match its sha256 {digest}: copy it again from the node"
        ) from None
    except OSError as exc:
        where = exc.filename or target
        raise IngestError(f"cannot copy {source} to {target}: {where}: {exc.strerror}") from None


def _sha256(path: Path, limit: int | None = None) -> str:
    """The sha256 of a file, or of its first `limit` bytes."""
    sha = hashlib.sha256()
    left = limit
    try:
        with open(path, "rb") as handle:
            while left is None or left > 0:
                chunk = handle.read(CHUNK if left is None else min(CHUNK, left))
                if not chunk:
                    break
                sha.update(chunk)
                left = None if left is None else left - len(chunk)
    except OSError as exc:
        raise IngestError(f"cannot read {path}: {exc.strerror}") from None
    return sha.hexdigest()


def _is_prefix(shorter: Path, longer: Path) -> bool:
    """True when `longer` starts with every byte of (and is longer than) `shorter`."""
    size = shorter.stat().st_size
    return longer.stat().st_size > size and _sha256(longer, size) == _sha256(shorter)


def _contains(target: Path, source: Path) -> bool:
    """True when the placed file can stand for `source`: the same bytes, or one holds the other
    at its start (every record offset the node's captures name is valid in the longer one)."""
    small, large = sorted((target, source), key=lambda p: p.stat().st_size)
    return _sha256(large, small.stat().st_size) == _sha256(small)


# Rows ---------------------------------------------------------------------------------------


def ingest_node(archive: Archive, node: Node, db: Database, export_dir: Path) -> NodeSummary:
    """Copy one node's files, then merge its rows in one transaction."""
    filenames = place_warcs(node, db, export_dir)
    place_attachments(node, db, export_dir)
    counts = merge.MergeCounts()
    central = archive.db
    with central.atomic():
        merge.merge_sites(central, db)
        crawl_ids, counts.crawls = merge.merge_crawls(central, db, node.label)
        counts.captures = merge.merge_captures(central, db, crawl_ids, filenames)
        counts.attachments = merge.merge_attachments(central, db, export_dir / "files")
        merge.merge_articles(central, db, crawl_ids, filenames, counts)
        for article_id in counts.changed_ids:
            row = merge.rows(
                central,
                "select id, site, published_at, first_seen_at, body from articles where id = ?",
                [article_id],
            )[0]
            mark_duplicates(central, *row.values())
    return NodeSummary(node.label, counts)
