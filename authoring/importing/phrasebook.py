"""Marks OCR misread in a scan's trích yếu set right against phrases the registry and the decree print: marks only."""

from __future__ import annotations

import re
from functools import lru_cache

from .. import nd30
from ..text import nfc, strip_diacritics

# Phrases of two to four words are matched: one word alone is too often two real words ("bố"/"bổ", "có"/"cố").
_LONGEST, _SHORTEST = 4, 2
_WORD = re.compile(r"[^\W\d_]+")
# Registry files whose text is the vocabulary of administrative documents (names, titles, fields of work).
_REGISTRY_FILES = ("agencies.yaml", "citations.yaml", "fields.yaml", "competences.yaml", "roles.yaml",
                   "indicators.yaml", "phrases.yaml")


def _bare(word: str) -> str:
    return strip_diacritics(word).lower().replace("đ", "d")


def _texts() -> list[str]:
    """The registry's and the directive library's files as text (their keys are English and match nothing), the
    type names with "số", and the provinces."""
    from ..loading.units import load_provinces
    from ..paths import directive_dirs, registry_dir

    files = [registry_dir() / name for name in _REGISTRY_FILES]
    files += [f for folder in directive_dirs() for f in sorted(folder.glob("*.yaml"))]
    texts = [f"{name} số" for name in nd30.ALL_TYPE_ABBREVIATIONS]   # "Nghị định số", "Thông tư số", …
    texts += [p.name for p in load_provinces().values()]
    for file in files:
        if file.is_file():
            texts += [line.split(" #")[0] for line in file.read_text(encoding="utf-8").splitlines()
                      if not line.lstrip().startswith("#")]   # comments may quote misreadings
    return texts


@lru_cache(maxsize=1)
def phrase_book() -> dict[tuple[str, ...], tuple[str, ...] | None]:
    """Each phrase of 2-4 words as its letters without marks → the words as printed (lower case); None where two
    phrases share their letters and differ in marks (nothing is corrected there)."""
    seen: dict[tuple[str, ...], dict[tuple[str, ...], int]] = {}
    for text in _texts():
        for clause in re.split(r"[.;:()\[\]\"“”/#{}]", nfc(text)):
            words = _run(clause)
            for n in range(_SHORTEST, _LONGEST + 1):
                for start in range(0, 2 * (len(words) - n) + 1, 2):
                    marked = tuple(w.lower() for w in words[start:start + 2 * n - 1])
                    forms = seen.setdefault(tuple(_bare(w) for w in marked), {})
                    forms[marked] = forms.get(marked, 0) + 1
    book: dict[tuple[str, ...], tuple[str, ...] | None] = {}
    for key, forms in seen.items():
        ranked = sorted(forms.items(), key=lambda f: -f[1])
        # one way of writing it, or one far more common than any other ("Chính phủ" beside a stray "chính phụ")
        book[key] = ranked[0][0] if len(ranked) == 1 or ranked[0][1] >= 10 * ranked[1][1] else None
    return book


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """Every word (lower case, with its marks) of the phrases the book sets marks from."""
    return frozenset(w for forms in phrase_book().values() if forms for w in forms[::2])


def _run(text: str) -> list[str]:
    """Words and what separates them, alternately: "sửa đổi, bổ sung" → sửa, " ", đổi, ",", bổ, " ", sung."""
    out: list[str] = []
    for match in _WORD.finditer(text):
        if out:
            gap = text[last:match.start()]
            out.append("," if gap.strip() == "," else " " if not gap.strip() else "|")
        out.append(match.group(0))
        last = match.end()
    return out


def _cased(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word[0].upper() + word[1:] if model[:1].isupper() else word


def correct_marks(text: str, doubtful=lambda word: True) -> tuple[str, list[tuple[str, str]]]:
    """*text* with the marks of each run of words the phrase book knows by its letters (and its commas) set as the
    book prints them — a run of two words only when a word that changes is *doubtful* (OCR read it with low
    confidence) —, and the changes made (as read, as set). Letters are never added, dropped or changed: only marks."""
    book = phrase_book()
    tokens = list(_WORD.finditer(text))
    run = _run(text)
    fixed = [m.group(0) for m in tokens]
    found = [(n, i, marked) for n in range(_LONGEST, _SHORTEST - 1, -1) for i in range(len(tokens) - n + 1)
             if (marked := book.get(tuple(_bare(w) for w in run[2 * i:2 * (i + n) - 1])))]
    # The longest known runs decide first, and a word they decide is not decided again by a shorter one: "công bố
    # văn bản" as read keeps "bố văn" from becoming "Bộ Văn hóa", "cải cách hành chính" wins over "công tác cai".
    decided: set[int] = set()
    changes: list[tuple[str, str]] = []
    for n, i, marked in found:
        span = range(i, i + n)
        if decided & set(span):
            continue
        words = fixed[i:i + n]
        if any(("đ" in w.lower()) != ("đ" in m) for w, m in zip(words, marked[::2])):
            continue   # đ and d are two letters ("đôi thông tin" is no "dõi thông tin"): only marks are set
        if any(w.lower() != m and (n > _SHORTEST or doubtful(w)) for w, m in zip(words, marked[::2])):
            fixed[i:i + n] = [_cased(w, m) for w, m in zip(words, marked[::2])]
            changes.append((" ".join(words), " ".join(fixed[i:i + n])))
        if tuple(w.lower() for w in fixed[i:i + n]) == marked[::2]:
            decided.update(span)
    changes.sort(key=lambda c: text.find(c[0]))
    out, last = [], 0
    for token, word in zip(tokens, fixed):
        out.append(text[last:token.start()] + word)
        last = token.end()
    out.append(text[last:])
    return "".join(out), changes


# A syllable ending in p, t, c or ch carries the sắc or the nặng tone, never another or none (Vietnamese phonology:
# "cấp", "cập", never "câp"); OCR drops the small tone mark over a circumflex ("câp", "châp", "đât").
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_STOP_FINAL = re.compile(r"(?:p|t|c|ch)$")
_DOUBLED = re.compile(r"aa|ee")


def _toneless(word: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", word) if c not in _TONES))


def _tone(word: str) -> str:
    import unicodedata

    return next((c for c in unicodedata.normalize("NFD", word) if c in _TONES), "")


@lru_cache(maxsize=1)
def _stop_syllables() -> dict[str, tuple[str, int]]:
    """Each toneless stop-final syllable of the book's texts → its most frequent spelling with a tone, and how often
    it is written so; only where that spelling outnumbers the other at least three to one."""
    counts: dict[str, dict[str, int]] = {}
    for text in _texts():
        for word in _WORD.findall(nfc(text).lower()):
            if _STOP_FINAL.search(word) and _tone(word) in ("\u0301", "\u0323"):
                forms = counts.setdefault(_toneless(word), {})
                forms[word] = forms.get(word, 0) + 1
    out = {}
    for key, forms in counts.items():
        ranked = sorted(forms.items(), key=lambda f: (-f[1], f[0]))
        if len(ranked) == 1 or ranked[0][1] >= 3 * ranked[1][1]:
            out[key] = ranked[0]
    return out


def stop_tones(text: str) -> tuple[str, list[tuple[str, str]]]:
    """*text* with each syllable that cannot be Vietnamese — stop-final without the sắc or nặng tone ("câp") — spelt
    as the book's texts mostly write it ("cấp"), and the changes made; letters never change, only the tone mark."""
    changes: list[tuple[str, str]] = []

    def fix(match: re.Match) -> str:
        word = match.group(0)
        lower = word.lower()
        doubled = _DOUBLED.search(_bare(lower))
        if doubled:   # "đâầt": no Vietnamese word has "aa" or "ee"; OCR read one vowel twice with two marks
            known = vocabulary()
            for drop in (doubled.start(), doubled.start() + 1):
                single = lower[:drop] + lower[drop + 1:]
                found = _stop_syllables().get(_toneless(single)) if _STOP_FINAL.search(single) else None
                spelt = found[0] if found else single
                if spelt in known:
                    changes.append((word, _cased(word, spelt)))
                    return _cased(word, spelt)
            return word
        if not _STOP_FINAL.search(lower) or _tone(lower) in ("\u0301", "\u0323"):
            return word
        found = _stop_syllables().get(_toneless(lower))
        if found is None:
            return word
        fixed = _cased(word, found[0])
        if fixed != word:
            changes.append((word, fixed))
        return fixed

    return _WORD.sub(fix, text), changes
