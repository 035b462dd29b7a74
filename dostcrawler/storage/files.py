"""Content-addressed file store for attachments: exports/files/<aa>/<sha256><.ext>.

The name a server suggests (Content-Disposition, the URL's last segment) is never used as a
path: only the hash and an extension chosen from the media type.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from dostcrawler.extract.urls import ATTACHMENT_TYPES

EXTENSIONS = {media_type: ext for ext, media_type in ATTACHMENT_TYPES.items()}


def store_file(root: Path, body: bytes, media_type: str) -> tuple[str, Path]:
    """Write `body` once under its sha256; returns (sha256, path). Atomic, idempotent."""
    digest = hashlib.sha256(body).hexdigest()
    path = root / digest[:2] / f"{digest}{EXTENSIONS.get(media_type, '.bin')}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as out:
            out.write(body)
        os.replace(tmp, path)
    return digest, path
