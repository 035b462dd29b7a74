"""`reextract` uses exactly what the crawl used: the profile recorded in its `crawls` row (a
profile file that is not bundled, a generic crawl's adopted platform and learned templates), or
a fixed `--profile`; a dry run counts per field and writes nothing; site, id and url never
change. The bundled-profile case is in test_warc.py."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dostcrawler.demo.server import serve_site
from dostcrawler.profiles.loader import SITES_DIR as PROFILES_DIR
from tests.conftest import run_cli, site_origin
from tests.sitefixtures import fixture_sites

pytestmark = pytest.mark.xdist_group("reextract")
SITE = next(site for site in fixture_sites() if site.name == "thainguyen")


def _profile_text(*, date_order: str | None = None) -> str:
    """thainguyen's bundled profile, as a user's own file for a site called "mysite"."""
    text = (PROFILES_DIR / "thainguyen.toml").read_text(encoding="utf-8")
    text = text.replace('name = "thainguyen"', 'name = "mysite"')
    if date_order:  # a mistake: DotNetNuke writes month first
        text = text.replace("[article]\n", f'[article]\ndate_order = "{date_order}"\n')
    assert tomllib.loads(text)["name"] == "mysite"
    return text


@dataclass(frozen=True)
class Archived:
    db: Path
    exports: Path
    origin: str


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Archived]]:
    """The site crawled twice into separate archives: with a (mistaken) profile file of the
    user's own, and in generic mode (--start-url)."""
    root = tmp_path_factory.mktemp("reextract")
    mistaken = root / "mysite.toml"
    mistaken.write_text(_profile_text(date_order="dmy"), encoding="utf-8")
    made = {}
    with serve_site(SITE.folder) as server:
        for kind, args in (
            ("profile", ["--profile", str(mistaken)]),
            ("generic", ["--start-url", server.origin + SITE.expected["start_path"]]),
        ):
            workdir = root / kind
            db = workdir / "archive.sqlite"
            result = run_cli(
                "crawl", *args, "--origin", server.origin, "--db", str(db),
                "--export-dir", str(workdir), "--delay", "0", "--no-attachments",
            )  # fmt: skip
            assert result.returncode == 0, result.stderr[-3000:]
            made[kind] = Archived(db, workdir, site_origin(SITE.folder))
    yield made


def _copy(archived: Archived, tmp_path: Path) -> Path:
    db = tmp_path / "copy.sqlite"
    shutil.copy(archived.db, db)
    return db


def _reextract(archived: Archived, db: Path, *args: str) -> str:
    result = run_cli("reextract", "--db", str(db), "--export-dir", str(archived.exports), *args)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stderr


def _export(db: Path, out: Path, *args: str) -> bytes:
    result = run_cli("export", "--db", str(db), "-o", str(out), *args)
    assert result.returncode == 0, result.stderr
    return out.read_bytes()


def _rows(db: Path) -> dict[str, dict[str, object]]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return {row["id"]: dict(row) for row in conn.execute("select * from articles")}


def test_a_profile_file_crawl_reextracts_unchanged_under_its_own_name(
    archives: dict[str, Archived], tmp_path: Path
) -> None:
    archived = archives["profile"]
    db = _copy(archived, tmp_path)
    before = _export(db, tmp_path / "before.jsonl")
    log = _reextract(archived, db)
    assert f"unchanged {len(SITE.articles)}" in log
    assert "mysite.toml (as its crawl recorded; platform dotnetnuke)" in log
    assert _export(db, tmp_path / "after.jsonl") == before
    assert {row["site"] for row in _rows(db).values()} == {"mysite"}
    exported = _export(db, tmp_path / "mysite.jsonl", "--site", "mysite")
    assert len(exported.splitlines()) == len(SITE.articles)


def test_reextract_still_works_when_the_profile_file_is_gone(
    archives: dict[str, Archived], tmp_path: Path
) -> None:
    archived = archives["profile"]
    db = _copy(archived, tmp_path)
    with sqlite3.connect(db) as conn:
        (source,) = conn.execute("select profile_source from crawls").fetchone()
    assert source.endswith("mysite.toml")
    # The crawl's file is read from the crawls row, not from disk: edit it, and nothing moves.
    Path(source).write_text(_profile_text(), encoding="utf-8")
    try:
        assert f"unchanged {len(SITE.articles)}" in _reextract(archived, db)
    finally:
        Path(source).write_text(_profile_text(date_order="dmy"), encoding="utf-8")


def test_a_fixed_profile_updates_exactly_the_articles_it_changes(
    archives: dict[str, Archived], tmp_path: Path
) -> None:
    archived = archives["profile"]
    db = _copy(archived, tmp_path)
    truth = {a["path"]: a["published_at"] for a in SITE.articles}
    stored = {row["url"].removeprefix(archived.origin): row for row in _rows(db).values()}
    wrong = sum(stored[path]["published_at"] != day for path, day in truth.items())
    assert wrong > 0  # the mistaken date order did harm
    fixed = tmp_path / "fixed.toml"
    fixed.write_text(_profile_text(), encoding="utf-8")
    before = _export(db, tmp_path / "before.jsonl")

    dry = _reextract(archived, db, "--profile", str(fixed), "--dry-run")
    assert re.search(rf"would update {wrong}\b", dry)
    assert f"published_at: {wrong} changed" in dry
    assert "nothing written" in dry
    assert _export(db, tmp_path / "still.jsonl") == before

    log = _reextract(archived, db, "--profile", str(fixed))
    assert re.search(rf"re-extracted: (?:unchanged \d+, )?updated {wrong}\b", log)
    after = {row["url"].removeprefix(archived.origin): row for row in _rows(db).values()}
    assert {path: row["published_at"] for path, row in after.items()} == truth
    assert {(row["id"], row["site"], row["url"]) for row in after.values()} == {
        (row["id"], row["site"], row["url"]) for row in stored.values()
    }
    # Each updated article keeps its crawled version as version 1; its new one is version 2,
    # made by the reextract run.
    with sqlite3.connect(db) as conn:
        past = conn.execute(
            "select article_id, version, published_at, crawl_id, fetched_at from article_versions"
        ).fetchall()
        (run,) = conn.execute("select id from crawls where mode = 'reextract'").fetchone()
    updated = [row for path, row in stored.items() if row["published_at"] != truth[path]]
    assert sorted(past) == sorted(
        (row["id"], 1, row["published_at"], row["version_crawl_id"], row["fetched_at"])
        for row in updated
    )
    assert {row["id"]: (row["version"], row["version_crawl_id"]) for row in after.values()} == {
        row["id"]: (2, run) if row in updated else (1, row["version_crawl_id"])
        for row in stored.values()
    }
    # The fixed profile is now the one on record: a plain reextract keeps its result.
    assert f"unchanged {len(SITE.articles)}" in _reextract(archived, db)


def test_a_generic_crawl_reextracts_with_its_platform_and_templates(
    archives: dict[str, Archived], tmp_path: Path
) -> None:
    archived = archives["generic"]
    db = _copy(archived, tmp_path)
    with sqlite3.connect(db) as conn:
        platform, templates = conn.execute("select platform, templates from crawls").fetchone()
    assert platform == "dotnetnuke"  # detected from the pages
    assert json.loads(templates)  # and learned from them
    before = _export(db, tmp_path / "before.jsonl")
    log = _reextract(archived, db)
    assert f"unchanged {len(SITE.articles)}" in log
    assert "learned template" in log
    assert _export(db, tmp_path / "after.jsonl") == before


def test_a_profile_for_another_site_is_refused(
    archives: dict[str, Archived], tmp_path: Path
) -> None:
    archived = archives["profile"]
    db = _copy(archived, tmp_path)
    other = tmp_path / "other.toml"
    other.write_text(_profile_text().replace('name = "mysite"', 'name = "other"'), "utf-8")
    result = run_cli(
        "reextract", "--db", str(db), "--export-dir", str(archived.exports),
        "--site", "mysite", "--profile", str(other),
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: {other}: the profile names site 'other', not 'mysite'"
    )


def test_an_archive_without_recorded_profiles_asks_for_one(
    archives: dict[str, Archived], tmp_path: Path
) -> None:
    archived = archives["profile"]
    db = _copy(archived, tmp_path)
    with sqlite3.connect(db) as conn:  # as an archive made before profiles were recorded
        conn.execute("update crawls set profile = null")
    before = _export(db, tmp_path / "before.jsonl")
    result = run_cli("reextract", "--db", str(db), "--export-dir", str(archived.exports))
    assert result.returncode == 1
    assert "site 'mysite': the archive does not record the profile" in result.stderr
    assert "pass --profile FILE" in result.stderr
    assert "Traceback" not in result.stderr
    assert _export(db, tmp_path / "after.jsonl") == before


def test_worker_processes_give_the_same_archive_as_one(
    archives: dict[str, Archived], tmp_path: Path
) -> None:
    """Extraction spreads over processes; the result may not depend on how many."""
    archived = archives["profile"]
    fixed = tmp_path / "fixed.toml"
    fixed.write_text(_profile_text(), encoding="utf-8")
    results = []
    for jobs in ("1", "3"):
        folder = tmp_path / f"jobs{jobs}"
        folder.mkdir()
        db = _copy(archived, folder)
        log = _reextract(archived, db, "--profile", str(fixed), "--jobs", jobs)
        with sqlite3.connect(db) as conn:
            versions = conn.execute(
                "select article_id, version, content_hash, published_at, is_current "
                "from article_history order by article_id, version"
            ).fetchall()
        results.append((log, versions, _export(db, folder / "all.jsonl")))
    (log, versions, exported), parallel = results
    assert re.search(r"re-extracted: (?:unchanged \d+, )?updated [1-9]", log)
    assert parallel == (log, versions, exported)
