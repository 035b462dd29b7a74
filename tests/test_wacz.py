"""`dostcrawler wacz`: a crawled site packaged as WACZ passes py-wacz's own validation, lists
every file with its hash, has one page per article, and every page resolves through the WACZ's
CDXJ index to its WARC record. User mistakes and damaged files are one-line errors that leave
nothing behind."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from dostcrawler.cli import cli
from dostcrawler.storage.lock import archive_lock
from tests.conftest import Crawled, run_cli
from tests.sitefixtures import fixture_sites

SITE = next(site for site in fixture_sites() if site.name == "vinhphuc")


@dataclass
class Packaged:
    crawled: Crawled
    wacz: Path
    output: str

    @property
    def export_dir(self) -> Path:
        return self.crawled.workdir / "exports"

    @property
    def args(self) -> list[str]:
        """--db and --export-dir of the crawl."""
        return ["--db", str(self.crawled.db), "--export-dir", str(self.export_dir)]

    def copied_archive(self, folder: Path) -> Path:
        """A copy of the crawl's archive in `folder`, to change."""
        copy = folder / "archive.sqlite"
        with sqlite3.connect(self.crawled.db) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        return copy


def wacz(*args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `dostcrawler wacz ARGS`."""
    result = CliRunner().invoke(cli, ["wacz", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def packaged(
    crawl_twice: Callable[[str], Crawled], tmp_path_factory: pytest.TempPathFactory
) -> Packaged:
    """The vinhphuc crawl (three runs, so three WARC files) packaged once for the module."""
    crawled = crawl_twice("vinhphuc")
    out = tmp_path_factory.mktemp("wacz") / "vinhphuc.wacz"
    args = ["--db", str(crawled.db), "--export-dir", str(crawled.workdir / "exports")]
    code, stdout, stderr = wacz(*args, "--site", "vinhphuc", "-o", str(out))
    assert code == 0, stderr
    return Packaged(crawled, out, stdout)


def test_prints_one_summary_line(packaged: Packaged) -> None:
    expected = f"wrote {packaged.wacz}: 3 WARC files, {len(SITE.articles)} pages\n"
    assert packaged.output == expected


def test_passes_py_wacz_validation(packaged: Packaged) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(packaged.wacz)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation succeeded" in result.stdout


def test_datapackage_lists_every_file_with_its_hash(packaged: Packaged) -> None:
    with zipfile.ZipFile(packaged.wacz) as zf:
        package = json.loads(zf.read("datapackage.json"))
        contents = {name: zf.read(name) for name in zf.namelist()}
    assert package["wacz_version"] == "1.1.1"
    assert package["title"] == "dostcrawler archive: vinhphuc"
    listed = {resource["path"]: resource for resource in package["resources"]}
    assert set(listed) == set(contents) - {"datapackage.json", "datapackage-digest.json"}
    for path, data in contents.items():
        if path in listed:
            assert listed[path]["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert listed[path]["bytes"] == len(data)
    # Every WARC file of the site, byte for byte (revisits need the run holding the payload).
    warcs = sorted((packaged.export_dir / "warc" / "vinhphuc").glob("*.warc.gz"))
    assert len(warcs) == 3
    assert {f"archive/{w.name}": w.read_bytes() for w in warcs} == {
        path: data for path, data in contents.items() if path.startswith("archive/")
    }
    digest = json.loads(contents["datapackage-digest.json"])
    assert digest["hash"] == "sha256:" + hashlib.sha256(contents["datapackage.json"]).hexdigest()


def pages_of(path: Path) -> list[dict[str, str]]:
    with zipfile.ZipFile(path) as zf:
        lines = zf.read("pages/pages.jsonl").decode("utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_pages_hold_one_line_per_article_with_its_title(packaged: Packaged) -> None:
    header, *pages = pages_of(packaged.wacz)
    assert header == {
        "format": "json-pages-1.0",
        "id": "pages",
        "title": "dostcrawler archive: vinhphuc",
    }
    with sqlite3.connect(packaged.crawled.db) as conn:
        rows = conn.execute("select id, url, title, fetched_at from articles").fetchall()
    assert sorted((p["id"], p["url"], p["title"], p["ts"]) for p in pages) == sorted(rows)
    expected = {SITE.origin + a["path"]: a["title"] for a in SITE.articles}
    assert {p["url"]: p["title"] for p in pages} == expected
    assert all(p["ts"].endswith("Z") and "T" in p["ts"] for p in pages)  # RFC 3339, UTC


def index_entries(zf: zipfile.ZipFile) -> dict[str, list[dict[str, str]]]:
    """The WACZ's CDXJ index (gzip members, ZipNum style) by URL."""
    found: dict[str, list[dict[str, str]]] = {}
    for line in gzip.decompress(zf.read("indexes/index.cdx.gz")).decode("utf-8").splitlines():
        _key, _timestamp, fields = line.split(" ", 2)
        entry = json.loads(fields)
        found.setdefault(entry["url"], []).append(entry)
    return found


def test_every_page_resolves_through_the_index_to_its_record(packaged: Packaged) -> None:
    _, *pages = pages_of(packaged.wacz)
    with zipfile.ZipFile(packaged.wacz) as zf:
        index = index_entries(zf)
        warcs = {name: zf.read(name) for name in zf.namelist() if name.startswith("archive/")}
    for page in pages:
        types = set()
        for entry in index[page["url"]]:
            warc = BytesIO(warcs[f"archive/{entry['filename']}"])
            warc.seek(int(entry["offset"]))
            record = next(iter(ArchiveIterator(warc)))
            assert record.rec_headers.get_header("WARC-Target-URI") == page["url"]
            types.add(record.rec_type)
            if record.rec_type == "response":
                path = page["url"].removeprefix(SITE.origin)
                assert record.content_stream().read() == SITE.page_bytes(path)
        assert types == {"response", "revisit"}  # the first run's bytes, the --full run's revisit


def test_every_site_without_site_option(packaged: Packaged, tmp_path: Path) -> None:
    out = tmp_path / "all.wacz"
    code, stdout, _ = wacz(*packaged.args, "-o", str(out))
    assert code == 0
    assert stdout == f"wrote {out}: 3 WARC files, {len(SITE.articles)} pages\n"
    assert len(pages_of(out)) == len(SITE.articles) + 1


def test_articles_without_a_capture_are_left_out_and_counted(
    packaged: Packaged, tmp_path: Path
) -> None:
    db = packaged.copied_archive(tmp_path)
    with sqlite3.connect(db) as conn:  # as a later run with --no-warc leaves one article
        (left_out,) = conn.execute("select url from articles order by id limit 1").fetchone()
        conn.execute("update articles set warc = null where url = ?", [left_out])
    out = tmp_path / "x.wacz"
    args = ["--db", str(db), "--export-dir", str(packaged.export_dir), "-o", str(out)]
    code, stdout, _ = wacz(*args)
    assert code == 0
    pages = f"{len(SITE.articles) - 1} pages"
    assert stdout == f"wrote {out}: 3 WARC files, {pages} (1 article without a capture left out)\n"
    assert left_out not in {page["url"] for page in pages_of(out)[1:]}


def assert_one_line_error(code: int, stderr: str, *needles: str) -> None:
    assert code == 1
    assert stderr.startswith("Error: ") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in stderr


def test_unknown_site(packaged: Packaged, tmp_path: Path) -> None:
    args = ["--site", "nosuchsite", "-o", str(tmp_path / "x.wacz")]
    code, _, stderr = wacz(*packaged.args, *args)
    assert_one_line_error(code, stderr, "'nosuchsite'", "vinhphuc")
    assert list(tmp_path.iterdir()) == []


def test_site_with_no_warc(packaged: Packaged, tmp_path: Path) -> None:
    # What a crawl with --no-warc leaves: articles, no captures.
    db = packaged.copied_archive(tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("delete from captures")
        conn.execute("update articles set warc = null")
    args = ["--db", str(db), "--export-dir", str(packaged.export_dir)]
    code, _, stderr = wacz(*args, "--site", "vinhphuc", "-o", str(tmp_path / "x.wacz"))
    assert_one_line_error(code, stderr, "no WARC capture of site 'vinhphuc'", "--no-warc")
    assert not (tmp_path / "x.wacz").exists()


def test_missing_warc_file_names_it(packaged: Packaged, tmp_path: Path) -> None:
    with sqlite3.connect(packaged.crawled.db) as conn:
        (first,) = conn.execute("select filename from captures order by crawl_id").fetchone()
    args = ["--db", str(packaged.crawled.db), "--export-dir", str(tmp_path / "elsewhere")]
    code, _, stderr = wacz(*args, "-o", str(tmp_path / "x.wacz"))
    missing = tmp_path / "elsewhere" / "warc" / "vinhphuc" / first
    assert_one_line_error(code, stderr, f"{missing} ", "missing", "--export-dir")
    assert not (tmp_path / "x.wacz").exists()


def test_missing_output_folder(packaged: Packaged, tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "x.wacz"
    code, _, stderr = wacz(*packaged.args, "-o", str(out))
    assert_one_line_error(code, stderr, str(tmp_path / "no" / "such"), "does not exist")


def copied_warcs(packaged: Packaged, tmp_path: Path) -> tuple[Path, Path]:
    """(a copy of the export folder's warc/, to damage; its first WARC file)."""
    exports = tmp_path / "exports"
    shutil.copytree(packaged.export_dir / "warc", exports / "warc")
    return exports, sorted((exports / "warc" / "vinhphuc").glob("*.warc.gz"))[0]


def test_replaced_warc_file_is_refused(packaged: Packaged, tmp_path: Path) -> None:
    exports, first = copied_warcs(packaged, tmp_path)
    # Same size, no record where the captures say: warcio alone would read it as a WARC.
    first.write_bytes(b"\x00not a warc\x00" * (first.stat().st_size // 12 + 1))
    args = ["--db", str(packaged.crawled.db), "--export-dir", str(exports)]
    code, _, stderr = wacz(*args, "-o", str(tmp_path / "x.wacz"))
    assert_one_line_error(code, stderr, f"{first} ", "damaged", "restore")


def test_cut_short_warc_is_refused(packaged: Packaged, tmp_path: Path) -> None:
    exports, first = copied_warcs(packaged, tmp_path)
    first.write_bytes(first.read_bytes()[:5000])
    args = ["--db", str(packaged.crawled.db), "--export-dir", str(exports)]
    code, _, stderr = wacz(*args, "-o", str(tmp_path / "x.wacz"))
    assert_one_line_error(code, stderr, f"{first} ", "cut short")


def test_failure_while_packaging_leaves_the_old_file_and_nothing_else(
    packaged: Packaged, tmp_path: Path
) -> None:
    exports, first = copied_warcs(packaged, tmp_path)
    # Damage a request record, which no capture row names: only py-wacz's indexing meets it.
    with sqlite3.connect(packaged.crawled.db) as conn:
        (request_at,) = conn.execute(
            "select offset + length from captures where filename = ? order by offset",
            [first.name],
        ).fetchone()
    data = bytearray(first.read_bytes())
    data[request_at + 20 : request_at + 60] = b"\xff" * 40
    first.write_bytes(bytes(data))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "x.wacz"
    out.write_bytes(b"an earlier package")
    args = ["--db", str(packaged.crawled.db), "--export-dir", str(exports), "-o", str(out)]
    code, _, stderr = wacz(*args)
    assert_one_line_error(code, stderr, f"py-wacz cannot package {out} ", "damaged")
    assert [p.name for p in out_dir.iterdir()] == ["x.wacz"]
    assert out.read_bytes() == b"an earlier package"


def test_refused_while_a_crawl_writes(packaged: Packaged, tmp_path: Path) -> None:
    db = packaged.copied_archive(tmp_path)
    with archive_lock(db):  # held by this process, as a crawl holds it
        result = run_cli(
            "wacz",
            "--db",
            str(db),
            "--export-dir",
            str(packaged.export_dir),
            "-o",
            str(tmp_path / "x.wacz"),
        )
    assert_one_line_error(result.returncode, result.stderr, "a crawl is writing")
    assert not (tmp_path / "x.wacz").exists()
