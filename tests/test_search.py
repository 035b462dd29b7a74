"""Full-text search: with and without diacritics, ranked, kept right through edits and upgrades."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner
from sqlite_utils import Database

from dostcrawler.cli import cli
from dostcrawler.extract.text import fold_diacritics
from dostcrawler.items import Article
from dostcrawler.pipelines.normalize import NormalizePipeline
from dostcrawler.storage.db import Archive
from dostcrawler.storage.migrations import migrations
from dostcrawler.storage.search import snippet

BASE = "https://sokhcn.vinhphuc.gov.vn/noidung/tintuc/Lists/TinTucHoatDong/View_Detail.aspx?ItemID="

# Three articles: the phrase as written, the same syllables folded into other words
# ("chuyên", "đời", "sở"), and nothing of the query at all.
PHRASE = "Hội nghị triển khai nhiệm vụ chuyển đổi số năm 2025 của Sở Khoa học và Công nghệ."
APART = "Chuyên gia nói về đời sống; Sở Khoa học và Công nghệ tổ chức hội thảo."
OTHER = "Kiểm tra đo lường, chất lượng xăng dầu trên địa bàn tỉnh."


def _article(number: int, body: str, **changes: object) -> Article:
    article = Article(
        id=f"vinhphuc:tintuchoatdong-{number}",
        site="vinhphuc",
        url=f"{BASE}{number}",
        title=f"Tin số {number}",
        body=body,
        published_at=f"2025-0{number}-01",
        fetched_at="2026-12-01T00:00:00Z",
    )
    return NormalizePipeline().process_item(replace(article, **changes))  # type: ignore[arg-type]


def _archive(path: Path) -> Archive:
    archive = Archive(path)
    crawl = archive.start_crawl("vinhphuc", "full")
    for number, body in ((1, OTHER), (2, APART), (3, PHRASE)):
        archive.upsert_article(_article(number, body), crawl)
    return archive


def _ids(archive: Archive, query: str, **options: object) -> list[str]:
    return [hit.id for hit in archive.search(query, **options)]  # type: ignore[arg-type]


def test_folding_keeps_length_so_snippets_line_up() -> None:
    text = "Ứng dụng ĐỔI MỚI sáng tạo"
    assert fold_diacritics(text) == "ung dung doi moi sang tao"
    assert len(fold_diacritics(PHRASE)) == len(PHRASE)
    assert "[chuyển đổi số]" in snippet(PHRASE, ["chuyen", "doi", "so"])


def test_with_and_without_diacritics_the_phrase_comes_first(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "a.sqlite")
    try:
        assert _ids(archive, "chuyen doi so") == [
            "vinhphuc:tintuchoatdong-3",
            "vinhphuc:tintuchoatdong-2",
        ]
        assert _ids(archive, "chuyển đổi số") == _ids(archive, "CHUYEN DOI SO")
        assert _ids(archive, "xăng dầu") == ["vinhphuc:tintuchoatdong-1"]
        assert _ids(archive, "xang dau", since="2025-02-01") == []
        assert _ids(archive, "so", site="other") == []
        assert _ids(archive, '" OR *') == []  # operators are words, not syntax
    finally:
        archive.close()


def test_an_edited_article_is_found_by_its_new_words_only(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "a.sqlite")
    try:
        crawl = archive.start_crawl("vinhphuc", "full")
        edited = _article(1, "Hội thảo về năng lượng tái tạo.")
        assert archive.upsert_article(edited, crawl) == "updated"
        assert _ids(archive, "xang dau") == []
        assert _ids(archive, "nang luong tai tao") == ["vinhphuc:tintuchoatdong-1"]
        assert archive.upsert_article(edited, crawl) == "unchanged"
        assert _ids(archive, "nang luong") == ["vinhphuc:tintuchoatdong-1"]
        # FTS5 raises "database disk image is malformed" if the index lost its way
        archive.db.execute(
            "insert into articles_fts(articles_fts, rank) values('integrity-check', 0)"
        )
        assert archive.reindex_search() == 3
        assert _ids(archive, "nang luong") == ["vinhphuc:tintuchoatdong-1"]
    finally:
        archive.close()


def test_the_index_holds_no_second_copy_of_the_text(tmp_path: Path) -> None:
    _archive(tmp_path / "a.sqlite").close()
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        tables = {row[0] for row in conn.execute("select name from sqlite_master")}
        assert "articles_fts_content" not in tables and "articles_search" not in tables
        # Datasette's table search: rowid in (select rowid from the FTS table where ... match)
        found = conn.execute(
            "select id from articles where rowid in "
            "(select rowid from articles_fts where articles_fts match 'doi')"
        ).fetchall()
    assert sorted(found) == [("vinhphuc:tintuchoatdong-2",), ("vinhphuc:tintuchoatdong-3",)]


def test_m007_upgrades_an_archive_with_the_old_search_table(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    old = Database(path)
    migrations.apply(old, stop_before="m007_contentless_search")
    old.table("articles").insert(
        {
            "id": "vinhphuc:1",
            "site": "vinhphuc",
            "url": BASE + "1",
            "title": "Chuyển đổi số",
            "body": OTHER,
            "authors": "[]",
        }
    )
    old.table("articles_search").insert(
        {"id": "vinhphuc:1", "title": "Chuyển đổi số", "body": OTHER}
    )
    old.close()
    archive = Archive(path)
    try:
        assert _ids(archive, "chuyen doi so") == ["vinhphuc:1"]
        assert not archive.db["articles_search"].exists()
    finally:
        archive.close()


def test_search_command(tmp_path: Path) -> None:
    _archive(tmp_path / "a.sqlite").close()
    runner = CliRunner()
    result = runner.invoke(cli, ["search", "chuyen doi so", "--db", str(tmp_path / "a.sqlite")])
    assert result.exit_code == 0, result.output
    assert "vinhphuc:tintuchoatdong-3\n  Tin số 3\n" in result.stdout
    assert "[chuyển đổi số]" in result.stdout
    assert result.stderr == "2 articles found\n"
    result = runner.invoke(
        cli, ["search", "xăng", "--json", "--limit", "1", "--db", str(tmp_path / "a.sqlite")]
    )
    (line,) = result.stdout.splitlines()
    hit = json.loads(line)
    assert hit["id"] == "vinhphuc:tintuchoatdong-1" and "[xăng]" in hit["snippet"]
    assert "\\u" not in line
    missing = runner.invoke(cli, ["search", "x", "--db", str(tmp_path / "none.sqlite")])
    assert missing.exit_code == 1 and "no archive at" in missing.stderr
