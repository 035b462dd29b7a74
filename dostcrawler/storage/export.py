"""JSON Lines exports: UTF-8, one record per line, every key, a deterministic order.

Files are written to a temporary name in the same folder and renamed, so a reader never sees
half a file; they get the permissions open() would give them (the umask's), not mkstemp's
private 0600, since they are made to be read.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def record_line(record: dict[str, Any]) -> str:
    """One JSONL line: keys in record order, Vietnamese unescaped."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_jsonl(records: Iterable[dict[str, Any]], target: str | Path) -> int:
    """Write records to `target` atomically ("-" is stdout); returns the number written."""
    with atomic_file(target) as out:
        return _write(records, out)


@contextmanager
def atomic_file(target: str | Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """A file that appears at `target` only once completely written and synced ("-" gives
    stdout); on any error nothing is left behind."""
    if str(target) == "-":
        yield sys.stdout
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o666)  # less the umask, as open() does
    try:
        out: IO[Any] = (
            os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        )
        with out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write(records: Iterable[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for record in records:
        out.write(record_line(record))
        count += 1
    return count
