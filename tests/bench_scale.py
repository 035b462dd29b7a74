"""`make bench-scale`: does the archive grow linearly with the number of articles?

Synthetic articles (tests/synthetic.py: 60 sites, Vietnamese-like bodies of about 1.7 K
characters, site notices appended to many of them, about 5% syndicated copies) are stored
through the path a crawl takes: `Archive.upsert_article`, then `mark_syndicated`, in one
deferred unit committed with the next ones (as the store pipeline does), one `crawls` row per
site. Each size gets a fresh archive in a temporary folder. Per size it prints the time
per article (overall, and over the last 10% of the inserts: the marginal cost at that size),
the file's bytes per article and what takes the space (dbstat), how many near-duplicate
candidates each article's lookups examined, and how many planted copies were found.

Run: `make bench-scale` (10,000 and 100,000 articles), or
`python -m tests.bench_scale --sizes 10000,100000,1000000`; `--profile` adds the top functions
(cProfile) of a separate run at the smallest size.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
import resource
import statistics
import sys
import tempfile
import time
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from dostcrawler.neardup import (
    BANDS,
    MIN_WORDS,
    ROWS,
    THRESHOLD,
    BucketMembers,
    Fingerprint,
    NearDuplicateIndex,
    shingles,
)
from dostcrawler.pipelines.store import mark_syndicated
from dostcrawler.storage.db import Archive
from tests.sitefixtures import fixture_sites
from tests.synthetic import Plan, sample

DEFAULT_SIZES = (10_000, 100_000)
SITES = 60
LINEAR_WITHIN = 1.5
TOP_OBJECTS = 10


@dataclass
class Lookups:
    """What the near-duplicate lookups of each article read: bucket rows (NearDuplicateIndex.
    _bucket_members) and the candidates whose signatures were compared (._candidates)."""

    examined: int = 0
    rows: int = 0
    queries: int = 0
    per_article: array[int] = field(default_factory=lambda: array("l"))
    rows_per_article: array[int] = field(default_factory=lambda: array("l"))
    queries_per_article: array[int] = field(default_factory=lambda: array("l"))

    def close_article(self) -> None:
        self.per_article.append(self.examined)
        self.rows_per_article.append(self.rows)
        self.queries_per_article.append(self.queries)
        self.examined = self.rows = self.queries = 0


@contextmanager
def counting_candidates() -> Iterator[Lookups]:
    """Count what the LSH lookups read, in this process only (the package is left as it is:
    the methods are wrapped while the benchmark runs, then put back)."""
    lookups = Lookups()
    members, candidates = NearDuplicateIndex._bucket_members, NearDuplicateIndex._candidates

    def counted_members(self: NearDuplicateIndex, this: Fingerprint) -> BucketMembers:
        found = members(self, this)
        lookups.queries += 1
        lookups.rows += sum(map(len, found.values()))
        return found

    def counted_candidates(self: NearDuplicateIndex, this: Fingerprint) -> Iterator[Fingerprint]:
        for candidate in candidates(self, this):
            lookups.examined += 1
            yield candidate

    NearDuplicateIndex._bucket_members = counted_members  # type: ignore[method-assign]
    NearDuplicateIndex._candidates = counted_candidates  # type: ignore[method-assign]
    try:
        yield lookups
    finally:
        NearDuplicateIndex._bucket_members = members  # type: ignore[method-assign]
        NearDuplicateIndex._candidates = candidates  # type: ignore[method-assign]


@dataclass
class Result:
    """What one size measured."""

    size: int
    seconds: float = 0.0
    generate_s: float = 0.0
    # Per article, in insertion order (arrays: a million articles stay a few MB). Wall time of
    # each step, and the process's CPU time for both: on a shared machine the wall clock also
    # counts other people's work, the CPU time does not.
    upsert_s: array[float] = field(default_factory=lambda: array("d"))
    mark_s: array[float] = field(default_factory=lambda: array("d"))
    store_s: array[float] = field(default_factory=lambda: array("d"))
    store_cpu_s: array[float] = field(default_factory=lambda: array("d"))
    body_chars: float = 0.0
    file_bytes: int = 0
    objects: list[tuple[str, int]] = field(default_factory=list)
    columns: list[tuple[str, int]] = field(default_factory=list)
    lookups: Lookups = field(default_factory=Lookups)
    planted: int = 0
    found: int = 0
    correct: int = 0
    false_positives: int = 0
    wrong_original: int = 0
    peak_rss_mib: float = 0.0

    @property
    def tail(self) -> slice:
        return slice(self.size - self.size // 10, self.size)

    def ms_per_article(self, times: array[float], part: slice = slice(None)) -> float:
        chosen = times[part]
        return 1000 * sum(chosen) / len(chosen)

    @property
    def articles_bytes(self) -> int:
        return dict(self.objects).get("articles", 0)


def run_size(size: int, folder: Path) -> Result:
    """Store `size` synthetic articles into a fresh archive in `folder` and measure it."""
    result = Result(size)
    started = time.perf_counter()
    plan = Plan(size, SITES)
    archive = Archive(folder / "archive.sqlite")
    current, crawl_id, stored = -1, 0, 0  # the site being crawled, its crawls row, its count
    body_chars = 0
    with counting_candidates() as lookups:
        generated = time.perf_counter()
        for position, (number, article) in enumerate(plan.articles()):
            result.generate_s += time.perf_counter() - generated
            if number != current:
                if stored:
                    _finish(archive, crawl_id, stored)
                current, crawl_id, stored = number, archive.start_crawl(article.site, "full"), 0
            body_chars += len(article.body or "")
            cpu, t0 = time.process_time(), time.perf_counter()
            # As StorePipeline.process_item: the article and its marks are one deferred
            # unit, committed with the ones that follow within DEFERRED_COMMIT_S.
            with archive.transaction(deferred=True):
                archive.upsert_article(article, crawl_id)
                t1 = time.perf_counter()
                mark_syndicated(archive, article)
            t2 = time.perf_counter()
            result.store_cpu_s.append(time.process_time() - cpu)
            result.upsert_s.append(t1 - t0)
            result.mark_s.append(t2 - t1)
            result.store_s.append(t2 - t0)
            lookups.close_article()
            stored += 1
            _progress(position + 1, size, started, result)
            generated = time.perf_counter()
    _finish(archive, crawl_id, stored)
    result.lookups = lookups
    result.body_chars = body_chars / size
    archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    result.file_bytes = archive.path.stat().st_size
    result.objects = [
        (str(name), int(pages))
        for name, pages in archive.db.execute(
            "select name, sum(pgsize) from dbstat group by name order by 2 desc"
        )
    ]
    result.columns = _column_bytes(archive)
    _score_copies(result, archive, plan)
    archive.close()
    result.seconds = time.perf_counter() - started
    result.peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _column_bytes(archive: Archive) -> list[tuple[str, int]]:
    """Bytes stored per `articles` column (text as UTF-8), largest first, in one scan."""
    names = list(archive.db.table("articles").columns_dict)
    sums = ", ".join(f'coalesce(sum(length(cast("{name}" as blob))), 0)' for name in names)
    totals = archive.db.execute(f"select {sums} from articles").fetchone()
    return sorted(zip(names, map(int, totals), strict=True), key=lambda c: -c[1])


def _finish(archive: Archive, crawl_id: int, stored: int) -> None:
    stats = {"dostcrawler/articles/new": stored, "item_scraped_count": stored}
    archive.finish_crawl(
        crawl_id, status="finished", stats=stats, jsonl_path=None, covers_catalogue=True
    )


def _progress(done: int, size: int, started: float, result: Result) -> None:
    """A line on stderr every tenth of the way, so a long run shows it is alive."""
    if done % max(1, size // 10) == 0:
        recent = slice(max(0, done - size // 10), done)
        print(
            f"  {done:,}/{size:,} after {time.perf_counter() - started:,.0f} s; "
            f"{result.ms_per_article(result.store_s, recent):.2f} ms/article lately",
            file=sys.stderr,
            flush=True,
        )


def _score_copies(result: Result, archive: Archive, plan: Plan) -> None:
    """Planted copies against what the archive marked."""
    marked = dict(
        archive.db.execute("select id, duplicate_of from articles where duplicate_of is not null")
    )
    planted = dict(plan.planted())
    result.planted = len(planted)
    result.found = len(marked)
    result.correct = sum(1 for copy, original in planted.items() if marked.get(copy) == original)
    result.false_positives = sum(1 for copy in marked if copy not in planted)
    result.wrong_original = sum(
        1 for copy, original in planted.items() if copy in marked and marked[copy] != original
    )


@dataclass(frozen=True)
class Likeness:
    """How alike unrelated bodies are, and what that costs an LSH lookup."""

    mean: float  # true Jaccard of their word 5-gram sets
    p99: float
    same_site: float  # candidates a lookup meets per 1,000 stored articles of its own site
    other_sites: float  # and per 1,000 of other sites


def likeness(bodies: list[tuple[str, str]]) -> Likeness:
    """Over every pair of (site, body) of MIN_WORDS words or more that is no copy (true
    Jaccard under THRESHOLD): the Jaccard's mean and 99th percentile, and the chance the pair
    shares an LSH bucket (1 - (1 - s^ROWS)^BANDS), per 1,000 pairs, within a site and across."""
    sets = [(site, shingles(body)) for site, body in bodies if len(body.split()) >= MIN_WORDS]
    pairs = [
        (len(a & b) / len(a | b), first == second)
        for (first, a), (second, b) in itertools.combinations(sets, 2)
    ]
    unrelated = [(s, same) for s, same in pairs if s < THRESHOLD]
    values = sorted(s for s, _ in unrelated)

    def per_thousand(same: bool) -> float:
        chances = [1 - (1 - s**ROWS) ** BANDS for s, within in unrelated if within == same]
        return 1000 * statistics.mean(chances) if chances else 0.0

    return Likeness(
        statistics.mean(values),
        values[int(0.99 * (len(values) - 1))],
        per_thousand(True),
        per_thousand(False),
    )


def print_calibration(plan: Plan) -> None:
    """How alike the synthetic bodies are, next to the fixture sites' real bodies."""
    fixtures = [
        (site.name, str(article["body"]))
        for site in fixture_sites()
        for article in site.articles
        if article.get("body")
    ]
    synthetic = [(a.site, a.body or "") for a in sample(plan, 300)]
    print("Unrelated bodies (pairs under the 0.4 threshold), Jaccard of word 5-gram sets, and")
    print("the LSH candidates a lookup meets per 1,000 stored articles (its own site / others):")
    for name, bodies in (("fixture sites", fixtures), ("synthetic", synthetic)):
        found = likeness(bodies)
        print(
            f"  {name:13} {len(bodies):4} bodies: mean {found.mean:.3f}, p99 {found.p99:.3f}; "
            f"candidates {found.same_site:.2f} / {found.other_sites:.2f}"
        )


def print_result(r: Result) -> None:
    """One size's block of numbers."""
    tail = r.tail
    print(f"\n## {r.size:,} articles over {SITES} sites (mean body {r.body_chars:,.0f} chars)")
    print(
        f"total {r.seconds:,.1f} s (generating {r.generate_s:,.1f} s, upsert_article "
        f"{sum(r.upsert_s):,.1f} s, mark_syndicated and commits {sum(r.mark_s):,.1f} s)"
    )
    print(
        f"ms/article: {r.ms_per_article(r.store_s):.2f} overall, "
        f"{r.ms_per_article(r.store_s, tail):.2f} over the last 10% "
        f"(upsert_article {r.ms_per_article(r.upsert_s):.2f} / "
        f"{r.ms_per_article(r.upsert_s, tail):.2f}, mark_syndicated and commits "
        f"{r.ms_per_article(r.mark_s):.2f} / {r.ms_per_article(r.mark_s, tail):.2f}); "
        f"CPU {r.ms_per_article(r.store_cpu_s):.2f} / {r.ms_per_article(r.store_cpu_s, tail):.2f}"
    )
    print(
        f"file: {r.file_bytes / r.size:,.0f} bytes/article ({r.file_bytes / 2**20:,.1f} MiB); "
        f"articles table {r.articles_bytes / r.size:,.0f} bytes/article; "
        f"file / articles table = {r.file_bytes / max(1, r.articles_bytes):.2f}"
    )
    print(
        "largest tables and indexes (dbstat): "
        + ", ".join(
            f"{name} {pages / r.size:,.0f} B/article ({100 * pages / r.file_bytes:.0f}%)"
            for name, pages in r.objects[:TOP_OBJECTS]
        )
    )
    print(
        "largest articles columns: "
        + ", ".join(f"{name} {size / r.size:,.0f} B/article" for name, size in r.columns[:6])
    )
    examined, rows = r.lookups.per_article, r.lookups.rows_per_article
    print(
        f"near-duplicate candidates compared per article: mean {statistics.mean(examined):.2f}, "
        f"max {max(examined):,}, last 10% mean {statistics.mean(examined[tail]):.2f}; bucket rows "
        f"read per article: mean {statistics.mean(rows):.1f}, max {max(rows):,}, last 10% mean "
        f"{statistics.mean(rows[tail]):.1f} ({statistics.mean(r.lookups.queries_per_article):.2f} "
        "lookups per article)"
    )
    print(
        f"syndicated copies: {r.planted:,} planted, {r.found:,} marked, {r.correct:,} pointing "
        f"at their original (recall {100 * r.correct / max(1, r.planted):.1f}%), "
        f"{r.false_positives:,} false positives, {r.wrong_original:,} with another original"
    )
    print(f"peak memory of the process so far: {r.peak_rss_mib:,.0f} MiB")


def print_summary(results: list[Result]) -> None:
    """The table of every size, and whether the marginal cost stayed flat."""
    print(
        "\n| articles | total s | ms/article | ms/article, last 10% | CPU ms, last 10% "
        "| bytes/article | file / articles table | candidates/article, mean | last 10% | max "
        "| bucket rows read/article, last 10% | recall | false positives |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        examined, rows = r.lookups.per_article, r.lookups.rows_per_article
        print(
            f"| {r.size:,} | {r.seconds:,.0f} | {r.ms_per_article(r.store_s):.2f} "
            f"| {r.ms_per_article(r.store_s, r.tail):.2f} "
            f"| {r.ms_per_article(r.store_cpu_s, r.tail):.2f} | {r.file_bytes / r.size:,.0f} "
            f"| {r.file_bytes / max(1, r.articles_bytes):.2f} "
            f"| {statistics.mean(examined):.2f} | {statistics.mean(examined[r.tail]):.2f} "
            f"| {max(examined):,} | {statistics.mean(rows[r.tail]):.1f} "
            f"| {100 * r.correct / max(1, r.planted):.1f}% | {r.false_positives:,} |"
        )
    if len(results) > 1:
        small, large = results[0], results[-1]

        def growth(times: Callable[[Result], array[float]]) -> float:
            return large.ms_per_article(times(large), large.tail) / small.ms_per_article(
                times(small), small.tail
            )

        wall, cpu = growth(lambda r: r.store_s), growth(lambda r: r.store_cpu_s)
        linear = cpu <= LINEAR_WITHIN
        print(
            f"\nmarginal cost per article (last 10% of the inserts) at {large.size:,} / at "
            f"{small.size:,}: {cpu:.2f}x in CPU time ({wall:.2f}x wall clock), "
            f"{'within' if linear else 'NOT within'} {LINEAR_WITHIN}x: "
            f"{'linear' if linear else 'superlinear'} growth"
        )


def print_profile(size: int) -> None:
    """The top 25 functions by own time of a separate run at `size` (under cProfile)."""
    profiler = cProfile.Profile()
    with tempfile.TemporaryDirectory() as tmp:
        profiler.enable()
        run_size(size, Path(tmp))
        profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    print(f"\n## cProfile of a separate run at {size:,} articles: top 25 by own time")
    stats.sort_stats("tottime").print_stats(25)
    print("## the same run: top 25 dostcrawler functions by cumulative time")
    stats.sort_stats("cumulative").print_stats("dostcrawler/", 25)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="comma-separated archive sizes (default: %(default)s)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the smallest size")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    print_calibration(Plan(sizes[-1], SITES))
    results = []
    for size in sizes:
        print(f"storing {size:,} articles...", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            results.append(run_size(size, Path(tmp)))
        print_result(results[-1])
        sys.stdout.flush()
    print_summary(results)
    if args.profile:
        print_profile(sizes[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
