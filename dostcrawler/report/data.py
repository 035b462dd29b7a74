"""The coverage report's numbers: per site, straight from the archive's SQL into dataclasses."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from dostcrawler.storage.db import Archive, utc_now

# A re-extraction fetches nothing, so it says nothing about what a site let us capture: the
# last run and the error counts are those of real crawls.
FETCHING = "coalesce(mode, '') != 'reextract'"


class ReportError(ValueError):
    """The report cannot be made as asked (a site the archive does not know)."""


@dataclass(frozen=True)
class Run:
    """One row of `crawls`, as much of it as the report shows."""

    id: int
    mode: str | None
    started_at: str | None
    finished_at: str | None
    status: str | None
    status_reason: str | None


@dataclass(frozen=True)
class SiteReport:
    """What the archive holds of one site, and how its crawls went."""

    site: str
    province: str | None = None
    publisher: str | None = None
    articles: int = 0
    undated: int = 0
    low_confidence: int = 0
    duplicates: int = 0
    # The site an original lives on (from its id, `<site>:<key>`) -> how many copies of it.
    duplicates_of: dict[str, int] = field(default_factory=dict)
    first_published: str | None = None
    last_published: str | None = None
    # "YYYY-MM" -> articles published that month; only months with an article.
    per_month: dict[str, int] = field(default_factory=dict)
    runs: int = 0
    last_run: Run | None = None
    # Summed over the site's crawls: responses with an error status, by status ("503");
    # requests given up on after retries, by "listing/<reason>" or "article/<reason>";
    # items not stored, by reason; errors the crawl counted, by kind ("parse", "write").
    http_errors: dict[str, int] = field(default_factory=dict)
    failed_pages: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def low_confidence_share(self) -> float | None:
        """Low-confidence articles over all articles; None for a site with none."""
        return self.low_confidence / self.articles if self.articles else None

    @property
    def months(self) -> list[str]:
        """Every month from the first article's to the last article's, "YYYY-MM"."""
        if not self.per_month:
            return []
        return month_range(min(self.per_month), max(self.per_month))

    @property
    def gap_months(self) -> list[str]:
        """Months with no article between the site's first and last article."""
        return [month for month in self.months if month not in self.per_month]

    @property
    def years(self) -> list[int]:
        """Every year from the first article's to the last article's."""
        months = self.months
        return list(range(int(months[0][:4]), int(months[-1][:4]) + 1)) if months else []


@dataclass(frozen=True)
class CoverageReport:
    """The report of one archive: a SiteReport per site, by name."""

    archive: str
    generated_at: str
    sites: list[SiteReport]


def month_range(first: str, last: str) -> list[str]:
    """The months from `first` to `last`, both "YYYY-MM" and included: "2023-11", "2024-02"
    -> ["2023-11", "2023-12", "2024-01", "2024-02"]."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def coverage_report(archive: Archive, *, site: str | None = None) -> CoverageReport:
    """The coverage report of every site the archive knows (crawled or holding articles), or
    of one; a site it does not know is a ReportError naming the ones it does."""
    db = archive.db
    known = [row[0] for row in db.execute(_KNOWN_SITES)]
    if site is not None and site not in known:
        listed = ", ".join(known) or "none yet"
        raise ReportError(f"the archive {archive.path} knows no site '{site}' (sites: {listed})")
    names = [site] if site is not None else known
    by_site: dict[str, dict[str, Any]] = {name: {"site": name} for name in names}
    for name, values in _site_rows(db).items():
        if name in by_site:
            by_site[name].update(values)
    for column, counts in _counted(db).items():
        for name, by_key in counts.items():
            if name in by_site:
                by_site[name][column] = dict(sorted(by_key.items()))
    sites = [SiteReport(**values) for values in by_site.values()]
    return CoverageReport(archive=str(archive.path), generated_at=utc_now(), sites=sites)


_KNOWN_SITES = "select site from crawls union select site from articles order by site"

_ARTICLES = """
    select site, count(*) as articles,
           count(*) - count(published_at) as undated,
           sum(coalesce(json_extract(extractor, '$.low_confidence'), 0)) as low_confidence,
           count(duplicate_of) as duplicates,
           min(published_at) as first_published,
           max(published_at) as last_published,
           max(province) as province, max(publisher) as publisher
    from articles group by site
"""

_LAST_RUNS = f"""
    select c.site, c.id, c.mode, c.started_at, c.finished_at, c.status, c.status_reason,
           (select count(*) from crawls r where r.site = c.site and {FETCHING}) as runs
    from crawls c
    where c.id = (select max(r.id) from crawls r where r.site = c.site and {FETCHING})
"""

# (column of the report, SQL giving site, key, count): each JSON object of a run summed over
# the site's runs (see storage.runstats.summarize for how a run stores them).
_COUNTS = {
    "per_month": """
        select site, substr(published_at, 1, 7), count(*) from articles
        where published_at is not null group by 1, 2
    """,
    "duplicates_of": """
        select site, substr(duplicate_of, 1, instr(duplicate_of, ':') - 1), count(*)
        from articles where duplicate_of is not null group by 1, 2
    """,
    "http_errors": f"""
        select c.site, j.key, sum(j.value) from crawls c, json_each(c.http_errors) j
        where json_valid(c.http_errors) and {FETCHING} group by 1, 2
    """,
    "dropped": f"""
        select c.site, j.key, sum(j.value) from crawls c, json_each(c.dropped) j
        where json_valid(c.dropped) and {FETCHING} group by 1, 2
    """,
    "failed_pages": f"""
        select c.site, substr(j.key, length('dostcrawler/failed/') + 1), sum(j.value)
        from crawls c, json_each(c.stats) j
        where json_valid(c.stats) and j.key glob 'dostcrawler/failed/*' and {FETCHING}
        group by 1, 2
    """,
    "errors": f"""
        select c.site, substr(j.key, length('dostcrawler/errors/') + 1), sum(j.value)
        from crawls c, json_each(c.stats) j
        where json_valid(c.stats) and j.key glob 'dostcrawler/errors/*' and {FETCHING}
        group by 1, 2
    """,
}


def _site_rows(db: Database) -> dict[str, dict[str, Any]]:
    """Per site: the article counts and date range, the profile's province and publisher
    (else the articles'), the number of runs and the last one."""
    rows: dict[str, dict[str, Any]] = defaultdict(dict)
    cursor = db.execute(_ARTICLES)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        rows[row.pop("site")].update(row)
    for name, province, publisher in db.execute("select name, province, publisher from sites"):
        for key, value in (("province", province), ("publisher", publisher)):
            if value:
                rows[name][key] = value
    cursor = db.execute(_LAST_RUNS)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        row = {k: _nfc(v) for k, v in zip(names, values, strict=True)}
        rows[row.pop("site")].update(runs=row.pop("runs"), last_run=Run(**row))
    return {name: {k: _nfc(v) for k, v in row.items()} for name, row in rows.items()}


def _counted(db: Database) -> dict[str, dict[str, dict[str, int]]]:
    """Per report column, per site: key -> count."""
    counted: dict[str, dict[str, dict[str, int]]] = {}
    for column, sql in _COUNTS.items():
        by_site: dict[str, dict[str, int]] = defaultdict(dict)
        for site, key, count in db.execute(sql):
            by_site[site][str(key)] = int(count)
        counted[column] = by_site
    return counted


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value
