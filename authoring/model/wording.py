"""Wording shared by derive and new-year: agencies named as on a given day, scope words, sentence case."""

from __future__ import annotations

import re
from datetime import date

from .common import Level
from .units import Unit
from ..text import match_key

_ORG_WORDS = ("Sở ", "Bộ ", "Phòng ", "Ủy ban", "UBND", "Ban ", "Cục ", "Công an ", "Trung tâm ")
ABBREVIATIONS = {
    "KT-XH": "kinh tế - xã hội", "NSNN": "ngân sách nhà nước", "DTTS": "dân tộc thiểu số",
    "HCĐB": "hoàn cảnh đặc biệt", "TNTT": "tai nạn, thương tích", "CTHĐQG": "Chương trình hành động quốc gia",
    "TW": "trung ương", "MTTQ": "Mặt trận Tổ quốc", "KCN": "khu công nghiệp", "CRC": "Công ước của Liên hợp quốc về quyền của trẻ em", "y tế-giáo dục-tư pháp-an sinh":
    "y tế, giáo dục, tư pháp, an sinh xã hội",
}


def ends(agency, on: date) -> bool:
    """Whether *agency* no longer exists on *on*."""
    until = agency.valid_until.to_date() if agency.valid_until and agency.valid_until.is_complete else None
    return until is not None and on >= until


def starts_later(agency, on: date) -> bool:
    start = agency.valid_from.to_date() if agency.valid_from and agency.valid_from.is_complete else None
    return start is not None and on < start


def current(registry, agency_id: str, on: date, seen: tuple = ()) -> tuple[str | None, bool]:
    """(the agency doing *agency_id*'s children's work on *on*, whether that is certain); children first."""
    agency = registry.agencies.get(agency_id)
    if agency is None or not ends(agency, on) or agency_id in seen:
        return agency_id, True
    if not agency.successors:
        return None, False
    chosen = next((s for s in agency.successors if s.children), agency.successors[0])
    target, certain = current(registry, chosen.id, on, seen + (agency_id,))
    return target, certain and chosen.status.value == "confirmed"


def name_of(registry, agency_id: str, on: date, province: str | None, unit: Unit | None = None) -> str:
    """The agency's printed name on *on*, its place slots filled ({tinh}, {huyen}, {xa}) from *unit*."""
    agency = registry.agencies[agency_id]
    valid, own = [], []
    for entry in agency.names:
        start = entry.valid_from.to_date() if entry.valid_from and entry.valid_from.is_complete else None
        end = entry.valid_until.to_date() if entry.valid_until and entry.valid_until.is_complete else None
        if (start is None or start <= on) and (end is None or on < end):
            if not entry.kinds:
                valid.append(entry.name)
            elif unit is not None and unit.kind in entry.kinds:
                own.append(entry.name)   # the unit kind's own name (a ward's Phòng Kinh tế, Hạ tầng và Đô thị)
    valid = own + valid or [agency.names[-1].name]
    chosen = valid[0]
    if unit is not None:
        for candidate in valid:
            if re.search(rf"\b{re.escape(unit.kind)} \{{(xa|huyen)\}}", candidate):
                chosen = candidate
                break
    text = chosen.replace("{tinh}", province or "")
    if unit is not None:
        text = text.replace("{xa}", unit.name).replace("{huyen}", unit.name)
    return text


def printed_names(agency) -> list[str]:
    """The names and aliases of an agency that read as an organisation's name in a sentence (longest first)."""
    out = []
    for name in [n.name for n in agency.names] + list(agency.aliases):
        if "{" in name or len(name.split()) < 2 or not name.startswith(_ORG_WORDS):
            continue
        out.append(name)
    return sorted(set(out), key=len, reverse=True)


def _name_pattern(name: str) -> str:
    parts = [re.escape(p) for p in re.split(r"\s*[-–]\s*", name)]
    return r"\s*[-–]\s*".join(parts)


class _NamePattern:
    """One printed name as a pattern, compiled only once a text holds every part of the name: a registry has ~200
    names and a plan mentions a few, and compiling them all took most of `kehoach check`. Answers search, finditer
    and sub as a compiled pattern would."""

    __slots__ = ("name", "parts", "_regex")
    _last: tuple[str, str] = ("", "")   # the last text and its lower case: every name looks at the same text in turn

    def __init__(self, name: str):
        self.name = name
        self.parts = [part.lower() for part in re.split(r"\s*[-–]\s*", name)]
        self._regex = None

    def _may_match(self, text: str) -> bool:
        if _NamePattern._last[0] is not text:
            _NamePattern._last = (text, text.lower())
        lowered = _NamePattern._last[1]
        return all(part in lowered for part in self.parts)

    @property
    def regex(self) -> re.Pattern:
        # Case folding only inside the name: over the word-boundary classes it costs ~25x the compile time.
        if self._regex is None:
            self._regex = re.compile(r"(?<![\w\u0300-\u036f])(?i:" + _name_pattern(self.name) + r")(?![\w\u0300-\u036f])")
        return self._regex

    def search(self, text: str):
        return self.regex.search(text) if self._may_match(text) else None

    def finditer(self, text: str):
        return self.regex.finditer(text) if self._may_match(text) else iter(())

    def sub(self, repl, text: str) -> str:
        return self.regex.sub(repl, text) if self._may_match(text) else text


_PATTERNS: dict = {}


def _compiled(registry, on: date) -> tuple[list, list]:
    """(living, gone) name patterns of the registry's agencies on *on*; built once per registry and day."""
    key = (id(registry), on)
    if key not in _PATTERNS:
        living, gone = [], []
        for agency in registry.agencies.values():
            target = gone if ends(agency, on) else living
            target.extend((_NamePattern(name), agency) for name in printed_names(agency))
        _PATTERNS[key] = (living, gone)
    return _PATTERNS[key]


def _mentions_org(text: str) -> bool:
    lowered = text.lower()
    return any(w.strip().lower() in lowered for w in _ORG_WORDS)


def living_spans(text: str, registry, on: date) -> list[tuple[int, int]]:
    """Where *text* names an agency that still exists on *on* ("Phòng Văn hóa - Xã hội" is not "Phòng Văn hóa")."""
    if not _mentions_org(text):
        return []
    living, _ = _compiled(registry, on)
    return [(m.start(), m.end()) for pattern, _ in living for m in pattern.finditer(text)]


def gone_patterns(registry, on: date) -> list:
    return _compiled(registry, on)[1]


def inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b and (b - a) > (span[1] - span[0]) for a, b in spans)


def modernise(text: str, registry, on: date, province: str | None, unit: Unit | None = None,
              keep_citations: bool = True) -> tuple[str, list[tuple[str, str]]]:
    """*text* with the printed names of agencies gone by *on* replaced by their successors' names.

    A name right after "của" (the issuer in a citation of an old document) is kept: old documents are cited
    as they were issued. Returns the text and the (old, new) replacements made.
    """
    changes: list[tuple[str, str]] = []
    if not _mentions_org(text):
        return text, changes
    for pattern, agency in gone_patterns(registry, on):
        if not pattern.search(text):
            continue
        successor, _ = current(registry, agency.id, on)
        if successor is None or successor == agency.id:
            continue
        new = name_of(registry, successor, on, province, unit)
        if "{" in new:
            continue
        spans = living_spans(text, registry, on)
        original = text

        def swap(match, new=new):
            if inside((match.start(), match.end()), spans):
                return match.group(0)
            before = original[max(0, match.start() - 14):match.start()]
            if keep_citations and re.search(r"(của|của Bộ trưởng|của Giám đốc)\s*$", before):
                return match.group(0)
            changes.append((match.group(0), new))
            return new

        text = pattern.sub(swap, text)
    return text, changes


_SCOPE = re.compile(r"trên địa bàn (?:toàn )?(tỉnh|thành phố|quận|huyện|thị xã|xã|phường|thị trấn)"
                    r"(?: (?!và\b|như\b|theo\b|để\b|giai\b|năm\b)[A-ZĐÀ-Ỹ][\wÀ-ỹ'’-]*(?: [A-ZĐÀ-Ỹ][\wÀ-ỹ'’-]*)*)?")


def rescope(text: str, unit: Unit, level_words: tuple[str, ...] = ("tỉnh",)) -> str:
    """Scope words of the parent's level rewritten for *unit*: "trên địa bàn tỉnh" → "trên địa bàn xã Nam Đàn"."""
    text = _SCOPE.sub(lambda m: f"trên địa bàn {unit.full}" if m.group(1) in level_words else m.group(0), text)
    for word in level_words:
        text = re.sub(rf"\btoàn {word}\b", f"toàn {unit.kind}", text)
    return text


def after_reform_words(text: str, on: date, district_end: date | None) -> str:
    """After 01/7/2025 there are no thị trấn: "xã, phường, thị trấn" → "xã, phường, đặc khu"."""
    if district_end and on >= district_end:
        text = re.sub(r"xã, phường, thị trấn", "xã, phường, đặc khu", text)
        text = re.sub(r"Xã, phường, thị trấn", "Xã, phường, đặc khu", text)
    return text


def expand_abbreviations(text: str) -> str:
    for short, long in ABBREVIATIONS.items():
        text = re.sub(rf"(?<![\wÀ-ỹ]){re.escape(short)}(?![\wÀ-ỹ])", long, text)
    text = re.sub(r"\bQĐ (\d+)\b", r"Quyết định số \1", text)
    text = re.sub(r"\bCT (\d+)\b", r"Chỉ thị số \1", text)
    text = text.replace(" + ", " kết hợp ")
    return text


def full_codes(text: str, registry) -> str:
    """"Quyết định số 23" → "Quyết định số 23/QĐ-TTg" when the citation registry knows exactly one such document."""
    def swap(match):
        kind, number = match.group(1), match.group(2)
        codes = {d.code for d in registry.documents.values() if d.code and d.type == kind and
                 re.match(rf"{number}(/\d{{4}})?[/-]", d.code)}
        return f"{kind} số {codes.pop()}" if len(codes) == 1 else match.group(0)

    return re.sub(r"\b(Quyết định|Chỉ thị) số (\d+)(?![\d/-])", swap, text)


def is_all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def sentence_case(text: str, keep: list[str]) -> str:
    """An ALL-CAPS title in sentence case, with names and document symbols restored from *keep*."""
    if not is_all_caps(text):
        return text
    lowered = text.lower()
    lowered = lowered[:1].upper() + lowered[1:]
    for word in sorted(set(keep), key=len, reverse=True):
        lowered = re.sub(re.escape(word.lower()), word.replace("\\", r"\\"), lowered, flags=re.IGNORECASE)
    return lowered


TITLE_KEEP = ["Chỉ thị số", "Quyết định số", "Kế hoạch số", "Hướng dẫn số", "Nghị quyết số", "Bộ Chính trị",
              "Thủ tướng Chính phủ", "Chính phủ", "Ủy ban nhân dân", "Việt Nam", "Luật Trẻ em"]


def level_of_unit_word(level: Level) -> tuple[str, ...]:
    return {Level.PROVINCE: ("tỉnh", "thành phố"), Level.DISTRICT: ("quận", "huyện", "thị xã", "thành phố"),
            Level.COMMUNE: ("xã", "phường", "thị trấn"), Level.CENTRAL: ()}[level]


def same(a: str, b: str) -> bool:
    return match_key(a) == match_key(b)
