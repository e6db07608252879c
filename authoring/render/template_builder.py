"""Builds the ND30 DOCX templates in templates/ (run once; users then restyle the .docx in Word).

    python -m authoring.render.template_builder      # rewrites templates/*.docx
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, Twips

from .. import nd30
from ..paths import TEMPLATES_DIR
from ..ooxml.package import TBLPR_ORDER, deterministic_zip, insert_in_order, set_run_fonts
from .metrics import text_width_pt

FONT = nd30.FONT

# Template kinds: file name → whether the left header cell has a governing-body line (only a Sở has one).
KINDS = {
    "ubnd-tinh.docx": False,
    "so.docx": True,
    "ubnd-huyen.docx": False,
    "ubnd-xa.docx": False,
}

# Page geometry (ND30 Phụ lục I §I): margins inside the ranges, header 10 mm from the edge.
# Twips rounded up, so that no margin falls a hair under its ND30 minimum (Mm(15) would store 14.99 mm).
PAGE = {side: Twips(value) for side, value in nd30.PRINTED_MARGINS_TWIPS.items()}
TEXT_WIDTH_CM = (nd30.A4_MM[0] - nd30.MARGINS_MM["left"][0] - nd30.MARGINS_MM["right"][0]) / 10
HEADER_COLS_CM = (6.5, 10.0)  # Mẫu 1.4 proportions, fitted to the text width
CLOSING_COLS_CM = (6.0, 10.5)
SIGNATURE_ROOM_LINES = 10
# Exact height of each empty line: the gap then holds a 42 mm seal (119 pt), its two caption lines (21 pt) and 2 pt
# above and below, and no more, so the closing block (which cannot split) is no taller than it must be.
SIGNATURE_ROOM_LINE_PT = 14.8
RECIPIENT_DASH = "- "       # each recipient line starts with it; wrapped lines hang under the text after it


def _fonts(rpr_parent) -> None:
    """Times New Roman on every script slot, and no theme fonts (themes would win in Word)."""
    set_run_fonts(rpr_parent, FONT)


def _doc_defaults(doc) -> None:
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    set_run_fonts(rpr, FONT)
    for tag, val in (("w:sz", "28"), ("w:szCs", "28")):
        el = rpr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rpr.append(el)
        el.set(qn("w:val"), val)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "en-US")
    lang.set(qn("w:bidi"), "ar-SA")
    # Every font named anywhere in the styles (built-in headings and table styles name theme fonts) becomes TNR.
    for fonts in list(styles.iter(qn("w:rFonts"))):
        set_run_fonts(fonts.getparent(), FONT)
    for style in doc.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            style.font.color.rgb = None


def _style(doc, name: str, style_id: str, size: float, *, bold=False, italic=False, align=None, before=0.0,
           after=0.0, line=1.0, first_indent=None, keep_next=False, keep_lines=False, hanging=None, left=None,
           character=False):
    kind = WD_STYLE_TYPE.CHARACTER if character else WD_STYLE_TYPE.PARAGRAPH
    style = doc.styles.add_style(name, kind)
    style.element.set(qn("w:styleId"), style_id)
    style.quick_style = True
    if not character:
        style.base_style = doc.styles["Normal"]
    font = style.font
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    _fonts(style.element.get_or_add_rPr())
    if not character:
        fmt = style.paragraph_format
        if align is not None:
            fmt.alignment = align
        fmt.space_before = Pt(before)
        fmt.space_after = Pt(after)
        fmt.line_spacing = line
        fmt.widow_control = True
        if first_indent is not None:
            fmt.first_line_indent = first_indent
        if keep_next:
            fmt.keep_with_next = True
        if keep_lines:
            fmt.keep_together = True
        if hanging is not None:  # wrapped lines start under the text, not under the "- "
            fmt.left_indent = hanging if left is None else left
            fmt.first_line_indent = -hanging
    return style


def _rule_style(doc, name: str, style_id: str):
    """An empty paragraph whose bottom border is the rule; its length is set per document at render time."""
    style = _style(doc, name, style_id, 2, align=WD_ALIGN_PARAGRAPH.CENTER, line=1.0)
    ppr = style.element.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, val in (("w:val", "single"), ("w:sz", "6"), ("w:space", "2"), ("w:color", "000000")):
        bottom.set(qn(key), val)
    border.append(bottom)
    ppr.insert(0, border)
    spacing = ppr.find(qn("w:spacing"))
    spacing.set(qn("w:line"), "40")
    spacing.set(qn("w:lineRule"), "exact")
    return style


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(nd30.BODY.printed)
    _fonts(normal.element.get_or_add_rPr())
    center = WD_ALIGN_PARAGRAPH.CENTER
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    _style(doc, "KH Cơ quan chủ quản", "KHCoQuanChuQuan", nd30.GOVERNING_BODY.printed, align=center)
    _style(doc, "KH Cơ quan ban hành", "KHCoQuanBanHanh", nd30.ISSUER.printed, bold=True, align=center)
    _style(doc, "KH Quốc hiệu", "KHQuocHieu", nd30.QUOC_HIEU.printed, bold=True, align=center)
    _style(doc, "KH Tiêu ngữ", "KHTieuNgu", nd30.TIEU_NGU.printed, bold=True, align=center)
    _style(doc, "KH Số, ký hiệu", "KHSoKyHieu", nd30.NUMBER.printed, align=center, before=6)
    _style(doc, "KH Địa danh, ngày tháng", "KHDiaDanhNgay", nd30.PLACE_DATE.printed, italic=True, align=center,
           before=6)
    _style(doc, "KH Tên loại", "KHTenLoai", nd30.TYPE_NAME.printed, bold=True, align=center, before=18,
           keep_next=True)
    _style(doc, "KH Trích yếu", "KHTrichYeu", nd30.TITLE.printed, bold=True, align=center, keep_next=True)
    _rule_style(doc, "KH Kẻ dưới tiêu ngữ", "KHKeTieuNgu")
    _rule_style(doc, "KH Kẻ dưới cơ quan", "KHKeCoQuan")
    _rule_style(doc, "KH Kẻ dưới trích yếu", "KHKeTrichYeu")
    body, indent, spacing = nd30.BODY.printed, Cm(nd30.FIRST_LINE_INDENTS_CM[0]), nd30.MIN_PARAGRAPH_SPACING_PT
    _style(doc, "KH Mục", "KHMuc", body, bold=True, align=justify, before=spacing, line=1.15, first_indent=indent,
           keep_next=True)
    _style(doc, "KH Nội dung", "KHNoiDung", body, align=justify, before=spacing, line=1.15, first_indent=indent)
    # A numbered heading line ("1. Sở Y tế") never ends a page: it keeps with the paragraph after it.
    # Based on "KH Nội dung" and changing nothing else, so restyling the body restyles these lines too.
    khoan = doc.styles.add_style("KH Khoản", WD_STYLE_TYPE.PARAGRAPH)
    khoan.element.set(qn("w:styleId"), "KHKhoan")
    khoan.quick_style = True
    khoan.base_style = doc.styles["KH Nội dung"]
    khoan.paragraph_format.keep_with_next = True
    khoan.paragraph_format.keep_together = True
    # The closing block (Nơi nhận + signature) is one unsplittable row; its paragraphs keep together too.
    closing = {"keep_next": True, "keep_lines": True}
    _style(doc, "KH Nơi nhận", "KHNoiNhan", nd30.RECIPIENTS_HEAD.printed, bold=True, italic=True, **closing)
    _style(doc, "KH Nơi nhận - dòng", "KHNoiNhanDong", nd30.RECIPIENT_LINE.printed,
           hanging=Pt(round(text_width_pt(RECIPIENT_DASH, nd30.RECIPIENT_LINE.printed), 1)), **closing)
    _style(doc, "KH Thẩm quyền, chức vụ", "KHThamQuyen", nd30.AUTHORITY.printed, bold=True, align=center, before=0,
           **closing)
    _style(doc, "KH Chỗ ký", "KHChoKy", nd30.SIGNER_NAME.printed, align=center, line=Pt(SIGNATURE_ROOM_LINE_PT),
           **closing)
    _style(doc, "KH Họ tên người ký", "KHHoTen", nd30.SIGNER_NAME.printed, bold=True, align=center, keep_lines=True)
    _style(doc, "KH Số trang", "KHSoTrang", nd30.PAGE_NUMBER.printed, align=center)
    _style(doc, "KH Chú thích", "KHChuThich", 12, align=justify)
    _style(doc, "KH Phụ lục", "KHPhuLuc", nd30.ANNEX_LABEL.printed, bold=True, align=center)
    _style(doc, "KH Tên phụ lục", "KHTenPhuLuc", nd30.ANNEX_TITLE.printed, bold=True, align=center)
    _style(doc, "KH Kèm theo", "KHKemTheo", nd30.ANNEX_REFERENCE.printed, italic=True, align=center, after=12)
    _style(doc, "KH Bảng - tiêu đề", "KHBangTieuDe", 12, bold=True, align=center)
    _style(doc, "KH Bảng - nội dung", "KHBangNoiDung", 12, align=WD_ALIGN_PARAGRAPH.LEFT)
    # named as Word names its built-in style: LibreOffice then prints the number in the footnote area raised too
    ref = _style(doc, "footnote reference", "KHDauChuThich", 14, character=True)
    ref.font.superscript = True


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    insert_in_order(tbl_pr, borders, TBLPR_ORDER)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    insert_in_order(tbl_pr, layout, TBLPR_ORDER)


def _table(doc, rows: int, widths_cm: tuple[float, float]):
    table = doc.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)
    for col, width in zip(table.columns, widths_cm):
        col.width = Cm(width)
    return table


def _para(container, text: str, style: str, first: bool = False):
    if first:
        paragraph = container.paragraphs[0]
        paragraph.style = style
        if text:
            paragraph.add_run(text)
        return paragraph
    return container.add_paragraph(text, style=style)


def _repeat(cell, items: str, style: str, first: bool = False, rich: bool = False) -> None:
    """One paragraph per item of *items*, each printed as {{ line }} in *style* (docxtpl paragraph loop)."""
    _para(cell, f"{{%p for line in {items} %}}", style, first=first)
    _para(cell, "{{r line }}" if rich else "{{ line }}", style)
    _para(cell, "{%p endfor %}", style)


def _page_number_field(paragraph) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)


def build(governing_line: bool) -> bytes:
    doc = Document()
    body = doc.element.body
    for element in list(body):
        if element.tag != qn("w:sectPr"):
            body.remove(element)
    _doc_defaults(doc)
    _styles(doc)

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(nd30.A4_MM[0]), Mm(nd30.A4_MM[1])
    section.top_margin, section.bottom_margin = PAGE["top"], PAGE["bottom"]
    section.left_margin, section.right_margin = PAGE["left"], PAGE["right"]
    section.header_distance, section.footer_distance = PAGE["header"], PAGE["footer"]
    # ND30: no number on page 1, centred Arabic numbers in the top margin from page 2.
    section.different_first_page_header_footer = True
    _page_number_field(_para(section.header, "", "KH Số trang", first=True))
    _para(section.first_page_header, "", "KH Số trang", first=True)

    header = _table(doc, 2, HEADER_COLS_CM)
    left, right = header.rows[0].cells
    if governing_line:
        _para(left, "{{ governing_body }}", "KH Cơ quan chủ quản", first=True)
    _repeat(left, "issuer_lines", "KH Cơ quan ban hành", first=not governing_line)
    _para(left, "", "KH Kẻ dưới cơ quan")
    _para(right, nd30.QUOC_HIEU_TEXT, "KH Quốc hiệu", first=True)
    _para(right, nd30.TIEU_NGU_TEXT, "KH Tiêu ngữ")
    _para(right, "", "KH Kẻ dưới tiêu ngữ")
    number_cell, date_cell = header.rows[1].cells
    _para(number_cell, "{{ number_line }}", "KH Số, ký hiệu", first=True)
    _para(date_cell, "{{ date_line }}", "KH Địa danh, ngày tháng", first=True)

    doc.add_paragraph("{{ doc_type }}", style="KH Tên loại")
    doc.add_paragraph("{{ title }}", style="KH Trích yếu")
    doc.add_paragraph("", style="KH Kẻ dưới trích yếu")

    doc.add_paragraph("{%p for p in body %}", style="KH Nội dung")
    doc.add_paragraph("{%p if p.style == 'muc' %}", style="KH Nội dung")
    doc.add_paragraph("{{r p.rich }}", style="KH Mục")
    doc.add_paragraph("{%p elif p.style == 'khoan' %}", style="KH Nội dung")
    doc.add_paragraph("{{r p.rich }}", style="KH Khoản")
    doc.add_paragraph("{%p else %}", style="KH Nội dung")
    doc.add_paragraph("{{r p.rich }}", style="KH Nội dung")
    doc.add_paragraph("{%p endif %}", style="KH Nội dung")
    doc.add_paragraph("{%p endfor %}", style="KH Nội dung")

    closing = _table(doc, 1, CLOSING_COLS_CM)
    # "Nơi nhận:" and the first signature line stand level with each other, a little under the body.
    margins = OxmlElement("w:tblCellMar")
    top = OxmlElement("w:top")
    top.set(qn("w:w"), "240")
    top.set(qn("w:type"), "dxa")
    margins.append(top)
    insert_in_order(closing._tbl.tblPr, margins, TBLPR_ORDER)
    row_pr = closing.rows[0]._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")   # the closing block is never split across pages
    row_pr.append(cant_split)
    recipients, signature = closing.rows[0].cells
    _para(recipients, "{{ recipients_label }}", "KH Nơi nhận", first=True)
    _repeat(recipients, "recipients", "KH Nơi nhận - dòng", rich=True)
    _repeat(signature, "authority", "KH Thẩm quyền, chức vụ", first=True)
    # Room for the signature and the seal (ND30 ô 7c và 8): a 42 mm seal and the two caption lines under it fit
    # between the title and the name, so the seal can cover the signature's left third without touching either.
    for _ in range(SIGNATURE_ROOM_LINES):
        _para(signature, "", "KH Chỗ ký")
    _para(signature, "{{ signer }}", "KH Họ tên người ký")

    core = doc.core_properties
    core.title = "Mẫu Kế hoạch theo Nghị định 30/2020/NĐ-CP"
    core.author = "kehoach"
    core.comments = "Mẫu của kehoach; có thể sửa kiểu chữ (styles) trong Word hoặc LibreOffice. Giữ nguyên các thẻ trong ngoặc nhọn (thẻ Jinja của docxtpl)."
    buffer = io.BytesIO()
    doc.save(buffer)
    return deterministic_zip(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    out_dir = Path(argv[0]) if argv else TEMPLATES_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, governing in KINDS.items():
        (out_dir / name).write_bytes(build(governing))
        print(f"Đã tạo mẫu {out_dir / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
