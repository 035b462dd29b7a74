"""The command line: help, user errors as one line (never a traceback), the README in step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dostcrawler.cli import cli
from tests.conftest import ROOT, run_cli
from tests.sitefixtures import SITES_DIR

SEED_URL = "https://sokhcn.vinhphuc.gov.vn/noidung/tintuc/Lists/TinTucHoatDong/View_Detail.aspx?ItemID=1052"
COMMANDS = sorted(cli.commands)  # type: ignore[attr-defined]


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    code, output = invoke(command, "--help")
    assert code == 0
    assert "Example:" in output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_and_option_is_in_the_readme(command: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"dostcrawler {command}" in readme
    for param in cli.commands[command].params:  # type: ignore[attr-defined]
        for opt in param.opts:
            if opt.startswith("--") and opt != "--help":
                assert opt in readme, f"{command} {opt} is not documented in README.md"


def test_version() -> None:
    code, output = invoke("--version")
    assert code == 0 and re.search(r"\d+\.\d+\.\d+", output)


def test_sites_lists_vinhphuc_with_platform_and_status() -> None:
    code, output = invoke("sites")
    assert code == 0
    line = next(line for line in output.splitlines() if line.startswith("vinhphuc"))
    assert "sharepoint" in line and "unverified" in line and "Phú Thọ" in line


def test_parse_seed_article_matches_the_truth_file() -> None:
    import json

    truth = json.loads(
        (ROOT / "tests/seeds/vinhphuc-dost-2022-01-19.truth.json").read_text("utf-8")
    )
    page = SITES_DIR / "vinhphuc/files/detail-1052.html"
    result = run_cli("parse", str(page), "--url", SEED_URL, "--site", "vinhphuc")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    for key in ("title", "published_at", "authors", "source", "body"):
        assert record[key] == truth[key], key
    for junk in truth["must_not_contain"]:
        assert junk not in record["body"]


def _one_line_error(code: int, output: str) -> str:
    assert code != 0
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if line.startswith("Error")]
    assert len(errors) == 1, output
    return errors[0]


def test_unknown_site_suggests_the_known_ones() -> None:
    message = _one_line_error(*invoke("crawl", "vinhphc"))
    assert "unknown site 'vinhphc'" in message and "vinhphuc" in message


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda t: t.replace('platform = "sharepoint"', 'platfrom = "sharepoint"'),
            "unknown key 'platfrom' (did you mean 'platform'?)",
        ),
        (lambda t: t.replace('platform = "sharepoint"\n', ""), "missing key 'platform'"),
        (
            lambda t: t.replace("download_delay = 2.0", 'download_delay = "slow"'),
            "key 'http.download_delay': expected a number, got 'slow'",
        ),
        (
            lambda t: t.replace('body = ".vp-chitiet .vp-noidung"', 'body = "div[["'),
            "key 'article.body': 'div[[' is not a valid CSS or XPath selector",
        ),
        (
            lambda t: t.replace('platform = "sharepoint"', 'platform = "wordpres"'),
            "key 'platform': expected one of",
        ),
        (
            lambda t: t.replace("[listing]", "[listing]\nartcle_links = 'a'"),
            "unknown key 'listing.artcle_links' (did you mean 'listing.article_links'?)",
        ),
        (lambda t: t + "\n[broken", "not valid TOML"),
        (
            lambda t: t.replace("[article]", "[article]\ntemplate_days = ['10/01/2024']"),
            "key 'article.template_days': expected days like '2024-01-10', got '10/01/2024'",
        ),
        (
            lambda t: t.replace("verified = false", 'verified = false\nlearned = ["titel"]'),
            "key 'learned': 'titel' is no key of this file's [article] table",
        ),
    ],
)
def test_broken_profile_names_file_key_and_expectation(tmp_path: Path, edit, expected: str) -> None:  # type: ignore[no-untyped-def]
    source = (ROOT / "dostcrawler/profiles/sites/vinhphuc.toml").read_text("utf-8")
    profile = tmp_path / "mysite.toml"
    profile.write_text(edit(source), encoding="utf-8")
    message = _one_line_error(
        *invoke("crawl", "--profile", str(profile), "--db", str(tmp_path / "a.sqlite"))
    )
    assert str(profile) in message
    assert expected in message


def test_unwritable_db_path_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    message = _one_line_error(*invoke("crawl", "vinhphuc", "--db", str(blocker / "archive.sqlite")))
    assert "cannot open the archive" in message and "--db" in message


def test_a_db_path_in_a_missing_folder_is_refused_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "archive.sqlite"
    message = _one_line_error(*invoke("crawl", "vinhphuc", "--db", str(missing)))
    assert message == (
        f"Error: cannot open the archive {missing}: the folder {missing.parent} does not exist. "
        "Choose a writable path with --db."
    )
    assert not (tmp_path / "no").exists()


def test_export_of_a_site_the_archive_does_not_hold_is_an_error(tmp_path: Path) -> None:
    from dostcrawler.storage.db import Archive

    db = tmp_path / "archive.sqlite"
    Archive(db).close()
    message = _one_line_error(*invoke("export", "--db", str(db), "--site", "nosuchsite"))
    assert message == (
        f"Error: the archive {db} holds no article of site 'nosuchsite' (sites: none yet)"
    )


def test_parse_refuses_a_non_html_file() -> None:
    pdf = SITES_DIR / "vinhphuc/files/attachments/1045/KH-12-SKHCN.pdf"
    message = _one_line_error(*invoke("parse", str(pdf), "--url", SEED_URL, "--site", "vinhphuc"))
    assert "does not look like an HTML page" in message


def test_export_without_archive_says_what_to_do(tmp_path: Path) -> None:
    message = _one_line_error(*invoke("export", "--db", str(tmp_path / "none.sqlite")))
    assert "run `dostcrawler crawl` first" in message


def test_export_rejects_a_bad_since_date(tmp_path: Path) -> None:
    code, output = invoke("export", "--db", str(tmp_path / "a.sqlite"), "--since", "19/01/2022")
    assert code == 2 and "YYYY-MM-DD" in output and "Traceback" not in output


def test_crawl_without_a_site_is_a_usage_error() -> None:
    code, output = invoke("crawl")
    assert code == 2 and "name at least one SITE" in output


def test_demo_crawls_the_bundled_site(tmp_path: Path) -> None:
    import json

    expected = json.loads((ROOT / "dostcrawler/demo/site/expected.json").read_text("utf-8"))
    result = run_cli("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # Its own archive: the demo's copy of Vĩnh Phúc pages never enters a real archive.
    db = tmp_path / "exports/demo/archive.sqlite"
    assert not (tmp_path / "exports/archive.sqlite").exists()
    assert list((tmp_path / "exports/demo/jsonl/vinhphuc").glob("*.jsonl"))
    assert f"Articles stored: {len(expected['articles'])}" in result.stdout
    from dostcrawler.storage.db import Archive

    archive = Archive(db)
    try:
        rows = {row["title"]: row for row in archive.iter_articles()}
    finally:
        archive.close()
    for article in expected["articles"]:
        row = rows[article["title"]]
        assert (row["published_at"], row["authors"], row["source"]) == (
            article["published_at"],
            article["authors"],
            article["source"],
        )
