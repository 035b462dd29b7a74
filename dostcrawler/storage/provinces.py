"""Vietnam's provincial-level units before and after the 2025 reorganisation, as a table.

Nghị quyết 202/2025/QH15 (12 June 2025; the new units operate from 1 July 2025) made the 63
units 34. The bundled data/provinces.csv holds one row per unit as it stood before 1 July 2025
and is the only source: `province` is the short name ("Vĩnh Phúc", "Hồ Chí Minh"; "Huế", the
centrally-run city that Thừa Thiên Huế became on 1 January 2025, with that name in
`former_name`), `merged_into` today's unit, and `seat_after` the former unit (a `province`
value) where the new unit's political-administrative centre sits, as Nghị quyết 60-NQ/TW
placed it ("đặt tại tỉnh Yên Bái hiện nay"); an empty cell is unknown, never a guess.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import asdict, dataclass, fields
from functools import cache
from importlib.resources import files
from typing import Any

from sqlite_utils import Database

# Read through importlib.resources: Scrapyd runs the project from a zipped egg.
PROVINCES_CSV = files("dostcrawler") / "data" / "provinces.csv"
# What people write before the name: "Tỉnh Bắc Kạn", "Thành phố Hồ Chí Minh", "TP. Huế".
PREFIXES = ("Tỉnh ", "Thành phố ", "TP. ", "TP ")
# Keys place the tone mark as the CSV does ("Thanh Hóa"), so the old placement ("Thanh Hoá",
# "Hoà Bình", "Thuỵ") finds the same row.
_OLD_TONES = {
    f"{vowel}{old}": f"{new}{rest}"
    for vowel, rest, pairs in (
        ("o", "a", zip("àáảãạ", "òóỏõọ", strict=True)),
        ("o", "e", zip("èéẻẽẹ", "òóỏõọ", strict=True)),
        ("u", "y", zip("ỳýỷỹỵ", "ùúủũụ", strict=True)),
    )
    for old, new in pairs
}
_DASHES = re.compile(r"\s*[-‐‑‒–—]\s*")


@dataclass(frozen=True, kw_only=True)
class Province:
    """One provincial-level unit as it stood before 1 July 2025, and what it became."""

    province: str
    kind_before: str
    slug: str
    merged_into: str
    kind_after: str
    seat_after: str | None
    legal_reference: str
    effective: str
    former_name: str | None


def load_provinces() -> list[Province]:
    """The 63 pre-2025 units from the bundled CSV, in its order."""
    return list(_provinces())


@cache
def _provinces() -> tuple[Province, ...]:
    text = PROVINCES_CSV.read_text(encoding="utf-8")
    return tuple(_province(row) for row in csv.DictReader(io.StringIO(text)))


def _province(row: dict[str, str]) -> Province:
    # An empty cell is unknown: None here, NULL in the table.
    values: dict[str, Any] = {name: value or None for name, value in row.items()}
    return Province(**values)


def province_key(name: str) -> str:
    """The form two spellings of one unit share: NFC, case-folded, without "Tỉnh "/"TP. "/
    "Thành phố ", dashes as spaces, and the tone mark placed as the CSV places it."""
    key = " ".join(unicodedata.normalize("NFC", name).casefold().split())
    for prefix in PREFIXES:
        bare = prefix.strip().casefold()
        if key.startswith(bare):
            key = key.removeprefix(bare).strip()
            break
    key = _DASHES.sub(" ", key)
    for old, new in _OLD_TONES.items():
        key = key.replace(old, new)
    return key


@cache
def _by_key() -> dict[str, Province]:
    index: dict[str, Province] = {}
    for row in _provinces():
        for name in (row.province, row.former_name):
            if name:
                index[province_key(name)] = row
    return index


def province_for(name: str) -> Province | None:
    """The pre-2025 unit a name (a profile's `province`) refers to, or None."""
    return _by_key().get(province_key(name)) if name.strip() else None


# sites.province is a profile's `province` as written: bundled profiles use the CSV's short
# name, a --province may carry a prefix. A site with none, or with a name no row knows, gets
# NULL for today's province (province_for is the forgiving match, in Python).
_SITE_NAMES = ", ".join(
    ["p.province", *(f"'{prefix}' || p.province" for prefix in PREFIXES), "p.former_name"]
)
SITES_BY_PROVINCE = f"""
select s.name as site, s.province, s.merged_into as profile_merged_into,
       p.merged_into as province_now, p.kind_after, p.seat_after, p.legal_reference, p.effective
from sites s left join provinces p on s.province in ({_SITE_NAMES})
""".strip()


def write_provinces_table(db: Database) -> None:
    """Make the `provinces` table hold exactly the bundled CSV (the `sites_by_province` view
    over it is in storage.views); an archive already in step is not written to."""
    wanted = {row.province: asdict(row) for row in _provinces()}
    table = db.table("provinces")
    if not table.exists() or {row["province"]: row for row in table.rows} != wanted:
        with db.conn:
            table.create(
                {f.name: str for f in fields(Province)},
                pk="province",
                not_null={"kind_before", "slug", "merged_into", "kind_after"},
                if_not_exists=True,
            )
            table.upsert_all(wanted.values(), pk="province", alter=True)
            table.delete_where(f"province not in ({', '.join('?' * len(wanted))})", list(wanted))
