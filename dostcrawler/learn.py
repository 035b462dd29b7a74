"""`dostcrawler learn`: crawl a few pages of an unprofiled site and write a reviewable profile.

The crawl is an ordinary generic crawl (polite, robots.txt obeyed) into a throwaway archive,
cut short after a few articles; its spider learns the site's template (extract/template.py) and
leaves what it learned in a JSON file. This module turns that into a profile TOML: selectors as
data, each with a comment giving its confidence and evidence, `verified = false`.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dostcrawler.extract.template import Template, template_data, template_from_data
from dostcrawler.profiles.model import SiteProfile
from dostcrawler.spiders.learning import apply_template

LEARN_ARTICLES = 10
REQUESTS_PER_ARTICLE = 3


@dataclass(frozen=True)
class LearnedSite:
    """What a learning crawl found: the site's profile (its detected platform) and templates."""

    profile: SiteProfile
    templates: list[Template]


def save_learned(path: str | Path, profile: SiteProfile, templates: list[Template]) -> None:
    """Write what a crawl learned (called by the spider when it closes)."""
    data = {"platform": profile.platform, "templates": [template_data(t) for t in templates]}
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def load_learned(path: str | Path) -> tuple[str, list[Template]]:
    """(the platform the crawl adopted, its templates), as save_learned wrote them."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return str(data["platform"]), [template_from_data(t) for t in data["templates"]]


def learn_site(
    profile: SiteProfile,
    *,
    origin: str | None = None,
    articles: int = LEARN_ARTICLES,
    delay: float | None = None,
    log_level: str = "WARNING",
) -> LearnedSite:
    """Crawl up to `articles` article pages of the site and return what was learned."""
    from dostcrawler.crawl import run_crawls
    from dostcrawler.profiles import with_preset

    with tempfile.TemporaryDirectory(prefix="dostcrawler-learn-") as tmp:
        learned_path = Path(tmp) / "learned.json"
        run_crawls(
            [profile],
            db_path=Path(tmp) / "learn.sqlite",
            export_dir=tmp,
            origin=origin,
            # Generic discovery also follows headline-like menu links that are no articles.
            max_articles=articles * REQUESTS_PER_ARTICLE,
            delay=delay,
            log_level=log_level,
            attachments=False,
            warc=False,
            learned_path=str(learned_path),
        )
        if not learned_path.exists():
            return LearnedSite(profile, [])
        platform, templates = load_learned(learned_path)
    return LearnedSite(with_preset(profile, platform), templates)


def profile_toml(site: LearnedSite) -> str:
    """The learned profile as TOML that `crawl --profile` and `parse --profile` accept."""
    profile = site.profile
    article, keys = _article_table(site)
    lines = [
        f"# Learned by `dostcrawler learn` from {sum(t.pages for t in site.templates)} article",
        f"# pages of {profile.start_urls[0]}: review each selector, then set verified = true.",
        f"name = {_string(profile.name)}",
        f"province = {_string(profile.province)}",
        f"publisher = {_string(profile.publisher)}",
        f"platform = {_string(profile.platform)}",
        f"domains = {_strings(list(profile.domains))}",
        f"start_urls = {_strings(list(profile.start_urls))}",
        "verified = false",
        "# Until verified, these [article] keys are guesses the page's own witnesses may overrule.",
        f"learned = {_strings(keys)}",
        "",
        "[article]",
        *article,
    ]
    return "\n".join(lines) + "\n"


def _article_table(site: LearnedSite) -> tuple[list[str], list[str]]:
    """The [article] table's lines, with a comment per field, and the keys it sets."""
    lines: list[str] = []
    keys: list[str] = []
    if not site.templates:
        lines.append("# No template could be learned: the generic rules apply.")
    applied = [apply_template(site.profile, t) for t in site.templates]
    for key in ("title", "date", "body"):
        selectors = _unique(s for p in applied for s in getattr(p.article, key))
        learned = [t.fields[key] for t in site.templates if key in t.fields]
        for n, found in enumerate(learned, 1):
            lines.append(f"# {key} (template {n}): confidence {found.confidence}; {found.evidence}")
        if selectors and learned:
            lines.append(f"{key} = {_strings(selectors)}")
            keys.append(key)
    remove = _unique(s for t in site.templates for s in t.remove)
    if remove:
        lines.append("# Blocks inside the body printed the same on most pages: template, cut.")
        lines.append(f"remove = {_strings(remove)}")
        keys.append("remove")
    orders = {t.date_order for t in site.templates if t.date_order}
    if len(orders) == 1:
        lines.append("# The site's own date lines show which number is the day.")
        lines.append(f"date_order = {_string(orders.pop())}")
        keys.append("date_order")
    days = sorted({d for t in site.templates for d in t.constant_days})
    if days:
        lines.append("# Printed on every page: never a publication date.")
        lines.append(f"template_days = {_strings(days)}")
        keys.append("template_days")
    return lines, keys


def _unique(items: Any) -> list[str]:
    return list(dict.fromkeys(items))


def _string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's), UTF-8 kept as it is."""
    return json.dumps(value, ensure_ascii=False)


def _strings(values: list[str]) -> str:
    return "[" + ", ".join(_string(v) for v in values) + "]"
