"""Content-addressed file store for attachments: exports/files/<aa>/<sha256><.ext>.

The name a server suggests (Content-Disposition, the URL's last segment) is never used as a
path: only the hash and an extension chosen from the media type.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from dostcrawler.extract.urls import ATTACHMENT_TYPES
from dostcrawler.storage.export import atomic_file

EXTENSIONS = {media_type: ext for ext, media_type in ATTACHMENT_TYPES.items()}


def store_file(root: Path, body: bytes, media_type: str) -> tuple[str, Path]:
    """Write `body` once under its sha256; returns (sha256, path). Atomic, idempotent."""
    digest = hashlib.sha256(body).hexdigest()
    path = root / digest[:2] / f"{digest}{EXTENSIONS.get(media_type, '.bin')}"
    if not path.exists():
        with atomic_file(path, binary=True) as out:
            out.write(body)
    return digest, path
