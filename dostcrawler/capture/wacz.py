"""Package WARC captures as a WACZ file (Web Archive Collection Zipped, spec 1.1.1) with py-wacz.

A WACZ holds a site's WARC files (all of them: a revisit record needs the run that holds its
payload), a CDXJ index py-wacz builds from them, and `pages/pages.jsonl`, which ReplayWeb.page
and other replay tools list as the collection's entry points: here, one page per article.

The pages file is ours, copied as written (py-wacz's `--copy-pages`): py-wacz's other mode
matches each page to a record and silently drops the ones it cannot match, and gives every page
a random id. A page's `ts` is when its article's page was fetched, the capture a replay tool
opens; the publication date would name a time the archive holds no capture of.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import uuid
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator

from dostcrawler import __version__
from dostcrawler.storage.db import Archive
from dostcrawler.storage.lock import ArchiveBusy, archive_lock


class WaczError(RuntimeError):
    """The WACZ cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class WaczSummary:
    """What a WACZ file holds."""

    output: Path
    sites: list[str]
    warc_files: int
    pages: int
    # Articles of these sites with no capture in the WARC files (crawled with --no-warc).
    uncaptured: int

    def line(self) -> str:
        """One line for the terminal."""
        files = f"{self.warc_files} WARC file{'s' if self.warc_files != 1 else ''}"
        pages = f"{self.pages} page{'s' if self.pages != 1 else ''}"
        text = f"wrote {self.output}: {files}, {pages}"
        if self.uncaptured:
            articles = f"{self.uncaptured} article{'s' if self.uncaptured != 1 else ''}"
            text += f" ({articles} without a capture left out)"
        return text


def package_wacz(
    db_path: str | Path, export_dir: str | Path, output: str | Path, *, site: str | None = None
) -> WaczSummary:
    """Write the WARC files of `site` (or of every site) with an index and one page per
    captured article to `output`, atomically."""
    output = Path(output)
    _check_output(output)
    archive = Archive(db_path)
    try:
        files = warc_files(archive, Path(export_dir), site)
        pages, uncaptured = article_pages(archive, site)
    finally:
        archive.close()
    _check_no_crawl_running(db_path)
    sites = sorted({path.parent.name for path in files})
    title = f"dostcrawler archive: {', '.join(sites)}"
    description = (
        f"News articles of {', '.join(sites)} captured by dostcrawler {__version__}: "
        f"{len(pages)} pages in {len(files)} WARC files."
    )
    with tempfile.TemporaryDirectory(prefix="dostcrawler-wacz-") as scratch:
        pages_file = Path(scratch) / "pages.jsonl"
        write_pages(pages, pages_file, title=title)
        _create(output, files, pages_file, title=title, description=description)
    return WaczSummary(output, sites, len(files), len(pages), uncaptured)


def warc_files(archive: Archive, export_dir: Path, site: str | None) -> list[Path]:
    """Every WARC file the captures of `site` (or of every site) name, in the order written,
    each checked (see check_warc_file); the WACZ keeps file names only, so they must not
    clash."""
    sql = "select site, filename from captures"
    params: list[str] = []
    if site is not None:
        sql += " where site = ?"
        params.append(site)
    sql += " group by site, filename order by min(crawl_id), site, filename"
    named = [(row[0], row[1]) for row in archive.db.execute(sql, params)]
    if not named:
        whose = f"of site '{site}' " if site is not None else ""
        raise WaczError(
            f"the archive {archive.path} holds no WARC capture {whose}"
            "(crawled with --no-warc?): crawl it again without --no-warc first"
        )
    paths = []
    for name, filename in named:
        path = export_dir / "warc" / name / filename
        check_warc_file(archive, path, name)
        paths.append(path)
    clashing = [name for name, count in Counter(p.name for p in paths).items() if count > 1]
    if clashing:
        raise WaczError(
            f"two sites have a WARC file named {clashing[0]}, and a WACZ keeps file names only: "
            "package each site on its own with --site"
        )
    return paths


def check_warc_file(archive: Archive, path: Path, site: str) -> None:
    """`path` is there, whole, and holds every record the captures name at its offset, or a
    one-line error. warcio reads much garbage without complaint, so py-wacz would package a
    damaged file, and its pages would replay nothing."""
    if not path.is_file():
        raise WaczError(
            f"the WARC file {path} that the archive's captures name is missing: pass the "
            "--export-dir the crawl wrote to, or restore the file"
        )
    sql = "select record_id, offset, length from captures where site = ? and filename = ?"
    records = list(archive.db.execute(sql + " order by offset", [site, path.name]))
    size = path.stat().st_size
    with open(path, "rb") as handle:
        for record_id, offset, length in records:
            if offset + length > size:
                raise WaczError(
                    f"the WARC file {path} is cut short: the archive's captures name records "
                    f"up to byte {offset + length}; restore the file from a backup"
                )
            if _record_id_at(handle, offset) != record_id:
                raise WaczError(
                    f"the WARC file {path} does not hold the record the archive names at byte "
                    f"{offset}: it is damaged or replaced; restore it from a backup"
                )


def _record_id_at(handle: BinaryIO, offset: int) -> str | None:
    handle.seek(offset)
    try:
        record = next(iter(ArchiveIterator(handle)))
    except Exception:  # whatever the bytes there are, they are not the record named
        return None
    found: str | None = record.rec_headers.get_header("WARC-Record-ID")
    return found


def article_pages(archive: Archive, site: str | None) -> tuple[list[dict[str, Any]], int]:
    """(WACZ page objects of the articles whose fetched page is captured, in export order;
    how many articles have no capture)."""
    pages: list[dict[str, Any]] = []
    uncaptured = 0
    for article in archive.iter_articles(site=site):
        pointer = article["warc"]
        capture = archive.capture(pointer["record_id"]) if pointer else None
        if capture is None:
            uncaptured += 1
            continue
        pages.append(
            {
                "id": article["id"],
                "url": article["url"],
                "ts": article["fetched_at"] or capture.captured_at,
                "title": article["title"] or article["url"],
            }
        )
    return pages, uncaptured


def write_pages(pages: list[dict[str, Any]], path: Path, *, title: str) -> None:
    """A pages.jsonl file: the json-pages-1.0 header line, then one page a line."""
    header = {"format": "json-pages-1.0", "id": "pages", "title": title}
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for line in (header, *pages):
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def _check_output(output: Path) -> None:
    if output.suffix != ".wacz":
        raise WaczError(f"cannot write {output}: a WACZ file's name must end in .wacz")
    if not output.parent.is_dir():
        raise WaczError(
            f"cannot write {output}: the folder {output.parent} does not exist; create it first"
        )


def _check_no_crawl_running(db_path: str | Path) -> None:
    """A running crawl is still appending to its WARC file. Asked after the captures are read:
    a crawl that starts later writes a file of its own, which this WACZ does not take."""
    try:
        with archive_lock(db_path):
            pass
    except ArchiveBusy:
        raise WaczError(
            f"a crawl is writing {db_path} and its WARC file: package it once the crawl ends"
        ) from None
    except OSError:
        pass  # a read-only archive folder: no crawl can be writing there


def _create(output: Path, warcs: list[Path], pages: Path, *, title: str, description: str) -> None:
    """Run py-wacz into a temporary file beside `output`, then rename it into place."""
    from wacz.main import main as wacz_main

    # Not mkstemp: its files are private (0600); this one gets the mode the umask gives.
    tmp = output.with_name(f".{output.name}.{uuid.uuid4().hex}.tmp")
    argv = ["create", "-o", str(tmp), "-p", str(pages), "--copy-pages"]
    argv += ["--title", title, "--desc", description, *map(str, warcs)]
    # py-wacz talks on stdout, where this command's data goes, and warcio on stderr.
    said = io.StringIO()
    try:
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            with redirect_stdout(said), redirect_stderr(said):
                status = wacz_main(argv)
            if status == 0:
                with open(tmp, "rb") as written:
                    os.fsync(written.fileno())
                os.replace(tmp, output)
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            raise WaczError(f"cannot write {output}: {exc.strerror or exc}{where}") from None
        except Exception as exc:  # warcio's, on bytes between the records checked: one line
            text = " ".join(str(exc).split())
            why = "".join(c if c.isascii() and c.isprintable() else "?" for c in text)
            raise WaczError(
                f"py-wacz cannot package {output} ({type(exc).__name__}: {why[:100]}): "
                "a WARC file is damaged; restore it from a backup"
            ) from None
        if status != 0:
            last = said.getvalue().strip().splitlines()[-1:] or ["no reason given"]
            raise WaczError(f"py-wacz cannot package {output}: {last[0]}")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
