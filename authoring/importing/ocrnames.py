"""A body's name read by OCR matched to the registry's names by a distance that forgives the letters OCR confuses."""

from __future__ import annotations

import re
from functools import lru_cache

# Capitals OCR takes for one another once the marks are set aside (Vietnamese marks themselves are already ignored:
# names are compared by their bare letters, "Ơ", "Ô", "Ó" all "O", "Đ" "D"): half the cost of another letter.
_LOOKALIKE = {frozenset(pair) for pair in ("OQ", "OD", "IL", "IT", "CG", "EF", "HN", "UV", "MN", "BD", "BE", "PR")}
# At most one letter wrong in this many: "TỎ CÔNG TÁC" is "TỔ CÔNG TÁC", but "SỞ Y TẾ" is no "SỞ XÂY DỰNG".
LETTERS_PER_ERROR = 8


def bare(text: str) -> str:
    from ..text import strip_diacritics

    return re.sub(r"[^A-Z]", "", strip_diacritics(text).upper().replace("Đ", "D"))


def distance(a: str, b: str, limit: float) -> float:
    """Edit distance of two bare names, a look-alike letter costing half; above *limit* the search stops early."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = [float(j) for j in range(len(b) + 1)]
    for i, x in enumerate(a, 1):
        current = [float(i)]
        for j, y in enumerate(b, 1):
            cost = 0.0 if x == y else 0.5 if frozenset((x, y)) in _LOOKALIKE else 1.0
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


@lru_cache(maxsize=1)
def _commune_names() -> dict[str, str | None]:
    """Each commune, ward and đặc khu of the unit lists as a people's committee prints it, by its bare letters; None
    where two units share the letters and differ in marks ("Tân Hòa", "Tân Hóa"): nothing can be set from those."""
    from ..loading.units import load_provinces

    names: dict[str, str | None] = {}
    for province in load_provinces().values():
        for unit in province.units:
            for head in ("ỦY BAN NHÂN DÂN", "UBND"):
                name = f"{head} {unit.name}".upper()
                names[bare(name)] = name if names.get(bare(name), name) == name else None
    return names


def closest(line: str, known: dict[str, str | None]) -> str | None:
    """The one registry name (of *known*, by bare letters; communes added for a people's committee of a commune)
    within the distance a line of this length allows, nearer than any other; None when none is, or two are."""
    key = bare(line)
    limit = len(key) // LETTERS_PER_ERROR
    if limit < 1:
        return None
    pool = dict(known)
    if key.startswith(("UBND", "UYBANNHANDAN")) and re.search(r"XA|PHUONG|DACKHU", key):
        pool.update(_commune_names())
    scored = sorted((distance(key, name, limit), name) for name in pool if abs(len(name) - len(key)) <= limit)
    scored = [s for s in scored if s[0] <= limit]
    if not scored or len(scored) > 1 and scored[1][0] == scored[0][0] and pool[scored[1][1]] != pool[scored[0][1]]:
        return None
    return pool[scored[0][1]]   # None for letters two units share
