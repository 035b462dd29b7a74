"""The archive: idempotent migrations, upserts, versions, aliases, search, JSONL."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from dostcrawler.capture.warc import Capture
from dostcrawler.extract.text import fold_diacritics
from dostcrawler.items import RECORD_FIELDS, Article
from dostcrawler.pipelines.normalize import NormalizePipeline
from dostcrawler.storage import search
from dostcrawler.storage.db import Archive, ArchiveError, encode_row
from dostcrawler.storage.export import write_jsonl
from dostcrawler.storage.migrations import m011_past_versions_only, migrations


def _article(**changes: object) -> Article:
    article = Article(
        id="vinhphuc:tintuchoatdong-1",
        site="vinhphuc",
        url="https://sokhcn.vinhphuc.gov.vn/noidung/tintuc/Lists/TinTucHoatDong/View_Detail.aspx?ItemID=1",
        title="Hội nghị chuyển đổi số năm 2022",
        body="Đoạn một về chuyển đổi số.\n\nĐoạn hai.",
        authors=["Thu Huyên"],
        published_at="2022-01-19",
        fetched_at="2026-11-26T00:00:00Z",
    )
    return NormalizePipeline().process_item(replace(article, **changes))  # type: ignore[arg-type]


def test_m006_upgrades_an_archive_of_the_previous_schema(tmp_path: Path) -> None:
    """Runs that finished before runs recorded their coverage are taken to have covered the
    site (they were the ones incremental runs stopped after); nothing else changes."""
    path = tmp_path / "old.sqlite"
    old = Database(path)
    migrations.apply(old, stop_before="m006_crawl_profile")
    for status in ("finished", "failed"):
        old.table("crawls").insert({"site": "vinhphuc", "mode": "incremental", "status": status})
    old.close()
    Archive(path).close()
    with sqlite3.connect(path) as conn:
        rows = conn.execute("select status, covers_catalogue, profile from crawls order by id")
        assert rows.fetchall() == [("finished", 1, None), ("failed", 0, None)]


def test_migrations_apply_once(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    Archive(path).close()
    archive = Archive(path)
    try:
        applied = [row["name"] for row in archive.db.table("_sqlite_migrations").rows]
        assert applied == [
            "m001_initial",
            "m002_captures",
            "m003_attachments",
            "m004_crawl_summary",
            "m005_near_duplicates",
            "m006_crawl_profile",
            "m007_contentless_search",
            "m008_compact_lsh",
            "m009_retries",
            "m010_crawl_node",
            "m011_past_versions_only",
            "m012_pending_aliases",
        ]
        assert archive.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    finally:
        archive.close()


def _rows(db: Database, sql: str) -> list[tuple[Any, ...]]:
    return db.execute(sql).fetchall()


HISTORY = "select article_id, version, content_hash, fetched_at, crawl_id, is_current "
HISTORY += "from article_history order by article_id, version"


def test_upsert_is_idempotent_and_a_change_keeps_the_replaced_version(tmp_path: Path) -> None:
    """A crawl, a crawl finding it unchanged, an edit, a second edit: article_versions holds
    versions 1 and 2, articles version 3, article_history all three."""
    first = _article()
    edited = _article(
        body="Đoạn một về chuyển đổi số.\n\nĐoạn hai, đã sửa.", fetched_at="2026-11-28T00:00:00Z"
    )
    again = _article(title="Hội nghị chuyển đổi số năm 2022 (cập nhật)", body=edited.body)
    again.fetched_at = "2026-11-29T00:00:00Z"
    assert len({first.content_hash, edited.content_hash, again.content_hash}) == 3
    archive = Archive(tmp_path / "a.sqlite")
    try:
        crawls = [archive.start_crawl("vinhphuc", "full") for _ in range(4)]
        assert archive.upsert_article(first, crawls[0]) == "new"
        assert archive.db.table("article_versions").count == 0
        refetched = replace(first, fetched_at="2026-11-27T00:00:00Z")
        assert archive.upsert_article(refetched, crawls[1]) == "unchanged"
        assert archive.upsert_article(edited, crawls[2]) == "updated"
        assert archive.upsert_article(again, crawls[3]) == "updated"
        assert archive.upsert_article(again, crawls[3]) == "unchanged"
        row = archive.get_article(first.id)
        assert row is not None and (row["version"], row["body"]) == (3, again.body)
        past = "select version, content_hash, title, body, fetched_at, crawl_id from "
        past += "article_versions where article_id = ? order by version"
        assert archive.db.execute(past, [first.id]).fetchall() == [
            (1, first.content_hash, first.title, first.body, first.fetched_at, crawls[0]),
            (2, edited.content_hash, edited.title, edited.body, edited.fetched_at, crawls[2]),
        ]
        # The first version keeps its own fetch, not the later one that found it unchanged.
        assert _rows(archive.db, HISTORY) == [
            (first.id, 1, first.content_hash, first.fetched_at, crawls[0], 0),
            (first.id, 2, edited.content_hash, edited.fetched_at, crawls[2], 0),
            (first.id, 3, again.content_hash, again.fetched_at, crawls[3], 1),
        ]
        assert archive.db.table("articles").count == 1
    finally:
        archive.close()


def test_a_version_refetched_unchanged_keeps_its_fetch_and_run(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a.sqlite")
    try:
        crawls = [archive.start_crawl("vinhphuc", "full") for _ in range(2)]
        archive.upsert_article(_article(), crawls[0])
        archive.upsert_article(_article(fetched_at="2026-12-01T00:00:00Z"), crawls[1])
        sql = "select fetched_at, last_crawl_id, version_fetched_at, version_crawl_id from articles"
        assert _rows(archive.db, sql) == [
            ("2026-12-01T00:00:00Z", crawls[1], "2026-11-26T00:00:00Z", crawls[0])
        ]
    finally:
        archive.close()


# m011: an archive made when article_versions also held the current version -----------------

OLD_VERSIONS = "select article_id, version, content_hash, title, lead, body, published_at, "
OLD_VERSIONS += "authors, fetched_at, crawl_id from {} order by article_id, version"


def _old_layout_archive(path: Path) -> None:
    """An archive of schema m010 as its code wrote it: article 1 edited once and refetched
    unchanged since, article 2 never edited, article 3 (hand-made) without a version row."""
    db = Database(path)
    migrations.apply(db, stop_before="m011_past_versions_only")
    for _ in range(3):
        db.table("crawls").insert({"site": "vinhphuc", "mode": "full", "status": "finished"})
    one = _article()
    one_edited = _article(body="Đoạn một, đã sửa.", fetched_at="2026-11-27T00:00:00Z")
    two = _article(id="vinhphuc:tintuchoatdong-2", url=one.url.replace("=1", "=2"))
    three = _article(id="vinhphuc:tintuchoatdong-3", url=one.url.replace("=1", "=3"))
    articles = [
        (one_edited, 2, "2026-11-28T00:00:00Z", 3),  # (current, version, fetched_at, last crawl)
        (two, 1, two.fetched_at, 1),
        (three, 1, three.fetched_at, 2),
    ]
    for article, version, fetched_at, crawl in articles:
        record = asdict(article) | {"version": version, "fetched_at": fetched_at}
        record |= {"last_crawl_id": crawl, "first_seen_at": one.fetched_at}
        db.table("articles").insert(encode_row(record))
    for article, version, crawl in ((one, 1, 1), (one_edited, 2, 2), (two, 1, 1)):
        db.table("article_versions").insert(
            {"article_id": article.id, "version": version}
            | {k: getattr(article, k) for k in ("content_hash", "title", "lead", "body")}
            | {
                "published_at": article.published_at,
                "authors": json.dumps(article.authors, ensure_ascii=False),
                "fetched_at": article.fetched_at,
                "crawl_id": crawl,
            }
        )
    search.rebuild_index(db)  # as upsert_article indexed each article
    db.close()


def test_m011_keeps_only_past_versions_and_loses_none(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _old_layout_archive(path)
    with sqlite3.connect(path) as conn:
        before = conn.execute(OLD_VERSIONS.format("article_versions")).fetchall()
        # Article 3 has no version row: its version is its own fetch and run.
        three = conn.execute(
            "select id, version, content_hash, title, lead, body, published_at, authors, "
            "fetched_at, last_crawl_id from articles where id like '%-3'"
        ).fetchone()
    archive = Archive(path)
    try:
        db = archive.db
        assert [r[:2] for r in _rows(db, OLD_VERSIONS.format("article_versions"))] == [
            ("vinhphuc:tintuchoatdong-1", 1)
        ]
        history = _rows(db, OLD_VERSIONS.format("article_history"))
        assert history == [*before, three]
        sql = "select id, version, fetched_at, version_fetched_at, version_crawl_id from articles"
        assert _rows(db, sql + " order by id") == [
            ("vinhphuc:tintuchoatdong-1", 2, "2026-11-28T00:00:00Z", "2026-11-27T00:00:00Z", 2),
            ("vinhphuc:tintuchoatdong-2", 1, "2026-11-26T00:00:00Z", "2026-11-26T00:00:00Z", 1),
            ("vinhphuc:tintuchoatdong-3", 1, "2026-11-26T00:00:00Z", "2026-11-26T00:00:00Z", 2),
        ]
        with db.atomic():  # a second run changes nothing
            m011_past_versions_only(db)
        assert _rows(db, OLD_VERSIONS.format("article_history")) == history
        # The next edit moves version 2, with its own fetch and run, into article_versions.
        crawl = archive.start_crawl("vinhphuc", "full")
        archive.upsert_article(
            _article(body="Lần thứ ba.", fetched_at="2026-12-01T00:00:00Z"), crawl
        )
        assert _rows(db, OLD_VERSIONS.format("article_versions")) == before[:2]
        assert [r[:2] for r in _rows(db, OLD_VERSIONS.format("article_history"))][:3] == [
            ("vinhphuc:tintuchoatdong-1", 1),
            ("vinhphuc:tintuchoatdong-1", 2),
            ("vinhphuc:tintuchoatdong-1", 3),
        ]
    finally:
        archive.close()


def test_m011_is_one_transaction(tmp_path: Path) -> None:
    """A migration that fails half-way leaves the archive as it was, and runs again later."""
    path = tmp_path / "old.sqlite"
    _old_layout_archive(path)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "create trigger refuse before delete on article_versions "
            "begin select raise(abort, 'disk full'); end"
        )
        before = conn.execute(OLD_VERSIONS.format("article_versions")).fetchall()
        columns = [row[1] for row in conn.execute("pragma table_info(articles)")]
    with pytest.raises(ArchiveError, match="disk full"):
        Archive(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute(OLD_VERSIONS.format("article_versions")).fetchall() == before
        assert [row[1] for row in conn.execute("pragma table_info(articles)")] == columns
        applied = conn.execute("select name from _sqlite_migrations").fetchall()
        assert ("m011_past_versions_only",) not in applied
        conn.execute("drop trigger refuse")
    Archive(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("select count(*) from article_versions").fetchone() == (1,)


def test_aliases_are_recorded_once(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a.sqlite")
    try:
        crawl = archive.start_crawl("vinhphuc", "full")
        archive.upsert_article(_article(), crawl)
        alias = "https://sokhcn.vinhphuc.gov.vn/noidung/tintuc/lists/tintuchoatdong/view_detail.aspx?itemid=1"
        archive.add_aliases("vinhphuc:tintuchoatdong-1", [alias, alias])
        row = archive.get_article("vinhphuc:tintuchoatdong-1")
        assert row is not None and row["alias_urls"] == [alias]
        kinds = {r["url"]: r["kind"] for r in archive.db.table("urls").rows}
        assert kinds == {row["url"]: "canonical", alias: "alias"}
    finally:
        archive.close()


def test_an_article_is_one_commit_and_a_capture_row_waits_for_it(tmp_path: Path) -> None:
    """A run killed at any moment leaves an article's row, URLs and search entry all saved or
    none; the capture row of its page costs no commit of its own."""
    archive = Archive(tmp_path / "a.sqlite")
    reader = sqlite3.connect(tmp_path / "a.sqlite")
    alias = "https://sokhcn.vinhphuc.gov.vn/noidung/tintuc/lists/tintuchoatdong/view_detail.aspx?itemid=1"
    article = _article(alias_urls=[alias])

    def saved() -> tuple[int, ...]:
        tables = ("captures", "articles", "urls", "articles_fts")
        return tuple(reader.execute(f"select count(*) from {t}").fetchone()[0] for t in tables)

    try:
        crawl = archive.start_crawl("vinhphuc", "full")
        statements: list[str] = []
        archive.db.conn.set_trace_callback(statements.append)
        capture = Capture(
            "<urn:uuid:1>", article.url, "response", 200, "text/html", "sha1:X", "a.warc.gz",
            0, 10, "2026-11-26T00:00:00Z",
        )  # fmt: skip
        archive.add_capture(capture, crawl, "vinhphuc")
        assert saved() == (0, 0, 0, 0)
        archive.upsert_article(article, crawl)
        archive.db.conn.set_trace_callback(None)
        assert [s for s in statements if s.strip().upper() == "COMMIT"] == ["COMMIT"]
        assert saved() == (1, 1, 2, 1)
    finally:
        reader.close()
        archive.close()


def test_fold_diacritics_handles_d_with_stroke() -> None:
    assert fold_diacritics("Chuyển ĐỔI số, Đảng ủy") == "chuyen doi so, dang uy"


def test_jsonl_is_atomic_utf8_and_complete(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a.sqlite")
    try:
        archive.upsert_article(_article(), archive.start_crawl("vinhphuc", "full"))
        target = tmp_path / "out" / "x.jsonl"
        assert write_jsonl(archive.iter_articles(), target) == 1
    finally:
        archive.close()
    raw = target.read_bytes()
    assert "chuyển đổi số".encode() in raw
    record = json.loads(raw)
    assert list(record) == list(RECORD_FIELDS)
    assert [p.name for p in target.parent.iterdir()] == ["x.jsonl"]  # no temporary file left


def test_failed_jsonl_write_leaves_no_file(tmp_path: Path) -> None:
    def broken():  # type: ignore[no-untyped-def]
        yield {"id": "a"}
        raise RuntimeError("disk full")

    target = tmp_path / "x.jsonl"
    with pytest.raises(RuntimeError, match="disk full"):
        write_jsonl(broken(), target)
    assert list(tmp_path.iterdir()) == []
