"""The 2025 province table: the 63 -> 34 mapping of Nghị quyết 202/2025/QH15, the name
matching that joins profiles to it, and the table and view it writes into an archive."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

from dostcrawler.extract.text import fold_diacritics
from dostcrawler.profiles import SiteProfile, all_sites
from dostcrawler.storage.db import Archive
from dostcrawler.storage.provinces import (
    PROVINCES_CSV,
    load_provinces,
    province_for,
    province_key,
    write_provinces_table,
)

PROVINCE = "tỉnh"
CITY = "thành phố trực thuộc trung ương"

UNCHANGED = [
    "Hà Nội",
    "Huế",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Lạng Sơn",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Cao Bằng",
]

# Article 1 of the resolution: the new unit, then every unit merged into it.
MERGED = {
    "Tuyên Quang": {"Hà Giang", "Tuyên Quang"},
    "Lào Cai": {"Yên Bái", "Lào Cai"},
    "Thái Nguyên": {"Bắc Kạn", "Thái Nguyên"},
    "Phú Thọ": {"Vĩnh Phúc", "Phú Thọ", "Hòa Bình"},
    "Bắc Ninh": {"Bắc Ninh", "Bắc Giang"},
    "Hưng Yên": {"Hưng Yên", "Thái Bình"},
    "Hải Phòng": {"Hải Dương", "Hải Phòng"},
    "Ninh Bình": {"Hà Nam", "Ninh Bình", "Nam Định"},
    "Quảng Trị": {"Quảng Bình", "Quảng Trị"},
    "Đà Nẵng": {"Quảng Nam", "Đà Nẵng"},
    "Quảng Ngãi": {"Kon Tum", "Quảng Ngãi"},
    "Gia Lai": {"Gia Lai", "Bình Định"},
    "Khánh Hòa": {"Ninh Thuận", "Khánh Hòa"},
    "Lâm Đồng": {"Lâm Đồng", "Đắk Nông", "Bình Thuận"},
    "Đắk Lắk": {"Đắk Lắk", "Phú Yên"},
    "Hồ Chí Minh": {"Bà Rịa - Vũng Tàu", "Bình Dương", "Hồ Chí Minh"},
    "Đồng Nai": {"Đồng Nai", "Bình Phước"},
    "Tây Ninh": {"Tây Ninh", "Long An"},
    "Cần Thơ": {"Cần Thơ", "Sóc Trăng", "Hậu Giang"},
    "Vĩnh Long": {"Vĩnh Long", "Bến Tre", "Trà Vinh"},
    "Đồng Tháp": {"Đồng Tháp", "Tiền Giang"},
    "Cà Mau": {"Cà Mau", "Bạc Liêu"},
    "An Giang": {"An Giang", "Kiên Giang"},
}

CITIES_BEFORE = {"Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}
CITIES_AFTER = CITIES_BEFORE

# Nghị quyết 60-NQ/TW: where the centre is not in the namesake unit.
SEATS_ELSEWHERE = {
    "Lào Cai": "Yên Bái",
    "Bắc Ninh": "Bắc Giang",
    "Quảng Trị": "Quảng Bình",
    "Gia Lai": "Bình Định",
    "Tây Ninh": "Long An",
    "Đồng Tháp": "Tiền Giang",
    "An Giang": "Kiên Giang",
}

# Sites of national bodies, which no province owns.
NATIONAL_SITES = {"khcnvn", "phianam"}


def groups() -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for row in load_provinces():
        found[row.merged_into].add(row.province)
    return dict(found)


def test_63_units_before_and_34_after() -> None:
    rows = load_provinces()
    assert len(rows) == 63
    assert len({row.province for row in rows}) == 63
    assert len(groups()) == 34
    after = {row.merged_into: row.kind_after for row in rows}
    assert sum(kind == PROVINCE for kind in after.values()) == 28
    assert {name for name, kind in after.items() if kind == CITY} == CITIES_AFTER


def test_kinds_before() -> None:
    rows = load_provinces()
    assert {row.province for row in rows if row.kind_before == CITY} == CITIES_BEFORE
    assert sum(row.kind_before == PROVINCE for row in rows) == 57


def test_the_11_unchanged_units_map_to_themselves_alone() -> None:
    found = groups()
    for name in UNCHANGED:
        assert found[name] == {name}
    assert len(UNCHANGED) + len(MERGED) == 34


@pytest.mark.parametrize("new_unit", sorted(MERGED))
def test_every_merger_of_the_resolution(new_unit: str) -> None:
    assert groups()[new_unit] == MERGED[new_unit]


def test_every_unit_is_in_exactly_one_group() -> None:
    listed = [name for members in MERGED.values() for name in members] + UNCHANGED
    assert sorted(listed) == sorted(row.province for row in load_provinces())


def test_hue_is_the_city_it_was_before_july_2025() -> None:
    hue = province_for("Huế")
    assert hue is not None
    assert (hue.province, hue.kind_before, hue.former_name) == ("Huế", CITY, "Thừa Thiên Huế")
    assert province_for("Tỉnh Thừa Thiên Huế") == hue
    assert province_for("Thừa Thiên-Huế") == hue


def test_seats_are_the_units_named_by_the_central_committee() -> None:
    for row in load_provinces():
        assert row.seat_after == SEATS_ELSEWHERE.get(row.merged_into, row.merged_into)
        seat = province_for(row.seat_after)
        assert seat is not None and seat.merged_into == row.merged_into


def test_legal_reference_and_date() -> None:
    for row in load_provinces():
        assert row.legal_reference == "Nghị quyết 202/2025/QH15"
        assert row.effective == "2025-07-01"


def test_slugs_are_unique_ascii_and_the_folded_name() -> None:
    rows = load_provinces()
    assert len({row.slug for row in rows}) == 63
    for row in rows:
        assert re.fullmatch(r"[a-z]+", row.slug), row.slug
        assert row.slug == re.sub(r"[^a-z]", "", fold_diacritics(row.province))
    slugs = {row.province: row.slug for row in rows}
    assert (slugs["Vĩnh Phúc"], slugs["Bà Rịa - Vũng Tàu"], slugs["Đắk Lắk"]) == (
        "vinhphuc",
        "bariavungtau",
        "daklak",
    )


def test_csv_is_nfc_utf8_with_every_required_cell() -> None:
    raw = PROVINCES_CSV.read_bytes()
    text = raw.decode("utf-8")
    assert not text.startswith("\ufeff")
    assert unicodedata.normalize("NFC", text) == text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "province",
        "kind_before",
        "slug",
        "merged_into",
        "kind_after",
        "seat_after",
        "legal_reference",
        "effective",
        "former_name",
    ]
    for row in rows:
        for column in ("province", "kind_before", "slug", "merged_into", "kind_after"):
            assert row[column].strip() == row[column] != "", (row["province"], column)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Vĩnh Phúc", "Vĩnh Phúc"),
        ("Tỉnh Vĩnh Phúc", "Vĩnh Phúc"),
        ("tỉnh vĩnh phúc", "Vĩnh Phúc"),
        ("  TỈNH  VĨNH PHÚC ", "Vĩnh Phúc"),
        (unicodedata.normalize("NFD", "Đắk Nông"), "Đắk Nông"),
        ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("TP. Hồ Chí Minh", "Hồ Chí Minh"),
        ("TP.Hồ Chí Minh", "Hồ Chí Minh"),
        ("TP Cần Thơ", "Cần Thơ"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("tỉnh Hoà Bình", "Hòa Bình"),
        ("Bà Rịa–Vũng Tàu", "Bà Rịa - Vũng Tàu"),
    ],
)
def test_province_for_forgives_prefixes_case_and_normalisation(written: str, expected: str) -> None:
    found = province_for(written)
    assert found is not None and found.province == expected


@pytest.mark.parametrize("written", ["", "  ", "Hà Tây", "Vĩnh", "Tỉnh"])
def test_province_for_finds_nothing_for_other_names(written: str) -> None:
    assert province_for(written) is None


@pytest.mark.parametrize(
    "profile", [p for p in all_sites() if p.name not in NATIONAL_SITES], ids=lambda p: p.name
)
def test_every_bundled_profile_agrees_with_the_resolution(profile: SiteProfile) -> None:
    row = province_for(profile.province)
    assert row is not None, f"{profile.name}: province {profile.province!r} is not a unit"
    # The join in sites_by_province is exact: bundled profiles write the CSV's name.
    assert row.province == profile.province
    # No merged_into means the unit kept its name.
    stated = profile.merged_into or profile.province
    assert province_key(stated) == province_key(row.merged_into), profile.name


def test_national_sites_have_no_province() -> None:
    national = [p for p in all_sites() if p.name in NATIONAL_SITES]
    assert [p.province for p in national] == ["", ""]


def table_rows(archive: Archive) -> list[dict[str, object]]:
    return list(archive.db.query("select * from provinces order by province"))


def test_write_provinces_table_twice_gives_the_same_table(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive.db")
    write_provinces_table(archive.db)
    first = table_rows(archive)
    schema = archive.db.table("provinces").schema
    write_provinces_table(archive.db)
    assert table_rows(archive) == first
    assert archive.db.table("provinces").schema == schema
    assert len(first) == 63
    assert archive.db.table("provinces").pks == ["province"]
    assert {row["province"]: row["merged_into"] for row in first}["Hà Giang"] == "Tuyên Quang"
    assert {row["province"]: row["seat_after"] for row in first}["Hà Giang"] == "Tuyên Quang"
    archive.close()


def test_write_provinces_table_repairs_a_changed_table(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive.db")
    write_provinces_table(archive.db)
    expected = table_rows(archive)
    archive.db.execute("update provinces set merged_into = 'Hà Giang' where province = 'Hà Giang'")
    stale = {**expected[0], "province": "Hà Tây", "slug": "hatay", "merged_into": "Hà Nội"}
    archive.db.table("provinces").insert(stale)
    archive.db.conn.commit()
    write_provinces_table(archive.db)
    assert table_rows(archive) == expected
    archive.close()


def test_an_archive_in_step_is_not_written_to(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive.db")
    write_provinces_table(archive.db)
    changes = archive.db.conn.total_changes
    write_provinces_table(archive.db)
    assert archive.db.conn.total_changes == changes
    archive.close()


def test_sites_by_province_gives_each_site_its_current_province(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive.db")
    profiles = all_sites()
    for profile in profiles:
        archive.record_site(profile)
    write_provinces_table(archive.db)
    rows = {row["site"]: row for row in archive.db.query("select * from sites_by_province")}
    assert sorted(rows) == sorted(p.name for p in profiles)
    for profile in profiles:
        row = rows[profile.name]
        unit = province_for(profile.province)
        assert row["province"] == profile.province
        assert row["province_now"] == (unit.merged_into if unit else None)
    assert rows["vinhphuc"]["province_now"] == "Phú Thọ"
    assert rows["vinhphuc"]["kind_after"] == PROVINCE
    assert rows["vinhphuc"]["legal_reference"] == "Nghị quyết 202/2025/QH15"
    assert rows["binhduong"]["province_now"] == "Hồ Chí Minh"
    assert rows["binhduong"]["kind_after"] == CITY
    assert rows["haiduong"]["province_now"] == "Hải Phòng"
    assert rows["kontum"]["province_now"] == "Quảng Ngãi"
    assert rows["caobang"]["province_now"] == "Cao Bằng"
    assert rows["khcnvn"]["province_now"] is None
    archive.close()


def test_sites_by_province_reads_prefixed_and_former_names(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive.db")
    write_provinces_table(archive.db)
    archive.db.table("sites").insert_all(
        [
            {"name": "a", "province": "Tỉnh Yên Bái"},
            {"name": "b", "province": "Thành phố Đà Nẵng"},
            {"name": "c", "province": "Thừa Thiên Huế"},
            {"name": "d", "province": "Hà Tây"},
        ]
    )
    archive.db.conn.commit()
    found = {
        row["site"]: row["province_now"]
        for row in archive.db.query("select * from sites_by_province")
    }
    assert found == {"a": "Lào Cai", "b": "Đà Nẵng", "c": "Huế", "d": None}
    archive.close()
