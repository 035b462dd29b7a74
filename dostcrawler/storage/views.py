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

VIEWS = {"sites_by_province": SITES_BY_PROVINCE, "article_list": ARTICLE_LIST}


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
