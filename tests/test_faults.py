"""Hostile servers (tests/faults.py): every fault is met with what a careful archivist expects,
the crawl goes on with the other pages, and a second run with the server fixed completes the
archive; a robots.txt Crawl-delay spaces the requests of a crawl that chose no delay."""

from __future__ import annotations

import fcntl
import pickle
import statistics
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.core.downloader import Slot
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.test import get_crawler

from dostcrawler.politeness import STAT, RobotsCrawlDelay
from tests.faults import (
    DETAIL,
    FAULTS,
    FRUITLESS_PAGES,
    SITE,
    TIMEOUT,
    FaultRun,
    run_faults,
    trap_requests,
)
from tests.faultserver import (
    BIG_BYTES,
    CALENDAR,
    CRAWL_DELAY,
    TRAP_ARTICLES,
    added_article,
    listing_page,
)

pytestmark = pytest.mark.xdist_group("faults")
SITE_DETAIL = SITE.origin + DETAIL


@pytest.fixture(scope="session")
def run(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> FaultRun:
    """One fault run per test session, shared by the pytest-xdist workers: the first worker
    to ask runs it, the others wait for it and read what it found."""
    root = tmp_path_factory.getbasetemp()
    root = root if worker_id == "master" else root.parent
    found = root / "faults.pickle"
    with open(root / "faults.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not found.exists():
            found.write_bytes(pickle.dumps(run_faults(Path(tempfile.mkdtemp(dir=root)))))
    result: FaultRun = pickle.loads(found.read_bytes())
    return result


def _failed(run: FaultRun) -> dict[str, int]:
    prefix = "dostcrawler/failed/article/"
    return {k.removeprefix(prefix): v for k, v in run.stats.items() if k.startswith(prefix)}


def test_pages_without_faults_are_all_stored(run: FaultRun) -> None:
    healthy = {a["path"].removeprefix(DETAIL) for a in SITE.articles} - set(FAULTS) - {"1047"}
    assert all(run.stored(item) for item in healthy | {"1052", "1042", "1040", "1036", "1035"})


def test_a_503_that_recovers_is_retried_in_the_same_run(run: FaultRun) -> None:
    assert run.stored("1052")
    assert run.requests.count(DETAIL + "1052") == 2


def test_failing_pages_are_counted_by_reason_and_the_run_is_incomplete(run: FaultRun) -> None:
    assert _failed(run) == {
        "http_503": 1,  # 1051, after its retries
        "data_loss": 1,  # 1050, cut mid-body
        "too_large": 2,  # 1049, the gzip bomb; 1037, 1 GiB of HTML
        "timeout": 1,  # 1038, stalled after its headers
        "redirect_loop": 1,  # 1048
        "no_answer": 1,  # 1046, redirected off the site: dropped by Scrapy without a word
        "robots_forbidden": 1,  # 1041, never requested
        "http_404": trap_requests(run)[1],  # the pager trap's article links
    }
    assert run.first.returncode == 1
    assert "vinhphuc: incomplete (article pages failed (" in run.first.stderr
    assert "Traceback" not in run.first.stderr
    assert not run.stored("1051") and not run.stored("1050")


def test_failed_pages_wait_on_the_retry_list_with_their_reason(run: FaultRun) -> None:
    assert run.retry_list == {
        SITE_DETAIL + "1051": "http_503",
        SITE_DETAIL + "1050": "data_loss",
        SITE_DETAIL + "1049": "too_large",
        SITE_DETAIL + "1038": "timeout",
        SITE_DETAIL + "1037": "too_large",
    }


def test_the_next_run_fetches_what_failed(run: FaultRun) -> None:
    assert run.second.returncode == 0, run.second.stderr[-2000:]
    for item in ("1051", "1050", "1049", "1048", "1046", "1044", "1043", "1038", "1037"):
        assert f"vinhphuc:tintuchoatdong-{item}" in run.stored_after_second, item


def test_a_gzip_bomb_is_refused_with_memory_bounded(run: FaultRun) -> None:
    assert not run.stored("1049")
    assert run.peak_rss_mb < 400  # the bomb inflates to 1 GB


def test_a_page_that_stalls_times_out_on_every_try_and_the_run_goes_on(run: FaultRun) -> None:
    assert not run.stored("1038")
    assert run.requests.count(DETAIL + "1038") == 4  # the first try and RETRY_TIMES = 3
    assert f"took longer than {TIMEOUT} seconds" in run.first.stderr
    assert run.seconds < 60  # the stalled page waits a minute for the crawler to hang up


def test_a_page_past_the_size_limit_is_refused_with_memory_bounded(run: FaultRun) -> None:
    assert not run.stored("1037")
    assert run.requests.count(DETAIL + "1037") == 1  # too large once is too large again
    assert "bytes which is larger than download max size (52428800)" in run.first.stderr
    assert "larger than download warn size" in run.first.stderr
    assert run.streamed_bytes < BIG_BYTES // 4  # the crawler hung up past 50 MiB
    assert run.peak_rss_mb < 400 < BIG_BYTES >> 20


def test_entity_bombs_are_stored_right_never_expanded(run: FaultRun) -> None:
    title, paragraphs, _ = added_article("1036")
    # As a browser shows it: an HTML page's DOCTYPE declares no entities.
    assert run.record("1036") == (title, "\n\n".join([*paragraphs, "&lol9;"]))
    title, paragraphs, _ = added_article("1035")
    assert run.record("1035") == (title, "\n\n".join(paragraphs))
    assert run.peak_rss_mb < 400


def test_a_pager_whose_pages_give_nothing_is_left_and_said(run: FaultRun) -> None:
    pages, articles = trap_requests(run)
    # The walk stops at the page after FRUITLESS_PAGES barren ones, or a page or two later
    # when the last ones' articles were still in flight (pager.py): bounded either way.
    assert FRUITLESS_PAGES + 1 <= pages <= FRUITLESS_PAGES + 3
    assert articles == pages * TRAP_ARTICLES  # each page's articles were tried before leaving
    assert run.stats["dostcrawler/listing/stopped_fruitless"] == 1
    assert "dostcrawler/listing/max_pages_reached" not in run.stats
    warning = f"the last {FRUITLESS_PAGES} listing pages linked no new article that answered"
    assert warning in run.first.stderr
    summary = run.first.stderr.strip().splitlines()[-1]
    assert "; listing walk stopped where its pages stopped giving articles" in summary


def test_a_calendar_with_no_end_is_never_followed(run: FaultRun) -> None:
    calendar = CALENDAR.split("{")[0]
    assert calendar.encode() in (listing_page(SITE.expected["start_path"], traps=True) or b"")
    assert not [path for path in run.requests if path.startswith(calendar)]


def test_robots_txt_is_obeyed(run: FaultRun) -> None:
    assert DETAIL + "1041" not in run.requests
    assert run.stats.get("robotstxt/forbidden", 0) >= 1


def test_a_delay_the_user_chose_overrides_the_crawl_delay(run: FaultRun) -> None:
    assert "robots.txt asks a Crawl-delay of 5 s; the delay chosen (0 s) overrides it" in (
        run.first.stderr
    )
    assert STAT not in run.stats


def test_a_crawl_delay_spaces_every_request(run: FaultRun) -> None:
    assert run.paced.returncode == 0, run.paced.stderr[-2000:]
    # robots.txt, the 3 listing pages, the articles --max-articles allows
    assert len(run.paced_arrivals) == 6
    # Arrival gaps, not Scrapy's own schedule: one request that reaches the server late (a
    # loaded machine) shortens the gap after it, so one gap may fall short while the run
    # still keeps the pace. Without the delay the gaps are milliseconds.
    assert min(run.paced_spacing) >= CRAWL_DELAY * 0.75
    assert statistics.median(run.paced_spacing) >= CRAWL_DELAY
    assert sum(run.paced_spacing) >= CRAWL_DELAY * len(run.paced_spacing) * 0.95
    assert run.paced_stats[STAT] == CRAWL_DELAY
    assert f"robots.txt asks a Crawl-delay of {CRAWL_DELAY:g} s: waiting as long" in (
        run.paced.stderr
    )


def test_a_crawl_delay_is_capped_and_kept_under_autothrottle() -> None:
    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True, "DOSTCRAWLER_CRAWL_DELAY_MAX": 3})
    slot = Slot(concurrency=2, delay=0.5, jitter=0.5)
    crawler.engine = SimpleNamespace(  # type: ignore[assignment]
        downloader=SimpleNamespace(
            slots={"example.org": slot}, get_slot_key=lambda r: "example.org"
        )
    )
    delays = RobotsCrawlDelay(crawler)
    robots = ProtegoRobotParser(b"User-agent: *\nCrawl-delay: 3600\n", None)
    delays.robots_parsed(robots, Request("https://example.org/"))
    assert (slot.delay, slot.jitter) == (3.0, 0.0)
    slot.delay = 1.2  # AutoThrottle, after a fast response
    delays.keep_floor(Request("https://example.org/a", meta={"download_slot": "example.org"}))
    assert slot.delay == 3.0
    slot.delay, slot.jitter = 5.0, 0.5  # a slow server: AutoThrottle waits longer, jitter kept
    delays.keep_floor(Request("https://example.org/b", meta={"download_slot": "example.org"}))
    assert slot.delay == 5.0 and slot.delay * (1 - slot.jitter) == pytest.approx(3.0)


def test_redirect_loops_and_off_site_redirects_go_nowhere(run: FaultRun) -> None:
    assert not run.stored("1048") and not run.stored("1046")
    assert run.requests.count("/loop") <= 21
    assert not any("elsewhere" in path for path in run.requests)


def test_empty_and_binary_pages_are_dropped_with_a_reason(run: FaultRun) -> None:
    assert not run.stored("1044") and not run.stored("1043")
    dropped = {k for k in run.stats if k.startswith("dostcrawler/dropped/")}
    assert dropped


def test_low_confidence_counts_stored_records_only(run: FaultRun) -> None:
    # 1043 (binary, undecodable) and the pages without a title were extracted with low
    # confidence, then dropped: the archive holds no low-confidence record.
    assert run.stats["dostcrawler/articles/low_confidence"] >= 1
    assert "dostcrawler/articles/stored_low_confidence" not in run.stats
    assert run.first.stderr.strip().splitlines()[-2].endswith(", low confidence 0")


def test_a_hostile_attachment_name_never_becomes_a_path(run: FaultRun) -> None:
    files = [p for p in (run.workdir / "exports").rglob("*") if p.is_file()]
    assert all(run.workdir in p.parents for p in files)
    stored = [p for p in files if "files" in p.relative_to(run.workdir).parts]
    assert stored and not any("passwd" in p.name for p in stored)


def test_bounded_time(run: FaultRun) -> None:
    assert run.seconds < 60
