"""ND30 layout rules for any Kế hoạch DOCX — ours or one drafted by hand (`kehoach lint-docx`)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from docx.oxml.ns import qn

from .. import nd30
from ..findings import Finding, FindingIndex, Severity
from ..ooxml.formatting import EMU_PER_MM, Formatting
from ..ooxml.reader import cell_paragraphs, find_regions, open_document, paragraph_text, text_runs
from ..text import match_key

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
MAX_PER_CODE = 8  # after this many findings of one code, one summary line says how many more

QUOC_HIEU = {match_key(text) for text in nd30.QUOC_HIEU_VARIANTS}
TIEU_NGU = match_key(nd30.TIEU_NGU_TEXT)
ROMAN_RE = re.compile(r"^[IVXLC]+\.\s")


class _Report:
    def __init__(self, file: str):
        self.file = file
        self.index = FindingIndex()
        self._counts: Counter = Counter()

    def add(self, code, severity, message, where=None, suggestion=None):
        self._counts[code] += 1
        if self._counts[code] <= MAX_PER_CODE:
            self.index.add(Finding(code, severity, message, self.file, None, None, where, suggestion))

    def finish(self) -> FindingIndex:
        for code, count in self._counts.items():
            if count > MAX_PER_CODE:
                self.index.add(Finding(code, I, f"còn {count - MAX_PER_CODE} chỗ khác cùng lỗi {code} không liệt kê",
                                       self.file, None, None, None, "Sửa theo cùng cách như các chỗ đã nêu."))
        return self.index


def _quote(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return f"«{text[:n]}{'…' if len(text) > n else ''}»"


def _has_rule(fmt: Formatting, paragraph) -> bool:
    """A solid line drawn by a bottom border (direct or from the style) or a drawn line shape."""
    if fmt.has_bottom_border(paragraph):
        return True
    xml_tags = {el.tag.split("}")[-1] for el in paragraph.iter()}
    return bool(xml_tags & {"line", "drawing", "pict"})


def lint_docx(path: Path | str) -> FindingIndex:
    path = Path(path)
    report = _Report(str(path))
    document = open_document(path, "X100")  # limits, safe XML; InputError (exit 1) for a damaged or hostile file
    fmt = Formatting(document)
    _page(document, report)
    _fonts(document, fmt, report)
    regions = find_regions(document)
    header, closing = regions.header, regions.closing
    if header is None:
        report.add("X120", E, "không thấy bảng phần đầu văn bản (tên cơ quan bên trái, Quốc hiệu bên phải)",
                   "đầu trang 1", "Trình bày phần đầu bằng một bảng 2 cột không viền như mẫu của Nghị định 30.")
    else:
        _header(header, fmt, report)
    _title_and_body(regions.body_paragraphs(), regions.body, fmt, report)
    if closing is None:
        report.add("X121", E, "không thấy phần 'Nơi nhận' và chữ ký ở cuối văn bản", "cuối văn bản",
                   "Trình bày nơi nhận (bên trái) và chữ ký (bên phải) trong một bảng 2 cột không viền.")
    else:
        _closing(closing, fmt, report)
    _page_numbers(document, fmt, report)
    return report.finish()


def _page(document, report: _Report) -> None:
    for number, section in enumerate(document.sections, 1):
        where = f"phần (section) {number}"
        width, height = section.page_width, section.page_height
        if width is None or height is None:
            continue
        short, long = sorted((width / EMU_PER_MM, height / EMU_PER_MM))
        if abs(short - 210) > 1 or abs(long - 297) > 1:
            report.add("X101", E, f"khổ giấy {short:.0f} × {long:.0f} mm, không phải A4 (210 × 297 mm)", where,
                       "Đặt khổ giấy A4 (Bố cục → Khổ giấy → A4).")
        landscape = width > height
        if landscape:
            continue  # a landscape annex keeps its own margins
        for side, (low, high) in nd30.MARGINS_MM.items():
            value = getattr(section, f"{side}_margin")
            if value is None:
                continue
            mm = value / EMU_PER_MM
            if not low - 0.5 <= mm <= high + 0.5:
                names = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}
                report.add("X102", E, f"lề {names[side]} {mm:.1f} mm, ngoài khoảng {low}–{high} mm của Nghị định 30",
                           where, f"Đặt lề {names[side]} trong khoảng {low}–{high} mm.")


def _fonts(document, fmt: Formatting, report: _Report) -> None:
    for index, p in enumerate(document.element.body.iter(qn("w:p")), 1):
        for run in text_runs(p):
            run_fmt = fmt.run(run, p)
            if run_fmt.theme_font and run_fmt.font is None:
                report.add("X104", E, f"chữ dùng phông theo chủ đề (theme) thay vì Times New Roman: "
                                      f"{_quote(paragraph_text(p))}", f"đoạn {index}",
                           "Chọn phông Times New Roman trực tiếp cho kiểu chữ (style), không dùng phông của chủ đề.")
                break
            if run_fmt.font and match_key(run_fmt.font) != match_key("Times New Roman"):
                report.add("X103", E, f"chữ dùng phông {run_fmt.font}, không phải Times New Roman: "
                                      f"{_quote(paragraph_text(p))}", f"đoạn {index}",
                           "Đổi phông thành Times New Roman.")
                break


def _size_in(run_fmts, low, high) -> bool:
    sizes = {r.size_pt for r in run_fmts if r.size_pt}
    return bool(sizes) and all(low <= s <= high for s in sizes)


def _all_bold(run_fmts) -> bool:
    return bool(run_fmts) and all(r.bold for r in run_fmts)


def _header(table, fmt: Formatting, report: _Report) -> None:
    rows = table.findall(qn("w:tr"))
    cells = [row.findall(qn("w:tc")) for row in rows]
    left = cells[0][0] if cells and cells[0] else None
    right = cells[0][1] if cells and len(cells[0]) > 1 else None
    if right is None or left is None:
        report.add("X120", E, "bảng phần đầu phải có 2 cột: cơ quan ban hành và Quốc hiệu", "bảng phần đầu",
                   "Dùng bảng 2 cột, không viền.")
        return
    right_ps = [p for p in cell_paragraphs(right) if paragraph_text(p).strip()]
    qh = next((p for p in right_ps if match_key(paragraph_text(p)) in QUOC_HIEU
               or match_key(paragraph_text(p)).replace("hoà", "hòa") in QUOC_HIEU), None)
    if qh is None:
        report.add("X105", E, f"không thấy Quốc hiệu '{nd30.QUOC_HIEU_TEXT}'", "phần đầu, cột phải",
                   f"Ghi Quốc hiệu in hoa, đậm, cỡ {nd30.QUOC_HIEU.size_text} ở đầu cột phải.")
    else:
        runs = [fmt.run(r, qh) for r in text_runs(qh)]
        text = paragraph_text(qh)
        if text != text.upper() or not _all_bold(runs) or not _size_in(runs, *nd30.QUOC_HIEU.sizes):
            report.add("X105", E, f"Quốc hiệu phải in hoa, đậm, cỡ chữ {nd30.QUOC_HIEU.size_text}", "phần đầu, cột phải",
                       f"Định dạng dòng Quốc hiệu: chữ in hoa, đậm, cỡ {nd30.QUOC_HIEU.size_text}.")
    tn = next((p for p in right_ps if match_key(paragraph_text(p)) == TIEU_NGU), None)
    if tn is None:
        report.add("X106", E, f"không thấy Tiêu ngữ '{nd30.TIEU_NGU_TEXT}'", "phần đầu, cột phải",
                   f"Ghi Tiêu ngữ dưới Quốc hiệu, đậm, cỡ {nd30.TIEU_NGU.size_text}, các cụm cách nhau bởi ' - '.")
    else:
        runs = [fmt.run(r, tn) for r in text_runs(tn)]
        if not _all_bold(runs) or not _size_in(runs, *nd30.TIEU_NGU.sizes):
            report.add("X106", E, f"Tiêu ngữ phải in đậm, cỡ chữ {nd30.TIEU_NGU.size_text}", "phần đầu, cột phải",
                       f"Định dạng dòng Tiêu ngữ: đậm, cỡ {nd30.TIEU_NGU.size_text}.")
        siblings = cell_paragraphs(right)
        after = siblings[siblings.index(tn) + 1:]
        if not (_has_rule(fmt, tn) or any(_has_rule(fmt, p) for p in after[:1])):
            report.add("X107", E, "thiếu đường kẻ ngang (nét liền) dưới Tiêu ngữ", "phần đầu, cột phải",
                       "Kẻ một đường nét liền dưới Tiêu ngữ, dài bằng dòng chữ.")
    left_ps = cell_paragraphs(left)
    named = [p for p in left_ps if paragraph_text(p).strip()]
    if not named:
        report.add("X108", E, "không thấy tên cơ quan ban hành ở cột trái", "phần đầu, cột trái",
                   f"Ghi tên cơ quan ban hành in hoa, đậm, cỡ {nd30.ISSUER.size_text}.")
    else:
        issuer = named[-1]
        runs = [fmt.run(r, issuer) for r in text_runs(issuer)]
        text = paragraph_text(issuer)
        if text != text.upper() or not _all_bold(runs) or not _size_in(runs, *nd30.ISSUER.sizes):
            report.add("X108", E, f"tên cơ quan ban hành {_quote(text)} phải in hoa, đậm, cỡ chữ {nd30.ISSUER.size_text}",
                       "phần đầu, cột trái", f"Định dạng tên cơ quan ban hành: in hoa, đậm, cỡ {nd30.ISSUER.size_text}.")
        if not any(_has_rule(fmt, p) for p in left_ps[left_ps.index(issuer):]):
            report.add("X108", E, "thiếu đường kẻ ngang dưới tên cơ quan ban hành", "phần đầu, cột trái",
                       "Kẻ đường nét liền dưới tên cơ quan, dài 1/3 đến 1/2 dòng chữ, ở giữa.")
    number_p = date_p = None
    for row in cells:
        for cell in row:
            for p in cell_paragraphs(cell):
                text = paragraph_text(p).strip()
                if text.startswith("Số"):
                    number_p = (p, row)
                elif nd30.DATE_LINE_RE.match(text):
                    date_p = (p, row)
    _number_line(number_p, report)
    _date_line(date_p, fmt, report)
    if number_p and date_p and number_p[1] is not date_p[1]:
        report.add("X110", E, "số, ký hiệu và địa danh, ngày tháng không nằm trên cùng một dòng", "phần đầu",
                   "Đặt 'Số: …' (cột trái) và địa danh, ngày tháng (cột phải) trong cùng một hàng của bảng.")


def _number_line(found, report: _Report) -> None:
    if found is None:
        report.add("X109", E, "không thấy dòng 'Số: …/KH-…'", "phần đầu, cột trái",
                   "Ghi 'Số:      /KH-UBND' (để trống số cho tới khi ban hành).")
        return
    text = paragraph_text(found[0]).strip()
    match = nd30.NUMBER_LINE_RE.match(text)
    if not match:
        report.add("X109", E, f"dòng số, ký hiệu {_quote(text)} không đúng dạng 'Số: 07/KH-UBND'", "phần đầu",
                   "Viết 'Số:' + dấu cách + số + '/' + ký hiệu, các nhóm chữ của ký hiệu nối bằng '-'.")
        return
    number = match.group("number")
    if number and int(number) < 10 and not number.startswith("0"):
        report.add("X109", E, f"số văn bản '{number}' nhỏ hơn 10 phải có số 0 đứng trước ('0{number}')", "phần đầu",
                   f"Sửa thành 'Số: 0{number}/{match.group('symbol')}'.")
    if not re.match(r"^[A-ZĐ][A-ZĐa-z0-9]*(-[A-ZĐ0-9][A-ZĐa-z0-9&]*)+$", match.group("symbol")):
        report.add("X109", E, f"ký hiệu '{match.group('symbol')}' không đúng dạng (vd. KH-UBND)", "phần đầu",
                   "Ký hiệu gồm chữ viết tắt tên loại và tên cơ quan, nối bằng '-' không có dấu cách.")


def _date_line(found, fmt: Formatting, report: _Report) -> None:
    if found is None:
        report.add("X110", E, "không thấy dòng địa danh, ngày tháng năm", "phần đầu, cột phải",
                   "Ghi '<Địa danh>, ngày … tháng … năm …' dưới Quốc hiệu, in nghiêng.")
        return
    p = found[0]
    text = paragraph_text(p).strip()
    match = nd30.DATE_LINE_RE.match(text)
    day, month = match.group("day"), match.group("month")
    if day and int(day) < 10 and not day.startswith("0"):
        report.add("X110", E, f"ngày '{day}' nhỏ hơn 10 phải có số 0 đứng trước", "phần đầu",
                   f"Sửa thành 'ngày 0{day}'.")
    if month:
        if int(month) <= 2 and not month.startswith("0"):
            report.add("X110", E, f"tháng '{month}' phải viết '0{month}' (tháng 1, 2 có số 0 đứng trước)", "phần đầu",
                       f"Sửa thành 'tháng 0{month}'.")
        if int(month) >= 3 and month.startswith("0"):
            report.add("X110", W, f"tháng '{month}' không cần số 0 đứng trước (chỉ tháng 1, 2 mới có)", "phần đầu",
                       f"Sửa thành 'tháng {int(month)}'.")
    runs = [fmt.run(r, p) for r in text_runs(p)]
    if runs and not all(r.italic for r in runs):
        report.add("X110", E, "dòng địa danh, ngày tháng phải in nghiêng", "phần đầu", "Định dạng chữ nghiêng.")


def _title_and_body(paragraphs, region, fmt: Formatting, report: _Report) -> None:
    if not paragraphs:
        report.add("X111", E, "văn bản không có tên loại và nội dung", "trang 1", "Thêm 'KẾ HOẠCH', trích yếu và nội dung.")
        return
    kind = paragraphs[0]
    text = paragraph_text(kind).strip()
    runs = [fmt.run(r, kind) for r in text_runs(kind)]
    pf = fmt.paragraph(kind)
    if text != "KẾ HOẠCH" or not _all_bold(runs) or pf.alignment != "center" or not _size_in(runs, *nd30.TYPE_NAME.sizes):
        report.add("X111", E, f"tên loại {_quote(text)} phải là 'KẾ HOẠCH' in hoa, đậm, cỡ 13–14, căn giữa",
                   "đoạn tên loại", "Định dạng dòng 'KẾ HOẠCH': in hoa, đậm, cỡ 13 hoặc 14, căn giữa.")
    if len(paragraphs) < 2:
        return
    title = paragraphs[1]
    runs = [fmt.run(r, title) for r in text_runs(title)]
    if not _all_bold(runs) or fmt.paragraph(title).alignment != "center":
        report.add("X112", E, f"trích yếu {_quote(paragraph_text(title))} phải in đậm, căn giữa", "đoạn trích yếu",
                   "Định dạng trích yếu: đậm, cỡ 13–14, căn giữa, ngay dưới tên loại.")
    title_index = region.index(title)
    following = region[title_index:title_index + 2]
    if not any(_has_rule(fmt, p) for p in following if p.tag == qn("w:p")):
        report.add("X112", E, "thiếu đường kẻ ngang dưới trích yếu", "đoạn trích yếu",
                   "Kẻ đường nét liền dưới trích yếu, dài 1/3 đến 1/2 dòng chữ, ở giữa.")
    body = paragraphs[2:]
    if not body:
        return
    for number, p in enumerate(body, 1):
        where = f"đoạn {number} của nội dung"
        text = paragraph_text(p).strip()
        pf = fmt.paragraph(p)
        runs = [fmt.run(r, p) for r in text_runs(p)]
        if pf.alignment not in ("both", "distribute"):
            report.add("X113", E, f"đoạn nội dung không căn đều hai bên: {_quote(text)}", where,
                       "Căn đều hai bên (Justify) cho các đoạn nội dung.")
        indent = pf.first_line_cm
        if indent is None or not any(abs(indent - cm) <= nd30.INDENT_TOLERANCE_CM for cm in nd30.FIRST_LINE_INDENTS_CM):
            shown = "không có" if indent is None else f"{indent:.2f} cm"
            report.add("X114", E, f"thụt đầu dòng {shown}, Nghị định 30 quy định 1 cm hoặc 1,27 cm: {_quote(text)}",
                       where, "Đặt thụt dòng đầu (First line) 1 cm hoặc 1,27 cm.")
        if number > 1 and pf.before_pt + pf.after_pt < nd30.MIN_PARAGRAPH_SPACING_PT:
            report.add("X115", E, f"khoảng cách giữa các đoạn {pf.before_pt + pf.after_pt:g} pt, tối thiểu {nd30.MIN_PARAGRAPH_SPACING_PT} pt: "
                                  f"{_quote(text)}", where, "Đặt khoảng cách trước đoạn (Spacing Before) ít nhất 6 pt.")
        if pf.line_multiple is not None and not nd30.LINE_SPACING[0] <= pf.line_multiple <= nd30.LINE_SPACING[1]:
            report.add("X116", E, f"giãn dòng {pf.line_multiple:g}, phải từ 1 (đơn) đến 1,5 dòng: {_quote(text)}",
                       where, "Đặt giãn dòng từ Single đến 1.5 lines.")
        if runs and not _size_in(runs, *nd30.BODY.sizes):
            report.add("X117", E, f"cỡ chữ nội dung phải {nd30.BODY.size_text}: {_quote(text)}", where,
                       f"Đặt cỡ chữ {nd30.BODY.size_text}.")
        if ROMAN_RE.match(text) and (not _all_bold(runs) or text.split(" ", 1)[-1] != text.split(" ", 1)[-1].upper()):
            report.add("X119", W, f"đề mục {_quote(text)} nên in hoa, đậm (mục La Mã)", where,
                       "Định dạng tên mục La Mã: in hoa, đậm.")
        if re.search(r"[¹²³⁴⁵⁶⁷⁸⁹]", text):
            report.add("X125", W, f"chú thích viết bằng chữ số nhỏ trong câu, không phải chú thích của Word: "
                                  f"{_quote(text)}", where, "Dùng Tham chiếu → Chèn chú thích cuối trang (Footnote).")
    last = paragraph_text(body[-1]).rstrip()
    if not last.endswith(nd30.END_MARK):
        report.add("X118", W, f"đoạn cuối của nội dung không kết thúc bằng dấu '{nd30.END_MARK}': {_quote(last[-40:])}",
                   "đoạn cuối của nội dung", f"Thêm '{nd30.END_MARK}' vào cuối đoạn cuối cùng.")


def _closing(table, fmt: Formatting, report: _Report) -> None:
    cells = table.find(qn("w:tr")).findall(qn("w:tc"))
    if len(cells) < 2:
        report.add("X121", E, "phần cuối phải có 2 cột: nơi nhận (trái) và chữ ký (phải)", "phần cuối",
                   "Dùng bảng 2 cột không viền.")
        return
    left = [p for p in cell_paragraphs(cells[0]) if paragraph_text(p).strip()]
    right = [p for p in cell_paragraphs(cells[1]) if paragraph_text(p).strip()]
    if left:
        label = left[0]
        text = paragraph_text(label).strip()
        runs = [fmt.run(r, label) for r in text_runs(label)]
        if text != nd30.RECIPIENTS_LABEL:
            report.add("X121", E, f"chữ '{text}' phải viết đúng là '{nd30.RECIPIENTS_LABEL}'", "phần cuối, cột trái",
                       f"Sửa thành '{nd30.RECIPIENTS_LABEL}'.")
        if not (_all_bold(runs) and all(r.italic for r in runs) and _size_in(runs, *nd30.RECIPIENTS_HEAD.sizes)):
            report.add("X121", E, f"'{nd30.RECIPIENTS_LABEL}' phải in đậm, nghiêng, cỡ chữ {nd30.RECIPIENTS_HEAD.size_text}",
                       "phần cuối, cột trái",
                       "Định dạng: đậm, nghiêng, cỡ 12.")
        items = left[1:]
        for number, p in enumerate(items, 1):
            text = paragraph_text(p).strip()
            runs = [fmt.run(r, p) for r in text_runs(p)]
            last = number == len(items)
            where = f"nơi nhận, dòng {number}"
            if not text.startswith("- "):
                report.add("X122", E, f"dòng nơi nhận {_quote(text)} phải bắt đầu bằng '- '", where,
                           "Thêm '- ' ở đầu dòng.")
            if last and not nd30.ARCHIVE_LINE_RE.match(text):
                report.add("X122", E, f"dòng cuối nơi nhận {_quote(text)} phải là '- Lưu: VT, … .'", where,
                           "Dòng cuối ghi '- Lưu: VT, <đơn vị soạn thảo>.' và kết thúc bằng dấu chấm.")
            elif not last and not text.endswith(";"):
                report.add("X122", E, f"dòng nơi nhận {_quote(text)} phải kết thúc bằng dấu ';'", where,
                           "Thêm ';' ở cuối dòng.")
            if runs and not _size_in(runs, *nd30.RECIPIENT_LINE.sizes):
                report.add("X122", E, f"dòng nơi nhận {_quote(text)} phải cỡ chữ 11", where, "Đặt cỡ chữ 11.")
    if len(right) < 2:
        report.add("X123", E, "thiếu khối chữ ký (chức vụ, họ tên người ký)", "phần cuối, cột phải",
                   "Ghi quyền hạn, chức vụ (in hoa, đậm) và họ tên người ký (đậm).")
        return
    *titles, name = right
    for p in titles:
        text = paragraph_text(p).strip()
        runs = [fmt.run(r, p) for r in text_runs(p)]
        if text != text.upper() or not _all_bold(runs) or not _size_in(runs, *nd30.AUTHORITY.sizes):
            report.add("X123", E, f"dòng {_quote(text)} (quyền hạn, chức vụ) phải in hoa, đậm, cỡ {nd30.AUTHORITY.size_text}",
                       "phần cuối, cột phải", f"Định dạng: in hoa, đậm, cỡ {nd30.AUTHORITY.size_text}.")
        prefix = nd30.AUTHORITY_LOOSE_RE.match(text)
        if prefix and not nd30.AUTHORITY_RE.match(text):
            report.add("X123", E, f"chữ viết tắt thẩm quyền trong {_quote(text)} phải có dấu chấm và dấu cách "
                                  "(TM. / KT. / TL. / TUQ. / Q.)", "phần cuối, cột phải", "Ví dụ: 'KT. CHỦ TỊCH'.")
    text = paragraph_text(name).strip()
    runs = [fmt.run(r, name) for r in text_runs(name)]
    if not _all_bold(runs) or text == text.upper():
        report.add("X123", E, f"họ tên người ký {_quote(text)} phải in đậm, chữ thường (không in hoa cả dòng)",
                   "phần cuối, cột phải", "Ví dụ: 'Nguyễn Văn An', in đậm.")


def _page_numbers(document, fmt: Formatting, report: _Report) -> None:
    section = document.sections[0]
    sect_pr = section._sectPr
    if sect_pr.find(qn("w:titlePg")) is None or not section.different_first_page_header_footer:
        report.add("X124", E, "trang 1 không được đánh số, nhưng văn bản chưa đặt 'trang đầu khác' (different first page)",
                   "đầu trang", "Bật 'Trang đầu khác' cho đầu trang, để trống đầu trang của trang 1.")
    header = section.header
    instr = " ".join((t.text or "") for t in header._element.iter(qn("w:instrText")))
    simple = " ".join(f.get(qn("w:instr"), "") for f in header._element.iter(qn("w:fldSimple")))
    if "PAGE" not in (instr + simple).upper():
        report.add("X124", E, "đầu trang không có số trang (từ trang 2, căn giữa, trong lề trên)", "đầu trang",
                   "Chèn số trang (trường PAGE) vào đầu trang, căn giữa.")
    else:
        for p in header._element.iter(qn("w:p")):
            fields = " ".join(t.text or "" for t in p.iter(qn("w:instrText")))
            fields += " ".join(f.get(qn("w:instr"), "") for f in p.iter(qn("w:fldSimple")))
            if "PAGE" in fields.upper() and fmt.paragraph(p).alignment != "center":
                report.add("X124", E, "số trang phải căn giữa", "đầu trang", "Căn giữa đoạn chứa số trang.")
    first = section.first_page_header
    first_instr = " ".join((t.text or "") for t in first._element.iter(qn("w:instrText")))
    if section.different_first_page_header_footer and "PAGE" in first_instr.upper():
        report.add("X124", E, "trang 1 có số trang; Nghị định 30 quy định trang 1 không đánh số", "đầu trang 1",
                   "Xóa số trang ở đầu trang của trang 1.")
