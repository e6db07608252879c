"""ND30 layout rules for any DOCX — ours or one drafted by hand (`kehoach lint-docx`).

The document is read once by the ooxml reader (header table or tables, tên loại and trích yếu over one or several
paragraphs, body, closing, annexes); the form of its type (nd30.FORMS: Kế hoạch, Quyết định, Công văn, …) says which
elements it must have. Every finding carries the short name of the rule it applies (RULES), so the corpus of real
documents can judge each one.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from docx.oxml.ns import qn

from .. import nd30
from ..findings import Finding, FindingIndex, Severity
from ..ooxml.formatting import EMU_PER_MM, Formatting
from ..ooxml.reader import (MC_FALLBACK, _text_nodes as text_nodes, document_type, find_regions, open_document,
                            paragraph_text, paragraphs_in, split_columns, table_columns, table_rows, text_runs)
from ..text import match_key

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
MAX_PER_CODE = 8  # after this many findings of one code, one summary line says how many more

# Short rule name → finding code. One table: the corpus of real documents (tests/fixtures/real/index.yaml) judges
# findings by these names.
RULES = {
    "page_size": "X101", "margins": "X102", "font_not_tnr": "X103", "theme_font": "X104",
    "quoc_hieu_format": "X105", "tieu_ngu_format": "X106", "rule_under_tieu_ngu": "X107",
    "rule_under_issuer": "X108", "issuer_format": "X108", "number_leading_zero": "X109", "number_line": "X109",
    "date_leading_zero": "X110", "date_line_format": "X110", "type_line_format": "X111", "rule_under_title": "X112",
    "title_format": "X112", "body_not_justified": "X113", "first_line_indent": "X114", "paragraph_spacing": "X115",
    "line_spacing": "X116", "body_size": "X117", "end_mark_missing": "X118", "roman_heading_format": "X119",
    "header_table_missing": "X120", "noi_nhan_format": "X121", "noi_nhan_punctuation": "X122",
    "signer_name_format": "X123", "page_number": "X124", "footnote_as_text": "X125", "can_cu_not_italic": "X126",
    "so_line_size": "X127",
}
RULE_CODES = RULES

QUOC_HIEU = {match_key(text) for text in nd30.QUOC_HIEU_VARIANTS}
TIEU_NGU = match_key(nd30.TIEU_NGU_TEXT)
ROMAN_RE = re.compile(r"^[IVXLC]+\.\s")
HEADING_RE = re.compile(r"^(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?|[a-zđ]\)|Điều \d+\.?|Chương [IVXLC]+|Mục \d+|Phần)\s")
_LINE_TAGS = {"line", "cxnSp", "pict", "drawing"}


@dataclass
class LintItem:
    rule: str
    finding: Finding

    @property
    def message(self) -> str:
        return self.finding.message


@dataclass
class LintReport:
    form: nd30.Form
    items: list[LintItem] = field(default_factory=list)
    index: FindingIndex = field(default_factory=FindingIndex)


class _Report:
    def __init__(self, file: str):
        self.file = file
        self.items: list[LintItem] = []
        self._counts: Counter = Counter()

    def add(self, rule, severity, message, where=None, suggestion=None):
        code = RULES[rule]
        self._counts[code] += 1
        finding = Finding(code, severity, message, self.file, None, None, where, suggestion)
        self.items.append(LintItem(rule, finding))

    def finish(self) -> FindingIndex:
        index = FindingIndex()
        shown: Counter = Counter()
        for item in self.items:
            shown[item.finding.code] += 1
            if shown[item.finding.code] <= MAX_PER_CODE:
                index.add(item.finding)
        for code, count in self._counts.items():
            if count > MAX_PER_CODE:
                index.add(Finding(code, I, f"còn {count - MAX_PER_CODE} chỗ khác cùng lỗi {code} không liệt kê",
                                  self.file, None, None, None, "Sửa theo cùng cách như các chỗ đã nêu."))
        return index


def _quote(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return f"«{text[:n]}{'…' if len(text) > n else ''}»"


def _line_runs(p) -> list[tuple[str, list]]:
    """(text, runs) of each line of a paragraph, lines split at manual breaks (text boxes left out)."""
    lines: list[tuple[str, list]] = [("", [])]
    for node in text_nodes(p):
        run = node.getparent()
        if node.tag in (qn("w:br"), qn("w:cr")) and node.get(qn("w:type")) not in ("page", "column"):
            lines.append(("", []))
        elif node.tag == qn("w:t") and node.text:
            text, runs = lines[-1]
            lines[-1] = (text + node.text, runs + ([run] if node.text.strip() and run not in runs else []))
        elif node.tag == qn("w:tab"):
            lines[-1] = (lines[-1][0] + "\t", lines[-1][1])
    return lines


def _formats(fmt: Formatting, p, runs=None) -> list:
    return [fmt.run(r, p) for r in (runs if runs is not None else text_runs(p))]


def _size_in(run_fmts, low, high) -> bool:
    sizes = {r.size_pt for r in run_fmts if r.size_pt}
    return bool(sizes) and all(low <= s <= high for s in sizes)


def _all_bold(run_fmts) -> bool:
    return bool(run_fmts) and all(r.bold for r in run_fmts)


def _all_italic(run_fmts) -> bool:
    return bool(run_fmts) and all(r.italic for r in run_fmts)


def _rule_marks(fmt: Formatting, paragraphs) -> int:
    """How many drawn lines (shapes, VML lines, bottom borders) these paragraphs carry."""
    count = 0
    for p in paragraphs:
        if fmt.has_bottom_border(p):
            count += 1
        count += sum(1 for el in p.iter() if isinstance(el.tag, str) and el.tag.split("}")[-1] in ("drawing", "pict"))
    return count


def lint_docx(path: Path | str) -> FindingIndex:
    return lint_docx_report(path).index


def lint_docx_report(path: Path | str, count_pages: Callable[[Path], int | None] | None = None) -> LintReport:
    """*count_pages(path)*: the pages of the laid-out document (LibreOffice), asked only when the page-number rule
    depends on whether the document has one page or several; None, or a None answer, keeps the estimate."""
    from ..ooxml.safety import damaged_document

    with damaged_document(path, "X100"):
        return _lint_docx_report(Path(path), count_pages)


def _lint_docx_report(path: Path, count_pages: Callable[[Path], int | None] | None = None) -> LintReport:
    report = _Report(str(path))
    document = open_document(path, "X100")  # limits, safe XML; InputError (exit 1) for a damaged or hostile file
    fmt = Formatting(document)
    regions = find_regions(document)
    form = nd30.form_of(document_type(regions))
    _page(document, report)
    _fonts(document, fmt, report)
    _header(regions, fmt, report)
    _title(regions, form, fmt, report)
    _body(regions, form, fmt, report)
    _closing(regions, fmt, report)
    _page_numbers(document, regions, fmt, report, lambda: count_pages(path) if count_pages else None)
    return LintReport(form, report.items, report.finish())


def _page(document, report: _Report) -> None:
    names = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}
    for number, section in enumerate(document.sections, 1):
        where = f"phần (section) {number}"
        width, height = section.page_width, section.page_height
        if width is None or height is None:
            continue
        short, long = sorted((width / EMU_PER_MM, height / EMU_PER_MM))
        if abs(short - nd30.A4_MM[0]) > 1 or abs(long - nd30.A4_MM[1]) > 1:
            report.add("page_size", E, f"khổ giấy {short:.0f} × {long:.0f} mm, không phải A4 (210 × 297 mm)", where,
                       "Đặt khổ giấy A4 (Bố cục → Khổ giấy → A4).")
        margins = {side: getattr(section, f"{side}_margin") for side in nd30.MARGINS_MM}
        landscape = width > height
        page = "trang ngang " if landscape else ""
        for side, (low, high) in (nd30.LANDSCAPE_MARGINS_MM if landscape else nd30.MARGINS_MM).items():
            value = margins[side]
            if value is None:
                continue
            mm = value / EMU_PER_MM
            if not low - 0.5 <= mm <= high + 0.5:
                report.add("margins", E, f"lề {names[side]} {page}{mm:.1f} mm, ngoài khoảng {low}–{high} mm của Nghị "
                                         "định 30" + (" (trang ngang giữ lề như trang dọc)" if landscape else ""),
                           where, f"Đặt lề {names[side]} trong khoảng {low}–{high} mm (Bố cục → Lề).")


def _fonts(document, fmt: Formatting, report: _Report) -> None:
    for index, p in enumerate(document.element.body.iter(qn("w:p")), 1):
        # Each rule once a paragraph, but both checked: a "Times New Roman Italic" run does not hide a letter set in
        # the theme's font further on.
        said: set[str] = set()
        for run in text_runs(p):
            run_fmt = fmt.run(run, p)
            if run_fmt.theme_font and run_fmt.font is None and "theme_font" not in said:
                said.add("theme_font")
                report.add("theme_font", E, f"chữ dùng phông theo chủ đề (theme) thay vì {nd30.FONT}: "
                                            f"{_quote(paragraph_text(p))}", f"đoạn {index}",
                           f"Chọn phông {nd30.FONT} trực tiếp cho kiểu chữ (style), không dùng phông của chủ đề.")
            if run_fmt.font and match_key(run_fmt.font) != match_key(nd30.FONT) and "font_not_tnr" not in said:
                said.add("font_not_tnr")
                report.add("font_not_tnr", E, f"chữ dùng phông {run_fmt.font}, không phải {nd30.FONT}: "
                                              f"{_quote(paragraph_text(p))}", f"đoạn {index}",
                           f"Đổi phông thành {nd30.FONT} (chữ đậm chọn bằng nút B, không chọn phông '… Bold').")


# --- header ---------------------------------------------------------------------------------------------------------

def _header(regions, fmt: Formatting, report: _Report) -> None:
    if not regions.headers:
        report.add("header_table_missing", E,
                   "phần đầu văn bản không trình bày bằng bảng (tên cơ quan bên trái, Quốc hiệu bên phải)"
                   + ("; các cột được căn bằng dấu cách hoặc phím Tab" if regions.header_paragraphs else ""),
                   "đầu trang 1", "Trình bày phần đầu bằng một bảng 2 cột không viền như mẫu của Nghị định 30.")
        columns = [[], []]
        for p in regions.header_paragraphs:
            columns[0].append(p)
        header_ps = list(regions.header_paragraphs)
    else:
        columns = [[], []]
        for table in regions.headers:
            for index, column in enumerate(table_columns(table)[:2]):
                columns[index] += column
        header_ps = [p for table in regions.headers for p in paragraphs_in(table)]
    lines = [(p, text, runs) for p in header_ps for text, runs in _line_runs(p) if text.strip()]
    parts = [(p, part, runs) for p, text, runs in lines for part in split_columns(text)]
    if not lines:
        return
    # Quốc hiệu and Tiêu ngữ (possibly one paragraph split by a manual break, possibly split runs).
    qh = next(((p, t, r) for p, t, r in lines
               if match_key(t.strip()) in QUOC_HIEU or match_key(t).replace("hoà", "hòa") in QUOC_HIEU), None)
    if qh is None:
        qh = next(((p, t, r) for p, t, r in lines if any(match_key(v) in match_key(t) for v in nd30.QUOC_HIEU_VARIANTS)),
                  None)
    if qh is None:
        report.add("quoc_hieu_format", E, f"không thấy Quốc hiệu '{nd30.QUOC_HIEU_TEXT}'", "phần đầu, cột phải",
                   f"Ghi Quốc hiệu in hoa, đậm, cỡ {nd30.QUOC_HIEU.size_text} ở đầu cột phải.")
    else:
        p, text, runs = qh
        if match_key(text.strip()) not in QUOC_HIEU and match_key(text).replace("hoà", "hòa") not in QUOC_HIEU:
            # The Quốc hiệu shares its line with other text (the Tiêu ngữ wrapped by spaces): only its own runs count.
            variant = next(v for v in nd30.QUOC_HIEU_VARIANTS if match_key(v) in match_key(text))
            runs = [r for r in runs if match_key(_run_text(r).strip()) in match_key(variant)] or runs
            text = variant if variant.upper() in text.upper() else text
        run_fmts = _formats(fmt, p, runs)
        if text.strip() != text.strip().upper() or not _all_bold(run_fmts) or not _size_in(run_fmts, *nd30.QUOC_HIEU.sizes):
            report.add("quoc_hieu_format", E, f"Quốc hiệu phải in hoa, đậm, cỡ chữ {nd30.QUOC_HIEU.size_text}",
                       "phần đầu, cột phải", f"Định dạng dòng Quốc hiệu: chữ in hoa, đậm, cỡ {nd30.QUOC_HIEU.size_text}.")
    motto_key = re.sub(r"[\s\-–—]", "", match_key(nd30.TIEU_NGU_TEXT))
    tn = next(((p, t, r) for p, t, r in lines + parts if re.sub(r"[\s\-–—]", "", match_key(t)) == motto_key), None)
    if tn is None:
        report.add("tieu_ngu_format", E, f"không thấy Tiêu ngữ '{nd30.TIEU_NGU_TEXT}'", "phần đầu, cột phải",
                   f"Ghi Tiêu ngữ dưới Quốc hiệu, đậm, cỡ {nd30.TIEU_NGU.size_text}, các cụm cách nhau bởi ' - '.")
    else:
        p, text, runs = tn
        run_fmts = _formats(fmt, p, runs)
        if re.search(r"[–—]", text) or re.search(r"\S-|-\S", text.strip()):
            report.add("tieu_ngu_format", E, f"Tiêu ngữ «{text.strip()}» phải viết '{nd30.TIEU_NGU_TEXT}' "
                                             "(gạch nối '-' có dấu cách hai bên, không dùng gạch dài '–')",
                       "phần đầu, cột phải", f"Sửa thành '{nd30.TIEU_NGU_TEXT}'.")
        elif not _all_bold(run_fmts) or not _size_in(run_fmts, *nd30.TIEU_NGU.sizes):
            report.add("tieu_ngu_format", E, f"Tiêu ngữ phải in đậm, cỡ chữ {nd30.TIEU_NGU.size_text}",
                       "phần đầu, cột phải", f"Định dạng dòng Tiêu ngữ: đậm, cỡ {nd30.TIEU_NGU.size_text}.")
    # Drawn lines: under the issuer (left) and the Tiêu ngữ (right). Floating shapes may be anchored in any row, so
    # each column is searched whole; a header with two lines or more has both.
    after = []
    if header_ps:
        first = header_ps[0] if not regions.headers else regions.headers[0]
        last = header_ps[-1] if not regions.headers else regions.headers[-1]
        if first in regions.children and last in regions.children:
            span = regions.children[regions.children.index(first):regions.children.index(last) + 3]
            after = [c for c in span if c.tag == qn("w:p") and c not in header_ps]
    marks = [_rule_marks(fmt, column) for column in columns]
    total = _rule_marks(fmt, header_ps + after)
    if total < 2:
        if marks[1] == 0 and not (total == 1 and marks[0] == 0):
            report.add("rule_under_tieu_ngu", E, "thiếu đường kẻ ngang (nét liền) dưới Tiêu ngữ", "phần đầu, cột phải",
                       "Kẻ một đường nét liền dưới Tiêu ngữ, dài bằng dòng chữ.")
        if marks[0] == 0 and (total == 0 or marks[1] > 0):
            report.add("rule_under_issuer", E, "thiếu đường kẻ ngang dưới tên cơ quan ban hành", "phần đầu, cột trái",
                       "Kẻ đường nét liền dưới tên cơ quan, dài 1/3 đến 1/2 dòng chữ, ở giữa.")
    _issuer(columns[0] if regions.headers else header_ps, bool(regions.headers), fmt, report)
    # Số, ký hiệu: "Số: 07/…", 13 pt.
    number = next(((p, t, r) for p, t, r in lines if nd30.NUMBER_START_RE.match(t.strip())), None)
    if number is None:
        report.add("number_line", E, "không thấy dòng số, ký hiệu 'Số: …/…'", "phần đầu, cột trái",
                   "Ghi 'Số:      /KH-UBND' (để trống số cho tới khi ban hành) dưới tên cơ quan ban hành.")
    else:
        p, text, runs = number
        part = split_columns(text)[0] if len(split_columns(text)) > 1 else text
        match = nd30.NUMBER_PREFIX_RE.match(part.strip())
        value = match.group("number") if match else None
        if value and int(value) < 10 and not value.startswith("0"):
            report.add("number_leading_zero", E, f"số văn bản '{value}' nhỏ hơn 10 phải có số 0 đứng trước ('0{value}')",
                       "phần đầu", f"Sửa thành 'Số: 0{value}/{match.group('symbol')}'.")
        sizes = {f.size_pt for f in _formats(fmt, p, runs) if f.size_pt}
        if sizes and not all(nd30.NUMBER.size_ok(s) for s in sizes):
            shown = ", ".join(f"{s:g}" for s in sorted(sizes))
            report.add("so_line_size", E, f"dòng số, ký hiệu {_quote(text)} cỡ chữ {shown}; Nghị định 30 quy định cỡ "
                                          f"{nd30.NUMBER.size_text}", "phần đầu, cột trái",
                       f"Đặt cỡ chữ {nd30.NUMBER.size_text}, chữ đứng, không đậm cho dòng 'Số: …'.")
    # Địa danh, ngày tháng năm.
    date = next(((p, t, r) for p, t, r in lines if nd30.DATE_LINE_RE.match(_date_part(t))), None)
    if date is None:
        report.add("date_line_format", E, "không thấy dòng địa danh, ngày tháng năm", "phần đầu, cột phải",
                   "Ghi '<Địa danh>, ngày … tháng … năm …' dưới Tiêu ngữ, in nghiêng.")
        return
    p, text, runs = date
    match = nd30.DATE_LINE_RE.match(_date_part(text))
    day, month = match.group("day"), match.group("month")
    if day and int(day) < 10 and not day.startswith("0"):
        report.add("date_leading_zero", E, f"ngày '{day}' nhỏ hơn 10 phải có số 0 đứng trước", "phần đầu",
                   f"Sửa thành 'ngày 0{day}'.")
    if month:
        if int(month) <= 2 and not month.startswith("0"):
            report.add("date_leading_zero", E, f"tháng '{month}' phải viết '0{month}' (tháng 1, 2 có số 0 đứng trước)",
                       "phần đầu", f"Sửa thành 'tháng 0{month}'.")
        if int(month) >= 3 and month.startswith("0"):
            report.add("date_leading_zero", W, f"tháng '{month}' không cần số 0 đứng trước (chỉ tháng 1, 2 mới có)",
                       "phần đầu", f"Sửa thành 'tháng {int(month)}'.")
    date_runs = [r for r in runs if match.group("place") in "".join(t.text or "" for t in r.iter(qn("w:t")))
                 or "ngày" in "".join(t.text or "" for t in r.iter(qn("w:t")))] or runs
    if not all(f.italic for f in _formats(fmt, p, date_runs)):
        report.add("date_line_format", E, "dòng địa danh, ngày tháng phải in nghiêng", "phần đầu",
                   "Định dạng chữ nghiêng cho dòng địa danh, ngày tháng năm.")
    place = match.group("place").strip()
    if nd30.PLACE_ABBREVIATED_RE.search(place):
        report.add("date_line_format", E, f"địa danh «{place}» viết tắt; Nghị định 30 quy định ghi đầy đủ tên đơn vị "
                                          "hành chính (ví dụ 'Thành phố Hồ Chí Minh')", "phần đầu, dòng ngày tháng",
                   "Ghi đầy đủ tên đơn vị hành chính, không viết tắt 'TP.'.")
    if regions.headers and fmt.paragraph(p).alignment == "right":
        report.add("date_line_format", E, "dòng địa danh, ngày tháng căn phải; Nghị định 30 quy định căn giữa dưới "
                                          "Quốc hiệu và Tiêu ngữ", "phần đầu, dòng ngày tháng",
                   "Căn giữa dòng địa danh, ngày tháng năm trong cột phải của bảng phần đầu.")


def _issuer(left, in_table: bool, fmt: Formatting, report: _Report) -> None:
    """Tên cơ quan chủ quản and tên cơ quan ban hành: the capitalised lines above "Số:" in the left column, 12–13 pt.
    In a header table every stretch of a cell's line is the left column's (two names wrapped by spaces); without a
    table only the first stretch is."""
    lines = []
    for p in left:
        for text, runs in _line_runs(p):
            parts = split_columns(text)
            if not parts:
                continue
            if nd30.NUMBER_START_RE.match(parts[0].strip()) or nd30.DATE_LINE_RE.match(_date_part(text)):
                break
            for part in parts if in_table else parts[:1]:
                if part.strip() == part.strip().upper() and any(c.isalpha() for c in part):
                    own = [r for r in runs if match_key(_run_text(r).strip()) and
                           match_key(_run_text(r).strip()) in match_key(part)]
                    lines.append((p, part.strip(), own or runs))
        else:
            continue
        break
    for p, text, runs in lines:
        sizes = {f.size_pt for f in _formats(fmt, p, runs)} - {None}
        if sizes and not all(nd30.ISSUER.size_ok(s) for s in sizes):
            shown = ", ".join(f"{s:g}" for s in sorted(sizes))
            report.add("issuer_format", E, f"tên cơ quan {_quote(text)} cỡ chữ {shown}; Nghị định 30 quy định cỡ "
                                           f"{nd30.ISSUER.size_text}", "phần đầu, cột trái",
                       f"Đặt cỡ chữ {nd30.ISSUER.size_text} cho các dòng tên cơ quan ở góc trái.")
            return


def _run_text(run) -> str:
    return "".join(t.text or "" for t in run.iter(qn("w:t")))


def _date_part(text: str) -> str:
    whole = " ".join(text.split())
    if nd30.DATE_LINE_RE.match(whole):
        return whole
    parts = [" ".join(part.split()) for part in split_columns(text)]
    for start in range(len(parts)):
        candidate = " ".join(parts[start:])
        if nd30.DATE_LINE_RE.match(candidate):
            return candidate
    return ""


# --- tên loại, trích yếu --------------------------------------------------------------------------------------------

def _title(regions, form: nd30.Form, fmt: Formatting, report: _Report) -> None:
    if not form.has_type_line:
        return
    kind = regions.type_line
    name = form.type_name.upper()
    if kind is None:
        report.add("type_line_format", E, f"không thấy tên loại văn bản '{name}' căn giữa phía trên trích yếu",
                   "đoạn tên loại", f"Ghi '{name}' in hoa, đậm, cỡ {nd30.TYPE_NAME.size_text}, căn giữa.")
        return
    text = paragraph_text(kind).strip()
    run_fmts = _formats(fmt, kind)
    if text != text.upper() or not _all_bold(run_fmts) or fmt.paragraph(kind).alignment != "center" \
            or not _size_in(run_fmts, *nd30.TYPE_NAME.sizes):
        report.add("type_line_format", E, f"tên loại {_quote(text)} phải in hoa, đậm, cỡ {nd30.TYPE_NAME.size_text}, "
                                          "căn giữa", "đoạn tên loại",
                   f"Định dạng dòng '{name}': in hoa, đậm, cỡ 13 hoặc 14, căn giữa.")
    if not regions.title:
        return
    for p in regions.title:
        run_fmts = _formats(fmt, p)
        if not _all_bold(run_fmts):
            report.add("title_format", E, f"trích yếu {_quote(paragraph_text(p))} phải in đậm, căn giữa",
                       "đoạn trích yếu", f"Định dạng trích yếu: đậm, cỡ {nd30.TITLE.size_text}, căn giữa, "
                                         "ngay dưới tên loại.")
            break
    children = regions.children
    last = children.index(regions.title[-1])
    following = [c for c in children[last:last + 4] if c.tag == qn("w:p")]
    if not _rule_marks(fmt, following):
        report.add("rule_under_title", E, "thiếu đường kẻ ngang dưới trích yếu", "đoạn trích yếu",
                   "Kẻ đường nét liền dưới trích yếu, dài 1/3 đến 1/2 dòng chữ, ở giữa.")


# --- body -------------------------------------------------------------------------------------------------------------

def _is_prose(p, text: str, fmt: Formatting) -> bool:
    """A paragraph of running text: not centred (Điều, QUYẾT ĐỊNH:, authority lines), not a short heading line."""
    if fmt.paragraph(p).alignment in ("center", "right"):
        return False
    if text.startswith(("Kính gửi", "Nơi nhận")) or text == text.upper():
        return False
    return True


def _body(regions, form: nd30.Form, fmt: Formatting, report: _Report) -> None:
    paragraphs = regions.body_paragraphs()
    if not paragraphs:
        report.add("end_mark_missing", W, "văn bản không có phần nội dung", "trang 1", "Thêm nội dung văn bản.")
        return
    previous, previous_prose = None, False
    in_preamble = True
    # A paragraph right after a table, a picture or an empty line is not judged on its spacing.
    after_table = {id(c) for i, c in enumerate(regions.body)
                   if i and (regions.body[i - 1].tag == qn("w:tbl") or not paragraph_text(regions.body[i - 1]).strip())}
    for number, p in enumerate(paragraphs, 1):
        if id(p) in after_table:
            previous = None
        where = f"đoạn {number} của nội dung"
        raw = paragraph_text(p)
        text = raw.strip()
        pf = fmt.paragraph(p)
        run_fmts = _formats(fmt, p)
        heading = bool(HEADING_RE.match(text)) and len(text) < 100 and not text.endswith((".", ";", ":"))
        if heading or text.startswith(("QUYẾT ĐỊNH", "Điều")):
            in_preamble = False
        if form.italic_bases and in_preamble and text.startswith("Căn cứ") and run_fmts and not _all_italic(run_fmts):
            report.add("can_cu_not_italic", E, f"dòng căn cứ {_quote(text)} phải in nghiêng", where,
                       f"Định dạng các dòng căn cứ: chữ nghiêng, cỡ {nd30.BASIS.size_text}.")
        prose = _is_prose(p, text, fmt)
        if prose and pf.alignment not in ("both", "distribute") and len(text) >= 60 and not heading:
            report.add("body_not_justified", E, f"đoạn nội dung không căn đều hai bên: {_quote(text)}", where,
                       "Căn đều hai bên (Justify) cho các đoạn nội dung.")
        if prose and re.match(r"^ *\t", raw) and not (pf.first_line_cm or 0) > 0.1:
            report.add("first_line_indent", E, f"dòng đầu thụt vào bằng phím Tab, không bằng thụt đầu dòng của đoạn: "
                                               f"{_quote(text)}", where,
                       "Xóa ký tự Tab, đặt thụt dòng đầu (First line) 1 cm hoặc 1,27 cm.")
        elif prose and pf.first_line_cm is not None and pf.first_line_cm > 0.1:
            effective = pf.first_line_cm + pf.left_cm
            if not any(abs(effective - cm) <= nd30.INDENT_TOLERANCE_CM for cm in nd30.FIRST_LINE_INDENTS_CM) \
                    and abs(effective - pf.left_cm) > 0.1 and pf.left_cm <= 0.1:
                report.add("first_line_indent", E, f"thụt đầu dòng {effective:.2f} cm, Nghị định 30 quy định 1 cm "
                                                   f"hoặc 1,27 cm: {_quote(text)}", where,
                           "Đặt thụt dòng đầu (First line) 1 cm hoặc 1,27 cm.")
        if prose and previous is not None and previous_prose and len(text) >= 60 and not heading:
            gap = fmt.paragraph(previous).after_pt + pf.before_pt
            if gap < nd30.MIN_PARAGRAPH_SPACING_PT and not _contextual(p) and pf.line_exact_pt is None:
                report.add("paragraph_spacing", E, f"khoảng cách với đoạn trước {gap:g} pt, tối thiểu "
                                                   f"{nd30.MIN_PARAGRAPH_SPACING_PT} pt: {_quote(text)}", where,
                           "Đặt khoảng cách trước đoạn (Spacing Before) ít nhất 6 pt.")
        if prose and pf.line_multiple is not None and not nd30.LINE_SPACING[0] - 0.01 <= pf.line_multiple <= nd30.LINE_SPACING[1] + 0.01:
            report.add("line_spacing", E, f"giãn dòng {pf.line_multiple:g}, phải từ 1 (đơn) đến 1,5 dòng: {_quote(text)}",
                       where, "Đặt giãn dòng từ Single đến 1.5 lines.")
        if prose and run_fmts and len(text) >= 20 and not _size_in(run_fmts, *nd30.BODY.sizes):
            sizes = sorted({f.size_pt for f in run_fmts if f.size_pt})
            if sizes and all(s < nd30.BODY.sizes[0] or s > nd30.BODY.sizes[1] for s in sizes):
                report.add("body_size", E, f"cỡ chữ nội dung {', '.join(f'{s:g}' for s in sizes)}, phải "
                                           f"{nd30.BODY.size_text}: {_quote(text)}", where,
                           f"Đặt cỡ chữ {nd30.BODY.size_text}.")
        if ROMAN_RE.match(text) and (not _all_bold(run_fmts) or text.split(" ", 1)[-1] != text.split(" ", 1)[-1].upper()):
            report.add("roman_heading_format", W, f"đề mục {_quote(text)} nên in hoa, đậm (mục La Mã)", where,
                       "Định dạng tên mục La Mã: in hoa, đậm.")
        if re.search(r"[¹²³⁴⁵⁶⁷⁸⁹]", text):
            report.add("footnote_as_text", W, f"chú thích viết bằng chữ số nhỏ trong câu, không phải chú thích của "
                                              f"Word: {_quote(text)}", where,
                       "Dùng Tham chiếu → Chèn chú thích cuối trang (Footnote).")
        previous, previous_prose = p, prose
    # The annexes' running paragraphs (outside their tables) follow the same indent rule as the body.
    annex_ps = [c for c in regions.annexes if c.tag == qn("w:p") and paragraph_text(c).strip()]
    for number, p in enumerate(annex_ps, 1):
        raw = paragraph_text(p)
        indented = (fmt.paragraph(p).first_line_cm or 0) > 0.1
        if _is_prose(p, raw.strip(), fmt) and re.match(r"^ *\t", raw) and not indented:
            report.add("first_line_indent", E, f"dòng đầu thụt vào bằng phím Tab, không bằng thụt đầu dòng của đoạn: "
                                               f"{_quote(raw.strip())}", f"phụ lục, đoạn {number}",
                       "Xóa ký tự Tab, đặt thụt dòng đầu (First line) 1 cm hoặc 1,27 cm.")
    last = paragraph_text(paragraphs[-1]).rstrip()
    if not last.endswith(nd30.END_MARK) and not last.endswith("/."):
        report.add("end_mark_missing", W, f"đoạn cuối của nội dung không kết thúc bằng dấu '{nd30.END_MARK}': "
                                          f"{_quote(last[-40:])}", "đoạn cuối của nội dung",
                   f"Thêm '{nd30.END_MARK}' vào cuối đoạn cuối cùng.")


def _contextual(p) -> bool:
    ppr = p.find(qn("w:pPr"))
    return ppr is not None and ppr.find(qn("w:contextualSpacing")) is not None


# --- closing ----------------------------------------------------------------------------------------------------------

def _closing(regions, fmt: Formatting, report: _Report) -> None:
    if regions.closing is None and not regions.closing_paragraphs:
        report.add("noi_nhan_format", E, "không thấy phần 'Nơi nhận' và chữ ký ở cuối văn bản", "cuối văn bản",
                   "Trình bày nơi nhận (bên trái) và chữ ký (bên phải) trong một bảng 2 cột không viền.")
        return
    if regions.closing is None:
        report.add("noi_nhan_format", E, "nơi nhận và chữ ký được căn bằng dấu cách hoặc phím Tab trong cùng đoạn văn, "
                                         "không trình bày bằng bảng", "phần cuối",
                   "Trình bày nơi nhận (bên trái) và chữ ký (bên phải) trong một bảng 2 cột không viền.")
        left_lines, right_ps = [], []
        for p in regions.closing_paragraphs:
            for text, runs in _line_runs(p):
                parts = split_columns(text)
                if not parts:
                    continue
                if text.lstrip().startswith(("Nơi", "Noi", "-")):
                    left_lines.append((p, parts[0], runs))
                    if len(parts) > 1:
                        right_ps.append((p, " ".join(parts[1:]), runs))
                else:
                    right_ps.append((p, " ".join(parts), runs))
        _recipients(left_lines, fmt, report)
        if right_ps:
            p, text, runs = right_ps[-1]
            if fmt.paragraph(p).alignment != "center" and re.match(r"^(\s{4,}|\t)", paragraph_text(p)):
                report.add("signer_name_format", E, f"khối chữ ký (họ tên {_quote(text)}) được đẩy sang phải bằng dấu "
                                                    "cách, không căn giữa", "phần cuối, chữ ký",
                           "Đặt khối chữ ký trong cột phải của bảng, căn giữa.")
        return
    columns = table_columns(regions.closing) if len(table_columns(regions.closing)) >= 2 else \
        _columns_with_text_boxes(regions.closing)
    if len(columns) < 2:
        report.add("noi_nhan_format", E, "phần cuối phải có 2 cột: nơi nhận (trái) và chữ ký (phải)", "phần cuối",
                   "Dùng bảng 2 cột không viền.")
        return
    left = [(p, t, r) for p in columns[0] for t, r in _line_runs(p) if t.strip()]
    _recipients(left, fmt, report)
    right = [p for p in columns[-1] if paragraph_text(p).strip()]
    if not right:
        report.add("signer_name_format", E, "thiếu khối chữ ký (quyền hạn, chức vụ, họ tên người ký)",
                   "phần cuối, cột phải", "Ghi quyền hạn, chức vụ (in hoa, đậm) và họ tên người ký (đậm).")
        return
    for p in right:
        text = paragraph_text(p).strip()
        prefix = nd30.AUTHORITY_LOOSE_RE.match(text)
        if prefix and nd30.AUTHORITY_NO_SPACE_RE.match(text):
            report.add("signer_name_format", E, f"chữ viết tắt thẩm quyền trong {_quote(text)} phải có một dấu cách "
                                                "sau dấu chấm", "phần cuối, cột phải",
                       f"Sửa thành '{text[:prefix.end()]} {text[prefix.end():].lstrip()}'.")
        elif prefix and not nd30.AUTHORITY_RE.match(text):
            report.add("signer_name_format", E, f"chữ viết tắt thẩm quyền trong {_quote(text)} phải có dấu chấm "
                                                "(TM. / KT. / TL. / TUQ. / Q.)", "phần cuối, cột phải",
                       "Ví dụ: 'KT. CHỦ TỊCH'.")
    if regions.signer_outside is not None:
        text = paragraph_text(regions.signer_outside).strip()
        report.add("signer_name_format", E, f"họ tên người ký {_quote(text)} nằm ngoài bảng chữ ký, dưới bảng, được "
                                            "đẩy sang phải bằng thụt lề hoặc dấu cách, không căn giữa dưới chức vụ",
                   "phần cuối, dưới bảng chữ ký",
                   "Đưa họ tên vào cột phải của bảng chữ ký, dưới chức vụ, căn giữa, in đậm; xóa đoạn dưới bảng.")
        return
    name = right[-1]
    text = paragraph_text(name).strip()
    if text == text.upper():
        if len(right) >= 2 and any(c.isalpha() for c in text) and not nd30.AUTHORITY_START_RE.match(text) \
                and not re.search(r"CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG|PHÓ|CHÁNH", text):
            report.add("signer_name_format", E, f"họ tên người ký {_quote(text)} phải in đậm, chữ thường (không in hoa "
                                                "cả dòng)", "phần cuối, cột phải", "Ví dụ: 'Nguyễn Văn An', in đậm.")
        return
    run_fmts = _formats(fmt, name)
    raw = paragraph_text(name)
    if run_fmts and not _all_bold(run_fmts):
        report.add("signer_name_format", E, f"họ tên người ký {_quote(text)} phải in đậm", "phần cuối, cột phải",
                   "Ví dụ: 'Nguyễn Văn An', in đậm.")
    elif fmt.paragraph(name).alignment != "center" and re.match(r"^(\s{3,}|\t)", raw):
        report.add("signer_name_format", E, f"họ tên người ký {_quote(text)} được đẩy vào giữa bằng dấu cách, không "
                                            "căn giữa khối chữ ký", "phần cuối, cột phải",
                   "Xóa các dấu cách ở đầu dòng, căn giữa các dòng chức vụ và họ tên.")


def _columns_with_text_boxes(table) -> list[list]:
    """A closing table's columns where a cell with no text of its own shows a text box (the signature block drawn
    as a floating box in the right cell): the box's paragraphs, once (not the mc:Fallback copy), stand for the cell."""
    columns: list[list] = []
    for row in table.findall(qn("w:tr")):
        for index, cell in enumerate(row.findall(qn("w:tc"))):
            while len(columns) <= index:
                columns.append([])
            own = paragraphs_in(cell)
            if not any(paragraph_text(p).strip() for p in own):
                boxes = [box for box in cell.iter(qn("w:txbxContent"))
                         if not any(a.tag == MC_FALLBACK for a in box.iterancestors())]
                own = [p for box in boxes for p in box.findall(qn("w:p"))]
            columns[index].extend(own)
    return [c for c in columns if any(paragraph_text(p).strip() for p in c)]


def _recipients(lines, fmt: Formatting, report: _Report) -> None:
    if not lines:
        return
    p, label, runs = lines[0]
    label = label.strip()
    if not re.match(r"^N[oơ]i nh[aậ][nm]", label):
        return
    head = label.split(":")[0] + ":" if ":" in label else label
    if head != nd30.RECIPIENTS_LABEL:
        report.add("noi_nhan_format", E, f"chữ '{head}' phải viết đúng là '{nd30.RECIPIENTS_LABEL}'",
                   "phần cuối, cột trái", f"Sửa thành '{nd30.RECIPIENTS_LABEL}'.")
    label_runs = [r for r in runs if re.search(r"\w", "".join(t.text or "" for t in r.iter(qn("w:t"))))]
    run_fmts = _formats(fmt, p, label_runs)
    label_low, label_high = nd30.RECIPIENTS_HEAD.sizes
    size_ok = all(label_low <= r.size_pt <= label_high for r in run_fmts if r.size_pt)
    if run_fmts and not (_all_bold(run_fmts) and _all_italic(run_fmts) and size_ok):
        report.add("noi_nhan_format", E, f"'{nd30.RECIPIENTS_LABEL}' phải in đậm, nghiêng, cỡ chữ "
                                         f"{nd30.RECIPIENTS_HEAD.size_text}", "phần cuối, cột trái",
                   f"Định dạng: đậm, nghiêng, cỡ {nd30.RECIPIENTS_HEAD.size_text}.")
    items = [(q, t.strip(), r) for q, t, r in lines[1:] if t.strip()]
    wrong_size: list[str] = []   # said once for the list, not for every line
    for number, (q, text, runs) in enumerate(items, 1):
        last = number == len(items)
        where = f"nơi nhận, dòng {number}"
        if not text.startswith("-"):
            continue   # a continuation of the line above, or a note under the list
        # Only runs with letters count (a lone "- " at 12 pt is not a slip anyone sees), and not the "- Lưu" line,
        # where the drafter's initials and the number of copies are often set smaller.
        lettered = [r for r in runs if re.search(r"\w", "".join(t.text or "" for t in r.iter(qn("w:t"))))]
        sizes = {f.size_pt for f in _formats(fmt, q, lettered)} - {None} if not text.startswith("- Lưu") else set()
        if sizes and not all(nd30.RECIPIENT_LINE.size_ok(size) for size in sizes) and not wrong_size:
            wrong_size.append(text)
            report.add("noi_nhan_format", E, f"dòng nơi nhận {_quote(text)} cỡ chữ {', '.join(f'{s:g}' for s in sorted(sizes))}, "
                                             f"phải {nd30.RECIPIENT_LINE.size_text}", where,
                       f"Đặt cỡ chữ {nd30.RECIPIENT_LINE.size_text} cho các dòng dưới '{nd30.RECIPIENTS_LABEL}'.")
        # A note typed to the right of the list ("- Cổng thông tin điện tử Chính phủ;      Để đăng dự thảo"), after
        # a tab or a run of spaces, is not part of the recipient line whose punctuation is judged.
        text = re.split(r"(?<=[;,.])(?:\t|\s{2,})", text, maxsplit=1)[0].rstrip()
        if last and re.fullmatch(r"- Lưu: VT\.?", text):
            report.add("noi_nhan_punctuation", E, f"dòng cuối nơi nhận {_quote(text)} không ghi đơn vị soạn thảo; "
                                                  "Nghị định 30 quy định '- Lưu: VT, <viết tắt đơn vị soạn thảo>.'",
                       where, "Ghi thêm tên viết tắt của đơn vị soạn thảo, ví dụ '- Lưu: VT, KGVX.'.")
        elif last and not nd30.ARCHIVE_LINE_RE.match(text):
            report.add("noi_nhan_punctuation", E, f"dòng cuối nơi nhận {_quote(text)} phải là '- Lưu: VT, … .' và "
                                                  "kết thúc bằng dấu chấm", where,
                       "Dòng cuối ghi '- Lưu: VT, <đơn vị soạn thảo>.' và kết thúc bằng dấu chấm.")
        elif not last and not text.endswith((";", ",")) and not text.startswith("- Lưu"):
            report.add("noi_nhan_punctuation", E, f"dòng nơi nhận {_quote(text)} phải kết thúc bằng dấu ';'", where,
                       "Thêm ';' ở cuối dòng.")


# --- page numbers ---------------------------------------------------------------------------------------------------

# A rough page count: about 80 characters a line and 48 lines a page at 13–14 pt with the decree's margins. A
# document laid out with "different first page" is taken to have several pages whatever its length.
_CHARS_PER_LINE = 80
_LINES_PER_PAGE = 48


def _page_numbers(document, regions, fmt: Formatting, report: _Report, laid_out: Callable[[], int | None]) -> None:
    sections = document.sections
    section = sections[0]
    lines = 0
    for child in regions.children[:regions.annex_start or len(regions.children)]:
        if child.tag == qn("w:p"):
            lines += max(1, -(-len(paragraph_text(child)) // _CHARS_PER_LINE))
        else:
            for row in table_rows(child):
                lines += max((sum(max(1, -(-len(paragraph_text(p)) // (_CHARS_PER_LINE // 2))) for p in cell)
                              for cell in row), default=0)
    # "Different first page" alone does not make a document long: a one-page letter laid out from a template has it.
    several_pages = lines > _LINES_PER_PAGE or (section._sectPr.find(qn("w:titlePg")) is not None
                                                and lines > _LINES_PER_PAGE * 3 // 4)
    header = section.header   # read even for one page: a broken header reference is a damaged file, said as such
    fields = _page_fields(header._element)
    numbered_right = fields and section.different_first_page_header_footer \
        and section._sectPr.find(qn("w:titlePg")) is not None
    if not numbered_right and (several_pages or lines > _LINES_PER_PAGE // 2):
        # The estimate decides a finding (or misses one): the page count of the laid-out document is worth its cost.
        pages = laid_out()
        if pages is not None:
            several_pages = pages > 1
    if several_pages:
        sect_pr = section._sectPr
        if not section.different_first_page_header_footer or sect_pr.find(qn("w:titlePg")) is None:
            report.add("page_number", E, "trang 1 không được đánh số, nhưng văn bản chưa đặt 'trang đầu khác' "
                                         "(different first page)", "đầu trang",
                       "Bật 'Trang đầu khác' cho đầu trang, để trống đầu trang của trang 1.")
        if not fields:
            report.add("page_number", E, "đầu trang không có số trang (từ trang 2, căn giữa, trong lề trên)",
                       "đầu trang", "Chèn số trang (trường PAGE) vào đầu trang, căn giữa.")
        for p in fields:
            pf = fmt.paragraph(p)
            tabs = [t.get(qn("w:val")) for t in p.iter(qn("w:tab")) if t.get(qn("w:val"))]
            if pf.alignment != "center" and "center" not in tabs and not re.match(r"^\t", paragraph_text(p)):
                report.add("page_number", E, "số trang phải căn giữa", "đầu trang", "Căn giữa đoạn chứa số trang.")
            shown = [fmt.run(r, p) for r in p.iter(qn("w:r")) if any((t.text or "").strip() for t in r.iter(qn("w:t")))]
            fonts = {f.font or "phông chữ của giao diện (theme)" for f in shown if f.font != nd30.FONT
                     and (f.font or f.theme_font)}
            if fonts:
                report.add("page_number", E, f"số trang dùng phông {', '.join(sorted(fonts))}, phải là {nd30.FONT}",
                           "đầu trang", f"Chọn phông {nd30.FONT} cho số trang (cả kiểu Header của đầu trang).")
            sizes = {fmt.run(r, p).size_pt for r in p.iter(qn("w:r"))} - {None}
            if sizes and not all(nd30.PAGE_NUMBER.size_ok(s) for s in sizes):
                report.add("page_number", E, f"số trang cỡ chữ {', '.join(f'{s:g}' for s in sorted(sizes))}, phải "
                                             f"{nd30.PAGE_NUMBER.size_text}", "đầu trang",
                           f"Đặt cỡ chữ {nd30.PAGE_NUMBER.size_text} cho số trang.")
        if section.different_first_page_header_footer and _page_fields(section.first_page_header._element):
            report.add("page_number", E, "trang 1 có số trang; Nghị định 30 quy định trang 1 không đánh số",
                       "đầu trang 1", "Xóa số trang ở đầu trang của trang 1.")
    # Each annex is numbered on its own: it starts a new section whose numbering restarts.
    if regions.annex_start is not None:
        annex = regions.children[regions.annex_start]
        body_sects = [c for c in regions.children[:regions.annex_start] if c.tag == qn("w:p") and
                      c.find(qn("w:pPr")) is not None and c.find(qn("w:pPr")).find(qn("w:sectPr")) is not None]
        restart, late, start = False, False, None
        if body_sects:
            index = len(body_sects)   # the annex is in section index (0-based) = number of breaks before it
            if index < len(sections):
                number_type = sections[index]._sectPr.find(qn("w:pgNumType"))
                start = number_type.get(qn("w:start")) if number_type is not None else None
                # Restarting at 3 continues the decision's pages by hand: the annex is numbered on its own from 1.
                restart = start is not None and start.strip() == "1"
                late = start is not None and not restart
        if not restart:
            report.add("page_number", E, f"phụ lục {_quote(paragraph_text(annex))} không được đánh số trang riêng "
                                         + (f"(số trang bắt đầu lại từ {start}, không phải từ 1)" if late
                                            else "(tiếp số trang của văn bản)"), "phụ lục",
                       "Đặt phụ lục trong một phần (section) mới, đánh số trang bắt đầu từ 1.")


def _page_fields(element) -> list:
    out = []
    for p in element.iter(qn("w:p")):
        instr = " ".join(t.text or "" for t in p.iter(qn("w:instrText")))
        instr += " ".join(f.get(qn("w:instr"), "") for f in p.iter(qn("w:fldSimple")))
        if re.search(r"\bPAGE\b", instr.upper()):
            out.append(p)
    return out
