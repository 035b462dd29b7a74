"""Bylines and source credits, as Vietnamese government sites write them.

Labelled lines come first ("Tác giả:", "Tin, ảnh:", "Nguồn tin:"). Otherwise editors type the
byline as the body's last short line ("Thu Huyên", "Hồng Nhung - Đức Anh") or credit a unit in
parentheses ("(Sở KH&CN An Giang)"). "Ảnh:" alone credits a photographer, not the writer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dostcrawler.extract.text import clean_text

# Labels may follow one another: a template's "Tác giả:" before the writer's own "Tin, ảnh:".
AUTHOR_LABEL = re.compile(
    r"^(?:(?:tác giả(?:\s+bài\s+viết)?|tin(?:\s*(?:,|và|-|&)\s*ảnh)?|bài(?:\s*(?:,|và|-|&)\s*ảnh)?|"
    r"người viết|phóng viên|pv|btv|nhóm pv|bài viết|thực hiện|author|written by)\s*:\s*|"
    # Joomla's "Được viết bởi X" has no colon; X is the account, or the alias an editor typed.
    r"(?:được\s+)?viết\s+bởi\s*:?\s*)+"
    r"(?P<value>.+)$",
    re.IGNORECASE,
)
SOURCE_LABEL = re.compile(r"^(?:nguồn(?:\s*tin)?|theo|source)\s*:\s*(?P<value>.+)$", re.IGNORECASE)
# "Theo Báo Vĩnh Phúc" credits a publication; "Theo kế hoạch, ..." is an ordinary sentence.
THEO_PUBLICATION = re.compile(
    r"^theo\s+(?P<value>(?:báo|trang|cổng|tạp chí|đài|ttxvn|thông tấn|website)\b[^,]*)$",
    re.IGNORECASE,
)
# A publication's name is capitalised and may hold a comma ("Theo Báo và Phát thanh, Truyền
# hình Tuyên Quang"); a sentence that starts so is not ("Theo báo cáo, ...").
THEO_NAMED_PUBLICATION = re.compile(
    r"^[Tt]heo\s+"
    r"(?P<value>(?:Báo|Trang|Cổng|Tạp chí|Đài|TTXVN|Thông tấn|Website)\b[^.:;!?]{0,100})$"
)
# "Theo baohaiduong.vn": a web address is the publication it names.
THEO_WEBSITE = re.compile(
    r"^[Tt]heo\s*:?\s+(?P<value>(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})$"
)
# "Theo Bộ KH&CN", "Theo Sở Y tế tỉnh Bình Phước": a credited organisation as the whole line.
THEO_ORGANISATION = re.compile(r"^[Tt]heo\s+(?P<value>[^,.:;!?]{2,100})$")
THEO_NAME_MAX_WORDS = 8
THEO_PERSON = re.compile(r"^[Tt]heo\s+(?P<value>.+)$")
PHOTO_LABEL = re.compile(r"^(?:ảnh|ảnh minh họa|ảnh minh hoạ|nguồn ảnh)\s*:", re.IGNORECASE)
PARENTHESISED_UNIT = re.compile(r"^\((?P<value>[^()]{2,120})\)$")
NAME_SEPARATORS = re.compile(r"\s+(?:-|–|—|&|và)\s+|\s*[,;/]\s*")
# Words that start the name of an organisation, not a person.
ORGANISATION_WORDS = re.compile(
    r"^(?:sở|phòng|trung tâm|chi cục|văn phòng|thanh tra|ban|ủy ban|uỷ ban|ubnd|báo|đài|"
    r"cổng|viện|trường|công ty|hội|liên hiệp|cục|bộ|tổng cục|tạp chí|thông tấn|ttxvn|vnexpress|"
    r"tỉnh|huyện|thành phố|hợp tác xã|htx|đảng ủy|đảng uỷ|đoàn|bbt|ban biên tập|trạm|hạt kiểm lâm|"
    r"bệnh viện|học viện|đại học|xí nghiệp|nhà máy|tập đoàn|tổng công ty|chi nhánh|hiệp hội|"
    r"liên đoàn|mặt trận|vườn quốc gia|ngân hàng|quỹ|kho bạc)\b",
    re.IGNORECASE,
)
# Words that start the name of a publication, whose writers' texts are its own.
PUBLICATION_WORDS = re.compile(
    r"^(?:báo|tạp chí|đài|ttxvn|thông tấn|cổng thông tin|trang thông tin|website|vnexpress|vtv|"
    r"vov|vtc|vietnamplus|vnanet)\b",
    re.IGNORECASE,
)
# The role names CMSs give accounts ("Được viết bởi Administrator"): no one's name.
ACCOUNT_ROLE = re.compile(
    r"^(?:administrator|admin|super user|webmaster|editor|quản trị(?:\s+viên)?|"
    r"người quản trị|ban quản trị|biên tập viên)$",
    re.IGNORECASE,
)
PERSON_WITH_UNIT = re.compile(r"^(?P<names>[^()]{2,80}?)\s*\((?P<unit>[^()]{2,120})\)$")
# Markup that names its element a byline ("p.post-author", "div.tacgia").
# "bút danh" is a pen name.
AUTHOR_MARKUP = re.compile(r"author|byline|tac-?gia|nguoi-?viet|but-?danh|writer", re.IGNORECASE)
CMS_LOGIN = re.compile(r"^[a-z][a-z0-9_.]{2,20}$")
SENTENCE_PUNCTUATION = re.compile(r"[.!?:;\"“”]\s|[.!?:;\"“”]$|\d")


@dataclass
class Byline:
    """What the byline lines said: people, a credited organisation, and which lines they were."""

    authors: list[str] = field(default_factory=list)
    source: str | None = None
    consumed: set[int] = field(default_factory=set)


def looks_like_person(text: str) -> bool:
    """1–5 capitalised words with no digits or sentence punctuation: "Thu Huyên", "Lê Huy Nghĩa"."""
    words = text.split()
    if not 1 <= len(words) <= 5 or SENTENCE_PUNCTUATION.search(text):
        return False
    if ORGANISATION_WORDS.match(text) or ACCOUNT_ROLE.match(text):
        return False
    return all(word[0].isupper() and word.replace("-", "").isalpha() for word in words)


def split_names(text: str) -> list[str]:
    """ "Hồng Nhung - Đức Anh" -> ["Hồng Nhung", "Đức Anh"]."""
    # A template's separator may trail the name ("Thu Giang -" before the sapo).
    names = [clean_text(part).strip(" .-–—") for part in NAME_SEPARATORS.split(text)]
    return [name for name in names if name]


def _people(value: str) -> list[str] | None:
    names = split_names(value)
    if names and all(looks_like_person(name) for name in names):
        return names
    return None


def read_byline(paragraphs: list[str], *, tail_lines: int = 3) -> Byline:
    """Find the byline among the last few paragraphs (where editors put it), or as a name and
    an affiliation line at the very top (some portals print "Lê Huy Nghĩa" / "Công ty ...")."""
    byline = _leading_byline(paragraphs)
    if byline.authors:
        return byline
    start = max(0, len(paragraphs) - tail_lines)
    for index in range(len(paragraphs) - 1, start - 1, -1):
        text = paragraphs[index]
        if len(text) > 160:
            break
        if CMS_LOGIN.match(text) and index == len(paragraphs) - 1:
            # A lone lower-case account name ("hbnguyet") signs who posted, not who wrote:
            # it is dropped from the body but is no author.
            byline.consumed.add(index)
            continue
        if _read_labelled(text, byline):
            byline.consumed.add(index)
            continue
        if index == len(paragraphs) - 1 - len(byline.consumed) and not byline.authors:
            if credited := _person_with_unit(text):
                byline.authors = credited[0]
                byline.source = byline.source or _publication(credited[1])
                byline.consumed.add(index)
                continue
            if dashed := _people_dash_unit(text):
                byline.authors = dashed[0]
                byline.source = byline.source or dashed[1]
                byline.consumed.add(index)
                continue
            if people := _people(text):
                byline.authors = people
                byline.consumed.add(index)
                continue
            if byline.source is None and (unit := _unit(text)):
                byline.source = unit
                byline.consumed.add(index)
                continue
        break
    return byline


def _person_with_unit(text: str) -> tuple[list[str], str] | None:
    """ "Minh Anh (TTXVN)", "Thu Hà (Trung tâm Thông tin KH&CN)": a writer and their unit.
    See _publication for which of the two is a source."""
    match = PERSON_WITH_UNIT.match(text)
    if not match:
        return None
    names, unit = match["names"], clean_text(match["unit"])
    # "Theo Hữu Hiệp (Báo Đồng Khởi)": "according to" the writer, who is the author ("Theo"
    # is no Vietnamese name).
    if credited := THEO_PERSON.match(names):
        names = credited["value"]
    if people := _people(names):
        return people, unit
    return None


def _publication(unit: str | None) -> str | None:
    """The unit beside a writer's name when it is a publication ("Thu Phương (Báo Hà Giang)",
    "Minh Anh (TTXVN)"): the text is that paper's. A department or centre ("Thu Hà (Trung
    tâm Thông tin KH&CN)", "Minh Anh - Phòng QLKH") is where the writer works, no source.
    "An Khang (Theo Live Science)" credits what follows "Theo", whatever it is."""
    if unit and (credited := THEO_PERSON.match(unit)):
        return credited["value"]
    return unit if unit and PUBLICATION_WORDS.match(unit) else None


def _leading_byline(paragraphs: list[str]) -> Byline:
    """Names on the first line and an organisation on the second: a byline under the title."""
    byline = Byline()
    if len(paragraphs) < 4:
        return byline
    first, second = paragraphs[0], paragraphs[1]
    people = _people(first)
    affiliation = ORGANISATION_WORDS.match(second) and len(second) <= 160
    if people and affiliation and not second.rstrip().endswith("."):
        byline.authors = people
        byline.consumed = {0, 1}
    return byline


def _read_labelled(text: str, byline: Byline) -> bool:
    if match := AUTHOR_LABEL.match(text):
        # A credit as credit_line reads it ("Name (Unit)", "Name - Unit"), else the value as
        # printed: under a label, a unit or a pen name is the writer.
        names, unit = credit_line(text) or (split_names(match["value"]), None)
        if names and not byline.authors:
            byline.authors = names
            byline.source = byline.source or _publication(unit)
            return True
        return False
    if (
        byline.source is None
        and not PHOTO_LABEL.match(text)
        and (source := source_from_label(text))
    ):
        byline.source = source
        return True
    return False


def _theo_publication(text: str) -> re.Match[str] | None:
    if found := (
        THEO_PUBLICATION.match(text)
        or THEO_NAMED_PUBLICATION.match(text)
        or THEO_WEBSITE.match(text)
    ):
        return found
    found = THEO_ORGANISATION.match(text)
    if found and ORGANISATION_WORDS.match(found["value"]) and len(found["value"].split()) <= 12:
        return found
    # "Theo Tổ Quốc", "Theo ScienceAlert", "Theo Nhịp sống thị trường": a short capitalised
    # name alone on its line is what the text is credited to; "Theo báo cáo, ..." and "Theo
    # ông Hưng, ..." start sentences.
    if (
        found
        and found["value"][0].isupper()
        and len(found["value"].split()) <= THEO_NAME_MAX_WORDS
        and not any(c.isdigit() or c in "()" for c in found["value"])
    ):
        return found
    return None


def _unit(text: str) -> str | None:
    """A credited unit alone on the last line: "(Sở KH&CN An Giang)" or "Thanh tra Sở"."""
    if match := PARENTHESISED_UNIT.match(text):
        unit = clean_text(match["value"])
        # "(Theo Báo Phú Thọ)" credits the publication, not "Theo ...".
        publication = _theo_publication(unit)
        return clean_text(publication["value"]) if publication else unit
    if ORGANISATION_WORDS.match(text) and len(text.split()) <= 12 and not text.endswith("."):
        return text
    return None


def credit_line(text: str) -> tuple[list[str], str | None] | None:
    """A line that is only a credit: "Hoài Thu", "Hồng Nhung - Đức Anh", "Minh Anh (TTXVN)",
    "Hoài Thu - Trung tâm Thông tin KH&CN" (people, and their unit if named), labelled or not
    ("Tác giả: Hoài Thu")."""
    text = clean_text(text)
    if labelled := AUTHOR_LABEL.match(text):
        text = labelled["value"]
    if len(text) > 120:
        return None
    if people := _people(text):
        return people, None
    if credited := _person_with_unit(text):
        return credited
    if dashed := _people_dash_unit(text):
        return dashed
    return None


def _people_dash_unit(text: str) -> tuple[list[str], str | None] | None:
    """ "Minh Anh - Phòng QLKH": writers, then the unit they work in (not a credited source),
    or the paper they write for ("Thu Trang - Báo Bắc Ninh", which is the source)."""
    names, _, unit = re.sub(r"\s[–—]\s", " - ", text).partition(" - ")
    if unit and ORGANISATION_WORDS.match(unit) and len(unit.split()) <= 12:
        people = _people(names)
        return (people, _publication(unit)) if people else None
    return None


def standalone_byline(text: str) -> list[str]:
    """The writers of a credit line that stands outside the body's text, where templates also
    print English labels ("Page Content") and one-word buttons ("Tiếp"): full names only,
    written with Vietnamese letters."""
    credit = credit_line(text)
    if not credit or text.isascii() or not all(len(name.split()) >= 2 for name in credit[0]):
        return []
    return credit[0]


def source_beside_writer(text: str) -> str | None:
    """The paper a credit line names beside its writer ("HOÀNG HÀ (Theo Reuters)", "Thu
    Trang - Báo Bắc Ninh"), as the body's last line is read."""
    credit = credit_line(text)
    return _publication(credit[1]) if credit else None


def marked_byline(element_marker: str, text: str) -> list[str]:
    """The writers in an element whose class or id says it is the byline: its markup vouches
    for it, so a name written without diacritics ("Thu Trang") is a name too."""
    if not AUTHOR_MARKUP.search(element_marker):
        return []
    credit = credit_line(text)
    return credit[0] if credit else []


def authors_beside_date(line: str, date_raw: str) -> list[str]:
    """The writer on a "05/11/2021 | Nguyễn Thu Hà" line: what stands beside the date."""
    if not date_raw or "|" not in line:
        return []
    rest = clean_text(line.replace(date_raw, " ", 1)).strip(" |-–—,:")
    rest = re.sub(r"^(?:ngày\s+đăng|đăng\s+ngày|cập\s+nhật|ngày)\s*:?\s*", "", rest, flags=re.I)
    if not rest:
        return []
    found = credit_line(rest)
    return found[0] if found else []


def authors_from_text(text: str) -> list[str]:
    """Authors from a dedicated author element ("Tác giả: X", "X - Y", or just "X"). Under
    an author label, a unit is the writer as printed ("Người viết: Chi cục TĐC"), as it is
    on a labelled line in the body."""
    if credit := credit_line(text):
        return credit[0]
    labelled = AUTHOR_LABEL.match(clean_text(text))
    if labelled and _unit(labelled["value"]) == labelled["value"]:
        return [labelled["value"]]
    return []


def source_from_label(text: str) -> str | None:
    """The organisation of a source line ("Nguồn tin: X", "Theo Báo X", "Theo Bộ KH&CN")."""
    text = clean_text(text)
    match = SOURCE_LABEL.match(text) or _theo_publication(text)
    return clean_text(match["value"]).rstrip(".") or None if match else None


def source_from_text(text: str) -> str | None:
    """The organisation from a dedicated source element ("Nguồn tin: X" or "X")."""
    text = clean_text(text)
    if match := SOURCE_LABEL.match(text):
        text = match["value"]
    return text.rstrip(".") or None
