"""Word automatic numbering (numbering.xml) resolved to the labels Word prints: "1.", "a)", "II.", "-".

A paragraph is numbered by its own w:numPr or by its style's; the label comes from the level's lvlText with each
%n replaced by the counter of level n in that level's numFmt. Counters belong to a w:num instance (with its
lvlOverride/startOverride), start at w:start, and a level restarts when a shallower level of the same list moves on
(unless w:lvlRestart says otherwise).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docx.oxml.ns import qn

BULLET = "-"   # what a bullet level prints as, in kehoach's text ("•", "", "-" all become "-")


@dataclass
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: int | None = None   # w:lvlRestart: restart after this (1-based) level; None = after any shallower level


@dataclass
class _Instance:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)   # startOverride per level


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letter(n: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return letters[(n - 1) % 26] * ((n - 1) // 26 + 1) if n > 0 else ""


def format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter",):
        return _letter(n)
    if fmt == "upperLetter":
        return _letter(n).upper()
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt in ("none",):
        return ""
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class Numbering:
    """The numbering definitions of one document, and the counters as its paragraphs are read in order."""

    def __init__(self, document):
        self.abstracts: dict[str, dict[int, Level]] = {}
        self.instances: dict[str, _Instance] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_numbering: dict[str, tuple[str, int]] = {}
        root = self._numbering_root(document)
        if root is not None:
            for abstract in root.findall(qn("w:abstractNum")):
                levels = {}
                for lvl in abstract.findall(qn("w:lvl")):
                    levels[int(lvl.get(qn("w:ilvl"), "0"))] = _level(lvl)
                self.abstracts[abstract.get(qn("w:abstractNumId"))] = levels
            for num in root.findall(qn("w:num")):
                ref = num.find(qn("w:abstractNumId"))
                instance = _Instance(ref.get(qn("w:val")) if ref is not None else "")
                for override in num.findall(qn("w:lvlOverride")):
                    start = override.find(qn("w:startOverride"))
                    if start is not None:
                        instance.starts[int(override.get(qn("w:ilvl"), "0"))] = int(start.get(qn("w:val"), "1"))
                self.instances[num.get(qn("w:numId"))] = instance
        for style in document.styles.element.findall(qn("w:style")):
            ppr = style.find(qn("w:pPr"))
            num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
            if num_pr is not None:
                num_id = num_pr.find(qn("w:numId"))
                ilvl = num_pr.find(qn("w:ilvl"))
                if num_id is not None:
                    self.style_numbering[style.get(qn("w:styleId"))] = (
                        num_id.get(qn("w:val")), int(ilvl.get(qn("w:val"), "0")) if ilvl is not None else 0)

    @staticmethod
    def _numbering_root(document):
        try:
            part = document.part.numbering_part
        except (NotImplementedError, KeyError, AttributeError):
            return None
        return part.element

    def _num_of(self, p) -> tuple[str, int] | None:
        ppr = p.find(qn("w:pPr"))
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        style = ppr.find(qn("w:pStyle")) if ppr is not None else None
        from_style = self.style_numbering.get(style.get(qn("w:val"))) if style is not None else None
        if num_pr is None:
            return from_style
        num_id = num_pr.find(qn("w:numId"))
        ilvl = num_pr.find(qn("w:ilvl"))
        num = num_id.get(qn("w:val")) if num_id is not None else (from_style[0] if from_style else None)
        level = int(ilvl.get(qn("w:val"), "0")) if ilvl is not None else (from_style[1] if from_style else 0)
        return (num, level) if num else None

    def label(self, p) -> str | None:
        """The label Word prints before paragraph *p* (advancing the counters), or None when it is not numbered."""
        found = self._num_of(p)
        if found is None or found[0] == "0" or found[0] not in self.instances:
            return None
        num, ilvl = found
        instance = self.instances[num]
        levels = self.abstracts.get(instance.abstract, {})
        level = levels.get(ilvl)
        if level is None:
            return None
        counters = self.counters.setdefault(num, {})

        def start(index: int) -> int:
            return instance.starts.get(index, levels[index].start if index in levels else 1)

        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start(ilvl)
        for deeper in [k for k in counters if k > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or restart != 0 and ilvl < restart:
                del counters[deeper]
        if level.fmt == "bullet":
            return BULLET

        def value(match) -> str:
            index = int(match.group(1)) - 1
            count = counters.get(index, start(index))
            return format_number(count, levels[index].fmt if index in levels else "decimal")

        text = re.sub(r"%(\d)", value, level.text)
        return text.strip() or None


def _level(lvl) -> Level:
    level = Level()
    fmt = lvl.find(qn("w:numFmt"))
    if fmt is not None:
        level.fmt = fmt.get(qn("w:val"), "decimal")
    text = lvl.find(qn("w:lvlText"))
    if text is not None:
        level.text = text.get(qn("w:val"), "")
    start = lvl.find(qn("w:start"))
    if start is not None:
        level.start = int(start.get(qn("w:val"), "1"))
    restart = lvl.find(qn("w:lvlRestart"))
    if restart is not None:
        level.restart = int(restart.get(qn("w:val"), "0"))
    return level
