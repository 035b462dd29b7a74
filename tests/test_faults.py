"""Hostile servers (tests/faults.py): every fault is met with what a careful archivist expects,
the crawl goes on with the other pages, and a second run with the server fixed completes the
archive."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults import DETAIL, FAULTS, SITE, FaultRun, run_faults

pytestmark = pytest.mark.xdist_group("faults")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultRun]:
    yield run_faults(tmp_path_factory.mktemp("faults"))


def _failed(run: FaultRun) -> dict[str, int]:
    prefix = "dostcrawler/failed/article/"
    return {k.removeprefix(prefix): v for k, v in run.stats.items() if k.startswith(prefix)}


def test_pages_without_faults_are_all_stored(run: FaultRun) -> None:
    healthy = {a["path"].removeprefix(DETAIL) for a in SITE.articles} - set(FAULTS) - {"1047"}
    assert all(run.stored(item) for item in healthy | {"1052", "1042", "1040"})


def test_a_503_that_recovers_is_retried_in_the_same_run(run: FaultRun) -> None:
    assert run.stored("1052")
    assert run.requests.count(DETAIL + "1052") == 2


def test_failing_pages_are_counted_by_reason_and_the_run_is_incomplete(run: FaultRun) -> None:
    assert _failed(run) == {
        "http_503": 1,  # 1051, after its retries
        "data_loss": 1,  # 1050, cut mid-body
        "too_large": 1,  # 1049, the gzip bomb
        "redirect_loop": 1,  # 1048
        "no_answer": 1,  # 1046, redirected off the site: dropped by Scrapy without a word
        "robots_forbidden": 1,  # 1041, never requested
    }
    assert run.first.returncode == 1
    assert "vinhphuc: incomplete (article pages failed (" in run.first.stderr
    assert "Traceback" not in run.first.stderr
    assert not run.stored("1051") and not run.stored("1050")


def test_the_next_run_fetches_what_failed(run: FaultRun) -> None:
    assert run.second.returncode == 0, run.second.stderr[-2000:]
    for item in ("1051", "1050", "1049", "1048", "1046", "1044", "1043"):
        assert f"vinhphuc:tintuchoatdong-{item}" in run.stored_after_second, item


def test_a_gzip_bomb_is_refused_with_memory_bounded(run: FaultRun) -> None:
    assert not run.stored("1049")
    assert run.peak_rss_mb < 400  # the bomb inflates to 1 GB


def test_redirect_loops_and_off_site_redirects_go_nowhere(run: FaultRun) -> None:
    assert not run.stored("1048") and not run.stored("1046")
    assert run.requests.count("/loop") <= 21
    assert not any("elsewhere" in path for path in run.requests)


def test_empty_and_binary_pages_are_dropped_with_a_reason(run: FaultRun) -> None:
    assert not run.stored("1044") and not run.stored("1043")
    dropped = {k for k in run.stats if k.startswith("dostcrawler/dropped/")}
    assert dropped


def test_robots_txt_is_obeyed(run: FaultRun) -> None:
    assert DETAIL + "1041" not in run.requests
    assert run.stats.get("robotstxt/forbidden", 0) >= 1


def test_a_hostile_attachment_name_never_becomes_a_path(run: FaultRun) -> None:
    files = [p for p in (run.workdir / "exports").rglob("*") if p.is_file()]
    assert all(run.workdir in p.parents for p in files)
    stored = [p for p in files if "files" in p.relative_to(run.workdir).parts]
    assert stored and not any("passwd" in p.name for p in stored)


def test_bounded_time(run: FaultRun) -> None:
    assert run.seconds < 120
