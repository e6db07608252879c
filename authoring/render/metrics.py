"""Text widths in Times New Roman, for sizing the ND30 rules (đường kẻ) under header lines."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

_METRICS = Path(__file__).with_name("tnr_metrics.json")
_FALLBACK = 500  # 1/1000 em: a typical lowercase advance, for characters outside the table


@lru_cache(maxsize=1)
def _table() -> dict:
    return json.loads(_METRICS.read_text(encoding="utf-8"))["styles"]


def text_width_pt(text: str, size_pt: float, bold: bool = False, italic: bool = False) -> float:
    """Width of *text* on one line, in points."""
    style = ("bold_" if bold else "") + ("italic" if italic else "")
    widths = _table()[style.rstrip("_") or "regular"]
    return sum(widths.get(ch, _FALLBACK) for ch in text) * size_pt / 1000
