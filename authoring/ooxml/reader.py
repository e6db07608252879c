"""The one reader of DOCX files: paragraph text, footnotes, reading order, the ND30 regions, kehoach's embedded data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from docx.oxml.ns import qn

from .. import nd30
from ..text import match_key, nfc, strip_diacritics

EMBEDDED_PLAN_PART = "kehoach/plan.json"   # where a kehoach render keeps the plan's data inside its DOCX
# The same data as the text of a customXml item (root element <plan> in this namespace): Word and LibreOffice drop
# kehoach/plan.json when they save the document again, but keep customXml items.
EMBEDDED_PLAN_NAMESPACE = "urn:kehoach:plan"


def open_document(path: Path | str, code: str = "X100"):
    """A python-docx Document of a DOCX read as untrusted input (ooxml.safety); InputError with *code* otherwise."""
    from .safety import open_docx

    return open_docx(path, code)


MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# w:tabs holds a paragraph's tab stops (w:tab elements too): positions, not Tab characters of its text.
_SKIPPED = {MC_FALLBACK, qn("w:txbxContent"), qn("w:delText"), qn("w:del"), qn("w:tabs")}
_TEXT_TAGS = {qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:footnoteReference")}


def _text_nodes(element):
    """Text-bearing nodes in document order, without text boxes, deleted text and the duplicate mc:Fallback copy."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag in _TEXT_TAGS:
            yield child
        elif len(child):
            yield from _text_nodes(child)


def paragraph_text(p, footnote_marks: bool = False) -> str:
    """The visible text of a paragraph: tabs as tabs, manual breaks as newlines, non-breaking spaces as spaces;
    footnote references as [^n] on request.

    Text boxes (a "DỰ THẢO" stamp), deleted revisions and the fallback copy Word keeps of every drawing are left out.
    """
    out = []
    for node in _text_nodes(p):
        if node.tag == qn("w:t"):
            # a non-breaking space only keeps words on one printed line: to a reader it is a space
            out.append((node.text or "").replace("\u00a0", " ").replace("\u202f", " "))
        elif node.tag == qn("w:tab"):
            out.append("\t")
        elif node.tag in (qn("w:br"), qn("w:cr")):
            if node.get(qn("w:type")) not in ("page", "column"):
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
    """Every non-empty paragraph in reading order: body and table cells (row by row), then footnotes numbered as
    printed (1, 2, …), whatever ids the program that saved the file gave them."""
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
    lines += [f"{number} {text}" for number, (_, text) in enumerate(footnotes(document), 1)]
    return lines


# --- tables read whole ------------------------------------------------------------------------------------------

def paragraphs_in(element) -> list:
    """Paragraphs inside a cell or table in order, nested tables included, text boxes and drawings left out."""
    out = []
    for child in element:
        if child.tag == qn("w:p"):
            out.append(child)
        elif isinstance(child.tag, str) and child.tag not in _SKIPPED:
            out.extend(paragraphs_in(child))
    return out


def table_rows(table) -> list[list[list]]:
    """Every row of a table, each a list of cells, each the list of its paragraphs (nested tables flattened in)."""
    rows = []
    for row in table.findall(qn("w:tr")):
        cells = []
        for cell in row.findall(qn("w:tc")):
            cells.append(paragraphs_in(cell))
        rows.append(cells)
    return rows


def table_columns(table) -> list[list]:
    """A layout table's paragraphs by column, top to bottom over every row (a header or closing table)."""
    columns: list[list] = []
    for row in table_rows(table):
        for index, cell in enumerate(row):
            while len(columns) <= index:
                columns.append([])
            columns[index].extend(cell)
    return [c for c in columns if any(paragraph_text(p).strip() for p in c)]


def table_text_rows(table) -> list[list[str]]:
    """A data table as text on its grid: every row, every column (a cell spanning columns fills the first; a cell
    merged down (vMerge) repeats the text of the cell above it)."""
    rows: list[list[str]] = []
    for row in table.findall(qn("w:tr")):
        cells: list[str] = []
        for cell in row.findall(qn("w:tc")):
            tcpr = cell.find(qn("w:tcPr"))
            span = tcpr.find(qn("w:gridSpan")) if tcpr is not None else None
            merge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            text = clean_line(" ".join(paragraph_text(p) for p in paragraphs_in(cell)))
            column = len(cells)
            if merge is not None and merge.get(qn("w:val")) in (None, "continue") and not text and rows:
                above = rows[-1]
                text = above[column] if column < len(above) else ""
            cells.append(text)
            width = int(span.get(qn("w:val"), "1")) if span is not None else 1
            cells.extend([""] * (width - 1))
        rows.append(cells)
    return rows


# --- the ND30 regions of any document ----------------------------------------------------------------------------

_TYPE_LINES = {match_key(name.upper()) for name in (*nd30.ALL_TYPE_ABBREVIATIONS, nd30.LETTER)}
_GAP = re.compile(r"\t| {3,}")   # what separates two columns laid out with spaces instead of a table


def is_type_line(text: str) -> bool:
    """'KẾ HOẠCH', 'QUYẾT ĐỊNH', … standing alone (the tên loại line)."""
    return text.strip() == text.strip().upper() and (match_key(text.strip()) in _TYPE_LINES
                                                     or _bare(text).replace(" ", "") in _TYPE_LINES_BARE)


def _bare(text: str) -> str:
    return re.sub(r"[^A-Z ]", "", strip_diacritics(text.strip()).upper().replace("Đ", "D")).strip()


# The tên loại with its marks and spaces off: OCR reads "QUYÉT ĐỊNH" or "QUYẾT ĐỊ NH" for "QUYẾT ĐỊNH"; no two
# names differ only in their marks.
_TYPE_LINES_BARE = {_bare(name).replace(" ", "") for name in (*nd30.ALL_TYPE_ABBREVIATIONS, nd30.LETTER)}


def _texts(element) -> list[str]:
    return [paragraph_text(p).strip() for p in paragraphs_in(element)]


def _is_motto_text(text: str) -> bool:
    key = re.sub(r"[^A-Z]", "", strip_diacritics(text).upper())
    return key.startswith("CONGHOAXAHOI") or key.startswith("CONGHOA") and "NGHIAVIETNAM" in key


def is_closing_table(table) -> bool:
    """A table that holds "Nơi nhận:" (however misspelt, in any row) or the "- Lưu: …" line: the closing block."""
    texts = [t for t in _texts(table) if t]
    archive = "- " + nd30.ARCHIVE_PREFIX[:-1]
    return any(t.startswith(archive) or match_key(t).startswith(("nơi nh", "noi nh")) for t in texts)


def paragraph_before_closing(body):
    """The paragraph just before the first closing table of *body* (blank paragraphs skipped): the body's last
    paragraph, which the renderer keeps with the closing block; None when a table or nothing comes before it."""
    from docx.oxml.ns import qn

    for table in body.iterchildren(qn("w:tbl")):
        if not is_closing_table(table):
            continue
        previous = table.getprevious()
        while previous is not None and previous.tag == qn("w:p") and not paragraph_text(previous).strip():
            previous = previous.getprevious()
        return previous if previous is not None and previous.tag == qn("w:p") else None
    return None


def _is_header_table(table) -> bool:
    texts = [t for t in _texts(table) if t]
    return any(_is_motto_text(t) or nd30.NUMBER_START_RE.match(t) for t in texts)


def split_columns(text: str) -> list[str]:
    """A line laid out in two columns with runs of spaces or tabs: its parts, left to right ("Số:   /UBND-NC" kept whole)."""
    parts = [part.strip() for part in _GAP.split(text) if part.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and re.fullmatch(r"Số\s*:?\s*\d*", merged[-1]) and part.startswith("/"):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged


@dataclass
class Regions:
    """Where the parts of a document are: header, tên loại and trích yếu, body, closing, annexes."""

    children: list = field(default_factory=list)    # body-level paragraphs and tables, in order
    headers: list = field(default_factory=list)     # header table(s) before the body
    header_paragraphs: list = field(default_factory=list)   # a header laid out with spaces instead of a table
    type_line: object | None = None                 # "KẾ HOẠCH", "QUYẾT ĐỊNH", …
    title: list = field(default_factory=list)       # trích yếu paragraph(s), or the "V/v …" lines of a công văn
    closing: object | None = None                   # the table with Nơi nhận and the signature
    closing_paragraphs: list = field(default_factory=list)  # a closing laid out with spaces and tabs
    signer_outside: object | None = None            # the signer's name typed under the closing table, placed by indent
    annex_start: int | None = None                  # index in children where the annexes (Phụ lục) begin
    body_start: int = 0
    body_end: int = 0

    @property
    def header(self):
        return self.headers[0] if self.headers else None

    @property
    def body(self) -> list:
        title = set(id(p) for p in self.title)
        return [c for c in self.children[self.body_start:self.body_end]
                if id(c) not in title and c is not self.type_line]

    def body_paragraphs(self) -> list:
        return [c for c in self.body if c.tag == qn("w:p") and paragraph_text(c).strip()]

    @property
    def annexes(self) -> list:
        return self.children[self.annex_start:] if self.annex_start is not None else []

    def header_columns(self) -> list[list[str]]:
        """The header's text by column: [left lines, right lines] (manual line breaks split)."""
        columns: list[list[str]] = [[], []]
        for table in self.headers:
            for index, column in enumerate(table_columns(table)[:2]):
                for p in column:
                    columns[index] += [clean_line(t) for t in paragraph_text(p).split("\n") if t.strip()]
        for p in self.header_paragraphs:
            for line in paragraph_text(p).split("\n"):
                parts = split_columns(line)
                if len(parts) >= 2:
                    columns[0].append(clean_line(parts[0]))
                    columns[1].append(clean_line(" ".join(parts[1:])))
                elif parts:
                    # one part: by where it stands (a right-hand part is pushed over with spaces or tabs)
                    side = 1 if (line.startswith(("\t", "   ")) or _is_motto_text(parts[0])
                                 or nd30.DATE_LINE_RE.match(clean_line(parts[0]))) else 0
                    columns[side].append(clean_line(parts[0]))
        return columns


def document_type(regions: Regions) -> str | None:
    """The type of a document: its tên loại line, else the type its ký hiệu names, else Công văn for a "V/v" line."""
    if regions.type_line is not None:
        key = match_key(paragraph_text(regions.type_line).strip())
        return next((name for name in (*nd30.TYPE_ABBREVIATIONS, nd30.LETTER) if match_key(name) == key), None)
    left = regions.header_columns()[0]
    number = next((nd30.NUMBER_PREFIX_RE.match(line) for line in left if nd30.NUMBER_PREFIX_RE.match(line)), None)
    kind = nd30.type_of_symbol(number.group("symbol")) if number else None
    if kind:
        return kind
    subject = [paragraph_text(p) for p in regions.title] + left
    return nd30.LETTER if any(t.strip().startswith(nd30.LETTER_SUBJECT_PREFIX) for t in subject) else None


def _centred(p, fmt=None) -> bool:
    if fmt is not None:
        return fmt.paragraph(p).alignment == "center"
    ppr = p.find(qn("w:pPr"))
    jc = ppr.find(qn("w:jc")) if ppr is not None else None
    return jc is not None and jc.get(qn("w:val")) == "center"


def _annex_heading(text: str) -> bool:
    return bool(re.match(r"^(PHỤ LỤC|Phụ lục|BIỂU MẪU|Biểu mẫu)\b", text.strip()))


def _goes_on(previous: str, text: str) -> bool:
    """A line in lower case right under a trích yếu line that is not closed goes on that trích yếu."""
    return text[:1].islower() and not previous.rstrip().endswith((".", ":", ";"))


def find_regions(document) -> Regions:
    body = document.element.body
    children = [c for c in body if c.tag in (qn("w:p"), qn("w:tbl"))]
    regions = Regions(children)
    from .formatting import Formatting

    fmt = Formatting(document)
    texts = [" ".join(_texts(c)).strip() if c.tag == qn("w:tbl") else paragraph_text(c).strip() for c in children]
    # Header: the tables (or spaced-out paragraphs) before anything else, holding the Quốc hiệu or "Số:".
    index = 0
    while index < len(children):
        child = children[index]
        if child.tag == qn("w:tbl") and _is_header_table(child) and not is_closing_table(child):
            regions.headers.append(child)
        elif child.tag == qn("w:p") and not texts[index]:
            pass
        elif child.tag == qn("w:p") and not regions.headers and (
                _is_motto_text(texts[index]) or nd30.NUMBER_START_RE.match(texts[index]) or
                (len(split_columns(texts[index])) >= 2 and index < 8 and not is_type_line(texts[index]))
                or (regions.header_paragraphs and nd30.DATE_LINE_RE.match(clean_line(texts[index])))):
            regions.header_paragraphs.append(child)
        elif child.tag == qn("w:p") and index < 3 and not regions.headers and not regions.header_paragraphs \
                and texts[index] == texts[index].upper():
            regions.header_paragraphs.append(child)   # an issuer line above the spaced-out Quốc hiệu line
        else:
            break
        index += 1
    if regions.header_paragraphs and not any(_is_motto_text(t) or "Số" in t
                                             for t in (paragraph_text(p) for p in regions.header_paragraphs)):
        index -= len(regions.header_paragraphs)
        regions.header_paragraphs = []
    start = index
    # Tên loại, then the trích yếu: centred paragraphs right under it (one or several).
    probe = start
    while probe < len(children) and children[probe].tag == qn("w:p") and not texts[probe]:
        probe += 1
    if probe < len(children) and children[probe].tag == qn("w:p") and is_type_line(texts[probe]):
        regions.type_line = children[probe]
        probe += 1
        while probe < len(children) and children[probe].tag == qn("w:p"):
            text = texts[probe]
            if not text:
                if regions.title:
                    break
                probe += 1
                continue
            if not regions.title and not _centred(children[probe], fmt) and not re.match(r"^(I|1)\.\s", text) \
                    and not text.startswith("Kính gửi"):
                regions.title.append(children[probe])   # not centred, but right under the tên loại: the trích yếu
                probe += 1
                while probe < len(children) and children[probe].tag == qn("w:p") and \
                        _goes_on(texts[probe - 1], texts[probe]):
                    regions.title.append(children[probe])
                    probe += 1
                break
            if regions.title and texts[children.index(regions.title[-1])].rstrip().endswith("."):
                break   # a trích yếu closed by a full stop ("… về dữ liệu."): a centred line below starts the body
            if regions.title and nd30.ENACTING_AUTHORITY_RE.match(text):
                break   # "HỘI ĐỒNG NHÂN DÂN TỈNH … KHÓA XVII": who enacts it, centred under the trích yếu
            if regions.title and _goes_on(texts[children.index(regions.title[-1])], text):
                regions.title.append(children[probe])   # centred or not (a phone photo's curved lines)
                probe += 1
                continue
            if not _centred(children[probe], fmt) or text.startswith("Kính gửi") or (regions.title and text == text.upper() and
                                                  texts[children.index(regions.title[0])] != texts[children.index(regions.title[0])].upper()):
                break
            regions.title.append(children[probe])
            probe += 1
        start = probe
    elif probe < len(children) and children[probe].tag == qn("w:p") and texts[probe].startswith(nd30.LETTER_SUBJECT_PREFIX):
        while probe < len(children) and children[probe].tag == qn("w:p") and texts[probe] and (
                not regions.title or _centred(children[probe], fmt) and not texts[probe].startswith("Kính gửi")):
            regions.title.append(children[probe])
            probe += 1
        start = probe
    regions.body_start = start
    # Closing: the table with Nơi nhận, or a "Nơi nhận:" paragraph laid out with spaces.
    end = len(children)
    for i in range(start, len(children)):
        child = children[i]
        if child.tag == qn("w:tbl") and is_closing_table(child):
            regions.closing, end = child, i
            break
        if child.tag == qn("w:p") and re.match(r"^N[oơ]i nh[aậ][nm]\s*:", texts[i]):
            end = i
            j = i
            while j < len(children) and children[j].tag == qn("w:p") and not _annex_heading(texts[j]) \
                    and not (j > i and _section_break(children[j - 1])):
                regions.closing_paragraphs.append(children[j])
                j += 1
            break
    regions.body_end = end
    # Annexes: after the closing, from the first "Phụ lục" heading (or the first section break).
    after = end + (1 if regions.closing is not None else len(regions.closing_paragraphs))
    if regions.closing is not None:
        # The name left out of the table's right column and typed below it, pushed right by an indent or spaces
        # ("  Hồ Văn Mười" under a table whose right column ends with "CHỦ TỊCH"): the closing's, not an annex.
        probe = after
        while probe < min(len(children), after + 3) and children[probe].tag == qn("w:p") and not texts[probe]:
            probe += 1
        if probe < len(children) and children[probe].tag == qn("w:p") and _is_person_name(texts[probe]):
            regions.signer_outside = children[probe]
            after = probe + 1
    for i in range(after, len(children)):
        if children[i].tag == qn("w:p") and (_annex_heading(texts[i]) or texts[i]):
            regions.annex_start = i
            break
    return regions


def _is_person_name(text: str) -> bool:
    """A Vietnamese full name on its own: two to five words, each a capital then small letters ("Hồ Văn Mười")."""
    words = text.split()
    return 2 <= len(words) <= 5 and all(w.isalpha() and w[0].isupper() and w[1:].islower() for w in words)


def _section_break(p) -> bool:
    ppr = p.find(qn("w:pPr"))
    return ppr is not None and ppr.find(qn("w:sectPr")) is not None


def signer_lines(document) -> tuple[str | None, str | None]:
    """(signer's name, the title line above it) from the closing table's right column."""
    regions = find_regions(document)
    table = regions.closing if regions.closing is not None else (document.tables[-1]._tbl if document.tables else None)
    if table is None:
        return None, None
    columns = table_columns(table)
    if len(columns) < 2:
        return None, None
    lines = [clean_line(t) for p in columns[-1] for t in paragraph_text(p).split("\n") if t.strip()]
    return (lines[-1], lines[-2]) if len(lines) >= 2 else (None, None)


# --- kehoach's own data inside a DOCX ----------------------------------------------------------------------------

def embedded_plan(path: Path, code: str = "M101") -> bytes | None:
    """The plan data a kehoach render stores inside its DOCX, if any (size-checked before it is read): the part of
    its own, or else the copy in a customXml item, which survives saving in Word or LibreOffice."""
    from .. import limits
    from .safety import custom_xml_text, embedded_part

    data = embedded_part(path, EMBEDDED_PLAN_PART, code)
    if data is None:
        data = custom_xml_text(path, EMBEDDED_PLAN_NAMESPACE, code, limits.MAX_EMBEDDED_PLAN_BYTES + 4096)
    return data


def clean_line(text: str) -> str:
    """A paragraph's text as one NFC line with single spaces."""
    return re.sub(r"\s+", " ", nfc(text)).strip()
