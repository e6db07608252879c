"""The parent's targets restated, linked, for the draft's unit."""

from __future__ import annotations

import re

from ...model import Block, Comparator, Level, Target
from ...model.links import parent_items
from ...model.walk import iter_blocks
from .context import Draft, link
from .phrasing import adapt


def _number(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _value_text(value) -> str:
    return f"{_number(value)}".replace(".", ",")


def _target_phrase(t: Target) -> str:
    if t.comparator == Comparator.QUALITATIVE or (t.value is None and t.range is None):
        return ""
    unit = t.unit or ""
    sep = "" if unit[:1] in ("%", "‰") else " "
    if t.range:
        amount = f"từ {_value_text(t.range[0])} đến {_value_text(t.range[1])}{sep}{unit}"
    else:
        amount = f"{_value_text(t.value)}{sep}{unit}"
    word = {Comparator.AT_LEAST: "đạt ít nhất", Comparator.ABOVE: "trên", Comparator.REACH: "đạt",
            Comparator.AT_MOST: "không quá", Comparator.BELOW: "dưới", Comparator.REDUCE_BY: "giảm"}[t.comparator]
    if t.comparator == Comparator.REDUCE_BY and "giảm" in unit:
        word = ""
    when = f" vào năm {t.year}" if t.year else ""
    return f"{word} {amount.strip()}{when}".strip()


def _skip_target(d: Draft, t: Target) -> bool:
    """Targets about units above the draft's level (% of provinces, of districts) do not apply to it."""
    words = (t.unit or "") + " " + (t.indicator or "")
    above = {Level.PROVINCE: r"tỉnh, thành phố", Level.DISTRICT: r"tỉnh, thành phố",
             Level.COMMUNE: r"tỉnh, thành phố|huyện, thành phố|% huyện"}[d.unit.level]
    if re.search(above, words, re.IGNORECASE):
        return True
    return bool(t.year and t.year < d.when.year)


def target_blocks(d: Draft) -> list[Block]:
    blocks = []
    for parent in d.parents:
        items = parent_items(parent)
        for path, block in iter_blocks(parent.plan):
            kept = [t for t in block.targets if not _skip_target(d, t)]
            if not kept:
                continue
            copies = [Target(id=d.new_id(t.id), indicator=adapt(d, parent, t.indicator) if t.indicator else None,
                             value=_number(t.value) if t.value is not None else None, range=t.range, unit=t.unit,
                             comparator=t.comparator, year=t.year, period=t.period,
                             links=[link(parent, t.id, items)]) for t in kept]
            if parent.plan.document.level == Level.CENTRAL:
                indicator = adapt(d, parent, kept[0].indicator or block.text or "").rstrip(".")
                phrases = [p for p in (_target_phrase(t) for t in kept) if p]
                text = indicator + (": " + "; ".join(phrases) if phrases else "") + "."
            else:
                text = adapt(d, parent, block.text or kept[0].indicator or "")
            text = d.unique(text)
            if text is None:
                continue
            blocks.append(Block(label="-", text=text, targets=copies))
            d.comments[len(blocks) - 1] = f"từ {parent.plan.id}: " + ", ".join(t.id for t in kept)
    return blocks


def add_target_section(d: Draft, sections: list[Block]) -> None:
    """The draft's "II. CHỈ TIÊU" after the sections so far, with the targets' comments moved to where they now sit."""
    targets = target_blocks(d)
    target_comments = dict(d.comments)
    d.comments.clear()
    if targets:
        sections.append(Block(label="II.", title="CHỈ TIÊU", blocks=targets))
        for i, comment in target_comments.items():
            d.comments[("sections", len(sections) - 1, "blocks", i, "text")] = comment
