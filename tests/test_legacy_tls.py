"""`legacy_tls = true` reaches an old-TLS-only server; the same server is refused without it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from tests.sitefixtures import SITES_DIR
from tests.tlsserver import serve_legacy_tls


def _profile(tmp_path: Path, legacy: bool) -> Path:
    source = (ROOT / "dostcrawler/profiles/sites/vinhphuc.toml").read_text("utf-8")
    assert "legacy_tls = true" in source
    path = tmp_path / f"legacy_{legacy}.toml"
    path.write_text(
        source.replace("legacy_tls = true", f"legacy_tls = {str(legacy).lower()}"), "utf-8"
    )
    return path


def _crawl(origin: str, profile: Path, db: Path) -> tuple[int, int, str]:
    result = run_cli(
        "crawl",
        "--profile",
        str(profile),
        "--origin",
        origin,
        "--db",
        str(db),
        "--export-dir",
        str(db.parent),
        "--delay",
        "0",
    )
    with sqlite3.connect(db) as conn:
        count = conn.execute("select count(*) from articles").fetchone()[0]
    return result.returncode, count, result.stderr


@pytest.mark.parametrize("legacy", [True, False])
def test_legacy_tls_option(tmp_path: Path, legacy: bool) -> None:
    with serve_legacy_tls(SITES_DIR / "vinhphuc", tmp_path) as origin:
        code, count, log = _crawl(origin, _profile(tmp_path, legacy), tmp_path / "a.sqlite")
    if legacy:
        assert (code, count) == (0, 13), log[-2000:]
    else:
        assert (code, count) == (1, 0)
        assert "dh key too small" in log, log[-2000:]
        assert "vinhphuc: failed" in log
