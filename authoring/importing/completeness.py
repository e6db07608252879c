"""Nothing dropped: the cells of a source's tables, and those whose words reached neither the plan nor its report."""

from __future__ import annotations

import re
from pathlib import Path

from docx.oxml.ns import qn
from ..loading.yamlio import read_yaml
from ..ooxml.reader import find_regions, table_text_rows
from ..text import match_key, nfc
from .sources import _is_row, _is_task_header


def document_cells(document) -> list[str]:
    """The text of every content cell of a DOCX (or of a PDF rebuilt as one): the header and signature tables are
    layout, and the header row of a task table is its structure (STT, Nhiệm vụ, Chủ trì …), not content."""
    regions = find_regions(document)
    layout = {id(t) for t in regions.headers} | {id(regions.closing)}
    cells: list[str] = []
    for table in document.element.body.iter(qn("w:tbl")):
        if id(table) in layout:
            continue
        rows = table_text_rows(table)
        if rows and _is_task_header(rows[0]):
            rows = rows[1:]
        cells += [c for row in rows for c in row if c.strip()]
    return cells


def text_cells(path: Path) -> list[str]:
    """The cells of the task tables of a web copy ("| TT | Nhiệm vụ | Chủ trì |" and the rows after it); the other
    "|" rows of a web copy are the header's layout, read as lines."""
    cells: list[str] = []
    in_table = False
    for line in nfc(Path(path).read_text(encoding="utf-8-sig")).splitlines():
        row = [c.strip() for c in line.strip().strip("|").split("|")]
        if not _is_row(line) or set("".join(row)) <= set("-: "):
            in_table = in_table and _is_row(line)
            continue
        if not in_table and _is_task_header(row):
            in_table = True
            continue
        if in_table:
            cells += [c for c in row if c]
    return cells


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", match_key(text)))


def _strings(node, registry):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value, registry)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value, registry)
    elif isinstance(node, str):
        yield node
        if registry.resolve_agency(node) == node:   # an agency id stands for the name printed in the cell
            yield registry.agency_name(node)


def lost_cells(cells: list[str], yaml_text: str, notes: list[str], registry) -> list[str]:
    """The cells with a word found neither in the imported plan's text nor in its report."""
    found: set[str] = set()
    tree, _, _ = read_yaml(Path("nhap.yaml"), raw=yaml_text.encode("utf-8"))
    for text in [*_strings(tree, registry), *notes]:
        found |= _words(text)
    return [c for c in cells if _words(c) - found]
