"""The retry list: article pages that failed every retry of a run (a 5xx, a timeout, a cut
connection), kept in the archive and requested first by the next run of the site, so an
article is never lost because the listing page that linked it is known, or has moved on.
Dead links (404, 410, robots.txt) are the site's state, not failures: they are not kept."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlite_utils import Database


@dataclass(frozen=True)
class FailedPage:
    """One article page that never came back in a run."""

    url: str  # the site's own address
    article_id: str
    reason: str  # http_503, timeout, data_loss... (spiders.failures)


def create_table(db: Database) -> None:
    """The `retries` table."""
    db.table("retries").create(
        {
            "url": str,
            "site": str,
            "article_id": str,
            "reason": str,
            "attempts": int,
            "first_failed_at": str,
            "last_failed_at": str,
        },
        pk="url",
        if_not_exists=True,
    )
    db.table("retries").create_index(["site"], if_not_exists=True)


def pending(db: Database, site: str) -> list[str]:
    """The URLs of the site's articles to fetch again, oldest failure first."""
    rows = db.execute(
        "select url from retries where site = ? order by first_failed_at, url", [site]
    )
    return [str(url) for (url,) in rows]


def settle(
    db: Database,
    site: str,
    failed: Mapping[str, FailedPage],
    settled_ids: Iterable[str],
    now: str,
) -> None:
    """After a run: drop the entries of articles it stored or found gone (`settled_ids`),
    and keep (or count one more attempt for) the pages that failed."""
    with db.conn:
        settled = sorted(set(settled_ids) - {f.article_id for f in failed.values()})
        for chunk in range(0, len(settled), 500):
            ids = settled[chunk : chunk + 500]
            marks = ", ".join("?" * len(ids))
            db.execute(
                f"delete from retries where site = ? and article_id in ({marks})", [site, *ids]
            )
        for failure in failed.values():
            db.execute(
                "insert into retries (url, site, article_id, reason, attempts, first_failed_at, "
                "last_failed_at) values (?, ?, ?, ?, 1, ?, ?) on conflict (url) do update set "
                "reason = excluded.reason, attempts = attempts + 1, "
                "last_failed_at = excluded.last_failed_at",
                [failure.url, site, failure.article_id, failure.reason, now, now],
            )
