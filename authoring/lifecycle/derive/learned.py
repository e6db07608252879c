"""Learned division of labour: which province bodies real province plans give which duty words to (learned.json)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ...paths import PLANS_DIR
from ...text import nfc

MODEL = PLANS_DIR / "registry" / "learned.json"
# Syllables: letters only (numbers, dates and symbols say nothing about who does a duty).
_SYLLABLE = re.compile(r"[^\W\d_]+")
# Syllables that say how a sentence is built or where, not what the duty is about: a pair with one of them is no term.
STOP = frozenset("""và của các có cho với trong được theo về là để những này đó khi từ tại trên đến như thì mà do bị đã
sẽ đang vào ra lên một hai ba bốn năm ngày tháng số hoặc cũng nhằm đối việc nếu sau trước giữa phải không chưa nào mỗi
hàng gồm bao cùng nhau cấp tỉnh thành phố huyện quận xã phường thị trấn đặc khu địa bàn phương ủy ương""".split())


def terms(text: str) -> set[str]:
    """The pairs of adjacent syllables of *text* (most Vietnamese words are two syllables), lower-cased NFC, without
    a pair that holds a function or place syllable (STOP): a lone syllable is too often half of another word."""
    words = _SYLLABLE.findall(nfc(text).lower())
    return {f"{a} {b}" for a, b in zip(words, words[1:]) if a not in STOP and b not in STOP}


@dataclass(frozen=True)
class Model:
    """Per term, the bodies real plans give it to: (log-odds weight, how many plans gave it to that body)."""

    terms: dict[str, dict[str, tuple[float, int]]]
    min_score: float
    enabled: bool
    source: str

    def scores(self, text: str, topic: frozenset[str] = frozenset()) -> dict[str, tuple[float, int]]:
        """Each body's summed weight over *text*'s terms (not those of the parents' subject, *topic*), and the most
        plans behind one of its terms."""
        found: dict[str, tuple[float, int]] = {}
        for term in sorted(terms(text) - topic):
            for body, (weight, plans) in self.terms.get(term, {}).items():
                score, most = found.get(body, (0.0, 0))
                found[body] = (score + weight, max(most, plans))
        return found

    def strongest(self, text: str, body: str, most: int, topic: frozenset[str] = frozenset()) -> list[str]:
        """The terms of *text* (not of *topic*) that tie it to *body* most, strongest first."""
        found = [(-self.terms[t][body][0], t) for t in terms(text) - topic if body in self.terms.get(t, {})]
        return [t for _, t in sorted(found)[:most]]


@lru_cache(maxsize=4)
def load_model(path: str = str(MODEL)) -> Model | None:
    """The learned model, or None when the file is absent (derive then uses competences.yaml alone)."""
    file = Path(path)
    if not file.is_file():
        return None
    data = json.loads(file.read_text(encoding="utf-8"))
    table = {t: {b: (float(w), int(n)) for b, (w, n) in bodies.items()} for t, bodies in data["terms"].items()}
    use = data.get("use", {})
    source = data["source"]
    return Model(table, float(use.get("min_score", math.inf)), bool(use.get("enabled")),
                 f"{source['documents']} văn bản của UBND cấp tỉnh, {source['repository']}")
