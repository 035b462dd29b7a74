"""The archive: idempotent migrations, upserts, versions, aliases, search, JSONL."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from dostcrawler.items import RECORD_FIELDS, Article
from dostcrawler.pipelines.normalize import NormalizePipeline
from dostcrawler.storage.db import Archive
from dostcrawler.storage.export import write_jsonl
from dostcrawler.storage.search import fold_diacritics


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
    import sqlite3

    from sqlite_utils import Database

    from dostcrawler.storage.migrations import migrations

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
        ]
        assert archive.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    finally:
        archive.close()


def test_upsert_is_idempotent_and_a_change_makes_a_version(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a.sqlite")
    try:
        crawl = archive.start_crawl("vinhphuc", "full")
        assert archive.upsert_article(_article(), crawl) == "new"
        assert archive.upsert_article(_article(), crawl) == "unchanged"
        edited = _article(body="Đoạn một về chuyển đổi số.\n\nĐoạn hai, đã sửa.")
        assert archive.upsert_article(edited, crawl) == "updated"
        row = archive.get_article("vinhphuc:tintuchoatdong-1")
        assert row is not None and row["version"] == 2
        bodies = [
            r["body"] for r in archive.db.table("article_versions").rows_where(order_by="version")
        ]
        assert bodies == [_article().body, edited.body]
        assert archive.db.table("articles").count == 1
    finally:
        archive.close()


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
