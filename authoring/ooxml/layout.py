"""Words placed on pages (a PDF's text layer or OCR) laid out again as WordprocessingML, so that the one DOCX reader
sees a PDF as it sees a Word file: the header's two columns as a table, centred tên loại and trích yếu, body
paragraphs, the closing (Nơi nhận | signature) as a two-column table, and ruled tables as tables on their grid."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .. import nd30
from ..text import match_key, nfc

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MARK = "\x00"   # around a footnote mark inside a line's text, until it becomes a w:footnoteReference


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float = 12.0
    confidence: float | None = None   # 0–100 when the word was read by OCR
    raised: bool = False              # set smaller above the line: a footnote mark when it is a number


@dataclass
class Cell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str      # the cell's lines, one per paragraph, separated by newlines


@dataclass
class Table:
    top: float
    bottom: float
    x0: float
    x1: float
    rows: int
    cols: int
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Page:
    width: float
    height: float
    words: list[Word]
    tables: list[Table] = field(default_factory=list)


@dataclass
class Line:
    words: list[Word]
    page: int

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        sizes = sorted(w.size for w in self.words)
        return sizes[len(sizes) // 2]

    @property
    def text(self) -> str:
        return " ".join(f"{_MARK}{w.text}{_MARK}" if w.raised and w.text.isdigit() else w.text for w in self.words) \
            .replace(f" {_MARK}", _MARK)

    def segments(self) -> list[list[Word]]:
        """Runs of words separated by a gap wider than two spaces' worth of the font: the columns of a line."""
        out: list[list[Word]] = []
        for index, word in enumerate(self.words):
            if out and (word.x0 - out[-1][-1].x1 <= 1.6 * self.size and not _motto_starts(self.words, index)
                        or word.x0 - out[-1][-1].x1 <= _HIDDEN_GAP * self.size and _motto_resumes(out[-1], self.words,
                                                                                            index)):
                out[-1].append(word)
            else:
                out.append([word])
        return out


def _motto_starts(words: list[Word], index: int) -> bool:
    """The Quốc hiệu begins at this word: it is a column of its own however close the issuer's line runs to it (an
    issuer line set wide, "THỦ TƯỚNG CHÍNH PHỦ  CỘNG HÒA …", leaves less than two spaces between them)."""
    if index == 0 or not words[index].text.upper().startswith("CỘNG"):
        return False
    from .facts import compact

    return compact(" ".join(w.text for w in words[index:index + 4])).startswith("CONGHOAXAHOI")


def lines_of(words: list[Word], page: int) -> list[Line]:
    """Words grouped into lines by their baseline (a 12 pt label beside an 11 pt line below it stays apart); a word
    in a smaller font raised within a line (a footnote mark) joins that line."""
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (w.bottom, w.x0)):
        for line in reversed(lines[-3:]):
            first, last = line.words[0], line.words[-1]
            # Against the last word too, for a word of a text layer in a type as large set in a gap of the line: a
            # line whose baseline drifts (the date line of one column 3 pt below the Số line of the other, the day an
            # e-office wrote in 14 pt into the 13 pt line). Not for OCR boxes: on a skewed scan the next line's
            # first words sit as low as this line's last ones.
            if abs(word.bottom - first.bottom) <= 0.3 * max(word.size, first.size) or \
                    word.confidence is None and word.size >= 0.8 * last.size \
                    and abs(word.bottom - last.bottom) <= 0.3 * max(word.size, last.size) \
                    and not any(w.x0 < word.x1 and word.x0 < w.x1 for w in line.words):
                line.words.append(word)
                break
        else:
            lines.append(Line([word], page))
    lines.sort(key=lambda l: l.top)
    merged: list[Line] = []
    for index, line in enumerate(lines):
        # A raised mark sorts before or after its host line (its baseline is higher): look at both neighbours.
        near = lines[max(0, index - 2):index] + lines[index + 1:index + 3]
        hosts = [m for m in near if len(line.words) <= 2 and line.size < 0.8 * m.size and len(m.words) > 2
                 and m.top - 1 <= (line.top + line.bottom) / 2 <= m.bottom + 1 and m.bottom >= line.bottom]
        host = min(hosts, key=lambda m: m.bottom - line.bottom, default=None)   # the line it is raised above
        if host is not None:
            for word in line.words:
                word.raised = True
            host.words.extend(line.words)
        else:
            merged.append(line)
    for line in merged:
        line.words.sort(key=lambda w: w.x0)
    return sorted(merged, key=lambda l: l.top)


def _furniture(line: Line, page: Page) -> bool:
    """A page number standing alone at the top or the bottom of a page."""
    near_edge = line.bottom < page.height * 0.1 or line.top > page.height * 0.9
    return near_edge and bool(re.fullmatch(r"[-–\s]*(?:Trang\s*)?\d{1,4}[-–\s]*(?:/\s*\d{1,4})?", line.text))


# The widest gap a seal or a signing emblem stamped over the Quốc hiệu leaves in it ("CỘNG HOÀ XÃ [emblem] CHỦ NGHĨA
# VIỆT NAM": a signed scan's emblem covers "HỘI"), in type sizes.
_HIDDEN_GAP = 8.0


def _motto_resumes(segment: list[Word], words: list[Word], index: int) -> bool:
    """The Quốc hiệu began in *segment* and stopped short (a word under a seal), and the words from *index* end it."""
    from .facts import compact

    begun = compact(_seg_text(segment))
    rest = compact(" ".join(w.text for w in words[index:index + 4]))
    return begun.startswith("CONGHOA") and "VIETNAM" not in begun and rest.endswith("NGHIAVIETNAM")


def _seg_text(words: list[Word]) -> str:
    return nfc(" ".join(w.text for w in words))


def _is_motto(text: str) -> bool:
    from .facts import compact

    key = compact(text)
    # a word under a seal or signing emblem lost ("CỘNG HOÀ XÃ 'HỦ NGHĨA VIỆT NAM"): its two ends still name it
    return key.startswith("CONGHOAXAHOI") or key.startswith("CONGHOAXA") and key.endswith("NGHIAVIETNAM")


def _is_type_line(text: str) -> bool:
    from .reader import is_type_line

    return is_type_line(text)


def _is_recipients(text: str) -> bool:
    return match_key(text).startswith(("nơi nh", "noi nh"))


# --- WordprocessingML ----------------------------------------------------------------------------------------

def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _paragraph(text: str, centred: bool = False) -> etree._Element:
    p = etree.Element(_w("p"))
    if centred:
        ppr = etree.SubElement(p, _w("pPr"))
        etree.SubElement(ppr, _w("jc")).set(_w("val"), "center")
    for index, part in enumerate(text.split(_MARK)):
        r = etree.SubElement(p, _w("r"))
        if index % 2:
            etree.SubElement(r, _w("footnoteReference")).set(_w("id"), part)
            continue
        t = etree.SubElement(r, _w("t"))
        t.text = part
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return p


def _layout_table(columns: list[list[str]]) -> etree._Element:
    """One row, one cell per column, each line of a column a paragraph (a header or closing table)."""
    tbl = etree.Element(_w("tbl"))
    grid = etree.SubElement(tbl, _w("tblGrid"))
    for _ in columns:
        etree.SubElement(grid, _w("gridCol"))
    tr = etree.SubElement(tbl, _w("tr"))
    for lines in columns:
        tc = etree.SubElement(tr, _w("tc"))
        for line in lines or [""]:
            tc.append(_paragraph(line))
    return tbl


def _data_table(rows: int, cols: int, cells: list[Cell]) -> etree._Element:
    """A ruled table on its grid: a cell spanning columns is one w:tc with gridSpan, one spanning rows starts a
    vMerge that the rows below continue — the grid the lines draw, as Word would store it."""
    tbl = etree.Element(_w("tbl"))
    grid = etree.SubElement(tbl, _w("tblGrid"))
    for _ in range(cols):
        etree.SubElement(grid, _w("gridCol"))
    origin: dict[tuple[int, int], Cell] = {}
    for cell in cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                origin.setdefault((r, c), cell)
    for r in range(rows):
        tr = etree.SubElement(tbl, _w("tr"))
        c = 0
        while c < cols:
            cell = origin.get((r, c))
            tc = etree.SubElement(tr, _w("tc"))
            span = cell.colspan if cell is not None and cell.col == c else 1
            tcpr = etree.SubElement(tc, _w("tcPr"))
            if span > 1:
                etree.SubElement(tcpr, _w("gridSpan")).set(_w("val"), str(span))
            if cell is not None and cell.rowspan > 1:
                merge = etree.SubElement(tcpr, _w("vMerge"))
                if cell.row == r:
                    merge.set(_w("val"), "restart")
            text = cell.text if cell is not None and cell.row == r and cell.col == c else ""
            for line in text.split("\n"):
                tc.append(_paragraph(line))
            c += span
    return tbl


# --- the page read as a document ------------------------------------------------------------------------------

@dataclass
class _Block:
    page: int
    top: float
    line: Line | None = None
    table: Table | None = None
    last_page: int | None = None   # a table joined over page breaks ends on this page


def opens_a_document(page: Page, number: int) -> bool:
    """The page starts a document of its own: the Quốc hiệu and a "Số: …" line in its top third (a second letter
    scanned into the same file). A Quy chế issued with a Quyết định repeats the Quốc hiệu but has no "Số:" line."""
    lines = lines_of([w for w in page.words if w.bottom < page.height / 3], number)
    texts = [_seg_text(segment) for line in lines for segment in line.segments()]
    return any(_is_motto(t) for t in texts) and any(nd30.NUMBER_START_RE.match(t) for t in texts)


def _take_footnotes(lines: list[Line], page: Page, footnotes: dict[str, str]) -> list[Line]:
    """The page without its footnotes: lines at the foot of the page in a smaller type, from one that starts with a
    number, each number starting a note (its text into *footnotes*)."""
    if len(lines) < 3:
        return lines
    sizes = sorted(l.size for l in lines)
    body = sizes[len(sizes) // 2]
    start = len(lines)
    while start > 0 and lines[start - 1].top > page.height * 0.5 and lines[start - 1].size <= body - 1.5:
        start -= 1
    while start < len(lines) and not re.match(r"^\d{1,3}\s", lines[start].text.replace(_MARK, "")):
        start += 1
    current = None
    for line in lines[start:]:
        text = line.text.replace(_MARK, "")
        number = re.match(r"^(\d{1,3})\s+(.*)$", text)
        # "01 năm 2025 …" going on from "… ngày 03 tháng" is not note 1 again: a new note takes the next number
        if number and number.group(1) not in footnotes and (current is None or int(number.group(1)) == int(current) + 1):
            current = number.group(1)
            footnotes[current] = number.group(2)
        elif current is not None:
            footnotes[current] += " " + text
    return lines[:start]


def _blocks(pages: list[Page], footnotes: dict[str, str]) -> list[_Block]:
    """Lines and ruled tables of every page in reading order; words inside a table belong to its cells only; the
    footnotes at the foot of each page go to *footnotes*."""
    blocks: list[_Block] = []
    for number, page in enumerate(pages):
        def inside(word: Word) -> bool:
            cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
            return any(t.x0 <= cx <= t.x1 and t.top <= cy <= t.bottom for t in page.tables)

        flow = [w for w in page.words if not inside(w)]
        lines = [line for line in lines_of(flow, number) if not _furniture(line, page)]
        lines = _take_footnotes(lines, page, footnotes)
        items = [_Block(number, line.top, line=line) for line in lines]
        items += [_Block(number, t.top, table=t) for t in page.tables]
        blocks += sorted(items, key=lambda b: b.top)
    return _join_tables(blocks)


def _join_tables(blocks: list[_Block]) -> list[_Block]:
    """A table that runs over a page break: the part on the next page joins it (its repeated header row dropped)."""
    out: list[_Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if block.table is not None and previous is not None and previous.table is not None \
                and (previous.last_page or previous.page) + 1 == block.page \
                and previous.table.cols == block.table.cols:
            head = {c.col: c.text for c in previous.table.cells if c.row == 0}
            first = {c.col: c.text for c in block.table.cells if c.row == 0}
            skip = 1 if first == head else 0
            offset = previous.table.rows - skip
            merged = Table(previous.table.top, previous.table.bottom, previous.table.x0, previous.table.x1,
                           previous.table.rows + block.table.rows - skip, previous.table.cols,
                           previous.table.cells + [Cell(c.row + offset, c.col, c.rowspan, c.colspan, c.text)
                                                   for c in block.table.cells if c.row >= skip])
            out[-1] = _Block(previous.page, previous.top, table=merged, last_page=block.page)
            continue
        out.append(block)
    return out


# The fields of a signing stamp's text ("Ký bởi: …", "Cơ quan: …", "Ngày ký: …") and of a certified copy's ("SAO Y").
_STAMP_FIELD = re.compile(r"^(?:Ký bởi|Người ký|Cơ quan|Ngày ký|Thời gian ký|Email|SAO ?Y)\b")


def _ruled_header(blocks: list[_Block]) -> tuple[list[list[str]], int] | None:
    """The header set in a table whose borders print (a Công báo copy): the cells from the Quốc hiệu's column rightwards
    are its right column, the others its left, each read row by row; what stands above the table (the running head)
    is left out like any line above the header."""
    for index, block in enumerate(blocks[:4]):
        if block.page != 0:
            return None
        if block.table is None:
            continue
        motto = next((c for c in block.table.cells if any(_is_motto(t) for t in c.text.split("\n"))), None)
        if motto is None:
            return None
        columns: list[list[str]] = [[], []]
        for cell in sorted(block.table.cells, key=lambda c: (c.row, c.col)):
            columns[cell.col >= motto.col] += [t.strip() for t in cell.text.split("\n") if t.strip()]
        return columns, index + 1
    return None


def _header(blocks: list[_Block], page: Page) -> tuple[list[list[str]], int]:
    """The header's two columns on the first page and where the header ends: lines whose parts sit in the columns
    (issuer | Quốc hiệu, Số | date, V/v), up to the tên loại, "Kính gửi" or a line across the page."""
    # Above the Quốc hiệu only the issuer's column can hold the document: a line right of it or across the page is a
    # stamp ("SAO Y; …; Thời gian ký", "Cơ quan phát hành: …") or the scanner's edge, and is left out.
    # A signing stamp may name the Quốc hiệu too, at the page's left edge ("Ký bởi: CÔNG BÁO NƯỚC CỘNG HÒA XÃ HỘI
    # …"): the header's is the one in the right-hand column, else the first in a type at least 0.8 of the largest.
    ruled = _ruled_header(blocks)
    if ruled is not None:
        return ruled
    mottos = [i for i, b in enumerate(blocks[:16]) if b.line is not None and b.page == 0
              and any(_is_motto(_seg_text(s)) for s in b.line.segments())]
    right_hand = [i for i in mottos if any(_is_motto(_seg_text(s)) and (s[0].x0 + s[-1].x1) / 2 > page.width * 0.45
                                           for s in blocks[i].line.segments())]
    biggest = max((blocks[i].line.size for i in mottos), default=0.0)
    motto_at = next((i for i in right_hand or mottos if blocks[i].line.size >= 0.8 * biggest), 0)
    motto_line = blocks[motto_at].line if mottos else None

    def above_header(line: Line) -> bool:
        """The Công báo's running head ("CÔNG BÁO/Số …/Ngày …", the page number at the right), its section title
        (the body's name centred on the page), a stamp in small type or a full line above the Quốc hiệu: none sits
        in the issuer's column."""
        centred_or_right = all(abs((s[0].x0 + s[-1].x1) / 2 - page.width / 2) < page.width * 0.08
                               or s[0].x0 > page.width * 0.6 or _STAMP_FIELD.match(_seg_text(s))
                               for s in line.segments())
        return line.x0 > page.width * 0.4 or (len(line.segments()) == 1 and line.x1 - line.x0 > page.width * 0.5) \
            or centred_or_right or line.size < 0.7 * motto_line.size \
            or line.bottom < motto_line.top - (motto_line.bottom - motto_line.top)

    lines = []
    used = 0
    for index, block in enumerate(blocks[:16]):
        if block.line is None or block.page != 0:
            break
        if index < motto_at and motto_line is not None and above_header(block.line):
            continue   # left out of the header and of the body; the issuer's line beside it may still follow
        text = block.line.text
        segments = block.line.segments()
        wide = block.line.x1 - block.line.x0 > page.width * 0.5
        if _is_type_line(text) or text.startswith("Kính gửi") or (len(segments) == 1 and wide) \
                or _is_recipients(text) or any(_is_type_line(_seg_text(s)) for s in segments):
            break
        lines.append(block.line)
        used = index + 1
    if not any(_is_motto(_seg_text(s)) or nd30.NUMBER_START_RE.match(_seg_text(s)) for line in lines
               for s in line.segments()):
        return [[], []], 0
    motto = next((s for line in lines for s in line.segments() if _is_motto(_seg_text(s))), None)
    first = lines[0].segments()[0]
    right_centre = (motto[0].x0 + motto[-1].x1) / 2 if motto else page.width * 0.65
    left_centre = (first[0].x0 + first[-1].x1) / 2 if motto is None or first[0] is not motto[0] else page.width * 0.25
    columns: list[list[str]] = [[], []]
    for line in lines:
        parts: list[list[str]] = [[], []]
        for seg in line.segments():
            centre = (seg[0].x0 + seg[-1].x1) / 2
            parts[0 if abs(centre - left_centre) <= abs(centre - right_centre) else 1].append(_seg_text(seg))
        for side in (0, 1):
            if not parts[side]:
                continue
            text = " ".join(parts[side])
            if side == 0 and columns[0] and columns[0][-1].startswith(("V/v", "Về việc")) \
                    and not re.match(r"^(Số|V/v)\b", text):
                columns[0][-1] += " " + text   # the "V/v …" subject wrapped over lines is one line
            else:
                columns[side].append(text)
    return columns, used


def _without_stamp(blocks: list[_Block], page: Page) -> list[_Block]:
    """The tên loại and trích yếu without the "ĐẾN" stamp a văn thư puts left of them on a received paper ("UBND
    TỈNH LÂM ĐỒNG / ĐẾN Số: 1614 Ngày: … Chuyển: …", read by OCR as a column of crumbs): between the header and the
    body, when the tên loại shares its line with text on the left, the left part of those lines is the stamp. A
    công văn's "V/v" column is not touched (its tên loại line has nothing beside it)."""
    zone = []
    for index, block in enumerate(blocks):
        if block.line is None or block.page != 0 or block.line.text.startswith("Kính gửi") \
                or (block.line.x1 - block.line.x0 > page.width * 0.6 and len(block.line.segments()) == 1):
            break
        zone.append(index)
    types = [blocks[i].line.segments()[-1] for i in zone
             if len(blocks[i].line.segments()) > 1 and _is_type_line(_seg_text(blocks[i].line.segments()[-1]))]
    if not types:
        return blocks
    column = types[0][0].x0   # the tên loại's left edge: the stamp ends before it, the centred title reaches past it
    out = list(blocks)
    for index in zone:
        segments = blocks[index].line.segments()
        kept = [w for n, s in enumerate(segments) if not (s[-1].x1 < column and (n < len(segments) - 1
                                                                                 or len(segments) == 1)) for w in s]
        letters = sum(c.isalpha() for c in _seg_text(kept))
        out[index] = _Block(0, blocks[index].top, line=Line(kept, 0)) if kept and letters >= 3 else None
    return [b for b in out if b is not None]


def _closing(lines: list[Line], width: float) -> list[list[str]]:
    """Nơi nhận on the left, the signature on the right; a recipient wrapped over two lines is one line."""
    start = min(l.x0 for l in lines)
    columns: list[list[str]] = [[], []]
    for line in lines:
        for seg in line.segments():
            text = _seg_text(seg)
            if seg[0].x0 > start + 0.3 * (width - 2 * start) or seg[0].x0 > width * 0.5:
                columns[1].append(text)
            elif columns[0] and not re.match(r"^[-+•–]|^N[oơ]i", text):
                columns[0][-1] += " " + text
            else:
                columns[0].append(text)
    return columns


# What opens the preamble under the trích yếu, as printed (capital first letter).
_PREAMBLE_START = re.compile(r"^(?:Căn cứ|Thực hiện|Theo đề nghị|Xét đề nghị)\b")


def _paragraphs(blocks: list[_Block], width: float) -> list[etree._Element]:
    """Lines joined into paragraphs where the layout says a paragraph goes on: same alignment, no first-line
    indent, the line above running to the right margin, no extra space above."""
    lines = [b.line for b in blocks if b.line is not None]
    if not lines:
        return [_data_table(b.table.rows, b.table.cols, b.table.cells) for b in blocks if b.table is not None]
    def margins(some: list[Line]) -> tuple[float, float]:
        starts = sorted(round(l.x0) for l in some)
        return (max(set(starts), key=lambda x: (starts.count(x), -x)),
                sorted(l.x1 for l in some)[int(len(some) * 0.9)])

    # Each page its own margins: annex pages turned to landscape (a Công báo's tables) would set a left margin the
    # portrait pages never reach, and no line of theirs would read as centred or going on.
    fallback = margins(lines)
    by_page = {n: margins(some) if len(some := [l for l in lines if l.page == n]) >= 5 else fallback
               for n in {l.page for l in lines}}
    steps = sorted(b.top - a.top for a, b in zip(lines, lines[1:]) if a.page == b.page and b.top > a.top)
    step = steps[len(steps) // 3] if steps else 20.0
    out: list[etree._Element] = []
    current: list[Line] = []
    centred_now = False

    def flush():
        if current:
            out.append(_paragraph(nfc(" ".join(l.text for l in current)), centred_now))
            current.clear()

    previous: Line | None = None
    in_title = False
    title_step: float | None = None
    for block in blocks:
        if block.table is not None:
            flush()
            previous = None
            out.append(_data_table(block.table.rows, block.table.cols, block.table.cells))
            continue
        line = block.line
        left, right = by_page[line.page]
        inset_left, inset_right = line.x0 - left, right - line.x1
        symmetric = abs(inset_left - inset_right) < max(30, 0.15 * width)
        centred = inset_left > 15 and inset_right > 15 and symmetric
        if previous is not None and _is_type_line(previous.text):
            in_title = True
        # the trích yếu often keeps a wider gap under the tên loại (spacing after it) than between its own lines
        reach = 2.0 if previous is not None and _is_type_line(previous.text) else 1.25
        close = previous is not None and line.page == previous.page and line.top - previous.top <= step * reach + 2
        if _PREAMBLE_START.match(line.text):
            in_title = centred = False   # "Căn cứ …" indented under the trích yếu is the preamble, however it sits
        elif in_title and close and (symmetric or (centred_now and abs(line.x0 - previous.x0) < 3
                                                   and previous.x1 > right - 2.5 * previous.size)):
            # a trích yếu line as wide as the page, centred among the other lines of the title; or the short last
            # line of a trích yếu set justified, starting where the full line above it starts
            centred = True
        gap = line.top - previous.top if previous is not None and line.page == previous.page else None
        if in_title and centred and title_step and gap and gap > title_step * 1.25 + 1:
            # a wider gap than between the trích yếu's own lines ("Địa điểm: …" set apart under it): a blank line
            flush()
            out.append(_paragraph(""))
            in_title = False
        elif in_title and centred and gap and previous is not None and not _is_type_line(previous.text):
            title_step = title_step or gap
        in_title = in_title and centred
        new = previous is None or centred != centred_now
        if not new:
            gap = line.top - previous.top if line.page == previous.page else step
            short = previous.x1 < right - 2.5 * previous.size and not centred
            indented = not centred and line.x0 > left + 8
            new = gap > step * 1.25 + 2 or short or indented or _is_type_line(previous.text) \
                or (previous.text.isupper() != line.text.isupper() and centred)
        if new:
            flush()
            centred_now = centred
        current.append(line)
        previous = line
    flush()
    return out


def document_from_pages(pages: list[Page]):
    """A python-docx Document holding the pages as Word would: header table, body, closing table, annexes."""
    from docx import Document

    document = Document()
    body = document.element.body
    for child in list(body):
        if child.tag != _w("sectPr"):
            body.remove(child)
    section = body.find(_w("sectPr"))
    footnotes: dict[str, str] = {}
    blocks = _blocks(pages, footnotes)
    elements: list[etree._Element] = []
    if blocks and pages:
        columns, used = _header(blocks, pages[0])
        if used:
            elements.append(_layout_table(columns))
        rest = _without_stamp(blocks[used:], pages[0])
        width = pages[0].width
        at = next((i for i, b in enumerate(rest)
                   if b.line is not None and _is_recipients(_seg_text(b.line.segments()[0]))), None)
        if at is None:
            elements += _paragraphs(rest, width)
        else:
            page = rest[at].page
            begin = at
            while begin > 0 and rest[begin - 1].line is not None and rest[begin - 1].page == page \
                    and rest[begin - 1].line.x0 > width * 0.45:
                begin -= 1   # "TM. ỦY BAN NHÂN DÂN" standing a line above "Nơi nhận:"
            end = at   # the closing may run onto the next page (the last recipients, the signer's name)
            while end < len(rest) and rest[end].line is not None and rest[end].page <= page + 1 \
                    and not re.match(r"^(PHỤ LỤC|Phụ lục|BIỂU MẪU|Biểu mẫu)\b", rest[end].line.text):
                end += 1
            elements += _paragraphs(rest[:begin], width)
            elements.append(_layout_table(_closing([b.line for b in rest[begin:end]], pages[page].width)))
            elements += _paragraphs(rest[end:], width)
    for element in elements:
        if section is not None:
            section.addprevious(element)
        else:
            body.append(element)
    if footnotes:
        _add_footnotes(document, footnotes)
    return document


def _add_footnotes(document, notes: dict[str, str]) -> None:
    """The notes as a footnotes part, where the DOCX reader looks for them."""
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    root = etree.Element(_w("footnotes"), nsmap={"w": W})
    for number, text in notes.items():
        note = etree.SubElement(root, _w("footnote"))
        note.set(_w("id"), number)
        note.append(_paragraph(nfc(text.replace(_MARK, ""))))
    part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES,
                etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
