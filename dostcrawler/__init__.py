"""dostcrawler: an archival crawler for Vietnamese provincial DOST news sites."""

from __future__ import annotations

import logging

__version__ = "0.2.0"

# The record layout version written into every JSONL line and SQLite row.
SCHEMA_VERSION = "1.1"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["SCHEMA_VERSION", "__version__"]
