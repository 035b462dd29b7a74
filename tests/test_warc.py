"""Raw captures: WARC files read back with warcio, CDXJ resolves every article, revisits for
unchanged payloads, and `reextract` rebuilds identical rows with no network."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from dostcrawler.capture.cdxj import read_cdxj
from dostcrawler.capture.warc import read_payload
from tests.conftest import Crawled, run_cli
from tests.sitefixtures import fixture_sites

SITE = next(site for site in fixture_sites() if site.name == "vinhphuc")


def _warcs(crawled: Crawled) -> list[Path]:
    folder = crawled.workdir / "exports" / "warc" / "vinhphuc"
    return sorted(folder.glob("*.warc.gz"), key=lambda p: int(p.name.split("-")[1].split(".")[0]))


def test_every_response_is_a_warc_record(crawl_twice: Callable[[str], Crawled]) -> None:
    crawled = crawl_twice("vinhphuc")
    first = _warcs(crawled)[0]
    with open(first, "rb") as handle:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"))
            for r in ArchiveIterator(handle)
        ]
    types = [t for t, _ in records]
    assert types[0] == "warcinfo"
    responses = {uri for t, uri in records if t == "response"}
    requests = {uri for t, uri in records if t == "request"}
    assert responses == requests
    paths = {uri.removeprefix(crawled.origin) for uri in responses}
    assert "/robots.txt" in paths
    assert {a["path"] for a in SITE.articles} <= paths
    assert SITE.expected["start_path"] in paths


def test_cdxj_resolves_every_article_to_its_bytes(crawl_twice: Callable[[str], Crawled]) -> None:
    crawled = crawl_twice("vinhphuc")
    first = _warcs(crawled)[0]
    index = {
        fields["url"]: fields
        for _, _, fields in read_cdxj(first.with_name(first.name.replace(".warc.gz", ".cdxj")))
    }
    for article in SITE.articles:
        fields = index[crawled.origin + article["path"]]
        assert fields["status"] == "200"
        _, body = read_payload(first.parent / fields["filename"], int(fields["offset"]))
        assert body == SITE.page_bytes(article["path"])


def test_unchanged_payloads_become_revisit_records(crawl_twice: Callable[[str], Crawled]) -> None:
    crawled = crawl_twice("vinhphuc")
    with sqlite3.connect(crawled.db) as conn:
        per_run = conn.execute(
            "select crawl_id, record_type, count(*) from captures group by 1, 2 order by 1, 2"
        ).fetchall()
        pointers = conn.execute("select count(*) from articles where warc is not null").fetchone()[
            0
        ]
    first_run = {t: n for c, t, n in per_run if c == 1}
    later = {(c, t) for c, t, _ in per_run if c > 1}
    # robots.txt, 3 listings, 14 article pages, 2 attachments
    assert first_run == {"response": 20}
    assert later == {(2, "revisit"), (3, "revisit")}
    assert pointers == len(SITE.articles)


def test_reextract_rebuilds_identical_rows(
    crawl_twice: Callable[[str], Crawled], tmp_path: Path
) -> None:
    crawled = crawl_twice("vinhphuc")
    db = tmp_path / "copy.sqlite"
    shutil.copy(crawled.db, db)
    before, after = tmp_path / "before.jsonl", tmp_path / "after.jsonl"
    assert run_cli("export", "--db", str(db), "-o", str(before)).returncode == 0
    result = run_cli("reextract", "--db", str(db), "--export-dir", str(crawled.workdir / "exports"))
    assert result.returncode == 0, result.stderr
    assert f"unchanged {len(SITE.articles)}" in result.stderr
    assert run_cli("export", "--db", str(db), "-o", str(after)).returncode == 0
    assert before.read_bytes() == after.read_bytes()
