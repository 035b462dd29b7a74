"""`dostcrawler serve`: the archive in Datasette, with its data dictionary, search without
diacritics, facets and the queries a data team asks first.

Datasette is a dependency of the package, not an extra: browsing is how most people will meet
the archive, and one `pip install dostcrawler` should give them it. It reads the archive as
it is (WAL: a crawl may write meanwhile) and never writes to it.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from dostcrawler import __version__
from dostcrawler.schema import tables

LICENSE = (
    "Articles are the work of their publishers (the provincial Departments of Science and "
    "Technology and the authors they credit); archived for preservation and research."
)

# The columns of `article_list` (see storage.views) people narrow a search by.
FACETS = ["site", "province", "province_now", "year", "category", "date_source"]

CANNED_QUERIES: dict[str, dict[str, str]] = {
    "search": {
        "title": "Search articles (with or without diacritics)",
        "description": "Every word must appear; 'chuyen doi so' finds 'chuyển đổi số'.",
        "sql": (
            "select a.published_at, a.site, a.title, a.url, a.id from articles a "
            "where a.rowid in (select rowid from articles_fts where articles_fts match "
            "'\"' || replace(replace(trim(:q), '\"', ''), ' ', '\" \"') || '\"') "
            "order by a.published_at desc limit 200"
        ),
    },
    "articles_per_month": {
        "title": "Articles per site per month",
        "description": "A month with no article is missing from the list: a gap in the archive.",
        "sql": (
            "select site, substr(published_at, 1, 7) as month, count(*) as articles "
            "from articles where published_at is not null group by site, month "
            "order by site, month"
        ),
    },
    "recent_articles": {
        "title": "Most recent articles",
        "sql": (
            "select published_at, site, title, authors, url from articles "
            "where published_at is not null order by published_at desc, id limit 100"
        ),
    },
    "duplicates_across_sites": {
        "title": "Syndicated copies across sites",
        "description": "Each repost with the earlier copy it duplicates.",
        "sql": (
            "select copy.site as site, copy.published_at, copy.title, copy.url, "
            "original.site as original_site, original.published_at as original_published_at, "
            "original.url as original_url from articles copy "
            "join articles original on original.id = copy.duplicate_of "
            "order by original.published_at, copy.site"
        ),
    },
    "failed_runs": {
        "title": "Runs that did not finish cleanly",
        "sql": (
            "select id, site, started_at, status, status_reason, pages, articles_new, "
            "http_errors from crawls where status != 'finished' order by id desc"
        ),
    },
    "low_confidence": {
        "title": "Articles with a doubtful field",
        "description": "Title, date or body missing or below 0.5 confidence: check these by hand.",
        "sql": (
            "select id, url, json_extract(extractor, '$.confidence') as confidence, "
            "json_extract(extractor, '$.disagreements') as disagreements from articles "
            "where json_extract(extractor, '$.low_confidence') order by site, id"
        ),
    },
}


def _table_metadata(name: str) -> dict[str, Any]:
    table = tables()[name]
    meta: dict[str, Any] = {"description": table.description, "columns": table.columns}
    if table.units:
        meta["units"] = table.units
    return meta


def metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for an archive served under the name `database`."""
    documented = {name: _table_metadata(name) for name in tables()}
    documented["articles"].update(
        fts_table="articles_fts",
        fts_pk="rowid",
        label_column="title",
        sort_desc="published_at",
        facets=["site", "province", "category", "date_source"],
    )
    documented["article_list"].update(
        fts_table="articles_fts", fts_pk="article_rowid", sort_desc="published_at", facets=FACETS
    )
    for internal in ("fingerprints", "lsh", "articles_fts"):
        documented[internal]["hidden"] = True
    return {
        "title": "dostcrawler archive",
        "description": (
            "News of Vietnam's provincial Departments of Science and Technology (Sở KH&CN), "
            f"archived by dostcrawler {__version__}. Search works with and without diacritics."
        ),
        "license": LICENSE,
        "source": "The sites' own pages, captured in WARC (see the captures table)",
        "databases": {database: {"tables": documented, "queries": CANNED_QUERIES}},
    }


def datasette_app(db_path: Path) -> Any:
    """A Datasette ASGI app over the archive."""
    from datasette.app import Datasette

    datasette = Datasette(
        [str(db_path)],
        metadata=metadata(db_path.stem),
        settings={"default_page_size": 50, "sql_time_limit_ms": 5000, "facet_time_limit_ms": 500},
    )
    return datasette.app()


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 picks a free one (the URL printed says which)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def serve(db_path: Path, sock: socket.socket) -> None:
    """Run Datasette on the bound socket until interrupted."""
    import uvicorn

    config = uvicorn.Config(datasette_app(db_path), log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
