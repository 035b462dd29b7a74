"""Hostile and broken servers: the Vĩnh Phúc fixture served with one fault per article page
(and on its attachment, its robots.txt and its listing; tests/faultserver.py), crawled once
through the real engine, then again with the server fixed; beside it, one crawl of the site
whose robots.txt asks a Crawl-delay. `make faults` prints one line per fault;
tests/test_faults.py asserts the same outcomes.

Each fault is what an old government server really does: answer 503 and recover, fail every
retry, cut the connection mid-body, send a gzip bomb, loop redirects, redirect off the site,
answer an empty 200, serve a binary blob as text/html, print 100,000 links, trickle the body,
send the headers and then nothing, stream 1 GiB of HTML, declare a billion laughs in the
DOCTYPE, write a page as a million character references, name an attachment
`../../etc/passwd`, forbid a page in robots.txt, ask a Crawl-delay there, page a listing
forever and link an archive by day that goes back forever.

The crawl runs with --delay 0 and a download timeout of TIMEOUT seconds
(DOSTCRAWLER_DOWNLOAD_TIMEOUT), from a copy of the site's profile whose
listing.max_fruitless_pages is FRUITLESS_PAGES, so that the pager trap (whose every article
answers 404) ends after a few pages; its listing.max_pages (MAX_PAGES) is never reached.
"""

from __future__ import annotations

import itertools
import json
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dostcrawler.demo.server import serve_site
from dostcrawler.profiles import load_site
from tests.conftest import run_cli
from tests.faultserver import (
    CALENDAR,
    CRAWL_DELAY,
    DETAIL,
    SITE,
    FaultHandler,
    FixedHandler,
    PacedHandler,
    trap_number,
)

ATTACHMENT_ARTICLE = "1045"
# Article id -> (fault, what a careful archivist expects).
FAULTS: dict[str, tuple[str, str]] = {
    "1052": ("503 once, then 200", "retried in the same run, stored"),
    "1051": ("503 on every try", "counted as failed, fetched again by the next run"),
    "1050": ("connection cut mid-body", "counted as failed (data loss), never stored broken"),
    "1049": ("gzip bomb (1 GB of zeros)", "refused past DOWNLOAD_MAXSIZE, memory bounded"),
    "1048": ("redirect loop", "given up after the redirect limit, counted"),
    "1046": ("redirect to another host", "not followed off the site, counted"),
    "1044": ("empty 200", "dropped with its reason, not stored"),
    "1043": ("binary blob as text/html", "dropped with its reason, not stored"),
    "1042": ("100,000 links on the page", "stored right, in bounded time"),
    "1041": ("forbidden by robots.txt", "never requested"),
    "1040": ("body trickled in 40 pieces", "stored right"),
    "1038": ("headers, then a stall", "timed out on every try, counted, fetched by the next run"),
    "1037": ("1 GiB of HTML, streamed", "refused past DOWNLOAD_MAXSIZE, memory bounded"),
    "1036": ("billion laughs in the DOCTYPE", "stored right, the entity never expanded"),
    "1035": ("1,000,000 character references", "stored right, memory bounded"),
}
ATTACHMENT_FAULT = ("attachment named ../../etc/passwd", "stored content-addressed in files/")
TRAP_FAULT = (
    "listing pager with no end",
    "stopped where its pages stopped giving articles, said; the rest stored",
)
CALENDAR_FAULT = ("archive by day with no end", "never followed")
OVERRIDE_FAULT = ("robots.txt Crawl-delay: 5, --delay 0", "the delay the user chose wins, said")
PACED_FAULT = (f"robots.txt Crawl-delay: {CRAWL_DELAY:g}", "requests at least as far apart")
TIMEOUT = 2.0
MAX_PAGES = 40
FRUITLESS_PAGES = 3
PACED_ARTICLES = 2


@dataclass(frozen=True)
class FaultRun:
    """One crawl of the faulty site, then a second (the server fixed) into the same archive;
    and one crawl of the site asking a Crawl-delay, into an archive of its own."""

    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    stored_after_first: dict[str, tuple[str, str]]  # id -> (title, body)
    stored_after_second: set[str]
    retry_list: dict[str, str]  # article URL -> reason, after the first run
    stats: dict[str, Any]
    requests: list[str]
    workdir: Path
    seconds: float
    peak_rss_mb: float
    paced: subprocess.CompletedProcess[str]
    paced_arrivals: list[tuple[float, str]]
    paced_stats: dict[str, Any]
    streamed_bytes: int  # of the 1 GiB page, before the crawler hung up

    def stored(self, item: str) -> bool:
        return f"vinhphuc:tintuchoatdong-{item}" in self.stored_after_first

    def record(self, item: str) -> tuple[str, str]:
        """(title, body) of an article the first run stored."""
        return self.stored_after_first[f"vinhphuc:tintuchoatdong-{item}"]

    @property
    def paced_spacing(self) -> list[float]:
        """Seconds between one request of the paced crawl and the next, as the server saw."""
        times = sorted(moment for moment, _ in self.paced_arrivals)
        return [later - earlier for earlier, later in itertools.pairwise(times)]


def profile_copy(folder: Path, **changes: str) -> Path:
    """The site's bundled profile with `changes` ("listing": a line added under [listing],
    "download_delay": the [http] value), written into `folder`."""
    source = Path(str(load_site(SITE.name).path)).read_text(encoding="utf-8")
    if "listing" in changes:
        source = source.replace("[listing]\n", f"[listing]\n{changes['listing']}\n", 1)
    if "download_delay" in changes:
        source = source.replace(
            "download_delay = 2.0", f"download_delay = {changes['download_delay']}"
        )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{SITE.name}.toml").write_text(source, encoding="utf-8")
    return folder / f"{SITE.name}.toml"


def run_paced(workdir: Path) -> tuple[subprocess.CompletedProcess[str], list[tuple[float, str]]]:
    """Crawl the site asking a Crawl-delay: no --delay, a profile delay below it."""
    profile = profile_copy(workdir, download_delay="0.0")
    PacedHandler.arrivals.clear()
    with serve_site(SITE.folder, handler=PacedHandler) as server:
        result = run_cli(
            "crawl", "--profile", str(profile), "--origin", server.origin,
            "--db", str(workdir / "archive.sqlite"), "--export-dir", str(workdir),
            "--max-articles", str(PACED_ARTICLES), "--no-attachments", "--no-warc",
        )  # fmt: skip
    return result, list(PacedHandler.arrivals)


def run_faults(workdir: Path) -> FaultRun:
    db = workdir / "archive.sqlite"
    args = ["--db", str(db), "--export-dir", str(workdir / "exports"), "--delay", "0"]
    limits = f"max_pages = {MAX_PAGES}\nmax_fruitless_pages = {FRUITLESS_PAGES}"
    profile = profile_copy(workdir / "profile", listing=limits)
    env = {"DOSTCRAWLER_DOWNLOAD_TIMEOUT": str(TIMEOUT)}
    FaultHandler.tries.clear()
    FaultHandler.streamed.clear()
    with ThreadPoolExecutor(1) as pool:
        paced = pool.submit(run_paced, workdir / "paced")
        started = time.monotonic()
        with serve_site(SITE.folder, handler=FaultHandler) as server:
            first = run_cli("crawl", "--profile", str(profile), "--origin", server.origin,
                            *args, env=env)  # fmt: skip
            requests = [path for _, path in server.requests]
        seconds = time.monotonic() - started
        with sqlite3.connect(db) as conn:
            after_first = {
                i: (t, b) for i, t, b in conn.execute("select id, title, body from articles")
            }
            (raw,) = conn.execute("select stats from crawls order by id limit 1").fetchone()
            retry_list = dict(conn.execute("select url, reason from retries").fetchall())
        with serve_site(SITE.folder, handler=FixedHandler) as server:
            second = run_cli("crawl", SITE.name, "--origin", server.origin, *args)
        with sqlite3.connect(db) as conn:
            after_second = {i for (i,) in conn.execute("select id from articles")}
        paced_result, arrivals = paced.result()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    with sqlite3.connect(workdir / "paced" / "archive.sqlite") as conn:
        (paced_raw,) = conn.execute("select stats from crawls").fetchone()
    return FaultRun(
        first, second, after_first, after_second, retry_list, json.loads(raw), requests,
        workdir, seconds, peak, paced_result, arrivals, json.loads(paced_raw),
        sum(FaultHandler.streamed.values()),
    )  # fmt: skip


def trap_requests(run: FaultRun) -> tuple[int, int]:
    """(pages of the pager trap, article links on them) the first run requested."""
    pages = sum(1 for path in run.requests if trap_number(path) is not None)
    articles = sum(1 for path in run.requests if path.startswith(f"{DETAIL}9"))
    return pages, articles


def describe(run: FaultRun) -> list[str]:
    """One line per fault: the fault, whether its article was stored, what the stats say."""
    failed = {k.rsplit("/", 1)[1]: v for k, v in run.stats.items() if "failed/article/" in k}
    lines = []
    for item, (fault, expected) in FAULTS.items():
        asked = sum(1 for path in run.requests if path == DETAIL + item)
        stored = "stored" if run.stored(item) else "not stored"
        again = (
            "; stored by the next run"
            if not run.stored(item)
            and (f"vinhphuc:tintuchoatdong-{item}" in run.stored_after_second)
            else ""
        )
        lines.append(f"{fault:<36} requests {asked:>2}, {stored}{again} (expected: {expected})")
    lines.append(
        f"{'':<36} of the 1 GiB page, {run.streamed_bytes >> 20} MiB sent before the crawler left"
    )
    pages, articles = trap_requests(run)
    stopped = run.stats.get("dostcrawler/listing/stopped_fruitless", 0)
    lines.append(
        f"{TRAP_FAULT[0]:<36} pages {pages}, their article links {articles}, "
        f"stopped_fruitless {stopped} (expected: {TRAP_FAULT[1]})"
    )
    calendar = sum(1 for path in run.requests if path.startswith(CALENDAR.split("{")[0]))
    lines.append(f"{CALENDAR_FAULT[0]:<36} requests {calendar} (expected: {CALENDAR_FAULT[1]})")
    said = "said" if "the delay chosen (0 s) overrides it" in run.first.stderr else "not said"
    lines.append(f"{OVERRIDE_FAULT[0]:<36} {said} (expected: {OVERRIDE_FAULT[1]})")
    spacing = run.paced_spacing
    lines.append(
        f"{PACED_FAULT[0]:<36} requests {len(run.paced_arrivals)}, {min(spacing):.2f} s apart at "
        f"least, {statistics.median(spacing):.2f} s median (expected: {PACED_FAULT[1]})"
    )
    files = sorted(p.name for p in (run.workdir / "exports" / "files").rglob("*") if p.is_file())
    lines.append(f"{ATTACHMENT_FAULT[0]:<36} files {files} (expected: {ATTACHMENT_FAULT[1]})")
    lines.append(f"failed article pages by reason: {failed}")
    lines.append(f"on the retry list: {sorted(run.retry_list.values())}")
    lines += [f"first run: {line.strip()}" for line in run.first.stderr.strip().splitlines()[-2:]]
    lines.append(
        f"crawl time {run.seconds:.1f} s, peak RSS of a crawl process {run.peak_rss_mb:.0f} MB"
    )
    return lines


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="dostcrawler-faults-"))
    try:
        for line in describe(run_faults(workdir)):
            print(line)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
