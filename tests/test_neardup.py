"""Cross-site near-duplicates: MinHash + LSH over article bodies (dostcrawler/neardup.py).

The bodies are the fixture articles: vinhphuc's originals and the khcnvn aggregator's reposts.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from dostcrawler import neardup
from dostcrawler.demo.server import serve_site
from dostcrawler.extract.text import fold_diacritics
from dostcrawler.neardup import Match, NearDuplicateIndex, mark_all, mark_duplicates
from dostcrawler.storage.db import Archive
from tests.conftest import run_cli, site_origin
from tests.sitefixtures import SITES_DIR, FixtureSite, fixture_sites

SITES = {site.name: site for site in fixture_sites()}


def _body(site: str, key: str) -> str:
    """The expected body of the one fixture article whose path contains `key`."""
    matches = [a["body"] for a in SITES[site].articles if key in a["path"]]
    assert len(matches) == 1, key
    return str(matches[0])


ORIGINAL_1049 = _body("vinhphuc", "ItemID=1049")
ORIGINAL_1050 = _body("vinhphuc", "ItemID=1050")
NOTICE_1046 = _body("vinhphuc", "ItemID=1046")
EDITED_1050 = _body("khcnvn", "/18095-")
PHUTHO_NOTICE = _body("khcnvn", "/18074-")
HANAM_MEETING = _body("khcnvn", "/18057-")
ORIGINAL_1047 = _body("vinhphuc", "ItemID=1047")
ORIGINAL_1051 = _body("vinhphuc", "ItemID=1051")


def _lightly_edited(body: str) -> str:
    """A few words changed, a sentence added, another byline: what an aggregator does."""
    edited = body.replace("Đoàn kiểm tra", "Đoàn công tác", 1).replace("08 cơ sở", "tám cơ sở")
    edited = edited.replace("tăng cường", "đẩy mạnh")
    first, rest = edited.split("\n\n", 1)
    added = "Đây là hoạt động thường xuyên nhằm bảo đảm an toàn cho người bệnh và nhân viên y tế."
    return f"{first} {added}\n\n{rest}\n\nTin: Thanh Hà (Báo Vĩnh Phúc)"


# (case, earlier body, later body on another site, is a copy)
PAIRS = [
    ("exact copy", ORIGINAL_1049, ORIGINAL_1049, True),
    (
        "exact copy with the aggregator's credit line left in the body",
        ORIGINAL_1049,
        ORIGINAL_1049 + "\n\n(Sở KH&CN Vĩnh Phúc)",
        True,
    ),
    (
        "copy without diacritics (retyped, or a lossy conversion)",
        ORIGINAL_1049,
        fold_diacritics(ORIGINAL_1049),
        True,
    ),
    (
        "words changed, a sentence added, byline differs",
        ORIGINAL_1047,
        _lightly_edited(ORIGINAL_1047),
        True,
    ),
    ("opening rewritten, two words changed, a paragraph dropped", ORIGINAL_1050, EDITED_1050, True),
    ("two notices sharing one standard paragraph", PHUTHO_NOTICE, HANAM_MEETING, False),
    ("a notice and the original of its standard paragraph", NOTICE_1046, PHUTHO_NOTICE, False),
    ("a meeting report quoting that paragraph", NOTICE_1046, HANAM_MEETING, False),
    ("two inspections reported by the same department", ORIGINAL_1047, ORIGINAL_1051, False),
]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """An archive with the real schema (articles has duplicate_of)."""
    archive = Archive(tmp_path / "archive.sqlite")
    yield archive.db
    archive.close()


def _store(db: Database, article_id: str, site: str, published_at: str | None, body: str) -> None:
    """A minimal stored article, then what the store pipeline will call after the upsert."""
    first_seen = "2024-05-01T00:00:00Z"
    db.table("articles").upsert(
        {"id": article_id, "site": site, "url": f"https://{site}/{article_id}", "body": body,
         "published_at": published_at, "first_seen_at": first_seen},
        pk="id",
    )  # fmt: skip
    mark_duplicates(db, article_id, site, published_at, first_seen, body)


def _duplicate_of(db: Database) -> dict[str, Any]:
    return {row["id"]: row["duplicate_of"] for row in db.table("articles").rows}


@pytest.mark.parametrize(("case", "earlier", "later", "is_copy"), PAIRS, ids=[p[0] for p in PAIRS])
def test_copy_on_another_site_is_found(
    db: Database, case: str, earlier: str, later: str, is_copy: bool
) -> None:
    index = NearDuplicateIndex(db)
    index.add("a:1", "a", "2021-12-29", None, earlier)
    match = index.match("b:1", "b", "2022-01-03", None, later)
    assert match == Match("a:1" if is_copy else None)
    assert index.find_original("b:1", "b", "2022-01-03", None, later) == match.original_id


def test_threshold_margins_on_the_fixtures() -> None:
    """The edited repost and the boilerplate-sharing pairs sit well clear of THRESHOLD, both
    in true Jaccard and in the MinHash estimate."""
    for _, earlier, later, is_copy in PAIRS:
        a, b = neardup.shingles(earlier), neardup.shingles(later)
        exact = len(a & b) / len(a | b)
        sig_a, sig_b = neardup.signature(earlier), neardup.signature(later)
        assert sig_a is not None and sig_b is not None
        estimate = neardup.similarity(sig_a, sig_b)
        for value in (exact, estimate):
            if is_copy:
                assert value >= neardup.THRESHOLD + 0.1
            else:
                assert value <= neardup.THRESHOLD - 0.1


def test_signature_is_datasketchs_minhash() -> None:
    """The signature is datasketch's affine32 MinHash of the shingles, value for value: the
    signatures archives already hold stay comparable."""
    from datasketch import MinHash

    for body in (ORIGINAL_1049, EDITED_1050, HANAM_MEETING, fold_diacritics(ORIGINAL_1050)):
        minhash = MinHash(
            num_perm=neardup.NUM_PERM, seed=neardup.SEED, scheme=neardup.MINHASH_SCHEME
        )
        minhash.update_batch(s.encode("utf-8") for s in sorted(neardup.shingles(body)))
        signature = neardup.signature(body)
        assert signature is not None
        assert signature.tolist() == minhash.hashvalues.tolist()


def test_band_split_finds_copies_and_rarely_compares_boilerplate() -> None:
    def candidate_probability(s: float) -> float:
        return float(1 - (1 - s**neardup.ROWS) ** neardup.BANDS)

    assert neardup.NUM_PERM == neardup.BANDS * neardup.ROWS
    assert candidate_probability(neardup.THRESHOLD) >= 0.9
    assert candidate_probability(0.5) >= 0.99
    assert candidate_probability(0.15) <= 0.15
    assert candidate_probability(0.05) <= 0.01


@pytest.mark.parametrize(("words", "fingerprinted"), [(49, False), (50, True)])
def test_short_bodies_are_not_fingerprinted(db: Database, words: int, fingerprinted: bool) -> None:
    body = " ".join(neardup.words(ORIGINAL_1049)[:words])
    index = NearDuplicateIndex(db)
    index.add("a:1", "a", "2021-12-29", None, body)
    index.add("b:1", "b", "2022-01-03", None, body)
    assert (index.stored("a:1") is not None) is fingerprinted
    assert index.find_original("b:1", "b", "2022-01-03", None, body) == (
        "a:1" if fingerprinted else None
    )


def test_same_site_copies_are_left_to_same_site_dedup(db: Database) -> None:
    index = NearDuplicateIndex(db)
    index.add("a:1", "a", "2021-12-29", None, ORIGINAL_1049)
    assert index.match("a:2", "a", "2022-01-03", None, ORIGINAL_1049) == Match(None)


@pytest.mark.parametrize(
    ("sites", "found"), [(neardup.BUCKET_LIMIT, True), (neardup.BUCKET_LIMIT + 1, False)]
)
def test_a_story_on_many_sites_is_found_up_to_the_bucket_limit(
    db: Database, sites: int, found: bool
) -> None:
    """One copy on each of many sites shares its buckets with all of them; past BUCKET_LIMIT
    other articles a bucket is stock text, and a lookup reads no more of it."""
    index = NearDuplicateIndex(db)
    for k in range(sites):
        index.add(
            f"s{k}:1",
            f"s{k}",
            "2021-12-29",
            f"2024-05-01T{k // 60:02d}:{k % 60:02d}",
            ORIGINAL_1049,
        )
    match = index.match("z:1", "z", "2022-01-03", None, ORIGINAL_1049)
    assert match == Match("s0:1" if found else None)


@pytest.mark.parametrize(
    ("repeats", "found"), [(neardup.SITE_REPEATS, True), (neardup.SITE_REPEATS + 1, False)]
)
def test_text_one_site_repeats_is_no_witness(db: Database, repeats: int, found: bool) -> None:
    """A band value that one site uses in more than SITE_REPEATS articles is that site's stock
    text (a story appears once on a site); the article's own row never counts."""
    index = NearDuplicateIndex(db)
    for k in range(repeats):
        index.add(f"a:{k}", "a", "2021-12-29", None, ORIGINAL_1049)
    assert index.match("b:1", "b", "2022-01-03", None, ORIGINAL_1049).original_id == (
        "a:0" if found else None
    )
    index.add("b:1", "b", "2022-01-03", None, ORIGINAL_1049)
    assert index.original_of("b:1") == ("a:0" if found else None)


COPIES = [
    ("vinhphuc:1049", "vinhphuc", "2021-12-29", ORIGINAL_1049),
    ("khcnvn:18066", "khcnvn", "2022-01-03", ORIGINAL_1049 + "\n\n(Sở KH&CN Vĩnh Phúc)"),
    ("portal:7781", "vinhphuc_portal", "2022-01-05", ORIGINAL_1049),
    ("hanam:1", "hanam", "2021-12-28", HANAM_MEETING),
]


@pytest.mark.parametrize("order", list(itertools.permutations(range(len(COPIES)))))
def test_marks_do_not_depend_on_crawl_order(db: Database, order: tuple[int, ...]) -> None:
    for i in order:
        _store(db, *COPIES[i])
    assert _duplicate_of(db) == {
        "vinhphuc:1049": None,
        "khcnvn:18066": "vinhphuc:1049",
        "portal:7781": "vinhphuc:1049",
        "hanam:1": None,
    }


def test_match_of_the_earliest_copy_lists_the_later_ones(db: Database) -> None:
    index = NearDuplicateIndex(db)
    index.add("khcnvn:18066", "khcnvn", "2022-01-03", None, ORIGINAL_1049)
    index.add("portal:7781", "vinhphuc_portal", "2022-01-05", None, ORIGINAL_1049)
    match = index.match("vinhphuc:1049", "vinhphuc", "2021-12-29", None, ORIGINAL_1049)
    assert match == Match(None, ("khcnvn:18066", "portal:7781"))
    later = index.match("portal:7781", "vinhphuc_portal", "2022-01-05", None, ORIGINAL_1049)
    assert later == Match("khcnvn:18066")


def test_mark_returns_the_pairs_it_decided(db: Database) -> None:
    _store(db, "khcnvn:18066", "khcnvn", "2022-01-03", ORIGINAL_1049)
    pairs = mark_duplicates(db, "vinhphuc:1049", "vinhphuc", "2021-12-29", None, ORIGINAL_1049)
    assert pairs == [("khcnvn:18066", "vinhphuc:1049")]


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        (("a:1", "2021-12-29", "2024-05-02T00:00:00Z"), ("b:1", None, "2024-05-01T00:00:00Z")),
        (
            ("b:1", "2021-12-29", "2024-05-01T00:00:00Z"),
            ("a:1", "2021-12-29", "2024-05-02T00:00:00Z"),
        ),
        (
            ("a:1", "2021-12-29", "2024-05-01T00:00:00Z"),
            ("b:1", "2021-12-29", "2024-05-01T00:00:00Z"),
        ),
    ],
    ids=["undated is later", "same day: first seen wins", "full tie: lower id wins"],
)
def test_earliest_by_date_then_first_seen_then_id(
    db: Database, earlier: tuple[str, str | None, str], later: tuple[str, str | None, str]
) -> None:
    index = NearDuplicateIndex(db)
    for article_id, published_at, first_seen in (later, earlier):
        index.add(article_id, article_id[0], published_at, first_seen, ORIGINAL_1049)
    assert index.original_of(later[0]) == earlier[0]
    assert index.original_of(earlier[0]) is None


def test_changed_body_moves_the_mark(db: Database) -> None:
    _store(db, "vinhphuc:1049", "vinhphuc", "2021-12-29", ORIGINAL_1049)
    _store(db, "khcnvn:18066", "khcnvn", "2022-01-03", ORIGINAL_1049)
    assert _duplicate_of(db)["khcnvn:18066"] == "vinhphuc:1049"
    _store(db, "vinhphuc:1049", "vinhphuc", "2021-12-29", ORIGINAL_1050)
    assert _duplicate_of(db) == {"vinhphuc:1049": None, "khcnvn:18066": None}
    _store(db, "vinhphuc:1049", "vinhphuc", "2021-12-29", "Thông tin chi tiết xem tại đây.")
    _store(db, "vinhphuc:1049", "vinhphuc", "2021-12-29", ORIGINAL_1049)
    assert _duplicate_of(db)["khcnvn:18066"] == "vinhphuc:1049"


def test_mark_all_indexes_an_existing_archive(db: Database) -> None:
    for article_id, site, published_at, body in COPIES:
        db.table("articles").insert(
            {"id": article_id, "site": site, "url": f"https://{site}/", "body": body,
             "published_at": published_at, "first_seen_at": "2024-05-01T00:00:00Z"}
        )  # fmt: skip
    assert mark_all(db) == [
        ("khcnvn:18066", "vinhphuc:1049"),
        ("portal:7781", "vinhphuc:1049"),
    ]


def test_tables_are_created_once(db: Database) -> None:
    neardup.create_tables(db)
    neardup.create_tables(db)
    assert {"fingerprints", "lsh"} <= set(db.table_names())
    assert "lsh_buckets" not in db.table_names()
    assert db.table("lsh").pks == ["bucket", "fingerprint"]
    # stored in its primary key's B-tree: no rowid, and no index of its own
    assert db.table("lsh").schema.lower().endswith("without rowid")
    assert [index.origin for index in db.table("lsh").indexes] == ["pk"]


def test_buckets_follow_the_body_with_nothing_left_behind(db: Database) -> None:
    def buckets() -> int:
        return int(db.execute("select count(*) from lsh").fetchone()[0])

    _store(db, "vinhphuc:1049", "vinhphuc", "2021-12-29", ORIGINAL_1049)
    assert buckets() == neardup.BANDS
    _store(db, "vinhphuc:1049", "vinhphuc", "2021-12-29", ORIGINAL_1050)
    assert buckets() == neardup.BANDS  # the old body's rows went with it
    _store(db, "vinhphuc:1049", "vinhphuc", "2021-12-29", "Thông tin chi tiết xem tại đây.")
    assert buckets() == 0


def test_m008_moves_an_archive_to_the_compact_buckets(tmp_path: Path) -> None:
    from dostcrawler.storage.migrations import migrations

    old = Database(tmp_path / "old.sqlite")
    migrations.apply(old, stop_before="m008_compact_lsh")
    # fingerprints as the previous layout wrote them (same signatures, other bucket table)
    for article_id, site in (("vinhphuc:1049", "vinhphuc"), ("khcnvn:18066", "khcnvn")):
        sig = neardup.signature(ORIGINAL_1049)
        assert sig is not None
        old.table("articles").insert(
            {
                "id": article_id,
                "site": site,
                "url": article_id,
                "body": ORIGINAL_1049,
                "published_at": "2022-01-0" + str(len(site) % 9),
            }
        )
        old.table("fingerprints").insert(
            {
                "article_id": article_id,
                "site": site,
                "scheme": neardup.SCHEME,
                "signature": sig.astype("<u4").tobytes(),
            }
        )
    old.close()
    archive = Archive(tmp_path / "old.sqlite")
    try:
        assert "lsh_buckets" not in archive.db.table_names()
        count = archive.db.execute("select count(*) from lsh").fetchone()[0]
        assert count == 2 * neardup.BANDS
        index = neardup.NearDuplicateIndex(archive.db)
        assert index.copies("vinhphuc:1049") == ["khcnvn:18066"]
    finally:
        archive.close()


def test_words_fold_case_marks_and_tone_placement() -> None:
    assert neardup.words("Hoà bình, THUỶ lợi; Đổi  mới") == neardup.words(
        "hòa bình thủy lợi đổi mới"
    )
    assert neardup.words("Kh&CN 2021-2025") == ["kh", "cn", "2021", "2025"]


# End to end: two fixture sites crawled into one archive through the CLI ------------------------


def _crawl(sites: tuple[str, ...], workdir: Path) -> tuple[Path, dict[str, str]]:
    """Crawl the sites in this order into one archive; the archive and each site's origin."""
    db = workdir / "archive.sqlite"
    origins = {}
    with ExitStack() as stack:
        for site in sites:
            server = stack.enter_context(serve_site(SITES_DIR / site))
            origins[site] = site_origin(SITES_DIR / site)  # what the archive records
            args = ["--origin", server.origin, "--db", str(db), "--delay", "0"]
            result = run_cli("crawl", site, *args, "--export-dir", str(workdir / "exports"))
            assert result.returncode == 0, result.stderr[-3000:]
    return db, origins


@pytest.fixture(scope="module", params=[("vinhphuc", "khcnvn"), ("khcnvn", "vinhphuc")])
def crawled(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, str]]:
    return _crawl(request.param, tmp_path_factory.mktemp("-".join(request.param)))


def _expected_marks(db: Path, origins: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(url -> duplicate_of as stored, url -> duplicate_of as the fixtures say)."""
    with sqlite3.connect(db) as conn:
        stored = dict(conn.execute("select url, duplicate_of from articles").fetchall())
    expected: dict[str, Any] = {}
    for name in ("vinhphuc", "khcnvn"):
        site: FixtureSite = SITES[name]
        duplicates = site.expected.get("duplicates", {})
        for article in site.articles:
            expected[origins[name] + article["path"]] = duplicates.get(article["path"])
    return stored, expected


def test_crawling_both_sites_marks_the_reposts(crawled: tuple[Path, dict[str, str]]) -> None:
    """Fails until the store pipeline calls mark_duplicates after each upsert."""
    stored, expected = _expected_marks(*crawled)
    assert stored == expected


def test_mark_all_on_the_crawled_archive(
    crawled: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    db_path, origins = crawled
    copy = tmp_path / "copy.sqlite"
    with sqlite3.connect(db_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    database = Database(copy)
    try:
        mark_all(database)
    finally:
        database.close()
    stored, expected = _expected_marks(copy, origins)
    assert stored == expected
    assert sum(1 for original in expected.values() if original) == 3
