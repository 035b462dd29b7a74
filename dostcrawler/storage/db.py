"""The archive: one SQLite file, written through sqlite-utils.

WAL mode and a busy timeout let data teams read while a crawl writes. Upserts on `id` make a
re-run idempotent. A changed article keeps its current version in `articles` alone and moves
the one it replaces into `article_versions` (the view `article_history` shows them all).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from dostcrawler import __version__
from dostcrawler.capture.warc import Capture
from dostcrawler.items import RECORD_FIELDS, Article, AttachmentFile
from dostcrawler.profiles.model import SiteProfile
from dostcrawler.storage import search
from dostcrawler.storage.files import store_file
from dostcrawler.storage.migrations import LIST_COLUMNS, migrations
from dostcrawler.storage.provinces import write_provinces_table
from dostcrawler.storage.runstats import summarize
from dostcrawler.storage.views import CURRENT_VERSION, ensure_views

BUSY_TIMEOUT_MS = 30_000
# The longest a deferred unit (an article, a capture's row) waits to be committed: a commit per
# article cost about half a millisecond of CPU (a WAL write, a search-index segment), a tenth
# of a page's whole cost; a process killed meanwhile loses at most this much of its work,
# never part of a unit, and the next run fetches those pages again.
DEFERRED_COMMIT_S = 1.0
CAPTURE_FIELDS = tuple(f.name for f in fields(Capture))

# Besides the content hash (title, lead, body, authors), what a reader sees change: a corrected
# date or source makes a new version too, never a silent rewrite of the row.
VERSIONED_METADATA = ("published_at", "source", "category")


def record_changed(existing: dict[str, Any], article: Article) -> bool:
    """True when storing `article` over the `existing` row makes a new version."""
    return existing["content_hash"] != article.content_hash or any(
        existing[name] != getattr(article, name) for name in VERSIONED_METADATA
    )


class ArchiveError(RuntimeError):
    """The archive file cannot be opened or written."""


def archive_folder(path: Path) -> None:
    """Make the archive's folder if only it is missing (`exports/` on a first run); a path
    deeper than that is a typo more often than a wish, so it is refused, never created."""
    folder = path.parent
    if folder.is_dir():
        return
    if not folder.parent.is_dir():
        raise ArchiveError(f"cannot open the archive {path}: the folder {folder} does not exist")
    try:
        folder.mkdir()
    except OSError as exc:
        raise ArchiveError(
            f"cannot open the archive {path}: cannot create the folder {folder} ({exc.strerror})"
        ) from None


def utc_now() -> str:
    """Now, UTC, ISO 8601 with a Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Archive:
    """The SQLite archive of one or many sites."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._units_open = 0
        self._batch_started: float | None = None  # when the uncommitted units began
        archive_folder(self.path)
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
            self.db = Database(conn)
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db.enable_wal()
            # With WAL, NORMAL syncs at checkpoints instead of at every commit: a killed
            # process (kill -9) still loses no committed article, and a power cut can lose
            # only the last commits, never the file's integrity; the next run fetches those.
            self.db.execute("PRAGMA synchronous = NORMAL")
            migrations.apply(self.db)
            write_provinces_table(self.db)
            ensure_views(self.db)
        except (OSError, sqlite3.Error) as exc:
            raise ArchiveError(f"cannot open the archive {self.path}: {exc}") from None

    def close(self) -> None:
        """Commit what is written and close the connection."""
        self.commit()
        self.db.close()

    def rollback(self, *, close: bool) -> None:
        """Give up what is uncommitted (a write failed: the file keeps its last commit)."""
        with contextlib.suppress(sqlite3.Error):
            self.db.conn.rollback()
        self._batch_started, self._units_open = None, 0
        if close:
            self.db.close()

    @contextmanager
    def transaction(self, *, deferred: bool = False) -> Iterator[None]:
        """One unit of writes (an article with its URLs and index entries, a run's row), all
        or nothing, committed as it ends. A `deferred` unit (a stored article, a capture's
        row) is committed with the units that follow it, once DEFERRED_COMMIT_S have passed
        since the oldest uncommitted one (commit_due, on a timer, sees to a last unit that no
        other follows): units are committed in the order they were written, so a process
        killed meanwhile loses the newest whole units, never part of one. Units nest (the
        outermost one commits); inside a transaction the caller opened, they are the
        caller's to commit."""
        if not self.db.conn.in_transaction:
            self.db.execute("BEGIN")
            self._batch_started = time.monotonic()
        self._units_open += 1
        try:
            with self.db.atomic():  # a savepoint: a unit that fails is undone alone
                yield
        finally:
            self._units_open -= 1
        if self._units_open or self._batch_started is None:
            return
        if deferred:
            self.commit_due()
        else:
            self.commit()

    def commit_due(self) -> None:
        """Commit the deferred units once the oldest has waited DEFERRED_COMMIT_S."""
        started = self._batch_started
        if started is not None and time.monotonic() - started >= DEFERRED_COMMIT_S:
            self.commit()

    def commit(self) -> None:
        """Commit the units written so far."""
        if self._batch_started is not None and self.db.conn.in_transaction:
            self.db.conn.commit()
        self._batch_started = None

    # Runs -----------------------------------------------------------------------------------

    def start_crawl(self, site: str, mode: str, profile: SiteProfile | None = None) -> int:
        """A new `crawls` row for a run that starts now, with the profile it runs with; its id."""
        row: dict[str, Any] = {
            "site": site,
            "mode": mode,
            "started_at": utc_now(),
            "status": "running",
            "dostcrawler_version": __version__,
        }
        if profile is not None and profile.source_data:
            row["profile"] = profile.source_data
            row["profile_source"] = profile.path
            row["profile_sha256"] = hashlib.sha256(profile.source_data.encode()).hexdigest()
            row["platform"] = profile.platform
        table = self.db.table("crawls")
        with self.transaction():
            table.insert(row)
        self.commit()  # a run's row is never held back with the units that follow
        return int(str(table.last_pk))

    def close_stale_runs(self) -> int:
        """Mark runs that never closed (killed, crashed) as interrupted; call it while holding
        the archive lock, when no other crawl can be running. Returns how many."""
        with self.transaction():
            cursor = self.db.execute(
                "update crawls set status = 'interrupted' where status = 'running'"
            )
        self.commit()
        return int(cursor.rowcount)

    def finish_crawl(
        self,
        crawl_id: int,
        *,
        status: str,
        stats: dict[str, Any],
        jsonl_path: str | None,
        reason: str = "",
        covers_catalogue: bool = False,
        platform: str | None = None,
        templates: list[dict[str, Any]] | None = None,
    ) -> None:
        """Close a run's row with its outcome, its headline numbers and the full stats, and
        what generic mode settled on (the platform it adopted, the templates it learned)."""
        learned: dict[str, Any] = {}
        if platform is not None:
            learned["platform"] = platform
        if templates is not None:
            learned["templates"] = json.dumps(templates, ensure_ascii=False, sort_keys=True)
        summary = {
            key: json.dumps(value, sort_keys=True) if isinstance(value, dict) else value
            for key, value in summarize(stats).items()
        }
        row = {
            "finished_at": utc_now(),
            "status": status,
            "status_reason": reason or None,
            "covers_catalogue": int(covers_catalogue),
            "stats": json.dumps(stats, ensure_ascii=False, sort_keys=True, default=str),
            "jsonl_path": jsonl_path,
            **summary,
            **learned,
        }
        with self.transaction():
            self.db.table("crawls").update(crawl_id, row)
        self.commit()  # with every unit before it

    def record_site(self, profile: SiteProfile) -> None:
        """Keep the `sites` table in step with the profile used."""
        row = {
            "name": profile.name,
            "province": profile.province,
            "merged_into": profile.merged_into,
            "publisher": profile.publisher,
            "platform": profile.platform,
            "domains": json.dumps(list(profile.domains)),
            "start_urls": json.dumps(list(profile.start_urls)),
            "verified": int(profile.verified),
        }
        with self.transaction():
            self.db.table("sites").upsert(row, pk="name")

    def extraction_record(self, site: str) -> dict[str, Any] | None:
        """The newest run of the site that recorded its profile: `profile` (JSON),
        `profile_source`, `profile_sha256`, `platform` and `templates` (JSON or None)."""
        rows = list(
            self.db.table("crawls").rows_where(
                "site = ? and profile is not null",
                [site],
                order_by="id desc",
                limit=1,
                select="id, profile, profile_source, profile_sha256, platform, templates",
            )
        )
        return rows[0] if rows else None

    def back_catalogue_covered(self, site: str) -> bool:
        """True when the site's newest crawl left the archive holding everything the site
        lists (see runstats.covers_back_catalogue); False before the first run."""
        row = self.db.execute(
            "select covers_catalogue from crawls where site = ? and mode != 'reextract' "
            "order by id desc limit 1",
            [site],
        ).fetchone()
        return bool(row and row[0])

    # Articles -------------------------------------------------------------------------------

    def article_ids(self, site: str) -> list[str]:
        """Ids of every article of the site the archive holds."""
        return [row[0] for row in self.db.execute("select id from articles where site = ?", [site])]

    def article_url(self, article_id: str) -> str | None:
        """The URL of one article, if the archive holds it."""
        row = self.db.execute("select url from articles where id = ?", [article_id]).fetchone()
        return str(row[0]) if row else None

    def get_article(self, article_id: str) -> dict[str, Any] | None:
        """The current row of one article, lists decoded."""
        rows = list(_records(self.db.execute("select * from articles where id = ?", [article_id])))
        return rows[0] if rows else None

    def first_seen_at(self, article_id: str) -> str | None:
        """When the archive first stored an article (None if it holds no such article)."""
        sql = "select first_seen_at from articles where id = ?"
        row = self.db.execute(sql, [article_id]).fetchone()
        return row[0] if row else None

    def find_same_content(self, site: str, content_hash: str, other_than: str) -> str | None:
        """The id of another article of the site with exactly this content, if any."""
        rows = self.db.execute(
            "select id from articles where site = ? and content_hash = ? and id != ? "
            "order by first_seen_at, id limit 1",
            [site, content_hash, other_than],
        ).fetchall()
        return str(rows[0][0]) if rows else None

    def upsert_article(
        self, article: Article, crawl_id: int, other_aliases: dict[str, set[str]] | None = None
    ) -> str:
        """Store one article; returns "new", "updated" or "unchanged". `other_aliases` (more
        addresses of articles already stored) go in the same transaction, so a run killed at
        any moment leaves each page's findings either all saved or not at all."""
        assert article.id is not None
        now = article.fetched_at or utc_now()
        existing = self.get_article(article.id)
        # A shallow copy (asdict copies every list deeply): the lists are only read.
        record = {name: getattr(article, name) for name in RECORD_FIELDS}
        record["last_crawl_id"] = crawl_id
        record["last_seen_at"] = now
        if existing is None:
            outcome = "new"
            record["first_seen_at"] = now
            record["version"] = 1
        else:
            record["first_seen_at"] = existing["first_seen_at"]
            record["alias_urls"] = sorted(set(existing["alias_urls"]) | set(article.alias_urls))
            changed = record_changed(existing, article)
            record["version"] = existing["version"] + 1 if changed else existing["version"]
            outcome = "updated" if changed else "unchanged"
        if outcome != "unchanged":
            # Later fetches that find this version unchanged move fetched_at and last_crawl_id
            # on; the fetch and run that produced it stay with the version.
            record["version_fetched_at"] = record["fetched_at"]
            record["version_crawl_id"] = crawl_id
        with self.transaction():
            if outcome == "updated":
                self._archive_current_version(article.id)
            self._upsert_row(encode_row(record))
            # The indexed texts are what content_hash covers: the same hash, the same entry.
            if existing is None or existing["content_hash"] != record["content_hash"]:
                rowid = self._rowid(article.id)  # an upsert keeps a row's rowid
                if existing is not None:
                    search.unindex_article(self.db, rowid, existing)
                search.index_article(self.db, rowid, record)
            self._see_urls([record["url"]], article.id, article.site, "canonical", now)
            self._see_urls(record["alias_urls"], article.id, article.site, "alias", now)
            for other, urls in sorted((other_aliases or {}).items()):
                self._merge_aliases(other, urls, now)
        return outcome

    def add_aliases(self, article_id: str, urls: list[str]) -> None:
        """Record more URLs that served an article already stored."""
        with self.transaction():
            self._merge_aliases(article_id, set(urls), utc_now())

    def _merge_aliases(self, article_id: str, urls: set[str], now: str) -> None:
        # Only the columns it needs: the whole row (its body twice, as text and HTML) is read
        # and decoded for every article stored whose page linked articles stored before it.
        sql = "select url, site, alias_urls from articles where id = ?"
        row = self.db.execute(sql, [article_id]).fetchone()
        if row is None:
            return
        url, site, stored = row[0], row[1], json.loads(row[2]) if row[2] else []
        aliases = sorted((set(stored) | urls) - {url})
        if aliases != stored:
            self.db.execute(
                "update articles set alias_urls = ? where id = ?",
                [json.dumps(aliases), article_id],
            )
        self._see_urls(aliases, article_id, site, "alias", now)

    def keep_pending_aliases(self, aliases: dict[str, set[str]]) -> None:
        """Addresses met for articles not stored yet (article id -> URLs). A run may end
        (Ctrl-C, kill -9, a failed page) before it stores an article whose other addresses it
        met on pages the next run will not fetch again: the run that stores the article takes
        them (take_pending_aliases), so a resumed crawl records every address an
        uninterrupted one would."""
        now = utc_now()
        self.db.conn.executemany(
            "insert or ignore into pending_aliases (url, article_id, site, first_seen_at) "
            "values (?, ?, ?, ?)",
            [
                (url, article_id, article_id.split(":", 1)[0], now)
                for article_id, urls in sorted(aliases.items())
                for url in sorted(urls)
            ],
        )

    def take_pending_aliases(self, article_id: str) -> set[str]:
        """The addresses kept for an article about to be stored, no longer pending."""
        sql = "select url from pending_aliases where article_id = ?"
        urls = {str(url) for (url,) in self.db.execute(sql, [article_id])}
        if urls:
            self.db.execute("delete from pending_aliases where article_id = ?", [article_id])
        return urls

    def drop_pending_aliases(self, article_ids: set[str]) -> None:
        """Forget the addresses of articles found gone (404, 410): never to be stored."""
        self.db.conn.executemany(
            "delete from pending_aliases where article_id = ?", [(i,) for i in sorted(article_ids)]
        )

    def set_listing_url(self, article_id: str, listing_url: str) -> None:
        """Record where an article is listed, if nothing was recorded yet."""
        with self.transaction():
            self.db.execute(
                "update articles set listing_url = ? where id = ? and listing_url is null",
                [listing_url, article_id],
            )

    def _archive_current_version(self, article_id: str) -> None:
        """Copy the article's current version into `article_versions`, before it is replaced."""
        columns = ", ".join(CURRENT_VERSION)
        stored = ", ".join(CURRENT_VERSION.values())
        self.db.execute(
            f"insert or replace into article_versions ({columns}) "
            f"select {stored} from articles where id = ?",
            [article_id],
        )

    def _upsert_row(self, row: dict[str, Any]) -> None:
        """sqlite-utils' upsert of one `articles` row as one statement: its own reads the
        table's schema on every call, and this runs once per stored article."""
        names = [f'"{name}"' for name in row]
        updates = ", ".join(f"{name} = excluded.{name}" for name in names if name != '"id"')
        self.db.execute(
            f"insert into articles ({', '.join(names)}) values ({', '.join('?' * len(row))}) "
            f"on conflict (id) do update set {updates}",
            list(row.values()),
        )

    def _rowid(self, article_id: str) -> int:
        return int(
            self.db.execute("select rowid from articles where id = ?", [article_id]).fetchone()[0]
        )

    def reindex_search(self) -> int:
        """Rebuild the search index from the articles (after a bulk change such as an ingest,
        or to repair it), inside the caller's transaction if there is one; returns how many
        articles it holds. (A contentless index cannot drop an entry whose old text is gone,
        so a bulk change rebuilds it whole.)"""
        with self.db.atomic():
            return search.rebuild_index(self.db)

    def _see_urls(self, urls: list[str], article_id: str, site: str, kind: str, now: str) -> None:
        # One statement per URL that keeps first_seen_at (sqlite-utils' upsert would overwrite
        # it, or need a read first).
        self.db.conn.executemany(
            "insert into urls (url, article_id, site, kind, first_seen_at, last_seen_at) "
            "values (?, ?, ?, ?, ?, ?) on conflict (url) do update set "
            "article_id = excluded.article_id, site = excluded.site, kind = excluded.kind, "
            "last_seen_at = excluded.last_seen_at",
            [(url, article_id, site, kind, now, now) for url in urls],
        )

    # Attachments ----------------------------------------------------------------------------

    def attachment_urls(self, site: str) -> list[str]:
        """URLs of the site's attachments already downloaded."""
        sql = "select url from attachments where site = ?"
        return [row[0] for row in self.db.execute(sql, [site])]

    def attachments_not_downloaded(self, site: str) -> list[tuple[str, dict[str, str]]]:
        """(article id, attachment) of the site's stored articles whose file never came (a
        run killed or failed before it fetched them, the article itself being stored)."""
        sql = (
            "select a.id, j.value from articles a, json_each(a.attachments) j "
            "where a.site = ? and json_extract(j.value, '$.url') not in "
            "(select url from attachments where site = ?) order by a.id, j.key"
        )
        return [(str(i), json.loads(value)) for i, value in self.db.execute(sql, [site, site])]

    def store_attachment(self, item: AttachmentFile, root: Path) -> None:
        """Save the file content-addressed under `root` and record it."""
        digest, path = store_file(root, item.body, item.media_type)
        site = item.article_id.split(":", 1)[0]
        with self.transaction():
            self.db.table("attachments").upsert(
                {
                    "url": item.url,
                    "article_id": item.article_id,
                    "site": site,
                    "name": item.name,
                    "media_type": item.media_type,
                    "served_type": item.served_type,
                    "sha256": digest,
                    "size": len(item.body),
                    "path": str(path),
                    "fetched_at": utc_now(),
                },
                pk="url",
            )

    # Captures -------------------------------------------------------------------------------

    def find_capture(self, url: str, digest: str) -> Capture | None:
        """The newest full response record of this URL with this payload, if any."""
        return find_capture(self.db, url, digest)

    def capture(self, record_id: str) -> Capture | None:
        """One capture by its WARC-Record-ID."""
        return capture_by_id(self.db, record_id)

    def add_capture(self, capture: Capture, crawl_id: int, site: str) -> None:
        """Record one written WARC record."""
        row = asdict(capture) | {"crawl_id": crawl_id, "site": site}
        # Plain SQL: one row per response, and sqlite-utils' insert reads the table's schema
        # on every call. Committed with the page's article, never on its own.
        sql = f"insert into captures ({', '.join(row)}) values ({', '.join('?' * len(row))})"
        with self.transaction(deferred=True):
            self.db.execute(sql, list(row.values()))

    # Queries --------------------------------------------------------------------------------

    def iter_articles(
        self, *, site: str | None = None, since: str | None = None, crawl_id: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Articles in export order: site, published_at (undated last), id."""
        where: list[str] = []
        params: list[str | int] = []
        if site:
            where.append("site = ?")
            params.append(site)
        if since:
            where.append("published_at >= ?")
            params.append(since)
        if crawl_id is not None:
            where.append("last_crawl_id = ?")
            params.append(crawl_id)
        sql = "select * from articles"
        if where:
            sql += " where " + " and ".join(where)
        sql += " order by site, published_at is null, published_at, id"
        yield from _records(self.db.execute(sql, params))

    def search(
        self, query: str, *, site: str | None = None, since: str | None = None, limit: int = 20
    ) -> list[search.Hit]:
        """Full-text search, with or without diacritics, best first (see storage.search)."""
        return search.search(self.db, query, site=site, since=since, limit=limit)

    LOW_CONFIDENCE_QUERY = (
        "select id, url, json_extract(extractor, '$.confidence') as confidence, "
        "json_extract(extractor, '$.disagreements') as disagreements from articles "
        "where json_extract(extractor, '$.low_confidence')"
    )

    def site_stats(self) -> list[dict[str, Any]]:
        """Per site ever crawled (with or without articles): article count, low-confidence
        count, date range, last crawl and its status."""
        sql = """
            with known as (select site from crawls union select site from articles),
            counts as (
                select site, count(*) as articles,
                       sum(coalesce(json_extract(extractor, '$.low_confidence'), 0))
                           as low_confidence,
                       min(published_at) as first_published,
                       max(published_at) as last_published
                from articles group by site
            )
            select k.site, coalesce(n.articles, 0) as articles,
                   coalesce(n.low_confidence, 0) as low_confidence,
                   n.first_published, n.last_published,
                   (select max(c.started_at) from crawls c where c.site = k.site) as last_crawl,
                   (select c.status from crawls c where c.site = k.site
                    order by c.id desc limit 1) as last_status
            from known k left join counts n on n.site = k.site order by k.site
        """
        cursor = self.db.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]


def find_capture(db: Database, url: str, digest: str) -> Capture | None:
    """The newest full response record of this URL with this payload, if any."""
    row = db.execute(
        f"select {', '.join(CAPTURE_FIELDS)} from captures where url = ? and digest = ? "
        "and record_type = 'response' order by captured_at desc limit 1",
        [url, digest],
    ).fetchone()
    return Capture(*row) if row else None


def capture_by_id(db: Database, record_id: str) -> Capture | None:
    """One capture by its WARC-Record-ID."""
    rows = list(db.table("captures").rows_where("record_id = ?", [record_id]))
    return _capture(rows[0]) if rows else None


def _capture(row: dict[str, Any]) -> Capture:
    return Capture(**{k: v for k, v in row.items() if k not in ("crawl_id", "site")})


def _records(cursor: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
    """The `articles` rows a query selected (`select *`), as records."""
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield decode_row(dict(zip(names, values, strict=True)))


def encode_row(record: dict[str, Any]) -> dict[str, Any]:
    """Lists and dicts as JSON text (UTF-8, unescaped)."""
    return {
        key: json.dumps(value, ensure_ascii=False, sort_keys=key == "extractor")
        if key in LIST_COLUMNS
        else value
        for key, value in record.items()
    }


def decode_row(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row back as a record: JSON columns decoded, every record key present."""
    record = {name: row.get(name) for name in RECORD_FIELDS}
    for key in LIST_COLUMNS:
        value = record.get(key)
        record[key] = (
            json.loads(value) if isinstance(value, str) else ([] if key != "extractor" else {})
        )
    return record
