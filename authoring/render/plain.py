"""A plan as plain text in reading order: the words the DOCX prints, without layout."""

from __future__ import annotations

import re

from .. import nd30
from ..model import Block, Plan
from ..model.plan import strip_footnote_marks
from ..text import nd30_date_line, upper_keep_symbols

_ROMAN_RE = re.compile(r"^[IVXLC]+\.$")
_EMPHASIS_RE = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*|<su[pb]>(.+?)</su[pb]>")


def strip_emphasis(text: str) -> str:
    """Text without the **bold**, *italic* and <sup>/<sub> marks authors may use inside a paragraph."""
    return _EMPHASIS_RE.sub(lambda m: m.group(1) or m.group(2) or m.group(3), text)


def number_line(plan: Plan) -> str:
    """'Số: 07/KH-UBND', or 'Số:      /KH-UBND' before issue (ND30: leading zero below 10)."""
    return nd30.number_line(plan.document.number, plan.document.symbol)


def date_line(plan: Plan) -> str:
    d = plan.document.date
    return nd30_date_line(plan.document.place, d.year, d.month, d.day)


def is_section_heading(block: Block, top_level: bool) -> bool:
    return top_level and bool(block.label and _ROMAN_RE.match(block.label))


def printed_title(block: Block, top_level: bool) -> str | None:
    """The title as printed: a Roman-numbered section heading is upper-case (ND30), symbols kept."""
    if block.title and is_section_heading(block, top_level):
        return upper_keep_symbols(block.title)
    return block.title


def block_line(block: Block, top_level: bool = False) -> str:
    """One block's printed line: label, title, text."""
    title = printed_title(block, top_level)
    head = " ".join(p for p in (block.label, title) if p)
    if title and block.text:
        head = f"{head}: {block.text}" if not title.endswith(":") else f"{head} {block.text}"
    elif block.text:
        head = f"{head} {block.text}" if head else block.text
    return head


def recipient_lines(plan: Plan) -> list[str]:
    """The lines under "Nơi nhận:" as printed, the archive line last."""
    lines = []
    for r in plan.recipients:
        purpose = f" ({r.purpose})" if r.purpose else ""
        lines.append(f"- {r.name}{purpose};")
    if plan.archive is not None:
        lines.append(f"- {nd30.ARCHIVE_PREFIX} {plan.archive}.")
    return lines


def header_lines(plan: Plan) -> list[str]:
    doc = plan.document
    lines = []
    if doc.governing_body:
        lines.append(doc.governing_body)
    lines += doc.issuer.header or [doc.issuer.name.upper()]
    return lines


def printed_blocks(plan: Plan) -> list[tuple[Block, bool]]:
    """Every block in reading order with whether it is a top-level section (its heading prints in capitals)."""
    flat: list[tuple[Block, bool]] = []

    def walk(block: Block, top: bool):
        flat.append((block, top))
        for child in block.blocks:
            walk(child, False)

    for group in (plan.preamble, plan.sections, plan.closing):
        for block in group:
            walk(block, group is plan.sections)
    return flat


def with_end_mark(text: str) -> str:
    """The body's last paragraph as printed: ending in the decree's end mark."""
    stripped = text.rstrip()
    if stripped.endswith(nd30.END_MARK):
        return stripped
    if stripped.endswith("/."):
        return stripped[:-2] + nd30.END_MARK
    if stripped.endswith("."):
        return stripped[:-1] + nd30.END_MARK
    return stripped + nd30.END_MARK


def plan_lines(plan: Plan, with_header: bool = True) -> list[str]:
    """Every printed line in reading order (markup removed), footnotes at the end."""
    lines: list[str] = []
    if with_header:
        lines += header_lines(plan)
        lines += [number_line(plan), date_line(plan)]
    lines += [plan.document.type.upper(), plan.document.title]

    def walk(block: Block, top_level: bool):
        lines.append(block_line(block, top_level))
        for child in block.blocks:
            walk(child, False)

    for group in (plan.preamble, plan.sections, plan.closing):
        for block in group:
            walk(block, group is plan.sections)
    lines.append(nd30.RECIPIENTS_LABEL)  # printed right even where a copied source misspelt it
    lines += recipient_lines(plan)
    if plan.signature:
        lines += plan.signature.authority + plan.signature.positions + [plan.signature.name]
    lines += [f"{key} {text}" for key, text in plan.footnotes.items()]
    return [strip_emphasis(strip_footnote_marks(line)) for line in lines]


def plan_text(plan: Plan, with_header: bool = True) -> str:
    return "\n".join(plan_lines(plan, with_header)) + "\n"
