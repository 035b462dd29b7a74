"""Rebuild article rows from the WARC captures, with no network: better extraction never needs
a re-crawl. The library behind `dostcrawler reextract`.

Each site is re-extracted with exactly what its crawl used, as the `crawls` table recorded it:
the profile (as data, whatever became of its file), the platform generic mode adopted, and the
templates it learned from the site's pages. `--profile FILE` tries a fixed profile instead. A
re-extraction never changes an article's `site`, `id` or `url`; a dry run only counts.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from dostcrawler.capture.warc import Capture, read_payload
from dostcrawler.encoding import html_text
from dostcrawler.extract.article import ListingHint
from dostcrawler.extract.dates import parse_date
from dostcrawler.extract.template import Template, template_data, template_from_data
from dostcrawler.items import Article
from dostcrawler.pipelines.normalize import NormalizePipeline
from dostcrawler.pipelines.store import mark_syndicated
from dostcrawler.profiles import (
    ProfileError,
    SiteProfile,
    load_site,
    profile_from_data,
    with_preset,
)
from dostcrawler.records import article_from_page, listing_hint
from dostcrawler.spiders.learning import apply_template
from dostcrawler.storage.db import Archive, record_changed

# What a re-extraction may change and a dry run compares (never site, id or url).
COMPARED_FIELDS = (
    "title",
    "published_at",
    "date_source",
    "authors",
    "source",
    "lead",
    "body",
    "category",
    "attachments",
)
EXAMPLES_PER_FIELD = 3


class ReextractError(ValueError):
    """A site that cannot be re-extracted faithfully; the message says what to do."""


@dataclass(frozen=True)
class Recipe:
    """How one site's articles were (or are now to be) extracted."""

    profile: SiteProfile
    templates: tuple[Template, ...] = ()
    origin: str = "recorded"  # or "bundled" (an archive older than recorded profiles), "--profile"

    def profile_for(self, html: str) -> tuple[SiteProfile, Template | None]:
        """The profile for one page: with the first learned template that fits it."""
        for template in self.templates:
            if template.fits(html):
                return apply_template(self.profile, template), template
        return self.profile, None


@dataclass
class Report:
    """What a re-extraction did (or, dry, would do): outcomes, and changes per field."""

    outcomes: Counter[str] = field(default_factory=Counter)
    changed_fields: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[tuple[str, Any, Any]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    recipes: dict[str, str] = field(default_factory=dict)

    def note_changes(self, row: dict[str, Any], article: Article) -> None:
        for name in COMPARED_FIELDS:
            old, new = row.get(name), getattr(article, name)
            if _comparable(old) != _comparable(new):
                self.changed_fields[name] += 1
                if len(self.examples[name]) < EXAMPLES_PER_FIELD:
                    self.examples[name].append((row["id"], old, new))


def recorded_recipe(archive: Archive, site: str) -> Recipe:
    """The profile, platform and templates the site's newest crawl recorded."""
    record = archive.extraction_record(site)
    if record is None:
        try:
            return Recipe(load_site(site), origin="bundled")
        except ProfileError:
            raise ReextractError(
                f"site '{site}': the archive does not record the profile its crawls used "
                "(made before dostcrawler recorded it); pass --profile FILE"
            ) from None
    source = record["profile_source"] or f"the profile recorded by crawl {record['id']}"
    profile = profile_from_data(record["profile"], source=source)
    if record["platform"] and record["platform"] != profile.platform:
        profile = with_preset(profile, record["platform"])
    templates = tuple(template_from_data(t) for t in json.loads(record["templates"] or "[]"))
    return Recipe(profile, templates)


def reextract(
    db_path: str | Path,
    export_dir: str | Path,
    *,
    site: str | None = None,
    profile: SiteProfile | None = None,
    dry_run: bool = False,
) -> Report:
    """Re-run extraction over every captured article of the archive (or of one site)."""
    if profile is not None:
        if site is not None and site != profile.name:
            raise ReextractError(
                f"{profile.path}: the profile names site '{profile.name}', not '{site}'"
            )
        site = profile.name
    report = Report()
    archive = Archive(db_path)
    normalize = NormalizePipeline()
    runs: dict[str, int] = {}
    recipes: dict[str, Recipe] = {}
    try:
        rows = list(archive.iter_articles(site=site))
        if profile is not None and not rows:
            raise ReextractError(f"the archive holds no article of site '{profile.name}'")
        for name in sorted({row["site"] for row in rows}):
            recipes[name] = (
                Recipe(profile, origin="--profile") if profile else recorded_recipe(archive, name)
            )
            report.recipes[name] = _describe(recipes[name])
        for row in rows:
            article = _rebuild(archive, Path(export_dir), row, recipes[row["site"]], normalize)
            if isinstance(article, str):
                report.outcomes[article] += 1
                continue
            report.note_changes(row, article)
            if dry_run:
                changed = record_changed(row, article)
                report.outcomes["would update" if changed else "unchanged"] += 1
                continue
            if row["site"] not in runs:
                runs[row["site"]] = archive.start_crawl(
                    row["site"], "reextract", recipes[row["site"]].profile
                )
            report.outcomes[archive.upsert_article(article, runs[row["site"]])] += 1
            mark_syndicated(archive, article)
        for name, crawl_id in runs.items():
            recipe = recipes[name]
            archive.finish_crawl(
                crawl_id,
                status="finished",
                stats=dict(report.outcomes),
                jsonl_path=None,
                platform=recipe.profile.platform,
                templates=_template_data(recipe),
            )
    finally:
        archive.close()
    return report


def _rebuild(
    archive: Archive,
    export_dir: Path,
    row: dict[str, Any],
    recipe: Recipe,
    normalize: NormalizePipeline,
) -> Article | str:
    """The article extracted again from its capture, or why it cannot be."""
    pointer = row["warc"]
    capture = archive.capture(pointer["record_id"]) if pointer else None
    if capture is None:
        return "no capture"
    original = _original(archive, capture)
    if original is None:
        return "capture missing"
    path = export_dir / "warc" / row["site"] / original.filename
    if not path.is_file():
        return "capture missing"
    headers, body = read_payload(path, original.offset)
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    html = html_text(row["url"], body, content_type)
    profile, template = recipe.profile_for(html)
    witness = (row["extractor"] or {}).get("listing")
    hint = listing_hint(witness, month_first=profile.month_first)
    if witness is None and row["date_source"] == "listing" and row["published_at_raw"]:
        # Records made before the listing witness was kept: its date is the stored raw date.
        listed = parse_date(row["published_at_raw"], month_first=profile.month_first)
        hint = ListingHint(date=listed)
    article = article_from_page(
        html,
        row["url"],
        profile=profile,
        article_id=row["id"],
        listing_url=row["listing_url"],
        hint=hint,
        http_status=row["http_status"],
        fetched_at=_fetched_at(row["fetched_at"]),
        template_days=template.constant_days if template else frozenset(),
        template_texts=template.texts if template else frozenset(),
    )
    # Who and where the article is stays as the crawl recorded it.
    article = replace(article, site=row["site"], id=row["id"], url=row["url"])
    article.fetched_at, article.warc = row["fetched_at"], pointer
    article.alias_urls = row["alias_urls"]
    normalized: Article = normalize.process_item(article)
    return normalized


def _describe(recipe: Recipe) -> str:
    profile = recipe.profile
    where = {"recorded": "as its crawl recorded", "bundled": "bundled", "--profile": "--profile"}
    learned = f", {len(recipe.templates)} learned template(s)" if recipe.templates else ""
    return f"{profile.path} ({where[recipe.origin]}; platform {profile.platform}{learned})"


def _template_data(recipe: Recipe) -> list[dict[str, Any]]:
    return [template_data(t) for t in recipe.templates]


def _comparable(value: Any) -> Any:
    """Lists and dicts compared as their JSON, whether decoded or not."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _original(archive: Archive, capture: Capture) -> Capture | None:
    """A revisit record holds no payload: read the response it points at."""
    if capture.record_type == "response":
        return capture
    return archive.find_capture(capture.url, capture.digest)


def _fetched_at(value: str | None) -> datetime | None:
    """When the captured page was fetched: its day is never the article's date."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
