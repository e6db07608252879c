"""The one DOCX reader on real layouts: header columns over several rows, spaced-out layouts, text boxes, tables."""

from __future__ import annotations

from helpers import FIXTURES

from authoring.ooxml.reader import (find_regions, open_document, paragraph_text, split_columns, table_text_rows)

REAL = FIXTURES / "real" / "docx"


def _regions(name):
    document = open_document(next(REAL.glob(f"{name}-*.docx")))
    return document, find_regions(document)


def test_a_draft_stamp_in_a_text_box_is_not_read_into_the_number_line():
    _, regions = _regions("004")
    left, right = regions.header_columns()
    assert left == ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: /KH-UBND"]
    assert right[-1].startswith("Lâm Đồng, ngày")


def test_header_in_three_rows_and_trich_yeu_over_two_paragraphs():
    _, regions = _regions("003")
    assert paragraph_text(regions.type_line).strip() == "KẾ HOẠCH"
    assert [paragraph_text(p).strip() for p in regions.title] == [
        "Kiểm tra công tác cải cách hành chính năm 2026", "trên địa bàn tỉnh Lâm Đồng"]
    assert regions.closing is not None and regions.annex_start is not None


def test_a_letter_laid_out_with_spaces_has_its_columns_read():
    _, regions = _regions("011")
    assert regions.headers == [] and len(regions.header_paragraphs) == 3
    left, right = regions.header_columns()
    assert left[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"] and right[0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert regions.closing is None and regions.closing_paragraphs
    assert split_columns("     Số:             /UBND-NC        Lâm Đồng, ngày") == ["Số: /UBND-NC", "Lâm Đồng, ngày"]


def test_tables_are_read_whole_on_their_grid():
    document, regions = _regions("001")
    table = next(c for c in regions.annexes if c.tag.endswith("}tbl"))
    rows = table_text_rows(table)
    assert len(rows) > 50 and len(rows[0]) == 7 and rows[0][4] == "Chủ trì thực hiện"
