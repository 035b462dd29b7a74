"""Site profiles: one TOML file per site, layered over a platform preset."""

from __future__ import annotations

from dostcrawler.profiles.loader import (
    ProfileError,
    all_sites,
    generic_profile,
    load_profile_file,
    load_site,
    profile_from_data,
    site_names,
    with_preset,
)
from dostcrawler.profiles.model import ArticleRules, HttpRules, ListingRules, SiteProfile

__all__ = [
    "ArticleRules",
    "HttpRules",
    "ListingRules",
    "ProfileError",
    "SiteProfile",
    "all_sites",
    "generic_profile",
    "load_profile_file",
    "load_site",
    "profile_from_data",
    "site_names",
    "with_preset",
]
