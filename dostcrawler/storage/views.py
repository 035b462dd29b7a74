"""Views over the archive for people browsing it (Datasette facets, spreadsheets)."""

from __future__ import annotations

from sqlite_utils import Database

from dostcrawler.storage.provinces import SITES_BY_PROVINCE

# One line per article with what people group and filter by: today's province (after the
# 2025 mergers, from the provinces table; else the profile's merged_into) beside the one it
# was published in, the year and month.
ARTICLE_LIST = """
select a.rowid as article_rowid, a.id, a.site, a.province,
       coalesce(s.province_now, s.profile_merged_into) as province_now,
       substr(a.published_at, 1, 4) as year, substr(a.published_at, 1, 7) as month,
       a.published_at, a.title, a.authors, a.source, a.category, a.date_source, a.url,
       a.duplicate_of,
       coalesce(json_extract(a.extractor, '$.low_confidence'), 0) as low_confidence
from articles a left join sites_by_province s on s.site = a.site
""".strip()

# The current version as an `article_versions` row: each column, and the `articles` column
# that holds it (article_versions keeps superseded versions only).
CURRENT_VERSION = {
    "article_id": "id",
    "version": "version",
    "content_hash": "content_hash",
    "title": "title",
    "lead": "lead",
    "body": "body",
    "published_at": "published_at",
    "authors": "authors",
    "fetched_at": "version_fetched_at",
    "crawl_id": "version_crawl_id",
}

# Every version of every article, 1..n: the past ones and the current one.
ARTICLE_HISTORY = f"""
select {", ".join(CURRENT_VERSION)}, 0 as is_current from article_versions
union all
select {", ".join(s if s == c else f"{s} as {c}" for c, s in CURRENT_VERSION.items())},
       1 as is_current
from articles
""".strip()

VIEWS = {
    "sites_by_province": SITES_BY_PROVINCE,
    "article_list": ARTICLE_LIST,
    "article_history": ARTICLE_HISTORY,
}


def ensure_views(db: Database) -> None:
    """Create each view, or replace it when its definition changed (a newer dostcrawler);
    an archive whose views are current is not written to."""
    for name, sql in VIEWS.items():
        wanted = f"CREATE VIEW {name} AS {sql}"
        found = db.execute("select sql from sqlite_master where type = 'view' and name = ?", [name])
        row = found.fetchone()
        if row is not None and row[0] == wanted:
            continue
        with db.conn:
            db.execute(f"drop view if exists {name}")
            db.execute(wanted)
