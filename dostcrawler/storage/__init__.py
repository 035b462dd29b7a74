"""The SQLite archive and its exports."""

from __future__ import annotations

from dostcrawler.extract.text import fold_diacritics
from dostcrawler.storage.db import Archive, ArchiveError

__all__ = ["Archive", "ArchiveError", "fold_diacritics"]
