"""CDXJ indexes (the pywb / WACZ format) for WARC files, written by cdxj-indexer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cdxj_indexer.main import CDXJIndexer


def cdxj_path(warc: Path) -> Path:
    """Where a WARC file's index lies: `<name>.cdxj` beside it."""
    return warc.with_name(warc.name.removesuffix(".warc.gz") + ".cdxj")


def write_cdxj(warc: Path) -> Path:
    """Index one WARC file into `<name>.cdxj` next to it (sorted, like pywb expects)."""
    target = cdxj_path(warc)
    tmp = target.with_suffix(".cdxj.tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        CDXJIndexer(out, [str(warc)], sort=True).process_all()
    tmp.replace(target)
    return target


def read_cdxj(path: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(SURT key, 14-digit timestamp, fields) for every line of a CDXJ index."""
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            key, timestamp, fields = line.rstrip("\n").split(" ", 2)
            yield key, timestamp, json.loads(fields)
