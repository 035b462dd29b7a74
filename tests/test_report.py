"""The coverage report: its numbers against independent SQL on a synthetic archive written
through the real Archive API, the terminal table, and the HTML file in headless Chromium."""

from __future__ import annotations

import shutil
import sqlite3
import struct
import subprocess
import unicodedata
import zlib
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from dostcrawler.cli import cli
from dostcrawler.items import Article
from dostcrawler.pipelines.normalize import NormalizePipeline
from dostcrawler.report import coverage_report, plain_table, render_html
from dostcrawler.report.html import GAP_COLOUR, PALETTE
from dostcrawler.storage.db import Archive

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Articles per month of each site; every other month between a site's first and last is a gap.
PLAN = {
    "vinhphuc": {
        "2022-11": 3,
        "2022-12": 1,
        "2023-02": 5,
        "2023-03": 2,
        "2023-06": 8,
        "2023-07": 4,
        "2024-02": 1,
    },
    "backan": {"2024-01": 2, "2024-02": 1, "2024-04": 3},
}
GAPS = {
    "vinhphuc": [
        "2023-01",
        "2023-04",
        "2023-05",
        "2023-08",
        "2023-09",
        "2023-10",
        "2023-11",
        "2023-12",
        "2024-01",
    ],
    "backan": ["2024-03"],
}
UNDATED = {"vinhphuc": 2, "backan": 1}
LOW_CONFIDENCE = {"vinhphuc": 3, "backan": 1}
BACKAN_PUBLISHER = "Sở KH&CN tỉnh Bắc Kạn"
BACKAN_FAILED = "no listing page came back: 2 × http_503"


def _article(site: str, number: int, published_at: str | None, **changes: object) -> Article:
    article = Article(
        id=f"{site}:tin-{number}",
        site=site,
        province="Vĩnh Phúc" if site == "vinhphuc" else "Bắc Kạn",
        url=f"https://skhcn.{site}.gov.vn/tin-tuc/{number}",
        title=f"Hội nghị khoa học và công nghệ số {number}",
        body=f"Bài {number} của {site}: đổi mới sáng tạo và chuyển đổi số.",
        published_at=published_at,
        fetched_at="2026-12-01T00:00:00Z",
        extractor={"name": "test", "low_confidence": False},
    )
    return NormalizePipeline().process_item(replace(article, **changes))  # type: ignore[arg-type]


def _run(archive: Archive, site: str, status: str, stats: dict[str, int], reason: str = "") -> int:
    crawl_id = archive.start_crawl(site, "incremental")
    archive.finish_crawl(crawl_id, status=status, stats=stats, jsonl_path=None, reason=reason)
    return crawl_id


def _build(path: Path) -> None:
    archive = Archive(path)
    crawl = archive.start_crawl("vinhphuc", "full")
    number = 0
    for site, months in PLAN.items():
        articles = [
            f"{month}-{day + 1:02d}T08:30:00+07:00"
            for month, count in months.items()
            for day in range(count)
        ]
        low = LOW_CONFIDENCE[site]
        for index, published_at in enumerate([*articles, *[None] * UNDATED[site]]):
            number += 1
            extractor = {"name": "test", "low_confidence": index < low}
            archive.upsert_article(_article(site, number, published_at, extractor=extractor), crawl)
    # A repost on backan of vinhphuc's first article (neardup sets duplicate_of so).
    archive.db.execute(
        "update articles set duplicate_of = 'vinhphuc:tin-1' where id = (select min(id) "
        "from articles where site = 'backan' and published_at like '2024-02-%')"
    )
    archive.db.conn.commit()
    archive.finish_crawl(crawl, status="finished", stats={}, jsonl_path=None)
    _run(
        archive,
        "vinhphuc",
        "incomplete",
        {
            "downloader/response_status_count/200": 40,
            "downloader/response_status_count/503": 8,
            "dostcrawler/failed/article/http_503": 2,
            "dostcrawler/failed/article/timeout": 1,
            "dostcrawler/errors/parse": 1,
            "dostcrawler/dropped/empty_body": 1,
        },
        reason="article pages failed (2 × http_503, 1 × timeout); 1 articles could not be parsed",
    )
    _run(archive, "vinhphuc", "finished", {"downloader/response_status_count/404": 1})
    reextract = archive.start_crawl("vinhphuc", "reextract")
    archive.finish_crawl(
        reextract, status="finished", stats={"dostcrawler/errors/parse": 5}, jsonl_path=None
    )
    _run(archive, "backan", "finished", {"dostcrawler/failed/article/http_404": 1})
    _run(
        archive,
        "backan",
        "failed",
        {"downloader/response_status_count/503": 6, "dostcrawler/failed/listing/http_503": 2},
        reason=BACKAN_FAILED,
    )
    _run(archive, "kontum", "failed", {}, reason="the listing pages linked no article")
    # The profile's province as a decomposed string: the report writes it NFC.
    archive.db.table("sites").upsert(
        {
            "name": "backan",
            "province": unicodedata.normalize("NFD", "Bắc Kạn"),
            "publisher": BACKAN_PUBLISHER,
        },
        pk="name",
    )
    archive.close()


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "archive.sqlite"
    _build(path)
    return path


@pytest.fixture(scope="module")
def sql(archive_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(archive_path)


@pytest.fixture(scope="module")
def report(archive_path: Path):  # type: ignore[no-untyped-def]
    archive = Archive(archive_path)
    try:
        return coverage_report(archive)
    finally:
        archive.close()


@pytest.fixture(scope="module")
def html_file(archive_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("html") / "report.html"
    result = CliRunner().invoke(cli, ["report", "--db", str(archive_path), "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target


def _sites(report):  # type: ignore[no-untyped-def]
    return {site.site: site for site in report.sites}


def test_every_known_site_is_reported_even_with_no_article(report) -> None:  # type: ignore[no-untyped-def]
    sites = _sites(report)
    assert list(sites) == ["backan", "kontum", "vinhphuc"]
    kontum = sites["kontum"]
    assert kontum.articles == 0 and kontum.per_month == {} and kontum.gap_months == []
    assert kontum.low_confidence_share is None
    assert kontum.last_run is not None and kontum.last_run.status == "failed"


def test_articles_per_month_and_date_range_match_sql(report, sql) -> None:  # type: ignore[no-untyped-def]
    for site in _sites(report).values():
        months = dict(
            sql.execute(
                "select substr(published_at, 1, 7), count(*) from articles "
                "where site = ? and published_at is not null group by 1",
                [site.site],
            ).fetchall()
        )
        assert site.per_month == months
        assert site.per_month == PLAN.get(site.site, {})
        first, last, total, undated = sql.execute(
            "select min(published_at), max(published_at), count(*), "
            "sum(published_at is null) from articles where site = ?",
            [site.site],
        ).fetchone()
        assert (site.first_published, site.last_published) == (first, last)
        assert (site.articles, site.undated) == (total, undated or 0)
    vinhphuc = _sites(report)["vinhphuc"]
    assert vinhphuc.first_published == "2022-11-01T08:30:00+07:00"
    assert vinhphuc.last_published == "2024-02-01T08:30:00+07:00"
    assert vinhphuc.undated == 2


def test_gap_months_match_a_calendar_built_in_sql(report, sql) -> None:  # type: ignore[no-untyped-def]
    calendar = """
        with recursive bounds as (
            select min(date(substr(published_at, 1, 7) || '-01')) as first,
                   max(date(substr(published_at, 1, 7) || '-01')) as last
            from articles where site = :site and published_at is not null
        ), months(day) as (
            select first from bounds where first is not null
            union all select date(day, '+1 month') from months, bounds where day < last
        )
        select substr(day, 1, 7) from months
        where substr(day, 1, 7) not in (
            select substr(published_at, 1, 7) from articles
            where site = :site and published_at is not null
        ) order by 1
    """
    for site in _sites(report).values():
        gaps = [row[0] for row in sql.execute(calendar, {"site": site.site})]
        assert site.gap_months == gaps == GAPS.get(site.site, [])
    assert _sites(report)["vinhphuc"].years == [2022, 2023, 2024]


def test_low_confidence_duplicates_match_sql(report, sql) -> None:  # type: ignore[no-untyped-def]
    for site in _sites(report).values():
        low, total, duplicates = sql.execute(
            "select sum(coalesce(json_extract(extractor, '$.low_confidence'), 0)), count(*), "
            "count(duplicate_of) from articles where site = ?",
            [site.site],
        ).fetchone()
        assert site.low_confidence == (low or 0) == LOW_CONFIDENCE.get(site.site, 0)
        assert site.duplicates == duplicates
        if total:
            assert site.low_confidence_share == pytest.approx(low / total)
    backan = _sites(report)["backan"]
    assert backan.low_confidence_share == pytest.approx(1 / 7)
    assert (backan.duplicates, backan.duplicates_of) == (1, {"vinhphuc": 1})
    assert _sites(report)["vinhphuc"].duplicates == 0


def test_last_run_and_errors_are_those_of_real_crawls(report) -> None:  # type: ignore[no-untyped-def]
    vinhphuc, backan = _sites(report)["vinhphuc"], _sites(report)["backan"]
    # The re-extraction came last but fetched nothing: neither the last run nor counted.
    assert vinhphuc.last_run.status == "finished" and vinhphuc.last_run.mode == "incremental"
    assert vinhphuc.runs == 3
    assert vinhphuc.http_errors == {"404": 1, "503": 8}
    assert vinhphuc.failed_pages == {"article/http_503": 2, "article/timeout": 1}
    assert vinhphuc.errors == {"parse": 1}
    assert vinhphuc.dropped == {"empty_body": 1}
    assert backan.last_run.status == "failed"
    assert backan.last_run.status_reason == BACKAN_FAILED
    assert backan.failed_pages == {"article/http_404": 1, "listing/http_503": 2}
    assert backan.http_errors == {"503": 6}
    assert backan.province == "Bắc Kạn" and unicodedata.is_normalized("NFC", backan.province)


def test_terminal_table_has_one_row_per_site(archive_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "--db", str(archive_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["site", "articles", "first"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == {"backan", "kontum", "vinhphuc"}
    assert "\x1b[" not in result.output  # not a terminal: plain text
    vinhphuc = rows["vinhphuc"].split()
    assert vinhphuc[1:6] == ["26", "2022-11-01", "2024-02-01", "9", "2"]
    assert "3 (11.5%)" in rows["vinhphuc"] and "8 × 503, 1 × 404" in rows["vinhphuc"]
    assert rows["backan"].endswith(BACKAN_FAILED) and " failed " in rows["backan"]


def test_terminal_table_is_drawn_with_rich_on_a_terminal(
    report,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io
    import re

    from dostcrawler.report import write_table

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("COLUMNS", "140")
    out = Terminal()
    write_table(report.sites, out)
    drawn = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())
    assert "\x1b[" in out.getvalue() and drawn != plain_table(report.sites)
    lines = drawn.splitlines()
    assert lines[0].startswith("Coverage") and any(set(line.strip()) == {"─"} for line in lines)
    rows = {
        line.split()[0]: line.split()
        for line in lines
        if line.split()[:1] in (["backan"], ["kontum"], ["vinhphuc"])
    }
    assert rows["vinhphuc"][:6] == ["vinhphuc", "26", "2022-11-01", "2024-02-01", "9", "2"]
    assert rows["backan"][-1] == "failed" and rows["kontum"][1] == "0"
    # What does not fit a terminal's columns comes under the table, reason first.
    assert f"backan: {BACKAN_FAILED}; HTTP errors: 6 × 503;" in drawn


def test_site_option_and_unknown_site(archive_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "--db", str(archive_path), "--site", "backan"])
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.output.splitlines()] == ["site", "backan"]
    result = CliRunner().invoke(cli, ["report", "--db", str(archive_path), "--site", "nowhere"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and len(result.output.splitlines()) == 1
    assert "backan, kontum, vinhphuc" in result.output


def test_html_to_stdout(archive_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "--db", str(archive_path), "-o", "-"])
    assert result.exit_code == 0
    assert result.output.startswith("<!DOCTYPE html>") and result.output.endswith("</html>\n")


def test_missing_archive_is_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 1 and result.output.startswith("Error: no archive at")


def test_html_is_self_contained_escaped_and_nfc(html_file: Path, report) -> None:  # type: ignore[no-untyped-def]
    text = html_file.read_text("utf-8")
    assert '<html lang="vi">' in text and '<meta charset="utf-8">' in text
    for external in ("<script", "<link", "src=", "@import", "url("):
        assert external not in text
    assert "Sở KH&amp;CN tỉnh Bắc Kạn" in text and "Sở KH&CN" not in text
    assert "Bắc Kạn" in text and unicodedata.normalize("NFD", "Bắc Kạn") not in text
    assert unicodedata.is_normalized("NFC", text)
    assert text.count('class="cell gap"') == sum(len(g) for g in GAPS.values())
    assert [p.name for p in html_file.parent.iterdir()] == ["report.html"]  # no temporary left
    assert render_html(report).count("<section") == 3


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile}",
            "--window-size=1200,1600",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no chromium")


@needs_chromium
def test_html_renders_sites_and_gap_cells_in_chromium(html_file: Path, tmp_path: Path) -> None:
    dom = _chromium("--dump-dom", html_file.as_uri(), profile=tmp_path / "profile").stdout
    for name in ("backan", "kontum", "vinhphuc"):
        assert f'<section class="site" id="site-{name}"' in dom
    for site, gaps in GAPS.items():
        section = dom.split(f'id="site-{site}"', 1)[1].split("</section>", 1)[0]
        found = [part.split('"', 1)[0] for part in section.split('class="cell gap" data-month="')]
        assert found[1:] == gaps
        for month, count in PLAN[site].items():
            assert f'data-month="{month}" data-count="{count}"' in section


@needs_chromium
def test_html_screenshot_shows_the_heat_map(html_file: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    _chromium(f"--screenshot={png}", html_file.as_uri(), profile=tmp_path / "profile")
    assert png.stat().st_size > 10_000
    width, height, pixels = _decode_png(png.read_bytes())
    assert (width, height) == (1200, 1600)
    colours = Counter(pixels)
    assert len(colours) > 50  # text, table rules, the heat map: far from a single colour
    # The heat map is drawn: a gap cell's red and the busiest month's darkest blue.
    for wanted in (GAP_COLOUR, PALETTE[-1]):
        rgb = tuple(int(wanted[i : i + 2], 16) for i in (1, 3, 5))
        assert colours[rgb] > 500, wanted


def _decode_png(data: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    """Width, height and RGB pixels of an 8-bit RGB or RGBA PNG (stdlib only)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, chunk = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour_type = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and colour_type in (2, 6)
        elif kind == b"IDAT":
            idat += chunk
    raw = zlib.decompress(idat)
    bpp = 3 if colour_type == 2 else 4
    stride = width * bpp
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                guess = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + guess) & 0xFF
        rows.append(bytes(line))
        previous = line
    pixels = [tuple(row[x : x + 3]) for row in rows for x in range(0, stride, bpp)]
    return width, height, pixels
