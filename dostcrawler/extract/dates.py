"""Publication dates as Vietnamese DOST pages print them (DESIGN.md §5, dost-platforms.md §4.1).

Compiled regexes read every form seen on the sites: numeric day-first lines with weekdays, labels
and SA/CH clocks, DotNetNuke's month-first "12:00:00 AM" lines, "ngày 06 tháng 12 năm 2019",
ISO 8601 and RFC 2822. dateparser is only the fallback for an odd short "tháng" line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import dateparser

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Provincial DOST sites date from the late 1990s; an older year is a zero date or a typo.
_MIN_YEAR = 1990


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A date as stored (``value``) and as printed on the page (``raw``)."""

    value: str
    raw: str
    has_time: bool


# A "CN" or "T4" right after "KH&" or a letter is part of a word ("KH&CN"), not a weekday.
# English abbreviations too: Drupal's stock format is "Wed, 12/13/2017 - 06:57" (month first).
_WEEKDAY = (
    r"(?<![\w&])(?:thứ\s*(?:hai|ba|tư|bốn|năm|sáu|bảy|[2-7])|chủ\s*nhật|t[2-7]|cn|"
    r"mon|tue|wed|thu|fri|sat|sun)(?!\w)"
)
_WEEKDAY_INDEX = {"hai": 0, "ba": 1, "tư": 2, "bốn": 2, "năm": 3, "sáu": 4, "bảy": 5}
_ENGLISH_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_MONTH_WORDS = {
    "giêng": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6,
    "bảy": 7, "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12, "chạp": 12,
}  # fmt: skip
# Longest first, so that "mười hai" wins over "mười".
_MONTH_WORD = "|".join(w.replace(" ", r"\s+") for w in sorted(_MONTH_WORDS, key=len, reverse=True))
_RFC_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _clock(n: str) -> str:
    """Regex for a clock time ("08:30", "8h30", "02:15 CH", "12:00:00 AM"), groups suffixed n."""
    return (
        rf"(?<![\d:])(?P<h{n}>\d{{1,2}})\s*[:h]\s*(?P<mi{n}>\d{{2}})(?::(?P<s{n}>\d{{2}}))?(?!\d)"
        rf"(?:\s*(?P<ap{n}>SA|CH|AM|PM)(?!\w))?"
    )


def _weekday_prefix(group: str | None) -> str:
    """Regex for "Thứ Ba, ngày " before a date; the weekday is captured when group is named."""
    weekday = f"(?P<{group}>{_WEEKDAY})" if group else f"(?:{_WEEKDAY})"
    return rf"(?:{weekday}\s*[,\-–:]?\s*(?:ngày\s*:?\s*)?)?"


# Page dates are Vietnam local time; a "GMT+7" or "+07:00" after them changes nothing.
_LOCAL_ZONE = r"(?:\s*\(?\s*(?:(?:GMT|UTC)\s*\+\s*0?7(?::?00)?|\+07:?00)\s*\)?)"

_NUMERIC = (
    _weekday_prefix("wd")
    # "10:25, Thứ Tư, 12/05/2021": a clock may stand before the weekday too.
    + rf"(?:{_clock('1')}\s*[,\-–|]?\s*(?:{_WEEKDAY}\s*[,\-–:]?\s*)?(?:ngày\s*)?)?"
    # The lookarounds keep "Số 15/05/2021/QĐ" and longer digit runs from reading as dates.
    + r"(?<![\d/.])(?<!\d-)(?P<a>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<b>\d{1,2})\s*(?P=sep)\s*"
    + r"(?P<y>\d{4})(?![\d/])"
    + rf"(?:\s*[,\-–|]?\s*{_clock('2')}{_LOCAL_ZONE}?)?"
)
_ISO = (
    # "-0001-11-30" is how PHP prints MySQL's zero date; the sign makes it an invalid year.
    r"(?<![\w.])(?P<iy>-?\d{4})(?P<isep>[-/])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2})"
    rf"(?:(?:T|\s+){_clock('i')}(?:\.\d+)?(?P<iz>\s*(?:Z|[+-]\d{{2}}:?\d{{2}}))?)?(?![\d/])"
)
_RFC = (
    r"(?<!\w)(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s*)?(?P<rd>\d{1,2})\s+"
    rf"(?P<rm>{'|'.join(_RFC_MONTHS)})[a-z]*\.?,?\s+(?P<ry>\d{{4}})(?!\d)"
    rf"(?:\s+{_clock('r')}(?P<rz>\s*(?:GMT|UTC|UT|Z|[+-]\d{{4}}))?)?"
)
_LONG = (
    _weekday_prefix(None)
    + rf"(?<!\d)(?P<ld>\d{{1,2}})\s+(?:tháng|thg)\s*(?P<lm>\d{{1,2}}|{_MONTH_WORD})(?!\w)"
    + r"(?:\s*,\s*|\s+năm\s+|\s+)(?P<ly>\d{4})(?!\d)"
    + rf"(?:\s*[,\-–]?\s*(?:lúc\s*)?{_clock('l')})?"
)
_DATE_RE = re.compile("|".join([_ISO, _RFC, _LONG, _NUMERIC]), re.IGNORECASE)

_CLOCK_RE = re.compile(_clock(""), re.IGNORECASE)
_MONTH_NAME_RE = re.compile(r"(?<!\w)(?:tháng|thg)(?!\w)", re.IGNORECASE)
_LEADING_LABELS_RE = re.compile(
    r"^(?:\s*(?:ngày\s+đăng|đăng\s+ngày|cập\s+nhật|thời\s+gian|ngày)\s*:?)+\s*", re.IGNORECASE
)
_NOISE_RE = re.compile(rf"{_WEEKDAY}|{_LOCAL_ZONE}|[()]", re.IGNORECASE)
_FALLBACK_MAX_CHARS = 80  # a date line, not a paragraph: dateparser is slow and guesses freely
_DATEPARSER_SETTINGS = {
    order: {
        "DATE_ORDER": order,
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "STRICT_PARSING": True,
    }
    for order in ("DMY", "MDY")
}


def in_vietnam_time(parsed: ParsedDate) -> ParsedDate:
    """The same instant at +07:00 (a value with a time and another zone), else as it is."""
    if not parsed.has_time or parsed.value.endswith("+07:00"):
        return parsed
    moment = datetime.fromisoformat(parsed.value).astimezone(VN_TZ)
    if moment.time() == time(0):  # a date stored without a time, written in UTC
        return ParsedDate(moment.date().isoformat(), parsed.raw, False)
    return ParsedDate(moment.isoformat(), parsed.raw, True)


def parse_date(
    text: str, *, month_first: bool = False, now: datetime | None = None
) -> ParsedDate | None:
    """Parse the first date in a short date line ("Ngày đăng: 05-05-2021"), or None."""
    text = unicodedata.normalize("NFC", text)
    today = _today(now)
    found = next(_scan(text, month_first, today), None)
    if found is None and len(text) <= _FALLBACK_MAX_CHARS and _MONTH_NAME_RE.search(text):
        found = _parse_with_dateparser(text, month_first, today)
    return found


def find_dates(
    text: str, *, month_first: bool = False, now: datetime | None = None
) -> list[ParsedDate]:
    """Every valid date found in a longer text, in order of appearance."""
    return list(_scan(unicodedata.normalize("NFC", text), month_first, _today(now)))


def _today(now: datetime | None) -> date:
    """The current day in Vietnam; a naive ``now`` is taken as Vietnam local time."""
    if now is None:
        return datetime.now(VN_TZ).date()
    return (now.astimezone(VN_TZ) if now.tzinfo else now).date()


def _scan(text: str, month_first: bool, today: date) -> Iterator[ParsedDate]:
    """Valid dates matched by the fast-path regexes, in order."""
    for match in _DATE_RE.finditer(text):
        try:
            found = _match_value(match, month_first)
        except ValueError:  # 31/02, month 16, hour 25, year -1 or 0
            continue
        parsed = _accept(found, match.group(0).strip(), today)
        if parsed is not None:
            yield parsed


def _accept(found: date | None, raw: str, today: date) -> ParsedDate | None:
    """Build the result, or None for a missing, too old or future date (today is allowed)."""
    if found is None or found.year < _MIN_YEAR:
        return None
    if isinstance(found, datetime):
        local_day = found.astimezone(VN_TZ).date() if found.tzinfo else found.date()
        if local_day > today:
            return None
        # A time written with its zone keeps the page's own day, time and offset; a time
        # written without one is Vietnam time.
        zone = found.strftime("%z") if found.tzinfo else "+0700"
        return ParsedDate(f"{found:%Y-%m-%dT%H:%M:%S}{zone[:3]}:{zone[3:]}", raw, has_time=True)
    if found > today:
        return None
    return ParsedDate(found.isoformat(), raw, has_time=False)


def _match_value(match: re.Match[str], month_first: bool) -> date | None:
    """The matched date (a naive Vietnam-local datetime when a time is shown); may raise."""
    if match["iy"] is not None:
        day = date(int(match["iy"]), int(match["im"]), int(match["id"]))
        return _with_time(day, match, "i", _offset(match["iz"]))
    if match["ry"] is not None:
        month = _RFC_MONTHS.index(match["rm"].lower()) + 1
        day = date(int(match["ry"]), month, int(match["rd"]))
        return _with_time(day, match, "r", _offset(match["rz"]))
    if match["ly"] is not None:
        word = re.sub(r"\s+", " ", match["lm"].lower())
        month = int(word) if word.isdigit() else _MONTH_WORDS[word]
        day = date(int(match["ly"]), month, int(match["ld"]))
        return _with_time(day, match, "l", None)
    numeric_day = _numeric_day(match, month_first)
    if numeric_day is None:
        return None
    clock_group = "1" if match["h1"] is not None else "2"  # time before or after the date
    return _with_time(numeric_day, match, clock_group, None)


def _numeric_day(match: re.Match[str], month_first: bool) -> date | None:
    """The a/b/yyyy date in the site's order, or the other order when only it fits the weekday
    or only it exists ("8/23/2019" on a day-first site)."""
    a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
    month_day, day_month = _date(year, a, b), _date(year, b, a)
    month_first = month_first or _dotnet_us_default(match)
    given, other = (month_day, day_month) if month_first else (day_month, month_day)
    if given is None:
        return other
    weekday = _weekday_index(match["wd"])
    if weekday is None or given.weekday() == weekday:
        return given
    if other is not None and other.weekday() == weekday:
        return other
    return given  # a weekday that fits neither order is likely a "today" banner: ignore it


def _dotnet_us_default(match: re.Match[str]) -> bool:
    """.NET's default en-US DateTime, "3/8/2019 12:00:00 AM": English meridiem, seconds, and
    a day or month of one digit, unpadded, which is month first wherever it is printed. A
    format of the developer's own pads them ("12/03/2019 9:15:22 AM" for dd/MM/yyyy) and may
    well be day first; Vietnamese culture says SA/CH."""
    if not match["s2"] or (match["ap2"] or "").upper() not in ("AM", "PM"):
        return False
    numbers = (match["a"], match["b"])
    return not any(n.startswith("0") for n in numbers) and any(len(n) == 1 for n in numbers)


def _date(year: int, month: int, day: int) -> date | None:
    """The date, or None when it does not exist."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _weekday_index(name: str | None) -> int | None:
    """Monday=0 … Sunday=6 for "Thứ hai", "Thứ 2", "T2", "Chủ nhật", "CN"."""
    if name is None:
        return None
    key = re.sub(r"\s+", "", name.lower())
    if key in _ENGLISH_WEEKDAYS:
        return _ENGLISH_WEEKDAYS.index(key)
    if key in ("chủnhật", "cn"):
        return 6
    number = key[len("thứ") :] if key.startswith("thứ") else key[len("t") :]
    return int(number) - 2 if number.isdigit() else _WEEKDAY_INDEX[number]


def _with_time(day: date, match: re.Match[str], n: str, offset: timedelta | None) -> date:
    """Add clock group n to the day, in the zone given (naive when none was: Vietnam time)."""
    if match[f"h{n}"] is None:
        return day
    hour, minute = int(match[f"h{n}"]), int(match[f"mi{n}"])
    second = int(match[f"s{n}"] or 0)
    meridiem = (match[f"ap{n}"] or "").upper()
    if meridiem in ("AM", "SA") and hour == 12:
        hour = 0
    elif meridiem in ("PM", "CH") and hour < 12:
        hour += 12
    if hour == minute == second == 0:
        # Exact midnight is how a CMS prints a date stored without a time (ASP.NET's
        # "12:00:00 AM", "16/05/2019 | 00:00", "2025-11-13T00:00:00+07:00"): no time was kept.
        return day
    moment = datetime(day.year, day.month, day.day, hour, minute, second)
    return moment if offset is None else moment.replace(tzinfo=timezone(offset))


def _offset(zone: str | None) -> timedelta | None:
    """UTC offset of "Z", "GMT", "+07:00" or "+0700"; None when no zone is given (local time)."""
    if zone is None:
        return None
    zone = zone.strip().upper()
    if zone in ("Z", "GMT", "UTC", "UT"):
        return timedelta(0)
    digits = zone[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return -delta if zone[0] == "-" else delta


def _parse_with_dateparser(text: str, month_first: bool, today: date) -> ParsedDate | None:
    """Last resort for a short "tháng" line in an order the regexes do not know."""
    raw = _LEADING_LABELS_RE.sub("", text).strip()
    cleaned = " ".join(_NOISE_RE.sub(" ", raw).split())
    settings = _DATEPARSER_SETTINGS["MDY" if month_first else "DMY"]
    found = dateparser.parse(cleaned, languages=["vi"], settings=settings)
    # dateparser fills in the current year for words it misreads ("tháng sáu"): keep only a
    # result whose year is printed in the line.
    if found is None or str(found.year) not in cleaned:
        return None
    return _accept(found if _CLOCK_RE.search(cleaned) else found.date(), raw, today)


# Numeric dates anywhere in a page: "25/8/2022", "08-31-2022". The year is found first (a
# scan for a separator, which the regex engine does fast), then its day and month just before
# it: a pattern starting with a lookbehind and \d would be tried at every character.
_YEAR_ANYWHERE = re.compile(r"[/.-](?:19|20)\d\d(?![\d/.-])")
_DAY_MONTH_BEFORE = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})$")


def order_shown(html: str) -> bool | None:
    """Whether the page's own numeric dates put the month first: True when some date can only
    be month-first (8/31/2022) and none only day-first (31/8/2022), False the other way
    round, None when they never say, or say both (a US server's stamp beside an editor's
    Vietnamese date line)."""
    day_first = month_first = False
    for year in _YEAR_ANYWHERE.finditer(html):
        end = year.start()
        if not (found := _DAY_MONTH_BEFORE.search(html, max(0, end - 6), end)):
            continue
        first, second = found.groups()
        day_first |= int(first) > 12 >= int(second)
        month_first |= int(second) > 12 >= int(first)
    if day_first == month_first:
        return None
    return month_first
