"""Crawl benchmark: dostcrawler against a bare Scrapy link-follower on one synthetic site.

A site of N DOST-like articles of about 23 KB and their listing pages (tests/benchsite.py) is
served on 127.0.0.1; it is crawled twice, one crawl after the other, at 2 concurrent requests
with no delay and no AutoThrottle: first by tests/bench_follower.py under `scrapy runspider`
(the anchor: what Scrapy itself costs per page), then by `dostcrawler crawl --start-url` in
generic mode with WARC capture on. Each crawl is a child process; its CPU time and peak memory
are its own (os.wait4), the pages are what the server answered. Speed never fails the run; a
crawl that exits non-zero does.

dostcrawler keeps its own AutoThrottle (the CLI has no switch for it; `--delay 0` makes it
start at 0 s): on loopback it adds about one response time between requests, which shows in
wall time, not in CPU.

This process imports only the standard library: the kernel counts a child's peak memory from
that of the process that started it, so a large parent would raise every figure.

Run: `make bench-crawl` (1,000 articles), `make bench-crawl-large` (10,000), or
`python -m tests.bench_crawl --articles N`; `--profile` (`make bench-crawl-profile`) runs only
the dostcrawler crawl, under cProfile, and prints its top functions.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import pstats
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLLOWER = ROOT / "tests" / "bench_follower.py"
CONCURRENCY = 2
TOP_FUNCTIONS = 30
FOLLOWER_SETTINGS = {
    "CONCURRENT_REQUESTS": CONCURRENCY,
    "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "ROBOTSTXT_OBEY": False,
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
    "FEED_EXPORT_ENCODING": "utf-8",
}


@dataclass(frozen=True)
class Site:
    """The running benchmark site, as tests/benchsite.py announced it."""

    origin: str
    start_path: str
    stats_path: str
    articles: int
    listings: int
    article_bytes_mean: float

    def served(self) -> Counter[str]:
        """Requests answered so far, by kind (robots, listing, article, not_found)."""
        with urllib.request.urlopen(self.origin + self.stats_path, timeout=10) as answer:
            return Counter(json.loads(answer.read()))


@dataclass(frozen=True)
class Run:
    """One measured crawl."""

    name: str
    returncode: int
    wall: float
    cpu: float
    peak_mib: float
    served: Counter[str]
    stored: int
    log: Path

    @property
    def pages(self) -> int:
        """Every request the server answered during the crawl."""
        return sum(self.served.values())

    @property
    def cpu_ms_per_page(self) -> float:
        """User + system CPU time of the crawl's process per page fetched."""
        return 1000 * self.cpu / self.pages if self.pages else float("nan")


@contextmanager
def bench_site(articles: int) -> Iterator[Site]:
    """Generate and serve the site in a process of its own for the duration of the block."""
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.benchsite", "--articles", str(articles)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        if not line:
            raise SystemExit("the benchmark site did not start (tests/benchsite.py)")
        yield Site(**json.loads(line))
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure(name: str, argv: list[str], site: Site, cwd: Path, log: Path, limit: float) -> Run:
    """Run `argv` to completion (killed after `limit` seconds): its wall time, its own CPU time
    and peak RSS (os.wait4), and the requests the site answered meanwhile."""
    before = site.served()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
    env["PYTHONPATH"] = str(ROOT)
    with log.open("wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        watchdog = threading.Timer(limit, child.kill)
        watchdog.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        watchdog.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    served = site.served()
    served.subtract(before)
    return Run(
        name=name,
        returncode=child.returncode,
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_mib=usage.ru_maxrss / 1024,  # KiB on Linux
        served=+served,
        stored=0,
        log=log,
    )


def run_follower(site: Site, work: Path, limit: float) -> Run:
    """The bare Scrapy link-follower; stored = lines of its feed."""
    items = work / "items.jsonl"
    settings = [arg for key, value in FOLLOWER_SETTINGS.items() for arg in ("-s", f"{key}={value}")]
    argv = [sys.executable, "-m", "scrapy", "runspider", str(FOLLOWER), *settings]
    argv += ["-a", f"start_url={site.origin}{site.start_path}", "-O", str(items)]
    # Outside the checkout: its scrapy.cfg would load dostcrawler's settings.
    run = measure("Scrapy follower (anchor)", argv, site, work, work / "follower.log", limit)
    stored = (
        sum(1 for line in items.open(encoding="utf-8") if line.strip()) if items.exists() else 0
    )
    return replace(run, stored=stored)


def dostcrawler_argv(site: Site, work: Path) -> list[str]:
    """`dostcrawler crawl --start-url` as a user runs it on a local mirror (WARC on)."""
    return [
        "-m",
        "dostcrawler",
        "crawl",
        "--start-url",
        site.origin + site.start_path,
        "--db",
        str(work / "a.sqlite"),
        "--export-dir",
        str(work / "exports"),
        "--delay",
        "0",
        "--log-level",
        "WARNING",
    ]


def run_dostcrawler(site: Site, work: Path, limit: float, profile: Path | None = None) -> Run:
    """The dostcrawler crawl (under cProfile with `profile`); stored = rows in `articles`."""
    prefix = [sys.executable] + (["-m", "cProfile", "-o", str(profile)] if profile else [])
    name = "dostcrawler crawl (WARC on)" + (" under cProfile" if profile else "")
    argv = prefix + dostcrawler_argv(site, work)
    run = measure(name, argv, site, ROOT, work / "dostcrawler.log", limit)
    db = work / "a.sqlite"
    stored = 0
    if db.exists():
        with sqlite3.connect(db) as conn:
            stored = conn.execute("select count(*) from articles").fetchone()[0]
            status = conn.execute("select status from crawls order by id desc limit 1").fetchone()
        if status and status[0] != "finished":
            print(f"WARNING: dostcrawler's crawls row says {status[0]!r}", file=sys.stderr)
    return replace(run, stored=stored)


def print_header(site: Site) -> None:
    """The size, the date and the machine."""
    print(
        f"Crawl benchmark, {datetime.date.today():%Y-%m-%d}: {site.articles:,} articles "
        f"(mean {site.article_bytes_mean / 1024:.1f} KiB a page) + {site.listings} listing pages "
        f"on {site.origin}, {CONCURRENCY} concurrent requests, no delay"
    )
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.platform()}, Python "
        f"{platform.python_version()}, Scrapy {importlib.metadata.version('scrapy')}\n"
    )


def print_table(runs: list[Run]) -> None:
    """One row per crawl, then dostcrawler / follower when both ran."""
    print("| crawler | pages fetched | stored | wall s | CPU s | CPU ms/page | peak RSS MiB |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for run in runs:
        print(
            f"| {run.name} | {run.pages:,} | {run.stored:,} | {run.wall:.2f} | {run.cpu:.2f} "
            f"| {run.cpu_ms_per_page:.2f} | {run.peak_mib:.0f} |"
        )
    if len(runs) == 2:
        anchor, ours = runs
        print(
            f"| dostcrawler / follower | | | {ours.wall / anchor.wall:.2f}x | "
            f"{ours.cpu / anchor.cpu:.2f}x | {ours.cpu_ms_per_page / anchor.cpu_ms_per_page:.2f}x "
            f"| {ours.peak_mib / anchor.peak_mib:.2f}x |"
        )
    print()
    for run in runs:
        kinds = ", ".join(f"{kind} {count:,}" for kind, count in sorted(run.served.items()))
        print(f"{run.name}: {kinds}")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this process: {own:.0f} MiB peak, a floor under each child's peak RSS)")


def check(run: Run, site: Site) -> bool:
    """False when the crawl failed; a warning when it stored fewer articles than the site has."""
    if run.returncode != 0:
        tail = run.log.read_text(encoding="utf-8", errors="replace")[-3000:]
        print(f"\nFAILED: {run.name} exited {run.returncode}\n{tail}", file=sys.stderr)
        return False
    if run.stored != site.articles:
        print(
            f"WARNING: {run.name} stored {run.stored:,} of {site.articles:,} articles "
            f"(log: {run.log})"
        )
    return True


def print_profile(profile: Path) -> None:
    """The top functions by cumulative and by own time, then dostcrawler's own by cumulative
    time (the overall cumulative list is mostly the reactor and Scrapy calling down)."""
    for order, label in (("cumulative", "cumulative time"), ("tottime", "own time (tottime)")):
        print(f"\nTop {TOP_FUNCTIONS} functions by {label}:")
        stats = pstats.Stats(str(profile), stream=sys.stdout)
        stats.strip_dirs().sort_stats(order).print_stats(TOP_FUNCTIONS)
    print(f"\nTop {TOP_FUNCTIONS} functions of dostcrawler/ by cumulative time:")
    stats = pstats.Stats(str(profile), stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(f"{ROOT}/dostcrawler/", TOP_FUNCTIONS)


def main(argv: list[str] | None = None) -> int:
    """Both crawls and their table, or (--profile) the dostcrawler crawl under cProfile."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="site size (default 1,000)")
    parser.add_argument(
        "--profile", action="store_true", help="only the dostcrawler crawl, under cProfile"
    )
    args = parser.parse_args(argv)
    limit = 300 + 0.5 * args.articles  # seconds: a hung crawl is killed, never waited on
    with (
        tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp,
        bench_site(args.articles) as site,
    ):
        work = Path(tmp)
        print_header(site)
        if args.profile:
            profile = work / "dostcrawler.prof"
            runs = [run_dostcrawler(site, work, limit * 3, profile)]
        else:
            (work / "follower").mkdir()
            runs = [
                run_follower(site, work / "follower", limit),
                run_dostcrawler(site, work, limit),
            ]
        print_table(runs)
        ok = all([check(run, site) for run in runs])
        if args.profile and ok:
            print_profile(profile)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
