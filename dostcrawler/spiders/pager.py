"""When a listing walk should stop before `listing.max_pages`: a pager that keeps linking
pages whose articles never answer (an endless pager of 404s, a "page 9999" that repeats the
last page) is a trap or has run past the catalogue's end. A real back catalogue, however
old, lists articles that answer; so a walk whose last `listing.max_fruitless_pages` pages
gave nothing stops there, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class _Page:
    """One listing page of the walk: the page that linked it, and its new articles' fate."""

    previous: str | None
    pending: set[str] = field(default_factory=set)
    fruitful: bool = False


class PagerWatch:
    """What each listing page gave. A page is fruitful once one of the articles it was the
    first to link answers with a page, or when it lists articles that are not judged here
    (already archived, older than --since, left for the next run); it is barren when it
    linked no article new to the run, or when every new article it linked failed."""

    def __init__(self) -> None:
        self._pages: dict[str, _Page] = {}
        self._page_of: dict[str, str] = {}  # article id -> the listing page that linked it

    def linked(
        self, url: str, previous: str | None, new_articles: list[str], judged_elsewhere: bool
    ) -> None:
        page = self._pages.setdefault(url, _Page(previous))
        page.fruitful |= judged_elsewhere
        for article_id in new_articles:
            page.pending.add(article_id)
            self._page_of[article_id] = url

    def answered(self, article_id: str, *, served: bool) -> None:
        """An article came back (`served`: as a page) or failed for good."""
        url = self._page_of.pop(article_id, None)
        if url is not None:
            page = self._pages[url]
            page.pending.discard(article_id)
            page.fruitful |= served

    def barren_run(self, url: str, limit: int) -> int:
        """How many pages, walking back from `url` along the pager, gave nothing, up to
        `limit`. Pages whose articles are still in flight are passed over: they have not
        been judged yet (so the walk stops at most a page or two past the limit)."""
        barren, seen = 0, set()
        current: str | None = url
        while current is not None and current not in seen and barren < limit:
            page = self._pages.get(current)
            if page is None or page.fruitful:
                break
            seen.add(current)
            barren += not page.pending
            current = page.previous
        return barren
