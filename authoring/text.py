"""Vietnamese text services: normalisation, matching keys, ND30 dates, upper-casing, amounts."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

# Old-style tone placement ("hoà", "uỷ") and new-style ("hòa", "ủy") are both in use;
# matching must treat them as equal, so keys use the new style.
_OLD_TONE_STYLE = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_OLD_TONE_RE = re.compile("|".join(_OLD_TONE_STYLE))
_DASHES_RE = re.compile(r"\s*[-\u2010-\u2015\u2212]\s*")
_SPACES_RE = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return *text* in Unicode NFC, the only form stored anywhere in kehoach."""
    return unicodedata.normalize("NFC", text)


def nfc_tree(value):
    """Return a copy of a loaded YAML tree with every string (keys too) in NFC."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {nfc_tree(k): nfc_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [nfc_tree(v) for v in value]
    return value


def utf8_problem(raw: bytes) -> tuple[int, int, int] | None:
    """(line, column, byte) of the first byte of *raw* that is not UTF-8, both counted from 1; None when it all reads."""
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        line = raw.count(b"\n", 0, start) + 1
        return line, start - (raw.rfind(b"\n", 0, start) + 1) + 1, raw[start]
    return None


@lru_cache(maxsize=16384)  # the same names and sentences are keyed again by every rule and at every save
def match_key(text: str) -> str:
    """Key under which two spellings of the same Vietnamese name compare equal.

    Folds case, Unicode form, old/new tone placement, dash variants and spacing.
    """
    key = nfc(text).casefold()
    key = _OLD_TONE_RE.sub(lambda m: _OLD_TONE_STYLE[m.group(0)], key)
    key = _DASHES_RE.sub(" - ", key)
    key = _SPACES_RE.sub(" ", key)
    return key.strip(" .,;:")


def strip_diacritics(text: str) -> str:
    """ASCII-ish form used for ids and fuzzy suggestions ("Sở Y tế" → "so y te")."""
    text = nfc(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


# Letters only Vietnamese writes (marked vowels and đ): nearly every line of Vietnamese text has them.
VIETNAMESE_MARKED = frozenset("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")


def marked_share(words: list[str]) -> tuple[float, int]:
    """The share of words (two letters or more) that carry a Vietnamese mark, and how many words were counted."""
    tokens = [t for w in words for t in re.findall(r"[^\W\d_]{2,}", nfc(w))]
    if not tokens:
        return 0.0, 0
    return sum(any(c in VIETNAMESE_MARKED for c in t.lower()) for t in tokens) / len(tokens), len(tokens)


def slug(text: str) -> str:
    """A lowercase hyphenated id from Vietnamese text."""
    ascii_text = strip_diacritics(text).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


# --- dates -----------------------------------------------------------------

def nd30_date_line(place: str | None, year: int, month: int | None, day: int | None) -> str:
    """The place-and-date line, with blanks kept for an unissued document.

    ``nd30_date_line("Nghệ An", 2025, 1, 6)`` → "Nghệ An, ngày 06 tháng 01 năm 2025".
    """
    from .nd30 import DATE_BLANK, day_text, month_text

    line = f"ngày {day_text(day) if day else DATE_BLANK} tháng {month_text(month) if month else DATE_BLANK} năm {year}"
    return f"{place}, {line}" if place else line


def short_date(value: date) -> str:
    """Date as cited inside text: 06/01/2025 → "06/01/2025"; 9/3/2024 keeps ND30 style "09/3/2024"."""
    from .nd30 import day_text, month_text

    return f"{day_text(value.day)}/{month_text(value.month)}/{value.year}"


def day_month(day: int, month: int) -> str:
    """A reporting due date as DD/MM."""
    return f"{day:02d}/{month:02d}"


# --- upper-casing ----------------------------------------------------------

# A document symbol such as 1183/QĐ-TTg or 28-CT/TW: a number, then slash- or dash-joined
# groups. Upper-casing a title must leave these exactly as written.
_SYMBOL_RE = re.compile(r"\b\d+[a-z]?(?:/\d{4})?[/-][A-Za-zĐđ0-9]+(?:[-/][A-Za-zĐđ0-9&]+)*")


def upper_keep_symbols(text: str) -> str:
    """Upper-case a title but keep document symbols as written (1183/QĐ-TTg, never QĐ-TTG)."""
    parts = []
    last = 0
    for match in _SYMBOL_RE.finditer(text):
        parts.append(text[last:match.start()].upper())
        parts.append(match.group(0))
        last = match.end()
    parts.append(text[last:].upper())
    return "".join(parts)


def find_symbols(text: str) -> list[str]:
    """Document symbols that occur in *text*."""
    return [m.group(0) for m in _SYMBOL_RE.finditer(text)]


# --- amounts ---------------------------------------------------------------

def format_dong(amount: int) -> str:
    """1200000000 → "1.200.000.000 đồng"."""
    return f"{amount:,}".replace(",", ".") + " đồng"


_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _three_digits(n: int, full: bool) -> str:
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens > 1:
        words += [_DIGITS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 4: "tư", 5: "lăm"}.get(units, _DIGITS[units]))
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else _DIGITS[units])
    elif units:
        if hundreds or full:
            words.append("lẻ")
        words.append(_DIGITS[units])
    return " ".join(words)


def _below_billion(n: int, full: bool) -> list[str]:
    words: list[str] = []
    for scale_value, scale_word in ((1_000_000, "triệu"), (1_000, "nghìn"), (1, "")):
        group, n = divmod(n, scale_value)
        if group:
            words.append(_three_digits(group, full=full))
            if scale_word:
                words.append(scale_word)
            full = True
        elif words or full:
            full = True
    return words


def _words(n: int, full: bool = False) -> list[str]:
    billions, rest = divmod(n, 1_000_000_000)
    words: list[str] = []
    if billions:
        words += _words(billions, full) + ["tỷ"]
        full = True
    return words + _below_billion(rest, full)


def amount_in_words(amount: int) -> str:
    """1200000000 → "Một tỷ hai trăm triệu đồng"."""
    sentence = " ".join(_words(amount) or ["không"]) + " đồng"
    return sentence[0].upper() + sentence[1:]


# --- citations ---------------------------------------------------------------

def citation_first_mention(doc_type: str, code: str | None, issued, issuer: str | None, title: str | None) -> str:
    """ND30 first mention: type, number and symbol, date, issuer, title.

    ``citation_first_mention("Quyết định", "23/QĐ-TTg", date(2021, 1, 7), "Thủ tướng Chính phủ", "phê duyệt …")``
    → "Quyết định số 23/QĐ-TTg ngày 07/01/2021 của Thủ tướng Chính phủ phê duyệt …". A law is cited by name.
    """
    if code is None:
        return f"{doc_type} {title}".strip()
    parts = [f"{doc_type} số {code}"]
    if issued is not None:
        parts.append(f"ngày {short_date(issued)}")
    if issuer:
        parts.append(f"của {issuer}")
    if title:
        lowered = title[0].lower() + title[1:] if title[:1].isupper() and not title[:2].isupper() else title
        # A decision's title starts with its verb (phê duyệt, ban hành); a plan's or directive's takes "về".
        parts.append(lowered if doc_type in ("Quyết định", "Nghị định", "Thông tư", "Nghị quyết") else f"về {lowered}")
    return " ".join(parts)


def citation_later_mention(doc_type: str, code: str | None, title: str | None = None) -> str:
    """ND30 later mention: type and number only ("Quyết định số 23/QĐ-TTg")."""
    return f"{doc_type} số {code}" if code else f"{doc_type} {title or ''}".strip()


# Giờ Việt Nam: UTC+7 all year (no summer time). Moments are stored in UTC and shown in it, whatever time zone the
# server runs in (a province's server in a data centre often runs in UTC).
VIETNAM = timezone(timedelta(hours=7), "+07:00")


def utc_now() -> datetime:
    """Now, aware, in UTC: the one clock `vietnam_today` reads (tests set it here)."""
    return datetime.now(timezone.utc)


def vietnam_now() -> datetime:
    """Now in Vietnam (aware, UTC+7), whatever the server's time zone."""
    return utc_now().astimezone(VIETNAM)


def vietnam_today() -> date:
    """Today in Vietnam, whatever the server's time zone: a server in UTC is still on yesterday until 07:00 in Hà Nội,
    and a plan issued at 06:30 must carry the day it is issued there."""
    return vietnam_now().date()


def vietnam_time(moment: datetime | None, seconds: bool = True) -> str:
    """'07/12/2026 23:09:35' for a moment stored in UTC (naive or aware), in Vietnam's time; '' for none."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")
