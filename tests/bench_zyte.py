"""`make bench-zyte`: article bodies of 181 real pages (the Zyte article-extraction benchmark,
`../shared/benchmarks/zyte/`), dostcrawler's generic mode against trafilatura in the same run.

Scoring follows the benchmark's method: text split into word tokens (`\\w+`), shingles of 4
tokens counted with multiplicity, per-page true/false positives and negatives normalised to sum
to 1 (so long pages weigh no more than short ones); precision is the mean over pages that
predicted something, recall the mean over pages whose truth has text, F1 their harmonic mean.
dostcrawler's body gets its lead prepended when the body lacks it (the truth includes it).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

from dostcrawler.parse import parse_saved_page

BENCHMARK = Path(
    os.environ.get("ZYTE_BENCHMARK", Path(__file__).parents[2] / "shared/benchmarks/zyte")
)
SHINGLE = 4
TOKEN = re.compile(r"\w+")

Extractor = Callable[[bytes, str], str]


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    width = min(SHINGLE, len(tokens))
    return Counter(tuple(tokens[i : i + width]) for i in range(len(tokens) - width + 1))


def page_counts(truth: str, predicted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) over shingles, normalised to sum to 1."""
    want, got = shingles(truth), shingles(predicted)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def score(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(precision, recall, F1) as the benchmark averages them."""
    precision = statistics.mean(tp / (tp + fp) for tp, fp, _ in counts if tp + fp > 0)
    recall = statistics.mean(tp / (tp + fn) for tp, _, fn in counts if tp + fn > 0)
    return precision, recall, 2 * precision * recall / (precision + recall)


def dostcrawler_body(html: bytes, url: str) -> str:
    record = parse_saved_page(html, url, None)
    body, lead = record.get("body") or "", record.get("lead") or ""
    return f"{lead}\n\n{body}" if lead and lead not in body else body


def trafilatura_body(html: bytes, url: str) -> str:
    return trafilatura.extract(html) or ""


def main() -> int:
    if not (BENCHMARK / "ground-truth.json").is_file():
        print(f"no Zyte benchmark at {BENCHMARK}: set ZYTE_BENCHMARK to its folder")
        return 2
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {
        key: gzip.decompress((BENCHMARK / "html" / f"{key}.html.gz").read_bytes())
        for key in sorted(truth)
    }
    print(f"Zyte article-extraction benchmark: {len(pages)} real pages, body only")
    print("| extractor | precision | recall | F1 | median CPU ms/page | p95 CPU ms/page |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, extract in (
        ("trafilatura.extract (anchor)", trafilatura_body),
        ("dostcrawler generic (parse)", dostcrawler_body),
    ):
        counts, times = [], []
        for key, html in pages.items():
            started = time.process_time()
            body = extract(html, truth[key]["url"])
            times.append((time.process_time() - started) * 1000)
            counts.append(page_counts(truth[key]["articleBody"], body))
        precision, recall, f1 = score(counts)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"| {name} | {precision:.3f} | {recall:.3f} | {f1:.3f} | "
            f"{statistics.median(times):.1f} | {p95:.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
