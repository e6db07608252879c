"""Reading an existing plan (plain text or DOCX) into paragraphs in reading order, each with its zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import nd30
from ..ooxml.facts import is_upper_line
from ..text import nfc

LABEL = re.compile(r"^(?P<label>(?:[IVX]+\.)|(?:\d{1,2}\.\d{1,2}\.)|(?:\d{1,2}\.)|(?:[a-zđ]\))|(?:-))\s+(?P<rest>.*)$")
SUPERSCRIPT = {"¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"}


@dataclass
class Para:
    text: str
    zone: str = "body"   # body, closing-left, closing-right, footnote, annex-row
    cells: list[str] | None = None   # an annex table row, every column
    title: str | None = None         # the annex the row belongs to
    table: int | None = None         # which table of the document (1, 2, …), for messages


def _clean(text: str) -> str:
    """Markdown heading and whole-line emphasis marks removed; inline **bold** and *italic* kept."""
    text = re.sub(r"^#+\s*", "", text.strip())
    text = text.replace("<sub>", "").replace("</sub>", "")
    for mark in ("***", "**", "*"):
        if text.startswith(mark) and text.endswith(mark) and len(text) > 2 * len(mark) \
                and mark not in text[len(mark):-len(mark)]:
            text = text[len(mark):-len(mark)]
            break
    text = text.replace("^a", "a")
    for sup, digit in SUPERSCRIPT.items():
        text = text.replace(sup, f"[^{digit}]")
    return re.sub(r"\s+", " ", text).strip()


def _looks_wrapped(lines: list[str]) -> bool:
    """Hard line breaks inside sentences: most lines end without sentence punctuation."""
    full = [l for l in lines if l.strip()]
    if len(full) < 10:
        return False
    open_ended = sum(1 for l in full if not re.search(r"[.;:!?)”\"]\s*$", l.strip()))
    return open_ended / len(full) > 0.5


def web_lines(raw: str) -> list[str]:
    """A copy from a web page as lines: literal "\\r\\n" escapes and "|" cell edges become line breaks."""
    raw = nfc(raw).replace("\\r\\n", "\n").replace("\r\n", "\n").replace("\r", "\n")
    lines: list[str] = []
    table = False   # inside a task table ("| TT | Nhiệm vụ | Chủ trì | … |"): its rows stay whole
    for line in raw.split("\n"):
        table = _is_row(line) and (table or _is_task_header([c.strip() for c in line.strip("| ").split("|")]))
        if table:
            lines.append(line.strip())
            continue
        if "|" in line and not line.lstrip().startswith("|-"):
            cells = [c.strip() for c in line.split("|")]
            if len(cells) > 1:
                lines += [c for c in cells if c] or [""]
                continue
        lines.append(line)
    return lines


def read_text(path: Path) -> list[Para]:
    lines = web_lines(path.read_text(encoding="utf-8-sig"))
    raw = "\n".join(lines)
    blank = sum(1 for l in lines if not l.strip())
    paragraphs: list[str] = []
    if blank / max(len(lines), 1) > 0.2:
        for chunk in re.split(r"\n\s*\n", raw):
            current = ""
            for line in chunk.split("\n"):
                if (line.startswith(("- ", "**", "|")) or _is_row(current)) and current:
                    paragraphs.append(current)
                    current = line
                else:
                    current = f"{current} {line}" if current else line
            if current:
                paragraphs.append(current)
    elif _looks_wrapped(lines):
        paragraphs = _join_wrapped(lines)
    else:
        paragraphs = lines
    out: list[Para] = []
    annex_title, table_open = None, False
    for text in (_clean(p) for p in paragraphs):
        if not text or text == "|":
            continue
        if re.match(r"^PHỤ LỤC\b", text):   # an annex after the text: only its task tables are read
            annex_title, table_open = text, False
            continue
        if _is_row(text):
            cells = [c.strip() for c in text.strip("| ").split("|")]
            if not table_open and _is_task_header(cells):   # a row inside a table may name a duty and a body too
                out.append(Para(" | ".join(cells), "annex-head", cells=cells, title=annex_title or "PHỤ LỤC"))
                table_open = True
                continue
            if table_open:
                out.append(Para(" | ".join(cells), "annex-row", cells=cells, title=annex_title or "PHỤ LỤC"))
                continue
        table_open = False
        if annex_title is not None:
            if is_upper_line(text) and annex_title.startswith("PHỤ LỤC") and len(annex_title) < 20:
                annex_title = f"{annex_title}: {text}"   # "PHỤ LỤC II" then its title line
            continue
        last_body = next((p for p in reversed(out) if p.zone == "body"), None)
        if last_body is not None and text[0].islower() and not LABEL.match(text):
            last_body.text = f"{last_body.text} {text}"  # a page break (and perhaps a footnote) cut the paragraph
            continue
        if re.match(r"^\[\^\d+\]\s", text):
            out.append(Para(text, "footnote"))
            continue
        out.append(Para(text))
    return out


def _is_row(text: str) -> bool:
    """A row of a table kept in a plain text as "| cell | cell | cell |"."""
    text = text.strip()
    return text.startswith("|") and text.endswith("|") and text.count("|") >= 3


_SENTENCE_END = re.compile(r"[.;:!?]\s*$")


_CLOSING_MARK = re.compile(r"^N[oơ]i nh[aậ][nm]:?|" + nd30.AUTHORITY_RE.pattern.lstrip("^"))


# A heading line ending in the first word of a body's name ("2. Sở" / "Tài chính") was cut inside the name.
_NAME_CUT = re.compile(r"\b(Sở|Bộ|Ban|Hội|Phòng|Ủy ban|Uỷ ban|Công an|Viện|Tòa án|Toà án|Đề nghị|Chi cục|Cục|Liên đoàn)\s*$")


_LABEL_ONLY = re.compile(r"^(?:[IVX]+\.|\d{1,2}(?:\.\d{1,2})*\.|[a-zđ]\))$")


def _join_wrapped(lines: list[str]) -> list[str]:
    paragraphs: list[str] = []
    current = ""
    previous = ""
    in_closing = False
    for line in (l.rstrip() for l in lines):
        if not line.strip():
            continue
        label = LABEL.match(line)
        starts_new = False
        if _CLOSING_MARK.match(line.strip()) or in_closing:
            in_closing = True  # from "Nơi nhận:" on, every line stands alone (recipients, signature)
            starts_new = True
        elif _LABEL_ONLY.match(current.strip()):
            starts_new = False   # "1." alone on its line: the heading it numbers is on the next
        elif _LABEL_ONLY.match(line.strip()):
            starts_new = True
        elif current and current == current.upper() and line == line.upper() and re.search(r"[A-ZĐÀ-Ỹ]", line) \
                and not label:
            starts_new = False   # an upper-case heading wrapped over two lines ("IV. PHÂN" / "CÔNG NHIỆM VỤ")
        elif line.strip() == "KẾ HOẠCH" or current.strip() == "KẾ HOẠCH":
            starts_new = True
        elif current and current == current.upper() and line != line.upper():
            starts_new = True  # an upper-case title ends where sentence case begins
        elif label and label.group("label") != "-":
            starts_new = True
        elif label:  # "- …": a bullet, unless a name was cut at "Sở Lao động / - Thương binh"
            starts_new = bool(_SENTENCE_END.search(previous)) or _is_heading(current)
        elif _is_heading(current) and line[:1].isupper() and not re.search(r"(\bvà|\bcủa|\bvới|\bcác|[-,])\s*$", current) \
                and not _NAME_CUT.search(current):
            starts_new = True
        elif _SENTENCE_END.search(previous) and line[:1].isupper() and len(previous) < 60:
            starts_new = True
        if starts_new and current:
            paragraphs.append(current)
            current = line
        else:
            current = f"{current} {line}" if current else line
        previous = line
    if current:
        paragraphs.append(current)
    return paragraphs


def _is_heading(paragraph: str) -> bool:
    """A numbered heading standing on its own short line, without closing punctuation."""
    match = LABEL.match(paragraph)
    return bool(match) and match.group("label") != "-" and len(paragraph) < 70 and not _SENTENCE_END.search(paragraph)


def read_docx(path: Path, document=None) -> list[Para]:
    """Paragraphs of any DOCX after its header (read for facts elsewhere), zoned: body, closing columns, annex task
    rows, footnotes. Word's automatic numbering is printed into the text ("1. …", "a) …"); references kept as [^n]."""
    from docx.oxml.ns import qn

    from ..ooxml.numbering import Numbering
    from ..ooxml.reader import (find_regions, footnotes, open_document, paragraph_text, paragraphs_in, split_columns,
                                table_columns, table_text_rows)

    document = document if document is not None else open_document(path, "M101")
    numbering = Numbering(document)
    out: list[Para] = []

    def text_of(p) -> str:
        text = nfc(paragraph_text(p, footnote_marks=True))
        label = numbering.label(p)
        if label and not text.lstrip().startswith(label):
            text = f"{label} {text.lstrip()}"
        return text

    def add(p, zone: str) -> None:
        text = text_of(p).strip()
        # A manual line break is a new line in the closing cells, a layout artefact in the body.
        lines = text.split("\n") if zone != "body" else [text.replace("\n", " ")]
        for line in lines:
            if line.strip():
                out.append(Para(" ".join(line.split()), zone))

    every_table = list(document.element.body.iter(qn("w:tbl")))   # held, so that each proxy (and its id) stays
    tables = {id(t): n for n, t in enumerate(every_table, 1)}

    def body_table(table) -> None:
        """A table in the body: a task table becomes task rows; a grid of several columns one line per row, its
        cells joined by " | " (a timetable stays readable); a one-column box its paragraphs."""
        rows = table_text_rows(table)
        if rows and _is_task_header(rows[0]):
            for index, row in enumerate(rows):
                out.append(Para(" | ".join(row), "annex-head" if index == 0 else "annex-row", cells=row,
                                table=tables.get(id(table))))
            return
        if max((sum(1 for c in row if c.strip()) for row in rows), default=0) >= 2:
            for row in rows:
                cells = [c for i, c in enumerate(row) if c.strip() and (i == 0 or c != row[i - 1])]
                if cells:
                    out.append(Para(" | ".join(cells), "body"))
            return
        for p in paragraphs_in(table):
            add(p, "body")

    regions = find_regions(document)
    skipped = {id(c) for c in regions.headers + regions.header_paragraphs + regions.title}
    if regions.type_line is not None:
        skipped.add(id(regions.type_line))
    for child in regions.children[:regions.body_end]:
        if id(child) in skipped:
            if child.tag == qn("w:p"):
                numbering.label(child)
            continue
        if child.tag == qn("w:p"):
            add(child, "body")
        else:
            body_table(child)
    if regions.closing is not None:
        columns = table_columns(regions.closing)
        for index, column in enumerate(columns[:2] if len(columns) > 1 else columns):
            for p in column:
                add(p, "closing-left" if index == 0 else "closing-right")
    for p in regions.closing_paragraphs:
        for line in paragraph_text(p).split("\n"):
            parts = split_columns(line)
            if not parts:
                continue
            if line.strip().startswith(("Nơi", "Noi", "-")):
                out.append(Para(" ".join(parts[0].split()), "closing-left"))
                parts = parts[1:]
            if parts:
                out.append(Para(" ".join(" ".join(parts).split()), "closing-right"))
    annex_title = None
    for child in regions.annexes:
        if child.tag == qn("w:p"):
            text = " ".join(paragraph_text(child).split())
            if text and text == text.upper() and not text.startswith("(") and len(text) > 12:
                annex_title = text
            elif text and not re.match(r"^(PHỤ LỤC|Phụ lục|BIỂU MẪU|Biểu mẫu)\b", text) and not text.startswith("("):
                out.append(Para(text, "annex-text", title=annex_title))   # prose of an annex: kept, never dropped
            continue
        rows = table_text_rows(child)
        number = tables.get(id(child))
        if rows and _is_task_header(rows[0]):
            for index, row in enumerate(rows):
                out.append(Para(" | ".join(row), "annex-head" if index == 0 else "annex-row", cells=row,
                                title=annex_title, table=number))
        else:
            out += [Para(" | ".join(row), "annex-table", cells=row, title=annex_title, table=number) for row in rows]
    for note_id, text in footnotes(document, footnote_marks=True):
        out.append(Para(f"[^{note_id}] {nfc(' '.join(text.split()))}", "footnote"))
    return _renumber_footnotes(out)


def _renumber_footnotes(paras: list[Para]) -> list[Para]:
    """Footnotes numbered as Word prints them, 1, 2, … in order of their first reference (the ids inside the file
    differ between Word and LibreOffice)."""
    order: dict[str, str] = {}
    for para in paras:
        if para.zone != "footnote":
            for note_id in re.findall(r"\[\^([^\]]+)\]", para.text):
                order.setdefault(note_id, str(len(order) + 1))
    for para in paras:
        if para.zone == "footnote":
            m = re.match(r"^\[\^([^\]]+)\]", para.text)
            if m and m.group(1) not in order:
                order[m.group(1)] = str(len(order) + 1)
    if all(k == v for k, v in order.items()):
        return paras
    for para in paras:
        para.text = re.sub(r"\[\^([^\]]+)\]", lambda m: f"[^{order.get(m.group(1), m.group(1))}]", para.text)
    return paras


def _is_task_header(cells: list[str]) -> bool:
    """The header row of an annex task table: a content column and an agency column."""
    from ..text import match_key

    keys = [match_key(c) for c in cells]
    return any("nội dung" in k or "nhiệm vụ" in k for k in keys) and \
        any("chủ trì" in k or "thực hiện" in k or "cơ quan" in k or "đơn vị" in k for k in keys)
