"""When a listing walk gives up on its pager (dostcrawler/spiders/pager.py). The whole
behaviour, through the engine against an endless pager of 404s, is in test_faults.py."""

from __future__ import annotations

from dostcrawler.spiders.pager import PagerWatch

LIMIT = 3


def _walk(watch: PagerWatch, pages: list[list[str]], *, judged: bool = False) -> list[str]:
    """Link each page from the one before; returns their URLs."""
    urls = [f"/list?page={n}" for n in range(len(pages))]
    for n, articles in enumerate(pages):
        watch.linked(urls[n], urls[n - 1] if n else None, articles, judged)
    return urls


def test_a_pager_repeating_what_the_run_has_seen_is_barren_at_once() -> None:
    watch = PagerWatch()
    urls = _walk(watch, [["a1", "a2"], [], [], [], []])
    watch.answered("a1", served=True)
    assert [watch.barren_run(url, LIMIT) for url in urls] == [0, 1, 2, 3, 3]


def test_pages_whose_every_article_failed_are_barren() -> None:
    watch = PagerWatch()
    urls = _walk(watch, [["a1"], ["t1", "t2"], ["t3"], ["t4"]])
    watch.answered("a1", served=True)
    for article in ("t1", "t2", "t3"):
        watch.answered(article, served=False)
    # t4 is still in flight: its page is passed over, not counted.
    assert watch.barren_run(urls[3], LIMIT) == 2
    watch.answered("t4", served=False)
    assert watch.barren_run(urls[3], LIMIT) == 3


def test_one_article_that_answers_makes_its_page_fruitful() -> None:
    watch = PagerWatch()
    urls = _walk(watch, [["t1", "t2"], [], []])
    watch.answered("t1", served=False)
    watch.answered("t2", served=True)
    assert watch.barren_run(urls[2], LIMIT) == 2  # the two empty pages only
    assert watch.barren_run(urls[0], LIMIT) == 0


def test_pages_of_archived_or_skipped_articles_never_count() -> None:
    """An incremental run walking a back catalogue it already holds requests nothing new."""
    watch = PagerWatch()
    urls = _walk(watch, [[], [], [], []], judged=True)
    assert watch.barren_run(urls[-1], LIMIT) == 0


def test_a_pager_that_links_back_to_itself_ends_the_count() -> None:
    watch = PagerWatch()
    watch.linked("/a", "/b", [], False)
    watch.linked("/b", "/a", [], False)
    assert watch.barren_run("/a", 10) == 2
