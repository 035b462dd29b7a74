"""One writer per archive: `<db>.lock`, held with flock for the whole crawl.

`dostcrawler crawl` takes it around all its sites; a crawl started any other way (`scrapy crawl`,
a Scrapyd job) takes it when its store pipeline opens. Within one process the lock is
re-entrant, so the pipelines of a `dostcrawler crawl` run share the CLI's lock.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from dostcrawler.storage.db import archive_folder

# Lock files this process holds, with how many holders each has.
_held: dict[Path, tuple[IO[str], int]] = {}


class ArchiveBusy(RuntimeError):
    """Another process is writing the same archive."""


def acquire(db_path: str | Path) -> bool:
    """Take the archive's lock; True when this call took it (False: this process already held
    it). Raises ArchiveBusy when another process holds it."""
    lock_path = Path(f"{db_path}.lock").resolve()
    if lock_path in _held:
        handle, count = _held[lock_path]
        _held[lock_path] = (handle, count + 1)
        return False
    archive_folder(Path(db_path))
    handle = open(lock_path, "a+")  # noqa: SIM115 (kept open while the lock is held)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise ArchiveBusy(
            f"another crawl ({holder}) is writing {db_path}; wait for it or use another --db"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}")
    handle.flush()
    _held[lock_path] = (handle, 1)
    return True


def release(db_path: str | Path) -> None:
    """Give back one hold of the archive's lock; the last one unlocks the file."""
    lock_path = Path(f"{db_path}.lock").resolve()
    handle, count = _held[lock_path]
    if count > 1:
        _held[lock_path] = (handle, count - 1)
        return
    del _held[lock_path]
    fcntl.flock(handle, fcntl.LOCK_UN)
    handle.close()


@contextmanager
def archive_lock(db_path: str | Path) -> Iterator[bool]:
    """Hold the archive's lock for the block; yields whether this call took it first."""
    first = acquire(db_path)
    try:
        yield first
    finally:
        release(db_path)
