"""The SQLite archive and its exports."""

from __future__ import annotations

from dostcrawler.storage.db import Archive, ArchiveError
from dostcrawler.storage.search import fold_diacritics

__all__ = ["Archive", "ArchiveError", "fold_diacritics"]
