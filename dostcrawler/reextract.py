"""Rebuild article rows from the WARC captures, with no network: better extraction never needs
a re-crawl. The library behind `dostcrawler reextract`.

Each site is re-extracted with exactly what its crawl used, as the `crawls` table recorded it:
the profile (as data, whatever became of its file), the platform generic mode adopted, and the
templates it learned from the site's pages. `--profile FILE` tries a fixed profile instead. A
re-extraction never changes an article's `site`, `id` or `url`; a dry run only counts.
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlite_utils import Database

from dostcrawler.capture.warc import Capture, read_payload
from dostcrawler.encoding import decode_html
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
from dostcrawler.storage.db import Archive, capture_by_id, find_capture, record_changed

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
    jobs: int = 1,
) -> Report:
    """Re-run extraction over every captured article of the archive (or of one site), in
    `jobs` worker processes; the result is the same whatever the number."""
    if profile is not None:
        if site is not None and site != profile.name:
            raise ReextractError(
                f"{profile.path}: the profile names site '{profile.name}', not '{site}'"
            )
        site = profile.name
    report = Report()
    archive = Archive(db_path)
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
        rebuilt = _rebuild_all(archive, Path(export_dir), rows, recipes, jobs)
        for row, article in zip(rows, rebuilt, strict=True):
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


class CaptureSource(Protocol):
    """Where a re-extraction looks captures up: the archive, or a worker's own connection."""

    def capture(self, record_id: str) -> Capture | None: ...

    def find_capture(self, url: str, digest: str) -> Capture | None: ...


# Most articles sent to a worker at a time: enough that pickling is cheap beside extraction.
CHUNK = 32


def _rebuild_all(
    archive: Archive,
    export_dir: Path,
    rows: list[dict[str, Any]],
    recipes: dict[str, Recipe],
    jobs: int,
) -> Iterator[Article | str]:
    """Each row's article extracted again, in the rows' order. Extraction is pure CPU over
    the captured bytes, so it spreads over processes; the archive is written by this one
    process alone, in order, so the result never depends on `jobs`."""
    if jobs <= 1 or len(rows) <= 1:
        normalize = NormalizePipeline()
        for row in rows:
            yield _rebuild(archive, export_dir, row, recipes[row["site"]], normalize)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(str(archive.path), str(export_dir), recipes),
    ) as pool:
        chunk = max(1, min(CHUNK, len(rows) // (jobs * 4)))  # every worker gets some
        yield from pool.map(_rebuild_in_worker, rows, chunksize=chunk)


_worker: dict[str, Any] = {}


def _start_worker(db_path: str, export_dir: str, recipes: dict[str, Recipe]) -> None:
    """A worker's own read-only view of the captures (a connection is never shared across
    processes) and what it extracts with."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    _worker.update(
        captures=ReadOnlyCaptures(conn),
        export_dir=Path(export_dir),
        recipes=recipes,
        normalize=NormalizePipeline(),
    )


def _rebuild_in_worker(row: dict[str, Any]) -> Article | str:
    return _rebuild(
        _worker["captures"],
        _worker["export_dir"],
        row,
        _worker["recipes"][row["site"]],
        _worker["normalize"],
    )


class ReadOnlyCaptures:
    """Capture lookups over a worker's read-only connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.db = Database(conn)

    def capture(self, record_id: str) -> Capture | None:
        return capture_by_id(self.db, record_id)

    def find_capture(self, url: str, digest: str) -> Capture | None:
        return find_capture(self.db, url, digest)


def _rebuild(
    archive: CaptureSource,
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
    html, charset = decode_html(row["url"], body, content_type)
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
    article.extractor["charset"] = charset
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


def _original(archive: CaptureSource, capture: Capture) -> Capture | None:
    """A revisit record holds no payload: read the response it points at."""
    if capture.record_type == "response":
        return capture
    return archive.find_capture(capture.url, capture.digest)


def _fetched_at(value: str | None) -> datetime | None:
    """When the captured page was fetched: its day is never the article's date."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
