"""Platform presets, one module per CMS family, each exposing `PLATFORM`.

Modules are discovered, so adding a family means adding one module here.
"""

from __future__ import annotations

import importlib
import pkgutil

from dostcrawler.platforms.base import Platform


def _discover() -> dict[str, Platform]:
    found: dict[str, Platform] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        platform = getattr(module, "PLATFORM", None)
        if isinstance(platform, Platform):
            found[platform.name] = platform
    return found


PLATFORMS: dict[str, Platform] = _discover()


def detect_platform(url: str, html: str) -> Platform:
    """The platform a page reveals (generator tags, URL shapes), or the generic one."""
    # The marks are ASCII: bytes lower-case and search faster than a Vietnamese page's str,
    # which holds two bytes a character.
    lowered = html.encode("utf-8", "surrogatepass").lower()
    for platform in PLATFORMS.values():
        if platform.name != "generic" and platform.detects(url, html, lowered):
            return platform
    return PLATFORMS["generic"]


__all__ = ["PLATFORMS", "Platform", "detect_platform"]
