"""Hostile and broken servers: the Vĩnh Phúc fixture served with one fault per article page
(and on its attachment and robots.txt), crawled once through the real engine. `make faults`
prints one line per fault; tests/test_faults.py asserts the same outcomes.

Each fault is what an old government server really does: answer 503 and recover, fail every
retry, cut the connection mid-body, send a gzip bomb, loop redirects, redirect off the site,
answer an empty 200, serve a binary blob as text/html, print 100,000 links, trickle the body,
name an attachment `../../etc/passwd`, and forbid a page in robots.txt.
"""

from __future__ import annotations

import gzip
import json
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from dostcrawler.demo.server import SiteHandler, serve_site
from tests.conftest import run_cli
from tests.sitefixtures import fixture_sites

SITE = next(site for site in fixture_sites() if site.name == "vinhphuc")
DETAIL = "/noidung/tintuc/Lists/TinTucHoatDong/View_Detail.aspx?ItemID="
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
}
ATTACHMENT_FAULT = ("attachment named ../../etc/passwd", "stored content-addressed in files/")
BOMB_BYTES = 1 << 30


def _bomb() -> bytes:
    out = gzip.compress(b"\0" * (1 << 24), compresslevel=9)
    return out * (BOMB_BYTES >> 24)  # concatenated gzip members: 1 GB once inflated


class FaultHandler(SiteHandler):
    """The site's stored responses, with FAULTS on their pages."""

    # One server per run: tries per path decide the 503-then-200 answer.
    tries: ClassVar[Counter[str]] = Counter()
    lock: ClassVar[threading.Lock] = threading.Lock()

    def _answer(self, method: str) -> None:
        item = self.path.removeprefix(DETAIL) if self.path.startswith(DETAIL) else None
        with self.lock:
            self.tries[self.path] += 1
            attempt = self.tries[self.path]
        if self.path == "/robots.txt":
            self.server.requests.append((method, self.path))
            robots = (self.server.folder / "files/robots.txt").read_bytes()
            robots += f"Disallow: {DETAIL}1041\n".encode()
            self._send(200, "text/plain", robots, {})
            return
        if (item == "1052" and attempt == 1) or item == "1051":
            self.server.requests.append((method, self.path))
            self._send(503, "text/html", b"<h1>Service Unavailable</h1>", {"Retry-After": "0"})
            return
        if item == "1050":
            self.server.requests.append((method, self.path))
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "500000")
            self.end_headers()
            self.wfile.write(b"<html><body><h1>cut")
            self.wfile.flush()
            self.close_connection = True
            return
        if item == "1049":
            self.server.requests.append((method, self.path))
            self._send(200, "text/html", _bomb(), {"Content-Encoding": "gzip"})
            return
        if item == "1048" or self.path == "/loop":
            self.server.requests.append((method, self.path))
            target = "/loop" if item else f"{DETAIL}1048"
            self._send(302, "text/html", b"", {"Location": target})
            return
        if item == "1046":
            self.server.requests.append((method, self.path))
            self._send(301, "text/html", b"", {"Location": "http://elsewhere.example/page"})
            return
        if item == "1044":
            self.server.requests.append((method, self.path))
            self._send(200, "text/html; charset=utf-8", b"", {})
            return
        if item == "1043":
            self.server.requests.append((method, self.path))
            blob = bytes(range(256)) * 4000
            self._send(200, "text/html", blob, {})
            return
        route = self.server.routes.get(("GET", self.path))
        if item == "1042" and route is not None and route.file:
            self.server.requests.append((method, self.path))
            page = (self.server.folder / route.file).read_bytes()
            links = "".join(f'<a href="/tag/{n}">t{n}</a>' for n in range(100_000))
            page = page.replace(b"</body>", links.encode() + b"</body>", 1)
            self._send(200, route.content_type, page, route.headers)
            return
        if item == "1040" and route is not None and route.file:
            self.server.requests.append((method, self.path))
            page = (self.server.folder / route.file).read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            step = len(page) // 40 + 1
            for start in range(0, len(page), step):
                self.wfile.write(page[start : start + step])
                self.wfile.flush()
                time.sleep(0.02)
            return
        if route is not None and "/Attachments/" in route.path:
            self.server.requests.append((method, self.path))
            body = (self.server.folder / route.file).read_bytes() if route.file else b""
            headers = {
                **route.headers,
                "Content-Disposition": 'attachment; filename="../../etc/passwd"',
            }
            self._send(route.status, route.content_type, body, headers)
            return
        super()._answer(method)


@dataclass(frozen=True)
class FaultRun:
    """One crawl of the faulty site, then a second (the servers fixed) into the same archive."""

    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    stored_after_first: set[str]
    stored_after_second: set[str]
    stats: dict[str, Any]
    requests: list[str]
    workdir: Path
    seconds: float
    peak_rss_mb: float

    def stored(self, item: str) -> bool:
        return f"vinhphuc:tintuchoatdong-{item}" in self.stored_after_first


def run_faults(workdir: Path) -> FaultRun:
    db = workdir / "archive.sqlite"
    args = ["--db", str(db), "--export-dir", str(workdir / "exports"), "--delay", "0"]
    FaultHandler.tries.clear()
    started = time.monotonic()
    with serve_site(SITE.folder, handler=FaultHandler) as server:
        first = run_cli("crawl", "vinhphuc", "--origin", server.origin, *args)
        requests = [path for _, path in server.requests]
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    with sqlite3.connect(db) as conn:
        after_first = {i for (i,) in conn.execute("select id from articles")}
        (raw,) = conn.execute("select stats from crawls order by id limit 1").fetchone()
    with serve_site(SITE.folder) as server:
        second = run_cli("crawl", "vinhphuc", "--origin", server.origin, *args)
    with sqlite3.connect(db) as conn:
        after_second = {i for (i,) in conn.execute("select id from articles")}
    return FaultRun(
        first, second, after_first, after_second, json.loads(raw), requests, workdir,
        seconds, peak,
    )  # fmt: skip


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
        lines.append(f"{fault:<32} requests {asked:>2}, {stored}{again} (expected: {expected})")
    files = sorted(p.name for p in (run.workdir / "exports" / "files").rglob("*") if p.is_file())
    lines.append(f"{ATTACHMENT_FAULT[0]:<32} files {files} (expected: {ATTACHMENT_FAULT[1]})")
    lines.append(f"failed article pages by reason: {failed}")
    lines.append(f"first run: {run.first.stderr.strip().splitlines()[-1]}")
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
