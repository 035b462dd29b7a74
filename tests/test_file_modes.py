"""Exported files (and the files ingest copies) are made to be read: written atomically, they
get the permissions open() would give them under the umask, not the private 0600 of a mkstemp
file."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from dostcrawler.storage.export import atomic_file, write_jsonl
from dostcrawler.storage.files import store_file
from dostcrawler.storage.ingest import IngestError, _copy


@pytest.fixture(params=[0o022, 0o027, 0o002])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_exports_and_attachments_get_the_mode_open_gives(tmp_path: Path, umask: int) -> None:
    with open(tmp_path / "by-open", "w", encoding="utf-8"):
        pass
    assert _mode(tmp_path / "by-open") == 0o666 & ~umask
    write_jsonl([{"id": "vinhphuc:tintuchoatdong-1052"}], tmp_path / "run.jsonl")
    with atomic_file(tmp_path / "articles.parquet", binary=True) as out:
        out.write(b"PAR1")
    _, attachment = store_file(tmp_path / "files", b"%PDF-1.4\n", "application/pdf")
    for path in (tmp_path / "run.jsonl", tmp_path / "articles.parquet", attachment):
        assert _mode(path) == 0o666 & ~umask, path
    assert not [p.name for p in tmp_path.rglob(".*")]  # no temporary file left behind


def test_a_failed_export_leaves_nothing_behind(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), atomic_file(tmp_path / "run.jsonl") as out:
        out.write('{"id": "half a line')
        raise RuntimeError("disk gone")
    assert list(tmp_path.iterdir()) == []


def test_an_ingested_file_that_does_not_match_its_hash_is_refused_and_left_nowhere(
    tmp_path: Path,
) -> None:
    source = tmp_path / "node" / "report.pdf"
    source.parent.mkdir()
    source.write_bytes(b"%PDF-1.4\n")
    target = tmp_path / "central" / "files" / "ab" / "abcd.pdf"
    with pytest.raises(IngestError, match=r"report\.pdf does not match its sha256 abcd"):
        _copy(source, target, "abcd")
    assert list(target.parent.iterdir()) == []
