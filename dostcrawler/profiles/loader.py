"""Load site profiles from TOML, merge them over their platform preset and validate them.

Errors name the file, the key and what was expected, so a user can fix a profile without
reading Python.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import MISSING, fields, replace
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, get_type_hints
from urllib.parse import urlsplit

from lxml import etree
from parsel.csstranslator import GenericTranslator

from dostcrawler.extract.select import is_xpath
from dostcrawler.profiles.model import (
    LISTING_STRATEGIES,
    ArticleRules,
    HttpRules,
    ListingRules,
    SiteProfile,
)

# Read through importlib.resources, not Path(__file__): Scrapyd runs the project from a zipped
# egg, where the bundled profiles are entries of the zip, not files on disk.
SITES_DIR: Traversable = files("dostcrawler.profiles") / "sites"
SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SECTIONS: dict[str, type[Any]] = {
    "listing": ListingRules,
    "article": ArticleRules,
    "http": HttpRules,
}
# What says which site a profile is, as opposed to how its pages are read.
IDENTITY_FIELDS = ("name", "province", "publisher", "domains", "start_urls", "path_prefixes")
SITE_NAME = re.compile(r"[a-z][a-z0-9_]*")
# Lists that a profile extends instead of replacing: a site adds its own junk to the preset's.
ADDITIVE_KEYS = {("article", "remove")}
_css = GenericTranslator()


class ProfileError(ValueError):
    """A site profile that cannot be used, with a message that says how to fix it."""


def site_names() -> list[str]:
    """Names of the profiles bundled with the package, sorted."""
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in SITES_DIR.iterdir()
        if entry.name.endswith(".toml") and entry.is_file()
    )


def all_sites() -> list[SiteProfile]:
    """Every bundled profile, validated."""
    return [load_site(name) for name in site_names()]


def load_site(name: str) -> SiteProfile:
    """The bundled profile called `name`."""
    path = SITES_DIR / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(site_names())
        hint = difflib.get_close_matches(name, site_names(), n=1)
        suggestion = f" Did you mean '{hint[0]}'?" if hint else ""
        raise ProfileError(f"unknown site '{name}'.{suggestion} Known sites: {known}")
    return load_profile_file(path)


def load_profile_file(path: str | Path | Traversable) -> SiteProfile:
    """Read, merge and validate one profile file (a path, or a bundled resource)."""
    if isinstance(path, str):
        path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"{path}: no such profile file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: not valid TOML ({exc})") from None
    return build_profile(data, source=str(path))


def generic_profile(
    start_url: str,
    platform: str = "generic",
    *,
    name: str | None = None,
    province: str = "",
    publisher: str | None = None,
) -> SiteProfile:
    """A profile for a site with no profile file: heuristics (and a detected preset) only.
    Named after its host unless `name` is given (an archive of unprofiled sites is then not a
    pile of host names)."""
    host = urlsplit(start_url).hostname or ""
    if not host or urlsplit(start_url).scheme not in ("http", "https"):
        raise ProfileError(f"'{start_url}' is not an absolute http(s) URL")
    if name is not None and not SITE_NAME.fullmatch(name):
        raise ProfileError(
            f"site name {name!r}: use lower-case letters, digits and '_', starting with a letter"
        )
    if name is None:
        name = re.sub(r"[^a-z0-9]+", "_", host.lower().removeprefix("www.")).strip("_")
        if not name[:1].isalpha():
            name = f"site_{name}"  # an IP address
    data = {
        "name": name,
        "province": province,
        "publisher": publisher or host,
        "platform": platform,
        "domains": [host],
        "start_urls": [start_url],
    }
    return build_profile(data, source=f"generic profile for {start_url}")


def with_preset(profile: SiteProfile, platform: str) -> SiteProfile:
    """The same site (its name, province, publisher, hosts and start URLs kept) on another
    platform's preset: generic mode adopting the CMS its pages reveal."""
    preset = generic_profile(profile.start_urls[0], platform)
    return replace(preset, **{f: getattr(profile, f) for f in IDENTITY_FIELDS})


def build_profile(data: dict[str, Any], *, source: str) -> SiteProfile:
    """Validate a parsed profile table (merged over its platform preset) into a SiteProfile."""
    from dostcrawler.platforms import PLATFORMS

    top = _top_level_fields()
    for key in data:
        if key not in top and key not in SECTIONS and key != "learned":
            _unknown_key(source, key, [*top, "learned", *SECTIONS])
    for key, (_, required) in top.items():
        if required and key not in data:
            raise ProfileError(f"{source}: missing key '{key}'")
    platform_name = _typed(source, "platform", data["platform"], str)
    if platform_name not in PLATFORMS:
        raise ProfileError(
            f"{source}: key 'platform': expected one of {', '.join(sorted(PLATFORMS))}, "
            f"got '{platform_name}'"
        )
    values: dict[str, Any] = {
        "path": source,
        "source_data": json.dumps(data, ensure_ascii=False, sort_keys=True, default=str),
    }
    values["own_keys"] = frozenset(
        f"{section}.{key}"
        for section in SECTIONS
        if isinstance(data.get(section), dict)
        for key in data[section]
    )
    for key, (hint, _) in top.items():
        if key in data:
            values[key] = _typed(source, key, data[key], hint)
    values["learned_keys"] = _learned_keys(source, data, values["own_keys"])
    if not SLUG.match(values["name"]):
        raise ProfileError(
            f"{source}: key 'name': expected an ASCII slug like 'vinhphuc', got '{values['name']}'"
        )
    for url in values["start_urls"]:
        if urlsplit(url).scheme not in ("http", "https"):
            raise ProfileError(f"{source}: key 'start_urls': '{url}' is not an http(s) URL")
    preset = PLATFORMS[platform_name].defaults
    for section, cls in SECTIONS.items():
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise ProfileError(f"{source}: '{section}' must be a table ([{section}])")
        values[section] = _build_section(source, section, cls, preset.get(section, {}), table)
    return SiteProfile(**values)


def _learned_keys(source: str, data: dict[str, Any], own_keys: frozenset[str]) -> frozenset[str]:
    """The [article] keys `learned` names (written by `dostcrawler learn`): until the profile
    is verified they are guesses, as a crawl's own learned template is, which the page's
    stronger witnesses (a form's labelled title row, a gallery) overrule; once a person has
    reviewed them (verified = true) they are the profile's word."""
    names = _typed(source, "learned", data.get("learned", ()), tuple[str, ...])
    for name in names:
        if f"article.{name}" not in own_keys:
            raise ProfileError(
                f"{source}: key 'learned': '{name}' is no key of this file's [article] table"
            )
    if data.get("verified") is True:
        return frozenset()
    return frozenset(f"article.{name}" for name in names)


def profile_from_data(source_data: str, *, source: str) -> SiteProfile:
    """The profile a crawl recorded (SiteProfile.source_data), built again."""
    return build_profile(json.loads(source_data), source=source)


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _type_hints(cls: type[Any]) -> dict[str, Any]:
    # Resolving the annotations costs more than building a profile: once per class.
    if cls not in _HINTS:
        _HINTS[cls] = get_type_hints(cls)
    return _HINTS[cls]


def _top_level_fields() -> dict[str, tuple[Any, bool]]:
    hints = _type_hints(SiteProfile)
    skipped = {"path", "own_keys", "learned_keys", *SECTIONS}
    return {
        f.name: (hints[f.name], f.default is MISSING and f.default_factory is MISSING)
        for f in fields(SiteProfile)
        if f.name not in skipped
    }


def _build_section(
    source: str, section: str, cls: type[Any], preset: dict[str, Any], table: dict[str, Any]
) -> Any:
    hints = _type_hints(cls)
    for key in table:
        if key not in hints:
            _unknown_key(source, f"{section}.{key}", [f"{section}.{k}" for k in hints])
    merged = dict(preset)
    for key, value in table.items():
        if (section, key) in ADDITIVE_KEYS:
            merged[key] = [*_as_list(preset.get(key, ())), *_as_list(value)]
        else:
            merged[key] = value
    values = {
        key: _typed(source, f"{section}.{key}", value, hints[key]) for key, value in merged.items()
    }
    for key, value in values.items():
        if (section, key) == ("article", "template_days"):
            for day in value:
                if not DAY.fullmatch(day):
                    raise ProfileError(
                        f"{source}: key 'article.template_days': expected days like "
                        f"'2024-01-10', got '{day}'"
                    )
        elif hints[key] == tuple[str, ...]:
            for selector in value:
                _check_selector(source, f"{section}.{key}", selector)
    if section == "listing" and values.get("strategy", "html") not in LISTING_STRATEGIES:
        raise ProfileError(
            f"{source}: key 'listing.strategy': expected one of {', '.join(LISTING_STRATEGIES)}, "
            f"got '{values['strategy']}'"
        )
    if section == "listing" and values.get("strategy") == "api" and not values.get("api_url"):
        raise ProfileError(f"{source}: key 'listing.api_url': required when strategy = \"api\"")
    if section == "article" and values.get("date_order", "dmy") not in ("dmy", "mdy"):
        raise ProfileError(
            f"{source}: key 'article.date_order': expected 'dmy' or 'mdy', "
            f"got '{values['date_order']}'"
        )
    return cls(**values)


def _typed(source: str, key: str, value: Any, hint: Any) -> Any:
    """Check one value against its declared type; lists become tuples."""
    expected = {
        str: "a string",
        bool: "true or false",
        float: "a number",
        int: "an integer",
        tuple[str, ...]: "a string or a list of strings",
        str | None: "a string",
        Mapping[str, str]: "a table of strings",
    }.get(hint, str(hint))
    ok: bool
    if hint in (str, str | None):
        ok = isinstance(value, str)
    elif hint is bool:
        ok = isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif hint == Mapping[str, str]:
        ok = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
        value = dict(value) if ok else value
    elif hint == tuple[str, ...]:
        items = _as_list(value)
        ok = all(isinstance(item, str) for item in items)
        value = tuple(items)
    else:
        ok = True
    if not ok:
        raise ProfileError(f"{source}: key '{key}': expected {expected}, got {value!r}")
    return value


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _check_selector(source: str, key: str, selector: str) -> None:
    try:
        if is_xpath(selector):
            etree.XPath(selector)
        else:
            _css.css_to_xpath(selector)
    except Exception as exc:  # both libraries raise their own error families
        raise ProfileError(
            f"{source}: key '{key}': '{selector}' is not a valid CSS or XPath selector ({exc})"
        ) from None


def _unknown_key(source: str, key: str, known: list[str]) -> None:
    hint = difflib.get_close_matches(key, known, n=1)
    suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
    raise ProfileError(f"{source}: unknown key '{key}'{suggestion}")
