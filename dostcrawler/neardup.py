"""Cross-site near-duplicates (DESIGN.md §8 layer 3): the same article reposted on another site.

Most DOST-site items are reposts (dost-platforms.md §4.8): a province's news reappears on the
province portal and on national aggregators, lightly edited, retitled, with the aggregator's own
byline or "(Sở KH&CN ...)" credit. Both rows stay in the archive; the later copy gets
`duplicate_of` = the id of the earliest copy on another site.

How copies are found (never an all-pairs scan):

* The body is normalised (NFC, lower case, diacritics folded, "đ" as "d") and cut into words
  (runs of letters and digits, so punctuation and spacing do not matter). Folding is deliberate:
  Vietnamese text reaches us with two tone-mark placements ("hoà"/"hòa", "thuỷ"/"thủy"), from old
  VNI/TCVN conversions, or retyped without marks, and a copy must still match its original; the
  price, that differently marked words collide, is negligible inside a run of five words.
* Shingles are runs of SHINGLE_WORDS = 5 words (Vietnamese words are one syllable each here, so a
  shingle is a short phrase). A MinHash signature of NUM_PERM values estimates the Jaccard
  similarity of two shingle sets; it is persisted in `fingerprints`.
* LSH: the signature is cut into BANDS bands of ROWS values; two bodies whose signatures agree
  on every value of at least one band share a row of `lsh`, and only such articles are
  compared. A pair with Jaccard s becomes a candidate with probability 1 - (1 - s^ROWS)^BANDS:
  with 42 bands of 3 that is 0.94 at s = 0.4, 0.996 at 0.5 and 0.9999 at 0.6 (copies are
  found), but 0.13 at 0.15 and 0.005 at 0.05 (two articles sharing a boilerplate paragraph, or
  merely the stock phrases of DOST news, are rarely even compared). Candidates are then judged
  on the estimated Jaccard (standard error about 0.045 at s = 0.5 with 126 values).
* Stock buckets are no witness. The banding fixes the chance that two given bodies collide, so
  the candidates of a lookup grew with the archive: in `make bench-scale`, 5 an article at
  10,000 articles and 62 at 100,000, nearly all unrelated bodies that shared a band because
  the band's three minima fell in a site's notice paragraph or in stock DOST phrasing. Such a
  bucket fills up as the archive grows (the largest held 1,156 articles of 59 sites at 100,000),
  while a copy's bucket holds its story and the story's other copies: a syndicated story
  appears once on each site that reposts it, and there are fewer than a hundred DOST sites and
  aggregators. So a bucket holding more than BUCKET_LIMIT = 100 other articles, or more than
  SITE_REPEATS = 2 of one site, is stock text and passed over (web-scale dedup drops its most
  frequent shingles for the same reason), and a lookup reads at most BUCKET_LIMIT + 2 rows of a
  bucket, whatever the archive's size. No copy is lost to it: a pair at s = 0.5 agrees on 5
  bands on average, and only the bands cut from shared boilerplate are stock (README,
  Benchmarks: the same copies found before and after). The price: a story held three times by
  one site, or reposted more than 100 times, is not matched through the buckets it fills.
* THRESHOLD = 0.4 sits between the two cases it must separate, measured on the fixtures
  (tests/test_neardup.py, true Jaccard / MinHash estimate): the khcnvn repost of vinhphuc 1050
  with a rewritten opening sentence, two words changed and a paragraph dropped scores 0.59 / 0.55;
  a copy with a few words changed, a sentence added and another byline 0.83 / 0.82; an exact
  repost with the credit line left in 0.99. Different articles sharing one long standard
  paragraph (the khcnvn notices and vinhphuc 1046) score 0.18-0.24 / 0.20-0.25, and no two
  unrelated articles among the 137 fixture bodies of all sites score above 0.25 (two provinces'
  calls for proposals on the same legal template). Each side stays 0.14 or more away.
* Bodies under MIN_WORDS = 50 words are not fingerprinted: "Thông tin chi tiết xem tại đây."
  or a two-line meeting notice is mostly stock phrasing, so any two of them would look alike and
  there is too little text to tell a repost from a coincidence.

"Earliest" orders copies by published_at (undated last; a date without a time sorts before
any time on that day), then first_seen_at, then id. Matching is not transitive, so chains occur:
A ~ B ~ C with A !~ C gives B -> A and C -> B.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from operator import methodcaller
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlite_utils import Database

from dostcrawler.extract.text import fold_diacritics

SHINGLE_WORDS = 5
MIN_WORDS = 50
BANDS = 42
ROWS = 3
NUM_PERM = BANDS * ROWS
THRESHOLD = 0.4
BUCKET_LIMIT = 100
SITE_REPEATS = 2
SEED = 1
# datasketch >= 2.0 names its permutation scheme; pinned so stored signatures stay comparable.
# The signature is the one datasketch's MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")
# computes, in one numpy pass (tests/test_neardup.py checks it value for value).
MINHASH_SCHEME = "affine32"
# Everything that makes two stored signatures comparable. Rows of another scheme are ignored;
# after changing any of these, run mark_all() to re-fingerprint the archive.
SCHEME = f"minhash-{MINHASH_SCHEME}-seed{SEED}-{BANDS}x{ROWS}-w{SHINGLE_WORDS}-folded"

Signature = npt.NDArray[np.uint32]
BucketMembers = dict[int, list[tuple[int, str]]]  # bucket -> (fingerprints.rowid, site)
WORD = re.compile(r"\w+")


def _permutations() -> tuple[Signature, Signature]:
    """datasketch's affine32 permutations h -> a * h + b mod 2**32 (odd a), drawn from SEED."""
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


_A, _B = _permutations()


def create_tables(db: Database) -> None:
    """`fingerprints` and the `lsh` bucket table; safe to call on every open."""
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
        if_not_exists=True,
    )
    # One row per (bucket, article), keyed by integers only and stored in its primary key's
    # B-tree (no rowid, no second index): 42 rows of about 16 bytes per article. An article's
    # rows are found again from its stored signature, never by scanning.
    db.execute(
        "create table if not exists lsh (bucket integer not null, fingerprint integer not null, "
        "primary key (bucket, fingerprint)) without rowid"
    )


def words(body: str) -> list[str]:
    """The body's words, normalised for comparison (NFC, lower case, diacritics folded)."""
    return WORD.findall(fold_diacritics(body))  # folding makes the text NFC first


def shingles(body: str) -> set[str]:
    """Runs of SHINGLE_WORDS consecutive words."""
    return _shingles(words(body))


def _shingles(found: list[str]) -> set[str]:
    # The i-th shifted copy of the words supplies each shingle's i-th word; zip stops at the
    # shortest, the last full shingle.
    shifted = (found[i:] for i in range(SHINGLE_WORDS))
    return set(map(" ".join, zip(*shifted, strict=False)))


def signature(body: str | None) -> Signature | None:
    """The MinHash signature of a body, or None when it is under MIN_WORDS words."""
    found = words(body or "")
    if len(found) < MIN_WORDS:
        return None
    # Chained maps: no Python code runs per shingle.
    encoded = map(str.encode, _shingles(found))
    digests = b"".join(map(methodcaller("digest"), map(hashlib.sha1, encoded)))
    # datasketch's sha1_hash32: the first 4 bytes of each 20-byte digest, little-endian.
    hashes = np.frombuffer(digests, dtype="<u4")[::5].astype(np.uint32)
    # Unsigned arithmetic wraps around: the mod 2**32 of the permutations. One shingles x
    # permutations matrix, added to in place: a second one (720 KB for a long body) is fresh
    # memory the kernel must map each time, and cost a long body 0.5 ms.
    permuted = np.multiply.outer(_fmix32(hashes), _A)
    permuted += _B
    return np.asarray(permuted.min(axis=0), dtype=np.uint32)


def _fmix32(h: Signature) -> Signature:
    """MurmurHash3's 32-bit finalizer, which datasketch's affine32 scheme applies first."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return float(np.mean(a == b))


def band_buckets(sig: Signature) -> list[int]:
    """One bucket per band: a 64-bit hash of the band's number and its ROWS values."""
    result = []
    for band in range(BANDS):
        chunk = (
            band.to_bytes(1, "little")
            + sig[band * ROWS : (band + 1) * ROWS].astype("<u4").tobytes()
        )
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        result.append(int.from_bytes(digest, "little", signed=True))
    return result


@dataclass(frozen=True)
class Match:
    """What the index says about one article.

    `original_id`: the earliest copy on another site published before it (None when it is
    itself the earliest). `later_ids`: copies on other sites whose earliest earlier copy is now
    this article, so their `duplicate_of` should point here.
    """

    original_id: str | None
    later_ids: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """What the index stores for one article: where and when it appeared, and its signature."""

    article_id: str
    site: str
    published_at: str | None
    first_seen_at: str | None
    signature: Signature

    @property
    def order(self) -> tuple[bool, str, str, str]:
        """Earlier sorts first: published_at (undated last), first_seen_at, id."""
        return (
            self.published_at is None,
            self.published_at or "",
            self.first_seen_at or "",
            self.article_id,
        )

    @cached_property
    def buckets(self) -> list[int]:
        """The signature's LSH buckets: computed once, for its rows and for its candidates."""
        return band_buckets(self.signature)


class NearDuplicateIndex:
    """MinHash signatures and LSH buckets of article bodies, stored in the archive."""

    def __init__(self, db: Database) -> None:
        self.db = db
        if not {"fingerprints", "lsh"} <= set(db.table_names()):
            create_tables(db)

    def add(
        self,
        article_id: str,
        site: str,
        published_at: str | None,
        first_seen_at: str | None,
        body: str | None,
    ) -> Fingerprint | None:
        """Fingerprint (or re-fingerprint) an article; a body under MIN_WORDS is dropped. The
        fingerprint now indexed, if any."""
        sig = signature(body)
        with self.db.atomic():
            self._remove(article_id)
            if sig is None:
                return None
            fingerprint = Fingerprint(article_id, site, published_at, first_seen_at, sig)
            table = self.db.table("fingerprints")
            table.insert(
                {
                    "article_id": article_id,
                    "site": site,
                    "published_at": published_at,
                    "first_seen_at": first_seen_at,
                    "scheme": SCHEME,
                    "signature": sig.astype("<u4").tobytes(),
                }
            )
            rowid = table.last_rowid
            self.db.conn.executemany(
                "insert or ignore into lsh (bucket, fingerprint) values (?, ?)",
                [(bucket, rowid) for bucket in fingerprint.buckets],
            )
        return fingerprint

    def _remove(self, article_id: str) -> None:
        """Drop an article's fingerprint and its buckets (found from the stored signature)."""
        found = self.db.execute(
            "select rowid, scheme, signature from fingerprints where article_id = ?", [article_id]
        ).fetchone()
        if found is None:
            return
        rowid, scheme, blob = found
        if scheme == SCHEME:
            sig = signature_from_bytes(blob)
            self.db.conn.executemany(
                "delete from lsh where bucket = ? and fingerprint = ?",
                [(bucket, rowid) for bucket in band_buckets(sig)],
            )
        else:  # another scheme's buckets: rare (after an upgrade), so a scan is fine
            self.db.execute("delete from lsh where fingerprint = ?", [rowid])
        self.db.execute("delete from fingerprints where rowid = ?", [rowid])

    def match(
        self,
        article_id: str,
        site: str,
        published_at: str | None,
        first_seen_at: str | None,
        body: str | None,
    ) -> Match:
        """This article's original, and the later copies that should now point to it."""
        sig = signature(body)
        if sig is None:
            return Match(None)
        this = Fingerprint(article_id, site, published_at, first_seen_at, sig)
        copies = self._copies_of(this)
        original = _earliest_before(this, copies)
        later = [
            copy.article_id
            for copy in copies
            if copy.order > this.order and self._original_of(copy, extra=this) == article_id
        ]
        return Match(original, tuple(sorted(later)))

    def find_original(
        self,
        article_id: str,
        site: str,
        published_at: str | None,
        first_seen_at: str | None,
        body: str | None,
    ) -> str | None:
        """The id of the earliest copy on another site, or None if this one is the earliest."""
        return self.match(article_id, site, published_at, first_seen_at, body).original_id

    def stored(self, article_id: str) -> Fingerprint | None:
        """The fingerprint the index holds for an article (None if unindexed or too short)."""
        rows = self.db.execute(
            "select article_id, site, published_at, first_seen_at, signature from fingerprints "
            "where article_id = ? and scheme = ?",
            [article_id, SCHEME],
        ).fetchall()
        return _fingerprint(rows[0]) if rows else None

    def copies(self, article_id: str) -> list[str]:
        """Ids of the indexed copies on other sites of an indexed article."""
        this = self.stored(article_id)
        return [copy.article_id for copy in self._copies_of(this)] if this else []

    def original_of(self, article_id: str) -> str | None:
        """The original of an indexed article, judged from its stored fingerprint."""
        this = self.stored(article_id)
        return self._original_of(this) if this else None

    def _original_of(self, this: Fingerprint, extra: Fingerprint | None = None) -> str | None:
        """The earliest earlier copy of `this`, counting `extra` as if it were indexed."""
        copies = self._copies_of(this)
        if extra is not None:
            copies = [c for c in copies if c.article_id != extra.article_id]
            copies += [extra] if _is_copy(this, extra) else []
        return _earliest_before(this, copies)

    def _copies_of(self, this: Fingerprint) -> list[Fingerprint]:
        """Indexed articles on other sites whose estimated Jaccard with `this` is >= THRESHOLD."""
        return [c for c in self._candidates(this) if _is_copy(this, c)]

    def _candidates(self, this: Fingerprint) -> Iterator[Fingerprint]:
        """Articles on other sites sharing a witness bucket with `this` (a copy on the same
        site is never a near-duplicate: same-site dedup judges it, on exact content)."""
        witnesses = {
            rowid
            for members in self._bucket_members(this).values()
            if not _is_stock(members)
            for rowid, site in members
            if site != this.site
        }
        if not witnesses:
            return
        sql = (
            "select article_id, site, published_at, first_seen_at, signature from fingerprints "
            f"where rowid in ({', '.join('?' * len(witnesses))})"
        )
        for row in self.db.execute(sql, sorted(witnesses)):
            yield _fingerprint(row)

    def _bucket_members(self, this: Fingerprint) -> BucketMembers:
        """Bucket -> the (rowid, site) of the other articles in it, from its first
        BUCKET_LIMIT + 2 rows (enough to tell it is stock): a lookup never reads a whole bucket."""
        members: BucketMembers = {}
        for bucket, rowid, site in self.db.execute(
            _MEMBERS_SQL, [*this.buckets, this.article_id, SCHEME]
        ):
            members.setdefault(bucket, []).append((rowid, site))
        return members


def _is_stock(members: list[tuple[int, str]]) -> bool:
    """Whether a bucket's articles share stock text, not a story: more than BUCKET_LIMIT of
    them, or more than SITE_REPEATS from one site."""
    if len(members) > BUCKET_LIMIT:
        return True
    return max(Counter(site for _, site in members).values()) > SITE_REPEATS


# Each band's bucket is read through its primary key up to its (BUCKET_LIMIT + 2)-th row, which
# an OFFSET finds first (a bucket's rows are in fingerprint order). The article itself
# may be one of them and is left out after the cut, so a lookup before and after the article is
# indexed sees the same members. One statement: a lookup is one call into SQLite.
_MEMBERS_SQL = (
    f"with wanted(bucket) as (values {', '.join(['(?)'] * BANDS)}) "
    "select l.bucket, f.rowid, f.site from wanted w join lsh l on l.bucket = w.bucket "
    "and l.fingerprint <= coalesce((select fingerprint from lsh where bucket = w.bucket "
    f"order by fingerprint limit 1 offset {BUCKET_LIMIT + 1}), {2**63 - 1}) "
    "join fingerprints f on f.rowid = l.fingerprint where f.article_id != ? and f.scheme = ?"
)


def mark_duplicates(
    db: Database,
    article_id: str,
    site: str,
    published_at: str | None,
    first_seen_at: str | None,
    body: str | None,
) -> list[tuple[str, str]]:
    """Index one stored article and set `articles.duplicate_of` for it and for its copies.

    Call it after every upsert (new, updated or unchanged: an upsert rewrites duplicate_of).
    Re-judges every copy of the article's old and new body, so a corrected date or an edited
    body moves the "original" mark. Returns the (duplicate_id, original_id) pairs decided.
    """
    index = NearDuplicateIndex(db)
    with db.atomic():
        old = index.stored(article_id)
        before = index._copies_of(old) if old else []
        this = index.add(article_id, site, published_at, first_seen_at, body)
        now = index._copies_of(this) if this else []
        decided = {article_id: _earliest_before(this, now) if this else None}
        for other in sorted({copy.article_id for copy in (*before, *now)}):
            decided[other] = index.original_of(other)
        if db.table("articles").exists():
            for duplicate, original in decided.items():
                db.execute(
                    "update articles set duplicate_of = ? where id = ? and duplicate_of is not ?",
                    [original, duplicate, original],
                )
    return [(duplicate, original) for duplicate, original in decided.items() if original]


def mark_all(db: Database) -> list[tuple[str, str]]:
    """Index every article of an existing archive and mark its duplicates; all the pairs."""
    rows = db.execute("select id, site, published_at, first_seen_at, body from articles")
    for row in rows.fetchall():
        mark_duplicates(db, *row)
    marked = db.execute(
        "select id, duplicate_of from articles where duplicate_of is not null order by id"
    )
    return [(str(duplicate), str(original)) for duplicate, original in marked]


def _is_copy(a: Fingerprint, b: Fingerprint) -> bool:
    return a.site != b.site and similarity(a.signature, b.signature) >= THRESHOLD


def _earliest_before(this: Fingerprint, copies: Iterable[Fingerprint]) -> str | None:
    earlier = [c for c in copies if c.order < this.order]
    return min(earlier, key=lambda c: c.order).article_id if earlier else None


def _fingerprint(row: tuple[Any, ...]) -> Fingerprint:
    article_id, site, published_at, first_seen_at, blob = row
    return Fingerprint(article_id, site, published_at, first_seen_at, signature_from_bytes(blob))


def signature_from_bytes(blob: bytes) -> Signature:
    """A signature as `fingerprints.signature` stores it (little-endian uint32)."""
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)
