"""Schema migrations for the archive (sqlite-utils Migrations: each runs once, in order)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database, Migrations

migrations = Migrations("dostcrawler")

LIST_COLUMNS = ("alias_urls", "authors", "attachments", "images", "warc", "extractor")
INT_COLUMNS = ("word_count", "version", "http_status")


# The record as schema 1.0 defined it. Migrations never change once released, so later
# fields are added by later migrations, not here.
RECORD_1_0 = [
    "id",
    "site",
    "province",
    "publisher",
    "url",
    "alias_urls",
    "listing_url",
    "category",
    "title",
    "lead",
    "body",
    "body_html",
    "authors",
    "source",
    "published_at",
    "published_at_raw",
    "date_source",
    "modified_at",
    "attachments",
    "images",
    "language",
    "word_count",
    "content_hash",
    "duplicate_of",
    "fetched_at",
    "first_seen_at",
    "last_seen_at",
    "version",
    "http_status",
    "extractor",
    "schema_version",
]


def _article_columns() -> dict[str, Any]:
    columns: dict[str, Any] = {name: int if name in INT_COLUMNS else str for name in RECORD_1_0}
    columns["last_crawl_id"] = int
    return columns


@migrations()
def m001_initial(db: Database) -> None:
    """articles, article_versions, urls, crawls, sites and the search index."""
    db.table("articles").create(_article_columns(), pk="id", not_null={"site", "url"})
    db.table("articles").create_index(["site", "published_at"])
    db.table("articles").create_index(["site", "content_hash"])
    db.table("article_versions").create(
        {
            "article_id": str,
            "version": int,
            "content_hash": str,
            "title": str,
            "lead": str,
            "body": str,
            "published_at": str,
            "authors": str,
            "fetched_at": str,
            "crawl_id": int,
        },
        pk=("article_id", "version"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("urls").create(
        {
            "url": str,
            "article_id": str,
            "site": str,
            "kind": str,
            "first_seen_at": str,
            "last_seen_at": str,
        },
        pk="url",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("urls").create_index(["article_id"])
    db.table("crawls").create(
        {
            "id": int,
            "site": str,
            "mode": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "stats": str,
            "jsonl_path": str,
            "dostcrawler_version": str,
        },
        pk="id",
    )
    db.table("sites").create(
        {
            "name": str,
            "province": str,
            "merged_into": str,
            "publisher": str,
            "platform": str,
            "domains": str,
            "start_urls": str,
            "verified": int,
        },
        pk="name",
    )
    # Search text lives beside the articles: the original words plus an ASCII-folded copy, so
    # "chuyen doi so" and "chuyển đổi số" both match (FTS5 alone never folds đ to d).
    db.table("articles_search").create(
        {"id": str, "title": str, "lead": str, "body": str, "authors": str, "folded": str},
        pk="id",
    )
    db.table("articles_search").enable_fts(
        ["title", "lead", "body", "authors", "folded"],
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )


@migrations()
def m002_captures(db: Database) -> None:
    """WARC captures (one row per record written) and each article's pointer to its record."""
    db.table("articles").add_column("warc", str)
    db.table("captures").create(
        {
            "record_id": str,
            "crawl_id": int,
            "site": str,
            "url": str,
            "record_type": str,
            "status": int,
            "mime": str,
            "digest": str,
            "filename": str,
            "offset": int,
            "length": int,
            "captured_at": str,
        },
        pk="record_id",
    )
    db.table("captures").create_index(["url", "digest"])
    db.table("captures").create_index(["digest"])


@migrations()
def m003_attachments(db: Database) -> None:
    """Downloaded attachments, content-addressed on disk."""
    db.table("attachments").create(
        {
            "url": str,
            "article_id": str,
            "site": str,
            "name": str,
            "media_type": str,
            "served_type": str,
            "sha256": str,
            "size": int,
            "path": str,
            "fetched_at": str,
        },
        pk="url",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("attachments").create_index(["article_id"])
    db.table("attachments").create_index(["sha256"])


@migrations()
def m004_crawl_summary(db: Database) -> None:
    """Headline numbers of each run as columns (the full Scrapy stats stay in `stats`)."""
    from dostcrawler.storage.runstats import SUMMARY_COLUMNS

    for name, kind in SUMMARY_COLUMNS.items():
        db.table("crawls").add_column(name, kind)


@migrations()
def m005_near_duplicates(db: Database) -> None:
    """The near-duplicate index (dostcrawler.neardup): MinHash signatures and LSH buckets."""
    db.table("fingerprints").create(
        {
            "article_id": str,
            "site": str,
            "published_at": str,
            "first_seen_at": str,
            "scheme": str,
            "signature": bytes,
        },
        pk="article_id",
    )
    db.table("lsh_buckets").create({"band": int, "bucket": int, "article_id": str})
    db.table("lsh_buckets").create_index(["band", "bucket"])
    db.table("lsh_buckets").create_index(["article_id"])
    db.table("articles").create_index(["duplicate_of"])


@migrations()
def m006_crawl_profile(db: Database) -> None:
    """What each run extracted with, so that `reextract` uses exactly that: the profile as data
    (with its file and a hash), the platform generic mode adopted and the templates it learned.
    Why a run did not finish cleanly, and whether it left the whole back catalogue archived
    (runs before this migration that finished are taken to have)."""
    for name in ("profile", "profile_source", "profile_sha256", "platform", "templates"):
        db.table("crawls").add_column(name, str)
    db.table("crawls").add_column("status_reason", str)
    db.table("crawls").add_column("covers_catalogue", int)
    db.execute("update crawls set covers_catalogue = (status = 'finished')")


@migrations()
def m007_contentless_search(db: Database) -> None:
    """Search without a second copy of the text: the contentless `articles_fts` keyed by the
    articles' rowid (dostcrawler.storage.search) replaces `articles_search` and its index."""
    from dostcrawler.storage import search

    for table in ("articles_search_fts", "articles_search"):
        if db[table].exists():
            db.execute(f"drop table {table}")
    search.create_index(db)
    search.rebuild_index(db)


@migrations()
def m008_compact_lsh(db: Database) -> None:
    """LSH buckets keyed by integers in a table without rowid (dostcrawler.neardup), about a
    sixth of the old `lsh_buckets` with its two indexes; filled again from the signatures."""
    from dostcrawler import neardup

    neardup.create_tables(db)
    rows = db.execute(
        "select rowid, signature from fingerprints where scheme = ?", [neardup.SCHEME]
    )
    for rowid, blob in rows.fetchall():
        sig = neardup.signature_from_bytes(blob)
        db.conn.executemany(
            "insert or ignore into lsh (bucket, fingerprint) values (?, ?)",
            [(bucket, rowid) for bucket in neardup.band_buckets(sig)],
        )
    db.execute("drop table if exists lsh_buckets")


@migrations()
def m009_retries(db: Database) -> None:
    """The retry list (dostcrawler.storage.retries)."""
    from dostcrawler.storage import retries

    retries.create_table(db)


@migrations()
def m010_crawl_node(db: Database) -> None:
    """For runs copied by `dostcrawler ingest`: the node archive each came from, and its id
    there (how a node ingested again is recognised)."""
    db.table("crawls").add_column("node", str)
    db.table("crawls").add_column("node_crawl_id", int)


@migrations()
def m011_past_versions_only(db: Database) -> None:
    """`article_versions` keeps superseded versions only: the current one is the `articles`
    row, which now records the fetch and the run that first produced it (`fetched_at` and
    `last_crawl_id` move on at every fetch that finds it unchanged). Both are taken from the
    current version's row before it is dropped; an article without one (hand-made or older
    than versions) gets its own fetch and run. The freed pages are reused by later writes
    (`sqlite-utils vacuum` gives them back to the disk; VACUUM cannot run in a migration's
    transaction)."""
    articles = db.table("articles")
    for name, kind in (("version_fetched_at", str), ("version_crawl_id", int)):
        if name not in articles.columns_dict:
            articles.add_column(name, kind)
    current = "v.article_id = articles.id and v.version = articles.version"
    db.execute(
        "update articles set (version_fetched_at, version_crawl_id) = "
        f"(select v.fetched_at, v.crawl_id from article_versions v where {current}) "
        f"where exists (select 1 from article_versions v where {current})"
    )
    db.execute(
        "update articles set version_fetched_at = fetched_at, version_crawl_id = last_crawl_id "
        "where version_fetched_at is null and version_crawl_id is null"
    )
    db.execute(
        "delete from article_versions where exists (select 1 from articles where "
        "articles.id = article_versions.article_id and articles.version = article_versions.version)"
    )


@migrations()
def m012_pending_aliases(db: Database) -> None:
    """Addresses a run met for articles it had not stored yet (Archive.keep_pending_aliases)."""
    db.table("pending_aliases").create(
        {"url": str, "article_id": str, "site": str, "first_seen_at": str},
        pk="url",
        if_not_exists=True,
    )
    db.table("pending_aliases").create_index(["article_id"], if_not_exists=True)
