"""`dostcrawler ingest`: node exports merged into one central archive (storage/ingest.py).

Three nodes crawl overlapping fixture sites through the real CLI: node A crawls vinhphuc; node
B crawls an edited copy of vinhphuc (one article changed: a second version; one more alias
linked) and langson; node C crawls part of langson and khcnvn, which reposts three vinhphuc
articles. Merged in any order, or one node twice, the central archive exports the same bytes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlite_utils import Database
from warcio.archiveiterator import ArchiveIterator

from dostcrawler.cli import cli
from dostcrawler.items import Article
from dostcrawler.pipelines.normalize import NormalizePipeline
from dostcrawler.storage.db import Archive
from dostcrawler.storage.migrations import migrations
from tests.conftest import crawl_locally, site_origin
from tests.sitefixtures import SITES_DIR

# Under `make test` (2 workers), the node crawls are made once, on one worker.
pytestmark = pytest.mark.xdist_group(name="ingest")

EDITED = "vinhphuc:tintuchoatdong-1052"
# The edit: "TUV" (Tỉnh ủy viên) is written out, so the old version holds a word the new lacks.
OLD_WORD, NEW_WORDS = "TUV", "Tỉnh ủy viên"
EXTRA_ALIAS = (
    "https://sokhcn.vinhphuc.gov.vn/noidung/tintuc/Lists/TinTucHoatDong/View_Detail.aspx"
    "?ItemID=1051&Source=%2Fnoidung"
)
# Ingest orders: each letter a node.
ORDERS = ("abc", "cba", "abca")


def _edited_vinhphuc(target: Path) -> Path:
    """A copy of the vinhphuc fixture with ItemID=1052 edited and a Source= alias of 1051."""
    shutil.copytree(SITES_DIR / "vinhphuc", target)
    page = target / "files" / "detail-1052.html"
    html = page.read_bytes()
    assert html.count(OLD_WORD.encode()) == 2
    link = EXTRA_ALIAS.removeprefix(site_origin(target)).replace("&", "&amp;")
    html = html.replace(OLD_WORD.encode(), NEW_WORDS.encode())
    page.write_bytes(html.replace(b"</body>", f'<a href="{link}">x</a></body>'.encode(), 1))
    return target


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three node exports (each an archive.sqlite with warc/, files/ and jsonl/ beside)."""
    root = tmp_path_factory.mktemp("nodes")
    a, b, c = (root / f"node-{name}" for name in "abc")
    crawl_locally(SITES_DIR / "vinhphuc", a, "vinhphuc")
    crawl_locally(_edited_vinhphuc(root / "vinhphuc-edited"), b, "vinhphuc")
    crawl_locally(SITES_DIR / "langson", b, "langson")
    crawl_locally(SITES_DIR / "langson", c, "langson", "--max-articles", "3")
    crawl_locally(SITES_DIR / "khcnvn", c, "khcnvn")
    return {"a": a, "b": b, "c": c}


def ingest(db: Path, *node_dirs: Path) -> Result:
    """`dostcrawler ingest` in this process (no reactor involved), files beside the archive."""
    args = ["ingest", *map(str, node_dirs), "--db", str(db), "--export-dir", str(db.parent)]
    return CliRunner().invoke(cli, args)


@pytest.fixture(scope="module")
def centrals(
    nodes: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, tuple[Path, Result]]]:
    """One central archive per ingest order, with the command's result; the node archives are
    checked to be left untouched."""
    before = {name: _sha256(folder / "archive.sqlite") for name, folder in nodes.items()}
    made = {}
    for order in ORDERS:
        db = tmp_path_factory.mktemp(f"central-{order}") / "archive.sqlite"
        made[order] = (db, ingest(db, *(nodes[n] for n in order)))
        assert made[order][1].exit_code == 0, made[order][1].output
    yield made
    assert {name: _sha256(folder / "archive.sqlite") for name, folder in nodes.items()} == before


def query(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as conn:
        return conn.execute(sql, params).fetchall()


def exported(db: Path) -> bytes:
    target = db.parent / "export.jsonl"
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target.read_bytes()


def node_dbs(nodes: dict[str, Path]) -> list[Path]:
    return [folder / "archive.sqlite" for folder in nodes.values()]


# The acceptance test ------------------------------------------------------------------------


def test_exports_are_byte_identical_whatever_the_order(
    centrals: dict[str, tuple[Path, Result]],
) -> None:
    exports = {name: exported(db) for name, (db, _) in centrals.items()}
    assert exports["abc"] == exports["cba"] == exports["abca"]
    assert exports["abc"].count(b"\n") == 31


def test_one_summary_line_per_node_and_nothing_new_the_second_time(
    centrals: dict[str, tuple[Path, Result]],
) -> None:
    lines = centrals["abca"][1].stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [f"node-{n}/archive.sqlite" for n in "abca"]
    assert lines[0] == (
        "node-a/archive.sqlite: 13 articles (13 new, 0 updated), 1 crawl, 20 captures, "
        "2 attachments"
    )
    assert lines[3] == (
        "node-a/archive.sqlite: 13 articles (0 new, 0 updated), 0 crawls, 0 captures, 0 attachments"
    )


def test_articles_are_the_union_of_the_nodes(
    nodes: dict[str, Path], centrals: dict[str, tuple[Path, Result]]
) -> None:
    union = {row[0] for db in node_dbs(nodes) for row in query(db, "select id from articles")}
    for db, _ in centrals.values():
        assert {row[0] for row in query(db, "select id from articles")} == union
    assert len(union) == 13 + 8 + 10


def test_aliases_are_the_union_of_every_copy(
    nodes: dict[str, Path], centrals: dict[str, tuple[Path, Result]]
) -> None:
    seen: dict[str, set[str]] = {}
    for node_db in node_dbs(nodes):
        for article_id, url, aliases in query(node_db, "select id, url, alias_urls from articles"):
            seen.setdefault(article_id, set()).update([url, *json.loads(aliases)])
    db = centrals["abc"][0]
    stored = query(db, "select id, url, alias_urls from articles")
    assert {aid: sorted(seen[aid] - {url}) for aid, url, _ in stored} == {
        aid: json.loads(aliases) for aid, _, aliases in stored
    }
    (aliases_1051,) = query(db, "select alias_urls from articles where id like '%1051'")[0]
    assert json.loads(aliases_1051) == [EXTRA_ALIAS]
    owners = dict(query(db, "select url, article_id from urls"))
    for aid, url, aliases in stored:
        assert {owners[u] for u in [url, *json.loads(aliases)]} == {aid}


def test_versions_are_the_union_numbered_by_fetch_time(
    nodes: dict[str, Path], centrals: dict[str, tuple[Path, Result]]
) -> None:
    sql = "select content_hash, fetched_at from articles where id = ?"
    (old,), (new,) = (query(nodes[n] / "archive.sqlite", sql, (EDITED,)) for n in "ab")
    assert old[1] < new[1] and old[0] != new[0]
    for db, _ in centrals.values():
        history = query(
            db,
            "select version, content_hash, fetched_at, is_current from article_history "
            "where article_id = ? order by version",
            (EDITED,),
        )
        assert history == [(1, *old, 0), (2, *new, 1)]
        past = "select version, content_hash, fetched_at from article_versions"
        assert query(db, past) == [(1, *old)]  # the other articles have one version each
        current = "select version, content_hash, version_fetched_at from articles where id = ?"
        assert query(db, current, (EDITED,)) == [(2, *new)]
        assert query(db, "select count(*) from article_history where version != 1") == [(1,)]


def test_seen_times_are_the_earliest_and_latest(
    nodes: dict[str, Path], centrals: dict[str, tuple[Path, Result]]
) -> None:
    first: dict[str, str] = {}
    last: dict[str, str] = {}
    for node_db in node_dbs(nodes):
        for aid, seen_first, seen_last in query(
            node_db, "select id, first_seen_at, last_seen_at from articles"
        ):
            first[aid] = min(first.get(aid, seen_first), seen_first)
            last[aid] = max(last.get(aid, seen_last), seen_last)
    rows = query(centrals["cba"][0], "select id, first_seen_at, last_seen_at from articles")
    assert {aid: (f, la) for aid, f, la in rows} == {aid: (first[aid], last[aid]) for aid in first}


def test_captures_point_at_their_records_in_the_central_warc_files(
    nodes: dict[str, Path], centrals: dict[str, tuple[Path, Result]]
) -> None:
    node_records = {
        row[0] for db in node_dbs(nodes) for row in query(db, "select record_id from captures")
    }
    for db, _ in centrals.values():
        captures = query(db, "select site, filename, offset, url, record_id from captures")
        assert {row[4] for row in captures} == node_records
        for site, filename, offset, url, record_id in captures:
            with open(db.parent / "warc" / site / filename, "rb") as handle:
                handle.seek(offset)
                record = next(iter(ArchiveIterator(handle)))
            assert record.rec_headers.get_header("WARC-Target-URI") == url
            assert record.rec_headers.get_header("WARC-Record-ID") == record_id
        files = sorted((db.parent / "warc").glob("*/*.warc.gz"))
        assert sorted(f.name for f in files) == sorted({row[1] for row in captures})
        for warc in files:
            index = warc.with_name(warc.name.removesuffix(".warc.gz") + ".cdxj")
            names = {json.loads(line.split(" ", 2)[2])["filename"] for line in index.open()}
            assert names == {warc.name}
        pointers = query(db, "select json_extract(warc, '$.record_id') from articles")
        assert {p for (p,) in pointers} <= {row[4] for row in captures}


def test_attachment_files_are_copied_once_by_content(
    centrals: dict[str, tuple[Path, Result]],
) -> None:
    for db, _ in centrals.values():
        rows = query(db, "select sha256, path from attachments")
        assert len(rows) == 4
        for sha256, path in rows:
            assert Path(path) == db.parent / "files" / sha256[:2] / Path(path).name
            assert _sha256(Path(path)) == sha256
            assert stat.S_IMODE(Path(path).stat().st_mode) == 0o666 & ~_umask()
        assert len(list((db.parent / "files").glob("*/*"))) == len({sha for sha, _ in rows})


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_reposts_point_at_the_earliest_copy(centrals: dict[str, tuple[Path, Result]]) -> None:
    """As one archive crawled with every site would mark them (tests/test_neardup.py)."""
    khcnvn = json.loads((SITES_DIR / "khcnvn" / "expected.json").read_text(encoding="utf-8"))
    origin = khcnvn["origin"]
    expected = {origin + path: original for path, original in khcnvn["duplicates"].items()}
    for db, _ in centrals.values():
        marked = dict(
            query(db, "select url, duplicate_of from articles where duplicate_of is not null")
        )
        assert marked == expected


def test_search_holds_the_winning_version_only(centrals: dict[str, tuple[Path, Result]]) -> None:
    for db, _ in centrals.values():
        archive = Archive(db)
        try:
            assert EDITED not in [hit.id for hit in archive.search(OLD_WORD)]
            assert EDITED in [hit.id for hit in archive.search(NEW_WORDS, limit=50)]
            for article_id, title in query(db, "select id, title from articles"):
                assert article_id in [hit.id for hit in archive.search(title, limit=50)]
        finally:
            archive.close()


def test_crawls_are_copied_once_with_their_node(
    nodes: dict[str, Path], centrals: dict[str, tuple[Path, Result]]
) -> None:
    db = centrals["abca"][0]
    rows = query(db, "select node, node_crawl_id, site from crawls order by node, node_crawl_id")
    assert rows == [
        ("node-a/archive.sqlite", 1, "vinhphuc"),
        ("node-b/archive.sqlite", 1, "vinhphuc"),
        ("node-b/archive.sqlite", 2, "langson"),
        ("node-c/archive.sqlite", 1, "langson"),
        ("node-c/archive.sqlite", 2, "khcnvn"),
    ]
    crawl_ids = {row[0] for row in query(db, "select id from crawls")}
    for sql in (
        "select last_crawl_id from articles",
        "select version_crawl_id from articles",
        "select crawl_id from article_versions",
        "select crawl_id from captures",
    ):
        assert {row[0] for row in query(db, sql)} <= crawl_ids


# Versions the nodes hold themselves -------------------------------------------------------


def _node_with_versions(folder: Path, *stored: tuple[str, str]) -> Path:
    """A node archive of one article stored once per (body, fetched_at), each by its own run."""
    archive = Archive(folder / "archive.sqlite")
    try:
        for body, fetched_at in stored:
            article = Article(
                id="vinhphuc:1", site="vinhphuc", url="https://sokhcn.vinhphuc.gov.vn/1",
                title="Hội nghị", body=body, fetched_at=fetched_at,
            )  # fmt: skip
            crawl = archive.start_crawl("vinhphuc", "full")
            archive.upsert_article(NormalizePipeline().process_item(article), crawl)
    finally:
        archive.close()
    return folder


def test_past_versions_of_every_node_are_merged_whatever_the_order(tmp_path: Path) -> None:
    """Node X saw bodies one then three, node Y one (later) then two: the central archive holds
    one, two, three by first fetch, the current one (three) in articles alone."""
    one, two, three = "Bản một.", "Bản hai.", "Bản ba."
    x = _node_with_versions(
        tmp_path / "node-x", (one, "2026-01-01T00:00:00Z"), (three, "2026-03-01T00:00:00Z")
    )
    y = _node_with_versions(
        tmp_path / "node-y", (one, "2026-01-15T00:00:00Z"), (two, "2026-02-01T00:00:00Z")
    )
    history = (
        "select h.version, h.body, h.fetched_at, h.is_current, c.node, c.node_crawl_id "
        "from article_history h join crawls c on c.id = h.crawl_id order by h.version"
    )
    seen = {}
    for order in ("xy", "yx", "xyx"):
        db = tmp_path / f"central-{order}" / "archive.sqlite"
        result = ingest(db, *(x if name == "x" else y for name in order))
        assert result.exit_code == 0, result.output
        seen[order] = (query(db, history), exported(db))
        assert query(db, "select version, body, version_fetched_at from articles") == [
            (3, three, "2026-03-01T00:00:00Z")
        ]
        assert query(db, "select version from article_versions order by version") == [(1,), (2,)]
    assert seen["xy"] == seen["yx"] == seen["xyx"]
    assert seen["xy"][0] == [
        (1, one, "2026-01-01T00:00:00Z", 0, "node-x/archive.sqlite", 1),
        (2, two, "2026-02-01T00:00:00Z", 0, "node-y/archive.sqlite", 2),
        (3, three, "2026-03-01T00:00:00Z", 1, "node-x/archive.sqlite", 2),
    ]


# WARC files of the same name --------------------------------------------------------------


def test_a_different_warc_file_of_the_same_name_is_kept_under_its_hash(
    nodes: dict[str, Path], tmp_path: Path
) -> None:
    """Two nodes whose runs started in the same second with the same crawl id."""
    twin = tmp_path / "node-twin"
    shutil.copytree(nodes["b"], twin)
    (a_warc,) = (nodes["a"] / "warc" / "vinhphuc").glob("*.warc.gz")
    (b_warc,) = (twin / "warc" / "vinhphuc").glob("*.warc.gz")
    b_warc.rename(b_warc.with_name(a_warc.name))
    with sqlite3.connect(twin / "archive.sqlite") as conn:
        for sql in (
            "update captures set filename = ? where filename = ?",
            "update articles set warc = json_set(warc, '$.filename', ?) "
            "where json_extract(warc, '$.filename') = ?",
        ):
            conn.execute(sql, (a_warc.name, b_warc.name))
    (twin / "warc" / "vinhphuc" / b_warc.name.replace(".warc.gz", ".cdxj")).unlink()
    db = tmp_path / "central" / "archive.sqlite"
    assert ingest(db, nodes["a"], twin).exit_code == 0
    renamed = (
        f"{a_warc.name.removesuffix('.warc.gz')}-{_sha256(b_warc.with_name(a_warc.name))[:12]}"
    )
    folder = db.parent / "warc" / "vinhphuc"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [
            a_warc.name,
            a_warc.name.replace(".warc.gz", ".cdxj"),
            f"{renamed}.warc.gz",
            f"{renamed}.cdxj",
        ]
    )
    assert _sha256(folder / a_warc.name) == _sha256(a_warc)
    sql = "select count(*) from captures where filename = ?"
    assert query(db, sql, (f"{renamed}.warc.gz",)) == query(
        twin / "archive.sqlite", "select count(*) from captures where site = 'vinhphuc'"
    )
    pointer = query(
        db, "select json_extract(warc, '$.filename') from articles where id = ?", (EDITED,)
    )
    assert pointer == [(f"{renamed}.warc.gz",)]


@pytest.mark.parametrize("partial_first", [True, False], ids=["partial first", "full first"])
def test_a_warc_file_copied_while_its_crawl_ran_gives_way_to_the_whole_file(
    nodes: dict[str, Path], tmp_path: Path, partial_first: bool
) -> None:
    partial = tmp_path / "node-a"
    shutil.copytree(nodes["a"], partial)
    (warc,) = (partial / "warc" / "vinhphuc").glob("*.warc.gz")
    offsets = sorted(
        row[0] for row in query(partial / "archive.sqlite", "select offset from captures")
    )
    cut = offsets[len(offsets) // 2]  # a record boundary: each record is its own gzip member
    warc.write_bytes(warc.read_bytes()[:cut])
    with sqlite3.connect(partial / "archive.sqlite") as conn:
        conn.execute("delete from captures where offset >= ?", (cut,))
    warc.with_name(warc.name.replace(".warc.gz", ".cdxj")).unlink()  # not indexed yet
    db = tmp_path / "central" / "archive.sqlite"
    order = (partial, nodes["a"]) if partial_first else (nodes["a"], partial)
    for node in order:  # one at a time: the same folder name is one node
        assert ingest(db, node).exit_code == 0
    placed = db.parent / "warc" / "vinhphuc" / warc.name
    assert _sha256(placed) == _sha256(nodes["a"] / "warc" / "vinhphuc" / warc.name)
    index = placed.with_name(placed.name.replace(".warc.gz", ".cdxj"))
    assert index.read_bytes() == (nodes["a"] / "warc" / "vinhphuc" / index.name).read_bytes()
    assert query(db, "select count(*) from captures") == [(len(offsets),)]


# Bad input: one line, and nothing merged --------------------------------------------------


def _fails(result: Result, *words: str) -> None:
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert line.startswith("Error: ")
    for word in words:
        assert word in line, line


def _empty(db: Path) -> None:
    assert not db.exists() or query(db, "select count(*) from articles") == [(0,)]
    assert not (db.parent / "warc").exists() and not (db.parent / "files").exists()


def test_a_folder_with_no_archive(tmp_path: Path, nodes: dict[str, Path]) -> None:
    (tmp_path / "empty").mkdir()
    db = tmp_path / "central" / "archive.sqlite"
    _fails(ingest(db, nodes["a"], tmp_path / "empty"), str(tmp_path / "empty"), "no archive")
    _empty(db)


def test_a_missing_warc_file_merges_nothing(tmp_path: Path, nodes: dict[str, Path]) -> None:
    broken = tmp_path / "node-b"
    shutil.copytree(nodes["b"], broken)
    (missing,) = (broken / "warc" / "langson").glob("*.warc.gz")
    missing.unlink()
    db = tmp_path / "central" / "archive.sqlite"
    _fails(ingest(db, nodes["a"], broken), str(missing), "missing", "copy the node's")
    _empty(db)


def test_a_damaged_attachment_merges_nothing(tmp_path: Path, nodes: dict[str, Path]) -> None:
    broken = tmp_path / "node-a"
    shutil.copytree(nodes["a"], broken)
    damaged = sorted((broken / "files").glob("*/*"))[0]
    damaged.write_bytes(b"not the document")
    db = tmp_path / "central" / "archive.sqlite"
    _fails(ingest(db, broken), str(damaged), "sha256")
    assert query(db, "select count(*) from articles") == [(0,)]


def test_an_unreadable_archive(tmp_path: Path) -> None:
    node = tmp_path / "node-x"
    node.mkdir()
    (node / "archive.sqlite").write_bytes(b"this is not SQLite" * 100)
    _fails(ingest(tmp_path / "central" / "archive.sqlite", node), "cannot read", "node-x")


def test_a_node_from_a_newer_dostcrawler_is_refused(tmp_path: Path, nodes: dict[str, Path]) -> None:
    newer = tmp_path / "node-newer"
    shutil.copytree(nodes["a"], newer)
    with sqlite3.connect(newer / "archive.sqlite") as conn:
        conn.execute(
            "insert into _sqlite_migrations (migration_set, name, applied_at) "
            "values ('dostcrawler', 'm999_from_the_future', '')"
        )
    db = tmp_path / "central" / "archive.sqlite"
    _fails(ingest(db, newer), "newer dostcrawler", "m999_from_the_future", "upgrade")
    _empty(db)


def test_a_node_with_an_older_schema_is_migrated_in_a_copy(tmp_path: Path) -> None:
    node = tmp_path / "node-old"
    node.mkdir()
    old = Database(node / "archive.sqlite")
    migrations.apply(old, stop_before="m007_contentless_search")
    old.table("articles").insert(
        {"id": "vinhphuc:1", "site": "vinhphuc", "url": "https://sokhcn.vinhphuc.gov.vn/1",
         "title": "Hội nghị chuyển đổi số", "body": "Nội dung", "content_hash": "h1",
         "alias_urls": "[]", "authors": "[]", "version": 1, "fetched_at": "2024-01-01T00:00:00Z",
         "first_seen_at": "2024-01-01T00:00:00Z", "last_seen_at": "2024-01-02T00:00:00Z"}
    )  # fmt: skip
    old.close()
    before = _sha256(node / "archive.sqlite")
    db = tmp_path / "central" / "archive.sqlite"
    result = ingest(db, node)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("node-old/archive.sqlite: 1 article (1 new, 0 updated)")
    assert _sha256(node / "archive.sqlite") == before
    assert query(db, "select version, title from articles") == [(1, "Hội nghị chuyển đổi số")]
    archive = Archive(db)
    try:
        assert [hit.id for hit in archive.search("chuyen doi so")] == ["vinhphuc:1"]
    finally:
        archive.close()
    assert not list(db.parent.glob(".ingest-*"))


def test_ingest_never_runs_beside_a_crawl(tmp_path: Path, nodes: dict[str, Path]) -> None:
    db = tmp_path / "central" / "archive.sqlite"
    db.parent.mkdir()
    with open(f"{db}.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("pid 4242")
        held.flush()
        _fails(ingest(db, nodes["a"]), "another crawl (pid 4242)", str(db))
    _empty(db)
