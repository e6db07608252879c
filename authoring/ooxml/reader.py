"""The one reader of DOCX files: paragraph text, footnotes, reading order, the ND30 regions, kehoach's embedded data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from docx.oxml.ns import qn

from .. import nd30
from ..text import match_key, nfc

EMBEDDED_PLAN_PART = "kehoach/plan.json"   # where a kehoach render keeps the plan's data inside its DOCX


def open_document(path: Path | str, code: str = "X100"):
    """A python-docx Document of a DOCX read as untrusted input (ooxml.safety); InputError with *code* otherwise."""
    from .safety import open_docx

    return open_docx(path, code)


def paragraph_text(p, footnote_marks: bool = False) -> str:
    """The visible text of a paragraph: tabs as tabs, manual breaks as newlines; footnote references as [^n] on request."""
    out = []
    tags = (qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:footnoteReference"))
    for node in p.iter(*tags):
        if node.tag == qn("w:t"):
            out.append(node.text or "")
        elif node.tag == qn("w:tab"):
            out.append("\t")
        elif node.tag == qn("w:br"):
            out.append("\n")
        elif footnote_marks:
            out.append(f"[^{node.get(qn('w:id'))}]")
    return "".join(out)


def text_runs(p):
    """Runs of a paragraph that carry text (fields, footnote references and empty runs left out)."""
    return [r for r in p.iter(qn("w:r")) if any((t.text or "").strip() for t in r.findall(qn("w:t")))]


def cell_paragraphs(cell) -> list:
    return cell.findall(qn("w:p"))


def footnotes(document, footnote_marks: bool = False) -> list[tuple[str, str]]:
    """(id, text) of each real footnote of a DOCX, separators left out."""
    from lxml import etree

    parts = [rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/footnotes")]
    if not parts:
        return []
    from .safety import safe_xml_parser

    root = etree.fromstring(parts[0].blob, safe_xml_parser())
    return [(note.get(qn("w:id")),
             " ".join(paragraph_text(p, footnote_marks) for p in note.findall(qn("w:p"))).strip())
            for note in root.findall(qn("w:footnote"))
            if note.get(qn("w:type")) not in ("separator", "continuationSeparator")]


def reading_order_lines(document) -> list[str]:
    """Every non-empty paragraph in reading order: body and table cells (row by row), then footnotes."""
    lines: list[str] = []

    def visit(element):
        for child in element:
            if child.tag == qn("w:p"):
                text = paragraph_text(child).strip()
                if text:
                    lines.append(text)
            elif child.tag == qn("w:tbl"):
                for row in child.findall(qn("w:tr")):
                    for cell in row.findall(qn("w:tc")):
                        visit(cell)
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    visit(content)

    visit(document.element.body)
    lines += [f"{note_id} {text}" for note_id, text in footnotes(document)]
    return lines


# --- the ND30 regions of any document ----------------------------------------------------------------------------

def is_closing_table(table) -> bool:
    """A table that holds "Nơi nhận:" (however misspelt) or the "- Lưu: …" line: the closing block."""
    texts = [paragraph_text(p).strip() for p in table.iter(qn("w:p"))]
    first = match_key(next((t for t in texts if t), ""))
    archive = "- " + nd30.ARCHIVE_PREFIX[:-1]
    return any(t.startswith(archive) for t in texts) or first.startswith(("nơi nh", "noi nh"))


@dataclass
class Regions:
    """Where the parts of a document are: the header table, the body between, the closing table."""

    children: list = field(default_factory=list)   # body-level paragraphs and tables, in order
    header: object | None = None                    # the first table, when it opens the document
    closing: object | None = None                   # the table with Nơi nhận and the signature

    @property
    def body(self) -> list:
        start = self.children.index(self.header) + 1 if self.header is not None else 0
        end = self.children.index(self.closing) if self.closing is not None else len(self.children)
        return self.children[start:end]

    def body_paragraphs(self) -> list:
        return [c for c in self.body if c.tag == qn("w:p") and paragraph_text(c).strip()]


def find_regions(document) -> Regions:
    body = document.element.body
    children = [c for c in body if c.tag in (qn("w:p"), qn("w:tbl"))]
    tables = [c for c in children if c.tag == qn("w:tbl")]
    header = tables[0] if tables and children.index(tables[0]) <= 1 else None
    closing = next((t for t in tables if t is not header and is_closing_table(t)), None)
    return Regions(children, header, closing)


def signer_lines(document) -> tuple[str | None, str | None]:
    """(signer's name, the title line above it) from the closing table's right cell."""
    regions = find_regions(document)
    table = regions.closing if regions.closing is not None else (document.tables[-1]._tbl if document.tables else None)
    if table is None:
        return None, None
    row = table.find(qn("w:tr"))
    cells = row.findall(qn("w:tc")) if row is not None else []
    if len(cells) < 2:
        return None, None
    lines = [paragraph_text(p).strip() for p in cells[1].findall(qn("w:p")) if paragraph_text(p).strip()]
    return (lines[-1], lines[-2]) if len(lines) >= 2 else (None, None)


# --- kehoach's own data inside a DOCX ----------------------------------------------------------------------------

def embedded_plan(path: Path, code: str = "M101") -> bytes | None:
    """The plan data a kehoach render stores inside its DOCX, if any (size-checked before it is read)."""
    from .safety import embedded_part

    return embedded_part(path, EMBEDDED_PLAN_PART, code)


def clean_line(text: str) -> str:
    """A paragraph's text as one NFC line with single spaces."""
    return re.sub(r"\s+", " ", nfc(text)).strip()
