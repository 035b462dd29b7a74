"""No preset: generic heuristics only (used for sites without a profile)."""

from __future__ import annotations

from dostcrawler.platforms.base import Platform

PLATFORM = Platform(
    name="generic",
    description="Any site: generic title, date, author and body heuristics",
)
