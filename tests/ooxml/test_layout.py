"""Words placed on a page rebuilt as WordprocessingML: the one DOCX reader then finds header columns, title, closing
and tables as in a Word file."""

from __future__ import annotations

from docx.oxml.ns import qn

from authoring.ooxml.facts import facts_from_docx
from authoring.ooxml.layout import Cell, Page, Table, Word, document_from_pages, lines_of
from authoring.ooxml.reader import find_regions, paragraph_text, table_columns, table_text_rows


def _line(text: str, x0: float, top: float, size: float = 13.0) -> list[Word]:
    """The words of *text* set from x0 on one baseline, about 0.5 em a letter."""
    words, x = [], x0
    for word in text.split():
        width = len(word) * size * 0.5
        words.append(Word(word, x, x + width, top, top + size, size))
        x += width + size * 0.3
    return words


def _page() -> Page:
    words = (_line("ỦY BAN NHÂN DÂN", 100, 56) + _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 260, 56)
             + _line("XÃ HÒA BÌNH", 112, 72) + _line("Độc lập - Tự do - Hạnh phúc", 300, 72)
             + _line("Số: 12/KH-UBND", 105, 98) + _line("Hòa Bình, ngày 5 tháng 3 năm 2026", 290, 98)
             + _line("KẾ HOẠCH", 270, 140, 14)
             + _line("Thực hiện công tác trẻ em năm 2026", 200, 158, 14)
             + _line("I. MỤC ĐÍCH", 85, 200, 14)
             + _line("1. Bảo đảm quyền trẻ em trên địa bàn xã.", 120, 220, 14)
             + _line("Nơi nhận:", 85, 600, 12) + _line("TM. ỦY BAN NHÂN DÂN", 360, 600, 13)
             + _line("- UBND huyện;", 85, 614, 11) + _line("CHỦ TỊCH", 390, 616, 13)
             + _line("- Lưu: VT.", 85, 628, 11) + _line("Lê Văn An", 385, 680, 13)
             + _line("2", 297, 20))   # a page number at the top: furniture, dropped
    return Page(595.0, 842.0, words)


def test_the_header_columns_title_and_closing_come_back_as_in_a_word_file():
    document = document_from_pages([_page()])
    facts = facts_from_docx(document)
    assert (facts.number, facts.symbol, facts.date, facts.place) == ("12", "KH-UBND", "2026-03-05", "Hòa Bình")
    assert facts.doc_type == "Kế hoạch" and facts.title == "Thực hiện công tác trẻ em năm 2026"
    regions = find_regions(document)
    left, right = (table_columns(regions.closing)[i] for i in (0, 1))
    assert [paragraph_text(p) for p in left] == ["Nơi nhận:", "- UBND huyện;", "- Lưu: VT."]
    assert [paragraph_text(p) for p in right] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn An"]
    assert "2" not in [paragraph_text(p) for p in document.element.body.iter(qn("w:p"))]


def test_a_label_and_the_smaller_line_under_it_are_two_lines():
    words = _line("Nơi nhận:", 85, 600, 12) + _line("- Như Điều 3;", 85, 611, 11)
    assert [line.text for line in lines_of(words, 0)] == ["Nơi nhận:", "- Như Điều 3;"]


def test_merged_cells_are_read_as_the_grid_they_draw():
    """A content cell over two rows (vMerge) repeats down; a heading over three columns (gridSpan) fills the first."""
    table = Table(300, 400, 85, 510, 3, 3, [
        Cell(0, 0, 1, 3, "I. CẢI CÁCH THỂ CHẾ"),
        Cell(1, 0, 2, 1, "1"), Cell(1, 1, 2, 1, "Rà soát văn bản"), Cell(1, 2, 1, 1, "Sở Tư pháp"),
        Cell(2, 2, 1, 1, "Sở Nội vụ")])
    page = Page(595.0, 842.0, _line("PHỤ LỤC", 270, 100), [table])
    document = document_from_pages([page])
    grid = table_text_rows(next(document.element.body.iter(qn("w:tbl"))))
    assert grid == [["I. CẢI CÁCH THỂ CHẾ", "", ""], ["1", "Rà soát văn bản", "Sở Tư pháp"],
                    ["1", "Rà soát văn bản", "Sở Nội vụ"]]


def test_footnotes_at_the_foot_of_a_page_become_footnotes_and_their_marks_references():
    from authoring.ooxml.reader import footnotes

    words = (_line("Ủy ban nhân dân tỉnh đã ban hành nhiều văn bản chỉ đạo điều hành", 85, 300, 14)
             + [Word("1", 540, 545, 298, 306, 8.0)]                       # the raised mark after "hành"
             + _line("Tiếp tục triển khai các nhiệm vụ trọng tâm của năm.", 120, 330, 14)   # indented: a new paragraph
             + _line("1 Quyết định số 12/QĐ-UBND ngày 03 tháng", 85, 760, 10)
             + _line("01 năm 2025 của UBND tỉnh.", 85, 772, 10))          # a note going on, not note 1 again
    document = document_from_pages([Page(595.0, 842.0, words)])
    assert footnotes(document) == [("1", "Quyết định số 12/QĐ-UBND ngày 03 tháng 01 năm 2025 của UBND tỉnh.")]
    texts = [paragraph_text(p, footnote_marks=True) for p in document.element.body.iter(qn("w:p"))]
    assert any(t.endswith("điều hành[^1]") for t in texts) and not any("Quyết định số 12" in t for t in texts)


def test_a_stamp_or_scanner_edge_above_the_quoc_hieu_is_not_the_header():
    """A scanned "SAO Y" copy (Công an tỉnh Lâm Đồng 1710): the scanner's dark edge across the top and the copy stamp
    at the right sit above the Quốc hiệu; the issuer is still read from its column."""
    words = (_line("mwwwœữỮœgœggggtELƯNNNnmrmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm", 10, 8)
             + _line("SAO Y; CÔNG AN TỈNH LÂM ĐỒNG; Thời gian ký: 2025-06-04T15:55:36+07:00", 300, 24, 9)
             + _line("BỘ CÔNG AN", 110, 56) + _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 260, 56)
             + _line("CÔNG AN TỈNH LÂM ĐỒNG", 90, 72) + _line("Độc lập - Tự do - Hạnh phúc", 300, 72)
             + _line("Số: 1710/CAT-PA05", 100, 98) + _line("Lâm Đồng, ngày 04 tháng 6 năm 2025", 290, 98)
             + _line("V/v trao đổi thông tin thành viên", 95, 116, 12)
             + _line("Kính gửi: Văn phòng Tỉnh ủy", 200, 160, 14)
             + _line("Ngày 04/4/2024, Chủ tịch UBND tỉnh ban hành Quyết định số 607/QĐ-UBND.", 85, 190, 14))
    facts = facts_from_docx(document_from_pages([Page(595.0, 842.0, words)]))
    assert (facts.parent_issuer, facts.issuer) == ("BỘ CÔNG AN", "CÔNG AN TỈNH LÂM ĐỒNG")
    assert (facts.symbol, facts.date, facts.place) == ("CAT-PA05", "2025-06-04", "Lâm Đồng")
    assert facts.title == "V/v trao đổi thông tin thành viên"


def test_a_parent_issuer_set_a_little_above_the_quoc_hieu_is_kept():
    words = (_line("BỘ CÔNG AN", 110, 50) + _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 260, 58)
             + _line("CÔNG AN TỈNH LÂM ĐỒNG", 90, 72) + _line("Độc lập - Tự do - Hạnh phúc", 300, 74)
             + _line("Số: 1413/CAT-PC04", 100, 98) + _line("Lâm Đồng, ngày 16 tháng 3 năm 2026", 290, 98)
             + _line("V/v hỗ trợ kinh phí", 110, 116, 12)
             + _line("Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh", 150, 160, 14))
    facts = facts_from_docx(document_from_pages([Page(595.0, 842.0, words)]))
    assert facts.parent_issuer == "BỘ CÔNG AN" and facts.symbol == "CAT-PC04"


def test_lines_of_a_skewed_scan_are_not_chained_but_a_day_set_in_a_gap_of_a_text_line_joins_it():
    from authoring.ooxml.layout import Word, lines_of

    # OCR boxes of a page turned a little: each line sinks 3 pt from left to right, the next starts 3 pt lower
    skewed = [Word(t, x, x + 40, b - 12, b, 12, 90.0) for t, x, b in
              [("Thực", 60, 100), ("hiện", 200, 101.5), ("Nghị", 340, 103), ("Kết", 60, 106), ("luận", 200, 107.5)]]
    assert [l.text for l in lines_of(skewed, 0)] == ["Thực hiện Nghị", "Kết luận"]
    # a text layer: the day an e-office drew at 14 pt in the gap left for it, 0.45 pt below a line that drifted
    typed = [Word(t, x, x + w, b - s, b, s) for t, x, w, b, s in
             [("Số:", 92, 17, 113.2, 13), ("447", 114, 20, 112.3, 13), ("ngày", 355, 25, 116.1, 13),
              ("tháng", 406, 30, 116.1, 13), ("24", 383, 17, 116.55, 14)]]
    assert [l.text for l in lines_of(typed, 0)] == ["Số: 447 ngày 24 tháng"]
